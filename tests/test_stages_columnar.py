"""The stage checks and inference are columnar (issue 14): the order of their findings, values
repeated across rows and cells of several types give what a row-by-row reading would."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from migrate.dedupe.ids import cell_texts, content_digests, digest, row_digests
from migrate.stages import StageModel, check_stage_consistency, closed_evidence, load_stage_model
from migrate.stages.inference import ClosedEvidence

TODAY = date(2024, 6, 1)


@pytest.fixture(scope="module")
def model() -> StageModel:
    return load_stage_model()


def _deals(*rows: dict) -> pd.DataFrame:
    base = {"stage": "", "amount": np.nan, "close_date": "", "probability": np.nan}
    return pd.DataFrame(
        [
            {**base, "_source_file": "t.xlsx", "_source_sheet": "案件", "_source_row": i + 2, **r}
            for i, r in enumerate(rows)
        ]
    )


def test_findings_come_by_requirement_then_row_then_check(model: StageModel) -> None:
    deals = _deals(
        {"stage": "won", "probability": 100.0},  # no amount, no close date
        {"stage": "proposal", "close_date": "2024-07-01"},  # no amount
        {"stage": "won", "probability": 100.0},  # the same cells as row 2: the same findings
    )
    found = check_stage_consistency(deals, model, TODAY)
    assert list(zip(found["rule"], found["row"])) == [
        ("stages.amount-missing", 2),
        ("stages.amount-missing", 3),
        ("stages.amount-missing", 4),
        ("stages.close-date-missing", 2),
        ("stages.close-date-missing", 4),
    ]
    assert found["message"].iloc[0] == found["message"].iloc[2]
    assert found["row"].dtype == np.int64


def test_date_and_probability_checks_read_cells_of_any_type(model: StageModel) -> None:
    deals = _deals(
        {"stage": "won", "amount": 1.0, "close_date": date(2024, 12, 31), "probability": "80"},
        {"stage": "won", "amount": 1.0, "close_date": "2024-12-31 00:00:00", "probability": True},
        {"stage": "won", "amount": 1.0, "close_date": "soon", "probability": 100},
    )
    found = check_stage_consistency(deals, model, TODAY)
    rows = list(zip(found["rule"], found["row"], found["original"]))
    assert rows == [
        ("stages.won-close-date-in-future", 2, "2024-12-31"),
        ("stages.won-close-date-in-future", 3, "2024-12-31"),
        ("stages.won-probability-not-100", 2, "80"),  # a bool is no probability: row 3 passes
    ]
    assert "close_date 2024-12-31 is after today (2024-06-01)" in found["message"].iloc[0]
    assert "probability 80 is not between 100 and 100" in found["message"].iloc[2]
    # without a reference date only the date checks are skipped
    no_day = check_stage_consistency(deals, model, None)
    assert no_day["rule"].tolist() == ["stages.won-probability-not-100"]


def test_messages_made_per_distinct_value_read_as_each_row_would(model: StageModel) -> None:
    """Each finding's message names its own stage and value, though one message is made per
    distinct (stage, check, value): repeated dates, two stages, a blank stage."""
    deals = _deals(
        *(
            {"stage": stage, "updated_at": day, "close_date": day, "owner": "", "amount": 1.0}
            for stage in ("opportunity", "proposal", "")
            for day in ("2023-01-05", "2023-01-05", "2023-02-01", "2024-05-31")
        ),
        {"stage": "won", "amount": 1.0, "close_date": "2024-01-05", "owner": "山田"},
    )
    found = check_stage_consistency(deals, model, TODAY, stale_days=30)
    texts = {r.id: r.message.get("en") for r in model.requirements}
    stages = deals["stage"].to_numpy()[found["row"].to_numpy() - 2]
    for rule, message, shown, stage in zip(
        found["rule"], found["message"], found["original"], stages, strict=True
    ):
        said = f"stage '{stage}'" if stage else "no stage"
        assert message.startswith(f"{texts[rule]} ({said}: ")
        assert shown in message
    assert {"stages.stale", "stages.owner-missing"} <= set(found["rule"])


def test_row_numbers_of_an_integer_column_read_as_each_cell_would() -> None:
    from migrate.stages.checks import _number_or_none, _row_numbers

    rows = pd.Series([5, None, 7, 5], dtype="Int64")
    expect = [int(_number_or_none(v) or 0) for v in rows]
    assert _row_numbers(pd.DataFrame({"_source_row": rows})).tolist() == expect == [5, 0, 7, 5]
    mixed = pd.DataFrame({"_source_row": pd.Series([5, "7", None, 2.0], dtype=object)})
    assert _row_numbers(mixed).tolist() == [5, 7, 0, 2]
    assert _row_numbers(pd.DataFrame({"other": [1]})).tolist() == [0]


def test_closed_evidence_per_row(model: StageModel) -> None:
    records = pd.DataFrame(
        {
            "extra:受注フラグ": ["○", "", "○", None, "いいえ"],
            "extra:失注日": ["", "2024-01-05", "2024-01-05", np.nan, ""],
        }
    )
    assert closed_evidence(records, model.evidence) == [
        ClosedEvidence("won", "受注フラグ '○'"),
        ClosedEvidence("lost", "失注日 '2024-01-05'"),
        ClosedEvidence("", ""),  # both sides: no side
        ClosedEvidence("", ""),
        ClosedEvidence("", ""),  # a flag that is not truthy says nothing
    ]


def test_content_digests_read_every_cell_as_its_text() -> None:
    frame = pd.DataFrame(
        {
            "a": pd.Series(["x", None, "x"], dtype=object),
            "b": pd.Series([1, 1.5, True], dtype=object),
            "c": [np.nan, 2.0, 3.0],
        }
    )
    expected = [digest("\x1f".join(row), 16) for row in (["x", "1", ""], ["", "1.5", "2.0"])]
    expected.append(digest("x\x1fTrue\x1f3.0", 16))
    assert content_digests(frame, ["a", "b", "c"]).tolist() == expected
    assert content_digests(frame, []).tolist() == [digest("", 16)] * 3
    # the cells' texts made once serve a digest of any of their columns (dedupe's two passes)
    texts = cell_texts(frame, ["a", "b", "c"])
    assert row_digests(texts, ["a", "c"], 3).tolist() == content_digests(frame, ["a", "c"]).tolist()


def test_content_digests_of_a_name_two_columns_share_read_both() -> None:
    frame = pd.DataFrame([["x", "y", "z"], ["", "v", ""]], columns=["a", "a", "b"])
    expected = [digest("x\x1fy\x1fz", 16), digest("\x1fv\x1f", 16)]
    assert content_digests(frame, ["a", "b"]).tolist() == expected
    texts = cell_texts(frame, ["a", "b"])
    assert row_digests(texts, ["b", "a"], 2).tolist() == [
        digest("z\x1fx\x1fy", 16),
        digest("\x1f\x1fv", 16),
    ]
