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

    def write_row(self, ws, r, vals, **formats) -> None:
        """Write rendered (value, expected) pairs as row r, from column A."""
        for c, v in enumerate(vals):
            self.write(ws, r, c, v[0], **formats)

    def close(self) -> None:
        self.wb.close()


class XlsBook:
    """A legacy .xls workbook (xlwt, BIFF8): title, header and section styles, typed cells."""

    def __init__(self) -> None:
        import xlwt

        self.wb = xlwt.Workbook(encoding="utf-8")
        self.date = xlwt.easyxf(num_format_str="yyyy/mm/dd")
        self.num = xlwt.easyxf(num_format_str="#,##0")
        self.header = xlwt.easyxf(
            "font: bold on; pattern: pattern solid, fore_colour light_yellow; borders: bottom thin"
        )
        self.title = xlwt.easyxf("font: bold on, height 280")
        self.section = xlwt.easyxf("font: bold on; pattern: pattern solid, fore_colour gray25")
        self.default = xlwt.Style.default_style

    def write_row(self, ws, r, vals, amount_col: int | None = None) -> None:
        """Write rendered (value, expected) pairs as row r: dates as dates, #,##0 amounts."""
        for c, (v, _) in enumerate(vals):
            if isinstance(v, Cell):
                v = v.v
            if v is None or v == "":
                continue
            if isinstance(v, (dt.datetime, dt.date)):
                ws.write(r, c, v, self.date)
            elif isinstance(v, (int, float)):
                ws.write(r, c, v, self.num if c == amount_col else self.default)
            else:
                ws.write(r, c, v)

    def save(self, path: str | Path) -> None:
        self.wb.save(str(path))


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


def write_sheets(
    path: Path,
    sheets: list[Any],
    properties: dict[str, Any],
    *,
    base_format: dict[str, Any] | None = None,
    title_merges: bool = False,
    freeze: bool = False,
    options: dict[str, bool] | None = None,
) -> None:
    """Write trackerkit.sheet.Sheet objects as one xlsx: date cells, formulas with cached values.

    base_format: font etc. of every cell; bold rows get a filled, bordered header look.
    title_merges: merged cells in bold (14 pt on row 1) rather than plain; freeze: freeze
    panes below the header of a one-row-header table. properties must hold a fixed
    "created" time; call repack_zip afterwards for fixed zip timestamps.
    """
    from .sheet import Fmt, Formula

    wb = xlsxwriter.Workbook(
        str(path),
        options
        or {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    wb.set_properties(properties)
    formats: dict[tuple[str | None, bool], Any] = {}

    def fmt(num_format: str | None, bold: bool = False) -> Any:
        key = (num_format, bold)
        if key not in formats:
            spec: dict[str, Any] = dict(base_format or {})
            if num_format:
                spec["num_format"] = num_format
            if bold:
                spec.update({"bold": True, "bg_color": "#DDEBF7", "border": 1})
            formats[key] = wb.add_format(spec)
        return formats[key]

    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name)
        bold_rows = set(sheet.bold_rows)
        for i, w in enumerate(sheet.widths):
            ws.set_column(i, i, w)
        for r, row in enumerate(sheet.rows):
            bold = (r + 1) in bold_rows
            if r + 1 in sheet.hidden_rows:
                ws.set_row(r, None, None, {"hidden": True})
            for c, v in enumerate(row):
                if v is None:
                    if bold and r + 1 in (sheet.header_row, sheet.group_row):
                        ws.write_blank(r, c, None, fmt(None, True))
                    continue
                num_format = None
                if isinstance(v, Fmt):
                    v, num_format = v.value, v.num_format
                if isinstance(v, Formula):
                    ws.write_formula(r, c, v.formula, fmt(v.num_format, bold), v.value)
                elif isinstance(v, dt.datetime):
                    ws.write_datetime(r, c, v, fmt(num_format or sheet.date_format, bold))
                elif isinstance(v, dt.date):
                    ws.write_datetime(
                        r,
                        c,
                        dt.datetime(v.year, v.month, v.day),
                        fmt(num_format or sheet.date_format, bold),
                    )
                elif isinstance(v, bool):
                    ws.write_boolean(r, c, v, fmt(num_format, bold))
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v, fmt(num_format, bold))
                else:
                    ws.write_string(r, c, str(v), fmt(num_format, bold))
        for r0, c0, r1, c1, text in sheet.merges:
            look = (
                wb.add_format({"bold": True, "font_size": 14 if r0 == 1 else 10, "align": "center"})
                if title_merges
                else fmt(None)
            )
            c0, c1 = c0 + sheet.first_col, c1 + sheet.first_col
            ws.merge_range(r0 - 1, c0, r1 - 1, c1, text, look)
        for col, source in sheet.validations:
            first = sheet.header_row or 1
            ws.data_validation(
                first,
                col,
                first + 500,
                col,
                {"validate": "list", "source": source, "error_type": "warning"},
            )
        if freeze and sheet.header_row and sheet.kind == "table" and sheet.group_row is None:
            ws.freeze_panes(sheet.header_row, 2)
        if sheet.hidden:
            ws.hide()
    wb.close()
