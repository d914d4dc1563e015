"""Header text as a lookup key: how a header cell is compared with the synonyms of a field.

Shared by the schema (which checks that no two fields claim the same synonym) and the column
mapping, so neither imports the other for it: NFKC, case, brackets, punctuation and
必須/required marks are set aside, and :func:`header_key_bare` also drops bracketed parts
(units, notes).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_BRACKETS = "()（）[]［］【】「」『』<>＜＞〈〉《》{}｛｝"
#: A bracketed part of a header: 金額（万円）, Amount (USD), 担当者【必須】.
BRACKETED = re.compile(
    r"[（(\[［【「『<＜〈《{｛][^）)\]］】」』>＞〉》}｝]*[）)\]］】」』>＞〉》}｝]"
)
_PUNCT = re.compile(
    r"[\s・･/／\\_\-‐－―–—.,，、。:：;；#＃№'\"`’”“?？!！*＊※●■◆◇□○◎☆★▲△▼▽~〜～|｜+＋=＝&＆@＠]+"
)
_REQUIRED = re.compile(r"(必須|任意|入力必須|required|optional|mandatory)", re.I)
# a number sign after a word is the word "number" (Account #, Customer #, 顧客#): dropped as
# punctuation it left "account", the company's name (u27: the account ids became the names).
# A "#" standing alone or opening the header (a row counter, "# of Employees") is dropped.
_NUMBER_SIGN = re.compile(r"(?<=[^\s#])\s*#")


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width letters and digits as ASCII, half-width kana as full-width."""
    return unicodedata.normalize("NFKC", text)


_DROP_BRACKETS = {ord(c): None for c in _BRACKETS}


@lru_cache(maxsize=65536)
def header_key(text: str) -> str:
    """Header as a lookup key: NFKC, lower case, brackets and punctuation dropped, contents kept."""
    t = nfkc(str(text)).casefold()
    t = _REQUIRED.sub("", t)
    t = _NUMBER_SIGN.sub("no", t)
    t = t.translate(_DROP_BRACKETS)
    return _PUNCT.sub("", t)


def header_key_bare(text: str) -> str:
    """Header as a lookup key with bracketed parts (units, notes) removed."""
    t = nfkc(str(text))
    t = BRACKETED.sub("", t)
    return header_key(t)
