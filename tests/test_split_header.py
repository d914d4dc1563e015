"""A header written on two rows (会社名 on the upper row alone, 計画 | 実績 over 金額 and 受注日)
and one field named twice under a plan and an actual word: the fields' row is the header, the
actual column is the field and its blanks come from the plan column (ingest.column-fallback)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from migrate import pipeline
from migrate.ingest import read_sources

ROWS = [
    (
        "株式会社山田製作所",
        "生産管理導入",
        "佐藤",
        "受注",
        3000000,
        "2026/04/30",
        2800000,
        "2026/05/10",
    ),
    ("鈴木工業株式会社", "RPA導入", "田中", "提案", 1500000, "2026/07/31", None, None),
    ("ABC Trading Inc.", "CRM", "Smith", "失注", 800000, "2026/03/31", None, None),
]


def _plan_actual(path: Path, *, merge: bool) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案件一覧"
    ws.append(["会社名", "案件名", "担当者", "ステージ", "計画", None, "実績", None])
    ws.append([None, None, None, None, "金額", "受注予定日", "金額", "受注日"])
    if merge:  # the groups merged across, the single names merged down over both rows
        ws.merge_cells("E1:F1")
        ws.merge_cells("G1:H1")
        for col in "ABCD":
            ws.merge_cells(f"{col}1:{col}2")
    for row in ROWS:
        ws.append(row)
    wb.save(path)
    return path


def _field(table, field: str) -> list:
    column = next(m for m in table.columns if m.field == field)
    return table.data[column.index].tolist()


@pytest.mark.parametrize("merge", [True, False])
def test_a_header_on_two_rows_reads_every_column_and_the_actual_over_the_plan(tmp_path, merge):
    table = read_sources([str(_plan_actual(tmp_path / "a.xlsx", merge=merge))]).tables[0]
    assert table.header_rows == [1, 2]
    assert len(table.data) == 3 and not table.skipped
    assert {m.field for m in table.columns} >= {"company_name", "deal_name", "stage", "amount"}
    assert [int(v) for v in _field(table, "amount")] == [2800000, 1500000, 800000]
    assert [str(v)[:10].replace("/", "-") for v in _field(table, "close_date")] == [
        "2026-05-10",
        "2026-07-31",
        "2026-03-31",
    ]
    plan = next(m for m in table.columns if m.header == "計画 / 金額")
    assert plan.field is None  # kept beside the record as an extra column, values untouched
    assert [int(v) for v in table.data[plan.index]] == [3000000, 1500000, 800000]
    said = [f for f in table.findings if f.rule == "ingest.column-fallback"]
    assert [f.field for f in said] == ["amount", "close_date"]
    assert said[0].message.startswith("amount is named twice: '実績 / 金額' (column G)")
    assert "(2 of 3 rows)" in said[0].message


def test_the_run_exports_the_actual_and_every_row(tmp_path):
    res = pipeline.run([str(_plan_actual(tmp_path / "a.xlsx", merge=True))], target="salesforce")
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert opp.loc["生産管理導入", ["Amount", "CloseDate"]].tolist() == ["2800000", "2026-05-10"]
    assert opp.loc["RPA導入", ["Amount", "CloseDate"]].tolist() == ["1500000", "2026-07-31"]
    assert len(opp) == 3
    assert set(res.crosswalk["status"]) == {"exported"}


def test_one_header_row_naming_forecast_and_actual(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deals"
    ws.append(["Company", "Deal", "Stage", "Amount (Forecast)", "Amount (Actual)"])
    ws.append(["Acme Inc.", "CRM", "Closed Won", 5000, 4800])
    ws.append(["Beta LLC", "ERP", "Proposal", 7000, None])
    wb.save(tmp_path / "d.xlsx")
    table = read_sources([str(tmp_path / "d.xlsx")]).tables[0]
    assert [int(v) for v in _field(table, "amount")] == [4800, 7000]
    [amount] = [m for m in table.columns if m.field == "amount"]
    assert amount.header == "Amount (Actual)"


@pytest.mark.parametrize(
    "headers",
    [
        ("Amount (Actual)", "Amount (Actual, USD)"),  # two actuals: no pair
    ],
)
def test_a_field_named_twice_without_a_plan_and_an_actual_keeps_its_first_column(tmp_path, headers):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["会社名", "案件名", *headers])
    ws.append(["株式会社A", "X", 100, 200])
    ws.append(["株式会社B", "Y", None, 300])
    wb.save(tmp_path / "d.xlsx")
    table = read_sources([str(tmp_path / "d.xlsx")]).tables[0]
    assert [m.header for m in table.columns if m.field == "amount"] == [headers[0]]
    assert not [f for f in table.findings if f.rule == "ingest.column-fallback"]


def test_a_group_row_over_every_field_stays_a_group_row(tmp_path):
    """Customer | Deal over a full row of fields: no column is named on the upper row alone."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["顧客", None, "案件", None])
    ws.append(["会社名", "担当者", "案件名", "金額"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:D1")
    ws.append(["株式会社A", "佐藤", "X", 100])
    wb.save(tmp_path / "g.xlsx")
    table = read_sources([str(tmp_path / "g.xlsx")]).tables[0]
    assert table.header_rows == [1, 2]
    assert [m.field for m in table.columns] == [
        "company_name",
        "contact_name",
        "deal_name",
        "amount",
    ]


def _unit_sheet(path: Path, below: list) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["会社名", "案件名", "ステージ", "見込金額", "確度", "受注予定日"])
    ws.append(below)
    ws.append(["株式会社山田製作所", "生産管理導入", "受注", 3000, 100, "2026/04/30"])
    ws.append(["鈴木工業株式会社", "RPA導入", "提案", 1500, 50, "2026/07/31"])
    wb.save(path)
    return path


def test_a_row_of_units_under_the_header_sets_the_units_and_is_no_record(tmp_path):
    below = [None, None, None, "（千円）", "（%）", "(yyyy/mm/dd)"]
    res = pipeline.run([str(_unit_sheet(tmp_path / "u.xlsx", below))], target="salesforce")
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert opp["Amount"].tolist() == ["3000000", "1500000"]  # 千円: thousands of yen
    assert opp["Probability"].tolist() == ["100", "50"]
    assert res.crosswalk["source_row"].tolist() == [3, 4]  # row 2 is part of the header
    assert set(res.crosswalk["status"]) == {"exported"}


def test_a_first_record_that_holds_a_unit_word_is_still_a_record(tmp_path):
    below = ["株式会社A", "X", "提案", "千円", None, None]  # a name: not a row of units
    table = read_sources([str(_unit_sheet(tmp_path / "u.xlsx", below))]).tables[0]
    assert table.header_rows == [1]
    assert len(table.data) == 3


@pytest.mark.parametrize(
    ("headers", "first"),
    [
        (("見込金額", "受注金額"), "受注金額"),  # no actual word: the column naming neither word
        (("受注予定日", "受注日"), "受注日"),
        (("Close Qtr", "Close Date"), "Close Date"),  # the date where it is written
        # u20: 導入時期 (when it goes live) stands in for the deal's own 受注予定日, not over it
        (("導入時期", "受注予定日"), "受注予定日"),
    ],
)
def test_the_plain_or_actual_column_is_read_and_the_plan_fills_its_blanks(tmp_path, headers, first):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["会社名", "案件名", *headers])
    values = (
        ("2026-12-31", "2026-11-20")
        if "Qtr" in headers[0] or "日" in headers[0] or "時期" in headers[0]
        else (200, 100)
    )
    ws.append(["株式会社A", "X", values[0], values[1]])
    ws.append(["株式会社B", "Y", values[0], None])
    wb.save(tmp_path / "d.xlsx")
    table = read_sources([str(tmp_path / "d.xlsx")]).tables[0]
    [held] = [m for m in table.columns if m.field in ("amount", "close_date")]
    assert held.header == first
    assert [str(v)[:10] for v in table.data[held.index]] == [str(values[1]), str(values[0])]
    assert [f.rule for f in table.findings].count("ingest.column-fallback") == 1


def test_three_columns_of_one_field_leave_one_read(tmp_path):
    """金額 beside 実績 / 金額 and 計画 / 金額 (one row, the groups in the headers): the actual is
    read, then the plain column, then the plan; no second column is read as the amount."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["会社名", "案件名", "金額", "金額（計画）", "金額（実績）"])
    ws.append(["株式会社A", "X", 150, 100, 120])
    ws.append(["株式会社B", "Y", 250, 200, None])
    ws.append(["株式会社C", "Z", None, 300, None])
    wb.save(tmp_path / "t.xlsx")
    table = read_sources([str(tmp_path / "t.xlsx")]).tables[0]
    [amount] = [m for m in table.columns if m.field == "amount"]
    assert amount.header == "金額（実績）"
    assert [int(v) for v in table.data[amount.index]] == [120, 250, 300]
