"""Customer codes (取引先コード): rows naming their company only by its code get the company of
that code from any sheet of the run (migrate/normalize/codes.py), the code travels to the target
(Salesforce AccountNumber), and a code no master knows or one naming two companies is reported."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from migrate import pipeline
from migrate.normalize import load_rules, normalize_records
from migrate.normalize.codes import code_key
from migrate.rules import DEFAULT_RULES_DIR
from migrate.schema import load_schema

TODAY = dt.date(2026, 1, 15)


def _records(rows: list[tuple[str, int, dict]]) -> pd.DataFrame:
    names = load_schema().names
    data = []
    for sheet, row, values in rows:
        rec: dict = {n: None for n in names}
        rec.update(
            _source_file="book.xlsx",
            _source_sheet=sheet,
            _source_row=row,
            _row_key=f"book.xlsx|{sheet}|{row}",
            _source_order=0,
        )
        rec.update(values)
        data.append(rec)
    return pd.DataFrame(data, dtype=object)


def test_a_code_compares_half_width_and_upper_case_and_keeps_its_leading_zeros():
    assert code_key("００１２３") == "00123" == code_key(" 00123 ")
    assert code_key("ｃ００１") == "C001" == code_key("C 001")
    assert code_key("00123") != code_key("123")
    assert code_key(123) == "123" and code_key(123.0) == "123"
    assert code_key("00123", ignore_leading_zeros=True) == "123"
    assert code_key("C0012", ignore_leading_zeros=True) == "C0012"  # only all-digit codes


def test_rows_with_a_code_alone_get_the_company_of_that_code_from_another_sheet():
    frame = _records(
        [
            ("顧客マスタ", 2, {"company_code": "C001", "company_name": "(株)山田製作所"}),
            ("顧客マスタ", 3, {"company_code": "C002", "company_name": "有限会社佐藤商店"}),
            ("案件", 2, {"company_code": "ｃ００１", "deal_name": "a"}),
            ("案件", 3, {"company_code": "C002", "company_name": "#N/A", "deal_name": "b"}),
            ("案件", 4, {"company_code": "C099", "deal_name": "c"}),
        ]
    )
    out, found = normalize_records(frame, today=TODAY)
    assert list(out["company_name"]) == [
        "株式会社山田製作所",
        "有限会社佐藤商店",
        "株式会社山田製作所",
        "有限会社佐藤商店",
        "",
    ]
    assert out["company_key"][2] == out["company_key"][0] != ""
    assert out["company_code"][2] == "c001"  # the cell keeps its spelling, compared upper case
    filled = found[found["rule"] == "normalize.company-from-code"]
    assert set(filled["original"]) == {"c001", "C002"}
    assert "顧客マスタ row 2" in " ".join(filled["message"])
    unknown = found[found["rule"] == "normalize.company-code-unknown"]
    assert list(unknown["row"]) == [4] and list(unknown["sheet"]) == ["案件"]
    assert list(unknown["severity"]) == ["warning"]
    assert "C099" in unknown["message"].iloc[0]
    assert not bool(out["_reject"].any())  # the row stays; export decides as for any deal


def test_a_code_naming_two_companies_gives_no_name_and_is_reported():
    frame = _records(
        [
            ("顧客マスタ", 2, {"company_code": "C001", "company_name": "株式会社山田製作所"}),
            ("旧マスタ", 2, {"company_code": "C001", "company_name": "株式会社高橋システム"}),
            # a name the team wrote a little differently is the same company, not a conflict
            ("顧客マスタ", 3, {"company_code": "C002", "company_name": "佐藤商店"}),
            ("案件", 5, {"company_code": "C002", "company_name": "有限会社佐藤商店 本社"}),
            ("案件", 2, {"company_code": "C001", "deal_name": "a"}),
            ("案件", 3, {"company_code": "C002", "deal_name": "b"}),
        ]
    )
    out, found = normalize_records(frame, today=TODAY)
    assert out["company_name"][4] == ""
    assert out["company_key"][5] == out["company_key"][2]
    conflict = found[found["rule"] == "normalize.company-code-conflict"]
    assert len(conflict) == 1
    message = conflict["message"].iloc[0]
    assert "山田製作所" in message and "高橋システム" in message and "旧マスタ row 2" in message


def test_leading_zeros_count_unless_the_rules_say_otherwise(tmp_path):
    frame = _records(
        [
            ("顧客マスタ", 2, {"company_code": "00123", "company_name": "株式会社山田製作所"}),
            ("案件", 2, {"company_code": 123, "deal_name": "a"}),
        ]
    )
    out, found = normalize_records(frame, today=TODAY)
    assert out["company_name"][1] == ""
    (message,) = found.loc[found["rule"] == "normalize.company-code-unknown", "message"]
    assert "'00123' is known" in message and "leading zeros" in message
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    path = rules / "normalize.yaml"
    text = path.read_text(encoding="utf-8")
    assert "code_leading_zeros: keep" in text
    path.write_text(text.replace("code_leading_zeros: keep", "code_leading_zeros: ignore"))
    assert load_rules(rules).companies.code_ignores_leading_zeros
    out, _ = normalize_records(frame, today=TODAY, rules_dir=rules)
    assert out["company_name"][1] == "株式会社山田製作所"


@pytest.fixture
def relational_book(tmp_path: Path) -> Path:
    """A customer master and a deal sheet that names its customer by the code alone."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "顧客マスタ"
    ws.append(["取引先コード", "会社名", "住所"])
    ws.append(["C001", "株式会社山田製作所", "東京都千代田区1-1"])
    ws.append(["C002", "有限会社佐藤商店", "大阪府大阪市北区2-2"])
    deals = wb.create_sheet("案件")
    deals.append(["案件No", "取引先コード", "会社名", "案件名", "金額", "フェーズ", "受注予定日"])
    deals.append(
        ["A-1", "C001", "株式会社山田製作所", "生産管理", 3200000, "提案中", dt.date(2026, 6, 30)]
    )
    deals.append(["A-2", "Ｃ００１", None, "保守契約", 480000, "受注", dt.date(2026, 4, 15)])
    deals.append(["A-3", "C002", "#N/A", "POSレジ", 900000, "提案中", dt.date(2026, 7, 31)])
    deals.append(["A-4", "C099", None, "新規", 100000, "提案中", dt.date(2026, 8, 31)])
    path = tmp_path / "relational.xlsx"
    wb.save(path)
    return path


def test_a_relational_workbook_links_every_deal_to_its_customer(relational_book, tmp_path):
    res = pipeline.run([str(relational_book)], target="salesforce", out=tmp_path / "o", as_of=TODAY)
    accounts = pd.read_csv(tmp_path / "o" / "Account.csv", dtype=str, keep_default_na=False)
    assert sorted(zip(accounts["Name"], accounts["AccountNumber"])) == [
        ("有限会社佐藤商店", "C002"),
        ("株式会社山田製作所", "C001"),
    ]
    opps = pd.read_csv(tmp_path / "o" / "Opportunity.csv", dtype=str, keep_default_na=False)
    account_of = dict(zip(accounts["Migration_Id__c"], accounts["Name"]))
    linked = {
        n: account_of.get(a, "") for n, a in zip(opps["Name"], opps["Account.Migration_Id__c"])
    }
    assert linked["保守契約"] == linked["生産管理"] == "株式会社山田製作所"
    assert linked["POSレジ"] == "有限会社佐藤商店"
    # the deal of an unknown code stays, without an account, and the finding says which row
    assert linked.get("新規", "") == ""
    unknown = res.findings[res.findings["rule"] == "normalize.company-code-unknown"]
    assert list(zip(unknown["sheet"], unknown["row"])) == [("案件", 5)]
    assert (res.crosswalk["status"] != "rejected").all()


def test_codes_without_any_master_are_one_finding_per_sheet():
    frame = _records(
        [("案件", r, {"company_code": f"C{r:03}", "deal_name": "x"}) for r in range(2, 40)]
    )
    out, found = normalize_records(frame, today=TODAY)
    (message,) = found.loc[found["rule"] == "normalize.company-code-unknown", "message"]
    assert message.startswith("38 row(s)") and "'C002', row 2" in message
    assert (out["company_name"] == "").all()
