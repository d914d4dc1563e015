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

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from .. import findings as fnd
from ..stages import StageModel
from ..validate import ID, PARENT_REJECTED, FileRules, validate_files
from . import values as v
from .cells import HIDDEN, file_frame, owner_findings, source_field
from .checks import FOREIGN_CURRENCY, file_checks
from .findings import BuildFindings
from .policies import apply_policies
from .profile import TargetProfile
from .records import SOURCE_COLUMNS, build_record_sets, text

__all__ = ["FOREIGN_CURRENCY", "HIDDEN", "ExportResult", "build_import_files"]


@dataclass
class ExportResult:
    """Import files ready to write, rejected rows, validation summary and findings."""

    target: str
    files: dict[str, pd.DataFrame]
    rejects: pd.DataFrame
    validation: dict[str, dict[str, Any]]
    findings: pd.DataFrame


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
    found = BuildFindings()
    sets, record_findings = build_record_sets(entities, model, target.person_stages)
    sets["deals"] = apply_policies(sets["deals"], target, model, today, found)
    owner_map = {v.owner_key(k): val for k, val in (owners or {}).items()}
    owner_state: dict[str, Any] = {"given": owners is not None, "unmapped": {}}
    frames: dict[str, pd.DataFrame] = {}
    rules: dict[str, FileRules] = {}
    for spec in target.files:
        frame = file_frame(spec, sets[spec.records], target, model, owner_map, owner_state, found)
        frames[spec.name] = frame
        rules[spec.name] = FileRules(spec.name, file_checks(spec, target, model, frame), spec.id)
    owner_findings(owner_state, found)

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
