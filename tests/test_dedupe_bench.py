"""The dedupe benchmark's own pieces: pairwise scores, truth scoring, per-set rules."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import metrics  # noqa: E402
import sample_truth  # noqa: E402
import set_rules  # noqa: E402
import synth  # noqa: E402

from migrate.dedupe import find_duplicates, link_settings  # noqa: E402


def test_pairwise_scores() -> None:
    truth = np.array([1, 1, 1, 2, 2, 3])
    assert metrics.pairwise(truth, truth).f1 == 1.0
    split = metrics.pairwise(
        np.array([1, 1, 9, 2, 2, 3]), truth
    )  # one of three pairs of entity 1 found
    assert (split.precision, split.true_pairs, split.predicted_pairs) == (1.0, 4, 2)
    assert split.recall == pytest.approx(0.5)
    lumped = metrics.pairwise(np.ones(6), truth)
    assert lumped.recall == 1.0 and lumped.precision == pytest.approx(4 / 15)


@pytest.mark.parametrize("name", ["patstat", "chicago", "febrl3", "febrl3 names+addr"])
def test_benchmark_rules_are_valid_settings(name: str) -> None:
    settings = link_settings(set_rules.for_dataset(name), f"bench:{name}")
    assert settings.blocking and settings.comparisons


def test_sample_truth_scores_the_pipeline_records() -> None:
    truth = pd.DataFrame(
        {
            "source_file": ["a.xlsx"] * 4,
            "source_sheet": ["S"] * 4,
            "source_row": ["2", "3", "4", "5"],
            "company_entity": ["c1", "c1", "c2", "c2"],
            "contact_entity": ["p1", "p1", "", "p2"],
            "deal_entity": ["d1", "d2", "d3", ""],
        }
    )
    records = pd.DataFrame(
        {
            "_source_file": ["a.xlsx"] * 4,
            "_source_sheet": ["S"] * 4,
            "_source_row": [2, 3, 4, 5],
            "company_id": ["C-1", "C-1", "C-2", "C-3"],
            "contact_id": ["P-1", "P-1", "", "P-2"],
            "deal_id": ["D-1", "D-2", "D-3", ""],
        }
    )
    table = sample_truth.score(records, truth).set_index("entity")
    assert table.loc["company", "precision"] == 1.0 and table.loc["company", "recall"] == 0.5
    assert table.loc["contact", "f1"] == 1.0
    assert table.loc["deal", "true_pairs"] == 0


@pytest.mark.slow  # dedupe over 600 synthetic rows: the scale bench's generator, not the product
def test_synthetic_trackers_are_deterministic_and_mergeable() -> None:
    df = synth.trackers(600)
    assert df.equals(synth.trackers(600))
    result = find_duplicates(df.drop(columns=["truth_company", "truth_contact", "truth_deal"]))
    for col, truth in (("company_id", "truth_company"), ("deal_id", "truth_deal")):
        assert metrics.pairwise(result.records[col].to_numpy(), df[truth].to_numpy()).f1 > 0.9
