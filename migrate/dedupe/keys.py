"""Match keys and content keys: small text helpers the CRM merge builds its records with.

The normaliser has already cleaned every value (NFKC, trimmed, lower-case e-mails, E.164
phones, company match keys). What is left here is specific to matching: a katakana *reading*
of a company name (so ﾔﾏﾀﾞﾃﾞﾝｷ and a 会社名カナ of ヤマダデンキ agree), person-name keys that
ignore spaces and case, id prefixes, and the content keys (``company:<key>``) that ids and
review decisions are tied to. Values from an existing SFA export have not been through the
normaliser, so they get a light fallback (company key, domain, phone) here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_HIRA_TO_KATA = {c: c + 0x60 for c in range(0x3041, 0x3097)}
_KANA_ONLY = re.compile(r"^[\u30A1-\u30FA\u30FC]+$")
_KANA_NOISE = re.compile(r"[\s\u30FB\u00B7・()（）「」\-‐―－]+")
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def text(v: object) -> str:
    """A cell as text: '' for None/NaN."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def katakana(s: str) -> str:
    """NFKC (half-width kana to full width) and hiragana to katakana."""
    return unicodedata.normalize("NFKC", s).translate(_HIRA_TO_KATA)


def is_kana_form(form: str) -> bool:
    """True for a legal form written in kana only, brackets aside (カブシキガイシャ, (カ), ｶ))."""
    return bool(_KANA_ONLY.match(_KANA_NOISE.sub("", katakana(form))))


def kana_reading(s: str, legal_forms: Iterable[str] = ()) -> str:
    """The katakana reading of a name written in kana only, legal forms removed; '' otherwise."""
    forms = tuple(legal_forms)
    k = _KANA_NOISE.sub("", katakana(s))
    if not _KANA_ONLY.match(k) and _all_kana(forms):
        # taking kana forms off either end leaves a letter that is not kana where it was:
        # a kanji or Latin name (nearly all of them) has no reading, whatever its forms
        return ""
    for form in _kana_forms(forms):
        if k.startswith(form):
            k = k[len(form) :]
        if k.endswith(form):
            k = k[: -len(form)]
    return k if len(k) >= 2 and _KANA_ONLY.match(k) else ""


@lru_cache(maxsize=8)
def _all_kana(legal_forms: tuple[str, ...]) -> bool:
    """Whether every form :func:`kana_reading` takes off is written in kana only."""
    return all(_KANA_ONLY.match(f) for f in _kana_forms(legal_forms))


@lru_cache(maxsize=8)
def _kana_forms(legal_forms: tuple[str, ...]) -> tuple[str, ...]:
    forms = (_KANA_NOISE.sub("", katakana(f)) for f in legal_forms)
    return tuple(f for f in sorted(forms, key=len, reverse=True) if f)


def person_key(s: str) -> str:
    """A person's name for matching: NFKC, lower case, no spaces or punctuation."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", s).lower())


def person_words(s: str) -> str:
    """A person's name as lower-case words (token comparisons: 'Taro Yamada' ~ 'Yamada Taro')."""
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", s).lower())).strip()


def company_key(name: str, legal_forms: Iterable[str] = ()) -> str:
    """A fallback company match key (existing-SFA names): NFKC, lower, legal forms and spaces removed."""
    s = unicodedata.normalize("NFKC", name).lower()
    for form, word in _key_forms(tuple(legal_forms)):
        s = word.sub(" ", s) if word is not None else s.replace(form, " ")
    return _NOT_WORD.sub("", s)


@lru_cache(maxsize=8)
def _key_forms(legal_forms: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str] | None], ...]:
    """The forms longest first; a Latin word only as a whole word (co, not the co of costco)."""
    forms = (unicodedata.normalize("NFKC", f).lower() for f in legal_forms)
    return tuple(
        (
            f,
            re.compile(rf"(?<![a-z0-9]){re.escape(f)}(?![a-z0-9])")
            if re.match(r"^\w+$", f) and f.isascii()
            else None,
        )
        for f in sorted(forms, key=len, reverse=True)
        if f
    )


def domain(url: str) -> str:
    """Host of a URL or bare domain, lower case, without www."""
    s = text(url).lower()
    if not s:
        return ""
    s = _URL.sub("", s).split("/")[0].split("?")[0].split("#")[0].split("@")[-1].split(":")[0]
    return s[4:] if s.startswith("www.") else s


def phone(value: str, country_code: str = "81") -> str:
    """A phone number in E.164 as far as digits allow; national numbers get ``country_code``."""
    s = text(value)
    digits = re.sub(r"\D", "", s)
    if not digits:
        return ""
    if s.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return f"+{country_code}{digits[1:]}"
    return "+" + digits if len(digits) > 10 else f"+{country_code}{digits}"


def id_value(v: object) -> str:
    """A tracker's own id as text: 12.0 read from Excel is '12'."""
    if isinstance(v, float) and v == v and v.is_integer():
        return str(int(v))
    return text(v)


def compact(s: str) -> str:
    """Lower case, NFKC, no spaces or punctuation: ``データ基盤構築 導入`` = ``データ基盤構築導入``."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", s).lower()).replace("_", "")
