"""``sfa-migrate check``: the click command over :func:`migrate.check.run_check`.

CLI code (the one place of this package that imports click): parses the options, calls the
library, prints the table (coloured on a terminal, plain when piped), writes the ``--format``
files and picks the exit code: 0 every error threshold holds, 1 one is breached, 2 could not run
(a user error, printed by the command group as one line).
"""

from __future__ import annotations

import sys

import click

from ..input_options import QUIET_OPTION, input_options
from ..org_options import org_options


@click.command("check")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--rules",
    "sub_rules_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory of rule files (same as --rules before the command); thresholds in "
    "quality.yaml.",
)
@click.option(
    "--history",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite file of earlier runs (default: quality-history.sqlite in --out, else in the "
    "working folder). Each check appends its run.",
)
@click.option(
    "--baseline",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Compare with a saved run (its report.json, or a quality-check.json) instead of the "
    "history.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the --format files and the default history (default: the working folder).",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(["text", "json", "junit", "markdown"]),
    multiple=True,
    help="Also write quality-check.json / .junit.xml / .md into --out (repeatable); the table "
    "always goes to the terminal.",
)
@click.option(
    "--target",
    default=None,
    help="Validate against a target profile too (salesforce, hubspot, generic, a YAML path); "
    "default: none, as for audit.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Reference date for ages (default: the latest updated/created date in the data).",
)
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    help="Language of the table, quality-check.md and the JUnit messages (default: the "
    "sources' language, as for run and audit).",
)
@input_options
@org_options
@click.option(
    "--color/--no-color", default=None, help="Colour the table (default: on a terminal only)."
)
@QUIET_OPTION
@click.pass_context
def check(
    ctx: click.Context,
    files: tuple[str, ...],
    sub_rules_dir: str | None,
    history: str | None,
    baseline: str | None,
    out: str | None,
    formats: tuple[str, ...],
    target: str | None,
    as_of,
    lang: str | None,
    mapping: str | None,
    decisions: str | None,
    existing: dict[str, str] | None,
    currency: str | None,
    fiscal_year_start: int | None,
    country: str | None,
    color: bool | None,
    quiet: bool,
) -> None:
    """Check FILES against the quality thresholds and compare with the last run.

    Exit code 0: every error threshold holds; 1: a threshold is breached; 2: could not run.
    """
    from ..cli import _on_terminal, _Progress
    from ..errors import UserError
    from . import run_check, stale_formats, write_failure, write_formats
    from .render import render_text

    obj = ctx.obj if isinstance(ctx.obj, dict) else {}
    rules_dir = sub_rules_dir or obj.get("rules_dir")
    if sub_rules_dir:
        obj["rules_dir"] = sub_rules_dir
    obj["out"] = out
    try:
        result = run_check(
            list(files),
            rules_dir=rules_dir,
            history=history,
            baseline=baseline,
            out=out,
            target=target,
            as_of=as_of.date() if as_of else None,
            mapping=mapping,
            decisions=decisions,
            existing=existing,
            currency=currency,
            fiscal_year_start=fiscal_year_start,
            country=country,
            on_stage=None if quiet or not _on_terminal() else _Progress(),
            lang=lang,
        )
    except (UserError, KeyboardInterrupt) as exc:
        # exit 2 or 130: a scheduler mailing quality-check.md on a non-zero exit must not send
        # last week's report as this week's (u24 item 8)
        interrupted = isinstance(exc, KeyboardInterrupt)
        for path in write_failure(
            list(formats), out, "" if interrupted else str(exc), 130 if interrupted else 2, lang
        ):
            click.echo(f"wrote {path} (the check could not run)", err=True)
        raise
    for p in result.result.problems:
        click.echo(f"error: {p.path}: {p.problem}", err=True)
    use_colour = sys.stdout.isatty() if color is None else color
    style = click.style if use_colour else (lambda text, **_: text)
    click.echo(render_text(result, style=style), nl=False, color=use_colour)
    for path in write_formats(result, list(formats), out):
        click.echo(f"wrote {path}", err=True)
    for path in stale_formats(list(formats), out):
        click.echo(f"note: {path} is from an earlier check, not this one", err=True)
    if result.history is not None:
        click.echo(f"history: {result.history} ({result.run.describe()})", err=True)
    ctx.exit(result.exit_code)


__all__ = ["check"]
