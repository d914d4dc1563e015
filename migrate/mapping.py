"""The human-editable mapping file: what detection decided, for a person to correct.

``sfa-migrate inspect --write-mapping mapping.yaml`` writes, per file and sheet, the header
row, each column's field and the sheets to skip. ``run --mapping mapping.yaml`` reads it
back, and what it says wins over detection. Columns are keyed by letter, with the header
written beside it; when a column has moved since, its header finds it.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from .ingest import SheetOverride, SheetTable
from .rules import load_rule_file
from .schema import load_schema

HEADER = """\
# sfa-migrate column mapping. Edit and pass back with: sfa-migrate run ... --mapping {name}
# Per file and sheet: skip (true/false), header_row (Excel row number), and for each column
# (by letter) the canonical field it holds, or null to keep it unmapped (it is still kept as
# an extra column). Canonical fields: {fields}
"""


def write_mapping(
    tables: list[SheetTable],
    path: str | os.PathLike[str],
    rules_dir: str | os.PathLike[str] | None = None,
) -> None:
    """Write the detected layout of every sheet as a mapping file."""
    schema = load_schema(rules_dir)
    files: dict[str, dict] = {}
    for t in tables:
        sheets = files.setdefault(t.file, {"sheets": {}})["sheets"]
        entry: dict = {"skip": t.kind == "skipped"}
        if t.kind == "skipped":
            entry["reason"] = t.reason
        if t.header_row is not None:
            entry["header_row"] = t.header_row
        if t.columns:
            entry["columns"] = [
                {
                    "column": c.column,
                    "header": c.header,
                    "field": c.field,
                    "confidence": round(c.confidence, 2),
                }
                for c in t.columns
            ]
        sheets[t.sheet] = entry
    doc = {"kind": "mapping", "version": 1, "files": files}
    text = HEADER.format(name=Path(path).name, fields=", ".join(schema.names))
    text += yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)
    Path(path).write_text(text, encoding="utf-8")


def read_mapping(
    path: str | os.PathLike[str], rules_dir: str | os.PathLike[str] | None = None
) -> dict[tuple[str, str], SheetOverride]:
    """Read a mapping file into per-(file, sheet) overrides; every problem is reported at once."""
    schema = load_schema(rules_dir)
    doc, problems = load_rule_file(path, "mapping")
    problems.keys(doc, "", ["kind", "version", "files"], ["files"])
    out: dict[tuple[str, str], SheetOverride] = {}
    files = doc.get("files") or {}
    if not isinstance(files, dict):
        problems.add("files", "expected a mapping of file names")
        problems.raise_if_any()
    fields = schema.names
    for fname, fentry in files.items():
        fkey = f"files.{fname}"
        if not problems.keys(fentry, fkey, ["sheets"], ["sheets"]):
            continue
        for sname, s in (fentry.get("sheets") or {}).items():
            skey = f"{fkey}.sheets.{sname}"
            if not problems.keys(s, skey, ["skip", "reason", "header_row", "columns"]):
                continue
            cols: dict[str, str | None] = {}
            headers: dict[str, str] = {}
            for i, c in enumerate(s.get("columns") or []):
                ckey = f"{skey}.columns[{i}]"
                if not problems.keys(
                    c, ckey, ["column", "header", "field", "confidence"], ["column", "field"]
                ):
                    continue
                f = c.get("field")
                if f is not None and f not in fields:
                    problems.add(
                        f"{ckey}.field",
                        f"'{f}' is not a canonical field; allowed: {', '.join(fields)} or null",
                    )
                    continue
                cols[str(c["column"])] = f
                if c.get("header"):
                    headers[str(c["column"])] = str(c["header"])
            hr = s.get("header_row")
            if hr is not None and (not isinstance(hr, int) or hr < 1):
                problems.add(f"{skey}.header_row", f"{hr!r} is not an Excel row number (1, 2, ...)")
                hr = None
            out[(str(fname), "" if sname is None else str(sname))] = SheetOverride(
                skip=bool(s.get("skip", False)), header_row=hr, columns=cols, headers=headers
            )
    problems.raise_if_any()
    return out
