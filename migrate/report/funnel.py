"""Section "funnel": the pipeline on the stage model, once the data is clean.

In: the :class:`~migrate.report.context.Context`. Out: the ``funnel`` section of report.json.
The basis is the exported records (one per deal after dedupe; merged and rejected rows are
not counted twice). Rules, all documented in docs/report-json.md:

- a record's stage is its stage key; a value that is not a key is looked up in the model's
  words (the case before normalize runs); what does not resolve counts under ``no_stage``;
- conversion k -> k+1 is ``reached(k+1) / reached(k)`` where a record *reached* stage k when
  its current stage's order is >= k's, on the path of open stages and won; lost records are
  left out (their last open stage is not known);
- the weighted pipeline is the sum over open records of amount x probability / 100, with the
  record's probability when given, else the stage's default probability;
- amounts are summed in the main currency (the most common one, JPY when none is given);
  amounts in other currencies are counted apart, never added;
- ages are whole days from ``updated_at`` to the report's reference date ``today``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from ..schema import SOURCE_FILE, SOURCE_ORDER, SOURCE_ROW, SOURCE_SHEET, flags
from . import values as v
from .context import Context

DEFAULT_CURRENCY = "JPY"


def _basis(ctx: Context) -> pd.DataFrame:
    rec = ctx.records
    cur = v.per_value(v.column(rec, "currency"), v.text)
    frame = pd.DataFrame(
        {
            "stage": ctx.stages,
            "amount": v.per_value(v.column(rec, "amount"), v.to_number),
            "probability": v.per_value(v.column(rec, "probability"), v.to_number),
            # normalize names a currency for every row; none means the default one (JPY)
            "currency": v.per_value(cur, lambda c: c or DEFAULT_CURRENCY),
            "updated": v.per_value(v.column(rec, "updated_at"), v.to_date),
            "close": v.per_value(v.column(rec, "close_date"), v.to_date),
            "owner": v.per_value(v.column(rec, "owner"), v.text),
            "status": ctx.status,
        },
        index=rec.index,
    )
    return frame


def build_funnel(ctx: Context) -> dict[str, Any]:
    """The ``funnel`` section."""
    model = ctx.model
    allb = _basis(ctx)
    status_of = {s.key: s.status for s in model.stages}
    # a lead closed without a deal (見送り, Unqualified in a lead list) is no lost deal
    closed_lead = ~ctx.deals & flags(allb["stage"], lambda k: status_of.get(k) == "lost")
    b = allb[(allb["status"] == "exported") & ~closed_lead]
    with_amount = b[b["amount"].notna()]
    currencies = Counter(with_amount["currency"].tolist())
    # the most common currency; ties go to the default currency, then alphabetical order
    main = (
        min(currencies, key=lambda c: (-currencies[c], c != DEFAULT_CURRENCY, c))
        if currencies
        else DEFAULT_CURRENCY
    )
    in_main = (b["currency"] == main) & b["amount"].notna()
    amount = b["amount"].where(in_main)
    order_of = {s.key: s.order for s in model.stages}
    open_ = flags(b["stage"], lambda k: status_of.get(k) == "open")
    won = flags(b["stage"], lambda k: status_of.get(k) == "won")
    lost = flags(b["stage"], lambda k: status_of.get(k) == "lost")
    no_stage = b["stage"] == ""

    stages = []
    for s in model.stages:
        m = b["stage"] == s.key
        stages.append(
            {
                "key": s.key,
                "order": s.order,
                "label": {"ja": s.label_ja, "en": s.label_en},
                "status": s.status,
                "level": s.level,
                "probability": s.probability,
                "definition": {"ja": s.definition_ja, "en": s.definition_en},
                "exit": {"ja": s.exit_ja, "en": s.exit_en},
                "count": int(m.sum()),
                "amount": _money(amount[m].sum()),
                "amount_count": int(amount[m].notna().sum()),
            }
        )

    flow = [s for s in model.stages if s.status != "lost"]
    # conversion starts at the entry stage of the data (the earliest stage any record is at):
    # every record "reached" the stages before it, so their rates would say nothing
    present = [s for s in flow if (b["stage"] == s.key).any()]
    entry = present[0].key if present else ""
    if present:
        flow = flow[flow.index(present[0]) :]

    # a record reached a stage when its own stage is on the path at or past it: counted per
    # distinct stage of the basis (its records once), not a test of every record per stage
    codes, keys = pd.factorize(b["stage"], use_na_sentinel=False)
    on_path = [
        (order_of[k], n)
        for k, n in zip(keys.tolist(), np.bincount(codes).tolist())
        if k in order_of and status_of[k] != "lost"
    ]
    reached = {s.key: sum(n for order, n in on_path if order >= s.order) for s in flow}
    conversion = [
        {
            "from": a.key,
            "to": c.key,
            "reached_from": reached[a.key],
            "reached_to": reached[c.key],
            "rate": round(reached[c.key] / reached[a.key], 4) if reached[a.key] else None,
        }
        for a, c in zip(flow, flow[1:])
    ]

    prob_of = {s.key: s.probability for s in model.stages}
    default_p = v.per_value(b["stage"], prob_of.get)
    prob = b["probability"].where(b["probability"].notna(), default_p)
    weighted = (amount * prob / 100)[open_].sum()
    n_won, n_lost = int(won.sum()), int(lost.sum())
    won_with_amount = int((won & b["amount"].notna()).sum())
    return {
        "available": bool(len(b)),
        "basis": "exported-records",
        "records": int(len(b)),
        "no_stage": int(no_stage.sum()),
        # the money of deals whose stage is not known (a word no stage claims: 温め中, Parked)
        # is no stage's, but it is still pipeline someone must place
        "no_stage_amount": _money(amount[no_stage].sum()),
        "no_stage_amount_count": int(amount[no_stage].notna().sum()),
        "currency": main,
        "other_currency_rows": int((b["amount"].notna() & ~in_main).sum()),
        "stages": stages,
        "entry_stage": entry,
        "conversion": conversion,
        "overall_conversion": _ratio(reached.get(flow[-1].key, 0), reached.get(flow[0].key, 0))
        if flow
        else None,
        "open": {
            "count": int(open_.sum()),
            "amount": _money(amount[open_].sum()),
            "weighted_amount": _money(weighted),
            "probability_from_record": int((open_ & b["probability"].notna()).sum()),
            "probability_from_stage": int((open_ & b["probability"].isna()).sum()),
        },
        "won": {
            "count": n_won,
            "amount": _money(amount[won].sum()),
            "with_amount": won_with_amount,
            "amount_share": _ratio(won_with_amount, n_won),
        },
        "lost": {"count": n_lost},
        "win_rate": _ratio(n_won, n_won + n_lost),
        "lead_source": _lead_source(ctx, b),
        "dwell": _dwell(ctx, b, open_),
        # a deal of no known stage is not closed: its update and close dates are checked too
        "stale": _stale(ctx, b, open_ | no_stage),
        "past_close": _past_close(ctx, b, open_ | no_stage),
        "movements": _movements(ctx, allb),
    }


def _money(x: Any) -> float:
    f = float(x) if x == x else 0.0
    return round(f, 2)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _lead_source(ctx: Context, b: pd.DataFrame) -> dict[str, Any]:
    column = any(
        c.field == "lead_source" for t in ctx.tables if t.kind == "table" for c in t.columns
    )
    n = int(ctx.filled("lead_source").loc[b.index].sum()) if len(b) else 0
    return {"column": column, "records": int(len(b)), "with": n, "share": _ratio(n, len(b))}


def _row_ref(ctx: Context, i: Any, b: pd.DataFrame) -> dict[str, Any]:
    r = ctx.records.loc[i]
    return {
        **ctx.where(r[SOURCE_FILE], r[SOURCE_SHEET], r[SOURCE_ROW]),
        "name": ctx.show(r.get("deal_name")) or ctx.show(r.get("company_name")),
        "owner": b.at[i, "owner"],
        "stage": b.at[i, "stage"],
    }


def _dwell(ctx: Context, b: pd.DataFrame, open_: pd.Series) -> dict[str, Any]:
    today = ctx.today
    dated = b[open_ & b["updated"].notna()]
    if today is None or dated.empty:
        return {
            "available": False,
            "reason": "no-today" if today is None else "no-updated-at",
            "stages": [],
        }
    days = _ages(dated["updated"], today)
    # each open stage's ages by the code of its key (one factorize, not a text test per stage)
    codes, keys = pd.factorize(dated["stage"])
    code_of = {k: i for i, k in enumerate(keys.tolist())}
    ages = days.to_numpy(dtype=np.int64)
    out = []
    for s in ctx.model.stages:
        if s.status != "open":
            continue
        d = ages[codes == code_of[s.key]].tolist() if s.key in code_of else []
        out.append(
            {
                "key": s.key,
                "count": len(d),
                "median_days": statistics.median(d) if d else None,
                "mean_days": round(statistics.fmean(d), 1) if d else None,
                "max_days": max(d) if d else None,
            }
        )
    return {
        "available": True,
        "stages": out,
        "open_without_updated_at": int((open_ & b["updated"].isna()).sum()),
    }


def _ages(dates: pd.Series, today: dt.date) -> pd.Series:
    """Whole days from each date to ``today``, worked out once per distinct date."""
    return v.per_value(dates, lambda d: (today - d).days)


def _stale(ctx: Context, b: pd.DataFrame, open_: pd.Series) -> dict[str, Any]:
    today, n = ctx.today, ctx.stale_days
    dated = b[open_ & b["updated"].notna()]
    base = {
        "threshold_days": n,
        "open": int(open_.sum()),
        "open_without_updated_at": int((open_ & b["updated"].isna()).sum()),
    }
    if today is None or dated.empty:
        return {
            "available": False,
            "reason": "no-today" if today is None else "no-updated-at",
            **base,
            "count": 0,
            "share": None,
            "by_owner": {},
            "examples": [],
        }
    days = _ages(dated["updated"], today)
    stale = days[days > n].sort_values(ascending=False, kind="stable")
    examples = [
        {**_row_ref(ctx, i, b), "updated_at": b.at[i, "updated"].isoformat(), "days": int(stale[i])}
        for i in stale.index[: ctx.rules.top]
    ]
    by_owner = Counter(b.loc[stale.index, "owner"].tolist())
    return {
        "available": True,
        **base,
        "open_with_updated_at": int(len(dated)),
        "count": int(len(stale)),
        "share": _ratio(len(stale), len(dated)),
        "by_owner": dict(sorted(by_owner.items(), key=lambda kv: (-kv[1], kv[0]))),
        "examples": examples,
    }


def _past_close(ctx: Context, b: pd.DataFrame, open_: pd.Series) -> dict[str, Any]:
    today = ctx.today
    dated = b[open_ & b["close"].notna()]
    base = {"open": int(open_.sum()), "open_with_close_date": int(len(dated))}
    if today is None:
        return {
            "available": False,
            "reason": "no-today",
            **base,
            "count": 0,
            "share": None,
            "examples": [],
        }
    past = dated[dated["close"] < today].sort_values("close", kind="stable")
    examples = [
        {
            **_row_ref(ctx, i, b),
            "close_date": b.at[i, "close"].isoformat(),
            "days_overdue": (today - b.at[i, "close"]).days,
        }
        for i in past.index[: ctx.rules.top]
    ]
    return {
        "available": True,
        **base,
        "count": int(len(past)),
        "share": _ratio(len(past), len(dated)),
        "examples": examples,
    }


def _movements(ctx: Context, allb: pd.DataFrame) -> dict[str, Any]:
    """Stage movement between snapshots: rows merged into one deal with different stages.

    Only snapshots with an update date count: rows without one cannot be put in time order,
    and ordering them by file would invent movements.
    """
    rec = ctx.records
    ids = ctx.texts("deal_id")
    keep = (
        (ids != "")
        & (allb["status"] != "rejected")
        & (allb["stage"] != "")
        & allb["updated"].notna()
    )
    if not keep.any():
        return {
            "available": False,
            "reason": "no-deal-ids",
            "deals": 0,
            "transitions": [],
            "examples": [],
        }
    order_of = {s.key: s.order for s in ctx.model.stages}
    frame = allb[keep].assign(
        _id=ids[keep],
        _o=v.per_value(v.column(rec, SOURCE_ORDER)[keep], lambda x: v.to_number(x) or 0),
        _r=rec.loc[keep, SOURCE_ROW],
    )
    # columnar: only deals seen at least twice, sorted once (deal, then time order); a stage
    # kept over several snapshots counts once; a move is a snapshot after another of its deal
    frame = frame[frame["_id"].duplicated(keep=False)]
    frame = frame.sort_values(["_id", "updated", "_o", "_r"], kind="stable")
    repeat = (frame["_id"] == frame["_id"].shift()) & (frame["stage"] == frame["stage"].shift())
    snaps = frame.loc[~repeat, ["_id", "stage", "updated"]]
    after = snaps["_id"] == snaps["_id"].shift()
    moves = pd.DataFrame(
        {
            "_id": snaps["_id"][after],
            "from": snaps["stage"].shift()[after],
            "to": snaps["stage"][after],
            "days": [
                (d2 - d1).days
                for d1, d2 in zip(snaps["updated"].shift()[after], snaps["updated"][after])
            ],
        }
    )
    # the moves as lists: iterating the text columns (Arrow) cell by cell costs 7x more
    froms, tos = moves["from"].tolist(), moves["to"].tolist()
    moved = sorted(set(moves["_id"].tolist()))
    deals = len(moved)
    backwards = sum(order_of.get(b, 0) < order_of.get(a, 0) for a, b in zip(froms, tos))
    trans: dict[tuple[str, str], list[int]] = {}
    for a, b, days in zip(froms, tos, moves["days"].tolist()):
        trans.setdefault((a, b), []).append(days)
    shown = set(moved[: ctx.rules.top])
    paths = snaps[snaps["_id"].isin(shown)]
    examples: list[dict[str, Any]] = [
        {
            "deal_id": str(eid),
            "path": [
                {"stage": s, "updated_at": d.isoformat()} for s, d in zip(g["stage"], g["updated"])
            ],
        }
        for eid, g in paths.groupby("_id", sort=True)
    ]
    if not deals:
        return {
            "available": False,
            "reason": "no-snapshots",
            "deals": 0,
            "transitions": [],
            "examples": [],
        }
    transitions = []
    for (s1, s2), days in sorted(
        trans.items(),
        key=lambda kv: (-len(kv[1]), order_of.get(kv[0][0], 0), order_of.get(kv[0][1], 0)),
    ):
        transitions.append(
            {
                "from": s1,
                "to": s2,
                "count": len(days),
                "backwards": order_of.get(s2, 0) < order_of.get(s1, 0),
                "median_days": statistics.median(days),
            }
        )
    return {
        "available": True,
        "deals": deals,
        "backwards": int(backwards),
        "transitions": transitions,
        "examples": examples,
    }
