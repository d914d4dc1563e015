"""A wide sheet costs little more than its cells (issue 11, item 7).

A sheet of 16,384 columns x 3 rows was killed after 400 s, with thousands of pandas
PerformanceWarnings: columns were inserted into frames one at a time (survivorship, the export's
record sets, text cleaning) and every per-column step ran a pandas call per column. A 2000-column
workbook must run end to end without one PerformanceWarning (the symptom of a quadratic insert),
and every unmapped column must reach the deal it belongs to. Speed itself is measured by
benchmarks, not here.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from migrate import pipeline

# a 2,000-column workbook through the whole pipeline: `make test-slow` (CI runs it; README "Tests")
pytestmark = pytest.mark.slow

N_COLUMNS = 2000
MAPPED = ["会社名", "担当者", "メール", "案件名", "金額", "ステージ"]


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("案件")
    ws.append(MAPPED + [f"項目{i}" for i in range(len(MAPPED), N_COLUMNS)])
    for r in range(3):
        ws.append(
            [f"株式会社ワイド{r}", f"山田 太郎{r}", f"taro{r}@wide{r}.co.jp", f"案件{r}"]
            + [1000 * (r + 1), "提案"]
            + [f"v{r}-{i}" for i in range(len(MAPPED), N_COLUMNS)]
        )
    wb.save(path)
    return path


@pytest.mark.filterwarnings("error::pandas.errors.PerformanceWarning")
def test_a_2000_column_sheet_runs_without_quadratic_inserts(tmp_path: Path) -> None:
    src = _workbook(tmp_path / "wide.xlsx")
    result = pipeline.run([str(src)], target="salesforce", out=tmp_path / "out")
    assert len(result.records) == 3
    assert (tmp_path / "out" / "Opportunity.csv").is_file()
    deals = result.dedupe.deals.set_index("deal_name")
    extras = [c for c in deals.columns if str(c).startswith("extra:")]
    assert len(extras) == N_COLUMNS - len(MAPPED)
    for r in range(3):  # every unmapped value stays with its own deal
        assert deals.loc[f"案件{r}", "extra:項目6"] == f"v{r}-6"
        assert deals.loc[f"案件{r}", f"extra:項目{N_COLUMNS - 1}"] == f"v{r}-{N_COLUMNS - 1}"
