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


@pytest.mark.parametrize("term", ["契約期間（年）", "契約月数", "期間（月）", "Term (months)", "Contract Term"])
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
