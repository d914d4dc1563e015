"""The rules bundle: every rule file read and checked once, into one immutable object."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import migrate.rules as rules_module
from migrate import pipeline
from migrate.bundle import Rules, clear_cache, load_rules_bundle
from migrate.errors import RuleFileError
from migrate.rules import DEFAULT_RULES_DIR, line_of, read_rule_doc
from migrate.schema import load_schema
from migrate.stages import load_stage_model

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    """An editable copy of the shipped rules."""
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once; return the 1-based line it is on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _error(folder: Path, section: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as err:
        getattr(load_rules_bundle(folder), section)
    return err.value


# ----------------------------------------------------------------------------- validation


def test_a_typo_in_an_ambiguous_header_is_caught_with_its_line(rules: Path) -> None:
    line = _edit(
        rules / "columns.yaml", "担当者: [contact_name, owner]", "担当者: [contact_nam, owner]"
    )
    with pytest.raises(RuleFileError) as err:
        load_schema(rules)
    problem = err.value.problems[0]
    assert problem.startswith(
        "ambiguous.担当者: 'contact_nam' is not a field (did you mean contact_name?); fields: "
    )
    assert "owner" in problem.split("fields: ", 1)[1]  # the allowed values
    assert err.value.lines == [line]
    assert f"columns.yaml:{line}: ambiguous.担当者: 'contact_nam'" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "{field: notes, any:",
            "{field: note, any:",
            "keywords[2].field: 'note' is not a field (did you mean notes?)",
            id="keyword-field",
        ),
        pytest.param(
            "{field: notes, any:",
            "{field: notes, colour: red, any:",
            "keywords[2].colour: unknown key; allowed: field, any, with",
            id="keyword-unknown-key",
        ),
        pytest.param(
            "  acct: account\n",
            "  acct: [account]\n",
            "abbreviations.acct: ['account'] is not a word",
            id="abbreviation-not-a-word",
        ),
        pytest.param(
            "  氏名: [contact_name, owner]\n",
            "  氏名: contact_name\n",
            "ambiguous.氏名: 'contact_name' is not a list of two or more fields",
            id="ambiguous-not-a-list",
        ),
    ],
)
def test_columns_vocabulary_is_checked(rules: Path, old: str, new: str, expected: str) -> None:
    line = _edit(rules / "columns.yaml", old, new)
    err = _error(rules, "schema")
    assert err.problems[0].startswith(expected), err.problems
    assert err.lines[0] == line


def test_every_problem_of_a_file_at_once(rules: Path) -> None:
    _edit(rules / "columns.yaml", "担当者: [contact_name, owner]", "担当者: [contact_nam, owner]")
    _edit(rules / "columns.yaml", "{field: notes, any:", "{field: note, any:")
    _edit(rules / "columns.yaml", "  fuzzy_min: 0.86", "  fuzzy_minimum: 0.86")
    err = _error(rules, "schema")
    assert len(err.problems) == 3, err.problems
    assert all(line is not None for line in err.lines)
    assert err.lines == sorted(err.lines)  # matching (top), ambiguous, keywords


SECTIONS = {
    "columns.yaml": "schema",
    "stages.yaml": "stages",
    "normalize.yaml": "normalize",
    "owners.yaml": "owners",
    "dedupe.yaml": "dedupe",
    "report.yaml": "report",
    "ingest.yaml": "ingest",
    "findings.yaml": "catalogue",
    "quality.yaml": "quality",
    "readings.yaml": "readings",
}


@pytest.mark.parametrize("name", list(SECTIONS))
def test_an_unknown_key_in_any_rule_file_is_an_error(rules: Path, name: str) -> None:
    path = rules / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\ncolour: blue\n", encoding="utf-8")
    err = _error(rules, SECTIONS[name])
    assert any(p.startswith("colour: unknown key; allowed: kind, version") for p in err.problems)
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert f"{name}:{line}: colour: unknown key" in str(err)


def test_an_unknown_key_in_a_target_profile_is_an_error(rules: Path) -> None:
    path = rules / "targets" / "generic.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_rules_bundle(rules).target("generic")
    assert err.value.problems[0].startswith("colour: unknown key")
    assert err.value.lines[0] == len(path.read_text(encoding="utf-8").splitlines())


def test_a_broken_file_stops_the_run_before_any_work(rules: Path, tmp_path: Path) -> None:
    # report.yaml is only used at the end of a run: it is checked at the start all the same
    _edit(rules / "report.yaml", "stale_days:", "stale_dayz:")
    out = tmp_path / "out"
    with pytest.raises(RuleFileError) as err:
        pipeline.run([str(FIXTURES / "tracker.tsv")], out=out, rules_dir=str(rules))
    assert err.value.path.endswith("report.yaml")
    assert not out.exists()


def test_line_of_a_key_path() -> None:
    doc = read_rule_doc(DEFAULT_RULES_DIR / "stages.yaml")
    text = (DEFAULT_RULES_DIR / "stages.yaml").read_text(encoding="utf-8").splitlines()
    first = line_of(doc.lines, "stages[0].key")
    assert first is not None and "key:" in text[first - 1]
    # a key path the file does not hold is placed at the nearest key it does hold
    assert line_of(doc.lines, "stages[0].colour") == line_of(doc.lines, "stages[0]")
    assert line_of(doc.lines, "nothing.here") is None


def test_a_yaml_syntax_error_names_its_line(rules: Path) -> None:
    line = _edit(rules / "owners.yaml", "kind: owners", "kind: [owners")
    err = _error(rules, "owners")
    assert "YAML syntax error" in err.problems[0]
    assert err.lines[0] is not None and err.lines[0] >= line


def test_a_key_written_twice_in_one_mapping_names_both_lines(rules: Path) -> None:
    # YAML keeps the last of two equal keys silently: the first rule would vanish unseen
    text = (rules / "stages.yaml").read_text(encoding="utf-8")
    first = text.splitlines().index("kind: stages") + 1
    (rules / "stages.yaml").write_text(text + "kind: stages\n", encoding="utf-8")
    err = _error(rules, "stages")
    assert err.problems == [f"kind: written twice (also at line {first}); keep one"]
    assert err.lines == [len(text.splitlines()) + 1]


# ----------------------------------------------------------------------------- loaded once


def test_each_rule_file_is_read_once_per_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reads: list[str] = []
    parse = rules_module._parse

    def counting(path: str):  # type: ignore[no-untyped-def]
        reads.append(Path(path).name)
        return parse(path)

    clear_cache()
    monkeypatch.setattr(rules_module, "_parse", counting)
    res = pipeline.run([str(FIXTURES / "tracker.tsv")], out=tmp_path / "out", target="salesforce")
    assert res.outputs  # a whole run, report included
    assert reads.count("stages.yaml") == 1
    assert sorted(reads) == sorted(set(reads)), reads  # every file once
    clear_cache()


def test_the_bundle_is_cached_per_directory_and_content(rules: Path) -> None:
    first = load_rules_bundle(rules)
    assert load_rules_bundle(str(rules)) is first
    assert Rules.load(rules) is first
    assert load_rules_bundle(first) is first  # a bundle stands for its directory
    assert load_stage_model(rules) is first.stages
    assert load_stage_model(first) is first.stages
    _edit(rules / "stages.yaml", "kind: stages", "kind: stages  # edited")
    second = load_rules_bundle(rules)
    assert second is not first
    assert second.schema is not None


def test_the_bundle_is_immutable() -> None:
    bundle = load_rules_bundle(DEFAULT_RULES_DIR).check()
    with pytest.raises(dataclasses.FrozenInstanceError):
        bundle.directory = Path("elsewhere")  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        bundle.schema = None  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        bundle.stages.stages = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        bundle.schema.keywords[0].field = "notes"  # type: ignore[misc]
    with pytest.raises(TypeError):
        bundle.owners["someone"] = "x@example.com"  # type: ignore[index]
    with pytest.raises(TypeError):
        bundle.stage_order["won"] = 0  # type: ignore[index]
    assert isinstance(bundle.schema.fields, tuple)
    assert isinstance(bundle.normalize.companies.legal_forms, tuple)


# ----------------------------------------------------------------------------- legal forms


def test_legal_forms_are_listed_in_one_place() -> None:
    """合資会社 stands for every legal form: only normalize.yaml spells it out."""
    root = Path(__file__).parents[1] / "migrate"
    holders = sorted(
        str(p.relative_to(root))
        for p in [*root.rglob("*.py"), *root.rglob("*.yaml")]
        if "合資会社" in p.read_text(encoding="utf-8")
    )
    assert holders == ["rules/normalize.yaml"]


def test_a_legal_form_added_to_the_rules_reaches_every_stage(rules: Path) -> None:
    from migrate.columns import sniff_column
    from migrate.dedupe.keys import company_key, kana_reading
    from migrate.dedupe.survivorship import _kana_only
    from migrate.normalize.companies import normalize_company

    names = ["山田合作社", "鈴木合作社", "佐藤合作社", "高橋合作社"]
    assert sniff_column(names, str(rules))[0] != "company"
    _edit(
        rules / "normalize.yaml",
        "    - {form: 相互会社, variants: [相互会社]}\n",
        "    - {form: 相互会社, variants: [相互会社]}\n"
        "    - {form: 合作社, variants: [合作社, (合作), ガッサクシャ]}\n",
    )
    bundle = load_rules_bundle(rules)
    # normalize: the display name keeps the form, the match key drops it
    company = normalize_company("(合作)山田", bundle.normalize).value
    assert (company.display, company.key, company.legal_form) == ("合作社山田", "山田", "合作社")
    # columns: a column of such names is a column of company names
    assert sniff_column(names, str(rules))[0] == "company"
    # dedupe: the fallback key of an existing SFA name, the kana reading, the display name
    settings = bundle.dedupe
    assert company_key("山田合作社", settings.legal_forms) == "山田"
    assert "ガッサクシャ" in settings.kana_legal_forms
    assert kana_reading("ヤマダガッサクシャ", settings.kana_legal_forms) == "ヤマダ"
    assert _kana_only("合作社ヤマダ", settings.legal_forms) == 1
    assert _kana_only("合作社ヤマダ", load_rules_bundle(DEFAULT_RULES_DIR).dedupe.legal_forms) == 0


# ----------------------------------------------------------------------------- vocabulary


def test_review_words_come_from_the_rules(rules: Path) -> None:
    import pandas as pd

    from migrate.dedupe.decisions import decision_value
    from migrate.dedupe.merge import _decisions

    typed = pd.DataFrame({"left_key": ["a"], "right_key": ["b"], "decision": ["まとめる"]})
    assert decision_value("まとめる") == "?"
    _edit(rules / "dedupe.yaml", "  same: [same, ", "  same: [まとめる, same, ")
    ok, bad = _decisions(load_rules_bundle(rules).dedupe, typed)
    assert ok["decision"].tolist() == ["same"] and bad.empty


def test_an_unquoted_no_among_the_review_words_is_caught(rules: Path) -> None:
    line = _edit(rules / "dedupe.yaml", '[different, d, "no",', "[different, d, no,")
    err = _error(rules, "dedupe")
    assert err.problems == ["review_words.different[2]: False is not a string"]
    assert err.lines == [line]


def test_mobile_number_prefixes_come_from_the_rules(rules: Path, tmp_path: Path) -> None:
    import csv

    from migrate.ingest import read_sources

    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["会社名", "担当者名", "電話番号", "", "案件名"])
        for i in range(8):
            w.writerow(
                [f"株式会社テスト{i}", f"山田{i}", f"03-1234-56{i:02d}", f"060-1111-22{i:02d}", "x"]
            )

    def second_column() -> str | None:
        table = read_sources([str(path)], rules_dir=str(rules)).tables[0]
        return {c.column: c.field for c in table.columns}["D"]

    assert second_column() != "mobile_phone"  # 060 is not a mobile prefix of the shipped rules
    _edit(rules / "normalize.yaml", 'mobile_number_prefixes: ["90", "80", "70"]',
          'mobile_number_prefixes: ["90", "80", "70", "60"]')  # fmt: skip
    assert second_column() == "mobile_phone"


@pytest.mark.parametrize(
    ("text", "shipped", "edited"),
    [
        pytest.param("2026年3月上旬", "2026-03-10", "2026-03-05", id="joujun"),
        pytest.param("2026年3月下旬", "2026-03-31", "2026-03-25", id="gejun"),
        pytest.param("early March 2026", "2026-03-10", "2026-03-05", id="early"),
        pytest.param("2026年3月ごろ中盤", "", "2026-03-15", id="new-word"),
    ],
)
def test_month_parts_come_from_the_rules(rules: Path, text: str, shipped: str, edited: str) -> None:
    from migrate.normalize import parse_date

    assert parse_date(text, rules=load_rules_bundle(rules).normalize).value == shipped
    _edit(rules / "normalize.yaml", "下旬: end,", "下旬: 25,")
    _edit(rules / "normalize.yaml", "上旬: 10,", "上旬: 5, ごろ中盤: 15,")
    _edit(rules / "normalize.yaml", "early: 10,", "early: 5,")
    assert parse_date(text, rules=load_rules_bundle(rules).normalize).value == edited


def test_a_month_part_must_be_a_day_or_end(rules: Path) -> None:
    line = _edit(rules / "normalize.yaml", "中旬: 20,", "中旬: 32,")
    err = _error(rules, "normalize")
    assert err.problems == [
        "dates.month_parts.中旬: 32 is not allowed; allowed values: a day 1 to 31, end"
    ]
    assert err.lines == [line]


def test_relative_periods_come_from_the_rules(rules: Path) -> None:
    import datetime as dt

    from migrate.normalize import parse_date

    day = dt.date(2026, 1, 20)

    def read(text: str) -> str:
        return parse_date(text, reference=day, rules=load_rules_bundle(rules).normalize).value

    assert read("今期中") == "2026-03-31"
    _edit(rules / "normalize.yaml", "今期: fiscal-year,", "今期: half, 今Q: quarter,")
    assert (read("今期中"), read("今Q")) == ("2026-03-31", "2026-03-31")
    _edit(rules / "normalize.yaml", "fiscal_year_start_month: 4", "fiscal_year_start_month: 1")
    assert (read("今期中"), read("来期"), read("今Q")) == ("2026-06-30", "2027-12-31", "2026-03-31")


def test_a_relative_period_must_name_a_unit(rules: Path) -> None:
    line = _edit(rules / "normalize.yaml", "来月: month+1,", "来月: monthly+1,")
    err = _error(rules, "normalize")
    assert len(err.problems) == 1
    assert err.problems[0].startswith("dates.relative_periods.来月: 'monthly+1' is not allowed")
    assert err.lines == [line]


def test_an_unquoted_no_among_the_counter_headers_is_caught(rules: Path) -> None:
    line = _edit(rules / "ingest.yaml", 'counter_headers: ["No", ', "counter_headers: [no, ")
    err = _error(rules, "ingest")
    assert err.problems == ["counter_headers[0]: False is not a string"]
    assert err.lines == [line]


def test_counter_headers_come_from_the_rules(rules: Path, tmp_path: Path) -> None:
    import csv

    from migrate.ingest import read_sources

    # numbered, then sorted by company: a counter only by its header
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["受付順", "会社名", "案件名"])
        for n, company in zip([3, 1, 2], ["株式会社あ", "株式会社い", "株式会社う"]):
            w.writerow([n, company, "更新"])
        w.writerows([[4, "", ""], [5, "", ""]])

    def skipped(folder: Path) -> list[tuple[int, str]]:
        clear_cache()
        return read_sources([str(path)], rules_dir=str(folder)).tables[0].skipped

    assert skipped(rules) == []
    _edit(rules / "ingest.yaml", '"通し番号", ', '"通し番号", "受付順", ')
    assert skipped(rules) == [(5, "row.numbered-blank"), (6, "row.numbered-blank")]


def test_a_japanese_legal_form_in_readings_yaml_is_an_error_with_its_line(rules: Path) -> None:
    """The Japanese legal forms are listed once, in normalize.yaml: readings.yaml lists the
    Latin ones, and a loanword without an English spelling is caught too."""
    path = rules / "readings.yaml"
    line = _edit(path, "legal_forms: [corporation,", "legal_forms: [株式会社, corporation,")
    loan = _edit(path, "  グループ: [group, grp]", "  グループ: []")
    err = _error(rules, "readings")
    assert f"readings.yaml:{line}: legal_forms[0]: '株式会社' is not a Latin spelling" in str(err)
    assert f"readings.yaml:{loan}: loanwords.グループ: needs at least one English spelling" in str(
        err
    )


def test_readings_alternates_and_optional_words_are_checked_with_their_lines(rules: Path) -> None:
    """The alignment's tables: an alternate reading needs Latin spellings, an optional word is
    a Latin word (readings.yaml alternates, optional)."""
    path = rules / "readings.yaml"
    alt = _edit(path, "  大和: [daiwa, yamato]", "  大和: [だいわ]")
    opt = _edit(path, "optional: [the, and,", "optional: [株式会社, the, and,")
    err = _error(rules, "readings")
    assert f"readings.yaml:{alt}: alternates.大和: 'だいわ' has no Latin letters" in str(err)
    assert f"readings.yaml:{opt}: optional[0]: '株式会社' is not a Latin word" in str(err)
