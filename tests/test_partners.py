"""A deal's partner (代理店, Reseller) that the Salesforce and HubSpot import files leave out
is reported, never dropped silently (u25 item 9); the generic target keeps it as a column."""

from __future__ import annotations

import pandas as pd
import pytest

from migrate import pipeline

# GX answers from the failing-row mask (tests/conftest.py): GX is not what this is about
pytestmark = pytest.mark.usefixtures("gx_by_mask")

ROWS = [
    {"登録番号": "REG-0091", "登録代理店": "株式会社ネクストリンク", "代理店担当者メール": "morita@nextlink.co.jp",
     "エンドユーザー名": "株式会社東邦化学", "案件名": "品質管理SaaS", "金額": 3000000, "ステージ": "提案",
     "完了予定日": "2026-12-20"},
    {"登録番号": "REG-0094", "登録代理店": "ソリューションパートナーズ株式会社",
     "代理店担当者メール": "inoue@solpartners.jp", "エンドユーザー名": "株式会社大洋建設",
     "案件名": "現場写真管理", "金額": 1500000, "ステージ": "提案", "完了予定日": "2027-01-31"},
]  # fmt: skip


def _partner_findings(tmp_path, target: str) -> pd.DataFrame:
    src = tmp_path / "案件登録.xlsx"
    pd.DataFrame(ROWS).to_excel(src, index=False)
    res = pipeline.run([str(src)], target=target)
    return res.findings[res.findings["rule"] == "export.partner-not-imported"]


@pytest.mark.parametrize("target", ["salesforce", "hubspot"])
def test_the_report_says_the_partner_was_not_imported(tmp_path, target):
    found = _partner_findings(tmp_path, target)
    # the partner company's column, not its rep's e-mail
    assert found["column"].tolist() == ["登録代理店"]
    message = found["message"].iloc[0]
    assert "the partner was not imported" in message and "2 deal(s)" in message
    assert "株式会社ネクストリンク" in message and target in message


def test_the_generic_target_keeps_the_partner_without_a_finding(tmp_path):
    assert _partner_findings(tmp_path, "generic").empty


def test_a_ledgers_customer_beside_its_end_user_is_the_partner_not_imported(tmp_path):
    """得意先 beside 納入先: the end user is the account (columns.yaml) and the 得意先 the
    partner, which the Salesforce files do not write: the report names its own header."""
    src = tmp_path / "受注台帳.xlsx"
    rows = [
        {"受注番号": f"J-06{i}", "得意先": "株式会社ネクストリンク", "納入先": name,
         "件名": "勤怠クラウド", "金額": 1200000, "受注日": "2026-11-20"}
        for i, name in enumerate(["株式会社四谷電機", "株式会社二階堂商店"])
    ]  # fmt: skip
    pd.DataFrame(rows).to_excel(src, index=False)
    res = pipeline.run([str(src)], target="salesforce")
    found = res.findings[res.findings["rule"] == "export.partner-not-imported"]
    assert found["column"].tolist() == ["得意先"]
    assert "株式会社ネクストリンク" in found["message"].iloc[0]
    generic = pipeline.run([str(src)], target="generic")
    assert not (generic.findings["rule"] == "export.partner-not-imported").any()
