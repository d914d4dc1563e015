"""An .xls's hidden rows from its BIFF8 ROW records (migrate/ingest/biff.py): calamine does not
say which rows are hidden, and an .xlsx's hidden rows already get ingest.hidden-row."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate.ingest import read_sources
from migrate.ingest.biff import xls_hidden_rows

FIX = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    "fixture, hidden",
    [
        pytest.param("hidden-rows.xls", {"案件": {4, 6}}, id="rows-4-and-6-hidden"),
        pytest.param("legacy.xls", {}, id="no-row-hidden"),
        pytest.param("truncated.xls", {}, id="damaged-gives-nothing"),
        pytest.param("header-on-row-4.xlsx", {}, id="not-an-ole-file"),
    ],
)
def test_the_row_records_say_which_rows_are_hidden(fixture, hidden):
    assert xls_hidden_rows((FIX / fixture).read_bytes()) == hidden


def test_a_hidden_row_of_an_xls_is_flagged_like_an_xlsx_one():
    result = read_sources([str(FIX / "hidden-rows.xls"), str(FIX / "hidden-sheet-and-rows.xlsx")])
    flagged = sorted(
        (t.file, f.row) for t in result.tables for f in t.findings if f.rule == "ingest.hidden-row"
    )
    assert flagged == [
        ("hidden-rows.xls", 4),
        ("hidden-rows.xls", 6),
        ("hidden-sheet-and-rows.xlsx", 4),
        ("hidden-sheet-and-rows.xlsx", 6),
    ]
    xls = [t for t in result.tables if t.file == "hidden-rows.xls"][0]
    assert len(xls.data) == 6  # hidden rows are still read as data
