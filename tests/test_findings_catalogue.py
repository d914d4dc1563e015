"""The finding catalogue (rules/findings.yaml): every id the tool emits is in it, in both languages.

Two ways of finding "every id": a static scan of the source (every string literal shaped like
an id, every f-string that builds one, and the ids the shipped rule files define) and full runs
(sample_data for salesforce, hubspot, generic and an audit; tests/fixtures), whose findings.csv,
rejects.csv, crosswalk reasons and failed-file codes must all be catalogued (the three target
runs of sample_data are tests/test_e2e.py's, checked there with ``assert_catalogued``). Then
the file's validation, the family of stage rules, reason texts and ``sfa-migrate explain``.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import shutil
from pathlib import Path
from typing import get_args

import pytest
import yaml
from click.testing import CliRunner

import migrate
from migrate import pipeline
from migrate.catalogue import (
    FILE,
    catalogue_path,
    explain,
    load_catalogue,
    reason_detail,
    rule_in,
)
from migrate.check.metrics import FAMILIES, METRICS
from migrate.check.words import WORDS as CHECK_WORDS
from migrate.cli import cli
from migrate.errors import RuleFileError
from migrate.ingest.layout import RowClass
from migrate.report.text import WORDS, reason_text
from migrate.report.workbook import WB_WORDS
from migrate.rules import DEFAULT_RULES_DIR

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(migrate.__file__).resolve().parent
SAMPLE = ROOT / "sample_data"
FIX = Path(__file__).parent / "fixtures"

ID_SHAPE = re.compile(r"^[a-z][a-z0-9]*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Literals shaped like an id that are not findings: file names ...
FILE_SUFFIXES = (".yaml", ".csv", ".xlsx", ".html", ".json", ".xml")
#: ... the report's own words (their keys look like ids: "s.summary", "why.files-failed") ...
#: (the weekly check's words too: migrate/check/words.py)
UI_KEYS = set(WORDS) | set(WB_WORDS) | set(CHECK_WORDS)
#: ... and key paths of rule files named in messages (rules/normalize.yaml `amounts.units`,
#: a target profile's `output.bom`) or a record's field (`deal.currency`).
NOT_FINDING_IDS = {
    "amounts.currencies",
    "amounts.units",
    "probability.ranks",
    "thresholds.review",
    "output.bom",
    "output.currency",
    "output.delimiter",
    "output.encoding",
    "output.workbook",
    "deal.currency",
    "names.primary",  # a key path of dedupe.yaml in a rule-file error
    "scipy.stats",  # a module migrate/validate/gx.py defers while GX imports
    # table aliases of the SQL migrate/dedupe/sql.py renders
    "e.l",
    "e.r",
    "p.l",
    "p.r",
    "va.s",
    "vb.s",
}
#: ... and the metric ids of the quality check (migrate.check.metrics: rows.rejected-share,
#: required.<field> ...), which name figures, not findings.
NOT_FINDING_IDS |= set(METRICS)
METRIC_FAMILIES = tuple(FAMILIES)
#: Ids built at run time (an f-string that starts with the area of a catalogued id), and where
#: the values of the placeholder come from; _dynamic_ids() lists them, and they are checked.
DYNAMIC = {
    "normalize.": "the normalizer kinds of rules/normalize.yaml (types, fields, normalizers)",
    "sheet.": "the skip_sheet_names categories of rules/ingest.yaml (sheet.<category>)",
    "row.": "the row classes of migrate.ingest.layout.RowClass (row.<class>)",
}


def _source_ids() -> dict[str, list[str]]:
    """Every id-shaped string literal in migrate/, with where it is."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                continue  # f-strings: see _dynamic_prefixes
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and ID_SHAPE.match(node.value)
                and not node.value.endswith(FILE_SUFFIXES)
                and node.value not in UI_KEYS
                and node.value not in NOT_FINDING_IDS
                and not node.value.startswith(METRIC_FAMILIES)
            ):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(node.value, []).append(where)
    return found


def _dynamic_prefixes() -> dict[str, list[str]]:
    """f-strings that start with the area of a catalogued id (``f"normalize.{kind}"``), by their
    literal prefix (``f"fields.{name}"``, a key path in a rule-file message, is not an id)."""
    areas = {i.split(".", 1)[0] + "." for i in load_catalogue().entries}
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr) or not node.values:
                continue
            head = node.values[0]
            if not (isinstance(head, ast.Constant) and isinstance(head.value, str)):
                continue
            if len(node.values) > 1 and head.value in areas:
                found.setdefault(head.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _dynamic_ids() -> set[str]:
    """Ids the shipped rule files define (normalizer policies, stage rules, sheet categories)
    and the ids the code builds from a closed set (row classes)."""
    rules = DEFAULT_RULES_DIR
    normalize = yaml.safe_load((rules / "normalize.yaml").read_text(encoding="utf-8"))
    stages = yaml.safe_load((rules / "stages.yaml").read_text(encoding="utf-8"))
    ingest = yaml.safe_load((rules / "ingest.yaml").read_text(encoding="utf-8"))
    kinds = {*normalize["types"].values(), *normalize["fields"].values()}
    ids = set(normalize["normalizers"]) | {f"normalize.{k}" for k in kinds}
    ids |= {r["id"] for r in stages["requirements"]}
    ids |= {"sheet." + c.replace("_", "-") for c in ingest["skip_sheet_names"]}
    ids |= {f"row.{c}" for c in get_args(RowClass) if c != "data"}
    return ids


# ---------------------------------------------------------------------------------------------
# the catalogue itself


def test_every_entry_has_both_languages():
    cat = load_catalogue()
    assert len(cat.entries) >= 140
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    kana = re.compile(r"[\u3040-\u30ff]")
    for entry in [*cat.entries.values(), *cat.families]:
        for name in ("title", "meaning", "fix"):
            text = getattr(entry, name)
            assert japanese.search(text.ja), f"{entry.id}.{name}.ja is not Japanese: {text.ja!r}"
            assert not kana.search(text.en), f"{entry.id}.{name}.en is not English: {text.en!r}"
    for key, title in cat.themes:
        assert japanese.search(title.ja) and not kana.search(title.en), key


def test_the_shipped_catalogue_is_the_rules_file():
    assert catalogue_path() == DEFAULT_RULES_DIR / FILE
    assert (ROOT / "rules" / FILE).is_file()  # rules/ at the top links to migrate/rules


# ---------------------------------------------------------------------------------------------
# static: every id the source and the shipped rule files can emit


def test_every_id_literal_in_the_source_is_catalogued():
    cat = load_catalogue()
    missing = {i: where[:2] for i, where in _source_ids().items() if i not in cat.entries}
    assert not missing, (
        "finding ids without an entry in migrate/rules/findings.yaml (add one, with ja and en; "
        f"or, if the string is not a finding id, list it in NOT_FINDING_IDS here): {missing}"
    )


def test_ids_built_at_run_time_come_from_rule_files_whose_ids_are_catalogued():
    prefixes = _dynamic_prefixes()
    unknown = {p: w for p, w in prefixes.items() if p not in DYNAMIC}
    assert not unknown, f"ids built by f-strings with no documented source: {unknown}"
    cat = load_catalogue()
    missing = sorted(i for i in _dynamic_ids() if i not in cat.entries)
    assert not missing, f"ids built at run time without a catalogue entry: {missing}"


def test_no_entry_is_stale():
    cat = load_catalogue()
    emitted = set(_source_ids()) | _dynamic_ids()
    stale = sorted(set(cat.entries) - emitted)
    assert not stale, f"catalogue entries for ids nothing emits any more: {stale}"


# ---------------------------------------------------------------------------------------------
# dynamic: full runs


# sample_data for each target: tests/test_e2e.py applies assert_catalogued to its own runs
# of them (a sample run costs seconds; the two modules ran the same three runs)
RUNS = {
    "audit": ([SAMPLE], None),
    "fixtures": ([FIX], "salesforce"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    cache: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in cache:
            paths, target = RUNS[name]
            out = tmp_path_factory.mktemp(name) / "out"
            pipeline.run([str(p) for p in paths], out=out, target=target)
            cache[name] = out
        return cache[name]

    return get


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", list(RUNS))
def test_every_id_a_full_run_writes_is_catalogued(runs, name):
    assert_catalogued(name, runs(name))


def assert_catalogued(name: str, out: Path) -> None:
    """Every id the run in ``out`` wrote (findings, rejects, crosswalk reasons, failed-file
    codes) has a catalogue entry with both titles and a fix."""
    cat = load_catalogue()
    seen = {r["rule"] for r in _csv(out / "findings.csv")}
    seen |= {r["rule"] for r in _csv(out / "rejects.csv") if r["rule"]}
    seen |= {rule_in(part) for r in _csv(out / "crosswalk.csv") for part in r["reason"].split("; ")}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    seen |= {f["code"] for f in report["files"] if f.get("code")}
    seen.discard("")
    assert seen, "the run emitted nothing to check"
    missing = sorted(i for i in seen if cat.entry(i) is None)
    assert not missing, f"{name}: ids written by the run without a catalogue entry: {missing}"
    for rule in seen:
        entry = cat.entry(rule)
        assert entry is not None and entry.title.ja and entry.title.en and entry.fix.ja


# ---------------------------------------------------------------------------------------------
# the rule file is validated like the others


def _rules_copy(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    return rules


def test_a_broken_catalogue_is_reported_whole_with_key_paths(tmp_path):
    rules = _rules_copy(tmp_path)
    path = rules / FILE
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["findings"]["normalize.unparseable-date"]["colour"] = "red"
    del doc["findings"]["normalize.unknown-stage"]["fix"]["en"]
    doc["findings"]["dedupe.merged"]["severity"] = "fatal"
    doc["findings"]["export.truncated"]["theme"] = "nowhere"
    doc["findings"]["Not An Id"] = doc["findings"]["export.truncated"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError) as exc:
        load_catalogue(rules)
    text = str(exc.value)
    assert text.startswith(f"{path}: 5 problem(s)")
    assert "findings.normalize.unparseable-date.colour: unknown key" in text
    assert "findings.normalize.unknown-stage.fix: missing required key 'en'" in text
    assert "findings.dedupe.merged.severity: 'fatal' is not allowed" in text
    assert "findings.export.truncated.theme: 'nowhere' is not allowed" in text
    assert "findings.Not An Id: is not a finding id" in text


def test_a_rules_folder_without_the_catalogue_uses_the_shipped_one(tmp_path):
    rules = _rules_copy(tmp_path)
    (rules / FILE).unlink()  # a copy made by `rules init` before the catalogue existed
    assert load_catalogue(rules).path == str((DEFAULT_RULES_DIR / FILE).resolve())


def test_a_team_can_reword_an_entry(tmp_path):
    rules = _rules_copy(tmp_path)
    path = rules / FILE
    text = path.read_text(encoding="utf-8").replace("日付として読めない値", "日付が読めません")
    path.write_text(text, encoding="utf-8")
    assert load_catalogue(rules).title("normalize.unparseable-date", "ja") == "日付が読めません"


# ---------------------------------------------------------------------------------------------
# families, reasons


def test_a_stage_rule_a_team_adds_is_explained_by_the_family(tmp_path):
    rules = _rules_copy(tmp_path)
    path = rules / "stages.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "requirements:\n",
        "requirements:\n"
        "  - id: deals.owner-missing\n"
        "    applies_to: [proposal]\n"
        "    require: [owner]\n"
        "    severity: warning\n"
        "    message: {ja: 提案中の案件には担当者が必要です, en: Proposals need an owner}\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    out = explain("deals.owner-missing", lang="ja", rules=rules)
    assert "提案中の案件には担当者が必要です" in out and "rules/stages.yaml" in out
    assert load_catalogue(rules).entry("stages.some-rule").family == "stages.*"


@pytest.mark.parametrize(
    ("reason", "rule", "detail"),
    [
        (
            "Opportunity.csv: CloseDate is required but empty [validate.required-missing]",
            "validate.required-missing",
            "Opportunity.csv: CloseDate is required but empty",
        ),
        (
            "normalize.amount-precision: '1e400' is beyond any number",
            "normalize.amount-precision",
            "'1e400' is beyond any number",
        ),
        ("row.subtotal", "row.subtotal", ""),
        ("merged into a.xlsx|S|3", "", "merged into a.xlsx|S|3"),
    ],
    ids=["export-rejection", "normalize-rejection", "bare-code", "no-id"],
)
def test_the_id_inside_a_reason(reason, rule, detail):
    assert rule_in(reason) == rule
    assert reason_detail(reason) == detail


def test_reasons_are_translated_and_keep_their_specifics():
    cat = load_catalogue()
    two = (
        "Opportunity.csv: CloseDate is required but empty [validate.required-missing]; "
        "Opportunity.csv: Amount is in USD but the org currency is JPY [export.foreign-currency]"
    )
    # the title in Japanese, the message too (its specifics as written: file, column, currency)
    assert reason_text(two, "ja", cat) == (
        "必須項目が空 — Opportunity.csv: 必須の CloseDate が空です; "
        "組織の通貨と違う通貨の金額 — Opportunity.csv: 金額は USD ですが、組織の通貨は JPY です"
    )
    assert reason_text(two, "en", cat) == (
        "Required field empty — Opportunity.csv: CloseDate is required but empty; "
        + reason_text(two, "en", cat).split("; ")[1]
    )
    assert "Amount is in USD" in reason_text(two, "en", cat)
    assert reason_text("sheet.pivot", "en", cat) == "Pivot table or summary"
    assert reason_text("merged into a.csv||3", "ja", cat) == "統合先 a.csv||3"
    assert reason_text("something else", "ja", cat) == "something else"


def test_a_reason_whose_message_holds_a_semicolon_stays_one_reason():
    """u20: a Japanese report.html listed 'a sub-table line belongs to the record above it' in
    English as a reason of its own: the reasons of a cell were split at every ';', the middle of
    one message too. A new reason starts only with a finding id, an import file or a merge."""
    from migrate.catalogue import split_reasons

    one = (
        "ingest.row-without-record: no company, person or deal in this row (notes 'x'): "
        "nothing to import; a sub-table line belongs to the record above it"
    )
    assert split_reasons(f"{one}; merged into a.csv||3; row.subtotal") == [
        one,
        "merged into a.csv||3",
        "row.subtotal",
    ]
    ja = reason_text(one, "ja", load_catalogue())
    assert ja.endswith("表の中の明細行なら、上の行の記録の一部です") and "sub-table" not in ja


def test_a_findings_own_message_in_japanese_keeps_its_specifics():
    cat = load_catalogue()
    said = cat.message(
        "validate.parent-rejected",
        "OpportunityContactRole.csv: rejected, parent rejected: the Opportunity.csv record "
        "D-02e9 that Opportunity.Migration_Id__c points to was rejected",
        "ja",
    )
    assert said == (
        "OpportunityContactRole.csv: Opportunity.Migration_Id__c が指す Opportunity.csv の記録 "
        "D-02e9 が除外されたので、これも除外しました"
    )
    # a pattern (stages.*) covers the stage rules, whichever language their head is in
    msg = "進行中の案件の受注予定日が過ぎています (stage 'proposal': close_date 2026-07-05 is before today (2026-08-23))"
    assert cat.message("stages.open-close-date-past", msg, "ja") == (
        "進行中の案件の受注予定日が過ぎています（ステージ '提案': 受注予定日 2026-07-05 が今日（2026-08-23）より前）"
    )  # the field and the stage in the report's Japanese words, not their keys (close_date)
    # a stage key the stage model does not know stays as written
    odd = msg.replace("'proposal'", "'demo'")
    assert "ステージ 'demo':" in cat.message("stages.open-close-date-past", odd, "ja")
    # English stays as written; a message no form reads stays as written; an unknown id too
    assert cat.message("stages.open-close-date-past", msg, "en") == msg
    assert cat.message("validate.required-missing", "something new", "ja") == "something new"
    assert cat.message("no.such-id", "StageName is required but empty", "ja") == (
        "StageName is required but empty"
    )


def test_every_shipped_message_form_names_a_catalogued_id_and_reads_its_example():
    cat = load_catalogue()
    assert len(cat.details) >= 40
    for rule_id, forms in cat.details.items():
        assert "*" in rule_id or cat.entry(rule_id) is not None, rule_id
        assert forms, rule_id


def test_a_broken_message_form_is_reported_with_its_key(tmp_path):
    rules = _rules_copy(tmp_path)
    path = rules / FILE
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    forms = doc["details"]
    forms["validate.required-missing"][0]["ja"] = "{col} と {nothing}"
    forms["normalize.unparseable-date"][0]["example"] = "does not fit"
    forms["normalize.negative-amount"][0]["en"] = "(unclosed"
    forms["no.such-finding"] = forms["normalize.unparseable-probability"]
    forms["normalize.phone-extension"][0]["ja"] = "内線 {x} を外しました {"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError) as exc:
        load_catalogue(rules)
    text = str(exc.value)
    assert (
        "details.validate.required-missing[0].ja: names nothing, which en does not capture" in text
    )
    assert "details.normalize.unparseable-date[0].example: is not read by en" in text
    assert "details.normalize.negative-amount[0].en: is not a regular expression" in text
    assert "details.no.such-finding: names no finding of findings:" in text
    assert "details.normalize.phone-extension[0].ja: is not a sentence with {name} places" in text


def test_the_japanese_report_says_rejections_in_japanese(tmp_path):
    src = tmp_path / "deals.csv"
    src.write_text(
        "会社名,案件名,金額,受注予定日,ステージ\n"
        "株式会社テスト,基幹刷新,1000000,,提案\n"
        "株式会社テスト2,保守,2000000,2026-05-01,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    pipeline.run([str(src)], out=out, target="salesforce", lang="ja")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "必須の CloseDate が空です" in html
    assert "CloseDate is required but empty" not in html
    out_en = tmp_path / "out_en"
    pipeline.run([str(src)], out=out_en, target="salesforce", lang="en")
    assert "CloseDate is required but empty" in (out_en / "report.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# sfa-migrate explain


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), obj={}, catch_exceptions=False)


def test_explain_prints_meaning_and_fix_in_both_languages():
    res = invoke("explain", "normalize.unparseable-date")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0] == "normalize.unparseable-date"
    assert "  日付として読めない値" in lines and "  Not a date" in lines
    assert any(line.startswith("  対処: ") for line in lines)
    assert any(line.startswith("  fix: ") for line in lines)


def test_explain_in_one_language():
    res = invoke("explain", "validate.required-missing", "--lang", "en")
    assert res.exit_code == 0
    assert "Required field empty" in res.stdout and "必須" not in res.stdout


def test_explain_an_unknown_id_is_one_line_with_close_matches():
    res = invoke("explain", "normalize.unparsable-date")
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.splitlines() == [
        "error: 'normalize.unparsable-date' is not a finding id; did you mean "
        "normalize.unparseable-date? (or normalize.unparseable-amount, normalize.unparseable-number)"
    ]
    res = invoke("explain", "zzz")
    assert res.exit_code == 2 and len(res.stderr.splitlines()) == 1
    assert "sfa-migrate explain` lists every id" in res.stderr


def test_explain_without_an_id_lists_every_id():
    res = invoke("explain", "--lang", "ja")
    assert res.exit_code == 0
    listed = {line.split()[0] for line in res.stdout.splitlines() if line.startswith("  ")}
    assert set(load_catalogue().entries) | {"stages.*"} == listed
