"""Cell values for import files: plain numbers, formatted dates, safe text.

The formula-injection rule (:func:`migrate.output.is_formula_payload`): a value a spreadsheet
would run as a formula starts with ``=``, a tab or a carriage return, or with ``+``, ``-`` or
``@`` followed by more than a plain number, a phone or a handle (``@cosme``). Free-text
columns (type text/id) are neutralised by prefixing ``'``. Typed columns (number, date, phone, email, url, picklist, bool,
owner) are not touched: their values are validated against a strict format or a closed set, so
a formula cannot pass and a plain ``-5`` or ``+81312345678`` stays what it is.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime

import numpy as np

from ..amounts import format_amount
from ..output import neutralise as neutralise  # the export's text rule is the one of every CSV
from ..schema import is_blank

NUMBER_RE = r"^-?[0-9]+(?:\.[0-9]+)?$"
EMAIL_RE = r"^[\w][\w.%+'-]*@[\w-]+(?:\.[\w-]+)+$"
PHONE_RE = r"^\+[1-9][0-9]{3,14}$"  # E.164, as the normalizer writes it
URL_RE = r"^https?://[^\s]+$"
FORMATS = {
    "number": NUMBER_RE,
    "email": EMAIL_RE,
    "owner": EMAIL_RE,
    "phone": PHONE_RE,
    "url": URL_RE,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def as_text(value: object) -> str:
    """Any cell as text; whole floats without ``.0`` (a postal code read as a number)."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def as_number(value: object) -> str:
    """A plain number: no thousands separators, ``.`` decimal point, no exponent.

    Numbers are written by :func:`migrate.amounts.format_amount`, as in records.csv.
    """
    if is_blank(value) or isinstance(value, bool):
        return ""
    if isinstance(value, (float, np.floating)) and math.isinf(value):
        return str(value)  # no amount: kept as is, the format check rejects it
    if isinstance(value, (int, np.integer, float, np.floating)):
        return format_amount(value)
    return str(value).strip()  # not a number: kept as is, the format check rejects it


def as_date(value: object, fmt: str) -> str:
    """A date in the profile's format; an unparseable value is kept (the date check rejects it)."""
    if is_blank(value):
        return ""
    if isinstance(value, datetime):
        return value.strftime(fmt)
    if isinstance(value, date):
        return value.strftime(fmt)
    s = str(value).strip()
    try:
        return date.fromisoformat(s).strftime(fmt)
    except ValueError:
        return s


def as_bool(value: object) -> str:
    """``true``/``false``; anything else is kept for the picklist check."""
    if is_blank(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    s = str(value).strip().lower()
    return {"1": "true", "0": "false", "yes": "true", "no": "false"}.get(s, s)


def strip_control(value: str) -> str:
    """Remove control characters other than tab, CR and LF (they break CSV readers and xlsx)."""
    return _CONTROL.sub("", value)


def has_control(value: str) -> bool:
    """Whether :func:`strip_control` would change ``value``."""
    return _CONTROL.search(value) is not None


def unencodable(value: str, encoding: str) -> str:
    """The characters of ``value`` the encoding cannot represent ("" when all can)."""
    try:
        value.encode(encoding)
        return ""
    except UnicodeEncodeError:
        bad = []
        for ch in value:
            try:
                ch.encode(encoding)
            except UnicodeEncodeError:
                bad.append(ch)
        return "".join(dict.fromkeys(bad))


def owner_key(name: object) -> str:
    """Comparison key of an owner name: NFKC, case-folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", as_text(name)).casefold().split())
