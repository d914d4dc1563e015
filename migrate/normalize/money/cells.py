"""Reading one amount cell: the number, the currency it names, whether it carries its own unit.

In: one raw cell (1200000, ¥1,200,000, 120万, 1.2億, 1,200千円, $12,000, USD 12k, 12.500,00 €,
12 500,50, 1'234.50, 約100万, 100万〜150万, (1,000), ▲1,000, 1e6, 未定) and optionally the decimal
mark its column uses. Out: an :class:`Amount` with its issues, and what the cell shows about its
column's separators (:class:`Separators`), which :mod:`.separators` weighs per column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache

from ...amounts import format_amount
from ...findings import Severity
from ..base import Issue, Outcome, is_missing, reformat
from ..config import AmountRules, NormalizeRules, load_rules
from ..text import clean_text, fold, is_placeholder, to_text
from .exact import EXACT, _float, holds_exactly, precision_issue

RULE = "normalize.amount"
UNPARSEABLE = "normalize.unparseable-amount"
#: Scientific notation typed as text (1e30, 1.5E+6): read exactly like a number cell.
_SCIENTIFIC_RE = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)e[-+]?\d{1,4}$", re.I)
_NEGATIVE_RE = re.compile(r"^(?:▲|△|-|−|マイナス)\s*")

#: A dash closing an amount after its last digit (¥3,000,000-, 100.-, 100,- €): no digit follows.
_END_DASH_RE = re.compile(r"(?<=[\d円])([.,]?)\s*[-‐‑–—－−]+(?=[^\d]*$)")
#: Amounts added up in one cell (100万(初期)+5万/月).
_MIXED_RE = re.compile(r"\d[^+＋]*[+＋][^\d]*\d")

_RANGE_RE = re.compile(r"\s*(?:〜|~|-|–|—|から|\bto\b)\s*")

#: Thousands grouping that never is a decimal mark: spaces (NBSP and thin spaces are spaces after
#: NFKC), apostrophes (Swiss 1'234.50) and underscores.
_GROUPING_RE = re.compile(r"[\s'’_]")

_MARKS_RE = re.compile(r"[.,]")

#: Numbering marks (① ⑵ ⒊ ❶ ㉑ Ⓐ): NFKC turns ① into 1, so '①500000' would read 1,500,000 and
#: '500,000円②' 500.0002. Such a mark numbers an item; it is no digit of the amount.
_NUMBERING_RE = re.compile("[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]+")


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
    periods: dict[str, str]  # folded billing-period word -> month | year


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
    noted = sorted([*rules.note_words, *(w for w, _ in rules.period_words)], key=len, reverse=True)
    notes = "|".join(re.escape(w) for w in noted)
    return _Matchers(
        currency=re.compile(cur or r"(?!)", re.I),
        codes={fold(k): v for k, v in rules.currencies},
        token=re.compile(rf"([.,]?\d+(?:[.,]\d+)*)({units or '(?!)'})?"),
        units=dict(rules.units),
        approx_head=re.compile(rf"^(?:{approx})\s*", re.I) if approx else None,
        approx_tail=re.compile(rf"\s*(?:{approx})$", re.I) if approx else None,
        notes=re.compile(rf"[(\[（【]?\s*(?:{notes})\s*[)\]）】]?", re.I) if notes else None,
        periods={fold(w): p for w, p in rules.period_words},
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
    if seps.ambiguous and not outcome.failure and currency_decides(outcome.value, seps, rules):
        if decimal_mark is not None:
            outcome, seps = read_amount(value, rules)
        if decimal_mark and currency_overrules(seps, decimal_mark):
            issue = by_currency(to_text(value), outcome.value, decimal_mark, rules)
            outcome = Outcome(outcome.value, (*outcome.issues, issue))
    elif decimal_mark is None and seps.ambiguous and not outcome.failure:
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
    with localcontext(EXACT):
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
    marks = ""
    if isinstance(value, str) and not value.isascii() and _NUMBERING_RE.search(value):
        marks = "".join(_NUMBERING_RE.findall(value))
        value = _NUMBERING_RE.sub(" ", value)
    text = clean_text(value)
    if not text:
        if marks:  # a numbering mark alone: no amount, and not an empty cell either
            return Outcome(EMPTY, (), Issue(UNPARSEABLE, f"'{marks}' is not an amount")), seps
        return Outcome(EMPTY), seps
    if marks:
        outcome, seps = _read_amount(text, rules, decimal_mark)
        if outcome.failure or outcome.value is EMPTY:
            return outcome, seps
        read = format_amount(outcome.value.number)
        issue = Issue(
            "normalize.amount-numbering-mark",
            f"dropped the numbering mark {marks} and read {read}",
            read,
            severity="warning",
        )
        kept = tuple(i for i in outcome.issues if i.rule != RULE)
        return Outcome(outcome.value, (*kept, issue)), seps
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
        from ..companies import placeholder_issue

        return Outcome(EMPTY, (placeholder_issue(text),)), seps
    m = _matchers(ar)
    issues: list[Issue] = []
    t = text
    period = ""
    if m.notes:
        found = [n.strip("()[]（）【】 ") for n in m.notes.findall(t)]
        periods = [m.periods[fold(n)] for n in found if fold(n) in m.periods]
        notes = [n for n in found if fold(n) not in m.periods]
        if periods and _MIXED_RE.search(t):
            # 100万(初期)+5万/月: a one-off sum and a fee per period add up to no one value
            why = (
                f"'{text}' adds amounts of which one is per {periods[0]}: no one deal amount "
                f"can be read; left empty, the cell's text kept in this finding"
            )
            return Outcome(EMPTY, (), Issue("normalize.amount-mixed-periods", why)), seps
        if found:
            t = m.notes.sub(" ", t).strip()
        if notes:
            issues.append(
                Issue("normalize.amount-note-removed", f"dropped the note(s) {', '.join(notes)}")
            )
        period = periods[0] if periods else ""
    dash = _END_DASH_RE.search(t)
    if dash:  # ¥3,000,000- / 100.- / 100,- €: a dash closing the amount, no minus sign
        t = (t[: dash.start()] + t[dash.end() :]).strip()
    approx = False
    for pattern in (m.approx_head, m.approx_tail):
        if pattern and pattern.search(t) and pattern.sub("", t).strip():
            t, approx = pattern.sub("", t).strip(), True
    reader = _Reader(m, decimal_mark, seps)
    product = _PRICE_TIMES_QUANTITY_RE.match(t)
    if product:
        result = _price_times_quantity(text, product, reader, issues)
    else:
        result = (
            _range(t, reader, ar, issues)
            if _RANGE_RE.search(t.lstrip("-−▲△"))
            else reader.single(t)
        )
    if result is None:
        failure = Issue(UNPARSEABLE, f"'{text}' is not an amount")
        return Outcome(EMPTY, (), failure), seps
    failure = _precision_failure(text, result)
    if failure:
        return Outcome(result, tuple(issues), failure), seps
    if approx:
        issues.append(
            Issue("normalize.approximate-amount", f"'{text}' is approximate; the number was kept")
        )
    if dash:
        issues.append(_end_dash(text, result, bool(dash.group(1)) or bool(result.currency)))
    if period:
        value = format_amount(result.number)
        issues.append(
            Issue(
                "normalize.amount-per-period",
                f"'{text}' is a fee per {period}; {value} was kept as the deal's amount, which "
                f"may be more than one {period}'s fee",
                value,
                severity="warning",
                action="none",
            )
        )
    if result.number < 0:
        issues.append(_negative(text))
    if not issues and format_amount(result.number) != text:
        issues.append(reformat(RULE, format_amount(result.number)))
    return Outcome(result, tuple(issues)), seps


# a unit price times a quantity (@12,000×30台, 5,000円 x 20本, ＠¥1,200 * 50 licenses)
_PRICE_TIMES_QUANTITY_RE = re.compile(
    r"^[@＠]?\s*(?P<price>[^×xX✕*＊]+?)\s*[×xX✕*＊]\s*(?P<qty>\d[\d,]*)\s*"
    r"(?P<unit>[^\d\s]{0,12}|[a-zA-Z]+s?)$"
)


def _price_times_quantity(
    text: str, hit: re.Match[str], reader: _Reader, issues: list[Issue]
) -> Amount | None:
    """The amount of a cell written as a unit price times a quantity (@12,000×30台 is 360,000),
    with a finding; None when the price is no amount."""
    price = reader.single(hit["price"])
    quantity = int(hit["qty"].replace(",", ""))
    if price is None or not quantity:
        return None
    exact = price.exact * quantity if price.exact is not None else None
    number = _float(exact) if exact is not None else price.number * quantity
    total = Amount(number, price.currency, price.explicit, exact=exact)
    read = format_amount(total.number)
    issues.append(
        Issue(
            "normalize.amount-price-times-quantity",
            f"'{text}' is a unit price times a quantity: read {read}",
            read,
        )
    )
    return total


def _end_dash(text: str, amount: Amount, marked: bool) -> Issue:
    """A '-' closing an amount (¥3,000,000-, 100.-): the amount ends there. Sure when the cell
    names its currency or writes '.-' / ',-'; else a warning, as some exports write a negative
    with its minus sign last (1,000-)."""
    value = format_amount(amount.number)
    if marked:
        msg = f"'{text}' read as {value}: the '-' closing it ends the amount, no minus sign"
        return Issue("normalize.amount-end-dash", msg, value)
    msg = (
        f"'{text}' read as {value}: the '-' closing it was taken to end the amount (¥3,000,000-), "
        f"not as a minus sign written last (1,000- for -1,000)"
    )
    return Issue("normalize.amount-end-dash", msg, value, severity="warning")


def _negative(text: str) -> Issue:
    return Issue("normalize.negative-amount", f"'{text}' is a negative amount", severity="warning")


def _precision_failure(text: str, amount: Amount) -> Issue | None:
    """The failure of an amount the records cannot carry without rounding it."""
    if math.isfinite(amount.number) and (
        amount.exact is None or holds_exactly(amount.exact, amount.number)
    ):
        return None
    return precision_issue(text, amount.exact, amount.number)


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
            f"a range {lo:,.0f}-{hi:,.0f}; took the {ar.range} value (rules: amounts.range), "
            f"a number the cell does not write",
            format_amount(number),
            severity="warning",
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


def currency_decides(amount: Amount, seps: _Separators, rules: NormalizeRules) -> bool:
    """Whether the cell's own currency decides its 1,234 / 1.234, whatever its column's habit.

    Only for a cell that names its currency and no magnitude word: a currency without decimals
    (¥692,800) has no decimal mark, so either separator groups thousands; one whose amounts
    always write '.' as the decimal mark (£120,000, $1,250, CHF 300,000) never has a decimal
    comma, so a ',' groups thousands (a '.' is left to the column: CHF 300.000 in a column of
    1.250.000,50 € is 300,000).
    """
    ar = rules.amounts
    if not amount.currency or seps.scaled:
        return False
    if amount.currency in ar.zero_decimal:
        return True
    return amount.currency in ar.decimal_point and not seps.dots


def currency_overrules(seps: _Separators, column_mark: Mark) -> bool:
    """Whether a cell its currency decides is read otherwise than its column would read it:
    its separator is the column's decimal mark."""
    return bool(column_mark) and bool(seps.commas if column_mark == "," else seps.dots)


def by_currency(original: str, amount: Amount, column_mark: str, rules: NormalizeRules) -> Issue:
    """The finding of a separator its cell's currency read against its column's decimal mark."""
    value = format_amount(amount.number)
    zero = amount.currency in rules.amounts.zero_decimal
    why = "has no decimals" if zero else "never writes ',' as its decimal mark"
    return Issue(
        "normalize.amount-separator-currency",
        f"'{original}' read as {value}: {amount.currency} {why}, so its '{column_mark}' groups "
        f"thousands, though its column uses '{column_mark}' as the decimal mark",
        value,
    )


def _assumed(original: str, value: str, severity: Severity) -> Issue:
    return Issue(
        "normalize.amount-separator-assumed",
        f"'{original}' has one separator before three digits, which could be a decimal mark or "
        f"a thousands separator, and nothing in its column decides; read as {value}",
        value,
        severity,
    )
