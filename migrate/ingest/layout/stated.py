"""The date a sheet says its figures are of, stated in the title block above its table.

A ヨミ表 is headed ``最終更新：2026/1/20``, a report ``作成日時: 2025/09/30 18:05`` or
``2026年1月20日現在``, an English sheet ``As of 2026-01-20`` or ``Last updated: Jan 20, 2026``.
That is the day the sheet's rows were last known true, the team's own statement: a file named
for its month (``ヨミ表_2026年1月``) says only the month, and the day a workbook was saved moves
whenever someone opens and saves it again. Only a statement counts: the date must stand right
after one of ``stated_dates.before`` (更新, 作成日時, as of ...) or right before one of
``stated_dates.after`` (現在, 時点 ...) in rules/ingest.yaml. A title's period (期間
2025/4/1〜2026/3/31), a date inside its name (2026年度 計画) and a forecast's day (2026年3月末
時点見込み) state nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ...normalize.dates import tokenize
from .model import IngestRules

# a day written as people write it in a title: 2026/1/20, 2026-01-20, 2026年1月20日, 2026.1.20,
# 20260120, 令和8年1月20日 / R8.1.20, 2026年1月末, Jan 20, 2026, 20 January 2026
_DAY = (
    r"(?:(?:令和|平成|R|H)\s*(?:\d{1,2}|元)\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?"
    r"|\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*(?:\d{1,2}\s*日?|末)"
    r"|(?<!\d)\d{8}(?!\d)"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4})"
)
# 2026年3月末時点見込み, 時点の予測: a forecast for that day, not the day the rows are of
_FORECAST = r"(?:見込|見通し|予測|予想|予定|目標|計画|着地)"
# between the word and the date: a colon, spaces, 「は」, an opening bracket
_GAP = r"\s*(?:[:：=＝]|は)?\s*[(（\[【]?\s*"
# after the date: its time (18:05), weekday ((火)), then the word
_TAIL = r"\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:[(（][^)）]{1,3}[)）])?\s*"


@lru_cache(maxsize=8)
def _patterns(before: tuple[str, ...], after: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    def words(ws: tuple[str, ...]) -> str:
        return "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True))

    found = []
    if before:
        found.append(re.compile(rf"(?:{words(before)}){_GAP}(?P<day>{_DAY})", re.I))
    if after:
        found.append(
            re.compile(rf"(?P<day>{_DAY}){_TAIL}(?:{words(after)})(?!\s*の?{_FORECAST})", re.I)
        )
    return tuple(found)


def stated_date(
    text: str, rules: IngestRules, rules_dir: str | None = None
) -> tuple[str, str] | None:
    """(ISO date, the words that state it) when ``text`` states the day the sheet is of."""
    from ...normalize.config import load_rules

    t = unicodedata.normalize("NFKC", text)
    for pattern in _patterns(rules.stated_date_before, rules.stated_date_after):
        for m in pattern.finditer(t):
            token = tokenize(re.sub(r"\s+", " ", m.group("day")).strip(), load_rules(rules_dir))
            if token.kind == "full" and token.date is not None:
                # the words as written (full-width colon and digits) when NFKC kept the length
                words = text[m.start() : m.end()] if len(t) == len(text) else m.group(0)
                return token.date.isoformat(), words.strip()
    return None
