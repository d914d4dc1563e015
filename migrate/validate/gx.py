"""The one home of Great Expectations: a quiet, offline, in-process context and suite runs.

In: a DataFrame (visible columns with "" already turned into None, a RangeIndex) and the
checks of its file. Out: per check, the positions of the failing rows, GX's count of them and
GX's bounded sample. GX is imported lazily (it takes over a second) with usage analytics off,
its progress bars disabled in the context config and its loggers and import warnings silenced.
One ephemeral context and batch definition are built per process and reused by every file.
GX's import also loads scipy.stats and altair for expectations this tool never runs (KL
divergence, KS tests and their charts), half of its import time: they are loaded on first use
instead (:func:`_deferred_modules`). It also builds every data source GX has (SQL databases,
Spark, files read by pandas), about a quarter of what is left of its import, where this tool
needs only the in-memory pandas one, and each of its ~60 core expectations, where the checks
run 9: those modules are not loaded, and the names GX imports from them are looked up when
first read (:func:`_skipped_modules`).

A file is validated over the whole frame with one suite, built in memory (not stored in the
context, which serialises a suite on every expectation added), first with the ``BOOLEAN_ONLY``
result format: GX's verdict per expectation (GX's cost is mostly per expectation, and this
format costs about a third of the next). The expectations that failed run again as one suite
with the ``SUMMARY`` format: per expectation the count of failing rows and a sample of at most
:data:`SAMPLE` of them, never per-row lists (which GX builds, copies and serialises, and which
cost more than the checks on a large file). The rows a reject must name are the failing mask of
the same condition GX evaluates (:func:`failing_mask`: a null filter, the row condition, then
the expectation's pandas condition), taken only for an expectation GX says failed and checked
against GX: the same count and the same first rows. Should they ever differ, that expectation is
run again with the ``COMPLETE`` format and GX's own row list is used.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import pkgutil
import sys
import types
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .checks import EXPECTATIONS, STAGE, Check, digits_pattern

_STATE: dict[str, Any] = {}
_ModuleT = TypeVar("_ModuleT", bound=types.ModuleType)

#: failing rows GX returns per expectation (its ``partial_unexpected_count``)
SAMPLE = 20


@dataclass(frozen=True)
class Outcome:
    """The result of one check: failing row positions (empty when it passed), GX's count of
    them and its sample of their positions (at most :data:`SAMPLE`)."""

    check: Check
    rows: tuple[int, ...]
    success: bool
    count: int = 0
    sample: tuple[int, ...] = ()


def _gx() -> tuple[Any, Any, Any]:
    """(great_expectations module, context, batch definition), created once per process."""
    if not _STATE:
        # Analytics off before the import (GX reads it at import/context time), no progress bars.
        os.environ["GX_ANALYTICS_ENABLED"] = "False"
        trimmed = (
            _OTHER_DATA_SOURCES + _DATA_DOCS + _other_expectations() if _trims_safely() else ()
        )
        _STATE.update(_set_up(trimmed))
    return _STATE["gx"], _STATE["context"], _STATE["batch"]


#: GX versions (major.minor) whose import and context were checked to work with the modules
#: of :func:`_skipped_modules` left out (tests/test_validate_gx.py). Another version is
#: imported whole: a GX that built a class on a skipped module at import, or read one when its
#: context starts, would fail the run, and GX cannot be imported twice in one process.
TRIMMED_GX_VERSIONS = ("1.24",)


def _trims_safely() -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("great_expectations")
    except PackageNotFoundError:
        return False
    return ".".join(found.split(".")[:2]) in TRIMMED_GX_VERSIONS


def _set_up(skipped: tuple[str, ...]) -> dict[str, Any]:
    """GX imported with ``skipped`` left out, its ephemeral context and the batch definition
    of an in-memory frame."""
    gx, progress_bars = _import_gx(skipped)
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = progress_bars(globally=False, metric_calculations=False)
    context.enable_analytics(False)
    source = context.data_sources.add_pandas("sfa-migrate")
    asset = source.add_dataframe_asset("import-file")
    return {
        "gx": gx,
        "context": context,
        "batch": asset.add_batch_definition_whole_dataframe("whole-file"),
    }


def _import_gx(skipped: tuple[str, ...]) -> tuple[Any, Any]:
    """(great_expectations, its ProgressBarsConfig), imported with ``skipped`` left out."""
    with (
        warnings.catch_warnings(),
        _deferred_modules(_UNUSED_BY_CHECKS),
        _skipped_modules(skipped),
    ):
        # GX and its dependencies emit DeprecationWarnings at import time (sre_constants ...)
        warnings.simplefilter("ignore")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig
    return gx, ProgressBarsConfig


#: modules GX imports for expectations this tool does not run (KL divergence and KS tests use
#: scipy.stats, the KL divergence's charts altair, the JSON schema check jsonschema); none of
#: the checks' metrics touches them
_UNUSED_BY_CHECKS = ("scipy.stats", "altair", "jsonschema")


class _Deferred(types.ModuleType):
    """A module that imports itself on first use: it stands in ``sys.modules`` while GX is
    imported, so that GX's ``from scipy import stats`` binds it without loading scipy.stats;
    the first attribute read imports the real module (and returns its attribute)."""

    def __getattr__(self, attr: str) -> Any:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        return getattr(importlib.import_module(name), attr)


@contextmanager
def _standing_in(kind: type[_ModuleT], names: tuple[str, ...]) -> Iterator[dict[str, _ModuleT]]:
    """Within the block, an import of one of ``names`` not yet imported binds a stand-in of
    ``kind``; after it the stand-ins leave ``sys.modules``, so any later import gets the real
    module."""
    stand_ins = {n: kind(n) for n in names if n not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield stand_ins
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


@contextmanager
def _deferred_modules(names: tuple[str, ...]) -> Iterator[None]:
    """Within the block, ``names`` not yet imported import as :class:`_Deferred` stand-ins."""
    with _standing_in(_Deferred, names):
        yield


#: GX's data sources other than the in-memory pandas one (``add_pandas``, a dataframe asset)
#: this tool validates through: their modules define ~150 pydantic model classes at import
#: (SQL databases, Spark, each file format pandas reads), 0.25 s of GX's ~0.85 s
_OTHER_DATA_SOURCES = tuple(
    f"great_expectations.datasource.fluent.{name}"
    for name in (
        "sql_datasource",
        "alloy_datasource",
        "aurora_datasource",
        "bigquery_datasource",
        "citus_datasource",
        "databricks_sql_datasource",
        "neon_datasource",
        "postgres_datasource",
        "redshift_datasource",
        "snowflake_datasource",
        "sql_server_datasource",
        "sqlite_datasource",
        "fabric",
        "fabric_datasource",
        "spark_datasource",
        "spark_file_path_datasource",
        "spark_filesystem_datasource",
        "spark_dbfs_datasource",
        "spark_s3_datasource",
        "spark_google_cloud_storage_datasource",
        "spark_azure_blob_storage_datasource",
        "pandas_file_path_datasource",
        "pandas_filesystem_datasource",
        "pandas_dbfs_datasource",
        "pandas_s3_datasource",
        "pandas_google_cloud_storage_datasource",
        "pandas_azure_blob_storage_datasource",
    )
)


#: GX's Data Docs page views, which only GX's site builder reaches (by class name): with them
#: jinja2 and mistune are not imported, ~0.04 CPU s of GX's import
_DATA_DOCS = ("great_expectations.render.view",)


class _Skipped(types.ModuleType):
    """A module that is not loaded: it stands in ``sys.modules`` while GX is imported, and a
    name imported from it (``from ...sql_datasource import SQLDatasource``) gets a placeholder
    class, which :func:`_skipped_modules` takes back after the import."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.placeholders: dict[str, type] = {}

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):  # the import system's probes (__path__, __spec__ ...)
            raise AttributeError(attr)
        return self.placeholders.setdefault(attr, type(attr, (), {"__module__": self.__name__}))


def _other_expectations() -> tuple[str, ...]:
    """GX's core expectation modules other than those of the checks (:data:`~.checks.
    EXPECTATIONS`, each module named as its expectation): ~55 pydantic model classes that no
    check runs, 0.1 s of GX's import. Listed from GX's files, so that GX itself is not
    imported to list them."""
    spec = importlib.util.find_spec("great_expectations")
    if spec is None or not spec.submodule_search_locations:
        return ()
    core = Path(spec.submodule_search_locations[0], "expectations", "core")
    used = set(EXPECTATIONS.values())
    return tuple(
        f"great_expectations.expectations.core.{m.name}"
        for m in pkgutil.iter_modules([str(core)])
        if m.name.startswith("expect_") and m.name not in used
    )


@contextmanager
def _skipped_modules(names: tuple[str, ...]) -> Iterator[None]:
    """Within the block, ``names`` not yet imported import as :class:`_Skipped` stand-ins.
    After it, each placeholder a module of their top package bound (``from .core import
    ExpectColumnMeanToBeBetween`` in ``great_expectations.expectations``) leaves that module
    for a lookup of the real name on first read: ``from great_expectations.datasource.fluent
    import SQLDatasource`` later loads the real module and gets the real class."""
    with _standing_in(_Skipped, names) as stand_ins:
        try:
            yield
        finally:
            placeholders = {
                id(placeholder): name
                for name, module in stand_ins.items()
                for placeholder in module.placeholders.values()
            }
            tops = {name.partition(".")[0] for name in stand_ins}
            for name, module in list(sys.modules.items()):
                if name.partition(".")[0] not in tops or not isinstance(module, types.ModuleType):
                    continue
                found = {
                    a: placeholders[id(v)] for a, v in vars(module).items() if id(v) in placeholders
                }
                for attr in found:
                    delattr(module, attr)
                if found:
                    own = vars(module).get("__getattr__")
                    vars(module)["__getattr__"] = _real_names(name, found, own)


def _real_names(module: str, names_from: dict[str, str], own: Any = None) -> Any:
    """A module ``__getattr__`` (PEP 562) for ``module``: a name of ``names_from`` read from
    the module it maps to and kept in ``module`` for later reads; other names from the
    module's ``own`` ``__getattr__``, if it had one."""

    def __getattr__(attr: str) -> Any:
        if attr not in names_from:
            if own is not None:
                return own(attr)
            raise AttributeError(f"module {module!r} has no attribute {attr!r}")
        value = getattr(importlib.import_module(names_from[attr]), attr)
        setattr(sys.modules[module], attr, value)
        return value

    return __getattr__


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
        return gxe.ExpectColumnValuesToBeInSet(value_set=list(_value_set(check)), **kw)
    if kind in ("regex", "digits"):
        return gxe.ExpectColumnValuesToMatchRegex(regex=_regex(check), **kw)
    if kind == "date" and column.startswith(PARSED):
        return gxe.ExpectColumnValuesToBeInSet(value_set=[LINKED], **kw)
    if kind == "date":
        return gxe.ExpectColumnValuesToMatchStrftimeFormat(strftime_format=check.pattern, **kw)
    if kind == "length":
        lo, hi = _length_bounds(check)
        return gxe.ExpectColumnValueLengthsToBeBetween(min_value=lo, max_value=hi, **kw)
    if kind == "between":
        return gxe.ExpectColumnValuesToBeBetween(min_value=check.min, max_value=check.max, **kw)
    if kind == "unique":
        return gxe.ExpectColumnValuesToBeUnique(**kw)
    raise ValueError(f"unknown check kind {kind!r}")


#: what a parent link's helper column holds for an id its parent file has: the link check runs
#: on that column (see ``validate._plan``), so the suite holds one value, not every parent id
#: (GX copies and serialises an expectation's value set many times per run)
LINKED = "\x00linked"


#: the start of a date check's helper column (see ``validate._plan``): it holds LINKED where the
#: value parses with the check's format (decided once per distinct value), else the value, so
#: GX checks set membership instead of parsing every row
PARSED = "_date:"


def _value_set(check: Check) -> tuple[str, ...]:
    return (LINKED,) if check.kind == "parent" else check.values


def _length_bounds(check: Check) -> tuple[int | None, int | None]:
    lo = None if check.min is None else int(check.min)
    hi = None if check.max is None else int(check.max)
    return lo, hi


def _regex(check: Check) -> str:
    if check.kind == "digits" and check.digits:
        return digits_pattern(check.digits, check.decimals)
    return check.pattern


def _identity(check: Check, column: str) -> tuple[object, ...]:
    """What makes two checks the same GX expectation (a suite keeps only one of equal ones)."""
    return (
        EXPECTATIONS[check.kind],
        column,
        _value_set(check),
        _regex(check),
        check.min,
        check.max,
        check.when_stages,
    )


def failing_mask(frame: pd.DataFrame, check: Check, column: str) -> np.ndarray:
    """The rows failing ``check`` on ``column``, as GX's pandas engine decides them.

    The same steps as GX's column map metrics: the row condition first, then (except for the
    null checks) null values are left out, then the expectation's condition on the rest.
    """
    n = len(frame)
    if check.kind == "exists":
        return np.full(n, column not in frame.columns)
    values = frame[column]
    scope = np.ones(n, dtype=bool)
    if check.when_stages:
        scope &= frame[STAGE].isin(list(check.when_stages)).to_numpy(dtype=bool)
    null = values.isnull().to_numpy(dtype=bool)
    kind = check.kind
    if kind in ("not_null", "any_of"):
        return scope & null
    if kind == "null":
        return scope & ~null
    scope &= ~null
    rest = values[scope]
    if kind in ("in_set", "parent", "currency"):
        ok = rest.isin(list(_value_set(check)))
    elif kind in ("regex", "digits"):
        ok = rest.astype(str).str.contains(_regex(check))
    elif kind == "date" and column.startswith(PARSED):
        ok = rest.isin([LINKED])
    elif kind == "date":
        ok = rest.map(lambda x, f=check.pattern: _parses(x, f))
    elif kind == "length":
        lengths = rest.astype(str).str.len()
        lo, hi = _length_bounds(check)
        ok = pd.Series(True, index=rest.index)
        if lo is not None:
            ok &= lengths >= lo
        if hi is not None:
            ok &= lengths <= hi
    elif kind == "between":
        ok = pd.Series(True, index=rest.index)
        if check.min is not None:
            ok &= rest >= check.min
        if check.max is not None:
            ok &= rest <= check.max
    elif kind == "unique":
        ok = ~rest.duplicated(keep=False)
    else:
        raise ValueError(f"unknown check kind {kind!r}")
    out = np.zeros(n, dtype=bool)
    out[np.flatnonzero(scope)] = ~ok.to_numpy(dtype=bool)
    return out


def parsed_dates(values: pd.Series, fmt: str) -> pd.Series | None:
    """A date check's helper column (see :data:`PARSED`): None where ``values`` is blank,
    LINKED where it parses with ``fmt``, else the value; each distinct value parsed once.
    None when a filled value is no text: GX's strftime check refuses those, so it must run."""
    from . import _blank

    blank = _blank(values).to_numpy(dtype=bool)
    cells = values.to_numpy(dtype=object)
    distinct = pd.unique(cells[~blank])
    if not all(isinstance(u, str) for u in distinct):
        return None
    good = [u for u in distinct if _parses(u, fmt)]
    out = cells.copy()
    out[pd.Series(cells).isin(good).to_numpy(dtype=bool) & ~blank] = LINKED
    out[blank] = None
    return pd.Series(out, index=values.index, dtype="object")


def _parses(value: object, fmt: str) -> bool:
    try:
        datetime.strptime(value, fmt)  # type: ignore[arg-type]  # noqa: DTZ007
    except ValueError:
        return False
    return True


def run_checks(frame: pd.DataFrame, checks: list[tuple[Check, str]], name: str) -> list[Outcome]:
    """Validate ``frame`` with one suite holding one expectation per distinct (check, column)."""
    if not checks:
        return []
    # equal expectations run once; their result is shared by every check that asked for it
    groups: dict[tuple[object, ...], list[Check]] = {}
    for check, column in checks:
        groups.setdefault(_identity(check, column), []).append(check)
    keys = list(groups)
    if _vacuous(frame, checks):
        return [Outcome(c, (), True) for k in keys for c in groups[k]]
    with _one_validator(frame):  # GX loads (and hashes) the frame once for its runs
        return _run_checks(frame, keys, groups, name)


def _run_checks(
    frame: pd.DataFrame,
    keys: list[tuple[object, ...]],
    groups: dict[tuple[object, ...], list[Check]],
    name: str,
) -> list[Outcome]:
    plan = [(groups[k][0], str(k[1])) for k in keys]
    # GX's verdicts alone first (BOOLEAN_ONLY: about a third of SUMMARY's cost per
    # expectation), then counts and samples for the expectations that failed; a passed one has
    # no failing row (no check has a `mostly`)
    results = _validate(frame, plan, name, "BOOLEAN_ONLY")
    failed = [i for i, r in enumerate(results) if not r.success]
    if failed:
        detail = _validate(frame, [plan[i] for i in failed], f"{name}:failed", "SUMMARY")
        for i, r in zip(failed, detail, strict=True):
            results[i] = r
    outcomes = []
    for i, (key, r) in enumerate(zip(keys, results, strict=True)):
        group = groups[key]
        check, column = group[0], str(key[1])
        count, sample = _count(r), _sample(r)
        rows: tuple[int, ...] = ()
        # the rows themselves only where a check rejects them; a check that only reports
        # needs GX's count
        if not r.success and check.kind != "exists" and any(c.action == "reject" for c in group):
            rows = tuple(int(j) for j in np.flatnonzero(failing_mask(frame, check, column)))
            if len(rows) != count or rows[: len(sample)] != sample:  # GX decides: ask it
                [full] = _validate(frame, [(check, column)], f"{name}@{i}", "COMPLETE")
                rows = tuple(int(j) for j in (full.result or {}).get("unexpected_index_list") or ())
        outcomes += [Outcome(c, rows, bool(r.success), count, sample) for c in group]
    return outcomes


def _vacuous(frame: pd.DataFrame, checks: list[tuple[Check, str]]) -> bool:
    """True when GX cannot fail any check: a file without rows whose every checked column is
    there. Every expectation of :data:`~.checks.EXPECTATIONS` then passes with no failing row
    (tests/test_validate_gx.py runs GX on such files to keep it so), and GX's fixed cost of
    about half a second per suite is not paid for an empty import file."""
    return len(frame) == 0 and all(column in frame.columns for _, column in checks)


def _count(r: Any) -> int:
    return int((r.result or {}).get("unexpected_count") or 0)


def _sample(r: Any) -> tuple[int, ...]:
    return tuple(int(j) for j in (r.result or {}).get("partial_unexpected_index_list") or ())


def _validator(frame: pd.DataFrame) -> Any:
    """A GX validator of ``frame``, for one or more suite runs on it.

    What GX's ``Batch.validate`` builds per call (a validator on a batch definition of its
    own, not kept in the asset), made once per frame: ``Batch.validate`` needs the batch got
    first, and both the batch and each validator load the frame, each time hashing every
    value of it (GX's batch fingerprint), so three runs on one file hashed it six times.
    The definition's name is one per frame, as GX's own is (a uuid there)."""
    _, _, batch = _gx()  # first: GX imported as _gx imports it
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.validator.v1_validator import Validator

    _STATE["frames"] = n = _STATE.get("frames", 0) + 1
    definition = BatchDefinition(name=f"sfa-migrate-import-file-{n}", partitioner=None)
    definition.set_data_asset(batch.data_asset)
    return Validator(batch_definition=definition, batch_parameters={"dataframe": frame})


#: the frame :func:`run_checks` is validating and, once made, its validator
_HELD: dict[str, Any] = {}


@contextmanager
def _one_validator(frame: pd.DataFrame) -> Iterator[None]:
    """Within the block, every :func:`_validate` of ``frame`` runs on one validator."""
    _HELD.clear()
    _HELD["frame"] = frame
    try:
        yield
    finally:
        _HELD.clear()


def _validate(frame: pd.DataFrame, plan: list[tuple[Check, str]], name: str, fmt: str) -> list[Any]:
    """GX's results for ``plan`` on ``frame``, in the plan's order (one suite, one run); on
    the validator :func:`run_checks` holds for ``frame``, else on a new one."""
    gx, _, _ = _gx()
    if _HELD.get("frame") is not frame:
        validator = _validator(frame)
    elif "validator" in _HELD:
        validator = _HELD["validator"]
    else:
        validator = _HELD["validator"] = _validator(frame)
    expectations = []
    for i, (check, column) in enumerate(plan):
        expectation = _expectation(check, column)
        expectation.meta = {"group": i}
        expectations.append(expectation)
    suite = gx.ExpectationSuite(name=name, expectations=expectations)
    with warnings.catch_warnings():
        # pandas warns about regex groups etc. inside GX metrics; the results are what count
        warnings.simplefilter("ignore")
        validator.result_format = {"result_format": fmt, "partial_unexpected_count": SAMPLE}
        result = validator.validate_expectation_suite(suite)
    out: list[Any] = [None] * len(plan)
    for r in result.results:
        info = r.exception_info or {}
        i = int(r.expectation_config.meta["group"])
        if info.get("raised_exception"):
            raise RuntimeError(
                f"GX failed on {plan[i][0].expectation} in {name}: {info.get('exception_message')}"
            )
        out[i] = r
    if any(r is None for r in out):
        raise RuntimeError(f"GX returned {len(result.results)} results for {len(plan)} checks")
    return out
