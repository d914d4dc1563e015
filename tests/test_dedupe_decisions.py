"""The review loop: review sheet out, decisions back in, applied again on every re-run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from test_dedupe_merge import YAMADA, _background
from test_dedupe_support import frame

from migrate.dedupe import find_duplicates, read_decisions, write_review_xlsx
from migrate.dedupe.decisions import decision_value, normalize_decisions
from migrate.errors import InputFileError
from migrate.rules import DEFAULT_RULES_DIR

# ヤマダデンキ only shares a kana reading with 山田電気: a person has to decide
ROWS = [
    {**YAMADA, "company_name_kana": "ヤマダデンキ", "phone": "", "website_domain": "", "_row": 2},
    {"company_name": "ﾔﾏﾀﾞﾃﾞﾝｷ", "company_key": "ヤマダデンキ", "_file": "west.xlsx", "_row": 7},
]


def _ids(result) -> list[str]:
    return result.records.loc[:1, "company_id"].tolist()


def test_review_xlsx_has_pairs_side_by_side_and_a_dropdown(tmp_path: Path) -> None:
    result = find_duplicates(frame(ROWS + _background()))
    path = write_review_xlsx(result.review, tmp_path / "review.xlsx")
    ws = load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["decision", "entity", "left_key", "right_key"]
    assert {"left", "right", "evidence", "probability", "left_row", "right_row"} <= set(header)
    validation = ws.data_validations.dataValidation[0]
    assert validation.formula1 == '"same,different"' and "A2" in str(validation.sqref)
    assert ws.cell(2, header.index("left_key") + 1).value == "company:ヤマダデンキ"


def test_a_japanese_review_sheet_is_read_back_as_its_keys(tmp_path: Path) -> None:
    """In Japanese the person reads 判断 / 同じ / 別, the kind of record, the rows and the
    evidence in Japanese; the keys stay, and the sheet reads back as an English one does."""
    result = find_duplicates(frame(ROWS + _background()))
    review = result.review.assign(decision="")
    review.loc[review.index[0], "decision"] = "same"  # a decision carried from an earlier run
    path = write_review_xlsx(review, tmp_path / "review.xlsx", lang="ja")
    ws = load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["判断", "種類", "左のキー", "右のキー"]
    assert ws.data_validations.dataValidation[0].formula1 == '"同じ,別"'
    row = dict(zip(header, (c.value for c in ws[2]), strict=True))
    assert row["判断"] == "同じ" and row["種類"] == "会社"
    assert row["左のキー"] == "company:ヤマダデンキ"  # the key the tool reads is untouched
    assert row["右の行"].endswith("行目") and "|" not in row["右の行"]
    assert "一致" in row["根拠"] and "exact" not in row["根拠"]
    ws.cell(2, 1, "別")
    ws.parent.save(path)
    back = read_decisions(path)
    assert back.loc[0, ["left_key", "decision"]].tolist() == ["company:ヤマダデンキ", "別"]
    ok, bad = normalize_decisions(back)
    assert ok["decision"].tolist() == ["different"] and bad.empty


def test_review_words_translate_evidence_and_places_only_in_japanese() -> None:
    from migrate.review_words import column_keys, evidence, place

    ev = "name exact (+7.6); amount rel_diff<=0.1 (+0.4); close_date days<=31 (+0.2); sheet exact (never)"
    assert (
        evidence(ev, "ja")
        == "名前 一致（+7.6）；金額 差 10% 以内（+0.4）；受注予定日 31 日以内（+0.2）；シート 一致（不可）"
    )
    assert evidence(ev, "en") == ev
    # not a pair's evidence (a stage word's): left as written
    assert (
        evidence("probability 10-80 in 13 of 13 row(s)", "ja")
        == "probability 10-80 in 13 of 13 row(s)"
    )
    lifted = "reading few or no words shared (a person decides unless record_id/product agree or both hold amount) (+0.0)"
    assert evidence(lifted, "ja") == (
        "読み 共通の語がほとんどない、人が判断（ID・商材が一致か、両方に金額がある場合を除く）（+0.0）"
    )
    assert place("東日本.xlsx|案件一覧|8", "ja") == "東日本.xlsx › 案件一覧 › 8行目"
    assert place("旧CRM.csv||23", "ja") == "旧CRM.csv › 23行目"
    assert place("旧CRM.csv||23", "en") == "旧CRM.csv||23"
    assert column_keys(["判断", " 左のキー ", "decision", None, "備考"]) == [
        "decision", "left_key", "decision", "", "備考"
    ]  # fmt: skip


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_decisions_replay_on_a_rerun(tmp_path: Path, suffix: str) -> None:
    records = frame(ROWS + _background())
    first = find_duplicates(records)
    assert _ids(first)[0] != _ids(first)[1]
    review = first.review.copy()
    review["decision"] = "same"
    path = tmp_path / f"decisions{suffix}"
    if suffix == ".xlsx":
        write_review_xlsx(review, path)
    else:
        review[["left_key", "right_key", "decision"]].to_csv(path, index=False)
    decisions = read_decisions(path)
    # the decisions survive edits elsewhere: a new file, other rows renumbered
    edited = frame(
        [{"company_name": "新規商事", "company_key": "新規商事", "_file": "new.xlsx"}]
        + ROWS
        + _background()
    )
    second = find_duplicates(edited, decisions=decisions)
    ids = second.records.set_index("_row_key").loc[
        ["east.xlsx|案件|2", "west.xlsx|案件|7"], "company_id"
    ]
    assert ids.nunique() == 1
    assert second.review[second.review["entity"] == "companies"].empty
    decided = second.pairs[second.pairs["status"] == "decided same"]
    assert len(decided) == 1


def test_a_different_decision_keeps_records_apart(tmp_path: Path) -> None:
    rows = [
        {**YAMADA},
        {
            "company_name": "ヤマダ電気",
            "company_key": "ヤマダ電気",
            "phone": "+81312345678",
            "website_domain": "yamada-denki.co.jp",
        },
    ]
    merged = find_duplicates(frame(rows + _background()))
    assert _ids(merged)[0] == _ids(merged)[1]
    apart = find_duplicates(
        frame(rows + _background()),
        decisions=pd.DataFrame(
            {
                "left_key": ["company:山田電気"],
                "right_key": ["company:ヤマダ電気"],
                "decision": ["別会社"],
            }
        ),
    )
    assert _ids(apart)[0] != _ids(apart)[1]


def test_decisions_in_the_rules_file(tmp_path: Path) -> None:
    for name in ("columns.yaml", "stages.yaml", "normalize.yaml"):  # legal forms: normalize
        (tmp_path / name).write_text(
            (DEFAULT_RULES_DIR / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    doc = yaml.safe_load((DEFAULT_RULES_DIR / "dedupe.yaml").read_text(encoding="utf-8"))
    doc["decisions"] = [
        {
            "left": "company:ヤマダデンキ",
            "right": "company:山田電気",
            "decision": "same",
            "note": "same customer, checked 2024-05",
        }
    ]
    (tmp_path / "dedupe.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = find_duplicates(frame(ROWS + _background()), rules_dir=str(tmp_path))
    assert _ids(result)[0] == _ids(result)[1]


def test_unknown_and_unreadable_decisions_become_findings() -> None:
    decisions = pd.DataFrame(
        {
            "left_key": ["company:山田電気", "company:山田電気"],
            "right_key": ["company:どこにもない", "company:ヤマダデンキ"],
            "decision": ["same", "maybe"],
        }
    )
    result = find_duplicates(frame(ROWS + _background()), decisions=decisions)
    rules = result.findings["rule"].tolist()
    assert "dedupe.unknown-decision" in rules and "dedupe.bad-decision" in rules


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("same", "same"),
        ("Same ", "same"),
        ("同一", "same"),
        ("different", "different"),
        ("別", "different"),
        ("", ""),
        (None, ""),
        ("maybe", "?"),
    ],
)
def test_decision_values(typed: object, value: str) -> None:
    assert decision_value(typed) == value


def test_last_decision_on_a_pair_wins() -> None:
    ok, bad = normalize_decisions(
        pd.DataFrame(
            {"left_key": ["a", "b"], "right_key": ["b", "a"], "decision": ["same", "different"]}
        )
    )
    assert ok["decision"].tolist() == ["different"] and bad.empty


def test_read_decisions_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        read_decisions(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="missing column"):
        read_decisions(bad)
