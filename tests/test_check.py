"""sfa-migrate check: metrics, thresholds of each kind, history and change, exit codes, formats.

The weekly files are built here from sample_data-like deals (two teams' trackers, Japanese and
English headers); the shipped rules/quality.yaml is what they are held to.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from migrate.check import History, read_baseline, run_check
from migrate.check.command import check as check_command
from migrate.check.compare import evaluate, judge
from migrate.check.metrics import Metric
from migrate.check.render import render_junit, render_markdown, render_text, to_json
from migrate.check.thresholds import Threshold, parse_quality_rules
from migrate.check.trend import trend_data, trend_svg
from migrate.errors import RuleFileError, UserError
from migrate.rules import DEFAULT_RULES_DIR

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

EAST_HEADER = ["案件名", "会社名", "ステージ", "金額", "受注予定日", "担当者", "最終更新日"]
WEST_HEADER = ["Deal Name", "Account", "Stage", "Amount", "Close Date", "Owner", "Last Modified"]
EAST_STAGES = ["提案", "クロージング", "受注", "商談", "提案", "受注", "失注", "クロージング"]
WEST_STAGES = ["Proposal", "Negotiation", "Closed Won", "Qualification", "Proposal", "Closed Lost"]
COMPANIES = ["株式会社北辰商事", "隅田産業株式会社", "緑川メディカル株式会社", "協和物産株式会社"]
OWNERS = ["田中 誠", "高橋 大輔", "佐藤 花子"]


def _east_rows(n: int, *, amounts: bool = True, words: list[str] | None = None) -> list[list[str]]:
    rows = []
    for i in range(n):
        stage = (words or EAST_STAGES)[i % len(words or EAST_STAGES)]
        rows.append(
            [
                f"クラウド勤怠 Pro 導入 {i + 1}",
                COMPANIES[i % len(COMPANIES)],
                stage,
                f"{(i + 3) * 110000}" if amounts else "",
                f"2026/{(i % 9) + 1:02d}/15",
                OWNERS[i % len(OWNERS)],
                f"2026/07/{(i % 27) + 1:02d}",
            ]
        )
    return rows


def _west_rows(n: int) -> list[list[str]]:
    return [
        [
            f"HR Suite expansion {i + 1}",
            f"Acme Trading {i % 5} Ltd.",
            WEST_STAGES[i % len(WEST_STAGES)],
            f"{(i + 2) * 5000}",
            f"2026-{(i % 9) + 1:02d}-20",
            "John Smith",
            f"2026-07-{(i % 27) + 1:02d}",
        ]
        for i in range(n)
    ]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _week(folder: Path, *, east_amounts: bool = True, east_words: list[str] | None = None) -> Path:
    _write(
        folder / "東日本_案件管理.csv",
        EAST_HEADER,
        _east_rows(40, amounts=east_amounts, words=east_words),
    )
    _write(folder / "west_pipeline.csv", WEST_HEADER, _west_rows(30))
    return folder


def _row(check, metric: str, file: str = "", kind: str | None = None):
    return [
        r
        for r in check.rows
        if r.threshold.metric == metric
        and r.metric.file == file
        and (kind is None or r.threshold.kind == kind)
    ]


# ------------------------------------------------------------------------- threshold kinds


def _t(kind: str, limit: float, severity: str = "error", min_rows: int = 0) -> Threshold:
    return Threshold("required.amount", kind, limit, "overall", severity, min_rows)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "limit", "value", "previous", "status"),
    [
        ("min", 0.8, 0.9, None, "pass"),
        ("min", 0.8, 0.79, None, "fail"),
        ("min", 0.8, 0.8, None, "pass"),
        ("max", 0.1, 0.05, None, "pass"),
        ("max", 0.1, 0.2, None, "fail"),
        ("max_drop", 0.1, 0.85, 0.9, "pass"),
        ("max_drop", 0.1, 0.7, 0.9, "fail"),
        ("max_drop", 0.1, 0.9, None, "n/a"),  # nothing to compare with on the first run
        ("max_rise", 0, 3, 3, "pass"),
        ("max_rise", 0, 4, 3, "fail"),
        ("max_rise", 0, 2, 3, "pass"),
        ("min", 0.8, None, None, "n/a"),  # no rows, no column
    ],
    ids=lambda x: str(x),
)
def test_each_threshold_kind(kind, limit, value, previous, status) -> None:
    assert judge(_t(kind, limit), value, previous) == status


def test_a_warning_breach_warns_and_a_share_over_few_rows_is_not_judged() -> None:
    assert judge(_t("min", 0.8, "warning"), 0.5, None) == "warn"
    assert judge(_t("min", 0.8, min_rows=10), 0.0, None, rows=3) == "n/a"
    assert judge(_t("min", 0.8, min_rows=10), 0.0, None, rows=10) == "fail"


def test_scope_picks_overall_or_every_source() -> None:
    metrics = [
        Metric("required.amount", value=0.95, denominator=100),
        Metric("required.amount", "a.csv", "", 1.0, 50, 50),
        Metric("required.amount", "b.csv", "", 0.5, 25, 50),
    ]
    overall = evaluate(metrics, [Threshold("required.amount", "min", 0.8)])
    assert [(r.metric.file, r.status) for r in overall] == [("", "pass")]
    per_source = evaluate(metrics, [Threshold("required.amount", "min", 0.8, "source")])
    assert [(r.metric.file, r.status) for r in per_source] == [("a.csv", "pass"), ("b.csv", "fail")]


def _where(rows) -> list[tuple[str, str]]:
    from migrate.check.render import lines

    return [(ln.where, ln.value) for ln in lines(rows)]


@pytest.mark.parametrize(
    ("threshold", "values", "previous", "expected"),
    [
        # a lower-is-better count under a limit on its rise: the highest value, not the first
        # source (nothing rose) nor the one that rose least
        (
            Threshold("stages.unknown-words", "max_rise", 0, "source"),
            {"a.csv": 0, "b.csv": 1, "c.csv": 1},
            {"a.csv": 0, "b.csv": 3, "c.csv": 1},
            ("3 sources (worst: c.csv)", "1"),
        ),
        # ... equal values: the larger rise
        (
            Threshold("stages.unknown-words", "max_rise", 1, "source"),
            {"a.csv": 1, "b.csv": 1, "c.csv": 0},
            {"a.csv": 1, "b.csv": 0, "c.csv": 0},
            ("3 sources (worst: b.csv)", "1"),
        ),
        # a lower-is-better level: the highest
        (
            Threshold("stages.unknown-share", "max", 0.5, "source"),
            {"a.csv": 0.1, "b.csv": 0.3, "c.csv": 0.0},
            {},
            ("3 sources (worst: b.csv)", "30.0%"),
        ),
        # a higher-is-better level: the lowest
        (
            Threshold("required.amount", "min", 0.5, "source"),
            {"a.csv": 0.9, "b.csv": 0.6, "c.csv": 1.0},
            {},
            ("3 sources (worst: b.csv)", "60.0%"),
        ),
        # a higher-is-better metric under a limit on its drop: the lowest value
        (
            Threshold("required.amount", "max_drop", 0.1, "source"),
            {"a.csv": 0.9, "b.csv": 0.6, "c.csv": 1.0},
            {"a.csv": 0.9, "b.csv": 0.6, "c.csv": 1.0},
            ("3 sources (worst: b.csv)", "60.0%"),
        ),
    ],
    ids=["rise-highest", "rise-ties", "lower-level", "higher-level", "drop-lowest"],
)
def test_the_worst_source_is_worst_in_the_metric_s_direction(
    threshold, values, previous, expected
) -> None:
    metrics = [Metric(threshold.metric, f, "", v, None, 20) for f, v in values.items()]
    before = {(threshold.metric, f, ""): v for f, v in previous.items()}
    assert _where(evaluate(metrics, [threshold], before)) == [expected]


def test_sources_not_judged_say_why() -> None:
    t = Threshold("stages.unknown-share", "max", 0.1, "source", min_rows=10)
    few = [Metric(t.metric, f, "", 0.5, 2, 4) for f in ("a.csv", "b.csv")]
    assert _where(evaluate(few, [t]))[0][0] == (
        "2 sources not judged: fewer than 10 rows with a stage word"
    )
    rise = Threshold("stages.unknown-words", "max_rise", 0, "source")
    first = [Metric(rise.metric, "a.csv", "", 2, None, 5), Metric(rise.metric, "b.csv", "", None)]
    assert _where(evaluate(first, [rise]))[0][0] == (
        "2 sources not judged: 1 no earlier run, 1 no value"
    )


# ------------------------------------------------------------------------------ rule file


def test_the_shipped_quality_rules_are_valid() -> None:
    q = parse_quality_rules(
        str(DEFAULT_RULES_DIR / "quality.yaml"), ["amount", "close_date", "stage", "owner"]
    )
    kinds = {t.kind for t in q.thresholds}
    assert kinds == {"min", "max", "max_drop", "max_rise"}
    assert {t.scope for t in q.thresholds} == {"overall", "source"}


def test_a_broken_quality_file_names_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "quality.yaml"
    path.write_text(
        "kind: quality\nversion: 1\nthresholds:\n"
        "  - metric: required.amount\n    min: 0.8\n    scope: team\n"
        "  - metric: completeness.amonut\n    max: 0.1\n"
        "  - metric: stages.unknown-share\n    max: 0.1\n    min: 0.0\n"
        "  - metric: rows.rejected-share\n    max: 0.05\n    colour: red\n"
        "  - metric: deals.gone-share\n    max_rise: 0.1\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as err:
        parse_quality_rules(str(path), ["amount"])
    text = str(err.value)
    assert "thresholds[4].max_rise: deals.gone-share is measured against the last run" in text
    assert "quality.yaml:6: thresholds[0].scope: 'team' is not allowed" in text
    assert "quality.yaml:7: thresholds[1].metric: 'completeness.amonut' is not a metric" in text
    assert "quality.yaml:9: thresholds[2]: give exactly one limit" in text
    assert "quality.yaml:14: thresholds[3].colour: unknown key" in text


def test_rules_init_copies_the_quality_file(tmp_path: Path) -> None:
    from migrate.rules import copy_default_rules

    written = copy_default_rules(tmp_path / "team")
    assert tmp_path / "team" / "quality.yaml" in written


# ------------------------------------------------------------------------- history


def test_history_appends_runs_in_order_with_their_metrics(tmp_path: Path) -> None:
    h = History(tmp_path / "h.sqlite")
    assert h.last() is None
    m1 = [Metric("required.amount", value=0.9), Metric("required.amount", "a.csv", "", 0.8)]
    h.append(
        as_of="2026-07-01",
        fingerprint="f1",
        inputs=[("a.csv", "x")],
        status="pass",
        metrics=m1,
        recorded_at="2026-07-02T09:00:00+00:00",
    )
    run2 = h.append(
        as_of="2026-07-08",
        fingerprint="f2",
        inputs=[],
        status="fail",
        metrics=[Metric("required.amount", value=0.5)],
        recorded_at="t",
    )
    runs = h.runs()
    assert [r.seq for r in runs] == [1, 2] and run2.seq == 2
    assert runs[0].metrics == tuple(m1) and runs[0].inputs == (("a.csv", "x"),)
    assert h.last().fingerprint == "f2"  # type: ignore[union-attr]


def test_a_file_that_is_not_a_history_is_a_user_error(tmp_path: Path) -> None:
    bad = tmp_path / "h.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    with pytest.raises(UserError, match="not a check history"):
        History(bad).last()


# ------------------------------------------------------------------ the check on weekly files


_RUNS: dict[tuple[object, ...], Any] = {}  # one pipeline run per distinct input, module-wide


def _input_bytes(paths: list[str]) -> tuple[tuple[str, bytes], ...]:
    files = [f for p in map(Path, paths) for f in ([p] if p.is_file() else sorted(p.rglob("*")))]
    return tuple((str(f), f.read_bytes()) for f in files if f.is_file())


@pytest.fixture(autouse=True)
def _one_pipeline_run_per_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run_check`` measures a pipeline run of its inputs (no outputs written): the weekly files
    of a module never change, so each distinct input (its files' bytes and the arguments) is run
    once for the module and the check's own work (measure, compare, record, render) runs on it
    every time. A run that writes outputs is not kept. The pipeline's determinism is not this
    module's subject (tests/test_e2e.py and tests/test_cli.py run twice and compare)."""
    from migrate import pipeline

    real = pipeline.run

    def run(paths: list[str], *args: Any, **kw: Any) -> Any:
        if args or kw.get("out") is not None:
            return real(paths, *args, **kw)
        key = (_input_bytes(paths), tuple(sorted((k, repr(v)) for k, v in kw.items())))
        if key not in _RUNS:
            _RUNS[key] = real(paths, **kw)
        return _RUNS[key]

    monkeypatch.setattr(pipeline, "run", run)


@pytest.fixture(scope="module")
def weeks(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("weeks")
    return {
        "good": _week(root / "good"),
        "no_amounts": _week(root / "no_amounts", east_amounts=False),
        "new_words": _week(
            root / "new_words", east_words=["提案", "保留", "様子見", "受注", "検討中"]
        ),
    }


def test_a_good_week_passes_and_the_same_inputs_twice_show_no_change(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    first = run_check([str(weeks["good"])], history=hist)
    assert first.exit_code == 0, render_text(first)
    assert first.previous is None and first.run.seq == 1
    second = run_check([str(weeks["good"])], history=hist)
    assert second.run.seq == 2 and second.previous is not None
    assert second.previous.fingerprint == second.run.fingerprint
    assert second.exit_code == 0
    judged = [r for r in second.rows if r.previous is not None]
    assert judged and all(r.change == 0 for r in judged)
    text = render_text(second)
    assert "(same inputs)" in text and "+" not in text.split("\n", 2)[2].replace("+", "", 0)
    assert len(History(hist).runs()) == 2


def test_a_team_that_stops_filling_amounts_breaches_the_defaults(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    run_check([str(weeks["good"])], history=hist)
    bad = run_check([str(weeks["no_amounts"])], history=hist)
    assert bad.exit_code == 1
    east = "東日本_案件管理.csv"
    floor = _row(bad, "required.amount", east, "min")[0]
    assert floor.status == "fail" and floor.metric.value == 0.0
    drop = _row(bad, "required.amount", east, "max_drop")[0]
    assert drop.status == "fail" and drop.change == -1.0
    assert _row(bad, "required.amount", "west_pipeline.csv", "min")[0].status == "pass"
    # the overall figure would hide it less well than the team's own file shows it
    assert "required.amount" in render_text(bad) and "FAILED" in render_text(bad)


def test_a_retried_check_still_compares_with_the_week_before(weeks, tmp_path: Path) -> None:
    """The scheduler retries a failed job on the same files: the retry must not compare with
    the failed run (no change, the drop rules pass) but with the week before it."""
    hist = tmp_path / "h.sqlite"
    good = run_check([str(weeks["good"])], history=hist)
    bad = run_check([str(weeks["no_amounts"])], history=hist)
    retry = run_check([str(weeks["no_amounts"])], history=hist)
    assert retry.run.seq == 3 and retry.previous is not None
    assert retry.previous.seq == good.run.seq == 1
    east = "東日本_案件管理.csv"
    assert _row(retry, "required.amount", east, "max_drop")[0].status == "fail"
    assert retry.exit_code == bad.exit_code == 1


def test_a_team_typing_new_stage_words_breaches_the_defaults(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    run_check([str(weeks["good"])], history=hist)
    bad = run_check([str(weeks["new_words"])], history=hist)
    assert bad.exit_code == 1
    east = "東日本_案件管理.csv"
    share = _row(bad, "stages.unknown-share", east)[0]
    assert share.status == "fail" and share.metric.value == pytest.approx(0.6)
    words = _row(bad, "stages.unknown-words", east)[0]
    assert words.status == "fail" and words.change == 3


def test_deals_deleted_since_the_last_run_breach_the_defaults(weeks, tmp_path: Path) -> None:
    """A new user's week 2 lost 5 of 20 deals and every figure looked better: the deals gone
    since the last run (by deal id) are a metric of their own, and the table names them."""
    hist = tmp_path / "h.sqlite"
    first = run_check([str(weeks["good"])], history=hist)
    gone_rows = [r for r in first.rows if r.threshold.metric == "deals.gone-share"]
    assert gone_rows and all(r.status == "n/a" for r in gone_rows)
    assert all(r.why_not_judged == "no earlier run" for r in gone_rows)
    week = tmp_path / "cut"
    east = _east_rows(40)
    _write(week / "東日本_案件管理.csv", EAST_HEADER, east[:30])  # 10 of 40 deleted
    # 3 rows moved from the west file to a new one: moved, not gone
    west = _west_rows(30)
    _write(week / "west_pipeline.csv", WEST_HEADER, west[3:])
    _write(week / "west_moved.csv", WEST_HEADER, west[:3])
    cut = run_check([str(week)], history=hist)
    share = _row(cut, "deals.gone-share", "東日本_案件管理.csv")[0]
    assert share.status == "fail", render_text(cut)
    assert (share.metric.numerator, share.metric.denominator) == (10, 40)
    assert _row(cut, "deals.gone-share", "west_pipeline.csv")[0].metric.value == 0.0
    overall = _row(cut, "deals.gone-share")[0]
    assert overall.metric.numerator == 10 and overall.status == "warn"
    assert cut.exit_code == 1
    assert {label for *_, label in cut.deals_gone} == {
        f"クラウド勤怠 Pro 導入 {i + 1}" for i in range(30, 40)
    }
    text = render_text(cut)
    assert "deals gone since the run compared with, in no file now (10)" in text
    assert "クラウド勤怠 Pro 導入 31" in render_markdown(cut)
    assert len(to_json(cut)["deals_gone"]) == 10
    # the history keeps each run's deals; a history from before them is opened as it was
    assert len(History(hist).deals(cut.run.seq)) == 60


def test_rows_rejected_last_week_and_deleted_are_no_deals_gone(tmp_path: Path) -> None:
    """u24 item 5: week 3 pasted 6 junk rows (no close date: rejected by the import check,
    never imported), week 4 deleted them and deals.gone-share failed. The negative: a deal
    that was imported and is deleted is still gone, and a deal rejected now is still seen."""
    hist = tmp_path / "h.sqlite"
    east = _east_rows(20)
    junk = [[f"展示会リード{i}", f"見込み商事{i}", "提案", "", "", "", ""] for i in range(6)]
    week1 = tmp_path / "w1"
    _write(week1 / "東日本_案件管理.csv", EAST_HEADER, east + junk)
    first = run_check([str(week1)], history=hist, target="salesforce")
    seen = {d[3] for d in History(hist).deals(first.run.seq)}
    assert not any(label.startswith("展示会リード") for label in seen), seen
    week2 = tmp_path / "w2"
    _write(week2 / "東日本_案件管理.csv", EAST_HEADER, east[:-1])  # junk and one real deal gone
    second = run_check([str(week2)], history=hist, target="salesforce")
    share = _row(second, "deals.gone-share", "東日本_案件管理.csv")[0]
    assert (share.metric.numerator, share.metric.denominator) == (1, 20), render_text(second)
    assert [label for *_, label in second.deals_gone] == ["クラウド勤怠 Pro 導入 20"]
    # a deal imported last week and rejected now (its close date emptied) is not gone
    week3 = tmp_path / "w3"
    blanked = [[*r[:4], "", *r[5:]] if i == 0 else r for i, r in enumerate(east[:-1])]
    _write(week3 / "東日本_案件管理.csv", EAST_HEADER, blanked)
    third = run_check([str(week3)], history=hist, target="salesforce")
    assert _row(third, "rows.rejected-share")[0].metric.numerator == 1
    assert third.deals_gone == [], render_text(third)


def test_deals_gone_is_not_judged_against_a_run_that_kept_no_deals(tmp_path: Path) -> None:
    from migrate.check.metrics import NO_DEAL_LIST, gone_deals

    now = [Metric("rows.rejected-share", "a.csv", "", 0.0)]
    metrics, gone = gone_deals(now, [("a.csv", "", "D-1", "x")], [])
    assert gone == []
    assert {m.missing for m in metrics if m.id == "deals.gone-share"} == {NO_DEAL_LIST}
    # a renamed file: its deals are counted under the new name, and named under the old one
    before = [("a_0302.csv", "", "D-1", "x"), ("a_0302.csv", "", "D-2", "y")]
    now_keys = [("a_0309.csv", "", "D-1", "x")]
    now = [Metric("rows.rejected-share", "a_0309.csv", "", 0.0)]
    metrics, gone = gone_deals(now, now_keys, before, [("a_0302.csv", "a_0309.csv")])
    src = next(m for m in metrics if m.id == "deals.gone-share" and m.file == "a_0309.csv")
    assert (src.value, src.numerator, src.denominator) == (0.5, 1, 2)
    assert gone == [("a_0302.csv", "", "D-2", "y")]


def _workbook(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(EAST_HEADER)
        for r in rows:
            ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_a_month_sheet_added_beside_last_week_s_leaves_no_deal_gone(tmp_path: Path) -> None:
    """u24 item 1: a workbook kept its 2026年12月 sheet and gained a 2027年1月 copy; the deals
    (now twice in the file, merged under another id) were all 'gone', 100%, exit 1. Deals are
    matched by deal: one still in the file is not gone. The negative: a deal deleted from
    both sheets is still gone."""
    hist = tmp_path / "h.sqlite"
    east = _east_rows(20)
    name = "東日本_案件管理.xlsx"
    run_check([str(_workbook(tmp_path / "w1" / name, {"2026年12月": east}))], history=hist)
    # this month's copy updated since (a later update date): the same deals, other rows
    later = [[*r[:6], "2026/08/01"] for r in east]
    both = {"2026年12月": east, "2027年1月": later}
    second = run_check([str(_workbook(tmp_path / "w2" / name, both))], history=hist)
    share = _row(second, "deals.gone-share", name)[0]
    assert (share.metric.numerator, share.metric.denominator) == (0, 20), render_text(second)
    assert second.deals_gone == [] and second.exit_code == 0, render_text(second)
    cut = {"2026年12月": east[:-3], "2027年1月": later[:-3]}
    third = run_check([str(_workbook(tmp_path / "w3" / name, cut))], history=hist)
    assert sorted(label for *_, label in third.deals_gone) == [
        f"クラウド勤怠 Pro 導入 {i}" for i in (18, 19, 20)
    ], render_text(third)


def test_a_renamed_month_sheet_is_compared_as_its_source(tmp_path: Path) -> None:
    """u24 item 2: the sheet 2026年12月 became 2027年1月 (same file, same columns) and 2 of 19
    required amounts were blanked; the sheet was compared with nothing (no change, no line)
    and the drop passed unseen. It is the same source, as a renamed file is."""
    hist = tmp_path / "h.sqlite"
    east = _east_rows(20)
    name = "東日本_案件管理.xlsx"
    run_check([str(_workbook(tmp_path / "w1" / name, {"2026年12月": east}))], history=hist)
    # 3 of the 15 rows at the stages that require an amount lose it: 100% -> 80%
    blank = [[*r[:3], "", *r[4:]] if i in (0, 1, 2) else r for i, r in enumerate(east)]
    second = run_check([str(_workbook(tmp_path / "w2" / name, {"2027年1月": blank}))], history=hist)
    drop = _row(second, "required.amount", name, "max_drop")[0]
    assert drop.metric.sheet == "2027年1月" and drop.previous == 1.0, render_text(second)
    assert drop.status == "fail" and second.exit_code == 1
    gone = _row(second, "deals.gone-share", name)[0]
    assert (gone.metric.numerator, gone.metric.denominator) == (0, 20)
    assert f"{name} [2027年1月] compared with {name} [2026年12月]" in render_text(second)


def test_sheets_match_only_one_for_one_by_their_undated_names() -> None:
    """The negatives: a sheet added beside last week's is new (last week's is still there),
    two month sheets gone and two new stay apart, and a sheet of another name is no rename."""
    from migrate.check.compare import match_sheets

    def now(*sheets: str) -> list[Metric]:
        return [Metric("required.amount", "a.xlsx", sh, 1.0) for sh in sheets]

    before = {("required.amount", "a.xlsx", "2026年12月"): 1.0}
    assert match_sheets(before, now("2026年12月", "2027年1月"))[1] == []
    assert match_sheets(before, now("2027年1月"))[1] == [("a.xlsx", "2026年12月", "2027年1月")]
    assert match_sheets(before, now("集計"))[1] == []
    two = {("required.amount", "a.xlsx", sh): 1.0 for sh in ("東京 2026年12月", "東京 2026年11月")}
    assert match_sheets(two, now("東京 2027年1月", "東京 2027年2月"))[1] == []
    # another file's sheet is not this file's
    other = [Metric("required.amount", "b.xlsx", "2027年1月", 1.0)]
    assert match_sheets(before, other)[1] == []


def test_a_deal_under_a_new_id_is_matched_by_its_label_one_for_one() -> None:
    from migrate.check.metrics import gone_deals

    now_m = [Metric("rows.rejected-share", "a.csv", "", 0.0)]
    before = [("a.csv", "", "D-1", "x"), ("a.csv", "", "D-2", "x"), ("a.csv", "", "D-3", "y")]
    # D-1 and D-2 (one label) merged into D-9: one of them is gone; y is in another file only
    now = [("a.csv", "s1", "D-9", "x"), ("a.csv", "s2", "D-9", "x"), ("b.csv", "", "D-8", "y")]
    metrics, gone = gone_deals(now_m, now, before)
    assert [d for _, _, d, _ in gone] == ["D-2", "D-3"]
    # a renamed file keeps its deals' labels
    metrics, gone = gone_deals(
        now_m, [("a_2.csv", "", "D-7", "y")], before[2:], [("a.csv", "a_2.csv")]
    )
    assert gone == []


def test_per_source_counts_add_up_to_the_overall_figure(weeks, tmp_path: Path) -> None:
    c = run_check([str(weeks["new_words"])], history=tmp_path / "h.sqlite")
    for metric in ("stages.unknown-share", "required.amount", "required.close_date"):
        parts = [m for m in c.metrics if m.id == metric and m.file]
        whole = next(m for m in c.metrics if m.id == metric and not m.file)
        assert sum(m.numerator or 0 for m in parts) == whole.numerator, metric
        assert sum(m.denominator or 0 for m in parts) == whole.denominator, metric


def test_a_baseline_report_json_instead_of_the_history(weeks, tmp_path: Path) -> None:
    from migrate import pipeline

    pipeline.run([str(weeks["good"])], out=tmp_path / "saved", target=None)
    base = tmp_path / "saved" / "report.json"
    assert read_baseline(base)
    c = run_check([str(weeks["no_amounts"])], baseline=base, out=tmp_path / "o")
    assert c.baseline == base and c.previous is None
    assert not (
        tmp_path / "o" / "quality-history.sqlite"
    ).exists()  # a baseline alone records nothing
    drop = [
        r
        for r in c.rows
        if r.threshold.metric == "completeness.amount" and r.metric.file == "東日本_案件管理.csv"
    ][0]
    assert drop.status == "fail" and drop.change == -1.0


def test_a_salesforce_opportunity_export_is_checked(tmp_path: Path) -> None:
    header = [
        "Opportunity Name",
        "Account Name",
        "Stage",
        "Amount",
        "Close Date",
        "Opportunity Owner",
        "Probability (%)",
        "Last Modified Date",
    ]
    stages = [
        "Prospecting",
        "Needs Analysis",
        "Proposal/Price Quote",
        "Negotiation/Review",
        "Closed Won",
        "Closed Lost",
        "Id. Decision Makers",
        "Value Proposition",
    ]
    rows = [
        [
            f"Renewal {i}",
            f"Globex {i % 6} Inc.",
            stages[i % len(stages)],
            "" if i % 3 == 0 else f"{(i + 1) * 1200}",
            f"2026-{(i % 9) + 1:02d}-28",
            "Jane Doe",
            "",
            f"2026-07-{(i % 27) + 1:02d}",
        ]
        for i in range(48)
    ]
    export = _write(tmp_path / "opportunities.csv", header, rows)
    c = run_check([str(export)], history=tmp_path / "h.sqlite")
    amount = next(m for m in c.metrics if m.id == "required.amount" and m.file == export.name)
    assert amount.denominator == 30 and amount.value == pytest.approx(2 / 3, abs=1e-3)
    unknown = next(m for m in c.metrics if m.id == "stages.unknown-share" and m.file == export.name)
    assert unknown.value == 0.0  # the Salesforce picklist values are the model's words
    assert c.exit_code == 1  # a third of the deals at proposal or later without an amount


# ---------------------------------------------------------------------------- the command


def _cli():
    from migrate.cli import cli

    if "check" not in cli.commands:  # the lead registers it in migrate/cli.py
        cli.add_command(check_command)
    return cli


def test_cli_exit_codes_and_a_plain_table_when_piped(weeks, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "o"
    # the sources are mostly Japanese: --lang en for the English words asserted here
    ok = runner.invoke(
        _cli(), ["check", str(weeks["good"]), "--out", str(out), "--lang", "en"], obj={}
    )
    assert ok.exit_code == 0, ok.output + ok.stderr
    assert ok.stdout.splitlines()[1].split() == [
        "metric",
        "where",
        "value",
        "limit",
        "change",
        "status",
    ]
    assert "\x1b[" not in ok.stdout  # no colour when not on a terminal
    assert (out / "quality-history.sqlite").exists()
    bad = runner.invoke(
        _cli(), ["check", str(weeks["no_amounts"]), "--out", str(out), "--lang", "en"], obj={}
    )
    assert bad.exit_code == 1
    assert "FAILED" in bad.stdout.splitlines()[-1]
    coloured = runner.invoke(
        _cli(), ["check", str(weeks["no_amounts"]), "--out", str(out), "--color"], obj={}
    )
    assert "\x1b[31" in coloured.stdout
    missing = runner.invoke(_cli(), ["check", str(tmp_path / "nothing.xlsx")], obj={})
    assert missing.exit_code == 2
    assert missing.stderr.startswith("error: nothing could be read")


def test_cli_broken_quality_rules_exit_2(tmp_path: Path, weeks) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    q = rules / "quality.yaml"
    q.write_text(q.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    r = CliRunner().invoke(_cli(), ["check", str(weeks["good"]), "--rules", str(rules)], obj={})
    assert r.exit_code == 2
    assert "quality.yaml" in r.stderr.splitlines()[0]


def test_cli_formats_are_written_and_the_json_is_the_library_s(weeks, tmp_path: Path) -> None:
    out = tmp_path / "o"
    args = ["check", str(weeks["good"]), "--out", str(out), "--history", str(tmp_path / "h.sqlite")]
    args += ["--lang", "en"]
    CliRunner().invoke(_cli(), args, obj={})
    r = CliRunner().invoke(
        _cli(), [*args, "--format", "json", "--format", "junit", "--format", "markdown"], obj={}
    )
    assert r.exit_code == 0, r.stderr
    written = json.loads((out / "quality-check.json").read_text(encoding="utf-8"))
    again = run_check([str(weeks["good"])], history=tmp_path / "h.sqlite", record=False)
    lib = to_json(again)
    assert written["rows"] == lib["rows"] and written["metrics"] == lib["metrics"]
    assert written["run"]["seq"] == 2 and written["compared_with"]["seq"] == 1
    suite = ET.parse(out / "quality-check.junit.xml").getroot()
    assert int(suite.get("tests") or 0) == len(written["rows"])
    assert suite.find(".//failure") is None
    md = (out / "quality-check.md").read_text(encoding="utf-8")
    assert md.startswith("**quality check passed")
    # next week only json: the markdown left in --out is last week's, and the check says so
    r = CliRunner().invoke(_cli(), [*args, "--format", "json"], obj={})
    assert f"note: {out / 'quality-check.md'} is from an earlier check" in r.stderr
    assert "quality-check.json is from" not in r.stderr


def test_junit_has_a_failure_per_breach_and_outputs_hold_no_clock(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    run_check([str(weeks["good"])], history=hist, clock=lambda: _Fixed("2030-01-01T00:00:00"))
    bad = run_check([str(weeks["no_amounts"])], history=hist)
    xml = render_junit(bad)
    failures = ET.fromstring(xml.split("\n", 1)[1]).findall(".//failure")
    assert len(failures) == sum(1 for r in bad.rows if r.status == "fail") > 0
    for text in (xml, render_markdown(bad), json.dumps(to_json(bad))):
        assert "2030" not in text and not re.search(r"\d\d:\d\d:\d\d", text)
    recorded = sqlite3.connect(hist).execute("SELECT recorded_at FROM runs ORDER BY seq").fetchall()
    assert recorded[0][0] == "2030-01-01T00:00:00"


class _Fixed:
    def __init__(self, text: str) -> None:
        self.text = text

    def isoformat(self, **_: object) -> str:
        return self.text


def test_trend_over_runs(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    for week in ("good", "good", "no_amounts"):
        run_check([str(weeks[week])], history=hist)
    data = trend_data(hist, ("required.amount",), file="東日本_案件管理.csv")
    assert [r["seq"] for r in data["runs"]] == [1, 2, 3]
    assert [r["status"] for r in data["runs"]] == ["pass", "pass", "fail"]
    assert data["series"][0]["values"] == [1.0, 1.0, 0.0]
    svg = trend_svg(data, "required.amount")
    assert svg.startswith("<svg") and "#3" in svg and "0.0%" in svg
    assert trend_data(tmp_path / "none.sqlite")["available"] is False


def test_cli_shows_progress_on_a_terminal_and_not_with_quiet(
    weeks, tmp_path: Path, monkeypatch
) -> None:
    import migrate.cli

    monkeypatch.setattr(migrate.cli, "_on_terminal", lambda: True)
    runner = CliRunner()
    args = ["check", str(weeks["good"]), "--out", str(tmp_path / "o")]
    shown = runner.invoke(_cli(), args, obj={})
    assert shown.exit_code == 0, shown.stderr
    assert "  duplicates: " in shown.stderr and "  read: " in shown.stderr
    quiet = runner.invoke(_cli(), [*args, "--quiet"], obj={})
    assert quiet.exit_code == 0 and "  duplicates: " not in quiet.stderr
    assert quiet.stdout.splitlines()[1] == shown.stdout.splitlines()[1]  # the same table


def test_without_a_target_the_rejected_share_is_not_judged_and_says_why(
    weeks, tmp_path: Path
) -> None:
    """Without --target no import check runs: a rejected share of the rows rejected while
    reading alone would pass where the import rejects many (a new user's weekly check)."""
    plain = run_check([str(weeks["good"])], history=tmp_path / "a.sqlite")
    row = next(
        r for r in plain.rows if r.threshold.metric == "rows.rejected-share" and not r.metric.file
    )
    assert row.status == "n/a" and row.metric.value is None
    assert row.why_not_judged == "no --target: the import checks did not run"
    assert "overall: no --target: the import checks did not run" in render_text(plain)
    aimed = run_check([str(weeks["good"])], history=tmp_path / "b.sqlite", target="salesforce")
    row = next(
        r for r in aimed.rows if r.threshold.metric == "rows.rejected-share" and not r.metric.file
    )
    assert row.status != "n/a" and row.metric.value is not None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("pipeline_report_2026-12-01.csv", "pipeline_report_2026-12-08.csv", True),
        ("案件_20260301.xlsx", "案件_20260308.xlsx", True),
        ("ヨミ表_2026年1月.xlsx", "ヨミ表_2026年2月.xlsx", True),
        ("report1743210000000.csv", "report1743814800000.csv", True),
        ("east_FY2026.xlsx", "west_FY2026.xlsx", False),
        ("east.xlsx", "East.XLSX", True),
    ],
)
def test_a_file_name_without_its_dates(a: str, b: str, same: bool) -> None:
    from migrate.check.compare import undated

    assert (undated(a) == undated(b)) is same


def test_a_weekly_export_named_by_its_day_is_compared_with_last_week_s() -> None:
    from migrate.check.compare import match_renamed

    previous = {
        ("stages.unknown-share", "pipeline_report_2026-12-01.csv", ""): 0.1,
        ("stages.unknown-share", "east.xlsx", "案件"): 0.2,
        ("stages.unknown-share", "west.xlsx", "Deals"): 0.3,
        ("stages.unknown-share", "", ""): 0.2,
    }
    now = [
        Metric("stages.unknown-share", "pipeline_report_2026-12-08.csv", "", 0.4),
        Metric("stages.unknown-share", "east.xlsx", "案件", 0.2),
        Metric("stages.unknown-share", "", "", 0.3),
    ]
    moved, renamed, gone = match_renamed(previous, now)
    assert renamed == [("pipeline_report_2026-12-01.csv", "pipeline_report_2026-12-08.csv")]
    assert gone == ["west.xlsx"]
    assert moved[("stages.unknown-share", "pipeline_report_2026-12-08.csv", "")] == 0.1
    assert moved[("stages.unknown-share", "east.xlsx", "案件")] == 0.2
    # two exports of one undated name on a side: which is which is not known, none is moved
    two = [*now, Metric("stages.unknown-share", "pipeline_report_2026-12-09.csv", "", 0.5)]
    assert match_renamed(previous, two)[1] == []


@pytest.mark.parametrize(
    ("before", "after", "renamed"),
    [
        # a Japanese weekly tracker stamped MMDD (a new user's 営業案件管理_0302 / _0309)
        ("営業案件管理_0302.xlsx", "営業案件管理_0309.xlsx", True),
        ("pipeline_03-02.csv", "pipeline_03-09.csv", True),
        ("ヨミ表_3月2日.xlsx", "ヨミ表_3月9日.xlsx", True),
        ("forecast_W10.xlsx", "forecast_W11.xlsx", True),
        ("案件_第1週.xlsx", "案件_第2週.xlsx", True),
        # numbers that are no month and day, and other names
        ("store_1234.csv", "store_5678.csv", False),
        ("east_0302.xlsx", "west_0309.xlsx", False),
    ],
)
def test_a_weekly_file_stamped_without_a_year_is_last_week_s(
    before: str, after: str, renamed: bool
) -> None:
    from migrate.check.compare import match_renamed

    previous = {("stages.unknown-share", before, ""): 0.1, ("stages.unknown-share", "", ""): 0.1}
    now = [Metric("stages.unknown-share", after, "", 0.4), Metric("stages.unknown-share")]
    moved, pairs, gone = match_renamed(previous, now)
    assert pairs == ([(before, after)] if renamed else [])
    assert gone == ([] if renamed else [before])
    assert (("stages.unknown-share", after, "") in moved) is renamed


def test_a_short_stamp_matches_only_the_one_candidate() -> None:
    """Two files of last week stamped 0302 whose names differ otherwise stay apart, and two
    new candidates for one old file leave it unmatched (which is which is not known)."""
    from migrate.check.compare import match_renamed

    previous = {
        ("stages.unknown-share", "east_0302.xlsx", ""): 0.1,
        ("stages.unknown-share", "west_0302.xlsx", ""): 0.2,
    }
    now = [
        Metric("stages.unknown-share", "east_0309.xlsx", "", 0.3),
        Metric("stages.unknown-share", "west_0309.xlsx", "", 0.4),
    ]
    assert sorted(match_renamed(previous, now)[1]) == [
        ("east_0302.xlsx", "east_0309.xlsx"),
        ("west_0302.xlsx", "west_0309.xlsx"),
    ]
    two = [*now, Metric("stages.unknown-share", "east_0310.xlsx", "", 0.5)]
    assert match_renamed(previous, two)[1] == [("west_0302.xlsx", "west_0309.xlsx")]


def test_a_line_of_sources_not_judged_shows_their_worst_value() -> None:
    """5 sources under min_rows, one of them 0% filled: the line shows 0.0%, not the first
    source's 100.0% (a new user read a passing check as 'amounts are all there')."""
    from migrate.check.render import lines

    t = Threshold("required.amount", "min", 0.8, "source", min_rows=10)
    few = [Metric(t.metric, f, "", v, 3, 3) for f, v in (("a.csv", 1.0), ("b.csv", 0.0))]
    (line,) = lines(evaluate(few, [t]))
    assert line.where == (
        "2 sources not judged: fewer than 10 rows at the stages that require amount"
    )
    assert line.value == "0.0%"


def test_sources_not_judged_keep_their_line_when_others_pass_or_fail() -> None:
    """u24 item 4: the 'N sources not judged: why' line was printed only when no source
    passed, so a source compared with nothing (a renamed sheet, a file unreadable last week)
    left no trace beside a passing one. The negative: every source judged adds no such line."""
    from migrate.check.render import lines

    t = Threshold("completeness.amount", "max_drop", 0.2, "source")
    now = [
        Metric(t.metric, "a.csv", "", 1.0, 20, 20),
        Metric(t.metric, "b.csv", "", 0.6, 12, 20),
        Metric(t.metric, "c.csv", "", 0.9, 18, 20),
    ]
    before = {(t.metric, "a.csv", ""): 1.0, (t.metric, "c.csv", ""): 0.9}
    got = [(ln.where, ln.status) for ln in lines(evaluate(now, [t], before))]
    assert got == [
        ("2 sources (worst: c.csv)", "pass"),
        ("1 source not judged: no earlier run", "n/a"),
    ]
    # beside a breach too
    before[(t.metric, "a.csv", "")] = 1.0
    now[2] = Metric(t.metric, "c.csv", "", 0.5, 10, 20)
    got = [(ln.where, ln.status) for ln in lines(evaluate(now, [t], before))]
    assert got == [
        ("c.csv", "fail"),
        ("a.csv", "pass"),
        ("1 source not judged: no earlier run", "n/a"),
    ]
    # every source judged: no not-judged line
    before[(t.metric, "b.csv", "")] = 0.6
    assert [ln.where for ln in lines(evaluate(now, [t], before))] == [
        "c.csv",
        "2 sources (worst: b.csv)",
    ]


def test_check_reads_review_decisions_and_a_mapping_as_run_does(tmp_path: Path) -> None:
    """A stage word decided once in review.xlsx was rejected again every week: check took no
    --decisions (a trial user's rows.rejected-share 9.1% where run exported every row)."""
    src = _write(
        tmp_path / "in" / "案件.csv",
        EAST_HEADER,
        _east_rows(20, words=["様子見", "提案", "受注", "クロージング"]),
    )
    decisions = tmp_path / "decisions.yaml"
    decisions.write_text("様子見: proposal\n", encoding="utf-8")
    args = ["check", str(src.parent), "--target", "salesforce", "-q", "--lang", "en"]
    runner = CliRunner()
    plain = runner.invoke(_cli(), [*args, "--history", str(tmp_path / "a.sqlite")], obj={})
    assert plain.exit_code == 1, plain.output + plain.stderr
    assert re.search(r"rows\.rejected-share\s+overall\s+25\.0%.*fail", plain.stdout)
    decided = runner.invoke(
        _cli(),
        [*args, "--history", str(tmp_path / "b.sqlite"), "--decisions", str(decisions)],
        obj={},
    )
    assert decided.exit_code == 0, decided.stdout + decided.stderr
    assert re.search(r"rows\.rejected-share\s+overall\s+0\.0%.*pass", decided.stdout)
    # the same options as run's: a mapping file and the SFA's own export are taken too
    mapping = tmp_path / "m.yaml"
    runner.invoke(_cli(), ["inspect", str(src), "--write-mapping", str(mapping)], obj={})
    mapped = runner.invoke(
        _cli(),
        [*args, "--history", str(tmp_path / "c.sqlite"), "--mapping", str(mapping)],
        obj={},
    )
    assert mapped.exit_code == 1, mapped.stderr
    bad = runner.invoke(_cli(), [*args, "--existing", "a.csv", "--existing", "b.csv"], obj={})
    assert bad.exit_code == 2 and "accounts given twice" in bad.stderr


def test_decisions_are_part_of_the_input_fingerprint(tmp_path: Path) -> None:
    """The same trackers read with decisions are other inputs: the first check with them
    compares with the run without them, not with the week before."""
    from migrate.check import fingerprint

    src = _write(tmp_path / "in" / "a.csv", EAST_HEADER, _east_rows(3))
    d1, d2 = tmp_path / "d1.yaml", tmp_path / "d2.yaml"
    d1.write_text("様子見: proposal\n", encoding="utf-8")
    d2.write_text("様子見: won\n", encoding="utf-8")
    plain = fingerprint([str(src)], DEFAULT_RULES_DIR)[0]
    one = fingerprint([str(src)], DEFAULT_RULES_DIR, [str(d1)])[0]
    assert len({plain, one, fingerprint([str(src)], DEFAULT_RULES_DIR, [str(d2)])[0]}) == 3
    assert fingerprint([str(src)], DEFAULT_RULES_DIR, [str(d1)])[0] == one


def _small_team(missing: set[int]) -> list[Metric]:
    """Four 5-row trackers at proposal or later: the files whose index is in ``missing``
    carry 1 amount of 5 (the rest all five)."""
    per = [(f"team{i}.xlsx", 1 if i in missing else 5) for i in range(4)]
    num = sum(n for _, n in per)
    return [
        Metric("required.amount", "", "", round(num / 20, 4), num, 20),
        *(Metric("required.amount", f, "", n / 5, n, 5) for f, n in per),
    ]


def test_small_sources_are_judged_on_their_pooled_rows() -> None:
    """Four 5-row trackers with a fifth of the amounts missing 'passed': every file was under
    min_rows and required.* had no overall row (a trial user's week3)."""
    from migrate.check.render import lines

    t = Threshold("required.amount", "min", 0.8, "source", min_rows=10)
    rows = evaluate(_small_team({0, 1}), [t])
    pooled = [r for r in rows if r.pooled]
    assert [(r.metric.source, r.pooled, r.status) for r in pooled] == [(("", ""), 4, "fail")]
    assert {r.status for r in rows if not r.pooled} == {"n/a"}
    shown = [(ln.where, ln.status) for ln in lines(rows)]
    assert shown[0] == ("overall (every source pooled; 4 under 10 alone)", "fail")
    assert shown[1][0].startswith("4 sources not judged: fewer than 10 rows")
    assert to_json_rows(rows)[-1]["pooled"] == 4
    # a good small team passes pooled; sources big enough alone get no pooled row
    assert [r.status for r in evaluate(_small_team(set()), [t]) if r.pooled] == ["pass"]
    big = [Metric("required.amount", "", "", 0.5, 10, 20), Metric(t.metric, "a", "", 0.5, 10, 20)]
    assert not [r for r in evaluate(big, [t]) if r.pooled]
    # a limit on the change is judged on the pooled figure's change
    drop = Threshold("required.amount", "max_drop", 0.1, "source", min_rows=10)
    (row,) = [r for r in evaluate(_small_team({0}), [drop], {("required.amount", "", ""): 1.0})
              if r.pooled]  # fmt: skip
    assert row.status == "fail" and row.change == -0.2
    # an overall limit of its own in the rule file: no second overall row
    own = Threshold("required.amount", "min", 0.5, "overall")
    assert not [r for r in evaluate(_small_team({0, 1}), [t, own]) if r.pooled]


def to_json_rows(rows) -> list[dict[str, Any]]:
    return [r.to_json() for r in rows]


def test_a_small_team_missing_amounts_fails_the_check(tmp_path: Path) -> None:
    """End to end: four 5-row trackers, one with no amounts, fail the shipped thresholds."""
    folder = tmp_path / "week"
    for i in range(4):
        _write(
            folder / f"team{i}.csv",
            EAST_HEADER,
            _east_rows(5, amounts=i != 0, words=["提案", "クロージング", "受注"]),
        )
    check = run_check([str(folder)], history=tmp_path / "h.sqlite", target="salesforce")
    (row,) = [r for r in _row(check, "required.amount", kind="min") if r.pooled]
    assert row.status == "fail" and row.metric.denominator == 20
    assert check.exit_code == 1
    assert "overall (every source pooled; 4 under 10 alone)" in render_text(check)


def _marks() -> tuple[str, ...]:
    from migrate.bundle import load_rules_bundle

    return load_rules_bundle(None).quality.version_marks


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Global_Accounts_Pipeline.xlsx", "Global_Accounts_Pipeline - Copy.xlsx"),
        ("Global_Accounts_Pipeline - Copy.xlsx", "Global_Accounts_Pipeline - Copy (2).xlsx"),
        ("pipeline.xlsx", "pipeline copy 2.xlsx"),
        ("東京営業部_案件一覧.xlsx", "東京営業部_案件一覧 - コピー.xlsx"),
        ("東京営業部_案件一覧 - コピー.xlsx", "東京営業部_案件一覧 - コピー (2).xlsx"),
        ("パートナー営業_案件_最新版.csv", "パートナー営業_案件_最新版2.csv"),
        ("パートナー営業_案件.csv", "パートナー営業_案件_最新版.csv"),
        ("商談一覧 (1).xlsx", "商談一覧 (2).xlsx"),
        ("deals_v2.xlsx", "deals_v3.xlsx"),
        ("deals.xlsx", "deals_rev3.xlsx"),
        ("案件管理.xlsx", "案件管理_修正.xlsx"),
        ("forecast_final.xlsx", "forecast_final2.xlsx"),
        ("forecast_v2_final.xlsx", "forecast_v3 - Copy.xlsx"),
        # an undated name last week, a dated one now (a trial user's week1 -> week2_dated)
        ("大阪支店_商談管理.xlsx", "大阪支店_商談管理_20260116.xlsx"),
        ("東京営業部_案件一覧.xlsx", "東京営業部_案件一覧(0116).xlsx"),
    ],
    ids=lambda name: name,
)
def test_a_weekly_copy_renamed_with_a_version_mark_is_last_week_s(before: str, after: str) -> None:
    """Renamed weekly copies lost their history ('4 sources not judged: no earlier run'): the
    marks of a copy or a version (rules/quality.yaml version_marks) fold away as dates do."""
    from migrate.check.compare import match_renamed

    previous = {("stages.unknown-share", before, ""): 0.1, ("stages.unknown-share", "", ""): 0.1}
    now = [Metric("stages.unknown-share", after, "", 0.4), Metric("stages.unknown-share")]
    moved, pairs, gone = match_renamed(previous, now, _marks())
    assert pairs == [(before, after)] and gone == []
    assert moved[("stages.unknown-share", after, "")] == 0.1
    assert match_renamed(previous, now)[1] == (
        [(before, after)] if "2026" in after or "0116" in after else []
    )  # without the rules' marks only stamps fold away


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (["東京営業部_案件一覧.xlsx"], ["大阪支店_商談管理 - コピー.xlsx"]),
        (["east_v2.xlsx"], ["west_v3.xlsx"]),
        (["sales.xlsx"], ["salesv2.xlsx"]),  # no separator: part of the name, not a mark
        (["案件.xlsx"], ["案件 - Copy.xlsx", "案件 (1).xlsx"]),  # which copy is it? neither
        (["案件.xlsx", "案件_v2.xlsx"], ["案件_v3.xlsx"]),
    ],
    ids=["two-teams", "east-west", "no-separator", "two-copies", "two-before"],
)
def test_files_of_other_sources_stay_apart_whatever_their_marks(
    before: list[str], after: list[str]
) -> None:
    from migrate.check.compare import match_renamed

    previous = {("stages.unknown-share", f, ""): 0.1 for f in before}
    now = [Metric("stages.unknown-share", f, "", 0.4) for f in after]
    moved, pairs, gone = match_renamed(previous, now, _marks())
    assert pairs == [] and gone == sorted(before)


def test_version_marks_are_checked_when_the_rules_are_read(tmp_path: Path) -> None:
    path = tmp_path / "quality.yaml"
    text = (Path(DEFAULT_RULES_DIR) / "quality.yaml").read_text(encoding="utf-8")
    path.write_text(text + "  - '(unclosed'\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        parse_quality_rules(str(path))
    assert "version_marks[" in str(err.value) and "not a regular expression" in str(err.value)


# ------------------------------------------------------------------ files that cannot be read

FIXTURES = Path(__file__).parent / "fixtures"


def _with_team_b(folder: Path, fixture: str, *, west: int = 30) -> Path:
    """A week of the two teams' trackers and team B's workbook (a copy of ``fixture``)."""
    import shutil

    _write(folder / "東日本_案件管理.csv", EAST_HEADER, _east_rows(40))
    _write(folder / "west_pipeline.csv", WEST_HEADER, _west_rows(west))
    shutil.copyfile(FIXTURES / fixture, folder / "team_b.xlsx")
    return folder


@pytest.mark.parametrize(
    ("fixture", "why"),
    [
        ("encrypted.xlsx", "password-protected"),
        ("empty.xlsx", "empty"),
        ("corrupt.xlsx", "corrupt"),
    ],
    ids=["password", "empty", "corrupt"],
)
def test_a_tracker_read_last_week_that_cannot_be_read_now_breaches(
    tmp_path: Path, fixture: str, why: str
) -> None:
    """u21: week 2's team B tracker was saved with a password and the check passed (its rows
    were simply missing, 'not in this run' said the line above the table): a file the
    compared run read that cannot be read now is a breach, its reason in the table."""
    hist = tmp_path / "h.sqlite"
    first = run_check([str(_with_team_b(tmp_path / "w1", "header-on-row-4.xlsx"))], history=hist)
    assert first.exit_code == 0, render_text(first)
    assert _row(first, "files.unreadable", "team_b.xlsx")[0].status == "pass"
    second = run_check([str(_with_team_b(tmp_path / "w2", fixture))], history=hist)
    row = _row(second, "files.unreadable", "team_b.xlsx")[0]
    assert row.status == "fail" and row.where == f"team_b.xlsx: {why}"
    assert second.exit_code == 1
    assert _row(second, "files.unreadable", "west_pipeline.csv")[0].status == "pass"
    text = render_text(second)
    assert "not in this run, in the one compared with" not in text
    # the problem after a colon: '(is damaged (the zip ...))' read as doubled brackets (u24)
    assert "in this run but could not be read, read in the one compared with: team_b.xlsx: " in text
    assert re.search(rf"files\.unreadable +team_b\.xlsx: {why} +1 +<= 0 .* fail", text), text
    assert second.unreadable and second.unreadable[0][0] == "team_b.xlsx"
    assert to_json(second)["unreadable"][0]["file"] == "team_b.xlsx"
    # its deals were not seen, not deleted: they are listed, and the share of deals gone
    # counts only the files read (before, a 26% warning stood beside the breach)
    assert {f for f, _, _, _ in second.deals_gone} == {"team_b.xlsx"}
    assert _row(second, "deals.gone-share", "")[0].metric.value == 0.0, render_text(second)
    # still unreadable a week later (other files changed): still a breach
    third = run_check([str(_with_team_b(tmp_path / "w3", fixture, west=29))], history=hist)
    assert third.previous is not None and third.previous.seq == second.run.seq
    assert _row(third, "files.unreadable", "team_b.xlsx")[0].status == "fail"
    # not read now: not said to be compared with the last run that read it
    assert third.renamed == [], third.renamed
    # its deals (of the last run that read it) are still not seen; the west file lost one
    assert {f for f, _, _, _ in third.deals_gone} == {"team_b.xlsx", "west_pipeline.csv"}
    assert "their file could not be read" in render_text(third)


def test_a_file_unreadable_one_week_is_compared_with_the_last_run_that_read_it(
    tmp_path: Path,
) -> None:
    """u24 item 3: a weekly file (named by its day) half-saved one week: its deals were listed
    as 'gone' (docs/check.md: not seen), and the week after, readable again with 8 amounts
    blanked, it was compared with nothing and passed. It is compared with the last run that
    read it; a deal deleted from it since is still gone."""
    import shutil

    hist = tmp_path / "h.sqlite"
    rows = [[f"基幹システム更新 {i + 1}", *r[1:]] for i, r in enumerate(_east_rows(20))]

    def week(name: str, team_b: list[list[str]] | None) -> Path:
        folder = tmp_path / name
        _write(folder / "west_pipeline.csv", WEST_HEADER, _west_rows(30))
        if team_b is None:
            shutil.copyfile(FIXTURES / "corrupt.xlsx", folder / f"team_b_{name}.xlsx")
        else:
            _workbook(folder / f"team_b_{name}.xlsx", {"案件": team_b})
        return folder

    first = run_check([str(week("20261207", rows))], history=hist)
    assert first.exit_code == 0, render_text(first)
    second = run_check([str(week("20261214", None))], history=hist)
    assert len(second.deals_gone) == 20
    text = render_text(second)
    assert "deals not seen since the run compared with, their file could not be read (20)" in text
    assert "deals gone since the run compared with" not in text
    # readable again: 8 of 20 amounts blanked, 2 deals deleted
    blank = [[*r[:3], "", *r[4:]] if i < 8 else r for i, r in enumerate(rows[:18])]
    third = run_check([str(week("20261221", blank))], history=hist)
    name = "team_b_20261221.xlsx"
    drop = _row(third, "completeness.amount", name, "max_drop")[0]
    assert drop.previous == 1.0 and drop.status == "fail", render_text(third)
    assert third.previous is not None and third.previous.seq == second.run.seq
    assert sorted(lb for *_, lb in third.deals_gone) == [
        "基幹システム更新 19",
        "基幹システム更新 20",
    ]
    assert "team_b_20261207.xlsx of run 1, the last run that read it" in render_text(third)
    assert third.exit_code == 1


def test_a_file_no_run_could_read_is_not_judged(tmp_path: Path) -> None:
    """The negative: an empty template left in the folder every week, or a first run, is no
    file that stopped being readable (shown as not judged, the check passes)."""
    hist = tmp_path / "h.sqlite"
    first = run_check([str(_with_team_b(tmp_path / "w1", "encrypted.xlsx"))], history=hist)
    row = _row(first, "files.unreadable", "team_b.xlsx")[0]
    assert row.status == "n/a" and row.why_not_judged == "no earlier run"
    assert first.exit_code == 0, render_text(first)
    second = run_check([str(_with_team_b(tmp_path / "w2", "empty.xlsx", west=29))], history=hist)
    row = _row(second, "files.unreadable", "team_b.xlsx")[0]
    assert row.status == "n/a" and "not read in the run compared with" in row.why_not_judged
    assert second.exit_code == 0, render_text(second)
    assert second.unreadable == []


def test_a_file_gone_from_the_folder_is_still_said_to_be_gone(tmp_path: Path) -> None:
    """A file deleted (not unreadable) keeps the 'not in this run' line and is not a breach of
    files.unreadable (deals.gone-share judges what went with it)."""
    hist = tmp_path / "h.sqlite"
    run_check([str(_with_team_b(tmp_path / "w1", "header-on-row-4.xlsx"))], history=hist)
    week = _with_team_b(tmp_path / "w2", "header-on-row-4.xlsx")
    (week / "team_b.xlsx").unlink()
    second = run_check([str(week)], history=hist)
    assert _row(second, "files.unreadable", "team_b.xlsx") == []
    assert "not in this run, in the one compared with: team_b.xlsx" in render_text(second)
