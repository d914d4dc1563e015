"""Deal exports of CRMs and no-code tools (Close, Airtable, Copper, monday.com): their own
column names and stage words reach the right fields (user report u15)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from migrate import pipeline

# GX answers from the failing-row mask (tests/conftest.py): these tests are about the mapping
pytestmark = pytest.mark.usefixtures("gx_by_mask")


def _run(tmp_path: Path, name: str, text: str) -> pipeline.RunResult:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    return pipeline.run(
        [str(src)], target="salesforce", currency="USD", as_of=pd.Timestamp("2026-03-01").date()
    )


def test_the_name_of_a_copper_opportunities_export_is_the_deal_name(tmp_path):
    res = _run(
        tmp_path,
        "copper_opportunities.csv",
        "Name,Company,Primary Contact,Pipeline Stage,Status,Value,Close Date,Owner\n"
        "Mosaic Foods - POS,Mosaic Foods,Nina Park,Qualified,Open,18000,4/30/2026,tom@seller.io\n"
        "Orbit Media - Ads,Orbit Media,Paula Chen,Presentation,Open,9500,6/15/2026,ken@seller.io\n",
    )
    rec = res.records
    assert rec["deal_name"].tolist() == ["Mosaic Foods - POS", "Orbit Media - Ads"]
    assert rec["company_name"].tolist() == ["Mosaic Foods", "Orbit Media"]
    assert rec["contact_name"].tolist() == ["Nina Park", "Paula Chen"]
