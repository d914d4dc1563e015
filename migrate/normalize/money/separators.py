"""The decimal mark of an amount column: 1,234 / 1.234 decided per source file+sheet.

Like the day/month order of dates, a single separator before exactly three digits is decided
from the column's values that can only be read one way; where nothing decides, the usual
reading (rules/normalize.yaml, amounts) with a finding per cell or per sheet.
"""

from __future__ import annotations

import numpy as np

from ...amounts import format_amount
from ..base import Issue, Outcome
from ..collect import Collector
from ..config import NormalizeRules
from ..text import to_text
from .cells import (
    Amount,
    _assumed,
    _Separators,
    by_currency,
    currency_decides,
    currency_overrules,
    read_amount,
)


def _separators(
    field: str,
    codes: np.ndarray,
    uniques: list[object],
    read: list[tuple[Outcome[Amount], _Separators]],
    currency: np.ndarray,
    unit: np.ndarray,
    col: Collector,
    rules: NormalizeRules,
) -> tuple[np.ndarray, list[object], list[Outcome[Amount]]]:
    """Decide 1,234 / 1.234 per source file+sheet from the column's unambiguous values.

    ``read`` is every distinct value read the usual way. Rows whose value is ambiguous are given
    codes of their own where the column (or a header unit) calls for another reading; the
    decision and every guess are reported. Returns (codes, distinct values, outcomes).
    """
    outcomes = [o for o, _ in read]
    seps = [s for _, s in read]
    # ¥692,800 or £120,000 in a column of 1.234,50 euros is not ambiguous: the currency the
    # cell writes (with no magnitude word) has no decimals, or never a decimal comma, so its
    # separator groups thousands whatever the column's decimal mark (cells.currency_decides).
    valid = np.array([s.ambiguous and not o.failure for o, s in read], dtype=bool)
    by_ccy = np.array(
        [v and currency_decides(o.value, s, rules) for v, (o, s) in zip(valid, read)], dtype=bool
    )
    amb_code = valid & ~by_ccy
    if not len(codes) or not valid[codes].any():
        return codes, uniques, outcomes
    gcodes, glabels = col.groups()
    ng = len(glabels)
    amb = amb_code[codes]
    evidence = np.array([s.evidence if not o.failure else "" for o, s in read], dtype=object)
    evidence = evidence[codes]
    comma = np.bincount(gcodes[evidence == ","], minlength=ng)
    dot = np.bincount(gcodes[evidence == "."], minlength=ng)
    group_mark = np.where(comma > dot, ",", np.where(dot > comma, ".", "")).astype(object)
    if by_ccy[codes].any():
        _by_currency(field, codes, uniques, read, by_ccy, group_mark[gcodes], col, rules)
    if not amb.any():
        return codes, uniques, outcomes
    for g in np.flatnonzero(np.bincount(gcodes[amb], minlength=ng)):
        file, sheet = glabels[g]
        here = gcodes == g
        n, c, d, mark = int((amb & here).sum()), int(comma[g]), int(dot[g]), group_mark[g]
        example = to_text(uniques[codes[np.flatnonzero(amb & here)[0]]])
        if c and d:
            how = f"read with '{mark}' as the decimal mark" if mark else "read the usual way"
            msg = (
                f"{c} value(s) of this column can only be read with ',' as the decimal mark and "
                f"{d} only with '.'; {n} ambiguous amount(s) like '{example}' {how}"
            )
            issue = Issue(
                "normalize.amount-separator-conflict", msg, severity="warning", action="none"
            )
            col.sheet_level(field, file, sheet, issue, example)
        elif mark:
            shown = to_text(uniques[codes[np.flatnonzero((evidence == mark) & here)[0]]])
            other = "." if mark == "," else ","
            msg = (
                f"{n} amount(s) like '{example}' read with '{mark}' as the decimal mark and "
                f"'{other}' as the thousands separator: {c or d} value(s) of this column can "
                f"only be read so (e.g. '{shown}')"
            )
            issue = Issue("normalize.amount-separator-inferred", msg, action="none")
            col.sheet_level(field, file, sheet, issue, example)
    undecided = amb & (group_mark[gcodes] == "")
    # Another reading than the usual one: the column's mark, or '.' as a decimal point where a
    # header unit scales the number (1.234 in a 百万円 column is 1,234,000 yen).
    choice = np.where(amb, group_mark[gcodes], "").astype(object)
    choice[undecided & (unit > 1.0)] = "."
    redo = np.flatnonzero(choice != "")
    if len(redo):
        keys = codes[redo] * 2 + (choice[redo] == ".")
        pairs, inverse = np.unique(keys, return_inverse=True)
        codes, base = codes.copy(), len(uniques)
        uniques, outcomes = list(uniques), list(outcomes)
        for key in pairs:
            code, mark = int(key) // 2, "." if key % 2 else ","
            outcomes.append(read_amount(uniques[code], rules, mark)[0])
            uniques.append(uniques[code])
            seps.append(seps[code])
        codes[redo] = base + inverse
    if undecided.any():
        _guesses(field, codes, uniques, outcomes, seps, undecided, currency, unit, col, rules)
    return codes, uniques, outcomes


def _by_currency(
    field: str,
    codes: np.ndarray,
    uniques: list[object],
    read: list[tuple[Outcome[Amount], _Separators]],
    by_ccy: np.ndarray,
    mark: np.ndarray,
    col: Collector,
    rules: NormalizeRules,
) -> None:
    """A finding per cell whose currency decided its separator against its column's decimal
    mark (``mark``: per row, "" where the column shows none)."""
    keys: dict[tuple[int, str], int] = {}
    rows = np.full(len(codes), -1, dtype=np.int64)
    for pos in np.flatnonzero(by_ccy[codes]):
        code, m = int(codes[pos]), str(mark[pos])
        if currency_overrules(read[code][1], m):
            rows[pos] = keys.setdefault((code, m), len(keys))
    if not keys:
        return
    issues, originals, values = [], [], []
    for code, m in keys:
        amount = read[code][0].value
        issues.append((by_currency(to_text(uniques[code]), amount, m, rules),))
        originals.append(uniques[code])
        values.append(format_amount(amount.number))
    col.coded(field, rows, issues, originals, values)


def _guesses(
    field: str,
    codes: np.ndarray,
    uniques: list[object],
    outcomes: list[Outcome[Amount]],
    seps: list[_Separators],
    undecided: np.ndarray,
    currency: np.ndarray,
    unit: np.ndarray,
    col: Collector,
    rules: NormalizeRules,
) -> None:
    """Ambiguous amounts no value of their column decides: a warning per cell where the other
    reading is plausible (a '.' scaled by a magnitude word or header unit, or a bare '.' in a
    currency with decimals), else one note per sheet (',' or '.' grouping thousands of yen)."""
    cell_ccy = np.array([o.value.currency for o in outcomes], dtype=object)[codes]
    ccy = np.where(cell_ccy != "", cell_ccy, currency)
    decimals = ~np.isin(ccy.astype(str), list(rules.amounts.zero_decimal))
    dots = np.array([s.dots for s in seps])[codes] > 0
    scaled = (np.array([s.scaled_dots for s in seps])[codes] > 0) | (unit > 1.0)
    warn = undecided & dots & (scaled | decimals)
    values = [format_amount(o.value.number) for o in outcomes]
    if warn.any():
        issues = [(_assumed(to_text(u), v, "warning"),) for u, v in zip(uniques, values)]
        col.coded(field, np.where(warn, codes, -1), issues, uniques, values)
    note = undecided & ~warn
    if note.any():
        gcodes, glabels = col.groups()
        counts = np.bincount(gcodes[note], minlength=len(glabels))
        for g in np.flatnonzero(counts):
            file, sheet = glabels[g]
            first = int(codes[np.flatnonzero(note & (gcodes == g))[0]])
            example = to_text(uniques[first])
            msg = (
                f"{counts[g]} amount(s) like '{example}' have one separator before three digits "
                f"and nothing in this column decides whether it is the decimal mark; read as a "
                f"thousands separator ({values[first]})"
            )
            issue = Issue("normalize.amount-separator-assumed", msg, action="none")
            col.sheet_level(field, file, sheet, issue, example)
