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


@pytest.fixture(autouse=True)
def _gx_from_the_mask(request: pytest.FixtureRequest) -> None:
    """GX's answers come from the failing-row mask (tests/conftest.py ``gx_by_mask``: a GX
    suite costs ~0.5 s on any frame) except in the module-wide builds (``sf``, ``hs``, ``gen``,
    ``runs``: made before this function fixture) and the tests marked ``gx``."""
    if request.node.get_closest_marker("gx") is None:
        request.getfixturevalue("gx_by_mask")


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
    from migrate.errors import UserError

    with pytest.raises(UserError) as info:
        load_target("zoho")
    assert str(info.value).startswith(
        "unknown target 'zoho'; available targets: generic, hubspot, salesforce"
    )
    assert "--target" in info.value.hint


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
            "policies.missing_close_date: 'guess' is not allowed; allowed values: reject, fill, fiscal-quarter-end, fixed, keep",
        ),
        (
            lambda d: d.update(person_stages="people"),
            "person_stages: 'people' is not allowed; allowed values: leads, contacts, deals",
        ),
        (
            lambda d: _opp(d)[3].update(map="stages"),
            "files[3].columns[3].map: 'stages' is not allowed; allowed values: stage, deal_type, lead_status",
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
            "allowed: name, from, value, type, required, unique, max_length, min, max, digits, decimals, values, map, "
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
        "these records; allowed: _stage_inferred, amount, campaign, close_date,"
    )
    assert "company.company_name" in problems[0] and "contact.email" in problems[0]


@pytest.mark.parametrize("name", ["salesforce", "hubspot", "generic"])
def test_joining_only_the_fields_read_changes_no_file(
    name: str, targets: dict[str, TargetProfile], model: StageModel, monkeypatch
) -> None:
    """The record sets join only the parents' fields the target's files and the policies
    read (export/records.py ``joined``): the files, rejects and findings are those of joining
    every field, with deal names generated from a company's and from a person's name."""
    import migrate.export.build as export_build
    from migrate.export.records import build_record_sets

    def named_by_their_parents() -> dict[str, pd.DataFrame]:
        ents = sample()
        ents["deals"].loc[1, "deal_name"] = ""  # named after its company
        ents["deals"].loc[4, ["deal_name", "company_id"]] = ["", ""]  # after its person
        return ents

    narrow = build(targets[name], model, named_by_their_parents())
    sets, _ = build_record_sets(sample(), model, "deals", joined={"company.company_name"})
    assert "company.company_name" in sets["deals"] and "company.website" not in sets["deals"]
    monkeypatch.setattr(
        export_build,
        "build_record_sets",
        lambda *a, joined=None, **kw: build_record_sets(*a, **kw),
    )
    every = build(targets[name], model, named_by_their_parents())
    assert narrow.files.keys() == every.files.keys()
    for file in narrow.files:
        pd.testing.assert_frame_equal(narrow.files[file], every.files[file])
    pd.testing.assert_frame_equal(narrow.rejects, every.rejects)
    pd.testing.assert_frame_equal(narrow.findings, every.findings)


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
    f = sf.findings[sf.findings["rule"] == "export.lead-has-deal"]
    assert list(f["row"]) == [4]
    assert f.iloc[0]["original"] == "mql" and f.iloc[0]["action"] == "skipped"


def _lead_row(did: str, cid: str, pid: str, stage: str, row: int, **kw) -> dict:
    """A row of an inside-sales lead list: no amount, close date or deal name."""
    where = {
        "_row_keys": f"leads.xlsx|リード|{row}",
        "_source_file": "leads.xlsx",
        "_source_sheet": "リード",
        "_source_row": row,
    }
    cells = {"amount": NAN, "close_date": "", "deal_name": "", **where, **kw}
    return deal(did, cid, pid, stage, row, **cells)


def lead_list() -> dict[str, pd.DataFrame]:
    """A pipeline sheet with a deal of c1 and a lead list: a converted lead of c1 (its deal is
    in the pipeline), one of c2 (no deal anywhere), an SQL, a disqualified and an unknown one."""
    return entities(
        companies=[
            company("c1", "株式会社アルファ", 2),
            company("c2", "ベータ商事株式会社", 3),
            company("c3", "ガンマ合同会社", 4),
        ],
        contacts=[
            contact("p0", "c1", "山田", "太郎", 2),
            contact("p1", "c1", "佐藤", "花子", 3),
            contact("p2", "c2", "鈴木", "一郎", 4),
            contact("p3", "c3", "田中", "次郎", 5),
            contact("p4", "c3", "高橋", "三郎", 6),
            contact("p5", "c3", "伊藤", "四郎", 7),
        ],
        deals=[
            deal("d1", "c1", "p0", "proposal", 2, close_date="2026-03-31"),
            # 商談化日 mapped to the deal name: a date is no name
            _lead_row("l1", "c1", "p1", "opportunity", 3, deal_name="2025-10-21 00:00:00"),
            _lead_row("l2", "c2", "p2", "opportunity", 4, product="勤怠クラウド"),
            _lead_row("l3", "c3", "p3", "sql", 5),
            _lead_row("l4", "c3", "p4", "lost", 6),
            _lead_row("l5", "c3", "p5", "", 7),
        ],
    )


def test_a_deal_without_its_own_contact_has_one_primary_of_its_converted_leads(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    # d1 names no contact; two converted leads of its company link their people to it: the
    # one whose source row comes first (row 1, p6) is the primary, the other not
    data = lead_list()
    deals = data["deals"]
    deals.loc[deals["deal_id"] == "d1", "contact_id"] = ""
    extra = deals[deals["deal_id"] == "l1"].assign(
        deal_id="l6", contact_id="p6", _row_keys="leads.xlsx|リード|1", _source_row=1
    )
    data["deals"] = pd.concat([deals, extra], ignore_index=True)
    contacts = data["contacts"]
    more = contacts[contacts["contact_id"] == "p1"].assign(contact_id="p6")
    data["contacts"] = pd.concat([contacts, more], ignore_index=True)
    result = build(targets["salesforce"], model, data, today=date(2026, 1, 20))
    roles = result.files["OpportunityContactRole.csv"]
    d1 = roles[roles["Opportunity.Migration_Id__c"] == "d1"]
    assert sorted(d1["Contact.Migration_Id__c"]) == ["p1", "p6"]
    primary = dict(zip(d1["Contact.Migration_Id__c"], d1["IsPrimary"].astype(str)))
    assert primary == {"p6": "true", "p1": "false"}
    per_deal = roles[roles["IsPrimary"].astype(str) == "true"]["Opportunity.Migration_Id__c"]
    assert not per_deal.duplicated().any()


def _one_person_in_two_lists() -> dict[str, pd.DataFrame]:
    """鈴木 美咲 in a trade-show list (earlier, score 45) and a web-inquiry list (later, SQL,
    score 20): two records of one person, no deal anywhere (u22 item 10)."""
    data = entities(
        companies=[company("c9", "北斗物流株式会社", 2)],
        contacts=[contact("p9", "c9", "鈴木", "美咲", 2, email="misaki@hokuto.jp")],
        deals=[
            _lead_row("w1", "c9", "p9", "sql", 3, notes="資料を希望", lead_source="Web",
                      lead_score=20.0, created_at="2026-11-10", owner=""),
            _lead_row("t1", "c9", "p9", "lead", 4, notes="2回架電 不在", lead_source="展示会",
                      lead_score=45.0, created_at="2026-10-21", owner="山田"),
        ],
    )  # fmt: skip
    data["deals"]["lead_score"] = [20.0, 45.0]  # entities() keeps deal()'s columns only
    return data


def test_a_person_in_two_lead_lists_keeps_every_lists_data(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    result = build(targets["salesforce"], model, _one_person_in_two_lists())
    (lead,) = result.files["Lead.csv"].to_dict("records")
    # the furthest record's status; both notes (furthest first); the first touch's source
    assert lead["Status"] == "Working - Contacted"
    assert lead["Description"] == "資料を希望\n2回架電 不在"
    assert lead["LeadSource"] == "展示会"
    # the highest score; an owner the furthest record leaves empty comes from the other record
    from migrate.export.records import build_record_sets

    sets, _ = build_record_sets(_one_person_in_two_lists(), model, "leads")
    (row,) = sets["leads"].to_dict("records")
    assert (row["deal.lead_score"], row["owner"]) == (45.0, "山田")


def test_a_person_in_one_lead_list_keeps_its_own_values(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    # negative: one record per person is left as it was (no source or note borrowed)
    data = _one_person_in_two_lists()
    data["deals"] = data["deals"][data["deals"]["deal_id"] == "w1"].reset_index(drop=True)
    (lead,) = build(targets["salesforce"], model, data).files["Lead.csv"].to_dict("records")
    assert (lead["Description"], lead["LeadSource"]) == ("資料を希望", "Web")


@pytest.mark.parametrize(
    ("opt_out", "consent", "out"),
    [("○", "", "true"), ("true", "", "true"), ("配信停止", "", "true"), ("", "希望しない", "true"),
     ("", "×", "true"), ("", "不要", "true"), ("", "配信停止\n可", "true"),
     # negatives: a consent mark is no opt-out, an opt-out column's 'no' is none either
     ("", "希望する", ""), ("", "○", ""), ("false", "", ""), ("×", "", ""), ("", "", "")],
)  # fmt: skip
def test_who_opted_out_of_email(opt_out: str, consent: str, out: str) -> None:
    from migrate.export.optout import OptOutWords
    from migrate.export.records import opted_out

    frame = pd.DataFrame({"email_opt_out": [opt_out], "email_consent": [consent]})
    assert opted_out(frame, OptOutWords.defaults()).tolist() == [out]


def _opted_out_people() -> dict[str, pd.DataFrame]:
    """A contact of a deal who opted out (配信停止 ○) and a lead who did (メルマガ 希望しない)."""
    data = lead_list()
    contacts = data["contacts"]
    contacts["email_opt_out"] = ["○" if c == "p0" else "" for c in contacts["contact_id"]]
    contacts["email_consent"] = ["希望しない" if c == "p3" else "" for c in contacts["contact_id"]]
    contacts["email"] = [f"{c}@example.co.jp" for c in contacts["contact_id"]]
    return data


def test_salesforce_carries_email_opt_out_on_contact_and_lead(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    result = build(targets["salesforce"], model, _opted_out_people(), today=date(2026, 1, 20))
    contact = result.files["Contact.csv"].set_index("Migration_Id__c")["HasOptedOutOfEmail"]
    lead = result.files["Lead.csv"].set_index("Migration_Id__c")["HasOptedOutOfEmail"]
    assert contact.astype(str).to_dict()["p0"] == "true"
    assert lead.astype(str).to_dict()["p3"] == "true"
    # the others are left blank (the org's default, false), not written as opted out
    assert set(lead.drop("p3").fillna("").astype(str)) <= {"", "nan"}
    assert (result.findings["rule"] != "export.opt-out-not-carried").all()


def test_hubspot_warns_of_each_opt_out_it_cannot_carry(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    result = build(targets["hubspot"], model, _opted_out_people(), today=date(2026, 1, 20))
    warned = result.findings[result.findings["rule"] == "export.opt-out-not-carried"]
    assert sorted(warned["value"]) == ["p0@example.co.jp", "p3@example.co.jp"]
    assert set(warned["severity"]) == {"warning"}


def test_lead_list_rows_are_told_by_their_sheet(model: StageModel) -> None:
    from migrate.export.records import lead_list_rows

    deals = lead_list()["deals"]
    got = dict(zip(deals["deal_id"], lead_list_rows(deals, model)))
    assert got == {"d1": False, "l1": True, "l2": True, "l3": True, "l4": True, "l5": True}
    # the same rows with an amount on one of them: a thin pipeline, not a lead list
    deals.loc[deals["deal_id"] == "l3", "amount"] = 1000.0
    assert not lead_list_rows(deals, model).any()
    # no person-level stage at all: companies and stages, not a lead list
    deals = deals[deals["deal_id"].isin(["d1", "l1", "l2"])]
    assert not lead_list_rows(deals, model).any()


def test_salesforce_converted_lead_is_a_contact_of_its_companys_deal(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    result = build(targets["salesforce"], model, lead_list(), today=date(2026, 1, 20))
    opp = result.files["Opportunity.csv"].set_index("Migration_Id__c")
    # l1 is linked to d1, not an empty opportunity of its own
    assert "l1" not in opp.index
    roles = result.files["OpportunityContactRole.csv"]
    pairs = set(zip(roles["Opportunity.Migration_Id__c"], roles["Contact.Migration_Id__c"]))
    assert pairs == {("d1", "p0"), ("d1", "p1")}
    # one primary per opportunity (u22 item 9): the contact the deal names, not the lead's
    primary = dict(zip(roles["Contact.Migration_Id__c"], roles["IsPrimary"].astype(str)))
    assert primary == {"p0": "true", "p1": "false"}
    assert "p1" in set(result.files["Contact.csv"]["Migration_Id__c"])
    f = result.findings[result.findings["rule"] == "export.lead-converted"]
    assert list(f["row"]) == [3] and "d1" in f.iloc[0]["message"]
    # l2: no deal of ベータ商事 anywhere -> a named deal, flagged (and rejected: no close date)
    made = result.findings[result.findings["rule"] == "export.deal-from-lead"]
    assert list(made["value"]) == ["ベータ商事株式会社 勤怠クラウド"]
    assert rejects_of(result, "Opportunity.csv") == {"l2": ["validate.required-missing"]}
    # l3 (SQL) and l5 (no stage) are leads; l4 (対象外) a lead closed without conversion
    leads = result.files["Lead.csv"].set_index("Migration_Id__c")["Status"].to_dict()
    assert leads == {
        "p3": "Working - Contacted",
        "p4": "Closed - Not Converted",
        "p5": "Open - Not Contacted",
    }
    assumed = result.findings[result.findings["rule"] == "export.lead-status-assumed"]
    assert list(assumed["row"]) == [7]


def test_generic_keeps_lead_list_rows_as_records(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    result = build(targets["generic"], model, lead_list())
    assert not (result.findings["rule"] == "export.deal-from-lead").any()


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
    assert "policies.missing_close_date" in r["fix"]
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


@pytest.mark.parametrize(
    "day, start, end",
    [
        ("2026-01-20", 4, "2026-03-31"),
        ("2025-11-10", 4, "2025-12-31"),
        ("2025-04-01", 4, "2025-06-30"),
        ("2025-12-15", 1, "2025-12-31"),
        ("2025-12-05", 11, "2026-01-31"),
        ("2026-02-28", 10, "2026-03-31"),
    ],
    ids=["jan-april-year", "nov-april-year", "first-day", "calendar", "nov-year-crosses", "oct"],
)
def test_fiscal_quarter_end(day: str, start: int, end: str) -> None:
    from migrate.export.policies import fiscal_quarter_end

    assert fiscal_quarter_end(date.fromisoformat(day), start).isoformat() == end


def _sf_with(tmp_path: Path, targets: dict[str, TargetProfile], **policies) -> TargetProfile:
    doc = yaml.safe_load(Path(targets["salesforce"].path).read_text("utf-8"))
    doc["policies"].update(policies)
    path = tmp_path / "sf.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return load_target(str(path))


def _no_close_dates() -> dict[str, pd.DataFrame]:
    return entities(
        companies=[company("c1", "会社", 2)],
        deals=[
            deal("d1", "c1", "", "closing", 2, close_date="", created_at="2025-11-10"),
            deal("d2", "c1", "", "opportunity", 3, close_date=""),
            deal("d3", "c1", "", "won", 4, close_date="2025-10-01"),
        ],
    )


def test_missing_close_date_counts_by_default_reject(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    result = build(targets["salesforce"], model, _no_close_dates())
    close = next(m for m in result.missing_required if m["column"] == "CloseDate")
    assert close == {
        "file": "Opportunity.csv",
        "column": "CloseDate",
        "field": "close_date",
        "policy": "policies.missing_close_date: reject",
        "deals": 2,
        "rows": 2,
        "placeholders": 0,
        "rejected": 2,
    }
    name = next(m for m in result.missing_required if m["column"] == "Name")
    assert (name["deals"], name["policy"]) == (0, "policies.missing_deal_name: generate")


def test_close_date_placeholder_fiscal_quarter_end(
    tmp_path: Path, targets: dict[str, TargetProfile], model: StageModel
) -> None:
    target = _sf_with(tmp_path, targets, missing_close_date="fiscal-quarter-end")
    result = build(target, model, _no_close_dates(), today=date(2026, 1, 20))
    assert result.rejects.empty
    got = result.files["Opportunity.csv"].set_index("Migration_Id__c")["CloseDate"].to_dict()
    # d1: the quarter of its created date (Oct-Dec with an April fiscal year); d2: of today's
    assert got == {"d1": "2025-12-31", "d2": "2026-03-31", "d3": "2025-10-01"}
    f = result.findings[result.findings["rule"] == "export.close-date-placeholder"]
    assert list(f["severity"]) == ["warning", "warning"] and list(f["row"]) == [2, 3]
    assert "created_at (2025-11-10)" in f.iloc[0]["message"]
    close = next(m for m in result.missing_required if m["column"] == "CloseDate")
    assert (close["deals"], close["placeholders"], close["rejected"]) == (2, 2, 0)
    # a calendar fiscal year
    result = build(target, model, _no_close_dates(), today=date(2026, 1, 20), fiscal_year_start=1)
    got = result.files["Opportunity.csv"].set_index("Migration_Id__c")["CloseDate"].to_dict()
    assert got["d2"] == "2026-03-31" and got["d1"] == "2025-12-31"


def test_close_date_placeholder_fixed(
    tmp_path: Path, targets: dict[str, TargetProfile], model: StageModel
) -> None:
    target = _sf_with(tmp_path, targets, missing_close_date="fixed", close_date_fixed="2099-12-31")
    result = build(target, model, _no_close_dates())
    got = result.files["Opportunity.csv"].set_index("Migration_Id__c")["CloseDate"].to_dict()
    assert got == {"d1": "2099-12-31", "d2": "2099-12-31", "d3": "2025-10-01"}


@pytest.mark.parametrize(
    "policies, problem",
    [
        ({"missing_close_date": "fixed"}, "'fixed' needs policies.close_date_fixed"),
        ({"close_date_fixed": "31/12/2099"}, "policies.close_date_fixed: '31/12/2099' is not"),
        ({"missing_stage": "guess"}, "policies.missing_stage"),
    ],
    ids=["fixed-without-date", "fixed-not-iso", "unknown-stage-policy"],
)
def test_placeholder_policies_are_checked(
    tmp_path: Path, targets: dict[str, TargetProfile], policies: dict, problem: str
) -> None:
    with pytest.raises(RuleFileError) as err:
        _sf_with(tmp_path, targets, **policies)
    assert problem in str(err.value)


def test_missing_stage_placeholder(
    tmp_path: Path, targets: dict[str, TargetProfile], model: StageModel
) -> None:
    ents = entities(companies=[company("c1", "会社", 2)], deals=[deal("d1", "c1", "", "", 2)])
    assert rejects_of(build(targets["salesforce"], model, ents), "Opportunity.csv") == {
        "d1": ["validate.required-missing"]
    }
    result = build(_sf_with(tmp_path, targets, missing_stage="first-stage"), model, ents)
    assert list(result.files["Opportunity.csv"]["StageName"]) == ["Qualification"]
    f = result.findings[result.findings["rule"] == "export.stage-placeholder"]
    assert list(f["value"]) == ["opportunity"]


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
    (
        "probability-negative",
        dict(probability=-5.0),
        "Opportunity.csv",
        "d1",
        "validate.out-of-range",
        "Probability -5 is outside 0..100",
    ),
    (  # Salesforce currency is number(18,2): 1e30 was exported as 31 digits
        "amount-beyond-currency-18-2",
        dict(amount=1e30),
        "Opportunity.csv",
        "d1",
        "validate.too-many-digits",
        "Amount 1000000000000000000000000000000 has 31 digits before the point; the field is "
        "number(18,2): at most 16 digit(s) before the point and 2 after it",
    ),
    (
        "amount-negative-beyond-currency-18-2",
        dict(amount=-5e20),
        "Opportunity.csv",
        "d1",
        "validate.too-many-digits",
        "Amount -500000000000000000000 has 21 digits before the point; the field is "
        "number(18,2): at most 16 digit(s) before the point and 2 after it",
    ),
    (
        "amount-more-decimals-than-currency",
        dict(amount=1234.567),
        "Opportunity.csv",
        "d1",
        "validate.too-many-digits",
        "Amount 1234.567 has 3 decimal(s); the field is number(18,2): at most 16 digit(s) "
        "before the point and 2 after it",
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


@pytest.mark.gx  # a parent's reject reaches its children through GX's link checks
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


@pytest.mark.gx  # GX's uniqueness check
def test_duplicate_external_ids_are_rejected(targets, model) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[deal("d1", "c1", "", "won", 2), deal("d1", "c1", "", "lost", 3)],
    )
    result = build(targets["salesforce"], model, ents)
    assert rejects_of(result, "Opportunity.csv") == {"d1": ["validate.duplicate-id"] * 2}
    assert result.files["Opportunity.csv"].empty


def test_lead_without_person_or_company_is_rejected(targets, model) -> None:
    import dataclasses

    ents = entities(deals=[deal("d1", "", "", "lead", 2)])
    result = build(targets["salesforce"], model, ents)
    # the person gets the placeholder (policies.missing_lead_name), the company is missing
    assert rejects_of(result, "Lead.csv") == {"d1": ["validate.required-missing"]}
    assert list(result.rejects["column"]) == ["Company"]
    sf = targets["salesforce"]
    strict = dataclasses.replace(
        sf, policies=dataclasses.replace(sf.policies, missing_lead_name="reject")
    )
    result = build(strict, model, ents)
    assert rejects_of(result, "Lead.csv") == {
        "d1": ["validate.required-missing", "validate.required-missing"]
    }
    reasons = list(result.rejects["fix"])
    assert reasons[0].startswith("a Lead needs a person")


def test_a_lead_line_without_a_person_is_exported_with_a_placeholder_name(targets, model) -> None:
    """A new user's clean weekly tracker: 3 rows at リード with company, deal and amount but no
    contact were rejected (a Lead needs a LastName), so the check failed every week. The
    Salesforce profile names them '[not provided]', as Salesforce's Web-to-Lead does. A line
    that also carries a forecast (an amount, a close date) is a deal at the first deal stage
    instead (export.personless-lead-as-deal): a Lead has no field for its value."""
    ents = entities(
        companies=[company("c1", "株式会社青葉商事", 2), company("c2", "株式会社若葉", 3)],
        deals=[
            deal("d1", "c1", "", "lead", 2, amount=NAN, close_date=""),
            deal("d2", "c2", "", "lead", 3),
        ],
    )
    result = build(targets["salesforce"], model, ents)
    assert result.rejects.empty
    assert len(result.files["Lead.csv"]) == 1
    lead = result.files["Lead.csv"].iloc[0]
    assert (lead["LastName"], lead["Company"]) == ("[not provided]", "株式会社青葉商事")
    f = result.findings[result.findings["rule"] == "export.lead-name-placeholder"]
    assert len(f) == 1 and f.iloc[0]["severity"] == "warning" and f.iloc[0]["row"] == 2
    assert list(result.files["Opportunity.csv"]["Migration_Id__c"]) == ["d2"]
    promoted = result.findings[result.findings["rule"] == "export.personless-lead-as-deal"]
    assert list(promoted["row"]) == [3]


def test_an_event_lead_without_a_company_is_exported_with_a_placeholder_company(
    targets, model
) -> None:
    """An event's lead list: visitors who left the company blank (or N/A, read as blank) were
    rejected, as a Salesforce Lead requires Company. The profile writes '[not provided]', as
    Web-to-Lead does, with a warning per lead; a lead with its company keeps it, and a target
    that does not require a company is untouched."""
    ents = entities(
        companies=[company("c1", "Acme Corp", 3)],
        contacts=[contact("p1", "", "Lee", "Ann", 2), contact("p2", "c1", "Kim", "Eve", 3)],
        deals=[
            deal("d1", "", "p1", "lead", 2, amount=NAN, close_date="", deal_name=""),
            deal("d2", "c1", "p2", "lead", 3, amount=NAN, close_date="", deal_name=""),
        ],
    )
    result = build(targets["salesforce"], model, ents)
    assert result.rejects.empty
    leads = result.files["Lead.csv"].set_index("LastName")["Company"].to_dict()
    assert leads == {"Lee": "[not provided]", "Kim": "Acme Corp"}
    f = result.findings[result.findings["rule"] == "export.lead-company-placeholder"]
    assert list(f["row"]) == [2] and set(f["severity"]) == {"warning"}
    hubspot = build(targets["hubspot"], model, ents)
    assert "[not provided]" not in hubspot.files["contacts.csv"].to_csv()


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
    ents["deals"]["extra:stage"] = ["x", "", "", "", ""]  # a header that is already a column
    ents["companies"]["extra:規模"] = ["大", "", "", "小"]
    return build(targets["generic"], model, ents)


def test_generic_keeps_every_record_and_extra_columns(gen: ExportResult) -> None:
    deals = gen.files["deals.csv"]
    assert list(deals["deal_id"]) == ["d1", "d2", "d3", "d4", "d5"]
    assert list(deals["stage"]) == ["won", "proposal", "mql", "sql", "lost"]
    # the original header text; extra:<header> only where the header is taken
    assert list(deals.columns[-2:]) == ["extra:stage", "社内メモ"]
    assert list(deals["社内メモ"]) == ["a", "", "'+1 call", "", ""]  # text: neutralised
    assert "規模" in gen.files["companies.csv"].columns
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
    notes = [row[header.index("notes")].value for row in ws.iter_rows()]  # the notes column
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


# ----------------------------------------------------------------------------- through the pipeline
# A small tracker run through migrate.pipeline.run with an export of the org's accounts and
# contacts: ids of existing records, unmapped columns, foreign amounts, won/lost probabilities.

TRACKER = [
    ["案件ID", "会社名", "担当者", "メール", "URL", "案件名", "金額", "通貨", "ステージ", "確度"]
    + ["受注予定日", "更新日", "決算期"],
    # one deal in two snapshots: closing at 80%, then won with the probability left empty
    ["K-001", "株式会社三協精工", "山田 太郎", "yamada@sankyoseiko.co.jp"]
    + ["https://www.sankyoseiko.co.jp", "生産管理システム導入", "5000000", "JPY", "クロージング"]
    + ["80", "2026-03-31", "2026-01-10", "FY25 下期"],
    ["K-001", "株式会社三協精工", "山田 太郎", "yamada@sankyoseiko.co.jp"]
    + ["https://www.sankyoseiko.co.jp", "生産管理システム導入", "5000000", "JPY", "受注"]
    + ["", "2026-03-31", "2026-02-01", "FY26 上期"],
    ["K-002", "北斗商事株式会社", "佐藤 花子", "sato@hokuto-shoji.jp", "https://hokuto-shoji.jp"]
    + ["保守契約", "27500", "USD", "提案", "50", "2026-04-30", "2026-01-15", "FY26 上期"],
    ["K-003", "南風物産株式会社", "鈴木 一郎", "suzuki@minamikaze.jp", "https://minamikaze.jp"]
    + ["新規導入", "1200000", "JPY", "失注", "20", "2026-02-28", "2026-02-10", ""],
]
ACCOUNT_ID = "001000000000001AAA"
CONTACT_ID = "003000000000001AAA"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """name -> RunResult of the tracker for each shipped target, with --existing exports."""
    from migrate import pipeline

    src = tmp_path_factory.mktemp("pipeline")
    tracker = src / "案件管理.csv"
    with tracker.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(TRACKER)
    accounts = src / "accounts.csv"
    accounts.write_text(
        f"Id,Name,Website\n{ACCOUNT_ID},株式会社三協精工,https://www.sankyoseiko.co.jp\n",
        encoding="utf-8",
    )
    contacts = src / "contacts.csv"
    contacts.write_text(f"Id,Email\n{CONTACT_ID},yamada@sankyoseiko.co.jp\n", encoding="utf-8")
    existing = {"accounts": str(accounts), "contacts": str(contacts)}
    return {
        name: pipeline.run([str(tracker)], target=name, existing=existing)
        for name in ("salesforce", "hubspot", "generic")
    }


def _by(frame: pd.DataFrame, column: str) -> dict[str, dict[str, str]]:
    return {r[column]: r for r in frame.to_dict("records")}


@pytest.mark.parametrize(
    ("target", "companies", "contacts", "id_column", "name", "email"),
    [
        ("salesforce", "Account.csv", "Contact.csv", "Id", "Name", "Email"),
        ("hubspot", "companies.csv", "contacts.csv", "Record ID", "name", "email"),
        ("generic", "companies.csv", "contacts.csv", "existing_id", "company_name", "email"),
    ],
)
def test_existing_records_carry_their_sfa_id(
    runs, target, companies, contacts, id_column, name, email
) -> None:
    run = runs[target]
    matched = run.findings[run.findings["rule"] == "dedupe.existing-match"]
    assert list(matched["value"]) == [ACCOUNT_ID]
    files = run.export.files
    ids = {r[name]: r[id_column] for r in files[companies].to_dict("records")}
    assert ids == {
        "株式会社三協精工": ACCOUNT_ID,  # updated, not created
        "北斗商事株式会社": "",  # new
        "南風物産株式会社": "",
    }
    people = {r[email]: r[id_column] for r in files[contacts].to_dict("records")}
    assert people == {
        "yamada@sankyoseiko.co.jp": CONTACT_ID,
        "sato@hokuto-shoji.jp": "",
        "suzuki@minamikaze.jp": "",
    }
    # optional and valid: no record is rejected over it, and a new record may leave it empty
    profile = load_target(target)
    for file in (companies, contacts):
        assert not profile.file(file).column(id_column).required
        summary = run.export.validation[file]
        assert summary["rejected"] == 0 and summary["failed"] == 0, summary
    assert not (run.export.rejects["column"] == id_column).any()


def test_salesforce_id_column_is_loaded_with_upsert_on_id() -> None:
    text_ = Path(load_target("salesforce").path).read_text("utf-8")
    assert "upsert matching on Id" in text_ and "stamps Migration_Id__c" in text_


def test_generic_deals_keep_the_unmapped_columns_under_their_header(runs) -> None:
    deals = _by(runs["generic"].export.files["deals.csv"], "record_id")
    assert "決算期" in deals["K-001"] and "extra:決算期" not in deals["K-001"]
    assert deals["K-001"]["決算期"] == "FY26 上期"  # the most recent of its two rows
    assert (deals["K-002"]["決算期"], deals["K-003"]["決算期"]) == ("FY26 上期", "")
    # the targets with fixed import formats get no extra columns
    for target in ("salesforce", "hubspot"):
        for name, frame in runs[target].export.files.items():
            assert not {"決算期", "extra:決算期"} & set(frame.columns), (target, name)


@pytest.mark.parametrize(
    ("target", "file", "amount", "fix"),
    [
        ("salesforce", "Opportunity.csv", "Amount", "CurrencyIsoCode"),
        ("hubspot", "deals.csv", "amount", "deal_currency_code"),
    ],
)
def test_foreign_amount_is_rejected_where_the_org_reads_its_own_currency(
    runs, target, file, amount, fix
) -> None:
    run = runs[target]
    rejects = run.export.rejects
    foreign = rejects[rejects["rule"] == "export.foreign-currency"]
    assert len(foreign) == 1
    r = foreign.iloc[0]
    assert (r["file"], r["column"], r["value"]) == (file, amount, "27500")
    assert r["reason"] == "Amount is in USD but the org currency is JPY"
    assert "multi-currency" in r["fix"] and fix in r["fix"]
    assert "convert the amount to JPY in the source" in r["fix"]
    assert len(run.export.files[file]) == 2  # K-001 and K-003 only
    # the reject machinery: a finding per reject, the crosswalk row is rejected with the reason
    cw = run.crosswalk
    row = cw[cw["source_row"] == 4].iloc[0]
    assert row["status"] == "rejected"
    assert "Amount is in USD but the org currency is JPY [export.foreign-currency]" in row["reason"]
    assert (run.findings["rule"] == "export.foreign-currency").sum() == 1
    if target == "salesforce":  # its contact role goes with it
        roles = rejects[rejects["file"] == "OpportunityContactRole.csv"]
        assert list(roles["rule"]) == ["validate.parent-rejected"]


def test_generic_keeps_a_foreign_amount_with_its_currency(runs) -> None:
    run = runs["generic"]
    deals = _by(run.export.files["deals.csv"], "record_id")
    assert (deals["K-002"]["amount"], deals["K-002"]["currency"]) == ("27500", "USD")
    assert run.export.rejects.empty
    assert load_target("generic").policies.foreign_currency == "keep"


def test_foreign_currency_policy_and_org_currency_are_configurable(tmp_path, model) -> None:
    doc = yaml.safe_load((DEFAULT_RULES_DIR / "targets" / "hubspot.yaml").read_text("utf-8"))
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[
            deal("d1", "c1", "", "proposal", 2, amount=27500.0, currency="USD"),
            deal("d2", "c1", "", "proposal", 3, amount=3000000.0, currency="JPY"),
            deal("d3", "c1", "", "proposal", 4, amount=NAN, currency="EUR"),  # no amount
        ],
    )

    def run(**change) -> ExportResult:
        edited = {**doc, "output": {**doc["output"]}, "policies": {**doc["policies"]}}
        for key, value in change.items():
            section, name = key.split("__")
            edited[section][name] = value
        path = tmp_path / "hs.yaml"
        path.write_text(yaml.safe_dump(edited, allow_unicode=True), encoding="utf-8")
        return build(load_target(str(path)), model, ents)

    assert rejects_of(run(), "deals.csv") == {"d1": ["export.foreign-currency"]}
    usd = run(output__currency="USD")
    assert rejects_of(usd, "deals.csv") == {"d2": ["export.foreign-currency"]}
    assert usd.rejects.iloc[0]["reason"] == "Amount is in JPY but the org currency is USD"
    kept = run(policies__foreign_currency="keep")
    assert kept.rejects.empty
    deals = kept.files["deals.csv"].set_index("migration_id")
    assert (deals.loc["d1", "amount"], deals.loc["d1", "deal_currency_code"]) == ("27500", "USD")


def test_every_foreign_currency_of_a_file_is_one_currency_check(targets, model) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[
            deal("d1", "c1", "", "proposal", 2, amount=27500.0, currency="USD"),
            deal("d2", "c1", "", "proposal", 3, amount=900.0, currency="EUR"),
            deal("d3", "c1", "", "proposal", 4, amount=3000000.0, currency="JPY"),
        ],
    )
    result = build(targets["hubspot"], model, ents)
    assert rejects_of(result, "deals.csv") == {
        "d1": ["export.foreign-currency"],
        "d2": ["export.foreign-currency"],
    }
    r = result.rejects.set_index("external_id")
    assert r.loc["d2", "reason"] == "Amount is in EUR but the org currency is JPY"
    assert "with EUR as a currency" in r.loc["d2", "fix"]
    assert "with USD as a currency" in r.loc["d1", "fix"]
    assert set(r["expectation"]) == {"expect_column_values_to_be_in_set(amount)"}
    failures = result.validation["deals.csv"]["failures"]
    assert [(f["rule"], f["rows"]) for f in failures] == [("export.foreign-currency", 2)]
    found = result.findings[result.findings["rule"] == "export.foreign-currency"]
    assert found[["row", "field", "original"]].values.tolist() == [
        [2, "amount", "27500"],
        [3, "amount", "900"],
    ]
    assert list(result.files["deals.csv"]["migration_id"]) == ["d3"]


def test_keeping_foreign_amounts_needs_a_currency_column(tmp_path: Path) -> None:
    problems = _profile_problems(tmp_path, lambda d: d["policies"].update(foreign_currency="keep"))
    assert problems == [
        "policies.foreign_currency: 'keep' needs a currency column in Opportunity.csv "
        "(from: currency), or a foreign amount is read in the org currency; use 'reject' or add "
        "the column"
    ]
    problems = _profile_problems(tmp_path, lambda d: d["output"].update(currency="yen"))
    assert problems == ["output.currency: 'yen' is not an ISO currency code such as 'JPY'"]
    problems = _profile_problems(
        tmp_path, lambda d: d["policies"].update(closed_probability="source")
    )
    assert problems == [
        "policies.closed_probability: 'source' is not allowed; allowed values: stage, keep"
    ]


@pytest.mark.parametrize(
    ("target", "file", "column"),
    [("salesforce", "Opportunity.csv", "Probability"), ("generic", "deals.csv", "probability")],
)
def test_won_and_lost_deals_get_their_stage_probability(runs, target, file, column) -> None:
    run = runs[target]
    id_column = "Migration_Id__c" if target == "salesforce" else "deal_id"
    deals = run.export.files[file]
    by_record = dict(zip(run.dedupe.deals["record_id"], run.dedupe.deals["deal_id"]))
    probability = dict(zip(deals[id_column], deals[column]))
    # survivorship kept the 80 of the closing snapshot for the won deal, the 20 for the lost one
    kept = dict(zip(run.dedupe.deals["record_id"], run.dedupe.deals["probability"]))
    assert (kept["K-001"], kept["K-003"]) == (80.0, 20.0)
    assert probability[by_record["K-001"]] == "100"
    assert probability[by_record["K-003"]] == "0"
    found = run.findings[run.findings["rule"] == "export.probability-from-stage"]
    assert sorted(zip(found["original"], found["value"], found["severity"])) == [
        ("20", "0", "info"),
        ("80", "100", "info"),
    ]
    assert set(found["action"]) == {"changed"}


def test_closed_probability_policy(tmp_path: Path, targets, model) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        deals=[
            deal("d1", "c1", "", "won", 2, probability=80.0),
            deal("d2", "c1", "", "lost", 3, probability=NAN),
            deal("d3", "c1", "", "won", 4, probability=100.0),  # already right: no finding
            deal("d4", "c1", "", "closing", 5, probability=80.0),  # open: untouched
        ],
    )
    result = build(targets["salesforce"], model, ents)
    opp = result.files["Opportunity.csv"].set_index("Migration_Id__c")
    assert dict(opp["Probability"]) == {"d1": "100", "d2": "0", "d3": "100", "d4": "80"}
    found = result.findings[result.findings["rule"] == "export.probability-from-stage"]
    assert list(zip(found["row"], found["original"], found["value"])) == [
        (2, "80", "100"),
        (3, "", "0"),
    ]
    assert "policies.closed_probability is stage" in found.iloc[0]["message"]
    # keep: the source's values; HubSpot writes no probability, so it reports nothing
    doc = yaml.safe_load(Path(targets["salesforce"].path).read_text("utf-8"))
    doc["policies"]["closed_probability"] = "keep"
    path = tmp_path / "sf.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    kept = build(load_target(str(path)), model, ents)
    opp = kept.files["Opportunity.csv"].set_index("Migration_Id__c")
    assert dict(opp["Probability"]) == {"d1": "80", "d2": "", "d3": "100", "d4": "80"}
    assert not (kept.findings["rule"] == "export.probability-from-stage").any()
    hs = build(targets["hubspot"], model, ents)
    assert not (hs.findings["rule"] == "export.probability-from-stage").any()


@pytest.mark.parametrize(
    ("target", "file", "column", "largest", "too_large"),
    [
        ("salesforce", "Opportunity.csv", "Amount", 9999999999999998.0, 1e16),  # currency(18,2)
        ("hubspot", "deals.csv", "amount", 9999999999999.99, 1e13),  # 15 digits, 2 decimals
        ("generic", "deals.csv", "amount", 9999999999999.99, 1e13),
    ],
)
def test_amount_is_checked_against_the_target_fields_size(
    targets, model, target, file, column, largest, too_large
) -> None:
    ents = entities(
        companies=[company("c1", "会社", 2)],
        contacts=[contact("p1", "c1", "山田", "太郎", 2, email="y@alpha.co.jp")],
        deals=[
            deal("d1", "c1", "p1", "proposal", 2, amount=largest),
            deal("d2", "c1", "p1", "proposal", 3, amount=too_large),
        ],
    )
    result = build(targets[target], model, ents)
    assert list(result.files[file][column]) == [re.sub(r"\.0$", "", repr(largest))]
    got = result.rejects[result.rejects["file"] == file]
    assert list(got["rule"]) == ["validate.too-many-digits"]
    assert got.iloc[0]["value"] == f"{too_large:.0f}"
    found = result.findings[result.findings["rule"] == "validate.too-many-digits"]
    assert list(found[["row", "field", "action"]].itertuples(index=False, name=None)) == [
        (3, "amount", "rejected")
    ]


@pytest.mark.parametrize(
    ("column", "problem"),
    [
        (
            {"name": "Amount", "from": "amount", "digits": 18},
            "files[0].columns[0].digits: only allowed with type: number (type is 'text')",
        ),
        (
            {"name": "Amount", "from": "amount", "type": "number", "decimals": 2},
            "files[0].columns[0].digits: None is not a positive whole number (decimals needs "
            "digits)",
        ),
        (
            {"name": "Amount", "from": "amount", "type": "number", "digits": 2, "decimals": 2},
            "files[0].columns[0].decimals: 2 is not less than digits (2)",
        ),
    ],
)
def test_number_size_keys_are_checked(tmp_path: Path, column: dict, problem: str) -> None:
    doc = {
        "kind": "target",
        "version": 1,
        "name": "t",
        "files": [{"name": "deals.csv", "records": "deals", "columns": [column]}],
    }
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_target(str(path))
    assert problem in str(err.value)


# ----------------------------------------------------------------------------- import.xlsx size


@pytest.mark.parametrize(
    ("limit", "requested", "written", "reason"),
    [
        (50_000, "auto", True, "small"),
        (3, "auto", False, "too-many-records"),
        (3, "always", True, "always"),
        (50_000, "never", False, "never"),
    ],
    ids=["small", "too-many-records", "always", "never"],
)
def test_import_workbook_only_when_small_or_asked_for(
    tmp_path: Path, gen: ExportResult, targets, limit, requested, written, reason
) -> None:
    from dataclasses import replace

    from migrate.export.write import import_workbook

    base = targets["generic"]
    target = replace(base, output=replace(base.output, workbook_max_records=limit))
    plan = import_workbook(gen, target, requested)
    records = sum(len(f) for f in gen.files.values())
    assert records > 3
    assert plan == {
        "file": "import.xlsx",
        "written": written,
        "reason": reason,
        "records": records,
        "max_records": limit,
    }
    paths = write_import_files(gen, tmp_path, target, workbook=requested)
    assert (tmp_path / "import.xlsx").exists() is written
    assert (tmp_path / "companies.csv") in paths  # the CSVs are the import files, always
    assert import_workbook(gen, targets["salesforce"]) is None  # a profile without a workbook


@pytest.mark.parametrize("bad", [-1, "many", 2.5, True])
def test_workbook_max_records_must_be_a_count(tmp_path: Path, bad) -> None:
    problems = _profile_problems(tmp_path, lambda d: d["output"].update(workbook_max_records=bad))
    assert any("output.workbook_max_records" in p and "whole number" in p for p in problems)


@pytest.mark.parametrize(
    "dtype",
    # Arrow texts (pandas 3's str columns, as the export builds them): the rows are joined in
    # Arrow (export/write.py ``_rows``); object cells (None, a number) from their lists
    ["object", pd.StringDtype("pyarrow")],
    ids=["object", "arrow"],
)
def test_written_csv_quotes_per_rfc4180_in_blocks(tmp_path: Path, monkeypatch, dtype) -> None:
    import migrate.export.write as w

    monkeypatch.setattr(w, "CSV_BLOCK", 2)  # several blocks, the last one short
    arrow = dtype != "object"
    a = ["x", 'say "hi"', "" if arrow else None, "l1\nl2", "cr\ronly"]
    frame = pd.DataFrame({"a": a, "b": ["1,5", "", "z", "q", "7" if arrow else 7]}, dtype=dtype)
    path = write_csv(frame, tmp_path / "f.csv", newline="\n")
    assert path.read_bytes().decode("utf-8") == (
        'a,b\nx,"1,5"\n"say ""hi""",\n,z\n"l1\nl2",q\n"cr\ronly",7\n'
    )


@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", "、"], ids=["comma", "semicolon", "tab", "ideographic-comma"]
)
def test_the_byte_search_for_fields_to_quote_finds_what_the_pattern_finds(delimiter) -> None:
    """export/write.py ``_may_hold`` searches an Arrow column's UTF-8 bytes at once: it finds
    a character to quote exactly where the pattern finds one, in every block of rows (a
    slice of a larger column, whose buffer holds the other rows' bytes too)."""
    from migrate.export.write import _may_hold

    texts = ["東京都", "a,b", 'say "x"', "l1\nl2", "cr\r", "", "全角、読点", "tab\tx", "x;y", "ｶﾀｶﾅ"]  # fmt: skip
    column = pd.Series(texts * 2, dtype=pd.StringDtype("pyarrow"))
    special = "[" + re.escape(delimiter) + '"\r\n]'
    for start in range(len(column)):
        for stop in range(start, len(column) + 1):
            block = column.iloc[start:stop]
            expected = bool(block.str.contains(special, regex=True).any())
            assert _may_hold(block, (delimiter, '"', "\r", "\n")) == expected, (start, stop)


def test_texts_left_as_they_are_are_the_cells_of_the_per_value_rules(
    targets: dict[str, TargetProfile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cells of a column's texts that no rule changes, taken at once (export/cells.py
    ``_text_cells``), are those of asking each text: every column type, cut or not, texts
    with edge whitespace, control characters, formula starts, over-long ones and blanks."""
    from migrate.export import cells as ec
    from migrate.export.findings import BuildFindings
    from migrate.export.profile import ColumnSpec

    values = [
        "plain", "山田 太郎", " lead", "trail ", "\ttab", "=1+2", "+81312345678", "+evil()",
        "-5", "-x", "@cosme", "@x(1)", "ctl\x01x", "del\x7f", "line\nbreak", "x" * 12, "",
        "   ", None, NAN, "a,b", "ｶﾀｶﾅ", "\u3000全角空白", "ok\r",
    ]  # fmt: skip
    raw = pd.Series(values * 2, dtype=object)
    recs = pd.DataFrame(
        {"_source_file": "f.xlsx", "_source_sheet": "s", "_source_row": range(len(raw))}
    )
    spec = targets["generic"].files[0]
    for target in (targets["generic"], targets["salesforce"]):
        for kind in ("text", "id", "email", "phone", "url", "picklist"):
            for limit, cut in ((None, False), (10, True), (10, False)):
                col = ColumnSpec(name="x", type=kind, max_length=limit, truncate=cut)  # type: ignore[arg-type]
                got_found, want_found = BuildFindings(), BuildFindings()
                got = ec._cells(col, raw, recs, spec, target, {}, {}, got_found)
                with monkeypatch.context() as m:
                    m.setattr(ec, "_text_cells", lambda ask, c, texts: [ask(t) for t in texts])
                    want = ec._cells(col, raw, recs, spec, target, {}, {}, want_found)
                assert list(got) == list(want), (kind, limit, cut)
                assert got_found.items == want_found.items, (kind, limit, cut)


def test_a_card_of_a_company_with_deals_is_its_contact_not_a_lead(
    targets: dict[str, TargetProfile], model: StageModel
) -> None:
    # a business-card export (no stage column: 'lead' inferred from the e-mail) of a company
    # that has a deal: the person is a Contact of that Account, not a Lead duplicating it; a
    # card of a company without deals, and a person whose row states 'lead', stay leads
    ents = entities(
        companies=[company("c1", "株式会社アルファ", 2), company("c2", "ベータ商事株式会社", 3)],
        contacts=[
            contact("p1", "c1", "大橋", "健", 5, email="k@alpha.co.jp"),
            contact("p2", "c2", "紅林", "修", 6, email="k@beta.jp"),
            contact("p3", "c1", "森", "彩", 7, email="m@alpha.co.jp"),
        ],
        deals=[
            deal("d1", "c1", "", "proposal", 2),
            deal("d2", "c1", "p1", "lead", 5, amount=NAN, close_date=""),
            deal("d3", "c2", "p2", "lead", 6, amount=NAN, close_date=""),
            deal("d4", "c1", "p3", "lead", 7, amount=NAN, close_date=""),
        ],
    )
    ents["deals"]["_stage_inferred"] = [False, True, True, False]
    result = build(targets["salesforce"], model, ents)
    assert list(result.files["Contact.csv"]["Migration_Id__c"]) == ["p1"]
    assert list(result.files["Contact.csv"]["Account.Migration_Id__c"]) == ["c1"]
    assert sorted(result.files["Lead.csv"]["Migration_Id__c"]) == ["p2", "p3"]
    f = result.findings[result.findings["rule"] == "export.contact-of-account"]
    assert list(f["row"]) == [5]


@pytest.mark.usefixtures("gx_by_mask")
def test_a_reject_whose_empty_value_was_a_formula_without_a_value_says_to_save_in_excel(
    tmp_path: Path,
) -> None:
    """u21: a workbook saved by a script keeps =EDATE(...) close dates without their values;
    every deal was rejected with 'fill it in the trackers, or choose a placeholder' while the
    fix is to open and save it in Excel. That fix comes first; a close date simply left empty
    keeps its own fix (the negative)."""
    from click.testing import CliRunner

    from migrate import pipeline
    from migrate.cli import cli

    src = Path(__file__).parent / "fixtures" / "formula-close-date-no-cache.xlsx"
    res = pipeline.run([str(src)], target="salesforce")
    rejects = res.export.rejects
    closing = rejects[rejects["column"] == "CloseDate"].set_index("source_rows")["fix"]
    key = f"{src.name}|案件|"
    for row in (2, 3, 4, 5):
        fix = closing[f"{key}{row}"]
        assert fix.startswith("Open and save the file in Excel"), fix
        assert f"row {row}: close_date is a formula without a saved value" in fix
        assert fix.endswith("policies.missing_close_date (fiscal-quarter-end, fixed, fill)")
    assert closing[f"{key}6"].startswith("add the expected close date")  # empty, no formula
    assert f"{key}7" not in closing.index  # a plain date is exported
    missing = {m["column"]: m for m in res.export.missing_required}
    assert missing["CloseDate"]["from_formulas"] == 4
    assert "from_formulas" not in missing["StageName"]
    # the summary line's hint and the report say it too
    out = tmp_path / "out"
    cli_res = CliRunner().invoke(
        cli, ["run", str(src), "--target", "salesforce", "--out", str(out)], obj={}
    )
    assert "in 4 of them it is a formula without a saved value" in cli_res.stderr
    assert "choose a placeholder" not in cli_res.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "計算結果が保存されていない数式のセル" in html
