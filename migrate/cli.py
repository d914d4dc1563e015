"""The ``sfa-migrate`` command: parse options, call one pipeline function, render, pick the exit code.

The only module that imports click. Exit codes: 0 ran clean, 1 ran but some files failed or
rows were rejected (outputs still written), 2 could not run (nothing readable, or a user
error such as a broken rule file or a refused output folder), 3 an internal error (a bug: one
line says so, the traceback goes to ``sfa-migrate-error.log`` in the output folder). User errors
print one or two lines, never a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click

from . import __version__
from .clock import peak_memory_gb
from .errors import UserError
from .input_options import INPUT_OPTIONS, QUIET_OPTION
from .org_options import ORG_OPTIONS
from .terminal_width import display_width, fit


def _echo_problems(problems) -> None:
    for p in problems:
        click.echo(f"error: {p.path}: {p.problem}", err=True)
        if p.hint:
            click.echo(f"  -> {p.hint}", err=True)


EXIT_BUG = 3  # not 1: 1 promises that the run finished and its outputs were written
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT), as a shell reports a command it interrupted
EXIT_PIPE_CLOSED = 141  # the reader went away (| head): as a shell reports SIGPIPE


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        debug = bool(ctx.params.get("debug") or ctx.obj and ctx.obj.get("debug"))
        try:
            return super().invoke(ctx)
        except UserError as exc:
            if debug:
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:  # Ctrl-C: not click's "Aborted!" and exit 1 ("ran, see findings")
            if debug:
                raise
            out = (ctx.obj or {}).get("out")
            click.echo(
                "interrupted: the run stopped before its end; outputs are moved into place only "
                "when a run finishes" + (f", so {out} holds what it held before" if out else ""),
                err=True,
            )
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # `sfa-migrate run ... | head`: the reader stopped reading
            _silence_closed_pipe()
            ctx.exit(EXIT_PIPE_CLOSED)
        except MemoryError:  # Arrow's too: not a bug, the inputs outgrew this machine
            if debug:
                raise
            click.echo(
                "error: the run ran out of memory: the inputs are too large for this machine; "
                "no outputs were written",
                err=True,
            )
            click.echo(
                "  -> run the files in smaller groups (a region or a year at a time), or on a "
                "machine with more memory (README, Scaling: memory per million rows)",
                err=True,
            )
            ctx.exit(2)
        except Exception as exc:
            if debug:
                raise
            _report_bug(exc, (ctx.obj or {}).get("out"))
            ctx.exit(EXIT_BUG)


def _silence_closed_pipe() -> None:
    """Send what is still to be written to /dev/null: the closed pipe is no bug to report (no
    crash log beside the outputs), and Python's flush at exit would fail on it again."""
    import contextlib
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        # a stream that is no file (a test runner's) has no descriptor to replace
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, stream.fileno())


def _report_bug(exc: Exception, out: str | None) -> None:
    """One line for the user; the traceback goes to a log file they can attach to a report."""
    import traceback
    from pathlib import Path

    from .output import write_crash_log

    text = "".join(traceback.format_exception(exc))
    try:
        log = str(write_crash_log(Path(out) if out else None, text))
    except OSError:
        log = "(no folder could be written; run again with --debug to see it)"
    click.echo(
        f"error: internal error, a bug in sfa-migrate {__version__} "
        f"({type(exc).__name__}: {str(exc)[:200]}); the details are in {log}",
        err=True,
    )
    click.echo("  -> please report it with that file; no outputs were written", err=True)


def _rules_option(f):
    """``--rules DIR`` after the command too: ``sfa-migrate run FILES --rules DIR``."""
    return click.option(
        "--rules",
        "sub_rules_dir",
        type=click.Path(file_okay=False),
        default=None,
        expose_value=True,
        help="Directory of rule files (same as --rules before the command).",
    )(f)


def _rules_dir(ctx: click.Context, sub_rules_dir: str | None) -> str | None:
    if sub_rules_dir:
        ctx.obj["rules_dir"] = sub_rules_dir
    return ctx.obj.get("rules_dir")


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="sfa-migrate")
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False),
    default=None,
    envvar="SFA_MIGRATE_RULES",
    help="Directory of rule files (default: rules: in ./sfa-migrate.yaml, else the rules "
    "shipped with the package; `sfa-migrate rules init DIR` writes an editable copy).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for user errors.")
@click.pass_context
def cli(ctx: click.Context, rules_dir: str | None, debug: bool) -> None:
    """Turn messy deal trackers (Excel/CSV) into clean SFA import files and a data-quality report."""
    ctx.ensure_object(dict)
    ctx.obj["rules_dir"] = rules_dir
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per sheet.")
@click.option(
    "--write-mapping",
    type=click.Path(dir_okay=False),
    help="Write the detected layout as an editable mapping file.",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False),
    help="Apply a mapping file before showing.",
)
@click.option("--quiet", is_flag=True, help="No progress line (shown only on a terminal anyway).")
@_rules_option
@click.pass_context
def inspect(
    ctx: click.Context,
    files: tuple[str, ...],
    as_json: bool,
    write_mapping: str | None,
    mapping: str | None,
    quiet: bool,
    sub_rules_dir: str | None,
) -> None:
    """Show what is in FILES: sheets, header rows, data rows, and how columns map."""
    from . import pipeline
    from .clock import StageClock

    rules_dir = _rules_dir(ctx, sub_rules_dir)
    # a million-row workbook takes a minute to read: on a terminal, say what is being read
    with StageClock(None if quiet or not _on_terminal() else _Progress()).stage("read"):
        result = pipeline.inspect(list(files), rules_dir=rules_dir, mapping=mapping)
    _echo_problems(result.problems)
    for f in result.findings:  # file-level notes: a renamed file, a hidden sheet, ...
        click.echo(f"note: {f.file}: {f.message}", err=True)
    if write_mapping:
        from .mapping import write_mapping as _write

        _write(result.tables, write_mapping, rules_dir)
        click.echo(f"mapping written to {write_mapping}", err=True)
    sheets = pipeline.describe_sheets(result, rules_dir=rules_dir)
    by_sheet = {(d["file"], d["sheet"]): d["stage_words"] for d in sheets}
    if as_json:
        click.echo(json.dumps(sheets, ensure_ascii=False, indent=2))
    else:
        for t in result.tables:
            where = f"{t.file} [{t.sheet}]" if t.sheet else t.file
            if t.kind == "skipped":
                click.echo(f"{where}: skipped ({t.reason}: {t.reason_text})")
                continue
            n_skip = sum(1 for _, why in t.skipped if why != "row.blank")
            click.echo(
                f"{where}: header row {t.header_row}, {len(t.data_rows)} data rows, {n_skip} other rows"
            )
            for c in t.columns:
                target = c.field or "(unmapped: kept as extra)"
                extra = f"  [{c.note}]" if c.note else ""
                # a header on two lines (受注\n予定日) on one; padded by terminal columns
                shown = fit(" ".join(str(c.header).split()), 30)
                pad = " " * max(0, 30 - display_width(shown))
                click.echo(
                    f"  {c.column:>3}  {shown}{pad} -> {target} ({c.method} {c.confidence:.2f}){extra}"
                )
            for note in _sheet_notes(t):
                click.echo(f"  {note}")
            if by_sheet.get((t.file, t.sheet)):
                click.echo("  stage words:")
            for w in by_sheet.get((t.file, t.sheet), []):
                stage = w["stage"] or "(none)"
                click.echo(f"    {str(w['word'])[:30]:<30} {w['rows']:>5} -> {stage} ({w['how']})")
    code = 2 if not result.tables and result.problems else (1 if result.problems else 0)
    ctx.exit(code)


def _sheet_notes(t: Any) -> list[str]:
    """What a consultant wants to know of a sheet beyond its columns: no stage column, hidden
    rows read as data, rows marked by their format."""
    from .findings import listed

    notes = []
    if not any(c.field == "stage" for c in t.columns):
        notes.append(
            "no stage column: stages come from the other evidence (probability, won/lost "
            "flags, notes, row marks) or stay empty"
        )
    hidden = sorted(f.row for f in t.findings if f.rule == "ingest.hidden-row")
    if hidden:
        notes.append(f"{len(hidden)} hidden row(s) read as data (rows {listed(hidden)})")
    notes += [f.message for f in t.findings if f.rule == "ingest.row-marks"]
    return notes


def _common_options(f):
    """The options run and audit share."""
    f = _rules_option(f)
    options = [
        click.option(
            "--out",
            "out",
            required=True,
            type=click.Path(file_okay=False),
            help="Output folder. Only this tool's own files are written and replaced there "
            "(listed in its manifest); a folder with other files is refused without --force.",
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Write into an existing folder that holds other files (they are never "
            "replaced or removed).",
        ),
        *INPUT_OPTIONS,
        click.option(
            "--as-of",
            "as_of",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="Reference date for ages and 'not in the future' checks "
            "(default: the latest updated/created date in the data).",
        ),
        click.option(
            "--lang",
            type=click.Choice(["ja", "en"]),
            help="Language of report.html and quality.xlsx (default: the sources' language).",
        ),
        *ORG_OPTIONS,
        click.option(
            "--mask-pii",
            is_flag=True,
            help="Mask e-mails and phones in the report and quality.xlsx.",
        ),
        click.option(
            "--quality-copy",
            type=click.Choice(["auto", "full", "problems"]),
            default="auto",
            show_default=True,
            help="What quality.xlsx copies of the sources: every row (full), only rows with a "
            "warning or an error (problems), or full up to report.yaml quality_copy_max_rows "
            "data rows (auto). Above report.yaml cell_comments_max findings a Notes column "
            "replaces the cell comments unless full is asked for.",
        ),
        click.option(
            "--history",
            type=click.Path(dir_okay=False),
            help="The history file of sfa-migrate check: the report shows the quality trend "
            "over its runs.",
        ),
        QUIET_OPTION,
        click.option(
            "--engine",
            type=click.Choice(["default", "duckdb"]),
            default="default",
            show_default=True,
            help="What finds the duplicate candidates and scores them: numpy in this process "
            "(default) or the same rules as SQL in DuckDB (pip install 'sfa-migrate[scale]'); "
            "the same clusters either way.",
        ),
        click.option(
            "--timings",
            is_flag=True,
            help="Also write each stage's seconds into report.json (they vary between runs, so "
            "by default report.json stays byte-identical for the same inputs).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _reference_line(result) -> str:
    """Which date the checks counted from, and where it came from."""
    if result.context is None:
        return "reference date: none"
    return result.context.describe_as_of()


def _skipped_sheets(result) -> list[str]:
    """A sheet skipped whole while it held more than a few rows is named, so nothing vanishes
    quietly (ingest.yaml skipped_sheet_notice_rows)."""
    from .bundle import load_rules_bundle

    context = result.context
    rules = context.rules if context is not None else load_rules_bundle(None)
    limit = rules.ingest[0].skipped_sheet_notice_rows
    return [
        f"skipped sheet {t.file} / {t.sheet}: {t.skipped_rows} rows not read ({t.reason}: "
        f"{t.reason_text})"
        for t in result.tables
        if t.kind == "skipped" and (getattr(t, "skipped_rows", 0) or 0) > limit
    ]


def _unread_subfolders(inputs: tuple[str, ...]) -> list[str]:
    """A folder given as input is read one level deep (its sub-folders may hold archives or
    truth files): each sub-folder holding spreadsheet files is named, so none is left out
    without the user knowing."""
    from .ingest.files import SPREADSHEET_EXTS

    lines = []
    for raw in inputs:
        folder = Path(raw)
        if not folder.is_dir():
            continue
        for sub in sorted(q for q in folder.iterdir() if q.is_dir() and not q.name.startswith(".")):
            n = sum(
                1
                for f in sub.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SPREADSHEET_EXTS
                and not f.name.startswith(("~$", "."))
            )
            if n:
                lines.append(
                    f"note: sub-folder {sub}/ was not read (a folder is read one level deep); "
                    f"it holds {n} spreadsheet file(s): give it as an input too if they are "
                    "trackers"
                )
    return lines


def _findings_line(findings, audit: bool, rules_dir: str | None = None) -> list[str]:
    """How much is wrong, in one line: the findings per severity and the most frequent
    errors and warnings by title (an audit prints no import summary, so '0 rejected' alone
    read as clean data); an audit adds how to see what an import would refuse."""
    if not len(findings) or "severity" not in findings.columns:
        return []
    from .catalogue import load_catalogue

    sev = findings["severity"].value_counts()
    counts = ", ".join(
        f"{int(sev.get(s, 0))} {s}{'' if int(sev.get(s, 0)) == 1 else 's'}"
        for s in ("error", "warning", "info")
    )
    worst = findings[findings["severity"].isin(["error", "warning"])]
    top = worst["rule"].value_counts().head(3)
    cat = load_catalogue(rules_dir)  # a team's --rules may reword the titles
    most = "; ".join(f"{cat.title(str(r), 'en')} ({int(n)})" for r, n in top.items())
    out = [f"findings: {counts}" + (f"; most frequent: {most}" if most else "")]
    if audit:
        out.append(
            "no import was checked (audit): run with --target salesforce (or hubspot, generic) "
            "to see which records an import would refuse and why"
        )
    return out


def _same_files(findings) -> list[str]:
    """'note: ...' for each file given that is a file already read (a link): the count of files
    read is then fewer than the files given, and this says why."""
    if not len(findings) or "rule" not in findings.columns:
        return []
    same = findings[findings["rule"] == "ingest.same-file"]
    return [f"note: {m}" for m in same["message"]]


def _on_terminal() -> bool:
    """Progress lines only for a person watching: stderr is a terminal."""
    return sys.stderr.isatty()


class _Progress:
    """What a run is doing, on the terminal (stderr): the stage that runs, what it is at (a
    :func:`migrate.clock.step` text: the file being read, the output being written) and its
    running seconds, redrawn once a second on one line; a line per stage with its time as it
    ends. A stage of minutes on a large tracker is never a silent screen."""

    TICK = 1.0  # seconds between redraws

    def __init__(self, stream=None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.stage: str | None = None
        self.detail = ""
        self.started = 0.0
        self.width = 0  # length of the line on screen, to blank what a shorter one leaves
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ticker: threading.Thread | None = None

    def __call__(self, stage: str, seconds: float | None) -> None:
        if seconds is None:
            with self.lock:
                self.stage, self.detail, self.started = stage, "", time.monotonic()
                self._draw()
            self.stop.clear()
            self.ticker = threading.Thread(target=self._tick, name="sfa-migrate-progress")
            self.ticker.daemon = True
            self.ticker.start()
            return
        self._end(f"  {stage}: {seconds:.1f} s")

    def stopped(self, stage: str, seconds: float) -> None:
        """The stage raised (Ctrl-C, an error): said so, not shown as done."""
        self._end(f"  {stage}: stopped after {seconds:.1f} s")

    def _end(self, line: str) -> None:
        self.stop.set()
        if self.ticker is not None:
            self.ticker.join()
        with self.lock:
            self.stage = None
            self._put(line, end="\n")

    def step(self, detail: str) -> None:
        with self.lock:
            if self.stage is not None:
                self.detail = detail
                self._draw()

    def _tick(self) -> None:
        while not self.stop.wait(self.TICK):
            with self.lock:
                if self.stage is not None:
                    self._draw()

    def _draw(self) -> None:
        assert self.stage is not None
        took = time.monotonic() - self.started
        tail = f" ... {took:.0f} s"
        room = shutil.get_terminal_size((80, 24)).columns - 1 - display_width(tail) - 2
        what = fit(f"{self.stage}: {self.detail}" if self.detail else self.stage, room)
        self._put(f"  {what}{tail}")

    def _put(self, text: str, end: str = "") -> None:
        cols = display_width(text)
        self.stream.write("\r" + text + " " * max(0, self.width - cols) + end)
        self.stream.flush()
        self.width = 0 if end else cols


def _times_line(times: dict[str, float]) -> str:
    """'read 2.1 s (40%), normalise 0.6 s (11%), ...': where a run spent its time."""
    total = sum(times.values()) or 1.0
    parts = [f"{k} {v:.1f} s ({v / total:.0%})" for k, v in times.items()]
    return ", ".join(parts) + f"; total {sum(times.values()):.1f} s"


def _skipped_breakdown(crosswalk) -> str:
    """' (3 subtotal, 2 note)': why rows that hold values were not read as data."""
    if not len(crosswalk):
        return ""
    reasons = crosswalk.loc[crosswalk["status"] == "skipped", "reason"]
    # A reason may carry its row's detail after the code ("row.pair-second: the other row of
    # the deal on row 4 ..."): the summary counts codes, crosswalk.csv keeps the detail.
    skipped = reasons.astype(str).str.split(":", n=1).str[0].value_counts()
    if skipped.empty:
        return ""
    parts = [f"{n} {why.removeprefix('row.')}" for why, n in sorted(skipped.items())]
    return " (" + ", ".join(parts) + "; see crosswalk.csv)"


def _run(ctx: click.Context, files: tuple[str, ...], target: str | None, **kw) -> None:
    from . import pipeline

    _rules_dir(ctx, kw.pop("sub_rules_dir", None))
    as_of = kw.pop("as_of", None)
    quiet = kw.pop("quiet", False)
    kw["on_stage"] = None if quiet or not _on_terminal() else _Progress()
    ctx.obj["out"] = kw.get("out")
    result = pipeline.run(
        list(files),
        target=target,
        rules_dir=ctx.obj["rules_dir"],
        as_of=as_of.date() if as_of else None,
        **kw,
    )
    _echo_problems(result.problems)
    rows = result.report["rows"]
    # the report's count (a file opened but then found wanting, an empty workbook, is failed
    # there, not read): the summary line and report.html say the same number
    n_read = sum(1 for f in result.report["files"] if f["status"] == "read")
    click.echo(
        f"read {n_read} file(s)"
        + (f" ({len(result.problems)} could not be used)" if result.problems else "")
        + f", "
        f"{len(result.tables)} sheet(s): {rows['data']} data rows -> {rows['exported']} "
        f"{'exported' if target else 'kept (no import files in an audit)'}, "
        f"{rows['merged']} merged, {rows['rejected']} rejected; {rows['skipped']} rows skipped"
        + _skipped_breakdown(result.crosswalk),
        err=True,
    )
    click.echo(_reference_line(result), err=True)
    for line in _skipped_sheets(result):
        click.echo(line, err=True)
    for line in _unread_subfolders(files):
        click.echo(line, err=True)
    for line in _same_files(result.findings):
        click.echo(line, err=True)
    if result.timings:
        peak = peak_memory_gb()
        memory = f"; peak memory {peak:.2f} GB" if peak is not None else ""
        click.echo("stage times: " + _times_line(result.timings) + memory, err=True)
    dup = result.report.get("duplicates", {})
    review = len(result.dedupe.review) if result.dedupe is not None else 0
    if dup.get("available", True) and result.dedupe is not None:
        from .normalize.stage_words import unknown_stage_words

        # the stage words no rule knows wait in review.xlsx too (its 'stage words' sheet)
        words = len(unknown_stage_words(result.findings))
        waiting = f"{review} pair(s)" + (f" and {words} stage word(s)" if words else "")
        click.echo(
            f"records: {len(result.dedupe.companies)} companies, {len(result.dedupe.contacts)} "
            f"contacts, {len(result.dedupe.deals)} deals; {waiting} to review"
            + (
                " in review.xlsx (decide, then run again with --decisions)"
                if review or words
                else ""
            ),
            err=True,
        )
        for line in _findings_line(result.findings, not target, ctx.obj.get("rules_dir")):
            click.echo(line, err=True)
        for kind, c in (getattr(result.dedupe, "existing", None) or {}).items():
            click.echo(
                f"existing {kind} (--existing): {c.get('matched', 0)} matched, "
                f"{c.get('reviewed', 0)} to review, {c.get('left_alone', 0)} left alone",
                err=True,
            )
    if result.export is not None:
        for name, v in result.export.validation.items():
            rejected = int(v.get("rejected", 0) or 0)
            note = f", {rejected} rejected (see rejects.csv)" if rejected else ""
            n = int(v.get("rows_out", 0) or 0)
            click.echo(f"  {name}: {n} record{'' if n == 1 else 's'}{note}", err=True)
        for hint in (_currency_hint(result), _required_hint(result)):
            if hint:
                click.echo(hint, err=True)
    phone_hint = _country_hint(result)
    if phone_hint:
        click.echo(phone_hint, err=True)
    if result.out_dir is not None:
        click.echo(f"outputs in {result.out_dir}/: {', '.join(result.outputs)}", err=True)
        click.echo(f"open {result.out_dir / 'report.html'} for the data-quality report", err=True)
    else:
        click.echo("nothing could be read; no outputs written", err=True)
    ctx.exit(result.exit_code)


def _required_hint(result: Any) -> str:
    """``hint: ...`` when most deals of an import file were rejected for one required column
    their trackers never fill (CloseDate of a tracker without 受注予定日): the rejects say it per
    row, not that one policy of the target decides all of them (rules/report.yaml
    currency_hint.min_share is the share)."""
    export, ctx = result.export, result.context
    if export is None or ctx is None:
        return ""
    share = ctx.rules.report.currency_hint_min_share
    for m in export.missing_required:
        total = int(export.validation.get(m["file"], {}).get("rows_in", 0) or 0)
        if not total or not m["rejected"] or m["rejected"] / total < share:
            continue
        policy, _, value = str(m["policy"]).partition(": ")
        formulas = int(m.get("from_formulas") or 0)
        if formulas:  # an empty formula cell: the fix is Excel, not a placeholder
            return (
                f"hint: {m['rejected']} of {total} deals of {m['file']} were rejected because "
                f"{m['column']} ({m['field']}) is empty; in {formulas} of them it is a formula "
                "without a saved value (the workbook was saved by a program that does not "
                "calculate): open and save the workbook in Excel so its formulas get values, "
                "then run again (rejects.csv names the rows)"
            )
        return (
            f"hint: {m['rejected']} of {total} deals of {m['file']} were rejected because "
            f"{m['column']} ({m['field']}) is empty and {policy} is {value}: fill it in the "
            f"trackers, or choose a placeholder: `sfa-migrate rules init DIR`, set {policy} in "
            f"DIR/targets/{export.target}.yaml, run with --rules DIR"
        )
    return ""


def _country_hint(result: Any) -> str:
    """``hint: ... --country US`` when most numbers of a phone column were left empty as no
    valid number of the default region but read as another region's (normalize.yaml phones
    hint_regions); '' otherwise."""
    from .normalize.phones import country_hint

    ctx = result.context
    if ctx is None or result.findings is None:
        return ""
    return country_hint(result.findings, result.records, ctx.rules.normalize.phones)


def _currency_hint(result: Any) -> str:
    """``hint: ... --currency USD`` when most deals with an amount were rejected for one
    currency other than the org's (rules/report.yaml currency_hint); '' otherwise."""
    import re

    foreign_re = re.compile(r"is in (\S+) but the org currency is (\S+)")
    f, records, ctx = result.findings, result.records, result.context
    if ctx is None or not len(f) or records is None or "deal_id" not in records:
        return ""
    foreign = f[f["rule"] == "export.foreign-currency"]
    if foreign.empty:
        return ""
    by_row: dict[tuple[str, str, int], str] = {}
    org = ""
    for file, sheet, row, message in foreign[["file", "sheet", "row", "message"]].itertuples(
        index=False
    ):
        m = foreign_re.search(str(message))
        if m:
            by_row[(str(file), str(sheet), int(row))] = m.group(1)
            org = m.group(2)
    amount = records.get("amount")
    if amount is None or not by_row:
        return ""
    # one finding per deal (a deal of several rows is rejected once)
    n = records.loc[(records["deal_id"].astype(str) != "") & amount.notna(), "deal_id"].nunique()
    codes = list(by_row.values())
    top = max(set(codes), key=lambda c: (codes.count(c), c))
    rules = ctx.rules.report
    if not n or len(codes) / n < rules.currency_hint_min_share:
        return ""
    if codes.count(top) / len(codes) < rules.currency_hint_dominant_share:
        return ""
    k, top_n = len(codes), codes.count(top)
    return (
        f"hint: {k} of {n} deals with an amount were rejected for a currency other than the "
        f"org's {org} ({top if top_n == k else f'{top_n} of them {top}'}): if the org's "
        f"currency is {top}, run again with --currency {top}"
    )


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--target",
    default="generic",
    show_default=True,
    help="Target profile: salesforce, hubspot, generic, or a YAML path.",
)
@_common_options
@click.option(
    "--excel-friendly",
    is_flag=True,
    help="Write CSVs meant for Excel with a UTF-8 BOM (never for Salesforce Data Loader files).",
)
@click.pass_context
def run(ctx: click.Context, files: tuple[str, ...], target: str, **kw) -> None:
    """Run the whole pipeline on FILES: import files, rejects, crosswalk and the report in --out.

    Exit code 0: clean; 1: some files failed or rows were rejected (outputs still written);
    2: nothing could be read or a rule file is broken.
    """
    _run(ctx, files, target, **kw)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@_common_options
@click.pass_context
def audit(ctx: click.Context, files: tuple[str, ...], **kw) -> None:
    """Audit FILES: the data-quality report, crosswalk and findings, no import files.

    Exit code 0: clean; 1: some files failed or rows were rejected; 2: nothing could be read.
    """
    _run(ctx, files, None, **kw)


@cli.group()
def rules() -> None:
    """The rule files: write an editable copy of the defaults."""


@rules.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite rule files of the same name in DIRECTORY.")
def rules_init(directory: str, force: bool) -> None:
    """Copy the default rule files into DIRECTORY, to edit and use with --rules DIRECTORY."""
    from .rules import copy_default_rules

    written = copy_default_rules(directory, force=force)
    click.echo(f"wrote {len(written)} rule files to {directory}/", err=True)
    click.echo(
        f"edit them, then run with --rules {directory} "
        f"(or name it in ./sfa-migrate.yaml: kind: config, version: 1, rules: {directory})",
        err=True,
    )


def main() -> None:
    """Console entry point."""
    try:
        cli(obj={}, standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()


@cli.command()
@click.argument("rule_id", required=False, metavar="[ID]")
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Language (default: both).")
@_rules_option
@click.pass_context
def explain(ctx: click.Context, rule_id: str | None, lang: str | None, sub_rules_dir: str | None):
    """What a finding ID means and how to fix it (rules/findings.yaml); without ID, list them all.

    Exit code 2 for an unknown ID, with the closest ids suggested.
    """
    from .catalogue import explain as explain_text

    click.echo(explain_text(rule_id, lang=lang, rules=_rules_dir(ctx, sub_rules_dir)))


from .check.command import check as _check  # noqa: E402  (sfa-migrate check, issue 15)

cli.add_command(_check)
