"""The checks of one import file, from the target profile and the stage model.

Required, unique, date and format, range, digits, picklist, length and parent checks per
column; the close-date policy; stage requirements; and the currency check of the amounts
(policies.foreign_currency). :func:`migrate.validate.validate_files` runs them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..stages import StageModel
from ..validate import CURRENCY, Check
from ..validate.checks import Action, CheckKind
from . import values as v
from .profile import ColumnSpec, FileSpec, TargetProfile
from .records import text

FOREIGN_CURRENCY = "export.foreign-currency"


def _allowed(col: ColumnSpec, model: StageModel) -> tuple[str, ...] | None:
    if col.values is not None:
        return col.values
    if col.type == "picklist":
        return model.keys  # a stage field without a map keeps the stage keys
    return None


def file_checks(
    spec: FileSpec, target: TargetProfile, model: StageModel, frame: pd.DataFrame
) -> tuple[Check, ...]:
    """The expectations of one file, from the profile and the stage model."""
    out: list[Check] = []
    date_fmt = target.output.date_format
    for col in spec.columns:
        fix = col.fix
        if col.required:
            out.append(Check("not_null", col.name, fix=fix))
        if col.unique:
            out.append(Check("unique", col.name))
        if col.type == "date":
            out.append(Check("date", col.name, pattern=date_fmt, fix=fix))
        if col.type in v.FORMATS:
            out.append(Check("regex", col.name, pattern=v.FORMATS[col.type]))
        if col.min is not None or col.max is not None:
            out.append(Check("between", col.name, min=col.min, max=col.max))
        if col.digits:
            out.append(Check("digits", col.name, digits=col.digits, decimals=col.decimals))
        allowed = _allowed(col, model)
        if allowed is not None:
            out.append(Check("in_set", col.name, values=allowed, fix=fix))
        if col.max_length:
            out.append(Check("length", col.name, max=col.max_length))
        if col.parent:
            out.append(Check("parent", col.name, parent=col.parent))
    for group in spec.require_any:
        out.append(Check("any_of", group[0], columns=group))
    close = spec.source_column("close_date")
    if (
        target.policies.missing_close_date == "reject"
        and close
        and spec.records == "deals"
        and not spec.column(close).required
    ):
        out.append(
            Check(
                "not_null",
                close,
                fix="add the close date to the source row, or set "
                "policies.missing_close_date: fill",
            )
        )
    if spec.records in ("deals", "leads"):
        out += _requirement_checks(spec, model)
    out += _currency_checks(spec, target, frame)
    return tuple(out)


def _currency_checks(spec: FileSpec, target: TargetProfile, frame: pd.DataFrame) -> list[Check]:
    """With policies.foreign_currency: reject and an amount of the file in another currency:
    the currency check on the amount column. A bare amount is read in the org currency, so
    27500 USD would become 27500 JPY."""
    amount = spec.source_column("amount")
    if target.policies.foreign_currency != "reject" or not amount or CURRENCY not in frame:
        return []
    org = target.output.currency
    if not set(frame[CURRENCY].map(text)) - {"", org}:
        return []
    kept = spec.source_column("currency")
    profile = Path(target.path).name
    if kept:
        fix = (
            "turn on multi-currency in the target with {currency} as a currency and set "
            f"policies.foreign_currency: keep in {profile} ({kept} then carries the "
            f"currency), or convert the amount to {org} in the source"
        )
    else:
        fix = (
            "in a multi-currency org map currency to the currency field (Salesforce: add "
            f"{{name: CurrencyIsoCode, from: currency}} to {spec.name}) and set "
            f"policies.foreign_currency: keep in {profile}, or convert the amount to "
            f"{org} in the source"
        )
    return [Check("currency", amount, rule=FOREIGN_CURRENCY, values=(org,), fix=fix)]


def _requirement_checks(spec: FileSpec, model: StageModel) -> list[Check]:
    """Stage requirements on the file's columns: severity error rejects, others are counted."""
    out = []
    kinds: tuple[tuple[CheckKind, tuple[str, ...]], ...]
    for req in model.requirements:
        action: Action = "reject" if req.severity == "error" else "report"
        kinds = (("not_null", req.require), ("null", req.forbid))
        for kind, fields in kinds:
            for f in fields:
                column = spec.source_column(f)
                if not column:
                    continue  # the target has no column for this field
                out.append(
                    Check(
                        kind,
                        column,
                        rule=req.id,
                        action=action,
                        when_stages=req.applies_to,
                        reason=f"{req.message.en}: {column} is "
                        f"{'empty' if kind == 'not_null' else 'filled'}",
                        fix=f"{'fill in' if kind == 'not_null' else 'clear'} {f} in the source row "
                        f"(rule {req.id} in rules/stages.yaml)",
                    )
                )
    return out
