"""Probability (確度 / ヨミ) to a number 0-100, and plain numeric fields (lead score).

In: probability cells (70%, ７０％, 0.7, 70, 70-80%, A, Aランク, ◎/○/△/×, 高/中/低, Hot/Warm/Cold)
and number cells (85, ８５点, 85pt). Out: floats (NaN when empty). Letter ranks and symbols map
through ``probability.ranks`` of rules/normalize.yaml, or through the workbook's own rank legend
(a 確度基準 sheet: ヨミ | 定義 | 確度(%), read by :func:`rank_legend`) when one is given. Whether a bare number is a fraction
(0.7) or a percentage (70) is decided per source file+sheet: a column whose bare numbers are all
at most 1 holds fractions. A value outside 0-100 is a finding and follows the on-error policy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .base import Issue, Outcome, distinct, is_missing, reformat, settle
from .collect import Collector
from .companies import placeholder_issue
from .config import NormalizeRules, load_rules
from .text import clean_text, fold, is_placeholder, to_text

RULE = "normalize.probability"
_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
#: A minus sign before a percentage or bare number (-5%, −5%, ▲5%): kept, so the value is out of
#: range (a finding), never read as 5.
_SIGN = r"([-−▲]\s*|\+\s*)?"
_PERCENT_RE = re.compile(rf"(?<![\d.]){_SIGN}{_NUM}\s*(?:%|パーセント|percent)")
_RANGE_RE = re.compile(rf"^{_NUM}\s*%?\s*(?:-|〜|~|–|から|to)\s*{_NUM}\s*%?$")
_BARE_RE = re.compile(rf"^{_SIGN}{_NUM}$")
_SCORE_RE = re.compile(rf"^([-+]?{_NUM})\s*(?:点|pt|pts|points?|ポイント)?$", re.I)


@dataclass(frozen=True, slots=True)
class Probability:
    """A probability cell read: the number and whether it was a bare number (scale undecided)."""

    number: float
    bare: bool = False


EMPTY = Probability(math.nan)


def parse_probability(
    value: object,
    rules: NormalizeRules | None = None,
    legend: Mapping[str, float] | None = None,
) -> Outcome[Probability]:
    """Read one probability cell (a bare number keeps its scale; see :func:`normalize_probability`).

    ``legend``: the workbook's own ranks (:func:`rank_legend`), read before the rules' ranks.
    """
    rules = rules or load_rules()
    pr = rules.probability
    if is_missing(value):
        return Outcome(EMPTY)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Outcome(Probability(float(value), True))
    text = clean_text(value)
    if not text:
        return Outcome(EMPTY)
    t = text.casefold()
    if hit := _RANGE_RE.match(t):
        lo, hi = sorted((float(hit[1]), float(hit[2])))
        number = {"lower": lo, "upper": hi, "mid": (lo + hi) / 2}[pr.range]
        issue = Issue(
            "normalize.probability-range",
            f"a range {lo:g}-{hi:g}; took the {pr.range} value",
            to_text(number),
        )
        return Outcome(Probability(number, "%" not in t and hi <= 1), (issue,))
    percents = _PERCENT_RE.findall(t)
    if len(percents) == 1:
        number = _signed(*percents[0])
        return Outcome(Probability(number), (reformat(RULE, to_text(number)),))
    key = _rank_key(t, rules)
    if legend and key in legend:
        number = legend[key]
        issue = Issue(
            "normalize.probability-rank",
            f"rank '{text}' read as {number:g}% (the workbook's rank legend)",
            to_text(number),
            level="mapping",
        )
        return Outcome(Probability(number), (issue,))
    ranks = dict(pr.ranks)
    if key in ranks:
        number = ranks[key]
        issue = Issue(
            "normalize.probability-rank",
            f"rank '{text}' read as {number:g}% (rules: probability.ranks)",
            to_text(number),
            level="mapping",
        )
        return Outcome(Probability(number), (issue,))
    if is_placeholder(text, rules.placeholders):
        return Outcome(EMPTY, (placeholder_issue(text),))
    if hit := _BARE_RE.match(t):
        number = _signed(hit[1], hit[2])
        respelled = hit[0] != text
        return Outcome(
            Probability(number, True), (reformat(RULE, to_text(number)),) if respelled else ()
        )
    return Outcome(
        EMPTY, (), Issue("normalize.unparseable-probability", f"'{text}' is not a probability")
    )


def _rank_key(text: str, rules: NormalizeRules) -> str:
    """Comparison key of a rank word: folded, without the strip words (確度, ヨミ, ランク)."""
    key = fold(text)
    for word in rules.probability.strip_words:
        key = key.replace(word, "")
    return re.sub(r"[\s()\[\]:：・\-_]", "", key)


def _is_rank(key: str, rules: NormalizeRules) -> bool:
    return len(key) == 1 or key in dict(rules.probability.ranks)


_LEGEND_PERCENT_RE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|％|パーセント)")


def rank_legend(
    rows: Sequence[Sequence[object]], rules: NormalizeRules | None = None
) -> dict[str, float]:
    """A rank legend sheet (確度基準, ヨミ定義: rank | definition | percent) as rank key -> percent.

    A row counts when its first rank cell (one letter or symbol once 確度/ヨミ/ランク are
    removed, or a rank word of the rules: A, ◎, Aヨミ, Hot) comes with a percentage: a number 0-100 in another cell (0-1 read
    as a fraction), else the first "80%" written in its text. At least two distinct ranks make a
    legend; anything else is none ({}), so a sheet that is no legend changes nothing.
    """
    rules = rules or load_rules()
    legend: dict[str, float] = {}
    for row in rows:
        cells = [c for c in row if not is_missing(c)]
        rank = next(
            (
                k
                for c in cells
                if isinstance(c, str)
                and _is_rank(k := _rank_key(clean_text(c), rules), rules)
                and not _LEGEND_PERCENT_RE.search(c)
            ),
            "",
        )
        if not rank or rank in legend:
            continue
        numbers = [
            float(c)
            for c in cells
            if isinstance(c, (int, float)) and not isinstance(c, bool) and 0 <= c <= 100
        ]
        if numbers:
            number = (
                numbers[-1] * 100
                if all(n <= 1 for n in numbers) and numbers[-1] < 1
                else numbers[-1]
            )
        else:
            hits = [h for c in cells if isinstance(c, str) for h in _LEGEND_PERCENT_RE.findall(c)]
            if not hits or not 0 <= float(hits[0]) <= 100:
                continue
            number = float(hits[0])
        legend[rank] = number
    return legend if len(legend) >= 2 else {}


def _signed(sign: str | None, digits: str) -> float:
    number = float(digits)
    return -number if sign and sign.strip() != "+" else number


def parse_number(value: object, rules: NormalizeRules | None = None) -> Outcome[float]:
    """Read one plain number cell (85, ８５点, 85pt)."""
    if is_missing(value):
        return Outcome(math.nan)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Outcome(float(value))
    text = clean_text(value)
    if not text:
        return Outcome(math.nan)
    if is_placeholder(text, (rules or load_rules()).placeholders):
        return Outcome(math.nan, (placeholder_issue(text),))
    hit = _SCORE_RE.match(text.replace(",", ""))
    if not hit:
        return Outcome(
            math.nan, (), Issue("normalize.unparseable-number", f"'{text}' is not a number")
        )
    number = float(hit[1])
    return Outcome(
        number, (reformat("normalize.number", to_text(number)),) if to_text(number) != text else ()
    )


# ----------------------------------------------------------------------------- columns


def normalize_probability(
    out: pd.DataFrame,
    col: Collector,
    rules: NormalizeRules,
    field: str,
    legend: Mapping[str, float] | None = None,
    *,
    legends_by_file: Mapping[str, Mapping[str, float]] | None = None,
) -> None:
    """Normalise a probability column of ``out`` in place (scale decided per file+sheet).

    ``legend``: rank key -> percent of the sources' own rank legend (:func:`rank_legend`), for
    every row; ``legends_by_file``: a legend per source file, for that file's rows only (one
    team's D is 5%, another's 10%).
    """
    codes, uniques = distinct(out[field])
    legend_of: list[Mapping[str, float] | None] = [legend] * len(uniques)
    if legends_by_file and "_source_file" in out.columns:
        # a value of a file with its own legend is a value of its own: (file, value) codes
        files = out["_source_file"].to_numpy(dtype=object)
        own: dict[tuple[object, int], int] = {}
        for i in np.flatnonzero(np.isin(files, list(legends_by_file))):
            key = (files[i], int(codes[i]))
            if key not in own:
                own[key] = len(uniques)
                uniques.append(uniques[key[1]])
                legend_of.append(legends_by_file[str(files[i])])
            codes[i] = own[key]
    rule = rules.rule("probability")
    outcomes = [parse_probability(u, rules, lg) for u, lg in zip(uniques, legend_of)]
    issues = []
    for o in outcomes:
        fail = (
            settle(o.failure, rule.on_error, rule.severity, math.nan, math.nan)[1]
            if o.failure
            else None
        )
        issues.append((*o.issues, fail) if fail else o.issues)
    originals = uniques
    col.coded(field, codes, issues, originals, [to_text(o.value.number) for o in outcomes])
    number = np.asarray([o.value.number for o in outcomes], dtype=float)[codes]
    bare = np.asarray([o.value.bare for o in outcomes], dtype=bool)[codes] & ~np.isnan(number)
    gcodes, labels = col.groups()
    scaled = np.zeros(len(number), dtype=bool)
    if bare.any():
        frame = pd.DataFrame({"g": gcodes[bare], "v": number[bare]})
        fraction_groups = sorted(
            frame.groupby("g", sort=False)["v"].max().loc[lambda s: s <= 1].index
        )
        in_fraction = np.isin(gcodes, fraction_groups) & bare
        for g in fraction_groups:
            file, sheet = labels[g]
            issue = Issue(
                "normalize.probability-scale",
                "every bare number in this column is at most 1: read as fractions (0.7 = 70%)",
            )
            col.sheet_level(field, file, sheet, issue)
        if rules.reformats == "cell":  # the full audit trail: each rescaled cell's original
            pos = np.flatnonzero(in_fraction)
            col.rows(
                field,
                pos,
                [reformat(RULE, to_text(number[p] * 100)) for p in pos],
                [to_text(out[field].iloc[p]) for p in pos],
                [to_text(number[p] * 100) for p in pos],
            )
        odd = bare & ~in_fraction & (number > 0) & (number < 1)  # 0.8 among 70, 50: a fraction
        # Fractions among percentages come from %-formatted cells; there a bare 1 is 100%, not 1%.
        has_fraction = np.isin(gcodes, np.unique(gcodes[odd]))
        odd |= bare & ~in_fraction & (number == 1) & has_fraction
        scaled = in_fraction | odd
        pos = np.flatnonzero(odd)
        col.rows(
            field,
            pos,
            [
                Issue(
                    "normalize.probability-scale",
                    f"{number[p]:g} among percentages read as {number[p] * 100:g}%",
                )
                for p in pos
            ],
            [to_text(number[p]) for p in pos],
            [to_text(number[p] * 100) for p in pos],
        )
    with np.errstate(over="ignore", invalid="ignore"):
        number = np.where(scaled, np.round(number * 100, 6), number)
    bad = np.flatnonzero((number > 100) | (number < 0))
    if len(bad):
        fails = [
            settle(
                Issue("normalize.probability-out-of-range", f"{number[p]:g} is outside 0-100"),
                rule.on_error,
                rule.severity,
                math.nan,
                math.nan,
            )[1]
            for p in bad
        ]
        col.rows(field, bad, fails, [to_text(out[field].iloc[p]) for p in bad], [""] * len(bad))
        number[bad] = math.nan
    out[field] = pd.Series(number, index=out.index, dtype="float64")


def normalize_number(out: pd.DataFrame, col: Collector, rules: NormalizeRules, field: str) -> None:
    """Normalise a plain numeric column of ``out`` in place."""
    codes, uniques = distinct(out[field])
    rule = rules.rule("number")
    values, issues = [], []
    for u in uniques:
        o = parse_number(u, rules)
        if o.failure:
            v, fail = settle(o.failure, rule.on_error, rule.severity, math.nan, math.nan)
            values.append(v)
            issues.append((*o.issues, fail))
        else:
            values.append(o.value)
            issues.append(o.issues)
    col.coded(field, codes, issues, uniques, [to_text(v) for v in values])
    out[field] = pd.Series(np.asarray(values, dtype=float)[codes], index=out.index, dtype="float64")


def rank_of(word: str, rules: NormalizeRules | None = None) -> float | None:
    """The percentage a rank word means (None when it is no rank)."""
    return dict((rules or load_rules()).probability.ranks).get(fold(word))
