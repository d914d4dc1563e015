"""The scripted three-week demo of the check (bench/check_demo.py, shown in the README) holds:
week 1 and 2 pass, week 3 (amounts no longer filled, new stage words) fails."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# three weekly runs of the check on generated trackers: `make test-slow` (CI runs it; README "Tests")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_three_weeks_improve_then_slip(tmp_path: Path, capsys) -> None:
    spec = importlib.util.spec_from_file_location("check_demo", ROOT / "bench" / "check_demo.py")
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    assert demo.main(["--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "exit codes: [0, 0, 1]" in printed
    week3 = printed.split("== week 3", 1)[1]
    assert "required.amount" in week3 and "fail" in week3
