"""Target profiles and import files: Salesforce, HubSpot, generic; rejects, round trips,
formula injection, BOM and encodings. Built on small hand-made entity frames (docs/
architecture.md "After dedupe")."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.errors import RuleFileError
from migrate.export import (
    REJECTS_FILE,
    ExportResult,
    TargetProfile,
    build_import_files,
    load_target,
    write_import_files,
)
from migrate.export.write import write_csv
from migrate.rules import DEFAULT_RULES_DIR
from migrate.stages import StageModel, load_stage_model

TODAY = date(2024, 6, 1)
NAN = float("nan")


@pytest.fixture(scope="module")
def model() -> StageModel:
    return load_stage_model()


@pytest.fixture(scope="module")
def targets() -> dict[str, TargetProfile]:
    return {n: load_target(n) for n in ("salesforce", "hubspot", "generic")}


def _src(i: int) -> dict:
    return {
        "_row_keys": f"deals.xlsx|案件|{i}",
        "_source_file": "deals.xlsx",
        "_source_sheet": "案件",
        "_source_row": i,
    }


def company(cid: str, name: str, row: int, **kw) -> dict:
    return {
        "company_id": cid,
        "company_name": name,
        "website": "",
        "website_domain": "",
        "industry": "",
        "address": "",
        "postal_code": "",
        **_src(row),
        **kw,
    }


def contact(pid: str, cid: str, last: str, first: str, row: int, **kw) -> dict:
    return {
        "contact_id": pid,
        "company_id": cid,
        "contact_name": f"{last} {first}".strip(),
        "contact_last_name": last,
        "contact_first_name": first,
        "email": "",
        "phone": "",
        "mobile_phone": "",
        "contact_title": "",
        "department": "",
        **_src(row),
        **kw,
    }


def deal(did: str, cid: str, pid: str, stage: str, row: int, **kw) -> dict:
    return {
        "deal_id": did,
        "company_id": cid,
        "contact_id": pid,
        "deal_name": f"案件{did}",
        "stage": stage,
        "amount": 1000000.0,
        "currency": "JPY",
        "close_date": "2024-05-31",
        "probability": NAN,
        "owner": "",
        "lead_source": "",
        "product": "",
        "created_at": "",
        "updated_at": "",
        "next_action": "",
        "notes": "",
        "lost_reason": "",
        **_src(row),
        **kw,
    }


def entities(companies=(), contacts=(), deals=()) -> dict[str, pd.DataFrame]:
    cols = {
        "companies": list(company("", "", 0)),
        "contacts": list(contact("", "", "", "", 0)),
        "deals": list(deal("", "", "", "", 0)),
    }
    frames = {"companies": companies, "contacts": contacts, "deals": deals}
    return {k: pd.DataFrame(list(rows), columns=cols[k]) for k, rows in frames.items()}


def sample() -> dict[str, pd.DataFrame]:
    """Two customers with deals, a lead-only company, a converted lead, a lost deal."""
    return entities(
        companies=[
            company(
                "c1",
                "株式会社アルファ",
                2,
                website="https://alpha.co.jp",
                website_domain="alpha.co.jp",
                industry="製造",
            ),
            company("c2", "ベータ商事株式会社", 3),
            company("c3", "ガンマ合同会社", 5),  # only a lead
            company("c4", "デルタ株式会社", 7),  # no deals, no contacts
        ],
        contacts=[
            contact(
                "p1",
                "c1",
                "山田",
                "太郎",
                2,
                email="yamada@alpha.co.jp",
                phone="+81312345678",
                contact_title="部長",
            ),
            contact("p2", "c2", "佐藤", "花子", 3, email="sato@beta.jp"),
            contact("p3", "c3", "鈴木", "一郎", 5, email="suzuki@gamma.jp"),
            contact("p4", "c2", "田中", "", 6),
        ],
        deals=[
            deal(
                "d1",
                "c1",
                "p1",
                "won",
                2,
                amount=5000000.0,
                probability=100.0,
                owner="営業 一郎",
                product="基幹システム",
                notes="=SUM(A1)",
            ),
            deal(
                "d2",
                "c2",
                "p2",
                "proposal",
                3,
                amount=1234567.5,
                close_date="2024-07-31",
                owner="ops@example.com",
            ),
            deal("d3", "c2", "p2", "mql", 4, amount=NAN, close_date=""),  # converted lead
            deal("d4", "c3", "p3", "sql", 5, amount=NAN, close_date="", lead_source="展示会"),
            deal(
                "d5",
                "c2",
                "p4",
                "lost",
                6,
                amount=-5.0,
                close_date="2024-04-01",
                lost_reason="価格",
                probability=0.0,
            ),
        ],
    )


def build(target: TargetProfile, model: StageModel, ents=None, **kw) -> ExportResult:
    kw.setdefault("today", TODAY)
    return build_import_files(ents if ents is not None else sample(), target, model, **kw)


def rejects_of(result: ExportResult, file: str) -> dict[str, list[str]]:
    r = result.rejects[result.rejects["file"] == file]
    out: dict[str, list[str]] = {}
    for _, row in r.iterrows():
        out.setdefault(row["external_id"], []).append(row["rule"])
    return out


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


# ----------------------------------------------------------------------------- profiles


def test_shipped_profiles_load(targets: dict[str, TargetProfile]) -> None:
    sf = targets["salesforce"]
    assert [f.name for f in sf.files] == [
        "Account.csv",
        "Contact.csv",
        "Lead.csv",
        "Opportunity.csv",
        "OpportunityContactRole.csv",
    ]
    assert sf.output.bom == "never" and sf.external_id == "Migration_Id__c"
    assert sf.file("Contact.csv").column("Account.Migration_Id__c").parent == "Account.csv"
    assert dict(sf.maps["stage"])["proposal"] == "Proposal/Price Quote"
    assert [f.name for f in targets["hubspot"].files] == [
        "companies.csv",
        "contacts.csv",
        "deals.csv",
    ]
    assert targets["generic"].output.workbook == "import.xlsx"


def test_unknown_target_lists_the_available_ones() -> None:
    with pytest.raises(RuleFileError) as info:
        load_target("zoho")
    assert info.value.problems == [
        "no target profile 'zoho'; available targets: generic, hubspot, salesforce"
    ]


def _profile_problems(tmp_path: Path, edit) -> list[str]:
    doc = yaml.safe_load((DEFAULT_RULES_DIR / "targets" / "salesforce.yaml").read_text("utf-8"))
    edit(doc)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_target(str(path))
    return info.value.problems


def _opp(doc: dict) -> list[dict]:
    return next(f for f in doc["files"] if f["name"] == "Opportunity.csv")["columns"]


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            lambda d: d.update(colour="red"),
            "colour: unknown key; allowed: kind, version, name, description, output, external_id, "
            "person_stages, policies, maps, files",
        ),
        (
            lambda d: d["output"].update(bom="sometimes"),
            "output.bom: 'sometimes' is not allowed; allowed values: never, excel, always",
        ),
        (
            lambda d: d["output"].update(encoding="cp932", bom="excel"),
            "output.bom: 'excel' is not allowed with encoding cp932; allowed: never",
        ),
        (
            lambda d: d["output"].update(date_format="%d/%m/%Y %H"),
            "output.date_format: '%d/%m/%Y %H' is not allowed; use %Y, %m and %d with separators, "
            "e.g. '%Y-%m-%d'",
        ),
        (
            lambda d: d["policies"].update(missing_close_date="guess"),
            "policies.missing_close_date: 'guess' is not allowed; allowed values: reject, fill, keep",
        ),
        (
            lambda d: d.update(person_stages="people"),
            "person_stages: 'people' is not allowed; allowed values: leads, contacts, deals",
        ),
        (
            lambda d: _opp(d)[3].update(map="stages"),
            "files[3].columns[3].map: 'stages' is not allowed; allowed values: stage, lead_status",
        ),
        (
            lambda d: _opp(d)[5].update(type="money"),
            "files[3].columns[5].type: 'money' is not allowed; allowed values: id, text, number, "
            "date, email, phone, url, picklist, bool, owner",
        ),
        (
            lambda d: _opp(d)[1].update(parent="Accounts.csv"),
            "files[3].columns[1].parent: 'Accounts.csv' is not allowed; allowed values: Account.csv, "
            "Contact.csv, Lead.csv, Opportunity.csv, OpportunityContactRole.csv",
        ),
        (
            lambda d: _opp(d)[2].update(max_length=0),
            "files[3].columns[2].max_length: 0 is not a positive whole number",
        ),
        (
            lambda d: _opp(d)[2].update(min=1),
            "files[3].columns[2].min: only allowed with type: number (type is 'text')",
        ),
        (
            lambda d: _opp(d)[2].update(value="x"),
            "files[3].columns[2]: give exactly one of 'from' "
            "(source fields) or 'value' (a constant)",
        ),
        (
            lambda d: _opp(d)[2].update(colour="red"),
            "files[3].columns[2].colour: unknown key; "
            "allowed: name, from, value, type, required, unique, max_length, min, max, values, map, "
            "parent, truncate, fix, description",
        ),
        (
            lambda d: d.update(person_stages="contacts"),
            "files[2].records: 'leads' needs person_stages: leads (it is 'contacts')",
        ),
        (
            lambda d: d["files"][0].update(records="accounts"),
            "files[0].records: 'accounts' is not "
            "allowed; allowed values: companies, contacts, deals, leads, deal_contacts",
        ),
    ],
    ids=[
        "top-key",
        "bom",
        "cp932-bom",
        "date-format",
        "policy",
        "person-stages",
        "map",
        "type",
        "parent",
        "max-length",
        "min-on-text",
        "from-and-value",
        "column-key",
        "leads-file",
        "records",
    ],
)
def test_broken_profile_names_the_key_and_allowed_values(tmp_path: Path, edit, problem) -> None:
    assert _profile_problems(tmp_path, edit) == [problem]


def test_unknown_source_field_lists_the_fields_of_the_records(tmp_path: Path) -> None:
    problems = _profile_problems(tmp_path, lambda d: _opp(d)[2].update({"from": "deal_title"}))
    assert len(problems) == 1
    assert problems[0].startswith(
        "files[3].columns[2].from: 'deal_title' is not a field of "
        "these records; allowed: _stage_inferred, amount, close_date,"
    )
    assert "company.company_name" in problems[0] and "contact.email" in problems[0]


# ----------------------------------------------------------------------------- salesforce


@pytest.fixture(scope="module")
def sf(targets: dict[str, TargetProfile], model: StageModel) -> ExportResult:
    return build(targets["salesforce"], model, owners={"営業一郎": "ichiro@example.com"})


def test_salesforce_objects_and_links(sf: ExportResult) -> None:
    files = sf.files
    assert list(files["Account.csv"]["Migration_Id__c"]) == ["c1", "c2", "c4"]  # c3: lead only
    assert list(files["Contact.csv"]["Migration_Id__c"]) == ["p1", "p2", "p4"]  # p3: a lead
    assert list(files["Contact.csv"]["Account.Migration_Id__c"]) == ["c1", "c2", "c2"]
    lead = files["Lead.csv"].iloc[0].to_dict()
    assert lead["Migration_Id__c"] == "p3"
    assert (lead["LastName"], lead["FirstName"], lead["Company"]) == (
        "鈴木",
        "一郎",
        "ガンマ合同会社",
    )
    assert (lead["Status"], lead["LeadSource"], lead["Email"]) == (
        "Working - Contacted",
        "展示会",
        "suzuki@gamma.jp",
    )
    assert len(files["Lead.csv"]) == 1
    opp = files["Opportunity.csv"].set_index("Migration_Id__c")
    assert list(opp.index) == ["d1", "d2", "d5"]  # d3 (mql of a contact with a deal), d4 (lead)
    assert opp.loc["d1", "StageName"] == "Closed Won"
    assert opp.loc["d2", "StageName"] == "Proposal/Price Quote"
    assert opp.loc["d5", "StageName"] == "Closed Lost"
    assert opp.loc["d1", "Account.Migration_Id__c"] == "c1"
    ocr = files["OpportunityContactRole.csv"]
    assert ocr.to_dict("records") == [
        {"Opportunity.Migration_Id__c": "d1", "Contact.Migration_Id__c": "p1", "IsPrimary": "true"},
        {"Opportunity.Migration_Id__c": "d2", "Contact.Migration_Id__c": "p2", "IsPrimary": "true"},
        {"Opportunity.Migration_Id__c": "d5", "Contact.Migration_Id__c": "p4", "IsPrimary": "true"},
    ]
    assert sf.rejects.empty


def test_salesforce_values_are_plain(sf: ExportResult) -> None:
    opp = sf.files["Opportunity.csv"].set_index("Migration_Id__c")
    assert opp.loc["d1", "Amount"] == "5000000"
    assert opp.loc["d2", "Amount"] == "1234567.5"
    assert opp.loc["d5", "Amount"] == "-5"  # a number, not a formula
    assert opp.loc["d1", "CloseDate"] == "2024-05-31"
    assert opp.loc["d1", "Probability"] == "100"
    assert opp.loc["d1", "Owner.Email"] == "ichiro@example.com"  # mapped by name
    assert opp.loc["d2", "Owner.Email"] == "ops@example.com"  # already an e-mail
    assert sf.files["Contact.csv"].iloc[0]["Phone"] == "+81312345678"  # E.164 stays as is
    assert opp.loc["d1", "Description"] == "'=SUM(A1)"  # free text is neutralised


def test_salesforce_converted_lead_finding(sf: ExportResult) -> None:
    f = sf.findings[sf.findings["rule"] == "export.lead-converted"]
    assert list(f["row"]) == [4]
    assert f.iloc[0]["original"] == "mql" and f.iloc[0]["action"] == "skipped"


def test_salesforce_mql_status_is_configurable(
    tmp_path: Path, model: StageModel, targets: dict[str, TargetProfile]
) -> None:
    doc = yaml.safe_load(Path(targets["salesforce"].path).read_text("utf-8"))
    doc["maps"]["lead_status"]["mql"] = "MQL"
    path = tmp_path / "sf.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    ents = entities(
        companies=[company("c1", "会社", 2)],
        contacts=[contact("p1", "c1", "山田", "", 2)],
        deals=[deal("d1", "c1", "p1", "mql", 2)],
    )
    result = build(load_target(str(path)), model, ents)
    assert list(result.files["Lead.csv"]["Status"]) == ["MQL"]
    assert result.files["Account.csv"].empty and result.files["Contact.csv"].empty


def test_salesforce_deal_without_close_date_is_rejected_by_default(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[deal("d1", "c1", "", "closing", 2, close_date="")],
    )
    result = build(targets["salesforce"], model, ents)
    r = result.rejects.iloc[0]
    assert (r["file"], r["external_id"], r["rule"], r["column"]) == (
        "Opportunity.csv",
        "d1",
        "validate.required-missing",
        "CloseDate",
    )
    assert r["reason"] == "CloseDate is required but empty"
    assert "policies.missing_close_date: fill" in r["fix"]
    assert r["source_rows"] == "deals.xlsx|案件|2"
    assert result.files["Opportunity.csv"].empty
    finding = result.findings[result.findings["rule"] == "validate.required-missing"].iloc[0]
    assert (finding["severity"], finding["action"], finding["row"], finding["field"]) == (
        "error",
        "rejected",
        2,
        "close_date",
    )


def test_salesforce_close_date_fill_policy(
    tmp_path: Path, targets: dict[str, TargetProfile], model: StageModel
) -> None:
    doc = yaml.safe_load(Path(targets["salesforce"].path).read_text("utf-8"))
    doc["policies"]["missing_close_date"] = "fill"
    path = tmp_path / "sf.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[
            deal("d1", "c1", "", "closing", 2, close_date="", updated_at="2024-04-15"),
            deal("d2", "c1", "", "opportunity", 3, close_date=""),
        ],
    )
    result = build(load_target(str(path)), model, ents)
    assert result.rejects.empty
    assert list(result.files["Opportunity.csv"]["CloseDate"]) == ["2024-04-15", "2024-06-01"]
    f = result.findings[result.findings["rule"] == "export.close-date-filled"]
    assert list(f["value"]) == ["2024-04-15", "2024-06-01"]


def test_deal_without_name_gets_a_deterministic_generated_name(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    ents = entities(
        companies=[company("c1", "株式会社アルファ", 2)],
        deals=[
            deal("d1", "c1", "", "proposal", 2, deal_name="", product="CRM"),
            deal("d2", "c1", "", "proposal", 3, deal_name="", created_at="2024-01-10"),
        ],
    )
    result = build(targets["salesforce"], model, ents)
    assert list(result.files["Opportunity.csv"]["Name"]) == [
        "株式会社アルファ - CRM",
        "株式会社アルファ - 2024-01-10",
    ]
    f = result.findings[result.findings["rule"] == "export.deal-name-generated"]
    assert list(f["row"]) == [2, 3] and set(f["severity"]) == {"warning"}


def test_unmapped_owner_is_reported_once(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[deal(f"d{i}", "c1", "", "proposal", i + 2, owner="高橋") for i in range(3)],
    )
    result = build(targets["salesforce"], model, ents, owners={"佐藤": "sato@example.com"})
    f = result.findings[result.findings["rule"] == "export.owner-unmapped"]
    assert len(f) == 1 and f.iloc[0]["original"] == "高橋" and f.iloc[0]["row"] == 2
    assert set(result.files["Opportunity.csv"]["Owner.Email"]) == {""}


def test_without_an_owner_mapping_one_finding_names_the_owners(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[deal(f"d{i}", "c1", "", "proposal", i + 2, owner=f"担当{i % 2}") for i in range(4)],
    )
    result = build(targets["salesforce"], model, ents)
    f = result.findings[result.findings["rule"] == "export.owner-unmapped"]
    assert len(f) == 1 and f.iloc[0]["original"] == "担当0; 担当1"
    assert f.iloc[0]["message"].startswith(
        "no owner mapping was given, so 2 owner(s) (担当0, 担当1)"
    )


# one test per validation rule through the Salesforce profile: a bad record is rejected
REJECT_CASES = [
    (
        "opportunity-name-too-long",
        dict(deal_name="長" * 121),
        "Opportunity.csv",
        "d1",
        "validate.too-long",
        "Name is 121 characters long; the target allows at most 120",
    ),
    (
        "stage-missing",
        dict(stage=""),
        "Opportunity.csv",
        "d1",
        "validate.required-missing",
        "StageName is required but empty",
    ),
    (
        "stage-unmapped",
        dict(stage="negotiating"),
        "Opportunity.csv",
        "d1",
        "validate.not-in-picklist",
        "StageName 'negotiating' is not an allowed value (Qualification, "
        "Proposal/Price Quote, Negotiation/Review, Closed Won, Closed Lost)",
    ),
    (
        "bad-date",
        dict(close_date="2024-02-30"),
        "Opportunity.csv",
        "d1",
        "validate.bad-date",
        "CloseDate '2024-02-30' is not a valid date (%Y-%m-%d)",
    ),
    (
        "amount-not-a-number",
        dict(amount="1,000円"),
        "Opportunity.csv",
        "d1",
        "validate.bad-format",
        "Amount '1,000円' does not have the expected format",
    ),
    (
        "probability-out-of-range",
        dict(probability=150.0),
        "Opportunity.csv",
        "d1",
        "validate.out-of-range",
        "Probability 150 is outside 0..100",
    ),
]


@pytest.mark.parametrize(
    ("case", "change", "file", "external_id", "rule", "reason"),
    REJECT_CASES,
    ids=[c[0] for c in REJECT_CASES],
)
def test_bad_deal_is_rejected_with_the_right_reason(
    targets, model, case, change, file, external_id, rule, reason
) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        contacts=[contact("p1", "c1", "山田", "太郎", 2)],
        deals=[
            {**deal("d1", "c1", "p1", "proposal", 2), **change},
            deal("d2", "c1", "p1", "won", 3),
        ],
    )
    result = build(targets["salesforce"], model, ents)
    got = result.rejects[(result.rejects["file"] == file) & (result.rejects["rule"] == rule)]
    assert list(got["external_id"]) == [external_id]
    assert got.iloc[0]["reason"] == reason
    assert list(result.files["Opportunity.csv"]["Migration_Id__c"]) == ["d2"]
    # its contact role goes with it
    assert rejects_of(result, "OpportunityContactRole.csv") == {
        "d1/p1": ["validate.parent-rejected"]
    }


@pytest.mark.parametrize(
    ("change", "column", "rule"),
    [
        (dict(email="yamada@@alpha"), "Email", "validate.bad-format"),
        (dict(email="=cmd@x.jp"), "Email", "validate.bad-format"),
        (dict(phone="03-1234-5678"), "Phone", "validate.bad-format"),
        (dict(phone="+81=1+2"), "Phone", "validate.bad-format"),
        (dict(contact_title="部" * 129), "Title", "validate.too-long"),
        (dict(contact_last_name="", contact_name=""), "LastName", "validate.required-missing"),
    ],
    ids=["email", "email-formula", "phone-not-e164", "phone-formula", "title-length", "no-name"],
)
def test_bad_contact_is_rejected_with_its_children(targets, model, change, column, rule) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        contacts=[contact("p1", "c1", "山田", "太郎", 2, **change)],
        deals=[deal("d1", "c1", "p1", "won", 2)],
    )
    result = build(targets["salesforce"], model, ents)
    r = result.rejects[result.rejects["file"] == "Contact.csv"].iloc[0]
    assert (r["external_id"], r["column"], r["rule"]) == ("p1", column, rule)
    assert rejects_of(result, "OpportunityContactRole.csv") == {
        "d1/p1": ["validate.parent-rejected"]
    }
    assert list(result.files["Opportunity.csv"]["Migration_Id__c"]) == ["d1"]  # no link to p1


def test_rejected_account_takes_its_contacts_deals_and_roles(targets, model) -> None:
    ents = entities(
        companies=[company("c1", "", 2), company("c2", "ベータ", 3)],
        contacts=[contact("p1", "c1", "山田", "太郎", 2), contact("p2", "c2", "佐藤", "", 3)],
        deals=[deal("d1", "c1", "p1", "won", 2), deal("d2", "c2", "p2", "won", 3)],
    )
    result = build(targets["salesforce"], model, ents)
    assert rejects_of(result, "Account.csv") == {"c1": ["validate.required-missing"]}
    assert rejects_of(result, "Contact.csv") == {"p1": ["validate.parent-rejected"]}
    assert rejects_of(result, "Opportunity.csv") == {"d1": ["validate.parent-rejected"]}
    assert rejects_of(result, "OpportunityContactRole.csv") == {
        "d1/p1": ["validate.parent-rejected", "validate.parent-rejected"]
    }
    account = result.rejects[result.rejects["file"] == "Account.csv"].iloc[0]
    assert account["fix"] == "add the company name (会社名) to the source row"
    assert {name: len(frame) for name, frame in result.files.items()} == {
        "Account.csv": 1,
        "Contact.csv": 1,
        "Lead.csv": 0,
        "Opportunity.csv": 1,
        "OpportunityContactRole.csv": 1,
    }
    assert result.validation["Contact.csv"]["rejected"] == 1


def test_duplicate_external_ids_are_rejected(targets, model) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[deal("d1", "c1", "", "won", 2), deal("d1", "c1", "", "lost", 3)],
    )
    result = build(targets["salesforce"], model, ents)
    assert rejects_of(result, "Opportunity.csv") == {"d1": ["validate.duplicate-id"] * 2}
    assert result.files["Opportunity.csv"].empty


def test_lead_without_person_or_company_is_rejected(targets, model) -> None:
    ents = entities(deals=[deal("d1", "", "", "lead", 2)])
    result = build(targets["salesforce"], model, ents)
    assert rejects_of(result, "Lead.csv") == {
        "d1": ["validate.required-missing", "validate.required-missing"]
    }
    reasons = list(result.rejects["fix"])
    assert reasons[0].startswith("a Lead needs a person")


def test_stage_requirement_with_severity_error_rejects(tmp_path: Path, targets) -> None:
    doc = yaml.safe_load((DEFAULT_RULES_DIR / "stages.yaml").read_text("utf-8"))
    doc["requirements"][0]["severity"] = "error"  # stages.amount-missing
    shutil.copy(DEFAULT_RULES_DIR / "columns.yaml", tmp_path / "columns.yaml")
    (tmp_path / "stages.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    strict = load_stage_model(tmp_path)
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[
            deal("d1", "c1", "", "won", 2, amount=NAN),
            deal("d2", "c1", "", "opportunity", 3, amount=NAN),
        ],
    )
    result = build(targets["salesforce"], strict, ents)
    r = result.rejects.iloc[0]
    assert (r["external_id"], r["rule"], r["column"]) == ("d1", "stages.amount-missing", "Amount")
    assert r["reason"] == "Deals at proposal or later need an amount: Amount is empty"
    assert list(result.files["Opportunity.csv"]["Migration_Id__c"]) == ["d2"]
    # with the shipped model (warning) the same deal is only counted
    lenient = build(targets["salesforce"], load_stage_model(), ents)
    assert lenient.rejects.empty
    failures = lenient.validation["Opportunity.csv"]["failures"]
    assert {
        "expectation": "expect_column_values_to_not_be_null(Amount)",
        "rule": "stages.amount-missing",
        "action": "report",
        "rows": 1,
    } in failures


# ----------------------------------------------------------------------------- hubspot


@pytest.fixture(scope="module")
def hs(targets: dict[str, TargetProfile], model: StageModel) -> ExportResult:
    return build(targets["hubspot"], model, owners={"営業 一郎": "ichiro@example.com"})


def test_hubspot_files(hs: ExportResult) -> None:
    companies = hs.files["companies.csv"].set_index("migration_id")
    assert list(companies.index) == ["c1", "c2", "c3", "c4"]
    assert companies.loc["c1", "domain"] == "alpha.co.jp"
    assert dict(companies["lifecyclestage"]) == {
        "c1": "customer",
        "c2": "opportunity",
        "c3": "salesqualifiedlead",
        "c4": "",
    }
    contacts = hs.files["contacts.csv"].set_index("migration_id")
    assert dict(contacts["lifecyclestage"]) == {
        "p1": "customer",  # a won deal
        "p2": "opportunity",  # an open deal (its mql record is older news)
        "p3": "salesqualifiedlead",
        "p4": "opportunity",  # a lost deal: was an opportunity
    }
    assert dict(contacts["company_migration_id"]) == {
        "p1": "c1",
        "p2": "c2",
        "p3": "c3",
        "p4": "c2",
    }
    assert contacts.loc["p1", "company"] == "株式会社アルファ"
    deals = hs.files["deals.csv"].set_index("migration_id")
    assert list(deals.index) == ["d1", "d2", "d5"]  # person-level records are no deals
    assert dict(deals["dealstage"]) == {
        "d1": "closedwon",
        "d2": "presentationscheduled",
        "d5": "closedlost",
    }
    assert set(deals["pipeline"]) == {"default"}
    assert deals.loc["d2", "contact_migration_id"] == "p2"
    assert deals.loc["d1", "hubspot_owner_id"] == "ichiro@example.com"
    assert hs.rejects.empty


def test_hubspot_contact_needs_email_or_a_name(targets, model) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        contacts=[contact("p1", "c1", "", "", 2, contact_name="")],
        deals=[deal("d1", "c1", "p1", "opportunity", 2)],
    )
    result = build(targets["hubspot"], model, ents)
    r = result.rejects.iloc[0]
    assert (r["file"], r["external_id"], r["rule"]) == (
        "contacts.csv",
        "p1",
        "validate.required-any-missing",
    )
    assert rejects_of(result, "deals.csv") == {"d1": ["validate.parent-rejected"]}


def test_hubspot_opportunity_stage_is_configurable(tmp_path: Path, targets, model) -> None:
    doc = yaml.safe_load(Path(targets["hubspot"].path).read_text("utf-8"))
    doc["maps"]["dealstage"]["opportunity"] = "qualifiedtobuy"
    path = tmp_path / "hs.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    ents = entities(
        companies=[company("c1", "会社", 2)], deals=[deal("d1", "c1", "", "opportunity", 2)]
    )
    result = build(load_target(str(path)), model, ents)
    assert list(result.files["deals.csv"]["dealstage"]) == ["qualifiedtobuy"]


# ----------------------------------------------------------------------------- generic


@pytest.fixture(scope="module")
def gen(targets: dict[str, TargetProfile], model: StageModel) -> ExportResult:
    ents = sample()
    ents["deals"]["extra:社内メモ"] = ["a", "", "+1 call", "", ""]
    ents["companies"]["extra:規模"] = ["大", "", "", "小"]
    return build(targets["generic"], model, ents)


def test_generic_keeps_every_record_and_extra_columns(gen: ExportResult) -> None:
    deals = gen.files["deals.csv"]
    assert list(deals["deal_id"]) == ["d1", "d2", "d3", "d4", "d5"]
    assert list(deals["stage"]) == ["won", "proposal", "mql", "sql", "lost"]
    assert list(deals.columns[-1:]) == ["extra:社内メモ"]
    assert list(deals["extra:社内メモ"]) == ["a", "", "'+1 call", "", ""]  # text: neutralised
    assert "extra:規模" in gen.files["companies.csv"].columns
    assert gen.rejects.empty


# ----------------------------------------------------------------------------- writing


@pytest.mark.parametrize("name", ["salesforce", "hubspot", "generic"])
def test_round_trip_with_the_csv_module(tmp_path: Path, name: str, targets, model) -> None:
    target = targets[name]
    result = build(target, model, owners={"営業 一郎": "ichiro@example.com"})
    paths = write_import_files(result, tmp_path, target)
    assert [p.name for p in paths][: len(result.files)] == [f.name for f in target.files]
    assert tmp_path / REJECTS_FILE in paths
    rows = {p.name: read_csv(p) for p in paths if p.suffix == ".csv"}
    for spec in target.files:
        frame = result.files[spec.name]
        got = rows[spec.name]
        assert len(got) == len(frame), spec.name
        with (tmp_path / spec.name).open(encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh)) == list(frame.columns)
        for col in spec.columns:
            values = [r[col.name] for r in got if r[col.name]]
            if col.type == "date":
                assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", x) for x in values), col.name
            if col.type == "number":
                assert all(re.fullmatch(r"-?\d+(\.\d+)?", x) for x in values), col.name
            if col.parent:  # every child's parent id exists in the parent file
                parent = target.file(col.parent)
                ids = {r[parent.id] for r in rows[col.parent]}
                assert set(values) <= ids, (spec.name, col.name)
        assert [r for r in got] == frame.to_dict("records")


def test_line_endings_and_quoting(tmp_path: Path, targets, model) -> None:
    ents = entities(
        companies=[company("c1", 'Acme, "The" Co.', 2)],
        deals=[deal("d1", "c1", "", "won", 2, notes="一行目\n二行目")],
    )
    result = build(targets["salesforce"], model, ents)
    write_import_files(result, tmp_path / "sf", targets["salesforce"])
    data = (tmp_path / "sf" / "Account.csv").read_bytes()
    assert b"\r\n" not in data
    assert b'c1,"Acme, ""The"" Co.",' in data
    opp = (tmp_path / "sf" / "Opportunity.csv").read_text(encoding="utf-8")
    assert '"一行目\n二行目"' in opp
    hs = build(targets["hubspot"], model, ents)
    write_import_files(hs, tmp_path / "hs", targets["hubspot"])
    assert (tmp_path / "hs" / "companies.csv").read_bytes().count(b"\r\n") == 2


def test_formula_injection_is_neutralised_in_text_only(tmp_path: Path, targets, model) -> None:
    ents = entities(
        companies=[company("c1", '=HYPERLINK("http://evil","x")', 2)],
        contacts=[contact("p1", "c1", "@SUM(1)", "-太郎", 2, phone="+81312345678")],
        deals=[
            deal(
                "d1",
                "c1",
                "p1",
                "lost",
                2,
                amount=-5.0,
                next_action="\tcall",
                deal_name="+1 upsell",
            )
        ],
    )
    result = build(targets["salesforce"], model, ents)
    write_import_files(result, tmp_path, targets["salesforce"])
    account = read_csv(tmp_path / "Account.csv")[0]
    assert account["Name"] == '\'=HYPERLINK("http://evil","x")'
    person = read_csv(tmp_path / "Contact.csv")[0]
    assert (person["LastName"], person["FirstName"], person["Phone"]) == (
        "'@SUM(1)",
        "'-太郎",
        "+81312345678",
    )
    opp = read_csv(tmp_path / "Opportunity.csv")[0]
    assert (opp["Name"], opp["NextStep"], opp["Amount"]) == ("'+1 upsell", "'\tcall", "-5")
    f = result.findings[result.findings["rule"] == "export.formula-neutralised"]
    assert len(f) == 5 and set(f["severity"]) == {"info"}
    for path in tmp_path.glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row[1:]:
                assert not cell.startswith(("=", "@", "\t", "\r")), (path.name, cell)


@pytest.mark.parametrize(
    ("name", "excel_friendly", "bom"),
    [
        ("salesforce", False, False),
        ("salesforce", True, False),  # Data Loader files: never
        ("hubspot", False, False),
        ("hubspot", True, True),
        ("generic", False, False),
        ("generic", True, True),
    ],
)
def test_bom_only_when_excel_friendly_and_never_for_salesforce(
    tmp_path: Path, targets, model, name: str, excel_friendly: bool, bom: bool
) -> None:
    target = targets[name]
    result = build(target, model)
    write_import_files(result, tmp_path, target, excel_friendly=excel_friendly)
    for spec in target.files:
        assert (tmp_path / spec.name).read_bytes().startswith(b"\xef\xbb\xbf") == bom, spec.name
    assert (tmp_path / REJECTS_FILE).read_bytes().startswith(b"\xef\xbb\xbf") == excel_friendly


def test_cp932_profile_reports_unencodable_characters(tmp_path: Path, targets, model) -> None:
    doc = yaml.safe_load(Path(targets["generic"].path).read_text("utf-8"))
    doc["name"] = "legacy-sjis"
    doc["output"] = {"encoding": "cp932", "bom": "never", "line_ending": "crlf"}
    path = tmp_path / "legacy.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    target = load_target(str(path))
    ents = entities(
        companies=[company("c1", "𠮷野家ホールディングス", 2), company("c2", "㈱髙島屋", 3)],
        deals=[deal("d1", "c1", "", "won", 2, notes="絵文字😀あり")],
    )
    result = build(target, model, ents)
    f = result.findings[result.findings["rule"] == "export.unencodable-character"]
    assert list(f["original"]) == ["𠮷野家ホールディングス", "絵文字😀あり"]
    assert list(f["value"]) == ["?野家ホールディングス", "絵文字?あり"]
    assert "'𠮷' cannot be written in cp932" in f.iloc[0]["message"]
    out = tmp_path / "out"
    write_import_files(result, out, target, excel_friendly=True)
    companies = read_csv(out / "companies.csv", encoding="cp932")
    assert [r["company_name"] for r in companies] == ["?野家ホールディングス", "㈱髙島屋"]
    assert not (out / "companies.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_generic_workbook_has_a_sheet_per_entity(
    tmp_path: Path, gen: ExportResult, targets
) -> None:
    from openpyxl import load_workbook

    write_import_files(gen, tmp_path, targets["generic"])
    wb = load_workbook(tmp_path / "import.xlsx")
    assert wb.sheetnames == ["companies", "contacts", "deals"]
    ws = wb["deals"]
    header = [c.value for c in ws[1]]
    assert header == list(gen.files["deals.csv"].columns)
    assert ws.max_row == 1 + len(gen.files["deals.csv"])
    notes = [c.value for c in ws["U"]]  # the notes column
    assert "'=SUM(A1)" in notes  # text, not a formula
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


# ----------------------------------------------------------------------------- determinism


def test_build_is_deterministic_and_sorted_by_external_id(targets, model) -> None:
    ents = sample()
    shuffled = {k: v.sample(frac=1.0, random_state=7) for k, v in ents.items()}
    before = {k: v.copy() for k, v in ents.items()}
    a = build(targets["salesforce"], model, ents)
    b = build(targets["salesforce"], model, shuffled)
    for name in a.files:
        pd.testing.assert_frame_equal(a.files[name], b.files[name])
    for k in ents:  # the input is not changed
        pd.testing.assert_frame_equal(ents[k], before[k])
    pd.testing.assert_frame_equal(a.rejects, b.rejects)


def test_validation_summary_is_per_file(sf: ExportResult) -> None:
    assert set(sf.validation) == {
        "Account.csv",
        "Contact.csv",
        "Lead.csv",
        "Opportunity.csv",
        "OpportunityContactRole.csv",
    }
    s = sf.validation["Opportunity.csv"]
    assert s["rows_in"] == s["rows_out"] == 3
    assert s["expectations"] == s["passed"] + s["failed"] > 10


CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=6),
    newline=st.sampled_from(["\n", "\r\n"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_written_csv_reads_back_every_row_and_value(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], newline: str, delimiter: str
) -> None:
    frame = pd.DataFrame(rows, columns=["Name", "名前", "Notes, etc."], dtype="object")
    path = write_csv(
        frame, tmp_path_factory.mktemp("csv") / "f.csv", newline=newline, delimiter=delimiter
    )
    with path.open(encoding="utf-8", newline="") as fh:
        back = list(csv.reader(fh, delimiter=delimiter))
    assert back[0] == list(frame.columns)
    assert back[1:] == rows
