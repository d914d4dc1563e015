"""A run says, right after reading, when its rows are likely to need more memory than the
machine has: on Linux a run out of memory is killed without a word, after many minutes."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from migrate import pipeline, resources
from migrate.resources import estimated_peak_gb, memory_warning

pytestmark = pytest.mark.usefixtures("gx_by_mask")


def test_the_estimate_follows_the_measured_peaks():
    # bench/scale.py on one machine: 100k rows 1.44 GB, 200k 2.06 GB, 1M (5 CSVs) 7.87 GB
    assert estimated_peak_gb(100_000) == pytest.approx(1.44, abs=0.05)
    assert estimated_peak_gb(200_000) == pytest.approx(2.06, rel=0.1)
    assert estimated_peak_gb(1_000_000) == pytest.approx(7.87, abs=0.05)


def test_a_warning_only_when_the_rows_outgrow_the_free_memory(monkeypatch):
    line = memory_warning(1_000_000, available=4.0)
    assert line is not None
    assert line.startswith("warning: 1,000,000 data rows: a run of this size needs about 8 GB")
    assert "this machine has 4 GB free" in line and "smaller groups" in line
    assert memory_warning(10_000, available=4.0) is None
    monkeypatch.setattr(resources, "available_memory_gb", lambda: None)  # the system does not say
    assert memory_warning(50_000_000) is None


def test_the_free_memory_counts_what_the_process_already_holds():
    free = resources.available_memory_gb()
    if free is None:
        pytest.skip("no /proc/meminfo here")
    held = resources._resident_gb()
    assert held is not None and 0 < held <= free


def test_the_run_warns_after_reading(tmp_path: Path, monkeypatch, caplog):
    src = tmp_path / "t.csv"
    pd.DataFrame({"Company": ["Acme Inc.", "Beta KK"], "Deal": ["D1", "D2"]}).to_csv(
        src, index=False
    )
    monkeypatch.setattr(resources, "available_memory_gb", lambda: 0.01)
    with caplog.at_level(logging.WARNING, logger="sfa_migrate"):
        pipeline.run([str(src)], out=None, target=None)
    assert [r.getMessage()[:34] for r in caplog.records] == ["warning: 2 data rows: a run of thi"]
    caplog.clear()
    monkeypatch.setattr(resources, "available_memory_gb", lambda: 64.0)
    with caplog.at_level(logging.WARNING, logger="sfa_migrate"):
        pipeline.run([str(src)], out=None, target=None)
    assert not caplog.records
