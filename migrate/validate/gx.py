"""The one home of Great Expectations: a quiet, offline, in-process context and suite runs.

In: a DataFrame (visible columns with "" already turned into None, a RangeIndex) and the
checks of its file. Out: per check, the positions of the failing rows. GX is imported lazily
(it takes over a second) with usage analytics off, its progress bars disabled in the context
config and its loggers and import warnings silenced. One ephemeral context is built per process
and reused; suites and validation definitions are removed again after each run.
"""

from __future__ import annotations

import itertools
import logging
import os
import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .checks import EXPECTATIONS, STAGE, Check, digits_pattern

_STATE: dict[str, Any] = {}
_COUNTER = itertools.count(1)


@dataclass(frozen=True)
class Outcome:
    """The result of one check: failing row positions (empty when it passed)."""

    check: Check
    rows: tuple[int, ...]
    success: bool


def _gx() -> tuple[Any, Any, Any]:
    """(great_expectations module, context, batch definition), created once per process."""
    if not _STATE:
        # Analytics off before the import (GX reads it at import/context time), no progress bars.
        os.environ["GX_ANALYTICS_ENABLED"] = "False"
        with warnings.catch_warnings():
            # GX and its dependencies emit DeprecationWarnings at import time (sre_constants ...)
            warnings.simplefilter("ignore")
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        context.enable_analytics(False)
        source = context.data_sources.add_pandas("sfa-migrate")
        asset = source.add_dataframe_asset("import-file")
        _STATE.update(
            gx=gx, context=context, batch=asset.add_batch_definition_whole_dataframe("whole-file")
        )
    return _STATE["gx"], _STATE["context"], _STATE["batch"]


def _expectation(check: Check, column: str) -> Any:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    kw: dict[str, Any] = {"column": column}
    if check.when_stages:
        kw["row_condition"] = Column(STAGE).is_in(list(check.when_stages))
    kind = check.kind
    if kind == "exists":
        return gxe.ExpectColumnToExist(column=column)
    if kind in ("not_null", "any_of"):
        return gxe.ExpectColumnValuesToNotBeNull(**kw)
    if kind == "null":
        return gxe.ExpectColumnValuesToBeNull(**kw)
    if kind in ("in_set", "parent", "currency"):
        return gxe.ExpectColumnValuesToBeInSet(value_set=list(check.values), **kw)
    if kind in ("regex", "digits"):
        return gxe.ExpectColumnValuesToMatchRegex(regex=_regex(check), **kw)
    if kind == "date":
        return gxe.ExpectColumnValuesToMatchStrftimeFormat(strftime_format=check.pattern, **kw)
    if kind == "length":
        lo = None if check.min is None else int(check.min)
        hi = None if check.max is None else int(check.max)
        return gxe.ExpectColumnValueLengthsToBeBetween(min_value=lo, max_value=hi, **kw)
    if kind == "between":
        return gxe.ExpectColumnValuesToBeBetween(min_value=check.min, max_value=check.max, **kw)
    if kind == "unique":
        return gxe.ExpectColumnValuesToBeUnique(**kw)
    raise ValueError(f"unknown check kind {kind!r}")


def _regex(check: Check) -> str:
    if check.kind == "digits" and check.digits:
        return digits_pattern(check.digits, check.decimals)
    return check.pattern


def _identity(check: Check, column: str) -> tuple[object, ...]:
    """What makes two checks the same GX expectation (a suite keeps only one of equal ones)."""
    return (
        EXPECTATIONS[check.kind],
        column,
        check.values,
        _regex(check),
        check.min,
        check.max,
        check.when_stages,
    )


def run_checks(frame: pd.DataFrame, checks: list[tuple[Check, str]], name: str) -> list[Outcome]:
    """Validate ``frame`` with one suite holding one expectation per distinct (check, column)."""
    if not checks:
        return []
    gx, context, batch = _gx()
    # equal expectations run once; their result is shared by every check that asked for it
    groups: dict[tuple[object, ...], list[Check]] = {}
    for check, column in checks:
        groups.setdefault(_identity(check, column), []).append(check)
    n = next(_COUNTER)
    suite_name, vd_name = f"{name}#{n}", f"{name}#{n}-validation"
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
    keys = list(groups)
    for i, key in enumerate(keys):
        expectation = _expectation(groups[key][0], str(key[1]))
        expectation.meta = {"group": i}
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=vd_name, data=batch, suite=suite)
    )
    try:
        with warnings.catch_warnings():
            # pandas warns about regex groups etc. inside GX metrics; the results are what count
            warnings.simplefilter("ignore")
            result = definition.run(
                batch_parameters={"dataframe": frame}, result_format={"result_format": "COMPLETE"}
            )
    finally:
        context.validation_definitions.delete(vd_name)
        context.suites.delete(suite_name)
    outcomes = []
    for r in result.results:
        group = groups[keys[int(r.expectation_config.meta["group"])]]
        info = r.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(
                f"GX failed on {group[0].expectation} in {name}: {info.get('exception_message')}"
            )
        rows = tuple(int(i) for i in (r.result or {}).get("unexpected_index_list") or ())
        outcomes += [Outcome(check, rows, bool(r.success)) for check in group]
    if len(outcomes) != len(checks):
        raise RuntimeError(f"GX returned {len(outcomes)} results for {len(checks)} checks")
    return outcomes
