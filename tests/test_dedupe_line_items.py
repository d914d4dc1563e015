"""Order-ledger line items (u25 item 7): rows of one sheet sharing one order number (受注番号)
with different products are one deal whose amount is their sum, so won revenue is not counted
twice; a row listed twice, or two orders, are not line items."""

from __future__ import annotations

from typing import Any

import pandas as pd
from test_dedupe_merge import _background
from test_dedupe_support import frame

from migrate.dedupe import DedupeResult, find_duplicates

KOHOKU = {"company_name": "港北工業株式会社", "company_key": "港北工業", "owner": "鈴木",
          "_file": "受注台帳_2026.xlsx", "_sheet": "受注台帳", "stage": "won",
          "close_date": "2026-10-03"}  # fmt: skip


def _line(**kw: Any) -> dict[str, Any]:
    return {**KOHOKU, "record_id": "J-0601", **kw}


def _deal(result: DedupeResult, row: int) -> pd.Series:
    return result.deals.set_index("deal_id").loc[result.records.loc[row, "deal_id"]]


def test_the_line_items_of_one_order_are_one_deal_of_their_sum() -> None:
    rows = [
        _line(product="IoTセンサー", amount=600_000.0),
        _line(product="ゲートウェイ", amount=120_000.0),
    ]
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    assert _deal(result, 0)["amount"] == 720_000.0
    said = result.findings[result.findings["rule"] == "dedupe.line-items-summed"]
    assert said["value"].tolist() == ["720,000"]
    assert "J-0601" in said["message"].iloc[0]


def test_a_tracker_deal_of_the_order_s_total_meets_the_order() -> None:
    rows = [
        _line(product="IoTセンサー", amount=600_000.0),
        _line(product="ゲートウェイ", amount=120_000.0),
        {**KOHOKU, "_file": "代理店経由案件.xlsx", "_sheet": "案件", "record_id": "P-103",
         "deal_name": "IoTセンサー追加", "amount": 720_000.0, "close_date": "2026-12-18"},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    ids = result.records.loc[:2, "deal_id"].tolist()
    pairs = result.pairs[result.pairs["entity"] == "deals"]
    # merged, or a person decides: never 1.44M of won revenue without a word
    assert ids[0] == ids[2] or len(pairs) >= 1


def test_two_orders_or_one_product_twice_are_not_line_items() -> None:
    rows = [
        _line(product="IoTセンサー", amount=600_000.0),
        _line(record_id="J-0602", product="ゲートウェイ", amount=120_000.0),
        _line(record_id="J-0605", product="保守", amount=50_000.0, _row=20),
        _line(record_id="J-0605", product="保守", amount=50_000.0, _row=21),
    ]
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] != result.records.loc[1, "deal_id"]
    assert _deal(result, 0)["amount"] == 600_000.0
    assert _deal(result, 2)["amount"] == 50_000.0
    assert (result.findings["rule"] != "dedupe.line-items-summed").all()
