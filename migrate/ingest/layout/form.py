"""A sheet that is one record written as a form: a label beside each value, down the sheet.

Deal sheets kept one per deal (案件カード, 商談シート: 会社名 | 株式会社山田製作所, 案件名 | 生産管理導入,
金額 | 3,000,000 ...), sometimes two label/value pairs side by side, are no table: read row by
row, every line would be a record of one cell. Such a sheet is turned on its side: the labels
become a header row and the values one data row, read like any table; the record stands on
the row of its first label, and the other label rows are accounted for as its fields
(``row.form-field``).

What makes a form, so that a table, a legend or a sheet describing the columns is none: at
least three labels that name distinct fields of the schema (as a header would), each with a
value to its right; no two field names side by side (a table's header); the sheet short and
narrow; and a value that the field's type can check (an amount, a date, a percentage, an
e-mail, a phone) reads as one (a sheet that explains 金額 | 税抜の金額を円で入力 is no record).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ...columns import match_header, profile_column
from ...schema import Schema
from .cells import _is_texty

#: a form fits on a screen: more rows or columns than this are a table
MAX_ROWS = 60
MAX_COLUMNS = 8
#: fewer labels than this are a note, not a record
MIN_FIELDS = 3
#: a label names its field this surely at least (a header synonym, not a guess)
MIN_CONFIDENCE = 0.9
# the kinds a value of each checkable field type may read as
_CHECKS = {
    "amount": {"amount", "number"},
    "date": {"date"},
    "probability": {"probability", "number"},
    "email": {"email"},
    "phone": {"phone"},
}
_IDENTITY = {"company_name", "deal_name", "contact_name"}


@dataclass(frozen=True)
class Form:
    """A form sheet turned on its side."""

    cells: pd.DataFrame  # two rows: the labels, then the values
    record_row: int  # position (in the sheet's cells) of the first label row
    label_rows: tuple[int, ...]  # positions of every row holding a label and its value


def read_form(
    cells: pd.DataFrame, nonempty_pos: list[int], schema: Schema, rules_dir: str | None
) -> Form | None:
    """The sheet as one record when it is a form (see the module), else None."""
    if cells.shape[1] > MAX_COLUMNS or not 0 < len(nonempty_pos) <= MAX_ROWS:
        return None
    types = {f.name: f.type for f in schema.fields}
    labels: list[str] = []
    values: list[object] = []
    rows: list[int] = []
    fields: set[str] = set()
    for i in nonempty_pos:
        row = cells.iloc[i].tolist()
        j = 0
        while j < len(row):
            field = _field_of(row[j], schema, rules_dir)
            # the value beside its label, or one cell further (a label merged over two cells)
            at = next((k for k in (j + 1, j + 2) if k < len(row) and row[k] is not None), None)
            if field is None or at is None or (at == j + 2 and row[j + 1] is not None):
                j += 1
                continue
            nxt = row[at]
            if _field_of(nxt, schema, rules_dir) is not None:
                return None  # two field names side by side: a table's header
            if field in fields:
                return None  # a field written twice: records stacked, or a legend
            check = _CHECKS.get(types.get(field, ""))
            kinds = {k for k, share in profile_column([nxt], rules_dir).shares.items() if share}
            if check and not check & kinds:
                return None  # 金額 | 税抜の金額を円で入力: a sheet describing the columns
            fields.add(field)
            labels.append(str(row[j]))
            values.append(nxt)
            if not rows or rows[-1] != i:
                rows.append(i)
            j = at + 1
    if len(fields) < MIN_FIELDS or not fields & _IDENTITY:
        return None
    if not any(types.get(f) in _CHECKS for f in fields):
        return None  # nothing that a value could prove: names alone make no record here
    return Form(pd.DataFrame([labels, values], dtype=object), rows[0], tuple(rows))


def _field_of(value: object, schema: Schema, rules_dir: str | None) -> str | None:
    if not _is_texty(value) or len(str(value)) > 30:
        return None
    field, confidence, _how = match_header(str(value), schema, rules_dir)
    return field if field and confidence >= MIN_CONFIDENCE else None
