"""Report: the figures add up, the fix list points at the right cells, PII is masked.

Two kinds of runs: the quirk fixtures straight through ``migrate.pipeline.run`` (raw records,
no dedupe/export yet), and a "rich" run: a generated tracker with owners, dates, a later and
an earlier snapshot, run through the pipeline and then given what normalize, dedupe and
export will add (stage keys, ids, statuses, findings, dedupe and export results), so every
section of the report has something to show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from migrate import findings as fnd
from migrate import pipeline
from migrate.errors import RuleFileError
from migrate.report import SECTIONS, extend_report, load_report_rules, write_reports
from migrate.report import values as rv
from migrate.report.page import render_html
from migrate.report.settings import stage_view
from migrate.report.workbook import sheet_names

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

FIX = Path(__file__).parent / "fixtures"
RULES = Path(__file__).parent.parent / "rules"
TRACKER = "営業案件管理.xlsx"
SHEET = "案件一覧"
SNAPSHOT = "2025Q4_snapshot.csv"
HEAD = [
    "会社名",
    "担当者名",
    "メールアドレス",
    "電話番号",
    "案件名",
    "金額",
    "ステージ",
    "確度",
    "受注予定日",
    "営業担当",
    "リードソース",
    "更新日",
    "失注理由",
    "次回アクション",
    "競合他社",
]
D = dt.date
# company, contact, email, phone, deal, amount, stage word, probability, close, owner, source, updated, lost reason, next
DEALS = [
    (
        "株式会社山田電気",
        "山田 太郎",
        "t.yamada@yamada-denki.co.jp",
        "03-1234-5678",
        "山田電気 基幹刷新",
        1200000,
        "提案済み",
        50,
        D(2026, 3, 31),
        "佐藤",
        "展示会",
        D(2026, 3, 20),
        None,
        "見積提出",
    ),
    (
        "積水化成品工業株式会社",
        "佐藤 花子",
        "hanako.sato@sekisui-kasei.co.jp",
        "06-6123-4567",
        "積水 SFA導入",
        3500000,
        "見積提示",
        None,
        D(2026, 4, 15),
        "佐藤",
        "Web問合せ",
        D(2026, 1, 10),
        None,
        None,
    ),
    (
        "Acme Labs株式会社",
        "John Smith",
        "john.smith@acmelabs.com",
        "+81 3 5555 0101",
        "Acme PoC",
        800000,
        "商談中",
        20,
        D(2026, 2, 20),
        "鈴木",
        None,
        D(2026, 3, 25),
        None,
        "デモ",
    ),
    (
        "有限会社みなと商事",
        "港 一郎",
        "minato@minato-shoji.co.jp",
        "045-222-3333",
        "みなと 追加ライセンス",
        450000,
        "受注",
        100,
        D(2026, 2, 27),
        "鈴木",
        "紹介",
        D(2026, 2, 27),
        None,
        None,
    ),
    (
        "北海道物産株式会社",
        "北 二郎",
        "kita@hokkaido-bussan.jp",
        "011-555-0000",
        "北海道 リプレース",
        2200000,
        "失注",
        0,
        D(2026, 1, 30),
        "高橋",
        "展示会",
        D(2026, 2, 1),
        "価格",
        None,
    ),
    (
        "東京精機株式会社",
        "東 三郎",
        "azuma@tokyo-seiki.co.jp",
        "03-9999-1111",
        "東京精機 全社展開",
        960000,
        "稟議中",
        80,
        D(2026, 6, 30),
        "高橋",
        None,
        D(2025, 12, 1),
        None,
        None,
    ),
    (
        "大阪商会",
        "西 四郎",
        "nishi@osaka-shokai.jp",
        "06-1111-2222",
        "大阪 初期導入",
        None,
        "受注",
        None,
        D(2026, 3, 1),
        "田中",
        None,
        D(2026, 3, 2),
        None,
        None,
    ),
    (
        "名古屋工業株式会社",
        "中 五郎",
        "naka@nagoya-kogyo.jp",
        "052-333-4444",
        "名古屋 検証",
        300000,
        "保留",
        None,
        D(2026, 5, 31),
        "田中",
        None,
        D(2026, 3, 30),
        None,
        None,
    ),
    (
        "福岡システム株式会社",
        "南 六子",
        "minami@fukuoka-sys.jp",
        "092-777-8888",
        "福岡 保守",
        640000,
        "受注",
        100,
        D(2026, 3, 15),
        "佐藤",
        "Web問合せ",
        D(2026, 3, 16),
        None,
        None,
    ),
    (
        "仙台ソフト株式会社",
        "青葉 七海",
        "aoba@sendai-soft.jp",
        "022-123-9876",
        "仙台 移行",
        1500000,
        "提案中",
        None,
        D(2026, 1, 31),
        None,
        "紹介",
        D(2026, 1, 5),
        None,
        None,
    ),
    (
        "神戸港湾株式会社",
        "港 八重",
        "yae@kobe-kowan.jp",
        "078-456-7890",
        "神戸 IoT",
        5000000,
        "アポ獲得",
        None,
        None,
        "鈴木",
        "セミナー",
        D(2026, 3, 28),
        None,
        "初回訪問",
    ),
    (
        "京都織物株式会社",
        "西陣 九",
        "kyu@kyoto-orimono.jp",
        "075-321-6540",
        "京都 EC連携",
        700000,
        "失注",
        None,
        D(2026, 2, 10),
        "高橋",
        None,
        D(2026, 2, 12),
        None,
        None,
    ),
]
# the earlier snapshot: the same deals as rows 4, 5 and 9 of the tracker, one stage earlier
SNAP = [
    (
        "株式会社山田電気",
        "山田 太郎",
        "山田電気 基幹刷新",
        1000000,
        "商談中",
        "2025-12-15",
    ),
    ("積水化成品工業株式会社", "", "積水 SFA導入", 3500000, "提案済み", "2025-12-20"),
    ("福岡システム株式会社", "", "福岡 保守", 640000, "見積提示", "2026-01-20"),
]
SNAP_OF = {0: 4, 1: 5, 2: 12}  # snapshot line index -> tracker row of the same deal


def _write_sources(d: Path) -> list[str]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "2026年度 案件管理表（営業部）"
    ws.append([])
    ws.append(HEAD)
    for deal in DEALS:
        ws.append([*deal, None])
    ws.append([])
    ws.cell(16, 1).value = None  # row 16 left blank inside the table
    ws.cell(17, 1).value = "合計"
    ws.cell(17, 6).value = "=SUM(F4:F15)"
    tracker = d / TRACKER
    wb.save(tracker)
    snap = d / SNAPSHOT
    lines = ["会社名,担当者名,案件名,金額,ステージ,更新日"]
    lines += [",".join(str(x) for x in row) for row in SNAP]
    snap.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(tracker), str(snap)]


def _finding(
    rule, severity, message, row, column, field, original, value, action, file=TRACKER, sheet=SHEET
):
    return fnd.Finding(
        rule, severity, message, file, sheet, row, column, field, original, value, action
    )


SEEDED = _finding(
    "normalize.unparseable-date",
    "warning",
    "date could not be read; kept empty",
    6,
    "更新日",
    "updated_at",
    "先週",
    "",
    "blanked",
)


def rich_result(tmp: Path) -> pipeline.RunResult:
    """A run with everything the later stages will add, on a generated two-file source."""
    src = tmp / "src"
    src.mkdir()
    result = pipeline.run(_write_sources(src), target=None)
    # this fixture stands in for dedupe and export: their own findings are replaced below
    later = result.findings["rule"].str.startswith(("dedupe.", "export.", "validate.", "stages."))
    result.findings = result.findings[~later].reset_index(drop=True)
    model = stage_view()
    rec = result.records.copy()
    rec["stage"] = rec["stage"].map(lambda w: model.resolve(w))  # what normalize does
    rec["amount"] = rec["amount"].map(
        lambda x: rv.to_number(x) if rv.to_number(x) is not None else float("nan")
    )
    rec["probability"] = rec["probability"].map(
        lambda x: rv.to_number(x) if rv.to_number(x) is not None else float("nan")
    )
    for c in ("close_date", "updated_at"):
        rec[c] = rec[c].map(lambda x: rv.to_date(x).isoformat() if rv.to_date(x) else "")
    deal_ids = {name: f"D{i:03d}" for i, name in enumerate(dict.fromkeys(rec["deal_name"]))}
    rec["deal_id"] = rec["deal_name"].map(deal_ids)
    rec["company_id"] = rec["company_name"].map(lambda n: f"C-{n}")
    rec["contact_id"] = rec["email"].map(lambda e: f"P-{e}" if e else "")
    rec["_merged_into"] = ""
    snap = rec["_source_file"] == SNAPSHOT
    rec.loc[snap, "_status"] = "merged"
    for i in rec.index[snap]:
        line = int(rec.at[i, "_source_row"]) - 2
        rec.at[i, "_merged_into"] = f"{TRACKER}|{SHEET}|{SNAP_OF[line]}"
    reject = (rec["_source_file"] == TRACKER) & (
        rec["_source_row"] == 14
    )  # 神戸 IoT: no close date
    rec.loc[reject, "_status"] = "rejected"
    rec.loc[reject, "_reason"] = "validate.required-missing"
    result.records = rec
    result.crosswalk = pipeline.build_crosswalk(rec, result.tables)
    seeded = [
        SEEDED,
        _finding(
            "normalize.unknown-stage",
            "warning",
            "stage word is not in the stage model",
            11,
            "ステージ",
            "stage",
            "保留",
            "",
            "blanked",
        ),
        _finding(
            "normalize.invalid-email",
            "error",
            "not a valid e-mail address",
            7,
            "メールアドレス",
            "email",
            "john.smith@acmelabs.com",
            "",
            "kept",
        ),
        _finding(
            "dedupe.conflict",
            "info",
            "amount differs between snapshots; the newest wins",
            4,
            "金額",
            "amount",
            "1000000",
            "1200000",
            "merged",
        ),
        _finding(
            "validate.required-missing",
            "error",
            "close date is required",
            14,
            "受注予定日",
            "close_date",
            "",
            "",
            "rejected",
        ),
    ]
    # what the pipeline already reports (normalize runs in it) is not seeded twice
    have = set(zip(result.findings["rule"], result.findings["file"], result.findings["row"]))
    seeded = [f for f in seeded if (f.rule, f.file, f.row) not in have]
    result.findings = fnd.concat([result.findings, seeded])
    survivors = rec[rec["_status"] != "merged"]
    deals = pd.DataFrame(
        {
            "deal_id": survivors["deal_id"],
            "_row_keys": [
                ";".join(
                    rec.loc[(rec["deal_id"] == d) & (rec["_status"] != "rejected"), "_row_key"]
                )
                for d in survivors["deal_id"]
            ],
            "_source_file": survivors["_source_file"],
            "_source_sheet": survivors["_source_sheet"],
            "_source_row": survivors["_source_row"],
        }
    )
    result.dedupe = SimpleNamespace(  # type: ignore[attr-defined]
        deals=deals,
        companies=pd.DataFrame({"company_id": sorted(set(rec["company_id"]))}),
        contacts=pd.DataFrame({"contact_id": sorted(set(rec["contact_id"]) - {""})}),
        review=pd.DataFrame(
            {
                "left": ["C-京都織物株式会社"],
                "right": ["C-京都織物"],
                "score": [0.91],
                "evidence": ["name ~ 0.91, phone ="],
            }
        ),
        findings=fnd.empty(),
    )
    result.export = SimpleNamespace(  # type: ignore[attr-defined]
        validation={
            "deals.csv": {
                "expectations": 12,
                "passed": 11,
                "failed": 1,
                "rows_in": 12,
                "rows_out": 11,
                "rejected": 1,
                "failures": [
                    {
                        "expectation": "expect_column_values_to_not_be_null",
                        "rule": "validate.required-missing",
                        "action": "reject",
                        "rows": 1,
                    }
                ],
            }
        },
        rejects=pd.DataFrame(
            [
                {
                    "file": "deals.csv",
                    "external_id": "D010",
                    "rule": "validate.required-missing",
                    "expectation": "expect_column_values_to_not_be_null",
                    "column": "CloseDate",
                    "value": "",
                    "reason": "close date is empty",
                    "fix": "enter the expected close date",
                    "source_rows": f"{TRACKER}|{SHEET}|14",
                }
            ]
        ),
    )
    return result


@pytest.fixture(scope="module")
def fixtures_run() -> pipeline.RunResult:
    """An audit of the quirk fixtures (no import files, so no validation)."""
    return pipeline.run([str(FIX)], target=None)


@pytest.fixture()
def rich(tmp_path: Path) -> pipeline.RunResult:
    return rich_result(tmp_path)


# ---------------------------------------------------------------------------- import


def _check_reconciliation(sec: dict) -> None:
    imp = sec["import"]
    for s in imp["sheets"]:
        assert s["in"] == s["exported"] + s["merged"] + s["rejected"] + s["skipped"], s
        assert s["data"] == s["exported"] + s["merged"] + s["rejected"], s
        assert s["balanced"], s
    for k in ("in", "data", "exported", "merged", "rejected", "skipped", "blank"):
        assert imp["totals"][k] == sum(s[k] for s in imp["sheets"]), k
    assert imp["totals"]["balanced"]


def test_reconciliation_adds_up_per_sheet_and_in_total(fixtures_run):
    sec = extend_report(fixtures_run)
    _check_reconciliation(sec)
    rows = fixtures_run.report["rows"]
    tot = sec["import"]["totals"]
    assert tot["data"] == rows["data"] == len(fixtures_run.records)
    assert tot["in"] == rows["data"] + rows["skipped"]
    assert tot["blank"] == rows["blank"]
    by_sheet = {(s["file"], s["sheet"]): s for s in sec["import"]["sheets"]}
    assert by_sheet[("subtotal-rows.xlsx", "案件")]["skipped_reasons"] == {"row.subtotal": 4}
    assert by_sheet[("note-rows.xlsx", "リスト")]["blank"] == 2
    assert by_sheet[("pivot-sheet.xlsx", "Pivot")]["kind"] == "skipped"
    failed = {Path(f["file"]).name: f["code"] for f in sec["import"]["failed_files"]}
    assert failed["encrypted.xlsx"] == "ingest.encrypted"
    assert sec["import"]["verdict"]["status"] == "audit"  # fixtures_run is an audit
    assert "not-validated" in sec["import"]["verdict"]["reasons"]
    assert "files-failed" in sec["import"]["verdict"]["reasons"]


def test_reconciliation_counts_merged_and_rejected(rich):
    sec = extend_report(rich)
    _check_reconciliation(sec)
    by_sheet = {(s["file"], s["sheet"]): s for s in sec["import"]["sheets"]}
    main = by_sheet[(TRACKER, SHEET)]
    assert (main["data"], main["exported"], main["rejected"]) == (12, 11, 1)
    assert main["skipped_reasons"] == {"row.subtotal": 1, "row.title": 1}
    assert main["blank"] == 1
    snap = by_sheet[(SNAPSHOT, "")]
    assert (snap["data"], snap["merged"]) == (3, 3)
    reasons = sec["import"]["rejections"]["reasons"]
    assert reasons[0]["reason"] == "validate.required-missing"
    assert reasons[0]["examples"] == [{"file": TRACKER, "sheet": SHEET, "row": 14}]
    assert sec["import"]["rejections"]["checks"][0]["rule"] == "validate.required-missing"
    assert sec["import"]["validation"]["files"][0]["status"] == "rejected"
    assert sec["import"]["verdict"]["status"] == "attention"


# ---------------------------------------------------------------------------- funnel


def test_funnel_counts_equal_stage_counts_of_exported_records(rich):
    sec = extend_report(rich, today=D(2026, 3, 31))
    rec = rich.records
    exported = rec[rec["_status"] == "exported"]
    counts = Counter(exported["stage"])
    funnel = sec["funnel"]
    assert funnel["records"] == len(exported) == 11
    assert {s["key"]: s["count"] for s in funnel["stages"] if s["count"]} == {
        k: n for k, n in counts.items() if k
    }
    assert funnel["no_stage"] == counts[""] == 1  # 保留 is not a stage word
    amounts = exported.groupby("stage")["amount"].sum()
    for s in funnel["stages"]:
        if s["count"]:
            assert s["amount"] == pytest.approx(amounts[s["key"]])
    # won 3 (one without amount), lost 2
    assert funnel["won"] == {
        "count": 3,
        "amount": 1090000.0,
        "with_amount": 2,
        "amount_share": round(2 / 3, 4),
    }
    assert funnel["win_rate"] == pytest.approx(3 / 5, abs=1e-4)
    model = stage_view()
    open_ = exported[
        exported["stage"].map(lambda k: model.get(k) is not None and model.get(k).status == "open")
    ]
    prob = open_["probability"].where(
        open_["probability"].notna(), open_["stage"].map(lambda k: model.get(k).probability)
    )
    assert funnel["open"]["weighted_amount"] == pytest.approx(
        round((open_["amount"] * prob / 100).sum(), 2)
    )
    assert funnel["open"]["count"] == len(open_)


def test_conversion_counts_reached_stages_and_leaves_lost_out():
    model = stage_view()
    stages = ["opportunity", "opportunity", "proposal", "closing", "won", "lost", "lost"]
    rec = pd.DataFrame(
        {
            "_source_file": "f.csv",
            "_source_sheet": "",
            "_source_row": range(2, 2 + len(stages)),
            "stage": stages,
            "amount": [100.0] * len(stages),
            "_status": "exported",
        }
    )
    result = SimpleNamespace(
        tables=[],
        problems=[],
        records=rec,
        findings=fnd.empty(),
        crosswalk=pd.DataFrame(columns=pipeline.CROSSWALK_COLUMNS),
        report={},
    )
    funnel = extend_report(result, stage_model=model)["funnel"]
    assert funnel["entry_stage"] == "opportunity"
    conv = {
        (c["from"], c["to"]): (c["reached_from"], c["reached_to"]) for c in funnel["conversion"]
    }
    assert conv == {
        ("opportunity", "proposal"): (5, 3),
        ("proposal", "closing"): (3, 2),
        ("closing", "won"): (2, 1),
    }
    assert funnel["overall_conversion"] == pytest.approx(1 / 5)
    assert funnel["win_rate"] == pytest.approx(1 / 3, abs=1e-4)


def test_stale_past_close_and_default_today(rich):
    sec = extend_report(rich)  # today = latest updated_at in the data
    assert sec["context"] == sec["context"] | {
        "today": "2026-03-30",
        "today_source": "data",
        "stale_days": 30,
    }
    stale = sec["funnel"]["stale"]
    assert stale["available"]
    # open exported deals: rows 4 (2026-03-20), 5 (01-10), 6 (03-25), 9 (2025-12-01), 13 (01-05),
    # and the deal of no known stage, checked like an open one (updated recently: not stale)
    assert stale["open_with_updated_at"] == 6
    assert [(x["row"], x["days"]) for x in stale["examples"]] == [(9, 119), (13, 84), (5, 79)]
    assert stale["by_owner"] == {"": 1, "佐藤": 1, "高橋": 1}
    past = sec["funnel"]["past_close"]
    assert [x["row"] for x in past["examples"]] == [13, 6]  # close 2026-01-31, 2026-02-20
    moves = sec["funnel"]["movements"]
    assert moves["available"] and moves["deals"] == 3
    assert {(t["from"], t["to"]) for t in moves["transitions"]} == {
        ("opportunity", "proposal"),
        ("proposal", "closing"),
        ("closing", "won"),
    }
    later = extend_report(rich, today="2026-06-30", stale_days=120)
    assert later["context"]["today_source"] == "given"
    assert later["funnel"]["stale"]["count"] == 3  # 171, 211 and 176 days


def test_the_stages_item_counts_the_deals_that_carry_a_stage_of_the_model(tmp_path):
    # "Stages are defined and every deal carries one": a deal with a word the model does not
    # know, or with none, carries none, whatever the tool made of it (inferred, rejected)
    src = tmp_path / "deals.csv"
    src.write_text(
        "会社名,案件名,ステージ,金額\n"
        "株式会社あおば,基幹更新,提案中,100\n"
        "株式会社いずみ,保守,受注,200\n"
        "株式会社うみ,新規,ぼちぼち,300\n"
        "株式会社えのき,追加,,400\n"
        "株式会社おか,更改,見積提示,500\n",
        encoding="utf-8",
    )
    for target in (None, "salesforce"):
        res = pipeline.run([str(src)], target=target)
        item = next(
            i for i in res.report["checklist"]["items"] if i["id"] == "checklist.stages-defined"
        )
        assert (item["numerator"], item["denominator"]) == (3, 5), (target, item)
        assert item["status"] == "fail"


def test_checklist_marks_items_from_the_data(rich):
    items = {i["id"]: i for i in extend_report(rich)["checklist"]["items"]}
    won = items["checklist.won-amount"]
    assert (won["value"], won["numerator"], won["denominator"]) == (round(2 / 3, 4), 2, 3)
    assert won["status"] == "fail"  # warn_at 0.8
    assert items["checklist.pipeline-review"]["status"] == "na"
    assert items["checklist.pipeline-review"]["na_reason"] == "not-assessable"
    assert items["checklist.no-duplicates"]["value"] == round(11 / 14, 4)
    assert items["checklist.owner-set"]["numerator"] == 10


# --------------------------------------------------------------------------- quality


def test_completeness_by_source_and_owner(rich):
    q = extend_report(rich)["quality"]
    src = {(s["file"], s["sheet"]): s for s in q["completeness"]["by_source"]}
    tracker = src[(TRACKER, SHEET)]["fields"]
    assert tracker["lead_source"] == pytest.approx(7 / 12, abs=1e-4)
    assert src[(SNAPSHOT, "")]["fields"]["owner"] is None  # no column: a layout gap
    owners = {o["owner"]: o for o in q["by_owner"]["owners"]}
    assert owners["佐藤"]["rows"] == 3 and owners["佐藤"]["fields"]["lead_source"] == 1.0
    assert owners["田中"]["fields"]["lead_source"] == 0.0
    assert owners[""]["rows"] == 1
    assert q["unknown_stages"] == [
        {
            "word": "保留",
            "rows": 1,
            "source": "findings",
            "examples": [{"file": TRACKER, "sheet": SHEET, "row": 11}],
        }
    ]
    rules = {r["rule"]: r for r in q["findings"]["by_rule"]}
    assert rules["normalize.unparseable-date"]["examples"][0]["original"] == "先週"
    assert any(u["header"] == "競合他社" for u in q["unmapped_headers"])


def test_duplicates_section(rich, fixtures_run):
    d = extend_report(rich)["duplicates"]
    assert d["available"] and d["merged_rows"] == 3
    assert d["entities"]["deal"]["rows"] == 15 and d["entities"]["deal"]["entities"] == 12
    big = d["largest_clusters"][0]
    assert big["entity"] == "deal" and big["size"] == 2
    assert [x["survivor"] for x in big["variants"]] == [True, False]
    assert big["variants"][0]["values"]["stage"] in ("proposal", "closing", "won")
    assert d["conflicts"]["total"] == 1 and d["conflicts"]["by_field"] == {"amount": 1}
    assert d["review"]["pairs"] == 1
    no_dedupe = dataclasses.replace(fixtures_run, dedupe=None)
    merged = int((fixtures_run.records["_status"] == "merged").sum())
    assert merged > 0  # the quirk fixtures hold one tracker in several formats
    assert extend_report(no_dedupe)["duplicates"] == {"available": False, "merged_rows": merged}


# --------------------------------------------------------------------------- outputs


def test_seeded_problem_is_coloured_and_commented_in_quality_xlsx(rich, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    assert write_reports(rich, out, lang="ja") == ["report.html", "quality.xlsx"]
    wb = load_workbook(out / "quality.xlsx")
    name = sheet_names([t for t in rich.tables if t.kind == "table"], ("使い方", "指摘一覧"))[
        (TRACKER, SHEET)
    ]
    ws = wb[name]
    # the source layout: header on row 3, data from row 4, at the same columns
    assert ws["A3"].value == "会社名" and ws["L3"].value == "更新日"
    assert ws["A4"].value == "株式会社山田電気" and ws["F5"].value == 3500000
    cell = ws["L6"]  # the seeded unparseable date: row 6, column 更新日
    assert cell.fill.fgColor.rgb.endswith("FCE8B2")  # warning: amber
    assert "normalize.unparseable-date" in cell.comment.text and "先週" in cell.comment.text
    assert ws["C7"].fill.fgColor.rgb.endswith("F4C7C3")  # the error: red
    status_col = ws["P3"]
    assert status_col.value == "取込結果"
    assert ws["P14"].value.startswith("除外") and ws["P17"].value.startswith("スキップ")
    fs = wb["指摘一覧"]
    head = [c.value for c in fs[1]]
    assert fs.auto_filter.ref.startswith("A1:")
    rows = [dict(zip(head, (c.value for c in r))) for r in fs.iter_rows(min_row=2)]
    hit = next(r for r in rows if r["ルール"] == "normalize.unparseable-date")
    assert hit["担当者"] == "鈴木" and hit["行"] == 6
    row_no = rows.index(hit) + 2
    assert fs.cell(row_no, head.index("セル") + 1).hyperlink.location == f"'{name}'!L6"
    assert len(rows) == len(rich.findings)


def test_sheet_names_are_short_and_unique():
    tables = [
        SimpleNamespace(file="東日本営業部_2026年度上期_案件管理表_最新版.xlsx", sheet=s)
        for s in ("案件一覧", "案件一覧2")
    ]
    tables.append(SimpleNamespace(file="a.csv", sheet=""))
    tables.append(SimpleNamespace(file="a.tsv", sheet=""))
    tables.append(SimpleNamespace(file="x.xlsx", sheet="Q1/Q2 [old]"))
    names = list(sheet_names(tables, ("Findings",)).values())
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[2] == "a" and names[3] == "a~2" and names[4] == "x_Q1_Q2 _old_"


def test_mask_pii_masks_html_json_and_workbook(rich, tmp_path):
    from openpyxl import load_workbook

    sec = extend_report(rich, mask_pii=True)
    rich.report = {**rich.report, **sec}
    out = tmp_path / "masked"
    write_reports(rich, out, mask_pii=True)
    text = (out / "report.html").read_text(encoding="utf-8") + json.dumps(sec, ensure_ascii=False)
    cells = []
    for ws in load_workbook(out / "quality.xlsx"):
        for row in ws.iter_rows():
            for c in row:
                cells.append(str(c.value or ""))
                if c.comment:
                    cells.append(c.comment.text)
    text += "\n".join(cells)
    for raw in (
        "john.smith@acmelabs.com",
        "t.yamada@yamada-denki.co.jp",
        "03-1234-5678",
        "+81 3 5555 0101",
    ):
        assert raw not in text
    assert "j***@acmelabs.com" in text and "t***@yamada-denki.co.jp" in text
    assert "0*-****-**78" in text and "+81 * **** **01" in text


@pytest.mark.parametrize(
    ("value", "field", "expected"),
    [
        ("t.yamada@example.co.jp", "email", "t***@example.co.jp"),
        ("+81312345678", "phone", "+81*******78"),
        ("03-1234-5678", "phone", "0*-****-**78"),
        ("call 03-1234-5678 or mail a.b@x.jp", "notes", "call 0*-****-**78 or mail a***@x.jp"),
        ("1,200,000", "amount", "1,200,000"),
        ("2026-03-31", "close_date", "2026-03-31"),
    ],
    ids=["email", "e164", "national", "free-text", "amount-untouched", "date-untouched"],
)
def test_mask_value(value, field, expected):
    assert rv.mask_value(value, field) == expected


def test_html_is_self_contained_and_bilingual(rich, tmp_path):
    for lang, word in (("ja", "データ品質レポート"), ("en", "Data-quality report")):
        out = tmp_path / lang
        write_reports(rich, out, lang=lang)
        html = (out / "report.html").read_text(encoding="utf-8")
        assert word in html and f'<html lang="{lang}">' in html
        assert (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'"
            in html
        )
        assert "http://" not in html and "https://" not in html and "url(" not in html
        assert "<script src" not in html and "@import" not in html
        assert html.count("<svg") >= 4  # funnel, heat-map, findings, stage ages (+ row split)


def test_sections_without_data_say_not_available(tmp_path):
    # Text files only: no dates in the data and no saved date in document properties.
    src = tmp_path / "in"
    src.mkdir()
    for name in ("semicolon.csv", "shift-jis.csv", "utf8-bom.csv"):
        shutil.copy(FIX / name, src / name)
    result = pipeline.run([str(src)], target=None)
    sec = extend_report(result)
    assert sec["context"]["today"] is None and sec["context"]["today_source"] == "none"
    assert sec["funnel"]["stale"]["available"] is False
    assert sec["import"]["validation"] == {"available": False, "files": []}
    write_reports(result, tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("この実行では利用できません") >= 4


def test_language_follows_the_sources(fixtures_run):
    assert extend_report(fixtures_run)["context"]["source_lang"] == "ja"
    english = pipeline.run([str(FIX / "tracker.tsv"), str(FIX / "pivot-sheet.xlsx")])
    assert extend_report(english)["context"]["source_lang"] == "en"


def test_report_json_is_plain_and_deterministic(rich):
    a, b = extend_report(rich), extend_report(rich)
    assert list(a) == list(SECTIONS)
    assert json.dumps(a, ensure_ascii=False, allow_nan=False) == json.dumps(
        b, ensure_ascii=False, allow_nan=False
    )


def test_report_rules_file_problems_are_listed_together(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    text = (rules / "report.yaml").read_text(encoding="utf-8")
    text = text.replace("stale_days: 30", "stale_days: -3\ncolour: red").replace(
        "measure: won_amount", "measure: wonn"
    )
    (rules / "report.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_report_rules(rules)
    problems = err.value.problems
    assert any(p.startswith("colour: unknown key") for p in problems)
    assert any(p.startswith("stale_days: -3 is out of range") for p in problems)
    assert any("measure: 'wonn' is not allowed" in p for p in problems)


def test_a_run_with_nothing_read_is_blocked_and_still_renders(tmp_path):
    result = pipeline.run([str(FIX / "corrupt.xlsx")])
    sec = extend_report(result)
    assert sec["import"]["verdict"] == {
        "status": "blocked",
        "reasons": ["nothing-exported", "files-failed"],
    }
    assert sec["funnel"]["available"] is False
    assert write_reports(result, tmp_path) == ["report.html", "quality.xlsx"]
    assert "Cannot import yet" in (tmp_path / "report.html").read_text(
        encoding="utf-8"
    )  # no text: en


@pytest.mark.parametrize(
    ("values", "dtype", "fn"),
    [
        (["a ", None, "b", "a ", float("nan"), ""], None, rv.text),  # texts: taken in Arrow
        (["1,200", None, "50%", "x", "1,200"], None, rv.to_number),  # numbers and None
        (["2024-01-31", None, "2024-01-31", "soon"], None, rv.to_date),  # dates and None
        (["a", None, "b"], None, lambda x: None if x is None else x),  # texts and None: a list
        ([1, 1.0, True, None, "1"], "object", rv.text),  # several types, told apart
        (["x", None, "y", "x"], "str", rv.text),  # pandas' own text column
    ],
    ids=["texts", "numbers", "dates", "text-or-none", "mixed-types", "str-dtype"],
)
def test_per_value_is_map(values, dtype, fn) -> None:
    """``values.per_value`` answers what ``Series.map`` answers, values and dtype, calling the
    function once per distinct value."""
    series = pd.Series(values, index=range(10, 10 + len(values)), dtype=dtype)
    pd.testing.assert_series_equal(rv.per_value(series, fn), series.map(fn))


def test_a_file_without_sheets_is_labelled_by_its_kind(tmp_path: Path) -> None:
    """u21: the HTML table a web system downloads as .xls showed as '(CSV)' in the report's
    table of sheets. A text file is (CSV); another file without sheet names, its one table."""
    from migrate.pipeline import run

    table = "<tr><th>Company</th><th>Deal</th><th>Amount</th></tr>"
    table += "<tr><td>Acme Corp</td><td>Renewal</td><td>1000</td></tr>"
    (tmp_path / "export.xls").write_text(f"<html><body><table>{table}</table></body></html>")
    (tmp_path / "deals.csv").write_text("Company,Deal,Amount\nBeta Inc,New,2000\n")
    out = tmp_path / "out"
    run([str(tmp_path / "export.xls"), str(tmp_path / "deals.csv")], out=out, target=None)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "export.xls</td><td>(one table)" in html
    assert "deals.csv</td><td>(CSV)" in html


def test_deals_of_no_known_stage_keep_their_money_and_their_hygiene(tmp_path):
    # u23 item 4: 温め中 is no stage's word; its deal drops out of the open figures but not out
    # of sight: the funnel's no-stage row and the headline carry its amount, and its stale
    # update and past close date are checked like an open deal's
    src = tmp_path / "deals.csv"
    src.write_text(
        "会社名,案件名,ステージ,金額,受注予定日,更新日,担当者\n"
        "株式会社あおば,基幹更新,提案,100,2026-12-31,2026-11-30,佐藤\n"
        "株式会社いずみ,保守,温め中,200,2026-10-31,2026-06-30,佐藤\n"
        "株式会社うみ,新規,受注,300,2026-09-30,2026-06-01,佐藤\n",
        encoding="utf-8",
    )
    res = pipeline.run([str(src)], target=None, lang="ja")
    fun = res.report["funnel"]
    assert (fun["no_stage"], fun["no_stage_amount"], fun["open"]["amount"]) == (1, 200.0, 100.0)
    assert [x["row"] for x in fun["stale"]["examples"]] == [3]  # the won deal is never stale
    assert [x["row"] for x in fun["past_close"]["examples"]] == [3]
    rules = res.findings[res.findings["row"] == 3]["rule"].tolist()
    assert "stages.stale" in rules and "stages.open-close-date-past" in rules
    # the closed deal (row 4) is old and past its date, and rightly so: nothing to chase
    assert not {"stages.stale", "stages.open-close-date-past"} & set(
        res.findings[res.findings["row"] == 4]["rule"]
    )
    page = render_html(res.report, "ja")
    assert "進行中 1 · ¥100 · ステージ不明 1 · ¥200" in page


def test_no_stage_note_is_absent_when_every_deal_has_a_stage(tmp_path):
    src = tmp_path / "deals.csv"
    src.write_text(
        "会社名,案件名,ステージ,金額\n株式会社あおば,基幹更新,提案,100\n", encoding="utf-8"
    )
    res = pipeline.run([str(src)], target=None, lang="ja")
    assert res.report["funnel"]["no_stage_amount"] == 0.0
    assert "ステージ不明" not in render_html(res.report, "ja").split('id="funnel"')[0]


def _clusters_one_by_one(frame, by_key, top):
    """The largest clusters as the report listed them before: every entity's keys looked up."""
    from migrate.report.duplicates import _text

    groups = []
    for j, (eid, listed) in enumerate(zip(frame["deal_id"].tolist(), frame["_row_keys"].tolist())):
        keys = [k for k in _text(listed).split(";") if k]
        if len(keys) >= 2:
            groups.append((_text(eid), [by_key[k] for k in keys if k in by_key], j))
    groups.sort(key=lambda g: (-len(g[1]), g[0]))
    return len(groups), groups[:top]


@pytest.mark.parametrize("top", [0, 1, 2, 3, 5, 100], ids=lambda n: f"top-{n}")
def test_largest_clusters_found_from_key_counts_equal_every_lookup(top):
    from migrate.report.duplicates import _largest_by_keys

    by_key = {f"f|s|{i}": i * 10 for i in range(12)}
    frame = pd.DataFrame(
        {
            "deal_id": ["D9", "D1", "D2", "D3", "D4", "D5", "D6", "D7", " D8 ", "D0", None],
            "_row_keys": [
                "f|s|0;f|s|1;f|s|2",  # three held
                "f|s|3;gone|1;gone|2;gone|3",  # four listed, one held
                " f|s|4;f|s|5 ",  # trimmed as a whole
                "f|s|6;;f|s|7;",  # empty keys are no keys
                "f|s|8",  # one key: no cluster
                "",
                None,
                "f|s|9;f|s|9",  # a key twice
                "f|s|10;f|s|11",  # ties on size: by id
                "f|s|1;f|s|2",
                "gone|4;gone|5",  # no key held: a cluster of no rows
            ],
        }
    )
    n, found = _largest_by_keys(frame, "deal_id", by_key, top)
    found.sort(key=lambda g: (-len(g[1]), g[0]))
    assert (n, found[:top]) == _clusters_one_by_one(frame, by_key, top)
