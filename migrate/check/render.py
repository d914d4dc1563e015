"""The check's result as text, JSON, JUnit XML and Markdown.

In: a :class:`migrate.check.CheckResult`; out: strings. The text table and the Markdown summary
are compact: a threshold that holds in every source is one line (its worst value), a breach is
one line per source. JSON and JUnit carry every row. Nothing here reads the clock: the same
result renders to the same bytes. Colour is the caller's: the text renderer takes a ``style``
function (the CLI passes ``click.style`` on a terminal, nothing when piped).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from ..findings import listed
from .compare import Row
from .metrics import info
from .thresholds import Threshold

if TYPE_CHECKING:
    from . import CheckResult

Style = Callable[..., str]
COLOURS = {"pass": "green", "warn": "yellow", "fail": "red", "n/a": None}
HEADERS = ("metric", "where", "value", "limit", "change", "status")


def _plain(text: str, **_: Any) -> str:
    return text


def value_text(metric: str, value: float | None) -> str:
    """``92.5%`` for a share, ``3`` for a count, ``-`` when there is none."""
    if value is None:
        return "-"
    if info(metric).unit == "share":
        return f"{value * 100:.1f}%"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def change_text(metric: str, change: float | None) -> str:
    """``+5.0 pt`` / ``-2`` / ``=`` (no change) / ``-`` (nothing to compare with)."""
    if change is None:
        return "-"
    if change == 0:
        return "="
    if info(metric).unit == "share":
        return f"{change * 100:+.1f} pt"
    return f"{change:+g}"


def limit_text(t: Threshold) -> str:
    """``>= 90%``, ``<= 0``, ``drop <= 20 pt``, ``rise <= 0``."""
    share = info(t.metric).unit == "share"
    n = f"{t.limit * 100:g}" if share else f"{t.limit:g}"
    unit = ("%" if not t.is_change else " pt") if share else ""
    op = {"min": ">=", "max": "<=", "max_drop": "drop <=", "max_rise": "rise <="}[t.kind]
    return f"{op} {n}{unit}"


@dataclass(frozen=True)
class Line:
    """One line of the compact table."""

    metric: str
    where: str
    value: str
    limit: str
    change: str
    status: str
    severity: str


def _worst(rows: list[Row]) -> Row:
    """The row to show for a group: the worst value in the metric's own direction (the
    highest of a lower-is-better metric, the lowest of a higher-is-better one), whatever the
    limit's kind; among equal values, for a limit on the change, the largest rise (or drop).
    Rows without a value come last."""
    t = rows[0].threshold
    worse = 1.0 if info(t.metric).better == "lower" else -1.0

    def badness(r: Row) -> tuple[bool, float, float]:
        v, c = r.metric.value, r.change
        moved = (
            ((c if t.kind == "max_rise" else -c) if c is not None else 0.0) if t.is_change else 0.0
        )
        return (v is not None, worse * v if v is not None else 0.0, moved)

    return max(rows, key=badness)


def _not_judged(rows: list[Row]) -> str:
    """``3 sources not judged: fewer than 10 rows``; each reason with its count when they
    differ."""
    reasons: dict[str, int] = {}
    for r in rows:
        reasons[r.why_not_judged] = reasons.get(r.why_not_judged, 0) + 1
    why = (
        next(iter(reasons))
        if len(reasons) == 1
        else ", ".join(f"{n} {reason}" for reason, n in reasons.items())
    )
    return f"{len(rows)} source{'' if len(rows) == 1 else 's'} not judged: {why}"


def lines(rows: list[Row]) -> list[Line]:
    """The compact table: per threshold, breaches one per source, passes as one line."""
    out: list[Line] = []
    groups: dict[Threshold, list[Row]] = {}
    for r in rows:
        groups.setdefault(r.threshold, []).append(r)
    for t, group in groups.items():
        # the pooled row of small sources is always shown, as an overall threshold's is
        pooled = [r for r in group if r.pooled]
        group = [r for r in group if not r.pooled]
        shown = [r for r in group if r.status in ("fail", "warn")]
        rest = [r for r in group if r.status not in ("fail", "warn")]
        if t.scope == "overall":
            shown, rest = group, []
        for r in [*shown, *pooled]:
            # an overall figure not judged says why, as a source's does
            where = r.where if r.status != "n/a" else f"{r.where}: {r.why_not_judged}"
            out.append(_line(r, where))
        passing = [r for r in rest if r.status == "pass"]
        if passing:
            w = _worst(passing)
            n = len(passing)
            where = w.metric.where if n == 1 else f"{n} sources (worst: {w.metric.where})"
            out.append(_line(w, where))
        # the sources not judged are said beside the others, passing or not (a renamed sheet
        # compared with nothing left no trace); their worst value, not the first source's
        unjudged = [r for r in rest if r.status == "n/a"]
        if unjudged:
            out.append(_line(_worst(unjudged), _not_judged(unjudged)))
    return out


def _line(r: Row, where: str) -> Line:
    t = r.threshold
    return Line(
        t.metric,
        where,
        value_text(t.metric, r.metric.value),
        limit_text(t),
        change_text(t.metric, r.change),
        r.status,
        t.severity,
    )


def _verdict(result: CheckResult) -> str:
    counts = {s: sum(1 for r in result.rows if r.status == s) for s in ("fail", "warn", "pass")}
    head = "FAILED" if result.exit_code else "passed"
    return (
        f"quality check {head}: {counts['fail']} breached, {counts['warn']} warning(s), "
        f"{counts['pass']} held"
    )


def _compared(result: CheckResult) -> str:
    if result.baseline is not None:
        return f"compared with the baseline {result.baseline}"
    if result.previous is None:
        return "first run in the history: no change to show"
    same = " (same inputs)" if result.previous.fingerprint == result.run.fingerprint else ""
    return f"compared with {result.previous.describe()}{same}"


def _sources_moved(result: CheckResult) -> list[str]:
    """A line per renamed source and one for the sources gone since the compared run."""
    out = [
        f"{new} compared with {old} (the same name but for its dates or copy marks)"
        for old, new in result.renamed
    ]
    out += [
        f"in this run but could not be read, read in the one compared with: {file} ({why})"
        for file, why in result.unreadable
    ]
    if result.gone:
        out.append(f"not in this run, in the one compared with: {', '.join(result.gone)}")
    # the deals of a file that cannot be read are not known to be deleted: said apart
    unread = {file for file, _ in result.unreadable}
    for hidden, head in (
        (False, "deals gone since the run compared with, in no file now"),
        (True, "deals not seen since the run compared with, their file could not be read"),
    ):
        names = [
            f"{label or deal} ({file})"
            for file, _, deal, label in result.deals_gone
            if (file in unread) == hidden
        ]
        if names:
            out.append(f"{head} ({len(names)}): {listed(names)}")
    return out


def render_text(result: CheckResult, style: Style = _plain) -> str:
    """The compact table for the terminal."""
    rows = [HEADERS] + [
        (ln.metric, ln.where, ln.value, ln.limit, ln.change, ln.status) for ln in lines(result.rows)
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    widths[1] = min(widths[1], 56)

    def fmt(r: tuple[str, ...], status: str | None = None) -> str:
        cells = [
            (r[i][: widths[i] - 1] + "…") if len(r[i]) > widths[i] else r[i] for i in range(len(r))
        ]
        left = [c.ljust(w) for c, w in zip(cells[:2], widths[:2], strict=True)]
        right = [c.rjust(w) for c, w in zip(cells[2:5], widths[2:5], strict=True)]
        tail = cells[5]
        if status is not None:
            tail = style(tail, fg=COLOURS.get(status), bold=status == "fail")
        return "  ".join([*left, *right, tail]).rstrip()

    head = [
        f"{result.run.describe()}, inputs {result.run.fingerprint[:12]}; {_compared(result)}",
        *_sources_moved(result),
        fmt(rows[0]),
    ]
    body = [fmt(r, r[5]) for r in rows[1:]]
    verdict = _verdict(result)
    colour = "red" if result.exit_code else "green"
    return "\n".join([*head, *body, style(verdict, fg=colour, bold=True)]) + "\n"


def to_json(result: CheckResult) -> dict[str, Any]:
    """The machine-readable result (``quality-check.json``): every row and every metric."""
    prev = result.previous_values
    run = result.run
    return {
        "check_version": 1,
        "status": "fail" if result.exit_code else "pass",
        "exit_code": result.exit_code,
        "run": {"seq": run.seq, "as_of": run.as_of, "fingerprint": run.fingerprint},
        "inputs": [{"file": f, "sha256": h} for f, h in run.inputs],
        "compared_with": (
            {"baseline": str(result.baseline)}
            if result.baseline is not None
            else (
                {
                    "seq": result.previous.seq,
                    "as_of": result.previous.as_of,
                    "fingerprint": result.previous.fingerprint,
                }
                if result.previous is not None
                else None
            )
        ),
        "renamed": [{"previous": old, "now": new} for old, new in result.renamed],
        "gone": list(result.gone),
        "unreadable": [{"file": f, "problem": why} for f, why in result.unreadable],
        "deals_gone": [
            {"file": f, "sheet": sh, "deal_id": d, "label": lb}
            for f, sh, d, lb in result.deals_gone
        ],
        "rows": [r.to_json() for r in result.rows],
        "metrics": [
            {
                **m.to_json(),
                "previous": prev.get((m.id, m.file, m.sheet)),
            }
            for m in result.metrics
        ],
    }


def render_json(result: CheckResult) -> str:
    return json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"


def render_junit(result: CheckResult) -> str:
    """JUnit XML: one test case per threshold and source, a failure element for a breach."""
    rows = result.rows
    failures = sum(1 for r in rows if r.status == "fail")
    skipped = sum(1 for r in rows if r.status == "n/a")
    suites = ET.Element(
        "testsuites", name="sfa-migrate check", tests=str(len(rows)), failures=str(failures)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="sfa-migrate quality check",
        tests=str(len(rows)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    for r in rows:
        t = r.threshold
        value = value_text(t.metric, r.metric.value)
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"quality.{t.metric}",
            name=f"{t.metric} {limit_text(t)} [{r.where}]",
            time="0",
        )
        detail = (
            f"{t.metric} = {value} ({r.where}); limit {limit_text(t)}; "
            f"change {change_text(t.metric, r.change)}"
        )
        if r.status == "fail":
            ET.SubElement(case, "failure", message=detail, type="threshold").text = (
                t.note or info(t.metric).en
            )
        elif r.status == "warn":
            ET.SubElement(case, "system-out").text = f"warning: {detail}"
        elif r.status == "n/a":
            ET.SubElement(case, "skipped", message=f"not judged ({r.why_not_judged}): {detail}")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(result: CheckResult) -> str:
    """A summary a team can paste in a chat: the verdict and the compact table."""
    mark = {"pass": "✅", "warn": "⚠️", "fail": "❌", "n/a": "–"}
    out = [
        f"**{_verdict(result)}**",
        "",
        f"{result.run.describe()}; {_compared(result)}",
        *[f"\n{_md(line)}" for line in _sources_moved(result)],
        "",
        "| metric | where | value | limit | change | status |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for ln in lines(result.rows):
        out.append(
            f"| `{ln.metric}` | {_md(ln.where)} | {ln.value} | {ln.limit} | {ln.change} "
            f"| {mark.get(ln.status, '')} {ln.status} |"
        )
    return "\n".join(out) + "\n"


RENDERERS: dict[str, tuple[str, Callable[[CheckResult], str]]] = {
    "json": ("quality-check.json", render_json),
    "junit": ("quality-check.junit.xml", render_junit),
    "markdown": ("quality-check.md", render_markdown),
}

__all__ = [
    "RENDERERS",
    "lines",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_text",
    "to_json",
]
