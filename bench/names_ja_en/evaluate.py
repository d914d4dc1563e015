"""One company in Japanese and in English: how many pairs are found on names alone.

    .venv/bin/python bench/names_ja_en/evaluate.py                  # both splits, markdown
    .venv/bin/python bench/names_ja_en/evaluate.py --split tune --errors
    .venv/bin/python bench/names_ja_en/evaluate.py --pipeline       # also the whole pipeline
    .venv/bin/python bench/names_ja_en/evaluate.py --write bench/results/names_ja_en.md
    .venv/bin/python bench/names_ja_en/evaluate.py --overlap 0.3     # 30% of filers in both

What goes in: ../shared/benchmarks/names_ja_en/edinet_names_dev.csv (2,932 companies of the
regulator's filer list, each with its registered Japanese and English name), split in two by a
hash of the EDINET code: ``tune`` (the dictionaries and thresholds were tuned on it) and
``holdout`` (only reported). Per split, two trackers as a user has them: one in Japanese
(会社名), one in English (Company), each a list of names only, rows shuffled, nothing else
shared (bench/names_ja_en/build.py writes them as workbooks for ``--pipeline``). Two measures
per split: every filer in both trackers, and (``--overlap``, 0.5 by default, 0 for none) only
that share of them in both, the rest half in the Japanese tracker only and half in the English
one only: a name whose true partner is absent tempts the closest reading, and precision must
hold there too.

What comes out: pairwise precision, recall and F1 of company clusters (a true pair is the
Japanese and English name of one filer) and the time per 1,000 names, for

* reading: the reading matcher alone (migrate.normalize.readings.match_readings), the same
  rule dedupe applies: one reading per side, close and unique on both sides;
* pipeline (``--pipeline``): the two workbooks through ``migrate.pipeline.run``; the company ids
  of the crosswalk are the clusters (a name list is data, every row a company).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "benchmarks" / "names_ja_en" / "edinet_names_dev.csv"
SPLITS = ("tune", "holdout")
LEVELS: dict = {}


def load(path: Path = DATA) -> list[dict[str, str]]:
    """The filers (edinet_code, name_ja, name_en, ...)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def split_of(code: str) -> str:
    """tune or holdout, by a hash of the EDINET code (stable, half each)."""
    return SPLITS[hashlib.sha256(code.encode()).digest()[0] % 2]


def pair_scores(pred: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    """Pairwise precision, recall, F1 (a cluster of one Japanese and one English name is a pair)."""
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"pairs": len(truth), "found": len(pred), "tp": tp, "precision": p, "recall": r, "f1": f}


def overlap(rows: list[dict[str, str]], share: float = 0.5) -> dict[str, list[int]]:
    """Which filers each tracker holds when only ``share`` of them are in both: the rest half in
    the Japanese tracker only, half in the English one only (by a hash of the EDINET code, so a
    filer's place does not depend on the split). A name whose partner is absent tempts the
    closest reading: precision must hold there."""
    ja, en = [], []
    for k, r in enumerate(rows):
        h = hashlib.sha256(("overlap:" + r["edinet_code"]).encode()).digest()[0] / 256
        if h < share or h < share + (1 - share) / 2:
            ja.append(k)
        if h < share or h >= share + (1 - share) / 2:
            en.append(k)
    return {"ja": ja, "en": en}


def run_reading(
    rows: list[dict[str, str]], engine: str | None = None, held: dict[str, list[int]] | None = None
) -> tuple[dict, list]:
    """The reading matcher on one split (``held``: the filers each tracker holds, default all):
    scores, time per 1k names, and the errors."""
    from migrate.bundle import load_rules_bundle
    from migrate.normalize.reading_align import Aligner
    from migrate.normalize.readings import Reader, match_readings

    bundle = load_rules_bundle()
    rules = bundle.readings
    if engine:
        from dataclasses import replace

        rules = replace(rules, engine=engine)  # type: ignore[arg-type]
    reader = Reader(rules, bundle.legal_form_spellings)
    aligner = Aligner(reader)
    held = held or {"ja": list(range(len(rows))), "en": list(range(len(rows)))}
    ja = [rows[k]["name_ja"] for k in held["ja"]]
    en = [rows[k]["name_en"] for k in held["en"]]
    costly: list[tuple[int, int]] = []  # aligned at a cost: review pairs, as in dedupe
    t0 = time.perf_counter()
    ja_keys = [reader.key(n) for n in ja]
    en_keys = [reader.key(n) for n in en]
    pairs = match_readings(
        [reader.keys(n) for n in ja], [reader.keys(n) for n in en],
        left_core=[reader.cores(n) for n in ja], right_core=[reader.cores(n) for n in en],
        left_sound=[reader.sounds(n) for n in ja], right_sound=[reader.sounds(n) for n in en],
        compatible=lambda i, j: reader.compatible(ja[i], en[j]),
        align=lambda dl, dr: aligner.pairs([[n] for n in ja], [[n] for n in en], dl, dr, costly),
        **LEVELS,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    both = sorted(set(held["ja"]) & set(held["en"]))
    truth = {(rows[k]["name_ja"], rows[k]["name_en"]) for k in both}
    # acronyms (NEC / 日本電気) are review pairs only: counted apart, not in the scores
    done_l, done_r = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
    acronyms = aligner.acronym_pairs([[n] for n in ja], [[n] for n in en], done_l, done_r)
    pred = {(ja[i], en[j]) for i, j, _ in pairs}
    scores = pair_scores(pred, truth)
    scores["ms_per_1k"] = seconds / (len(ja) + len(en)) * 1e6
    scores["acronym_review"] = len(acronyms)
    scores["acronym_right"] = sum((ja[i], en[j]) in truth for i, j in acronyms)
    costly = [(i, j) for i, j in costly if i not in done_l and j not in done_r]
    scores["costly_review"] = len(costly)
    scores["costly_right"] = sum((ja[i], en[j]) in truth for i, j in costly)
    scores["names"] = (len(ja), len(en))
    errors = [("false " + lv, ja[i], en[j], ja_keys[i], en_keys[j]) for i, j, lv in pairs
              if (ja[i], en[j]) not in truth]  # fmt: skip
    errors += [("missed", rows[k]["name_ja"], rows[k]["name_en"], reader.key(rows[k]["name_ja"]),
                reader.key(rows[k]["name_en"])) for k in both
               if (rows[k]["name_ja"], rows[k]["name_en"]) not in pred]  # fmt: skip
    return scores, errors


def run_pipeline(
    rows: list[dict[str, str]],
    split: str,
    folder: Path,
    errors: bool = False,
    rules_dir: str | None = None,
    held: dict[str, list[int]] | None = None,
) -> dict:
    """The two trackers of a split through the whole pipeline: company-cluster scores."""
    from migrate.pipeline import run

    from build import excel_rows, write_trackers  # bench/names_ja_en/build.py

    held = held or {"ja": list(range(len(rows))), "en": list(range(len(rows)))}
    tag = split if len(held["ja"]) == len(held["en"]) == len(rows) else f"{split}_overlap"
    paths = write_trackers(rows, tag, folder, held)
    t0 = time.perf_counter()
    result = run([str(p) for p in paths], target="generic", force=True, rules_dir=rules_dir)
    seconds = time.perf_counter() - t0
    cw = result.crosswalk
    cw = cw.assign(file=cw["source_file"].map(lambda p: Path(str(p)).name))
    by_file = {name: dict(zip(g["source_row"].astype(int), g["company_id"].fillna("").astype(str)))
               for name, g in cw.groupby("file")}  # fmt: skip
    ja_ids, en_ids = by_file.get(paths[0].name, {}), by_file.get(paths[1].name, {})
    at = {script: excel_rows(held[script], tag, script) for script in ("ja", "en")}
    pred = set()
    cluster_en: dict[str, list[int]] = {}
    for k, row in at["en"].items():
        cid = en_ids.get(row)
        if cid:
            cluster_en.setdefault(cid, []).append(k)
    for k, row in at["ja"].items():
        cid = ja_ids.get(row)
        for j in cluster_en.get(cid or "", []):
            pred.add((k, j))
    truth = {(k, k) for k in set(held["ja"]) & set(held["en"])}
    if errors:
        for k, j in sorted(pred - truth):
            print(f"false pipeline\t{rows[k]['name_ja']}\t{rows[j]['name_en']}")
    scores = pair_scores(pred, truth)
    scores["ms_per_1k"] = seconds / (len(held["ja"]) + len(held["en"])) * 1e6
    scores["rows_read"] = len(ja_ids) + len(en_ids)
    scores["names"] = (len(held["ja"]), len(held["en"]))
    return scores


def table(results: list[tuple[str, str, str, dict]]) -> str:
    lines = [
        "| split | trackers | matcher | names ja / en | pairs | found | precision | recall | F1 "
        "| ms / 1k names |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for split, trackers, matcher, s in results:
        lines.append(
            f"| {split} | {trackers} | {matcher} | {s['names'][0]} / {s['names'][1]} | "
            f"{s['pairs']} | {s['found']} | {s['precision']:.3f} | {s['recall']:.3f} | "
            f"{s['f1']:.3f} | {s['ms_per_1k']:.0f} |"
        )
    review = [(split, t, s) for split, t, _, s in results if "acronym_review" in s]
    if review:
        lines.append("")
        lines.append("Review pairs of the reading matcher (not merged, not scored), acronyms + "
                     "costly alignments: " + "; ".join(
            f"{split} {t} {s['acronym_review']} ({s['acronym_right']} right) + "
            f"{s['costly_review']} ({s['costly_right']} right)"
            for split, t, s in review
        ))  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=SPLITS, action="append")
    ap.add_argument("--engine", help="cutlet | pykakasi | kana (default: readings.yaml)")
    ap.add_argument("--pipeline", action="store_true", help="also run the whole pipeline")
    ap.add_argument("--folder", default="/tmp/names_ja_en", help="where --pipeline writes")
    ap.add_argument("--errors", action="store_true", help="list false and missed pairs")
    ap.add_argument("--write", help="write the markdown table to this file")
    ap.add_argument("--rules", help="a rules folder for --pipeline (default: the packaged rules)")
    ap.add_argument(
        "--overlap",
        type=float,
        default=0.5,
        help="share of the filers both trackers of the overlap measure hold (0: no such measure)",
    )
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    everyone = load()
    results = []
    for split in args.split or SPLITS:
        rows = [r for r in everyone if split_of(r["edinet_code"]) == split]
        measures: list[tuple[str, dict[str, list[int]] | None]] = [("all in both", None)]
        if args.overlap:
            measures.append((f"{args.overlap:.0%} in both", overlap(rows, args.overlap)))
        for trackers, held in measures:
            scores, errors = run_reading(rows, args.engine, held)
            results.append((split, trackers, f"reading ({args.engine or 'rules'})", scores))
            if args.errors:
                for e in errors:
                    print("\t".join((trackers, *e)))
            if args.pipeline:
                scores = run_pipeline(rows, split, Path(args.folder), args.errors, args.rules, held)
                results.append((split, trackers, "pipeline", scores))
    text = table(results)
    print(text)
    if args.write:
        Path(args.write).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
