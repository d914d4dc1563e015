"""A company's own fields from a customer master (u27): a split address part by part, the
postal code written at the head of an address, the company's phone, fax, head count and annual
revenue, to Salesforce's Account, HubSpot's companies and the generic companies.csv; a field a
target has no column for is said in a finding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from migrate import pipeline
from migrate.dedupe.entities import full_address
from migrate.normalize.addresses import split_head_code

TODAY = dt.date(2026, 1, 15)


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(tmp_path: Path, path: Path, target: str) -> tuple[pipeline.RunResult, Path]:
    out = tmp_path / f"out-{target}"
    res = pipeline.run([str(path)], target=target, out=out, as_of=TODAY)
    return res, out


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


SPLIT = (
    "取引先名,郵便番号,都道府県,市区町村,番地,建物名,TEL\n"
    "株式会社テスト,100-0005,東京都,千代田区,丸の内1-1-1,丸の内ビル5F,03-1111-2222\n"
    "株式会社サンプル,530-0001,大阪府,大阪市北区,梅田1-1,,06-1111-2222\n"
)


def test_a_split_address_reaches_salesforce_part_by_part(tmp_path):
    _, out = _run(tmp_path, _csv(tmp_path, "取引先リスト.csv", SPLIT), "salesforce")
    acc = _read(out / "Account.csv").set_index("Name")
    row = acc.loc["株式会社テスト"]
    assert row["BillingState"] == "東京都"
    assert row["BillingCity"] == "千代田区"
    assert row["BillingStreet"] == "丸の内1-1-1 丸の内ビル5F"
    assert row["BillingPostalCode"] == "100-0005"
    assert row["Phone"] == "+81311112222"  # a TEL of a list of companies is the company's
    assert acc.loc["株式会社サンプル", "BillingStreet"] == "梅田1-1"


def test_a_split_address_reaches_hubspot_and_generic(tmp_path):
    path = _csv(tmp_path, "取引先リスト.csv", SPLIT)
    _, out = _run(tmp_path, path, "hubspot")
    hub = _read(out / "companies.csv").set_index("name")
    assert hub.loc["株式会社テスト", ["state", "city", "address", "zip"]].tolist() == [
        "東京都",
        "千代田区",
        "丸の内1-1-1 丸の内ビル5F",
        "100-0005",
    ]
    assert hub.loc["株式会社テスト", "phone"] == "+81311112222"
    _, out = _run(tmp_path, path, "generic")
    gen = _read(out / "companies.csv").set_index("company_name")
    assert gen.loc["株式会社サンプル", ["state", "city"]].tolist() == ["大阪府", "大阪市北区"]


def test_a_prefecture_alone_never_merges_two_companies(tmp_path):
    path = _csv(
        tmp_path,
        "顧客マスタ.csv",
        "顧客名,都道府県,代表電話\n"
        "株式会社サンテック,東京都,03-3433-1111\n"
        "株式会社サンテックス,東京都,03-5500-2222\n"
        "北陸電工株式会社,富山県,076-441-3333\n"
        "北陸電子株式会社,富山県,0766-22-4444\n"
        "株式会社三和工業,大阪府,072-222-5555\n"
        "三和興業株式会社,大阪府,06-6789-6666\n",
    )
    res, out = _run(tmp_path, path, "salesforce")
    acc = _read(out / "Account.csv")
    assert len(acc) == 6
    assert set(acc["BillingState"]) == {"東京都", "富山県", "大阪府"}
    assert set(acc["BillingStreet"]) == {""}
    assert acc["Phone"].str.startswith("+81").all()


def test_a_prefecture_beside_a_whole_address_both_kept(tmp_path):
    path = _csv(
        tmp_path,
        "顧客マスタ.csv",
        "顧客名,都道府県,住所\n株式会社テスト,東京都,東京都千代田区丸の内1-1-1\n",
    )
    _, out = _run(tmp_path, path, "salesforce")
    acc = _read(out / "Account.csv")
    assert acc.loc[0, "BillingState"] == "東京都"
    assert acc.loc[0, "BillingStreet"] == "東京都千代田区丸の内1-1-1"


@pytest.mark.parametrize(
    ("state", "city", "street", "whole"),
    [
        ("東京都", "千代田区", "丸の内1-1-1", "東京都千代田区丸の内1-1-1"),
        ("東京都", "", "東京都千代田区丸の内1-1-1", "東京都千代田区丸の内1-1-1"),
        ("東京都", "千代田区", "", ""),
        ("", "", "梅田1-1", "梅田1-1"),
        ("東京都", "千代田区", "千代田区丸の内1-1-1", "東京都千代田区丸の内1-1-1"),
    ],
    ids=["parts", "whole-beside-state", "no-street-no-address", "street-alone", "city-in-street"],
)
def test_dedupe_compares_the_whole_address_never_a_prefecture_alone(state, city, street, whole):
    records = pd.DataFrame({"state": [state], "city": [city], "address": [street]}, dtype=object)
    assert full_address(records).tolist() == [whole]


def test_an_account_master_s_revenue_is_the_company_s_not_a_deal(tmp_path):
    path = _csv(
        tmp_path,
        "顧客マスタ_売上高.csv",
        "顧客コード,顧客名,業種,売上高（百万円）,従業員数,住所,代表電話\n"
        "K101,株式会社テスト工業,製造,12000,300,東京都千代田区丸の内1-1-1,03-1111-2222\n"
        "K102,株式会社サンプル商事,商社,8000,120,大阪府大阪市北区梅田1-1,06-1111-2222\n"
        "K103,社会福祉法人ひまわり会,福祉,900,80,愛知県名古屋市中区三の丸1-1,052-961-0001\n",
    )
    res, out = _run(tmp_path, path, "salesforce")
    acc = _read(out / "Account.csv").set_index("AccountNumber")
    assert len(acc) == 3
    assert _read(out / "Opportunity.csv").empty
    assert _read(out / "rejects.csv").empty
    assert acc.loc["K101", "AnnualRevenue"] == "12000000000"  # 百万円 applied
    assert acc.loc["K101", "NumberOfEmployees"] == "300"
    assert acc.loc["K101", "Industry"] == "製造"
    assert acc.loc["K101", "Phone"] == "+81311112222"
    _, out = _run(tmp_path, path, "hubspot")
    hub = _read(out / "companies.csv").set_index("name")
    row = hub.loc["株式会社テスト工業"]
    assert [row["annualrevenue"], row["numberofemployees"], row["industry"]] == [
        "12000000000",
        "300",
        "製造",
    ]


def test_a_deal_tracker_s_revenue_stays_the_amount(tmp_path):
    path = _csv(
        tmp_path,
        "pipeline.csv",
        "Account Name,Opportunity Name,Stage,Revenue,Close Date\n"
        "Acme Corp.,Renewal,Proposal,12000,2026-03-31\n",
    )
    res, out = _run(tmp_path, path, "generic")
    deals = _read(out / "deals.csv")
    assert deals.loc[0, "amount"] == "12000"
    assert _read(out / "companies.csv").loc[0, "annual_revenue"] == ""


def test_a_deal_sheet_s_company_phone_is_the_account_s_not_each_contact_s(tmp_path):
    path = _csv(
        tmp_path,
        "得意先別案件台帳.csv",
        "得意先,所在地,代表TEL,案件名,ご担当,進捗,受注金額,完了予定日\n"
        "株式会社テスト,〒220-0001 神奈川県横浜市西区北幸1-1,045-311-0001,保守更新,森田 様,提案,"
        "1000000,2026-03-31\n"
        "株式会社テスト,〒220-0001 神奈川県横浜市西区北幸1-1,045-311-0001,追加開発,新井 様,提案,"
        "2000000,2026-04-30\n",
    )
    _, out = _run(tmp_path, path, "salesforce")
    acc = _read(out / "Account.csv")
    assert acc["Phone"].tolist() == ["+81453110001"]
    assert acc["BillingStreet"].tolist() == ["神奈川県横浜市西区北幸1-1"]
    assert acc["BillingPostalCode"].tolist() == ["220-0001"]
    contacts = _read(out / "Contact.csv")
    assert len(contacts) == 2 and set(contacts["Phone"]) == {""}


def test_a_company_field_the_target_has_no_column_for_is_a_finding(tmp_path):
    path = _csv(
        tmp_path,
        "顧客台帳.csv",
        "顧客名,住所,TEL,FAX\n株式会社テスト,東京都千代田区丸の内1-1-1,03-1111-2222,03-1111-2223\n",
    )
    res, out = _run(tmp_path, path, "hubspot")
    hits = res.findings[res.findings["rule"] == "export.company-field-not-imported"]
    assert hits["field"].tolist() == ["fax"]
    assert "column 'FAX' holds the fax of 1 company(ies)" in hits["message"].iloc[0]
    res, out = _run(tmp_path, path, "salesforce")
    assert _read(out / "Account.csv").loc[0, "Fax"] == "+81311112223"
    assert not (res.findings["rule"] == "export.company-field-not-imported").any()


@pytest.mark.parametrize(
    ("cell", "code", "rest"),
    [
        ("〒220-0001 神奈川県横浜市西区北幸1-1", "220-0001", "神奈川県横浜市西区北幸1-1"),
        ("〒2200001神奈川県横浜市西区北幸1-1", "220-0001", "神奈川県横浜市西区北幸1-1"),
        ("＜〒＞２２０－０００１　神奈川県横浜市", "220-0001", "神奈川県横浜市"),
        ("郵便番号：220-0001 神奈川県横浜市", "220-0001", "神奈川県横浜市"),
        ("神奈川県横浜市西区北幸1-1", "", "神奈川県横浜市西区北幸1-1"),
        ("神奈川県横浜市 〒220-0001", "", "神奈川県横浜市 〒220-0001"),
        ("〒22-0001 横浜市", "", "〒22-0001 横浜市"),
    ],
    ids=["dash", "no-dash", "bracketed-full-width", "郵便番号", "none", "not-at-head", "too-short"],
)
def test_a_postal_code_at_the_head_of_an_address(cell, code, rest):
    assert split_head_code(cell) == (code, rest)


def test_a_postal_code_in_the_address_is_moved_only_where_the_row_has_none(tmp_path):
    path = _csv(
        tmp_path,
        "顧客マスタ.csv",
        "顧客名,郵便番号,住所\n"
        "株式会社エー,,〒220-0001 神奈川県横浜市西区北幸1-1\n"
        "株式会社ビー,100-0005,〒100-0005 東京都千代田区丸の内1-1-1\n"
        "株式会社シー,530-0001,〒100-0005 東京都千代田区丸の内2-2-2\n",
    )
    res, out = _run(tmp_path, path, "salesforce")
    acc = _read(out / "Account.csv").set_index("Name")
    assert acc.loc["株式会社エー", ["BillingPostalCode", "BillingStreet"]].tolist() == [
        "220-0001",
        "神奈川県横浜市西区北幸1-1",
    ]
    assert acc.loc["株式会社ビー", "BillingStreet"] == "東京都千代田区丸の内1-1-1"
    # a row's own code that differs: the address is kept as written
    assert acc.loc["株式会社シー", ["BillingPostalCode", "BillingStreet"]].tolist() == [
        "530-0001",
        "〒100-0005 東京都千代田区丸の内2-2-2",
    ]
    moved = res.findings[res.findings["rule"] == "normalize.postal-code-from-address"]
    assert len(moved) == 2


def test_a_trade_name_label_and_a_sole_proprietor_note_leave_the_name(tmp_path):
    path = _csv(
        tmp_path,
        "顧客.csv",
        "会社名,住所\n屋号：あおぞら整骨院（個人事業主）,神奈川県横浜市西区北幸1-1\n"
        "個人事業主 田中一郎,東京都千代田区丸の内1-1-1\n",
    )
    res, out = _run(tmp_path, path, "salesforce")
    assert sorted(_read(out / "Account.csv")["Name"]) == ["あおぞら整骨院", "個人事業主 田中一郎"]
    moved = res.findings[res.findings["rule"] == "normalize.company-note-moved"]
    assert len(moved) == 1 and "個人事業主" in moved["original"].iloc[0]


US_PHONES = (
    "Account Name,Main Phone,Address\n"
    "Acme Corp.,(217) 789-2000,100 Main St\n"
    "Brightline Data Corp.,(415) 555-0134,1 Market St\n"
    "Northfield Medical Center,(413) 787-6000,9 Elm St\n"
    "Vantage Logistics LLC,(312) 603-5000,2 Wacker Dr\n"
)


def test_us_phones_under_jp_get_one_country_hint(tmp_path):
    from click.testing import CliRunner

    from migrate.cli import cli

    path = _csv(tmp_path, "accounts.csv", US_PHONES)
    res = CliRunner().invoke(
        cli, ["run", str(path), "--target", "salesforce", "--out", str(tmp_path / "o")]
    )
    hints = [line for line in res.stderr.splitlines() if "--country" in line]
    assert len(hints) == 1, res.stderr
    assert "are no valid JP numbers but are valid US ones" in hints[0]
    assert hints[0].endswith("run again with --country US")
    # with the country given, the numbers are kept and no hint is given
    res = CliRunner().invoke(
        cli,
        [
            "run",
            str(path),
            "--target",
            "salesforce",
            "--country",
            "US",
            "--out",
            str(tmp_path / "u"),
        ],
    )
    assert "--country" not in res.stderr
    assert (_read(tmp_path / "u" / "Account.csv")["Phone"] != "").all()


def test_japanese_phones_that_fail_get_no_country_hint(tmp_path):
    from click.testing import CliRunner

    from migrate.cli import cli

    path = _csv(
        tmp_path,
        "顧客.csv",
        "会社名,代表電話\n株式会社エー,03-1111-2222\n株式会社ビー,06-1111-2222\n"
        "株式会社シー,1234\n",
    )
    res = CliRunner().invoke(
        cli, ["run", str(path), "--target", "salesforce", "--out", str(tmp_path / "o")]
    )
    assert "--country" not in res.stderr
