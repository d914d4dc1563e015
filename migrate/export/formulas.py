"""Rejects whose empty value was a formula without a saved value: the fix is Excel, not a policy.

In: an :class:`~migrate.export.build.ExportResult`, its :class:`TargetProfile`, the source
cells that were formulas without a cached value (``(row key "file|sheet|row", field)``, from the
``ingest.formula-without-value`` findings) and the fix of that finding (rules/findings.yaml).
Out: the result with the ``fix`` of each reject whose empty column is fed by such a cell saying
that fix first, and each ``missing_required`` entry counting them (``from_formulas``).

A workbook saved by a script (openpyxl, a CRM export) keeps its formulas without their values:
the close date ``=EDATE(...)`` is read as empty, and every deal was rejected with "fill it in
the trackers, or choose a placeholder" while the only fix that works is to open and save the
workbook in Excel.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .profile import TargetProfile
from .records import text

if TYPE_CHECKING:
    from .build import ExportResult

FORMULA_WITHOUT_VALUE = "ingest.formula-without-value"

__all__ = ["FORMULA_WITHOUT_VALUE", "formula_first"]


def formula_first(
    export: ExportResult,
    target: TargetProfile,
    cells: Iterable[tuple[str, str]],
    fix: str,
) -> ExportResult:
    """``export`` with the rejects of an empty column fed by a formula cell without a value
    pointing first at ``fix`` (open and save the workbook in Excel), then at their own fix."""
    cells = set(cells)
    rejects = export.rejects
    if not cells or rejects is None or rejects.empty:
        return export
    # the canonical fields each column of each import file is made from
    fields_of = {
        (spec.name, c.name): tuple(f for f in c.sources if "." not in f)
        for spec in target.files
        for c in spec.columns
    }
    fixes = rejects["fix"].tolist()
    hits: Counter[tuple[str, str]] = Counter()
    for i, (file, column, value, keys) in enumerate(
        rejects[["file", "column", "value", "source_rows"]].itertuples(index=False)
    ):
        fields = fields_of.get((text(file), text(column)), ())
        if text(value) or not fields:
            continue
        where = [
            (key, f) for key in text(keys).split(";") for f in fields if key and (key, f) in cells
        ]
        if not where:
            continue
        key, field = where[0]
        source, _, row = key.rpartition("|")
        workbook = source.partition("|")[0]
        own = text(fixes[i])
        fixes[i] = (
            f"{fix.rstrip('.')} ({workbook}, row {row}: {field} is a formula without a saved "
            f"value)" + (f"; if it is empty in Excel too: {own}" if own else "")
        )
        hits[(text(file), text(column))] += 1
    if not hits:
        return export
    missing = tuple(
        {**m, "from_formulas": hits[(str(m["file"]), str(m["column"]))]}
        if hits.get((str(m["file"]), str(m["column"])))
        else m
        for m in export.missing_required
    )
    return dataclasses.replace(export, rejects=rejects.assign(fix=fixes), missing_required=missing)
