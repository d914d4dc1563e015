"""What people read about a pair (review sheet, dedupe.merged findings): enough to decide."""

from __future__ import annotations

from typing import Any

import pandas as pd
from test_dedupe_merge import _background
from test_dedupe_support import frame

from migrate.dedupe import find_duplicates

TOKYO = {
    "company_name": "東京トレーディング株式会社",
    "company_key": "東京トレーディング",
    "phone": "+81398765432",
    "website_domain": "tokyo-trading.jp",
}


def _rows() -> list[dict[str, Any]]:
    return [
        # the team's tracker: No. 2, a deal
        {**TOKYO, "record_id": "2", "deal_name": "物流倉庫WMS導入", "contact_name": "佐藤花子",
         "amount": 3_500_000.0, "currency": "JPY", "close_date": "2025-11-30", "stage": "closing",
         "_file": "営業部 案件管理.xlsx", "_sheet": "案件一覧", "_row": 7},
        # the fair's lead list: No. 1, a company, a person and a status, no deal name
        {**TOKYO, "record_id": "1", "contact_name": "佐藤 花子", "stage": "opportunity",
         "email": "hanako.sato@tokyo-trading.jp", "_file": "展示会リード_2025秋.csv", "_sheet": "",
         "_row": 2, "_order": 1000},
        # the old CRM: the same person by e-mail only
        {**TOKYO, "deal_name": "WMS rollout", "amount": 25_000.0, "currency": "USD",
         "email": "hanako.sato@tokyo-trading.jp", "stage": "closing",
         "_file": "old_crm_export.csv", "_sheet": "", "_row": 3, "_order": 2000},
    ]  # fmt: skip


# a person said the lead and the CRM row are the team's deal: the pairs are shown as decided
DECIDED = pd.DataFrame(
    {
        "left_key": ["deal:東京トレーディング|id:営業部 案件管理.xlsx|案件一覧#2"] * 2,
        "right_key": [
            "deal:東京トレーディング|id:展示会リード_2025秋.csv|#1",
            "deal:東京トレーディング|name:wmsrollout",
        ],
        "decision": ["same", "same"],
    }
)


def _pairs() -> tuple[pd.DataFrame, pd.DataFrame]:
    result = find_duplicates(frame([*_rows(), *_background()]), decisions=DECIDED)
    assert result.records.loc[0, "deal_id"] == result.records.loc[1, "deal_id"]
    return result.pairs, result.findings


def test_a_deal_without_a_name_is_shown_by_company_person_and_status() -> None:
    pairs, _ = _pairs()
    deals = pairs[pairs["entity"] == "deals"]
    lead = pd.concat(
        [
            deals.loc[deals["left_row"].str.startswith("展示会リード"), "left"],
            deals.loc[deals["right_row"].str.startswith("展示会リード"), "right"],
        ]
    )
    assert lead.tolist() == [
        "(no deal name) / 東京トレーディング株式会社 / 佐藤 花子 / opportunity"
    ]
    team = deals.loc[deals["left_row"].str.startswith("営業部"), "left"].iloc[0]
    assert team == (
        "物流倉庫WMS導入 / 東京トレーディング株式会社 / 佐藤花子 / closing / 3,500,000 JPY / 2025-11-30"
    )


def test_a_deal_label_names_the_currency_of_its_amount() -> None:
    pairs, _ = _pairs()
    shown = pd.concat([pairs["left"], pairs["right"]])
    assert shown.str.contains("25,000 USD", regex=False).any()
    assert shown.str.contains("3,500,000 JPY", regex=False).any()


def test_ids_of_different_sheets_are_no_evidence() -> None:
    pairs, findings = _pairs()
    evidence = pd.concat([pairs["evidence"], findings["message"]])
    assert not evidence.str.contains("record_id different").any()


def test_a_contact_merged_with_an_email_only_row_is_shown_with_a_name() -> None:
    _, findings = _pairs()
    merged = findings[(findings["rule"] == "dedupe.merged") & (findings["field"] == "contact_name")]
    assert len(merged)
    assert not merged["message"].str.contains("' <", regex=False).any()
    assert not merged["message"].str.contains("'' ", regex=False).any()


def test_a_review_pair_of_names_that_read_alike_says_so() -> None:
    """A company pair sent to review by a shared reading alone (Yamada Denki / ヤマダデンキ) had
    an empty evidence cell in review.xlsx: a person could not decide from it."""
    import numpy as np
    import pandas as pd

    from migrate.dedupe.explain import _reading_evidence

    frame = pd.DataFrame(
        {"reading_shared": [("l:yamadaelectric",), ("j:yamadaelectric",), ("j:other",)]}
    )
    a, b = np.array([0, 0]), np.array([1, 2])
    evidence = pd.Series(["", "domain exact (+5.1)"])
    out = _reading_evidence(frame, a, b, evidence, np.array(["review", "review"]))
    assert out.tolist() == ["the names read alike: 'yamadaelectric'", "domain exact (+5.1)"]
    kept = _reading_evidence(frame, a, b, pd.Series(["", ""]), np.array(["merged", "review"]))
    assert kept.tolist() == ["", ""]


def test_a_row_without_a_row_key_is_keyed_by_file_sheet_and_row() -> None:
    from migrate.dedupe.explain import row_info

    rows = pd.DataFrame(
        {
            "_source_file": ["a.xlsx", "b.csv", "c.xlsx"],
            "_source_sheet": ["S", "", "T"],
            "_source_row": [4, 7, 9],
            "_row_key": ["k1", "", "k3"],
        }
    )
    assert row_info(rows)["key"].tolist() == ["k1", "b.csv||7", "k3"]
    assert row_info(rows.drop(columns="_row_key"))["key"].tolist() == [
        "a.xlsx|S|4",
        "b.csv||7",
        "c.xlsx|T|9",
    ]


def test_the_lead_record_holds_the_surviving_row_not_the_smallest_key() -> None:
    """u21: a deal merged into another was left without a dedupe.merged finding when its key
    was the smallest of the cluster (the record the findings took as the one merged into),
    while the crosswalk said it merged into the most recent row. The lead record is the one
    holding the best ranked row, ties by position, as the crosswalk has it."""
    import numpy as np

    from migrate.dedupe.explain import lead_records

    record_of_row = np.array([0, 1, 2, 2, -1, 3])
    rank = np.array([5, 1, 3, 0, 2, 4])  # row 3 (record 2) is the best of D-1
    ids = np.array(["D-1", "D-1", "D-1", "D-2"], dtype=object)
    assert lead_records(record_of_row, rank, ids).tolist() == [False, False, True, True]
    tied = np.array([1, 1, 1, 1, 1, 1])  # a tie: the first row's record
    assert lead_records(record_of_row, tied, ids).tolist() == [True, False, False, True]


def test_a_lead_is_shown_by_company_person_and_status_without_no_deal_name() -> None:
    """A row of a lead list (no deal name, id, amount or close date) is labelled by its
    company, person and status; "(no deal name)" told a reviewer nothing (u22 item 11). A
    record with an id of its own keeps the marker (a deal whose name is missing)."""
    import numpy as np

    from migrate.dedupe.explain import _labels

    frame = pd.DataFrame(
        {"deal_name": ["", ""], "record_id": ["", "7"], "amount": [np.nan] * 2, "close_date": ""}
    )
    records = pd.DataFrame(
        {
            "deal_name": "",
            "company_name": ["東京", "東京"],
            "contact_name": ["佐藤 花子", "佐藤 花子"],
            "stage": ["lead", "opportunity"],
            "currency": "",
            "_stage_word": "",
        }
    )
    shown = _labels("deals", frame, np.array([0, 1]), records, np.array([0, 1])).tolist()
    assert shown == [
        "東京 / 佐藤 花子 / lead",
        "(no deal name) / id 7 / 東京 / 佐藤 花子 / opportunity",
    ]
