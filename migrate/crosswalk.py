"""What happened to each source row, per object: the crosswalk.

In: the records frame after dedupe and export (one row per source data row, with its
``company_id``, ``contact_id``, ``deal_id`` and row ``_status``), the export result and the
target profile. Out: for every row the status of each object it holds (``company_status``,
``contact_status``, ``deal_status``):

- ``exported``: the record is in an import file (Account.csv, companies.csv, ...);
- ``lead``: the person or the deal went into the target's lead file (Salesforce Lead.csv);
- ``rejected``: the record failed a check of the target and is in rejects.csv;
- ``not-exported``: the target takes no such record (a person-level deal of someone who has
  a real deal, a company with nothing but leads), with a reason;
- empty: the row holds no such object, or the run was an audit (no import files).

The row ``status`` then follows the row's own record (its deal, else its person, else its
company): a row whose deal was rejected is ``rejected`` with the reason, even when its account
was created; a row whose contact alone was rejected stays ``exported`` (or ``merged``), and
its ``reason`` and ``contact_status`` say what failed. A person-level record the target takes
as its person's lead or lifecycle stage rather than as a deal is ``merged`` into that person. A
deal with an amount that is in no import file is a warning finding
(``export.deal-not-exported``): its money would vanish from the pipeline without a word.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import findings as fnd
from .columnar import coded_by_value, map_values
from .schema import ROW_KEY, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, cell_text, is_blank

OBJECTS = (("company", "company_id"), ("contact", "contact_id"), ("deal", "deal_id"))
STATUS_COLUMNS = [f"{obj}_status" for obj, _ in OBJECTS]
CROSSWALK_COLUMNS = [
    "source_file",
    "source_sheet",
    "source_row",
    "status",
    "company_id",
    "company_status",
    "contact_id",
    "contact_status",
    "deal_id",
    "deal_status",
    "stage",
    "reason",
]
DEAL_NOT_EXPORTED = "export.deal-not-exported"
PERSON_LEVEL_REASON = {
    "leads": "a person-level record (lead, MQL, SQL) of a person who has a deal is not a deal "
    "of its own; the person is exported with that deal",
    "contacts": "a person-level record (lead, MQL, SQL) is the lifecycle stage of its contact "
    "or company in the target, not a deal",
    "deals": "not exported",
}
_KIND = {"companies": "company", "contacts": "contact", "deals": "deal"}
# the columns object_statuses writes into (every other column is the input's, read only)
_WRITTEN = ("_status", "_merged_into", "_reason")
# a row whose record the target takes in no form and that no exported person or company
# carries: rejected, and in rejects.csv like every rejected row
NO_TARGET_RECORD = "export.no-target-record"
PERSON_LEVEL_LOST = {
    "leads": "a person-level record (lead, MQL, SQL) without a person is no lead the target can "
    "take (a lead needs a name), and no exported contact or account carries it",
    "contacts": "a person-level record (lead, MQL, SQL) is the lifecycle stage of its contact "
    "or company in the target, and no exported contact or company carries this one",
    "deals": "the target takes no record of this kind",
}


def object_statuses(
    records: pd.DataFrame, export: Any, profile: Any, deals: pd.DataFrame
) -> tuple[pd.DataFrame, list[fnd.Finding]]:
    """Each row's object statuses and its true row status; findings for deals left out.

    ``export`` is the :class:`~migrate.export.ExportResult` (``None`` for an audit: the object
    statuses stay empty), ``deals`` the deduplicated deals (for the warning on amounts).
    """
    # the input's columns shared, not copied: only the row status columns are written in place
    # below, and those are the frame's own (a deep copy of every column cost 8% of this step)
    out = records.copy(deep=False)
    for col in _WRITTEN:
        out[col] = records[col].copy()
    for col in STATUS_COLUMNS:
        out[col] = ""
    if export is None or profile is None:
        return out, []
    exported: dict[str, set[str]] = {"company": set(), "contact": set(), "deal": set()}
    leads: set[str] = set()
    rejected: dict[str, set[str]] = {"company": set(), "contact": set(), "deal": set()}
    rejects = export.rejects
    for spec in profile.files:
        frame = export.files.get(spec.name)
        ids = _ids(frame[spec.id]) if frame is not None and spec.id in frame else set()
        bad = (
            _ids(rejects.loc[rejects["file"] == spec.name, "external_id"])
            if len(rejects)
            else set()
        )
        if spec.records == "leads":
            leads |= ids
            rejected["contact"] |= bad
            rejected["deal"] |= bad
        elif spec.records in _KIND:
            exported[_KIND[spec.records]] |= ids
            rejected[_KIND[spec.records]] |= bad

    alive = out["_status"].isin(["exported", "merged"])
    # each object's ids as texts, once: every step below reads them
    id_texts = {id_col: map_values(out[id_col], cell_text) for _, id_col in OBJECTS}
    for obj, id_col in OBJECTS:
        ids = id_texts[id_col]
        status = pd.Series("", index=out.index, dtype=object)
        has = alive & (ids != "")
        status[has] = "not-exported"
        status[has & ids.isin(leads)] = "lead"
        status[has & ids.isin(rejected[obj])] = "rejected"
        status[has & ids.isin(exported[obj])] = "exported"
        out[f"{obj}_status"] = status
    if "lead" in set(out["contact_status"]):
        # a company with nothing but leads travels as the Company of its leads, and a
        # person-level deal of a lead is that lead: on every row of that company or deal (the
        # deal's kept row may hold no person when a merged row brought it)
        of_lead = out["contact_status"].eq("lead")
        for obj, id_col in (("company", "company_id"), ("deal", "deal_id")):
            col = f"{obj}_status"
            ids = id_texts[id_col]
            carried = set(ids[of_lead & out[col].eq("not-exported")]) - {""}
            out.loc[out[col].eq("not-exported") & ids.isin(carried), col] = "lead"

    # the row's own record is its deal, else its person, else its company
    main = out["deal_status"].where(
        out["deal_status"] != "",
        out["contact_status"].where(out["contact_status"] != "", out["company_status"]),
    )
    out.loc[alive & main.eq("rejected"), "_status"] = "rejected"
    # a record the target takes in another form (a person-level deal of someone with a real
    # deal, a HubSpot lifecycle stage) is merged into the person or company that was exported
    left_out = alive & main.eq("not-exported")
    carrier = out["contact_id"].where(
        out["contact_status"].isin(["exported", "lead"]),
        out["company_id"].where(out["company_status"].isin(["exported", "lead"]), ""),
    )
    # merged_into names a source row: one that stays and holds the same person or company
    stays = alive & ~left_out & out["_status"].eq("exported")
    # of several, the one with the smallest deal id (then contact id): chosen by content, so a
    # re-sorted tracker names the same row
    ids_of = pd.DataFrame(
        {
            ROW_KEY: map_values(out.loc[stays, ROW_KEY], cell_text),
            **{c: id_texts[c][stays] for c in ("deal_id", "contact_id", "company_id")},
        }
    )
    ids_of = ids_of.sort_values(["deal_id", "contact_id"], kind="stable")
    # each id's first row in that order; a person's id before a company's
    row_of: dict[str, str] = {}
    for id_col in ("company_id", "contact_id"):
        first = ids_of.drop_duplicates(id_col)
        row_of.update(zip(first[id_col], first[ROW_KEY]))
    target_row = map_values(carrier, lambda c: row_of.get(c, "") if c else "")
    into = left_out & (target_row != "")
    out.loc[into, "_status"] = "merged"
    out.loc[into, "_merged_into"] = target_row[into]
    out.loc[into, "_reason"] = (
        "merged into " + target_row[into] + ": " + PERSON_LEVEL_REASON[profile.person_stages]
    )
    # no other row holds its person or company, but this row's own person or company went
    # out (a converted lead of a lead list whose company's deal is in the pipeline): exported
    carried = left_out & (target_row == "") & (carrier != "")
    out.loc[carried, "_status"] = "exported"
    out.loc[carried, "_reason"] = (
        "exported as its person or company: the target takes this record as no deal of its own"
    )
    lost = left_out & (target_row == "") & (carrier == "")
    out.loc[lost, "_status"] = "rejected"
    out.loc[lost, "_reason"] = f"{NO_TARGET_RECORD}: " + PERSON_LEVEL_LOST[profile.person_stages]
    return out, _deals_left_out(out, deals)


def _ids(values: pd.Series) -> set[str]:
    """The ids of a column as texts, blanks left out (each distinct value read once)."""
    return set(coded_by_value(values, cell_text)[1]) - {""}


def _deals_left_out(records: pd.DataFrame, deals: pd.DataFrame) -> list[fnd.Finding]:
    """A warning for each deal with an amount that reached no deal file."""
    # a deal's place is its first row's status: when no row's is one of these, none is
    left = records["deal_status"].isin(["lead", "not-exported"])
    if deals.empty or "amount" not in deals.columns or not left.any():
        return []
    status = (
        records.loc[records["deal_id"] != "", ["deal_id", "deal_status"]]
        .drop_duplicates("deal_id")
        .set_index("deal_id")["deal_status"]
    )
    found = []
    # only deals that went nowhere or into the lead file can be warned about
    places = map_values(deals["deal_id"], cell_text).map(status).fillna("")
    for (_, deal), where in zip(
        deals[places.isin(["lead", "not-exported"])].iterrows(),
        places[places.isin(["lead", "not-exported"])],
        strict=True,
    ):
        amount = deal.get("amount")
        if where not in ("lead", "not-exported") or is_blank(amount) or not _nonzero(amount):
            continue
        as_lead = where == "lead"
        found.append(
            fnd.Finding(
                DEAL_NOT_EXPORTED,
                "warning",
                f"deal {deal['deal_id']} at stage '{cell_text(deal.get('stage'))}' with an amount "
                + (
                    "went into the lead file, which has no amount: the amount is not imported"
                    if as_lead
                    else "is in no deal file: a person-level record is exported as its "
                    "person (or into the deal its person already has), not as a deal of its "
                    "own, so the amount is not imported; give it a deal stage if it is a deal"
                ),
                file=cell_text(deal.get(SOURCE_FILE)),
                sheet=cell_text(deal.get(SOURCE_SHEET)),
                row=int(deal.get(SOURCE_ROW) or 0),
                field="amount",
                original=cell_text(amount),
                action="skipped",
            )
        )
    return found


def _nonzero(value: object) -> bool:
    try:
        return float(value) != 0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True
