"""The stage model (rules/stages.yaml): the funnel every tracker's stage words are mapped onto.

In: the rule file (stages with order, labels, level, status, team, probability, synonyms and
exit words; status-word forms, guesses and evidence columns; checkable requirements per stage;
inference rules) and a records or deals frame whose ``stage`` column holds stage keys ("" when
missing). Out: a frozen :class:`StageModel` (:mod:`.model`), findings from
:func:`check_stage_consistency` (:mod:`.checks`; rule ids are the requirement ids of the YAML,
e.g. ``stages.amount-missing``) and, from :func:`infer_stages` (:mod:`.inference`), a new frame
whose empty or unknown stages were filled where the evidence allows it (``_stage_inferred``
True, findings ``stages.inferred`` / ``stages.inferred-over-word``), with the contradictions and
the unknown words that are left reported.
"""

from __future__ import annotations

from .checks import check_stage_consistency
from .inference import (
    INFERRED,
    RULE_INFERRED,
    STAGE_WORD,
    UNKNOWN_WORD,
    closed_evidence,
    deleted_rows,
    infer_stages,
    suggest_stage,
)
from .model import (
    LEVELS,
    SEVERITIES,
    STATUSES,
    TEAMS,
    EvidenceColumns,
    InferenceRule,
    Level,
    Requirement,
    Stage,
    StageModel,
    Status,
    Team,
    Text,
    load_stage_model,
    next_stage,
    parse_stage_model,
    word_key,
)

__all__ = [
    "INFERRED",
    "LEVELS",
    "RULE_INFERRED",
    "SEVERITIES",
    "STAGE_WORD",
    "STATUSES",
    "TEAMS",
    "UNKNOWN_WORD",
    "EvidenceColumns",
    "InferenceRule",
    "Level",
    "Requirement",
    "Stage",
    "StageModel",
    "Status",
    "Team",
    "Text",
    "check_stage_consistency",
    "closed_evidence",
    "deleted_rows",
    "infer_stages",
    "load_stage_model",
    "next_stage",
    "parse_stage_model",
    "suggest_stage",
    "word_key",
]
