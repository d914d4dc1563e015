"""Matching a header alone: exact synonym, a synonym inside, fuzzy, short forms, keywords.

A header text and the schema (rules/columns.yaml) in, ``(field, confidence, method)`` out;
also the unit and currency a header announces for bare numbers (金額（万円）, Amount (USD)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as _field
from functools import lru_cache

from ..headers import BRACKETED, header_key, header_key_bare, nfkc
from ..schema import Schema


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
    # words of columns.yaml ``unmapped``: a header holding one stays unmapped (FAX, 契約終了日)
    unmapped: tuple[str, ...] = ()
    # words that make a header a code or class of what it names: 区分, コード, type
    qualifiers: tuple[str, ...] = ()
    # header keys of a price per unit (columns.yaml ``per_unit``: Price, 単価)
    per_unit: frozenset[str] = frozenset()
    # honorifics after a customer's name (columns.yaml ``customer_honorifics``: 様, 殿)
    customer_honorifics: tuple[str, ...] = ()
    # header keys of the words that make an amount a price the deal is not sold at, per tier
    # (columns.yaml ``amount_gives_way``), and of a quote's revision (``revisions``: Rev)
    amount_tiers: tuple[tuple[str, ...], ...] = ()
    revisions: frozenset[str] = frozenset()
    # header keys of a length of time (columns.yaml ``lengths``: 期間, 月数, term)
    lengths: tuple[str, ...] = ()
    # a name beside this many companies is our rep's (columns.yaml matching.rep_min_companies)
    rep_min_companies: int = 3
    # header keys of a contract's own columns (``contract_columns``: 契約開始, contractend) and of
    # a renewal date beside them (``renewal_dates``: 更新日)
    contract_columns: tuple[str, ...] = ()
    renewal_dates: frozenset[str] = frozenset()
    # synonym keys without okurigana (see :func:`without_okurigana`) -> field; a key two
    # fields share is left out
    folded: dict[str, str] = _field(default_factory=dict)
    # match_header's answer per header text: a folder of trackers repeats its headers in every
    # file (the index is made once per schema and rules directory, so its answers hold)
    answers: dict[str, tuple[str | None, float, str]] = _field(
        default_factory=dict, compare=False, hash=False, repr=False
    )


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


def _index(schema: Schema, rules_dir: str | None) -> _Index:
    """The header index of a schema and rules directory. The header finder asks it of every
    cell near a sheet's top, so the last one is found by the schema's identity first: the
    cache's key would hash the whole Schema dataclass on every call."""
    last = _LAST_INDEX
    if last and last[0] is schema and last[1] == rules_dir:
        return last[2]
    idx = _built_index(schema, rules_dir)
    _LAST_INDEX[:] = [schema, rules_dir, idx]  # held, so the schema's id stays its own
    return idx


_LAST_INDEX: list = []


@lru_cache(maxsize=8)
def _built_index(schema: Schema, rules_dir: str | None) -> _Index:
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
    # a synonym that is itself a qualifier (区分, 種別, Type: the deal's type) names its field
    # only as the whole header: inside a longer one it qualifies another word (業界区分, 顧客区分)
    qual = {header_key(q) for q in schema.qualifiers}
    cjk = tuple((k, f) for k, f in exact.items() if _is_cjk(k) and len(k) >= 2 and k not in qual)
    latin = {k: f for k, f in exact.items() if not _is_cjk(k) and len(k) >= 4 and k not in qual}
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
    unmapped = tuple(k for k in map(header_key, schema.unmapped) if k)
    folded: dict[str, str | None] = {}
    for syn, name in exact.items():
        key = without_okurigana(syn)
        folded[key] = name if folded.get(key, name) == name else None
    return _Index(
        exact,
        keys,
        tuple(exact[k] for k in keys),
        amb,
        types,
        abbr,
        kw,
        cjk,
        latin,
        rules,
        texts,
        unmapped,
        tuple(k for k in map(header_key, schema.qualifiers) if k),
        frozenset(k for k in map(header_key, schema.per_unit) if k),
        tuple(schema.customer_honorifics),
        tuple(tuple(_word_form(w) for w in t if _word_form(w)) for t in schema.amount_gives_way),
        frozenset(k for k in map(header_key, schema.revisions) if k),
        tuple(k for k in map(header_key, schema.lengths) if k),
        schema.rep_min_companies,
        tuple(k for k in map(header_key, schema.contract_columns) if k),
        frozenset(k for k in map(header_key, schema.renewal_dates) if k),
        {k: f for k, f in folded.items() if f is not None},
    )


# a kana ending written inside a word of kanji (見込み額, 申し込み日, 打ち合わせ日, 売り上げ額):
# teams write the same header with and without it (見込額, 申込日); particles (の, と, や...)
# join two words and stay
_OKURIGANA = re.compile(r"(?<=[\u3400-\u9fff々])[ぁ-ゖ]{1,2}(?=[\u3400-\u9fff々])")
_PARTICLES = frozenset("のとやにはをがでへもか")


def _word_form(word: str) -> str:
    """A word of a header as :func:`holds_word` looks for it: a header key when it holds CJK,
    else its Latin words in lower case, spaced (Incl. Tax -> 'incl tax')."""
    if _is_cjk(word):
        return header_key(word)
    return " ".join(_tokens(word))


def holds_word(header: str, form: str) -> bool:
    """The header holds a word of :func:`_word_form`: a CJK one anywhere in its key, a Latin one
    as whole words (ARR in 'ARR (USD)', not in 'Warranty')."""
    if not form:
        return False
    if _is_cjk(form):
        return form in header_key(header)
    return f" {form} " in f" {' '.join(_tokens(header))} "


def amount_period(header: str, schema: Schema) -> str:
    """The period an amount header states (columns.yaml ``amount_periods``: 月額, MRR -> 'month';
    年額 -> 'year'), '' when none."""
    for period, words in schema.amount_periods:
        if any(holds_word(header, _word_form(w)) for w in words):
            return period
    return ""


def unit_price(header: str, schema: Schema) -> bool:
    """The header names a price per unit for certain (columns.yaml ``unit_price_words``:
    単価, Price per Seat, Unit Price)."""
    return any(holds_word(header, _word_form(w)) for w in schema.unit_price_words)


def without_okurigana(key: str) -> str:
    """A header key with the kana endings inside kanji words dropped: 見込み額 -> 見込額."""
    return _OKURIGANA.sub(lambda m: m.group(0) if _PARTICLES & set(m.group(0)) else "", key)


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


def _keyword_match(header: str, idx: _Index, *, conjunctive: bool = False) -> str | None:
    """The first keyword rule whose words the header holds (CJK by substring, latin by word);
    with ``conjunctive`` only the rules that need a second word (``with``)."""
    text = nfkc(str(header)).casefold()
    raw = _tokens(header)
    toks = set(raw) | {idx.abbreviations.get(t, t) for t in raw}
    found = {w for w in idx.keyword_texts if w in text}
    for rule in idx.keyword_sets:
        if conjunctive and not (rule.with_words or rule.with_texts):
            continue
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
        # one or two latin letters (k, M, MM) and thousands written as zeros (000s, '000) only
        # count as a whole bracket segment, a currency beside them: "($k)", "(USD M)", "($000s)"
        if re.fullmatch(r"[A-Za-z]{1,2}|'?000s?", f):
            whole = rf"[\s$¥€£]*(?:[A-Z]{{3}}\s*)?{re.escape(f)}[\s$¥€£]*"
            if any(re.fullmatch(whole, s) for s in segments):
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
    idx = _index(schema, rules_dir)
    answer = idx.answers.get(header)
    if answer is None:
        if len(idx.answers) >= _ANSWERS_KEPT:  # bounded: a folder of many files asks of many cells
            idx.answers.clear()
        answer = idx.answers[header] = _match_header(header, schema, idx)
    return answer


_ANSWERS_KEPT = 65_536


def _match_header(header: str, schema: Schema, idx: _Index) -> tuple[str | None, float, str]:
    from rapidfuzz import fuzz, process

    full, bare = header_key(header), header_key_bare(header)
    if not full and not bare:
        return None, 0.0, "none"
    for key in (full, bare):
        if key in idx.ambiguous:
            return idx.ambiguous[key][0], 1.0, "ambiguous"
        if key in idx.exact:
            field = idx.exact[key]
            if key != full:
                field = _bracket_qualifier(header, field, idx)
            return field, 1.0, "exact"
    for key in (full, bare):  # the same words with or without their kana endings
        folded = idx.folded.get(without_okurigana(key))
        if folded:
            return (
                (_bracket_qualifier(header, folded, idx) if key != full else folded),
                1.0,
                "exact",
            )
    if names_length(header, idx):
        # 契約期間（年）, 契約月数, Term (months): how long, not when (the keyword rules would
        # read 契約 + 期 as the close date)
        return None, 1.0, "length"
    if _names_no_field(full, _tokens(header), idx):
        # a column teams keep that no canonical field holds (FAX番号, 契約終了日): kept as extra
        return None, 1.0, "unmapped"
    best: tuple[str | None, float, str] = (None, 0.0, "none")
    toks = _tokens(header)
    edges = _edge_runs(toks)
    head_syn = ""
    # a synonym inside a longer header: the longest one wins (営業担当者名 -> 営業担当者 -> owner),
    # and of synonyms side by side the last, the head noun (先方担当者 | 電話番号 -> phone)
    for key in dict.fromkeys((bare, full)):
        found = _contained_synonyms(idx, key, edges)
        if found:
            k, f = _head_synonym(found, key, idx)
            conf = 0.78 + 0.2 * len(k) / len(key)
            if conf > best[1]:
                best = (f, conf, "contains")
                head_syn = k if key.endswith(k) or (toks and k.endswith(toks[-1])) else ""
    for key in dict.fromkeys((bare, full)):
        if len(key) < 3:
            continue
        hit = process.extractOne(
            key, idx.keys, scorer=fuzz.ratio, score_cutoff=schema.fuzzy_min * 100
        )
        if hit and hit[1] / 100 > best[1]:
            best = (idx.fields[hit[2]], hit[1] / 100, "fuzzy")
    if best[2] == "contains" and not head_syn and best[0] and _qualified(full, toks, best[0], idx):
        # 規模コード, 顧客区分, 金額ランク: a code or class of the thing, not the thing itself
        return None, 0.9, "unmapped"
    if best[2] == "contains" and not head_syn:
        # the synonym found is a modifier, not the head noun: a rule that needs two words of
        # the header says more (発注 + 時期: 発注見込み時期 is a date; Deal Reference + Number)
        both = _keyword_match(header, idx, conjunctive=True)
        if both and both != best[0]:
            return both, 0.85, "keyword"
    if best[2] == "contains" and str(header).isascii() and len(toks) >= 2:
        # in English the head noun comes last: "Status Note" is a note, not a status,
        # "Opportunity Currency" a currency
        # (a last word that is a synonym counts unless it is free text: "Opportunity
        # Description" is still the opportunity)
        exact_last = idx.exact.get(toks[-1])
        if exact_last and idx.types.get(exact_last) == "text":
            exact_last = None
        last = exact_last or _keyword_match(toks[-1], idx)
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


def names_length(header: str, idx: _Index) -> bool:
    """The header's last word, its brackets set aside, is one of columns.yaml ``lengths``
    (契約期間（年）, 契約月数, Term (months), Contract Term): a length of time."""
    if not idx.lengths:
        return False
    bare = header_key_bare(header)
    toks = _tokens(BRACKETED.sub(" ", nfkc(str(header))))
    tails = {"".join(toks[-n:]) for n in (1, 2) if len(toks) >= n}
    return any(bare.endswith(w) if _is_cjk(w) else w in tails for w in idx.lengths)


def _bracket_qualifier(header: str, field: str, idx: _Index) -> str:
    """TEL（携帯）: a bracketed word naming a field of the same kind says which one (mobile)."""
    for m in BRACKETED.finditer(nfkc(str(header))):
        inner = idx.exact.get(header_key(m.group(0)[1:-1]))
        if inner and inner != field and idx.types.get(inner) == idx.types.get(field):
            return inner
    return field


# value types a code or class of them is not (顧客コード is no company name, 金額区分 no amount)
_NOT_A_CLASS = frozenset({"company", "person", "amount", "date", "email", "phone", "url", "id"})


def _qualified(key: str, toks: list[str], field: str, idx: _Index) -> bool:
    """The header ends with a word of columns.yaml ``qualifiers`` (区分, コード, type) after a
    synonym of a field whose values are names, amounts, dates or contacts."""
    if idx.types.get(field) not in _NOT_A_CLASS:
        return False
    return any(
        key.endswith(q) if _is_cjk(q) else bool(toks) and toks[-1] == q for q in idx.qualifiers
    )


def _names_no_field(key: str, toks: list[str], idx: _Index) -> bool:
    """The header holds a word of columns.yaml ``unmapped``: no canonical field takes it."""
    joined = set(_edge_runs(toks)) | ({"".join(toks)} if toks else set())
    return any(
        (w in key) if _is_cjk(w) else (w == key or w in joined or w in toks) for w in idx.unmapped
    )


def _head_synonym(found: list[tuple[str, str]], key: str, idx: _Index) -> tuple[str, str]:
    """Of the synonyms inside a header, the head: tile the header with the longest synonyms
    first, then take the one that ends last (Japanese and English put the head noun last)."""
    spans: list[tuple[int, int, str, str]] = []
    for k, f in sorted(found, key=lambda kf: (-len(kf[0]), idx.keys.index(kf[0]))):
        start = key.rfind(k)
        end = start + len(k)
        if start < 0 or any(start < e and s < end for s, e, _, _ in spans):
            continue
        spans.append((start, end, k, f))
    if not spans:
        return max(found, key=lambda kf: (len(kf[0]), -idx.keys.index(kf[0])))
    if len(spans) > 1 and not all(_is_cjk(k) for _, _, k, _ in spans):
        # Latin synonyms are whole words at an edge: keep the longest (English is handled by
        # the head-noun rule below)
        spans = spans[:1]
    _, _, k, f = max(spans, key=lambda s: (s[1], s[1] - s[0]))
    return k, f


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
