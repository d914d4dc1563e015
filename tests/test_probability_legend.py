"""A workbook's own rank legend (確度基準: ヨミ | 定義 | 確度(%)) read before the rules' ranks."""

from __future__ import annotations

import pandas as pd
import pytest

from migrate.normalize.probability import parse_probability, rank_legend

LEGEND = [
    ("ヨミ", "定義", "確度(%)"),
    ("A", "受注確度80%以上（内示・稟議中）", 80),
    ("B", "50%前後（提案・見積段階）", 50),
    ("C", "20%前後（ニーズ確認済み）", 20),
    ("D", "10%未満（情報収集・保留）", 5),
]


@pytest.mark.parametrize(
    ("rows", "expect"),
    [
        pytest.param(LEGEND, {"a": 80.0, "b": 50.0, "c": 20.0, "d": 5.0}, id="number-column"),
        pytest.param(
            [("ヨミ", "定義"), ("Aヨミ", "80%以上"), ("Bヨミ", "50%前後"), ("Cヨミ", "２０％")],
            {"a": 80.0, "b": 50.0, "c": 20.0},
            id="percent-in-the-text",
        ),
        pytest.param(
            [("確度", "意味"), ("◎", 0.9), ("○", 0.6), ("△", 0.3)],
            {"◎": 90.0, "○": 60.0, "△": 30.0},
            id="fractions",
        ),
        pytest.param([("会社", "金額"), ("ABC", 100), ("XY", 50)], {}, id="no-legend"),
        pytest.param([("ヨミ", "確度"), ("A", 80)], {}, id="one-rank-is-no-legend"),
    ],
)
def test_rank_legend(rows: list[tuple[object, ...]], expect: dict[str, float]) -> None:
    assert rank_legend(rows) == expect


def test_the_legend_is_read_before_the_rules_ranks() -> None:
    legend = rank_legend(LEGEND)
    assert parse_probability("D").value.number == 10  # rules/normalize.yaml probability.ranks
    got = parse_probability("Dランク", legend=legend)
    assert got.value.number == 5
    assert "rank legend" in got.issues[0].message
    assert parse_probability("S", legend=legend).value.number == 90  # not in the legend: rules
    assert parse_probability("70%", legend=legend).value.number == 70


def test_normalize_probability_with_a_legend() -> None:
    from migrate.normalize.collect import Collector
    from migrate.normalize.config import load_rules
    from migrate.normalize.probability import normalize_probability

    rules = load_rules()
    frame = pd.DataFrame(
        {
            "_source_file": ["y.xlsx"] * 3,
            "_source_sheet": ["ヨミ表"] * 3,
            "probability": ["A", "D", ""],
        }
    )
    out = frame.copy()
    normalize_probability(out, Collector(frame, rules), rules, "probability", rank_legend(LEGEND))
    assert out["probability"].tolist()[:2] == [80.0, 5.0]
