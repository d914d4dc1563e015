"""A mapping file's say over the column mapping of one sheet (it wins over detection)."""

from __future__ import annotations

from ...columns import ColumnMatch
from .model import SheetOverride


def _apply_override(matches: list[ColumnMatch], ov: SheetOverride) -> list[ColumnMatch]:
    out = []
    by_header = {h: letter for letter, h in ov.headers.items()}
    for m in matches:
        key = m.column
        # a column moved since the mapping was written: follow its header
        if m.header in by_header and ov.headers.get(m.column) != m.header:
            key = by_header[m.header]
        if key in ov.columns:
            f = ov.columns[key]
            out.append(
                ColumnMatch(
                    m.index,
                    m.column,
                    m.header,
                    f,
                    1.0 if f else 0.0,
                    "mapping",
                    m.unit,
                    m.currency,
                    "set by the mapping file",
                    "the mapping file",
                )
            )
        else:
            out.append(m)
    # one column per field still holds
    seen: set[str] = set()
    final = []
    for m in sorted(out, key=lambda x: (x.method != "mapping", -x.confidence)):
        if m.field and m.field in seen:
            m = ColumnMatch(
                m.index,
                m.column,
                m.header,
                None,
                0.0,
                m.method,
                m.unit,
                m.currency,
                f"{m.field} is set on another column by the mapping file",
                m.evidence,
            )
        if m.field:
            seen.add(m.field)
        final.append(m)
    return sorted(final, key=lambda x: x.index)
