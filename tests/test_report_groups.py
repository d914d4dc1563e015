"""A grouped report writes each group's value once, on a group row ("Stage: Prospecting (2
records)", "フェーズ: 見込み (2 件)"): the rows below it take that value in the grouping column."""

from __future__ import annotations

import openpyxl
import pytest

from migrate import pipeline
from migrate.ingest import read_sources


def _report(path, head: str, groups: list[tuple[str, list[tuple]]]):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Opportunities by Stage"])
    ws.append([])
    ws.append([head, "Account Name", "Opportunity Name", "Amount", "Close Date"])
    for statement, rows in groups:
        ws.append([statement])
        for row in rows:
            ws.append([None, *row])
        ws.append(["Subtotal", None, None, sum(r[2] for r in rows)])
    ws.append(["Grand Total", None, None, 1])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("head", "first", "second", "values"),
    [
        (
            "Stage",
            "Stage: Prospecting (2 records)",
            "Stage: Closed Won (1 record)",
            ["Prospecting", "Prospecting", "Closed Won"],
        ),
        (
            "フェーズ",
            "フェーズ: 見込み (2 件)",
            "フェーズ：成立（1件）",
            ["見込み", "見込み", "成立"],
        ),
    ],
)
def test_group_rows_give_their_value_to_the_rows_below(tmp_path, head, first, second, values):
    src = _report(
        tmp_path / "r.xlsx",
        head,
        [
            (
                first,
                [
                    ("Acme Corp", "Acme - CRM", 5000, "2026-12-15"),
                    ("Globex", "ERP", 7000, "2027-01-31"),
                ],
            ),
            (second, [("Initech", "Pilot", 3000, "2026-10-01")]),
        ],
    )
    table = read_sources([str(src)]).tables[0]
    stage = next(m for m in table.columns if m.field == "stage")
    assert table.data[stage.index].tolist() == values
    assert sorted(r for r, why in table.skipped if why == "row.group-heading") == [4, 8]
    assert [f.rule for f in table.findings].count("ingest.report-groups") == 1


def test_a_grouped_report_exports_each_deal_at_its_groups_stage(tmp_path):
    src = _report(
        tmp_path / "r.xlsx",
        "Stage",
        [
            ("Stage: Closed Won (1 record)", [("Initech", "Pilot", 3000, "2026-10-01")]),
            ("Stage: Closed Lost (1 record)", [("Umbrella", "Renewal", 2000, "2026-09-01")]),
        ],
    )
    res = pipeline.run([str(src)], target="salesforce", currency="USD")
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert opp.loc["Pilot", "StageName"] == "Closed Won"
    assert opp.loc["Renewal", "StageName"] == "Closed Lost"


def test_a_lone_label_and_value_that_names_no_column_stays_a_row(tmp_path):
    src = _report(
        tmp_path / "r.xlsx",
        "Stage",
        [("Region: West (1 record)", [("Initech", "Pilot", 3000, "2026-10-01")])],
    )
    table = read_sources([str(src)]).tables[0]
    assert not [f for f in table.findings if f.rule == "ingest.report-groups"]
