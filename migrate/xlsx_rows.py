"""Whole rows for xlsxwriter's constant_memory worksheets, without the per-cell method layers.

In: a row's cells (column, value, format) in column order. Out: the same ``<c>`` elements
xlsxwriter writes for ``write_string`` / ``write_number`` / ``write_datetime`` of each cell,
byte for byte, written when xlsxwriter flushes the row. quality.xlsx copies hundreds of
thousands of source cells; through the public per-cell calls each one costs a decorator, an
argument check, a tuple in the row table and the attribute loops of the XML writer, which was
most of the workbook's time (issue 14). Used by quality.xlsx (report) and import.xlsx (export). Anything that is not a plain text, number or date
(booleans, blanks, a text over half of Excel's 32,767 characters, a rich-text lookalike) goes
through xlsxwriter's own calls into its row table, and the flush interleaves both by column,
so format indices are assigned in the same order as before and the file is the same.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xlsxwriter.url import Url, UrlTypes
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

# what xlsxwriter's _escape_control_characters changes: an _xHHHH_ lookalike (it escapes the
# underscore), a control character, U+FFFE, U+FFFF
_NEEDS_CONTROL_ESCAPE = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPE_LOOKALIKE = re.compile("_x[0-9a-fA-F]{4}_")  # its first half
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # its second half
_EDGE_SPACE = re.compile(r"^\s|\s$")  # xlsxwriter's _preserve_whitespace

#: zlib's level for the parts of the workbooks the tool writes. xlsxwriter zips at zlib's default
#: 6; at 3 (zlib's fast deflate) the 150 MB of XML of a 100k-row tracker's quality.xlsx are
#: zipped in 0.57 instead of 1.18 CPU s, for a file 20% larger (14.5 against 12.1 MB)
ZIP_LEVEL = 3


class FastZipWorkbook(Workbook):  # type: ignore[misc]
    """An xlsxwriter Workbook whose parts are deflated at :data:`ZIP_LEVEL`."""

    def _store_workbook(self) -> None:
        # xlsxwriter opens the zip file inside this method and offers no option for its level:
        # the module's ZipFile is given the level for the length of the call
        import xlsxwriter.workbook as module

        zip_file = module.ZipFile
        module.ZipFile = functools.partial(zip_file, compresslevel=ZIP_LEVEL)
        try:
            super()._store_workbook()
        finally:
            module.ZipFile = zip_file


Cell = tuple[int, Any, Any]  # (0-based column, value, Format or None)
_INLINE = ' t="inlineStr"><is><t>{}</t></is></c>'
_PRESERVED = ' t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>'


class RowSheet(Worksheet):  # type: ignore[misc]
    """A constant_memory worksheet that also takes a whole row of cells at once (``put_row``)."""

    previous_row: int  # xlsxwriter's: the row constant_memory has not written out yet
    # xlsxwriter's: the rows and columns the sheet's cells span so far
    dim_rowmin: int | None
    dim_rowmax: int | None
    dim_colmin: int | None
    dim_colmax: int | None

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[int, list[Cell]] = {}
        self._letters: dict[int, str] = {}
        # the escaped XML of texts seen before (trackers and the findings sheet repeat
        # theirs: owners, stages, rules, titles); bounded, short texts only
        self._texts: dict[str, str] = {}
        self._xml_rows: dict[int, str] = {}  # rows whose whole <row> element the caller built
        # the internal links of :meth:`internal_link`: row -> col -> (location, text)
        self._link_xml: dict[int, dict[int, tuple[str, str]]] = {}

    def put_xml(self, row: int, xml: str, first: int, last: int) -> bool:
        """Write the 0-based ``row`` as ``xml``, a whole ``<row>`` element whose cells run from
        column ``first`` to ``last``, built from :meth:`tail` and :meth:`blank_tail`; False
        (nothing written: the caller writes the row cell by cell) when the row cannot be
        written that way (a row format, a row outside the sheet or already written)."""
        if (
            not self.constant_memory
            or row in self.row_info
            or self._check_dimensions(row, first)
            or self._check_dimensions(row, last)
        ):
            return False
        if row > self.previous_row:
            self._write_single_row(row)
        self._xml_rows[row] = xml
        return True

    def put_xml_run(
        self,
        rows: list[int],
        xmls: list[str],
        firsts: list[int],
        lasts: list[int],
        after: Callable[[int], None] | None = None,
    ) -> bool:
        """:meth:`put_xml` of each of ``rows`` (ascending, below every row written so far)
        in turn, ``after(i)`` following the ``i``-th: the same sheet, with the rows' XML
        written at once, not row by row. False (nothing written) when one of them would be
        refused; the caller then puts them one at a time."""
        if (
            not rows
            or not self.constant_memory
            or rows[0] <= self.previous_row
            or rows[-1] >= self.xls_rowmax
            or min(firsts) < 0
            or max(lasts) >= self.xls_colmax
            or (self.row_info and any(r in self.row_info for r in rows))
        ):
            return False
        # what _check_dimensions of each row's first and last cell would have kept
        lo, hi = min(firsts), max(lasts)
        if self.dim_rowmin is None or rows[0] < self.dim_rowmin:
            self.dim_rowmin = rows[0]
        if self.dim_rowmax is None or rows[-1] > self.dim_rowmax:
            self.dim_rowmax = rows[-1]
        if self.dim_colmin is None or lo < self.dim_colmin:
            self.dim_colmin = lo
        if self.dim_colmax is None or hi > self.dim_colmax:
            self.dim_colmax = hi
        self._write_single_row(rows[0])  # the row pending before these
        if after is not None:  # each sees the sheet at or above its row, as row by row
            for i in range(len(rows)):
                after(i)
        if len(rows) > 1:
            self.fh.write("".join(xmls[:-1]))
            self.table.clear()
        self.previous_row = rows[-1]
        self._xml_rows[rows[-1]] = xmls[-1]
        return True

    def tail(self, col: int, value: object, fmt: Any) -> str | None:
        """What follows ``<c r="A1`` in the ``<c>`` element :meth:`put_row` writes for ``value``
        in column ``col`` of a row without a row format; None for a value it leaves to
        xlsxwriter's own calls (see :func:`_plain`) or a date without a format. Resolves the
        format's style index: call it in the order the cells are written (see
        :meth:`put_xml`), or after the formats' indices are fixed."""
        if not _plain(value, self.xls_strmax // 2) or (fmt is None and isinstance(value, dt.date)):
            return None
        return '"' + self._style(col, None, fmt) + self._value_xml(value)

    def tails(self, col: int, cells: Sequence[tuple[object, Any]]) -> list[str | None]:
        """``[self.tail(col, value, fmt) for value, fmt in cells]``, the texts' XML made for
        all of them at once: what none of them needs (an escape of a control character, of
        ``&<>``) is looked for once in all the texts, not per text."""
        limit = self.xls_strmax // 2
        out: list[str | None] = [None] * len(cells)
        styles: dict[int, str] = {}  # id(format) -> '"' and the s attribute
        at: list[int] = []  # the texts: their places and their styles
        texts: list[str] = []
        heads: list[str] = []
        for i, (value, fmt) in enumerate(cells):
            if not _plain(value, limit) or (fmt is None and isinstance(value, dt.date)):
                continue
            head = styles.get(id(fmt))
            if head is None:
                head = styles[id(fmt)] = '"' + self._style(col, None, fmt)
            if isinstance(value, str):
                at.append(i)
                texts.append(value)
                heads.append(head)
            else:
                out[i] = head + self._value_xml(value)
        if texts:
            for i, head, tail in zip(at, heads, self._text_tails(texts)):
                out[i] = head + tail
        return out

    def _text_tails(self, texts: list[str]) -> list[str]:
        """:meth:`_text_tail` of each text."""
        joined = "\n".join(texts)  # a LF neither is nor makes a control escape
        # the two halves of _NEEDS_CONTROL_ESCAPE apart: a character class alone, and the
        # _xHHHH_ lookalike only where "_x" is, scan far faster than their alternation
        if _CONTROL_CHARACTER.search(joined) or (
            "_x" in joined and _ESCAPE_LOOKALIKE.search(joined)
        ):
            escape = self._escape_control_characters
            texts = [escape(t) if _NEEDS_CONTROL_ESCAPE.search(t) else t for t in texts]
        if "&" in joined or "<" in joined or ">" in joined:
            texts = [
                t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                if "&" in t or "<" in t or ">" in t
                else t
                for t in texts
            ]
        # _EDGE_SPACE: re's \s is str.isspace (a space at either end, the text as escaped)
        return [
            _PRESERVED.format(t) if t[:1].isspace() or t[-1:].isspace() else _INLINE.format(t)
            for t in texts
        ]

    def link_formula_tail(self, formula: str, text: str, fmt: Any) -> str | None:
        """What follows ``<c r="A1`` in the ``<c>`` element ``write_formula(row, col, formula,
        fmt, text)`` writes for ``formula``, a ``=HYPERLINK(...)`` whose only parenthesis is
        its own; None for any other formula (xlsxwriter's call rewrites or hands off those:
        future and dynamic-array functions, array braces). Call it after the format's style
        index is fixed."""
        if (
            not formula.startswith("=HYPERLINK(")
            or formula.count("(") != 1
            or formula.endswith("}")
            or self.use_future_functions
            or not text
            or text in _FORMULA_ERRORS
        ):
            return None
        body, shown = formula[1:], text
        if "&" in body or "<" in body or ">" in body:
            body = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if "&" in shown or "<" in shown or ">" in shown:
            shown = shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        style = f' s="{fmt._get_xf_index()}"' if fmt else ""
        return f'"{style} t="str"><f>{body}</f><v>{shown}</v></c>'

    def blank_tail(self, fmt: Any) -> str:
        """What follows ``<c r="A1`` in the empty ``<c>`` element of a formatted blank cell."""
        return f'" s="{fmt._get_xf_index()}"/>'

    def put_row(self, row: int, cells: list[Cell]) -> None:
        """Write ``cells`` (ascending columns, no column twice) to the 0-based ``row``, as
        :meth:`_write_one` of each cell would."""
        if not cells:
            return
        if (
            not self.constant_memory
            or self._check_dimensions(row, cells[0][0])
            or self._check_dimensions(row, cells[-1][0])
        ):
            for col, value, fmt in cells:
                self._write_one(row, col, value, fmt)
            return
        if row > self.previous_row:
            self._write_single_row(row)
        fast = self._rows.setdefault(row, [])
        limit = self.xls_strmax // 2
        for cell in cells:
            if _plain(cell[1], limit):
                fast.append(cell)
            else:
                self._write_one(row, *cell)

    def internal_link(self, row: int, col: int, location: str, text: str) -> None:
        """The hyperlink ``_write_url(row, col, "internal:" + location, fmt, text)`` keeps with
        ``ignore_write_string`` set (the cell's text is the caller's), without its ``Url``
        object: its ``<hyperlink>`` element made now and written, in row and column order with
        the sheet's other links, when the sheet is closed. A link the call would refuse or warn
        about (a row already written, past Excel's links per sheet, a long location) goes
        through the call itself."""
        if (
            len(location) > _LINK_LOCATION
            or "#" in location
            or self.hlink_count >= _MAX_SHEET_LINKS
            or self._check_dimensions(row, col)
        ):
            self.ignore_write_string = True
            try:
                self._write_url(row, col, f"internal:{location}", None, text)
            finally:
                self.ignore_write_string = False
            return
        self.hlink_count += 1
        links = self.hyperlinks.get(row)
        if links:  # a later link to a cell replaces the earlier one
            links.pop(col, None)
        self._link_xml.setdefault(row, {})[col] = (location, text)

    def _write_hyperlinks(self) -> None:
        """xlsxwriter's ``<hyperlinks>`` element, with the links of :meth:`internal_link` in
        their places (row, then column order)."""
        mine = self._link_xml
        if not mine:
            super()._write_hyperlinks()
            return
        theirs = {r: cols for r, cols in self.hyperlinks.items() if cols}
        if any(
            url._link_type != UrlTypes.INTERNAL for cols in theirs.values() for url in cols.values()
        ):  # an external link: xlsxwriter numbers its relationships; all links through it
            for r, cols in mine.items():
                for c, (location, text) in cols.items():
                    url = Url(f"internal:{location}")
                    url._text = text
                    self.hyperlinks[r][c] = url
            self._link_xml = {}
            super()._write_hyperlinks()
            return
        self._xml_start_tag("hyperlinks")
        write = self.fh.write
        letters = self._letters
        for r in sorted(mine.keys() | theirs.keys()):
            cols_mine, cols_url = mine.get(r, {}), theirs.get(r, {})
            for c in sorted(cols_mine.keys() | cols_url.keys()):
                if c in cols_url:
                    self._write_hyperlink_internal(r, c, cols_url[c])
                    continue
                location, text = cols_mine[c]
                if c not in letters:
                    letters[c] = xl_col_to_name(c)
                write(
                    f'<hyperlink ref="{letters[c]}{r + 1}" location="{_attribute(location)}"'
                    f' display="{_attribute(text)}"/>'
                )
        self._xml_end_tag("hyperlinks")

    def _write_one(self, row: int, col: int, value: object, fmt: Any) -> None:
        """One cell through xlsxwriter's own calls: a text that looks like a formula or a URL
        stays text; a number Excel cannot hold (inf, nan) is written as text."""
        if isinstance(value, str):
            self.write_string(row, col, value, fmt)
        elif isinstance(value, bool):
            self.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, float)):
            if value == value and value not in (_INF, -_INF):
                self.write_number(row, col, value, fmt)
            else:
                self.write_string(row, col, str(value), fmt)
        elif isinstance(value, (dt.datetime, dt.date)):
            self.write_datetime(row, col, value, fmt)
        else:
            self.write_string(row, col, str(value), fmt)

    def _write_single_row(self, current_row_num: int = 0) -> None:
        row = self.previous_row
        xml = self._xml_rows.pop(row, None)
        if xml is not None:
            self.previous_row = current_row_num
            self.fh.write(xml)
            self.table.clear()
            return
        fast = self._rows.pop(row, None)
        if not fast:
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        table = self.table.get(row) or {}
        self._write_row(row, None, self.row_info.get(row))
        if table:
            merged: list[tuple[int, Cell | None]] = [(c[0], c) for c in fast]
            merged += [(col, None) for col in table]
            merged.sort(key=lambda x: x[0])
            for col, cell in merged:
                if cell is None:
                    self._write_cell(row, col, table[col])
                else:
                    self.fh.write(self._cell_xml(row, cell))
        else:
            self.fh.write("".join([self._cell_xml(row, c) for c in fast]))
        self._xml_end_tag("row")
        self.table.clear()

    def _write_optimized_sheet_data(self) -> None:
        """xlsxwriter's copy of the rows' temporary file into the sheet's XML, as bytes: it
        reads the file back as text and writes that text again, decoding and encoding every
        row a second time (the largest part of closing a big sheet after the deflate). Both
        files are UTF-8, so the bytes are the same; a CR in the rows, which text reading
        turns into LF (xlsxwriter escapes a CR in a cell, so none in practice), is turned
        into LF here too. Anything else (rows in memory, another line separator): xlsxwriter."""
        src: Any = getattr(self, "row_data_fh", None)
        dst: Any = self.fh
        if (
            self.dim_rowmin is None
            or os.linesep != "\n"
            or not all(
                getattr(f, "encoding", None) == "utf-8" and hasattr(f, "buffer") for f in (src, dst)
            )
        ):
            super()._write_optimized_sheet_data()
            return
        self._xml_start_tag("sheetData")
        src.flush()
        dst.flush()
        rows, out = src.buffer, dst.buffer
        rows.seek(0)
        while data := rows.read(_COPY_BYTES):
            if b"\r" in data:  # universal newlines, as reading the text gives
                while data.endswith(b"\r") and (more := rows.read(1)):
                    data += more
                data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            out.write(data)
        src.close()
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")

    def _cell_xml(self, row: int, cell: Cell) -> str:
        """The ``<c>`` element xlsxwriter's _write_cell writes for a string, number or date."""
        col, value, fmt = cell
        letters = self._letters.get(col)
        if letters is None:
            letters = self._letters[col] = xl_col_to_name(col)
        if fmt is None and isinstance(value, dt.date):
            fmt = self.default_date_format  # write_datetime's default
        return f'<c r="{letters}{row + 1}"{self._style(col, row, fmt)}{self._value_xml(value)}'

    def _style(self, col: int, row: int | None, fmt: Any) -> str:
        """The ``s`` attribute of a cell: its format, else its row's, else its column's."""
        if fmt:
            return f' s="{fmt._get_xf_index()}"'
        info = self.row_info.get(row) if row is not None else None
        if info is not None and info.row_format:
            return f' s="{info.row_format._get_xf_index()}"'
        if col in self.col_info:
            column_format = self.col_info[col].column_format
            if column_format is not None:
                return f' s="{column_format._get_xf_index()}"'
        return ""

    def _value_xml(self, value: Any) -> str:
        """A cell's type attribute and value: the inline string, or the number."""
        if isinstance(value, str):
            tail = self._texts.get(value)
            if tail is None:
                tail = self._text_tail(value)
                if len(value) <= _CACHED_TEXT and len(self._texts) < _CACHED_TEXTS:
                    self._texts[value] = tail
            return tail
        if isinstance(value, dt.date):
            value = self._convert_date_time(value)
        return f"><v>{value:.16G}</v></c>"

    def _text_tail(self, value: str) -> str:
        """What follows a text cell's attributes: the inline string, escaped as xlsxwriter does."""
        if _NEEDS_CONTROL_ESCAPE.search(value):
            value = self._escape_control_characters(value)
        space = ' xml:space="preserve"' if _EDGE_SPACE.search(value) else ""
        if "&" in value or "<" in value or ">" in value:
            value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f' t="inlineStr"><is><t{space}>{value}</t></is></c>'


def column_xml(
    ws: RowSheet,
    col: int,
    refs: np.ndarray,
    codes: np.ndarray,
    cells: Sequence[tuple[object, Any]],
    tails: dict[int, str | None],
    repeated: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A column's ``<c>`` elements, one per row: ``refs`` are the rows' numbers as text (Excel's,
    1-based), ``codes`` each row's index into ``cells`` (value, format), -1 for no cell.
    Each distinct cell's XML after its reference (:meth:`RowSheet.tail`) is made once per
    call, and kept in ``tails`` for later calls where ``repeated`` (per code) says the value
    comes back (all when None); call it after the formats' style indices are fixed. Returns
    the elements ("" for no cell) and the rows whose value has no tail (they are written cell
    by cell)."""
    shown = np.flatnonzero(codes >= 0)
    needed, where = np.unique(codes[shown], return_inverse=True)
    codes_needed = needed.tolist()
    new = [u for u in codes_needed if u not in tails]
    made = dict(zip(new, ws.tails(col, [cells[u] for u in new])))
    if repeated is None:
        tails.update(made)
    else:
        tails.update((u, t) for u, t in made.items() if repeated[u])
    found = [made[u] if u in made else tails[u] for u in codes_needed]
    no_tail = np.array([t is None for t in found], dtype=bool)
    parts = np.array(["" if t is None else t for t in found], dtype=object)
    out = np.full(len(codes), "", dtype=object)
    out[shown] = ('<c r="' + xl_col_to_name(col)) + refs[shown] + parts[where]
    bad = np.zeros(len(codes), dtype=bool)
    bad[shown] = no_tail[where]
    return out, bad


def put_xml_rows(
    ws: RowSheet,
    rows: list[int],
    pieces: dict[int, np.ndarray],
    odd: np.ndarray,
    by_cells: Callable[[int], None],
    after: Callable[[int], None] | None = None,
) -> None:
    """Write the 0-based ``rows`` (ascending), each the ``<row>`` of its cells in ``pieces``
    (column -> one ``<c>`` element or "" per row), in column order; ``by_cells(k)`` writes the
    ``k``-th row cell by cell instead where ``odd`` is set or :meth:`RowSheet.put_xml` refuses
    it. A row without cells is not written. ``after(k)`` follows each row written as XML."""
    order = sorted(pieces)
    n = len(rows)
    if not order:
        texts = [""] * n
    else:
        texts = ["".join(cells) for cells in zip(*(pieces[c].tolist() for c in order))]
        full = np.stack([pieces[c] != "" for c in order], axis=1)
        cols = np.asarray(order)
        first = cols[full.argmax(axis=1)].tolist()
        last = cols[len(order) - 1 - full[:, ::-1].argmax(axis=1)].tolist()
    k = 0
    while k < n:
        if odd[k]:
            by_cells(k)
            k += 1
            continue
        if not texts[k]:
            k += 1
            continue
        end = k + 1  # a run of rows written as XML: put at once
        while end < n and not odd[end] and texts[end]:
            end += 1
        run = rows[k:end]
        xmls = [f'<row r="{r + 1}">{x}</row>' for r, x in zip(run, texts[k:end])]
        shifted = None if after is None else functools.partial(_shifted, after, k)
        if not ws.put_xml_run(run, xmls, first[k:end], last[k:end], shifted):
            for j in range(k, end):
                if ws.put_xml(rows[j], xmls[j - k], first[j], last[j]):
                    if after is not None:
                        after(j)
                else:
                    by_cells(j)
        k = end


def _shifted(fn: Callable[[int], None], start: int, i: int) -> None:
    fn(start + i)


_INF = float("inf")
# the cached results xlsxwriter writes as an error (t="e"), not as a text
_FORMULA_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
_COPY_BYTES = 1 << 20  # bytes of a sheet's rows copied at a time
_CACHED_TEXT = 200  # characters of a text whose XML is kept for its next use
_CACHED_TEXTS = 200_000  # texts kept per sheet


_LINK_LOCATION = 255  # characters of a location taken by internal_link (Excel's limit: 2,079)
_MAX_SHEET_LINKS = 65530  # xlsxwriter's hyperlinks per worksheet
_ATTRIBUTE_ESCAPES = re.compile('["&<>\n]')  # xlsxwriter's _escape_attributes


def _attribute(text: str) -> str:
    """``text`` as xlsxwriter writes an XML attribute's value."""
    if not _ATTRIBUTE_ESCAPES.search(text):
        return text
    return (
        text.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "&#xA;")
    )


def _plain(value: object, limit: int) -> bool:
    """A text, finite number or date whose cell :meth:`RowSheet._cell_xml` writes."""
    if isinstance(value, str):
        return len(value) <= limit and not (value.startswith("<r>") and value.endswith("</r>"))
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return value == value and value not in (_INF, -_INF)
    return isinstance(value, (int, dt.date))


__all__ = ["RowSheet", "column_xml", "put_xml_rows"]
