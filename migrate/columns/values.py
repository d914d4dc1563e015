"""What a column's values are: e-mails, phones, dates, amounts, company or person names.

A sample of one column's cells in, the kind most of them have with its share out
(:func:`sniff_column`), plus the finer tests the mapping uses (mobile numbers).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..headers import header_key, nfkc

if TYPE_CHECKING:
    from ..bundle import Rules

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


def legal_forms(rules_dir: str | Rules | None) -> re.Pattern[str] | None:
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


def _stage_words(rules_dir: str | Rules | None) -> frozenset[str]:
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


@dataclass(frozen=True)
class ValueProfile:
    """What the values of one column are: the share of each kind among its non-empty values."""

    n: int  # non-empty values looked at
    distinct: int  # distinct values among them
    shares: dict[str, float]  # kind -> share of the non-empty values

    def best(self) -> tuple[str | None, float]:
        """The kind most values have, and its share (None when no kind has any)."""
        if not self.shares:
            return None, 0.0
        kind = max(self.shares, key=lambda k: (self.shares[k], -_KINDS.index(k)))
        share = self.shares[kind]
        return (kind, share) if share > 0 else (None, 0.0)

    @property
    def repeats(self) -> bool:
        """Few distinct values, each repeated: our own reps down a column, not their contacts."""
        return self.n >= 6 and self.distinct <= 0.5 * self.n


# the order breaks ties: the narrower kind first (an e-mail also looks like text, a stage
# word like a name)
_KINDS = (
    "email",
    "url",
    "phone",
    "date",
    "amount",
    "probability",
    "stage",
    "company",
    "known-company",
    "person",
    "number",
)
# what a value kind says a column is (people's names: the owner when few names repeat)
SNIFF_FIELD = {
    "email": "email",
    "url": "website",
    "phone": "phone",
    "probability": "probability",
    "stage": "stage",
    "company": "company_name",
    "known-company": "company_name",
    "amount": "amount",
    "person": "contact_name",
}
KIND_TEXT = {
    "email": "e-mail addresses",
    "url": "web addresses",
    "phone": "phone numbers",
    "date": "dates",
    "amount": "amounts (a currency or a unit)",
    "probability": "percentages",
    "stage": "stage words of rules/stages.yaml",
    "company": "company names (a legal form of normalize.yaml)",
    "known-company": "company names found in another source",
    "person": "people's names",
    "number": "numbers",
}


def profile_column(
    values: Sequence[object],
    rules_dir: str | None = None,
    known_companies: frozenset[str] = frozenset(),
) -> ValueProfile:
    """The kinds of a column's non-empty values: e-mails, phones, dates, amounts, companies,
    people's names ... each with its share (``known_companies``: company keys of other sources)."""
    raw = [v for v in values if v is not None and not isinstance(v, bool) and str(v).strip()]
    vals = [nfkc(str(v)).strip() for v in raw]
    n = len(vals)
    if not n:
        return ValueProfile(0, 0, {})
    rules = _bundle(rules_dir)
    stage_words = _stage_words(rules)
    legal = legal_forms(rules)
    people = _people(rules)
    # each kind is asked of each distinct text once and counted as often as the text stands
    # (a column repeats its owners, stages and companies; a folder of trackers asks this of
    # every file's first 500 rows); dates and numbers also count typed cells
    times = Counter(vals)
    texts = list(times)

    def total(flags: Iterable[object]) -> int:
        return sum(t for t, f in zip(times.values(), flags) if f)

    company = [bool(legal and legal.search(v.casefold())) for v in texts]
    known = [
        bool(known_companies) and not c and company_key(v, legal) in known_companies
        for v, c in zip(texts, company)
    ]
    date_text = {v: bool(_DATE.match(v)) for v in texts}
    number_text = {v: bool(_NUMBER.match(v)) for v in texts}
    counts = {
        "email": total(_EMAIL.match(v) for v in texts),
        "url": total(_URL.match(v) and "@" not in v for v in texts),
        "phone": total(
            _PHONE.match(v)
            and 9 <= sum(c.isdigit() for c in v) <= 15
            and (not v.isdigit() or v.startswith("0"))
            for v in texts
        ),
        "date": sum(
            isinstance(r, (dt.date, dt.datetime)) or date_text[v] for r, v in zip(raw, vals)
        ),
        "amount": total(_AMOUNT.match(v.replace(" ", "")) for v in texts),
        "probability": total(_PROB.match(v) for v in texts),
        "stage": total(header_key(v) in stage_words for v in texts) if stage_words else 0,
        "company": total(company),
        "known-company": total(known),
        "person": total(
            not c and not k and _is_person(v, people) for v, c, k in zip(texts, company, known)
        ),
        "number": sum(isinstance(r, (int, float)) or number_text[v] for r, v in zip(raw, vals)),
    }
    return ValueProfile(n, len(times), {k: counts[k] / n for k in _KINDS})


def _bundle(rules_dir: str | None) -> str | Rules | None:
    """The rules bundle, found once for the lookups of one column (finding it looks at every
    rule file's date); when it cannot be read, the directory: each lookup meets the error
    itself and takes its default."""
    from ..bundle import load_rules_bundle
    from ..errors import RuleFileError

    try:
        return load_rules_bundle(rules_dir)
    except RuleFileError:
        return rules_dir


def looks_like_value(
    text: str, rules_dir: str | None = None, *, legal: re.Pattern[str] | None | bool = True
) -> bool:
    """A cell that is a value, not a column name: an e-mail, a phone number, a date, or a
    company name with its legal form.

    ``legal``: the pattern of :func:`legal_forms` when the caller asks for many cells (finding
    it costs a look at every rule file); by default it is looked up here."""
    v = nfkc(str(text)).strip()
    if _EMAIL.match(v) or _DATE.match(v):
        return True
    if _PHONE.match(v) and 9 <= sum(c.isdigit() for c in v) <= 15:
        return True
    pattern = legal_forms(rules_dir) if legal is True else legal
    return bool(pattern and pattern.search(v.casefold()))


def sniff_column(values: Sequence[str], rules_dir: str | None = None) -> tuple[str | None, float]:
    """The value type most of a column's values have: (type, share of non-empty values)."""
    profile = profile_column(values, rules_dir)
    shares = {k: v for k, v in profile.shares.items() if k in _SNIFF_KINDS}
    return ValueProfile(profile.n, profile.distinct, shares).best()


# the kinds sniff_column has always reported (person names and numbers are the mapping's)
_SNIFF_KINDS = ("email", "url", "phone", "date", "amount", "probability", "stage", "company")
_NUMBER = re.compile(r"^[-+]?[\d,]+(?:\.\d+)?\s?(?:[kKmM万億千]|円|万円|千円|百万円?|億円?)?$")
_PUNCT = re.compile(r"[\s\W_]+")


def company_key(name: str, legal: re.Pattern[str] | None) -> str:
    """A company name as a key across sources: NFKC, lower case, legal forms and punctuation
    dropped (株式会社ニッチツ, ニッチツ and (株)ニッチツ are one key)."""
    t = nfkc(str(name)).casefold()
    if legal is not None:
        t = legal.sub("", t)
    return _PUNCT.sub("", t)


def company_keys(values: Sequence[object], rules_dir: str | None = None) -> frozenset[str]:
    """The company keys of a column of company names (two characters or more)."""
    legal = legal_forms(rules_dir)
    keys = (company_key(str(v), legal) for v in values if v is not None and str(v).strip())
    return frozenset(k for k in keys if len(k) >= 2)


@dataclass(frozen=True)
class _People:
    surnames: frozenset[str]
    suffixes: tuple[str, ...]
    prefixes: tuple[str, ...]
    not_names: frozenset[str] = frozenset()  # folded words no Latin name holds (Sales, Team)
    # the honorifics for one endswith / startswith before their loops (most values have none)
    any_suffix: tuple[str, ...] = field(init=False)
    any_prefix: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "any_suffix", tuple(s for s in self.suffixes if s))
        object.__setattr__(self, "any_prefix", tuple(p + " " for p in self.prefixes if p))


def _people(rules_dir: str | Rules | None) -> _People:
    """Surnames and honorifics of rules/normalize.yaml ``people``."""
    from ..bundle import load_rules_bundle
    from ..errors import RuleFileError

    try:
        p = load_rules_bundle(rules_dir).normalize.people
    except RuleFileError:
        return _People(frozenset(), (), ())
    return _People(
        p.surnames, tuple(p.honorific_suffixes), tuple(p.honorific_prefixes), p.not_name_words
    )


_KANJI_NAME = re.compile(r"^[\u4e00-\u9fff々]{1,4}[ \u3000][\u4e00-\u9fff々\u3040-\u30ffー]{1,4}$")
_KANJI_PLAIN = re.compile(r"^[\u4e00-\u9fff々]{2,4}$")
_KANA_NAME = re.compile(r"^[\u30a0-\u30ffー]{2,8}[ \u3000・][\u30a0-\u30ffー]{2,8}$")
_LATIN_NAME = re.compile(
    r"^(?:[A-Z][a-z'’-]+(?: [A-Z]\.)? [A-Z][a-z'’-]+|[A-Z][a-z'’-]+, [A-Z][a-z'’-]+)$"
)


def looks_like_person(text: str, rules_dir: str | None = None, *, alone: bool = False) -> bool:
    """A person's name by the test the column sniff uses (a listed surname, a full name).

    ``alone``: the text is one name on its own (a sheet's name), not a cell among a column's:
    kanji without a space count only when they are a listed surname whole (関 is a surname,
    関西 a region)."""
    v = nfkc(str(text)).strip()
    people = _people(rules_dir)
    if alone and _KANJI_PLAIN.match(v):
        return v in people.surnames
    return _is_person(v, people)


def _is_person(value: str, people: _People) -> bool:
    """A person's name: 山田 太郎, 山本様, 山田太郎 (a listed surname), ヤマダ タロウ, Taro Yamada."""
    v = value.strip()
    if v.endswith(people.any_suffix):  # one test for all before the loop (most values: none)
        for s in people.suffixes:
            if s and v.endswith(s) and 1 <= len(v) - len(s) <= 8 and not v[: -len(s)].isdigit():
                return True
    if v.startswith(people.any_prefix):
        for p in people.prefixes:
            if p and v.startswith(p + " ") and v[len(p) + 1 :].strip()[:1].isupper():
                return True
    if _LATIN_NAME.match(v):  # Sales Pipeline, Inside Sales: words of the trade, no person
        return not any(w.casefold() in people.not_names for w in re.split(r"[ ,.]+", v))
    if _KANJI_NAME.match(v) or _KANA_NAME.match(v):
        return True
    # a listed surname starts it: its prefixes looked up (two to four kanji), not every surname
    return bool(_KANJI_PLAIN.match(v)) and (
        "" in people.surnames or any(v[:k] in people.surnames for k in range(1, len(v) + 1))
    )


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
