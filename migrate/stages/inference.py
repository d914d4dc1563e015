"""Stages inferred from the evidence beside the stage word (rules/stages.yaml ``inference``).

In: normalised records (``stage`` holds stage keys, "" when missing; ``_stage_unknown`` marks a
cell that held a word no stage claims, ``_stage_word`` that word) and the :class:`StageModel`.
Out: a new frame whose empty stages were filled where an inference rule allows it
(``_stage_inferred`` True) and findings: ``stages.inferred`` (info) over an empty cell,
``stages.inferred-over-word`` (warning) where a rule for closed deals decided over an unknown
word, ``stages.word-contradicts-evidence`` (warning) where a known word says open or the other
outcome while a won/lost flag or date says closed, and ``stages.unknown-word`` (warning), one per
unknown word still without a stage, with its row count and the stage its evidence suggests.
Evidence: probability, the canonical ``lost_reason``, and the won/lost flag and date columns of
``evidence`` found among the unmapped ``extra:<header>`` columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import findings as fnd
from ..schema import cell_text, flags, is_blank
from .checks import _column, _number_or_none, _where
from .model import EvidenceColumns, InferenceRule, StageModel, cell_key, word_key

INFERRED = "_stage_inferred"  # bookkeeping column: True where the stage was inferred
RULE_INFERRED = "stages.inferred"
RULE_OVER_WORD = "stages.inferred-over-word"
RULE_CONTRADICTS = "stages.word-contradicts-evidence"
RULE_UNKNOWN_WORD = "stages.unknown-word"
UNKNOWN_WORD = "_stage_unknown"  # set by normalize where the stage cell held an unknown word
STAGE_WORD = "_stage_word"  # set by normalize: the unknown word as written
EXTRA = "extra:"


@dataclass(frozen=True)
class ClosedEvidence:
    """What a row's won/lost columns say: the side ("won", "lost" or "") and the cells saying it."""

    side: str
    detail: str


def closed_evidence(records: pd.DataFrame, evidence: EvidenceColumns) -> list[ClosedEvidence]:
    """Per row, the side its won/lost flag and date columns take ("" when none, or both)."""
    sides: dict[str, list[tuple[str, str]]] = {"won": [], "lost": []}
    for name in records.columns:
        if not isinstance(name, str) or not name.startswith(EXTRA):
            continue
        header = name[len(EXTRA) :]
        key = word_key(header)
        for side, flag_keys, date_keys in (
            ("won", evidence.won_flags, evidence.won_dates),
            ("lost", evidence.lost_flags, evidence.lost_dates),
        ):
            if key in flag_keys:
                sides[side].append((name, "flag"))
            elif key in date_keys:
                sides[side].append((name, "date"))
    out = []
    for _, row in records.iterrows():
        said: dict[str, list[str]] = {"won": [], "lost": []}
        for side, cols in sides.items():
            for name, kind in cols:
                value = row.get(name)
                if is_blank(value):
                    continue
                text = cell_text(value)
                if kind == "date" or cell_key(text) in evidence.truthy:
                    said[side].append(f"{name[len(EXTRA) :]} '{text}'")
        if said["won"] and said["lost"]:
            out.append(ClosedEvidence("", ""))
        elif said["won"] or said["lost"]:
            side = "won" if said["won"] else "lost"
            out.append(ClosedEvidence(side, ", ".join(said[side])))
        else:
            out.append(ClosedEvidence("", ""))
    return out


def _matches(rule: InferenceRule, row: pd.Series, closed: ClosedEvidence) -> bool:
    p = _number_or_none(row.get("probability"))
    if rule.probability_at_least is not None and (p is None or p < rule.probability_at_least):
        return False
    if rule.probability_at_most is not None and (p is None or p > rule.probability_at_most):
        return False
    if rule.evidence and closed.side != rule.evidence:
        return False
    if any(is_blank(row.get(f)) for f in rule.has):
        return False
    return not any(not is_blank(row.get(f)) for f in rule.lacks)


def infer_stages(
    records: pd.DataFrame, model: StageModel, *, lang: str = "en"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill empty stages where an inference rule allows it; mark them in ``_stage_inferred``.

    A row whose stage cell held a word no stage claims (``_stage_unknown``) is only decided by
    a rule with ``over_unknown_word`` (a won/lost flag or date, probability 0 with a lost
    reason), or, when the word is said of closed deals (``closed_words``: Closed), by any rule
    of a closed stage; it is then flagged at warning.
    """
    out = records.copy()
    stage = _column(out, "stage").map(cell_text).astype("object")
    inferred = flags(_column(out, INFERRED), lambda v: not is_blank(v) and v)
    unknown = flags(_column(out, UNKNOWN_WORD), lambda v: not is_blank(v) and v).astype(bool)
    words = _column(out, STAGE_WORD).map(cell_text)
    closed = dict(zip(out.index, closed_evidence(out, model.evidence)))
    found: list[fnd.Finding] = []
    closed_stages = {s.key for s in model.stages if s.closed}
    for idx in out.index[stage == ""]:
        row = out.loc[idx]
        over = bool(unknown.at[idx])
        # a word said of closed deals (Closed): any closed-stage rule tells won from lost
        said_closed = over and word_key(words.at[idx]) in model.closed_words
        rule = next(
            (
                r
                for r in model.inference
                if (not over or r.over_unknown_word or (said_closed and r.stage in closed_stages))
                and _matches(r, row, closed[idx])
            ),
            None,
        )
        if rule is None:
            continue
        stage.at[idx] = rule.stage
        inferred.at[idx] = True
        label = model.stage(rule.stage).label.get(lang)
        why = _evidence(rule, row, closed[idx])
        word = words.at[idx]
        found.append(
            fnd.Finding(
                rule=RULE_OVER_WORD if over else RULE_INFERRED,
                severity="warning" if over else "info",
                message=(f"stage word '{word}' names no stage; " if over else "stage ")
                + f"inferred as '{rule.stage}' ({label}) by rule {rule.id}{why}",
                field="stage",
                original=word if over else "",
                value=rule.stage,
                action="changed",
                **_where(row),
            )
        )
    out["stage"] = stage
    out[INFERRED] = inferred.astype(bool)
    found += _contradictions(out, model, closed, inferred.astype(bool))
    found += _unknown_words(out, model, stage, unknown, words, lang)
    return out, fnd.to_frame(found)


def _evidence(rule: InferenceRule, row: pd.Series, closed: ClosedEvidence) -> str:
    parts = []
    if rule.probability_at_least is not None or rule.probability_at_most is not None:
        parts.append(f"probability {_number_or_none(row.get('probability')):g}")
    if rule.evidence:
        parts.append(closed.detail)
    parts += [f"{f} given" for f in rule.has] + [f"no {f}" for f in rule.lacks]
    return f" from {', '.join(parts)}" if parts else ""


def _contradictions(
    out: pd.DataFrame,
    model: StageModel,
    closed: dict[object, ClosedEvidence],
    inferred: pd.Series,
) -> list[fnd.Finding]:
    """A known word against a won/lost flag or date: the word stays, the conflict is reported."""
    status = {s.key: s.status for s in model.stages}
    level = {s.key: s.level for s in model.stages}
    found = []
    for idx, ev in closed.items():
        if not ev.side or inferred.at[idx]:
            continue
        key = cell_text(out.at[idx, "stage"]) if "stage" in out.columns else ""
        if not key or status.get(key) == ev.side or level.get(key) != "deal":
            continue
        row = out.loc[idx]
        found.append(
            fnd.Finding(
                rule=RULE_CONTRADICTS,
                severity="warning",
                message=f"stage '{key}' kept as written, but {ev.detail} says {ev.side}",
                field="stage",
                original=key,
                value=key,
                action="kept",
                **_where(row),
            )
        )
    return found


def suggest_stage(rows: pd.DataFrame, model: StageModel) -> tuple[str, str]:
    """(stage, evidence) the rows of one unknown word point at ("" when nothing does).

    The median probability picks the open deal stage whose default probability is nearest
    (0 -> lost and 100 -> won only with inference's own evidence); rows without any deal field
    are a lead.
    """
    probs = [p for p in map(_number_or_none, _column(rows, "probability")) if p is not None]
    if probs:
        median = sorted(probs)[len(probs) // 2]
        deal = [s for s in model.stages if s.level == "deal" and s.status == "open"]
        if deal:
            best = min(deal, key=lambda s: (abs(s.probability - median), s.order))
            span = (
                f"{min(probs):g}" if min(probs) == max(probs) else f"{min(probs):g}-{max(probs):g}"
            )
            return best.key, f"probability {span} in {len(probs)} of {len(rows)} row(s)"
    deal_fields = ("deal_name", "amount", "close_date", "record_id")
    has_deal = any(not is_blank(v) for f in deal_fields if f in rows.columns for v in rows[f])
    if not has_deal and len(model.stages):
        first = min(model.stages, key=lambda s: s.order)
        return first.key, "no deal name, amount or close date"
    return "", ""


def _unknown_words(
    out: pd.DataFrame,
    model: StageModel,
    stage: pd.Series,
    unknown: pd.Series,
    words: pd.Series,
    lang: str,
) -> list[fnd.Finding]:
    """One finding per unknown word still without a stage: rows, suggestion and evidence."""
    left = out[(stage == "") & unknown]
    found = []
    for word, rows in left.groupby(words.loc[left.index], sort=True):
        if not word:
            continue
        suggested, why = suggest_stage(rows, model)
        hint = (
            f"; its evidence suggests '{suggested}' ({model.stage(suggested).label.get(lang)}): {why}"
            if suggested
            else "; no evidence beside it suggests a stage"
        )
        first = rows.iloc[0]
        found.append(
            fnd.Finding(
                rule=RULE_UNKNOWN_WORD,
                severity="warning",
                message=f"stage word '{word}' ({len(rows)} row(s)) names no stage{hint}",
                field="stage",
                original=str(word),
                value=suggested,
                action="kept",
                **_where(first),
            )
        )
    return found
