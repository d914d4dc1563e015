"""Regenerate the golden import files that tests/test_e2e.py compares a fresh run against.

    python bench/regen_golden.py                 # every target (called by `make golden`)
    python bench/regen_golden.py --target hubspot

For each target profile (salesforce, hubspot, generic) this runs `sfa-migrate run sample_data
--target T` and copies the import CSVs named in rules/targets/T.yaml, rejects.csv and
crosswalk.csv into tests/golden/T/ (not the workbooks or the HTML: they are checked for
determinism, not pinned), and writes tests/golden/T/outputs.sha256: the sha256 of every other
file the run writes (report.json, report.html, findings.csv, records.csv ...; not the .xlsx
files, whose bytes depend on the writer library's version), so a change meant to be
behaviour-preserving (a speed-up) is shown to leave every output byte-identical.
Files in tests/golden/T/ that the run no longer writes are removed.
Review the change with `git diff tests/golden` before committing it.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
GOLDEN = ROOT / "tests" / "golden"
TARGETS = ("salesforce", "hubspot", "generic")
ALWAYS = ("rejects.csv", "crosswalk.csv")
MANIFEST = "outputs.sha256"


def manifest(out: Path) -> str:
    """``sha256  name`` per output file of a run (sorted by name), the .xlsx files left out."""
    lines = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
        for p in sorted(out.iterdir(), key=lambda p: p.name)
        if p.is_file() and p.suffix != ".xlsx" and not p.name.startswith(".")
    ]
    return "\n".join(lines) + "\n"


def golden_names(target: str, rules_dir: Path = ROOT / "rules") -> list[str]:
    """The files pinned for a target: its import CSVs (profile order), rejects, crosswalk."""
    profile = yaml.safe_load((rules_dir / "targets" / f"{target}.yaml").read_text("utf-8"))
    names = [str(f["name"]) for f in profile["files"] if str(f["name"]).endswith(".csv")]
    return names + [n for n in ALWAYS if n not in names]


def run_target(target: str, out: Path) -> int:
    """`sfa-migrate run sample_data --out OUT --target TARGET`; the exit code (0 or 1 is a run)."""
    cmd = [sys.executable, "-m", "migrate", "run", str(SAMPLE), "--out", str(out)]
    proc = subprocess.run(
        [*cmd, "--target", target], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{target}: sfa-migrate run failed with exit code {proc.returncode}")
    return proc.returncode


def regen(target: str) -> list[str]:
    """Run one target and replace tests/golden/<target>/ with its files; what changed."""
    dest = GOLDEN / target
    with tempfile.TemporaryDirectory(prefix=f"golden-{target}-") as tmp:
        out = Path(tmp) / "out"
        run_target(target, out)
        names = golden_names(target)
        missing = [n for n in names if not (out / n).is_file()]
        if missing:
            raise SystemExit(f"{target}: the run wrote no {', '.join(missing)}")
        dest.mkdir(parents=True, exist_ok=True)
        changed = []
        for old in sorted(dest.iterdir()):
            if old.name not in names and old.name != MANIFEST:
                old.unlink()
                changed.append(f"removed {old.name}")
        for name in names:
            new = (out / name).read_bytes()
            path = dest / name
            if not path.is_file():
                changed.append(f"added {name}")
            elif path.read_bytes() != new:
                changed.append(f"changed {name}")
            shutil.copyfile(out / name, path)
        sums, path = manifest(out), dest / MANIFEST
        if not path.is_file() or path.read_text("utf-8") != sums:
            changed.append(f"{'changed' if path.is_file() else 'added'} {MANIFEST}")
            path.write_text(sums, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", choices=TARGETS, action="append", help="default: all")
    args = parser.parse_args(argv)
    for target in args.target or TARGETS:
        changed = regen(target)
        rel = (GOLDEN / target).relative_to(ROOT)
        print(f"{rel}/: {'; '.join(changed) if changed else 'unchanged'}")
    print("review the change with `git diff --stat tests/golden` before committing it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
