"""Date columns: the context a single date cell lacks, decided from its column and row.

In: the date fields of the records frame (close_date, created_at, updated_at, next_action_date)
as :class:`~.dates.DateToken` per distinct value. Out: ``YYYY-MM-DD`` strings in place, and
findings. Two things come from context, never from one cell alone:

* day-first or month-first for 03/04/2026 shapes, per source file+sheet and field, from that
  column's unambiguous values (25/03/2026 can only be day-first), else from the other date
  columns of the same sheet when they agree (a US export's Close Date proves its Last
  Modified); undecidable -> the default of rules/normalize.yaml with a finding on every
  ambiguous cell;
* the year of 3/31, 3月末, Q1: the candidate nearest to another date of the same row, else to
  the middle of the column's dates in that sheet, else of the sheet's dates, else to the
  reference date (for a field that cannot lie ahead, such as created_at: the latest candidate
  not after it);
* the reference date itself ("today" of the future-date checks and the last resort above): the
  ``today`` given, else derived from the data once every date that needs no reference is read:
  the latest updated_at/created_at (:func:`.asof.as_of_date`), else the latest date of a field
  that is not future-facing (``dates.future_facing``: close_date, next_action_date), else the
  latest date at all. The wall clock is never read, so the same records give the same output;
* relative periods (来月, 今期中, this quarter: dates.relative_periods) against that reference
  date and the fiscal year; other relative and spoken dates (3日後, tomorrow) by dateparser
  (when installed);
* the future: a date that is future-facing by its field (``dates.future_facing``: close_date)
  on a row whose deal is not closed (``open_rows``: not won or lost) never takes a year that
  puts an approximate period (3月末, 9月下旬, Q3) in a month before the day the row was current
  (its sheet's latest updated_at, else its own created_at, else the reference date): an open
  deal of a tracker written in January does not close in last September, it closes in the next.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..asof import AS_OF_FIELDS, latest_plausible
from .base import Issue, distinct, reformat, settle
from .collect import Collector
from .config import NormalizeRules
from .dates import (
    UNPARSEABLE,
    DateToken,
    no_reference,
    read_relative,
    resolve_order,
    resolve_relative,
    resolve_year,
    short_era_date,
    tokenize,
    year_unknown,
)
from .text import clean_text, to_text


@dataclass
class _Column:
    name: str
    codes: np.ndarray
    uniques: list[object]
    tokens: list[DateToken]
    special: np.ndarray  # rows whose token needs the column's order or a year
    ahead: np.ndarray  # rows whose approximate period may not lie in the past (open deals)
    resolved: dict[int, DateToken] = field(default_factory=dict)
    ordinal: np.ndarray = field(default_factory=lambda: np.empty(0))
    # per row: the 15th of the month its sheet is named for (NaN: none), see sheet_months
    sheet_month: np.ndarray = field(default_factory=lambda: np.empty(0))
    # rows whose date looks ahead when its sheet names its month (an open deal's close date)
    forward: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))


def normalize_date_columns(
    out: pd.DataFrame,
    col: Collector,
    rules: NormalizeRules,
    fields: list[str],
    today: dt.date | None,
    open_rows: np.ndarray | None = None,
    saved: tuple[dt.date, str] | None = None,
) -> dt.date | None:
    """Normalise every date field of ``out`` in place; return the reference date used.

    ``today`` when given, else the date derived from the data (None when it has no dates).
    ``saved`` (the date a workbook was last saved, and its name) stands in when the data has
    no updated/created date: before other dates, and never a close date (a future-facing
    date says when something should happen, not when the data was written).
    ``open_rows`` (bool per row): the rows whose deal is not closed, where a future-facing date
    looks ahead; None: every row.
    """
    if not fields:
        return today
    gcodes, glabels = col.groups()
    columns = []
    for name in fields:
        codes, uniques = distinct(out[name])
        tokens = [tokenize(u, rules) for u in uniques]
        kinds = np.array([t.kind for t in tokens], dtype=object)
        special = np.isin(kinds[codes], ["order", "no-year"]) if len(codes) else np.zeros(0, bool)
        ahead = np.zeros(len(codes), bool)
        forward = np.zeros(len(codes), bool)
        if name in rules.dates.future_facing and len(codes):
            approx = np.array([bool(t.approx) for t in tokens], dtype=bool)[codes]
            forward = forward | (open_rows if open_rows is not None else True)
            ahead = approx & forward
        columns.append(_Column(name, codes, uniques, tokens, special, ahead, forward=forward))
    _short_era_dates(columns, rules, gcodes, glabels, today)
    # each column's own evidence of its order, per sheet: a column none of whose values decides
    # it takes the order the sheet's other date columns prove (a US export's Close Date
    # 12/21/2026 makes its Last Modified 03/04/2026 month-first too)
    proofs = [_order_evidence(c, gcodes, len(glabels)) for c in columns]
    for i, c in enumerate(columns):
        others = [(columns[j], *proofs[j]) for j in range(len(columns)) if j != i]
        _resolve_orders(c, col, rules, gcodes, glabels, others)
        c.ordinal = _ordinals(c)
    # Years from the row, column and sheet first; the reference date is only the last resort,
    # so when it is derived from the data it is derived from what needed none.
    label = f"today ({today.isoformat()})" if today else ""
    months = sheet_months(glabels)
    for c in columns:
        c.sheet_month = months[gcodes] if len(gcodes) else np.empty(0)
        _resolve_years(c, columns, rules, gcodes, today, label, today)
    reference = today
    # a relative period (来月, next month) is read from the day the data was written: today,
    # the saved day or an update date; never from the latest close date, which says when
    # something should happen (next month of a close date is a month too late)
    written = today
    if today is None:
        reference, label, written = _reference(columns, rules, saved)
        if reference is not None:
            for c in columns:
                _resolve_years(c, columns, rules, gcodes, reference, label, reference)
    for c in columns:
        _finish(out, c, col, rules, reference, label, written)
    return reference


def _reference(
    columns: list[_Column], rules: NormalizeRules, saved: tuple[dt.date, str] | None = None
) -> tuple[dt.date | None, str, dt.date | None]:
    """The reference date derived from the dates read so far, how to name it, and the same
    date when it says when the data was written (None when only future-facing dates gave it)."""
    read = {c.name: _ordinals(c) for c in columns}
    future = set(rules.dates.future_facing)
    tiers = (
        [n for n in AS_OF_FIELDS if n in read],
        [n for n in read if n not in future and n not in AS_OF_FIELDS],
        list(read),
    )
    for i, names in enumerate(tiers):
        if i == 1 and saved is not None:  # no updated/created date: the day it was saved
            return saved[0], f"the day {saved[1]} was last saved ({saved[0].isoformat()})", saved[0]
        used = [n for n in names if (~np.isnan(read[n])).any()]
        if used:
            day = dt.date.fromordinal(latest_plausible(np.concatenate([read[n] for n in used])))
            what = "/".join(used) if len(used) <= 3 else "date"
            label = f"the data's as-of date ({day.isoformat()}, the latest {what} in the data)"
            return day, label, (day if i < 2 else None)
    return None, "", None


#: how far (days) a 和暦 reading of 6.11.30 may lie from the middle of its sheet's dates
_ERA_WINDOW = 3653


def _short_era_dates(
    columns: list[_Column],
    rules: NormalizeRules,
    gcodes: np.ndarray,
    glabels: list[tuple[str, str]],
    today: dt.date | None,
) -> None:
    """6.11.30 and 6.9.1 in a sheet whose other dates (R6.4.1, 令和6年9月) or whose file or
    sheet name (案件一覧(令和6年度)) write a 和暦 era: the short 和暦 date 令和6年11月30日, not
    2030-06-11 month-first or no date at all. The era is the one of those that puts the date
    nearest to the middle of the sheet's dates (within ten years), else to ``today``."""
    ng = len(glabels)
    eras = [e.name for e in rules.dates.eras]
    in_values: list[Counter[str]] = [Counter() for _ in range(ng)]
    in_names: list[list[str]] = [
        [e for e in eras if e in f"{file} {sheet}"] for file, sheet in glabels
    ]
    for c in columns:
        written = np.array([t.era for t in c.tokens], dtype=object)[c.codes]
        has = written != ""
        for g, era in zip(gcodes[has], written[has]):
            in_values[int(g)][str(era)] += 1
    if not any(in_values) and not any(in_names):
        return
    ordinals = np.concatenate([_ordinals(c) for c in columns])
    middle = _group_median(ordinals, np.tile(gcodes, len(columns)), ng)
    for c in columns:
        for code, token in enumerate(c.tokens):
            value = c.uniques[code]
            if token.kind not in ("order", "fail") or all(
                short_era_date(value, e, rules.dates) is None for e in eras
            ):
                continue
            rows = np.flatnonzero(c.codes == code)
            for g in np.unique(gcodes[rows]):
                g = int(g)
                names = [e for e, _ in in_values[g].most_common()] + in_names[g]
                if not names:
                    continue
                centre = (
                    float(middle[g])
                    if not np.isnan(middle[g])
                    else float(today.toordinal())
                    if today
                    else None
                )
                best: tuple[float, str, dt.date] | None = None
                for era in dict.fromkeys(names):
                    day = short_era_date(value, era, rules.dates)
                    if day is None:
                        continue
                    gap = abs(day.toordinal() - centre) if centre is not None else 0.0
                    if gap <= _ERA_WINDOW and (best is None or gap < best[0]):
                        best = (gap, era, day)
                if best is None:
                    continue
                _, era, day = best
                n = day.year - next(e.start.year for e in rules.dates.eras if e.name == era) + 1
                why = (
                    "the era of this sheet's other dates"
                    if era in in_values[g]
                    else f"the era in the name '{glabels[g][1] or glabels[g][0]}'"
                )
                msg = (
                    f"'{to_text(value)}' writes no era; read as {era}{n}年{day.month}月{day.day}日 "
                    f"({day.isoformat()}), {why}"
                )
                issue = Issue("normalize.era-assumed", msg, day.isoformat())
                resolved = DateToken("full", day, issues=(issue,), era=era)
                for pos in rows[gcodes[rows] == g]:
                    c.resolved[int(pos)] = resolved
                    c.special[pos] = True


def _order_evidence(c: _Column, gcodes: np.ndarray, ng: int) -> tuple[np.ndarray, np.ndarray]:
    """Per sheet (group): how many values of the column can only be day-first, and how many
    only month-first."""
    evidence = np.array([t.evidence for t in c.tokens], dtype=object)[c.codes]
    return (
        np.bincount(gcodes[evidence == "day-first"], minlength=ng),
        np.bincount(gcodes[evidence == "month-first"], minlength=ng),
    )


def _resolve_orders(
    c: _Column,
    col: Collector,
    rules: NormalizeRules,
    gcodes: np.ndarray,
    glabels: list[tuple[str, str]],
    others: list[tuple[_Column, np.ndarray, np.ndarray]] | None = None,
) -> None:
    kinds = np.array([t.kind for t in c.tokens], dtype=object)[c.codes]
    ambiguous = kinds == "order"
    if c.resolved:  # read already (a short 和暦 date): no order to decide
        ambiguous[list(c.resolved)] = False
    if not ambiguous.any():
        for pos in np.flatnonzero(c.special):
            c.resolved.setdefault(int(pos), c.tokens[c.codes[pos]])
        return
    evidence = np.array([t.evidence for t in c.tokens], dtype=object)[c.codes]
    ng = len(glabels)
    day_first = np.bincount(gcodes[evidence == "day-first"], minlength=ng)
    month_first = np.bincount(gcodes[evidence == "month-first"], minlength=ng)
    amb_count = np.bincount(gcodes[ambiguous], minlength=ng)
    default = rules.dates.ambiguous_order
    orders: list[str] = []
    decided: list[bool] = []
    for g, (file, sheet) in enumerate(glabels):
        d, m = int(day_first[g]), int(month_first[g])
        order = "day-first" if d > m else "month-first" if m > d else default
        sibling = None if d or m else _sibling_order(others or [], g, gcodes)
        if sibling is not None:
            order = sibling[0]
        orders.append(order)
        decided.append(bool(d or m) or sibling is not None)
        if not amb_count[g]:
            continue
        if sibling is not None:
            _, by, example = sibling
            msg = (
                f"{amb_count[g]} ambiguous date(s) like 03/04 read {order}: no value of this "
                f"column decides it, and the sheet's {by} can only be {order} (e.g. '{example}')"
            )
            issue = Issue("normalize.date-order-inferred", msg, action="none")
            col.sheet_level(c.name, file, sheet, issue, example)
            continue
        example = _example(c, gcodes, g, "day-first" if order == "day-first" else "month-first")
        if d and m:
            msg = (
                f"{d} value(s) of this column can only be day-first and {m} only month-first; "
                f"{amb_count[g]} ambiguous date(s) read {order}"
            )
            issue = Issue("normalize.date-order-conflict", msg, severity="warning", action="none")
            col.sheet_level(c.name, file, sheet, issue)
        elif d or m:
            msg = (
                f"{amb_count[g]} ambiguous date(s) like 03/04 read {order}: {d or m} value(s) of this "
                f"column can only be {order} (e.g. '{example}')"
            )
            issue = Issue("normalize.date-order-inferred", msg, action="none")
            col.sheet_level(c.name, file, sheet, issue, example)
    cache: dict[tuple[int, str], DateToken] = {}
    for pos in np.flatnonzero(c.special):
        if int(pos) in c.resolved:
            continue
        code, g = int(c.codes[pos]), int(gcodes[pos])
        token = c.tokens[code]
        if token.kind == "order":
            key = (code, orders[g])
            if key not in cache:
                resolved = resolve_order(token, orders[g], rules.dates)
                if not decided[g]:
                    msg = (
                        f"'{to_text(c.uniques[code])}' could be day-first or month-first and no value of this "
                        f"column decides it; read {orders[g]} (rules: dates.ambiguous_order)"
                    )
                    issue = Issue("normalize.date-order-assumed", msg, severity="warning")
                    resolved = replace(resolved, issues=(*resolved.issues, issue))
                cache[key] = resolved
            token = cache[key]
        c.resolved[int(pos)] = token


def _sibling_order(
    others: list[tuple[_Column, np.ndarray, np.ndarray]], g: int, gcodes: np.ndarray
) -> tuple[str, str, str] | None:
    """The order the other date columns of sheet ``g`` prove, with their names and an example
    value; None when none proves one, or when they disagree (then the column's own default
    and its finding stand)."""
    day = [o for o, d, _ in others if int(d[g])]
    month = [o for o, _, m in others if int(m[g])]
    if bool(day) == bool(month):
        return None
    order = "day-first" if day else "month-first"
    by = day or month
    return order, ", ".join(o.name for o in by), _example(by[0], gcodes, g, order)


def _example(c: _Column, gcodes: np.ndarray, g: int, evidence: str) -> str:
    for code, t in enumerate(c.tokens):
        if t.evidence == evidence and np.any((c.codes == code) & (gcodes == g)):
            return to_text(c.uniques[code])
    return ""


def _ordinals(c: _Column) -> np.ndarray:
    """Per row: the date as an ordinal where the cell gave a full date on its own, else NaN."""
    per_code = np.array(
        [t.date.toordinal() if t.kind == "full" and t.date else np.nan for t in c.tokens],
        dtype=float,
    )
    ordinal = per_code[c.codes] if len(c.codes) else np.empty(0)
    for pos, t in c.resolved.items():
        ordinal[pos] = t.date.toordinal() if t.kind == "full" and t.date else np.nan
    return ordinal


def _resolve_years(
    c: _Column,
    columns: list[_Column],
    rules: NormalizeRules,
    gcodes: np.ndarray,
    fallback: dt.date | None,
    fallback_label: str,
    bound: dt.date | None,
) -> None:
    """Give a year to the no-year cells of ``c``; without a fallback, those that need it wait.

    A cell that looks ahead (``c.ahead``) may not land in a month before the day it was
    current: the latest updated_at of its sheet (rows that carry an update date are kept up to
    date, so Q3 in an export last updated in January is the coming Q3), else the row's own
    created_at (a row is written on the day it is entered: 5月末 in a row entered in April is that
    May, overdue by a later run), else the run's reference date ``bound``; without any of them
    it waits until the reference date is known."""
    ng = int(gcodes.max()) + 1 if len(gcodes) else 0
    row_asof = np.full(len(c.codes), np.nan)
    by_name = {o.name: o.ordinal for o in columns if o is not c}
    if ng and "updated_at" in by_name:
        row_asof = _group_max(by_name["updated_at"], gcodes, ng)[gcodes]
    if "created_at" in by_name:
        row_asof = np.where(np.isnan(row_asof), by_name["created_at"], row_asof)
    # a sheet named for its month (2026.05, 2026年5月): its rows were current then
    sheet_month = c.sheet_month if len(c.sheet_month) == len(c.codes) else row_asof * np.nan
    row_asof = np.where(np.isnan(row_asof), sheet_month, row_asof)
    if bound is not None:
        row_asof = np.where(np.isnan(row_asof), float(bound.toordinal()), row_asof)
    need = np.array(
        [
            pos
            for pos, t in c.resolved.items()
            if t.kind == "no-year" and (not c.ahead[pos] or not np.isnan(row_asof[pos]))
        ],
        dtype=np.int64,
    )
    if not len(need):
        return
    others = [o for o in columns if o is not c]
    ng = int(gcodes.max()) + 1
    # The reference date of each row: another date of the row, else the middle of the column's
    # dates in the sheet, else of all the sheet's dates, else the fallback (first wins).
    ref = np.full(len(need), np.nan)
    source = np.full(len(need), -1, dtype=np.int64)
    candidates = [o.ordinal[need] for o in others]
    candidates.append(sheet_month[need])
    candidates.append(_group_median(c.ordinal, gcodes, ng)[gcodes[need]])
    all_ord = np.concatenate([o.ordinal for o in columns])
    candidates.append(_group_median(all_ord, np.tile(gcodes, len(columns)), ng)[gcodes[need]])
    if fallback is not None:
        candidates.append(np.full(len(need), float(fallback.toordinal())))
    for k, values in enumerate(candidates):
        fill = np.isnan(ref) & ~np.isnan(values)
        ref[fill] = values[fill]
        source[fill] = k
    found = ~np.isnan(ref)
    need, ref, source = need[found], ref[found], source[found]
    if not len(need):
        return
    not_after = c.name in rules.dates.not_after_today
    not_before = np.where(c.ahead[need], row_asof[need], 0).astype(np.int64)  # 0: unbounded
    # an open deal's 10/15 on the 2026.04 sheet: not before the month the sheet was current
    by_sheet = source == len(others)
    if len(c.forward) == len(c.codes) and by_sheet.any():
        first_of_month = sheet_month[need] - 14
        dated = by_sheet & c.forward[need] & (not_before == 0)
        not_before = np.where(dated, first_of_month, not_before).astype(np.int64)
    token_ids = pd.factorize(np.array([id(c.resolved[int(p)]) for p in need], dtype=np.int64))[0]
    keys = pd.DataFrame({"t": token_ids, "r": ref.astype(np.int64), "s": source, "a": not_before})
    group = keys.groupby(["t", "r", "s", "a"], sort=False).ngroup().to_numpy()
    _, first = np.unique(group, return_index=True)
    names = [o.name for o in others]
    done = []
    for j in first:
        day = dt.date.fromordinal(int(ref[j]))
        k = int(source[j])
        last = k > len(names) + 2
        if k < len(names):
            why = f"{names[k]} {day.isoformat()} in the same row"
        elif k == len(names):
            why = f"the month its sheet is named for ({day.strftime('%Y-%m')})"
        elif k == len(names) + 1:
            why = f"the middle of this column's dates ({day.isoformat()})"
        elif k == len(names) + 2:
            why = f"the middle of this sheet's dates ({day.isoformat()})"
        else:
            why = fallback_label
        token = c.resolved[int(need[j])]
        nb = dt.date.fromordinal(int(not_before[j])) if not_before[j] else None
        done.append(
            resolve_year(token, day, rules.dates, why, not_after=last and not_after, not_before=nb)
        )
    for p, g in zip(need, group):
        c.resolved[int(p)] = done[g]


_SHEET_MONTH_RES = (
    # 2026.05, 2026-5, 2026年5月, 2026_05月度, FY... not: a year alone (2026) or a month alone (5月)
    re.compile(r"(?<!\d)(?P<y>20\d{2})\s*[./\-_年]\s*(?P<m>1[0-2]|0?[1-9])(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>20\d{2})(?P<m>0[1-9]|1[0-2])(?!\d)"),  # 202605
    re.compile(r"(?:令和|R)\s*(?P<r>[1-9]\d?)\s*[./\-年]\s*(?P<m>1[0-2]|0?[1-9])(?!\d)"),  # R8.5
)


def sheet_months(labels: list[tuple[str, str]]) -> np.ndarray:
    """Per (file, sheet) group: the 15th of the month its sheet's name names (2026.05, 2026年5月,
    202605, R8.5) as an ordinal, NaN when it names none. A monthly tracker's 6/20 on its
    2026.05 sheet is June 2026, whatever day the run reads it."""
    out = np.full(len(labels), np.nan)
    for g, (_, sheet) in enumerate(labels):
        name = unicodedata.normalize("NFKC", sheet or "")
        for pattern in _SHEET_MONTH_RES:
            hit = pattern.search(name)
            if hit:
                year = int(hit["y"]) if "y" in hit.groupdict() else 2018 + int(hit["r"])
                out[g] = dt.date(year, int(hit["m"]), 15).toordinal()
                break
    return out


def _group_max(ordinal: np.ndarray, gcodes: np.ndarray, ng: int) -> np.ndarray:
    """Per group code: the latest date ordinal (NaN for groups without dates)."""
    out = np.full(ng, np.nan)
    ok = ~np.isnan(ordinal)
    if ok.any():
        latest = pd.Series(ordinal[ok]).groupby(gcodes[ok]).max()
        out[latest.index.to_numpy()] = latest.to_numpy()
    return out


def _group_median(ordinal: np.ndarray, gcodes: np.ndarray, ng: int) -> np.ndarray:
    """Per group code: the median date ordinal (NaN for groups without dates)."""
    out = np.full(ng, np.nan)
    ok = ~np.isnan(ordinal)
    if ok.any():
        medians = pd.Series(ordinal[ok]).groupby(gcodes[ok]).median().round()
        out[medians.index.to_numpy()] = medians.to_numpy()
    return out


def _finish(
    out: pd.DataFrame,
    c: _Column,
    col: Collector,
    rules: NormalizeRules,
    reference: dt.date | None,
    label: str,
    written: dt.date | None = None,
) -> None:
    rule = rules.rule("date")
    originals = [to_text(u) for u in c.uniques]

    def settle_token(t: DateToken, original: str) -> tuple[str, tuple[Issue, ...]]:
        if t.kind == "full" and t.date:
            return t.date.isoformat(), t.issues
        if t.kind == "empty":
            return "", t.issues
        if t.kind == "relative":
            if written is None:
                failure = no_reference(original)
                value, issue = settle(
                    failure, rule.on_error, rule.severity, clean_text(original), ""
                )
                return value, (*t.issues, issue)
            r = resolve_relative(t, written, rules.dates, label)
            if r.kind == "full" and r.date:
                return r.date.isoformat(), r.issues
            t = r
        if t.kind == "no-year":  # no date anywhere in the data to take a year from
            failure = year_unknown(original)
        else:
            failure = t.failure or Issue(UNPARSEABLE, f"'{original}' is not a date")
            if written is not None and failure.rule == UNPARSEABLE:
                relative = read_relative(original, written, rules.dates, label)
                if relative:
                    return relative.value, (*t.issues, *relative.issues)
        value, issue = settle(failure, rule.on_error, rule.severity, clean_text(original), "")
        return value, (*t.issues, issue)

    per_code = [settle_token(t, originals[i]) for i, t in enumerate(c.tokens)]
    values = [v for v, _ in per_code]
    col.coded(c.name, np.where(c.special, -1, c.codes), [i for _, i in per_code], originals, values)
    result = np.array(values, dtype=object)[c.codes] if len(c.codes) else np.empty(0, dtype=object)
    # Rows resolved from context share few distinct tokens (cached per value, order and
    # reference): report them like distinct values, not row by row.
    index: dict[int, int] = {}
    resolved: list[tuple[str, tuple[Issue, ...], str]] = []
    token_codes = np.full(len(c.codes), -1, dtype=np.int64)
    for pos, t in c.resolved.items():
        k = index.get(id(t))
        if k is None:
            k = index[id(t)] = len(resolved)
            original = originals[c.codes[pos]]
            value, issues = settle_token(t, original)
            if rules.reformats == "cell" and value and value != original and not issues:
                issues = (reformat("normalize.date", value),)  # read in the column's order
            resolved.append((value, issues, original))
        token_codes[pos] = k
    if resolved:
        special = np.flatnonzero(token_codes >= 0)
        result[special] = np.array([v for v, _, _ in resolved], dtype=object)[token_codes[special]]
        col.coded(
            c.name,
            token_codes,
            [i for _, i, _ in resolved],
            [o for _, _, o in resolved],
            [v for v, _, _ in resolved],
        )
    if reference is not None and c.name in rules.dates.not_after_today:
        _future(c.name, result, col, reference, label, originals, c.codes)
    out[c.name] = pd.Series(result, index=out.index, dtype=object)


def _future(
    name: str,
    result: np.ndarray,
    col: Collector,
    reference: dt.date,
    label: str,
    originals: list[str],
    codes: np.ndarray,
) -> None:
    iso = reference.isoformat()
    future = (result != "") & (result > iso) if len(result) else np.zeros(0, dtype=bool)
    if not future.any():
        return
    # One issue per distinct (raw value, date) after today, reported for its rows.
    dates, date_codes = np.unique(result[future], return_inverse=True)
    width = len(dates) + 1
    pairs, pair_codes = np.unique(
        codes[future].astype(np.int64) * width + date_codes, return_inverse=True
    )
    per_row = np.full(len(result), -1, dtype=np.int64)
    per_row[future] = pair_codes
    found = [str(dates[p % width]) for p in pairs]
    issues = [
        (
            Issue(
                "normalize.date-in-future",
                f"{name} {d} is after {label}",
                d,
                "warning",
                "kept",
            ),
        )
        for d in found
    ]
    col.coded(name, per_row, issues, [originals[p // width] for p in pairs], found)
