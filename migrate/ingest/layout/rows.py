"""What every row below the header is: data, blank, title, repeated header, subtotal or note."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...columnar import by_value
from ...columns import ColumnMatch
from ...schema import flags
from .cells import _is_texty
from .header import _repeated_header_mask
from .model import IDENTITY_FIELDS, IngestRules, RowClass

_SECTION = re.compile(r"^\s*[【\[<＜〈■◆●▼▶].*[】\]>＞〉]?\s*$")


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


def _start_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """What every text :func:`_word_pattern`'s two patterns match starts with: no word character
    or only such, then the first character of a word (None when a word may start otherwise).
    One character class is far cheaper than every word tried at every text."""
    if not words or any(not w or w[0] in " -" for w in words):
        return None
    first = "".join(sorted({re.escape(w[0]) for w in words}))
    return re.compile(rf"^\W*[{first}]", re.I)


def _end_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """What every text :func:`_suffix_pattern` finds a word in ends with: the last character of
    a word, then no word character (None when a word ends in one that is not a word character).
    Its scan stops only at those characters, not at every position for every word."""
    if not words or any(not w or not re.match(r"\w", w[-1]) for w in words):
        return None
    last = "".join(sorted({re.escape(w[-1]) for w in words}))
    return re.compile(rf"[{last}]\W*$", re.I)


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
    filled: np.ndarray | None = None,
    texts: CellTexts | None = None,
) -> list[RowClass]:
    """One class per body row (positions 0..n-1 below the header), vectorised over columns.

    A row is skipped only on positive evidence, and never while it holds a key of a record
    (a company or deal name, a contact, an e-mail, a record id) that is not itself the
    subtotal word:
    - subtotal: a total word (合計, Total, Sum...) with no other key, or numbers that are the
      sums of the rows above it (a SUM formula, or the plain values), with at most a label;
    - numbered-blank: nothing but a number in a row counter (a No. column filled in advance);
    - example: a template's example row (記入例 under the header): a cell that is an example
      mark alone (記入例, ←記入例, 例）4/10 見積提出), a weak mark alone (サンプル, Sample)
      beside a placeholder name, or company and deal names that are all placeholders
      (株式会社〇〇, 〇〇システム導入); a name that holds such a word (サンプル工業) is none;
    - note: a note mark (※, Note:), a section heading (【東日本】), a lone text that is unlike
      its column: outside the table's columns, far longer than the column's values, written as
      a sentence (、。, a closing colon), or not of the column's kind (a text under e-mails,
      phones, amounts or dates); or a lone text in the foot of a report (below its last total
      row, where no row fills more than one cell: a confidentiality line, a copyright).

    ``texts``: the body's filled cells as :class:`CellTexts`, when the caller made them (it
    reads them too).
    """
    n = len(body)
    if n == 0:
        return []
    pos_index = pd.RangeIndex(n)
    frame = body.copy(deep=False)  # new axes on the same cells (nothing here writes to them)
    frame.index = pos_index
    frame.columns = pd.RangeIndex(frame.shape[1])
    present = pd.DataFrame(  # which cells hold a value (given when the caller knows)
        frame.notna().to_numpy(dtype=bool) if filled is None else filled,
        index=pos_index,
        columns=frame.columns,
    )
    counts = present.sum(axis=1)
    rep = _repeated_header_mask(frame, headers)
    width = max(1, sum(1 for h in headers if h))
    exact_re, prefix_re = _word_pattern(rules.subtotal_words)

    # every filled cell as text, all columns in one Series (a wide sheet costs its cells)
    texts = CellTexts.of(frame, present.to_numpy(dtype=bool)) if texts is None else texts
    start_re = _start_pattern(rules.subtotal_words)
    worded_at = texts.short if start_re is None else texts.matches(start_re, texts.short)
    exact_hit = texts.matches(exact_re, worded_at)
    prefix_hit = texts.matches(prefix_re, worded_at)
    word_exact = pd.DataFrame(texts.grid(exact_hit, n), index=pos_index, columns=frame.columns)
    word_prefix = pd.DataFrame(texts.grid(prefix_hit, n), index=pos_index, columns=frame.columns)
    word_cell = word_exact | word_prefix
    sub_exact = word_exact.any(axis=1)
    sub_prefix = word_prefix.any(axis=1)

    field_of = [matches[k].field if k < len(matches) else None for k in range(frame.shape[1])]
    identity_cols = [k for k, f in enumerate(field_of) if f in IDENTITY_FIELDS]
    person_cols = [k for k, f in enumerate(field_of) if f in PERSON_KEY_FIELDS]
    sparse = counts <= max(1, 0.6 * width)
    worded = sub_exact | (sub_prefix & sparse)
    repeated = pd.Series(rep.to_numpy(), index=pos_index)
    keys = (present & ~word_cell)[identity_cols].sum(axis=1) if identity_cols else 0 * counts
    if identity_cols and (worded & (keys > 0)).any():
        # a row counter's number (No. 8 beside 小計) is no key of a record: asked only when a
        # total word stands in a row that holds one, so a sheet without such rows pays nothing
        counting = set(_counter_ids(frame, field_of, headers, ~(repeated | worded), rules))
        identity_cols = [k for k in identity_cols if k not in counting]
        person_cols = [k for k in person_cols if k not in counting]
        keys = (present & ~word_cell)[identity_cols].sum(axis=1) if identity_cols else 0 * counts
    person_keys = (present & ~word_cell)[person_cols].sum(axis=1) if person_cols else 0 * counts
    in_sum_rows = pd.Series(pos_index.isin(list(sum_rows)), index=pos_index)
    summed = in_sum_rows | _sums_of_rows_above(frame, present, sparse & (keys <= 1))
    # a label beside the sums may name the group (東日本 計, West total); a plain value typed
    # as a total only counts when the label says so, a SUM formula is evidence enough
    suffix_re = _suffix_pattern(rules.subtotal_words)
    end_re = _end_pattern(rules.subtotal_words)
    labelled_at = texts.short if end_re is None else texts.matches(end_re, texts.short, search=True)
    label_hit = texts.matches(suffix_re, labelled_at, search=True)
    labelled = pd.Series(np.bincount(texts.row[label_hit], minlength=n) > 0, index=pos_index)
    subtotal = (worded & (keys == 0)) | (
        summed & sparse & (person_keys == 0) & ((keys == 0) | in_sum_rows | labelled)
    )
    # a forecast's roll-up row (Commit total, Best Case total, 東日本 計 typed in the deal name
    # column beside a figure that sums only some rows above): the label its only key, every
    # other cell a number
    rollup = labelled & sparse & (person_keys == 0) & ~subtotal
    if rollup.any():
        label_cell = texts.grid(label_hit, n)
        besides = present.to_numpy() & ~label_cell
        if identity_cols:
            rollup &= ~(besides[:, identity_cols] & ~word_cell.to_numpy()[:, identity_cols]).any(
                axis=1
            )
        subtotal |= rollup & _only_numbers(frame, besides, rollup)

    # the first non-empty cell of each row, and where it is
    first_pos = present.to_numpy().argmax(axis=1)
    first = frame.to_numpy(dtype=object)[np.arange(n), first_pos]
    first[(counts == 0).to_numpy()] = None
    first_str = pd.Series(first, index=pos_index, dtype=object).where(pd.notna(first), "")
    first_str = first_str.astype(str)
    note_prefix = first_str.str.startswith(tuple(rules.note_prefixes))
    lone = counts == 1
    texty = (
        pd.Series(
            by_value(first_str, lambda v: bool(v) and _is_texty(v)), index=pos_index, dtype=bool
        )
        & lone
    )
    field_at = pd.Series([field_of[p] for p in first_pos], index=pos_index)
    outside = flags(field_at, lambda f: f is None)
    # whether a lone text is unlike its column: asked of the lone texts only (a data row
    # fills several cells), so a sheet of a million rows pays for its few lone lines
    unlike = pd.Series(False, index=pos_index)
    lone_at = np.flatnonzero(texty.to_numpy(dtype=bool))
    if len(lone_at):
        unlike.iloc[lone_at] = _unlike(
            texts,
            first_str.iloc[lone_at].reset_index(drop=True),
            first_pos[lone_at],
            field_at.iloc[lone_at].to_numpy(dtype=object),
            types or [],
            width,
            rules,
        )
    section = first_str.str.match(_SECTION) & lone
    # a note mark before the cells of a record is no note (kintone marks the first line of each
    # record with * in a column of its own): a row holding a key of a record is data
    note = (note_prefix & (keys == 0)) | (texty & (outside | unlike)) | section
    # the foot of a report: below its last total row a report prints lone lines (機密情報 -
    # 配布禁止, Copyright ..., 出力日時 ...); when no row down there fills more than one cell of
    # a table of several columns, its lone texts are notes, whatever column they stand in
    if width > 1 and subtotal.any():
        foot = pos_index > subtotal[subtotal].index.max()
        if foot.any() and (counts[foot] <= 1).all():
            note = note | (texty & pd.Series(foot, index=pos_index))

    # a row that holds nothing but its number in a row counter (No. filled 1..100 in advance);
    # the counter is judged on the rows that are no total, note or repeated header (合計 in No.)
    counted = ~(note | subtotal | repeated)
    counters = _counter_ids(frame, field_of, headers, counted, rules, blank_ok=True)
    numbered_blank = None
    if counters:
        numbers = pd.concat(
            [frame[k].map(lambda x: _whole_number(x) is not None) for k in counters], axis=1
        )
        numbered_blank = counted & (counts > 0) & (numbers.sum(axis=1) == counts)

    classes = pd.Series("data", index=pos_index, dtype=object)
    classes[_examples(texts, field_of, n, rules)] = "example"
    classes[note] = "note"
    classes[subtotal] = "subtotal"
    if numbered_blank is not None:
        classes[numbered_blank.to_numpy()] = "numbered-blank"
    classes[rep.to_numpy()] = "repeated-header"
    classes[(counts == 0).to_numpy()] = "blank"
    return classes.tolist()


#: The company and deal name columns: a row whose names are all placeholders is an example.
_NAME_FIELDS = ("company_name", "deal_name")


def _examples(
    texts: CellTexts, field_of: list[str | None], n: int, rules: IngestRules
) -> np.ndarray:
    """Which rows are a template's example rows (see :func:`classify_rows`)."""
    out = np.zeros(n, dtype=bool)
    if not texts.size or not (rules.example_marks or rules.placeholder_names):
        return out
    short = texts.short
    if rules.example_marks:
        alts = _alternatives(rules.example_marks)
        # the mark alone (記入例, ←記入例, 【例】) or opening a cell as a label (例）4/10 見積提出)
        mark = re.compile(rf"^\W*(?:{alts})(?:\W*$|\s*[)）】\]:：])", re.I)
        out |= texts.grid(texts.matches(mark, short), n).any(axis=1)
    if not rules.placeholder_names:
        return out
    # asked per column, then taken per cell (not a field's name per cell compared)
    names = np.isin(np.asarray(field_of, dtype=object), _NAME_FIELDS)[texts.col]
    if not names.any():
        return out
    held = re.compile(_alternatives(rules.placeholder_names), re.I)
    placeholder = texts.matches(held, names, search=True)
    name_cells = np.bincount(texts.row[names], minlength=n)
    placeholders = np.bincount(texts.row[placeholder], minlength=n)
    out |= (name_cells > 0) & (placeholders == name_cells)
    if rules.example_weak_marks:
        weak = re.compile(rf"^\W*(?:{_alternatives(rules.example_weak_marks)})\W*$", re.I)
        out |= texts.grid(texts.matches(weak, short), n).any(axis=1) & (placeholders > 0)
    return out


def _alternatives(words: tuple[str, ...]) -> str:
    """Words as regex alternatives, longest first; a Latin word only as a whole word (XX, not
    the xx of Foxx)."""

    def one(w: str) -> str:
        core = re.escape(w)
        return rf"(?<![A-Za-z]){core}(?![A-Za-z])" if w.isascii() and w[:1].isalpha() else core

    return "|".join(one(w) for w in sorted(words, key=len, reverse=True))


def _unlike(
    texts: CellTexts,
    first_str: pd.Series,
    first_pos: np.ndarray,
    field_at: np.ndarray,
    kind_of: list[str | None],
    width: int,
    rules: IngestRules,
) -> np.ndarray:
    """For lone texts (``first_str``, in the columns ``first_pos``): whether each is unlike its
    column: far longer than the column's values, written as a sentence (、。, a closing colon),
    with a space where the column's values rarely have one (not under a name), or not of the
    column's kind (a text under e-mails, phones, amounts or dates). In a list of one column
    every row is a lone text: only prose counts there."""
    prose = first_str.str.contains(_PROSE).to_numpy(dtype=bool)
    if width == 1:
        return prose
    lengths = first_str.str.len().to_numpy()
    long_text = (lengths >= rules.note_min_length) & (
        lengths > _typical_length(texts, first_pos).to_numpy() * 2.5
    )
    at_key = np.array([f in IDENTITY_FIELDS for f in field_at], dtype=bool)
    spaced = (
        first_str.str.contains(r"\s").to_numpy(dtype=bool)
        & (_column_share(texts, first_pos, r"\s").to_numpy() < 0.1)
        & ~at_key
    )
    kind_at = [kind_of[p] if p < len(kind_of) else None for p in first_pos]
    unfit = np.array([not _fits(t, v) for t, v in zip(kind_at, first_str.tolist())], dtype=bool)
    return long_text | prose | spaced | unfit


_WHOLE = re.compile(r"^\s*(\d{1,6})\.?\s*$")


def _whole_number(value: object) -> int | None:
    """A cell as a whole number of at most six digits (1, 1.0, "１", "001", "12."), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value) if 0 <= value < 1_000_000 else None
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() and 0 <= value < 1_000_000 else None
    if isinstance(value, str):
        m = _WHOLE.match(unicodedata.normalize("NFKC", value))
        return int(m.group(1)) if m else None
    return None


def _header_key(text: str) -> str:
    return re.sub(r"[\s.:：]+", "", unicodedata.normalize("NFKC", text)).casefold()


def _counter_ids(
    frame: pd.DataFrame,
    field_of: list[str | None],
    headers: list[str],
    rows: pd.Series,
    rules: IngestRules,
    *,
    blank_ok: bool = False,
) -> list[int]:
    """The columns that count the rows (judged on ``rows``): record ids, and with ``blank_ok``
    the columns no field was found for too."""
    kinds = (None, "record_id") if blank_ok else ("record_id",)
    return [
        k
        for k in range(frame.shape[1])
        if field_of[k] in kinds
        and _is_counter(
            frame[k][rows], headers[k] if k < len(headers) else "", rules.counter_headers
        )
    ]


def _is_counter(column: pd.Series, header: str, counter_headers: tuple[str, ...]) -> bool:
    """Whether a column counts the rows: whole numbers only, rising by one from row to row
    (most steps; a deleted row leaves a gap), or, under a counter header (No., 連番, 項番),
    whole numbers that all differ (a numbered list sorted since)."""
    values = column.dropna().tolist()
    if len(values) < 2:
        return False
    ints = []
    for v in values:  # a column of names fails at its first value
        n = _whole_number(v)
        if n is None:
            return False
        ints.append(n)
    steps = [b - a for a, b in zip(ints, ints[1:])]
    if len(ints) >= 3 and sum(1 for d in steps if d == 1) >= 0.8 * len(steps):
        return True
    words = {_header_key(w) for w in counter_headers}
    return bool(header) and _header_key(header) in words and len(set(ints)) == len(ints)


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


PERSON_KEY_FIELDS = ("contact_name", "email", "record_id")


@dataclass(frozen=True)
class CellTexts:
    """Every filled cell of a frame as text, column by column, each distinct text once:
    regular expressions run once over the distinct texts instead of once per cell or column."""

    row: np.ndarray  # row position of each value
    col: np.ndarray  # column position of each value (ascending)
    short: np.ndarray  # values of 40 characters or fewer (total and label words)
    shape: tuple[int, int]
    codes: np.ndarray  # position of each value in ``distinct``
    distinct: pd.Series  # each text once (a tracker repeats its owners, stages, companies)
    length: np.ndarray  # the length of each distinct text

    @classmethod
    def of(cls, frame: pd.DataFrame, present: np.ndarray) -> CellTexts:
        """The cells of ``frame`` that ``present`` (rows x columns) says hold a value."""
        # the filled cells column by column, each cell's code, row and column kept as 32-bit
        # numbers: a million-row sheet's 27M cells are not 64-bit positions, rows, columns and
        # codes and an object array of the cells at once
        n, width = frame.shape
        # every cell factorized where it stands (a missing one is -1 and makes no text: the
        # codes of the filled cells are theirs alone), then the filled cells' codes taken;
        # a text shared by many cells hashes once. What is not text is written as text below
        # and equal writings are made one
        every, uniques = pd.factorize(frame.to_numpy(dtype=object).ravel(order="F"))
        every = every.astype(np.int32 if len(uniques) < 2**31 else np.int64)
        codes = every[present.ravel(order="F")]
        del every
        index = np.int32 if n * width < 2**31 else np.int64
        col = np.repeat(np.arange(width, dtype=index), present.sum(axis=0))
        row = np.empty(len(codes), dtype=index)
        at = 0
        for j in range(width):
            rows_j = np.flatnonzero(present[:, j])
            row[at : at + len(rows_j)] = rows_j
            at += len(rows_j)
        texts = [v if isinstance(v, str) else str(v) for v in uniques]
        if any(not isinstance(v, str) for v in uniques):
            again, merged = pd.factorize(np.asarray(texts, dtype=object))
            codes, texts = again[codes], list(merged)
        distinct = pd.Series(texts, dtype=object)
        length = np.fromiter(map(len, texts), np.int64, len(texts))  # str.len of each
        short = (length <= 40)[codes]
        return cls(row, col, short, frame.shape, codes, distinct, length)

    @property
    def size(self) -> int:
        return len(self.codes)

    def lengths(self) -> pd.Series:
        """The length of each value."""
        return pd.Series(self.length.astype(float)[self.codes])

    def matches(
        self, pattern: re.Pattern[str] | str, where: np.ndarray, search: bool = False
    ) -> np.ndarray:
        """Which values match ``pattern`` (at the start, or anywhere with ``search``); each
        distinct text is matched once."""
        if not where.any():
            return np.zeros(self.size, dtype=bool)
        wanted = np.zeros(len(self.distinct), dtype=bool)
        wanted[self.codes[where]] = True
        sel = self.distinct.to_numpy(dtype=object)[wanted].tolist()
        regex = re.compile(pattern)  # what pandas' str.match / str.contains compile
        test = regex.search if search else regex.match
        distinct_hit = np.zeros(len(self.distinct), dtype=bool)
        # the texts are all str: a Match object is truthy, None is not
        distinct_hit[wanted] = np.fromiter(map(bool, map(test, sel)), bool, len(sel))
        # every value's text taken, then kept where asked: a plain gather, not a masked one
        return distinct_hit[self.codes] & where

    def grid(self, hit: np.ndarray, n: int) -> np.ndarray:
        """Per-value flags as a rows x columns array."""
        out = np.zeros((n, self.shape[1]), dtype=bool)
        out[self.row[hit], self.col[hit]] = True
        return out

    def per_column(self, values: pd.Series, how: str) -> pd.Series:
        """A statistic of ``values`` (one per text) for each column that has texts."""
        return values.groupby(self.col).agg(how)


def _typical_length(texts: CellTexts, first_pos) -> pd.Series:
    """For each row, the median length of the values in the column of its first cell."""
    median = texts.per_column(texts.lengths(), "median")
    return pd.Series(median.reindex(np.asarray(first_pos)).fillna(0.0).to_numpy(), dtype=float)


def _column_share(texts: CellTexts, first_pos, pattern: str) -> pd.Series:
    """For each row, the share of values in the column of its first cell that hold ``pattern``
    (1.0 for a column of fewer than five values: too few to say what is usual)."""
    every = np.ones(texts.size, dtype=bool)
    has = pd.Series(texts.matches(pattern, every, search=True).astype(float))
    share = texts.per_column(has, "mean").where(texts.per_column(has, "size") >= 5, 1.0)
    return pd.Series(share.reindex(np.asarray(first_pos)).fillna(1.0).to_numpy(), dtype=float)


# a figure as a total row writes it: 138,500, ¥3,000,000, 45%, 2件 (a count of deals)
_NUMBER_TEXT = re.compile(
    r"^[\s¥$€£]*[-−]?[\d,，]+(?:\.\d+)?\s*(?:[%％]|件|社|名|台|deals?|opps?)?$", re.I
)


def _only_numbers(frame: pd.DataFrame, cells: np.ndarray, rows: pd.Series) -> pd.Series:
    """Which of ``rows`` hold at least one number in ``cells`` and nothing else there (figures,
    not a date, a stage or a name)."""
    out = pd.Series(False, index=frame.index)
    values = frame.to_numpy(dtype=object)
    for i in np.flatnonzero(rows.to_numpy()):
        held = values[i, cells[i]]
        out.iat[i] = len(held) > 0 and all(
            (isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)))
            or (isinstance(v, str) and _NUMBER_TEXT.match(v) is not None)
            for v in held
        )
    return out


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
