"""Truth of rendered cells: which raw cell should be read as which canonical value.

A generator renders each cell as `(value, expected)` (trackerkit.render); `CellTruth`
keeps the scored ones as rows (file, sheet, Excel row, field, raw text, expected) and
counts those left out (`SKIP`: a human could not tell either).
"""

from __future__ import annotations

from typing import Any

from .render import SKIP, raw_of


class Col:
    """A column of a generated sheet: its header, the field it is scored as, its width."""

    def __init__(self, header: str, field: str | None = None, width: float = 12) -> None:
        self.header = header
        self.field = field
        self.width = width


def cols_of(spec: list[list[Any]]) -> list[Col]:
    """Columns from a vocabulary's [[header, field, width?], ...]."""
    return [Col(*c) for c in spec]


class CellTruth:
    """The scored cells of a whole run, in the order they were written."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.stats: dict[str, dict[str, int]] = {}

    def record(self, fname: str, sheet: str, rownum: int, cols: list[Col], vals: list) -> None:
        """vals: (value, expected) aligned with cols; blanks and SKIP are not scored."""
        for col, v in zip(cols, vals):
            if col.field is None:
                continue
            value, exp = v
            if value is None or (isinstance(value, str) and value == ""):
                continue
            if exp is SKIP:
                self.stats.setdefault(fname, {}).setdefault("skipped", 0)
                self.stats[fname]["skipped"] += 1
                continue
            self.rows.append((fname, sheet, rownum, col.field, raw_of(value), exp))
