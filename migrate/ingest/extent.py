"""A sheet's real extent: stray cells far from the table left out before calamine reads it.

calamine makes a dense range of every sheet: the smallest box around the cells that hold a
value, allocated in full. One stray cell at the sheet's far end (an ``x`` typed in XFD1048576,
a space in A1048576: a used range blown out to the sheet's end, which Excel users meet often)
turns ten rows into a box of 17 billion cells, and the Rust allocator aborts the whole process
(no exception to catch). So the .xlsx XML side-scan (:mod:`.readers`) notes the rows of the
first and last cells holding a value and any long run of rows without one; a sheet whose box
may be far larger than its values is looked at cell by cell here. Cells cut off from the table by a long run of empty rows or
columns, when they are few (``limits`` in rules/ingest.yaml), are taken out of a copy of the
workbook that calamine then reads, and each is named by its cell and value so a finding can
say it was left out. A sheet still too large after that is refused with one clear line, never
an abort; the other files are read.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputFileError
from .files import Limits

if TYPE_CHECKING:
    from .readers import _XmlScan

# a cell holding a value (a non-empty <v> or an inline string, after an optional formula): its
# column letters and its row (the readers' XML pass finds a chunk's first such cell with it too)
VALUE_CELL_RE = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*'
    rb"(?:<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*)?"
    rb"(?:<(?:\w+:)?v>[^<]|<(?:\w+:)?is>)"
)
_DIMENSION_RE = re.compile(rb'(<(?:\w+:)?dimension\b[^>]*?\bref=")[^"]*(")')
_TYPE_RE = re.compile(rb'\bt="(\w+)"')
_V_RE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_T_RE = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)</(?:\w+:)?t>")
_SI_RE = re.compile(rb"<(?:\w+:)?si\b.*?</(?:\w+:)?si>", re.S)


@dataclass
class FarCell:
    """A cell left out of its sheet: where it is and what it held."""

    row: int  # Excel row
    col: int  # 0-based column
    text: str


def box_cells(scan: _XmlScan) -> int:
    """The cells of the box calamine would allocate for the sheet, as far as the side-scan
    knows it cheaply: its rows from the first to the last cell holding a value, its columns
    from the declared dimension when that covers those rows, else the widest sheet's."""
    if scan.first_value_row is None or scan.last_value_row is None:
        return 0
    rows = scan.last_value_row - scan.first_value_row + 1
    dim = scan.dimension
    width = dim[3] - dim[1] + 1 if dim and dim[2] >= scan.last_value_row else 16384
    return rows * width


def may_be_sparse(scan: _XmlScan, limits: Limits) -> bool:
    """Whether the sheet's box may be far larger than its values: a long run of rows without a
    value between two that hold one, or a box wider than ``far_gap_cols`` columns and larger
    than ``sparse_min_cells`` (then the sheet is looked at cell by cell before calamine reads
    it)."""
    if scan.row_gap:
        return True
    area = box_cells(scan)
    width = area // max((scan.last_value_row or 0) - (scan.first_value_row or 0) + 1, 1)
    return width > limits.far_gap_cols and area > limits.sparse_min_cells


def _main_span(positions: list[int], gap: int) -> tuple[int, int]:
    """The span of the group of positions (rows or columns, each once per cell) holding the
    most cells, groups being cut where more than ``gap`` empty positions lie between two."""
    ordered = sorted(positions)
    best = (ordered[0], ordered[0], 0)
    start, count = ordered[0], 0
    for i, p in enumerate(ordered):
        if i and p - ordered[i - 1] > gap + 1:
            if count > best[2]:
                best = (start, ordered[i - 1], count)
            start, count = p, 0
        count += 1
    if count > best[2]:
        best = (start, ordered[-1], count)
    return best[0], best[1]


def _shared_strings(zf: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """The shared strings of these indexes (the far cells' texts)."""
    from .readers import _unescape

    if not wanted:
        return {}
    try:
        data = zf.read("xl/sharedStrings.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    out = {}
    for i, m in enumerate(islice(_SI_RE.finditer(data), max(wanted) + 1)):
        if i in wanted:
            out[i] = "".join(_unescape(t) for t in _T_RE.findall(m.group(0)))
    return out


def _cell_text(cell: bytes, shared: dict[int, str]) -> str:
    from .readers import _unescape

    t = _TYPE_RE.search(cell.split(b">", 1)[0])
    kind = t.group(1) if t else b"n"
    if kind == b"inlineStr":
        return "".join(_unescape(x) for x in _T_RE.findall(cell))
    v = _V_RE.search(cell)
    text = _unescape(v.group(1)) if v else ""
    if kind == b"s" and text.strip().isdigit():
        return shared.get(int(text), "")
    return text


def without_far_cells(
    path: Path, scans: dict[str, _XmlScan], limits: Limits
) -> tuple[bytes | None, dict[str, list[FarCell]]]:
    """A copy of the workbook without the far cells of its sparse sheets (None: nothing to take
    out, read the file itself), and the cells taken out, by sheet name.

    Raises InputFileError (``ingest.too-large``) for a sheet whose box stays larger than
    ``limits.max_sheet_cells`` (its values spread too far to be stray cells)."""
    from .readers import _col_index, column_letter

    suspects = {name: s for name, s in scans.items() if may_be_sparse(s, limits)}
    if not suspects:
        return None, {}
    replaced: dict[str, bytes] = {}
    far: dict[str, list[FarCell]] = {}
    with zipfile.ZipFile(path) as zf:
        for name, scan in suspects.items():
            data = zf.read(scan.part)
            cells = [
                (int(r), _col_index(c), m)
                for m in VALUE_CELL_RE.finditer(data)
                for c, r in [m.groups()]
            ]
            if not cells:
                continue
            r1, r2 = _main_span([r for r, _, _ in cells], limits.far_gap_rows)
            c1, c2 = _main_span([c for _, c, _ in cells], limits.far_gap_cols)
            out = [(r, c, m) for r, c, m in cells if not (r1 <= r <= r2 and c1 <= c <= c2)]
            if len(out) > limits.max_stray_cells:
                out = []  # not a few stray cells: the sheet is read whole, if it fits
            kept = (
                [(r, c) for r, c, _ in cells if r1 <= r <= r2 and c1 <= c <= c2]
                if out
                else [(r, c) for r, c, _ in cells]
            )
            top, bottom = min(r for r, _ in kept), max(r for r, _ in kept)
            left, right = min(c for _, c in kept), max(c for _, c in kept)
            area = (bottom - top + 1) * (right - left + 1)
            if area > limits.max_sheet_cells:
                raise InputFileError(
                    str(path),
                    f"sheet '{name}' spans {area:,} cells ({column_letter(left)}{top}:"
                    f"{column_letter(right)}{bottom}) for {len(cells):,} cells holding a value: "
                    "too large to read",
                    hint="delete the rows and columns beyond the table in Excel (select them, "
                    "Delete) and save; or raise limits.max_sheet_cells in rules/ingest.yaml",
                    code="ingest.too-large",
                )
            if not out:
                continue
            shared_ids = set()
            for _, _, m in out:
                cell = _whole_cell(data, m.start())
                t = _TYPE_RE.search(cell.split(b">", 1)[0])
                v = _V_RE.search(cell)
                if t and t.group(1) == b"s" and v and v.group(1).strip().isdigit():
                    shared_ids.add(int(v.group(1)))
            shared = _shared_strings(zf, shared_ids)
            pieces, at = [], 0
            for r, c, m in sorted(out, key=lambda x: x[2].start()):
                cell = _whole_cell(data, m.start())
                far.setdefault(name, []).append(FarCell(r, c, _cell_text(cell, shared)))
                pieces.append(data[at : m.start()])
                at = m.start() + len(cell)
            pieces.append(data[at:])
            rewritten = b"".join(pieces)
            box = f"{column_letter(left)}{top}:{column_letter(right)}{bottom}".encode()
            replaced[scan.part] = _DIMENSION_RE.sub(rb"\g<1>" + box + rb"\g<2>", rewritten, count=1)
            scan.dimension = (top, left, bottom, right)
            scan.first_value_row = top
            scan.last_value_row = bottom
            if scan.merged:
                scan.merged = [
                    b for b in scan.merged if top <= b[0] <= bottom and left <= b[1] <= right
                ]
        if not replaced:
            return None, {}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for info in zf.infolist():
                zout.writestr(info.filename, replaced.get(info.filename) or zf.read(info))
    return buf.getvalue(), far


def _whole_cell(data: bytes, start: int) -> bytes:
    """The cell element that opens at ``start`` (it holds a value, so it has an end tag)."""
    m = re.compile(rb"</(?:\w+:)?c>").search(data, start)
    return data[start : m.end()] if m else data[start : start + 1]
