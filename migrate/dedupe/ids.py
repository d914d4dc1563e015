"""Stable ids: the same entity gets the same id on every run.

An entity's id is derived from the smallest content key among its members (``company:<match
key>``, ``contact:<e-mail>``, ``deal:<company>|id:<record id>``), never from row positions or
cluster numbers: re-running on the same files gives the same ids, re-sorting a tracker's rows
changes nothing, adding a file changes only the ids of entities the new rows merge into (and
only when they bring a smaller key), and editing an unrelated cell changes nothing. Where two
records share a content key, the tie is broken by a digest of their contents
(:func:`content_digests`), not by where they stand.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import infer_dtype

from ..columnar import as_texts


def factorize_sorted(values: Any) -> tuple[np.ndarray, Any]:
    """``pd.factorize(values, sort=True)``, the distinct texts sorted by Arrow (in C) instead of
    Python comparisons: the same codes and uniques (UTF-8 bytes sort as the code points do).
    Values that are not all text, or that Arrow cannot hold, go through pandas itself."""
    codes, uniques = pd.factorize(values)
    if len(uniques) < 2:
        return codes, uniques
    distinct = np.asarray(uniques, dtype=object)
    if infer_dtype(distinct, skipna=False) != "string":
        return pd.factorize(values, sort=True)
    try:
        # int64: Arrow gives uint64 indices, which pandas before 2.3 refuses to take by
        order = pc.sort_indices(pa.array(distinct, type=pa.large_string())).to_numpy()
        order = order.astype(np.int64, copy=False)
    except (pa.ArrowException, UnicodeError):  # a lone surrogate, say
        return pd.factorize(values, sort=True)
    rank = np.empty(len(order), dtype=codes.dtype)
    rank[order] = np.arange(len(order), dtype=codes.dtype)
    return np.where(codes >= 0, rank[codes], codes), uniques.take(order)


def digest(key: str, length: int = 10) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:length]


def content_digests(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """A digest (16 hex digits) of each row's values in ``columns``, empty cells as ''.

    The row by its content alone: equal rows get equal digests wherever they stand, so ties
    broken by it do not depend on the order of the rows.
    """
    return row_digests(cell_texts(frame, columns), columns, len(frame))


def cell_texts(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, list[list[str]]]:
    """The cells of each of ``columns`` as texts, '' for an empty cell, by column name (a name
    two columns share has both): what :func:`row_digests` joins, made once where two digests
    read the same columns."""
    out = {}
    for name in dict.fromkeys(columns):
        got = frame[name]
        series = (
            [got] if isinstance(got, pd.Series) else [got.iloc[:, j] for j in range(got.shape[1])]
        )
        out[name] = [_texts(col) for col in series]
    return out


def _texts(col: pd.Series) -> list[str]:
    """A column's cells as texts, '' for an empty cell."""
    values = col.to_numpy(dtype=object)
    # a column of texts only (as the normaliser leaves them: '' when empty) has no missing cell
    # to blank: telling that is a third of what testing every cell takes
    if infer_dtype(values, skipna=False) == "string":
        return values.tolist()
    values = values.copy()
    values[pd.isna(values)] = ""
    text = values.tolist()
    return text if infer_dtype(values, skipna=False) == "string" else list(map(str, text))


def row_digests(texts: Mapping[str, list[list[str]]], columns: Sequence[str], n: int) -> np.ndarray:
    """:func:`content_digests` of ``n`` rows whose cells are ``texts`` (:func:`cell_texts`)."""
    cells = [t for c in columns for t in texts[c]]
    if not cells:
        return np.full(n, digest("", 16), dtype=object)
    sha1 = hashlib.sha1
    return np.array(
        [sha1(row.encode("utf-8")).hexdigest()[:16] for row in map("\x1f".join, zip(*cells))],
        dtype=object,
    )


def stable_ids(
    labels: np.ndarray, keys: pd.Series | np.ndarray, prefix: str, valid: np.ndarray | None = None
) -> np.ndarray:
    """An id per record: ``prefix`` + sha1 of the smallest key of its cluster ('' where not valid).

    ``valid`` marks records whose keys may name a cluster (a cluster with none gets '').
    """
    keys = np.asarray(keys, dtype=object)
    labels = np.asarray(labels, dtype=np.int64)
    valid = np.ones(len(keys), bool) if valid is None else np.asarray(valid, bool)
    out = np.full(len(keys), "", dtype=object)
    if not valid.any():
        return out
    named, rank = labels[valid], np.asarray(factorize_sorted(keys[valid])[0])
    order = np.lexsort((rank, named))  # per label, its smallest key first
    heads = order[np.r_[True, named[order][1:] != named[order][:-1]]]
    cluster, smallest = named[heads], keys[valid][heads].tolist()
    ids = [prefix + digest(k) for k in smallest]
    # a truncated hash collision is practically impossible; still, never hand out one id twice
    seen = Counter(ids)
    ids = [i if seen[i] == 1 else prefix + digest(k, 40) for i, k in zip(ids, smallest)]
    at = np.minimum(np.searchsorted(cluster, labels), len(cluster) - 1)
    hit = cluster[at] == labels
    out[hit] = np.asarray(ids, dtype=object)[at[hit]]
    return out


def unique_keys(keys: pd.Series, tiebreak: pd.Series) -> pd.Series:
    """Make content keys unique: repeated keys get ``#<tiebreak>`` and then ``#2``, ``#3``..."""
    # texts as Python objects: an Arrow column (astype(str) from pandas 3 on) finds repeats at
    # a third of the speed, and the keys are read back as objects
    keys = pd.Series(as_texts(keys), index=keys.index, dtype=object)
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return keys
    out = keys.copy()
    out[dup] = keys[dup] + "#" + tiebreak[dup].astype(str)
    # only the keys still repeated need an order (by tiebreak, then position): a sort of
    # texts in Python comparisons, so not of every key
    again = np.flatnonzero(out.duplicated(keep=False).to_numpy())
    if not len(again):
        return out
    order = again[
        np.lexsort(
            (
                tiebreak.iloc[again].astype(str).to_numpy(dtype=object),
                out.iloc[again].to_numpy(dtype=object),
            )
        )
    ]
    ranked = out.iloc[order]
    n = ranked.groupby(ranked, sort=False).cumcount()
    out.iloc[order] = ranked.where(n == 0, ranked + "#" + (n + 1).astype(str)).to_numpy()
    return out
