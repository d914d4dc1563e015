"""Check that every tracker generator still writes the committed files, byte for byte.

Runs bench/fresh/generate.py, sample_data/generate.py and bench/holdout/generate.py into a
temporary folder and compares the sha256 of every file they write with the committed copy
(the golden tests, truth files and benchmarks depend on those exact bytes), and hashes the
rows of bench/synth.py at three sizes against their recorded digests. Prints one line per
file; exit code 1 when anything differs. Run it after changing trackerkit or a vocabulary:

    .venv/bin/python bench/trackerkit/check.py
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"

# generator, committed folder, the files it writes (relative to both folders)
GENERATORS = [
    ("bench/fresh/generate.py", "bench/fresh/data", ["*.xlsx", "*.xls", "*.csv"]),
    ("sample_data/generate.py", "sample_data", ["*.xlsx", "*.csv", "truth/*"]),
    ("bench/holdout/generate.py", "bench/holdout", ["truth.json", "data/*"]),
]
# synth.trackers(n, seed).to_csv(index=False): sha256 when the rows were last changed on purpose
SYNTH = {
    (600, 7): "613196bb020ff19b580ba8d1ce69a48e88c9310d9d3056f6b6b8379d420b35a5",
    (5000, 7): "6abdc66e28143674c9487024d43693e879fde7275ada065b8b748ccbca13b2de",
    (3000, 11): "d3dca93459989a0abad3b1b1db8233a676550b52d8616a91b8ec7c12a9f2bdfb",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    """Regenerate into a temporary folder and compare; 0 when every file is identical."""
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for script, committed, patterns in GENERATORS:
            out = Path(tmp) / script.replace("/", "_")
            subprocess.run(
                [sys.executable, str(ROOT / script), str(out)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            names = sorted(
                {p.relative_to(base) for base in (out, ROOT / committed) for pat in patterns
                 for p in base.glob(pat)}
            )  # fmt: skip
            for name in names:
                old, new = ROOT / committed / name, out / name
                same = old.exists() and new.exists() and digest(old) == digest(new)
                bad += not same
                print(f"{'same   ' if same else 'DIFFERS'} {committed}/{name}")
    sys.path.insert(0, str(BENCH))
    import synth

    for (n, seed), want in SYNTH.items():
        got = hashlib.sha256(synth.trackers(n, seed).to_csv(index=False).encode()).hexdigest()
        bad += got != want
        print(f"{'same   ' if got == want else 'DIFFERS'} synth.trackers({n}, seed={seed})")
    print("all byte-identical" if not bad else f"{bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
