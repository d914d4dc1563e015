"""The recurring quality check: the same rules on this week's files, compared with last time.

In: input files (trackers, or the SFA's own weekly exports), the rules directory and a history
file or a baseline. Out: a :class:`CheckResult`: the run's metrics (:mod:`.metrics`), one row
per threshold of rules/quality.yaml and source (:mod:`.compare`), the previous run they were
compared with, and the exit code (0 every error threshold holds, 1 one is breached; a user
error, 2, is raised as :class:`migrate.errors.UserError`). The pipeline does the work
(``migrate.pipeline.run``); this package only measures and compares. Renderers are in
:mod:`.render`, the trend over runs in :mod:`.trend`, the history in :mod:`.history`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from .advice import Advice, advise
from .compare import Key, Row, evaluate, exit_code, index, match_renamed, match_sheets
from .history import DEFAULT_NAME, History, Run
from .metrics import (
    COMPARED,
    UNREADABLE,
    DealKey,
    Metric,
    deal_keys,
    gone_deals,
    measure,
    metrics_from_report,
    unreadable_files,
    unreadable_metrics,
)
from .thresholds import QualityRules, Threshold, parse_quality_rules


@dataclass
class CheckResult:
    """What one check found: the run, its metrics, the rows of the table, what it compared with."""

    run: Run
    metrics: list[Metric]
    rows: list[Row]
    previous: Run | None = None  # the history's last run before this one
    baseline: Path | None = None  # or the saved run it was compared with
    previous_values: dict[Key, float | None] = field(default_factory=dict)
    history: Path | None = None
    result: Any = None  # the pipeline's RunResult
    # sources compared under a new name (old file, new file: a weekly export named by its
    # day; 'file [old sheet]', 'file [new sheet]': a month sheet renamed) and files of the
    # previous run that are not in this one
    renamed: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    # deals of the compared run that are in no file now: (file, sheet, deal id, label)
    deals_gone: list[DealKey] = field(default_factory=list)
    # files of the compared run present now that cannot be read: (file, the problem)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    # what a breach line says to fix, per (metric, file, sheet) (advice.advise)
    advice: dict[Key, Advice] = field(default_factory=dict)
    # the language of the text, Markdown and JUnit words (--lang; default the sources')
    lang: str = "en"
    # the latest run of the history had these inputs too (a retried week): "(same inputs)"
    same_inputs: bool = False

    @property
    def exit_code(self) -> int:
        """0 when every error threshold holds, 1 when one is breached."""
        return exit_code(self.rows)


def input_files(paths: list[str]) -> list[Path]:
    """The files a run reads, in a stable order (a folder: every file inside it)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                (f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")),
                key=lambda f: f.relative_to(p).as_posix(),
            )
        elif p.is_file():
            out.append(p)
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprint(
    paths: list[str], rules_dir: str | os.PathLike[str], told: Iterable[str] = ()
) -> tuple[str, list[tuple[str, str]]]:
    """The input fingerprint: a hash of the input files' bytes, of every rule file and of the
    files the run was told to read besides (``told``: a mapping, review decisions, SFA exports).

    Names are not part of it (a file renamed is the same input); returns the fingerprint and
    (file name, sha256) per input file.
    """
    inputs = [(f.name, _sha256(f)) for f in input_files(paths)]
    h = hashlib.sha256()
    for _, digest in sorted(inputs, key=lambda x: x[1]):
        h.update(digest.encode())
    folder = Path(rules_dir)
    for rule in sorted(folder.rglob("*.yaml"), key=lambda f: f.relative_to(folder).as_posix()):
        h.update(rule.relative_to(folder).as_posix().encode())
        h.update(_sha256(rule).encode())
    for extra in told:  # the same trackers with decisions read are another run's inputs
        h.update(b"told:" + _sha256(Path(extra)).encode())
    return h.hexdigest(), inputs


def read_baseline(path: str | os.PathLike[str]) -> list[Metric]:
    """The metrics of a saved run: a ``report.json`` of ``run``/``audit``, or a check's JSON."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{p}: cannot read the baseline ({exc.strerror or exc})") from None
    except (ValueError, UnicodeDecodeError):
        raise UserError(
            f"{p}: the baseline is not JSON",
            hint="give the report.json of an earlier run, or a check's quality-check.json",
        ) from None
    if isinstance(doc, dict) and "check_version" in doc:
        return [Metric.from_json(m) for m in doc.get("metrics") or []]
    if isinstance(doc, dict) and "report_version" in doc:
        return metrics_from_report(doc)
    raise UserError(
        f"{p}: neither a report.json nor a check result",
        hint="give the report.json of an earlier run, or a check's quality-check.json",
    )


def default_history(out: str | os.PathLike[str] | None) -> Path:
    """Where the history lives without ``--history``: in ``out``, else the working folder."""
    return Path(out or ".") / DEFAULT_NAME


def run_check(
    paths: list[str],
    *,
    rules_dir: str | os.PathLike[str] | None = None,
    history: str | os.PathLike[str] | None = None,
    baseline: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    target: str | None = None,
    as_of: dt.date | None = None,
    mapping: str | None = None,
    decisions: str | os.PathLike[str] | None = None,
    existing: Mapping[str, str | os.PathLike[str]] | None = None,
    currency: str | None = None,
    fiscal_year_start: int | None = None,
    country: str | None = None,
    record: bool | None = None,
    lang: str | None = "en",
    clock: Any = None,
    on_stage: Any = None,
) -> CheckResult:
    """Run the pipeline on ``paths`` (no outputs written), measure, compare, record.

    Compared with ``baseline`` when given, else with the last run of the history. The run is
    appended to the history unless ``record`` is False (default: always, except with a
    baseline and no ``history``). ``mapping``, ``decisions`` and ``existing`` mean what they
    mean to ``pipeline.run`` (a stage word decided in review.xlsx is read as decided); their
    bytes are part of the input fingerprint. ``lang`` is the language of the rendered words
    (``ja``/``en``; None: the sources' language, as ``run`` decides it). ``clock`` (tests)
    gives ``recorded_at``; it is the only use of the wall clock. ``on_stage`` hears the pipeline's stages (see ``pipeline.run``).
    """
    from .. import pipeline
    from ..bundle import load_rules_bundle

    rules = load_rules_bundle(rules_dir).check()
    quality = rules.quality
    result = pipeline.run(
        list(paths),
        out=None,
        target=target,
        rules_dir=str(rules.directory),
        as_of=as_of,
        mapping=mapping,
        decisions=decisions,
        existing=existing,
        currency=currency,
        fiscal_year_start=fiscal_year_start,
        country=country,
        on_stage=on_stage,
    )
    if not result.tables:
        first = result.problems[0] if result.problems else None
        where = f" ({first.path}: {first.problem})" if first is not None else ""
        raise UserError(
            f"nothing could be read{where}",
            hint="check the paths; the check needs at least one readable table",
        )
    metrics = measure(result, rules.stages)
    deals = deal_keys(result)
    told = [mapping, decisions, *(existing or {}).values()]
    fp, inputs = fingerprint(list(paths), rules.directory, [str(f) for f in told if f])
    prev_run: Run | None = None
    same_inputs = False
    base_path = Path(baseline) if baseline is not None else None
    before: list[DealKey] | None = None
    earlier: list[Metric] | None = None  # the compared run's metrics (None: there is none)
    # files the compared run could not read, compared with the last run that read them:
    # (the file then, its name in the compared run, that run's seq)
    read_back: list[tuple[str, str, int]] = []
    if base_path is not None:
        earlier = read_baseline(base_path)
        before = []  # a saved report keeps no list of deals
    else:
        store = History(history or default_history(out))
        prev_run = store.last_of_other_inputs(fp)
        latest = store.runs()[-1:] if prev_run is not None else []
        same_inputs = bool(latest) and latest[0].fingerprint == fp
        earlier = list(prev_run.metrics) if prev_run is not None else None
        before = store.deals(prev_run.seq) if prev_run is not None else None
        if prev_run is not None and earlier is not None and before is not None:
            back = last_read(store, prev_run, quality.version_marks)
            for file, name, seq, metrics_then, deals_then in back:
                earlier += metrics_then
                before += deals_then
                read_back.append((file, name, seq))
    previous = index(earlier or [])
    # a file present but unreadable now is not gone: it is there, and is measured on its own
    unreadable = unreadable_files(result.problems)
    present = [*metrics, *(Metric(UNREADABLE, f) for f in unreadable)]
    previous, renamed, gone = match_renamed(previous, present, quality.version_marks)
    # a month sheet renamed in a file of both runs (2026年12月 -> 2027年1月) is its source too
    previous, sheets = match_sheets(previous, metrics)
    # deals deleted since the compared run (5 of 20 gone is no figure's drop)
    metrics, deals_gone = gone_deals(metrics, deals, before, renamed, set(unreadable), sheets)
    read_before: set[str] | None = None
    if earlier is not None:
        to = dict(renamed)
        # the files the compared run read, and those it could not read but an earlier run
        # did (still unreadable: still a breach, week after week, until it is fixed)
        read_before = {f for _, f, _ in previous if f} | {
            to.get(m.file, m.file) for m in earlier if m.id == UNREADABLE and m.value
        }
    metrics = unreadable_metrics(metrics, unreadable, read_before)
    rows = evaluate(metrics, quality.thresholds, previous)
    status = "fail" if exit_code(rows) else "pass"
    as_of_text = (result.report.get("context") or {}).get("today")
    if record is None:
        record = base_path is None or history is not None
    hist_path = Path(history) if history is not None else default_history(out)
    if record:
        now = (clock or (lambda: dt.datetime.now(dt.UTC)))()
        run = History(hist_path).append(
            as_of=as_of_text,
            fingerprint=fp,
            inputs=inputs,
            status=status,
            metrics=metrics,
            recorded_at=now.isoformat(timespec="seconds"),
            deals=deal_keys(result, imported=True),
        )
    else:
        run = Run(0, as_of_text, fp, status, "", tuple(inputs), tuple(metrics))
    return CheckResult(
        run=run,
        metrics=metrics,
        rows=rows,
        previous=prev_run,
        baseline=base_path,
        previous_values=dict(previous),
        history=hist_path if record else None,
        result=result,
        renamed=_said_renamed(
            renamed, sheets, read_back, {m.file for m in metrics if m.id not in COMPARED}
        ),
        gone=gone,
        deals_gone=deals_gone,
        unreadable=[
            (m.file, unreadable[m.file][1])
            for m in metrics
            if m.id == UNREADABLE and m.value and m.file in unreadable
        ],
        advice=advise(result),
        lang=lang or getattr(result.context, "lang", None) or "en",
        same_inputs=same_inputs,
    )


def last_read(
    store: History, compared: Run, marks: tuple[str, ...] | list[str] = ()
) -> list[tuple[str, str, int, list[Metric], list[DealKey]]]:
    """The files ``compared`` (a run of the history) had but could not read, each with the
    last run before it that read it: (the file's name then, its name in ``compared``, that
    run's seq, its metrics and deals renamed to the name in ``compared``).

    A tracker half-saved during one week's check was compared with nothing the week after
    (u24: its 40-point drop in amounts passed); docs/check.md: its deals are not seen, and it
    is compared with the last run that read it. Names are matched as :func:`match_renamed`
    matches them (a weekly file named by its day).
    """
    unread = sorted({m.file for m in compared.metrics if m.id == UNREADABLE and m.value != 0})
    if not unread:
        return []
    there = [Metric(UNREADABLE, f) for f in sorted({m.file for m in compared.metrics if m.file})]
    out: list[tuple[str, str, int, list[Metric], list[DealKey]]] = []
    runs = [r for r in store.runs() if r.seq < compared.seq]
    for name in unread:
        for run in reversed(runs):
            read = {m.file for m in run.metrics if m.file and m.id not in COMPARED}
            if name in read:
                file = name
            else:
                values = {k: v for k, v in index(run.metrics).items() if k[1] in read}
                _, pairs, _ = match_renamed(values, there, marks)
                file = next((a for a, b in pairs if b == name), "")
            if not file:
                continue
            metrics = [
                dataclasses.replace(m, file=name)
                for m in run.metrics
                if m.file == file and m.id not in COMPARED
            ]
            deals = [(name, sh, d, lb) for f, sh, d, lb in store.deals(run.seq) if f == file]
            out.append((file, name, run.seq, metrics, deals))
            break
    return out


def _said_renamed(
    renamed: list[tuple[str, str]],
    sheets: list[tuple[str, str, str]],
    read_back: list[tuple[str, str, int]],
    read_now: set[str],
) -> list[tuple[str, str]]:
    """The renames the table says (old, new): files, then sheets ('file [sheet]'); a file
    compared with the last run that read it names that run (``X of run 5, the last run that
    read it``)."""
    to = dict(renamed)
    back = {name: (file, seq) for file, name, seq in read_back if to.get(name, name) in read_now}
    out = [
        (f"{back[old][0]} of run {back[old][1]}, the last run that read it", new)
        if old in back
        else (old, new)
        for old, new in renamed
    ]
    out += [
        (f"{file} of run {seq}, the last run that read it", name)
        for name, (file, seq) in back.items()
        if name not in to
    ]
    return out + [(f"{f} [{a}]", f"{f} [{b}]") for f, a, b in sheets]


def write_formats(
    check: CheckResult, formats: list[str], out: str | os.PathLike[str] | None
) -> list[Path]:
    """Write the result in each of ``formats`` (json, junit, markdown) into ``out`` (or cwd)."""
    from .render import RENDERERS

    folder = Path(out or ".")
    written = []
    for fmt in formats:
        if fmt == "text":
            continue
        name, render = RENDERERS[fmt]
        path = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(render(check), encoding="utf-8")
        except OSError as exc:
            raise UserError(
                f"{path}: cannot write ({exc.strerror or exc})",
                hint="give --out a folder you can write to",
            ) from None
        written.append(path)
    return written


def write_failure(
    formats: list[str],
    out: str | os.PathLike[str] | None,
    message: str,
    code: int,
    lang: str | None = None,
) -> list[Path]:
    """Replace the result files of ``formats``, and those an earlier check left in ``out``, by
    a report that this check could not run (exit ``code``: 2 a user error, 130 interrupted):
    ``check ... || mail < quality/quality-check.md`` must not mail last week's report as this
    week's. Nothing is raised: a folder that cannot be written keeps what it had."""
    from .render import RENDERERS, render_failure
    from .words import word

    lang = lang or "en"
    message = message or word("failed.interrupted", lang)
    folder = Path(out or ".")
    written = []
    for fmt, (name, _) in RENDERERS.items():
        path = folder / name
        if fmt not in formats and not path.exists():
            continue
        if fmt == "markdown":
            text = render_failure(message, code, lang)
        elif fmt == "json":
            doc = {"check_version": 1, "status": "error", "exit_code": code, "error": message}
            text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        else:
            from xml.sax.saxutils import quoteattr

            text = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<testsuites name="sfa-migrate check" tests="1" failures="0" errors="1">\n'
                '  <testsuite name="sfa-migrate quality check" tests="1" failures="0" '
                'errors="1" skipped="0">\n'
                '    <testcase classname="quality" name="check" time="0">\n'
                f'      <error message={quoteattr(message)} type="exit {code}" />\n'
                "    </testcase>\n  </testsuite>\n</testsuites>\n"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        written.append(path)
    return written


def stale_formats(formats: list[str], out: str | os.PathLike[str] | None) -> list[Path]:
    """The result files of formats not asked for this time that an earlier check left in
    ``out``: a scheduler mailing quality-check.md would send last week's as this week's."""
    from .render import RENDERERS

    folder = Path(out or ".")
    return [
        folder / name
        for fmt, (name, _) in RENDERERS.items()
        if fmt not in formats and (folder / name).exists()
    ]


__all__ = [
    "CheckResult",
    "History",
    "Metric",
    "QualityRules",
    "Row",
    "Run",
    "Threshold",
    "default_history",
    "fingerprint",
    "input_files",
    "parse_quality_rules",
    "read_baseline",
    "run_check",
    "stale_formats",
    "write_failure",
    "write_formats",
]
