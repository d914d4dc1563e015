"""Score the pipeline's merge of the sample trackers against the hand-made truth.

    python bench/sample_truth.py out/demo/records.csv
    python bench/sample_truth.py out/demo/records.csv --truth sample_data/truth/entities.csv
    python bench/sample_truth.py --dedupe sample_data   # run the pipeline here (an audit)

``--dedupe DIR`` runs the pipeline in this process on the trackers in DIR (``target=None``:
every stage, nothing written) and scores the ids it gives the rows.

The truth file (sample_data/truth/entities.csv) has one row per source row: source_file,
source_sheet, source_row, company_entity, contact_entity, deal_entity (empty where the row has
no such entity). The records file is the pipeline's records.csv (or any table with
_source_file, _source_sheet, _source_row, company_id, contact_id, deal_id). Prints pairwise
precision / recall / F1 per entity over the rows the truth gives that entity, and the rows the
records file lacks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import metrics  # noqa: E402

ENTITIES = (
    ("company", "company_entity", "company_id"),
    ("contact", "contact_entity", "contact_id"),
    ("deal", "deal_entity", "deal_id"),
)
KEY = ["source_file", "source_sheet", "source_row"]


def _read(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(path, dtype=str).fillna("")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def score(records: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Pairwise P/R/F1 per entity: one row per entity."""
    rec = records.rename(
        columns={
            "_source_file": "source_file",
            "_source_sheet": "source_sheet",
            "_source_row": "source_row",
        }
    )
    for frame in (rec, truth):
        for c in KEY:
            frame[c] = frame[c].astype(str).str.strip()
        frame["source_row"] = frame["source_row"].str.replace(r"\.0$", "", regex=True)
    merged = truth.merge(
        rec[KEY + [c for _, _, c in ENTITIES if c in rec.columns]],
        on=KEY,
        how="left",
        indicator=True,
    )
    rows = []
    for name, truth_col, pred_col in ENTITIES:
        part = merged[merged[truth_col].astype(str) != ""]
        if pred_col not in part.columns:
            continue
        pred = part[pred_col].fillna("").astype(str)
        # a row the pipeline gave no id is an entity of its own
        pred = pred.where(pred != "", "unmatched:" + part.index.astype(str))
        sc = metrics.pairwise(pred.to_numpy(), part[truth_col].astype(str).to_numpy())
        rows.append(
            {
                "entity": name,
                "rows": len(part),
                "true_pairs": sc.true_pairs,
                "predicted_pairs": sc.predicted_pairs,
                "precision": round(sc.precision, 4),
                "recall": round(sc.recall, 4),
                "f1": round(sc.f1, 4),
                "rows_missing": int((part["_merge"] == "left_only").sum()),
            }
        )
    return pd.DataFrame(rows)


def dedupe_sources(folder: Path) -> pd.DataFrame:
    """The records of the trackers in ``folder`` as the pipeline leaves them (an audit run:
    every stage up to the report, the header units and currencies included, nothing written)."""
    from migrate import pipeline

    suffixes = (".xlsx", ".xlsm", ".xls", ".csv", ".tsv")
    paths = sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in suffixes)
    return pipeline.run(paths, target=None).records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("records", type=Path, nargs="?", help="the pipeline's records.csv")
    parser.add_argument(
        "--truth", type=Path, default=HERE.parent / "sample_data" / "truth" / "entities.csv"
    )
    parser.add_argument(
        "--dedupe", type=Path, metavar="DIR", help="read, normalise and dedupe the trackers in DIR"
    )
    args = parser.parse_args(argv)
    if (args.records is None) == (args.dedupe is None):
        parser.error("give either a records file or --dedupe DIR")
    for p in (args.records, args.truth):
        if p is not None and not p.is_file():
            print(f"{p}: not found", file=sys.stderr)
            return 2
    records = dedupe_sources(args.dedupe) if args.dedupe else _read(args.records)
    table = score(records, _read(args.truth))
    print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
