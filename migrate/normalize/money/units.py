"""The header unit of an amount column (金額（万円）): applied to bare numbers, exactly.

A bare 12.5 under 万円 is 125000, multiplied in decimal; a bare number that looks typed in yen
into a 万円 column is found from its sheet's distribution and reported, and corrected only when
the distribution makes it certain.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy as np
import pandas as pd

from ...amounts import format_amount
from ..base import Issue, Outcome, settle
from ..collect import Collector
from ..text import to_text
from .cells import Amount
from .exact import EXACT, _float, holds_exactly, precision_issue


def _scaled(
    field: str,
    number: np.ndarray,
    mult: np.ndarray,
    codes: np.ndarray,
    outcomes: list[Outcome[Amount]],
    uniques: list[object],
    col: Collector,
) -> np.ndarray:
    """Amounts times their header unit (12.5 in a 万円 column is 125000), computed exactly.

    The product is taken in decimal, so 12.3456789012345万 is 123456.789012345 and not the float
    noise of a binary multiplication; a product a float cannot hold rejects the row.
    """
    amount = number.copy()
    scaled = np.flatnonzero((mult != 1.0) & ~np.isnan(number))
    if not len(scaled):
        return amount
    pairs, inverse = np.unique(
        np.stack([codes[scaled], mult[scaled]]).T, axis=0, return_inverse=True
    )
    products: list[tuple[float, Issue | None]] = []
    with localcontext(EXACT):
        for code, m in pairs:
            value = outcomes[int(code)].value
            base = value.exact if value.exact is not None else Decimal(repr(value.number))
            exact = base * Decimal(repr(float(m)))
            product = _float(exact)
            ok = holds_exactly(exact, product)
            text = to_text(uniques[int(code)])
            products.append((product, None if ok else precision_issue(text, exact, product)))
    inverse = np.asarray(inverse).reshape(-1)
    amount[scaled] = [products[k][0] for k in inverse]
    bad: list[tuple[int, Issue]] = []
    for p, k in zip(scaled.tolist(), inverse.tolist()):
        issue = products[k][1]
        if issue is not None:
            bad.append((p, settle(issue, "reject", "error", math.nan, math.nan)[1]))
    if bad:
        positions = [p for p, _ in bad]
        amount[positions] = math.nan
        col.rows(
            field,
            positions,
            [i for _, i in bad],
            [to_text(uniques[int(codes[p])]) for p in positions],
            [""] * len(bad),
        )
    return amount


def _unit_suspects(
    field: str, number: np.ndarray, bare: np.ndarray, unit: np.ndarray, col: Collector
) -> np.ndarray:
    """Bare numbers that look typed in the currency's unit into a column with a header unit."""
    rules = col.rules.amounts
    corrected = np.zeros(len(number), dtype=bool)
    candidates = bare & (unit > 1.0) & (number > 0)
    if candidates.sum() < rules.suspect_min_values:
        return corrected
    frame = pd.DataFrame({"g": col.groups()[0], "v": number, "u": unit})
    frame = frame[candidates]
    for _, grp in frame.groupby("g", sort=False):
        if len(grp) < rules.suspect_min_values:
            continue
        v, u = grp["v"].to_numpy(), float(grp["u"].iloc[0])
        q1, med, q3 = np.percentile(v, [25, 50, 75])
        suspect = v > q3 * math.sqrt(u)
        if not suspect.any():
            continue
        certain = (
            suspect
            & (v / u >= q1 / rules.suspect_spread)
            & (v / u <= q3 * rules.suspect_spread)
            & (v >= med * u * rules.certain_min_ratio)
        )
        pos = grp.index.to_numpy()[suspect]
        sure = certain[suspect]
        corrected[pos[sure]] = True
        issues = [
            Issue(
                "normalize.amount-unit-corrected",
                f"{x:,.0f} in a column whose header unit is {u:g} (typical values {q1:,.0f}-{q3:,.0f}) is already in the currency's unit; not multiplied",
                format_amount(x),
                "warning",
                "changed",
            )
            if s
            else Issue(
                "normalize.amount-unit-suspect",
                f"{x:,.0f} is far above this column's typical values {q1:,.0f}-{q3:,.0f} (header unit {u:g}); check whether it was typed without the unit",
                format_amount(x * u),
                "warning",
                "kept",
            )
            for x, s in zip(v[suspect], sure)
        ]
        col.rows(field, pos, issues, [format_amount(x) for x in v[suspect]], [""] * len(pos))
    return corrected


def _unit_applied(field: str, applied: np.ndarray, unit: np.ndarray, col: Collector) -> None:
    if not applied.any():
        return
    pos = np.flatnonzero(applied)
    frame = pd.DataFrame({"file": col.file[pos], "sheet": col.sheet[pos], "u": unit[pos]})
    for (file, sheet, u), grp in frame.groupby(["file", "sheet", "u"], sort=False):
        issue = Issue(
            "normalize.amount-unit-applied",
            f"{len(grp)} bare amount(s) multiplied by {u:g}, the unit of the column (its header, or the sheet above the table)",
        )
        col.sheet_level(field, str(file), str(sheet), issue)
