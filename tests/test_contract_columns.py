"""Contract and renewal ledgers (u26): a term is no date, a renewal date no last update, the
amount the contract's value over its parts, a contract's name no person's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from migrate import pipeline
from migrate.ingest import read_sources


def _book(path: Path, rows: list[list], title: list | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in title or []:
        ws.append(r)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _fields(path: Path) -> dict[str, str | None]:
    table = read_sources([str(path)]).tables[0]
    return {m.header: m.field for m in table.columns}


# --- item 2: a length of time is never a date ------------------------------------------------


@pytest.mark.parametrize(
    "term", ["契約期間（年）", "契約月数", "期間（月）", "Term (months)", "Contract Term"]
)
def test_a_contract_term_is_no_close_date_and_the_plan_date_is(tmp_path, term):
    path = _book(
        tmp_path / "t.xlsx",
        [
            ["会社名", "案件名", "ステージ", "金額", term, "受注予定日"],
            ["株式会社A", "X導入", "提案", 600000, 12, dt.datetime(2027, 1, 31)],
            ["株式会社B", "Y導入", "提案", 1200000, 24, dt.datetime(2027, 2, 28)],
        ],
    )
    fields = _fields(path)
    assert fields[term] is None
    assert fields["受注予定日"] == "close_date"
    res = pipeline.run([str(path)], target="salesforce")
    assert set(res.crosswalk["status"]) == {"exported"}


def test_a_column_of_numbers_stands_in_for_no_close_date(tmp_path):
    """The cause (u26): a keyword match naming neither word of a column_fallbacks pair was made
    the close date over 受注予定日 (a plan), whatever its values, with the exact match's 1.00.
    契約期 (the contract's 1st, 2nd period) names no length but holds no dates either."""
    path = _book(
        tmp_path / "t.xlsx",
        [
            ["会社名", "案件名", "ステージ", "金額", "契約期", "受注予定日"],
            ["株式会社A", "X導入", "提案", 600000, 1, dt.datetime(2027, 1, 31)],
            ["株式会社B", "Y導入", "提案", 1200000, 2, dt.datetime(2027, 2, 28)],
            ["株式会社C", "Z導入", "提案", 900000, 3, None],
        ],
    )
    table = read_sources([str(path)]).tables[0]
    [close] = [m for m in table.columns if m.field == "close_date"]
    assert close.header == "受注予定日"
    assert close.method == "exact"


def test_a_plan_still_fills_the_blanks_of_a_dated_close_column(tmp_path):
    """Negative: 契約日 (dates) beside 受注予定日 is still read first, the plan filling its
    blanks, and it keeps its own confidence."""
    path = _book(
        tmp_path / "t.xlsx",
        [
            ["会社名", "案件名", "契約日", "受注予定日"],
            ["株式会社A", "X", dt.datetime(2026, 11, 20), dt.datetime(2026, 12, 31)],
            ["株式会社B", "Y", None, dt.datetime(2026, 12, 31)],
        ],
    )
    table = read_sources([str(path)]).tables[0]
    [close] = [m for m in table.columns if m.field == "close_date"]
    assert close.header == "契約日"
    assert [str(v)[:10] for v in table.data[close.index]] == ["2026-11-20", "2026-12-31"]


# --- item 3: renewal dates, a contract's start, and dates after the sheet's own date ----------


def _tracker(path: Path, update_header: str, updates: list, extra: dict | None = None) -> Path:
    extra = extra or {}
    header = ["会社名", "案件名", "ステージ", "金額", *extra, update_header, "受注予定日"]
    rows = [header]
    closes = [dt.datetime(2026, 12, 25), dt.datetime(2027, 1, 31), dt.datetime(2027, 2, 28)]
    for n, (up, close) in enumerate(zip(updates, closes)):
        cells = [v[n] for v in extra.values()]
        rows.append([f"株式会社{'ABC'[n]}", f"X{n}", "提案", 100000, *cells, up, close])
    return _book(path, rows, title=[["案件管理表"], ["最終更新：2026/11/30"], [None]])


def test_an_update_date_after_the_sheets_own_date_does_not_set_today(tmp_path):
    """u26: 更新日 of renewals (2027, 2028) made today 2028-04-01 though the sheet says
    最終更新：2026/11/30, and every open deal's close date was 'past'."""
    ups = [dt.datetime(2026, 11, 2), dt.datetime(2027, 4, 1), dt.datetime(2028, 4, 1)]
    res = pipeline.run([str(_tracker(tmp_path / "t.xlsx", "更新日", ups))], target="salesforce")
    assert res.as_of == dt.date(2026, 11, 30)
    found = res.findings[res.findings["rule"] == "run.date-after-own-date"]
    assert len(found) == 1 and "2028-04-01" in found["message"].iloc[0]
    assert "stages.open-close-date-past" not in set(res.findings["rule"])


def test_an_update_date_before_the_sheets_own_date_is_the_last_update(tmp_path):
    """Negative: a plain tracker's 更新日 stays updated_at, and its dates up to the stated day
    (or a month past it: a title not yet updated) count."""
    ups = [dt.datetime(2026, 10, 2), dt.datetime(2026, 11, 20), dt.datetime(2026, 12, 15)]
    path = _tracker(tmp_path / "t.xlsx", "更新日", ups)
    assert _fields(path)["更新日"] == "updated_at"
    res = pipeline.run([str(path)], target="salesforce")
    assert res.as_of == dt.date(2026, 12, 15)
    assert "run.date-after-own-date" not in set(res.findings["rule"])


def test_a_renewal_date_beside_contract_columns_is_no_update(tmp_path):
    ups = [dt.datetime(2027, 4, 1), dt.datetime(2027, 7, 1), dt.datetime(2028, 4, 1)]
    starts = [dt.datetime(2026, 4, 1), dt.datetime(2026, 7, 1), dt.datetime(2027, 4, 1)]
    ends = [dt.datetime(2027, 3, 31), dt.datetime(2027, 6, 30), dt.datetime(2028, 3, 31)]
    path = _tracker(tmp_path / "t.xlsx", "更新日", ups, {"契約開始日": starts, "契約終了日": ends})
    fields = _fields(path)
    assert fields["更新日"] is None and fields["契約開始日"] is None
    res = pipeline.run([str(path)], target="salesforce")
    assert res.as_of == dt.date(2026, 11, 30)
    assert "extra:更新日" in res.records.columns


# --- item 4: which money column is the amount, and why ---------------------------------------


def _money_sheet(path: Path, headers: list[str], values: list[int]) -> Path:
    return _book(
        path,
        [
            ["会社名", "案件名", "ステージ", *headers, "受注予定日"],
            ["株式会社A", "X導入", "提案", *values, dt.datetime(2027, 1, 31)],
            ["株式会社B", "Y導入", "提案", *values, dt.datetime(2027, 2, 28)],
        ],
    )


@pytest.mark.parametrize(
    "order", [["MRR", "ARR", "TCV"], ["TCV", "MRR", "ARR"], ["ARR", "TCV", "MRR"]]
)
def test_tcv_is_the_amount_whatever_the_order_and_the_report_says_why(tmp_path, order):
    value = {"MRR": 10000, "ARR": 120000, "TCV": 360000}
    path = _money_sheet(tmp_path / "m.xlsx", order, [value[h] for h in order])
    res = pipeline.run([str(path)], target="salesforce")
    opp = res.export.files["Opportunity.csv"]
    assert opp["Amount"].tolist() == ["360000", "360000"]
    chosen = res.findings[res.findings["rule"] == "ingest.amount-column-chosen"]
    [message] = chosen["message"].tolist()
    assert message.startswith("amount from 'TCV' over ")
    assert "'ARR'" in message and "'MRR'" in message and "amount_gives_way" in message


def test_a_monthly_fee_taken_as_the_amount_says_per_month(tmp_path):
    """月額 alone (beside 初期費用 and 契約月数, not added up) is still the amount, and says it is
    one month's fee, though the period is in the header, not the cell."""
    path = _money_sheet(tmp_path / "m.xlsx", ["初期費用", "月額", "契約月数"], [50000, 12000, 60])
    res = pipeline.run([str(path)], target="salesforce")
    assert res.export.files["Opportunity.csv"]["Amount"].tolist() == ["12000", "12000"]
    per = res.findings[res.findings["rule"] == "normalize.amount-per-period"]
    assert len(per) == 1 and "per month" in per["message"].iloc[0]
    assert "ingest.amount-column-chosen" not in set(res.findings["rule"])


def test_a_unit_price_alone_says_so_and_a_plain_amount_says_nothing(tmp_path):
    path = _money_sheet(tmp_path / "u.xlsx", ["ID数", "単価（年額）"], [500, 6000])
    res = pipeline.run([str(path)], target="salesforce")
    assert "ingest.amount-unit-price" in set(res.findings["rule"])
    # negative: 金額 (and Price alone, often the deal's price) is no unit price nor a period
    plain = pipeline.run(
        [str(_money_sheet(tmp_path / "p.xlsx", ["金額"], [600000]))], target="salesforce"
    )
    rules = set(plain.findings["rule"])
    assert not rules & {
        "ingest.amount-unit-price",
        "normalize.amount-per-period",
        "ingest.amount-column-chosen",
    }


# --- item 9: a contract's name is the deal's; one name across customers is our rep -----------


def test_a_contract_name_is_the_deal_name_not_a_contact(tmp_path):
    path = _book(
        tmp_path / "c.xlsx",
        [
            ["会社名", "Contract Name", "ステージ", "金額", "受注予定日"],
            [
                "株式会社ひかり銀行",
                "勤怠クラウド スタンダード",
                "提案",
                100000,
                dt.datetime(2027, 1, 31),
            ],
            ["そよ風保険株式会社", "会計クラウド プロ", "提案", 200000, dt.datetime(2027, 2, 28)],
        ],
    )
    res = pipeline.run([str(path)], target="salesforce")
    names = set(res.export.files["Opportunity.csv"]["Name"])
    assert names == {"勤怠クラウド スタンダード", "会計クラウド プロ"}
    contacts = res.export.files.get("Contact.csv")
    assert contacts is None or contacts.empty


def test_one_person_beside_every_customer_is_our_rep(tmp_path):
    path = _book(
        tmp_path / "l.xlsx",
        [
            ["会社名", "案件名", "ステージ", "金額", "受注予定日", "担当者"],
            ["株式会社ひかり銀行", "全社導入", "提案", 3000000, dt.datetime(2027, 1, 31), "加藤"],
            ["そよ風保険株式会社", "追加", "提案", 300000, dt.datetime(2026, 12, 31), "加藤"],
            ["みらい学園", "トライアル", "提案", 180000, dt.datetime(2027, 3, 31), "加藤"],
        ],
    )
    assert _fields(path)["担当者"] == "owner"
