"""Evidence for people: what every merge, split and doubt says, as findings and review rows.

In: the matching of one entity (:class:`~migrate.dedupe.entities.EntityRun`) and where its
records came from. Out: a short label per record, the scored pairs with their status (merged,
split by the cohesion check, review, decided) and evidence, and the findings: ``dedupe.merged``
(with the evidence of the record's strongest link), ``dedupe.probable-duplicate`` (a pair for
the review sheet), ``dedupe.weak-bridge``, ``dedupe.same-name``, ``dedupe.conflict``,
``dedupe.exact-duplicate``, ``dedupe.existing-match``, ``dedupe.unknown-decision``,
``dedupe.bad-decision`` and ``dedupe.block-too-large``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from .. import findings as F
from ..schema import ROW_KEY, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from . import keys as K
from .entities import EntityRun, text_column

LABEL_FIELD = {"companies": "company_name", "contacts": "contact_name", "deals": "deal_name"}
REVIEW_COLUMNS = [
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
PAIR_COLUMNS = [
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


def _entity_word(run: EntityRun) -> str:
    return {"companies": "company", "contacts": "contact", "deals": "deal"}[run.name]


def row_info(records: pd.DataFrame) -> pd.DataFrame:
    """Where every row came from: file, sheet, Excel row and row key."""
    file = text_column(records, SOURCE_FILE)
    sheet = text_column(records, SOURCE_SHEET)
    row = (
        pd.to_numeric(records[SOURCE_ROW], errors="coerce").fillna(0).astype("int64")
        if SOURCE_ROW in records
        else pd.Series(0, index=records.index)
    )
    key = text_column(records, ROW_KEY).to_numpy(dtype=object)
    # a row without a row key (every row the pipeline reads has one) gets file|sheet|row
    keyless = key == ""
    if keyless.any():
        at = pd.Series(keyless, index=records.index)
        key = key.copy()
        key[keyless] = (file[at] + "|" + sheet[at] + "|" + row[at].astype(str)).to_numpy()
    # the texts stay Python objects: every step takes them by position (to_numpy), which from
    # an Arrow column (what pandas 3 makes of an array of texts) makes each text again
    return pd.DataFrame(
        {
            "file": pd.Series(file.to_numpy(), dtype=object),
            "sheet": pd.Series(sheet.to_numpy(), dtype=object),
            "row": row.to_numpy(),
            "key": pd.Series(key, dtype=object),
            # the currency of the row's amount: two amounts are shown with theirs
            "currency": pd.Series(text_column(records, "currency").to_numpy(), dtype=object),
        }
    )


def first_rows(record_of_row: np.ndarray, rank: np.ndarray, n_records: int) -> np.ndarray:
    """The most recent source row of every record (-1 for records without rows)."""
    pos = np.flatnonzero(record_of_row >= 0)
    out = np.full(n_records, -1, dtype=np.int64)
    if len(pos):
        order = pos[np.lexsort((rank[pos], record_of_row[pos]))]
        rec = record_of_row[order]
        heads = np.r_[True, rec[1:] != rec[:-1]]
        out[rec[heads]] = order[heads]
    return out


def _record_text(
    records: pd.DataFrame, field: str, record_of_row: np.ndarray, first_row: np.ndarray
) -> np.ndarray:
    """Per record, ``field`` of its most recent row; where that row leaves it empty, of its
    first row that has it (a CRM row with only an e-mail, a lead row with the person's name)."""
    col = text_column(records, field).to_numpy(dtype=object)
    out = np.where(first_row >= 0, col[np.maximum(first_row, 0)], "").astype(object)
    filled = np.flatnonzero((record_of_row >= 0) & (col != ""))
    if len(filled):  # per record, its first row with a value
        order = filled[np.argsort(record_of_row[filled], kind="stable")]
        rec = record_of_row[order]
        heads = np.r_[True, rec[1:] != rec[:-1]]
        recs, some = rec[heads], col[order[heads]]
        missing = out[recs] == ""
        out[recs[missing]] = some[missing]
    return out


def _is_counter(record_id: pd.Series) -> np.ndarray:
    """A sheet's row counter (qualified by its sheet: ``file|sheet#8``): no id for a person."""
    return record_id.astype(str).str.contains("#", regex=False).to_numpy(dtype=bool)


def label(run: EntityRun, records: pd.DataFrame, first_row: np.ndarray) -> np.ndarray:
    """A short description of every record for people (review sheet, findings): what a person
    needs to tell two records apart, not the keys the matching used.

    Only the records the pairs and findings name are described (those of a scored pair or of
    a component the cohesion check split); every other record is '' (nothing reads it: a deal
    record of its own, most of a large tracker's, costs no text)."""
    shown = shown_records(run)
    frame = run.recs.frame
    if shown.all():
        return _labels(run.name, frame, run.recs.record_of_row, records, first_row)
    keep = np.flatnonzero(shown)
    # the described records renumbered in their order, so each one's rows keep their order
    renumber = np.full(len(shown) + 1, -1, dtype=np.int64)
    renumber[keep] = np.arange(len(keep))
    rec_of = renumber[run.recs.record_of_row]  # -1 (none) takes the last entry: -1
    out = np.full(len(shown), "", dtype=object)
    if len(keep):
        part = frame.iloc[keep].reset_index(drop=True)
        out[keep] = _labels(run.name, part, rec_of, records, first_row[keep])
    return out


def shown_records(run: EntityRun) -> np.ndarray:
    """Per record, whether a pair or a finding of the run names it: a record of a scored pair
    (:attr:`Linkage.pairs`) or a member of a component the cohesion check split."""
    shown = np.zeros(len(run.recs.frame), dtype=bool)
    pairs = run.linkage.pairs
    if len(pairs):
        shown[pairs["left"].to_numpy(dtype=np.int64)] = True
        shown[pairs["right"].to_numpy(dtype=np.int64)] = True
    for split in run.linkage.splits:
        shown[np.asarray(split.members, dtype=np.int64)] = True
    return shown


def _labels(
    name: str,
    frame: pd.DataFrame,
    rec_of: np.ndarray,
    records: pd.DataFrame,
    first_row: np.ndarray,
) -> np.ndarray:
    """:func:`label` of the records of ``frame`` (``rec_of``: the record of each row, -1
    for none; ``first_row``: each record's most recent row)."""
    field = LABEL_FIELD[name]
    has_row = first_row >= 0
    shown = _record_text(records, field, rec_of, first_row)
    if name == "companies":
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
    elif name == "contacts":
        email = frame["email"].to_numpy(dtype=object)
        shown = np.where(shown == "", "(no name)", shown)
        shown = np.where(email != "", shown + " <" + pd.Series(email).astype(str) + ">", shown)
        company = _record_text(records, "company_name", rec_of, first_row)
        shown = np.where(company != "", shown + " / " + company, shown)
    else:
        # deal name, company, contact, stage, amount with its currency, close date: a lead row
        # without a deal name is still a company, a person and a status
        rid = frame["record_id"].astype(str)
        real_id = (rid != "").to_numpy() & ~_is_counter(rid)
        currency = _record_text(records, "currency", rec_of, first_row)
        stage = _record_text(records, "stage", rec_of, first_row)
        word = _record_text(records, "_stage_word", rec_of, first_row)
        amount = frame["amount"].to_numpy(dtype=float)
        # a lead's record (no deal name, id, amount or close date: a row of a lead list) is
        # its company, person and status; "(no deal name)" said nothing a person could use
        thin = _stage_only(frame)
        parts = [
            np.where(shown == "", np.where(thin, "", "(no deal name)"), shown),
            np.where(real_id, "id " + rid.to_numpy(dtype=object), ""),
            _record_text(records, "company_name", rec_of, first_row),
            _record_text(records, "contact_name", rec_of, first_row),
            np.where(stage != "", stage, word),
            np.array(
                [
                    f"{a:,.0f} {c}".strip() if a == a else ""
                    for a, c in zip(amount.tolist(), currency.tolist())
                ],
                dtype=object,
            ),
            frame["close_date"].astype(str).to_numpy(dtype=object),
        ]
        shown = np.array([" / ".join(filter(None, cells)) for cells in zip(*parts)], dtype=object)
    return np.asarray(shown, dtype=object)


def _stage_only(frame: pd.DataFrame) -> np.ndarray:
    """Per deal record, whether it carries no deal field of its own (name, amount, close
    date, id): a stage alone, a person's status in a contact or lead list."""
    blank = np.ones(len(frame), dtype=bool)
    for c in ("deal_name", "close_date", "record_id"):
        if c in frame:
            blank &= frame[c].astype(str).to_numpy() == ""
    if "amount" in frame:
        blank &= np.isnan(frame["amount"].to_numpy(dtype=float))
    return blank


def pairs_frame(
    run: EntityRun,
    labels_text: np.ndarray,
    first_row: np.ndarray,
    info: pd.DataFrame,
    thresholds_match: float,
) -> pd.DataFrame:
    """The engine's pairs with keys, labels, source rows and what became of them."""
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
    thin = np.zeros(len(run.recs.frame), dtype=bool)
    if run.name == "deals":
        # a record that is nothing but a person's status (a business card's lead, no deal name,
        # amount, close date or id) beside a deal: nothing for a person to decide about "the
        # same deal"; the export makes it the contact of that deal or a lead
        thin = _stage_only(run.recs.frame)
        status = np.where((status == "review") & (thin[a] != thin[b]), "person record", status)
    keys = _per_record(run.recs.frame["_key"].to_numpy(dtype=object))
    labels = _per_record(labels_text)
    row_keys = _per_record(
        np.where(first_row >= 0, info["key"].to_numpy(dtype=object)[np.maximum(first_row, 0)], "")
    )
    evidence = p["evidence"]
    if run.name == "companies" and "reading_shared" in run.recs.frame:
        evidence = _reading_evidence(run.recs.frame, a, b, evidence, status)
    return pd.DataFrame(
        {
            "entity": run.name,
            "left_key": keys(a),
            "right_key": keys(b),
            "probability": p["probability"].round(4).to_numpy(),
            "status": status,
            "left": labels(a),
            "right": labels(b),
            "evidence": (
                evidence.array
                if isinstance(evidence.dtype, pd.StringDtype)
                else evidence.to_numpy()
            ),
            "left_row": row_keys(a),
            "right_row": row_keys(b),
            "_left": a,
            "_right": b,
            # both records are people's statuses (rows of lead lists): a pair of leads
            "_leads": thin[a] & thin[b],
        }
    )


def _reading_evidence(
    frame: pd.DataFrame, a: np.ndarray, b: np.ndarray, evidence: pd.Series, status: np.ndarray
) -> pd.Series:
    """A pair sent to review because the two names read alike (Yamada Denki / ヤマダデンキ) and
    nothing else was compared gets that as its evidence, not an empty cell a person cannot
    decide from: the reading the two records share."""
    empty = (evidence.fillna("").astype(str) == "").to_numpy() & np.isin(
        status, ["review", "split"]
    )
    if not empty.any():
        return evidence
    shared = frame["reading_shared"].to_numpy(dtype=object)
    out = evidence.astype(object).to_numpy(copy=True)
    for k in np.flatnonzero(empty).tolist():
        left = {t[2:] for t in shared[a[k]] or ()}
        right = {t[2:] for t in shared[b[k]] or ()}
        common = sorted(left & right)
        if common:
            out[k] = "the names read alike: " + ", ".join(f"'{c}'" for c in common)
    return pd.Series(out, index=evidence.index, dtype=object)


def _per_record(values: np.ndarray) -> Callable[[np.ndarray], Any]:
    """``values[at]`` as a frame's column holds it, a text column made text once per record
    and taken per pair (not a Python text per pair converted again)."""
    if infer_dtype(values, skipna=True) == "string":
        text = pd.array(values, dtype="str")
        return lambda at: text.take(at)
    return lambda at: values[at]


def _three_places(probability: np.ndarray) -> np.ndarray:
    """Probabilities as shown in a message (0.985)."""
    return np.array([f"{p:.3f}" for p in probability.tolist()], dtype=object)


def lead_records(record_of_row: np.ndarray, rank: np.ndarray, record_ids: np.ndarray) -> np.ndarray:
    """Per record, whether it holds its entity's surviving row: the best ranked of the entity's
    rows, ties by position (the row the crosswalk says the others merged into)."""
    rows = np.flatnonzero(record_of_row >= 0)
    lead = np.zeros(len(record_ids), dtype=bool)
    if not len(rows):
        return lead
    rec = record_of_row[rows]
    entity = pd.factorize(record_ids)[0][rec]
    order = np.lexsort((rows, rank[rows], entity))
    first = order[np.r_[True, entity[order][1:] != entity[order][:-1]]]
    lead[rec[first]] = True
    return lead


def run_findings(
    run: EntityRun,
    pairs: pd.DataFrame,
    labels_text: np.ndarray,
    first_row: np.ndarray,
    info: pd.DataFrame,
    lead: np.ndarray,
) -> list[pd.DataFrame]:
    """Findings about one entity's pairs: merged records, pairs for review, weak bridges.
    ``lead``: per record, whether it holds the entity's surviving row (:func:`lead_records`):
    every other record of a merged entity gets a ``dedupe.merged`` finding."""
    out: list[pd.DataFrame] = []
    field = LABEL_FIELD[run.name]
    entity = _entity_word(run)

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
        # messages made as a text Series stay Arrow strings: hundreds of thousands of long
        # texts as Python objects were the stage's peak at 1M rows (the frame holds them as
        # Arrow strings again)
        texts = message.array if isinstance(message, pd.Series) else np.asarray(message, object)
        return pd.DataFrame(
            {
                "rule": rule,
                "severity": severity,
                "message": texts[ok],
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
        # positions, not frames: a boolean selection, a concat and a sort of the pairs frame
        # take every text column along (millions of Arrow strings at Excel's maximum sheet)
        status = pairs["status"]
        left, right = pairs["_left"].to_numpy(), pairs["_right"].to_numpy()
        prob = pairs["probability"].to_numpy()
        # the evidence stays Arrow text, taken only at the pairs a message quotes (not a
        # Python string for each of the millions of pairs at 1M rows)
        evidence = pairs["evidence"].astype(str).array
        # merged: every record that joined another, with the evidence of its strongest link
        merged = np.flatnonzero(status.isin(["merged", "decided same"]).to_numpy(dtype=bool))
        if len(merged):
            src = np.r_[merged, merged]
            me = np.r_[right[merged], left[merged]]
            other = np.r_[left[merged], right[merged]]
            ids = run.record_ids
            # the record holding the surviving row is the one the others merged into (before,
            # the smallest key: a record that merged into another was left without a finding
            # when its key was the smaller, u21)
            named = ~lead[me]
            src, me, other = src[named], me[named], other[named]
            # stable: among equally strong links the first pair wins on every CPU (numpy's
            # default quicksort orders ties differently with and without AVX-512)
            order = np.argsort(-prob[src], kind="stable")
            first = order[np.sort(np.unique(me[order], return_index=True)[1])]
            src, me, other = src[first], me[first], other[first]
            msg = (
                f"{entity} '"
                + pd.Series(labels_text[me]).astype(str)
                + "' merged with '"
                + pd.Series(labels_text[other]).astype(str)
                + "' ("
                + ids[me]
                + ", p="
                + _three_places(prob[src])
                + "): "
                + evidence[src]
            )
            out.append(at(me, "merged", "dedupe.merged", "info", msg, labels_text[me], ids[me]))
        review = np.flatnonzero(status.isin(["review", "split"]).to_numpy(dtype=bool))
        if len(review):
            a, b = left[review], right[review]
            what = np.full(len(review), f"possible duplicate {entity}: '", dtype=object)
            if "_leads" in pairs.columns:  # two records of people in lead lists: leads
                leads = pairs["_leads"].to_numpy(dtype=bool)[review]
                what = np.where(leads, "possible duplicate lead: '", what)
            msg = (
                pd.Series(what, dtype=object)
                + pd.Series(labels_text[a]).astype(str)
                + "' and '"
                + pd.Series(labels_text[b]).astype(str)
                + "' (p="
                + _three_places(prob[review])
                + "); decide in the review sheet: "
                + evidence[review]
            )
            out.append(
                at(
                    a,
                    "none",
                    "dedupe.probable-duplicate",
                    "warning",
                    msg,
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


def same_name_findings(run: EntityRun, rank: np.ndarray, info: pd.DataFrame) -> pd.DataFrame:
    """One company match key, two companies (the rows share no domain, phone or e-mail)."""
    frame = run.recs.frame
    tracker = (frame["existing_id"] == "").to_numpy()
    ids = pd.Series(run.record_ids[tracker], index=frame.index[tracker])
    keys = frame.loc[tracker, "company_key"]
    apart = ids.groupby(keys.to_numpy()).nunique()
    apart = apart[apart > 1]
    if apart.empty:
        return F.empty()
    first_row = first_rows(run.recs.record_of_row, rank, len(frame))
    sel = np.flatnonzero(
        tracker & frame["company_key"].isin(apart.index).to_numpy() & (first_row >= 0)
    )
    fr = first_row[sel]
    n_parts = frame["company_key"].iloc[sel].map(apart).to_numpy()
    # a record split off its name by a strong id (entities._split_strong_ids) says which
    strong = np.zeros(len(sel), dtype=bool)
    for column in ("corporate_number", "own_code"):
        if column in frame:
            strong |= frame[column].iloc[sel].map(bool).to_numpy(dtype=bool)
    why = np.where(
        strong,
        "their 法人番号, customer codes or phones and addresses differ",
        "their rows share no domain, phone or e-mail",
    )
    return pd.DataFrame(
        {
            "rule": "dedupe.same-name",
            "severity": "warning",
            "message": [
                f"'{k}' names {n} companies here: {w} ({i})"
                for k, n, w, i in zip(
                    frame["company_key"].iloc[sel], n_parts, why, run.record_ids[sel]
                )
            ],
            "file": info["file"].to_numpy()[fr],
            "sheet": info["sheet"].to_numpy()[fr],
            "row": info["row"].to_numpy()[fr],
            "column": "",
            "field": "company_name",
            "original": frame["company_key"].iloc[sel].to_numpy(),
            "value": run.record_ids[sel],
            "action": "kept",
        }
    )


# what a conflict's message adds, per rule
CONFLICT_WHY = {
    "dedupe.closed-stage-kept": " (a closed stage is kept over a later open one)",
    "dedupe.unordered-conflict": " (no date or stage order says which is later)",
    "dedupe.stage-went-back": " (the deal went back to an earlier stage)",
}


def conflict_findings(run: EntityRun, conflicts: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    """Two different values of a watched field inside one merged entity (both are shown)."""
    if conflicts.empty:
        return F.empty()
    pos = conflicts["position"].to_numpy(dtype=np.int64)
    kp = conflicts["kept_position"].to_numpy(dtype=np.int64)
    where = _row_places(info, kp)
    entity = _entity_word(run)
    value = conflicts["value"].map(K.id_value)
    kept = conflicts["kept"].map(K.id_value)
    # an amount is nothing without its currency: 25000 (USD) beside 12000000 (JPY)
    money = (conflicts["field"] == "amount").to_numpy()
    cur = info["currency"].to_numpy(dtype=object) if "currency" in info else None
    shown_value, shown_kept = value.copy(), kept.copy()
    if cur is not None and money.any():
        for shown, at in ((shown_value, pos), (shown_kept, kp)):
            unit = pd.Series(cur[at], index=shown.index, dtype=object)
            named = money & (unit != "").to_numpy()
            shown[named] = shown[named] + " " + unit[named]
    rule = (
        conflicts["rule"].to_numpy(dtype=object)
        if "rule" in conflicts
        else np.full(len(conflicts), "dedupe.conflict", dtype=object)
    )
    why = pd.Series(rule).map(CONFLICT_WHY).fillna("").to_numpy(dtype=object)
    msg = (
        f"{entity} "
        + conflicts["entity"].astype(str)
        + ": "
        + conflicts["field"].astype(str)
        + " '"
        + shown_value
        + "' here, '"
        + shown_kept
        + "' kept from "
        + pd.Series(where).astype(str)
        + why
    )
    return pd.DataFrame(
        {
            "rule": rule,
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


def _at_rows(info: pd.DataFrame, pos: np.ndarray, **columns: object) -> pd.DataFrame:
    """A findings frame pointing at the given source rows."""
    return pd.DataFrame(
        {
            "file": info["file"].to_numpy()[pos],
            "sheet": info["sheet"].to_numpy()[pos],
            "row": info["row"].to_numpy()[pos],
            "column": "",
            **columns,
        }
    )


def _row_places(info: pd.DataFrame, pos: np.ndarray) -> np.ndarray:
    """The source rows at ``pos`` as a person reads them ('row 53 of West.xlsx › Pipeline'),
    not the internal row key (file|sheet|row)."""
    file = info["file"].to_numpy(dtype=object)[pos]
    sheet = info["sheet"].to_numpy(dtype=object)[pos]
    row = info["row"].to_numpy()[pos]
    return np.array(
        [
            f"row {r} of {f} › {s}" if s else f"row {r} of {f}"
            for r, f, s in zip(row.tolist(), file.tolist(), sheet.tolist(), strict=True)
        ],
        dtype=object,
    )


def exact_duplicate_findings(info: pd.DataFrame, unit: np.ndarray) -> pd.DataFrame:
    """A row with the same values as another (pasted twice) counts once.

    The finding marks the copy, the row to delete: of a set of copies the row read first (within
    a sheet, the upper one) is the original, every later one a copy whose message names the
    original's row, file and sheet as a person reads them, not the internal row key.
    """
    n = len(unit)
    if not (unit != np.arange(n)).any():
        return F.empty()
    first = pd.Series(np.arange(n)).groupby(unit).transform("min").to_numpy()
    dup = np.flatnonzero(first != np.arange(n))
    where = _row_places(info, first[dup])
    return _at_rows(
        info,
        dup,
        rule="dedupe.exact-duplicate",
        severity="info",
        message=("same values as " + pd.Series(where, dtype=object) + "; counted once").to_numpy(),
        field="",
        original="",
        value=where,
        action="merged",
    )


def existing_match_findings(
    companies: pd.DataFrame, tracker_names: pd.Series | None = None
) -> pd.DataFrame:
    """A company that is already in the target SFA will be updated, not created; where the
    trackers spell its name otherwise (``tracker_names``), the SFA's name is kept."""
    at = companies["existing_id"] != ""
    matched = companies[at]
    if matched.empty:
        return F.empty()
    ours = (
        tracker_names[at].astype(str)
        if tracker_names is not None and len(tracker_names) == len(companies)
        else matched["company_name"].astype(str)
    )
    kept = matched["company_name"].astype(str)
    said = np.where(
        ours.to_numpy() != kept.to_numpy(),
        "; its name in the SFA '" + kept + "' is kept (the trackers write '" + ours + "')",
        "",
    )
    return pd.DataFrame(
        {
            "rule": "dedupe.existing-match",
            "severity": "info",
            "message": (
                "company matches the SFA account "
                + matched["existing_id"].astype(str)
                + "; it will be updated, not created"
                + said
            ).to_numpy(),
            "file": matched["_source_file"].to_numpy(),
            "sheet": matched["_source_sheet"].to_numpy(),
            "row": matched["_source_row"].to_numpy(),
            "column": "",
            "field": "company_name",
            "original": ours.to_numpy(),
            "value": matched["existing_id"].to_numpy(),
            "action": "none",
        }
    )


def decision_findings(bad: pd.DataFrame, unknown: list[str]) -> pd.DataFrame:
    """Decisions that could not be read or name records that are not there."""
    items = [
        F.Finding(
            "dedupe.bad-decision",
            "warning",
            f"decision '{d}' for {lk} / {rk} is not understood; use same or different",
            original=str(d),
            action="skipped",
        )
        for lk, rk, d in bad[["left_key", "right_key", "decision"]].itertuples(index=False)
    ]
    items += [
        F.Finding(
            "dedupe.unknown-decision",
            "warning",
            f"a decision names '{key}', which is not in these records; it was not applied",
            original=key,
            action="skipped",
        )
        for key in unknown
    ]
    return F.to_frame(items)


def block_findings(run: EntityRun, limit: int = 50) -> pd.DataFrame:
    """Blocking keys shared by too many records to compare all their pairs."""
    return F.to_frame(
        F.Finding(
            "dedupe.block-too-large",
            "info",
            f"{run.name}: {size} records share {rule} = '{key}'; not compared on this key alone",
            original=key,
            action="skipped",
        )
        for rule, key, size in run.linkage.skipped_blocks[:limit]
    )
