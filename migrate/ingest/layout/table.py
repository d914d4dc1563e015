"""find_table: one grid in, one :class:`SheetTable` out, in the steps a reader follows.

Skip what is no table (a mapping file's skip, an empty sheet, a pivot), find the header row,
build the header texts (a group row and merged titles combined), fill merged ranges inside the
body, map the columns on the rows that look like data, classify every row, decide whether the
sheet holds records at all, and record the findings that belong to cells.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ...columns import (
    ColumnMatch,
    also_named,
    amount_said,
    header_key,
    map_columns,
    match_header,
)
from ...findings import Finding, listed
from ...schema import Schema, names_deals, row_mark_words
from ..readers import Grid, column_letter
from .activity import activity_kinds, read_for_companies
from .cells import _clean, _merged_value_map, filled_cells
from .form import Form, read_form
from .groups import add_group_column, group_headings, group_statements, lone_text
from .header import (
    _combine_headers,
    _find_header,
    _group_row,
    _has_pivot_markers,
    _repeated_header_mask,
    _sheet_name_category,
    _split_header,
    _unit_row,
)
from .model import IngestRules, RowClass, SheetOverride, SheetTable
from .override import _apply_override
from .pairs import fold_row_pairs
from .rows import CellTexts, _whole_number, classify_rows
from .stated import stated_date
from .units import apply_cents, apply_sheet_unit, title_statement

_NOT_RECORDS = {
    "sheet.rep-master": "a list of our own sales reps, not customer records",
    "sheet.settings": "a settings / picklist sheet, not records",
    "sheet.pivot": "a summary or pivot sheet, not records",
    "sheet.readme": "instructions, not records",
    "sheet.template": "a template sheet: its header and at most a few example rows, not records",
}


@dataclass
class _Sheet:
    """One grid being read: its trimmed cells, the table being built, its non-empty rows."""

    grid: Grid
    cells: pd.DataFrame
    table: SheetTable
    nonempty_pos: list[int]
    line_numbers: list[int] | None
    rules: IngestRules | None = None
    hpos: int | None = None  # the header row's position, once found
    # which cells hold a value (rows x columns, as ``cells``): asked of the cells once
    present: np.ndarray | None = None

    def excel_row(self, i: int) -> int:
        """The row number the user sees for row position ``i`` (CSV: the line number)."""
        return (
            self.line_numbers[i]
            if self.line_numbers is not None and i < len(self.line_numbers)
            else self.grid.first_row + i
        )

    def skip(self, code: str, text: str) -> SheetTable:
        """The sheet is no table of records: every non-empty row is skipped with ``code``.

        The rows it held (below its header, if it has one) are counted on the table, and a
        sheet of more than a few rows gets a finding, so that nothing vanishes quietly."""
        table = self.table
        table.kind, table.reason, table.reason_text = "skipped", code, text
        table.skipped = [(self.excel_row(i), code) for i in self.nonempty_pos]
        table.data = pd.DataFrame()
        below = [i for i in self.nonempty_pos if self.hpos is None or i > self.hpos]
        table.skipped_rows = len(below)
        if len(self.nonempty_pos) <= SMALL_SHEET_ROWS:
            table.cells = self.cells.iloc[self.nonempty_pos].to_numpy(dtype=object).tolist()
        notice = self.rules.skipped_sheet_notice_rows if self.rules is not None else 5
        if code not in _QUIET_SKIPS and table.skipped_rows > notice:
            unsure = code in ("sheet.not-records", "sheet.no-table")
            table.findings.append(
                Finding(
                    "ingest.sheet-skipped",
                    "warning" if unsure else "info",
                    f"{table.skipped_rows} rows of this sheet were not read as records ({code}: {text})",
                    self.grid.file,
                    self.grid.sheet,
                    original=str(table.skipped_rows),
                    action="skipped",
                )
            )
        return table


#: a skipped sheet of at most this many rows keeps its cells (legends and lists are short)
SMALL_SHEET_ROWS = 100

# skips a person asked for, or of nothing: no finding needed
_QUIET_SKIPS = ("sheet.skipped-by-mapping", "sheet.empty")


def find_table(
    grid: Grid,
    schema: Schema,
    rules: IngestRules,
    rules_dir: str | None = None,
    override: SheetOverride | None = None,
    known_companies: frozenset[str] = frozenset(),
) -> SheetTable:
    """Find the header, map the columns, classify every row, decide whether this is a records table.

    ``known_companies``: company keys read in other sources (a column of such names is a
    company column whatever its header says)."""
    sheet = _open(grid)
    if (
        override is None
        and sheet.nonempty_pos
        and not _sheet_name_category(grid.sheet, rules)
        and (form := read_form(sheet.cells, sheet.nonempty_pos, schema, rules_dir)) is not None
    ):
        table = _form_table(sheet, form, schema, rules, rules_dir, known_companies)
    else:
        table = _find_in(sheet, schema, rules, rules_dir, override, known_companies)
    if not grid.visible and table.kind == "table":  # a hidden list or legend is no news
        table.findings.insert(
            0,
            Finding(
                "ingest.hidden-sheet",
                "info",
                "hidden sheet was read like the others",
                grid.file,
                grid.sheet,
                action="kept",
            ),
        )
    return table


def _form_table(
    sheet: _Sheet,
    form: Form,
    schema: Schema,
    rules: IngestRules,
    rules_dir: str | None,
    known_companies: frozenset[str],
) -> SheetTable:
    """A form sheet read as a table of one record on the row of its first label: its labels
    the header, its values the record; the other rows are its fields or its title."""
    grid = sheet.grid
    row = sheet.excel_row(form.record_row)
    flat = dataclasses.replace(
        grid,
        cells=form.cells,
        first_col=0,
        merged=[],
        hidden_rows=set(),
        hidden_cols=set(),
        formula_no_value=[],
        sum_formula_rows=set(),
        row_marks={},
        comments={},
        trimmed=None,
        filled=None,
    )
    turned = _Sheet(
        flat, form.cells, sheet.table, [0, 1], [row, row], present=form.cells.notna().to_numpy()
    )
    table = _find_in(turned, schema, rules, rules_dir, None, known_companies)
    others = [i for i in sheet.nonempty_pos if i != form.record_row]
    if table.kind == "skipped":
        table.skipped = [(sheet.excel_row(i), table.reason) for i in sheet.nonempty_pos]
        return table
    fields = set(form.label_rows)
    table.skipped = sorted(
        [(r, why) for r, why in table.skipped if r != row]
        + [(sheet.excel_row(i), "row.form-field" if i in fields else "row.title") for i in others]
    )
    table.findings.append(
        Finding(
            "ingest.form-sheet",
            "info",
            f"the sheet is one record written as a form ({len(form.cells.columns)} labels "
            f"beside their values on {len(form.label_rows)} rows): read as one record on row "
            f"{row}",
            grid.file,
            grid.sheet,
            row=row,
            action="changed",
        )
    )
    return table


def _find_in(
    sheet: _Sheet,
    schema: Schema,
    rules: IngestRules,
    rules_dir: str | None,
    override: SheetOverride | None,
    known_companies: frozenset[str],
) -> SheetTable:
    """:func:`find_table` on an opened sheet."""
    grid = sheet.grid
    sheet.rules = rules
    cells, table = sheet.cells, sheet.table
    if override is not None and override.skip:
        return sheet.skip("sheet.skipped-by-mapping", "the mapping file says to skip this sheet")
    if not sheet.nonempty_pos:
        return sheet.skip("sheet.empty", "the sheet has no cells")

    top = sheet.nonempty_pos[: rules.header_search_rows]
    category = _sheet_name_category(grid.sheet, rules)
    if _has_pivot_markers(cells, top, rules):
        return sheet.skip(
            "sheet.pivot",
            "looks like a pivot table or summary (行ラベル / Grand Total / Sum of ...)",
        )
    hpos, why = _header_position(sheet, top, category, schema, rules_dir, override)
    if hpos is None:
        return sheet.skip(*why)
    sheet.hpos = hpos

    # merged cells: titles above the header are fine; inside the data they fill their range
    merged = _merged_value_map(grid, cells)
    split = (
        _split_header(cells, hpos, grid, merged, sheet.nonempty_pos, schema, rules_dir)
        if override is None or override.header_row is None
        else None
    )
    if split is None and _unit_row(cells, hpos, sheet.nonempty_pos, schema):
        split = (hpos + 1, hpos)  # 見込金額 over （千円）: read as one header, 見込金額（千円）
    group_pos: int | None
    if split is not None:  # 会社名 | 計画 over 金額 | 受注予定日: the fields' row is the header
        hpos, group_pos = split
        sheet.hpos = hpos
    else:
        group_pos = _group_row(cells, hpos, grid, merged, sheet.nonempty_pos)
    headers, display = _header_texts(
        sheet, hpos, group_pos, merged, schema, rules_dir, spread=split is not None
    )
    body, keep, filled = _body(sheet, hpos, headers, merged)
    # the body's filled cells: the sheet's, unless merged ranges filled some
    present = (
        sheet.present[hpos + 1 :]
        if filled == 0 and sheet.present is not None
        else body.notna().to_numpy(dtype=bool)
    )
    matches = _map_body(
        sheet, body, keep, headers, display, schema, rules_dir, override, known_companies, present
    )
    # a unit the title block states (単位：万円) for the amounts whose header states none
    first = group_pos if group_pos is not None else hpos
    above = [i for i in sheet.nonempty_pos if i < first]
    matches, unit_findings = apply_sheet_unit(
        cells, above, [sheet.excel_row(i) for i in above], matches, schema, grid.file, grid.sheet
    )
    table.findings.extend(unit_findings)
    _stated_date(sheet, above, rules, rules_dir)
    # an amount in cents beside its formatted copy (Close: value, value_formatted)
    matches, cents_findings = apply_cents(body, matches, schema, grid.file, grid.sheet)
    table.findings.extend(cents_findings)
    table.columns = matches
    header_excel = sheet.excel_row(hpos)
    table.header_row = header_excel
    table.header_rows = (
        sorted({sheet.excel_row(group_pos), header_excel})
        if group_pos is not None
        else [header_excel]
    )
    data_idx = _classify(
        sheet, hpos, group_pos, body, keep, headers, matches, schema, rules, present
    )
    table.columns = _latest_of_series(sheet, table.columns)
    table.columns = _first_over_fallback(sheet, table.columns, schema)
    table.columns = _visible_over_hidden(sheet, table.columns)
    table.columns = _end_customer_over_partner(sheet, table.columns, schema, rules_dir)
    table.columns = _customer_over_third_party(sheet, table.columns)
    table.columns = _stages_over_status(sheet, table.columns, rules_dir)
    table.columns = _row_counter_is_no_id(sheet, table.columns)
    # which money column the amount is, and when it is one month's fee or one unit's price
    for rule, severity, message, header in amount_said(table.columns, schema):
        table.findings.append(
            Finding(rule, severity, message, grid.file, grid.sheet, column=header, field="amount")
        )

    # a sheet named as settings is judged by its columns as read (a No column counting the rows
    # is no record id: a ステージ定義 sheet of No | ステージ | 定義 holds no records)
    verdict = _not_records(table.columns if category else matches, category, rules, table.data)
    if verdict is not None:
        return sheet.skip(*verdict)
    if not data_idx:
        return sheet.skip("sheet.no-data-rows", "the table has a header but no data rows")
    pairs = fold_row_pairs(
        table.data, table.columns, merged, grid.first_col, rules.row_pairs, grid.file, grid.sheet
    )
    if pairs is not None:  # a deal on two rows (売上 / 粗利, 計画 / 実績): one deal
        table.data, table.columns, folded, said = pairs
        table.skipped = sorted(table.skipped + [(r, "row.pair-second") for r, _ in folded])
        table.pair_rows = dict(folded)
        table.findings.append(said)
        matches = table.columns
    log = activity_kinds(table.columns, table.data, rules)
    if log is not None:  # calls and visits: read for the companies they name only
        table.columns, said = read_for_companies(
            table.columns, *log, len(table.data), grid.file, grid.sheet
        )
        table.findings.append(said)
        table.activity_log = True
        matches = table.columns
    _cell_findings(sheet, matches, filled)
    _row_marks(sheet)
    _stage_comments(sheet)
    return table


def _stated_date(
    sheet: _Sheet, above: list[int], rules: IngestRules, rules_dir: str | None
) -> None:
    """The day the title block above the table says the sheet is of (最終更新：2026/1/20), with
    its finding."""
    if not above:
        return
    excel = [sheet.excel_row(i) for i in above]
    hit = title_statement(sheet.cells, above, excel, lambda v: stated_date(v, rules, rules_dir))
    if hit is None:
        return
    (day, words), row = hit
    sheet.table.stated_date = day
    sheet.table.findings.append(
        Finding(
            "ingest.sheet-date",
            "info",
            f"the sheet states '{words}' above its table (row {row}): its rows are taken as of "
            f"{day} (how recent they are beside another tracker's)",
            sheet.grid.file,
            sheet.grid.sheet,
            row=row,
            original=words,
            value=day,
            action="kept",
        )
    )


def _open(grid: Grid) -> _Sheet:
    """The grid's trimmed cells and an empty table for it."""
    table = SheetTable(
        grid.file,
        grid.sheet,
        grid.sheet_index,
        "table",
        visible=grid.visible,
        encoding=getattr(grid, "encoding", ""),
    )
    if grid.trimmed is not None:
        cells = grid.trimmed
    else:
        cells = _clean(grid.cells) if grid.cells.size else grid.cells
    present = filled_cells(grid, cells) if cells.size else None
    nonempty_pos = [] if present is None else np.flatnonzero(present.any(axis=1)).tolist()
    return _Sheet(
        grid, cells, table, nonempty_pos, getattr(grid, "line_numbers", None), present=present
    )


def _header_position(
    sheet: _Sheet,
    top: list[int],
    category: str,
    schema: Schema,
    rules_dir: str | None,
    override: SheetOverride | None,
) -> tuple[int | None, tuple[str, str]]:
    """(position of the header row, why there is none): the mapping file's row, else detected."""
    cells = sheet.cells
    if override is not None and override.header_row is not None:
        hpos = next(
            (i for i in range(len(cells)) if sheet.excel_row(i) == override.header_row), None
        )
        return hpos, (
            "sheet.no-table",
            f"the mapping file's header row {override.header_row} is outside the sheet",
        )
    code = f"sheet.{category}" if category else "sheet.no-table"
    return _find_header(cells, top, schema, rules_dir), (
        code,
        "no header row with at least two column names in the first rows",
    )


def _header_texts(
    sheet: _Sheet,
    hpos: int,
    group_pos: int | None,
    merged: dict[tuple[int, int], str],
    schema: Schema,
    rules_dir: str | None,
    spread: bool = False,
) -> tuple[list[str], list[str]]:
    """Per column: the header text matched and the one shown (group row and merges combined;
    ``spread``: a group cell also names the header cells to its right up to the next group)."""
    cells, grid = sheet.cells, sheet.grid
    header_excel = sheet.excel_row(hpos)
    width = cells.shape[1]
    head_vals = [cells.iat[hpos, j] for j in range(width)]
    for j in range(width):
        if head_vals[j] is None and (header_excel, grid.first_col + j) in merged:
            head_vals[j] = merged[(header_excel, grid.first_col + j)]
    group_vals: list[str | None] = [None] * width
    if group_pos is not None:
        gr = sheet.excel_row(group_pos)
        for j in range(width):
            v = cells.iat[group_pos, j]
            if v is None:
                v = merged.get((gr, grid.first_col + j))
            if v is None and spread and j and cells.iat[hpos, j] is not None:
                # a group written once over the fields to its right, not merged (計画 | blank
                # over 金額 | 受注予定日)
                v = group_vals[j - 1]
            group_vals[j] = v
    return _combine_headers(head_vals, group_vals, schema, rules_dir)


def _body(
    sheet: _Sheet, hpos: int, headers: list[str], merged: dict[tuple[int, int], str]
) -> tuple[pd.DataFrame, list[int], int]:
    """(the rows below the header, merged ranges filled; the table's columns; cells filled).

    Columns that have neither a header nor any data are not part of the table. A merged range
    inside the body (a company merged over its three deal rows) fills every cell it covers.
    """
    cells, grid = sheet.cells, sheet.grid
    width = cells.shape[1]
    body = cells.iloc[hpos + 1 :]
    keep = [j for j in range(width) if headers[j] or body.iloc[:, j].notna().any()]
    body = body.copy()
    filled = 0
    for (r, c), v in merged.items():
        i = r - grid.first_row
        j = c - grid.first_col
        if (
            i > hpos
            and 0 <= j < width
            and i < len(cells)
            and body.at[body.index[i - hpos - 1], j] is None
        ):
            body.at[body.index[i - hpos - 1], j] = v
            filled += 1
    return body, keep, filled


def _map_body(
    sheet: _Sheet,
    body: pd.DataFrame,
    keep: list[int],
    headers: list[str],
    display: list[str],
    schema: Schema,
    rules_dir: str | None,
    override: SheetOverride | None,
    known_companies: frozenset[str] = frozenset(),
    present: np.ndarray | None = None,
) -> list[ColumnMatch]:
    """The column mapping, judged on the rows that look like data (not repeated headers).
    ``present``: which cells of ``body`` hold a value, when known."""
    letters = [column_letter(sheet.grid.first_col + j) for j in range(sheet.cells.shape[1])]
    filled = body.notna().any(axis=1) if present is None else present.any(axis=1)
    probe = body.loc[filled].iloc[:, keep]
    probe_headers = [headers[j] for j in keep]
    rep = _repeated_header_mask(probe, probe_headers)
    matches = map_columns(
        probe_headers,
        [letters[j] for j in keep],
        probe.loc[~rep],
        schema,
        rules_dir,
        known_companies,
        deal_sheet=names_deals(Path(sheet.grid.file).stem, schema)
        or names_deals(sheet.grid.sheet, schema),
    )
    matches = [replace(m, index=keep[k], header=display[keep[k]]) for k, m in enumerate(matches)]
    if override is not None and override.columns:
        matches = _apply_override(matches, override)
    return matches


def _classify(
    sheet: _Sheet,
    hpos: int,
    group_pos: int | None,
    body: pd.DataFrame,
    keep: list[int],
    headers: list[str],
    matches: list[ColumnMatch],
    schema: Schema,
    rules: IngestRules,
    present: np.ndarray | None = None,
) -> list[int]:
    """Every row a class: the data rows become ``table.data``, the others ``table.skipped``
    with their reason (rows above the header are titles). Returns the data rows' positions.
    ``present``: which cells of ``body`` hold a value, when known."""
    grid, cells, table = sheet.grid, sheet.cells, sheet.table
    # the kept columns (every column, mostly: then the body itself, not a copy of its cells)
    every = keep == list(range(body.shape[1]))
    kept = body if every else body.iloc[:, keep]
    if present is None:
        present = kept.notna().to_numpy(dtype=bool)
    elif not every:
        present = present[:, keep]
    # the filled cells as distinct texts, once: the row classes and the other-table test read them
    texts = CellTexts.of(kept, present)
    classes = classify_rows(
        kept,
        [headers[j] for j in keep],
        matches,
        rules,
        sum_rows={r - grid.first_row - hpos - 1 for r in grid.sum_formula_rows}
        if sheet.line_numbers is None
        else set(),
        types=[schema.field(m.field).type if m.field else None for m in matches],
        filled=present,
        texts=texts,
    )
    classes = _other_table(
        sheet, hpos, kept, classes, [headers[j] for j in keep], matches, schema, texts
    )
    above = [i for i in sheet.nonempty_pos if i < hpos and i != group_pos]
    # a board of groups, each under its heading row (monday.com): the heading is kept per row
    title = lone_text(cells.iloc[above[-1]].tolist()) if above else None
    classes, groups = group_headings(kept, classes, title)
    # a grouped report's group rows (Stage: Prospecting (2 records)): their value per row
    classes, stated = group_statements(kept, classes, [headers[j] for j in keep], present)
    table.skipped = [(sheet.excel_row(i), "row.title") for i in above]
    data_idx = []
    for k, cls in enumerate(classes):
        i = hpos + 1 + k
        if cls == "data":
            data_idx.append(i)
        else:
            table.skipped.append((sheet.excel_row(i), f"row.{cls}"))
    table.skipped.sort()
    # by position (the body's row k is the sheet's row hpos + 1 + k), not by label lookups
    data = (
        body.iloc[np.asarray(data_idx) - (hpos + 1), keep]
        if data_idx
        else pd.DataFrame(columns=keep)
    )
    data.index = [sheet.excel_row(i) for i in data_idx]
    data.columns = keep
    table.data = data
    if stated:
        _fill_stated(sheet, hpos, classes, stated, keep, matches)
    if texts.distinct.isin(_DITTO).any():  # asked of the distinct texts: most sheets have none
        _fill_ditto(sheet, matches)
    if groups is not None:
        add_group_column(
            table,
            [groups[i - hpos - 1] for i in data_idx],
            (cells.shape[1], column_letter(grid.first_col + cells.shape[1])),
            [
                (sheet.excel_row(hpos + 1 + k), str(groups[k]))
                for k, c in enumerate(classes)
                if c == "group-heading"
            ],
        )
    _fill_groups(sheet, classes, matches)
    continued = _continued_notes(sheet, hpos, classes, kept, present, keep, matches)
    return [i for i in data_idx if sheet.excel_row(i) not in continued]


def _continued_notes(
    sheet: _Sheet,
    hpos: int,
    classes: Sequence[str],
    kept: pd.DataFrame,
    present: np.ndarray,
    keep: list[int],
    matches: list[ColumnMatch],
) -> set[int]:
    """A note row whose one cell stands in the notes column right under a data row (a memo
    continued on the next line: 12/1 稟議回付中 under the deal's 11/20 見積提出) is that deal's
    latest note: its text is added to the data row's notes on a line of its own, and the row is
    skipped as ``row.note-continued`` (before, it was a note of no record, u20). Returns the
    sheet rows of such lines that had been read as data rows (now dropped from the data)."""
    notes = [j for j, m in enumerate(matches) if m.field == "notes" and j < len(keep)]
    if len(notes) != 1 or sheet.table.data.empty:
        return set()
    col = notes[0]
    data = sheet.table.data
    key = keep[col]
    cls = np.asarray(classes, dtype=object)
    lone = (present.sum(axis=1) == 1) & present[:, col] & np.isin(cls, ["note", "data"])
    if not lone.any() or key not in data.columns:
        return set()
    reasons = dict(sheet.table.skipped)
    dropped = []
    owner_of: dict[int, int] = {}  # a joined line's position -> the data row it continues
    for k in np.flatnonzero(lone).tolist():  # the few lone memo lines, not every row
        above = k - 1
        owner = owner_of.get(above)
        if owner is None and above >= 0 and cls[above] == "data" and not lone[above]:
            owner = sheet.excel_row(hpos + 1 + above)
        if owner is None:
            continue
        owner_of[k] = owner
        row = sheet.excel_row(hpos + 1 + k)
        text = str(kept.iat[k, col]).strip()
        before = data.at[owner, key]
        blank = before is None or str(before).strip() == ""
        data.at[owner, key] = text if blank else f"{before}\n{text}"
        reasons[row] = "row.note-continued"
        if cls[k] == "data":  # a lone memo cell like its column's was read as a data row
            dropped.append(row)
    if owner_of:
        sheet.table.skipped = sorted(reasons.items())
    if dropped:
        sheet.table.data = data.drop(index=dropped)
    return set(dropped)


_PERIOD_RE = re.compile(
    r"(?i)(?:\bw(?:eek|k)?|第)?\s*\d+\s*(?:週目|週|月度|月|日|w|week)?|[/._\-\s()（）]"
)


# periods named relative to now (先週 ステータス / 今週 ステータス, Last Week / This Week Status):
# each word's place among them, the earliest first
_RELATIVE_PERIODS = {
    "先々週": -2,
    "先週": -1,
    "前週": -1,
    "前回": -1,
    "先月": -1,
    "前月": -1,
    "last week": -1,
    "previous": -1,
    "prior": -1,
    "last": -1,
    "今週": 0,
    "当週": 0,
    "今回": 0,
    "今月": 0,
    "当月": 0,
    "this week": 0,
    "current": 0,
    "this": 0,
}
_RELATIVE_RE = re.compile(
    "|".join(
        rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isascii() else re.escape(w)
        for w in sorted(_RELATIVE_PERIODS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)


def _series_key(header: str) -> str:
    """A header without its period (W3 状況, 第3週 ステータス, 4月 状況, 2026/04/07 状況, 先週
    ステータス -> 状況 / ステータス); '' when the header names no period."""
    text = unicodedata.normalize("NFKC", header or "")
    if _RELATIVE_RE.search(text):
        return _PERIOD_RE.sub("", _RELATIVE_RE.sub("", text)).lower()
    if not any(ch.isdigit() for ch in text):
        return ""
    return _PERIOD_RE.sub("", text).lower()


def _period_rank(header: str) -> int:
    """-2 for 先々週, -1 for 先週 / Last Week, 0 otherwise: relative periods in time order."""
    hit = _RELATIVE_RE.search(unicodedata.normalize("NFKC", header or ""))
    return _RELATIVE_PERIODS[hit.group().lower()] if hit else 0


def _latest_of_series(sheet: _Sheet, matches: list[ColumnMatch]) -> list[ColumnMatch]:
    """A status written week by week (W1 状況 ... W12 状況, 4月 ... 3月): the stage is the latest
    filled cell of each row, not the first week's. Where the stage column and the columns that
    also looked like the stage share a header but for a period, the stage moves to the last of
    them and each row's cell becomes its latest filled one, left to right; the other weeks stay
    as extra columns. One finding says so (``ingest.stage-from-latest-period``)."""
    table = sheet.table
    stage = next((m for m in matches if m.field == "stage"), None)
    if stage is None or table.data.empty:
        return matches
    key = _series_key(stage.header)
    series = [
        m
        for m in matches
        if m is stage
        or (m.field is None and key and _series_key(m.header) == key and "stage" in (m.note or ""))
    ]
    if len(series) < 2:
        return matches
    series.sort(key=lambda m: (_period_rank(m.header), m.index))  # earliest first
    data = table.data
    latest = pd.Series([None] * len(data), index=data.index, dtype=object)
    for m in series:
        if m.index in data.columns:
            cells = data[m.index]
            latest = latest.where(cells.isna(), cells)
    last = series[-1]
    data[last.index] = latest
    out = [
        replace(
            m,
            field="stage",
            confidence=stage.confidence,
            method=stage.method,
            note=f"the latest filled of {len(series)} period columns",
        )
        if m is last
        else replace(
            m,
            field=None,
            confidence=0.0,
            note=f"an earlier period of the stage (column {last.column} holds the latest)",
        )
        if m is stage
        else m
        for m in matches
    ]
    table.findings.append(
        Finding(
            "ingest.stage-from-latest-period",
            "info",
            f"the stage is written per period in {len(series)} columns ({series[0].header} ... "
            f"{last.header}): each row's latest filled one is its stage, read into "
            f"'{last.header}'",
            sheet.grid.file,
            sheet.grid.sheet,
            action="changed",
        )
    )
    return out


def _hand_over(out: list[ColumnMatch], held: int, to: int, why: str) -> None:
    """Column ``to`` takes the field column ``held`` was read as (its confidence and method);
    ``held`` becomes an extra column, noted with ``why``. In place."""
    was = out[held]
    out[to] = replace(
        out[to], field=was.field, confidence=was.confidence, method=was.method, note=""
    )
    out[held] = replace(was, field=None, confidence=0.0, note=why)


def _column_finding(sheet: _Sheet, rule: str, message: str, header: str, field: str) -> None:
    """One finding about which column a field is read from (info, the mapping changed)."""
    sheet.table.findings.append(
        Finding(
            rule,
            "info",
            message,
            sheet.grid.file,
            sheet.grid.sheet,
            column=header,
            field=field,
            action="changed",
        )
    )


def _visible_over_hidden(sheet: _Sheet, matches: list[ColumnMatch]) -> list[ColumnMatch]:
    """One field named by a hidden column and a visible one (ステージ hidden in C, ステージ in F:
    a team hides the column it stopped using): the visible column is the field, the hidden one
    an extra column. One finding per field (``ingest.hidden-column``)."""
    hidden = sheet.grid.hidden_cols
    if not hidden:
        return matches
    out = list(matches)
    first_col = sheet.grid.first_col
    for k, held in enumerate(matches):
        if not held.field or first_col + held.index not in hidden:
            continue
        field = held.field
        shown = next(
            (
                (i, m)
                for i, m in enumerate(out)
                if also_named(m, field) and first_col + m.index not in hidden
            ),
            None,
        )
        if shown is None:
            continue
        i, visible = shown
        _hand_over(
            out,
            k,
            i,
            f"hidden; column {visible.column} ('{visible.header}') is the visible {field}",
        )
        _column_finding(
            sheet,
            "ingest.hidden-column",
            f"column {held.column} '{held.header}' is hidden and column {visible.column} "
            f"'{visible.header}' names the same field: the visible one is read as {field}, "
            "the hidden one kept as an extra column",
            visible.header,
            field,
        )
    return out


def _stages_over_status(
    sheet: _Sheet, matches: list[ColumnMatch], rules_dir: str | None
) -> list[ColumnMatch]:
    """Two columns that look like the stage, one a status (Open / Won / Lost: Dynamics' Status
    before its Pipeline Phase) and one the funnel's stages (1-Qualify, 2-Develop, 3-Propose):
    the column naming two or more open stages is the stage, the status an extra column (its
    won and lost words stay evidence of the outcome, as any extra column's). One finding
    (``ingest.stage-from-stages-column``)."""
    data = sheet.table.data
    held_at = next((k for k, m in enumerate(matches) if m.field == "stage"), None)
    if held_at is None or data.empty:
        return matches
    others = [(k, m) for k, m in enumerate(matches) if also_named(m, "stage")]
    if not others:
        return matches
    from ...bundle import load_rules_bundle
    from ...normalize.stage_words import read_stage_word

    bundle = load_rules_bundle(rules_dir)
    vocab = bundle.stage_vocabulary

    def open_stages(m: ColumnMatch) -> set[str]:
        if m.index not in data.columns:
            return set()
        words = pd.unique(data[m.index].dropna())
        keys = {read_stage_word(w, vocab, bundle.normalize).stage for w in words}
        return {k for k in keys if k and vocab.status(k) == "open"}

    held = matches[held_at]
    if len(open_stages(held)) > 1:
        return matches
    ranked = sorted(((len(open_stages(m)), -k, k, m) for k, m in others), reverse=True)
    n, _, k, finer = ranked[0]
    if n < 2:
        return matches
    out = list(matches)
    _hand_over(
        out, held_at, k, f"a status; column {finer.column} ('{finer.header}') holds the stages"
    )
    _column_finding(
        sheet,
        "ingest.stage-from-stages-column",
        f"column {held.column} '{held.header}' names at most one open stage (a status) and "
        f"column {finer.column} '{finer.header}' names {n}: the latter is read as the stage, "
        "the status kept as an extra column (its won and lost words still count)",
        finer.header,
        "stage",
    )
    return out


_CUSTOMER_FIELDS = (
    "company_name",
    "contact_name",
    "contact_last_name",
    "contact_first_name",
    "email",
    "phone",
    "mobile_phone",
    "contact_title",
    "department",
)


def _end_customer_over_partner(
    sheet: _Sheet, matches: list[ColumnMatch], schema: Schema, rules_dir: str | None
) -> list[ColumnMatch]:
    """The end customer is the account, the party the deal is sold through its partner (u25):
    a company column (得意先, 顧客名, 一次店) beside a column of company names headed by a word of
    rules/ingest.yaml ``end_customer_words`` (納入先, 導入先, エンドユーザー, End User) gives way to
    it and is read as the ``partner`` (an extra column when another column holds the partner).
    A sheet naming a partner and no company reads the partner as the company: no column names
    the end customer. One finding per sheet (``ingest.end-customer-column``)."""
    rules = sheet.rules
    words = rules.end_customer_words if rules is not None else ()
    out = list(matches)
    held = next((i for i, m in enumerate(out) if m.field == "company_name"), None)
    partner = next((i for i, m in enumerate(out) if m.field == "partner"), None)
    if held is None:
        if partner is not None:
            was = out[partner]
            out[partner] = replace(
                was, field="company_name", note="a partner, and no column names the end customer"
            )
            _column_finding(
                sheet,
                "ingest.end-customer-column",
                f"column {was.column} '{was.header}' names the party the deal is sold through, "
                "and no column names the end customer: read as the company",
                was.header,
                "company_name",
            )
        return out
    if not words or _pair_side(out[held].header, words):
        return out
    end = next(
        (
            i
            for i, m in enumerate(out)
            if m.field is None
            and m.header
            and _pair_side(m.header, words)
            and match_header(m.header, schema, rules_dir)[0] == "company_name"
        ),
        None,
    )
    if end is None:
        return out
    was = out[held]
    _hand_over(
        out, held, end, f"the party the deal is sold through; column {out[end].column} "
        f"('{out[end].header}') names the end customer, the company",
    )  # fmt: skip
    if partner is None:
        out[held] = replace(out[held], field="partner", confidence=0.9, method=was.method)
    _column_finding(
        sheet,
        "ingest.end-customer-column",
        f"column {out[end].column} '{out[end].header}' names the end customer: read as the "
        f"company; column {was.column} '{was.header}' is the party the deal is sold through, "
        + ("read as the partner" if partner is None else f"kept as an extra column (column "
           f"{out[partner].column} '{out[partner].header}' is the partner)"),
        out[end].header,
        "company_name",
    )  # fmt: skip
    return out


def _customer_over_third_party(sheet: _Sheet, matches: list[ColumnMatch]) -> list[ColumnMatch]:
    """A customer's field held by a column naming a third party (Partner Contact Email, 代理店
    担当者): a column of the same field without such a word is the field; and a third party's
    e-mail or phone with no such column is no contact's of the customer while another column
    names the customer company: kept as an extra column. One finding per column
    (``ingest.third-party-column``)."""
    words = sheet.rules.third_party_words if sheet.rules is not None else ()
    if not words:
        return matches
    out = list(matches)
    third = [_pair_side(m.header, words) for m in out]
    customer_company = any(
        m.field == "company_name" and not t for m, t in zip(out, third, strict=True)
    )
    for k, held in enumerate(matches):
        if held.field == "owner" and third[k]:
            # Partner Rep, 代理店担当, 販売店担当者: the partner's person, not our rep (u25)
            out[k] = replace(
                held, field=None, confidence=0.0, note="a third party's rep, not our owner"
            )
            _column_finding(
                sheet,
                "ingest.third-party-column",
                f"column {held.column} '{held.header}' names a third party (a partner, reseller "
                "or agency): a partner's rep, not read as our owner",
                held.header,
                "owner",
            )
            continue
        if held.field not in _CUSTOMER_FIELDS or not third[k]:
            continue
        field = str(held.field)
        other = next(
            (i for i, m in enumerate(out) if not third[i] and also_named(m, field)),
            None,
        )
        if other is not None:
            theirs = out[other]
            _hand_over(
                out,
                k,
                other,
                f"a third party's; column {theirs.column} ('{theirs.header}') is the customer's",
            )
        elif field in ("email", "phone", "mobile_phone") and customer_company:
            out[k] = replace(
                held, field=None, confidence=0.0, note="a third party's, not the customer contact's"
            )
        else:
            continue
        _column_finding(
            sheet,
            "ingest.third-party-column",
            f"column {held.column} '{held.header}' names a third party (a partner, reseller "
            f"or agency): not read as the customer's {field}"
            + (
                f"; column {out[other].column} '{out[other].header}' is read as it"
                if other is not None
                else ""
            ),
            held.header,
            field,
        )
    return out


def _values_fit(cells: pd.Series, ftype: str) -> bool:
    """Most filled cells of a column can be of a date or amount field (a date, a number), or
    it has none to say otherwise."""
    from ...columns import profile_column

    profile = profile_column(cells.head(500).tolist())
    if not profile.n or ftype not in ("date", "amount"):
        return True
    kinds = ("date",) if ftype == "date" else ("number", "amount")
    return sum(profile.shares.get(k, 0.0) for k in kinds) >= 0.5


def _pair_side(header: str, words: tuple[str, ...]) -> bool:
    """True when the header holds one of the words (a Latin word whole: Plan, not Planet)."""
    text = unicodedata.normalize("NFKC", header).casefold()
    for w in words:
        w = unicodedata.normalize("NFKC", w).casefold()
        if w.isascii():
            if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", text):
                return True
        elif w in text:
            return True
    return False


#: the fields whose value a plan stands in for: amounts, dates, numbers, percentages (not a
#: name: Deal / Fiscal Qtr beside Deal / Opportunity is no plan of the deal's name)
_FALLBACK_TYPES = frozenset({"amount", "date", "number", "probability"})


def _first_over_fallback(
    sheet: _Sheet, matches: list[ColumnMatch], schema: Schema
) -> list[ColumnMatch]:
    """One field named twice under a pair of words of rules/ingest.yaml ``column_fallbacks``
    (実績 / 金額 beside 計画 / 金額): the `first` word's column is the field, each blank cell of it
    filled from the `fallback` word's column; the fallback stays an extra column. One finding
    per field whose column or values changed (``ingest.column-fallback``)."""
    table = sheet.table
    pairs = sheet.rules.column_fallbacks if sheet.rules is not None else ()
    if not pairs or table.data.empty:
        return matches
    out = list(matches)
    for held in [m for m in matches if m.field]:
        field = str(held.field)
        if schema.field(field).type not in _FALLBACK_TYPES:
            continue
        named = [held] + [m for m in out if also_named(m, field)]
        if len(named) < 2:
            continue
        for first_words, fallback_words in pairs:
            firsts = [m for m in named if _pair_side(m.header, first_words)]
            rest = [m for m in named if _pair_side(m.header, fallback_words) and m not in firsts]
            # without a first word, the one column naming neither word is the first (受注金額
            # beside 見込金額, Close Date beside Close Qtr)
            plain = [m for m in named if m not in firsts and m not in rest]
            if not firsts and len(plain) == 1:
                firsts = plain
            if firsts and rest:
                break
        else:
            continue
        # 受注日 and 失注日 beside 受注予定日: the first actual, then the other actuals, then a
        # column naming neither word (金額 beside 実績 / 金額 and 計画 / 金額), then the plans
        others = [m for m in named if m not in firsts and m not in rest]
        firsts, others, rest = (sorted(ms, key=lambda m: m.index) for ms in (firsts, others, rest))
        first, rest = firsts[0], [*firsts[1:], *others, *rest]
        data = table.data
        if first.index not in data.columns:
            continue
        if first is not held and not _values_fit(data[first.index], schema.field(field).type):
            # u26: 契約期間（年） (3, 1, 1) named neither word of a pair beside 受注予定日 and was
            # made the close date over it; a column whose values cannot be the field stands in
            # for nothing
            continue
        # the column read keeps what its own header said (a keyword's 0.80), not the
        # confidence of the column it replaces (u26: 'exact 1.00' for a keyword match)
        own_field, own_conf, own_method = match_header(first.header, schema)
        conf, method = (
            (own_conf, own_method) if first is not held and own_field == field
            else (held.confidence, held.method)
        )  # fmt: skip
        cells = data[first.index]
        blank = cells.isna()
        filled = 0
        for m in rest:  # the other actuals, then the plans, each left to right
            if m.index in data.columns:
                use = blank & data[m.index].notna()
                filled += int(use.sum())
                cells = cells.where(~use, data[m.index])
                blank = cells.isna()
        data[first.index] = cells
        at = {id(m): k for k, m in enumerate(out)}
        out[at[id(first)]] = replace(
            first,
            field=field,
            confidence=conf,
            method=method,
            note=f"blank cells from {', '.join(repr(m.header) for m in rest)}",
        )
        for m in rest:
            out[at[id(m)]] = replace(
                m,
                field=None,
                confidence=0.0,
                note=f"where column {first.column} ('{first.header}') is blank, its {field}",
            )
        if first is held and not filled:
            continue  # the column read is the one read before, and no blank was filled
        names = " / ".join(f"'{m.header}' (column {m.column})" for m in rest)
        _column_finding(
            sheet,
            "ingest.column-fallback",
            f"{field} is named twice: '{first.header}' (column {first.column}) is read as "
            f"{field}, and {names} where it is blank ({filled} of {len(data)} rows); "
            "the other column stays as an extra column",
            first.header,
            field,
        )
    return out


def _row_counter_is_no_id(sheet: _Sheet, matches: list[ColumnMatch]) -> list[ColumnMatch]:
    """A record-id column that counts the rows (No. 1, 2, 3 ... down the sheet) numbers the rows,
    it names no record: a row typed twice has two numbers and is still one deal. Such a column
    (whole numbers rising row by row from 0 or 1, by one at most steps and to at most twice the
    row count: a deleted row leaves a gap, a row added below takes the next number) is left unmapped, kept as an extra column,
    with one finding (``ingest.row-counter``). Ids a system gave (OPP-0012, 10231, 10232 ...) do
    not start at 1 and stay ids."""
    data = sheet.table.data
    rid = next((m for m in matches if m.field == "record_id"), None)
    if rid is None or rid.index not in data.columns or len(data) < 3:
        return matches
    values = [v for v in data[rid.index].tolist() if v is not None]
    if len(values) < max(3, 0.8 * len(data)):
        return matches
    numbers = [_whole_number(v) for v in values]
    if any(n is None for n in numbers):
        return matches
    ints = [int(n) for n in numbers if n is not None]
    steps = [b - a for a, b in zip(ints, ints[1:])]
    ones = sum(1 for d in steps if d == 1)
    if ints[0] > 1 or min(steps) < 1 or ones < 0.6 * len(steps) or ints[-1] > 2 * len(ints):
        return matches
    sheet.table.findings.append(
        Finding(
            "ingest.row-counter",
            "info",
            f"column {rid.column} '{rid.header}' counts the rows ({ints[0]} ... {ints[-1]} down "
            "the sheet): a row number, not a record id; kept as an extra column, so that a row "
            "typed twice is still found as one deal",
            sheet.grid.file,
            sheet.grid.sheet,
            column=rid.header,
            field="record_id",
            action="changed",
        )
    )
    return [
        replace(m, field=None, confidence=0.0, note="a row counter (1, 2, 3 ... down the rows)")
        if m is rid
        else m
        for m in matches
    ]


def _other_table(
    sheet: _Sheet,
    hpos: int,
    body: pd.DataFrame,
    classes: list[RowClass],
    headers: list[str],
    matches: list[ColumnMatch],
    schema: Schema,
    texts: CellTexts,
) -> list[RowClass]:
    """A second table further down the sheet (■ 受注済み案件 under the deal list, with its own
    header 受注日 | 得意先 | 件名 | 営業 | 受注金額): its header and rows are no rows of the table
    above, whose columns mean other things. The first data row that is a header of other
    column names (three or more cells, at least half its cells, are column names of the schema
    written as they are, and not this table's own header again) and every data row below it
    become ``other-table`` rows, with one warning (``ingest.other-table``) naming the row and
    its column names: the user moves that table to a sheet of its own to have it read.

    Right under the header, such a row is the header's second line (会社名 | 担当者 over
    Company | Contact: the same fields in the same columns): a ``repeated-header`` row."""
    if len(body) < 2 or "data" not in classes:
        return classes
    # per row: its filled cells, and those that are a column name of the schema (``texts``:
    # the body's filled cells, each distinct text asked once)
    is_word = texts.distinct.isin(_schema_words(schema)).to_numpy(dtype=bool)
    hits = np.bincount(texts.row[is_word[texts.codes]], minlength=len(body))
    filled = np.bincount(texts.row, minlength=len(body))
    own = {header_key(h) for h in headers if h}
    first_data = classes.index("data")
    field_of = {m.index: m.field for m in matches}
    out = list(classes)
    start = None
    for k in np.flatnonzero((hits >= 3) & (hits * 2 >= filled)).tolist():
        if classes[k] != "data":
            continue
        if k == first_data:  # right under the header: its second line, or the first data row
            cells = body.iloc[k]
            same = sum(
                1
                for j, v in cells.items()
                if isinstance(v, str)
                and field_of.get(int(j))
                and match_header(v, schema)[0] == field_of.get(int(j))
            )
            if same >= 3 and same * 2 >= hits[k]:
                out[k] = "repeated-header"
            continue
        row_texts = [v for v in body.iloc[k].tolist() if isinstance(v, str)]
        if sum(1 for t in row_texts if header_key(t) in own) * 2 >= hits[k]:
            continue  # this table's header again (a pasted block): the repeated-header rule's
        start = k
        break
    if start is None:
        return out
    moved = [k for k in range(start, len(out)) if out[k] == "data"]
    for k in moved:
        out[k] = "other-table"
    names = [v for v in body.iloc[start].tolist() if isinstance(v, str)]
    row = sheet.excel_row(hpos + 1 + start)
    sheet.table.findings.append(
        Finding(
            "ingest.other-table",
            "warning",
            f"row {row} starts another table ({', '.join(names[:6])}"
            f"{', ...' if len(names) > 6 else ''}): it and the {len(moved) - 1} row(s) below it "
            "were not read as rows of the table above; move that table to a sheet of its own "
            "to have it read",
            sheet.grid.file,
            sheet.grid.sheet,
            row,
            action="skipped",
        )
    )
    return out


@functools.lru_cache(maxsize=8)
def _schema_words(schema: Schema) -> frozenset[str]:
    """Every column name of the schema as written in rules/columns.yaml (its synonyms)."""
    return frozenset(s for f in schema.fields for s in f.synonyms)


#: Fields a grouped report (Salesforce's summary report exported formatted, Excel's Subtotal)
#: writes once per group: the account, the owner.
_GROUP_FIELDS = ("company_name", "owner")


#: a cell that says "the same as above" (〃, 同上, a lone double quote, ditto)
_DITTO = frozenset({"〃", "″", "〃〃", "同上", "同左", '"', "”", "ditto", "do.", "Ditto", "DITTO"})


def _fill_ditto(sheet: _Sheet, matches: list[ColumnMatch]) -> None:
    """A data cell that is a ditto mark (〃, 同上) takes the value of the data row above it in
    its column, in place; one finding per column (``ingest.ditto-filled``)."""
    data = sheet.table.data
    if data.empty:
        return
    by_index = {m.index: m for m in matches}
    for j in data.columns:
        at = data[j].isin(_DITTO).to_numpy(dtype=bool)  # cells are trimmed already
        if not at.any():
            continue
        marks = np.flatnonzero(at).tolist()
        filled = data[j].to_numpy(dtype=object).copy()
        for k in marks:
            filled[k] = filled[k - 1] if k else None
        data[j] = pd.Series(filled, index=data.index, dtype=object)
        m = by_index.get(j)
        rows = [str(data.index[k]) for k in marks]
        sheet.table.findings.append(
            Finding(
                "ingest.ditto-filled",
                "info",
                f"{len(marks)} cell(s) of column {m.column if m else j} "
                f"'{m.header if m else ''}' hold a ditto mark (〃, 同上) (rows {listed(rows)}): "
                "each took the value of the row above",
                sheet.grid.file,
                sheet.grid.sheet,
                int(data.index[marks[0]]),
                m.header if m else "",
                (m.field or "") if m else "",
                action="changed",
            )
        )


def _fill_stated(
    sheet: _Sheet,
    hpos: int,
    classes: Sequence[str],
    stated: dict[int, tuple[int, str]],
    keep: list[int],
    matches: list[ColumnMatch],
) -> None:
    """Each data row's blank grouping cell takes its group row's value; one finding names the
    group rows (``ingest.report-groups``)."""
    table = sheet.table
    data = table.data
    heads = [k for k, c in enumerate(classes) if c == "group-heading"]
    columns: dict[int, list[str]] = {}
    for k, (pos, value) in stated.items():
        j = keep[pos]
        row = sheet.excel_row(hpos + 1 + k)
        if row in data.index and data.at[row, j] is None:
            data.at[row, j] = value
            columns.setdefault(j, []).append(value)
    by_index = {m.index: m for m in matches}
    for j, values in columns.items():
        m = by_index.get(j)
        table.findings.append(
            Finding(
                "ingest.report-groups",
                "info",
                f"rows {listed([str(sheet.excel_row(hpos + 1 + k)) for k in heads])} are a "
                f"grouped report's group rows ({listed(sorted(set(values)))}): each row below "
                f"one takes its value in column {m.column if m else j} "
                f"'{m.header if m else ''}' ({len(values)} rows)",
                sheet.grid.file,
                sheet.grid.sheet,
                sheet.excel_row(hpos + 1 + heads[0]),
                m.header if m else "",
                (m.field or "") if m else "",
                action="changed",
            )
        )


def _fill_groups(sheet: _Sheet, classes: Sequence[str], matches: list[ColumnMatch]) -> None:
    """A grouped report writes its grouping column on the first row of each group and leaves
    it blank on the group's other rows, each group closed by a subtotal row (Salesforce's
    'Opportunities with Accounts' exported formatted: Account Name, then 'Subtotal').

    Where the data rows fall into such groups (at least two groups with a subtotal row between
    them), a company or owner column whose every group starts with a value, holds no other
    value inside the group, and names other values in other groups, is filled down within each
    group, with one finding per column (``ingest.group-filled-down``). Without subtotal rows a
    blank cell stays blank: it may well be a company nobody wrote down."""
    table = sheet.table
    data = table.data
    if len(data) < 3 or "subtotal" not in classes:
        return
    gid, rows = 0, []
    for cls in classes:
        if cls == "data":
            rows.append(gid)
        elif cls == "subtotal" and rows and rows[-1] == gid:
            gid += 1  # a subtotal after data closes the group
    groups = np.asarray(rows, dtype=np.int64)
    if len(groups) != len(data) or groups.max(initial=0) < 1:
        return
    by_index = {m.index: m for m in matches}
    starts = np.r_[True, groups[1:] != groups[:-1]]
    for j in data.columns:
        m = by_index.get(j)
        if m is None or m.field not in _GROUP_FIELDS:
            continue
        values = data[j].to_numpy(dtype=object)
        blank = np.array([v is None for v in values])
        if not blank.any() or blank[starts].any():
            continue
        first = values[starts][np.cumsum(starts) - 1]  # each row's group value
        if any(v is not None and v != f for v, f in zip(values, first, strict=True)):
            continue  # another value inside a group: not a grouping column
        if len(set(values[starts].tolist())) < 2:
            continue
        data.loc[blank, j] = first[blank]
        head = data.index.to_numpy()[starts][np.cumsum(starts) - 1]  # each row's group's first row
        table.findings.extend(
            Finding(
                "ingest.group-filled-down",
                "info",
                f"blank in a grouped report (groups closed by subtotal rows): took the value of "
                f"row {head[k]}, its group's first row",
                sheet.grid.file,
                sheet.grid.sheet,
                int(data.index[k]),
                m.header,
                m.field or "",
                value=str(first[k]),
                action="changed",
            )
            for k in np.flatnonzero(blank)
        )


def _not_records(
    matches: list[ColumnMatch], category: str, rules: IngestRules, data: pd.DataFrame
) -> tuple[str, str] | None:
    """Why the sheet is no table of records, on positive evidence only (its name says so and
    its columns agree; a legend or drop-down list; no column that holds a company, deal,
    person, e-mail or id by its header or its values), or None: the sheet is read."""
    mapped = {m.field for m in matches if m.field}
    records_like = (
        bool(mapped & set(rules.record_fields)) and len(mapped) >= rules.min_record_fields
    )
    if category == "template" and len(data) <= rules.template_max_rows:
        return "sheet.template", _NOT_RECORDS["sheet.template"]
    if category:
        if not records_like:
            code = f"sheet.{category}"
            return code, _NOT_RECORDS.get(code, "not a table of records")
        if category == "rep-master" and not (mapped & {"company_name", "deal_name"}):
            return "sheet.rep-master", _NOT_RECORDS["sheet.rep-master"]
        return None
    if _is_legend(matches, data, mapped):
        return (
            "sheet.settings",
            "a list of codes and what they mean (a legend or drop-down list), not records",
        )
    if not records_like and not (mapped & {"company_name", "deal_name"}):
        # (a list of companies or deals alone is records: an account list)
        return (
            "sheet.not-records",
            "no column holds a company, deal, person, e-mail or id, by its header or its values",
        )
    return None


# a legend is short: a handful of codes and their meanings
_LEGEND_MAX_ROWS = 30
_LEGEND_MAX_COLUMNS = 4
_LEGEND_MAX_CODE = 12
_IDENTITY = frozenset({"company_name", "deal_name", "contact_name", "email", "record_id", "phone"})


def _is_legend(matches: list[ColumnMatch], data: pd.DataFrame, mapped: set[str]) -> bool:
    """A legend or drop-down list (ステータス | 意味, ヨミ | 定義): few rows, few columns, a
    first column of short distinct codes, and no column of names, e-mails or ids."""
    if mapped & _IDENTITY or data.empty or len(data) > _LEGEND_MAX_ROWS:
        return False
    used = [c for c in data.columns if data[c].notna().any()]
    if not used or len(used) > _LEGEND_MAX_COLUMNS:
        return False
    codes = [str(v).strip() for v in data[used[0]].tolist() if v is not None and str(v).strip()]
    return (
        len(codes) >= 2
        and len(set(codes)) == len(codes)
        and all(len(c) <= _LEGEND_MAX_CODE for c in codes)
        and len(used) >= 2
    )


# a row counts as marked (struck through, filled grey) when at least this share of its cells
# that hold a value carry the mark: a team strikes or fills the whole row, not one cell
_MARKED_SHARE = 0.6


def _row_marks(sheet: _Sheet) -> None:
    """The marks of the data rows' formats (Grid.row_marks) a row carries on most of its cells
    holding a value, into ``table.row_marks``; a mark every data row carries (a sheet's colour)
    or every other row (banding) is a style, not a mark. One finding per sheet says what was
    seen."""
    grid, table = sheet.grid, sheet.table
    if not grid.row_marks or table.data.empty:
        return
    data = table.data
    filled = data.notna().sum(axis=1)
    found: dict[int, list[str]] = {}
    for r, counts in grid.row_marks.items():
        if r not in filled.index:
            continue
        n = int(filled.loc[r])
        for mark, k in counts.items():
            if n and k >= max(1, _MARKED_SHARE * n):
                found.setdefault(r, []).append(mark)
    rows = sorted(found)
    marks = sorted({m for ms in found.values() for m in ms})
    for mark in marks:
        with_mark = [r for r in rows if mark in found[r]]
        every = len(with_mark) == len(data)
        positions = data.index.get_indexer(with_mark)
        banded = len(with_mark) >= 3 and bool(np.all(np.diff(positions) == 2))
        if every or banded:
            for r in with_mark:
                found[r].remove(mark)
    table.row_marks = {r: " ".join(sorted(ms)) for r, ms in found.items() if ms}
    if not table.row_marks:
        return
    said = []
    for mark in sorted({m for ms in table.row_marks.values() for m in ms.split()}):
        with_mark = sorted(r for r, ms in table.row_marks.items() if mark in ms.split())
        rows_text = listed(with_mark)
        said.append(f"{len(with_mark)} {row_mark_words(mark)} (rows {rows_text}; mark '{mark}')")
    table.findings.append(
        Finding(
            "ingest.row-marks",
            "info",
            "data rows marked by their format: "
            + "; ".join(said)
            + ". A mark listed under evidence.won.row_marks or evidence.lost.row_marks of"
            " rules/stages.yaml is won/lost evidence (by default struck through and grey say lost)",
            grid.file,
            grid.sheet,
            action="kept",
        )
    )


def _stage_comments(sheet: _Sheet) -> None:
    """The comments on the data rows' empty stage cells (Grid.comments) into
    ``table.stage_comments``: the stage inference reads a stage word from them
    (migrate.stages.inference.comment_stages). A comment on a filled stage cell is a note on
    the word, not a stage."""
    grid, table = sheet.grid, sheet.table
    stage = next((m for m in table.columns if m.field == "stage"), None)
    if not grid.comments or stage is None or stage.index not in table.data.columns:
        return
    col = grid.first_col + stage.index
    cells = table.data[stage.index]
    for r, value in cells.items():
        text = grid.comments.get((int(r), col))
        if text and value is None:
            table.stage_comments[int(r)] = (f"{column_letter(col)}{r}", text)


def _cell_findings(sheet: _Sheet, matches: list[ColumnMatch], filled: int) -> None:
    """Findings that belong to cells of the data: merged fills, formulas without a value,
    hidden rows read as data."""
    grid, table = sheet.grid, sheet.table
    data_rows = set(table.data.index)
    if filled:
        table.findings.append(
            Finding(
                "ingest.merged-cells-filled",
                "info",
                f"{filled} cells covered by merged ranges took the merged value",
                grid.file,
                grid.sheet,
                action="changed",
            )
        )
    by_letter = {m.index: m for m in matches}
    for r, c in grid.formula_no_value:
        if r in data_rows:
            m = by_letter.get(c - grid.first_col)
            table.findings.append(
                Finding(
                    "ingest.formula-without-value",
                    "warning",
                    "formula cell has no cached value (the file was saved by a program that does not calculate); "
                    "open and save it in Excel to fill it",
                    grid.file,
                    grid.sheet,
                    r,
                    m.header if m else column_letter(c),
                    m.field or "" if m else "",
                    action="blanked",
                )
            )
    _error_findings(sheet, by_letter, data_rows)
    for r in sorted(grid.hidden_rows & data_rows):
        table.findings.append(
            Finding(
                "ingest.hidden-row",
                "info",
                "hidden row read as data",
                grid.file,
                grid.sheet,
                r,
                action="kept",
            )
        )


def _error_findings(sheet: _Sheet, by_letter: dict[int, ColumnMatch], data_rows: set[int]) -> None:
    """One finding per column of the data cells that show an Excel error (#N/A of a VLOOKUP
    that found nothing, #REF! of a deleted reference, #NAME?): counted, with an example cell.
    Each such cell of a mapped field is noted in ``table.excel_errors``, so that a reject for
    the field being empty says the cell held the error."""
    grid, table = sheet.grid, sheet.table
    by_col: dict[int, list[tuple[int, str]]] = {}
    for (r, c), error in sorted(grid.errors.items()):
        if r in data_rows:
            by_col.setdefault(c, []).append((r, error))
    for c, cells in by_col.items():
        m = by_letter.get(c - grid.first_col)
        if m is not None and m.field:
            for r, error in cells:
                table.excel_errors[(r, m.field)] = (f"{column_letter(c)}{r}", error)
        kinds = Counter(e for _, e in cells)
        shown = ", ".join(f"{e} x{n}" for e, n in sorted(kinds.items(), key=lambda x: -x[1]))
        r, error = cells[0]
        table.findings.append(
            Finding(
                "ingest.excel-error",
                "warning",
                f"{len(cells)} {'cells show' if len(cells) > 1 else 'cell shows'} an Excel "
                f"error instead of a value ({shown}; e.g. "
                f"{column_letter(c)}{r} {error}): a broken formula (a VLOOKUP that found "
                "nothing, a deleted reference); read as empty. Repair the formula in Excel and "
                "save",
                grid.file,
                grid.sheet,
                r,
                m.header if m else column_letter(c),
                m.field or "" if m else "",
                original=error,
                action="blanked",
            )
        )
