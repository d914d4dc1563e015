"""The stage model (rules/stages.yaml): the funnel every tracker's stage words are mapped onto.

In: the rule file (stages with order, labels, level, status, team, probability, synonyms;
checkable requirements per stage; inference rules for records without a stage word) and a
records or deals frame whose ``stage`` column holds stage keys ("" when missing). Out: a frozen
:class:`StageModel`, findings from :func:`check_stage_consistency` (rule ids are the
requirement ids of the YAML, e.g. ``stages.amount-missing``) and, from :func:`infer_stages`, a
new frame whose empty stages were filled where an inference rule allows it (``_stage_inferred``
True, finding ``stages.inferred``). A broken rule file fails at load with one RuleFileError
listing every problem with its key path, the bad value and the allowed values.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import pandas as pd

from . import findings as fnd
from .rules import Problems, load_rule_file
from .schema import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, cell_text, flags, is_blank

Level = Literal["person", "deal"]
Status = Literal["open", "won", "lost"]
Team = Literal["marketing", "inside_sales", "field_sales", "customer_success"]
LEVELS: tuple[str, ...] = ("person", "deal")
STATUSES: tuple[str, ...] = ("open", "won", "lost")
TEAMS: tuple[str, ...] = ("marketing", "inside_sales", "field_sales", "customer_success")
SEVERITIES: tuple[str, ...] = fnd.SEVERITIES

INFERRED = "_stage_inferred"  # bookkeeping column: True where the stage was inferred
RULE_INFERRED = "stages.inferred"
UNKNOWN_WORD = "_stage_unknown"  # set by normalize where the stage cell held an unknown word

_TOP_KEYS = ["kind", "version", "stages", "requirements", "inference"]
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
]
_REQUIRED_STAGE_KEYS = ["key", "order", "label", "level", "status", "team", "probability"]
_TEXT_KEYS = ["ja", "en"]
_CHECK_KEYS = [
    "require",
    "forbid",
    "date_not_after_today",
    "date_not_before_today",
    "probability_between",
]
_REQ_KEYS = ["id", "applies_to", "from", *_CHECK_KEYS, "severity", "message"]
_INF_KEYS = ["id", "when", "stage"]
_WHEN_KEYS = ["probability_at_least", "probability_at_most", "has", "lacks"]
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

    @property
    def fields(self) -> tuple[str, ...]:
        dates = tuple(f for f in (self.date_not_after_today, self.date_not_before_today) if f)
        prob = ("probability",) if self.probability_between else ()
        return self.require + self.forbid + dates + prob


@dataclass(frozen=True)
class InferenceRule:
    """When a record has no stage word, the stage it may be given if all conditions hold."""

    id: str
    stage: str
    probability_at_least: float | None = None
    probability_at_most: float | None = None
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageModel:
    """The whole stage model: stages in order, requirements and inference rules."""

    stages: tuple[Stage, ...]
    requirements: tuple[Requirement, ...]
    inference: tuple[InferenceRule, ...]
    path: str = ""
    _words: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        for s in self.stages:
            for w in (s.key, s.label.ja, s.label.en, *s.synonyms):
                self._words.setdefault(word_key(w), s.key)

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

    def lookup(self, word: object) -> str | None:
        """The stage key a word means (key, label or synonym, compared by :func:`word_key`)."""
        return self._words.get(word_key(word))


def word_key(text: object) -> str:
    """Comparison key of a stage word: NFKC, case-folded, no spaces, punctuation or symbols."""
    t = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    return "".join(ch for ch in t if unicodedata.category(ch)[0] not in "PZSC")


# ----------------------------------------------------------------------------- loading


def load_stage_model(rules_dir: str | os.PathLike[str] | None = None) -> StageModel:
    """The stage model of rules/stages.yaml, fully checked (a view on the rules bundle)."""
    from .bundle import load_rules_bundle

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
    problems.raise_if_any()
    return StageModel(
        tuple(sorted(stages, key=lambda s: s.order)), tuple(requirements), tuple(inference), path
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
        entries = [(f"{at}.key", key), (f"{at}.label.ja", label.ja), (f"{at}.label.en", label.en)]
        entries += [(f"{at}.synonyms", s) for s in synonyms]
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
        if not problems.keys(spec, at, _INF_KEYS, _INF_KEYS):
            continue
        rid = _rule_id(spec["id"], f"{at}.id", problems, seen)
        problems.choice(spec["stage"], f"{at}.stage", keys)
        when = spec["when"]
        if not problems.keys(when, f"{at}.when", _WHEN_KEYS):
            continue
        if not when:
            problems.add(f"{at}.when", f"no condition given; use one of: {', '.join(_WHEN_KEYS)}")
        bounds = {}
        for b in ("probability_at_least", "probability_at_most"):
            if b in when:
                bounds[b] = _number(when[b], f"{at}.when.{b}", problems, 0, 100)
        out.append(
            InferenceRule(
                id=rid,
                stage=str(spec["stage"]),
                probability_at_least=bounds.get("probability_at_least"),
                probability_at_most=bounds.get("probability_at_most"),
                has=_field_list(when.get("has", []), f"{at}.when.has", problems, fields),
                lacks=_field_list(when.get("lacks", []), f"{at}.when.lacks", problems, fields),
            )
        )
    return out


# ----------------------------------------------------------------------------- checks


def _number_or_none(value: object) -> float | None:
    if is_blank(value) or isinstance(value, bool):
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _date_or_none(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if is_blank(value):
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype="object")


def _where(row: pd.Series) -> dict[str, Any]:
    return {
        "file": cell_text(row.get(SOURCE_FILE)),
        "sheet": cell_text(row.get(SOURCE_SHEET)),
        "row": int(_number_or_none(row.get(SOURCE_ROW)) or 0),
    }


def check_stage_consistency(
    deals: pd.DataFrame, model: StageModel, today: date | None, *, lang: str = "en"
) -> pd.DataFrame:
    """Findings for deals whose fields break the stage requirements of the model.

    ``today`` is the run's reference date; without one the date checks are skipped.
    """
    out: list[fnd.Finding] = []
    if "stage" not in deals.columns or not len(deals):
        return fnd.empty()
    stage_col = deals["stage"].map(cell_text)
    for req in model.requirements:
        subset = deals[stage_col.isin(req.applies_to)]
        for _, row in subset.iterrows():
            stage = cell_text(row.get("stage"))
            for name, original, detail in _violations(req, row, today):
                out.append(
                    fnd.Finding(
                        rule=req.id,
                        severity=req.severity,
                        message=f"{req.message.get(lang)} (stage '{stage}': {detail})",
                        field=name,
                        original=original,
                        value=original,
                        action="kept",
                        **_where(row),
                    )
                )
    return fnd.to_frame(out)


def _violations(
    req: Requirement, row: pd.Series, today: date | None
) -> Iterable[tuple[str, str, str]]:
    """(field, value, detail) for every check of one requirement the row fails."""
    for f in req.require:
        if is_blank(row.get(f)):
            yield f, "", f"{f} is empty"
    for f in req.forbid:
        if not is_blank(row.get(f)):
            yield f, cell_text(row.get(f)), f"{f} should be empty"
    if req.date_not_after_today and today is not None:
        f = req.date_not_after_today
        d = _date_or_none(row.get(f))
        if d is not None and d > today:
            yield f, d.isoformat(), f"{f} {d.isoformat()} is after today ({today.isoformat()})"
    if req.date_not_before_today and today is not None:
        f = req.date_not_before_today
        d = _date_or_none(row.get(f))
        if d is not None and d < today:
            yield f, d.isoformat(), f"{f} {d.isoformat()} is before today ({today.isoformat()})"
    if req.probability_between:
        p = _number_or_none(row.get("probability"))
        lo, hi = req.probability_between
        if p is not None and not lo <= p <= hi:
            yield "probability", f"{p:g}", f"probability {p:g} is not between {lo:g} and {hi:g}"


def _matches(rule: InferenceRule, row: pd.Series) -> bool:
    p = _number_or_none(row.get("probability"))
    if rule.probability_at_least is not None and (p is None or p < rule.probability_at_least):
        return False
    if rule.probability_at_most is not None and (p is None or p > rule.probability_at_most):
        return False
    if any(is_blank(row.get(f)) for f in rule.has):
        return False
    return not any(not is_blank(row.get(f)) for f in rule.lacks)


def infer_stages(
    records: pd.DataFrame, model: StageModel, *, lang: str = "en"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill empty stages where an inference rule allows it; mark them in ``_stage_inferred``.

    A row whose stage cell held a word no stage claims (``_stage_unknown``) is left alone.
    """
    out = records.copy()
    stage = _column(out, "stage").map(cell_text).astype("object")
    inferred = flags(_column(out, INFERRED), lambda v: not is_blank(v) and v)
    found: list[fnd.Finding] = []
    # only an empty stage cell: a word no stage claims (_stage_unknown) is not a missing stage
    unknown = flags(_column(out, UNKNOWN_WORD), lambda v: not is_blank(v) and v)
    for idx in out.index[(stage == "") & ~unknown.astype(bool)]:
        row = out.loc[idx]
        rule = next((r for r in model.inference if _matches(r, row)), None)
        if rule is None:
            continue
        stage.at[idx] = rule.stage
        inferred.at[idx] = True
        label = model.stage(rule.stage).label.get(lang)
        found.append(
            fnd.Finding(
                rule=RULE_INFERRED,
                severity="info",
                message=f"stage inferred as '{rule.stage}' ({label}) by rule {rule.id}"
                f"{_evidence(rule, row)}",
                field="stage",
                original="",
                value=rule.stage,
                action="changed",
                **_where(row),
            )
        )
    out["stage"] = stage
    out[INFERRED] = inferred.astype(bool)
    return out, fnd.to_frame(found)


def _evidence(rule: InferenceRule, row: pd.Series) -> str:
    parts = []
    if rule.probability_at_least is not None or rule.probability_at_most is not None:
        parts.append(f"probability {_number_or_none(row.get('probability')):g}")
    parts += [f"{f} given" for f in rule.has] + [f"no {f}" for f in rule.lacks]
    return f" from {', '.join(parts)}" if parts else ""
