"""The package installs as a wheel and runs from any folder with the rules it ships (issue 12).

The wheel is built from this checkout and installed, without its dependencies, into a folder
of its own; the run happens in an empty working folder, so neither the checkout's ``migrate/``
nor its top-level ``rules/`` can be what is used. ``make test-wheel`` does the same in a
fresh virtual environment with every dependency installed from the wheel's metadata.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        pytest.fail(f"the wheel did not build:\n{build.stderr[-2000:]}")
    wheel = next(tmp.glob("sfa_migrate-*.whl"))
    site = tmp / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
    )
    return site


def _python(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("SFA_MIGRATE_RULES", None)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_wheel_runs_the_demo_from_another_folder(installed: Path, tmp_path: Path):
    where = _python(
        installed,
        tmp_path,
        "-c",
        "import migrate, migrate.rules as r; print(migrate.__file__); print(r.DEFAULT_RULES_DIR)",
    )
    module, rules = where.stdout.split()
    assert module.startswith(str(installed)) and rules.startswith(str(installed))
    assert (Path(rules) / "stages.yaml").is_file() and (
        Path(rules) / "targets" / "salesforce.yaml"
    ).is_file()
    res = _python(
        installed,
        tmp_path,
        "-m",
        "migrate",
        "run",
        str(ROOT / "sample_data"),
        "--out",
        "o",
        "--target",
        "salesforce",
    )
    assert res.returncode in (0, 1), res.stderr[-2000:]
    assert (tmp_path / "o" / "Opportunity.csv").is_file() and (
        tmp_path / "o" / "report.html"
    ).is_file()


def test_rules_init_writes_an_editable_copy_that_runs(installed: Path, tmp_path: Path):
    res = _python(installed, tmp_path, "-m", "migrate", "rules", "init", "my-rules")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "my-rules" / "targets" / "hubspot.yaml").is_file()
    tracker = str(ROOT / "tests" / "fixtures" / "header-on-row-4.xlsx")
    res = _python(installed, tmp_path, "-m", "migrate", "inspect", tracker, "--rules", "my-rules")
    assert res.returncode == 0, res.stderr
    # a broken copy is caught with the file and the key
    cols = tmp_path / "my-rules" / "columns.yaml"
    cols.write_text(cols.read_text("utf-8").replace("kind: columns", "kind: column"), "utf-8")
    res = _python(installed, tmp_path, "-m", "migrate", "--rules", "my-rules", "inspect", tracker)
    assert res.returncode == 2 and "columns.yaml" in res.stderr and "kind" in res.stderr
