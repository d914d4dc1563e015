"""find_duplicates: the same company, contact and deal across trackers, merged, with reasons."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_dedupe_support import frame

from migrate.dedupe import DedupeResult, find_duplicates
from migrate.findings import FINDING_COLUMNS

YAMADA = {
    "company_name": "株式会社山田電気",
    "company_key": "山田電気",
    "phone": "+81312345678",
    "website_domain": "yamada-denki.co.jp",
}


def _background() -> list[dict[str, Any]]:
    """Unrelated customers, so the model has a population to learn from."""
    rows = []
    for i in range(40):
        rows.append(
            {
                "company_name": f"株式会社テスト{i:02d}商会",
                "company_key": f"テスト{i:02d}商会",
                "phone": f"+8163000{i:04d}",
                "email": f"sales{i}@test{i:02d}.co.jp",
                "contact_name": f"担当 {i}",
                "deal_name": f"案件{i}",
                "amount": 100000.0 + i,
                "_file": "others.xlsx",
                "_row": 100 + i,
            }
        )
    return rows


def _company_of(result: DedupeResult, key: str) -> set[str]:
    return set(result.records.loc[result.records["company_key"] == key, "company_id"])


def _same_company(result: DedupeResult, a: str, b: str) -> bool:
    ids_a, ids_b = _company_of(result, a), _company_of(result, b)
    assert len(ids_a) == 1 and len(ids_b) == 1
    return ids_a == ids_b


def test_result_follows_the_contract() -> None:
    records = frame(
        [
            {
                **YAMADA,
                "contact_name": "山田 太郎",
                "email": "taro@yamada-denki.co.jp",
                "deal_name": "基幹システム更改",
                "amount": 1.2e6,
            }
        ]
    )
    result = find_duplicates(records)
    assert list(result.records.columns[: len(records.columns)]) == list(records.columns)
    assert {"company_id", "contact_id", "deal_id", "_status", "_merged_into"} <= set(
        result.records.columns
    )
    assert result.records.loc[0, "company_id"].startswith("C-") and result.records.loc[
        0, "deal_id"
    ].startswith("D-")
    assert (
        result.records.loc[0, "_status"] == "exported"
        and result.records.loc[0, "_merged_into"] == ""
    )
    for ent, id_col in (
        (result.companies, "company_id"),
        (result.contacts, "contact_id"),
        (result.deals, "deal_id"),
    ):
        assert ent.columns[0] == id_col
        assert {"_row_keys", "_source_file", "_source_sheet", "_source_row"} <= set(ent.columns)
    assert {"company_id", "contact_id"} <= set(result.deals.columns)
    assert "company_id" in result.contacts.columns
    assert list(result.findings.columns) == FINDING_COLUMNS
    assert records.equals(
        frame(
            [
                {
                    **YAMADA,
                    "contact_name": "山田 太郎",
                    "email": "taro@yamada-denki.co.jp",
                    "deal_name": "基幹システム更改",
                    "amount": 1.2e6,
                }
            ]
        )
    )


def test_empty_input() -> None:
    result = find_duplicates(frame([]) if False else frame([{}]).iloc[:0])
    assert result.records.empty and result.companies.empty and result.deals.empty


# ----------------------------------------------------------------------------- companies


def test_legal_form_variants_share_a_key_and_are_one_company() -> None:
    rows = [
        {**YAMADA, "_row": 2},
        {
            "company_name": "株式会社山田電気",
            "company_key": "山田電気",
            "_file": "west.xlsx",
            "_row": 5,
        },
        {
            "company_name": "株式会社山田電気",
            "company_key": "山田電気",
            "_file": "crm.csv",
            "_sheet": "",
        },  # was (株)山田電気 / 山田電気
    ]
    result = find_duplicates(frame(rows + _background()))
    assert len(_company_of(result, "山田電気")) == 1


def test_katakana_spelling_merges_on_shared_phone_and_domain() -> None:
    rows = [
        {**YAMADA, "email": "taro@yamada-denki.co.jp"},
        # ﾔﾏﾀﾞ電気 after NFKC: the reading differs from the kanji, so the name alone cannot tell
        {
            "company_name": "ヤマダ電気",
            "company_key": "ヤマダ電気",
            "phone": "+81312345678",
            "email": "sato@yamada-denki.co.jp",
            "_file": "west.xlsx",
        },
    ]
    result = find_duplicates(frame(rows + _background()))
    assert _same_company(result, "山田電気", "ヤマダ電気")
    merged = result.findings[result.findings["rule"] == "dedupe.merged"]
    assert (
        merged["message"].str.contains("phone exact").any()
        and merged["message"].str.contains("domain exact").any()
    )


def test_kana_reading_alone_goes_to_review() -> None:
    # ヤマダデンキ is the reading of 山田電気 and of 山田電機 alike: a person decides
    rows = [
        {**YAMADA, "company_name_kana": "ヤマダデンキ", "phone": "", "website_domain": ""},
        {"company_name": "ﾔﾏﾀﾞﾃﾞﾝｷ", "company_key": "ヤマダデンキ", "_file": "west.xlsx"},
    ]
    result = find_duplicates(frame(rows + _background()))
    assert not _same_company(result, "山田電気", "ヤマダデンキ")
    review = result.review[result.review["entity"] == "companies"]
    assert review[["left_key", "right_key"]].values.tolist() == [
        ["company:ヤマダデンキ", "company:山田電気"]
    ]
    assert "reading exact" in review["evidence"].iloc[0]
    assert (result.findings["rule"] == "dedupe.probable-duplicate").sum() == 1


def test_kana_reading_and_phone_merge() -> None:
    rows = [
        {**YAMADA, "company_name_kana": "ヤマダデンキ", "website_domain": ""},
        {
            "company_name": "ﾔﾏﾀﾞﾃﾞﾝｷ",
            "company_key": "ヤマダデンキ",
            "phone": "+81312345678",
            "_file": "west.xlsx",
        },
    ]
    result = find_duplicates(frame(rows + _background()))
    assert _same_company(result, "山田電気", "ヤマダデンキ")


@pytest.mark.parametrize(
    ("a", "b", "phone"),
    [
        (
            ("大和物流", "大和物流株式会社"),
            ("大和ホールディングス", "株式会社大和ホールディングス"),
            "+81312340000",
        ),
        (("青山商会", "株式会社青山商会"), ("赤坂フーズ", "赤坂フーズ株式会社"), "+81120123456"),
    ],
    ids=["group-head-office", "shared-0120"],
)
def test_unlike_names_sharing_only_a_phone_go_to_review(a, b, phone) -> None:
    """u20: a group's companies at one head office (one 代表番号) and two clients of one call
    centre (0120) merged silently on the phone alone, their names alike in no way. A person
    decides (review.xlsx); with a shared domain they still merge."""
    rows = [
        {"company_key": a[0], "company_name": a[1], "phone": phone, "_file": "east.xlsx"},
        {"company_key": b[0], "company_name": b[1], "phone": phone, "_file": "west.xlsx"},
    ]
    result = find_duplicates(frame(rows + _background()))
    assert not _same_company(result, a[0], b[0])
    review = result.review[result.review["entity"] == "companies"]
    with_domain = [{**r, "website_domain": "example.co.jp"} for r in rows]
    if a[0][:2] == b[0][:2]:
        # u27: one group's companies (same start, other words) share a domain too: a shared
        # domain holds them at review instead of merging them
        assert review.empty or "same start" in review["evidence"].iloc[0]
        grouped = find_duplicates(frame(with_domain + _background()))
        assert not _same_company(grouped, a[0], b[0])
        held = grouped.review[grouped.review["entity"] == "companies"]
        assert len(held) == 1 and "same start" in held["evidence"].iloc[0]
        return
    assert (
        len(review) == 1 and "unlike (a person decides unless domain" in review["evidence"].iloc[0]
    )
    assert _same_company(find_duplicates(frame(with_domain + _background())), a[0], b[0])


def test_katakana_spelling_without_evidence_stays_apart() -> None:
    rows = [
        {**YAMADA},
        {"company_name": "ヤマダ電気", "company_key": "ヤマダ電気", "_file": "west.xlsx"},
    ]
    result = find_duplicates(frame(rows + _background()))
    assert not _same_company(result, "山田電気", "ヤマダ電気")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(
            ("山田電気", "株式会社山田電気"),
            ("山田電機", "山田電機株式会社"),
            id="denki-vs-denki-one-char",
        ),
        pytest.param(
            ("積水化学工業", "積水化学工業株式会社"),
            ("積水化成品工業", "積水化成品工業株式会社"),
            id="sekisui-kagaku-vs-kaseihin",
        ),
        pytest.param(
            ("acmelabs", "Acme Labs, Inc."),
            ("acmelogistics", "Acme Logistics"),
            id="acme-labs-vs-logistics",
        ),
    ],
)
def test_similar_names_of_different_companies_stay_apart(
    a: tuple[str, str], b: tuple[str, str]
) -> None:
    rows = [
        {
            "company_key": a[0],
            "company_name": a[1],
            "phone": "+81311110000",
            "address": "東京都港区1-1",
            "deal_name": "導入",
        },
        {"company_key": a[0], "company_name": a[1], "_file": "west.xlsx", "deal_name": "導入"},
        {
            "company_key": b[0],
            "company_name": b[1],
            "phone": "+81322220000",
            "address": "大阪府大阪市1-1",
            "deal_name": "導入",
        },
        {"company_key": b[0], "company_name": b[1], "_file": "west.xlsx", "deal_name": "導入"},
    ]
    result = find_duplicates(frame(rows + _background()))
    assert not _same_company(result, a[0], b[0])


def test_bridge_record_does_not_chain_two_companies() -> None:
    labs = {
        "company_key": "acmelabs",
        "company_name": "Acme Labs",
        "phone": "+81311110000",
        "website_domain": "acmelabs.com",
        "address": "東京都港区芝1-1",
    }
    logistics = {
        "company_key": "acmelogistics",
        "company_name": "Acme Logistics",
        "phone": "+81322220000",
        "website_domain": "acmelogistics.com",
        "address": "大阪府大阪市北区1-1",
    }
    # "Acme" was typed with the Labs phone number and the Logistics web site
    bridge = {
        "company_key": "acme",
        "company_name": "Acme",
        "phone": "+81311110000",
        "website_domain": "acmelogistics.com",
        "_file": "west.xlsx",
    }
    result = find_duplicates(
        frame(
            [
                labs,
                {**labs, "_file": "crm.csv"},
                logistics,
                {**logistics, "_file": "crm.csv"},
                bridge,
            ]
            + _background()
        )
    )
    assert not _same_company(result, "acmelabs", "acmelogistics")
    flagged = result.findings[result.findings["rule"] == "dedupe.weak-bridge"]
    assert len(flagged) >= 1
    assert (result.review["entity"] == "companies").any()


# ----------------------------------------------------------------------------- contacts


def test_japanese_and_romanised_names_link_through_a_shared_email() -> None:
    rows = [
        {
            **YAMADA,
            "contact_name": "山田 太郎",
            "contact_last_name": "山田",
            "contact_first_name": "太郎",
            "email": "t.yamada@yamada-denki.co.jp",
        },
        {
            **YAMADA,
            "contact_name": "Taro Yamada",
            "contact_last_name": "Yamada",
            "contact_first_name": "Taro",
            "email": "t.yamada@yamada-denki.co.jp",
            "_file": "crm.csv",
            "_sheet": "",
        },
        {
            **YAMADA,
            "contact_name": "山田 花子",
            "contact_last_name": "山田",
            "contact_first_name": "花子",
            "email": "h.yamada@yamada-denki.co.jp",
        },
    ]
    result = find_duplicates(frame(rows + _background()))
    ids = result.records["contact_id"].tolist()
    assert ids[0] == ids[1] != ids[2]
    contact = result.contacts.set_index("contact_id").loc[ids[0]]
    assert contact["company_id"] == result.records.loc[0, "company_id"]


def test_same_name_in_two_companies_is_two_contacts() -> None:
    other = {
        "company_name": "積水化学工業株式会社",
        "company_key": "積水化学工業",
        "phone": "+81611112222",
    }
    rows = [
        {**YAMADA, "contact_name": "佐藤 一郎", "contact_last_name": "佐藤"},
        {**other, "contact_name": "佐藤 一郎", "contact_last_name": "佐藤"},
    ]
    result = find_duplicates(frame(rows + _background()))
    assert result.records.loc[0, "contact_id"] != result.records.loc[1, "contact_id"]


def test_contact_name_typed_with_and_without_space_is_one_contact() -> None:
    rows = [
        {
            **YAMADA,
            "contact_name": "山田 太郎",
            "contact_last_name": "山田",
            "contact_first_name": "太郎",
        },
        {
            **YAMADA,
            "contact_name": "山田太郎",
            "contact_last_name": "山田",
            "contact_first_name": "太郎",
            "_file": "west.xlsx",
        },
    ]
    result = find_duplicates(frame(rows + _background()))
    assert result.records.loc[0, "contact_id"] == result.records.loc[1, "contact_id"]


# ----------------------------------------------------------------------------- deals


def _deal(**kw: Any) -> dict[str, Any]:
    return {
        **YAMADA,
        "deal_name": "基幹システム更改",
        "product": "クラウド",
        "amount": 1_200_000.0,
        "close_date": "2024-03-31",
        **kw,
    }


def test_same_deal_in_east_west_and_crm_export() -> None:
    rows = [
        _deal(record_id="E-001", stage="opportunity", updated_at="2024-01-10"),
        _deal(
            record_id="W-17",
            stage="proposal",
            amount=1_500_000.0,
            close_date="2024-04-30",
            updated_at="2024-02-01",
            _file="west.xlsx",
            _order=1000,
        ),
        _deal(
            record_id="006A0000012",
            stage="closing",
            updated_at="2024-03-01",
            _file="crm_export.csv",
            _sheet="",
            _order=2000,
        ),
    ]
    result = find_duplicates(frame(rows + _background()))
    assert result.records.loc[:2, "deal_id"].nunique() == 1
    deal = result.deals.set_index("deal_id").loc[result.records.loc[0, "deal_id"]]
    assert deal["stage"] == "closing"  # the stage of the most recent row
    assert deal["_source_file"] == "crm_export.csv"
    statuses = result.records.loc[:2, "_status"].tolist()
    assert statuses == ["merged", "merged", "exported"]
    assert result.records.loc[0, "_merged_into"] == "crm_export.csv||4"
    conflicts = result.findings[result.findings["rule"] == "dedupe.conflict"]
    assert conflicts[["file", "original", "value"]].values.tolist() == [
        ["west.xlsx", "1500000", "1200000"]
    ]


def test_two_ids_of_one_sheet_are_two_deals_unless_a_person_says_otherwise() -> None:
    other = _deal(
        record_id="E-002", deal_name="保守契約", amount=300_000.0, close_date="2024-09-30"
    )
    result = find_duplicates(frame([_deal(record_id="E-001"), other] + _background()))
    assert result.records.loc[0, "deal_id"] != result.records.loc[1, "deal_id"]
    # the same deal typed in again under a new number in one sheet: a team lists a deal once,
    # so two rows of one sheet are never merged quietly; everything else agrees: a person decides
    again = find_duplicates(
        frame([_deal(record_id="E-001"), _deal(record_id="E-002")] + _background())
    )
    assert again.records.loc[0, "deal_id"] != again.records.loc[1, "deal_id"]
    assert (again.pairs.loc[again.pairs["entity"] == "deals", "status"] != "merged").all()


# a Pipedrive deals export as a new user made it (Deal - ID 106 was deleted in Pipedrive)
PIPEDRIVE = """\
Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Organization,Deal - Contact person,Deal - Pipeline,Deal - Stage,Deal - Status,Deal - Expected close date,Deal - Won time,Deal - Lost time,Deal - Lost reason,Deal - Owner,Deal - Probability,Deal - Deal created,Deal - Weighted value,Person - Email
101,Mirai Tech deal,25000,USD,"MiraiTech Co., Ltd.",Taro Yamada,Enterprise,Negotiations Started,won,2026-10-31,2026-10-28 14:02:11,,,Emily Carter,,2026-05-02 09:00:00,25000,t.yamada@miraitech.co.jp
102,Mirai Tech deal,18000,USD,"MiraiTech Co., Ltd.",Taro Yamada,Enterprise,Proposal Made,open,2027-01-31,,,,Emily Carter,60,2026-11-01 09:00:00,10800,t.yamada@miraitech.co.jp
103,Blue Ocean expansion,"12,500.00",EUR,Blue Ocean LLC,John Smith,Enterprise,Proposal Made,lost,2026-09-30,,2026-09-15 10:00:00,Price too high,Emily Carter,,2026-04-01 09:00:00,0,john@blueocean.llc
104,Sakura Foods POS,"3,200,000",JPY,Sakura Foods,Ichiro Sakurai,SMB,Lead In,open,,,,,Kenji Sato,10,2026-11-25 09:00:00,320000,ichiro@sakura-foods.jp
105,Tokyo Solutions renewal,9800,USD,Tokyo Solutions Inc.,Ken Watanabe,SMB,Contact Made,open,12/15/2026,,,,Yuki Tanaka,20,2026-10-10 09:00:00,1960,ken.watanabe@tokyo-sol.co.jp
106,Tokyo Solutions renewal,9800,USD,Tokyo Solutions,Ken Watanabe,SMB,Demo Scheduled,deleted,2026-12-15,,,,Yuki Tanaka,,2026-10-09 09:00:00,,ken.watanabe@tokyo-sol.co.jp
107,JDXA membership,0,JPY,Japan DX Promotion Association,,SMB,Lead In,open,2027-03-31,,,,Kenji Sato,,2026-12-01 09:00:00,0,
108,Sompo claims PoC,"£40,000",GBP,Sompo Holdings,,Enterprise,Negotiations Started,lost,2026-08-30,,2026-08-29 18:00:00,Lost to competitor,Yuki Tanaka,,2026-02-02 09:00:00,,
"""


def test_a_default_title_names_no_deal(tmp_path) -> None:
    """Pipedrive titles a new deal '<organisation> deal': a won deal and the next one opened
    after the win share the title and their people, nothing else. The title is no evidence;
    they stay two deals (before, the equal names merged them: the open deal vanished into the
    won one with only a dedupe.closed-stage-kept warning)."""
    from migrate import pipeline

    path = tmp_path / "pipedrive_deals.csv"
    path.write_text(PIPEDRIVE, encoding="utf-8")
    result = pipeline.run([str(path)])
    deals = result.records.set_index("_source_row")["deal_id"]
    status = result.records.set_index("_source_row")["_status"]
    assert deals[2] != deals[3]
    assert status[2] != "merged" and status[3] != "merged"


def test_same_id_in_different_companies_is_a_coincidence() -> None:
    other = {
        "company_name": "積水化学工業株式会社",
        "company_key": "積水化学工業",
        "phone": "+81611112222",
        "website_domain": "sekisui.co.jp",  # not 山田電気's: another company
    }
    rows = [_deal(record_id="3"), {**_deal(record_id="3", _file="west.xlsx"), **other}]
    result = find_duplicates(frame(rows + _background()))
    assert result.records.loc[0, "deal_id"] != result.records.loc[1, "deal_id"]


def test_different_products_are_different_deals() -> None:
    rows = [_deal(product="クラウド"), _deal(product="オンプレミス", _file="west.xlsx")]
    result = find_duplicates(frame(rows + _background()))
    assert result.records.loc[0, "deal_id"] != result.records.loc[1, "deal_id"]


def test_row_pasted_twice_is_an_exact_duplicate() -> None:
    rows = [_deal(record_id="E-001", _row=2), _deal(record_id="E-001", _row=3)]
    result = find_duplicates(frame(rows + _background()))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    exact = result.findings[result.findings["rule"] == "dedupe.exact-duplicate"]
    # u23 item 6: the finding marks the later copy, the row to delete, and names the original as
    # a person reads it (not the internal file|sheet|row key)
    assert exact[["file", "row"]].values.tolist() == [["east.xlsx", 3]]
    sheet = result.records.loc[0, "_source_sheet"]
    where = f"row 2 of east.xlsx › {sheet}" if sheet else "row 2 of east.xlsx"
    assert exact["message"].tolist() == [f"same values as {where}; counted once"]
    assert "|" not in exact["message"].iloc[0]
    # which copy stands for the record is the recency order's (equal rows: it does not matter)
    assert result.records["_status"].tolist()[:2] == ["merged", "exported"]


def test_three_copies_name_the_first_and_mark_the_two_later() -> None:
    rows = [_deal(record_id="E-001", _row=r) for r in (5, 2, 9)]
    result = find_duplicates(frame(rows + _background()))
    exact = result.findings[result.findings["rule"] == "dedupe.exact-duplicate"]
    assert sorted(exact["row"]) == [2, 9]  # reading order: the row read first is the original
    assert set(exact["message"].str.extract(r"as row (\d+)")[0]) == {"5"}


def test_notes_are_concatenated() -> None:
    rows = [
        _deal(record_id="E-001", notes="初回訪問", updated_at="2024-01-01"),
        _deal(record_id="E-001", notes="見積提出", updated_at="2024-02-01", _file="west.xlsx"),
    ]
    result = find_duplicates(frame(rows + _background()))
    deal = result.deals.set_index("deal_id").loc[result.records.loc[0, "deal_id"]]
    assert deal["notes"] == "見積提出\n初回訪問"


# ----------------------------------------------------------------------------- existing SFA data


def test_existing_account_gives_its_id() -> None:
    existing = pd.DataFrame(
        {
            "Id": ["001A000001", "001A000002"],
            "Name": ["株式会社山田電気", "積水化学工業株式会社"],
            "Website": ["https://www.yamada-denki.co.jp/", ""],
            "Phone": ["03-1234-5678", "06-1111-2222"],
        }
    )
    result = find_duplicates(frame([{**YAMADA}] + _background()), existing={"accounts": existing})
    company = result.companies.set_index("company_id").loc[result.records.loc[0, "company_id"]]
    assert company["existing_id"] == "001A000001"
    assert (result.findings["rule"] == "dedupe.existing-match").sum() == 1
    assert len(result.companies) == 41  # the unmatched SFA account is not a new company


# ----------------------------------------------------------------------------- stable ids


def test_ids_do_not_depend_on_row_order_or_unrelated_rows() -> None:
    rows = [
        _deal(record_id="E-001", _row=2),
        {
            **_deal(record_id="W-9", _file="west.xlsx", _row=2),
            "contact_name": "山田 太郎",
            "email": "t@yamada-denki.co.jp",
        },
    ]
    base = find_duplicates(frame(rows + _background()))
    new = {
        "company_name": "新規商事",
        "company_key": "新規商事",
        "deal_name": "新規",
        "_file": "new.xlsx",
        "_row": 2,
    }
    more = find_duplicates(frame([new] + _background()[::-1] + rows))
    ids = ["company_id", "contact_id", "deal_id"]
    by_key = lambda r: r.records.set_index("_row_key")[ids]  # noqa: E731
    joined = by_key(base).merge(
        by_key(more), left_index=True, right_index=True, suffixes=("", "_more")
    )
    assert len(joined) == len(base.records)
    for c in ids:
        assert (joined[c] == joined[c + "_more"]).all(), c


def test_ids_are_deterministic() -> None:
    records = frame([_deal(record_id="E-001")] + _background())
    a, b = find_duplicates(records), find_duplicates(records)
    assert a.records[["company_id", "contact_id", "deal_id"]].equals(
        b.records[["company_id", "contact_id", "deal_id"]]
    )
    assert np.all(a.companies["company_id"].str.match(r"^C-[0-9a-f]{10}$"))


def test_records_keep_their_index() -> None:
    records = frame(
        [_deal(record_id="E-001"), _deal(record_id="E-001", _file="west.xlsx")] + _background()
    )
    records.index = records.index + 100
    result = find_duplicates(records)
    assert list(result.records.index) == list(records.index)
    assert result.records.loc[100, "deal_id"] == result.records.loc[101, "deal_id"]


def test_existing_contact_gives_its_id() -> None:
    rows = [{**YAMADA, "contact_name": "山田 太郎", "email": "T.Yamada@yamada-denki.co.jp".lower()}]
    existing = {
        "contacts": pd.DataFrame({"Id": ["003B000009"], "Email": ["t.yamada@yamada-denki.co.jp"]})
    }
    result = find_duplicates(frame(rows + _background()), existing=existing)
    contact = result.contacts.set_index("contact_id").loc[result.records.loc[0, "contact_id"]]
    assert contact["existing_id"] == "003B000009"


def test_two_unrelated_companies_with_one_name_stay_apart() -> None:
    tokyo = {
        "company_name": "大和興業株式会社",
        "company_key": "大和興業",
        "website_domain": "daiwa-kogyo.co.jp",
        "phone": "+81348131091",
    }
    osaka = {
        "company_name": "大和興業株式会社",
        "company_key": "大和興業",
        "website_domain": "daiwakogyo-osaka.co.jp",
        "phone": "+81668851495",
    }
    rows = [
        {**tokyo, "email": "d.takahashi@daiwa-kogyo.co.jp", "deal_name": "経費精算 導入"},
        {
            **tokyo,
            "website_domain": "",
            "email": "d.kondo@daiwa-kogyo.co.jp",
            "_file": "crm.csv",
            "_sheet": "",
        },
        {
            **osaka,
            "email": "a.sakamoto@daiwakogyo-osaka.co.jp",
            "deal_name": "経費精算 導入",
            "_file": "kansai.xlsx",
        },
        {**osaka, "phone": "", "email": "a.suzuki@daiwakogyo-osaka.co.jp", "_file": "kansai.xlsx"},
    ]
    result = find_duplicates(frame(rows + _background()))
    ids = result.records.loc[:3, "company_id"].tolist()
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    keys = set(result.companies.set_index("company_id").loc[[ids[0], ids[2]], "company_key"])
    assert keys == {"大和興業"}
    same_name = result.findings[result.findings["rule"] == "dedupe.same-name"]
    assert len(same_name) == 2 and same_name["message"].str.contains("names 2 companies").all()


def test_records_with_few_columns() -> None:
    # no company_key from a normaliser: a fallback key still removes the legal form
    records = pd.DataFrame(
        {
            "company_name": ["株式会社山田電気", "山田電気", "Acme"],
            "_source_file": ["a.csv"] * 3,
            "_source_sheet": [""] * 3,
            "_source_row": [2, 3, 4],
        }
    )
    result = find_duplicates(records)
    assert result.records["company_id"].tolist()[0] == result.records["company_id"].tolist()[1]
    assert result.contacts.empty and result.deals.empty
    # one of the two rows stands for the company (chosen by content, not by row number)
    merged = result.records["_merged_into"].tolist()
    assert sorted(merged[:2]) in (["", "a.csv||2"], ["", "a.csv||3"]) and merged[2] == ""


CARD_DEALS = """\
顧客名,案件名,担当者,メール,金額,ステータス,受注予定日,営業
株式会社ミライテック,保守 FY2025,山田 太郎,t.yamada@miraitech.co.jp,360000,受注,2025-04-01,佐藤
株式会社ミライテック,保守 FY2026,山田 太郎,t.yamada@miraitech.co.jp,400000,交渉,2026-04-01,佐藤
株式会社ミライテック,基幹システム刷新,鈴木 花子,h.suzuki@miraitech.co.jp,12000000,提案,2026-12-20,佐藤
さくら食品株式会社,POSリプレース,桜井 一郎,ichiro@sakura-foods.jp,3200000,提案,2027-01-31,田中
東京ソリューションズ株式会社,BIツール導入,渡邊 健,ken.watanabe@tokyo-sol.co.jp,8500000,見積提出,2026-01-31,田中
"""

CARDS = """\
会社名,部署名,役職,氏名,メール,電話番号
株式会社ミライテック,情報システム部,部長,山田 太郎,t.yamada@miraitech.co.jp,03-1234-5678
株式会社ミライテック,経営企画部,課長,鈴木 花子,h.suzuki@miraitech.co.jp,03-1234-5679
さくら食品株式会社,総務部,主任,桜井 一郎,ichiro@sakura-foods.jp,06-2345-6789
東京ソリューションズ株式会社,営業本部,本部長,渡邊 健,ken.watanabe@tokyo-sol.co.jp,03-9876-5432
"""


def test_a_business_card_is_no_deal_to_review_against_the_deals_of_its_company(tmp_path) -> None:
    """Business cards (company and person, no deal name, amount, date or id) beside the deals
    of the same people: 'is this card the same deal as 保守 FY2025?' is no question for a person
    (26 of 31 review pairs of a new user's run were such); the export makes each card the
    contact of its deal or a lead. Before: 5 such pairs here."""
    from migrate import pipeline

    (tmp_path / "deals.csv").write_text(CARD_DEALS, encoding="utf-8")
    (tmp_path / "cards.csv").write_text(CARDS, encoding="utf-8")
    result = pipeline.run([str(tmp_path)], target="salesforce")
    review = result.dedupe.review
    assert review.empty or not (review["entity"] == "deals").any()
    pairs = result.dedupe.pairs
    assert "review" not in set(pairs.loc[pairs["entity"] == "deals", "status"])
    assert len(result.export.files["Opportunity.csv"]) == 5


@pytest.mark.parametrize(
    ("group", "japan"),
    [
        ({"company_name": "Philips N.V.", "company_key": "philips"},
         {"company_name": "フィリップス・ジャパン", "company_key": "フィリップスジャパン"}),
        ({"company_name": "Microsoft Corporation", "company_key": "microsoft"},
         {"company_name": "日本マイクロソフト株式会社", "company_key": "日本マイクロソフト"}),
    ],
)  # fmt: skip
def test_a_foreign_group_and_its_japanese_company_go_to_review(
    group: dict[str, Any], japan: dict[str, Any]
) -> None:
    """フィリップス・ジャパン reads as Philips: a reading link alone merged them (and folded the
    group's EUR deal into the Japanese company's JPY one). Two legal entities: a person decides."""
    rows = [{**group, "_file": "eu.xlsx"}, {**japan, "_file": "tokyo.xlsx"}]
    result = find_duplicates(frame(rows + _background()))
    assert not _same_company(result, group["company_key"], japan["company_key"])
    review = result.review[result.review["entity"] == "companies"]
    assert len(review) == 1 and "japan_entity" in review["evidence"].iloc[0]


def test_japan_in_both_names_says_nothing_and_in_one_sends_the_pair_to_review() -> None:
    from migrate.dedupe import load_settings
    from migrate.dedupe.compare import levels, prepare

    comp = next(c for c in load_settings().companies.link.comparisons if c.name == "japan_entity")
    keys = ["nestlejapan", "ネスレ日本", "日本電気", "nec", "jr東日本", "eastjapanrailway", "日本ibm",
            "ibmjapan", "ibm"]  # fmt: skip
    prep = prepare(pd.DataFrame({"company_key": keys}), (comp,))

    def level(a: int, b: int) -> int:
        return int(levels(prep, np.array([a]), np.array([b]))[0, 0])

    # both say Japan, whatever the script and the place in the name: no evidence
    assert level(0, 1) < 0 and level(4, 5) < 0 and level(6, 7) < 0
    assert level(7, 8) == 0  # IBM Japan and IBM: a person decides
    assert level(2, 3) == 0  # 日本電気 and NEC too (an acronym is a review pair at most anyway)


def test_a_kana_only_name_and_the_kanji_name_it_reads_are_a_review_pair() -> None:
    """An ERP's 得意先名ｶﾅ (タナカブッサン) beside a team's 田中物産: the kanji name's reading is a
    guess, so the pair is reviewed (it merges only when something else agrees)."""
    rows = [
        {"company_name": "田中物産株式会社", "company_key": "田中物産", "_file": "tracker.xlsx"},
        {
            "company_name": "タナカブッサン株式会社",
            "company_key": "タナカブッサン",
            "_file": "erp.csv",
        },
    ]
    result = find_duplicates(frame(rows + _background()))
    assert not _same_company(result, "田中物産", "タナカブッサン")
    review = result.review[result.review["entity"] == "companies"]
    assert len(review) == 1
    assert {review["left_key"].iloc[0], review["right_key"].iloc[0]} == {
        "company:田中物産",
        "company:タナカブッサン",
    }


@pytest.mark.parametrize(
    ("kanji", "kana"),
    [
        ("山田製作所", "ヤマダセイサクショ"),
        ("鈴木工業", "スズキコウギョウ"),
        ("三菱重工業", "ミツビシジュウコウギョウ"),
    ],
)
def test_a_kanji_name_read_by_translation_meets_its_kana_by_its_sound(kanji, kana) -> None:
    """山田製作所 reads 'yamada manufacturing' (製作所 is translated), an ERP's kana
    ヤマダセイサクショ only sounds it: the plain sound of the kanji name pairs them, as medium
    evidence, a review pair like the other kana/kanji pairs."""
    rows = [
        {"company_name": f"株式会社{kanji}", "company_key": kanji, "_file": "tracker.xlsx"},
        {"company_name": f"株式会社{kana}", "company_key": kana, "_file": "erp.csv"},
    ]
    result = find_duplicates(frame(rows + _background()))
    assert not _same_company(result, kanji, kana)
    review = result.review[result.review["entity"] == "companies"]
    assert {*review["left_key"], *review["right_key"]} == {f"company:{kanji}", f"company:{kana}"}
    # another company's kana sounds otherwise: no pair
    other = {"company_name": "株式会社ヤマモトセイサクショ", "company_key": "ヤマモトセイサクショ"}
    result = find_duplicates(frame([rows[0], {**other, "_file": "erp.csv"}, *_background()]))
    assert result.review[result.review["entity"] == "companies"].empty


def test_a_name_of_katakana_and_kanji_meets_the_kanji_name_it_sounds_like() -> None:
    """u20: ヤマダ電工 and 山田電工 (one customer typed two ways on two monthly sheets) were
    never compared: a name holding kanji was only read against names of kana alone. A name of
    katakana and kanji is now read against the kanji names too, a review pair like the other
    kana/kanji pairs; a name that sounds otherwise makes none."""
    rows = [
        {"company_name": "山田電工株式会社", "company_key": "山田電工", "_file": "4月.xlsx"},
        {"company_name": "ヤマダ電工株式会社", "company_key": "ヤマダ電工", "_file": "5月.xlsx"},
    ]
    result = find_duplicates(frame(rows + _background()))
    review = result.review[result.review["entity"] == "companies"]
    assert {*review["left_key"], *review["right_key"]} == {"company:山田電工", "company:ヤマダ電工"}
    other = {
        "company_name": "ヤマモト電工株式会社",
        "company_key": "ヤマモト電工",
        "_file": "5月.xlsx",
    }
    result = find_duplicates(frame([rows[0], other, *_background()]))
    assert result.review[result.review["entity"] == "companies"].empty


def test_a_shared_customer_code_decides_a_kana_kanji_pair_and_nothing_else() -> None:
    """The same 取引先コード on 田中物産 and an ERP's タナカブッサン: the reading pair (a review
    alone) is one company; a code on two names the readings do not tie merges nothing."""
    tanaka = {"company_name": "田中物産株式会社", "company_key": "田中物産", "_file": "master.xlsx"}
    kana = {
        "company_name": "タナカブッサン株式会社",
        "company_key": "タナカブッサン",
        "_file": "erp.csv",
    }
    other = {
        "company_name": "タカハシシステム株式会社",
        "company_key": "タカハシシステム",
        "_file": "erp.csv",
    }
    code = {"company_code": "00127"}
    result = find_duplicates(frame([{**tanaka, **code}, {**kana, **code}, *_background()]))
    assert _same_company(result, "田中物産", "タナカブッサン")
    result = find_duplicates(frame([{**tanaka, **code}, {**other, **code}, *_background()]))
    assert not _same_company(result, "田中物産", "タカハシシステム")
    # a domain on both sides that differs: a person decides
    result = find_duplicates(
        frame(
            [
                {**tanaka, **code, "website_domain": "tanaka.co.jp"},
                {**kana, **code, "website_domain": "tanaka-bussan.jp"},
                *_background(),
            ]
        )
    )
    assert not _same_company(result, "田中物産", "タナカブッサン")


def test_deals_of_no_company_meet_by_their_name() -> None:
    """u20: a tracker with one sheet a month and no customer column listed each deal on both
    sheets; with no company to block on, every deal was exported twice. Deals of no company
    meet by their name, among themselves only; two names that differ stay two deals."""
    rows = [
        {"deal_name": "基幹システム更新", "amount": 1_200_000.0, "close_date": "2026-06-30",
         "_sheet": "4月", "_row": 2},
        {"deal_name": "基幹システム更新", "amount": 1_200_000.0, "close_date": "2026-06-30",
         "_sheet": "5月", "_row": 2},
        {"deal_name": "現場用タブレット", "amount": 600_000.0, "close_date": "2026-07-31",
         "_sheet": "5月", "_row": 3},
    ]  # fmt: skip
    result = find_duplicates(frame(rows + _background()))
    ids = result.records.set_index(["_source_sheet", "_source_row"])["deal_id"]
    assert ids[("4月", 2)] == ids[("5月", 2)] != ids[("5月", 3)]


def test_a_company_gets_the_mail_domain_of_its_own_people() -> None:
    """u19: HubSpot's companies.csv had no domain where the tracker had no website, though the
    company's people wrote from tanaka@sakura.co.jp; HubSpot deduplicates companies on their
    domain, so a re-import made them again. The most frequent company e-mail domain of a
    company's rows is its mail_domain; free mail says nothing, and a domain two companies
    share (a group's) is left out, or HubSpot would make them one."""
    import numpy as np

    from migrate.dedupe.merge import _mail_domains

    company = np.array(["C-1", "C-1", "C-1", "C-2", "C-3", "C-4", ""], dtype=object)
    work = pd.DataFrame(
        {
            "email_domain": [
                "sakura.co.jp", "SAKURA.co.jp", "gmail.com", "gmail.com", "group.co.jp",
                "group.co.jp", "other.co.jp",
            ]
        }
    )  # fmt: skip
    got = _mail_domains(company, work, frozenset({"gmail.com"}))
    assert got.to_dict() == {"C-1": "sakura.co.jp"}


@pytest.mark.parametrize(
    ("created", "merged"), [("2025-04-12", True), ("2025-06-30", False), ("", False)]
)
def test_a_deal_opened_the_same_day_in_two_trackers_is_one_deal(created, merged) -> None:
    """An old SFA's report and the US team's sheet name one deal in two languages, the second
    without an amount or a close date: the day it was opened, carried over (作成日 /
    engage_date), says it is one deal. Another day, or none, says nothing: a person decides."""
    ja = _deal(
        deal_name="セキュリティ診断 新規導入",
        product="",
        amount=700_000.0,
        close_date="2026-04-18",
        owner="高橋 翔",
        created_at="2025-04-12",
    )
    en = _deal(
        company_name="Yamada Denki Co., Ltd.",
        deal_name="Security Assessment (new)",
        product="",
        amount=None,
        close_date="",
        owner="David Lin",
        created_at=created,
        _file="us.csv",
        _sheet="",
        _order=1000,
    )
    result = find_duplicates(frame([ja, en] + _background()))
    assert result.records.loc[0, "company_id"] == result.records.loc[1, "company_id"]
    assert (result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]) is merged
    deals = result.pairs[result.pairs["entity"] == "deals"]
    assert deals["status"].tolist() == ["merged" if merged else "review"]


@pytest.mark.parametrize(
    ("older", "newer", "conflict"),
    [
        ("高橋 翔", "田中 由紀", True),  # two reps: which one owns the deal in the SFA?
        ("高橋", "高橋 翔", False),  # one rep, by surname and in full
        ("森 翔太", "Shota Mori", False),  # the West team writes the rep in romaji
        ("Emily Carter", "emily carter", False),
    ],
)
def test_a_merged_deal_with_two_owners_says_so(older, newer, conflict) -> None:
    rows = [
        _deal(record_id="E-001", owner=older, updated_at="2024-01-10"),
        _deal(
            record_id="W-17", owner=newer, updated_at="2024-02-01", _file="west.xlsx", _order=1000
        ),
    ]
    result = find_duplicates(frame(rows + _background()))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    found = result.findings[
        (result.findings["rule"] == "dedupe.conflict") & (result.findings["field"] == "owner")
    ]
    assert len(found) == int(conflict)
    if conflict:  # on the older row, the newer row's owner kept
        assert found[["file", "original", "value"]].values.tolist() == [["east.xlsx", older, newer]]


def test_deal_amount_texts_equal_formatting_each_amount() -> None:
    """A deal's amount as compared for 'listed twice' (two decimals, '' when missing), made
    once per distinct amount: the same texts as formatting each one, -0.0 and rounding too."""
    from migrate.dedupe.entities import _amount_texts

    amounts = np.array(
        [1200000.0, np.nan, -0.0, 0.0, 0.005, 0.015, 1e20, -12.345, 1200000.0, np.inf, np.nan]
    )
    expected = ["" if np.isnan(v) else f"{v:.2f}" for v in amounts.tolist()]
    assert _amount_texts(amounts).tolist() == expected
    assert _amount_texts(np.zeros(0)).tolist() == []
