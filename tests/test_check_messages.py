"""sfa-migrate check: what the weekly check says, and to whom (u24 items 6-10).

A filled but unknown stage word is not an empty stage; a breach says what to fix (the unknown
words and their rows, the rejected rows' worst file and reasons, the threshold's note); a
check that could not run leaves no earlier report looking current; ``--lang``; the minor
wording points. Weekly files are small CSVs written here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from migrate.check import run_check

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
