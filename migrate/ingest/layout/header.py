"""Where the header is: the header row, a group row above it, the header texts, sheet kinds.

Also recognises a sheet by its name (a rep master, settings, a readme) or its pivot markers,
and rows that repeat the header inside the data.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from ...columns import header_key, legal_forms, looks_like_value, match_header
from ...schema import Schema
from ..readers import Grid
from .cells import _is_texty
from .model import IDENTITY_FIELDS, IngestRules


def _sheet_name_category(name: str, rules: IngestRules) -> str:
    key = header_key(name)
    if not key:
        return ""
    # a template's exact name first: 記入例 is a template; 記入例の説明 a readme
    cats = sorted(rules.skip_sheet_names.items(), key=lambda kv: kv[0] != "template")
    for cat, names in cats:
        for n in names:
            nk = header_key(n)
            if not nk:
                continue
            if cat == "template":
                # the name itself, or a copy of it (テンプレート (2), Template2): 案件管理フォーマット
                # or Sample Orders are sheets of records
                if key == nk or (key.startswith(nk) and key[len(nk) :].isdigit()):
                    return cat
            elif key == nk or (len(nk) >= 3 and nk in key):
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
    legal = legal_forms(rules_dir)  # once, not per cell
    for rank, i in enumerate(top):
        vals = [v for v in cells.iloc[i].tolist() if v is not None]
        texts = [v for v in vals if _is_texty(v)]
        if len(texts) < 2:
            continue
        matched = 0.0
        for t in texts:
            if len(t) > 40:
                continue
            if looks_like_value(t, rules_dir, legal=legal):
                # a company with its legal form, an e-mail, a phone, a date: a data cell, not a
                # column name (a first data row under headers no rule knows)
                matched -= 1
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
    return best if best is not None else _list_header(cells, top, schema, rules_dir)


def _list_header(
    cells: pd.DataFrame, top: list[int], schema: Schema, rules_dir: str | None
) -> int | None:
    """The header of a list in one column (会社名 over a thousand company names, Company over
    an export of account names): a lone column name of the schema with rows below it."""
    used = cells.notna().any(axis=0)
    if int(used.sum()) != 1:
        return None
    col = int(used.to_numpy().argmax())
    for i in top[:-1]:
        v = cells.iat[i, col]
        if not _is_texty(v) or len(v) > 40:
            continue
        # Company is also a legal-form word: a header synonym spelled exactly wins
        f, conf, how = match_header(v, schema, rules_dir)
        if f in IDENTITY_FIELDS and (
            how == "exact" or conf >= 0.9 and not looks_like_value(v, rules_dir)
        ):
            return i
    return None


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


def _split_header(
    cells: pd.DataFrame,
    hpos: int,
    grid: Grid,
    merged: dict,
    nonempty_pos: list[int],
    schema: Schema,
    rules_dir: str | None,
) -> tuple[int, int] | None:
    """(header row, group row) of a header written on two rows: some columns named on the upper
    row alone (会社名, often merged down over both rows), others under a group there (計画 over
    金額 | 受注予定日, 実績 over 金額 | 受注日). The header found may be either row; the lower one
    is the header (the fields), the upper its group row. None for any other header."""
    for upper in (hpos, hpos - 1):
        lower = upper + 1
        if upper < 0 or upper not in nonempty_pos or lower not in nonempty_pos:
            continue
        if _is_split_header(cells, upper, lower, grid, merged, schema, rules_dir):
            return lower, upper
    return None


_BRACKETS = str.maketrans("", "", "()（）[]［］【】<>＜＞〈〉 \u3000")
_UNIT_LABEL = re.compile(r"^(?:単位|unit|units)[:：=＝]?", re.I)
# a date's written form under a date column: yyyy/mm/dd, YYYY-MM-DD, 年/月/日
_DATE_FORM = re.compile(r"^(?:y{2,4}|年)[/\-.年]?(?:m{1,2}|月)[/\-.月]?(?:d{1,2}|日)?日?$", re.I)
_OTHER_UNITS = frozenset({"%", "％", "percent", "パーセント", "税抜", "税込", "税別", "件", "日付"})


def _unit_row(cells: pd.DataFrame, hpos: int, nonempty_pos: list[int], schema: Schema) -> bool:
    """The row under the header states each column's unit, not a record: （千円） under 見込金額,
    （%） under 確度, (yyyy/mm/dd) under 受注予定日. Read with its header (見込金額（千円）), it sets
    the column's unit; it is no data row."""
    below = hpos + 1
    if below not in nonempty_pos:
        return False
    words = {
        unicodedata.normalize("NFKC", w).casefold()
        for w, _ in (*schema.multipliers, *schema.currencies)
    } | _OTHER_UNITS
    stated = 0
    for j in range(cells.shape[1]):
        v = cells.iat[below, j]
        if v is None:
            continue
        if not isinstance(v, str) or cells.iat[hpos, j] is None:
            return False
        t = _UNIT_LABEL.sub("", unicodedata.normalize("NFKC", v).translate(_BRACKETS))
        if not t or not (t.casefold() in words or _DATE_FORM.match(t)):
            return False
        stated += 1
    return stated >= 1


def _is_split_header(
    cells: pd.DataFrame,
    upper: int,
    lower: int,
    grid: Grid,
    merged: dict,
    schema: Schema,
    rules_dir: str | None,
) -> bool:
    up_excel, low_excel = grid.first_row + upper, grid.first_row + lower
    width = cells.shape[1]
    up = [cells.iat[upper, j] for j in range(width)]
    # the lower row's own cells: not the ones a range merged down from the upper row fills
    low = [
        None if (low_excel, grid.first_col + j) in merged else cells.iat[lower, j]
        for j in range(width)
    ]
    own = [j for j, v in enumerate(low) if v is not None]
    if len(own) < 2:
        return False
    legal = legal_forms(rules_dir)
    for v in [up[j] for j in range(width) if up[j] is not None] + [low[j] for j in own]:
        if not _is_texty(v) or len(v) > 40 or looks_like_value(v, rules_dir, legal=legal):
            return False
    # a group: one upper cell over two or more of the lower row's cells, by a merged range or
    # by blanks to its right (計画 | (blank) over 金額 | 受注予定日)
    spans = [
        (c1 - grid.first_col, c2 - grid.first_col)
        for r1, c1, r2, c2 in grid.merged
        if r1 == up_excel and r2 == up_excel and c2 > c1
    ]
    grouped: set[int] = set()
    for a, b in spans:
        grouped.update(j for j in range(max(a, 0), min(b + 1, width)))
    for j in own:
        if up[j] is not None and j + 1 < width and up[j + 1] is None and low[j + 1] is not None:
            k = j
            while k + 1 < width and up[k + 1] is None and low[k + 1] is not None:
                k += 1
            grouped.update(range(j, k + 1))
    if not any(sum(j in grouped for j in own if a <= j <= b) >= 2 for a, b in _runs(grouped)):
        return False
    # columns named on the upper row alone, their lower cell blank or merged down
    alone = [j for j in range(width) if up[j] is not None and j not in grouped and low[j] is None]
    if not alone or any(low[j] is not None and j not in grouped for j in own):
        return False

    def fields(texts: list) -> int:
        return sum(1 for t in texts if match_header(t, schema, rules_dir)[0])

    return fields([low[j] for j in own]) >= 2 and fields([up[j] for j in alone]) >= 1


def _runs(columns: set[int]) -> list[tuple[int, int]]:
    """Consecutive columns as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for j in sorted(columns):
        if runs and runs[-1][1] == j - 1:
            runs[-1] = (runs[-1][0], j)
        else:
            runs.append((j, j))
    return runs


def _combine_headers(
    head: list, group: list, schema: Schema, rules_dir: str | None
) -> tuple[list[str], list[str]]:
    """Per column: the text used for matching and the text shown (``group / field``)."""
    match_texts, display = [], []
    last_group = None
    for j, h in enumerate(head):
        gv = group[j]
        if gv is not None and gv == h:  # a name merged down over both rows (会社名)
            gv = None
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
