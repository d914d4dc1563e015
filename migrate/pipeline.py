"""The pipeline: the one way through, called by the CLI, the notebooks and the tests.

    ingest -> columns -> normalize -> dedupe -> stages -> export/validate -> report

``inspect(paths)`` reads and maps only. ``run(paths, out=DIR)`` runs every stage and writes the
outputs atomically; it returns a :class:`RunResult` whose ``exit_code`` is 0 (clean), 1 (ran,
but some files failed or rows were rejected) or 2 (nothing could be read).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from . import findings as fnd
from .errors import InputFileError
from .ingest import IngestResult, SheetTable, read_sources, to_records
from .output import atomic_dir, write_csv, write_json
from .schema import ROW_KEY, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, load_schema

CROSSWALK_COLUMNS = [
    "source_file",
    "source_sheet",
    "source_row",
    "status",
    "company_id",
    "contact_id",
    "deal_id",
    "stage",
    "reason",
]


@dataclass
class RunResult:
    """What a run produced; the CLI renders it and picks the exit code from it."""

    tables: list[SheetTable]
    problems: list[InputFileError]
    records: pd.DataFrame
    findings: pd.DataFrame
    crosswalk: pd.DataFrame
    report: dict[str, Any]
    out_dir: Path | None = None
    outputs: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if not self.tables and self.problems:
            return 2
        if self.problems:
            return 1
        if (self.crosswalk["status"] == "rejected").any():
            return 1
        return 0


def inspect(
    paths: list[str], *, rules_dir: str | None = None, mapping: str | None = None
) -> IngestResult:
    """Read and map every file and sheet; nothing is written."""
    overrides = _overrides(mapping, rules_dir)
    return read_sources(paths, rules_dir=rules_dir, overrides=overrides)


def _overrides(mapping: str | os.PathLike[str] | None, rules_dir: str | None):
    if not mapping:
        return None
    from .mapping import read_mapping

    return read_mapping(mapping, rules_dir)


def run(
    paths: list[str],
    *,
    out: str | os.PathLike[str] | None = None,
    target: str = "generic",
    mapping: str | None = None,
    rules_dir: str | None = None,
) -> RunResult:
    """Run the whole pipeline; with ``out`` write records.csv, crosswalk.csv and report.json there."""
    ingest = inspect(paths, rules_dir=rules_dir, mapping=mapping)
    schema = load_schema(rules_dir)
    records = to_records(ingest.tables, schema, ingest.files)
    table_findings = [f for t in ingest.tables for f in t.findings]
    findings = fnd.concat([table_findings, ingest.findings])
    findings = _fill_columns(findings, ingest.tables)

    from .normalize import normalize_records

    records, norm_findings = normalize_records(records, rules_dir=rules_dir)
    findings = _fill_columns(fnd.concat([findings, norm_findings]), ingest.tables)
    records = records.assign(
        company_id="", contact_id="", deal_id="", _status="exported", _reason=""
    )
    if "_reject" in records.columns:
        rejected = records["_reject"].fillna(False).astype(bool)
        records.loc[rejected, "_status"] = "rejected"
        if "_reject_reason" in records.columns:
            records.loc[rejected, "_reason"] = records.loc[rejected, "_reject_reason"].astype(str)
    crosswalk = build_crosswalk(records, ingest.tables)
    report = build_report(ingest, records, crosswalk, findings, target=target)
    result = RunResult(ingest.tables, ingest.problems, records, findings, crosswalk, report)
    if out is not None and ingest.tables:
        result.out_dir = Path(out)
        with atomic_dir(out) as tmp:
            result.outputs = write_outputs(result, tmp, schema.names)
    return result


def _fill_columns(findings: pd.DataFrame, tables: list[SheetTable]) -> pd.DataFrame:
    """Give every finding that names a canonical field the source header it came from."""
    if findings.empty:
        return findings
    headers = {(t.file, t.sheet, c.field): c.header for t in tables for c in t.columns if c.field}
    need = (findings["column"] == "") & (findings["field"] != "")
    if need.any():
        findings = findings.copy()
        findings.loc[need, "column"] = [
            headers.get((f, s, fl), "")
            for f, s, fl in findings.loc[need, ["file", "sheet", "field"]].itertuples(index=False)
        ]
    return findings


def build_crosswalk(records: pd.DataFrame, tables: list[SheetTable]) -> pd.DataFrame:
    """One row per data row and per non-blank skipped row, in source order."""
    parts = []
    if len(records):
        parts.append(
            pd.DataFrame(
                {
                    "source_file": records[SOURCE_FILE],
                    "source_sheet": records[SOURCE_SHEET],
                    "source_row": records[SOURCE_ROW].astype(int),
                    "status": records["_status"],
                    "company_id": records["company_id"],
                    "contact_id": records["contact_id"],
                    "deal_id": records["deal_id"],
                    "stage": records["stage"].map(lambda v: v if isinstance(v, str) else "")
                    if "stage" in records
                    else "",
                    "reason": records["_reason"],
                }
            )
        )
    skipped = [
        (t.file, t.sheet, r, "skipped", "", "", "", "", why)
        for t in tables
        for r, why in t.skipped
        if why != "row.blank"
    ]
    if skipped:
        parts.append(pd.DataFrame(skipped, columns=CROSSWALK_COLUMNS))
    if not parts:
        return pd.DataFrame(columns=CROSSWALK_COLUMNS)
    cw = pd.concat(parts, ignore_index=True)
    order = {t.file: i for i, t in enumerate(tables)}
    sheet_order = {(t.file, t.sheet): t.sheet_index for t in tables}
    cw["_o1"] = cw["source_file"].map(order)
    cw["_o2"] = [sheet_order.get((f, s), 0) for f, s in zip(cw["source_file"], cw["source_sheet"])]
    cw = cw.sort_values(["_o1", "_o2", "source_row"], kind="stable").drop(columns=["_o1", "_o2"])
    return cw.reset_index(drop=True)[CROSSWALK_COLUMNS]


def build_report(
    ingest: IngestResult,
    records: pd.DataFrame,
    crosswalk: pd.DataFrame,
    findings: pd.DataFrame,
    *,
    target: str,
) -> dict[str, Any]:
    """The machine-readable report: files, sheets, row counts by class, column mapping, findings."""
    sheets = []
    for t in ingest.tables:
        counts = Counter(why for _, why in t.skipped)
        sheets.append(
            {
                "file": t.file,
                "sheet": t.sheet,
                "kind": t.kind,
                "reason": t.reason,
                "reason_text": t.reason_text,
                "header_row": t.header_row,
                "header_rows": t.header_rows,
                "rows": {
                    "data": len(t.data_rows),
                    **{k.removeprefix("row."): v for k, v in sorted(counts.items())},
                },
                "columns": [c.to_json() | {"method": c.method, "note": c.note} for c in t.columns],
            }
        )
    status = Counter(crosswalk["status"]) if len(crosswalk) else Counter()
    files = [{"file": f.name, "format": f.format, "status": "read"} for f in ingest.files]
    files += [
        {"file": p.path, "status": "failed", "code": p.code, "error": p.problem, "hint": p.hint}
        for p in ingest.problems
    ]
    unmapped = [
        {"file": t.file, "sheet": t.sheet, "column": c.column, "header": c.header, "note": c.note}
        for t in ingest.tables
        if t.kind == "table"
        for c in t.columns
        if not c.field
    ]
    mapped = sum(1 for t in ingest.tables if t.kind == "table" for c in t.columns if c.field)
    by_rule = findings.groupby("rule").size().sort_index().to_dict() if len(findings) else {}
    by_sev = findings.groupby("severity").size().sort_index().to_dict() if len(findings) else {}
    by_src = (
        findings.assign(src=findings["file"] + "|" + findings["sheet"])
        .groupby("src")
        .size()
        .sort_index()
        .to_dict()
        if len(findings)
        else {}
    )
    data_rows = int(len(records))
    return {
        "report_version": 1,
        "tool": {"name": "sfa-migrate", "version": __version__},
        "target": target,
        "files": files,
        "sheets": sheets,
        "rows": {
            "data": data_rows,
            "skipped": int(status.get("skipped", 0)),
            "exported": int(status.get("exported", 0)),
            "merged": int(status.get("merged", 0)),
            "rejected": int(status.get("rejected", 0)),
            "blank": sum(1 for t in ingest.tables for _, why in t.skipped if why == "row.blank"),
        },
        "columns": {"mapped": mapped, "unmapped": len(unmapped), "unmapped_list": unmapped},
        "findings": {
            "total": int(len(findings)),
            "by_rule": by_rule,
            "by_severity": by_sev,
            "by_source": by_src,
        },
    }


def write_outputs(result: RunResult, out: Path, fields: list[str]) -> list[str]:
    """records.csv, crosswalk.csv, findings.csv, report.json into ``out``."""
    rec = result.records
    cols = {
        "source_file": rec[SOURCE_FILE],
        "source_sheet": rec[SOURCE_SHEET],
        "source_row": rec[SOURCE_ROW],
    }
    frame = pd.DataFrame(cols)
    for f in fields:
        frame[f] = rec[f] if f in rec.columns else ""
    write_csv(frame, out / "records.csv")
    write_csv(result.crosswalk, out / "crosswalk.csv")
    write_csv(result.findings, out / "findings.csv")
    write_json(result.report, out / "report.json")
    return ["records.csv", "crosswalk.csv", "findings.csv", "report.json"]


__all__ = ["RunResult", "build_crosswalk", "build_report", "inspect", "run", "ROW_KEY"]
