"""Report settings (rules/report.yaml): the stale threshold, list sizes and the operating checklist.

In: the rule file; out: a frozen :class:`ReportRules`. The whole file is checked and every
problem is raised at once as a RuleFileError naming the key path, the bad value and what is
allowed. Also home of the stage-model adapter: the report reads the stage model through
``migrate.stages.load_stage_model`` and falls back to reading rules/stages.yaml itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Literal

from ..rules import Problems, load_rule_file, read_yaml, rule_path

Measure = Literal[
    "stage_recognised",
    "exit_conditions",
    "required_fields",
    "lead_source",
    "won_amount",
    "fresh_updates",
    "owner",
    "close_dates",
    "lost_reason",
    "next_action",
    "unique_records",
    "none",
]
MEASURES: tuple[str, ...] = Measure.__args__  # type: ignore[attr-defined]

_TOP_KEYS = [
    "kind",
    "version",
    "stale_days",
    "examples",
    "top",
    "clusters",
    "owners",
    "fields",
    "verdict",
    "checklist",
    "quality_copy_max_rows",
    "cell_comments_max",
    "quality_problem_rows_max",
    "currency_hint",
]
_CURRENCY_HINT_KEYS = ["min_share", "dominant_share"]
_VERDICT_KEYS = ["max_rejected_share", "max_error_findings"]
_ITEM_KEYS = ["id", "title", "measure", "pass_at", "warn_at"]
_ID_RE = re.compile(r"^checklist\.[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the operating checklist and how it is judged from the data."""

    id: str
    title_ja: str
    title_en: str
    measure: str
    pass_at: float = 1.0
    warn_at: float = 0.0


@dataclass(frozen=True)
class ReportRules:
    """Everything rules/report.yaml says."""

    stale_days: int = 30
    examples: int = 3
    top: int = 10
    clusters: int = 5
    owners: int = 30
    fields: tuple[str, ...] = ()
    max_rejected_share: float = 0.0
    max_error_findings: int = 0
    checklist: tuple[ChecklistItem, ...] = ()
    quality_copy_max_rows: int = 50_000
    cell_comments_max: int = 10_000
    quality_problem_rows_max: int = 20_000
    # the run summary's --currency hint: the share of deal rows with an amount rejected for a
    # foreign currency, and the share of those one currency must hold
    currency_hint_min_share: float = 0.5
    currency_hint_dominant_share: float = 0.8
    path: str = ""


def load_report_rules(rules_dir: str | os.PathLike[str] | None = None) -> ReportRules:
    """The report settings of rules/report.yaml (a view on the rules bundle)."""
    from ..bundle import load_rules_bundle

    return load_rules_bundle(rules_dir).report


def _int(p: Problems, value: Any, key: str, lo: int) -> int | None:
    if not p.type(value, key, int, "a whole number"):
        return None
    if value < lo:
        p.add(key, f"{value!r} is out of range; allowed: {lo} or more")
        return None
    return int(value)


def _share(p: Problems, value: Any, key: str) -> float | None:
    if not p.type(value, key, (int, float), "a number"):
        return None
    if not 0 <= value <= 1:
        p.add(key, f"{value!r} is out of range; allowed: 0 to 1 (a share)")
        return None
    return float(value)


def parse_report_rules(path: str) -> ReportRules:
    """Read and check one report.yaml (the rules bundle calls this once per file)."""
    doc, p = load_rule_file(path, "report")
    p.keys(doc, "", _TOP_KEYS, ["stale_days", "checklist"])
    out: dict[str, Any] = {"path": path}
    for key, lo in (
        ("stale_days", 1),
        ("examples", 0),
        ("top", 1),
        ("clusters", 0),
        ("owners", 1),
        ("quality_copy_max_rows", 0),
        ("cell_comments_max", 0),
        ("quality_problem_rows_max", 0),
    ):
        if key in doc:
            v = _int(p, doc[key], key, lo)
            if v is not None:
                out[key] = v
    out["fields"] = tuple(p.string_list(doc.get("fields"), "fields"))
    verdict = doc.get("verdict") or {}
    if p.keys(verdict, "verdict", _VERDICT_KEYS):
        if "max_rejected_share" in verdict:
            share = _share(p, verdict["max_rejected_share"], "verdict.max_rejected_share")
            if share is not None:
                out["max_rejected_share"] = share
        if "max_error_findings" in verdict:
            n = _int(p, verdict["max_error_findings"], "verdict.max_error_findings", 0)
            if n is not None:
                out["max_error_findings"] = n
    hint = doc.get("currency_hint") or {}
    if p.keys(hint, "currency_hint", _CURRENCY_HINT_KEYS):
        for key in _CURRENCY_HINT_KEYS:
            if key in hint:
                share = _share(p, hint[key], f"currency_hint.{key}")
                if share is not None:
                    out[f"currency_hint_{key}"] = share
    out["checklist"] = tuple(_checklist(p, doc.get("checklist")))
    p.raise_if_any()
    return ReportRules(**out)


def _checklist(p: Problems, raw: Any) -> list[ChecklistItem]:
    if not isinstance(raw, list):
        p.add("checklist", f"expected a list of checklist items, got {raw!r:.60}")
        return []
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for i, spec in enumerate(raw):
        at = f"checklist[{i}]"
        if not p.keys(spec, at, _ITEM_KEYS, ["id", "title", "measure"]):
            continue
        item_id = spec["id"]
        if not isinstance(item_id, str) or not _ID_RE.match(item_id):
            p.add(f"{at}.id", f"{item_id!r:.60} is not a checklist id; use 'checklist.kebab-name'")
        elif item_id in seen:
            p.add(f"{at}.id", f"'{item_id}' is listed twice")
        seen.add(str(item_id))
        title = spec["title"]
        if p.keys(title, f"{at}.title", ["ja", "en"], ["ja", "en"]):
            for lang in ("ja", "en"):
                p.type(title[lang], f"{at}.title.{lang}", str, "a text")
        else:
            title = {"ja": "", "en": ""}
        p.choice(spec["measure"], f"{at}.measure", MEASURES)
        pass_at = warn_at = None
        if spec["measure"] != "none":
            for k in ("pass_at", "warn_at"):
                if k not in spec:
                    p.add(at, f"missing required key '{k}' (measure '{spec['measure']}' needs it)")
            pass_at = _share(p, spec.get("pass_at", 1.0), f"{at}.pass_at")
            warn_at = _share(p, spec.get("warn_at", 0.0), f"{at}.warn_at")
            if pass_at is not None and warn_at is not None and warn_at > pass_at:
                p.add(
                    f"{at}.warn_at",
                    f"{warn_at!r} is above pass_at {pass_at!r}; allowed: warn_at <= pass_at",
                )
        items.append(
            ChecklistItem(
                id=str(item_id),
                title_ja=str(title.get("ja", "")),
                title_en=str(title.get("en", "")),
                measure=str(spec["measure"]),
                pass_at=pass_at if pass_at is not None else 1.0,
                warn_at=warn_at if warn_at is not None else 0.0,
            )
        )
    return items


# ----------------------------------------------------------------------------- stage model


@dataclass(frozen=True)
class StageInfo:
    """What the report needs to know about one stage of the model."""

    key: str
    order: int
    label_ja: str
    label_en: str
    status: str  # open | won | lost
    level: str  # person | deal
    probability: float
    exit_ja: str = ""
    exit_en: str = ""
    definition_ja: str = ""
    definition_en: str = ""

    def label(self, lang: str) -> str:
        return (
            (self.label_ja or self.label_en) if lang == "ja" else (self.label_en or self.label_ja)
        )


@dataclass(frozen=True)
class StageView:
    """The stage model as the report sees it: stages in order, requirements, a word lookup."""

    stages: tuple[StageInfo, ...]
    required_stages: frozenset[str]  # stages with at least one `require` rule
    requirement_ids: tuple[str, ...]
    path: str
    lookup: Any = None  # callable word -> stage key | None (the model's own lookup)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.stages)

    def get(self, key: str) -> StageInfo | None:
        for s in self.stages:
            if s.key == key:
                return s
        return None

    def resolve(self, value: object) -> str:
        """The stage key of a value: a key as is, else the model's words; "" when unknown."""
        if value is None or (isinstance(value, float) and value != value):
            return ""
        text = str(value).strip()
        if not text:
            return ""
        if text in self.keys:
            return text
        if self.lookup is not None:
            return self.lookup(text) or ""
        return ""


def stage_view(
    stage_model: Any = None, rules_dir: str | os.PathLike[str] | None = None
) -> StageView:
    """Adapt a StageModel (or load one) into a :class:`StageView`."""
    if stage_model is None:
        try:
            from ..stages import load_stage_model
        except ImportError:  # the stages module is optional for the report
            return _view_from_yaml(rule_path("stages.yaml", rules_dir))
        stage_model = load_stage_model(rules_dir)
    if isinstance(stage_model, StageView):
        return stage_model
    stages = tuple(sorted((_info(s) for s in stage_model.stages), key=lambda s: s.order))
    reqs = tuple(getattr(stage_model, "requirements", ()) or ())
    required = frozenset(k for r in reqs if getattr(r, "require", ()) for k in r.applies_to)
    return StageView(
        stages,
        required,
        tuple(r.id for r in reqs),
        str(getattr(stage_model, "path", "")),
        getattr(stage_model, "lookup", None),
    )


def _info(s: Any) -> StageInfo:
    def text(obj: Any, lang: str) -> str:
        return str(getattr(obj, lang, "") or "") if obj is not None else ""

    return StageInfo(
        key=s.key,
        order=int(s.order),
        label_ja=text(s.label, "ja"),
        label_en=text(s.label, "en"),
        status=s.status,
        level=getattr(s, "level", "deal"),
        probability=float(s.probability),
        exit_ja=text(getattr(s, "exit", None), "ja"),
        exit_en=text(getattr(s, "exit", None), "en"),
        definition_ja=text(getattr(s, "definition", None), "ja"),
        definition_en=text(getattr(s, "definition", None), "en"),
    )


def _view_from_yaml(path: os.PathLike[str] | str) -> StageView:
    """Read rules/stages.yaml directly (used when migrate.stages is not there)."""
    doc = read_yaml(path) or {}
    stages = []
    words: dict[str, str] = {}
    for s in doc.get("stages") or []:
        label, ex, de = s.get("label") or {}, s.get("exit") or {}, s.get("definition") or {}
        stages.append(
            StageInfo(
                key=str(s["key"]),
                order=int(s["order"]),
                label_ja=str(label.get("ja", "")),
                label_en=str(label.get("en", "")),
                status=str(s.get("status", "open")),
                level=str(s.get("level", "deal")),
                probability=float(s.get("probability", 0)),
                exit_ja=str(ex.get("ja", "")),
                exit_en=str(ex.get("en", "")),
                definition_ja=str(de.get("ja", "")),
                definition_en=str(de.get("en", "")),
            )
        )
        for w in [s["key"], label.get("ja", ""), label.get("en", ""), *(s.get("synonyms") or [])]:
            words.setdefault(_word_key(w), str(s["key"]))
    reqs = doc.get("requirements") or []
    required = frozenset(k for r in reqs if r.get("require") for k in r.get("applies_to") or [])

    def lookup(word: object) -> str | None:
        return words.get(_word_key(word))

    return StageView(
        tuple(sorted(stages, key=lambda s: s.order)),
        required,
        tuple(str(r.get("id", "")) for r in reqs),
        str(path),
        lookup,
    )


def _word_key(text: object) -> str:
    import unicodedata

    t = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    return "".join(ch for ch in t if unicodedata.category(ch)[0] not in "PZSC")
