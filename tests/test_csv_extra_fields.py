"""CSV rows with more fields than the header (migrate.ingest.readers.realign_split_numbers): a
number typed with thousands commas and saved without quotes (1,000,000 -> 1 | 000 | 000) is
rejoined with a finding; a row nothing explains is rejected rather than read into the wrong
columns, unless so many rows are longer that the header is short of names."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate import pipeline
from migrate.ingest import read_sources
from migrate.ingest.readers import NumberSplit, realign_split_numbers

FIX = Path(__file__).parent / "fixtures"
HEADER = ["Deal", "Company", "Stage", "Amount", "Close date"]


@pytest.mark.parametrize(
    "row, expected",
    [
        pytest.param(
            ["RG-1", "Acme", "Proposal", "1", "000", "000", "2027-03-10"],
            ["RG-1", "Acme", "Proposal", "1,000,000", "2027-03-10"],
            id="million",
        ),
        pytest.param(
            ["RG-1", "Acme", "Proposal", "800", "000", "2027-03-10"],
            ["RG-1", "Acme", "Proposal", "800,000", "2027-03-10"],
            id="thousands",
        ),
        pytest.param(
            ["RG-1", "Acme", "Proposal", "¥1", "200", "000円", "2027-03-10"],
            ["RG-1", "Acme", "Proposal", "¥1,200,000円", "2027-03-10"],
            id="yen-mark-and-unit",
        ),
        pytest.param(
            ["RG-1", "Acme", "Proposal", "12", "345.50", "2027-03-10"],
            ["RG-1", "Acme", "Proposal", "12,345.50", "2027-03-10"],
            id="decimals",
        ),
        pytest.param(
            ["RG-1", "Acme", "Proposal", "1", "000", "000", "2027-03-10", "", ""],
            ["RG-1", "Acme", "Proposal", "1,000,000", "2027-03-10", "", ""],
            id="trailing-empty-fields",
        ),
    ],
)
def test_a_number_split_at_its_thousands_commas_is_rejoined(row, expected):
    rows, rejoined, extra, width = realign_split_numbers([HEADER, row], NumberSplit())
    assert rows[1] == expected
    assert [i for i, _, _ in rejoined] == [1]
    assert extra == []
    assert width == 5


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(
            ["RG-1", "Acme, Ltd", "x", "Proposal", "1000000", "2027-03-10"], id="comma-in-text"
        ),
        pytest.param(
            ["RG-1", "Acme", "Proposal", "1", "000", "000", "2027-03-10", "x"],
            id="one-field-more-than-the-split-explains",
        ),
        pytest.param(
            ["RG-1", "Acme", "Proposal", "1", "0000", "2027-03-10"], id="not-a-group-of-three"
        ),
        pytest.param(["RG-1", "5", "100", "1", "000", "2027-03-10"], id="two-runs-for-one-extra"),
    ],
)
def test_extra_fields_nothing_explains_are_not_rejoined(row):
    rows, rejoined, extra, _ = realign_split_numbers([HEADER, row], NumberSplit())
    assert rows[1] == row
    assert rejoined == []
    assert extra == [(1, len(row))]


def test_a_row_as_wide_as_the_header_is_untouched():
    """3-digit neighbours in a row of the header's width stay apart (qty 5, price 100)."""
    row = ["RG-1", "Acme", "5", "100", "2027-03-10"]
    rows, rejoined, extra, _ = realign_split_numbers([HEADER, row], NumberSplit())
    assert rows[1] == row and rejoined == [] and extra == []


def test_the_fixture_gets_one_rejoin_finding_and_one_reject_per_unexplained_row():
    result = read_sources([str(FIX / "unquoted-thousands.csv")])
    rejoined = [f for f in result.findings if f.rule == "ingest.csv-number-rejoined"]
    assert len(rejoined) == 1
    assert "(lines 2, 3, 4, 6)" in rejoined[0].message
    assert rejoined[0].original == "1 | 200 | 000"
    extra = [f for f in result.findings if f.rule == "ingest.csv-extra-fields"]
    assert [(f.row, f.action, f.severity) for f in extra] == [(5, "rejected", "error")]
    (table,) = result.tables
    amounts = table.data[[m.index for m in table.columns if m.field == "amount"][0]]
    assert amounts[2] == "1,200,000" and amounts[6] == "12,345,678"


def test_a_short_header_reads_the_longer_rows_with_a_warning(tmp_path):
    """Most rows longer than the header: the header lacks names, no row is rejected."""
    path = tmp_path / "short-header.csv"
    path.write_text(
        "会社名,案件名\nA社,案件1,提案,100\nB社,案件2,受注,200\nC社,案件3,失注,300\n",
        encoding="utf-8",
    )
    result = read_sources([str(path)])
    extra = [f for f in result.findings if f.rule == "ingest.csv-extra-fields"]
    assert [(f.severity, f.action) for f in extra] == [("warning", "kept")]
    assert "3 rows have more fields than the header's 2" in extra[0].message


def test_the_unexplained_row_is_rejected_with_its_reason(tmp_path):
    res = pipeline.run(
        [str(FIX / "unquoted-thousands.csv")], out=tmp_path / "o", target="salesforce"
    )
    rejects = res.export.rejects
    row = rejects[rejects["rule"] == "ingest.csv-extra-fields"]
    assert len(row) == 1
    assert "line 5 has 6 fields, 1 more than the header's 5" in row.iloc[0]["reason"]
    opp = res.export.files["Opportunity.csv"]
    assert sorted(opp["Amount"]) == sorted(["1200000", "3500000", "800000", "12345678", "960000"])
