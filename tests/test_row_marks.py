"""Rows a team marks by their format (struck through, greyed out, highlighted) instead of a
word: read from the workbook, reported, and won/lost evidence where rules/stages.yaml says so."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from migrate import pipeline
from migrate.ingest import Limits, read_grids
from migrate.ingest.files import SourceFile
from migrate.ingest.readers import _fill_mark

pytestmark = pytest.mark.usefixtures("gx_by_mask")

HEADER = ["会社名", "案件名", "金額", "確度", "受注予定日", "フェーズ"]
GREY = PatternFill("solid", fgColor="D9D9D9")
YELLOW = PatternFill("solid", fgColor="FFFF00")


def _tracker(path: Path, rows: list[tuple[list[object], str]], header: list[str] = HEADER) -> Path:
    """rows: (cells, mark) with mark '', 'strike', 'grey', 'yellow' or 'strike+grey'."""
    wb = Workbook()
    ws = wb.active
    ws.title = "案件"
    ws.append(header)
    for cells, mark in rows:
        ws.append(cells)
        for cell in ws[ws.max_row]:
            if "strike" in mark:
                cell.font = Font(strike=True)
            if "grey" in mark:
                cell.fill = GREY
            if "yellow" in mark:
                cell.fill = YELLOW
    wb.save(path)
    return path


def _deal(name: str, probability: int = 50, stage: str = "") -> list[object]:
    return [f"株式会社{name}", f"{name}システム導入", 1_000_000, probability, "2026-06-30", stage]


@pytest.mark.parametrize(
    ("attrs", "mark"),
    [
        (b'rgb="FFD9D9D9"', "grey"),
        (b'rgb="FFBFBFBF"', "grey"),
        (b'rgb="FFFFFF00"', "fill:FFFF00"),
        (b'rgb="FFFFFFFF"', ""),
        (b'theme="0" tint="-0.14999847407452621"', "grey"),  # white, darker 15%
        (b'theme="1" tint="0.499984740745262"', "grey"),  # black, lighter 50%
        (b'theme="0"', ""),
        (b'theme="5" tint="0.7999816888943144"', "fill:theme5+0.8"),
        (b'indexed="22"', "grey"),
    ],
)
def test_fill_colours_become_marks(attrs: bytes, mark: str) -> None:
    assert _fill_mark(attrs) == mark


def test_the_reader_counts_each_row_s_marked_cells(tmp_path: Path) -> None:
    path = _tracker(
        tmp_path / "t.xlsx",
        [(_deal("アルファ"), ""), (_deal("ベータ"), "strike+grey"), (_deal("ガンマ"), "yellow")],
    )
    (grid,) = read_grids(SourceFile(path, path.name, "xlsx", 0), Limits())
    assert grid.row_marks[3] == {"strike": 5, "grey": 5}  # the empty stage cell holds no value
    assert grid.row_marks[4] == {"fill:FFFF00": 5}
    assert 2 not in grid.row_marks


def test_a_struck_or_greyed_row_without_a_stage_is_lost_and_a_highlight_only_reported(
    tmp_path: Path,
) -> None:
    path = _tracker(
        tmp_path / "t.xlsx",
        [
            (_deal("アルファ"), ""),
            (_deal("ベータ"), "strike"),
            (_deal("ガンマ"), "grey"),
            (_deal("デルタ"), "yellow"),
            (_deal("イプシロン", stage="提案"), "strike+grey"),
        ],
    )
    res = pipeline.run([str(path)], target=None, as_of=pd.Timestamp("2026-03-01").date())
    stage = dict(zip(res.records["_source_row"], res.records["stage"]))
    assert stage[3] == "lost" and stage[4] == "lost"
    assert stage[2] != "lost" and stage[5] != "lost"  # no mark; a highlight says nothing
    # a known word is never overridden: the struck row at 提案 stays proposal, with a warning
    assert stage[6] == "proposal"
    warned = res.findings[res.findings["rule"] == "stages.word-contradicts-evidence"]
    assert list(warned["row"]) == [6]
    said = res.findings[res.findings["rule"] == "ingest.row-marks"]["message"].iloc[0]
    assert "2 struck through (rows 3, 6; mark 'strike')" in said
    assert "1 filled #FFFF00 (rows 5; mark 'fill:FFFF00')" in said


def test_a_colour_on_every_row_or_every_other_row_is_a_style_not_a_mark(tmp_path: Path) -> None:
    names = ["アルファ", "ベータ", "ガンマ", "デルタ", "イプシロン", "ゼータ"]
    banded = _tracker(
        tmp_path / "banded.xlsx", [(_deal(n), "grey" if i % 2 else "") for i, n in enumerate(names)]
    )
    every = _tracker(tmp_path / "every.xlsx", [(_deal(n), "grey") for n in names])
    for path in (banded, every):
        res = pipeline.run([str(path)], target=None, as_of=pd.Timestamp("2026-03-01").date())
        assert "lost" not in set(res.records["stage"]), path.name
        assert not (res.findings["rule"] == "ingest.row-marks").any(), path.name


def test_a_team_s_won_colour_is_read_once_the_rules_name_it(tmp_path: Path) -> None:
    import shutil

    import yaml

    from migrate.rules import DEFAULT_RULES_DIR

    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    doc = yaml.safe_load((rules / "stages.yaml").read_text(encoding="utf-8"))
    doc["evidence"]["won"]["row_marks"] = ["fill:FFFF00"]
    (rules / "stages.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    path = _tracker(tmp_path / "t.xlsx", [(_deal("アルファ"), ""), (_deal("デルタ"), "yellow")])
    res = pipeline.run(
        [str(path)], target=None, rules_dir=rules, as_of=pd.Timestamp("2026-03-01").date()
    )
    stage = dict(zip(res.records["_source_row"], res.records["stage"]))
    assert stage[3] == "won" and stage[2] != "won"
