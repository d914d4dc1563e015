"""Stage times of a run, and the hook that shows progress while it runs.

In: the stage names the pipeline passes as it goes (``read``, ``normalise``, ``duplicates``,
...). Out: a :class:`StageClock` whose ``times`` are the wall seconds of each stage, in order
(``cpu`` the CPU seconds, ``rises`` how far each stage raised the process's peak memory), and
which tells an optional listener when a stage starts and ends (the CLI prints a line per stage
on a terminal). The library itself prints nothing. Times vary from run to run, so they
go to the run summary, and into report.json only when asked for (``timings=True``): the outputs
of a run are otherwise byte-identical for the same inputs.

Within a stage, code deep down says what it is doing with :func:`step` ("file 2 of 5:
east.csv", "companies", "quality.xlsx") without being handed the clock: the clock of the
stage that runs is found through a context variable, and a listener with a ``step`` method
hears the text (the CLI shows it beside the stage and its running seconds). Outside a stage,
or with a listener that has no ``step``, :func:`step` does nothing. A stage that raises (an
error, Ctrl-C) is still timed; a listener with a ``stopped(stage, seconds)`` method hears that
instead of the end.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: ``listener(stage, seconds)``: seconds is None when the stage starts, its time when it ends.
StageListener = Callable[[str, "float | None"], None]

#: the clock whose stage is running (what :func:`step` reports to)
_RUNNING: ContextVar[StageClock | None] = ContextVar("sfa_migrate_running_clock", default=None)


def step(detail: str) -> None:
    """Say what the running stage is doing now (shown on a terminal; no effect otherwise)."""
    clock = _RUNNING.get()
    if clock is not None and clock.on_step is not None:
        clock.on_step(detail)


class StageClock:
    """Times the stages of one run and reports them to a listener."""

    def __init__(self, listener: StageListener | None = None) -> None:
        self.listener = listener
        #: hears :func:`step` texts: the listener's ``step`` method, when it has one
        self.on_step: Callable[[str], None] | None = getattr(listener, "step", None)
        self.times: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.rises: dict[str, float] = {}  # GB the stage raised the process's peak memory by
        self.peak: float | None = None  # GB, the process's peak memory when the last stage ended

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name`` (a stage entered twice adds up)."""
        if self.listener is not None:
            self.listener(name, None)
        start = time.perf_counter()
        start_cpu = time.process_time()
        peak_before = peak_memory_gb()
        token = _RUNNING.set(self)
        failed = True
        try:
            yield
            failed = False
        finally:
            _RUNNING.reset(token)
            took = time.perf_counter() - start
            self.times[name] = self.times.get(name, 0.0) + took
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - start_cpu
            peak = peak_memory_gb()
            if peak is not None and peak_before is not None:
                self.rises[name] = self.rises.get(name, 0.0) + peak - peak_before
                self.peak = peak
            stopped = getattr(self.listener, "stopped", None) if failed else None
            if stopped is not None:
                stopped(name, took)
            elif self.listener is not None:
                self.listener(name, took)

    def total(self) -> float:
        return sum(self.times.values())

    def shares(self) -> dict[str, float]:
        """Each stage's share of the total, rounded to 3 decimals."""
        total = self.total() or 1.0
        return {k: round(v / total, 3) for k, v in self.times.items()}

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "seconds": {k: round(v, 3) for k, v in self.times.items()},
            "total_seconds": round(self.total(), 3),
            "shares": self.shares(),
            "cpu_seconds": {k: round(v, 3) for k, v in self.cpu.items()},
        }
        if self.peak is not None:
            out["peak_gb"] = round(self.peak, 3)
            out["peak_rise_gb"] = {k: round(v, 3) for k, v in self.rises.items()}
        return out


def peak_memory_gb() -> float | None:
    """The process's peak resident memory so far, in GB (None where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return peak / 1024**3 if sys.platform == "darwin" else peak / 1024**2


__all__ = ["StageClock", "StageListener", "peak_memory_gb", "step"]
