"""The pipeline: the one way through, called by the CLI, the notebooks and the tests.

    ingest -> columns -> normalize -> dedupe -> stages -> export/validate -> report

``inspect(paths)`` reads and maps only. ``run(paths, out=DIR)`` runs every stage and writes the
outputs atomically; it returns a :class:`RunResult` whose ``exit_code`` is 0 (clean), 1 (ran,
but some files failed or rows were rejected) or 2 (nothing could be read).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import findings as fnd
from .catalogue import Catalogue
from .clock import StageClock, StageListener, step
from .columnar import map_values
from .context import RunContext
from .crosswalk import CROSSWALK_COLUMNS, NO_TARGET_RECORD, STATUS_COLUMNS, object_statuses
from .errors import InputFileError
from .ingest import (
    CSV_EXTRA_FIELDS,
    IngestResult,
    SheetTable,
    column_units,
    read_sources,
    to_records,
)
from .normalize.records import DERIVED
from .output import (
    OutputFolder,
    is_formula_payload,
    make_reproducible,
    output_names,
    payload_mask,
    write_csv,
    write_json,
)
from .resources import memory_warning
from .schema import ROW_KEY, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, cell_text, flags, row_key
from .validate import PARENT_REJECTED


@dataclass
class RunResult:
    """What a run produced; the CLI renders it and picks the exit code from it."""

    tables: list[SheetTable]
    problems: list[InputFileError]
    records: pd.DataFrame
    findings: pd.DataFrame
    crosswalk: pd.DataFrame
    report: dict[str, Any]
    files: list[Any] = field(default_factory=list)  # the files read (ingest's SourceFile)
    context: RunContext | None = None  # the run's settings, resolved (reference date, language)
    dedupe: Any = None  # DedupeResult
    export: Any = None  # ExportResult (None for an audit)
    out_dir: Path | None = None
    outputs: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per stage
    # the decisions given with --decisions, carried into the new review.xlsx so that it can
    # be passed back as --decisions on the next run without losing one
    decided_pairs: pd.DataFrame | None = None
    decided_words: dict[str, str] = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date | None:
        """The reference date: given, else the latest date in the data, else a saved date."""
        return self.context.as_of if self.context is not None else None

    @property
    def as_of_source(self) -> str:
        """given | data | saved:<file> | none (see :func:`_reference_date`)."""
        return self.context.as_of_source if self.context is not None else "none"

    @property
    def exit_code(self) -> int:
        if not self.tables and self.problems:
            return 2
        if self.problems:
            return 1
        statuses = self.crosswalk[["status", *STATUS_COLUMNS]]
        if statuses.eq("rejected").any(axis=None):
            return 1
        return 0


def inspect(
    paths: list[str],
    *,
    rules_dir: str | os.PathLike[str] | None = None,
    mapping: str | None = None,
) -> IngestResult:
    """Read and map every file and sheet; nothing is written."""
    overrides = _overrides(mapping, rules_dir)
    return read_sources(paths, rules_dir=rules_dir, overrides=overrides)


def describe_sheets(
    result: IngestResult, *, rules_dir: str | os.PathLike[str] | None = None
) -> list[dict[str, Any]]:
    """What ``inspect --json`` prints: each sheet's layout and mapping (``SheetTable.to_json``)
    and its stage words with what they map to and how (:func:`migrate.stage_review.stage_words_of`)."""
    from .stage_review import stage_words_of

    by_sheet: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for w in stage_words_of(result, rules_dir).to_dict("records"):
        by_sheet.setdefault((w["file"], w["sheet"]), []).append(
            {k: w[k] for k in ("word", "rows", "stage", "how")}
        )
    return [
        t.to_json() | {"stage_words": by_sheet.get((t.file, t.sheet), [])} for t in result.tables
    ]


def _overrides(mapping: str | os.PathLike[str] | None, rules_dir: str | os.PathLike[str] | None):
    if not mapping:
        return None
    from .mapping import read_mapping

    return read_mapping(mapping, rules_dir)


def run(
    paths: list[str],
    *,
    out: str | os.PathLike[str] | None = None,
    target: str | None = "generic",
    mapping: str | None = None,
    rules_dir: str | None = None,
    decisions: str | os.PathLike[str] | None = None,
    existing: Mapping[str, str | os.PathLike[str]] | None = None,
    as_of: dt.date | None = None,
    lang: str | None = None,
    mask_pii: bool = False,
    excel_friendly: bool = False,
    quality_copy: str = "auto",
    history: str | os.PathLike[str] | None = None,
    engine: str = "default",
    currency: str | None = None,
    fiscal_year_start: int | None = None,
    country: str | None = None,
    force: bool = False,
    on_stage: StageListener | None = None,
    timings: bool = False,
) -> RunResult:
    """Run the whole pipeline; with ``out`` write every output there, atomically.

    The tool writes only its own files into ``out`` (see :class:`migrate.output.OutputFolder`):
    a folder holding other files and no manifest of an earlier run is refused unless ``force``.
    ``target=None`` is the audit: everything but the import files. ``as_of`` is the date ages
    and "not in the future" checks count from; without it, the latest ``updated_at`` /
    ``created_at`` in the data (never the wall clock, so the same inputs give the same outputs).
    ``currency``, ``fiscal_year_start`` and ``country`` are the organisation's own (the
    currency of bare amounts and of the import files, the first month of the fiscal year, the
    country of phone numbers without +code), over what the rule files say.
    ``on_stage(stage, seconds)`` hears each stage start (seconds None) and end; the stage
    times are on the result (``timings``) and, with ``timings=True``, in report.json too.
    """
    from .bundle import load_rules_bundle
    from .dedupe import find_duplicates, read_decisions
    from .dedupe.survivorship import STATED_COLUMN
    from .normalize import normalize_records
    from .report import build_report, source_language
    from .stage_review import vocabulary_with_decisions
    from .stages import check_stage_consistency, deleted_rows, infer_stages

    # rule files first: every one read and checked once, a broken one stops the run before
    # any work is done. The context built from them and the options is what every stage
    # reads; it is completed (reference date, language) once the data is normalised.
    rules = load_rules_bundle(rules_dir).with_settings(
        currency=currency, fiscal_year_start=fiscal_year_start, country=country
    )
    rules = rules.check()
    context = RunContext.start(
        rules,
        target=target,
        as_of=as_of,
        lang=lang,
        mask_pii=mask_pii,
        excel_friendly=excel_friendly,
        quality_copy=quality_copy,
        history=history,
        engine=engine,
    )
    clock = StageClock(on_stage)
    # pair decisions (review.xlsx, CSV); a YAML file holds stage-word decisions only
    pairs = decisions and not str(decisions).lower().endswith((".yaml", ".yml"))
    given = read_decisions(decisions) if decisions and pairs else None
    stage_words = _stage_decisions(decisions, rules)
    existing_frames = _read_existing(existing, rules)
    folder = None
    if out is not None:  # checked before the work: a refused folder costs the user nothing
        folder = OutputFolder(
            out,
            force=force,
            inputs=_input_files(paths, out, mapping, decisions, existing),
            names=output_names(context.target),
        )
        folder.prepare()

    with clock.stage("read"):
        ingest = inspect(paths, rules_dir=rules, mapping=mapping)
        schema = rules.schema
        records = to_records(ingest.tables, schema, ingest.files)
        records["_source_saved"] = _saved_dates(records, ingest)
        records[STATED_COLUMN] = _stated_dates(records, ingest)
    warning = memory_warning(len(records))  # said now, not after minutes and a killed process
    if warning:
        logging.getLogger("sfa_migrate").warning(warning)
    table_findings = [f for t in ingest.tables for f in t.findings]
    found: list[pd.DataFrame] = [fnd.concat([table_findings, ingest.findings])]

    with clock.stage("normalise"):
        records, norm_findings = normalize_records(
            records,
            rules_dir=rules,
            today=context.as_of,
            units=column_units(ingest.tables),
            stage_vocabulary=(
                vocabulary_with_decisions(rules.stage_vocabulary, stage_words)
                if stage_words
                else None
            ),
            rank_legends=_rank_legends(ingest.tables, rules),
            saved=_saved_date(ingest, records),
            stage_legends=_stage_legends(ingest.tables, rules),
        )
        found.append(norm_findings)
        skip: dict[str, np.ndarray] = {}
        if context.as_of is None:
            skip, past = _dates_past_own(records, rules.normalize.dates.ahead_of_own_date_days)
            found.append(fnd.to_frame(past))
        day, day_source = _reference_date(
            context.as_of, records, ingest, context.stage_model.keys_where(status="won"), skip
        )
        # messages of the stage rules in the language the trackers are written in, unless asked
        context = context.resolve(
            as_of=day,
            as_of_source=day_source,
            source_lang=source_language(records, ingest.tables),
        )
    if context.as_of is None:
        found.append(fnd.to_frame([NO_REFERENCE_DATE]))
    model, profile = context.stage_model, context.target
    records = records.assign(company_id="", contact_id="", deal_id="", _status="", _reason="")
    records["_merged_into"] = ""
    _reject_deleted(records, deleted_rows(records, model), found)
    _reject_misaligned(records, ingest.findings)
    rejected = _rejected_mask(records)
    records.loc[rejected, "_status"] = "rejected"
    if "_reject_reason" in records.columns:
        records.loc[rejected, "_reason"] = records.loc[rejected, "_reject_reason"].map(cell_text)

    # stages before dedupe: the stage a merged deal keeps is the one of its most recent row.
    # With no row rejected the records themselves go on (a boolean take of every row would
    # copy every column, held beside the records through the duplicates stage)
    keep = records[~rejected] if rejected.any() else records
    with clock.stage("stages"):
        keep, inferred = infer_stages(keep, model, lang=context.lang)
        found.append(inferred)
    with clock.stage("duplicates"):
        dedupe = find_duplicates(
            keep, rules_dir=rules, decisions=given, existing=existing_frames, engine=context.engine
        )
        found.append(dedupe.findings)
        records = _merge_back(records, dedupe.records)
        records["_final_stage"] = _final_stages(records, dedupe.deals)
        found.append(_reject_recordless(records))
        found.append(_hidden_sheet_deals(records, ingest.tables, model))
    with clock.stage("stages"):
        found.append(
            check_stage_consistency(
                dedupe.deals, model, context.as_of, lang=context.lang, stale_days=context.stale_days
            )
        )

    export = None
    if profile is not None:
        from .export import build_import_files
        from .export.optout import OptOutWords

        entities = {
            "companies": dedupe.companies,
            "contacts": dedupe.contacts,
            "deals": dedupe.deals,
        }
        with clock.stage("export"):
            export = build_import_files(
                entities,
                profile,
                model,
                owners=context.owners,
                today=context.as_of,
                fiscal_year_start=context.fiscal_year_start_month,
                opt_out=OptOutWords.of(schema),
                excel_errors={
                    (f"{t.file}|{t.sheet}|{r}", f): hit
                    for t in ingest.tables
                    for (r, f), hit in t.excel_errors.items()
                },
                stage_words=_unknown_stage_words(records),
            )
            found.append(export.findings)
            # a deal's partner (代理店, Reseller) and a company's 法人番号 no import file keeps:
            # the report says so
            from .partners import corporate_number_findings, partner_findings

            found.append(corporate_number_findings(dedupe.companies, profile))

            found.append(
                partner_findings(
                    dedupe.deals,
                    profile,
                    rules.ingest[0].third_party_words,
                    rules.legal_form_spellings,
                    {
                        (t.file, t.sheet): c.header
                        for t in ingest.tables
                        for c in t.columns
                        if c.field == "partner"
                    },
                )
            )
            # a company's own field (its fax) no companies file keeps: the report says so
            from .company_fields import company_field_findings

            found.append(
                company_field_findings(
                    dedupe.companies,
                    profile,
                    schema,
                    {
                        (t.file, t.sheet, c.field): c.header
                        for t in ingest.tables
                        for c in t.columns
                        if c.field
                    },
                )
            )
            records = _apply_rejects(records, export.rejects)
    records, left_out = object_statuses(
        records, export, profile, dedupe.deals if export is not None else pd.DataFrame()
    )
    found.append(left_out)
    if export is not None:  # rows rejected before the export are in rejects.csv too
        export = dataclasses.replace(
            export,
            rejects=pd.concat(
                [export.rejects, _early_rejects(records, rules.catalogue)], ignore_index=True
            ),
        )
        export = _formula_first(export, profile, table_findings, rules.catalogue)

    found.append(_formula_findings(records, ingest.tables, schema.names))
    findings = _fill_columns(fnd.concat(found), ingest.tables)
    result = RunResult(
        tables=ingest.tables,
        problems=ingest.problems,
        records=records,
        findings=findings,
        crosswalk=build_crosswalk(records, ingest.tables),
        report={},
        files=ingest.files,
        context=context,
        dedupe=dedupe,
        export=export,
        decided_pairs=given,
        decided_words=stage_words,
    )
    with clock.stage("report"):
        result.report = build_report(result, context)  # the whole report.json, in one place
    if timings:  # they vary from run to run: only on request, outputs stay reproducible
        result.report["timings"] = clock.to_json()
    result.timings = clock.times
    if folder is not None and ingest.tables:
        result.out_dir = folder.path
        with clock.stage("write"), folder.staging() as tmp:
            result.outputs = _write_all(result, tmp, schema.names)
    elif folder is not None:
        folder.discard()
    return result


def _write_all(result: RunResult, tmp: Path, fields: list[str]) -> list[str]:
    """Every output of a run into the staging folder; the names written, in order."""
    from .report import write_reports

    context, dedupe, export = result.context, result.dedupe, result.export
    assert context is not None
    written = write_outputs(result, tmp, fields)
    from .stage_review import stage_words_sheet, write_stage_words_sheet

    # review.xlsx: the pairs to decide, then the stage words to decide; the pair sheet stays
    # first even when empty (read_decisions reads the first sheet when no "review" sheet is)
    words = _with_decided_words(
        stage_words_sheet(result.records, result.findings, context.stage_model, lang=context.lang),
        result.decided_words,
    )
    pairs = _with_decided_pairs(dedupe.review if dedupe is not None else None, result.decided_pairs)
    if dedupe is not None and (len(pairs) or len(words)):
        from .dedupe import write_review_xlsx

        step(REVIEW_FILE)
        write_review_xlsx(pairs, tmp / REVIEW_FILE, lang=context.lang)
        if len(words):
            write_stage_words_sheet(words, tmp / REVIEW_FILE, context.stage_model, context.lang)
        written.append(REVIEW_FILE)
    if export is not None and context.target is not None:
        from .export import write_import_files

        step("import files")
        written += [
            p.name
            for p in write_import_files(
                export, tmp, context.target, excel_friendly=context.excel_friendly
            )
        ]
    step("report.html, quality.xlsx")
    written += write_reports(result, tmp, context=context)
    for name in written:
        if name.endswith(".xlsx"):
            make_reproducible(tmp / name)
    return written


REVIEW_FILE = "review.xlsx"


def _input_files(
    paths: list[str],
    out: str | os.PathLike[str] | None = None,
    mapping: str | os.PathLike[str] | None = None,
    decisions: str | os.PathLike[str] | None = None,
    existing: Mapping[str, str | os.PathLike[str]] | None = None,
) -> list[str]:
    """Every file a run reads: an output never replaces one of them.

    The one exception is the review.xlsx of this very output folder passed back with
    --decisions (the README's loop): the new review.xlsx carries every decision it held
    forward, so replacing it loses nothing."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found += [str(f) for f in p.rglob("*") if f.is_file()]
        elif p.exists():
            found.append(str(p))
    others = [mapping, *(existing or {}).values()]
    if decisions and not (
        out is not None and Path(decisions).resolve() == (Path(out) / REVIEW_FILE).resolve()
    ):
        others.append(decisions)
    found += [str(p) for p in others if p and Path(p).is_file()]
    return found


def _with_decided_pairs(review: pd.DataFrame | None, given: pd.DataFrame | None) -> pd.DataFrame:
    """The pairs to review, then every pair decision given with --decisions that is not among
    them (it was applied: the pair is merged or kept apart now), with its decision filled in."""
    review = review if review is not None else pd.DataFrame(columns=["left_key", "right_key"])
    if given is None or not len(given):
        return review
    from .dedupe.decisions import decision_value

    decided = given[given["decision"].map(lambda v: decision_value(v) in ("same", "different"))]
    if "left_key" in review.columns and len(review):
        pending = set(zip(review["left_key"].map(cell_text), review["right_key"].map(cell_text)))
        pending |= {(b, a) for a, b in pending}
        keep = [
            (cell_text(a), cell_text(b)) not in pending
            for a, b in zip(decided["left_key"], decided["right_key"])
        ]
        decided = decided[keep]
    if not len(decided):
        return review
    columns = list(dict.fromkeys([*review.columns, *decided.columns]))
    return pd.concat(
        [review.reindex(columns=columns), decided.reindex(columns=columns)], ignore_index=True
    ).astype(object)


def _with_decided_words(sheet: pd.DataFrame, decided: dict[str, str]) -> pd.DataFrame:
    """The stage words to decide, then every stage word decided with --decisions (it is read
    as decided now, so it is no longer among them), with its decision filled in."""
    if not decided:
        return sheet
    listed = set(sheet["word"].map(cell_text)) if "word" in sheet.columns else set()
    rows = [
        {"decision": stage, "word": word, "how": "decided", "message": "decided in review.xlsx"}
        for word, stage in sorted(decided.items())
        if word not in listed
    ]
    if not rows:
        return sheet
    return pd.concat([sheet, pd.DataFrame(rows).reindex(columns=sheet.columns)], ignore_index=True)


def _stage_decisions(decisions: str | os.PathLike[str] | None, rules: Any) -> dict[str, str]:
    """The stage-word decisions of a review.xlsx (its "stage words" sheet) or a YAML file.

    A CSV of pair decisions holds none. A decision naming no stage is a user error: one line
    per problem, the run does not start."""
    if not decisions or not str(decisions).lower().endswith((".xlsx", ".xlsm", ".yaml", ".yml")):
        return {}
    from .errors import UserError
    from .stage_review import read_stage_decisions

    words, problems = read_stage_decisions(decisions, rules.stage_vocabulary)
    if problems:
        raise UserError(
            f"{decisions}: stage-word decisions that name no stage: " + "; ".join(problems),
            hint="write a stage key, label or word of rules/stages.yaml in the decision cell",
        )
    return words


def _rank_legends(tables: list[SheetTable], rules: Any) -> dict[str, dict[str, float]]:
    """Each file's own rank legend (a 確度基準 sheet: ヨミ | 定義 | 確度), from its small
    skipped sheets; the first legend of a file counts."""
    from .normalize.probability import rank_legend

    legends: dict[str, dict[str, float]] = {}
    for t in tables:
        if t.kind == "skipped" and t.cells and t.file not in legends:
            # ingest keeps cells as text: a plain number cell ('90') is a number again
            rows = [[_number_or_text(c) for c in row] for row in t.cells]
            legend = rank_legend(rows, rules.normalize)
            if legend:
                legends[t.file] = legend
    return legends


def _stage_legends(tables: list[SheetTable], rules: Any) -> dict[str, dict[str, str]]:
    """Each file's own stage legend (a ステージ定義 sheet: No | ステージ | 定義), from its small
    skipped sheets; the first legend of a file counts."""
    from .normalize.stage_words import stage_legend

    legends: dict[str, dict[str, str]] = {}
    for t in tables:
        if t.kind == "skipped" and t.cells and t.file not in legends:
            legend = stage_legend(t.cells, rules.stage_vocabulary, rules.normalize)
            if legend:
                legends[t.file] = legend
    return legends


def _number_or_text(cell: object) -> object:
    if isinstance(cell, str):
        try:
            return float(cell.replace(",", ""))
        except ValueError:
            return cell
    return cell


def _read_existing(
    existing: Mapping[str, str | os.PathLike[str]] | None, rules: Any
) -> dict[str, pd.DataFrame] | None:
    """Read the SFA exports given with --existing (accounts, contacts). One the run cannot
    match on (no Id column: every account would be created again) stops it before any work."""
    if not existing:
        return None
    from .dedupe.entities import existing_problem
    from .errors import UserError
    from .ingest import read_plain_table

    frames = {kind: read_plain_table(path) for kind, path in existing.items()}
    for kind, frame in frames.items():
        if problem := existing_problem(kind, frame, rules.dedupe):
            raise UserError(
                f"--existing {kind}={existing[kind]}: {problem}",
                hint="give the SFA's export of its records with their Id column, or rename "
                f"its header to one of those (or add it under existing.{kind} in a copy of "
                "the rules: sfa-migrate rules init DIR)",
            )
    return frames


NO_REFERENCE_DATE = fnd.Finding(
    "run.no-reference-date",
    "warning",
    "no reference date: the data has no updated/created date and no workbook says when it was "
    "saved, so the checks that compare dates with today (close dates in the past, stale deals, "
    "dates in the future) were skipped; run again with --as-of YYYY-MM-DD (the day of the export)",
    action="skipped",
)


def _saved_dates(records: pd.DataFrame, ingest: IngestResult) -> pd.Series:
    """The date each row's workbook was last saved (ISO, '' if unknown): how recent the rows of
    a tracker without an update column are (migrate/dedupe/survivorship.py effective_date)."""
    from .ingest.props import saved_date

    saved = {f.name: d.isoformat() for f in ingest.files if (d := saved_date(f.path))}
    return records["_source_file"].map(saved).astype(object).fillna("")


def _stated_dates(records: pd.DataFrame, ingest: IngestResult) -> pd.Series:
    """The day each row's sheet states above its table (ISO, '' if none): how recent its rows
    are (migrate/dedupe/survivorship.py sheet_dates)."""
    out = pd.Series("", index=records.index, dtype=object)
    stated = {(t.file, t.sheet): t.stated_date for t in ingest.tables if t.stated_date}
    if stated and not records.empty:
        files, sheets = records[SOURCE_FILE].astype(object), records[SOURCE_SHEET].astype(object)
        for (file, sheet), day in stated.items():
            out[(files == file) & (sheets == sheet)] = day
    return out


def _dates_past_own(
    records: pd.DataFrame, days: int
) -> tuple[dict[str, np.ndarray], list[fnd.Finding]]:
    """The updated/created dates that lie more than ``days`` after the day their sheet states
    (最終更新：2026/11/30) or their workbook was last saved, the later of the two, per field;
    and one finding per sheet and field (``run.date-after-own-date``): they do not set the
    reference date."""
    from .asof import past_own_date, to_date
    from .dedupe.survivorship import STATED_COLUMN

    if records.empty:
        return {}, []
    stated = records.get(STATED_COLUMN, pd.Series("", index=records.index)).astype(object)
    saved = records.get("_source_saved", pd.Series("", index=records.index)).astype(object)
    stated, saved = stated.fillna("").map(cell_text), saved.fillna("").map(cell_text)
    # the later of the two: a title block's date left as it was while the rows were updated
    # and saved is a stale title, not a bound (ISO dates compare as text)
    own = stated.where(stated >= saved, saved)
    skip = past_own_date(records, own, days)
    found: list[fnd.Finding] = []
    for name, mask in skip.items():
        rows = records[mask]
        for (file, sheet), group in rows.groupby([SOURCE_FILE, SOURCE_SHEET], sort=True):
            dates = sorted(d for v in group[name] if (d := to_date(v)) is not None)
            bound = cell_text(own[group.index[0]])
            whose = (
                f"the day its sheet states ({bound})"
                if bound == stated[group.index[0]]
                else f"the day its workbook was last saved ({bound})"
            )
            where = f"{file} › {sheet}" if sheet else str(file)
            found.append(
                fnd.Finding(
                    "run.date-after-own-date",
                    "warning",
                    f"{len(group)} {name} date(s) of {where} lie more than {days} days after "
                    f"{whose}, up to {dates[-1].isoformat() if dates else '?'}: not taken as "
                    "today (a renewal or planned date in an update column?)",
                    file=cell_text(file),
                    sheet=cell_text(sheet),
                    row=int(group[SOURCE_ROW].iloc[0]) if SOURCE_ROW in group else 0,
                    field=name,
                    original=cell_text(group[name].iloc[0]),
                    action="skipped",
                )
            )
    return skip, found


def _reference_date(
    given: dt.date | None,
    records: pd.DataFrame,
    ingest: IngestResult,
    won: tuple[str, ...] = (),
    skip: dict[str, np.ndarray] | None = None,
) -> tuple[dt.date | None, str]:
    """The date ages and "not in the future" count from, and where it came from.

    ``--as-of``; else the latest updated/created date in the data (or the latest close date of
    a deal at a ``won`` stage when that is later by at most WON_CLOSE_MAX_AHEAD_DAYS:
    ``data:won``), or the latest day a sheet
    states above its table (最終更新：2026/1/20) when that is later; else the latest date a
    workbook was last saved (its document properties); else none, and the date-relative checks
    are skipped. Never the wall clock: the same inputs give the same outputs.
    """
    if given is not None:
        return given, "given"
    from .asof import WON_CLOSE_MAX_AHEAD_DAYS, latest_won_close
    from .normalize import as_of_date

    day, source = as_of_date(records, skip), "data"
    # a won deal's close date is no later than the export: a later one than every
    # updated/created date moves that date on (else its own won deals are 'after today');
    # data without such dates keeps the sheet's or the save's date
    won_day = latest_won_close(records, won) if day is not None else None
    if (
        day is not None
        and won_day is not None
        and day < won_day <= day + dt.timedelta(days=WON_CLOSE_MAX_AHEAD_DAYS)
    ):
        day, source = won_day, "data:won"
    stated = _latest_stated(ingest, records)
    if stated is not None and (day is None or stated[0] > day):
        return stated[0], f"stated:{stated[1]}"
    if day is not None:
        return day, source
    saved = _saved_date(ingest, records)
    if saved is not None:
        return saved[0], f"saved:{saved[1]}"
    return None, "none"


def _files_with_rows(records: pd.DataFrame) -> set[str]:
    """The files that gave rows: only they say when the data was written."""
    if SOURCE_FILE not in records:
        return set()
    return {cell_text(f) for f in records[SOURCE_FILE].unique()}


def _latest_stated(ingest: IngestResult, records: pd.DataFrame) -> tuple[dt.date, str] | None:
    """The latest day a sheet whose rows were read states above its table, and the sheet
    (``file › sheet``)."""
    with_rows = _files_with_rows(records)
    stated = [
        (dt.date.fromisoformat(t.stated_date), f"{t.file} › {t.sheet}" if t.sheet else t.file)
        for t in ingest.tables
        if t.stated_date and t.file in with_rows and len(t.data)
    ]
    return max(stated) if stated else None


def _saved_date(ingest: IngestResult, records: pd.DataFrame) -> tuple[dt.date, str] | None:
    """The latest date a workbook of the run whose rows were read was last saved (its
    document properties).

    A workbook that gave no row (an empty template saved next year, a file that could not be
    used) says nothing of when the data was written: it set the reference date to 2027 and
    every won deal's close date 'in the future' went unseen.
    """
    from .ingest.props import saved_date

    with_rows = _files_with_rows(records)
    saved = [
        (d, f.name)
        for f in ingest.files
        if f.name in with_rows and (d := saved_date(f.path)) is not None
    ]
    return max(saved) if saved else None


def _unknown_stage_words(records: pd.DataFrame) -> dict[str, str]:
    """Source row key (file|sheet|row) -> the stage word no stage claims that its stage cell
    held (normalize's ``_stage_word``), for the rejects' fix of an empty stage."""
    if "_stage_word" not in records.columns or ROW_KEY not in records.columns:
        return {}
    words = map_values(records["_stage_word"], cell_text)
    held = (words != "").to_numpy(dtype=bool)
    keys = records[ROW_KEY].to_numpy(dtype=object)[held]
    return {cell_text(k): w for k, w in zip(keys, words.to_numpy(dtype=object)[held], strict=True)}


def _reject_recordless(records: pd.DataFrame) -> pd.DataFrame:
    """Data rows that carry no record (no company, person or deal: a kintone sub-table line of
    明細 cells, a row of unticked checkboxes) are rejected with that reason, not counted as
    exported: nothing of them reaches an import file. One finding per row
    (``ingest.row-without-record``) names the cells it holds."""
    alive = records["_status"].isin(["exported", "merged"])
    none = alive & (
        (records["company_id"] == "") & (records["contact_id"] == "") & (records["deal_id"] == "")
    )
    if not none.any():
        return fnd.empty()
    shown = [
        c
        for c in records.columns
        if isinstance(c, str) and not c.startswith("_") and c not in _ID_COLUMNS
    ]
    found = []
    reasons = []
    for idx in records.index[none]:
        row = records.loc[idx]
        cells = [
            f"{c.removeprefix('extra:')} '{cell_text(row[c])}'" for c in shown if cell_text(row[c])
        ]
        held = fnd.listed(cells, 4)
        message = (
            f"no company, person or deal in this row ({held or 'no cells'}): nothing to import; "
            "a sub-table line belongs to the record above it"
        )
        reasons.append(f"{ROW_WITHOUT_RECORD}: {message}")
        found.append(
            fnd.Finding(
                ROW_WITHOUT_RECORD,
                "warning",
                message,
                cell_text(row[SOURCE_FILE]),
                cell_text(row[SOURCE_SHEET]),
                int(row[SOURCE_ROW]),
                action="skipped",
            )
        )
    said = pd.Series("", index=records.index, dtype=object)
    said[none] = reasons
    _add_rejects(records, said)
    records.loc[none, "_status"] = "rejected"
    records.loc[none, "_merged_into"] = ""
    records.loc[none, "_reason"] = reasons
    return fnd.to_frame(found)


ROW_WITHOUT_RECORD = "ingest.row-without-record"
# the ids, and the columns normalising derives from the others (not cells of the row)
_ID_COLUMNS = {"company_id", "contact_id", "deal_id", "currency", *DERIVED}


def _reject_deleted(
    records: pd.DataFrame, deleted: list[fnd.Finding], found: list[pd.DataFrame]
) -> None:
    """Rows deleted in the system they were exported from (stages.deleted-in-source) are
    rejected with that reason: imported, a deleted duplicate would return."""
    if not deleted:
        return
    reason = {(f.file, f.sheet, f.row): f"{f.rule}: {f.message}" for f in deleted}
    places = zip(records["_source_file"], records["_source_sheet"], records["_source_row"])
    said = pd.Series([reason.get(k, "") for k in places], index=records.index, dtype=object)
    _add_rejects(records, said)
    found.append(fnd.to_frame(deleted))


def _reject_misaligned(records: pd.DataFrame, findings: list[fnd.Finding]) -> None:
    """CSV rows whose extra fields nothing explains (ingest.csv-extra-fields, action rejected)
    are rejected with that reason: their values sit in the wrong columns (an amount of 1 and
    the close date in the amount's place)."""
    reason = {
        (f.file, f.sheet, f.row): f"{f.rule}: {f.message}"
        for f in findings
        if f.rule == CSV_EXTRA_FIELDS and f.action == "rejected"
    }
    if not reason:
        return
    places = zip(records["_source_file"], records["_source_sheet"], records["_source_row"])
    said = pd.Series([reason.get(k, "") for k in places], index=records.index, dtype=object)
    _add_rejects(records, said)


def _add_rejects(records: pd.DataFrame, said: pd.Series) -> None:
    """Reject the rows whose ``said`` reason is not empty, after any reason they had already
    (normalisation's, joined with '; ' as it joins its own)."""
    before = (
        records["_reject_reason"].map(cell_text)
        if "_reject_reason" in records
        else pd.Series("", index=records.index, dtype=object)
    )
    records["_reject"] = _rejected_mask(records) | (said != "")
    records["_reject_reason"] = [
        "; ".join(x for x in (b, s) if x) for b, s in zip(before, said, strict=True)
    ]


def _rejected_mask(records: pd.DataFrame) -> pd.Series:
    if "_reject" not in records.columns:
        return pd.Series(False, index=records.index)
    return records["_reject"].map(lambda v: bool(v) if cell_text(v) else False).astype(bool)


def _merge_back(records: pd.DataFrame, deduped: pd.DataFrame) -> pd.DataFrame:
    """The ids and statuses of dedupe onto the full records (rejected rows keep theirs).

    The records' columns are shared, not copied: each written column is replaced whole by a
    copy with dedupe's cells set (a cell written into a shared block would copy the whole
    block of ~50 text columns, 0.4 GB at a million rows, or change the input under pandas 2).
    """
    out = records.copy(deep=False)
    cols = ["company_id", "contact_id", "deal_id", "_status", "_merged_into"]
    if "_stage_inferred" in deduped.columns:
        cols += ["stage", "_stage_inferred"]
    at = out.index.get_indexer(deduped.index)
    for c in cols:
        out[c] = _with_cells(out[c], at, deduped[c].to_numpy())
    merged = np.flatnonzero((out["_status"] == "merged").to_numpy())
    reasons = "merged into " + out["_merged_into"].iloc[merged].map(cell_text)
    out["_reason"] = _with_cells(out["_reason"], merged, reasons.to_numpy())
    return out


def _with_cells(column: pd.Series, at: np.ndarray, values: np.ndarray) -> pd.Series:
    """A copy of ``column`` with the cells at positions ``at`` set to ``values``."""
    column = column.copy()
    column.iloc[at] = values
    return column


def _final_stages(records: pd.DataFrame, deals: pd.DataFrame) -> pd.Series:
    """Each row's final stage: the stage its deal kept after the merge (else its own)."""
    # each distinct stage written once; the rows' deal ids looked up at once (hashed in C)
    own = map_values(records["stage"], cell_text) if "stage" in records.columns else ""
    if deals.empty or "stage" not in deals.columns:
        return pd.Series(own, index=records.index, dtype=object)
    ids, stages = deals["deal_id"].map(cell_text), map_values(deals["stage"], cell_text)
    kept = dict(zip(ids.tolist(), stages.tolist()))  # lists: no Arrow scalar made per id
    final = records["deal_id"].map(kept).astype(object).fillna("")
    return final.where(records["deal_id"] != "", own).astype(object)


def _hidden_sheet_deals(
    records: pd.DataFrame, tables: list[SheetTable], model: Any
) -> pd.DataFrame:
    """One warning per hidden sheet whose rows hold open deals found on no visible sheet.

    A team hides the sheet it archived (Archive 2025, 過去分, an old copy): its deals still
    open are imported as live pipeline. They are read like the others (nothing is dropped on a
    guess), and the warning says how to leave the sheet out."""
    hidden = {(t.file, t.sheet) for t in tables if not t.visible and t.kind == "table"}
    if not hidden or records.empty or "_final_stage" not in records.columns:
        return fnd.to_frame([])
    files, sheets = records[SOURCE_FILE].astype(object), records[SOURCE_SHEET].astype(object)
    on = {key: (files == key[0]) & (sheets == key[1]) for key in sorted(hidden)}
    on_hidden = np.logical_or.reduce(list(on.values()))
    deal = records["deal_id"].map(cell_text)
    live = (records["_status"] != "rejected") & (deal != "")
    seen_visible = set(deal[live & ~on_hidden])
    still_open = records["_final_stage"].isin(model.keys_where(level="deal", status="open"))
    found = []
    for (file, sheet), rows in on.items():
        here = live & still_open & rows
        deals = sorted(set(deal[here]) - seen_visible)
        if deals:
            found.append(
                fnd.Finding(
                    "ingest.hidden-sheet-open-deals",
                    "warning",
                    f"{len(deals)} open deal(s) only on this hidden sheet are imported as live "
                    "pipeline; if the sheet is an archive or an old copy, mark it skip in a "
                    "mapping file (sfa-migrate inspect --write-mapping)",
                    file,
                    sheet,
                    value=str(len(deals)),
                    action="kept",
                )
            )
    return fnd.to_frame(found)


def _formula_first(
    export: Any, profile: Any, found: list[fnd.Finding], catalogue: Catalogue
) -> Any:
    """The rejects whose empty column was a formula cell without a saved value say first that
    the workbook must be opened and saved in Excel (:mod:`migrate.export.formulas`)."""
    from .export.formulas import FORMULA_WITHOUT_VALUE, formula_first

    cells = {
        (row_key(f.file, f.sheet, f.row), f.field)
        for f in found
        if f.rule == FORMULA_WITHOUT_VALUE and f.field
    }
    entry = catalogue.entry(FORMULA_WITHOUT_VALUE)
    if not cells or entry is None or profile is None:
        return export
    return formula_first(export, profile, cells, entry.fix.get("en"))


def _early_rejects(records: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Rows rejected before the export (an amount no number can hold exactly, a deal deleted in
    its source, a row without a record), in the shape of rejects.csv: no import file, the rule,
    the reason, what to do (the rule's fix in the finding catalogue), the source row."""
    from .validate import REJECT_COLUMNS

    reasons = (
        records["_reason"].map(cell_text)
        if "_reason" in records
        else pd.Series("", index=records.index, dtype=object)
    )
    # rejected before the export, or left out by the target's files (see migrate.crosswalk)
    early = _rejected_mask(records) | reasons.str.startswith(f"{NO_TARGET_RECORD}:")
    rows = records[(records["_status"] == "rejected") & early]
    reasons = rows["_reason"].map(cell_text)
    rule = reasons.str.extract(r"^([a-z]+\.[a-z0-9-]+):", expand=False).fillna("")
    return pd.DataFrame(
        {
            "file": "",
            "external_id": "",
            "rule": rule,
            "expectation": "",
            "column": "",
            "value": "",
            "reason": reasons,
            "fix": [_fix(catalogue, r) for r in rule],
            "source_rows": rows[ROW_KEY],
        },
        columns=REJECT_COLUMNS,
    ).astype("object")


def _fix(catalogue: Catalogue, rule: str) -> str:
    entry = catalogue.entry(rule) if rule else None
    return entry.fix.en if entry else "correct the value in the source row and run again"


def _apply_rejects(records: pd.DataFrame, rejects: pd.DataFrame) -> pd.DataFrame:
    """Rows behind a rejected import record get the reasons (their status follows from the
    status of each of their objects, see :mod:`migrate.crosswalk`).

    A row's reason names the checks its own records failed; "parent rejected" is only given
    when that is all there is (the parent's own reason is then on the parent's rows).
    """
    if rejects.empty:
        return records
    own: dict[str, list[str]] = {}
    inherited: dict[str, list[str]] = {}
    for file, rule, reason, keys in rejects[["file", "rule", "reason", "source_rows"]].itertuples(
        index=False
    ):
        if rule == PARENT_REJECTED:
            why, into = f"{file}: its parent record was rejected [{rule}]", inherited
        else:
            why, into = f"{file}: {reason} [{rule}]", own
        for key in cell_text(keys).split(";"):
            if key and why not in into.setdefault(key, []):
                into[key].append(why)
    reasons = {k: own.get(k) or inherited[k] for k in {*own, *inherited}}
    out = records.copy()
    hit = flags(out[ROW_KEY], lambda k: k in reasons) & (out["_status"] != "rejected")
    out.loc[hit, "_reason"] = out.loc[hit, ROW_KEY].map(lambda k: "; ".join(reasons[k]))
    return out


def _formula_findings(
    records: pd.DataFrame, tables: list[SheetTable], fields: list[str]
) -> pd.DataFrame:
    """Cells and sheet names that would run as formulas in Excel: records.csv, findings.csv,
    crosswalk.csv and rejects.csv carry them with a leading ' (see :mod:`migrate.output`)."""
    parts = []
    for f in fields:
        if f not in records.columns:
            continue
        hit = payload_mask(records[f])
        if not hit.any():
            continue
        rows = records.loc[hit]
        original = rows[f].map(cell_text)
        parts.append(
            pd.DataFrame(
                {
                    "rule": "output.formula-neutralised",
                    "severity": "info",
                    "message": "the value starts like a spreadsheet formula; the CSVs of this "
                    "run carry it with a leading ' so that Excel shows it as text",
                    "file": rows[SOURCE_FILE],
                    "sheet": rows[SOURCE_SHEET],
                    "row": rows[SOURCE_ROW],
                    "field": f,
                    "original": original,
                    "value": "'" + original,
                    "action": "changed",
                }
            )
        )
    names = [
        (file, sheet, name)
        for file, sheet in sorted({(t.file, t.sheet) for t in tables})
        for name in dict.fromkeys((file, sheet))
        if is_formula_payload(name)
    ]
    parts.append(
        fnd.to_frame(
            fnd.Finding(
                "output.formula-neutralised",
                "info",
                "the file or sheet name starts like a spreadsheet formula; the CSVs of this run "
                "carry it with a leading '",
                file,
                sheet,
                original=name,
                value="'" + name,
                action="changed",
            )
            for file, sheet, name in names
        )
    )
    return fnd.concat(parts)


def _fill_columns(findings: pd.DataFrame, tables: list[SheetTable]) -> pd.DataFrame:
    """Give every finding that names a canonical field the source header it came from."""
    if findings.empty:
        return findings
    headers = {(t.file, t.sheet, c.field): c.header for t in tables for c in t.columns if c.field}
    need = (findings["column"] == "") & (findings["field"] != "")
    if need.any():
        findings = findings.copy()
        findings.loc[need, "column"] = [
            headers.get((f, s, fl), "")
            for f, s, fl in findings.loc[need, ["file", "sheet", "field"]].itertuples(index=False)
        ]
    return findings


ACTIVITY_ROW = (
    "ingest.activity-log: an activity (call, visit, mail), no deal: read for its company only; "
    "import it with the SFA's activity import (Task)"
)


def _skip_reason(table: SheetTable, row: int, why: str) -> str:
    """A skipped row's reason: its code, and for the other row of a deal written on two rows
    the row the deal was read from (its values are that row's extra columns)."""
    if why == "row.pair-second" and row in table.pair_rows:
        kept = table.pair_rows[row]
        return (
            f"{why}: the other row of the deal on row {kept} ({table.file}|{table.sheet}|{kept}); "
            "its values are that record's extra columns"
        )
    return why


def build_crosswalk(records: pd.DataFrame, tables: list[SheetTable]) -> pd.DataFrame:
    """One row per data row and per non-blank skipped row, in source order."""
    parts = []
    if len(records):
        parts.append(
            pd.DataFrame(
                {
                    "source_file": records[SOURCE_FILE],
                    "source_sheet": records[SOURCE_SHEET],
                    "source_row": records[SOURCE_ROW].astype(int),
                    "status": records["_status"],
                    "company_id": records["company_id"],
                    "company_status": records.get("company_status", ""),
                    "contact_id": records["contact_id"],
                    "contact_status": records.get("contact_status", ""),
                    "deal_id": records["deal_id"],
                    "deal_status": records.get("deal_status", ""),
                    "stage": _stage_column(records),
                    "reason": records["_reason"],
                }
            )
        )
        logs = {(t.file, t.sheet) for t in tables if t.activity_log}
        if logs:  # an activity log's row: read for its company only (ingest.activity-log)
            cw = parts[-1]
            log = [(f, s) in logs for f, s in zip(cw["source_file"], cw["source_sheet"])]
            said = cw.loc[log, "reason"].map(cell_text)
            cw.loc[log, "reason"] = (said + "; " + ACTIVITY_ROW).str.removeprefix("; ")
    skipped = [
        (t.file, t.sheet, r, "skipped", "", "", "", "", "", "", "", _skip_reason(t, r, why))
        for t in tables
        for r, why in t.skipped
        if why != "row.blank"
    ]
    if skipped:
        parts.append(pd.DataFrame(skipped, columns=CROSSWALK_COLUMNS))
    if not parts:
        return pd.DataFrame(columns=CROSSWALK_COLUMNS)
    cw = pd.concat(parts, ignore_index=True)
    order = {t.file: i for i, t in enumerate(tables)}
    sheet_order = {(t.file, t.sheet): t.sheet_index for t in tables}
    cw["_o1"] = cw["source_file"].map(order)
    cw["_o2"] = [sheet_order.get((f, s), 0) for f, s in zip(cw["source_file"], cw["source_sheet"])]
    cw = cw.sort_values(["_o1", "_o2", "source_row"], kind="stable").drop(columns=["_o1", "_o2"])
    return cw.reset_index(drop=True)[CROSSWALK_COLUMNS]


def _stage_column(records: pd.DataFrame) -> pd.Series | str:
    name = "_final_stage" if "_final_stage" in records.columns else "stage"
    if name not in records.columns:
        return ""
    return records[name].map(lambda v: v if isinstance(v, str) else "")


def write_outputs(result: RunResult, out: Path, fields: list[str]) -> list[str]:
    """records.csv, crosswalk.csv, findings.csv, report.json into ``out``.

    records.csv: one row per source data row with its ids, status and normalised fields
    (amounts as plain numbers, whole ones without a decimal point).
    """
    rec = result.records
    frame = pd.DataFrame(
        {
            "source_file": rec[SOURCE_FILE],
            "source_sheet": rec[SOURCE_SHEET],
            "source_row": rec[SOURCE_ROW],
            "status": rec["_status"],
            "company_id": rec["company_id"],
            "contact_id": rec["contact_id"],
            "deal_id": rec["deal_id"],
            "merged_into": rec["_merged_into"],
        }
    )
    for f in fields:
        col = rec[f] if f in rec.columns else pd.Series("", index=rec.index)
        frame[f] = map_values(col, _plain_number) if pd.api.types.is_float_dtype(col) else col
    step("records.csv")
    write_csv(frame, out / "records.csv")
    step("crosswalk.csv")
    write_csv(result.crosswalk, out / "crosswalk.csv")
    step("findings.csv")
    write_csv(result.findings, out / "findings.csv")
    write_json(result.report, out / "report.json")
    return ["records.csv", "crosswalk.csv", "findings.csv", "report.json"]


def _plain_number(value: object) -> str:
    from .normalize import format_amount

    try:
        return format_amount(value)
    except TypeError:  # not a number after all: written as it stands
        return cell_text(value)


__all__ = [
    "RunContext",
    "RunResult",
    "build_crosswalk",
    "describe_sheets",
    "inspect",
    "run",
    "ROW_KEY",
]
