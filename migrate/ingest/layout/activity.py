"""An activity log (日付 | 会社名 | 担当者 | 活動種別 | 内容): a sheet of calls, visits and mails.

A log beside a deal list is no deal list: each of its rows is one contact with a customer, many
per company, and none of them is a deal or a lead. It is recognised on its values, not its name:
a column whose values are activity kinds (電話 / 訪問 / メール, Call / Meeting / Email: the
``activity_log.type_words`` of rules/ingest.yaml), a column of dates, a column of free text,
companies named on more rows than there are companies, and no deal column (stage, amount,
probability, close date). Its rows are then read for the companies they name only (the log is
evidence that the company exists): every other column is kept as an ``extra:`` column of
records.csv, and one warning says that the activities themselves go to the SFA's activity
import (Salesforce Task, HubSpot calls / meetings / notes), not to these import files.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import replace

import pandas as pd

from ...columns import ColumnMatch
from ...findings import Finding
from .model import IngestRules

# a deal's own columns: a sheet that has one is a deal list (with a log column or two)
_DEAL_FIELDS = frozenset({"stage", "amount", "probability", "close_date"})
_DATE_TEXT = re.compile(
    r"^\s*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[/月]\d{1,2}日?|"
    r"(令和|平成|R|H)\s*\d{1,2}[年.]\d{1,2}[月.]\d{1,2}日?)(\s|T|$)"
)


def _key(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


def _has_value(column: pd.Series) -> bool:
    """Whether any cell of the column is filled (stops at the first)."""
    return any(v is not None and str(v).strip() != "" for v in column.to_numpy(dtype=object))


def _filled(data: pd.DataFrame, j: object) -> Counter[object]:
    """The column's filled values (not blank) with how many cells hold each: a column repeats
    its values (every row of a log names a kind, a company), so each is judged once."""
    counts = Counter(data[j].tolist())
    return Counter({v: n for v, n in counts.items() if v is not None and str(v).strip() != ""})


def _is_date(value: object) -> bool:
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return True
    return isinstance(value, str) and bool(_DATE_TEXT.match(unicodedata.normalize("NFKC", value)))


def _kinds(values: Counter[object], words: set[str], share: float) -> Counter[str] | None:
    """The activity kinds among a column's values with their cell counts, when at least
    ``share`` of its cells name one; given up as soon as the cells left cannot reach that
    share (a column of names or dates stops after a fifth of its values)."""
    need = share * values.total()
    left, hit = values.total(), 0
    for v, n in values.items():
        if hit + left < need:
            return None
        left -= n
        if _key(v) in words:
            hit += n
    if not hit or hit < need:
        return None
    kinds = Counter[str]()
    for v, n in values.items():
        if _key(v) in words:
            kinds[str(v).strip()] += n
    return kinds


def activity_kinds(
    matches: list[ColumnMatch], data: pd.DataFrame, rules: IngestRules
) -> tuple[ColumnMatch, Counter[str]] | None:
    """The activity-type column of an activity log and its kinds with their counts, or None
    when the sheet is no activity log (see the module's docstring for the evidence)."""
    words = {_key(w) for w in rules.activity_type_words}
    if not words or len(data) < rules.activity_min_rows:
        return None
    present = [m for m in matches if m.index in data.columns and _has_value(data[m.index])]
    company = next((m for m in present if m.field == "company_name"), None)
    if company is None:
        return None
    columns = [m for m in present if m is not company]
    # a deal list with an activity column is no log: its rows are deals. So with a deal column
    # (stage, amount, probability, close date) the sheet is a log only when that one column
    # holds the kinds, not as the stage: asked first, before any other column's values are
    # counted (a deal list of a million rows pays for none)
    deals = [m for m in columns if m.field in _DEAL_FIELDS]
    if len(deals) > 1 or (deals and deals[0].field == "stage"):
        return None
    counted: dict[object, Counter[object]] = {}

    def values(m: ColumnMatch) -> Counter[object]:
        if m.index not in counted:
            counted[m.index] = _filled(data, m.index)
        return counted[m.index]

    def kinds_of(m: ColumnMatch) -> Counter[str] | None:
        return _kinds(values(m), words, rules.activity_type_share)

    if deals and kinds_of(deals[0]) is None:
        return None
    kind_col, kinds = next(
        ((m, found) for m in columns if (found := kinds_of(m)) is not None), (None, None)
    )
    if kind_col is None or kinds is None:
        return None
    others = [m for m in columns if m is not kind_col]
    if kind_col.field == "stage" or any(m.field in _DEAL_FIELDS for m in others):
        return None  # a deal list with an activity column: its rows are deals
    dates = any(
        sum(n for v, n in vals.items() if _is_date(v)) >= 0.8 * vals.total()
        for vals in map(values, others)
    )
    texts = any(
        all(isinstance(v, str) for v in vals) and len(vals) >= 0.5 * vals.total()
        for vals in map(values, others)
        if vals and not all(_is_date(v) for v in vals)
    )
    names = values(company)
    repeated = names.total() > len({_key(v) for v in names})
    return (kind_col, kinds) if dates and texts and repeated else None


def read_for_companies(
    matches: list[ColumnMatch],
    kind_col: ColumnMatch,
    kinds: Counter[str],
    rows: int,
    file: str,
    sheet: str,
) -> tuple[list[ColumnMatch], Finding]:
    """The log's columns with the company column alone mapped (the others kept as extras),
    and the warning that says what became of its rows."""
    kept = [
        m
        if m.field in (None, "company_name")
        else replace(m, field=None, method="none", note="activity log: kept as an extra column")
        for m in matches
    ]
    shown = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    finding = Finding(
        "ingest.activity-log",
        "warning",
        f"an activity log ({rows} rows; {kind_col.header or kind_col.column}: {shown}): its rows "
        "are no deals; they were read for the companies they name, and each activity (its date, "
        "kind, person and text) is kept in records.csv as extra columns, not in the import files",
        file,
        sheet,
        column=kind_col.header or kind_col.column,
        original=str(rows),
        action="kept",
    )
    return kept, finding
