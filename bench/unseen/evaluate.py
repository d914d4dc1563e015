"""Score a run of the pipeline on the unseen trackers against their truth.

    .venv/bin/python bench/unseen/evaluate.py --data /tmp/unseen1
    .venv/bin/python bench/unseen/evaluate.py --data /tmp/unseen1 --truth /tmp/unseen1/truth \
        --target salesforce --json /tmp/score.json --errors

What goes in: the folder of trackers written by ``generate.py`` and its ``truth/`` folder. The
pipeline runs in this process (``migrate.pipeline.run``, nothing written unless ``--out``).
What comes out: the figures below (markdown, or JSON with ``--json``), and with ``--errors`` the
error classes behind them (stage words read wrong, headers not mapped as a person would, snapshots
left apart, look-alike deals merged).

* stage (final): deal rows whose crosswalk stage (the stage of the deal the row went into, as
  exported) is the stage of the deal's latest snapshot or one of its defensible alternatives;
  rows of deals whose latest word names no stage (保留, On Hold) are left out.
* stage (row): every deal and lead row, the stage the row itself was read as (records.csv).
* deal / company / contact clusters: pairwise precision, recall and F1 of the crosswalk's ids
  over the rows the truth gives that entity (a row without an id is a cluster of its own).
* close date / amount in the import file: per true deal, the deal its latest snapshot row went
  into, looked up in the target's deal file; a close date is right inside the window the words
  allow (来月 = any day of next month), an amount within one yen. A deal missing from the import
  file counts as wrong.
* data rows skipped or lost (should be 0), non-data rows taken as records (titles, subtotals).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parents[1]))

import metrics  # noqa: E402  (bench/metrics.py)

KEY = ["file", "sheet", "row"]


def run_pipeline(data: Path, target: str, out: Path | None = None):
    from migrate.pipeline import run

    files = sorted(str(p) for p in data.iterdir() if p.is_file())
    return run(files, out=str(out) if out else None, target=target, force=True)


def _keyed(frame: pd.DataFrame, file: str, sheet: str, row: str) -> pd.DataFrame:
    out = frame.rename(columns={file: "file", sheet: "sheet", row: "row"}).copy()
    out["file"] = out["file"].map(lambda p: Path(str(p)).name)
    out["sheet"] = out["sheet"].fillna("").astype(str)
    out["row"] = out["row"].astype(int)
    return out


def _ok_stage(pred: str, stage: str, alt: str) -> bool:
    return bool(pred) and (pred == stage or pred in [a for a in alt.split("|") if a])


def _deal_file(export) -> pd.DataFrame:
    """The target's deal table with columns id, amount, close_date (names differ per target)."""
    if export is None:
        return pd.DataFrame(columns=["id", "amount", "close_date"])
    best = None
    for name, frame in export.files.items():
        for col in frame.columns:
            vals = frame[col].astype(str)
            if len(vals) and vals.str.startswith("D-").mean() > 0.9:
                best = (name, frame, col)
                break
        if best:
            break
    if best is None:
        return pd.DataFrame(columns=["id", "amount", "close_date"])
    _, frame, idcol = best
    lower = {c.lower().replace("_", ""): c for c in frame.columns}
    amount = lower.get("amount")
    close = lower.get("closedate")
    return pd.DataFrame(
        {
            "id": frame[idcol].astype(str),
            "amount": frame[amount] if amount else "",
            "close_date": frame[close].astype(str) if close else "",
        }
    )


def _number(v) -> float | None:
    try:
        s = str(v).replace(",", "").strip()
        return float(s) if s and s.lower() != "nan" else None
    except ValueError:
        return None


def _date(v) -> str:
    s = str(v).strip()
    return s[:10] if s and s.lower() not in ("nan", "none", "nat") else ""


def score(result, truth_dir: Path) -> dict:
    """Every figure of the table, plus the error classes, from a RunResult and the truth."""
    rows = pd.read_csv(truth_dir / "rows.csv", dtype=str, keep_default_na=False)
    rows["row"] = rows["row"].astype(int)
    deals = pd.read_csv(truth_dir / "deals.csv", dtype=str, keep_default_na=False)
    deals["row"] = deals["row"].astype(int)
    cw = _keyed(result.crosswalk.astype({"source_row": int}), "source_file", "source_sheet",
                "source_row")  # fmt: skip
    cw = cw.drop_duplicates(KEY)
    rec = _keyed(result.records, "_source_file", "_source_sheet", "_source_row")
    rec_stage = rec.set_index(KEY)["stage"].map(lambda v: v if isinstance(v, str) else "")
    m = rows.merge(cw, on=KEY, how="left", indicator=True)
    m["row_stage"] = [rec_stage.get((f, s, r), "") for f, s, r in zip(m.file, m.sheet, m.row)]
    for c in ("status", "company_id", "contact_id", "deal_id", "stage_y"):
        m[c] = m[c].fillna("") if c in m.columns else ""
    m = m.rename(columns={"stage_x": "true_stage", "stage_y": "final_stage"})
    data = m[m.is_data == "1"]
    out: dict = {"as_of": str(result.as_of), "as_of_source": result.as_of_source}

    # rows
    out["data_rows"] = len(data)
    out["data_rows_skipped"] = int((data.status == "skipped").sum())
    out["data_rows_lost"] = int((data["_merge"] == "left_only").sum())
    nondata = m[(m.is_data == "0") & (m.kind != "header")]
    out["nondata_rows"] = len(nondata)
    out["nondata_as_records"] = int(
        ((nondata["_merge"] == "both") & (nondata.status != "skipped")).sum()
    )

    # stage of the deal each deal row went into
    dl = data[data.kind == "deal"].merge(
        deals[["deal_entity", "stage", "stage_alt"]].rename(
            columns={"stage": "deal_stage", "stage_alt": "deal_alt"}
        ),
        on="deal_entity",
    )
    judged = dl[dl.deal_stage != ""]
    ok = [
        _ok_stage(p, s, a)
        for p, s, a in zip(judged.final_stage, judged.deal_stage, judged.deal_alt)
    ]
    out["stage_final"] = sum(ok) / len(ok) if ok else 1.0
    out["stage_final_n"] = len(ok)
    # stage each row was read as
    rs = data[(data.kind.isin(["deal", "lead"])) & (data.true_stage != "")]
    ok_r = [_ok_stage(p, s, a) for p, s, a in zip(rs.row_stage, rs.true_stage, rs.stage_alt)]
    out["stage_row"] = sum(ok_r) / len(ok_r) if ok_r else 1.0
    out["stage_row_n"] = len(ok_r)
    per_file = {}
    for f, g in rs.assign(ok=ok_r).groupby("file"):
        per_file[f] = round(float(g.ok.mean()), 3)
    out["stage_row_by_file"] = per_file
    nostage = data[(data.kind == "deal") & (data.true_stage == "")]
    out["no_stage_words"] = len(nostage)
    out["no_stage_words_given_a_stage"] = int((nostage.row_stage != "").sum())

    # clusters
    for ent, col, idcol in (("deal", "deal_entity", "deal_id"), ("company", "company_entity",
                            "company_id"), ("contact", "contact_entity", "contact_id")):  # fmt: skip
        g = data[data[col] != ""]
        pred = [p if p else f"_none{i}" for i, p in enumerate(g[idcol])]
        s = metrics.pairwise(pd.Series(pred).to_numpy(), g[col].to_numpy())
        out[f"{ent}_precision"], out[f"{ent}_recall"], out[f"{ent}_f1"] = (
            s.precision, s.recall, s.f1,
        )  # fmt: skip

    g = data[(data.company_entity != "") & (data.kind != "company")]
    pred = [p if p else f"_none{i}" for i, p in enumerate(g.company_id)]
    out["company_f1_trackers"] = metrics.pairwise(
        pd.Series(pred).to_numpy(), g.company_entity.to_numpy()
    ).f1

    # values in the import file, per true deal
    exp = _deal_file(result.export).drop_duplicates("id").set_index("id")
    latest = deals.merge(m[KEY + ["deal_id"]], on=KEY, how="left")
    latest["deal_id"] = latest["deal_id"].fillna("")
    in_file = latest.deal_id.isin(exp.index)
    out["deals"] = len(latest)
    out["deals_not_in_import"] = int((~in_file).sum())
    cd = latest[latest.close_lo != ""]
    right = []
    for did, lo, hi in zip(cd.deal_id, cd.close_lo, cd.close_hi):
        got = _date(exp.at[did, "close_date"]) if did in exp.index else ""
        right.append(bool(got) and lo <= got <= hi)
    out["close_date"] = sum(right) / len(right) if right else 1.0
    out["close_date_n"] = len(right)
    am = latest[latest.amount != ""]
    right_a = []
    for did, want in zip(am.deal_id, am.amount):
        got = _number(exp.at[did, "amount"]) if did in exp.index else None
        right_a.append(got is not None and abs(got - float(want)) < 1)
    out["amount"] = sum(right_a) / len(right_a) if right_a else 1.0
    out["amount_n"] = len(right_a)

    out["errors"] = errors(result, m, dl, deals, latest, exp, truth_dir)
    return out


def errors(result, m, dl, deals, latest, exp, truth_dir: Path) -> dict:
    """The error classes behind the figures, with counts and examples."""
    err: dict = {}
    data = m[m.is_data == "1"]
    # stage words read wrong (row level), by word
    rs = data[(data.kind.isin(["deal", "lead"])) & (data.true_stage != "")]
    wrong = rs[
        [not _ok_stage(p, s, a) for p, s, a in zip(rs.row_stage, rs.true_stage, rs.stage_alt)]
    ]
    words = Counter(
        (w, s, p or "(blank)")
        for w, s, p in zip(wrong.stage_word, wrong.true_stage, wrong.row_stage)
    )
    err["stage_words_wrong"] = [
        {"word": w, "truth": s, "read_as": p, "rows": n} for (w, s, p), n in words.most_common()
    ]
    nostage = data[(data.kind == "deal") & (data.true_stage == "")]
    err["no_stage_words"] = dict(Counter(f"{w} -> {p or '(blank)'}" for w, p in
                                         zip(nostage.stage_word, nostage.row_stage)))  # fmt: skip
    # final stage wrong although the row's own word was read right (survivorship / merges)
    wrong_final = pd.Series(
        [not _ok_stage(p, s, a) for p, s, a in zip(dl.final_stage, dl.deal_stage, dl.deal_alt)],
        index=dl.index,
    )
    bad_final = dl[(dl.deal_stage != "") & wrong_final]  # fmt: skip
    err["final_stage_wrong"] = dict(Counter(
        f"{s} -> {p or '(blank)'}" for s, p in zip(bad_final.deal_stage, bad_final.final_stage)
    ))  # fmt: skip
    # headers not mapped as a person would
    expected = json.loads((truth_dir / "columns.json").read_text())
    heads = []
    for t in result.tables:
        want = expected.get(Path(t.file).name, {}).get(t.sheet)
        if want is None:
            continue
        if t.kind != "table":
            heads.append({"file": Path(t.file).name, "sheet": t.sheet, "header": "(sheet)",
                          "want": "table", "got": f"skipped: {t.reason}"})  # fmt: skip
            continue
        got = {c.header: c.field for c in t.columns}
        for h, f in want.items():
            if f != "*" and got.get(h) != f:
                heads.append({"file": Path(t.file).name, "sheet": t.sheet, "header": h,
                              "want": f, "got": got.get(h) or "(unmapped)"})  # fmt: skip
    err["headers"] = heads
    # skipped data rows, by file and reason
    sk = data[(data.status == "skipped") | (data["_merge"] == "left_only")]
    err["data_rows_skipped"] = dict(Counter(f"{f}: {r or 'absent'}" for f, r in
                                            zip(sk.file, sk.reason.fillna(""))))  # fmt: skip
    nd = m[
        (m.is_data == "0")
        & (m.kind != "header")
        & (m["_merge"] == "both")
        & (m.status != "skipped")
    ]
    err["nondata_as_records"] = dict(Counter(f"{f}: {k}" for f, k in zip(nd.file, nd.kind)))
    # snapshots left apart / look-alikes merged
    dd = data[data.kind == "deal"]
    split = 0
    split_by = Counter()
    split_examples: list[list[str]] = []
    for _ent, g in dd.groupby("deal_entity"):
        ids = set(g.deal_id)
        if len(g) > 1 and (len(ids) > 1 or "" in ids):
            split += 1
            split_by[" + ".join(sorted(set(g.file)))] += 1
            if len(split_examples) < 8:
                split_examples.append(
                    [f"{f}:{r} -> {d or '(none)'}" for f, r, d in zip(g.file, g.row, g.deal_id)]
                )
    err["deals_split"] = split
    err["deals_split_by_files"] = dict(split_by)
    err["deals_split_examples"] = split_examples
    merged = 0
    merged_fam = Counter()
    fam = deals.set_index("deal_entity")["family"].to_dict()
    for _did, g in dd[dd.deal_id != ""].groupby("deal_id"):
        ents = sorted(set(g.deal_entity))
        if len(ents) > 1:
            merged += 1
            kinds = {fam.get(e) or "other" for e in ents}
            merged_fam[" + ".join(sorted(kinds))] += 1
    err["deals_overmerged"] = merged
    err["deals_overmerged_by_family"] = dict(merged_fam)
    # companies and contacts left apart, by the files their rows come from
    for ent, col, idcol in (("companies", "company_entity", "company_id"),
                            ("contacts", "contact_entity", "contact_id")):  # fmt: skip
        by = Counter()
        for _, g in data[data[col] != ""].groupby(col):
            ids = set(g[idcol])
            if len(g) > 1 and (len(ids) > 1 or "" in ids):
                by[" + ".join(sorted({f.split("_")[0] for f in g.file}))] += 1
        err[f"{ent}_split_by_files"] = dict(by.most_common())
    # lead rows: a deal of their own, or linked to the pipeline's deal (商談化)
    leads = data[data.kind == "lead"]
    deal_of_row = dd.drop_duplicates("deal_entity").set_index("deal_entity")["deal_id"].to_dict()
    own_deal = leads[leads.deal_id != ""]
    err["lead_rows"] = {
        "rows": len(leads),
        "converted (商談化) with a pipeline deal": int((leads.linked_deal != "").sum()),
        "given a deal id": len(own_deal),
        "given the pipeline's deal id": int(
            sum(
                deal_of_row.get(ld, "?") == di
                for ld, di in zip(own_deal.linked_deal, own_deal.deal_id)
            )
        ),
        "deal status": dict(Counter(own_deal.deal_status)),
    }
    # pairs sent to review, and how many of them are the same entity
    err["review_pairs"] = review_pairs(result, m)
    # values in the import file
    miss = latest[~latest.deal_id.isin(exp.index)]
    err["deals_not_in_import"] = dict(Counter(
        f"{f}: {s or '?'}" for f, s in zip(miss.file, miss.stage)
    ))  # fmt: skip
    bad_close, forms = [], Counter()
    raw = m.set_index(KEY)["close_raw"] if "close_raw" in m.columns else None
    for _, r in latest[(latest.close_lo != "") & latest.deal_id.isin(exp.index)].iterrows():
        got = _date(exp.at[r.deal_id, "close_date"])
        if not (got and r.close_lo <= got <= r.close_hi):
            bad_close.append(r.file)
            text = str(raw.get((r.file, r.sheet, r.row), "")) if raw is not None else ""
            form = re.sub(r"\d+", "9", text)
            forms[f"{form} -> {got or '(blank)'}" if not got else f"{form} -> other date"] += 1
    err["close_date_wrong_by_file"] = dict(Counter(bad_close))
    err["close_date_wrong_by_form"] = dict(forms.most_common())
    # deal rows whose final stage is wrong: why
    why = Counter()
    lat = latest.set_index("deal_entity")
    own = m.set_index(KEY)["row_stage"]
    for _, r in dl[dl.deal_stage != ""].iterrows():
        if _ok_stage(r.final_stage, r.deal_stage, r.deal_alt):
            continue
        t = lat.loc[r.deal_entity]
        if r.deal_id != t.deal_id or not r.deal_id:
            why["row's snapshot left apart from the latest one"] += 1
        elif not _ok_stage(own.get((t.file, t.sheet, t.row), ""), t.stage, t.stage_alt):
            why["the latest snapshot's word misread"] += 1
        else:
            why["merged; another snapshot's stage survived"] += 1
    err["final_stage_wrong_why"] = dict(why)
    bad_amt = []
    for _, r in latest[(latest.amount != "") & latest.deal_id.isin(exp.index)].iterrows():
        got = _number(exp.at[r.deal_id, "amount"])
        if got is None or abs(got - float(r.amount)) >= 1:
            bad_amt.append(r.file)
    err["amount_wrong_by_file"] = dict(Counter(bad_amt))
    return err


def review_pairs(result, m) -> dict:
    rv = getattr(result.dedupe, "review", None)
    if rv is None or not len(rv):
        return {}
    col = {"companies": "company_entity", "contacts": "contact_entity", "deals": "deal_entity"}
    where = {f"{f}|{s}|{r}": i for i, (f, s, r) in enumerate(zip(m.file, m.sheet, m.row))}
    out: dict = {}
    for ent, left, right in zip(rv.entity, rv.left_row, rv.right_row):
        c = col.get(ent)
        li = where.get(
            Path(str(left).split("|")[0]).name + "|" + "|".join(str(left).split("|")[1:])
        )
        ri = where.get(
            Path(str(right).split("|")[0]).name + "|" + "|".join(str(right).split("|")[1:])
        )
        rec = out.setdefault(ent, {"pairs": 0, "same_entity": 0})
        rec["pairs"] += 1
        if c and li is not None and ri is not None:
            a, b = m.iloc[li][c], m.iloc[ri][c]
            rec["same_entity"] += int(bool(a) and a == b)
    return out


ROWS = [
    ("deal rows mapped to the right stage (final)", "stage_final", "stage_final_n"),
    ("rows read as the right stage (row's own word)", "stage_row", "stage_row_n"),
    ("deal clusters F1 (precision / recall)", "deal_f1", None),
    ("company clusters F1", "company_f1", None),
    ("company clusters F1, trackers only (company list left out)", "company_f1_trackers", None),
    ("contact clusters F1", "contact_f1", None),
    ("deal close date right in the import file", "close_date", "close_date_n"),
    ("deal amount right in the import file", "amount", "amount_n"),
]


def table(scores: dict[str, dict]) -> str:
    """A markdown table, one column per scored set."""
    names = list(scores)
    lines = ["| measure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, key, n in ROWS:
        cells = []
        for s in scores.values():
            v = s[key]
            if key == "deal_f1":
                cells.append(f"{v:.3f} ({s['deal_precision']:.3f} / {s['deal_recall']:.3f})")
            else:
                cells.append(f"{v:.3f}" + (f" (n={s[n]})" if n else ""))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    extra = [
        ("data rows skipped / lost (of data rows)",
         lambda s: f"{s['data_rows_skipped']} / {s['data_rows_lost']} (of {s['data_rows']})"),
        ("non-data rows taken as records",
         lambda s: f"{s['nondata_as_records']} (of {s['nondata_rows']})"),
        ("deals not in the import file",
         lambda s: f"{s['deals_not_in_import']} (of {s['deals']})"),
        ("'no stage' words (保留, On Hold) given a stage",
         lambda s: f"{s['no_stage_words_given_a_stage']} (of {s['no_stage_words']})"),
    ]  # fmt: skip
    for label, fn in extra:
        lines.append(f"| {label} | " + " | ".join(fn(s) for s in scores.values()) + " |")
    return "\n".join(lines)


def evaluate(data: Path, truth: Path | None = None, target: str = "generic",
             out: Path | None = None) -> dict:  # fmt: skip
    """Run the pipeline on ``data`` and score it; returns the figures and error classes."""
    result = run_pipeline(data, target, out)
    return score(result, truth or data / "truth")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--data",
        type=Path,
        action="append",
        required=True,
        help="a folder written by generate.py (repeat for one column each)",
    )
    ap.add_argument("--truth", type=Path, help="truth folder (default: DATA/truth)")
    ap.add_argument("--target", default="generic")
    ap.add_argument("--out", type=Path, help="also write the run's outputs here")
    ap.add_argument("--json", type=Path, help="write every figure and error class here")
    ap.add_argument("--errors", action="store_true", help="print the error classes")
    ap.add_argument("--name", action="append", help="column name in the table (per --data)")
    ap.add_argument(
        "--src",
        type=Path,
        help="import migrate from this folder (e.g. a `git archive` of one commit) "
        "instead of the installed package",
    )
    args = ap.parse_args(argv)
    if args.src:
        sys.path.insert(0, str(args.src.resolve()))
    names = args.name or [d.name for d in args.data]
    if len(names) != len(args.data):
        ap.error("give one --name per --data")
    scores = {}
    for name, data in zip(names, args.data):
        truth = args.truth or data / "truth"
        if truth.is_file():
            truth = truth.parent
        out = args.out / name if args.out and len(args.data) > 1 else args.out
        scores[name] = evaluate(data, truth, args.target, out)
    import migrate

    print(f"migrate from {Path(migrate.__file__).parent}", file=sys.stderr)
    print(table(scores))
    if args.errors:
        for name, s in scores.items():
            print(f"\n## {name}\n" + json.dumps(s["errors"], ensure_ascii=False, indent=1))
    if args.json:
        one = next(iter(scores.values())) if len(scores) == 1 else scores
        args.json.write_text(json.dumps(one, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
