"""Reading cells: every sheet of a workbook or CSV into a :class:`Grid` of strings.

Cells come from the Rust calamine reader: fastexcel (calamine straight into Arrow) for the
cell values of .xlsx/.xlsm/.xlsb/.xls/.ods, python-calamine for what fastexcel does not say
(where the used range starts, merged ranges, sheet visibility); an .xls's hidden rows come
from its BIFF records (:mod:`.biff`). Macros are never run (no
reader here can run them). For .xlsx/.xlsm one streaming pass over the sheet XML finds what
calamine cannot give: hidden rows, formula cells without a cached value, and rows holding
SUM/SUBTOTAL formulas; openpyxl is not needed for that. CSV/TSV: the encoding (UTF-8, UTF-8
with BOM, UTF-16, Shift_JIS/cp932) and the delimiter are detected. A workbook is opened by
what its bytes are, whatever its name (see :mod:`.files`); HTML and XML Spreadsheet 2003
exports are read by :mod:`.markup`. A damaged file gets one plain line (what could not be
read, what to do), never the library's own error text.

Every cell arrives as text (``None`` when empty): numbers as Excel shows them without
formatting (``1200000``, ``0.7``), date cells as ISO (``2026-03-31 00:00:00``), so the
normalisers see one kind of value and the raw value stays printable for the report.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from .extent import VALUE_CELL_RE
from .files import EXT_FORMAT, FORMAT_LABEL, PASSWORD_HINT, Limits, SourceFile


@dataclass
class Grid:
    """The used range of one sheet as text cells, with what the layout step needs to know."""

    file: str
    sheet: str  # "" for CSV
    sheet_index: int
    cells: pd.DataFrame  # object dtype, str or None; positional columns 0..w-1
    first_row: int  # Excel row number of cells.iloc[0]
    first_col: int  # 0-based column index of cells.columns[0] (A = 0)
    visible: bool = True
    merged: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # (r1, c1, r2, c2), Excel rows, 0-based cols
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)  # 0-based, as first_col
    formula_no_value: list[tuple[int, int]] = field(default_factory=list)  # (row, col)
    sum_formula_rows: set[int] = field(default_factory=set)
    # cells left out of the sheet (row, 0-based column, text): a few values cut off from the
    # table far beyond its end (a used range blown out to XFD1048576), see :mod:`.extent`
    far_cells: list[tuple[int, int, str]] = field(default_factory=list)
    # the cells showing an Excel error (#N/A, #REF!, #NAME?, #VALUE!, #DIV/0!), by (Excel row,
    # 0-based column): calamine gives them no value, so they arrive empty in ``cells``
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    # CSV rows with more fields than the header (see :func:`realign_split_numbers`): the lines
    # whose number split at its unquoted thousands commas was rejoined (line, fields as split,
    # as rejoined), and the lines whose extra fields nothing explains (line, fields)
    rejoined: list[tuple[int, str, str]] = field(default_factory=list)
    extra_fields: list[tuple[int, int]] = field(default_factory=list)
    header_fields: int = 0
    date1904: bool = False
    # per Excel row, how many of its cells holding a value carry each mark of their format
    # (``strike``: struck through; ``grey``: filled grey; ``fill:RRGGBB`` / ``fill:theme4``:
    # filled in another colour): how a team marks a row lost or won without a word
    row_marks: dict[int, dict[str, int]] = field(default_factory=dict)
    # the cell comments (notes) of an .xlsx sheet, by (Excel row, 0-based column): a team keeps
    # a deal's stage in a comment on its empty stage cell (F4: 受注（12/10 注文書受領）)
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    # ``cells`` trimmed as the layout step wants them (whitespace-only -> None), when the reader
    # could make them per distinct text while converting; None: layout trims ``cells`` itself
    trimmed: pd.DataFrame | None = None
    # which cells of ``trimmed`` hold a value (rows x columns), when the reader knew it while
    # converting (the cells of one text are filled or not together); None: layout asks the cells
    filled: np.ndarray | None = None


def column_letter(index: int) -> str:
    """0-based column index to Excel letters (0 -> A, 27 -> AB)."""
    s = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass(frozen=True)
class NumberSplit:
    """How a number split at its unquoted thousands commas looks (rules/ingest.yaml
    ``csv_extra_fields``): a first field of 1 to ``group_digits`` digits (after an optional
    sign or currency mark), then fields of exactly ``group_digits`` digits, the last one with
    optional decimals and unit."""

    group_digits: int = 3
    prefixes: tuple[str, ...] = ("¥", "￥", "$", "€", "£")
    suffixes: tuple[str, ...] = ("円",)


def read_grids(
    src: SourceFile, limits: Limits, *, raw: bool = True, numbers: NumberSplit | None = None
) -> list[Grid]:
    """All sheets of one file as grids; raises InputFileError when the file cannot be read.

    ``raw=False``: only the trimmed cells are wanted (the layout step reads nothing else), so
    where a reader makes them while converting (fastexcel, Arrow's CSV reader) ``cells`` is the
    trimmed frame too: a million-row sheet's cells are not held twice."""
    if src.format == "csv":
        return [read_csv_grid(src, raw=raw, numbers=numbers)]
    if src.format in ("html", "xml"):
        from .markup import read_html_grids, read_xml_grids

        return read_html_grids(src) if src.format == "html" else read_xml_grids(src)
    return _read_workbook(src, limits, raw=raw)


# --------------------------------------------------------------------------- workbooks


def _read_workbook(src: SourceFile, limits: Limits, *, raw: bool = True) -> list[Grid]:
    import fastexcel
    import python_calamine as pc

    from .extent import FarCell, without_far_cells

    xml_info: dict[str, _XmlScan] = {}
    date1904 = False
    far: dict[str, list[FarCell]] = {}
    trimmed_copy = None
    if src.format in ("xlsx", "xlsm"):
        xml_info, date1904 = _scan_xlsx(src.path, limits)
        # calamine allocates the box around every value: stray far cells out first
        trimmed_copy, far = without_far_cells(src.path, xml_info, limits)
    xls_hidden: dict[str, set[int]] = {}
    if src.format == "xls":  # calamine does not say which rows are hidden: the ROW records do
        from .biff import xls_hidden_rows

        xls_hidden = xls_hidden_rows(src.path.read_bytes())
    what = FORMAT_LABEL[src.format][0]
    source = trimmed_copy if trimmed_copy is not None else _calamine_source(src)
    try:
        if isinstance(source, bytes):
            book = pc.CalamineWorkbook.from_filelike(io.BytesIO(source))
        else:
            book = pc.CalamineWorkbook.from_path(source)
        metas = list(book.sheets_metadata)
    except pc.PasswordError:
        raise InputFileError(
            str(src.path),
            "is password-protected (encrypted)",
            hint=PASSWORD_HINT,
            code="ingest.encrypted",
        ) from None
    except BaseException as exc:
        if not _reader_failed(exc):
            raise
        # the library's words (an OLE sector, a zip record) mean nothing to the user
        raise _damaged(str(src.path), f"is damaged: it cannot be read as {what}") from exc
    try:
        fx = fastexcel.read_excel(source)
    except BaseException as exc:
        if not _reader_failed(exc):
            raise
        fx = None  # fall back to python-calamine cells for this file
    grids: list[Grid] = []
    for idx, meta in enumerate(metas):
        typ = str(getattr(meta, "typ", "")).lower()
        if "chart" in typ:
            continue  # chart sheets hold no cells
        visible = str(getattr(meta, "visible", "Visible")).split(".")[-1] == "Visible"
        scan = xml_info.get(meta.name)
        placed = _placed_by_xml(fx, idx, scan, raw=raw)
        if placed is None:
            placed = _placed_by_calamine(src, book, fx, idx, meta, raw=raw)
        cells, trimmed, filled, first_row, first_col, merged = placed
        grids.append(
            Grid(
                file=src.name,
                sheet=meta.name,
                sheet_index=idx,
                cells=cells,
                first_row=first_row,
                first_col=first_col,
                visible=visible,
                merged=merged,
                hidden_rows=scan.hidden_rows if scan else xls_hidden.get(meta.name, set()),
                hidden_cols=scan.hidden_cols if scan else set(),
                formula_no_value=scan.formula_no_value if scan else [],
                sum_formula_rows=scan.sum_rows if scan else set(),
                row_marks=scan.row_marks if scan else {},
                comments=scan.comments if scan else {},
                far_cells=[(c.row, c.col, c.text) for c in far.get(meta.name, [])],
                errors=scan.errors if scan else {},
                date1904=date1904,
                trimmed=trimmed,
                filled=filled,
            )
        )
    return grids


#: (cells, the same cells trimmed or None, which trimmed cells hold a value or None, first row,
#: first column, merged ranges)
Placed = tuple[
    pd.DataFrame,
    pd.DataFrame | None,
    np.ndarray | None,
    int,
    int,
    list[tuple[int, int, int, int]],
]


def _placed_by_xml(fx, idx: int, scan: _XmlScan | None, *, raw: bool = True) -> Placed | None:
    """The sheet's cells placed by its XML: no second, full load of the sheet by calamine.

    fastexcel gives the cells of calamine's range (the smallest box around the cells that hold a
    value) but not where that box starts. The sheet part's declared ``<dimension>`` is taken as
    the box only when it is exactly that box: the same height and width as the cells, and its
    first row the row of the first cell that holds a value. Otherwise (a styled area declared
    larger than the data, no dimension, merged refs not read) None: calamine places the sheet.
    """
    if fx is None or scan is None or scan.dimension is None or scan.merged is None:
        return None
    if scan.first_value_row is None:
        return None  # empty, or values not recognised: calamine decides
    (r1, c1, r2, c2) = scan.dimension
    if r1 != scan.first_value_row:
        return None
    converted = _cells_fastexcel(fx, idx, raw=raw)
    if converted is None or converted[0].shape != (r2 - r1 + 1, c2 - c1 + 1):
        return None
    return *converted, r1, c1, list(scan.merged)


def _reader_failed(exc: BaseException) -> bool:
    """A reader library gave up on the file: an Exception, or a panic of its Rust code (pyo3's
    PanicException derives from BaseException, so ``except Exception`` lets it through: a
    truncated .xls made python-calamine 0.4 panic instead of raising). Ctrl-C and exit are not
    failures of the file."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _placed_by_calamine(src: SourceFile, book, fx, idx: int, meta, *, raw: bool = True) -> Placed:
    """The sheet's cells placed by calamine's own load of the sheet (start, merged ranges)."""
    try:
        sheet = book.get_sheet_by_index(idx)
    except BaseException as exc:
        if not _reader_failed(exc):
            raise
        raise _damaged(str(src.path), f"is damaged: sheet '{meta.name}' cannot be read") from exc
    start = sheet.start
    merged = []
    try:
        for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
            merged.append((r1 + 1, c1, r2 + 1, c2))
    except BaseException as exc:
        if not _reader_failed(exc):
            raise
        merged = []
    if start is None or sheet.height == 0:
        return pd.DataFrame(dtype=object), None, None, 1, 0, merged
    converted = _cells_fastexcel(fx, idx, raw=raw) if fx is not None else None
    if converted is None:
        return _cells_calamine(sheet), None, None, start[0] + 1, start[1], merged
    return *converted, start[0] + 1, start[1], merged


def _cells_fastexcel(
    fx, idx: int, *, raw: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray] | None:
    """The sheet's cells as text (str or None), the same cells trimmed and which of those hold
    a value (:attr:`Grid.filled`), else None (``raw=False``: the trimmed frame twice, the same
    object).

    Each column is dictionary-encoded in Arrow: its distinct texts become Python strings once
    and are trimmed once, and the rows take them by code. A tracker repeats its owners, stages
    and companies, so this costs far less than a string object per cell, and the cells of one
    text share one object."""
    try:
        sheet = fx.load_sheet(idx, header_row=None, dtypes="string")
        table = sheet.to_arrow()
    except BaseException as exc:
        if not _reader_failed(exc):
            raise
        return None
    # calamine's cells of the sheet (several times the Arrow table) freed before the Python
    # texts are made, not held beside them: the read's peak is then about the bare read's
    del sheet
    # each frame's one block filled column by column (a row of the block is a column of the
    # frame): no dict of column arrays copied into a block, which held the cells twice
    n, width = table.num_rows, table.num_columns
    trimmed = np.empty((width, n), dtype=object)
    as_read = np.empty((width, n), dtype=object) if raw else trimmed
    filled = np.empty((width, n), dtype=bool)
    for j in range(width):
        as_read[j], trimmed[j], filled[j] = _text_column(table.column(j), raw=raw)
    del table
    index, columns = pd.RangeIndex(n), pd.RangeIndex(width)
    clean = pd.DataFrame(trimmed.T, index=index, columns=columns, dtype=object, copy=False)
    if not raw:
        return clean, clean, filled.T
    cells = pd.DataFrame(as_read.T, index=index, columns=columns, dtype=object, copy=False)
    return cells, clean, filled.T


def _text_column(column, *, raw: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cells, trimmed cells, which trimmed cells hold a value) of one Arrow column: object
    arrays of str or None and a bool array (``raw=False``: the trimmed cells twice)."""
    import pyarrow as pa
    import pyarrow.compute as pac

    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        encoded = pac.dictionary_encode(column)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        texts = encoded.dictionary.to_pylist()
        codes = encoded.indices.fill_null(len(texts)).to_numpy(zero_copy_only=False)
    else:  # not text (a column fastexcel could not type as asked): each cell as text
        cells = [None if v is None else str(v) for v in column.to_pylist()]
        codes, uniques = pd.factorize(pd.Series(cells, dtype=object))
        texts = list(uniques)
        codes = np.where(codes < 0, len(texts), codes)
    trimmed = np.empty(len(texts) + 1, dtype=object)  # the last slot: missing -> None
    trimmed[:-1] = [t.strip() or None for t in texts]
    clean = trimmed[codes]
    filled = np.array([t is not None for t in trimmed], dtype=bool)[codes]
    if not raw:
        return clean, clean, filled
    as_read = np.empty(len(texts) + 1, dtype=object)
    as_read[:-1] = texts
    return as_read[codes], clean, filled


def _cells_calamine(sheet) -> pd.DataFrame:
    rows = sheet.to_python(skip_empty_area=True)
    out = [[_cell_text(v) for v in row] for row in rows]
    df = pd.DataFrame(out, dtype=object)
    return df.where(df.notna(), None)


def _cell_text(v: object) -> str | None:
    """The same text fastexcel gives for a cell."""
    import datetime as dt

    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat() + " 00:00:00"
    if isinstance(v, dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def _calamine_source(src: SourceFile) -> str | bytes:
    """The path, or the bytes when the name would make calamine pick the wrong reader.

    calamine chooses its reader by extension (.xls -> the OLE2 reader), so an .xlsx saved as
    .xls fails there; from bytes it recognises the content. Renamed files are rare and small.
    """
    family = {"xlsm": "xlsx"}
    named = EXT_FORMAT.get(src.path.suffix.lower())
    if named is not None and family.get(named, named) == family.get(src.format, src.format):
        return str(src.path)
    return src.path.read_bytes()


def _damaged(path: str, problem: str) -> InputFileError:
    """The one message every unreadable workbook part gets."""
    return InputFileError(
        path,
        problem,
        hint="open it in Excel (it may offer to repair it) and save a new copy as .xlsx; "
        "or export it again from its source",
        code="ingest.corrupt",
    )


# ------------------------------------------------------------------ xlsx XML side-scan


@dataclass
class _XmlScan:
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    formula_no_value: list[tuple[int, int]] = field(default_factory=list)
    sum_rows: set[int] = field(default_factory=set)
    # the declared box (first row 1-based, first col 0-based, last row, last col), if any
    dimension: tuple[int, int, int, int] | None = None
    # the row of the first cell holding a value (None: not seen)
    first_value_row: int | None = None
    # the row of the last cell holding a value; whether a run of more than gap_rows rows
    # without a value lies between two that hold one (then the sheet is looked at cell by cell
    # before calamine allocates its box, see .extent)
    last_value_row: int | None = None
    row_gap: bool = False
    gap_rows: int = 1000
    part: str = ""  # the sheet's part in the zip (xl/worksheets/sheet1.xml)
    # merged ranges as (first row 1-based, first col 0-based, last row, last col); None when a
    # ref could not be read (calamine then reads them)
    merged: list[tuple[int, int, int, int]] | None = field(default_factory=list)
    # the workbook's cell formats that mark a row (style index -> marks, see Grid.row_marks),
    # and what the sheet's cells with a value carry of them, per row
    marks_of: dict[int, tuple[str, ...]] = field(default_factory=dict)
    marked: re.Pattern[bytes] | None = None
    row_marks: dict[int, dict[str, int]] = field(default_factory=dict)
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


_SHEET_RE = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', re.S)
_SHEET_RE2 = re.compile(rb'<sheet\b[^>]*?r:id="([^"]*)"[^>]*?name="([^"]*)"', re.S)
_REL_RE = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"', re.S)
_REL_RE2 = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"', re.S)
_HIDDEN_ROW_RE = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>', re.S)
_ROW_NUM_RE = re.compile(rb'\br="(\d+)"')
# <col min="3" max="3" width="0" hidden="1"/>: columns min..max (1-based) hidden
_HIDDEN_COL_RE = re.compile(rb'<(?:\w+:)?col\b[^>]*?\bhidden="(?:1|true)"[^>]*>', re.S)
_COL_SPAN_RE = re.compile(rb'\bmin="(\d+)"[^>]*?\bmax="(\d+)"|\bmax="(\d+)"[^>]*?\bmin="(\d+)"')
_NO_VALUE_RE = re.compile(
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_SUM_RE = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="[A-Z]+(\d+)"[^>]*>\s*<(?:\w+:)?f\b[^>]*>\s*(?:_xlfn\.)?(?:SUM|SUBTOTAL|AGGREGATE|SUMIFS?|SUMPRODUCT|COUNTA?|COUNTIFS?|COUNTBLANK|AVERAGEA?|AVERAGEIFS?|MAX|MIN|MEDIAN)\(',
    re.S,
)
_CELL_REF_RE = re.compile(rb'\br="([A-Z]+)(\d+)"')
# a cell of type error (t="e") and its cached value: the error Excel shows (#N/A, #NAME?)
_ERROR_CELL_RE = re.compile(
    rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(?:<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>))?'
    rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>"
)
_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]*)"')
_RANGE_REF_RE = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")


def _col_index(letters: bytes | str) -> int:
    """0-based column of a column name (A -> 0, AA -> 26)."""
    col = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        col = col * 26 + (ch - 64)
    return col - 1


def _unescape(b: bytes) -> str:
    import html

    return html.unescape(b.decode("utf-8", "replace"))


def _scan_xlsx(path: Path, limits: Limits) -> tuple[dict[str, _XmlScan], bool]:
    """Stream each sheet part once; also enforces the real (not declared) expansion limit."""
    out: dict[str, _XmlScan] = {}
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _damaged(
            str(path), "is damaged (the zip container is truncated or corrupt)"
        ) from None
    with zf:
        try:
            wb = zf.read("xl/workbook.xml")
            rels = zf.read("xl/_rels/workbook.xml.rels")
        except Exception as exc:
            raise _damaged(
                str(path),
                "is damaged: its workbook part (xl/workbook.xml) is missing or unreadable",
            ) from exc
        date1904 = bool(re.search(rb'date1904="(?:1|true)"', wb))
        targets = {rid: tgt for rid, tgt in _REL_RE.findall(rels)}
        targets.update({rid: tgt for tgt, rid in _REL_RE2.findall(rels)})
        sheets = {name: rid for name, rid in _SHEET_RE.findall(wb)}
        sheets.update({name: rid for rid, name in _SHEET_RE2.findall(wb)})
        budget = limits.max_uncompressed_bytes
        marks_of = _style_marks(zf)
        marked = _marked_cell_re(marks_of)
        for raw_name, rid in sheets.items():
            tgt = targets.get(rid)
            if not tgt:
                continue
            t = tgt.decode("utf-8", "replace")
            part = t.lstrip("/") if t.startswith("/") else "xl/" + t
            part = re.sub(r"[^/]+/\.\./", "", part)
            try:
                scan, used = _scan_sheet_part(
                    zf, part, budget, path, marks_of, marked, limits.far_gap_rows
                )
            except KeyError:
                continue
            scan.part = part
            budget -= used
            scan.comments, used = _sheet_comments(zf, part, budget, path)
            budget -= used
            out[_unescape(raw_name)] = scan
    return out, date1904


_COMMENTS_TYPE = b"/comments"
_COMMENT_RE = re.compile(
    rb'<(?:\w+:)?comment\b[^>]*?\bref="([A-Z]+)(\d+)"[^>]*>(.*?)</(?:\w+:)?comment>', re.S
)
_TEXT_RE = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)</(?:\w+:)?t>")
_REL_TYPE_RE = re.compile(rb"<Relationship\b[^>]*>", re.S)
_REL_ATTR_RE = re.compile(rb'\b(Type|Target)="([^"]*)"')


_THREADED_RE = re.compile(
    r"^\s*\[(?:Threaded comment|スレッド化されたコメント)\].*?(?:Comment|コメント)\s*[:：]\s*(.*?)"
    r"(?:\n\s*(?:Reply|返信)\s*[:：].*)?$",
    re.S,
)


def comment_text(text: str) -> str:
    """A comment's text as its writer wrote it: a threaded comment of Excel 365 is kept for
    older versions as a note of boilerplate ('[Threaded comment] Your version of Excel ...
    Comment: 受注 Reply: ...'): its first comment alone."""
    m = _THREADED_RE.match(text)
    return (m.group(1) if m else text).strip()


def _sheet_comments(
    zf: zipfile.ZipFile, part: str, budget: int, path: Path
) -> tuple[dict[tuple[int, int], str], int]:
    """The comments (notes) of one sheet part, by (Excel row, 0-based column), and the bytes
    read: the sheet's relationships name its comments part (xl/comments1.xml), whose
    ``<comment ref="F4">`` texts are joined run by run. A sheet without comments, or whose
    parts cannot be read, has none."""
    folder, _, name = part.rpartition("/")
    try:
        rels = zf.read(f"{folder}/_rels/{name}.rels")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}, 0
    target = None
    for rel in _REL_TYPE_RE.findall(rels):
        attrs = dict(_REL_ATTR_RE.findall(rel))
        if attrs.get(b"Type", b"").endswith(_COMMENTS_TYPE) and attrs.get(b"Target"):
            target = attrs[b"Target"].decode("utf-8", "replace")
            break
    if target is None:
        return {}, 0
    where = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
    while "/../" in where or where.startswith("../"):
        where = re.sub(r"(^|[^/]+/)\.\./", "", where, count=1)
    try:
        info = zf.getinfo(where)
        if info.file_size > budget:
            raise InputFileError(
                str(path),
                f"comments part {where} expands beyond the {budget / 1024**2:,.0f} MiB limit: "
                "refused as a possible decompression bomb",
                hint="if the file is genuine, raise limits.max_uncompressed_bytes in rules/ingest.yaml",
                code="ingest.decompression-bomb",
            )
        data = zf.read(where)
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}, 0
    found: dict[tuple[int, int], str] = {}
    for col, row, body in _COMMENT_RE.findall(data):
        text = comment_text("".join(_unescape(t) for t in _TEXT_RE.findall(body)))
        if text:
            found[(int(row), _col_index(col))] = text
    return found, len(data)


def _scan_sheet_part(
    zf: zipfile.ZipFile,
    part: str,
    budget: int,
    path: Path,
    marks_of: dict[int, tuple[str, ...]] | None = None,
    marked: re.Pattern[bytes] | None = None,
    gap_rows: int = 1000,
) -> tuple[_XmlScan, int]:
    scan = _XmlScan(marks_of=marks_of or {}, marked=marked, gap_rows=gap_rows)
    used = 0
    carry = b""
    try:
        with zf.open(part) as fh:
            while True:
                chunk = fh.read(4 * 1024 * 1024)
                if not chunk:
                    break
                used += len(chunk)
                if used > budget:
                    raise InputFileError(
                        str(path),
                        f"sheet part {part} expands beyond the {budget / 1024**2:,.0f} MiB limit: "
                        "refused as a possible decompression bomb",
                        hint="if the file is genuine, raise limits.max_uncompressed_bytes in rules/ingest.yaml",
                        code="ingest.decompression-bomb",
                    )
                data = carry + chunk
                # cut at the last complete cell so no match straddles two chunks
                cut = data.rfind(b"</c>")
                cut = len(data) if cut < 0 else cut + 4
                _scan_chunk(data[:cut], scan)
                carry = data[cut:]
                if len(carry) > 1024 * 1024:  # no cell boundary for a whole MiB: keep only a tail
                    _scan_chunk(carry, scan)
                    carry = b""
        if carry:
            _scan_chunk(carry, scan)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _damaged(str(path), f"is damaged: sheet part {part} is cut short or corrupt") from exc
    return scan, used


def _scan_chunk(data: bytes, scan: _XmlScan) -> None:
    # the rows of the chunk's first and last cells holding a value: a long run of rows without
    # one (within a chunk or between two) is where a stray far cell may lie (see .extent); the
    # last value is near the chunk's end (it is cut after a cell), so its tail is searched first
    first = VALUE_CELL_RE.search(data)
    if first:
        top = int(first.group(2))
        if scan.last_value_row is not None and top - scan.last_value_row > scan.gap_rows + 1:
            scan.row_gap = True
        for since in (max(len(data) - 65536, 0), 0):
            last = max(
                data.rfind(b"<v>", since),
                data.rfind(b"<is>", since),
                data.rfind(b":v>", since),
                data.rfind(b":is>", since),
            )
            if last >= 0:
                break
        start = _cell_start(data, last)
        ref = _CELL_REF_RE.search(data, start, last) if start >= 0 else None
        bottom = int(ref.group(2)) if ref else top
        # more rows than the chunk's bytes could hold with a value each: rows without one
        if bottom - top > scan.gap_rows and bottom - top > len(data) // 40:
            scan.row_gap = True
        scan.last_value_row = max(bottom, top, scan.last_value_row or 0)
    if scan.first_value_row is None:
        if first:
            scan.first_value_row = int(first.group(2))
        if scan.dimension is None:
            dim = _DIMENSION_RE.search(data)
            if dim:
                a, r, b, r2 = dim.groups()
                b, r2 = (b, r2) if b else (a, r)
                scan.dimension = (int(r), _col_index(a), int(r2), _col_index(b))
    if scan.merged is not None and b"mergeCell" in data:
        for m in _MERGE_RE.finditer(data):
            box = _RANGE_REF_RE.fullmatch(m.group(1).decode("ascii", "replace"))
            if not box:
                scan.merged = None  # calamine reads refs of other shapes
                break
            a, r1, b, r2 = box.groups()
            scan.merged.append((int(r1), _col_index(a), int(r2), _col_index(b)))
    if scan.marked is not None:
        for m in scan.marked.finditer(data):
            row = scan.row_marks.setdefault(int(m.group(1)), {})
            for mark in scan.marks_of[int(m.group(2))]:
                row[mark] = row.get(mark, 0) + 1
    if b"hidden=" in data:
        for m in _HIDDEN_ROW_RE.finditer(data):
            n = _ROW_NUM_RE.search(m.group(0))
            if n:
                scan.hidden_rows.add(int(n.group(1)))
        for m in _HIDDEN_COL_RE.finditer(data):
            span = _COL_SPAN_RE.search(m.group(0))
            if span:
                lo, hi = (span.group(1), span.group(2)) if span.group(1) else span.group(4, 3)
                if int(hi) - int(lo) < 16384:  # Excel's widest sheet
                    scan.hidden_cols.update(range(int(lo) - 1, int(hi)))
    if not _may_hold_formulas(data):
        return
    for m in _NO_VALUE_RE.finditer(data):
        start = _cell_start(data, m.start())
        cell = _CELL_REF_RE.search(data, start, m.start()) if start >= 0 else None
        if cell:
            scan.formula_no_value.append((int(cell.group(2)), _col_index(cell.group(1))))
    for m in _SUM_RE.finditer(data):
        scan.sum_rows.add(int(m.group(1)))
    if b't="e"' in data:  # formulas showing an Excel error (#N/A, #REF!): read as empty
        for m in _ERROR_CELL_RE.finditer(data):
            ref = _CELL_REF_RE.search(m.group(1))
            if ref:
                scan.errors[(int(ref.group(2)), _col_index(ref.group(1)))] = _unescape(m.group(2))


def _cell_start(data: bytes, end: int) -> int:
    """Where the last cell element (``<c `` or a prefixed ``<x:c ``) opening before ``end``
    starts, -1 if none. The prefixed form is looked for only after the plain one: a sheet
    without prefixes (nearly all) would otherwise be searched back to its start each time."""
    plain = data.rfind(b"<c ", 0, end)
    return max(plain, data.rfind(b":c ", plain + 1, end))


def _may_hold_formulas(data: bytes) -> bool:
    """``b"<f" in data or b":f" in data`` (a formula element, prefixed or not), in numpy: the
    few ``f`` bytes are found and the byte before each looked at, not every ``<`` of the XML
    compared (a sheet's XML is mostly tags: two searches cost ~8x this)."""
    octets = np.frombuffer(data, dtype=np.uint8)
    before = octets[np.flatnonzero(octets[1:] == 0x66)]  # the byte before each "f"
    return bool(((before == 0x3C) | (before == 0x3A)).any())  # "<" or ":"


# ------------------------------------------------------------------ row marks (cell formats)

_XF_RE = re.compile(rb"<(?:\w+:)?xf\b([^>]*?)(/>|>.*?</(?:\w+:)?xf>)", re.S)
_CELL_XFS_RE = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_FONTS_RE = re.compile(rb"<(?:\w+:)?fonts\b[^>]*>(.*?)</(?:\w+:)?fonts>", re.S)
_FONT_RE = re.compile(rb"<(?:\w+:)?font\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?font>)", re.S)
_FILLS_RE = re.compile(rb"<(?:\w+:)?fills\b[^>]*>(.*?)</(?:\w+:)?fills>", re.S)
_FILL_RE = re.compile(rb"<(?:\w+:)?fill\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?fill>)", re.S)
_STRIKE_RE = re.compile(rb'<(?:\w+:)?strike\b(?![^>]*\bval="(?:0|false)")')
_SOLID_RE = re.compile(
    rb'<(?:\w+:)?patternFill\b[^>]*\bpatternType="solid"[^>]*>(.*?)</(?:\w+:)?patternFill>', re.S
)
_FG_RE = re.compile(rb"<(?:\w+:)?fgColor\b([^>]*)/?>")
_ATTR_RE = re.compile(rb'\b(rgb|theme|tint|indexed)="([^"]*)"')
# Excel's legacy palette entries a fill may name by index (indexed="22" is the grey of 2003)
_INDEXED = {
    5: "FFFF00", 13: "FFFF00", 22: "C0C0C0", 23: "808080", 26: "FFFFCC", 43: "FFFF99",
    55: "969696", 9: "FFFFFF", 64: "",
}  # fmt: skip


def _fill_mark(attrs: bytes) -> str:
    """``grey``, ``fill:RRGGBB`` or ``fill:themeN`` for a solid fill's colour ('' for white)."""
    a = {k.decode(): v.decode() for k, v in _ATTR_RE.findall(attrs)}
    rgb = a.get("rgb", "")[-6:].upper() or _INDEXED.get(int(a.get("indexed", "64") or 64), "")
    if rgb:
        r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
        if min(r, g, b) >= 0xF8:
            return ""  # white: no mark
        if max(r, g, b) - min(r, g, b) <= 0x10 and 0x60 <= max(r, g, b) <= 0xEE:
            return "grey"
        return f"fill:{rgb}"
    if "theme" not in a:
        return ""
    theme, tint = int(a["theme"] or 0), float(a.get("tint") or 0)
    # the theme's first colours: 0 the background (white), 1 the text (black), 2 its light
    # grey; white darkened, black lightened or that grey is how Excel's palette offers grey
    if (theme == 0 and tint < -0.04) or (theme == 1 and tint > 0.3) or theme == 2:
        return "grey"
    if theme == 0:
        return ""
    return f"fill:theme{theme}" + (f"{tint:+.1f}" if tint else "")


def _style_marks(zf: zipfile.ZipFile) -> dict[int, tuple[str, ...]]:
    """The cell formats (cellXfs index) that strike their text through or fill the cell in a
    colour, with their marks; none when the workbook has no such format."""
    try:
        styles = zf.read("xl/styles.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    if len(styles) > 16 * 1024 * 1024:
        return {}  # a styles part this large is no tracker's: not worth reading
    fonts_part = _FONTS_RE.search(styles)
    fills_part = _FILLS_RE.search(styles)
    xfs_part = _CELL_XFS_RE.search(styles)
    if not xfs_part:
        return {}
    struck = [
        bool(f.group(1) and _STRIKE_RE.search(f.group(1)))
        for f in (_FONT_RE.finditer(fonts_part.group(1)) if fonts_part else ())
    ]
    fills = []
    for f in _FILL_RE.finditer(fills_part.group(1)) if fills_part else ():
        solid = _SOLID_RE.search(f.group(1) or b"")
        fg = _FG_RE.search(solid.group(1)) if solid else None
        fills.append(_fill_mark(fg.group(1)) if fg else "")
    out: dict[int, tuple[str, ...]] = {}
    for i, xf in enumerate(_XF_RE.finditer(xfs_part.group(1))):
        a = dict(re.findall(rb'\b(fontId|fillId)="(\d+)"', xf.group(1)))
        font, fill = int(a.get(b"fontId", 0)), int(a.get(b"fillId", 0))
        marks = []
        if font < len(struck) and struck[font]:
            marks.append("strike")
        if fill < len(fills) and fills[fill]:
            marks.append(fills[fill])
        if marks:
            out[i] = tuple(marks)
    return out


def _marked_cell_re(marks_of: dict[int, tuple[str, ...]]) -> re.Pattern[bytes] | None:
    """A pattern of the cells holding a value in one of the marking formats: their row and
    format. None when no format marks (the scan then costs nothing more)."""
    if not marks_of:
        return None
    ids = b"|".join(str(i).encode() for i in sorted(marks_of))
    # the attributes in the order Excel, openpyxl and xlsxwriter write them (r, s, t): a
    # literal start the regex engine finds fast (the generic form cost 3x the whole side-scan)
    return re.compile(
        rb'<c r="[A-Z]{1,3}(\d+)" s="(' + ids + rb')"(?: t="\w+")?>\s*'
        rb"(?:<f\b[^>]*?(?:/>|>[^<]*</f>)\s*)?"
        rb"(?:<v>[^<]|<is>)"
    )


# ------------------------------------------------------------------------------ CSV

_ENCODINGS = ("utf-8-sig", "utf-8", "cp932", "euc_jp", "utf-16", "latin-1")


def read_csv_grid(src: SourceFile, *, raw: bool = True, numbers: NumberSplit | None = None) -> Grid:
    """A CSV/TSV/TXT file as one grid; row numbers are line numbers (the first line is 1).

    ``raw=False``: when Arrow reads the file, its cells come trimmed (``cells`` is ``trimmed``,
    see :func:`read_grids`)."""
    text, encoding = decode_text(src.path.read_bytes(), src)
    delimiter = sniff_delimiter(text[:65536], src.path.suffix.lower())
    read = _csv_cells_arrow(text, delimiter, not raw)
    if read is not None:
        fast, filled = read
        grid = Grid(
            file=src.name,
            sheet="",
            sheet_index=0,
            cells=fast,
            first_row=1,
            first_col=0,
            trimmed=None if raw else fast,
            filled=None if raw else filled,
        )
        grid.line_numbers = list(range(1, len(fast) + 1))  # type: ignore[attr-defined]
        grid.encoding = encoding  # type: ignore[attr-defined]
        grid.delimiter = delimiter  # type: ignore[attr-defined]
        return grid
    # one pass: csv.reader folds quoted multi-line cells into one record, so the physical line
    # each record starts on is taken as it goes
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        last = 0
        for row in reader:
            line_numbers.append(last + 1)
            rows.append(row)
            last = reader.line_num
    except csv.Error as exc:
        raise InputFileError(
            str(src.path),
            f"is not valid CSV ({exc})",
            hint="check the quoting around the reported line",
            code="ingest.corrupt",
        ) from None
    del text
    rows, rejoined, extra, header = realign_split_numbers(rows, numbers or NumberSplit())
    width = max((len(r) for r in rows), default=0)
    cells = pd.DataFrame(
        [[c if c.strip() != "" else None for c in r] + [None] * (width - len(r)) for r in rows],
        dtype=object,
    )
    grid = Grid(
        file=src.name,
        sheet="",
        sheet_index=0,
        cells=cells,
        first_row=1,
        first_col=0,
        rejoined=[(line_numbers[i], a, b) for i, a, b in rejoined],
        extra_fields=[(line_numbers[i], n) for i, n in extra],
        header_fields=header,
    )
    grid.line_numbers = line_numbers  # type: ignore[attr-defined]
    grid.encoding = encoding  # type: ignore[attr-defined]
    grid.delimiter = delimiter  # type: ignore[attr-defined]
    return grid


def realign_split_numbers(
    rows: list[list[str]], numbers: NumberSplit
) -> tuple[list[list[str]], list[tuple[int, str, str]], list[tuple[int, int]], int]:
    """Rows with more fields than the header, explained by numbers split at their unquoted
    thousands commas (``...,Proposal,1,000,000,2027-03-10``: 1 | 000 | 000), rejoined.

    The header is the first record of two or more filled fields; a row is longer when its
    fields up to its last filled one outnumber the header's. Its extra fields are explained
    when the runs of a 1-3 digit field followed by 3-digit fields hold exactly that many
    fields too many; each run is then joined with commas (the number as it was typed). Returns
    the rows, the rejoined ones (index, as split, as joined), the longer rows nothing explains
    (index, fields) and the header's width (0: no header)."""
    header = next((r for r in rows if sum(1 for c in r if c.strip()) >= 2), None)
    if header is None:
        return rows, [], [], 0
    width = len(header)
    g = numbers.group_digits
    marks = "|".join(re.escape(p) for p in numbers.prefixes)
    units = "|".join(re.escape(p) for p in numbers.suffixes)
    lead = re.compile(
        rf"\s*(?:{marks})?\s*[-+]?(?:{marks})?\d{{1,{g}}}" if marks else rf"\s*[-+]?\d{{1,{g}}}"
    )
    group = re.compile(rf"\d{{{g}}}")
    last_group = re.compile(
        rf"\d{{{g}}}(?:\.\d+)?\s*(?:{units})?\s*" if units else rf"\d{{{g}}}(?:\.\d+)?\s*"
    )
    out: list[list[str]] = []
    rejoined: list[tuple[int, str, str]] = []
    extra: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        used = len(row)
        while used and not row[used - 1].strip():
            used -= 1
        if used <= width:
            out.append(row)
            continue
        runs: list[tuple[int, int]] = []  # (first field, fields in the run)
        j = 0
        while j < used:
            if lead.fullmatch(row[j]):
                k = j + 1
                while k < used and group.fullmatch(row[k]):
                    k += 1
                # the last group may carry decimals or a unit (000.50, 000円)
                if k < used and not group.fullmatch(row[k]) and last_group.fullmatch(row[k]):
                    k += 1
                if k - j > 1:
                    runs.append((j, k - j))
                    j = k
                    continue
            j += 1
        if runs and sum(n - 1 for _, n in runs) == used - width:
            joined = list(row)
            for start, n in reversed(runs):
                joined[start : start + n] = [",".join(x.strip() for x in row[start : start + n])]
            rejoined.append(
                (
                    i,
                    " | ".join(" | ".join(row[a : a + n]) for a, n in runs),
                    ", ".join(",".join(row[a : a + n]) for a, n in runs),
                )
            )
            out.append(joined)
        else:
            extra.append((i, used))
            out.append(row)
    return out, rejoined, extra, width


def _physical_lines(text: str) -> int:
    """Lines as csv.reader counts them: CRLF, CR or LF ends one; a last line without one counts."""
    n = text.count("\n") + text.count("\r") - text.count("\r\n")
    return n + (1 if text and text[-1] not in "\r\n" else 0)


def _csv_cells_arrow(
    text: str, delimiter: str, trim: bool = False
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The CSV's cells as :func:`read_csv_grid`'s slow path gives them, parsed by Arrow's C++
    reader, and which of them hold a value (:attr:`Grid.filled`); None when that path must
    decide.

    Arrow is taken only when each record is one physical line (no blank line, no line break
    inside a quoted cell: then row i is line i + 1) and every record is as wide as the first;
    otherwise it fails or counts fewer rows and csv.reader reads the file. Each column is
    dictionary-encoded, so a text repeated down a column is one Python string (a million-row
    CSV is read in a fraction of the time and memory of a string object per cell). ``trim``:
    the cells as the layout step trims them (stripped; whitespace-only -> None)."""
    if not text or "\x00" in text:
        return None
    import pyarrow as pa
    import pyarrow.compute as pac
    import pyarrow.csv as pcsv

    first = next(
        csv.reader(
            io.StringIO(text[: text.find("\n") + 1 or None], newline=""), delimiter=delimiter
        ),
        None,
    )
    if not first:
        return None
    try:
        table = pcsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pcsv.ReadOptions(autogenerate_column_names=True, use_threads=False),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=True,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(len(first))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if table.num_columns != len(first) or table.num_rows != _physical_lines(text):
        return None
    # the frame's one block filled column by column (a row of the block is a column)
    n, width = table.num_rows, table.num_columns
    block = np.empty((width, n), dtype=object)
    filled = np.empty((width, n), dtype=bool)
    for j in range(width):
        encoded = pac.dictionary_encode(table.column(j)).combine_chunks()
        texts = encoded.dictionary.to_pylist()
        cells = np.empty(len(texts), dtype=object)
        if trim:
            cells[:] = [t.strip() or None for t in texts]
        else:
            cells[:] = [t if t.strip() != "" else None for t in texts]
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        block[j] = cells[codes]
        filled[j] = np.array([c is not None for c in cells], dtype=bool)[codes]
    del table
    frame = pd.DataFrame(
        block.T, index=pd.RangeIndex(n), columns=pd.RangeIndex(width), dtype=object, copy=False
    )
    return frame, filled.T


def decode_text(raw: bytes, src: SourceFile) -> tuple[str, str]:
    """Detect the encoding of a text file: BOMs first, then strict trials, then charset-normalizer."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    sample = raw[: 1024 * 1024]
    if len(sample) >= 4 and (
        sample[1::2].count(0) > len(sample) // 3 or sample[0::2].count(0) > len(sample) // 3
    ):
        enc = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return raw.decode(enc, "replace"), enc
    for enc in ("utf-8", "cp932"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is not None:
        enc = best.encoding
        try:
            return raw.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    raise InputFileError(
        str(src.path),
        "its text encoding could not be recognised",
        hint="save it as CSV UTF-8 from Excel (File > Save As > CSV UTF-8)",
        code="ingest.unknown-encoding",
    )


def sniff_delimiter(sample: str, ext: str) -> str:
    """Tab for .tsv with tabs; otherwise the candidate that splits the first lines most
    consistently (a comma CSV saved as .tsv is still read by its commas)."""
    if ext == ".tsv" and "\t" in sample:
        return "\t"
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for d in (",", "\t", ";", "|"):
        counts = [ln.count(d) for ln in lines]
        if max(counts) == 0:
            continue
        common = max(set(counts), key=counts.count)
        share = counts.count(common) / len(counts)
        score = share * (1 + min(common, 30) / 30) if common else 0.0
        if score > best_score:
            best, best_score = d, score
    return best
