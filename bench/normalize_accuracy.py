"""Share of cells normalised right, per field, against a hand-written truth of values.

    python bench/normalize_accuracy.py bench/fresh/data bench/fresh/data/truth_values.csv
    python bench/normalize_accuracy.py sample_data sample_data/truth/values.csv --misses 20

Runs the pipeline as an audit (ingest, columns, normalize, ...) in this process on the files
in DIR and compares every truth cell (file, sheet, row, field -> expected) with the value the
row has in the records. Amounts and probabilities compare as numbers; text compares exactly,
except that a space between two Japanese characters of a person's name is ignored (山田 太郎
and 山田太郎 are the same name written two ways; which one a team prefers is a style choice).
A truth cell whose row was not read as data counts as a miss ("row not read").
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from migrate import pipeline  # noqa: E402

NUMERIC = {"amount", "probability", "lead_score"}
PERSON = {"contact_name", "owner"}
_CJK_SPACE = re.compile(
    r"(?<=[\u3040-\u30ff\u3400-\u9fff])[ \u3000]+(?=[\u3040-\u30ff\u3400-\u9fff])"
)


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def same(field: str, got: object, expected: str) -> bool:
    g, e = _text(got).strip(), _text(expected).strip()
    if field in NUMERIC:
        if not g or not e:
            return g == e
        try:
            return math.isclose(float(g), float(e), rel_tol=1e-9, abs_tol=1e-9)
        except ValueError:
            return False
    if field in PERSON:
        return _CJK_SPACE.sub("", g) == _CJK_SPACE.sub("", e)
    return g == e


def measure(data: Path, truth_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    truth = truth.rename(
        columns={"source_file": "file", "source_sheet": "sheet", "source_row": "row"}
    )
    files = sorted(str(p) for p in data.iterdir() if p.is_file() and p.name != truth_path.name)
    result = pipeline.run(files, target=None)
    rec = result.records
    index = {
        (str(f), str(s), int(r)): i
        for i, (f, s, r) in enumerate(
            zip(rec["_source_file"], rec["_source_sheet"], rec["_source_row"])
        )
    }
    got, ok = [], []
    for f, s, r, field, exp in truth[["file", "sheet", "row", "field", "expected"]].itertuples(
        index=False
    ):
        i = index.get((f, s, int(r)))
        if i is None:
            got.append("(row not read)")
            ok.append(False)
            continue
        value = rec[field].iat[i] if field in rec.columns else ""
        got.append(_text(value))
        ok.append(same(field, value, exp))
    truth = truth.assign(got=got, ok=ok)
    summary = (
        truth.groupby("field")["ok"]
        .agg(cells="size", right="sum")
        .assign(share=lambda d: (d["right"] / d["cells"]).round(4))
        .reset_index()
    )
    total = pd.DataFrame(
        [{"field": "ALL", "cells": len(truth), "right": int(truth["ok"].sum())}]
    ).assign(share=lambda d: (d["right"] / d["cells"]).round(4))
    return pd.concat([summary, total], ignore_index=True), truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("truth", type=Path)
    ap.add_argument("--misses", type=int, default=0, help="show this many misses per field")
    args = ap.parse_args()
    summary, cells = measure(args.data, args.truth)
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(summary.to_string(index=False))
        if args.misses:
            bad = cells[~cells["ok"]]
            for field, group in bad.groupby("field"):
                print(f"\n-- {field}: {len(group)} misses")
                print(
                    group[["file", "row", "raw", "expected", "got"]]
                    .head(args.misses)
                    .to_string(index=False)
                )


if __name__ == "__main__":
    main()
