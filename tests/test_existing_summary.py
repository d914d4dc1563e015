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


def test_an_export_spelled_with_spaces_matches_and_one_without_ids_is_refused(tmp_path: Path):
    """u19: a Japanese org's export heads its ids '取引先 ID' (a space): it was ignored without a
    word and every account would have been created again. Headers now match whatever their
    spaces, case and width; an export with no id column stops the run with one message naming
    the file, its headers and what was looked for, before any output is written."""
    src = tmp_path / "t.csv"
    pd.DataFrame([{"会社名": "株式会社アルファ", "案件名": "案件A", "金額": 100000}]).to_csv(
        src, index=False
    )
    spaced = tmp_path / "accounts.csv"
    pd.DataFrame({"取引先 ID": ["001A"], "取引先名": ["株式会社アルファ"]}).to_csv(
        spaced, index=False
    )
    res = pipeline.run([str(src)], target="salesforce", existing={"accounts": spaced})
    assert res.report["duplicates"]["existing"]["accounts"]["matched"] == 1
    garbage = tmp_path / "garbage.csv"
    pd.DataFrame({"foo": ["1"], "bar": ["x"]}).to_csv(garbage, index=False)
    out = CliRunner().invoke(
        cli,
        ["run", str(src), "--out", str(tmp_path / "o"), "--existing", f"accounts={garbage}"],
        obj={},
    )
    assert out.exit_code == 2
    assert f"--existing accounts={garbage}: no column of record ids" in out.stderr
    assert "its headers are foo, bar" in out.stderr and "Traceback" not in out.output
    assert not (tmp_path / "o").exists()
