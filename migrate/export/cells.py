"""The frame of one import file: the target's columns as text cells, plus hidden bookkeeping.

Values come from the record set through the profile's sources and maps and are written as the
target reads them (plain numbers, dates in its format, owners as user e-mails, formula-safe
text, the file's encoding, cut to the field length); every change is a finding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from .. import findings as fnd
from ..columnar import by_value, coded_by_value, taken_texts
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
    """Each record's value of the first source that is not blank for it (an object column;
    None where no source is there)."""
    present = [s for s in sources if s in records.columns]
    if not present:
        return pd.Series([None] * len(records), index=records.index, dtype="object")
    # the first source whole, as objects: no row of it is yet taken
    out = records[present[0]].astype(object).rename(None)
    for s in present[1:]:
        blank = pd.Series(by_value(out, is_blank), index=out.index, dtype=bool)
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
            mapped = by_value(raw, partial(_mapped, table))
            raw = pd.Series(mapped, index=raw.index, dtype="object")
        out[col.name] = _cells(col, raw, recs, spec, target, owner_map, owner_state, found)
    for c in HIDDEN:
        out[c] = recs[c] if c in recs.columns else ""
    amount = spec.source_column("amount")
    if amount:
        given = _coalesce(recs, ("currency", "deal.currency"))
        currency = pd.Series(
            by_value(given, lambda x: v.as_text(x).strip().upper()), index=given.index
        )
        out[CURRENCY] = currency.where(out[amount] != "", "")
    return out


def _mapped(table: Mapping[str, str], value: object) -> str:
    return table.get(text(value), text(value))


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


#: one change a cell went through: (rule, severity, message, original, value)
_Change = tuple[str, fnd.Severity, str, str, str]


def _cells(
    col: ColumnSpec,
    raw: pd.Series,
    recs: pd.DataFrame,
    spec: FileSpec,
    target: TargetProfile,
    owner_map: dict[str, str],
    owner_state: dict[str, Any],
    found: BuildFindings,
) -> Any:
    """The column's cells, each distinct value formatted once; a finding per changed cell."""
    if col.type == "owner":
        return _owner_cells(raw, recs, owner_map, owner_state)
    fmt = target.output.date_format
    where = f"{spec.name} {col.name}"

    def cell_of(value: object) -> tuple[str, tuple[_Change, ...]]:
        if col.type == "number":
            cell = v.as_number(value)
        elif col.type == "date":
            cell = v.as_date(value, fmt)
        elif col.type == "bool":
            cell = v.as_bool(value)
        else:
            cell = v.as_text(value).strip() if col.type != "text" else v.as_text(value)
        return _finish(cell, col, target, where) if cell else ("", ())

    bulk = None
    if col.type not in ("number", "date", "bool") and target.output.encoding == "utf-8":
        bulk = partial(_text_cells, cell_of, col)
    codes, done = _coded(raw, cell_of, bulk)
    field = source_field(col)
    changed = [u for u, (_, changes) in enumerate(done) if changes]
    if changed:  # rare: the rows of the values that changed, row by row
        for pos in np.flatnonzero(np.isin(codes, changed)).tolist():
            for rule, severity, message, original, value in done[codes[pos]][1]:
                found.add(
                    rule,
                    severity,
                    recs.loc[raw.index[pos]],
                    message,
                    field=field,
                    original=original,
                    value=value,
                )
    return _take([cell for cell, _ in done], codes)


def _coded(raw: pd.Series, fn: Any, texts: Any = None) -> tuple[np.ndarray, list[Any]]:
    """Each cell's code into ``fn``'s answers, ``fn`` asked once per distinct value (the
    texts' answers from ``texts`` at once, when every value is a text)."""
    return coded_by_value(raw, fn, texts)


#: the first characters of a text that :func:`v.neutralise` may change (a tab and a CR are
#: also whitespace at the edge: those texts are asked of ``cell_of`` anyway)
_PAYLOAD_START = "=+-@\t\r"


def _text_cells(
    cell_of: Any, col: ColumnSpec, texts: list[str]
) -> list[tuple[str, tuple[_Change, ...]]]:
    """``[cell_of(t) for t in texts]`` of a column that is neither a number, a date nor a
    boolean, for a UTF-8 file: a text that no rule of :func:`_finish` changes and that has no
    whitespace at either end (so neither trimming nor blankness applies) is its own cell
    without a change; ``cell_of`` is asked of the others only. Those rules: control
    characters (one search of all the texts), a formula's first character, and the length
    when over-long text is cut."""
    checked = col.type in TEXT_TYPES
    limit = col.max_length if col.truncate and col.max_length else 0
    control = checked and v.has_control("\n".join(texts))  # LF is not one
    plain = [
        type(t) is str
        and t != ""
        and not t[0].isspace()
        and not t[-1].isspace()
        and not (checked and t[0] in _PAYLOAD_START)
        and not (control and v.has_control(t))
        and not (limit and len(t) > limit)
        for t in texts
    ]
    return [(t, ()) if p else cell_of(t) for t, p in zip(texts, plain)]


def _take(answers: list[Any], codes: np.ndarray) -> Any:
    """``[answers[c] for c in codes]``, as the column pandas would make of it
    (:func:`taken_texts`: texts taken in Arrow, not each cell converted)."""
    return taken_texts(answers, codes)


def _finish(
    cell: str, col: ColumnSpec, target: TargetProfile, where: str
) -> tuple[str, tuple[_Change, ...]]:
    """A non-empty cell made safe to write, with the changes that took."""
    changes: list[_Change] = []
    if col.type in TEXT_TYPES:
        clean = v.strip_control(cell)
        if clean != cell:
            changes.append(
                (
                    "export.control-character-removed",
                    "info",
                    f"{where}: removed control characters",
                    cell,
                    clean,
                )
            )
            cell = clean
        safe = v.neutralise(cell)
        if safe != cell:
            changes.append(
                (
                    "export.formula-neutralised",
                    "info",
                    f"{where}: the value starts like a spreadsheet formula; prefixed with '",
                    cell,
                    safe,
                )
            )
            cell = safe
    if target.output.encoding != "utf-8":
        bad = v.unencodable(cell, target.output.encoding)
        if bad:
            fixed = "".join("?" if ch in bad else ch for ch in cell)
            changes.append(
                (
                    "export.unencodable-character",
                    "warning",
                    f"{where}: {', '.join(repr(c) for c in bad)} cannot be written in "
                    f"{target.output.encoding}; replaced with '?'",
                    cell,
                    fixed,
                )
            )
            cell = fixed
    if col.truncate and col.max_length and len(cell) > col.max_length:
        cut = cell[: col.max_length]
        changes.append(
            (
                "export.truncated",
                "warning",
                f"{where}: {len(cell)} characters cut to the {col.max_length} allowed",
                cell,
                cut,
            )
        )
        cell = cut
    return cell, tuple(changes)


def _owner_cells(
    raw: pd.Series, recs: pd.DataFrame, owner_map: dict[str, str], state: dict[str, Any]
) -> Any:
    """Owners as user e-mails; the first row of each unmapped owner is kept for its finding."""
    codes, cells = _coded(raw, lambda x: _owner(x, owner_map))
    unmapped = [u for u, cell in enumerate(cells) if cell is None]
    if unmapped:  # the first row naming each unmapped owner, across the files in order
        first: dict[str, int] = {}
        rows = np.flatnonzero(np.isin(codes, unmapped))
        _, at = np.unique(codes[rows], return_index=True)
        for pos in sorted(rows[at].tolist()):
            first.setdefault(v.as_text(raw.iloc[pos]).strip(), pos)
        for name, pos in first.items():
            if name not in state["unmapped"]:
                state["unmapped"][name] = recs.loc[raw.index[pos]]
    return _take(["" if c is None else c for c in cells], codes)


def _owner(value: object, owner_map: dict[str, str]) -> str | None:
    """The owner as the target's user (e-mail); "" when empty, None when unmapped."""
    name = v.as_text(value).strip()
    if not name:
        return ""
    mapped = owner_map.get(v.owner_key(name))
    if mapped:
        return mapped
    if re.match(v.EMAIL_RE, name):
        return name  # the tracker already names the owner by e-mail
    return None


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
