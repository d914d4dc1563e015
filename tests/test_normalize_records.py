"""normalize_records on whole frames: outputs, findings, on-error policies, rule files, helpers."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from migrate import findings as fnd
from migrate.amounts import ColumnUnit, ColumnUnits
from migrate.errors import RuleFileError
from migrate.normalize import distinct_owners, load_rules, normalize_records, unknown_stage_words
from migrate.rules import DEFAULT_RULES_DIR
from migrate.schema import load_schema

TODAY = dt.date(2026, 1, 15)


def records(
    rows: list[dict[str, Any]], *, file: str = "deals.xlsx", sheet: str = "案件一覧"
) -> pd.DataFrame:
    names = load_schema().names
    data = []
    for i, values in enumerate(rows):
        row: dict[str, Any] = {n: None for n in names}
        row.update(
            {
                "_source_file": file,
                "_source_sheet": sheet,
                "_source_row": i + 5,
                "_row_key": f"{file}|{sheet}|{i + 5}",
                "_source_order": 0,
            }
        )
        row.update(values)
        data.append(row)
    return pd.DataFrame(data, dtype=object)


MIXED = [
    {"company_name": "(株)山田電気 御中", "contact_name": "山田 太郎 様", "email": "Yamada Taro <Taro.Yamada@Example.co.jp>",
     "phone": "03-1234-5678 内線12", "amount": "120万円", "stage": "3.提案", "probability": "70%",
     "close_date": "2026/3/31", "owner": "佐藤 さん", "website": "www.Example.co.jp/", "notes": "一行目\r\n二行目",
     "extra:メモ": "ｘ　ｙ"},
    {"company_name": "山田電気㈱", "contact_name": "Smith, John", "email": "bad@", "phone": 312345678, "amount": 300,
     "stage": "保留", "probability": "A", "close_date": "3/31", "owner": "佐藤", "created_at": dt.datetime(2025, 11, 1)},
    {"company_name": "ACME CORP.", "contact_last_name": "鈴木", "contact_first_name": "一郎", "email": "a@x.com; b@y.com",
     "phone": "+1 212 555 1234", "amount": "$12,000", "stage": "Closed Won", "probability": 0.7,
     "close_date": "R8.3.31", "owner": "sato@corp.jp"},
    {"company_name": "未定", "amount": "未定", "stage": "保留", "close_date": "未定", "probability": "120%"},
]  # fmt: skip


@pytest.fixture(scope="module")
def mixed() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    raw = records(MIXED)
    before = raw.copy(deep=True)
    out, findings = normalize_records(raw, today=TODAY)
    pd.testing.assert_frame_equal(raw, before)  # the input is never modified
    return raw, out, findings


def test_outputs(mixed: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    raw, out, _ = mixed
    assert list(out.index) == list(raw.index)
    assert out["company_name"].tolist() == [
        "株式会社山田電気",
        "山田電気株式会社",
        "ACME Corporation",
        "",
    ]
    assert out["company_key"].tolist() == ["山田電気", "山田電気", "acme", ""]
    assert out["company_legal_form"].tolist() == ["株式会社", "株式会社", "Corporation", ""]
    assert out["contact_name"].tolist() == ["山田 太郎", "John Smith", "鈴木 一郎", ""]
    assert out["contact_last_name"].tolist() == ["山田", "Smith", "鈴木", ""]
    assert out["contact_first_name"].tolist() == ["太郎", "John", "一郎", ""]
    assert out["email"].tolist() == ["taro.yamada@example.co.jp", "", "a@x.com", ""]
    assert out["email_domain"].tolist() == ["example.co.jp", "", "x.com", ""]
    assert out["phone"].tolist() == ["+81312345678", "+81312345678", "+12125551234", ""]
    assert out["amount"].tolist()[:3] == [1200000.0, 300.0, 12000.0]
    assert math.isnan(out["amount"].iloc[3])
    assert out["currency"].tolist() == ["JPY", "JPY", "USD", "JPY"]
    assert out["stage"].tolist() == ["proposal", "", "won", ""]
    assert out["probability"].tolist()[:3] == [70.0, 80.0, 70.0]
    assert out["close_date"].tolist() == ["2026-03-31", "2026-03-31", "2026-03-31", ""]
    assert out["owner"].tolist()[:3] == ["佐藤", "佐藤", "sato@corp.jp"]
    assert out["owner_email"].tolist()[:3] == ["", "", "sato@corp.jp"]
    assert out["website"].iloc[0] == "https://www.example.co.jp"
    assert out["website_domain"].iloc[0] == "example.co.jp"
    assert out["notes"].iloc[0] == "一行目\n二行目"
    assert out["extra:メモ"].iloc[0] == "x y"
    assert out["created_at"].iloc[1] == "2025-11-01"
    assert not out["_stage_inferred"].any()
    assert not out["_reject"].any()
    assert out["amount"].dtype == "float64" and out["probability"].dtype == "float64"
    assert out["company_name"].dtype == object


def test_findings(mixed: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    _, _, findings = mixed
    assert list(findings.columns) == fnd.FINDING_COLUMNS
    assert (findings["file"] == "deals.xlsx").all() and (findings["sheet"] == "案件一覧").all()
    assert (findings["column"] == "").all()  # the pipeline fills it from the column mapping
    assert findings["rule"].str.match(r"^normalize\.[a-z0-9]+(-[a-z0-9]+)*$").all()

    def at(rule: str, row: int) -> pd.DataFrame:
        return findings[(findings["rule"] == rule) & (findings["row"] == row)]

    assert len(at("normalize.invalid-email", 6)) == 1
    assert at("normalize.invalid-email", 6)["original"].iloc[0] == "bad@"
    assert at("normalize.invalid-email", 6)["action"].iloc[0] == "blanked"
    assert at("normalize.multiple-emails", 7)["message"].iloc[0].endswith("not b@y.com")
    assert at("normalize.phone-extension", 5)["field"].iloc[0] == "phone"
    assert at("normalize.phone-leading-zero-restored", 6)["value"].iloc[0] == "+81312345678"
    assert (
        at("normalize.date-year-inferred", 6)["message"]
        .iloc[0]
        .startswith("no year given; used 2026")
    )
    assert len(at("normalize.unknown-stage", 6)) == 1 and len(at("normalize.unknown-stage", 8)) == 1
    assert "used in 2 row(s)" in at("normalize.unknown-stage", 8)["message"].iloc[0]
    assert at("normalize.probability-out-of-range", 8)["severity"].iloc[0] == "warning"
    # re-spellings and dictionary mappings are summarised per sheet (row 0)
    assert len(at("normalize.company", 0)) == 1
    assert at("normalize.company", 0)["message"].iloc[0].startswith("3 cell(s) re-spelled")
    stage_words = at("normalize.stage", 0)
    assert set(stage_words["original"]) == {"3.提案", "Closed Won"}
    placeholders = at("normalize.placeholder-blanked", 0)
    assert set(placeholders["field"]) == {"company_name", "amount", "close_date"}
    assert len(at("normalize.text-cleaned", 0)) >= 2


def test_helpers(mixed: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    _, out, findings = mixed
    words = unknown_stage_words(findings)
    assert words.to_dict("records") == [{"word": "保留", "rows": 2, "files": "deals.xlsx"}]
    owners = distinct_owners(out)
    assert owners.to_dict("records") == [
        {"owner": "佐藤", "rows": 2, "files": "deals.xlsx", "owner_email": ""},
        {"owner": "sato@corp.jp", "rows": 1, "files": "deals.xlsx", "owner_email": "sato@corp.jp"},
    ]
    assert list(unknown_stage_words(fnd.empty()).columns) == ["word", "rows", "files"]


def test_empty_frame() -> None:
    out, findings = normalize_records(records([]), today=TODAY)
    assert len(out) == 0 and len(findings) == 0
    assert {"company_key", "email_domain", "_reject", "_reject_reason"} <= set(out.columns)


def test_grouping_is_per_file_and_sheet() -> None:
    a = records([{"close_date": "25/03/2026"}, {"close_date": "03/04/2026"}], file="a.xlsx")
    b = records(
        [{"close_date": "12/25/2026"}, {"close_date": "03/04/2026"}], file="b.csv", sheet=""
    )
    out, findings = normalize_records(pd.concat([a, b], ignore_index=True), today=TODAY)
    assert out["close_date"].tolist() == ["2026-03-25", "2026-04-03", "2026-12-25", "2026-03-04"]
    inferred = findings[findings["rule"] == "normalize.date-order-inferred"]
    assert sorted(inferred["file"]) == ["a.xlsx", "b.csv"]


# ----------------------------------------------------------------------------- rule files


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    for name in ("normalize.yaml", "columns.yaml", "stages.yaml", "owners.yaml"):
        shutil.copy(DEFAULT_RULES_DIR / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_reject_policy_marks_the_row(rules_copy: Path) -> None:
    _edit(
        rules_copy / "normalize.yaml",
        "normalize.email: {on_error: blank",
        "normalize.email: {on_error: reject",
    )
    out, findings = normalize_records(records([{"email": "bad@"}, {"email": "ok@example.com"}]),
                                      rules_dir=str(rules_copy), today=TODAY)  # fmt: skip
    assert out["_reject"].tolist() == [True, False]
    assert out["_reject_reason"].iloc[0].startswith("normalize.invalid-email: ")
    hit = findings[findings["rule"] == "normalize.invalid-email"]
    assert hit[["severity", "action"]].values.tolist() == [["error", "rejected"]]


def test_keep_policy_keeps_the_text(rules_copy: Path) -> None:
    _edit(
        rules_copy / "normalize.yaml",
        "normalize.date: {on_error: blank",
        "normalize.date: {on_error: keep",
    )
    out, findings = normalize_records(
        records([{"close_date": " 要相談 "}]), rules_dir=str(rules_copy), today=TODAY
    )
    assert out["close_date"].iloc[0] == "要相談"
    assert findings[findings["rule"] == "normalize.unparseable-date"]["action"].tolist() == ["kept"]


def test_cell_level_reformats(rules_copy: Path) -> None:
    _edit(rules_copy / "normalize.yaml", "reformats: summary", "reformats: cell")
    _, findings = normalize_records(records([{"close_date": "2026/3/31"}, {"close_date": "2026/4/1"}]),
                                    rules_dir=str(rules_copy), today=TODAY)  # fmt: skip
    assert findings[findings["rule"] == "normalize.date"]["row"].tolist() == [5, 6]


def test_owner_mapping(rules_copy: Path) -> None:
    (rules_copy / "owners.yaml").write_text(
        "kind: owners\nversion: 1\nowners:\n  山田 太郎: T.Yamada@Example.co.jp\n", encoding="utf-8"
    )
    out, findings = normalize_records(records([{"owner": "山田太郎さん"}, {"owner": "佐藤"}]),
                                      rules_dir=str(rules_copy), today=TODAY)  # fmt: skip
    assert out["owner_email"].tolist() == ["t.yamada@example.co.jp", ""]
    assert findings[findings["rule"] == "normalize.owner-unmapped"]["original"].tolist() == ["佐藤"]
    owners = distinct_owners(out, rules_dir=str(rules_copy))
    assert owners.set_index("owner")["owner_email"].to_dict() == {
        "山田太郎": "t.yamada@example.co.jp",
        "佐藤": "",
    }


def test_broken_owner_file(rules_copy: Path) -> None:
    (rules_copy / "owners.yaml").write_text(
        "kind: owners\nversion: 1\nowners:\n  山田: not-an-address\n  山田 さん: y@example.com\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as err:
        normalize_records(records([{"owner": "山田"}]), rules_dir=str(rules_copy), today=TODAY)
    assert len(err.value.problems) == 2


def test_broken_rule_file_lists_every_problem(rules_copy: Path) -> None:
    path = rules_copy / "normalize.yaml"
    _edit(path, "normalize.amount: {on_error: blank", "normalize.amount: {on_error: keep")
    _edit(path, "ambiguous_order: month-first", "ambiguous_order: sideways")
    _edit(path, "  typo_min_ratio: 90", "  typo_min_ratio: 185\n  fuzzy_max: 3")
    _edit(path, "default_currency: JPY", "default_currency: yen")
    with pytest.raises(RuleFileError) as err:
        load_rules(str(rules_copy))
    problems = "\n".join(err.value.problems)
    assert len(err.value.problems) == 5, problems
    assert (
        "normalizers.normalize.amount.on_error: 'keep' is not allowed; allowed values: blank, reject"
        in problems
    )
    assert (
        "dates.ambiguous_order: 'sideways' is not allowed; allowed values: month-first, day-first"
        in problems
    )
    assert "stages.fuzzy_max: unknown key" in problems
    assert "stages.typo_min_ratio: 185 is out of range" in problems
    assert "amounts.default_currency: 'yen' is not an ISO 4217 code" in problems


def test_wrong_kind(rules_copy: Path) -> None:
    _edit(rules_copy / "normalize.yaml", "kind: normalize", "kind: columns")
    with pytest.raises(RuleFileError, match="kind"):
        load_rules(str(rules_copy))


def test_findings_report_the_final_value() -> None:
    out, findings = normalize_records(
        records([{"company_name": "株式会社山田電気 東京支店", "contact_name": "部長 山田太郎"}]),
        today=TODAY,
    )
    branch = findings[findings["rule"] == "normalize.company-branch-removed"]
    assert branch[["original", "value"]].values.tolist() == [
        ["株式会社山田電気 東京支店", "株式会社山田電気"]
    ]
    title = findings[findings["rule"] == "normalize.name-title-removed"]
    assert title["value"].tolist() == [out["contact_name"].iloc[0]] == ["山田太郎"]


def test_cell_level_findings_hold_the_original_of_every_changed_cell(rules_copy: Path) -> None:
    """findings: {reformats, mappings, text_cleaned: cell} is the full audit trail (issue 11)."""
    for key in ("reformats", "mappings", "text_cleaned"):
        _edit(rules_copy / "normalize.yaml", f"  {key}: summary", f"  {key}: cell")
    extra = [
        {"company_name": " 山田電気  株式会社", "contact_name": "ｽｽﾞｷ　ｲﾁﾛｳ", "industry": "製造　業",
         "email": "ＳＡＴＯ@example.co.jp", "phone": "０３-1234-5678", "stage": "提案",
         "probability": "50%", "amount": "1,000", "close_date": "13/2/2026", "owner": "Ryan Brooks"},
        # an owner unified with the full name, a date read in the column's order (13/2 decides
        # day-first), bare amounts multiplied by the header unit, a name only cleaned of spaces
        {"owner": "Ryan", "close_date": "1/2/2026", "amount": 12,
         "contact_name": "小野寺  葵", "updated_at": "2026/1/5"},
        {"owner": "菅原\u3000理沙"},
    ]  # fmt: skip
    raw = records(MIXED + extra)
    units = ColumnUnits.of([(("deals.xlsx", "案件一覧", "amount"), ColumnUnit(10000.0))])  # 万円
    out, findings = normalize_records(raw, rules_dir=str(rules_copy), today=TODAY, units=units)
    cells = {
        (int(r), f): o for r, f, o in findings[["row", "field", "original"]].itertuples(index=False)
    }
    fields = [c for c in raw.columns if not c.startswith("_")]
    for i in range(len(raw)):
        for field in fields:
            before, after = raw.at[i, field], out.at[i, field]
            if before is None or (isinstance(before, float) and math.isnan(before)):
                continue
            shown_before = (
                str(before) if not isinstance(before, dt.datetime) else before.date().isoformat()
            )
            shown_after = "" if after is None or after != after else str(after)
            if isinstance(after, float):
                shown_after = f"{after:g}" if after == after else ""
                shown_before = (
                    f"{float(before):g}" if isinstance(before, (int, float)) else str(before)
                )
            if shown_after == shown_before:
                continue
            row = int(raw.at[i, "_source_row"])
            assert (row, field) in cells, (
                f"row {row} {field}: {before!r} -> {after!r} has no finding"
            )


@pytest.mark.parametrize(
    ("field", "cell", "value"),
    [
        ("contact_name", "小野寺  葵", "小野寺 葵"),
        ("company_name", "ＡＢＣ株式会社 ", "ABC株式会社"),
        ("owner", "菅原\u3000理沙", "菅原 理沙"),
    ],
)
def test_names_cleaned_of_spaces_only_are_counted(field: str, cell: str, value: str) -> None:
    out, findings = normalize_records(records([{field: cell}]), today=TODAY)
    assert out[field].iloc[0] == value
    hit = findings[(findings["rule"] == "normalize.text-cleaned") & (findings["field"] == field)]
    assert hit[["original", "value"]].values.tolist() == [[cell, value]]


def test_an_open_deals_quarter_looks_ahead_of_its_sheets_last_update() -> None:
    """Q3 on a row last touched in December of an export whose rows run to January is the
    coming Q3 (the sheet is current in January); a won deal's Q3 stays the nearest."""
    import datetime as dt

    import pandas as pd

    from migrate.normalize import normalize_records

    rows = [
        {"company_name": "株式会社アルファ", "deal_name": "a", "stage": "提案中",
         "close_date": "Q3", "updated_at": "2025-12-13"},
        {"company_name": "株式会社ベータ", "deal_name": "b", "stage": "提案中",
         "close_date": "2026-03-31", "updated_at": "2026-01-10"},
        {"company_name": "株式会社ガンマ", "deal_name": "c", "stage": "受注",
         "close_date": "Q3", "updated_at": "2025-12-13"},
    ]  # fmt: skip
    frame = pd.DataFrame(
        [
            {
                **r,
                "_source_file": "x.csv",
                "_source_sheet": "",
                "_source_row": i + 2,
                "_row_key": f"x.csv||{i + 2}",
                "_source_order": 0,
            }
            for i, r in enumerate(rows)
        ],  # fmt: skip
        dtype=object,
    )
    out, _ = normalize_records(frame, today=dt.date(2026, 1, 20))
    assert list(out["close_date"]) == ["2026-12-31", "2026-03-31", "2025-12-31"]


def test_an_address_beside_a_name_fills_only_an_empty_email() -> None:
    records = pd.DataFrame(
        {
            "contact_name": ["Mary Lee <lee@nitto-denki.jp>", "中村 <nakamura@nitto-denki.jp>"],
            "email": ["", "k.nakamura@nitto-denki.jp"],
        }
    )
    out, found = normalize_records(records)
    assert out["contact_name"].tolist() == ["Mary Lee", "中村"]
    # the row's own e-mail wins over the one written beside the name
    assert out["email"].tolist() == ["lee@nitto-denki.jp", "k.nakamura@nitto-denki.jp"]
    assert "normalize.email-in-name" in set(found["rule"])


def test_an_empty_field_is_filled_from_a_second_column_of_its_synonym() -> None:
    # 受注予定日 empty, 受注予定時期 (kept as extra beside it) says 2026年度上期: the close date is
    # the period's end with findings naming the column and the period; TEL直通 fills a card's
    # empty TEL会社; a filled field keeps its own value
    frame = records(
        [
            {"company_name": "A社", "close_date": None, "extra:受注予定時期": "2026年度上期"},
            {
                "company_name": "B社",
                "close_date": "2026/3/31",
                "extra:受注予定時期": "2026年度下期",
            },
            {"company_name": "C社", "phone": None, "extra:TEL直通": "03-9999-0000"},
            {"company_name": "D社", "close_date": None, "extra:メモ": "2026/5/1"},
        ]
    )
    out, found = normalize_records(frame, today=TODAY)
    assert out["close_date"].tolist()[:2] == ["2026-09-30", "2026-03-31"]
    assert out["close_date"].iloc[3] in ("", None)
    assert out["phone"].iloc[2] == "+81399990000"
    filled = found[found["rule"] == "normalize.filled-from-spare-column"]
    assert sorted(filled["field"]) == ["close_date", "phone"]
    assert "受注予定時期" in " ".join(filled["message"])
    approx = found[(found["rule"] == "normalize.approximate-date") & (found["row"] == 5)]
    assert "half-year" in " ".join(approx["message"])


def test_a_short_date_beside_和暦_dates_is_和暦() -> None:
    # 6.11.30 in a column of R6.4.1 / 令和6年9月2日 is 令和6年11月30日, not 2030-06-11 month-first;
    # 6.9.1 (no western reading at all) is 令和6年9月1日; a finding says the era was assumed
    frame = records(
        [
            {"company_name": "A社", "close_date": "R6.4.1", "created_at": "令和6年9月2日"},
            {"company_name": "B社", "close_date": "6.11.30", "created_at": "6.9.1"},
            {"company_name": "C社", "close_date": "H31.4.30", "created_at": "R5.12.1"},
        ]
    )
    out, found = normalize_records(frame, today=TODAY)
    assert out["close_date"].iloc[1] == "2024-11-30"
    assert out["created_at"].iloc[1] == "2024-09-01"
    assumed = found[found["rule"] == "normalize.era-assumed"]
    assert sorted(assumed["field"]) == ["close_date", "created_at"]
    assert "令和6年11月30日" in " ".join(assumed["message"])


def test_a_short_date_takes_the_era_in_the_sheet_name_and_none_without_one() -> None:
    rows = [
        {"company_name": "A社", "close_date": "6.9.1"},
        {"company_name": "B", "close_date": "2024/10/1"},
    ]
    out, found = normalize_records(records(rows, sheet="案件一覧(令和6年度)"), today=TODAY)
    assert out["close_date"].iloc[0] == "2024-09-01"
    # no era anywhere: 6.11.30 keeps its western reading (month-first), 6.9.1 is no date
    rows = [
        {"company_name": "A社", "close_date": "6.11.30"},
        {"company_name": "B", "close_date": "6.9.1"},
    ]
    out, found = normalize_records(records(rows), today=TODAY)
    assert out["close_date"].tolist() == ["2030-06-11", ""]
    assert not (found["rule"] == "normalize.era-assumed").any()


def test_an_address_alone_in_the_contact_cell_is_the_rows_email_too():
    records = pd.DataFrame(
        {
            "_source_file": ["a.csv", "a.csv"],
            "_source_sheet": ["", ""],
            "_source_row": [2, 3],
            "contact_name": ["gavin@hooli.xyz", "Richard Hendricks <richard@piedpiper.com>"],
        }
    )
    out, _ = normalize_records(records)
    assert out["email"].tolist() == ["gavin@hooli.xyz", "richard@piedpiper.com"]
    assert out["contact_name"].tolist()[0] == "gavin@hooli.xyz"  # the name the row has


def test_a_cell_that_records_its_update_is_read_as_its_latest_value() -> None:
    """u20: 確度 50%→80%, 受注予定 2026/12/20→2027/1/31 and 金額 1,200,000→1,000,000 were each
    rejected as unreadable, and an owner handed over 田中→佐藤 became one rep named so. The value
    after the last arrow is read, with a finding naming the cell; a deal name or a note keeps
    its arrows (提案→見積→受注 is a story there)."""
    raw = records(
        [
            {"deal_name": "基幹刷新→クラウド移行", "probability": "50%→80%", "amount": "1,200,000→1,000,000",
             "close_date": "2026/12/20→2027/1/31", "owner": "田中→佐藤", "notes": "提案→見積→受注"},
            {"deal_name": "保守", "probability": "A⇒受注", "close_date": "12/20 => 1/31", "stage": "提案->交渉"},
        ]
    )  # fmt: skip
    out, findings = normalize_records(raw, today=TODAY)
    first, second = out.iloc[0], out.iloc[1]
    assert (first["probability"], first["amount"], first["close_date"]) == (
        80.0,
        1_000_000,
        "2027-01-31",
    )
    assert first["owner"] == "佐藤"
    assert first["deal_name"] == "基幹刷新→クラウド移行" and first["notes"] == "提案→見積→受注"
    assert second["stage"] == "closing" and second["close_date"].endswith("-01-31")
    said = findings[findings["rule"] == "normalize.latest-of-update"]
    assert set(said["field"]) == {"probability", "amount", "close_date", "owner", "stage"}
    assert "'50%→80%' records an update: read its latest value '80%'" in " ".join(said["message"])


def test_a_deal_name_that_opens_with_a_legal_form_names_the_company_of_a_row_without_one() -> None:
    """u20: a small tracker with no customer column writes 株式会社山田製作所 基幹システム更新 into
    案件名; its deals had no company and no account was made. A first word holding a legal form
    is the row's company (with a finding); a row with its own company, or a name without a
    legal form, is left as it is."""
    raw = records(
        [
            {"deal_name": "株式会社山田製作所 基幹システム更新"},
            {"deal_name": "中村建設(株)_現場用タブレット"},
            {"deal_name": "【株式会社青葉】倉庫管理"},
            {"deal_name": "山田製作所 保守"},
            {"deal_name": "株式会社化 支援"},
            {"deal_name": "株式会社山田製作所 増設", "company_name": "株式会社ミドリ"},
        ]
    )
    out, findings = normalize_records(raw, today=TODAY)
    assert list(out["company_name"]) == [
        "株式会社山田製作所", "中村建設株式会社", "株式会社青葉", "", "", "株式会社ミドリ",
    ]  # fmt: skip
    said = findings[findings["rule"] == "normalize.company-from-deal-name"]
    assert list(said["row"]) == [5, 6, 7]


def test_a_sheet_named_for_its_month_gives_its_yearless_dates_their_year() -> None:
    """u20: a monthly tracker's sheet 2026.05 held 6/20 (a deal closing that June), read as
    2027-06-20 because the run's day was later in 2026. A sheet named for its month (2026.05,
    2026年4月, R8.5) is when its rows were current: its yearless dates are read nearest to that
    month, an open deal's close date not before it."""
    raw = pd.concat(
        [
            records(
                [{"deal_name": "予約システム", "close_date": "6/20", "stage": "提案"}],
                sheet="2026.05",
            ),
            records(
                [{"deal_name": "生産管理", "close_date": "10/15", "stage": "提案"}],
                sheet="2026年4月",
            ),
            records([{"deal_name": "保守", "close_date": "2/10", "stage": "受注"}], sheet="R8.5"),
            records(
                [{"deal_name": "WMS", "close_date": "2/10", "stage": "提案"}], sheet="案件一覧"
            ),
        ],
        ignore_index=True,
    )
    out, findings = normalize_records(raw, today=dt.date(2026, 12, 7))
    # the sheet without a month: nearest to the run's day, as before
    assert list(out["close_date"]) == ["2026-06-20", "2026-10-15", "2026-02-10", "2027-02-10"]
    said = findings[findings["rule"] == "normalize.date-year-inferred"]["message"].tolist()
    assert any("the month its sheet is named for (2026-05)" in m for m in said)


def test_a_person_written_after_the_company_in_its_cell_is_split_out() -> None:
    """u19: a short list's 'サクラ商事 山田様' became an account サクラ商事山田, and no contact. A
    company cell that ends with a person and an honorific is the company, then its contact
    (where the row's contact is empty); without the honorific nothing is split."""
    raw = records(
        [
            {"company_name": "サクラ商事 山田様", "deal_name": "A"},
            {"company_name": "北斗フーズ 営業部 藤原 様", "deal_name": "B"},
            {"company_name": "株式会社青葉 鈴木様", "contact_name": "佐藤 花子", "deal_name": "C"},
            {"company_name": "株式会社 山田", "deal_name": "D"},
            {"company_name": "株式会社 青葉 様", "deal_name": "E"},
        ]
    )
    out, findings = normalize_records(raw, today=TODAY)
    assert list(out["company_name"]) == [
        "サクラ商事",
        "北斗フーズ",
        "株式会社青葉",
        "株式会社山田",
        "株式会社青葉",
    ]
    assert out["department"].iloc[1] == "営業部"
    assert list(out["contact_name"])[:3] == ["山田", "藤原", "佐藤 花子"]
    said = findings[findings["rule"] == "normalize.person-in-company-cell"]
    assert list(said["row"]) == [5, 6, 7]


def test_an_email_address_in_a_phone_column_becomes_the_rows_email() -> None:
    """u20: a 連絡先 column held 03-... numbers and one info@ address; the address failed as a
    phone and was blanked. It becomes the row's e-mail where it has none, and no phone."""
    raw = records(
        [
            {"company_name": "株式会社ニ", "phone": "info@ni.co.jp"},
            {"company_name": "株式会社サン", "phone": "sales@san.co.jp", "email": "k@san.co.jp"},
            {"company_name": "株式会社イチ", "phone": "03-1111-0001"},
        ]
    )
    out, findings = normalize_records(raw, today=TODAY)
    assert list(out["email"]) == ["info@ni.co.jp", "k@san.co.jp", ""]
    assert list(out["phone"]) == ["", "", "+81311110001"]
    said = findings[findings["rule"] == "normalize.email-in-phone"]
    assert list(said["row"]) == [5, 6]
    assert not (findings["rule"] == "normalize.invalid-phone").any()


def test_a_mobile_number_beside_the_landline_in_the_phone_cell_becomes_the_mobile_phone() -> None:
    """u20: 電話 03-1234-5678 / 携帯 090-1111-2222 kept the landline and dropped the mobile as a
    second number. A labelled mobile, or a second number of the mobile prefixes after a
    landline, is the row's mobile phone where it has none; a row with its own mobile keeps the
    cell as it was (a second number, reported), and two landlines stay as before."""
    raw = records(
        [
            {"phone": "03-1234-5678 / 携帯 090-1111-2222"},
            {"phone": "03-1234-5678（携帯：080-2222-3333）"},
            {"phone": "06-1111-2222、070-3333-4444"},
            {"phone": "03-1234-5678 / 携帯 090-1111-2222", "mobile_phone": "090-9999-8888"},
            {"phone": "03-1234-5678 / 03-1234-5679"},
            {"phone": "090-5555-6666 / 03-1234-5678"},
        ]
    )
    out, findings = normalize_records(raw, today=TODAY)
    assert out["phone"].tolist() == [
        "+81312345678", "+81312345678", "+81611112222", "+81312345678", "+81312345678",
        "+819055556666",
    ]  # fmt: skip
    assert out["mobile_phone"].tolist()[:4] == [
        "+819011112222", "+818022223333", "+817033334444", "+819099998888",
    ]  # fmt: skip
    assert all(v in ("", None) for v in out["mobile_phone"].tolist()[4:])
    said = findings[findings["rule"] == "normalize.mobile-in-phone"]
    assert list(said["row"]) == [5, 6, 7]
    second = findings[findings["rule"] == "normalize.multiple-phones"]
    assert list(second["row"]) == [8, 9, 10]


SAKURAI_NOTE = (
    "※2024年に桜井ホールディングスへ統合、旧社名：桜井電気工業。請求先は本社経理部、納品先は川崎工場。"
    "担当変更あり：前任の高橋様は退職、現在は渡辺様が窓口。"
)


def test_a_note_after_the_company_name_moves_out_of_the_company_cell() -> None:
    """u21: 桜井電機株式会社（※2024年に…統合、旧社名…） (268 characters) was the account's name,
    rejected by the SFA's length and its deal and contact with it. The name is kept; the note
    goes to the row's extra column (rules/normalize.yaml companies.note_column)."""
    raw = records(
        [
            {"company_name": f"桜井電機株式会社（{SAKURAI_NOTE}）"},
            {"company_name": "株式会社青葉（旧社名：青葉電気）"},
            {"company_name": "Acme Inc. (Note: billing via the head office)"},
            {"company_name": "北斗物産株式会社 ※請求は本社"},
        ]
    )
    out, findings = normalize_records(raw, today=TODAY)
    assert list(out["company_name"]) == [
        "桜井電機株式会社",
        "株式会社青葉",
        "Acme Inc.",
        "北斗物産株式会社",
    ]
    notes = list(out["extra:会社名の注記"])
    assert notes[0].startswith("※2024年に桜井ホールディングスへ統合、旧社名") and notes[0].endswith(
        "窓口。"
    )
    # a former name is no note: the row's former_name (u27)
    assert pd.isna(notes[1]) and out["former_name"].iloc[1] == "青葉電気"
    assert notes[2:] == ["Note: billing via the head office", "※請求は本社"]
    said = findings[findings["rule"] == "normalize.company-note-moved"]
    assert list(said["row"]) == [5, 7, 8]
    former = findings[findings["rule"] == "normalize.company-former-name"]
    assert list(former["row"]) == [6]
    assert said["original"].iloc[0].startswith("桜井電機株式会社（※2024年")  # kept in the finding


@pytest.mark.parametrize(
    "cell",
    [
        "山田電気株式会社（東京支店）",  # a branch, the company normaliser's own business
        "(株)山田電気",  # a legal form in brackets
        "Acme (Japan) K.K.",  # brackets inside the name
        "株式会社ABC（エービーシー）",  # a short reading in brackets
    ],
    ids=["branch", "legal-form", "inner-brackets", "reading"],
)
def test_brackets_that_are_no_note_stay_with_the_company(cell: str) -> None:
    out, findings = normalize_records(records([{"company_name": cell}]), today=TODAY)
    assert "extra:会社名の注記" not in out.columns
    assert not (findings["rule"] == "normalize.company-note-moved").any()


@pytest.mark.parametrize(
    ("file", "sheet", "given", "source"),
    [
        ("展示会リード_JapanITWeek秋2026.xlsx", "名刺交換リスト", None, "展示会"),
        ("購入リスト_製造業_2026.xlsx", "購入リスト", None, "購入リスト"),
        ("webinar_registrations_2026-11-12.csv", "", None, "ウェビナー"),
        # the row's own source wins; a name without such a word gives nothing
        ("展示会リード_JapanITWeek秋2026.xlsx", "名刺交換リスト", "紹介", "紹介"),
        ("営業案件管理_2026下期.xlsx", "案件一覧", None, ""),
        # Latin words whole: 'expo' in 'export' is no trade show
        ("sfdc_export_2026.csv", "", None, ""),
    ],
)
def test_a_blank_lead_source_from_the_name_of_its_list(
    file: str, sheet: str, given: str | None, source: str
) -> None:
    # u22: trade-show and purchased-list leads had no lead source although the file says it
    frame = records([{"company_name": "A社", "lead_source": given}], file=file, sheet=sheet)
    out, found = normalize_records(frame, today=TODAY)
    assert (out["lead_source"].iloc[0] or "") == source
    named = found[found["rule"] == "normalize.lead-source-from-name"]
    assert len(named) == (1 if source and not given else 0)
    if len(named):
        assert named["severity"].iloc[0] == "info"


def _dates(rows: list[dict[str, Any]], **kw: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    return normalize_records(records(rows, **kw), today=TODAY)


def test_a_sheet_s_other_date_column_proves_the_day_month_order() -> None:
    """u24: US_pipeline.csv's Close Date (12/21/2026) proves month-first, yet its Last Modified
    got 22 'Day/month order assumed' warnings. Here a close date that can only be day-first
    (25/03/2026) decides the update dates of its sheet, read day-first (the default is
    month-first), with one inferred finding and no assumed one."""
    out, findings = _dates(
        [
            {"close_date": "25/03/2026", "updated_at": "03/04/2026"},
            {"close_date": "02/05/2026", "updated_at": "05/06/2026"},
        ]
    )
    assert out["updated_at"].tolist() == ["2026-04-03", "2026-06-05"]
    assert out["close_date"].tolist() == ["2026-03-25", "2026-05-02"]
    rules = findings[findings["field"] == "updated_at"]["rule"].tolist()
    assert "normalize.date-order-assumed" not in rules
    assert rules.count("normalize.date-order-inferred") == 1
    msg = findings[
        (findings["field"] == "updated_at") & (findings["rule"] == "normalize.date-order-inferred")
    ]["message"].iloc[0]
    assert "close_date can only be day-first" in msg


@pytest.mark.parametrize(
    ("rows", "updated"),
    [
        # the column's own values decide: 12/25 is month-first whatever the close date says
        (
            [
                {"close_date": "25/03/2026", "updated_at": "12/25/2026"},
                {"close_date": "02/05/2026", "updated_at": "03/04/2026"},
            ],
            ["2026-12-25", "2026-03-04"],
        ),
        # the other columns disagree (close_date day-first, next_action_date month-first): the
        # default stands, with its warning
        (
            [
                {
                    "close_date": "25/03/2026",
                    "next_action_date": "12/25/2026",
                    "updated_at": "03/04/2026",
                },
                {
                    "close_date": "02/05/2026",
                    "next_action_date": "01/02/2026",
                    "updated_at": "05/06/2026",
                },
            ],
            ["2026-03-04", "2026-05-06"],
        ),
    ],
    ids=["own-values-win", "siblings-disagree"],
)
def test_a_sibling_column_decides_only_what_nothing_else_decides(
    rows: list[dict[str, Any]], updated: list[str]
) -> None:
    out, findings = _dates(rows)
    assert out["updated_at"].tolist() == updated


def test_another_sheet_s_dates_do_not_decide_the_order() -> None:
    a = records([{"close_date": "25/03/2026"}], file="a.xlsx")
    b = records([{"updated_at": "03/04/2026"}], file="b.xlsx")
    out, findings = normalize_records(pd.concat([a, b], ignore_index=True), today=TODAY)
    assert out["updated_at"].tolist()[1] == "2026-03-04"  # the default, month-first
    assumed = findings[findings["rule"] == "normalize.date-order-assumed"]
    assert assumed["file"].tolist() == ["b.xlsx"]
