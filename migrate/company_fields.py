"""A company's own fields (its fax, head count, revenue ...) that the target's import files leave
out.

In: the merged companies (one row per company, canonical fields), the target profile, the
schema and the header each sheet's column had. Out: one ``export.company-field-not-imported``
finding per company field that holds values but no companies file of the target writes
(HubSpot's default company properties have no fax): the report says where the values went
(records.csv and the generic target's companies.csv keep them) instead of leaving them out
silently (u27 item 9).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from . import findings as fnd
from .export.profile import TargetProfile
from .schema import Schema

RULE = "export.company-field-not-imported"
#: a company's fields the export writes under its own names or that no file needs on its own;
#: the corporate number has a finding of its own, naming the custom field to make
#: (partners.CORPORATE_RULE)
_NOT_ASKED = frozenset(
    {"company_name", "company_name_kana", "address_building", "corporate_number"}
)


def company_field_findings(
    companies: pd.DataFrame,
    target: TargetProfile,
    schema: Schema,
    headers: Mapping[tuple[str, str, str], str] | None = None,
) -> pd.DataFrame:
    """One finding per company field with values that no companies file of ``target`` writes
    (``headers``: (file, sheet, field) -> the column's header, to name it as the user wrote it).
    An empty frame when every such field has a column, or the target keeps extra columns."""
    files = [s for s in target.files if s.records == "companies"]
    if companies.empty or not files:
        return fnd.to_frame([])
    out = []
    for f in schema.fields:
        if f.entity != "company" or f.name in _NOT_ASKED or f.name not in companies:
            continue
        if any(s.source_column(f.name) for s in files):
            continue
        values = companies[f.name]
        filled = values.notna() & (values.astype(str).str.strip() != "")
        if not filled.any():
            continue
        first = filled[filled].index[0]
        file = _text(companies, "_source_file", first)
        sheet = _text(companies, "_source_sheet", first)
        # the header of the first company's own sheet, else of any sheet that maps the field
        # (a merged company's code may come from another sheet than its first row)
        header = (headers or {}).get((file, sheet, f.name)) or next(
            (h for (_, _, field), h in (headers or {}).items() if field == f.name), f.name
        )
        n = int(filled.sum())
        out.append(
            fnd.Finding(
                rule=RULE,
                severity="info",
                message=(
                    f"column '{header}' holds the {f.name} of {n} company(ies): the {target.name} "
                    f"companies file has no column for it, so it was not imported (records.csv "
                    "and the generic target's companies.csv keep it)"
                ),
                file=file,
                sheet=sheet,
                row=int(pd.to_numeric(companies.at[first, "_source_row"], errors="coerce") or 0)
                if "_source_row" in companies
                else 0,
                column=header,
                field=f.name,
                original=_text(companies, f.name, first),
                action="none",
            )
        )
    return fnd.to_frame(out)


def _text(frame: pd.DataFrame, column: str, at: object) -> str:
    if column not in frame:
        return ""
    value = frame.at[at, column]
    return "" if pd.isna(value) else str(value)
