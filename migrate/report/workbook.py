"""quality.xlsx (修正リスト): the fix list, laid out like the sources so teams fix at the source.

In: a ``RunResult`` (its tables hold every source sheet's raw cells keyed by Excel row number
and column position; its findings point at file/sheet/row/column) and a language. Out: a
workbook with a guide sheet, one sheet per source sheet with its data rows at the *same* row
numbers and columns as the source, every problem cell filled by severity (error red, warning
amber, info blue) and commented (what is wrong, original -> suggested value), an import
status column at the right, and a findings sheet (指摘一覧 / Findings) with a link to each
cell and an autofilter by owner, source and rule. Sheet names are at most 31 characters and
unique (file + sheet, shortened).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from ..catalogue import Catalogue, load_catalogue
from ..columnar import coded_by_value
from ..findings import SEVERITIES
from ..xlsx_rows import column_xml, put_xml_rows
from . import values as v
from .text import action_label, field_label, reason_text, t

FILLS = {"error": "F4C7C3", "warning": "FCE8B2", "info": "C6DAFC"}
HEADER_FILL = "E8EAED"
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters Excel cannot show
MAX_SHEET = 31
MAX_COMMENT_ITEMS = 12  # a comment lists this many findings; the findings sheet has them all
MAX_FINDING_ROWS = 1_048_575  # Excel's rows per sheet, less the head row

CopyMode = Literal["full", "problems"]
_WHERE_WHAT = ("file", "sheet", "column", "field", "severity", "rule", "action")


def copy_mode(requested: str, data_rows: int, limit: int) -> CopyMode:
    """What quality.xlsx copies of the sources: ``full`` or ``problems`` (rows with a warning
    or an error). ``auto`` copies every row up to ``limit`` data rows in all (report.yaml
    ``quality_copy_max_rows``) and only the problem rows above it."""
    if requested in ("full", "problems"):
        return requested  # type: ignore[return-value]
    return "full" if data_rows <= limit else "problems"


Notes = Literal["comments", "column"]


def notes_mode(requested: str, laid_out: int, limit: int) -> Notes:
    """Where quality.xlsx says what is wrong with a problem cell: a ``comments`` on the cell, or
    a Notes ``column`` at the right of its row when the workbook lays out more than ``limit``
    findings (report.yaml ``cell_comments_max``): one comment per cell is a drawing shape and
    an XML record each, which at tens of thousands of cells costs more than the data to write
    and to open. ``--quality-copy full`` asks for the annotated copy: comments whatever the
    size."""
    return "comments" if requested == "full" or laid_out <= limit else "column"


def laid_out(findings: Any, copy: CopyMode) -> int:
    """How many findings quality.xlsx lays out in ``copy`` mode before any limit on its rows
    (the problems copy leaves the info findings to findings.csv; :func:`problem_rows` the
    rows past report.yaml ``quality_problem_rows_max``)."""
    if findings is None or not len(findings):
        return 0
    if copy == "problems":
        return int(findings["severity"].isin(("warning", "error")).sum())
    return len(findings)


@dataclass(frozen=True)
class ProblemRows:
    """Which warning and error findings the problems copy lays out (``keep``, a mask on the
    findings) and what it leaves to findings.csv: ``total`` problem rows, ``shown`` of them,
    and per rule the rows left out (``left``, most first)."""

    keep: np.ndarray
    total: int
    shown: int
    left: list[tuple[str, int]]


def problem_rows(findings: pd.DataFrame, max_rows: int) -> ProblemRows:
    """The problem rows quality.xlsx lays out when there are more than ``max_rows`` of them
    (report.yaml ``quality_problem_rows_max``; 0: no limit).

    A row is a source row with a warning or an error; it is laid out whole (all its findings)
    or not at all. Rows with an error come first, then rows by their rarest rule (a rule that
    hits 12 rows before one that hits 40,000: a stale deal at every other row of a big tracker
    must not crowd out the one deal with a broken amount), then in the findings' order (file,
    sheet, row). Findings of a whole sheet or column (row 0) are always kept. A workbook of
    tens of thousands of problem rows is not a fix list anyone works through, and laying them
    out is most of the cost of writing it at scale (issue 14); findings.csv holds them all.
    """
    n = len(findings)
    if not n:
        return ProblemRows(np.ones(0, dtype=bool), 0, 0, [])
    rows = pd.to_numeric(findings["row"], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
    on_row = rows > 0
    frame = pd.DataFrame(
        {
            "file": v.texts(findings["file"]).to_numpy(),
            "sheet": v.texts(findings["sheet"]).to_numpy(),
            "row": rows,
            "rule": v.texts(findings["rule"]).to_numpy(),
            "error": (findings["severity"] == "error").to_numpy(),
        }
    )[on_row]
    # one code per source row, in the order the findings first name it
    key = frame.groupby(["file", "sheet", "row"], sort=False).ngroup().to_numpy()
    total = int(key.max()) + 1 if len(key) else 0
    if not max_rows or total <= max_rows:
        return ProblemRows(np.ones(n, dtype=bool), total, total, [])
    frame = frame.assign(key=key)
    rule_rows = frame.drop_duplicates(["key", "rule"]).groupby("rule", sort=False).size()
    per_row = (
        frame.assign(rarity=frame["rule"].map(rule_rows).to_numpy())
        .groupby("key")
        .agg(error=("error", "max"), rarity=("rarity", "min"))
    )
    order = np.lexsort(
        (per_row.index.to_numpy(), per_row["rarity"].to_numpy(), ~per_row["error"].to_numpy())
    )
    shown = np.zeros(total, dtype=bool)
    shown[per_row.index.to_numpy()[order[:max_rows]]] = True
    keep = np.ones(n, dtype=bool)
    keep[on_row] = shown[key]
    out = frame[~shown[key]].drop_duplicates(["key", "rule"])["rule"].value_counts(sort=False)
    left = sorted(((str(r), int(c)) for r, c in out.items()), key=lambda x: (-x[1], x[0]))
    return ProblemRows(keep, total, max_rows, left)


SEV_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

WB_WORDS: dict[str, tuple[str, str]] = {
    "guide": ("使い方", "Guide"),
    "findings": ("指摘一覧", "Findings"),
    "wb.title": ("修正リスト（quality.xlsx）", "Fix list (quality.xlsx)"),
    "wb.how": (
        "各シートは元のファイルと同じ行番号・列にデータを写しています。色の付いたセルにコメントで内容と修正案があります。"
        "元のファイルを直して、もう一度実行してください。",
        "Each sheet copies a source sheet at the same row numbers and columns. Coloured cells carry a "
        "comment with what is wrong and the suggested value. Fix the source file and run again.",
    ),
    "wb.how-notes": (
        "各シートは元のファイルと同じ行番号・列にデータを写しています。色の付いたセルの内容と修正案は、各行の右端の「指摘」列にあります。"
        "元のファイルを直して、もう一度実行してください。",
        "Each sheet copies a source sheet at the same row numbers and columns. What is wrong with "
        "the coloured cells, and the suggested values, are in the Notes column at the right of "
        "each row. Fix the source file and run again.",
    ),
    "wb.status": ("取込結果", "Import result"),
    "wb.sheet": ("このブックのシート", "Sheet in this workbook"),
    "wb.cell": ("セル", "Cell"),
    "wb.original": ("元の値", "Original"),
    "wb.value": ("修正案・処理後の値", "Suggested / normalised value"),
    "wb.action": ("対応", "Action"),
    "wb.legend": ("色の意味", "Colours"),
    "wb.sheet-level": ("シート全体", "whole sheet"),
    "wb.more": ("… ほか {n} 件（指摘一覧を参照）", "… {n} more (see the Findings sheet)"),
    "wb.finding": ("指摘", "Finding"),
    "wb.problems-only": (
        "データ行が {rows:,} 行あり上限 {limit:,} 行を超えるため、警告・エラーのある行（と見出し行）だけを元の行番号で写しています。"
        "全行の写しは --quality-copy full で作れます。すべての指摘は findings.csv にあります。",
        "The sources hold {rows:,} data rows, more than {limit:,}: only the rows with a warning or "
        "an error (and the header row) are copied, at their own row numbers. --quality-copy full "
        "writes a copy of every row. findings.csv holds every finding.",
    ),
    "wb.problem-rows-cut": (
        "警告・エラーのある行が {total:,} 行あり上限 {limit:,} 行を超えるため、エラーのある行と、該当行の少ない指摘の行から順に {limit:,} 行を写しています。"
        "写していない {rest:,} 行の指摘も findings.csv にすべてあります（多いもの: {most}）。"
        "上限は report.yaml の quality_problem_rows_max です。",
        "{total:,} rows have a warning or an error, more than {limit:,}: the rows with an error "
        "come first, then the rows of the rarer findings, up to {limit:,} rows. findings.csv "
        "holds the findings of the other {rest:,} rows too (most of them: {most}). The limit is "
        "report.yaml quality_problem_rows_max.",
    ),
    "wb.notes-column": (
        "指摘が {n:,} 件あり上限 {limit:,} 件を超えるため、セルのコメントの代わりに、各行の右端の「{column}」列に"
        "その行の指摘（セル・内容・修正案）を書いています。セルの色はそのままです。"
        "セルごとにコメントを付けた全行の写しは --quality-copy full で作れます。",
        "The workbook lays out {n:,} findings, more than {limit:,}: instead of a comment on each "
        'problem cell, the "{column}" column at the right of each row says what is wrong with its '
        "cells (cell, finding, suggested value); the cells keep their colour. --quality-copy full "
        "writes a copy of every row with a comment on each problem cell.",
    ),
    "wb.notes": ("指摘", "Notes"),
    "wb.truncated": (
        "指摘一覧は Excel の行数の上限のため先頭 {n:,} 件だけです（全件は findings.csv）。",
        "The Findings sheet holds the first {n:,} findings only (Excel's row limit); findings.csv has them all.",
    ),
    "wb.masked": (
        "個人情報（メール・電話）はマスクしています",
        "E-mails and phone numbers are masked",
    ),
}


def _w(key: str, lang: str) -> str:
    pair = WB_WORDS.get(key)
    if pair:
        return pair[0] if lang == "ja" else pair[1]
    return t(key, lang)


def _cut(text: str, units: int) -> str:
    """The longest start of ``text`` within ``units`` UTF-16 code units (how Excel counts a
    sheet name: a character outside the BMP, such as 𠮷, takes two)."""
    if 2 * len(text) <= units or len(text.encode("utf-16-le")) <= 2 * units:
        return text  # (a character is at most two units: a short text is not measured)
    out, used = [], 0
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            break
        out.append(ch)
    return "".join(out)


def sheet_names(tables: list[Any], reserved: tuple[str, ...] = ()) -> dict[tuple[str, str], str]:
    """A unique Excel sheet name (<= 31 chars) per (file, sheet): 'stem_sheet', shortened."""
    used = {r.casefold() for r in reserved}
    out: dict[tuple[str, str], str] = {}
    for tb in tables:
        stem = Path(tb.file).stem
        base = f"{stem}_{tb.sheet}" if tb.sheet else stem
        base = INVALID_SHEET_CHARS.sub("_", base).strip("'") or "sheet"
        name = _cut(base, MAX_SHEET).rstrip("'")  # Excel refuses a name that ends with '
        k = 2
        while name.casefold() in used:
            suffix = f"~{k}"
            name = _cut(base, MAX_SHEET - len(suffix)) + suffix
            k += 1
        used.add(name.casefold())
        out[(tb.file, tb.sheet)] = name
    return out


_PLAIN_NUMBER = re.compile(r"^-?(?:0|[1-9]\d{0,14})(?:\.\d+)?$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$")


def _cell_value(value: object, field: str, mask: bool) -> object:
    """The value to write: ingest keeps cells as text, so plain numbers and ISO dates (what
    the reader made of number and date cells) go back to numbers and dates; anything else
    stays text exactly as read (leading zeros, phone numbers, '1,200,000')."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if mask and field in v.PII_FIELDS:
        return _ILLEGAL.sub("", str(v.mask_value(v.text(value), field)))
    if isinstance(value, (dt.date, dt.datetime, int, float, bool)):
        return value
    text = str(value)
    if _PLAIN_NUMBER.match(text):
        return int(text) if "." not in text else float(text)
    m = _ISO_DATETIME.match(text)
    if m:
        try:
            stamp = dt.datetime.fromisoformat(text.replace("T", " "))
        except ValueError:
            return text
        return stamp.date() if not m.group(2) or stamp.time() == dt.time() else stamp
    if mask:
        text = str(v.mask_value(text, field))
    return _ILLEGAL.sub("", text)


@lru_cache(maxsize=4096)
def _col0(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27 (asked once per finding: kept per letters)."""
    return int(xl_cell_to_rowcol(f"{letters}1")[1])


@lru_cache(maxsize=4096)
def _letters(col0: int) -> str:
    return _col_letter(col0)


def _col_letter(col0: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    return str(xl_col_to_name(col0))


class _Formats:
    """One xlsxwriter Format per combination of bold / fill / number format (created once)."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.cache: dict[tuple[Any, ...], Any] = {}

    def get(
        self, bold: bool = False, fill: str | None = None, num: str | None = None, **extra: Any
    ) -> Any:
        key = (bold, fill, num, tuple(sorted(extra.items())))
        f = self.cache.get(key)
        if f is None and key == (False, None, None, ()):
            return None
        if f is None:
            props: dict[str, Any] = dict(extra)
            if bold:
                props["bold"] = True
            if fill:
                props["pattern"] = 1
                props["bg_color"] = f"#{fill}"
            if num:
                props["num_format"] = num
            f = self.cache[key] = self.wb.add_format(props)
        return f


_DATE_FORMAT, _DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
_LINK: dict[str, Any] = {"font_color": "#1A73E8", "underline": 1}
_MAX_LINKS = 65530  # Excel's hyperlinks per worksheet; the rest are HYPERLINK() formulas
LINK_COL = 10  # the findings sheet's column of links to the cells


def _at(sheet: str, cell: str) -> str:
    """A link target: 'sheet'!A1 (an apostrophe in the name is doubled, as Excel writes it)."""
    return "'" + sheet.replace("'", "''") + f"'!{cell}"


def write_workbook(
    result: Any,
    path: Path,
    *,
    lang: str = "ja",
    mask_pii: bool = False,
    catalogue: Catalogue | None = None,
    copy: CopyMode = "full",
    copy_limit: int = 0,
    cell_notes: Notes = "comments",
    notes_limit: int = 0,
    max_problem_rows: int = 0,
) -> None:
    """Write quality.xlsx to ``path``.

    ``copy`` is ``full`` (every source row, the default of a small run) or ``problems`` (only
    the rows with a warning or an error, and the header row, at their own row numbers; the
    Findings sheet without the info findings): a workbook of a million rows is not a report
    (see :func:`copy_mode`), at most ``max_problem_rows`` of them (see :func:`problem_rows`).
    ``copy_limit`` is only quoted in the guide. ``cell_notes`` is
    where a problem cell's findings are told: a ``comments`` on the cell, or a Notes ``column`` at
    the right of its row (see :func:`notes_mode`; ``notes_limit`` is quoted in the guide).

    Findings and reasons speak ``lang`` through the finding catalogue (default: the active
    rules/findings.yaml): each finding's title and fix in that language next to its own
    message, which keeps the cell's specifics.

    xlsxwriter in constant_memory mode: each sheet is written row by row, top to bottom, so
    everything a row needs (header, data, status, fill) is worked out before the row is
    written; comments and hyperlinks are kept aside by xlsxwriter and may come in any order.
    """
    from ..xlsx_rows import FastZipWorkbook, RowSheet

    cat = catalogue or load_catalogue()
    tables = [tb for tb in getattr(result, "tables", []) or [] if tb.kind == "table"]
    findings = getattr(result, "findings", None)
    problems_only = copy == "problems"
    all_counts: dict[tuple[str, str, str], int] = {}
    cut: ProblemRows | None = None  # the problem rows laid out, in the problems copy
    if problems_only and findings is not None and len(findings):
        # the guide still counts every finding; only warnings and errors are laid out
        sizes = findings.groupby(["file", "sheet", "severity"], sort=False).size()
        all_counts = {(str(f), str(sh), str(sev)): int(n) for (f, sh, sev), n in sizes.items()}
        findings = findings[findings["severity"].isin(("warning", "error"))]
        cut = problem_rows(findings, max_problem_rows)
        if cut.shown < cut.total:
            findings = findings[cut.keep]
    if findings is not None and len(findings):
        # the columns that say where and what, as text once per distinct value (not per use)
        findings = findings.assign(
            **{c: v.texts(findings[c]) for c in _WHERE_WHAT if c in findings.columns}
        )
    rows_of_findings = _records(findings) if findings is not None and len(findings) else []
    guide_name, findings_name = _w("guide", lang), _w("findings", lang)
    # Excel reserves the sheet name "History"
    names = sheet_names(tables, (guide_name, findings_name, "History"))

    def show(x: object, field: str = "") -> str:
        s = v.text(x)
        return _ILLEGAL.sub("", str(v.mask_value(s, field)) if mask_pii else s)

    # statuses and owners of the source rows
    status: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    cw = getattr(result, "crosswalk", None)
    if cw is not None and len(cw):
        said: dict[tuple[str, str], str] = {}  # (status, reason) -> the words of the column
        for f, s, r, st, why in zip(  # lists, not Series: a Series iterates a cell at a time
            v.texts(cw["source_file"]).tolist(),
            v.texts(cw["source_sheet"]).tolist(),
            cw["source_row"].tolist(),
            v.texts(cw["status"]).tolist(),
            v.texts(cw["reason"]).tolist(),
        ):
            words = said.get((st, why))
            if words is None:
                label = t(st, lang)
                words = f"{label}: {reason_text(why, lang, cat)}" if why else label
                said[(st, why)] = words
            status[(f, s)][int(r)] = words
    owners: dict[tuple[str, str, int], str] = {}
    rec = getattr(result, "records", None)
    if rec is not None and len(rec) and "owner" in rec.columns:
        for f, s, r, o in zip(
            v.texts(rec["_source_file"]).tolist(),
            v.texts(rec["_source_sheet"]).tolist(),
            rec["_source_row"].tolist(),
            v.texts(rec["owner"]).tolist(),
        ):
            owners[(f, s, int(r))] = o

    # where each finding lands: sheet name -> (row, 0-based column) -> findings
    targets: dict[str, dict[tuple[int, int], list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    located: list[tuple[dict[str, Any], str, str]] = []  # (finding, sheet name, cell ref)
    layout: dict[tuple[str, str], tuple[dict[str, str], dict[str, str], str, int]] = {}
    for tb in tables:
        by_header = {c.header: c.column for c in tb.columns}
        by_field = {c.field: c.column for c in tb.columns if c.field}
        last = max((_col0(c.column) + 1 for c in tb.columns), default=0)
        layout[(tb.file, tb.sheet)] = (by_header, by_field, _col_letter(last), tb.header_row or 1)
    for fd in rows_of_findings:
        key = (fd["file"], fd["sheet"])
        if key not in layout:
            located.append((fd, "", ""))
            continue
        by_header, by_field, status_col, header_row = layout[key]
        col = by_header.get(fd["column"]) or by_field.get(fd["field"]) or status_col
        row = int(fd["row"] or 0) or header_row
        targets[names[key]][(row, _col0(col))].append(fd)
        located.append((fd, names[key], f"{col}{row}"))

    per_sheet_counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SEVERITIES, 0))
    if problems_only:
        for (f, sh, sev), n in all_counts.items():
            if (f, sh) in layout:
                per_sheet_counts[names[(f, sh)]][sev] = n
    else:
        for name, cells in targets.items():
            for items in cells.values():
                for x in items:
                    sev = x["severity"]
                    per_sheet_counts[name][sev] = per_sheet_counts[name].get(sev, 0) + 1
    notes = []
    if problems_only:
        rows = sum(len(tb.data_rows) for tb in tables)
        notes.append(_w("wb.problems-only", lang).format(rows=rows, limit=copy_limit))
        if cut is not None and cut.shown < cut.total:
            sep = "、" if lang == "ja" else ", "
            most = sep.join(
                f"「{cat.title(rule, lang)}」{n:,} 行"
                if lang == "ja"
                else f"{cat.title(rule, lang)} ({n:,} rows)"
                for rule, n in cut.left[:3]
            )
            notes.append(
                _w("wb.problem-rows-cut", lang).format(
                    total=cut.total, limit=max_problem_rows, rest=cut.total - cut.shown, most=most
                )
            )
    if cell_notes == "column":
        notes.append(
            _w("wb.notes-column", lang).format(
                n=len(located), limit=notes_limit, column=_w("wb.notes", lang)
            )
        )
    truncated = len(located) > MAX_FINDING_ROWS
    if truncated:
        notes.append(_w("wb.truncated", lang).format(n=MAX_FINDING_ROWS))

    wb = FastZipWorkbook(
        str(path),
        {"constant_memory": True, "remove_timezone": True, "strings_to_urls": False},
    )
    wb.set_properties({"created": dt.datetime(2000, 1, 1)})  # the same bytes for the same run
    fmt = _Formats(wb)
    guide = wb.add_worksheet(guide_name)
    _guide(
        guide,
        fmt,
        lang,
        tables,
        names,
        per_sheet_counts,
        mask_pii,
        findings_name,
        notes,
        how="wb.how-notes" if cell_notes == "column" else "wb.how",
    )
    for tb in tables:
        name = names[(tb.file, tb.sheet)]
        _source_sheet(
            wb.add_worksheet(name, worksheet_class=RowSheet),
            fmt,
            lang,
            tb,
            layout[(tb.file, tb.sheet)],
            status.get((tb.file, tb.sheet), {}),
            targets.get(name, {}),
            mask_pii,
            show,
            cat,
            problems_only,
            cell_notes == "column",
        )

    # the findings sheet
    fs = wb.add_worksheet(findings_name, worksheet_class=RowSheet)
    head = [
        "#",
        t("severity", lang),
        _w("wb.finding", lang),
        t("message", lang),
        t("hint", lang),
        t("rule", lang),
        t("file", lang),
        t("sheet", lang),
        t("row", lang),
        t("column", lang),
        _w("wb.cell", lang),
        t("field", lang),
        _w("wb.original", lang),
        _w("wb.value", lang),
        _w("wb.action", lang),
        t("owner", lang),
    ]
    head_fmt = fmt.get(bold=True, fill=HEADER_FILL)
    for j, h in enumerate(head):
        fs.write_string(0, j, h, head_fmt)
    order = {(tb.file, tb.sheet): i for i, tb in enumerate(getattr(result, "tables", []) or [])}
    located.sort(
        key=lambda x: (
            order.get((x[0]["file"], x[0]["sheet"]), 10**6),
            int(x[0]["row"] or 0),
            x[2],
        )
    )
    del located[MAX_FINDING_ROWS:]  # Excel's rows, less the head; findings.csv has them all
    sev_fmt = {s: fmt.get(fill=c) for s, c in FILLS.items()}
    _findings_rows(
        fs, located, lang, cat, show, owners, sev_fmt, fmt.get(**_LINK), head_fmt, mask_pii
    )
    fs.autofilter(0, 0, len(located), len(head) - 1)
    fs.freeze_panes(1, 0)
    for j, width in enumerate((6, 8, 28, 50, 36, 26, 24, 14, 6, 16, 20, 14, 24, 24, 10, 14)):
        fs.set_column(j, j, width)
    wb.close()


def _findings_rows(
    fs: Any,
    located: list[tuple[dict[str, Any], str, str]],
    lang: str,
    cat: Catalogue,
    show: Any,
    owners: dict[tuple[str, str, int], str],
    sev_fmt: dict[str, Any],
    link_fmt: Any,
    head_fmt: Any,
    masked: bool = True,
) -> None:
    """The Findings sheet's rows (1 to len(located)): each column's cells made once per distinct
    value and joined per row (:func:`migrate.xlsx_rows.put_xml_rows`), a link to the cell in
    column K (a HYPERLINK formula past Excel's hyperlinks per sheet). ``masked``: ``show``
    masks by field, so an original or value cell is made once per value and field (else
    once per value)."""
    # the words of a severity, rule, field and action, once per distinct one
    rule_words: dict[tuple[str, str], tuple[str, str, str]] = {}
    fields: dict[str, str] = {}
    actions: dict[str, str] = {}
    said = _messages_in(cat, lang)

    n = len(located)
    names = [(name, ref) for _, name, ref in located]
    linked = np.cumsum([bool(name) for name, _ in names]) if n else np.zeros(0, dtype=np.int64)

    # style indices in the order of their first cell: the head row's, then the rows' by column
    # (the severity in column B, the link in K)
    head_fmt._get_xf_index()
    first_use: dict[Any, tuple[int, int]] = {}
    for k, (fd, name, _) in enumerate(located):
        f = sev_fmt.get(fd["severity"], sev_fmt["info"])
        if f not in first_use:
            first_use[f] = (k, 1)
        if name and link_fmt not in first_use:
            first_use[link_fmt] = (k, LINK_COL)
    for f in sorted(first_use, key=first_use.__getitem__):
        f._get_xf_index()

    def cell(j: int) -> Any:
        if j == 1:  # the severity's word, in its colour
            return lambda sev: (str(t(sev, lang)), sev_fmt.get(sev, sev_fmt["info"]))
        if j == 3 or (j in (12, 13) and not masked):  # the text as it stands
            return lambda x: (_writable(show(x)), None)
        if j in (12, 13):  # the text as shown in its field (masked)
            return lambda x: (_writable(show(x[1], x[2])), None)
        return lambda x: (_writable(x), None)

    def texts(j: int) -> Any:
        """The texts of column ``j`` at once where its cell is the text itself (trimmed and
        cleaned as ``show`` does when nothing is masked)."""
        if j == 1 or (j in (3, 12, 13) and masked):
            return None
        if j in (3, 12, 13):
            return _texts_as_they_are(cell(j), clean=True, trimmed=True)
        return _texts_as_they_are(cell(j))

    def block_columns(start: int, stop: int) -> list[_Column]:
        """The columns of rows ``start`` to ``stop`` (0-based findings), each cell's value
        made once per distinct value of the block."""
        fds = [x[0] for x in located[start:stop]]
        sevs = [fd["severity"] for fd in fds]
        rules = [fd["rule"] for fd in fds]
        field_of = [fd["field"] for fd in fds]
        acts = [fd["action"] for fd in fds]
        # the words of each distinct severity and rule, field and action (once per run)
        for sev, rule in set(zip(sevs, rules)):
            if (sev, rule) not in rule_words:
                entry = cat.entry(rule)
                rule_words[(sev, rule)] = (
                    t(sev, lang),
                    (entry.title.get(lang) or "") if entry else "",
                    (entry.fix.get(lang) or "") if entry else "",
                )
        for field in set(field_of):
            if field not in fields:
                fields[field] = field_label(field, lang) if field else ""
        for act in set(acts):
            if act not in actions:
                actions[act] = action_label(act, lang)
        told = [rule_words[k] for k in zip(sevs, rules)]

        def by_field(c: str) -> list[object]:
            if masked:
                return [(type(x), x, f) for x, f in zip((fd[c] for fd in fds), field_of)]
            return [fd[c] for fd in fds]

        files = [fd["file"] for fd in fds]
        sheets = [fd["sheet"] for fd in fds]
        rows = [int(fd["row"] or 0) for fd in fds]
        keys: list[list[object] | None] = [
            list(range(start + 1, stop + 1)),
            sevs,
            [w[1] for w in told],
            # coded_by_value tells their types apart; in Japanese once per distinct message
            [said(r, m) for r, m in zip(rules, (fd["message"] for fd in fds))],
            [w[2] for w in told],
            rules,
            files,
            sheets,
            [r or None for r in rows],
            [fd["column"] for fd in fds],
            None,  # the link, below
            [fields[f] for f in field_of],
            by_field("original"),
            by_field("value"),
            [actions[a] for a in acts],
            [owners.get(at, "") for at in zip(files, sheets, rows)],
        ]
        return [_Column.of(j, keys[j], cell(j), texts(j)) for j in range(16) if j != LINK_COL]

    def link(k: int) -> None:
        """The hyperlink of a row whose link text the row's XML holds (past Excel's
        hyperlinks the row holds the HYPERLINK formula instead)."""
        name, ref = names[k]
        if name and linked[k] <= _MAX_LINKS:
            fs.internal_link(k + 1, LINK_COL, _at(name, ref), f"{name}!{ref}")

    def by_cells(columns: list[_Column], start: int, j: int) -> None:
        """The ``j``-th row of the block from ``start``, cell by cell."""
        k = start + j
        line = [(x.col, *x.cells[x.codes[j]]) for x in columns if x.codes[j] >= 0]
        fs.put_row(k + 1, line)
        name, ref = names[k]
        if not name:
            return
        text = f"{name}!{ref}"
        if linked[k] <= _MAX_LINKS:
            fs.write_url(k + 1, LINK_COL, f"internal:{_at(name, ref)}", link_fmt, string=text)
        else:
            fs.write_formula(k + 1, LINK_COL, _link_formula(name, ref, text), link_fmt, text)

    for start in range(0, n, _ROWS_PER_BLOCK):  # a block of rows at a time: bounded memory
        stop = min(n, start + _ROWS_PER_BLOCK)
        columns = block_columns(start, stop)
        refs = np.array([str(k + 2) for k in range(start, stop)], dtype=object)
        pieces: dict[int, np.ndarray] = {}
        odd = np.zeros(stop - start, dtype=bool)
        for x in columns:
            pieces[x.col], bad = column_xml(fs, x.col, refs, x.codes, x.cells, x.tails)
            odd |= bad
        links = np.full(stop - start, "", dtype=object)
        for k in range(start, stop):
            name, ref = names[k]
            if name and linked[k] <= _MAX_LINKS:
                tail = fs.tail(LINK_COL, f"{name}!{ref}", link_fmt)
                if tail is None:
                    odd[k - start] = True
                else:
                    links[k - start] = f'<c r="{_letters(LINK_COL)}{k + 2}{tail}'
            elif name:  # past Excel's hyperlinks: the HYPERLINK formula by_cells writes
                text = f"{name}!{ref}"
                tail = fs.link_formula_tail(_link_formula(name, ref, text), text, link_fmt)
                if tail is None:
                    odd[k - start] = True  # xlsxwriter's own call
                else:
                    links[k - start] = f'<c r="{_letters(LINK_COL)}{k + 2}{tail}'
        pieces[LINK_COL] = links
        put_xml_rows(
            fs,
            list(range(start + 1, stop + 1)),
            pieces,
            odd,
            partial(by_cells, columns, start),
            partial(_shifted, link, start),
        )


def _messages_in(cat: Catalogue, lang: str) -> Any:
    """A finding's message in ``lang``, worked out once per distinct (rule, message): the
    catalogue reads a message by regular expressions, and at scale thousands of findings
    share a few hundred messages (the stale deals of one stage and day)."""
    memo: dict[tuple[str, object], object] = {}

    def said(rule: str, message: object) -> object:
        if lang != "ja" or not isinstance(message, str):
            return message
        hit = memo.get((rule, message))
        if hit is None:
            hit = memo[(rule, message)] = cat.message(rule, message, lang)
        return hit

    return said


def _link_formula(name: str, ref: str, text: str) -> str:
    """The HYPERLINK formula of a link to cell ``ref`` of sheet ``name`` showing ``text``."""
    target, shown = _at(name, ref).replace('"', '""'), text.replace('"', '""')
    return f'=HYPERLINK("#{target}","{shown}")'


def _shifted(fn: Any, start: int, k: int) -> None:
    """``fn`` of the ``k``-th row of a block that starts at row ``start``."""
    fn(start + k)


def _source_sheet(
    ws: Any,
    fmt: _Formats,
    lang: str,
    tb: Any,
    layout: tuple[dict[str, str], dict[str, str], str, int],
    sheet_status: dict[int, str],
    marks: dict[tuple[int, int], list[dict[str, Any]]],
    mask_pii: bool,
    show: Any,
    cat: Catalogue,
    problems_only: bool = False,
    notes_column: bool = False,
) -> None:
    """One source sheet at its own rows and columns, written top to bottom (with
    ``problems_only``, only the header row and the rows that carry a mark; with
    ``notes_column``, a data row's findings in a Notes column after the status column
    instead of a comment on each of its problem cells)."""
    _, _, status_letter, header_row = layout
    status_col = _col0(status_letter)
    notes_col = status_col + 1
    fields = {c.column: c.field or "" for c in tb.columns}
    header: dict[int, str] = {}
    for c in tb.columns:
        col = _col0(c.column)
        header[col] = _ILLEGAL.sub("", c.header)
        ws.set_column(col, col, max(8, min(40, int(max((len(str(c.header)) * 2), 10)))))
    header[status_col] = _w("wb.status", lang)
    ws.set_column(status_col, status_col, 28)
    if notes_column:
        header[notes_col] = _w("wb.notes", lang)
        ws.set_column(notes_col, notes_col, 80)
    ws.freeze_panes(header_row, 0)

    # the status column: the crosswalk's word, else why the row was skipped
    labels = dict(sheet_status)
    for r, why in tb.skipped:
        if r not in sheet_status:
            labels[r] = f"{t('skipped', lang)}: {reason_text(why, lang, cat)}"

    # the fill and comment (or note) of each problem cell
    said = _messages_in(cat, lang)
    worst: dict[int, dict[int, str]] = defaultdict(dict)  # row -> column -> severity
    notes: dict[int, list[tuple[int, str]]] = defaultdict(list)  # row -> (column, its note)
    for (r, col), items in marks.items():
        items = sorted(items, key=lambda x: -SEV_RANK.get(x["severity"], 0))
        sev = v.text(items[0]["severity"])
        worst[r][col] = sev if sev in FILLS else "info"
        lines = []
        for x in items[:MAX_COMMENT_ITEMS]:
            field = x["field"]
            rule = x["rule"]
            title = cat.title(rule, lang)
            head = f"{title}（{rule}）" if lang == "ja" else f"{title} ({rule})"
            x_sev = x["severity"]
            lines.append(f"[{t(x_sev, lang)}] {head}")
            lines.append(f"  {show(said(rule, v.text(x['message'])))}")
            if v.text(x["original"]) or v.text(x["value"]):
                before = show(x["original"], field) or t("empty", lang)
                after = show(x["value"], field) or t("empty", lang)
                lines.append(
                    f"  {before} → {after}（{action_label(x['action'], lang)}）"
                    if lang == "ja"
                    else f"  {before} → {after} ({action_label(x['action'], lang)})"
                )
            entry = cat.entry(rule)
            if entry is not None and x_sev != "info":  # what to do, where the person fixes it
                lines.append(f"  {t('hint', lang)}: {entry.fix.get(lang)}")
        if len(items) > MAX_COMMENT_ITEMS:
            lines.append(_w("wb.more", lang).format(n=len(items) - MAX_COMMENT_ITEMS))
        if notes_column and r != header_row:  # the header row's few cells keep comments
            name = header.get(col, "")
            where = f"{_col_letter(col)}{r} {name}" if name else f"{_col_letter(col)}{r}"
            notes[r].append((col, "\n".join([f"{where}: {lines[0]}", *lines[1:]])))
            continue
        ws.write_comment(
            r - 1,
            col,
            _cut("\n".join(lines), 30000),
            {"author": "sfa-migrate", "width": 360, "height": min(400, 40 + 18 * len(lines))},
        )

    # the data, column by column: each distinct value of a column converted once (trackers
    # repeat their values) into its value and the number format of a cell that is not a
    # problem; a column is its distinct (value, format) pairs and each data row's code
    data = tb.data
    if problems_only:  # only the problem rows are written: only they are converted
        data = data[data.index.isin(list(worst))]
    plain = {  # the formats of a cell that is neither a header nor a problem
        None: None,
        _DATE_FORMAT: fmt.get(num=_DATE_FORMAT),
        _DATETIME_FORMAT: fmt.get(num=_DATETIME_FORMAT),
    }

    def typed(field: str) -> Any:
        def one(x: object) -> tuple[object, Any]:
            value = _writable(_cell_value(x, field, mask_pii))
            return value, plain[_number_format(value)]

        return one

    columns: list[_Column] = []
    for c in tb.columns:
        if c.index in data.columns:
            one = typed(fields[c.column])
            # a text stays text but for its characters Excel cannot show, unless masked or
            # read as a number or a date (_cell_value)
            texts = None if mask_pii else _texts_as_they_are(one, clean=True, typed=True)
            columns.append(_Column.of(_col0(c.column), data[c.index], one, texts))
    columns.sort(key=lambda x: x.col)
    by_column = {x.col: x for x in columns}
    filled: dict[tuple[str, str | None], Any] = {}  # (severity, number format) -> Format
    position = {int(r): i for i, r in enumerate(data.index)}
    if problems_only:
        rows = sorted(set(worst) | {header_row})
    else:
        rows = sorted(set(position) | set(labels) | set(worst) | {header_row})

    def extras(r: int) -> dict[int, str]:
        """The status and Notes cells of a data row."""
        out = {}
        if r in labels:
            out[status_col] = labels[r]
        if r in notes:
            out[notes_col] = _cut("\n".join(n for _, n in sorted(notes[r])), 30000)
        return out

    def problem_cells(r: int, i: int | None, extra: dict[int, str]) -> list[tuple[int, Any, Any]]:
        """A data row's filled cells: (column, value or None for a blank, filled format)."""
        out = []
        for col, worst_sev in (worst.get(r) or {}).items():
            value: object = extra.get(col)
            if value is None and i is not None and col in by_column:
                value = by_column[col].value(i)
            num = _number_format(value)
            f = filled.get((worst_sev, num))
            if f is None:
                f = filled[(worst_sev, num)] = fmt.get(fill=FILLS[worst_sev], num=num)
            out.append((col, None if value is None or value == "" else value, f))
        return out

    def head_cells() -> tuple[list[tuple[int, Any, Any]], list[tuple[int, Any]]]:
        """The header row's cells (with the row's data, status and notes if any) and blanks."""
        r = header_row
        i = position.get(r)
        cells: dict[int, object] = dict(header)
        if i is not None:
            for x in columns:
                value = x.value(i)
                if value is not None:
                    cells[x.col] = value
        cells.update(extras(r))
        fills = worst.get(r) or {}
        line, blanks = [], []
        for col in sorted(set(cells) | set(fills)):
            value = cells.get(col)
            bold = col in header
            level = fills.get(col)
            fill = FILLS[level] if level else (HEADER_FILL if bold else None)
            f = fmt.get(bold=bold, fill=fill, num=_number_format(value))
            if value is None or value == "":
                if f is not None:
                    blanks.append((col, f))
            else:
                line.append((col, value, f))
        return line, blanks

    def row_cells(r: int) -> tuple[list[tuple[int, Any, Any]], list[tuple[int, Any]]]:
        """A data row cell by cell: its plain cells, then its filled ones (blanks apart)."""
        i = position.get(r)
        fills = worst.get(r) or {}
        line: list[tuple[int, Any, Any]] = []
        if i is not None:
            for x in columns:
                value, f = x.cell(i)
                if x.col in fills or value is None or value == "":
                    continue
                line.append((x.col, value, f))
        extra = extras(r)
        line += [(col, value, None) for col, value in extra.items() if col not in fills]
        blanks = []
        for col, value, f in problem_cells(r, i, extra):
            if value is None:
                blanks.append((col, f))
            else:
                line.append((col, value, f))
        line.sort(key=_first)
        blanks.sort(key=_first)
        return line, blanks

    head_row = head_cells()
    for start in range(0, len(rows), _ROWS_PER_BLOCK):
        block = rows[start : start + _ROWS_PER_BLOCK]
        _write_rows(
            ws,
            block,
            header_row,
            head_row,
            row_cells,
            problem_cells,
            extras,
            columns,
            position,
            worst,
        )


class _Column:
    """A source column: each distinct cell converted once to the value and number format
    quality.xlsx writes, and each data row's code into them."""

    def __init__(self, col: int, cells: list[tuple[object, Any]], codes: np.ndarray) -> None:
        self.col, self.cells = col, cells
        self.codes = codes
        # code -1 (a row not in the data) is an empty cell
        self.empty = np.array([v is None or v == "" for v, _ in cells] + [True], dtype=bool)
        self.tails: dict[int, str | None] = {}  # code -> the XML after the cell reference
        # the codes of values on several rows (only their XML is kept between blocks)
        self.repeated = np.bincount(codes[codes >= 0], minlength=len(cells)) > 1
        # each code's format as a number into ``fmts`` (-1: none)
        self.fmts: list[Any] = []
        numbers: dict[int, int] = {}
        formats = []
        for _, f in cells:
            if f is None:
                formats.append(-1)
            else:
                if id(f) not in numbers:
                    numbers[id(f)] = len(self.fmts)
                    self.fmts.append(f)
                formats.append(numbers[id(f)])
        self.formats = np.array(formats, dtype=np.int64)

    @classmethod
    def of(cls, col: int, values: Any, cell: Any, texts: Any = None) -> _Column:
        """The column of ``values`` (a Series or a list), ``cell(value)`` (value, format)
        asked once per distinct value (the texts' answers from ``texts`` at once when every
        value is a text: see :func:`_texts_as_they_are`); an empty text or None is no cell."""
        if not isinstance(values, pd.Series):
            values = pd.Series(values, dtype=object)
        codes, cells = coded_by_value(values, cell, texts)
        column = cls(col, cells, codes.astype(np.int64, copy=False))
        column.codes[column.empty[column.codes]] = -1
        return column

    def cell(self, i: int) -> tuple[object, Any]:
        code = self.codes[i]
        return self.cells[code] if code >= 0 else (None, None)

    def value(self, i: int) -> object:
        return self.cell(i)[0]


_ROWS_PER_BLOCK = 1_000  # rows built as XML at a time (bounds the memory of a big sheet)


def _write_rows(
    ws: Any,
    rows: list[int],
    header_row: int,
    head: tuple[list[tuple[int, Any, Any]], list[tuple[int, Any]]],
    row_cells: Any,
    problem_cells: Any,
    extras: Any,
    columns: list[_Column],
    position: dict[int, int],
    worst: dict[int, dict[int, str]],
) -> None:
    """Write ``rows`` (ascending Excel rows) of a source sheet: each column's cells as XML per
    distinct value and joined per row (:meth:`RowSheet.put_xml`), the same bytes as writing
    them cell by cell (``row_cells``), which the header row and any row holding a value
    xlsxwriter writes itself (a boolean, a very long text) still take.

    A format's style index is fixed the first time a cell using it is written; the indices
    of the formats these rows use are fixed first, in the order of their first cell, so they
    are those cell-by-cell writing gives."""
    n = len(rows)
    at = np.array([position.get(r, -1) for r in rows], dtype=np.int64)
    in_data = at >= 0
    ref = np.array([str(r) for r in rows], dtype=object)
    # the problem cells and the status/notes cells, row by row (few per row)
    extra_cells: dict[int, list[tuple[int, Any, Any]]] = {}  # k -> (col, value, format)
    first_use: dict[Any, tuple[int, int]] = {}  # format -> (row, column) of its first cell

    def used(f: Any, r: int, col: int) -> None:
        if f is not None and (f not in first_use or first_use[f] > (r, col)):
            first_use[f] = (r, col)

    filled_at: dict[int, list[int]] = {}  # column -> rows (k) where it is a problem cell
    for k, r in enumerate(rows):
        if r == header_row:
            line, blanks = head
            for col, _, f in line:
                used(f, r, col)
            for col, f in blanks:
                used(f, r, col)
            continue
        i = position.get(r)
        extra = extras(r)
        fills = worst.get(r)
        cells = [(col, v, None) for col, v in extra.items() if not fills or col not in fills]
        if fills:
            cells += problem_cells(r, i, extra)
            for col in fills:
                filled_at.setdefault(col, []).append(k)
            for col, _, f in cells:
                used(f, r, col)
        if cells:
            extra_cells[k] = cells
    skip = {col: np.array(ks, dtype=np.int64) for col, ks in filled_at.items()}
    head_k = rows.index(header_row) if header_row in rows else -1
    shown: dict[int, np.ndarray] = {}  # column -> rows (k) whose plain cell it writes
    for x in columns:
        codes = np.full(n, -1, dtype=np.int64)
        codes[in_data] = x.codes[at[in_data]]
        keep = ~x.empty[codes]
        if x.col in skip:
            keep[skip[x.col]] = False
        if head_k >= 0:
            keep[head_k] = False
        ks = np.flatnonzero(keep)
        formats = x.formats[codes[ks]]  # each shown cell's format, as a number
        for j in np.unique(formats[formats >= 0]).tolist():
            used(x.fmts[j], rows[int(ks[np.argmax(formats == j)])], x.col)
        shown[x.col] = np.where(keep, codes, -1)
    for f in sorted(first_use, key=first_use.__getitem__):
        f._get_xf_index()

    # each column's cells as XML: '<c r="' + letters + row + the tail of its distinct value
    pieces: dict[int, np.ndarray] = {}
    odd = np.zeros(n, dtype=bool)  # rows written cell by cell
    if head_k >= 0:
        odd[head_k] = True
    for x in columns:
        pieces[x.col], bad = column_xml(ws, x.col, ref, shown[x.col], x.cells, x.tails, x.repeated)
        odd |= bad
    # their XML a column at a time (the formats' indices are fixed above)
    by_col: dict[int, list[tuple[int, Any, Any]]] = {}  # column -> (k, value, format)
    for k, cells in extra_cells.items():
        for col, value, f in cells:
            by_col.setdefault(col, []).append((k, value, f))
    for col, items in by_col.items():
        made = iter(ws.tails(col, [(value, f) for _, value, f in items if value is not None]))
        letters = _letters(col)
        for k, value, f in items:
            tail = ws.blank_tail(f) if value is None else next(made)
            if tail is None:
                odd[k] = True
                continue
            if col not in pieces:
                pieces[col] = np.full(n, "", dtype=object)
            pieces[col][k] = f'<c r="{letters}{rows[k]}{tail}'

    def by_cells(k: int) -> None:
        r = rows[k]
        line, blanks = head if r == header_row else row_cells(r)
        ws.put_row(r - 1, line)
        for col, f in blanks:  # xlsxwriter's own blank cells, merged into the row by column
            ws.write_blank(r - 1, col, None, f)

    put_xml_rows(ws, [r - 1 for r in rows], pieces, odd, by_cells)


def _texts_as_they_are(
    cell: Any, *, clean: bool = False, trimmed: bool = False, typed: bool = False
) -> Any:
    """The ``texts`` of :func:`migrate.columnar.coded_by_value` for a column whose ``cell(text)``
    is ``(text, None)`` for a text it leaves as it is: each such text answered so in one pass,
    ``cell`` asked of the others. What ``cell`` may change: characters Excel cannot show
    (``clean``: searched once in all the texts), whitespace at either end (``trimmed``), a
    plain number or an ISO date (``typed``: a text starting with a decimal digit or ``-``)."""

    def answers(texts: list[str]) -> list[Any]:
        illegal = clean and _ILLEGAL.search("\n".join(texts)) is not None  # LF is not one
        out = []
        for text in texts:
            head = text[:1]
            if (
                type(text) is not str
                or (typed and (head == "-" or head.isdecimal()))
                or (trimmed and (head.isspace() or text[-1:].isspace()))
                or (illegal and _ILLEGAL.search(text))
            ):
                out.append(cell(text))
            else:
                out.append((text, None))
        return out

    return answers


_PLAIN_CELLS = (str, float, int, bool, type(None))  # what to_dict("records") gives as it is


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")``, from each column's list: pandas iterates every cell, a
    text column's through a pyarrow scalar. Its cells of an object or extension column are
    made Python scalars (``maybe_box_native``); when they already all are (texts, numbers,
    None), the lists are the records' values, else pandas makes them."""
    columns = frame.columns.tolist()
    if len(set(columns)) != len(columns):
        return frame.to_dict("records")  # type: ignore[return-value]
    lists = []
    for k, dtype in enumerate(frame.dtypes):
        cells = frame.iloc[:, k].tolist()
        boxed = dtype == np.dtype(object) or isinstance(dtype, pd.api.extensions.ExtensionDtype)
        if boxed and not all(type(x) in _PLAIN_CELLS for x in cells):
            return frame.to_dict("records")  # type: ignore[return-value]
        lists.append(cells)
    return [dict(zip(columns, row)) for row in zip(*lists)]


def _first(item: tuple[Any, ...]) -> Any:
    return item[0]


def _writable(value: object) -> object:
    """A value as a cell takes it (:class:`migrate.xlsx_rows.RowSheet`): text, a boolean, a number, a date or time, or None;
    anything else as its text without the characters Excel cannot show."""
    if value is None or isinstance(value, (str, bool, int, float, dt.date)):
        return value
    return _ILLEGAL.sub("", str(value))


def _number_format(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return _DATE_FORMAT if value.time() == dt.time() else _DATETIME_FORMAT
    if isinstance(value, dt.date):
        return _DATE_FORMAT
    return None


def _guide(
    ws: Any,
    fmt: _Formats,
    lang: str,
    tables: list[Any],
    names: dict[tuple[str, str], str],
    counts: dict[str, dict[str, int]],
    masked: bool,
    findings_name: str,
    notes: list[str] | None = None,
    how: str = "wb.how",
) -> None:
    ws.write_string(0, 0, _w("wb.title", lang), fmt.get(bold=True, font_size=14))
    ws.set_row(1, 48)
    ws.merge_range(1, 0, 1, 7, _w(how, lang), fmt.get(text_wrap=True, valign="top"))
    r = 3
    lines = ([_w("wb.masked", lang)] if masked else []) + list(notes or [])
    for i, line in enumerate(lines):
        ws.write_string(2 + i, 0, line)
    r += len(lines)
    ws.write_string(r, 0, _w("wb.legend", lang), fmt.get(bold=True))
    for i, sev in enumerate(SEVERITIES[::-1]):
        ws.write_string(r, 1 + i, t(sev, lang), fmt.get(fill=FILLS[sev]))
    start = r + 2  # 0-based row of the table head (row r + 3 in Excel)
    head = [
        t("file", lang),
        t("sheet", lang),
        _w("wb.sheet", lang),
        t("data", lang),
        t("error", lang),
        t("warning", lang),
        t("info", lang),
    ]
    head_fmt = fmt.get(bold=True, fill=HEADER_FILL)
    for j, h in enumerate(head):
        ws.write_string(start, j, h, head_fmt)
    link_fmt = fmt.get(**_LINK)
    for i, tb in enumerate(tables, start=1):
        name = names[(tb.file, tb.sheet)]
        row = start + i
        if tb.file:
            ws.write_string(row, 0, tb.file)
        if tb.sheet:
            ws.write_string(row, 1, tb.sheet)
        ws.write_url(row, 2, f"internal:{_at(name, 'A1')}", link_fmt, string=name)
        ws.write_number(row, 3, len(tb.data_rows))
        for j, level in enumerate(("error", "warning", "info"), start=4):
            ws.write_number(row, j, counts.get(name, {}).get(level, 0))
    row = start + len(tables) + 2
    ws.write_url(
        row,
        0,
        f"internal:{_at(findings_name, 'A1')}",
        fmt.get(bold=True, **_LINK),
        string=findings_name,
    )
    for j, width in enumerate((30, 16, 30, 10, 10, 10, 10)):
        ws.set_column(j, j, width)
