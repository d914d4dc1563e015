"""The summary part of report.json: what was read and what became of it.

In: a run's result (tables, files read, problems, records, crosswalk, findings). Out: the
``report_version``, ``tool``, ``target``, ``files``, ``sheets``, ``rows``, ``columns`` and
``findings`` keys (see docs/report-json.md); :func:`migrate.report.build_report` adds the
sections to it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import __version__


def build_summary(result: Any, *, target: str | None) -> dict[str, Any]:
    """The summary of report.json: files, sheets, row counts by class, column mapping, findings."""
    tables = list(getattr(result, "tables", []) or [])
    files_read = list(getattr(result, "files", []) or [])
    problems = list(getattr(result, "problems", []) or [])
    records, crosswalk, findings = result.records, result.crosswalk, result.findings
    sheets = []
    for t in tables:
        counts = Counter(why for _, why in t.skipped)
        sheets.append(
            {
                "file": t.file,
                "sheet": t.sheet,
                "kind": t.kind,
                "reason": t.reason,
                "reason_text": t.reason_text,
                "skipped_rows": int(getattr(t, "skipped_rows", 0) or 0),
                "header_row": t.header_row,
                "header_rows": t.header_rows,
                "rows": {
                    "data": len(t.data_rows),
                    **{k.removeprefix("row."): v for k, v in sorted(counts.items())},
                },
                "columns": [c.to_json() | {"method": c.method, "note": c.note} for c in t.columns],
            }
        )
    status = Counter(crosswalk["status"].tolist()) if len(crosswalk) else Counter()
    # a file opened but then found wanting (an empty workbook) is a failed file, not also a
    # read one: the report said 21 read and 5 failed where 20 were read
    unusable = {str(p.path) for p in problems}
    files = [
        {"file": f.name, "format": f.format, "status": "read"}
        for f in files_read
        if str(f.path) not in unusable
    ]
    files += [
        {"file": p.path, "status": "failed", "code": p.code, "error": p.problem, "hint": p.hint}
        for p in problems
    ]
    unmapped = [
        {"file": t.file, "sheet": t.sheet, "column": c.column, "header": c.header, "note": c.note}
        for t in tables
        if t.kind == "table"
        for c in t.columns
        if not c.field
    ]
    mapped = sum(1 for t in tables if t.kind == "table" for c in t.columns if c.field)
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
            "blank": sum(1 for t in tables for _, why in t.skipped if why == "row.blank"),
        },
        "columns": {"mapped": mapped, "unmapped": len(unmapped), "unmapped_list": unmapped},
        "findings": {
            "total": int(len(findings)),
            "by_rule": by_rule,
            "by_severity": by_sev,
            "by_source": by_src,
        },
    }
