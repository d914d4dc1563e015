"""An ERP's kana-only customer names beside a tracker's kanji names, through the whole pipeline:
a kanji name read by translation (山田製作所: yamada manufacturing) meets its kana
(ヤマダセイサクショ) by its plain sound, as a review pair like the other kana/kanji pairs."""

from __future__ import annotations

import datetime as dt

import openpyxl

from migrate import pipeline

_ERP_HEADER = "得意先ｺｰﾄﾞ,得意先名ｶﾅ,件名,受注金額,納期,状態\n"


def _erp(tmp_path, *lines: str):
    """An ERP's cp932 export: customer code, kana-only name, deal."""
    path = tmp_path / "erp.csv"
    path.write_text(_ERP_HEADER + "".join(f"{line}\n" for line in lines), encoding="cp932")
    return path


def _workbook(tmp_path, name: str, sheet: str, rows: list[list]):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(tmp_path / name)
    return tmp_path / name


def test_kana_names_of_an_erp_meet_the_kanji_names_they_sound(tmp_path):
    erp = _erp(
        tmp_path,
        "00123,ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞｾｲｻｸｼｮ,生産管理,3200000,2026/06/30,提案中",
        "00125,ｽｽﾞｷｺｳｷﾞｮｳ(ｶﾌﾞ),IoT,1500000,2026/09/30,提案中",
        "00127,ﾀﾅｶﾌﾞｯｻﾝ(ｶﾌﾞ),WMS,7800000,2026/10/31,提案中",
    )
    tracker = _workbook(
        tmp_path,
        "tracker.xlsx",
        "営業案件",
        [
            ["お客様名", "案件", "受注金額", "見込み時期", "進捗"],
            ["株式会社山田製作所", "生産管理", 3200000, dt.date(2026, 6, 30), "提案中"],
            ["鈴木工業株式会社", "IoT", 1500000, dt.date(2026, 9, 30), "提案中"],
            ["田中物産株式会社", "WMS", 7800000, dt.date(2026, 10, 31), "提案中"],
        ],
    )
    res = pipeline.run([str(erp), str(tracker)], target="salesforce", as_of=dt.date(2026, 1, 5))
    review = res.dedupe.review
    pairs = {
        frozenset((a, b))
        for a, b in zip(review["left_key"], review["right_key"])
        if str(a).startswith("company:")
    }
    assert pairs == {
        frozenset(("company:ヤマダセイサクショ", "company:山田製作所")),
        frozenset(("company:スズキコウギョウ", "company:鈴木工業")),
        frozenset(("company:タナカブッサン", "company:田中物産")),
    }


def test_the_erps_customer_code_on_the_master_joins_its_kana_name_to_the_kanji_one(tmp_path):
    erp = _erp(tmp_path, "００１２３,ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞｾｲｻｸｼｮ,生産管理,3200000,2026/06/30,提案中")
    master = _workbook(
        tmp_path,
        "master.xlsx",
        "顧客マスタ",
        [["得意先コード", "会社名", "住所"], ["00123", "株式会社山田製作所", "東京都千代田区1-1"]],
    )
    res = pipeline.run([str(erp), str(master)], target="salesforce", as_of=dt.date(2026, 1, 5))
    companies = res.dedupe.companies
    assert list(companies["company_name"]) == ["株式会社山田製作所"]
    assert list(companies["company_code"]) == ["00123"]
