"""Measure layout detection against a truth file: header rows, data rows, column mapping.

    python bench/layout_accuracy.py sample_data sample_data/truth/layout.json
    python bench/layout_accuracy.py bench/holdout/data bench/holdout/truth.json

The truth file maps file -> sheet -> {kind, header_row, data_rows, columns: {header: field}}.
Prints per-sheet results and the totals: sheets classified right, header rows found, data
rows found (precision/recall), and the share of columns mapped to the intended field.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from migrate.pipeline import inspect  # noqa: E402


def _norm(h: str) -> str:
    return unicodedata.normalize("NFKC", str(h)).strip()


def measure(data_dir: str, truth_path: str) -> dict:
    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    result = inspect([data_dir])
    found = {(t.file, t.sheet): t for t in result.tables}
    tot = {
        "sheets": 0,
        "kind_ok": 0,
        "header_ok": 0,
        "rows_true": 0,
        "rows_found": 0,
        "rows_hit": 0,
        "cols": 0,
        "cols_ok": 0,
    }
    misses: list[str] = []
    for file, sheets in truth.items():
        for sheet, exp in sheets.items():
            tot["sheets"] += 1
            t = found.get((file, sheet))
            if t is None:
                misses.append(f"{file} [{sheet}]: not read")
                continue
            if t.kind == exp.get("kind", "table"):
                tot["kind_ok"] += 1
            else:
                misses.append(
                    f"{file} [{sheet}]: kind {t.kind} ({t.reason}), expected {exp.get('kind')}"
                )
            if exp.get("kind", "table") != "table":
                continue
            if t.header_row == exp.get("header_row"):
                tot["header_ok"] += 1
            else:
                misses.append(
                    f"{file} [{sheet}]: header row {t.header_row}, expected {exp.get('header_row')}"
                )
            want, got = set(exp.get("data_rows", [])), set(t.data_rows)
            tot["rows_true"] += len(want)
            tot["rows_found"] += len(got)
            tot["rows_hit"] += len(want & got)
            for r in sorted(want - got)[:5]:
                misses.append(
                    f"{file} [{sheet}]: row {r} is data, classified {dict(t.skipped).get(r, '?')}"
                )
            for r in sorted(got - want)[:5]:
                misses.append(f"{file} [{sheet}]: row {r} taken as data")
            by_header = {}
            for c in t.columns:
                by_header[_norm(c.header)] = c.field
                by_header[_norm(c.header.split(" / ")[-1])] = by_header.get(
                    _norm(c.header.split(" / ")[-1]), c.field
                )
            for header, field in (exp.get("columns") or {}).items():
                tot["cols"] += 1
                got_field = by_header.get(_norm(header), "(column not found)")
                if got_field == field:
                    tot["cols_ok"] += 1
                else:
                    misses.append(
                        f"{file} [{sheet}]: column '{header}' -> {got_field}, expected {field}"
                    )
    tot["problems"] = [str(p) for p in result.problems]
    tot["misses"] = misses
    return tot


def main() -> None:
    data_dir, truth = sys.argv[1], sys.argv[2]
    t = measure(data_dir, truth)
    for m in t["misses"]:
        print("  miss:", m)
    tables = max(1, t["sheets"])
    print(f"sheets classified right: {t['kind_ok']}/{t['sheets']} ({t['kind_ok'] / tables:.1%})")
    print(f"header rows found:       {t['header_ok']}")
    rp = t["rows_hit"] / max(1, t["rows_found"])
    rr = t["rows_hit"] / max(1, t["rows_true"])
    print(f"data rows: precision {rp:.2%}, recall {rr:.2%} ({t['rows_hit']}/{t['rows_true']})")
    print(
        f"columns mapped right:    {t['cols_ok']}/{t['cols']} ({t['cols_ok'] / max(1, t['cols']):.1%})"
    )


if __name__ == "__main__":
    main()
