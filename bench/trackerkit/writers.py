"""Writers: xlsx through xlsxwriter, delimited text in any encoding, fixed timestamps.

Same input, same bytes: a workbook's document properties carry a fixed creation time
(xlsxwriter then stamps its zip entries with it), `repack_zip` gives every entry of a
finished file one fixed time, and text files get explicit line endings and encodings
(cp932, utf-8 with BOM, utf-16).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from .render import Cell


class XlsxBook:
    """An xlsxwriter workbook with cached formats and one `write` for every cell type."""

    def __init__(self, path: str | Path, created: dt.datetime, author: str) -> None:
        self.wb = xlsxwriter.Workbook(
            str(path),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        # fixed metadata so that re-running gives byte-identical files
        self.wb.set_properties({"created": created, "author": author})
        self.fmt_cache: dict[tuple, Any] = {}

    def fmt(self, spec: dict[str, Any] | None) -> Any:
        """The workbook format of a spec dict, made once."""
        if spec is None:
            return None
        key = tuple(sorted(spec.items()))
        if key not in self.fmt_cache:
            self.fmt_cache[key] = self.wb.add_format(spec)
        return self.fmt_cache[key]

    def write(self, ws, r, c, v, default_fmt=None, date_fmt=None, num_fmt=None) -> None:
        """Write one value at zero-based r, c: date cells, numbers, text; a Cell keeps its format."""
        if isinstance(v, Cell):
            fmt = self.fmt(v.fmt) if isinstance(v.fmt, dict) else None
            v = v.v
        else:
            fmt = None
        if v is None or v == "":
            if default_fmt:
                ws.write_blank(r, c, None, self.fmt(default_fmt))
            return
        if isinstance(v, (dt.datetime, dt.date)):
            ws.write_datetime(r, c, v, fmt or self.fmt(date_fmt or {"num_format": "yyyy/m/d"}))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            ws.write_number(r, c, v, fmt or self.fmt(num_fmt))
        else:
            ws.write_string(r, c, str(v), fmt or self.fmt(default_fmt))

    def close(self) -> None:
        self.wb.close()


def write_rows(
    path: str | Path,
    rows: Iterable[Sequence[Any]],
    encoding: str,
    delimiter: str = ",",
    quoting: int = csv.QUOTE_MINIMAL,
) -> None:
    """Rows as delimited text with CRLF line ends (None -> empty field)."""
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n", quoting=quoting)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])


def repack_zip(path: Path, zip_time: tuple[int, int, int, int, int, int]) -> None:
    """Give every zip entry of a written xlsx one fixed timestamp so reruns are byte-identical."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for name, data in entries:
            new = zipfile.ZipInfo(name, date_time=zip_time)
            new.external_attr = 0o600 << 16
            zout.writestr(new, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    path.write_bytes(buf.getvalue())
