"""A deal registration lists the partner's columns before the customer's: the partner's e-mail
is no contact's of the customer (different customers would merge on it)."""

from __future__ import annotations

from migrate import pipeline
from migrate.ingest import read_sources

REGISTRATIONS = """Partner,Partner Contact Email,Customer,Customer Contact,Customer Contact Email,Stage,Amount,Close Date
Nordic SI,sven@nordicsi.se,Volvo Cars,Anna Berg,anna.berg@volvocars.com,Proposal,85000,2026-12-15
Nordic SI,sven@nordicsi.se,Equinor ASA,Lars Jensen,lars.jensen@equinor.com,Proposal,42000,2026-12-20
Nordic SI,sven@nordicsi.se,Maersk A/S,Mette Holm,mette.holm@maersk.com,Negotiation,61000,2026-12-31
"""


def test_the_customers_email_is_read_and_customers_stay_apart(tmp_path):
    src = tmp_path / "registrations.csv"
    src.write_text(REGISTRATIONS, encoding="utf-8")
    table = read_sources([str(src)]).tables[0]
    [email] = [m for m in table.columns if m.field == "email"]
    assert email.header == "Customer Contact Email"
    assert [f.rule for f in table.findings].count("ingest.third-party-column") == 1
    res = pipeline.run([str(src)], target="salesforce", currency="USD")
    assert sorted(res.export.files["Account.csv"]["Name"]) == [
        "Equinor ASA",
        "Maersk A/S",
        "Volvo Cars",
    ]
    assert sorted(res.export.files["Contact.csv"]["Email"]) == [
        "anna.berg@volvocars.com",
        "lars.jensen@equinor.com",
        "mette.holm@maersk.com",
    ]


def test_a_partners_email_alone_is_no_customer_contacts(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text(
        "代理店,代理店担当者メール,顧客名,案件名,金額\n"
        "A販売,a@hanbai.jp,株式会社X,案件1,100\n"
        "A販売,a@hanbai.jp,株式会社Y,案件2,200\n",
        encoding="utf-8",
    )
    table = read_sources([str(src)]).tables[0]
    assert not [m for m in table.columns if m.field == "email"]
    assert [m.header for m in table.columns if m.field == "company_name"] == ["顧客名"]
