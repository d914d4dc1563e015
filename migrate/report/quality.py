"""Section "quality": completeness per source and per owner, findings, unknown stages, headers.

In: the :class:`~migrate.report.context.Context`. Out: the ``quality`` section of report.json.
Completeness of a field is the share of rows whose value is filled *among the rows whose
sheet has a column for that field*; a sheet without the column shows ``null`` (a layout gap,
not a person's gap). After normalize, a value that could not be used (an invalid e-mail,
an unknown stage) is blank and so counts as missing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..columnar import map_values
from ..findings import SEVERITIES
from ..schema import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from . import values as v
from .context import Context

UNKNOWN_STAGE = "normalize.unknown-stage"
DOUBTFUL_METHODS = ("fuzzy", "sniff", "ambiguous")
# fields that only make sense at some stages: their completeness counts only those records
APPLIES_TO_STATUS = {"lost_reason": "lost", "next_action": "open", "next_action_date": "open"}


def report_fields(ctx: Context) -> list[str]:
    """Canonical fields shown in the completeness tables: the rule list, where some sheet maps them."""
    mapped = {c.field for t in ctx.tables if t.kind == "table" for c in t.columns if c.field}
    wanted = list(ctx.rules.fields) or sorted(mapped)
    return [f for f in wanted if f in mapped]


def build_quality(ctx: Context, catalogue: Catalogue) -> dict[str, Any]:
    """The ``quality`` section (findings grouped by the themes of ``catalogue``)."""
    fields = report_fields(ctx)
    # per record and field, once for both tables: has its sheet the column, is it filled
    has = _has_column(ctx, list(dict.fromkeys([*fields, "owner"])))
    fil = _filled_frame(ctx, fields)
    return {
        "fields": fields,
        "completeness": _completeness(ctx, fields, has, fil),
        "by_owner": _by_owner(ctx, fields, has, fil),
        "findings": _findings(ctx, catalogue),
        "unknown_stages": _unknown_stages(ctx),
        "unmapped_headers": _unmapped(ctx),
        "doubtful_mappings": _doubtful(ctx),
    }


def _has_column(ctx: Context, fields: list[str]) -> pd.DataFrame:
    """Per record and field: does the record's sheet have a column for the field (and does the
    field apply to the record's stage, see APPLIES_TO_STATUS)?"""
    rec = ctx.records
    sheet_fields = {(t.file, t.sheet): {c.field for c in t.columns if c.field} for t in ctx.tables}
    # one answer per sheet, spread over its records
    # each record's (file, sheet) as one number: the file's code and the sheet's (no tuple
    # per record)
    file_codes, files = pd.factorize(v.texts(rec[SOURCE_FILE]))
    sheet_codes, sheet_names = pd.factorize(v.texts(rec[SOURCE_SHEET]))
    width = max(len(sheet_names), 1)
    codes, pairs = pd.factorize(file_codes.astype(np.int64) * width + sheet_codes)
    sheets = [(files[p // width], sheet_names[p % width]) for p in pairs.tolist()]
    per_sheet = np.array(
        [[f in sheet_fields.get(k, ()) for f in fields] for k in sheets], dtype=bool
    ).reshape(len(sheets), len(fields))
    frame = pd.DataFrame(per_sheet[codes], index=rec.index, columns=fields, dtype=bool)
    status_of = {s.key: s.status for s in ctx.model.stages}
    status = map_values(ctx.stages, lambda k: status_of.get(k, ""))
    for f, st in APPLIES_TO_STATUS.items():
        if f in frame.columns:
            frame[f] = frame[f] & (status == st).to_numpy()
    return frame


def _filled_frame(ctx: Context, fields: list[str]) -> pd.DataFrame:
    rec = ctx.records
    return pd.DataFrame({f: ctx.filled(f) for f in fields}, index=rec.index, dtype=bool)


def _share(filled: np.ndarray, has: np.ndarray) -> float | None:
    n = int(has.sum())
    return round(float((filled & has).sum()) / n, 4) if n else None


def rows_by_source(rec: pd.DataFrame) -> dict[tuple[object, object], np.ndarray]:
    """The row positions of each (file, sheet) of the records, in order: a folder of many
    trackers asks this per source, and a scan of every row per source grows with their
    product."""
    if not len(rec) or SOURCE_FILE not in rec.columns or SOURCE_SHEET not in rec.columns:
        return {}
    groups = rec.groupby([SOURCE_FILE, SOURCE_SHEET], sort=False, dropna=False).indices
    return {key: np.asarray(pos, dtype=np.intp) for key, pos in groups.items()}


def _completeness(
    ctx: Context, fields: list[str], has: pd.DataFrame, fil: pd.DataFrame
) -> dict[str, Any]:
    rec = ctx.records
    by_source = []
    at = rows_by_source(rec)  # each source's rows found once, not one scan per source
    none = np.empty(0, dtype=np.intp)
    has_of = {f: has[f].to_numpy(dtype=bool) for f in fields}
    fil_of = {f: fil[f].to_numpy(dtype=bool) for f in fields}
    for t in ctx.tables:
        if t.kind != "table":
            continue
        pos = at.get((t.file, t.sheet), none)
        by_source.append(
            {
                "file": t.file,
                "sheet": t.sheet,
                "rows": len(pos),
                "fields": {f: _share(fil_of[f][pos], has_of[f][pos]) for f in fields},
            }
        )
    overall = {}
    for f in fields:
        n_has = int(has[f].sum())
        n_fill = int((fil[f] & has[f]).sum())
        overall[f] = {
            "filled": n_fill,
            "rows_with_column": n_has,
            "share": round(n_fill / n_has, 4) if n_has else None,
            "share_all_rows": round(n_fill / len(rec), 4) if len(rec) else None,
        }
    return {"rows": int(len(rec)), "by_source": by_source, "overall": overall}


def _by_owner(
    ctx: Context, fields: list[str], has: pd.DataFrame, fil: pd.DataFrame
) -> dict[str, Any]:
    rec = ctx.records
    has_owner = has["owner"]
    if not has_owner.any():
        return {"available": False, "reason": "no-owner-column", "owners": [], "omitted": 0}
    owners = v.texts(v.column(rec, "owner"))
    owners = owners.where(
        has_owner, None
    )  # rows from sheets without an owner column are not anyone's
    counts = owners.dropna().value_counts()
    order = sorted(counts.index, key=lambda o: (-int(counts[o]), o == "", o))
    shown = [f for f in fields if f != "owner"]
    # per owner and field: records with the column, and of those the filled ones
    with_column = has[shown].groupby(owners).sum()
    filled = (fil[shown] & has[shown]).groupby(owners).sum()
    out = []
    for o in order[: ctx.rules.owners]:
        out.append(
            {
                "owner": o,
                "rows": int(counts[o]),
                "fields": {f: _ratio(filled.at[o, f], with_column.at[o, f]) for f in shown},
            }
        )
    return {
        "available": True,
        "owners": out,
        "omitted": max(0, len(order) - ctx.rules.owners),
        "rows_without_owner_column": int((~has_owner).sum()),
    }


def _ratio(filled: object, n: object) -> float | None:
    """:func:`_share` from counts."""
    return round(float(filled) / int(n), 4) if int(n) else None  # type: ignore[arg-type, call-overload]


def _example(ctx: Context, row: dict[str, Any]) -> dict[str, Any]:
    field = v.text(row.get("field"))
    return {
        **ctx.where(row.get("file"), row.get("sheet"), row.get("row")),
        "column": v.text(row.get("column")),
        "field": field,
        "original": ctx.show(row.get("original"), field),
        "value": ctx.show(row.get("value"), field),
        "action": v.text(row.get("action")),
        "message": ctx.show(row.get("message")),
    }


def _findings(ctx: Context, catalogue: Catalogue) -> dict[str, Any]:
    fd = ctx.findings
    n = ctx.rules.examples
    sev_rank: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
    t = {c: v.texts(fd[c]) for c in ("rule", "severity", "file", "sheet", "column", "field")}
    # counted a column at a time; the examples are the first rows of each rule
    by_rule: dict[str, dict[str, Any]] = {}
    pairs = pd.DataFrame({"rule": t["rule"], "severity": t["severity"]})
    for (rule, sev), count in pairs.groupby(["rule", "severity"], sort=False).size().items():
        e = by_rule.setdefault(
            rule,
            {"rule": rule, "severity": sev, "count": 0, "by_severity": Counter(), "examples": []},
        )
        e["count"] += int(count)
        e["by_severity"][sev] += int(count)
        if sev_rank.get(sev, 0) > sev_rank.get(e["severity"], 0):
            e["severity"] = sev
    if len(fd):
        rule_of = t["rule"].to_numpy()
        at = pd.Series(np.arange(len(fd))).groupby(rule_of, sort=False).head(n).to_numpy()
        for rule, row in zip(rule_of[at], fd.iloc[at].to_dict("records"), strict=True):
            by_rule[rule]["examples"].append(_example(ctx, row))
    by_source: dict[tuple[str, str], Counter[str]] = {}
    keys = pd.DataFrame({"file": t["file"], "sheet": t["sheet"], "severity": t["severity"]})
    for (f, s, sev), count in (
        keys.groupby(["file", "sheet", "severity"], sort=False).size().items()
    ):
        by_source.setdefault((f, s), Counter())[sev] += int(count)
    by_column: Counter[tuple[str, str, str, str]] = Counter()
    named = (t["column"] != "") | (t["field"] != "")
    cols = pd.DataFrame({c: t[c][named] for c in ("file", "sheet", "column", "field")})
    for key, count in cols.groupby(list(cols.columns), sort=False).size().items():
        by_column[key] += int(count)
    rules = sorted(
        by_rule.values(), key=lambda e: (-sev_rank.get(e["severity"], 0), -e["count"], e["rule"])
    )
    for e in rules:
        e["by_severity"] = {s: int(e["by_severity"].get(s, 0)) for s in SEVERITIES}
        e["theme"] = catalogue.theme_of(e["rule"])
    return {
        "total": int(len(fd)),
        "by_severity": {s: int((fd["severity"] == s).sum()) if len(fd) else 0 for s in SEVERITIES},
        "by_rule": rules,
        "by_theme": _by_theme(rules, catalogue),
        "by_source": [
            {
                "file": f,
                "sheet": s,
                "total": sum(c.values()),
                **{k: int(c.get(k, 0)) for k in SEVERITIES},
            }
            for (f, s), c in sorted(by_source.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        ],
        "by_column": [
            {"file": f, "sheet": s, "column": c, "field": fl, "count": k}
            for (f, s, c, fl), k in sorted(by_column.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def _by_theme(rules: list[dict[str, Any]], catalogue: Catalogue) -> list[dict[str, Any]]:
    """The rule ids grouped by theme, the most important theme first: errors, then warnings,
    then the number of findings (the catalogue's theme order breaks ties)."""
    themes: dict[str, dict[str, Any]] = {}
    for r in rules:  # already errors first, then by count
        t = themes.setdefault(
            r["theme"],
            {
                "theme": r["theme"],
                "count": 0,
                "by_severity": dict.fromkeys(SEVERITIES, 0),
                "rules": [],
            },
        )
        t["count"] += r["count"]
        for s in SEVERITIES:
            t["by_severity"][s] += r["by_severity"][s]
        t["rules"].append(r["rule"])
    for t in themes.values():
        t["severity"] = next((s for s in reversed(SEVERITIES) if t["by_severity"][s]), "info")
    return sorted(
        themes.values(),
        key=lambda t: (
            -t["by_severity"]["error"],
            -t["by_severity"]["warning"],
            -t["count"],
            catalogue.theme_order(t["theme"]),
        ),
    )


def _unknown_stages(ctx: Context) -> list[dict[str, Any]]:
    """Stage words the model does not know, with the number of rows that use them."""
    fd = ctx.findings
    words: dict[str, dict[str, Any]] = {}
    if len(fd):
        hits = fd[fd["rule"] == UNKNOWN_STAGE]
        for row in hits.to_dict("records"):
            w = v.text(row["original"])
            e = words.setdefault(w, {"word": w, "rows": 0, "source": "findings", "examples": []})
            e["rows"] += 1
            if len(e["examples"]) < ctx.rules.examples:
                e["examples"].append(ctx.where(row["file"], row["sheet"], row["row"]))
    # before normalize runs the records still hold the source words: what the model cannot
    # resolve is unknown too (after normalize an unknown stage is "" and only the finding has it)
    raw = v.per_value(v.column(ctx.records, "stage"), v.text)
    unknown = (raw != "") & (ctx.stages == "")
    for i in raw[unknown].index:
        w = raw[i]
        if w in words and words[w]["source"] == "findings":
            continue
        e = words.setdefault(w, {"word": w, "rows": 0, "source": "records", "examples": []})
        e["rows"] += 1
        if len(e["examples"]) < ctx.rules.examples:
            r = ctx.records.loc[i]
            e["examples"].append(ctx.where(r[SOURCE_FILE], r[SOURCE_SHEET], r[SOURCE_ROW]))
    return sorted(words.values(), key=lambda e: (-e["rows"], e["word"]))


def _unmapped(ctx: Context) -> list[dict[str, Any]]:
    listed = (ctx.report.get("columns") or {}).get("unmapped_list")
    if listed is not None:
        return [dict(x) for x in listed]
    return [
        {"file": t.file, "sheet": t.sheet, "column": c.column, "header": c.header, "note": c.note}
        for t in ctx.tables
        if t.kind == "table"
        for c in t.columns
        if not c.field
    ]


def _doubtful(ctx: Context) -> list[dict[str, Any]]:
    return [
        {
            "file": t.file,
            "sheet": t.sheet,
            "column": c.column,
            "header": c.header,
            "field": c.field,
            "method": c.method,
            "confidence": round(float(c.confidence), 3),
            "note": c.note,
        }
        for t in ctx.tables
        if t.kind == "table"
        for c in t.columns
        if c.field and c.method in DOUBTFUL_METHODS
    ]
