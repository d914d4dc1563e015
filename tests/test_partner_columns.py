"""A deal sold through a partner (u25 items 1, 2 and 8): the end customer who uses what is sold
is the account, the party the deal is sold through (得意先 beside 納入先, 一次店, SIer, Reseller)
the deal's partner; a partner's rep is not our owner; a deal naming a partner and no end
customer says it has no account."""

from __future__ import annotations

import pytest

from migrate import pipeline
from migrate.ingest import read_sources


def _fields(tmp_path, text: str, name: str = "t.csv") -> dict[str, str]:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    table = read_sources([str(src)]).tables[0]
    return {m.header: str(m.field) for m in table.columns if m.field}


def _findings(tmp_path, text: str, name: str = "t.csv") -> list[str]:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    return [f.rule for f in read_sources([str(src)]).tables[0].findings]


LEDGER = (
    "受注番号,受注日,得意先,納入先,件名,受注金額\n"
    "J-1,2026-10-01,株式会社ネクストリンク,株式会社一ノ瀬工業,サーバ更改,4200000\n"
    "J-2,2026-10-05,株式会社ネクストリンク,株式会社二階堂商店,POS入替,1000000\n"
    "J-3,2026-10-09,株式会社ネクストリンク,株式会社三好精工,NAS増設,500000\n"
)


def test_a_ledgers_納入先_is_the_account_and_its_得意先_the_partner(tmp_path):
    fields = _fields(tmp_path, LEDGER)
    assert fields["納入先"] == "company_name"
    assert fields["得意先"] == "partner"
    assert "ingest.end-customer-column" in _findings(tmp_path, LEDGER)
    src = tmp_path / "ledger.csv"
    src.write_text(LEDGER, encoding="utf-8")
    res = pipeline.run([str(src)], target="generic")
    deals = res.export.files["deals.csv"]
    companies = res.export.files["companies.csv"]
    assert sorted(companies["company_name"]) == [
        "株式会社一ノ瀬工業",
        "株式会社三好精工",
        "株式会社二階堂商店",
    ]
    assert set(deals["partner"]) == {"株式会社ネクストリンク"}


def test_a_sheet_with_only_得意先_keeps_it_as_the_company(tmp_path):
    text = "受注番号,得意先,件名,受注金額\nJ-1,株式会社ネクストリンク,サーバ更改,4200000\n"
    fields = _fields(tmp_path, text)
    assert fields["得意先"] == "company_name"
    assert "partner" not in fields.values()
    assert "ingest.end-customer-column" not in _findings(tmp_path, text)


@pytest.mark.parametrize(
    ("text", "company", "partner"),
    [
        pytest.param(
            "一次店,二次店,導入先,導入先担当,商談内容,金額,確度\n"
            "大和ディストリビューション株式会社,株式会社札幌OA,札幌運輸株式会社,山田 太郎,UTM,1440000,50\n",
            "導入先",
            "一次店",
            id="一次店-導入先",
        ),
        pytest.param(
            "No,顧客名,エンドユーザー,SIer,案件名,売価,フェーズ\n"
            "1,株式会社システムズ,株式会社港北工業,株式会社システムズ,基幹更新,3000000,提案\n",
            "エンドユーザー",
            "SIer",
            id="顧客名-beside-エンドユーザー",
        ),
        pytest.param(
            "特約店,導入先企業,品目,標準価格,仕切率,仕切価格,状況\n"
            "株式会社東海特約,株式会社名古屋精機,複合機,1000000,0.7,700000,商談中\n",
            "導入先企業",
            "特約店",
            id="特約店-導入先企業",
        ),
        pytest.param(
            "Opportunity Name,Distributor,Reseller,End User,Net Amount,Stage\n"
            "Firewall,Ingram,Acme Reseller,Initech LLC,50000,Proposal\n",
            "End User",
            "Distributor",
            id="distributor-end-user",
        ),
    ],
)
def test_the_end_customer_is_the_company_beside_a_partner(tmp_path, text, company, partner):
    fields = _fields(tmp_path, text)
    assert [h for h, f in fields.items() if f == "company_name"] == [company]
    assert [h for h, f in fields.items() if f == "partner"] == [partner]


def test_the_end_customers_person_is_no_owner(tmp_path):
    fields = _fields(
        tmp_path,
        "一次店,導入先,導入先担当,金額\n株式会社A商事,札幌運輸株式会社,山田 太郎,100\n",
    )
    assert fields["導入先担当"] == "contact_name"
    assert "owner" not in fields.values()


@pytest.mark.parametrize(
    ("rep", "was_owner"), [("Partner Rep", True), ("代理店担当", True), ("販売店担当者", False)]
)
def test_a_partners_rep_is_not_our_owner(tmp_path, rep, was_owner):
    text = (
        f"Partner,{rep},End Customer,Opportunity,Amount\n"
        "Nordic SI,Sho Morita,Volvo Cars,Fleet,85000\n"
        "Nordic SI,Sho Morita,Equinor ASA,Rigs,42000\n"
        "Nordic SI,Saki Inoue,Maersk A/S,Ships,61000\n"
    )
    fields = _fields(tmp_path, text)
    assert fields.get(rep) != "owner"  # an extra column, or the partner's contact (販売店担当者)
    assert "owner" not in fields.values()
    # a column first read as our owner says why it is not
    assert ("ingest.third-party-column" in _findings(tmp_path, text)) is was_owner
    beside_ours = text.replace("Amount\n", "Amount,Sales Rep\n").replace(
        "000\n", "000,Kate Brown\n"
    )
    assert [h for h, f in _fields(tmp_path, beside_ours).items() if f == "owner"] == ["Sales Rep"]


def test_our_channel_manager_stays_the_owner(tmp_path):
    fields = _fields(
        tmp_path,
        "Distributor,End User,Amount,Channel Manager\nIngram,Initech LLC,100,Kate Brown\n"
        "Ingram,Acme Corp,200,Kate Brown\n",
    )
    assert fields["Channel Manager"] == "owner"


def test_a_partner_alone_is_the_company(tmp_path):
    text = "販売店,案件名,金額\n株式会社テクノ北海道,勤怠クラウド,720000\n"
    assert _fields(tmp_path, text)["販売店"] == "company_name"
    assert "ingest.end-customer-column" in _findings(tmp_path, text)


def test_a_deal_with_a_partner_and_no_end_customer_says_so(tmp_path):
    src = tmp_path / "d.csv"
    src.write_text(
        "ディストリビューター,エンドユーザー,案件概要,合計金額,ステータス\n"
        "DISコーポレーション株式会社,,勤怠クラウド 一括,2400000,提案中\n"
        "DISコーポレーション株式会社,仙台測量株式会社,勤怠クラウド 60ID,720000,受注\n",
        encoding="utf-8",
    )
    res = pipeline.run([str(src)], target="salesforce")
    found = res.findings[res.findings["rule"] == "normalize.deal-without-account"]
    assert len(found) == 1
    assert "DISコーポレーション株式会社" in found["message"].iloc[0]


def test_several_end_users_in_one_cell_say_so(tmp_path):
    src = tmp_path / "d.csv"
    src.write_text(
        "ディストリビューター,エンドユーザー,案件概要,合計金額,ステータス\n"
        "DISコーポレーション株式会社,札幌運輸株式会社、旭川製麺株式会社,勤怠クラウド,2400000,提案中\n",
        encoding="utf-8",
    )
    res = pipeline.run([str(src)], target="salesforce")
    assert "normalize.company-several" in set(res.findings["rule"])
    assert list(res.export.files["Account.csv"]["Name"]) == ["札幌運輸株式会社"]
