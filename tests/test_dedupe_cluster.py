"""Clustering: connected components of accepted pairs, split where a weak bridge chains them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.dedupe.cluster import components, gaec, gaec_dense, resolve


def _score_table(weights: dict[tuple[int, int], float], default: float):
    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.array(
            [
                weights.get((int(x), int(y)), weights.get((int(y), int(x)), default))
                for x, y in zip(a, b)
            ]
        )

    return score


def _same(labels: np.ndarray, *members: int) -> bool:
    return len({int(labels[m]) for m in members}) == 1


def test_components() -> None:
    labels = components(5, np.array([0, 3]), np.array([1, 4]))
    assert labels.tolist() == [0, 0, 1, 2, 2]


def test_weak_bridge_does_not_chain_two_companies() -> None:
    # "Acme Labs" (0, 1) - "Acme" (2) - "Acme Logistics" (3, 4): 2 links to both sides a little,
    # the two sides clearly disagree
    strong, weak, against = 20.0, 6.0, -15.0
    w = {(0, 1): strong, (3, 4): strong, (1, 2): weak, (2, 3): weak}
    for a in (0, 1):
        for b in (3, 4):
            w[(a, b)] = against
    left = np.array([k[0] for k in w])
    right = np.array([k[1] for k in w])
    logodds = np.array(list(w.values()))
    labels, splits = resolve(5, left, right, logodds, 3.0, _score_table(w, -10.0))
    assert _same(labels, 0, 1) and _same(labels, 3, 4)
    assert not _same(labels, 0, 3)
    assert len(splits) == 1 and splits[0].bridges


def test_strong_star_stays_together() -> None:
    # an original with two corrupted copies that do not look alike: still one entity
    w = {(0, 1): 25.0, (0, 2): 25.0, (1, 2): -4.0}
    labels, splits = resolve(
        3,
        np.array([0, 0, 1]),
        np.array([1, 2, 2]),
        np.array(list(w.values())),
        3.0,
        _score_table(w, -10.0),
    )
    assert _same(labels, 0, 1, 2) and not splits


def test_unscored_bridge_is_checked_with_all_member_pairs() -> None:
    # 0-1 and 1-2 were candidates; 0-2 never was (no shared blocking key), but scoring it shows
    # the two ends disagree strongly
    w = {(0, 1): 5.0, (1, 2): 5.0, (0, 2): -30.0}
    labels, _ = resolve(
        3, np.array([0, 1]), np.array([1, 2]), np.array([5.0, 5.0]), 3.0, _score_table(w, -30.0)
    )
    assert not _same(labels, 0, 1, 2)


def test_cohesion_can_be_switched_off() -> None:
    w = {(0, 1): 5.0, (1, 2): 5.0, (0, 2): -30.0}
    labels, splits = resolve(
        3,
        np.array([0, 1]),
        np.array([1, 2]),
        np.array([5.0, 5.0]),
        3.0,
        _score_table(w, -30.0),
        cohesion=False,
    )
    assert _same(labels, 0, 1, 2) and not splits


def test_gaec_never_joins_across_a_hard_no() -> None:
    labels = gaec(3, np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([10.0, 10.0, -1e6]))
    assert labels[0] != labels[2]


edges = st.lists(
    st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(-30, 30, allow_nan=False)),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 12), raw=edges, dense=st.floats(-30, 30, allow_nan=False))
def test_clustering_is_a_partition_that_refines_the_components(
    n: int, raw: list[tuple[int, int, float]], dense: float
) -> None:
    seen: dict[tuple[int, int], float] = {}
    for a, b, x in raw:
        if a < n and b < n and a != b:
            seen[(min(a, b), max(a, b))] = x
    left = np.array([k[0] for k in seen], dtype=np.int64)
    right = np.array([k[1] for k in seen], dtype=np.int64)
    logodds = np.array(list(seen.values()), dtype=float)
    labels, _ = resolve(n, left, right, logodds, 3.0, _score_table(seen, dense))
    # a partition: every record gets exactly one cluster, labels run 0..k-1
    assert len(labels) == n
    assert set(labels.tolist()) == set(range(int(labels.max()) + 1))
    # clusters only ever split components of accepted pairs, never join across them
    comp = components(n, left[logodds >= 3.0], right[logodds >= 3.0])
    for c in set(labels.tolist()):
        assert len(set(comp[labels == c].tolist())) == 1
    # a pair accepted on its own with no disagreeing neighbour stays together
    for (a, b), x in seen.items():
        if x >= 3.0 and (comp == comp[a]).sum() == 2:
            assert labels[a] == labels[b]


@settings(max_examples=200, deadline=None)
@given(k=st.integers(2, 9), data=st.data())
def test_sparse_and_dense_contraction_agree(k: int, data: st.DataObject) -> None:
    ii, jj = np.triu_indices(k, k=1)
    w = np.array(
        data.draw(
            st.lists(
                st.floats(-20, 20, allow_nan=False), min_size=len(ii), max_size=len(ii), unique=True
            )
        )
    )
    assert np.array_equal(gaec(k, ii, jj, w), gaec_dense(k, ii, jj, w))
