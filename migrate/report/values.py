"""Reading record values the way the report needs them, masking PII, guessing the language.

The records frame holds canonical values once normalize has run (amount float, dates
'YYYY-MM-DD', ...) and raw cells before it; these helpers accept both, so the report works at
every stage of the pipeline's construction. Nothing here changes a value that is written to
an import file: the report only reads.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..columnar import coded_by_value, map_values, taken_texts

_DATE_RE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_EMAIL_RE = re.compile(r"([A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]*@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
# phone numbers in free text: E.164 (+81312345678), or national forms with separators
# (03-1234-5678, (03) 1234-5678, +81 3 5555 0101); plain digit runs are left alone because
# they are more often amounts or ids than phone numbers
_PHONE_RE = re.compile(
    r"(?<![\w.,])(?:\+\d{1,3}[\s\-]?\(?\d{1,4}\)?(?:[\s\-]?\d{1,4}){1,3}|\+\d{8,15}"
    r"|\(?0\d{1,4}\)?[\s\-]\d{1,4}[\s\-]\d{3,4})(?![\w])"
)
_JA_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
PHONE_FIELDS = ("phone", "mobile_phone")
PII_FIELDS = ("email", *PHONE_FIELDS)


def is_blank(value: object) -> bool:
    """True for None, NaN and text that is empty after trimming."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def filled(series: pd.Series) -> pd.Series:
    """Boolean mask: the value is not blank."""
    if series.empty:
        return pd.Series([], dtype=bool, index=series.index)
    return ~map_values(series, is_blank, dtype=bool)


def texts(series: pd.Series) -> pd.Series:
    """:func:`text` of every value (each distinct value once), on the same index."""
    return map_values(series, text)


def per_value(series: pd.Series, fn: Any) -> pd.Series:
    """``series.map(fn)`` (the same values and dtype), calling ``fn`` once per distinct value;
    answers that are all texts are taken in Arrow by the values' codes, not a list of every
    cell for pandas to infer and convert (:func:`~migrate.columnar.taken_texts`)."""
    if not len(series):
        return series.map(fn)
    codes, answers = coded_by_value(series, fn)
    return pd.Series(taken_texts(answers, codes), index=series.index)


def text(value: object) -> str:
    """A value as trimmed text ("" when blank)."""
    if is_blank(value):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_number(value: object) -> float | None:
    """A number from a float/int, or from text such as '1,200,000' or '50%'; else None."""
    if is_blank(value) or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    t = str(value).strip().replace(",", "").replace("%", "").replace("¥", "").replace("$", "")
    try:
        f = float(t)
    except ValueError:
        return None
    return None if math.isnan(f) else f


def to_date(value: object) -> dt.date | None:
    """A date from a date/datetime or from text starting 'YYYY-MM-DD' (or / .); else None."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    m = _DATE_RE.match(str(value))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of the frame, or a column of None when the frame has no such column."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


# ------------------------------------------------------------------------------- masking


def mask_email(value: str) -> str:
    """t.yamada@example.co.jp -> t***@example.co.jp."""
    return _EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", value)


def mask_phone(value: str) -> str:
    """+81312345678 -> +81******78; 03-1234-5678 -> 0*-****-**78 (separators kept)."""
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) < 4:
        return value
    keep_head = 2 if value.lstrip().startswith("+") else 1
    keep = set(digits[:keep_head]) | set(digits[-2:])
    return "".join("*" if ch.isdigit() and i not in keep else ch for i, ch in enumerate(value))


def mask_text(value: str) -> str:
    """Mask every e-mail address and phone number inside a text."""
    if not value:
        return value
    out = mask_email(value) if "@" in value else value
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), out)


def mask_value(value: object, field: str = "") -> object:
    """Mask a cell: phone fields wholly, any text for e-mails and phone numbers inside it."""
    if is_blank(value) or not isinstance(value, str):
        if field in PHONE_FIELDS and not is_blank(value):
            return mask_phone(text(value))
        return value
    if field in PHONE_FIELDS:
        return mask_phone(value)
    return mask_text(value)


# ------------------------------------------------------------------------------ language


def guess_language(texts: Iterable[object], limit: int = 5000) -> str:
    """'ja' when most of the given texts contain Japanese characters, else 'en'."""
    ja = total = 0
    for v in texts:
        if not isinstance(v, str) or not v.strip() or _looks_technical(v):
            continue
        total += 1
        ja += bool(_JA_RE.search(v))
        if total >= limit:
            break
    return "ja" if total and ja * 2 >= total else "en"


def _looks_technical(v: str) -> bool:
    """E-mails, numbers, dates and URLs say nothing about the language of a tracker."""
    s = v.strip()
    return "@" in s or "://" in s or to_number(s) is not None or _DATE_RE.match(s) is not None


def has_japanese(value: str) -> bool:
    return bool(_JA_RE.search(value))


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for numpy/pandas scalars, dates as ISO text, NaN as None."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (dt.date, dt.datetime)):
        return text(value)
    return value
