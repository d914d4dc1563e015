"""Cell helpers of layout detection: trimmed cells, text that is no number, merged ranges."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..readers import Grid

_NUMERIC = re.compile(r"^[-+]?[\d,]*\.?\d+(?:[eE][-+]?\d+)?$")

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d+)?)?$")


def filled_cells(grid: Grid, cells: pd.DataFrame) -> np.ndarray:
    """Which of the grid's trimmed ``cells`` hold a value (rows x columns): the reader's
    answer when it gave one (:attr:`Grid.filled`), else asked of every cell."""
    if grid.filled is not None and cells is grid.trimmed:
        return grid.filled
    return cells.notna().to_numpy(dtype=bool)


def _clean(cells: pd.DataFrame) -> pd.DataFrame:
    """Strip every cell; whitespace-only cells become None.

    The cells of all text (object) columns are stripped in one pass, not column by column: a
    sheet 16,384 columns wide costs what its cells cost; and each distinct text once (a tracker
    repeats its owners, stages and companies)."""
    is_object = np.array([d == np.dtype(object) for d in cells.dtypes], dtype=bool)
    allna = cells.isna().all(axis=0).to_numpy()
    text = np.flatnonzero(is_object & ~allna)
    values = cells.to_numpy(dtype=object, copy=True)
    if len(text):
        block = values[:, text]
        codes, uniques = pd.factorize(block.ravel(order="F"))  # missing (None, NaN, NA): -1
        stripped = np.empty(len(uniques) + 1, dtype=object)  # the last slot: missing -> None
        stripped[:-1] = [str(v).strip() or None for v in uniques]
        values[:, text] = stripped[codes].reshape(block.shape, order="F")
    out = pd.DataFrame(values, index=cells.index, columns=cells.columns, dtype=object)
    for j in np.flatnonzero(~is_object & ~allna):  # typed columns (rare): as before
        st = cells.iloc[:, j].astype("string").str.strip()
        st = st.mask(st == "")
        out.isetitem(j, st.astype(object).where(st.notna(), None))
    return out


def _is_texty(v: object) -> bool:
    return isinstance(v, str) and not _NUMERIC.match(v) and not _DATETIME.match(v)


def _merged_value_map(grid: Grid, cells: pd.DataFrame) -> dict[tuple[int, int], str]:
    """For each cell covered by a merged range: the value of its top-left cell."""
    out: dict[tuple[int, int], str] = {}
    for r1, c1, r2, c2 in grid.merged:
        ri, ci = r1 - grid.first_row, c1 - grid.first_col
        if not (0 <= ri < len(cells) and 0 <= ci < cells.shape[1]):
            continue
        v = cells.iat[ri, ci]
        if v is None:
            continue
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    out[(r, c)] = v
    return out
