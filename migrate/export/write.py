"""Write an ExportResult: the import files, rejects.csv and, when the profile asks, a workbook.

CSV per RFC 4180: the profile's delimiter and line ending, fields quoted only when they hold the
delimiter, a quote or a line break, quotes doubled, no spaces around quotes. Encoding and BOM
from the profile: UTF-8 without BOM by default; ``bom: excel`` adds one only when the files
are written ``excel_friendly``; ``bom: never`` (Salesforce Data Loader) never does. cp932
output was already made encodable by the builder (findings name every replaced character).
rejects.csv is for people: UTF-8, with a BOM when ``excel_friendly``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..output import neutralise_frame
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
        for row in frame.itertuples(index=False, name=None):
            cells = ("" if x is None else str(x) for x in row)
            fh.write(delimiter.join(_quoted(c, delimiter) for c in cells) + newline)
    return path


def write_import_files(
    result: ExportResult, out_dir: Path, target: TargetProfile, *, excel_friendly: bool = False
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
    if target.output.workbook:
        written.append(_write_workbook(result, out_dir / target.output.workbook, target))
    return written


def _write_workbook(result: ExportResult, path: Path, target: TargetProfile) -> Path:
    """One sheet per import file, every cell a text cell (no formulas, no guessed types)."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for spec in target.files:
            frame = result.files.get(spec.name)
            if frame is None:
                continue
            sheet = Path(spec.name).stem[:31]
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # a value like '=1+1 stays text, never a formula
            ws.freeze_panes = "A2"
    return path
