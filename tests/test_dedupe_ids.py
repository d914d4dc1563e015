"""dedupe.ids.unique_keys: repeated content keys told apart by their tie-break, then by number."""

from __future__ import annotations

import pandas as pd
import pytest

from migrate.dedupe.ids import unique_keys


@pytest.mark.parametrize(
    ("keys", "tiebreak", "expected"),
    [
        pytest.param(["a", "b"], ["x", "y"], ["a", "b"], id="distinct-as-they-are"),
        pytest.param(["a", "b", "a"], ["x", "y", "z"], ["a#x", "b", "a#z"], id="by-tiebreak"),
        pytest.param(
            ["a", "a", "b", "a"],
            ["x", "x", "y", "w"],
            ["a#x", "a#x#2", "b", "a#w"],
            id="same-tiebreak-numbered",
        ),
        pytest.param([1, 1], [2, 3], ["1#2", "1#3"], id="not-texts"),
    ],
)
def test_unique_keys(keys: list[object], tiebreak: list[object], expected: list[str]) -> None:
    out = unique_keys(pd.Series(keys, dtype=object), pd.Series(tiebreak, dtype=object))
    assert out.tolist() == expected
