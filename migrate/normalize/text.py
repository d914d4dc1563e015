"""Text cleaning applied to every value before (and as) normalisation.

In: one raw cell value (str, number, date, bool, None). Out: text in Unicode NFKC (full-width
letters and digits become half-width, half-width katakana full-width, ㈱ becomes (株)), without
zero-width or control characters, trimmed, with runs of spaces (including the ideographic
space U+3000) collapsed to one. Line breaks become spaces, except in multi-line fields
(notes, next action) where they are kept as ``\\n`` and blank lines are squeezed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from .base import is_missing

# Zero-width and invisible formatting characters Excel users paste in from web pages and mails.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e\u061c"))
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES_RE = re.compile(r"[^\S\n]+")
_WS_RE = re.compile(r"\s+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


def to_text(value: object) -> str:
    """The text a user sees in the cell, before any cleaning ("" for empty cells)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ""
        # Excel stores every number as a float: 1001.0 is the ID 1001.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if is_missing(value):  # pd.NA, pd.NaT
        return ""
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        import numpy as np

        if isinstance(value, np.generic):
            return to_text(value.item())
    except ImportError:  # pragma: no cover - numpy comes with pandas
        pass
    return str(value)


_SPACED_MARK_RE = re.compile(r"\s+(?=[\u0300-\u036f])")


def clean_text(value: object, *, multiline: bool = False) -> str:
    """NFKC, invisible characters removed, spaces collapsed, trimmed ("" when empty)."""
    s = value if type(value) is str else to_text(value)
    if not s:
        return ""
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
        if _SPACED_MARK_RE.search(s):
            # NFKC writes a spacing accent (¯ ´ ¨ ¸) as a space and a combining mark: the mark
            # goes back onto the character before it (over any space), so no space splits a word
            s = unicodedata.normalize("NFKC", _SPACED_MARK_RE.sub("", s))
        if not s.isprintable():
            s = s.translate(_INVISIBLE)
    if s.isprintable():  # the common case: no line breaks, tabs or invisible characters
        if "  " in s:
            s = _WS_RE.sub(" ", s)
        return s.strip()
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _CONTROL_RE.sub("", s)
    if not multiline:
        return _WS_RE.sub(" ", s).strip()
    lines = [_SPACES_RE.sub(" ", line).strip() for line in s.split("\n")]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip("\n ")


def fold(text: str) -> str:
    """Comparison form of a short word: NFKC, case-folded, trimmed."""
    return clean_text(text).casefold()


def placeholder_set(words: Iterable[str]) -> frozenset[str]:
    """The folded forms of placeholder words ("未定", "TBD", "-")."""
    return frozenset(fold(w) for w in words)


def is_placeholder(text: str, placeholders: frozenset[str]) -> bool:
    """True when cleaned text is a "no value" marker such as 未定, TBD, N/A or a lone dash."""
    return bool(text) and text.casefold() in placeholders


def is_cjk(text: str) -> bool:
    """True when the text contains Japanese/Chinese script (kanji, kana)."""
    return any(
        "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
        for ch in text
    )
