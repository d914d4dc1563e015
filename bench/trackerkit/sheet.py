"""Layouts: a sheet as rows the way Excel shows them, plus the truth about its layout.

A `Sheet` is built top to bottom: title and note rows (`add`, `blank`), merged cells
(`merges`), a header row anywhere (`header`/`set_header`), a group row above it for
two-row headers (`group_row`), records (`record`) with the entities and expected values
behind them, subtotal, note and repeated-header rows, hidden rows, a table that starts
in column C (`first_col`), hidden sheets. `layout_entry` says what a reader should find:
its kind, header row, data rows and header -> field (the shape of the truth files).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Fmt:
    """A cell value with its own number format."""

    value: Any
    num_format: str


@dataclass(frozen=True)
class Formula:
    """A formula with the cached result Excel would have saved."""

    formula: str
    value: Any
    num_format: str | None = None


@dataclass
class Sheet:
    """One sheet (or CSV): its rows (Excel row = index + 1) and the truth about them."""

    name: str
    kind: str = "table"
    reason: str = ""
    header_row: int | None = None
    group_row: int | None = None
    first_col: int = 0
    headers: list[str] = field(default_factory=list)
    columns: dict[str, str | None] = field(default_factory=dict)
    rows: list[list[Any]] = field(default_factory=list)
    data_rows: list[int] = field(default_factory=list)
    merges: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    hidden: bool = False
    bold_rows: list[int] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    date_format: str = "yyyy/m/d"
    entities: list[tuple[int, str, str, str]] = field(default_factory=list)
    values: list[tuple[int, str, str, str]] = field(default_factory=list)
    validations: list[tuple[int, str]] = field(default_factory=list)  # (column, source)
    repeated_headers: list[int] = field(default_factory=list)
    notes: str = ""

    @property
    def next_row(self) -> int:
        return len(self.rows) + 1

    def add(self, cells: list[Any]) -> int:
        """Append a row (shifted right by first_col); returns its Excel row number."""
        if self.first_col and cells:
            cells = [None] * self.first_col + cells
        self.rows.append(cells)
        return len(self.rows)

    def blank(self) -> int:
        return self.add([])

    def set_header(self, headers: list[str], columns: list[str | None], bold: bool = True) -> int:
        """Append the header row: header words and the field each one is (None: no field)."""
        self.headers = headers
        self.columns = dict(zip(headers, columns, strict=True))
        row = self.add(list(headers))
        self.header_row = row
        if bold:
            self.bold_rows.append(row)
        return row

    def header(self, spec: list[tuple[str, str | None]]) -> int:
        """Append a plain (not bold) header row from [(header, field), ...]."""
        return self.set_header([h for h, _ in spec], [f for _, f in spec], bold=False)

    def record(
        self,
        record: dict[str, Any],
        ids: tuple[str, str, str] | None = None,
        expected: list[tuple[str, Any, Any]] = (),
    ) -> int:
        """Append a data row, with its entities and expected values if given.

        record: column -> cell, a column named by its field (`company_name`), or by its
        header word when it has none; so the header words stay data a vocabulary can change.
        """
        cells = {self.headers[self.index(key)]: v for key, v in record.items()}
        row = self.add([cells.get(h) for h in self.headers])
        self.data_rows.append(row)
        if ids is not None:
            self.entities.append((row, *ids))
        for fname, cell, exp in expected:
            if cell is None or cell == "" or exp is None:  # None: not scored (ambiguous)
                continue
            self.values.append((row, fname, raw_text(cell), str(exp)))
        return row

    def index(self, key: str) -> int:
        """Zero-based column of a field (`amount`) or, for a column without one, a header word."""
        return column_index(self.headers, list(self.columns.values()), key, self.name)

    def column_letter(self, key: str) -> str:
        """Excel letters of a field's (or header word's) column: amount -> I."""
        return col_letter(self.index(key))


def column_index(headers: list[str], fields: list[str | None], key: str, where: str = "") -> int:
    """Where a field (or, for a column without a field, a header word) sits in a header."""
    if key in fields:
        return fields.index(key)
    if key in headers and fields[headers.index(key)] is None:
        return headers.index(key)
    raise KeyError(f"{where}: no column for field or field-less header {key!r}")


def col_letter(i: int) -> str:
    """Zero-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def raw_text(v: Any) -> str:
    """The cell as a reader would hand it over, as text (date cells as ISO)."""
    if isinstance(v, Formula | Fmt):
        v = v.value
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def layout_entry(
    sheet: Sheet, extra: dict[str, Any] | None = None, header_cells: bool = False
) -> dict[str, Any]:
    """What a reader should find on the sheet: kind, header row, data rows, header -> field."""
    entry: dict[str, Any] = {"kind": sheet.kind}
    if sheet.kind == "table":
        entry["header_row"] = sheet.header_row
        if sheet.group_row:
            entry["group_row"] = sheet.group_row
        entry["data_rows"] = sheet.data_rows
        entry["columns"] = sheet.columns
        if header_cells:
            entry["header_cells"] = {col_letter(i): h for i, h in enumerate(sheet.headers)}
        if sheet.repeated_headers:
            entry["repeated_header_rows"] = sheet.repeated_headers
        if sheet.hidden_rows:
            entry["hidden_rows"] = sheet.hidden_rows
        if sheet.first_col:
            entry["first_column"] = col_letter(sheet.first_col)
        entry["notes"] = sheet.notes
    else:
        entry.update({"header_row": None, "data_rows": [], "columns": {}, "reason": sheet.reason})
    if sheet.hidden:
        entry["hidden"] = True
    entry.update(extra or {})
    return entry
