"""An ERP's kana-only customer names beside a tracker's kanji names, through the whole pipeline:
a kanji name read by translation (山田製作所: yamada manufacturing) meets its kana
(ヤマダセイサクショ) by its plain sound, as a review pair like the other kana/kanji pairs."""

from __future__ import annotations

import datetime as dt

import openpyxl

from migrate import pipeline


def test_kana_names_of_an_erp_meet_the_kanji_names_they_sound(tmp_path):
    erp = tmp_path / "erp.csv"
    erp.write_text(
        "得意先ｺｰﾄﾞ,得意先名ｶﾅ,件名,受注金額,納期,状態\n"
        "00123,ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞｾｲｻｸｼｮ,生産管理,3200000,2026/06/30,提案中\n"
        "00125,ｽｽﾞｷｺｳｷﾞｮｳ(ｶﾌﾞ),IoT,1500000,2026/09/30,提案中\n"
        "00127,ﾀﾅｶﾌﾞｯｻﾝ(ｶﾌﾞ),WMS,7800000,2026/10/31,提案中\n",
        encoding="cp932",
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "営業案件"
    ws.append(["お客様名", "案件", "受注金額", "見込み時期", "進捗"])
    ws.append(["株式会社山田製作所", "生産管理", 3200000, dt.date(2026, 6, 30), "提案中"])
    ws.append(["鈴木工業株式会社", "IoT", 1500000, dt.date(2026, 9, 30), "提案中"])
    ws.append(["田中物産株式会社", "WMS", 7800000, dt.date(2026, 10, 31), "提案中"])
    wb.save(tmp_path / "tracker.xlsx")
    res = pipeline.run(
        [str(erp), str(tmp_path / "tracker.xlsx")], target="salesforce", as_of=dt.date(2026, 1, 5)
    )
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
    erp = tmp_path / "erp.csv"
    erp.write_text(
        "得意先ｺｰﾄﾞ,得意先名ｶﾅ,件名,受注金額,納期,状態\n"
        "００１２３,ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞｾｲｻｸｼｮ,生産管理,3200000,2026/06/30,提案中\n",
        encoding="cp932",
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "顧客マスタ"
    ws.append(["得意先コード", "会社名", "住所"])
    ws.append(["00123", "株式会社山田製作所", "東京都千代田区1-1"])
    wb.save(tmp_path / "master.xlsx")
    res = pipeline.run(
        [str(erp), str(tmp_path / "master.xlsx")], target="salesforce", as_of=dt.date(2026, 1, 5)
    )
    companies = res.dedupe.companies
    assert list(companies["company_name"]) == ["株式会社山田製作所"]
    assert list(companies["company_code"]) == ["00123"]
