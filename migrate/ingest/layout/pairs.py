"""A deal written on two rows: 売上 over 粗利, 計画 over 実績, the company and deal merged over both.

Some trackers give each deal two rows told apart by a row-kind column (区分: 売上 / 粗利, or
計画 / 実績), with the company and the deal name merged vertically over the pair. Read row by
row that is two deals. A pair is recognised when a column's values are all words of one pair of
``row_pairs`` in rules/ingest.yaml, the rows come two by two (one of each side), and in every
pair a company or deal cell of the lower row is covered by a merged range (it took the upper
row's value). Each pair becomes one row: the side that carries the deal (売上, 実績; the other
side when it has no amount) is kept, and the other row's values that differ are kept beside it
as extra columns named after its kind (粗利 / 金額, 計画 / 受注日). The other row is skipped as
``row.pair-second`` and one finding (``ingest.row-pairs``) says what was done.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import pandas as pd

from ...columns import ColumnMatch
from ...findings import Finding

_NAMES = ("company_name", "deal_name")


def _key(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value) == ""


def fold_row_pairs(
    data: pd.DataFrame,
    matches: list[ColumnMatch],
    merged: Mapping[tuple[int, int], object],
    first_col: int,
    pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...],
    file: str,
    sheet: str,
) -> tuple[pd.DataFrame, list[ColumnMatch], list[tuple[int, int]], Finding] | None:
    """(the data with one row per pair, the columns with the extra ones, each folded row with
    the row of its deal, the finding), or None when the sheet holds no such pairs."""
    if len(data) < 2 or len(data) % 2 or not pairs:
        return None
    rows = [int(r) for r in data.index]
    names = [m for m in matches if m.field in _NAMES and m.index in data.columns]
    if not names:
        return None
    for m in matches:
        if m.field in _NAMES or m.index not in data.columns:
            continue
        values = data[m.index].tolist()
        if any(_blank(v) for v in values):
            continue
        keys = [_key(v) for v in values]
        for main, other in pairs:
            mains, others = {_key(w) for w in main}, {_key(w) for w in other}
            if not all(k in mains | others for k in keys):
                continue
            side = [k in mains for k in keys]
            if not all(
                rows[i + 1] == rows[i] + 1 and side[i] != side[i + 1]
                for i in range(0, len(rows), 2)
            ):
                continue
            if not all(
                any((rows[i + 1], first_col + n.index) in merged for n in names)
                for i in range(0, len(rows), 2)
            ):
                continue
            return _fold(data, matches, m, side, file, sheet)
    return None


def _fold(
    data: pd.DataFrame,
    matches: list[ColumnMatch],
    kind: ColumnMatch,
    side: list[bool],
    file: str,
    sheet: str,
) -> tuple[pd.DataFrame, list[ColumnMatch], list[tuple[int, int]], Finding]:
    amount = next((m.index for m in matches if m.field == "amount"), None)
    rows = [int(r) for r in data.index]
    kept_rows: list[int] = []
    folded: list[tuple[int, int]] = []  # (the other row, the deal's row)
    extras: dict[str, dict[int, object]] = {}  # extra header -> kept row -> value
    origin: dict[str, ColumnMatch] = {}
    by_index = {m.index: m for m in matches}
    for i in range(0, len(rows), 2):
        a, b = rows[i], rows[i + 1]
        main, other = (a, b) if side[i] else (b, a)
        if (
            amount is not None
            and _blank(data.at[main, amount])
            and not _blank(data.at[other, amount])
        ):
            main, other = other, main  # the deal's amount is on the other row only
        word = str(data.at[other, kind.index]).strip()
        for j in data.columns:
            if j == kind.index:
                continue
            v = data.at[other, j]
            if _blank(v) or v == data.at[main, j]:
                continue
            m = by_index.get(j)
            header = f"{word} / {(m.header or m.column) if m else j}"
            extras.setdefault(header, {})[main] = v
            if m is not None:
                origin.setdefault(header, m)
        kept_rows.append(main)
        folded.append((other, main))
    out = data.loc[sorted(kept_rows)].copy()
    at = {h: m.index for h, m in origin.items()}
    extras = dict(sorted(extras.items(), key=lambda kv: (at.get(kv[0], 0), kv[0])))
    columns = list(matches)
    next_index = max([int(c) for c in data.columns] + [m.index for m in matches]) + 1
    for header, values in extras.items():
        src = origin.get(header)
        col = ColumnMatch(
            index=next_index,
            column=src.column if src else "",
            header=header,
            field=None,
            confidence=1.0,
            method="none",
            note="the other row of a deal written on two rows",
        )
        out[next_index] = [values.get(int(r)) for r in out.index]
        columns.append(col)
        next_index += 1
    words = sorted({str(v).strip() for v in data[kind.index].tolist()})
    finding = Finding(
        "ingest.row-pairs",
        "info",
        f"{len(kept_rows)} deals are written on two rows ({kind.header or kind.column}: "
        f"{' / '.join(words)}, the company or deal merged over both): each pair is read as one "
        f"deal; the other row's values are kept beside it"
        + (f" as {', '.join(list(extras)[:4])}" if extras else ""),
        file,
        sheet,
        column=kind.header or kind.column,
        original=str(len(folded)),
        action="merged",
    )
    return out, columns, sorted(folded), finding
