"""The partner of a deal (a reseller, distributor or agency) that the import files leave out.

In: the merged deals (their unmapped ``extra:<header>`` columns), the target profile, the
ingest rules' third-party words (代理店, 販売店, Partner, Reseller ...) and the legal forms of
company names. Out: one ``export.partner-not-imported`` finding per column that names the
partner company of deals, when no deal file of the target keeps the extra columns (Salesforce
and HubSpot: the generic target writes them). Salesforce keeps a deal's partner in
OpportunityPartner (AccountToId: the partner's Account Id, known only after the accounts are
imported; not in the target specs) and HubSpot as a second company associated with the deal:
neither fits the deal import file, so the report says where the partner went instead of
leaving it out silently.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from . import findings as fnd
from .dedupe.survivorship import words_pattern
from .export.profile import TargetProfile
from .schema import EXTRA_PREFIX

RULE = "export.partner-not-imported"
PARTNER = "partner"  # the canonical field of the party a deal is sold through
#: the deals' partner names a message lists
_SHOWN = 3


def partner_findings(
    deals: pd.DataFrame,
    target: TargetProfile,
    third_party_words: tuple[str, ...],
    legal_forms: tuple[str, ...],
    partner_headers: Mapping[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """One finding per extra column of deals whose header names a third party and whose values
    are company names (most hold a legal form: 株式会社, Inc.), when the target's deal files
    keep no extra column; and one for the partner field (columns.yaml ``partner``: 得意先 beside
    納入先) when they do not write it, named by its header in the first deal's sheet
    (``partner_headers``: (file, sheet) -> header). An empty frame otherwise."""
    deal_files = [s for s in target.files if s.records == "deals"]
    if deals.empty:
        return fnd.to_frame([])
    keeps_partner = any(s.source_column(PARTNER) for s in deal_files)
    third = words_pattern(tuple(third_party_words))
    forms = words_pattern(tuple(legal_forms))
    out = []
    keeps_extras = any(s.extras for s in deal_files)
    for column in deals.columns:
        header = str(column)
        if header == PARTNER:
            # the partner field (columns.yaml: 得意先 beside 納入先): a company by its column
            if keeps_partner:
                continue
        elif (
            keeps_extras
            or third is None
            or forms is None
            or not header.startswith(EXTRA_PREFIX)
            or not third.search(header[len(EXTRA_PREFIX) :])
        ):
            continue
        named = _named(deals[column])
        if named.empty:
            continue
        if header != PARTNER and forms is not None:
            companies = named.map(lambda v: "@" not in v and bool(forms.search(v)))
            if companies.mean() < 0.5:
                continue  # the partner's rep, e-mail or phone: no company
        first = named.index[0]
        names = list(dict.fromkeys(named.tolist()))
        shown = ", ".join(names[:_SHOWN]) + (", ..." if len(names) > _SHOWN else "")
        source = header[len(EXTRA_PREFIX) :] if header.startswith(EXTRA_PREFIX) else header
        if header == PARTNER:
            at = (_text(deals, "_source_file", first), _text(deals, "_source_sheet", first))
            source = (partner_headers or {}).get(at, source)
        out.append(
            fnd.Finding(
                rule=RULE,
                severity="warning",
                message=(
                    f"column '{source}' names the partner of {len(named)} deal(s) ({shown}): "
                    f"the {target.name} import files have no partner field, so the partner "
                    "was not imported (the generic target's deals file keeps it as a column)"
                ),
                file=_text(deals, "_source_file", first),
                sheet=_text(deals, "_source_sheet", first),
                row=int(pd.to_numeric(deals.at[first, "_source_row"], errors="coerce") or 0)
                if "_source_row" in deals
                else 0,
                column=source,
                field="partner",
                original=shown,
                action="none",
            )
        )
    return fnd.to_frame(out)


CORPORATE_RULE = "export.corporate-number-not-imported"


def corporate_number_findings(companies: pd.DataFrame, target: TargetProfile) -> pd.DataFrame:
    """One finding when companies carry a 法人番号 (rules/columns.yaml corporate_number) and no
    company file of the target writes it: Salesforce and HubSpot have no standard field for
    it, so the report says where it is (records.csv, the generic target's companies.csv) and
    how to keep it (a custom field) instead of leaving it out silently."""
    files = [s for s in target.files if s.records == "companies"]
    if (
        not files
        or "corporate_number" not in companies
        or any(s.source_column("corporate_number") for s in files)
    ):
        return fnd.to_frame([])
    named = _named(companies["corporate_number"])
    if named.empty:
        return fnd.to_frame([])
    first = named.index[0]
    numbers = list(dict.fromkeys(named.tolist()))
    shown = ", ".join(numbers[:_SHOWN]) + (", ..." if len(numbers) > _SHOWN else "")
    return fnd.to_frame(
        [
            fnd.Finding(
                rule=CORPORATE_RULE,
                severity="info",
                message=(
                    f"{len(named)} compan(ies) carry a 法人番号 ({shown}): the {target.name} "
                    "import files have no field for it, so it was not imported (records.csv "
                    "and the generic target's companies.csv keep it)"
                ),
                file=_text(companies, "_source_file", first),
                sheet=_text(companies, "_source_sheet", first),
                row=0,
                column="",
                field="corporate_number",
                original=shown,
                action="none",
            )
        ]
    )


def _text(frame: pd.DataFrame, column: str, at: object) -> str:
    if column not in frame:
        return ""
    value = frame.at[at, column]
    return "" if pd.isna(value) else str(value)


def _named(column: pd.Series) -> pd.Series:
    """The filled cells of a column, as stripped texts."""
    values = column.astype(object).where(column.notna(), "").astype(str).str.strip()
    return values[values != ""]
