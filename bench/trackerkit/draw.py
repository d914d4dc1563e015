"""Weighted draws and habits: how often a team writes a value its house way or messes it up.

A habit is data (from a vocabulary file): either a mapping of choice -> weight, drawn with
`pick`, or `{house: CHOICE, mess: P, messes: {choice: weight, ...}}`: the house choice
unless one draw falls at or under P, then one of the messes. The draws are always made
in this order (the mess draw, then the pick), which keeps generated files stable.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any


def pick(rng: random.Random, weighted: Mapping[Any, float] | Sequence[tuple[Any, float]]) -> Any:
    """One choice drawn by weight, from a mapping or from (choice, weight) pairs."""
    if isinstance(weighted, Mapping):
        items = list(weighted)
        weights = [weighted[k] for k in items]
    else:
        items = [k for k, _ in weighted]
        weights = [w for _, w in weighted]
    return rng.choices(items, weights=weights, k=1)[0]


def habit(rng: random.Random, spec: Mapping[str, Any]) -> Any:
    """The house choice, or a mess now and then (see the module docstring for `spec`)."""
    if "house" not in spec:
        return pick(rng, spec)
    return spec["house"] if rng.random() > spec["mess"] else pick(rng, spec["messes"])


class Habits:
    """A team's habits by name, drawn from one random generator: `habits("email")`."""

    def __init__(self, rng: random.Random, specs: Mapping[str, Mapping[str, Any]]) -> None:
        self.rng = rng
        self.specs = specs

    def __call__(self, name: str) -> Any:
        return habit(self.rng, self.specs[name])
