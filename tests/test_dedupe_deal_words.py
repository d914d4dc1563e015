"""Deal words: the kind and year a deal name says, in either script (migrate/dedupe/deal_words.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from migrate.dedupe import load_settings
from migrate.dedupe.deal_words import deal_kinds, deal_readings, deal_years, reader

KINDS = load_settings().deals.kinds
YEARS = load_settings().deals.years


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        pytest.param("倉庫管理システム 更新", "renewal", id="更新"),
        pytest.param("Palace Hotel - Warehouse Management System (renewal)", "renewal", id="renewal"),
        pytest.param("ニッチツ_電子契約サービス_新規導入", "new", id="新規導入"),
        pytest.param("helpdesk chatbot new", "new", id="new"),
        pytest.param("News portal renewal", "renewal", id="news-is-not-new"),
        pytest.param("人事評価クラウド追加ライセンス経理部", "add_on", id="追加ライセンス"),
        pytest.param("Security Assessment (add-on)", "add_on", id="add-on"),
        pytest.param("HR Evaluation Cloud - add on", "add_on", id="add-on-with-a-space"),
        pytest.param("需要予測AI 全社展開 物流部", "rollout", id="全社展開"),
        pytest.param("data platform roll-out", "rollout", id="roll-out"),
        pytest.param("SAP追加導入", "add_on", id="the-longest-word-wins"),
        pytest.param("入退室管理システム 導入支援", "services", id="導入支援-is-not-導入"),
        pytest.param("基幹システム リプレース", "replacement", id="リプレース"),
        pytest.param("倉庫管理システム", "", id="no-kind"),
        pytest.param("生産管理導入(旧)", "new+previous", id="旧-in-brackets"),
        pytest.param("【旧】Security Assessment", "previous", id="旧-in-lenticular-brackets"),
        pytest.param("障害復旧支援", "", id="復旧-is-not-旧"),
    ],
)  # fmt: skip
def test_deal_kinds(name: str, kind: str) -> None:
    assert deal_kinds(pd.Series([name]), KINDS).tolist() == [kind]


@pytest.mark.parametrize(
    ("name", "year"),
    [
        pytest.param("久光製薬_年間保守契約_FY2025", "2025", id="FY2025"),
        pytest.param("年間保守 2026年度", "2026", id="2026年度"),
        pytest.param("Annual maintenance FY 2024", "2024", id="FY-space"),
        pytest.param("経費精算クラウド 更新 2026年", "2026", id="2026年"),
        pytest.param("導入 2026年3月", "", id="a-month-is-a-date-not-a-year"),
        pytest.param("X2025 upgrade", "", id="a-model-number"),
        pytest.param("FY2025 → FY2026 移行", "", id="two-years-say-nothing"),
        # u26: a renewal ledger's years, said every way a tracker writes them
        pytest.param("保守サービス 更新 2025", "2025", id="a-year-alone-after-a-kind"),
        pytest.param("保守サービス 更新2025", "2025", id="a-year-right-after-a-kind"),
        pytest.param("保守サービス (2025)", "2025", id="a-year-in-brackets"),
        pytest.param("Support plan Renewal 2025", "2025", id="Renewal-2025"),
        pytest.param("保守サービス 25年度", "2025", id="25年度"),
        pytest.param("保守サービス FY25", "2025", id="FY25"),
        pytest.param("保守サービス 2025/4〜", "2025", id="a-contract-year-from-a-month"),
        pytest.param("勤怠クラウド 2025年4月〜", "2025", id="2025年4月から"),
        pytest.param("SY-2025-01 更新", "", id="a-code-is-no-year"),
        pytest.param("納品 2025-03-31", "", id="a-date-is-no-year"),
        pytest.param("ISO27001 取得支援", "", id="a-standard-number-is-no-year"),
    ],
)  # fmt: skip
def test_deal_years(name: str, year: str) -> None:
    assert deal_years(pd.Series([name]), YEARS).tolist() == [year]


def test_readings_leave_out_the_company_and_the_kind() -> None:
    settings = load_settings()
    r = reader(settings.readings, tuple(settings.legal_forms))
    assert r is not None
    names = pd.Series(
        ["Cube System - Security Assessment (renewal)", "キューブシステム_セキュリティ診断_更新"]
    )
    company = pd.Series(["C-1", "C-1"])
    companies = pd.DataFrame(
        {"c": ["C-1", "C-1"], "name": ["CUBE SYSTEM Inc.", "キューブシステム"]}
    )
    got = deal_readings(names, company, companies, KINDS, r).tolist()
    assert got[0] == "security assessment"
    assert got[1].startswith("security")  # セキュリティ is a loanword of rules/readings.yaml
    assert "renewal" not in got[0] and "cube" not in " ".join(got)


def test_a_deal_reading_leaves_numbers_out() -> None:
    """u21: SY-01 更新 and XM-01 Renewal (two systems' own numbering) shared the reading word
    '01' and merged, and a new deal HX-01 導入 of the same customer with them: three deals
    became one and the pipeline lost two amounts. A number says nothing across scripts."""
    settings = load_settings()
    r = reader(settings.readings, settings.legal_forms)
    names = pd.Series(["SY-01 更新", "XM-01 Renewal", "Phase 2 rollout 2026"])
    company = pd.Series(["C-1", "C-1", "C-1"])
    companies = pd.DataFrame({"c": ["C-1"], "name": ["株式会社山田商事"]})
    got = deal_readings(names, company, companies, KINDS, r).tolist()
    assert not any(w.isdigit() for g in got for w in g.split())
    assert got[0] != "" and "xm" in got[1] and "phase" in got[2]
