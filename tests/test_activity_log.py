"""An activity log (日付 | 会社名 | 担当者 | 活動種別 | 内容) beside a deal list: its rows are calls,
visits and mails, not deals; they are read for the companies they name only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from migrate import pipeline
from migrate.ingest import read_sources

COMPANIES = ["株式会社富士ソリューション", "株式会社桜インダストリー", "株式会社大空航空サービス"]


def _workbook(path: Path, *, kinds: list[str], with_deals: bool = True, amount: bool = False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案件リスト"
    ws.append(["会社名", "案件名", "金額", "ステージ", "完了予定日", "担当"])
    ws.append([COMPANIES[0], "人事システム", 2000000, "提案", dt.date(2026, 7, 31), "山本"])
    ws.append([COMPANIES[1], "生産スケジューラ", 3500000, "交渉", dt.date(2026, 8, 31), "山本"])
    if not with_deals:
        wb.remove(ws)
    log = wb.create_sheet("活動履歴")
    log.append(["日付", "会社名", "担当者", "活動種別", "内容"] + (["金額"] if amount else []))
    for i in range(9):
        row = [
            dt.date(2026, 4, 1) + dt.timedelta(days=3 * i),
            COMPANIES[i % 3],
            ["山本", "吉田"][i % 2],
            kinds[i % len(kinds)],
            f"{['定例', '見積説明', 'デモ'][i % 3]}の件で連絡 #{i}",
        ]
        log.append(row + ([100000 * (i + 1)] if amount else []))
    wb.save(path)
    return path


def _log_table(path: Path):
    return next(t for t in read_sources([str(path)]).tables if t.sheet == "活動履歴")


@pytest.mark.parametrize(
    "kinds", [["電話", "訪問", "メール"], ["Call", "Meeting", "Email"], ["架電", "来社", "Web会議"]]
)
def test_an_activity_log_is_read_for_its_companies_only(tmp_path, kinds):
    table = _log_table(_workbook(tmp_path / "a.xlsx", kinds=kinds))
    assert table.kind == "table" and table.activity_log
    assert [m.field for m in table.columns if m.field] == ["company_name"]
    said = [f for f in table.findings if f.rule == "ingest.activity-log"]
    assert len(said) == 1 and said[0].column == "活動種別" and "9 rows" in said[0].message


def test_a_deal_list_with_an_activity_column_is_no_log(tmp_path):
    # an amount on every row: these are deals that say how they were last touched
    table = _log_table(_workbook(tmp_path / "a.xlsx", kinds=["電話", "訪問"], amount=True))
    assert not table.activity_log
    assert "amount" in {m.field for m in table.columns}


def test_a_column_of_other_words_is_no_activity_kind(tmp_path):
    table = _log_table(_workbook(tmp_path / "a.xlsx", kinds=["東京", "大阪", "名古屋"]))
    assert not table.activity_log


def test_a_log_beside_a_deal_list_makes_no_deals_and_says_so(tmp_path):
    src = _workbook(tmp_path / "a.xlsx", kinds=["電話", "訪問", "メール"])
    res = pipeline.run([str(src)], target="salesforce")
    cw = res.crosswalk
    log = cw[cw["source_sheet"] == "活動履歴"]
    assert len(log) == 9  # every row accounted for
    assert (log["deal_id"] == "").all()
    assert log["reason"].str.contains("ingest.activity-log").all()
    # the company named only in the log still counts as a company
    accounts = res.export.files["Account.csv"]
    assert COMPANIES[2] in set(accounts["Name"])
    assert len(res.export.files["Opportunity.csv"]) == 2
    # the activity text is kept in records.csv
    assert (res.records["extra:内容"].fillna("") != "").sum() == 9


def test_a_log_alone_gives_its_companies(tmp_path):
    src = _workbook(tmp_path / "a.xlsx", kinds=["電話", "訪問", "メール"], with_deals=False)
    res = pipeline.run([str(src)], target="salesforce")
    assert sorted(res.export.files["Account.csv"]["Name"]) == sorted(COMPANIES)
    assert res.export.files["Opportunity.csv"].empty
    assert "ingest.activity-log" in set(res.findings["rule"])


@pytest.mark.parametrize(
    ("cells", "kinds"),
    [
        pytest.param(["電話"] * 8 + ["x", "y"], {"電話": 8}, id="just-the-share"),
        pytest.param(["x", "y", "z"] + ["訪問"] * 7, None, id="below-the-share-names-first"),
        pytest.param(["x", "y"] + ["ＴＥＬ "] * 4 + ["Call"] * 4, None, id="unknown-word"),
        pytest.param(
            [" 電話"] * 5 + ["電話 ", "メール"] * 2 + [""], {"電話": 7, "メール": 2}, id="mixed"
        ),
    ],
)
def test_kinds_counts_cells_per_distinct_value(cells, kinds):
    """The kind column's test counts each distinct value's cells (and gives up early only when
    the rest cannot reach the share): the same verdict and counts as one test per cell."""
    import pandas as pd

    from migrate.ingest.layout.activity import _filled, _kinds

    words = {"電話", "訪問", "メール", "call"}
    found = _kinds(_filled(pd.DataFrame({0: cells}), 0), words, 0.8)
    assert (dict(found) if found is not None else None) == kinds


def _activity_kinds_per_cell(matches, data, rules):
    """The activity-log test as first written, cell by cell: the oracle for activity_kinds."""
    from collections import Counter

    from migrate.ingest.layout.activity import _DEAL_FIELDS, _is_date, _key

    def filled(j):
        return [v for v in data[j].tolist() if v is not None and str(v).strip() != ""]

    words = {_key(w) for w in rules.activity_type_words}
    if not words or len(data) < rules.activity_min_rows:
        return None
    present = [m for m in matches if m.index in data.columns and filled(m.index)]
    company = next((m for m in present if m.field == "company_name"), None)
    if company is None:
        return None
    kind_col, kinds = None, Counter()
    for m in present:
        if m is company:
            continue
        values = filled(m.index)
        hits = [str(v).strip() for v in values if _key(v) in words]
        if hits and len(hits) >= rules.activity_type_share * len(values):
            kind_col, kinds = m, Counter(hits)
            break
    if kind_col is None:
        return None
    others = [m for m in present if m is not company and m is not kind_col]
    if kind_col.field == "stage" or any(m.field in _DEAL_FIELDS for m in others):
        return None
    dates = any(
        sum(_is_date(v) for v in vals) >= 0.8 * len(vals)
        for vals in (filled(m.index) for m in others)
    )
    texts = any(
        all(isinstance(v, str) for v in vals) and len(set(vals)) >= 0.5 * len(vals)
        for vals in (filled(m.index) for m in others)
        if vals and not all(_is_date(v) for v in vals)
    )
    names = [_key(v) for v in filled(company.index)]
    return (kind_col, kinds) if dates and texts and len(names) > len(set(names)) else None


_KINDS = ["電話", "訪問", "メール"]
_DATES = [f"2026-04-{d:02d}" for d in range(1, 10)]
_NOTES = [f"定例の件で連絡 #{i}" for i in range(9)]


@pytest.mark.parametrize(
    "columns",
    [
        pytest.param([("company_name", "c"), (None, "k"), (None, "d"), (None, "t")], id="log"),
        pytest.param(
            [("company_name", "c"), ("amount", "k"), (None, "d"), (None, "t")],
            id="kinds-under-amount",
        ),
        pytest.param(
            [("company_name", "c"), ("stage", "k"), (None, "d"), (None, "t")],
            id="kinds-under-stage",
        ),
        pytest.param(
            [("company_name", "c"), (None, "k"), ("amount", "k"), (None, "d"), (None, "t")],
            id="kinds-before-the-amount",
        ),
        pytest.param(
            [("company_name", "c"), ("amount", "k"), ("close_date", "d"), (None, "t")],
            id="two-deal-columns",
        ),
        pytest.param(
            [("company_name", "c"), ("probability", "t"), (None, "k"), (None, "d")],
            id="deal-column-without-kinds",
        ),
        pytest.param(
            [("company_name", "c"), ("company_name", "k"), (None, "d"), (None, "t")],
            id="second-company-column",
        ),
        pytest.param([("company_name", "c"), (None, "d"), (None, "t")], id="no-kinds"),
        pytest.param(
            [("company_name", "c"), (None, "k"), (None, "e"), (None, "t")], id="kinds-blank-column"
        ),
    ],
)
def test_activity_kinds_equals_the_per_cell_test(columns):
    """The log test asks a deal column first and counts each distinct value once: the same
    verdict (and column, and kind counts) as the per-cell test on logs and deal lists."""
    import pandas as pd

    from migrate.columns import ColumnMatch
    from migrate.ingest import load_ingest_rules
    from migrate.ingest.layout.activity import activity_kinds

    make = {
        "c": lambda i: COMPANIES[i % 3],
        "k": lambda i: _KINDS[i % 3],
        "d": lambda i: _DATES[i],
        "t": lambda i: _NOTES[i],
        "e": lambda i: None,
    }
    data = pd.DataFrame(
        {j: [make[kind](i) for i in range(9)] for j, (_, kind) in enumerate(columns)}
    )
    matches = [
        ColumnMatch(j, str(j), f"h{j}", field, 1.0, "exact") for j, (field, _) in enumerate(columns)
    ]
    rules = load_ingest_rules()[0]
    assert activity_kinds(matches, data, rules) == _activity_kinds_per_cell(matches, data, rules)
