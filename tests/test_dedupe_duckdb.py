"""The DuckDB engine gives the default engine's answer: candidates, levels, clusters and ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from migrate.dedupe import backends, compare, link, link_settings
from migrate.dedupe.settings import LinkSettings

pytest.importorskip("duckdb", reason="duckdb is not installed (pip install 'sfa-migrate[scale]')")

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _same_pairs(frame: pd.DataFrame, settings: LinkSettings) -> None:
    frame = frame.reset_index(drop=True)
    prepared = compare.prepare(frame, settings.comparisons)
    c1, g1 = backends.pairs_and_levels("default", frame, settings, prepared)
    c2, g2 = backends.pairs_and_levels("duckdb", frame, settings, prepared)
    np.testing.assert_array_equal(c1.left, c2.left)
    np.testing.assert_array_equal(c1.right, c2.right)
    np.testing.assert_array_equal(c1.rules, c2.rules)
    assert sorted(c1.skipped_blocks) == sorted(c2.skipped_blocks)
    np.testing.assert_array_equal(g1, g2)


def _same_linkage(frame: pd.DataFrame, settings: LinkSettings, **kw: Any) -> None:
    a = link(frame, settings, **kw)
    b = link(frame, settings, engine="duckdb", **kw)
    np.testing.assert_array_equal(a.labels, b.labels)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    assert a.n_candidates == b.n_candidates


@pytest.fixture(scope="module")
def sample_dedupe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The records sample_data gives find_duplicates, and the frames it gives the engine."""
    import migrate.dedupe as dedupe
    import migrate.dedupe.merge as merge
    from migrate.pipeline import run

    seen: dict[str, Any] = {"links": []}
    find, linker = dedupe.find_duplicates, merge.link

    def spy_find(records: pd.DataFrame, **kw: Any) -> Any:
        seen["records"], seen["kw"] = records.copy(), kw
        return find(records, **kw)

    def spy_link(frame: pd.DataFrame, settings: LinkSettings, **kw: Any) -> Any:
        seen["links"].append((frame.copy(), settings, kw))
        return linker(frame, settings, **kw)

    mp = pytest.MonkeyPatch()
    mp.setattr(dedupe, "find_duplicates", spy_find)
    mp.setattr(merge, "link", spy_link)
    try:
        files = sorted(str(p) for p in SAMPLE.iterdir() if p.suffix in (".xlsx", ".csv"))
        seen["result"] = run(files, out=None, target="generic", force=True).dedupe
    finally:
        mp.undo()
    return seen


@pytest.mark.slow
def test_sample_data_candidates_and_levels_are_the_same(sample_dedupe: dict[str, Any]) -> None:
    assert len(sample_dedupe["links"]) == 3  # companies, contacts, deals
    for frame, settings, _ in sample_dedupe["links"]:
        _same_pairs(frame, settings)


@pytest.mark.slow
def test_sample_data_clusters_are_the_same(sample_dedupe: dict[str, Any]) -> None:
    from migrate.dedupe import find_duplicates

    kw = {k: v for k, v in sample_dedupe["kw"].items() if k != "engine"}
    default = find_duplicates(sample_dedupe["records"], **kw)
    duck = find_duplicates(sample_dedupe["records"], engine="duckdb", **kw)
    assert default.records["company_id"].nunique() < len(default.records)  # merges happened
    for col in ("company_id", "contact_id", "deal_id", "_status", "_merged_into"):
        assert default.records[col].tolist() == duck.records[col].tolist(), col
    pd.testing.assert_frame_equal(default.pairs, duck.pairs)
    pd.testing.assert_frame_equal(default.review, duck.review)


# blocking transforms and comparison tests the shipped rules do not all use
CASES = link_settings(
    {
        "max_block_size": 3,
        "blocking": [
            [{"column": "name", "tokens": True}],
            [{"column": "name", "first_token": True}],
            [{"column": "name", "last_token": True}],
            [{"column": "name", "sorted_tokens": True}],
            [{"column": "phone", "digits": True}],
            [{"column": "name", "prefix": 2}, {"column": "city", "suffix": 1}],
            ["emails"],
        ],
        "comparisons": [
            {
                "name": "name",
                "column": "name",
                "levels": [
                    {"exact": True},
                    {"jaro_winkler": 0.95},
                    {"token_set_ratio": 0.9},
                    {"ratio": 0.8},
                    {"partial_ratio": 1.0},
                    {"levenshtein": 2},
                    {"damerau_levenshtein": 3},
                    {"same": "city"},
                ],
                "same_script_only": True,
            },
            {
                "name": "emails",
                "column": "emails",
                "levels": [{"exact": True}, {"same_domain": True}],
                "agreement_only": True,
            },
            {"name": "code", "column": "code", "levels": [{"same_prefix": True}, {"cross": "alt"}]},
            {
                "name": "amount",
                "column": "amount",
                "kind": "number",
                "levels": [{"exact": True}, {"rel_diff": 0.1}, {"abs_diff": 500}],
            },
            {
                "name": "day",
                "column": "day",
                "kind": "date",
                "levels": [{"exact": True}, {"days": 31}, {"same": "city"}],
            },
        ],
    }
)

ROWS = [
    # name, city, phone, emails, code, alt, amount, day
    (
        "山田 太郎",
        "東京都",
        "03-1234-5678",
        ("taro@acme.jp", "t@x.jp"),
        "OPP-1",
        "",
        1000,
        "2024-01-31",
    ),
    (
        "山田　太郎",
        "東京都",
        "０３-1234-5678",
        ("taro@acme.jp",),
        "OPP-2",
        "OPP-9",
        1050,
        "2024-02-15",
    ),
    ("太郎 山田", "大阪府", "0312345678", ("hanako@acme.jp",), "Q-7", "", 1500, "20240301"),
    ("Taro Yamada", "Tokyo", "", (), "OPP-9", "", None, ""),
    ("Yamada Taro", "Tokyo", "03 1234 5678", ("taro@acme.jp",), "12", "Q-7", 1000.0, "2024-12-31"),
    ("Yamada Tarou", "Osaka", "06-1111-2222", (), "", "", 0, "2024-01-31"),
    ("  山田太郎 ", "東京都", "03-1234-5678", ("yamada@other.co.jp",), "OPP-3", "", -20, None),
    ("ACME Labs", "Tokyo", "03-9999-0000", ("info@acme.jp",), "A1", "", 3e6, "2023-12-01"),
    (
        "Acme Laboratories",
        "Tokyo",
        "03-9999-0000",
        ("info@acme.jp", "x@acme.jp"),
        "A2",
        "",
        3.1e6,
        "2024-01-01",
    ),
    ("Acme", "Kyoto", "", ("info@acme.jp",), "", "A1", 2.9e6, "2024-01-15"),
]


def _cases() -> pd.DataFrame:
    cols = ["name", "city", "phone", "emails", "code", "alt", "amount", "day"]
    return pd.DataFrame([dict(zip(cols, r)) for r in ROWS]).astype(object)


def test_every_transform_and_test_gives_the_same_pairs_and_levels() -> None:
    frame = _cases()
    _same_pairs(frame, CASES)
    prepared = compare.prepare(frame, CASES.comparisons)
    cand, gamma = backends.pairs_and_levels("duckdb", frame, CASES, prepared)
    assert len(cand) > 10 and cand.skipped_blocks  # the cases reach many pairs and a big block
    for j in range(gamma.shape[1]):  # every comparison reaches at least two outcomes
        assert len(np.unique(gamma[:, j])) >= 2, CASES.comparisons[j].name


def test_the_shipped_rules_link_the_same_on_the_cases() -> None:
    from migrate.dedupe import load_settings

    frame = _cases().rename(columns={"name": "name_key", "phone": "phone", "emails": "email"})
    frame["company_id"] = "c1"
    frame["contact_last_name"] = frame["name_key"].str.split().str[0]
    _same_linkage(frame, load_settings().contacts.link)


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="engine must be one of"):
        link(_cases(), CASES, engine="spark")


def test_a_test_sql_cannot_render_falls_back_to_the_default_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from migrate.dedupe import sql

    frame = _cases()
    monkeypatch.setattr(sql, "TEXT_SQL_TESTS", ("exact",))  # as if ratio etc. were new tests
    assert not sql.supported(CASES.comparisons[0])
    _same_pairs(frame, CASES)
