"""columnar.coded_by_value: by_value's answers as codes, each distinct value asked once."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from migrate.columnar import by_value, coded_by_value


@pytest.mark.parametrize(
    "values",
    [
        ["a", "b", "a", None, "c", float("nan"), None, "b"],
        [1.5, None, 2.0, 1.5, float("nan")],
        [1, 1.0, True, "1", None],  # several types: told apart
        [None, None],
        [],
        [dt.date(2026, 1, 1), None, dt.date(2026, 1, 1)],
    ],
)
def test_codes_give_by_values_answers_in_its_order(values: list[object]) -> None:
    asked: list[object] = []

    def fn(x: object) -> tuple[str, object]:
        asked.append(x)
        return (type(x).__name__, x)

    series = pd.Series(values, dtype=object)
    codes, answers = coded_by_value(series, fn)
    mine = asked[:]
    asked.clear()
    expected = by_value(series, fn)
    assert codes.dtype == np.intp and len(codes) == len(values)
    assert [answers[c] for c in codes.tolist()] == expected
    assert len(answers) == len(mine) == len(asked)  # each distinct value asked once
    assert [repr(x) for x in mine] == [repr(x) for x in asked]  # in by_value's order


@pytest.mark.parametrize("dtype", ["object", "string[pyarrow]", "string[python]"])
def test_isin_texts_is_series_isin(dtype: str) -> None:
    from migrate.columnar import isin_texts

    values = pd.Series(["a", None, "b", "", "c", "a"], index=[5, 3, 1, 0, 2, 4], dtype=dtype)
    for texts in (("a", "c"), (), ("", "z"), ("a", None)):
        got = isin_texts(values, texts)
        want = values.isin(list(texts))
        assert got.index.equals(want.index)
        filled = values.notna().to_numpy()  # where values are missing the callers do not look
        assert (
            got.to_numpy(dtype=bool)[filled].tolist() == want.to_numpy(dtype=bool)[filled].tolist()
        )


@pytest.mark.parametrize("dtype", ["object", "str"])
def test_texts_answers_the_distinct_texts_at_once(dtype: str) -> None:
    """With ``texts``, a column of texts (and missing values) has its distinct texts answered
    in one call, in by_value's order; the missing ones still by ``fn``; other columns by fn."""
    values = pd.Series(["b", None, "a", "b", "c", None], dtype=dtype)
    calls: list[list[str]] = []

    def texts(distinct: list[str]) -> list[str]:
        calls.append(distinct)
        return [t.upper() for t in distinct]

    codes, answers = coded_by_value(values, lambda x: f"fn:{x}", texts)
    assert calls == [["b", "a", "c"]]
    gap = f"fn:{values[1]}"  # the column's own missing value (None, or NaN in a str column)
    assert [answers[c] for c in codes] == ["B", gap, "A", "B", "C", gap]
    numbers = pd.Series([1, 2, 1], dtype=object)
    codes, answers = coded_by_value(numbers, lambda x: x * 10, texts)
    assert [answers[c] for c in codes] == [10, 20, 10] and len(calls) == 1
