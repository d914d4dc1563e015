"""Calendar arithmetic for dates: fiscal periods, 和暦 eras, Excel serial numbers.

In: a period spec and a year (a quarter of fiscal year 2026, the end of March, 令和8年), the
rules' fiscal-year start and era table. Out: plain ``datetime.date`` values. Used by
:mod:`.dates` to read one cell and by :mod:`.date_columns` to give a year to one that lacks it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .config import DateRules

#: What a date without a year (or with an undecided day/month order) still needs:
#: ("order", a, b, year|0) | ("day", m, d) | ("month", m, day|"end"|"start") | ("quarter", q)
#: | ("half", h) | ("fy", 1) | ("year",) | ("relative", unit, offset, day|"end"|"start")
Spec = tuple[object, ...]

#: months per relative unit (relative_periods of rules/normalize.yaml)
_UNIT_MONTHS = {"month": 1, "quarter": 3, "half": 6, "fiscal-year": 12, "year": 12}


def date_for(spec: Spec, year: int, dr: DateRules) -> dt.date | None:
    """The date a period spec means in ``year`` (for fiscal periods: the fiscal year named so)."""
    what = spec[0]
    if what == "day":
        return make_date(year, int(spec[1]), int(spec[2]))  # type: ignore[call-overload]
    if what == "month":
        return month_day(year, int(spec[1]), spec[2])  # type: ignore[call-overload]
    if what == "year":
        return make_date(year, 12, 31)
    months = {"quarter": 3, "half": 6, "fy": 12}[str(what)]
    n = int(spec[1]) if len(spec) > 1 else 1  # type: ignore[call-overload]
    if what != "fy" and dr.quarters == "calendar":
        return month_day(year, months * n, "end")
    first_year = year if dr.fiscal_named_by == "start" else year - (dr.fiscal_start != 1)
    index = dr.fiscal_start - 1 + months * n - 1  # 0-based month index of the period's last month
    return month_day(first_year + index // 12, index % 12 + 1, "end")


def relative_date(spec: Spec, reference: dt.date, dr: DateRules) -> dt.date | None:
    """The date a relative period means from ``reference``: 来月 -> the end of next month, 今期
    -> the end of this fiscal year, this quarter -> the end of this (fiscal or calendar) quarter.

    ``spec`` is ("relative", unit, offset, pick); a month takes the day ``pick`` says, a longer
    period its last day.
    """
    _, unit, offset, pick = spec
    size = _UNIT_MONTHS[str(unit)]
    start = 1  # periods of a calendar year, and calendar quarters, start in January
    if unit in ("fiscal-year", "half") or (unit == "quarter" and dr.quarters == "fiscal"):
        start = dr.fiscal_start
    month = reference.year * 12 + reference.month - 1  # months since year 0, 0-based
    first = month - (reference.month - start) % size  # the first month of the current period
    last = first + size * int(offset) + size - 1  # type: ignore[call-overload]
    y, m = divmod(last, 12)
    return month_day(y, m + 1, pick if size == 1 else "end")


def serial_to_date(serial: float, date_system: int = 1900) -> dt.date:
    """An Excel serial number as a date (1900 system by default; 1904 for old Mac workbooks)."""
    # 1900 system: day 1 is 1900-01-01 and Excel believes 1900 was a leap year, so for every
    # serial after 60 the epoch is 1899-12-30. 1904 system: day 0 is 1904-01-01.
    epoch = dt.date(1899, 12, 30) if date_system == 1900 else dt.date(1904, 1, 1)
    return epoch + dt.timedelta(days=int(serial))


def western_year(t: str, dr: DateRules) -> tuple[str, tuple[str, int] | None]:
    """令和8年3月31日 / R8.3.31 / 令和元年 -> 2026年3月31日 / 2026.3.31 / 2019年."""
    for era in dr.eras:
        pattern = rf"^(?:{re.escape(era.name)}|{re.escape(era.letter.casefold())})\.?\s*(?P<n>\d{{1,2}}|元)\s*(?=[年./\-])"
        hit = re.match(pattern, t)
        if hit:
            n = 1 if hit["n"] == "元" else int(hit["n"])
            return f"{era.start.year + n - 1}{t[hit.end() :]}", (era.name, n)
    return t, None


def make_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def month_day(y: int, m: int, pick: object) -> dt.date | None:
    if not (1 <= m <= 12 and dt.MINYEAR <= y <= dt.MAXYEAR):
        return None
    if pick == "end":
        return dt.date(y, m, calendar.monthrange(y, m)[1])
    return make_date(y, m, 1 if pick == "start" else int(pick))  # type: ignore[call-overload]


def four_digit(y: int) -> int:
    """Two-digit years: 00-69 are 2000s, 70-99 are 1900s."""
    if y >= 100:
        return y
    return 2000 + y if y < 70 else 1900 + y
