"""Stages inferred from the evidence beside the stage word (rules/stages.yaml ``inference``).

In: normalised records (``stage`` holds stage keys, "" when missing; ``_stage_unknown`` marks a
cell that held a word no stage claims, ``_stage_word`` that word) and the :class:`StageModel`.
Out: a new frame whose empty stages were filled where an inference rule allows it
(``_stage_inferred`` True) and findings: ``stages.inferred`` (info) over an empty cell,
``stages.inferred-over-word`` (warning) where a rule for closed deals decided over an unknown
word, ``stages.word-contradicts-evidence`` (warning) where a known word says open or the other
outcome while a won/lost flag or date says closed, and ``stages.unknown-word`` (info), one per
unknown word still without a stage, with its row count and the stage its evidence suggests (each
row already has its warning, ``normalize.unknown-stage``: one problem is counted once).
Evidence: probability, the canonical ``lost_reason``, and the won/lost flag and date columns of
``evidence`` found among the unmapped ``extra:<header>`` columns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import findings as fnd
from ..columnar import by_value, map_values
from ..schema import (
    ROW_MARKS,
    SHEET_HEADERS,
    STAGE_COMMENT,
    cell_text,
    is_blank,
    row_mark_words,
)
from .checks import _column, _number_or_none, _where, where_columns
from .model import EvidenceColumns, InferenceRule, StageModel, cell_key, word_key

INFERRED = "_stage_inferred"  # bookkeeping column: True where the stage was inferred
RULE_INFERRED = "stages.inferred"
RULE_OVER_WORD = "stages.inferred-over-word"
RULE_CONTRADICTS = "stages.word-contradicts-evidence"
RULE_UNKNOWN_WORD = "stages.unknown-word"
RULE_OUTCOME = "stages.outcome-over-stage"
RULE_DELETED = "stages.deleted-in-source"
RULE_FROM_COMMENT = "stages.stage-from-comment"
RULE_COMMENT_ONLY = "stages.comment-on-empty-stage"
RULE_FORECAST_GUESSED = "stages.forecast-guessed"
RULE_FORECAST_NO_STAGE = "stages.forecast-no-stage"
UNKNOWN_WORD = "_stage_unknown"  # set by normalize where the stage cell held an unknown word
STAGE_WORD = "_stage_word"  # set by normalize: the unknown word as written
MOVED = "_stage_from_probability"  # set by normalize: the word stood in the probability column
EXTRA = "extra:"


@dataclass(frozen=True)
class ClosedEvidence:
    """What a row's won/lost columns say: the side ("won", "lost" or "") and the cells saying it."""

    side: str
    detail: str


def closed_evidence(records: pd.DataFrame, evidence: EvidenceColumns) -> list[ClosedEvidence]:
    """Per row, the side its won/lost flag and date columns take ("" when none, or both)."""
    side, detail = closed_sides(records, evidence)
    return [ClosedEvidence(s, d) for s, d in zip(side.tolist(), detail.tolist(), strict=True)]


def closed_sides(records: pd.DataFrame, evidence: EvidenceColumns) -> tuple[np.ndarray, np.ndarray]:
    """:func:`closed_evidence` as two columns: the side of every row and the cells saying it
    (``header 'value'``, comma-separated), each cell judged once per distinct value."""
    n = len(records)
    said = {"won": np.full(n, "", dtype=object), "lost": np.full(n, "", dtype=object)}
    # a flag cell filled but not truthy (Is Won FALSE), and a closed flag that is (Is Closed TRUE)
    denied = {"won": np.full(n, "", dtype=object), "lost": np.full(n, "", dtype=object)}
    closed = np.full(n, "", dtype=object)
    for name in records.columns:
        if not isinstance(name, str) or not name.startswith(EXTRA):
            continue
        header = name[len(EXTRA) :]
        keys = header_keys(header)
        if keys & set(evidence.closed_flags):

            def truthy(value: object, header: str = header) -> str:
                if is_blank(value):
                    return ""
                text = cell_text(value)
                return f"{header} '{text}'" if cell_key(text) in evidence.truthy else ""

            cells = np.asarray(by_value(records[name], truthy), dtype=object)
            closed = np.where(closed == "", cells, closed)
        for side, flag_keys in (("won", evidence.won_flags), ("lost", evidence.lost_flags)):
            if not keys & set(flag_keys):
                continue

            def falsy(value: object, header: str = header) -> str:
                if is_blank(value):
                    return ""
                text = cell_text(value)
                return "" if cell_key(text) in evidence.truthy else f"{header} '{text}'"

            cells = np.asarray(by_value(records[name], falsy), dtype=object)
            denied[side] = np.where(denied[side] == "", cells, denied[side])
        for side, flag_keys, date_keys in (
            ("won", evidence.won_flags, evidence.won_dates),
            ("lost", evidence.lost_flags, evidence.lost_dates),
        ):
            if not keys & {*flag_keys, *date_keys}:
                continue
            is_date = not keys & set(flag_keys)

            def says(value: object, header: str = header, is_date: bool = is_date) -> str:
                if is_blank(value):
                    return ""
                text = cell_text(value)
                return f"{header} '{text}'" if is_date or cell_key(text) in evidence.truthy else ""

            cells = np.empty(n, dtype=object)
            cells[:] = by_value(records[name], says)
            before = said[side]
            joined = np.where(before == "", cells, before + ", " + cells)
            said[side] = np.where(cells == "", before, joined)
    won, lost = said["won"] != "", said["lost"] != ""
    sides = np.where(won & ~lost, "won", np.where(lost & ~won, "lost", "")).astype(object)
    detail = np.where(won & ~lost, said["won"], np.where(lost & ~won, said["lost"], ""))
    # closed, and the flag of one side says no (Is Closed TRUE, Is Won FALSE): the other side
    is_closed = (closed != "") & (sides == "") & ~won & ~lost
    not_won = is_closed & (denied["won"] != "") & (denied["lost"] == "")
    not_lost = is_closed & (denied["lost"] != "") & (denied["won"] == "")
    sides = np.where(not_won, "lost", np.where(not_lost, "won", sides)).astype(object)
    detail = np.where(
        not_won,
        closed + ", " + denied["won"],
        np.where(not_lost, closed + ", " + denied["lost"], detail),
    )
    return sides, detail.astype(object)


def header_keys(header: str) -> set[str]:
    """The keys an evidence header is known by: the whole header's, and the part's after a
    group prefix (Pipedrive's 'Deal - Won time', a two-row header's 'Result / Won Date')."""
    keys = {word_key(header)}
    for sep in (" - ", " / ", ": "):
        if sep in header:
            keys.add(word_key(header.rsplit(sep, 1)[1]))
    return keys - {""}


def _extra_columns_headed(records: pd.DataFrame, keys: set[str]) -> list[tuple[str, str]]:
    """(column, header) of the unmapped columns whose header holds one of ``keys``."""
    return [
        (name, name[len(EXTRA) :])
        for name in records.columns
        if isinstance(name, str)
        and name.startswith(EXTRA)
        and header_keys(name[len(EXTRA) :]) & keys
    ]


def _outcome_columns(records: pd.DataFrame, model: StageModel) -> list[tuple[str, str]]:
    """(column, header) of the unmapped columns headed as an outcome (evidence ``outcome``)."""
    return _extra_columns_headed(records, set(model.evidence.outcome))


def outcome_sides(records: pd.DataFrame, model: StageModel) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the side (won, lost or "") an outcome column beside the stage says (evidence
    ``outcome``: Pipedrive's Status of open, won, lost) and the cell saying it."""
    n = len(records)
    side = np.full(n, "", dtype=object)
    detail = np.full(n, "", dtype=object)
    status = {s.key: s.status for s in model.stages}
    for name, header in _outcome_columns(records, model):

        def says(value: object) -> str:
            if is_blank(value):
                return ""
            found = status.get(model.lookup(cell_text(value)) or "", "")
            return found if found in ("won", "lost") else ""

        sides = np.asarray(by_value(records[name], says), dtype=object)
        new = (side == "") & (sides != "")
        side[new] = sides[new]
        detail[new] = [f"{header} '{cell_text(v)}'" for v in records[name].to_numpy()[new]]
    return side, detail


_BRACKETED = re.compile(r"[（(【\[［][^）)】\]］]*[）)】\]］]")
#: the date a dated note opens with (11/1 他社に決定, 2026/11/01: 失注, 11月1日 受注): the
#: date says when, the words after it what happened
_NOTE_DATE = re.compile(
    r"^\s*(?:\d{2,4}\s*[/.\-年]\s*)?(?P<month>\d{1,2})\s*[/.\-月]\s*(?P<day>\d{1,2})\s*日?"
    r"(?:\s*[（(][月火水木金土日][）)])?[\s:：、,，]+"
)


def _latest_entry(note: str) -> str:
    """A note of dated lines written downwards (11/20 見積提出 / 12/1 失注: a log, each update
    on a line of its own, u20's memo continued on the next line): its last line, the latest;
    any other note whole."""
    lines = [ln for ln in note.splitlines() if ln.strip()]
    dates = [_NOTE_DATE.match(ln) for ln in lines]
    if len(lines) < 2 or not all(dates):
        return note
    days = [int(d["month"]) * 100 + int(d["day"]) for d in dates if d]
    # later down the note, or into the next year once (12/20 then 1/10)
    wraps = sum(1 for a, b in zip(days, days[1:]) if b < a)
    if wraps > 1 or (wraps == 1 and not any(b < a - 600 for a, b in zip(days, days[1:]))):
        return note
    return lines[-1]


def notes_sides(records: pd.DataFrame, model: StageModel) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the side (won, lost or "") its notes say when the whole note, brackets aside,
    is a won or lost word of the model (失注（競合に負け）, 受注済), its date aside (11/1 他社に決定);
    of a log of dated lines, its last line (:func:`_latest_entry`); and the cell saying it. A note that tells a story (前回失注、再提案中) says nothing."""
    n = len(records)
    side = np.full(n, "", dtype=object)
    detail = np.full(n, "", dtype=object)
    if "notes" not in records.columns or not n:
        return side, detail
    status = {s.key: s.status for s in model.stages}

    def says(value: object) -> str:
        if is_blank(value):
            return ""
        text = _latest_entry(cell_text(value))
        text = _NOTE_DATE.sub("", _BRACKETED.sub("", text)).strip()
        found = status.get(model.lookup(text) or "", "") if text else ""
        return found if found in ("won", "lost") else ""

    side[:] = by_value(records["notes"], says)
    hit = side != ""
    detail[hit] = [f"notes '{cell_text(v)}'" for v in records["notes"].to_numpy()[hit]]
    return side, detail


def mark_sides(records: pd.DataFrame, model: StageModel) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the side (won, lost or "") its format says (evidence ``row_marks``: a row struck
    through or filled grey), and the words saying it ("row struck through")."""
    n = len(records)
    side = np.full(n, "", dtype=object)
    said = np.full(n, "", dtype=object)
    ev = model.evidence
    if ROW_MARKS not in records.columns or not (ev.won_marks or ev.lost_marks):
        return side, said

    def says(value: object) -> str:
        marks = set(cell_text(value).casefold().split()) if not is_blank(value) else set()
        won, lost = marks & set(ev.won_marks), marks & set(ev.lost_marks)
        if bool(won) == bool(lost):
            return ""
        words = " and ".join(row_mark_words(m) for m in sorted(won or lost))
        return ("won|" if won else "lost|") + "row " + words

    cells = np.asarray(by_value(records[ROW_MARKS], says), dtype=object)
    has = cells != ""
    if has.any():
        parts = np.array([c.split("|", 1) for c in cells[has]], dtype=object)
        side[has], said[has] = parts[:, 0], parts[:, 1]
    return side, said


def sheet_sides(
    records: pd.DataFrame, model: StageModel, sheets: set[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a sheet in ``sheets`` (file|sheet: those without a stage), the side (won,
    lost or "") the sheet says of all its rows, and the words saying it: its name (受注実績,
    失注一覧; evidence ``sheets``, unless a word of ``sheets_not`` says not closed yet:
    受注見込一覧), or the header of its close-date column (受注日; evidence ``dates``) or amount
    column (受注金額; evidence ``amounts``) where the row's cell is filled.

    Not for a row whose probability is open (above 0, below 100: a rank C, 確度 50%): a
    forecast sheet heads its expected amount 受注金額 and its expected date 受注日, and a row
    still ranked is no closed deal."""
    n = len(records)
    side = np.full(n, "", dtype=object)
    said = np.full(n, "", dtype=object)
    ev = model.evidence
    if not n or not sheets:
        return side, said
    with np.errstate(invalid="ignore"):
        probability = _numbers(records, "probability")
        ranked = (probability > 0) & (probability < 100)
    keys = _sheet_keys(records)
    names = map_values(_column(records, "_source_sheet"), cell_text).to_numpy(dtype=object)
    headers = map_values(_column(records, SHEET_HEADERS), cell_text).to_numpy(dtype=object)
    filled = {f: ~_blank(records, f) for f in ("close_date", "amount")}
    inside = np.isin(keys, list(sheets)) & ~ranked
    group_of: dict[tuple[str, str], int] = {}
    groups = np.array(
        [
            group_of.setdefault(pair, len(group_of))
            for pair in zip(names.tolist(), headers.tolist())
        ],
        dtype=np.int64,
    )
    for (name, heads), g in group_of.items():  # each sheet (name and headers) once
        rows = (groups == g) & inside
        if not rows.any():
            continue
        found, words = _sheet_says(name, model)
        if found:
            side[rows], said[rows] = found, words
            continue
        for line in heads.splitlines():  # the row's own close date or amount under 受注日
            field, _, header = line.partition("\t")
            found = _header_side(header, field, ev)
            hit = rows & filled[field] & (side == "") if found else None
            if hit is not None and hit.any():
                side[hit] = found
                cells = records[field].to_numpy(dtype=object)[hit]
                said[hit] = [f"{header} '{cell_text(v)}'" for v in cells]
    return side, said


_LABEL = re.compile(r"^[^:：]{1,12}[:：]\s*")  # ステージ：, Status:
_CLAUSE = re.compile(r"[。、,，;；!！?？\n\s（(【\[［「]")


def _comment_words(text: str) -> list[str]:
    """The words a comment may name a stage by, most whole first: the comment, what follows
    its label (ステージ：受注 -> 受注), each without brackets, and the first clause of each
    (失注。競合A社に決定 -> 失注; 受注（12/10 注文書受領） -> 受注)."""
    text = unicodedata.normalize("NFKC", text).strip()
    bodies = [text, _LABEL.sub("", text, count=1)]
    out: list[str] = []
    for body in bodies:
        for word in (body, _BRACKETED.sub("", body).strip(), _CLAUSE.split(body, 1)[0].strip()):
            if word and word not in out:
                out.append(word)
    return out


def comment_stages(
    records: pd.DataFrame, model: StageModel, stage: pd.Series, unknown: pd.Series, lang: str
) -> tuple[list[tuple[int, str]], list[fnd.Finding]]:
    """The stage of each empty stage cell whose comment names one (``_stage_comment``, read by
    ingest: F4 受注（12/10 注文書受領）): (position, stage key) pairs, with a finding per row
    (``stages.stage-from-comment``); a comment that names none gets a finding naming the cell
    and the comment (``stages.comment-on-empty-stage``), and the cell stays empty."""
    if STAGE_COMMENT not in records.columns:
        return [], []
    notes = records[STAGE_COMMENT].to_numpy(dtype=object)
    empty = (stage.to_numpy(dtype=object) == "") & ~unknown.to_numpy(dtype=bool)
    hits: list[tuple[int, str]] = []
    found: list[fnd.Finding] = []
    severity: fnd.Severity
    for i in np.flatnonzero(empty).tolist():
        note = notes[i]
        if is_blank(note) or "\t" not in str(note):
            continue
        cell, text = str(note).split("\t", 1)
        key = next((k for k in map(model.lookup, _comment_words(text)) if k), None)
        where = _where(records.iloc[i])
        if key:
            hits.append((i, key))
            label = model.stage(key).label.get(lang)
            message = (
                f"the stage cell {cell} is empty; its comment reads '{text}': read as "
                f"'{key}' ({label})"
            )
            rule, severity, action = RULE_FROM_COMMENT, "info", "changed"
        else:
            message = (
                f"the stage cell {cell} is empty; its comment reads '{text}', which names no "
                "stage: the stage stays empty"
            )
            rule, severity, action = RULE_COMMENT_ONLY, "warning", "none"
        found.append(
            fnd.Finding(
                rule, severity, message, field="stage", original=text, value=key or "",
                action=action, **where,
            )
        )  # fmt: skip
    return hits, found


def _forecast_columns(records: pd.DataFrame, model: StageModel) -> list[tuple[str, str]]:
    """(column, header) of the unmapped columns headed as a forecast category (evidence
    ``forecast.headers``: Forecast Category, 売上予測分類)."""
    return _extra_columns_headed(records, set(model.evidence.forecast_headers))


def forecast_stages(
    records: pd.DataFrame,
    model: StageModel,
    stage: pd.Series,
    unknown: pd.Series,
    no_stage_sheets: set[str],
    lang: str,
) -> tuple[list[tuple[int, str]], pd.DataFrame]:
    """The stage of each empty stage of a sheet with no stage column, read from its forecast
    category column (evidence ``forecast``: Closed won, Commit closing, Pipeline opportunity;
    Best Case a flagged guess): (position, stage key) pairs and the findings
    (``stages.inferred``; ``stages.forecast-guessed``, warning, for a guessed category;
    ``stages.forecast-no-stage``, warning, one per category that names no stage, Omitted).
    Beside a stage column the category is never read: the stage column says the stage."""
    ev = model.evidence
    columns = _forecast_columns(records, model) if ev.forecast_headers else []
    if not columns or not no_stage_sheets:
        return [], fnd.empty()
    categories = {k: (s, guess, why) for k, s, guess, why in ev.forecast_categories}
    none = set(ev.forecast_no_stage)
    open_ = (
        (stage.to_numpy(dtype=object) == "")
        & ~unknown.to_numpy(dtype=bool)
        & np.isin(_sheet_keys(records), list(no_stage_sheets))
    )
    hits: list[tuple[int, str]] = []
    taken = np.zeros(len(records), dtype=bool)
    found: list[fnd.Finding] = []
    unnamed: dict[tuple[str, str], list[int]] = {}
    for name, header in columns:
        cells = records[name].to_numpy(dtype=object)
        for i in np.flatnonzero(open_ & ~taken).tolist():
            if is_blank(cells[i]):
                continue
            text = cell_text(cells[i])
            key = word_key(text)
            if key in none:
                unnamed.setdefault((header, text), []).append(i)
                taken[i] = True
                continue
            if key not in categories:
                continue  # a number under a Forecast header (a forecast amount) says nothing
            stage_key, guess, why = categories[key]
            taken[i] = True
            hits.append((i, stage_key))
            label = model.stage(stage_key).label.get(lang)
            said = f"the forecast category '{text}' in column '{header}' (the sheet has no stage column)"
            if guess:
                message = f"stage guessed as '{stage_key}' ({label}) from {said}: {why}"
            else:
                message = f"stage inferred as '{stage_key}' ({label}) from {said}"
            severity: fnd.Severity = "warning" if guess else "info"
            found.append(
                fnd.Finding(
                    RULE_FORECAST_GUESSED if guess else RULE_INFERRED, severity, message,
                    field="stage", original=text, value=stage_key, action="changed",
                    **_where(records.iloc[i]),
                )
            )  # fmt: skip
    for (header, text), at in unnamed.items():
        found.append(
            fnd.Finding(
                RULE_FORECAST_NO_STAGE,
                "warning",
                f"the forecast category '{text}' in column '{header}' ({len(at)} row(s)) names "
                "no stage: lost deals and deals taken out of the forecast are both omitted; the "
                "stage is empty (the sheet has no stage column)",
                field="stage",
                original=text,
                value="",
                action="none",
                **_where(records.iloc[at[0]]),
            )
        )
    return hits, fnd.to_frame(found)


_NAME_PARTS = re.compile(r"[・/／&＆+＋,，、\s_\-]+|(?<=[^a-z])と(?=[^a-z])|および|及び")


def _sheet_says(name: str, model: StageModel) -> tuple[str, str]:
    """(side, words) a sheet's name says of its rows ("" when none, or both): a word of
    evidence ``sheets`` in it (受注実績), or a part of it that is a won or lost stage word (受注,
    Closed Won; 受注・失注一覧 says both)."""
    ev = model.evidence
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"\s*\[[a-z]+:[a-z]+\]$", "", text)  # a side-by-side table's range
    if any(_in_name(w, text) for w in ev.sheets_not):
        return "", ""
    won = any(_in_name(w, text) for w in ev.won_sheets)
    lost = any(_in_name(w, text) for w in ev.lost_sheets)
    status = {s.key: s.status for s in model.stages}
    for part in _NAME_PARTS.split(_BRACKETED.sub(" ", text)):
        said = status.get(model.lookup(part) or "", "") if part else ""
        won |= said == "won"
        lost |= said == "lost"
    if won == lost:
        return "", ""
    return ("won" if won else "lost"), f"sheet name '{name}'"


def _in_name(word: str, text: str) -> bool:
    """Whether a sheet-name word is in the name: a Latin word as a whole word, else anywhere."""
    if word.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None
    return word in text


def _header_side(header: str, field: str, ev: EvidenceColumns) -> str:
    """The side a close-date or amount column's header says (受注日, 受注金額（千円）), or ""."""
    key = word_key(_BRACKETED.sub("", header))
    won, lost = (
        (ev.won_dates, ev.lost_dates)
        if field == "close_date"
        else (ev.won_amounts, ev.lost_amounts)
    )
    if key in won and key not in lost:
        return "won"
    if key in lost and key not in won:
        return "lost"
    return ""


def deleted_rows(records: pd.DataFrame, model: StageModel) -> list[fnd.Finding]:
    """One finding per row whose outcome column (evidence ``outcome``: Status) says the record
    was deleted in the system it was exported from (evidence ``deleted``: Pipedrive's Status
    'deleted'). The caller rejects those rows: imported, a deleted duplicate would return."""
    words = model.evidence.deleted
    if not words or records.empty:
        return []
    found: list[fnd.Finding] = []
    for name, header in _outcome_columns(records, model):
        hit = np.asarray(
            by_value(records[name], lambda v: not is_blank(v) and word_key(cell_text(v)) in words),
            dtype=bool,
        )
        for i in np.flatnonzero(hit).tolist():
            row = records.iloc[i]
            text = cell_text(row[name])
            found.append(
                fnd.Finding(
                    RULE_DELETED,
                    "warning",
                    f"deleted in the system it was exported from ({header} '{text}'): not imported",
                    cell_text(row.get("_source_file")),
                    cell_text(row.get("_source_sheet")),
                    int(row.get("_source_row") or 0),
                    header,
                    "",
                    original=text,
                    action="skipped",
                )
            )
    return found


def _numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    """:func:`_number_or_none` of a column as floats, NaN for None."""
    values = by_value(_column(frame, name), _number_or_none)
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _blank(frame: pd.DataFrame, name: str) -> np.ndarray:
    return np.array(by_value(_column(frame, name), is_blank), dtype=bool)


def _rule_matches(rule: InferenceRule, frame: pd.DataFrame, side: np.ndarray) -> np.ndarray:
    """The rows of ``frame`` (with the closed ``side`` of each) that meet the rule's conditions."""
    ok = np.ones(len(frame), dtype=bool)
    if rule.probability_at_least is not None or rule.probability_at_most is not None:
        p = _numbers(frame, "probability")
        if rule.probability_at_least is not None:
            ok &= p >= rule.probability_at_least  # NaN (no probability) compares False
        if rule.probability_at_most is not None:
            ok &= p <= rule.probability_at_most
    if rule.evidence:
        ok &= side == rule.evidence
    for f in rule.has:
        ok &= ~_blank(frame, f)
    if rule.has_any:
        ok &= np.logical_or.reduce([~_blank(frame, f) for f in rule.has_any])
    for f in rule.lacks:
        ok &= _blank(frame, f)
    for f in rule.sheet_lacks:
        ok &= _sheet_lacks(frame, f)
    return ok


def _sheet_lacks(frame: pd.DataFrame, field: str) -> np.ndarray:
    """Rows of a sheet none of whose rows holds ``field`` (the stage: neither a stage nor a word
    no stage claims), judged on every row of the sheet in ``frame``'s :attr:`attrs` (see
    :func:`infer_stages`), else on ``frame`` itself."""
    sheets = frame.attrs.get("sheet_lacks", {}).get(field)
    if sheets is None:
        sheets = _sheets_without(frame, field)
    keys = _sheet_keys(frame)
    return np.isin(keys, list(sheets)) if len(keys) else np.zeros(0, dtype=bool)


def _sheet_keys(frame: pd.DataFrame) -> np.ndarray:
    file = map_values(_column(frame, "_source_file"), cell_text).to_numpy(dtype=object)
    sheet = map_values(_column(frame, "_source_sheet"), cell_text).to_numpy(dtype=object)
    return file + "|" + sheet


def _sheets_without(frame: pd.DataFrame, field: str) -> set[str]:
    """The sheets (file|sheet) of ``frame`` where no row holds ``field``; for the stage, a word
    no stage claims counts as held."""
    held = ~_blank(frame, field)
    if field == "stage" and STAGE_WORD in frame.columns:
        held |= ~_blank(frame, STAGE_WORD)
    if (
        field == "stage" and MOVED in frame.columns
    ):  # 受注 read from the ヨミ column: no stage column
        held &= ~frame[MOVED].fillna(False).to_numpy(dtype=bool)
    keys = _sheet_keys(frame)
    return set(keys.tolist()) - set(keys[held].tolist())


def infer_stages(
    records: pd.DataFrame, model: StageModel, *, lang: str = "en"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill empty stages where an inference rule allows it; mark them in ``_stage_inferred``.

    A row whose stage cell held a word no stage claims (``_stage_unknown``) is only decided by
    a rule with ``over_unknown_word`` (a won/lost flag or date, probability 0 with a lost
    reason), or, when the word is said of closed deals (``closed_words``: Closed), by any rule
    of a closed stage; it is then flagged at warning. The first rule (in the order of the
    model) a row meets decides it.
    """
    # the input's columns shared, not copied: only whole columns are replaced below
    out = records.copy(deep=False)
    stage = map_values(_column(out, "stage"), cell_text)
    inferred = pd.Series(
        by_value(_column(out, INFERRED), lambda v: bool(not is_blank(v) and v)),
        index=out.index,
        dtype=bool,
    )
    unknown = pd.Series(
        by_value(_column(out, UNKNOWN_WORD), lambda v: bool(not is_blank(v) and v)),
        index=out.index,
        dtype=bool,
    )
    words = map_values(_column(out, STAGE_WORD), cell_text)
    commented, comment_findings = comment_stages(out, model, stage, unknown, lang)
    if commented:
        rows_commented = [i for i, _ in commented]
        stage.iloc[rows_commented] = [k for _, k in commented]
        inferred.iloc[rows_commented] = True
    side, detail = closed_sides(out, model.evidence)
    closed_stages = {s.key for s in model.stages if s.closed}
    found: list[pd.DataFrame] = []
    if model.evidence.outcome:
        outcome, said = outcome_sides(out, model)
        # the outcome decides an open pipeline stage (Negotiations Started, Status won): a
        # won deal keeps the last stage it passed in such an export
        is_open = ~np.isin(stage.to_numpy(dtype=object), [*closed_stages, ""])
        over_open = np.flatnonzero(is_open & (outcome != ""))
        if len(over_open):
            found.append(_outcome_findings(out, model, stage, over_open, outcome, said, lang))
            stage.iloc[over_open] = outcome[over_open]
            inferred.iloc[over_open] = True
        # with no flag or date, the outcome is the evidence of the closed side
        none = side == ""
        side = np.where(none, outcome, side).astype(object)
        detail = np.where(none, said, detail).astype(object)
    # a notes cell that is a won or lost word and nothing else (備考: 失注（競合に負け）): the
    # closed side where no flag, date or outcome column says one
    noted, note_said = notes_sides(out, model)
    none = side == ""
    side = np.where(none, noted, side).astype(object)
    detail = np.where(none, note_said, detail).astype(object)
    # a row struck through or filled grey (evidence row_marks): the closed side where no
    # column and no note says one
    marked, mark_said = mark_sides(out, model)
    none = side == ""
    side = np.where(none, marked, side).astype(object)
    detail = np.where(none, mark_said, detail).astype(object)
    # a sheet without a stage column named or headed for won or lost deals (受注実績, 失注一覧,
    # 受注日): the side of each of its rows where nothing of the row says one
    sheeted, sheet_said = sheet_sides(out, model, _sheets_without(out, "stage"))
    none = side == ""
    side = np.where(none, sheeted, side).astype(object)
    detail = np.where(none, sheet_said, detail).astype(object)
    # the sheets with no stage column, before any row of them is given a stage below
    no_stage_sheets = _sheets_without(out, "stage")
    empty = np.flatnonzero((stage == "").to_numpy())
    rows = out.iloc[empty]
    # a sheet "lacks" a field by all its rows, not only the empty-stage ones inference looks at
    rows.attrs["sheet_lacks"] = {
        f: _sheets_without(out, f) for f in {f for r in model.inference for f in r.sheet_lacks}
    }
    over = unknown.to_numpy()[empty]
    # a word said of closed deals (Closed): any closed-stage rule tells won from lost
    said_closed = over & np.isin(by_value(words.iloc[empty], word_key), list(model.closed_words))
    chosen = np.full(len(empty), -1, dtype=np.int64)
    for i, rule in enumerate(model.inference):
        open_ = chosen < 0
        if rule.over_unknown_word:
            allowed = open_
        elif rule.stage in closed_stages:
            allowed = open_ & (~over | said_closed)
        else:
            allowed = open_ & ~over
        if allowed.any():
            chosen[allowed & _rule_matches(rule, rows, side[empty])] = i
    hit = np.flatnonzero(chosen >= 0)
    if len(hit):
        at = empty[hit]
        rules = [model.inference[i] for i in chosen[hit].tolist()]
        stage.iloc[at] = [r.stage for r in rules]
        inferred.iloc[at] = True
        decided = rows.iloc[hit]
        prob = _numbers(decided, "probability")
        is_over = over[hit]
        messages, originals = [], []
        for rule, o, word, p, why in zip(
            rules, is_over.tolist(), words.to_numpy()[at].tolist(), prob.tolist(),
            detail[at].tolist(), strict=True,
        ):  # fmt: skip
            label = model.stage(rule.stage).label.get(lang)
            messages.append(
                (f"stage word '{word}' names no stage; " if o else "stage ")
                + f"inferred as '{rule.stage}' ({label}) by rule {rule.id}"
                + _evidence(rule, p, why)
            )
            originals.append(word if o else "")
        found.append(
            pd.DataFrame(
                {
                    "rule": np.where(is_over, RULE_OVER_WORD, RULE_INFERRED),
                    "severity": np.where(is_over, "warning", "info"),
                    "message": messages,
                    **where_columns(decided),
                    "field": "stage",
                    "original": originals,
                    "value": [r.stage for r in rules],
                    "action": "changed",
                }
            )
        )
    # a forecast category (Closed, Commit, Pipeline) where no stage column and no rule says
    # more: the coarsest evidence, read last (a probability beside it is more precise)
    forecast, forecast_findings = forecast_stages(out, model, stage, unknown, no_stage_sheets, lang)
    if forecast:
        at_rows = [i for i, _ in forecast]
        stage.iloc[at_rows] = [k for _, k in forecast]
        inferred.iloc[at_rows] = True
    found.append(forecast_findings)
    out["stage"] = stage
    out[INFERRED] = inferred.astype(bool)
    found.append(fnd.to_frame(comment_findings))
    found.append(_contradictions(out, model, side, detail, inferred.to_numpy(dtype=bool)))
    found.append(fnd.to_frame(_unknown_words(out, model, stage, unknown, words, lang)))
    return out, fnd.concat(found)


def _outcome_findings(
    out: pd.DataFrame,
    model: StageModel,
    stage: pd.Series,
    at: np.ndarray,
    outcome: np.ndarray,
    said: np.ndarray,
    lang: str,
) -> pd.DataFrame:
    """``stages.outcome-over-stage`` (info) where an outcome column closed an open stage."""
    rows = out.iloc[at]
    was = stage.to_numpy(dtype=object)[at]
    messages = [
        f"stage '{w}' is the last one the deal passed; {why} says it was {o}: read as '{o}' "
        f"({model.stage(o).label.get(lang)})"
        for w, o, why in zip(was.tolist(), outcome[at].tolist(), said[at].tolist(), strict=True)
    ]
    return pd.DataFrame(
        {
            "rule": RULE_OUTCOME,
            "severity": "info",
            "message": messages,
            **where_columns(rows),
            "field": "stage",
            "original": was,
            "value": outcome[at],
            "action": "changed",
        }
    )


def _evidence(rule: InferenceRule, probability: float, closed: str) -> str:
    parts = []
    if rule.probability_at_least is not None or rule.probability_at_most is not None:
        parts.append(f"probability {probability:g}")
    if rule.evidence:
        parts.append(closed)
    parts += [f"{f} given" for f in rule.has] + [f"no {f}" for f in rule.lacks]
    return f" from {', '.join(parts)}" if parts else ""


def _contradictions(
    out: pd.DataFrame,
    model: StageModel,
    side: np.ndarray,
    detail: np.ndarray,
    inferred: np.ndarray,
) -> pd.DataFrame:
    """A known word against a won/lost flag or date: the word stays, the conflict is reported."""
    status = {s.key: s.status for s in model.stages}
    deal = {s.key for s in model.stages if s.level == "deal"}
    key = (
        np.asarray(by_value(out["stage"], cell_text), dtype=object)
        if "stage" in out.columns
        else np.full(len(out), "", dtype=object)
    )
    said = np.array([status.get(k) for k in key.tolist()], dtype=object)
    hit = (side != "") & ~inferred & (key != "") & (said != side) & np.isin(key, list(deal))
    if not hit.any():
        return fnd.empty()
    rows = np.flatnonzero(hit)
    return pd.DataFrame(
        {
            "rule": RULE_CONTRADICTS,
            "severity": "warning",
            "message": [
                f"stage '{k}' kept as written, but {d} says {s}"
                for k, d, s in zip(key[rows], detail[rows], side[rows], strict=True)
            ],
            **where_columns(out.iloc[rows]),
            "field": "stage",
            "original": key[rows],
            "value": key[rows],
            "action": "kept",
        }
    )


def suggest_stage(rows: pd.DataFrame, model: StageModel) -> tuple[str, str]:
    """(stage, evidence) the rows of one unknown word point at ("" when nothing does).

    The median probability picks the open deal stage whose default probability is nearest
    (0 -> lost and 100 -> won only with inference's own evidence); rows without any deal field
    are a lead.
    """
    probs = [p for p in map(_number_or_none, _column(rows, "probability")) if p is not None]
    if probs:
        median = sorted(probs)[len(probs) // 2]
        deal = [s for s in model.stages if s.level == "deal" and s.status == "open"]
        if deal:
            best = min(deal, key=lambda s: (abs(s.probability - median), s.order))
            span = (
                f"{min(probs):g}" if min(probs) == max(probs) else f"{min(probs):g}-{max(probs):g}"
            )
            return best.key, f"probability {span} in {len(probs)} of {len(rows)} row(s)"
    deal_fields = ("deal_name", "amount", "close_date", "record_id")
    has_deal = any(not is_blank(v) for f in deal_fields if f in rows.columns for v in rows[f])
    if not has_deal and len(model.stages):
        first = min(model.stages, key=lambda s: s.order)
        return first.key, "no deal name, amount or close date"
    return "", ""


def _unknown_words(
    out: pd.DataFrame,
    model: StageModel,
    stage: pd.Series,
    unknown: pd.Series,
    words: pd.Series,
    lang: str,
) -> list[fnd.Finding]:
    """One finding per unknown word still without a stage: rows, suggestion and evidence."""
    left = out[(stage == "") & unknown]
    found = []
    for word, rows in left.groupby(words.loc[left.index], sort=True):
        if not word:
            continue
        suggested, why = suggest_stage(rows, model)
        hint = (
            f"; its evidence suggests '{suggested}' ({model.stage(suggested).label.get(lang)}): {why}"
            if suggested
            else "; no evidence beside it suggests a stage"
        )
        first = rows.iloc[0]
        found.append(
            fnd.Finding(
                rule=RULE_UNKNOWN_WORD,
                # the word's suggestion, not a second problem: each of its rows has its warning
                severity="info",
                message=f"stage word '{word}' ({len(rows)} row(s)) names no stage{hint}",
                field="stage",
                original=str(word),
                value=suggested,
                action="kept",
                **_where(first),
            )
        )
    return found
