"""The reference date: as_of_date, and normalize_records without ``today`` never reading the clock."""

from __future__ import annotations

import datetime
import datetime as dt
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import migrate.normalize as normalize_package
from migrate.normalize import as_of_date, normalize_records, parse_date
from migrate.rules import DEFAULT_RULES_DIR
from migrate.schema import load_schema

_REAL_DATE = dt.date
_REAL_DATETIME = dt.datetime


def records(sheets: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    names = load_schema().names
    data = []
    for sheet, rows in sheets.items():
        for i, values in enumerate(rows):
            row: dict[str, Any] = {n: None for n in names}
            row.update(
                {
                    "_source_file": "deals.xlsx",
                    "_source_sheet": sheet,
                    "_source_row": i + 2,
                    "_row_key": f"deals.xlsx|{sheet}|{i + 2}",
                    "_source_order": 0,
                }
            )
            row.update(values)
            data.append(row)
    return pd.DataFrame(data, dtype=object)


# Sheet 2 has dates without a year and nothing in its rows or sheet to take one from: only the
# reference date can give them one (and it must come from sheet 1's updated_at, not the clock).
TRACKER = {
    "2024": [
        {"updated_at": "2024/3/1", "created_at": "2023/12/1", "close_date": "2024/6/30"},
        {"created_at": "2024/2/20", "close_date": "未定"},
    ],
    "メモ": [
        {"close_date": "3/31", "created_at": "3/15"},
        {"close_date": "Q1"},
    ],
}


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    for name in ("normalize.yaml", "columns.yaml", "stages.yaml", "owners.yaml"):
        shutil.copy(DEFAULT_RULES_DIR / name, tmp_path / name)
    return tmp_path


# ----------------------------------------------------------------------------- as_of_date


def test_as_of_date_is_the_latest_updated_or_created() -> None:
    frame = pd.DataFrame(
        {
            "updated_at": ["2026-03-01", "", None, "not a date", "2026-02-30", math.nan],
            # a row created after the last update of another one is newer than that update
            "created_at": ["2026-01-10", "2026-03-05", "20260310", None, "", ""],
        },
        dtype=object,
    )
    assert as_of_date(frame) == dt.date(2026, 3, 5)
    assert as_of_date(frame[["updated_at"]]) == dt.date(2026, 3, 1)


def test_as_of_date_accepts_date_objects() -> None:
    frame = pd.DataFrame(
        {"updated_at": [dt.datetime(2025, 7, 1, 9, 30), pd.NaT], "created_at": [dt.date(2025, 7, 2), None]},
        dtype=object,
    )  # fmt: skip
    assert as_of_date(frame) == dt.date(2025, 7, 2)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(),
        pd.DataFrame({"close_date": ["2026-03-31"], "next_action_date": ["2026-04-01"]}),
        pd.DataFrame({"updated_at": ["", None], "created_at": ["TBD", "2026/3/1"]}, dtype=object),
        pd.DataFrame({"updated_at": [], "created_at": []}, dtype=object),
    ],
)
def test_as_of_date_none(frame: pd.DataFrame) -> None:
    assert as_of_date(frame) is None


# ----------------------------------------------------------------------------- derived reference


def test_reference_is_derived_from_the_data() -> None:
    out, findings = normalize_records(records(TRACKER), today=None)
    assert as_of_date(out) == dt.date(2024, 3, 1)
    assert out["updated_at"].tolist() == ["2024-03-01", "", "", ""]
    # 3/31 and Q1 nearest to 2024-03-01; created_at 3/15 the latest one not after it
    assert out["close_date"].tolist() == ["2024-06-30", "", "2024-03-31", "2024-06-30"]
    assert out["created_at"].tolist() == ["2023-12-01", "2024-02-20", "2023-03-15", ""]
    inferred = findings[findings["rule"] == "normalize.date-year-inferred"]
    assert len(inferred) == 3
    assert inferred["message"].str.contains("as-of date (2024-03-01", regex=False).all()
    assert not (findings["rule"] == "normalize.date-in-future").any()


def test_given_today_is_used_as_before() -> None:
    today = dt.date(2024, 1, 15)
    out, findings = normalize_records(records(TRACKER), today=today)
    assert out["close_date"].tolist() == ["2024-06-30", "", "2024-03-31", "2024-06-30"]
    assert out["created_at"].tolist() == ["2023-12-01", "2024-02-20", "2023-03-15", ""]
    future = findings[findings["rule"] == "normalize.date-in-future"]
    assert sorted(future["original"]) == ["2024/2/20", "2024/3/1"]
    assert future["message"].str.endswith("after today (2024-01-15)").all()


def test_without_today_same_as_with_the_derived_date() -> None:
    raw = records(TRACKER)
    derived, derived_findings = normalize_records(raw, today=None)
    as_of = as_of_date(derived)
    assert as_of is not None
    given, given_findings = normalize_records(raw, today=as_of)
    pd.testing.assert_frame_equal(derived, given)
    # the same findings; only the wording of the reference differs ("today" vs "as-of date")
    keep = [c for c in given_findings.columns if c != "message"]
    pd.testing.assert_frame_equal(derived_findings[keep], given_findings[keep])


def test_reference_skips_future_facing_fields(rules_copy: Path) -> None:
    frame = records(
        {
            "A": [{"close_date": "2024-06-30", "next_action_date": "2025-01-15"}],
            "B": [{"close_date": "2/1"}],
        }
    )
    # both are planned dates (dates.future_facing): the latest date of all is the last resort
    out, findings = normalize_records(frame, today=None)
    assert out["close_date"].tolist() == ["2024-06-30", "2025-02-01"]
    message = findings[findings["rule"] == "normalize.date-year-inferred"]["message"].iloc[0]
    assert "2025-01-15, the latest close_date/next_action_date" in message
    # close_date not future-facing: it comes before next_action_date
    path = rules_copy / "normalize.yaml"
    text = path.read_text(encoding="utf-8")
    old = "future_facing: [close_date, next_action_date, valid_until]"
    assert old in text
    new = "future_facing: [next_action_date, valid_until]"
    path.write_text(text.replace(old, new), encoding="utf-8")
    out, _ = normalize_records(frame, rules_dir=str(rules_copy), today=None)
    assert out["close_date"].tolist() == ["2024-06-30", "2024-02-01"]


def test_no_date_anywhere_gives_no_year() -> None:
    out, findings = normalize_records(records({"S": [{"close_date": "3/31"}]}), today=None)
    assert out["close_date"].tolist() == [""]
    assert as_of_date(out) is None
    hit = findings[findings["rule"] == "normalize.date-year-unknown"]
    assert hit[["row", "original", "severity", "action"]].values.tolist() == [
        [2, "3/31", "warning", "blanked"]
    ]


def test_parse_date_needs_a_reference_for_a_missing_year() -> None:
    assert parse_date("2026/3/31").value == "2026-03-31"
    alone = parse_date("3/31")
    assert alone.value == "" and alone.failure is not None
    assert alone.failure.rule == "normalize.date-year-unknown"
    assert parse_date("3/31", reference=dt.date(2024, 2, 1)).value == "2024-03-31"


# ----------------------------------------------------------------------------- the clock


class _Clock(type):
    """Instances of the real date/datetime still pass isinstance checks against the fakes."""

    real: type

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls.real)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls.real)


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set the wall clock; count every read of it."""
    reads: list[str] = []
    now = {"day": _REAL_DATE(2026, 1, 15)}

    class FakeDate(_REAL_DATE, metaclass=_Clock):
        real = _REAL_DATE

        @classmethod
        def today(cls) -> dt.date:
            reads.append("date.today")
            return now["day"]

    class FakeDateTime(_REAL_DATETIME, metaclass=_Clock):
        real = _REAL_DATETIME

        @classmethod
        def now(cls, tz: Any = None) -> dt.datetime:  # type: ignore[override]
            reads.append("datetime.now")
            return _REAL_DATETIME.combine(now["day"], _REAL_DATETIME.min.time())

        @classmethod
        def today(cls) -> dt.datetime:
            reads.append("datetime.today")
            return _REAL_DATETIME.combine(now["day"], _REAL_DATETIME.min.time())

        @classmethod
        def utcnow(cls) -> dt.datetime:
            reads.append("datetime.utcnow")
            return _REAL_DATETIME.combine(now["day"], _REAL_DATETIME.min.time())

    normalize_records(records(TRACKER), today=None)  # rule files loaded (and cached) unpatched
    monkeypatch.setattr(datetime, "date", FakeDate)
    monkeypatch.setattr(datetime, "datetime", FakeDateTime)

    class Clock:
        def set(self, day: dt.date) -> None:
            now["day"] = day

        @property
        def reads(self) -> list[str]:
            return reads

    yield Clock()


def test_output_does_not_depend_on_the_wall_clock(clock: Any) -> None:
    raw = records(TRACKER)
    runs = []
    for day in (_REAL_DATE(1999, 12, 31), _REAL_DATE(2024, 3, 2), _REAL_DATE(2090, 6, 30)):
        clock.set(day)
        runs.append(normalize_records(raw, today=None))
    assert clock.reads == []
    for out, findings in runs[1:]:
        pd.testing.assert_frame_equal(out, runs[0][0])
        pd.testing.assert_frame_equal(findings, runs[0][1])
    assert runs[0][0]["close_date"].tolist() == ["2024-06-30", "", "2024-03-31", "2024-06-30"]


def test_normalize_sources_never_read_the_clock() -> None:
    clock = re.compile(
        r"\b(?:date|datetime)\.(?:today|now|utcnow)\(|\btime\.time\(|\bdate\.today\b"
    )
    package = Path(normalize_package.__file__).parent
    reads = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(package.glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if clock.search(line)
    ]
    assert reads == []


def test_an_isolated_typo_far_ahead_is_not_the_as_of_date() -> None:
    """One created_at typed 2062 among 2025-2026 dates is a typo, not the day of the export."""
    from migrate.normalize import as_of_date

    days = [f"2026-0{m}-1{d}" for m in range(1, 4) for d in range(5)]
    frame = pd.DataFrame({"created_at": [*days, "2062-01-15"], "updated_at": [""] * 16})
    assert as_of_date(frame).isoformat() == "2026-03-14"
    # a real jump with many rows behind it is kept
    frame = pd.DataFrame({"created_at": [*days, *["2028-01-15"] * 5]})
    assert as_of_date(frame).isoformat() == "2028-01-15"
