"""The generic matching engine: records in, clusters and scored pairs out.

In: any frame (one row per record; a cell may hold a tuple of values) and a
:class:`~migrate.dedupe.settings.LinkSettings`. Out: a :class:`Linkage` with a cluster label per
record, the scored pairs at or above the review threshold with their evidence, the trained
model and the components the cohesion check split. Blocking -> comparison levels ->
Fellegi-Sunter weights (EM) -> thresholds -> clustering. Nothing here knows about companies or
deals: the CRM merge (:mod:`.entities`) and the benchmarks both call :func:`link`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import backends, cluster, compare
from .model import NEVER, Model, logit2, probability, train
from .settings import Comparison, LinkSettings

FORCED = 1e6  # log odds of a pair a person decided is the same


@dataclass
class Linkage:
    """What the engine found for one set of records."""

    labels: np.ndarray  # cluster label per record position
    pairs: (
        pd.DataFrame
    )  # left, right, logodds, probability, decision, evidence (+ level per comparison)
    model: Model
    splits: list[cluster.Split]
    n_candidates: int
    skipped_blocks: list[tuple[str, str, int]] = field(default_factory=list)
    unknown_keys: list[str] = field(default_factory=list)


def _decision_pairs(
    frame: pd.DataFrame, key_column: str | None, decisions: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Record positions of the decided pairs; +FORCED for same, NEVER for different."""
    empty = np.zeros(0, dtype=np.int64)
    if (
        decisions is None
        or key_column is None
        or decisions.empty
        or key_column not in frame.columns
    ):
        return empty, empty, np.zeros(0), []
    positions: dict[str, list[int]] = {}
    for pos, key in enumerate(frame[key_column].astype(str).tolist()):
        positions.setdefault(key, []).append(pos)
    ls, rs, ws = [], [], []
    unknown: list[str] = []
    for lk, rk, d in decisions[["left_key", "right_key", "decision"]].itertuples(index=False):
        a, b = positions.get(str(lk)), positions.get(str(rk))
        if a is None or b is None:
            unknown.extend(k for k, v in ((lk, a), (rk, b)) if v is None)
            continue
        for x in a:
            for y in b:
                if x != y:
                    ls.append(min(x, y))
                    rs.append(max(x, y))
                    ws.append(FORCED if d == "same" else NEVER if d == "different" else np.nan)
    return (
        np.array(ls, dtype=np.int64),
        np.array(rs, dtype=np.int64),
        np.array(ws, dtype=float),
        unknown,
    )


def evidence(model: Model, gamma: np.ndarray, partial: np.ndarray) -> np.ndarray:
    """One line per pair: which fields agreed, at what level, with what weight.

    Pairs repeat few lines (a level and a rounded weight per comparison), so each distinct
    line is written once and the pairs take theirs by code."""
    n = len(gamma)
    row = np.zeros(n, dtype=np.int64)  # the pair's line so far, as a code
    parts: list[tuple[list[str], np.ndarray]] = []
    for j, comp in enumerate(model.comparisons):
        labels = [comp.level_label(i) for i in range(comp.n_levels)] + ["missing"]
        g = gamma[:, j].astype(np.int64)
        has = g >= 0
        if not has.any():
            continue
        w = np.round(partial[has, j], 1)
        # few distinct weights per comparison: format each once
        distinct, which = np.unique(w, return_inverse=True)
        shown = ["never" if x <= NEVER / 2 else f"{x:+.1f}" for x in distinct]
        code = np.full(n, -1, dtype=np.int64)
        code[has] = g[has] * len(distinct) + which.reshape(-1)
        at, used = pd.factorize(code)
        k = len(distinct)
        texts = [
            "" if c < 0 else f"{comp.name} {labels[c // k]} ({shown[c % k]})" for c in used.tolist()
        ]
        parts.append((texts, at))
        row = pd.factorize(row * len(used) + at)[0]
    if not parts:
        return np.full(n, "", dtype=object)
    # one pair of each line stands for it (any one: they have the same levels and weights)
    first = np.empty(row.max() + 1, dtype=np.int64)
    first[row] = np.arange(n)
    text = []
    for f in first.tolist():
        line = (texts[at[f]] for texts, at in parts)
        text.append("; ".join(t for t in line if t))
    return np.asarray(text, dtype=object)[row]


def _at_review_only(
    comparisons: Sequence[Comparison], gamma: np.ndarray, agreed: tuple[str, ...] = ()
) -> np.ndarray:
    """Per pair (a row of ``gamma``, levels of ``comparisons``), True at a review_only level,
    unless the pair agrees exactly (first level) on a comparison the level names (or one of
    ``agreed``, known to agree), or both its records hold a value of one it names as given."""
    hit = np.zeros(len(gamma), dtype=bool)
    column = {c.name: k for k, c in enumerate(comparisons)}
    for j, comp in enumerate(comparisons):
        for i, lv in enumerate(comp.levels):
            if lv.review_only and not set(lv.review_unless) & set(agreed):
                held = gamma[:, j] == i
                for name in lv.review_unless:
                    if name in column:
                        held &= gamma[:, column[name]] != 0
                for name in lv.review_unless_given:
                    if name in column:
                        held &= gamma[:, column[name]] == compare.NULL
                hit |= held
    return hit


def _review_only(
    settings: LinkSettings, gamma: np.ndarray, logodds: np.ndarray, threshold: float
) -> np.ndarray:
    """``logodds`` with the pairs at a ``review_only`` level held just below the match
    threshold: however high they score, a person decides (review.xlsx)."""
    capped = _at_review_only(settings.comparisons, gamma)
    if not capped.any():
        return logodds
    out = logodds.copy()
    out[capped] = np.minimum(out[capped], threshold - 1e-3)  # a thousandth of a bit below
    return out


def at_review_only_level(
    frame: pd.DataFrame,
    settings: LinkSettings,
    key_column: str,
    pairs: pd.DataFrame,
    agreed: tuple[str, ...] = (),
) -> np.ndarray:
    """For each (left_key, right_key) pair, True when it reaches a ``review_only`` level: a
    decision a rule of the tool made (a reading link) is then a review, not a merge.
    ``agreed`` names comparisons the decisions agree on by how they were made (a reading link's
    names read alike): a level they lift holds none of them."""
    out = np.zeros(len(pairs), dtype=bool)
    held = [
        c
        for c in settings.comparisons
        if any(lv.review_only and not set(lv.review_unless) & set(agreed) for lv in c.levels)
    ]
    if not held or not len(pairs) or key_column not in frame.columns:
        return out
    lifting = {
        n for c in held for lv in c.levels for n in (*lv.review_unless, *lv.review_unless_given)
    }
    comps = tuple(c for c in settings.comparisons if c in held or c.name in lifting)
    position = {str(k): i for i, k in enumerate(frame[key_column].astype(str).tolist())}
    a = pairs["left_key"].astype(str).map(position)
    b = pairs["right_key"].astype(str).map(position)
    known = (a.notna() & b.notna()).to_numpy()
    if not known.any():
        return out
    prepared = compare.prepare(frame.reset_index(drop=True), comps)
    gamma = compare.levels(
        prepared, a[known].to_numpy(dtype=np.int64), b[known].to_numpy(dtype=np.int64)
    )
    out[known] = _at_review_only(comps, gamma, agreed)
    return out


def link(
    frame: pd.DataFrame,
    settings: LinkSettings,
    *,
    decisions: pd.DataFrame | None = None,
    key_column: str | None = None,
    engine: str = "default",
) -> Linkage:
    """Find which records of ``frame`` are the same entity.

    ``engine`` makes the candidate pairs and scores them: ``default`` (numpy and rapidfuzz) or
    ``duckdb`` (the same rules as SQL, :mod:`.duckdb_engine`); the answer is the same.
    """
    frame = frame.reset_index(drop=True)
    n = len(frame)
    prepared = compare.prepare(frame, settings.comparisons)
    cand, gamma = backends.pairs_and_levels(engine, frame, settings, prepared)
    within = None
    if settings.model.u_within:
        col = (
            frame[settings.model.u_within]
            if settings.model.u_within in frame.columns
            else pd.Series([""] * n)
        )
        within = compare.scalar_codes(col)
    model = train(prepared, n, cand, gamma, settings.blocking, settings.model, within=within)
    threshold = logit2(settings.thresholds.match)
    logodds = _review_only(
        settings, gamma, model.candidate_logodds(gamma, prepared, cand.left), threshold
    )
    model.patterns = None  # the candidates are scored: what grouped them is let go
    left, right = cand.left, cand.right

    # decisions from a person override the model, both ways; a 'review' pair (NaN) keeps the
    # model's weight but is always shown to a person
    dl, dr, dw, unknown = _decision_pairs(frame, key_column, decisions)
    if len(dl):
        show = np.isnan(dw)
        dg = compare.levels(prepared, dl, dr)
        dw = np.where(
            show, _review_only(settings, dg, model.logodds(dg, prepared, dl), threshold), dw
        )
    else:
        show = np.zeros(0, dtype=bool)
    decided = np.zeros(len(left), dtype=np.int8)
    if len(dl):
        codes = left * n + right
        dcodes = dl * n + dr
        pos = np.searchsorted(codes, dcodes)
        pos_c = np.minimum(pos, max(len(codes) - 1, 0))
        found = (codes[pos_c] == dcodes) if len(codes) else np.zeros(len(dcodes), bool)
        logodds[pos_c[found]] = dw[found]
        decided[pos_c[found]] = np.where(show[found], 2, np.where(dw[found] > 0, 1, -1))
        new = ~found
        if new.any():
            nl, nr, nw = dl[new], dr[new], dw[new]
            left = np.r_[left, nl]
            right = np.r_[right, nr]
            gamma = np.vstack([gamma, compare.levels(prepared, nl, nr)])
            logodds = np.r_[logodds, nw]
            decided = np.r_[
                decided, np.where(show[new], 2, np.where(nw > 0, 1, -1)).astype(np.int8)
            ]
            order = np.argsort(left * n + right, kind="stable")
            left, right, gamma, logodds, decided = (
                left[order],
                right[order],
                gamma[order],
                logodds[order],
                decided[order],
            )

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        g = compare.levels(prepared, a, b)
        return _review_only(settings, g, model.logodds(g, prepared, a), threshold)

    labels, splits = cluster.resolve(
        n,
        left,
        right,
        logodds,
        threshold,
        score,
        settings.cohesion.max_dense,
        settings.cohesion.enabled,
        prior=logit2(model.match_prior),
    )
    review_at = logit2(settings.thresholds.review)
    keep = (logodds >= review_at) | (decided != 0)
    g = gamma[keep]
    partial = model.partial(g, prepared, left[keep])
    pairs = pd.DataFrame(
        {
            "left": left[keep],
            "right": right[keep],
            "logodds": logodds[keep],
            "probability": probability(logodds[keep]),
            "decision": np.select(
                [decided[keep] == 1, decided[keep] < 0], ["same", "different"], ""
            ),
            **{f"level:{comp.name}": g[:, j] for j, comp in enumerate(settings.comparisons)},
            "evidence": evidence(model, g, partial),
        }
    )
    return Linkage(
        labels, pairs, model, splits, len(cand), cand.skipped_blocks, sorted(set(map(str, unknown)))
    )
