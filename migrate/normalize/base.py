"""Building blocks shared by the normalisers: issues, outcomes, the on-error policy, distinct values.

A value normaliser takes one raw cell value and returns an :class:`Outcome`: the canonical value,
the :class:`Issue` objects worth reporting, and a ``failure`` when the value could not be read.
Value normalisers are pure and know nothing of the on-error policy; the column functions apply
it with :func:`settle`. Columns are normalised once per distinct value (:func:`distinct`), which
is what makes trackers of hundreds of thousands of rows fast: their values repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import numpy as np
import pandas as pd

from ..findings import Severity

Action = Literal["changed", "kept", "blanked", "rejected", "none"]
#: How an issue is reported: ``cell`` always one finding per cell; ``reformat`` (same value,
#: canonical spelling) and ``mapping`` (dictionary translation) follow ``findings.reformats`` /
#: ``findings.mappings`` of rules/normalize.yaml.
Level = Literal["cell", "reformat", "mapping"]
Policy = Literal["keep", "blank", "reject"]
POLICIES: tuple[str, ...] = ("keep", "blank", "reject")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Issue:
    """Something worth telling the user about one value: a finding without its cell."""

    rule: str
    message: str
    value: str = ""
    severity: Severity = "info"
    action: Action = "changed"
    level: Level = "cell"


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What a value normaliser made of one raw value."""

    value: T
    issues: tuple[Issue, ...] = ()
    failure: Issue | None = None


def reformat(rule: str, value: object) -> Issue:
    """The issue recording a re-spelling of the same value in its canonical form."""
    return Issue(rule, "re-spelled in the canonical form", str(value), level="reformat")


def settle(
    failure: Issue, policy: Policy, severity: Severity, kept: Any, blank: Any
) -> tuple[Any, Issue]:
    """Apply the on-error policy to a failure: the value to write and the issue to report."""
    if policy == "keep":
        return kept, Issue(failure.rule, failure.message, str(kept), severity, "kept")
    if policy == "reject":
        return blank, Issue(failure.rule, failure.message, "", "error", "rejected")
    return blank, Issue(failure.rule, failure.message, "", severity, "blanked")


def distinct(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes per row and the distinct raw values of a column (NaN/None share one code).

    Python's ``True == 1 == 1.0`` would merge a boolean cell with the number 1, so booleans
    are turned into the text an Excel user sees (TRUE/FALSE) before the values are grouped.
    """
    values = series.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if any(_bool_like(u) for u in uniques):
        values = values.copy()
        mask = np.fromiter((isinstance(v, (bool, np.bool_)) for v in values), bool, len(values))
        if mask.any():
            values[mask] = ["TRUE" if v else "FALSE" for v in values[mask]]
            codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), list(uniques)


def _bool_like(v: object) -> bool:
    if isinstance(v, (bool, np.bool_)):
        return True
    return isinstance(v, (int, float)) and v in (0, 1)


def take(values: list[Any], codes: np.ndarray) -> np.ndarray:
    """Per-row object array from per-code values."""
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):  # element-wise: tuples must not become a 2-D array
        arr[i] = v
    return arr[codes] if len(codes) else np.empty(0, dtype=object)


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False
