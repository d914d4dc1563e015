"""Whether a run of this many rows is likely to fit in this machine's memory.

A run holds every record at once (the duplicates stage compares them all), so its peak memory
grows with the data rows. When the memory runs out, Linux does not raise MemoryError: the
kernel kills the process, and the user sees ``Killed`` after many minutes and no word of why.
So once the rows are read (the run knows how many), :func:`memory_warning` compares the peak
such a run reaches with the memory the machine has free, and the run says so in one line
before the long stages, while there is time to split the files.

The peak per row is measured, not guessed: ``bench/scale.py`` runs (synthetic trackers of 27
columns, ``--target generic``) peaked at 1.44 GB for 100k rows and 7.87 GB for 1M rows (as 5
CSV files), both on the same code and machine (bench/results/scale.md, seventh session), which
gives :data:`BASE_GB` and :data:`GB_PER_100K` (200k rows: 2.06 GB measured, 2.16 estimated).
The eighth session's code peaks a little lower (100k rows 1.40 GB, Excel's 1,047,797-row
sheet 7.81 GB against 8.21 estimated): the estimate errs on the side of warning.
"""

from __future__ import annotations

import os
import sys

#: the peak of a run beside its rows: BASE_GB + GB_PER_100K per 100,000 data rows
BASE_GB = 0.73
GB_PER_100K = 0.714


def estimated_peak_gb(rows: int) -> float:
    """The peak resident memory of a run over ``rows`` data rows, in GB."""
    return BASE_GB + GB_PER_100K * rows / 100_000


def available_memory_gb() -> float | None:
    """The memory this process could still take, in GB: what the system has free (Linux
    ``MemAvailable``, lowered to a container's limit when one is set) plus what the process
    already holds. None where the system does not say."""
    free = _linux_available()
    if free is None:
        return None
    held = _resident_gb() or 0.0
    limit = _cgroup_room()
    if limit is not None:
        free = min(free, limit)
    return free + held


def memory_warning(rows: int, available: float | None = None) -> str | None:
    """One line when a run over ``rows`` data rows is likely to need more memory than there
    is, else None."""
    available = available_memory_gb() if available is None else available
    need = estimated_peak_gb(rows)
    if available is None or need <= available:
        return None
    return (
        f"warning: {rows:,} data rows: a run of this size needs about {need:.0f} GB of memory "
        f"at its peak (about {GB_PER_100K:.1f} GB per 100,000 rows) and this machine has "
        f"{available:.0f} GB free; if the system stops the run (on Linux it is killed without a "
        "message), run the files in smaller groups, a region or a year at a time (README, "
        "Scaling)"
    )


def _linux_available() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024**2
    except (OSError, ValueError):
        return None
    return None


def _resident_gb() -> float | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024**3
    except (OSError, ValueError, IndexError):
        return None


def _cgroup_room() -> float | None:
    """What a container's memory limit leaves (cgroup v2 ``memory.max`` less
    ``memory.current``), or None without a limit."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as f:
            limit = f.read().strip()
        if limit == "max":
            return None
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as f:
            used = int(f.read().strip())
        return max(0.0, (int(limit) - used) / 1024**3)
    except (OSError, ValueError):
        return None


__all__ = ["available_memory_gb", "estimated_peak_gb", "memory_warning"]
