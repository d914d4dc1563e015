"""Ingest: every quirk fixture is read with the right header, data rows and skipped rows."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

from migrate.ingest import read_sources, to_records
from migrate.ingest.files import Limits

FIX = Path(__file__).parent / "fixtures"
SAMPLE = Path(__file__).parent.parent / "sample_data"
JA_FIELDS = ["company_name", "contact_name", "email", "phone", "amount", "stage", "close_date"]


def _tables(name: str, **kw):
    result = read_sources([str(FIX / name)], **kw)
    assert not result.problems, [str(p) for p in result.problems]
    return {t.sheet: t for t in result.tables}, result


def _fields(table) -> list[str | None]:
    return [c.field for c in table.columns]


# (fixture, sheet, header row, data rows, {row: reason})
LAYOUTS = [
    ("header-on-row-4.xlsx", "案件一覧", 4, [5, 6, 7, 8, 9, 10], {1: "row.title", 2: "row.title"}),
    ("merged-title.xlsx", "Sheet1", 3, [4, 5, 6, 7, 8, 9], {1: "row.title", 2: "row.title"}),
    ("two-row-header.xlsx", "Pipeline", 2, [3, 4, 5, 6, 7], {}),
    (
        "repeated-header.xlsx",
        "案件",
        1,
        [2, 3, 4, 7, 8, 9],
        {5: "row.blank", 6: "row.repeated-header"},
    ),
    (
        "subtotal-rows.xlsx",
        "案件",
        1,
        [2, 3, 4, 6, 7, 8],
        {5: "row.subtotal", 9: "row.subtotal", 10: "row.subtotal", 11: "row.subtotal"},
    ),
    (
        "note-rows.xlsx",
        "リスト",
        2,
        [3, 4, 6, 7, 10, 11],
        {
            1: "row.title",
            5: "row.note",
            8: "row.blank",
            9: "row.note",
            12: "row.blank",
            13: "row.note",
        },
    ),
    # a total word in a data row's cell (a product called Sum, a company TOTAL（株）) is not a
    # total; 東日本 計 is one by its sums although they are typed as plain values
    (
        "total-word-in-data.xlsx",
        "案件",
        1,
        [2, 3, 4, 6, 7],
        {5: "row.subtotal", 8: "row.subtotal"},
    ),
    # a row with only a long account name is data; the footer sentence is a note
    (
        "account-list-one-column.xlsx",
        "Accounts",
        1,
        list(range(2, 14)),
        {14: "row.blank", 15: "row.note"},
    ),
    ("date1904.xlsx", "案件", 1, [2, 3, 4, 5, 6, 7], {}),
    ("macro.xlsm", "案件", 1, [2, 3, 4, 5, 6, 7], {}),
    ("calc.ods", "案件", 1, [2, 3, 4, 5, 6, 7], {}),
    ("binary.xlsb", "案件", 2, [3, 4, 5, 6, 7, 8], {1: "row.title"}),
    ("legacy.xls", "案件", 2, [3, 4, 5, 6, 7, 8], {1: "row.title"}),
    ("shift-jis.csv", "", 1, [2, 3, 4, 5, 6, 7], {}),
    ("utf16.csv", "", 1, [2, 3, 4, 5, 6, 7], {}),
    ("utf8-bom.csv", "", 1, [2, 3, 4, 5, 6, 7], {}),
    ("semicolon.csv", "", 1, [2, 3, 4, 5], {}),
    ("tracker.tsv", "", 1, [2, 3, 4, 5, 6], {}),
    # renamed files: read as what their bytes are
    ("xlsx-named.xls", "案件一覧", 4, [5, 6, 7, 8, 9, 10], {1: "row.title", 2: "row.title"}),
    ("xlsx-named.csv", "案件一覧", 4, [5, 6, 7, 8, 9, 10], {1: "row.title", 2: "row.title"}),
    ("xlsm-named.txt", "案件", 1, [2, 3, 4, 5, 6, 7], {}),
    ("xls-named.xlsx", "案件", 2, [3, 4, 5, 6, 7, 8], {1: "row.title"}),
    ("ods-named.xlsx", "案件", 1, [2, 3, 4, 5, 6, 7], {}),
    ("csv-named.xlsx", "", 1, [2, 3, 4, 5, 6, 7], {}),
    ("tsv-cp932-named.xls", "", 1, [2, 3, 4, 5, 6, 7], {}),
    ("utf16-named.xlsx", "", 1, [2, 3, 4, 5, 6, 7], {}),
    ("web-page.xls", "", 2, [3, 4, 5, 6, 7, 8], {1: "row.title"}),
    ("xml-spreadsheet-2003.xls", "案件", 1, [2, 3, 4, 5, 6, 7], {}),
]


@pytest.mark.parametrize(
    ("name", "sheet", "header", "rows", "skipped"), LAYOUTS, ids=[x[0] for x in LAYOUTS]
)
def test_layout_of_each_quirk(name, sheet, header, rows, skipped):
    tables, _ = _tables(name)
    t = tables[sheet]
    assert t.kind == "table"
    assert t.header_row == header
    assert t.data_rows == rows
    assert dict(t.skipped) == skipped
    if t.columns[0].header != "Account Name":
        assert _fields(t)[:7] == JA_FIELDS


NUMBERED = {
    # a No. column numbered in advance (１..20): a row with only its number is no deal, a
    # number and a company is one
    "案件": (
        [2, 3, 4, 6, 7, 8, 17],
        [5, *range(9, 17), *range(18, 22)],
        {22: "row.subtotal", 23: "row.note"},
    ),
    # a counter column without a header (an unmapped counter)
    "連番": ([2, 3, 4, 5, 6, 7], list(range(8, 14)), {}),
}


@pytest.mark.parametrize("sheet", list(NUMBERED), ids=list(NUMBERED))
def test_a_row_with_only_its_number_is_a_numbered_blank_row(sheet):
    tables, result = _tables("numbered-blank-rows.xlsx")
    t = tables[sheet]
    data, numbered, other = NUMBERED[sheet]
    assert t.data_rows == data
    assert dict(t.skipped) == {**dict.fromkeys(numbered, "row.numbered-blank"), **other}
    records = to_records(result.tables)
    assert sorted(records.loc[records["_source_sheet"] == sheet, "_source_row"]) == data


def _classes(cells: list[list[object]], headers: list[str], fields: list[str | None]):
    import pandas as pd

    from migrate.columns import ColumnMatch
    from migrate.ingest import load_ingest_rules
    from migrate.ingest.layout import classify_rows

    matches = [
        ColumnMatch(index=k, column=chr(65 + k), header=h, field=f, method="exact", confidence=1.0)
        for k, (h, f) in enumerate(zip(headers, fields))
    ]
    body = pd.DataFrame(cells, dtype=object).replace({None: pd.NA}).astype(object)
    body = body.where(body.notna(), None)
    return classify_rows(body, headers, matches, load_ingest_rules()[0], set())


@pytest.mark.parametrize(
    ("numbers", "header", "field", "expected"),
    [
        # numbered then sorted by company: not consecutive, but a counter by its header
        ([3, 1, 4, 2, 5, 6], "項番", None, "numbered-blank"),
        ([3, 1, 4, 2, 5, 6], "No.", "record_id", "numbered-blank"),
        # the same numbers under a header that is no counter: too little evidence
        ([3, 1, 4, 2, 5, 6], "案件ID", "record_id", "data"),
        # deal ids typed in advance, consecutive: a counter, whatever the header
        ([1001, 1002, 1003, 1004, 1005, 1006], "案件ID", "record_id", "numbered-blank"),
        # a record id that is no number: a row holding it is a record
        (["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"], "No.", "record_id", "data"),
        # a number that repeats is no counter
        ([1, 1, 2, 2, 3, 3], "No.", "record_id", "data"),
    ],
    ids=[
        "sorted-項番",
        "sorted-No.",
        "案件ID-not-consecutive",
        "ids-in-advance",
        "text-ids",
        "repeats",
    ],
)
def test_a_counter_column_is_known_by_its_numbers_or_its_header(numbers, header, field, expected):
    companies = ["株式会社A", "株式会社B", "株式会社C", None, None, None]
    cells = [[n, c] for n, c in zip(numbers, companies)]
    classes = _classes(cells, [header, "会社名"], [field, "company_name"])
    assert classes[:3] == ["data"] * 3
    assert classes[3:] == [expected] * 3


@pytest.mark.parametrize(
    ("ids", "last", "expected"),
    [
        # the No. column numbers the total row too: the number is no key of a record
        ([1, 2, 3], [4, "小計", None, None], "subtotal"),
        ([1, 2, 3], [4, "合計", None, 2_450], "subtotal"),
        # a record id that counts nothing (not consecutive, no counter header) stays a key
        (["K-17", "K-4", "K-9"], ["K-12", "小計", None, None], "data"),
        # a deal name beside the word is a record's key: the row is a record
        ([1, 2, 3], [4, "小計", "保守更新", None], "data"),
    ],
    ids=["counter-and-word", "counter-word-sum", "id-and-word", "word-and-deal"],
)
def test_a_total_word_beside_the_row_counter_is_a_total_row(ids, last, expected):
    rows = [
        ["株式会社A", "倉庫管理", 1_000],
        ["株式会社B", "生産管理", 800],
        ["株式会社C", "LIMS", 650],
    ]
    cells = [[i, *r] for i, r in zip(ids, rows)] + [last]
    headers = ["No.", "顧客名称", "案件概要", "見積金額"]
    classes = _classes(cells, headers, ["record_id", "company_name", "deal_name", "amount"])
    assert classes == ["data"] * 3 + [expected]


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        # a forecast's roll-up lines: a label in the name column and figures that sum only
        # some rows above (the Commit rows), or a target and the gap to it
        (["Commit total", None, None, 138_500, None], "subtotal"),
        (["Best Case total", None, None, "1,248,000", None], "subtotal"),
        (["東日本 計", None, None, 2_450, None], "subtotal"),
        # u20: a branch's subtotal with its count of deals beside the sum
        (["東京支店 小計", None, None, "3,000,000", None, "2件"], "subtotal"),
        (["Quota", None, None, 500_000, None], "subtotal"),
        (["Gap to Quota: 361,500", None, None, None, None], "subtotal"),
        # a deal whose name ends in a total word is a deal when it holds anything but figures
        (["Security total", None, "Proposal", 25_000, None], "data"),
        (["Gap to Quota", "Globex", "Proposal", 9_000, "Hank Scorpio"], "data"),
        # a company named Gap or Target, with its contact, is a lead
        ([None, "Gap", None, None, "Ann Lee"], "data"),
        ([None, "Target", None, 40_000, None], "data"),
    ],
    ids=[
        "commit",
        "best-case-text",
        "東日本計",
        "東京支店小計-2件",
        "quota",
        "gap",
        "deal",
        "named-so",
        "gap-co",
        "target-co",
    ],
)
def test_a_forecast_roll_up_line_is_a_total_row(last, expected):
    rows = [
        ["Globex - Expansion", "Globex", "Negotiation", 120_000, "Hank Scorpio", None],
        ["Initech - New logo", "Initech", "Proposal", 48_000, "Bill Lumbergh", "Pricing call"],
        ["Soylent - Pilot", "Soylent", "Verbal", 18_500, "Jürgen Koch", None],
    ]
    headers = ["Opportunity Name", "Account", "Stage", "ARR", "Primary Contact", "Next Step"]
    fields = ["deal_name", "company_name", "stage", "amount", "contact_name", "notes"]
    last = [*last, None][:6]
    classes = _classes([*rows, last], headers, fields)
    assert classes == ["data"] * 3 + [expected]


def test_two_row_header_combines_group_and_field():
    tables, _ = _tables("two-row-header.xlsx")
    t = tables["Pipeline"]
    assert t.header_rows == [1, 2]
    assert t.columns[0].header == "Customer / Company"


@pytest.mark.parametrize(
    ("name", "sheet", "reason"),
    [
        ("rep-master-sheet.xlsx", "担当者マスタ", "sheet.rep-master"),
        ("rep-master-sheet.xlsx", "設定", "sheet.settings"),
        ("pivot-sheet.xlsx", "Pivot", "sheet.pivot"),
        ("hidden-sheet-and-rows.xlsx", "_calc", "sheet.no-table"),
    ],
)
def test_sheets_that_are_not_records_are_skipped(name, sheet, reason):
    tables, result = _tables(name)
    t = tables[sheet]
    assert t.kind == "skipped"
    assert t.reason == reason
    records = to_records(result.tables)
    assert (records["_source_sheet"] != sheet).all(), (
        "rows of a skipped sheet must never become records"
    )


def test_rep_master_rows_are_accounted_as_skipped():
    tables, _ = _tables("rep-master-sheet.xlsx")
    t = tables["担当者マスタ"]
    assert t.skipped and all(why == "sheet.rep-master" for _, why in t.skipped)


def test_dates_in_1904_workbook_match_the_1900_one():
    a = to_records(_tables("date1904.xlsx")[1].tables)
    b = to_records(_tables("header-on-row-4.xlsx")[1].tables)
    assert a["close_date"].tolist() == b["close_date"].tolist()
    assert a["close_date"].iloc[0].startswith("2026-03-31")


def test_a_date_cell_in_a_japanese_era_format_is_read_as_its_date(tmp_path):
    """Excel's 和暦 format ([$-411]ggge"年"m"月"d"日") shows 令和7年11月3日 over a date cell; the
    cell is still a date and must read as one, not as its serial number (fastexcel before 0.21
    did not know the format and gave 45964, which normalising then "read as an Excel date")."""
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "wareki.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("案件")
    ws.write_row(0, 0, ["会社名", "案件名", "受注予定日"])
    wareki = wb.add_format({"num_format": '[$-411]ggge"年"m"月"d"日"'})
    ws.write_row(1, 0, ["株式会社山田電気", "保守"])
    ws.write_datetime(1, 2, dt.datetime(2025, 11, 3), wareki)
    wb.close()
    result = read_sources([str(path)])
    rec = to_records(result.tables)
    assert rec["close_date"].iloc[0].startswith("2025-11-03")


def _grouped_report(path: Path, *, subtotals: bool) -> Path:
    """Salesforce's 'Opportunities with Accounts' exported formatted: the account on each
    group's first row only, a Subtotal row closing each group."""
    import xlsxwriter

    groups = [
        (
            "Nippon Steel Trading Corporation",
            [("NST - Analytics", 4800000), ("NST - Renewal", 1200000)],
        ),
        ("Sompo Holdings, Inc.", [("Sompo - Claims AI", 3000000)]),
        (
            "Mitsui Fudosan Co., Ltd.",
            [("MF - Portal", 9600000), ("MF - Support", 360000), ("MF - BI", 0)],
        ),
    ]
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Opportunities")
    ws.write_row(0, 0, ["Opportunities with Accounts"])
    ws.write_row(2, 0, ["Account Name", "Opportunity Name", "Stage", "Amount", "Opportunity Owner"])
    r = 3
    for account, deals in groups:
        for k, (name, amount) in enumerate(deals):
            ws.write_row(
                r, 0, [account if k == 0 else None, name, "Prospecting", amount, "Kenji Sato"]
            )
            r += 1
        if subtotals:
            ws.write_row(r, 0, ["Subtotal", None, None, sum(a for _, a in deals)])
            r += 1
    wb.close()
    return path


def test_a_grouped_report_fills_its_account_down_within_each_group(tmp_path):
    result = read_sources([str(_grouped_report(tmp_path / "grouped.xlsx", subtotals=True))])
    rec = to_records(result.tables)
    assert rec["company_name"].tolist() == [
        "Nippon Steel Trading Corporation",
        "Nippon Steel Trading Corporation",
        "Sompo Holdings, Inc.",
        "Mitsui Fudosan Co., Ltd.",
        "Mitsui Fudosan Co., Ltd.",
        "Mitsui Fudosan Co., Ltd.",
    ]
    filled = [f for t in result.tables for f in t.findings if f.rule == "ingest.group-filled-down"]
    assert [(f.row, f.value) for f in filled] == [
        (5, "Nippon Steel Trading Corporation"),
        (10, "Mitsui Fudosan Co., Ltd."),
        (11, "Mitsui Fudosan Co., Ltd."),
    ]
    assert "row 4" in filled[0].message


def test_blank_accounts_without_subtotal_rows_stay_blank(tmp_path):
    """Without subtotal rows nothing says the blanks belong to the row above: a deal whose
    company nobody wrote down must not take its neighbour's."""
    result = read_sources([str(_grouped_report(tmp_path / "plain.xlsx", subtotals=False))])
    rec = to_records(result.tables)
    assert rec["company_name"].isna().sum() == 3
    assert not any(f.rule == "ingest.group-filled-down" for t in result.tables for f in t.findings)


def test_a_second_table_down_the_sheet_is_not_read_as_rows_of_the_first(tmp_path):
    """■ 受注済み案件 under the deal list, with a header of its own: read as rows of the table
    above, its header became an account named 得意先 and its dates record ids."""
    import xlsxwriter

    path = tmp_path / "two-tables.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("案件管理")
    ws.write_row(0, 0, ["No.", "顧客名", "案件名", "担当", "ヨミ", "金額", "ステータス"])
    ws.write_row(1, 0, [1, "(株)ミライテック", "基幹システム刷新", "佐藤", "A", 1200, "提案"])
    ws.write_row(2, 0, [2, "さくら食品", "POSリプレース", "田中", "C", 320, "商談"])
    ws.write_row(4, 0, ["■ 受注済み案件"])
    ws.write_row(5, 0, ["受注日", "得意先", "件名", "営業", "受注金額", "請求"])
    ws.write_row(6, 0, ["R7.5.15", "(株)ミライテック", "ライセンス追加", "佐藤", 4500, "済"])
    ws.write_row(7, 0, ["R7.7.1", "さくら食品", "POS保守", "田中", 1200, "未"])
    wb.close()
    result = read_sources([str(path)])
    t = result.tables[0]
    assert list(t.data.index) == [2, 3]
    assert dict(t.skipped)[6] == "row.other-table" and dict(t.skipped)[8] == "row.other-table"
    found = [f for f in t.findings if f.rule == "ingest.other-table"]
    assert len(found) == 1 and found[0].row == 6 and "得意先" in found[0].message
    assert "得意先" not in to_records(result.tables)["company_name"].tolist()


def test_a_header_written_twice_in_two_languages_is_one_header(tmp_path):
    """会社名 | 担当者 | メール with Company | Contact | Email right under it: the second line is
    the header again (before, a contact named 'Contact' was exported)."""
    import xlsxwriter

    path = tmp_path / "bilingual.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Pipeline")
    ws.write_row(0, 0, ["会社名", "担当者", "メール", "ステージ"])
    ws.write_row(1, 0, ["Company", "Contact", "Email", "Stage"])
    ws.write_row(2, 0, ["株式会社秋山運輸", "清水悠斗", "yuto@akiyama.co.jp", "Won"])
    ws.write_row(3, 0, ["関西メディカル", "藤原智子", "tomoko@kansai-medical.co.jp", "MQL"])
    wb.close()
    t = read_sources([str(path)]).tables[0]
    assert list(t.data.index) == [3, 4]
    assert dict(t.skipped)[2] == "row.repeated-header"
    assert not any(f.rule == "ingest.other-table" for f in t.findings)


def test_a_status_written_week_by_week_is_the_latest_filled_week(tmp_path):
    """W1 状況 ... W4 状況: the stage is each row's latest filled week, not the first week's
    (a lost deal went out open at its W1 word); the earlier weeks stay as extra columns."""
    import xlsxwriter

    path = tmp_path / "weekly.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("週次案件")
    ws.write_row(0, 0, ["顧客名", "案件名", "金額", "W1 状況", "W2 状況", "W3 状況", "W4 状況"])
    ws.write_row(1, 0, ["株式会社デンソー", "品質DB", 8000, "ヒアリング", "提案中", "失注", None])
    ws.write_row(2, 0, ["株式会社クボタ", "農機IoT", 5000, "アポ", None, "受注", "受注"])
    ws.write_row(3, 0, ["ニデック株式会社", "検査装置", 3000, "情報収集", None, None, None])
    wb.close()
    result = read_sources([str(path)])
    t = result.tables[0]
    stage = [m for m in t.columns if m.field == "stage"]
    assert [m.header for m in stage] == ["W4 状況"]
    rec = to_records(result.tables)
    assert rec["stage"].tolist() == ["失注", "受注", "情報収集"]
    assert rec["extra:W1 状況"].tolist() == ["ヒアリング", "アポ", "情報収集"]
    assert any(f.rule == "ingest.stage-from-latest-period" for f in t.findings)


def test_formula_without_cached_value_is_a_finding():
    tables, _ = _tables("formula-no-cache.xlsx")
    t = next(iter(tables.values()))
    hits = [(f.rule, f.row, f.field) for f in t.findings]
    assert ("ingest.formula-without-value", 2, "amount") in hits
    assert (
        len([h for h in hits if h[0] == "ingest.formula-without-value"]) == 6
    )  # the 合計 row is not data
    assert dict(t.skipped)[8] == "row.subtotal"


def test_formula_cells_use_their_cached_value():
    tables, _ = _tables("subtotal-rows.xlsx")
    rec = to_records(list(tables.values()))
    assert rec["amount"].notna().all()


def test_hidden_rows_are_data_with_a_finding_and_hidden_sheets_are_read():
    tables, _ = _tables("hidden-sheet-and-rows.xlsx")
    t = tables["案件"]
    assert 4 in t.data_rows and 6 in t.data_rows
    assert {f.row for f in t.findings if f.rule == "ingest.hidden-row"} == {4, 6}
    old = tables["旧データ"]
    assert old.kind == "table" and not old.visible
    assert any(f.rule == "ingest.hidden-sheet" for f in old.findings)


def test_shift_jis_csv_is_decoded():
    tables, _ = _tables("shift-jis.csv")
    t = tables[""]
    assert t.encoding == "cp932"
    assert t.data.iloc[0, 0] == "㈱山田電気"


def test_utf16_tab_separated_csv():
    tables, _ = _tables("utf16.csv")
    assert tables[""].encoding.startswith("utf-16")
    assert tables[""].data.shape[1] == 7


def test_semicolon_csv_keeps_header_currency_hint():
    tables, _ = _tables("semicolon.csv")
    amount = next(c for c in tables[""].columns if c.field == "amount")
    assert amount.currency == "EUR"


def test_provenance_on_every_record():
    _, result = _tables("header-on-row-4.xlsx")
    rec = to_records(result.tables)
    assert rec["_source_file"].unique().tolist() == ["header-on-row-4.xlsx"]
    assert rec["_source_sheet"].unique().tolist() == ["案件一覧"]
    assert rec["_source_row"].tolist() == [5, 6, 7, 8, 9, 10]
    assert rec["_row_key"].iloc[0] == "header-on-row-4.xlsx|案件一覧|5"


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("encrypted.xlsx", "ingest.encrypted", "password-protected"),
        ("corrupt.xlsx", "ingest.corrupt", "damaged"),
        ("not-a-spreadsheet.xlsx", "ingest.not-a-spreadsheet", "is a PNG picture"),
        ("truncated.xls", "ingest.corrupt", "damaged"),
        ("empty.xlsx", "ingest.empty-file", "empty"),
    ],
)
def test_bad_files_give_one_clear_problem_and_others_still_read(name, code, words):
    result = read_sources([str(FIX / name), str(FIX / "header-on-row-4.xlsx")])
    assert [p.code for p in result.problems] == [code]
    p = result.problems[0]
    assert name in p.path and words in p.problem and p.hint
    assert any(t.file == "header-on-row-4.xlsx" and t.kind == "table" for t in result.tables)


def test_missing_file_is_reported():
    result = read_sources([str(FIX / "no-such-file.xlsx")])
    assert [p.code for p in result.problems] == ["ingest.missing-file"]
    assert not result.tables


def test_directory_expands_to_the_supported_files_directly_inside(tmp_path):
    (tmp_path / "a.csv").write_text("会社名,金額\nA社,100\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# not data\n", encoding="utf-8")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "answers.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = read_sources([str(tmp_path)])
    assert [f.name for f in result.files] == ["a.csv"]


def _make_fixtures_module():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIX / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def test_decompression_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    _make_fixtures_module().make_zip_bomb(bomb, 64 * 1024**2)
    limits = Limits(max_uncompressed_bytes=32 * 1024**2)
    result = read_sources([str(bomb)], limits=limits)
    assert [p.code for p in result.problems] == ["ingest.decompression-bomb"]
    assert "decompression bomb" in result.problems[0].problem


def test_streaming_scan_enforces_the_real_size(tmp_path):
    """Declared sizes can lie: the sheet scan counts the bytes it actually inflates."""
    from migrate.errors import InputFileError
    from migrate.ingest.readers import _scan_xlsx

    src = tmp_path / "big.xlsx"
    _make_fixtures_module().make_zip_bomb(src, 8 * 1024**2)
    with zipfile.ZipFile(src) as zf:
        assert sum(i.file_size for i in zf.infolist()) > 4 * 1024**2
    with pytest.raises(InputFileError) as exc:
        _scan_xlsx(src, Limits(max_uncompressed_bytes=4 * 1024**2))
    assert exc.value.code == "ingest.decompression-bomb"


def test_merged_cells_in_data_fill_their_range(tmp_path):
    import xlsxwriter

    path = tmp_path / "merged-company.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("案件")
    ws.write_row(0, 0, ["会社名", "案件名", "金額"])
    ws.merge_range("A2:A4", "株式会社山田電気")
    for r, (deal, amt) in enumerate([("保守", 100), ("更新", 200), ("新規", 300)], start=1):
        ws.write(r, 1, deal)
        ws.write(r, 2, amt)
    wb.close()
    result = read_sources([str(path)])
    rec = to_records(result.tables)
    assert rec["company_name"].tolist() == ["株式会社山田電気"] * 3
    assert any(f.rule == "ingest.merged-cells-filled" for t in result.tables for f in t.findings)


def test_count_formula_row_under_the_name_column_is_not_data(tmp_path: Path) -> None:
    """A "# of Opps" row with =COUNTA(...) below the list is a summary row, not a company."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Pipeline"
    ws.append(["Opp ID", "Account Name", "Contact", "Opportunity", "Amount", "Stage"])
    for i in range(1, 6):
        ws.append([f"W-{i:03d}", f"Company {i} Inc.", f"Person {i}", f"Deal {i}", 1000 * i, "Won"])
    ws.append([None, "Opps counted", None, None, "=COUNTA(A2:A6)", None])
    ws.append([None, "Deal value", None, None, "=SUM(E2:E6)", None])
    ws.append(["W-006", "Row Sum Ltd.", "Someone", "Deal 6", "=SUM(1,2)", "Won"])
    path = tmp_path / "pipeline.xlsx"
    wb.save(path)
    table = next(t for t in read_sources([str(path)]).tables if t.kind == "table")
    assert dict(table.skipped).get(7) == "row.subtotal"
    assert dict(table.skipped).get(8) == "row.subtotal"
    assert 9 in table.data_rows  # a full data row that happens to hold a formula stays data


# ------------------------------------------------------------------ renamed files (issue 12)

# fixture -> (format read, words of the extension-mismatch finding)
RENAMED = [
    ("xlsx-named.xls", "xlsx", "an Excel workbook (.xlsx) saved with the extension .xls"),
    ("xlsx-named.csv", "xlsx", "an Excel workbook (.xlsx) saved with the extension .csv"),
    (
        "xlsm-named.txt",
        "xlsm",
        "a macro-enabled Excel workbook (.xlsm) saved with the extension .txt",
    ),
    ("xls-named.xlsx", "xls", "an Excel 97-2003 workbook (.xls) saved with the extension .xlsx"),
    ("ods-named.xlsx", "ods", "an OpenDocument spreadsheet (.ods) saved with the extension .xlsx"),
    ("csv-named.xlsx", "csv", "text (UTF-8, comma-separated) saved with the extension .xlsx"),
    (
        "tsv-cp932-named.xls",
        "csv",
        "text (Shift_JIS/cp932, tab-separated) saved with the extension .xls",
    ),
    ("utf16-named.xlsx", "csv", "text (UTF-16, tab-separated) saved with the extension .xlsx"),
    (
        "web-page.xls",
        "html",
        'an HTML page (a web system\'s "Excel" export) saved with the extension .xls',
    ),
    (
        "xml-spreadsheet-2003.xls",
        "xml",
        "an Excel 2003 XML spreadsheet saved with the extension .xls",
    ),
]


@pytest.mark.parametrize(("name", "fmt", "words"), RENAMED, ids=[r[0] for r in RENAMED])
def test_renamed_file_is_read_as_its_bytes_with_one_info_finding(name, fmt, words):
    _, result = _tables(name)
    assert [f.format for f in result.files] == [fmt]
    assert [(f.rule, f.severity, f.file) for f in result.findings] == [
        ("ingest.extension-mismatch", "info", name)
    ]
    assert words in result.findings[0].message
    rec = to_records(result.tables)
    assert rec["company_name"].iloc[1] == "(株)積水化成品工業"
    assert str(rec["amount"].iloc[1]).replace(",", "") == "3500000"
    assert str(rec["close_date"].iloc[1]).replace("/", "-").startswith("2026-04-15")


@pytest.mark.parametrize(
    "name",
    [
        "header-on-row-4.xlsx",
        "macro.xlsm",
        "legacy.xls",
        "calc.ods",
        "binary.xlsb",
        "shift-jis.csv",
        "utf16.csv",
        "tracker.tsv",
    ],
)
def test_a_file_named_for_what_it_is_has_no_mismatch_finding(name):
    _, result = _tables(name)
    assert result.findings == []


# Every format under every name: (source fixture, its format, header row, data rows)
SOURCES = [
    ("header-on-row-4.xlsx", "xlsx", 4, 6),
    ("macro.xlsm", "xlsm", 1, 6),
    ("binary.xlsb", "xlsb", 2, 6),
    ("legacy.xls", "xls", 2, 6),
    ("calc.ods", "ods", 1, 6),
    ("shift-jis.csv", "csv", 1, 6),
    ("utf16.csv", "csv", 1, 6),
    ("tracker.tsv", "csv", 1, 5),
    ("web-page.xls", "html", 2, 6),
    ("xml-spreadsheet-2003.xls", "xml", 1, 6),
]
NAMES = [".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".tsv", ".txt"]
MATRIX = [(src, ext) for src in SOURCES for ext in NAMES]


@pytest.mark.parametrize(
    ("source", "ext"), MATRIX, ids=[f"{src[0]}-as-{ext[1:]}" for src, ext in MATRIX]
)
def test_every_format_reads_under_every_spreadsheet_name(tmp_path, source, ext):
    import shutil

    from migrate.ingest.files import EXT_FORMAT

    name, fmt, header, n_rows = source
    renamed = tmp_path / f"tracker{ext}"
    shutil.copy(FIX / name, renamed)
    result = read_sources([str(renamed)])
    assert not result.problems, [str(p) for p in result.problems]
    assert [f.format for f in result.files] == [fmt]
    tables = [t for t in result.tables if t.kind == "table"]
    assert [(t.header_row, len(t.data_rows)) for t in tables] == [(header, n_rows)]
    mismatch = [f.rule for f in result.findings] == ["ingest.extension-mismatch"]
    assert mismatch == (EXT_FORMAT[ext] != fmt), [f.message for f in result.findings]


@pytest.mark.parametrize(
    ("make", "name", "words"),
    [
        (
            lambda p: p.write_bytes(bytes(range(256)) * 64),
            "random.xls",
            "neither an Excel workbook nor text",
        ),
        (
            lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
            "report.xlsx",
            "is a PDF document",
        ),
        (
            lambda p: p.write_bytes(b"<?xml version='1.0'?><note>hi</note>"),
            "note.xls",
            "not an Excel XML spreadsheet",
        ),
        (
            lambda p: p.write_bytes(b"<html><body><p>no table</p></body></html>"),
            "page.xls",
            "no table",
        ),
        (
            lambda p: p.write_bytes((FIX / "header-on-row-4.xlsx").read_bytes()[:3000]),
            "cut.xls",
            "damaged",
        ),
    ],
    ids=[
        "binary-named-xls",
        "pdf-named-xlsx",
        "xml-not-spreadsheet",
        "html-without-table",
        "truncated-xlsx-named-xls",
    ],
)
def test_what_cannot_be_read_gets_one_plain_line(tmp_path, make, name, words):
    path = tmp_path / name
    make(path)
    result = read_sources([str(path)])
    assert len(result.problems) == 1 and not result.tables
    p = result.problems[0]
    assert words in p.problem and p.hint and name in p.path
    for raw in ("Cfb", "OLE", "EOCD", "Zip archive", "Traceback", "Error("):
        assert raw not in p.problem + p.hint


def test_damaged_xls_names_no_library_error():
    result = read_sources([str(FIX / "truncated.xls")])
    p = result.problems[0]
    assert p.problem == "is damaged: it cannot be read as an Excel 97-2003 workbook (.xls)"
    assert "save a new copy" in p.hint


def test_html_export_keeps_line_breaks_entities_and_merged_title():
    tables, _ = _tables("web-page.xls")
    t = tables[""]
    assert t.encoding == "cp932"
    notes = next(c for c in t.columns if c.header == "備考")
    assert t.data[notes.index].tolist()[:3] == ["初回訪問\n見積待ち", None, "R&D部門経由"]


def test_html_tables_are_one_grid_each_with_spans_placed(tmp_path):
    from migrate.ingest.files import SourceFile
    from migrate.ingest.markup import read_html_grids

    page = tmp_path / "two.xls"
    page.write_text(
        "<html><body><table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr>"
        "<tr><td>c<td>d</tr></table>"  # unclosed <td>: HTML allows it
        "<table><tr><th>x</th><td>y<table><tr><td>inner</td></tr></table></td></tr></table>"
        "</body></html>",
        encoding="utf-8",
    )
    grids = read_html_grids(SourceFile(page, page.name, "html", 0))
    assert [g.sheet for g in grids] == ["table 1", "table 2", "table 3"]
    assert grids[0].cells.values.tolist() == [["A", "B", None], [None, "c", "d"]]
    assert grids[0].merged == [(1, 0, 2, 0), (1, 1, 1, 2)]
    assert grids[1].cells.values.tolist() == [["x", "y"]]
    assert grids[2].cells.values.tolist() == [["inner"]]


def test_xml_spreadsheet_reads_types_hidden_rows_and_sheets():
    tables, result = _tables("xml-spreadsheet-2003.xls")
    t = tables["案件"]
    assert {f.row for f in t.findings if f.rule == "ingest.hidden-row"} == {5}
    rec = to_records(result.tables)
    assert rec["amount"].tolist()[:2] == ["1200000", "3500000"]
    assert rec["close_date"].iloc[0] == "2026-03-31 00:00:00"
    assert not tables["設定"].visible


def test_xml_with_entity_declarations_is_refused(tmp_path):
    bomb = tmp_path / "lol.xls"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table>'
        "<Row><Cell><Data>&lol;</Data></Cell></Row></Table></Worksheet></Workbook>",
        encoding="utf-8",
    )
    result = read_sources([str(bomb)])
    assert [p.code for p in result.problems] == ["ingest.not-a-spreadsheet"]
    assert "declares entities" in result.problems[0].problem


def test_a_company_list_under_unknown_headers_is_read_not_skipped():
    tables, result = _tables("unknown-header-company-list.xlsx")
    t = tables["Sheet2"]
    assert t.kind == "table", (t.reason, t.reason_text)
    fields = {c.header: c.field for c in t.columns}
    assert fields["発行体名"] == "company_name"
    assert len(t.data_rows) == 10
    records = to_records(result.tables)
    listed = records[records["_source_sheet"] == "Sheet2"]
    assert len(listed) == 10
    # columns no field takes are kept, never dropped
    assert {"extra:証券コード", "extra:上場区分"} <= set(records.columns)
    assert listed["extra:証券コード"].notna().all()


def test_a_legend_sheet_is_skipped_as_settings_with_its_row_count():
    tables, _ = _tables("unknown-header-company-list.xlsx")
    t = tables["Sheet3"]
    assert t.kind == "skipped"
    assert t.reason == "sheet.settings"
    assert t.skipped_rows >= 3
    assert t.to_json()["skipped_rows_count"] == t.skipped_rows


def test_a_skipped_sheet_with_many_rows_is_named_by_a_finding():
    tables, _ = _tables("rep-master-sheet.xlsx")
    t = tables["担当者マスタ"]
    assert t.kind == "skipped"
    hits = [f for f in t.findings if f.rule == "ingest.sheet-skipped"]
    if t.skipped_rows > 5:
        assert hits and str(t.skipped_rows) in hits[0].message
    else:
        assert not hits


def test_csv_records_keep_the_line_they_start_on(tmp_path: Path) -> None:
    """A quoted cell over several lines is one record; the next record's number is its line."""
    from migrate.ingest.files import SourceFile
    from migrate.ingest.readers import read_csv_grid

    path = tmp_path / "multi-line.csv"
    path.write_text('name,note\nA,"first\nsecond\nthird"\nB,plain\n"C",""\n', encoding="utf-8")
    grid = read_csv_grid(SourceFile(path=path, name=path.name, format="csv", order=0))
    assert grid.line_numbers == [1, 2, 5, 6]  # type: ignore[attr-defined]
    assert grid.cells.iloc[1].tolist() == ["A", "first\nsecond\nthird"]
    assert grid.cells.iloc[3].tolist() == ["C", None]


@pytest.mark.parametrize("sheet", ["会社一覧", "Accounts"])
def test_a_list_of_company_names_in_one_column_is_read_whole(sheet):
    """会社名 / Company over eight names and nothing else: a table, every row a company (a
    lone name is no note, 株式会社　サカタのタネ with its space included)."""
    tables, _ = _tables("company-list-one-column.xlsx")
    t = tables[sheet]
    assert t.kind == "table"
    assert t.header_row == 1
    assert _fields(t) == ["company_name"]
    assert t.data_rows == list(range(2, 10))
    assert dict(t.skipped) == {}


def _report(foot: list[list[object]]) -> list[str]:
    headers = ["商談名", "取引先名", "フェーズ", "金額"]
    fields = ["deal_name", "company_name", "stage", "amount"]
    cells: list[list[object]] = [
        ["電子契約 更新", "ヨネックス株式会社", "成立", 3601],
        ["倉庫管理 全社展開", "ケネディクス株式会社", "提案", 33],
        ["BIダッシュボード 更新", "株式会社タツミ", "交渉", 300],
        [None, None, None, None],
        ["合計", None, None, 3934],
        [None, None, None, None],
        *foot,
    ]
    return _classes(cells, headers, fields)


def test_the_lone_lines_of_a_report_foot_are_notes_in_whatever_column():
    # a Salesforce report's foot: a confidentiality line and a copyright under the deal names
    classes = _report(
        [
            ["機密情報 - 配布禁止", None, None, None],
            ["Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved.", None, None, None],
        ]
    )
    assert classes[:3] == ["data"] * 3 and classes[4] == "subtotal"
    assert classes[6:] == ["note", "note"]


def test_a_foot_that_holds_a_record_is_no_report_foot():
    # a deal added below the total, with its company and stage: the lone line beside it stays
    classes = _report(
        [["追加案件 PoC", "株式会社タツミ", "提案", 120], ["機密情報 - 配布禁止", None, None, None]]
    )
    assert classes[6:] == ["data", "data"]


# ------------------------------------------------- sheets placed by their XML, not a second load


def test_fastexcel_cells_come_as_text_and_trimmed_as_layout_trims_them(tmp_path):
    """The reader's trimmed cells are what layout's own trimming makes of its raw cells."""
    import fastexcel
    import pandas as pd

    from migrate.ingest.layout.cells import _clean
    from migrate.ingest.readers import _cells_fastexcel

    path = tmp_path / "spaces.xlsx"
    pd.DataFrame(
        {
            "会社名": ["　ABC商事 ", "ABC商事", "   ", None, "ABC商事"],
            "金額": [1200, None, 3.5, 0, 1200],
            "メモ": ["a\n", "", "\t", "b", "a\n"],
        }
    ).to_excel(path, index=False)
    raw, trimmed, filled = _cells_fastexcel(fastexcel.read_excel(str(path)), 0)
    assert (
        raw.iat[1, 0] == "　ABC商事 " and raw.iat[3, 0] == "   "
    )  # the cells as written (row 0: header)
    assert trimmed.equals(_clean(raw))
    assert (filled == trimmed.notna().to_numpy()).all()
    assert trimmed.iat[1, 0] == "ABC商事" and trimmed.iat[3, 0] is None  # whitespace -> None
    assert trimmed.iat[2, 1] is None and raw.iat[2, 1] is None  # an empty cell
    assert list(raw.columns) == list(range(3)) and raw.dtypes.eq(object).all()


def _placements(path: Path):
    """Each sheet placed by its XML (None when it falls back) and by calamine's own load."""
    from types import SimpleNamespace

    import fastexcel
    import python_calamine as pc

    from migrate.ingest.readers import _placed_by_calamine, _placed_by_xml, _scan_xlsx

    info, _ = _scan_xlsx(path, Limits())
    book = pc.CalamineWorkbook.from_path(str(path))
    fx = fastexcel.read_excel(str(path))
    src = SimpleNamespace(path=path)
    for idx, meta in enumerate(book.sheets_metadata):
        yield (
            meta.name,
            _placed_by_xml(fx, idx, info.get(meta.name)),
            _placed_by_calamine(src, book, fx, idx, meta),
        )


def test_the_xml_places_a_sheet_where_calamine_does(tmp_path):
    import openpyxl
    import xlsxwriter
    from openpyxl.styles import PatternFill

    fast = tmp_path / "fast.xlsx"
    book = xlsxwriter.Workbook(fast)
    sheet = book.add_worksheet("案件")
    sheet.merge_range("C2:D2", "商談一覧")
    sheet.write_row("C4", ["会社名", "金額"])
    sheet.write_row("C5", ["ABC商事", 1200])
    sheet.write_formula("D6", "=SUM(D5:D5)", None, 1200)
    book.add_worksheet("空")
    book.close()
    placed = {name: (xml, cal) for name, xml, cal in _placements(fast)}
    xml, cal = placed["案件"]
    assert xml is not None, "a plain sheet is placed without the second load"
    assert xml[3:] == cal[3:] == (2, 2, [(2, 2, 2, 3)])
    assert xml[0].equals(cal[0]) and xml[1].equals(cal[1]) and (xml[2] == cal[2]).all()
    assert placed["空"][0] is None  # nothing holds a value: calamine decides

    # a styled area declared larger than the data: the declared box is not the data's box
    styled = tmp_path / "styled.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["C3"], ws["D3"], ws["C4"] = "会社名", "金額", "ABC商事"
    wb.save(styled)
    (_, xml, cal), *_ = _placements(styled)
    assert xml is None
    assert cal[3:5] == (3, 2)


@pytest.mark.parametrize(
    ("sheet", "owner"),
    [
        ("田中", "田中"),  # a listed surname
        ("佐藤 花子", "佐藤 花子"),  # a full name
        ("田中分", "田中"),  # the words around a rep's name (ingest.yaml owner_sheet_words)
        ("担当：鈴木", "鈴木"),
        ("John Smith", "John Smith"),
        ("関西", ""),  # a region is no person
        ("案件一覧", ""),
        ("Pipeline", ""),
        ("2025年度", ""),
        # a rep who left (a new user's 鈴木(退職)): still the owner, with a warning
        ("鈴木(退職)", "鈴木"),
        ("【退職済】佐藤 花子", "佐藤 花子"),
        ("元 田中", "田中"),
        ("元木 健一", "元木 健一"),  # a surname that starts with 元 is no rep who left
    ],
)
def test_a_sheet_per_rep_gives_its_rows_that_owner(tmp_path, sheet, owner):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["会社名", "案件名", "ステータス", "金額"])
    ws.append(["株式会社アルファ", "CRM導入", "提案", 3_000_000])
    ws.append(["ベータ商事株式会社", "保守", "受注", 500_000])
    path = tmp_path / "担当別.xlsx"
    wb.save(path)
    result = read_sources([str(path)])
    records = to_records(result.tables)
    assert records["owner"].fillna("").tolist() == [owner, owner]
    said = [
        f for t in result.tables for f in t.findings if f.rule == "ingest.owner-from-sheet-name"
    ]
    assert len(said) == (1 if owner else 0)
    left = [f for t in result.tables for f in t.findings if f.rule == "ingest.owner-left"]
    assert [(f.severity, f.value) for f in left] == (
        [("warning", owner)] if sheet in ("鈴木(退職)", "【退職済】佐藤 花子", "元 田中") else []
    )


def test_an_owner_column_wins_over_the_sheet_name(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "田中"
    ws.append(["会社名", "案件名", "営業担当", "金額"])
    ws.append(["株式会社アルファ", "CRM導入", "佐藤", 3_000_000])
    ws.append(["ベータ商事株式会社", "保守", "鈴木", 500_000])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    records = to_records(read_sources([str(path)]).tables)
    assert records["owner"].tolist() == ["佐藤", "鈴木"]


def _csv_both_ways(path: Path):
    """(grid from the Arrow reader or None, grid from csv.reader) of one CSV file."""
    from migrate.ingest import readers
    from migrate.ingest.files import SourceFile

    src = SourceFile(path=path, name=path.name, format="csv", order=0)
    text, _ = readers.decode_text(path.read_bytes(), src)
    read = readers._csv_cells_arrow(text, readers.sniff_delimiter(text[:65536], ".csv"))
    fast = None if read is None else read[0]
    if read is not None:  # which cells hold a value, as the layout step would ask the cells
        assert (read[1] == fast.notna().to_numpy()).all()
    saved = readers._csv_cells_arrow
    readers._csv_cells_arrow = lambda *_: None  # type: ignore[assignment]
    try:
        slow = readers.read_csv_grid(src)
    finally:
        readers._csv_cells_arrow = saved  # type: ignore[assignment]
    return fast, slow, readers.read_csv_grid(src)


_CELLS = [
    "",
    " ",
    "a",
    "東京 ",
    '"q"',
    "x,y",
    'say "hi"',
    "1,200",
    "  ",
    "全角　",
    "a\tb",
    "改\n行",
]


@pytest.mark.parametrize("seed", range(40))
def test_a_csv_read_by_arrow_is_the_csv_module_read(tmp_path: Path, seed: int) -> None:
    """Arrow's reader is only a faster way to the same cells and line numbers: quoting, blank
    cells, CRLF/CR/LF, ragged rows, blank lines and line breaks in cells either give exactly
    what csv.reader gives or leave the file to csv.reader."""
    import csv
    import io
    import random

    rnd = random.Random(seed)
    width = rnd.randint(1, 5)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=rnd.choice(["\n", "\r\n", "\r"]))
    for _ in range(rnd.randint(1, 30)):
        n = width if rnd.random() > 0.05 else rnd.randint(1, width + 1)
        row = [rnd.choice(_CELLS[:-1] if rnd.random() > 0.05 else _CELLS) for _ in range(n)]
        writer.writerow(row)
    text = out.getvalue()
    if rnd.random() < 0.1:
        text = text.rstrip("\r\n")  # no line break after the last row
    if rnd.random() < 0.05:
        text = text.replace("\n", "\n\n", 1)  # a blank line
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    fast, slow, grid = _csv_both_ways(path)
    if fast is not None:
        assert fast.equals(slow.cells)
        assert list(fast.columns) == list(slow.cells.columns)
    assert grid.cells.equals(slow.cells)
    assert grid.line_numbers == slow.line_numbers  # type: ignore[attr-defined]


def test_a_plain_csv_is_read_by_arrow(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('会社,金額\n"A, Inc.",1\n 株式会社B ,\n', encoding="utf-8")
    fast, slow, _ = _csv_both_ways(path)
    assert fast is not None and fast.equals(slow.cells)
    assert fast.iloc[2].tolist() == [" 株式会社B ", None]


def test_a_link_to_a_file_already_given_is_read_once_and_said(tmp_path: Path):
    import os

    src = tmp_path / "east.csv"
    src.write_text("Company,Deal\nAcme Inc.,D1\nBeta KK,D2\n", encoding="utf-8")
    link = tmp_path / "east_link.csv"
    try:
        os.symlink(src, link)
    except OSError:
        pytest.skip("no symbolic links here")
    res = read_sources([tmp_path, src])  # the folder holds both; the file is also named again
    assert [t.file for t in res.tables] == ["east.csv"]
    notes = [f for f in res.findings if f.rule == "ingest.same-file"]
    assert [f.message for f in notes] == [
        "east_link.csv is the same file as east.csv (a link, or the file named twice); "
        "it was read once"
    ]  # the same path named twice is no news: one note, for the link
    assert sum(len(t.data) for t in res.tables) == 2


# A template's example row (a new user's 記入例 under the header became an Opportunity and an
# Account); the whole row decides, never one word in a name.
EXAMPLE_HEADERS = ["No", "会社名", "案件名", "区分", "メモ"]
EXAMPLE_FIELDS = [None, "company_name", "deal_name", None, "notes"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["記入例", "株式会社〇〇", "〇〇システム導入", None, "例）4/10 見積提出"], "example"),
        ([None, "株式会社〇〇", "〇〇導入", None, "←記入例"], "example"),
        # a mark alone, whatever the names
        (["例", "株式会社北斗精機", "生産管理", None, None], "example"),
        (["【入力例】", "株式会社北斗精機", "生産管理", None, None], "example"),
        # placeholder names only, with no mark
        ([None, "株式会社○○", "XX案件", None, None], "example"),
        # a weak mark beside a placeholder name
        ([None, "株式会社〇〇", "生産管理", "サンプル", None], "example"),
        # names that hold such a word are records
        ([None, "サンプル工業株式会社", "サンプル出荷", None, None], "data"),
        ([None, "株式会社北斗精機", "サンプル出荷", "サンプル", None], "data"),
        ([None, "Foxx Corp", "Example Project", None, "例の件で訪問"], "data"),
        # one placeholder name beside a real one: a record with a name to fill in
        ([None, "株式会社〇〇", "生産管理システム更新", None, None], "data"),
    ],
    ids=[
        "mark-and-placeholders",
        "arrow-mark",
        "mark-alone",
        "bracketed-mark",
        "placeholders-only",
        "weak-mark-and-placeholder",
        "sample-in-names",
        "sample-as-a-value",
        "latin-words-in-names",
        "one-placeholder",
    ],
)
def test_an_example_row_is_known_by_the_whole_row(row, expected):
    real = [1, "株式会社アオバ商事", "基幹刷新", "新規", None]
    classes = _classes([row, real], EXAMPLE_HEADERS, EXAMPLE_FIELDS)
    assert classes == [expected, "data"]


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
    wb.close()
    return path


def test_template_sheets_and_example_rows_are_skipped_with_a_reason(tmp_path: Path):
    header = ["顧客名", "商談名", "ステータス", "見込金額", "メモ"]
    deal = ["株式会社シラカバ工業", "加工機IoT", "提案中", 2200000, ""]
    path = _workbook(
        tmp_path / "担当者別.xlsx",
        {
            "田中": [header, ["記入例", "〇〇導入", "提案中", 1000000, ""], deal],
            "テンプレート": [header, ["株式会社サンプル商事", "デモ案件", "提案中", 1000000, ""]],
            "Template (2)": [header],
            # named like a template but holding more than a few deals: read
            "フォーマット": [header] + [[f"株式会社{c}", "案件", "提案中", 1, ""] for c in "ABCD"],
            "案件管理フォーマット": [header, deal],
        },
    )
    result = read_sources([str(path)])
    tables = {t.sheet: t for t in result.tables}
    assert tables["田中"].skipped == [(2, "row.example")]
    assert tables["田中"].data_rows == [3]
    assert (tables["テンプレート"].kind, tables["テンプレート"].reason) == (
        "skipped",
        "sheet.template",
    )
    assert tables["Template (2)"].reason == "sheet.template"
    assert tables["フォーマット"].kind == "table"
    assert tables["案件管理フォーマット"].kind == "table"
    records = to_records(result.tables)
    assert "〇〇導入" not in set(records["deal_name"])


@pytest.mark.parametrize(
    "path",
    sorted(FIX.glob("*.xls*")) + sorted(SAMPLE.glob("*.xlsx")) + sorted(SAMPLE.glob("*.csv")),
    ids=lambda p: p.name,
)
def test_the_readers_filled_cells_are_the_trimmed_cells_that_hold_a_value(path: Path) -> None:
    """Grid.filled (made while converting, one answer per distinct text) is what the layout
    step would ask of the trimmed cells: notna."""
    from migrate.errors import InputFileError
    from migrate.ingest import load_ingest_rules
    from migrate.ingest.files import SourceFile, detect_format
    from migrate.ingest.readers import read_grids

    limits = load_ingest_rules()[1]
    try:
        grids = read_grids(
            SourceFile(path, path.name, detect_format(path, limits), 0), limits, raw=False
        )
    except InputFileError:
        return  # a fixture of a damaged or refused file
    for g in grids:
        if g.filled is not None:
            assert g.trimmed is not None
            assert (g.filled == g.trimmed.notna().to_numpy()).all()


@pytest.mark.parametrize("this_week_first", [False, True])
def test_the_stage_of_this_week_wins_over_last_weeks(tmp_path, this_week_first):
    """A 週報 with 先週ステータス and 今週ステータス, in either order: this week's is the stage."""
    import openpyxl

    cells = {"先週ステータス": "提案", "今週ステータス": "失注"}
    order = sorted(cells, key=lambda h: (h == "先週ステータス") == this_week_first)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["顧客名", "案件名", *order, "金額"])
    ws.append(["株式会社A", "X", *(cells[h] for h in order), 100])
    wb.save(tmp_path / "w.xlsx")
    table = read_sources([str(tmp_path / "w.xlsx")]).tables[0]
    [stage] = [m for m in table.columns if m.field == "stage"]
    assert table.data[stage.index].tolist() == ["失注"]


def test_the_order_files_are_given_in_changes_nothing(tmp_path: Path):
    """u19: `run Global.xlsx 東京.xlsx ...` and the reverse wrote another deal name and close
    date (a survivorship tie went to the file named first). Files are read in one order
    whatever the command line's: the outputs are the same bytes."""
    from migrate import pipeline
    from migrate.ingest.files import expand_paths

    a = tmp_path / "a_team.csv"
    b = tmp_path / "b_team.csv"
    a.write_text(
        "会社名,案件名,金額,受注予定日,ステージ\n株式会社青葉,基幹刷新,1000000,2026/3/31,提案\n",
        "utf-8",
    )
    b.write_text(
        "会社名,案件名,金額,受注予定日,ステージ\n株式会社青葉,基幹刷新,1000000,2026/6/30,提案\n",
        "utf-8",
    )
    assert expand_paths([str(b), str(a)])[0] == expand_paths([str(a), str(b)])[0] == [a, b]
    outs = []
    for order, name in (([a, b], "ab"), ([b, a], "ba")):
        pipeline.run([str(p) for p in order], out=tmp_path / name, target="generic")
        outs.append((tmp_path / name / "deals.csv").read_bytes())
    assert outs[0] == outs[1]


def test_a_rank_beside_a_column_of_percentages_still_gives_its_stage_words(tmp_path) -> None:
    """u20: ヨミ (A, ◎, 受注, 失注) beside 確度 (0%, 90%) was dropped whole for the percentages,
    and a row whose ヨミ said 失注 became a deal without a stage. The percentages stay the
    probability; the rank's cells ride along (schema PROBABILITY_RANK) for normalisation to
    read its stage words and fill the blank percentages."""
    from migrate import pipeline
    from migrate.normalize.records import normalize_records
    from migrate.schema import PROBABILITY_RANK

    path = tmp_path / "ヨミと確度.csv"
    path.write_text(
        "会社名,案件名,ヨミ,確度,金額\n"
        "株式会社アルファ,A案件,失注,0%,500000\n"
        "株式会社デルタ,D案件,◎,90%,1000000\n"
        "株式会社ゼータ,F案件,A,,600000\n",
        encoding="utf-8",
    )
    ingest = pipeline.inspect([str(path)])
    (table,) = [t for t in ingest.tables if t.kind == "table"]
    rank = next(m for m in table.columns if m.header == "ヨミ")
    assert rank.field is None and "its stage words give the stage" in rank.note
    records = to_records(ingest.tables)
    assert records[PROBABILITY_RANK].tolist() == ["失注", "◎", "A"]
    out, _ = normalize_records(records)
    assert out["stage"].tolist()[0] == "lost"
    assert out["probability"].tolist() == [0.0, 90.0, 80.0]


def test_a_memo_continued_on_the_next_line_is_the_deal_s_latest_note(tmp_path) -> None:
    """u20: a deal's memo continued on the row below (only the メモ cell filled) was skipped
    as a note of no record, and the deal lost its latest update. The line joins the notes of
    the data row right above; a memo line under a blank row, or a row filling another cell
    too, stays what it was."""
    from migrate import pipeline

    path = tmp_path / "続き行.csv"
    path.write_text(
        "会社名,案件名,確度,金額,受注予定日,メモ\n"
        "株式会社ツヅキ,複合機入替,80%,360000,2026/12/25,11/20 見積提出\n"
        ",,,,,12/1 稟議回付中、年内決裁見込み\n"
        ",,,,,12/3 部長承認済み\n"
        "株式会社ツギ,サーバ更改,50%,2000000,2027/2/28,\n"
        ",,,,,\n"
        ",,,,,※ 金額は税抜\n",
        encoding="utf-8",
    )
    ingest = pipeline.inspect([str(path)])
    (table,) = [t for t in ingest.tables if t.kind == "table"]
    records = to_records(ingest.tables)
    assert (
        records["notes"].tolist()[0]
        == "11/20 見積提出\n12/1 稟議回付中、年内決裁見込み\n12/3 部長承認済み"
    )
    skipped = dict(table.skipped)
    assert skipped[3] == skipped[4] == "row.note-continued"
    assert skipped[7] == "row.note"


def test_open_deals_only_on_a_hidden_sheet_get_a_warning_and_a_hidden_list_no_finding():
    # 旧データ (hidden) holds two open deals: 北斗システム's merges into the visible sheet's lost
    # deal, 山田電気's (商談中) is on no visible sheet: imported, with a warning that says how to
    # leave the sheet out; _calc (very hidden, no table) is not "read like the others"
    from migrate import pipeline

    res = pipeline.run([str(FIX / "hidden-sheet-and-rows.xlsx")], target="salesforce")
    f = res.findings
    warned = f[f["rule"] == "ingest.hidden-sheet-open-deals"]
    assert warned["sheet"].tolist() == ["旧データ"] and warned["severity"].tolist() == ["warning"]
    assert warned["value"].tolist() == ["1"] and "skip" in warned.iloc[0]["message"]
    read = f[f["rule"] == "ingest.hidden-sheet"]
    assert read["sheet"].tolist() == ["旧データ"]
    rows = res.crosswalk[res.crosswalk["source_sheet"] == "旧データ"]
    assert set(rows["status"]) <= {"exported", "merged"} and len(rows) == 2


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>', id="plain"),
        pytest.param(b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1">', id="prefixed"),
        pytest.param(b'<c r="A1"><v>1</v></c><x:c r="B1"><x:v>2</x:v></x:c><c r="C1">', id="mixed"),
        pytest.param(b"<row/><v>1</v>", id="no-cell"),
    ],
)
def test_a_cells_start_is_found_as_both_searches_back_to_the_start_find_it(xml: bytes) -> None:
    from migrate.ingest.readers import _cell_start

    for end in range(-1, len(xml) + 1):
        both = max(xml.rfind(b"<c ", 0, end), xml.rfind(b":c ", 0, end))
        assert _cell_start(xml, end) == both, end
