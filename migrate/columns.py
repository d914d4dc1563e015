"""Column mapping: which canonical field each source column holds.

Headers and a sample of each column's values in, one :class:`ColumnMatch` per column out.
Matching, in order of trust: an exact synonym from rules/columns.yaml after normalisation
(NFKC, case, spaces, brackets, punctuation; unit hints like 万円 or (USD) set aside), a
synonym contained in a longer header (顧客担当者メールアドレス), a fuzzy match (rapidfuzz) with
its confidence, then content sniffing (a column of e-mail addresses is ``email`` whatever its
header says). Each field goes to one column per sheet; the other columns stay unmapped and
are kept as ``extra:<header>``, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from .headers import BRACKETED, header_key, header_key_bare, nfkc
from .schema import Schema

__all__ = [
    "ColumnMatch",
    "header_key",
    "header_key_bare",
    "map_columns",
    "match_header",
    "sniff_column",
    "unit_hints",
]


@dataclass(frozen=True)
class ColumnMatch:
    """How one source column maps onto the canonical schema."""

    index: int  # position in the sheet's used range (0-based)
    column: str  # Excel column letter(s)
    header: str  # header text as written (two-row headers combined with " / ")
    field: str | None  # canonical field, None when unmapped
    confidence: float  # 0..1
    method: str  # exact | contains | fuzzy | sniff | ambiguous | mapping | none
    unit: float = 1.0  # multiplier for bare numbers (金額（万円） -> 10000)
    currency: str = ""  # currency from the header ((USD) -> USD)
    note: str = ""

    def to_json(self) -> dict:
        return {
            "header": self.header,
            "column": self.column,
            "field": self.field,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class _Index:
    exact: dict[str, str]  # synonym key -> field
    keys: tuple[str, ...]
    fields: tuple[str, ...]
    ambiguous: dict[str, tuple[str, ...]]
    types: dict[str, str]
    abbreviations: dict[str, str]
    keywords: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (field, any, with)
    # synonyms that may stand inside a longer header (see _contained), sorted by script once:
    # CJK ones (2+ characters) are looked for in the header, Latin ones (4+ letters) looked up
    cjk_synonyms: tuple[tuple[str, str], ...]
    latin_synonyms: dict[str, str]
    # the keyword rules split by script: Latin words are looked up among the header's words,
    # the others found in its text once per header (not once per rule)
    keyword_sets: tuple[_KeywordRule, ...]
    keyword_texts: tuple[str, ...]


@dataclass(frozen=True)
class _KeywordRule:
    field: str
    any_words: frozenset[str]  # Latin
    any_texts: frozenset[str]  # other scripts: by substring
    with_words: frozenset[str]
    with_texts: frozenset[str]

    def holds(self, words: set[str], texts: set[str]) -> bool:
        if self.any_words.isdisjoint(words) and self.any_texts.isdisjoint(texts):
            return False
        if not (self.with_words or self.with_texts):
            return True
        return not (self.with_words.isdisjoint(words) and self.with_texts.isdisjoint(texts))


@lru_cache(maxsize=8)
def _index(schema: Schema, rules_dir: str | None) -> _Index:
    exact: dict[str, str] = {}
    for f in schema.fields:
        for s in (*f.synonyms, f.name):
            exact.setdefault(header_key(s), f.name)
    # the header vocabulary comes with the schema (columns.yaml, read and checked once)
    amb = {header_key(k): v for k, v in schema.ambiguous}
    abbr = {k.casefold(): v for k, v in schema.abbreviations}
    kw = tuple(
        (
            r.field,
            tuple(nfkc(w).casefold() for w in r.any),
            tuple(nfkc(w).casefold() for w in r.with_),
        )
        for r in schema.keywords
    )
    keys = tuple(exact)
    types: dict[str, str] = {f.name: f.type for f in schema.fields}
    cjk = tuple((k, f) for k, f in exact.items() if _is_cjk(k) and len(k) >= 2)
    latin = {k: f for k, f in exact.items() if not _is_cjk(k) and len(k) >= 4}
    rules = tuple(
        _KeywordRule(
            f,
            frozenset(w for w in any_ if w.isascii()),
            frozenset(w for w in any_ if not w.isascii()),
            frozenset(w for w in with_ if w.isascii()),
            frozenset(w for w in with_ if not w.isascii()),
        )
        for f, any_, with_ in kw
    )
    texts = tuple(sorted({w for f, a, w_ in kw for w in (*a, *w_) if not w.isascii()}))
    return _Index(
        exact, keys, tuple(exact[k] for k in keys), amb, types, abbr, kw, cjk, latin, rules, texts
    )


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TOKEN = re.compile(r"[a-z0-9]+|#")


def _tokens(header: str) -> list[str]:
    """Latin words of a header: snake_case, camelCase, spaces and punctuation split."""
    t = _CAMEL.sub(" ", nfkc(str(header)))
    return _TOKEN.findall(t.casefold())


def _expanded(header: str, idx: _Index) -> str:
    toks = _tokens(header)
    if not toks or not any(t in idx.abbreviations for t in toks):
        return ""
    cjk = "".join(ch for ch in nfkc(header) if _is_cjk(ch))
    return cjk + " ".join(idx.abbreviations.get(t, t) for t in toks)


def _keyword_match(header: str, idx: _Index) -> str | None:
    """The first keyword rule whose words the header holds (CJK by substring, latin by word)."""
    text = nfkc(str(header)).casefold()
    raw = _tokens(header)
    toks = set(raw) | {idx.abbreviations.get(t, t) for t in raw}
    found = {w for w in idx.keyword_texts if w in text}
    for rule in idx.keyword_sets:
        if rule.holds(toks, found):
            return rule.field
    return None


def unit_hints(header: str, schema: Schema) -> tuple[float, str]:
    """The multiplier and currency a header announces for bare numbers (金額（万円）, Amount (USD))."""
    h = nfkc(str(header))
    segments = [m.group(0)[1:-1] for m in BRACKETED.finditer(h)]
    tail = h.strip()[-6:]
    places = segments + [tail]
    unit = 1.0
    for frag, mult in schema.multipliers:
        f = nfkc(frag)
        # single latin letters (k, K) only count as a whole bracket segment like "(k)" or "($k)"
        if re.fullmatch(r"[A-Za-z]{1,2}", f):
            if any(re.fullmatch(rf"[\s$¥€£]*{re.escape(f)}[\s$¥€£]*", s) for s in segments):
                unit = mult
                break
            continue
        if any(f in p for p in places):
            unit = mult
            break
    currency = ""
    for frag, code in schema.currencies:
        f = nfkc(frag)
        if re.fullmatch(r"[A-Za-z]+", f):
            if any(re.search(rf"(?<![A-Za-z]){re.escape(f)}(?![A-Za-z])", p, re.I) for p in places):
                currency = code
                break
        elif any(f in p for p in places):
            currency = code
            break
    return unit, currency


def match_header(
    header: str, schema: Schema, rules_dir: str | None = None
) -> tuple[str | None, float, str]:
    """Best field for a header alone: (field, confidence, method)."""
    from rapidfuzz import fuzz, process

    idx = _index(schema, rules_dir)
    full, bare = header_key(header), header_key_bare(header)
    if not full and not bare:
        return None, 0.0, "none"
    for key in (full, bare):
        if key in idx.ambiguous:
            return idx.ambiguous[key][0], 1.0, "ambiguous"
        if key in idx.exact:
            return idx.exact[key], 1.0, "exact"
    best: tuple[str | None, float, str] = (None, 0.0, "none")
    toks = _tokens(header)
    edges = _edge_runs(toks)
    # a synonym inside a longer header: the longest one wins (営業担当者名 -> 営業担当者 -> owner)
    for key in dict.fromkeys((bare, full)):
        found = _contained_synonyms(idx, key, edges)
        if found:
            k, f = max(found, key=lambda kf: (len(kf[0]), -idx.keys.index(kf[0])))
            conf = 0.78 + 0.2 * len(k) / len(key)
            if conf > best[1]:
                best = (f, conf, "contains")
    for key in dict.fromkeys((bare, full)):
        if len(key) < 3:
            continue
        hit = process.extractOne(
            key, idx.keys, scorer=fuzz.ratio, score_cutoff=schema.fuzzy_min * 100
        )
        if hit and hit[1] / 100 > best[1]:
            best = (idx.fields[hit[2]], hit[1] / 100, "fuzzy")
    if best[2] == "contains" and str(header).isascii() and len(toks) >= 2:
        # in English the head noun comes last: "Status Note" is a note, not a status
        last = _keyword_match(toks[-1], idx)
        if last and last != best[0]:
            return last, 0.85, "keyword"
    if best[1] >= 0.9:
        return best
    # short forms: "opp_nm" -> "opportunity name", "Prob. %" -> "probability"
    expanded = _expanded(header, idx)
    if expanded:
        for key in (header_key(expanded), header_key_bare(expanded)):
            if key in idx.exact:
                return idx.exact[key], 0.9, "abbreviation"
    kw = (_keyword_match(expanded, idx) if expanded else None) or _keyword_match(header, idx)
    if kw and best[1] < 0.8:
        return kw, 0.8, "keyword"
    return best


def _edge_runs(toks: list[str]) -> set[str]:
    """The header's leading and trailing runs of whole words, joined ("expected", "close")."""
    return {"".join(toks[:i]) for i in range(1, len(toks))} | {
        "".join(toks[i:]) for i in range(1, len(toks))
    }


def _contained_synonyms(idx: _Index, key: str, edges: set[str]) -> list[tuple[str, str]]:
    """(synonym, field) for every synonym :func:`_contained` in ``key``, without trying them
    all: a wide sheet has thousands of header cells to match."""
    found = [(k, f) for k, f in idx.cjk_synonyms if k != key and k in key]
    ends = edges or {key[:i] for i in range(4, len(key))} | {key[-i:] for i in range(4, len(key))}
    found += [(k, idx.latin_synonyms[k]) for k in ends if k in idx.latin_synonyms and k != key]
    return found


def _contained(syn: str, key: str, edges: set[str] | None = None) -> bool:
    if syn == key or not syn:
        return False
    if _is_cjk(syn):
        return len(syn) >= 2 and syn in key
    # latin synonyms must stand on their own in the header: at least 4 letters, whole words at
    # an edge ("Project" is not in "Projected close"); headers without word breaks by letters
    if len(syn) < 4:
        return False
    if edges:
        return syn in edges
    return key.startswith(syn) or key.endswith(syn)


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


# ----------------------------------------------------------------------------- sniffing

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
    from .bundle import load_rules_bundle
    from .errors import RuleFileError

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
    from .bundle import load_rules_bundle
    from .errors import RuleFileError

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


# ------------------------------------------------------------------------------ mapping


def map_columns(
    headers: Sequence[str],
    letters: Sequence[str],
    values: pd.DataFrame,
    schema: Schema,
    rules_dir: str | None = None,
) -> list[ColumnMatch]:
    """Map every column of one table: headers plus the data values (columns aligned to headers)."""
    idx = _index(schema, rules_dir)
    sample = values.head(500)
    cands: list[ColumnMatch] = []
    for i, header in enumerate(headers):
        col_vals = [v for v in sample.iloc[:, i].tolist()] if i < sample.shape[1] else []
        unit, currency = unit_hints(header, schema) if header else (1.0, "")
        field, conf, method = (
            match_header(header, schema, rules_dir) if header else (None, 0.0, "none")
        )
        nonempty = [v for v in col_vals if v is not None and str(v).strip()]
        typ, share = (
            sniff_column(nonempty, rules_dir)
            if len(nonempty) >= schema.sniff_min_values
            else (None, 0.0)
        )
        note = ""
        if (
            field is not None
            and typ in ("email", "phone", "url")
            and share >= schema.sniff_min_share
        ):
            sniffed = SNIFF_FIELD[typ]
            if idx.types.get(field) != idx.types.get(sniffed) and field not in ("mobile_phone",):
                note = f"header suggests {field}, values are {typ}s"
                field, conf, method = sniffed, round(0.9 * share, 3), "sniff"
        if field is None and typ in SNIFF_FIELD and share >= schema.sniff_min_share:
            field, conf, method = SNIFF_FIELD[typ], round(0.9 * share, 3), "sniff"
            note = f"{share:.0%} of values look like {typ}"
        if field is None and typ == "date" and share >= schema.sniff_min_share:
            note = "values are dates but the header does not say which date"
        cands.append(ColumnMatch(i, letters[i], header, field, conf, method, unit, currency, note))
    return _assign(cands, idx, sample, rules_dir)


def _assign(
    cands: list[ColumnMatch], idx: _Index, sample: pd.DataFrame, rules_dir: str | None = None
) -> list[ColumnMatch]:
    """One column per field: the most confident claim wins; ambiguous headers take what is left."""
    out = list(cands)
    taken: dict[str, int] = {}
    order = sorted(
        range(len(cands)), key=lambda i: (cands[i].method == "ambiguous", -cands[i].confidence, i)
    )
    for i in order:
        c = cands[i]
        if c.field is None:
            continue
        if c.method == "ambiguous":
            options = (
                idx.ambiguous.get(header_key(c.header))
                or idx.ambiguous.get(header_key_bare(c.header))
                or (c.field,)
            )
            free = [f for f in options if f not in taken]
            if not free:
                out[i] = replace(
                    c, field=None, confidence=0.0, note=f"{' / '.join(options)} already mapped"
                )
                continue
            if len(free) == 1:
                choice = free[0]
            else:
                choice = _resolve_by_values(
                    free, sample.iloc[:, i].tolist() if i < sample.shape[1] else []
                )
            out[i] = replace(
                c,
                field=choice,
                confidence=0.9,
                note=f"'{c.header}' can mean {' or '.join(options)}",
            )
            taken[choice] = i
            continue
        if (
            c.field == "phone"
            and "phone" in taken
            and "mobile_phone" not in taken
            and "mobile_phone" in idx.types
            and _mostly_mobile(sample.iloc[:, i].tolist() if i < sample.shape[1] else [], rules_dir)
        ):
            other = out[taken["phone"]]
            out[i] = replace(
                c,
                field="mobile_phone",
                note=f"a second phone column of mobile numbers (column {other.column} is the phone)",
            )
            taken["mobile_phone"] = i
            continue
        if c.field in taken:
            other = out[taken[c.field]]
            out[i] = replace(
                c,
                field=None,
                confidence=0.0,
                note=f"also looks like {c.field}, which column {other.column} ('{other.header}') holds",
            )
            continue
        taken[c.field] = i
    return out


def _resolve_by_values(options: list[str], values: list) -> str:
    """Our own reps repeat down a column; the customer's contact people mostly do not."""
    vals = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if "owner" in options and "contact_name" in options and len(vals) >= 6:
        distinct = len(set(vals)) / len(vals)
        return "owner" if distinct <= 0.5 else "contact_name"
    return options[0]


def _mostly_mobile(values: Sequence[object], rules_dir: str | None = None) -> bool:
    """Most values are Japanese mobile numbers (070/080/090, +81 70/80/90: the
    mobile_number_prefixes of rules/normalize.yaml)."""
    from .bundle import load_rules_bundle
    from .errors import RuleFileError

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
