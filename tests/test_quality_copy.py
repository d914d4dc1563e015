"""quality.xlsx designed for size: every source row when small, only problem rows when large (issue 14)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from migrate import pipeline
from migrate.report.workbook import copy_mode, notes_mode, problem_rows
from migrate.rules import DEFAULT_RULES_DIR

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

ROWS = [
    {"Company": f"Acme {i} Inc.", "Deal": f"Deal {i}", "Amount": 1000 * (i + 1),
     "Stage": "Proposal", "Email": f"buyer{i}@acme{i}.com", "Updated": "2026-02-01"}
    for i in range(12)
]  # fmt: skip
ROWS[4]["Email"] = "buyer4@"  # not an address: a warning on the sheet's row 6
ROWS[9]["Amount"] = "about ten"  # not an amount: row 11


@pytest.mark.parametrize(
    ("requested", "rows", "limit", "want"),
    [
        ("auto", 10, 50, "full"),
        ("auto", 50, 50, "full"),
        ("auto", 51, 50, "problems"),
        ("full", 10**6, 50, "full"),
        ("problems", 1, 50, "problems"),
    ],
)
def test_copy_mode(requested, rows, limit, want):
    assert copy_mode(requested, rows, limit) == want


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    src = tmp_path / "deals.csv"
    pd.DataFrame(ROWS).to_csv(src, index=False)
    return src


def _sheet_rows(path: Path) -> tuple[dict[str, list[int]], list[str]]:
    wb = openpyxl.load_workbook(path)
    rows = {
        ws.title: [r[0].row for r in ws.iter_rows() if any(c.value is not None for c in r)]
        for ws in wb.worksheets
    }
    guide = [str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value]
    return rows, guide


def _problem_rows(res) -> set[int]:
    f = res.findings
    return set(f.loc[f["severity"].isin(["warning", "error"]) & (f["row"] > 0), "row"].astype(int))


def test_problems_copies_the_header_and_the_problem_rows_at_their_own_numbers(tracker, tmp_path):
    res = pipeline.run(
        [str(tracker)], out=tmp_path / "o", target="generic", quality_copy="problems"
    )
    problems = _problem_rows(res)
    assert {6, 11} <= problems
    rows, guide = _sheet_rows(tmp_path / "o" / "quality.xlsx")
    source = next(v for k, v in rows.items() if k.startswith("deals"))
    assert source == sorted({1} | problems)  # the header row, then only the problem rows
    assert any("--quality-copy full" in line for line in guide)
    report = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert report["context"]["quality_workbook"] == {
        "copy": "problems",
        "requested": "problems",
        "max_rows": 50000,
        "max_problem_rows": 20000,
        "problem_rows": len(problems),
        "problem_rows_shown": len(problems),
    }
    wb = openpyxl.load_workbook(tmp_path / "o" / "quality.xlsx")
    listed = {str(c.value).lower() for c in wb.worksheets[-1]["B"][1:]}  # severity column
    assert listed and listed <= {"warning", "error"}  # the info findings are in findings.csv


def test_a_small_run_copies_every_row(tracker, tmp_path):
    pipeline.run([str(tracker)], out=tmp_path / "o", target="generic")
    rows, guide = _sheet_rows(tmp_path / "o" / "quality.xlsx")
    source = next(v for k, v in rows.items() if k.startswith("deals"))
    assert source == list(range(1, len(ROWS) + 2))
    assert not any("--quality-copy full" in line for line in guide)


def test_auto_switches_to_problem_rows_above_the_rules_limit(tracker, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    text = (rules / "report.yaml").read_text(encoding="utf-8")
    (rules / "report.yaml").write_text(
        text.replace("quality_copy_max_rows: 50000", "quality_copy_max_rows: 5"), encoding="utf-8"
    )
    res = pipeline.run([str(tracker)], out=tmp_path / "o", target="generic", rules_dir=str(rules))
    assert res.report["context"]["quality_workbook"]["copy"] == "problems"
    rows, _ = _sheet_rows(tmp_path / "o" / "quality.xlsx")
    source = next(v for k, v in rows.items() if k.startswith("deals"))
    assert len(source) < len(ROWS)


def _findings(*rows: tuple[str, int, str, str]) -> pd.DataFrame:
    """Findings of (sheet, row, rule, severity) in one file."""
    return pd.DataFrame(
        [{"file": "t.xlsx", "sheet": sh, "row": r, "rule": rule, "severity": sev}
         for sh, r, rule, sev in rows]
    )  # fmt: skip


def test_problem_rows_lays_out_errors_then_the_rarer_findings_each_row_whole():
    stale = [("S", r, "stages.stale", "warning") for r in range(2, 12)]  # 10 rows
    findings = _findings(
        *stale,
        ("S", 9, "normalize.invalid-email", "warning"),  # rare, on a stale row
        ("S", 20, "normalize.invalid-email", "warning"),
        ("T", 5, "export.invalid-amount", "error"),  # an error, on another sheet
        ("S", 0, "ingest.header-guess", "warning"),  # a whole-sheet finding: always kept
    )
    cut = problem_rows(findings, 4)
    kept = findings[cut.keep]
    assert (cut.total, cut.shown) == (12, 4)
    # the error's row, then the two rows of the rare rule, then the first stale row in order
    assert set(zip(kept["sheet"], kept["row"])) == {
        ("T", 5),
        ("S", 9),
        ("S", 20),
        ("S", 2),
        ("S", 0),
    }
    assert ("S", 9, "stages.stale") in set(
        zip(kept["sheet"], kept["row"], kept["rule"])
    )  # whole row
    assert cut.left == [("stages.stale", 8)]


def test_problem_rows_within_the_limit_or_without_one_keeps_every_row():
    findings = _findings(*[("S", r, "stages.stale", "warning") for r in range(2, 7)])
    for limit in (0, 5, 6):
        cut = problem_rows(findings, limit)
        assert cut.keep.all() and (cut.total, cut.shown, cut.left) == (5, 5, [])


def test_problem_rows_are_laid_out_up_to_the_rules_limit(tmp_path):
    rows = [
        {"Company": f"Acme {i} Inc.", "Deal": f"Deal {i}", "Amount": 1000 * (i + 1),
         "Stage": "Proposal", "Email": f"buyer{i}@acme{i}.com",
         "Updated": "2025-01-10" if i < 20 else "2026-02-01"}
        for i in range(30)
    ]  # fmt: skip
    rows[25]["Email"] = "buyer25@"  # a rare warning on a row that is not stale
    src = tmp_path / "deals.csv"
    pd.DataFrame(rows).to_csv(src, index=False)
    rules = _rules_with(tmp_path, "quality_problem_rows_max: 20000", "quality_problem_rows_max: 5")
    res = pipeline.run(
        [str(src)],
        out=tmp_path / "o",
        target="generic",
        rules_dir=str(rules),
        quality_copy="problems",
        lang="en",
    )
    problems = _problem_rows(res)
    assert len(problems) > 5 and 27 in problems  # row 27: the bad e-mail, under the header
    sheet = res.report["context"]["quality_workbook"]
    assert (sheet["problem_rows"], sheet["problem_rows_shown"]) == (len(problems), 5)
    rows_out, guide = _sheet_rows(tmp_path / "o" / "quality.xlsx")
    source = next(v for k, v in rows_out.items() if k.startswith("deals"))
    assert source[0] == 1 and 27 in source and len(source) == 1 + 5
    line = next(x for x in guide if "quality_problem_rows_max" in x)
    assert f"{len(problems):,} rows have a warning or an error" in line
    assert f"the other {len(problems) - 5:,} rows" in line
    wb = openpyxl.load_workbook(tmp_path / "o" / "quality.xlsx")
    listed = {int(c.value) for c in wb.worksheets[-1]["I"][1:] if c.value}  # the row column
    assert listed <= set(source)  # the Findings sheet lists the laid-out rows' findings
    assert len(res.findings) > len(listed)  # findings.csv keeps them all


def _rules_with(tmp_path: Path, old: str, new: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    text = (rules / "report.yaml").read_text(encoding="utf-8")
    assert old in text
    (rules / "report.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return rules


@pytest.mark.parametrize(
    ("requested", "laid_out", "limit", "want"),
    [
        ("auto", 10, 10, "comments"),
        ("auto", 11, 10, "column"),
        ("problems", 11, 10, "column"),
        ("full", 10**6, 10, "comments"),  # the annotated copy, on request
    ],
)
def test_notes_mode(requested, laid_out, limit, want):
    assert notes_mode(requested, laid_out, limit) == want


def test_above_cell_comments_max_a_notes_column_replaces_the_comments(tracker, tmp_path):
    rules = _rules_with(tmp_path, "cell_comments_max: 10000", "cell_comments_max: 1")
    res = pipeline.run(
        [str(tracker)], out=tmp_path / "o", target="generic", rules_dir=str(rules), lang="en"
    )
    sheet = res.report["context"]["quality_workbook"]
    assert sheet == {
        "copy": "full",
        "requested": "auto",
        "max_rows": 50000,
        "cell_notes": "column",
        "cell_comments_max": 1,
    }
    wb = openpyxl.load_workbook(tmp_path / "o" / "quality.xlsx")
    ws = next(w for w in wb.worksheets if w.title.startswith("deals"))
    head = [c.value for c in ws[1]]
    notes_col = head.index("Notes") + 1
    assert head[notes_col - 2] == "Import result"  # right after the status column
    # the header row's cells (findings about a whole column) keep their few comments
    assert not [c.coordinate for row in ws.iter_rows(min_row=2) for c in row if c.comment]
    problems = _problem_rows(res)
    noted = {c.row for c in ws[openpyxl.utils.get_column_letter(notes_col)][1:] if c.value}
    assert noted == problems
    email = head.index("Email") + 1
    cell = ws.cell(6, email)
    assert cell.fill.fgColor.rgb.endswith("FCE8B2")  # the problem cell keeps its colour
    note = ws.cell(6, notes_col).value
    assert note.startswith(f"{cell.column_letter}6 Email: [Warning] ")
    assert "buyer4@" in note  # the original value, as the comment had it
    _, guide = _sheet_rows(tmp_path / "o" / "quality.xlsx")
    assert any("--quality-copy full" in line and "Notes" in line for line in guide)
    # the guide's opening line sends the reader to the Notes column, not to comments
    assert any("in the Notes column at the right of each row" in line for line in guide)
    assert not any("carry a comment" in line for line in guide)


def test_quality_copy_full_keeps_the_comments_above_cell_comments_max(tracker, tmp_path):
    rules = _rules_with(tmp_path, "cell_comments_max: 10000", "cell_comments_max: 1")
    res = pipeline.run(
        [str(tracker)],
        out=tmp_path / "o",
        target="generic",
        rules_dir=str(rules),
        quality_copy="full",
    )
    assert "cell_notes" not in res.report["context"]["quality_workbook"]
    wb = openpyxl.load_workbook(tmp_path / "o" / "quality.xlsx")
    ws = next(w for w in wb.worksheets if w.title.startswith("deals"))
    commented = {c.row for row in ws.iter_rows() for c in row if c.comment}
    assert _problem_rows(res) <= commented


def _cell_by_cell(ws, rows, header_row, head, row_cells, *_args) -> None:
    """quality.xlsx's source rows written one cell at a time (what the XML rows replace)."""
    for r in rows:
        line, blanks = head if r == header_row else row_cells(r)
        ws.put_row(r - 1, line)
        for col, f in blanks:
            ws.write_blank(r - 1, col, None, f)


@pytest.mark.parametrize(
    ("copy", "comments_max"),
    [("full", 10000), ("problems", 10000), ("full", 1)],
    ids=["full-copy", "problem-rows", "notes-column"],
)
def test_source_rows_as_xml_are_the_bytes_of_cell_by_cell_writing(
    tmp_path, monkeypatch, copy, comments_max
):
    """Rows joined from per-value XML give the workbook cell-by-cell writing gives: the style
    indices (a date-time format first used below a filled cell, the fills of blank cells), a
    text too long for the row XML (xlsxwriter writes that row) and rows without data."""
    from migrate.report import workbook

    rows = [dict(r) for r in ROWS]
    rows[2]["Amount"] = ""  # a blank cell on a problem row: filled, no value
    rows[3]["Updated"] = "2026-02-01 10:30:00"  # a date-time, first on a row below a fill
    rows[7]["Deal"] = "x" * 20000  # over half of Excel's limit: the row goes cell by cell
    src = tmp_path / "deals.csv"
    pd.DataFrame(rows).to_csv(src, index=False)
    rules = _rules_with(tmp_path, "cell_comments_max: 10000", f"cell_comments_max: {comments_max}")
    monkeypatch.setattr(workbook, "_ROWS_PER_BLOCK", 4)  # rows built in several blocks
    out = {}
    for how in ("rows", "cells"):
        with monkeypatch.context() as m:
            if how == "cells":
                m.setattr(workbook, "_write_rows", _cell_by_cell)
            pipeline.run(
                [str(src)], out=tmp_path / how, target="generic", rules_dir=str(rules),
                quality_copy=copy,
            )  # fmt: skip
        out[how] = (tmp_path / how / "quality.xlsx").read_bytes()
    assert out["rows"] == out["cells"]
    if copy == "full":  # the problem copy leaves out these rows
        wb = openpyxl.load_workbook(tmp_path / "rows" / "quality.xlsx")
        ws = next(w for w in wb.worksheets if w.title.startswith("deals"))
        assert ws.cell(5, 6).number_format == "yyyy-mm-dd hh:mm"
        assert ws.cell(9, 2).value == "x" * 20000


@pytest.mark.parametrize("max_links", [65530, 3], ids=["links", "links-then-formulas"])
def test_findings_rows_as_xml_are_the_bytes_of_cell_by_cell_writing(
    tracker, tmp_path, monkeypatch, max_links
):
    """The Findings sheet's rows joined from per-value XML, with their hyperlinks (and the
    HYPERLINK formulas past Excel's hyperlinks per sheet), give the cell-by-cell workbook."""
    from migrate.report import workbook

    def cell_by_cell(ws, rows, pieces, odd, by_cells, after=None) -> None:
        for k in range(len(rows)):
            by_cells(k)

    monkeypatch.setattr(workbook, "_MAX_LINKS", max_links)
    monkeypatch.setattr(workbook, "_ROWS_PER_BLOCK", 4)
    out = {}
    for how in ("rows", "cells"):
        with monkeypatch.context() as m:
            if how == "cells":
                m.setattr(workbook, "put_xml_rows", cell_by_cell)
            pipeline.run([str(tracker)], out=tmp_path / how, target="generic")
        out[how] = (tmp_path / how / "quality.xlsx").read_bytes()
    assert out["rows"] == out["cells"]
    ws = openpyxl.load_workbook(tmp_path / "rows" / "quality.xlsx").worksheets[-1]
    links = [c for c in ws["K"][1:] if c.value]
    assert len(links) > max_links or max_links > len(links)
    assert all(c.hyperlink for c in links[:max_links])
    assert all(str(c.value).startswith("=HYPERLINK(") for c in links[max_links:])


def test_texts_taken_at_once_are_the_cells_asked_one_by_one() -> None:
    """quality.xlsx's columns take the texts a cell leaves as they are in one pass
    (workbook._texts_as_they_are): the same answers as asking the cell of each text, for a
    source column (numbers, ISO dates, full-width and other decimal digits, characters Excel
    cannot show) and for the Findings sheet's message and plain columns (trimmed, cleaned)."""
    from migrate.report import values as rv
    from migrate.report import workbook as wbk

    texts = [
        "plain", "", " lead", "trail ", "\u3000全角", "１２３", "٣٤", "-5", "-x", "0", "012",
        "2024-01-31", "2024-01-31 10:00:00", "2024-13-45", "1,200", "a\x01b", "tab\tx",
        "line\nx", "_x0041_", "=SUM(A1)", "12.50", "9" * 20,
    ]  # fmt: skip

    def source(x: object) -> tuple[object, object]:
        value = wbk._writable(wbk._cell_value(x, "company_name", False))
        return value, wbk._number_format(value)

    def message(x: object) -> tuple[object, object]:
        return wbk._writable(wbk._ILLEGAL.sub("", rv.text(x))), None

    def plain(x: object) -> tuple[object, object]:
        return wbk._writable(x), None

    for cell, kw in (
        (source, {"clean": True, "typed": True}),
        (message, {"clean": True, "trimmed": True}),
        (plain, {}),
    ):
        for some in (texts, [t for t in texts if not wbk._ILLEGAL.search(t)]):
            assert wbk._texts_as_they_are(cell, **kw)(some) == [cell(t) for t in some]


def test_records_are_to_dict_records() -> None:
    """workbook._records is DataFrame.to_dict("records"), types and all: object, str, int and
    float columns with missing values; numpy scalars or pd.NA in an object column (pandas
    boxes them); a str column."""
    import numpy as np

    from migrate.report import workbook as wbk

    frames = [
        pd.DataFrame(
            {
                "a": ["x", None, "y"],
                "b": pd.Series(["p", None, "q"], dtype="str"),
                "c": [1, 2, 3],
                "d": [1.5, float("nan"), 2.0],
                "e": pd.Series([1, "t", None], dtype=object),
            }
        ),
        pd.DataFrame({"a": pd.Series([np.int64(1), pd.NA, np.float64(2.5)], dtype=object)}),
        pd.DataFrame({"a": pd.Series(["x", None], dtype="string"), "b": [True, False]}),
    ]
    for frame in frames:
        want, got = frame.to_dict("records"), wbk._records(frame)
        assert [list(r) for r in got] == [list(r) for r in want]
        for g, w in zip(got, want):
            assert [type(x) for x in g.values()] == [type(x) for x in w.values()]
            assert repr(g) == repr(w)
