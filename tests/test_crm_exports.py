"""Deal exports of CRMs and no-code tools (Close, Airtable, Copper, monday.com): their own
column names and stage words reach the right fields (user report u15)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from migrate import pipeline

# GX answers from the failing-row mask (tests/conftest.py): these tests are about the mapping
pytestmark = pytest.mark.usefixtures("gx_by_mask")


def _run(tmp_path: Path, name: str, text: str) -> pipeline.RunResult:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    return pipeline.run(
        [str(src)], target="salesforce", currency="USD", as_of=pd.Timestamp("2026-03-01").date()
    )


def test_the_name_of_a_copper_opportunities_export_is_the_deal_name(tmp_path):
    res = _run(
        tmp_path,
        "copper_opportunities.csv",
        "Name,Company,Primary Contact,Pipeline Stage,Status,Value,Close Date,Owner\n"
        "Mosaic Foods - POS,Mosaic Foods,Nina Park,Qualified,Open,18000,4/30/2026,tom@seller.io\n"
        "Orbit Media - Ads,Orbit Media,Paula Chen,Presentation,Open,9500,6/15/2026,ken@seller.io\n",
    )
    rec = res.records
    assert rec["deal_name"].tolist() == ["Mosaic Foods - POS", "Orbit Media - Ads"]
    assert rec["company_name"].tolist() == ["Mosaic Foods", "Orbit Media"]
    assert rec["contact_name"].tolist() == ["Nina Park", "Paula Chen"]


_CLOSE_HEAD = (
    "id,lead_id,lead_name,status_label,status_type,confidence,value,value_formatted,"
    "value_currency,value_period,date_won,user_name,user_email,contact_name,contact_email\n"
)


def test_a_close_export_takes_its_stage_from_status_label_and_its_company_from_lead_name(
    tmp_path,
):
    res = _run(
        tmp_path,
        "close_opportunities_export.csv",
        _CLOSE_HEAD
        + 'oppo_1,lead_1,Falcon Dynamics,Proposal Sent,active,50,1500000,"$15,000",USD,one_time,'
        "2026-04-30,Ken Adams,ken@seller.io,Ross Geller,ross@falcondyn.com\n"
        'oppo_2,lead_2,Kite Aerospace,Not Now,lost,0,800000,"$8,000",USD,one_time,'
        "2026-02-01,Ken Adams,ken@seller.io,Rachel G,rachel@kiteaero.com\n"
        'oppo_3,lead_3,Ion Systems,Won,won,100,5000000,"$50,000",USD,one_time,'
        "2026-02-27,Lisa Kudrow,lisa@seller.io,Joey T,joey@ionsys.com\n",
    )
    rec = res.records
    assert rec["company_name"].tolist() == ["Falcon Dynamics", "Kite Aerospace", "Ion Systems"]
    assert rec["contact_name"].tolist() == ["Ross Geller", "Rachel G", "Joey T"]
    # status_label is the stage; status_type (won/lost) decides a word no stage claims
    assert rec["stage"].tolist() == ["proposal", "lost", "won"]
    assert rec["close_date"].astype(str).tolist() == ["2026-04-30", "2026-02-01", "2026-02-27"]
    # value is in cents: value_formatted shows it /100 on every row
    assert rec["amount"].astype(float).tolist() == [15000.0, 8000.0, 50000.0]
    assert "ingest.amount-in-cents" in set(res.findings["rule"])
    # user_email, our user's login, is the owner (user_name, found by its values, yields)
    assert rec["owner"].tolist() == ["ken@seller.io", "ken@seller.io", "lisa@seller.io"]
    assert "export.owner-unmapped" not in set(res.findings["rule"])


def _matches(headers: list[str], fields: list[str | None]):
    from migrate.columns import ColumnMatch

    return [
        ColumnMatch(k, chr(65 + k), h, f, 1.0, "exact")
        for k, (h, f) in enumerate(zip(headers, fields))
    ]


@pytest.mark.parametrize(
    ("values", "shown", "unit"),
    [
        ([1500000, 99900, 0], ["$15,000", "$999", "$0"], 0.01),  # cents
        ([15000, 999, 0], ["$15,000", "$999", "$0"], 1.0),  # the same amounts
        ([1500000, 999], ["$15,000", "$999"], 1.0),  # mixed: the columns disagree, left alone
        ([1500000], ["$15,000"], 1.0),  # one row is no evidence
        ([1500000, 2400000], ["", None], 1.0),  # nothing shown
    ],
)
def test_an_amount_is_read_in_cents_only_beside_a_formatted_copy_100_times_smaller(
    values, shown, unit
):
    from migrate.ingest.layout.units import apply_cents
    from migrate.schema import load_schema

    body = pd.DataFrame({0: values, 1: shown})
    out, found = apply_cents(
        body, _matches(["value", "value_formatted"], ["amount", None]), load_schema(), "f.csv", ""
    )
    assert out[0].unit == unit
    assert len(found) == (unit != 1.0)


def test_a_formatted_column_of_another_header_says_nothing_of_cents():
    from migrate.ingest.layout.units import apply_cents
    from migrate.schema import load_schema

    body = pd.DataFrame({0: [1500000, 2400000], 1: ["$15,000", "$24,000"]})
    out, _ = apply_cents(
        body, _matches(["Amount", "Budget note"], ["amount", None]), load_schema(), "f", ""
    )
    assert out[0].unit == 1.0


_MONDAY_HEAD = ["Name", "Person", "Status", "Deal Value", "Contact", "Company", "Last updated"]
# monday's Timeline column (a date range), per item
_TIMELINE = {
    "Vertex Pharma CRM": "2026-03-01 - 2026-05-31",
    "Orca Marine IoT": "Apr 1 - Jun 30",
    "Lotus Hotels PMS": "2026-01-05 - 2026-02-28",
    "Kappa Retail POS": "2026-01-05 - 2026-01-30",
    "Quasar Bank KYC": "2026-01-10 - 2026-02-20",
}


def _monday_board(path: Path) -> None:
    """A monday.com board export: title rows, then each group's title alone on a row, the
    header again and the group's items."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sales Pipeline"
    rows: list[list[object]] = [
        ["Sales Pipeline"],
        [],
        ["Active Deals"],
        _MONDAY_HEAD,
        [
            "Vertex Pharma CRM",
            "Ana Ruiz",
            "Working on it",
            28000,
            "Leo Grant",
            "Vertex AG",
            "2026-03-20",
        ],
        ["Orca Marine IoT", "Ben Ode", "Stuck", 17000, "Max Berg", "Orca Marine AS", "2026-03-10"],
        [],
        ["Closed Won"],
        _MONDAY_HEAD,
        ["Lotus Hotels PMS", "Ben Ode", "Done", 41000, "Sita Rao", "Lotus Hotels", "2026-03-01"],
        ["Kappa Retail POS", "Ana Ruiz", "Done", 12000, "Ida Moe", "Kappa Retail", "2026-02-01"],
        [],
        ["Closed Lost"],
        _MONDAY_HEAD,
        ["Quasar Bank KYC", "Ana Ruiz", None, 90000, "Tom Hale", "Quasar Bank", "2026-02-21"],
    ]
    for row in rows:
        if row == _MONDAY_HEAD:
            row = [*row, "Timeline"]
        elif row and row[0] in _TIMELINE:
            row = [*row, _TIMELINE[str(row[0])]]
        ws.append(row)
    wb.save(path)


def test_a_monday_board_keeps_its_groups_as_stage_evidence_and_its_people_as_owners(tmp_path):
    src = tmp_path / "monday_Sales_Pipeline_1742460000.xlsx"
    _monday_board(src)
    res = pipeline.run(
        [str(src)], target="salesforce", currency="USD", as_of=pd.Timestamp("2026-03-25").date()
    )
    rec = res.records.set_index("_source_row")
    assert sorted(rec.index) == [5, 6, 10, 11, 15]  # the group titles are no deals
    assert rec["deal_name"][10] == "Lotus Hotels PMS"
    assert rec["owner"].tolist() == ["Ana Ruiz", "Ben Ode", "Ben Ode", "Ana Ruiz", "Ana Ruiz"]
    assert rec["contact_name"][5] == "Leo Grant"
    # Done under Closed Won is won, a blank status under Closed Lost lost; Working on it and
    # Stuck are open with no stage of their own
    assert rec["stage"].to_dict() == {5: "", 6: "", 10: "won", 11: "won", 15: "lost"}
    # Timeline, a date range: its end is the close date
    assert rec["close_date"].astype(str).to_dict() == {
        5: "2026-05-31",
        6: "2026-06-30",
        10: "2026-02-28",
        11: "2026-01-30",
        15: "2026-02-20",
    }
    skipped = res.crosswalk[res.crosswalk["reason"] == "row.group-heading"]
    assert sorted(skipped["source_row"].astype(int)) == [8, 13]
    assert "ingest.group-headings" in set(res.findings["rule"])


@pytest.mark.parametrize(
    ("classes", "cells", "expect"),
    [
        # a heading followed by the header again: skipped, and the rows below take it
        (
            ["data", "blank", "note", "repeated-header", "data"],
            [["a", 1], [None, None], ["Closed Won", None], ["Name", "Value"], ["b", 2]],
            (
                ["data", "blank", "group-heading", "repeated-header", "data"],
                ["Top", "Top", "Closed Won", "Closed Won", "Closed Won"],
            ),
        ),
        # a lone text with no header after it is no heading
        (
            ["data", "note", "data"],
            [["a", 1], ["Closed Won", None], ["b", 2]],
            (["data", "note", "data"], None),
        ),
        # a note before a pasted block (a note mark, a sentence) is no heading
        (
            ["data", "note", "repeated-header", "data"],
            [["a", 1], ["※ 以下、鈴木さんの表から貼り付け。", None], ["Name", "Value"], ["b", 2]],
            (["data", "note", "repeated-header", "data"], None),
        ),
        # a row of two cells before the header again is no heading
        (
            ["data", "data", "repeated-header", "data"],
            [["a", 1], ["c", 3], ["Name", "Value"], ["b", 2]],
            (["data", "data", "repeated-header", "data"], None),
        ),
    ],
)
def test_group_headings(classes, cells, expect):
    from migrate.ingest.layout.groups import group_headings

    assert group_headings(pd.DataFrame(cells), classes, "Top") == expect


@pytest.mark.parametrize(
    ("name", "deals"),
    [
        ("airtable_Deals-Grid view", True),
        ("monday_Sales_Pipeline_1742460000", True),
        ("copper_opportunities", True),
        ("案件一覧", True),
        ("contacts_export", False),
        ("Dealers list", False),  # a whole word only: Dealers is no deal
        ("Ideals", False),
    ],
)
def test_names_deals(name, deals):
    from migrate.schema import load_schema, names_deals

    assert names_deals(name, load_schema()) is deals


_NO_CONTACT = (
    "Name,Status,Company,Deal Value\n"
    'Acme Robotics - Fleet renewal,Negotiation,Acme Robotics Inc.,"$48,000.00"\n'
    'Globex pilot,Discovery,Globex Corporation,"$12,500.00"\n'
)


@pytest.mark.parametrize(
    ("file", "field"),
    [("airtable_Deals-Grid view.csv", "deal_name"), ("people.csv", "contact_name")],
)
def test_name_beside_a_company_is_the_deal_name_in_a_file_named_for_deals(tmp_path, file, field):
    res = _run(tmp_path, file, _NO_CONTACT)
    assert res.records[field].tolist() == ["Acme Robotics - Fleet renewal", "Globex pilot"]
