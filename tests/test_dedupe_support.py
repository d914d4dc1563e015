"""Hand-built record frames in the shape the normaliser hands to dedupe ("After normalize")."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TEXT = [
    "company_name",
    "company_key",
    "company_legal_form",
    "company_name_kana",
    "email",
    "email_domain",
    "phone",
    "mobile_phone",
    "website",
    "website_domain",
    "address",
    "postal_code",
    "contact_name",
    "contact_last_name",
    "contact_first_name",
    "deal_name",
    "close_date",
    "owner",
    "record_id",
    "product",
    "stage",
    "updated_at",
    "created_at",
    "notes",
    "industry",
    "currency",
]


def frame(rows: list[dict[str, Any]], file: str = "east.xlsx", sheet: str = "案件") -> pd.DataFrame:
    """Rows -> a normalized records frame; per-row _source_file/_source_sheet may be given."""
    out = []
    for i, given in enumerate(rows):
        r = dict(given)
        f = r.pop("_file", file)
        s = r.pop("_sheet", sheet)
        row = r.pop("_row", i + 2)
        order = r.pop("_order", 0)
        rec: dict[str, Any] = {c: "" for c in TEXT}
        rec["amount"] = np.nan
        rec.update(r)
        if rec["email"] and not rec["email_domain"]:
            rec["email_domain"] = rec["email"].split("@")[-1]
        rec.update(
            {
                "_source_file": f,
                "_source_sheet": s,
                "_source_row": row,
                "_row_key": f"{f}|{s}|{row}",
                "_source_order": order,
            }
        )
        out.append(rec)
    return pd.DataFrame(out)


def test_frame_has_the_contract_columns() -> None:
    df = frame([{"company_name": "株式会社山田電気", "company_key": "山田電気"}])
    assert {"_row_key", "_source_order", "company_key", "amount"} <= set(df.columns)
    assert df.loc[0, "_row_key"] == "east.xlsx|案件|2"
