"""Amounts and currencies: every way a sales team writes money, to a float in the currency's unit.

In: the ``amount`` cells (1200000, ¥1,200,000, JPY 1,200,000, 1,200,000円, 120万, 1.2億,
1億2000万, 1,200千円, 1.2M, 1,200k, $12,000, USD 12k, 12.500,00 €, EUR 12.500,00, 12 500,50, 1'234.50,
約100万, 100万〜150万, (1,000), ▲1,000, 未定), the unit (万円 -> 10000) and currency each amount
column's header announces (:class:`migrate.amounts.ColumnUnits`, column metadata beside the
records), and the ``currency`` column. Out: ``amount`` as a float in yen/dollars (NaN when
empty) and ``currency`` as an ISO code: the cell's symbol wins over the currency column, which
wins over the header, which wins over the default of rules/normalize.yaml. The header unit
applies to bare numbers only; an explicit unit or currency in the cell wins. A bare number that
looks typed in yen into a 万円 column is found from its sheet's distribution and reported, and
corrected only when the distribution makes it certain.

Separators: when both '.' and ',' appear the last one is the decimal mark; one of them repeated
(1.234.567, 1,234,567) groups thousands; spaces and apostrophes always do. A single one before
exactly three digits (1,234 / 1.234) is ambiguous: like the day/month order of dates it is
decided per source file+sheet and field from the values that show the column's decimal mark,
else read the usual way (rules/normalize.yaml, amounts) with a finding.

The package: :mod:`.cells` reads one cell, :mod:`.exact` holds amounts without rounding,
:mod:`.separators` settles a column's decimal mark, :mod:`.units` applies the header unit,
:mod:`.currency` reads currency cells, :mod:`.columns` puts them together for the records
frame; :func:`migrate.amounts.format_amount` writes amounts as text.
"""

from __future__ import annotations

from ...amounts import format_amount
from .cells import EMPTY, RULE, Amount, parse_amount, read_amount
from .columns import normalize_money
from .currency import currency_code
from .exact import PRECISION, holds_exactly, precision_issue

__all__ = [
    "EMPTY",
    "PRECISION",
    "RULE",
    "Amount",
    "currency_code",
    "format_amount",
    "holds_exactly",
    "normalize_money",
    "parse_amount",
    "precision_issue",
    "read_amount",
]
