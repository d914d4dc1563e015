"""How the whole run grows with rows: time per stage at a few sizes, as ratios of one run.

    python bench/pipeline_scale.py                 # 5,000 / 10,000 / 20,000 rows
    python bench/pipeline_scale.py 10000 40000     # other sizes

Writes synthetic tracker rows (bench/synth.py: companies, contacts and deals repeated across
trackers with variants) to a CSV, runs ``pipeline.run(..., target="salesforce", out=...)`` and
reports wall time per stage from a profile of the run. The figure that matters is seconds per
1,000 rows staying flat as rows grow (linear, not quadratic); absolute seconds depend on this
shared machine.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import synth  # noqa: E402

from migrate import pipeline  # noqa: E402

STAGES = {
    "ingest": "read_sources",
    "normalize": "normalize_records",
    "dedupe": "find_duplicates",
    "export+validate": "build_import_files",
    "report sections": "extend_report",
    "report files": "write_reports",
}


def _cumtime(stats: pstats.Stats, name: str) -> float:
    return sum(
        v[3]
        for k, v in stats.stats.items()  # type: ignore[attr-defined]
        if k[2] == name and "/migrate/" in k[0]
    )


def measure(n: int, work: Path) -> dict[str, float]:
    frame = synth.trackers(n)
    cols = [c for c in frame.columns if not c.startswith(("_", "truth_"))]
    src = work / f"trackers_{n}.csv"
    frame[cols].to_csv(src, index=False)
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    result = pipeline.run([str(src)], target="salesforce", out=work / f"out_{n}")
    prof.disable()
    total = time.perf_counter() - start
    stats = pstats.Stats(prof)
    row = {"rows": float(len(result.records)), "total": total}
    row.update({stage: _cumtime(stats, fn) for stage, fn in STAGES.items()})
    return row


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [5000, 10000, 20000]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(n, Path(tmp)) for n in sizes]
    heads = ["rows", "total s", "s per 1k rows", *STAGES]
    print("| " + " | ".join(heads) + " |")
    print("|" + "---:|" * len(heads))
    for r in rows:
        per_k = r["total"] / r["rows"] * 1000
        cells = [f"{r['rows']:,.0f}", f"{r['total']:.1f}", f"{per_k:.2f}"]
        cells += [f"{r[s]:.1f}" for s in STAGES]
        print("| " + " | ".join(cells) + " |")
    first, last = rows[0], rows[-1]
    growth = (last["total"] / last["rows"]) / (first["total"] / first["rows"])
    print(
        f"\nseconds per row at {last['rows']:,.0f} rows / at {first['rows']:,.0f} rows: "
        f"{growth:.2f} (1.0 = linear)"
    )


if __name__ == "__main__":
    main()
