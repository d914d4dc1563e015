"""Ingest: files in, tables of source rows out, every row accounted for.

``read_sources(paths)`` expands directories, decides each file's format from its bytes, reads
every sheet (calamine for the cells), finds each sheet's table and classifies every row.
Files that cannot be read become :class:`InputFileError` entries (one clear line each), and
the other files are still read. ``to_records`` turns the tables into the records frame of
docs/architecture.md (bookkeeping columns, canonical fields, ``extra:<header>`` columns);
``column_units`` gives what the headers say of whole columns (金額（万円）, Amount (USD)), the
column metadata that travels beside the records.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from pathlib import Path

import numpy as np
import pandas as pd

from ..amounts import ColumnUnit, ColumnUnits
from ..clock import step
from ..columns import company_keys, header_key, looks_like_person
from ..columns.assign import is_rank_beside_percent, resolve_by_values
from ..errors import InputFileError
from ..findings import Finding, Severity, listed
from ..rules import load_rule_file
from ..schema import (
    BOOKKEEPING,
    EXTRA_PREFIX,
    PROBABILITY_RANK,
    ROW_KEY,
    ROW_MARKS,
    SHEET_HEADERS,
    SOURCE_FILE,
    SOURCE_ORDER,
    SOURCE_ROW,
    SOURCE_SHEET,
    STAGE_COMMENT,
    Schema,
    load_schema,
)
from .files import (
    Limits,
    SourceFile,
    detect_format,
    display_names,
    expand_paths,
    extension_mismatch,
)
from .layout import IngestRules, SheetOverride, SheetTable, find_table
from .layout.blocks import side_by_side
from .readers import Grid, NumberSplit, column_letter, read_grids

__all__ = [
    "CSV_EXTRA_FIELDS",
    "IngestResult",
    "SheetOverride",
    "SheetTable",
    "column_units",
    "load_ingest_rules",
    "read_sources",
    "to_records",
]


@dataclass
class IngestResult:
    """Everything read: the sheet tables, the files that failed, and file-level findings."""

    files: list[SourceFile] = field(default_factory=list)
    tables: list[SheetTable] = field(default_factory=list)
    problems: list[InputFileError] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def parse_ingest_rules(path: str) -> tuple[IngestRules, Limits]:
    """Read and check one ingest.yaml (the rules bundle calls this once per file)."""
    doc, problems = load_rule_file(path, "ingest")
    allowed = [
        "kind",
        "version",
        "header_search_rows",
        "subtotal_words",
        "note_prefixes",
        "counter_headers",
        "note_min_length",
        "skip_sheet_names",
        "pivot_markers",
        "record_fields",
        "min_record_fields",
        "skipped_sheet_notice_rows",
        "owner_sheet_words",
        "owner_left_words",
        "example_marks",
        "example_weak_marks",
        "placeholder_names",
        "template_max_rows",
        "activity_log",
        "row_pairs",
        "column_fallbacks",
        "third_party_words",
        "end_customer_words",
        "csv_extra_fields",
        "stated_dates",
        "limits",
    ]
    problems.keys(doc, "", allowed)
    skip = doc.get("skip_sheet_names") or {}
    cats = ["rep_master", "settings", "pivot", "readme", "template"]
    problems.keys(skip, "skip_sheet_names", cats)
    activity = doc.get("activity_log") or {}
    problems.keys(activity, "activity_log", ["type_words", "type_share", "min_rows"])
    if "min_rows" in activity:
        problems.type(activity["min_rows"], "activity_log.min_rows", int, "a whole number")
    if "type_share" in activity:
        problems.type(
            activity["type_share"], "activity_log.type_share", (int, float), "a share 0..1"
        )
    row_pairs = []
    for n, pair in enumerate(doc.get("row_pairs") or []):
        if not isinstance(pair, dict):
            problems.add(f"row_pairs[{n}]", "is not a mapping with `deal` and `other` word lists")
            continue
        problems.keys(pair, f"row_pairs[{n}]", ["deal", "other"])
        row_pairs.append(
            (
                tuple(problems.string_list(pair.get("deal"), f"row_pairs[{n}].deal")),
                tuple(problems.string_list(pair.get("other"), f"row_pairs[{n}].other")),
            )
        )
    fallbacks = []
    for n, pair in enumerate(doc.get("column_fallbacks") or []):
        where = f"column_fallbacks[{n}]"
        if not isinstance(pair, dict):
            problems.add(where, "is not a mapping with `first` and `fallback` word lists")
            continue
        problems.keys(pair, where, ["first", "fallback"])
        fallbacks.append(
            (
                tuple(problems.string_list(pair.get("first"), f"{where}.first")),
                tuple(problems.string_list(pair.get("fallback"), f"{where}.fallback")),
            )
        )
    stated = doc.get("stated_dates") or {}
    problems.keys(stated, "stated_dates", ["before", "after"])
    extra = doc.get("csv_extra_fields") or {}
    problems.keys(
        extra,
        "csv_extra_fields",
        ["group_digits", "number_prefixes", "number_suffixes", "reject_share"],
    )
    if "group_digits" in extra:
        problems.type(extra["group_digits"], "csv_extra_fields.group_digits", int, "a whole number")
    if "reject_share" in extra:
        problems.type(
            extra["reject_share"], "csv_extra_fields.reject_share", (int, float), "a number"
        )
    numbers = NumberSplit(
        group_digits=int(extra.get("group_digits", 3)),
        prefixes=tuple(
            problems.string_list(extra.get("number_prefixes"), "csv_extra_fields.number_prefixes")
        ),
        suffixes=tuple(
            problems.string_list(extra.get("number_suffixes"), "csv_extra_fields.number_suffixes")
        ),
    )
    limits = doc.get("limits") or {}
    limit_keys = [f.name for f in dataclass_fields(Limits)]
    problems.keys(limits, "limits", limit_keys)
    for k in limit_keys:
        if k in limits:
            problems.type(limits[k], f"limits.{k}", (int, float), "a number")
    for k in (
        "header_search_rows",
        "note_min_length",
        "min_record_fields",
        "skipped_sheet_notice_rows",
        "template_max_rows",
    ):
        if k in doc:
            problems.type(doc[k], k, int, "a whole number")
    rules = IngestRules(
        header_search_rows=int(doc.get("header_search_rows", 30)),
        subtotal_words=tuple(problems.string_list(doc.get("subtotal_words"), "subtotal_words")),
        note_prefixes=tuple(problems.string_list(doc.get("note_prefixes"), "note_prefixes")),
        note_min_length=int(doc.get("note_min_length", 16)),
        counter_headers=tuple(problems.string_list(doc.get("counter_headers"), "counter_headers")),
        skip_sheet_names={
            k: tuple(problems.string_list(v, f"skip_sheet_names.{k}")) for k, v in skip.items()
        },
        pivot_markers=tuple(problems.string_list(doc.get("pivot_markers"), "pivot_markers")),
        record_fields=tuple(problems.string_list(doc.get("record_fields"), "record_fields")),
        min_record_fields=int(doc.get("min_record_fields", 2)),
        skipped_sheet_notice_rows=int(doc.get("skipped_sheet_notice_rows", 5)),
        template_max_rows=int(doc.get("template_max_rows", 3)),
        owner_sheet_words=tuple(
            problems.string_list(doc.get("owner_sheet_words"), "owner_sheet_words")
        ),
        owner_left_words=tuple(
            problems.string_list(doc.get("owner_left_words"), "owner_left_words")
        ),
        example_marks=tuple(problems.string_list(doc.get("example_marks"), "example_marks")),
        example_weak_marks=tuple(
            problems.string_list(doc.get("example_weak_marks"), "example_weak_marks")
        ),
        placeholder_names=tuple(
            problems.string_list(doc.get("placeholder_names"), "placeholder_names")
        ),
        activity_type_words=tuple(
            problems.string_list(activity.get("type_words"), "activity_log.type_words")
        ),
        activity_type_share=float(activity.get("type_share", 0.8)),
        activity_min_rows=int(activity.get("min_rows", 3)),
        row_pairs=tuple(row_pairs),
        column_fallbacks=tuple(fallbacks),
        third_party_words=tuple(
            problems.string_list(doc.get("third_party_words"), "third_party_words")
        ),
        end_customer_words=tuple(
            problems.string_list(doc.get("end_customer_words"), "end_customer_words")
        ),
        csv_numbers=numbers,
        csv_reject_share=float(extra.get("reject_share", 0.5)),
        stated_date_before=tuple(problems.string_list(stated.get("before"), "stated_dates.before")),
        stated_date_after=tuple(problems.string_list(stated.get("after"), "stated_dates.after")),
    )
    problems.raise_if_any()
    lim = Limits(**{k: type(getattr(Limits, k))(v) for k, v in limits.items() if k in limit_keys})
    return rules, lim


def load_ingest_rules(
    rules_dir: str | os.PathLike[str] | None = None,
) -> tuple[IngestRules, Limits]:
    """The ingest rules and limits of rules/ingest.yaml (a view on the rules bundle)."""
    from ..bundle import load_rules_bundle

    return load_rules_bundle(rules_dir).ingest


def read_sources(
    paths: list[str],
    *,
    rules_dir: str | os.PathLike[str] | None = None,
    overrides: dict[tuple[str, str], SheetOverride] | None = None,
    limits: Limits | None = None,
) -> IngestResult:
    """Read every file and sheet; a file that fails is reported and the others go on."""
    schema = load_schema(rules_dir)
    rules, default_limits = load_ingest_rules(rules_dir)
    limits = limits or default_limits
    # the table finder takes the rules directory as text (its loaders find the same bundle)
    layout_dir = os.fspath(rules_dir) if rules_dir is not None else None
    same: list[tuple[Path, Path]] = []
    files, problems = expand_paths(paths, same)
    result = IngestResult(problems=list(problems))
    names = display_names(files)
    name_of = dict(zip(files, names))
    for left_out, kept in same:  # a link to a file already named: read once, and said so
        shown = name_of.get(kept, kept.name)
        other = left_out.name if left_out.name != shown else str(left_out)
        result.findings.append(
            Finding(
                "ingest.same-file",
                "info",
                f"{other} is the same file as {shown} (a link, or the file named twice); "
                "it was read once",
                shown,
            )
        )
    read: list[tuple[Grid, SheetOverride | None]] = []  # every grid, in the order of its table
    split: dict[tuple[str, str], Finding] = {}  # (file, sheet) of a side-by-side table: its finding
    for order, (path, name) in enumerate(zip(files, names)):
        step(f"{name} ({order + 1} of {len(files)})" if len(files) > 1 else name)
        try:
            fmt = detect_format(path, limits)
            src = SourceFile(path, name, fmt, order)
            # layout reads the trimmed cells only
            grids = read_grids(src, limits, raw=False, numbers=rules.csv_numbers)
        except InputFileError as exc:
            result.problems.append(exc)
            continue
        except MemoryError:
            result.problems.append(
                InputFileError(
                    str(path),
                    "is too large to read into memory",
                    hint="split it into smaller files",
                    code="ingest.too-large",
                )
            )
            continue
        result.files.append(src)
        mismatch = extension_mismatch(path, fmt, _text_detail(grids) if fmt == "csv" else "")
        if mismatch:
            result.findings.append(Finding("ingest.extension-mismatch", "info", mismatch, name))
        for g in grids:
            result.findings.extend(_extra_fields_findings(g, name, rules))
            for r, c, text in g.far_cells:
                result.findings.append(
                    Finding(
                        "ingest.far-cell-left-out",
                        "warning",
                        f"cell {column_letter(c)}{r} lies far beyond the table (a used range "
                        "blown out to the sheet's end) and was left out; move its value into "
                        "the table if it belongs to a record, else clear the cell",
                        name,
                        g.sheet,
                        r,
                        column_letter(c),
                        original=text,
                        action="skipped",
                    )
                )
        tables = []
        parts = _side_by_side(grids, overrides or {}, name, schema, rules, layout_dir, split)
        for g, ov in parts:
            tables.append(find_table(g, schema, rules, layout_dir, ov))
            read.append((g, ov))
        if not any(t.kind == "table" for t in tables) and all(
            t.reason == "sheet.empty" for t in tables
        ):
            result.problems.append(
                InputFileError(
                    str(path),
                    "the workbook is empty (no cells in any sheet)",
                    hint="check that this is the file you meant",
                    code="ingest.empty-file",
                )
            )
        result.tables.extend(tables)
    result.tables = _with_known_companies(result.tables, read, schema, rules, layout_dir)
    _pool_ambiguous_people(result.tables, [ov for _, ov in read], schema.customer_honorifics)
    for t in result.tables:
        if (t.file, t.sheet) in split:
            t.findings.insert(0, split[(t.file, t.sheet)])
    for t in result.tables:
        _owner_from_sheet_name(t, rules, layout_dir)
    return result


#: a CSV row whose extra fields nothing explains, rejected (the pipeline rejects the rows
#: these findings name with action "rejected")
CSV_EXTRA_FIELDS = "ingest.csv-extra-fields"


def _extra_fields_findings(grid: Grid, name: str, rules: IngestRules) -> list[Finding]:
    """Findings of a CSV's rows with more fields than the header: one for the numbers split at
    their unquoted thousands commas and rejoined, one per row nothing explains (rejected while
    such rows are a few, see ``csv_extra_fields.reject_share``; else one warning: the header
    is short of the table's columns)."""
    out: list[Finding] = []
    width = grid.header_fields
    if grid.rejoined:
        line, split, joined = grid.rejoined[0]
        rows = [r for r, _, _ in grid.rejoined]
        out.append(
            Finding(
                "ingest.csv-number-rejoined",
                "warning",
                f"{len(rows)} rows had more fields than the header's {width} because a number "
                f"was written with thousands commas and no quotes (line {line}: {split}); "
                f"rejoined ({joined}) (lines {listed(rows)}). Quote such numbers, or save the "
                "file from Excel",
                name,
                "",
                line,
                original=split,
                value=joined,
                action="changed",
            )
        )
    if not grid.extra_fields:
        return out
    below = max(len(grid.cells) - 1, 1)  # the rows below the header, about
    if len(grid.extra_fields) <= rules.csv_reject_share * below:
        for line, fields in grid.extra_fields:
            out.append(
                Finding(
                    CSV_EXTRA_FIELDS,
                    "error",
                    f"line {line} has {fields} fields, {fields - width} more than the header's "
                    f"{width}, and no number split at its thousands commas explains them (an "
                    "unquoted comma in a text?): its values would land in the wrong columns, so "
                    "the row was rejected. Quote the field holding the comma and run again",
                    name,
                    "",
                    line,
                    action="rejected",
                )
            )
        return out
    lines = [line for line, _ in grid.extra_fields]
    out.append(
        Finding(
            CSV_EXTRA_FIELDS,
            "warning",
            f"{len(lines)} rows have more fields than the header's {width} (lines "
            f"{listed(lines)}): the fields past the header were read as columns without a name. "
            "Check that the header names every column",
            name,
            "",
            lines[0],
            action="kept",
        )
    )
    return out


_PEOPLE = ("owner", "contact_name")


def _pool_ambiguous_people(
    tables: list[SheetTable],
    overrides: list[SheetOverride | None],
    customer_honorifics: tuple[str, ...] = (),
) -> None:
    """One reading of an ambiguous person header (担当者: our rep or the customer's contact)
    per workbook: a small sheet has too few names to tell (its default is the contact), a
    big one shows the reps repeating. The values of every sheet of the file under the same
    header are pooled and read once (reps repeat, a customer's people mostly do not), and
    each sheet whose column reads otherwise follows, unless that field is another column's."""
    groups: dict[tuple[str, str], list[tuple[SheetTable, int]]] = {}
    for t, ov in zip(tables, overrides):
        if t.kind != "table" or t.activity_log or (ov is not None and ov.columns):
            continue
        for k, m in enumerate(t.columns):
            if m.method == "ambiguous" and m.field in _PEOPLE and m.index in t.data.columns:
                groups.setdefault((t.file, header_key(m.header)), []).append((t, k))
    for cols in groups.values():
        if len(cols) < 2 or len({t.columns[k].field for t, k in cols}) < 2:
            continue
        values = [v for t, k in cols for v in t.data[t.columns[k].index].tolist()]
        rows: dict[str, int] = {}
        for t, k in cols:
            rows[t.columns[k].field or ""] = rows.get(t.columns[k].field or "", 0) + len(t.data)
        most = max(_PEOPLE, key=lambda f: (rows.get(f, 0), f == "owner"))
        choice = resolve_by_values(
            list(_PEOPLE), values, default=most, customer_honorifics=customer_honorifics
        )
        for t, k in cols:
            m = t.columns[k]
            if m.field == choice or any(o.field == choice for o in t.columns):
                continue
            t.columns[k] = replace(
                m,
                field=choice,
                note=f"{m.note}; read as {choice} like the other sheets of the workbook "
                f"under '{m.header}' ({len(cols)} sheets, {len(values)} rows pooled)",
            )


def _side_by_side(
    grids: list[Grid],
    overrides: dict[tuple[str, str], SheetOverride],
    name: str,
    schema: Schema,
    rules: IngestRules,
    rules_dir: str | None,
    split: dict[tuple[str, str], Finding],
) -> list[tuple[Grid, SheetOverride | None]]:
    """Each grid with its mapping-file override, a sheet of tables side by side cut into one
    grid per table (:func:`.layout.blocks.side_by_side`; ``split`` gets the finding of each
    part by its file and sheet name). A sheet the mapping file speaks of is read as it says,
    whole."""
    out: list[tuple[Grid, SheetOverride | None]] = []
    for g in grids:
        ov = overrides.get((name, g.sheet))
        if ov is not None:
            out.append((g, ov))
            continue
        for part, finding in side_by_side(g, schema, rules.header_search_rows, rules_dir):
            if finding is not None:
                split[(name, part.sheet)] = finding
            out.append((part, None))
    return out


def _owner_from_sheet_name(table: SheetTable, rules: IngestRules, rules_dir: str | None) -> None:
    """A sheet of one rep's deals (a sheet per rep, named 田中 or 佐藤 花子 or 田中分) and no owner
    column: the rep is every row's owner, with an info finding. The name must read as a
    person's name (a listed surname, a full name) once the words of ``owner_sheet_words`` are
    taken off."""
    if table.kind != "table" or table.data.empty:
        return
    if any(m.field == "owner" for m in table.columns):
        return
    # 鈴木(退職): the rep who left, when what is left of the name is a person's (元木 is a name)
    rest, left = _rep_who_left(table.sheet, rules.owner_left_words)
    name = rep_in_sheet_name(rest, rules.owner_sheet_words) if left else ""
    if not name or not looks_like_person(name, rules_dir, alone=True):
        name, left = rep_in_sheet_name(table.sheet, rules.owner_sheet_words), ""
    if not name or not looks_like_person(name, rules_dir, alone=True):
        return
    table.owner_from_sheet = name

    def say(rule: str, severity: Severity, message: str, action: str) -> None:
        table.findings.append(
            Finding(rule, severity, message, table.file, table.sheet, field="owner",
                    original=table.sheet, value=name, action=action)
        )  # fmt: skip

    rows = len(table.data)
    say(
        "ingest.owner-from-sheet-name",
        "info",
        f"no column names the owner; the sheet is named after a person, so its {rows} row(s) "
        f"are {name}'s",
        "changed",
    )
    if left:
        say(
            "ingest.owner-left",
            "warning",
            f"the sheet's name says its rep {name} has left ({left}): its {rows} deal(s) are "
            f"{name}'s in the source and need a new owner",
            "none",
        )


_QUALIFIER_RE = re.compile(r"[(（\[［【<＜〈]\s*([^)）\]］】>＞〉]*?)\s*[)）\]］】>＞〉]")


def _rep_who_left(sheet: str, words: tuple[str, ...]) -> tuple[str, str]:
    """A sheet name without the word that says its rep has left (鈴木(退職), 【退職】鈴木,
    元 鈴木, ex-Tanaka, Tanaka (left)), and that word ("" when none)."""
    name = unicodedata.normalize("NFKC", sheet).strip()
    keys = {unicodedata.normalize("NFKC", w).casefold(): w for w in words}
    for hit in _QUALIFIER_RE.finditer(name):
        said = hit.group(1).strip()
        if said.casefold() in keys:
            return (name[: hit.start()] + " " + name[hit.end() :]).strip(), said
    for key in sorted(keys, key=len, reverse=True):
        # a Latin or one-character word stands apart (Exley is no ex-, 元木 no 元 木)
        apart = key.isascii() or len(key) < 2
        sep = r"[\s_\-:：・/]+" if apart else r"[\s_\-:：・/]*"
        w = re.escape(key)
        m = re.fullmatch(rf"{w}{sep}(.+)|(.+?){sep}{w}", name, re.I)
        if m:
            return (m.group(1) or m.group(2)).strip(), keys[key]
    return name, ""


def rep_in_sheet_name(sheet: str, words: tuple[str, ...]) -> str:
    """The name in a sheet name without the words around it (田中分 -> 田中, 担当：佐藤 -> 佐藤)."""
    name = unicodedata.normalize("NFKC", sheet).strip()
    for w in sorted(words, key=len, reverse=True):
        w = unicodedata.normalize("NFKC", w)
        if name.startswith(w):
            name = name[len(w) :].lstrip(" :：_-")
        if name.endswith(w):
            name = name[: -len(w)].rstrip(" :：_-")
    return name.strip()


def _with_known_companies(
    tables: list[SheetTable],
    read: list[tuple[Grid, SheetOverride | None]],
    schema: Schema,
    rules: IngestRules,
    rules_dir: str | None,
) -> list[SheetTable]:
    """Sheets without a company column read again, knowing the companies of the others.

    A company list headed with a word no rule knows (an exchange's listing, a partner's
    export) holds names that recur in the trackers: a column of them is the company column,
    and the sheet is read instead of skipped."""

    def again(t: SheetTable, ov: SheetOverride | None) -> bool:
        retry = t.reason in ("sheet.not-records", "sheet.settings") or (
            t.kind == "table" and not any(m.field == "company_name" for m in t.columns)
        )
        return retry and (ov is None or not ov.columns)

    if not any(again(t, ov) for t, (_, ov) in zip(tables, read)):
        return tables  # every sheet has its company column or is not to be read again
    known: set[str] = set()
    for t in tables:
        for m in t.columns if t.kind == "table" else []:
            if m.field == "company_name" and m.index in t.data.columns:
                known |= company_keys(t.data[m.index].unique().tolist(), rules_dir)
    if not known:
        return tables
    frozen = frozenset(known)
    out = []
    for t, (grid, ov) in zip(tables, read):
        if again(t, ov):
            retry = find_table(grid, schema, rules, rules_dir, ov, frozen)
            if any(m.field == "company_name" for m in retry.columns) and (
                retry.kind == "table" or t.kind != "table"
            ):
                t = retry
        out.append(t)
    return out


_ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "cp932": "Shift_JIS/cp932",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
}
_DELIMITERS = {",": "comma-separated", "\t": "tab-separated", ";": "semicolon-separated"}


def _text_detail(grids: list) -> str:
    """'cp932, tab-separated' for a text file: what the mismatch finding says it found."""
    if len(grids) != 1 or not getattr(grids[0], "encoding", ""):
        return ""
    encoding = grids[0].encoding
    parts = [_ENCODINGS.get(encoding, encoding.replace("_", "-").upper())]
    delimiter = getattr(grids[0], "delimiter", None)
    if delimiter:
        parts.append(_DELIMITERS.get(delimiter, f"'{delimiter}'-separated"))
    return ", ".join(parts)


def to_records(
    tables: list[SheetTable], schema: Schema | None = None, files: list[SourceFile] | None = None
) -> pd.DataFrame:
    """The records frame: one row per data row of every table, canonical columns plus extras.

    Built in one object block, filled table by table and column by column (the tables' cells are
    not copied into per-table frames, joined and copied again): a million rows' cells are held
    once more, not four or five times over while the frame is made."""
    schema = schema or load_schema()
    order = {f.name: f.order for f in files or []}
    parts: list[tuple[int, dict[str, object]]] = []  # (rows, column -> an array or one value)
    for t in tables:
        if t.kind != "table" or t.data.empty:
            continue
        n = len(t.data)
        rows = [int(r) for r in t.data.index]
        cols: dict[str, object] = {
            SOURCE_FILE: t.file,
            SOURCE_SHEET: t.sheet,
            SOURCE_ROW: np.asarray(rows, dtype=np.int64),
            ROW_KEY: [f"{t.file}|{t.sheet}|{r}" for r in rows],
            SOURCE_ORDER: order.get(t.file, 0) * 1000 + t.sheet_index,
        }
        for m in t.columns:
            values = t.data[m.index].to_numpy(dtype=object) if m.index in t.data.columns else None
            if m.field:
                cols[m.field] = values
            else:
                name = EXTRA_PREFIX + (m.header or m.column)
                while name in cols:
                    name += f" ({m.column})"
                cols[name] = values
                if is_rank_beside_percent(m) and values is not None:
                    cols[PROBABILITY_RANK] = values
        if t.owner_from_sheet and "owner" not in cols:
            cols["owner"] = t.owner_from_sheet
        if t.row_marks:
            cols[ROW_MARKS] = np.array([t.row_marks.get(r, "") for r in rows], dtype=object)
        if t.stage_comments:
            cols[STAGE_COMMENT] = np.array(
                ["\t".join(t.stage_comments[r]) if r in t.stage_comments else "" for r in rows],
                dtype=object,
            )
        said = _headers_without_stage(t)
        if said:
            cols[SHEET_HEADERS] = said
        parts.append((n, cols))
    bookkeeping = list(BOOKKEEPING)
    if not parts:
        return pd.DataFrame(columns=bookkeeping + schema.names, dtype=object)
    extras = sorted({c for _, cols in parts for c in cols if c.startswith(EXTRA_PREFIX)})
    marked = [
        c
        for c in (ROW_MARKS, SHEET_HEADERS, STAGE_COMMENT, PROBABILITY_RANK)
        if any(c in cols for _, cols in parts)
    ]
    names = bookkeeping + schema.names + extras + marked
    numbers = (SOURCE_ROW, SOURCE_ORDER)
    texts = [c for c in names if c not in numbers]
    total = sum(n for n, _ in parts)
    block = np.empty((len(texts), total), dtype=object)  # None where a table has no such column
    ints = {c: np.empty(total, dtype=np.int64) for c in numbers}
    at = 0
    for n, cols in parts:
        for k, c in enumerate(texts):
            value = cols.get(c)
            if value is None:
                continue
            cells = block[k, at : at + n]
            cells[:] = value
            missing = pd.isna(cells)  # NaN, NA, NaT: None, as every missing cell of the frame
            if missing.any():
                cells[missing] = None
        for c in numbers:
            ints[c][at : at + n] = np.asarray(cols[c], dtype=np.int64)
        at += n
    out = pd.DataFrame(block.T, columns=texts, dtype=object, copy=False)
    del block
    for c in numbers:  # in the order of ``names``
        out.insert(names.index(c), c, ints[c])
    return out


def _headers_without_stage(table: SheetTable) -> str:
    """A table without a stage column: the headers of its close-date and amount columns (a
    sheet of won deals says so in them: 受注日, 受注金額), ``field<TAB>header`` a line; "" for a
    table with a stage column (its stage cells say what each row is)."""
    if any(m.field == "stage" for m in table.columns):
        return ""
    return "\n".join(
        f"{m.field}\t{m.header}"
        for m in table.columns
        if m.field in ("close_date", "amount") and m.header
    )


def column_units(tables: list[SheetTable]) -> ColumnUnits:
    """The unit and currency each mapped column's header announces, by source and field.

    Column metadata for :func:`migrate.normalize.normalize_records`: a bare 12 under 金額（万円）
    is 120000 yen. Keyed like the records' ``_source_file`` and ``_source_sheet``.
    """
    return ColumnUnits.of(
        ((t.file, t.sheet, m.field), ColumnUnit(m.unit, m.currency))
        for t in tables
        if t.kind == "table"
        for m in t.columns
        if m.field
    )


def read_plain_table(path: str | os.PathLike[str], *, rules_dir: str | None = None) -> pd.DataFrame:
    """A plain export (first row = header, first sheet), every cell as text.

    For exports of the target SFA (``--existing``): same format detection, encodings and
    safety limits as the trackers, but no layout detection. Raises InputFileError.
    """
    _, limits = load_ingest_rules(rules_dir)
    p = Path(path)
    if not p.is_file():
        raise InputFileError(
            str(p),
            "file not found",
            hint="pass an export of the target SFA (CSV or Excel, first row = column names)",
            code="ingest.missing",
        )
    src = SourceFile(p, p.name, detect_format(p, limits), 0)
    grids = read_grids(src, limits)
    cells = next((g.cells for g in grids if g.visible and len(g.cells)), None)
    if cells is None or len(cells) < 1:
        raise InputFileError(
            str(p),
            "has no rows",
            hint="export the records with a header row",
            code="ingest.empty-file",
        )
    header = [("" if h is None else str(h).strip()) for h in cells.iloc[0]]
    body = cells.iloc[1:].reset_index(drop=True)
    body.columns = header
    body = body.loc[:, [h != "" for h in header]]
    return body.dropna(how="all").reset_index(drop=True).astype(object)
