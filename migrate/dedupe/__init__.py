"""Dedupe: find the same company, person and deal across every tracker, merge them, show why.

In: the normalized records frame (one row per source row, canonical fields), rules/dedupe.yaml,
optional review decisions and optional exports of the target SFA. Out: a :class:`DedupeResult`:
every row with ``company_id``, ``contact_id``, ``deal_id``, ``_status`` and ``_merged_into``; one
row per company, contact and deal with survivorship applied; the review queue; every merged or
reviewed pair with its evidence; and the findings (``dedupe.*``).

The matching engine (:func:`link`) is generic: blocking on a union of cheap keys, vectorised
comparisons with levels, Fellegi-Sunter weights learned by EM, thresholds, and connected
components guarded against weak bridges. The CRM merge (:func:`find_duplicates`) and the
benchmarks both drive it from settings.
"""

from .decisions import read_decisions, write_review_xlsx
from .engine import Linkage, link
from .merge import DedupeResult, find_duplicates
from .settings import DedupeSettings, LinkSettings, link_settings, load_settings

__all__ = [
    "DedupeResult",
    "DedupeSettings",
    "Linkage",
    "LinkSettings",
    "find_duplicates",
    "link",
    "link_settings",
    "load_settings",
    "read_decisions",
    "write_review_xlsx",
]
