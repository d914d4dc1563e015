"""Order-ledger line items: rows of one order are one deal whose amount is their sum.

A 受注台帳 lists an order (受注番号 J-0601) as one row per product, with a 小計 row below
(ingest leaves the subtotal out). Read row by row they were two won deals (600,000 and
120,000) beside the tracker's deal of the order (720,000): won revenue counted twice. In: the
dedupe working copy and rules/dedupe.yaml ``deals.line_items``. Out: the copy with each
order's rows given the order's total amount and all its products (so they are one deal, and
meet the tracker's deal by that amount), and one ``dedupe.line-items-summed`` finding per order.
"""

from __future__ import annotations

import pandas as pd

from .. import findings as F
from .settings import LineItems
from .survivorship import empty_mask

RULE = "dedupe.line-items-summed"


def _texts(rows: pd.DataFrame, name: str) -> pd.Series:
    if name not in rows:
        return pd.Series("", index=rows.index, dtype=object)
    col = rows[name]
    values = col.to_numpy(dtype=object, copy=True)
    values[empty_mask(col)] = ""
    return pd.Series(values, index=rows.index, dtype=object).map(str)


def fold_line_items(
    work: pd.DataFrame, rules: LineItems | None, info: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``work`` with the rows of each order (one sheet, the ``rules.key`` fields equal, the
    ``rules.differ`` field different and filled on each row) given the order's total amount
    and its products joined; the findings, one per order."""
    if rules is None or "amount" not in work or rules.differ not in work:
        return work, F.to_frame([])
    sheet = _texts(work, "_source_file") + "|" + _texts(work, "_source_sheet")
    keys = [sheet, *(_texts(work, k) for k in rules.key)]
    differ = _texts(work, rules.differ)
    amount = pd.to_numeric(work["amount"], errors="coerce")
    # an order needs its number (the first key) and a product and an amount on every line
    ok = (keys[1] != "") & (differ != "") & amount.notna()
    if not ok.any():
        return work, F.to_frame([])
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})[ok]
    group = frame.groupby(list(frame.columns), sort=False).ngroup()
    sizes = group.map(group.value_counts())
    products = differ[ok].groupby(group).nunique()
    lines = group[(sizes >= 2) & group.map(products).gt(1)]
    if lines.empty:
        return work, F.to_frame([])
    out = work.copy()
    amount_col = out["amount"].astype(object)
    product_col = out[rules.differ].astype(object)
    found = []
    for _, at in lines.groupby(lines, sort=False):
        rows = at.index
        total = float(amount[rows].sum())
        names = list(dict.fromkeys(differ[rows].tolist()))
        joined = rules.join.join(names)
        amount_col[rows] = total
        product_col[rows] = joined
        first = rows[0]
        where = info.loc[first] if first in info.index else None
        excel_rows = ", ".join(str(int(info.at[r, "row"])) for r in rows if r in info.index)
        found.append(
            F.Finding(
                rule=RULE,
                severity="info",
                message=(
                    f"rows {excel_rows} share the order number '{keys[1][first]}' with "
                    f"different products ({joined}): read as the line items of one deal, its "
                    f"amount their sum {total:,.0f}"
                ),
                file=str(where["file"]) if where is not None else "",
                sheet=str(where["sheet"]) if where is not None else "",
                row=int(where["row"]) if where is not None else 0,
                field="amount",
                original=", ".join(f"{v:,.0f}" for v in amount[rows].tolist()),
                value=f"{total:,.0f}",
                action="changed",
            )
        )
    out["amount"] = pd.to_numeric(amount_col, errors="coerce").astype(float)
    out[rules.differ] = product_col
    return out, F.to_frame(found)


__all__ = ["RULE", "fold_line_items"]
