"""The report gains the weekly check's trend when given its history (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from migrate import pipeline
from migrate.cli import cli

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

ROWS = [
    {"会社名": f"株式会社テスト{i}", "案件名": f"案件{i}", "金額": 100000 * (i + 1),
     "ステージ": "提案", "完了予定日": "2026-03-31", "更新日": "2026-02-01"}
    for i in range(6)
]  # fmt: skip


def test_the_report_shows_the_runs_of_the_check_history(tmp_path: Path):
    src = tmp_path / "deals.csv"
    pd.DataFrame(ROWS).to_csv(src, index=False)
    history = tmp_path / "history.sqlite"
    runner = CliRunner()
    for _ in range(2):
        res = runner.invoke(cli, ["check", str(src), "--history", str(history)], obj={})
        assert res.exit_code in (0, 1), res.output
    result = pipeline.run([str(src)], out=tmp_path / "o", target=None, history=history)
    trend = result.report["trend"]
    assert trend["available"] and [r["seq"] for r in trend["runs"]] == [1, 2]
    assert {s["metric"] for s in trend["series"]} >= {"required.amount", "rows.rejected-share"}
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert 'id="trend"' in html and 'href="#trend"' in html and "<svg" in html
    written = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert written["context"]["run"]["history"] == "history.sqlite"


def test_without_a_history_the_report_has_no_trend(tmp_path: Path):
    src = tmp_path / "deals.csv"
    pd.DataFrame(ROWS).to_csv(src, index=False)
    result = pipeline.run([str(src)], out=tmp_path / "o", target=None)
    assert "trend" not in result.report
    assert 'id="trend"' not in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
