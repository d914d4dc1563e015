"""The dedupe stage on both engines: default (numpy, rapidfuzz) against duckdb (SQL).

    python bench/engines.py                 # 10,000 and 100,000 synthetic tracker rows
    python bench/engines.py 10000 100000 --out bench/results/engines.md

For each size and engine, in a fresh process: ``find_duplicates`` on bench/synth.py tracker
rows (companies, contacts and deals repeated across trackers with variants), the whole stage's
seconds, the seconds spent making and scoring candidate pairs (the part the engine replaces),
the number of candidate pairs, the peak resident memory of the process, the pairwise F1
against the synthetic truth, and whether the duckdb clusters (company, contact and deal ids
of every row) are the default's. This machine is shared: compare engines within one run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import hashlib, json, resource, sys, time
sys.path.insert(0, {here!r})
import numpy as np
import metrics, synth
from migrate.dedupe import backends, find_duplicates

n, engine = int(sys.argv[1]), sys.argv[2]
df = synth.trackers(n)
records = df.drop(columns=["truth_company", "truth_contact", "truth_deal"])
spent = {{"pairs": 0.0, "candidates": 0}}
inner = backends.pairs_and_levels

def timed(*a, **k):
    t = time.perf_counter()
    cand, gamma = inner(*a, **k)
    spent["pairs"] += time.perf_counter() - t
    spent["candidates"] += len(cand)
    return cand, gamma

backends.pairs_and_levels = timed
t = time.perf_counter()
result = find_duplicates(records, engine=engine)
seconds = time.perf_counter() - t
out = result.records
ids = out[["company_id", "contact_id", "deal_id"]].astype(str).agg("|".join, axis=1)
f1 = [
    metrics.pairwise(out[c].to_numpy(), df[t].to_numpy()).f1
    for c, t in (("company_id", "truth_company"), ("contact_id", "truth_contact"),
                 ("deal_id", "truth_deal"))
]
print(json.dumps({{
    "rows": len(df), "engine": engine, "seconds": seconds, "pairs_seconds": spent["pairs"],
    "candidates": spent["candidates"], "f1": f1,
    "ids": hashlib.sha256("\\n".join(ids).encode()).hexdigest(),
    "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2,
}}))
"""


def measure(n: int, engine: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD.format(here=str(HERE)), str(n), engine],
        capture_output=True,
        text=True,
        check=True,
    )
    last = [x for x in proc.stdout.splitlines() if x.startswith("{")][-1]
    return dict(json.loads(last))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--out", help="also write the table to this Markdown file")
    args = parser.parse_args(argv)
    lines = [
        "## Dedupe engines: find_duplicates on synthetic tracker rows",
        "",
        "| rows | engine | stage s | pairs + levels s | candidate pairs | peak GB | "
        "company F1 | contact F1 | deal F1 | same clusters |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    print("\n".join(lines), flush=True)
    for n in args.sizes:
        base: dict[str, object] | None = None
        for engine in ("default", "duckdb"):
            r = measure(n, engine)
            base = base or r
            f1 = r["f1"]
            assert isinstance(f1, list)
            lines.append(
                f"| {r['rows']:,} | {engine} | {r['seconds']:.1f} | {r['pairs_seconds']:.1f} | "
                f"{r['candidates']:,} | {r['peak_gb']:.2f} | {f1[0]:.4f} | {f1[1]:.4f} | "
                f"{f1[2]:.4f} | {'yes' if r['ids'] == base['ids'] else 'NO'} |"
            )
            print(lines[-1], flush=True)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
