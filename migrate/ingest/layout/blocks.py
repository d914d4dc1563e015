"""Tables side by side on one sheet: a board of 進行中 deals in A:F and, after a blank column,
完了・失注 deals in H:M, each with its own header row.

Read as one table, the right-hand table's columns would be glued onto the left-hand rows (its
結果 taken as the outcome of whichever left row shares its line, its deals never records).
:func:`side_by_side` cuts such a grid at the fully blank column into one grid per table. A
block after a blank column starts a table of its own only when it has a header row of its own
that names at least two of the fields the table to its left names, one of them a company or a
deal name: a blank spacer column inside one table (金額 | | 備考) keeps the table whole.

The first table keeps the sheet's name; each further one is named after the sheet and its
columns (``案件ボード [H:M]``: square brackets cannot occur in an Excel sheet name), so its rows
have keys of their own and the crosswalk and report name where they came from.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ...columns import match_header
from ...findings import Finding
from ...schema import Schema
from ..readers import Grid, column_letter
from .cells import _clean, _is_texty, filled_cells
from .header import _find_header

#: a block's header must repeat at least this many of the left table's fields ...
_SHARED_FIELDS = 2
#: ... one of them one of these
_ANCHORS = frozenset({"company_name", "deal_name"})
#: a sheet cut by more blank columns than this is no board of a few tables side by side (every
#: other column left blank as a spacer): read whole, without a header search per block
_MAX_RUNS = 12


def side_by_side(
    grid: Grid, schema: Schema, header_rows: int, rules_dir: str | None = None
) -> list[tuple[Grid, Finding | None]]:
    """The grid as one grid per side-by-side table (each with the finding that says so), or
    the grid alone when it holds one table."""
    cells = grid.trimmed if grid.trimmed is not None else grid.cells
    if cells.shape[1] < 5 or len(cells) < 2:
        return [(grid, None)]
    if grid.trimmed is None:
        cells = _clean(cells)
    used = np.asarray(filled_cells(grid, cells).any(axis=0))
    runs = _runs(used)
    if not 2 <= len(runs) <= _MAX_RUNS:
        return [(grid, None)]
    # each run of filled columns with the fields its header row names
    named = [_header_fields(cells.iloc[:, a:b], schema, header_rows, rules_dir) for a, b in runs]
    tables: list[list[int]] = []  # runs of each table
    fields: list[set[str]] = []
    for k, found in enumerate(named):
        if tables:
            shared = fields[-1] & found
            if len(shared) >= _SHARED_FIELDS and shared & _ANCHORS:
                tables.append([k])
                fields.append(set(found))
                continue
            tables[-1].append(k)
            fields[-1] |= found
        else:
            tables.append([k])
            fields.append(set(found))
    if len(tables) < 2 or not fields[0]:
        return [(grid, None)]
    spans = [(runs[t[0]][0], runs[t[-1]][1]) for t in tables]
    ranges = [_range(grid, a, b) for a, b in spans]
    out: list[tuple[Grid, Finding | None]] = []
    for n, (a, b) in enumerate(spans):
        name = grid.sheet if n == 0 else f"{grid.sheet} [{ranges[n]}]".strip()
        others = ", ".join(r for m, r in enumerate(ranges) if m != n)
        finding = Finding(
            "ingest.side-by-side",
            "info",
            f"columns {ranges[n]} hold a table of their own beside the one in {others} "
            f"(a blank column between them, each with its own header row): read as a table "
            f"of its own"
            + (f", named '{name}'" if n else "")
            + "; its columns say nothing of the other table's rows",
            grid.file,
            name,
            action="kept",
        )
        out.append((_sub_grid(grid, cells, a, b, name), finding))
    return out


def _runs(used: np.ndarray) -> list[tuple[int, int]]:
    """The runs of filled columns, as (first, past-the-last) positions."""
    runs: list[tuple[int, int]] = []
    start = None
    for j, u in enumerate(used.tolist() + [False]):
        if u and start is None:
            start = j
        elif not u and start is not None:
            runs.append((start, j))
            start = None
    return runs


def _header_fields(
    block: pd.DataFrame, schema: Schema, header_rows: int, rules_dir: str | None
) -> set[str]:
    """The fields the block's own header row names (none when it has no header row)."""
    rows = np.flatnonzero(block.notna().to_numpy(dtype=bool).any(axis=1)).tolist()
    top = rows[:header_rows]
    if len(top) < 2 or block.shape[1] < 2:
        return set()
    hpos = _find_header(block, top, schema, rules_dir)
    if hpos is None:
        return set()
    found = set()
    for v in block.iloc[hpos].tolist():
        if _is_texty(v) and len(v) <= 40:
            f, _, _ = match_header(v, schema, rules_dir)
            if f:
                found.add(f)
    return found if len(found) >= 2 else set()


def _range(grid: Grid, a: int, b: int) -> str:
    return f"{column_letter(grid.first_col + a)}:{column_letter(grid.first_col + b - 1)}"


def _sub_grid(grid: Grid, cells: pd.DataFrame, a: int, b: int, name: str) -> Grid:
    """Columns a..b-1 of the grid as a grid of their own (cells, merges, formulas and comments cut)."""
    lo, hi = grid.first_col + a, grid.first_col + b - 1

    def inside(c: int) -> bool:
        return lo <= c <= hi

    def part(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.iloc[:, a:b].copy()
        out.columns = range(b - a)
        return out

    return replace(
        grid,
        sheet=name,
        cells=part(grid.cells) if grid.cells.shape[1] >= b else part(cells),
        trimmed=part(cells),
        filled=grid.filled[:, a:b] if grid.filled is not None else None,
        first_col=lo,
        merged=[(r1, c1, r2, min(c2, hi)) for r1, c1, r2, c2 in grid.merged if inside(c1)],
        formula_no_value=[(r, c) for r, c in grid.formula_no_value if inside(c)],
        comments={(r, c): t for (r, c), t in grid.comments.items() if inside(c)},
        errors={(r, c): t for (r, c), t in grid.errors.items() if inside(c)},
    )
