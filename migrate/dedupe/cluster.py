"""Clustering: connected components of accepted pairs, then a cohesion check per component.

In: scored pairs (positions and log2 odds) and which of them are accepted. Out: a cluster
label per record (a partition of 0..n-1) and the components that were split.

Connected components alone chain: "Acme Labs" - "Acme" - "Acme Logistics" becomes one company
through the bridge record "Acme" although the two ends clearly differ. So every component of
three or more records has *all* its member pairs scored (up to ``max_dense`` members; larger
ones use the scored candidate pairs only) and is re-partitioned by greedy additive edge
contraction (correlation clustering): join the two groups with the largest positive sum of
(log odds - match threshold; below the threshold only the evidence against counts) between
them until no join adds evidence. A component whose ends disagree more than the bridge agrees
falls apart; a component whose members all agree stays.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ScoreFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


@functools.lru_cache(maxsize=512)
def _triu(k: int) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.triu_indices(k, k=1)
    return i, j


@dataclass(frozen=True)
class Split:
    """A component the cohesion check broke apart."""

    members: np.ndarray  # record positions
    labels: np.ndarray  # part of each member (0..k-1)
    bridges: list[tuple[int, int, float]]  # accepted pairs across parts: (left, right, logodds)


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label of every record (0..k-1, in order of first member)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return _first_seen(labels)


def _first_seen(labels: np.ndarray) -> np.ndarray:
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    remap = np.empty(len(order), dtype=np.int64)
    remap[order] = np.arange(len(order))
    return remap[np.unique(labels, return_inverse=True)[1]]


def gaec(k: int, i: np.ndarray, j: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Greedy additive edge contraction on k nodes with signed edge weights; labels 0..g-1."""
    adj: list[dict[int, float]] = [{} for _ in range(k)]
    for a, b, x in zip(i.tolist(), j.tolist(), w.tolist()):
        if a == b:
            continue
        adj[a][b] = adj[a].get(b, 0.0) + x
        adj[b][a] = adj[a][b]
    heap = [(-x, a, b) for a in range(k) for b, x in adj[a].items() if a < b and x > 0]
    heapq.heapify(heap)
    parent = list(range(k))
    alive = [True] * k
    while heap:
        negx, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or adj[a].get(b) != -negx:
            continue  # stale: the edge changed when a neighbour was contracted
        if len(adj[a]) < len(adj[b]):
            a, b = b, a
        # contract b into a: the weights to every neighbour add up
        for nb, x in adj[b].items():
            if nb == a:
                continue
            y = adj[a].get(nb, 0.0) + x
            adj[a][nb] = y
            adj[nb][a] = y
            del adj[nb][b]
            if y > 0:
                heapq.heappush(heap, (-y, min(a, nb), max(a, nb)))
        adj[a].pop(b, None)
        adj[b] = {}
        alive[b] = False
        parent[b] = a

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    return _first_seen(np.array([root(x) for x in range(k)], dtype=np.int64))


def gaec_dense(k: int, i: np.ndarray, j: np.ndarray, w: np.ndarray) -> np.ndarray:
    """:func:`gaec` on a small component given as all its member pairs, with a weight matrix."""
    m = np.zeros((k, k))
    m[i, j] = w
    m[j, i] = w
    np.fill_diagonal(m, -np.inf)
    labels = np.arange(k)
    for _ in range(k - 1):
        best = int(np.argmax(m))
        a, b = divmod(best, k)
        if m[a, b] <= 0:
            break
        # contract b into a: the weights to every other group add up
        m[a, :] += m[b, :]
        m[:, a] = m[a, :]
        m[a, a] = -np.inf
        m[b, :] = -np.inf
        m[:, b] = -np.inf
        labels[labels == b] = a
    return _first_seen(labels)


def resolve(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    logodds: np.ndarray,
    threshold: float,
    score: ScoreFn | None,
    max_dense: int = 1000,
    cohesion: bool = True,
    prior: float | None = None,
) -> tuple[np.ndarray, list[Split]]:
    """Cluster labels for n records from scored pairs; pairs at or above ``threshold`` link.

    ``threshold`` is in log2 odds. ``score(left, right)`` scores extra pairs (all member pairs of
    a component); without it only the given pairs are used. With ``prior`` (the log2 prior odds
    inside the scores), a pair below the threshold counts against joining only by the evidence
    against it: two records that share no comparable field (a romanised and a kanji name) say
    nothing about each other, however low the prior puts them.
    """
    accepted = logodds >= threshold
    labels = components(n, left[accepted], right[accepted])
    splits: list[Split] = []
    if not cohesion or n == 0:
        return labels, splits
    sizes = np.bincount(labels)
    big = np.flatnonzero(sizes >= 3)
    if not len(big):
        return labels, splits
    # known pair scores, by pair code, for the sparse fall-back and to avoid re-scoring
    known_codes = left * n + right
    known_order = np.argsort(known_codes, kind="stable")
    known_sorted = known_codes[known_order]
    order = np.argsort(labels, kind="stable")
    starts = np.r_[0, np.cumsum(sizes)]
    next_label = int(labels.max()) + 1
    dense_left: list[np.ndarray] = []
    dense_right: list[np.ndarray] = []
    dense_of: list[int] = []
    for c in big.tolist():
        members = order[starts[c] : starts[c + 1]]
        if len(members) <= max_dense and score is not None:
            ii, jj = _triu(len(members))
            a, b = members[ii], members[jj]
            dense_left.append(np.minimum(a, b))
            dense_right.append(np.maximum(a, b))
            dense_of.append(int(c))
    dense_scores: dict[int, np.ndarray] = {}
    if dense_left:
        all_l = np.concatenate(dense_left)
        all_r = np.concatenate(dense_right)
        codes = all_l * n + all_r
        at = np.minimum(np.searchsorted(known_sorted, codes), max(len(known_sorted) - 1, 0))
        have = known_sorted[at] == codes if len(known_sorted) else np.zeros(len(codes), bool)
        lo = np.empty(len(codes))
        if have.any():
            lo[have] = logodds[known_order[at[have]]]
        if (~have).any() and score is not None:
            lo[~have] = score(all_l[~have], all_r[~have])
        pos = 0
        for comp_label, part in zip(dense_of, dense_left):
            dense_scores[comp_label] = lo[pos : pos + len(part)]
            pos += len(part)
    # position of every record inside its component, so pairs map to gaec's local nodes
    local = np.empty(n, dtype=np.int64)
    local[order] = np.arange(n) - starts[labels[order]]
    # the sparse fall-back for components too large to score densely: their candidate pairs
    sparse = np.setdiff1d(big, np.array(dense_of, dtype=np.int64))
    sparse_pairs: dict[int, np.ndarray] = {}
    if len(sparse):
        inside = np.flatnonzero((labels[left] == labels[right]) & np.isin(labels[left], sparse))
        by_comp = inside[np.argsort(labels[left[inside]], kind="stable")]
        comp_of = labels[left[by_comp]]
        cuts = (
            np.flatnonzero(np.r_[True, comp_of[1:] != comp_of[:-1]])
            if len(by_comp)
            else np.zeros(0, np.int64)
        )
        for a_, b_ in zip(cuts.tolist(), np.r_[cuts[1:], len(by_comp)].tolist()):
            sparse_pairs[int(comp_of[a_])] = by_comp[a_:b_]
    for c in big.tolist():
        members = order[starts[c] : starts[c + 1]]
        if c in dense_scores:
            w = dense_scores[c]
            if (w >= threshold).all():
                continue
            ii, jj = _triu(len(members))
            pl, pr = members[ii], members[jj]
        else:
            sel = sparse_pairs.get(c, np.zeros(0, np.int64))
            pl, pr, w = left[sel], right[sel], logodds[sel]
        gain = w - threshold
        if prior is not None:
            gain = np.where(w >= threshold, gain, np.minimum(w - prior, 0.0))
        if c in dense_scores:
            part = gaec_dense(len(members), local[pl], local[pr], gain)
        else:
            part = gaec(len(members), local[pl], local[pr], gain)
        if part.max() == 0:
            continue
        cross = (part[local[pl]] != part[local[pr]]) & (w >= threshold)
        bridges = [(int(x), int(y), float(z)) for x, y, z in zip(pl[cross], pr[cross], w[cross])]
        splits.append(Split(members, part, bridges))
        for p in range(1, int(part.max()) + 1):
            labels[members[part == p]] = next_label
            next_label += 1
    return _first_seen(labels), splits
