"""A pandas stand-in for Great Expectations' answers, for tests where GX is not what is tested.

GX costs about half a second per suite (25-30 ms per expectation), however small the frame, so
a test that builds import files of three rows spends most of its time in GX. The rows a reject
names are already decided by ``migrate.validate.gx.failing_mask`` (the condition GX evaluates;
tests/test_validate_gx.py keeps the two equal for every check kind, with nulls, row conditions
and odd values); GX adds only the success flag, the count of failing rows and a bounded sample
of them. :func:`validate_by_mask` answers those from the mask, in the shape of
``migrate.validate.gx._validate``, so a test keeps every assertion and every product code path
but GX itself. tests/test_validate_gx.py checks that it answers what GX answers.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from migrate.validate.gx import SAMPLE, failing_mask


def validate_by_mask(
    frame: pd.DataFrame, plan: list[tuple[Any, str]], name: str, fmt: str
) -> list[Any]:
    """``migrate.validate.gx._validate`` answered from ``failing_mask``: per (check, column),
    GX's success, ``unexpected_count`` and sample (``COMPLETE``: every failing row)."""
    out = []
    for check, column in plan:
        if check.kind == "exists" or column not in frame.columns:
            # what GX says of a missing column: a failure, without rows or a count
            out.append(SimpleNamespace(success=column in frame.columns, result={}))
            continue
        rows = [int(i) for i in np.flatnonzero(failing_mask(frame, check, column))]
        result: dict[str, Any] = {
            "unexpected_count": len(rows),
            "partial_unexpected_index_list": rows[:SAMPLE],
        }
        if fmt == "COMPLETE":
            result["unexpected_index_list"] = rows
        out.append(SimpleNamespace(success=not rows, result=result))
    return out
