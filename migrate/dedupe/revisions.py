"""Quote revisions: which rows are revisions of one quote, and which revision is the later.

A quote log writes each revision of a quote as a row, under a new number (Q-2026-031,
Q-2026-031-2, Q-2026-031-3), with a mark in the deal name (基幹システム刷新（第2版）,
複合機リース（再見積）, Rev.3) or with a 版 / Rev column beside one number. In: the records and
rules/dedupe.yaml ``deals.revisions``. Out, per row: the id without its revision suffix (two
ids that extend one base id are evidence of one deal: the ``revision`` comparison), the deal
name without its mark (so 第2版 and Rev.3 are not two numbered phases of a deal) and the
revision's number (survivorship keeps the later revision's amount; 0 where nothing says).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from .settings import Revisions
from .survivorship import empty_mask

# a base id that ends in a year (INV-2026-12, 2026-05) is a date-numbered id, not a quote
# whose revision follows: its last part is a month or a counter
_YEAR_END = re.compile(r"(?:19|20)\d\d$")
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d{1,3}")


@lru_cache(maxsize=8)
def _pattern(regex: str) -> re.Pattern[str] | None:
    return re.compile(f"(?:{regex})$", re.IGNORECASE) if regex else None


def _split_id(value: str, suffix: re.Pattern[str]) -> tuple[str, float]:
    """``value`` without its revision suffix and the revision's number (nan: none given);
    ``('', nan)`` where it has no suffix or what is left is no base id."""
    hit = suffix.search(value)
    if not hit or hit.start() == 0:
        return "", np.nan
    base = value[: hit.start()].rstrip(" -_.")
    if not _DIGIT.search(base) or _YEAR_END.search(base):
        return "", np.nan
    n = hit.groupdict().get("n")
    return base, float(n) if n else np.nan


def base_ids(ids: pd.Series, rules: Revisions | None) -> pd.Series:
    """Each id without its revision suffix (Q-2026-031-2 -> Q-2026-031); an id without one
    stays as it is ('' stays '')."""
    suffix = _pattern(rules.id_suffix) if rules else None
    if suffix is None:
        return ids
    table = {v: _split_id(v, suffix)[0] or v for v in pd.unique(ids.to_numpy(dtype=object))}
    return ids.map(table)


def strip_marks(names: pd.Series, rules: Revisions | None) -> pd.Series:
    """Each deal name without a revision mark at its end (基幹システム刷新（第2版） ->
    基幹システム刷新); a name that is only a mark stays as it is."""
    marks = _pattern(rules.name_marks) if rules else None
    if marks is None:
        return names

    def strip(name: str) -> str:
        hit = marks.search(name)
        return name[: hit.start()].rstrip() if hit and hit.start() > 0 else name

    table = {v: strip(v) for v in pd.unique(names.to_numpy(dtype=object))}
    return names.map(table)


def revision_numbers(rows: pd.DataFrame, rules: Revisions | None) -> np.ndarray:
    """Per row, the number of the quote revision it is (0: nothing says): a 版 / Rev column's
    number, else the id suffix's (Q-2026-031-3: 3), else the name mark's (第2版: 2; a mark
    without a number, 再見積: 2, a revision after the first)."""
    out = np.zeros(len(rows), dtype=float)
    if rules is None:
        return out
    wanted = {_header_key(h) for h in rules.headers}
    for c in rows.columns:
        name = str(c)
        if name.startswith("extra:") and _header_key(name.removeprefix("extra:")) in wanted:
            got = text_column(rows, name).map(_first_number).to_numpy(dtype=float)
            fill = (out == 0) & ~np.isnan(got)
            out[fill] = got[fill]
    suffix = _pattern(rules.id_suffix)
    if suffix is not None and "record_id" in rows:
        ids = text_column(rows, "record_id")
        table = {v: _split_id(v, suffix)[1] for v in pd.unique(ids.to_numpy(dtype=object))}
        got = ids.map(table).to_numpy(dtype=float)
        fill = (out == 0) & ~np.isnan(got)
        out[fill] = got[fill]
    marks = _pattern(rules.name_marks)
    if marks is not None and "deal_name" in rows:
        names = text_column(rows, "deal_name")

        def marked(name: str) -> float:
            hit = marks.search(name)
            if not hit or hit.start() == 0:
                return np.nan
            return _first_number(hit.group(0)) if _DIGIT.search(hit.group(0)) else 2.0

        table = {v: marked(v) for v in pd.unique(names.to_numpy(dtype=object))}
        got = names.map(table).to_numpy(dtype=float)
        fill = (out == 0) & ~np.isnan(got)
        out[fill] = got[fill]
    return out


def text_column(rows: pd.DataFrame, name: str) -> pd.Series:
    """A column as text ('' for an empty cell)."""
    col = rows[name]
    values = col.to_numpy(dtype=object, copy=True)
    values[empty_mask(col)] = ""
    return pd.Series(values, index=rows.index, dtype=object).map(str)


def _header_key(header: str) -> str:
    return re.sub(r"[\s.:：]", "", header).lower()


def _first_number(value: str) -> float:
    hit = _NUMBER.search(value)
    return float(hit.group(0)) if hit else np.nan
