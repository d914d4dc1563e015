"""The stage words of each source (inspect), the "stage words" review sheet and its decisions
replayed on the next run (migrate.stage_review)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from migrate.errors import InputFileError
from migrate.normalize import normalize_records
from migrate.normalize.stage_words import load_stage_vocabulary, match_stage, read_stage_word
from migrate.stage_review import (
    STAGE_WORDS_SHEET,
    read_stage_decisions,
    stage_words_of,
    stage_words_sheet,
    vocabulary_with_decisions,
    write_stage_words_sheet,
)
from migrate.stages import infer_stages, load_stage_model


def _raw() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "_source_file": ["a.xlsx"] * 4 + ["b.csv"] * 3,
            "_source_sheet": ["案件"] * 4 + [""] * 3,
            "deal_name": ["基幹刷新", "WMS", "会計", "人事", "CRM", "SFA", "BI"],
            "stage": [
                "見積回答待ち",
                "見積回答待ち",
                "ロスト",
                "様子見",
                "Best Case",
                "",
                "Closed",
            ],
            "probability": ["", "", "0", "70%", "", "", "100%"],
        }
    )


def test_stage_words_of_lists_each_sources_words_with_how_they_are_read() -> None:
    words = stage_words_of(_raw())
    assert list(words.columns) == ["file", "sheet", "word", "rows", "stage", "how", "detail"]
    got = {(r.file, r.word): (r.rows, r.stage, r.how) for r in words.itertuples()}
    assert got[("a.xlsx", "見積回答待ち")] == (2, "closing", "form")
    assert got[("a.xlsx", "ロスト")] == (1, "lost", "listed")
    assert got[("a.xlsx", "様子見")] == (1, "", "unknown")
    assert got[("b.csv", "Best Case")] == (1, "proposal", "guess")
    assert got[("b.csv", "Closed")] == (1, "", "ambiguous")
    assert ("b.csv", "") not in got  # an empty cell is no word
    # most used first within a source
    assert words[words["file"] == "a.xlsx"]["word"].iloc[0] == "見積回答待ち"


def test_stage_words_of_an_ingest_result(tmp_path: Path) -> None:
    from migrate import pipeline

    path = tmp_path / "deals.csv"
    path.write_text(
        "会社名,案件名,フェーズ\nA社,基幹刷新,認識分析\nB社,WMS,アポ確定\n", encoding="utf-8"
    )
    words = stage_words_of(pipeline.inspect([str(path)]))
    got = dict(zip(words["word"], zip(words["stage"], words["how"])))
    assert got == {"認識分析": ("proposal", "listed"), "アポ確定": ("opportunity", "exit")}


def _run(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    records, found = normalize_records(raw)
    records, inferred = infer_stages(records, load_stage_model())
    return records, pd.concat([found, inferred], ignore_index=True)


def test_the_sheet_lists_the_words_to_decide_with_a_suggestion() -> None:
    records, findings = _run(_raw())
    sheet = stage_words_sheet(records, findings, load_stage_model())
    by_word = sheet.set_index("word")
    assert set(by_word.index) == {"様子見", "Closed", "Best Case"}
    assert by_word.loc["様子見", "how"] == "unknown"
    assert by_word.loc["様子見", "suggested"] == "closing"  # 70 % is nearest closing's 80
    assert "probability 70" in by_word.loc["様子見", "evidence"]
    assert by_word.loc["Closed", "how"] == "ambiguous"
    assert by_word.loc["Closed", "read_as"] == "won"  # decided by its probability 100
    assert by_word.loc["Best Case", "how"] == "guess"
    assert by_word.loc["Best Case", "read_as"] == "proposal"
    assert (sheet["decision"] == "").all()


def test_decisions_written_on_the_sheet_are_replayed(tmp_path: Path) -> None:
    records, findings = _run(_raw())
    model = load_stage_model()
    sheet = stage_words_sheet(records, findings, model)
    path = write_stage_words_sheet(sheet, tmp_path / "review.xlsx", model)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb[STAGE_WORDS_SHEET]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        word = row[header.index("word")].value
        row[0].value = {"様子見": "商談", "Best Case": "closing", "Closed": ""}[word]
    wb.save(path)
    decisions, problems = read_stage_decisions(path)
    assert decisions == {"様子見": "opportunity", "Best Case": "closing"} and problems == []
    vocab = vocabulary_with_decisions(load_stage_vocabulary(), decisions)
    assert match_stage("様子見", vocab).value == "opportunity"
    assert read_stage_word("Best Case", vocab).how == "decided"
    assert match_stage("Best Case", vocab).value == "closing"
    assert match_stage("様子見").value == ""  # the shipped vocabulary is untouched


def test_the_sheet_is_added_beside_the_pair_review(tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    path = tmp_path / "review.xlsx"
    wb = Workbook()
    wb.active.title = "review"
    wb.save(path)
    model = load_stage_model()
    write_stage_words_sheet(pd.DataFrame(), path, model)
    write_stage_words_sheet(pd.DataFrame(), path, model)  # replaced, not added twice
    assert load_workbook(path).sheetnames == ["review", STAGE_WORDS_SHEET]
    assert read_stage_decisions(path) == ({}, [])


def test_a_provisional_word_decided_as_won_is_read_as_decided() -> None:
    vocab = vocabulary_with_decisions(load_stage_vocabulary(), {"受注(仮)": "won"})
    assert match_stage("受注(仮)", vocab).value == "won"
    assert match_stage("受注(仮)").value == "closing"


def test_decisions_from_a_csv_and_a_yaml_mapping(tmp_path: Path) -> None:
    csv = tmp_path / "stage_words.csv"
    csv.write_text("word,stage\nロスト,失注\n様子見,maybe\n保留,\n", encoding="utf-8")
    decisions, problems = read_stage_decisions(csv)
    assert decisions == {"ロスト": "lost"}
    assert len(problems) == 1 and problems[0].startswith("stage word '様子見': decision 'maybe'")
    yml = tmp_path / "stage_words.yaml"
    yml.write_text("stage_words:\n  様子見: proposal\n  Upside: Closing\n", encoding="utf-8")
    assert read_stage_decisions(yml) == ({"様子見": "proposal", "Upside": "closing"}, [])


def test_a_missing_or_malformed_decisions_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError):
        read_stage_decisions(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("left_key,right_key,decision\na,b,same\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="word, decision"):
        read_stage_decisions(bad)


def test_a_word_decided_for_some_of_its_rows_says_how_many() -> None:
    """進行中 on four rows, one of them lost by its notes: the word is still open for the other
    three, so the sheet must not say it is read as lost."""
    raw = pd.DataFrame(
        {
            "company_name": ["A社", "B社", "C社", "D社"],
            "deal_name": ["基幹刷新", "POS", "WMS", "広告"],
            "stage": ["進行中"] * 4,
            "notes": ["", "失注（競合に負け）", "", ""],
        }
    )
    records, findings = _run(raw)
    sheet = stage_words_sheet(records, findings, load_stage_model())
    assert sheet.set_index("word").loc["進行中", "read_as"] == "lost (1 of 4 rows)"


def test_a_decision_keeps_the_ranks_read_as_stages() -> None:
    """A new user's run with one decision (済 -> won): ○ and △, read as proposal and
    opportunity by their rank the first time, must read the same (the decided vocabulary
    lost the stages' default probabilities, and the words became unknown)."""
    plain = load_stage_vocabulary()
    vocab = vocabulary_with_decisions(plain, {"済": "won"})
    assert vocab.deal_probabilities == plain.deal_probabilities
    for word in ("○", "△", "ヨミA"):
        assert match_stage(word, vocab).value == match_stage(word, plain).value != ""
    assert match_stage("済", vocab).value == "won"


@pytest.mark.parametrize("word", ["○", "△", "◎", "🔥🔥"])
def test_a_word_of_symbols_alone_can_be_decided(word: str) -> None:
    """Deciding ○ -> won was dropped without a word: the symbol had no comparison key."""
    vocab = vocabulary_with_decisions(load_stage_vocabulary(), {word: "won"})
    reading = read_stage_word(word, vocab)
    assert (reading.stage, reading.how) == ("won", "decided")
    assert match_stage(word + word[0], vocab).value != "won"  # ○○ is another word


def test_a_word_read_as_no_value_can_be_decided() -> None:
    """未定 (undecided) is no value by default (normalize.yaml placeholders); a person who
    decides it as a stage on the stage words sheet is followed."""
    assert match_stage("未定").value == ""
    vocab = vocabulary_with_decisions(load_stage_vocabulary(), {"未定": "opportunity"})
    assert match_stage("未定", vocab).value == "opportunity"


def test_decisions_that_cannot_be_applied_are_named(tmp_path: Path) -> None:
    decisions, problems = read_stage_decisions({"済": "won", "済み": "lost", "\u200b": "won"})
    assert decisions == {"済": "won"}
    assert len(problems) == 2
    assert problems[0].startswith("stage word '済み': decided as lost, but '済'")
    assert "'\\u200b'" in problems[1]
    # the same word decided twice alike, or a later decision on the same spelling, is fine
    assert read_stage_decisions({"Won": "won", "WON": "won"}) == (
        {"Won": "won", "WON": "won"},
        [],
    )
