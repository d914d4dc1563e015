"""Lead lists: their status words are lead statuses (u22), their rows leads, not deals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from migrate import pipeline
from migrate.normalize.stage_words import load_stage_vocabulary

EXPORT = (
    "Created Date,Company,First Name,Last Name,Email,Lead Status,Lead Source,Rating\n"
    "2026-09-10,Stark Industries,Pepper,Potts,pepper@stark.com,Open,Trade Show,Hot\n"
    "2026-09-11,Wayne Enterprises,Lucius,Fox,lucius@wayne.com,Attempted to Contact,Web,Warm\n"
    "2026-09-13,Cyberdyne,Miles,Dyson,miles@cyberdyne.com,Qualified,Partner,Hot\n"
    "2026-09-14,Tyrell Corp,Rachael,Tyrell,rachael@tyrell.com,Recycled,Webinar,Cold\n"
    "2026-09-16,Initrode,Bill,Lumbergh,bill@initrode.com,Working - Contacted,Web,Warm\n"
    "2026-09-17,Hooli,Mark,Lee,mark@hooli.com,Unqualified,Web,Cold\n"
)


def _run(tmp_path: Path, files: dict[str, str], target: str = "salesforce") -> pipeline.RunResult:
    for name, body in files.items():
        (tmp_path / name).write_text(body, "utf-8")
    return pipeline.run([str(tmp_path / n) for n in files], target=target)


def _status(res: pipeline.RunResult) -> dict[str, str]:
    leads = res.export.files["Lead.csv"]
    return dict(zip(leads["LastName"], leads["Status"]))


def test_a_salesforce_lead_exports_statuses_are_lead_statuses(tmp_path: Path) -> None:
    """Open and Qualified in a lead export are lead statuses, not the deal stages Open and
    Qualification: every row is a Lead, none a Contact, an Account or an Opportunity."""
    res = _run(tmp_path, {"leads.csv": EXPORT})
    assert _status(res) == {
        "Potts": "Open - Not Contacted",
        "Fox": "Working - Contacted",
        "Dyson": "Working - Contacted",
        "Tyrell": "Open - Not Contacted",
        "Lumbergh": "Working - Contacted",
        "Lee": "Closed - Not Converted",
    }
    assert res.export.files["Contact.csv"].empty
    assert res.export.files["Opportunity.csv"].empty
    read = res.findings[res.findings["rule"] == "normalize.lead-status"]
    assert {"Open", "Qualified", "Recycled"} <= set(read["original"])


def test_japanese_lead_statuses_read_alike_in_every_list(tmp_path: Path) -> None:
    """対応中, リサイクル and 重複 are lead statuses in a trade-show list and in a web-inquiry
    list alike: the same person is a Lead from either (u22: a Contact from one, a Lead from
    the other)."""
    show = "会社名,氏名,メールアドレス,ステータス\n北斗物流株式会社,鈴木 美咲,m@hokuto.jp,対応中\n青葉システム株式会社,佐藤 健一,k@aoba.jp,新規\n"
    web = "会社名,お名前,メールアドレス,対応状況\nミライラボ合同会社,長谷川 涼,r@mirai.jp,リサイクル\n東邦電機株式会社,岡田 圭,k@toho.jp,重複\n"
    expected = {
        "show.csv": {"鈴木": "Working - Contacted", "佐藤": "Open - Not Contacted"},
        "web.csv": {"長谷川": "Open - Not Contacted", "岡田": "Open - Not Contacted"},
    }
    for name, body in (("show.csv", show), ("web.csv", web)):
        d = tmp_path / name.split(".")[0]
        d.mkdir()
        res = _run(d, {name: body})
        assert res.export.files["Contact.csv"].empty
        assert _status(res) == expected[name]
    both = tmp_path / "both"
    both.mkdir()
    res = _run(both, {"show.csv": show, "web.csv": web})
    assert res.export.files["Contact.csv"].empty
    assert _status(res) == {**expected["show.csv"], **expected["web.csv"]}


def test_open_and_qualified_stay_deal_stages_in_a_pipeline(tmp_path: Path) -> None:
    """Negative: a pipeline sheet (amounts, close dates) keeps Open and Qualified as its deal
    stages; no lead status is read there."""
    body = (
        "案件名,会社名,担当者,フェーズ,金額,受注予定日\n"
        "A案件,株式会社アルファ,山田 太郎,Open,1000000,2026-12-31\n"
        "B案件,株式会社ベータ,鈴木 花子,Qualified,2000000,2026-12-31\n"
    )
    res = _run(tmp_path, {"pipeline.csv": body})
    opp = res.export.files["Opportunity.csv"]
    assert sorted(opp["StageName"]) == ["Qualification", "Qualification"]
    assert res.export.files["Lead.csv"].empty
    assert not (res.findings["rule"] == "normalize.lead-status").any()


def test_every_lead_status_names_a_stage_of_the_model() -> None:
    vocab = load_stage_vocabulary()
    assert vocab.lead_status("Open") == ("new", "lead")
    assert vocab.lead_status("Closed - Not Converted") == ("unqualified", "lost")
    assert {stage for _, _, stage in vocab.lead_statuses} <= set(vocab.keys)
    assert pd.Series([k for k, _, _ in vocab.lead_statuses]).is_unique


def test_an_unknown_status_word_of_a_lead_list_makes_a_lead_with_a_warning(
    tmp_path: Path,
) -> None:
    """A word no stage or lead status knows, in a lead list, at a company that has a deal in
    the pipeline: the person is a Lead with export.lead-status-assumed, not a silent Contact
    of that account; the word stays on the review sheet (normalize.unknown-stage)."""
    show = "会社名,氏名,メールアドレス,ステータス\n北斗物流株式会社,鈴木 美咲,m@hokuto.jp,ほげ\n青葉システム株式会社,佐藤 健一,k@aoba.jp,新規\n"
    pipe = "案件名,会社名,担当者,フェーズ,金額,受注予定日\n北斗 WMS,北斗物流株式会社,伊藤 大輔,提案,1000000,2026-12-31\n"
    res = _run(tmp_path, {"show.csv": show, "pipe.csv": pipe})
    assert _status(res) == {"鈴木": "Open - Not Contacted", "佐藤": "Open - Not Contacted"}
    assert list(res.export.files["Contact.csv"]["LastName"]) == ["伊藤"]
    rules = set(res.findings.loc[res.findings["file"] == "show.csv", "rule"])
    assert {"normalize.unknown-stage", "export.lead-status-assumed"} <= rules


TRACKER = (
    "案件名,会社名,担当者,フェーズ,金額,受注予定日,営業担当\n"
    "東邦 保守,東邦電機株式会社,吉田 亮,受注,1200000,2026-10-31,佐々木\n"
    "大和 現場,株式会社大和建設,森 健太,失注,2500000,,木村\n"
)
SHOW = (
    "会社名,氏名,メールアドレス,ステータス\n"
    "さくら不動産株式会社,渡辺 花子,hanako@sakura.jp,見送り\n"
    "Hooli Inc.,Mark Lee,mark@hooli.com,Disqualified\n"
    "丸紅テック株式会社,高木 翔,sho@marubeni.jp,新規\n"
)


def test_a_disqualified_lead_is_no_lost_deal(tmp_path: Path) -> None:
    """見送り / Disqualified in a lead list close a lead, not a deal: the win rate and the lost
    count are the tracker's (1 won, 1 lost), no close date is asked of them, the checklist's
    deal items leave them out, and HubSpot keeps them leads (lifecycle lead, lead status
    Unqualified), never opportunities."""
    res = _run(tmp_path, {"tracker.csv": TRACKER, "show.csv": SHOW}, target="hubspot")
    funnel = res.report["funnel"]
    assert (funnel["won"]["count"], funnel["lost"]["count"], funnel["win_rate"]) == (1, 1, 0.5)
    close = res.findings[res.findings["rule"] == "stages.close-date-missing"]
    assert set(close["file"]) == {"tracker.csv"}  # the lost deal of the tracker, not the leads
    items = {i["measure"]: i for i in res.report["checklist"]["items"]}
    assert items["owner"]["denominator"] == 2  # the two deals, not the three leads
    contacts = res.export.files["contacts.csv"].set_index("lastname")
    assert contacts.loc["渡辺", "lifecyclestage"] == "lead"
    assert contacts.loc["Lee", "lifecyclestage"] == "lead"
    assert contacts.loc["渡辺", "hs_lead_status"] == "Unqualified"
    assert contacts.loc["高木", "hs_lead_status"] == "New"
    assert contacts.loc["吉田", "hs_lead_status"] == ""  # a tracker's person has no lead status
    assert (res.export.files["deals.csv"]["dealstage"] == "closedlost").sum() == 1
    companies = res.export.files["companies.csv"].set_index("name")
    assert companies.loc["さくら不動産株式会社", "lifecyclestage"] == "lead"


def test_a_lost_deal_of_a_tracker_stays_a_lost_deal(tmp_path: Path) -> None:
    """Negative: 失注 in a pipeline (amounts) is a lost deal as before, with its close-date
    finding and the lifecycle opportunity."""
    res = _run(tmp_path, {"tracker.csv": TRACKER}, target="hubspot")
    assert res.report["funnel"]["lost"]["count"] == 1
    assert (res.findings["rule"] == "stages.close-date-missing").sum() == 1
    contacts = res.export.files["contacts.csv"].set_index("lastname")
    assert contacts.loc["森", "lifecyclestage"] == "opportunity"


def test_a_private_person_is_no_company(tmp_path: Path) -> None:
    """個人 / 個人事業主 in the company column say "no company": two strangers are not joined
    under one company 個人, and their Salesforce Leads get '[not provided]' as Web-to-Lead
    writes; a company name that merely contains the word (個人情報保護株式会社) stays."""
    body = (
        "会社名,氏名,メール,ステータス\n"
        "個人,井上 聡,s.inoue@gmail.com,新規\n"
        "個人,木下 真央,mao.k@icloud.com,新規\n"
        "個人事業主,林 拓也,t.hayashi@hotmail.co.jp,新規\n"
        "個人情報保護株式会社,岡 一,oka@kojin.co.jp,新規\n"
    )
    res = _run(tmp_path, {"leads.csv": body}, target="hubspot")
    assert list(res.export.files["companies.csv"]["name"]) == ["個人情報保護株式会社"]
    contacts = res.export.files["contacts.csv"].set_index("lastname")
    assert contacts.loc["井上", "company_migration_id"] == ""
    assert contacts.loc["木下", "company_migration_id"] == ""
    f = res.findings[res.findings["rule"] == "normalize.company-private-person"]
    assert set(f["original"]) == {"個人", "個人事業主"}
    sf = tmp_path / "sf"
    sf.mkdir()
    res = _run(sf, {"leads.csv": body})
    leads = res.export.files["Lead.csv"].set_index("LastName")["Company"].to_dict()
    assert leads == {
        "井上": "[not provided]",
        "木下": "[not provided]",
        "林": "[not provided]",
        "岡": "個人情報保護株式会社",
    }
    assert res.export.files["Account.csv"].empty


def test_a_converted_lead_without_a_pipeline_deal_says_it_is_rejected(tmp_path: Path) -> None:
    """商談化 in a lead list alone: Salesforce requires a close date the list cannot give. The
    finding that made the deal says it is rejected and the person exported as a contact, and
    the reject's fix says what to do with a lead list (not "add 受注予定日 to the source row");
    HubSpot, which takes a deal without a close date, keeps the deal and the old message."""
    show = "会社名,氏名,メールアドレス,ステータス\n北斗物流株式会社,伊藤 大輔,d.ito@hokuto.jp,商談化\n丸紅テック株式会社,高木 翔,sho@marubeni.jp,新規\n"
    res = _run(tmp_path, {"show.csv": show})
    made = res.findings[res.findings["rule"] == "export.deal-from-lead"]
    assert len(made) == 1
    assert "so it is rejected (rejects.csv)" in made["message"].iloc[0]
    assert list(res.export.files["Contact.csv"]["LastName"]) == ["伊藤"]
    rejected = res.export.rejects[res.export.rejects["file"] == "Opportunity.csv"]
    assert rejected["fix"].str.contains("a converted lead of a lead list").all()
    hs = tmp_path / "hs"
    hs.mkdir()
    res = _run(hs, {"show.csv": show}, target="hubspot")
    made = res.findings[res.findings["rule"] == "export.deal-from-lead"]
    assert "without amount or close date" in made["message"].iloc[0]
    assert len(res.export.files["deals.csv"]) == 1


def test_a_lead_row_of_a_person_with_a_deal_is_no_converted_lead(tmp_path: Path) -> None:
    """A purchased list's row of a person who has a deal is export.lead-has-deal, not the
    "converted lead (stage 'opportunity')" of export.lead-converted (u22 item 11)."""
    body = (
        "案件名,会社名,担当者,メール,フェーズ,金額,受注予定日\n"
        "保守,東邦電機株式会社,吉田 亮,r@toho.jp,提案,1000000,2026-12-31\n"
    )
    bought = "会社名,担当者,メール\n東邦電機株式会社,吉田 亮,r@toho.jp\n丸紅テック株式会社,高木 翔,sho@marubeni.jp\n"
    d = tmp_path / "b"
    d.mkdir()
    res = _run(d, {"tracker.csv": body, "bought.csv": bought})
    rules = set(res.findings.loc[res.findings["file"] == "bought.csv", "rule"])
    assert "export.lead-converted" not in rules


def test_a_lifecycle_column_beside_the_lead_status_gives_the_stage(tmp_path: Path) -> None:
    """ライフサイクル beside リードステータス: MQL with 対応中 is an MQL being worked (u22: the MQL
    was lost, the lifecycle column ignored); a closed status (見送り) keeps its own stage. (The
    status column is the stage column here, as in the trial's file.)"""
    body = (
        "会社名,氏名,メール,ライフサイクル,リードステータス\n"
        "株式会社アオイ,井上 聡,s.inoue@aoi.jp,リード,未対応\n"
        "株式会社ミライ,林 拓也,t.hayashi@mirai.jp,MQL,対応中\n"
        "株式会社ひかり商事,清水 恵美,e.shimizu@hikari.jp,SQL,アポ獲得\n"
        "株式会社ひかり商事,松本 直樹,n.matsumoto@hikari.jp,MQL,ナーチャリング\n"
        "株式会社つばさ工業,池田 明,a.ikeda@tsubasa.jp,MQL,見送り\n"
        "株式会社つばさ工業,前田 優,y.maeda@tsubasa.jp,商談,商談化\n"
    )
    res = _run(tmp_path, {"leads.csv": body}, target="hubspot")
    contacts = res.export.files["contacts.csv"].set_index("lastname")
    assert contacts.loc["林", "lifecyclestage"] == "marketingqualifiedlead"
    assert contacts.loc["林", "hs_lead_status"] == "In Progress"
    assert contacts.loc["池田", "hs_lead_status"] == "Unqualified"
    assert contacts.loc["池田", "lifecyclestage"] == "lead"
    assert contacts.loc["井上", "lifecyclestage"] == "lead"
    f = res.findings[res.findings["rule"] == "normalize.lifecycle-stage"]
    assert list(f["value"]) == ["mql"]


def test_lead_status_messages_match_their_catalogue_details(tmp_path: Path) -> None:
    """The messages of the new findings are the forms the catalogue translates."""
    import re

    import yaml

    from migrate.rules import DEFAULT_RULES_DIR

    details = yaml.safe_load((DEFAULT_RULES_DIR / "findings.yaml").read_text("utf-8"))["details"]
    res = _run(tmp_path, {"leads.csv": EXPORT})
    for rule in ("normalize.lead-status", "normalize.lead-rating"):
        for message in res.findings.loc[res.findings["rule"] == rule, "message"]:
            assert any(re.fullmatch(d["en"], message) for d in details[rule]), message


def test_a_lead_rating_is_no_deal_probability(tmp_path: Path) -> None:
    """Rating (Hot, Warm, Cold) in a lead export rates the lead: not read as 80 %, with a
    finding; a rank in a pipeline stays a probability (negative)."""
    res = _run(tmp_path, {"leads.csv": EXPORT})
    rated = res.findings[res.findings["rule"] == "normalize.lead-rating"]
    assert set(rated["original"]) == {"Hot", "Warm", "Cold"}
    assert not (res.findings["rule"] == "normalize.probability-rank").any()
    body = (
        "案件名,会社名,フェーズ,金額,受注予定日,Rating\n"
        "A案件,株式会社アルファ,提案,1000000,2026-12-31,Hot\n"
    )
    d = tmp_path / "p"
    d.mkdir()
    res = _run(d, {"pipeline.csv": body})
    assert list(res.export.files["Opportunity.csv"]["Probability"]) == ["80"]
    assert not (res.findings["rule"] == "normalize.lead-rating").any()
