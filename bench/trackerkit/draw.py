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
        problems = [p for name, spec in specs.items() for p in check_habit(name, spec)]
        if problems:
            raise ValueError("; ".join(problems))
        self.rng = rng
        self.specs = specs

    def __call__(self, name: str) -> Any:
        return habit(self.rng, self.specs[name])


def check_habit(name: str, spec: Any) -> list[str]:
    """What is wrong with a habit spec (empty when it is a weights mapping or house/mess/messes)."""
    if not isinstance(spec, Mapping) or not spec:
        return [f"habit {name!r}: expected a mapping, got {spec!r}"]
    if "house" in spec:
        problems = []
        if set(spec) != {"house", "mess", "messes"}:
            problems.append(f"habit {name!r}: keys {sorted(spec)}, expected house, mess, messes")
        mess = spec.get("mess")
        if not isinstance(mess, int | float) or not 0 <= mess <= 1:
            problems.append(f"habit {name!r}: mess {mess!r} is not a share 0..1")
        return problems + check_habit(f"{name}.messes", spec.get("messes"))
    bad = [k for k, w in spec.items() if not isinstance(w, int | float) or w < 0]
    return [f"habit {name!r}: weights of {bad} are not numbers >= 0"] if bad else []
