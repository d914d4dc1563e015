"""Invariants of every value normaliser: it never raises, and normalising twice changes nothing."""

from __future__ import annotations

import datetime as dt
import math
import string

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate.normalize import (
    clean_text,
    load_rules,
    match_stage,
    normalize_company,
    normalize_email,
    normalize_person,
    normalize_phone,
    normalize_postal_code,
    normalize_records,
    normalize_website,
    parse_amount,
    parse_date,
    parse_number,
    parse_probability,
)
from migrate.schema import load_schema

RULES = load_rules()
# The characters trackers are made of: ASCII, kana, common kanji, full-width forms, the
# punctuation and symbols of dates, money and names, odd spaces and invisible characters.
ALPHABET = (
    string.printable
    + "あいうえおかきくけこやまだたろうアイウエオヤマダタロウｱｲｳｴｵﾔﾏﾀﾞ"
    + "山田太郎佐藤鈴木株式会社有限合同電気機円万億千年月日令和平成昭末中旬上下期度様殿御"
    + "０１２３４５６７８９ＡＢＣａｂｃ＠．－（）％￥＄"
    + "〜～・、。「」【】㈱㈲㋿㍻△▲◎○×〒\u3000\u200b\u00a0\u2212\u30fc"
)
TEXT = st.text(alphabet=ALPHABET, max_size=30)
CELL = st.one_of(
    TEXT,
    st.text(max_size=20),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.booleans(),
    st.none(),
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(CELL)
def test_clean_text(value: object) -> None:
    once = clean_text(value)
    assert clean_text(once) == once
    assert clean_text(value, multiline=True) == clean_text(
        clean_text(value, multiline=True), multiline=True
    )


@FAST
@given(CELL)
def test_company(value: object) -> None:
    once = normalize_company(value, RULES).value
    twice = normalize_company(once.display, RULES).value
    assert twice.display == once.display
    assert twice.key == once.key


@FAST
@given(CELL)
def test_person(value: object) -> None:
    once = normalize_person(value, RULES).value
    twice = normalize_person(once.display, RULES).value
    assert twice == once


@FAST
@given(CELL)
def test_email(value: object) -> None:
    once = normalize_email(value, RULES)
    assert normalize_email(once.value, RULES).value == once.value
    assert once.value == once.value.lower()


@FAST
@given(CELL)
def test_phone(value: object) -> None:
    once = normalize_phone(value, RULES)
    assert normalize_phone(once.value, RULES).value == once.value
    assert once.value == "" or once.value.startswith("+")


@FAST
@given(CELL)
def test_date(value: object) -> None:
    once = parse_date(value, reference=dt.date(2026, 1, 15), rules=RULES)
    twice = parse_date(once.value, reference=dt.date(2026, 1, 15), rules=RULES)
    assert twice.value == once.value
    assert once.value == "" or dt.date.fromisoformat(once.value)


@FAST
@given(CELL)
def test_amount(value: object) -> None:
    once = parse_amount(value, RULES).value.number
    twice = parse_amount(once, RULES).value.number
    assert (math.isnan(once) and math.isnan(twice)) or twice == once


@FAST
@given(CELL)
def test_probability(value: object) -> None:
    once = parse_probability(value, RULES).value.number
    twice = parse_probability(once, RULES).value.number
    assert (math.isnan(once) and math.isnan(twice)) or twice == once


@FAST
@given(CELL)
def test_number(value: object) -> None:
    once = parse_number(value, RULES).value
    twice = parse_number(once, RULES).value
    assert (math.isnan(once) and math.isnan(twice)) or twice == once


@FAST
@given(CELL)
def test_stage(value: object) -> None:
    once = match_stage(value, rules=RULES).value
    assert match_stage(once, rules=RULES).value == once


@FAST
@given(CELL)
def test_website(value: object) -> None:
    once = normalize_website(value, RULES).value
    assert normalize_website(once, RULES).value == once


@FAST
@given(CELL)
def test_postal_code(value: object) -> None:
    once = normalize_postal_code(value, RULES).value
    assert normalize_postal_code(once, RULES).value == once


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=8, max_size=8), min_size=1, max_size=6))
def test_records_never_raise_and_keep_rows(rows: list[list[object]]) -> None:
    fields = [
        "company_name",
        "contact_name",
        "email",
        "phone",
        "amount",
        "probability",
        "stage",
        "close_date",
    ]
    names = load_schema().names
    data = []
    for i, values in enumerate(rows):
        row: dict[str, object] = {n: None for n in names}
        row.update(dict(zip(fields, values)))
        row.update({"_source_file": "p.csv", "_source_sheet": "", "_source_row": i + 2, "_amount_unit": 1.0,
                    "_currency_hint": ""})  # fmt: skip
        data.append(row)
    records = pd.DataFrame(data, dtype=object, index=range(10, 10 + len(data)))
    out, findings = normalize_records(records, today=dt.date(2026, 1, 15))
    assert list(out.index) == list(records.index)
    assert set(findings["row"]) <= {0, *range(2, len(data) + 2)}
    again, _ = normalize_records(out, today=dt.date(2026, 1, 15))
    for f in (
        "company_name",
        "company_key",
        "email",
        "phone",
        "stage",
        "close_date",
        "contact_name",
    ):
        assert again[f].tolist() == out[f].tolist(), f


NAME = st.sampled_from(
    ["中村 由美", "中村由美", "中村", "由美", "佐藤", "佐藤 健", "Ryan Brooks", "Ryan", "R. Brooks",
     "Brooks Ryan", "brooks", "tom becker", "TOM BECKER", "Lee", "Daniel Lee", "森", "森 翔太"]
)  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(NAME, TEXT), min_size=1, max_size=8))
def test_owners_unified_once_stay_unified(cells: list[str]) -> None:
    names = load_schema().names
    data = []
    for i, owner in enumerate(cells):
        row: dict[str, object] = {n: None for n in names}
        row.update({"_source_file": "p.csv", "_source_sheet": "", "_source_row": i + 2, "_amount_unit": 1.0,
                    "_currency_hint": "", "owner": owner})  # fmt: skip
        data.append(row)
    out, _ = normalize_records(pd.DataFrame(data, dtype=object), today=dt.date(2026, 1, 15))
    again, findings = normalize_records(out, today=dt.date(2026, 1, 15))
    assert again["owner"].tolist() == out["owner"].tolist()
    assert not (findings["rule"] == "normalize.owner-alias").any()
