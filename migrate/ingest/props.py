"""Document properties of a workbook: the date it was last saved.

In: an input file. Out: the date in its document properties (``docProps/core.xml``
``dcterms:modified`` of .xlsx/.xlsm/.xlsb, ``meta.xml`` ``dc:date`` of .ods), or None. The run's
reference date falls back on it when the data holds no updated/created date: a tracker cannot
describe a day after it was last saved. The file system's modification time is never used (a
copy changes it, so the same inputs would give other outputs).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

_PARTS = {
    "docProps/core.xml": (
        re.compile(rb"<dcterms:modified[^>]*>\s*(\d{4}-\d{2}-\d{2})"),
        re.compile(rb"<dcterms:created[^>]*>\s*(\d{4}-\d{2}-\d{2})"),
    ),
    "meta.xml": (
        re.compile(rb"<dc:date>\s*(\d{4}-\d{2}-\d{2})"),
        re.compile(rb"<meta:creation-date>\s*(\d{4}-\d{2}-\d{2})"),
    ),
}
# Writers that stamp no real date write one of these (openpyxl's epoch, our own fixed stamp)
_PLACEHOLDERS = {dt.date(1970, 1, 1), dt.date(1980, 1, 1), dt.date(2000, 1, 1)}


def saved_date(path: str | Path) -> dt.date | None:
    """The last-saved (else created) date of a zipped workbook's properties; None if none."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            for part, patterns in _PARTS.items():
                if part not in names:
                    continue
                info = z.getinfo(part)
                if info.file_size > 1 << 20:  # properties are a few hundred bytes
                    return None
                data = z.read(part)
                for pattern in patterns:
                    m = pattern.search(data)
                    if m:
                        day = dt.date.fromisoformat(m.group(1).decode())
                        if day not in _PLACEHOLDERS:
                            return day
    except (OSError, zipfile.BadZipFile, ValueError, KeyError):
        return None
    return None
