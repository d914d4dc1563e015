"""The run's reference date ("as of"): taken from the data, never from the wall clock.

Shared by normalize (years of dates written without one, future-date checks), the pipeline
(export and stage checks) and the report (ages).

In: normalized records (date fields as ``YYYY-MM-DD`` strings). Out: :func:`as_of_date`, the
latest valid ``updated_at`` or ``created_at``: the records were exported no earlier than the last
time one of them was created or touched, so that date stands in for "today" when none is given
(future-date checks, ages, years of dates written without one). The same records always give the
same date, whatever day the migration runs.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

#: The fields whose latest value is the as-of date: neither can lie after the day of the export.
AS_OF_FIELDS = ("updated_at", "created_at")
#: A latest date standing this many days after all the others, on a handful of rows, is a typo
#: (2062 for 2026), not the day of the export.
OUTLIER_GAP_DAYS = 366
OUTLIER_MAX_ROWS = 2
#: A won deal's close date moves the reference date on (data:won) by at most this many days
#: past the data's own updated/created dates: a quote log's orders close weeks after the last
#: registration, but a "won" deal closing a year on is a planned date, not the day of the export
#: (and taking it would make every open deal's close date "past").
WON_CLOSE_MAX_AHEAD_DAYS = 92
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_of_date(records: pd.DataFrame, skip: dict[str, np.ndarray] | None = None) -> dt.date | None:
    """The latest plausible updated_at or created_at of normalized records; None when none.

    Both fields count (a row created after the last update of another row is newer than it);
    values that are not ``YYYY-MM-DD`` dates (blanks, text kept by an on-error policy) are
    skipped, and so is a typo far in the future (:func:`latest_plausible`), and the rows ``skip``
    marks per field (:func:`past_own_date`). ``datetime.date`` values are accepted too.
    """
    skip = skip or {}
    days = [
        day.toordinal()
        for name in AS_OF_FIELDS
        if name in records.columns
        for value, skipped in zip(
            records[name].to_numpy(dtype=object),
            skip.get(name, np.zeros(len(records), dtype=bool)),
        )
        if not skipped and (day := to_date(value)) is not None
    ]
    if not days:
        return None
    return dt.date.fromordinal(latest_plausible(np.asarray(days, dtype=float)))


def past_own_date(records: pd.DataFrame, own: pd.Series, days: int) -> dict[str, np.ndarray]:
    """Per field of AS_OF_FIELDS, the rows whose date lies more than ``days`` after the row's
    ``own`` date (ISO or ''; the day its sheet states above the table, else the day its
    workbook was saved): the data cannot have been updated or created after the sheet said it
    was written, so such a date is a renewal or a plan in an update column, not "today"."""
    bound = [to_date(v) for v in own.to_numpy(dtype=object)]
    limit = [b + dt.timedelta(days=days) if b is not None else None for b in bound]
    out: dict[str, np.ndarray] = {}
    for name in AS_OF_FIELDS:
        if name not in records.columns:
            continue
        mask = np.fromiter(
            (
                lim is not None and (day := to_date(v)) is not None and day > lim
                for v, lim in zip(records[name].to_numpy(dtype=object), limit)
            ),
            dtype=bool,
            count=len(records),
        )
        if mask.any():
            out[name] = mask
    return out


def latest_won_close(records: pd.DataFrame, won: tuple[str, ...]) -> dt.date | None:
    """The latest plausible close date of a deal at a ``won`` stage (a stage key); None when none.

    Only rows of files that give no updated/created date of their own count: a registration
    sheet's 案件登録日 is often the only created date of a run, months before the orders a quote
    log of no dates books as won, and says nothing of when that log was written; the log was
    written no earlier than its won deals closed. A file with its own dates keeps them (a won
    close date after them is a finding there: stages.yaml, won in the future)."""
    if not won or "stage" not in records.columns or "close_date" not in records.columns:
        return None
    at_won = records["stage"].astype(object).isin(set(won)).to_numpy(dtype=bool, copy=True)
    if "_source_file" in records.columns:
        files = records["_source_file"].astype(object).to_numpy()
        dated = np.zeros(len(records), dtype=bool)
        for name in AS_OF_FIELDS:
            if name in records.columns:
                dated |= np.fromiter(
                    (to_date(v) is not None for v in records[name].to_numpy(dtype=object)),
                    dtype=bool,
                    count=len(records),
                )
        at_won &= ~pd.Series(files).isin(set(files[dated])).to_numpy(dtype=bool)
    days = [
        day.toordinal()
        for value in records["close_date"].to_numpy(dtype=object)[at_won]
        if (day := to_date(value)) is not None
    ]
    if not days:
        return None
    return dt.date.fromordinal(latest_plausible(np.asarray(days, dtype=float)))


def latest_plausible(ordinals: np.ndarray) -> int:
    """The latest date (as an ordinal; NaN ignored) that is not an isolated typo.

    The latest date is dropped while it lies more than OUTLIER_GAP_DAYS after the next one and
    at most OUTLIER_MAX_ROWS rows hold it: one row dated 2062 among thousands from 2025-2026 is
    a typo, not the day of the export (the future-date check then reports it).
    """
    values = ordinals[~np.isnan(ordinals)].astype(np.int64)
    uniq, counts = np.unique(values, return_counts=True)
    i = len(uniq) - 1
    while i > 0 and uniq[i] - uniq[i - 1] > OUTLIER_GAP_DAYS and counts[i] <= OUTLIER_MAX_ROWS:
        i -= 1
    return int(uniq[i])


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
