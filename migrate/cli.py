"""The ``sfa-migrate`` command: parse options, call one pipeline function, render, pick the exit code.

The only module that imports click. Exit codes: 0 ran clean, 1 ran but some files failed or
rows were rejected (outputs still written), 2 could not run (nothing readable, or a user
error such as a broken rule file). User errors print one or two lines, never a traceback
(``--debug`` shows it).
"""

from __future__ import annotations

import json
import sys

import click

from . import __version__
from .errors import UserError


def _echo_problems(problems) -> None:
    for p in problems:
        click.echo(f"error: {p.path}: {p.problem}", err=True)
        if p.hint:
            click.echo(f"  -> {p.hint}", err=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            if ctx.params.get("debug") or ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="sfa-migrate")
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False),
    default=None,
    envvar="SFA_MIGRATE_RULES",
    help="Directory of rule files (default: the project's rules/).",
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
@click.pass_context
def inspect(
    ctx: click.Context,
    files: tuple[str, ...],
    as_json: bool,
    write_mapping: str | None,
    mapping: str | None,
) -> None:
    """Show what is in FILES: sheets, header rows, data rows, and how columns map."""
    from . import pipeline

    rules_dir = ctx.obj["rules_dir"]
    result = pipeline.inspect(list(files), rules_dir=rules_dir, mapping=mapping)
    _echo_problems(result.problems)
    if write_mapping:
        from .mapping import write_mapping as _write

        _write(result.tables, write_mapping, rules_dir)
        click.echo(f"mapping written to {write_mapping}", err=True)
    if as_json:
        click.echo(json.dumps([t.to_json() for t in result.tables], ensure_ascii=False, indent=2))
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
                click.echo(
                    f"  {c.column:>3}  {c.header[:30]:<30} -> {target} ({c.method} {c.confidence:.2f}){extra}"
                )
    code = 2 if not result.tables and result.problems else (1 if result.problems else 0)
    ctx.exit(code)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Output directory (replaced atomically).",
)
@click.option(
    "--target",
    default="generic",
    show_default=True,
    help="Target profile: salesforce, hubspot, generic, or a YAML path.",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False),
    help="Mapping file from inspect --write-mapping.",
)
@click.pass_context
def run(
    ctx: click.Context, files: tuple[str, ...], out: str, target: str, mapping: str | None
) -> None:
    """Run the whole pipeline on FILES and write import files, crosswalk and report to --out."""
    from . import pipeline

    result = pipeline.run(
        list(files), out=out, target=target, mapping=mapping, rules_dir=ctx.obj["rules_dir"]
    )
    _echo_problems(result.problems)
    rows = result.report["rows"]
    click.echo(
        f"read {len(result.report['files']) - len(result.problems)} file(s), {len(result.tables)} sheet(s): "
        f"{rows['data']} data rows -> {rows['exported']} exported, {rows['merged']} merged, "
        f"{rows['rejected']} rejected; {rows['skipped']} rows skipped",
        err=True,
    )
    if result.out_dir is not None:
        click.echo(f"outputs in {result.out_dir}/: {', '.join(result.outputs)}", err=True)
    else:
        click.echo("nothing could be read; no outputs written", err=True)
    ctx.exit(result.exit_code)


def main() -> None:
    """Console entry point."""
    try:
        cli(obj={}, standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
