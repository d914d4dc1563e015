"""The amount and currency columns of the records frame, normalised in place.

Each distinct cell is read once (:mod:`.cells`), the column's decimal mark settled
(:mod:`.separators`), the header unit applied (:mod:`.units`) and the currency of every row
chosen: the cell's symbol, else the currency column (:mod:`.currency`), else the header's, else
the currency the column's other cells write (per source file+sheet: when the cells that name a
currency all name the same one and are at least as many as those that name none, 25k beside
$25,000 is $25,000 too, with a warning; when they disagree or are few, the bare amount keeps the
default with a warning), else the default of rules/normalize.yaml.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ...amounts import ColumnUnits, format_amount
from ..base import Issue, distinct, settle, take
from ..collect import Collector
from ..config import NormalizeRules
from ..text import to_text
from .cells import read_amount
from .currency import _currency_column
from .exact import PRECISION
from .separators import _separators
from .units import _scaled, _unit_applied, _unit_suspects

_JA_MAGNITUDE = re.compile("[万億兆]")


def normalize_money(
    out: pd.DataFrame,
    col: Collector,
    rules: NormalizeRules,
    amount_fields: list[str],
    units: ColumnUnits | None = None,
) -> None:
    """Normalise the amount field(s) and the currency column of ``out`` in place.

    ``units`` holds the unit and currency each source column's header announces; the currency
    of the (first) amount column is the rows' currency where neither cell nor currency column
    names one.
    """
    n = len(out)
    units = units or ColumnUnits()
    codes_by_source, sources = col.groups()
    ccy = _currency_column(out, col, rules)
    hint = (
        units.per_row(sources, codes_by_source, amount_fields[0])[1]
        if amount_fields
        else np.full(n, "", dtype=object)
    )
    cell_currency = np.full(n, "", dtype=object)
    fallback = np.where(ccy != "", ccy, np.where(hint != "", hint, rules.amounts.default_currency))
    for i, field in enumerate(amount_fields):
        unit = units.per_row(sources, codes_by_source, field)[0]
        codes, raw = distinct(out[field])
        read = [read_amount(u, rules) for u in raw]
        codes, uniques, outcomes = _separators(field, codes, raw, read, fallback, unit, col, rules)
        rule = rules.rule("amount")
        issues, numbers = [], []
        for o in outcomes:
            if o.failure:
                # an amount that would be rounded is never blanked: the row is rejected
                policy = "reject" if o.failure.rule == PRECISION else rule.on_error
                _, issue = settle(o.failure, policy, rule.severity, math.nan, math.nan)
                issues.append((*o.issues, issue))
                numbers.append(math.nan)
            else:
                issues.append(o.issues)
                numbers.append(o.value.number)
        number = np.asarray(numbers, dtype=float)[codes]
        explicit = np.asarray([o.value.explicit for o in outcomes], dtype=bool)[codes]
        bare = ~explicit & ~np.isnan(number)
        mult = np.where(bare, unit, 1.0)
        corrected = _unit_suspects(field, number, bare, unit, col)
        mult[corrected] = 1.0
        originals = uniques
        col.coded(field, codes, issues, originals, [format_amount(x) for x in numbers])
        amount = _scaled(field, number, mult, codes, outcomes, uniques, col)
        applied = bare & (unit != 1.0) & ~corrected
        _unit_applied(field, applied, unit, col)
        if rules.reformats == "cell":  # the full audit trail: each multiplied cell's original
            pos = np.flatnonzero(applied & ~np.isnan(amount))
            col.rows(
                field,
                pos,
                [
                    Issue(
                        "normalize.amount-unit-applied",
                        f"multiplied by {unit[p]:g}, the unit of the column (its header, or the sheet above the table)",
                        format_amount(amount[p]),
                        level="reformat",
                    )
                    for p in pos
                ],
                [to_text(uniques[int(codes[p])]) for p in pos],
                [format_amount(amount[p]) for p in pos],
            )
        out[field] = pd.Series(amount, index=out.index, dtype="float64")
        if i == 0:
            cell_currency = take([o.value.currency for o in outcomes], codes)
            bare_rows = ~np.isnan(number) & (cell_currency == "") & (ccy == "") & (hint == "")
            raw_text = take([to_text(u) for u in uniques], codes)
            if rules.amounts.default_currency == "JPY":
                # 50万, 1.5億: a Japanese magnitude without a currency is yen, whatever else
                # the column holds (50万ドル names its currency)
                yen = take([bool(_JA_MAGNITUDE.search(to_text(u))) for u in uniques], codes)
                bare_rows &= ~np.asarray(yen, dtype=bool)
            fallback = _column_currency(
                field, cell_currency, bare_rows, fallback, codes_by_source, raw_text, col, rules
            )
    if amount_fields or "currency" in out:
        final = np.where(cell_currency != "", cell_currency, fallback)
        other = np.where(ccy != "", ccy, hint)
        clash = np.flatnonzero((cell_currency != "") & (other != "") & (cell_currency != other))
        if len(clash):
            col.rows(
                "currency",
                clash,
                [
                    Issue(
                        "normalize.currency-conflict",
                        f"the amount is written in {cell_currency[p]} but the column says {other[p]}; used {cell_currency[p]}",
                        severity="warning",
                    )
                    for p in clash
                ],
                [str(other[p]) for p in clash],
                [str(cell_currency[p]) for p in clash],
            )
        out["currency"] = pd.Series(final, index=out.index, dtype=object)


def _column_currency(
    field: str,
    cell_currency: np.ndarray,
    bare: np.ndarray,
    fallback: np.ndarray,
    groups: np.ndarray,
    raw_text: np.ndarray,
    col: Collector,
    rules: NormalizeRules,
) -> np.ndarray:
    """The currency of amounts that name none, from the other cells of their column.

    Per source file+sheet: the cells that write a currency ($25,000, USD 12k) say what the
    column holds. When they all name one currency other than the default and are at least as
    many as the bare ones, a bare amount (25k, 25000) is in that currency too
    (``normalize.amount-currency-from-column``); when they name several, or are fewer, the bare
    amount keeps the default and is flagged (``normalize.amount-currency-unclear``).
    """
    default = rules.amounts.default_currency
    out = fallback.copy()
    for g in np.unique(groups[bare]) if bare.any() else []:
        here = groups == g
        named = cell_currency[here & (cell_currency != "")]
        foreign = sorted(set(named) - {default})
        if not foreign:
            continue
        rows = np.flatnonzero(here & bare)
        written = ", ".join(sorted(set(named)))
        if len(set(named)) == 1 and len(named) >= len(rows):
            out[rows] = foreign[0]
            issue = Issue(
                "normalize.amount-currency-from-column",
                f"the amount names no currency; {len(named)} other amount(s) of this column "
                f"are in {foreign[0]} and none in another currency: read as {foreign[0]}",
                foreign[0],
                "warning",
            )
        else:
            issue = Issue(
                "normalize.amount-currency-unclear",
                f"the amount names no currency, and the column's other amounts are in "
                f"{written} ({len(named)} of {len(named) + len(rows)}): read as {default}, "
                "the default currency",
                default,
                "warning",
                "kept",
            )
        col.rows(
            field,
            rows,
            [issue] * len(rows),
            [str(raw_text[p]) for p in rows],
            [str(out[p]) for p in rows],
        )
    return out
