"""The run's reference date ("as of"): taken from the data, never from the wall clock.

In: normalized records (date fields as ``YYYY-MM-DD`` strings). Out: :func:`as_of_date`, the
latest valid ``updated_at`` or ``created_at``: the records were exported no earlier than the last
time one of them was created or touched, so that date stands in for "today" when none is given
(future-date checks, ages, years of dates written without one). The same records always give the
same date, whatever day the migration runs.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

#: The fields whose latest value is the as-of date: neither can lie after the day of the export.
AS_OF_FIELDS = ("updated_at", "created_at")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_of_date(records: pd.DataFrame) -> dt.date | None:
    """The latest valid updated_at or created_at of normalized records; None when there is none.

    Both fields count (a row created after the last update of another row is newer than it);
    values that are not ``YYYY-MM-DD`` dates (blanks, text kept by an on-error policy) are
    skipped. ``datetime.date`` values are accepted too.
    """
    best: dt.date | None = None
    for name in AS_OF_FIELDS:
        if name not in records.columns:
            continue
        for value in pd.unique(records[name].to_numpy(dtype=object)):
            day = to_date(value)
            if day is not None and (best is None or day > best):
                best = day
    return best


def to_date(value: object) -> dt.date | None:
    """A normalized date value (``YYYY-MM-DD`` or a date object) as a date, else None."""
    if isinstance(value, dt.datetime):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
