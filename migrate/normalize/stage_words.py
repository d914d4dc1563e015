"""Stage words to stage keys, with the vocabulary of rules/stages.yaml.

In: stage cells as trackers write them (提案中, 3.提案, B:見積提示, (4)受注, Closed Won, closed-won,
失注・他社決定, 見積回答待ち, 受注(仮), Negociation, 商談注) and the words of rules/stages.yaml (each
stage's ``key``, ``label``, ``synonyms`` and ``exit_words``; ``word_forms``, ``guesses`` and
``provisional``: the words live there, never here). Out: the stage key and how it was read
(:func:`read_stage_word`). First a won word marked provisional (受注(仮), 仮受注, Won (Verbal))
names the provisional stage; then the word as listed, after NFKC, case folding and removing
spaces, punctuation, brackets and leading numbering (an exit word names the next stage); then a
guess (Best Case: a forecast category read as a stage, ``normalize.stage-guessed``, warning);
then a word made of parts (``失注・他社決定``, ``見積提示 / 交渉中``) whose every part names the
same stage; then a status-word form read by its stem (MQL判定済, 見積回答待ち, 課題整理中); then,
for typos, the one stage whose word is within one edit (Japanese, at least three characters) or
a rapidfuzz ratio of 90 (Latin, at least six letters) of it, when no other stage is as close and
the difference is no word that changes the meaning (未, 前, 予定, not ...: ``stages`` of
rules/normalize.yaml). A typo is a ``normalize.stage-typo`` warning naming the word and the stage.
An unknown word leaves the stage empty with a ``normalize.unknown-stage`` finding that names the
word and how many rows use it; :func:`unknown_stage_words` lists them all for the user to add as
synonyms.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..schema import flags
from .base import Issue, Outcome, distinct, settle, take
from .collect import Collector
from .config import NormalizeRules, StageRules, load_rules, stage_word_key
from .text import clean_text, is_cjk, is_placeholder

RULE = "normalize.stage"
UNKNOWN = "normalize.unknown-stage"
STAGE_UNKNOWN = "_stage_unknown"  # True where the stage cell held a word no stage claims
STAGE_WORD = "_stage_word"  # the word as written where it is unknown (evidence findings name it)
TYPO = "normalize.stage-typo"
GUESSED = "normalize.stage-guessed"
#: How a stage word was read (``stage_words_of`` and the review sheet show it).
HOWS = (
    "decided",
    "listed",
    "exit",
    "provisional",
    "guess",
    "compound",
    "form",
    "typo",
    "unknown",
    "ambiguous",
)
# Separators between the parts of a compound stage cell: 失注・他社決定, Lost / Verloren,
# 見積提示、交渉中, "Lost - competitor" (a dash only with spaces around it: Closed-Won is one word).
_PARTS_RE = re.compile(r"\s*(?:[・/|、,;+&]|\s[-–—]\s)\s*")
_NUMBERING_RES = (
    re.compile(
        r"^\s*[(\[【<]\s*(?:\d{1,2}|[a-z]|[ivx]{1,4})\s*[)\]】>]\s*", re.I
    ),  # (4)受注, 【3】提案
    re.compile(
        r"^\s*(?:\d{1,2}|[a-z]|[ivx]{1,4})\s*(?:[).:_\-、]|\s)\s*", re.I
    ),  # 3.提案, B:見積, 04_受注
    re.compile(r"^\s*\d{1,2}(?=[^\d\s\x00-\x7f])"),  # 3提案
    re.compile(
        r"^\s*(?:stage|phase|step|ステージ|フェーズ|段階|ステップ)\s*[#.]?\s*\d{1,2}\s*"
        r"(?:[).:_\-–—、]|\s)\s*",
        re.I,
    ),  # Stage 5 - Negotiation, Phase 3: Proposal, フェーズ2：商談
)
_TAIL_NOTE_RE = re.compile(r"\s*[(\[【<][^()\[\]【】<>]*[)\]】>]\s*$")


@dataclass(frozen=True)
class StageVocabulary:
    """Every word of rules/stages.yaml, by its comparison key."""

    words: tuple[tuple[str, str], ...]  # (word key, stage key), unique word keys
    keys: tuple[str, ...]
    spellings: tuple[tuple[str, str], ...] = ()  # (word key, the word as first listed)
    listed: tuple[str, ...] = ()  # every key, label and synonym as written (clashes too)
    exits: tuple[tuple[str, str], ...] = ()  # (word key, the stage whose exit it says)
    suffixes: tuple[tuple[str, str], ...] = ()  # (suffix key, kind), longest first
    stems: tuple[tuple[str, str, str], ...] = ()  # (stem key, kind or "default", stage)
    guesses: tuple[tuple[str, str, str], ...] = ()  # (word key, stage, why in English)
    markers: tuple[str, ...] = ()  # provisional markers (word keys)
    provisional_stage: str = ""
    statuses: tuple[tuple[str, str], ...] = ()  # (stage key, open | won | lost)
    decided: tuple[str, ...] = ()  # word keys a person decided (read before any other rule)
    # (stage key, default probability) of the open deal-level stages: a rank in the stage
    # column (ヨミA) is read as the stage nearest its percent
    deal_probabilities: tuple[tuple[str, float], ...] = ()
    # (word key, status key, stage key): the words of a lead list's status column (lead_statuses)
    lead_statuses: tuple[tuple[str, str, str], ...] = ()
    person_keys: tuple[str, ...] = ()  # the person-level stages (lead, mql, sql)
    lifecycle_headers: tuple[str, ...] = ()  # word keys of a lead list's lifecycle column

    def lead_status(self, word: object) -> tuple[str, str] | None:
        """(status key, stage key) of a lead list's status word, None when it is none."""
        return _lead_statuses(self).get(word_key(word))

    def spelling(self, key: str) -> str:
        """The word as rules/stages.yaml lists it (the key itself when not known)."""
        return dict(self.spellings).get(key, key)

    def lookup(self, key: str) -> str | None:
        return _as_dict(self).get(key)

    def status(self, stage: str) -> str:
        return dict(self.statuses).get(stage, "")

    def with_words(self, words: dict[str, str]) -> StageVocabulary:
        """This vocabulary with ``words`` (word -> stage key) read as listed words of those
        stages (a user's decisions replayed); a decided word replaces what it meant before."""
        extra = {word_key(w): s for w, s in words.items() if word_key(w) and s in self.keys}
        kept = tuple((k, v) for k, v in self.words if k not in extra)
        spell = {word_key(w): str(w) for w in words}
        # every other field (the ranks' deal probabilities ...) is kept as it was
        return replace(
            self,
            words=kept + tuple(extra.items()),
            spellings=self.spellings
            + tuple((k, spell[k]) for k in extra if k not in dict(self.spellings)),
            listed=self.listed + tuple(str(w) for w in words if word_key(w) in extra),
            exits=tuple((k, s) for k, s in self.exits if k not in extra),
            guesses=tuple(g for g in self.guesses if g[0] not in extra),
            decided=tuple(dict.fromkeys((*self.decided, *extra))),
        )


@lru_cache(maxsize=8)
def _lead_statuses(vocab: StageVocabulary) -> dict[str, tuple[str, str]]:
    return {k: (status, stage) for k, status, stage in vocab.lead_statuses}


@lru_cache(maxsize=8)
def _as_dict(vocab: StageVocabulary) -> dict[str, str]:
    return dict(vocab.words)


def word_key(text: object) -> str:
    """Comparison key of a stage word: NFKC, case-folded, no spaces, punctuation or symbols
    (a word of symbols alone, ○ or 🔥🔥, keeps them)."""
    return stage_word_key("" if text is None else str(text))


def load_stage_vocabulary(rules_dir: str | os.PathLike[str] | None = None) -> StageVocabulary:
    """The stage words of rules/stages.yaml (a view on the rules bundle)."""
    from ..bundle import load_rules_bundle

    return load_rules_bundle(rules_dir).stage_vocabulary


def vocabulary_from(doc: Any) -> StageVocabulary:
    """The stage words of a parsed stages.yaml (the rules bundle calls this once per file)."""
    # Only the words are read here; the stage model checks the whole file.
    stages = doc.get("stages") if isinstance(doc, dict) else None
    words: dict[str, str] = {}
    spellings: dict[str, str] = {}
    clash: set[str] = set()
    keys = []
    listed: list[str] = []
    specs = [s for s in (stages if isinstance(stages, list) else []) if isinstance(s, dict)]
    nexts = _next_stages(specs)
    exits: dict[str, str] = {}
    statuses = []
    deal_probabilities = [
        (str(sp["key"]), float(sp["probability"]))
        for sp in specs
        if isinstance(sp.get("key"), str)
        and sp.get("level") == "deal"
        and sp.get("status") == "open"
        and isinstance(sp.get("probability"), (int, float))
    ]
    for spec in specs:
        label = spec["label"] if isinstance(spec.get("label"), dict) else {}
        synonyms = spec["synonyms"] if isinstance(spec.get("synonyms"), list) else []
        exit_words = spec["exit_words"] if isinstance(spec.get("exit_words"), list) else []
        listed += [str(w) for w in (spec.get("key", ""), *synonyms, *label.values(), *exit_words)]
        if not isinstance(spec.get("key"), str):
            continue
        key = spec["key"]
        keys.append(key)
        statuses.append((key, str(spec.get("status", ""))))
        owned = [(w, key) for w in (key, *label.values(), *synonyms)]
        owned += [(w, nexts[key]) for w in exit_words if nexts.get(key)]
        for w, stage in owned:
            k = word_key(w)
            if not k:
                continue
            if words.get(k, stage) != stage:
                clash.add(k)  # a word listed under two stages means neither
            words[k] = stage
            spellings.setdefault(k, str(w))
            if stage != key:
                exits[k] = key
    forms = doc.get("word_forms") if isinstance(doc, dict) else None
    suffixes, stems = _forms(forms if isinstance(forms, dict) else {})
    guesses = []
    for g in doc.get("guesses") or [] if isinstance(doc, dict) else []:
        if isinstance(g, dict) and isinstance(g.get("words"), list):
            why: dict[str, Any] = g["why"] if isinstance(g.get("why"), dict) else {}
            for w in g["words"]:
                if word_key(w):
                    guesses.append((word_key(w), str(g.get("stage", "")), str(why.get("en", ""))))
                    listed.append(str(w))
    prov = doc.get("provisional") if isinstance(doc, dict) else None
    prov = prov if isinstance(prov, dict) else {}
    markers = [word_key(m) for m in prov.get("markers") or [] if word_key(m)]
    lead_statuses = []
    for spec in doc.get("lead_statuses") or [] if isinstance(doc, dict) else []:
        if isinstance(spec, dict) and isinstance(spec.get("words"), list):
            for w in spec["words"]:
                if word_key(w):
                    status = (word_key(w), str(spec.get("key", "")), str(spec.get("stage", "")))
                    lead_statuses.append(status)
    return StageVocabulary(
        tuple((k, v) for k, v in words.items() if k not in clash),
        tuple(keys),
        tuple((k, w) for k, w in spellings.items() if k in words and k not in clash),
        tuple(listed),
        tuple((k, s) for k, s in exits.items() if k not in clash),
        suffixes,
        stems,
        tuple(guesses),
        tuple(sorted(set(markers), key=lambda m: (-len(m), m))),
        str(prov.get("stage", "")),
        tuple(statuses),
        deal_probabilities=tuple(deal_probabilities),
        lead_statuses=tuple(lead_statuses),
        lifecycle_headers=tuple(
            word_key(h) for h in (doc.get("lifecycle_headers") or []) if word_key(h)
        )
        if isinstance(doc, dict)
        else (),
        person_keys=tuple(
            str(sp["key"])
            for sp in specs
            if isinstance(sp.get("key"), str) and sp.get("level") == "person"
        ),
    )


def _next_stages(specs: list[dict[str, Any]]) -> dict[str, str]:
    """Stage key -> the next stage in order, lost stages left aside (whose exit words name it)."""
    ordered = sorted(
        (s for s in specs if isinstance(s.get("key"), str) and isinstance(s.get("order"), int)),
        key=lambda s: s["order"],
    )
    out = {}
    for i, spec in enumerate(ordered):
        after = [s["key"] for s in ordered[i + 1 :] if s.get("status") != "lost"]
        out[spec["key"]] = after[0] if after else ""
    return out


def _forms(
    forms: dict[str, Any],
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, str], ...]]:
    """(suffix key, kind) longest first, and (stem key, kind or default, stage)."""
    suffixes = []
    raw: dict[str, Any] = forms["suffixes"] if isinstance(forms.get("suffixes"), dict) else {}
    for kind, words in raw.items():
        for w in words if isinstance(words, list) else []:
            if word_key(w):
                suffixes.append((word_key(w), str(kind)))
    suffixes.sort(key=lambda sk: (-len(sk[0]), sk[0]))
    stems = []
    for spec in forms.get("stems") or []:
        if not isinstance(spec, dict) or not isinstance(spec.get("words"), list):
            continue
        for kind in ("doing", "preparing", "done", "waiting", "default"):
            if isinstance(spec.get(kind), str):
                stems += [(word_key(w), kind, spec[kind]) for w in spec["words"] if word_key(w)]
    return tuple(suffixes), tuple(stems)


@dataclass(frozen=True)
class StageReading:
    """How one stage cell was read: the stage ("" when none), how, and the issues to report."""

    stage: str
    how: str  # one of HOWS, "" for an empty cell
    outcome: Outcome[str]


def _rank_stage(
    text: str, vocab: StageVocabulary, rules: NormalizeRules
) -> tuple[str, float] | None:
    """A forecast rank written in the stage column (ヨミA, Bランク, ◎): the open deal stage
    whose default probability (stages.yaml) is nearest the rank's percent (normalize.yaml
    probability.ranks). A rank of 0% (×, E) says nothing about the stage: none."""
    from .probability import parse_probability

    if not vocab.deal_probabilities or any(ch.isdigit() for ch in text):
        return None  # a bare number or a percentage in the stage column is no rank
    # an emoji beside the rank says nothing more ('🔥 Hot' is Hot); symbols alone (◎○△) stay
    bare = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "SC").strip()
    read = parse_probability(bare if word_key(bare) else text, rules)
    number = read.value.number if read.failure is None else float("nan")
    if not number > 0 or read.value.bare:
        return None
    stage, _ = min(vocab.deal_probabilities, key=lambda kp: (abs(kp[1] - number), kp[1]))
    return stage, number


def match_stage(
    value: object, vocabulary: StageVocabulary | None = None, rules: NormalizeRules | None = None
) -> Outcome[str]:
    """The stage key of one stage cell ("" and a failure when the word is unknown)."""
    return read_stage_word(value, vocabulary, rules).outcome


def read_stage_word(
    value: object, vocabulary: StageVocabulary | None = None, rules: NormalizeRules | None = None
) -> StageReading:
    """The stage of one stage cell and how it was read (listed, exit, form, guess, typo ...)."""
    rules = rules or load_rules()
    vocab = vocabulary or load_stage_vocabulary()
    text = clean_text(value)
    if not text:
        return StageReading("", "", Outcome(""))

    def read(stage: str, how: str, *issues: Issue) -> StageReading:
        return StageReading(stage, how, Outcome(stage, issues))

    # a person's decision first, also on a word otherwise read as no value (×, -)
    if vocab.decided and word_key(text) in vocab.decided:
        stage = vocab.lookup(word_key(text)) or ""
        msg = f"stage word '{text}' read as {stage}, as decided on the stage words sheet"
        return read(stage, "decided", Issue(RULE, msg, stage, level="mapping"))
    # a listed stage word before "no value": × in a status column is lost (stages.yaml)
    if is_placeholder(text, rules.placeholders) and not vocab.lookup(word_key(text)):
        from .companies import placeholder_issue

        return StageReading("", "", Outcome("", (placeholder_issue(text),)))
    provisional = _provisional(text, vocab)
    if provisional:
        marker, stage = provisional
        msg = f"stage word '{text}' read as {stage}: a won word marked '{marker}' is not signed yet"
        return read(stage, "provisional", Issue(RULE, msg, stage, level="mapping"))
    exact = _exact(text, vocab)
    if exact:
        key = next((k for c in _candidates(text) if (k := word_key(c)) in dict(vocab.exits)), "")
        if key:
            before = dict(vocab.exits)[key]
            msg = f"stage word '{text}' read as {exact}: it says the exit condition of {before} is met"
            return read(exact, "exit", Issue(RULE, msg, exact, level="mapping"))
        if text == exact:
            return read(exact, "listed")
        return read(
            exact,
            "listed",
            Issue(RULE, f"stage word '{text}' read as {exact}", exact, level="mapping"),
        )
    guess = _guess(text, vocab)
    if guess:
        stage, why = guess
        msg = f"stage word '{text}' read as {stage} as a guess: {why}"
        return read(stage, "guess", Issue(GUESSED, msg, stage, "warning", level="mapping"))
    ranked = _rank_stage(text, vocab, rules)
    if ranked:
        stage, percent = ranked
        msg = (
            f"stage word '{text}' is a rank ({percent:g}% by probability.ranks), not a stage: "
            f"read as {stage}, the open deal stage whose default probability is nearest"
        )
        return read(stage, "guess", Issue(GUESSED, msg, stage, "warning", level="mapping"))
    if any(word_key(c) in rules.stages.ambiguous for c in _candidates(text)):
        failure = Issue(
            UNKNOWN,
            f"stage word '{text}' is said at several stages; left empty rather than guessed",
        )
        return StageReading("", "ambiguous", Outcome("", (), failure))
    compound = _compound(text, vocab)
    if compound:
        msg = f"stage word '{text}' read as {compound} (every part of it means {compound})"
        return read(compound, "compound", Issue(RULE, msg, compound, level="mapping"))
    form = _form(text, vocab)
    if form:
        stage, stem, kind = form
        msg = f"stage word '{text}' read as {stage} by its stem '{stem}' ({kind})"
        return read(stage, "form", Issue(RULE, msg, stage, level="mapping"))
    for candidate in reversed(_candidates(text)):
        typo = _typo(word_key(candidate), vocab, rules.stages)
        if typo:
            key, word = typo
            msg = (
                f"stage word '{text}' read as {key}: taken for a typo of the stage word "
                f"'{vocab.spelling(word)}'; if not, choose its stage on the 'stage words' sheet "
                "of review.xlsx and run again with --decisions review.xlsx"
            )
            return read(key, "typo", Issue(TYPO, msg, key, "warning", level="mapping"))
    failure = Issue(UNKNOWN, f"unknown stage word '{text}'")
    return StageReading("", "unknown", Outcome("", (), failure))


def _provisional(text: str, vocab: StageVocabulary) -> tuple[str, str] | None:
    """(marker, stage) when the cell is a won word plus a provisional marker (受注(仮), 仮受注)."""
    if not vocab.markers or not vocab.provisional_stage:
        return None
    key = word_key(text)
    won = {s for s, status in vocab.statuses if status == "won"}
    words = sorted((k for k, s in vocab.words if s in won and len(k) >= 2), key=lambda k: -len(k))
    for w in words:
        if w in key:
            rest = key.replace(w, "", 1)
            if rest in vocab.markers:
                return rest, vocab.provisional_stage
    return None


def _guess(text: str, vocab: StageVocabulary) -> tuple[str, str] | None:
    keys = {word_key(c) for c in _candidates(text)}
    for k, stage, why in vocab.guesses:
        if k in keys:
            return stage, why
    return None


def _form(text: str, vocab: StageVocabulary) -> tuple[str, str, str] | None:
    """(stage, stem, kind) of a status-word form: a known stem and a suffix (見積回答待ち)."""
    stems: dict[tuple[str, str], str] = {(k, kind): s for k, kind, s in vocab.stems}
    for candidate in _candidates(text):
        key = word_key(candidate)
        for suffix, kind in vocab.suffixes:
            if not key.endswith(suffix) or len(key) <= len(suffix):
                continue
            stem = key[: -len(suffix)]
            stage = stems.get((stem, kind)) or stems.get((stem, "default"))
            if stage:
                return stage, stem, kind
            stage = vocab.lookup(stem) or ""
            if not stage:
                continue
            if kind == "waiting" and vocab.status(stage) != "open":
                # waiting for a won word is not won yet; waiting for a lost one names nothing
                if vocab.status(stage) != "won" or not vocab.provisional_stage:
                    continue
                stage = vocab.provisional_stage
            return stage, stem, kind
    return None


def _exact(text: str, vocab: StageVocabulary) -> str | None:
    """The stage of a word as listed (also without numbering or a trailing note)."""
    for candidate in _candidates(text):
        key = vocab.lookup(word_key(candidate))
        if key:
            return key
    return None


def _compound(text: str, vocab: StageVocabulary) -> str | None:
    """失注・他社決定, 見積提示/交渉中, Negotiation 交渉: the stage every part names, when they all
    name one."""
    parts = [p for p in _PARTS_RE.split(text) if word_key(p)]
    if len(parts) < 2:
        # a label written in two languages side by side (Negotiation 交渉, 受注 Closed Won):
        # the words split by spaces, each a stage word of one stage
        parts = [p for p in text.split() if word_key(p)]
        if len(parts) < 2:
            return None
    stages = {_exact(p, vocab) for p in parts}
    if len(stages) == 1 and None not in stages:
        return stages.pop()
    return None


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


def _typo(key: str, vocab: StageVocabulary, rules: StageRules) -> tuple[str, str] | None:
    """(stage, word) when ``key`` is a typo of exactly one stage's word, else None.

    Japanese: at least ``typo_min_cjk`` characters and at most ``typo_max_cjk_edits`` edits
    (商談注 -> 商談中, 堤案済み -> 提案済み); Latin: at least ``typo_min_latin`` letters and a
    rapidfuzz ratio of at least ``typo_min_ratio`` (Propsal sent, Closed-Wonn). The candidate word
    must be as long, the closest candidates must all belong to one stage, and the word must not
    hold a meaning the candidate lacks: a ``typo_blockers`` word (受注予定 is no typo of 受注決定)
    or another stage's word (失注決定 is no typo of 受注決定).
    """
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    cjk = is_cjk(key)
    if not key or not _long_enough(key, cjk, rules):
        return None
    # the words said at several stages compete too: a word as close to one of them is no typo
    pool = [*(k for k, _ in vocab.words), *sorted(rules.ambiguous)]
    choices = [k for k in pool if is_cjk(k) == cjk and _long_enough(k, cjk, rules)]
    if cjk:
        found = [
            (w, float(score))
            for w, score, _ in process.extract(
                key,
                choices,
                scorer=Levenshtein.distance,
                score_cutoff=rules.typo_max_cjk_edits,
                limit=None,
            )
        ]
    else:
        found = [
            (w, float(score))
            for w, score, _ in process.extract(
                key, choices, scorer=fuzz.ratio, score_cutoff=rules.typo_min_ratio, limit=None
            )
        ]
    if not found:
        return None
    best = found[0][1]
    words = [w for w, score in found if score == best]
    stages = {vocab.lookup(w) for w in words}
    if len(stages) != 1 or None in stages:
        return None
    if any(_changes_meaning(key, w, vocab, rules) for w in words):
        return None
    stage = stages.pop()
    return (stage, words[0]) if stage else None


def _long_enough(key: str, cjk: bool, rules: StageRules) -> bool:
    if cjk:
        return len(key) >= rules.typo_min_cjk
    return sum(ch.isalpha() for ch in key) >= rules.typo_min_latin


def _changes_meaning(key: str, word: str, vocab: StageVocabulary, rules: StageRules) -> bool:
    """True when ``key`` holds a blocker or another stage's word that ``word`` does not."""
    if any(b in key and b not in word for b in rules.typo_blockers):
        return True
    stage = vocab.lookup(word)
    for other, other_stage in vocab.words:
        if other_stage == stage or other in word or len(other) < (2 if is_cjk(other) else 4):
            continue
        if other in key:
            return True
    return False


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


#: a stage legend's codes are short (1, 2, 3 / A, B, C / S1 ...)
_LEGEND_CODE_MAX = 4


def stage_legend(
    rows: list[list[object]], vocab: StageVocabulary, rules: NormalizeRules
) -> dict[str, str]:
    """A stage legend's codes and their stage words (a ステージ定義 sheet: No | ステージ | 定義,
    1 リード, 2 商談, 3 提案 ...): the first column of short distinct codes beside a column whose
    words are three or more distinct stages of the rules, one per code; {} when the rows hold
    none. A tracker that writes the code (3) in its stage column means that stage."""
    width = max((len(r) for r in rows), default=0)
    columns = [[clean_text(r[j]) if j < len(r) else "" for r in rows] for j in range(width)]
    for j, codes in enumerate(columns):
        for words in columns[j + 1 :] + columns[:j]:
            pairs = [(c, w) for c, w in zip(codes, words) if c and w]
            keys = [c for c, _ in pairs if len(c) <= _LEGEND_CODE_MAX]
            if len(keys) < 3 or len(set(keys)) != len(keys):
                continue
            # each code's stage, read once
            stage_of = {c: read_stage_word(w, vocab, rules).stage for c, w in pairs}
            named = [stage_of[c] for c in keys if stage_of[c]]
            if len(named) >= 3 and len(set(named)) == len(named) and len(named) >= 0.8 * len(keys):
                return {c: w for c, w in pairs if c in keys and stage_of[c]}
    return {}


def stage_codes(
    out: pd.DataFrame,
    col: Collector,
    field: str,
    legends: Mapping[str, Mapping[str, str]],
    vocab: StageVocabulary,
    rules: NormalizeRules,
) -> None:
    """Stage cells that are a code of their file's stage legend (3 where the ステージ定義 sheet
    says 3 is 提案) and no stage word of their own become the legend's word, in place, with one
    finding per code (``normalize.stage-code``)."""
    if not legends or "_source_file" not in out.columns:
        return
    files = out["_source_file"].astype(str).to_numpy(dtype=object)
    cells = out[field].to_numpy(dtype=object).copy()
    changed: dict[tuple[str, str], list[int]] = {}
    for pos, (file, cell) in enumerate(zip(files, cells)):
        legend = legends.get(file)
        text = clean_text(cell) if legend else ""
        if legend and text in legend and not read_stage_word(text, vocab, rules).stage:
            cells[pos] = legend[text]
            changed.setdefault((file, text), []).append(pos)
    if not changed:
        return
    out[field] = pd.Series(cells, index=out.index, dtype=object)
    for (file, code), positions in sorted(changed.items()):
        word = legends[file][code]
        issue = Issue(
            "normalize.stage-code",
            f"stage code {code!r} read as {word!r}, as the workbook's stage legend says",
            word,
            level="mapping",
        )
        col.same_rows(field, positions, issue, code, word)


def lead_list_statuses(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, vocab: StageVocabulary
) -> np.ndarray:
    """Read the status words of lead lists (:func:`migrate.lead_lists.lead_list_rows`) as lead
    statuses (rules/stages.yaml ``lead_statuses``), before the stage words: ``Open`` in a lead
    list is a lead not contacted yet, not the deal stage Open. The cell becomes its status's
    stage key, in place (one finding ``normalize.lead-status`` per word read otherwise than
    the stage words read it), and every row of a lead list gets its status in ``lead_status``
    (a stage word there gives a status by its stage: a person-level stage its key, 失注
    unqualified, a deal stage converted). Returns the positions of the lead list's rows whose
    word neither knows: :func:`assume_lead_status` makes them leads once the word is reported
    unknown."""
    from ..lead_lists import LEAD_STATUS, lead_list_rows, may_hold_lead_lists

    none = np.empty(0, dtype=np.int64)
    out[LEAD_STATUS] = pd.Series("", index=out.index, dtype=object)
    if "stage" not in out.columns or not vocab.lead_statuses or not may_hold_lead_lists(out):
        return none
    codes, uniques = distinct(out["stage"])
    person_keys = set(vocab.person_keys)
    readings = [read_stage_word(u, vocab, rules).stage for u in uniques]
    decided = set(vocab.decided)  # a person's decision on a word is read before any rule
    statuses = [
        None if word_key(clean_text(u)) in decided else vocab.lead_status(clean_text(u))
        for u in uniques
    ]
    people = pd.Series(False, index=out.index)
    for name in ("contact_name", "contact_last_name", "email"):
        if name in out.columns:
            people |= flags(out[name], clean_text)
    said = pd.Series(take([r in person_keys for r in readings], codes), index=out.index)
    by_status = [s is not None and s[1] in person_keys for s in statuses]
    person = said.astype(bool) | (pd.Series(take(by_status, codes), index=out.index) & people)
    in_list = lead_list_rows(out, person).to_numpy(dtype=bool)
    if not in_list.any():
        return none
    _lead_ratings(out, col, in_list)
    closed = next((k for _, k, s in vocab.lead_statuses if vocab.status(s) == "lost"), "")
    converted = next(
        (
            k
            for _, k, s in vocab.lead_statuses
            if s not in person_keys and vocab.status(s) == "open"
        ),
        "",
    )
    cells = out["stage"].to_numpy(dtype=object).copy()
    lead_status = out[LEAD_STATUS].to_numpy(dtype=object).copy()
    changed: dict[int, list[int]] = {}
    unknown: list[int] = []
    for pos in np.flatnonzero(in_list):
        code = codes[pos]
        status, reading = statuses[code], readings[code]
        if status:
            lead_status[pos] = status[0]
            if status[1] != reading:
                cells[pos] = status[1]
                changed.setdefault(code, []).append(int(pos))
        elif reading in person_keys:
            lead_status[pos] = reading
        elif reading:
            lead_status[pos] = closed if vocab.status(reading) == "lost" else converted
        elif clean_text(uniques[code]):
            unknown.append(int(pos))
    out[LEAD_STATUS] = pd.Series(lead_status, index=out.index, dtype=object)
    lifecycle = _lifecycle_stages(out, col, rules, vocab, cells, in_list, lead_status)
    if not changed and not lifecycle:
        return np.asarray(unknown, dtype=np.int64)
    out["stage"] = pd.Series(cells, index=out.index, dtype=object)
    for code, positions in changed.items():
        word = clean_text(uniques[code])
        status_key, stage = statuses[code] or ("", "")
        before = f", not at the stage '{readings[code]}'" if readings[code] else ""
        issue = Issue(
            "normalize.lead-status",
            f"{word!r} in a lead list is the lead status '{status_key}': read at the stage "
            f"'{stage}'{before} (rules/stages.yaml lead_statuses)",
            stage,
            level="mapping",
        )
        col.same_rows("stage", positions, issue, word, stage)
    return np.asarray(unknown, dtype=np.int64)


def _lead_ratings(out: pd.DataFrame, col: Collector, in_list: np.ndarray) -> None:
    """A rank in the probability column of a lead list (Rating: Hot, Warm, Cold; A, B, C)
    rates the lead; no deal of the row has a probability: left empty, with one finding
    ``normalize.lead-rating`` per word (u22: Hot read as 80%). A number is left as it is."""
    if "probability" not in out.columns:
        return
    cells = out["probability"].to_numpy(dtype=object).copy()
    rated: dict[str, list[int]] = {}
    for pos in np.flatnonzero(in_list):
        word = clean_text(cells[pos])
        if word and any(ch.isalpha() or not ch.isascii() for ch in word.rstrip("%％")):
            rated.setdefault(word, []).append(int(pos))
            cells[pos] = None
    if not rated:
        return
    out["probability"] = pd.Series(cells, index=out.index, dtype=object)
    for word, positions in rated.items():
        issue = Issue(
            "normalize.lead-rating",
            f"{word!r} in a lead list rates the lead (Hot, Warm, Cold), it is no deal's "
            "probability: not read as a percent",
            "",
            action="blanked",
            level="mapping",
        )
        col.same_rows("probability", positions, issue, word, "")


def _lifecycle_stages(
    out: pd.DataFrame,
    col: Collector,
    rules: NormalizeRules,
    vocab: StageVocabulary,
    cells: np.ndarray,
    in_list: np.ndarray,
    lead_status: np.ndarray,
) -> bool:
    """The stage cells of lead-list rows whose lifecycle column (rules/stages.yaml
    ``lifecycle_headers``, an extra column) names a stage, where the row's status is an open
    lead status or none: MQL beside 対応中 is an MQL being worked, not a lead (u22: 林 拓也's MQL
    was lost). ``cells`` is changed in place; True when a row changed."""
    from ..schema import EXTRA_PREFIX

    heads = set(vocab.lifecycle_headers)
    names = [
        c
        for c in out.columns
        if isinstance(c, str)
        and c.startswith(EXTRA_PREFIX)
        and word_key(c[len(EXTRA_PREFIX) :]) in heads
    ]
    if not names:
        return False
    person_keys = set(vocab.person_keys)
    lifecycle = out[names[0]].to_numpy(dtype=object)
    read: dict[str, str] = {}
    moved: dict[tuple[str, str], list[int]] = {}
    for pos in np.flatnonzero(in_list):
        word = clean_text(lifecycle[pos])
        if not word:
            continue
        if word not in read:
            read[word] = read_stage_word(word, vocab, rules).stage
        stage = read[word]
        status = str(lead_status[pos] or "")
        now = str(cells[pos] or "")
        open_lead = status in person_keys or any(
            k == status and s in person_keys for _, k, s in vocab.lead_statuses
        )
        if not stage or vocab.status(stage) == "lost" or not (open_lead or not status):
            continue
        if stage == now or stage == read_stage_word(now, vocab, rules).stage:
            continue
        cells[pos] = stage
        moved.setdefault((word, stage), []).append(int(pos))
    if not moved:
        return False
    header = names[0][len(EXTRA_PREFIX) :]
    for (word, stage), positions in moved.items():
        issue = Issue(
            "normalize.lifecycle-stage",
            f"the lifecycle column '{header}' says {word!r}: the row's stage is '{stage}', its "
            "status column the lead status",
            stage,
            level="mapping",
        )
        col.same_rows("stage", positions, issue, word, stage)
    return True


def assume_lead_status(
    out: pd.DataFrame, col: Collector, positions: np.ndarray, vocab: StageVocabulary
) -> None:
    """Rows of a lead list whose status word no stage and no lead status knows (reported
    unknown, and on the review sheet) are leads at the first person-level stage, with a
    warning ``export.lead-status-assumed``: a person of a lead list is a lead, never silently
    a contact of a company that has a deal (u22: 対応中 made a Contact in one list, a Lead in
    another)."""
    from ..lead_lists import LEAD_STATUS

    if not len(positions) or not vocab.person_keys or "stage" not in out.columns:
        return
    first = vocab.person_keys[0]
    stage = out["stage"].to_numpy(dtype=object).copy()
    positions = np.asarray([p for p in positions if not clean_text(stage[p])], dtype=np.int64)
    if not len(positions):
        return
    stage[positions] = first
    out["stage"] = pd.Series(stage, index=out.index, dtype=object)
    status = out[LEAD_STATUS].to_numpy(dtype=object).copy()
    status[positions] = next((k for _, k, s in vocab.lead_statuses if s == first), first)
    out[LEAD_STATUS] = pd.Series(status, index=out.index, dtype=object)
    words = out[STAGE_WORD].to_numpy(dtype=object) if STAGE_WORD in out.columns else None
    issue = Issue(
        "export.lead-status-assumed",
        f"a row of a lead list without a stage the rules know; exported as a lead at "
        f"'{first}' (the list says nothing of how far it got)",
        first,
        severity="warning",
    )
    col.rows(
        "stage",
        positions,
        [issue] * len(positions),
        [clean_text(words[p]) if words is not None else "" for p in positions],
        [first] * len(positions),
    )


def normalize_stage_column(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, field: str, vocab: StageVocabulary
) -> None:
    """Map a stage column of ``out`` to stage keys in place; unknown words are findings."""
    codes, uniques = distinct(out[field])
    counts = (
        np.bincount(codes, minlength=len(uniques)) if len(codes) else np.zeros(len(uniques), int)
    )
    rule = rules.rule("stage")
    values, issues, unknown = [], [], []
    for u, n in zip(uniques, counts):
        o = match_stage(u, vocab, rules)
        unknown.append(o.failure is not None)
        if o.failure:
            failure = Issue(
                o.failure.rule,
                f"{o.failure.message}, used in {n} row(s); choose its stage on the 'stage "
                "words' sheet of review.xlsx and run again with --decisions review.xlsx",
            )
            v, fail = settle(failure, rule.on_error, rule.severity, "", "")
            values.append(v)
            issues.append((*o.issues, fail))
        else:
            values.append(o.value)
            issues.append(o.issues)
    col.coded(field, codes, issues, uniques, values)
    out[field] = pd.Series(take(values, codes), index=out.index, dtype=object)
    if field == "stage":  # a word was there: the stage is unknown, not missing (no inference)
        out[STAGE_UNKNOWN] = pd.Series(take(unknown, codes), index=out.index, dtype=bool)
        words = [clean_text(u) if bad else "" for u, bad in zip(uniques, unknown)]
        out[STAGE_WORD] = pd.Series(take(words, codes), index=out.index, dtype=object)
