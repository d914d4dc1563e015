"""format_amount (an amount as CSV text) and parse_amount's decimal-mark argument."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.normalize import format_amount, normalize_records, parse_amount
from migrate.schema import load_schema


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1200000.0, "1200000"),
        (1234.5, "1234.5"),
        (-1234.5, "-1234.5"),
        (0.1, "0.1"),
        (12.0, "12"),
        (0.0, "0"),
        (-0.0, "0"),
        (1e16, "10000000000000000"),
        (1e22, "10000000000000000000000"),
        (1.5e-7, "0.00000015"),
        (123456789.123, "123456789.123"),
        (np.float64(3.0), "3"),
        (np.int64(7), "7"),
        (5, "5"),
        (2**70, "1180591620717411303424"),
        (Decimal("1.2300"), "1.23"),
        (Decimal("1E+3"), "1000"),
        ("1234.50", "1234.5"),
        (None, ""),
        (math.nan, ""),
        (np.nan, ""),
        (pd.NA, ""),
        ("", ""),
        (math.inf, ""),
        (-math.inf, ""),
    ],
)
def test_format_amount(value: Any, text: str) -> None:
    assert format_amount(value) == text


@pytest.mark.parametrize("value", [True, "abc", "1,234", object()])
def test_format_amount_rejects_non_numbers(value: Any) -> None:
    with pytest.raises(TypeError):
        format_amount(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_format_amount_round_trips(value: float) -> None:
    text = format_amount(value)
    assert float(text) == value
    assert "e" not in text.lower()
    if "." in text:
        assert not text.endswith("0") and not value.is_integer()
    else:
        assert value.is_integer()
    assert len(text.lstrip("-")) <= len(format(Decimal(repr(value)), "f").lstrip("-"))


def test_normalized_amounts_as_text() -> None:
    names = load_schema().names
    rows = []
    for i, amount in enumerate(["1.200.000", "12.500,50 €", "120万円", "$1,234.5", None]):
        row: dict[str, Any] = {n: None for n in names}
        row.update({"_source_file": "a.csv", "_source_sheet": "", "_source_row": i + 2,
                    "amount": amount})  # fmt: skip
        rows.append(row)
    out, _ = normalize_records(pd.DataFrame(rows, dtype=object), today=dt.date(2026, 1, 15))
    assert [format_amount(v) for v in out["amount"]] == [
        "1200000",
        "12500.5",
        "1200000",
        "1234.5",
        "",
    ]


@pytest.mark.parametrize(
    ("text", "mark", "number"),
    [
        ("1,234", ",", 1.234),
        ("1,234", ".", 1234.0),
        ("1.234", ".", 1.234),
        ("1.234", ",", 1234.0),
        ("1.234.567", ".", 1234567.0),  # unambiguous cells ignore the mark
        ("12,5", ".", 12.5),
    ],
)
def test_parse_amount_with_the_columns_decimal_mark(text: str, mark: str, number: float) -> None:
    outcome = parse_amount(text, decimal_mark=mark)
    assert outcome.value.number == number
    assert "normalize.amount-separator-assumed" not in {i.rule for i in outcome.issues}


def test_parse_amount_alone_reports_its_guess() -> None:
    yen = parse_amount("1,234")
    assert yen.value.number == 1234.0
    assert [(i.rule, i.severity) for i in yen.issues if i.rule.endswith("assumed")] == [
        ("normalize.amount-separator-assumed", "info")
    ]
    dollars = parse_amount("$1.234")
    assert [(i.rule, i.severity) for i in dollars.issues if i.rule.endswith("assumed")] == [
        ("normalize.amount-separator-assumed", "warning")
    ]


def _amounts(sheets: dict[str, list[Any]]) -> pd.DataFrame:
    names = load_schema().names
    rows = []
    for sheet, amounts in sheets.items():
        for i, amount in enumerate(amounts):
            row: dict[str, Any] = {n: None for n in names}
            row.update({"_source_file": "t.xlsx", "_source_sheet": sheet, "_source_row": i + 2,
                        "amount": amount})  # fmt: skip
            rows.append(row)
    return pd.DataFrame(rows, dtype=object)


def test_decimal_mark_is_decided_per_sheet() -> None:
    frame = _amounts(
        {
            "EU": ["1.234", "12,5", "3.000"],  # 12,5: this sheet writes decimal commas
            "US": ["1.234", "1,234.5"],  # 1,234.5: this one decimal points
            "JP": ["1,234", "2.500"],  # nothing decides: thousands (yen have no decimals)
            # nothing decides: '.' is a guess in dollars; $2,000 is not (never a decimal comma)
            "USD": ["$1.234", "$2,000"],
        }
    )
    out, findings = normalize_records(frame, today=dt.date(2026, 1, 15))
    assert out["amount"].tolist() == [1234.0, 12.5, 3000.0, 1.234, 1234.5, 1234.0, 2500.0, 1234.0, 2000.0]  # fmt: skip
    seps = findings[findings["rule"].str.startswith("normalize.amount-separator")]
    got = seps[["sheet", "rule", "severity", "row"]].values.tolist()
    assert sorted(got) == [
        ["EU", "normalize.amount-separator-inferred", "info", 0],
        ["JP", "normalize.amount-separator-assumed", "info", 0],
        ["US", "normalize.amount-separator-inferred", "info", 0],
        ["USD", "normalize.amount-separator-assumed", "warning", 2],
    ]

    eu = seps[seps["sheet"] == "EU"]["message"].iloc[0]
    assert eu.startswith(
        "2 amount(s) like '1.234' read with ',' as the decimal mark and '.' as the"
    )


def test_a_cells_currency_overrules_its_columns_decimal_comma() -> None:
    """An EU tracker's £120,000 was read as 120: GBP is never written with a decimal comma."""
    pound = parse_amount("£120,000", decimal_mark=",")
    assert (pound.value.number, pound.value.currency) == (120000.0, "GBP")
    assert "normalize.amount-separator-currency" in {i.rule for i in pound.issues}
    euro = parse_amount("€1,250", decimal_mark=",")  # euros are written both ways
    assert euro.value.number == 1.25
    frame = _amounts({"EU": ["1.250.000,50 €", "85.000,00 €", "£120,000", "CHF 300.000"]})
    out, findings = normalize_records(frame, today=dt.date(2026, 1, 15))
    assert out["amount"].tolist() == [1250000.5, 85000.0, 120000.0, 300000.0]
    got = findings[findings["rule"] == "normalize.amount-separator-currency"]
    assert got[["row", "original"]].values.tolist() == [[4, "£120,000"]]
