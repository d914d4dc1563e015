"""A sheet a person decides on: the review.xlsx pairs (same/different) and stage words.

In: an openpyxl worksheet, its columns and rows, and the choices of the ``decision`` column
(column A). Out: the sheet laid out the one way both review sheets share: a bold shaded
header, the rows (NaN as empty), a drop-down on the decision column, frozen panes, an
autofilter and column widths; :func:`save_atomically` writes the workbook through a temp file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

HEADER_FILL = "DDEBF7"


def lay_out_decision_sheet(
    ws: Any,
    columns: Sequence[str],
    rows: pd.DataFrame,
    *,
    choices: Sequence[str],
    prompt: str,
    error: str = "",
    freeze: str = "B2",
    widths: Mapping[str, float] | None = None,
    default_width: float = 24,
    lang: str = "en",
) -> None:
    """Fill ``ws``: header (in ``lang``: :func:`migrate.review_words.header`), rows, the
    decision drop-down (strict when ``error`` is given)."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .review_words import header

    ws.append([header(c, lang) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for row in rows.reindex(columns=list(columns)).itertuples(index=False):
        ws.append(["" if v is None or (isinstance(v, float) and v != v) else v for v in row])
    last = max(ws.max_row, 2)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=bool(error),  # without an error a word typed by hand is kept
        promptTitle=header("decision", lang),
        prompt=prompt,
        errorTitle=header("decision", lang) if error else None,
        error=error or None,
    )
    dv.add(f"A2:A{last}")
    ws.add_data_validation(dv)
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    for i, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(name, default_width)


def save_atomically(wb: Any, path: str | os.PathLike[str]) -> Path:
    """Save ``wb`` to ``path`` through a temp file beside it (never a half-written file)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    wb.save(tmp)
    os.replace(tmp, out)
    return out
