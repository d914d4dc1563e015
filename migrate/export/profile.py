"""Target profiles (rules/targets/<name>.yaml): everything about one SFA importer, as data.

A profile names the import files, the record set each file is made from (companies, contacts,
deals, leads, deal_contacts), its columns (target field name, canonical source field, type,
required, unique, length, range, picklist, value map, parent link), the value maps (stage ->
the target's stage values ...), the policies (missing deal names and close dates, amounts in
another currency than the org's, the probability of won/lost deals), and the file format
(encoding, BOM, line ending, date format, optional workbook, the org currency). Adding a
target means adding a YAML file. :func:`load_target` checks the whole file and raises one
RuleFileError that lists every problem with its key path, the bad value and the allowed values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from ..errors import UserError
from ..rules import Problems, load_rule_file, rules_dir
from ..schema import EXTRA_PREFIX, load_schema

RecordSet = Literal["companies", "contacts", "deals", "leads", "deal_contacts"]
ColumnType = Literal[
    "id", "text", "number", "date", "email", "phone", "url", "picklist", "bool", "owner"
]
RECORD_SETS: tuple[str, ...] = RecordSet.__args__  # type: ignore[attr-defined]
COLUMN_TYPES: tuple[str, ...] = ColumnType.__args__  # type: ignore[attr-defined]
PERSON_STAGES = ("leads", "contacts", "deals")
ENCODINGS = ("utf-8", "cp932")
BOMS = ("never", "excel", "always")
LINE_ENDINGS = {"lf": "\n", "crlf": "\r\n"}
DEAL_NAME_POLICIES = ("generate", "keep")
CLOSE_DATE_POLICIES = ("reject", "fill", "fiscal-quarter-end", "fixed", "keep")
STAGE_POLICIES = ("reject", "first-stage")
LEAD_NAME_POLICIES = ("reject", "placeholder")
CLOSE_DATE_FILL = ("updated_at", "created_at", "next_action_date", "today")
FOREIGN_CURRENCY_POLICIES = ("reject", "keep")
CLOSED_PROBABILITY_POLICIES = ("stage", "keep")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
_ISO_DATE = re.compile(r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$")

#: Fields the normalizer and dedupe add next to the canonical fields of rules/columns.yaml
#: (``existing_id``: the record's id in the target SFA when ``--existing`` matched it, else "").
DERIVED_FIELDS = {
    "company": (
        *("company_key", "company_legal_form", "website_domain", "existing_id"),
        "company_name_alternates",  # the other spellings of a merged company (survivorship)
        "mail_domain",  # its own people's e-mail domain (dedupe, merge._mail_domains)
    ),
    "contact": ("email_domain", "existing_id"),
    "deal": ("_stage_inferred", "lead_status"),
}
#: Fields computed per record set: the furthest funnel stage, the owner of the best deal and
#: its lead status (rules/stages.yaml lead_statuses; empty unless it is a row of a lead list).
COMPUTED_FIELDS = ("funnel_stage", "owner", "lead_status")

_TOP = [
    "kind",
    "version",
    "name",
    "description",
    "output",
    "external_id",
    "person_stages",
    "policies",
    "maps",
    "files",
]
_OUTPUT = [
    "encoding",
    "bom",
    "line_ending",
    "delimiter",
    "date_format",
    "workbook",
    "workbook_max_records",
    "currency",
]
_POLICIES = [
    "missing_deal_name",
    "missing_close_date",
    "close_date_fill",
    "close_date_fixed",
    "missing_stage",
    "foreign_currency",
    "closed_probability",
    "missing_lead_name",
    "lead_name_placeholder",
    "missing_lead_company",
    "lead_company_placeholder",
]
_FILE = ["name", "records", "id", "extras", "require_any", "description", "columns"]
_COLUMN = [
    "name",
    "from",
    "value",
    "type",
    "required",
    "unique",
    "max_length",
    "min",
    "max",
    "digits",
    "decimals",
    "values",
    "map",
    "parent",
    "truncate",
    "fix",
    "description",
]
_DATE_DIRECTIVES = re.compile(r"%[^Ymd]")
_EXTERNAL_ID = "{external_id}"


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an import file."""

    name: str
    sources: tuple[str, ...] = ()  # record-set fields; the first non-empty one is used
    value: str | None = None  # a constant instead of sources
    type: ColumnType = "text"
    required: bool = False
    unique: bool = False
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    digits: int | None = None  # numbers: the most digits in all (Salesforce currency: 18) ...
    decimals: int = 0  # ... of them after the decimal point (2); more of either rejects
    values: tuple[str, ...] | None = None  # allowed values (picklist)
    map: str = ""  # translate through maps.<name>
    parent: str = ""  # the file whose id column this column links to
    truncate: bool = False  # cut over-long text (with a finding) instead of rejecting
    fix: str = ""  # what to tell the user when this column rejects a row


@dataclass(frozen=True)
class FileSpec:
    """One import file."""

    name: str
    records: RecordSet
    columns: tuple[ColumnSpec, ...]
    id: str = ""  # the column children link to
    extras: bool = False  # append the extra:* source columns
    require_any: tuple[tuple[str, ...], ...] = ()  # at least one of these columns is filled

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def source_column(self, field: str) -> str:
        """The first column filled from ``field`` (or the joined ``deal.<field>``); "" if none."""
        for c in self.columns:
            if field in c.sources or f"deal.{field}" in c.sources:
                return c.name
        return ""


@dataclass(frozen=True)
class OutputSpec:
    """How the files are written."""

    encoding: str = "utf-8"
    bom: str = "never"  # never | excel (only when written excel_friendly) | always
    line_ending: str = "lf"
    delimiter: str = ","
    date_format: str = "%Y-%m-%d"
    workbook: str = ""  # also write every file as a sheet of this .xlsx
    # ... only while the files hold at most this many records in all (the CSVs are the import
    # files; a workbook of a million rows is slow to write and to open), unless asked for
    workbook_max_records: int = 50_000
    currency: str = "JPY"  # the org's currency: a bare amount is read in it

    @property
    def newline(self) -> str:
        return LINE_ENDINGS[self.line_ending]


@dataclass(frozen=True)
class Policies:
    """What to do with records the target cannot take as they are."""

    missing_deal_name: str = "keep"  # generate | keep
    # a deal without a close date: reject it, fill it from another date (close_date_fill, the
    # first there is), or a placeholder: the end of the fiscal quarter of that date, or the
    # fixed date close_date_fixed (each with a warning finding per deal); keep leaves it empty
    missing_close_date: str = "keep"  # reject | fill | fiscal-quarter-end | fixed | keep
    close_date_fill: tuple[str, ...] = ("updated_at", "created_at", "today")
    close_date_fixed: str = ""  # YYYY-MM-DD, for missing_close_date: fixed
    # a deal without a stage the target knows: reject it, or the first open deal stage of
    # rules/stages.yaml as a placeholder (a warning finding per deal)
    missing_stage: str = "reject"  # reject | first-stage
    # a deal amount in another currency than output.currency: reject the deal, or keep it
    # (the file must then carry the currency in a column from `currency`)
    foreign_currency: str = "reject"  # reject | keep
    # won/lost deals: the stage's probability of rules/stages.yaml (100/0), or keep the source's
    closed_probability: str = "stage"  # stage | keep
    # a lead that names no person (a tracker line at a lead stage with its company and amount
    # but no contact): reject it (a lead needs a last name), or write lead_name_placeholder as
    # its last name (a warning finding per lead)
    missing_lead_name: str = "reject"  # reject | placeholder
    lead_name_placeholder: str = "[not provided]"
    # a lead that names no company (an event's visitor who left it blank, N/A): reject it when
    # the target requires one, or write lead_company_placeholder (a warning finding per lead)
    missing_lead_company: str = "reject"  # reject | placeholder
    lead_company_placeholder: str = "[not provided]"


@dataclass(frozen=True)
class TargetProfile:
    """A whole target profile."""

    name: str
    path: str
    files: tuple[FileSpec, ...]
    description: str = ""
    output: OutputSpec = OutputSpec()
    external_id: str = ""
    person_stages: str = "deals"  # leads | contacts | deals
    policies: Policies = Policies()
    maps: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))

    def file(self, name: str) -> FileSpec:
        for f in self.files:
            if f.name == name:
                return f
        raise KeyError(name)

    def sources(self) -> frozenset[str]:
        """Every record-set field a column of the files reads."""
        return frozenset(s for f in self.files for c in f.columns for s in c.sources)


def available_targets(override: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of the target profiles in the rules directory."""
    return sorted(p.stem for p in (rules_dir(override) / "targets").glob("*.yaml"))


def load_target(
    name_or_path: str, rules_dir: str | os.PathLike[str] | None = None
) -> TargetProfile:
    """Load and check a target profile by name (rules/targets/<name>.yaml) or by path."""
    from ..rules import rules_dir as active_dir

    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        path = candidate
    else:
        path = active_dir(rules_dir) / "targets" / f"{name_or_path}.yaml"
        if not path.is_file():
            names = ", ".join(available_targets(rules_dir)) or "(none)"
            raise UserError(
                f"unknown target '{name_or_path}'; available targets: {names}",
                hint=f"pass one of them to --target, or the path of a profile .yaml "
                f"(they live in {path.parent})",
            )
    columns_dir = active_dir(rules_dir)
    return _read(path, columns_dir)


def _fields_of(records: str, columns_dir: Path) -> set[str]:
    schema = load_schema(columns_dir)
    by_entity: dict[str, set[str]] = {e: set(DERIVED_FIELDS[e]) for e in DERIVED_FIELDS}
    for f in schema.fields:
        by_entity[f.entity].add(f.name)
    ids = {"company": "company_id", "contact": "contact_id", "deal": "deal_id"}
    own = {
        "companies": ("company",),
        "contacts": ("contact",),
        "deals": ("deal",),
        "leads": ("contact",),
        "deal_contacts": (),
    }[records]
    joined = {
        "companies": (),
        "contacts": ("company",),
        "deals": ("company", "contact"),
        "leads": ("company", "deal"),
        "deal_contacts": ("deal", "contact"),
    }[records]
    out = {"company_id", "contact_id", "deal_id"} if records != "companies" else {"company_id"}
    for e in own:
        out |= by_entity[e]
    for e in joined:
        out |= {f"{e}.{f}" for f in by_entity[e]} | {f"{e}.{ids[e]}"}
    if records in ("companies", "contacts", "leads"):
        out |= set(COMPUTED_FIELDS)
    if records in ("contacts", "leads"):
        out.add("email_opted_out")  # export/records.py opted_out: "true" or ""
    if records == "leads":
        out.add("lead_id")
    if records == "deal_contacts":
        out.add("is_primary")  # the one primary contact of its deal (export/records.py)
    return out


def _read(path: Path, columns_dir: Path) -> TargetProfile:
    doc, p = load_rule_file(path, "target")
    p.keys(doc, "", _TOP, ["files"])
    external_id = doc.get("external_id", "")
    if not isinstance(external_id, str):
        p.add("external_id", f"{external_id!r:.60} is not a field name")
        external_id = ""
    name = doc.get("name", path.stem)
    p.type(name, "name", str, "a name")
    output = _output(doc.get("output") or {}, p)
    policies = _policies(doc.get("policies") or {}, p)
    person = doc.get("person_stages", "deals")
    p.choice(person, "person_stages", PERSON_STAGES)
    maps = _maps(doc.get("maps") or {}, p)
    files = _files(doc.get("files"), p, external_id, maps, columns_dir)
    lead_files = [i for i, f in enumerate(files) if f.records == "leads"]
    if person == "leads" and files and not lead_files:
        p.add("person_stages", "'leads' needs a file with records: leads")
    for i in lead_files if person in PERSON_STAGES and person != "leads" else ():
        p.add(f"files[{i}].records", f"'leads' needs person_stages: leads (it is '{person}')")
    if policies.foreign_currency == "keep":
        for f in files:
            if f.source_column("amount") and not f.source_column("currency"):
                p.add(
                    "policies.foreign_currency",
                    f"'keep' needs a currency column in {f.name} (from: currency), or a "
                    "foreign amount is read in the org currency; use 'reject' or add the column",
                )
    p.raise_if_any()
    return TargetProfile(
        name=str(name),
        path=str(path),
        files=files,
        description=str(doc.get("description", "")),
        output=output,
        external_id=external_id,
        person_stages=person,
        policies=policies,
        maps=MappingProxyType({k: MappingProxyType(v) for k, v in maps.items()}),
    )


def _output(raw: Any, p: Problems) -> OutputSpec:
    if not p.keys(raw, "output", _OUTPUT):
        return OutputSpec()
    out = OutputSpec(**{k: raw[k] for k in _OUTPUT if k in raw})
    p.choice(out.encoding, "output.encoding", ENCODINGS)
    p.choice(out.bom, "output.bom", BOMS)
    p.choice(out.line_ending, "output.line_ending", list(LINE_ENDINGS))
    if not isinstance(out.delimiter, str) or len(out.delimiter) != 1 or out.delimiter in '"\r\n':
        p.add(
            "output.delimiter",
            f"{out.delimiter!r:.20} is not allowed; use one character such as ',' ';' '\\t' '|'",
        )
    if (
        not isinstance(out.date_format, str)
        or _DATE_DIRECTIVES.search(out.date_format)
        or not all(d in out.date_format for d in ("%Y", "%m", "%d"))
    ):
        p.add(
            "output.date_format",
            f"{out.date_format!r:.30} is not allowed; use %Y, %m and %d "
            "with separators, e.g. '%Y-%m-%d'",
        )
    if out.encoding == "cp932" and out.bom != "never":
        p.add("output.bom", f"'{out.bom}' is not allowed with encoding cp932; allowed: never")
    if out.workbook and (not isinstance(out.workbook, str) or not out.workbook.endswith(".xlsx")):
        p.add("output.workbook", f"{out.workbook!r:.60} is not an .xlsx file name")
    limit = out.workbook_max_records
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        p.add(
            "output.workbook_max_records",
            f"{limit!r:.20} is not allowed; use a whole number of records (0 or more)",
        )
    if not isinstance(out.currency, str) or not _CURRENCY_CODE.match(out.currency):
        p.add("output.currency", f"{out.currency!r:.20} is not an ISO currency code such as 'JPY'")
    return out


def _policies(raw: Any, p: Problems) -> Policies:
    if not p.keys(raw, "policies", _POLICIES):
        return Policies()
    out = Policies(
        missing_deal_name=raw.get("missing_deal_name", "keep"),
        missing_close_date=raw.get("missing_close_date", "keep"),
        close_date_fill=tuple(
            p.string_list(
                raw.get("close_date_fill", list(Policies().close_date_fill)),
                "policies.close_date_fill",
            )
        ),
        close_date_fixed=str(raw.get("close_date_fixed", "") or ""),
        missing_stage=raw.get("missing_stage", Policies.missing_stage),
        foreign_currency=raw.get("foreign_currency", Policies.foreign_currency),
        closed_probability=raw.get("closed_probability", Policies.closed_probability),
        missing_lead_name=raw.get("missing_lead_name", Policies.missing_lead_name),
        lead_name_placeholder=raw.get("lead_name_placeholder", Policies.lead_name_placeholder),
        missing_lead_company=raw.get("missing_lead_company", Policies.missing_lead_company),
        lead_company_placeholder=raw.get(
            "lead_company_placeholder", Policies.lead_company_placeholder
        ),
    )
    p.choice(out.missing_lead_name, "policies.missing_lead_name", LEAD_NAME_POLICIES)
    p.choice(out.missing_lead_company, "policies.missing_lead_company", LEAD_NAME_POLICIES)
    if not isinstance(out.lead_name_placeholder, str) or not out.lead_name_placeholder.strip():
        p.add("policies.lead_name_placeholder", "give the text a lead without a person is named")
    if (
        not isinstance(out.lead_company_placeholder, str)
        or not out.lead_company_placeholder.strip()
    ):
        p.add(
            "policies.lead_company_placeholder",
            "give the text a lead without a company is given",
        )
    p.choice(out.missing_deal_name, "policies.missing_deal_name", DEAL_NAME_POLICIES)
    p.choice(out.missing_close_date, "policies.missing_close_date", CLOSE_DATE_POLICIES)
    p.choice(out.missing_stage, "policies.missing_stage", STAGE_POLICIES)
    if out.close_date_fixed and not _ISO_DATE.match(out.close_date_fixed):
        p.add(
            "policies.close_date_fixed",
            f"{out.close_date_fixed!r:.30} is not a date; write it as YYYY-MM-DD",
        )
    if out.missing_close_date == "fixed" and not out.close_date_fixed:
        p.add("policies.missing_close_date", "'fixed' needs policies.close_date_fixed: YYYY-MM-DD")
    p.choice(out.foreign_currency, "policies.foreign_currency", FOREIGN_CURRENCY_POLICIES)
    p.choice(out.closed_probability, "policies.closed_probability", CLOSED_PROBABILITY_POLICIES)
    for i, f in enumerate(out.close_date_fill):
        p.choice(f, f"policies.close_date_fill[{i}]", CLOSE_DATE_FILL)
    return out


def _maps(raw: Any, p: Problems) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        p.add("maps", f"expected a mapping of maps, got {type(raw).__name__}")
        return {}
    out = {}
    for name, table in raw.items():
        if not isinstance(table, dict):
            p.add(f"maps.{name}", f"expected a mapping 'from: to', got {type(table).__name__}")
            continue
        clean = {}
        for k, v in table.items():
            if v is None or isinstance(v, (dict, list)):
                p.add(f"maps.{name}.{k}", f"{v!r:.60} is not a value")
                continue
            clean[str(k)] = str(v).lower() if isinstance(v, bool) else str(v)
        out[str(name)] = clean
    return out


def _files(
    raw: Any, p: Problems, external_id: str, maps: dict[str, dict[str, str]], columns_dir: Path
) -> tuple[FileSpec, ...]:
    if not isinstance(raw, list) or not raw:
        p.add("files", f"expected a non-empty list of files, got {raw!r:.60}")
        return ()

    def expand(s: Any) -> str:
        return str(s).replace(_EXTERNAL_ID, external_id)

    if not external_id and _EXTERNAL_ID in str(raw):
        p.add("external_id", f"missing; the columns use {_EXTERNAL_ID}")
    names = [expand(f.get("name", "")) for f in raw if isinstance(f, dict)]
    ids = {expand(f.get("name", "")): expand(f.get("id", "")) for f in raw if isinstance(f, dict)}
    files = []
    for i, spec in enumerate(raw):
        at = f"files[{i}]"
        if not p.keys(spec, at, _FILE, ["name", "records", "columns"]):
            continue
        fname = expand(spec["name"])
        if not re.match(r"^[^/\\]+\.csv$", fname):
            p.add(f"{at}.name", f"{fname!r} is not a CSV file name (e.g. 'Account.csv')")
        if names.count(fname) > 1:
            p.add(f"{at}.name", f"'{fname}' is listed twice")
        if not p.choice(spec["records"], f"{at}.records", RECORD_SETS):
            continue
        fields = _fields_of(spec["records"], columns_dir)
        columns = []
        seen: set[str] = set()
        raw_cols = spec["columns"]
        if not isinstance(raw_cols, list) or not raw_cols:
            p.add(f"{at}.columns", "expected a non-empty list of columns")
            raw_cols = []
        for j, col in enumerate(raw_cols):
            c = _column(col, f"{at}.columns[{j}]", p, expand, fields, maps, names, ids)
            if c is None:
                continue
            if c.name in seen:
                p.add(f"{at}.columns[{j}].name", f"'{c.name}' is listed twice")
            seen.add(c.name)
            columns.append(c)
        fid = expand(spec.get("id", ""))
        if fid and fid not in seen:
            p.add(f"{at}.id", f"'{fid}' is not a column of this file; allowed: {', '.join(seen)}")
        groups = []
        for k, group in enumerate(spec.get("require_any") or []):
            cols = tuple(expand(g) for g in p.string_list(group, f"{at}.require_any[{k}]"))
            for c_name in cols:
                if c_name not in seen:
                    p.add(f"{at}.require_any[{k}]", f"'{c_name}' is not a column of this file")
            groups.append(cols)
        extras = spec.get("extras", False)
        p.type(extras, f"{at}.extras", bool, "true or false")
        files.append(
            FileSpec(
                name=fname,
                records=spec["records"],
                columns=tuple(columns),
                id=fid,
                extras=bool(extras),
                require_any=tuple(groups),
            )
        )
    return tuple(files)


def _precision(raw: Any, at: str, p: Problems, ctype: str) -> tuple[int | None, int]:
    """``digits`` and ``decimals`` of a number column (number(18,2): 18 and 2)."""
    if "digits" not in raw and "decimals" not in raw:
        return None, 0
    if ctype != "number":
        if ctype in COLUMN_TYPES:  # an unknown type is reported on its own
            p.add(f"{at}.digits", f"only allowed with type: number (type is '{ctype}')")
        return None, 0
    digits, decimals = raw.get("digits"), raw.get("decimals", 0)
    ok = True
    if not isinstance(digits, int) or isinstance(digits, bool) or digits < 1:
        p.add(f"{at}.digits", f"{digits!r} is not a positive whole number (decimals needs digits)")
        ok = False
    if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
        p.add(f"{at}.decimals", f"{decimals!r} is not a whole number of 0 or more")
        ok = False
    elif ok and decimals >= digits:
        p.add(f"{at}.decimals", f"{decimals} is not less than digits ({digits})")
        ok = False
    return (digits, decimals) if ok else (None, 0)


def _column(
    raw: Any,
    at: str,
    p: Problems,
    expand: Any,
    fields: set[str],
    maps: dict[str, dict[str, str]],
    files: list[str],
    ids: dict[str, str],
) -> ColumnSpec | None:
    if not p.keys(raw, at, _COLUMN, ["name"]):
        return None
    name = expand(raw["name"])
    if ("from" in raw) == ("value" in raw):
        p.add(at, "give exactly one of 'from' (source fields) or 'value' (a constant)")
    sources = tuple(
        p.string_list(
            raw.get("from")
            if isinstance(raw.get("from"), list)
            else [raw["from"]]
            if "from" in raw
            else [],
            f"{at}.from",
        )
    )
    for s in sources:
        if s not in fields and not s.startswith(EXTRA_PREFIX):
            p.add(
                f"{at}.from",
                f"'{s}' is not a field of these records; allowed: {', '.join(sorted(fields))}",
            )
    ctype = raw.get("type", "text")
    p.choice(ctype, f"{at}.type", COLUMN_TYPES)
    for flag in ("required", "unique", "truncate"):
        if flag in raw:
            p.type(raw[flag], f"{at}.{flag}", bool, "true or false")
    max_length = raw.get("max_length")
    if max_length is not None and (
        not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1
    ):
        p.add(f"{at}.max_length", f"{max_length!r} is not a positive whole number")
        max_length = None
    if raw.get("truncate") and max_length is None:
        p.add(f"{at}.truncate", "needs max_length")
    bounds = {}
    for b in ("min", "max"):
        if b in raw:
            if ctype != "number":
                p.add(f"{at}.{b}", f"only allowed with type: number (type is '{ctype}')")
            elif p.type(raw[b], f"{at}.{b}", (int, float), "a number"):
                bounds[b] = float(raw[b])
    digits, decimals = _precision(raw, at, p, ctype)
    map_name = raw.get("map", "")
    if map_name and map_name not in maps:
        p.add(
            f"{at}.map",
            f"'{map_name}' is not allowed; allowed values: {', '.join(maps) or '(no maps)'}",
        )
    values = None
    if "values" in raw:
        values = tuple(p.string_list(raw["values"], f"{at}.values"))
    elif map_name in maps:
        values = tuple(dict.fromkeys(maps[map_name].values()))
    elif ctype == "bool":
        values = ("true", "false")
    if values is not None and ctype not in ("picklist", "bool"):
        p.add(f"{at}.type", f"'{ctype}' with allowed values; use type: picklist")
    if ctype == "picklist" and values is None and not any(s.endswith("stage") for s in sources):
        p.add(f"{at}.values", "a picklist needs 'values' or 'map' (or a stage field in 'from')")
    parent = expand(raw.get("parent", ""))
    if parent:
        if parent not in files:
            p.add(f"{at}.parent", f"'{parent}' is not allowed; allowed values: {', '.join(files)}")
        elif not ids.get(parent):
            p.add(f"{at}.parent", f"'{parent}' has no 'id' column to link to")
    return ColumnSpec(
        name=name,
        sources=sources,
        value=None
        if raw.get("value") is None
        else str(raw["value"]).lower()
        if isinstance(raw.get("value"), bool)
        else str(raw["value"]),
        type=ctype,
        required=bool(raw.get("required", False)),
        unique=bool(raw.get("unique", False)),
        max_length=max_length,
        min=bounds.get("min"),
        max=bounds.get("max"),
        digits=digits,
        decimals=decimals,
        values=values,
        map=map_name,
        parent=parent,
        truncate=bool(raw.get("truncate", False)),
        fix=str(raw.get("fix", "")),
    )
