"""What to check in an import file, and the reason ids a failed check is reported under.

A :class:`Check` is one expectation on one column of one file (required, picklist, format,
length, range, unique id, parent link, stage requirement, the currency of an amount ...);
:class:`FileRules` gathers the
checks of one file. They are plain data: the export step builds them from a target profile and
the stage model, :func:`migrate.validate.validate_files` turns them into Great Expectations
suites. Each kind maps to one GX expectation (:data:`EXPECTATIONS`) and one default reason id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CheckKind = Literal[
    "exists",
    "not_null",
    "null",
    "any_of",
    "in_set",
    "regex",
    "date",
    "length",
    "between",
    "digits",
    "unique",
    "parent",
    "currency",
]
Action = Literal["reject", "report"]

#: Hidden columns an import frame may carry next to its visible columns (never written).
ID = "_id"  # the record's stable id (the external id): rejects name it
ROW_KEYS = "_row_keys"  # ";"-joined source row keys "file|sheet|row"
STAGE = "_stage"  # stage key of the record (row conditions of stage requirements)
CURRENCY = "_currency"  # ISO code of the record's amount (currency checks), "" without one
HIDDEN_PREFIX = "_"

#: GX expectation type per check kind.
EXPECTATIONS: dict[str, str] = {
    "exists": "expect_column_to_exist",
    "not_null": "expect_column_values_to_not_be_null",
    "null": "expect_column_values_to_be_null",
    "any_of": "expect_column_values_to_not_be_null",
    "in_set": "expect_column_values_to_be_in_set",
    "regex": "expect_column_values_to_match_regex",
    "date": "expect_column_values_to_match_strftime_format",
    "length": "expect_column_value_lengths_to_be_between",
    "between": "expect_column_values_to_be_between",
    "digits": "expect_column_values_to_match_regex",
    "unique": "expect_column_values_to_be_unique",
    "parent": "expect_column_values_to_be_in_set",
    "currency": "expect_column_values_to_be_in_set",
}

#: Reason ids of rejected rows (stage requirements use their own ids from rules/stages.yaml).
REASONS: dict[str, str] = {
    "exists": "validate.missing-column",
    "not_null": "validate.required-missing",
    "null": "validate.must-be-empty",
    "any_of": "validate.required-any-missing",
    "in_set": "validate.not-in-picklist",
    "regex": "validate.bad-format",
    "date": "validate.bad-date",
    "length": "validate.too-long",
    "between": "validate.out-of-range",
    "digits": "validate.too-many-digits",
    "unique": "validate.duplicate-id",
    "parent": "validate.parent-missing",
    # an amount the target would read in its own currency: 27500 USD becoming 27500 JPY
    "currency": "export.foreign-currency",
}
PARENT_REJECTED = "validate.parent-rejected"


@dataclass(frozen=True)
class Check:
    """One expectation on one column of one import file."""

    kind: CheckKind
    column: str
    rule: str = ""  # reason id; defaults to REASONS[kind]
    action: Action = "reject"  # reject the failing rows, or only report the count
    values: tuple[str, ...] = ()  # in_set: allowed values; currency: the target's currencies
    pattern: str = ""  # regex: pattern; date: strftime format
    min: float | None = None  # length: min characters; between: lowest value
    max: float | None = None  # length: max characters; between: highest value
    digits: int | None = None  # digits: the most digits a number may have in all
    decimals: int = 0  # digits: ... of them after the decimal point
    parent: str = ""  # parent: the parent file; values must be ids of its surviving rows
    columns: tuple[str, ...] = ()  # any_of: at least one of these columns is filled
    when_stages: tuple[str, ...] = ()  # only rows whose stage (hidden _stage) is one of these
    reason: str = ""  # a sentence replacing the default reason (stage requirements)
    fix: str = ""  # what the user should do; a default per kind when empty ("{currency}" in
    # the fix of a currency check is the currency of the row)

    @property
    def rule_id(self) -> str:
        return self.rule or REASONS[self.kind]

    @property
    def expectation(self) -> str:
        """The GX expectation type and the column, as shown in rejects.csv."""
        target = "|".join(self.columns) if self.kind == "any_of" else self.column
        return f"{EXPECTATIONS[self.kind]}({target})"


def digits_pattern(digits: int, decimals: int) -> str:
    """The plain numbers a numeric field of ``digits`` digits, ``decimals`` after the point,
    holds: number(18,2) takes -9999999999999999.99 .. 9999999999999999.99."""
    whole = f"^-?[0-9]{{1,{max(digits - decimals, 1)}}}"
    return whole + (f"(?:\\.[0-9]{{1,{decimals}}})?$" if decimals else "$")


@dataclass(frozen=True)
class FileRules:
    """The checks of one import file; ``id_column`` holds the ids children link to."""

    name: str
    checks: tuple[Check, ...]
    id_column: str = ""


def describe(check: Check, value: object, currency: str = "") -> tuple[str, str]:
    """(reason, fix) for one failing value: the sentence for a person and what to do.

    ``currency`` is the currency of the row's amount (currency checks).
    """
    c = check.column
    v = "" if value is None else str(value)
    shown = v if len(v) <= 60 else v[:57] + "..."
    if check.kind == "exists":
        reason = f"column {c} is missing from the file"
        fix = "add the column to the target profile or the source data"
    elif check.kind == "not_null":
        reason = f"{c} is required but empty"
        fix = f"fill in the source value mapped to {c} and run again"
    elif check.kind == "null":
        reason = f"{c} must be empty here but holds {shown!r}"
        fix = f"clear the source value mapped to {c}"
    elif check.kind == "any_of":
        reason = f"at least one of {', '.join(check.columns)} is required; all are empty"
        fix = "fill in one of them in the source row"
    elif check.kind == "in_set":
        allowed = ", ".join(check.values[:10]) + (" ..." if len(check.values) > 10 else "")
        reason = f"{c} {shown!r} is not an allowed value ({allowed})"
        fix = "map the value in the target profile or correct the source value"
    elif check.kind == "regex":
        reason = f"{c} {shown!r} does not have the expected format"
        fix = f"correct the source value mapped to {c}"
    elif check.kind == "date":
        reason = f"{c} {shown!r} is not a valid date ({check.pattern})"
        fix = f"correct the date mapped to {c}"
    elif check.kind == "length":
        reason = f"{c} is {len(v)} characters long; the target allows at most {check.max:g}"
        fix = f"shorten the source value mapped to {c}"
    elif check.kind == "between":
        lo = "" if check.min is None else f"{check.min:g}"
        hi = "" if check.max is None else f"{check.max:g}"
        reason = f"{c} {shown} is outside {lo}..{hi}"
        fix = f"correct the source value mapped to {c}"
    elif check.kind == "digits":
        reason, fix = _too_many_digits(c, v, check.digits or 0, check.decimals)
    elif check.kind == "unique":
        reason = f"{c} {shown!r} appears more than once in the file"
        fix = "the id must be unique: review the duplicate records (dedupe) and run again"
    elif check.kind == "currency":
        org = ", ".join(check.values)
        reason = f"Amount is in {currency} but the org currency is {org}"
        fix = f"convert the amount to {org} in the source"
        if check.fix:
            return check.reason or reason, check.fix.replace("{currency}", currency)
    else:  # parent
        reason = f"{c} {shown!r} has no record in {check.parent}"
        fix = f"make sure the parent record is exported to {check.parent}"
    return check.reason or reason, check.fix or fix


def _too_many_digits(column: str, value: str, digits: int, decimals: int) -> tuple[str, str]:
    """Why a number does not fit a field of ``digits`` digits with ``decimals`` decimals."""
    size = f"number({digits},{decimals}): at most {digits - decimals} digit(s) before the point"
    size += f" and {decimals} after it" if decimals else " and none after it"
    whole, _, frac = value.lstrip("-").partition(".")
    if not (whole.isdigit() and (not frac or frac.isdigit())):
        reason = f"{column} {value[:60]!r} is not a plain number; the field is {size}"
    elif len(whole) > digits - decimals:
        reason = (
            f"{column} {value[:60]} has {len(whole)} digits before the point; the field is {size}"
        )
    else:
        reason = f"{column} {value[:60]} has {len(frac)} decimal(s); the field is {size}"
    fix = (
        f"correct the source value mapped to {column} (a typo or a wrong unit?): the target "
        "cannot hold it exactly, and it is not rounded"
    )
    return reason, fix


def parent_rejected(check: Check, value: object) -> tuple[str, str]:
    """(reason, fix) for a row whose parent record was rejected."""
    return (
        f"parent rejected: the {check.parent} record {value!s} that {check.column} points to "
        "was rejected",
        f"fix the parent record in {check.parent} (see its own reject rows) and run again",
    )
