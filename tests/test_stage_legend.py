"""A tracker writing its stages as codes (1, 2, 3) beside a ステージ定義 sheet that says what each
code is: the codes read as the legend's stages; the legend sheet is no records."""

from __future__ import annotations

import openpyxl

from migrate import pipeline
from migrate.normalize.stage_words import load_stage_vocabulary, stage_legend

LEGEND = [
    (1, "リード", "名刺交換・問い合わせ"),
    (2, "商談", "ニーズを確認"),
    (3, "提案", "提案書を提出"),
    (4, "クロージング", "見積・稟議中"),
    (5, "受注", "注文書受領"),
    (6, "失注", "他社決定・見送り"),
]


def _workbook(path, *, legend_sheet: str | None = "ステージ定義"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案件"
    ws.append(["会社名", "案件名", "ステージ", "金額", "受注予定日"])
    ws.append(["株式会社山田製作所", "生産管理導入", 3, 3000000, "2026/04/30"])
    ws.append(["鈴木工業株式会社", "RPA導入", 5, 1500000, "2026/07/31"])
    if legend_sheet:
        lg = wb.create_sheet(legend_sheet)
        lg.append(["No", "ステージ", "定義"])
        for row in LEGEND:
            lg.append(list(row))
    wb.save(path)
    return path


def test_stage_codes_read_through_the_legend_sheet(tmp_path):
    res = pipeline.run([str(_workbook(tmp_path / "a.xlsx"))], target="salesforce")
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert opp.loc["生産管理導入", "StageName"] == "Proposal/Price Quote"
    assert opp.loc["RPA導入", "StageName"] == "Closed Won"
    legend_rows = res.crosswalk[res.crosswalk["source_sheet"] == "ステージ定義"]
    assert set(legend_rows["status"]) == {"skipped"}  # the legend holds no records
    said = res.findings[res.findings["rule"] == "normalize.stage-code"]
    assert sorted(said["original"]) == ["3", "5"]


def test_without_a_legend_a_code_is_an_unknown_stage_word(tmp_path):
    res = pipeline.run(
        [str(_workbook(tmp_path / "a.xlsx", legend_sheet=None))], target="salesforce"
    )
    assert not (res.findings["rule"] == "normalize.stage-code").any()
    assert (res.findings["rule"] == "normalize.unknown-stage").sum() == 2


def test_a_legend_is_codes_beside_distinct_stages():
    vocab = load_stage_vocabulary()
    rows = [["No", "ステージ", "定義"], *[[str(c), w, d] for c, w, d in LEGEND]]
    assert stage_legend(rows, vocab, None)["3"] == "提案"  # type: ignore[arg-type]
    # codes beside words that are no stages (a region list), or one stage repeated: no legend
    regions = [["1", "東日本"], ["2", "西日本"], ["3", "海外"]]
    assert stage_legend(regions, vocab, None) == {}  # type: ignore[arg-type]
    repeated = [["1", "提案"], ["2", "提案"], ["3", "提案"]]
    assert stage_legend(repeated, vocab, None) == {}  # type: ignore[arg-type]
