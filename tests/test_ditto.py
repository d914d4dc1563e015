"""A ditto mark (〃, 同上) in a data cell means the value of the row above."""

from __future__ import annotations

import openpyxl

from migrate.ingest import read_sources


def test_ditto_marks_take_the_value_above(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["顧客名", "案件名", "担当", "金額"])
    ws.append(["株式会社タカセ", "基幹", "小野", 100])
    ws.append(["〃", "保守", "同上", 200])
    ws.append(["同上", "PC", "〃", 300])
    ws.append(["株式会社ヒラセ", "研修", "小野", 400])
    wb.save(tmp_path / "a.xlsx")
    table = read_sources([str(tmp_path / "a.xlsx")]).tables[0]
    fields = {m.field: m.index for m in table.columns if m.field}
    assert table.data[fields["company_name"]].tolist() == ["株式会社タカセ"] * 3 + [
        "株式会社ヒラセ"
    ]
    assert table.data[fields["owner"]].tolist() == ["小野"] * 4
    assert [f.rule for f in table.findings].count("ingest.ditto-filled") == 2
