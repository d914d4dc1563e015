"""How wide a text is on a terminal: a kanji, kana or full-width letter takes two columns.

``str.ljust`` counts characters, so a table whose cells hold Japanese lines up only when it
pads by columns; the run's progress line and the check's table both measure with these."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes."""
    return sum(_width(ch) for ch in text)


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def fit(text: str, room: int) -> str:
    """``text`` cut to ``room`` terminal columns, ending in "…" when cut."""
    if display_width(text) <= room:
        return text
    out, used = [], 0
    for ch in text:
        if used + _width(ch) > room - 1:
            break
        out.append(ch)
        used += _width(ch)
    return "".join(out) + "…"


def ljust(text: str, room: int) -> str:
    """``text`` padded on the right to ``room`` columns."""
    return text + " " * max(0, room - display_width(text))


def rjust(text: str, room: int) -> str:
    """``text`` padded on the left to ``room`` columns."""
    return " " * max(0, room - display_width(text)) + text
