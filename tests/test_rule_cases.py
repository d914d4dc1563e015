"""Business rules tested from data: every case file under tests/cases/<kind>/*.yaml.

One runner for every rule file, so a new rule comes with its cases (format: tests/cases/README.md):

- ``normalize``: one cell in, the canonical value and findings out (rules/normalize.yaml);
- ``columns``: a header, with sample values and the other columns of its sheet, in; the
  canonical field it maps to (or none) out (rules/columns.yaml);
- ``stages``: a stage word, or the evidence of a row (probability, dates, amount, lost reason;
  ``sheet_rows`` the other rows of its sheet), in; the stage key, whether it was inferred and the stage findings out (rules/stages.yaml);
- ``export``: one or more tracker rows of canonical fields and a target in; the cells of the
  import files, or the rejection and its finding id, out (rules/targets/*.yaml).

Each case goes through the public entry points the pipeline uses (``map_columns``,
``normalize_records``, ``infer_stages``, ``check_stage_consistency``, ``find_duplicates``,
``build_import_files``) with the shipped rules. Case files are checked before anything runs:
an unknown key, a field, stage, target or finding id that does not exist, or a duplicate case
name is a problem naming the file and the case, reported by ``test_case_files_are_well_formed``
(a case with a problem does not run). ``pytest_generate_tests`` turns every case into one test
named ``<kind>/<file>::<case>``; a case with ``xfail: <reason>`` documents what the tool gets
wrong today (strict=False: it turns into a pass once fixed, then the key is dropped).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

CASES_DIR = Path(__file__).parent / "cases"
# libyaml's loader where PyYAML has it (as migrate/rules.py): every xdist worker parses the
# 1,100 cases at collection, ~1.8 s each with the pure-Python loader
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TODAY = dt.date(2026, 1, 15)  # the reference date of a case that names none


# ----------------------------------------------------------------------------- the case files


@dataclass(frozen=True)
class RuleCase:
    """One case of one case file, as written, with the file's defaults."""

    kind: str
    file: str  # file name inside tests/cases/<kind>/
    name: str  # the case's readable name: its id, else its header / word
    data: dict[str, Any] = field(hash=False, compare=False)
    defaults: dict[str, Any] = field(hash=False, compare=False)

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.file}::{self.name}"

    def get(self, key: str, default: Any = None) -> Any:
        """A key of the case, else of the file, else ``default``."""
        if key in self.data:
            return self.data[key]
        return self.defaults.get(key, default)


@dataclass(frozen=True)
class Kind:
    """What a case file of one kind may hold and how its cases are checked."""

    file_keys: frozenset[str]  # top-level keys besides `cases`
    case_keys: frozenset[str]
    name_keys: tuple[str, ...]  # the first of these a case has is its name
    validate: Callable[[dict[str, Any], dict[str, Any]], list[str]]  # (case, file) -> problems
    check: Callable[[RuleCase], None]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def load_rule_cases(root: Path = CASES_DIR) -> tuple[list[RuleCase], list[str]]:
    """Every case under ``root``, and every problem of the case files (one line each)."""
    cases: list[RuleCase] = []
    problems: list[str] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        kind = KINDS.get(folder.name)
        files = sorted(folder.glob("*.yaml"))
        if kind is None:
            if files:
                problems.append(f"{folder.name}/: unknown kind of case file ({', '.join(KINDS)})")
            continue
        for path in files:
            found, bad = _load_file(path, folder.name, kind)
            cases += found
            problems += bad
    return cases, problems


def _load_file(path: Path, kind_name: str, kind: Kind) -> tuple[list[RuleCase], list[str]]:
    where = f"{kind_name}/{path.name}"
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        return [], [f"{where}: not valid YAML: {exc}"]
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        return [], [f"{where}: expected a mapping with a list under `cases`"]
    problems = [
        f"{where}: unknown top-level key '{k}' (allowed: cases, {', '.join(sorted(kind.file_keys))})"
        for k in doc
        if k != "cases" and k not in kind.file_keys
    ]
    defaults = {k: v for k, v in doc.items() if k != "cases"}
    cases: list[RuleCase] = []
    seen: set[str] = set()
    for i, raw in enumerate(doc["cases"]):
        label = f"cases[{i}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: {label}: expected a mapping, got {raw!r:.60}")
            continue
        name = next((str(raw[k]) for k in kind.name_keys if raw.get(k) not in (None, "")), "")
        label = f"{label} ({name})" if name else label
        bad = [
            f"{where}: {label}: unknown key '{k}' (allowed: {', '.join(sorted(kind.case_keys))})"
            for k in raw
            if k not in kind.case_keys
        ]
        if not name:
            bad.append(f"{where}: {label}: needs one of {', '.join(kind.name_keys)}")
        elif name in seen:
            bad.append(f"{where}: {label}: another case has this name; give one an `id`")
        if "xfail" in raw and not (isinstance(raw["xfail"], str) and raw["xfail"].strip()):
            bad.append(f"{where}: {label}: xfail needs a reason (what it should be, and why)")
        if not bad:
            bad = [f"{where}: {label}: {p}" for p in kind.validate(raw, defaults)]
        seen.add(name)
        problems += bad
        if not bad:
            cases.append(RuleCase(kind_name, path.name, name, raw, defaults))
    return cases, problems


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "rule_case" in metafunc.fixturenames:
        cases, _ = load_rule_cases()
        params = [
            pytest.param(
                c,
                id=c.id,
                marks=[pytest.mark.xfail(reason=c.data["xfail"], strict=False)]
                if c.data.get("xfail")
                else [],
            )
            for c in cases
        ]
        metafunc.parametrize("rule_case", params)


def test_rule_case(rule_case: RuleCase, request: pytest.FixtureRequest) -> None:
    if rule_case.kind == "export" and not _through_gx(rule_case):
        request.getfixturevalue("gx_by_mask")  # GX answered from its mask (tests/conftest.py)
    try:
        KINDS[rule_case.kind].check(rule_case)
    except AssertionError as exc:  # pytest escapes non-ASCII ids: say which case, readably
        raise AssertionError(f"{rule_case.id}: {exc}") from None


def test_case_files_are_well_formed() -> None:
    cases, problems = load_rule_cases()
    assert not problems, "problems in tests/cases:\n" + "\n".join(problems)
    assert {c.kind for c in cases} == set(KINDS), "every kind has its case files"


def test_a_case_file_with_an_unknown_key_is_a_problem_naming_file_and_case(
    tmp_path: Path,
) -> None:
    (tmp_path / "columns").mkdir()
    (tmp_path / "columns" / "typo.yaml").write_text(
        "cases:\n"
        "  - {header: 会社名, expect: company_name}\n"
        "  - {header: 担当者, expcet: owner}\n"
        "  - {header: 会社名, expect: company_name}\n"
        "  - {header: 氏名, expect: contact_nam}\n",
        encoding="utf-8",
    )
    (tmp_path / "colums").mkdir()
    (tmp_path / "colums" / "x.yaml").write_text("cases: []\n", encoding="utf-8")
    cases, problems = load_rule_cases(tmp_path)
    assert [c.id for c in cases] == ["columns/typo.yaml::会社名"]
    assert len(problems) == 4, problems
    assert problems[0].startswith("columns/typo.yaml: cases[1] (担当者): unknown key 'expcet'")
    assert problems[1].startswith("columns/typo.yaml: cases[2] (会社名): another case has this")
    assert problems[2] == (
        "columns/typo.yaml: cases[3] (氏名): expect: 'contact_nam' is not a canonical field "
        "of rules/columns.yaml"
    )
    assert problems[3].startswith("colums/: unknown kind of case file")


# ----------------------------------------------------------------------------- shared checks


@cache
def _schema() -> Any:
    from migrate.schema import load_schema

    return load_schema()


@cache
def _stage_model() -> Any:
    from migrate.stages import load_stage_model

    return load_stage_model()


@cache
def _known_finding_ids() -> Callable[[str], bool]:
    from migrate.catalogue import load_catalogue, stage_rule_titles

    catalogue, own = load_catalogue(), stage_rule_titles()
    return lambda rule: catalogue.entry(rule, own) is not None


def _finding_problems(case: dict[str, Any]) -> list[str]:
    known = _known_finding_ids()
    return [
        f"{key}: '{rule}' is not a finding id of rules/findings.yaml or rules/stages.yaml"
        for key in ("finding", "not_finding")
        for rule in _as_list(case.get(key))
        if not known(str(rule))
    ]


def _records(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A records frame (docs/architecture.md) of tracker rows: canonical fields as raw cells."""
    names = _schema().names
    out = []
    for i, cells in enumerate(rows):
        row: dict[str, Any] = dict.fromkeys(names)
        row.update(
            {
                "_source_file": "cases.xlsx",
                "_source_sheet": "Sheet1",
                "_source_row": i + 2,
                "_row_key": f"cases.xlsx|Sheet1|{i + 2}",
                "_source_order": 0,
                "_amount_unit": 1.0,
                "_currency_hint": "",
            }
        )
        row.update(cells)
        out.append(row)
    return pd.DataFrame(out, dtype=object)


def _field_problems(cells: Any, key: str) -> list[str]:
    if not isinstance(cells, dict):
        return [f"{key}: expected a mapping of canonical field -> cell"]
    names = set(_schema().names)
    return [
        f"{key}: '{k}' is not a canonical field of rules/columns.yaml"
        for k in cells
        if k not in names and not str(k).startswith(("_", "extra:"))
    ]


def _assert_findings(case: RuleCase, findings: pd.DataFrame, rows: set[int]) -> None:
    mine = findings[findings["row"].isin(rows)] if len(findings) else findings
    rules = set(mine["rule"]) if len(mine) else set()
    for rule in _as_list(case.get("finding")):
        assert rule in rules, f"missing finding {rule}; got {sorted(rules)}"
    for rule in _as_list(case.get("not_finding")):
        assert rule not in rules, (
            f"unexpected finding {rule}: {mine[mine['rule'] == rule]['message'].tolist()}"
        )


# ----------------------------------------------------------------------------- normalize


_NORMALIZE_CASE_KEYS = frozenset(
    {"id", "input", "expect", "finding", "not_finding", "row", "column", "field", "today"}
    | {"note", "needs", "xfail"}
)


@dataclass(frozen=True)
class Case:
    """One normalize case (the shape bench/libraries/compare.py reads)."""

    id: str
    field: str
    input: Any
    expect: Any = None
    has_expect: bool = False
    finding: tuple[str, ...] = ()
    not_finding: tuple[str, ...] = ()
    row: dict[str, Any] = field(default_factory=dict)
    column: tuple[Any, ...] = ()
    today: dt.date = TODAY
    needs: str = ""


def normalize_case(case: RuleCase) -> Case:
    """The normalize case of a rule case, with the id ``<file stem>-<id>``."""
    raw = case.data
    return Case(
        id=f"{Path(case.file).stem}-{raw['id']}",
        field=case.get("field"),
        input=raw.get("input"),
        expect=raw.get("expect"),
        has_expect="expect" in raw,
        finding=tuple(_as_list(raw.get("finding"))),
        not_finding=tuple(_as_list(raw.get("not_finding"))),
        row=raw.get("row") or {},
        column=tuple(raw.get("column") or ()),
        today=case.get("today", TODAY),
        needs=raw.get("needs", ""),
    )


def load_normalize_cases(root: Path = CASES_DIR) -> list[Case]:
    """Every normalize case, as :class:`Case`."""
    cases, _ = load_rule_cases(root)
    return [normalize_case(c) for c in cases if c.kind == "normalize"]


def _validate_normalize(case: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    problems = []
    fld = case.get("field", doc.get("field"))
    if fld not in _schema().names and not str(fld).startswith("extra:"):
        problems.append(f"field: '{fld}' is not a canonical field of rules/columns.yaml")
    return problems + _finding_problems(case)


def _same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual == "" or actual is None or (isinstance(actual, float) and math.isnan(actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(actual) == expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(expected, dt.date):
        return actual == expected.isoformat()
    return actual == expected


def _column_units(records: pd.DataFrame, field: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``_amount_unit`` / ``_currency_hint`` of a case's row are what its column's header
    announces (金額（万円）, Amount (USD)). Where normalize reads that as column metadata
    (``units=``, migrate.amounts.ColumnUnits) it is passed so; else it stays on the rows."""
    import inspect

    from migrate.normalize import normalize_records

    if "units" not in inspect.signature(normalize_records).parameters:
        return records, {}
    from migrate.amounts import ColumnUnit, ColumnUnits

    unit = float(records["_amount_unit"].iloc[0] or 1.0)
    currency = str(records["_currency_hint"].iloc[0] or "")
    key = ("cases.xlsx", "Sheet1", field)
    rest = records.drop(columns=["_amount_unit", "_currency_hint"])
    return rest, {"units": ColumnUnits.of([(key, ColumnUnit(unit, currency))])}


def check_normalize(case: Case) -> None:
    """One cell through ``normalize_records``: its value(s) and findings."""
    from migrate.normalize import normalize_records

    if case.needs:
        pytest.importorskip(case.needs)
    bookkeeping = {k: v for k, v in case.row.items() if k.startswith("_")}
    rows = [{**case.row, case.field: case.input}]
    rows += [{**bookkeeping, case.field: value} for value in case.column]
    records, units = _column_units(_records(rows), case.field)
    out, findings = normalize_records(records, today=case.today, **units)
    if case.has_expect:
        expected = case.expect if isinstance(case.expect, dict) else {case.field: case.expect}
        for column, value in expected.items():
            actual = out[column].iloc[0]
            assert _same(actual, value), f"{column}: got {actual!r}, expected {value!r}"
    mine = findings[findings["row"].isin([0, 2])]
    rules = set(mine["rule"])
    for rule in case.finding:
        assert rule in rules, f"missing finding {rule}; got {sorted(rules)}"
    for rule in case.not_finding:
        assert rule not in rules, (
            f"unexpected finding {rule}: {mine[mine['rule'] == rule]['message'].tolist()}"
        )


# ----------------------------------------------------------------------------- columns

_METHODS = (
    "exact",
    "contains",
    "fuzzy",
    "abbreviation",
    "keyword",
    "ambiguous",
    "sniff",
    "unmapped",
    "length",
    "none",
)


def _validate_columns(case: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    problems = []
    if "expect" not in case:
        problems.append("needs `expect` (a canonical field, or null for unmapped)")
    elif case["expect"] is not None and case["expect"] not in _schema().names:
        problems.append(
            f"expect: '{case['expect']}' is not a canonical field of rules/columns.yaml"
        )
    if case.get("method") is not None and case["method"] not in _METHODS:
        problems.append(f"method: '{case['method']}' is not one of {', '.join(_METHODS)}")
    sheet = case.get("sheet")
    if sheet is not None and not isinstance(sheet, (list, dict)):
        problems.append("sheet: expected a list of headers or a mapping header -> values")
    if case.get("values") is not None and not isinstance(case["values"], list):
        problems.append("values: expected a list of cells")
    return problems


def _sheet(case: RuleCase) -> tuple[list[str], pd.DataFrame]:
    """The headers and values of the case's sheet: the other columns first, the case's last."""
    others = case.get("sheet") or []
    columns = dict(others) if isinstance(others, dict) else {str(h): [] for h in others}
    columns = {str(h): _as_list(v) for h, v in columns.items()}
    headers = [*columns, str(case.data["header"])]
    cols = [*columns.values(), _as_list(case.get("values"))]
    n = max((len(c) for c in cols), default=0)
    data = {i: [*c, *[None] * (n - len(c))] for i, c in enumerate(cols)}
    return headers, pd.DataFrame(data, dtype=object)


def _letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def check_columns(case: RuleCase) -> None:
    """The header among its sheet through ``map_columns``: the field, method, unit, currency."""
    from migrate.columns import map_columns

    headers, values = _sheet(case)
    letters = [_letter(i) for i in range(len(headers))]
    match = map_columns(headers, letters, values, _schema())[-1]
    got = (match.field, match.method, round(match.confidence, 2), match.note)
    assert match.field == case.data["expect"], f"got {got}, expected {case.data['expect']!r}"
    if case.get("method") is not None:
        assert match.method == case.data["method"], f"method: got {got}"
    if case.get("unit") is not None:
        assert match.unit == float(case.data["unit"]), f"unit: got {match.unit}"
    if case.get("currency") is not None:
        assert match.currency == case.data["currency"], f"currency: got {match.currency!r}"


# ----------------------------------------------------------------------------- stages


def _validate_stages(case: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    problems = []
    model = _stage_model()
    if "expect" not in case:
        problems.append("needs `expect` (a stage key, or null for an empty stage)")
    elif case["expect"] is not None and case["expect"] not in model.keys:
        problems.append(
            f"expect: '{case['expect']}' is not a stage of rules/stages.yaml "
            f"({', '.join(model.keys)})"
        )
    if "word" not in case and "row" not in case:
        problems.append("needs `word` (a stage cell) or `row` (the cells of the row)")
    if "row" in case:
        problems += _field_problems(case["row"], "row")
    by = case.get("inferred_by")
    if by is not None and by not in {r.id for r in model.inference}:
        problems.append(f"inferred_by: '{by}' is not an inference rule id of rules/stages.yaml")
    return problems + _finding_problems(case)


def check_stages(case: RuleCase) -> None:
    """A stage word or a row's evidence through normalize, ``infer_stages`` and the checks."""
    from migrate.normalize import normalize_records
    from migrate.stages import check_stage_consistency, infer_stages

    model, today = _stage_model(), case.get("today", TODAY)
    cells = dict(case.get("row") or {})
    if "word" in case.data:
        cells["stage"] = case.data["word"]
    # sheet_rows: the other rows of the case's sheet (a sheet with a stage column, say)
    out, normalized = normalize_records(
        _records([cells, *(case.get("sheet_rows") or [])]), today=today
    )
    out, inferred = infer_stages(out, model)
    checked = check_stage_consistency(out, model, today)
    findings = pd.concat([f for f in (normalized, inferred, checked) if len(f)] or [normalized])
    stage = out["stage"].iloc[0] or None
    was_inferred = bool(out["_stage_inferred"].iloc[0])
    messages = findings["message"].tolist() if len(findings) else []
    assert stage == case.data["expect"], f"stage: got {stage!r} (findings: {messages})"
    want_inferred = case.get("inferred", True if case.get("inferred_by") else None)
    if want_inferred is not None:
        assert was_inferred is bool(want_inferred), f"inferred: got {was_inferred}"
    if case.get("inferred_by"):
        hit = findings[findings["rule"] == "stages.inferred"]["message"].tolist()
        assert any(f"by rule {case.data['inferred_by']}" in m for m in hit), hit
    _assert_findings(case, findings, {0, 2})


# ----------------------------------------------------------------------------- export

_TARGETS = ("salesforce", "hubspot", "generic")


@cache
def _target(name: str) -> Any:
    from migrate.export import load_target

    return load_target(name)


def _validate_export(case: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    problems = []
    target = case.get("target", doc.get("target"))
    if target not in _TARGETS:
        return [f"target: '{target}' is not one of {', '.join(_TARGETS)}"]
    files = {f.name: {c.name for c in f.columns} for f in _target(target).files}
    if ("record" in case) == ("records" in case):
        problems.append("needs `record` (one row) or `records` (a list of rows), not both")
    rows = case["records"] if isinstance(case.get("records"), list) else [case.get("record")]
    for i, row in enumerate(rows):
        problems += _field_problems(row, "record" if "record" in case else f"records[{i}]")
    for key in ("expect", "rejected"):
        if not isinstance(case.get(key, {}), dict):
            problems.append(f"{key}: expected a mapping of import file -> ...")
    for key in ("expect", "rejected", "rows"):
        for name in case.get(key) or {}:
            if name not in files:
                problems.append(f"{key}: '{name}' is not a file of {target} ({', '.join(files)})")
    for name, want in (case.get("expect") or {}).items():
        for row in _as_list(want):
            if not isinstance(row, dict):
                problems.append(f"expect.{name}: expected a mapping of column -> cell")
                continue
            extras = [k for k in row if k not in files.get(name, set())]
            if extras and name in files and not any(f.extras for f in _target(target).files):
                problems.append(f"expect.{name}: no column {', '.join(map(str, extras))}")
    known = _known_finding_ids()
    for name, rules in (case.get("rejected") or {}).items():
        problems += [
            f"rejected.{name}: '{r}' is not a finding id" for r in _as_list(rules) if not known(r)
        ]
    if not any(k in case for k in ("expect", "rejected", "rows", "finding", "not_finding")):
        problems.append("asserts nothing: give expect, rejected, rows, finding or not_finding")
    return problems + _finding_problems(case)


def _cell(value: Any) -> str:
    """An expected cell as the import file writes it (every cell is a string)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@cache
def _first_export_cases() -> frozenset[str]:
    cases, _ = load_rule_cases()
    firsts: dict[str, str] = {}
    for c in cases:
        if c.kind == "export":
            firsts.setdefault(c.file, c.id)
    return frozenset(firsts.values())


def _through_gx(case: RuleCase) -> bool:
    """An export case runs the real GX when it expects a reject or is the first of its file
    (one per target at least); the others get GX's answers from the failing-row mask, which
    tests/test_validate_gx.py keeps equal to GX's (a GX suite costs ~0.5 s on any frame)."""
    return "rejected" in case.data or case.id in _first_export_cases()


def check_export(case: RuleCase) -> None:
    """Tracker rows through normalize, stage inference, dedupe and ``build_import_files``."""
    from migrate.dedupe import find_duplicates
    from migrate.export import build_import_files
    from migrate.normalize import normalize_records
    from migrate.schema import is_blank
    from migrate.stages import infer_stages

    model, today = _stage_model(), case.get("today", TODAY)
    rows = case.data["records"] if "records" in case.data else [case.data["record"]]
    records, normalized = normalize_records(_records(rows), today=today)
    # rows normalize rejects are set aside before dedupe, as the pipeline does
    rejected = records.get("_reject", pd.Series(None, index=records.index))
    keep = records[~rejected.map(lambda v: not is_blank(v) and bool(v)).astype(bool)]
    keep, inferred = infer_stages(keep, model)
    dedupe = find_duplicates(keep)
    entities = {"companies": dedupe.companies, "contacts": dedupe.contacts, "deals": dedupe.deals}
    target = _target(case.get("target"))
    result = build_import_files(entities, target, model, owners=case.get("owners"), today=today)
    files = {name: frame.to_dict("records") for name, frame in result.files.items()}
    for name, want in (case.get("expect") or {}).items():
        got = files[name]
        wanted = _as_list(want)
        assert len(got) == len(wanted), f"{name}: {len(got)} row(s), expected {len(wanted)}: {got}"
        left = list(got)
        for row in wanted:
            hit = next((g for g in left if all(g.get(k) == _cell(v) for k, v in row.items())), None)
            assert hit is not None, f"{name}: no row with {row}; rows: {got}"
            left.remove(hit)
    for name, n in (case.get("rows") or {}).items():
        assert len(files[name]) == n, f"{name}: {len(files[name])} row(s), expected {n}"
    rejects = result.rejects
    for name, rules in (case.get("rejected") or {}).items():
        got_rules = set(rejects.loc[rejects["file"] == name, "rule"]) if len(rejects) else set()
        for rule in _as_list(rules):
            assert rule in got_rules, f"{name}: not rejected for {rule}; got {sorted(got_rules)}"
    found = [f for f in (normalized, inferred, result.findings) if len(f)]
    findings = pd.concat(found) if found else result.findings
    _assert_findings(case, findings, set(range(0, len(rows) + 2)))


# ----------------------------------------------------------------------------- readings

_PAIR_OUTCOMES = ("same", "review", "apart")
# a name's reading, its keys against other names', its word-by-word alignment on English names
# (reading_align: translations, other readings, sounds) and the acronyms it has
_READING_CHECKS = (
    *("expect", "same_as", "not_same_as", "aligns_with", "not_aligns_with"),
    *("acronym", "not_acronym"),
)


def _validate_readings(case: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    problems = []
    if ("input" in case) == ("records" in case):
        problems.append("needs `input` (a company name) or `records` (rows), not both")
    if "input" in case and not any(k in case for k in _READING_CHECKS):
        problems.append(f"needs one of {', '.join(f'`{k}`' for k in _READING_CHECKS)}")
    if "records" in case:
        if not isinstance(case["records"], list) or len(case["records"]) < 2:
            problems.append("records: a list of at least two rows")
        pairs = case.get("pairs")
        if not isinstance(pairs, list) or not pairs:
            problems.append("pairs: a list of [left row, right row, same | review | apart]")
        else:
            for k, pr in enumerate(pairs):
                if not (isinstance(pr, list) and len(pr) == 3 and pr[2] in _PAIR_OUTCOMES):
                    problems.append(f"pairs[{k}]: [row, row, one of {', '.join(_PAIR_OUTCOMES)}]")
    return problems


def check_readings(case: RuleCase) -> None:
    """A name -> its reading (rules/readings.yaml), or rows -> how dedupe pairs them."""
    needs = case.get("needs")
    for module in _as_list(needs):
        pytest.importorskip(module)
    if "records" in case.data:
        _check_reading_pairs(case)
        return
    from migrate.normalize.readings import reader_for

    reader = reader_for()
    name = case.data["input"]
    if "expect" in case.data:
        got = reader.read(name)
        assert got == (case.data["expect"] or ""), f"{name}: read {got!r}"
    for other in _as_list(case.data.get("same_as")):
        assert set(reader.keys(name)) & set(reader.keys(other)), (
            f"{name} {reader.keys(name)} and {other} {reader.keys(other)} read differently"
        )
    for other in _as_list(case.data.get("not_same_as")):
        assert not set(reader.keys(name)) & set(reader.keys(other)), (
            f"{name} and {other} both read {reader.keys(name)}"
        )
    from migrate.normalize.reading_align import Aligner

    aligner = Aligner(reader)
    for other in _as_list(case.data.get("aligns_with")):
        assert aligner.aligns(name, other), f"{name} {aligner.ja_tokens(name)} and {other}"
    for other in _as_list(case.data.get("not_aligns_with")):
        assert not aligner.aligns(name, other), f"{name} aligns with {other}"
    for other in _as_list(case.data.get("acronym")):
        got = aligner.acronym(other)
        assert got and got in aligner.initials(name), f"{other} ({got!r}) is no acronym of {name}"
    for other in _as_list(case.data.get("not_acronym")):
        assert aligner.acronym(other) not in aligner.initials(name), f"{other}: acronym of {name}"


def _check_reading_pairs(case: RuleCase) -> None:
    from migrate.dedupe import find_duplicates
    from migrate.normalize import normalize_records

    rows = [{k: ("" if v is None else v) for k, v in r.items()} for r in case.data["records"]]
    records, _ = normalize_records(_records(rows), today=TODAY)
    result = find_duplicates(records)
    ids = result.records["company_id"].tolist() if "company_id" in result.records else []
    review = result.review
    in_review = set()
    if len(review):
        for a, b in zip(review["left_row"], review["right_row"]):
            # a row is named file|sheet|Excel row
            a, b = (int(str(x).rsplit("|", 1)[-1]) for x in (a, b))
            in_review |= {(a, b), (b, a)}
    for left, right, outcome in case.data["pairs"]:
        same = ids[left] == ids[right] and ids[left] != ""
        got = "same" if same else "review" if (left + 2, right + 2) in in_review else "apart"
        assert got == outcome, f"rows {left} and {right}: {got}, expected {outcome}"


# ----------------------------------------------------------------------------- kinds

_COMMON = frozenset({"note", "xfail"})

KINDS: dict[str, Kind] = {
    "normalize": Kind(
        frozenset({"normalizer", "field", "today"}),
        _NORMALIZE_CASE_KEYS,
        ("id",),
        _validate_normalize,
        lambda c: check_normalize(normalize_case(c)),
    ),
    "columns": Kind(
        frozenset({"about"}),
        _COMMON | {"id", "header", "expect", "values", "sheet", "method", "unit", "currency"},
        ("id", "header"),
        _validate_columns,
        check_columns,
    ),
    "stages": Kind(
        frozenset({"about", "today"}),
        _COMMON
        | {"id", "word", "row", "expect", "inferred", "inferred_by", "finding", "not_finding"}
        | {"today", "sheet_rows"},
        ("id", "word"),
        _validate_stages,
        check_stages,
    ),
    "readings": Kind(
        frozenset({"about"}),
        _COMMON | {"id", "input", "records", "pairs", "needs", *_READING_CHECKS},
        ("id", "input"),
        _validate_readings,
        check_readings,
    ),
    "export": Kind(
        frozenset({"about", "target", "today"}),
        _COMMON
        | {"id", "target", "record", "records", "owners", "today", "expect", "rows"}
        | {"rejected", "finding", "not_finding"},
        ("id",),
        _validate_export,
        check_export,
    ),
}
