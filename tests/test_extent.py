"""A sheet's real extent (migrate/ingest/extent.py): stray cells far beyond the table are left
out before calamine allocates the box around them, each named by a finding; a sheet still too
large is refused with one line, and the other files are read."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from migrate.ingest import load_ingest_rules, read_sources
from migrate.ingest.extent import may_be_sparse
from migrate.ingest.files import SourceFile, detect_format
from migrate.ingest.readers import _scan_xlsx, read_grids

FIX = Path(__file__).parent / "fixtures"
STRAYS = FIX / "stray-far-cells.xlsx"


def _grids(path: Path, limits=None):
    _, default = load_ingest_rules(None)
    limits = limits or default
    return {
        g.sheet: g
        for g in read_grids(SourceFile(path, path.name, detect_format(path, limits), 0), limits)
    }


@pytest.mark.parametrize(
    "sheet, far",
    [
        pytest.param("角", [(1048576, 16383, "x")], id="x-in-XFD1048576"),
        pytest.param("最終行", [(1048576, 0, " ")], id="space-in-A1048576"),
        pytest.param("右端", [(1, 16383, "x")], id="x-in-XFD1"),
    ],
)
def test_a_stray_far_cell_is_left_out_and_the_table_read(sheet, far):
    grid = _grids(STRAYS)[sheet]
    assert grid.far_cells == far
    assert grid.cells.shape == (7, 7)  # the header and six deals, not the sheet's whole box
    assert (grid.first_row, grid.first_col) == (1, 0)
    assert grid.cells.iloc[1, 0] == "株式会社山田電気"


def test_a_second_block_far_below_is_no_stray():
    """25 rows after 2000 empty rows are too many cells to be strays: read whole (negative)."""
    grid = _grids(STRAYS)["離れた表"]
    assert grid.far_cells == []
    assert grid.cells.shape == (2032, 7)
    assert grid.cells.iloc[2031, 0] is not None


def test_each_stray_cell_gets_a_finding_naming_it():
    result = read_sources([str(STRAYS)])
    assert not result.problems
    far = [f for f in result.findings if f.rule == "ingest.far-cell-left-out"]
    assert sorted((f.sheet, f.row, f.column, f.original) for f in far) == [
        ("右端", 1, "XFD", "x"),
        ("最終行", 1048576, "A", " "),
        ("角", 1048576, "XFD", "x"),
    ]
    assert all("XFD1048576" in f.message for f in far if f.sheet == "角")
    deals = [t for t in result.tables if t.sheet == "角"][0]
    assert len(deals.data) == 6


def test_a_sheet_too_large_is_refused_and_the_other_files_are_read(tmp_path):
    shutil.copy(STRAYS, tmp_path / "far.xlsx")
    shutil.copy(FIX / "header-on-row-4.xlsx", tmp_path / "ok.xlsx")
    _, limits = load_ingest_rules(None)
    result = read_sources([str(tmp_path)], limits=replace(limits, max_sheet_cells=10_000))
    assert [(p.code, Path(p.path).name) for p in result.problems] == [
        ("ingest.too-large", "far.xlsx")
    ]
    assert "離れた表" in result.problems[0].problem
    assert [f.name for f in result.files] == ["ok.xlsx"]


@pytest.mark.parametrize(
    "fixture, sparse",
    [
        pytest.param("header-on-row-4.xlsx", {"案件一覧": False}, id="a-plain-table"),
        pytest.param(
            "stray-far-cells.xlsx",
            {"角": True, "最終行": True, "右端": True, "離れた表": True},
            id="far-cells",
        ),
    ],
)
def test_the_side_scan_says_which_sheets_to_look_at_cell_by_cell(fixture, sparse):
    _, limits = load_ingest_rules(None)
    scans, _ = _scan_xlsx(FIX / fixture, limits)
    assert {name: may_be_sparse(s, limits) for name, s in scans.items()} == sparse


def test_a_wrong_limit_in_the_rule_file_is_named(tmp_path):
    from migrate.errors import RuleFileError
    from migrate.ingest import parse_ingest_rules

    text = (FIX.parent.parent / "migrate/rules/ingest.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "ingest.yaml"
    bad.write_text(text.replace("far_gap_rows: 1000", "far_gap_rows: many"), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"limits\.far_gap_rows"):
        parse_ingest_rules(str(bad))
