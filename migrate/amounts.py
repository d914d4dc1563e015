"""What every stage shares about amounts: the unit and currency of a column, and amounts as text.

A header such as 金額（万円） or Amount (USD) says something true of every cell below it: bare
numbers are in 万円, the amounts are dollars. That is column metadata, so it travels beside the
records as :class:`ColumnUnits` (one :class:`ColumnUnit` per source file, sheet and canonical
field), built by ingest from the column mapping and read by normalize; it is never a hidden
column repeated on every row. Keyed by source rather than stored on the frame, it survives
concatenation, row filters and re-ordering alike, with pandas 2 and 3.

:func:`format_amount` is the one way an amount is written as text: records.csv, the number
cells of the import files and the values of amount findings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ColumnUnit:
    """What one column header announces for the numbers under it."""

    unit: float = 1.0  # multiplier for bare numbers (金額（万円） -> 10000), 1 when none
    currency: str = ""  # ISO code from the header (Amount (USD) -> USD), "" when none


NO_UNIT = ColumnUnit()


@dataclass(frozen=True)
class ColumnUnits:
    """The unit and currency of every source column that announces one.

    Keys are (source file, source sheet, canonical field), the same ``_source_file`` and
    ``_source_sheet`` every record carries, so a row finds its column's unit wherever it goes.
    Columns without a unit or currency are not listed: :meth:`get` gives :data:`NO_UNIT`.
    """

    columns: Mapping[tuple[str, str, str], ColumnUnit] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[tuple[tuple[str, str, str], ColumnUnit]]) -> ColumnUnits:
        """Column units from (file, sheet, field) -> unit pairs; plain columns are left out."""
        return cls({key: unit for key, unit in entries if unit != NO_UNIT})

    def get(self, file: str, sheet: str, field: str) -> ColumnUnit:
        """The unit of one source column (:data:`NO_UNIT` when its header announces none)."""
        return self.columns.get((file, sheet, field), NO_UNIT)

    def per_row(
        self, sources: Iterable[tuple[str, str]], codes: np.ndarray, field: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """(multiplier, currency) of ``field`` for every row.

        ``sources`` lists the distinct (file, sheet) of the rows and ``codes`` gives each row's
        position in it (as :meth:`migrate.normalize.collect.Collector.groups` returns them).
        """
        found = [self.get(file, sheet, field) for file, sheet in sources]
        if not found:
            return np.ones(len(codes)), np.full(len(codes), "", dtype=object)
        units = np.array([u.unit for u in found], dtype=float)
        currencies = np.array([u.currency for u in found], dtype=object)
        return units[codes], currencies[codes]


def format_amount(value: object) -> str:
    """An amount as the text written to a CSV cell: no float noise, no exponent.

    Whole numbers without a decimal point (1200000.0 -> "1200000"), others as the shortest
    decimal that reads back as the same float (1234.5 -> "1234.5", 0.1 -> "0.1"); "" for an
    empty amount (None, NaN, NA, "") and for infinities, which are no amount. Numeric text
    ("1234.50") is accepted as written in canonical form; anything else is a TypeError.
    """
    if _missing(value) or isinstance(value, str) and not value.strip():
        return ""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{value!r} is not an amount")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            return ""
        number = value
    else:
        try:
            f = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise TypeError(f"{value!r} is not an amount") from None
        if not math.isfinite(f):
            return ""
        number = Decimal(repr(f))  # the shortest decimal that round-trips
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False
