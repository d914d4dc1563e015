"""Ordinary inputs at the edges run clean with every target, with the pandas a fresh install
gets (issue 11, item 2): no contact column, a deal without a close date, nothing exported.
A bug is exit 3 with one line and the traceback in a log file, never exit 1."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from migrate.cli import EXIT_BUG, cli
from migrate.output import CRASH_LOG

EDGES = {
    "no-contact-column": {
        "会社名": ["株式会社アルファ", "ベータ株式会社"],
        "案件名": ["A案件", "B案件"],
        "金額": [100000, 200000],
        "ステージ": ["提案", "受注"],
        "完了予定日": ["2026-01-10", "2026-02-01"],
    },
    "only-deal-lacks-close-date": {
        "会社名": ["株式会社アルファ"],
        "担当者名": ["山田 太郎"],
        "案件名": ["A案件"],
        "金額": [100000],
        "ステージ": ["提案"],
    },
    "nothing-exported": {  # e-mails only, no company or deal: every row is rejected
        "Email": ["not-an-address", "also bad"],
        "Stage": ["Lead", "Lead"],
    },
    "companies-only": {"Account Name": ["Acme Inc.", "Globex LLC", "Initech Holdings Ltd."]},
    "one-row-everything-blank-but-name": {"会社名": ["株式会社ガンマ"], "金額": [None]},
}


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), obj={}, catch_exceptions=False)


@pytest.mark.parametrize("target", ["salesforce", "hubspot", "generic", None])
@pytest.mark.parametrize("case", sorted(EDGES))
def test_edge_inputs_run_clean(
    tmp_path: Path, case: str, target: str | None, request: pytest.FixtureRequest
):
    if target in ("hubspot", "generic"):  # each edge goes through GX itself with salesforce
        request.getfixturevalue("gx_by_mask")  # GX answered from its mask: tests/conftest.py
    src = tmp_path / f"{case}.xlsx"
    pd.DataFrame(EDGES[case]).to_excel(src, index=False)
    out = tmp_path / "out"
    args = (
        ["run", str(src), "--out", str(out), "--target", target]
        if target
        else ["audit", str(src), "--out", str(out)]
    )
    res = invoke(*args)
    assert res.exit_code in (0, 1), res.stderr
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr
    assert (out / "report.html").exists() and (out / "crosswalk.csv").exists()


def test_running_out_of_memory_is_exit_2_with_what_to_do(tmp_path: Path, monkeypatch):
    import pyarrow as pa

    import migrate.report

    def too_big(*a, **k):
        raise pa.ArrowMemoryError("realloc of size 227330176 failed")

    monkeypatch.setattr(migrate.report, "extend_report", too_big)
    src = tmp_path / "t.xlsx"
    pd.DataFrame(EDGES["no-contact-column"]).to_excel(src, index=False)
    out = tmp_path / "out"
    res = invoke("run", str(src), "--out", str(out))
    assert res.exit_code == 2
    first, hint = res.stderr.splitlines()[:2]
    assert first.startswith("error: the run ran out of memory")
    assert "smaller groups" in hint and "Traceback" not in res.stderr
    assert not (out / "report.html").exists() and not (out / CRASH_LOG).exists()


def test_a_bug_is_exit_3_with_one_line_and_a_log(tmp_path: Path, monkeypatch):
    import migrate.report

    def broken(*a, **k):
        raise ValueError("invalid literal for int() with base 10: ''")

    monkeypatch.setattr(migrate.report, "extend_report", broken)
    src = tmp_path / "t.xlsx"
    pd.DataFrame(EDGES["no-contact-column"]).to_excel(src, index=False)
    out = tmp_path / "out"
    res = invoke("run", str(src), "--out", str(out))
    assert res.exit_code == EXIT_BUG == 3
    first = res.stderr.splitlines()[0]
    assert first.startswith("error: internal error, a bug in sfa-migrate")
    assert str(out / CRASH_LOG) in first and "Traceback" not in res.stderr
    log = (out / CRASH_LOG).read_text("utf-8")
    assert "Traceback" in log and "ValueError" in log
    assert not (out / "report.html").exists()  # no half outputs
    # the next good run removes the log of the crash
    monkeypatch.undo()
    res = invoke("run", str(src), "--out", str(out))
    assert res.exit_code in (0, 1) and not (out / CRASH_LOG).exists()
