"""Validation of import frames with Great Expectations: one test per check kind, parent
cascades, the summary, and GX running quietly and offline."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from migrate.validate import (
    CURRENCY,
    ID,
    PARENT_REJECTED,
    REJECT_COLUMNS,
    ROW_KEYS,
    STAGE,
    Check,
    FileRules,
    validate_files,
)


def _frame(*rows: dict) -> pd.DataFrame:
    """An import frame: visible string columns plus the hidden id and row keys."""
    out = []
    for i, r in enumerate(rows):
        out.append({ID: r.get("id", f"r{i}"), ROW_KEYS: f"in.xlsx|S|{i + 2}", **r})
    return pd.DataFrame(out).astype("object")


def _run(frame: pd.DataFrame, *checks: Check, name: str = "f.csv"):
    return validate_files({name: frame}, {name: FileRules(name, checks, "id")})


# ----------------------------------------------------------------------------- one per kind

CASES = [
    # (check, good value, bad value, reason id, reason text)
    (
        Check("not_null", "Name"),
        "Acme",
        "",
        "validate.required-missing",
        "Name is required but empty",
    ),
    (
        Check("null", "Name"),
        "",
        "x",
        "validate.must-be-empty",
        "Name must be empty here but holds 'x'",
    ),
    (
        Check("in_set", "Stage", values=("Open", "Won")),
        "Won",
        "won",
        "validate.not-in-picklist",
        "Stage 'won' is not an allowed value (Open, Won)",
    ),
    (
        Check("regex", "Amount", pattern=r"^-?[0-9]+(?:\.[0-9]+)?$"),
        "-5",
        "1,000",
        "validate.bad-format",
        "Amount '1,000' does not have the expected format",
    ),
    (
        Check("date", "CloseDate", pattern="%Y-%m-%d"),
        "2024-02-29",
        "2024-02-30",
        "validate.bad-date",
        "CloseDate '2024-02-30' is not a valid date (%Y-%m-%d)",
    ),
    (
        Check("date", "CloseDate", pattern="%Y-%m-%d"),
        "2024-02-29",
        "2024/02/01",
        "validate.bad-date",
        "CloseDate '2024/02/01' is not a valid date (%Y-%m-%d)",
    ),
    (
        Check("length", "Name", max=5),
        "abcde",
        "abcdef",
        "validate.too-long",
        "Name is 6 characters long; the target allows at most 5",
    ),
    (
        Check("between", "Probability", min=0, max=100),
        "100",
        "150",
        "validate.out-of-range",
        "Probability 150 is outside 0..100",
    ),
    (
        Check("between", "Probability", max=100),  # one bound only: the reason still reads
        "-5",
        "150",
        "validate.out-of-range",
        "Probability 150 is outside ..100",
    ),
    (
        Check("digits", "Amount", digits=18, decimals=2),
        "-9999999999999999.99",
        "1000000000000000000000000000000",
        "validate.too-many-digits",
        "Amount 1000000000000000000000000000000 has 31 digits before the point; the field is "
        "number(18,2): at most 16 digit(s) before the point and 2 after it",
    ),
    (
        Check("digits", "Amount", digits=18, decimals=2),
        "1234.56",
        "1234.567",
        "validate.too-many-digits",
        "Amount 1234.567 has 3 decimal(s); the field is number(18,2): at most 16 digit(s) "
        "before the point and 2 after it",
    ),
    (
        Check("digits", "Amount", digits=8),
        "12345678",
        "1.5",
        "validate.too-many-digits",
        "Amount 1.5 has 1 decimal(s); the field is number(8,0): at most 8 digit(s) before "
        "the point and none after it",
    ),
]


@pytest.mark.parametrize(
    ("check", "good", "bad", "rule", "reason"), CASES, ids=[f"{c[3]}-{c[2]}" for c in CASES]
)
def test_a_bad_value_is_rejected_with_its_reason(
    check: Check, good: str, bad: str, rule: str, reason: str
) -> None:
    frame = _frame({"id": "ok", check.column: good}, {"id": "bad", check.column: bad})
    result = _run(frame, check)
    assert list(result.files["f.csv"]["id"]) == ["ok"]
    assert len(result.rejects) == 1
    r = result.rejects.iloc[0]
    assert (r["file"], r["external_id"], r["rule"], r["column"], r["value"]) == (
        "f.csv",
        "bad",
        rule,
        check.column,
        bad,
    )
    assert r["reason"] == reason
    assert r["expectation"] == f"{check.expectation}"
    assert r["expectation"].startswith("expect_") and r["expectation"].endswith(f"({check.column})")
    assert r["fix"]
    assert r["source_rows"] == "in.xlsx|S|3"


def test_optional_columns_pass_when_empty() -> None:
    checks = [c for c, *_ in CASES if c.kind not in ("not_null",)]
    frame = _frame(
        {"id": "a", "Name": "", "Stage": "", "Amount": "", "CloseDate": "", "Probability": ""}
    )
    result = _run(frame, *checks)
    assert result.rejects.empty
    assert result.summary["f.csv"]["failed"] == 0


def test_duplicate_ids_reject_every_copy() -> None:
    frame = _frame({"id": "a"}, {"id": "b"}, {"id": "a"})
    result = _run(frame, Check("unique", "id"))
    assert list(result.files["f.csv"]["id"]) == ["b"]
    assert list(result.rejects["rule"]) == ["validate.duplicate-id"] * 2
    assert result.rejects.iloc[0]["reason"] == "id 'a' appears more than once in the file"


def test_at_least_one_of_several_columns() -> None:
    frame = _frame(
        {"id": "a", "email": "a@x.jp", "lastname": ""},
        {"id": "b", "email": "", "lastname": "山田"},
        {"id": "c", "email": "", "lastname": ""},
    )
    result = _run(frame, Check("any_of", "email", columns=("email", "lastname")))
    assert list(result.files["f.csv"]["id"]) == ["a", "b"]
    r = result.rejects.iloc[0]
    assert (r["external_id"], r["rule"]) == ("c", "validate.required-any-missing")
    assert r["reason"] == "at least one of email, lastname is required; all are empty"
    assert r["expectation"] == "expect_column_values_to_not_be_null(email|lastname)"


def test_a_missing_column_rejects_every_row() -> None:
    frame = _frame({"id": "a"}, {"id": "b"})
    result = _run(frame, Check("not_null", "Name"))
    assert result.files["f.csv"].empty
    assert set(result.rejects["rule"]) == {"validate.missing-column"}
    assert result.rejects.iloc[0]["reason"] == "column Name is missing from the file"
    assert result.rejects.iloc[0]["expectation"] == "expect_column_to_exist(Name)"


def test_stage_condition_only_checks_rows_at_those_stages() -> None:
    frame = _frame(
        {"id": "won-no-amount", STAGE: "won", "Amount": ""},
        {"id": "open-no-amount", STAGE: "opportunity", "Amount": ""},
        {"id": "won-amount", STAGE: "won", "Amount": "5"},
    )
    check = Check(
        "not_null",
        "Amount",
        rule="stages.amount-missing",
        when_stages=("won",),
        reason="Won deals need an amount: Amount is empty",
    )
    result = _run(frame, check)
    assert list(result.rejects["external_id"]) == ["won-no-amount"]
    assert result.rejects.iloc[0]["rule"] == "stages.amount-missing"
    assert result.rejects.iloc[0]["reason"] == "Won deals need an amount: Amount is empty"


def test_an_amount_in_another_currency_is_rejected_naming_its_currency() -> None:
    frame = _frame(
        {"id": "yen", "Amount": "5000", CURRENCY: "JPY"},
        {"id": "usd", "Amount": "27500", CURRENCY: "USD"},
        {"id": "eur", "Amount": "900", CURRENCY: "EUR"},
        {"id": "no-amount", "Amount": "", CURRENCY: "USD"},  # no amount, no currency to check
    )
    check = Check("currency", "Amount", values=("JPY",), fix="add {currency} to the org")
    result = _run(frame, check)
    r = result.rejects
    assert list(r["external_id"]) == ["usd", "eur"]
    assert set(r["rule"]) == {"export.foreign-currency"}
    assert (list(r["column"]), list(r["value"])) == (["Amount", "Amount"], ["27500", "900"])
    assert list(r["reason"]) == [
        "Amount is in USD but the org currency is JPY",
        "Amount is in EUR but the org currency is JPY",
    ]
    assert list(r["fix"]) == ["add USD to the org", "add EUR to the org"]
    assert set(r["expectation"]) == {"expect_column_values_to_be_in_set(Amount)"}
    assert result.summary["f.csv"]["expectations"] == 1
    assert list(result.files["f.csv"][ID]) == ["yen", "no-amount"]


def test_a_report_check_counts_but_keeps_the_rows() -> None:
    frame = _frame({"id": "a", STAGE: "won", "Amount": ""}, {"id": "b", STAGE: "won", "Amount": ""})
    check = Check(
        "not_null", "Amount", rule="stages.amount-missing", action="report", when_stages=("won",)
    )
    result = _run(frame, check)
    assert result.rejects.empty
    assert len(result.files["f.csv"]) == 2
    summary = result.summary["f.csv"]
    assert (summary["failed"], summary["rows_out"]) == (1, 2)
    assert summary["failures"] == [
        {
            "expectation": "expect_column_values_to_not_be_null(Amount)",
            "rule": "stages.amount-missing",
            "action": "report",
            "rows": 2,
        }
    ]


def test_every_failed_check_of_a_row_is_listed() -> None:
    frame = _frame({"id": "a", "Name": "", "Stage": "x"})
    result = _run(frame, Check("not_null", "Name"), Check("in_set", "Stage", values=("Open",)))
    assert list(result.rejects["rule"]) == ["validate.required-missing", "validate.not-in-picklist"]
    assert list(result.rejects.columns) == REJECT_COLUMNS


# ----------------------------------------------------------------------------- parents


def _family(account_name: str = "Acme") -> tuple[dict, dict]:
    frames = {
        "Account.csv": _frame({"id": "c1", "Name": account_name}, {"id": "c2", "Name": "Beta"}),
        "Contact.csv": _frame(
            {"id": "p1", "AccountId": "c1"},
            {"id": "p2", "AccountId": "c2"},
            {"id": "p3", "AccountId": ""},  # no account: fine
        ),
        "Opportunity.csv": _frame({"id": "d1", "AccountId": "c1"}, {"id": "d2", "AccountId": "c9"}),
        "Role.csv": _frame(
            {"id": "d1/p1", "DealId": "d1", "ContactId": "p1"},
            {"id": "d2/p2", "DealId": "d2", "ContactId": "p2"},
        ),
    }
    rules = {
        "Account.csv": FileRules("Account.csv", (Check("not_null", "Name"),), "id"),
        "Contact.csv": FileRules(
            "Contact.csv", (Check("parent", "AccountId", parent="Account.csv"),), "id"
        ),
        "Opportunity.csv": FileRules(
            "Opportunity.csv", (Check("parent", "AccountId", parent="Account.csv"),), "id"
        ),
        "Role.csv": FileRules(
            "Role.csv",
            (
                Check("parent", "DealId", parent="Opportunity.csv"),
                Check("parent", "ContactId", parent="Contact.csv"),
            ),
        ),
    }
    return frames, rules


def test_every_child_parent_exists() -> None:
    frames, rules = _family()
    result = validate_files(frames, rules)
    r = result.rejects.set_index("external_id")
    assert r.loc["d2", "rule"] == "validate.parent-missing"
    assert r.loc["d2", "reason"] == "AccountId 'c9' has no record in Account.csv"
    assert r.loc["d2", "expectation"] == "expect_column_values_to_be_in_set(AccountId)"
    # the role of d2 goes with it: its deal was rejected
    assert r.loc["d2/p2", "rule"] == PARENT_REJECTED
    assert list(result.files["Contact.csv"]["id"]) == ["p1", "p2", "p3"]


def test_children_of_a_rejected_parent_are_rejected_until_stable() -> None:
    frames, rules = _family(account_name="")
    result = validate_files(frames, rules)
    rejected = dict(zip(result.rejects["external_id"], result.rejects["rule"]))
    assert rejected == {
        "c1": "validate.required-missing",
        "p1": PARENT_REJECTED,
        "d1": PARENT_REJECTED,
        "d2": "validate.parent-missing",
        "d1/p1": PARENT_REJECTED,
        "d2/p2": PARENT_REJECTED,
    }
    row = result.rejects.set_index("external_id").loc["p1"]
    assert row["reason"] == (
        "parent rejected: the Account.csv record c1 that AccountId points to was rejected"
    )
    assert list(result.files["Role.csv"]["id"]) == []
    assert result.summary["Role.csv"]["rows_out"] == 0
    assert result.summary["Contact.csv"]["rejected"] == 1


def test_summary_counts_expectations_and_rows() -> None:
    frames, rules = _family()
    summary = validate_files(frames, rules).summary
    assert set(summary) == set(frames)
    s = summary["Opportunity.csv"]
    assert (s["expectations"], s["passed"], s["failed"]) == (1, 0, 1)
    assert (s["rows_in"], s["rows_out"], s["rejected"]) == (2, 1, 1)
    assert summary["Account.csv"] == {
        **summary["Account.csv"],
        "expectations": 1,
        "passed": 1,
        "failed": 0,
        "failures": [],
    }


def test_empty_files_validate() -> None:
    frame = pd.DataFrame({ID: [], ROW_KEYS: [], "Name": []}, dtype="object")
    result = _run(frame, Check("not_null", "Name"), Check("unique", "Name"))
    assert result.rejects.empty and result.files["f.csv"].empty


def test_input_frames_are_not_changed() -> None:
    frame = _frame({"id": "a", "Name": ""})
    before = frame.copy()
    _run(frame, Check("not_null", "Name"))
    pd.testing.assert_frame_equal(frame, before)


# ----------------------------------------------------------------------------- quiet & offline


def test_gx_runs_quietly_and_without_network(tmp_path: Path) -> None:
    """In a fresh interpreter with sockets blocked: nothing on stdout/stderr, no connection."""
    script = textwrap.dedent(
        """
        import socket, sys
        def refuse(*a, **k):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        import pandas as pd
        from migrate.validate import Check, FileRules, validate_files, ID, ROW_KEYS
        frame = pd.DataFrame({ID: ["a", "b"], ROW_KEYS: ["x|y|2", "x|y|3"], "N": ["1", ""]})
        rules = {"f.csv": FileRules("f.csv", (Check("not_null", "N"), Check("unique", ID)))}
        result = validate_files({"f.csv": frame}, rules)
        assert list(result.rejects["external_id"]) == ["b"], result.rejects
        import os
        assert os.environ["GX_ANALYTICS_ENABLED"] == "False"
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={"PATH": "", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == ""
