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
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd

from .. import findings as fnd
from ..clock import step
from ..schema import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from ..stages import StageModel
from ..validate import ID, PARENT_REJECTED, FileRules, validate_files
from ..validate.checks import STAGE
from . import values as v
from .cells import HIDDEN, file_frame, owner_findings, source_field
from .checks import FOREIGN_CURRENCY, file_checks
from .findings import BuildFindings
from .optout import OptOutWords, opt_out_findings
from .policies import JOINED_READS, apply_lead_policies, apply_policies, missing_required
from .profile import TargetProfile
from .records import DEAL_FROM_LEAD, FROM_LEAD, SOURCE_COLUMNS, build_record_sets, text

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
    stage_words: Mapping[str, str] | None = None,
) -> ExportResult:
    """Make, check and return the import files of one target (nothing is written).

    ``today`` is the run's reference date (the pipeline's as-of date, never the wall clock);
    without it the ``today`` source of ``close_date_fill`` is skipped. ``fiscal_year_start``
    is the first month of the fiscal year (normalize.yaml dates.fiscal_year_start_month): the
    ``fiscal-quarter-end`` close-date placeholder counts quarters from it. ``excel_errors``:
    (source row key, field) -> (cell, error) of the source cells that showed an Excel error
    (read as empty); a reject for such a field being empty names the error. ``stage_words``:
    source row key -> the stage word no stage claims that its stage cell held; a reject for
    an empty stage says which it was: that word, an empty cell, or a stage the target does not
    map.
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
    from_lead = _deals_from_leads(sets["deals"])
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
    # the stage's reason first: a source cell showing an Excel error says more (repair it)
    rejects = _stage_reasons(validation.rejects, frames, target, stage_words or {})
    rejects = _excel_error_reasons(rejects, target, excel_errors or {})
    rejects, record_findings = _rejected_deals_from_leads(
        rejects, record_findings, from_lead, target
    )
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


def _deals_from_leads(deals: pd.DataFrame) -> dict[tuple[str, str, int], str]:
    """(file, sheet, row) of the source row -> deal id, of the deals made from converted leads
    of lead lists (``export.deal-from-lead``)."""
    if FROM_LEAD not in deals.columns:
        return {}
    made = deals[deals[FROM_LEAD].map(lambda v: v is True)]
    return {
        (text(r[SOURCE_FILE]), text(r[SOURCE_SHEET]), int(float(text(r[SOURCE_ROW]) or 0))): text(
            r["deal_id"]
        )
        for r in made[["deal_id", *SOURCE_COLUMNS]].to_dict("records")
    }


def _rejected_deals_from_leads(
    rejects: pd.DataFrame,
    findings: list[fnd.Finding],
    from_lead: dict[tuple[str, str, int], str],
    target: TargetProfile,
) -> tuple[pd.DataFrame, list[fnd.Finding]]:
    """A deal made from a converted lead has no close date (a lead list has no such column):
    where the target requires one and rejects a deal without it, the finding that made the
    deal says it is rejected and the person exported alone, and the reject's fix says what to
    do with a lead list (u22: "exported" said the finding, "add 受注予定日 to the source row"
    said the reject, of a list that has no such column)."""
    if not from_lead or rejects.empty:
        return rejects, findings
    close = {
        (f.name, c.name) for f in target.files for c in f.columns if source_field(c) == "close_date"
    }
    missing = rejects[
        (rejects["rule"] == REQUIRED_MISSING)
        & pd.Series(
            [(text(f), text(c)) in close for f, c in zip(rejects["file"], rejects["column"])],
            index=rejects.index,
            dtype=bool,
        )
    ]
    doomed = set(missing["external_id"].map(text)) & set(from_lead.values())
    if not doomed:
        return rejects, findings
    out = rejects.copy()
    at = missing.index[missing["external_id"].map(text).isin(doomed)]
    out.loc[at, "fix"] = (
        "a converted lead of a lead list, which gives no close date: create the deal in "
        f"{target.name} when you convert the lead there, or add it with its close date "
        "(受注予定日) to the pipeline tracker and run again, or choose a placeholder under "
        "policies.missing_close_date (fiscal-quarter-end, fixed, fill)"
    )
    kept = []
    for f in findings:
        deal = from_lead.get((f.file, f.sheet, f.row)) if f.rule == DEAL_FROM_LEAD else None
        if deal in doomed:
            said = f.message.split(": exported as the deal", 1)[0]
            f = replace(
                f,
                message=(
                    f"{said}: the deal '{f.value}' has no close date, which {target.name} "
                    "requires (policies.missing_close_date: reject), so it is rejected "
                    "(rejects.csv) and the person is exported as a contact; create the deal "
                    "when converting the lead, or add it to the pipeline tracker"
                ),
            )
        kept.append(f)
    return out, kept


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


def _stage_reasons(
    rejects: pd.DataFrame,
    frames: dict[str, pd.DataFrame],
    target: TargetProfile,
    words: Mapping[str, str],
) -> pd.DataFrame:
    """A required stage column (StageName, dealstage) empty: the fix says why, per record. The
    stage cell held a word no stage claims (name it, decide it on the review sheet); the record
    has a stage the target does not map (map it); or the stage is empty: no stage cell, or a
    blank one, and nothing beside it gave one (u26: a forecast sheet's rows with no stage column
    were told of 'a stage word the rules do not know')."""
    if rejects.empty:
        return rejects
    stage_columns = {
        (f.name, c.name): c
        for f in target.files
        for c in f.columns
        if "stage" in [x.split(".")[-1] for x in c.sources]
    }
    at = [
        i
        for i in rejects.index[rejects["rule"] == REQUIRED_MISSING]
        if (text(rejects.at[i, "file"]), text(rejects.at[i, "column"])) in stage_columns
    ]
    if not at:
        return rejects
    stage_of: dict[tuple[str, str], str] = {}
    for name in {text(rejects.at[i, "file"]) for i in at}:
        frame = frames.get(name)
        if frame is not None and STAGE in frame.columns:
            stage_of.update(
                {(name, text(k)): text(v) for k, v in zip(frame[ID], frame[STAGE], strict=True)}
            )
    out = rejects.copy()
    for i in at:
        name, column = text(out.at[i, "file"]), text(out.at[i, "column"])
        spec = stage_columns[(name, column)]
        said = [words[k] for k in text(out.at[i, "source_rows"]).split(";") if words.get(k)]
        stage = stage_of.get((name, text(out.at[i, "external_id"])), "")
        if said:
            fix = (
                f"the stage word {said[0]!r} names no stage the rules know (or several): choose "
                "its stage on the 'stage words' sheet of review.xlsx and run again with "
                "--decisions review.xlsx"
            )
        elif stage:
            fix = (
                f"the stage '{stage}' has no {column}: map it under maps.{spec.map or 'stage'} "
                f"in rules/targets/{target.name}.yaml"
            )
        else:
            fix = (
                "the stage is empty in the source row (a blank stage cell, or no stage column, "
                "and nothing beside it gave one): enter the stage there, or choose a placeholder "
                f"under policies.missing_stage in rules/targets/{target.name}.yaml"
            )
        out.at[i, "fix"] = fix
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
