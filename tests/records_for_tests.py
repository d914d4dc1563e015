"""Small record frames in the shape normalize expects, for tests (one field filled per row)."""

from __future__ import annotations

import pandas as pd

from migrate.schema import load_schema


def one_field_records(field: str, cells: list[tuple[str, str | None]]) -> pd.DataFrame:
    """(file, value) per row: every canonical field None except ``field``; rows from 2 on."""
    names = load_schema().names
    rows = []
    for i, (file, value) in enumerate(cells):
        row: dict[str, object] = {n: None for n in names}
        row.update(
            {
                "_source_file": file,
                "_source_sheet": "",
                "_source_row": i + 2,
                field: value,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows, dtype=object)
