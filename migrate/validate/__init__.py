"""Validate import files with Great Expectations before anything is written.

In: the import frames (visible columns plus the hidden ``_id``, ``_row_keys`` and optionally
``_stage`` and ``_currency`` columns) and per file its :class:`FileRules`. Out: a
:class:`Validation` with the surviving frames, the rejected rows (one row per failed check: file, external id, reason id,
expectation, column, value, reason, fix, source rows) and a summary per file for report.json.

Every file is validated once with all of its checks; then parent links are checked against the
ids that survived in the parent files, again and again until nothing changes, so the children
of a rejected record are rejected too ("parent rejected").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..columnar import isin_texts
from .checks import (
    CURRENCY,
    EXPECTATIONS,
    HIDDEN_PREFIX,
    ID,
    PARENT_REJECTED,
    REASONS,
    ROW_KEYS,
    STAGE,
    Action,
    Check,
    FileRules,
    describe,
    parent_rejected,
)
from .gx import LINKED, PARSED, parsed_dates

__all__ = [
    "CURRENCY",
    "EXPECTATIONS",
    "ID",
    "PARENT_REJECTED",
    "REASONS",
    "REJECT_COLUMNS",
    "ROW_KEYS",
    "STAGE",
    "Check",
    "FileRules",
    "Validation",
    "validate_files",
]

REJECT_COLUMNS = [
    "file",
    "external_id",
    "rule",
    "expectation",
    "column",
    "value",
    "reason",
    "fix",
    "source_rows",
]


@dataclass
class Validation:
    """Surviving frames, rejected rows and a summary per file."""

    files: dict[str, pd.DataFrame]
    rejects: pd.DataFrame
    summary: dict[str, dict[str, Any]] = field(default_factory=dict)


def _gx_frame(
    frame: pd.DataFrame, extra: dict[str, pd.Series], plan: list[tuple[Check, str]] | None = None
) -> pd.DataFrame:
    """The frame GX sees: "" is None (so optional columns pass), plus helper columns.

    With ``plan``, only the columns its checks read (and the stage column a row condition
    reads): GX hashes, copies and converts the whole frame it is given, and an import file
    holds many columns no check looks at."""
    if plan is not None:
        wanted = {column for _, column in plan}
        if any(check.when_stages for check, _ in plan):
            wanted.add(STAGE)
        frame = frame[[c for c in frame.columns if c in wanted]]
    frame = frame.reset_index(drop=True)
    # the blanks found in the file's own columns (Arrow texts compared in C), not in the
    # Python objects GX is given
    out = frame.astype("object").where(~frame.apply(_blank), None)
    for name, values in extra.items():
        out[name] = values.reset_index(drop=True)
    return out


def _plan(
    frame: pd.DataFrame, checks: tuple[Check, ...]
) -> tuple[list[tuple[Check, str]], dict[str, pd.Series]]:
    """(check, GX column) pairs and the helper columns some checks need."""
    plan: list[tuple[Check, str]] = []
    extra: dict[str, pd.Series] = {}
    present = set(frame.columns)
    # a column a check needs but the file lacks: one "exists" check, rejecting every row when
    # any check on that column would reject
    missing: dict[str, Action] = {}
    for check in checks:
        for c in check.columns if check.kind == "any_of" else (check.column,):
            if c not in present and missing.get(c) != "reject":
                missing[c] = check.action
    for c, action in missing.items():
        plan.append((Check("exists", c, action=action), c))
    for check in checks:
        cols = check.columns if check.kind == "any_of" else (check.column,)
        if check.kind == "exists" or any(c in missing for c in cols):
            continue
        if check.kind == "any_of":
            name = "_any:" + "|".join(cols)
            filled = ~frame[list(cols)].apply(_blank)
            extra[name] = pd.Series("x", index=frame.index, dtype="object").where(
                filled.any(axis=1), None
            )
            plan.append((check, name))
        elif check.kind == "parent":
            # the link runs on a helper column (an id the parent has is LINKED), so the GX
            # suite holds one value, not every id of the parent file
            name = "_parent:" + check.column
            values = frame[check.column]
            linked = isin_texts(values, check.values)
            extra[name] = values.where(~linked, LINKED).where(~_blank(values), None)
            plan.append((check, name))
        elif check.kind == "date" and (
            (dates := parsed_dates(frame[check.column], check.pattern)) is not None
        ):
            # the format is checked once per distinct value; GX checks the helper column
            name = f"{PARSED}{check.pattern}:{check.column}"
            extra[name] = dates
            plan.append((check, name))
        elif check.kind == "between":
            name = "_num:" + check.column
            # a value that is no number at all fails the format check, not this one
            values = frame[check.column]
            extra[name] = pd.to_numeric(values.where(~_blank(values), None), errors="coerce")
            plan.append((check, name))
        elif check.kind == "currency":
            name = "_currency:" + check.column
            # the currency of each filled amount; an empty amount is in no currency
            if CURRENCY in present:
                currency = frame[CURRENCY].astype("object")
                filled = ~_blank(frame[check.column]) & ~_blank(currency)
                extra[name] = currency.where(filled, None)
            else:
                extra[name] = pd.Series([None] * len(frame), index=frame.index, dtype="object")
            plan.append((check, name))
        else:
            plan.append((check, check.column))
    if STAGE not in present and any(c.when_stages for c, _ in plan):
        extra[STAGE] = pd.Series([None] * len(frame), dtype="object")
    return plan, extra


def _filled(v: object) -> bool:
    """False for None, NaN, pd.NA and "" (what GX must see as null)."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return False
    return not (isinstance(v, str) and v == "")


def _blank(values: pd.Series) -> pd.Series:
    """True where :func:`_filled` is False, for a whole column at once."""
    blank = values.isna()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        blank |= values.eq("").fillna(False).astype(bool)
    return blank


def _text(v: object) -> str:
    return str(v) if _filled(v) else ""


class _Rejects:
    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def add(
        self,
        file: str,
        row: Mapping[str, Any],
        check: Check,
        reason: str,
        fix: str,
        rule: str,
        value: object,
    ) -> None:
        self.rows.append(
            {
                "file": file,
                "external_id": _text(row.get(ID)),
                "rule": rule,
                "expectation": check.expectation,
                "column": check.column,
                "value": _text(value),
                "reason": reason,
                "fix": fix,
                "source_rows": _text(row.get(ROW_KEYS)),
            }
        )

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in REJECT_COLUMNS})
        return pd.DataFrame(self.rows, columns=REJECT_COLUMNS).astype("object")


def validate_files(
    frames: Mapping[str, pd.DataFrame], rules: Mapping[str, FileRules]
) -> Validation:
    """Run every file's checks with GX; split the rows into survivors and rejects."""
    run = _Run(frames, rules)
    for name in frames:  # one suite per file: its own checks and its links to parents
        checks = rules[name].checks if name in rules else ()
        run.check(name, checks, first=True)
    while True:  # a parent lost rows after its children were checked: check their links again
        stale = [name for name in frames if run.stale(name)]
        if not stale:
            break
        for name in stale:
            run.check(name, tuple(c for c in rules[name].checks if c.kind == "parent"))
    return Validation(run.alive, run.rejects.frame(), run.summary())


class _Run:
    """The state of one validation: surviving rows, versions of each file, counts."""

    def __init__(self, frames: Mapping[str, pd.DataFrame], rules: Mapping[str, FileRules]) -> None:
        self.rules = rules
        self.alive = {n: f.reset_index(drop=True) for n, f in frames.items()}
        self.rows_in = {n: len(f) for n, f in frames.items()}
        self.original_ids = {
            n: _ids(f, rules[n].id_column) for n, f in frames.items() if n in rules
        }
        self.version = dict.fromkeys(frames, 0)  # bumped whenever a file loses rows
        self.seen: dict[str, dict[str, int]] = {}  # file -> parent -> version its links saw
        self.expectations = dict.fromkeys(frames, 0)
        self.failures: dict[str, dict[str, dict[str, Any]]] = {n: {} for n in frames}
        self.rejects = _Rejects()

    def parents(self, name: str) -> list[str]:
        rules = self.rules.get(name)
        return [c.parent for c in rules.checks if c.kind == "parent"] if rules else []

    def stale(self, name: str) -> bool:
        seen = self.seen.get(name, {})
        return bool(len(self.alive[name])) and any(
            seen.get(p) != self.version.get(p) for p in self.parents(name)
        )

    def check(self, name: str, checks: tuple[Check, ...], first: bool = False) -> None:
        from .gx import run_checks

        frame = self.alive[name]
        resolved = []
        for c in checks:
            if c.kind == "parent":  # the ids that survive in the parent file right now
                parent = self.alive.get(c.parent)
                id_column = self.rules[c.parent].id_column if c.parent in self.rules else ""
                ids = _ids(parent, id_column) if parent is not None else set()
                c = replace(c, values=tuple(ids))  # only looked up (see _plan), never shown
            resolved.append(c)
        self.seen[name] = {p: self.version.get(p, 0) for p in self.parents(name)}
        plan, extra = _plan(frame, tuple(resolved))
        if first:
            self.expectations[name] = len(plan)
        outcomes = run_checks(_gx_frame(frame, extra, plan), plan, name)
        bad: set[int] = set()
        failing = [
            (o, tuple(range(len(frame))) if o.check.kind == "exists" and not o.success else o.rows)
            for o in outcomes
        ]
        # the rejected rows as dicts, made once for all checks (only those rows)
        wanted = sorted({i for o, rows in failing if o.check.action == "reject" for i in rows})
        # only the columns a reject reads (ids, source rows, currency, the checked columns)
        read = {ID, ROW_KEYS, CURRENCY} | {o.check.column for o, _ in failing}
        shown = frame[[c for c in frame.columns if c in read]]
        records = dict(zip(wanted, shown.iloc[wanted].to_dict("records"), strict=True))
        for o, rows in failing:
            c = o.check
            for i in rows if c.action == "reject" else ():
                row = records[i]
                value = "" if c.kind in ("any_of", "exists") else row.get(c.column)
                rule, (reason, fix) = c.rule_id, describe(c, value, _text(row.get(CURRENCY)))
                if c.kind == "parent" and _text(value) in self.original_ids.get(c.parent, ()):
                    rule, (reason, fix) = PARENT_REJECTED, parent_rejected(c, value)
                self.rejects.add(name, row, c, reason, fix, rule, value)
                self._count(name, c, rule)
                bad.add(i)
            if not o.success and c.action != "reject":  # only counted: GX's count
                self._count(name, c, c.rule_id, len(rows) if c.kind == "exists" else o.count)
        if bad:
            self.alive[name] = frame.drop(index=sorted(bad)).reset_index(drop=True)
            self.version[name] += 1

    def _count(self, name: str, check: Check, rule: str, rows: int = 1) -> None:
        key = f"{check.expectation}|{rule}"
        entry = self.failures[name].setdefault(
            key, {"expectation": check.expectation, "rule": rule, "action": check.action, "rows": 0}
        )
        entry["rows"] += rows

    def summary(self) -> dict[str, dict[str, Any]]:
        out = {}
        for name, alive in self.alive.items():
            failed = {f["expectation"] for f in self.failures[name].values()}
            out[name] = {
                "expectations": self.expectations[name],
                "passed": self.expectations[name] - len(failed),
                "failed": len(failed),
                "rows_in": self.rows_in[name],
                "rows_out": len(alive),
                "rejected": self.rows_in[name] - len(alive),
                "failures": sorted(
                    self.failures[name].values(), key=lambda f: (f["expectation"], f["rule"])
                ),
            }
        return out


def _ids(frame: pd.DataFrame, column: str) -> set[str]:
    if not column or column not in frame.columns:
        return set()
    values = frame[column]
    # the list, not the Series: iterating a str column makes a pyarrow scalar per value
    return set(values[~_blank(values)].astype(str).tolist()) - {""}


def visible_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that are written (hidden bookkeeping columns start with ``_``)."""
    return [c for c in frame.columns if not str(c).startswith(HIDDEN_PREFIX)]
