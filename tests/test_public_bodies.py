"""One public body or hospital under two names (u27 item 11): 札幌市 / 札幌市役所, 大阪府 / 大阪府庁,
医療法人社団緑風会 / 緑風会病院 with the same contact on both rows are compared (people is a
blocking key: the names are too short for the prefix and suffix keys) and found one; the same
person's name at two companies whose names are unlike is no merge (rules/dedupe.yaml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from migrate import pipeline

TODAY = dt.date(2026, 1, 15)


def _run(tmp_path: Path, text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    res = pipeline.run([str(path)], target="salesforce", out=tmp_path / "o", as_of=TODAY)
    accounts = pd.read_csv(tmp_path / "o" / "Account.csv", dtype=str, keep_default_na=False)
    return accounts, res.findings


HEAD = "顧客名,案件名,先方担当,担当,状況,金額,受注予定日\n"


def test_a_body_under_two_names_with_one_contact_is_one_account(tmp_path):
    accounts, _ = _run(
        tmp_path,
        HEAD + "札幌市役所,庁内ネットワーク更改,佐藤 健 様,鈴木,提案,12000000,2027/03/31\n"
        "札幌市,庁内ネットワーク保守,佐藤 健 様,鈴木,受注,2000000,2026/10/31\n"
        "医療法人社団緑風会,電子カルテ連携,山本 茂 様,伊藤,提案,15000000,2027/04/30\n"
        "緑風会病院,電子カルテ保守,山本 茂 様,伊藤,見積,1200000,2027/05/31\n",
    )
    assert len(accounts) == 2


def test_one_persons_name_at_two_unlike_companies_is_no_merge(tmp_path):
    accounts, findings = _run(
        tmp_path,
        HEAD + "株式会社北海電機,A,佐藤 健 様,鈴木,提案,1000000,2027/03/31\n"
        "大和物流株式会社,B,佐藤 健 様,鈴木,提案,2000000,2027/03/31\n",
    )
    assert len(accounts) == 2
    assert not (findings["rule"] == "dedupe.merged").any()


def test_a_department_cut_from_the_name_is_the_contacts_department(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(
        "顧客名,部署,案件名,先方担当,状況,金額,受注予定日\n"
        "宮城県 保健福祉部,,介護DB,高橋 誠 様,提案,1000000,2027/03/31\n"
        "(株)大和精工 大阪支店,,生産管理,木村 拓 様,提案,2000000,2027/03/31\n"
        "株式会社大和精工,,保守,中村 翼 様,提案,3000000,2027/03/31\n"
        # a department of its own is kept
        "東北大学 工学部,情報基盤センター,HPC,加藤 直樹 様,提案,4000000,2027/03/31\n",
        encoding="utf-8",
    )
    pipeline.run([str(path)], target="salesforce", out=tmp_path / "o", as_of=TODAY)
    read = lambda f: pd.read_csv(tmp_path / "o" / f, dtype=str, keep_default_na=False)  # noqa: E731
    assert sorted(read("Account.csv")["Name"]) == ["宮城県", "東北大学", "株式会社大和精工"]
    contacts = read("Contact.csv")
    department = dict(zip(contacts["LastName"], contacts["Department"]))
    assert department == {
        "高橋": "保健福祉部",
        "木村": "大阪支店",
        "中村": "",
        "加藤": "情報基盤センター",
    }
