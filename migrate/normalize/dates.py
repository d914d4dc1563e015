"""Dates: one cell read into a :class:`DateToken`, then resolved to ``YYYY-MM-DD``.

In: a raw date cell: an Excel date (datetime/date), an Excel serial number (45747), ISO and
Japanese shapes (2026-03-31, 2026/3/31, 2026.3.31, 20260331, 2026年3月31日), 和暦 (R8.3.31,
令和8年3月31日, 令和元年5月1日, H31.4.30, ㋿8/3/31), US/European shapes (3/31/2026, 31/03/2026,
Mar 31, 2026, 31 Mar 2026), approximate periods (2026年3月, 3月末, 3月中旬, 〜3月末, Q1,
FY26 Q2, 2026年度, 2026年度上期), ranges (2026/3/1〜3/31: the end is taken), placeholders
(未定, TBD, -) and text with times or weekdays (2026/3/31(火) 10:00). Out: a token that is
either a full date, or still needs the column's day/month order (03/04/2026), a year (3/31,
3月末, 2026/3/末 has one, Q1) or the run's reference date (relative periods of
rules/normalize.yaml dates.relative_periods: 来月, 来月末, 今期中, 来期, this quarter, next
month); :mod:`.date_columns` decides those from the rest of the column and row. :func:`parse_date`
does the whole thing for one value with an explicit order and reference date. Text none of this
reads (3日後, next Friday, 3 days ago) goes to dateparser where it is installed (extra
``dates``): :func:`read_relative`, counted from the run's reference date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, Literal

from .base import Issue, Outcome, is_missing, reformat
from .config import DateRules, NormalizeRules, load_rules
from .periods import (
    Spec,
    date_for,
    four_digit,
    make_date,
    month_day,
    relative_date,
    serial_to_date,
    western_year,
)
from .text import clean_text, is_placeholder

RULE = "normalize.date"
UNPARSEABLE = "normalize.unparseable-date"
Kind = Literal["empty", "full", "order", "no-year", "relative", "fail"]

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")  # fmt: skip
_MONTHS = {n: i for i, n in enumerate(_MONTH_NAMES, 1)} | {
    n[:3]: i for i, n in enumerate(_MONTH_NAMES, 1)
}
_MONTHS["sept"] = 9
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = re.compile(
    r"\s*\(\s*(?:月|火|水|木|金|土|日)(?:曜日?)?\s*\)|\s*\(\s*(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*\)"
    r"|^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"
)
_TIME_RE = re.compile(
    r"(?:[ t]|(?<=日))\s*(?:午前|午後|am|pm)?\s*\d{1,2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?|時(?:\d{1,2}分)?(?:\d{1,2}秒)?)"
    r"\s*(?:am|pm)?\s*(?:z|[+-]\d{2}:?\d{2})?$"
)
_VAGUE_RE = re.compile(
    r"\s*(?:頃|ごろ|目途|目処|めど|メド|見込み|見込|まで|迄|までに|以内|位|くらい)$"
)
_PLAIN_TAIL_RE = re.compile(r"\s*(?:予定日?|予定|着地|締結|受注|実施|迄に)$")
_VAGUE_HEAD_RE = re.compile(r"^(?:約|by|approx\.?|around|遅くとも|おおよそ)\s*")
_YMD = re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_MD_JA = re.compile(r"^(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?$")
_ORDER3 = re.compile(r"^(?P<a>\d{1,2})\s*[-/.]\s*(?P<b>\d{1,2})\s*[-/.]\s*(?P<y>\d{4}|\d{2})$")
_ORDER2 = re.compile(r"^(?P<a>\d{1,2})\s*/\s*(?P<b>\d{1,2})$")
_EN_MDY = re.compile(
    rf"^(?P<mon>{_MON})(?:\.\s*|\s+)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s*-?\s*(?P<y>\d{{4}}))?$"
)
_EN_DMY = re.compile(
    rf"^(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*[-\s]\s*(?:of\s+)?(?P<mon>{_MON})\.?(?:,?\s*[-\s]\s*(?P<y>\d{{4}}|\d{{2}}))?$"
)


@dataclass(frozen=True)
class _MonthParts:
    """The patterns of a month with a word for where in it (2026年3月上旬, 3月末, mid March),
    built from rules/normalize.yaml dates.month_parts, and the day each word means."""

    ym: re.Pattern[str]
    m_ja: re.Pattern[str]
    en_my: re.Pattern[str]
    day: dict[str, str | int]
    slash: re.Pattern[str]  # 2026/3/末, 3/末: the word after a separator instead of 月


@lru_cache(maxsize=8)
def _month_parts(parts: tuple[tuple[str, str | int], ...]) -> _MonthParts:
    # Japanese words follow the month (3月中旬), English ones come before it (mid March);
    # (?!) never matches: without words of a script the month is read without one
    ja = "|".join(re.escape(w) for w, _ in parts if not w.isascii()) or "(?!)"
    en = "|".join(re.escape(w) for w, _ in parts if w.isascii()) or "(?!)"
    where = rf"(?P<w>{ja})?"
    return _MonthParts(
        re.compile(rf"^(?P<y>\d{{4}})\s*[-/.年]\s*(?P<m>\d{{1,2}})\s*月?\s*{where}$"),
        re.compile(rf"^(?P<m>\d{{1,2}})\s*月\s*{where}$"),
        re.compile(
            rf"^(?:(?P<w>{en})(?:\s+of|-)?\s*)?(?P<mon>{_MON})\.?"
            rf"(?:\s*[-\s,']\s*(?P<y>\d{{4}}|\d{{2}}))?$"
        ),
        dict(parts),
        re.compile(rf"^(?P<head>(?:\d{{4}}\s*[-/.年]\s*)?\d{{1,2}})\s*[-/.]\s*(?P<w>{ja})$"),
    )


@lru_cache(maxsize=8)
def _relative_grammar(
    words: tuple[tuple[str, str, int], ...], parts: tuple[tuple[str, str | int], ...]
) -> re.Pattern[str]:
    """来月, 来月末, 今期中, end of next month, mid next month: a relative period of
    dates.relative_periods with an optional month-part word (after it in Japanese, before it in
    English)."""
    rel = "|".join(re.escape(w) for w, _, _ in words) or "(?!)"
    ja = "|".join(re.escape(w) for w, _ in parts if not w.isascii()) or "(?!)"
    en = "|".join(re.escape(w) for w, _ in parts if w.isascii()) or "(?!)"
    return re.compile(rf"^(?:(?P<en>{en})(?:\s+of|-)?\s+)?(?P<rel>{rel})\s*(?P<ja>{ja}|いっぱい)?$")


# 中/内/末 after a period (2026年度中, 上期内): by its end, the day the period ends
_FY = re.compile(r"^(?:(?P<y>\d{4})\s*年度\s*(?:末|中|内)?|fy\s*'?(?P<y2>\d{2}|\d{4}))$")
_YEAR = re.compile(r"^(?P<y>\d{4})\s*年\s*(?:中|内|末)?$")
_QUARTER = re.compile(
    r"^(?:(?:fy\s*'?(?P<fy>\d{2}|\d{4})|(?P<y>\d{4})\s*年?度?)\s*[-/ ]?\s*)?(?:第\s*)?"
    r"(?:q(?P<q>[1-4])|(?P<q2>[1-4])\s*(?:q|四半期))"
    r"(?:\s*[-/ ]?\s*(?:fy)?\s*'?(?P<y3>\d{4}|\d{2}))?\s*(?:末|中|内)?$"
)
_HALF = re.compile(
    r"^(?:(?:fy\s*'?(?P<fy>\d{2}|\d{4})|(?P<y>\d{4})\s*年?度?)\s*[-/ ]?\s*)?"
    r"(?P<h>上期|下期|上半期|下半期|h1|h2|1h|2h)\s*(?:末|中|内)?$"
)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_RANGE_RE = re.compile(r"\s*(?:〜|~|から|\bto\b|\s-\s|–|—|―)\s*")


@dataclass(frozen=True, slots=True)
class DateToken:
    """A date cell read without its context."""

    kind: Kind
    date: dt.date | None = None
    spec: Spec = ()
    approx: str = ""  # why the result is approximate ("" when it is exact)
    evidence: str = ""  # "day-first" | "month-first" when the value decides the column's order
    issues: tuple[Issue, ...] = ()
    failure: Issue | None = None
    era: str = ""  # the 和暦 era the value wrote (R6.4.1, 令和6年): context for 6.11.30 beside it


EMPTY = DateToken("empty")


def parse_date(
    value: object,
    *,
    order: str = "month-first",
    reference: dt.date | None = None,
    rules: NormalizeRules | None = None,
) -> Outcome[str]:
    """Read one date cell into ``YYYY-MM-DD`` ("" when empty or unreadable).

    A value without a year (3/31, 3月末, Q1) takes the year nearest to ``reference``; without a
    reference it cannot be read (``normalize.date-year-unknown``): the wall clock is never used.
    """
    rules = rules or load_rules()
    token = tokenize(value, rules)
    if token.kind == "order":
        token = resolve_order(token, order, rules.dates)
    if token.kind == "no-year":
        if reference is None:
            return Outcome("", token.issues, year_unknown(value))
        token = resolve_year(token, reference, rules.dates, f"the reference date ({reference})")
    if token.kind == "relative":
        if reference is None:
            return Outcome("", token.issues, no_reference(value))
        token = resolve_relative(token, reference, rules.dates, f"the reference date ({reference})")
    if token.kind == "full" and token.date:
        return Outcome(token.date.isoformat(), token.issues)
    if reference is not None and token.failure and token.failure.rule == UNPARSEABLE:
        relative = read_relative(value, reference, rules.dates, f"the reference date ({reference})")
        if relative:
            return relative
    return Outcome("", token.issues, token.failure)


@cache
def _date_parser() -> Any:
    """dateparser's ``parse`` when installed (extra ``dates``), else None."""
    try:
        from dateparser import parse
    except ImportError:
        return None
    return parse


def read_relative(
    value: object, reference: dt.date, dr: DateRules, why: str
) -> Outcome[str] | None:
    """A relative or spoken date (来月, next Friday, 3 days ago) read by dateparser; else None.

    Only for text the rules above cannot read, counted from ``reference`` (the run's reference
    date, never the clock); a month without a day takes its last day, like 2026年3月.
    """
    parse = _date_parser()
    text = clean_text(value) if isinstance(value, str) else ""
    if parse is None or not text or len(text) > 40 or not any(ch.isalpha() for ch in text):
        return None
    settings = {
        "RELATIVE_BASE": dt.datetime.combine(reference, dt.time()),
        "PREFER_DAY_OF_MONTH": "last",
        "PREFER_DATES_FROM": "current_period",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        got = parse(text, languages=["ja", "en"], settings=settings)
    except Exception:  # a third-party parser: any failure leaves the cell unreadable
        return None
    if got is None or not dr.min_year <= got.year <= dr.max_year:
        return None
    written = re.findall(r"\d{4}", text)
    if written and str(got.year) not in written:  # 0000年 is no date of this year
        return None
    day = got.date().isoformat()
    msg = f"'{text}' is relative or spoken; read by dateparser against {why} as {day}"
    return Outcome(day, (Issue("normalize.approximate-date", msg, day),))


def tokenize(value: object, rules: NormalizeRules) -> DateToken:
    """Read one raw date cell without context."""
    dr = rules.dates
    if is_missing(value):
        return EMPTY
    if isinstance(value, dt.datetime):
        return _check_range(_full(value.date(), dr), dr)
    if isinstance(value, dt.date):
        return _check_range(_full(value, dr), dr)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_number(float(value), dr)
    text = clean_text(value)
    if not text:
        return EMPTY
    if is_placeholder(text, rules.placeholders):
        from .companies import placeholder_issue

        return DateToken("empty", issues=(placeholder_issue(text),))
    token = _from_text(text, dr)
    if token.kind == "fail":
        return DateToken(
            "fail", failure=Issue("normalize.unparseable-date", f"'{text}' is not a date")
        )
    if token.approx and token.kind != "relative":  # a relative one says so once resolved
        token = replace(token, issues=(*token.issues, _approx_issue(text, token.approx)))
    if token.kind == "full" and token.date and token.date.isoformat() != text and not token.issues:
        token = replace(token, issues=(reformat(RULE, token.date.isoformat()),))
    return _check_range(token, dr)


def resolve_order(token: DateToken, order: str, dr: DateRules) -> DateToken:
    """Turn an ambiguous a/b[/y] token into a date (or a no-year day) with the given order."""
    a, b, y = (int(x) for x in token.spec[1:4])  # type: ignore[call-overload]
    m, d = (b, a) if order == "day-first" else (a, b)
    if y:
        day = make_date(y, m, d)
        if day is None:
            return replace(
                token, kind="fail", failure=Issue("normalize.unparseable-date", "not a valid date")
            )
        return _check_range(replace(token, kind="full", date=day), dr)
    return replace(token, kind="no-year", spec=("day", m, d))


def resolve_year(
    token: DateToken,
    reference: dt.date,
    dr: DateRules,
    why: str,
    *,
    not_after: bool = False,
    not_before: dt.date | None = None,
) -> DateToken:
    """Give a year to a no-year token: the candidate closest to ``reference``.

    With ``not_after`` (a date that cannot lie ahead, such as created_at, placed by today's
    date alone) the latest candidate on or before ``reference`` wins instead. With
    ``not_before`` (an open deal's close date: the run's reference date) the earliest candidate
    whose month is not before that date's month wins: 9月末 written in January is next
    September, Q3 read in January is the coming Q3, 1月上旬 in late January is still this one.
    """
    years = range(reference.year - 1, reference.year + 2)
    if not_before is not None:
        years = range(min(years.start, not_before.year), max(years.stop, not_before.year + 2))
    days = [date_for(token.spec, y, dr) for y in years]
    valid = [d for d in days if d is not None]
    past = [d for d in valid if d <= reference] if not_after else []
    ahead = (
        [d for d in valid if (d.year, d.month) >= (not_before.year, not_before.month)]
        if not_before is not None and not past
        else []
    )
    best: dt.date | None = (
        max(past)
        if past
        else min(ahead)
        if ahead
        else min(valid, key=lambda d: abs((d - reference).days), default=None)
    )
    if best is None:
        return replace(
            token, kind="fail", failure=Issue("normalize.unparseable-date", "not a valid date")
        )
    how = "the latest not after" if past else "nearest to"
    if ahead:
        nearest = min(valid, key=lambda d: abs((d - reference).days))
        how = "nearest to" if best == nearest else f"(an open deal: not before {not_before}) after"
    issue = Issue(
        "normalize.date-year-inferred",
        f"no year given; used {best.year}, {how} {why}",
        best.isoformat(),
    )
    return _check_range(replace(token, kind="full", date=best, issues=(*token.issues, issue)), dr)


def resolve_relative(token: DateToken, reference: dt.date, dr: DateRules, why: str) -> DateToken:
    """A relative period (来月, 今期中, this quarter) counted from ``reference``."""
    day = relative_date(token.spec, reference, dr)
    if day is None:
        return replace(token, kind="fail", failure=Issue(UNPARSEABLE, "not a valid date"))
    issue = Issue(
        "normalize.approximate-date",
        f"a relative period ({token.approx}); read against {why} as {day.isoformat()}",
        day.isoformat(),
    )
    return _check_range(replace(token, kind="full", date=day, issues=(issue,)), dr)


def no_reference(value: object) -> Issue:
    """The failure of a relative period when nothing gives a reference date."""
    return Issue(
        UNPARSEABLE,
        f"'{clean_text(value)}' is relative and no date given or in the data tells from when "
        "it was written: run again with --as-of YYYY-MM-DD (the day of the export)",
    )


def year_unknown(value: object) -> Issue:
    """The failure of a date without a year when nothing gives one (no reference date)."""
    return Issue(
        "normalize.date-year-unknown",
        f"'{clean_text(value)}' has no year and no other date in the data gives one",
    )


# ----------------------------------------------------------------------------- reading text


@lru_cache(maxsize=8)
def _weekday_after(kanji: tuple[str, ...], names: tuple[str, ...]) -> re.Pattern[str] | None:
    """A weekday after a date without brackets (2027/03/31 水曜, 3/31 Wed), at the end or
    before a time: the day kanji with 曜/曜日, or an English name as a word (rules/normalize.yaml
    dates.weekday_kanji, weekday_names)."""
    parts = []
    if kanji:
        parts.append(rf"\s*(?:{'|'.join(map(re.escape, kanji))})曜日?")
    if names:
        words = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
        parts.append(rf"(?:,?\s+|,)(?:{words})\.?")
    if not parts:
        return None
    # after the day's digits or its 日 (2027年3月31日 水曜日)
    return re.compile(rf"(?<=[\d日])(?:{'|'.join(parts)})(?=\s*$|\s+\d)")


def _from_text(text: str, dr: DateRules) -> DateToken:
    t = _WEEKDAY_RE.sub("", text.casefold()).strip()
    after = _weekday_after(dr.weekday_kanji, dr.weekday_names)
    if after is not None:
        t = after.sub("", t).strip()
    t = _TIME_RE.sub("", t).strip() or t
    approx = ""
    t = _PLAIN_TAIL_RE.sub("", t) or t
    vague = _VAGUE_RE.sub("", t)
    head = _VAGUE_HEAD_RE.sub("", vague)
    if (vague != t or head != vague) and head:
        t, approx = head, "approximate"
    t, era = western_year(t, dr)
    token = _grammar(t, dr)
    if token.kind == "fail":
        token = _range(t, dr)
    if approx and token.kind != "fail" and not token.approx:
        token = replace(token, approx=approx)
    if era and token.kind == "full" and token.date:
        token = replace(_check_era(token, era, dr), era=era[0])
    return token


_SHORT_YMD = re.compile(
    r"^(?P<n>\d{1,2})\s*(?P<sep>[./\-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})$"
)


def short_era_date(value: object, era: str, dr: DateRules) -> dt.date | None:
    """6.11.30 read as the 和暦 date 令和6年11月30日 of ``era``: a year of one or two digits,
    then month and day; None when the value is no such shape or the date lies outside the era."""
    if not isinstance(value, str):
        return None
    hit = _SHORT_YMD.match(clean_text(value))
    eras = sorted(dr.eras, key=lambda e: e.start)
    at = next((i for i, e in enumerate(eras) if e.name == era), None)
    if hit is None or at is None or not int(hit["n"]):
        return None
    day = make_date(eras[at].start.year + int(hit["n"]) - 1, int(hit["m"]), int(hit["d"]))
    end = eras[at + 1].start if at + 1 < len(eras) else dt.date.max
    if day is None or not eras[at].start <= day < end or not dr.min_year <= day.year <= dr.max_year:
        return None
    return day


def _range(t: str, dr: DateRules) -> DateToken:
    """2026/3/1〜3/31, 〜3月末, 3/1〜: a range is read as its end."""
    parts = _RANGE_RE.split(t, maxsplit=1)
    if len(parts) != 2:
        parts = _split_dash(t, dr) if "-" in t else []
        if not parts:
            return DateToken("fail")
    left, right = (p.strip() for p in parts)
    if not right:
        token = _grammar(left, dr)
        return (
            replace(token, approx="the start of an open range") if token.kind != "fail" else token
        )
    token = _grammar(right, dr)
    if token.kind == "fail" and right.isdigit() and left:  # 3/1〜15: the day of the same month
        start = _grammar(left, dr)
        if start.kind == "full" and start.date:
            day = make_date(start.date.year, start.date.month, int(right))
            token = _full(day, dr) if day else token
    if token.kind == "fail":
        return token
    if left:
        start = _grammar(left, dr)
        if start.kind == "fail":
            return DateToken("fail")
        if token.kind == "no-year" and start.kind == "full" and start.date:
            day = date_for(token.spec, start.date.year, dr)
            if day and day < start.date:
                day = date_for(token.spec, start.date.year + 1, dr)
            token = _full(day, dr) if day else token
        return replace(token, approx="a range; the end was taken")
    return replace(token, approx=token.approx or "'by' a date; that date was taken")


def _split_dash(t: str, dr: DateRules) -> list[str]:
    for i, ch in enumerate(t):
        if (
            ch == "-"
            and _grammar(t[:i], dr).kind != "fail"
            and _grammar(t[i + 1 :], dr).kind != "fail"
        ):
            return [t[:i], t[i + 1 :]]
    return []


def _grammar(t: str, dr: DateRules) -> DateToken:
    """One date or period, no ranges."""
    t = t.strip()
    if hit := _YMD.match(t) or _COMPACT.match(t):
        return _ymd(int(hit["y"]), int(hit["m"]), int(hit["d"]), dr)
    parts = _month_parts(dr.month_parts)
    if hit := parts.slash.match(t):  # 2026/3/末 -> 2026/3月末
        t = f"{hit['head']}月{hit['w']}"
    if dr.relative_periods and (
        hit := _relative_grammar(dr.relative_periods, dr.month_parts).match(t)
    ):
        return _relative(hit, dr)
    if hit := parts.ym.match(t):
        return _month(int(hit["y"]), int(hit["m"]), hit["w"], dr)
    if hit := _MD_JA.match(t):
        return DateToken("no-year", spec=("day", int(hit["m"]), int(hit["d"])))
    if hit := parts.m_ja.match(t):
        return _month(0, int(hit["m"]), hit["w"], dr)
    if hit := _ORDER3.match(t) or _ORDER2.match(t):
        ys = hit.groupdict().get("y") or ""
        token = _order(int(hit["a"]), int(hit["b"]), _year(ys), dr)
        if len(ys) == 2 and int(hit["a"]) > 12 and token.kind == "full" and token.date:
            # 26/3/31: D/M/YY (2031-03-26) or the Japanese YY/M/D (2026-03-31)?
            alt = make_date(four_digit(int(hit["a"])), int(hit["b"]), int(ys))
            if alt:
                msg = (
                    f"'{t}' read as day/month/two-digit year; it could also mean {alt.isoformat()}"
                )
                issue = Issue("normalize.ambiguous-two-digit-year", msg, severity="warning")
                token = replace(token, issues=(issue,))
        return token
    if hit := _EN_MDY.match(t) or _EN_DMY.match(t):
        y = _year(hit["y"])
        m, d = _MONTHS[hit["mon"]], int(hit["d"])
        return _ymd(y, m, d, dr) if y else DateToken("no-year", spec=("day", m, d))
    if hit := parts.en_my.match(t):
        y = _year(hit["y"])
        return _month(y, _MONTHS[hit["mon"]], hit["w"], dr)
    if hit := _FY.match(t):
        return _period(("fy", 1), _year(hit["y"] or hit["y2"]), "a fiscal year", dr)
    if hit := _YEAR.match(t):
        return _period(("year",), _year(hit["y"]), "a year only", dr)
    if hit := _QUARTER.match(t):
        ys = hit["fy"] or hit["y"] or hit["y3"]
        spec = ("quarter", int(hit["q"] or hit["q2"]))
        return _period(spec, _year(ys), f"a {dr.quarters} quarter", dr)
    if hit := _HALF.match(t):
        ys = hit["fy"] or hit["y"]
        h = 1 if hit["h"] in ("上期", "上半期", "h1", "1h") else 2
        return _period(("half", h), _year(ys), f"a {dr.quarters} half-year", dr)
    if _SERIAL.match(t):
        return _from_number(float(t), dr)
    return DateToken("fail")


def _relative(hit: re.Match[str], dr: DateRules) -> DateToken:
    word = hit["rel"]
    unit, offset = next((u, n) for w, u, n in dr.relative_periods if w == word)
    where = hit["ja"] or hit["en"] or ""
    pick: object = (
        dr.month_only
        if not where or where == "いっぱい"
        else dict(dr.month_parts).get(where, "end")
    )
    if unit != "month":
        pick = "end"
    what = f"'{word}'" + (f", '{where}'" if where else "")
    day = "the last day" if pick == "end" else f"day {pick}" if pick != "start" else "the first day"
    why = (
        f"{what}: {unit}{offset:+d} of the reference date, {day}"
        if offset
        else (f"{what}: this {unit} of the reference date, {day}")
    )
    return DateToken("relative", spec=("relative", unit, offset, pick), approx=why)


def _year(written: str | None) -> int:
    """The year a date writes (0 when none): only a two-digit year is expanded (26 -> 2026).

    A year written with four digits is taken as written, so 1/1/0001 is the year 1 (out of
    range, a finding), never a made-up 2001.
    """
    if not written:
        return 0
    if len(written) == 2:
        return four_digit(int(written))
    return int(written) or -1  # year 0000 is no year at all: -1 makes no date, not "no year"


def _ymd(y: int, m: int, d: int, dr: DateRules) -> DateToken:
    day = make_date(y, m, d)
    return _full(day, dr) if day else DateToken("fail")


def _month(y: int, m: int, where: str | None, dr: DateRules) -> DateToken:
    if not 1 <= m <= 12:
        return DateToken("fail")
    pick: object = _month_parts(dr.month_parts).day.get(where or "", dr.month_only)
    if where in ("中", "内"):
        why = "'during the month'; the last day was taken"
    elif where:
        day = "the last day" if pick == "end" else f"day {pick}"
        why = f"'{where}' of the month; {day} was taken"
    else:
        why = f"a month only; the {'last' if pick == 'end' else 'first'} day was taken"
    if not y:
        return DateToken("no-year", spec=("month", m, pick), approx=why)
    return replace(_full(month_day(y, m, pick), dr), approx=why)


def _period(spec: Spec, y: int, what: str, dr: DateRules) -> DateToken:
    if "fiscal" in what:
        # the fiscal year it was read in: April by default (a Japanese 年度), which a US team's
        # Q3 2026 (Sep 30 in a January year) is not; --fiscal-year-start changes it
        n = dr.fiscal_start
        what = f"{what}, the fiscal year starting in month {n} ({_MONTH_NAMES[n - 1].capitalize()})"
    why = f"{what}; its last day was taken"
    if not y:
        return DateToken("no-year", spec=spec, approx=why)
    day = date_for(spec, y, dr)
    return replace(_full(day, dr), approx=why) if day else DateToken("fail")


def _order(a: int, b: int, y: int, dr: DateRules) -> DateToken:
    """a/b[/y]: decided by the value when one part cannot be a month, else left to the column."""
    if a > 12 and b > 12 or not a or not b:
        return DateToken("fail")
    if a > 12 or b > 12 or a == b:
        m, d = (b, a) if a > 12 else (a, b)
        evidence = "day-first" if a > 12 else "month-first" if b > 12 else ""
        if not y:
            return DateToken("no-year", spec=("day", m, d), evidence=evidence)
        day = make_date(y, m, d)
        return replace(_full(day, dr), evidence=evidence) if day else DateToken("fail")
    return DateToken("order", spec=("order", a, b, y))


def _from_number(value: float, dr: DateRules) -> DateToken:
    """An Excel serial date (1900 system) or a yyyymmdd number."""
    if value != value:
        return EMPTY
    if dr.serial_min <= value <= dr.serial_max:
        day = serial_to_date(value)
        issue = Issue(
            "normalize.date-from-serial",
            f"the number {value:g} read as an Excel date",
            day.isoformat(),
        )
        return _check_range(DateToken("full", day, issues=(issue,)), dr)
    if value.is_integer() and 10_000_000 <= value <= 99_991_231:
        token = _grammar(str(int(value)), dr)
        if token.kind == "full":
            return _check_range(token, dr)
    return DateToken(
        "fail", failure=Issue("normalize.unparseable-date", f"the number {value:g} is not a date")
    )


def _check_era(token: DateToken, era: tuple[str, int], dr: DateRules) -> DateToken:
    name, n = era
    eras = sorted(dr.eras, key=lambda e: e.start)
    for i, e in enumerate(eras):
        if e.name != name or token.date is None:
            continue
        end = eras[i + 1].start if i + 1 < len(eras) else dt.date.max
        if not e.start <= token.date < end:
            msg = f"{name}{n}年 is outside the {name} era; read as {token.date.year}"
            return replace(
                token,
                issues=(
                    *token.issues,
                    Issue("normalize.era-out-of-range", msg, token.date.isoformat()),
                ),
            )
    return token


def _full(day: dt.date | None, dr: DateRules) -> DateToken:
    return DateToken("full", day) if day else DateToken("fail")


def _check_range(token: DateToken, dr: DateRules) -> DateToken:
    if token.kind == "full" and token.date and not dr.min_year <= token.date.year <= dr.max_year:
        msg = f"{token.date.isoformat()} is outside the years {dr.min_year}-{dr.max_year}"
        issues = tuple(i for i in token.issues if i.level == "cell")
        return replace(
            token, kind="fail", issues=issues, failure=Issue("normalize.date-out-of-range", msg)
        )
    return token


def _approx_issue(text: str, why: str) -> Issue:
    return Issue("normalize.approximate-date", f"'{text}' is approximate ({why})")
