"""The output folder: the tool writes and replaces only its own files (issue 11, item 1)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from migrate.cli import cli
from migrate.output import MANIFEST, OutputFolder

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

FIX = Path(__file__).parent / "fixtures"
TRACKER = FIX / "header-on-row-4.xlsx"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), obj={}, catch_exceptions=False)


def _manifest(folder: Path) -> set[str]:
    return {f["name"] for f in json.loads((folder / MANIFEST).read_text("utf-8"))["files"]}


def test_a_folder_of_other_files_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "o"
    (out / "sub").mkdir(parents=True)
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    res = invoke("run", str(TRACKER), "--out", str(out))
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error: --out {out}: the folder exists and holds files")
    assert "--force" in res.stderr and "Traceback" not in res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt", "sub"]


def test_force_writes_beside_the_users_files_and_never_removes_them(tmp_path):
    out = tmp_path / "o"
    (out / "sub").mkdir(parents=True)
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    tracker = out / "tracker.xlsx"  # the input itself lives in the output folder
    tracker.write_bytes(TRACKER.read_bytes())
    res = invoke("run", str(tracker), "--out", str(out), "--force")
    assert res.exit_code in (0, 1), res.stderr
    assert (out / "keep.txt").read_text("utf-8") == "mine"
    assert (out / "sub").is_dir() and tracker.read_bytes() == TRACKER.read_bytes()
    assert "report.html" in _manifest(out)
    # the next run knows the folder by its manifest: no --force needed, the user's files stay
    res = invoke("run", str(tracker), "--out", str(out), "--target", "salesforce")
    assert res.exit_code in (0, 1), res.stderr
    assert (out / "keep.txt").exists() and tracker.exists() and (out / "sub").is_dir()
    # files of the previous run that this one does not write (generic's import.xlsx) go
    assert not (out / "import.xlsx").exists() and (out / "Account.csv").exists()


def test_a_users_file_with_one_of_our_names_is_not_replaced(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "report.html").write_text("my own report", encoding="utf-8")
    res = invoke("run", str(TRACKER), "--out", str(out), "--force")
    assert res.exit_code == 2
    assert res.stderr.startswith(
        f"error: --out {out}: a file of yours has the name of an output of this run"
        " and would not be replaced: report.html"
    )
    assert (out / "report.html").read_text("utf-8") == "my own report"
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]


def test_every_clash_with_the_users_files_is_named_at_once_before_any_work(tmp_path, monkeypatch):
    from migrate import pipeline

    def no_work(*args, **kwargs):
        raise AssertionError("the inputs were read before the output folder was checked")

    monkeypatch.setattr(pipeline, "inspect", no_work)
    out = tmp_path / "o"
    (out / "sub").mkdir(parents=True)
    for name in ("report.json", "review.xlsx", "メモ.txt"):
        (out / name).write_text("mine", encoding="utf-8")
    res = invoke("run", str(TRACKER), "--out", str(out), "--force")
    assert res.exit_code == 2
    first = res.stderr.splitlines()[0]
    assert first.endswith(
        "2 files of yours have the names of outputs of this run and would not be replaced: "
        "report.json, review.xlsx"
    ), first
    assert all((out / n).read_text("utf-8") == "mine" for n in ("report.json", "review.xlsx"))


def test_the_names_a_run_could_write_include_its_targets_files(tmp_path):
    from migrate.bundle import load_rules_bundle
    from migrate.errors import UserError
    from migrate.output import output_names

    rules = load_rules_bundle()
    salesforce = output_names(rules.target("salesforce"))
    assert {"Account.csv", "Opportunity.csv", "rejects.csv", "report.json"} <= set(salesforce)
    assert "import.xlsx" in output_names(rules.target("generic"))
    assert "Account.csv" not in output_names(None)
    out = tmp_path / "o"
    out.mkdir()
    (out / "Account.csv").write_text("mine", encoding="utf-8")
    (out / "records.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(UserError, match=r"2 files .*: Account.csv, records.csv\n"):
        OutputFolder(out, force=True, names=salesforce).prepare()
    # a name the run does not write is no clash (an audit writes no Account.csv)
    (out / "records.csv").unlink()
    OutputFolder(out, force=True, names=output_names(None)).prepare()
    # a manifest of an earlier run makes its files ours: no clash
    folder = OutputFolder(out, names=["Account.csv"])
    (out / MANIFEST).write_text(json.dumps({"files": [{"name": "Account.csv"}]}), encoding="utf-8")
    folder.prepare()


def test_an_output_never_replaces_an_input(tmp_path):
    out = tmp_path / "o"
    invoke("run", str(TRACKER), "--out", str(out))
    records = out / "records.csv"
    before = records.read_bytes()
    res = invoke("run", str(records), "--out", str(out))
    assert res.exit_code == 2
    assert "would replace an input file of this run" in res.stderr
    assert records.read_bytes() == before


def test_out_dot_refuses_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = invoke("run", str(TRACKER), "--out", ".")
    assert res.exit_code == 2 and "Traceback" not in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.slow
def test_a_killed_run_leaves_the_previous_output_and_is_cleaned_up(tmp_path):
    out = tmp_path / "o"
    invoke("run", str(TRACKER), "--out", str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    # a run killed while writing: an incomplete staging folder
    half = out / ".sfa-migrate-tmp-deadbeef0000"
    half.mkdir()
    (half / "records.csv").write_text("half", encoding="utf-8")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    # a run of the first version killed beside the folder
    (tmp_path / ".o.tmp-0123abcd").mkdir()
    invoke("run", str(TRACKER), "--out", str(out))
    assert not half.exists() and not (tmp_path / ".o.tmp-0123abcd").exists()
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_a_run_killed_while_moving_is_finished_by_the_next(tmp_path):
    out = tmp_path / "o"
    folder = OutputFolder(out)
    folder.prepare()
    with folder.staging() as tmp:
        (tmp / "a.csv").write_text("1", encoding="utf-8")
    folder = OutputFolder(out)
    folder.prepare()
    # simulate a kill after the staging folder was marked complete, before anything moved
    import migrate.output as output

    real = output._commit
    output._commit = lambda tmp, target: None
    try:
        with folder.staging() as tmp:
            (tmp / "a.csv").write_text("2", encoding="utf-8")
            (tmp / "b.csv").write_text("2", encoding="utf-8")
    finally:
        output._commit = real
    assert (out / "a.csv").read_text("utf-8") == "1"  # the previous complete output
    OutputFolder(out).prepare()  # the next run finishes the move first
    assert (out / "a.csv").read_text("utf-8") == "2" and (out / "b.csv").exists()
    assert _manifest(out) == {"a.csv", "b.csv"}
    assert not [p for p in out.iterdir() if p.name.startswith(".sfa-migrate-tmp-")]


@pytest.mark.slow
def test_an_output_folder_of_the_first_version_is_recognised(tmp_path):
    out = tmp_path / "o"
    invoke("run", str(TRACKER), "--out", str(out))
    (out / MANIFEST).unlink()  # what version 0.1.0 left: our files, no manifest
    res = invoke("run", str(TRACKER), "--out", str(out))
    assert res.exit_code in (0, 1), res.stderr
    assert (out / MANIFEST).exists()


def test_a_read_only_folder_gives_one_line(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    # root may write anywhere on disk, but not into /proc
    target = Path("/proc/1/sfa-out") if os.geteuid() == 0 else parent / "o"
    if not Path("/proc/1").is_dir() and os.geteuid() == 0:
        pytest.skip("no read-only folder for root on this system")
    try:
        res = invoke("run", str(TRACKER), "--out", str(target))
    finally:
        parent.chmod(0o700)
    assert res.exit_code == 2
    assert "cannot write there" in res.stderr and "Traceback" not in res.stderr


def test_an_out_path_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "o"
    f.write_text("x", encoding="utf-8")
    res = invoke("run", str(TRACKER), "--out", str(f))
    assert res.exit_code == 2 and "is a file" in res.stderr
    assert f.read_text("utf-8") == "x"


# ------------------------------------------------------------------ formulas (issue 11, item 5)
from migrate.output import is_formula_payload  # noqa: E402


@pytest.mark.parametrize(
    ("value", "payload"),
    [
        ('=HYPERLINK("http://evil","x")', True),
        ("-@SUM(1)", True),
        ("@SUM(1)", True),
        ("+1 call", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("\t=1", True),
        ("@cosme", False),  # a company's name
        ("+81312345678", False),  # E.164
        ("+81 3-1234-5678", False),
        ("-5", False),
        ("-5%", False),
        ("+1,234.50", False),
        ("株式会社=テスト", False),
        ("", False),
    ],
)
def test_formula_payloads(value, payload):
    assert is_formula_payload(value) is payload


def test_payload_mask_is_the_test_of_each_cell_whatever_the_cell():
    """The column mask (first characters in numpy, then each distinct candidate) marks what
    the test of each cell's text marks: texts, numbers whose text starts with -, blanks,
    dates, booleans and a tuple cell."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    from migrate.output import payload_mask

    cells = ["=1+1", "-5", "-1e-05", -1e-05, -5.0, "+81312345678", "@cosme", "@x y", "\r", "-"]
    cells += [None, np.nan, pd.NA, "", "a=b", "＝1", dt.date(2026, 1, 2), True, ("=a", "-b")]
    expected = [
        isinstance(c, str)
        and is_formula_payload(c)
        or not isinstance(c, (str, tuple))
        and not pd.isna(c)
        and is_formula_payload(str(c))
        for c in cells
    ]
    assert payload_mask(pd.Series(cells, dtype=object)).tolist() == expected
    texts = [c for c in cells if isinstance(c, str)] + [None]
    assert payload_mask(pd.Series(texts, dtype="str")).tolist() == [
        is_formula_payload(c) if c else False for c in texts
    ]


def test_every_csv_the_tool_writes_is_free_of_formulas(tmp_path):
    import csv
    import io

    import pandas as pd

    src = tmp_path / "tracker.xlsx"
    rows = pd.DataFrame(
        {
            "Company": ['=HYPERLINK("http://x","a")', "@cosme", "-@SUM(1)"],
            "Contact": ["A B", "C D", "=1+2"],
            "Phone": ["+81312345678", "+81312345679", "03-1234-5678"],
            "Deal": ["d1", "d2", "+1 upsell"],
            "Amount": [1, 2, 3],
        }
    )
    # the texts as text cells, as a user who typed '=... in Excel has them
    options = {"options": {"strings_to_formulas": False}}
    with pd.ExcelWriter(src, engine="xlsxwriter", engine_kwargs=options) as w:
        rows.to_excel(w, sheet_name="=1+1", index=False)
    out = tmp_path / "o"
    res = invoke("run", str(src), "--out", str(out), "--target", "salesforce")
    assert res.exit_code in (0, 1), res.stderr
    seen = set()
    for path in out.glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                assert not is_formula_payload(cell), (path.name, cell)
                seen.add(cell)
    assert "'=1+1" in seen and "@cosme" in seen and "+81312345678" in seen
    findings = pd.read_csv(out / "findings.csv", dtype=str, keep_default_na=False)
    hits = findings[findings["rule"] == "output.formula-neutralised"]
    # the company cells, the contact cell, the deal cell and the sheet name
    assert len(hits) >= 5 and "'=1+1" in set(hits["value"])


def _rewritten_by_writestr(path: Path) -> bytes:
    """What make_reproducible wrote before it copied compressed entries: every entry inflated
    and deflated again by ZipFile.writestr."""
    import zipfile

    from migrate.output import _CORE_DATES

    out = path.with_name("by-writestr.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    return out.read_bytes()


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
def test_make_reproducible_copies_entries_into_the_bytes_writestr_gives(tmp_path, writer):
    import shutil
    import zipfile

    import openpyxl
    import xlsxwriter

    from migrate.output import make_reproducible

    path = tmp_path / "book.xlsx"
    rows = [["会社名", "金額"], *[[f"株式会社テスト{i}", i * 1000] for i in range(2000)]]
    if writer == "xlsxwriter":
        book = xlsxwriter.Workbook(path, {"constant_memory": True})
        sheet = book.add_worksheet("品質")
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        book.close()
    else:
        wb = openpyxl.Workbook()
        wb.active.title = "品質"
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    reference = tmp_path / "reference.xlsx"
    shutil.copy(path, reference)
    expected = _rewritten_by_writestr(reference)
    make_reproducible(path)
    assert path.read_bytes() == expected
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in z.read("docProps/core.xml")


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(
            {
                "a": ["x", "a,b", 'say "hi"', "two\nlines", "cr\ronly", "", None, "東京, 日本"],
                "b": [1, -2, 3, 0, 10**12, 5, 6, 7],
                "c": [True, False, True, True, False, False, True, False],
                "d": pd.Series(["p", None, "q", "", "r,s", "t", None, "u"], dtype="str"),
                "e": ["", float("nan"), pd.NA, None, " lead", "trail ", "\t", "𠮷"],
                "f,g": ["1", "2", "3", "4", "5", "6", "7", "8"],
            }
        ),
        pd.DataFrame({"only": ["", "a", None, "b,c", ""]}),  # one empty field is quoted
        pd.DataFrame({"": ["x", ""]}),
        pd.DataFrame({"mixed": ["a", 1, 2.5, None], "t": ["a", "b", "c", "d"]}),  # pandas writes
        pd.DataFrame({"f": [1.5, float("nan"), 2.0], "t": ["a", "b", "c"]}),  # pandas writes
        pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype="str")}),
        pd.DataFrame({"a": ["x" * 3, *(f"v{i % 7},{i}" for i in range(5_000))]}),  # blocks
    ],
)
@pytest.mark.parametrize("bom", [False, True])
def test_write_csv_gives_the_bytes_of_pandas_to_csv(tmp_path, frame, bom):
    from migrate.output import write_csv

    write_csv(frame, tmp_path / "ours.csv", bom=bom, neutralise=False)
    frame.to_csv(
        tmp_path / "pandas.csv",
        index=False,
        encoding="utf-8-sig" if bom else "utf-8",
        lineterminator="\n",
        na_rep="",
    )
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_collector_paused_frees_the_blocks_cycles_and_restores_the_collector():
    import gc
    import weakref

    from migrate.output import collector_paused

    class Node:
        pass

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: left as it is
            assert not gc.isenabled()
        assert not gc.isenabled()
        a, b = Node(), Node()
        a.other, b.other = b, a  # a reference cycle, garbage once the names go
        gone = weakref.ref(a)
        del a, b
        assert gone() is not None
    assert gc.isenabled() and gone() is None
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a collector already off stays off
    finally:
        gc.enable()


def test_payload_candidates_of_an_arrow_text_column_are_numpys() -> None:
    """A str (Arrow) column's cells that may be formula payloads, found in Arrow, are those the
    first character of each cell's str() gives (a missing cell's "nan" is none)."""
    import numpy as np

    from migrate import output

    values = ["=1", None, "a", "-5", "+x", "\tq", "@h", "", "日本", "\r", "nan", "@"]
    for cells in (values, [None, None], []):
        column = pd.Series(cells, dtype="str")
        firsts = output._first_characters(column.to_numpy(dtype=object))
        want = np.isin(firsts, output._PAYLOAD_FIRST)
        assert output._may_be_payloads(column).tolist() == want.tolist()
        plain = pd.Series(cells, dtype=object)
        assert output.payload_mask(column).tolist() == output.payload_mask(plain).tolist()
