"""Cells showing an Excel error (#N/A, #REF!, #NAME?, #VALUE!, #DIV/0!): calamine gives them no
value, so the .xlsx side-scan notes them; one finding per column counts them with an example
cell, and a reject for a required field left empty by one names the error, not an empty cell."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from migrate import pipeline
from migrate.ingest import load_ingest_rules, read_sources
from migrate.ingest.files import SourceFile, detect_format
from migrate.ingest.readers import read_grids

FIX = Path(__file__).parent / "fixtures"
ERRORS = FIX / "excel-error-cells.xlsx"


def test_the_side_scan_notes_each_error_cell():
    _, limits = load_ingest_rules(None)
    (grid,) = read_grids(SourceFile(ERRORS, ERRORS.name, detect_format(ERRORS, limits), 0), limits)
    assert grid.errors == {
        (3, 1): "#N/A",
        (5, 1): "#N/A",
        (4, 5): "#NAME?",
        (6, 4): "#REF!",
        (7, 4): "#DIV/0!",
    }
    assert grid.cells.iloc[3, 5] is None  # still read as empty


def test_one_finding_per_column_counts_the_errors():
    result = read_sources([str(ERRORS)])
    found = [f for t in result.tables for f in t.findings if f.rule == "ingest.excel-error"]
    assert sorted((f.field, f.row, f.original) for f in found) == [
        ("amount", 6, "#REF!"),
        ("contact_name", 3, "#N/A"),
        ("stage", 4, "#NAME?"),
    ]
    by_field = {f.field: f.message for f in found}
    assert by_field["contact_name"].startswith("2 cells show an Excel error")
    assert (
        "#REF! x1, #DIV/0! x1" in by_field["amount"] or "#DIV/0! x1, #REF! x1" in by_field["amount"]
    )
    assert "e.g. F4 #NAME?" in by_field["stage"]
    assert all("Repair the formula" in f.message for f in found)


@pytest.mark.parametrize(
    "fixture",
    [
        pytest.param("formula-no-cache.xlsx", id="formulas-without-a-value"),
        pytest.param("subtotal-rows.xlsx", id="formulas-with-values"),
    ],
)
def test_no_error_finding_without_error_cells(fixture):
    result = read_sources([str(FIX / fixture)])
    assert not [f for t in result.tables for f in t.findings if f.rule == "ingest.excel-error"]


@pytest.fixture(scope="module")
def rejects(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("errors")
    res = pipeline.run([str(ERRORS)], out=out / "o", target="salesforce")
    return res.export.rejects


def test_a_reject_names_the_error_not_an_empty_cell(rejects):
    stage = rejects[rejects["column"] == "StageName"].iloc[0]
    assert stage["reason"] == (
        "StageName is required but its source cell F4 shows the Excel error #NAME? "
        "(a broken formula), read as empty"
    )
    assert stage["fix"].startswith("repair the formula in F4")
    assert stage["value"] == "#NAME?"


def test_a_reject_of_a_field_filled_from_the_errors_column_names_it_too(rejects):
    """LastName is filled from contact_name (担当者名): its #N/A is named."""
    last = rejects[rejects["column"] == "LastName"]
    assert sorted(last["value"]) == ["#N/A", "#N/A"]
    assert all("shows the Excel error #N/A" in r for r in last["reason"])


def test_an_empty_required_cell_without_an_error_keeps_its_reason():
    from migrate.export.build import _excel_error_reasons
    from migrate.export.profile import load_target

    target = load_target("salesforce")
    rejects = pd.DataFrame(
        [
            {
                "file": "Opportunity.csv",
                "rule": "validate.required-missing",
                "column": "StageName",
                "value": "",
                "reason": "StageName is required but empty",
                "fix": "fill it",
                "source_rows": "a.xlsx|Deals|5",
            }
        ]
    )
    errors = {("a.xlsx|Deals|6", "stage"): ("F6", "#NAME?")}  # another row's error
    out = _excel_error_reasons(rejects, target, errors)
    assert out.iloc[0]["reason"] == "StageName is required but empty"
