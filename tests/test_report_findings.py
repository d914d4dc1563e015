"""The report speaks the run's language about findings: titles, fixes, themes and a glossary.

One run of the quirk fixtures with a Salesforce target (files that cannot be read, rejected
records, validation failures, findings of most themes), written in Japanese and in English.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from migrate import pipeline
from migrate.catalogue import load_catalogue
from migrate.findings import SEVERITIES
from migrate.report import write_reports
from migrate.report.page import render_html

FIX = Path(__file__).parent / "fixtures"
RANK = {s: i for i, s in enumerate(SEVERITIES)}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("findings") / "ja"
    result = pipeline.run([str(FIX)], out=out, target="salesforce", lang="ja")
    en = out.parent / "en"
    write_reports(result, en, lang="en")
    return result, out, en


def _page(out: Path) -> str:
    return (out / "report.html").read_text(encoding="utf-8")


def _report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_report_json_groups_rule_ids_by_theme_most_important_first(run):
    _, out, _ = run
    fnd = _report(out)["quality"]["findings"]
    cat = load_catalogue()
    assert all(r["theme"] == cat.theme_of(r["rule"]) for r in fnd["by_rule"])
    themes = fnd["by_theme"]
    assert sorted(r for t in themes for r in t["rules"]) == sorted(
        r["rule"] for r in fnd["by_rule"]
    )
    keys = [(-t["by_severity"]["error"], -t["by_severity"]["warning"], -t["count"]) for t in themes]
    assert keys == sorted(keys)
    rules = {r["rule"]: r for r in fnd["by_rule"]}
    for t in themes:  # inside a theme: errors, then warnings, then info
        ranks = [-RANK[rules[r]["severity"]] for r in t["rules"]]
        assert ranks == sorted(ranks)
        assert t["count"] == sum(rules[r]["count"] for r in t["rules"])


def test_japanese_page_names_each_finding_in_japanese_in_theme_order(run):
    _, out, _ = run
    page = html.unescape(_page(out))
    cat = load_catalogue()
    fnd = _report(out)["quality"]["findings"]
    for r in fnd["by_rule"]:
        assert cat.title(r["rule"], "ja") in page, r["rule"]
    section = page[page.index('id="quality"') :]
    titles = [cat.theme_title(t["theme"], "ja") for t in fnd["by_theme"]]
    at = [
        section.index(f'id="t-{t["theme"]}">{title}') for t, title in zip(fnd["by_theme"], titles)
    ]
    assert at == sorted(at)
    assert "指摘（テーマ別）" in page and "Findings by theme" not in page


def test_every_linked_id_is_explained_at_the_end_of_the_page(run):
    _, out, _ = run
    page = _page(out)
    linked = set(re.findall(r'href="#g-([^"]+)"', page))
    explained = re.findall(r'<dt id="g-([^"]+)"', page)
    assert linked and linked == set(explained) and len(explained) == len(set(explained))
    assert page.index('id="glossary"') > page.index('id="notes"')
    cat = load_catalogue()
    text = html.unescape(page[page.index('id="glossary"') :])
    for rule in linked:
        entry = cat.entry(rule)
        assert entry is not None
        assert entry.meaning.ja in text and entry.fix.ja in text
    findings = {r["rule"] for r in _report(out)["quality"]["findings"]["by_rule"]}
    assert findings <= linked


def test_files_rejections_and_checks_are_in_the_page_language(run):
    _, out, en = run
    ja_page = html.unescape(_page(out))
    cat = load_catalogue()
    rep = _report(out)
    failed = rep["import"]["failed_files"]
    assert {f["code"] for f in failed} >= {"ingest.corrupt", "ingest.encrypted"}
    for f in failed:
        entry = cat.entry(f["code"])
        assert entry.title.ja in ja_page and entry.fix.ja in ja_page
        assert f["error"] in ja_page  # the specifics stay as the reader wrote them
    reasons = rep["import"]["rejections"]["reasons"]
    assert reasons and all(r["rule"] for r in reasons)
    for r in reasons:
        assert cat.title(r["rule"], "ja") in ja_page
    en_page = html.unescape(_page(en))
    assert cat.title("ingest.corrupt", "en") in en_page
    assert cat.title("ingest.corrupt", "ja") not in en_page
    assert "What the findings mean" in en_page


def test_info_findings_are_folded_under_the_warnings(run):
    _, out, _ = run
    page = _page(out)
    assert '<details class="info"><summary>情報' in page


def test_quality_xlsx_gives_title_and_fix_in_the_run_language(run):
    from openpyxl import load_workbook

    result, out, en = run
    cat = load_catalogue()
    wb = load_workbook(out / "quality.xlsx")
    fs = wb["指摘一覧"]
    head = [c.value for c in fs[1]]
    rows = [dict(zip(head, (c.value for c in r))) for r in fs.iter_rows(min_row=2)]
    assert len(rows) == len(result.findings)
    for r in rows:
        entry = cat.entry(r["ルール"])
        assert r["指摘"] == entry.title.ja and r["対処"] == entry.fix.ja
    link = head.index("セル") + 1
    assert fs.cell(2, link).hyperlink is not None
    comments = [
        c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment
    ]
    assert comments and all("（" in c.splitlines()[0] for c in comments)
    statuses = [
        c.value
        for ws in wb.worksheets[1:-1]
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("除外: ", "スキップ: "))
    ]
    assert statuses and not any("[validate." in s or "sheet." in s or "row." in s for s in statuses)
    fs_en = load_workbook(en / "quality.xlsx")["Findings"]
    head_en = [c.value for c in fs_en[1]]
    assert "Finding" in head_en and "What to do" in head_en


def test_a_report_json_without_themes_still_renders(run):
    _, out, _ = run
    rep = _report(out)
    del rep["quality"]["findings"]["by_theme"]
    page = render_html(rep, "ja")
    assert "指摘（テーマ別）" in page and 'id="glossary"' in page


def _stale_section(page: str) -> str:
    start = page.index("更新漏れ")
    return page[start : page.index("<h3>", start + 1)]


def test_capped_lists_say_how_many_more_and_where(run):
    # u23 items 2, 10: a table or an example list that stops short says what it leaves out and
    # which file lists them all
    _, out, _ = run
    rep = _report(out)
    capped = [r for r in rep["quality"]["findings"]["by_rule"] if r["count"] > len(r["examples"])]
    assert capped
    page = render_html(rep, "ja")
    for r in capped:
        n = r["count"] - len(r["examples"])
        assert f"ほか {n:,} 件（すべて findings.csv, quality.xlsx にあります）" in page
    deal = {
        "file": "a.xlsx",
        "sheet": "案件",
        "row": 5,
        "name": "X",
        "owner": "",
        "stage": "proposal",
    }
    stale = rep["funnel"]["stale"] | {
        "available": True,
        "threshold_days": 30,
        "open_with_updated_at": 20,
        "share": 0.6,
        "by_owner": {},
        "count": 12,
        "examples": [deal | {"updated_at": "2026-01-01", "days": 90}],
    }
    rep["funnel"]["stale"] = stale
    assert "ほか 11 件" in _stale_section(render_html(rep, "ja"))
    en = render_html(rep, "en")
    assert "and 11 more (all in findings.csv, quality.xlsx)" in en
    # negative: a table that shows every deal says nothing more
    rep["funnel"]["stale"] = stale | {"count": 1}
    assert "ほか" not in _stale_section(render_html(rep, "ja"))


def test_the_validation_table_names_the_rule_that_rejected_first():
    # u23 item 5: "rows rejected" beside a report-only rule read as its cause
    from migrate.report.view_data import _failure, _rejecting_first
    from migrate.report.widgets import Page

    failures = [
        {
            "expectation": "x(Amount)",
            "rule": "stages.amount-missing",
            "action": "report",
            "rows": 4,
        },
        {
            "expectation": "x(StageName)",
            "rule": "validate.required-missing",
            "action": "reject",
            "rows": 4,
        },
    ]
    ordered = _rejecting_first(failures)
    assert [x["rule"] for x in ordered] == ["validate.required-missing", "stages.amount-missing"]
    p = Page({}, "en", load_catalogue())
    assert _failure(p, ordered[0]).endswith("4")  # the rejecting rule: no "(reported only)"
    assert _failure(p, ordered[1]).endswith("4 (reported only)")
