"""The target's policies on deals: generated names, filled close dates, closed probabilities.

In: the deals record set, the target profile, the stage model and the run's reference date.
Out: a new deals frame; every value a policy writes comes with a finding.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from ..schema import is_blank
from ..stages import StageModel
from . import values as v
from .findings import BuildFindings
from .profile import TargetProfile
from .records import text

_NAME_PARTS = (("product", "product"), ("created_at", "created date"))


def apply_policies(
    deals: pd.DataFrame,
    target: TargetProfile,
    model: StageModel,
    today: date | None,
    found: BuildFindings,
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
