"""A deal written on two rows (区分: 売上 over 粗利, or 計画 over 実績), the company and deal name
merged over both rows: one deal, the other row's values kept beside it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from migrate import pipeline
from migrate.ingest import read_sources

D = dt.date
DEALS = [
    ("株式会社東邦精機", "検査装置更新", 3000000, 900000, D(2026, 9, 30), "提案", "森"),
    ("西都建設株式会社", "現場管理SaaS", 1000000, 600000, D(2026, 10, 31), "受注", "森"),
    ("株式会社中央メディカル", "電子カルテ連携", 4000000, 1200000, D(2026, 12, 31), "見積", "池田"),
]


def _two_rows(path: Path, *, words=("売上", "粗利"), merge: bool = True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案件"
    ws.append(["会社名", "案件名", "区分", "金額", "受注予定日", "ステータス", "担当"])
    r = 2
    for company, deal, sales, profit, close, stage, owner in DEALS:
        ws.append([company, deal, words[0], sales, close, stage, owner])
        if merge:
            ws.append([None, None, words[1], profit, None, None, None])
            for col in (1, 2, 5, 6, 7):
                ws.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)
        else:
            ws.append([company, deal, words[1], profit, close, stage, owner])
        r += 2
    wb.save(path)
    return path


def _table(path: Path):
    return read_sources([str(path)]).tables[0]


UPPER = [3000000, 1000000, 4000000]  # the amounts written on each deal's upper row
LOWER = [900000, 600000, 1200000]


@pytest.mark.parametrize(
    "words, kept, folded",
    [
        (("売上", "粗利"), UPPER, [3, 5, 7]),
        (("粗利", "売上"), LOWER, [2, 4, 6]),  # the revenue row is the deal, wherever it is
        (("Revenue", "Gross Profit"), UPPER, [3, 5, 7]),
    ],
)
def test_a_deal_on_two_rows_is_one_row_with_the_other_rows_values_beside_it(
    tmp_path, words, kept, folded
):
    table = _table(_two_rows(tmp_path / "a.xlsx", words=words))
    assert len(table.data) == 3
    amount = next(m.index for m in table.columns if m.field == "amount")
    assert sorted(int(v) for v in table.data[amount]) == sorted(kept)
    other = words[1] if kept == UPPER else words[0]
    extra = next(m for m in table.columns if m.header == f"{other} / 金額")
    assert sorted(int(v) for v in table.data[extra.index]) == sorted(
        LOWER if kept == UPPER else UPPER
    )
    assert sorted(r for r, why in table.skipped if why == "row.pair-second") == folded
    assert [f.rule for f in table.findings].count("ingest.row-pairs") == 1


def test_rows_without_a_merged_range_over_the_pair_stay_rows(tmp_path):
    # written out on both rows, nothing says the rows are one deal: read as they are
    table = _table(_two_rows(tmp_path / "a.xlsx", merge=False))
    assert len(table.data) == 6
    assert not any(why == "row.pair-second" for _, why in table.skipped)


def test_plan_and_actual_take_the_actual_row_unless_it_has_no_amount(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "計画実績"
    ws.append(["顧客", "案件", "", "金額", "受注日", "ステージ"])
    ws.append(["株式会社大和テック", "RPA導入", "計画", 2500000, D(2026, 5, 31), "提案"])
    ws.append([None, None, "実績", 2300000, D(2026, 6, 10), "受注"])
    ws.append(["光陽商事株式会社", "CRM導入", "計画", 1800000, D(2026, 6, 30), "見積"])
    ws.append([None, None, "実績", None, None, "見積"])
    for r in (2, 4):
        for col in (1, 2):
            ws.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)
    wb.save(tmp_path / "p.xlsx")
    res = pipeline.run([str(tmp_path / "p.xlsx")], target="salesforce")
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert (
        opp.loc["RPA導入", "Amount"] == "2300000"
        and opp.loc["RPA導入", "StageName"] == "Closed Won"
    )
    assert opp.loc["CRM導入", "Amount"] == "1800000"
    assert int(res.records["extra:計画 / 金額"].tolist()[0]) == 2500000


def test_two_row_deals_end_to_end_every_row_accounted(tmp_path):
    res = pipeline.run([str(_two_rows(tmp_path / "a.xlsx"))], target="salesforce")
    opp = res.export.files["Opportunity.csv"]
    assert sorted(opp["Amount"].astype(int)) == [1000000, 3000000, 4000000]
    cw = res.crosswalk
    assert len(cw) == 6
    assert sorted(cw.loc[cw["status"] == "skipped", "source_row"]) == [3, 5, 7]
    reasons = cw.loc[cw["status"] == "skipped", "reason"].tolist()
    assert reasons[0] == (
        "row.pair-second: the other row of the deal on row 2 (a.xlsx|案件|2); "
        "its values are that record's extra columns"
    )
    assert all(r.startswith("row.pair-second: ") for r in reasons)


def test_the_run_summary_counts_pair_rows_once_by_their_code(tmp_path):
    """Each skipped pair row's reason names its own kept row; the summary line counts the code."""
    from click.testing import CliRunner

    from migrate.cli import cli

    src = _two_rows(tmp_path / "a.xlsx")
    res = CliRunner().invoke(
        cli,
        ["run", str(src), "--out", str(tmp_path / "out"), "--target", "salesforce", "--quiet"],
        obj={},
        catch_exceptions=False,
    )
    assert "3 pair-second; see crosswalk.csv" in res.output, res.output
    assert "the other row of the deal" not in res.output
