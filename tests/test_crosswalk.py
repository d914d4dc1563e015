"""The crosswalk says what happened to each object of each row (issue 11, item 4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from migrate import pipeline

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")


def _run(tmp_path: Path, rows: list[dict], target: str = "salesforce"):
    src = tmp_path / "tracker.xlsx"
    pd.DataFrame(rows).to_excel(src, index=False)
    return pipeline.run([str(src)], target=target, as_of=pd.Timestamp("2026-03-01").date())


def test_a_row_whose_contact_alone_fails_is_exported_with_the_contact_rejected(tmp_path):
    # Salesforce's Contact needs a LastName: an e-mail without a name makes no Contact
    res = _run(
        tmp_path,
        [
            {
                "会社名": "株式会社アルファ",
                "メール": "info@alpha.co.jp",
                "案件名": "基幹更改",
                "金額": 1200000,
                "ステージ": "提案",
                "完了予定日": "2026-04-30",
            }
        ],
    )
    row = res.crosswalk.iloc[0]
    assert row["company_status"] == "exported" and row["deal_status"] == "exported"
    assert row["contact_status"] == "rejected"
    assert row["status"] == "exported" and row["reason"].startswith("Contact.csv: LastName")
    assert res.exit_code == 1  # something was rejected, though the row was exported


def test_a_rejected_deal_makes_the_row_rejected_but_its_account_exported(tmp_path):
    res = _run(
        tmp_path,
        [
            {
                "会社名": "株式会社ベータ",
                "担当者名": "佐藤 花子",
                "案件名": "更新",
                "金額": 500000,
                "ステージ": "提案",
            }
        ],
    )
    row = res.crosswalk.iloc[0]
    assert row["deal_status"] == "rejected"  # no close date: Salesforce requires one
    assert row["status"] == "rejected" and "CloseDate" in row["reason"]
    assert row["company_status"] == "exported" and row["contact_status"] == "exported"
    assert res.exit_code == 1


def test_a_lead_record_with_an_amount_of_a_person_with_a_deal_is_merged_with_a_warning(tmp_path):
    person = {"会社名": "株式会社ガンマ", "担当者名": "田中 一郎", "メール": "tanaka@gamma.co.jp"}
    res = _run(
        tmp_path,
        [
            {
                **person,
                "案件名": "新規導入",
                "金額": 3000000,
                "ステージ": "提案",
                "完了予定日": "2026-05-31",
            },
            {**person, "案件名": "資料請求", "金額": 800000, "ステージ": "リード"},
        ],
    )
    cw = res.crosswalk.set_index("source_row")
    assert cw.loc[2, "deal_status"] == "exported" and cw.loc[2, "status"] == "exported"
    lead = cw.loc[3]
    assert lead["deal_status"] == "not-exported"
    assert lead["status"] == "merged" and lead["contact_status"] == "exported"
    assert "person-level record" in lead["reason"]
    warned = res.findings[res.findings["rule"] == "export.deal-not-exported"]
    assert list(warned["row"]) == [3] and set(warned["severity"]) == {"warning"}
    assert "deals-not-exported" in res.report["import"]["verdict"]["reasons"]


def test_an_audit_leaves_object_statuses_empty(tmp_path):
    src = tmp_path / "t.xlsx"
    pd.DataFrame([{"会社名": "株式会社デルタ", "案件名": "x", "ステージ": "提案"}]).to_excel(
        src, index=False
    )
    res = pipeline.run([str(src)], target=None)
    assert set(res.crosswalk["company_status"]) == {""}


def _csv_run(tmp_path: Path, text: str, target: str):
    """A run of one CSV (t.csv) with its outputs written: the result and its rejects.csv."""
    src = tmp_path / "t.csv"
    src.write_text(text, encoding="utf-8")
    res = pipeline.run([str(src)], target=target, out=tmp_path / "o")
    return res, pd.read_csv(tmp_path / "o" / "rejects.csv", dtype=str, keep_default_na=False)


def test_a_row_rejected_by_normalisation_is_in_rejects_csv(tmp_path):
    res, rejects = _csv_run(
        tmp_path,
        '会社名,案件名,金額,ステージ,完了予定日\n株式会社A,x,"999,999,999,999,999,999,999",提案,2026-04-30\n',
        "salesforce",
    )
    assert list(rejects["rule"]) == ["normalize.amount-precision"]
    assert list(rejects["source_rows"]) == ["t.csv||2"] and list(rejects["file"]) == [""]
    assert res.crosswalk.iloc[0]["status"] == "rejected"


def test_a_converted_lead_of_a_lead_list_is_exported_as_the_contact_of_its_companys_deal(
    tmp_path,
):
    pipeline_book = tmp_path / "pipeline.xlsx"
    pd.DataFrame(
        [
            {
                "会社名": "株式会社アルファ",
                "担当者名": "山田 太郎",
                "案件名": "基幹更改",
                "金額": 1200000,
                "ステージ": "提案",
                "完了予定日": "2026-04-30",
            }
        ]
    ).to_excel(pipeline_book, index=False)
    leads = tmp_path / "leads.xlsx"
    pd.DataFrame(
        [
            {
                "法人名": "株式会社アルファ",
                "氏名": "佐藤 花子",
                "メール": "sato@alpha.co.jp",
                "ステータス": "商談化",
            },
            {
                "法人名": "株式会社ベータ",
                "氏名": "鈴木 一郎",
                "メール": "suzuki@beta.co.jp",
                "ステータス": "SQL",
            },
        ]  # fmt: skip
    ).to_excel(leads, index=False)
    res = pipeline.run(
        [str(pipeline_book), str(leads)],
        target="salesforce",
        as_of=pd.Timestamp("2026-03-01").date(),
    )
    cw = res.crosswalk.set_index(["source_file", "source_row"])
    converted = cw.loc[("leads.xlsx", 2)]
    # no empty opportunity of its own: its person went out as a contact of アルファ's deal
    assert converted["status"] == "exported" and converted["contact_status"] == "exported"
    assert converted["deal_status"] == "not-exported"
    roles = res.export.files["OpportunityContactRole.csv"]
    assert len(roles) == 2 and res.export.rejects.empty
    assert cw.loc[("leads.xlsx", 3)]["contact_status"] == "lead"


def _sql_with_forecast(tmp_path: Path, target: str):
    person = {
        "会社名": "株式会社イプシロン",
        "担当者名": "山本 次郎",
        "メール": "yamamoto@eps.co.jp",
    }
    return _run(
        tmp_path,
        [
            {
                **person,
                "案件名": "人事評価クラウド 導入",
                "金額": 1320000,
                "ステージ": "提案",
                "完了予定日": "2026-04-30",
            },
            # arranging the first meeting of another deal: SQL, already forecast
            {
                **person,
                "案件名": "設備保全IoT 追加ライセンス",
                "金額": 6990000,
                "ステージ": "初回面談調整中",
                "完了予定日": "2026-03-31",
            },
        ],
        target=target,
    )


def test_an_sql_row_with_its_own_forecast_is_a_deal_at_the_first_deal_stage(tmp_path):
    res = _sql_with_forecast(tmp_path, "salesforce")
    cw = res.crosswalk.set_index("source_row")
    assert cw.loc[3, "deal_status"] == "exported" and cw.loc[3, "status"] == "exported"
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert opp.loc["設備保全IoT 追加ライセンス", "StageName"] == "Qualification"
    assert str(opp.loc["設備保全IoT 追加ライセンス", "Amount"]) == "6990000"
    warned = res.findings[res.findings["rule"] == "export.sql-as-deal"]
    assert list(warned["row"]) == [3] and set(warned["severity"]) == {"warning"}
    assert set(warned["original"]) == {"sql"} and set(warned["value"]) == {"opportunity"}
    assert "export.deal-not-exported" not in set(res.findings["rule"])


def test_an_sql_row_with_a_forecast_is_a_hubspot_deal_too(tmp_path):
    res = _sql_with_forecast(tmp_path, "hubspot")
    deals = next(f for n, f in res.export.files.items() if "deal" in n.lower())
    assert "設備保全IoT 追加ライセンス" in set(deals["dealname"])


def test_a_lead_with_a_company_and_a_forecast_but_no_person_is_a_deal_not_a_lost_row(tmp_path):
    # a pipeline sheet's first-stage line: company and value, nobody named. Salesforce's Lead
    # needs a LastName, so as a lead it was rejected with its ¥7.5M
    rows = [
        {"会社名": "株式会社ベータ", "案件名": "基幹更改", "金額": 7500000, "ステージ": "リード",
         "完了予定日": "2026-06-30"},
        {"会社名": "株式会社ガンマ", "案件名": "保守", "金額": 1200000, "ステージ": "提案",
         "完了予定日": "2026-04-30", "担当者名": "田中 一郎"},
        # a person at lead stage with a value stays a lead (a person to convert)
        {"会社名": "株式会社デルタ", "案件名": "PoC", "金額": 300000, "ステージ": "リード",
         "担当者名": "鈴木 花子", "メール": "suzuki@delta.co.jp"},
    ]  # fmt: skip
    res = _run(tmp_path, rows)
    cw = res.crosswalk.set_index("source_row")
    assert cw.loc[2, "status"] == "exported" and cw.loc[2, "deal_status"] == "exported"
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert str(opp.loc["基幹更改", "Amount"]) == "7500000"
    warned = res.findings[res.findings["rule"] == "export.personless-lead-as-deal"]
    assert list(warned["row"]) == [2] and set(warned["value"]) == {"opportunity"}
    assert "PoC" not in set(opp.index)
    assert "鈴木" in set(res.export.files["Lead.csv"]["LastName"])
    # HubSpot keeps a person-level record as its company's lifecycle stage: not promoted
    hs = _run(tmp_path, rows, target="hubspot")
    assert "export.personless-lead-as-deal" not in set(hs.findings["rule"])


KINTONE = (
    '"*","レコード番号","顧客名","案件名","ステータス","受注予定日","合計金額","明細.品目","明細.数量","明細.単価"\n'
    '"*","101","株式会社オメガ商事","在庫管理アプリ","提案","2026-05-31","1650000","ライセンス","10","120000"\n'
    '"","","","","","","","導入支援","1","300000"\n'
    '"","","","","","","","研修","1","150000"\n'
    '"*","102","株式会社シグマ電機","品質トレーサビリティ","受注","2026-03-15","800000","ライセンス","5","160000"\n'
)


def test_a_kintone_export_keeps_its_records_and_rejects_sub_table_lines_with_a_reason(tmp_path):
    """kintone marks each record's first line with * and writes a sub-table's further lines
    below it with only the 明細 cells. The * is no note mark on a row holding a record (before,
    every record was skipped as a note and the run said 4 rows exported with no record at all),
    and a line without a company, person or deal is rejected with its reason, not 'exported'."""
    src = tmp_path / "案件管理.csv"
    src.write_text(KINTONE, encoding="utf-8")
    res = pipeline.run([str(src)], target="salesforce")
    cw = res.crosswalk.set_index("source_row")
    assert cw.loc[2, "deal_id"] and cw.loc[5, "deal_id"]
    assert cw.loc[2, "status"] == "exported" and cw.loc[5, "status"] == "exported"
    for row in (3, 4):
        assert cw.loc[row, "status"] == "rejected"
        assert cw.loc[row, "reason"].startswith("ingest.row-without-record: no company")
    names = set(res.export.files["Opportunity.csv"]["Name"])
    assert names == {"在庫管理アプリ", "品質トレーサビリティ"}
    said = res.findings[res.findings["rule"] == "ingest.row-without-record"]
    assert sorted(said["row"]) == [3, 4]


def test_a_row_the_target_takes_in_no_form_is_in_rejects_csv(tmp_path):
    """Every row the crosswalk calls rejected has its line in rejects.csv: in HubSpot a
    lead-stage row is the lifecycle stage of its contact or company, and this one has neither."""
    res, rejects = _csv_run(
        tmp_path,
        "会社名,案件名,ステージ,完了予定日\n,資料請求,リード,\n株式会社ゼータ,基幹更改,提案,2026-04-30\n",
        "hubspot",
    )
    rejected = res.crosswalk[res.crosswalk["status"] == "rejected"]
    assert list(rejected["source_row"]) == [2]
    assert list(rejects["source_rows"]) == ["t.csv||2"]
    assert list(rejects["rule"]) == ["export.no-target-record"]
    assert "opportunity or later" in rejects["fix"].iloc[0]


def test_a_deal_whose_merged_row_brought_the_person_travels_as_that_lead(tmp_path):
    """A lead-stage deal kept from a row without a person, merged with a row that names one:
    the deal goes out as that person's lead on both rows, not 'rejected' on the kept row."""
    rows = [
        {"会社名": "株式会社エータ", "案件名": "BI導入", "金額": 1200000, "ステージ": "リード",
         "完了予定日": "2026-09-30", "作成日": "2026-03-01"},
        {"会社名": "株式会社エータ", "担当者名": "山本 彩", "案件名": "BI導入", "金額": 1200000,
         "ステージ": "リード", "完了予定日": "2026-09-30"},
    ]  # fmt: skip
    res = _run(tmp_path, rows)
    cw = res.crosswalk.set_index("source_row")
    assert cw["deal_id"].nunique() == 1
    assert set(cw["deal_status"]) == {"lead"} and set(cw["company_status"]) == {"lead"}
    assert "rejected" not in set(cw["status"])


def test_merging_back_sets_dedupes_cells_and_shares_the_other_columns():
    # rejected row 11 keeps what it had; the records' own columns are not copied nor changed
    records = pd.DataFrame(
        {
            "company_name": ["A", "B", "C"],
            "stage": ["won", "", "lost"],
            "_stage_inferred": [False, False, False],
            "company_id": ["", "", ""],
            "contact_id": ["", "", ""],
            "deal_id": ["", "", ""],
            "_status": ["", "", "rejected"],
            "_merged_into": ["", "", ""],
            "_reason": ["", "", "bad amount"],
            "amount": [1.0, 2.0, 3.0],
        },
        index=[10, 12, 11],
    )
    before = records.copy()
    deduped = records.loc[[12, 10]].assign(
        company_id=["C-2", "C-1"],
        deal_id=["D-1", "D-1"],
        _status=["merged", "exported"],
        _merged_into=["D-1", ""],
        stage=["opportunity", "won"],
        _stage_inferred=[True, False],
    )
    out = pipeline._merge_back(records, deduped)
    pd.testing.assert_frame_equal(records, before)
    assert list(out["company_id"]) == ["C-1", "C-2", ""]
    assert list(out["stage"]) == ["won", "opportunity", "lost"]
    assert list(out["_stage_inferred"]) == [False, True, False]
    assert list(out["_status"]) == ["exported", "merged", "rejected"]
    assert list(out["_reason"]) == ["", "merged into D-1", "bad amount"]
    assert np.shares_memory(out["amount"].to_numpy(), records["amount"].to_numpy())


@pytest.mark.parametrize("dtype", [object, None], ids=["object-ids", "inferred-ids"])
def test_a_rows_final_stage_is_its_deals_else_its_own(dtype):
    # a merged deal's stage wins; a row without a deal id keeps its own (blank, None and NaN
    # written as ""), one whose id the deals lack gets none; a deal id twice among the deals:
    # the last. Inferred ids: pandas' str dtype from pandas 3 on
    index = [5, 3, 8, 1, 2, 0]
    ids = pd.Series(["D-1", "", "D-2", "D-9", "", "D-1"], index=index, dtype=dtype)
    stages = ["lead", None, float("nan"), "won", "proposal", ""]
    records = pd.DataFrame({"stage": stages, "deal_id": ids}, index=index)
    deals = pd.DataFrame({"deal_id": ["D-1", "D-2", "D-2"], "stage": ["won", "lost", None]})
    final = pipeline._final_stages(records, deals)
    assert final.dtype == object and list(final.index) == index
    assert list(final) == ["won", "", "", "", "proposal", "won"]
    no_deals = pipeline._final_stages(records, deals.iloc[0:0])
    assert list(no_deals) == ["lead", "", "", "won", "proposal", ""]
