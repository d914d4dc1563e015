"""Invariants of every public value normaliser of migrate.normalize.

For each one: it never raises, normalising its own output changes nothing (idempotent), and its
output is stable: read again it is no failure, and it passes the export's check for its type
(so normalize and export agree). Minimal cases hypothesis found are kept as ``@example``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from migrate.export import values as export_values
from migrate.normalize import (
    clean_text,
    company_key,
    currency_code,
    email_domain,
    format_amount,
    format_national,
    is_valid_email,
    load_rules,
    match_stage,
    normalize_company,
    normalize_email,
    normalize_person,
    normalize_phone,
    normalize_postal_code,
    normalize_records,
    normalize_website,
    owner_key,
    parse_amount,
    parse_date,
    parse_number,
    parse_probability,
    serial_to_date,
    website_domain,
)
from migrate.normalize.text import fold
from migrate.schema import load_schema

# hypothesis: hundreds of generated values per normaliser: `make test-slow` (CI runs it; README "Tests")
pytestmark = pytest.mark.slow

RULES = load_rules()
TODAY = dt.date(2026, 1, 15)
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
# Numbers as trackers write them: signs, separators, decimals, exponents, percent, units, and
# more digits than a float keeps.
NUMBER_TEXT = st.from_regex(
    r"\A[-−▲+]?[¥$]?\d{1,32}(?:[,.]\d{1,3})*(?:[eE][-+]?\d{1,3})?(?:%|万|億|円|k|M)?\Z"
)
CELL = st.one_of(
    TEXT,
    st.text(max_size=20),
    NUMBER_TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.booleans(),
    st.none(),
)
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _same_number(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@FAST
@given(CELL)
def test_clean_text(value: object) -> None:
    once = clean_text(value)
    assert clean_text(once) == once
    assert clean_text(value, multiline=True) == clean_text(
        clean_text(value, multiline=True), multiline=True
    )
    assert fold(fold(once)) == fold(once)


@FAST
@given(CELL)
def test_company(value: object) -> None:
    once = normalize_company(value, RULES)
    twice = normalize_company(once.value.display, RULES)
    assert twice.value.display == once.value.display
    assert twice.value.key == once.value.key
    if once.value.key:
        assert twice.failure is None
        assert company_key(once.value.display, RULES) == once.value.key


@FAST
@given(CELL)
@example("Smith-, John")
@example("0-,0")  # the minimal case: the dash of the name was stripped on the second pass
@example("¡,a")  # "a ¡" once reordered: capitalised on the second pass, so also after a comma
@example("Sammy Davis, Jr.")  # nameparser: the suffix after the comma
def test_person(value: object) -> None:
    once = normalize_person(value, RULES)
    twice = normalize_person(once.value.display, RULES)
    assert twice.value == once.value
    if once.value.display:
        assert twice.failure is None
    unsplit = normalize_person(value, RULES, split=False).value.display
    assert normalize_person(unsplit, RULES, split=False).value.display == unsplit


@FAST
@given(CELL)
@example("K¸")  # NFKC gives "K ̧": without the space the mark composes to ķ on a second pass
@example("0㈱・")  # the ・ hid the legal form from the first pass
def test_owner_key(value: object) -> None:
    key = owner_key(clean_text(value), RULES)
    assert owner_key(key, RULES) == key or not key


@FAST
@given(CELL)
def test_email(value: object) -> None:
    once = normalize_email(value, RULES)
    assert normalize_email(once.value, RULES).value == once.value
    assert once.value == once.value.lower()
    if once.value:
        assert is_valid_email(once.value)
        assert re.match(export_values.EMAIL_RE, once.value)
        assert email_domain(once.value) == once.value.rsplit("@", 1)[1]


@FAST
@given(CELL)
@example(49295799766879523.0)  # 17 digits phonenumbers calls a valid German number
@example("+49 2957 9976 6879 523")
@example(12345678901234567.0)
@example(101000000)  # 0101...: 010 is the international prefix, no Japanese number
def test_phone(value: object) -> None:
    once = normalize_phone(value, RULES)
    assert normalize_phone(once.value, RULES).value == once.value
    if once.value:
        # what normalize keeps in a phone field always passes the export's phone check
        assert re.match(export_values.PHONE_RE, once.value), once.value
        national = format_national(once.value)
        assert normalize_phone(national, RULES).value == once.value


@FAST
@given(CELL)
@example("1/1/0001")  # a four-digit year is the year written, not 2001
@example("01/02/0003")
@example("0000年")
def test_date(value: object) -> None:
    once = parse_date(value, reference=TODAY, rules=RULES)
    twice = parse_date(once.value, reference=TODAY, rules=RULES)
    assert twice.value == once.value
    if once.value:
        day = dt.date.fromisoformat(once.value)
        assert RULES.dates.min_year <= day.year <= RULES.dates.max_year
        assert twice.failure is None
        assert export_values.as_date(once.value, "%Y-%m-%d") == once.value
    for order in ("day-first", "month-first"):
        parse_date(value, order=order, rules=RULES)  # no reference: never raises either


@FAST
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_serial_to_date(serial: float) -> None:
    if RULES.dates.serial_min <= serial <= RULES.dates.serial_max:
        day = serial_to_date(serial)
        assert serial_to_date(serial, 1904) > day


@FAST
@given(CELL)
@example("1e30")
@example("999,999,999,999,999,999,999")  # 21 digits: no float holds it; never rounded
@example(10**21 - 1)
@example("1000000000000000000000000000001")
@example("1e999")
@example("01.001")  # written back as 1.001: '.' is the decimal mark of what format_amount writes
def test_amount(value: object) -> None:
    once = parse_amount(value, RULES)
    number = once.value.number
    if once.failure or math.isnan(number):
        return
    assert math.isfinite(number)
    assert _same_number(parse_amount(number, RULES).value.number, number)
    written = format_amount(number)  # records.csv / export: read back, the same amount
    again = parse_amount(written, RULES, decimal_mark=".")
    assert again.failure is None and again.value.number == number, written
    assert re.match(export_values.NUMBER_RE, export_values.as_number(number))


@FAST
@given(CELL)
def test_currency(value: object) -> None:
    once = currency_code(value, RULES)
    assert currency_code(once.value, RULES).value == once.value
    assert once.value == "" or re.fullmatch(r"[A-Z]{3}", once.value)


@FAST
@given(CELL)
@example("-5%")  # a negative percentage is out of range, not 5
@example("−5%")
def test_probability(value: object) -> None:
    once = parse_probability(value, RULES).value.number
    twice = parse_probability(once, RULES).value.number
    assert _same_number(once, twice)
    if isinstance(value, str) and re.fullmatch(r"[-−▲]\s*\d+(?:\.\d+)?\s*%", clean_text(value)):
        assert not once > 0, once  # -5% is out of range (blanked later), never 5


@FAST
@given(CELL)
def test_number(value: object) -> None:
    once = parse_number(value, RULES).value
    twice = parse_number(once, RULES).value
    assert _same_number(once, twice)


@FAST
@given(CELL)
def test_stage(value: object) -> None:
    once = match_stage(value, rules=RULES)
    assert match_stage(once.value, rules=RULES).value == once.value
    if once.value:
        assert match_stage(once.value, rules=RULES).failure is None


@FAST
@given(CELL)
def test_website(value: object) -> None:
    once = normalize_website(value, RULES).value
    assert normalize_website(once, RULES).value == once
    if once:
        assert re.match(export_values.URL_RE, once)
        assert website_domain(normalize_website(once, RULES).value) == website_domain(once)


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
        row.update({"_source_file": "p.csv", "_source_sheet": "", "_source_row": i + 2})
        data.append(row)
    records = pd.DataFrame(data, dtype=object, index=range(10, 10 + len(data)))
    out, findings = normalize_records(records, today=TODAY)
    assert list(out.index) == list(records.index)
    assert set(findings["row"]) <= {0, *range(2, len(data) + 2)}
    assert out["probability"].dropna().between(0, 100).all()
    assert not out["amount"].map(lambda a: a == a and not math.isfinite(a)).any()
    again, _ = normalize_records(out, today=TODAY)
    for f in (
        "company_name",
        "company_key",
        "email",
        "phone",
        "stage",
        "close_date",
        "contact_name",
        "contact_last_name",
        "contact_first_name",
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
        row.update(
            {"_source_file": "p.csv", "_source_sheet": "", "_source_row": i + 2, "owner": owner}
        )
        data.append(row)
    out, _ = normalize_records(pd.DataFrame(data, dtype=object), today=TODAY)
    again, findings = normalize_records(out, today=TODAY)
    assert again["owner"].tolist() == out["owner"].tolist()
    assert not (findings["rule"] == "normalize.owner-alias").any()
