"""A forecast category column in a run (u26 item 6): read as the stage where a sheet has no
stage column, never beside one; and a deal rejected for an empty stage is told its stage is
empty, not that its word is unknown."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from migrate import pipeline

# GX answers from the failing-row mask (tests/conftest.py): the whole-pipeline GX runs are
# tests/test_e2e.py's
pytestmark = pytest.mark.usefixtures("gx_by_mask")

FIX = Path(__file__).parent / "fixtures"


def _stages(result: pipeline.RunResult) -> dict[str, str]:
    records = result.records
    return dict(zip(records["deal_name"], records["stage"].fillna(""), strict=True))


def test_a_forecast_category_is_the_stage_of_a_sheet_without_one(tmp_path: Path) -> None:
    src = FIX / "forecast-category-no-stage-column.csv"
    result = pipeline.run([str(src)], out=tmp_path / "out", target="salesforce")
    assert _stages(result) == {
        "WWI Subscription": "closing",  # Commit
        "WWI Renewal": "proposal",  # Best Case, guessed
        "BYA Platform": "opportunity",  # Pipeline
        "Coho Renewal": "",  # Omitted names no stage
        "Margie Upsell": "won",  # Closed
    }
    rules = result.findings["rule"].tolist()
    assert rules.count("stages.forecast-guessed") == 1
    assert rules.count("stages.forecast-no-stage") == 1
    opportunities = result.export.files["Opportunity.csv"]
    assert sorted(opportunities["StageName"]) == [
        "Closed Won", "Negotiation/Review", "Proposal/Price Quote", "Qualification"
    ]  # fmt: skip


def test_an_empty_stage_is_said_empty_in_the_rejects(tmp_path: Path) -> None:
    src = FIX / "forecast-category-no-stage-column.csv"
    pipeline.run([str(src)], out=tmp_path / "out", target="salesforce")
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str)
    assert len(rejects) == 1
    fix = rejects["fix"].iloc[0]
    assert fix.startswith("the stage is empty in the source row"), fix
    assert "do not know" not in fix


def test_an_unknown_word_is_named_in_the_rejects(tmp_path: Path) -> None:
    src = tmp_path / "words.csv"
    src.write_text(
        "Account,Deal,Stage,Amount,Close Date\n"
        "A Inc.,D1,様子見,100,2026-03-31\n"
        "B Inc.,D2,,100,2026-03-31\n",
        encoding="utf-8",
    )
    pipeline.run([str(src)], out=tmp_path / "out", target="hubspot")
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str)
    fixes = dict(zip(rejects["source_rows"], rejects["fix"], strict=True))
    assert fixes["words.csv||2"].startswith("the stage word '様子見' names no stage the rules know")
    assert fixes["words.csv||3"].startswith("the stage is empty in the source row")


def test_a_forecast_category_beside_a_stage_column_changes_nothing(tmp_path: Path) -> None:
    src = FIX / "forecast-category-beside-stage-column.csv"
    result = pipeline.run([str(src)], out=tmp_path / "out", target="generic")
    assert _stages(result) == {
        "WWI Subscription": "proposal",  # Closed beside it
        "BYA Platform": "opportunity",  # Commit beside it
        "Coho Renewal": "",  # a blank cell of a sheet with stages stays blank
    }
    rules = set(result.findings["rule"])
    assert not rules & {"stages.inferred", "stages.forecast-guessed", "stages.forecast-no-stage"}
