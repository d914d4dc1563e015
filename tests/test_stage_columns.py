"""Two columns that look like the stage: a status (Open / Won / Lost) and the funnel's stages
(Dynamics 365's Status before its Pipeline Phase): the stages are the stage, the status's won
and lost words still evidence."""

from __future__ import annotations

from migrate import pipeline
from migrate.ingest import read_sources

DYNAMICS = """Topic,Potential Customer,Est. Revenue,Est. Close Date,Status,Pipeline Phase
Fabrikam expansion,Fabrikam Inc.,25000,12/31/2026,Open,3-Propose
Litware pilot,Litware Inc.,8000,11/30/2026,Open,1-Qualify
Contoso renewal,Contoso Ltd,10000,10/15/2026,Won,4-Close
"""


def test_the_stages_column_is_the_stage_and_the_status_its_outcome(tmp_path):
    src = tmp_path / "opportunities.csv"
    src.write_text(DYNAMICS, encoding="utf-8")
    table = read_sources([str(src)]).tables[0]
    [stage] = [m for m in table.columns if m.field == "stage"]
    assert stage.header == "Pipeline Phase"
    assert [f.rule for f in table.findings].count("ingest.stage-from-stages-column") == 1
    res = pipeline.run([str(src)], target="salesforce", currency="USD")
    opp = res.export.files["Opportunity.csv"].set_index("Name")
    assert opp.loc["Fabrikam expansion", "StageName"] == "Proposal/Price Quote"
    assert opp.loc["Contoso renewal", "StageName"] == "Closed Won"  # the status's word


def test_two_columns_of_stages_keep_the_first(tmp_path):
    src = tmp_path / "deals.csv"
    src.write_text(
        "会社名,案件名,ステージ,状況\n株式会社A,X,提案,ヒアリング\n株式会社B,Y,ヒアリング,提案\n",
        encoding="utf-8",
    )
    table = read_sources([str(src)]).tables[0]
    assert [m.header for m in table.columns if m.field == "stage"] == ["ステージ"]
