"""Two trackers from the filer list, as a user has them: one in Japanese, one in English.

Each is a workbook with one sheet and a list of company names only (会社名 / Company), the rows
shuffled by a seed of the split and the script, nothing else shared: the names alone must find
the pairs. Either both hold every filer of the split, or (``evaluate.py``'s overlap measure)
each holds only part of them. ``evaluate.py --pipeline`` writes and reads them.
"""

from __future__ import annotations

import random
from pathlib import Path


def excel_rows(held: list[int], tag: str, script: str) -> dict[int, int]:
    """The Excel row of each filer a tracker holds (filer index -> row; data from row 2), the
    rows shuffled by a seed of the tag (the split) and the script."""
    order = list(held)
    random.Random(f"{tag}:{script}").shuffle(order)
    return {k: pos + 2 for pos, k in enumerate(order)}


def shuffled_rows(n: int, split: str, script: str) -> list[int]:
    """The Excel row of each of ``n`` filers in a tracker holding them all."""
    at = excel_rows(list(range(n)), split, script)
    return [at[k] for k in range(n)]


def write_trackers(
    rows: list[dict[str, str]], tag: str, folder: Path, held: dict[str, list[int]] | None = None
) -> list[Path]:
    """Write 取引先一覧_<tag>.xlsx (Japanese names) and accounts_<tag>.xlsx (English), each with
    the filers ``held`` names for its script (default: all)."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for script, header, column, name in (
        ("ja", "会社名", "name_ja", f"取引先一覧_{tag}.xlsx"),
        ("en", "Company", "name_en", f"accounts_{tag}.xlsx"),
    ):
        keep = held[script] if held else list(range(len(rows)))
        at = excel_rows(keep, tag, script)
        cells: list[str] = [""] * len(keep)
        for k, row in at.items():
            cells[row - 2] = rows[k][column]
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        ws.append([header])
        for value in cells:
            ws.append([value])
        path = folder / name
        wb.save(path)
        paths.append(path)
    return paths
