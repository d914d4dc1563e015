"""A detail sheet naming its deal only by the tracker's own id (案件ID | 金額 beside a 案件一覧 of
案件ID | 会社名 | 案件名): its rows join that deal, not a deal of no company of their own."""

from __future__ import annotations

import openpyxl

from migrate import pipeline


def _workbook(path, ids=("A-001", "A-002"), detail_ids=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案件一覧"
    ws.append(["案件ID", "会社名", "案件名", "ステージ", "受注予定日"])
    ws.append([ids[0], "株式会社山田製作所", "生産管理導入", "提案", "2026/04/30"])
    ws.append([ids[1], "鈴木工業株式会社", "RPA導入", "受注", "2026/07/31"])
    detail = wb.create_sheet("金額")
    detail.append(["案件ID", "金額", "更新日"])
    for i, amount in zip(detail_ids or ids, (3000000, 1500000)):
        detail.append([i, amount, "2026/11/01"])
    wb.save(path)
    return path


def test_detail_rows_join_their_deal_by_its_id(tmp_path):
    res = pipeline.run([str(_workbook(tmp_path / "a.xlsx"))], target="salesforce")
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert opp.loc["生産管理導入", ["Amount", "StageName"]].tolist() == [
        "3000000",
        "Proposal/Price Quote",
    ]
    assert opp.loc["RPA導入", "Amount"] == "1500000"
    cw = res.crosswalk.set_index(["source_sheet", "source_row"])
    assert cw.loc[("金額", 2), "status"] == "merged"
    assert cw.loc[("金額", 2), "reason"] == "merged into a.xlsx|案件一覧|2"
    said = res.findings[res.findings["rule"] == "normalize.company-from-record-id"]
    assert len(said) == 2


def test_row_counters_and_unknown_ids_join_nothing(tmp_path):
    # 1, 2: row numbers of each sheet, not a shared id; B-9: an id no deal row holds
    res = pipeline.run(
        [str(_workbook(tmp_path / "a.xlsx", ids=("1", "2"), detail_ids=("1", "B-9")))],
        target="salesforce",
    )
    assert not (res.findings["rule"] == "normalize.company-from-record-id").any()
    cw = res.crosswalk.set_index(["source_sheet", "source_row"])
    assert cw.loc[("金額", 2), "status"] != "merged"
