"""Thresholds against metrics: one :class:`Row` per threshold and source, with its status.

In: the run's metrics, the previous run's (the history's last run or a baseline; may be none)
and the thresholds of rules/quality.yaml. Out: the rows of the check table. A row ``fails``
when an ``error`` threshold is breached, ``warns`` when a ``warning`` one is, ``passes``
otherwise; it is ``n/a`` when the value cannot be computed (no rows, no column), counts fewer
rows than the threshold's ``min_rows``, or, for a limit
on the change, when there is no previous value to compare with. A per-source threshold whose
sources are too small alone gets one more row: the overall figure, the pooled rows of them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .metrics import (
    COMPARED,
    NO_DEAL_LIST,
    NO_TARGET,
    NOT_READ_BEFORE,
    OVERALL,
    Metric,
    info,
)
from .thresholds import Threshold
from .words import word

Status = Literal["pass", "warn", "fail", "n/a"]
Key = tuple[str, str, str]  # (metric, file, sheet)


@dataclass(frozen=True)
class Row:
    """One line of the check: a threshold applied to one metric of one source."""

    threshold: Threshold
    metric: Metric
    previous: float | None
    status: Status
    # a source threshold's overall row: the pooled rows of every source, judged because this
    # many sources have fewer rows than its min_rows on their own (0: an ordinary row)
    pooled: int = 0

    @property
    def where(self) -> str:
        """``overall``, ``file [sheet]``, or ``overall (every source pooled; 4 under 10 alone)``:
        the figure is over every source, not over the small ones only (u24: '1 source pooled'
        read as the figure of that one source)."""
        if not self.pooled:
            return self.metric.where
        return word("pooled", "en", n=self.pooled, min_rows=self.threshold.min_rows)

    @property
    def change(self) -> float | None:
        """Value minus the previous value (None when either is missing)."""
        if self.metric.value is None or self.previous is None:
            return None
        return round(self.metric.value - self.previous, 4)

    @property
    def why_not_judged(self) -> str:
        """Why a row is ``n/a``, in the words of the table ('' for a judged row)."""
        return self.why_not_judged_in("en")

    def why_not_judged_in(self, lang: str) -> str:
        """:attr:`why_not_judged` in ``lang`` (a metric's own reason for having no value stays
        as the metric wrote it)."""
        if self.status != "n/a":
            return ""
        t, m = self.threshold, self.metric
        if m.value is None:  # no rows, no such column, nothing to compare with
            if not m.missing:
                return word("why.no-value", lang)
            known = MISSING_WORDS.get(m.missing)
            return word(known, lang) if known else m.missing
        if m.denominator is not None and m.denominator < t.min_rows:
            return word("why.fewer", lang, n=t.min_rows, counted=_counted(t.metric, lang))
        if t.is_change and self.previous is None:
            return word("why.no-earlier-run", lang)
        return word("why.not-judged", lang)

    def to_json(self) -> dict[str, Any]:
        t = self.threshold
        return {
            "metric": t.metric,
            "file": self.metric.file,
            "sheet": self.metric.sheet,
            "scope": t.scope,
            "kind": t.kind,
            "limit": t.limit,
            "severity": t.severity,
            "value": self.metric.value,
            "previous": self.previous,
            "change": self.change,
            "status": self.status,
            "numerator": self.metric.numerator,
            "denominator": self.metric.denominator,
            "pooled": self.pooled,
        }


# a metric's reason for having no value (metrics.py, kept in the history in English) -> its
# words' key, so the table says it in the run's language
MISSING_WORDS = {
    "no earlier run": "why.no-earlier-run",
    NO_TARGET: "why.no-target",
    NOT_READ_BEFORE: "why.not-read-before",
    NO_DEAL_LIST: "why.no-deal-list",
    "no deals in the compared run": "why.no-compared-deals",
}


def _counted(metric: str, lang: str = "en") -> str:
    """What a share's ``min_rows`` counts, in the words of the table: a new user read
    'fewer than 10 rows' for a 16-row file as a bug (they are the rows at the stages that
    require the field)."""
    if metric.startswith("required."):
        return word("counted.required", lang, field=metric.split(".", 1)[1])
    key = {
        "stages.unknown-share": "counted.stage-word",
        "stages.contradictions": "counted.known-stage",
        "deals.gone-share": "counted.compared-deals",
        "deals.stale-share": "counted.update-date",
        "deals.past-close-share": "counted.close-date",
    }.get(metric, "counted.rows")
    return word(key, lang)


def index(metrics: Iterable[Metric]) -> dict[Key, float | None]:
    """(metric, file, sheet) -> value, of the metrics that have a change (not those measured
    against the compared run, like the deals gone since it)."""
    return {(m.id, m.file, m.sheet): m.value for m in metrics if m.id not in COMPARED}


# a date or a stamp in a file name (pipeline_report_2026-12-01.csv, 案件_20260301.xlsx,
# ヨミ表_2026年1月.xlsx, report1743210000000.csv): this week's export of last week's source
_STAMP_RE = re.compile(
    r"(?:19|20)\d{2}(?:[-_./年]?\d{1,2}(?:[-_./月]?\d{1,2}日?)?|年?\d{1,2}月)|\d{8,}"
)


# a stamp without a year (営業案件管理_0302.xlsx, report_03-09.csv, ヨミ_3月16日.xlsx, pipeline_W11,
# 案件_第2週): a month and day (or week) alone could be a code or a count in a name, so a file
# is taken for last week's source under such a stamp only when its name matches no other way
# and exactly one file on each side has that name without it
_SHORT_STAMP_RE = re.compile(
    r"(?<!\d)(?:0[1-9]|1[0-2])[-_.]?(?:0[1-9]|[12]\d|3[01])(?!\d)"
    r"|(?<!\d)\d{1,2}月(?:\d{1,2}日)?"
    r"|(?<![A-Za-z0-9])[Ww]\d{1,2}(?!\d)"
    r"|第\d{1,2}週"
)


def undated(file: str, *, short: bool = False) -> str:
    """A file name without the dates and stamps in it (compared case-folded); with ``short``
    also without the stamps that have no year (0302, 3月16日, W11)."""
    name = _STAMP_RE.sub("#", file)
    if short:
        name = _SHORT_STAMP_RE.sub("#", name)
    return name.casefold()


# what sets a mark apart from the name before it ('X - Copy', 'X_v2', 'X (2)', 'X　最新版'), and
# a stamp left in brackets at the end ('案件一覧(0116)' once its stamp is taken out)
_SEPARATORS = " \t\u3000_-.・"
_BRACKETED_STAMP = re.compile(r"[(（\[【]#[)）\]】]$")


def unmarked(file: str, marks: Sequence[str] = ()) -> str:
    """A file name without its dates and stamps and without the marks of a copy or a version
    at its end (``marks``: regular expressions of rules/quality.yaml ``version_marks``),
    compared case-folded: ``X - Copy (2).xlsx``, ``X_最新版2.xlsx`` and ``X_20260116.xlsx`` are
    all ``x.xlsx``."""
    stem, dot, ext = file.rpartition(".")
    if not dot:
        stem, ext = file, ""
    name = undated(stem, short=True)
    ends = [re.compile(f"(?:{m})$", re.IGNORECASE) for m in marks]
    while True:  # 'X_v2 - Copy (2)': marks one after the other, each with its separator
        before = name
        name = _BRACKETED_STAMP.sub("", name.rstrip(_SEPARATORS))
        name = name.removesuffix("#").rstrip(_SEPARATORS)
        for end in ends:
            name = end.sub("", name).rstrip(_SEPARATORS)
        if name == before:
            break
    return (name or undated(stem, short=True)) + dot + ext.casefold()


def match_renamed(
    previous: Mapping[Key, float | None],
    metrics: Iterable[Metric],
    marks: Sequence[str] = (),
) -> tuple[dict[Key, float | None], list[tuple[str, str]], list[str]]:
    """The previous values with a renamed source's keys moved to its new name, the renames
    (old file, new file) and the files of the previous run that are gone.

    A file of the previous run missing now is the same source as a new file whose name differs
    only in its dates (a weekly export named by its day), when exactly one file on each side
    has that undated name; the files left are then matched the same way with their short
    stamps (0302, 3月16日, W11) removed too; and the files left then by their names without
    any stamp or the marks of a copy or a version at their end (:func:`unmarked`: last week's
    ``X.xlsx`` is this week's ``X - Copy.xlsx``, ``X_最新版2.csv`` or ``X_20260116.xlsx``).
    """
    now = {m.file for m in metrics if m.file}
    before = {f for _, f, _ in previous if f}
    gone, new = sorted(before - now), sorted(now - before)

    def by_name(files: list[str], how: int) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for f in files:
            key = undated(f, short=how == 1) if how < 2 else unmarked(f, marks)
            out.setdefault(key, []).append(f)
        return out

    renames: list[tuple[str, str]] = []
    # dated names first; then the files left, by short stamps; then by copy and version marks
    for how in (0, 1, 2):
        paired = {f for pair in renames for f in pair}
        old_of = by_name([f for f in gone if f not in paired], how)
        new_of = by_name([f for f in new if f not in paired], how)
        renames += [
            (olds[0], new_of[k][0])
            for k, olds in old_of.items()
            if len(olds) == 1
            and len(new_of.get(k, [])) == 1
            and (how == 2 or k != olds[0].casefold())
        ]
    if not renames:
        return dict(previous), [], gone
    to = dict(renames)
    moved = {(mid, to.get(f, f), sh): v for (mid, f, sh), v in previous.items()}
    return moved, renames, [f for f in gone if f not in to]


def match_sheets(
    previous: Mapping[Key, float | None], metrics: Iterable[Metric]
) -> tuple[dict[Key, float | None], list[tuple[str, str, str]]]:
    """The previous values with a renamed sheet's keys moved to its new name, and the renames
    (file, old sheet, new sheet).

    In a file of both runs (under its new name: :func:`match_renamed` first), a sheet of the
    previous run missing now is the same source as a new sheet whose name differs only in its
    dates or stamps (2026年12月 -> 2027年1月, 12月 -> 1月), when exactly one
    sheet on each side of that file has that name without them. A sheet added beside last
    week's (none missing) is a new source, and last week's stays compared with itself.
    """
    now = {(m.file, m.sheet) for m in metrics if m.file}
    before = {(f, sh) for _, f, sh in previous if f}
    gone, new = sorted(before - now), sorted(now - before)
    files = {f for f, _ in gone} & {f for f, _ in new}
    renames: list[tuple[str, str, str]] = []
    for file in sorted(files):
        old_of: dict[str, list[str]] = {}
        new_of: dict[str, list[str]] = {}
        for pairs, out in ((gone, old_of), (new, new_of)):
            for f, sh in pairs:
                if f == file and sh:
                    out.setdefault(undated(sh, short=True), []).append(sh)
        renames += [
            (file, olds[0], new_of[k][0])
            for k, olds in sorted(old_of.items())
            if len(olds) == 1 and len(new_of.get(k, [])) == 1 and k != olds[0].casefold()
        ]
    if not renames:
        return dict(previous), []
    to = {(f, old): new for f, old, new in renames}
    moved = {(mid, f, to.get((f, sh), sh)): v for (mid, f, sh), v in previous.items()}
    return moved, renames


def judge(
    t: Threshold, value: float | None, previous: float | None, rows: int | None = None
) -> Status:
    """The status of one value (and its previous value) under one threshold.

    ``rows`` is the number of rows a share counts: below the threshold's ``min_rows`` the
    value is not judged.
    """
    if value is None or rows is not None and rows < t.min_rows:
        return "n/a"
    if t.kind == "min":
        ok = value >= t.limit
    elif t.kind == "max":
        ok = value <= t.limit
    else:
        if previous is None:
            return "n/a"
        change = round(value - previous, 4)
        ok = -change <= t.limit if t.kind == "max_drop" else change <= t.limit
    if ok:
        return "pass"
    return "fail" if t.severity == "error" else "warn"


def evaluate(
    metrics: list[Metric],
    thresholds: Iterable[Threshold],
    previous: Mapping[Key, float | None] | None = None,
) -> list[Row]:
    """Every threshold on every metric it covers, in the order of the rule file."""
    previous = previous or {}
    thresholds = tuple(thresholds)
    # the limits the rule file already puts on the overall figure: no pooled row beside them
    overall = {(t.metric, t.kind) for t in thresholds if t.scope == "overall"}
    rows: list[Row] = []
    for t in thresholds:
        info(t.metric)  # a KeyError here is a bug: the rule file was checked against the ids
        judged: list[Row] = []
        for m in metrics:
            if m.id != t.metric or (m.source == OVERALL) != (t.scope == "overall"):
                continue
            before = previous.get((m.id, m.file, m.sheet))
            judged.append(Row(t, m, before, judge(t, m.value, before, m.denominator)))
        rows += judged
        if t.scope == "source" and (t.metric, t.kind) not in overall:
            rows += _pooled(t, judged, metrics, previous)
    return rows


def _pooled(
    t: Threshold,
    judged: list[Row],
    metrics: list[Metric],
    previous: Mapping[Key, float | None],
) -> list[Row]:
    """The overall row of a source threshold whose sources are too small to judge alone: a
    team of four 5-row trackers with a fifth of its amounts missing was never judged (each
    file under ``min_rows``); their pooled rows are, as rows.rejected-share's overall row."""
    small = [
        r
        for r in judged
        if r.metric.value is not None
        and r.metric.denominator is not None
        and r.metric.denominator < t.min_rows
    ]
    whole = next((m for m in metrics if m.id == t.metric and m.source == OVERALL), None)
    if not small or whole is None:
        return []
    before = previous.get((whole.id, whole.file, whole.sheet))
    status = judge(t, whole.value, before, whole.denominator)
    return [Row(t, whole, before, status, pooled=len(small))]


def exit_code(rows: Iterable[Row]) -> int:
    """0 when every error threshold holds, 1 when one is breached."""
    return 1 if any(r.status == "fail" for r in rows) else 0


__all__ = [
    "Row",
    "Status",
    "evaluate",
    "exit_code",
    "index",
    "judge",
    "match_renamed",
    "match_sheets",
    "undated",
    "unmarked",
]
