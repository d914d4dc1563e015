"""The amount and currency columns of the records frame, normalised in place.

Each distinct cell is read once (:mod:`.cells`), the column's decimal mark settled
(:mod:`.separators`), the header unit applied (:mod:`.units`) and the currency of every row
chosen: the cell's symbol, else the currency column (:mod:`.currency`), else the header's, else
the default of rules/normalize.yaml.
"""

from __future__ import annotations

import math

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
                        f"multiplied by {unit[p]:g}, the unit in the column header",
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
