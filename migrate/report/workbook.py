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
from pathlib import Path
from typing import Any

from ..findings import SEVERITIES
from . import values as v
from .text import action_label, field_label, reason_label, t

FILLS = {"error": "F4C7C3", "warning": "FCE8B2", "info": "C6DAFC"}
HEADER_FILL = "E8EAED"
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl refuses in a cell
MAX_SHEET = 31
MAX_COMMENT_ITEMS = 12  # a comment lists this many findings; the findings sheet has them all
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
    "wb.status": ("取込結果", "Import result"),
    "wb.sheet": ("このブックのシート", "Sheet in this workbook"),
    "wb.cell": ("セル", "Cell"),
    "wb.original": ("元の値", "Original"),
    "wb.value": ("修正案・処理後の値", "Suggested / normalised value"),
    "wb.action": ("対応", "Action"),
    "wb.legend": ("色の意味", "Colours"),
    "wb.sheet-level": ("シート全体", "whole sheet"),
    "wb.more": ("… ほか {n} 件（指摘一覧を参照）", "… {n} more (see the Findings sheet)"),
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


def sheet_names(tables: list[Any], reserved: tuple[str, ...] = ()) -> dict[tuple[str, str], str]:
    """A unique Excel sheet name (<= 31 chars) per (file, sheet): 'stem_sheet', shortened."""
    used = {r.casefold() for r in reserved}
    out: dict[tuple[str, str], str] = {}
    for tb in tables:
        stem = Path(tb.file).stem
        base = f"{stem}_{tb.sheet}" if tb.sheet else stem
        base = INVALID_SHEET_CHARS.sub("_", base).strip("'") or "sheet"
        name = base[:MAX_SHEET]
        k = 2
        while name.casefold() in used:
            suffix = f"~{k}"
            name = base[: MAX_SHEET - len(suffix)] + suffix
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


def write_workbook(result: Any, path: Path, *, lang: str = "ja", mask_pii: bool = False) -> None:
    """Write quality.xlsx to ``path``."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import column_index_from_string, get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    tables = [tb for tb in getattr(result, "tables", []) or [] if tb.kind == "table"]
    findings = getattr(result, "findings", None)
    rows_of_findings = findings.to_dict("records") if findings is not None and len(findings) else []
    guide_name, findings_name = _w("guide", lang), _w("findings", lang)
    names = sheet_names(tables, (guide_name, findings_name))
    fills = {s: PatternFill("solid", start_color=c, end_color=c) for s, c in FILLS.items()}
    head_fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    bold = Font(bold=True)

    def show(x: object, field: str = "") -> str:
        s = v.text(x)
        return _ILLEGAL.sub("", str(v.mask_value(s, field)) if mask_pii else s)

    # statuses and owners of the source rows
    status: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    cw = getattr(result, "crosswalk", None)
    if cw is not None and len(cw):
        for f, s, r, st, why in zip(
            cw["source_file"], cw["source_sheet"], cw["source_row"], cw["status"], cw["reason"]
        ):
            label = t(v.text(st), lang)
            why_t = v.text(why)
            status[(v.text(f), v.text(s))][int(r)] = (
                f"{label}: {reason_label(why_t, lang)}" if why_t else label
            )
    owners: dict[tuple[str, str, int], str] = {}
    rec = getattr(result, "records", None)
    if rec is not None and len(rec) and "owner" in rec.columns:
        for f, s, r, o in zip(
            rec["_source_file"], rec["_source_sheet"], rec["_source_row"], rec["owner"]
        ):
            owners[(v.text(f), v.text(s), int(r))] = v.text(o)

    wb = Workbook()
    guide = wb.active
    guide.title = guide_name

    # where each finding lands: (sheet name, cell) -> findings
    targets: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    located: list[tuple[dict[str, Any], str, str]] = []  # (finding, sheet name, cell ref)
    layout: dict[tuple[str, str], tuple[dict[str, str], dict[str, str], str, int]] = {}
    for tb in tables:
        by_header = {c.header: c.column for c in tb.columns}
        by_field = {c.field: c.column for c in tb.columns if c.field}
        last = max((column_index_from_string(c.column) for c in tb.columns), default=0)
        layout[(tb.file, tb.sheet)] = (
            by_header,
            by_field,
            get_column_letter(last + 1),
            tb.header_row or 1,
        )
    for fd in rows_of_findings:
        key = (v.text(fd["file"]), v.text(fd["sheet"]))
        if key not in layout:
            located.append((fd, "", ""))
            continue
        by_header, by_field, status_col, header_row = layout[key]
        col = by_header.get(v.text(fd["column"])) or by_field.get(v.text(fd["field"])) or status_col
        row = int(fd["row"] or 0) or header_row
        ref = f"{col}{row}"
        targets[(names[key], ref)].append(fd)
        located.append((fd, names[key], ref))

    per_sheet_counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SEVERITIES, 0))
    for tb in tables:
        name = names[(tb.file, tb.sheet)]
        ws = wb.create_sheet(name)
        by_header, by_field, status_col, header_row = layout[(tb.file, tb.sheet)]
        fields = {c.column: c.field or "" for c in tb.columns}
        for c in tb.columns:
            cell = ws[f"{c.column}{header_row}"]
            cell.value = _ILLEGAL.sub("", c.header)
            cell.font, cell.fill = bold, head_fill
            width = max(8, min(40, int(max((len(str(c.header)) * 2), 10))))
            ws.column_dimensions[c.column].width = width
        st_head = ws[f"{status_col}{header_row}"]
        st_head.value = _w("wb.status", lang)
        st_head.font, st_head.fill = bold, head_fill
        ws.column_dimensions[status_col].width = 28
        for r in tb.data.index:
            for c in tb.columns:
                if c.index not in tb.data.columns:
                    continue
                value = _cell_value(tb.data.at[r, c.index], fields[c.column], mask_pii)
                if value is None:
                    continue
                cell = ws[f"{c.column}{int(r)}"]
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # a text that looks like a formula stays text
                elif isinstance(value, dt.datetime):
                    cell.number_format = (
                        "yyyy-mm-dd" if value.time() == dt.time() else "yyyy-mm-dd hh:mm"
                    )
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        sheet_status = status.get((tb.file, tb.sheet), {})
        for r, label in sheet_status.items():
            ws[f"{status_col}{r}"] = label
        for r, why in tb.skipped:
            if r not in sheet_status:
                ws[f"{status_col}{r}"] = f"{t('skipped', lang)}: {reason_label(why, lang)}"
        ws.freeze_panes = f"A{header_row + 1}"

    for (name, ref), items in targets.items():
        ws = wb[name]
        cell = ws[ref]
        worst = max((v.text(x["severity"]) for x in items), key=lambda s: SEV_RANK.get(s, 0))
        cell.fill = fills.get(worst, fills["info"])
        lines = []
        items = sorted(items, key=lambda x: -SEV_RANK.get(v.text(x["severity"]), 0))
        for x in items:
            per_sheet_counts[name][v.text(x["severity"])] = (
                per_sheet_counts[name].get(v.text(x["severity"]), 0) + 1
            )
        for x in items[:MAX_COMMENT_ITEMS]:
            field = v.text(x["field"])
            lines.append(
                f"[{t(v.text(x['severity']), lang)}] {v.text(x['rule'])}: {show(x['message'])}"
            )
            if v.text(x["original"]) or v.text(x["value"]):
                before = show(x["original"], field) or t("empty", lang)
                after = show(x["value"], field) or t("empty", lang)
                lines.append(
                    f"  {before} → {after}（{action_label(v.text(x['action']), lang)}）"
                    if lang == "ja"
                    else f"  {before} → {after} ({action_label(v.text(x['action']), lang)})"
                )
        if len(items) > MAX_COMMENT_ITEMS:
            lines.append(_w("wb.more", lang).format(n=len(items) - MAX_COMMENT_ITEMS))
        text = "\n".join(lines)[:30000]
        comment = Comment(text, "sfa-migrate")
        comment.width = 360
        comment.height = min(400, 40 + 18 * len(lines))
        cell.comment = comment

    # the findings sheet
    fs = wb.create_sheet(findings_name)
    head = [
        "#",
        t("severity", lang),
        t("rule", lang),
        t("message", lang),
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
    fs.append(head)
    for cell in fs[1]:
        cell.font, cell.fill = bold, head_fill
    order = {(tb.file, tb.sheet): i for i, tb in enumerate(getattr(result, "tables", []) or [])}
    located.sort(
        key=lambda x: (
            order.get((v.text(x[0]["file"]), v.text(x[0]["sheet"])), 10**6),
            int(x[0]["row"] or 0),
            x[2],
        )
    )
    for i, (fd, name, ref) in enumerate(located, start=1):
        field = v.text(fd["field"])
        at = (v.text(fd["file"]), v.text(fd["sheet"]), int(fd["row"] or 0))
        sev = v.text(fd["severity"])
        fs.append(
            [
                i,
                t(sev, lang),
                v.text(fd["rule"]),
                show(fd["message"]),
                at[0],
                at[1],
                at[2] or None,
                v.text(fd["column"]),
                f"{name}!{ref}" if name else "",
                field_label(field, lang) if field else "",
                show(fd["original"], field),
                show(fd["value"], field),
                action_label(v.text(fd["action"]), lang),
                owners.get(at, ""),
            ]
        )
        row = i + 1  # the header is row 1 (fs.max_row would rescan the sheet every time)
        fs.cell(row, 2).fill = fills.get(sev, fills["info"])
        if name:
            link = fs.cell(row, 9)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!{ref}")
            link.font = Font(color="1A73E8", underline="single")
    fs.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(located) + 1}"
    fs.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJKLMN", (6, 8, 30, 50, 24, 14, 6, 16, 20, 14, 24, 24, 10, 14)):
        fs.column_dimensions[col].width = width

    _guide(
        guide,
        lang,
        tables,
        names,
        per_sheet_counts,
        fills,
        bold,
        head_fill,
        mask_pii,
        findings_name,
        Hyperlink,
        Font,
        Alignment,
    )
    wb.save(path)


def _guide(
    ws: Any,
    lang: str,
    tables: list[Any],
    names: dict[tuple[str, str], str],
    counts: dict[str, dict[str, int]],
    fills: dict[str, Any],
    bold: Any,
    head_fill: Any,
    masked: bool,
    findings_name: str,
    hyperlink: Any,
    font: Any,
    alignment: Any,
) -> None:
    ws["A1"] = _w("wb.title", lang)
    ws["A1"].font = font(bold=True, size=14)
    ws["A2"] = _w("wb.how", lang)
    ws["A2"].alignment = alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:H2")
    ws.row_dimensions[2].height = 48
    r = 3
    if masked:
        ws["A3"] = _w("wb.masked", lang)
        r = 4
    ws.cell(r + 1, 1, _w("wb.legend", lang)).font = bold
    for i, sev in enumerate(SEVERITIES[::-1]):
        c = ws.cell(r + 1, 2 + i, t(sev, lang))
        c.fill = fills[sev]
    start = r + 3
    head = [
        t("file", lang),
        t("sheet", lang),
        _w("wb.sheet", lang),
        t("data", lang),
        t("error", lang),
        t("warning", lang),
        t("info", lang),
    ]
    for j, h in enumerate(head, start=1):
        c = ws.cell(start, j, h)
        c.font, c.fill = bold, head_fill
    for i, tb in enumerate(tables, start=1):
        name = names[(tb.file, tb.sheet)]
        row = start + i
        ws.cell(row, 1, tb.file)
        ws.cell(row, 2, tb.sheet)
        link = ws.cell(row, 3, name)
        link.hyperlink = hyperlink(ref=link.coordinate, location=f"'{name}'!A1")
        link.font = font(color="1A73E8", underline="single")
        ws.cell(row, 4, len(tb.data_rows))
        for j, level in enumerate(("error", "warning", "info"), start=5):
            ws.cell(row, j, counts.get(name, {}).get(level, 0))
    row = start + len(tables) + 2
    link = ws.cell(row, 1, findings_name)
    link.hyperlink = hyperlink(ref=link.coordinate, location=f"'{findings_name}'!A1")
    link.font = font(color="1A73E8", underline="single", bold=True)
    for col, width in zip("ABCDEFG", (30, 16, 30, 10, 10, 10, 10)):
        ws.column_dimensions[col].width = width
