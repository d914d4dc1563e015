"""The data-quality report: what was wrong, where, what was done, and how the pipeline looks.

In: a ``RunResult`` of :func:`migrate.pipeline.run` (tables, problems, records, findings,
crosswalk, the base report dict and, once those stages exist, ``dedupe`` and ``export``).
Out: :func:`extend_report` returns the extra report.json sections (``context``, ``import``,
``quality``, ``duplicates``, ``funnel``, ``checklist``; see docs/report-json.md), and
:func:`write_reports` writes ``report.html`` (one self-contained page, Japanese or English,
inline SVG charts, no network) and ``quality.xlsx`` (the fix list: every source sheet at its
own row numbers with problem cells coloured and commented, plus a findings sheet with links).
Sections whose data the run does not carry say "not available" instead of inventing numbers.
Nothing uses the wall clock: ages are counted to ``today`` (given, else the latest
updated_at/created_at in the data).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..output import collector_paused
from .settings import ReportRules, load_report_rules, stage_view

if TYPE_CHECKING:
    from ..context import RunContext

__all__ = ["SECTIONS", "build_report", "extend_report", "load_report_rules", "write_reports"]

#: The report.json sections added by :func:`extend_report`, in this order.
SECTIONS = ("context", "import", "quality", "duplicates", "funnel", "checklist")


def _as_date(today: dt.date | dt.datetime | str | None) -> dt.date | None:
    if today is None or (isinstance(today, dt.date) and not isinstance(today, dt.datetime)):
        return today
    if isinstance(today, dt.datetime):
        return today.date()
    return dt.date.fromisoformat(str(today)[:10])


@collector_paused()
def build_report(result: Any, context: RunContext) -> dict[str, Any]:
    """The whole report.json of a run, built in one place from its result and context.

    The summary (files, sheets, rows, columns, findings; :mod:`.summary`) and the sections
    (:data:`SECTIONS`) are computed from the same result and the same frozen context, so
    report.json, report.html, quality.xlsx and the CLI summary can never disagree.
    """
    from .summary import build_summary

    report = build_summary(result, target=context.target_name)
    report.update(extend_report(result, context=context))
    if context.history:  # the weekly check's runs (sfa-migrate check --history), as a trend
        from ..check.trend import trend_data

        report["trend"] = _plain(trend_data(context.history))
    return report


def extend_report(
    result: Any,
    *,
    context: RunContext | None = None,
    stage_model: Any = None,
    today: dt.date | str | None = None,
    stale_days: int | None = None,
    mask_pii: bool = False,
    rules_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The report sections (context, import, quality, duplicates, funnel, checklist).

    With ``context`` (what :func:`migrate.pipeline.run` passes) every setting comes from it;
    the keyword options serve a caller holding only a result (a notebook, a test): ``today``
    overrides the result's reference date, the rest default to the rules'."""
    from ..catalogue import load_catalogue
    from .checklist import build_checklist
    from .context import build_context
    from .duplicates import build_duplicates
    from .funnel import build_funnel
    from .imports import build_import
    from .quality import build_quality

    if context is not None:
        rules_dir = context.rules
        stage_model = context.stage_model
        mask_pii = context.mask_pii
    rules: ReportRules = load_report_rules(rules_dir)
    model = stage_view(stage_model, rules_dir)
    if context is not None:
        ctx = build_context(
            result,
            rules,
            model,
            today=context.as_of,
            stale_days=stale_days,
            mask=mask_pii,
            today_source=context.as_of_source,
        )
    else:
        ctx = build_context(
            result, rules, model, today=_as_date(today), stale_days=stale_days, mask=mask_pii
        )
    sections: dict[str, Any] = {
        "context": {
            "today": ctx.today.isoformat() if ctx.today else None,
            "today_source": ctx.today_source,
            "stale_days": ctx.stale_days,
            "source_lang": context.source_lang if context is not None else _source_lang(ctx),
            "masked": mask_pii,
            "stage_model": os.path.basename(model.path) if model.path else "",
            "report_rules": os.path.basename(rules.path) if rules.path else "",
            "optional_stages": _has(result, "dedupe", "export"),
            **({"run": context.to_json()} if context is not None else {}),
            "quality_workbook": _quality_workbook(
                context.quality_copy if context is not None else "auto",
                len(ctx.records),
                getattr(result, "findings", None),
                rules,
            ),
        },
        "import": build_import(ctx),
        "quality": build_quality(ctx, load_catalogue(rules_dir)),
        "duplicates": build_duplicates(ctx),
        "funnel": build_funnel(ctx),
    }
    sections["checklist"] = build_checklist(ctx, sections)
    return _plain(sections)


@collector_paused()
def write_reports(
    result: Any,
    out_dir: Path | str,
    *,
    context: RunContext | None = None,
    lang: str | None = None,
    mask_pii: bool = False,
    stage_model: Any = None,
    today: dt.date | str | None = None,
    stale_days: int | None = None,
    rules_dir: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Write report.html and quality.xlsx into out_dir; return the file names written.

    With ``context`` the pages render ``result.report`` as the run built it
    (:func:`build_report`), in the context's language. Without it (a caller holding only a
    result) the sections are computed here with the keyword options, unless the result's
    report already holds them for the same masking and date.
    """
    from ..catalogue import load_catalogue
    from .page import render_html
    from .workbook import write_workbook

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = dict(getattr(result, "report", None) or {})
    if context is not None:
        if not all(k in report for k in SECTIONS):
            report.update(extend_report(result, context=context))
        language: str = context.lang
        mask_pii, rules_dir = context.mask_pii, context.rules
    else:
        ctx = report.get("context") or {}
        reuse = (
            all(k in report for k in SECTIONS)
            and ctx.get("masked") == mask_pii
            and (today is None or ctx.get("today") == (_as_date(today) or dt.date.min).isoformat())
        )
        if not reuse:
            report.update(
                extend_report(
                    result,
                    stage_model=stage_model,
                    today=today,
                    stale_days=stale_days,
                    mask_pii=mask_pii,
                    rules_dir=rules_dir,
                )
            )
        language = lang if lang in ("ja", "en") else report["context"]["source_lang"]
    catalogue = load_catalogue(rules_dir)
    sheet = report["context"].get("quality_workbook") or {}
    (out / "report.html").write_text(render_html(report, language, catalogue), encoding="utf-8")
    write_workbook(
        result,
        out / "quality.xlsx",
        lang=language,
        mask_pii=mask_pii,
        catalogue=catalogue,
        copy=sheet.get("copy", "full"),
        copy_limit=int(sheet.get("max_rows") or 0),
        cell_notes=sheet.get("cell_notes", "comments"),
        notes_limit=int(sheet.get("cell_comments_max") or 0),
        max_problem_rows=int(sheet.get("max_problem_rows") or 0),
    )
    return ["report.html", "quality.xlsx"]


def _quality_workbook(
    requested: str, data_rows: int, findings: Any, rules: ReportRules
) -> dict[str, Any]:
    """What quality.xlsx copies of the sources in this run, and why (report.json); when the
    findings it lays out are more than report.yaml ``cell_comments_max``, also that a Notes
    column at the right of each row replaces the comments on the cells (``cell_notes``). The
    problems copy also says how many rows have a warning or an error and how many of them it
    lays out (report.yaml ``quality_problem_rows_max``)."""
    from .workbook import copy_mode, laid_out, notes_mode, problem_rows

    limit = rules.quality_copy_max_rows
    copy = copy_mode(requested, data_rows, limit)
    out: dict[str, Any] = {"copy": copy, "requested": requested, "max_rows": limit}
    rows_max = rules.quality_problem_rows_max
    laid = laid_out(findings, copy)
    if copy == "problems" and laid:
        cut = problem_rows(findings[findings["severity"].isin(("warning", "error"))], rows_max)
        laid = int(cut.keep.sum())
        out.update(max_problem_rows=rows_max, problem_rows=cut.total, problem_rows_shown=cut.shown)
    notes_max = rules.cell_comments_max
    if notes_mode(requested, laid, notes_max) == "column":
        out.update(cell_notes="column", cell_comments_max=notes_max)
    return out


def _has(result: Any, *names: str) -> list[str]:
    return [n for n in names if getattr(result, n, None) is not None]


_HUMAN_TEXT = (
    "company_name",
    "contact_name",
    "deal_name",
    "department",
    "contact_title",
    "product",
    "owner",
    "industry",
    "address",
    "next_action",
    "lost_reason",
    "notes",
)


def _source_lang(ctx: Any) -> str:
    return source_language(ctx.records, ctx.tables)


def source_language(rec: Any, tables: Any) -> str:
    """ "ja" when most data rows come from sheets written in Japanese (headers and values)."""
    from itertools import chain, islice

    import numpy as np

    from .quality import rows_by_source
    from .values import guess_language

    votes = {"ja": 0, "en": 0}
    by_source = "_source_file" in rec.columns and "_source_sheet" in rec.columns
    at = rows_by_source(rec) if by_source else {}  # each source's rows found once
    for t in tables:
        if getattr(t, "kind", "table") != "table":
            continue
        headers = [c.header for c in t.columns]
        rows = rec
        if by_source:
            rows = rec.iloc[at.get((t.file, t.sheet), np.empty(0, dtype=np.intp))]
        texts = (  # free text people typed; normalised codes (stage keys, JPY) are English
            x
            for col in _HUMAN_TEXT
            if col in rows.columns
            for x in islice(rows[col], 50)
            if isinstance(x, str)
        )
        lang = guess_language(chain(headers, islice(texts, 2000)))
        votes[lang] += max(len(rows), 1)
    if not any(votes.values()):
        return guess_language(c.header for t in tables for c in t.columns)
    return "ja" if votes["ja"] >= votes["en"] else "en"


def _plain(obj: Any) -> Any:
    """JSON-ready: plain dicts/lists, numpy scalars as Python numbers, NaN as None."""
    from .values import to_jsonable

    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return to_jsonable(obj)
