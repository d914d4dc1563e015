"""The check's result as text, JSON, JUnit XML and Markdown.

In: a :class:`migrate.check.CheckResult`; out: strings. The text table and the Markdown summary
are compact: a threshold that holds in every source is one line (its worst value), a breach is
one line per source. JSON and JUnit carry every row. Nothing here reads the clock: the same
result renders to the same bytes. Colour is the caller's: the text renderer takes a ``style``
function (the CLI passes ``click.style`` on a terminal, nothing when piped).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from ..findings import listed
from ..terminal_width import display_width, fit, ljust, rjust
from .advice import REASONS_SHOWN, WORDS_SHOWN, Advice, compact_rows
from .compare import Key, Row
from .metrics import info
from .thresholds import Threshold
from .words import word

if TYPE_CHECKING:
    from . import CheckResult

Style = Callable[..., str]
COLOURS = {"pass": "green", "warn": "yellow", "fail": "red", "n/a": None}
HEADERS = ("metric", "where", "value", "limit", "change", "status")
ORDER = {"fail": 0, "warn": 1}  # the Markdown lists breaches first, then the rest in order


def headers(lang: str = "en") -> tuple[str, ...]:
    """The table's column names in ``lang``."""
    return tuple(word(f"h.{h}", lang) for h in HEADERS)


def status_text(status: str, lang: str = "en") -> str:
    """``pass`` / ``合格`` ..."""
    return word(f"s.{status}", lang)


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


def limit_text(t: Threshold, lang: str = "en") -> str:
    """``>= 90%``, ``<= 0``, ``drop <= 20 pt``, ``rise <= 0``."""
    share = info(t.metric).unit == "share"
    n = f"{t.limit * 100:g}" if share else f"{t.limit:g}"
    unit = ("%" if not t.is_change else " pt") if share else ""
    drop, rise = word("op.drop", lang), word("op.rise", lang)
    op = {"min": ">=", "max": "<=", "max_drop": f"{drop} <=", "max_rise": f"{rise} <="}[t.kind]
    return f"{op} {n}{unit}"


def fix_text(r: Row, advice: Advice | None, lang: str = "en") -> str:
    """What a breach line says to fix: the unknown words and their rows, the rejected rows'
    worst source and top reasons, and the threshold's ``note:``; '' when there is nothing."""
    parts: list[str] = []
    if advice is not None and advice.words:
        here = bool(r.metric.file or r.metric.sheet)
        named = []
        for w in advice.words[:WORDS_SHOWN]:
            rows = compact_rows(w.rows)
            if here:
                named.append(word("fix.word-here", lang, word=w.word, n=len(w.rows), rows=rows))
            else:
                where = f"{w.file} [{w.sheet}]" if w.sheet else w.file
                named.append(
                    word("fix.word", lang, word=w.word, where=where, n=len(w.rows), rows=rows)
                )
        if len(advice.words) > WORDS_SHOWN:
            named.append(word("fix.more-words", lang, n=len(advice.words) - WORDS_SHOWN))
        parts.append(word("fix.words", lang, words=", ".join(named)))
    if advice is not None and advice.worst is not None and not (r.metric.file or r.metric.sheet):
        file, sheet, rejected, data = advice.worst
        where = f"{file} [{sheet}]" if sheet else file
        parts.append(word("fix.worst", lang, where=where, rejected=rejected, data=data))
    if advice is not None and advice.reasons:
        reasons = [
            word("fix.reason", lang, reason=reason, n=n)
            for reason, n in advice.reasons[:REASONS_SHOWN]
        ]
        parts.append(word("fix.reasons", lang, reasons="; ".join(reasons)))
    if r.threshold.note:
        parts.append(word("fix.note", lang, note=r.threshold.note))
    return " / ".join(parts) if lang == "ja" else "; ".join(parts)


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
    fix: str = ""  # what to fix, on a breach line (fix_text)


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


def _not_judged(rows: list[Row], lang: str = "en") -> str:
    """``3 sources not judged: fewer than 10 rows``; each reason with its count when they
    differ."""
    reasons: dict[str, int] = {}
    for r in rows:
        why = r.why_not_judged_in(lang)
        reasons[why] = reasons.get(why, 0) + 1
    why = (
        next(iter(reasons))
        if len(reasons) == 1
        else ", ".join(f"{n} {reason}" for reason, n in reasons.items())
    )
    sources = "source" if len(rows) == 1 else "sources"
    return word("not-judged", lang, n=len(rows), sources=sources, why=why)


def _where(r: Row, lang: str) -> str:
    """Where a row's figure is from, in ``lang`` (quality-check.json keeps ``Row.where``)."""
    if r.pooled:
        return word("pooled", lang, n=r.pooled, min_rows=r.threshold.min_rows)
    return r.where


def lines(
    rows: list[Row], advice: Mapping[Key, Advice] | None = None, lang: str = "en"
) -> list[Line]:
    """The compact table: per threshold, breaches one per source, passes as one line; a
    breach line carries what to fix (``advice``: :func:`migrate.check.advice.advise`)."""
    advice = advice or {}
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
            where = _where(r, lang)
            if r.status == "n/a":
                where = f"{where}: {r.why_not_judged_in(lang)}"
            fix = ""
            if r.status in ("fail", "warn"):
                fix = fix_text(r, advice.get((t.metric, r.metric.file, r.metric.sheet)), lang)
            out.append(_line(r, where, lang, fix))
        passing = [r for r in rest if r.status == "pass"]
        if passing:
            w = _worst(passing)
            n = len(passing)
            where = (
                w.metric.where if n == 1 else word("sources-worst", lang, n=n, where=w.metric.where)
            )
            out.append(_line(w, where, lang))
        # the sources not judged are said beside the others, passing or not (a renamed sheet
        # compared with nothing left no trace); their worst value, not the first source's
        unjudged = [r for r in rest if r.status == "n/a"]
        if unjudged:
            out.append(_line(_worst(unjudged), _not_judged(unjudged, lang), lang))
    return out


def _line(r: Row, where: str, lang: str = "en", fix: str = "") -> Line:
    t = r.threshold
    return Line(
        t.metric,
        where,
        value_text(t.metric, r.metric.value),
        limit_text(t, lang),
        change_text(t.metric, r.change),
        r.status,
        t.severity,
        fix,
    )


def _lang(result: CheckResult, lang: str | None) -> str:
    return lang or getattr(result, "lang", "en") or "en"


def _lines(result: CheckResult, lang: str) -> list[Line]:
    return lines(result.rows, getattr(result, "advice", None), lang)


def _verdict(result: CheckResult, lang: str = "en") -> str:
    counts = {s: sum(1 for r in result.rows if r.status == s) for s in ("fail", "warn", "pass")}
    key = "verdict.fail" if result.exit_code else "verdict.pass"
    return word(key, lang, fail=counts["fail"], warn=counts["warn"], pass_=counts["pass"])


def _describe(run: Any, lang: str) -> str:
    """``run 3 (as of 2026-08-23)`` in ``lang``."""
    if lang == "en":
        return str(run.describe())
    return word("run", lang, seq=run.seq, as_of=run.as_of or "-")


def _compared(result: CheckResult, lang: str = "en") -> str:
    if result.baseline is not None:
        return word("compared.baseline", lang, path=result.baseline)
    if result.previous is None:
        return word("compared.first", lang)
    same = word("same-inputs", lang) if getattr(result, "same_inputs", False) else ""
    return word("compared.run", lang, run=_describe(result.previous, lang)) + same


def _sources_moved(result: CheckResult, lang: str = "en") -> list[str]:
    """A line per renamed source and one for the sources gone since the compared run."""
    out = [word("moved.renamed", lang, new=new, old=old) for old, new in result.renamed]
    out += [word("moved.unreadable", lang, file=file, why=why) for file, why in result.unreadable]
    if result.gone:
        out.append(word("moved.gone", lang, files=", ".join(result.gone)))
    # the deals of a file that cannot be read are not known to be deleted: said apart
    unread = {file for file, _ in result.unreadable}
    for hidden, head in ((False, "moved.deals-gone"), (True, "moved.deals-unseen")):
        names = [
            f"{label or deal} ({file})"
            for file, _, deal, label in result.deals_gone
            if (file in unread) == hidden
        ]
        if names:
            out.append(word(head, lang, n=len(names), names=listed(names)))
    return out


def render_text(result: CheckResult, style: Style = _plain, lang: str | None = None) -> str:
    """The compact table for the terminal; a breach line is followed by what to fix."""
    lang = _lang(result, lang)
    shown = _lines(result, lang)
    rows = [headers(lang)] + [
        (ln.metric, ln.where, ln.value, ln.limit, ln.change, status_text(ln.status, lang))
        for ln in shown
    ]
    # widths in terminal columns: a Japanese file name or reason takes two per character
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(HEADERS))]
    widths[1] = min(widths[1], 56)

    def fmt(r: tuple[str, ...], status: str | None = None) -> str:
        cells = [fit(r[i], widths[i]) for i in range(len(r))]
        left = [ljust(c, w) for c, w in zip(cells[:2], widths[:2], strict=True)]
        right = [rjust(c, w) for c, w in zip(cells[2:5], widths[2:5], strict=True)]
        tail = cells[5]
        if status is not None:
            tail = style(tail, fg=COLOURS.get(status), bold=status == "fail")
        return "  ".join([*left, *right, tail]).rstrip()

    run = _describe(result.run, lang)
    head = [
        f"{run}, {word('inputs', lang, fp=result.run.fingerprint[:12])}; {_compared(result, lang)}",
        *_sources_moved(result, lang),
        fmt(rows[0]),
    ]
    body: list[str] = []
    for ln, r in zip(shown, rows[1:], strict=True):
        body.append(fmt(r, ln.status))
        if ln.fix:
            body.append(f"    -> {ln.fix}")
    verdict = _verdict(result, lang)
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
        # in name order whatever the order of FILES (it changes no other output either)
        "inputs": [{"file": f, "sha256": h} for f, h in sorted(run.inputs)],
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


def render_junit(result: CheckResult, lang: str | None = None) -> str:
    """JUnit XML: one test case per threshold and source, a failure element for a breach
    (its text: what to fix, the threshold's note included)."""
    lang = _lang(result, lang)
    advice = getattr(result, "advice", None) or {}
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
        detail = word(
            "junit.detail",
            lang,
            metric=t.metric,
            value=value,
            where=r.where,
            limit=limit_text(t, lang),
            change=change_text(t.metric, r.change),
        )
        fix = fix_text(r, advice.get((t.metric, r.metric.file, r.metric.sheet)), lang)
        if r.status == "fail":
            ET.SubElement(case, "failure", message=detail, type="threshold").text = fix or (
                info(t.metric).ja if lang == "ja" else info(t.metric).en
            )
        elif r.status == "warn":
            text = word("junit.warning", lang, detail=detail)
            ET.SubElement(case, "system-out").text = f"{text}\n{fix}" if fix else text
        elif r.status == "n/a":
            ET.SubElement(
                case,
                "skipped",
                message=word(
                    "junit.not-judged", lang, why=r.why_not_judged_in(lang), detail=detail
                ),
            )
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(result: CheckResult, lang: str | None = None) -> str:
    """A summary a team can paste in a chat or mail: the verdict, what to fix (one bullet per
    breach), then the compact table with the breaches first."""
    lang = _lang(result, lang)
    mark = {"pass": "✅", "warn": "⚠️", "fail": "❌", "n/a": "–"}
    shown = _lines(result, lang)
    out = [
        f"**{_verdict(result, lang)}**",
        "",
        f"{_describe(result.run, lang)}; {_compared(result, lang)}",
        *[f"\n{_md(line)}" for line in _sources_moved(result, lang)],
    ]
    breaches = [ln for ln in shown if ln.status in ORDER]
    if breaches:
        out += ["", f"### {word('md.fix', lang)}", ""]
        for ln in sorted(breaches, key=lambda ln: ORDER[ln.status]):
            head = (
                f"- {mark[ln.status]} `{ln.metric}` {_md(ln.where)}: {ln.value} "
                f"({ln.limit}, {ln.change})"
            )
            out.append(f"{head}  \n  {_md(ln.fix)}" if ln.fix else head)
        out += ["", f"### {word('md.all', lang)}"]
    h = headers(lang)
    out += [
        "",
        "| " + " | ".join(h) + " |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for ln in sorted(shown, key=lambda ln: ORDER.get(ln.status, 2)):
        out.append(
            f"| `{ln.metric}` | {_md(ln.where)} | {ln.value} | {ln.limit} | {ln.change} "
            f"| {mark.get(ln.status, '')} {status_text(ln.status, lang)} |"
        )
    return "\n".join(out) + "\n"


def render_failure(message: str, code: int, lang: str = "en") -> str:
    """The Markdown left in ``--out`` by a check that could not run (exit 2 or 130): a mail
    sent on a non-zero exit says so, instead of last week's report looking current."""
    return (
        f"**{word('failed.title', lang)}**\n\n{_md(message)}\n\n"
        f"{word('failed.body', lang, code=code)}\n"
    )


RENDERERS: dict[str, tuple[str, Callable[[CheckResult], str]]] = {
    "json": ("quality-check.json", render_json),
    "junit": ("quality-check.junit.xml", render_junit),
    "markdown": ("quality-check.md", render_markdown),
}

__all__ = [
    "RENDERERS",
    "fix_text",
    "lines",
    "render_failure",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_text",
    "to_json",
]
