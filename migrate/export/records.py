"""Record sets: the deduplicated entities arranged the way a target's objects need them.

In: the ``companies``, ``contacts`` and ``deals`` frames of the dedupe step (one row per entity,
``<entity>_id``, canonical fields, ``_row_keys``, ``_source_*``), the stage model and how the
target treats person-level stages (lead, mql, sql). Out: one frame per record set —
``companies``, ``contacts``, ``deals``, ``leads``, ``deal_contacts`` — with the own fields,
the joined parents' fields as ``company.<field>`` / ``contact.<field>`` / ``deal.<field>``, the
computed ``funnel_stage`` (the furthest stage a company or person reached) and ``owner`` (of
that best record), the hidden ``_id``, ``_row_keys``, ``_stage`` and ``_source_*`` columns;
plus findings for records a target does not take as they are.

``person_stages`` of the profile:

- ``deals``: every record stays a deal (generic).
- ``contacts``: person-level records are no deals; they only set the funnel stage of their
  person and company (HubSpot lifecycle stage).
- ``leads``: a person whose records are all person-level is a lead, not a contact, and a
  company with nothing but leads is no account (Salesforce). A person-level record of someone
  who also has a deal is superseded by that deal (finding ``export.lead-has-deal``).

With ``leads`` or ``contacts``, a record at SQL (the last person-level stage) that carries a
forecast of its own (an amount or a close date) outside lead lists is a deal at the first deal
stage (warning ``export.sql-as-deal``): a pipeline line with a value is not a lead.

Rows of a lead list (:func:`lead_list_rows`: a sheet whose records carry no deal field at all,
no amount, no close date, no deal name, and at least one of which is at a person-level stage)
are people, not deals, whatever their status says. With ``leads`` or ``contacts``:

- a row at a deal-level stage (商談化, SQL化, converted: the lead was handed to sales) is a
  converted lead. When its company has a deal outside the lead lists, the person is a contact
  linked to that deal (a deal-contact pair, finding ``export.lead-converted``) and the row makes
  no deal of its own; when the company has none, the row is the deal, named after its company
  (``<company> 商談``, or ``<company> <product>``) with a warning ``export.deal-from-lead``;
- a lost row (対象外, disqualified) or one without a stage is a person-level record: with a
  lost stage a lead closed without conversion, without a stage a lead at the first person-level
  stage (warning ``export.lead-status-assumed``: the list says nothing of how far it got).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import findings as fnd
from ..columnar import by_value, empty_cells
from ..lead_lists import LEAD_STATUS, lead_not_deal, lead_rows
from ..lead_lists import lead_list_rows as _lead_list_rows
from ..schema import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from ..schema import cell_text as text
from ..stages import StageModel
from ..validate import ID, ROW_KEYS, STAGE
from .optout import OptOutWords

SOURCE_COLUMNS = [SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW]
#: True on a deal made from a converted lead of a lead list (``export.deal-from-lead``)
FROM_LEAD = "_from_lead"
DEAL_FROM_LEAD = "export.deal-from-lead"
_ID_COLS = {"companies": "company_id", "contacts": "contact_id", "deals": "deal_id"}


def per_value(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``values.map(fn)`` (the same values and dtype), ``fn`` asked once per distinct value:
    a record set repeats its stages, dates, owners and links on many rows."""
    if not len(values):
        return values.map(fn)
    return pd.Series(by_value(values, fn), index=values.index)


def texts(values: pd.Series) -> pd.Series:
    """``values.map(text)``, each distinct value once."""
    return per_value(values, text)


def _looked_up(keys: pd.Series, table: Mapping[str, str]) -> pd.Series:
    """``keys.map(lambda k: table.get(k, ""))`` by one hashed lookup of the whole column
    (the keys of a record set are nearly all distinct: one call per row was most of it)."""
    if not len(keys):
        return keys.map(lambda k: table.get(k, ""))
    at = pd.Index(list(table), dtype=object).get_indexer(keys.to_numpy(dtype=object))
    values = np.array([*table.values(), ""], dtype=object)  # at -1 (not in the table): ""
    return pd.Series(values[at].tolist(), index=keys.index)


def _rows(frame: pd.DataFrame, *fields: str) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts of what their findings read (the source columns and
    ``fields``): a row Series per record through ``iterrows`` cost more than the finding."""
    wanted = [c for c in dict.fromkeys((*SOURCE_COLUMNS, *fields)) if c in frame.columns]
    return frame[wanted].to_dict("records")


def _merge_keys(*parts: object) -> str:
    """Join ";"-separated row-key lists, without duplicates, in order."""
    keys = (k for part in parts for k in text(part).split(";") if k)
    return ";".join(dict.fromkeys(keys))


def _prepare(frame: pd.DataFrame | None, entity: str) -> pd.DataFrame:
    """A clean copy: RangeIndex, link ids as text, bookkeeping present, rows without id dropped.

    No copy of the input first: ``reset_index`` makes a new frame (a copy before pandas' copy
    on write) and below it only gets whole columns set, never a cell written."""
    out = (frame if frame is not None else pd.DataFrame()).reset_index(drop=True)
    links = {
        "companies": ["company_id"],
        "contacts": ["contact_id", "company_id"],
        "deals": ["deal_id", "company_id", "contact_id"],
    }[entity]
    for c in links:
        out[c] = texts(out[c]).astype("object") if c in out.columns else ""
    for c in [ROW_KEYS, *SOURCE_COLUMNS]:
        if c not in out.columns:
            out[c] = 0 if c == SOURCE_ROW else ""
    out = out[out[_ID_COLS[entity]] != ""].reset_index(drop=True)
    out[ID] = out[_ID_COLS[entity]]
    if entity == "deals":
        out["stage"] = texts(out["stage"]) if "stage" in out.columns else ""
        out[STAGE] = out["stage"]
        # a lead list's status (new, working, unqualified ...), read by the target's maps
        out["lead_status"] = texts(out[LEAD_STATUS]) if LEAD_STATUS in out.columns else ""
    return out


def stage_rank(model: StageModel) -> Callable[[str], tuple[int, int]]:
    """Sort key for "went furthest": won > open deal stage > lost > person level > unknown."""
    info = {s.key: s for s in model.stages}

    def rank(stage: str) -> tuple[int, int]:
        s = info.get(stage)
        if s is None:
            return (-1, 0)
        if s.status == "won":
            return (3, s.order)
        if s.level == "deal" and s.status == "open":
            return (2, s.order)
        if s.status == "lost":
            return (1, s.order)
        return (0, s.order)

    return rank


def _sorted_best_first(deals: pd.DataFrame, model: StageModel) -> pd.DataFrame:
    rank = stage_rank(model)
    updated = texts(deals["updated_at"]) if "updated_at" in deals.columns else ""
    d = deals.assign(_rank=per_value(deals["stage"], rank), _updated=updated)
    return d.sort_values(
        ["_rank", "_updated", "deal_id"], ascending=[False, False, True], kind="stable"
    )


def _best_first(deals: pd.DataFrame, model: StageModel) -> pd.DataFrame:
    """The columns :func:`_with_computed` reads of the deals, sorted best first once for
    both of its keys: a stable sort of the deals naming a company (or a person) is the
    stable sort of all of them with the others left out, and a deal carries many more
    columns than the sort and the lookups read."""
    read = ("company_id", "contact_id", "stage", "owner", "updated_at", "deal_id", "lead_status")
    return _sorted_best_first(deals[[c for c in read if c in deals.columns]], model)


def _with_computed(frame: pd.DataFrame, best: pd.DataFrame, key: str) -> pd.DataFrame:
    """Add ``funnel_stage`` and ``owner`` from the record of each company/person that went
    furthest (``best``: the deals by :func:`_best_first`)."""
    d = best[best[key] != ""].drop_duplicates(key, keep="first")
    keys = d[key].tolist()  # lists, not Series: a str column iterates a pyarrow scalar per value
    stage = dict(zip(keys, d["stage"].tolist()))
    owner = dict(zip(keys, texts(d["owner"]).tolist())) if "owner" in d.columns else {}
    status = dict(zip(keys, texts(d["lead_status"]).tolist())) if "lead_status" in d else {}
    out = frame.copy()
    out["funnel_stage"] = _looked_up(out[key], stage)
    out["owner"] = _looked_up(out[key], owner)
    out["lead_status"] = _looked_up(out[key], status)
    return out


def _with_columns(frame: pd.DataFrame, columns: dict[str, pd.Series]) -> pd.DataFrame:
    """``frame`` with ``columns`` added (or replaced) in one go: a deal of a sheet with
    thousands of unmapped columns carries them all, and adding them one by one is quadratic."""
    new = {c: v for c, v in columns.items() if c not in frame.columns}
    out = frame.copy() if len(new) < len(columns) else frame
    for c, v in columns.items():
        if c not in new:
            out[c] = v  # an existing column keeps its place
    return pd.concat([out, pd.DataFrame(new, index=frame.index)], axis=1) if new else out


def _join(
    left: pd.DataFrame,
    right: pd.DataFrame,
    key: str,
    prefix: str,
    joined: Collection[str] | None = None,
) -> pd.DataFrame:
    """Left join ``right``'s visible fields as ``<prefix><field>`` on ``key`` (of them only
    those named in ``joined``, and the key, when given)."""
    fields = [
        c
        for c in right.columns
        if not str(c).startswith("_")
        and "." not in str(c)
        and (joined is None or c == key or prefix + str(c) in joined)
    ]
    r = right[fields].drop_duplicates(key).rename(columns={c: prefix + c for c in fields})
    out = left.merge(r, how="left", left_on=key, right_on=prefix + key, sort=False)
    out.index = left.index
    return out


# a person's e-mail opt-out as the record sets carry it: "true", or "" (nothing says so)
OPTED_OUT = "email_opted_out"


def opted_out(frame: pd.DataFrame, words: OptOutWords) -> pd.Series:
    """Per person, ``true`` where a value of their opt-out column (配信停止 ○, Email Opt Out
    true) or of their consent column (メルマガ配信 希望しない, ×) says they opted out of e-mail,
    else ''. Merged people keep every list's value (survivorship ``concatenate``, one per
    line): one list's opt-out is enough."""
    import unicodedata

    phrases = tuple(w.lower() for w in words.words)
    marks = {"email_opt_out": {w.lower() for w in words.marks_out},
             "email_consent": {w.lower() for w in words.marks_refused}}  # fmt: skip

    def says_out(value: object, field: str) -> bool:
        for line in text(value).splitlines():
            v = unicodedata.normalize("NFKC", line).strip().lower()
            if v and (v in marks[field] or any(p in v for p in phrases)):
                return True
        return False

    out = np.zeros(len(frame), dtype=bool)
    for field in marks:
        if field in frame.columns:
            flags = [says_out(v, field) for v in frame[field].tolist()]
            out |= np.array(flags, dtype=np.bool_)
    return pd.Series(np.where(out, "true", ""), index=frame.index, dtype=object)


def build_record_sets(
    entities: dict[str, pd.DataFrame],
    model: StageModel,
    person_stages: str,
    *,
    joined: Collection[str] | None = None,
    opt_out: OptOutWords | None = None,
) -> tuple[dict[str, pd.DataFrame], list[fnd.Finding]]:
    """Arrange the entities into the record sets a target profile picks its files from.

    ``joined``: the parents' fields that are read (``company.<field>``, ``contact.<field>``),
    the only ones joined onto the records; None joins every field. A target reads a few of
    them, and each joined field is a column as long as the deals."""
    companies = _prepare(entities.get("companies"), "companies")
    contacts = _prepare(entities.get("contacts"), "contacts")
    contacts[OPTED_OUT] = opted_out(contacts, opt_out or OptOutWords.defaults())
    deals = _prepare(entities.get("deals"), "deals")
    # funnel stage and owner count every record, person-level ones included; a lead closed
    # without a deal (見送り, Unqualified in a lead list) got no further than a lead, and is no
    # lost deal: HubSpot keeps such a person a lead, not an opportunity
    closed = lead_not_deal(deals) & deals["stage"].isin(set(model.keys_where(status="lost")))
    funnel = deals
    if person_stages != "deals" and closed.any() and model.keys_where(level="person"):
        funnel = deals.assign(
            stage=deals["stage"].mask(closed, model.keys_where(level="person")[0])
        )
    best = _best_first(funnel, model)
    companies = _with_computed(companies, best, "company_id")
    contacts = _with_computed(contacts, best, "contact_id")
    all_companies, all_contacts = companies, contacts

    findings: list[fnd.Finding] = []
    links = pd.DataFrame({"deal_id": pd.Series(dtype="object"), "contact_id": "", ROW_KEYS: ""})
    listed: set[str] = set()  # person-level records of lead lists, lost ones included
    if person_stages != "deals":
        deals, links, listed, findings = _converted_leads(deals, model, all_companies)
        deals, more = _forecast_sqls(deals, model, listed, person_stages)
        findings += more
    is_person = deals["stage"].isin(set(model.keys_where(level="person"))) | deals["deal_id"].isin(
        listed
    )
    leads = pd.DataFrame({c: pd.Series(dtype="object") for c in ["lead_id", ID, ROW_KEYS, STAGE]})
    if person_stages == "deals":
        deal_rows = deals
    else:
        deal_rows, person_rows = deals[~is_person], deals[is_person]
        if person_stages == "contacts":
            orphans = person_rows[
                (person_rows["contact_id"] == "") & (person_rows["company_id"] == "")
            ]
            findings += [
                finding_at(
                    "export.record-not-exported",
                    "warning",
                    row,
                    f"record at stage '{row['stage']}' has neither a contact nor a company; "
                    "person-level stages are only exported as their lifecycle stage",
                    action="skipped",
                )
                for row in _rows(orphans, "stage")
            ]
        else:
            companies, contacts, leads, more = _split_leads(
                companies,
                contacts,
                deal_rows,
                person_rows,
                model,
                set(links["contact_id"]),
                joined,
            )
            findings += more

    contacts = _join(contacts, all_companies, "company_id", "company.", joined)
    deal_rows = _join(deal_rows, all_companies, "company_id", "company.", joined)
    linked = deal_rows.drop(columns=["contact_id", ROW_KEYS]).merge(links, on="deal_id")
    linked.index = pd.RangeIndex(len(deal_rows), len(deal_rows) + len(linked))
    deal_rows = _join(deal_rows, all_contacts, "contact_id", "contact.", joined)
    # a converted lead's person is a contact of its company's deal, beside the deal's own
    linked = _join(linked, all_contacts, "contact_id", "contact.", joined)
    # the converted leads' people in the order of their source rows: the same on every run
    linked = linked.sort_values(["deal_id", ROW_KEYS, "contact_id"], kind="stable")
    pairs = pd.concat([deal_rows[deal_rows["contact_id"] != ""], linked[deal_rows.columns]])
    pairs = pairs.drop_duplicates(["deal_id", "contact_id"])
    deal_contacts = pairs[["deal_id", "contact_id", ROW_KEYS, STAGE, *SOURCE_COLUMNS]].copy()
    deal_contacts[ID] = pairs["deal_id"] + "/" + pairs["contact_id"]
    # one primary contact per deal (Salesforce's OpportunityContactRole allows one IsPrimary
    # per opportunity): the contact the deal itself names, else the converted lead's person
    # whose source row comes first
    deal_contacts["is_primary"] = ~pairs["deal_id"].duplicated().to_numpy()
    joined = {}
    for c in pairs.columns:
        if str(c).startswith("contact."):
            joined[c] = pairs[c]
        elif not str(c).startswith("_") and "." not in str(c):
            joined["deal." + c] = pairs[c]
    deal_contacts = _with_columns(deal_contacts, joined)
    sets = {
        "companies": companies,
        "contacts": contacts,
        "deals": deal_rows,
        "leads": leads,
        "deal_contacts": deal_contacts,
    }
    return {k: v.reset_index(drop=True) for k, v in sets.items()}, findings


def _forecast(deals: pd.DataFrame) -> pd.Series:
    """True for the records that carry a forecast: an amount other than 0, or a close date."""
    blank = pd.Series("", index=deals.index)
    amount = pd.to_numeric(deals["amount"], errors="coerce") if "amount" in deals else blank
    close = texts(deals["close_date"]) if "close_date" in deals else blank
    return amount.notna() & (amount != 0) | (close != "")


def lead_list_rows(deals: pd.DataFrame, model: StageModel) -> pd.Series:
    """True for the records of a lead list (:func:`migrate.lead_lists.lead_list_rows`): a
    source sheet none of whose records carries a deal field (an amount, a close date, a deal
    name) and at least one of whose records is at a person-level stage (lead, MQL, SQL), or
    that the normaliser read as one (a lead status)."""
    person = deals["stage"].isin(set(model.keys_where(level="person"))) if len(deals) else None
    if person is None:
        return pd.Series(False, index=deals.index, dtype=bool)
    return _lead_list_rows(deals, person | lead_rows(deals))


def _converted_leads(
    deals: pd.DataFrame, model: StageModel, companies: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, set[str], list[fnd.Finding]]:
    """Records of lead lists: converted leads linked to their company's deal, or named deals.

    Returns the deals without the linked ones (rows without a stage get the first person-level
    stage), the (deal_id, contact_id, row keys) links, the ids of the lead-list records that
    are person-level (lost ones included: a lead closed without a deal), and findings.
    """
    in_list = lead_list_rows(deals, model)
    no_links = pd.DataFrame({"deal_id": pd.Series(dtype="object"), "contact_id": "", ROW_KEYS: ""})
    if not in_list.any():
        return deals, no_links, set(), []
    person = set(model.keys_where(level="person"))
    lost = set(model.keys_where(status="lost"))
    first = model.keys_where(level="person")[0]
    out = deals.copy()
    out[FROM_LEAD] = False
    findings: list[fnd.Finding] = []
    unstaged = in_list & (out["stage"] == "")
    for row in _rows(out[unstaged], "stage"):
        findings.append(
            finding_at(
                "export.lead-status-assumed",
                "warning",
                row,
                f"a row of a lead list without a stage the rules know; exported as a lead at "
                f"'{first}' (the list says nothing of how far it got)",
                action="changed",
            )
        )
    out.loc[unstaged, "stage"] = first
    out.loc[unstaged, STAGE] = first
    converted = in_list & ~out["stage"].isin(person | lost)
    pipeline = out[~in_list & (out["company_id"] != "")]
    best = _sorted_best_first(pipeline, model).drop_duplicates("company_id")
    deal_of = dict(zip(best["company_id"], best["deal_id"]))
    label_of = dict(zip(best["deal_id"], texts(best["deal_name"])))
    company_name = dict(zip(companies["company_id"], texts(companies["company_name"])))
    linked = converted & out["company_id"].isin(list(deal_of))
    link_rows = []
    for row in _rows(out[linked], "stage", "company_id", "contact_id", ROW_KEYS):
        target = deal_of[row["company_id"]]
        if row["contact_id"]:
            link_rows.append((target, row["contact_id"], text(row.get(ROW_KEYS))))
        findings.append(
            finding_at(
                "export.lead-converted",
                "info",
                row,
                f"a converted lead (stage '{row['stage']}' in a lead list) of a company whose "
                f"deal is in the pipeline: exported as a contact of deal {target} "
                f"('{label_of.get(target, '')}'), not as a deal of its own",
                action="merged",
            )
        )
    named = out[converted & ~linked]
    for idx, row in zip(
        named.index, _rows(named, "stage", "company_id", "contact_name", "product", "deal_name")
    ):
        who = company_name.get(row["company_id"], "") or text(row.get("contact_name"))
        what = text(row.get("product")) or "商談"
        name = f"{who} {what}".strip()
        out.at[idx, "deal_name"] = name
        out.at[idx, FROM_LEAD] = True
        findings.append(
            finding_at(
                DEAL_FROM_LEAD,
                "warning",
                row,
                f"a converted lead (stage '{row['stage']}' in a lead list) and no deal of its "
                f"company in the pipeline: exported as the deal '{name}' without amount or "
                "close date; check it in the target",
                action="changed",
                field="deal_name",
                value=name,
            )
        )
    links = pd.DataFrame(link_rows, columns=["deal_id", "contact_id", ROW_KEYS]).drop_duplicates(
        ["deal_id", "contact_id"]
    )
    listed = set(out.loc[in_list & ~converted, "deal_id"])
    return out[~linked], links, listed, findings


def _forecast_sqls(
    deals: pd.DataFrame, model: StageModel, listed: set[str], person_stages: str = "leads"
) -> tuple[pd.DataFrame, list[fnd.Finding]]:
    """A record at the last person-level stage (SQL: sales accepted the lead) that carries a
    forecast of its own (an amount or a close date) in a pipeline sheet is a deal: the team is
    already forecasting it, and in Salesforce or HubSpot an accepted lead with a value is
    converted to an opportunity at the first deal stage. It is exported at that stage with a
    warning (``export.sql-as-deal``) instead of vanishing into its person's lead or contact.
    Earlier person-level records (a lead, an MQL) with an amount stay person-level records
    (``export.deal-not-exported`` says so), as do the rows of lead lists, unless the target
    makes people leads (``leads``) and the record names no person but a company: no lead
    can hold it (a lead needs a name), so it would be rejected with its value; it is a deal of
    that company at the first deal stage (warning ``export.personless-lead-as-deal``)."""
    person = model.keys_where(level="person")
    first = next(iter(model.keys_where(level="deal", status="open")), "")
    if deals.empty or not person or not first:
        return deals, []
    forecast = _forecast(deals) & ~deals["deal_id"].isin(listed)
    sql = (deals["stage"] == person[-1]) & forecast
    personless = pd.Series(False, index=deals.index)
    if person_stages == "leads" and "contact_id" in deals and "company_id" in deals:
        personless = (
            deals["stage"].isin(set(person[:-1]))
            & forecast
            & (texts(deals["contact_id"]) == "")
            & (texts(deals["company_id"]) != "")
        )
    promote = sql | personless
    if not promote.any():
        return deals, []
    out = deals.copy()
    why = {
        "export.personless-lead-as-deal": (
            personless,
            "names a company and a forecast (amount, close date) but no person, so no lead "
            "can hold it",
        ),
        "export.sql-as-deal": (sql, "carries a forecast of its own (amount, close date)"),
    }
    findings = [
        finding_at(
            rule,
            "warning",
            row,
            f"record at stage '{row['stage']}' {said}: exported as a deal at '{first}', the "
            "first deal stage; check the stage in the target",
            action="changed",
            value=first,
        )
        for rule, (rows, said) in why.items()
        for row in _rows(deals[rows], "stage")
    ]
    out.loc[promote, "stage"] = first
    if STAGE in out.columns:
        out.loc[promote, STAGE] = first
    return out, findings


def _split_leads(
    companies: pd.DataFrame,
    contacts: pd.DataFrame,
    deal_rows: pd.DataFrame,
    person_rows: pd.DataFrame,
    model: StageModel,
    linked_people: set[str] = frozenset(),  # type: ignore[assignment]
    joined: Collection[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[fnd.Finding]]:
    """People with nothing but person-level records become leads instead of contacts.

    ``linked_people`` are converted leads linked to their company's deal: contacts, not leads.
    So is a person none of whose records states a stage (a business-card or address list: the
    stage was inferred from an e-mail or a name alone) at a company that has a deal: a person
    of an account is its contact, not a lead duplicating the account (``export.contact-of-account``).
    ``joined``: the company fields joined onto the leads, as :func:`build_record_sets` says.
    """
    with_deals = (set(deal_rows["contact_id"]) | set(linked_people)) - {""}
    accounts_with_deals = set(deal_rows["company_id"]) - {""}
    inferred = (
        person_rows["_stage_inferred"].map(lambda v: v is True or text(v).lower() == "true")
        if "_stage_inferred" in person_rows.columns
        else pd.Series(False, index=person_rows.index)
    )
    stated_people = set(person_rows.loc[~inferred.astype(bool), "contact_id"])
    of_accounts = (
        set(person_rows.loc[person_rows["company_id"].isin(accounts_with_deals), "contact_id"])
        - stated_people
        - with_deals
        - {""}
    )
    lead_people = set(person_rows["contact_id"]) - {""} - with_deals - of_accounts
    findings = [
        finding_at(
            "export.lead-has-deal",
            "info",
            row,
            f"record at stage '{row['stage']}' belongs to a contact who also has a deal; "
            "it is exported as that contact, not as a lead",
            action="skipped",
        )
        for row in _rows(person_rows[person_rows["contact_id"].isin(with_deals)], "stage")
    ]
    findings += [
        finding_at(
            "export.contact-of-account",
            "info",
            row,
            "a person without a stage of their own (inferred as "
            f"'{row['stage']}') at a company that has deals in this run: exported as a contact "
            "of that account, not as a lead",
            action="skipped",
        )
        for row in _rows(person_rows[person_rows["contact_id"].isin(of_accounts)], "stage")
    ]
    # an account is a company with a deal or a contact; a company with nothing but leads is not
    accounts = set(deal_rows["company_id"]) | set(
        contacts.loc[~contacts["contact_id"].isin(lead_people), "company_id"]
    )
    lead_only = (set(person_rows["company_id"]) | set(contacts["company_id"])) - accounts - {""}

    # one lead per person (or per record when it names no person), from its furthest record
    p = person_rows[person_rows["contact_id"].isin(lead_people) | (person_rows["contact_id"] == "")]
    p = _sorted_best_first(p, model)
    p = p.assign(lead_id=p["contact_id"].where(p["contact_id"] != "", p["deal_id"]))
    record_keys = p.groupby("lead_id", sort=False)[ROW_KEYS].agg(lambda s: _merge_keys(*s))
    best = _merged_lead_rows(p, p.drop_duplicates("lead_id", keep="first"))
    lead = best[["lead_id", "contact_id", "company_id", STAGE, *SOURCE_COLUMNS]].copy()
    lead = _with_columns(
        lead,
        {
            "deal." + c: best[c]
            for c in best.columns
            if not str(c).startswith("_") and c != "lead_id"
        },
    )
    lead["funnel_stage"] = best["stage"]
    lead["owner"] = texts(best["owner"]) if "owner" in best.columns else ""
    person = contacts.drop_duplicates("contact_id").set_index("contact_id")
    lead = _with_columns(
        lead,
        {
            c: lead["contact_id"].map(person[c])
            for c in person.columns
            if not str(c).startswith("_") and c not in lead.columns
        },
    )
    person_keys = person[ROW_KEYS].to_dict()
    lead[ROW_KEYS] = [
        _merge_keys(person_keys.get(cid, ""), record_keys.get(lid, ""))
        for cid, lid in zip(lead["contact_id"], lead["lead_id"])
    ]
    lead[ID] = lead["lead_id"]
    lead = _join(lead, companies, "company_id", "company.", joined)
    return (
        companies[~companies["company_id"].isin(lead_only)],
        contacts[~contacts["contact_id"].isin(lead_people)],
        lead,
        findings,
    )


def _merged_lead_rows(p: pd.DataFrame, best: pd.DataFrame) -> pd.DataFrame:
    """The lead of each person from all their records (``p``, best first), not the best one
    alone: the best record's values, a field it leaves empty taken from the next record that
    has it; the notes of every record (distinct, best first, one per line); the highest lead
    score; the lead source of the first touch (the record created earliest; records without
    a created date after the dated ones). u22: a person in a trade-show list and a web-inquiry
    list kept the web inquiry's note only, lost the trade show's score and got its source
    from the later list."""
    best = best.reset_index(drop=True)
    many = p[p["lead_id"].duplicated(keep=False)]
    if many.empty:
        return best
    at = pd.Index(best["lead_id"]).get_indexer(many["lead_id"].drop_duplicates())
    fields = [c for c in many.columns if not str(c).startswith("_") and c != "lead_id"]
    out = best.copy()
    rows = out.index[at]
    for c in fields:
        cells = many[c]
        filled = ~empty_cells(cells.to_numpy(dtype=object))
        if not filled.any():
            continue
        first = cells[filled].groupby(many["lead_id"][filled], sort=False).first()
        here = out.loc[rows, c]
        blank = empty_cells(here.to_numpy(dtype=object))
        if blank.any():
            values = out.loc[rows, "lead_id"].map(first)
            fill = rows[blank & values.notna().to_numpy()]
            out.loc[fill, c] = values[fill]
    if "notes" in many.columns:
        notes = texts(many["notes"])
        joined = (
            pd.DataFrame({"g": many["lead_id"].to_numpy(), "v": notes.to_numpy()})
            .loc[lambda d: d["v"] != ""]
            .drop_duplicates()
            .groupby("g", sort=False)["v"]
            .agg("\n".join)
        )
        keep = out.loc[rows, "lead_id"].map(joined)
        ok = keep.notna().to_numpy()
        out.loc[rows[ok], "notes"] = keep[ok].to_numpy()
    if "lead_score" in many.columns:
        score = pd.to_numeric(many["lead_score"], errors="coerce")
        top = score.groupby(many["lead_id"].to_numpy(), sort=False).max()
        keep = out.loc[rows, "lead_id"].map(top)
        ok = keep.notna().to_numpy()
        if ok.any():
            if pd.api.types.is_numeric_dtype(out["lead_score"].dtype):
                out.loc[rows[ok], "lead_score"] = keep[ok].to_numpy()
            else:
                out.loc[rows[ok], "lead_score"] = [text(v) for v in keep[ok]]
    if "lead_source" in many.columns:
        created = (
            texts(many["created_at"]).to_numpy(dtype=object)
            if "created_at" in many.columns
            else np.full(len(many), "", dtype=object)
        )
        first = (
            pd.DataFrame(
                {
                    "g": many["lead_id"].to_numpy(),
                    "v": texts(many["lead_source"]).to_numpy(dtype=object),
                    "undated": created == "",
                    "d": created,
                    "o": np.arange(len(many)),
                }
            )
            .loc[lambda d: d["v"] != ""]
            .sort_values(["g", "undated", "d", "o"], kind="stable")
            .drop_duplicates("g")
            .set_index("g")["v"]
        )
        keep = out.loc[rows, "lead_id"].map(first)
        ok = keep.notna().to_numpy()
        out.loc[rows[ok], "lead_source"] = keep[ok].to_numpy()
    return out


def finding_at(
    rule: str,
    severity: fnd.Severity,
    row: Mapping[str, Any],
    message: str,
    action: str = "none",
    field: str = "stage",
    value: str | None = None,
) -> fnd.Finding:
    """A finding pointing at a record's source row (its first)."""
    return fnd.Finding(
        rule=rule,
        severity=severity,
        message=message,
        file=text(row.get(SOURCE_FILE)),
        sheet=text(row.get(SOURCE_SHEET)),
        row=int(float(text(row.get(SOURCE_ROW)) or 0)),
        field=field,
        original=text(row.get(field)),
        value=text(row.get(field)) if value is None else value,
        action=action,
    )
