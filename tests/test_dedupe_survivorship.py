"""Survivorship: which value a merged entity keeps, field by field."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from migrate.dedupe import load_settings
from migrate.dedupe.survivorship import _first_filled, primary_script, recency_rank, survive


def _rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stage": ["proposal", "closing", "opportunity", ""],
            "amount": [1_200_000.0, np.nan, 1_500_000.0, 900_000.0],
            "deal_name": ["基幹更改", "基幹システム更改", "基幹更改", "PC"],
            "notes": ["初回訪問", "見積提出", "初回訪問", ""],
            "owner": ["sato", "", "suzuki", "kato"],
            "updated_at": ["2024-02-01", "2024-03-01", "", "2024-01-01"],
            "_source_file": ["east.xlsx", "west.xlsx", "crm.csv", "east.xlsx"],
            "_source_order": [0, 1000, 2000, 0],
            "_source_row": [2, 5, 9, 3],
        }
    )


def _survive(strategies: dict[str, str], **kw: object):
    rules = dataclasses.replace(load_settings().deals, survivorship=tuple(strategies.items()), **kw)
    rows = _rows()
    ids = pd.Series(["D-1", "D-1", "D-1", "D-2"])
    return survive(
        rows, ids, ["stage", "amount", "deal_name", "notes", "owner"], rules, recency_rank(rows)
    )


def test_recency_rank_uses_updated_at_then_source_order() -> None:
    # 2024-03-01 (west), 2024-02-01 (east), 2024-01-01 (east row 3), no date (crm, later file)
    assert recency_rank(_rows()).tolist() == [1, 0, 3, 2]


def test_most_recent_value_that_exists() -> None:
    out = _survive({}).entities.loc["D-1"]
    assert out["stage"] == "closing"  # the stage of the most recent row
    assert out["amount"] == 1_200_000.0  # the most recent row has no amount: the next one's
    assert out["owner"] == "sato"


@pytest.mark.parametrize(
    ("strategy", "field", "expected"),
    [
        pytest.param("most_frequent", "deal_name", "基幹更改", id="most-frequent"),
        pytest.param("longest", "deal_name", "基幹システム更改", id="longest"),
        pytest.param(
            "concatenate", "notes", "見積提出\n初回訪問", id="concatenate-distinct-recent-first"
        ),
        pytest.param("most_complete", "owner", "sato", id="most-complete-row"),
        # the least recent row with a value (crm.csv, undated): a lead source's first touch
        pytest.param("earliest", "owner", "suzuki", id="earliest-first-touch"),
        pytest.param("earliest", "stage", "opportunity", id="earliest-not-the-latest"),
        # the largest number, not the most recent (1.2M): a lead score
        pytest.param("highest", "amount", 1_500_000.0, id="highest-number"),
    ],
)
def test_strategies(strategy: str, field: str, expected: str) -> None:
    assert _survive({field: strategy}).entities.loc["D-1", field] == expected


def test_source_priority() -> None:
    out = _survive({"owner": "source_priority"}, source_priority=("crm*.csv", "east.xlsx"))
    assert out.entities.loc["D-1", "owner"] == "suzuki"


def test_survivor_and_conflicts() -> None:
    result = _survive({})
    assert result.survivor.to_dict() == {"D-1": 1, "D-2": 3}
    c = result.conflicts
    assert c[["position", "field", "value", "kept", "kept_position"]].values.tolist() == [
        [2, "amount", 1_500_000.0, 1_200_000.0, 0],  # kept from row 0: row 1 has no amount
        [2, "owner", "suzuki", "sato", 0],  # two reps (rules/dedupe.yaml conflicts)
    ]


def test_rows_without_an_entity_are_left_out() -> None:
    rows = _rows()
    rules = load_settings().deals
    result = survive(rows, pd.Series(["D-1", "", "", "D-1"]), ["stage"], rules, recency_rank(rows))
    assert list(result.entities.index) == ["D-1"]


def test_a_row_without_updated_at_is_as_recent_as_its_sheet() -> None:
    """A tracker with no update column is as current as its newest row, not older than a CRM
    export from last year."""
    rows = pd.DataFrame(
        {
            "updated_at": ["2025-06-01", "", ""],
            "created_at": ["2025-01-01", "2026-02-01", "2025-03-01"],
            "_source_file": ["crm_2025.csv", "tracker.xlsx", "tracker.xlsx"],
            "_source_sheet": ["", "案件", "案件"],
            "_source_order": [0, 1000, 1000],
            "_source_row": [5, 3, 4],
        }
    )
    # both tracker rows count as 2026-02-01 (their sheet's latest date); the one created later
    # first (not the row further down: a re-sorted sheet must keep the same ranks)
    assert recency_rank(rows).tolist() == [2, 0, 1]


def test_display_name_prefers_kanji_or_latin_to_a_kana_reading() -> None:
    rules = dataclasses.replace(
        load_settings().companies, survivorship=(("company_name", "display_name"),)
    )
    rows = pd.DataFrame(
        {
            "company_name": ["株式会社サンキョウセイコウ"] * 2
            + ["株式会社三協精工", "Acme Corporation"],
            "_source_order": [0, 0, 1000, 0],
            "_source_row": [2, 3, 4, 5],
        }
    )
    ids = pd.Series(["C-1", "C-1", "C-1", "C-2"])
    out = survive(rows, ids, ["company_name"], rules, recency_rank(rows)).entities
    assert out.loc["C-1", "company_name"] == "株式会社三協精工"  # not a kana reading
    assert out.loc["C-2", "company_name"] == "Acme Corporation"


def test_an_amount_keeps_the_currency_of_its_row() -> None:
    """survivorship.together: the newest row has a currency (JPY default) but no amount; the
    amount and its currency both come from the USD row."""
    rules = dataclasses.replace(load_settings().deals, together=(("amount", "currency"),))
    rows = pd.DataFrame(
        {
            "amount": [np.nan, 27_500.0],
            "currency": ["JPY", "USD"],
            "updated_at": ["2026-03-01", "2026-01-01"],
            "_source_order": [0, 1000],
            "_source_row": [2, 3],
        }
    )
    ids = pd.Series(["D-1", "D-1"])
    out = survive(rows, ids, ["amount", "currency"], rules, recency_rank(rows)).entities
    assert out.loc["D-1", "amount"] == 27_500.0 and out.loc["D-1", "currency"] == "USD"
    plain = dataclasses.replace(rules, together=())
    out = survive(rows, ids, ["amount", "currency"], plain, recency_rank(rows)).entities
    assert out.loc["D-1", "currency"] == "JPY"  # what happened before: the pair came apart


def test_recency_ties_break_by_content_not_row_position() -> None:
    """Rows alike in date and sheet are ranked by their content: moving them around the sheet
    (other row numbers, another order in the frame) ranks them the same."""
    rows = pd.DataFrame(
        {
            "company_name": ["株式会社富士見電子", "富士見電子", "富士見電子", "Acme"],
            "updated_at": ["2025-06-01"] * 4,
            "_source_file": ["t.csv"] * 4,
            "_source_order": [0] * 4,
            "_source_row": [2, 3, 4, 5],
        }
    )
    rank = recency_rank(rows)
    shuffled = rows.iloc[[1, 3, 2, 0]].reset_index(drop=True).assign(_source_row=[2, 3, 4, 5])
    rank2 = recency_rank(shuffled)
    by_name = lambda f, r: sorted(zip(f["company_name"], r))  # noqa: E731
    # the same content gets the same places (the two equal rows share theirs)
    assert [n for n, _ in sorted(by_name(rows, rank), key=lambda x: x[1])] == [
        n for n, _ in sorted(by_name(shuffled, rank2), key=lambda x: x[1])
    ]
    rules = dataclasses.replace(
        load_settings().companies, survivorship=(("company_name", "most_recent"),)
    )
    ids = pd.Series(["C-1", "C-1", "C-1", "C-2"])
    kept = survive(rows, ids, ["company_name"], rules, rank).entities
    ids2 = pd.Series(["C-1", "C-2", "C-1", "C-1"])
    kept2 = survive(shuffled, ids2, ["company_name"], rules, rank2).entities
    assert kept.loc["C-1", "company_name"] == kept2.loc["C-1", "company_name"]


@pytest.mark.parametrize(
    ("later_file", "saved", "expected"),
    [
        # the ヨミ表 of 2026-01-20 is the later snapshot, though the row of the export of
        # 2026-01-15 was edited after the ヨミ表's row: its stage was not moved on since
        pytest.param("ヨミ表_20260120.xlsx", "", [1, 0], id="a-later-snapshot-by-its-name"),
        # a month's sheet saved on the 20th of that month holds the 20th's figures
        pytest.param("ヨミ表_2026年1月.xlsx", "2026-01-20T09:00:00", [1, 0],
                     id="a-month's-sheet-saved-that-month"),
        # without a saved date, January's sheet is of January 1st: the export is later
        pytest.param("ヨミ表_2026年1月.xlsx", "", [0, 1], id="a-month's-sheet-of-its-first-day"),
        # saved in March, it is still January's sheet (a date in the name comes first)
        pytest.param("ヨミ表_2026年1月.xlsx", "2026-03-02", [0, 1],
                     id="a-month's-sheet-saved-later-is-of-its-month"),
    ],
)  # fmt: skip
def test_a_snapshot_is_as_recent_as_the_day_it_was_taken(
    later_file: str, saved: str, expected: list[int]
) -> None:
    rows = pd.DataFrame(
        {
            "stage": ["proposal", "closing"],
            "updated_at": ["2026-01-06", "2025-12-14"],
            "_source_file": ["us_team_pipeline_2026-01-15.csv", later_file],
            "_source_sheet": ["", "ヨミ表"],
            "_source_saved": ["", saved],
            "_source_order": [0, 1000],
            "_source_row": [2, 5],
        }
    )
    assert recency_rank(rows).tolist() == expected


def test_rows_of_one_dated_sheet_keep_their_update_order() -> None:
    rows = pd.DataFrame(
        {
            "updated_at": ["2025-08-01", "2025-09-15"],
            "_source_file": ["商談レポート_20250930.xlsx"] * 2,
            "_source_sheet": ["レポート"] * 2,
            "_source_order": [0, 0],
            "_source_row": [2, 3],
        }
    )
    assert recency_rank(rows).tolist() == [1, 0]


def test_a_saved_day_alone_does_not_outdate_a_later_edit() -> None:
    """Opening an old workbook and saving it again changes its saved day, not its data."""
    rows = pd.DataFrame(
        {
            "updated_at": ["2025-09-07", "2025-10-31"],
            "_source_file": ["West_Sales_Pipeline_FY2026.xlsx", "旧CRM_エクスポート_2025.csv"],
            "_source_sheet": ["Pipeline", ""],
            "_source_saved": ["2026-01-12", ""],
            "_source_order": [0, 1000],
            "_source_row": [2, 5],
        }
    )
    assert recency_rank(rows).tolist() == [1, 0]


def test_a_merged_contact_keeps_the_company_address_over_a_free_mail_one() -> None:
    """u19: a person merged from a business-card list (tanaka@sakura.co.jp) and a later event
    list (tanaka.i@gmail.com) kept the gmail address, the most recent. The contacts' rules keep
    an address of the company's own domain first (work_email), its domain with it; a person
    known only by free mail keeps the most recent of those."""
    rows = pd.DataFrame(
        {
            "email": ["tanaka@sakura.co.jp", "tanaka.i@gmail.com", "a@yahoo.co.jp", "b@gmail.com"],
            "email_domain": ["sakura.co.jp", "gmail.com", "yahoo.co.jp", "gmail.com"],
            "updated_at": ["2024-01-01", "2024-06-01", "2024-01-01", "2024-06-01"],
            "_source_file": ["cards.xlsx", "event.xlsx", "cards.xlsx", "event.xlsx"],
            "_source_order": [0, 1000, 0, 1000],
            "_source_row": [2, 2, 3, 3],
        }
    )
    rules = load_settings().contacts
    assert rules.strategy("email") == "work_email" and "gmail.com" in rules.free_mail_domains
    ids = pd.Series(["P-1", "P-1", "P-2", "P-2"])
    out = survive(rows, ids, ["email", "email_domain"], rules, recency_rank(rows)).entities
    assert out.loc["P-1", "email"] == "tanaka@sakura.co.jp"
    assert out.loc["P-1", "email_domain"] == "sakura.co.jp"
    assert out.loc["P-2", "email"] == "b@gmail.com"  # free mail only: the most recent
    most_recent = dataclasses.replace(rules, survivorship=())
    out = survive(rows, ids, ["email"], most_recent, recency_rank(rows)).entities
    assert out.loc["P-1", "email"] == "tanaka.i@gmail.com"  # what it was before


def test_names_keep_the_script_most_files_write_them_in() -> None:
    """Each file votes with the script most of its names use (a name repeated on every row
    counts per row); a tie goes to Japanese."""
    rows = pd.DataFrame(
        {
            "company_name": [
                "Acme Corp.",
                "Acme Corp.",
                "山田商事",
                "株式会社ベータ",
                "",
                None,
                "Beta",
            ],
            "contact_name": ["", "", "", "", "Ken Sato", "佐藤 健", ""],
            "_source_file": ["a.xlsx", "a.xlsx", "a.xlsx", "b.xlsx", "b.xlsx", "c.xlsx", "c.xlsx"],
        }
    )
    # company names: a latin (2 of 3), b ja, c latin; contact names: b latin, c ja
    assert primary_script(rows, ("company_name", "contact_name")) == "latin"
    assert primary_script(rows, ("company_name",)) == "latin"
    assert primary_script(rows.iloc[2:], ("company_name",)) == "ja"  # a ja, b ja, c latin
    assert primary_script(rows, ("contact_name",)) == "ja"  # one each: a tie
    assert primary_script(rows, ("company_name",), "ja") == "ja"


def test_first_filled_equals_a_walk_of_each_group_in_order() -> None:
    """Each group's first value that is not empty (None, NaN, '') in the preferred order, and
    for the columns asked, the position in ``order`` it came from (len(order) when none)."""
    rng = np.random.default_rng(7)
    n = 60
    pool = np.array(["", None, np.nan, "a", "b", "株式会社", 3.5], dtype=object)
    columns = [pool[rng.integers(0, len(pool), n)] for _ in range(3)]
    groups_of_row = rng.integers(0, 9, n)
    order = np.lexsort((rng.permutation(n), groups_of_row))
    groups = groups_of_row[order]
    kept, rows, starts = _first_filled(columns, order, groups, rows_of=[1])
    heads = [int(g) for g in groups[starts]]
    assert heads == sorted(set(groups_of_row.tolist()))
    for j, values in enumerate(columns):
        for k, g in enumerate(heads):
            at = [i for i in range(n) if groups[i] == g]
            filled = [i for i in at if not pd.isna(values[order[i]]) and values[order[i]] != ""]
            assert kept[j][k] == (values[order[filled[0]]] if filled else "")
            if j == 1:
                assert rows[1][k] == (filled[0] if filled else n)
    assert set(rows) == {1}
    empty, none_rows, no_starts = _first_filled(
        [np.zeros(0, object)], np.zeros(0, np.int64), np.zeros(0, np.int64), rows_of=[0]
    )
    assert [len(empty[0]), len(none_rows[0]), len(no_starts)] == [0, 0, 0]
