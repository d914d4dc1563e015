"""Lead lists: the sheets whose rows are people, not deals.

A **lead list** is a source sheet none of whose rows carries a deal field (an amount other
than 0, a close date, a deal name with at least one letter: a date under 商談化日 taken for the
deal name is no name) and at least one of whose rows is at a person-level stage (lead, MQL,
SQL). The normaliser reads a lead list's status words as lead statuses (rules/stages.yaml
``lead_statuses``), the export makes its rows leads, contacts or converted leads, and the
report counts its rows as leads, never as deals (docs/lead-lists-and-required-fields.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .columnar import by_value, group_codes
from .schema import SOURCE_FILE, SOURCE_SHEET, flags
from .schema import cell_text as text

#: The lead status of a lead list's row (rules/stages.yaml ``lead_statuses``: new, working,
#: nurturing, qualified, converted, unqualified ...); empty on the rows of other sheets. Hidden
#: (``_``): no content digest of the duplicates step reads it; the export's record sets carry
#: it as ``lead_status``.
LEAD_STATUS = "_lead_status"
#: The status of a lead closed without a deal (見送り, Unqualified): its stage is lost, but it
#: is no lost deal.
CLOSED_LEAD = "unqualified"
#: The status of a lead handed to sales (商談化, Converted): the row is the deal it became.
CONVERTED = "converted"


def _has_letters(value: Any) -> bool:
    return any(ch.isalpha() for ch in text(value))


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series("", index=frame.index, dtype=object)


def deal_fields(frame: pd.DataFrame) -> pd.Series:
    """True for the rows that carry a deal field: an amount other than 0, a close date, a
    deal name with a letter."""
    amount = pd.to_numeric(_column(frame, "amount"), errors="coerce")
    close = flags(_column(frame, "close_date"), text)
    if "deal_name" in frame.columns and len(frame):
        name = flags(frame["deal_name"], _has_letters)
    else:
        name = pd.Series(False, index=frame.index)
    return (amount.notna() & (amount != 0)) | close | name


def lead_list_rows(frame: pd.DataFrame, person: pd.Series) -> pd.Series:
    """True for the rows of a lead list: a sheet none of whose rows carries a deal field and
    at least one of whose rows is ``person`` (at a person-level stage)."""
    if frame.empty:
        return pd.Series(False, index=frame.index, dtype=bool)
    sheet = _sheets(frame)
    lists = _any_per_sheet(sheet, person) & ~_any_per_sheet(sheet, deal_fields(frame))
    return pd.Series(lists[sheet], index=frame.index, dtype=bool)


def may_hold_lead_lists(frame: pd.DataFrame) -> bool:
    """Whether some sheet's rows carry no deal field at all: a tracker whose every sheet holds
    deals has no lead list, and whose rows are people need not be asked."""
    if frame.empty:
        return False
    sheet = _sheets(frame)
    return not _any_per_sheet(sheet, deal_fields(frame)).all()


def _sheets(frame: pd.DataFrame) -> np.ndarray:
    """Each row's source sheet (file and sheet) as a number."""
    return group_codes(*(by_value(_column(frame, c), text) for c in (SOURCE_FILE, SOURCE_SHEET)))


def _any_per_sheet(sheet: np.ndarray, rows: pd.Series) -> np.ndarray:
    """Per sheet number, whether one of its rows is True in ``rows``."""
    out = np.zeros(int(sheet.max(initial=-1)) + 1, dtype=bool)
    out[sheet[rows.to_numpy(dtype=bool)]] = True
    return out


def lead_rows(frame: pd.DataFrame) -> pd.Series:
    """True for the records the normaliser marked as rows of a lead list (a lead status)."""
    if LEAD_STATUS not in frame.columns:
        return pd.Series(False, index=frame.index, dtype=bool)
    return frame[LEAD_STATUS].map(text) != ""


def lead_not_deal(frame: pd.DataFrame) -> pd.Series:
    """True for the rows of lead lists that are no deal: every status but converted (a lead,
    MQL, SQL, or a lead closed without a deal). Deal requirements and deal figures skip them."""
    if LEAD_STATUS not in frame.columns:
        return pd.Series(False, index=frame.index, dtype=bool)
    status = pd.Series(by_value(frame[LEAD_STATUS], text), index=frame.index)
    return (status != "") & (status != CONVERTED)
