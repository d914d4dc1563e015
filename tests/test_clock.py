"""Stage times and progress (issue 14): in the summary always, in report.json only on request."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import migrate.cli
from migrate import pipeline
from migrate.clock import StageClock

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

STAGES = ["read", "normalise", "stages", "duplicates", "export", "report"]


def test_the_clock_adds_up_a_stage_entered_twice_and_tells_the_listener():
    heard = []
    clock = StageClock(lambda stage, s: heard.append((stage, s is None)))
    with clock.stage("a"):
        pass
    with clock.stage("b"):
        pass
    with clock.stage("a"):
        pass
    assert list(clock.times) == ["a", "b"]
    assert heard == [("a", True), ("a", False), ("b", True), ("b", False)] + [
        ("a", True),
        ("a", False),
    ]
    assert sum(clock.shares().values()) == pytest.approx(1.0, abs=0.01)
    assert clock.to_json()["total_seconds"] == pytest.approx(clock.total(), abs=0.001)


def test_the_clock_keeps_cpu_seconds_and_the_peak_memory_after_each_stage(monkeypatch):
    import migrate.clock as clock_module

    peaks = iter([0.25, 0.5, 0.5, 1.75])  # before and after each stage
    monkeypatch.setattr(clock_module, "peak_memory_gb", lambda: next(peaks))
    clock = StageClock()
    with clock.stage("small"):
        pass
    with clock.stage("big"):
        sum(i * i for i in range(200_000))  # some CPU
    assert clock.cpu["big"] > 0
    assert clock.rises == {"small": 0.25, "big": 1.25}
    assert clock.to_json()["peak_gb"] == 1.75
    assert clock.to_json()["peak_rise_gb"] == {"small": 0.25, "big": 1.25}
    assert set(clock.to_json()["cpu_seconds"]) == {"small", "big"}


def test_the_peak_memory_is_the_process_high_water_mark():
    from migrate.clock import peak_memory_gb

    before = peak_memory_gb()
    if before is None:
        pytest.skip("the OS does not report a peak")
    block = bytearray(64 * 1024**2)
    block[::4096] = b"x" * len(block[::4096])  # touched, so resident
    after = peak_memory_gb()
    assert after is not None and 0.01 < before <= after < 1024


def test_a_failing_stage_is_still_timed():
    clock = StageClock()
    with pytest.raises(RuntimeError), clock.stage("x"):
        raise RuntimeError("boom")
    assert "x" in clock.times


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    src = tmp_path / "t.csv"
    rows = [{"Company": f"Acme {i} Inc.", "Deal": f"D{i}", "Amount": 100 * i} for i in range(5)]
    pd.DataFrame(rows).to_csv(src, index=False)
    return src


def test_timings_reach_report_json_only_when_asked(tracker: Path, tmp_path: Path):
    plain = pipeline.run([str(tracker)], out=tmp_path / "a", target="generic")
    assert list(plain.timings) == [*STAGES, "write"]
    assert "timings" not in json.loads((tmp_path / "a" / "report.json").read_text("utf-8"))
    timed = pipeline.run([str(tracker)], out=tmp_path / "b", target="generic", timings=True)
    written = json.loads((tmp_path / "b" / "report.json").read_text("utf-8"))["timings"]
    assert list(written["seconds"]) == STAGES  # written before the write stage ends
    assert set(written["shares"]) == set(STAGES)
    assert set(written["cpu_seconds"]) == set(STAGES)
    assert timed.timings["read"] >= 0


@pytest.mark.slow
def test_the_cli_shows_stage_lines_on_a_terminal_and_not_with_quiet(
    tracker: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(migrate.cli, "_on_terminal", lambda: True)
    runner = CliRunner()
    shown = runner.invoke(
        migrate.cli.cli, ["run", str(tracker), "--out", str(tmp_path / "a")], obj={}
    )
    assert shown.exit_code in (0, 1), shown.output
    assert "  normalise: " in shown.stderr and "stage times: read " in shown.stderr
    quiet = runner.invoke(
        migrate.cli.cli, ["run", str(tracker), "--out", str(tmp_path / "b"), "--quiet"], obj={}
    )
    assert "  normalise: " not in quiet.stderr
    assert "stage times: read " in quiet.stderr  # the summary keeps them


def test_a_step_reaches_the_listener_of_the_running_stage_only():
    from migrate.clock import step

    heard = []

    class Listener:
        def __call__(self, stage, seconds):
            heard.append((stage, seconds is None))

        def step(self, detail):
            heard.append(("step", detail))

    clock = StageClock(Listener())
    step("before any stage")  # no clock runs: nothing to tell
    with clock.stage("read"):
        step("east.csv (1 of 2)")
    step("after the stage")
    assert heard == [("read", True), ("step", "east.csv (1 of 2)"), ("read", False)]
    plain = StageClock(lambda stage, s: heard.append((stage, s is None)))
    with plain.stage("write"):
        step("quality.xlsx")  # a listener without step(): ignored
    assert heard[-2:] == [("write", True), ("write", False)]


def test_the_terminal_progress_redraws_the_running_stage_with_its_step_and_seconds(
    monkeypatch,
):
    import io
    import time

    from migrate.cli import _Progress
    from migrate.terminal_width import display_width as _columns

    monkeypatch.setattr(_Progress, "TICK", 0.01)
    screen = io.StringIO()
    progress = _Progress(screen)
    progress("read", None)
    progress.step("東日本_案件管理.xlsx (2 of 5)")
    time.sleep(0.1)  # several ticks
    progress("read", 0.123)
    assert progress.ticker is not None and not progress.ticker.is_alive()
    shown = screen.getvalue()
    assert shown.count("\r  read: 東日本_案件管理.xlsx (2 of 5) ... 0 s") >= 2  # redrawn
    # the end line blanks what the longer running line left on screen
    running = _columns("  read: 東日本_案件管理.xlsx (2 of 5) ... 0 s")
    assert shown.endswith("\r  read: 0.1 s" + " " * (running - len("  read: 0.1 s")) + "\n")
    progress.step("late")  # between stages: nothing drawn
    assert screen.getvalue() == shown


def test_a_progress_line_is_cut_to_the_terminal_in_columns_not_characters():
    from migrate.terminal_width import display_width as _columns
    from migrate.terminal_width import fit as _fit

    assert _columns("東日本 a") == 8  # three wide, a space and a letter
    cut = _fit("東日本営業部_案件管理_2026年度.xlsx", 12)
    assert cut.endswith("…") and _columns(cut) <= 12
    assert _fit("short", 12) == "short"


def test_a_stage_that_raises_is_told_as_stopped_not_as_done():
    heard = []

    class Listener:
        def __call__(self, stage, seconds):
            heard.append((stage, "started" if seconds is None else "done"))

        def stopped(self, stage, seconds):
            heard.append((stage, "stopped"))

    clock = StageClock(Listener())
    with clock.stage("read"):
        pass
    with pytest.raises(KeyboardInterrupt), clock.stage("duplicates"):
        raise KeyboardInterrupt
    assert heard == [
        ("read", "started"),
        ("read", "done"),
        ("duplicates", "started"),
        ("duplicates", "stopped"),
    ]
    assert "duplicates" in clock.times


def test_ctrl_c_exits_130_and_says_the_output_folder_is_as_it_was(
    tracker: Path, tmp_path: Path, monkeypatch
):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run", interrupted)
    out = tmp_path / "out"
    got = CliRunner().invoke(migrate.cli.cli, ["run", str(tracker), "--out", str(out)], obj={})
    assert got.exit_code == 130  # not click's "Aborted!" with 1, which means "ran, see findings"
    assert "interrupted: the run stopped before its end" in got.stderr
    assert f"so {out} holds what it held before" in got.stderr
    assert "Traceback" not in got.stderr and "Aborted!" not in got.stderr
