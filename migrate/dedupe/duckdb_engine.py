"""The DuckDB engine: candidate pairs and their comparison levels computed by SQL.

In: the records frame, the settings' blocking rules and comparisons, the prepared columns of
:func:`.compare.prepare` (each distinct value factorised once). Out: the same
:class:`~.blocking.Candidates` and the same (pairs x comparisons) level matrix as the default
engine (:mod:`.blocking`, :mod:`.compare`), so training, clustering and survivorship downstream
do not know which engine ran. The SQL comes from :mod:`.sql`; DuckDB is embedded (no server).

Outside SQL: the similarity scores no SQL engine has (rapidfuzz ratio, partial_ratio,
token_*_ratio, jaro, jaro_winkler) are computed on the table of *distinct value pairs* with
rapidfuzz ``process.cpdist`` (vectorised, in C) and joined back as ``score<j>``; levenshtein
and damerau_levenshtein are DuckDB's own (they count characters, as rapidfuzz does). A
comparison with a test :mod:`.sql` cannot render is scored by the default engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import compare, sql
from .blocking import Candidates, _explode
from .compare import NULL, Prepared, _scorer
from .settings import SIMILARITY_TESTS, BlockingRule


def available() -> bool:
    """True when the duckdb package is installed."""
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def connect() -> Any:
    """An in-memory DuckDB connection."""
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "--engine duckdb needs the duckdb package: pip install 'sfa-migrate[scale]'"
        ) from exc
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")  # never DuckDB's bar on stdout
    return con


def _column_table(values: pd.Series) -> pd.DataFrame:
    """(rec, value) rows of one column as the default blocking sees it: strings, no empties."""
    df = _explode(values)
    v = df["value"]
    df = df[v.notna().to_numpy() & (v != "").to_numpy()]
    return pd.DataFrame(
        {"rec": df["rec"].to_numpy(dtype=np.int64), "value": df["value"].astype(str).to_numpy()}
    )


def candidate_pairs(
    con: Any, frame: pd.DataFrame, rules: tuple[BlockingRule, ...], max_block_size: int = 1000
) -> Candidates:
    """All distinct pairs that agree on at least one blocking key, by SQL."""
    empty = np.zeros(0, dtype=np.int64)
    loaded: set[str] = set()
    queries: list[str] = []
    skipped: list[tuple[str, str, int]] = []
    for bit, rule in enumerate(rules):
        if any(p.column not in frame.columns for p in rule.parts):
            continue
        for part in rule.parts:
            if part.column not in loaded:
                col = _column_table(frame[part.column])
                _put(
                    con,
                    "_col",
                    {k: col[k].to_numpy(dtype=object if k == "value" else None) for k in col},
                )
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {sql.table_of(part.column)} AS SELECT * FROM _col"
                )
                loaded.add(part.column)
        for row in con.execute(sql.skipped_sql(rule, max_block_size)).fetchall():
            skipped.append((rule.label, " & ".join(str(v) for v in row[:-1]), int(row[-1])))
        queries.append(sql.rule_pairs_sql(rule, bit, rule.max_block or max_block_size))
    if not queries:
        return Candidates(empty, empty, empty, skipped)
    got = con.execute(sql.candidates_sql(queries)).fetchnumpy()
    return Candidates(
        np.asarray(got["l"], dtype=np.int64),
        np.asarray(got["r"], dtype=np.int64),
        np.asarray(got["mask"], dtype=np.int64),
        skipped,
    )


def _put(con: Any, name: str, columns: dict[str, np.ndarray]) -> None:
    """A temp table from numpy columns (through Arrow: strings are not re-inferred by pandas)."""
    import pyarrow as pa

    arrays = {
        k: pa.array(v, type=pa.string()) if v.dtype == object else pa.array(v)
        for k, v in columns.items()
    }
    table = pa.table(arrays)  # noqa: F841 - DuckDB reads the local by name
    con.register(f"_{name}", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _{name}")
    con.unregister(f"_{name}")


def _load_text(con: Any, p: Prepared, j: int) -> None:
    n = len(p.ptr) - 1
    lens = np.diff(p.ptr)
    _put(con, f"t{j}", {"rec": np.repeat(np.arange(n, dtype=np.int64), lens), "code": p.elems})
    _put(con, f"_s{j}", {"code": np.arange(len(p.strings), dtype=np.int64), "s": p.strings})
    # each distinct value's script once
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE str{j} AS SELECT code, s, "
        f"regexp_matches(s, {sql.quote(sql.JAPANESE)}) AS ja FROM _s{j}"
    )


def _load_aux(con: Any, p: Prepared, j: int, n: int) -> None:
    same, cross = sql.aux_args(p.comparison)
    if not same and not cross:
        return
    cols: dict[str, np.ndarray] = {"rec": np.arange(n, dtype=np.int64)}
    for k, arg in enumerate(same):
        cols[f"s{k}"] = p.others[arg]
    for k, arg in enumerate(cross):
        cols[f"ct{k}"], cols[f"co{k}"] = p.cross[arg]
    _put(con, f"aux{j}", cols)


def _scores(con: Any, p: Prepared, j: int) -> None:
    """score<j>: every distinct pair of different values with the rapidfuzz scores it needs."""
    from rapidfuzz import process

    comp = p.comparison
    vp = con.execute(sql.value_pairs_sql(comp, j)).fetchnumpy()
    lo = np.asarray(vp["lo"], dtype=np.int64)
    hi = np.asarray(vp["hi"], dtype=np.int64)
    a = p.strings[lo]
    b = p.strings[hi]
    table: dict[str, np.ndarray] = {"lo": lo, "hi": hi}
    # score only the pairs no earlier rapidfuzz level decided (as the default engine does)
    decided = np.zeros(len(lo), dtype=bool)
    done: set[str] = set()
    for lv in comp.levels:
        t = lv.test
        if t in sql.PYTHON_TESTS and t not in done:
            scorer, factor = _scorer(t)
            args = [x.arg for x in comp.levels if x.test == t]
            # not scored: decided earlier; -inf, never NaN (DuckDB orders NaN above all)
            out = np.full(len(lo), -np.inf)
            need = ~decided
            if need.any():
                sc = process.cpdist(
                    a[need], b[need], scorer=scorer, score_cutoff=min(args) / factor, workers=-1
                )
                out[need] = np.asarray(sc, dtype=float) * factor
            table[t] = out
            done.add(t)
        if t in done and t in SIMILARITY_TESTS:
            decided |= table[t] >= lv.arg - 1e-9
    _put(con, f"score{j}", table)


def levels(con: Any, prepared: list[Prepared], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The (pairs x comparisons) matrix of levels, -1 where a side is empty, by SQL."""
    m = len(left)
    gamma = np.full((m, len(prepared)), NULL, dtype=np.int8)
    if not m:
        return gamma
    _put(
        con,
        "pairs",
        {
            "i": np.arange(m, dtype=np.int64),
            "l": np.asarray(left, np.int64),
            "r": np.asarray(right, np.int64),
        },
    )
    for j, p in enumerate(prepared):
        comp = p.comparison
        if not sql.supported(comp):  # a test sql.py does not know yet: the default engine
            gamma[:, j] = compare.levels([p], np.asarray(left), np.asarray(right))[:, 0]
            continue
        n = len(p.ptr) - 1 if p.values is None else len(p.values)
        _load_aux(con, p, j, n)
        if comp.kind == "text":
            _load_text(con, p, j)
            if sql.needs_scores(comp):
                _scores(con, p, j)
            query = sql.text_levels_sql(comp, j)
        else:
            assert p.values is not None
            ok = ~np.isnan(p.values)
            _put(
                con,
                f"x{j}",
                {"rec": np.flatnonzero(ok).astype(np.int64), "x": p.values[ok]},
            )
            query = sql.number_levels_sql(comp, j)
        got = con.execute(query).fetchnumpy()
        gamma[np.asarray(got["i"], dtype=np.int64), j] = np.asarray(got["level"], dtype=np.int8)
    return gamma
