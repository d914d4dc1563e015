"""Layouts a new user's trackers had (u16): two tables side by side on one sheet, stages kept
in cell comments, a row counter beside the data, a sheet of won deals without a stage column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from migrate import pipeline
from migrate.ingest import read_sources, to_records

pytestmark = pytest.mark.usefixtures("gx_by_mask")

OPEN = [
    ("株式会社東雲システム", "会計クラウド移行", "加藤", 3000000, "提案", "2025-02-28"),
    ("株式会社白鷺運輸", "車両管理", "加藤", 1800000, "見積", "2025-03-15"),
    ("株式会社暁工業", "保全DX", "吉田", 6000000, "ヒアリング", "2025-06-30"),
]
CLOSED = [
    ("株式会社紅葉銀行", "行内SNS", "加藤", 9000000, "失注", "2024-10-31"),
    ("株式会社楓商会", "在庫管理", "吉田", 1200000, "受注", "2024-09-30"),
]


def _board(path: Path, gap: bool = True, right_header: list[str] | None = None) -> Path:
    """■進行中 in A:F and ■完了・失注 after a blank column G (H:M), as a deal board keeps them."""
    wb = Workbook()
    ws = wb.active
    ws.title = "案件ボード"
    ws["A1"] = "■進行中"
    ws["H1"] = "■完了・失注"
    left = ["会社名", "案件名", "担当", "金額", "ステージ", "予定日"]
    right = right_header or ["会社名", "案件名", "担当", "金額", "結果", "確定日"]
    ws.append(left + [None] + right)
    for i in range(max(len(OPEN), len(CLOSED))):
        a = list(OPEN[i]) if i < len(OPEN) else [None] * 6
        b = list(CLOSED[i]) if i < len(CLOSED) else [None] * 6
        ws.append(a + [None] + b)
    if not gap:  # a spacer column inside one table: 備考 after a blank column
        for r in range(2, ws.max_row + 1):
            ws.cell(r, 7).value = None
    wb.save(path)
    return path


def test_tables_side_by_side_are_read_as_tables_of_their_own(tmp_path: Path) -> None:
    result = read_sources([str(_board(tmp_path / "board.xlsx"))])
    tables = [t for t in result.tables if t.kind == "table"]
    assert [t.sheet for t in tables] == ["案件ボード", "案件ボード [H:M]"]
    left, right = tables
    assert list(left.data.index) == [3, 4, 5] and list(right.data.index) == [3, 4]
    # the right table's columns are none of the left's
    assert {m.column for m in left.columns} == set("ABCDEF")
    assert {m.column for m in right.columns} == set("HIJKLM")
    rec = to_records(result.tables)
    assert rec["company_name"].tolist() == [r[0] for r in OPEN] + [r[0] for r in CLOSED]
    assert rec["_row_key"].is_unique
    said = [f for t in tables for f in t.findings if f.rule == "ingest.side-by-side"]
    assert len(said) == 2 and "H:M" in said[1].message and said[1].sheet == "案件ボード [H:M]"


def test_a_blank_spacer_column_inside_one_table_keeps_it_whole(tmp_path: Path) -> None:
    """After the blank column a block of other fields (備考, 次回アクション): one table."""
    path = _board(tmp_path / "spacer.xlsx", right_header=["備考", "次回アクション", "", "", "", ""])
    result = read_sources([str(path)])
    assert [t.sheet for t in result.tables if t.kind == "table"] == ["案件ボード"]
    assert not any(f.rule == "ingest.side-by-side" for t in result.tables for f in t.findings)


def test_the_right_table_s_outcome_is_no_outcome_of_the_left_rows(tmp_path: Path) -> None:
    res = pipeline.run(
        [str(_board(tmp_path / "board.xlsx"))],
        target=None,
        as_of=pd.Timestamp("2024-12-01").date(),
    )
    rec = res.records
    stage = dict(zip(zip(rec["_source_sheet"], rec["_source_row"]), rec["stage"]))
    assert stage[("案件ボード", 3)] == "proposal"  # not won by 楓商会's 受注 on its line
    assert stage[("案件ボード", 5)] != "won"
    assert stage[("案件ボード [H:M]", 3)] == "lost" and stage[("案件ボード [H:M]", 4)] == "won"
    assert not (res.findings["rule"] == "stages.outcome-over-stage").any()
    # 確定日 beside 結果 is the date the deal closed
    closed = rec[rec["_source_sheet"] == "案件ボード [H:M]"]
    assert closed["close_date"].notna().all()


def _numbered(path: Path, numbers: list[object], header: str = "No") -> Path:
    """A deal list numbered down the rows; its last row a copy of its first (typed twice)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "案件一覧"
    ws.append([header, "顧客名", "案件名", "担当", "金額", "ステータス", "受注予定日"])
    deals = [
        ("株式会社北斗製作所", "生産管理システム更改", "佐藤", 4800000, "提案中", "2025-12-20"),
        ("株式会社ひかり薬品", "MA導入", "鈴木", 1500000, "ヒアリング", "2026-01-15"),
        ("株式会社大和建設", "BIM研修", "田中", 600000, "提案中", "2025-12-31"),
        ("株式会社湊テック", "ネットワーク更改", "佐藤", 3300000, "見積提出", "2026-02-20"),
    ]
    for n, deal in zip(numbers, [*deals, deals[0]]):
        ws.append([n, *deal])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("numbers", "counter"),
    [
        ([1, 2, 3, 4, 5], True),
        ([1, 2, 4, 5, 6], True),  # row 3 was deleted
        (["001", "002", "003", "004", "005"], True),
        ([1001, 1002, 1003, 1004, 1005], False),  # a system's ids, not row numbers
        ([7, 3, 12, 5, 9], False),
        (["A-1", "A-2", "A-3", "A-4", "A-5"], False),
    ],
)
def test_a_column_counting_the_rows_is_no_record_id(tmp_path, numbers, counter) -> None:
    result = read_sources([str(_numbered(tmp_path / "numbered.xlsx", numbers))])
    t = result.tables[0]
    field = next(m.field for m in t.columns if m.column == "A")
    assert (field is None) == counter
    assert any(f.rule == "ingest.row-counter" for f in t.findings) == counter
    if counter:
        assert "extra:No" in to_records(result.tables).columns


def test_a_row_typed_twice_under_two_row_numbers_is_one_deal(tmp_path: Path) -> None:
    path = _numbered(tmp_path / "numbered.xlsx", [1, 2, 3, 4, 5])
    res = pipeline.run([str(path)], target=None, as_of=pd.Timestamp("2025-10-01").date())
    rec = res.records.set_index("_source_row")
    # one deal; which of the two equal rows stands for it does not matter (merge._exact_units)
    assert rec.loc[6, "deal_id"] == rec.loc[2, "deal_id"]
    assert sorted([rec.loc[2, "_merged_into"] != "", rec.loc[6, "_merged_into"] != ""]) == [
        False,
        True,
    ]


def _closed_sheet(path: Path, sheet: str, header: list[str], dates: list[str]) -> Path:
    """A sheet of deals without a stage column (受注実績: 取引先 | 件名 | 受注金額 | 受注日)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for k, day in enumerate(dates):
        ws.append([f"株式会社テスト{k}", f"案件{k}", 1000000 + k, day or None])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("sheet", "header", "expected"),
    [
        ("受注実績(千円)", ["取引先", "件名", "金額", "日付"], ["won", "won", "won"]),
        ("Closed Won", ["Account", "Opportunity", "Amount", "Date"], ["won", "won", "won"]),
        ("失注一覧", ["取引先", "件名", "金額", "日付"], ["lost", "lost", "lost"]),
        # the headers say won: each row whose close date is filled
        ("2024年度", ["取引先", "件名", "金額", "受注日"], ["won", "won", ""]),
        ("2024年度", ["取引先", "件名", "受注金額", "完了予定日"], ["won", "won", "won"]),
        # nothing says closed, or the name says the deals are still expected
        ("2024年度", ["取引先", "件名", "金額", "受注予定日"], ["", "", ""]),
        ("受注見込一覧", ["取引先", "件名", "金額", "受注予定日"], ["", "", ""]),
        ("受注・失注一覧", ["取引先", "件名", "金額", "日付"], ["", "", ""]),
        ("Wonderland", ["Account", "Opportunity", "Amount", "Date"], ["", "", ""]),
    ],
)
def test_a_sheet_of_won_deals_without_a_stage_column_gives_its_rows_won(
    tmp_path: Path, sheet: str, header: list[str], expected: list[str]
) -> None:
    path = _closed_sheet(tmp_path / "closed.xlsx", sheet, header, ["2024-06-30", "2024-07-15", ""])
    res = pipeline.run([str(path)], target=None, as_of=pd.Timestamp("2024-12-01").date())
    rec = res.records.sort_values("_source_row")
    assert [str(s or "") for s in rec["stage"]] == expected
    inferred = res.findings[res.findings["rule"] == "stages.inferred"]
    assert len(inferred) == sum(1 for s in expected if s)
    if expected[0]:
        said = ("sheet name", f"{header[2]} '", f"{header[3]} '")
        assert all(any(w in m for w in said) for m in inferred["message"])


@pytest.mark.parametrize(
    "header",
    [
        ["会社名", "商材", "ランク", "受注金額", "受注予定日"],
        ["会社名", "商材", "ランク", "金額", "受注日"],
        ["会社名", "案件名", "ランク", "受注金額", "受注日"],
    ],
    ids=["受注金額", "受注日", "both"],
)
def test_a_ranked_row_is_open_whatever_its_headers_say(tmp_path: Path, header) -> None:
    """u20: a ヨミ表 heads its expected amount 受注金額 and its expected date 受注日; a row still
    ranked C or B is an open deal at its rank's stage, not won by the header. A row of the same
    sheet with no rank (an order already taken) is won by the header as before. A deal known by
    its product (商材) and its rank, with no deal name, takes its stage from the rank too."""
    wb = Workbook()
    ws = wb.active
    ws.title = "案件"
    ws.append(header)
    ws.append(["株式会社北斗電機", "生産管理", "C", "3,000,000", "2027/3/31"])
    ws.append(["株式会社東邦ロジ", "倉庫WMS", "B", "5,500,000", "2027/2/28"])
    ws.append(["株式会社若葉", "複合機", None, "800,000", "2026/10/1"])
    wb.save(tmp_path / "ranked.xlsx")
    res = pipeline.run([str(tmp_path / "ranked.xlsx")], target=None)
    stages = [str(s or "") for s in res.records.sort_values("_source_row")["stage"]]
    assert stages == ["opportunity", "proposal", "won"]


def test_a_sheet_with_a_stage_column_takes_nothing_from_its_name(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "受注実績"
    ws.append(["取引先", "件名", "金額", "ステージ"])
    ws.append(["株式会社テスト", "案件A", 1000000, "提案"])
    ws.append(["株式会社テスト2", "案件B", 2000000, None])
    wb.save(tmp_path / "staged.xlsx")
    res = pipeline.run([str(tmp_path / "staged.xlsx")], target=None)
    assert [str(s or "") for s in res.records.sort_values("_source_row")["stage"]] == [
        "proposal",
        "",
    ]


def _commented(path: Path) -> Path:
    """Stages kept in comments on empty stage cells (F2, F3, F5); F4's comment is a note on
    its word; F6's comment names no stage."""
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = "顧客別案件"
    ws.append(["取引先名", "ご担当者", "メール", "電話", "商談名", "ステージ", "金額"])
    stages = [None, None, "交渉中", None, None]
    for k, word in enumerate(stages):
        ws.append([f"株式会社コメント{k}", f"担当{k}", "", "", f"案件{k}", word, 1000000])
    ws["F2"].comment = Comment("ステージ：受注（12/10 注文書受領）", "小林")
    ws["F3"].comment = Comment("失注。競合A社に決定", "小林")
    ws["F4"].comment = Comment("来週受注見込み", "小林")
    ws["F5"].comment = Comment("提案中", "小林")
    ws["F6"].comment = Comment("先方部長と面談済み", "小林")
    ws["A6"].comment = Comment("受注", "小林")  # not on the stage cell
    wb.save(path)
    return path


def test_comments_of_an_xlsx_are_read_with_their_cells(tmp_path: Path) -> None:
    result = read_sources([str(_commented(tmp_path / "c.xlsx"))])
    t = result.tables[0]
    assert t.stage_comments == {
        2: ("F2", "ステージ：受注（12/10 注文書受領）"),
        3: ("F3", "失注。競合A社に決定"),
        5: ("F5", "提案中"),
        6: ("F6", "先方部長と面談済み"),
    }


def test_a_stage_kept_in_the_comment_of_its_empty_cell_is_read(tmp_path: Path) -> None:
    res = pipeline.run([str(_commented(tmp_path / "c.xlsx"))], target=None)
    stage = dict(zip(res.records["_source_row"], res.records["stage"]))
    assert stage[2] == "won" and stage[3] == "lost" and stage[5] == "proposal"
    assert stage[4] not in ("won", "")  # its word (交渉中), not the comment's 受注
    assert not stage[6]
    read = res.findings[res.findings["rule"] == "stages.stage-from-comment"].sort_values("row")
    assert list(read["row"]) == [2, 3, 5]
    assert "F2" in read["message"].iloc[0] and "受注" in read["message"].iloc[0]
    left = res.findings[res.findings["rule"] == "stages.comment-on-empty-stage"]
    assert list(left["row"]) == [6] and "F6" in left["message"].iloc[0]


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("ステージ：受注（12/10 注文書受領）", "won"),
        ("失注。競合A社に決定", "lost"),
        ("小林:\n受注", "won"),  # a note Excel opened with its author's name
        ("提案中", "proposal"),
        ("先方部長と面談済み", None),
        ("来週受注見込み", None),
    ],
)
def test_the_stage_word_a_comment_opens_with(text: str, stage: str | None) -> None:
    from migrate.stages import load_stage_model
    from migrate.stages.inference import _comment_words

    model = load_stage_model()
    found = next((k for k in map(model.lookup, _comment_words(text)) if k), None)
    assert found == stage


def test_a_threaded_comment_is_read_without_excel_s_boilerplate() -> None:
    from migrate.ingest.readers import comment_text

    legacy = (
        "[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; "
        "however, any edits to it will get removed if the file is opened in a newer version of "
        "Excel. Learn more: https://go.microsoft.com/fwlink/?linkid=870924\n\nComment:\n    受注\n"
        "Reply:\n    了解"
    )
    assert comment_text(legacy) == "受注"
    assert comment_text("  失注。競合A社に決定 ") == "失注。競合A社に決定"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["会社名", "案件名", "金額", "ステージ", "予定日"], {"E": "close_date"}),
        # beside a close date of its own, 予定日 is the date of the next step
        (
            ["会社名", "案件名", "金額", "ステージ", "受注予定日", "予定日"],
            {"E": "close_date", "F": "next_action_date"},
        ),
    ],
)
def test_a_deal_board_s_bare_planned_date_is_its_close_date(tmp_path, header, expected) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for k in range(3):
        ws.append(
            ["株式会社予定", f"案件{k}", 1000000, "提案", "2025-03-31", "2025-02-10"][: len(header)]
        )
    wb.save(tmp_path / "board.xlsx")
    t = read_sources([str(tmp_path / "board.xlsx")]).tables[0]
    fields = {m.column: m.field for m in t.columns}
    assert {c: fields[c] for c in expected} == expected
    planned = next(m for m in t.columns if m.header == "予定日")
    assert planned.method == "ambiguous"  # a guess inspect shows for review


def test_a_csv_of_two_tables_side_by_side_names_the_second_by_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "board.csv"
    lines = ["会社名,案件名,金額,ステージ,,会社名,案件名,金額,結果"]
    lines += ["株式会社甲,案件A,100,提案,,株式会社乙,案件B,200,受注"] * 1
    lines += ["株式会社丙,案件C,300,見積,,株式会社丁,案件D,400,失注"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_sources([str(path)])
    assert [t.sheet for t in result.tables if t.kind == "table"] == ["", "[F:I]"]
    assert to_records(result.tables)["_row_key"].is_unique
