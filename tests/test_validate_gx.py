"""The failing rows of a check are the rows GX fails: the pandas mask that names rejected rows
(GX returns only counts and a bounded sample) equals GX's own ``COMPLETE`` row list, for every
check kind, with nulls, row conditions and odd values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from migrate.validate.checks import STAGE, Check
from migrate.validate.gx import LINKED, SAMPLE, _validate, failing_mask, run_checks

VALUES = ["a1", "", None, "B-22", "a1", "2024-02-30", "2024-12-01", "x" * 12, "=1+1", "  ", "0"]
STAGES = ["won", None, "lost", "won", "open", "won", None, "lost", "won", "open", "won"]

CHECKS = [
    Check("not_null", "v"),
    Check("null", "v"),
    Check("in_set", "v", values=("a1", "0")),
    Check("regex", "v", pattern="^[a-z][0-9]$"),
    Check("digits", "v", digits=3, decimals=0),
    Check("date", "v", pattern="%Y-%m-%d"),
    Check("length", "v", min=2, max=4),
    Check("length", "v", max=3),
    Check("unique", "v"),
    Check("not_null", "v", when_stages=("won",)),
    Check("regex", "v", pattern="^[a-z]", when_stages=("won", "lost")),
]


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame({"v": VALUES, STAGE: STAGES}, dtype="object")
    return frame.where(frame.ne(""), None)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c.kind}-{c.pattern or c.max}")
def test_mask_is_the_rows_gx_fails(check: Check) -> None:
    frame = _frame()
    [full] = _validate(frame, [(check, "v")], "mask", "COMPLETE")
    expected = list((full.result or {}).get("unexpected_index_list") or [])
    assert list(np.flatnonzero(failing_mask(frame, check, "v"))) == expected


def test_between_and_parent_helpers_match_gx() -> None:
    frame = pd.DataFrame(
        {
            "n": [1.0, np.nan, 150.0, -3.0, 100.0],
            "p": ["c1", LINKED, None, "c9", LINKED],
        },
        dtype="object",
    ).astype({"n": "float64"})
    for check, column in [
        (Check("between", "n", min=0, max=100), "n"),
        (Check("parent", "p", parent="companies.csv"), "p"),
    ]:
        [full] = _validate(frame, [(check, column)], "helpers", "COMPLETE")
        expected = list((full.result or {}).get("unexpected_index_list") or [])
        assert expected  # the case has failing rows
        assert list(np.flatnonzero(failing_mask(frame, check, column))) == expected


def test_outcomes_carry_gx_count_and_a_bounded_sample() -> None:
    frame = pd.DataFrame({"v": [None if i % 3 else "x" for i in range(200)]}, dtype="object")
    [report_only, reject] = run_checks(
        frame,
        [(Check("not_null", "v", action="report"), "v"), (Check("regex", "v", pattern="^y"), "v")],
        "bounded",
    )
    missing = [i for i in range(200) if i % 3]
    assert report_only.count == len(missing) and not report_only.success
    assert report_only.sample == tuple(missing[:SAMPLE])
    assert report_only.rows == ()  # only counted: no row list for a check that does not reject
    assert reject.rows == tuple(range(0, 200, 3)) and reject.count == len(reject.rows)


def test_a_file_without_rows_passes_every_check_as_gx_says_without_running_gx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # what GX itself says of a file with its columns and no rows: every kind passes, 0 failing
    empty = _frame().iloc[0:0].reset_index(drop=True)
    empty["n"] = pd.Series(dtype="float64")
    empty["p"] = pd.Series(dtype="object")
    plan = [(c, "v") for c in CHECKS] + [
        (Check("exists", "v"), "v"),
        (Check("between", "n", min=0, max=100), "n"),
        (Check("parent", "p", parent="companies.csv"), "p"),
        (Check("currency", "v", values=("JPY",)), "v"),
    ]
    results = _validate(empty, plan, "empty", "SUMMARY")
    assert [bool(r.success) for r in results] == [True] * len(plan)
    assert {int((r.result or {}).get("unexpected_count") or 0) for r in results} == {0}
    # and run_checks gives the same outcomes without asking GX
    monkeypatch.setattr("migrate.validate.gx._validate", lambda *a: pytest.fail("GX was run"))
    outcomes = run_checks(empty, plan, "empty")
    assert [(o.success, o.rows, o.count, o.sample) for o in outcomes] == [(True, (), 0, ())] * len(
        plan
    )


def test_a_file_without_rows_but_missing_a_column_is_still_asked_of_gx() -> None:
    empty = _frame().iloc[0:0].reset_index(drop=True)
    [outcome] = run_checks(empty, [(Check("exists", "Amount"), "Amount")], "empty")
    assert outcome.success is False


def test_the_tests_stand_in_answers_what_gx_answers() -> None:
    """tests/gx_by_mask.py replaces GX where GX is not what a test is about: it must give GX's
    success, count and sample (and, asked for every row, GX's row list) for every check kind,
    a missing column included."""
    from gx_by_mask import validate_by_mask

    frame = _frame()
    frame["n"] = pd.Series([1.0, None, 150.0, -3.0, 100.0] * 2 + [7.0], dtype="float64")
    frame["p"] = pd.Series(["c1", LINKED, None, "c9", LINKED] * 2 + [None], dtype="object")
    plan = [(c, "v") for c in CHECKS] + [
        (Check("exists", "v"), "v"),
        (Check("exists", "Amount"), "Amount"),
        (Check("not_null", "Amount"), "Amount"),
        (Check("between", "n", min=0, max=100), "n"),
        (Check("parent", "p", parent="companies.csv"), "p"),
        (Check("currency", "v", values=("a1",)), "v"),
    ]

    def answers(results: list) -> list:
        return [
            (
                bool(r.success),
                int((r.result or {}).get("unexpected_count") or 0),
                list((r.result or {}).get("partial_unexpected_index_list") or []),
                list((r.result or {}).get("unexpected_index_list") or []),
            )
            for r in results
        ]

    for fmt in ("SUMMARY", "COMPLETE"):
        gx = answers(_validate(frame, plan, f"stand-in-{fmt}", fmt))
        assert any(not ok for ok, *_ in gx) and any(ok for ok, *_ in gx)
        assert answers(validate_by_mask(frame, plan, f"stand-in-{fmt}", fmt)) == gx, fmt


def test_a_deferred_module_loads_on_first_use_and_leaves_sys_modules(tmp_path, monkeypatch) -> None:
    """GX's import binds stand-ins for scipy.stats and altair (expectations this tool never
    runs): an import inside the block gets a stand-in without running the module, the first
    attribute read runs it, and later imports get the real module."""
    import importlib
    import sys

    from migrate.validate.gx import _Deferred, _deferred_modules

    (tmp_path / "deferred_probe.py").write_text("import sys\nsys.probe_runs += 1\nVALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "probe_runs", 0, raising=False)
    with _deferred_modules(("deferred_probe",)):
        stand_in = importlib.import_module("deferred_probe")
    assert isinstance(stand_in, _Deferred) and sys.probe_runs == 0
    assert "deferred_probe" not in sys.modules
    assert stand_in.VALUE == 42 and sys.probe_runs == 1
    assert importlib.import_module("deferred_probe").VALUE == 42 and sys.probe_runs == 1
    monkeypatch.delitem(sys.modules, "deferred_probe")


def test_gx_imports_without_the_parts_no_check_uses_and_they_stay_reachable() -> None:
    """GX's SQL, Spark and file data sources, its Data Docs views and the expectations no check
    runs are not loaded by the import (the checks run on the in-memory pandas data source); no
    placeholder is left bound in GX, and a later read of such a name gets GX's real class. A
    fresh process: in this one GX may be imported already. Only on the GX versions the trimmed
    import is taken for (TRIMMED_GX_VERSIONS)."""
    import subprocess
    import sys

    from migrate.validate import gx

    if not gx._trims_safely():
        pytest.skip("this GX version is imported whole")
    probe = """
import sys, types
from migrate.validate import gx
skipped = gx._OTHER_DATA_SOURCES + gx._DATA_DOCS + gx._other_expectations()
assert len(gx._other_expectations()) > 40, gx._other_expectations()
gx._gx()
loaded = [n for n in (*skipped, "mistune", "jinja2") if n in sys.modules]
assert not loaded, loaded
placeholders = [
    (name, attr)
    for name, module in list(sys.modules.items())
    if name.startswith("great_expectations") and isinstance(module, types.ModuleType)
    for attr, value in list(vars(module).items())
    if isinstance(value, type) and value.__module__ in skipped
]
assert not placeholders, placeholders
from great_expectations.datasource.fluent import Datasource, SQLDatasource, SparkDatasource
assert issubclass(SQLDatasource, Datasource) and issubclass(SparkDatasource, Datasource)
import great_expectations.datasource.fluent as fluent
assert fluent.SnowflakeDatasource.__module__.endswith("snowflake_datasource")
import great_expectations.expectations as gxe
assert issubclass(gxe.ExpectColumnMeanToBeBetween, gxe.Expectation)
from great_expectations.expectations.core import ExpectTableRowCountToEqual
assert issubclass(ExpectTableRowCountToEqual, gxe.Expectation)
from great_expectations.render import DefaultJinjaPageView
from great_expectations.render.view import DefaultMarkdownPageView
assert DefaultJinjaPageView.__module__ == "great_expectations.render.view.view"
assert DefaultMarkdownPageView.__module__ == "great_expectations.render.view.view"
"""
    subprocess.run([sys.executable, "-c", probe], check=True)


@pytest.mark.parametrize("when", [(), ("won",)])
def test_date_helper_fails_the_rows_gx_strftime_fails(when: tuple[str, ...]) -> None:
    """A date check runs on a helper column (each distinct value parsed once, GX checks set
    membership): GX fails there the rows, count and sample its strftime check fails."""
    from migrate.validate import _gx_frame, _plan
    from migrate.validate.gx import PARSED

    check = Check("date", "v", pattern="%Y-%m-%d", when_stages=when)
    frame = pd.DataFrame({"v": VALUES, STAGE: STAGES}, dtype="object")
    plan, extra = _plan(frame, (check,))
    [(_, column)] = plan
    assert column.startswith(PARSED)
    seen = _gx_frame(frame, extra, [*plan, (check, "v")])
    [helper] = _validate(seen, plan, "helper", "COMPLETE")
    [raw] = _validate(seen, [(check, "v")], "raw", "COMPLETE")
    assert helper.success == raw.success
    keys = ("unexpected_count", "partial_unexpected_index_list", "unexpected_index_list")
    assert [helper.result[k] for k in keys] == [raw.result[k] for k in keys]
    assert raw.result["unexpected_count"] > 0
    assert list(np.flatnonzero(failing_mask(seen, check, column))) == raw.result[keys[2]]


def test_the_installed_gx_is_one_whose_trimmed_import_was_checked() -> None:
    """The trimmed import (the test above) is taken only on the GX versions it was checked on;
    a GX outside them is imported whole. When this fails after a GX upgrade, run the test above
    with the new version and add it to TRIMMED_GX_VERSIONS."""
    from importlib.metadata import version

    from migrate.validate import gx

    minor = ".".join(version("great_expectations").split(".")[:2])
    if minor not in gx.TRIMMED_GX_VERSIONS:
        pytest.skip(f"GX {minor} is imported whole (not in TRIMMED_GX_VERSIONS)")
    assert gx._trims_safely()
