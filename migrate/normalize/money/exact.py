"""Amounts held exactly: the decimal context they are read in, and when a float cannot hold one.

An amount is read as a :class:`~decimal.Decimal` without any rounding, however many digits a
cell holds; the records carry the nearest float only when it is that number exactly, else the
row is rejected with ``normalize.amount-precision`` (never rounded).
"""

from __future__ import annotations

import math
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

from ...amounts import format_amount
from ..base import Issue

#: An amount a float cannot hold exactly (999,999,999,999,999,999,999): rejected, never rounded.
PRECISION = "normalize.amount-precision"
#: Amounts are read without any rounding, however many digits a cell holds.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _float(exact: Decimal) -> float:
    """The float nearest to an exact amount (infinite when it is beyond any float)."""
    try:
        return float(exact)
    except OverflowError:  # pragma: no cover - float(Decimal) gives inf, but be safe
        return math.inf if exact > 0 else -math.inf


def holds_exactly(exact: Decimal, number: float) -> bool:
    """True when ``number`` is ``exact`` without rounding: written back it gives the same
    decimal (1e30 -> 1000000000000000000000000000000), or its binary value is that number."""
    if not math.isfinite(number):
        return False
    return Decimal(repr(number)) == exact or Decimal(number) == exact


def _significant(exact: Decimal) -> int:
    digits = "".join(map(str, exact.as_tuple().digits)).strip("0")
    return max(len(digits), 1)


def precision_issue(text: str, exact: Decimal | None, number: float) -> Issue:
    """``normalize.amount-precision``: the amount cannot be held without rounding it."""
    if not math.isfinite(number):
        how = "is beyond any number the records can hold"
    else:
        digits = _significant(exact if exact is not None else Decimal(repr(number)))
        how = (
            f"has {digits} significant digits; an amount keeps 15 exactly and it would become "
            f"{format_amount(number)}"
        )
    return Issue(PRECISION, f"'{text}' {how}; the row is rejected rather than rounded")
