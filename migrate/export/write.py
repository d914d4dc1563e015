"""Write an ExportResult: the import files, rejects.csv and, when the profile asks, a workbook.

CSV per RFC 4180: the profile's delimiter and line ending, fields quoted only when they hold the
delimiter, a quote or a line break, quotes doubled, no spaces around quotes. Encoding and BOM
from the profile: UTF-8 without BOM by default; ``bom: excel`` adds one only when the files
are written ``excel_friendly``; ``bom: never`` (Salesforce Data Loader) never does. cp932
output was already made encodable by the builder (findings name every replaced character).
rejects.csv is for people: UTF-8, with a BOM when ``excel_friendly``. CSVs are written a
column at a time, in blocks of rows (no per-cell Python when the cells are text).

The import files are the CSVs. The profile's workbook (``output.workbook``, every file as a
sheet) is written only when asked for (``workbook="always"``) or, by default, while the files
hold at most ``output.workbook_max_records`` records in all (:func:`import_workbook` says which
and why, for the report); it is streamed with xlsxwriter in constant-memory mode, a row at a
time, every cell a text cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..output import collector_paused, neutralise_frame
from .build import ExportResult
from .profile import TargetProfile

REJECTS_FILE = "rejects.csv"


def _encoding(target: TargetProfile, excel_friendly: bool) -> str:
    out = target.output
    if out.encoding != "utf-8":
        return out.encoding
    bom = out.bom == "always" or (out.bom == "excel" and excel_friendly)
    return "utf-8-sig" if bom else "utf-8"


def _quoted(value: str, delimiter: str) -> str:
    # RFC 4180: quote a field holding the delimiter, a quote, CR or LF; double inner quotes.
    # (The csv module does not quote a lone CR when the line terminator is LF.)
    if delimiter in value or '"' in value or "\r" in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


#: rows per block written at once (bounds the text held in memory)
CSV_BLOCK = 50_000


def _column_text(values: pd.Series, delimiter: str) -> pd.Series:
    """One column as its CSV fields: None is "", anything else its str(), quoted per RFC 4180."""
    if pd.api.types.infer_dtype(values, skipna=False) != "string":
        values = pd.Series(
            ["" if x is None else str(x) for x in values], index=values.index, dtype="object"
        )
    elif _arrow_text(values) and not _may_hold(values, (delimiter, '"', "\r", "\n")):
        return values  # most columns: no field to quote
    special = "[" + re.escape(delimiter) + '"\r\n]'
    needs = values.str.contains(special, regex=True)
    if not needs.any():
        return values
    quoted = '"' + values[needs].str.replace('"', '""', regex=False) + '"'
    return values.where(~needs, quoted)


def _rows(fields: list[pd.Series], delimiter: str) -> list[str]:
    """Each row's fields joined by ``delimiter``: in Arrow when every column is pandas' Arrow
    text without a missing value (pandas 3's str columns), one Python text per row instead of
    one per cell; else from each column's list of fields (pandas' own text concatenation of
    whole columns made a column of texts per column, each cell a Python call)."""
    if all(_arrow_text(f) for f in fields):
        import pyarrow as pa
        import pyarrow.compute as pc

        texts = [pa.array(f.array).cast(pa.large_string()) for f in fields]
        return pc.binary_join_element_wise(
            *texts, pa.scalar(delimiter, pa.large_string())
        ).to_pylist()
    return list(map(delimiter.join, zip(*(f.tolist() for f in fields), strict=True)))


def _may_hold(column: pd.Series, texts: tuple[str, ...]) -> bool:
    """Whether a cell of a pandas Arrow text column may hold one of ``texts``: the column's
    UTF-8 bytes searched at once (no character's bytes hold another's, so a hit is a cell's),
    where a pattern match cell by cell cost 15 times more. True for a layout it does not read."""
    import pyarrow as pa

    cells = pa.array(column.array)
    width = {pa.string(): np.int32, pa.large_string(): np.int64}.get(cells.type)
    if width is None:
        return True
    _, offsets, data = cells.buffers()
    if data is None:  # no cell holds a character
        return False
    # the buffer may be a larger column's (a block is a slice): its own cells' bytes only
    ends = np.frombuffer(offsets, dtype=width)[cells.offset : cells.offset + len(cells) + 1]
    first, last = int(ends[0]), int(ends[-1])
    blob = data.slice(first, last - first).to_pybytes()
    return any(t.encode("utf-8") in blob for t in texts)


def _arrow_text(column: pd.Series) -> bool:
    dtype = column.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow" and not column.hasnans


def write_csv(
    frame: pd.DataFrame,
    path: Path,
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
    delimiter: str = ",",
) -> Path:
    """Write one frame of strings as CSV (header = the frame's columns)."""
    with path.open("w", encoding=encoding, newline="") as fh:
        fh.write(delimiter.join(_quoted(str(c), delimiter) for c in frame.columns) + newline)
        for start in range(0, len(frame), CSV_BLOCK):
            block = frame.iloc[start : start + CSV_BLOCK]
            if not len(block.columns):
                fh.write(newline * len(block))
                continue
            fields = [_column_text(block.iloc[:, i], delimiter) for i in range(len(block.columns))]
            fh.write(newline.join(_rows(fields, delimiter)) + newline)
    return path


Workbook = Literal["auto", "always", "never"]


def import_workbook(
    result: ExportResult, target: TargetProfile, requested: Workbook = "auto"
) -> dict[str, Any] | None:
    """Whether the profile's workbook is written, and why (for the report); None without one.

    ``requested``: ``auto`` writes it while the import files hold at most
    ``output.workbook_max_records`` records in all, ``always`` / ``never`` as said.
    """
    name = target.output.workbook
    if not name:
        return None
    records = sum(len(f) for f in result.files.values())
    limit = target.output.workbook_max_records
    written = requested == "always" or (requested == "auto" and records <= limit)
    reason: str = requested  # always | never; else whether the files are small enough
    if requested == "auto":
        reason = "small" if written else "too-many-records"
    return {
        "file": name,
        "written": written,
        "reason": reason,
        "records": records,
        "max_records": limit,
    }


@collector_paused()
def write_import_files(
    result: ExportResult,
    out_dir: Path,
    target: TargetProfile,
    *,
    excel_friendly: bool = False,
    workbook: Workbook = "auto",
) -> list[Path]:
    """Write the import files, rejects.csv and the optional workbook into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    encoding = _encoding(target, excel_friendly)
    written = []
    for spec in target.files:
        if spec.name in result.files:
            written.append(
                write_csv(
                    result.files[spec.name],
                    out_dir / spec.name,
                    encoding=encoding,
                    newline=target.output.newline,
                    delimiter=target.output.delimiter,
                )
            )
    written.append(
        write_csv(
            neutralise_frame(result.rejects),  # a value that failed a check may be a payload
            out_dir / REJECTS_FILE,
            encoding="utf-8-sig" if excel_friendly else "utf-8",
            newline=target.output.newline,
        )
    )
    plan = import_workbook(result, target, workbook)
    if plan and plan["written"]:
        written.append(_write_workbook(result, out_dir / target.output.workbook, target))
    return written


def _write_workbook(result: ExportResult, path: Path, target: TargetProfile) -> Path:
    """One sheet per import file, every cell a text cell (no formulas, no guessed types).

    Streamed: xlsxwriter in constant-memory mode holds one row at a time; strings are never
    turned into formulas, numbers or links, so a value like '=1+1 stays text. Each row goes in
    whole (:class:`migrate.xlsx_rows.RowSheet`), the same cells ``write_row`` of its texts
    writes (an empty text is no cell) without xlsxwriter's per-cell calls.
    """

    from ..xlsx_rows import FastZipWorkbook, RowSheet

    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with FastZipWorkbook(str(path), options) as book:
        header = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "top"})
        for spec in target.files:
            frame = result.files.get(spec.name)
            if frame is None:
                continue
            ws = book.add_worksheet(Path(spec.name).stem[:31], worksheet_class=RowSheet)
            ws.freeze_panes(1, 0)
            ws.write_row(0, 0, [str(c) for c in frame.columns], header)
            for r, row in enumerate(frame.itertuples(index=False, name=None), start=1):
                texts = ("" if x is None else str(x) for x in row)
                ws.put_row(r, [(j, s, None) for j, s in enumerate(texts) if s])
    return path
