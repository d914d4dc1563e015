"""columnar.coded_by_value: by_value's answers as codes, each distinct value asked once."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from migrate.columnar import by_value, coded_by_value, taken_texts


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


@pytest.mark.parametrize(
    "answers, codes",
    [
        (["a", "", "山田", "x" * 40], [0, 1, 2, 3, 3, 0, 1]),  # texts: taken in Arrow
        (["a", None, "b"], [0, 1, 2, 1]),  # not all texts: the list
        ([1, "a"], [1, 0]),
        (["a", "b"], []),  # no rows
        (["lone \ud800"], [0, 0]),  # no UTF-8: the list, as before
    ],
)
def test_taken_texts_is_the_column_pandas_makes_of_the_list(
    answers: list[object], codes: list[int]
) -> None:
    at = np.asarray(codes, dtype=np.intp)
    got, want = pd.DataFrame(index=range(len(codes))), pd.DataFrame(index=range(len(codes)))
    try:
        want["c"] = [answers[c] for c in codes]
    except Exception as error:  # what pandas refuses of the list, it refuses of the taken texts
        with pytest.raises(type(error)):
            got["c"] = taken_texts(answers, at)
        return
    got["c"] = taken_texts(answers, at)
    assert got["c"].dtype == want["c"].dtype
    assert got["c"].tolist() == want["c"].tolist()


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        pytest.param(["a", None, "b", None, "a", None], "object", id="object-none"),
        pytest.param(["a", None, np.nan, pd.NA, pd.NaT, None, np.nan], "object", id="object-kinds"),
        pytest.param(["a", None, "b", None, "a"], "string[pyarrow]", id="arrow-text"),
        pytest.param(["a", None, "b", None], "string[python]", id="python-text"),
        pytest.param([1.5, None, 2.0, np.nan, 1.5], "float64", id="float"),
        pytest.param([1, None, 2, None], "Int64", id="nullable-int"),
        pytest.param(["2026-01-01", None, "2026-01-01", None], "datetime64[ns]", id="datetime"),
        pytest.param(["x", None, "y", None, "x"], "category", id="category"),
        pytest.param([None, None, None], "string[pyarrow]", id="all-missing"),
    ],
)
def test_missing_values_are_asked_once_per_kind(values: list[object], dtype: str) -> None:
    """A typed column's missing values are all its dtype's one missing value: asked once, as
    the per-cell answers would be; an object column's are asked once per type."""
    asked: list[str] = []

    def fn(x: object) -> str:
        asked.append(repr(x))
        return f"{type(x).__name__}:{x!r}"

    series = pd.Series(values, dtype=dtype)
    per_cell = [f"{type(x).__name__}:{x!r}" for x in series]
    assert by_value(series, fn) == per_cell
    assert len(asked) == len(set(asked))  # each distinct value and kind of missing once
    asked.clear()
    codes, answers = coded_by_value(series, fn)
    assert [answers[c] for c in codes.tolist()] == per_cell
    assert len(asked) == len(set(asked)) == len(answers)
