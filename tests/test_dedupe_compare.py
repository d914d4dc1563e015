"""Comparisons: the level a pair reaches on one field, for every kind of test."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.dedupe import load_settings
from migrate.dedupe.compare import levels, prepare
from migrate.dedupe.settings import Comparison, Level

ELSE = "else"
MISSING = "missing"


def _level(
    comp: Comparison, a: Any, b: Any, extra: dict[str, tuple[Any, Any]] | None = None
) -> str:
    data = {comp.column: pd.Series([a, b], dtype=object)}
    for col, (x, y) in (extra or {}).items():
        data[col] = pd.Series([x, y], dtype=object)
    frame = pd.DataFrame(data)
    g = int(levels(prepare(frame, (comp,)), np.array([0]), np.array([1]))[0, 0])
    if g < 0:
        return MISSING
    if g == len(comp.levels):
        return ELSE
    return HELD if comp.levels[g].review_only else comp.levels[g].test


# a level that holds a pair for a person (review_only): the company names' last, for names
# alike in none of the other levels' ways
HELD = "held"

# the company-name comparison as shipped in rules/dedupe.yaml (on the column "name" here)
NAME = replace(
    next(c for c in load_settings().companies.link.comparisons if c.name == "name"), column="name"
)
JW = Comparison("name", "name", (Level("exact"), Level("jaro_winkler", 0.9)))
TOKENS = Comparison(
    "name", "name", (Level("token_set_ratio", 0.95), Level("token_sort_ratio", 0.8))
)
EDITS = Comparison(
    "code", "code", (Level("exact"), Level("damerau_levenshtein", 1), Level("levenshtein", 2))
)
AMOUNT = Comparison(
    "amount",
    "amount",
    (Level("exact"), Level("rel_diff", 0.1), Level("abs_diff", 50_000)),
    kind="number",
)
DATE = Comparison("close", "close", (Level("exact"), Level("days", 31)), kind="date")
IDS = Comparison(
    "id",
    "id",
    (Level("exact"), Level("same", "sheet", never=True), Level("same_prefix", True, never=True)),
)
SWAP = Comparison("given", "given", (Level("exact"), Level("cross", "surname")))
PERSON = Comparison("name", "name", (Level("exact"), Level("ratio", 0.8)), same_script_only=True)


@pytest.mark.parametrize(
    ("comp", "a", "b", "expected"),
    [
        pytest.param(NAME, "sekisuichemical", "sekisuichemical", "exact", id="exact"),
        pytest.param(NAME, "sekisuichemical", "sekisuichemicl", "ratio", id="ratio-typo-long-name"),
        # one edit in a short name: a weak level of its own (a typo only with other evidence)
        pytest.param(
            NAME, "山田電気", "山田電機", "damerau_levenshtein", id="one-char-in-four-is-an-edit"
        ),
        pytest.param(NAME, "積水化学工業", "積水化成品工業", HELD, id="sekisui-kagaku-vs-kaseihin"),
        pytest.param(NAME, "acmelabs", "acmelogistics", HELD, id="acme-labs-vs-logistics"),
        pytest.param(JW, "martha", "marhta", "jaro_winkler", id="jaro-winkler-transposition"),
        pytest.param(NAME, "", "山田電気", MISSING, id="empty-is-no-evidence"),
        pytest.param(NAME, None, float("nan"), MISSING, id="none-and-nan"),
        pytest.param(
            TOKENS,
            "philips",
            "koninklijke philips electronics",
            "token_set_ratio",
            id="token-subset",
        ),
        pytest.param(TOKENS, "taro yamada", "yamada taro", "token_set_ratio", id="token-order"),
        pytest.param(EDITS, "4223", "4232", "damerau_levenshtein", id="transposition-is-one-edit"),
        pytest.param(EDITS, "4223", "4291", "levenshtein", id="two-edits"),
        pytest.param(EDITS, "4223", "5991", ELSE, id="many-edits"),
        pytest.param(AMOUNT, 1_000_000.0, 1_000_000.0, "exact", id="amount-exact"),
        pytest.param(AMOUNT, 1_000_000.0, 1_080_000.0, "rel_diff", id="amount-within-10pct"),
        pytest.param(AMOUNT, 100_000.0, 140_000.0, "abs_diff", id="amount-within-50k"),
        pytest.param(AMOUNT, 100_000.0, float("nan"), MISSING, id="amount-missing"),
        pytest.param(DATE, "2024-03-31", "2024-04-20", "days", id="date-within-a-month"),
        pytest.param(DATE, "2024-03-31", "2024-09-30", ELSE, id="date-far"),
        pytest.param(DATE, "2024-03-31", "", MISSING, id="date-missing"),
        pytest.param(IDS, "OPP-0012", "OPP-0012", "exact", id="same-id"),
        pytest.param(IDS, "OPP-0012", "OPP-0099", "same_prefix", id="same-numbering-system"),
        pytest.param(IDS, "E-001", "W-017", ELSE, id="different-trackers"),
        pytest.param(IDS, 12.0, "12", "exact", id="excel-float-id"),
        pytest.param(
            PERSON, "山田太郎", "taroyamada", MISSING, id="different-scripts-not-compared"
        ),
        pytest.param(
            PERSON,
            ("山田太郎", "taroyamada"),
            ("tarouyamada",),
            "ratio",
            id="same-script-elements-only",
        ),
    ],
)
def test_levels(comp: Comparison, a: Any, b: Any, expected: str) -> None:
    assert _level(comp, a, b) == expected


def test_same_column_level() -> None:
    assert _level(IDS, "3", "7", {"sheet": ("east|案件", "east|案件")}) == "same"
    assert _level(IDS, "3", "7", {"sheet": ("east|案件", "west|Deals")}) == ELSE


def test_cross_level_finds_swapped_names() -> None:
    assert _level(SWAP, "paterson", "madeleine", {"surname": ("madeleine", "paterson")}) == "cross"
    assert _level(SWAP, "paterson", "madeleine", {"surname": ("smith", "jones")}) == ELSE


REOPENED = Comparison("opened", "opened", (Level("after", "closed", never=True),), kind="date")


@pytest.mark.parametrize(
    ("opened", "closed", "expected"),
    [
        # one deal opened after the other was won or lost, either way round
        pytest.param(("2025-07-01", "2024-12-01"), ("", "2025-03-31"), "after", id="left-later"),
        pytest.param(("2024-12-01", "2025-07-01"), ("2025-03-31", ""), "after", id="right-later"),
        # one side's opening and the other's close are enough
        pytest.param(("2025-07-01", ""), ("", "2025-03-31"), "after", id="other-side-undated"),
        # a snapshot written while the deal was open: no evidence either way
        pytest.param(("2025-01-10", "2024-12-01"), ("", "2025-03-31"), ELSE, id="before-close"),
        pytest.param(("2025-03-31", "2024-12-01"), ("", "2025-03-31"), ELSE, id="on-the-day"),
        pytest.param(("2025-07-01", "2024-12-01"), ("", ""), MISSING, id="neither-closed"),
        pytest.param(("", ""), ("2025-03-31", "2025-03-31"), MISSING, id="no-opening-date"),
    ],
)
def test_after_level_tells_the_next_deal(
    opened: tuple[str, str], closed: tuple[str, str], expected: str
) -> None:
    assert _level(REOPENED, *opened, {"closed": closed}) == expected


def test_after_level_reads_compact_dates() -> None:
    assert _level(REOPENED, "20250701", "", {"closed": ("", "20250331")}) == "after"


def test_multi_valued_takes_the_best_pair() -> None:
    phone = Comparison("phone", "phone", (Level("exact"),))
    assert _level(phone, ("+81311112222", "+81312345678"), ("+81312345678",)) == "exact"
    assert _level(phone, ("+81311112222",), ("+81399998888",)) == ELSE
    assert _level(phone, (), ("+81399998888",)) == MISSING


words = st.text(alphabet="abcdeｱｲｳ山田電気 ", max_size=8)


@settings(max_examples=150, deadline=None)
@given(a=words, b=words)
def test_levels_are_symmetric(a: str, b: str) -> None:
    comps = (NAME, JW, TOKENS, EDITS)
    frame = pd.DataFrame(
        {"name": pd.Series([a, b], dtype=object), "code": pd.Series([a, b], dtype=object)}
    )
    prep = prepare(frame, comps)
    ab = levels(prep, np.array([0]), np.array([1]))
    ba = levels(prep, np.array([1]), np.array([0]))
    assert np.array_equal(ab, ba)


AGREE = Comparison("people", "people", (Level("exact"),), agreement_only=True)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(("山田太郎", "佐藤花子"), ("佐藤花子",), "exact", id="one-person-shared"),
        pytest.param(("山田太郎",), ("鈴木一郎",), MISSING, id="different-people-are-no-evidence"),
        pytest.param(("山田太郎",), (), MISSING, id="one-side-empty"),
    ],
)
def test_agreement_only_counts_agreement(a: tuple, b: tuple, expected: str) -> None:
    assert _level(AGREE, a, b) == expected


SHARE = Comparison(
    "reading",
    "reading",
    (Level("word_share", 0.6), Level("word_share", 0.3)),
    agreement_only=True,
    cross_script_of="name",
)


@pytest.mark.parametrize(
    ("a", "b", "names", "expected"),
    [
        pytest.param(
            "helpdesk chatbot", "shanai help desk bot", ("helpdesk chatbot new", "社内ヘルプデスクbot"),
            "word_share", id="a-word-inside-the-other-reading",
        ),
        pytest.param(
            "warehose management system corporate planning", "warehose kanri system keiei kikaku bu",
            ("WMS add-on", "倉庫管理システム 追加"), "word_share", id="two-of-five-words",
        ),
        pytest.param(
            "hr evaluation clod", "data kiban kochiku", ("HR Cloud rollout", "データ基盤構築"),
            MISSING, id="no-shared-word-is-no-evidence",
        ),
        pytest.param(
            "security assessment", "security assessment", ("Security assessment", "security assessment"),
            MISSING, id="one-script-is-the-name-comparison's",
        ),
        pytest.param(
            "security assessment", "", ("Security assessment", "セキュリティ診断"),
            MISSING, id="one-side-unread",
        ),
    ],
)  # fmt: skip
def test_word_share_compares_readings_across_scripts_only(
    a: str, b: str, names: tuple[str, str], expected: str
) -> None:
    assert _level(SHARE, a, b, {"name": names}) == expected


def test_word_share_levels() -> None:
    # helpdesk sits inside 'help desk bot'; 'chatbot' does not: one of two words, so the
    # weaker level; three of the four words of the other side: the stronger one
    assert _level(SHARE, "helpdesk", "help desk", {"name": ("a", "あ")}) == "word_share"
    frame = pd.DataFrame(
        {
            "reading": ["security assessment", "security assessment shindan", "security shindan"],
            "name": ["Security assessment", "セキュリティ診断 assessment", "セキュリティ診断"],
        }
    )
    got = levels(prepare(frame, (SHARE,)), np.array([0, 0]), np.array([1, 2]))[:, 0]
    # every word of the shorter reading (the stronger level); one word of two (the weaker)
    assert got.tolist() == [0, 1]


KIND = Comparison("kind", "kind", (Level("exact"),), when_differs="name")


def test_when_differs_skips_what_another_comparison_counted() -> None:
    assert (
        _level(KIND, "renewal", "renewal", {"name": ("倉庫管理 更新", "倉庫管理 更新")}) == MISSING
    )
    assert _level(KIND, "renewal", "renewal", {"name": ("WMS 更新", "倉庫管理 更新")}) == "exact"
    assert _level(KIND, "renewal", "new", {"name": ("WMS 更新", "WMS 新規")}) == ELSE


readings = st.lists(
    st.sampled_from(["security", "help", "desk", "helpdesk", "ai", "system"]), max_size=4
)


@settings(max_examples=100, deadline=None)
@given(a=readings, b=readings)
def test_word_share_is_symmetric(a: list[str], b: list[str]) -> None:
    frame = pd.DataFrame({"reading": [" ".join(a), " ".join(b)], "name": ["Latin", "日本語"]})
    prep = prepare(frame, (SHARE,))
    ab = levels(prep, np.array([0]), np.array([1]))
    ba = levels(prep, np.array([1]), np.array([0]))
    assert np.array_equal(ab, ba)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param("ヤマトホールディングス", "ヤマト", ELSE, id="holdings-contains-its-company"),
        pytest.param("sonygroup", "sony", ELSE, id="group-latin"),
        pytest.param("ヤマトｈｄ", "ヤマト", ELSE, id="hd-full-width"),
        pytest.param("ヤマトグループ", "ヤマトホールディングス", ELSE, id="group-vs-holdings"),
        pytest.param("abcgroupholdings", "abc", ELSE, id="two-words-stripped"),
        pytest.param(
            "ヤマトホールディングス", "ヤマトホールディングス", "exact", id="both-hold-it"
        ),
        # only the distinguishing word makes them apart: another contained name is still contained
        pytest.param("山田電気工業", "山田電気", "partial_ratio", id="other-words-still-contained"),
        pytest.param("グループ", "グループホールディングス", ELSE, id="the-word-alone-is-a-name"),
    ],
)
def test_distinct_words_part_a_holding_company_from_its_company(
    a: str, b: str, expected: str
) -> None:
    assert "ホールディングス" in NAME.distinct_words
    assert _level(NAME, a, b) == expected


def test_without_distinct_words_containment_agrees() -> None:
    plain = replace(NAME, distinct_words=())
    assert _level(plain, "ヤマトホールディングス", "ヤマト") == "partial_ratio"


def test_levels_in_parts_equal_levels_in_one_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pairs of records with several values are compared in parts of bounded size (memory at
    a million rows); every pair gets the level it gets in one part."""
    import migrate.dedupe.compare as compare

    rng = np.random.default_rng(7)
    words = [
        "山田商事",
        "ヤマダ商事",
        "YAMADA SHOJI",
        "山田商会",
        "佐藤工業",
        "Sato Kogyo",
        "",
        "鈴木",
    ]
    names = [tuple(rng.choice(words, size=rng.integers(0, 4))) for _ in range(60)]
    frame = pd.DataFrame({"name": pd.Series(names, dtype=object), "code": names})
    prep = prepare(frame, (NAME, JW, TOKENS, EDITS))
    left, right = np.triu_indices(len(names), k=1)
    whole = levels(prep, left, right)
    monkeypatch.setattr(compare, "VALUE_PAIRS_PER_PART", 7)
    parts = levels(prep, left, right)
    assert (whole >= 0).any() and len(set(whole.ravel())) > 2  # the pairs reach several levels
    assert np.array_equal(whole, parts)


NUMBERED = Comparison(
    "deal", "deal", (Level("exact"), Level("ratio", 0.85), Level("partial_ratio", 1.0)),
    distinct_numbers=True,
)  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("基幹刷新フェーズ1", "基幹刷新フェーズ2", ELSE),  # phase 1 and phase 2: two deals
        ("追加ライセンス(10名)", "追加ライセンス(100名)", ELSE),
        ("基幹刷新フェーズ１", "基幹刷新フェーズ1", "ratio"),  # full-width: the same number
        ("基幹刷新フェーズ1", "基幹刷新フェーズ1", "exact"),
        # a name without a number says nothing against one with a number
        (
            "ヘルプデスク代行追加ライセンス",
            "ヘルプデスク代行追加ライセンス(100名)",
            "partial_ratio",
        ),
    ],
)
def test_distinct_numbers_tell_numbered_deals_apart(a: str, b: str, expected: str) -> None:
    assert _level(NUMBERED, a, b) == expected
    assert _level(replace(NUMBERED, distinct_numbers=False), a, b) != ELSE


def test_the_shipped_deal_name_comparison_tells_numbers_apart() -> None:
    comp = next(c for c in load_settings().deals.link.comparisons if c.name == "deal_name")
    assert comp.distinct_numbers
