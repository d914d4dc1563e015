"""map_columns: every column of one table mapped, one column per field.

Headers and a sample of each column's values in, one :class:`ColumnMatch` per column out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from ..headers import header_key, header_key_bare
from ..schema import Schema
from .header import _Index, _index, match_header, unit_hints
from .model import ColumnMatch
from .values import SNIFF_FIELD, _mostly_mobile, sniff_column


def map_columns(
    headers: Sequence[str],
    letters: Sequence[str],
    values: pd.DataFrame,
    schema: Schema,
    rules_dir: str | None = None,
) -> list[ColumnMatch]:
    """Map every column of one table: headers plus the data values (columns aligned to headers)."""
    idx = _index(schema, rules_dir)
    sample = values.head(500)
    cands: list[ColumnMatch] = []
    for i, header in enumerate(headers):
        col_vals = [v for v in sample.iloc[:, i].tolist()] if i < sample.shape[1] else []
        unit, currency = unit_hints(header, schema) if header else (1.0, "")
        field, conf, method = (
            match_header(header, schema, rules_dir) if header else (None, 0.0, "none")
        )
        nonempty = [v for v in col_vals if v is not None and str(v).strip()]
        typ, share = (
            sniff_column(nonempty, rules_dir)
            if len(nonempty) >= schema.sniff_min_values
            else (None, 0.0)
        )
        note = ""
        if (
            field is not None
            and typ in ("email", "phone", "url")
            and share >= schema.sniff_min_share
        ):
            sniffed = SNIFF_FIELD[typ]
            if idx.types.get(field) != idx.types.get(sniffed) and field not in ("mobile_phone",):
                note = f"header suggests {field}, values are {typ}s"
                field, conf, method = sniffed, round(0.9 * share, 3), "sniff"
        if field is None and typ in SNIFF_FIELD and share >= schema.sniff_min_share:
            field, conf, method = SNIFF_FIELD[typ], round(0.9 * share, 3), "sniff"
            note = f"{share:.0%} of values look like {typ}"
        if field is None and typ == "date" and share >= schema.sniff_min_share:
            note = "values are dates but the header does not say which date"
        cands.append(ColumnMatch(i, letters[i], header, field, conf, method, unit, currency, note))
    return _assign(cands, idx, sample, rules_dir)


def _assign(
    cands: list[ColumnMatch], idx: _Index, sample: pd.DataFrame, rules_dir: str | None = None
) -> list[ColumnMatch]:
    """One column per field: the most confident claim wins; ambiguous headers take what is left."""
    out = list(cands)
    taken: dict[str, int] = {}
    order = sorted(
        range(len(cands)), key=lambda i: (cands[i].method == "ambiguous", -cands[i].confidence, i)
    )
    for i in order:
        c = cands[i]
        if c.field is None:
            continue
        if c.method == "ambiguous":
            options = (
                idx.ambiguous.get(header_key(c.header))
                or idx.ambiguous.get(header_key_bare(c.header))
                or (c.field,)
            )
            free = [f for f in options if f not in taken]
            if not free:
                out[i] = replace(
                    c, field=None, confidence=0.0, note=f"{' / '.join(options)} already mapped"
                )
                continue
            if len(free) == 1:
                choice = free[0]
            else:
                choice = _resolve_by_values(
                    free, sample.iloc[:, i].tolist() if i < sample.shape[1] else []
                )
            out[i] = replace(
                c,
                field=choice,
                confidence=0.9,
                note=f"'{c.header}' can mean {' or '.join(options)}",
            )
            taken[choice] = i
            continue
        if (
            c.field == "phone"
            and "phone" in taken
            and "mobile_phone" not in taken
            and "mobile_phone" in idx.types
            and _mostly_mobile(sample.iloc[:, i].tolist() if i < sample.shape[1] else [], rules_dir)
        ):
            other = out[taken["phone"]]
            out[i] = replace(
                c,
                field="mobile_phone",
                note=f"a second phone column of mobile numbers (column {other.column} is the phone)",
            )
            taken["mobile_phone"] = i
            continue
        if c.field in taken:
            other = out[taken[c.field]]
            out[i] = replace(
                c,
                field=None,
                confidence=0.0,
                note=f"also looks like {c.field}, which column {other.column} ('{other.header}') holds",
            )
            continue
        taken[c.field] = i
    return out


def _resolve_by_values(options: list[str], values: list) -> str:
    """Our own reps repeat down a column; the customer's contact people mostly do not."""
    vals = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if "owner" in options and "contact_name" in options and len(vals) >= 6:
        distinct = len(set(vals)) / len(vals)
        return "owner" if distinct <= 0.5 else "contact_name"
    return options[0]
