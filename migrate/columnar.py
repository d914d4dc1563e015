"""Column helpers shared by the stages: a function applied once per distinct value.

Trackers repeat their values (owners, stages, companies, dates, blanks): a cell function is
called once per distinct value of a column and its results are mapped back, instead of once
per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

#: inferred kinds of a column whose equal values are equal in every respect (no 1 == 1.0 ==
#: True across types), so they can be grouped with pandas' hash table
_ONE_TYPE = frozenset({"string", "floating", "integer", "boolean", "date", "datetime", "empty"})


def by_value(values: pd.Series, fn: Callable[[Any], Any]) -> list[Any]:
    """``[fn(v) for v in values]``, calling ``fn`` once per distinct value.

    Missing values (None, NaN, NaT, pd.NA) are asked once per kind (``x is None`` is a fair
    test). Values of several types are told apart by type too, so 1, 1.0 and True stay apart.
    """
    if pd.api.types.infer_dtype(values, skipna=True) in _ONE_TYPE:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        answers = [fn(u) for u in _listed(uniques)]
        missing = np.flatnonzero(codes < 0)
        for at, v in _missing_kinds(values, missing):  # code -1: once per kind of missing
            codes[at] = len(answers)
            answers.append(fn(v))
        return list(np.fromiter(answers, dtype=object, count=len(answers))[codes])
    seen: dict[tuple[type, object], Any] = {}
    out = []
    for x in values:
        try:
            key = (type(x), x)
            out.append(seen[key] if key in seen else seen.setdefault(key, fn(x)))
        except TypeError:  # unhashable
            out.append(fn(x))
    return out


def coded_by_value(
    values: pd.Series,
    fn: Callable[[Any], Any],
    texts: Callable[[list[str]], list[Any]] | None = None,
) -> tuple[np.ndarray, list[Any]]:
    """Each value's code into ``answers`` and the answers: ``fn`` asked once per distinct value,
    as :func:`by_value` asks it and in the same order, ``answers[codes[i]]`` its answer for the
    ``i``-th value. The codes are pandas' own (no list of a Python int per value).

    ``texts``: when every value that is not missing is a text, the distinct texts' answers
    from ``texts(distinct)`` at once (it answers as ``fn`` would, each in its place): the
    caller tells in one pass which texts it leaves as they are (ids, names, e-mails: nearly
    all distinct) and asks ``fn`` of the others only."""
    answers: list[Any] = []
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in _ONE_TYPE:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if texts is not None and kind == "string":
            answers += texts(list(_listed(uniques)))
        else:
            answers += [fn(u) for u in _listed(uniques)]
        codes = np.asarray(codes, dtype=np.intp)
        missing = np.flatnonzero(codes < 0)
        for at, v in _missing_kinds(values, missing):  # code -1: once per kind of missing
            codes[at] = len(answers)
            answers.append(fn(v))
        return codes, answers

    def one(x: object) -> int:
        answers.append(fn(x))
        return len(answers) - 1

    return np.asarray(by_value(values, one), dtype=np.intp), answers


def _missing_kinds(values: pd.Series, missing: np.ndarray) -> list[tuple[np.ndarray, Any]]:
    """The positions ``missing`` of the missing values (None, NaN, NaT, pd.NA) grouped by their
    type, in the order each type first comes, with the first value of each. A column of any
    dtype but object holds one missing value (its dtype's); an object column's missing values
    are grouped by their types, taken in C (a sparse text column has tens of thousands)."""
    if not len(missing):
        return []
    if values.dtype != object:  # as iterating the column gives it (float, not np.float64)
        return [(missing, next(iter(values.iloc[missing[:1]])))]
    cells = values.iloc[missing].to_numpy(dtype=object)
    kind_of, kinds = pd.factorize(np.fromiter(map(type, cells), dtype=object, count=len(cells)))
    firsts = [int(np.argmax(kind_of == k)) for k in range(len(kinds))]
    return [(missing[kind_of == k], cells[first]) for k, first in enumerate(firsts)]


def _listed(uniques: Any) -> Any:
    """factorize's distinct values to iterate: the texts of a string column as one list (the
    same str values its iteration gives, which makes a pyarrow scalar per value; it holds no
    missing value), anything else as it is."""
    if isinstance(uniques.dtype, pd.StringDtype):
        return uniques.tolist()
    return uniques


def taken_texts(answers: list[Any], codes: np.ndarray) -> Any:
    """``[answers[c] for c in codes]`` as the column pandas makes of that list, built from the
    answers: when every answer is a text, pandas infers its str (Arrow) dtype from the list,
    converting each cell; the same array is the distinct texts in Arrow taken by ``codes``.
    Otherwise (or with no codes) the list itself, for pandas to infer as it did."""
    # the dtype pandas gives a list of texts: str (Arrow) from pandas 3 on, object before it
    inferred = pd.Series(["a"]).dtype
    if len(codes) and isinstance(inferred, pd.StringDtype) and all(type(a) is str for a in answers):
        import pyarrow as pa

        try:
            distinct = pa.array(answers, type=pa.large_string())
            return pd.arrays.ArrowStringArray(distinct.take(codes), dtype=inferred)
        except (pa.ArrowException, UnicodeError, TypeError, ValueError):
            pass  # what the list would fail on, it fails on; an older pandas takes the list
    table = np.empty(len(answers), dtype=object)
    table[:] = answers
    return table[codes].tolist() if len(codes) else []


def map_values(values: pd.Series, fn: Callable[[Any], Any], dtype: Any = "object") -> pd.Series:
    """:func:`by_value` as a Series on the same index."""
    return pd.Series(by_value(values, fn), index=values.index, dtype=dtype)


def group_codes(*columns: Any) -> np.ndarray:
    """Each row's combination of the columns' values (sequences of equal length) as a number
    from 0: the codes of each column's distinct values combined, not a tuple made per row."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
        # renumbered after each column, so the product never outgrows the rows
        combined = pd.factorize(combined * max(len(uniques), 1) + codes)[0].astype(np.int64)
    return combined


def empty_cells(cells: np.ndarray) -> np.ndarray:
    """True where a cell of an object array holds nothing: missing (None, NaN, NaT, pd.NA) or ''.

    A column of texts only (the normaliser writes '' for an empty cell, not None) has no
    missing cell to look for: telling that takes a third of the time ``pd.isna`` takes to test
    every cell, so such a column is tested against '' alone."""
    if infer_dtype(cells, skipna=False) == "string":
        return np.asarray(cells == "", dtype=bool)
    mask = np.asarray(pd.isna(cells), dtype=bool)
    mask[~mask] = cells[~mask] == ""
    return mask


def as_texts(values: pd.Series) -> np.ndarray:
    """``values.astype(str).to_numpy(dtype=object)``: a column of texts only is taken as it is.

    From pandas 3 on, ``astype(str)`` copies every cell into an Arrow column, to be copied back
    into Python texts (~20x the time of telling that the column holds texts only). The array
    may be the column's own: read it, never write into it."""
    cells = values.to_numpy(dtype=object)
    if infer_dtype(cells, skipna=False) == "string":
        return cells
    return values.astype(str).to_numpy(dtype=object)


def filled_cells(values: pd.Series, explode: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(position, cell) of every non-empty cell of ``values`` (not missing, not ""), in order;
    with ``explode`` a tuple or list cell gives one entry per element, at its cell's position.
    The cells come as they are (object array): the caller decides how they become texts."""
    cells = values.to_numpy(dtype=object)
    n = len(cells)
    # a column of texts only (a deal's or contact's fields) holds no tuple: no test per cell
    many = (
        np.fromiter((isinstance(v, (tuple, list)) for v in cells), bool, n)
        if explode and infer_dtype(cells, skipna=False) != "string"
        else np.zeros(n, dtype=bool)
    )
    if many.any():
        lens = np.ones(n, dtype=np.int64)
        lens[many] = [len(v) for v in cells[many]]
        position = np.repeat(np.arange(n, dtype=np.int64), lens)
        flat = chain.from_iterable(v if m else (v,) for v, m in zip(cells.tolist(), many))
        cells = np.fromiter(flat, object, len(position))
    else:
        position = np.arange(n, dtype=np.int64)
    keep = ~empty_cells(cells)
    return position[keep], cells[keep]


def isin_texts(values: pd.Series, texts: Collection[object]) -> pd.Series:
    """``values.isin(texts)``, by pandas' hash table of Python objects when every item is a
    text: the same answer, without an Arrow string column's own ``isin`` making a pyarrow
    scalar of every item (a parent file's ids: a second per few hundred thousand)."""
    items = list(texts)
    if not all(isinstance(t, str) for t in items):
        return values.isin(items)
    cells = pd.Series(values.to_numpy(dtype=object), index=values.index, dtype="object")
    return cells.isin(items)
