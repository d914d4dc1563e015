"""The day a sheet states above its table (最終更新：2026/1/20, As of 2026-01-20), and what is
no such statement (a period, a fiscal year, a forecast's day)."""

from __future__ import annotations

import pytest

from migrate.ingest import load_ingest_rules
from migrate.ingest.layout.stated import stated_date

RULES = load_ingest_rules()[0]


@pytest.mark.parametrize(
    ("title", "day", "words"),
    [
        ("最終更新：2026/1/20　金額単位：万円（税抜）", "2026-01-20", "最終更新：2026/1/20"),
        ("作成者: システム管理者　作成日時: 2025/09/30 18:05　フィルタ: すべての商談", "2025-09-30",
         "作成日時: 2025/09/30"),
        ("2026年1月20日現在", "2026-01-20", "2026年1月20日現在"),
        ("2026年1月20日（火）現在", "2026-01-20", "2026年1月20日（火）現在"),
        ("令和8年1月20日 時点", "2026-01-20", "令和8年1月20日 時点"),
        ("R8.1.20現在", "2026-01-20", "R8.1.20現在"),
        ("２０２６年１月末時点", "2026-01-31", "２０２６年１月末時点"),
        ("更新 20260120", "2026-01-20", "更新 20260120"),
        ("As of 2026-01-20", "2026-01-20", "As of 2026-01-20"),
        ("Last updated: Jan 20, 2026", "2026-01-20", "Last updated: Jan 20, 2026"),
        ("Pipeline report (as of 20 January 2026)", "2026-01-20", "as of 20 January 2026"),
    ],
)  # fmt: skip
def test_a_stated_day(title: str, day: str, words: str) -> None:
    assert stated_date(title, RULES) == (day, words)


@pytest.mark.parametrize(
    "title",
    [
        "第二営業部 ヨミ表（2026年1月度）",  # a month, no day
        "期間 2025/4/1〜2026/3/31",  # a period
        "集計期間：2026/1/1～2026/1/31",
        "2026年度 計画",
        "Updated pipeline 2026",
        "2026/13/40 更新",  # no such day
        "2026年3月末時点見込み",  # a forecast for that day
        "2026/3/31時点の予測",
        "受注予定 2026/3/31",  # a date with no statement word
    ],
)
def test_no_stated_day(title: str) -> None:
    assert stated_date(title, RULES) is None
