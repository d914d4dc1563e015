"""Build a target's import files from the deduplicated entities, validated before writing.

In: the entity frames of the dedupe step, a :class:`TargetProfile`, the stage model, an
optional owner mapping (owner name -> e-mail/username) and the run date. Out: an
:class:`ExportResult` with one frame per import file (the target's column names and order,
rows sorted by external id, every value a string), the rejected rows, the validation summary
per file and the findings. Steps: record sets -> policies (generated deal names, filled close
dates, won/lost probabilities from the stage) -> cell formatting (plain numbers, dates,
formula-safe text, encoding) -> checks built from the profile and the stage model (the
currency of the amounts included) -> Great Expectations (migrate.validate).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from .. import findings as fnd
from ..schema import EXTRA_PREFIX, is_blank
from ..stages import StageModel
from ..validate import (
    CURRENCY,
    ID,
    PARENT_REJECTED,
    ROW_KEYS,
    STAGE,
    Check,
    FileRules,
    validate_files,
)
from ..validate.checks import Action, CheckKind
from . import values as v
from .profile import ColumnSpec, FileSpec, TargetProfile
from .records import SOURCE_COLUMNS, build_record_sets, text

TEXT_TYPES = ("id", "text")
HIDDEN = (ID, ROW_KEYS, STAGE, CURRENCY, *SOURCE_COLUMNS)  # for validation/findings, not written
FOREIGN_CURRENCY = "export.foreign-currency"


@dataclass
class ExportResult:
    """Import files ready to write, rejected rows, validation summary and findings."""

    target: str
    files: dict[str, pd.DataFrame]
    rejects: pd.DataFrame
    validation: dict[str, dict[str, Any]]
    findings: pd.DataFrame


class _Findings:
    """Findings of one build, pointing at the source row of each record."""

    def __init__(self) -> None:
        self.items: list[fnd.Finding] = []

    def add(
        self,
        rule: str,
        severity: fnd.Severity,
        row: pd.Series | dict[str, Any],
        message: str,
        *,
        field: str = "",
        original: str = "",
        value: str = "",
        action: str = "changed",
    ) -> None:
        self.items.append(
            fnd.Finding(
                rule=rule,
                severity=severity,
                message=message,
                file=text(row.get(SOURCE_COLUMNS[0])),
                sheet=text(row.get(SOURCE_COLUMNS[1])),
                row=int(float(text(row.get(SOURCE_COLUMNS[2])) or 0)),
                field=field,
                original=original,
                value=value,
                action=action,
            )
        )


def build_import_files(
    entities: dict[str, pd.DataFrame],
    target: TargetProfile,
    model: StageModel,
    *,
    owners: dict[str, str] | None = None,
    today: date | None = None,
) -> ExportResult:
    """Make, check and return the import files of one target (nothing is written).

    ``today`` is the run's reference date (the pipeline's as-of date, never the wall clock);
    without it the ``today`` source of ``close_date_fill`` is skipped.
    """
    found = _Findings()
    sets, record_findings = build_record_sets(entities, model, target.person_stages)
    sets["deals"] = _apply_policies(sets["deals"], target, model, today, found)
    owner_map = {v.owner_key(k): val for k, val in (owners or {}).items()}
    owner_state: dict[str, Any] = {"given": owners is not None, "unmapped": {}}
    frames: dict[str, pd.DataFrame] = {}
    rules: dict[str, FileRules] = {}
    for spec in target.files:
        frame = _file_frame(spec, sets[spec.records], target, model, owner_map, owner_state, found)
        frames[spec.name] = frame
        rules[spec.name] = FileRules(spec.name, _checks(spec, target, model, frame), spec.id)
    _owner_findings(owner_state, found)

    validation = validate_files(frames, rules)
    rejects = validation.rejects
    _reject_findings(rejects, frames, target, found)
    files = {
        name: frame.drop(columns=list(HIDDEN)).reset_index(drop=True)
        for name, frame in validation.files.items()
    }
    return ExportResult(
        target=target.name,
        files=files,
        rejects=rejects,
        validation=validation.summary,
        findings=fnd.concat([record_findings, found.items]),
    )


# ----------------------------------------------------------------------------- policies

_NAME_PARTS = (("product", "product"), ("created_at", "created date"))


def _apply_policies(
    deals: pd.DataFrame,
    target: TargetProfile,
    model: StageModel,
    today: date | None,
    found: _Findings,
) -> pd.DataFrame:
    """Generated deal names, filled close dates, won/lost probabilities; each with a finding."""
    out = deals.copy()
    pol = target.policies
    writes_probability = any(
        f.records == "deals" and f.source_column("probability") for f in target.files
    )
    if pol.closed_probability == "stage" and writes_probability and len(out):
        out = _closed_probability(out, model, found)
    if pol.missing_deal_name == "generate" and len(out):
        names = (
            out["deal_name"].map(text)
            if "deal_name" in out.columns
            else pd.Series("", index=out.index)
        )
        for idx in out.index[names == ""]:
            row = out.loc[idx]
            who = (
                text(row.get("company.company_name"))
                or text(row.get("contact.contact_name"))
                or "(no company)"
            )
            source, what = next(
                ((label, text(row.get(f))) for f, label in _NAME_PARTS if text(row.get(f))),
                ("id", text(row.get("deal_id"))),
            )
            name = f"{who} - {what}"
            names.at[idx] = name
            found.add(
                "export.deal-name-generated",
                "warning",
                row,
                f"the deal has no name; generated '{name}' from company and {source}",
                field="deal_name",
                value=name,
            )
        out["deal_name"] = names
    if pol.missing_close_date == "fill" and len(out):
        dates = (
            out["close_date"].map(text)
            if "close_date" in out.columns
            else pd.Series("", index=out.index)
        )
        for idx in out.index[dates == ""]:
            row = out.loc[idx]
            for source in pol.close_date_fill:
                if source == "today":
                    value = today.isoformat() if today is not None else ""
                else:
                    value = text(row.get(source))
                if value:
                    dates.at[idx] = value
                    found.add(
                        "export.close-date-filled",
                        "warning",
                        row,
                        f"the deal at stage '{text(row.get('stage'))}' has no close date; "
                        f"used {source} ({value}) as policies.missing_close_date is fill",
                        field="close_date",
                        value=value,
                    )
                    break
        out["close_date"] = dates
    return out


def _number(value: object) -> float | None:
    if is_blank(value) or isinstance(value, bool):
        return None
    try:
        number = float(str(value))
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _closed_probability(deals: pd.DataFrame, model: StageModel, found: _Findings) -> pd.DataFrame:
    """Won and lost deals get their stage's probability (100 / 0 in the shipped model).

    Survivorship takes each field from the most recent row that has it, so a won deal can carry
    the 80 of an older snapshot when the closing row left the probability empty.
    """
    closed = {s.key: s for s in model.stages if s.closed}
    probs = (
        deals["probability"].astype(object)
        if "probability" in deals.columns
        else pd.Series(None, index=deals.index, dtype=object)
    )
    for idx in deals.index[deals["stage"].isin(list(closed))]:
        row = deals.loc[idx]
        stage = closed[str(row["stage"])]
        have = _number(row.get("probability"))
        if have == stage.probability:
            continue
        probs.at[idx] = stage.probability
        was = f"was {v.as_number(have)}" if have is not None else "was empty"
        found.add(
            "export.probability-from-stage",
            "info",
            row,
            f"the deal is {stage.status} (stage '{stage.key}'); probability set to "
            f"{v.as_number(stage.probability)} from rules/stages.yaml ({was}) as "
            "policies.closed_probability is stage",
            field="probability",
            original=v.as_number(have) if have is not None else "",
            value=v.as_number(stage.probability),
        )
    deals["probability"] = probs
    return deals


# ----------------------------------------------------------------------------- cells


def _source_field(col: ColumnSpec) -> str:
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


def _allowed(col: ColumnSpec, model: StageModel) -> tuple[str, ...] | None:
    if col.values is not None:
        return col.values
    if col.type == "picklist":
        return model.keys  # a stage field without a map keeps the stage keys
    return None


def _file_frame(
    spec: FileSpec,
    records: pd.DataFrame,
    target: TargetProfile,
    model: StageModel,
    owner_map: dict[str, str],
    owner_state: dict[str, Any],
    found: _Findings,
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
    found: _Findings,
) -> list[str]:
    fmt = target.output.date_format
    field = _source_field(col)
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


def _owner_findings(state: dict[str, Any], found: _Findings) -> None:
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


# ----------------------------------------------------------------------------- checks


def _checks(
    spec: FileSpec, target: TargetProfile, model: StageModel, frame: pd.DataFrame
) -> tuple[Check, ...]:
    """The expectations of one file, from the profile and the stage model."""
    out: list[Check] = []
    date_fmt = target.output.date_format
    for col in spec.columns:
        fix = col.fix
        if col.required:
            out.append(Check("not_null", col.name, fix=fix))
        if col.unique:
            out.append(Check("unique", col.name))
        if col.type == "date":
            out.append(Check("date", col.name, pattern=date_fmt, fix=fix))
        if col.type in v.FORMATS:
            out.append(Check("regex", col.name, pattern=v.FORMATS[col.type]))
        if col.min is not None or col.max is not None:
            out.append(Check("between", col.name, min=col.min, max=col.max))
        if col.digits:
            out.append(Check("digits", col.name, digits=col.digits, decimals=col.decimals))
        allowed = _allowed(col, model)
        if allowed is not None:
            out.append(Check("in_set", col.name, values=allowed, fix=fix))
        if col.max_length:
            out.append(Check("length", col.name, max=col.max_length))
        if col.parent:
            out.append(Check("parent", col.name, parent=col.parent))
    for group in spec.require_any:
        out.append(Check("any_of", group[0], columns=group))
    close = spec.source_column("close_date")
    if (
        target.policies.missing_close_date == "reject"
        and close
        and spec.records == "deals"
        and not spec.column(close).required
    ):
        out.append(
            Check(
                "not_null",
                close,
                fix="add the close date to the source row, or set "
                "policies.missing_close_date: fill",
            )
        )
    if spec.records in ("deals", "leads"):
        out += _requirement_checks(spec, model)
    out += _currency_checks(spec, target, frame)
    return tuple(out)


def _currency_checks(spec: FileSpec, target: TargetProfile, frame: pd.DataFrame) -> list[Check]:
    """With policies.foreign_currency: reject and an amount of the file in another currency:
    the currency check on the amount column. A bare amount is read in the org currency, so
    27500 USD would become 27500 JPY."""
    amount = spec.source_column("amount")
    if target.policies.foreign_currency != "reject" or not amount or CURRENCY not in frame:
        return []
    org = target.output.currency
    if not set(frame[CURRENCY].map(text)) - {"", org}:
        return []
    kept = spec.source_column("currency")
    profile = Path(target.path).name
    if kept:
        fix = (
            "turn on multi-currency in the target with {currency} as a currency and set "
            f"policies.foreign_currency: keep in {profile} ({kept} then carries the "
            f"currency), or convert the amount to {org} in the source"
        )
    else:
        fix = (
            "in a multi-currency org map currency to the currency field (Salesforce: add "
            f"{{name: CurrencyIsoCode, from: currency}} to {spec.name}) and set "
            f"policies.foreign_currency: keep in {profile}, or convert the amount to "
            f"{org} in the source"
        )
    return [Check("currency", amount, rule=FOREIGN_CURRENCY, values=(org,), fix=fix)]


def _requirement_checks(spec: FileSpec, model: StageModel) -> list[Check]:
    """Stage requirements on the file's columns: severity error rejects, others are counted."""
    out = []
    kinds: tuple[tuple[CheckKind, tuple[str, ...]], ...]
    for req in model.requirements:
        action: Action = "reject" if req.severity == "error" else "report"
        kinds = (("not_null", req.require), ("null", req.forbid))
        for kind, fields in kinds:
            for f in fields:
                column = spec.source_column(f)
                if not column:
                    continue  # the target has no column for this field
                out.append(
                    Check(
                        kind,
                        column,
                        rule=req.id,
                        action=action,
                        when_stages=req.applies_to,
                        reason=f"{req.message.en}: {column} is "
                        f"{'empty' if kind == 'not_null' else 'filled'}",
                        fix=f"{'fill in' if kind == 'not_null' else 'clear'} {f} in the source row "
                        f"(rule {req.id} in rules/stages.yaml)",
                    )
                )
    return out


def _reject_findings(
    rejects: pd.DataFrame, frames: dict[str, pd.DataFrame], target: TargetProfile, found: _Findings
) -> None:
    """One finding per reject row, pointing at the source row of the rejected record."""
    where: dict[tuple[str, str], dict[str, Any]] = {}
    for name, frame in frames.items():
        wanted = set(rejects.loc[rejects["file"] == name, "external_id"])
        hits = frame[frame[ID].isin(wanted)].drop_duplicates(ID)
        for rec in hits[[ID, *SOURCE_COLUMNS]].to_dict("records"):
            where[(name, text(rec[ID]))] = rec
    fields = {(f.name, c.name): _source_field(c) for f in target.files for c in f.columns}
    for r in rejects.to_dict("records"):
        row = where.get((r["file"], r["external_id"]), {})
        severity: fnd.Severity = "warning" if r["rule"] == PARENT_REJECTED else "error"
        found.add(
            r["rule"],
            severity,
            row,
            f"{r['file']}: rejected, {r['reason']}",
            field=fields.get((r["file"], r["column"]), ""),
            original=r["value"],
            value="",
            action="rejected",
        )
