"""Stage words to stage keys, with the vocabulary of rules/stages.yaml.

In: stage cells as trackers write them (提案中, 3.提案, B:見積提示, (4)受注, Closed Won, closed-won,
Negociation) and the ``key``, ``label`` and ``synonyms`` of each stage in rules/stages.yaml (the
words live there, never here). Out: the stage key, matched after NFKC, case folding and removing
spaces, punctuation, brackets and leading numbering, then by fuzzy matching (rapidfuzz,
``stages.fuzzy_min`` of rules/normalize.yaml) for typos. An unknown word leaves the stage empty
with a ``normalize.unknown-stage`` finding that names the word and how many rows use it;
:func:`unknown_stage_words` lists them all for the user to add as synonyms.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..rules import read_yaml, rule_path
from .base import Issue, Outcome, distinct, settle, take
from .collect import Collector
from .config import NormalizeRules, load_rules
from .text import clean_text, is_placeholder

RULE = "normalize.stage"
UNKNOWN = "normalize.unknown-stage"
_NUMBERING_RES = (
    re.compile(
        r"^\s*[(\[【<]\s*(?:\d{1,2}|[a-z]|[ivx]{1,4})\s*[)\]】>]\s*", re.I
    ),  # (4)受注, 【3】提案
    re.compile(
        r"^\s*(?:\d{1,2}|[a-z]|[ivx]{1,4})\s*(?:[).:_\-、]|\s)\s*", re.I
    ),  # 3.提案, B:見積, 04_受注
    re.compile(r"^\s*\d{1,2}(?=[^\d\s\x00-\x7f])"),  # 3提案
)
_TAIL_NOTE_RE = re.compile(r"\s*[(\[【<][^()\[\]【】<>]*[)\]】>]\s*$")


@dataclass(frozen=True)
class StageVocabulary:
    """Every word of rules/stages.yaml, by its comparison key."""

    words: tuple[tuple[str, str], ...]  # (word key, stage key), unique word keys
    keys: tuple[str, ...]

    def lookup(self, key: str) -> str | None:
        return _as_dict(self).get(key)


@lru_cache(maxsize=8)
def _as_dict(vocab: StageVocabulary) -> dict[str, str]:
    return dict(vocab.words)


def word_key(text: object) -> str:
    """Comparison key of a stage word: NFKC, case-folded, no spaces, punctuation or symbols."""
    t = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    return "".join(ch for ch in t if unicodedata.category(ch)[0] not in "PZSC")


def load_stage_vocabulary(rules_dir: str | os.PathLike[str] | None = None) -> StageVocabulary:
    """The stage words of rules/stages.yaml (cached per path and modification time)."""
    path = rule_path("stages.yaml", rules_dir).resolve()
    return _load(str(path), path.stat().st_mtime_ns if path.is_file() else 0)


@lru_cache(maxsize=8)
def _load(path: str, _mtime: int) -> StageVocabulary:
    # Only the words are read here; the stages stage checks the whole file.
    doc = read_yaml(path)
    stages = doc.get("stages") if isinstance(doc, dict) else None
    words: dict[str, str] = {}
    clash: set[str] = set()
    keys = []
    for spec in stages if isinstance(stages, list) else []:
        if not isinstance(spec, dict) or not isinstance(spec.get("key"), str):
            continue
        key = spec["key"]
        keys.append(key)
        label = spec["label"] if isinstance(spec.get("label"), dict) else {}
        synonyms = spec["synonyms"] if isinstance(spec.get("synonyms"), list) else []
        for w in (key, *label.values(), *synonyms):
            k = word_key(w)
            if not k:
                continue
            if words.get(k, key) != key:
                clash.add(k)  # a word listed under two stages means neither
            words[k] = key
    return StageVocabulary(tuple((k, v) for k, v in words.items() if k not in clash), tuple(keys))


def match_stage(
    value: object, vocabulary: StageVocabulary | None = None, rules: NormalizeRules | None = None
) -> Outcome[str]:
    """The stage key of one stage cell ("" and a failure when the word is unknown)."""
    rules = rules or load_rules()
    vocab = vocabulary or load_stage_vocabulary()
    text = clean_text(value)
    if not text:
        return Outcome("")
    if is_placeholder(text, rules.placeholders):
        from .companies import placeholder_issue

        return Outcome("", (placeholder_issue(text),))
    for candidate in _candidates(text):
        key = vocab.lookup(word_key(candidate))
        if key:
            issues = (
                ()
                if text == key
                else (Issue(RULE, f"stage word '{text}' read as {key}", key, level="mapping"),)
            )
            return Outcome(key, issues)
    fuzzy = _fuzzy(word_key(_candidates(text)[-1]), vocab, rules)
    if fuzzy:
        key, word, score = fuzzy
        msg = f"stage word '{text}' read as {key} (close to '{word}', score {score:.0f})"
        return Outcome(key, (Issue("normalize.stage-fuzzy-match", msg, key, level="mapping"),))
    return Outcome("", (), Issue(UNKNOWN, f"unknown stage word '{text}'"))


def _candidates(text: str) -> list[str]:
    """The word as written, without leading numbering, without a trailing note in brackets."""
    out = [text]
    for pattern in _NUMBERING_RES:
        stripped = pattern.sub("", text, count=1)
        if stripped != text and stripped.strip():
            out.append(stripped)
            break
    for t in list(out):
        stripped = _TAIL_NOTE_RE.sub("", t)
        if stripped != t and stripped.strip():
            out.append(stripped)
    return out


def _fuzzy(
    key: str, vocab: StageVocabulary, rules: NormalizeRules
) -> tuple[str, str, float] | None:
    if len(key) < rules.stages.fuzzy_min_length:
        return None
    from rapidfuzz import fuzz, process

    choices = [k for k, _ in vocab.words if len(k) >= rules.stages.fuzzy_min_length]
    found = process.extract(
        key, choices, scorer=fuzz.ratio, limit=5, score_cutoff=rules.stages.fuzzy_min
    )
    if not found:
        return None
    best_word, best_score, _ = found[0]
    best_key = vocab.lookup(best_word) or ""
    rivals = {vocab.lookup(w) for w, s, _ in found if s == best_score}
    if len(rivals) > 1:  # as close to two stages: neither
        return None
    return best_key, best_word, float(best_score)


def unknown_stage_words(findings: pd.DataFrame) -> pd.DataFrame:
    """The unknown stage words of a findings frame: word, rows, files (most used first)."""
    cols = ["word", "rows", "files"]
    if findings is None or not len(findings) or "rule" not in findings:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "rows" else "object") for c in cols}
        )
    hits = findings[findings["rule"] == UNKNOWN]
    if not len(hits):
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "rows" else "object") for c in cols}
        )
    grouped = hits.groupby("original", sort=False)
    files = grouped["file"].agg(lambda s: "; ".join(dict.fromkeys(s)))
    out = pd.DataFrame({"rows": grouped.size(), "files": files}).rename_axis("word").reset_index()
    out["word"] = out["word"].astype(object)
    return out.sort_values(["rows", "word"], ascending=[False, True], ignore_index=True)[cols]


def normalize_stage_column(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, field: str, vocab: StageVocabulary
) -> None:
    """Map a stage column of ``out`` to stage keys in place; unknown words are findings."""
    codes, uniques = distinct(out[field])
    counts = (
        np.bincount(codes, minlength=len(uniques)) if len(codes) else np.zeros(len(uniques), int)
    )
    rule = rules.rule("stage")
    values, issues = [], []
    for u, n in zip(uniques, counts):
        o = match_stage(u, vocab, rules)
        if o.failure:
            failure = Issue(
                o.failure.rule,
                f"{o.failure.message}, used in {n} row(s); add it to a stage's "
                "synonyms in rules/stages.yaml",
            )
            v, fail = settle(failure, rule.on_error, rule.severity, "", "")
            values.append(v)
            issues.append((*o.issues, fail))
        else:
            values.append(o.value)
            issues.append(o.issues)
    col.coded(field, codes, issues, uniques, values)
    out[field] = pd.Series(take(values, codes), index=out.index, dtype=object)
