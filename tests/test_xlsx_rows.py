"""RowSheet.put_row writes the same workbook bytes as xlsxwriter's own per-cell calls."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import xlsxwriter

from migrate.xlsx_rows import RowSheet

VALUES: list[object] = [
    "plain",
    "日本語の会社名",
    " leading space",
    "trailing space ",
    "tab\tinside",
    "line\nbreak",
    'a & b < c > d "quoted"',
    "_x0041_ looks escaped",
    "control \x01\x1f chars",
    "non-char \ufffe\uffff",
    "<r>rich lookalike</r>",
    "=SUM(A1:A2)",
    "https://example.com/x",
    "x" * 20000,  # over half of Excel's limit: xlsxwriter's own call
    "y" * 40000,  # truncated by xlsxwriter
    "",
    0,
    -12,
    10**17,
    1.5,
    1 / 3,
    1e-7,
    float("nan"),
    float("inf"),
    float("-inf"),
    True,
    False,
    dt.date(2026, 3, 31),
    dt.datetime(2026, 3, 31, 12, 30, 5),
    dt.datetime(2026, 3, 31),
]


def _per_cell(ws: object, row: int, col: int, value: object, fmt: object) -> None:
    """The per-cell calls quality.xlsx made before rows (RowSheet._write_one's choice)."""
    if isinstance(value, str):
        ws.write_string(row, col, value, fmt)  # type: ignore[attr-defined]
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)  # type: ignore[attr-defined]
    elif isinstance(value, (int, float)):
        if value == value and value not in (float("inf"), float("-inf")):
            ws.write_number(row, col, value, fmt)  # type: ignore[attr-defined]
        else:
            ws.write_string(row, col, str(value), fmt)  # type: ignore[attr-defined]
    else:
        ws.write_datetime(row, col, value, fmt)  # type: ignore[attr-defined]


def _book(by_rows: bool, as_xml: bool = False) -> dict[str, bytes]:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"constant_memory": True, "remove_timezone": True, "strings_to_urls": False}
    )
    wb.set_properties({"created": dt.datetime(2000, 1, 1)})
    fills = [wb.add_format({"pattern": 1, "bg_color": c}) for c in ("#F4C7C3", "#FCE8B2")]
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    link = wb.add_format({"font_color": "#1A73E8", "underline": 1})
    ws = wb.add_worksheet("s", worksheet_class=RowSheet if by_rows else None)
    ws.set_column(3, 3, 20, fills[1])  # a column format, for cells without their own
    ws.write_comment(2, 1, "a comment")
    for r in range(len(VALUES)):
        cells = []
        for c in range(6):
            value = VALUES[(r + 3 * c) % len(VALUES)]
            if value == "":
                continue
            fmt = fills[(r + c) % 2] if (r + c) % 3 == 0 else None
            if isinstance(value, dt.date) and c == 2:
                fmt = date_fmt
            cells.append((c, value, fmt))
        tails = [ws.tail(c, value, fmt) for c, value, fmt in cells] if as_xml else []
        if as_xml and r % 4 and None not in tails:  # the whole row as XML, cells from tails
            xml = "".join(f'<c r="{"ABCDEF"[c]}{r + 2}{t}' for (c, _, _), t in zip(cells, tails))
            assert ws.put_xml(r + 1, f'<row r="{r + 2}">{xml}</row>', cells[0][0], cells[-1][0])
        elif by_rows:
            ws.put_row(r + 1, cells)
        else:
            for c, value, fmt in cells:
                _per_cell(ws, r + 1, c, value, fmt)
        if r % 4 == 0:  # xlsxwriter's own cells in the same row, merged by column
            ws.write_blank(r + 1, 7, None, fills[0])
            ws.write_url(r + 1, 6, "internal:'s'!A1", link, string=f"s!A{r}")
    wb.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_rows_write_the_same_parts_as_cells() -> None:
    by_cells, by_rows = _book(False), _book(True)
    assert by_rows.keys() == by_cells.keys()
    for name in by_cells:
        assert by_rows[name] == by_cells[name], name
    sheet = by_rows["xl/worksheets/sheet1.xml"].decode()
    assert (
        "_x005F_x0041_" in sheet and "&amp; b &lt; c" in sheet and 'xml:space="preserve"' in sheet
    )


def test_rows_as_xml_from_tails_write_the_same_parts_as_cells() -> None:
    """put_xml of rows built from tail(), the other rows by put_row and xlsxwriter's calls."""
    by_cells, by_xml = _book(False), _book(True, as_xml=True)
    for name in by_cells:
        assert by_xml[name] == by_cells[name], name


def test_a_row_before_the_written_ones_is_ignored_as_xlsxwriter_does() -> None:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True})
    ws = wb.add_worksheet("s", worksheet_class=RowSheet)
    ws.put_row(5, [(0, "late", None)])
    ws.put_row(2, [(0, "early", None)])  # constant_memory has moved on: dropped
    ws.put_row(6, [])
    wb.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "late" in sheet and "early" not in sheet


def test_import_workbook_rows_are_the_cells_write_row_made(tmp_path) -> None:
    """import.xlsx: every cell a text cell, an empty text no cell, as ``write_row`` of the
    row's texts wrote them (formula, URL and number lookalikes stay texts)."""
    import pandas as pd

    from migrate.export import ExportResult
    from migrate.export.profile import load_target
    from migrate.export.write import _write_workbook

    target = load_target("generic")
    texts = ["plain", "", "=1+1", "{=A1}", "https://example.com", "123", " edge ", "a&b<c>"]
    files = {
        spec.name: pd.DataFrame(
            {f"c{j}": [texts[(i + j) % len(texts)] for i in range(12)] for j in range(5)}
        ).astype("object")
        for spec in target.files
    }
    files[target.files[0].name].iloc[3, 2] = None
    result = ExportResult(target.name, files, pd.DataFrame(), {}, pd.DataFrame())
    _write_workbook(result, tmp_path / "rows.xlsx", target)

    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(str(tmp_path / "cells.xlsx"), options) as book:
        header = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "top"})
        for spec in target.files:
            frame = files[spec.name]
            ws = book.add_worksheet(spec.name.rsplit(".", 1)[0][:31])
            ws.freeze_panes(1, 0)
            ws.write_row(0, 0, [str(c) for c in frame.columns], header)
            for r, row in enumerate(frame.itertuples(index=False, name=None), start=1):
                # write_string, not write_row: xlsxwriter before 3.3.1 wrote "{=A1}" as an array
                # formula even with strings_to_formulas off; a text is what an import file holds
                for c, x in enumerate(row):
                    if x is not None and str(x) != "":
                        ws.write_string(r, c, str(x))
    with (
        zipfile.ZipFile(tmp_path / "rows.xlsx") as rows,
        zipfile.ZipFile(tmp_path / "cells.xlsx") as cells,
    ):
        sheets = [n for n in cells.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == len(target.files)
        for name in sheets:
            assert rows.read(name) == cells.read(name), name
        first = rows.read(sheets[0]).decode()
    assert ">=1+1<" in first and ">{=A1}<" in first and "<f" not in first
    assert "<v>123</v>" not in first


class _TextCopySheet(RowSheet):  # type: ignore[misc]
    """RowSheet with xlsxwriter's own copy of the rows' file (read and written as text)."""

    def _write_optimized_sheet_data(self) -> None:
        from xlsxwriter.worksheet import Worksheet

        Worksheet._write_optimized_sheet_data(self)


def test_the_rows_are_copied_into_the_sheet_as_the_text_copy_gives(tmp_path) -> None:
    """RowSheet copies the rows' temporary file as bytes: the same sheet as xlsxwriter's text
    copy, also for a raw CR (read as LF) at any place of a block, and an empty sheet."""
    import migrate.xlsx_rows as xr

    def book(sheet_class: type, block: int) -> dict[str, bytes]:
        xr._COPY_BYTES, before = block, xr._COPY_BYTES
        try:
            path = tmp_path / f"{sheet_class.__name__}-{block}.xlsx"
            wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
            wb.set_properties({"created": dt.datetime(2000, 1, 1)})
            ws = wb.add_worksheet("s", worksheet_class=sheet_class)
            wb.add_worksheet("empty", worksheet_class=sheet_class)
            for r in range(40):
                text = ["a\rb", "c\r\nd", "e\r", "\r\r\n", "日本\r語"][r % 5] * (r % 7 + 1)
                xml = f'<row r="{r + 1}"><c r="A{r + 1}" t="inlineStr"><is><t>{text}</t></is></c></row>'
                assert ws.put_xml(r, xml, 0, 0)
            ws.put_row(41, [(0, "plain 日本語", None), (1, 1.5, None)])
            wb.close()
        finally:
            xr._COPY_BYTES = before
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")}

    expected = book(_TextCopySheet, 1 << 20)
    assert b"\r" not in expected["xl/worksheets/sheet1.xml"]
    for block in (1, 2, 3, 7, 64, 1 << 20):
        assert book(RowSheet, block) == expected, block


def test_tails_of_many_cells_are_the_tail_of_each() -> None:
    """RowSheet.tails (the XML of a column's distinct cells at once) is tail() of each."""
    extra = ["\x01", " ", "\u3000全角", "末尾\u3000", "a\n", "\nb", "&", "<r>x</r>", "_x0000_ "]
    for control in (False, True):
        for amp in (False, True):
            texts = [
                v
                for v in VALUES + extra
                if not isinstance(v, str)
                or (
                    (control or not ("\x01" in v or "_x" in v or "\ufffe" in v or "\x1f" in v))
                    and (amp or not any(c in v for c in "&<>"))
                )
            ]
            wb = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
            fill = wb.add_format({"pattern": 1, "bg_color": "#F4C7C3"})
            ws = wb.add_worksheet("s", worksheet_class=RowSheet)
            ws.set_column(3, 3, 20, wb.add_format({"bold": True}))
            for col in (0, 3):
                cells = [(v, fill if i % 3 == 0 else None) for i, v in enumerate(texts)]
                assert ws.tails(col, cells) == [ws.tail(col, v, f) for v, f in cells]
            wb.close()


def test_link_formula_rows_are_the_cells_write_formula_made() -> None:
    """A HYPERLINK formula's cell from link_formula_tail (put_xml) is write_formula's; a
    formula it does not take (another function, a dynamic-array one, a cached error) is left
    to xlsxwriter's call."""
    names = ["plain", "a & b <c>", 'say "hi"', "has (paren)", "x FILTER(y", "_xlfn.SORT", "改"]
    formulas = [
        (f'=HYPERLINK("#\'{n}\'!A1","{n.replace(chr(34), chr(34) * 2)}!A1")', f"{n}!A1")
        for n in names
    ]
    formulas += [("=SUM(A1:A2)", "3"), ('=HYPERLINK("#x","y")', "#N/A"), ("=HYPERLINK(1)", "")]

    def book(as_xml: bool) -> tuple[dict[str, bytes], list[bool]]:
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "strings_to_urls": False})
        wb.set_properties({"created": dt.datetime(2000, 1, 1)})
        link = wb.add_format({"font_color": "#1A73E8", "underline": 1})
        ws = wb.add_worksheet("s", worksheet_class=RowSheet)
        taken = []
        for r, (formula, text) in enumerate(formulas, start=1):
            fmt = link if r % 2 else None
            tail = ws.link_formula_tail(formula, text, fmt) if as_xml else None
            taken.append(tail is not None)
            if tail is None:
                ws.write_string(r, 0, "x")
                ws.write_formula(r, 2, formula, fmt, text)
            else:
                xml = f'<c r="A{r + 1}" t="inlineStr"><is><t>x</t></is></c><c r="C{r + 1}{tail}'
                assert ws.put_xml(r, f'<row r="{r + 1}">{xml}</row>', 0, 2)
        wb.close()
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
            return {n: z.read(n) for n in z.namelist()}, taken

    (by_cells, _), (by_xml, taken) = book(False), book(True)
    assert taken == [True, True, True, False, False, True, True, False, False, False]
    for name in by_cells:
        assert by_xml[name] == by_cells[name], name


def test_a_run_of_xml_rows_is_the_sheet_row_by_row_gives() -> None:
    """put_xml_run of rows (with their links put after each, between xlsxwriter's own rows)
    writes the workbook put_xml of one row at a time writes; a run starting at or above a
    written row is refused whole."""

    def book(runs: bool) -> dict[str, bytes]:
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "strings_to_urls": False})
        wb.set_properties({"created": dt.datetime(2000, 1, 1)})
        link = wb.add_format({"font_color": "#1A73E8", "underline": 1})
        ws = wb.add_worksheet("s", worksheet_class=RowSheet)
        ws.write_string(0, 0, "head")

        def after(r: int) -> None:
            ws.ignore_write_string = True
            ws._write_url(r, 3, f"internal:'s'!A{r}", link, f"s!A{r}")
            ws.ignore_write_string = False

        for start in (1, 5, 8, 9, 20):
            rows = list(range(start, start + 3 if start != 8 else start + 1))
            xmls = [
                f'<row r="{r + 1}"><c r="B{r + 1}" t="inlineStr"><is><t>{r}</t></is></c>'
                f'<c r="D{r + 1}" t="inlineStr"><is><t>s!A{r}</t></is></c></row>'
                for r in rows
            ]
            if runs:
                assert ws.put_xml_run(rows, xmls, [1] * len(rows), [3] * len(rows),
                                      lambda i, rows=rows: after(rows[i]))  # fmt: skip
            else:
                for r, x in zip(rows, xmls):
                    assert ws.put_xml(r, x, 1, 3)
                    after(r)
            if start == 1:
                ws.write_string(4, 0, "own row")  # xlsxwriter's row between two runs
        assert not ws.put_xml_run([22], ["<row/>"], [0], [0])  # row 22 is pending: refused
        wb.close()
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
            return {n: z.read(n) for n in z.namelist()}

    by_row, by_run = book(False), book(True)
    for name in by_row:
        assert by_run[name] == by_row[name], name


def test_internal_links_are_the_links_write_url_keeps() -> None:
    """internal_link writes the <hyperlinks> element _write_url's links (the cell's text left
    to the caller) give: locations and texts to escape, links mixed with write_url's in one
    row and across rows, a cell linked twice, a row already written (dropped), a long
    location (through _write_url), and with an external link on the sheet (all through
    xlsxwriter)."""
    names = ["plain", "a & b <c>", 'say "hi"', "line\nbreak", "改", "x" * 300, "has #hash"]

    def book(fast: bool, external: bool) -> dict[str, bytes]:
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "strings_to_urls": False})
        wb.set_properties({"created": dt.datetime(2000, 1, 1)})
        link = wb.add_format({"font_color": "#1A73E8", "underline": 1})
        ws = wb.add_worksheet("s", worksheet_class=RowSheet)

        def internal(r: int, c: int, location: str, text: str) -> None:
            if fast:
                ws.internal_link(r, c, location, text)
            else:
                ws.ignore_write_string = True
                ws._write_url(r, c, f"internal:{location}", link, text)
                ws.ignore_write_string = False

        for r, name in enumerate(names, start=1):
            ws.write_string(r, 0, "x")
            internal(r, 3, f"'{name}'!A{r}", f"{name}!A{r}")
            if r % 2:  # xlsxwriter's own link in the same row, before and after in columns
                ws.write_url(r, 1, f"internal:'s'!B{r}", link, string=f"s!B{r}")
                ws.write_url(r, 5, f"internal:'s'!C{r}", link, string=f"s!C{r}")
        internal(2, 3, "'again'!A1", "again!A1")  # the cell's link replaced
        ws.write_url(3, 3, "internal:'over'!A1", link, string="over")  # and the other way
        internal(1, 4, "'late'!A1", "late")  # row 1 is written: dropped as _write_url does
        if external:
            ws.write_url(9, 1, "https://example.com/a?b=1&c=2", link, string="ext")
        wb.close()
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
            return {n: z.read(n) for n in z.namelist()}

    for external in (False, True):
        by_url, by_fast = book(False, external), book(True, external)
        assert by_fast.keys() == by_url.keys()
        for name in by_url:
            assert by_fast[name] == by_url[name], (external, name)
    sheet = by_fast["xl/worksheets/sheet1.xml"].decode()
    assert "&amp; b &lt;c&gt;" in sheet and "&quot;hi&quot;" in sheet and "&#xA;" in sheet


def test_the_tools_workbooks_are_deflated_at_the_fast_level(tmp_path) -> None:
    # quality.xlsx and import.xlsx: zlib's fast level (the same part inflates to the same bytes,
    # zipped larger than at xlsxwriter's default), and xlsxwriter's module left as it was
    import openpyxl
    import xlsxwriter.workbook as module

    from migrate.xlsx_rows import FastZipWorkbook

    def write(cls, path):
        with cls(str(path)) as wb:
            wb.set_properties({"created": dt.datetime(2000, 1, 1)})
            ws = wb.add_worksheet("s")
            for r in range(2000):
                ws.write_string(r, 0, f"株式会社テスト{r * 7919 % 1000} 丸の内{r * 31 % 97}")
                ws.write_number(r, 1, r * 1234.5)

    before = module.ZipFile
    write(FastZipWorkbook, tmp_path / "fast.xlsx")
    write(xlsxwriter.Workbook, tmp_path / "default.xlsx")
    assert module.ZipFile is before
    name = "xl/worksheets/sheet1.xml"
    with (
        zipfile.ZipFile(tmp_path / "fast.xlsx") as fast,
        zipfile.ZipFile(tmp_path / "default.xlsx") as default,
    ):
        assert fast.read(name) == default.read(name)
        assert fast.getinfo(name).compress_size > default.getinfo(name).compress_size
    cell = openpyxl.load_workbook(tmp_path / "fast.xlsx")["s"]["A2000"].value
    assert cell == f"株式会社テスト{1999 * 7919 % 1000} 丸の内{1999 * 31 % 97}"
