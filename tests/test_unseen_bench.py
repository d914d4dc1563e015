"""The unseen-tracker benchmark runs end to end on a small seed (figures, not thresholds)."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "unseen"


def _load(name: str):
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"unseen_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate = _load("generate")
    a = generate.generate(7, tmp_path / "a", deals=12)
    b = generate.generate(7, tmp_path / "b", deals=12)
    assert _digest(a) == _digest(b)
    assert (a / "truth" / "rows.csv").exists() and (a / "truth" / "deals.csv").exists()


@pytest.mark.slow  # the whole pipeline over a generated seed: the bench's harness, not the product
def test_evaluator_returns_fractions(tmp_path: Path) -> None:
    generate = _load("generate")
    evaluate = _load("evaluate")
    data = generate.generate(3, tmp_path / "data", deals=15)
    scores = evaluate.evaluate(data)
    for key in ("stage_final", "stage_row", "deal_f1", "company_f1", "contact_f1",
                "close_date", "amount"):  # fmt: skip
        assert 0.0 <= scores[key] <= 1.0, key
    assert scores["data_rows"] > 0
    assert 0 <= scores["data_rows_skipped"] + scores["data_rows_lost"] <= scores["data_rows"]
    assert "stage_words_wrong" in scores["errors"]
    assert evaluate.table({"seed3": scores}).startswith("| measure | seed3 |")
