"""What a column's values are: e-mails, phones, dates, amounts, company or person names.

A sample of one column's cells in, the kind most of them have with its share out
(:func:`sniff_column`), plus the finer tests the mapping uses (mobile numbers).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..headers import header_key, nfkc

_EMAIL = re.compile(r"^(?:.*<)?(?:mailto:)?[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}>?$")
_URL = re.compile(
    r"^(?:https?://|www\.)\S+$|^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|jp|co\.jp|io|biz|info|co|ne\.jp|or\.jp|ac\.jp|go\.jp|de|uk|us)(?:/\S*)?$",
    re.I,
)
_PHONE = re.compile(
    r"^(?:\+\d{1,3}[\s-]?)?\(?0?\d{1,4}\)?[\s-]?\d{1,4}[\s-]?\d{3,4}(?:\s*(?:\(.*\)|内線.*|ext\.?.*|x\d+))?$",
    re.I,
)
_DATE = re.compile(
    r"^(?:\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|[RHSTrhst令平昭大㋿]\D{0,2}\d{1,2}[./年]\d{1,2}(?:[./月]\d{1,2}日?)?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}"
    r"|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4})$",
    re.I,
)
_AMOUNT = re.compile(
    r"^(?:[¥$€£]|JPY|USD|EUR)\s?-?[\d,]+(?:\.\d+)?\s?[kKmM万億千]?$|^-?[\d,]+(?:\.\d+)?\s?(?:円|万円?|千円|億円?|百万円?)$"
)
_PROB = re.compile(r"^\d{1,3}(?:\.\d+)?\s?%$")
SNIFF_FIELD = {
    "email": "email",
    "url": "website",
    "phone": "phone",
    "probability": "probability",
    "stage": "stage",
    "company": "company_name",
    "amount": "amount",
}


def _legal_forms(rules_dir: str | None) -> re.Pattern[str] | None:
    """A pattern of the legal forms of rules/normalize.yaml (a column of them is company names)."""
    from ..bundle import load_rules_bundle
    from ..errors import RuleFileError

    try:
        spellings = load_rules_bundle(rules_dir).legal_form_spellings
    except RuleFileError:
        return None
    return _legal_pattern(spellings)


@lru_cache(maxsize=8)
def _legal_pattern(spellings: tuple[str, ...]) -> re.Pattern[str] | None:
    # kana-only bank marks (カ), (ユ) are left out: a name in kana is not a company for them;
    # Latin forms count as whole words (Co., not the co of Costco)
    words, texts = [], []
    for s in sorted({nfkc(s).casefold() for s in spellings}, key=lambda s: (-len(s), s)):
        if s.isascii():
            words.append(re.escape(s))
        elif _KANJI_OR_MARK.search(s):
            texts.append(re.escape(s))
    parts = texts + ([rf"(?<![a-z0-9])(?:{'|'.join(words)})(?![a-z0-9])"] if words else [])
    return re.compile("|".join(parts)) if parts else None


# a kanji (株式会社, (株)) or an enclosed mark (㈱, ㈲)
_KANJI_OR_MARK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3200-\u32ff]")


def _stage_words(rules_dir: str | None) -> frozenset[str]:
    from ..bundle import load_rules_bundle
    from ..errors import RuleFileError

    try:
        vocabulary = load_rules_bundle(rules_dir).stage_vocabulary
    except RuleFileError:
        return frozenset()
    return _header_keys(vocabulary.listed)


@lru_cache(maxsize=8)
def _header_keys(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k for k in map(header_key, words) if k)


def sniff_column(values: Sequence[str], rules_dir: str | None = None) -> tuple[str | None, float]:
    """The value type most of a column's values have: (type, share of non-empty values)."""
    vals = [nfkc(v).strip() for v in values if v is not None and str(v).strip()]
    if not vals:
        return None, 0.0
    n = len(vals)
    stage_words = _stage_words(rules_dir)
    legal = _legal_forms(rules_dir)
    scores = {
        "email": sum(bool(_EMAIL.match(v)) for v in vals) / n,
        "url": sum(bool(_URL.match(v)) and "@" not in v for v in vals) / n,
        "phone": sum(
            bool(_PHONE.match(v))
            and 9 <= sum(c.isdigit() for c in v) <= 15
            and (not v.isdigit() or v.startswith("0"))
            for v in vals
        )
        / n,
        "date": sum(bool(_DATE.match(v)) for v in vals) / n,
        "amount": sum(bool(_AMOUNT.match(v.replace(" ", ""))) for v in vals) / n,
        "probability": sum(bool(_PROB.match(v)) for v in vals) / n,
        "stage": sum(header_key(v) in stage_words for v in vals) / n if stage_words else 0.0,
        "company": sum(bool(legal.search(v.casefold())) for v in vals) / n if legal else 0.0,
    }
    typ = max(scores, key=lambda k: scores[k])
    return (typ, scores[typ]) if scores[typ] > 0 else (None, 0.0)


def _mostly_mobile(values: Sequence[object], rules_dir: str | None = None) -> bool:
    """Most values are Japanese mobile numbers (070/080/090, +81 70/80/90: the
    mobile_number_prefixes of rules/normalize.yaml)."""
    from ..bundle import load_rules_bundle
    from ..errors import RuleFileError

    try:
        prefixes = load_rules_bundle(rules_dir).normalize.phones.mobile_number_prefixes
    except RuleFileError:
        return False
    mobile = _mobile_pattern(prefixes)
    if mobile is None:
        return False
    vals = [nfkc(str(v)).strip() for v in values if v is not None and str(v).strip()]
    return bool(vals) and sum(bool(mobile.match(v)) for v in vals) >= 0.8 * len(vals)


@lru_cache(maxsize=8)
def _mobile_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str] | None:
    if not prefixes:
        return None
    alternatives = "|".join(map(re.escape, sorted(prefixes, key=lambda p: (-len(p), p))))
    return re.compile(rf"^(?:\+81[\s-]?|0)(?:{alternatives})")
