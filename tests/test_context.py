"""One frozen run context per run, read by every stage; the report built once from it (issue 12)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import migrate.report
from migrate import pipeline
from migrate.bundle import load_rules_bundle
from migrate.context import RunContext
from migrate.rules import DEFAULT_RULES_DIR

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

ROWS = [
    {"会社名": f"株式会社テスト{i}", "案件名": f"案件{i}", "金額": 100000 * (i + 1),
     "ステージ": "提案", "完了予定日": "2026-03-31", "更新日": "2026-02-0" + str(i % 9 + 1)}
    for i in range(8)
]  # fmt: skip


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    src = tmp_path / "tracker.csv"
    pd.DataFrame(ROWS).to_csv(src, index=False)
    return src


def test_the_context_is_frozen():
    ctx = RunContext.start(load_rules_bundle(None), target="salesforce")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.as_of = dt.date(2026, 1, 1)  # type: ignore[misc]
    assert ctx.target is not None and ctx.target_name == "salesforce"
    assert not ctx.resolved


@pytest.mark.parametrize(
    ("given_date", "given_lang", "want_date", "want_source", "want_lang"),
    [
        (None, None, dt.date(2026, 2, 9), "data", "ja"),
        (dt.date(2026, 5, 1), None, dt.date(2026, 5, 1), "given", "ja"),
        (None, "en", dt.date(2026, 2, 9), "data", "en"),
    ],
    ids=["both-from-the-data", "as-of-given-wins", "lang-given-wins"],
)
def test_resolve_fills_in_only_what_was_not_given(
    given_date, given_lang, want_date, want_source, want_lang
):
    ctx = RunContext.start(load_rules_bundle(None), as_of=given_date, lang=given_lang)
    done = ctx.resolve(as_of=dt.date(2026, 2, 9), as_of_source="data", source_lang="ja")
    assert (done.as_of, done.as_of_source, done.lang) == (want_date, want_source, want_lang)
    assert done.source_lang == "ja" and done.resolved and not ctx.resolved


def test_a_language_other_than_ja_or_en_is_refused():
    with pytest.raises(ValueError, match="lang"):
        RunContext.start(load_rules_bundle(None), lang="fr")


def test_every_part_of_a_run_reads_the_same_context(tracker: Path, tmp_path: Path):
    res = pipeline.run([str(tracker)], out=tmp_path / "o", target="salesforce")
    ctx = res.context
    assert ctx is not None and ctx.resolved
    assert (ctx.as_of, ctx.as_of_source, ctx.lang) == (dt.date(2026, 2, 8), "data", "ja")
    assert res.as_of == ctx.as_of and res.as_of_source == ctx.as_of_source
    written = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert written["context"]["run"] == ctx.to_json()
    assert written["context"]["today"] == "2026-02-08"
    assert written["target"] == "salesforce"
    assert written["context"]["run"]["fiscal_year_start_month"] == 4
    assert '<html lang="ja"' in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")


def test_the_report_is_built_once_per_run(tracker: Path, tmp_path: Path, monkeypatch):
    calls = []
    real = migrate.report.extend_report

    def counted(*args, **kwargs):
        calls.append(kwargs.get("context"))
        return real(*args, **kwargs)

    monkeypatch.setattr(migrate.report, "extend_report", counted)
    res = pipeline.run([str(tracker)], out=tmp_path / "o", target="generic")
    assert len(calls) == 1 and calls[0] is res.context  # report.html reuses report.json's


def test_a_given_language_reaches_the_pages_and_the_stage_messages(tracker: Path, tmp_path: Path):
    res = pipeline.run([str(tracker)], out=tmp_path / "o", target="generic", lang="en")
    assert res.context is not None and res.context.lang == "en"
    assert res.context.source_lang == "ja"  # the sources are still Japanese
    assert '<html lang="en"' in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")


def test_the_rules_origin_never_names_a_full_path(tmp_path: Path):
    shipped = RunContext.start(load_rules_bundle(None))
    assert shipped.rules_origin == "shipped"
    copy = tmp_path / "team-rules"
    shutil.copytree(DEFAULT_RULES_DIR, copy)
    custom = RunContext.start(load_rules_bundle(copy))
    assert custom.rules_origin == "custom:team-rules"
    assert str(tmp_path) not in json.dumps(custom.to_json())


@pytest.mark.parametrize(
    ("source", "words"),
    [("given", "--as-of"), ("data", "latest updated/created"), ("saved:a.xlsx", "a.xlsx")],
)
def test_the_summary_line_says_where_the_reference_date_came_from(source, words):
    ctx = dataclasses.replace(
        RunContext.start(load_rules_bundle(None)), as_of=dt.date(2026, 1, 2), as_of_source=source
    )
    assert "2026-01-02" in ctx.describe_as_of() and words in ctx.describe_as_of()
    none = RunContext.start(load_rules_bundle(None))
    assert "--as-of" in none.describe_as_of() and "none" in none.describe_as_of()
