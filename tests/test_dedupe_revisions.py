"""Quote revisions (u25 items 4 and 5): the revisions of one quote are one deal at its latest
revision, whether the quote log gives each revision a new number (Q-2026-031 / -031-2 /
-031-3), a mark in the name (複合機リース（再見積）) or a 版 column beside one number; sequential
ids of different deals (OPP-1014 / OPP-1015) stay apart."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from test_dedupe_merge import _background
from test_dedupe_support import frame

from migrate.dedupe import DedupeResult, find_duplicates
from migrate.dedupe import revisions as R
from migrate.dedupe.settings import load_settings

MARUZEN = {"company_name": "株式会社丸善テクノ", "company_key": "丸善テクノ", "owner": "佐藤"}
QUOTES = {"_file": "見積管理台帳.xlsx", "_sheet": "見積台帳"}


def _q(**kw: Any) -> dict[str, Any]:
    return {**MARUZEN, **QUOTES, "stage": "proposal", **kw}


def _deal(result: DedupeResult, row: int) -> pd.Series:
    return result.deals.set_index("deal_id").loc[result.records.loc[row, "deal_id"]]


def _rules() -> Any:
    return load_settings(None).deals.revisions


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("Q-2026-031-2", "Q-2026-031"),
        ("Q-2026-031-3", "Q-2026-031"),
        ("OPP-1014-R2", "OPP-1014"),
        ("Q-77 Rev.3", "Q-77"),
        ("Q-88_v2", "Q-88"),
        ("見積-004（再見積）", "見積-004"),
        ("Q-2026-031", "Q-2026-031"),
        ("OPP-1015", "OPP-1015"),
        ("INV-2026-12", "INV-2026-12"),  # a month of a year-numbered id, no revision
        ("2026-05", "2026-05"),
        ("A-1", "A-1"),  # what is left holds no number: no base id
    ],
)
def test_the_base_id_of_a_revision(given: str, base: str) -> None:
    assert R.base_ids(pd.Series([given]), _rules()).tolist() == [base]


def test_revision_marks_are_not_part_of_the_deal_name() -> None:
    names = pd.Series(["基幹システム刷新（第2版）", "基幹システム刷新 Rev.3", "複合機リース（再見積）",
                       "基幹刷新フェーズ2", "再見積"])  # fmt: skip
    assert R.strip_marks(names, _rules()).tolist() == [
        "基幹システム刷新", "基幹システム刷新", "複合機リース", "基幹刷新フェーズ2", "再見積",
    ]  # fmt: skip


def test_revisions_under_new_numbers_are_one_deal_at_the_latest_revision() -> None:
    rows = [
        _q(record_id="Q-2026-031", deal_name="基幹システム刷新", amount=12_000_000.0),
        _q(record_id="Q-2026-031-2", deal_name="基幹システム刷新（第2版）", amount=10_800_000.0),
        _q(record_id="Q-2026-031-3", deal_name="基幹システム刷新 Rev.3", amount=9_800_000.0),
    ]
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[:2, "deal_id"].nunique() == 1
    assert _deal(result, 0)["amount"] == 9_800_000.0
    assert (result.findings["rule"] != "dedupe.unordered-conflict").all()


def test_a_re_quote_under_another_number_is_at_least_a_review_pair() -> None:
    shiratori = {"company_name": "株式会社白鳥商会", "company_key": "白鳥商会",
                 "_file": "見積一覧.xlsx", "_sheet": "見積", "stage": "proposal",
                 "close_date": "2027-01-10"}  # fmt: skip
    rows = [
        {**shiratori, "record_id": "E-001", "deal_name": "複合機リース", "amount": 1_200_000.0},
        {**shiratori, "record_id": "E-002", "deal_name": "ネットワーク更改", "amount": 500_000.0,
         "close_date": "2026-11-20"},
        {**shiratori, "record_id": "見積-003-2", "deal_name": "複合機リース（再見積）",
         "amount": 1_100_000.0},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    ids = result.records.loc[:2, "deal_id"].tolist()
    pairs = result.pairs[result.pairs["entity"] == "deals"]
    assert ids[0] == ids[2] or len(pairs) >= 1
    assert ids[1] not in (ids[0], ids[2])


def test_the_later_version_s_amount_is_kept_whatever_the_row_order() -> None:
    hikari = {"company_name": "株式会社ひかり商事", "company_key": "ひかり商事", "owner": "高木",
              "_file": "見積台帳_版逆順.xlsx", "_sheet": "見積台帳", "stage": "closing",
              "record_id": "Q-2026-047", "deal_name": "セキュリティ診断",
              "close_date": "2027-01-15"}  # fmt: skip
    rows = [
        {**hikari, "extra:版": "2", "amount": 750_000.0},
        {**hikari, "extra:版": "1", "amount": 900_000.0},
    ]
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    assert _deal(result, 0)["amount"] == 750_000.0
    assert (result.findings["rule"] != "dedupe.unordered-conflict").all()


def test_sequential_ids_of_two_deals_of_one_customer_stay_apart() -> None:
    rows = [
        _q(record_id="OPP-1014", deal_name="基幹システム刷新", amount=12_000_000.0,
           close_date="2026-12-31"),
        _q(record_id="OPP-1015", deal_name="基幹システム刷新", amount=3_000_000.0,
           close_date="2027-03-31", owner="高木"),
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] != result.records.loc[1, "deal_id"]


TOHO = {"company_name": "株式会社東邦化学", "company_key": "東邦化学", "contact_name": "西村 拓也",
        "_file": "案件登録申請一覧.xlsx", "_sheet": "登録案件", "deal_name": "品質管理SaaS",
        "amount": 3_000_000.0, "close_date": "2026-12-20", "stage": "proposal"}  # fmt: skip


def test_two_partners_registering_one_deal_are_at_least_a_review_pair() -> None:
    rows = [
        {**TOHO, "record_id": "REG-0091", "owner": "森田 翔", "created_at": "2026-08-01"},
        {**TOHO, "record_id": "REG-0097", "owner": "井上 早紀", "created_at": "2026-10-01"},
    ]
    result = find_duplicates(frame([*rows, *_background()]))
    pairs = result.pairs[result.pairs["entity"] == "deals"]
    merged = result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    assert len(pairs) == 1
    # a person decides: two people registered it
    assert not merged and pairs["status"].tolist() == ["review"]


def test_two_deals_of_one_registration_sheet_stay_apart() -> None:
    rows = [
        {**TOHO, "record_id": "REG-0091", "owner": "森田 翔"},
        {**TOHO, "record_id": "REG-0098", "owner": "井上 早紀", "deal_name": "品質管理SaaS 追加",
         "amount": 800_000.0, "close_date": "2027-03-31"},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] != result.records.loc[1, "deal_id"]
    assert (result.pairs["entity"] != "deals").all()
