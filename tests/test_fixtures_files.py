"""Guard the test data itself: each quirk fixture opens (or fails) the way tests/fixtures/README.md
says, and the generated truth of sample_data/ and bench/holdout/ matches its files.

If one of these fails, the data changed, not the code under test: regenerate with
`.venv/bin/python tests/fixtures/make_fixtures.py` (or sample_data/generate.py,
bench/holdout/generate.py) and check the READMEs still hold.
"""

from __future__ import annotations

import importlib.util
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
HEADER_JA = ["会社名", "担当者名", "メールアドレス", "電話番号", "金額", "ステージ", "受注予定日"]
HEADER_EN = ["Company", "Contact", "Email", "Phone", "Amount", "Stage", "Close Date"]
COMPANIES_JA = [
    "株式会社山田電気",
    "(株)積水化成品工業",
    "Acme Labs株式会社",
    "有限会社みなと商事",
    "北斗システム株式会社",
    "ミドリ物産株式会社",
]
DATES_JA = [
    date(2026, 3, 31),
    date(2026, 4, 15),
    date(2026, 5, 20),
    date(2026, 2, 27),
    date(2026, 1, 30),
    date(2026, 6, 30),
]


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sheet(name: str, sheet: str | int = 0) -> list[list]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(FIXTURES / name))
    ws = wb.get_sheet_by_index(sheet) if isinstance(sheet, int) else wb.get_sheet_by_name(sheet)
    return ws.to_python(skip_empty_area=False)


def _as_date(v) -> date:
    return v.date() if isinstance(v, datetime) else v


# fixture, sheet, header row, data rows (Excel numbers), header texts
LAYOUTS = [
    ("header-on-row-4.xlsx", 0, 4, [5, 6, 7, 8, 9, 10], HEADER_JA),
    ("merged-title.xlsx", 0, 3, [4, 5, 6, 7, 8, 9], HEADER_JA),
    ("repeated-header.xlsx", 0, 1, [2, 3, 4, 7, 8, 9], HEADER_JA),
    ("subtotal-rows.xlsx", 0, 1, [2, 3, 4, 6, 7, 8], HEADER_JA),
    ("note-rows.xlsx", 0, 2, [3, 4, 6, 7, 10, 11], HEADER_JA),
    ("rep-master-sheet.xlsx", "案件一覧", 1, [2, 3, 4, 5, 6, 7], [*HEADER_JA, "営業担当"]),
    ("date1904.xlsx", 0, 1, [2, 3, 4, 5, 6, 7], HEADER_JA),
    ("hidden-sheet-and-rows.xlsx", "案件", 1, [2, 3, 4, 5, 6, 7], HEADER_JA),
    ("macro.xlsm", 0, 1, [2, 3, 4, 5, 6, 7], HEADER_JA),
    ("calc.ods", 0, 1, [2, 3, 4, 5, 6, 7], HEADER_JA),
    ("binary.xlsb", 0, 2, [3, 4, 5, 6, 7, 8], HEADER_JA),
    ("legacy.xls", 0, 2, [3, 4, 5, 6, 7, 8], HEADER_JA),
]


@pytest.mark.parametrize(
    ("name", "sheet", "header_row", "data_rows", "header"),
    LAYOUTS,
    ids=[layout[0] for layout in LAYOUTS],
)
def test_layout_fixture_reads_as_documented(name, sheet, header_row, data_rows, header):
    rows = _sheet(name, sheet)
    assert rows[header_row - 1][: len(header)] == header
    assert [rows[r - 1][0] for r in data_rows] == COMPANIES_JA
    assert [_as_date(rows[r - 1][6]) for r in data_rows] == DATES_JA


@pytest.mark.parametrize(
    "name", [layout[0] for layout in LAYOUTS] + ["two-row-header.xlsx", "pivot-sheet.xlsx"]
)
def test_fastexcel_opens_fixture(name):
    import fastexcel

    reader = fastexcel.read_excel(str(FIXTURES / name))
    sheet = reader.load_sheet(0, header_row=None)
    assert sheet.height > 0
    assert sheet.width >= 7


def test_two_row_header_has_group_row_above_fields():
    rows = _sheet("two-row-header.xlsx")
    assert rows[0] == ["Customer", "", "", "", "Deal", "", ""]
    assert rows[1] == HEADER_EN
    assert [r[0] for r in rows[2:]] == [
        "Acme Labs K.K.",
        "Acme Logistics Japan",
        "Globex Japan G.K.",
        "Initech KK",
        "Umbrella Pharma Japan",
    ]


def test_merged_title_ranges():
    from python_calamine import CalamineWorkbook

    ws = CalamineWorkbook.from_path(str(FIXTURES / "merged-title.xlsx")).get_sheet_by_index(0)
    assert sorted(ws.merged_cell_ranges) == [((0, 0), (0, 6)), ((1, 0), (1, 6))]


def test_subtotal_rows_keep_cached_formula_values():
    rows = _sheet("subtotal-rows.xlsx")
    assert (rows[4][0], rows[4][4]) == ("小計（東日本）", 5500000)
    assert (rows[8][0], rows[8][4]) == ("小計（西日本）", 3610000)
    assert (rows[9][0], rows[9][4]) == ("合計", 9110000)
    assert (rows[10][3], rows[10][4]) == ("Total (税込)", 10021000)


def test_formula_without_cache_reads_empty_but_formula_is_there():
    import openpyxl

    rows = _sheet("formula-no-cache.xlsx")
    assert [r[4] for r in rows[1:8]] == [""] * 7
    ws = openpyxl.load_workbook(FIXTURES / "formula-no-cache.xlsx").active
    assert ws["E2"].value == "=C2*D2"


def test_date1904_flag_is_set():
    with zipfile.ZipFile(FIXTURES / "date1904.xlsx") as z:
        assert b'date1904="1"' in z.read("xl/workbook.xml")


def test_hidden_sheets_and_rows():
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    wb = CalamineWorkbook.from_path(str(FIXTURES / "hidden-sheet-and-rows.xlsx"))
    visible = {m.name: m.visible for m in wb.sheets_metadata}
    assert visible == {
        "案件": SheetVisibleEnum.Visible,
        "旧データ": SheetVisibleEnum.Hidden,
        "_calc": SheetVisibleEnum.VeryHidden,
    }
    with zipfile.ZipFile(FIXTURES / "hidden-sheet-and-rows.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<row r="4"' in xml and xml.count('hidden="1"') == 2


def test_rep_master_and_settings_sheets():
    rows = _sheet("rep-master-sheet.xlsx", "担当者マスタ")
    assert rows[0] == ["氏名", "ふりがな", "メール", "所属", "内線"]
    assert len(rows) == 4
    settings = _sheet("rep-master-sheet.xlsx", "設定")
    assert settings[0][0] == "ステージ選択肢"


def test_pivot_sheet_is_a_cross_tab():
    rows = _sheet("pivot-sheet.xlsx", "Pivot")
    assert rows[1] == ["Row Labels", "2026-Q1", "2026-Q2", "Grand Total"]
    assert rows[-1][0] == "Grand Total"


def test_empty_workbook_has_no_cells():
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(FIXTURES / "empty.xlsx"))
    assert wb.sheet_names == ["Sheet1"]
    assert wb.get_sheet_by_index(0).to_python() == []


def test_xlsm_has_macro_enabled_content_type():
    with zipfile.ZipFile(FIXTURES / "macro.xlsm") as z:
        assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in z.read(
            "[Content_Types].xml"
        )


def test_xlsb_cell_types():
    rows = _sheet("binary.xlsb")
    assert rows[0][0] == "2026年3月 案件一覧（xlsb）"
    assert rows[2][4] == 1200000 and isinstance(rows[2][4], int)  # RK integer
    assert rows[3][4] == 3500000.5  # BrtCellReal
    assert rows[4][0] == "Acme Labs株式会社"  # BrtCellSt inline string
    with zipfile.ZipFile(FIXTURES / "binary.xlsb") as z:
        assert "xl/workbook.bin" in z.namelist()


def test_encrypted_is_recognised_as_encrypted():
    import msoffcrypto
    from python_calamine import CalamineWorkbook

    with (FIXTURES / "encrypted.xlsx").open("rb") as f:
        office = msoffcrypto.OfficeFile(f)
        assert office.is_encrypted()
    with pytest.raises(Exception, match="password"):
        CalamineWorkbook.from_path(str(FIXTURES / "encrypted.xlsx"))


def test_encrypted_decrypts_with_the_documented_password(tmp_path):
    import msoffcrypto

    out = tmp_path / "plain.xlsx"
    with (FIXTURES / "encrypted.xlsx").open("rb") as f, out.open("wb") as g:
        office = msoffcrypto.OfficeFile(f)
        office.load_key(password="secret")
        office.decrypt(g)
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[3] == HEADER_JA


@pytest.mark.parametrize("name", ["corrupt.xlsx", "not-a-spreadsheet.xlsx"])
def test_broken_files_fail_to_open(name):
    from python_calamine import CalamineWorkbook

    # any calamine error will do; python-calamine 0.4 panics instead (pyo3's PanicException,
    # a BaseException), which the reader also takes for a damaged file
    with pytest.raises(BaseException):  # noqa: B017
        CalamineWorkbook.from_path(str(FIXTURES / name))
    assert not zipfile.is_zipfile(FIXTURES / name)


def test_not_a_spreadsheet_is_a_png():
    assert (FIXTURES / "not-a-spreadsheet.xlsx").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


TEXT_FILES = [
    ("shift-jis.csv", "cp932", ",", HEADER_JA, 7),
    ("utf16.csv", "utf-16", "\t", HEADER_JA, 7),
    ("utf8-bom.csv", "utf-8-sig", ",", HEADER_JA, 7),
    (
        "semicolon.csv",
        "utf-8",
        ";",
        ["Company", "Contact", "Email", "Phone", "Amount (EUR)", "Stage", "Close Date"],
        5,
    ),
    ("tracker.tsv", "utf-8", "\t", HEADER_EN, 6),
    ("csv-named.xlsx", "utf-8", ",", HEADER_JA, 7),
    ("tsv-cp932-named.xls", "cp932", "\t", HEADER_JA, 7),
    ("utf16-named.xlsx", "utf-16", "\t", HEADER_JA, 7),
]


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "header", "lines"), TEXT_FILES, ids=[t[0] for t in TEXT_FILES]
)
def test_text_fixture_encoding_and_shape(name, encoding, delimiter, header, lines):
    import csv
    import io

    raw = (FIXTURES / name).read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode(encoding), newline=""), delimiter=delimiter))
    assert rows[0] == header
    assert len(rows) == lines
    assert all(len(r) == len(header) for r in rows)


def test_shift_jis_is_not_utf8_and_has_nec_characters():
    raw = (FIXTURES / "shift-jis.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp932")
    assert "㈱山田電気" in text and "①" in text


def test_byte_order_marks():
    assert (FIXTURES / "utf16.csv").read_bytes()[:2] == b"\xff\xfe"
    assert (FIXTURES / "utf8-bom.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert not (FIXTURES / "tracker.tsv").read_bytes().startswith(b"\xef\xbb\xbf")


RENAMED_WORKBOOKS = [
    ("xlsx-named.xls", "header-on-row-4.xlsx"),
    ("xlsx-named.csv", "header-on-row-4.xlsx"),
    ("xlsm-named.txt", "macro.xlsm"),
    ("xls-named.xlsx", "legacy.xls"),
    ("ods-named.xlsx", "calc.ods"),
]


@pytest.mark.parametrize(
    ("name", "source"), RENAMED_WORKBOOKS, ids=[r[0] for r in RENAMED_WORKBOOKS]
)
def test_renamed_workbook_is_its_source_byte_for_byte(name, source):
    assert (FIXTURES / name).read_bytes() == (FIXTURES / source).read_bytes()


def test_web_page_is_a_shift_jis_html_table():
    raw = (FIXTURES / "web-page.xls").read_bytes()
    assert b"charset=Shift_JIS" in raw
    text = raw.decode("cp932")
    assert text.count("<tr>") == 8 and "<td colspan=8>" in text
    assert "初回訪問<br>見積待ち" in text and "R&amp;D" in text
    for company in COMPANIES_JA:
        assert company in text


def test_xml_spreadsheet_2003_has_two_worksheets_one_hidden():
    import xml.etree.ElementTree as ET

    ss = "{urn:schemas-microsoft-com:office:spreadsheet}"
    root = ET.parse(FIXTURES / "xml-spreadsheet-2003.xls").getroot()
    sheets = root.findall(f"{ss}Worksheet")
    assert [w.get(f"{ss}Name") for w in sheets] == ["案件", "設定"]
    rows = sheets[0].findall(f"{ss}Table/{ss}Row")
    assert len(rows) == 7 and rows[4].get(f"{ss}Hidden") == "1"
    assert [d.text for d in rows[0].iter(f"{ss}Data")] == HEADER_JA


def test_truncated_xls_is_an_ole2_file_cut_short():
    from python_calamine import CalamineWorkbook

    raw = (FIXTURES / "truncated.xls").read_bytes()
    assert raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert len(raw) < len((FIXTURES / "legacy.xls").read_bytes())
    # any calamine error will do; python-calamine 0.4 panics instead (pyo3's PanicException,
    # a BaseException), which the reader also takes for a damaged file
    with pytest.raises(BaseException):  # noqa: B017
        CalamineWorkbook.from_path(str(FIXTURES / "truncated.xls"))


def test_zip_bomb_expands_to_the_requested_size(tmp_path):
    maker = _load_maker()
    size = 20 * 1024 * 1024
    path = maker.make_zip_bomb(tmp_path / "bomb.xlsx", size)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size == size
    assert info.file_size / info.compress_size > 500
    assert path.stat().st_size < size / 500


def test_generator_is_deterministic(tmp_path):
    pytest.importorskip("xlsxwriter")  # writes most fixtures; a dev dependency
    maker = _load_maker()
    maker.main([str(tmp_path / "a")])
    for name in maker.FIXTURES:
        fresh = (tmp_path / "a" / name).read_bytes()
        if fresh != (FIXTURES / name).read_bytes():
            # another openpyxl writes other bytes for the same workbook: compare the cells
            assert name.endswith((".xlsx", ".xlsm")), f"{name} is not what the generator writes"
            assert _cells(tmp_path / "a" / name) == _cells(FIXTURES / name), name


def _cells(path: Path) -> list:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb]


# --------------------------------------------------------------------------- generated truth files

ROOT = Path(__file__).resolve().parents[1]
TRUTH_SETS = [
    (ROOT / "sample_data" / "truth" / "layout.json", ROOT / "sample_data"),
    (ROOT / "bench" / "holdout" / "truth.json", ROOT / "bench" / "holdout" / "data"),
]


@pytest.mark.parametrize(("truth_path", "data_dir"), TRUTH_SETS, ids=["sample_data", "holdout"])
def test_layout_truth_matches_the_files(truth_path, data_dir):
    """Every header named in the truth is on its header row; every data row has cells."""
    import csv
    import io
    import json

    from python_calamine import CalamineWorkbook

    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    assert truth
    for name, sheets in truth.items():
        path = data_dir / name
        if name.endswith((".csv", ".tsv")):
            info = sheets[""]
            text = path.read_bytes().decode(info["encoding"])
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=info["delimiter"]))
            assert rows[info["header_row"] - 1] == list(info["columns"]), name
            assert info["data_rows"] == list(range(2, len(rows) + 1)), name
            continue
        wb = CalamineWorkbook.from_path(str(path))
        assert sorted(wb.sheet_names) == sorted(sheets), name
        for sheet, info in sheets.items():
            if info["kind"] != "table":
                assert info["data_rows"] == [] and info["header_row"] is None
                continue
            rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            header = [str(c) for c in rows[info["header_row"] - 1]]
            assert set(info["columns"]) <= set(header), (name, sheet)
            for r in info["data_rows"]:
                assert any(c != "" for c in rows[r - 1]), (name, sheet, r)


def test_sample_entities_cover_exactly_the_data_rows():
    import csv
    import json

    layout = json.loads(
        (ROOT / "sample_data" / "truth" / "layout.json").read_text(encoding="utf-8")
    )
    with (ROOT / "sample_data" / "truth" / "entities.csv").open(encoding="utf-8", newline="") as f:
        entities = list(csv.DictReader(f))
    got = {(e["source_file"], e["source_sheet"], int(e["source_row"])) for e in entities}
    want = {
        (name, sheet, r)
        for name, sheets in layout.items()
        for sheet, info in sheets.items()
        for r in info["data_rows"]
    }
    assert got == want
    assert len(got) == len(entities)
    assert all(e["company_entity"] for e in entities)
