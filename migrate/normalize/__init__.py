"""The normalize stage: raw tracker values to canonical values, with a finding for every change.

In: the records frame after ingest + columns. Out: ``normalize_records(records)`` returns the
normalized frame and its findings (see docs/architecture.md, "After normalize"). The value
normalisers are public too, for notebooks and tests: each takes one raw cell and returns an
:class:`~.base.Outcome` (value, issues, failure). All word lists, thresholds and on-error
policies live in rules/normalize.yaml. Two helpers for the stages after it: :func:`as_of_date`
(the run's reference date, from the data) and :func:`format_amount` (an amount as CSV text).
"""

from __future__ import annotations

from ..amounts import format_amount
from ..asof import as_of_date
from .base import Issue, Outcome
from .companies import CompanyName, company_key, normalize_company
from .config import NormalizeRules, load_rules
from .dates import parse_date, serial_to_date
from .emails import email_domain, is_valid_email, normalize_email
from .money import Amount, currency_code, parse_amount
from .owners import distinct_owners, load_owners, owner_key
from .people import PersonName, normalize_person
from .phones import format_national, normalize_phone
from .probability import parse_number, parse_probability
from .records import normalize_records
from .stage_words import load_stage_vocabulary, match_stage, unknown_stage_words
from .text import clean_text
from .web import normalize_postal_code, normalize_website, website_domain

__all__ = [
    "Amount",
    "CompanyName",
    "Issue",
    "NormalizeRules",
    "Outcome",
    "PersonName",
    "as_of_date",
    "clean_text",
    "company_key",
    "currency_code",
    "distinct_owners",
    "email_domain",
    "format_amount",
    "format_national",
    "is_valid_email",
    "load_owners",
    "load_rules",
    "load_stage_vocabulary",
    "match_stage",
    "normalize_company",
    "normalize_email",
    "normalize_person",
    "normalize_phone",
    "normalize_postal_code",
    "normalize_records",
    "normalize_website",
    "owner_key",
    "parse_amount",
    "parse_date",
    "parse_number",
    "parse_probability",
    "serial_to_date",
    "unknown_stage_words",
    "website_domain",
]
