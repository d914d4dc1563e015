"""Stage requirements checked on records or deals (rules/stages.yaml ``requirements``).

In: a frame whose ``stage`` column holds stage keys and the :class:`StageModel`. Out: a
findings frame, one finding per failed check, whose rule id is the requirement's id
(``stages.amount-missing``), pointing at the source cell.

Columnar: each check is a mask over the rows a requirement applies to, and every cell function
runs once per distinct value of its column (:mod:`migrate.columnar`); a million deals cost
what their distinct values cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .. import findings as fnd
from ..columnar import by_value, group_codes
from ..lead_lists import lead_not_deal
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


def _values(frame: pd.DataFrame, name: str, fn: Callable[[Any], Any]) -> np.ndarray:
    """``fn`` of every cell of a column (None for a missing column), once per distinct value."""
    if name not in frame.columns:
        return np.full(len(frame), fn(None), dtype=object)
    out = np.empty(len(frame), dtype=object)
    out[:] = by_value(frame[name], fn)
    return out


def where_columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """:func:`_where` of every row, as the ``file``, ``sheet`` and ``row`` columns of findings."""
    return {
        "file": _values(frame, SOURCE_FILE, cell_text),
        "sheet": _values(frame, SOURCE_SHEET, cell_text),
        "row": _row_numbers(frame),
    }


def _row_numbers(frame: pd.DataFrame) -> np.ndarray:
    """Each row's Excel row number, 0 where unknown. The reader's integer column is taken as
    it is: its numbers are all distinct, so asking per distinct value saves nothing there."""
    rows = frame.get(SOURCE_ROW)
    if rows is not None and pd.api.types.is_integer_dtype(rows.dtype):
        return rows.fillna(0).to_numpy(dtype=np.int64)
    return _values(frame, SOURCE_ROW, lambda v: int(_number_or_none(v) or 0))


def check_stage_consistency(
    deals: pd.DataFrame,
    model: StageModel,
    today: date | None,
    *,
    lang: str = "en",
    stale_days: int | None = None,
) -> pd.DataFrame:
    """Findings for deals whose fields break the stage requirements of the model.

    ``today`` is the run's reference date; without one the date checks are skipped. A
    ``not_stale`` check needs ``stale_days`` (rules/report.yaml) too. Findings
    come requirement by requirement, in row order, a row's failed checks in the order of
    :func:`_violations`.
    """
    if "stage" not in deals.columns or not len(deals):
        return fnd.empty()
    stage_col = _values(deals, "stage", cell_text)
    stage_codes, stages = pd.factorize(stage_col)  # a stage's requirements asked per stage
    # the rows of lead lists are people, not deals: 見送り on a lead needs no close date
    deal_rows = ~lead_not_deal(deals).to_numpy(dtype=bool)
    # where every deal stands, once: each requirement's findings take their rows' places
    where = where_columns(deals)
    sheets = group_codes(where["file"], where["sheet"])  # each deal's sheet as a number
    parts = []
    for req in model.requirements:
        applies = np.isin(stages, list(req.applies_to) + ([""] if req.no_stage else []))[
            stage_codes
        ]
        applies &= deal_rows
        for f in req.sheet_has:
            applies &= _sheet_has(deals, f, sheets)
        at = np.flatnonzero(applies)
        # only the fields the requirement reads are taken from the deals' many columns
        subset = deals[[f for f in req.fields if f in deals.columns]].iloc[at]
        checks = (
            [c for c in _violations(req, subset, today, stale_days) if c[1].any()]
            if len(subset)
            else []
        )
        if not checks:
            continue
        # row by row, each row's failed checks in order: a sort of (row, check)
        pos = np.concatenate([np.flatnonzero(mask) for _, mask, _, _ in checks])
        check = np.concatenate([np.full(int(c[1].sum()), i) for i, c in enumerate(checks)])
        order = np.lexsort((check, pos))
        pos, check = pos[order], check[order]
        original = np.concatenate([values[mask] for _, mask, values, _ in checks])[order]
        row = at[pos]
        stage = stage_col[row]
        # object columns: pandas 3 would copy the texts into Arrow columns, which the
        # findings frame turns back into objects
        parts.append(
            pd.DataFrame(
                {
                    "rule": req.id,
                    "severity": req.severity,
                    "message": _messages(req.message.get(lang), stage, check, original, checks),
                    "file": where["file"][row],
                    "sheet": where["sheet"][row],
                    "row": where["row"][row],
                    "field": np.array([c[0] for c in checks], dtype=object)[check],
                    "original": original,
                    "value": original,
                    "action": "kept",
                },
                dtype=object,
            )
        )
    return fnd.concat(parts)


def _messages(
    text: str,
    stage: np.ndarray,
    check: np.ndarray,
    shown: np.ndarray,
    checks: list[Check],
) -> np.ndarray:
    """Each finding's message from its stage, its check and the value it shows, made once per
    distinct three (40,000 stale deals at 100k rows show a few hundred dates)."""
    stages, stage_names = pd.factorize(stage)
    values, value_names = pd.factorize(shown)
    key = (check * len(value_names) + values) * len(stage_names) + stages
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    made = np.empty(len(first), dtype=object)
    made[:] = [
        f"{text} ({_stage_said(stage[i])}: {checks[check[i]][3](shown[i])})" for i in first.tolist()
    ]
    return made[inverse.ravel()]


# one check of a requirement: the field, the rows failing it, the value shown per row and the
# detail of the message made from that value
Check = tuple[str, np.ndarray, np.ndarray, Callable[[str], str]]


def _stage_said(stage: str) -> str:
    """How a finding's message names the deal's stage: "stage 'won'", or "no stage"."""
    return f"stage '{stage}'" if stage else "no stage"


def _sheet_has(deals: pd.DataFrame, field: str, sheet: np.ndarray) -> np.ndarray:
    """Rows of a sheet (``sheet``: each row's sheet as a number) where some deal fills
    ``field``."""
    filled = ~_values(deals, field, is_blank).astype(bool)
    having = np.zeros(int(sheet.max(initial=-1)) + 1, dtype=bool)
    having[sheet[filled]] = True
    return having[sheet]


def _violations(
    req: Requirement, rows: pd.DataFrame, today: date | None, stale_days: int | None = None
) -> Iterator[Check]:
    """Every check of one requirement over ``rows``, in the order their findings are listed."""
    blank = {
        f: _values(rows, f, is_blank).astype(bool) for f in (*req.require, *req.expect, *req.forbid)
    }
    for f in (*req.require, *req.expect):
        yield (
            f,
            blank[f],
            np.full(len(rows), "", dtype=object),
            _detail(f"{f} is empty", show=False),
        )
    for f in req.forbid:
        yield f, ~blank[f], _values(rows, f, cell_text), _detail(f"{f} should be empty", show=False)
    if today is not None:
        day = today.isoformat()
        for f, late in ((req.date_not_after_today, True), (req.date_not_before_today, False)):
            if not f:
                continue

            def off(value: object, late: bool = late) -> str:
                d = _date_or_none(value)
                return d.isoformat() if d is not None and (d > today if late else d < today) else ""

            shown = _values(rows, f, off)
            word = "after" if late else "before"
            yield f, shown != "", shown, _detail(f"{f} ", f" is {word} today ({day})")
        if req.not_stale and stale_days is not None:
            days, ref = stale_days, today

            def old(value: object) -> str:
                d = _date_or_none(value)
                return d.isoformat() if d is not None and (ref - d).days > days else ""

            f = req.not_stale
            shown = _values(rows, f, old)
            after = f" is more than {days} days before today ({day})"
            yield f, shown != "", shown, _detail(f"{f} ", after)
    for f in req.positive:

        def not_above_zero(value: object) -> str:
            n = _number_or_none(value)
            return f"{n:g}" if n is not None and n <= 0 else ""

        shown = _values(rows, f, not_above_zero)
        yield f, shown != "", shown, _detail(f"{f} ", " is not more than 0")
    if req.probability_between:
        lo, hi = req.probability_between

        def outside(value: object) -> str:
            p = _number_or_none(value)
            return f"{p:g}" if p is not None and not lo <= p <= hi else ""

        shown = _values(rows, "probability", outside)
        between = f" is not between {lo:g} and {hi:g}"
        yield "probability", shown != "", shown, _detail("probability ", between)


def _detail(before: str, after: str = "", *, show: bool = True) -> Callable[[str], str]:
    """The detail of a finding's message around the value shown (or without it)."""

    def detail(value: str) -> str:
        return before + value + after if show else before

    return detail
