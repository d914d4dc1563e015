"""The frame of one import file: the target's columns as text cells, plus hidden bookkeeping.

Values come from the record set through the profile's sources and maps and are written as the
target reads them (plain numbers, dates in its format, owners as user e-mails, formula-safe
text, the file's encoding, cut to the field length); every change is a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd

from ..schema import EXTRA_PREFIX, is_blank
from ..stages import StageModel
from ..validate import CURRENCY, ID, ROW_KEYS, STAGE
from . import values as v
from .findings import BuildFindings
from .profile import ColumnSpec, FileSpec, TargetProfile
from .records import SOURCE_COLUMNS, text

TEXT_TYPES = ("id", "text")

HIDDEN = (ID, ROW_KEYS, STAGE, CURRENCY, *SOURCE_COLUMNS)  # for validation/findings, not written


def source_field(col: ColumnSpec) -> str:
    return col.sources[0].split(".")[-1] if col.sources else ""


def _coalesce(records: pd.DataFrame, sources: tuple[str, ...]) -> pd.Series:
    out = pd.Series([None] * len(records), index=records.index, dtype="object")
    for s in sources:
        if s not in records.columns:
            continue
        blank = out.map(is_blank)
        if not blank.any():
            break
        out[blank] = records.loc[blank, s]
    return out


def file_frame(
    spec: FileSpec,
    records: pd.DataFrame,
    target: TargetProfile,
    model: StageModel,
    owner_map: dict[str, str],
    owner_state: dict[str, Any],
    found: BuildFindings,
) -> pd.DataFrame:
    """The import frame of one file: visible columns as strings plus hidden bookkeeping."""
    recs = (
        records.sort_values(ID, kind="stable").reset_index(drop=True)
        if len(records)
        else records.reset_index(drop=True)
    )
    out = pd.DataFrame(index=recs.index)
    columns = list(spec.columns)
    if spec.extras:
        columns += _extra_columns(spec, recs)
    for col in columns:
        if col.value is not None:
            raw = pd.Series([col.value] * len(recs), index=recs.index, dtype="object")
        else:
            raw = _coalesce(recs, col.sources)
        if col.map:
            table = target.maps[col.map]
            raw = raw.map(lambda x, t=table: t.get(text(x), text(x)))
        out[col.name] = _cells(col, raw, recs, spec, target, owner_map, owner_state, found)
    for c in HIDDEN:
        out[c] = recs[c] if c in recs.columns else ""
    amount = spec.source_column("amount")
    if amount:
        currency = _coalesce(recs, ("currency", "deal.currency")).map(
            lambda x: v.as_text(x).strip().upper()
        )
        out[CURRENCY] = currency.where(out[amount] != "", "")
    return out


def _extra_columns(spec: FileSpec, recs: pd.DataFrame) -> list[ColumnSpec]:
    """The unmapped source columns, headed by their original header text ("extra:<header>"
    only where that header is already a column of the file)."""
    taken = {c.name for c in spec.columns} | set(HIDDEN)
    out = []
    for c in sorted(c for c in recs.columns if str(c).startswith(EXTRA_PREFIX)):
        header = str(c)[len(EXTRA_PREFIX) :]
        if not header or header in taken:
            header = str(c)
        taken.add(header)
        out.append(ColumnSpec(name=header, sources=(str(c),)))
    return out


def _cells(
    col: ColumnSpec,
    raw: pd.Series,
    recs: pd.DataFrame,
    spec: FileSpec,
    target: TargetProfile,
    owner_map: dict[str, str],
    owner_state: dict[str, Any],
    found: BuildFindings,
) -> list[str]:
    fmt = target.output.date_format
    field = source_field(col)
    where = f"{spec.name} {col.name}"
    cells = []
    for i, value in raw.items():
        if col.type == "number":
            cell = v.as_number(value)
        elif col.type == "date":
            cell = v.as_date(value, fmt)
        elif col.type == "bool":
            cell = v.as_bool(value)
        elif col.type == "owner":
            cell = _owner(value, owner_map, owner_state, partial(recs.loc.__getitem__, i))
        else:
            cell = v.as_text(value).strip() if col.type != "text" else v.as_text(value)
        if not cell:
            cells.append("")
            continue
        if col.type in TEXT_TYPES:
            clean = v.strip_control(cell)
            if clean != cell:
                found.add(
                    "export.control-character-removed",
                    "info",
                    recs.loc[i],
                    f"{where}: removed control characters",
                    field=field,
                    original=cell,
                    value=clean,
                )
                cell = clean
            safe = v.neutralise(cell)
            if safe != cell:
                found.add(
                    "export.formula-neutralised",
                    "info",
                    recs.loc[i],
                    f"{where}: the value starts like a spreadsheet formula; prefixed with '",
                    field=field,
                    original=cell,
                    value=safe,
                )
                cell = safe
        if target.output.encoding != "utf-8":
            bad = v.unencodable(cell, target.output.encoding)
            if bad:
                fixed = "".join("?" if ch in bad else ch for ch in cell)
                found.add(
                    "export.unencodable-character",
                    "warning",
                    recs.loc[i],
                    f"{where}: {', '.join(repr(c) for c in bad)} cannot be written in "
                    f"{target.output.encoding}; replaced with '?'",
                    field=field,
                    original=cell,
                    value=fixed,
                )
                cell = fixed
        if col.truncate and col.max_length and len(cell) > col.max_length:
            cut = cell[: col.max_length]
            found.add(
                "export.truncated",
                "warning",
                recs.loc[i],
                f"{where}: {len(cell)} characters cut to the {col.max_length} allowed",
                field=field,
                original=cell,
                value=cut,
            )
            cell = cut
        cells.append(cell)
    return cells


def _owner(
    value: object, owner_map: dict[str, str], state: dict[str, Any], row: Callable[[], pd.Series]
) -> str:
    name = v.as_text(value).strip()
    if not name:
        return ""
    mapped = owner_map.get(v.owner_key(name))
    if mapped:
        return mapped
    if re.match(v.EMAIL_RE, name):
        return name  # the tracker already names the owner by e-mail
    if name not in state["unmapped"]:
        state["unmapped"][name] = row()
    return ""


def owner_findings(state: dict[str, Any], found: BuildFindings) -> None:
    """One finding per owner missing from a given mapping; one in all when none was given."""
    unmapped = sorted(state["unmapped"].items())
    if not unmapped:
        return
    if not state["given"]:
        names = [name for name, _ in unmapped]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        found.add(
            "export.owner-unmapped",
            "warning",
            {},
            f"no owner mapping was given, so {len(names)} owner(s) ({shown}) cannot be written "
            "as user e-mails; the owner columns are left empty and the records will belong to "
            "the importing user",
            field="owner",
            original="; ".join(names),
            action="blanked",
        )
        return
    for name, row in unmapped:
        found.add(
            "export.owner-unmapped",
            "warning",
            row,
            f"owner '{name}' is not in the owner mapping; the owner column is left empty and "
            "the records will belong to the importing user",
            field="owner",
            original=name,
            action="blanked",
        )
