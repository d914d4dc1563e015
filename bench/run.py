"""Dedupe benchmark: accuracy against peers on public data, and speed at scale.

    python bench/run.py                  # everything (called by `make bench`)
    python bench/run.py --sets febrl1 patstat --no-scale
    python bench/run.py --no-splink --scale 25000,50000

Part 1: pairwise precision / recall / F1 and wall time of this project's engine and of Splink
(DuckDB) on the sets in shared/benchmarks/er and Febrl 1-4 (also with date of birth and social
security id withheld), both clustering at match probability 0.9. Part 2: find_duplicates on
synthetic tracker rows (bench/synth.py) at several sizes, time per 1k rows, and the pairwise F1
of companies, contacts and deals against the generator's truth. Part 3: the sample trackers
(sample_data/) read, normalised and deduped, scored against sample_data/truth/entities.csv.
The markdown goes to stdout and to bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import datasets  # noqa: E402
import metrics  # noqa: E402
import peers  # noqa: E402
import set_rules  # noqa: E402


def accuracy(names: list[str] | None, splink: bool) -> list[str]:
    lines = [
        "## Accuracy and speed vs Splink",
        "",
        f"Both engines cluster at match probability {peers.THRESHOLD}; time is wall time of training, scoring and clustering.",
        "",
        "| data set | records | true pairs | engine | precision | recall | F1 | time (s) |",
        "|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for load in datasets.all_sets():
        ds = load()
        if names and not any(ds.name == n or ds.name.startswith(n + " ") for n in names):
            continue
        runs = [("sfa-migrate", lambda ds=ds: peers.run_ours(ds, set_rules.for_dataset(ds.name)))]
        if splink:
            runs.append(("splink", lambda ds=ds: peers.run_splink(ds)))
        for engine, fn in runs:
            result = fn()
            sc = metrics.pairwise(result.labels, ds.truth)
            lines.append(
                f"| {ds.name} | {len(ds.records):,} | {sc.true_pairs:,} | {engine} | {sc.precision:.4f} | {sc.recall:.4f} | "
                f"**{sc.f1:.4f}** | {result.seconds:.2f} |"
                if engine == "sfa-migrate"
                else f"| | | | {engine} | {sc.precision:.4f} | {sc.recall:.4f} | {sc.f1:.4f} | {result.seconds:.2f} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    return lines


def scale(sizes: list[int]) -> list[str]:
    import synth

    from migrate.dedupe import find_duplicates

    lines = [
        "## Scale: find_duplicates on synthetic tracker rows",
        "",
        "| rows | time (s) | s per 1k rows | company F1 | contact F1 | deal F1 | review pairs |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        df = synth.trackers(n)
        records = df.drop(columns=["truth_company", "truth_contact", "truth_deal"])
        t = time.perf_counter()
        result = find_duplicates(records)
        seconds = time.perf_counter() - t
        out = result.records
        f1 = [
            metrics.pairwise(out[col].to_numpy(), df[truth].to_numpy()).f1
            for col, truth in (
                ("company_id", "truth_company"),
                ("contact_id", "truth_contact"),
                ("deal_id", "truth_deal"),
            )
        ]
        lines.append(
            f"| {len(df):,} | {seconds:.1f} | {seconds / len(df) * 1000:.3f} | {f1[0]:.4f} | {f1[1]:.4f} | {f1[2]:.4f} | {len(result.review):,} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
    return lines


def sample(folder: Path) -> list[str]:
    import sample_truth

    truth = folder / "truth" / "entities.csv"
    if not truth.is_file():
        return []
    t = time.perf_counter()
    try:
        records = sample_truth.dedupe_sources(folder)
    except ImportError as exc:  # the stages before dedupe are not there yet
        return ["## Sample trackers", "", f"skipped: {exc}", ""]
    seconds = time.perf_counter() - t
    table = sample_truth.score(records, sample_truth._read(truth))
    lines = [
        "## Sample trackers (sample_data/) against their truth",
        "",
        f"ingest + normalize + find_duplicates: {seconds:.1f} s for {len(records):,} rows",
        "",
        "| entity | rows | true pairs | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in table.itertuples(index=False):
        lines.append(
            f"| {r.entity} | {r.rows:,} | {r.true_pairs:,} | {r.precision:.4f} | {r.recall:.4f} | {r.f1:.4f} |"
        )
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", nargs="*", help="data set names (default: all)")
    parser.add_argument("--no-splink", action="store_true", help="skip the Splink runs")
    parser.add_argument("--no-accuracy", action="store_true", help="skip part 1")
    parser.add_argument("--no-scale", action="store_true", help="skip part 2")
    parser.add_argument("--no-sample", action="store_true", help="skip part 3")
    parser.add_argument(
        "--scale", default="25000,50000,100000,200000", help="row counts for part 2"
    )
    parser.add_argument("--out", default=str(HERE / "results" / "latest.md"))
    args = parser.parse_args(argv)
    import os

    lines = [
        "# Dedupe benchmark",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}, Python {platform.python_version()}, {os.cpu_count()} CPU(s), {platform.machine()}",
        "",
    ]
    if not args.no_accuracy:
        lines += accuracy(args.sets, not args.no_splink) + [""]
    if not args.no_scale:
        lines += scale([int(x) for x in args.scale.split(",") if x]) + [""]
    if not args.no_sample:
        lines += sample(HERE.parent / "sample_data")
    text = "\n".join(lines)
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
