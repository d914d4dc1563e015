"""The target's policies on deals: generated names, filled close dates, closed probabilities.

In: the deals record set, the target profile, the stage model, the run's reference date and
the first month of the fiscal year. Out: a new deals frame; every value a policy writes comes
with a finding. :func:`missing_required` counts the deals that lack a value a deal file
requires, per column, with the policy that decides their fate (the report shows how many deals
each choice affects).
"""

from __future__ import annotations

import calendar
import math
from datetime import date

import pandas as pd

from ..schema import is_blank
from ..stages import StageModel
from ..validate import ROW_KEYS, STAGE
from . import values as v
from .findings import BuildFindings
from .profile import TargetProfile
from .records import SOURCE_COLUMNS, text, texts

_NAME_PARTS = (("product", "product"), ("created_at", "created date"))


#: What each policy does with a deal that lacks the field (the report's wording keys).
POLICY_OF_FIELD = {
    "close_date": "missing_close_date",
    "deal_name": "missing_deal_name",
    "stage": "missing_stage",
}


def fiscal_quarter_end(day: date, fiscal_start: int) -> date:
    """The last day of the fiscal quarter holding ``day`` (fiscal year from ``fiscal_start``)."""
    index = (day.month - fiscal_start) % 12 // 3 * 3 + 2  # the quarter's last month, 0-based
    month = (fiscal_start - 1 + index) % 12 + 1
    year = day.year + (1 if month < day.month else 0)
    return date(year, month, calendar.monthrange(year, month)[1])


def missing_required(deals: pd.DataFrame, target: TargetProfile) -> list[dict[str, object]]:
    """Per required column of a deal file fed by deal fields: how many deals lack a value
    (before any policy), their source rows, and the policy that decides what happens."""
    out: list[dict[str, object]] = []
    for spec in target.files:
        if spec.records != "deals":
            continue
        for column in spec.columns:
            fields = [f for f in column.sources if "." not in f]
            if not column.required or column.value is not None or not fields or column.type == "id":
                continue
            present = pd.Series(False, index=deals.index)
            for f in fields:
                if f in deals.columns:
                    present |= texts(deals[f]) != ""
            lacking = deals[~present]
            rows = sum(len([k for k in text(v).split(";") if k]) for v in lacking.get(ROW_KEYS, []))
            key = next((POLICY_OF_FIELD[f] for f in fields if f in POLICY_OF_FIELD), "")
            policy = getattr(target.policies, key) if key else "reject"
            out.append(
                {
                    "file": spec.name,
                    "column": column.name,
                    "field": fields[0],
                    "policy": f"policies.{key}: {policy}" if key else "reject",
                    "deals": len(lacking),
                    "rows": rows,
                }
            )
    return out


def apply_lead_policies(
    leads: pd.DataFrame, target: TargetProfile, found: BuildFindings
) -> pd.DataFrame:
    """Leads that name no person or no company get the policies' placeholders, each with a
    warning, when ``policies.missing_lead_name`` / ``missing_lead_company`` is placeholder:
    a tracker line at a lead stage with its company, deal and amount but no contact, or an
    event's lead list whose visitors left the company blank (N/A, -), is an ordinary line, not
    a row to reject (Salesforce's own Web-to-Lead writes '[not provided]' the same way)."""
    pol = target.policies
    out = leads
    person = ("contact_last_name", "contact_name")
    # a company only beside a person: a lead of nobody at no company is no lead (rejected)
    if pol.missing_lead_company == "placeholder":
        out = _lead_placeholder(
            out,
            found,
            (LEAD_COMPANY,),
            LEAD_COMPANY,
            pol.lead_company_placeholder,
            "export.lead-company-placeholder",
            "a lead without a company: its company is '{}' (policies.lead_company_placeholder)"
            "; add the company in the target",
            only_where=person,
        )
    if pol.missing_lead_name == "placeholder":
        out = _lead_placeholder(
            out,
            found,
            person,
            "contact_last_name",
            pol.lead_name_placeholder,
            "export.lead-name-placeholder",
            "a lead without a person: its last name is '{}' (policies.lead_name_placeholder)"
            "; add the contact person in the target",
        )
    return out


#: The column of a lead's company name (its company's record, joined in)
LEAD_COMPANY = "company.company_name"
#: The column of a deal's person's name (its contact's record, joined in)
DEAL_CONTACT = "contact.contact_name"
#: The joined fields the policies read, whatever the target's files read (see
#: :func:`~.records.build_record_sets`)
JOINED_READS = frozenset({LEAD_COMPANY, DEAL_CONTACT})


def _holds_any(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """Which rows hold a value in one of ``columns``."""
    held = pd.Series(False, index=frame.index)
    for f in columns:
        if f in frame.columns:
            held |= texts(frame[f]) != ""
    return held


def _lead_placeholder(
    leads: pd.DataFrame,
    found: BuildFindings,
    sources: tuple[str, ...],
    column: str,
    placeholder: str,
    rule: str,
    message: str,
    only_where: tuple[str, ...] = (),
) -> pd.DataFrame:
    """``leads`` with ``placeholder`` in ``column`` where none of ``sources`` holds a value
    (and one of ``only_where`` does, when given), and a warning per lead so placed."""
    if not len(leads):
        return leads
    kept = ~_holds_any(leads, only_where) if only_where else pd.Series(False, index=leads.index)
    kept |= _holds_any(leads, sources)
    if kept.all():
        return leads
    out = leads.copy()
    field = sources[-1].removeprefix("company.")
    for idx in out.index[~kept]:
        found.add(
            rule,
            "warning",
            out.loc[idx],
            message.format(placeholder),
            field=field,
            value=placeholder,
        )
    held = (
        out[column].astype(object)
        if column in out.columns
        else pd.Series(None, index=out.index, dtype=object)
    )
    out[column] = held.where(kept, placeholder)
    return out


def apply_policies(
    deals: pd.DataFrame,
    target: TargetProfile,
    model: StageModel,
    today: date | None,
    found: BuildFindings,
    fiscal_start: int = 4,
) -> pd.DataFrame:
    """Generated deal names, filled close dates, won/lost probabilities; each with a finding."""
    out = deals.copy(deep=False)  # copy-on-write (pandas 3): a block is copied once written
    pol = target.policies
    if pol.missing_stage == "first-stage" and len(out):
        out = _stage_placeholder(out, target, model, found)
    writes_probability = any(
        f.records == "deals" and f.source_column("probability") for f in target.files
    )
    if pol.closed_probability == "stage" and writes_probability and len(out):
        out = _closed_probability(out, model, found)
    if pol.missing_deal_name == "generate" and len(out):
        names = (
            texts(out["deal_name"])
            if "deal_name" in out.columns
            else pd.Series("", index=out.index)
        )
        for idx in out.index[names == ""]:
            row = out.loc[idx]
            who = text(row.get(LEAD_COMPANY)) or text(row.get(DEAL_CONTACT)) or "(no company)"
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
    if pol.missing_close_date in ("fiscal-quarter-end", "fixed") and len(out):
        out = _close_date_placeholder(out, target, today, fiscal_start, found)
    if pol.missing_close_date == "fill" and len(out):
        dates = (
            texts(out["close_date"])
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


def _row_date(row: pd.Series, sources: tuple[str, ...], today: date | None) -> tuple[str, str]:
    """The first date of ``sources`` the deal has (``today``: the run's reference date)."""
    for source in sources:
        value = today.isoformat() if source == "today" and today else text(row.get(source))
        if source != "today" and not value:
            continue
        if value:
            return source, value[:10]
    return "", ""


def _close_date_placeholder(
    deals: pd.DataFrame,
    target: TargetProfile,
    today: date | None,
    fiscal_start: int,
    found: BuildFindings,
) -> pd.DataFrame:
    """A placeholder close date where there is none: the end of the fiscal quarter of the
    deal's own date (the first of close_date_fill), or the fixed date of the profile."""
    pol = target.policies
    dates = (
        texts(deals["close_date"])
        if "close_date" in deals.columns
        else pd.Series("", index=deals.index)
    )
    for idx in deals.index[dates == ""]:
        row = deals.loc[idx]
        if pol.missing_close_date == "fixed":
            value, why = pol.close_date_fixed, "the fixed date policies.close_date_fixed"
        else:
            source, base = _row_date(row, pol.close_date_fill, today)
            if not base:
                continue  # no date to count from: the deal stays without one (and is rejected)
            value = fiscal_quarter_end(date.fromisoformat(base), fiscal_start).isoformat()
            why = f"the end of the fiscal quarter of its {source} ({base})"
        dates.at[idx] = value
        found.add(
            "export.close-date-placeholder",
            "warning",
            row,
            f"the deal at stage '{text(row.get('stage'))}' has no close date; placeholder "
            f"{value}, {why}, as policies.missing_close_date is {pol.missing_close_date}: "
            "correct it in the target",
            field="close_date",
            value=value,
        )
    out = deals.copy(deep=False)  # copy-on-write (pandas 3): a block is copied once written
    out["close_date"] = dates
    return out


def _stage_placeholder(
    deals: pd.DataFrame, target: TargetProfile, model: StageModel, found: BuildFindings
) -> pd.DataFrame:
    """The first open deal stage where a deal has none the target maps."""
    first = next(iter(model.keys_where(level="deal", status="open")), "")
    mapped = set(target.maps.get("stage", {})) or set(model.keys_where(level="deal"))
    stages = texts(deals["stage"])
    out = deals.copy(deep=False)  # copy-on-write (pandas 3): a block is copied once written
    for idx in deals.index[~stages.isin(mapped)]:
        row = deals.loc[idx]
        out.at[idx, "stage"] = first
        if STAGE in out.columns:
            out.at[idx, STAGE] = first
        found.add(
            "export.stage-placeholder",
            "warning",
            row,
            f"the deal has no stage the target knows ('{stages.at[idx]}'); placeholder "
            f"'{first}' as policies.missing_stage is first-stage: correct it in the target",
            field="stage",
            original=stages.at[idx],
            value=first,
        )
    return out


def _number(value: object) -> float | None:
    if is_blank(value) or isinstance(value, bool):
        return None
    try:
        number = float(str(value))
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _closed_probability(
    deals: pd.DataFrame, model: StageModel, found: BuildFindings
) -> pd.DataFrame:
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
    # only the closed deals, and of them only what a finding reads (a row Series per deal
    # through .loc was most of this step on a large run)
    wanted = [c for c in (*SOURCE_COLUMNS, "stage", "probability") if c in deals.columns]
    shut = deals.loc[deals["stage"].isin(list(closed)), wanted]
    set_at: list[object] = []  # the deals (labels) whose probability is set, and to what
    set_to: list[object] = []
    for idx, row in zip(shut.index, shut.to_dict("records")):
        stage = closed[str(row["stage"])]
        have = _number(row.get("probability"))
        if have == stage.probability:
            continue
        set_at.append(idx)
        set_to.append(stage.probability)
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
    if set_at and probs.index.is_unique:  # at once, not a pandas .at call per deal
        cells = probs.to_numpy(dtype=object, copy=True)
        cells[probs.index.get_indexer(set_at)] = set_to
        probs = pd.Series(cells, index=probs.index, dtype=object, name=probs.name)
    else:
        for idx, value in zip(set_at, set_to):
            probs.at[idx] = value
    deals["probability"] = probs
    return deals
