"""Sales reps unified within a run: one name per rep, one finding per distinct alias."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from records_for_tests import one_field_records

from migrate.normalize import distinct_owners, load_rules, normalize_records
from migrate.normalize.aliases import unify_names

TODAY = dt.date(2026, 1, 15)
RULES = load_rules()


def owner_records(cells: list[tuple[str, str | None]]) -> pd.DataFrame:
    """(file, owner) per row."""
    return one_field_records("owner", cells)


CELLS = [
    ("a.csv", "中村 由美"),
    ("a.csv", "中村由美"),
    ("a.csv", "中村"),
    ("b.csv", "中村"),
    ("b.csv", "中村"),
    ("b.csv", "中村由美さん"),
    ("a.csv", "Ryan Brooks"),
    ("b.csv", "R. Brooks"),
    ("b.csv", "Brooks, Ryan"),
    ("b.csv", "tom becker"),
]


def test_one_name_per_rep_and_one_finding_per_distinct_alias() -> None:
    out, findings = normalize_records(owner_records(CELLS), today=TODAY)
    assert out["owner"].tolist() == [
        "中村 由美",
        "中村 由美",
        "中村 由美",
        "中村 由美",
        "中村 由美",
        "中村 由美",
        "Ryan Brooks",
        "Ryan Brooks",
        "Ryan Brooks",
        "Tom Becker",
    ]
    alias = findings[findings["rule"] == "normalize.owner-alias"]
    # 中村由美 (2 rows, from 中村由美 and 中村由美さん), 中村 (3 rows over two files), R. Brooks
    assert sorted(alias["original"]) == ["R. Brooks", "中村", "中村由美"]
    by = alias.set_index("original")
    assert "3 row(s)" in by.loc["中村", "message"]
    assert "2 row(s)" in by.loc["中村由美", "message"]
    assert by.loc["中村", "file"] == "a.csv"  # where it is first written
    assert set(alias["severity"]) == {"info"}
    assert set(alias["row"]) == {0}
    assert set(alias["field"]) == {"owner"}


def test_short_form_gets_the_full_names_email(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(Path(__file__).parents[1] / "rules", rules_dir)
    (rules_dir / "owners.yaml").write_text(
        "kind: owners\nversion: 1\nowners:\n  中村 由美: y.nakamura@example.co.jp\n",
        encoding="utf-8",
    )
    out, findings = normalize_records(
        owner_records([("a.csv", "中村"), ("a.csv", "中村由美"), ("a.csv", "佐藤")]),
        rules_dir=str(rules_dir),
        today=TODAY,
    )
    assert out["owner_email"].tolist() == [
        "y.nakamura@example.co.jp",
        "y.nakamura@example.co.jp",
        "",
    ]
    unmapped = findings[findings["rule"] == "normalize.owner-unmapped"]
    assert unmapped["original"].tolist() == ["佐藤"]


def test_distinct_owners_lists_each_rep_once() -> None:
    out, _ = normalize_records(owner_records(CELLS), today=TODAY)
    owners = distinct_owners(out)
    assert owners[["owner", "rows"]].values.tolist() == [
        ["中村 由美", 6],
        ["Ryan Brooks", 3],
        ["Tom Becker", 1],
    ]
    raw = distinct_owners(owner_records(CELLS))  # raw cells are unified the same way
    assert raw["owner"].tolist() == owners["owner"].tolist()


@pytest.mark.parametrize(
    ("names", "rows", "expected"),
    [
        (["中村由美", "中村 由美"], [5, 1], ["中村 由美", "中村 由美"]),
        (["Ryan", "Ryan Brooks", "Ryan Lee"], [1, 1, 1], ["Ryan", "Ryan Brooks", "Ryan Lee"]),
        (["Brooks", "Ryan Brooks"], [9, 1], ["Ryan Brooks", "Ryan Brooks"]),
        (["R. Brooks", "R Brooks"], [1, 2], ["R Brooks", "R Brooks"]),  # no full name: spelling
        (["山田太郎", "山田"], [1, 1], ["山田太郎", "山田太郎"]),  # split with the surname list
        (["勅使河原宏", "勅使河原"], [1, 1], ["勅使河原宏", "勅使河原"]),  # unsplittable: no guess
        (["", "a@b.jp"], [1, 1], ["", "a@b.jp"]),
    ],
)
def test_unify_names(names: list[str], rows: list[int], expected: list[str]) -> None:
    got = unify_names(names, rows, [False] * len(names), RULES.people)
    assert [a.name for a in got] == expected


def test_ambiguous_short_form_names_its_candidates() -> None:
    got = unify_names(["佐藤", "佐藤 健", "佐藤 花子"], [3, 1, 1], [False] * 3, RULES.people)
    assert got[0].name == "佐藤" and got[0].candidates == ("佐藤 健", "佐藤 花子")
    assert not got[0].reason


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param(["TOM BECKER", "Tom Becker"], "Tom Becker", id="capitals"),
        pytest.param(["Brooks Ryan", "Ryan Brooks"], "Ryan Brooks", id="word-order"),
    ],
)
def test_a_tie_between_spellings_does_not_depend_on_which_came_first(
    names: list[str], expected: str
) -> None:
    """Two spellings on as many rows: the same one wins in either order (a re-sorted tracker
    keeps its rep names)."""
    for order in (names, names[::-1]):
        got = unify_names(order, [2, 2], [False, False], RULES.people)
        assert [a.name for a in got] == [expected, expected]
