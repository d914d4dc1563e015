"""Stage words in a run (issue 13): the "stage words" sheet of review.xlsx, decisions replayed,
and a workbook's own rank legend."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from migrate import pipeline
from migrate.review_words import column_keys
from migrate.stage_review import SHEET_COLUMNS, STAGE_WORDS_SHEET

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

ROWS = [
    {"会社名": f"株式会社テスト{i}", "案件名": f"案件{i}", "金額": 100000 * (i + 1),
     "ステージ": "様子見" if i < 3 else "提案", "ヨミ": "D" if i == 5 else "A", "更新日": "2026-02-01"}
    for i in range(8)
]  # fmt: skip


def _tracker(path: Path, legend: bool = False) -> Path:
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame(ROWS).to_excel(xl, sheet_name="案件", index=False)
        if legend:
            pd.DataFrame(
                {
                    "ヨミ": ["A", "B", "C", "D"],
                    "定義": ["内示", "有力", "提案中", "情報収集"],
                    "確度(%)": [90, 70, 40, 5],
                }  # fmt: skip
            ).to_excel(xl, sheet_name="確度基準", index=False)
    return path


def test_an_unknown_word_is_decided_in_review_xlsx_and_replayed(tmp_path: Path):
    src = _tracker(tmp_path / "t.xlsx")
    first = pipeline.run([str(src)], out=tmp_path / "a", target="generic")
    assert "stages.unknown-word" in set(first.findings["rule"])
    review = tmp_path / "a" / "review.xlsx"
    wb = openpyxl.load_workbook(review)
    assert STAGE_WORDS_SHEET in wb.sheetnames and wb.sheetnames[0] != STAGE_WORDS_SHEET
    ws = wb[STAGE_WORDS_SHEET]
    # a Japanese tracker's sheet is in Japanese; its headers read back as the column keys
    assert [c.value for c in ws[1]][:3] == ["判断", "言葉", "行数"]
    head = column_keys([c.value for c in ws[1]])
    assert head == SHEET_COLUMNS
    # the choices are the stages' Japanese labels, words the decision reader takes
    assert (
        ws.data_validations.dataValidation[0].formula1
        == '"リード,MQL,SQL,商談,提案,クロージング,受注,失注"'
    )
    assert {r[head.index("how")] for r in ws.iter_rows(min_row=2, values_only=True)} <= {
        "不明な言葉", "複数のステージにある言葉", "推測", "表記ゆれ", "判断済み"
    }  # fmt: skip
    rows = {r[head.index("word")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert "様子見" in rows and rows["様子見"][head.index("rows")] == 3
    line = next(i for i, r in enumerate(ws.iter_rows(min_row=2, values_only=True), 2)
                if r[head.index("word")] == "様子見")  # fmt: skip
    ws.cell(line, head.index("decision") + 1, "提案")
    wb.save(review)

    again = pipeline.run([str(src)], out=tmp_path / "b", target="generic", decisions=str(review))
    decided = again.records[again.records["_source_row"].isin([2, 3, 4])]
    assert set(decided["stage"]) == {"proposal"}
    assert "stages.unknown-word" not in set(again.findings["rule"])


def test_a_workbooks_rank_legend_is_read_before_the_rules_ranks(tmp_path: Path):
    plain = pipeline.run([str(_tracker(tmp_path / "p.xlsx"))], target=None)
    legend = pipeline.run([str(_tracker(tmp_path / "l.xlsx", legend=True))], target=None)
    row_d = lambda res: res.records.loc[res.records["_source_row"] == 7, "probability"].iloc[0]  # noqa: E731
    assert row_d(legend) == 5.0 and row_d(plain) != 5.0
    assert "確度基準" in {t.sheet for t in legend.tables if t.kind == "skipped"}


def test_a_deal_rejected_for_an_unknown_word_says_how_to_decide_it(tmp_path: Path):
    """A new user's rejects.csv said 'map it under maps.stage in rules/targets/salesforce.yaml'
    for a deal whose stage word was unknown: the way to fix it without editing rules is the
    stage words sheet of review.xlsx and --decisions."""
    src = _tracker(tmp_path / "t.xlsx")
    run = pipeline.run([str(src)], out=tmp_path / "a", target="salesforce")
    rejects = pd.read_csv(tmp_path / "a" / "rejects.csv", dtype=str)
    stage = rejects[rejects["column"] == "StageName"]
    assert len(stage) == 3  # the three 様子見 rows
    for fix in stage["fix"]:
        assert "'stage words' sheet of review.xlsx" in fix and "--decisions review.xlsx" in fix
    unknown = run.findings[run.findings["rule"] == "normalize.unknown-stage"]
    assert unknown["message"].str.contains("--decisions review.xlsx").all()
    from migrate.catalogue import load_catalogue

    entry = load_catalogue().entry("normalize.unknown-stage")
    assert entry is not None and "--decisions review.xlsx" in entry.fix.en
    assert "「stage words」シート" in entry.fix.ja


def test_deciding_one_word_keeps_the_others_and_a_symbol_can_be_decided(tmp_path: Path):
    """A new user's second run with one decision made ○ and △ (ranks read as stages the first
    time) unknown, and a decision on ○ itself was dropped without a word."""
    src = tmp_path / "memo.csv"
    src.write_text(
        "会社名,案件名,ステータス,金額\n"
        "A社,勤怠,様子見,100000\nA社,給与,○,200000\nA社,経費,△,300000\nB社,会計,◎,400000\n",
        encoding="utf-8",
    )
    first = pipeline.run([str(src)], out=tmp_path / "a", target="generic")
    stages = dict(zip(first.records["deal_name"], first.records["stage"]))
    assert stages["給与"] == "proposal" and stages["経費"] == "opportunity"
    for i, (decisions, want) in enumerate(
        (
            ({"様子見": "won"}, {"勤怠": "won", "給与": "proposal", "経費": "opportunity"}),
            ({"○": "won"}, {"給与": "won", "経費": "opportunity", "会計": "closing"}),
        )
    ):
        path = tmp_path / f"decisions{i}.yaml"
        path.write_text("".join(f"{w}: {s}\n" for w, s in decisions.items()), encoding="utf-8")
        again = pipeline.run([str(src)], target="generic", decisions=str(path))
        got = dict(zip(again.records["deal_name"], again.records["stage"]))
        assert {k: got[k] for k in want} == want, decisions


def test_an_unknown_word_is_one_warning_per_row_and_its_suggestion_an_info(tmp_path: Path):
    # u23 item 5: 3 rows of 様子見 are 3 problems, not 3 + 1; the per-word suggestion stays
    # (review.xlsx reads it) but as an info
    src = _tracker(tmp_path / "t.xlsx")
    found = pipeline.run([str(src)], target=None).findings
    word = found[found["original"].astype(str) == "様子見"]
    warnings = word[word["severity"] == "warning"]
    assert warnings["rule"].tolist() == ["normalize.unknown-stage"] * 3
    assert word[word["rule"] == "stages.unknown-word"]["severity"].tolist() == ["info"]
