"""A company's address as its parts: the postal code written at its head, the building after it.

In: the records frame after text cleaning (``address``, ``address_building``, ``postal_code``
where the sheet has them). Out: the frame changed in place, with one finding per moved cell:

- ``〒220-0001 神奈川県横浜市西区北幸1-1`` (also 〒2200001, ＜〒＞, 郵便番号: ...) is the postal
  code and the address: the code goes to ``postal_code`` where the row has none, and leaves the
  address (``normalize.postal-code-from-address``); a row whose own code differs keeps the
  address as written;
- a split address's building (建物名) is joined after its street (番地): Salesforce's
  BillingStreet and HubSpot's address hold both.

The prefecture and the city are fields of their own (``state``, ``city``), never joined here.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from .base import Issue, distinct
from .collect import Collector

#: a postal code at the head of an address cell: 〒123-4567, 〒1234567, ＜〒＞123-4567,
#: 郵便番号：123-4567 (NFKC first: full-width digits and brackets are read as half-width)
_HEAD_CODE = re.compile(
    r"^\s*(?:[<(\[【]?\s*(?:〒|郵便番号|郵便)\s*[>)\]】]?\s*[:：]?\s*)"
    r"(\d{3})\s*[-‐‑–—−ー－]?\s*(\d{4})(?!\d)[\s,、　]*"
)

RULE = "normalize.postal-code-from-address"


def split_head_code(text: str) -> tuple[str, str]:
    """(postal code NNN-NNNN, the rest of the address) of an address cell; ("", text) when
    the cell does not open with a postal code."""
    hit = _HEAD_CODE.match(unicodedata.normalize("NFKC", text))
    if not hit:
        return "", text
    rest = unicodedata.normalize("NFKC", text)[hit.end() :].strip()
    return f"{hit[1]}-{hit[2]}", rest


def address_parts(out: pd.DataFrame, col: Collector) -> bool:
    """Move a postal code out of the head of ``address`` and join ``address_building`` after
    it, in place; True when a ``postal_code`` column was added (the sheet had none)."""
    if "address" not in out.columns:
        return False
    added = False
    codes, uniques = distinct(out["address"])
    split = [split_head_code(u) if isinstance(u, str) else ("", u) for u in uniques]
    if any(code for code, _ in split):
        if "postal_code" not in out.columns:
            out["postal_code"] = pd.Series("", index=out.index, dtype=object)
            added = True
        own_digits = [
            re.sub(r"\D", "", unicodedata.normalize("NFKC", _text(v))) for v in out["postal_code"]
        ]
        found = np.array([code for code, _ in split], dtype=object)[codes]
        rest = np.array([r for _, r in split], dtype=object)[codes]
        empty = np.array([not d for d in own_digits], dtype=bool)
        same = np.array(
            [bool(f) and f.replace("-", "") == d for f, d in zip(found, own_digits)], dtype=bool
        )
        take = (found != "") & (empty | same)
        pos = np.flatnonzero(take)
        if len(pos):
            address = out["address"].to_numpy(dtype=object).copy()
            postal = out["postal_code"].to_numpy(dtype=object).copy()
            originals = [str(address[p]) for p in pos]
            issues = []
            for p in pos:
                if empty[p]:
                    postal[p] = found[p]
                    msg = (
                        f"the postal code {found[p]} at the head of the address: moved to the "
                        "postal code"
                    )
                else:
                    msg = (
                        f"the postal code {found[p]} at the head of the address, the row's own: "
                        "removed from the address"
                    )
                address[p] = rest[p]
                issues.append(Issue(RULE, msg, found[p]))
            out["address"] = pd.Series(address, index=out.index, dtype=object)
            out["postal_code"] = pd.Series(postal, index=out.index, dtype=object)
            col.rows("address", pos, issues, originals, [str(address[p]) for p in pos])
    if "address_building" in out.columns:
        street = out["address"].map(_text)
        building = out["address_building"].map(_text)
        joined = [
            s if not b or b in s else (f"{s} {b}" if s else b) for s, b in zip(street, building)
        ]
        out["address"] = pd.Series(joined, index=out.index, dtype=object)
    return added


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()
