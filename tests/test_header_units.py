"""Units a header states in finance style: Amount ($M), ($000s), (000), (USD MM): bare numbers
under them are millions or thousands; a year or a word that holds the letters is no unit."""

from __future__ import annotations

import pytest

from migrate.bundle import load_rules_bundle
from migrate.columns.header import unit_hints


@pytest.mark.parametrize(
    ("header", "unit", "currency"),
    [
        ("Amount ($M)", 1_000_000, "USD"),
        ("Revenue (USD M)", 1_000_000, "USD"),
        ("Pipeline (MM)", 1_000_000, ""),
        ("Amount ($000s)", 1000, "USD"),
        ("Amount (000)", 1000, ""),
        ("Amount ('000)", 1000, ""),
        ("Amount ($k)", 1000, "USD"),
        ("金額（万円）", 10000, "JPY"),
        ("Sales 2000", 1, ""),
        ("Amount (M&A)", 1, ""),
        ("Amount", 1, ""),
    ],
)
def test_header_units(header, unit, currency):
    assert unit_hints(header, load_rules_bundle(None).schema) == (unit, currency)
