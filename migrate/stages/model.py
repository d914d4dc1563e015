"""The stage model of rules/stages.yaml, read and fully checked.

In: the rule file (stages with order, labels, level, status, team, probability, synonyms and
exit words; status-word forms, guesses, provisional markers and evidence columns; checkable
requirements per stage; inference rules). Out: a frozen :class:`StageModel`. A broken rule file
fails at load with one RuleFileError listing every problem with its key path, the bad value and
the allowed values. The words themselves are read by :mod:`migrate.normalize.stage_words`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import findings as fnd
from ..rules import Problems, load_rule_file

Level = Literal["person", "deal"]
Status = Literal["open", "won", "lost"]
Team = Literal["marketing", "inside_sales", "field_sales", "customer_success"]
LEVELS: tuple[str, ...] = ("person", "deal")
STATUSES: tuple[str, ...] = ("open", "won", "lost")
TEAMS: tuple[str, ...] = ("marketing", "inside_sales", "field_sales", "customer_success")
SEVERITIES: tuple[str, ...] = fnd.SEVERITIES


_TOP_KEYS = [
    "kind",
    "version",
    "stages",
    "word_forms",
    "guesses",
    "lead_statuses",
    "lifecycle_headers",
    "provisional",
    "closed_words",
    "evidence",
    "requirements",
    "inference",
]
_STAGE_KEYS = [
    "key",
    "order",
    "label",
    "level",
    "status",
    "team",
    "probability",
    "definition",
    "exit",
    "synonyms",
    "exit_words",
]
_REQUIRED_STAGE_KEYS = ["key", "order", "label", "level", "status", "team", "probability"]
_TEXT_KEYS = ["ja", "en"]
_CHECK_KEYS = [
    "require",
    "forbid",
    "date_not_after_today",
    "date_not_before_today",
    "probability_between",
    "not_stale",
    "expect",
    "positive",
]
_REQ_KEYS = [
    "id",
    "applies_to",
    "from",
    "no_stage",
    "sheet_has",
    *_CHECK_KEYS,
    "severity",
    "message",
]
_INF_KEYS = ["id", "when", "stage", "over_unknown_word"]
_WHEN_KEYS = [
    "probability_at_least", "probability_at_most", "has", "has_any", "lacks", "sheet_lacks",
    "evidence",
]  # fmt: skip
FORM_KINDS: tuple[str, ...] = ("doing", "preparing", "done", "waiting")
_STEM_KEYS = ["words", *FORM_KINDS, "default"]
_GUESS_KEYS = ["words", "stage", "why"]
_LEAD_STATUS_KEYS = ["key", "stage", "words"]
_EVIDENCE_KEYS = [
    "won", "lost", "closed", "truthy", "outcome", "deleted", "sheets_not", "forecast",
]  # fmt: skip
_FORECAST_KEYS = ["headers", "categories", "no_stage"]
_CATEGORY_KEYS = ["words", "stage", "guess", "why"]
_EVIDENCE_SIDE_KEYS = ["flags", "dates", "row_marks", "sheets", "amounts"]
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_RULE_ID_RE = re.compile(r"^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Text:
    """A text in Japanese and English."""

    ja: str
    en: str

    def get(self, lang: str = "en") -> str:
        return self.ja if lang == "ja" and self.ja else self.en or self.ja


@dataclass(frozen=True)
class Stage:
    """One stage of the funnel."""

    key: str
    order: int
    label: Text
    level: Level
    status: Status
    team: Team
    probability: float
    definition: Text
    exit: Text
    synonyms: tuple[str, ...]
    exit_words: tuple[str, ...] = ()  # this stage's exit condition met: they name the next stage

    @property
    def closed(self) -> bool:
        return self.status != "open"


@dataclass(frozen=True)
class Requirement:
    """A checkable rule on fields of records at some stages (a finding when it fails)."""

    id: str
    applies_to: tuple[str, ...]
    severity: fnd.Severity
    message: Text
    require: tuple[str, ...] = ()  # these fields must be filled
    forbid: tuple[str, ...] = ()  # these fields must be empty
    date_not_after_today: str = ""  # this date field must not lie in the future
    date_not_before_today: str = ""  # this date field must not lie in the past
    probability_between: tuple[float, float] | None = None  # probability, when given, within
    # these fields should be filled: a to-do, not a stage's required field (the import checks
    # and the weekly check's required-field metrics read ``require`` only)
    expect: tuple[str, ...] = ()
    # this date field must lie within the run's stale days (stale_days of rules/report.yaml)
    not_stale: str = ""
    # also deals without a stage (a blank cell, or a word no stage claims): a parked deal is
    # still a deal someone must own and update
    no_stage: bool = False
    # only deals of a sheet where some deal fills these fields (a sheet with no owner column
    # does not get a finding per row)
    sheet_has: tuple[str, ...] = ()
    # these numbers, when given, must be more than 0 (a won deal at 0 yen: the amount a team
    # types for 未定, not a price)
    positive: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        dates = tuple(
            f for f in (self.date_not_after_today, self.date_not_before_today, self.not_stale) if f
        )
        prob = ("probability",) if self.probability_between else ()
        return self.require + self.expect + self.forbid + dates + prob + self.positive


@dataclass(frozen=True)
class InferenceRule:
    """When a record has no stage word, the stage it may be given if all conditions hold."""

    id: str
    stage: str
    probability_at_least: float | None = None
    probability_at_most: float | None = None
    has: tuple[str, ...] = ()
    has_any: tuple[str, ...] = ()  # at least one of these is filled
    lacks: tuple[str, ...] = ()
    # fields no row of the record's sheet holds (a forecast sheet without a stage column)
    sheet_lacks: tuple[str, ...] = ()
    evidence: str = ""  # won | lost: a flag or date column of `evidence` says so
    over_unknown_word: bool = False  # also decides over a word no stage claims (flagged)


@dataclass(frozen=True)
class EvidenceColumns:
    """Unmapped columns whose header says a deal was won or lost (flags and dates)."""

    won_flags: tuple[str, ...] = ()  # header keys (word_key)
    won_dates: tuple[str, ...] = ()
    lost_flags: tuple[str, ...] = ()
    lost_dates: tuple[str, ...] = ()
    truthy: frozenset[str] = frozenset()  # cell keys (word_key) that mean "yes"
    # header keys of a deal's outcome beside its pipeline stage (Pipedrive's Status: open, won,
    # lost); its won or lost word is the deal's stage over an open stage word
    outcome: tuple[str, ...] = ()
    # header keys of a flag that says the deal is closed, won or lost (Salesforce's Is Closed):
    # beside a won flag that says no (Is Won FALSE) it is lost
    closed_flags: tuple[str, ...] = ()
    # cell keys of an outcome column that say the record was deleted in the system it was
    # exported from (Pipedrive's Status 'deleted'): such a row is not imported
    deleted: frozenset[str] = frozenset()
    # how a team formats a won or lost row instead of writing a word (a struck-through row, a
    # row filled grey): marks of the row's cells (migrate.ingest's row marks)
    won_marks: tuple[str, ...] = ()
    lost_marks: tuple[str, ...] = ()
    # a sheet without a stage column named for won or lost deals (受注実績, 失注一覧): words of
    # its name (NFKC, case-folded; Latin words whole), and the headers of its mapped amount
    # column (受注金額; its close-date column's header is one of the ``dates``)
    won_sheets: tuple[str, ...] = ()
    lost_sheets: tuple[str, ...] = ()
    won_amounts: tuple[str, ...] = ()
    lost_amounts: tuple[str, ...] = ()
    # words of a sheet name that say its deals are not closed yet (受注見込一覧, 受注予定)
    sheets_not: tuple[str, ...] = ()
    # a forecast category column (Salesforce's Forecast Category: Pipeline, Best Case, Commit,
    # Closed, Omitted) read as the stage of a sheet with no stage column: header keys, the
    # categories (cell key, stage key, guessed?, why in English) and the cell keys that name
    # no stage (Omitted)
    forecast_headers: tuple[str, ...] = ()
    forecast_categories: tuple[tuple[str, str, bool, str], ...] = ()
    forecast_no_stage: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageModel:
    """The whole stage model: stages in order, requirements and inference rules."""

    stages: tuple[Stage, ...]
    requirements: tuple[Requirement, ...]
    inference: tuple[InferenceRule, ...]
    path: str = ""
    evidence: EvidenceColumns = EvidenceColumns()
    closed_words: frozenset[str] = frozenset()  # word keys said of won and lost deals alike
    _words: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        for s in self.stages:
            for w in (s.key, s.label.ja, s.label.en, *s.synonyms):
                self._words.setdefault(word_key(w), s.key)
        for s in self.stages:
            after = self.next_stage(s.key)
            for w in s.exit_words if after else ():
                self._words.setdefault(word_key(w), after)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.stages)

    def stage(self, key: str) -> Stage:
        for s in self.stages:
            if s.key == key:
                return s
        raise KeyError(key)

    def keys_where(self, *, level: str | None = None, status: str | None = None) -> tuple[str, ...]:
        """Stage keys with the given level and/or status, in funnel order."""
        return tuple(
            s.key
            for s in self.stages
            if (level is None or s.level == level) and (status is None or s.status == status)
        )

    def next_stage(self, key: str) -> str:
        """The stage after ``key`` in funnel order, lost stages left aside ("" at the end)."""
        return next_stage(self.stages, key)

    def lookup(self, word: object) -> str | None:
        """The stage key a word means (key, label or synonym, compared by :func:`word_key`)."""
        return self._words.get(word_key(word))


def next_stage(stages: Iterable[Stage], key: str) -> str:
    """The stage whose exit words ``key``'s are: the next in order that is not a lost stage."""
    ordered = sorted(stages, key=lambda s: s.order)
    at = next((s.order for s in ordered if s.key == key), None)
    if at is None:
        return ""
    return next((s.key for s in ordered if s.order > at and s.status != "lost"), "")


def cell_key(text: object) -> str:
    """Comparison key of a flag cell: NFKC, case-folded, trimmed (○ and ✓ stay themselves)."""
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold().strip()


def word_key(text: object) -> str:
    """Comparison key of a stage word: NFKC, case-folded, no spaces, punctuation or symbols (a
    word of symbols alone, ×, keeps them); the normaliser's key, so both read a word alike."""
    from ..normalize.config import stage_word_key

    return stage_word_key("" if text is None else str(text))


# ----------------------------------------------------------------------------- loading


def load_stage_model(rules_dir: str | os.PathLike[str] | None = None) -> StageModel:
    """The stage model of rules/stages.yaml, fully checked (a view on the rules bundle)."""
    from ..bundle import load_rules_bundle

    return load_rules_bundle(rules_dir).stages


def parse_stage_model(path: str, fields: frozenset[str]) -> StageModel:
    """Read and fully check one stages.yaml against the canonical ``fields`` (the rules bundle
    calls this once per file)."""
    doc, problems = load_rule_file(path, "stages")
    problems.keys(doc, "", _TOP_KEYS, ["stages"])
    stages = _read_stages(doc.get("stages"), problems)
    keys = [s.key for s in stages]
    seen_ids: set[str] = set()
    requirements = _read_requirements(doc.get("requirements"), problems, stages, fields, seen_ids)
    inference = _read_inference(doc.get("inference"), problems, keys, fields, seen_ids)
    _check_word_forms(doc.get("word_forms"), problems, keys)
    _check_guesses(doc.get("guesses"), problems, keys)
    _check_lead_statuses(doc.get("lead_statuses"), problems, keys)
    problems.string_list(doc.get("lifecycle_headers"), "lifecycle_headers")
    _check_provisional(doc.get("provisional"), problems, keys)
    evidence = _read_evidence(doc.get("evidence"), problems, keys)
    closed_words = problems.string_list(doc.get("closed_words"), "closed_words")
    problems.raise_if_any()
    return StageModel(
        tuple(sorted(stages, key=lambda s: s.order)),
        tuple(requirements),
        tuple(inference),
        path,
        evidence=evidence,
        closed_words=frozenset(k for k in map(word_key, closed_words) if k),
    )


def _text(value: Any, key: str, problems: Problems, required: bool) -> Text:
    if value is None and not required:
        return Text("", "")
    if not problems.keys(value, key, _TEXT_KEYS, _TEXT_KEYS if required else ()):
        return Text("", "")
    out = {}
    for lang in _TEXT_KEYS:
        v = value.get(lang, "")
        if problems.type(v, f"{key}.{lang}", (str, int, float), "a text"):
            out[lang] = str(v)
    return Text(out.get("ja", ""), out.get("en", ""))


def _number(value: Any, key: str, problems: Problems, lo: float, hi: float) -> float | None:
    if not problems.type(value, key, (int, float), "a number"):
        return None
    if not lo <= value <= hi:
        problems.add(key, f"{value!r} is out of range; allowed: {lo:g} to {hi:g}")
        return None
    return float(value)


def _read_stages(raw: Any, problems: Problems) -> list[Stage]:
    if not isinstance(raw, list) or not raw:
        problems.add("stages", f"expected a non-empty list of stages, got {raw!r:.60}")
        return []
    stages: list[Stage] = []
    keys: dict[str, int] = {}
    orders: dict[int, str] = {}
    words: dict[str, str] = {}  # word_key -> stage key that first listed it
    for i, spec in enumerate(raw):
        at = f"stages[{i}]"
        problems.keys(spec, at, _STAGE_KEYS, _REQUIRED_STAGE_KEYS)
        # a stage with an unknown key is still read (only missing keys stop it), so that what
        # refers to it does not report errors of its own
        if not isinstance(spec, Mapping) or any(k not in spec for k in _REQUIRED_STAGE_KEYS):
            continue
        key = spec["key"]
        if not isinstance(key, str) or not _KEY_RE.match(key):
            problems.add(
                f"{at}.key",
                f"{key!r:.60} is not a stage key; use lower-case letters, "
                "digits and _ (e.g. 'proposal')",
            )
            key = str(key)
        elif key in keys:
            problems.add(f"{at}.key", f"'{key}' is already the key of stages[{keys[key]}]")
        keys.setdefault(key, i)
        order = spec["order"]
        if problems.type(order, f"{at}.order", int, "a whole number"):
            if order in orders:
                problems.add(f"{at}.order", f"{order} is already the order of '{orders[order]}'")
            orders.setdefault(order, key)
        problems.choice(spec["level"], f"{at}.level", LEVELS)
        problems.choice(spec["status"], f"{at}.status", STATUSES)
        problems.choice(spec["team"], f"{at}.team", TEAMS)
        prob = _number(spec["probability"], f"{at}.probability", problems, 0, 100)
        label = _text(spec["label"], f"{at}.label", problems, required=True)
        synonyms = problems.string_list(spec.get("synonyms"), f"{at}.synonyms")
        exit_words = problems.string_list(spec.get("exit_words"), f"{at}.exit_words")
        entries = [(f"{at}.key", key), (f"{at}.label.ja", label.ja), (f"{at}.label.en", label.en)]
        entries += [(f"{at}.synonyms", s) for s in synonyms]
        # an exit word is a word of this stage's file entry like a synonym: listed once only
        entries += [(f"{at}.exit_words", s) for s in exit_words]
        for where, word in entries:
            wk = word_key(word)
            if not wk:
                if word:
                    problems.add(
                        where, f"'{word}' has no letters or digits; it cannot match anything"
                    )
                continue
            owner = words.setdefault(wk, key)
            if owner != key:
                problems.add(where, f"'{word}' is also listed under '{owner}'")
        stages.append(
            Stage(
                key=key,
                order=order if isinstance(order, int) else 0,
                label=label,
                level=spec["level"],
                status=spec["status"],
                team=spec["team"],
                probability=prob if prob is not None else 0.0,
                definition=_text(
                    spec.get("definition"), f"{at}.definition", problems, required=False
                ),
                exit=_text(spec.get("exit"), f"{at}.exit", problems, required=False),
                synonyms=tuple(synonyms),
                exit_words=tuple(exit_words),
            )
        )
    return stages


def _field_list(
    value: Any, key: str, problems: Problems, fields: AbstractSet[str]
) -> tuple[str, ...]:
    out = problems.string_list(value if not isinstance(value, str) else [value], key)
    for i, f in enumerate(out):
        where = f"{key}[{i}]" if isinstance(value, list) else key
        problems.choice(f, where, sorted(fields))
    return tuple(out)


def _field(value: Any, key: str, problems: Problems, fields: AbstractSet[str]) -> str:
    if value is None:
        return ""
    if problems.choice(value, key, sorted(fields)):
        return str(value)
    return ""


def _rule_id(value: Any, key: str, problems: Problems, seen: set[str]) -> str:
    if not isinstance(value, str) or not _RULE_ID_RE.match(value):
        problems.add(
            key,
            f"{value!r:.60} is not a rule id; use 'area.kebab-name' (e.g. 'stages.amount-missing')",
        )
        return str(value)
    if value in seen:
        problems.add(key, f"'{value}' is used twice; rule ids must be unique")
    seen.add(value)
    return value


def _read_requirements(
    raw: Any, problems: Problems, stages: list[Stage], fields: AbstractSet[str], seen: set[str]
) -> list[Requirement]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add("requirements", f"expected a list, got {type(raw).__name__}")
        return []
    keys = [s.key for s in stages]
    ordered = sorted(stages, key=lambda s: s.order)
    out = []
    for i, spec in enumerate(raw):
        at = f"requirements[{i}]"
        if not problems.keys(spec, at, _REQ_KEYS, ["id", "severity", "message"]):
            continue
        rid = _rule_id(spec["id"], f"{at}.id", problems, seen)
        applies = problems.string_list(spec.get("applies_to"), f"{at}.applies_to")
        for j, k in enumerate(applies):
            problems.choice(k, f"{at}.applies_to[{j}]", keys)
        if "from" in spec and problems.choice(spec["from"], f"{at}.from", keys):
            # `from` = that stage and every later open stage of the funnel
            start = next(s.order for s in stages if s.key == spec["from"])
            applies += [
                s.key
                for s in ordered
                if s.order >= start
                and (s.key == spec["from"] or not s.closed)
                and s.key not in applies
            ]
        if "applies_to" not in spec and "from" not in spec:
            problems.add(at, "missing required key 'applies_to' (or 'from')")
        if not any(k in spec for k in _CHECK_KEYS):
            problems.add(at, f"no check given; use one of: {', '.join(_CHECK_KEYS)}")
        between = None
        if "probability_between" in spec:
            pb = spec["probability_between"]
            if (
                isinstance(pb, list)
                and len(pb) == 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pb)
                and 0 <= pb[0] <= pb[1] <= 100
            ):
                between = (float(pb[0]), float(pb[1]))
            else:
                problems.add(
                    f"{at}.probability_between",
                    f"{pb!r:.60} is not allowed; expected [low, high] with 0 <= low <= high <= 100",
                )
        problems.choice(spec["severity"], f"{at}.severity", SEVERITIES)
        no_stage = spec.get("no_stage", False)
        if not isinstance(no_stage, bool):
            problems.add(
                f"{at}.no_stage", f"{no_stage!r:.60} is not allowed; expected true or false"
            )
            no_stage = False
        out.append(
            Requirement(
                id=rid,
                applies_to=tuple(applies),
                severity=spec["severity"],
                message=_text(spec["message"], f"{at}.message", problems, required=True),
                require=_field_list(spec.get("require", []), f"{at}.require", problems, fields),
                forbid=_field_list(spec.get("forbid", []), f"{at}.forbid", problems, fields),
                date_not_after_today=_field(
                    spec.get("date_not_after_today"), f"{at}.date_not_after_today", problems, fields
                ),
                date_not_before_today=_field(
                    spec.get("date_not_before_today"),
                    f"{at}.date_not_before_today",
                    problems,
                    fields,
                ),
                probability_between=between,
                expect=_field_list(spec.get("expect", []), f"{at}.expect", problems, fields),
                not_stale=_field(spec.get("not_stale"), f"{at}.not_stale", problems, fields),
                no_stage=no_stage,
                sheet_has=_field_list(
                    spec.get("sheet_has", []), f"{at}.sheet_has", problems, fields
                ),
                positive=_field_list(spec.get("positive", []), f"{at}.positive", problems, fields),
            )
        )
    return out


def _read_inference(
    raw: Any, problems: Problems, keys: list[str], fields: AbstractSet[str], seen: set[str]
) -> list[InferenceRule]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add("inference", f"expected a list, got {type(raw).__name__}")
        return []
    out = []
    for i, spec in enumerate(raw):
        at = f"inference[{i}]"
        if not problems.keys(spec, at, _INF_KEYS, ["id", "when", "stage"]):
            continue
        rid = _rule_id(spec["id"], f"{at}.id", problems, seen)
        problems.choice(spec["stage"], f"{at}.stage", keys)
        over = spec.get("over_unknown_word", False)
        problems.type(over, f"{at}.over_unknown_word", bool, "true or false")
        when = spec["when"]
        if not problems.keys(when, f"{at}.when", _WHEN_KEYS):
            continue
        if not when:
            problems.add(f"{at}.when", f"no condition given; use one of: {', '.join(_WHEN_KEYS)}")
        bounds = {}
        for b in ("probability_at_least", "probability_at_most"):
            if b in when:
                bounds[b] = _number(when[b], f"{at}.when.{b}", problems, 0, 100)
        evidence = when.get("evidence", "")
        if "evidence" in when:
            problems.choice(evidence, f"{at}.when.evidence", ["won", "lost"])
        out.append(
            InferenceRule(
                id=rid,
                stage=str(spec["stage"]),
                probability_at_least=bounds.get("probability_at_least"),
                probability_at_most=bounds.get("probability_at_most"),
                has=_field_list(when.get("has", []), f"{at}.when.has", problems, fields),
                has_any=_field_list(
                    when.get("has_any", []), f"{at}.when.has_any", problems, fields
                ),
                lacks=_field_list(when.get("lacks", []), f"{at}.when.lacks", problems, fields),
                sheet_lacks=_field_list(
                    when.get("sheet_lacks", []), f"{at}.when.sheet_lacks", problems, fields
                ),
                evidence=str(evidence),
                over_unknown_word=over is True,
            )
        )
    return out


def _check_word_forms(raw: Any, problems: Problems, keys: list[str]) -> None:
    """word_forms: {suffixes: {kind: [suffix]}, stems: [{words, <kind>: stage, default}]}."""
    if raw is None or not problems.keys(raw, "word_forms", ["suffixes", "stems"]):
        return
    suffixes = raw.get("suffixes", {})
    if problems.keys(suffixes, "word_forms.suffixes", FORM_KINDS):
        for kind, words in suffixes.items():
            problems.string_list(words, f"word_forms.suffixes.{kind}")
    stems = raw.get("stems", [])
    if not isinstance(stems, list):
        problems.add("word_forms.stems", f"expected a list, got {type(stems).__name__}")
        return
    for i, spec in enumerate(stems):
        at = f"word_forms.stems[{i}]"
        if not problems.keys(spec, at, _STEM_KEYS, ["words"]):
            continue
        if not problems.string_list(spec["words"], f"{at}.words"):
            problems.add(f"{at}.words", "no words given")
        for kind in (*FORM_KINDS, "default"):
            if kind in spec:
                problems.choice(spec[kind], f"{at}.{kind}", keys)
        if not any(k in spec for k in (*FORM_KINDS, "default")):
            problems.add(at, f"no stage given; use one of: {', '.join((*FORM_KINDS, 'default'))}")


def _check_guesses(raw: Any, problems: Problems, keys: list[str]) -> None:
    """guesses: [{words, stage, why: {ja, en}}]."""
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.add("guesses", f"expected a list, got {type(raw).__name__}")
        return
    for i, spec in enumerate(raw):
        at = f"guesses[{i}]"
        if not problems.keys(spec, at, _GUESS_KEYS, _GUESS_KEYS):
            continue
        problems.string_list(spec["words"], f"{at}.words")
        problems.choice(spec["stage"], f"{at}.stage", keys)
        _text(spec["why"], f"{at}.why", problems, required=True)


def _check_lead_statuses(raw: Any, problems: Problems, keys: list[str]) -> None:
    """lead_statuses: [{key, stage, words}]: a status key (lower case, unique), a stage key."""
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.add("lead_statuses", f"expected a list, got {type(raw).__name__}")
        return
    seen: set[str] = set()
    words: dict[str, str] = {}
    for i, spec in enumerate(raw):
        at = f"lead_statuses[{i}]"
        if not problems.keys(spec, at, _LEAD_STATUS_KEYS, _LEAD_STATUS_KEYS):
            continue
        key = spec["key"]
        if not isinstance(key, str) or not _KEY_RE.match(key) or key in seen:
            problems.add(f"{at}.key", f"{key!r} is not a new lower-case key")
        seen.add(str(key))
        problems.choice(spec["stage"], f"{at}.stage", keys)
        for w in problems.string_list(spec["words"], f"{at}.words") or []:
            k = word_key(w)
            if k in words and words[k] != key:
                problems.add(f"{at}.words", f"{w!r} is also a word of the status {words[k]!r}")
            words.setdefault(k, str(key))


def _check_provisional(raw: Any, problems: Problems, keys: list[str]) -> None:
    """provisional: {markers: [...], stage: key}."""
    at = "provisional"
    if raw is None or not problems.keys(raw, at, ["markers", "stage"], ["markers", "stage"]):
        return
    problems.string_list(raw["markers"], f"{at}.markers")
    problems.choice(raw["stage"], f"{at}.stage", keys)


def _read_forecast(
    raw: Any, problems: Problems, keys: list[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, str, bool, str], ...], tuple[str, ...]]:
    """evidence.forecast: {headers: [...], categories: [{words, stage, guess, why}], no_stage}."""
    at = "evidence" + ".forecast"  # a key path, not a finding id
    if raw is None or not problems.keys(raw, at, _FORECAST_KEYS, ["headers", "categories"]):
        return (), (), ()
    listed = problems.string_list(raw["headers"], f"{at}.headers")
    headers = tuple(dict.fromkeys(k for k in map(word_key, listed) if k))
    categories: list[tuple[str, str, bool, str]] = []
    seen: dict[str, str] = {}
    specs = raw["categories"] if isinstance(raw["categories"], list) else []
    if not isinstance(raw["categories"], list):
        problems.add(f"{at}.categories", "expected a list of {words, stage, guess, why}")
    for i, spec in enumerate(specs):
        where = f"{at}.categories[{i}]"
        if not problems.keys(spec, where, _CATEGORY_KEYS, ["words", "stage"]):
            continue
        problems.choice(spec["stage"], f"{where}.stage", keys)
        guess = spec.get("guess", False)
        problems.type(guess, f"{where}.guess", bool, "true or false")
        why = spec.get("why", "")
        problems.type(why, f"{where}.why", str, "a text")
        for w in problems.string_list(spec["words"], f"{where}.words"):
            k = word_key(w)
            if k in seen and seen[k] != spec["stage"]:
                problems.add(f"{where}.words", f"{w!r} is also a category of {seen[k]!r}")
            seen.setdefault(k, str(spec["stage"]))
            if k:
                categories.append((k, str(spec["stage"]), guess is True, str(why)))
    none = problems.string_list(raw.get("no_stage"), f"{at}.no_stage")
    for w in none:
        if word_key(w) in seen:
            problems.add(f"{at}.no_stage", f"{w!r} is also a category of {seen[word_key(w)]!r}")
    return headers, tuple(categories), tuple(k for k in map(word_key, none) if k)


def _read_evidence(raw: Any, problems: Problems, keys: list[str]) -> EvidenceColumns:
    """evidence: {won: {flags, dates}, lost: {flags, dates}, truthy, outcome, deleted: [...]}."""
    at = "evidence"
    if raw is None or not problems.keys(raw, at, _EVIDENCE_KEYS):
        return EvidenceColumns()
    forecast = _read_forecast(raw.get("forecast"), problems, keys)
    headers: dict[str, tuple[str, ...]] = {}
    for side in ("won", "lost"):
        spec = raw.get(side, {})
        if not problems.keys(spec, f"{at}.{side}", _EVIDENCE_SIDE_KEYS):
            continue
        for kind in _EVIDENCE_SIDE_KEYS:
            words = problems.string_list(spec.get(kind), f"{at}.{side}.{kind}")
            if kind in ("row_marks", "sheets"):  # marks (strike, fill:theme5), parts of names
                headers[f"{side}_{kind}"] = tuple(
                    unicodedata.normalize("NFKC", w).strip().casefold() for w in words if w.strip()
                )
                continue
            headers[f"{side}_{kind}"] = tuple(k for k in map(word_key, words) if k)
    truthy = problems.string_list(raw.get("truthy"), f"{at}.truthy")
    outcome = problems.string_list(raw.get("outcome"), f"{at}.outcome")
    deleted = problems.string_list(raw.get("deleted"), f"{at}.deleted")
    closed = problems.string_list(raw.get("closed"), f"{at}.closed")
    sheets_not = problems.string_list(raw.get("sheets_not"), f"{at}.sheets_not")
    return EvidenceColumns(
        closed_flags=tuple(k for k in map(word_key, closed) if k),
        outcome=tuple(k for k in map(word_key, outcome) if k),
        deleted=frozenset(k for k in map(word_key, deleted) if k),
        won_flags=headers.get("won_flags", ()),
        won_dates=headers.get("won_dates", ()),
        lost_flags=headers.get("lost_flags", ()),
        lost_dates=headers.get("lost_dates", ()),
        truthy=frozenset(k for k in map(cell_key, truthy) if k),
        won_marks=headers.get("won_row_marks", ()),
        lost_marks=headers.get("lost_row_marks", ()),
        won_sheets=headers.get("won_sheets", ()),
        lost_sheets=headers.get("lost_sheets", ()),
        won_amounts=headers.get("won_amounts", ()),
        lost_amounts=headers.get("lost_amounts", ()),
        sheets_not=tuple(
            unicodedata.normalize("NFKC", w).strip().casefold() for w in sheets_not if w.strip()
        ),
        forecast_headers=forecast[0],
        forecast_categories=forecast[1],
        forecast_no_stage=forecast[2],
    )
