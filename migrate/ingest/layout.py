"""Finding the table in a sheet and saying what every row is.

A :class:`Grid` in, a :class:`SheetTable` out: the header row (anywhere in the first ~30
rows, below title blocks and merged titles; a group row above the field row is combined), the
column mapping, the data rows with their Excel row numbers, and every other non-empty row
with a reason code (title, blank, repeated header, subtotal, note). A sheet that is not a
table of records (a rep master, a settings list, a pivot) is recognised and skipped with a
reason; its rows never become records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..columns import ColumnMatch, header_key, map_columns, match_header
from ..findings import Finding
from ..schema import Schema, flags
from .readers import Grid, column_letter

RowClass = Literal["data", "blank", "title", "repeated-header", "subtotal", "note"]
IDENTITY_FIELDS = ("company_name", "deal_name", "contact_name", "record_id", "email")


@dataclass(frozen=True)
class IngestRules:
    header_search_rows: int
    subtotal_words: tuple[str, ...]
    note_prefixes: tuple[str, ...]
    note_min_length: int
    skip_sheet_names: dict[str, tuple[str, ...]]
    pivot_markers: tuple[str, ...]
    record_fields: tuple[str, ...]
    min_record_fields: int


@dataclass(frozen=True)
class SheetOverride:
    """What a mapping file says about one sheet; it wins over detection."""

    skip: bool = False
    header_row: int | None = None
    columns: dict[str, str | None] = field(
        default_factory=dict
    )  # column letter -> field (None = unmapped)
    headers: dict[str, str] = field(default_factory=dict)  # column letter -> header expected there


@dataclass
class SheetTable:
    """One sheet after layout detection."""

    file: str
    sheet: str
    sheet_index: int
    kind: Literal["table", "skipped"]
    reason: str = ""  # reason code when skipped (sheet.rep-master, ...)
    reason_text: str = ""
    header_row: int | None = None
    header_rows: list[int] = field(default_factory=list)
    columns: list[ColumnMatch] = field(default_factory=list)
    data: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # index: Excel rows; columns: positions
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, reason code)
    findings: list[Finding] = field(default_factory=list)
    visible: bool = True
    encoding: str = ""

    @property
    def data_rows(self) -> list[int]:
        return [int(r) for r in self.data.index]

    def to_json(self) -> dict:
        """The stable shape of ``inspect --json`` (scripts depend on it)."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "kind": self.kind,
            "reason": self.reason,
            "header_row": self.header_row,
            "data_rows": self.data_rows,
            "skipped_rows": [{"row": r, "reason": why} for r, why in self.skipped],
            "columns": [c.to_json() for c in self.columns],
        }


# ------------------------------------------------------------------------------ helpers

_NUMERIC = re.compile(r"^[-+]?[\d,]*\.?\d+(?:[eE][-+]?\d+)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d+)?)?$")
_SECTION = re.compile(r"^\s*[【\[<＜〈■◆●▼▶].*[】\]>＞〉]?\s*$")


def _clean(cells: pd.DataFrame) -> pd.DataFrame:
    """Strip every cell; whitespace-only cells become None.

    The cells of all text (object) columns are stripped in one pass, not column by column: a
    sheet 16,384 columns wide costs what its cells cost."""
    is_object = np.array([d == np.dtype(object) for d in cells.dtypes], dtype=bool)
    allna = cells.isna().all(axis=0).to_numpy()
    text = np.flatnonzero(is_object & ~allna)
    values = cells.to_numpy(dtype=object, copy=True)
    if len(text):
        block = values[:, text]
        st = pd.Series(block.ravel(order="F"), dtype=object).astype("string").str.strip()
        st = st.mask(st == "")
        stripped = st.astype(object).where(st.notna(), None).to_numpy(dtype=object)
        values[:, text] = stripped.reshape(block.shape, order="F")
    out = pd.DataFrame(values, index=cells.index, columns=cells.columns, dtype=object)
    for j in np.flatnonzero(~is_object & ~allna):  # typed columns (rare): as before
        st = cells.iloc[:, j].astype("string").str.strip()
        st = st.mask(st == "")
        out.isetitem(j, st.astype(object).where(st.notna(), None))
    return out


def _is_texty(v: object) -> bool:
    return isinstance(v, str) and not _NUMERIC.match(v) and not _DATETIME.match(v)


def _merged_value_map(grid: Grid, cells: pd.DataFrame) -> dict[tuple[int, int], str]:
    """For each cell covered by a merged range: the value of its top-left cell."""
    out: dict[tuple[int, int], str] = {}
    for r1, c1, r2, c2 in grid.merged:
        ri, ci = r1 - grid.first_row, c1 - grid.first_col
        if not (0 <= ri < len(cells) and 0 <= ci < cells.shape[1]):
            continue
        v = cells.iat[ri, ci]
        if v is None:
            continue
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    out[(r, c)] = v
    return out


# --------------------------------------------------------------------------- detection


def find_table(
    grid: Grid,
    schema: Schema,
    rules: IngestRules,
    rules_dir: str | None = None,
    override: SheetOverride | None = None,
) -> SheetTable:
    """Find the header, map the columns, classify every row, decide whether this is a records table."""
    table = SheetTable(
        grid.file,
        grid.sheet,
        grid.sheet_index,
        "table",
        visible=grid.visible,
        encoding=getattr(grid, "encoding", ""),
    )
    if not grid.visible:
        table.findings.append(
            Finding(
                "ingest.hidden-sheet",
                "info",
                "hidden sheet was read like the others",
                grid.file,
                grid.sheet,
                action="kept",
            )
        )
    cells = _clean(grid.cells) if grid.cells.size else grid.cells
    line_numbers: list[int] | None = getattr(grid, "line_numbers", None)

    def excel_row(i: int) -> int:
        return (
            line_numbers[i]
            if line_numbers is not None and i < len(line_numbers)
            else grid.first_row + i
        )

    nonempty_mask = cells.notna().any(axis=1) if cells.size else pd.Series(dtype=bool)
    nonempty_pos = [i for i, v in enumerate(nonempty_mask.tolist()) if v]

    def skip_sheet(code: str, text: str) -> SheetTable:
        table.kind, table.reason, table.reason_text = "skipped", code, text
        table.skipped = [(excel_row(i), code) for i in nonempty_pos]
        table.data = pd.DataFrame()
        return table

    if override is not None and override.skip:
        return skip_sheet("sheet.skipped-by-mapping", "the mapping file says to skip this sheet")
    if not nonempty_pos:
        return skip_sheet("sheet.empty", "the sheet has no cells")

    top = nonempty_pos[: rules.header_search_rows]
    category = _sheet_name_category(grid.sheet, rules)
    if _has_pivot_markers(cells, top, rules):
        return skip_sheet(
            "sheet.pivot",
            "looks like a pivot table or summary (行ラベル / Grand Total / Sum of ...)",
        )

    # ---- header row
    if override is not None and override.header_row is not None:
        hpos = next((i for i in range(len(cells)) if excel_row(i) == override.header_row), None)
        if hpos is None:
            return skip_sheet(
                "sheet.no-table",
                f"the mapping file's header row {override.header_row} is outside the sheet",
            )
    else:
        hpos = _find_header(cells, top, schema, rules_dir)
        if hpos is None:
            code = f"sheet.{category}" if category else "sheet.no-table"
            return skip_sheet(
                code, "no header row with at least two column names in the first rows"
            )

    # ---- merged cells: titles above the header are fine; inside the data they fill their range
    merged = _merged_value_map(grid, cells)
    header_excel = excel_row(hpos)
    group_pos = _group_row(cells, hpos, grid, merged, nonempty_pos)
    width = cells.shape[1]
    head_vals = [cells.iat[hpos, j] for j in range(width)]
    for j in range(width):
        if head_vals[j] is None and (header_excel, grid.first_col + j) in merged:
            head_vals[j] = merged[(header_excel, grid.first_col + j)]
    group_vals: list[str | None] = [None] * width
    if group_pos is not None:
        gr = excel_row(group_pos)
        for j in range(width):
            v = cells.iat[group_pos, j]
            if v is None:
                v = merged.get((gr, grid.first_col + j))
            group_vals[j] = v
    headers, display = _combine_headers(head_vals, group_vals, schema, rules_dir)

    # columns that have neither a header nor any data are not part of the table
    body = cells.iloc[hpos + 1 :]
    keep = [j for j in range(width) if headers[j] or body.iloc[:, j].notna().any()]
    letters = [column_letter(grid.first_col + j) for j in range(width)]

    # ---- fill merged ranges inside the body (a company merged over its three deal rows)
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

    # ---- map columns on the rows that look like data
    probe = body.loc[body.notna().any(axis=1)].iloc[:, keep]
    probe_headers = [headers[j] for j in keep]
    rep = _repeated_header_mask(probe, probe_headers)
    matches = map_columns(
        probe_headers, [letters[j] for j in keep], probe.loc[~rep], schema, rules_dir
    )
    matches = [
        ColumnMatch(
            keep[k],
            m.column,
            display[keep[k]],
            m.field,
            m.confidence,
            m.method,
            m.unit,
            m.currency,
            m.note,
        )
        for k, m in enumerate(matches)
    ]
    if override is not None and override.columns:
        matches = _apply_override(matches, override)
    table.columns = matches
    table.header_row = header_excel
    table.header_rows = (
        sorted({excel_row(group_pos), header_excel}) if group_pos is not None else [header_excel]
    )

    # ---- classify rows
    classes = classify_rows(
        body.iloc[:, keep],
        [headers[j] for j in keep],
        matches,
        rules,
        sum_rows={r - grid.first_row - hpos - 1 for r in grid.sum_formula_rows}
        if line_numbers is None
        else set(),
        types=[schema.field(m.field).type if m.field else None for m in matches],
    )
    above = [i for i in nonempty_pos if i < hpos and i != group_pos]
    table.skipped = [(excel_row(i), "row.title") for i in above]
    data_idx = []
    for k, cls in enumerate(classes):
        i = hpos + 1 + k
        if cls == "data":
            data_idx.append(i)
        else:
            table.skipped.append((excel_row(i), f"row.{cls}"))
    table.skipped.sort()
    data = (
        body.loc[[cells.index[i] for i in data_idx], keep]
        if data_idx
        else pd.DataFrame(columns=keep)
    )
    data.index = [excel_row(i) for i in data_idx]
    data.columns = keep
    table.data = data

    # ---- is it a table of records at all?
    mapped = {m.field for m in matches if m.field}
    if not (mapped & set(rules.record_fields)) or len(mapped) < rules.min_record_fields:
        code = f"sheet.{category}" if category else "sheet.not-records"
        text = {
            "sheet.rep-master": "a list of our own sales reps, not customer records",
            "sheet.settings": "a settings / picklist sheet, not records",
            "sheet.pivot": "a summary or pivot sheet, not records",
            "sheet.readme": "instructions, not records",
        }.get(code, "no company, deal, amount or stage column: not a table of records")
        return skip_sheet(code, text)
    if category == "rep-master" and not (mapped & {"company_name", "deal_name"}):
        return skip_sheet("sheet.rep-master", "a list of our own sales reps, not customer records")
    if not data_idx:
        return skip_sheet("sheet.no-data-rows", "the table has a header but no data rows")

    # ---- findings that belong to cells
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
    return table


def _sheet_name_category(name: str, rules: IngestRules) -> str:
    key = header_key(name)
    if not key:
        return ""
    for cat, names in rules.skip_sheet_names.items():
        for n in names:
            nk = header_key(n)
            if nk and (key == nk or (len(nk) >= 3 and nk in key)):
                return cat.replace("_", "-")
    return ""


def _has_pivot_markers(cells: pd.DataFrame, top: list[int], rules: IngestRules) -> bool:
    markers = [m.strip().casefold() for m in rules.pivot_markers]
    hits = 0
    for i in top[:15]:
        for v in cells.iloc[i].tolist():
            if isinstance(v, str):
                t = v.strip().casefold()
                if any(t == m or t.startswith(m) for m in markers):
                    hits += 1
    return hits >= 2


def _find_header(
    cells: pd.DataFrame, top: list[int], schema: Schema, rules_dir: str | None
) -> int | None:
    best, best_score = None, 0.0
    for rank, i in enumerate(top):
        vals = [v for v in cells.iloc[i].tolist() if v is not None]
        texts = [v for v in vals if _is_texty(v)]
        if len(texts) < 2:
            continue
        matched = 0.0
        for t in texts:
            if len(t) > 40:
                continue
            f, conf, _ = match_header(t, schema, rules_dir)
            if f:
                matched += conf
        distinct = len(set(texts)) / len(texts)
        numeric_share = 1 - len(texts) / len(vals)
        score = matched * 3 + len(texts) * 0.5 * distinct - numeric_share * 2 - rank * 0.01
        # a header is followed by rows, not by the end of the sheet
        nxt = top[rank + 1] if rank + 1 < len(top) else None
        if nxt is None and i == top[-1] and len(top) > 1:
            score -= 1
        if score > best_score:
            best, best_score = i, score
    return best


def _group_row(
    cells: pd.DataFrame, hpos: int, grid: Grid, merged: dict, nonempty_pos: list[int]
) -> int | None:
    """The row directly above the header, when it is a group row (Customer | Deal over the fields)."""
    g = hpos - 1
    if g < 0 or g not in nonempty_pos:
        return None
    above = [v for v in cells.iloc[g].tolist()]
    head = [v for v in cells.iloc[hpos].tolist()]
    n_above = sum(v is not None for v in above)
    n_head = sum(v is not None for v in head)
    if n_above == 0 or n_above >= n_head + 1:
        return None
    if not all(_is_texty(v) for v in above if v is not None):
        return None
    grow = grid.first_row + g
    spans = [(r1, c1, r2, c2) for r1, c1, r2, c2 in grid.merged if r1 <= grow <= r2 and c2 > c1]
    width_used = sum(v is not None for v in head)
    # a lone cell spanning (almost) the whole table is a title, not a group
    if n_above == 1 and (
        not spans or any((c2 - c1 + 1) >= 0.6 * max(width_used, 1) for _, c1, _, c2 in spans)
    ):
        return None
    # vertical merges (No. over two rows) or horizontal group spans, or header gaps under a group
    gaps = sum(1 for j, v in enumerate(head) if v is None and above[j] is not None)
    if spans or gaps:
        return g
    return None


def _combine_headers(
    head: list, group: list, schema: Schema, rules_dir: str | None
) -> tuple[list[str], list[str]]:
    """Per column: the text used for matching and the text shown (``group / field``)."""
    match_texts, display = [], []
    last_group = None
    for j, h in enumerate(head):
        gv = group[j]
        if gv is not None:
            last_group = gv
        elif h is not None and last_group is not None and any(group):
            gv = None  # only merged ranges propagate groups (handled by the merged map)
        h = h if h is not None else None
        if gv is None:
            match_texts.append(h or "")
            display.append(h or "")
            continue
        if h is None:
            match_texts.append(gv)
            display.append(gv)
            continue
        options = [h, f"{gv}{h}", f"{gv} {h}"]
        scored = [(match_header(o, schema, rules_dir), o) for o in options]
        (f, conf, _), text = max(scored, key=lambda x: (x[0][1], -options.index(x[1])))
        match_texts.append(text if f else h)
        display.append(f"{gv} / {h}")
    return match_texts, display


def _repeated_header_mask(frame: pd.DataFrame, headers: list[str]) -> pd.Series:
    """Rows that repeat the header (a pasted block brought its header along).

    Vectorised: a cell must first equal its column's header text exactly (after trimming), and
    only those candidate rows are compared on normalised keys, so a million-row sheet costs a
    handful of column comparisons and a sheet of 16,384 columns one comparison of its cells.
    """
    keys = [header_key(h) if h else "" for h in headers]
    named = [k for k in keys if k]
    if len(named) < 2 or frame.empty:
        return pd.Series(False, index=frame.index)
    m = min(len(headers), frame.shape[1])
    values = frame.iloc[:, :m].to_numpy(dtype=object)
    heads = np.array([h if h else None for h in headers[:m]], dtype=object)
    exact = ((values == heads[None, :]) & (heads != None)[None, :]).any(axis=1)  # noqa: E711
    hits = np.zeros(len(frame), dtype=np.int64)
    for i in np.flatnonzero(exact).tolist():
        hits[i] = sum(
            1
            for v, k in zip(values[i].tolist(), keys[:m])
            if k and isinstance(v, str) and len(v) < 80 and header_key(v) == k
        )
    return pd.Series((hits >= 2) & (hits >= 0.6 * len(named)), index=frame.index)


def _word_pattern(words: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    alts = "|".join(
        re.escape(w).replace(r"\ ", r"\s*").replace("\\-", "[-\\s]?")
        for w in sorted(words, key=len, reverse=True)
    )
    # the word alone, maybe with a bracketed qualifier: 合計, 小計（東日本）, Total (税込)
    exact = re.compile(rf"^\W*(?:{alts})\s*(?:[（(【\[<].*[）)】\]>])?\W*$", re.I)
    # the word first, then more: "Total: 12 deals", "合計 5件"
    prefix = re.compile(rf"^\W*(?:{alts})(?:[\s:：/・(（\d]|$)", re.I)
    return exact, prefix


def _suffix_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """A total word closing a label: 東日本 計, 関西合計, West Total."""
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:^|[\s\W_]|(?<=[^\x00-\x7f]))(?:{alts})\s*[)）]?\W*$", re.I)


def classify_rows(
    body: pd.DataFrame,
    headers: list[str],
    matches: list[ColumnMatch],
    rules: IngestRules,
    sum_rows: set[int],
    types: list[str | None] | None = None,
) -> list[RowClass]:
    """One class per body row (positions 0..n-1 below the header), vectorised over columns.

    A row is skipped only on positive evidence, and never while it holds a key of a record
    (a company or deal name, a contact, an e-mail, a record id) that is not itself the
    subtotal word:
    - subtotal: a total word (合計, Total, Sum...) with no other key, or numbers that are the
      sums of the rows above it (a SUM formula, or the plain values), with at most a label;
    - note: a note mark (※, Note:), a section heading (【東日本】), or a lone text that is unlike
      its column: outside the table's columns, far longer than the column's values, written as
      a sentence (、。, a closing colon), or not of the column's kind (a text under e-mails,
      phones, amounts or dates).
    """
    n = len(body)
    if n == 0:
        return []
    pos_index = pd.RangeIndex(n)
    frame = body.copy()
    frame.index = pos_index
    frame.columns = pd.RangeIndex(frame.shape[1])
    present = frame.notna()
    counts = present.sum(axis=1)
    rep = _repeated_header_mask(frame, headers)
    width = max(1, sum(1 for h in headers if h))
    exact_re, prefix_re = _word_pattern(rules.subtotal_words)

    # every filled cell as text, all columns in one Series (a wide sheet costs its cells)
    texts = _Texts.of(frame, present)
    exact_hit = texts.matches(exact_re, texts.short)
    prefix_hit = texts.matches(prefix_re, texts.short)
    word_exact = pd.DataFrame(texts.grid(exact_hit, n), index=pos_index, columns=frame.columns)
    word_prefix = pd.DataFrame(texts.grid(prefix_hit, n), index=pos_index, columns=frame.columns)
    word_cell = word_exact | word_prefix
    sub_exact = word_exact.any(axis=1)
    sub_prefix = word_prefix.any(axis=1)

    field_of = [matches[k].field if k < len(matches) else None for k in range(frame.shape[1])]
    identity_cols = [k for k, f in enumerate(field_of) if f in IDENTITY_FIELDS]
    person_cols = [k for k, f in enumerate(field_of) if f in PERSON_KEY_FIELDS]
    keys = (present & ~word_cell)[identity_cols].sum(axis=1) if identity_cols else 0 * counts
    person_keys = (present & ~word_cell)[person_cols].sum(axis=1) if person_cols else 0 * counts
    sparse = counts <= max(1, 0.6 * width)
    in_sum_rows = pd.Series(pos_index.isin(list(sum_rows)), index=pos_index)
    summed = in_sum_rows | _sums_of_rows_above(frame, present, sparse & (keys <= 1))
    # a label beside the sums may name the group (東日本 計, West total); a plain value typed
    # as a total only counts when the label says so, a SUM formula is evidence enough
    suffix_re = _suffix_pattern(rules.subtotal_words)
    label_hit = texts.matches(suffix_re, texts.short, search=True)
    labelled = pd.Series(np.bincount(texts.row[label_hit], minlength=n) > 0, index=pos_index)
    subtotal = ((sub_exact | (sub_prefix & sparse)) & (keys == 0)) | (
        summed & sparse & (person_keys == 0) & ((keys == 0) | in_sum_rows | labelled)
    )

    # the first non-empty cell of each row, and where it is
    first = frame.bfill(axis=1).iloc[:, 0]
    first_pos = present.to_numpy().argmax(axis=1)
    first_str = first.where(first.notna(), "").astype(str)
    note_prefix = first_str.str.startswith(tuple(rules.note_prefixes))
    lone = counts == 1
    texty = flags(first_str, lambda v: bool(v) and _is_texty(v)) & lone
    field_at = pd.Series([field_of[p] for p in first_pos], index=pos_index)
    outside = flags(field_at, lambda f: f is None)
    long_text = first_str.str.len() >= rules.note_min_length
    kind_of = types or [None] * frame.shape[1]
    kind_at = [kind_of[p] if p < len(kind_of) else None for p in first_pos]
    unlike = (
        (long_text & (first_str.str.len() > _typical_length(texts, first_pos) * 2.5))
        | first_str.str.contains(_PROSE)
        | (first_str.str.contains(r"\s") & (_column_share(texts, first_pos, r"\s") < 0.1))
        | pd.Series([not _fits(t, v) for t, v in zip(kind_at, first_str)], index=pos_index)
    )
    section = first_str.str.match(_SECTION) & lone
    note = note_prefix | (texty & (outside | unlike)) | section

    classes = pd.Series("data", index=pos_index, dtype=object)
    classes[note] = "note"
    classes[subtotal] = "subtotal"
    classes[rep.to_numpy()] = "repeated-header"
    classes[(counts == 0).to_numpy()] = "blank"
    return classes.tolist()


# a sentence, not a value: Japanese sentence marks, or a text that ends like a lead-in
_PROSE = re.compile(r"[、。！？]|[:：]\s*$")
_LOOKS = {
    "email": re.compile(r"@"),
    "phone": re.compile(r"^[\d\s()+\-－ー.#内線ext]{6,}$", re.I),
    "url": re.compile(r"^(https?://|www\.)|\.[a-z]{2,}(/|$)", re.I),
}


def _fits(kind: str | None, value: str) -> bool:
    """Whether a lone text could be a value of a column of this kind."""
    if kind in _LOOKS:
        return bool(_LOOKS[kind].search(value))
    if kind in ("amount", "probability", "number"):
        return any(ch.isdigit() for ch in value)
    return True


# fields that make a row somebody's record: a total row never names a person
PERSON_KEY_FIELDS = ("contact_name", "email", "record_id")


@dataclass(frozen=True)
class _Texts:
    """Every filled cell of a frame as text, column by column, in one Series: regular
    expressions run once over all of them instead of once per column."""

    values: pd.Series  # str, position 0..k-1
    row: np.ndarray  # row position of each value
    col: np.ndarray  # column position of each value (ascending)
    short: np.ndarray  # values of 40 characters or fewer (total and label words)
    shape: tuple[int, int]

    @classmethod
    def of(cls, frame: pd.DataFrame, present: pd.DataFrame) -> _Texts:
        col, row = np.nonzero(present.to_numpy(dtype=bool).T)
        cells = frame.to_numpy(dtype=object)[row, col]
        values = pd.Series(cells, dtype=object).astype(str)
        short = (values.str.len() <= 40).to_numpy(dtype=bool)
        return cls(values, row, col, short, frame.shape)

    def matches(
        self, pattern: re.Pattern[str], where: np.ndarray, search: bool = False
    ) -> np.ndarray:
        """Which values match ``pattern`` (at the start, or anywhere with ``search``)."""
        hit = np.zeros(len(self.values), dtype=bool)
        if where.any():
            sel = self.values[where]
            found = sel.str.contains(pattern) if search else sel.str.match(pattern)
            hit[where] = found.to_numpy(dtype=bool)
        return hit

    def grid(self, hit: np.ndarray, n: int) -> np.ndarray:
        """Per-value flags as a rows x columns array."""
        out = np.zeros((n, self.shape[1]), dtype=bool)
        out[self.row[hit], self.col[hit]] = True
        return out

    def per_column(self, values: pd.Series, how: str) -> pd.Series:
        """A statistic of ``values`` (one per text) for each column that has texts."""
        return values.groupby(self.col).agg(how)


def _typical_length(texts: _Texts, first_pos) -> pd.Series:
    """For each row, the median length of the values in the column of its first cell."""
    median = texts.per_column(texts.values.str.len().astype(float), "median")
    return pd.Series(median.reindex(np.asarray(first_pos)).fillna(0.0).to_numpy(), dtype=float)


def _column_share(texts: _Texts, first_pos, pattern: str) -> pd.Series:
    """For each row, the share of values in the column of its first cell that hold ``pattern``
    (1.0 for a column of fewer than five values: too few to say what is usual)."""
    has = texts.values.str.contains(pattern).astype(float)
    share = texts.per_column(has, "mean").where(texts.per_column(has, "size") >= 5, 1.0)
    return pd.Series(share.reindex(np.asarray(first_pos)).fillna(1.0).to_numpy(), dtype=float)


def _sums_of_rows_above(
    frame: pd.DataFrame, present: pd.DataFrame, candidate: pd.Series
) -> pd.Series:
    """Rows whose every number is the sum of its column over the rows above (since the last
    blank or total row), with at least two rows summed: a total typed as a plain value."""
    out = pd.Series(False, index=frame.index)
    if not candidate.any():
        return out
    numbers = frame.apply(lambda c: pd.to_numeric(c, errors="coerce") if c.dtype == object else c)
    numbers = numbers.select_dtypes("number")
    if numbers.empty:
        return out
    start = 0
    blank = ~present.any(axis=1)
    for i in range(len(frame)):
        if blank.iat[i]:
            start = i + 1
            continue
        if not candidate.iat[i] or i - start < 2:
            continue
        row = numbers.iloc[i]
        cols = row.index[row.notna() & (row != 0)]
        if len(cols) == 0:
            continue
        above = numbers.iloc[start:i][cols]
        sums = above.sum()
        filled = above.notna().sum()
        if (
            (filled >= 2) & ((sums - row[cols]).abs() <= 0.005 * row[cols].abs().clip(lower=1))
        ).all():
            out.iat[i] = True
            start = i + 1
    return out


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
            )
        if m.field:
            seen.add(m.field)
        final.append(m)
    return sorted(final, key=lambda x: x.index)
