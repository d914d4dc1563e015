"""The Fellegi-Sunter model: m/u probabilities per comparison level, learned from the data.

In: the prepared columns, the candidate pairs and their levels. Out: a :class:`Model` whose
``logodds`` turns a level matrix into match weights (log2 Bayes factors plus the prior).

- u (how often two *different* entities agree at a level) comes from random record pairs;
  for an exact level on a single-valued column it is computed exactly from value counts.
- m (how often two records of the *same* entity reach a level) is learned by unsupervised
  expectation maximisation, Splink style: one training session per blocking rule, over the
  pairs that rule produces, leaving out the comparisons that rule blocked on (they agree by
  construction), u held fixed. The m priors from the settings act as pseudo-counts, so a
  small tracker cannot drive a weight to an extreme.
- The prior P(two random records match) solves ``lambda = sum of posteriors / all pairs``.
- Term-frequency adjustment (``tf_adjust``): exact agreement on a rare value weighs more.
A level marked ``never`` (or ``else_never``) is a hard non-match. A comparison with
``learn_m: false`` keeps its m priors: it states a policy, not a share to learn from the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .blocking import Candidates
from .compare import NULL, Prepared, exact_values, levels
from .settings import BlockingRule, Comparison, ModelSettings

NEVER = -1e6  # weight of a hard non-match (finite, so sums stay defined)
# pairs whose weights are summed at a time: the (pairs x comparisons) float matrix of every
# candidate pair of Excel's maximum sheet would be ~0.6 GB (6.7M company pairs)
PAIRS_PER_SUM = 1_000_000
_EPS = 1e-9


def logit2(p: float) -> float:
    p = min(max(p, 1e-15), 1 - 1e-15)
    return float(np.log2(p / (1 - p)))


def probability(logodds: np.ndarray) -> np.ndarray:
    """Match probability from log2 odds."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp2(-np.clip(logodds, -1000, 1000)))


def _never_mask(comp: Comparison) -> np.ndarray:
    return np.array([lv.never for lv in comp.levels] + [comp.else_never], dtype=bool)


def prior_m(comp: Comparison) -> np.ndarray:
    """m priors: as given per level, else a falling share (first level most likely)."""
    n = comp.n_levels
    given = [lv.m for lv in comp.levels] + [comp.else_m]
    auto = np.array([0.6 * 0.4**i for i in range(n - 1)] + [0.08])
    m = np.array([g if g is not None else a for g, a in zip(given, auto)], dtype=float)
    m[_never_mask(comp)] = 1e-6
    return np.maximum(m, 1e-6) / np.maximum(m, 1e-6).sum()


@dataclass
class Model:
    """Trained parameters of one link model."""

    comparisons: tuple[Comparison, ...]
    m: list[np.ndarray]
    u: list[np.ndarray]
    match_prior: float
    trained: list[bool]
    sessions: int = 0
    # the candidate pairs' level patterns and each pair's pattern (:func:`_patterns_of`) when
    # a pair's weights are its pattern's (no term frequencies): the pairs are scored per pattern
    patterns: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def weights(self) -> list[np.ndarray]:
        """log2(m/u) per level; hard non-match levels get NEVER; a ``review_only`` level
        weighs nothing (it caps a pair at review, see migrate.dedupe.engine), unless the rules
        give its m: then it weighs what it says too (names alike in no way are evidence
        against, whether a person decides or something else lifts the hold)."""
        out = []
        for comp, m, u in zip(self.comparisons, self.m, self.u):
            w = np.log2(np.maximum(m, _EPS) / np.maximum(u, _EPS))
            w[_never_mask(comp)] = NEVER
            w[: len(comp.levels)][[lv.review_only and lv.m is None for lv in comp.levels]] = 0.0
            out.append(w)
        return out

    def partial(
        self,
        gamma: np.ndarray,
        prepared: list[Prepared] | None = None,
        left: np.ndarray | None = None,
    ) -> np.ndarray:
        """(pairs x comparisons) weights: 0 where a side is empty."""
        ws = self.weights()
        out = np.zeros(gamma.shape, dtype=float)
        for j, w in enumerate(ws):
            g = gamma[:, j]
            # the weights with a 0 at the end: NULL (-1) takes it, no mask of the empty pairs
            out[:, j] = np.append(w, 0.0)[g]
            comp = self.comparisons[j]
            if (
                prepared is not None
                and left is not None
                and comp.tf_adjust
                and comp.levels
                and comp.levels[0].test == "exact"
            ):
                p = prepared[j]
                if p.tf is not None:
                    at0 = np.flatnonzero(g == 0)
                    codes = exact_values(p, left[at0])
                    ok = codes >= 0
                    tf = p.tf[codes[ok]]
                    out[at0[ok], j] = np.log2(max(self.m[j][0], _EPS) / np.maximum(tf, _EPS))
        return out

    def weight_sums(
        self,
        gamma: np.ndarray,
        prepared: list[Prepared] | None = None,
        left: np.ndarray | None = None,
    ) -> np.ndarray:
        """Per pair, the sum of its weights (:meth:`partial`), in parts of ``PAIRS_PER_SUM``
        pairs (a pair's sum depends on its own row alone: the same floats)."""
        out = np.empty(len(gamma))
        for a in range(0, len(gamma), PAIRS_PER_SUM):
            b = a + PAIRS_PER_SUM
            part = self.partial(gamma[a:b], prepared, None if left is None else left[a:b])
            out[a:b] = part.sum(axis=1)
        return out

    def logodds(
        self,
        gamma: np.ndarray,
        prepared: list[Prepared] | None = None,
        left: np.ndarray | None = None,
    ) -> np.ndarray:
        """log2 posterior odds of a match for each pair."""
        return logit2(self.match_prior) + self.weight_sums(gamma, prepared, left)

    def candidate_logodds(
        self, gamma: np.ndarray, prepared: list[Prepared], left: np.ndarray
    ) -> np.ndarray:
        """:meth:`logodds` of the candidate pairs the model was trained on (``gamma``): once
        per level pattern when :attr:`patterns` holds them (a pair's sum is its row's alone,
        the same floats), else pair by pair."""
        if self.patterns is None:
            return self.logodds(gamma, prepared, left)
        patterns, of_pair = self.patterns
        return self.logodds(patterns)[of_pair]


def _random_pairs(n: int, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    total = n * (n - 1) // 2
    if total <= k:
        i, j = np.triu_indices(n, k=1)
        return i.astype(np.int64), j.astype(np.int64)
    a = rng.integers(0, n, size=int(k * 1.05) + 10)
    b = rng.integers(0, n, size=len(a))
    keep = a != b
    a, b = a[keep][:k], b[keep][:k]
    return np.minimum(a, b), np.maximum(a, b)


@dataclass
class RandomSample:
    """Random record pairs and their levels: the population u is measured on."""

    left: np.ndarray
    right: np.ndarray
    gamma: np.ndarray
    within_groups: bool = False  # pairs drawn inside groups, not from all records


def _random_pairs_within(
    groups: np.ndarray, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs of records in the same group (groups < 0: in none)."""
    pos = np.flatnonzero(groups >= 0)
    if len(pos) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = pos[np.argsort(groups[pos], kind="stable")]
    g = groups[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, len(g)])
    weights = sizes * (sizes - 1) / 2.0
    total = weights.sum()
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if total <= k:
        # every pair of every group, in np.triu_indices' order group by group (no loop over
        # the groups): each member i with each later one j
        st, sz = starts[sizes > 1], sizes[sizes > 1]
        rows = sz - 1  # a group's members that have a later one
        grp = np.repeat(np.arange(len(sz)), rows)
        i = np.arange(len(grp)) - np.repeat(np.cumsum(rows) - rows, rows)
        run = sz[grp] - 1 - i  # how many later members each has
        at = np.repeat(np.arange(len(i)), run)
        j = i[at] + 1 + np.arange(len(at)) - np.repeat(np.cumsum(run) - run, run)
        base = st[grp[at]]
        a, b = order[base + i[at]], order[base + j]
    else:
        pick = rng.choice(len(sizes), size=k, p=weights / total)
        sz = sizes[pick]
        i = rng.integers(0, sz)
        j = (i + 1 + rng.integers(0, np.maximum(sz - 1, 1))) % sz
        a, b = order[starts[pick] + i], order[starts[pick] + j]
    return np.minimum(a, b), np.maximum(a, b)


def random_sample(
    prepared: list[Prepared], n: int, settings: ModelSettings, within: np.ndarray | None = None
) -> RandomSample:
    """Random record pairs; with ``within`` (a group code per record) only pairs inside a group."""
    rng = np.random.default_rng(settings.seed)
    if within is not None:
        left, right = _random_pairs_within(within, settings.random_pairs, rng)
    else:
        left, right = _random_pairs(n, settings.random_pairs, rng)
    gamma = levels(prepared, left, right) if len(left) else np.zeros((0, len(prepared)), np.int8)
    return RandomSample(left, right, gamma, within is not None)


def estimate_u(
    prepared: list[Prepared],
    sample: RandomSample,
    weights: np.ndarray | None = None,
    match_prior: float = 0.0,
    m: list[np.ndarray] | None = None,
    strength: float = 0.0,
) -> list[np.ndarray]:
    """u per comparison level from random pairs, each weighted by how likely it is a non-match.

    An exact level on a single-valued column is computed from the value counts instead (exact
    even for rare values), less the share the matches account for.
    """
    out = []
    for j, p in enumerate(prepared):
        comp = p.comparison
        g = sample.gamma[:, j]
        has = g != NULL
        w = None if weights is None else weights[has]
        counts = np.bincount(g[has].astype(np.int64), weights=w, minlength=comp.n_levels).astype(
            float
        )
        # value counts describe pairs of all records, not pairs inside groups
        exact_first = (
            comp.kind == "text"
            and not p.multi
            and comp.levels
            and comp.levels[0].test == "exact"
            and not sample.within_groups
        )
        if exact_first and len(p.elems) > 1:
            c = np.bincount(p.elems).astype(float)
            nn = float(len(p.elems))
            p0 = float((c * (c - 1)).sum() / (nn * (nn - 1)))
            if m is not None and match_prior > 0:
                p0 = max(p0 - match_prior * float(m[j][0]), 0.05 * p0) / (1 - match_prior)
            others = counts[1:] + 0.5
            u = np.r_[max(p0, 0.5 / max(nn * (nn - 1) / 2, 1)), (1 - p0) * others / others.sum()]
        else:
            u = (counts + 0.5) / (counts.sum() + 0.5 * comp.n_levels)
        u = u / u.sum()
        given = np.array([lv.u is not None for lv in comp.levels] + [False])
        if given.any() and strength > 0:
            # the rules' u priors weigh as many pairs as u_prior_strength: they decide on a small
            # tracker, the data decides on a large one
            prior = np.zeros(comp.n_levels)
            prior[given] = [lv.u for lv in comp.levels if lv.u is not None]
            remaining = max(1.0 - float(prior.sum()), 1e-6)
            prior[~given] = remaining * u[~given] / max(float(u[~given].sum()), 1e-12)
            n_eff = float(has.sum())
            u = (u * n_eff + strength * prior) / (n_eff + strength)
        out.append(u / u.sum())
    return out


def _patterns(gamma: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct level patterns of the active comparisons and how many pairs show each."""
    patterns, counts, _ = _patterns_of(gamma, active)
    return patterns, counts


def _patterns_of(
    gamma: np.ndarray, active: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_patterns`, and the pattern of each pair (its row in the patterns)."""
    cols = np.flatnonzero(active)
    sub = gamma[:, cols].astype(np.int64) + 1  # 0 = missing
    radix = int(sub.max(initial=0)) + 1
    code = np.zeros(len(sub), dtype=np.int64)
    for k in range(len(cols)):
        code = code * radix + sub[:, k]
    # np.unique's inverse and counts by a hash of the codes and a sort of the few distinct
    # ones (np.unique argsorts every pair's code)
    at, seen = pd.factorize(code)
    by_code = np.argsort(seen)
    rank = np.empty(len(seen), dtype=np.int64)
    rank[by_code] = np.arange(len(seen))
    uniq, inverse = seen[by_code], rank[at]
    counts = np.bincount(inverse, minlength=len(uniq))
    patterns = np.zeros((len(uniq), gamma.shape[1]), dtype=np.int8)
    patterns[:, :] = NULL
    rest = uniq.copy()
    for k in reversed(range(len(cols))):
        patterns[:, cols[k]] = (rest % radix) - 1
        rest //= radix
    return patterns, counts.astype(float), inverse.reshape(-1)


def _em_patterns(
    patterns: np.ndarray,
    weight: np.ndarray,
    active: np.ndarray,
    u: list[np.ndarray],
    priors: list[np.ndarray],
    never: list[np.ndarray],
    settings: ModelSettings,
    learn: list[bool] | None = None,
) -> tuple[list[np.ndarray], float]:
    """EM over one session's pairs (u fixed), given as their distinct patterns of levels and
    how many pairs show each (each iteration costs as many steps as there are patterns, not
    pairs): m for the active comparisons and the session prior (``learn[j]`` False:
    comparison j's m stays its prior; it still weighs in the scores)."""
    learn = learn if learn is not None else [True] * len(priors)
    m = [x.copy() for x in priors]
    lam = 0.05
    alpha = settings.prior_strength
    total = weight.sum()
    act = np.flatnonzero(active)
    for _ in range(settings.max_iterations):
        score = np.full(len(patterns), logit2(lam))
        for j in act:
            g = patterns[:, j]
            w = np.log2(np.maximum(m[j], _EPS) / np.maximum(u[j], _EPS))
            w[never[j]] = NEVER
            has = g != NULL
            score[has] += w[g[has]]
        post = 1.0 / (1.0 + np.exp2(-np.clip(score, -1000, 1000)))
        pw = post * weight
        delta = 0.0
        for j in act:
            if not learn[j]:  # learn_m: false: its m priors stay as given
                continue
            g = patterns[:, j]
            has = g != NULL
            counts = np.bincount(g[has].astype(np.int64), weights=pw[has], minlength=len(m[j]))
            new = (counts + alpha * priors[j]) / (counts.sum() + alpha)
            new[never[j]] = 1e-6
            new = new / new.sum()
            delta = max(delta, float(np.abs(new - m[j]).max()))
            m[j] = new
        new_lam = float(np.clip(pw.sum() / total, 1e-6, 1 - 1e-6))
        delta = max(delta, abs(new_lam - lam))
        lam = new_lam
        if delta < settings.tolerance:
            break
    return m, lam


def _mixture(
    gamma: np.ndarray,
    m: list[np.ndarray],
    u: list[np.ndarray],
    never: list[np.ndarray],
    start: float,
    iterations: int = 500,
    grouped: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, float]:
    """Random pairs as a two-class mixture with m fixed: each pair's P(match) and the match share.

    EM on the distinct level patterns (few), so hundreds of iterations cost little; EM creeps
    here, so it gets them. It starts from a high share: from a low one, a u inflated by the
    matches in the sample explains them away and stays put. ``grouped``: :func:`_patterns_of`
    of the pairs (all comparisons active), when already made.
    """
    if not len(gamma):
        return np.zeros(0), start
    active = np.ones(gamma.shape[1], dtype=bool)
    patterns, counts, of_pair = _patterns_of(gamma, active) if grouped is None else grouped
    u = [x.copy() for x in u]
    share = max(start, 0.3)
    for _ in range(iterations):
        score = np.full(len(patterns), logit2(share))
        for j in range(gamma.shape[1]):
            g = patterns[:, j]
            has = g != NULL
            w = np.log2(np.maximum(m[j], _EPS) / np.maximum(u[j], _EPS))
            w[never[j]] = NEVER
            score[has] += w[g[has]]
        post = probability(score)
        new = float(np.clip((post * counts).sum() / counts.sum(), 1e-9, 0.5))
        for j in range(gamma.shape[1]):
            g = patterns[:, j]
            has = g != NULL
            c = np.bincount(
                g[has].astype(np.int64), weights=((1 - post) * counts)[has], minlength=len(u[j])
            )
            u[j] = (c + 0.5) / (c.sum() + 0.5 * len(c))
        done = abs(new - share) <= 1e-6 + 1e-4 * share
        share = new
        if done:
            break
    return post[of_pair], share  # back from patterns to pairs


def _pair_count(n: int, within: np.ndarray | None) -> float:
    """Pairs in the population: all pairs, or the pairs inside groups."""
    if within is None:
        return n * (n - 1) / 2
    sizes = np.bincount(within[within >= 0]).astype(float)
    return float((sizes * (sizes - 1) / 2).sum())


def _estimate_prior(model: Model, base: np.ndarray, n: int, total_pairs: float) -> float:
    """P(two random records match): the fixed point of lambda = sum of posteriors / all pairs.

    A prior of about one match per record, worth n pairs, keeps a small tracker (where the
    fixed point is unstable) from collapsing to zero; on large data it weighs nothing.
    """
    total_pairs = max(total_pairs, 1.0)
    lam = model.match_prior
    for _ in range(200):
        post = probability(logit2(lam) + base)
        new = float(np.clip((post.sum() + 1.0) / (total_pairs + n), 1e-12, 0.5))
        if abs(new - lam) <= 1e-6 * lam:
            return new
        lam = new
    return lam


def train(
    prepared: list[Prepared],
    n: int,
    candidates: Candidates,
    gamma: np.ndarray,
    blocking: tuple[BlockingRule, ...],
    settings: ModelSettings,
    rounds: int = 3,
    within: np.ndarray | None = None,
) -> Model:
    """Estimate u from random pairs, m by EM sessions per blocking rule, then the prior.

    Random pairs are mostly, not only, non-matches: where one entity holds a large share of the
    records (a key customer in every tracker), or inside one company (``within``: u is then
    measured on pairs inside one group, the population the candidates come from), agreement
    among random pairs is inflated by true matches. So after each fit of m the random pairs are
    treated as a two-class mixture with m fixed: their match share and u are refitted (each pair
    weighted by its posterior probability of being a non-match), for a few rounds.
    """
    comps = tuple(p.comparison for p in prepared)
    priors = [prior_m(c) for c in comps]
    never = [_never_mask(c) for c in comps]
    learn = [c.learn_m for c in comps]
    learn_mask = np.array(learn, dtype=bool)
    sample = random_sample(prepared, n, settings, within)
    total_pairs = _pair_count(n, within)
    u = estimate_u(prepared, sample, strength=settings.u_prior_strength)
    model = Model(
        comps, priors, u, min(0.5, n / max(2.0 * total_pairs, 1.0)), [False] * len(comps), 0
    )
    rng = np.random.default_rng(settings.seed + 1)
    sessions = []
    for r, rule in enumerate(blocking):
        in_rule = (
            np.flatnonzero((candidates.rules >> r) & 1)
            if len(candidates)
            else np.zeros(0, np.int64)
        )
        if len(in_rule) > settings.session_max_pairs:
            in_rule = np.sort(rng.choice(in_rule, settings.session_max_pairs, replace=False))
        active = np.array([not (c.columns & rule.columns) for c in comps])
        if len(in_rule) >= 2 and active.any():
            # a session's pairs and their patterns are the same every round: grouped once
            grouped = _patterns(gamma[in_rule], active) if settings.train else None
            sessions.append((active, grouped))
    # the random pairs' patterns (the same every round) and the candidates' patterns: without
    # term frequencies a pair's weights are its pattern's, so they are summed per pattern
    every = np.ones(len(comps), dtype=bool)
    sample_grouped = _patterns_of(sample.gamma, every) if len(sample.left) and rounds > 1 else None
    by_pattern = None
    one_code = (max((c.n_levels for c in comps), default=0) + 1.0) ** len(comps) < 2.0**62
    no_tf = not any(c.tf_adjust for c in comps)
    if len(candidates) and one_code and no_tf:
        cand_patterns, _, cand_of = _patterns_of(gamma, every)
        by_pattern = (cand_patterns, cand_of)
    for round_ in range(rounds):
        m_sum = [np.zeros_like(p) for p in priors]
        m_count = np.zeros(len(comps))
        if settings.train:
            for active, grouped in sessions:
                assert grouped is not None
                m_r, _ = _em_patterns(*grouped, active, u, priors, never, settings, learn)
                for j in np.flatnonzero(active & learn_mask):
                    m_sum[j] += m_r[j]
                    m_count[j] += 1
        m = [m_sum[j] / m_count[j] if m_count[j] else priors[j] for j in range(len(comps))]
        model = Model(
            comps,
            m,
            u,
            model.match_prior,
            [bool(c) for c in m_count],
            len(sessions) if settings.train else 0,
        )
        if settings.match_prior is not None:
            model.match_prior = settings.match_prior
        elif by_pattern is not None:
            # each pattern's sum made once: a pair's sum is its row's alone, the same floats
            base = model.weight_sums(by_pattern[0])[by_pattern[1]]
            model.match_prior = _estimate_prior(model, base, n, total_pairs)
        elif len(candidates):
            base = model.weight_sums(gamma, prepared, candidates.left)
            model.match_prior = _estimate_prior(model, base, n, total_pairs)
        if round_ == rounds - 1 or not len(sample.left):
            break
        post, share = _mixture(sample.gamma, m, u, never, model.match_prior, grouped=sample_grouped)
        u = estimate_u(prepared, sample, 1.0 - post, share, m, settings.u_prior_strength)
        model.u = u
    model.patterns = by_pattern
    return model
