"""What a run is told besides its files, as command-line options: ``--mapping``, ``--decisions``,
``--existing`` and ``-q/--quiet`` (shared by ``run``, ``audit`` and ``check``).

One definition each, so the weekly check reads a corrected layout, the review decisions (a
stage word decided in review.xlsx) and the SFA's own records exactly as the migration does: a
word decided once is not rejected again every week. ``--existing`` is parsed here into the
mapping :func:`migrate.pipeline.run` takes (``{"accounts": FILE, "contacts": FILE}``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def parse_existing(
    ctx: click.Context | None, param: click.Parameter | None, values: tuple[str, ...]
) -> dict[str, str] | None:
    """``--existing FILE`` (accounts) or ``--existing accounts=FILE`` / ``contacts=FILE``."""
    out: dict[str, str] = {}
    for v in values or ():
        kind, sep, path = v.partition("=")
        if not sep or kind not in ("accounts", "contacts"):
            kind, path = "accounts", v
        if kind in out:
            raise click.BadParameter(f"{kind} given twice", param_hint="--existing")
        out[kind] = path
    return out or None


INPUT_OPTIONS: tuple[Callable[[Any], Any], ...] = (
    click.option(
        "--mapping",
        type=click.Path(exists=True, dir_okay=False),
        help="Mapping file from inspect --write-mapping.",
    ),
    click.option(
        "--decisions",
        type=click.Path(exists=True, dir_okay=False),
        help="Review decisions: the review.xlsx of an earlier run, or a CSV "
        "(left_key, right_key, decision); its stage words sheet decides stage words too.",
    ),
    click.option(
        "--existing",
        multiple=True,
        callback=parse_existing,
        metavar="[accounts=|contacts=]FILE",
        help="Export of the target SFA with its ids, so matching rows update existing "
        "records instead of creating duplicates (repeatable).",
    ),
)

QUIET_OPTION: Callable[[Any], Any] = click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress lines while the run goes (they are only shown on a terminal).",
)


def input_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with ``--mapping``, ``--decisions`` and ``--existing`` (in this
    order in its --help)."""
    for option in reversed(INPUT_OPTIONS):
        f = option(f)
    return f


__all__ = ["INPUT_OPTIONS", "QUIET_OPTION", "input_options", "parse_existing"]
