"""The optional libraries of the normalisers (extras ``names`` and ``dates``): lazy, offline, optional.

namedivider-python and nameparser split person names, dateparser reads relative and spoken
dates (bench/libraries measures each against our own rules). Each is imported only when a value
needs it, never reaches the network, and without it the rules of rules/normalize.yaml do the
work: these tests switch each one off and check the fallback.
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

import pytest

from migrate.normalize import dates, load_rules, normalize_person, parse_date, people

RULES = load_rules()
TODAY = dt.date(2026, 1, 15)


def _off() -> None:
    return None


def test_importing_the_normalisers_imports_no_optional_library() -> None:
    code = (
        "import sys, migrate.normalize, migrate.pipeline; "
        "print([m for m in ('namedivider', 'nameparser', 'dateparser', 'lightgbm') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_name_divider_works_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("namedivider")

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the name divider tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    people._name_divider.cache_clear()
    try:
        name = normalize_person("勅使河原宏", RULES).value
    finally:
        people._name_divider.cache_clear()
    assert (name.last, name.first) == ("勅使河原", "宏")


def test_without_namedivider_an_unknown_surname_stays_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(people, "_name_divider", _off)
    out = normalize_person("勅使河原宏", RULES)
    assert (out.value.last, out.value.first) == ("勅使河原宏", "")
    assert "normalize.name-unsplit" in {i.rule for i in out.issues}
    # the common-surname list still splits the names it knows
    assert normalize_person("佐々木一郎", RULES).value.last == "佐々木"


@pytest.mark.parametrize(
    ("cell", "last", "first"),
    [
        ("John Smith", "Smith", "John"),
        ("Smith, John", "Smith", "John"),
        ("Martin Luther King Jr.", "King Jr.", "Martin Luther"),
        ("YAMADA Taro", "YAMADA", "Taro"),
        ("Rembrandt van Rijn", "Rijn", "Rembrandt van"),
    ],
    ids=["first-last", "last-comma-first", "suffix", "romaji-caps", "particle"],
)
def test_without_nameparser_the_rules_split_western_names(
    monkeypatch: pytest.MonkeyPatch, cell: str, last: str, first: str
) -> None:
    monkeypatch.setattr(people, "_name_parser", _off)
    name = normalize_person(cell, RULES).value
    assert (name.last, name.first) == (last, first)


def test_without_dateparser_a_spoken_date_is_unparseable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dates, "_date_parser", _off)
    out = parse_date("3日後", reference=TODAY, rules=RULES)
    assert out.value == ""
    assert out.failure is not None and out.failure.rule == "normalize.unparseable-date"
    # the relative periods of rules/normalize.yaml need no library
    assert parse_date("来月", reference=TODAY, rules=RULES).value == "2026-02-28"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("来月", "2026-02-28"), ("明日", "2026-01-16"), ("3 days ago", "2026-01-12")],
    ids=["next-month-ja", "tomorrow-ja", "days-ago-en"],
)
def test_relative_dates_count_from_the_reference_date(cell: str, expected: str) -> None:
    pytest.importorskip("dateparser")
    out = parse_date(cell, reference=TODAY, rules=RULES)
    assert out.value == expected
    assert [i.rule for i in out.issues] == ["normalize.approximate-date"]
    # another reference date, another day: the wall clock is never read
    later = parse_date(cell, reference=dt.date(2030, 6, 1), rules=RULES).value
    assert later.startswith("2030-")


def test_relative_dates_need_a_reference_date() -> None:
    pytest.importorskip("dateparser")
    out = parse_date("来月", rules=RULES)
    assert out.value == "" and out.failure is not None
