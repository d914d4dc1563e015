"""Stage times of a run, and the hook that shows progress while it runs.

In: the stage names the pipeline passes as it goes (``read``, ``normalise``, ``duplicates``,
...). Out: a :class:`StageClock` whose ``times`` are the wall seconds of each stage, in order,
and which tells an optional listener when a stage starts and ends (the CLI prints a line per
stage on a terminal). The library itself prints nothing. Times vary from run to run, so they
go to the run summary, and into report.json only when asked for (``timings=True``): the outputs
of a run are otherwise byte-identical for the same inputs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: ``listener(stage, seconds)``: seconds is None when the stage starts, its time when it ends.
StageListener = Callable[[str, "float | None"], None]


class StageClock:
    """Times the stages of one run and reports them to a listener."""

    def __init__(self, listener: StageListener | None = None) -> None:
        self.listener = listener
        self.times: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name`` (a stage entered twice adds up)."""
        if self.listener is not None:
            self.listener(name, None)
        start = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - start
            self.times[name] = self.times.get(name, 0.0) + took
            if self.listener is not None:
                self.listener(name, took)

    def total(self) -> float:
        return sum(self.times.values())

    def shares(self) -> dict[str, float]:
        """Each stage's share of the total, rounded to 3 decimals."""
        total = self.total() or 1.0
        return {k: round(v / total, 3) for k, v in self.times.items()}

    def to_json(self) -> dict[str, object]:
        return {
            "seconds": {k: round(v, 3) for k, v in self.times.items()},
            "total_seconds": round(self.total(), 3),
            "shares": self.shares(),
        }


__all__ = ["StageClock", "StageListener"]
