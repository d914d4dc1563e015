"""The run's reference date when the data has no updated/created date (issue 12).

Never the wall clock: the date a workbook was last saved (its document properties), else no
reference date at all, the date-relative checks skipped with one finding that names --as-of.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from migrate import pipeline
from migrate.ingest.props import saved_date

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

ROWS = [
    {"会社名": f"株式会社テスト{i}", "案件名": f"案件{i}", "金額": 100000 * (i + 1),
     "ステージ": "受注", "完了予定日": "2026-03-31"}
    for i in range(10)
]  # fmt: skip


def _with_saved_date(path: Path, day: str) -> None:
    """Rewrite docProps/core.xml of an .xlsx so it says it was last saved on ``day``."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode()
                start = text.index("<dcterms:modified")
                end = text.index("</dcterms:modified>")
                opening = text[start : text.index(">", start) + 1]
                text = text[:start] + opening + f"{day}T09:00:00Z" + text[end:]
                data = text.encode()
            dst.writestr(info, data)
    tmp.replace(path)


def _date_findings(res) -> pd.DataFrame:
    f = res.findings
    return f[
        f["message"].str.contains("today", case=False) & (f["rule"] != "run.no-reference-date")
    ]


def test_a_workbook_without_dates_counts_from_the_day_it_was_saved(tmp_path):
    src = tmp_path / "tracker.xlsx"
    pd.DataFrame(ROWS).to_excel(src, index=False)
    _with_saved_date(src, "2026-04-15")
    assert saved_date(src) == dt.date(2026, 4, 15)
    res = pipeline.run([str(src)], target="salesforce")
    assert res.as_of == dt.date(2026, 4, 15) and res.as_of_source == "saved:tracker.xlsx"
    assert _date_findings(res).empty  # no "close date after today (0001-01-01)"
    assert res.report["context"]["today_source"] == "saved"


def test_without_any_date_the_date_checks_are_skipped_with_one_finding(tmp_path):
    src = tmp_path / "tracker.csv"
    pd.DataFrame(ROWS).to_csv(src, index=False)
    res = pipeline.run([str(src)], target="salesforce")
    assert res.as_of is None and res.as_of_source == "none"
    assert _date_findings(res).empty
    hint = res.findings[res.findings["rule"] == "run.no-reference-date"]
    assert len(hint) == 1 and "--as-of" in hint.iloc[0]["message"]
    given = pipeline.run([str(src)], target="salesforce", as_of=dt.date(2026, 6, 1))
    assert given.as_of_source == "given"
    assert "run.no-reference-date" not in set(given.findings["rule"])


RELATIVE_ROWS = [
    {"Account": "Acme Inc.", "Opportunity": "A", "Amount": 1000, "Stage": "Proposal",
     "Close Date": "next month"},
    {"Account": "Beta Inc.", "Opportunity": "B", "Amount": 2000, "Stage": "Proposal",
     "Close Date": "2026-12-31"},
]  # fmt: skip


def test_relative_dates_count_from_the_saved_date_not_from_the_latest_close_date(tmp_path):
    # no updated/created column: "next month" is read against the day the workbook was saved,
    # never against the latest close date (a date something should happen, not "today")
    rows = RELATIVE_ROWS
    src = tmp_path / "crm.xlsx"
    pd.DataFrame(rows).to_excel(src, index=False)
    _with_saved_date(src, "2026-04-15")
    res = pipeline.run([str(src)], target=None)
    close = res.records.loc[res.records["_source_row"] == 2, "close_date"].iloc[0]
    assert str(close).startswith("2026-05"), close
    assert res.as_of == dt.date(2026, 4, 15)


def test_without_a_day_it_was_written_a_relative_date_is_left_for_as_of(tmp_path):
    # a CSV without update dates says nothing of when it was written: "next month" of the
    # latest close date would be a month too late, so it is blank with the --as-of hint
    rows = RELATIVE_ROWS
    src = tmp_path / "crm.csv"
    pd.DataFrame(rows).to_csv(src, index=False)
    res = pipeline.run([str(src)], target=None)
    close = res.records.loc[res.records["_source_row"] == 2, "close_date"].iloc[0]
    assert not close
    hint = res.findings[(res.findings["original"] == "next month")]
    assert "--as-of" in hint.iloc[0]["message"]
    given = pipeline.run([str(src)], target=None, as_of=dt.date(2026, 4, 15))
    close = given.records.loc[given.records["_source_row"] == 2, "close_date"].iloc[0]
    assert str(close).startswith("2026-05"), close


def _won_in_may(tmp_path: Path) -> Path:
    """A tracker saved 2026-04-15 whose won deal closes 2026-05-31: 'in the future'."""
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [dict(r, 完了予定日="2026-05-31") for r in ROWS[:3]]
    pd.DataFrame(rows).to_excel(folder / "deals.xlsx", index=False)
    _with_saved_date(folder / "deals.xlsx", "2026-04-15")
    return folder


def test_a_workbook_that_gave_no_row_does_not_set_the_reference_date(tmp_path):
    """u21: an empty template saved 2027-09-01 beside the tracker saved 2026-12-01 made the
    reference date 2027-09-01, and the won deals closing 'in the future' went unseen."""
    import shutil

    folder = _won_in_may(tmp_path)
    template = folder / "empty_template_2027.xlsx"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "empty.xlsx", template)
    _with_saved_date(template, "2027-09-01")
    res = pipeline.run([str(folder)], target=None)
    assert res.as_of == dt.date(2026, 4, 15) and res.as_of_source == "saved:deals.xlsx"
    assert not _date_findings(res).empty  # the won deals close after the reference date
    # the empty workbook is a failed file, not also a read one: one count everywhere
    statuses = {f["file"].rsplit("/", 1)[-1]: f["status"] for f in res.report["files"]}
    assert statuses == {"deals.xlsx": "read", "empty_template_2027.xlsx": "failed"}


def test_the_latest_saved_workbook_with_rows_still_gives_the_date(tmp_path):
    """The negative: two trackers with rows, the later saved one gives the date."""
    folder = _won_in_may(tmp_path)
    pd.DataFrame(ROWS[3:5]).to_excel(folder / "other.xlsx", index=False)
    _with_saved_date(folder / "other.xlsx", "2026-06-30")
    res = pipeline.run([str(folder)], target=None)
    assert res.as_of == dt.date(2026, 6, 30) and res.as_of_source == "saved:other.xlsx"


def test_the_summary_line_and_the_report_count_the_files_read_alike(tmp_path):
    import shutil

    from click.testing import CliRunner

    from migrate.cli import cli

    folder = _won_in_may(tmp_path)
    shutil.copyfile(Path(__file__).parent / "fixtures" / "empty.xlsx", folder / "empty.xlsx")
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["audit", str(folder), "--out", str(out)], obj={})
    assert res.exit_code == 1, res.output
    assert "read 1 file(s) (1 could not be used)" in res.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "読み込んだファイル: 1 · 読み込めなかったファイル: 1<" in html  # a Japanese tracker


def _titled(path: Path, title: str, rows: list[dict]) -> None:
    """A tracker with ``title`` in A1, a blank row, then the table."""
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame([[title]]).to_excel(xl, index=False, header=False)
        pd.DataFrame(rows).to_excel(xl, index=False, startrow=2)


def test_the_day_a_sheet_states_above_its_table_is_the_reference_date(tmp_path):
    # no updated/created column; the title says the figures are of 2026-01-20, the workbook was
    # saved again in March: the sheet's own statement is the day its data is of
    src = tmp_path / "ヨミ表.xlsx"
    _titled(src, "第二営業部 ヨミ表　2026年1月20日現在", ROWS)
    _with_saved_date(src, "2026-03-01")
    res = pipeline.run([str(src)], target="salesforce")
    assert res.as_of == dt.date(2026, 1, 20)
    assert res.as_of_source == "stated:ヨミ表.xlsx › Sheet1"
    assert res.report["context"]["today_source"] == "stated"
    said = res.findings[res.findings["rule"] == "ingest.sheet-date"]
    assert said["original"].tolist() == ["2026年1月20日現在"]
    assert said["value"].tolist() == ["2026-01-20"] and said["row"].tolist() == [1]


def test_a_stated_day_earlier_than_the_data_does_not_set_the_reference_date(tmp_path):
    # a title nobody updated (最終更新：2025/4/1) beside rows updated in 2026
    src = tmp_path / "tracker.xlsx"
    rows = [{**r, "更新日": "2026-02-10"} for r in ROWS]
    _titled(src, "最終更新：2025/4/1", rows)
    res = pipeline.run([str(src)], target="salesforce")
    assert res.as_of == dt.date(2026, 2, 10) and res.as_of_source == "data"


def test_a_forecast_for_a_day_is_no_statement_of_the_sheets_date(tmp_path):
    src = tmp_path / "予実.xlsx"
    _titled(src, "2026年3月末時点見込み", ROWS)
    _with_saved_date(src, "2026-01-15")
    res = pipeline.run([str(src)], target="salesforce")
    assert res.as_of == dt.date(2026, 1, 15) and res.as_of_source == "saved:予実.xlsx"
    assert "ingest.sheet-date" not in set(res.findings["rule"])


def test_a_won_close_date_after_every_created_date_moves_the_reference_date_on(tmp_path):
    # u25: a registration sheet's 案件登録日 (created_at) is months before the orders a quote
    # log books as won: the reference date is no earlier than the latest won close date, so
    # those won deals are not 'won in the future'
    registrations, quotes = tmp_path / "案件登録申請一覧.xlsx", tmp_path / "見積一覧.xlsx"
    pd.DataFrame(
        [{"会社名": "株式会社東邦化学", "案件名": "品質管理SaaS", "金額": 3000000, "ステージ": "提案",
          "完了予定日": "2026-12-20", "案件登録日": "2026-10-01"}]
    ).to_excel(registrations, index=False)  # fmt: skip
    pd.DataFrame(
        [{"会社名": "有限会社川村工務店", "案件名": "ネットワーク更改", "金額": 500000,
          "ステージ": "受注", "完了予定日": "2026-11-20"}]
    ).to_excel(quotes, index=False)  # fmt: skip
    res = pipeline.run([str(registrations), str(quotes)], target="salesforce")
    assert res.as_of == dt.date(2026, 11, 20) and res.as_of_source == "data:won"
    assert res.report["context"]["today_source"] == "data"
    assert not _date_findings(res)["message"].str.contains("after today").any()


def test_a_won_close_date_a_year_on_does_not_move_the_reference_date(tmp_path):
    # a 'won' deal closing nine months after the run's latest created date is a planned date:
    # taking it would make every open deal's close date 'past'; it stays won in the future
    registrations, quotes = tmp_path / "案件登録申請一覧.xlsx", tmp_path / "見積一覧.xlsx"
    pd.DataFrame(
        [{"会社名": "株式会社東邦化学", "案件名": "品質管理SaaS", "金額": 3000000, "ステージ": "提案",
          "完了予定日": "2026-12-20", "案件登録日": "2026-10-01"}]
    ).to_excel(registrations, index=False)  # fmt: skip
    pd.DataFrame(
        [{"会社名": "有限会社川村工務店", "案件名": "ネットワーク更改", "金額": 500000,
          "ステージ": "受注", "完了予定日": "2027-07-10"}]
    ).to_excel(quotes, index=False)  # fmt: skip
    res = pipeline.run([str(registrations), str(quotes)], target="salesforce")
    assert res.as_of == dt.date(2026, 10, 1) and res.as_of_source == "data"
    assert _date_findings(res)["message"].str.contains("after today").any()


def test_a_won_close_date_after_its_own_file_s_dates_is_still_won_in_the_future(tmp_path):
    # the file says when it was written (更新日): its won deal closing later is a finding
    src = tmp_path / "tracker.xlsx"
    pd.DataFrame(
        [{"会社名": "有限会社川村工務店", "案件名": "ネットワーク更改", "金額": 500000,
          "ステージ": "受注", "完了予定日": "2026-11-20", "更新日": "2026-10-01"}]
    ).to_excel(src, index=False)  # fmt: skip
    res = pipeline.run([str(src)], target="salesforce")
    assert res.as_of == dt.date(2026, 10, 1) and res.as_of_source == "data"
    assert _date_findings(res)["message"].str.contains("after today").any()


def test_an_open_deal_s_close_date_does_not_move_the_reference_date(tmp_path):
    src = tmp_path / "tracker.xlsx"
    rows = [
        {"会社名": "株式会社東邦化学", "案件名": "品質管理SaaS", "金額": 3000000, "ステージ": "提案",
         "完了予定日": "2026-12-20", "案件登録日": "2026-10-01"},
    ]  # fmt: skip
    pd.DataFrame(rows).to_excel(src, index=False)
    res = pipeline.run([str(src)], target="salesforce")
    assert res.as_of == dt.date(2026, 10, 1) and res.as_of_source == "data"
