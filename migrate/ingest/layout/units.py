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
