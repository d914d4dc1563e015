"""Findings: data-quality problems as data, never exceptions.

A finding points at one cell (source file, sheet, Excel row, column), names the rule that
fired (a stable ``area.kebab-name`` id), carries a severity, the original value, the value
after the rule ran and a short message. Stages return findings either as :class:`Finding`
objects or, when produced vectorised over a column, as a DataFrame with
:data:`FINDING_COLUMNS`; :func:`to_frame` and :func:`concat` turn both into one frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Literal

import numpy as np
import pandas as pd

Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")

FINDING_COLUMNS = [
    "rule",  # stable id, e.g. normalize.unparseable-date
    "severity",  # info | warning | error
    "message",  # one sentence for a person
    "file",  # source file name
    "sheet",  # source sheet name ("" for CSV)
    "row",  # Excel row number as the user sees it (CSV: line number, header = 1); 0 = whole sheet/file
    "column",  # source header as written (filled by the pipeline from the column mapping)
    "field",  # canonical field name
    "original",  # the value as found
    "value",  # the value after the rule ran ("" when blanked)
    "action",  # what was done: changed | kept | blanked | rejected | merged | skipped | none
]


@dataclass(frozen=True)
class Finding:
    """One data-quality problem at one place."""

    rule: str
    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    row: int = 0
    column: str = ""
    field: str = ""
    original: str = ""
    value: str = ""
    action: str = "none"


#: the fields of a Finding, in order: its frame's columns
_FIELDS = [f.name for f in fields(Finding)]
_FIELD_VALUES = attrgetter(*_FIELDS)


def listed(items: Iterable[object], limit: int = 10) -> str:
    """``a, b, c, ...``: the first ``limit`` items of a message's list, '...' for the rest."""
    texts = [str(x) for x in items]
    return ", ".join(texts[:limit]) + (", ..." if len(texts) > limit else "")


def empty() -> pd.DataFrame:
    """An empty findings frame with the standard columns (a copy: the caller may fill it)."""
    return _EMPTY.copy()


# built once: a frame of eleven empty Series costs more than copying it, and most steps of a
# small run have nothing to report
_EMPTY = pd.DataFrame(
    {c: pd.Series(dtype="int64" if c == "row" else "object") for c in FINDING_COLUMNS}
)


def to_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Turn Finding objects into a findings frame (each one's fields read as a tuple in their
    order, the frame's columns: ``asdict`` deep-copies every field, most of the cost of a
    stage's many findings)."""
    rows = list(map(_FIELD_VALUES, findings))
    if not rows:
        return empty()
    return _conform(pd.DataFrame(rows, columns=_FIELDS))


def concat(parts: Iterable[pd.DataFrame | Iterable[Finding]]) -> pd.DataFrame:
    """Concatenate findings given as frames and/or lists of Finding."""
    frames = []
    for p in parts:
        frame = p if isinstance(p, pd.DataFrame) else to_frame(p)
        if len(frame):
            frames.append(_conform(frame))
    if not frames:
        return empty()
    return pd.concat(frames, ignore_index=True)


def _conform(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in FINDING_COLUMNS:
        if c not in out.columns:
            out[c] = 0 if c == "row" else ""
    out = out[FINDING_COLUMNS]
    out["row"] = pd.to_numeric(out["row"], errors="coerce").fillna(0).astype("int64")
    for c in FINDING_COLUMNS:
        if c != "row":
            out[c] = _texts(out[c])
    bad = ~out["severity"].isin(SEVERITIES)
    if bad.any():
        raise ValueError(f"unknown severity in findings: {sorted(set(out.loc[bad, 'severity']))}")
    return out


#: the columns of a few distinct texts repeated on many findings: made object texts from a
#: str (Arrow) column, each distinct text is one object shared by its cells (a run's findings
#: are held to the end; a text object per cell of these was most of their memory)
_FEW = frozenset({"rule", "severity", "file", "sheet", "column", "field", "action"})


def _texts(column: pd.Series) -> pd.Series:
    """A column as object texts (:func:`_text` of each cell); a column already all texts, as the
    findings of a run mostly are, is taken as it is (checked in C, not per cell)."""
    texts = column.dtype == object and pd.api.types.infer_dtype(column, skipna=False) == "string"
    arrow = isinstance(column.dtype, pd.StringDtype) and not column.isna().any()
    if (texts or arrow) and column.name in _FEW:  # one text object per distinct value
        codes, distinct = pd.factorize(column)
        shared = np.asarray(distinct, dtype=object)[codes]
        return pd.Series(shared, index=column.index, dtype="object", name=column.name)
    if texts:
        return column
    if arrow:
        return column.astype("object")
    return column.map(_text).astype("object")


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:  # NaN
        return ""
    return str(v)
