"""Reading what web systems download as "Excel": an HTML page, or an XML Spreadsheet 2003.

Many SFA/CRM and in-house systems export a report as an HTML table (or Excel 2003's XML
format) saved with an ``.xls`` name; Excel opens it with a warning. Each HTML ``<table>``
becomes a grid (sheet ``""`` when the page holds one table, else ``table 1``, ``table 2``,
...; row numbers count the table's rows from 1), with its text as the page shows it:
``<br>`` is a line break inside the cell, ``colspan``/``rowspan`` are merged ranges. Each XML
``Worksheet`` becomes a grid with its name, its cells' values (numbers unformatted, dates
ISO), its merged ranges, hidden rows and hidden sheets. Both are parsed with the standard
library (``html.parser``, ``xml.etree``): no lxml or BeautifulSoup is needed. An XML file that
declares entities is refused (Excel never writes one; it is how entity bombs start).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pandas as pd

from ..errors import InputFileError
from .files import SourceFile
from .readers import Grid, _cell_text, decode_text

MAX_COLSPAN = 1000  # the HTML standard's own limits: a bad span must not make a huge grid
MAX_ROWSPAN = 65534

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
# Shift_JIS pages written on Windows use cp932's extra characters (①, ㈱): read them as cp932
_CODECS = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ms932": "cp932",
    "euc-jp": "euc_jp",
    "x-euc-jp": "euc_jp",
}


# --------------------------------------------------------------------------------- HTML


def read_html_grids(src: SourceFile) -> list[Grid]:
    """Every table of an HTML page as a grid; a page without a table is an InputFileError."""
    raw = src.path.read_bytes()
    text, encoding = _decode_html(raw, src)
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    tables = [t for t in parser.tables if t.rows]
    if not tables:
        raise InputFileError(
            str(src.path),
            "is an HTML page with no table in it, so there are no rows to read",
            hint="open it in Excel to check it is the export you meant, and save it as .xlsx",
            code="ingest.not-a-spreadsheet",
        )
    grids = []
    for i, table in enumerate(tables):
        cells, merged = _place(table.rows)
        sheet = "" if len(tables) == 1 else f"table {i + 1}"
        grid = Grid(
            file=src.name,
            sheet=sheet,
            sheet_index=i,
            cells=cells,
            first_row=1,
            first_col=0,
            merged=merged,
        )
        grid.encoding = encoding  # type: ignore[attr-defined]
        grids.append(grid)
    return grids


def _decode_html(raw: bytes, src: SourceFile) -> tuple[str, str]:
    """The page's text: a BOM, else the charset its <meta> declares, else the CSV detection."""
    if not raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        m = _CHARSET_RE.search(raw[:8192])
        if m:
            name = m.group(1).decode("ascii", "replace").lower()
            codec = _CODECS.get(name, name)
            try:
                return raw.decode(codec), codec
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common: detect instead
    return decode_text(raw, src)


@dataclass
class _Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    merged: bool = True


@dataclass
class _Table:
    rows: list[list[_Cell]] = field(default_factory=list)
    row: list[_Cell] | None = None
    cell: list[str] | None = None
    span: tuple[int, int, bool] = (1, 1, True)

    def end_cell(self) -> None:
        if self.cell is None:
            return
        if self.row is None:
            self.row = []
        lines = (" ".join(line.split()) for line in "".join(self.cell).split("\n"))
        text = "\n".join(line for line in lines if line)
        self.row.append(_Cell(text, *self.span))
        self.cell = None

    def end_row(self) -> None:
        self.end_cell()
        if self.row is not None:
            self.rows.append(self.row)
        self.row = None


class _TableParser(HTMLParser):
    """Collects the cells of every <table>, nested ones apart; tolerant of unclosed tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self._open: list[_Table] = []
        self._skip = 0  # inside <style>/<script>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
            return
        if tag == "table":
            table = _Table()
            self.tables.append(table)
            self._open.append(table)
            return
        if not self._open:
            return
        table = self._open[-1]
        if tag == "tr":
            table.end_row()
            table.row = []
        elif tag in ("td", "th"):
            table.end_cell()
            a = dict(attrs)
            table.cell = []
            table.span = (
                _span(a.get("colspan"), MAX_COLSPAN),
                _span(a.get("rowspan"), MAX_ROWSPAN),
                # Excel's export spans empty neighbours to let a long text overflow: not a merge
                "mso-ignore:colspan" not in (a.get("style") or "").replace(" ", ""),
            )
        elif tag in ("br", "p", "div", "li") and table.cell is not None:
            table.cell.append("\n")  # Excel's own export writes a line break in a cell as <br>

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif not self._open:
            return
        elif tag == "table":
            self._open.pop().end_row()
        elif tag == "tr":
            self._open[-1].end_row()
        elif tag in ("td", "th"):
            self._open[-1].end_cell()

    def handle_data(self, data: str) -> None:
        if self._skip or not self._open:
            return
        cell = self._open[-1].cell
        if cell is not None:
            cell.append(data)

    def close(self) -> None:
        super().close()
        while self._open:
            self._open.pop().end_row()


def _span(value: str | None, limit: int) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        return 1
    return min(max(n, 1), limit)  # rowspan=0 ("to the end") is read as 1


def _place(rows: list[list[_Cell]]) -> tuple[pd.DataFrame, list[tuple[int, int, int, int]]]:
    """Lay the cells out as Excel does: spans take their range, the value stays top-left."""
    taken: set[tuple[int, int]] = set()
    placed: dict[tuple[int, int], str] = {}
    merged: list[tuple[int, int, int, int]] = []
    height, width = len(rows), 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rowspan = min(cell.rowspan, height - r)
            if cell.text:
                placed[(r, c)] = cell.text
            if cell.colspan > 1 or rowspan > 1:
                if cell.merged or rowspan > 1:
                    merged.append((r + 1, c, r + rowspan, c + cell.colspan - 1))
                taken.update(
                    (rr, cc) for rr in range(r, r + rowspan) for cc in range(c, c + cell.colspan)
                )
            c += cell.colspan
            width = max(width, c)
    data = [[placed.get((r, c)) for c in range(width)] for r in range(height)]
    return pd.DataFrame(data, dtype=object), merged


# ---------------------------------------------------------------------- XML Spreadsheet 2003

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
X = "{urn:schemas-microsoft-com:office:excel}"
_SUM_RE = re.compile(
    r"^=\s*(?:SUM|SUBTOTAL|AGGREGATE|SUMIFS?|SUMPRODUCT|COUNTA?|COUNTIFS?|AVERAGEA?|MAX|MIN)\(",
    re.I,
)


@dataclass
class _Sheet:
    name: str
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    formula_no_value: list[tuple[int, int]] = field(default_factory=list)
    sum_rows: set[int] = field(default_factory=set)
    visible: bool = True


def read_xml_grids(src: SourceFile) -> list[Grid]:
    """Every worksheet of an XML Spreadsheet 2003 as a grid (raises InputFileError)."""
    import xml.etree.ElementTree as ET

    raw = src.path.read_bytes()
    if b"<!ENTITY" in raw or b"<!entity" in raw:
        raise InputFileError(
            str(src.path),
            "is an XML file that declares entities, which Excel never writes; it was not read",
            hint="open it in Excel and save it as .xlsx",
            code="ingest.not-a-spreadsheet",
        )
    sheets: list[_Sheet] = []
    sheet: _Sheet | None = None
    r = c = 0
    try:
        for event, el in ET.iterparse(io.BytesIO(raw), events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == SS + "Worksheet":
                    sheet = _Sheet(el.get(SS + "Name") or f"Sheet{len(sheets) + 1}")
                    sheets.append(sheet)
                    r = 0
                elif tag == SS + "Row" and sheet is not None:
                    r = _index(el.get(SS + "Index"), r + 1)
                    c = 0
                    if el.get(SS + "Hidden") in ("1", "true"):
                        sheet.hidden_rows.add(r)
                elif tag == SS + "Cell":
                    c = _index(el.get(SS + "Index"), c + 1)
                continue
            if tag == SS + "Cell" and sheet is not None:
                c = _read_cell(el, sheet, r, c)
                el.clear()
            elif tag == SS + "Row":
                el.clear()
            elif tag == X + "Visible" and sheet is not None:
                sheet.visible = (el.text or "").strip() not in ("SheetHidden", "SheetVeryHidden")
    except ET.ParseError as exc:
        raise InputFileError(
            str(src.path),
            f"is a damaged XML spreadsheet (the XML breaks off or is malformed at line "
            f"{exc.position[0]})",
            hint="export it again from its source, or open it in Excel and save it as .xlsx",
            code="ingest.corrupt",
        ) from exc
    return [_xml_grid(src, i, s) for i, s in enumerate(sheets)]


def _index(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _read_cell(el, sheet: _Sheet, r: int, c: int) -> int:
    """Store one <Cell>; return the column it ends on (a merged cell covers several)."""
    data = el.find(SS + "Data")
    formula = el.get(SS + "Formula") or ""
    across = _index(el.get(SS + "MergeAcross"), 0)
    down = _index(el.get(SS + "MergeDown"), 0)
    col = c - 1  # 0-based, as Grid wants
    if data is not None:
        value = _xml_value(data.get(SS + "Type") or "String", "".join(data.itertext()))
        if value is not None:
            sheet.cells[(r, col)] = value
    elif formula:
        sheet.formula_no_value.append((r, col))
    if formula and _SUM_RE.match(formula):
        sheet.sum_rows.add(r)
    if across or down:
        sheet.merged.append((r, col, r + down, col + across))
    return c + across


def _xml_value(kind: str, text: str) -> str | None:
    """The same text fastexcel gives for the cell of a real workbook."""
    if text == "":
        return None
    if kind == "Number":
        try:
            return _cell_text(float(text))
        except ValueError:
            return text
    if kind == "DateTime":
        try:
            return _cell_text(dt.datetime.fromisoformat(text))
        except ValueError:
            return text
    if kind == "Boolean":
        return "true" if text.strip() in ("1", "true") else "false"
    return text


def _xml_grid(src: SourceFile, index: int, sheet: _Sheet) -> Grid:
    if sheet.cells:
        rows = [r for r, _ in sheet.cells]
        cols = [c for _, c in sheet.cells]
        r0, c0 = min(rows), min(cols)
        data = [
            [sheet.cells.get((r, c)) for c in range(c0, max(cols) + 1)]
            for r in range(r0, max(rows) + 1)
        ]
        cells = pd.DataFrame(data, dtype=object)
    else:
        cells, r0, c0 = pd.DataFrame(dtype=object), 1, 0
    return Grid(
        file=src.name,
        sheet=sheet.name,
        sheet_index=index,
        cells=cells,
        first_row=r0,
        first_col=c0,
        visible=sheet.visible,
        merged=sheet.merged,
        hidden_rows=sheet.hidden_rows,
        formula_no_value=sheet.formula_no_value,
        sum_formula_rows=sheet.sum_rows,
    )
