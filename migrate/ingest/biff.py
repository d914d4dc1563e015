"""What calamine does not say of an Excel 97-2003 .xls: which rows are hidden.

In: the bytes of an .xls (an OLE2 file whose ``Workbook`` stream holds BIFF8 records). Out:
the hidden rows of each sheet, by sheet name (Excel row numbers), as the .xlsx side-scan gives
them for an .xlsx (``ingest.hidden-row``). One pass over the records: the globals'
BOUNDSHEET records name each sheet and where its records start; a sheet's ROW records carry
the row's height flags, whose fDyZero bit (0x20) is Excel's "hidden". A stream that is not
BIFF8 (Excel 5.0 and older) or cannot be read gives nothing: the cells are still read.
"""

from __future__ import annotations

import struct

_BOF, _EOF, _BOUNDSHEET, _ROW = 0x0809, 0x000A, 0x0085, 0x0208
_BIFF8 = 0x0600
_HIDDEN = 0x20  # ROW.grbit fDyZero: the row is hidden


def xls_hidden_rows(data: bytes) -> dict[str, set[int]]:
    """The hidden rows (Excel row numbers) of each sheet of an .xls, by sheet name."""
    import olefile

    try:
        ole = olefile.OleFileIO(data)
        try:
            stream = ole.openstream("Workbook").read()
        finally:
            ole.close()
    except Exception:  # not an OLE file, no Workbook stream (BIFF5's is "Book"): nothing
        return {}
    try:
        return _hidden_rows(stream)
    except (struct.error, UnicodeDecodeError):
        return {}


def _hidden_rows(stream: bytes) -> dict[str, set[int]]:
    sheets: list[tuple[str, int]] = []
    at, end = 0, len(stream)
    kind, size = struct.unpack_from("<HH", stream, 0)
    if kind != _BOF or struct.unpack_from("<H", stream, 4)[0] != _BIFF8:
        return {}
    while at + 4 <= end:  # the globals: the sheets and where their records start
        kind, size = struct.unpack_from("<HH", stream, at)
        if kind == _BOUNDSHEET:
            offset, _state, _type, chars, wide = struct.unpack_from("<IBBBB", stream, at + 4)
            raw = stream[at + 12 : at + 12 + chars * (2 if wide & 1 else 1)]
            sheets.append((raw.decode("utf-16-le" if wide & 1 else "latin-1"), offset))
        elif kind == _EOF:
            break
        at += 4 + size
    out: dict[str, set[int]] = {}
    for name, start in sheets:
        hidden: set[int] = set()
        at = start
        while at + 4 <= end:
            kind, size = struct.unpack_from("<HH", stream, at)
            if kind == _ROW and size >= 16:
                row, grbit = (
                    struct.unpack_from("<H", stream, at + 4)[0],
                    struct.unpack_from("<H", stream, at + 16)[0],
                )
                if grbit & _HIDDEN:
                    hidden.add(row + 1)
            elif kind == _EOF:
                break
            at += 4 + size
        if hidden:
            out[name] = hidden
    return out
