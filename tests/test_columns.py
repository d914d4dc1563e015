"""Column mapping: synonyms, containment, fuzzy matches, unit hints and content sniffing."""

from __future__ import annotations

import pandas as pd
import pytest

from migrate.columns import header_key, map_columns, match_header, sniff_column, unit_hints
from migrate.schema import load_schema

SCHEMA = load_schema()


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("会社名", "company_name"),
        ("取引先名", "company_name"),
        ("顧客名", "company_name"),
        ("Account Name", "company_name"),
        ("ACCOUNT　NAME", "company_name"),
        ("【必須】会社名", "company_name"),
        ("受注予定日", "close_date"),
        ("完了予定日", "close_date"),
        ("Expected Close", "close_date"),
        ("Close Date", "close_date"),
        ("金額（万円）", "amount"),
        ("Amount (JPY)", "amount"),
        ("見込金額(千円)", "amount"),
        ("フェーズ", "stage"),
        ("確度（%）", "probability"),
        ("営業担当者名", "owner"),
        ("顧客担当者メールアドレス", "email"),
        ("Ｅ－ｍａｉｌ", "email"),
        ("案件No.", "record_id"),
        ("会社名（カナ）", "company_name_kana"),
        ("次回アクション", "next_action"),
        ("Opportunity Owner", "owner"),
    ],
)
def test_header_synonyms(header, field):
    assert match_header(header, SCHEMA)[0] == field


def test_fuzzy_header_has_a_confidence_below_one():
    field, conf, method = match_header("受注予定日付", SCHEMA)
    assert field == "close_date" and conf < 1.0 and method in {"contains", "fuzzy"}


def test_a_contacts_own_record_number_is_no_customer_code():
    # 取引先責任者 is Salesforce's contact: its ID is the person's record, not the company's code
    assert match_header("取引先コード", SCHEMA)[0] == "company_code"
    assert match_header("取引先責任者ID", SCHEMA)[0] is None


@pytest.mark.parametrize("header", ["商談化", "商談化フラグ", "商談化有無"])
def test_a_conversion_flag_is_no_deal_name(header):
    # u22: an IS sheet's 商談化 (済/未) and 商談化フラグ (○) were read as the deal name by
    # 'contains' (商談), and the tracker's names became '商談化': kept as an extra
    assert match_header(header, SCHEMA)[0] is None


@pytest.mark.parametrize(
    ("header", "field"),
    [("商談化区分", "stage"), ("商談化ステータス", "stage"), ("商談化日", "created_at"),
     ("商談名", "deal_name"), ("商談", "deal_name"), ("案件化日", "created_at")],
)  # fmt: skip
def test_a_conversion_class_is_a_stage_and_deal_names_stay(header, field):
    # 商談化区分 holds SQL / アポ獲得 / 商談化: how far the lead came. The deal's own columns
    # keep their fields (the unmapped word is 商談化, not 商談)
    assert match_header(header, SCHEMA)[0] == field


@pytest.mark.parametrize(
    ("header", "field"),
    [("配信停止", "email_opt_out"), ("Email Opt Out", "email_opt_out"),
     ("Do Not Email", "email_opt_out"), ("メルマガ配信", "email_consent"),
     ("utm_campaign", "campaign"), ("展示会名", "campaign"), ("キャンペーン名", "campaign"),
     ("Campaign", "campaign"), ("utm_source", "utm_source"), ("utm_medium", "utm_medium"),
     ("スコア", "lead_score"), ("Lead Source", "lead_source"), ("流入経路", "lead_source")],
)  # fmt: skip
def test_opt_out_campaign_and_score_columns(header, field):
    # u22: opt-outs were unmapped (imported as e-mailable) and utm_campaign became the lead
    # source; a campaign is no lead source
    assert match_header(header, SCHEMA)[0] == field


def test_unknown_header_stays_unmapped():
    assert (
        match_header("社内メモ用フラグ", SCHEMA)[0] is None
        or match_header("社内メモ用フラグ", SCHEMA)[1] < 1
    )


@pytest.mark.parametrize(
    ("header", "unit", "currency"),
    [
        ("金額（万円）", 10000, "JPY"),
        ("見込金額(千円)", 1000, "JPY"),
        ("Amount (USD)", 1, "USD"),
        ("Amount ($k)", 1000, "USD"),
        ("金額", 1, ""),
        ("売上（億円）", 100000000, "JPY"),
    ],
)
def test_unit_hints(header, unit, currency):
    assert unit_hints(header, SCHEMA) == (unit, currency)


def test_header_key_normalises_width_case_and_brackets():
    assert header_key("Ｃｌｏｓｅ　Ｄａｔｅ") == header_key("close date") == "closedate"


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["a@x.co.jp", "B@Y.COM", "山田 <c@z.jp>"], "email"),
        (["03-1234-5678", "090-1111-2222", "(06)1234-5678"], "phone"),
        (["https://example.co.jp", "www.acme.com", "acme.io"], "url"),
        (["商談中", "提案済み", "受注", "失注"], "stage"),
        (["株式会社山田", "(株)ABC", "Acme Inc."], "company"),
    ],
)
def test_sniffing(values, kind):
    assert sniff_column(values)[0] == kind


def test_content_beats_a_misleading_header():
    values = pd.DataFrame({0: ["A社", "B社", "C社"], 1: ["a@x.jp", "b@y.jp", "c@z.jp"]})
    m = map_columns(["会社名", "連絡先"], ["A", "B"], values, SCHEMA)
    assert [c.field for c in m] == ["company_name", "email"]
    assert m[1].method == "sniff"


def test_unnamed_column_is_mapped_by_content():
    values = pd.DataFrame({0: ["A社", "B社", "C社"], 1: ["x@a.jp", "y@b.jp", "z@c.jp"]})
    m = map_columns(["会社名", ""], ["A", "B"], values, SCHEMA)
    assert m[1].field == "email"


def test_each_field_goes_to_one_column():
    values = pd.DataFrame({0: ["A社"] * 3, 1: ["B社"] * 3})
    m = map_columns(["会社名", "顧客名"], ["A", "B"], values, SCHEMA)
    assert [c.field for c in m] == ["company_name", None]
    assert "company_name" in m[1].note


@pytest.mark.parametrize(
    ("headers", "amount"),
    [
        pytest.param(["Qty", "Price", "Amount"], 2, id="qty-price-amount"),
        pytest.param(["Seats", "Price", "Total"], 2, id="seats-price-total"),
        pytest.param(["数量", "価格", "金額"], 2, id="ja-price-amount"),
        pytest.param(["Amount", "Price"], 0, id="amount-first"),
        pytest.param(["Qty", "Price"], 1, id="price-alone-is-the-amount"),
        pytest.param(["Amount", "Total"], 0, id="two-totals-first-wins"),
    ],
)
def test_a_price_per_unit_gives_way_to_the_total(headers: list[str], amount: int) -> None:
    """u21: Qty | Price | Amount read Price as the deal's amount (PQ-01 exported at 300,000, not
    1,200,000) and kept Amount as an extra. A price per unit (columns.yaml per_unit) beside
    another amount column gives way to it; alone, it is the amount."""
    values = pd.DataFrame(
        {i: ["1,200,000", "300,000", "4"][: len(headers)] for i in range(len(headers))}
    )
    letters = ["A", "B", "C"][: len(headers)]
    m = map_columns(headers, letters, values, SCHEMA)
    assert [c.field == "amount" for c in m] == [i == amount for i in range(len(headers))]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (["田中", "田中", "佐藤", "田中", "佐藤", "田中", "佐藤", "佐藤"], "owner"),
        (
            ["山田太郎", "佐藤花子", "鈴木一郎", "高橋", "伊藤", "渡辺", "中村", "小林"],
            "contact_name",
        ),
    ],
)
def test_ambiguous_担当者_is_resolved_by_repetition(values, field):
    frame = pd.DataFrame({0: [f"{i}社" for i in range(len(values))], 1: values})
    m = map_columns(["会社名", "担当者"], ["A", "B"], frame, SCHEMA)
    assert m[1].field == field


def test_ambiguous_担当者_takes_contact_when_owner_is_taken():
    frame = pd.DataFrame({0: ["A社"] * 8, 1: ["田中"] * 8, 2: ["山田"] * 8})
    m = map_columns(["会社名", "営業担当", "担当者"], ["A", "B", "C"], frame, SCHEMA)
    assert [c.field for c in m] == ["company_name", "owner", "contact_name"]


@pytest.mark.parametrize(
    "header, field",
    [
        ("ご担当", "contact_name"),  # ご/お: the customer's side, not our rep
        ("Expected signing", "close_date"),
        ("Projected close", "close_date"),  # not deal_name: "Project" is not a word of it
        ("Planned order", "close_date"),
    ],
)
def test_headers_seen_in_fresh_trackers(header: str, field: str) -> None:
    from migrate.columns import match_header
    from migrate.schema import load_schema

    assert match_header(header, load_schema())[0] == field


def test_an_unnamed_column_of_mobile_numbers_beside_the_phone_is_the_mobile(tmp_path) -> None:
    import csv

    from migrate.ingest import read_sources

    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["会社名", "担当者名", "電話番号", "", "案件名"])
        for i in range(8):
            w.writerow(
                [f"株式会社テスト{i}", f"山田{i}", f"03-1234-56{i:02d}", f"090-1111-22{i:02d}", "x"]
            )
    table = read_sources([str(path)]).tables[0]
    by_col = {c.column: c.field for c in table.columns}
    assert by_col["C"] == "phone" and by_col["D"] == "mobile_phone"


def test_a_bare_予定日_is_the_close_date_unless_a_column_holds_one() -> None:
    # a deal board's 予定日 beside ステージ and 金額 is when the deal closes; beside 受注予定日
    # it is the next planned date, and 次回予定日 stays the next action's date
    frame = pd.DataFrame({0: ["A社"] * 3, 1: ["提案"] * 3, 2: ["2026/3/31"] * 3})
    m = map_columns(["会社名", "ステージ", "予定日"], ["A", "B", "C"], frame, SCHEMA)
    assert m[2].field == "close_date"
    frame[3] = ["2026/4/30"] * 3
    m = map_columns(
        ["会社名", "ステージ", "予定日", "受注予定日"], ["A", "B", "C", "D"], frame, SCHEMA
    )
    assert [c.field for c in m][2:] == ["next_action_date", "close_date"]
    assert match_header("次回予定日", SCHEMA)[0] == "next_action_date"
    # a list of people (no amount, no stage): the next planned contact, not a close date that
    # would make the lead list a sheet of deals
    people = pd.DataFrame({0: ["A社"] * 3, 1: ["山田"] * 3, 2: ["2026/3/31"] * 3})
    m = map_columns(["会社名", "氏名", "予定日"], ["A", "B", "C"], people, SCHEMA)
    assert m[2].field == "next_action_date"


def test_business_card_phone_headers_are_phones() -> None:
    # Eight/Sansan exports: TEL会社, TEL部門, TEL直通 (direct line) are phone numbers
    for header in ("TEL直通", "TEL会社", "TEL部門", "直通TEL"):
        assert match_header(header, SCHEMA)[0] == "phone"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        pytest.param(
            ["佐藤 一郎 様", "佐藤 一郎 様", "鈴木様", "鈴木様"] * 2, "contact_name", id="sama"
        ),
        pytest.param(["田中", "田中", "佐藤", "佐藤"] * 2, "owner", id="repeating-reps"),
        pytest.param(
            ["田中さん", "田中さん", "佐藤さん", "佐藤さん"] * 2, "owner", id="san-says-nothing"
        ),
    ],
)
def test_names_written_with_a_customer_honorific_are_the_contact(values, field) -> None:
    """u21: 担当者 holding 佐藤 一郎 様 on every deal of one company repeated like a rep and was
    read as the owner, so no contact was made. Names mostly written with 様 or 殿 (columns.yaml
    customer_honorifics) are the customer's contact however they repeat; さん is said of
    colleagues too."""
    frame = pd.DataFrame({0: [f"{i}社" for i in range(8)], 1: values})
    m = map_columns(["会社名", "担当者"], ["A", "B"], frame, SCHEMA)
    assert m[1].field == field
