"""A unit the sheet states above its table: 単位：万円 in the title block applies to its amounts.

Japanese trackers and reports state the unit of their money columns once, in the title block
(``単位：千円``, ``（単位：万円）``, ``金額単位：万円（税抜）``) or in English (``in thousands of
yen``, ``Amounts in JPY thousands``), rather than in every header. A bare 1200 under 金額 is
then 12,000,000 yen. The statement must name the unit as one (単位 / unit / in ... thousands):
a title that merely holds 万 (見込み100万超の案件) states nothing. The sheet's unit applies to its
amount columns whose own header announces none; a header's unit always wins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import pandas as pd

from ...columns import ColumnMatch
from ...findings import Finding
from ...headers import header_key
from ...schema import Schema

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
    targets = [k for k, m in enumerate(matches) if m.field in money and m.unit == 1.0]
    if not targets or not above:
        return matches, []
    found: tuple[float, str, int] | None = None
    for pos, row in zip(above, excel_row):
        for value in cells.iloc[pos].tolist():
            if isinstance(value, str) and value.strip():
                hit = stated_unit(value, schema)
                if hit is not None:
                    found = (hit[0], hit[1], row)
                    break
        if found:
            break
    if found is None:
        return matches, []
    mult, words, row = found
    out = list(matches)
    findings = []
    for k in targets:
        out[k] = replace(matches[k], unit=mult)
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
