"""The organisation's settings on the command line: --currency, --fiscal-year-start, --country.

A team outside Japan changes three words, not a copy of the rules: bare amounts and the import
files in its currency, Q3 and FY in its fiscal year, phone numbers of its country."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from migrate.bundle import load_rules_bundle
from migrate.cli import cli


@pytest.fixture
def us_tracker(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pipeline"
    ws.append(["Account", "Opportunity", "Contact", "Phone", "Stage", "Amount", "Close", "Updated"])
    ws.append(["Contoso Ltd.", "Analytics Suite", "Ana Ruiz", "(415) 555-0132", "Contract Sent",
               "12,500", "Q3 2026", "2026-06-18"])  # fmt: skip
    ws.append(["Fabrikam, Inc.", "Renewal FY27", "Lee Wong", "415-555-0199", "Closed Won",
               "48,000", "2026-05-30", "2026-06-20"])  # fmt: skip
    path = tmp_path / "us_pipeline.xlsx"
    wb.save(path)
    return path


def _run(tracker: Path, out: Path, *options: str) -> dict[str, dict[str, str]]:
    result = CliRunner().invoke(
        cli, ["run", str(tracker), "--target", "generic", "--out", str(out), "--quiet", *options]
    )
    assert result.exit_code in (0, 1), result.output
    with (out / "records.csv").open(encoding="utf-8-sig") as f:
        return {r["deal_name"]: r for r in csv.DictReader(f)}


def test_the_organisations_settings_reach_amounts_dates_phones_and_the_report(
    us_tracker: Path, tmp_path: Path
):
    given = _run(
        us_tracker,
        tmp_path / "us",
        *("--currency", "usd", "--fiscal-year-start", "1", "--country", "US"),
    )
    shipped = _run(us_tracker, tmp_path / "jp")
    # a bare amount is in the organisation's currency
    assert (given["Analytics Suite"]["amount"], given["Analytics Suite"]["currency"]) == (
        "12500",
        "USD",
    )
    assert shipped["Analytics Suite"]["currency"] == "JPY"
    # Q3 of a calendar fiscal year ends in September; of a Japanese one (April) in December
    assert given["Analytics Suite"]["close_date"] == "2026-09-30"
    assert shipped["Analytics Suite"]["close_date"] == "2026-12-31"
    # a number without +code is of the given country
    assert given["Analytics Suite"]["phone"] == "+14155550132"
    assert shipped["Analytics Suite"]["phone"] != "+14155550132"
    run = json.loads((tmp_path / "us" / "report.json").read_text("utf-8"))["context"]["run"]
    assert (run["currency"], run["fiscal_year_start_month"], run["country"]) == ("USD", 1, "US")
    shipped_run = json.loads((tmp_path / "jp" / "report.json").read_text("utf-8"))
    assert shipped_run["context"]["run"]["currency"] == "JPY"


def test_the_import_files_are_in_the_given_currency(us_tracker: Path, tmp_path: Path):
    out = tmp_path / "sf"
    result = CliRunner().invoke(
        cli,
        ["run", str(us_tracker), "--target", "salesforce", "--out", str(out), "--quiet"]
        + ["--currency", "USD"],
    )
    assert result.exit_code in (0, 1), result.output
    with (out / "Opportunity.csv").open(encoding="utf-8-sig") as f:
        amounts = sorted(r["Amount"] for r in csv.DictReader(f))
    assert amounts == ["12500", "48000"]  # the USD deal is no foreign amount
    rejects = (out / "rejects.csv").read_text("utf-8")
    assert "export.foreign-currency" not in rejects


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--currency", "dollars", "not a currency code"),
        ("--country", "USA", "not a country code"),
        ("--fiscal-year-start", "13", "13 is not in the range 1<=x<=12"),
    ],
)
def test_a_wrong_setting_is_refused_before_any_work(
    us_tracker: Path, tmp_path: Path, option: str, value: str, said: str
):
    result = CliRunner().invoke(
        cli, ["run", str(us_tracker), "--out", str(tmp_path / "o"), option, value]
    )
    assert result.exit_code == 2
    assert said in result.output
    assert not (tmp_path / "o").exists()


def test_without_settings_the_bundle_is_the_rule_files_own():
    rules = load_rules_bundle(None)
    assert rules.with_settings() is rules
    usd = rules.with_settings(currency="USD")
    assert usd.normalize.amounts.default_currency == "USD"
    assert usd.target("hubspot").output.currency == "USD"
    assert rules.normalize.amounts.default_currency == "JPY"  # the shipped bundle untouched


def test_the_weekly_check_takes_the_same_settings(us_tracker: Path, tmp_path: Path):
    from migrate.check import run_check

    checked = run_check(
        [str(us_tracker)],
        history=tmp_path / "history.sqlite",
        currency="USD",
        fiscal_year_start=1,
        country="US",
    )
    records = checked.result.records.set_index("deal_name")
    assert records.loc["Analytics Suite", "currency"] == "USD"
    assert records.loc["Analytics Suite", "close_date"] == "2026-09-30"
    run = checked.result.report["context"]["run"]
    assert (run["currency"], run["fiscal_year_start_month"], run["country"]) == ("USD", 1, "US")
    said = CliRunner().invoke(
        cli,
        ["check", str(us_tracker), "--out", str(tmp_path / "q"), "--currency", "usd"],
        obj={},
    )
    assert said.exit_code in (0, 1), said.output


def test_a_fiscal_quarter_s_finding_names_the_fiscal_year_it_was_read_in(
    us_tracker: Path, tmp_path: Path
):
    """--currency USD alone keeps the April fiscal year (a currency is no fiscal year: a
    Japanese company's US office, a UK team, an Indian one keep April): Q3 2026 is Dec 31, and
    the finding says which fiscal year it was read in and how to change it."""
    from migrate.catalogue import load_catalogue

    def quarter_finding(out: Path, *options: str) -> tuple[str, str]:
        records = _run(us_tracker, out, *options)
        with (out / "findings.csv").open(encoding="utf-8-sig") as f:
            (msg,) = [
                r["message"]
                for r in csv.DictReader(f)
                if r["rule"] == "normalize.approximate-date" and r["original"] == "Q3 2026"
            ]
        return records["Analytics Suite"]["close_date"], msg

    day, msg = quarter_finding(tmp_path / "usd", "--currency", "USD")
    assert day == "2026-12-31"
    assert "fiscal quarter, the fiscal year starting in month 4 (April)" in msg
    ja = load_catalogue().message("normalize.approximate-date", msg, "ja")
    assert "4月始まりの年度の四半期" in ja and "--fiscal-year-start" in ja
    day, msg = quarter_finding(tmp_path / "jan", "--currency", "USD", "--fiscal-year-start", "1")
    assert day == "2026-09-30"
    assert "the fiscal year starting in month 1 (January)" in msg


@pytest.mark.parametrize(
    ("country", "close"),
    [
        ("GB", "2027-02-03"),
        ("AU", "2027-02-03"),
        ("US", "2027-03-02"),
        ("JP", "2027-03-02"),
        (None, "2027-03-02"),
    ],
)
def test_the_country_decides_dates_nothing_else_decides(tmp_path: Path, country, close):
    """A UK tracker's 03/02/2027 is the 3rd of February; nothing in its column says so (no day
    above 12), so the organisation's country does; without --country, the rule files' order."""
    path = tmp_path / "uk.csv"
    path.write_text(
        "Account,Opportunity,Stage,Amount,Close Date\n"
        "Tesco PLC,Store analytics,Proposal,25000,03/02/2027\n"
        "Boots UK,Loyalty app,Discovery,12000,05/06/2027\n",
        encoding="utf-8",
    )
    options = ("--country", country) if country else ()
    deals = _run(path, tmp_path / "out", *options)
    assert deals["Store analytics"]["close_date"] == close
    order = load_rules_bundle(None).with_settings(country=country).normalize.dates.ambiguous_order
    assert order == ("day-first" if country in ("GB", "AU") else "month-first")
