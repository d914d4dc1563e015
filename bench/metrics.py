"""Pairwise precision, recall and F1 of a clustering against the true entities."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int


def _pairs(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise(predicted: np.ndarray, truth: np.ndarray) -> Score:
    """Pairwise P/R/F1: pairs of records put together by the prediction vs by the truth."""
    df = pd.DataFrame(
        {"p": pd.factorize(pd.Series(predicted))[0], "t": pd.factorize(pd.Series(truth))[0]}
    )
    tp = _pairs(df.groupby(["p", "t"]).size().to_numpy())
    pp = _pairs(df.groupby("p").size().to_numpy())
    tt = _pairs(df.groupby("t").size().to_numpy())
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, tt, pp)
