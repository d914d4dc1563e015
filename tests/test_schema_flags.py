"""schema.flags: a test per distinct value gives the same mask as a test per cell."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from migrate.schema import flags

COLUMNS = {
    "bookkeeping": pd.Series([True, False, None, "True", np.nan, True], dtype=object),
    "true beside one": pd.Series([1, True, 2.0, None, True], dtype=object),
    "text": pd.Series(["受注", None, "失注", "受注"], dtype="str"),
    "empty text": pd.Series([], dtype="str"),
    "empty object": pd.Series([], dtype=object),
    "booleans": pd.Series([True, False, True]),
    "dates": pd.Series([dt.date(2024, 1, 1), None, dt.date(2023, 1, 1)], dtype=object),
    "timestamps": pd.Series(pd.to_datetime(["2024-01-01", None, "2024-01-01"])),
    "missing kinds": pd.Series([pd.NA, None, np.nan, pd.NaT], dtype=object),
    "unhashable": pd.Series([[1], [2], [1]], dtype=object),
    "floats": pd.Series([1.0, np.nan, 2.0], index=[5, 3, 9]),
    "nullable ints": pd.Series([1, None, 1], dtype="Int64"),
}
TESTS = {
    "is True": lambda x: x is True or (isinstance(x, str) and x == "True"),
    "is None": lambda x: x is None,
    "a float": lambda x: isinstance(x, float),
    "NaT": lambda x: x is pd.NaT,
    "type name": lambda x: type(x).__name__,
    "won": lambda x: {"受注": "won"}.get(x) == "won" if isinstance(x, str) else False,
}


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("test", TESTS)
def test_flags_equal_the_test_of_every_cell(column, test):
    series, fn = COLUMNS[column], TESTS[test]
    expected = pd.Series([bool(fn(v)) for v in series], index=series.index, dtype=bool)
    got = flags(series, fn)
    assert got.dtype == bool
    pd.testing.assert_series_equal(got, expected)


def test_flags_ask_each_distinct_value_once():
    asked: list[object] = []
    series = pd.Series(["a", "b", "a", None, "b", None] * 100, dtype="str")
    flags(series, lambda v: asked.append(v) or v == "a")
    assert len(asked) == 3  # a, b and one missing kind
