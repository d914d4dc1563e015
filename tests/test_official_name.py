"""The name a merged company keeps (u27 item 8): a customer master's spelling (a row with a
code or 法人番号 and no deal) wins over the deal sheets' however often they repeat theirs, and
a spelling with a legal form wins over one without it (株式会社ネクサス over ネクサス, Nordwind
Logistik GmbH over Nordwind Logistik): migrate/dedupe/survivorship.py _most_frequent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd

from migrate import pipeline

TODAY = dt.date(2026, 1, 15)


def _names(tmp_path: Path, path: Path, currency: str | None = None) -> list[str]:
    kw = {"currency": currency} if currency else {}
    pipeline.run([str(path)], target="salesforce", out=tmp_path / "o", as_of=TODAY, **kw)
    accounts = pd.read_csv(tmp_path / "o" / "Account.csv", dtype=str, keep_default_na=False)
    return sorted(accounts["Name"])


def test_the_masters_spelling_wins_over_the_deal_sheets(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "顧客マスタ"
    ws.append(["顧客コード", "顧客名", "住所"])
    ws.append(["C001", "生活協同組合コープみやぎ", "宮城県仙台市泉区1-1"])
    deals = wb.create_sheet("案件")
    deals.append(["会社名", "案件名", "フェーズ", "金額", "受注予定日"])
    deals.append(["コープみやぎ", "物流", "提案", 1000000, "2026/06/30"])
    deals.append(["コープみやぎ", "会計", "提案", 2000000, "2026/07/31"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    assert _names(tmp_path, path) == ["生活協同組合コープみやぎ"]


def test_a_spelling_with_its_legal_form_wins_over_a_more_frequent_one_without(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(
        "Company,Deal,Stage,Amount,Close Date\n"
        "Nordwind Logistik GmbH,Fleet,Proposal,1000,2027-01-31\n"
        "Nordwind Logistik,Telematics,Proposal,2000,2027-02-28\n"
        "Nordwind Logistik,Support,Proposal,3000,2027-03-31\n"
        "株式会社ネクサス,人事,提案,1000,2027-01-31\n"
        "ネクサス,会計,提案,2000,2027-02-28\n"
        "ネクサス,保守,提案,3000,2027-03-31\n",
        encoding="utf-8",
    )
    assert _names(tmp_path, path, "USD") == ["Nordwind Logistik GmbH", "株式会社ネクサス"]


def test_without_a_master_or_a_legal_form_the_most_frequent_spelling_stays(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(
        "会社名,案件名,フェーズ,金額,受注予定日\n"
        "ネクサス,人事,提案,1000,2027/01/31\n"
        "ネクサス,会計,提案,2000,2027/02/28\n"
        "ﾈｸｻｽ,保守,提案,3000,2027/03/31\n",
        encoding="utf-8",
    )
    assert _names(tmp_path, path) == ["ネクサス"]


def test_a_deal_sheets_code_makes_no_master_and_kanji_beats_a_kana_reading_with_its_form(tmp_path):
    """An old CRM's deals carry the account's code (取引先ID) and its kana name: those rows are
    deals, not a customer master's, so their spelling does not win; and a kana reading with its
    legal form (エイコウサンギョウ有限会社) does not beat the kanji name (栄光産業有限会社, 栄光産業).
    (After the seventeenth session's merges the survivors read only their own columns, and
    every coded row counted as a master's.)"""
    path = tmp_path / "crm.csv"
    path.write_text(
        "取引先ID,取引先名,商談名,フェーズ,金額,完了予定日\n"
        "ACC-1,株式会社タカサゴギケン,更新,提案,1000,2027/01/31\n"
        "ACC-2,エイコウサンギョウ有限会社,保守,提案,1000,2027/01/31\n",
        encoding="utf-8",
    )
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "会社名,案件名,フェーズ,金額,受注予定日\n"
        "株式会社高砂技研,更新,提案,1000,2027/01/31\n"
        "栄光産業,保守,提案,1000,2027/01/31\n",
        encoding="utf-8",
    )
    pipeline.run([str(path), str(deals)], target="salesforce", out=tmp_path / "o", as_of=TODAY)
    accounts = pd.read_csv(tmp_path / "o" / "Account.csv", dtype=str, keep_default_na=False)
    assert sorted(accounts["Name"]) == ["栄光産業", "株式会社高砂技研"]
