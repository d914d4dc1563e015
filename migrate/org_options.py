"""The organisation's settings as command-line options: ``--currency``, ``--fiscal-year-start``,
``--country`` (shared by ``run``, ``audit`` and ``check``).

They lie over the rule files' Japanese defaults (normalize.yaml and the target's output
currency) through :meth:`migrate.bundle.Rules.with_settings`; a bad value is refused by click
before any work, with what a good one looks like.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click


def _currency_code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--currency``: a three-letter ISO 4217 code, in capitals."""
    if value is None:
        return None
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise click.BadParameter(f"{value!r} is not a currency code such as USD, EUR or JPY")
    return code


def _country_code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--country``: a region phonenumbers knows (two letters, in capitals)."""
    if value is None:
        return None
    import phonenumbers

    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise click.BadParameter(f"{value!r} is not a country code such as US, GB or JP")
    return code


ORG_OPTIONS: tuple[Callable[[Any], Any], ...] = (
    click.option(
        "--currency",
        callback=_currency_code,
        metavar="CODE",
        help="The organisation's currency (ISO code such as USD): amounts that name none are "
        "read in it, and the import files are in it (default: normalize.yaml "
        "amounts.default_currency and the target's output.currency, JPY).",
    ),
    click.option(
        "--fiscal-year-start",
        "fiscal_year_start",
        type=click.IntRange(1, 12),
        metavar="MONTH",
        help="First month of the fiscal year, 1-12, for Q3, FY2026, 今期, 2026年度 "
        "(default: normalize.yaml dates.fiscal_year_start_month, 4: April to March; --currency "
        "does not change it).",
    ),
    click.option(
        "--country",
        callback=_country_code,
        metavar="CC",
        help="The organisation's country, such as US, GB or JP: of phone numbers written "
        "without +code (default: normalize.yaml phones.default_region, JP), and of dates like "
        "03/04/2026 that nothing else in their column decides: day-first but in the US, Canada, "
        "the Philippines and year-first countries such as JP (normalize.yaml "
        "dates.month_first_countries).",
    ),
)


def org_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with the three options (in this order in its --help)."""
    for option in reversed(ORG_OPTIONS):
        f = option(f)
    return f


__all__ = ["ORG_OPTIONS", "org_options"]
