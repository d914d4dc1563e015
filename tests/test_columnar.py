"""columnar.empty_cells, filled_cells and as_texts: a column of texts only is tested against
'' alone and taken as its own texts, with the answers of testing every cell."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from migrate.columnar import as_texts, empty_cells, filled_cells, group_codes


def _objects(values: list[object]) -> np.ndarray:
    cells = np.empty(len(values), dtype=object)
    cells[:] = values
    return cells


@pytest.mark.parametrize(
    ("values", "empty"),
    [
        pytest.param(["a", "", "b", ""], [0, 1, 0, 1], id="texts-only"),
        pytest.param(["a", None, "", float("nan")], [0, 1, 1, 1], id="texts-and-missing"),
        pytest.param(["", pd.NA, pd.NaT, np.nan, None], [1, 1, 1, 1, 1], id="every-missing-kind"),
        pytest.param([1.5, "", 0, False, dt.date(2026, 1, 1)], [0, 1, 0, 0, 0], id="not-texts"),
        pytest.param([("a", "b"), "", ()], [0, 1, 0], id="tuples"),
        pytest.param([], [], id="no-cells"),
    ],
)
def test_empty_cells_is_missing_or_blank(values: list[object], empty: list[int]) -> None:
    assert empty_cells(_objects(values)).tolist() == [bool(e) for e in empty]


@pytest.mark.parametrize(
    ("values", "positions", "kept"),
    [
        pytest.param(
            ["a", None, ("b", "", None), "", float("nan"), "c"],
            [0, 2, 5],
            ["a", "b", "c"],
            id="tuples-and-missing",
        ),
        pytest.param(["a", "", "b c"], [0, 2], ["a", "b c"], id="texts-only"),
    ],
)
def test_filled_cells_keeps_what_is_neither_missing_nor_blank(
    values: list[object], positions: list[int], kept: list[object]
) -> None:
    position, cells = filled_cells(pd.Series(_objects(values)), explode=True)
    assert position.tolist() == positions
    assert cells.tolist() == kept


@pytest.mark.parametrize(
    "series",
    [
        pytest.param(pd.Series(_objects(["a", "", "b"]), dtype=object), id="texts-only"),
        pytest.param(pd.Series(["a", "", "b"], dtype="string"), id="string-dtype"),
        pytest.param(pd.Series(_objects(["a", None, "b"]), dtype=object), id="texts-and-none"),
        pytest.param(pd.Series([1200000.0, 0.5, float("nan")]), id="floats"),
        pytest.param(pd.Series(_objects([1, "1", True])), id="mixed"),
    ],
)
def test_as_texts_is_astype_str(series: pd.Series) -> None:
    expected = series.astype(str).to_numpy(dtype=object)
    got = as_texts(series)
    assert got.dtype == object
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert pd.Series(got).equals(pd.Series(expected))


def test_group_codes_number_each_combination_in_order_of_first_appearance() -> None:
    files = ["a", "a", "b", "a", None, None, "b"]
    sheets = ["x", "y", "x", "x", "x", float("nan"), "x"]
    expect = pd.factorize(pd.Series(list(zip(files, sheets)), dtype=object))[0]
    assert group_codes(files, sheets).tolist() == expect.tolist() == [0, 1, 2, 0, 3, 4, 2]
    assert group_codes(np.array([], dtype=object)).tolist() == []
