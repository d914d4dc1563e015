"""Section "import": can we import? Row reconciliation, validation, rejections, failed files.

In: the :class:`~migrate.report.context.Context`. Out: the ``import`` section of report.json.
Every row read is accounted for per file and sheet: ``in = exported + merged + rejected +
skipped`` (skipped = title, subtotal, note, repeated-header rows and the rows of sheets that
are not record tables); blank rows are counted apart and are not part of ``in``.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pandas as pd

from ..catalogue import rule_in, split_reasons
from ..crosswalk import DEAL_NOT_EXPORTED
from . import values as v
from .context import Context

STATUSES = ("exported", "merged", "rejected", "skipped")
BLANK = "row.blank"


def build_import(ctx: Context) -> dict[str, Any]:
    """The ``import`` section."""
    sheets = _reconcile(ctx)
    totals = {k: sum(s[k] for s in sheets) for k in ("in", "data", *STATUSES, "blank")}
    totals["balanced"] = all(s["balanced"] for s in sheets)
    skipped_reasons: Counter[str] = Counter()
    for s in sheets:
        skipped_reasons.update(s["skipped_reasons"])
    failed = [
        {
            "file": str(p.path),
            "code": getattr(p, "code", ""),
            "error": getattr(p, "problem", str(p)),
            "hint": getattr(p, "hint", ""),
        }
        for p in getattr(ctx.result, "problems", []) or []
    ]
    validation = _validation(ctx)
    rejections = _rejections(ctx)
    errors = int((ctx.findings["severity"] == "error").sum()) if len(ctx.findings) else 0
    return {
        "verdict": _verdict(ctx, totals, failed, validation, errors),
        "totals": totals,
        "skipped_reasons": dict(sorted(skipped_reasons.items())),
        "sheets": sheets,
        "failed_files": failed,
        "validation": validation,
        "rejections": rejections,
        "error_findings": errors,
        # deals lacking a value the target requires, and the policy that decided (a
        # placeholder or a rejection): how many deals and rows each choice affects
        "missing_required": [dict(m) for m in getattr(ctx.export, "missing_required", ()) or ()],
    }


def _reconcile(ctx: Context) -> list[dict[str, Any]]:
    cw = ctx.crosswalk
    counts: dict[tuple[str, str], Counter[str]] = {}
    if len(cw):
        keys = pd.DataFrame(
            {
                "f": v.per_value(cw["source_file"], v.text),
                "s": v.per_value(cw["source_sheet"], v.text),
                "st": v.per_value(cw["status"], v.text),
            }
        )
        # rows per (file, sheet, status), the sheets in the order they first appear
        for (f, s, st), n in keys.groupby(["f", "s", "st"], sort=False).size().items():
            counts.setdefault((f, s), Counter())[st] += int(n)
    out = []
    seen = set()
    for t in ctx.tables:
        key = (t.file, t.sheet)
        seen.add(key)
        reasons = Counter(why for _, why in t.skipped if why != BLANK)
        c = counts.get(key, Counter())
        data = len(t.data_rows)
        row = {
            "file": t.file,
            "sheet": t.sheet,
            "kind": t.kind,
            "reason": t.reason,
            "in": data + sum(reasons.values()),
            "data": data,
            **{k: int(c.get(k, 0)) for k in STATUSES},
            "blank": sum(1 for _, why in t.skipped if why == BLANK),
            "skipped_reasons": dict(sorted(reasons.items())),
            # a sheet skipped whole: the rows it held, so that it does not vanish quietly
            "rows_not_read": int(getattr(t, "skipped_rows", 0) or 0) if t.kind == "skipped" else 0,
        }
        out.append(_balance(row))
    for (f, s), c in counts.items():  # rows the crosswalk knows but no table does (defensive)
        if (f, s) not in seen:
            data = c["exported"] + c["merged"] + c["rejected"]
            out.append(
                _balance(
                    {
                        "file": f,
                        "sheet": s,
                        "kind": "table",
                        "reason": "",
                        "in": data + c["skipped"],
                        "data": data,
                        **{k: int(c.get(k, 0)) for k in STATUSES},
                        "blank": 0,
                        "skipped_reasons": {},
                        "rows_not_read": 0,
                    }
                )
            )
    return out


def _balance(row: dict[str, Any]) -> dict[str, Any]:
    accounted = sum(row[k] for k in STATUSES)
    row["balanced"] = (
        accounted == row["in"] and row["exported"] + row["merged"] + row["rejected"] == row["data"]
    )
    return row


def _validation(ctx: Context) -> dict[str, Any]:
    export = ctx.export
    raw = getattr(export, "validation", None) if export is not None else None
    if raw is not None and not isinstance(raw, dict):
        raw = getattr(raw, "summary", None)
    if not raw:
        return {"available": False, "files": []}
    files = []
    for name, s in sorted(raw.items()):
        s = dict(s or {})
        failures = [
            {
                "expectation": v.text(f.get("expectation")),
                "rule": v.text(f.get("rule")),
                "action": v.text(f.get("action")),
                "rows": int(f.get("rows", 0) or 0),
            }
            for f in s.get("failures", []) or []
        ]
        rejected = int(s.get("rejected", 0) or 0)
        failed = int(s.get("failed", len(failures)) or 0)
        files.append(
            {
                "file": str(name),
                "expectations": int(s.get("expectations", 0) or 0),
                "passed": int(s.get("passed", 0) or 0),
                "failed": failed,
                "rows_in": int(s.get("rows_in", 0) or 0),
                "rows_out": int(s.get("rows_out", 0) or 0),
                "rejected": rejected,
                "failures": failures,
                "status": "passed" if not failed else ("rejected" if rejected else "reported"),
            }
        )
    return {"available": True, "files": files}


def _rejections(ctx: Context) -> dict[str, Any]:
    n = ctx.rules.examples
    cw = ctx.crosswalk
    rows = cw[cw["status"] == "rejected"] if len(cw) else cw
    reasons: dict[str, dict[str, Any]] = {}
    for f, s, r, why in zip(
        rows.get("source_file", []),
        rows.get("source_sheet", []),
        rows.get("source_row", []),
        rows.get("reason", []),
    ):
        for reason in split_reasons(v.text(why)) or ["(no reason given)"]:
            key = _reason_kind(reason)
            entry = reasons.setdefault(
                key, {"reason": key, "rule": rule_in(reason), "count": 0, "examples": []}
            )
            entry["count"] += 1
            if len(entry["examples"]) < n:
                entry["examples"].append(ctx.where(f, s, r))
    out: dict[str, Any] = {
        "total": int(len(rows)),
        "reasons": sorted(reasons.values(), key=lambda e: (-e["count"], e["reason"])),
    }
    export = ctx.export
    rejects = getattr(export, "rejects", None) if export is not None else None
    if isinstance(rejects, pd.DataFrame):
        out["checks"] = _checks(ctx, rejects)
    return out


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_COUNT = re.compile(r"\bis \d+ characters long")


def _reason_kind(reason: str) -> str:
    """A reason with its row's own values left out, so rows with the same problem group."""
    return _COUNT.sub("is too long", _QUOTED.sub("…", reason))


def _checks(ctx: Context, rejects: pd.DataFrame) -> list[dict[str, Any]]:
    """Failed import-file checks grouped by rule id, with examples."""
    groups: dict[str, dict[str, Any]] = {}
    for rec in rejects.to_dict("records"):
        rule = v.text(rec.get("rule")) or "(no rule)"
        g = groups.setdefault(rule, {"rule": rule, "count": 0, "files": Counter(), "examples": []})
        g["count"] += 1
        g["files"][v.text(rec.get("file"))] += 1
        if len(g["examples"]) < ctx.rules.examples:
            column = v.text(rec.get("column"))
            g["examples"].append(
                {
                    "file": v.text(rec.get("file")),
                    "external_id": v.text(rec.get("external_id")),
                    "column": column,
                    "value": ctx.show(rec.get("value"), _field_of(column)),
                    "reason": ctx.show(rec.get("reason")),
                    "fix": v.text(rec.get("fix")),
                    "source_rows": v.text(rec.get("source_rows")),
                }
            )
    out = []
    for g in sorted(groups.values(), key=lambda g: (-g["count"], g["rule"])):
        g["files"] = dict(sorted(g["files"].items()))
        out.append(g)
    return out


def _field_of(column: str) -> str:
    low = column.lower()
    if "mail" in low:
        return "email"
    if "phone" in low or "tel" in low or "電話" in column:
        return "phone"
    return ""


def _verdict(
    ctx: Context,
    totals: dict[str, Any],
    failed: list[dict[str, Any]],
    validation: dict[str, Any],
    errors: int,
) -> dict[str, Any]:
    reasons = []
    if failed:
        reasons.append("files-failed")
    rows = totals["data"]
    if rows and totals["rejected"] / rows > ctx.rules.max_rejected_share:
        reasons.append("rows-rejected")
    if errors > ctx.rules.max_error_findings:
        reasons.append("error-findings")
    if len(ctx.findings) and (ctx.findings["rule"] == DEAL_NOT_EXPORTED).any():
        reasons.append("deals-not-exported")
    if any(f["status"] == "rejected" for f in validation["files"]):
        reasons.append("validation-failed")
    if not totals["balanced"]:
        reasons.append("rows-unaccounted")
    if totals["exported"] == 0:
        return {"status": "blocked", "reasons": ["nothing-exported", *reasons]}
    if ctx.export is None:  # an audit: no import file was built or checked
        return {"status": "audit", "reasons": [*reasons, "not-validated"]}
    return {"status": "attention" if reasons else "ready", "reasons": reasons}
