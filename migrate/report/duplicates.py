"""Section "duplicates": how many rows collapsed into how many entities, and how.

In: the :class:`~migrate.report.context.Context`; uses ``result.dedupe`` (``companies``,
``contacts``, ``deals``, ``review`` frames, ``dedupe.*`` findings) when the run has it. Out:
the ``duplicates`` section of report.json: rows and entities per entity type, the largest
clusters with their distinct variants side by side, conflicts settled by survivorship
(``dedupe.conflict``) and the pairs waiting for a person's review. Without a dedupe result
the section says so (``available: false``) and invents nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from ..schema import ROW_KEY, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from . import values as v
from .context import Context

ENTITIES = (("deal", "deals"), ("company", "companies"), ("contact", "contacts"))
SHOWN = {
    "deal": ["deal_name", "company_name", "amount", "stage", "close_date", "owner", "updated_at"],
    "company": ["company_name", "website", "phone", "address", "industry"],
    "contact": ["contact_name", "email", "phone", "company_name", "contact_title"],
}
CONFLICT = "dedupe.conflict"


def build_duplicates(ctx: Context) -> dict[str, Any]:
    """The ``duplicates`` section."""
    ded = ctx.dedupe
    merged = int((ctx.status == "merged").sum())
    if ded is None:
        return {"available": False, "merged_rows": merged}
    entities = {}
    clusters: list[dict[str, Any]] = []
    counted = 0
    by_key: dict[str, Any] = {}
    for ent, attr in ENTITIES:
        frame = getattr(ded, attr, None)
        ids = ctx.texts(f"{ent}_id")
        rows = int((ids != "").sum())
        n = int(len(frame)) if isinstance(frame, pd.DataFrame) else int(ids[ids != ""].nunique())
        entities[ent] = {"rows": rows, "entities": n, "collapsed": max(0, rows - n)}
        n_groups, largest = _clusters(ctx, ent, frame, ids, by_key)
        entities[ent]["clusters"] = n_groups
        counted += n_groups
        clusters += largest
    fd = ctx.findings
    dd = fd[fd["rule"].str.startswith("dedupe.")] if len(fd) else fd
    return {
        "available": True,
        "merged_rows": merged,
        "entities": entities,
        "largest_clusters": clusters,
        "clusters_with_duplicates": counted,
        "conflicts": _conflicts(ctx, dd),
        "findings_by_rule": dict(sorted(Counter(dd["rule"].tolist()).items())) if len(dd) else {},
        "review": _review(ctx, getattr(ded, "review", None)),
        # --existing: records of the target SFA matched, sent to review, or left alone
        "existing": {k: dict(c) for k, c in (getattr(ded, "existing", None) or {}).items()},
    }


def _clusters(
    ctx: Context, ent: str, frame: Any, ids: pd.Series, by_key: dict[str, Any]
) -> tuple[int, list[dict[str, Any]]]:
    """How many clusters of this entity hold several rows, and the largest ones in detail.

    Per entity only its row keys are read (a large run has tens of thousands of clusters);
    the survivor's place and the rows' values only for the clusters shown. ``by_key`` (row
    key -> record position, the last one as a dict keeps) is filled on first use and shared
    by the entities."""
    rec = ctx.records
    groups: list[tuple[str, list[Any], Any]] = []  # (id, record positions, where the survivor is)
    id_col = f"{ent}_id"
    if isinstance(frame, pd.DataFrame) and "_row_keys" in frame.columns and id_col in frame.columns:
        if not by_key:
            by_key.update((_text(k), i) for i, k in zip(rec.index, v.column(rec, ROW_KEY).tolist()))
        n_groups, groups = _largest_by_keys(frame, id_col, by_key, ctx.rules.clusters)
    else:
        for eid, idx in ids[ids != ""].groupby(ids[ids != ""]).groups.items():
            if len(idx) >= 2:
                groups.append((str(eid), list(idx), None))
        n_groups = len(groups)
    groups.sort(key=lambda g: (-len(g[1]), g[0]))
    fields = [f for f in SHOWN[ent] if f in rec.columns]
    out = []
    for eid, positions, at in groups[: ctx.rules.clusters]:
        # the survivor's row key: file|sheet|row of the entity (only for the clusters shown)
        survivor = (
            "|".join(
                v.text(v.column(frame, c).iloc[at]) for c in (SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW)
            )
            if at is not None
            else ""
        )
        variants: dict[tuple[str, ...], dict[str, Any]] = {}
        for i in positions:
            r = rec.loc[i]
            values = {f: ctx.show(r.get(f), f) for f in fields}
            kept = (
                v.text(r.get(ROW_KEY)) == survivor if survivor else ctx.status.loc[i] == "exported"
            )
            var = variants.setdefault(
                tuple(values.values()),
                {"values": values, "rows": 0, "survivor": False, "examples": []},
            )
            var["rows"] += 1
            var["survivor"] = var["survivor"] or bool(kept)
            where_ = ctx.where(r[SOURCE_FILE], r[SOURCE_SHEET], r[SOURCE_ROW])
            if kept:
                var["examples"].insert(0, where_)
            else:
                var["examples"].append(where_)
        shown = sorted(variants.values(), key=lambda x: (not x["survivor"], -x["rows"]))
        for var in shown:
            var["examples"] = var["examples"][: max(1, ctx.rules.examples)]
        out.append(
            {"entity": ent, "id": eid, "size": len(positions), "fields": fields, "variants": shown}
        )
    return n_groups, out


def _largest_by_keys(
    frame: pd.DataFrame, id_col: str, by_key: dict[str, Any], top: int
) -> tuple[int, list[tuple[str, list[Any], Any]]]:
    """How many entities of ``frame`` list several row keys, and those among them that may be
    the ``top`` largest: (id, record positions, frame position), the positions of the rows their
    keys name (a key no record holds is left out, so an entity holds at most as many rows as
    it lists keys). A large run's companies and contacts list nearly every row's key: the keys
    are counted in Arrow, and only the entities listing the most are looked up, until no
    entity left lists as many keys as the ``top``-th largest found holds rows."""
    import heapq

    import pyarrow as pa
    import pyarrow.compute as pc

    texts = [_text(x) for x in frame["_row_keys"].tolist()]
    if not texts:
        return 0, []
    split = pc.split_pattern(pa.array(texts, type=pa.large_string()), ";")
    listed = pc.not_equal(pc.list_flatten(split), "").to_numpy(zero_copy_only=False)
    parent = pc.list_parent_indices(split).to_numpy()
    n_listed = np.bincount(parent[listed], minlength=len(texts))
    several = np.flatnonzero(n_listed >= 2)
    ids = frame[id_col].tolist()
    candidates: list[tuple[str, list[Any], Any]] = []
    largest: list[int] = []  # the top largest sizes found, smallest first
    for j in several[np.argsort(-n_listed[several], kind="stable")].tolist():
        if top <= 0 or (len(largest) == top and n_listed[j] < largest[0]):
            break
        keys = [k for k in texts[j].split(";") if k]
        positions = [by_key[k] for k in keys if k in by_key]
        candidates.append((_text(ids[j]), positions, j))
        if len(largest) < top:
            heapq.heappush(largest, len(positions))
        elif len(positions) > largest[0]:
            heapq.heapreplace(largest, len(positions))
    candidates.sort(key=lambda g: g[2])  # in the frame's order, as ties are listed
    return len(several), candidates


def _text(value: object) -> str:
    """:func:`.values.text`, short-cut for a text (a row key, an id: nearly all distinct)."""
    return value.strip() if isinstance(value, str) else v.text(value)


def _conflicts(ctx: Context, dd: pd.DataFrame) -> dict[str, Any]:
    hits = dd[dd["rule"] == CONFLICT] if len(dd) else dd
    examples = []
    for row in hits.head(ctx.rules.top).to_dict("records"):
        field = v.text(row["field"])
        examples.append(
            {
                **ctx.where(row["file"], row["sheet"], row["row"]),
                "field": field,
                "original": ctx.show(row["original"], field),
                "value": ctx.show(row["value"], field),
                "message": ctx.show(row["message"]),
            }
        )
    by_field = Counter(hits["field"].map(v.text).tolist()) if len(hits) else Counter()
    return {
        "total": int(len(hits)),
        "by_field": dict(sorted(by_field.items())),
        "examples": examples,
    }


def _review(ctx: Context, review: Any) -> dict[str, Any]:
    if not isinstance(review, pd.DataFrame):
        return {"available": False, "pairs": 0, "columns": [], "examples": []}
    columns = [str(c) for c in review.columns][:10]
    examples = [
        {c: ctx.show(row.get(c), _pii_field(c)) for c in columns}
        for row in review.head(ctx.rules.top).to_dict("records")
    ]
    return {"available": True, "pairs": int(len(review)), "columns": columns, "examples": examples}


def _pii_field(column: str) -> str:
    for f in v.PII_FIELDS:
        if f in column:
            return f
    return ""
