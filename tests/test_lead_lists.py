"""migrate.lead_lists: a lead list is told per sheet (no row carries a deal field, one row is a
person), and a tracker whose every sheet holds deals is told so before its people are read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from migrate.lead_lists import lead_list_rows, may_hold_lead_lists


def _rows(*rows: tuple[str, str, dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"_source_file": f, "_source_sheet": s, "amount": np.nan, "close_date": "", **cells}
            for f, s, cells in rows
        ]
    )


def test_a_sheet_without_deal_fields_is_a_lead_list_when_one_row_is_a_person() -> None:
    frame = _rows(
        ("a.xlsx", "リード", {"deal_name": ""}),
        ("a.xlsx", "案件", {"deal_name": "更新案件", "amount": 100.0}),
        ("a.xlsx", "リード", {"deal_name": "2026/4/1"}),  # a date is no deal name
        ("a.xlsx", "案件", {"deal_name": ""}),
        ("b.xlsx", "リード", {"deal_name": ""}),  # another file's sheet of the same name
    )
    person = pd.Series([False, True, True, True, False])
    assert may_hold_lead_lists(frame)
    assert lead_list_rows(frame, person).tolist() == [True, False, True, False, False]


def test_every_sheet_holding_a_deal_holds_no_lead_list() -> None:
    frame = _rows(
        ("a.xlsx", "東日本", {"amount": 0.0, "close_date": "2026-03-31"}),
        ("a.xlsx", "西日本", {"amount": 5.0}),
        ("a.xlsx", "西日本", {}),
    )
    assert not may_hold_lead_lists(frame)
    assert not lead_list_rows(frame, pd.Series([True, True, True])).any()
    assert not may_hold_lead_lists(frame.iloc[:0])


def test_sheets_are_told_apart_by_file_and_sheet_not_by_a_joined_label() -> None:
    frame = _rows(("a|b", "c", {}), ("a", "b|c", {"amount": 1.0}))
    assert lead_list_rows(frame, pd.Series([True, False])).tolist() == [True, False]
