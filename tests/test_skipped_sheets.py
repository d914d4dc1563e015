"""A sheet skipped whole is named with its row count in the summary and the report (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from migrate import pipeline
from migrate.cli import cli


def _workbook(path: Path) -> Path:
    deals = pd.DataFrame(
        [
            {"会社名": f"株式会社テスト{i}", "案件名": f"案件{i}", "金額": 1000 * (i + 1)}
            for i in range(4)
        ]
    )
    guide = pd.DataFrame(
        {"使い方": [f"手順{i}: 案件は1行に1件、金額は円で入力してください。" for i in range(12)]}
    )
    with pd.ExcelWriter(path) as xl:
        deals.to_excel(xl, sheet_name="案件一覧", index=False)
        guide.to_excel(xl, sheet_name="使い方", index=False)
    return path


def test_a_skipped_sheet_with_rows_is_named_with_its_count(tmp_path: Path):
    src = _workbook(tmp_path / "tracker.xlsx")
    res = pipeline.run([str(src)], out=tmp_path / "o", target="generic")
    skipped = [t for t in res.tables if t.kind == "skipped"]
    assert [t.sheet for t in skipped] == ["使い方"] and skipped[0].skipped_rows >= 12
    sheets = {s["sheet"]: s for s in res.report["import"]["sheets"]}
    assert sheets["使い方"]["rows_not_read"] == skipped[0].skipped_rows
    assert sheets["案件一覧"]["rows_not_read"] == 0
    summary = {s["sheet"]: s for s in res.report["sheets"]}
    assert summary["使い方"]["skipped_rows"] == skipped[0].skipped_rows
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert f"{skipped[0].skipped_rows} 行を読んでいません" in html

    out = CliRunner().invoke(cli, ["run", str(src), "--out", str(tmp_path / "p")], obj={})
    assert "skipped sheet tracker.xlsx / 使い方: " in out.stderr
