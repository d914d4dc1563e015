"""法人番号 (corporate numbers) and the other strong ids of a company (u27): the number is a
company field, never the deal's record_id; one number is one company whatever its names, two
numbers are two however alike the names; two customer codes of one name on one sheet, or a
master's rows of one name with other phones and addresses, are two accounts, each keeping its
code (migrate/normalize/codes.py, migrate/dedupe/entities.py _split_strong_ids)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from migrate import pipeline
from migrate.columns import match_header
from migrate.normalize.codes import corporate_check_digit, normalize_corporate_number
from migrate.schema import load_schema

TODAY = dt.date(2026, 1, 15)
SCHEMA = load_schema()


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_the_check_digit_follows_the_national_tax_agency_rule():
    # published numbers: 府中市 (東京都), トヨタ自動車, ソニーグループ
    assert corporate_check_digit("000020132063") == 8
    assert corporate_check_digit("180301018771") == 1
    assert corporate_check_digit("010401067252") == 5


@pytest.mark.parametrize(
    "raw",
    [
        8000020132063,
        8000020132063.0,
        "8000020132063",
        "８００００２０１３２０６３",
        "T8000020132063",
        "8000-02-0132063",
    ],
)
def test_a_corporate_number_is_read_as_its_13_digits(raw):
    out = normalize_corporate_number(raw)
    assert out.failure is None and out.value == "8000020132063"
    assert all(i.rule == "normalize.corporate-number" for i in out.issues)


def test_a_registry_number_gains_its_check_digit_and_a_wrong_one_is_kept_with_a_warning():
    made = normalize_corporate_number("000020132063")
    assert made.value == "8000020132063"
    assert [i.rule for i in made.issues] == ["normalize.corporate-number-from-registry-number"]
    wrong = normalize_corporate_number("6011101000001")
    assert wrong.value == "6011101000001" and wrong.failure is None
    assert [(i.rule, i.severity) for i in wrong.issues] == [
        ("normalize.corporate-number-check-digit", "warning")
    ]
    assert normalize_corporate_number("12345").failure is not None
    assert normalize_corporate_number("").value == ""


@pytest.mark.parametrize(
    "header",
    ["法人番号", "法人番号（13桁）", "Corporate Number", "会社法人等番号", "取引先法人番号"],
)
def test_a_corporate_number_column_is_no_record_id(header):
    assert match_header(header, SCHEMA)[0] == "corporate_number"


def test_a_deal_number_stays_a_record_id():
    assert match_header("案件番号", SCHEMA)[0] == "record_id"
    assert match_header("顧客番号", SCHEMA)[0] == "company_code"


@pytest.fixture
def master_book(tmp_path: Path) -> Path:
    """u27 in5c: a customer master with 法人番号 and a deal sheet naming a renamed company."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "顧客マスタ"
    ws.append(["顧客コード", "顧客名", "法人番号", "住所", "代表電話"])
    ws.append(["C0101", "府中市役所", 8000020132063, "東京都府中市宮西町2-24", "042-364-4111"])
    ws.append(["C0102", "府中市役所", 2000020342084, "広島県府中市府川町315", "0847-43-7111"])
    ws.append(
        ["C0103", "株式会社アオバ", 8011101000005, "宮城県仙台市青葉区本町1-1", "022-211-0005"]
    )
    deals = wb.create_sheet("商談")
    deals.append(["会社名", "法人番号", "案件名", "フェーズ", "金額", "完了予定日"])
    deals.append(
        ["青葉電子工業株式会社", 8011101000005, "検査装置連携", "受注", 8800000, "2026/10/20"]
    )
    deals.append(["府中市", 2000020342084, "窓口DX", "提案", 4500000, "2027/03/31"])
    path = tmp_path / "master.xlsx"
    wb.save(path)
    return path


def test_one_number_is_one_company_and_two_numbers_are_two(master_book, tmp_path):
    res = pipeline.run([str(master_book)], target="salesforce", out=tmp_path / "o", as_of=TODAY)
    accounts = _csv(tmp_path / "o" / "Account.csv")
    assert sorted(accounts["AccountNumber"]) == ["C0101", "C0102", "C0103"]
    opps = _csv(tmp_path / "o" / "Opportunity.csv")
    # master rows are no deals: nothing rejected for a missing stage
    assert sorted(opps["Name"]) == ["検査装置連携", "窓口DX"]
    assert (res.crosswalk["status"] != "rejected").all()
    code_of = dict(zip(accounts["Migration_Id__c"], accounts["AccountNumber"]))
    linked = {n: code_of[a] for n, a in zip(opps["Name"], opps["Account.Migration_Id__c"])}
    # the renamed company's deal finds the master row by its number; 府中市 the 広島県 one
    assert linked == {"検査装置連携": "C0103", "窓口DX": "C0102"}
    apart = res.findings[res.findings["rule"] == "dedupe.same-name"]
    assert apart["message"].str.contains("法人番号").all() and len(apart) == 2


def test_generic_companies_keep_the_number(master_book, tmp_path):
    pipeline.run([str(master_book)], target="generic", out=tmp_path / "g", as_of=TODAY)
    companies = _csv(tmp_path / "g" / "companies.csv")
    assert sorted(companies["corporate_number"]) == [
        "2000020342084",
        "8000020132063",
        "8011101000005",
    ]


def _sheet(tmp_path: Path, name: str, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "顧客マスタ"
    for r in rows:
        ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def test_a_customers_sites_with_their_own_codes_are_accounts_each_keeping_its_code(tmp_path):
    path = _sheet(
        tmp_path,
        "sites.xlsx",
        [
            ["顧客コード", "顧客名", "住所", "代表電話"],
            ["K016", "株式会社大和精工", "大阪府大阪市北区梅田1-1-1", "06-6345-0001"],
            ["K016-01", "株式会社大和精工", "東京都千代田区丸の内2-2-2", "03-3211-1111"],
            ["K016-02", "株式会社大和精工", "愛知県名古屋市中村区名駅1-1", "052-551-0001"],
        ],
    )
    pipeline.run([str(path)], target="salesforce", out=tmp_path / "o", as_of=TODAY)
    accounts = _csv(tmp_path / "o" / "Account.csv")
    assert sorted(accounts["AccountNumber"]) == ["K016", "K016-01", "K016-02"]


def test_a_code_of_another_sheet_does_not_keep_one_company_apart(tmp_path):
    # two numberings of one customer (the ERP's and the SFA's): one account
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "顧客マスタ"
    ws.append(["顧客コード", "顧客名", "住所"])
    ws.append(["C001", "株式会社大和精工", "大阪府大阪市北区梅田1-1-1"])
    deals = wb.create_sheet("案件")
    deals.append(["取引先コード", "会社名", "案件名", "フェーズ", "金額", "受注予定日"])
    deals.append(["9001", "株式会社大和精工", "生産管理", "提案", 1000000, "2026/06/30"])
    path = tmp_path / "two_numberings.xlsx"
    wb.save(path)
    pipeline.run([str(path)], target="salesforce", out=tmp_path / "o", as_of=TODAY)
    assert len(_csv(tmp_path / "o" / "Account.csv")) == 1


def test_master_rows_of_one_name_in_two_places_are_two_accounts(tmp_path):
    path = _sheet(
        tmp_path,
        "places.xlsx",
        [
            ["取引先名", "住所", "電話番号"],
            ["伊達市役所", "北海道伊達市鹿島町20-1", "0142-23-3331"],
            ["伊達市役所", "福島県伊達市保原町字舟橋180", "024-575-1111"],
            # one office, two lines: one company
            ["株式会社ネクサス", "東京都新宿区西新宿2-8-1", "03-5321-0003"],
            ["株式会社ネクサス", "東京都新宿区西新宿2-8-1", "03-5321-0004"],
        ],
    )
    pipeline.run([str(path)], target="salesforce", out=tmp_path / "o", as_of=TODAY)
    names = sorted(_csv(tmp_path / "o" / "Account.csv")["Name"])
    assert names == ["伊達市役所", "伊達市役所", "株式会社ネクサス"]


def test_deal_rows_of_one_company_with_other_phones_stay_one(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(
        "会社名,案件名,電話,住所,フェーズ,金額,受注予定日\n"
        "株式会社ネクサス,人事,03-5321-0003,東京都新宿区西新宿2-8-1,提案,100000,2026/06/30\n"
        "株式会社ネクサス,会計,06-6208-0004,大阪府大阪市北区中之島1-1,提案,200000,2026/07/31\n",
        encoding="utf-8",
    )
    pipeline.run([str(path)], target="salesforce", out=tmp_path / "o", as_of=TODAY)
    assert len(_csv(tmp_path / "o" / "Account.csv")) == 1


def test_salesforce_says_where_the_number_went(master_book, tmp_path):
    res = pipeline.run([str(master_book)], target="salesforce", out=tmp_path / "s", as_of=TODAY)
    said = res.findings[res.findings["rule"] == "export.corporate-number-not-imported"]
    assert len(said) == 1 and "salesforce" in said["message"].iat[0]
    generic = pipeline.run([str(master_book)], target="generic", out=tmp_path / "g", as_of=TODAY)
    assert not (generic.findings["rule"] == "export.corporate-number-not-imported").any()
