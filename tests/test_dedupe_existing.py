"""--existing: accounts already in the target SFA (an export with only Id and Name) are matched
on their exact legal name when it is unique on both sides; a name only similar, or one that
several companies share, goes to review; the counts say how many were matched, reviewed and
left alone (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_dedupe_merge import _background
from test_dedupe_support import frame

from migrate.dedupe import find_duplicates

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask) but in the module's
# sample run: matching existing accounts is this module's subject, not validation
pytestmark = pytest.mark.usefixtures("gx_by_mask")

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def sample_run():
    from migrate.pipeline import run

    files = sorted(str(p) for p in SAMPLE.iterdir() if p.suffix in (".xlsx", ".csv"))
    return files, run(files, out=None, target="generic", force=True)


def test_the_names_a_run_writes_are_matched_when_given_back_as_sfa_accounts(
    sample_run, tmp_path: Path
) -> None:
    files, first = sample_run
    from migrate.pipeline import run

    names = first.dedupe.companies["company_name"].astype(str)
    names = names[names != ""].drop_duplicates().sort_values().head(40)
    assert len(names) == 40
    accounts = tmp_path / "accounts.csv"
    pd.DataFrame({"Id": [f"001{i:015d}" for i in range(40)], "Name": names.to_numpy()}).to_csv(
        accounts, index=False
    )
    again = run(files, out=None, target="generic", force=True, existing={"accounts": accounts})
    counts = again.dedupe.existing["accounts"]
    # 大和興業株式会社 names two companies of sample_data (Tokyo and Osaka): a person decides
    shared = first.dedupe.companies["company_name"].value_counts()
    ambiguous = int((shared.reindex(names.to_numpy()) > 1).sum())
    assert counts == {"matched": 40 - ambiguous, "reviewed": ambiguous, "left_alone": 0}
    matched = again.dedupe.companies[again.dedupe.companies["existing_id"] != ""]
    assert len(matched) == 40 - ambiguous
    assert matched["existing_id"].is_unique
    by_id = dict(zip([f"001{i:015d}" for i in range(40)], names))
    assert all(by_id[i] == n for i, n in zip(matched["existing_id"], matched["company_name"]))


ACME = {"company_name": "株式会社アクメ商事", "company_key": "アクメ商事", "phone": "+81311112222"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("株式会社アクメ商事", {"matched": 1, "reviewed": 0, "left_alone": 0},
                     id="exact-legal-name"),
        pytest.param("株式会社 アクメ商事", {"matched": 1, "reviewed": 0, "left_alone": 0},
                     id="exact-but-for-a-space"),
        pytest.param("アクメ商事株式会社", {"matched": 0, "reviewed": 1, "left_alone": 0},
                     id="the-legal-form-after-the-name-is-only-similar"),
        pytest.param("株式会社ベータ物産", {"matched": 0, "reviewed": 0, "left_alone": 1},
                     id="another-company"),
    ],
)  # fmt: skip
def test_an_account_is_matched_reviewed_or_left_alone(name: str, expected: dict) -> None:
    accounts = pd.DataFrame({"Id": ["001A"], "Name": [name]})
    result = find_duplicates(frame([ACME, *_background()]), existing={"accounts": accounts})
    assert result.existing["accounts"] == expected
    company = result.companies.set_index("company_id").loc[result.records.loc[0, "company_id"]]
    assert (company["existing_id"] == "001A") == (expected["matched"] == 1)


def test_an_exact_name_two_accounts_share_goes_to_review() -> None:
    accounts = pd.DataFrame({"Id": ["001A", "001B"], "Name": ["株式会社アクメ商事"] * 2})
    result = find_duplicates(frame([ACME, *_background()]), existing={"accounts": accounts})
    assert result.existing["accounts"] == {"matched": 0, "reviewed": 2, "left_alone": 0}
    assert (result.companies["existing_id"] == "").all()


def test_without_an_export_there_are_no_counts() -> None:
    assert find_duplicates(frame([ACME, *_background()])).existing == {}


def test_a_matched_company_keeps_the_name_the_sfa_gives_it() -> None:
    """u19: a company matched to an SFA account took the trackers' spelling, so the update
    import renamed the account (株式会社 アクメ商事 in the SFA became 株式会社アクメ商事). The SFA's
    name is kept, the trackers' spelling joins the alternates, and the match's finding says so.
    An unmatched company keeps the trackers' name."""
    accounts = pd.DataFrame({"Id": ["001A"], "Name": ["株式会社 アクメ商事"]})
    result = find_duplicates(frame([ACME, *_background()]), existing={"accounts": accounts})
    company = result.companies.set_index("company_id").loc[result.records.loc[0, "company_id"]]
    assert company["existing_id"] == "001A"
    assert company["company_name"] == "株式会社 アクメ商事"
    assert "株式会社アクメ商事" in str(company.get("company_name_alternates", ""))
    said = result.findings[result.findings["rule"] == "dedupe.existing-match"]
    assert said["message"].str.contains("its name in the SFA '株式会社 アクメ商事' is kept").all()
    assert said["original"].tolist() == ["株式会社アクメ商事"]
    others = result.companies[result.companies["existing_id"] == ""]
    assert "株式会社 アクメ商事" not in set(others["company_name"])
