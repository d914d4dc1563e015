"""A hidden column naming the same field as a visible one (ステージ hidden in C beside ステージ in
F): the visible column is read; a hidden column alone is read as any column."""

from __future__ import annotations

import openpyxl

from migrate.ingest import read_sources


def _sheet(path, *, hide: str, second: bool = True):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["会社名", "案件名", "ステージ", "金額", *(["ステージ"] if second else [])])
    ws.append(["株式会社A", "X", "ヒアリング", 100, *(["受注"] if second else [])])
    ws.append(["株式会社B", "Y", "提案", 200, *(["失注"] if second else [])])
    ws.column_dimensions[hide].hidden = True
    wb.save(path)
    return path


def _stage(table) -> list:
    stage = next(m for m in table.columns if m.field == "stage")
    return table.data[stage.index].tolist()


def test_the_visible_column_wins_over_a_hidden_one_of_the_same_field(tmp_path):
    table = read_sources([str(_sheet(tmp_path / "a.xlsx", hide="C"))]).tables[0]
    assert _stage(table) == ["受注", "失注"]
    [said] = [f for f in table.findings if f.rule == "ingest.hidden-column"]
    assert said.message.startswith("column C 'ステージ' is hidden and column E 'ステージ'")


def test_a_hidden_later_column_leaves_the_visible_first_one(tmp_path):
    table = read_sources([str(_sheet(tmp_path / "a.xlsx", hide="E"))]).tables[0]
    assert _stage(table) == ["ヒアリング", "提案"]
    assert not [f for f in table.findings if f.rule == "ingest.hidden-column"]


def test_a_hidden_column_alone_is_still_read(tmp_path):
    table = read_sources([str(_sheet(tmp_path / "a.xlsx", hide="C", second=False))]).tables[0]
    assert _stage(table) == ["ヒアリング", "提案"]
