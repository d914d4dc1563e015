"""Bad values end to end (issue 11, item 7): through the CLI, nothing invalid reaches an import
file, nothing is rounded, expanded or sign-flipped silently, and every such value is a finding
(and, where the target cannot hold it, a reject with its reason)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.cli import cli

TRACKER = """\
会社名,担当者,メール,商談名,金額,確度,フェーズ,受注予定日,電話
Alpha株式会社,山田 太郎,a@alpha.co.jp,Deal A,1e30,50%,提案,2026-03-01,03-1234-5678
Beta株式会社,佐藤 花子,b@beta.co.jp,Deal B,1000000000000000000000000000000,50%,提案,2026-03-01,03-1234-5679
Gamma株式会社,鈴木 一郎,c@gamma.co.jp,Deal C,"999,999,999,999,999,999,999",50%,提案,2026-03-01,03-1234-5670
Delta株式会社,田中 次郎,d@delta.co.jp,Deal D,100000,-5%,提案,2026-03-01,03-1234-5671
Eps株式会社,高橋 三郎,e@eps.co.jp,Deal E,100000,50%,提案,1/1/0001,03-1234-5672
Zeta株式会社,伊藤 四郎,f@zeta.co.jp,Deal F,100000,50%,提案,01/02/0003,03-1234-5673
Eta株式会社,"Smith-, John",g@eta.co.jp,Deal G,100000,50%,提案,2026-03-01,49295799766879523
"""


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("bad-values")
    src = base / "tracker.csv"
    src.write_text(TRACKER, encoding="utf-8")
    res = CliRunner().invoke(
        cli,
        ["run", str(src), "--out", str(base / "out"), "--target", "salesforce"],
        obj={},
        catch_exceptions=False,
    )
    assert res.exit_code == 1, res.output  # ran; rows were rejected
    return base / "out"


def _findings(out: Path, rule: str) -> list[dict[str, str]]:
    return [f for f in _read(out / "findings.csv") if f["rule"] == rule]


def test_amounts_the_target_cannot_hold_are_rejected_with_a_reason(out: Path) -> None:
    opportunities = {r["Name"]: r for r in _read(out / "Opportunity.csv")}
    assert not {"Deal A", "Deal B", "Deal C"} & set(opportunities)
    assert all(len(r["Amount"].split(".")[0].lstrip("-")) <= 16 for r in opportunities.values())
    rejects = [r for r in _read(out / "rejects.csv") if r["rule"] == "validate.too-many-digits"]
    assert sorted(r["source_rows"] for r in rejects) == ["tracker.csv||2", "tracker.csv||3"]
    for r in rejects:  # text 1e30 is read (not blanked), 31 digits exactly: both too big
        assert r["value"] == "1" + "0" * 30
        assert "number(18,2)" in r["reason"]


def test_an_amount_no_number_holds_is_rejected_not_rounded(out: Path) -> None:
    row = next(r for r in _read(out / "crosswalk.csv") if r["source_row"] == "4")
    assert row["status"] == "rejected"
    assert "normalize.amount-precision" in row["reason"]
    (finding,) = _findings(out, "normalize.amount-precision")
    assert (finding["row"], finding["original"], finding["severity"], finding["action"]) == (
        "4",
        "999,999,999,999,999,999,999",
        "error",
        "rejected",
    )
    records = {r["source_row"]: r for r in _read(out / "records.csv")}
    assert records["4"]["amount"] == ""  # never 1000000000000000000000


def test_a_negative_probability_is_out_of_range_not_5(out: Path) -> None:
    (finding,) = _findings(out, "normalize.probability-out-of-range")
    assert (finding["row"], finding["original"]) == ("5", "-5%")
    deal_d = next(r for r in _read(out / "Opportunity.csv") if r["Name"] == "Deal D")
    assert deal_d["Probability"] == ""


def test_four_digit_years_are_not_expanded(out: Path) -> None:
    found = {(f["row"], f["original"]) for f in _findings(out, "normalize.date-out-of-range")}
    assert found == {("6", "1/1/0001"), ("7", "01/02/0003")}
    dates = {r["close_date"] for r in _read(out / "records.csv")}
    assert not {"2001-01-01", "2003-01-02"} & dates


def test_person_name_and_phone_agree_with_the_export(out: Path) -> None:
    contact = next(r for r in _read(out / "Contact.csv") if r["Email"] == "g@eta.co.jp")
    assert (contact["LastName"], contact["FirstName"], contact["Phone"]) == ("Smith-", "John", "")
    (finding,) = _findings(out, "normalize.invalid-phone")
    assert finding["row"] == "8" and finding["action"] == "blanked"
    assert not [r for r in _read(out / "rejects.csv") if r["file"] == "Contact.csv"]
