"""Build a target's import files from the deduplicated entities, validated before writing.

In: the entity frames of the dedupe step, a :class:`TargetProfile`, the stage model, an
optional owner mapping (owner name -> e-mail/username) and the run date. Out: an
:class:`ExportResult` with one frame per import file (the target's column names and order,
rows sorted by external id, every value a string), the rejected rows, the validation summary
per file and the findings. Steps: record sets -> policies (generated deal names, filled close
dates, won/lost probabilities from the stage) -> cell formatting (plain numbers, dates,
formula-safe text, encoding) -> checks built from the profile and the stage model (the
currency of the amounts included) -> Great Expectations (migrate.validate).

The steps live in :mod:`.policies`, :mod:`.cells` and :mod:`.checks`; this module strings
them together and turns rejects into findings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from .. import findings as fnd
from ..clock import step
from ..stages import StageModel
from ..validate import ID, PARENT_REJECTED, FileRules, validate_files
from . import values as v
from .cells import HIDDEN, file_frame, owner_findings, source_field
from .checks import FOREIGN_CURRENCY, file_checks
from .findings import BuildFindings
from .optout import OptOutWords, opt_out_findings
from .policies import JOINED_READS, apply_lead_policies, apply_policies, missing_required
from .profile import TargetProfile
from .records import SOURCE_COLUMNS, build_record_sets, text

#: the findings of a policy that gave a deal a value it lacked
_PLACEHOLDERS = (
    "export.close-date-placeholder",
    "export.close-date-filled",
    "export.deal-name-generated",
    "export.stage-placeholder",
)
REQUIRED_MISSING = "validate.required-missing"

__all__ = ["FOREIGN_CURRENCY", "HIDDEN", "ExportResult", "build_import_files"]


@dataclass
class ExportResult:
    """Import files ready to write, rejected rows, validation summary and findings."""

    target: str
    files: dict[str, pd.DataFrame]
    rejects: pd.DataFrame
    validation: dict[str, dict[str, Any]]
    findings: pd.DataFrame
    #: per required column of a deal file: how many deals lack a value, their source rows,
    #: the policy deciding their fate, and how many were given a placeholder or rejected for
    #: it (``file, column, field, policy, deals, rows, placeholders, rejected``)
    missing_required: tuple[dict[str, Any], ...] = ()


def build_import_files(
    entities: dict[str, pd.DataFrame],
    target: TargetProfile,
    model: StageModel,
    *,
    owners: dict[str, str] | None = None,
    today: date | None = None,
    fiscal_year_start: int = 4,
    excel_errors: dict[tuple[str, str], tuple[str, str]] | None = None,
    opt_out: OptOutWords | None = None,
) -> ExportResult:
    """Make, check and return the import files of one target (nothing is written).

    ``today`` is the run's reference date (the pipeline's as-of date, never the wall clock);
    without it the ``today`` source of ``close_date_fill`` is skipped. ``fiscal_year_start``
    is the first month of the fiscal year (normalize.yaml dates.fiscal_year_start_month): the
    ``fiscal-quarter-end`` close-date placeholder counts quarters from it. ``excel_errors``:
    (source row key, field) -> (cell, error) of the source cells that showed an Excel error
    (read as empty); a reject for such a field being empty names the error.
    """
    found = BuildFindings()
    step("record sets")
    sets, record_findings = build_record_sets(
        entities,
        model,
        target.person_stages,
        joined=target.sources() | JOINED_READS,
        opt_out=opt_out,
    )
    record_findings += opt_out_findings(sets, target)
    missing = missing_required(sets["deals"], target)
    sets["deals"] = apply_policies(
        sets["deals"], target, model, today, found, fiscal_start=fiscal_year_start
    )
    if "leads" in sets:
        sets["leads"] = apply_lead_policies(sets["leads"], target, found)
    placed = Counter(f.field for f in found.items if f.rule in _PLACEHOLDERS)
    owner_map = {v.owner_key(k): val for k, val in (owners or {}).items()}
    owner_state: dict[str, Any] = {"given": owners is not None, "unmapped": {}}
    frames: dict[str, pd.DataFrame] = {}
    rules: dict[str, FileRules] = {}
    for spec in target.files:
        step(spec.name)
        frame = file_frame(spec, sets[spec.records], target, model, owner_map, owner_state, found)
        frames[spec.name] = frame
        rules[spec.name] = FileRules(spec.name, file_checks(spec, target, model, frame), spec.id)
    owner_findings(owner_state, found)
    # the record sets are all in the files' frames now: let them go before the checks copy
    # the frames for Great Expectations, the stage's peak
    del sets

    step("checks (Great Expectations)")
    validation = validate_files(frames, rules)
    rejects = _excel_error_reasons(validation.rejects, target, excel_errors or {})
    _reject_findings(rejects, frames, target, found)
    files = {
        name: frame.drop(columns=list(HIDDEN)).reset_index(drop=True)
        for name, frame in validation.files.items()
    }
    failed: Counter[tuple[str, str]] = Counter()
    if len(rejects):
        req = rejects[rejects["rule"] == REQUIRED_MISSING]
        failed = Counter(zip(req["file"], req["column"]))
    for m in missing:
        m["placeholders"] = placed.get(str(m["field"]), 0)
        m["rejected"] = failed.get((str(m["file"]), str(m["column"])), 0)
    return ExportResult(
        target=target.name,
        files=files,
        rejects=rejects,
        validation=validation.summary,
        findings=fnd.concat([record_findings, found.items]),
        missing_required=tuple(missing),
    )


def _excel_error_reasons(
    rejects: pd.DataFrame, target: TargetProfile, errors: dict[tuple[str, str], tuple[str, str]]
) -> pd.DataFrame:
    """A required field empty because its source cell showed an Excel error (#NAME?): the
    reason names the cell and the error, and the fix says to repair the formula (filling in a
    value, the default fix, would be overwritten by the formula)."""
    if not errors or rejects.empty:
        return rejects
    # every field a column is filled from (LastName: contact_last_name, then contact_name)
    sources = {
        (f.name, c.name): [x.split(".")[-1] for x in c.sources]
        for f in target.files
        for c in f.columns
    }
    out = rejects.copy()
    for i in out.index[out["rule"] == REQUIRED_MISSING]:
        column = text(out.at[i, "column"])
        fields = sources.get((text(out.at[i, "file"]), column), [])
        keys = text(out.at[i, "source_rows"]).split(";")
        for hit in (errors.get((k, f)) for k in keys for f in fields):
            if hit:
                cell, error = hit
                out.at[i, "reason"] = (
                    f"{column} is required but its source cell {cell} shows the Excel error "
                    f"{error} (a broken formula), read as empty"
                )
                out.at[i, "fix"] = (
                    f"repair the formula in {cell} of the source (a VLOOKUP's lookup range, a "
                    "deleted reference) so it shows a value, and run again"
                )
                out.at[i, "value"] = error
                break
    return out


def _reject_findings(
    rejects: pd.DataFrame,
    frames: dict[str, pd.DataFrame],
    target: TargetProfile,
    found: BuildFindings,
) -> None:
    """One finding per reject row, pointing at the source row of the rejected record."""
    where: dict[tuple[str, str], dict[str, Any]] = {}
    for name, frame in frames.items():
        wanted = set(rejects.loc[rejects["file"] == name, "external_id"])
        hits = frame[frame[ID].isin(wanted)].drop_duplicates(ID)
        for rec in hits[[ID, *SOURCE_COLUMNS]].to_dict("records"):
            where[(name, text(rec[ID]))] = rec
    fields = {(f.name, c.name): source_field(c) for f in target.files for c in f.columns}
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
