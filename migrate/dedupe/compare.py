"""Comparisons: the level every candidate pair reaches on every compared field, vectorised.

In: a records frame, the comparisons of a link-settings object and arrays of pair positions.
Out: a (pairs x comparisons) int8 matrix of levels: 0 is the first (strongest) level, the
comparison's last index is 'different', -1 means one side is empty. Text values are factorised
once, each distinct value pair is scored once (rapidfuzz ``process.cpdist`` in C, no Python
loop per pair), and a column may hold a tuple of values per record (a company with several
phone numbers): the pair then takes the best level any two of its values reach.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..columnar import filled_cells
from .settings import DISTANCE_TESTS, SIMILARITY_TESTS, WORD_TESTS, Comparison

NULL = -1
_PREFIX = re.compile(r"^\D+")
# Japanese script (kana, CJK ideographs, full-width forms): "山田" and "Yamada" cannot be compared
#: kana, kanji and half-width katakana: a name written in Japanese script
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def script_of(strings: np.ndarray) -> np.ndarray:
    """1 for values written in Japanese script, 0 otherwise."""
    return np.fromiter((1 if JAPANESE.search(s) else 0 for s in strings), np.int8, len(strings))


def _scorer(test: str) -> tuple[Callable[..., Any], float]:
    """rapidfuzz scorer for a test and the factor that brings its score to 0..1."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import DamerauLevenshtein, Jaro, JaroWinkler, Levenshtein

    table: dict[str, tuple[Callable[..., Any], float]] = {
        "ratio": (fuzz.ratio, 0.01),
        "partial_ratio": (fuzz.partial_ratio, 0.01),
        "token_sort_ratio": (fuzz.token_sort_ratio, 0.01),
        "token_set_ratio": (fuzz.token_set_ratio, 0.01),
        "jaro_winkler": (JaroWinkler.normalized_similarity, 1.0),
        "jaro": (Jaro.normalized_similarity, 1.0),
        "levenshtein": (Levenshtein.distance, 1.0),
        "damerau_levenshtein": (DamerauLevenshtein.distance, 1.0),
    }
    return table[test]


@dataclass
class Prepared:
    """One comparison's column, ready for fast pair lookups."""

    comparison: Comparison
    # text: every record is a run of element codes in ``elems`` (CSR); scalar = 0 or 1 element
    ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    elems: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    strings: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    multi: bool = False
    tf: np.ndarray | None = None  # share of records holding each distinct value (scalar text)
    values: np.ndarray | None = None  # number / date: float, NaN when empty
    others: dict[str, np.ndarray] = field(default_factory=dict)  # codes of columns 'same' looks at
    cross: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )  # (this, other) codes
    # dates of the columns 'after' looks at (days since 1970, NaN when empty)
    later: dict[str, np.ndarray] = field(default_factory=dict)
    # cross_script_of: the script of each record's value of that column (1 Japanese, 0 Latin,
    # -1 empty); only pairs of two different scripts are compared
    script: np.ndarray | None = None
    # when_differs: codes of that column per record (-1 empty); pairs agreeing on it are skipped
    gate: np.ndarray | None = None
    # per distinct string: its script, stem, domain or prefix, made on first use (the levels
    # are asked for in parts, for EM's random pairs and for the cohesion check: many calls);
    # "held": the sorted (record, value) codes of a multi-valued column
    derived: dict[str, np.ndarray] = field(default_factory=dict)

    def per_string(self, what: str, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """``fn`` of the distinct strings, computed once per comparison."""
        if what not in self.derived:
            self.derived[what] = fn(self.strings)
        return self.derived[what]


def _cells(col: pd.Series, explode: bool) -> tuple[np.ndarray, np.ndarray]:
    """(owner record, value) of every non-empty cell; with ``explode`` a tuple or list gives
    one row per element. Values become texts: ids read as 12.0 become '12'."""
    owner, cells = filled_cells(col, explode)
    values = cells.tolist()
    if not all(isinstance(v, str) for v in values):
        cells = np.fromiter(
            (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values),
            object,
            len(values),
        )
    return owner, cells


def _string_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A text column (pandas' string dtype) as :func:`_cells` and a factorize of its values
    would give it: the filled positions, their codes (in order of first appearance) and the
    distinct texts, found in Arrow (a Python text per distinct value, not per cell)."""
    blank = (col == "").to_numpy(dtype=bool, na_value=False) | col.isna().to_numpy(dtype=bool)
    owner = np.flatnonzero(~blank)
    codes, uniques = pd.factorize(col.array.take(owner))
    return owner, codes, np.asarray(uniques, dtype=object)


def _text_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """A column as element codes per record (CSR), the distinct strings, and whether multi-valued."""
    if isinstance(col.dtype, pd.StringDtype):  # one text per cell
        owner, codes, uniques = _string_codes(col)
        multi = False
    else:
        cells = col.to_numpy(dtype=object)
        first = cells[~pd.isna(cells)][:50].tolist()
        multi = any(isinstance(v, (tuple, list)) for v in first)
        owner, kept = _cells(col, multi)
        codes, uniques = pd.factorize(kept)
    lens = np.bincount(owner, minlength=len(col)).astype(np.int64)
    ptr = np.r_[0, np.cumsum(lens)]
    return ptr, codes.astype(np.int64), np.asarray(uniques, dtype=object), multi


def _dates(col: pd.Series) -> np.ndarray:
    s = col.astype(object).where(col.notna(), "").astype(str)
    d = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    miss = d.isna() & (s != "")
    if miss.any():
        d[miss] = pd.to_datetime(s[miss], format="%Y%m%d", errors="coerce")
    days = (d - pd.Timestamp("1970-01-01")).dt.days
    return days.to_numpy(dtype=float, na_value=np.nan)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].reset_index(drop=True)
    return pd.Series([""] * len(frame), dtype=object)


def scalar_codes(col: pd.Series) -> np.ndarray:
    """Codes of a single-valued column; -1 where empty."""
    codes = np.full(len(col), -1, dtype=np.int64)
    if isinstance(col.dtype, pd.StringDtype):
        owner, found, _ = _string_codes(col)
        codes[owner] = found
        return codes
    owner, kept = _cells(col, False)
    codes[owner] = pd.factorize(kept)[0]
    return codes


def record_scripts(col: pd.Series) -> np.ndarray:
    """Per record, 1 when its value is written in Japanese script, 0 in Latin, -1 when empty."""
    owner, kept = _cells(col, False)
    out = np.full(len(col), -1, dtype=np.int8)
    if len(owner):
        codes, uniques = pd.factorize(kept)
        out[owner] = script_of(np.asarray(uniques, dtype=object))[codes]
    return out


def word_share(a: str, b: str) -> float:
    """The share of one value's words that the other holds, the larger of the two ways; a
    word of three letters or more may sit inside the other's words (``helpdesk`` in ``help
    desk bot``: word boundaries differ between a translation and a reading). 0 when a side is
    empty."""
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return 0.0

    def share(words: list[str], other: list[str]) -> float:
        whole, joined = set(other), "".join(other)
        found = sum(1 for w in words if w in whole or (len(w) >= 3 and w in joined))
        return found / len(words)

    return max(share(wa, wb), share(wb, wa))


def prepare(frame: pd.DataFrame, comparisons: tuple[Comparison, ...]) -> list[Prepared]:
    """Factorise every compared column once."""
    out = []
    n = len(frame)
    for comp in comparisons:
        p = Prepared(comp)
        col = (
            frame[comp.column]
            if comp.column in frame.columns
            else pd.Series([None] * n, index=frame.index, dtype=object)
        )
        if comp.kind == "number":
            p.values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        elif comp.kind == "date":
            p.values = _dates(col)
        else:
            p.ptr, p.elems, p.strings, p.multi = _text_codes(col)
            if comp.tf_adjust and not p.multi and len(p.elems):
                counts = np.bincount(p.elems, minlength=len(p.strings)).astype(float)
                p.tf = counts / max(len(p.elems), 1)
        if comp.cross_script_of:
            p.script = record_scripts(_column(frame, comp.cross_script_of))
        if comp.when_differs:
            p.gate = scalar_codes(_column(frame, comp.when_differs))
        for lv in comp.levels:
            if lv.test == "same" and lv.arg not in p.others:
                p.others[lv.arg] = scalar_codes(_column(frame, lv.arg))
            elif lv.test == "cross" and lv.arg not in p.cross:
                # both columns in one code space, so a value can be found in the other column
                both = scalar_codes(
                    pd.concat(
                        [_column(frame, comp.column), _column(frame, lv.arg)], ignore_index=True
                    )
                )
                p.cross[lv.arg] = (both[:n], both[n:])
            elif lv.test == "after" and lv.arg not in p.later:
                p.later[lv.arg] = _dates(_column(frame, lv.arg))
        out.append(p)
    return out


def _score(
    p: Prepared, comp: Comparison, test: str, ua: np.ndarray, ub: np.ndarray, need: np.ndarray
) -> np.ndarray:
    """Scores of one scorer for the needed value pairs (0..1 similarity or edit distance)."""
    from rapidfuzz import process

    scorer, factor = _scorer(test)
    args = [lv.arg for lv in comp.levels if lv.test == test]
    similarity = test in SIMILARITY_TESTS
    out = np.full(len(ua), -np.inf if similarity else np.inf)
    if need.any():
        cutoff = min(args) / factor if similarity else int(max(args))
        sc = process.cpdist(
            p.strings[ua[need]], p.strings[ub[need]], scorer=scorer, score_cutoff=cutoff, workers=-1
        )
        out[need] = np.asarray(sc, dtype=float) * factor
    return out


def _text_levels(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    comp = p.comparison
    n_pairs = len(left)
    else_level = len(comp.levels)
    out = np.full(n_pairs, NULL, dtype=np.int8)
    la = p.ptr[left + 1] - p.ptr[left]
    lb = p.ptr[right + 1] - p.ptr[right]
    ok = (la > 0) & (lb > 0)
    if p.script is not None:  # cross_script_of: pairs of one script are not this comparison's
        sa, sb = p.script[left], p.script[right]
        ok &= (sa >= 0) & (sb >= 0) & (sa != sb)
    if p.gate is not None:  # when_differs: an agreement already counted elsewhere
        ok &= p.gate[left] != p.gate[right]
    if not ok.any():
        return out
    idx = np.flatnonzero(ok)
    if p.multi and _exact_only(comp):
        # agreement is a value both records hold: each value of the side holding fewer is
        # looked up among the other's (not every value of one side against every one of the
        # other: companies gather a value per row, so those pairs grow as rows squared)
        out[idx] = np.where(_share_a_value(p, left[idx], right[idx]), 0, else_level)
        return out
    single = not p.multi  # one value per record: value pairs are the pairs themselves
    if single:
        pair_of = np.arange(len(idx))
        ea = p.elems[p.ptr[left[idx]]]
        eb = p.elems[p.ptr[right[idx]]]
    else:
        counts = (la[idx] * lb[idx]).astype(np.int64)
        pair_of = np.repeat(np.arange(len(idx)), counts)
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        k = np.arange(counts.sum()) - np.repeat(starts, counts)
        lbr = np.repeat(lb[idx], counts)
        ea = p.elems[np.repeat(p.ptr[left[idx]], counts) + k // lbr]
        eb = p.elems[np.repeat(p.ptr[right[idx]], counts) + k % lbr]
    if comp.same_script_only:
        # only values written in the same script are compared; none such: no evidence
        script = p.per_string("script", script_of)
        same = script[ea] == script[eb]
        comparable = np.zeros(len(idx), dtype=bool)
        np.logical_or.at(comparable, pair_of[same], True)
        ea, eb, pair_of = ea[same], eb[same], pair_of[same]
    else:
        comparable = np.ones(len(idx), dtype=bool)
    lo, hi = np.minimum(ea, eb), np.maximum(ea, eb)
    # a scorer takes each distinct value pair once; every other test is a lookup per value,
    # as cheap on the value pairs themselves as on their distinct set (no hash of millions)
    scored = any(
        lv.test in SIMILARITY_TESTS or lv.test in DISTANCE_TESTS or lv.test in WORD_TESTS
        for lv in comp.levels
    )
    inv: np.ndarray | None = None
    if scored:
        n_str = max(len(p.strings), 1)
        inv, upair = pd.factorize(lo * n_str + hi)
        ua, ub = upair // n_str, upair % n_str
    else:
        ua, ub = lo, hi
    # values equal but for a distinguishing word (ヤマトホールディングス / ヤマト) reach no level
    apart = None
    if comp.distinct_words:
        stems = p.per_string("stem", lambda s: _stems(comp.distinct_words, s))
        apart = (stems[ua] == stems[ub]) & (ua != ub)
    if comp.distinct_numbers:  # フェーズ1 / フェーズ2: both hold numbers, not the same ones
        nums = p.per_string("numbers", _numbers)
        na, nb = nums[ua], nums[ub]
        differ = (na != nb) & (na != "") & (nb != "")
        apart = differ if apart is None else apart | differ
    cache: dict[str, np.ndarray] = {}
    level = np.full(len(idx), else_level, dtype=np.int8)
    undecided = np.ones(len(idx), dtype=bool)
    for i, lv in enumerate(comp.levels):
        if lv.test == "same":
            codes = p.others[lv.arg]
            cl, cr = codes[left[idx]], codes[right[idx]]
            hit_pair = (cl == cr) & (cl >= 0)
        elif lv.test == "cross":
            this, other = p.cross[lv.arg]
            a, b = left[idx], right[idx]
            hit_pair = ((this[a] == other[b]) & (this[a] >= 0)) | (
                (this[b] == other[a]) & (this[b] >= 0)
            )
        else:
            if lv.test == "exact":
                hit_u = ua == ub
            elif lv.test in SIMILARITY_TESTS or lv.test in DISTANCE_TESTS:
                if lv.test not in cache:
                    # score only the value pairs some undecided pair still needs, and let
                    # rapidfuzz stop early below the loosest threshold that uses this scorer
                    assert inv is not None
                    need = np.zeros(len(ua), dtype=bool)
                    need[inv[undecided[pair_of]]] = True
                    cache[lv.test] = _score(p, comp, lv.test, ua, ub, need)
                sc = cache[lv.test]
                hit_u = sc >= lv.arg - 1e-9 if lv.test in SIMILARITY_TESTS else sc <= lv.arg
            elif lv.test in WORD_TESTS:
                if lv.test not in cache:
                    cache[lv.test] = np.fromiter(
                        (word_share(p.strings[x], p.strings[y]) for x, y in zip(ua, ub)),
                        float,
                        len(ua),
                    )
                hit_u = cache[lv.test] >= lv.arg - 1e-9
            elif lv.test == "same_domain":
                # two addresses at one company domain: usually two people
                doms = p.per_string("domain", _domains)
                da, db = doms[ua], doms[ub]
                hit_u = (da == db) & (da != "")
            elif lv.test == "same_prefix":
                prefixes = p.per_string("prefix", _prefixes)
                pa, pb = prefixes[ua], prefixes[ub]
                hit_u = (pa == pb) & (pa != "")
            elif lv.test == "one_matches":
                found = p.per_string(f"matches:{lv.arg}", _matcher(str(lv.arg)))
                hit_u = found[ua] != found[ub]
            elif lv.test == "same_start":
                hit_u = _same_start(p.strings, ua, ub, lv.arg)
            else:  # pragma: no cover - settings validation rejects other tests for text
                raise ValueError(f"test {lv.test} does not apply to text")
            if apart is not None:
                hit_u = hit_u & ~apart
            hit_e = hit_u if inv is None else hit_u[inv]
            if single and not comp.same_script_only:
                hit_pair = hit_e
            else:
                hit_pair = np.zeros(len(idx), dtype=bool)
                np.logical_or.at(hit_pair, pair_of[hit_e], True)
        take = undecided & hit_pair
        level[take] = i
        undecided &= ~take
    level[~comparable] = NULL
    out[idx] = level
    return out


def _exact_only(comp: Comparison) -> bool:
    """The comparison's levels are all exact agreement, with nothing that sets two equal
    values apart or leaves a value pair out (a pair's level: 0 when its records share a
    value, else the 'else' level)."""
    return (
        all(lv.test == "exact" for lv in comp.levels)
        and bool(comp.levels)
        and not comp.same_script_only
        and not comp.distinct_words
        and not comp.distinct_numbers
    )


def _share_a_value(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair of records of a multi-valued column, whether the two hold a value in common:
    each value of the side with fewer values is looked up in the sorted (record, value) codes
    of the column (made once per comparison), so a pair costs the smaller of its two counts."""
    n_str = max(len(p.strings), 1)
    if "held" not in p.derived:
        owner = np.repeat(np.arange(len(p.ptr) - 1, dtype=np.int64), np.diff(p.ptr))
        p.derived["held"] = np.sort(owner * n_str + p.elems)
    held = p.derived["held"]
    la = p.ptr[left + 1] - p.ptr[left]
    lb = p.ptr[right + 1] - p.ptr[right]
    fewer = la <= lb
    probe = np.where(fewer, left, right)
    other = np.where(fewer, right, left)
    count = np.minimum(la, lb).astype(np.int64)
    total = int(count.sum())
    hit = np.zeros(len(left), dtype=bool)
    if total == 0 or not len(held):
        return hit
    pair_of = np.repeat(np.arange(len(left), dtype=np.int64), count)
    k = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    code = other[pair_of] * n_str + p.elems[p.ptr[probe[pair_of]] + k]
    at = np.minimum(np.searchsorted(held, code), len(held) - 1)
    hit[pair_of[held[at] == code]] = True
    return hit


def _matcher(pattern: str) -> Callable[[np.ndarray], np.ndarray]:
    """Whether each distinct string matches ``pattern`` (one_matches)."""
    compiled = re.compile(pattern)

    def matches(strings: np.ndarray) -> np.ndarray:
        return np.array([bool(compiled.search(str(x))) for x in strings], dtype=bool)

    return matches


def _domains(strings: np.ndarray) -> np.ndarray:
    """The domain of each e-mail address ('' for a value without one)."""
    return np.array([x.rsplit("@", 1)[1] if "@" in x else "" for x in strings], dtype=object)


def _same_start(strings: np.ndarray, ua: np.ndarray, ub: np.ndarray, arg: Any) -> np.ndarray:
    """Per value pair, whether the two values start with the same characters (at least
    ``arg[0]`` of a Japanese value, ``arg[1]`` of a Latin one) and neither holds the other: one
    group's companies (東邦システムズ / 東邦物流, vantagelogistics / vantagerealtypartners)."""
    ja, latin = arg

    def hit(a: str, b: str) -> bool:
        if a == b or a in b or b in a:
            return False
        need = latin if a[:1].isascii() else ja
        return len(a) > need and len(b) > need and a[:need] == b[:need]

    cells = strings.tolist()
    return np.fromiter((hit(cells[x], cells[y]) for x, y in zip(ua, ub)), bool, len(ua))


def _prefixes(strings: np.ndarray) -> np.ndarray:
    """The leading non-digits of each id (OPP- of OPP-10361; '' for none)."""
    return np.array(
        [(m.group(0) if (m := _PREFIX.match(s)) else "") for s in strings], dtype=object
    )


_DIGITS_RE = re.compile(r"\d+")


def _numbers(strings: np.ndarray) -> np.ndarray:
    """The numbers a value holds, in order and without leading zeros ('' for none; NFKC, so
    full-width digits count): フェーズ２ holds '2', 追加ライセンス(100名) '100'."""
    import unicodedata

    def numbers(value: object) -> str:
        text = str(value)
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text)
        return " ".join(str(int(d)) for d in _DIGITS_RE.findall(text))

    return np.fromiter((numbers(v) for v in strings), object, len(strings))


def _stems(words: tuple[str, ...], strings: np.ndarray) -> np.ndarray:
    """Each value without ``words`` at its end: two values of one stem differ only by them
    (match keys hold no spaces: ヤマトホールディングス / ヤマト, sonygroup / sony)."""
    import unicodedata

    ends = tuple(
        sorted(
            {"".join(unicodedata.normalize("NFKC", w).casefold().split()) for w in words},
            key=len,
            reverse=True,
        )
    )

    def stem(value: str) -> str:
        s = "".join(unicodedata.normalize("NFKC", value).casefold().split())
        cut = True
        while cut:
            cut = False
            for w in ends:
                if len(s) > len(w) and s.endswith(w):
                    s, cut = s[: -len(w)], True
                    break
        return s

    return np.fromiter((stem(str(v)) for v in strings), object, len(strings))


def _value_levels(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    comp = p.comparison
    assert p.values is not None
    a, b = p.values[left], p.values[right]
    ok = ~(np.isnan(a) | np.isnan(b))
    if p.later:  # 'after': one side's date and the other's <column> are what it compares
        only_after = all(lv.test == "after" for lv in comp.levels)
        if only_after:
            ok[:] = False
        for lv in comp.levels:
            if lv.test == "after":
                oa, ob = p.later[lv.arg][left], p.later[lv.arg][right]
                ok |= (~np.isnan(a) & ~np.isnan(ob)) | (~np.isnan(b) & ~np.isnan(oa))
    out = np.full(len(left), NULL, dtype=np.int8)
    level = np.full(len(left), len(comp.levels), dtype=np.int8)
    undecided = ok.copy()
    diff = np.abs(a - b)
    for i, lv in enumerate(comp.levels):
        if lv.test == "exact":
            hit = diff == 0
        elif lv.test == "rel_diff":
            hit = diff <= lv.arg * np.maximum(np.abs(a), np.abs(b)) + 1e-12
        elif lv.test in ("abs_diff", "days"):
            hit = diff <= lv.arg
        elif lv.test == "same":
            codes = p.others[lv.arg]
            hit = (codes[left] == codes[right]) & (codes[left] >= 0)
        elif lv.test == "after":  # NaN compares false: an empty side is no hit
            other = p.later[lv.arg]
            hit = (a > other[right]) | (b > other[left])
        else:  # pragma: no cover
            raise ValueError(f"test {lv.test} does not apply to {comp.kind}")
        take = undecided & hit
        level[take] = i
        undecided &= ~take
    out[ok] = level[ok]
    return out


# value pairs (a pair of records times their values on each side) compared in one part: the
# arrays of one part take about 100 bytes per value pair
VALUE_PAIRS_PER_PART = 4_000_000


def _text_levels_in_parts(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """:func:`_text_levels` over parts of the pairs, each of a bounded number of value pairs.

    A pair's level depends on its two records alone, so parts give the same levels; memory
    stays bounded when a million-row tracker gives millions of pairs of records with several
    values each (196M value pairs, 1.5 GB per array, for companies of Excel's maximum sheet).
    """
    if not p.multi or len(left) == 0:
        weight = np.ones(len(left), dtype=np.int64)
    elif _exact_only(p.comparison):  # a pair's values looked up one side in the other
        weight = np.minimum(p.ptr[left + 1] - p.ptr[left], p.ptr[right + 1] - p.ptr[right])
    else:
        weight = (p.ptr[left + 1] - p.ptr[left]) * (p.ptr[right + 1] - p.ptr[right])
    total = int(weight.sum())
    if total <= VALUE_PAIRS_PER_PART:
        return _text_levels(p, left, right)
    ends = np.cumsum(weight)
    cuts = np.searchsorted(ends, np.arange(VALUE_PAIRS_PER_PART, total, VALUE_PAIRS_PER_PART))
    bounds = np.unique(np.r_[0, cuts + 1, len(left)].clip(0, len(left)))
    out = np.empty(len(left), dtype=np.int8)
    for a, b in zip(bounds[:-1], bounds[1:]):
        out[a:b] = _text_levels(p, left[a:b], right[a:b])
    return out


def levels(prepared: list[Prepared], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The (pairs x comparisons) matrix of levels; -1 where a side is empty."""
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    gamma = np.empty((len(left), len(prepared)), dtype=np.int8)
    for j, p in enumerate(prepared):
        if p.comparison.kind == "text":
            gamma[:, j] = _text_levels_in_parts(p, left, right)
        else:
            gamma[:, j] = _value_levels(p, left, right)
        if p.comparison.agreement_only:  # 'different' is no evidence: as if a side were empty
            col = gamma[:, j]
            col[col == len(p.comparison.levels)] = NULL
    return gamma


def exact_values(prepared: Prepared, left: np.ndarray) -> np.ndarray:
    """The value code of each left record (scalar text), -1 when empty: for term frequencies."""
    lens = prepared.ptr[left + 1] - prepared.ptr[left]
    out = np.full(len(left), -1, dtype=np.int64)
    has = lens == 1
    out[has] = prepared.elems[prepared.ptr[left[has]]]
    return out
