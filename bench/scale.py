"""The cost of a run against the cost of reading the file, from 10k rows to Excel's limit.

    python bench/scale.py                      # 10,000 / 100,000 rows
    python bench/scale.py 10000 100000 1048575 # up to Excel's maximum rows per sheet
    python bench/scale.py --csv 5000000        # several CSV files totalling 5M rows
    python bench/scale.py --many 200           # 100k rows as one CSV, then as 200 CSV files

For each size it writes one tracker .xlsx of synthetic rows (bench/synth.py: companies,
contacts and deals repeated across trackers with variants; 27 columns), cached under
``$SFA_BENCH_CACHE`` (default /tmp/sfa-bench), then measures in fresh processes, in the same
run: the bare read with fastexcel (calamine into Arrow, every cell of the sheet; a CSV: Arrow's
C++ reader, every column as text) and
``sfa-migrate run FILE --target generic --quiet --timings``. Peak memory is the child's
maximum resident set (``wait4``). Prints a Markdown table: rows, read s, run s, run / read,
peak GB of each, CPU seconds (user + system) of each and their ratio (steadier than wall time on a
shared machine), the stage shares from report.json, and the growth of seconds per row
against n log n between sizes (1.0 = n log n; below 1 grows slower). The goals of issue 14:
run <= 3x the read, 1,048,575 rows <= 60 s and <= 4 GB, 100k rows <= 8 s.
This machine is shared: read ratios measured in one run, not absolute seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CACHE = Path(os.environ.get("SFA_BENCH_CACHE", "/tmp/sfa-bench"))
SEED = 7

READ = """
import sys, fastexcel
for path in sys.argv[1:]:
    reader = fastexcel.read_excel(path)
    for name in reader.sheet_names:
        reader.load_sheet(name, header_row=None).to_arrow()
"""

# the bare read of a CSV: Arrow's C++ reader, every column as text (what the run's reader uses)
READ_CSV = """
import csv, sys, pyarrow as pa, pyarrow.csv as pc
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", newline="") as f:
        names = next(csv.reader(f))
    pc.read_csv(path, convert_options=pc.ConvertOptions(
        column_types={c: pa.string() for c in names}))
"""


def tracker_file(n: int, *, kind: str = "xlsx", parts: int = 1) -> list[Path]:
    """The synthetic tracker(s) of about ``n`` rows (made once, then cached)."""
    import synth

    CACHE.mkdir(parents=True, exist_ok=True)
    part = "" if parts == 1 else f"of{parts}"  # one file and the parts of many never share a name
    names = [CACHE / f"trackers_{n}_{SEED}_{i}{part}.{kind}" for i in range(parts)]
    if all(p.exists() for p in names):
        return names
    frame = synth.trackers(n, seed=SEED)
    cols = [c for c in frame.columns if not c.startswith(("_", "truth_"))]
    frame = frame[cols].iloc[:n] if kind == "xlsx" else frame[cols]
    size = math.ceil(len(frame) / parts)
    for i, path in enumerate(names):
        part = frame.iloc[i * size : (i + 1) * size]
        tmp = path.with_suffix(".tmp")
        if kind == "csv":
            part.to_csv(tmp, index=False)
        else:
            _write_xlsx(part, tmp)
        tmp.replace(path)
    return names


def _write_xlsx(frame, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("deals")
    ws.write_row(0, 0, list(frame.columns))
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        ws.write_row(r, 0, ["" if v is None else v for v in row])
    wb.close()


def measure(cmd: list[str]) -> tuple[float, float, int, float]:
    took, gb, code, cpu, _ = measure_with_stderr(cmd)
    return took, gb, code, cpu


def measure_with_stderr(cmd: list[str]) -> tuple[float, float, int, float, str]:
    """Wall seconds, peak resident GB, exit code and CPU seconds (user + system) of one child
    process. On a shared machine the CPU seconds are the steadier figure: wall time includes
    the time other processes held the cores."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = ""
    if proc.stderr is not None:  # read to its end first: a child never blocks on a full pipe
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.stderr.write(err[-2000:])
    cpu = usage.ru_utime + usage.ru_stime
    return took, usage.ru_maxrss / 1024 / 1024, code, cpu, err  # ru_maxrss: KiB on Linux


def run_one(paths: list[Path], work: Path) -> dict[str, object]:
    rows = 0
    read_s = read_gb = read_cpu = 0.0
    # all files of a kind in one process, as the run reads them (not a process start per file)
    for script, kind in ((READ, ".xlsx"), (READ_CSV, ".csv")):
        some = [str(p) for p in paths if p.suffix == kind]
        if some:
            s, gb, _, cpu = measure([sys.executable, "-c", script, *some])
            read_s, read_gb, read_cpu = read_s + s, max(read_gb, gb), read_cpu + cpu
    out = work / "out"
    cmd = [sys.executable, "-m", "migrate", "run", *map(str, paths), "--out", str(out)]
    cmd += ["--target", "generic", "--quiet", "--timings", "--force"]
    run_s, run_gb, code, run_cpu, err = measure_with_stderr(cmd)
    written = out / "report.json"
    report = json.loads(written.read_text(encoding="utf-8")) if written.exists() else {}
    # the run summary's stage times include the write stage (report.json is written before it)
    shares = _summary_shares(err) or report.get("timings", {}).get("shares", {})
    rows = int(report["rows"]["data"]) if report else sum(_data_rows(p) for p in paths)
    return {
        "rows": rows,
        "files": len(paths),
        "kind": paths[0].suffix.lstrip("."),
        "read_s": read_s,
        "read_gb": read_gb,
        "run_s": run_s,
        "run_gb": run_gb,
        "read_cpu": read_cpu,
        "run_cpu": run_cpu,
        "exit": code,
        "shares": shares,
        "peaks": report.get("timings", {}).get("peak_rise_gb", {}),
    }


def _summary_shares(stderr: str) -> dict[str, float]:
    """Each stage's share of the run from the summary line the CLI prints ('stage times: read
    0.8 s (5%), ..., write 3.0 s (20%); total 14.7 s')."""
    line = next((ln for ln in stderr.splitlines() if ln.startswith("stage times: ")), "")
    found = re.findall(r"(\w+) ([\d.]+) s \(\d+%\)", line.split(";")[0])
    seconds = {name: float(s) for name, s in found}
    total = sum(seconds.values())
    return {name: s / total for name, s in seconds.items()} if total else {}


def _data_rows(path: Path) -> int:
    """The rows of a tracker whose run wrote no report (it failed): its cached frame's length."""
    name = path.name.split("_")
    parts = name[-1].split(".")[0].partition("of")[2]
    return int(name[1]) // int(parts or 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("rows", nargs="*", type=int, help="xlsx sizes (default: 10000 100000)")
    ap.add_argument("--csv", type=int, metavar="ROWS", help="also N rows as 5 CSV files")
    ap.add_argument(
        "--many",
        type=int,
        metavar="FILES",
        help="also 100k rows as one CSV and as FILES CSV files (a team's folder of trackers): "
        "what each file costs beyond its rows",
    )
    ns = ap.parse_args(argv)
    if not ns.rows and not (ns.csv or ns.many):
        ns.rows = [10_000, 100_000]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in ns.rows:
            results.append(run_one(tracker_file(n), Path(tmp)))
            _print_row(results[-1], header=len(results) == 1)
        if ns.csv:
            results.append(run_one(tracker_file(ns.csv, kind="csv", parts=5), Path(tmp)))
            _print_row(results[-1], header=not ns.rows)
        if ns.many:
            one = run_one(tracker_file(100_000, kind="csv"), Path(tmp))
            _print_row(one, header=not results)
            many = run_one(tracker_file(100_000, kind="csv", parts=ns.many), Path(tmp))
            _print_row(many, header=False)
            print(
                f"\n100k rows in {ns.many} files cost {float(many['run_cpu']) / float(one['run_cpu']):.2f}x "  # type: ignore[arg-type]
                "the CPU seconds of the same rows in one file"
            )
    xlsx = [r for r in results if r["files"] == 1 and r["kind"] == "xlsx"]
    for a, b in zip(xlsx, xlsx[1:]):
        na, nb = float(a["rows"]), float(b["rows"])  # type: ignore[arg-type]
        per_a = float(a["run_s"]) / (na * math.log(na))  # type: ignore[arg-type]
        per_b = float(b["run_s"]) / (nb * math.log(nb))  # type: ignore[arg-type]
        print(
            f"\n{na:,.0f} -> {nb:,.0f} rows: seconds per n log n grew {per_b / per_a:.2f}x "
            "(1.0 = n log n, below 1 = better)"
        )
    return 0


def _print_row(r: dict[str, object], *, header: bool) -> None:
    if header:
        print(
            "| rows | files | read s | run s | run / read | read cpu s | run cpu s | cpu ratio "
            "| read peak GB | run peak GB | stage shares | peak GB raised by stage |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    read_s, run_s = float(r["read_s"]), float(r["run_s"])  # type: ignore[arg-type]
    read_cpu, run_cpu = float(r["read_cpu"]), float(r["run_cpu"])  # type: ignore[arg-type]
    ratio = f"{run_s / read_s:.1f}" if read_s else "-"
    cpu_ratio = f"{run_cpu / read_cpu:.1f}" if read_cpu else "-"
    shares = ", ".join(f"{k} {v:.0%}" for k, v in dict(r["shares"]).items())  # type: ignore[call-overload]
    peaks = ", ".join(f"{k} +{v:.2f}" for k, v in dict(r["peaks"]).items() if v >= 0.005)  # type: ignore[call-overload]
    if r["exit"] not in (0, 1):  # 1: the run finished with rejected records
        shares = f"failed (exit {r['exit']})"
    print(
        f"| {int(r['rows']):,} | {r['files']} | {read_s:.1f} | {run_s:.1f} | {ratio} | "  # type: ignore[call-overload]
        f"{read_cpu:.1f} | {run_cpu:.1f} | {cpu_ratio} | "
        f"{float(r['read_gb']):.2f} | {float(r['run_gb']):.2f} | {shares} | {peaks} |",  # type: ignore[arg-type]
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
