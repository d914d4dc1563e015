"""Blocking: candidate pairs from a union of cheap keys, never from all n^2 pairs.

In: a records frame and the blocking rules of a link-settings object. Out: :class:`Candidates`,
the distinct record pairs (left < right, positions 0..n-1) that agree on at least one key, and
for every pair which rules produced it (a bit mask; the EM training sessions need it). A key is
one or more parts (a column, a prefix of it, each of its tokens, its sorted tokens ...); a
column may hold a tuple of values (a company seen with several phone numbers), each value
then gives a key. Blocks larger than ``max_block_size`` are skipped and reported, so one very
common value cannot blow up the pair count; the other keys still cover those records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd

from ..columnar import filled_cells
from .settings import BlockingRule, KeyPart


@dataclass(frozen=True)
class Candidates:
    """Distinct candidate pairs with the rules that produced them."""

    left: np.ndarray  # int64 record positions, left < right
    right: np.ndarray
    rules: np.ndarray  # int64 bit mask: bit r set when blocking rule r produced the pair
    skipped_blocks: list[tuple[str, str, int]] = field(default_factory=list)  # (rule, key, size)

    def __len__(self) -> int:
        return len(self.left)


def _explode(values: pd.Series) -> pd.DataFrame:
    """(rec, value) rows, one per value; tuples/lists give one row per element."""
    col = pd.Series(values.to_numpy(dtype=object), dtype=object)
    exploded = col.explode()
    return pd.DataFrame(
        {"rec": exploded.index.to_numpy(dtype=np.int64), "value": exploded.astype(object)}
    )


_NON_DIGIT = re.compile(r"\D+")


def _texts(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(rec, value as text) of every non-empty value; tuples/lists give one row per element."""
    rec, cells = filled_cells(values, explode=True)
    if not all(type(v) is str for v in cells.tolist()):
        cells = np.fromiter(map(str, cells.tolist()), object, len(cells))
    return rec, cells


def _transform(part: KeyPart) -> Callable[[str], list[str]]:
    """The keys (none, one or several) one part makes of one text."""
    t, k = part.transform, part.length
    if t == "prefix":
        return lambda s: [s[:k]]
    if t == "suffix":
        return lambda s: [s[-k:]]
    if t == "digits":
        return lambda s: [_NON_DIGIT.sub("", s)]
    if t == "tokens":
        return str.split
    if t == "first_token":
        return lambda s: s.split()[:1]
    if t == "last_token":
        return lambda s: s.split()[-1:]
    if t == "sorted_tokens":
        return lambda s: [" ".join(sorted(s.split()))]
    return lambda s: [s]


def _part_codes(
    rec: np.ndarray, texts: np.ndarray, part: KeyPart
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rec, key code, distinct keys) of one part: each distinct text's keys made once, empty
    keys dropped, a record's repeated key kept once, codes in order of first appearance."""
    tcode, distinct = pd.factorize(texts)
    if part.transform == "value":  # a text is its own key (most parts): codes as they are
        kc, keys = tcode.astype(np.int64), np.asarray(distinct, dtype=object)
    else:
        rec, kc, keys = _made_keys(rec, tcode, np.asarray(distinct, dtype=object), part)
    ok = keys[kc] != "" if len(kc) else np.zeros(0, dtype=bool)
    rec, kc = rec[ok], kc[ok]
    first = np.sort(np.unique(rec * max(len(keys), 1) + kc, return_index=True)[1])
    code, which = pd.factorize(kc[first])
    return rec[first], code.astype(np.int64), keys[np.asarray(which, dtype=np.int64)]


def _made_keys(
    rec: np.ndarray, tcode: np.ndarray, distinct: np.ndarray, part: KeyPart
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rec, key code, distinct keys) of a part that makes its keys of a text (a prefix, the
    tokens ...): each distinct text's keys made once, the records repeated per key."""
    made = list(map(_transform(part), distinct.tolist()))
    per_text = np.fromiter(map(len, made), np.int64, len(made))
    flat = np.fromiter(chain.from_iterable(made), object, int(per_text.sum()))
    kcode, keys = pd.factorize(flat)
    lens = per_text[tcode]
    total = int(lens.sum())
    ends = np.cumsum(lens)
    at = np.repeat(np.cumsum(per_text)[tcode] - ends, lens) + np.arange(total)
    return np.repeat(rec, lens), kcode[at].astype(np.int64), np.asarray(keys, dtype=object)


def part_keys(
    values: pd.Series, part: KeyPart, texts: tuple[np.ndarray, np.ndarray] | None = None
) -> pd.DataFrame:
    """The key values one part gives each record: frame (rec, key), empties dropped.

    ``texts``: :func:`_texts` of ``values`` when already known (several parts of one column)."""
    rec, code, keys = _part_codes(*(_texts(values) if texts is None else texts), part)
    return pd.DataFrame({"rec": rec, "key": keys[code]})


@dataclass
class _Memo:
    """What the blocking rules of one run share: each column's texts, each part's key codes
    (contacts block on ``company_id`` in nearly every rule)."""

    texts: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    parts: dict[KeyPart, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def codes(
        self, frame: pd.DataFrame, part: KeyPart
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rec, value code, distinct values) of one key part."""
        if part not in self.parts:
            if part.column not in self.texts:
                self.texts[part.column] = _texts(frame[part.column])
            self.parts[part] = _part_codes(*self.texts[part.column], part)
        return self.parts[part]


def _join(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, j) of every left[i] == right[j]: in the order of ``left``, then of
    ``right`` (an inner join on one integer key)."""
    o = np.argsort(right, kind="stable")
    sr = right[o]
    lo = np.searchsorted(sr, left, "left")
    cnt = np.searchsorted(sr, left, "right") - lo
    ends = np.cumsum(cnt)
    i = np.repeat(np.arange(len(left), dtype=np.int64), cnt)
    j = o[np.repeat(lo - ends + cnt, cnt) + np.arange(int(ends[-1]) if len(ends) else 0)]
    return i, j


@dataclass(frozen=True)
class _Keys:
    """Integer keys of one blocking rule: (rec, key code), and how to print a key code."""

    rec: np.ndarray
    code: np.ndarray
    parts: list[np.ndarray]  # per part, the part's value code behind every key code
    values: list[np.ndarray]  # per part, the distinct values

    def label(self, code: int) -> str:
        return " & ".join(str(vals[p[code]]) for p, vals in zip(self.parts, self.values))


def rule_keys(frame: pd.DataFrame, rule: BlockingRule, memo: _Memo | None = None) -> _Keys:
    """The keys one blocking rule gives each record, as integer codes."""
    memo = _Memo() if memo is None else memo
    empty = np.zeros(0, dtype=np.int64)
    rec, code = empty, empty
    part_codes: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for i, part in enumerate(rule.parts):
        if part.column not in frame.columns:
            return _Keys(empty, empty, [], [])
        prec, pc, uniq = memo.codes(frame, part)
        values.append(uniq)
        if i == 0:
            rec, code = prec, pc.astype(np.int64)
            part_codes = [code]
            continue
        # every combination of this record's keys so far with its values of the next part
        li, ri = _join(rec, prec)
        combined = code[li] * (len(uniq) + 1) + pc[ri].astype(np.int64)
        code, _ = pd.factorize(combined)
        code = code.astype(np.int64)
        rec = rec[li]
        part_codes = [p[li] for p in part_codes] + [pc[ri].astype(np.int64)]
    # per key code, the part codes (for printing skipped blocks)
    n_codes = int(code.max()) + 1 if len(code) else 0
    first = np.full(n_codes, -1, dtype=np.int64)
    first[code[::-1]] = np.arange(len(code))[::-1]
    return _Keys(rec, code, [p[first] for p in part_codes], values)


def _pairs_in_blocks(rec: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Pair codes (left * n + right) of all pairs sharing a key."""
    if not len(rec):
        return np.array([], dtype=np.int64)
    order = np.lexsort((rec, codes))
    codes, rec = codes[order], rec[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, len(codes)])
    out = []
    # pairs (i, j), i < j inside each block: vectorised per block size
    for size in np.unique(sizes):
        if size < 2:
            continue
        block_starts = starts[sizes == size]
        ii, jj = np.triu_indices(int(size), k=1)
        left = rec[(block_starts[:, None] + ii[None, :]).ravel()]
        right = rec[(block_starts[:, None] + jj[None, :]).ravel()]
        lo, hi = np.minimum(left, right), np.maximum(left, right)
        keep = lo != hi
        out.append(lo[keep] * n + hi[keep])
    if not out:
        return np.array([], dtype=np.int64)
    return np.concatenate(out)  # may repeat a pair (two shared keys): the union removes it


def _sorted_unique(codes: np.ndarray) -> np.ndarray:
    """``np.unique`` of pair codes by a sort: numpy 2.4's ``np.unique`` of int64 goes through a
    hash set, 18x slower on the millions of codes of a large tracker (7.6 s against 0.4 s for
    6.8M codes)."""
    s = np.sort(codes)
    return s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s


def candidate_pairs(
    frame: pd.DataFrame, rules: tuple[BlockingRule, ...], max_block_size: int = 1000
) -> Candidates:
    """All distinct pairs that agree on at least one blocking key."""
    n = len(frame)
    per_rule: list[np.ndarray] = []
    skipped: list[tuple[str, str, int]] = []
    memo = _Memo()
    for rule in rules:
        keys = rule_keys(frame, rule, memo)
        if not len(keys.code):
            per_rule.append(np.array([], dtype=np.int64))
            continue
        counts = np.bincount(keys.code)
        for big in np.flatnonzero(counts > max_block_size).tolist():
            skipped.append((rule.label, keys.label(big), int(counts[big])))
        size = counts[keys.code]
        keep = (size >= 2) & (size <= (rule.max_block or max_block_size))
        per_rule.append(_pairs_in_blocks(keys.rec[keep], keys.code[keep], n))
    if not per_rule:
        empty = np.array([], dtype=np.int64)
        return Candidates(empty, empty, empty, skipped)
    allcodes = _sorted_unique(np.concatenate(per_rule))
    mask = np.zeros(len(allcodes), dtype=np.int64)
    for r, codes in enumerate(per_rule):
        if len(codes):
            hit = np.searchsorted(allcodes, codes)
            mask[hit] |= np.int64(1) << r
    return Candidates(allcodes // max(n, 1), allcodes % max(n, 1), mask, skipped)
