"""Renamed companies (u27 item 7): a former name (旧社名 / Former Name column, or （旧：…） /
(formerly …) after the name in its cell) is evidence that rows under the old name are the same
company; the exported name is the current one, the old one kept beside it (former_name,
company_name_alternates). rules/columns.yaml former_name, normalize.yaml former_marks,
dedupe.yaml former_name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from migrate import pipeline
from migrate.columns import match_header
from migrate.normalize import load_rules
from migrate.normalize.companies import former_name
from migrate.schema import load_schema

TODAY = dt.date(2026, 8, 1)
SCHEMA = load_schema()


@pytest.mark.parametrize("header", ["旧社名", "旧商号", "Former Name", "Previous Company Name"])
def test_a_former_name_column_is_no_contact(header):
    assert match_header(header, SCHEMA)[0] == "former_name"


def test_the_former_name_a_note_gives():
    co = load_rules().companies
    assert former_name("旧:青葉電子工業株式会社", co) == "青葉電子工業株式会社"
    assert former_name("formerly Brightline Data Corp.", co) == "Brightline Data Corp."
    assert former_name("※2024年に統合", co) == ""


def _run(tmp_path: Path, files: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    pipeline.run(paths, target="generic", out=tmp_path / "o", as_of=TODAY)
    read = lambda f: pd.read_csv(tmp_path / "o" / f, dtype=str, keep_default_na=False)  # noqa: E731
    return read("companies.csv"), read("deals.csv")


OLD = (
    "会社名,案件名,担当者,フェーズ,金額,受注予定日,更新日\n"
    "未来技研株式会社,データ分析基盤,前田 恭子 様,提案中,7500000,2026/03/31,2025/12/10\n"
    "青葉電子工業株式会社,検査装置連携,千葉 様,見積提出,8800000,2026/02/28,2025/12/01\n"
)


def test_deals_under_the_old_name_are_the_renamed_companys(tmp_path):
    companies, deals = _run(
        tmp_path,
        {
            "2025.csv": OLD,
            "2026.csv": "会社名,旧社名,案件名,担当者,フェーズ,金額,受注予定日,更新日\n"
            "株式会社ミライテック,未来技研株式会社,データ分析基盤,前田 恭子 様,受注,7500000,"
            "2026/06/30,2026/07/01\n"
            "株式会社アオバ（旧：青葉電子工業株式会社）,,検査装置連携,千葉 様,受注,8800000,"
            "2026/05/20,2026/05/25\n",
        },
    )
    assert sorted(companies["company_name"]) == ["株式会社アオバ", "株式会社ミライテック"]
    assert sorted(companies["former_name"]) == ["未来技研株式会社", "青葉電子工業株式会社"]
    assert len(deals) == 2


def test_a_former_name_no_other_row_holds_merges_nothing(tmp_path):
    companies, _ = _run(
        tmp_path,
        {
            "2025.csv": OLD,
            "2026.csv": "会社名,旧社名,案件名,フェーズ,金額,受注予定日\n"
            "株式会社ミライテック,みらい工業株式会社,新規,提案,1000000,2026/09/30\n",
        },
    )
    assert sorted(companies["company_name"]) == [
        "未来技研株式会社",
        "株式会社ミライテック",
        "青葉電子工業株式会社",
    ]
