"""Stage requirements checked on records or deals (rules/stages.yaml ``requirements``).

In: a frame whose ``stage`` column holds stage keys and the :class:`StageModel`. Out: a
findings frame, one finding per failed check, whose rule id is the requirement's id
(``stages.amount-missing``), pointing at the source cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from .. import findings as fnd
from ..schema import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, cell_text, is_blank
from .model import Requirement, StageModel


def _number_or_none(value: object) -> float | None:
    if is_blank(value) or isinstance(value, bool):
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _date_or_none(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if is_blank(value):
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype="object")


def _where(row: pd.Series) -> dict[str, Any]:
    return {
        "file": cell_text(row.get(SOURCE_FILE)),
        "sheet": cell_text(row.get(SOURCE_SHEET)),
        "row": int(_number_or_none(row.get(SOURCE_ROW)) or 0),
    }


def check_stage_consistency(
    deals: pd.DataFrame, model: StageModel, today: date | None, *, lang: str = "en"
) -> pd.DataFrame:
    """Findings for deals whose fields break the stage requirements of the model.

    ``today`` is the run's reference date; without one the date checks are skipped.
    """
    out: list[fnd.Finding] = []
    if "stage" not in deals.columns or not len(deals):
        return fnd.empty()
    stage_col = deals["stage"].map(cell_text)
    for req in model.requirements:
        subset = deals[stage_col.isin(req.applies_to)]
        for _, row in subset.iterrows():
            stage = cell_text(row.get("stage"))
            for name, original, detail in _violations(req, row, today):
                out.append(
                    fnd.Finding(
                        rule=req.id,
                        severity=req.severity,
                        message=f"{req.message.get(lang)} (stage '{stage}': {detail})",
                        field=name,
                        original=original,
                        value=original,
                        action="kept",
                        **_where(row),
                    )
                )
    return fnd.to_frame(out)


def _violations(
    req: Requirement, row: pd.Series, today: date | None
) -> Iterable[tuple[str, str, str]]:
    """(field, value, detail) for every check of one requirement the row fails."""
    for f in req.require:
        if is_blank(row.get(f)):
            yield f, "", f"{f} is empty"
    for f in req.forbid:
        if not is_blank(row.get(f)):
            yield f, cell_text(row.get(f)), f"{f} should be empty"
    if req.date_not_after_today and today is not None:
        f = req.date_not_after_today
        d = _date_or_none(row.get(f))
        if d is not None and d > today:
            yield f, d.isoformat(), f"{f} {d.isoformat()} is after today ({today.isoformat()})"
    if req.date_not_before_today and today is not None:
        f = req.date_not_before_today
        d = _date_or_none(row.get(f))
        if d is not None and d < today:
            yield f, d.isoformat(), f"{f} {d.isoformat()} is before today ({today.isoformat()})"
    if req.probability_between:
        p = _number_or_none(row.get("probability"))
        lo, hi = req.probability_between
        if p is not None and not lo <= p <= hi:
            yield "probability", f"{p:g}", f"probability {p:g} is not between {lo:g} and {hi:g}"
