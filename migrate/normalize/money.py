"""Amounts and currencies: every way a sales team writes money, to a float in the currency's unit.

In: the ``amount`` cells (1200000, ¥1,200,000, JPY 1,200,000, 1,200,000円, 120万, 1.2億,
1億2000万, 1,200千円, 1.2M, 1,200k, $12,000, USD 12k, 約100万, 100万〜150万, (1,000), ▲1,000,
未定), the header unit (``_amount_unit``: 万円 -> 10000) and currency (``_currency_hint``) of
each row, and the ``currency`` column. Out: ``amount`` as a float in yen/dollars (NaN when
empty) and ``currency`` as an ISO code: the cell's symbol wins over the currency column, which
wins over the header, which wins over the default of rules/normalize.yaml. The header unit
applies to bare numbers only; an explicit unit or currency in the cell wins. A bare number that
looks typed in yen into a 万円 column is found from its sheet's distribution and reported, and
corrected only when the distribution makes it certain.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import numpy as np
import pandas as pd

from .base import Issue, Outcome, distinct, is_missing, reformat, settle, take
from .collect import Collector
from .config import AmountRules, NormalizeRules, load_rules
from .text import clean_text, fold, is_placeholder, to_text

RULE = "normalize.amount"
_NEGATIVE_RE = re.compile(r"^(?:▲|△|-|−|マイナス)\s*")
_RANGE_RE = re.compile(r"\s*(?:〜|~|-|–|—|から|\bto\b)\s*")


@dataclass(frozen=True, slots=True)
class Amount:
    """One amount cell read: the number, the currency it names, whether it carries its own unit."""

    number: float
    currency: str = ""
    explicit: bool = False


EMPTY = Amount(math.nan)


@dataclass(frozen=True)
class _Matchers:
    currency: re.Pattern[str]
    codes: dict[str, str]
    token: re.Pattern[str]
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
        token=re.compile(
            rf"(\d+(?:\.\d+)?|\.\d+)({units})?" if units else r"(\d+(?:\.\d+)?|\.\d+)()"
        ),
        units=dict(rules.units),
        approx_head=re.compile(rf"^(?:{approx})\s*", re.I) if approx else None,
        approx_tail=re.compile(rf"\s*(?:{approx})$", re.I) if approx else None,
        notes=re.compile(rf"[(\[（【]?\s*(?:{notes})\s*[)\]）】]?", re.I) if notes else None,
    )


def parse_amount(value: object, rules: NormalizeRules | None = None) -> Outcome[Amount]:
    """Read one amount cell (no header unit applied)."""
    rules = rules or load_rules()
    ar = rules.amounts
    if is_missing(value):
        return Outcome(EMPTY)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Outcome(Amount(float(value)))
    text = clean_text(value)
    if not text:
        return Outcome(EMPTY)
    if is_placeholder(text, rules.placeholders):
        from .companies import placeholder_issue

        return Outcome(EMPTY, (placeholder_issue(text),))
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
    result = _range(t, m, ar, issues) if _RANGE_RE.search(t.lstrip("-−▲△")) else _single(t, m)
    if result is None:
        return Outcome(
            EMPTY, (), Issue("normalize.unparseable-amount", f"'{text}' is not an amount")
        )
    if approx:
        issues.append(
            Issue("normalize.approximate-amount", f"'{text}' is approximate; the number was kept")
        )
    if result.number < 0:
        issues.append(
            Issue("normalize.negative-amount", f"'{text}' is a negative amount", severity="warning")
        )
    if not issues and to_text(result.number) != text:
        issues.append(reformat(RULE, to_text(result.number)))
    return Outcome(result, tuple(issues))


def _range(t: str, m: _Matchers, ar: AmountRules, issues: list[Issue]) -> Amount | None:
    """100万〜150万, 100〜150万 (the unit of the upper end applies to a bare lower end)."""
    parts = _RANGE_RE.split(t, maxsplit=1)
    if len(parts) != 2 or not re.search(r"\d", parts[0]) or not parts[1].strip():
        return _single(t, m)  # ¥-1,000 is a negative amount, not a range
    low, high = _single(parts[0], m), _single(parts[1], m)
    if low is None or high is None:
        return None
    if not low.explicit and high.explicit:
        unit = _unit_of(parts[1], m)
        low = Amount(low.number * float(unit), high.currency, True)
    if low.currency and high.currency and low.currency != high.currency:
        return None
    lo, hi = sorted((low.number, high.number))
    number = {"lower": lo, "upper": hi, "mid": (lo + hi) / 2}[ar.range]
    issues.append(
        Issue(
            "normalize.amount-range",
            f"a range {lo:,.0f}-{hi:,.0f}; took the {ar.range} value (rules: amounts.range)",
            to_text(number),
        )
    )
    return Amount(number, low.currency or high.currency, low.explicit or high.explicit)


def _unit_of(t: str, m: _Matchers) -> Decimal:
    s = m.currency.sub("", t).replace(",", "").replace(" ", "")
    tokens = m.token.findall(s)
    return m.units.get(tokens[-1][1], Decimal(1)) if tokens else Decimal(1)


def _single(t: str, m: _Matchers) -> Amount | None:
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
    s = re.sub(r"[\s,'_]", "", s)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", s):  # 1.200.000: dots as thousands separators
        s = s.replace(".", "")
    if not s or m.token.sub("", s):
        return None
    total, explicit = Decimal(0), bool(codes)
    try:
        for num, unit in m.token.findall(s):
            total += Decimal(num) * m.units.get(unit, Decimal(1))
            explicit = explicit or bool(unit)
    except InvalidOperation:
        return None
    return Amount(sign * float(total), codes.pop() if codes else "", explicit)


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
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, amount_fields: list[str]
) -> None:
    """Normalise the amount field(s) and the currency column of ``out`` in place."""
    n = len(out)
    ccy = _currency_column(out, col, rules)
    hint = _text_column(out, "_currency_hint", n)
    unit = (
        pd.to_numeric(out["_amount_unit"], errors="coerce").fillna(1.0).to_numpy(float)
        if "_amount_unit" in out
        else np.ones(n)
    )
    cell_currency = np.full(n, "", dtype=object)
    for i, field in enumerate(amount_fields):
        codes, uniques = distinct(out[field])
        outcomes = [parse_amount(u, rules) for u in uniques]
        rule = rules.rule("amount")
        issues, numbers = [], []
        for o in outcomes:
            if o.failure:
                _, issue = settle(o.failure, rule.on_error, rule.severity, math.nan, math.nan)
                issues.append((*o.issues, issue))
            else:
                issues.append(o.issues)
            numbers.append(o.value.number)
        number = np.asarray(numbers, dtype=float)[codes]
        explicit = np.asarray([o.value.explicit for o in outcomes], dtype=bool)[codes]
        bare = ~explicit & ~np.isnan(number)
        mult = np.where(bare, unit, 1.0)
        corrected = _unit_suspects(field, number, bare, unit, col)
        mult[corrected] = 1.0
        with np.errstate(over="ignore", invalid="ignore"):
            amount = np.round(number * mult, 6)
        originals = uniques
        col.coded(field, codes, issues, originals, [to_text(x) for x in numbers])
        _unit_applied(field, bare & (unit != 1.0) & ~corrected, unit, col)
        out[field] = pd.Series(amount, index=out.index, dtype="float64")
        if i == 0:
            cell_currency = take([o.value.currency for o in outcomes], codes)
    if amount_fields or "currency" in out:
        final = np.where(
            cell_currency != "",
            cell_currency,
            np.where(ccy != "", ccy, np.where(hint != "", hint, rules.amounts.default_currency)),
        )
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


def _text_column(out: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name not in out:
        return np.full(n, "", dtype=object)
    codes, uniques = distinct(out[name])
    return take([clean_text(u).upper() for u in uniques], codes)


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
                to_text(x),
                "warning",
                "changed",
            )
            if s
            else Issue(
                "normalize.amount-unit-suspect",
                f"{x:,.0f} is far above this column's typical values {q1:,.0f}-{q3:,.0f} (header unit {u:g}); check whether it was typed without the unit",
                to_text(x * u),
                "warning",
                "kept",
            )
            for x, s in zip(v[suspect], sure)
        ]
        col.rows(field, pos, issues, [to_text(x) for x in v[suspect]], [""] * len(pos))
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
