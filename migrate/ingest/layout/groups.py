"""Group heading rows: a board or report split into groups, each under its own heading row.

A monday.com board exported to Excel writes each group's title alone on a row (``Active
Deals``, ``Closed Won``, ``Closed Lost``), then the column header again, then the group's items;
the first group's title stands right above the first header. The title is what the group's
items have in common (on a deals board, often their stage), so it is not a note to skip and
forget: each data row takes the heading of its group in a column of its own, ``Group``, kept as
an extra column, which rules/stages.yaml reads as the deal's outcome (``Closed Won`` is won
evidence). A lone text counts as a heading only where the header follows it: the structure
says so, not the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ...columns import ColumnMatch, header_key
from ...findings import Finding, listed
from .model import RowClass, SheetTable

#: the header of the column that holds each row's group heading
GROUP_HEADER = "Group"


def group_headings(
    body: pd.DataFrame, classes: Sequence[RowClass], title: str | None
) -> tuple[list[RowClass], list[str | None] | None]:
    """(the classes with each group heading row marked ``group-heading``, each body row's
    group heading), or the classes as they are and None when the body holds no heading.

    A heading is a row of one short text cell (no note or sentence: :func:`lone_text`), read
    as a note or data, whose next non-blank row is the header repeated. ``title`` is the lone text right above the table's header: the first
    group's heading, used only when the body holds headings of the later groups."""
    out = list(classes)
    headings: dict[int, str] = {}
    for k, cls in enumerate(classes):
        if cls != "repeated-header":
            continue
        p = k - 1
        while p >= 0 and out[p] == "blank":
            p -= 1
        if p >= 0 and out[p] in ("note", "data"):
            text = lone_text(body.iloc[p].tolist())
            if text:
                headings[p] = text
    if not headings:
        return out, None
    current, group = title, []
    for k in range(len(out)):
        if k in headings:
            out[k] = "group-heading"
            current = headings[k]
        group.append(current)
    return out, group


#: a group's name is short: a longer text is a note (a pasted block's remark)
_HEADING_MAX = 40
# a note's mark (※ 以下、鈴木さんの表から貼り付け, Note: ...) or a sentence's punctuation: a remark,
# not a group's name (■ / 【】 mark headings and stay allowed)
_NOT_A_HEADING = re.compile(
    r"(?i)^\s*(?:[※＊*]|注[:：)）]|\(注\)|（注）|備考|note\b|n\.b\.)|[。、]|[:：]\s*$"
)


def lone_text(cells: Sequence[object]) -> str | None:
    """The text of a row that holds one cell, a short text that is no note or sentence (a
    group's name); None otherwise."""
    filled = [v for v in cells if v is not None and not (isinstance(v, float) and v != v)]
    if len(filled) != 1 or not isinstance(filled[0], str):
        return None
    text = filled[0].strip()
    if not text or len(text) > _HEADING_MAX or _NOT_A_HEADING.search(text):
        return None
    return text


# a grouped report's group row: the grouping column's name and the group's value, often with
# its count (Salesforce: "Stage: Prospecting (2 records)", "フェーズ: 見込み (2 件)")
_GROUP_STATEMENT = re.compile(
    r"^(?P<label>[^:：]{1,30}?)\s*[:：]\s*(?P<value>.+?)"
    r"(?:\s*[(（]\s*\d[\d,]*\s*(?:records?|items?|rows?|件|レコード|行)\s*[)）])?\s*$",
    re.I,
)


def group_statements(
    body: pd.DataFrame,
    classes: Sequence[RowClass],
    headers: Sequence[str],
    filled: np.ndarray | None = None,
) -> tuple[list[RowClass], dict[int, tuple[int, str]]]:
    """(the classes with each group row of a grouped report marked ``group-heading``, and per
    body row below one: (the grouping column's position in ``body``, the group's value)).

    A group row holds one text, ``<a column's header>: <value>`` with an optional count
    (``Stage: Prospecting (2 records)``): the rows below it, up to the next such row, belong to
    that value of that column (written once, on the group row, not on each row). Only rows of
    one filled cell are read (``filled``: which cells of ``body`` hold a value, when known)."""
    out = list(classes)
    counts = (body.notna().to_numpy() if filled is None else filled).sum(axis=1)
    heads: dict[int, tuple[int, str]] = {}
    keys = {header_key(h): j for j, h in enumerate(headers) if h}
    for k in np.flatnonzero(counts == 1).tolist():
        if classes[k] not in ("data", "note"):
            continue
        text = lone_text(body.iloc[k].tolist())
        m = _GROUP_STATEMENT.match(text) if text else None
        j = keys.get(header_key(m.group("label"))) if m else None
        if m is not None and j is not None:
            heads[k] = (j, m.group("value").strip())
    if not heads:
        return out, {}
    fills: dict[int, tuple[int, str]] = {}
    current: tuple[int, str] | None = None
    for k, cls in enumerate(classes):
        if k in heads:
            out[k] = "group-heading"
            current = heads[k]
        elif cls == "data" and current is not None:
            fills[k] = current
    return out, fills


def add_group_column(
    table: SheetTable,
    groups: list[str | None],
    at: tuple[int, str],
    headings: list[tuple[int, str]],
) -> None:
    """Each data row's group heading as the column ``Group`` at ``at`` (its position in the
    data and its letter: one past the sheet's last column, where quality.xlsx writes it), with
    one finding naming the heading rows. Left out when the table has a column of that name
    already."""
    index, letter = at
    if any(header_key(m.header) == header_key(GROUP_HEADER) for m in table.columns):
        return
    table.data[index] = groups
    table.columns = [
        *table.columns,
        ColumnMatch(
            index,
            letter,
            GROUP_HEADER,
            None,
            0.0,
            "none",
            note="the group heading row above the row (a board's or report's groups)",
        ),
    ]
    table.findings.append(
        Finding(
            "ingest.group-headings",
            "info",
            f"rows {listed([str(r) for r, _ in headings])} are group headings "
            f"({listed([t for _, t in headings])}): each row below one takes it in the column "
            f"'{GROUP_HEADER}' (a won or lost word there is evidence of the stage)",
            table.file,
            table.sheet,
            headings[0][0],
            action="changed",
        )
    )
