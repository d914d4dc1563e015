"""Amounts as column metadata and as text: ColumnUnits through a whole run, one formatter."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate import pipeline
from migrate.amounts import NO_UNIT, ColumnUnit, ColumnUnits, format_amount
from migrate.export import values as export_values
from migrate.ingest import column_units, to_records

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

HIDDEN = ("_amount_unit", "_currency_hint", "_currency")


def _csv(path: Path, header: list[str], *rows: list[object]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three trackers of one run: amounts in 万円, in dollars, and in yen.

    The same deal (山田電気 基幹システム更新) is in the 万円 tracker as 120 and in the yen
    tracker as 1200000: one deal once merged.
    """
    d = tmp_path_factory.mktemp("units")
    man = _csv(
        d / "a_man.csv",
        ["会社名", "担当者メール", "案件名", "金額（万円）", "ステージ", "更新日"],
        [
            "山田電気株式会社",
            "taro@yamada.example.jp",
            "基幹システム更新",
            120,
            "提案",
            "2026/1/10",
        ],
        ["鈴木商事株式会社", "ichiro@suzuki.example.jp", "保守契約", 30, "受注", "2026/1/9"],
    )
    usd = _csv(
        d / "b_usd.csv",
        ["Company", "Email", "Deal Name", "Amount (USD)", "Stage", "Updated"],
        ["Acme Corp", "john@acme.example.com", "Cloud migration", 27500, "Proposal", "2026-01-08"],
    )
    yen = _csv(
        d / "c_yen.csv",
        ["会社名", "担当者メール", "案件名", "金額（円）", "ステージ", "更新日"],
        [
            "山田電気株式会社",
            "taro@yamada.example.jp",
            "基幹システム更新",
            1200000,
            "提案",
            "2026/1/10",
        ],
    )
    return [man, usd, yen]


@pytest.fixture(scope="module")
def run(sources: list[Path]) -> pipeline.RunResult:
    return pipeline.run([str(p) for p in sources], target="hubspot")


def _by_file(result: pipeline.RunResult) -> dict[str, list[tuple[float, str]]]:
    rec = result.records
    out: dict[str, list[tuple[float, str]]] = {}
    for file, amount, currency in rec[["_source_file", "amount", "currency"]].itertuples(
        index=False
    ):
        out.setdefault(file, []).append((amount, currency))
    return out


def test_header_units_are_column_metadata_not_hidden_columns(sources: list[Path]) -> None:
    ingest = pipeline.inspect([str(p) for p in sources])
    records = to_records(ingest.tables)
    assert not [c for c in records.columns if c in HIDDEN]
    units = column_units(ingest.tables)
    assert units.get("a_man.csv", "", "amount") == ColumnUnit(10000.0, "JPY")  # 万円: yen
    assert units.get("b_usd.csv", "", "amount") == ColumnUnit(1.0, "USD")
    assert units.get("c_yen.csv", "", "amount").unit == 1.0
    assert units.get("a_man.csv", "", "deal_name") == NO_UNIT


def test_each_source_keeps_its_own_unit_and_currency_through_the_run(
    run: pipeline.RunResult,
) -> None:
    assert not [c for c in run.records.columns if c in HIDDEN]
    assert _by_file(run) == {
        "a_man.csv": [(1200000.0, "JPY"), (300000.0, "JPY")],
        "b_usd.csv": [(27500.0, "USD")],
        "c_yen.csv": [(1200000.0, "JPY")],
    }


def test_rows_of_two_units_merge_into_one_deal(run: pipeline.RunResult) -> None:
    rec = run.records
    yamada = rec[rec["company_name"] == "山田電気株式会社"]
    assert sorted(yamada["_source_file"]) == ["a_man.csv", "c_yen.csv"]
    assert yamada["deal_id"].nunique() == 1
    assert sorted(yamada["_status"]) == ["exported", "merged"]
    deals = run.dedupe.deals
    deal = deals[deals["deal_id"] == yamada["deal_id"].iloc[0]].iloc[0]
    assert (deal["amount"], deal["currency"]) == (1200000.0, "JPY")
    assert "normalize.amount-unit-applied" in set(run.findings["rule"])


def test_the_dollar_deal_is_rejected_by_the_currency_check(run: pipeline.RunResult) -> None:
    rejects = run.export.rejects
    foreign = rejects[rejects["rule"] == "export.foreign-currency"]
    assert len(foreign) == 1
    r = foreign.iloc[0]
    assert (r["column"], r["value"], r["expectation"]) == (
        "amount",
        "27500",
        "expect_column_values_to_be_in_set(amount)",
    )
    assert r["reason"] == "Amount is in USD but the org currency is JPY"
    assert "with USD as a currency" in r["fix"]
    found = run.findings[run.findings["rule"] == "export.foreign-currency"]
    assert found[["file", "row", "field", "original"]].values.tolist() == [
        ["b_usd.csv", 2, "amount", "27500"]
    ]
    deals = run.export.files["deals.csv"]
    assert sorted(deals["amount"]) == ["1200000", "300000"]


def test_units_do_not_depend_on_the_order_of_the_inputs(
    sources: list[Path], run: pipeline.RunResult
) -> None:
    again = pipeline.run([str(p) for p in reversed(sources)], target=None)
    assert _by_file(again) == _by_file(run)


def test_column_units_list_only_columns_that_announce_something() -> None:
    units = ColumnUnits.of(
        [(("a.xlsx", "S", "amount"), ColumnUnit(10000.0)), (("b.csv", "", "amount"), NO_UNIT)]
    )
    assert dict(units.columns) == {("a.xlsx", "S", "amount"): ColumnUnit(10000.0)}
    sources = [("b.csv", ""), ("a.xlsx", "S")]
    unit, currency = units.per_row(sources, np.array([1, 0, 1]), "amount")
    assert unit.tolist() == [10000.0, 1.0, 10000.0] and currency.tolist() == ["", "", ""]
    unit, currency = ColumnUnits().per_row([], np.array([], dtype=int), "amount")
    assert len(unit) == len(currency) == 0


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1200000.0, "1200000"),
        (np.float64(1234.5), "1234.5"),
        (np.int64(42), "42"),
        (1e22, "10000000000000000000000"),
        (1e-7, "0.0000001"),
        (-0.0, "0"),
    ],
    ids=["whole", "numpy-float", "numpy-int", "no-exponent", "small", "negative-zero"],
)
def test_import_numbers_are_written_as_records_csv_writes_amounts(value: object, text: str) -> None:
    assert export_values.as_number(value) == format_amount(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_one_formatter_for_every_number(value: float) -> None:
    assert export_values.as_number(value) == format_amount(value)
    assert float(format_amount(value)) == value  # the shortest text that reads back the same


def test_values_that_are_no_number_are_kept_for_the_format_check() -> None:
    assert export_values.as_number(math.inf) == "inf"
    assert export_values.as_number(" 12 万 ") == "12 万"
    assert export_values.as_number(None) == ""


def _titled(path: Path, title: list[list[object]], header: list[str], rows: list[list[object]]):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案件"
    for r in [*title, [], header, *rows]:
        ws.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("title", "header", "want"),
    [
        # the unit stated once in the title block applies to the amounts
        ([["営業部 案件一覧"], ["単位：万円"]], "金額", [12_000_000, 3_000_000]),
        ([["案件一覧（単位：千円）"]], "見込金額", [1_200_000, 300_000]),
        ([["Pipeline report"], ["Amounts in JPY thousands"]], "Amount", [1_200_000, 300_000]),
        # a header's own unit wins over the title's
        ([["単位：千円"]], "金額（万円）", [12_000_000, 3_000_000]),
        # a title that merely holds 万 states no unit
        ([["見込み100万超の案件"]], "金額", [1200, 300]),
    ],
    ids=["単位：万円", "（単位：千円）", "in-thousands", "header-wins", "no-statement"],
)
def test_a_unit_stated_above_the_table_applies_to_its_amounts(tmp_path, title, header, want):
    src = _titled(
        tmp_path / "t.xlsx",
        title,
        ["会社名", "案件名", header, "ステージ", "完了予定日"],
        [
            ["株式会社アルファ", "基幹更改", 1200, "提案", "2026-04-30"],
            ["株式会社ベータ", "更新", 300, "提案", "2026-05-31"],
        ],
    )
    res = pipeline.run([str(src)], target=None)
    got = sorted((float(a) for a in res.records["amount"]), reverse=True)
    assert got == [float(w) for w in want]
    stated = res.findings[res.findings["rule"] == "ingest.sheet-unit"]
    assert len(stated) == (1 if want[0] != 1200 and "（" not in header else 0)


@pytest.mark.parametrize(
    ("title", "header", "cells", "want"),
    [
        # the currency the title names is the amounts' currency (not the org's yen)
        ([["Q1 Pipeline Review - West"], ["Amounts in USD"]], "Amount", [1200, 300], "USD"),
        ([["Pipeline"], ["Currency: EUR"]], "Amount", [1200, 300], "EUR"),
        ([["案件一覧（単位：千ドル）"]], "金額", [1200, 300], "USD"),
        ([["Pipeline"], ["Currency", "GBP"]], "Amount", [1200, 300], "GBP"),
        ([["Forecast", "(in thousands of euros)"]], "Amount", [1200, 300], "EUR"),
        # two currencies named: the ISO code is taken
        ([["金額単位：千円（USD）"]], "金額", [1200, 300], "USD"),
        # a header's currency and a cell's currency win over the title's
        ([["Amounts in USD"]], "Amount (EUR)", [1200, 300], "EUR"),
        ([["Amounts in USD"]], "Amount", ["£1,200", "£300"], "GBP"),
        # a title that mentions a currency without stating it
        ([["Deals over $100k"], ["EUR region review"]], "Amount", [1200, 300], "JPY"),
    ],
    ids=[
        "in-USD",
        "Currency:",
        "千ドル",
        "two-cells",
        "bracket",
        "千円（USD）",
        "header-wins",
        "cell-wins",
        "no-statement",
    ],
)
def test_a_currency_stated_above_the_table_applies_to_its_amounts(
    tmp_path, title, header, cells, want
):
    src = _titled(
        tmp_path / "t.xlsx",
        title,
        ["Company", "Opportunity", header, "Stage", "Close Date"],
        [
            ["Alpha Inc", "ERP rollout", cells[0], "Proposal", "2026-04-30"],
            ["Beta LLC", "Renewal", cells[1], "Proposal", "2026-05-31"],
        ],
    )
    res = pipeline.run([str(src)], target=None)
    assert set(res.records["currency"]) == {want}
    stated = res.findings[res.findings["rule"] == "ingest.sheet-currency"]
    # the finding is for a column whose header names no currency (its cells may still name one)
    assert len(stated) == (0 if want == "JPY" or "(" in header else 1)
    if len(stated):
        assert stated.iloc[0]["value"] == ("USD" if isinstance(cells[0], str) else want)
        assert stated.iloc[0]["severity"] == ("warning" if "千円" in title[0][0] else "info")
        from migrate.catalogue import load_catalogue

        ja = load_catalogue().message("ingest.sheet-currency", stated.iloc[0]["message"], "ja")
        assert ja.startswith("表の上") and f"{stated.iloc[0]['value']} として読みました" in ja
