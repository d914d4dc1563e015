"""The CLI through click's CliRunner: exit codes, first lines of user errors, JSON shape, outputs."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from migrate import pipeline
from migrate.cli import cli

# GX answers from the failing-row mask (tests/conftest.py, gx_by_mask): GX is not what
# this module is about; the whole-pipeline GX runs are tests/test_e2e.py and the catalogue
pytestmark = pytest.mark.usefixtures("gx_by_mask")

FIX = Path(__file__).parent / "fixtures"


def invoke(*args: str):
    runner = CliRunner()
    return runner.invoke(cli, list(args), obj={}, catch_exceptions=False)


def test_inspect_json_shape_is_stable():
    res = invoke("inspect", "--json", str(FIX / "header-on-row-4.xlsx"))
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert isinstance(data, list) and len(data) == 1
    sheet = data[0]
    assert list(sheet) == [
        "file",
        "sheet",
        "kind",
        "reason",
        "skipped_rows_count",
        "header_row",
        "data_rows",
        "skipped_rows",
        "columns",
        "stage_words",
    ]
    assert sheet["header_row"] == 4 and sheet["data_rows"] == [5, 6, 7, 8, 9, 10]
    assert sheet["skipped_rows"][0] == {"row": 1, "reason": "row.title"}
    assert list(sheet["columns"][0]) == [
        "header",
        "column",
        "field",
        "confidence",
        "method",
        "evidence",
    ]


def test_inspect_json_equals_the_library_result():
    res = invoke("inspect", "--json", str(FIX / "rep-master-sheet.xlsx"))
    lib = pipeline.inspect([str(FIX / "rep-master-sheet.xlsx")])
    assert json.loads(res.stdout) == pipeline.describe_sheets(lib)
    assert [{k: v for k, v in d.items() if k != "stage_words"} for d in json.loads(res.stdout)] == [
        t.to_json() for t in lib.tables
    ]


def test_csv_sheet_is_empty_string():
    res = invoke("inspect", "--json", str(FIX / "shift-jis.csv"))
    assert json.loads(res.stdout)[0]["sheet"] == ""


def test_missing_file_exit_2_when_nothing_read():
    res = invoke("inspect", str(FIX / "nope.xlsx"))
    assert res.exit_code == 2
    assert res.stderr.splitlines()[0] == f"error: {FIX / 'nope.xlsx'}: no such file or directory"


def test_some_files_failed_exit_1_and_others_processed(tmp_path):
    res = invoke(
        "run",
        str(FIX / "encrypted.xlsx"),
        str(FIX / "header-on-row-4.xlsx"),
        "--out",
        str(tmp_path / "o"),
    )
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0].startswith(
        f"error: {FIX / 'encrypted.xlsx'}: is password-protected"
    )
    assert "Traceback" not in res.stderr
    assert (tmp_path / "o" / "records.csv").exists()


def test_a_sub_folder_left_unread_is_named(tmp_path):
    import shutil

    folder = tmp_path / "trackers"
    (folder / "east" / "2025").mkdir(parents=True)
    (folder / "archive").mkdir()
    shutil.copy(FIX / "header-on-row-4.xlsx", folder)
    shutil.copy(FIX / "header-on-row-4.xlsx", folder / "east" / "2025" / "tracker.xlsx")
    (folder / "archive" / "readme.md").write_text("old files", "utf-8")
    res = invoke("audit", str(folder), "--out", str(tmp_path / "o"))
    assert res.exit_code in (0, 1), res.stderr
    notes = [line for line in res.stderr.splitlines() if line.startswith("note:")]
    assert notes == [
        f"note: sub-folder {folder / 'east'}/ was not read (a folder is read one level deep); "
        "it holds 1 spreadsheet file(s): give it as an input too if they are trackers"
    ]


def test_an_audit_says_how_much_is_wrong_and_how_to_see_what_an_import_refuses(tmp_path):
    # "0 rejected" alone read as clean data: the findings line counts what is wrong
    src = tmp_path / "deals.csv"
    src.write_text(
        "会社名,案件名,金額,受注予定日,ステージ\n"
        "株式会社テスト,基幹刷新,1000000,,クロージング\n"
        "株式会社テスト2,保守,2000000,2026-05-01,謎の言葉\n",
        encoding="utf-8",
    )
    res = invoke("audit", str(src), "--out", str(tmp_path / "o"))
    lines = res.stderr.splitlines()
    found = [x for x in lines if x.startswith("findings: ")]
    assert len(found) == 1 and " warning" in found[0] and "most frequent: " in found[0]
    assert "Stage word not in the stage model (1)" in found[0]
    assert any(x.startswith("no import was checked (audit): run with --target") for x in lines)
    res = invoke("run", str(src), "--target", "generic", "--out", str(tmp_path / "r"))
    assert any(x.startswith("findings: ") for x in res.stderr.splitlines())
    assert not any(x.startswith("no import was checked") for x in res.stderr.splitlines())


@pytest.mark.parametrize(
    "name", ["corrupt.xlsx", "not-a-spreadsheet.xlsx", "encrypted.xlsx", "empty.xlsx"]
)
def test_bad_file_alone_is_exit_2_with_one_line(name, tmp_path):
    res = invoke("run", str(FIX / name), "--out", str(tmp_path / "o"))
    assert res.exit_code in (1, 2)
    first = res.stderr.splitlines()[0]
    assert first.startswith(f"error: {FIX / name}: ")
    assert "Traceback" not in res.stderr


def test_broken_rule_file_is_a_user_error(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    src = Path(pipeline.__file__).resolve().parent.parent / "rules"
    for p in src.glob("*.yaml"):
        (rules / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (rules / "columns.yaml").write_text(
        "kind: columns\nversion: 1\nfields:\n  company_name:\n    entity: firm\n"
        "    type: company\n    synonyms: [会社名]\n    colour: red\n",
        encoding="utf-8",
    )
    res = invoke("--rules", str(rules), "inspect", str(FIX / "header-on-row-4.xlsx"))
    assert res.exit_code == 2
    assert "columns.yaml" in res.stderr.splitlines()[0]
    assert "fields.company_name.colour: unknown key" in res.stderr
    assert "fields.company_name.entity: 'firm' is not allowed" in res.stderr


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_run_accounts_for_every_row(tmp_path):
    out = tmp_path / "o"
    res = invoke("run", str(FIX), "--out", str(out))
    assert res.exit_code == 1  # the bad fixtures fail, the rest is processed
    crosswalk = _read_csv(out / "crosswalk.csv")
    records = _read_csv(out / "records.csv")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    data_keys = {(r["source_file"], r["source_sheet"], r["source_row"]) for r in records}
    cw_data = {
        (r["source_file"], r["source_sheet"], r["source_row"])
        for r in crosswalk
        if r["status"] != "skipped"
    }
    assert data_keys == cw_data
    for sheet in report["sheets"]:
        n_skipped = sum(v for k, v in sheet["rows"].items() if k not in ("data", "blank"))
        in_cw = [
            r
            for r in crosswalk
            if r["source_file"] == sheet["file"] and r["source_sheet"] == sheet["sheet"]
        ]
        assert len(in_cw) == sheet["rows"]["data"] + n_skipped
    statuses = {r["status"] for r in crosswalk}
    assert statuses <= {"exported", "merged", "rejected", "skipped"}
    assert all(r["reason"] for r in crosswalk if r["status"] == "skipped")


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.mark.slow
def test_run_is_deterministic(tmp_path):
    files = [str(FIX / n) for n in ("header-on-row-4.xlsx", "two-row-header.xlsx", "shift-jis.csv")]
    invoke("run", *files, "--out", str(tmp_path / "a"))
    invoke("run", *files, "--out", str(tmp_path / "b"))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_out_dir_keeps_only_this_runs_outputs(tmp_path):
    out = tmp_path / "o"
    invoke("run", str(FIX / "header-on-row-4.xlsx"), "--out", str(out), "--target", "salesforce")
    assert (out / "Account.csv").exists()
    invoke("run", str(FIX / "header-on-row-4.xlsx"), "--out", str(out))
    assert not (out / "Account.csv").exists()  # written by the previous run only: removed
    assert not [p for p in out.iterdir() if p.name.startswith(".sfa-migrate-tmp-")]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".o.")]


def test_mapping_round_trip_wins_over_detection(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    res = invoke("inspect", str(FIX / "header-on-row-4.xlsx"), "--write-mapping", str(mapping))
    assert res.exit_code == 0
    doc = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    sheet = doc["files"]["header-on-row-4.xlsx"]["sheets"]["案件一覧"]
    assert sheet["header_row"] == 4
    # a person corrects the mapping: column B is our rep, not the customer's contact
    for c in sheet["columns"]:
        if c["column"] == "B":
            c["field"] = "owner"
    mapping.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    res = invoke("inspect", "--json", "--mapping", str(mapping), str(FIX / "header-on-row-4.xlsx"))
    cols = json.loads(res.stdout)[0]["columns"]
    assert next(c for c in cols if c["column"] == "B")["field"] == "owner"


def test_mapping_can_skip_a_sheet_and_reports_bad_fields(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "kind: mapping\nversion: 1\nfiles:\n  header-on-row-4.xlsx:\n    sheets:\n      案件一覧:\n        skip: true\n",
        encoding="utf-8",
    )
    res = invoke("inspect", "--json", "--mapping", str(mapping), str(FIX / "header-on-row-4.xlsx"))
    assert json.loads(res.stdout)[0]["kind"] == "skipped"
    mapping.write_text(
        "kind: mapping\nversion: 1\nfiles:\n  a.xlsx:\n    sheets:\n      S:\n        columns:\n"
        "          - {column: A, field: compnay}\n",
        encoding="utf-8",
    )
    res = invoke("inspect", "--mapping", str(mapping), str(FIX / "header-on-row-4.xlsx"))
    assert res.exit_code == 2
    assert "'compnay' is not a canonical field" in res.stderr


def test_python_dash_m_works():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "migrate", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0 and "inspect" in out.stdout


def test_rules_from_a_config_file_in_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SFA_MIGRATE_RULES", raising=False)
    assert invoke("rules", "init", "team-rules").exit_code == 0
    again = invoke("rules", "init", "team-rules")
    assert again.exit_code == 2 and "exists already" in again.stderr
    cols = tmp_path / "team-rules" / "columns.yaml"
    cols.write_text(cols.read_text("utf-8").replace("kind: columns", "kind: colums"), "utf-8")
    (tmp_path / "sfa-migrate.yaml").write_text(
        "kind: config\nversion: 1\nrules: team-rules\n", encoding="utf-8"
    )
    res = invoke("inspect", str(FIX / "header-on-row-4.xlsx"))
    assert res.exit_code == 2 and "team-rules/columns.yaml" in res.stderr
    (tmp_path / "sfa-migrate.yaml").write_text("kind: config\nversion: 1\nrulez: x\n", "utf-8")
    res = invoke("inspect", str(FIX / "header-on-row-4.xlsx"))
    assert res.exit_code == 2 and "rulez: unknown key" in res.stderr


def test_inspect_shows_what_it_reads_on_a_terminal_only(monkeypatch):
    import migrate.cli

    path = str(FIX / "header-on-row-4.xlsx")
    monkeypatch.setattr(migrate.cli, "_on_terminal", lambda: True)
    shown = invoke("inspect", path)
    assert "\r  read: header-on-row-4.xlsx ... 0 s" in shown.stderr
    assert "  read: " in shown.stderr and "header row 4" in shown.stdout
    quiet = invoke("inspect", path, "--quiet")
    assert "  read" not in quiet.stderr and quiet.stdout == shown.stdout
    monkeypatch.setattr(migrate.cli, "_on_terminal", lambda: False)
    assert "  read" not in invoke("inspect", path).stderr  # piped: no progress


def _usd_deals(path: Path, currencies: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Account", "Opportunity", "Stage", "Amount", "Close Date"])
        for i, cur in enumerate(currencies):
            w.writerow(
                [f"Acme {i} Inc", f"Deal {i}", "Proposal", f"{cur}{(i + 1) * 1000}", "2026-05-31"]
            )
    return path


@pytest.mark.parametrize(
    ("currencies", "hint"),
    [
        # a new user's Airtable export: every amount in dollars, the org currency left at JPY
        (
            ["$"] * 5,
            "5 of 5 deals with an amount were rejected for a currency other than the "
            "org's JPY (USD): if the org's currency is USD, run again with --currency USD",
        ),
        (["$"] * 4 + ["¥"] * 2, "4 of 6 deals"),
        # a few foreign deals in a yen tracker, or no one currency: no hint
        (["$"] + ["¥"] * 5, ""),
        (["$", "$", "€", "€", "£"], ""),
    ],
    ids=["all-USD", "most-USD", "one-USD", "mixed"],
)
def test_the_run_summary_suggests_currency_when_most_deals_are_in_one_other(
    tmp_path, currencies, hint
):
    src = _usd_deals(tmp_path / "deals.csv", currencies)
    res = invoke("run", str(src), "--out", str(tmp_path / "o"), "--target", "salesforce")
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("hint:")]
    if hint:
        assert len(lines) == 1 and hint in lines[0], res.stderr
    else:
        assert not lines, res.stderr


@pytest.mark.parametrize(("dated", "hinted"), [(0, True), (1, True), (3, False)])
def test_the_run_summary_names_the_policy_when_most_deals_lack_a_required_value(
    tmp_path, dated, hinted
):
    """A tracker without close dates: Salesforce's CloseDate is required and the policy rejects,
    so every deal is rejected; the summary says one policy decides it and how to change it."""
    path = tmp_path / "deals.csv"
    rows = ["会社名,案件名,ステージ,金額,受注予定日"]
    for i in range(4):
        rows.append(
            f"株式会社テスト{i},案件{i},提案,{(i + 1) * 1000},{'2026-05-31' if i < dated else ''}"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = invoke("run", str(path), "--out", str(tmp_path / "o"), "--target", "salesforce")
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("hint:")]
    if hinted:
        assert len(lines) == 1, res.stderr
        assert lines[0].startswith(f"hint: {4 - dated} of 4 deals of Opportunity.csv were rejected")
        assert "policies.missing_close_date is reject" in lines[0]
        assert "DIR/targets/salesforce.yaml" in lines[0]
    else:
        assert not lines, res.stderr


def test_the_summary_counts_the_stage_words_waiting_in_review_xlsx(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(
        "会社名,案件名,ステージ,金額,受注予定日\n"
        "株式会社A,X,ネタ,100,2026-05-31\n"
        "株式会社B,Y,提案,200,2026-05-31\n",
        encoding="utf-8",
    )
    res = invoke("run", str(path), "--out", str(tmp_path / "o"), "--target", "salesforce")
    [line] = [ln for ln in res.stderr.splitlines() if ln.startswith("records:")]
    assert line.endswith(
        "0 pair(s) and 1 stage word(s) to review in review.xlsx (decide, then run again with "
        "--decisions)"
    ), line
    assert (tmp_path / "o" / "review.xlsx").exists()


def test_a_reader_that_stops_reading_is_no_bug(tmp_path: Path):
    """`sfa-migrate run ... 2>&1 | head -1`: head closes the pipe after one line, and the
    summary's next line finds it closed. That is no internal error: no crash log beside the
    outputs, the shell's code for a closed pipe."""
    import subprocess
    import sys

    tracker = tmp_path / "leads.csv"
    tracker.write_text("Company,Contact,Stage\nAcme,Ann Lee,Lead\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrate", "run", str(tracker), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before the summary's first line: that write finds the pipe closed
    assert proc.wait(timeout=120) == 141
    assert not list(out.glob("*error*.log"))
    assert (out / "records.csv").exists()
