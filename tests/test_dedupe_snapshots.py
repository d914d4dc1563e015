"""Deal snapshots across trackers: one deal seen at different times is one deal, look-alike
deals of one company stay apart, and survivorship never quietly rewrites what a team knows
(issue 13; the policy is docs/survivorship.md)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from test_dedupe_merge import _background
from test_dedupe_support import frame

from migrate.dedupe import DedupeResult, find_duplicates
from migrate.dedupe.survivorship import source_date

NICHITSU = {
    "company_name": "株式会社ニッチツ",
    "company_key": "ニッチツ",
    "phone": "+81352001234",
    "website_domain": "nitchitsu.co.jp",
}


def _row(**kw: Any) -> dict[str, Any]:
    return {**NICHITSU, "owner": "鈴木 美咲", **kw}


def _deal_ids(result: DedupeResult, n: int) -> list[str]:
    return result.records.loc[: n - 1, "deal_id"].tolist()


def _deal(result: DedupeResult, row: int = 0) -> pd.Series:
    deal_id = result.records.loc[row, "deal_id"]
    return result.deals.set_index("deal_id").loc[deal_id]


OLD = {"_file": "旧SFDC_商談レポート_20250930.xlsx", "_sheet": "商談レポート", "_order": 0}
COPY = {"_file": "kintone_案件管理_20251201.csv", "_sheet": "", "_order": 1000}
YOMI = {"_file": "第二営業部_ヨミ表_2026年1月.xlsx", "_sheet": "ヨミ表", "_order": 2000}

# (id, old CRM row, the team's later row): one deal, as two trackers write it
SNAPSHOTS = [
    pytest.param(
        _row(deal_name="ニッチツ_倉庫管理システム_新規導入", amount=10_000_000.0,
             close_date="2026-02-28", stage="opportunity", **OLD),
        _row(deal_name="倉庫管理システム新規導入", product="倉庫管理システム", amount=9_870_000.0,
             close_date="2026-03-31", stage="proposal", **YOMI),
        id="company-prefix-in-the-name,rounded-amount,later-close-date",
    ),
    pytest.param(
        _row(deal_name="【ニッチツ】倉庫管理システム新規導入", amount=9_870_000.0,
             close_date="2026-03-15", stage="proposal", **COPY),
        _row(deal_name="倉庫管理システム 新規導入", product="倉庫管理システム", amount=9_870_000.0,
             close_date="2026-03-31", stage="closing", **YOMI),
        id="bracketed-company,earlier-stage",
    ),
    pytest.param(
        _row(deal_name="ニッチツ_倉庫管理システム_新規導入", amount=10_000_000.0,
             close_date="2026-03-31", stage="proposal", **OLD),
        _row(deal_name="WMS 導入", product="倉庫管理システム", amount=10_000_000.0,
             close_date="2026-03-31", stage="closing", **YOMI),
        id="an-alias-of-the-name,the-product-it-names",
    ),
    # u26: a tracker's deal-type column (区分 更新 on both) does not keep a snapshot apart
    pytest.param(
        _row(deal_name="勤怠クラウド 更新", deal_type="renewal", amount=600_000.0,
             close_date="2026-03-31", stage="proposal", **OLD),
        _row(deal_name="勤怠クラウド 更新", deal_type="renewal", amount=600_000.0,
             close_date="2026-05-31", stage="closing", **YOMI),
        id="one-renewal-in-two-trackers,same-type,slipped-close-date",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new"), SNAPSHOTS)
def test_snapshots_of_one_deal_are_one_deal_with_the_latest_values(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    result = find_duplicates(frame([old, new, *_background()]))
    first, second = _deal_ids(result, 2)
    assert first == second
    deal = _deal(result)
    # the ヨミ表 of January 2026 is later than the report of September 2025 (the file names)
    assert deal["stage"] == new["stage"]
    assert deal["amount"] == new["amount"]
    assert deal["close_date"] == new["close_date"]
    # every snapshot stays in the crosswalk, with its own values
    assert result.records.loc[0, "_status"] == "merged"
    assert result.records.loc[0, "amount"] == old["amount"]


def _base(**kw: Any) -> dict[str, Any]:
    return _row(**{"deal_name": "倉庫管理システム 新規導入", "product": "倉庫管理システム", **kw})


# (id, two rows): two deals of one company that look alike
LOOK_ALIKES = [
    pytest.param(
        _base(amount=12_000_000.0, close_date="2025-03-31", stage="won", **OLD),
        _base(deal_name="倉庫管理システム 更新", amount=2_400_000.0, close_date="2026-03-31",
              stage="proposal", **YOMI),
        id="a-renewal-next-year",
    ),
    pytest.param(
        _base(deal_name="倉庫管理システム 新規導入(物流部)", amount=4_000_000.0,
              close_date="2026-03-31", stage="proposal", **YOMI, _row=5),
        _base(deal_name="倉庫管理システム 新規導入(経理部)", amount=2_500_000.0,
              close_date="2026-05-31", stage="opportunity", **YOMI, _row=6),
        id="one-product-for-two-departments",
    ),
    pytest.param(
        _base(amount=4_000_000.0, close_date="2026-03-31", stage="proposal", **YOMI, _row=5),
        _base(amount=1_500_000.0, close_date="2026-06-30", stage="proposal",
              owner="高橋 翔", **YOMI, _row=9),
        id="two-rows-of-one-sheet,other-amount-owner-date",
    ),
    pytest.param(
        _base(amount=4_000_000.0, close_date="2026-03-31", stage="proposal", **YOMI, _row=5),
        _base(amount=4_000_000.0, close_date="2026-03-31", stage="proposal",
              owner="高橋 翔", **YOMI, _row=9),
        id="two-rows-of-one-sheet,only-the-owner-differs",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b"), LOOK_ALIKES)
def test_look_alike_deals_of_one_company_stay_apart(a: dict[str, Any], b: dict[str, Any]) -> None:
    result = find_duplicates(frame([a, b, *_background()]))
    first, second = _deal_ids(result, 2)
    assert first != second
    assert result.records.loc[0, "company_id"] == result.records.loc[1, "company_id"]
    # at most a person is asked
    assert (result.pairs.loc[result.pairs["entity"] == "deals", "status"] != "merged").all()


# u26 (subscription and renewal trackers): one account's new deal and its yearly renewals, one
# row per contract year with the same name, amount and owner, as the trial's small trackers
# (no other deals beside them: the weights are the rules' priors)
def _year(name: str, close: str, stage: str, where: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return _row(deal_name=name, amount=600_000.0, close_date=close, stage=stage, **where, **kw)


CONTRACT_YEARS = [
    pytest.param(
        _year("Platform subscription", "2025-03-31", "won", OLD, deal_type="new"),
        _year("Platform subscription", "2026-03-31", "closing", YOMI, deal_type="renewal"),
        id="the-new-deal-and-its-renewal-by-the-type-column",
    ),
    pytest.param(
        _year("年間保守契約 更新", "2025-03-15", "won", OLD),
        _year("年間保守契約 更新", "2026-03-16", "won", YOMI),
        id="two-won-contract-years-in-two-trackers",
    ),
    pytest.param(
        _year("保守サービス 更新 2025", "2025-03-31", "proposal", OLD),
        _year("保守サービス 更新 2026", "2026-03-31", "proposal", YOMI),
        id="a-year-alone-in-the-name",
    ),
    pytest.param(
        _year("保守サービス 25年度", "2025-03-31", "proposal", OLD),
        _year("保守サービス 26年度", "2026-03-31", "proposal", YOMI),
        id="a-two-digit-fiscal-year",
    ),
]


@pytest.mark.parametrize(("a", "b"), CONTRACT_YEARS)
def test_contract_years_are_separate_deals(a: dict[str, Any], b: dict[str, Any]) -> None:
    result = find_duplicates(frame([a, b]))
    first, second = _deal_ids(result, 2)
    assert first != second


def test_a_renewal_ledger_of_one_sheet_keeps_each_contract_year() -> None:
    """u26's one_sheet_yearly.xlsx: rows of one sheet a year apart, no type column (the open
    2027 renewal merged into the won 2026 one: 'sheet' was outweighed by name, amount, owner)."""
    rows = [
        _year("勤怠クラウド", "2025-03-31", "won", YOMI, _row=2),
        _year("勤怠クラウド", "2026-03-31", "won", YOMI, _row=3),
        _year("勤怠クラウド", "2027-03-31", "closing", YOMI, _row=4),
    ]
    result = find_duplicates(frame(rows))
    assert len(set(_deal_ids(result, 3))) == 3


def test_one_renewal_typed_in_two_trackers_is_one_deal() -> None:
    """The negative: the same renewal (same type, close date slipped by weeks) in two trackers."""
    a = _year("勤怠クラウド 更新", "2026-03-31", "proposal", OLD, deal_type="renewal")
    b = _year("勤怠クラウド 更新", "2026-04-30", "closing", YOMI, deal_type="renewal")
    result = find_duplicates(frame([a, b]))
    first, second = _deal_ids(result, 2)
    assert first == second


def test_an_existing_business_deal_may_be_the_renewal_another_tracker_names() -> None:
    """'existing' (既存, HubSpot's existingbusiness) names no kind: beside 'renewal' it keeps
    nothing apart (a differing type that names kinds does)."""
    a = _year("勤怠クラウド 更新", "2026-03-31", "proposal", OLD, deal_type="existing")
    b = _year("勤怠クラウド 更新", "2026-04-30", "closing", YOMI, deal_type="renewal")
    result = find_duplicates(frame([a, b]))
    first, second = _deal_ids(result, 2)
    assert first == second


def test_a_row_pasted_twice_is_one_deal() -> None:
    row = _base(amount=4_000_000.0, close_date="2026-03-31", stage="proposal", **YOMI)
    result = find_duplicates(frame([{**row, "_row": 5}, {**row, "_row": 6}, *_background()]))
    first, second = _deal_ids(result, 2)
    assert first == second


# The hand-made tracker: a won deal (受注, ¥12M) in the team's sheet merged with an
# English row at Negotiation came out as Negotiation; the Japanese names were replaced by the
# English spellings of the other sheet.
EPSILON_JA = {
    "company_name": "株式会社エプシロン",
    "company_key": "エプシロン",
    "phone": "+81345556789",
    "email": "ichiro.tanaka@epsilon.co.jp",
    "contact_name": "田中 一郎",
    "contact_last_name": "田中",
    "contact_first_name": "一郎",
    "deal_name": "基幹システム刷新",
    "amount": 12_000_000.0,
    "close_date": "2025-12-15",
    "_file": "営業管理表.xlsx",
    "_sheet": "案件",
    "_order": 0,
}
EPSILON_EN = {
    "company_name": "Epsilon Corporation",
    "company_key": "epsilon",
    "phone": "+81345556789",
    "email": "ichiro.tanaka@epsilon.co.jp",
    "contact_name": "Tanaka, Ichiro",
    "contact_last_name": "Tanaka",
    "contact_first_name": "Ichiro",
    "deal_name": "Core system renewal",
    "amount": 12_000_000.0,
    "close_date": "2025-12-15",
    "_file": "west_pipeline.xlsx",
    "_sheet": "Pipeline",
    "_order": 1000,
}


@pytest.mark.parametrize(
    ("ja_stage", "en_stage", "en_updated", "kept", "rule"),
    [
        # the English row is later by its date: the won stage is kept all the same, with a warning
        pytest.param("won", "closing", "2026-01-10", "won", "dedupe.closed-stage-kept",
                     id="won-over-a-later-negotiation"),
        pytest.param("lost", "proposal", "2026-01-10", "lost", "dedupe.closed-stage-kept",
                     id="lost-over-a-later-proposal"),
        # no date says which is later: the stage further along the funnel, not the input order
        pytest.param("won", "closing", "", "won", None, id="won-over-an-undated-negotiation"),
        pytest.param("closing", "opportunity", "", "closing", None,
                     id="closing-over-an-undated-qualification"),
    ],
)  # fmt: skip
def test_survivorship_keeps_what_the_team_knows(
    ja_stage: str, en_stage: str, en_updated: str, kept: str, rule: str | None
) -> None:
    rows = [
        {**EPSILON_JA, "stage": ja_stage},
        {**EPSILON_EN, "stage": en_stage, "updated_at": en_updated},
    ]
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    deal = _deal(result)
    assert deal["stage"] == kept
    assert deal["amount"] == 12_000_000.0
    warned = result.findings[result.findings["rule"] == "dedupe.closed-stage-kept"]
    if rule is None:
        assert warned.empty
    else:
        assert warned["severity"].tolist() == ["warning"]
        assert f"'{en_stage}' here, '{kept}' kept" in warned["message"].iloc[0]
    # names keep the spelling most sources use (a tie: Japanese); the others are alternates
    company = result.companies.set_index("company_id").loc[result.records.loc[0, "company_id"]]
    assert company["company_name"] == "株式会社エプシロン"
    assert company["company_name_alternates"] == "Epsilon Corporation"
    contact = result.contacts.set_index("contact_id").loc[result.records.loc[0, "contact_id"]]
    assert contact["contact_name"] == "田中 一郎"
    assert contact["contact_name_alternates"] == "Tanaka, Ichiro"


def test_a_conflict_no_evidence_orders_is_a_finding_with_both_values() -> None:
    rows = [
        {**EPSILON_JA, "stage": "proposal", "amount": 12_000_000.0},
        {**EPSILON_JA, "stage": "proposal", "amount": 11_000_000.0, **{"_file": "copy.xlsx"}},
    ]
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    found = result.findings[result.findings["rule"] == "dedupe.unordered-conflict"]
    assert found["field"].tolist() == ["amount"]
    assert sorted([found["original"].iloc[0], found["value"].iloc[0]]) == ["11000000", "12000000"]


def test_an_update_date_orders_the_snapshots_without_a_finding() -> None:
    rows = [
        {**EPSILON_JA, "stage": "proposal", "amount": 12_000_000.0, "updated_at": "2025-11-01"},
        {**EPSILON_JA, "stage": "proposal", "amount": 11_000_000.0, "updated_at": "2025-10-01",
         "_file": "copy.xlsx"},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert _deal(result)["amount"] == 12_000_000.0
    assert (result.findings["rule"] != "dedupe.unordered-conflict").all()


def test_names_keep_the_script_the_settings_ask_for(tmp_path: Any) -> None:
    import shutil

    from migrate.rules import DEFAULT_RULES_DIR as RULES_DIR

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    path = rules / "dedupe.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("primary: auto", "primary: latin"),
        encoding="utf-8",
    )
    rows = [{**EPSILON_JA, "stage": "won"}, {**EPSILON_EN, "stage": "closing"}]
    result = find_duplicates(frame([*rows, *_background()]), rules_dir=rules)
    company = result.companies.set_index("company_id").loc[result.records.loc[0, "company_id"]]
    assert company["company_name"] == "Epsilon Corporation"
    assert company["company_name_alternates"] == "株式会社エプシロン"


@pytest.mark.parametrize(
    ("file", "sheet", "date"),
    [
        pytest.param("旧SFDC_商談レポート_20250930.xlsx", "", "2025-09-30", id="yyyymmdd"),
        pytest.param("us_team_pipeline_2026-01-15.csv", "", "2026-01-15", id="iso"),
        pytest.param("第二営業部_ヨミ表_2026年1月.xlsx", "", "2026-01-01", id="a-month"),
        pytest.param("上場銘柄一覧_2025年12月末.xlsx", "", "2025-12-31", id="a-month-end"),
        pytest.param("pipeline.xlsx", "2025.10.3", "2025-10-03", id="the-sheet-name"),
        pytest.param("east.xlsx", "案件", "", id="no-date"),
        pytest.param("FY2025_plan.xlsx", "", "", id="a-year-is-no-date"),
    ],
)
def test_the_date_a_file_or_sheet_name_says(file: str, sheet: str, date: str) -> None:
    assert source_date(file, sheet) == date


@pytest.mark.parametrize(
    ("sheet", "saved", "date"),
    [
        pytest.param("6月", "2026-12-06", "2026-06-01", id="a-month-sheet-of-this-year"),
        pytest.param(
            "12月分", "2026-03-10", "2025-12-01", id="a-month-after-the-save-is-last-year"
        ),
        pytest.param("Jun", "2026-07-02", "2026-06-01", id="an-english-month"),
        pytest.param("June", "", "", id="no-saved-day-no-year"),
        pytest.param("案件", "2026-07-02", "2026-07-02", id="no-month-the-saved-day"),
    ],
)
def test_a_month_sheet_without_its_year_takes_the_year_of_the_save(sheet, saved, date) -> None:
    """A workbook of month sheets 4月, 5月, 6月 (Apr, May, Jun): each is of its month, in the
    year that puts it last before the workbook was saved, so June's snapshot is newer than
    May's (before, all three were of the saved day and the stage order decided)."""
    from migrate.dedupe.survivorship import SAVED_COLUMN, sheet_dates

    rows = pd.DataFrame(
        {"_source_file": ["monthly.xlsx"], "_source_sheet": [sheet], SAVED_COLUMN: [saved]}
    )
    assert sheet_dates(rows).tolist() == [date]


def test_each_row_gets_its_own_sheets_date_when_sheets_interleave() -> None:
    """Each sheet's date is read once for all its rows; rows of sheets and files in any order
    (a sheet saved on two days counts twice) still get their own sheet's date."""
    from migrate.dedupe.survivorship import SAVED_COLUMN, sheet_dates

    rows = pd.DataFrame(
        {
            "_source_file": ["a.xlsx", "b_20250930.xlsx", "a.xlsx", "a.xlsx", "b_20250930.xlsx"],
            "_source_sheet": ["6月", "Sheet1", "案件", "6月", "Sheet1"],
            SAVED_COLUMN: ["2026-12-06", "2026-01-05", "2026-12-06", "2026-03-10", ""],
        }
    )
    assert sheet_dates(rows).tolist() == [
        "2026-06-01",
        "2025-09-30",
        "2026-12-06",
        "2025-06-01",
        "2025-09-30",
    ]
    assert sheet_dates(rows, named_only=True).tolist() == [
        "2026-06-01",
        "2025-09-30",
        "",
        "2025-06-01",
        "2025-09-30",
    ]


TYPO_BASE = {
    "phone": "+81612345678",
    "contact_name": "山田 太郎",
    "deal_name": "基幹システム更改",
    "amount": 4_800_000.0,
    "close_date": "2026-03-31",
}


@pytest.mark.parametrize(
    ("other", "same"),
    [
        pytest.param({}, True, id="phone-contact-deal-amount-date-agree"),
        pytest.param({"contact_name": "佐藤 花子", "deal_name": "保守契約", "amount": 300_000.0,
                      "close_date": "2025-06-30"}, False, id="only-the-phone-agrees"),
    ],
)  # fmt: skip
def test_a_company_name_one_character_off(other: dict[str, Any], same: bool) -> None:
    rows = [
        {**TYPO_BASE, "company_name": "株式会社浪速精機", "company_key": "浪速精機"},
        {**TYPO_BASE, **other, "company_name": "株式会社浪速精器", "company_key": "浪速精器",
         "_file": "west.xlsx"},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    ids = result.records.loc[:1, "company_id"]
    assert (ids.iloc[0] == ids.iloc[1]) is same
    if not same:  # the shared phone is worth a look, not a merge
        pairs = result.pairs[result.pairs["entity"] == "companies"]
        assert (pairs["status"] != "merged").all()


def test_a_row_counter_is_an_id_only_inside_its_sheet() -> None:
    # No. 14 of the ヨミ表 and レコード番号 14 of a kintone export are two different deals
    rows = [
        _row(record_id="14", deal_name="倉庫管理システム 新規導入", amount=4_000_000.0,
             close_date="2026-03-31", **YOMI),
        _row(record_id="14", deal_name="電子契約サービス 更新", amount=300_000.0,
             close_date="2025-08-31", owner="高橋 翔", **COPY),
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    first, second = _deal_ids(result, 2)
    assert first != second
    evidence = result.pairs.loc[result.pairs["entity"] == "deals", "evidence"]
    assert not evidence.str.contains("record_id exact").any()


# the same tracker saved a month apart, names without a date; an unknown stage word each
CURRENT = {
    "_file": "営業部 案件管理.xlsx",
    "_sheet": "案件一覧",
    "_order": 0,
    "_source_saved": "2025-10-15",
}
MONTH_AGO = {
    "_file": "営業部 案件管理_9月末時点.xlsx",
    "_sheet": "案件一覧",
    "_order": 1000,
    "_source_saved": "2025-09-30",
}


@pytest.mark.parametrize(
    ("current_stage", "older_stage"),
    [
        pytest.param("closing", "", id="older-stage-undecided"),
        pytest.param("closing", "closing", id="both-closing"),
        pytest.param("proposal", "closing", id="older-row-further-along"),
    ],
)
def test_the_workbook_saved_last_holds_the_current_values(
    current_stage: str, older_stage: str
) -> None:
    # the stage words of the older copy, decided or not, do not decide which copy is current
    rows = [
        {**EPSILON_JA, "stage": current_stage, "amount": 12_000_000.0, "probability": "80",
         **CURRENT},
        {**EPSILON_JA, "stage": older_stage, "amount": 10_000_000.0, "probability": "60",
         **MONTH_AGO},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    deal = _deal(result)
    assert (deal["amount"], deal["stage"]) == (12_000_000.0, current_stage)
    assert (result.findings["rule"] != "dedupe.unordered-conflict").all()
    conflict = result.findings[result.findings["rule"] == "dedupe.conflict"]
    assert conflict["file"].tolist() == ["営業部 案件管理_9月末時点.xlsx"]


def test_a_date_in_the_name_comes_before_the_date_the_file_was_saved() -> None:
    # last month's snapshot, opened and saved again after this month's tracker
    rows = [
        {**EPSILON_JA, "stage": "proposal", "amount": 12_000_000.0,
         "_file": "案件管理.xlsx", "_source_saved": "2025-10-15"},
        {**EPSILON_JA, "stage": "proposal", "amount": 10_000_000.0,
         "_file": "案件管理_20250930.xlsx", "_source_saved": "2025-10-20", "_order": 1000},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert _deal(result)["amount"] == 12_000_000.0


def test_a_conflict_names_the_row_the_kept_value_came_from() -> None:
    # the lead row is the deal's first row but has no amount: the amount comes from another row,
    # and which of the two amounts is later no evidence says
    rows = [
        {**EPSILON_JA, "stage": "proposal", "amount": 3_000_000.0, **MONTH_AGO,
         "_source_saved": ""},
        {**EPSILON_JA, "stage": "proposal", "amount": 3_500_000.0, **CURRENT,
         "_source_saved": ""},
        {**EPSILON_JA, "stage": "won", "amount": float("nan"), "deal_name": "",
         "_file": "展示会リード.csv", "_sheet": "", "_order": 2000},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    ids = _deal_ids(result, 3)
    assert ids[0] == ids[1] == ids[2]
    kept = _deal(result)["amount"]
    kept_row = 0 if kept == 3_000_000.0 else 1
    kept_at = result.records.loc[kept_row, ["_source_file", "_source_sheet", "_source_row"]]
    place = f"row {kept_at['_source_row']} of {kept_at['_source_file']}"
    if kept_at["_source_sheet"]:
        place += f" › {kept_at['_source_sheet']}"
    for rule in ("dedupe.conflict", "dedupe.unordered-conflict"):
        found = result.findings[result.findings["rule"] == rule]
        assert len(found) == 1, rule
        # the kept row as a person reads it, not the internal row key (file|sheet|row)
        assert f"kept from {place}" in found["message"].iloc[0], found["message"].iloc[0]
        assert "展示会リード" not in found["message"].iloc[0]


def test_a_conflict_of_amounts_names_their_currencies() -> None:
    rows = [
        {**EPSILON_JA, "stage": "proposal", "amount": 12_000_000.0, "currency": "JPY",
         **CURRENT},
        {**EPSILON_JA, "stage": "proposal", "amount": 25_000.0, "currency": "USD",
         "_file": "old_crm_export.csv", "_sheet": "", "_order": 2000},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    found = result.findings[result.findings["rule"] == "dedupe.conflict"]
    assert found["message"].str.contains("amount '25000 USD' here, '12000000 JPY' kept").all()
    assert len(found) == 1
    assert (found["original"].tolist(), found["value"].tolist()) == (["25000"], ["12000000"])


# An English export of the old CRM beside the team's Japanese sheet: the deal name is
# translated, not transliterated, so the names are not compared letter by letter; the kind of
# deal the names say (更新 / renewal), the words their readings share, the amount, the close
# date and the contact decide (docs/survivorship.md, "Which rows are one deal at all").
_EN_EXPORT = {"_file": "us_team_pipeline_2026-01-15.csv", "_sheet": "", "_order": 1500}
_YOMI_FEB = {"_file": "第二営業部_ヨミ表_2026年2月.xlsx", "_sheet": "ヨミ表", "_order": 2000}


def _ja(**kw: Any) -> dict[str, Any]:
    return {**{k: v for k, v in EPSILON_JA.items() if not k.startswith("_")}, **_YOMI_FEB, **kw}


def _en(**kw: Any) -> dict[str, Any]:
    return {**{k: v for k, v in EPSILON_EN.items() if not k.startswith("_")}, **_EN_EXPORT, **kw}


CROSS_SCRIPT = [
    pytest.param(
        _en(deal_name="Epsilon - Warehouse Management System (renewal)", amount=15_000_000.0,
            close_date="2026-02-28", stage="proposal"),
        _ja(deal_name="倉庫管理システム 更新", product="倉庫管理システム", amount=15_770_000.0,
            close_date="2026-03-31", stage="closing"),
        True, id="renewal-and-更新,rounded-amount,later-close-date",
    ),
    pytest.param(
        _en(deal_name="Epsilon - Security Assessment (add-on)", amount=1_450_000.0,
            close_date="2026-02-24", stage="opportunity"),
        _ja(deal_name="セキュリティ診断 追加ライセンス", product="セキュリティ診断", amount=1_600_000.0,
            close_date="2026-03-31", stage="proposal"),
        True, id="add-on-and-追加ライセンス,a-shared-loanword",
    ),
    pytest.param(
        _en(deal_name="Epsilon - Warehouse Management System (new)", amount=15_000_000.0,
            close_date="2026-02-28", stage="proposal"),
        _ja(deal_name="倉庫管理システム 更新", product="倉庫管理システム", amount=4_200_000.0,
            close_date="2026-09-30", stage="opportunity"),
        False, id="a-new-deal-is-not-next-year's-renewal",
    ),
    pytest.param(
        _ja(deal_name="エプシロン_年間保守契約_FY2025", amount=3_000_000.0, close_date="2025-09-30",
            stage="won", **OLD),
        _ja(deal_name="年間保守契約 2026年度", amount=3_100_000.0, close_date="2026-03-31",
            stage="closing"),
        False, id="a-yearly-contract-and-next-year's",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "same"), CROSS_SCRIPT)
def test_deals_of_two_scripts(a: dict[str, Any], b: dict[str, Any], same: bool) -> None:
    result = find_duplicates(frame([a, b, *_background()]))
    assert result.records.loc[0, "company_id"] == result.records.loc[1, "company_id"]
    first, second = _deal_ids(result, 2)
    assert (first == second) is same
    if same:  # the ヨミ表 of February 2026 is the latest snapshot: its values survive
        deal = _deal(result)
        assert (deal["stage"], deal["amount"]) == (b["stage"], b["amount"])


@pytest.mark.parametrize("closed", ["won", "lost"])
def test_a_deal_opened_after_the_other_closed_is_the_next_deal(closed: str) -> None:
    """A lookalike row written after the deal was won or lost (the same product proposed again,
    the next order) is a new deal, not an open snapshot that the closed stage overrides."""
    rows = [
        {**EPSILON_JA, "stage": closed, "close_date": "2025-03-31", "created_at": "2024-12-01"},
        {**EPSILON_EN, "stage": "proposal", "close_date": "2025-11-30",
         "created_at": "2025-07-01"},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] != result.records.loc[1, "deal_id"]
    assert _deal(result, 0)["stage"] == closed
    assert _deal(result, 1)["stage"] == "proposal"
    assert not (result.findings["rule"] == "dedupe.closed-stage-kept").any()


def test_a_snapshot_written_while_the_deal_was_open_is_still_one_deal() -> None:
    rows = [
        {**EPSILON_JA, "stage": "won", "close_date": "2025-03-31", "created_at": "2024-12-01"},
        {**EPSILON_EN, "stage": "closing", "updated_at": "2026-01-10",
         "created_at": "2024-12-01"},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    assert _deal(result)["stage"] == "won"


@pytest.mark.parametrize(
    ("sheet", "period"),
    [
        ("2024年度", ("2024-04-01", "2025-03-31")),
        ("2025年度上期", ("2025-04-01", "2025-09-30")),
        ("R7上期", ("2025-04-01", "2025-09-30")),
        ("令和7年度 下期", ("2025-10-01", "2026-03-31")),
        ("FY2025", ("2025-04-01", "2026-03-31")),
        ("FY25", ("2025-04-01", "2026-03-31")),
        ("2025年度実績", ("2025-04-01", "2026-03-31")),
        ("案件一覧", ("", "")),
        ("FY2026 Pipeline", ("", "")),  # a tracker of the year, not a period's sheet
    ],
)
def test_a_fiscal_year_sheet_name_is_its_period(sheet: str, period: tuple[str, str]) -> None:
    from migrate.dedupe.survivorship import fiscal_period

    assert fiscal_period(sheet) == period


def test_a_deal_lost_last_fiscal_year_and_listed_open_this_year_is_the_next_deal() -> None:
    """One sheet per fiscal year, no created dates: 2024年度 holds the deal lost in November
    2024, 2025年度 the same name at proposal. The 2025年度 row was listed in a period that began
    after the other deal was lost: the re-proposal, not a later snapshot of the lost deal."""
    base = {**EPSILON_JA, "_file": "年度別.xlsx", "amount": 8_000_000.0}
    rows = [
        {**base, "_sheet": "2024年度", "stage": "lost", "close_date": "2024-11-30"},
        {**base, "_sheet": "2025年度", "stage": "proposal", "close_date": "2025-10-31",
         "amount": 7_500_000.0, "_order": 1},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] != result.records.loc[1, "deal_id"]
    assert _deal(result, 1)["stage"] == "proposal"


def test_the_day_a_sheet_states_above_its_table_comes_before_its_saved_day() -> None:
    # the ヨミ表 says it is of 2025-09-10 (最終更新) but was opened and saved again in October;
    # the report beside it is of 2025-09-30: the report holds the current values
    rows = [
        {**EPSILON_JA, "stage": "proposal", "amount": 10_000_000.0,
         "_file": "ヨミ表.xlsx", "_source_saved": "2025-10-20", "_sheet_stated": "2025-09-10"},
        {**EPSILON_JA, "stage": "proposal", "amount": 12_000_000.0,
         "_file": "商談レポート.xlsx", "_source_saved": "2025-09-30", "_order": 1000},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert _deal(result)["amount"] == 12_000_000.0
    # without the statement the workbook saved last wins
    rows[0]["_sheet_stated"] = ""
    result = find_duplicates(frame([*rows, *_background()]))
    assert _deal(result)["amount"] == 10_000_000.0


# u22: an inside-sales handoff sheet (SQL, 初回商談日 read as the created date) beside the
# tracker's row of the same deal at 提案 without any date
IS_HANDOFF = {"_file": "IS引渡しシート.xlsx", "_sheet": "IS引渡し", "_order": 1000}


@pytest.mark.parametrize(
    ("is_stage", "is_dates", "kept", "kept_amount", "went_back"),
    [
        # the IS row is dated by its created day alone: the tracker's later stage survives
        pytest.param("sql", {"created_at": "2026-11-05"}, "proposal", 3_200_000.0, False,
                     id="sql-by-its-created-date-stays-behind"),
        pytest.param("mql", {"created_at": "2026-11-05"}, "proposal", 3_200_000.0, False,
                     id="mql-by-its-created-date-stays-behind"),
        # its own update date says it is newer: kept, and the step back is said
        pytest.param("sql", {"updated_at": "2026-11-20"}, "sql", 3_000_000.0, True,
                     id="sql-updated-later-is-kept-and-said"),
    ],
)  # fmt: skip
def test_a_lead_funnel_row_does_not_take_a_deal_back_on_its_created_date(
    is_stage: str, is_dates: dict[str, str], kept: str, kept_amount: float, went_back: bool
) -> None:
    rows = [
        {**EPSILON_JA, "stage": "proposal", "amount": 3_200_000.0, "close_date": "2027-03-31",
         "_source_saved": ""},
        {**EPSILON_JA, "deal_name": "", "stage": is_stage, "amount": 3_000_000.0,
         "close_date": "2027-03-31", **is_dates, **IS_HANDOFF},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    deal = _deal(result)
    assert (deal["stage"], deal["amount"]) == (kept, kept_amount)
    assert deal["deal_name"] == "基幹システム刷新"
    # the amount not kept is said either way, with both values
    assert (result.findings["rule"] == "dedupe.conflict").sum() == 1
    back = result.findings[result.findings["rule"] == "dedupe.stage-went-back"]
    assert (result.findings["rule"] != "dedupe.closed-stage-kept").all()
    if went_back:
        assert back["severity"].tolist() == ["warning"]
        assert (
            "stage 'proposal' here, 'sql' kept from row " in back["message"].iloc[0]
            and " of IS引渡しシート.xlsx" in back["message"].iloc[0]
        )
    else:
        assert back.empty


def test_a_lead_funnel_row_still_wins_where_the_deal_has_no_later_stage() -> None:
    # negative: with no row at a pipeline stage, the dated IS row is the newest as before
    rows = [
        {**EPSILON_JA, "stage": "", "amount": 3_200_000.0, "_source_saved": ""},
        {**EPSILON_JA, "deal_name": "", "stage": "sql", "amount": 3_000_000.0,
         "created_at": "2026-11-05", **IS_HANDOFF},
    ]  # fmt: skip
    result = find_duplicates(frame([*rows, *_background()]))
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    deal = _deal(result)
    assert (deal["stage"], deal["amount"]) == ("sql", 3_000_000.0)
    assert (result.findings["rule"] != "dedupe.stage-went-back").all()


def test_a_dated_snapshot_at_an_earlier_deal_stage_is_said_to_go_back() -> None:
    # two pipeline rows: the later by its update date wins (docs/survivorship.md), and the
    # step back from closing to proposal is a warning with both stages
    rows = [
        {**EPSILON_JA, "stage": "closing", "updated_at": "2025-10-01"},
        {**EPSILON_JA, "stage": "proposal", "updated_at": "2025-11-01", "_file": "copy.xlsx"},
    ]
    result = find_duplicates(frame([*rows, *_background()]))
    assert _deal(result)["stage"] == "proposal"
    back = result.findings[result.findings["rule"] == "dedupe.stage-went-back"]
    assert len(back) == 1
    assert (back["original"].iloc[0], back["value"].iloc[0]) == ("closing", "proposal")
