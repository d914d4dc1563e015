"""Section "checklist": the field's operating checklist for a deal flow, marked from evidence.

In: the :class:`~migrate.report.context.Context` and the sections already computed (the
checklist reuses their figures so that the report never shows two numbers for one thing).
Out: the ``checklist`` section: one item per entry of rules/report.yaml ``checklist`` with
its measured share, the thresholds and a status ``pass`` (share >= pass_at), ``warn``
(>= warn_at), ``fail``, or ``na`` when the data cannot tell (measure ``none``, or no rows the
measure applies to, e.g. no won deals).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..schema import flags
from . import values as v
from .context import Context
from .settings import ChecklistItem


def build_checklist(ctx: Context, sections: dict[str, Any]) -> dict[str, Any]:
    """The ``checklist`` section."""
    items = []
    status_of = {s.key: s.status for s in ctx.model.stages}
    # the exported open records, which several measures count (worked out once)
    open_ = flags(ctx.stages, lambda k: status_of.get(k) == "open") & (ctx.status == "exported")
    for item in ctx.rules.checklist:
        value, num, den, why = _measure(ctx, sections, item.measure, open_)
        items.append(
            {
                "id": item.id,
                "title": {"ja": item.title_ja, "en": item.title_en},
                "measure": item.measure,
                "status": _status(item, value),
                "value": value,
                "numerator": num,
                "denominator": den,
                "pass_at": item.pass_at if item.measure != "none" else None,
                "warn_at": item.warn_at if item.measure != "none" else None,
                "na_reason": why if value is None else "",
                "note": why if value is not None and why else "",
            }
        )
    summary = {s: sum(1 for i in items if i["status"] == s) for s in ("pass", "warn", "fail", "na")}
    return {"items": items, "summary": summary}


def _status(item: ChecklistItem, value: float | None) -> str:
    if value is None:
        return "na"
    if value >= item.pass_at:
        return "pass"
    return "warn" if value >= item.warn_at else "fail"


Measured = tuple[float | None, int | None, int | None, str]


def _share(num: int, den: int, why: str) -> Measured:
    """The share num/den; ``why`` says why there is none when den is 0."""
    return (round(num / den, 4), num, den, "") if den else (None, num, den, why)


def _measure(ctx: Context, sections: dict[str, Any], measure: str, open_: pd.Series) -> Measured:
    funnel = sections.get("funnel") or {}
    model = ctx.model
    exported = ctx.status == "exported"
    deals = ctx.deals  # the rows of lead lists are leads, not the deals these items count
    rec = ctx.records
    status_of = {s.key: s.status for s in model.stages}
    if measure == "none":
        return (None, None, None, "not-assessable")
    if measure == "stage_recognised":
        # "every deal carries a stage": every deal row of the trackers, exported, merged or
        # rejected (a deal rejected for its stage is one that carries none), whose stage cell
        # holds a word of the model; an unknown word, an empty cell and a stage the tool
        # inferred from other columns are deals that carry none
        deal_ids = v.column(rec, "deal_id")
        deals = deals & (
            ctx.filled("deal_id") if deal_ids.notna().any() else flags(deal_ids, lambda _: True)
        )
        carried = (
            (ctx.stages != "")
            & ~flags(v.column(rec, "_stage_unknown"), _true)
            & ~flags(v.column(rec, "_stage_inferred"), _true)
        )
        return _share(int((carried & deals).sum()), int(deals.sum()), "no-records")
    if measure == "exit_conditions":
        open_stages = [s for s in model.stages if s.status == "open"]
        return _share(
            sum(1 for s in open_stages if s.exit_ja or s.exit_en), len(open_stages), "no-stages"
        )
    if measure == "required_fields":
        deal = [s for s in model.stages if s.level == "deal"]
        return _share(
            sum(1 for s in deal if s.key in model.required_stages), len(deal), "no-stages"
        )
    if measure in ("lead_source", "owner"):
        if not _mapped_anywhere(ctx, measure):
            return (None, None, None, "no-column")
        # every deal has an owner; a lead's source is recorded as well as a deal's
        counted = exported & deals if measure == "owner" else exported
        return _share(
            int((ctx.filled(measure) & counted).sum()),
            int(counted.sum()),
            "no-records",
        )
    if measure == "won_amount":
        won = funnel.get("won") or {}
        return _share(int(won.get("with_amount", 0)), int(won.get("count", 0)), "no-won-deals")
    if measure == "fresh_updates":
        stale = funnel.get("stale") or {}
        if not stale.get("available"):
            return (None, None, None, stale.get("reason", "no-updated-at"))
        n = int(stale.get("open_with_updated_at", 0))
        return _share(n - int(stale.get("count", 0)), n, "no-open-deals")
    if measure == "close_dates":
        if not _mapped_anywhere(ctx, "close_date"):
            return (None, None, None, "no-column")
        level_of = {s.key: s.level for s in model.stages}
        deal_open = open_ & flags(ctx.stages, lambda k: level_of.get(k) == "deal")
        closes = v.per_value(v.column(rec, "close_date"), v.to_date)
        today = ctx.today
        good = flags(closes, lambda d: d is not None and (today is None or d >= today))
        num, den = int((good & deal_open).sum()), int(deal_open.sum())
        # without a reference date only the presence of a close date can be checked
        value, *_ = _share(num, den, "no-open-deals")
        if today is None and value is not None:
            return (value, num, den, "no-today")
        return _share(num, den, "no-open-deals")
    if measure == "lost_reason":
        if not _mapped_anywhere(ctx, "lost_reason"):
            return (None, None, None, "no-column")
        lost = flags(ctx.stages, lambda k: status_of.get(k) == "lost") & exported & deals
        return _share(
            int((ctx.filled("lost_reason") & lost).sum()),
            int(lost.sum()),
            "no-lost-deals",
        )
    if measure == "next_action":
        if not (_mapped_anywhere(ctx, "next_action") or _mapped_anywhere(ctx, "next_action_date")):
            return (None, None, None, "no-column")
        has = ctx.filled("next_action") | ctx.filled("next_action_date")
        open_deals = open_ & deals
        return _share(int((has & open_deals).sum()), int(open_deals.sum()), "no-open-deals")
    if measure == "unique_records":
        if getattr(ctx.result, "dedupe", None) is None:
            return (None, None, None, "no-dedupe")
        # a person in two lead lists is one lead, not a deal entered twice
        kept = ctx.status.isin(["exported", "merged"]) & deals
        return _share(int((exported & deals).sum()), int(kept.sum()), "no-records")
    raise ValueError(f"unknown checklist measure {measure!r}")  # settings rejects it first


def _true(x: object) -> bool:
    """A bookkeeping flag as set (True, or "True" once it went through a CSV)."""
    return x is True or x == "True"


def _mapped_anywhere(ctx: Context, field: str) -> bool:
    return any(
        c.field == field for t in ctx.tables if getattr(t, "kind", "") == "table" for c in t.columns
    )
