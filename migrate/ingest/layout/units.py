"""A unit the sheet states above its table: 単位：万円 in the title block applies to its amounts.

Japanese trackers and reports state the unit of their money columns once, in the title block
(``単位：千円``, ``（単位：万円）``, ``金額単位：万円（税抜）``) or in English (``in thousands of
yen``, ``Amounts in JPY thousands``), rather than in every header. A bare 1200 under 金額 is
then 12,000,000 yen. The statement must name the unit as one (単位 / unit / in ... thousands):
a title that merely holds 万 (見込み100万超の案件) states nothing. The sheet's unit applies to its
amount columns whose own header announces none; a header's unit always wins.

The title block names the currency the same way (``Amounts in USD``, ``Currency: EUR``,
``単位：千ドル``, ``（単位：百万円）``, ``(USD 000s)``): it becomes the currency of the amount
columns whose header names none, so $120,000 under a bare "Amount" is not read as ¥120,000. A
currency written in a cell still wins. Only a statement counts: the currency must follow 単位 /
通貨 / currency, or be all an "in ..." phrase or a bracket holds (with unit words); a title
like "Deals over $100k" or "EUR region review" names none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import pandas as pd

from ...columns import ColumnMatch
from ...findings import Finding
from ...headers import header_key
from ...schema import Schema

T = TypeVar("T")

# 単位：万円 / 金額単位 万円 / (単位:千円) / 単位＝百万円
_JA = re.compile(r"単位\s*[:：=＝]?\s*(?P<unit>[^\s、。,)）】\]]{1,4})")
# (in thousands) / amounts in JPY thousands / ¥ in millions / (JPY 000s) / unit: thousand yen
_EN = re.compile(
    r"\bin\s+(?:(?:jpy|yen|usd|\$|¥)\s+)?(?P<unit>thousands?|millions?)\b"
    r"|\bunits?\s*[:=]\s*(?P<unit2>thousands?|millions?)\b"
    r"|\((?:jpy|yen|usd|\$|¥)?\s*(?P<unit3>000s?|'000s?)\)",
    re.I,
)
_EN_MULT = {"thousand": 1000.0, "million": 1_000_000.0, "000": 1000.0, "'000": 1000.0}


def stated_unit(text: str, schema: Schema) -> tuple[float, str] | None:
    """(multiplier, the words that state it) when ``text`` states a money unit, else None."""
    t = unicodedata.normalize("NFKC", text)
    m = _JA.search(t)
    if m:
        word = m.group("unit")
        for frag, mult in schema.multipliers:
            f = unicodedata.normalize("NFKC", frag)
            if not re.fullmatch(r"[A-Za-z]{1,2}", f) and word.startswith(f):
                return (float(mult), m.group(0)) if mult != 1 else None
        return None
    m = _EN.search(t)
    if m:
        word = (m.group("unit") or m.group("unit2") or m.group("unit3") or "").lower()
        word = word.rstrip("s")
        en = _EN_MULT.get(word)
        return (en, m.group(0)) if en else None
    return None


# where a title states the currency: after 単位/通貨 (up to the next 、。), after "currency", as
# everything an "in ..." phrase or a bracket holds
_CCY_JA = re.compile(r"(?:単位|通貨)\s*[:：=＝]?\s*(?P<s>[^\s、。,]{1,12}(?:\s*\([^)\n]{1,10}\))?)")
_CCY_EN = re.compile(r"\bcurrenc(?:y|ies)\b\s*(?:is\s+)?[:=]?\s*(?P<s>[^,;()\n]{1,24})", re.I)
_CCY_IN = re.compile(r"\bin\s+(?P<s>[^,;:()\n]{1,30}?)\s*(?=$|[),;:\n]|\.(?:\s|$))", re.I)
_CCY_BRACKET = re.compile(r"\((?P<s>[^()\n]{1,30})\)")
# the words an "in ..." phrase or a bracket may hold besides the currency: (in USD 000s),
# in thousands of yen, amounts in JPY millions
_UNIT_WORDS = re.compile(
    r"\b(?:in|of|amounts?|thousands?|millions?|mn|m|k|000s?|'000s?)\b|'000s?|[\s.]", re.I
)


def _currencies_in(text: str, schema: Schema) -> list[tuple[str, str, int, int]]:
    """(code, fragment, start, end) of each currency ``text`` names, longest fragment first,
    spans not overlapping (US$ is one USD, not US$ and $)."""
    found: list[tuple[str, str, int, int]] = []
    taken: list[tuple[int, int]] = []
    for frag, code in schema.currencies:
        f = unicodedata.normalize("NFKC", frag)
        if re.search(r"[A-Za-z]", f):
            pat = re.compile(rf"(?<![A-Za-z]){re.escape(f)}(?![A-Za-z])", re.I)
        else:
            pat = re.compile(re.escape(f))
        for m in pat.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((code, m.group(0), m.start(), m.end()))
    return sorted(found, key=lambda x: x[2])


def _only_currency(span: str, schema: Schema) -> list[tuple[str, str, int, int]]:
    """The currencies ``span`` names when it holds nothing else but unit words, else []."""
    found = _currencies_in(span, schema)
    if not found:
        return []
    rest = span
    for _, _, a, b in sorted(found, key=lambda x: -x[2]):
        rest = rest[:a] + " " + rest[b:]
    return found if not _UNIT_WORDS.sub("", rest) else []


def stated_currency(text: str, schema: Schema) -> tuple[str, str, str] | None:
    """(currency code, the words that state it, a note when the statement names two) when
    ``text`` states the currency of the money columns, else None. When it names two currencies
    (金額単位：千円（USD）) the one written as an ISO code wins, and the note says so."""
    t = unicodedata.normalize("NFKC", text)
    for pattern, whole in (
        (_CCY_JA, False),
        (_CCY_EN, True),
        (_CCY_IN, True),
        (_CCY_BRACKET, True),
    ):
        for m in pattern.finditer(t):
            span = m.group("s")
            found = _only_currency(span, schema) if whole else _currencies_in(span, schema)
            codes = list(dict.fromkeys(c for c, *_ in found))
            if not codes:
                continue
            words = text.strip() if len(text.strip()) <= 60 else m.group(0).strip()
            if len(codes) == 1:
                return codes[0], words, ""
            iso = list(dict.fromkeys(c for c, frag, *_ in found if frag.upper() == c))
            if len(iso) == 1:
                return (
                    iso[0],
                    words,
                    f"it names {' and '.join(codes)}; the ISO code {iso[0]} was taken",
                )
            return None
    return None


def title_statement(
    cells: pd.DataFrame,
    above: list[int],
    excel_row: list[int],
    read: Callable[[str], T | None],
) -> tuple[T, int] | None:
    """The first statement ``read`` finds in the rows ``above`` (each cell, then the row's cells
    joined: "Currency" | "USD"), with its Excel row."""
    for pos, row in zip(above, excel_row):
        texts = [v.strip() for v in cells.iloc[pos].tolist() if isinstance(v, str) and v.strip()]
        for value in texts:
            hit = read(value)
            if hit is not None:
                return hit, row
        if len(texts) > 1:
            hit = read(" ".join(texts))
            if hit is not None:
                return hit, row
    return None


def apply_sheet_unit(
    cells: pd.DataFrame,
    above: list[int],
    excel_row: list[int],
    matches: list[ColumnMatch],
    schema: Schema,
    file: str,
    sheet: str,
) -> tuple[list[ColumnMatch], list[Finding]]:
    """The column matches with the unit the rows ``above`` the header state (positions in
    ``cells``; ``excel_row`` gives their Excel row numbers) applied to the amount columns that
    announce none, and one finding per column it applied to."""
    money = {f.name for f in schema.fields if f.type == "amount"}
    if not above or not any(m.field in money for m in matches):
        return matches, []
    out = list(matches)
    findings: list[Finding] = []
    targets = [k for k, m in enumerate(matches) if m.field in money and m.unit == 1.0]
    unit = (
        title_statement(cells, above, excel_row, lambda v: stated_unit(v, schema))
        if targets
        else None
    )
    if unit is not None:
        (mult, words), row = unit
        for k in targets:
            out[k] = replace(out[k], unit=mult)
            findings.append(
                Finding(
                    "ingest.sheet-unit",
                    "info",
                    f"the sheet states '{words.strip()}' above its table (row {row}): bare numbers "
                    f"under '{matches[k].header}' are read in that unit (x{mult:g})",
                    file,
                    sheet,
                    row=row,
                    column=matches[k].column,
                    field=matches[k].field or "",
                    original=words.strip(),
                    value=f"{mult:g}",
                    action="changed",
                )
            )
    targets = [k for k, m in enumerate(matches) if m.field in money and not m.currency]
    ccy = (
        title_statement(cells, above, excel_row, lambda v: stated_currency(v, schema))
        if targets
        else None
    )
    if ccy is not None:
        (code, words, note), row = ccy
        for k in targets:
            out[k] = replace(out[k], currency=code)
            findings.append(
                Finding(
                    "ingest.sheet-currency",
                    "warning" if note else "info",
                    f"the sheet states '{words}' above its table (row {row}): amounts under "
                    f"'{matches[k].header}' that name no currency are read as {code}"
                    + (f" ({note})" if note else ""),
                    file,
                    sheet,
                    row=row,
                    column=matches[k].column,
                    field=matches[k].field or "",
                    original=words,
                    value=code,
                    action="changed",
                )
            )
    return out, findings


# the number of a formatted amount: $15,000 / 1,234.50 USD / €999 monthly
_FORMATTED_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def apply_cents(
    body: pd.DataFrame, matches: list[ColumnMatch], schema: Schema, file: str, sheet: str
) -> tuple[list[ColumnMatch], list[Finding]]:
    """An amount column in cents beside its own formatted copy (Close exports an opportunity's
    ``value`` in cents with ``value_formatted``: 1500000 beside '$15,000'): where every row
    that has both shows the amount 100 times the formatted number (at least two rows, none
    equal), the bare numbers are read x0.01, with one finding. ``body``'s columns are the
    matches' ``index``."""
    money = {f.name for f in schema.fields if f.type == "amount"}
    out, findings = list(matches), []
    for k, m in enumerate(matches):
        if m.field not in money or m.unit != 1.0 or m.index not in body.columns:
            continue
        key = header_key(m.header)
        for other in matches:
            if (
                other.field is not None
                or other.index not in body.columns
                or not key
                or not header_key(other.header).startswith(key)
                or header_key(other.header) == key
            ):
                continue
            cents = same = 0
            for raw, shown in zip(body[m.index].tolist(), body[other.index].tolist(), strict=True):
                amount, number = _plain_number(raw), _shown_number(shown)
                if amount is None or number is None or amount == 0:
                    continue
                if abs(amount / 100 - number) <= 0.5 + 0.005 * abs(number):
                    cents += 1
                elif abs(amount - number) <= 0.5 + 0.005 * abs(number):
                    same += 1
                else:
                    cents = -1  # a row that is neither: the columns say different things
                    break
            if cents < 2 or same:
                continue
            out[k] = replace(m, unit=0.01)
            findings.append(
                Finding(
                    "ingest.amount-in-cents",
                    "info",
                    f"'{m.header}' holds 100 times the amounts '{other.header}' shows on each "
                    f"of {cents} rows ({m.header} in cents): bare numbers read x0.01",
                    file,
                    sheet,
                    column=m.column,
                    field=m.field or "",
                    original=other.header,
                    value="0.01",
                    action="changed",
                )
            )
            break
    return out, findings


def _plain_number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return None if value != value else float(value)
    text = str(value).strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def _shown_number(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    m = _FORMATTED_NUMBER.search(value)
    return float(m.group(0).replace(",", "")) if m else None
