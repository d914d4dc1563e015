"""Date messes: 和暦 (令和/平成, R7.4.1), Excel serial numbers, English month names.

Every function takes a real date and returns how a tracker shows it; the expected value a
reader should recover is always the ISO date (`iso`).
"""

from __future__ import annotations

import datetime as dt

MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WD = "月火水木金土日"


def iso(d: dt.date) -> str:
    """2025-04-01."""
    return d.strftime("%Y-%m-%d")


def serial(d: dt.date) -> int:
    """The Excel serial number of a date (days since 1899-12-30)."""
    return (d - dt.date(1899, 12, 30)).days


def as_dt(d: dt.date, h: int = 0, m: int = 0, s: int = 0) -> dt.datetime:
    """A date as a datetime (what a date cell holds)."""
    return dt.datetime(d.year, d.month, d.day, h, m, s)


def reiwa(d: dt.date) -> int:
    """The 令和 year of a date (2019 -> 1)."""
    return d.year - 2018


def wareki(d: dt.date, style: str) -> str:
    """和暦 text: dot R7.4.1, dot0 R07.04.01, slash R7/4/1, kanji 令和7年4月1日 (元年 for 1)."""
    if d >= dt.date(2019, 5, 1):
        era, kan, y = "R", "令和", d.year - 2018
    else:
        era, kan, y = "H", "平成", d.year - 1988
    if style == "dot":
        return f"{era}{y}.{d.month}.{d.day}"
    if style == "dot0":
        return f"{era}{y:02d}.{d.month:02d}.{d.day:02d}"
    if style == "slash":
        return f"{era}{y}/{d.month}/{d.day}"
    if style == "kanji":
        return f"{kan}{'元' if y == 1 else y}年{d.month}月{d.day}日"
    raise ValueError(style)
