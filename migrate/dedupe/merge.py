"""find_duplicates: companies, then contacts inside companies, then deals inside companies.

In: the normalized records frame (docs/architecture.md, "After normalize"), rules/dedupe.yaml,
optional review decisions and optional exports of the target SFA. Out: a
:class:`DedupeResult` ("After dedupe"): the records with ``company_id``, ``contact_id``,
``deal_id``, ``_status`` and ``_merged_into``; one row per company, contact and deal with
survivorship applied; the review queue; every accepted or reviewed pair with its evidence;
and the findings. The input frame is never modified.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import findings as F
from ..schema import ROW_KEY, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, load_schema
from . import keys as K
from .decisions import normalize_decisions
from .engine import Linkage, link
from .entities import (
    EntityRecords,
    company_records,
    contact_records,
    deal_records,
    existing_accounts,
    text_column,
)
from .ids import stable_ids
from .settings import Comparison, DedupeSettings, EntitySettings, Level, load_settings
from .survivorship import empty_mask, join_groups, recency_rank, survive

# extra columns each entity carries beyond the schema fields of that entity
DERIVED = {
    "company": ["company_key", "company_legal_form", "website_domain"],
    "contact": ["email_domain"],
    "deal": ["_stage_inferred"],
}
PREFIX = {"companies": "C-", "contacts": "P-", "deals": "D-"}
KEY_PREFIXES = {
    "companies": ("company:", "sfa:account:"),
    "contacts": ("contact:",),
    "deals": ("deal:",),
}
LABEL_FIELD = {"companies": "company_name", "contacts": "contact_name", "deals": "deal_name"}


@dataclass
class DedupeResult:
    """What dedupe hands to the next stages (see docs/architecture.md, "After dedupe")."""

    records: pd.DataFrame
    companies: pd.DataFrame
    contacts: pd.DataFrame
    deals: pd.DataFrame
    review: pd.DataFrame
    findings: pd.DataFrame
    pairs: pd.DataFrame  # every merged, reviewed or decided pair with its evidence


@dataclass
class _Run:
    """One entity's matching: its records, the engine's answer and the ids."""

    name: str
    rules: EntitySettings
    recs: EntityRecords
    linkage: Linkage
    record_ids: np.ndarray  # id per record
    row_ids: np.ndarray  # id per source row ('' where none)


def _row_info(records: pd.DataFrame) -> pd.DataFrame:
    file = text_column(records, SOURCE_FILE)
    sheet = text_column(records, SOURCE_SHEET)
    row = (
        pd.to_numeric(records[SOURCE_ROW], errors="coerce").fillna(0).astype("int64")
        if SOURCE_ROW in records
        else pd.Series(0, index=records.index)
    )
    key = text_column(records, ROW_KEY)
    built = file + "|" + sheet + "|" + row.astype(str)
    return pd.DataFrame(
        {
            "file": file.to_numpy(),
            "sheet": sheet.to_numpy(),
            "row": row.to_numpy(),
            "key": key.where(key != "", built).to_numpy(),
        }
    )


def _exact_units(records: pd.DataFrame, rank: np.ndarray, ignore: tuple[str, ...]) -> np.ndarray:
    """For every row, the position of the row it is an exact copy of (itself when none)."""
    cols = [
        c
        for c in records.columns
        if not str(c).startswith("_") and not str(c).startswith("extra:") and c not in ignore
    ]
    n = len(records)
    if not cols or n == 0:
        return np.arange(n)
    content = pd.DataFrame(
        {c: records[c].astype(object).where(~empty_mask(records[c]), "").astype(str) for c in cols}
    )
    blank = (content == "").all(axis=1).to_numpy()
    h = pd.util.hash_pandas_object(content, index=False).to_numpy()
    order = np.lexsort((rank, h))
    first = pd.Series(order).groupby(h[order], sort=False).transform("first").to_numpy()
    unit = np.empty(n, dtype=np.int64)
    unit[order] = first
    unit[blank] = np.flatnonzero(blank)
    return unit


def _split_decisions(decisions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out = {}
    for name, prefixes in KEY_PREFIXES.items():
        mask = decisions["left_key"].str.startswith(prefixes) & decisions[
            "right_key"
        ].str.startswith(prefixes)
        out[name] = decisions[mask]
    return out


def _run(
    name: str,
    rules: EntitySettings,
    recs: EntityRecords,
    decisions: pd.DataFrame,
    valid: np.ndarray | None = None,
) -> _Run:
    linkage = link(recs.frame, rules.link, decisions=decisions, key_column="_key")
    record_ids = stable_ids(linkage.labels, recs.frame["_key"], PREFIX[name], valid)
    row_ids = np.where(
        recs.record_of_row >= 0, record_ids[np.maximum(recs.record_of_row, 0)], ""
    ).astype(object)
    return _Run(name, rules, recs, linkage, record_ids, row_ids)


def _with_existing_id(rules: EntitySettings) -> EntitySettings:
    """Two accounts already in the SFA are never merged with each other."""
    guard = Comparison("existing_id", "existing_id", (Level("exact"),), else_never=True)
    link_ = dataclasses.replace(rules.link, comparisons=(*rules.link.comparisons, guard))
    return dataclasses.replace(rules, link=link_)


def _first_rows(record_of_row: np.ndarray, rank: np.ndarray, n_records: int) -> np.ndarray:
    """The most recent source row of every record (-1 for records without rows)."""
    pos = np.flatnonzero(record_of_row >= 0)
    out = np.full(n_records, -1, dtype=np.int64)
    if len(pos):
        order = pos[np.lexsort((rank[pos], record_of_row[pos]))]
        first = pd.Series(order).groupby(record_of_row[order]).first()
        out[first.index.to_numpy()] = first.to_numpy()
    return out


def _label(run: _Run, records: pd.DataFrame, first_row: np.ndarray) -> np.ndarray:
    """A short description of every record for people (review sheet, findings)."""
    frame = run.recs.frame
    field = LABEL_FIELD[run.name]
    col = text_column(records, field).to_numpy(dtype=object)
    has_row = first_row >= 0
    shown = np.where(has_row, col[np.maximum(first_row, 0)], "").astype(object)
    if run.name == "companies":
        shown = np.where(shown == "", frame["company_key"].to_numpy(dtype=object), shown)
        ext = frame["existing_id"].to_numpy(dtype=object)
        shown = np.where(
            (ext != "") & ~has_row,
            "SFA account "
            + pd.Series(ext).astype(str)
            + " ("
            + frame["company_key"].astype(str)
            + ")",
            shown,
        )
    elif run.name == "contacts":
        email = frame["email"].to_numpy(dtype=object)
        shown = np.where(email != "", shown + " <" + pd.Series(email).astype(str) + ">", shown)
    else:
        extra = (" id " + frame["record_id"].astype(str)).where(frame["record_id"] != "", "")
        amount = frame["amount"].map(lambda v: f" {v:,.0f}" if v == v else "")
        shown = (
            shown
            + extra.to_numpy()
            + amount.to_numpy()
            + (" " + frame["close_date"].astype(str)).to_numpy()
        )
    return np.asarray(shown, dtype=object)


def _pairs_frame(
    run: _Run,
    labels_text: np.ndarray,
    first_row: np.ndarray,
    info: pd.DataFrame,
    thresholds_match: float,
) -> pd.DataFrame:
    p = run.linkage.pairs
    if p.empty:
        return pd.DataFrame()
    lab = run.linkage.labels
    a, b = p["left"].to_numpy(), p["right"].to_numpy()
    together = lab[a] == lab[b]
    accepted = p["probability"].to_numpy() >= thresholds_match
    status = np.select(
        [p["decision"] == "same", p["decision"] == "different", together, accepted],
        ["decided same", "decided different", "merged", "split"],
        "review",
    )
    keys = run.recs.frame["_key"].to_numpy(dtype=object)

    def rows(idx: np.ndarray) -> np.ndarray:
        fr = first_row[idx]
        return np.where(fr >= 0, info["key"].to_numpy(dtype=object)[np.maximum(fr, 0)], "")

    return pd.DataFrame(
        {
            "entity": run.name,
            "left_key": keys[a],
            "right_key": keys[b],
            "probability": p["probability"].round(4).to_numpy(),
            "status": status,
            "left": labels_text[a],
            "right": labels_text[b],
            "evidence": p["evidence"].to_numpy(),
            "left_row": rows(a),
            "right_row": rows(b),
            "_left": a,
            "_right": b,
        }
    )


def _findings_for_run(
    run: _Run,
    pairs: pd.DataFrame,
    labels_text: np.ndarray,
    first_row: np.ndarray,
    info: pd.DataFrame,
) -> list[pd.DataFrame]:
    out: list[pd.DataFrame] = []
    field = LABEL_FIELD[run.name]
    entity = run.name[:-1] if run.name != "companies" else "company"

    def at(
        idx: np.ndarray,
        action: str,
        rule: str,
        severity: str,
        message: pd.Series | np.ndarray,
        original: np.ndarray,
        value: np.ndarray | str = "",
    ) -> pd.DataFrame:
        fr = first_row[idx]
        ok = fr >= 0
        fr = fr[ok]
        return pd.DataFrame(
            {
                "rule": rule,
                "severity": severity,
                "message": np.asarray(message, dtype=object)[ok],
                "file": info["file"].to_numpy()[fr],
                "sheet": info["sheet"].to_numpy()[fr],
                "row": info["row"].to_numpy()[fr],
                "column": "",
                "field": field,
                "original": np.asarray(original, dtype=object)[ok],
                "value": value if isinstance(value, str) else np.asarray(value, dtype=object)[ok],
                "action": action,
            }
        )

    if not pairs.empty:
        # merged: every record that joined another, with the evidence of its strongest link
        merged = pairs[pairs["status"].isin(["merged", "decided same"])]
        if len(merged):
            both = pd.concat(
                [
                    merged.assign(_me=merged["_right"], _other=merged["_left"]),
                    merged.assign(_me=merged["_left"], _other=merged["_right"]),
                ]
            )
            keys = run.recs.frame["_key"].to_numpy(dtype=object)
            ids = run.record_ids
            # the record that names the cluster (smallest key) is the one the others merged into
            min_key = pd.Series(keys).groupby(ids).transform("min").to_numpy()
            both = both[keys[both["_me"].to_numpy()] != min_key[both["_me"].to_numpy()]]
            both = both.sort_values("probability", ascending=False).drop_duplicates("_me")
            me, other = both["_me"].to_numpy(), both["_other"].to_numpy()
            msg = (
                f"{entity} '"
                + pd.Series(labels_text[me]).astype(str)
                + "' merged with '"
                + pd.Series(labels_text[other]).astype(str)
                + "' ("
                + ids[me]
                + ", p="
                + both["probability"].map("{:.3f}".format).to_numpy()
                + "): "
                + both["evidence"].astype(str).to_numpy()
            )
            out.append(
                at(me, "merged", "dedupe.merged", "info", msg.to_numpy(), labels_text[me], ids[me])
            )
        review = pairs[pairs["status"].isin(["review", "split"])]
        if len(review):
            a, b = review["_left"].to_numpy(), review["_right"].to_numpy()
            msg = (
                f"possible duplicate {entity}: '"
                + pd.Series(labels_text[a]).astype(str)
                + "' and '"
                + pd.Series(labels_text[b]).astype(str)
                + "' (p="
                + review["probability"].map("{:.3f}".format).to_numpy()
                + "); decide in the review sheet: "
                + review["evidence"].astype(str).to_numpy()
            )
            out.append(
                at(
                    a,
                    "none",
                    "dedupe.probable-duplicate",
                    "warning",
                    msg.to_numpy(),
                    labels_text[a],
                )
            )
    if run.linkage.splits:
        # one finding per split component, at its most recent bridge record
        at_rec, messages = [], []
        for split in run.linkage.splits:
            parts = [
                labels_text[split.members[split.labels == k]]
                for k in range(int(split.labels.max()) + 1)
            ]
            names = " | ".join(
                ", ".join(sorted({str(x) for x in part})[:3])
                + (" ..." if len(set(part)) > 3 else "")
                for part in parts
            )
            bridge = sorted({x for pair in split.bridges for x in pair[:2]}) or [
                int(split.members[0])
            ]
            at_rec.append(bridge[0])
            messages.append(
                f"{entity} records linked only through a weak chain were kept apart: {names}"
            )
        idx = np.array(at_rec, dtype=np.int64)
        out.append(
            at(
                idx,
                "kept",
                "dedupe.weak-bridge",
                "warning",
                np.array(messages, dtype=object),
                labels_text[idx],
            )
        )
    return out


def _conflict_findings(run: _Run, conflicts: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    if conflicts.empty:
        return F.empty()
    pos = conflicts["position"].to_numpy(dtype=np.int64)
    kp = conflicts["kept_position"].to_numpy(dtype=np.int64)
    where = info["key"].to_numpy()[kp]
    entity = run.name[:-1] if run.name != "companies" else "company"
    value = conflicts["value"].map(K.id_value)
    kept = conflicts["kept"].map(K.id_value)
    msg = (
        f"{entity} "
        + conflicts["entity"].astype(str)
        + ": "
        + conflicts["field"].astype(str)
        + " '"
        + value
        + "' here, '"
        + kept
        + "' kept from "
        + pd.Series(where).astype(str)
    )
    return pd.DataFrame(
        {
            "rule": "dedupe.conflict",
            "severity": "warning",
            "message": msg.to_numpy(),
            "file": info["file"].to_numpy()[pos],
            "sheet": info["sheet"].to_numpy()[pos],
            "row": info["row"].to_numpy()[pos],
            "column": "",
            "field": conflicts["field"].to_numpy(),
            "original": value.to_numpy(),
            "value": kept.to_numpy(),
            "action": "merged",
        }
    )


def _entity_frame(
    name: str,
    records: pd.DataFrame,
    row_ids: np.ndarray,
    fields: list[str],
    rules: EntitySettings,
    rank: np.ndarray,
    info: pd.DataFrame,
    extra: dict[str, np.ndarray],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    id_col = {"companies": "company_id", "contacts": "contact_id", "deals": "deal_id"}[name]
    work = records.copy(deep=False)
    for k, v in extra.items():
        work[k] = pd.Series(v, index=records.index, dtype=object)
    all_fields = [*fields, *extra]
    result = survive(work, pd.Series(row_ids, index=records.index), all_fields, rules, rank)
    ent = result.entities.copy()
    ent.insert(0, id_col, ent.index.astype(str))
    has = np.flatnonzero(row_ids != "")
    by_recency = has[np.argsort(rank[has], kind="stable")]
    joined = join_groups(row_ids[by_recency], info["key"].to_numpy(dtype=object)[by_recency], ";")
    ent["_row_keys"] = joined.reindex(ent.index).to_numpy(dtype=object)
    sv = result.survivor.reindex(ent.index).to_numpy()
    ent["_source_file"] = info["file"].to_numpy()[sv]
    ent["_source_sheet"] = info["sheet"].to_numpy()[sv]
    ent["_source_row"] = info["row"].to_numpy()[sv]
    return ent.reset_index(drop=True), result.conflicts


def find_duplicates(
    records: pd.DataFrame,
    *,
    rules_dir: str | None = None,
    decisions: pd.DataFrame | None = None,
    existing: Mapping[str, pd.DataFrame] | None = None,
) -> DedupeResult:
    """Find the same company, contact and deal across all trackers and merge them."""
    settings: DedupeSettings = load_settings(rules_dir)
    schema = load_schema(rules_dir)
    records = (
        records.reset_index(drop=True)
        if not records.index.equals(pd.RangeIndex(len(records)))
        else records
    )
    n = len(records)
    info = _row_info(records)
    # text columns as plain Python objects once: every step below reads them many times
    work = pd.DataFrame(
        {
            c: pd.Series(records[c].to_numpy(dtype=object), dtype=object)
            if pd.api.types.is_string_dtype(records[c].dtype)
            else records[c]
            for c in records.columns
        }
    )
    work[ROW_KEY] = pd.Series(info["key"].to_numpy(dtype=object), dtype=object)
    rank = recency_rank(work)
    found: list[pd.DataFrame] = []

    # decisions: the rules file first, then the ones passed in (they win)
    from_rules = pd.DataFrame([dataclasses.asdict(d) for d in settings.decisions]).rename(
        columns={"left": "left_key", "right": "right_key"}
    )
    given, bad = normalize_decisions(
        pd.concat([from_rules, decisions], ignore_index=True)
        if decisions is not None
        else from_rules
    )
    if len(bad):
        found.append(
            F.to_frame(
                F.Finding(
                    "dedupe.bad-decision",
                    "warning",
                    f"decision '{d}' for {lk} / {rk} is not understood; use same or different",
                    original=str(d),
                    action="skipped",
                )
                for lk, rk, d in bad[["left_key", "right_key", "decision"]].itertuples(index=False)
            )
        )
    per_entity = _split_decisions(given)

    # exact duplicates: a row pasted twice
    unit = _exact_units(records, rank, settings.exact_duplicate_ignore)
    dup = np.flatnonzero(unit != np.arange(n))
    if len(dup):
        src = info["key"].to_numpy()[unit[dup]]
        found.append(
            pd.DataFrame(
                {
                    "rule": "dedupe.exact-duplicate",
                    "severity": "info",
                    "message": "same values as " + pd.Series(src).astype(str) + "; counted once",
                    "file": info["file"].to_numpy()[dup],
                    "sheet": info["sheet"].to_numpy()[dup],
                    "row": info["row"].to_numpy()[dup],
                    "column": "",
                    "field": "",
                    "original": "",
                    "value": src,
                    "action": "merged",
                }
            )
        )

    # companies, then contacts inside companies, then deals inside companies
    ext = existing_accounts(existing, settings)
    crecs = company_records(work, settings, ext)
    crules = _with_existing_id(settings.companies) if ext is not None else settings.companies
    tracker = (crecs.frame["existing_id"] == "").to_numpy()
    companies = _run("companies", crules, crecs, per_entity["companies"], valid=tracker)
    contacts = _run(
        "contacts",
        settings.contacts,
        contact_records(work, companies.row_ids, settings),
        per_entity["contacts"],
    )
    deals = _run(
        "deals",
        settings.deals,
        deal_records(work, unit, companies.row_ids, contacts.row_ids, rank, settings),
        per_entity["deals"],
    )

    review_parts, pair_parts = [], []
    for run in (companies, contacts, deals):
        first_row = _first_rows(run.recs.record_of_row, rank, len(run.recs.frame))
        labels_text = _label(run, work, first_row)
        pairs = _pairs_frame(run, labels_text, first_row, info, run.rules.link.thresholds.match)
        found.extend(_findings_for_run(run, pairs, labels_text, first_row, info))
        if not pairs.empty:
            pair_parts.append(pairs.drop(columns=["_left", "_right"]))
            rv = pairs[pairs["status"].isin(["review", "split"])]
            review_parts.append(rv.drop(columns=["_left", "_right", "status"]).assign(decision=""))
        for key in run.linkage.unknown_keys:
            found.append(
                F.to_frame(
                    [
                        F.Finding(
                            "dedupe.unknown-decision",
                            "warning",
                            f"a decision names '{key}', which is not in these records; it was not applied",
                            original=key,
                            action="skipped",
                        )
                    ]
                )
            )
        for rule_label, block_key, size in run.linkage.skipped_blocks[:50]:
            found.append(
                F.to_frame(
                    [
                        F.Finding(
                            "dedupe.block-too-large",
                            "info",
                            f"{run.name}: {size} records share {rule_label} = '{block_key}'; not compared on this key alone",
                            original=block_key,
                            action="skipped",
                        )
                    ]
                )
            )

    # ids on the records, survivors and what merged into them
    out = records.copy()
    out["company_id"] = companies.row_ids
    out["contact_id"] = contacts.row_ids
    out["deal_id"] = deals.row_ids
    group = np.where(
        deals.row_ids != "",
        "D" + deals.row_ids.astype(str),
        np.where(
            contacts.row_ids != "",
            "P" + contacts.row_ids.astype(str),
            np.where(
                companies.row_ids != "",
                "C" + companies.row_ids.astype(str),
                "R" + np.arange(n).astype(str),
            ),
        ),
    )
    order = np.lexsort((rank, group))
    survivor = np.empty(n, dtype=np.int64)
    survivor[order] = (
        pd.Series(order).groupby(group[order], sort=False).transform("first").to_numpy()
    )
    is_survivor = survivor == np.arange(n)
    out["_status"] = np.where(is_survivor, "exported", "merged")
    out["_merged_into"] = np.where(is_survivor, "", info["key"].to_numpy()[survivor])

    # one row per entity, survivorship applied
    by_entity = {
        e: [f.name for f in schema.fields if f.entity == e] for e in ("company", "contact", "deal")
    }
    existing_of_company = (
        pd.Series(crecs.frame["existing_id"].to_numpy(), index=companies.record_ids)
        .groupby(level=0)
        .max()
        if len(crecs.frame)
        else pd.Series(dtype=object)
    )
    comp_frame, comp_conf = _entity_frame(
        "companies",
        work,
        companies.row_ids,
        [*by_entity["company"], *settings.companies.fields, *DERIVED["company"]],
        settings.companies,
        rank,
        info,
        {},
    )
    comp_frame.insert(
        1, "existing_id", comp_frame["company_id"].map(existing_of_company).fillna("").to_numpy()
    )
    cont_frame, cont_conf = _entity_frame(
        "contacts",
        work,
        contacts.row_ids,
        [*by_entity["contact"], *settings.contacts.fields, *DERIVED["contact"]],
        settings.contacts,
        rank,
        info,
        {"company_id": companies.row_ids},
    )
    deal_frame, deal_conf = _entity_frame(
        "deals",
        work,
        deals.row_ids,
        [*by_entity["deal"], *settings.deals.fields, *DERIVED["deal"]],
        settings.deals,
        rank,
        info,
        {"company_id": companies.row_ids, "contact_id": contacts.row_ids},
    )
    for run, conf in ((companies, comp_conf), (contacts, cont_conf), (deals, deal_conf)):
        found.append(_conflict_findings(run, conf, info))
    matched = comp_frame[comp_frame["existing_id"] != ""]
    if len(matched):
        found.append(
            pd.DataFrame(
                {
                    "rule": "dedupe.existing-match",
                    "severity": "info",
                    "message": "company matches the SFA account "
                    + matched["existing_id"].astype(str)
                    + "; it will be updated, not created",
                    "file": matched["_source_file"].to_numpy(),
                    "sheet": matched["_source_sheet"].to_numpy(),
                    "row": matched["_source_row"].to_numpy(),
                    "column": "",
                    "field": "company_name",
                    "original": matched.get("company_name", pd.Series("", index=matched.index))
                    .astype(str)
                    .to_numpy(),
                    "value": matched["existing_id"].to_numpy(),
                    "action": "none",
                }
            )
        )
    if existing and existing.get("contacts") is not None and len(cont_frame):
        cont_frame.insert(
            1, "existing_id", _existing_contact_ids(existing["contacts"], cont_frame, settings)
        )

    review_cols = [
        "decision",
        "entity",
        "left_key",
        "right_key",
        "probability",
        "left",
        "right",
        "evidence",
        "left_row",
        "right_row",
    ]
    review = (
        pd.concat(review_parts, ignore_index=True)[review_cols]
        if review_parts
        else pd.DataFrame(columns=review_cols)
    )
    pairs_all = (
        pd.concat(pair_parts, ignore_index=True)
        if pair_parts
        else pd.DataFrame(
            columns=[
                "entity",
                "left_key",
                "right_key",
                "probability",
                "status",
                "left",
                "right",
                "evidence",
                "left_row",
                "right_row",
            ]
        )
    )
    return DedupeResult(
        out,
        comp_frame,
        cont_frame,
        deal_frame,
        review.sort_values(["entity", "probability"], ascending=[True, False], ignore_index=True),
        F.concat(found),
        pairs_all,
    )


def _existing_contact_ids(
    existing: pd.DataFrame, contacts: pd.DataFrame, settings: DedupeSettings
) -> np.ndarray:
    """SFA contact id per contact, matched on e-mail (an exact, person-level key)."""
    spec = dict(settings.existing).get("contacts")
    if spec is None or "email" not in contacts:
        return np.full(len(contacts), "", dtype=object)
    lower = {str(c).strip().lower(): c for c in existing.columns}
    id_col = next((lower[h.lower()] for h in spec.id_columns if h.lower() in lower), None)
    email_headers = dict(spec.columns).get("email", ())
    email_col = next((lower[h.lower()] for h in email_headers if h.lower() in lower), None)
    if id_col is None or email_col is None:
        return np.full(len(contacts), "", dtype=object)
    table = pd.Series(
        text_column(existing, id_col).to_numpy(),
        index=text_column(existing, email_col).str.lower().to_numpy(),
    )
    table = table[(table.index != "") & ~table.index.duplicated()]
    return contacts["email"].astype(str).str.lower().map(table).fillna("").to_numpy(dtype=object)
