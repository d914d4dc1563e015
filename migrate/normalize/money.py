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
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation, localcontext
from functools import lru_cache

import numpy as np
import pandas as pd

from ..amounts import ColumnUnits, format_amount
from ..findings import Severity
from .base import Issue, Outcome, distinct, is_missing, reformat, settle, take
from .collect import Collector
from .config import AmountRules, NormalizeRules, load_rules
from .text import clean_text, fold, is_placeholder, to_text

RULE = "normalize.amount"
#: An amount a float cannot hold exactly (999,999,999,999,999,999,999): rejected, never rounded.
PRECISION = "normalize.amount-precision"
#: Scientific notation typed as text (1e30, 1.5E+6): read exactly like a number cell.
#: Amounts are read without any rounding, however many digits a cell holds.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_SCIENTIFIC_RE = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)e[-+]?\d{1,4}$", re.I)
_NEGATIVE_RE = re.compile(r"^(?:▲|△|-|−|マイナス)\s*")
_RANGE_RE = re.compile(r"\s*(?:〜|~|-|–|—|から|\bto\b)\s*")
#: Thousands grouping that never is a decimal mark: spaces (NBSP and thin spaces are spaces after
#: NFKC), apostrophes (Swiss 1'234.50) and underscores.
_GROUPING_RE = re.compile(r"[\s'’_]")
_MARKS_RE = re.compile(r"[.,]")


@dataclass(frozen=True, slots=True)
class Amount:
    """One amount cell read: the number, the currency it names, whether it carries its own unit.

    ``exact`` is the number as the cell writes it, read without rounding (None for a float
    cell, which is exactly its float); ``number`` is the float the records carry.
    """

    number: float
    currency: str = ""
    explicit: bool = False
    exact: Decimal | None = dataclass_field(default=None, compare=False)


EMPTY = Amount(math.nan)


@dataclass(frozen=True)
class _Matchers:
    currency: re.Pattern[str]
    codes: dict[str, str]
    token: re.Pattern[str]  # a number with its separators, and its magnitude word
    units: dict[str, Decimal]
    approx_head: re.Pattern[str] | None
    approx_tail: re.Pattern[str] | None
    notes: re.Pattern[str] | None


@lru_cache(maxsize=8)
def _matchers(rules: AmountRules) -> _Matchers:
    def word(w: str) -> str:  # alphabetic codes only as whole words: "usd" but not "thousand"
        return (
            rf"(?<![a-z]){re.escape(w)}(?![a-z])"
            if w.isascii() and w[-1:].isalpha()
            else re.escape(w)
        )

    cur = "|".join(word(k) for k, _ in rules.currencies)
    units = "|".join(re.escape(k) for k, _ in rules.units)
    approx = "|".join(re.escape(w) for w in rules.approximate_words)
    notes = "|".join(re.escape(w) for w in rules.note_words)
    return _Matchers(
        currency=re.compile(cur or r"(?!)", re.I),
        codes={fold(k): v for k, v in rules.currencies},
        token=re.compile(rf"([.,]?\d+(?:[.,]\d+)*)({units or '(?!)'})?"),
        units=dict(rules.units),
        approx_head=re.compile(rf"^(?:{approx})\s*", re.I) if approx else None,
        approx_tail=re.compile(rf"\s*(?:{approx})$", re.I) if approx else None,
        notes=re.compile(rf"[(\[（【]?\s*(?:{notes})\s*[)\]）】]?", re.I) if notes else None,
    )


#: How a single ',' or '.' before exactly three digits is read: with this decimal mark (the
#: other one groups thousands), or ``None`` for the usual way: ',' groups thousands; '.' is a
#: decimal point before a magnitude word (1.234M) and groups thousands in a bare amount.
Mark = str | None


@dataclass(slots=True)
class _Separators:
    """What one amount cell says about its column's decimal mark."""

    marks: str = ""  # the decimal marks the cell's numbers can only be read with
    commas: int = 0  # ambiguous 1,234 tokens
    dots: int = 0  # ambiguous 1.234 tokens
    scaled_dots: int = 0  # ... of them followed by a magnitude word (1.234M)
    scaled: int = 0  # numbers followed by a magnitude word (1,5万, 1.234M)

    @property
    def ambiguous(self) -> bool:
        return bool(self.commas or self.dots)

    @property
    def evidence(self) -> str:
        """The decimal mark the cell shows ("" when none, or both)."""
        return self.marks[0] if len(set(self.marks)) == 1 else ""


def parse_amount(
    value: object, rules: NormalizeRules | None = None, *, decimal_mark: Mark = None
) -> Outcome[Amount]:
    """Read one amount cell (no header unit applied).

    ``decimal_mark`` (',' or '.') decides a single separator before exactly three digits
    (1,234 / 1.234), as its column would; without it such a cell is read the usual way with a
    ``normalize.amount-separator-assumed`` issue (a warning when the other reading is plausible:
    a '.' before a magnitude word, or in a currency with decimals).
    """
    rules = rules or load_rules()
    outcome, seps = read_amount(value, rules, decimal_mark)
    if decimal_mark is None and seps.ambiguous and not outcome.failure:
        ccy = outcome.value.currency or rules.amounts.default_currency
        plausible = seps.scaled_dots or (seps.dots and ccy not in rules.amounts.zero_decimal)
        severity: Severity = "warning" if plausible else "info"
        issue = _assumed(to_text(value), format_amount(outcome.value.number), severity)
        outcome = Outcome(outcome.value, (*outcome.issues, issue))
    return outcome


def read_amount(
    value: object, rules: NormalizeRules, decimal_mark: Mark = None
) -> tuple[Outcome[Amount], _Separators]:
    """Read one amount cell, and what it shows about its column's separators."""
    with localcontext(_EXACT):
        return _read_amount(value, rules, decimal_mark)


def _read_amount(
    value: object, rules: NormalizeRules, decimal_mark: Mark
) -> tuple[Outcome[Amount], _Separators]:
    ar = rules.amounts
    seps = _Separators()
    if is_missing(value):
        return Outcome(EMPTY), seps
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        exact = Decimal(value) if isinstance(value, int) else None
        number = _float(exact) if exact is not None else float(value)
        amount = Amount(number, exact=exact)
        return Outcome(amount, (), _precision_failure(to_text(value), amount)), seps
    text = clean_text(value)
    if not text:
        return Outcome(EMPTY), seps
    if _SCIENTIFIC_RE.match(text):
        exact = Decimal(text)
        amount = Amount(_float(exact), exact=exact)
        failure = _precision_failure(text, amount)
        if failure:
            return Outcome(amount, (), failure), seps
        if amount.number < 0:
            return Outcome(amount, (_negative(text),)), seps
        return Outcome(amount, (reformat(RULE, format_amount(amount.number)),)), seps
    if is_placeholder(text, rules.placeholders):
        from .companies import placeholder_issue

        return Outcome(EMPTY, (placeholder_issue(text),)), seps
    m = _matchers(ar)
    issues: list[Issue] = []
    t = text
    if m.notes:
        notes = [n.strip("()[]（）【】 ") for n in m.notes.findall(t)]
        if notes:
            t = m.notes.sub(" ", t).strip()
            issues.append(
                Issue("normalize.amount-note-removed", f"dropped the note(s) {', '.join(notes)}")
            )
    approx = False
    for pattern in (m.approx_head, m.approx_tail):
        if pattern and pattern.search(t) and pattern.sub("", t).strip():
            t, approx = pattern.sub("", t).strip(), True
    reader = _Reader(m, decimal_mark, seps)
    result = (
        _range(t, reader, ar, issues) if _RANGE_RE.search(t.lstrip("-−▲△")) else reader.single(t)
    )
    if result is None:
        failure = Issue("normalize.unparseable-amount", f"'{text}' is not an amount")
        return Outcome(EMPTY, (), failure), seps
    failure = _precision_failure(text, result)
    if failure:
        return Outcome(result, tuple(issues), failure), seps
    if approx:
        issues.append(
            Issue("normalize.approximate-amount", f"'{text}' is approximate; the number was kept")
        )
    if result.number < 0:
        issues.append(_negative(text))
    if not issues and format_amount(result.number) != text:
        issues.append(reformat(RULE, format_amount(result.number)))
    return Outcome(result, tuple(issues)), seps


def _negative(text: str) -> Issue:
    return Issue("normalize.negative-amount", f"'{text}' is a negative amount", severity="warning")


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


def _precision_failure(text: str, amount: Amount) -> Issue | None:
    """The failure of an amount the records cannot carry without rounding it."""
    if math.isfinite(amount.number) and (
        amount.exact is None or holds_exactly(amount.exact, amount.number)
    ):
        return None
    return precision_issue(text, amount.exact, amount.number)


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


def _range(t: str, reader: _Reader, ar: AmountRules, issues: list[Issue]) -> Amount | None:
    """100万〜150万, 100〜150万 (the unit of the upper end applies to a bare lower end)."""
    parts = _RANGE_RE.split(t, maxsplit=1)
    if len(parts) != 2 or not re.search(r"\d", parts[0]) or not parts[1].strip():
        return reader.single(t)  # ¥-1,000 is a negative amount, not a range
    low, high = reader.single(parts[0]), reader.single(parts[1])
    if low is None or high is None:
        return None
    if not low.explicit and high.explicit:
        unit = _unit_of(parts[1], reader.m)
        exact = low.exact * unit if low.exact is not None else None
        low = Amount(low.number * float(unit), high.currency, True, exact)
    if low.currency and high.currency and low.currency != high.currency:
        return None
    lo, hi = sorted((low.number, high.number))
    number = {"lower": lo, "upper": hi, "mid": (lo + hi) / 2}[ar.range]
    exact = None
    if low.exact is not None and high.exact is not None:
        elo, ehi = sorted((low.exact, high.exact))
        exact = {"lower": elo, "upper": ehi, "mid": (elo + ehi) / 2}[ar.range]
        number = _float(exact)
    issues.append(
        Issue(
            "normalize.amount-range",
            f"a range {lo:,.0f}-{hi:,.0f}; took the {ar.range} value (rules: amounts.range)",
            format_amount(number),
        )
    )
    return Amount(number, low.currency or high.currency, low.explicit or high.explicit, exact)


def _unit_of(t: str, m: _Matchers) -> Decimal:
    s = _GROUPING_RE.sub("", m.currency.sub("", t))
    tokens = m.token.findall(s)
    return m.units.get(tokens[-1][1], Decimal(1)) if tokens else Decimal(1)


@dataclass(slots=True)
class _Reader:
    """Reads the numbers of one cell with one decimal-mark decision, noting what it saw."""

    m: _Matchers
    mark: Mark
    seps: _Separators

    def single(self, t: str) -> Amount | None:
        m = self.m
        t = t.strip()
        sign = 1
        if t.startswith("(") and t.endswith(")"):  # accounting negative: (1,000)
            t, sign = t[1:-1].strip(), -1
        hit = _NEGATIVE_RE.match(t)
        if hit:
            t, sign = t[hit.end() :], -sign
        codes = {m.codes[fold(c)] for c in m.currency.findall(t)}
        if len(codes) > 1:
            return None
        s = m.currency.sub("", t)
        hit = _NEGATIVE_RE.match(s.strip())  # ¥-1,000 / $ (1,000)
        if hit:
            s, sign = s.strip()[hit.end() :], -sign
        s = _GROUPING_RE.sub("", s)
        if not s or m.token.sub("", s):
            return None
        total, explicit = Decimal(0), bool(codes)
        try:
            for num, unit in m.token.findall(s):
                self.seps.scaled += bool(unit)
                digits = self.number(num, scaled=bool(unit))
                if digits is None:
                    return None
                total += Decimal(digits) * m.units.get(unit, Decimal(1))
                explicit = explicit or bool(unit)
        except InvalidOperation:
            return None
        exact = sign * total
        return Amount(_float(exact), codes.pop() if codes else "", explicit, exact)

    def number(self, run: str, *, scaled: bool) -> str | None:
        """One number with its separators (1.234.567,89) as plain decimal digits (1234567.89)."""
        marks = _MARKS_RE.findall(run)
        if not marks:
            return run
        groups = _MARKS_RE.split(run)
        seps = self.seps
        if not groups[0]:  # .5 / ,5
            if len(marks) > 1:
                return None
            seps.marks += marks[0]
            return "0." + groups[1]
        if len(set(marks)) == 2:  # 1.234,56 / 1,234.56: the last one is the decimal mark
            decimal = marks[-1]
            if marks.count(decimal) > 1 or not _grouped(groups[:-1]):
                return None
            seps.marks += decimal
            return "".join(groups[:-1]) + "." + groups[-1]
        sep = marks[0]
        if len(marks) > 1:  # 1.234.567 / 1,234,567: thousands
            if not _grouped(groups):
                return None
            seps.marks += "," if sep == "." else "."
            return "".join(groups)
        before, after = groups
        if len(after) != 3 or len(before) > 3 or before.startswith("0"):
            seps.marks += sep  # 12,5 / 1234.5 / 0,500: only a decimal mark reads so
            return f"{before}.{after}"
        # 1,234 / 1.234: the column decides
        if sep == ",":
            seps.commas += 1
        else:
            seps.dots += 1
            seps.scaled_dots += scaled
        decimal = (sep == "." and scaled) if self.mark is None else sep == self.mark
        return f"{before}.{after}" if decimal else before + after


def _grouped(groups: list[str]) -> bool:
    """Thousands groups: 1,234,567 (or the Indian 12,34,567): 1-3 digits, 2-3 digits, ..., 3."""
    return (
        1 <= len(groups[0]) <= 3
        and len(groups[-1]) == 3
        and all(2 <= len(g) <= 3 for g in groups[1:-1])
    )


def _assumed(original: str, value: str, severity: Severity) -> Issue:
    return Issue(
        "normalize.amount-separator-assumed",
        f"'{original}' has one separator before three digits, which could be a decimal mark or "
        f"a thousands separator, and nothing in its column decides; read as {value}",
        value,
        severity,
    )


def currency_code(value: object, rules: NormalizeRules | None = None) -> Outcome[str]:
    """A currency cell (円, USD, $, ドル) as an ISO code ("" when empty, a failure when unknown)."""
    rules = rules or load_rules()
    text = clean_text(value)
    if not text or is_placeholder(text, rules.placeholders):
        return Outcome("")
    code = _matchers(rules.amounts).codes.get(fold(text))
    if code is None and len(text) == 3 and text.isalpha():
        code = text.upper() if text.upper() in {c for _, c in rules.amounts.currencies} else None
    if code is None:
        return Outcome(
            "", (), Issue("normalize.unknown-currency", f"'{text}' is not a known currency")
        )
    return Outcome(code, (reformat("normalize.currency", code),) if code != text else ())


# ----------------------------------------------------------------------------- columns


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
    with localcontext(_EXACT):
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
    # ¥692,800 in a column of 1.234,50 euros is not ambiguous: a currency without a minor unit
    # written in the cell, with no magnitude word, has no decimals, so its separator groups
    # thousands whatever the column's decimal mark.
    amb_code = np.array(
        [
            s.ambiguous
            and not o.failure
            and not (o.value.currency in rules.amounts.zero_decimal and not s.scaled)
            for o, s in read
        ],
        dtype=bool,
    )
    if not len(codes) or not amb_code[codes].any():
        return codes, uniques, outcomes
    gcodes, glabels = col.groups()
    ng = len(glabels)
    amb = amb_code[codes]
    evidence = np.array([s.evidence if not o.failure else "" for o, s in read], dtype=object)
    evidence = evidence[codes]
    comma = np.bincount(gcodes[evidence == ","], minlength=ng)
    dot = np.bincount(gcodes[evidence == "."], minlength=ng)
    group_mark = np.where(comma > dot, ",", np.where(dot > comma, ".", "")).astype(object)
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


def _currency_column(out: pd.DataFrame, col: Collector, rules: NormalizeRules) -> np.ndarray:
    if "currency" not in out:
        return np.full(len(out), "", dtype=object)
    codes, uniques = distinct(out["currency"])
    rule = rules.rule("currency")
    values: list[str] = []
    issues: list[tuple[Issue, ...]] = []
    for u in uniques:
        o = currency_code(u, rules)
        if o.failure:
            v, issue = settle(o.failure, rule.on_error, rule.severity, "", "")
            values.append(v)
            issues.append((issue,))
        else:
            values.append(o.value)
            issues.append(o.issues)
    col.coded("currency", codes, issues, uniques, values)
    return take(values, codes)


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
            f"{len(grp)} bare amount(s) multiplied by {u:g}, the unit in the column header",
        )
        col.sheet_level(field, str(file), str(sheet), issue)
