"""Two trackers from the filer list, as a user has them: one in Japanese, one in English.

Each is a workbook with one sheet and a list of company names only (会社名 / Company), the rows
shuffled by a seed of the split and the script, nothing else shared: the names alone must find
the pairs. ``evaluate.py --pipeline`` writes and reads them.
"""

from __future__ import annotations

import random
from pathlib import Path


def shuffled_rows(n: int, split: str, script: str) -> list[int]:
    """The Excel row of each filer (in file order) in the shuffled tracker (data from row 2)."""
    order = list(range(n))
    random.Random(f"{split}:{script}").shuffle(order)
    row = [0] * n
    for pos, k in enumerate(order):
        row[k] = pos + 2
    return row


def write_trackers(rows: list[dict[str, str]], split: str, folder: Path) -> list[Path]:
    """Write 取引先一覧_<split>.xlsx (Japanese names) and accounts_<split>.xlsx (English)."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for script, header, column, name in (
        ("ja", "会社名", "name_ja", f"取引先一覧_{split}.xlsx"),
        ("en", "Company", "name_en", f"accounts_{split}.xlsx"),
    ):
        at = shuffled_rows(len(rows), split, script)
        cells: list[str] = [""] * len(rows)
        for k, r in enumerate(rows):
            cells[at[k] - 2] = r[column]
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
