"""migrate.findings: Finding objects and frames made one findings frame."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from migrate import findings as fnd


def _found(n: int) -> list[fnd.Finding]:
    return [
        fnd.Finding(
            rule=f"normalize.rule-{i % 3}",
            severity=("info", "warning", "error")[i % 3],
            message=f"message {i}",
            file="a.xlsx",
            sheet=f"sheet {i % 2}",
            row=i,
            field="stage",
            original=f"o{i}",
            action="changed",
        )
        for i in range(n)
    ]


def test_to_frame_is_the_frame_of_the_findings_as_dicts() -> None:
    found = _found(50)
    got = fnd.to_frame(found)
    want = fnd._conform(pd.DataFrame([asdict(f) for f in found]))
    pd.testing.assert_frame_equal(got, want)
    assert list(got.columns) == fnd.FINDING_COLUMNS
    assert got["row"].dtype == "int64" and (got.dtypes.drop("row") == "object").all()


def test_a_repeated_text_is_one_object_per_distinct_value() -> None:
    frame = fnd.concat([_found(60)])
    for column in ("rule", "severity", "sheet", "field", "action"):
        cells = frame[column].tolist()
        assert len({id(c) for c in cells}) == len(set(cells)), column
    assert frame["message"].tolist() == [f"message {i}" for i in range(60)]
