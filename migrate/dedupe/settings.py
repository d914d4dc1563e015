"""Dedupe settings: rules/dedupe.yaml (or a plain dict) read into frozen objects.

A *link settings* object drives the generic engine: which blocking keys make candidate pairs,
which comparisons (with their levels) score a pair, how the Fellegi-Sunter model is trained
and where the match / review thresholds lie. rules/dedupe.yaml holds one link-settings block
per entity (companies, contacts, deals) plus what only the CRM merge needs: survivorship per
field, conflict fields, free-mail domains, existing-SFA column names and forced decisions.
The benchmarks build a link-settings object from a dict of the same shape. Every problem in
the file is collected and raised as one :class:`~migrate.errors.RuleFileError`.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from ..rules import Problems, load_rule_file

# Tests a comparison level can make, by the kind of value they read.
SIMILARITY_TESTS = (
    "ratio",
    "partial_ratio",
    "token_sort_ratio",
    "token_set_ratio",
    "jaro_winkler",
    "jaro",
)
DISTANCE_TESTS = ("levenshtein", "damerau_levenshtein")
# the share of the words of the shorter value (space-separated) that the other value holds
WORD_TESTS = ("word_share",)
NUMBER_TESTS = ("rel_diff", "abs_diff")
DATE_TESTS = ("days",)
TEXT_TESTS = (
    "exact",
    *SIMILARITY_TESTS,
    *DISTANCE_TESTS,
    *WORD_TESTS,
    "same_prefix",
    "same_domain",
    "one_matches",
    "same_start",
)
# tests that look at another column of the pair: 'same' (the other column agrees, e.g. same
# source file), 'cross' (the value sits in the other record's other column: swapped names)
PAIR_TESTS = ("same", "cross")
# dates only: 'after' (one record's date is later than the other record's <column>: a deal
# opened after the other was won or lost is the next deal, not a snapshot of it)
DATE_PAIR_TESTS = ("after",)
ALL_TESTS = (*TEXT_TESTS, *NUMBER_TESTS, *DATE_TESTS, *PAIR_TESTS, *DATE_PAIR_TESTS)

TRANSFORMS = (
    "value",
    "prefix",
    "suffix",
    "tokens",
    "sorted_tokens",
    "first_token",
    "last_token",
    "digits",
)
ENTITY_SECTIONS = ("companies", "contacts", "deals")

Kind = Literal["text", "number", "date"]
Strategy = Literal[
    "most_recent",
    "most_complete",
    "most_frequent",
    "display_name",
    "primary_name",
    "person_name",
    "source_priority",
    "longest",
    "concatenate",
    "work_email",
    "earliest",
    "highest",
]
STRATEGIES: tuple[str, ...] = get_args(Strategy)


@dataclass(frozen=True)
class KeyPart:
    """One part of a blocking key: a column, optionally transformed (prefix of N chars...)."""

    column: str
    transform: str = "value"
    length: int = 0

    @property
    def label(self) -> str:
        if self.transform == "value":
            return self.column
        if self.transform in ("prefix", "suffix"):
            return f"{self.transform}({self.column},{self.length})"
        return f"{self.transform}({self.column})"


@dataclass(frozen=True)
class BlockingRule:
    """Records that agree on every part of the key become candidate pairs."""

    parts: tuple[KeyPart, ...]
    # this key's own largest block (0: the entity's max_block_size): a key common to many
    # records says nothing (a person's name at five companies is no sign two names are one
    # body), and its blocks above this size are left out without a finding
    max_block: int = 0

    @property
    def label(self) -> str:
        return " & ".join(p.label for p in self.parts)

    @property
    def columns(self) -> frozenset[str]:
        return frozenset(p.column for p in self.parts)


@dataclass(frozen=True)
class Level:
    """One comparison level: the first level whose test passes is the pair's level."""

    test: str
    arg: Any = None
    never: bool = False  # a pair at this level is never a match (hard cannot-link)
    m: float | None = None  # prior m probability (share of true matches at this level)
    u: float | None = None  # prior u probability (share of non-matches at this level)
    # a pair at this level is at most a review pair: however high its score, a person decides,
    # unless it agrees exactly on one of ``review_unless`` (comparison names: a shared domain),
    # or both its records hold a value of one of ``review_unless_given`` (two amounts, near or
    # far: the amount comparison weighs them)
    review_only: bool = False
    review_unless: tuple[str, ...] = ()
    review_unless_given: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if not self.review_only or self.test == "one_matches":
            return self._test_label
        lifted = []
        if self.review_unless:
            lifted.append(f"{'/'.join(self.review_unless)} agree")
        if self.review_unless_given:
            lifted.append(f"both hold {'/'.join(self.review_unless_given)}")
        unless = f" unless {' or '.join(lifted)}" if lifted else ""
        return f"{self._test_label} (a person decides{unless})"

    @property
    def _test_label(self) -> str:
        if self.test == "exact":
            return "exact"
        if self.test == "same":
            return f"differs, same {self.arg}"
        if self.test == "cross":
            return f"swapped with {self.arg}"
        if self.test == "after":
            return f"after the other's {self.arg}"
        if self.test == "one_matches":
            return "one matches, the other not" + (
                " (a person decides)" if self.review_only else ""
            )
        if self.test == "same_prefix":
            return "differs, same id prefix"
        if self.test == "same_start":
            return "same start, other words (a group's companies?)"
        if self.test == "same_domain":
            return "differs, same domain"
        if self.test in SIMILARITY_TESTS and self.arg == 0:
            return "unlike"  # the level after every closer one: alike in none of their ways
        if self.test in WORD_TESTS and self.arg == 0:
            return "few or no words shared"
        if self.test in SIMILARITY_TESTS or self.test in WORD_TESTS:
            return f"{self.test}>={self.arg:g}"
        if self.test in DISTANCE_TESTS:
            return f"{self.test}<={self.arg:g}"
        if self.test in NUMBER_TESTS:
            return f"{self.test}<={self.arg:g}"
        return f"{self.test}<={self.arg:g}"


@dataclass(frozen=True)
class Comparison:
    """How one field of two records is compared: ordered levels, then an implicit 'else'."""

    name: str
    column: str
    levels: tuple[Level, ...]
    kind: Kind = "text"
    tf_adjust: bool = False  # exact agreement on a rare value weighs more (term frequency)
    else_never: bool = False
    else_m: float | None = None
    same_script_only: bool = False  # Latin vs Japanese spellings are not compared (no evidence)
    # only agreement counts: two different values are no evidence either way (a company has
    # many people and deals; sharing one says much, not sharing says nothing)
    agreement_only: bool = False
    # only pairs whose values of this column are written in different scripts are compared
    # (the reading of a deal name beside the name itself: the name comparison takes the pairs
    # of one script, this one the pairs it cannot compare)
    cross_script_of: str | None = None
    # only pairs whose values of this column differ are compared: the agreement another
    # comparison has already counted (two equal deal names) is not counted again
    when_differs: str | None = None
    # words that tell two companies apart when one name holds them and the other does not
    # (ホールディングス, Group): two values equal but for these words at their end are
    # 'different', whatever a similarity level says (ヤマトホールディングス / ヤマト)
    distinct_words: tuple[str, ...] = ()
    # False: EM keeps the m priors as given: the comparison states a policy (two rows of one
    # sheet are two deals unless everything else agrees), not a share to learn from a batch
    # where look-alike rows of one sheet would teach EM that they match
    learn_m: bool = True
    # two values that both hold numbers, and not the same ones, are 'different' whatever a
    # similarity level says: 基幹刷新フェーズ1 / フェーズ2, 追加ライセンス(10名) / (100名) are two deals
    distinct_numbers: bool = False

    @property
    def n_levels(self) -> int:
        """Levels including the final 'else' level."""
        return len(self.levels) + 1

    def level_label(self, i: int) -> str:
        if i < 0:
            return "missing"
        return self.levels[i].label if i < len(self.levels) else "different"

    @property
    def columns(self) -> frozenset[str]:
        extra = {
            lv.arg for lv in self.levels if lv.test in PAIR_TESTS or lv.test in DATE_PAIR_TESTS
        }
        extra |= {c for c in (self.cross_script_of, self.when_differs) if c}
        return frozenset({self.column, *extra})


@dataclass(frozen=True)
class ModelSettings:
    """Training of the Fellegi-Sunter weights."""

    train: bool = True  # learn m by EM; False: use the m priors as given
    max_iterations: int = 40
    tolerance: float = 1e-4
    random_pairs: int = 200_000  # sample size for u (all pairs when fewer)
    prior_strength: float = 5.0  # pseudo-pairs behind the m priors (regularises small data)
    u_prior_strength: float = 2000.0  # pseudo-pairs behind the u priors given on levels
    match_prior: float | None = None  # P(two random records match); None: estimate
    seed: int = 17
    session_max_pairs: int = 1_000_000
    u_within: str = ""  # measure u on random pairs that agree on this column (e.g. company_id)


@dataclass(frozen=True)
class Thresholds:
    match: float = 0.9  # match probability at or above which records merge
    review: float = 0.5  # ... at or above which a pair goes to the review queue


@dataclass(frozen=True)
class CohesionSettings:
    """Guard against chaining two different entities through a bridge record."""

    enabled: bool = True
    max_dense: int = 1000  # clusters up to this size get every member pair scored


@dataclass(frozen=True)
class LinkSettings:
    """Everything the generic engine needs: blocking, comparisons, model, thresholds."""

    blocking: tuple[BlockingRule, ...]
    comparisons: tuple[Comparison, ...]
    max_block_size: int = 1000
    model: ModelSettings = field(default_factory=ModelSettings)
    thresholds: Thresholds = field(default_factory=Thresholds)
    cohesion: CohesionSettings = field(default_factory=CohesionSettings)


@dataclass(frozen=True)
class Revisions:
    """How a quote's revision shows (rules/dedupe.yaml deals.revisions)."""

    # at the end of a tracker id: the suffix of a revision (Q-2026-031-2, -R2, Rev.3, _v2,
    # (再見積)); its group ``n`` is the revision's number when it gives one
    id_suffix: str = ""
    # at the end of a deal name: a revision mark (再見積, 第2版, Rev.3), not part of the deal
    name_marks: str = ""
    # headers of an unmapped column that holds the revision number (版, Rev, Version)
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineItems:
    """How an order's line items show (rules/dedupe.yaml deals.line_items)."""

    # fields equal on every line of one order (its number first), in one sheet
    key: tuple[str, ...] = ("record_id",)
    # the field that differs between the lines (the product)
    differ: str = "product"
    # what joins the lines' products into the deal's
    join: str = " / "


@dataclass(frozen=True)
class EntitySettings:
    """One entity of the CRM merge (companies, contacts or deals)."""

    link: LinkSettings
    present_if: tuple[str, ...]
    survivorship_default: Strategy = "most_recent"
    survivorship: tuple[tuple[str, Strategy], ...] = ()
    source_priority: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    # fields kept from one row: the first field's strategy picks the row, the others follow it
    # (an amount and its currency)
    together: tuple[tuple[str, ...], ...] = ()
    # deals: kind -> the words of a deal name that say it (新規導入, renewal, 追加ライセンス ...);
    # two deals of one company of different kinds are two deals (migrate/dedupe/deal_words.py)
    kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # deals: how a deal name says the (fiscal) year it is of (FY2025, 25年度, 更新 2025, 2025/4〜):
    # regular expressions whose first group that matched is the year (two digits: 20xx)
    years: tuple[str, ...] = ()
    # deals: words that, beside the company's names, name no deal (Pipedrive's default title
    # '<organisation> deal', 案件): such a name is no evidence (migrate/dedupe/entities.py)
    generic_names: tuple[str, ...] = ()
    # deals: how a quote's revision shows (an id suffix, a mark in the name, a 版 column):
    # migrate/dedupe/revisions.py
    revisions: Revisions | None = None
    # deals: the rows of one order (受注番号) with different products are one deal
    line_items: LineItems | None = None
    # e-mail domains of no company (the top level's free_mail_domains): the ``work_email``
    # strategy keeps an address of the company's own domain before one of these
    free_mail_domains: frozenset[str] = frozenset()

    def strategy(self, name: str) -> Strategy:
        return dict(self.survivorship).get(name, self.survivorship_default)


@dataclass(frozen=True)
class ExistingSource:
    """Column names of one export from the target SFA (accounts or contacts)."""

    id_columns: tuple[str, ...]
    columns: tuple[tuple[str, tuple[str, ...]], ...]  # canonical field -> accepted headers


@dataclass(frozen=True)
class Decision:
    left: str
    right: str
    decision: Literal["same", "different"]


@dataclass(frozen=True)
class DedupeSettings:
    """The whole of rules/dedupe.yaml."""

    companies: EntitySettings
    contacts: EntitySettings
    deals: EntitySettings
    free_mail_domains: frozenset[str]
    kana_legal_forms: tuple[str, ...]
    legal_forms: tuple[str, ...]
    existing: tuple[tuple[str, ExistingSource], ...]
    decisions: tuple[Decision, ...]
    exact_duplicate_ignore: tuple[str, ...] = ()
    # what a person may type in the decision column of review.xlsx: word (lower case) -> decision
    review_words: tuple[tuple[str, str], ...] = ()
    # the script company and person names keep (primary_name): auto = the one most sources use
    name_script: Literal["auto", "ja", "latin"] = "auto"
    # the reading rules of rules/readings.yaml (set by the rules bundle): company names of the
    # two scripts linked by reading (migrate/dedupe/reading_links.py); None: no such links
    readings: Any = None

    def entity(self, name: str) -> EntitySettings:
        return {"companies": self.companies, "contacts": self.contacts, "deals": self.deals}[name]


# --------------------------------------------------------------------------- parsing


def _number(
    p: Problems, value: Any, key: str, lo: float | None = None, hi: float | None = None
) -> float | None:
    if not p.type(value, key, (int, float), "a number"):
        return None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        p.add(
            key,
            f"{value!r} is out of range; allowed: {lo if lo is not None else '-inf'}..{hi if hi is not None else 'inf'}",
        )
        return None
    return float(value)


def _parse_key_part(p: Problems, raw: Any, key: str) -> KeyPart | None:
    if isinstance(raw, str):
        return KeyPart(raw)
    if not p.keys(raw, key, ["column", *TRANSFORMS[1:]], ["column"]):
        return None
    transforms = [t for t in TRANSFORMS[1:] if t in raw]
    if len(transforms) > 1:
        p.add(key, f"only one transform per key part, got {', '.join(transforms)}")
        return None
    if not p.type(raw["column"], f"{key}.column", str, "a column name"):
        return None
    if not transforms:
        return KeyPart(raw["column"])
    t = transforms[0]
    if t in ("prefix", "suffix"):
        n = raw[t]
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            p.add(f"{key}.{t}", f"{n!r} is not a positive number of characters")
            return None
        return KeyPart(raw["column"], t, n)
    if raw[t] is not True:
        p.add(f"{key}.{t}", f"{raw[t]!r} is not allowed; allowed values: true")
        return None
    return KeyPart(raw["column"], t)


def _parse_blocking(p: Problems, raw: Any, key: str) -> tuple[BlockingRule, ...]:
    if not isinstance(raw, list) or not raw:
        p.add(key, "expected a non-empty list of blocking keys")
        return ()
    rules = []
    for i, item in enumerate(raw):
        k = f"{key}[{i}]"
        cap = 0
        if isinstance(item, dict) and "key" in item:  # {key: [people], max_block_size: 4}
            if not p.keys(item, k, ["key", "max_block_size"]):
                continue
            cap = int(_number(p, item.get("max_block_size", 0), f"{k}.max_block_size", 2) or 0)
            item = item["key"]
        items = item if isinstance(item, list) else [item]
        if not items:
            p.add(k, "a blocking key needs at least one part")
            continue
        parts = [
            _parse_key_part(p, part, f"{k}[{j}]" if isinstance(item, list) else k)
            for j, part in enumerate(items)
        ]
        if all(parts):
            rules.append(BlockingRule(tuple(x for x in parts if x), cap))
    if len(rules) > 62:
        p.add(key, f"at most 62 blocking keys, got {len(rules)}")
    return tuple(rules)


def _parse_level(p: Problems, raw: Any, key: str) -> Level | None:
    if isinstance(raw, str):
        if raw != "exact":
            p.add(
                key, f"{raw!r} is not allowed; a level is 'exact' or a mapping like {{ratio: 0.9}}"
            )
            return None
        return Level("exact")
    if not p.keys(raw, key, [*ALL_TESTS, "never", "m", "u", "review_only"]):
        return None
    tests = [t for t in ALL_TESTS if t in raw]
    if len(tests) != 1:
        p.add(key, f"a level needs exactly one test; allowed tests: {', '.join(ALL_TESTS)}")
        return None
    t = tests[0]
    arg = raw[t]
    k = f"{key}.{t}"
    if t in SIMILARITY_TESTS or t in WORD_TESTS:
        arg = _number(p, arg, k, 0.0, 1.0)
    elif t in DISTANCE_TESTS or t in NUMBER_TESTS or t in DATE_TESTS:
        arg = _number(p, arg, k, 0.0)
    elif t in PAIR_TESTS or t in DATE_PAIR_TESTS:
        if not p.type(arg, k, str, "a column name"):
            arg = None
    elif t == "same_start":  # [characters of a Japanese value, of a Latin one]
        if (
            not isinstance(arg, list)
            or len(arg) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) and x >= 1 for x in arg)
        ):
            p.add(k, f"{arg!r} is not allowed; allowed values: [N, M] (two counts of characters)")
            arg = None
        else:
            arg = (int(arg[0]), int(arg[1]))
    elif t == "one_matches":  # a regular expression one value matches and the other not
        if not p.type(arg, k, str, "a regular expression"):
            arg = None
        else:
            try:
                re.compile(arg)
            except re.error as exc:
                p.add(k, f"{arg!r} is not a regular expression: {exc}")
                arg = None
    elif arg is not True:
        p.add(k, f"{arg!r} is not allowed; allowed values: true")
        arg = None
    never = raw.get("never", False)
    if not isinstance(never, bool):
        p.add(f"{key}.never", f"{never!r} is not allowed; allowed values: true, false")
    review_only = raw.get("review_only", False)
    unless: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    if isinstance(review_only, list):  # the comparisons whose exact agreement lifts the hold
        unless = tuple(p.string_list(review_only, f"{key}.review_only"))
        review_only = True
    elif isinstance(review_only, dict) and p.keys(
        review_only, f"{key}.review_only", ["agree", "given"]
    ):
        unless = tuple(p.string_list(review_only.get("agree", []), f"{key}.review_only.agree"))
        given = tuple(p.string_list(review_only.get("given", []), f"{key}.review_only.given"))
        review_only = True
    elif not isinstance(review_only, bool):
        p.add(
            f"{key}.review_only",
            f"{review_only!r} is not allowed; allowed values: true, false, a list of comparisons, "
            "{agree: [comparisons], given: [comparisons]}",
        )
    m = raw.get("m")
    if m is not None:
        m = _number(p, m, f"{key}.m", 0.0, 1.0)
    u = raw.get("u")
    if u is not None:
        u = _number(p, u, f"{key}.u", 0.0, 1.0)
    if arg is None and t != "exact":
        return None
    return Level(t, arg, bool(never), m, u, review_only is True, unless, given)


def _kind(levels: tuple[Level, ...]) -> Kind:
    tests = {lv.test for lv in levels}
    if tests & set(NUMBER_TESTS):
        return "number"
    if tests & {*DATE_TESTS, *DATE_PAIR_TESTS}:
        return "date"
    return "text"


def _parse_comparison(p: Problems, raw: Any, key: str) -> Comparison | None:
    if not p.keys(
        raw,
        key,
        [
            "name",
            "column",
            "levels",
            "tf_adjust",
            "else_never",
            "else_m",
            "kind",
            "same_script_only",
            "agreement_only",
            "cross_script_of",
            "when_differs",
            "distinct_words",
            "learn_m",
            "distinct_numbers",
        ],
        ["column", "levels"],
    ):
        return None
    column = raw["column"]
    if not p.type(column, f"{key}.column", str, "a column name"):
        return None
    name = raw.get("name", column)
    levels_raw = raw["levels"]
    if not isinstance(levels_raw, list):
        p.add(f"{key}.levels", "expected a list of levels")
        return None
    parsed = [
        _parse_level(p, raw_level, f"{key}.levels[{i}]") for i, raw_level in enumerate(levels_raw)
    ]
    if any(lv is None for lv in parsed):
        return None
    levels = tuple(lv for lv in parsed if lv is not None)
    kind = raw.get("kind", _kind(levels))
    p.choice(kind, f"{key}.kind", ("text", "number", "date"))
    allowed = {
        "text": (*TEXT_TESTS, *PAIR_TESTS),
        "number": ("exact", *NUMBER_TESTS, "same"),
        "date": ("exact", *DATE_TESTS, "same", *DATE_PAIR_TESTS),
    }.get(kind, ())
    for i, lv in enumerate(levels):
        if lv.test not in allowed:
            p.add(
                f"{key}.levels[{i}]",
                f"test '{lv.test}' does not apply to {kind} values; allowed: {', '.join(allowed)}",
            )
    tf = raw.get("tf_adjust", False)
    else_never = raw.get("else_never", False)
    script = raw.get("same_script_only", False)
    agreement = raw.get("agreement_only", False)
    learn_m = raw.get("learn_m", True)
    numbers = raw.get("distinct_numbers", False)
    for flag, v in (
        ("tf_adjust", tf),
        ("else_never", else_never),
        ("same_script_only", script),
        ("agreement_only", agreement),
        ("learn_m", learn_m),
        ("distinct_numbers", numbers),
    ):
        if not isinstance(v, bool):
            p.add(f"{key}.{flag}", f"{v!r} is not allowed; allowed values: true, false")
    cross = raw.get("cross_script_of")
    if cross is not None and not p.type(cross, f"{key}.cross_script_of", str, "a column name"):
        cross = None
    differs = raw.get("when_differs")
    if differs is not None and not p.type(differs, f"{key}.when_differs", str, "a column name"):
        differs = None
    if cross is not None and script:
        p.add(f"{key}.cross_script_of", "same_script_only and cross_script_of exclude each other")
    distinct = p.string_list(raw.get("distinct_words"), f"{key}.distinct_words")
    for i, word in enumerate(distinct):
        if not word.strip():
            p.add(f"{key}.distinct_words[{i}]", "an empty word is not allowed")
    if distinct and kind != "text":
        p.add(f"{key}.distinct_words", f"applies to text values, not {kind}")
    if numbers is True and kind != "text":
        p.add(f"{key}.distinct_numbers", f"applies to text values, not {kind}")
    else_m = raw.get("else_m")
    if else_m is not None:
        else_m = _number(p, else_m, f"{key}.else_m", 0.0, 1.0)
    # levels exclude each other: their shares cannot add up to more than 1
    for share, given in (("m", [lv.m for lv in levels] + [else_m]), ("u", [lv.u for lv in levels])):
        total = sum(x for x in given if x is not None)
        if total > 1.0 + 1e-9:
            p.add(
                f"{key}.levels",
                f"the {share} priors add up to {total:g}; the levels exclude each other, so at most 1",
            )
    return Comparison(
        str(name),
        column,
        levels,
        kind,
        bool(tf),
        bool(else_never),
        else_m,
        bool(script),
        bool(agreement),
        cross,
        differs,
        tuple(distinct),
        bool(learn_m),
        bool(numbers),
    )


def _parse_dataclass(
    p: Problems,
    raw: Any,
    key: str,
    cls: type,
    ranges: Mapping[str, tuple[float | None, float | None]],
) -> Any:
    if raw is None:
        return cls()
    names = [f.name for f in dataclasses.fields(cls)]
    if not p.keys(raw, key, names):
        return cls()
    kwargs: dict[str, Any] = {}
    defaults = cls()
    for name, value in raw.items():
        k = f"{key}.{name}"
        default = getattr(defaults, name)
        if isinstance(default, bool):
            if isinstance(value, bool):
                kwargs[name] = value
            else:
                p.add(k, f"{value!r} is not allowed; allowed values: true, false")
        elif name == "match_prior" and value is None:
            kwargs[name] = None
        elif isinstance(default, str):
            if p.type(value, k, str, "a column name"):
                kwargs[name] = value
        else:
            lo, hi = ranges.get(name, (0, None))
            num = _number(p, value, k, lo, hi)
            if num is not None:
                kwargs[name] = int(num) if isinstance(default, int) else num
    return cls(**kwargs)


LINK_KEYS = ["blocking", "max_block_size", "comparisons", "model", "thresholds", "cohesion"]


def parse_link_settings(p: Problems, raw: Any, key: str = "") -> LinkSettings:
    """Read one link-settings block (blocking, comparisons, model, thresholds, cohesion)."""
    pre = f"{key}." if key else ""
    blocking = _parse_blocking(p, raw.get("blocking"), f"{pre}blocking")
    comps_raw = raw.get("comparisons")
    comparisons: list[Comparison] = []
    if not isinstance(comps_raw, list) or not comps_raw:
        p.add(f"{pre}comparisons", "expected a non-empty list of comparisons")
    else:
        seen: set[str] = set()
        for i, c in enumerate(comps_raw):
            comp = _parse_comparison(p, c, f"{pre}comparisons[{i}]")
            if comp is None:
                continue
            if comp.name in seen:
                p.add(
                    f"{pre}comparisons[{i}].name", f"'{comp.name}' is used twice; give one a name"
                )
            seen.add(comp.name)
            comparisons.append(comp)
        for i, comp in enumerate(comparisons):  # review_only: [names] names comparisons here
            for j, lv in enumerate(comp.levels):
                for name in (*lv.review_unless, *lv.review_unless_given):
                    if name not in seen:
                        p.add(
                            f"{pre}comparisons[{i}].levels[{j}].review_only",
                            f"'{name}' is no comparison of this block; known: {', '.join(sorted(seen))}",
                        )
    mbs = raw.get("max_block_size", 1000)
    max_block_size = _number(p, mbs, f"{pre}max_block_size", 2)
    model = _parse_dataclass(
        p,
        raw.get("model"),
        f"{pre}model",
        ModelSettings,
        {
            "match_prior": (0.0, 1.0),
            "tolerance": (0.0, 1.0),
            "max_iterations": (1, None),
            "random_pairs": (100, None),
        },
    )
    thresholds = _parse_dataclass(
        p,
        raw.get("thresholds"),
        f"{pre}thresholds",
        Thresholds,
        {"match": (0.0, 1.0), "review": (0.0, 1.0)},
    )
    if thresholds.review > thresholds.match:
        p.add(
            f"{pre}thresholds.review",
            f"{thresholds.review} is above thresholds.match {thresholds.match}",
        )
    cohesion = _parse_dataclass(
        p, raw.get("cohesion"), f"{pre}cohesion", CohesionSettings, {"max_dense": (3, None)}
    )
    return LinkSettings(
        blocking, tuple(comparisons), int(max_block_size or 1000), model, thresholds, cohesion
    )


def link_settings(raw: Mapping[str, Any], name: str = "<settings>") -> LinkSettings:
    """Build link settings from a plain dict (used by the benchmarks); raises RuleFileError."""
    p = Problems(name)
    if p.keys(raw, "", LINK_KEYS, ["blocking", "comparisons"]):
        out = parse_link_settings(p, raw)
        p.raise_if_any()
        return out
    p.raise_if_any()
    raise AssertionError("unreachable")


def _parse_entity(p: Problems, raw: Any, key: str) -> EntitySettings | None:
    extra = [
        "present_if",
        "survivorship",
        "source_priority",
        "conflicts",
        "fields",
        "kinds",
        "generic_names",
        "years",
        "revisions",
        "line_items",
    ]
    if not p.keys(raw, key, [*LINK_KEYS, *extra], ["blocking", "comparisons", "present_if"]):
        return None
    link = parse_link_settings(p, raw, key)
    present_if = tuple(p.string_list(raw.get("present_if"), f"{key}.present_if"))
    if not present_if:
        p.add(
            f"{key}.present_if",
            "name at least one field whose presence makes a row carry this entity",
        )
    surv_raw = raw.get("survivorship") or {}
    default: Strategy = "most_recent"
    per_field: list[tuple[str, Strategy]] = []
    together: list[tuple[str, ...]] = []
    if p.keys(surv_raw, f"{key}.survivorship", ["default", "fields", "together"]):
        for i, group in enumerate(surv_raw.get("together") or []):
            names = p.string_list(group, f"{key}.survivorship.together[{i}]")
            if len(names) >= 2:
                together.append(tuple(names))
            else:
                p.add(f"{key}.survivorship.together[{i}]", "expected a list of two or more fields")
        if "default" in surv_raw and p.choice(
            surv_raw["default"], f"{key}.survivorship.default", STRATEGIES
        ):
            default = surv_raw["default"]
        fields_raw = surv_raw.get("fields") or {}
        if isinstance(fields_raw, Mapping):
            for fname, strat in fields_raw.items():
                if p.choice(strat, f"{key}.survivorship.fields.{fname}", STRATEGIES):
                    per_field.append((str(fname), strat))
        else:
            p.add(f"{key}.survivorship.fields", "expected a mapping of field: strategy")
    kinds: list[tuple[str, tuple[str, ...]]] = []
    kinds_raw = raw.get("kinds") or {}
    if isinstance(kinds_raw, Mapping):
        seen_word: dict[str, str] = {}
        for kind, words in kinds_raw.items():
            at = f"{key}.kinds.{kind}"
            listed = p.string_list(words, at)
            if isinstance(words, list) and not listed:
                p.add(at, "expected a non-empty list of words")
            for w in listed:
                folded = w.strip().lower()
                if seen_word.get(folded, str(kind)) != str(kind):
                    p.add(at, f"'{w}' is also listed under '{seen_word[folded]}'")
                seen_word.setdefault(folded, str(kind))
            kinds.append((str(kind), tuple(listed)))
    else:
        p.add(f"{key}.kinds", "expected a mapping of kind: [words]")
    return EntitySettings(
        link=link,
        revisions=_parse_revisions(p, raw.get("revisions"), f"{key}.revisions"),
        line_items=_parse_line_items(p, raw.get("line_items"), f"{key}.line_items"),
        kinds=tuple(kinds),
        generic_names=tuple(p.string_list(raw.get("generic_names"), f"{key}.generic_names")),
        years=_parse_years(p, raw.get("years"), f"{key}.years"),
        present_if=present_if,
        survivorship_default=default,
        survivorship=tuple(per_field),
        together=tuple(together),
        source_priority=tuple(p.string_list(raw.get("source_priority"), f"{key}.source_priority")),
        conflicts=tuple(p.string_list(raw.get("conflicts"), f"{key}.conflicts")),
        fields=tuple(p.string_list(raw.get("fields"), f"{key}.fields")),
    )


def _parse_years(p: Problems, raw: Any, key: str) -> tuple[str, ...]:
    """deals.years: regular expressions, each with a group (the year) and compiling."""
    out = []
    for i, pattern in enumerate(p.string_list(raw, key)):
        try:
            groups = re.compile(pattern).groups
        except re.error as exc:
            p.add(f"{key}[{i}]", f"not a regular expression ({exc}): {pattern!r}")
            continue
        if not groups:
            p.add(f"{key}[{i}]", f"needs a group (the year): {pattern!r}")
            continue
        out.append(pattern)
    return tuple(out)


def _parse_line_items(p: Problems, raw: Any, key: str) -> LineItems | None:
    """deals.line_items: key (fields, the order number first), differ (a field) and join."""
    if raw is None:
        return None
    if not p.keys(raw, key, ["key", "differ", "join"], ["key", "differ"]):
        return None
    fields = tuple(p.string_list(raw.get("key"), f"{key}.key"))
    if not fields:
        p.add(f"{key}.key", "name at least the order number's field")
    differ = raw.get("differ")
    if not isinstance(differ, str) or not differ:
        p.add(f"{key}.differ", f"expected a field name, got {differ!r}")
        return None
    join = raw.get("join", " / ")
    if not isinstance(join, str):
        p.add(f"{key}.join", f"expected a text, got {join!r}")
        join = " / "
    return LineItems(key=fields, differ=differ, join=join)


def _parse_revisions(p: Problems, raw: Any, key: str) -> Revisions | None:
    """deals.revisions: two regular expressions (each must compile and, for the id suffix,
    may name its revision number as group ``n``) and the headers of a revision column."""
    if raw is None:
        return None
    if not p.keys(raw, key, ["id_suffix", "name_marks", "headers"], []):
        return None
    patterns = {}
    for name in ("id_suffix", "name_marks"):
        value = raw.get(name) or ""
        if not isinstance(value, str):
            p.add(f"{key}.{name}", f"expected a regular expression, got {value!r}")
            continue
        try:
            re.compile(value)
        except re.error as e:
            p.add(f"{key}.{name}", f"'{value}' is not a regular expression ({e})")
            continue
        patterns[name] = value
    return Revisions(
        id_suffix=patterns.get("id_suffix", ""),
        name_marks=patterns.get("name_marks", ""),
        headers=tuple(p.string_list(raw.get("headers"), f"{key}.headers")),
    )


def _parse_existing(p: Problems, raw: Any) -> tuple[tuple[str, ExistingSource], ...]:
    if raw is None:
        return ()
    out = []
    if not p.keys(raw, "existing", ["accounts", "contacts"]):
        return ()
    for name, spec in raw.items():
        k = f"existing.{name}"
        if not p.keys(spec, k, ["id", "columns"], ["id", "columns"]):
            continue
        ids = tuple(
            p.string_list(spec["id"] if isinstance(spec["id"], list) else [spec["id"]], f"{k}.id")
        )
        cols = []
        if isinstance(spec["columns"], Mapping):
            for canon, headers in spec["columns"].items():
                hs = p.string_list(
                    headers if isinstance(headers, list) else [headers], f"{k}.columns.{canon}"
                )
                cols.append((str(canon), tuple(hs)))
        else:
            p.add(f"{k}.columns", "expected a mapping of canonical field: [headers]")
        out.append((str(name), ExistingSource(ids, tuple(cols))))
    return tuple(out)


def _parse_decisions(p: Problems, raw: Any) -> tuple[Decision, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        p.add("decisions", "expected a list of {left, right, decision}")
        return ()
    out = []
    for i, d in enumerate(raw):
        k = f"decisions[{i}]"
        if not p.keys(d, k, ["left", "right", "decision", "note"], ["left", "right", "decision"]):
            continue
        if p.choice(d["decision"], f"{k}.decision", ("same", "different")):
            out.append(Decision(str(d["left"]).strip(), str(d["right"]).strip(), d["decision"]))
    return tuple(out)


def _parse_review_words(p: Problems, raw: Any) -> tuple[tuple[str, str], ...]:
    if not p.keys(raw, "review_words", ["same", "different"], ["same", "different"]):
        return ()
    words: dict[str, str] = {}
    for decision in ("same", "different"):
        at = f"review_words.{decision}"
        for word in p.string_list(raw[decision], at):
            key = word.strip().lower()
            if words.get(key, decision) != decision:
                p.add(at, f"'{word}' is also listed under '{words[key]}'")
            words.setdefault(key, decision)
    return tuple(words.items())


TOP_KEYS = [
    "kind",
    "version",
    "free_mail_domains",
    "exact_duplicates",
    *ENTITY_SECTIONS,
    "existing",
    "decisions",
    "review_words",
    "names",
]
NAME_SCRIPTS = ("auto", "ja", "latin")


def parse_settings(path: str) -> DedupeSettings:
    """Read and fully check one dedupe.yaml (the rules bundle calls this once per file).

    The legal forms come from rules/normalize.yaml, the one list of them: see
    :func:`with_legal_forms`.
    """
    doc, p = load_rule_file(path, "dedupe")
    p.keys(doc, "", TOP_KEYS, ["kind", "version", *ENTITY_SECTIONS])
    entities = {
        name: _parse_entity(p, doc.get(name), name) for name in ENTITY_SECTIONS if name in doc
    }
    exact = doc.get("exact_duplicates") or {}
    ignore: list[str] = []
    if p.keys(exact, "exact_duplicates", ["ignore"]):
        ignore = p.string_list(exact.get("ignore"), "exact_duplicates.ignore")
    free_mail = frozenset(
        d.lower() for d in p.string_list(doc.get("free_mail_domains"), "free_mail_domains")
    )
    existing = _parse_existing(p, doc.get("existing"))
    decisions = _parse_decisions(p, doc.get("decisions"))
    review_words = _parse_review_words(p, doc.get("review_words"))
    names = doc.get("names") or {}
    name_script: Literal["auto", "ja", "latin"] = "auto"
    if (
        p.keys(names, "names", ["primary"])
        and "primary" in names
        and p.choice(names["primary"], "names.primary", NAME_SCRIPTS)
    ):
        name_script = names["primary"]
    p.raise_if_any()
    companies, contacts, deals = (
        replace(e, free_mail_domains=free_mail) if e is not None else None
        for e in (entities.get(name) for name in ENTITY_SECTIONS)
    )
    assert companies is not None and contacts is not None and deals is not None  # checked above
    return DedupeSettings(
        companies=companies,
        contacts=contacts,
        deals=deals,
        free_mail_domains=free_mail,
        kana_legal_forms=(),
        legal_forms=(),
        existing=existing,
        decisions=decisions,
        exact_duplicate_ignore=tuple(ignore),
        review_words=review_words,
        name_script=name_script,
    )


def with_legal_forms(settings: DedupeSettings, legal_forms: Iterable[str]) -> DedupeSettings:
    """The settings with every spelling of every legal form (株式会社, (株), カブシキガイシャ,
    Co., Ltd. ...), as rules/normalize.yaml lists them once for every stage."""
    forms = tuple(dict.fromkeys(legal_forms))
    return dataclasses.replace(settings, legal_forms=forms, kana_legal_forms=kana_forms(forms))


def kana_forms(legal_forms: Iterable[str]) -> tuple[str, ...]:
    """The legal forms written in kana only (カブシキガイシャ, the bank-transfer mark (カ)):
    removed before kana readings are compared."""
    from .keys import is_kana_form

    return tuple(dict.fromkeys(f for f in legal_forms if is_kana_form(f)))


def load_settings(rules: str | os.PathLike[str] | None = None) -> DedupeSettings:
    """The dedupe settings of rules/dedupe.yaml (a view on the rules bundle)."""
    from ..bundle import load_rules_bundle

    return load_rules_bundle(rules).dedupe


def load_stage_order(rules: str | os.PathLike[str] | None = None) -> dict[str, int]:
    """Stage key -> its ``order`` in rules/stages.yaml (how far along the funnel a row is).

    Only the keys and orders are read here (a broken file gives what can be read); the stage
    model checks the whole file. A view on the rules bundle.
    """
    from ..bundle import load_rules_bundle

    return dict(load_rules_bundle(rules).stage_order)


def load_stage_level(rules: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Stage key -> its ``level`` in rules/stages.yaml (person: the lead funnel, deal)."""
    return _stage_attribute(rules, "level")


def load_stage_status(rules: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Stage key -> its ``status`` in rules/stages.yaml (open | won | lost).

    Read like :func:`load_stage_order`: only the keys and statuses; the stage model checks the
    whole file.
    """
    return _stage_attribute(rules, "status")


def _stage_attribute(rules: str | os.PathLike[str] | None, name: str) -> dict[str, str]:
    """Stage key -> one text attribute of it in rules/stages.yaml (what can be read)."""
    from ..bundle import load_rules_bundle
    from ..rules import read_rule_doc

    path = load_rules_bundle(rules).path("stages.yaml")
    if not path.is_file():
        return {}
    doc = read_rule_doc(path).data
    stages = doc.get("stages") if isinstance(doc, dict) else None
    return {
        spec["key"]: spec[name]
        for spec in (stages if isinstance(stages, list) else [])
        if isinstance(spec, dict)
        and isinstance(spec.get("key"), str)
        and isinstance(spec.get(name), str)
    }
