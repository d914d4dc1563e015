"""--existing: the run summary and the report say how many SFA records were matched, sent to
review and left alone (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from migrate import pipeline
from migrate.cli import cli

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")


def test_existing_accounts_are_counted_in_the_summary_and_the_report(tmp_path: Path):
    rows = [
        {"会社名": "株式会社アルファ", "案件名": "案件A", "金額": 100000},
        {"会社名": "株式会社ベータ", "案件名": "案件B", "金額": 200000},
        {"会社名": "株式会社ガンマ", "案件名": "案件C", "金額": 300000},
    ]
    src = tmp_path / "t.csv"
    pd.DataFrame(rows).to_csv(src, index=False)
    accounts = tmp_path / "accounts.csv"
    pd.DataFrame(
        {
            "Id": ["001A", "001B", "001Z"],
            "Name": ["株式会社アルファ", "株式会社ベータ", "株式会社ゼータ"],
        }
    ).to_csv(accounts, index=False)
    res = pipeline.run(
        [str(src)], out=tmp_path / "o", target="salesforce", existing={"accounts": accounts}
    )
    counts = res.report["duplicates"]["existing"]["accounts"]
    assert counts["matched"] == 2
    out = CliRunner().invoke(
        cli,
        ["run", str(src), "--out", str(tmp_path / "p"), "--existing", f"accounts={accounts}"],
        obj={},
    )
    assert "existing accounts (--existing): 2 matched" in out.stderr


def test_an_existing_export_inside_the_output_folder_is_never_replaced(tmp_path: Path):
    src = tmp_path / "t.csv"
    pd.DataFrame([{"会社名": "株式会社アルファ", "案件名": "案件A", "金額": 1}]).to_csv(
        src, index=False
    )
    out = tmp_path / "o"
    out.mkdir()
    export = out / "companies.csv"  # the SFA export, saved where the generic output goes
    export.write_text("Id,Name\n001A,株式会社アルファ\n", encoding="utf-8")
    res = CliRunner().invoke(
        cli,
        ["run", str(src), "--out", str(out), "--force", "--existing", f"accounts={export}"],
        obj={},
    )
    assert res.exit_code == 2 and "companies.csv" in res.stderr  # refused before any work
    assert export.read_text(encoding="utf-8") == "Id,Name\n001A,株式会社アルファ\n"
