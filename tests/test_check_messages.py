"""sfa-migrate check: what the weekly check says, and to whom (u24 items 6-10).

A filled but unknown stage word is not an empty stage; a breach says what to fix (the unknown
words and their rows, the rejected rows' worst file and reasons, the threshold's note); a
check that could not run leaves no earlier report looking current; ``--lang``; the minor
wording points. Weekly files are small CSVs written here.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from migrate.check import run_check
from migrate.check.render import lines, render_junit, render_markdown, render_text, to_json
from migrate.terminal_width import display_width

pytestmark = pytest.mark.usefixtures("gx_by_mask")

HEADER = ["Deal Name", "Account", "Stage", "Amount", "Close Date", "Owner", "Last Modified"]
STAGES = ["Proposal", "Negotiation", "Closed Won", "Qualification", "Proposal", "Closed Lost"]
US = "us_pipeline.csv"


def _rows(n: int, stage=lambda i: STAGES[i % len(STAGES)], amount=True) -> list[list[str]]:
    return [
        [
            f"HR Suite expansion {i + 1}",
            f"Acme Trading {i % 5} Ltd.",
            stage(i),
            f"{(i + 2) * 5000}" if amount else "",
            f"2026-{(i % 9) + 1:02d}-20",
            "John Smith",
            f"2026-07-{(i % 27) + 1:02d}",
        ]
        for i in range(n)
    ]


def _write(folder: Path, rows: list[list[str]], name: str = US) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return folder


def _rows_of(check, metric: str, file: str = US, kind: str | None = None):
    return [
        r
        for r in check.rows
        if r.threshold.metric == metric
        and r.metric.file == file
        and (kind is None or r.threshold.kind == kind)
    ]


@pytest.fixture(scope="module")
def weeks(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("weeks")
    return {
        "good": _write(root / "good", _rows(30)),
        # 8 rows of a word the model does not know: filled cells
        "stalled": _write(
            root / "stalled", _rows(30, lambda i: "Stalled" if i >= 22 else STAGES[i % 6])
        ),
        # 8 stage cells emptied
        "blanked": _write(root / "blanked", _rows(30, lambda i: "" if i >= 22 else STAGES[i % 6])),
    }


# ------------------------------------------------------------------- 6: unknown is not empty


def test_a_filled_unknown_stage_word_is_not_an_empty_stage(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    run_check([str(weeks["good"])], history=hist)
    week = run_check([str(weeks["stalled"])], history=hist)
    filled = _rows_of(week, "completeness.stage")[0]
    assert filled.metric.value == 1.0 and filled.status == "pass"
    overall = [m for m in week.metrics if m.id == "completeness.stage" and not m.file][0]
    assert overall.value == 1.0 and overall.denominator == 30
    # the word is judged once, by the unknown-words metrics
    assert _rows_of(week, "stages.unknown-share")[0].status == "fail"
    assert _rows_of(week, "stages.unknown-words")[0].status == "fail"


def test_stage_cells_emptied_still_drop_the_stage_completeness(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    run_check([str(weeks["good"])], history=hist)
    week = run_check([str(weeks["blanked"])], history=hist)
    drop = _rows_of(week, "completeness.stage", kind="max_drop")[0]
    assert drop.metric.value == pytest.approx(22 / 30, abs=1e-4) and drop.status == "fail"


# ------------------------------------------------------------- 7: a breach says what to fix


def test_an_unknown_stage_word_breach_names_the_word_and_its_rows(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    run_check([str(weeks["good"])], history=hist)
    week = run_check([str(weeks["stalled"])], history=hist)
    text = render_text(week)
    line = next(ln for ln in lines(week.rows, week.advice) if ln.metric == "stages.unknown-words")
    assert line.status == "fail" and "'Stalled' (8 rows: 24-31)" in line.fix
    assert "    -> unknown stage words: 'Stalled' (8 rows: 24-31)" in text
    md = render_markdown(week)
    assert "'Stalled' (8 rows: 24-31)" in md
    failures = ET.fromstring(render_junit(week).split("\n", 1)[1]).findall(".//failure")
    assert any("'Stalled'" in (f.text or "") for f in failures)
    # the threshold's note (what to do) is in the text and the Markdown, not only in JUnit
    note = next(r for r in week.rows if r.threshold.metric == "stages.unknown-words").threshold
    assert note.note and f"to do: {note.note}" in text and f"to do: {note.note}" in md


def test_a_line_that_holds_says_nothing_to_fix(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    run_check([str(weeks["good"])], history=hist)
    week = run_check([str(weeks["good"])], history=hist)
    assert all(not ln.fix for ln in lines(week.rows, week.advice))
    assert "->" not in render_text(week)
    md = render_markdown(week)
    assert "What to fix" not in md and "to do:" not in md


def test_the_rejected_share_names_its_worst_file_and_top_reasons(weeks, tmp_path: Path) -> None:
    other = _write(tmp_path / "two", _rows(20), name="emea.csv")
    _write(other, _rows(30, lambda i: "Stalled" if i >= 22 else STAGES[i % 6]))
    week = run_check([str(other)], history=tmp_path / "h.sqlite", target="salesforce")
    row = next(
        r for r in week.rows if r.threshold.metric == "rows.rejected-share" and not r.metric.file
    )
    assert row.status == "fail"
    fix = next(ln.fix for ln in lines(week.rows, week.advice) if ln.metric == "rows.rejected-share")
    assert f"most in {US} (8 of 30 rows)" in fix
    assert "reasons: StageName is required but empty (8)" in fix
    assert "emea.csv" not in fix  # the file with nothing rejected is not named


def test_the_markdown_lists_the_breaches_first(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    run_check([str(weeks["good"])], history=hist)
    md = render_markdown(run_check([str(weeks["stalled"])], history=hist))
    assert md.index("### What to fix") < md.index("### Every threshold")
    table = [ln for ln in md.splitlines() if ln.startswith("| `")]
    statuses = [ln.rsplit("|", 2)[1].split()[-1] for ln in table]
    fails = [i for i, s in enumerate(statuses) if s == "fail"]
    assert fails and fails == list(range(len(fails)))  # every fail above every other line
    assert "pass" in statuses


# ------------------------------------------- 8: no stale report after a check that cannot run


def _cli():
    from migrate.check.command import check as check_command
    from migrate.cli import cli

    if "check" not in cli.commands:
        cli.add_command(check_command)
    return cli


def test_a_check_that_cannot_run_leaves_no_earlier_report_looking_current(
    weeks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "q"
    args = ["check", "--out", str(out), "--format", "markdown", "--format", "json", "--lang", "en"]
    ok = CliRunner().invoke(_cli(), [*args, str(weeks["good"])], obj={})
    assert ok.exit_code == 0 and (out / "quality-check.md").read_text().startswith("**quality")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "~$lock.xlsx").write_bytes(b"\x00")
    r = CliRunner().invoke(_cli(), [*args, str(empty)], obj={})
    assert r.exit_code == 2
    md = (out / "quality-check.md").read_text(encoding="utf-8")
    assert md.startswith("**quality check could not run**") and "passed" not in md
    assert "exit code 2" in md and "nothing could be read" in md
    assert json.loads((out / "quality-check.json").read_text())["status"] == "error"
    # Ctrl-C: 130, and the report says it was interrupted
    import migrate.check

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(migrate.check, "run_check", interrupted)
    r = CliRunner().invoke(_cli(), [*args, str(weeks["good"])], obj={})
    assert r.exit_code == 130
    md = (out / "quality-check.md").read_text(encoding="utf-8")
    assert "interrupted" in md and "exit code 130" in md


def test_a_failed_check_still_writes_its_report_and_nothing_is_written_unasked(
    weeks, tmp_path: Path
) -> None:
    out = tmp_path / "q"
    r = CliRunner().invoke(
        _cli(), ["check", str(weeks["blanked"]), "--out", str(out), "--format", "markdown"], obj={}
    )
    assert r.exit_code in (0, 1)
    assert not (out / "quality-check.md").read_text().startswith("**quality check could not")
    bare = tmp_path / "bare"
    r = CliRunner().invoke(
        _cli(), ["check", str(tmp_path / "none.xlsx"), "--out", str(bare)], obj={}
    )
    assert r.exit_code == 2 and not (bare / "quality-check.md").exists()


# ---------------------------------------------------------------------------- 9: --lang


def _japanese(folder: Path) -> Path:
    header = ["案件名", "会社名", "ステージ", "金額", "受注予定日", "担当者", "最終更新日"]
    words = ["提案", "クロージング", "受注", "商談", "失注"]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "東日本_案件管理.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(30):
            w.writerow(
                [
                    f"クラウド勤怠 導入 {i + 1}",
                    "株式会社北辰商事",
                    words[i % 5],
                    str((i + 3) * 110000),
                    f"2026/{(i % 9) + 1:02d}/15",
                    "田中 誠",
                    f"2026/07/{(i % 27) + 1:02d}",
                ]
            )
    return folder


@pytest.mark.parametrize(
    ("source", "lang", "header"),
    [
        ("english", None, "metric"),
        ("japanese", None, "指標"),
        ("japanese", "en", "metric"),
        ("english", "ja", "指標"),
    ],
    ids=["default-english-sources", "default-japanese-sources", "en-given", "ja-given"],
)
def test_check_speaks_the_language_asked_else_the_sources(
    weeks, tmp_path: Path, source: str, lang: str | None, header: str
) -> None:
    folder = weeks["good"] if source == "english" else _japanese(tmp_path / "ja")
    out = tmp_path / "q"
    args = ["check", str(folder), "--out", str(out), "--format", "markdown", "--format", "junit"]
    r = CliRunner().invoke(_cli(), [*args, *(["--lang", lang] if lang else [])], obj={})
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[1].split()[0] == header
    md = (out / "quality-check.md").read_text(encoding="utf-8")
    ja = header == "指標"
    assert md.startswith("**品質チェック 合格" if ja else "**quality check passed")
    assert ("前回比" in md) == ja
    # the ids, file names and JSON keys are the same in both languages
    assert "`required.amount`" in md


def test_the_pooled_and_not_judged_lines_speak_the_language_too(weeks, tmp_path: Path) -> None:
    """A first run of a small Japanese tracker: its change thresholds are not judged (no
    earlier run) and the line says why in Japanese; quality-check.json keeps the English."""
    folder = _japanese(tmp_path / "ja")
    out = tmp_path / "q"
    args = ["check", str(folder), "--out", str(out), "--format", "json"]
    r = CliRunner().invoke(_cli(), args, obj={})
    assert r.exit_code == 0, r.stderr
    unjudged = [ln for ln in r.stdout.splitlines() if ln.rstrip().endswith("対象外")]
    assert unjudged and all("not judged" not in ln for ln in unjudged)
    assert any("比較する前回の実行なし" in ln for ln in unjudged)
    assert not any("no earlier run" in ln or "no --target" in ln for ln in r.stdout.splitlines())
    again = ["check", str(folder), "--out", str(tmp_path / "q2"), "--lang", "en"]
    english = CliRunner().invoke(_cli(), again, obj={})
    assert "no earlier run" in english.stdout
    # the table lines up on a terminal: every status cell (合格, 対象外 ...) ends at the same
    # column, counted as the terminal counts (a kanji takes two), however wide the file name
    table = [ln for ln in r.stdout.splitlines() if ln.rstrip().endswith(("合格", "対象外", "状態"))]
    assert len(table) > 3
    ends = {display_width(ln.rstrip()[: -len(ln.split()[-1])]) for ln in table}
    assert len(ends) == 1, table


# ---------------------------------------------------------------------- 10: minor points


def test_a_retried_week_says_same_inputs_and_a_new_week_does_not(weeks, tmp_path: Path) -> None:
    hist = tmp_path / "h.sqlite"
    run_check([str(weeks["good"])], history=hist)
    new = run_check([str(weeks["blanked"])], history=hist)
    assert "(same inputs)" not in render_text(new)
    again = run_check([str(weeks["blanked"])], history=hist)
    assert again.previous is not None and again.previous.seq == 1  # still the week before
    assert "compared with run 1" in render_text(again) and "(same inputs)" in render_text(again)


def test_json_inputs_are_in_one_order_whatever_the_order_of_files(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", _rows(12), name="b_team.csv") / "b_team.csv"
    b = _write(tmp_path / "b", _rows(14), name="a_team.csv") / "a_team.csv"
    one = to_json(run_check([str(a), str(b)], history=tmp_path / "1.sqlite"))
    two = to_json(run_check([str(b), str(a)], history=tmp_path / "2.sqlite"))
    assert one["inputs"] == two["inputs"]
    assert [i["file"] for i in one["inputs"]] == ["a_team.csv", "b_team.csv"]
