"""Finding the table in a sheet and saying what every row is.

A :class:`Grid` in, a :class:`SheetTable` out: the header row (anywhere in the first ~30
rows, below title blocks and merged titles; a group row above the field row is combined), the
column mapping, the data rows with their Excel row numbers, and every other non-empty row
with a reason code (title, blank, repeated header, subtotal, note). A sheet that is not a
table of records (a rep master, a settings list, a pivot) is recognised and skipped with a
reason; its rows never become records.

The package: :mod:`.table` (find_table, step by step), :mod:`.header` (the header row and its
texts, sheet kinds), :mod:`.rows` (what every row is), :mod:`.cells` (cell helpers),
:mod:`.override` (a mapping file's say) and :mod:`.model` (what they produce and read).
"""

from __future__ import annotations

from .model import IDENTITY_FIELDS, IngestRules, RowClass, SheetOverride, SheetTable
from .rows import PERSON_KEY_FIELDS, classify_rows
from .table import find_table

__all__ = [
    "IDENTITY_FIELDS",
    "PERSON_KEY_FIELDS",
    "IngestRules",
    "RowClass",
    "SheetOverride",
    "SheetTable",
    "classify_rows",
    "find_table",
]
