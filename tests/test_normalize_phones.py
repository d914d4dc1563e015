"""Phone numbers read with the other numbers of their sheet (migrate.normalize.phones)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from records_for_tests import one_field_records

from migrate.normalize import normalize_records


def phone_records(cells: list[tuple[str, str | None]]) -> pd.DataFrame:
    """(file, phone) per row."""
    return one_field_records("phone", cells)


def test_a_country_code_in_another_sheet_is_no_evidence() -> None:
    out, findings = normalize_records(
        phone_records(
            [
                ("eu.csv", "+39 06 1234 5678"),
                ("osaka.csv", "06-1234-5678"),  # Osaka, not Rome: another file
                ("eu.csv", "06 1234 5678"),  # Rome: the same file writes it with +39
                ("eu.csv", "03 1234 5678"),  # the same cell in both files: no change
                ("osaka.csv", "03 1234 5678"),
                ("eu.csv", "+39 03 1234 5678"),
            ]
        ),
        today=dt.date(2026, 1, 15),
    )
    assert out["phone"].tolist() == [
        "+390612345678",
        "+81612345678",
        "+390612345678",
        "+81312345678",
        "+81312345678",
        "+390312345678",
    ]
    hits = findings[findings["rule"] == "normalize.phone-country-from-run"]
    assert hits[["file", "row", "value"]].values.tolist() == [["eu.csv", 4, "+390612345678"]]
