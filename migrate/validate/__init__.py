"""Validate import files with Great Expectations before anything is written.

In: the import frames (visible columns plus the hidden ``_id``, ``_row_keys`` and optionally
``_stage`` columns) and per file its :class:`FileRules`. Out: a :class:`Validation` with the
surviving frames, the rejected rows (one row per failed check: file, external id, reason id,
expectation, column, value, reason, fix, source rows) and a summary per file for report.json.

Every file is validated once with all of its checks; then parent links are checked against the
ids that survived in the parent files, again and again until nothing changes, so the children
of a rejected record are rejected too ("parent rejected").
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .checks import (
    EXPECTATIONS,
    HIDDEN_PREFIX,
    ID,
    PARENT_REJECTED,
    REASONS,
    ROW_KEYS,
    STAGE,
    Check,
    FileRules,
    describe,
    parent_rejected,
)

__all__ = [
    "EXPECTATIONS", "ID", "PARENT_REJECTED", "REASONS", "REJECT_COLUMNS", "ROW_KEYS", "STAGE",
    "Check", "FileRules", "Validation", "validate_files",
]

REJECT_COLUMNS = ["file", "external_id", "rule", "expectation", "column", "value", "reason", "fix",
                  "source_rows"]


@dataclass
class Validation:
    """Surviving frames, rejected rows and a summary per file."""

    files: dict[str, pd.DataFrame]
    rejects: pd.DataFrame
    summary: dict[str, dict[str, Any]] = field(default_factory=dict)


def _gx_frame(frame: pd.DataFrame, extra: dict[str, pd.Series]) -> pd.DataFrame:
    """The frame GX sees: "" is None (so optional columns pass), plus helper columns."""
    out = frame.reset_index(drop=True).astype("object")
    out = out.where(out.map(lambda v: v is not None and v == v and v != ""), None)
    for name, values in extra.items():
        out[name] = values.reset_index(drop=True)
    return out


def _plan(frame: pd.DataFrame, checks: tuple[Check, ...]) -> tuple[list[tuple[Check, str]],
                                                                     dict[str, pd.Series]]:
    """(check, GX column) pairs and the helper columns some checks need."""
    plan: list[tuple[Check, str]] = []
    extra: dict[str, pd.Series] = {}
    present = set(frame.columns)
    # a column a check needs but the file lacks: one "exists" check, rejecting every row when
    # any check on that column would reject
    missing: dict[str, str] = {}
    for check in checks:
        for c in check.columns if check.kind == "any_of" else (check.column,):
            if c not in present and missing.get(c) != "reject":
                missing[c] = check.action
    for c, action in missing.items():
        plan.append((Check("exists", c, action=action), c))  # type: ignore[arg-type]
    for check in checks:
        cols = check.columns if check.kind == "any_of" else (check.column,)
        if check.kind == "exists" or any(c in missing for c in cols):
            continue
        if check.kind == "any_of":
            name = "_any:" + "|".join(cols)
            filled = frame[list(cols)].map(lambda v: v is not None and v == v and v != "")
            extra[name] = filled.any(axis=1).map(lambda b: "x" if b else None)
            plan.append((check, name))
        elif check.kind == "between":
            name = "_num:" + check.column
            # a value that is no number at all fails the format check, not this one
            extra[name] = pd.to_numeric(frame[check.column].map(lambda v: v or None),
                                        errors="coerce")
            plan.append((check, name))
        else:
            plan.append((check, check.column))
    if STAGE not in present and any(c.when_stages for c, _ in plan):
        extra[STAGE] = pd.Series([None] * len(frame), dtype="object")
    return plan, extra


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v)


class _Rejects:
    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def add(self, file: str, row: pd.Series, check: Check, reason: str, fix: str, rule: str,
            value: object) -> None:
        self.rows.append({
            "file": file, "external_id": _text(row.get(ID)), "rule": rule,
            "expectation": check.expectation, "column": check.column, "value": _text(value),
            "reason": reason, "fix": fix, "source_rows": _text(row.get(ROW_KEYS)),
        })

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in REJECT_COLUMNS})
        return pd.DataFrame(self.rows, columns=REJECT_COLUMNS).astype("object")


def validate_files(frames: Mapping[str, pd.DataFrame],
                   rules: Mapping[str, FileRules]) -> Validation:
    """Run every file's checks with GX; split the rows into survivors and rejects."""
    from .gx import run_checks

    rejects = _Rejects()
    alive: dict[str, pd.DataFrame] = {}
    stats: dict[str, dict[str, Any]] = {}
    for name, frame in frames.items():
        started = time.perf_counter()
        frame = frame.reset_index(drop=True)
        checks = rules[name].checks if name in rules else ()
        plan, extra = _plan(frame, tuple(c for c in checks if c.kind != "parent"))
        outcomes = run_checks(_gx_frame(frame, extra), plan, name)
        bad: set[int] = set()
        failures: dict[str, dict[str, Any]] = {}
        for o in outcomes:
            c = o.check
            rows = o.rows if c.kind != "exists" else (tuple(range(len(frame))) if not o.success
                                                       else ())
            if not o.success:
                _count(failures, c, len(rows))
            if c.action != "reject":
                continue
            for i in rows:
                row = frame.iloc[i]
                value = row.get(c.column) if c.kind != "any_of" else ""
                reason, fix = describe(c, value)
                rejects.add(name, row, c, reason, fix, c.rule_id, value)
                bad.add(i)
        alive[name] = frame.drop(index=sorted(bad)).reset_index(drop=True)
        stats[name] = {"expectations": len(plan), "failed_checks": failures,
                       "rows_in": len(frame), "seconds": time.perf_counter() - started}

    # parent links, until stable: a child whose parent was rejected goes too
    ids_before = {n: _ids(frames[n], rules[n].id_column) for n in frames if n in rules}
    links = {n: [c for c in rules[n].checks if c.kind == "parent"] for n in frames if n in rules}
    for n, cs in links.items():
        stats[n]["expectations"] += len(cs)
    changed = True
    while changed:
        changed = False
        for name, checks in links.items():
            if not checks or not len(alive[name]):
                continue
            started = time.perf_counter()
            frame = alive[name]
            plan = []
            for c in checks:
                parent = alive.get(c.parent)
                ids = _ids(parent, rules[c.parent].id_column) if parent is not None else set()
                plan.append((_with_values(c, ids), c.column))
            plan_checks, extra = _plan(frame, tuple(c for c, _ in plan))
            outcomes = run_checks(_gx_frame(frame, extra), plan_checks, name)
            bad = set()
            for o in outcomes:
                c = o.check
                if o.success:
                    continue
                _count(stats[name]["failed_checks"], c, len(o.rows))
                for i in o.rows:
                    row = frame.iloc[i]
                    value = row.get(c.column)
                    if _text(value) in ids_before.get(c.parent, set()):
                        reason, fix = parent_rejected(c, value)
                        rule = PARENT_REJECTED
                    else:
                        reason, fix = describe(c, value)
                        rule = c.rule_id
                    rejects.add(name, row, c, reason, fix, rule, value)
                    bad.add(i)
            stats[name]["seconds"] += time.perf_counter() - started
            if bad:
                changed = True
                alive[name] = frame.drop(index=sorted(bad)).reset_index(drop=True)

    summary = {}
    for name, s in stats.items():
        failed = s["failed_checks"]
        summary[name] = {
            "expectations": s["expectations"],
            "passed": s["expectations"] - len(failed),
            "failed": len(failed),
            "rows_in": s["rows_in"],
            "rows_out": len(alive[name]),
            "rejected": s["rows_in"] - len(alive[name]),
            "failures": sorted(failed.values(), key=lambda f: (f["expectation"], f["rule"])),
            "seconds": round(s["seconds"], 3),
        }
    return Validation(alive, rejects.frame(), summary)


def _with_values(check: Check, ids: set[str]) -> Check:
    from dataclasses import replace

    return replace(check, values=tuple(sorted(ids)))


def _ids(frame: pd.DataFrame, column: str) -> set[str]:
    if not column or column not in frame.columns:
        return set()
    return {_text(v) for v in frame[column] if _text(v)}


def _count(failures: dict[str, dict[str, Any]], check: Check, rows: int) -> None:
    key = f"{check.expectation}|{check.rule_id}"
    entry = failures.setdefault(key, {"expectation": check.expectation, "rule": check.rule_id,
                                      "action": check.action, "rows": 0})
    entry["rows"] += rows


def visible_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that are written (hidden bookkeeping columns start with ``_``)."""
    return [c for c in frame.columns if not str(c).startswith(HIDDEN_PREFIX)]
