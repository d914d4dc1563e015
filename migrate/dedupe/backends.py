"""The engines that make candidate pairs and their comparison levels: one interface, two engines.

In: an engine name, the records frame, the link settings and the prepared columns
(:func:`.compare.prepare`). Out: the candidate pairs (:class:`.blocking.Candidates`) and the
(pairs x comparisons) level matrix. ``default`` is numpy and rapidfuzz in this process
(:mod:`.blocking`, :mod:`.compare`); ``duckdb`` renders the same blocking rules and comparison
levels of dedupe.yaml to SQL (:mod:`.sql`) and runs them in an embedded DuckDB
(:mod:`.duckdb_engine`). Training, clustering and survivorship work on what either returns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import blocking, compare
from .compare import Prepared
from .settings import LinkSettings

ENGINES = ("default", "duckdb")


def check(engine: str) -> str:
    """The engine name, or ValueError for an unknown one."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    return engine


def pairs_and_levels(
    engine: str, frame: pd.DataFrame, settings: LinkSettings, prepared: list[Prepared]
) -> tuple[blocking.Candidates, np.ndarray]:
    """Candidate pairs from the blocking rules and the level each reaches on each comparison."""
    if check(engine) == "duckdb":
        from . import duckdb_engine

        con = duckdb_engine.connect()
        try:
            cand = duckdb_engine.candidate_pairs(
                con, frame, settings.blocking, settings.max_block_size
            )
            return cand, duckdb_engine.levels(con, prepared, cand.left, cand.right)
        finally:
            con.close()
    cand = blocking.candidate_pairs(frame, settings.blocking, settings.max_block_size)
    return cand, compare.levels(prepared, cand.left, cand.right)
