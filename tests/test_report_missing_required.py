"""The report shows how many deals lack a value the target requires, and what the policy did (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from migrate import pipeline


def test_deals_without_a_close_date_are_counted_with_the_policy(tmp_path: Path):
    rows = [
        {"Account": f"Acme {i} Inc.", "Opportunity": f"Deal {i}", "Amount": 1000 * (i + 1),
         "Stage": "Proposal", "Close Date": "" if i < 3 else "2026-06-30", "Updated": "2026-02-01"}
        for i in range(6)
    ]  # fmt: skip
    src = tmp_path / "deals.csv"
    pd.DataFrame(rows).to_csv(src, index=False)
    res = pipeline.run([str(src)], out=tmp_path / "o", target="salesforce")
    missing = {m["column"]: m for m in res.report["import"]["missing_required"]}
    assert missing["CloseDate"]["deals"] == 3 and missing["CloseDate"]["rows"] == 3
    assert "missing_close_date: reject" in missing["CloseDate"]["policy"]
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "Deals without a value the target requires" in html or "必須項目が空の案件" in html
