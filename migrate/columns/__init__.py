"""Column mapping: which canonical field each source column holds.

Headers and a sample of each column's values in, one :class:`ColumnMatch` per column out.
Matching, in order of trust: an exact synonym from rules/columns.yaml after normalisation
(NFKC, case, spaces, brackets, punctuation; unit hints like 万円 or (USD) set aside), a
synonym contained in a longer header (顧客担当者メールアドレス), a fuzzy match (rapidfuzz) with
its confidence, then content sniffing (a column of e-mail addresses is ``email`` whatever its
header says). Each field goes to one column per sheet; the other columns stay unmapped and
are kept as ``extra:<header>``, never dropped.

The package: :mod:`.header` (a header alone), :mod:`.values` (what the values are),
:mod:`.assign` (the whole sheet, one column per field), :mod:`.model` (ColumnMatch).
"""

from __future__ import annotations

from ..headers import header_key, header_key_bare
from .assign import also_named, amount_said, map_columns
from .header import match_header, unit_hints
from .model import ColumnMatch
from .values import (
    SNIFF_FIELD,
    ValueProfile,
    company_keys,
    legal_forms,
    looks_like_person,
    looks_like_value,
    profile_column,
    sniff_column,
)

__all__ = [
    "also_named",
    "amount_said",
    "SNIFF_FIELD",
    "ColumnMatch",
    "ValueProfile",
    "company_keys",
    "header_key",
    "header_key_bare",
    "legal_forms",
    "looks_like_person",
    "looks_like_value",
    "map_columns",
    "match_header",
    "profile_column",
    "sniff_column",
    "unit_hints",
]
