"""Business rules of the normalisers, tested from data: tests/cases/normalize/*.yaml.

Each case file names a normaliser and the field its inputs go into; each case gives one cell
(``input``), optionally other cells of the same row (``row``: other fields or bookkeeping such as
``_amount_unit``) and other values of the same column in the same sheet (``column``), and what
must come out: ``expect`` (the field's value, or a mapping of output column -> value; ``null``
means empty), ``finding`` (rule ids that must be reported for the cell or its sheet) and
``not_finding`` (rule ids that must not be); ``needs`` names an optional library (extras
``names``, ``dates``) without which the case is skipped. The single ``pytest_generate_tests`` hook below turns
every case into a test named ``<file>-<id>``, so an ops person can read and extend them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from migrate.normalize import normalize_records
from migrate.schema import load_schema

CASES = Path(__file__).parent / "cases" / "normalize"
_CASE_KEYS = {
    "id",
    "input",
    "expect",
    "finding",
    "not_finding",
    "row",
    "column",
    "field",
    "today",
    "note",
    "needs",
}


@dataclass(frozen=True)
class Case:
    id: str
    field: str
    input: Any
    expect: Any = None
    has_expect: bool = False
    finding: tuple[str, ...] = ()
    not_finding: tuple[str, ...] = ()
    row: dict[str, Any] = field(default_factory=dict)
    column: tuple[Any, ...] = ()
    today: dt.date = dt.date(2026, 1, 15)
    needs: str = ""


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(doc) <= {"normalizer", "field", "today", "cases"}, (
            f"{path.name}: unknown top-level key"
        )
        seen = set()
        for raw in doc["cases"]:
            assert set(raw) <= _CASE_KEYS, (
                f"{path.name}: {raw.get('id')}: unknown key {set(raw) - _CASE_KEYS}"
            )
            assert raw["id"] not in seen, f"{path.name}: duplicate id {raw['id']}"
            seen.add(raw["id"])
            cases.append(
                Case(
                    id=f"{path.stem}-{raw['id']}",
                    field=raw.get("field", doc["field"]),
                    input=raw.get("input"),
                    expect=raw.get("expect"),
                    has_expect="expect" in raw,
                    finding=_as_tuple(raw.get("finding")),
                    not_finding=_as_tuple(raw.get("not_finding")),
                    row=raw.get("row") or {},
                    column=tuple(raw.get("column") or ()),
                    today=raw.get("today", doc.get("today", dt.date(2026, 1, 15))),
                    needs=raw.get("needs", ""),
                )
            )
    return cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        cases = load_cases()
        metafunc.parametrize("case", cases, ids=[c.id for c in cases])


def _frame(case: Case) -> pd.DataFrame:
    names = load_schema().names
    rows = []
    for i, value in enumerate((case.input, *case.column)):
        row: dict[str, Any] = {n: None for n in names}
        row.update(
            {
                "_source_file": "cases.xlsx",
                "_source_sheet": "Sheet1",
                "_source_row": i + 2,
                "_row_key": f"cases.xlsx|Sheet1|{i + 2}",
                "_source_order": 0,
                "_amount_unit": 1.0,
                "_currency_hint": "",
            }
        )
        bookkeeping = {k: v for k, v in case.row.items() if k.startswith("_")}
        row.update(bookkeeping if i else case.row)
        row[case.field] = value
        rows.append(row)
    return pd.DataFrame(rows, dtype=object)


def _same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual == "" or actual is None or (isinstance(actual, float) and math.isnan(actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(actual) == expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(expected, dt.date):
        return actual == expected.isoformat()
    return actual == expected


def test_case(case: Case) -> None:
    if case.needs:
        pytest.importorskip(case.needs)
    records = _frame(case)
    out, findings = normalize_records(records, today=case.today)
    if case.has_expect:
        expected = case.expect if isinstance(case.expect, dict) else {case.field: case.expect}
        for column, value in expected.items():
            actual = out[column].iloc[0]
            assert _same(actual, value), f"{column}: got {actual!r}, expected {value!r}"
    mine = findings[findings["row"].isin([0, 2])]
    rules = set(mine["rule"])
    for rule in case.finding:
        assert rule in rules, f"missing finding {rule}; got {sorted(rules)}"
    for rule in case.not_finding:
        assert rule not in rules, (
            f"unexpected finding {rule}: {mine[mine['rule'] == rule]['message'].tolist()}"
        )
