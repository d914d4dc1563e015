"""What a deal name says apart from its words' spelling: the kind of deal, its year, its reading.

In: the deal names of the deal rows, the company cluster of each row and its company names,
the deal kinds of rules/dedupe.yaml (``deals.kinds``) and the reading rules. Out, per row:

- ``deal_kind``: the kinds the name names (``new``, ``renewal``, ``add_on`` ...), sorted and
  joined with ``+``: ``倉庫管理システム 更新`` and ``warehouse management system renewal`` are
  both ``renewal``, whatever script they are written in; a renewal is not the new deal of the
  same product.
- ``deal_year``: the (fiscal) year the name carries (``年間保守契約_FY2025``, ``年間保守 2026年度``,
  ``会計クラウド 更新 2025``, ``(2025)``, ``25年度``, ``2025/4〜``: rules/dedupe.yaml
  ``deals.years``): two years are two deals (a yearly contract and its renewal).
- ``deal_reading``: the words of the name's reading (:mod:`migrate.normalize.readings`: Latin
  words, the dictionaries' English words for Japanese ones) without the company's own words
  and without the kind words, space-separated. A Japanese and an English name of one deal meet
  on the words their readings share (``セキュリティ診断`` and ``security assessment`` share
  ``security``); dedupe compares them only across scripts (``cross_script_of``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from ..columnar import map_values


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).lower()


def _kind_pattern(
    kinds: Iterable[tuple[str, tuple[str, ...]]],
) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern of every kind word (longest first) and the kind of each word."""
    kind_of: dict[str, str] = {}
    for kind, words in kinds:
        for w in words:
            kind_of.setdefault(_nfkc(w).strip(), kind)
    parts = []
    for w in sorted(kind_of, key=len, reverse=True):
        body = r"[\s_\-]*".join(map(re.escape, re.split(r"[\s_\-]+", w)))
        # a Latin word is a whole word (new is not the start of news); Japanese has no spaces
        parts.append(rf"(?<![a-z]){body}(?![a-z])" if w.isascii() else body)
    return re.compile("|".join(parts) if parts else r"(?!x)x"), kind_of


def deal_kinds(names: pd.Series, kinds: tuple[tuple[str, tuple[str, ...]], ...]) -> pd.Series:
    """Per name, the kinds it names, sorted and joined with '+' ('' when none)."""
    pattern, kind_of = _kind_pattern(kinds)

    def one(name: str) -> str:
        found = {
            kind_of[re.sub(r"[\s_\-]+", " ", m.group()).strip()]
            for m in pattern.finditer(_nfkc(name))
        }
        return "+".join(sorted(found))

    return _per_distinct(names, one)


def deal_years(names: pd.Series, patterns: tuple[str, ...]) -> pd.Series:
    """Per name, the year it says it is of (FY2025, 2025年度, 更新 2025, 25年度, 2025/4〜: the
    ``patterns`` of rules/dedupe.yaml deals.years, each's first group that matched; two digits
    are 20xx), '' when none or several."""
    said = re.compile("|".join(f"(?:{p})" for p in patterns) if patterns else r"(?!x)x", re.I)

    def one(name: str) -> str:
        years = set()
        for m in said.finditer(_nfkc(name)):
            y = next((g for g in m.groups() if g), "")
            if y:
                years.add(y if len(y) == 4 else "20" + y)
        return years.pop() if len(years) == 1 else ""

    return _per_distinct(names, one)


def deal_readings(
    names: pd.Series,
    company: pd.Series,
    company_names: pd.DataFrame,
    kinds: tuple[tuple[str, tuple[str, ...]], ...],
    reader: Any,
) -> pd.Series:
    """Per name, the words of its reading without its company's words and its kind words.

    ``company_names`` has columns ``c`` (company cluster) and ``name`` (a company name or key
    of a row of that cluster); ``reader`` is a :class:`migrate.normalize.readings.Reader`.
    """
    words_of = reader.words
    pattern, _ = _kind_pattern(kinds)
    own: dict[str, set[str]] = {}
    for c, n in company_names.drop_duplicates().itertuples(index=False):
        if c and n:
            own.setdefault(c, set()).update(words_of(str(n)))
    cache: dict[tuple[str, str], str] = {}
    out = []
    for c, n in zip(company.tolist(), names.tolist()):
        if not n:
            out.append("")
            continue
        got = cache.get((c, n))
        if got is None:
            text = pattern.sub(" ", _nfkc(n))
            text = re.sub(r"[_/|・、,()\[\]【】「」]+", " ", text)
            mine = own.get(c, set())
            # a number says nothing across scripts (SY-01 更新 / XM-01 Renewal: two systems'
            # own numbering); in one script deal_name's distinct_numbers weighs numbers
            words = [w for w in words_of(text) if w not in mine and len(w) >= 2 and not w.isdigit()]
            got = " ".join(dict.fromkeys(words))
            cache[(c, n)] = got
        out.append(got)
    return pd.Series(out, index=names.index, dtype=object)


@functools.lru_cache(maxsize=4)
def reader(rules: Any, legal_forms: tuple[str, ...]) -> Any:
    """The reader of the reading rules (None when there are none: no readings)."""
    if rules is None:
        return None
    from ..normalize.readings import Reader

    return Reader(rules, legal_forms)


def _per_distinct(names: pd.Series, fn: Callable[[str], str]) -> pd.Series:
    """``fn`` of each name, once per distinct name ('' for a blank one)."""
    return map_values(names.fillna("").astype(str), lambda n: fn(n) if n else "")


__all__ = ["deal_kinds", "deal_readings", "deal_years", "reader"]
