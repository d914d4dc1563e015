"""Every notebook under notebooks/ runs top to bottom against the current API (nbclient), and is
kept in git without outputs.

Each notebook is its own test (a fresh kernel, working folder notebooks/, outputs into a temporary
folder the notebook makes); under ``pytest -n auto --dist loadfile`` this file runs on one worker
while the others go on, so the slow kernels do not hold up the suite.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

# the notebooks run end to end in a kernel: `make test-slow` (CI runs it; README "Tests")
pytestmark = pytest.mark.slow

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_the_notebooks_are_there() -> None:
    assert [p.name for p in ALL] == ["01_walkthrough.ipynb", "02_custom_stage_model.ipynb"]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_outputs_are_stripped_and_the_code_imports_migrate(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, "strip the outputs"
    imports = set()
    for cell in code:
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.ImportFrom) and node.module:
                imports.add(node.module.split(".")[0])
    assert "migrate" in imports  # the library is what the notebook shows


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_the_notebook_runs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # a failing cell raises CellExecutionError with its traceback
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert last.outputs, "the last cell shows a result"
