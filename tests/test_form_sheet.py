"""A sheet that is one record written as a form (案件カード: a label beside each value, down the
sheet) is read as one record on the row of its first label, every other row accounted for."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from migrate import pipeline
from migrate.ingest import read_sources

DEALS = [
    ("株式会社山田製作所", "生産管理導入", "佐藤 一郎", "提案", 3000000, "2026/04/30"),
    ("鈴木工業株式会社", "RPA導入", "田中 花子", "受注", 1500000, "2026/07/31"),
]
LABELS = ["会社名", "案件名", "先方担当者", "ステージ", "金額", "受注予定日"]


def _cards(path: Path, *, side_by_side: bool = False) -> Path:
    wb = openpyxl.Workbook()
    for n, deal in enumerate(DEALS):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = f"案件{n + 1}"
        ws.append(["案件カード"])
        ws.append([])
        pairs = list(zip(LABELS, deal))
        if side_by_side:  # two label | value pairs per line
            for a, b in zip(pairs[::2], pairs[1::2]):
                ws.append([*a, *b])
        else:
            for label, value in pairs:
                ws.append([label, value])
    wb.save(path)
    return path


def test_each_form_sheet_is_one_deal_with_every_row_accounted_for(tmp_path):
    res = pipeline.run([str(_cards(tmp_path / "cards.xlsx"))], target="salesforce")
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert opp.loc["生産管理導入", ["StageName", "Amount", "CloseDate"]].tolist() == [
        "Proposal/Price Quote",
        "3000000",
        "2026-04-30",
    ]
    assert opp.loc["RPA導入", "StageName"] == "Closed Won"
    contacts = res.export.files["Contact.csv"]
    assert sorted(contacts["LastName"]) == ["佐藤", "田中"]
    cw = res.crosswalk
    sheet1 = cw[cw["source_sheet"] == "案件1"].set_index("source_row")
    assert sheet1.loc[3, "status"] == "exported"  # the record stands on its first label's row
    assert (sheet1.loc[[4, 5, 6, 7, 8], "reason"] == "row.form-field").all()
    assert sheet1.loc[1, "reason"] == "row.title"
    assert len(cw) == 2 * 7  # a title and six label rows per sheet


def test_two_label_value_pairs_per_line(tmp_path):
    tables = read_sources([str(_cards(tmp_path / "c.xlsx", side_by_side=True))]).tables
    table = tables[0]
    assert len(table.data) == 1
    fields = {m.field: table.data[m.index].iloc[0] for m in table.columns if m.field}
    assert fields["company_name"] == "株式会社山田製作所"
    assert fields["stage"] == "提案"
    assert [f.rule for f in table.findings].count("ingest.form-sheet") == 1


def test_a_sheet_describing_the_columns_is_no_record(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "入力項目"
    ws.append(["項目", "説明"])
    for label, text in [
        ("会社名", "取引先の正式名称を入力"),
        ("案件名", "商材と案件の内容"),
        ("金額", "税抜の金額を円で入力"),
        ("受注予定日", "受注の見込み月の末日"),
    ]:
        ws.append([label, text])
    wb.save(tmp_path / "d.xlsx")
    table = read_sources([str(tmp_path / "d.xlsx")]).tables[0]
    assert not [f for f in table.findings if f.rule == "ingest.form-sheet"]
    assert not any(why == "row.form-field" for _, why in table.skipped)


def test_a_table_of_one_row_stays_a_table(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["会社名", "案件名", "金額", "受注予定日"])
    ws.append(["株式会社A", "X", 100, "2026/04/30"])
    wb.save(tmp_path / "t.xlsx")
    table = read_sources([str(tmp_path / "t.xlsx")]).tables[0]
    assert table.header_rows == [1] and len(table.data) == 1
    assert not [f for f in table.findings if f.rule == "ingest.form-sheet"]


def test_a_label_merged_over_two_cells_has_its_value_one_further(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for n, (label, value) in enumerate(zip(LABELS, DEALS[0]), start=1):
        ws.cell(n, 1, label)
        ws.cell(n, 3, value)
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=2)
    wb.save(tmp_path / "m.xlsx")
    table = read_sources([str(tmp_path / "m.xlsx")]).tables[0]
    fields = {m.field: table.data[m.index].iloc[0] for m in table.columns if m.field}
    assert fields["deal_name"] == "生産管理導入"
    assert int(fields["amount"]) == 3000000
