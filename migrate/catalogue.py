"""The finding catalogue (rules/findings.yaml): what each finding id means and how to fix it.

In: the ``findings.yaml`` of the active rules directory (else the one shipped with the
package: a rules folder copied before the catalogue existed still gets it). Out: a frozen
:class:`Catalogue` whose :meth:`Catalogue.entry` gives, for a finding id, its theme, usual
severity and a title, meaning and fix in Japanese and English. Ids that other rule files
define (stage rules a team adds to rules/stages.yaml) are covered by a family pattern
(``stages.*``). :func:`rule_in` finds the id a reason text names (``"...: CloseDate is
required but empty [validate.required-missing]"``), so rejection reasons can be translated
while their specifics stay as written. The report, quality.xlsx and ``sfa-migrate explain``
read the texts from here.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UserError
from .findings import SEVERITIES, Severity
from .rules import DEFAULT_RULES_DIR, Problems, load_rule_file, rules_dir

FILE = "findings.yaml"
LANGS = ("ja", "en")
#: A finding id: ``area.kebab-name`` (also ``row.*``/``sheet.*`` skip reasons).
ID_RE = re.compile(r"^[a-z][a-z0-9]*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
#: A family pattern: ``area.*`` or ``area.prefix-*``.
FAMILY_RE = re.compile(r"^[a-z][a-z0-9]*\.(?:[a-z0-9]+-)*\*$")
#: The family of the stage rules of rules/stages.yaml (requirements a team may add).
STAGE_FAMILY = "stages.*"
#: The theme of an id the catalogue does not know.
OTHER = "other"
_OTHER_TITLE = {"ja": "その他", "en": "Other"}

_ENTRY_KEYS = ("theme", "severity", "title", "meaning", "fix")
_DETAIL_KEYS = ("en", "ja", "example")
# a {name} in a Japanese detail: a named group of its English pattern
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# the import file a validation message is about: 'Opportunity.csv: rejected, ...'
_FILE_PREFIX = re.compile(r"^([^:\s][^:]*\.csv): (?:rejected, )?")
_TEXTS = ("title", "meaning", "fix")
# the id inside a reason: "...: CloseDate is required but empty [validate.required-missing]"
# (export rejections) or "normalize.amount-precision: ..." (rows rejected by normalize)
_TRAILING_ID = re.compile(r"\[([a-z][a-z0-9]*\.[a-z0-9]+(?:-[a-z0-9]+)*)\]\s*$")
_LEADING_ID = re.compile(r"^([a-z][a-z0-9]*\.[a-z0-9]+(?:-[a-z0-9]+)*)(?::\s|$)")


@dataclass(frozen=True)
class Text:
    """One text in both languages."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Detail:
    """One form of a finding's own message: the English sentence the code writes (a regular
    expression matching it whole, its specifics as named groups) and the same sentence in
    Japanese with the groups put back (``{file}: {field} が空です``)."""

    pattern: re.Pattern[str]
    ja: str

    def render(self, message: str, stage_labels: Mapping[str, str] | None = None) -> str | None:
        hit = self.pattern.fullmatch(message)
        if hit is None:
            return None
        specifics = {k: v or "" for k, v in hit.groupdict().items()}
        for k, v in specifics.items():  # a stage key ('proposal') by its Japanese label ('提案')
            if k.startswith("st") and (label := (stage_labels or {}).get(v.strip("'"))):
                specifics[k] = f"'{label}'"
        if "f" in specifics:  # a canonical field (close_date) in its Japanese words (受注予定日)
            from .report.text import field_label

            specifics["f"] = field_label(specifics["f"], "ja")
        if specifics.get("ev"):  # a merge's evidence (name exact (+7.6)) in Japanese
            from .review_words import evidence

            specifics["ev"] = evidence(specifics["ev"], "ja")
        return self.ja.format(**specifics)


@dataclass(frozen=True)
class Entry:
    """What one finding id means: theme, usual severity, title (the message), meaning, fix."""

    id: str
    theme: str
    severity: Severity
    title: Text
    meaning: Text
    fix: Text
    family: str = ""  # the pattern ("stages.*") when the entry comes from a family


@dataclass(frozen=True)
class Catalogue:
    """Every finding id with its texts; themes in their tie-break order."""

    path: str
    themes: tuple[tuple[str, Text], ...]
    entries: Mapping[str, Entry] = field(repr=False)
    families: tuple[Entry, ...] = ()
    # the Japanese forms of the findings' own messages, by id or pattern (``details:``)
    details: Mapping[str, tuple[Detail, ...]] = field(default_factory=dict, repr=False)
    # each stage key's Japanese label (proposal -> 提案), for the stage keys in the messages
    stage_labels: Mapping[str, str] = field(default_factory=dict, repr=False)
    _forms: dict[str, tuple[Detail, ...]] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )

    def entry(self, rule_id: str, own_titles: Mapping[str, Text] | None = None) -> Entry | None:
        """The entry of ``rule_id``: listed, else of the first family that matches (with the
        title from ``own_titles``, e.g. a stage rule's message in stages.yaml), else None."""
        hit = self.entries.get(rule_id)
        if hit is not None:
            return hit
        own = (own_titles or {}).get(rule_id)
        for fam in self.families:
            # a stage rule is a stage rule whatever area its id names
            if fnmatch.fnmatchcase(rule_id, fam.id) or (own is not None and fam.id == STAGE_FAMILY):
                title = own or fam.title
                return Entry(rule_id, fam.theme, fam.severity, title, fam.meaning, fam.fix, fam.id)
        return None

    def message(self, rule_id: str, text: str, lang: str) -> str:
        """A finding's own message in ``lang``. The code writes it in English with its
        specifics (the value, the number); in Japanese the first detail of the id (then of the
        patterns that match it, ``stages.*``) whose English form reads the message gives the
        sentence, the specifics kept as written. Otherwise the message as written."""
        if lang != "ja" or not text:
            return text
        forms = self._forms.get(rule_id)
        if forms is None:
            forms = self.details.get(rule_id, ()) + tuple(
                d
                for pattern, ds in self.details.items()
                if "*" in pattern and fnmatch.fnmatchcase(rule_id, pattern)
                for d in ds
            )
            self._forms[rule_id] = forms
        prefix = _FILE_PREFIX.match(text)
        rest = text[prefix.end() :] if prefix else text
        for d in forms:
            out = d.render(rest, self.stage_labels)
            if out is not None:
                return f"{prefix.group(1)}: {out}" if prefix else out
        return text

    def title(self, rule_id: str, lang: str) -> str:
        """The title of ``rule_id`` in ``lang`` (the id itself when it is not catalogued)."""
        e = self.entry(rule_id)
        return e.title.get(lang) if e else rule_id

    def theme_of(self, rule_id: str) -> str:
        e = self.entry(rule_id)
        return e.theme if e else OTHER

    def theme_title(self, key: str, lang: str) -> str:
        for k, text in self.themes:
            if k == key:
                return text.get(lang)
        return _OTHER_TITLE.get(lang, "Other") if key == OTHER else key

    def theme_order(self, key: str) -> int:
        keys = [k for k, _ in self.themes]
        return keys.index(key) if key in keys else len(keys)

    def suggest(self, rule_id: str, n: int = 3) -> list[str]:
        """Catalogued ids close to ``rule_id`` (a typo, a missing area, a part of the name)."""
        ids = sorted(self.entries)
        low = rule_id.strip().lower()
        close = difflib.get_close_matches(low, ids, n=n, cutoff=0.6)
        tail = [i for i in ids if low and i.split(".", 1)[-1] == low.split(".", 1)[-1]]
        part = [i for i in ids if len(low) >= 4 and low in i]
        return list(dict.fromkeys([*tail, *close, *part]))[:n]


def rule_in(reason: str) -> str:
    """The finding id a reason text names (``[id]`` at its end, ``id:`` at its start, or the
    whole text), else ""."""
    text = reason.strip()
    hit = _TRAILING_ID.search(text) or _LEADING_ID.match(text)
    return hit.group(1) if hit else ""


# where a reason of a joined list starts: a finding id (row.subtotal, ingest.x: ...), an import
# file's name (Opportunity.csv: ...) or a merge (merged into D-...)
_REASON_START = re.compile(
    r"^(?:[a-z][a-z0-9]*\.[a-z0-9]+(?:-[a-z0-9]+)*(?::\s|$)|[^\s;:]+\.(?:csv|xlsx): |merged into )"
)


def split_reasons(text: str) -> list[str]:
    """The reasons of a crosswalk or reject cell, joined there with "; ": a "; " inside one
    reason's message (nothing to import; a sub-table line ...) does not split it."""
    parts: list[str] = []
    for piece in text.split(";"):
        if parts and not _REASON_START.match(piece.strip()):
            parts[-1] = f"{parts[-1]};{piece}"
        else:
            parts.append(piece)
    return [p.strip() for p in parts if p.strip()]


def reason_detail(reason: str) -> str:
    """A reason without its id: ``"Lead.csv: LastName is required but empty"``."""
    text = reason.strip()
    if hit := _TRAILING_ID.search(text):
        return text[: hit.start()].rstrip()
    if hit := _LEADING_ID.match(text):
        return text[hit.end() :].strip()
    return text


def catalogue_path(rules: str | os.PathLike[str] | None = None) -> Path:
    """The active findings.yaml: in the rules directory, else the one shipped with the package."""
    path = rules_dir(rules) / FILE
    return path if path.is_file() else DEFAULT_RULES_DIR / FILE


def load_catalogue(rules: str | os.PathLike[str] | None = None) -> Catalogue:
    """The finding catalogue of findings.yaml (a view on the rules bundle)."""
    from .bundle import load_rules_bundle

    return load_rules_bundle(rules).catalogue


def parse_catalogue(path: str) -> Catalogue:
    """Read and check one findings.yaml (the rules bundle calls this once per file)."""
    doc, p = load_rule_file(path, "findings")
    p.keys(
        doc, "", ("kind", "version", "themes", "findings", "families", "details"),
        ("themes", "findings"),
    )  # fmt: skip
    themes = _themes(doc.get("themes"), p)
    keys = {k for k, _ in themes}
    entries: dict[str, Entry] = {}
    raw = doc.get("findings")
    if isinstance(raw, Mapping):
        for rule_id, body in raw.items():
            if not isinstance(rule_id, str) or not ID_RE.match(rule_id):
                p.add(f"findings.{rule_id}", "is not a finding id; use 'area.kebab-name'")
                continue
            e = _entry(rule_id, body, f"findings.{rule_id}", keys, p)
            if e is not None:
                entries[rule_id] = e
    else:
        p.add("findings", "expected a mapping of finding ids")
    families = []
    fam = doc.get("families") or {}
    if isinstance(fam, Mapping):
        for pattern, body in fam.items():
            if not isinstance(pattern, str) or not FAMILY_RE.match(pattern):
                p.add(f"families.{pattern}", "is not a pattern; use 'area.*' or 'area.prefix-*'")
                continue
            e = _entry(pattern, body, f"families.{pattern}", keys, p)
            if e is not None:
                families.append(e)
    else:
        p.add("families", "expected a mapping of patterns")
    details = _all_details(doc.get("details"), p)
    for rule_id in details:
        if "*" not in rule_id and not (isinstance(raw, Mapping) and rule_id in raw):
            p.add(f"details.{rule_id}", "names no finding of findings:")
    p.raise_if_any()
    return Catalogue(path, tuple(themes), entries, tuple(families), details)


def _themes(raw: Any, p: Problems) -> list[tuple[str, Text]]:
    if not isinstance(raw, Mapping) or not raw:
        p.add("themes", "expected a mapping of theme keys to {ja, en} titles")
        return []
    out = []
    for key, title in raw.items():
        if not isinstance(key, str) or not re.match(r"^[a-z][a-z0-9-]*$", key) or key == OTHER:
            p.add(f"themes.{key}", f"is not a theme key (lower-case, not '{OTHER}')")
            continue
        text = _text(title, f"themes.{key}", p)
        if text is not None:
            out.append((key, text))
    return out


def _entry(rule_id: str, body: Any, key: str, themes: set[str], p: Problems) -> Entry | None:
    if not p.keys(body, key, _ENTRY_KEYS, _ENTRY_KEYS):
        return None
    ok = p.choice(body["theme"], f"{key}.theme", sorted(themes))
    ok = p.choice(body["severity"], f"{key}.severity", SEVERITIES) and ok
    texts = {t: _text(body[t], f"{key}.{t}", p) for t in _TEXTS}
    if not ok or any(v is None for v in texts.values()):
        return None
    return Entry(rule_id, body["theme"], body["severity"], *(texts[t] for t in _TEXTS))  # type: ignore[arg-type]


def _all_details(raw: Any, p: Problems) -> dict[str, tuple[Detail, ...]]:
    """``details:``: finding id or pattern -> the Japanese forms of its messages."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        p.add("details", "expected a mapping of finding ids (or patterns) to lists")
        return {}
    out: dict[str, tuple[Detail, ...]] = {}
    for rule_id, forms in raw.items():
        if not isinstance(rule_id, str) or not (ID_RE.match(rule_id) or FAMILY_RE.match(rule_id)):
            p.add(f"details.{rule_id}", "is not a finding id or pattern ('area.name', 'area.*')")
            continue
        out[rule_id] = _details(forms, f"details.{rule_id}", p)
    return out


def _details(raw: Any, key: str, p: Problems) -> tuple[Detail, ...]:
    """One id's forms: each {en: pattern, ja: sentence, example: a message the pattern must
    read}; every {name} of the sentence a named group of the pattern."""
    if not isinstance(raw, list):
        p.add(key, "expected a list of {en, ja, example}")
        return ()
    out = []
    for i, d in enumerate(raw):
        at = f"{key}[{i}]"
        if not p.keys(d, at, _DETAIL_KEYS, _DETAIL_KEYS):
            continue
        if not all(isinstance(d[k], str) and d[k].strip() for k in _DETAIL_KEYS):
            p.add(at, "en, ja and example must be texts")
            continue
        try:
            pattern = re.compile(d["en"])
        except re.error as exc:
            p.add(f"{at}.en", f"is not a regular expression: {exc}")
            continue
        missing = set(_PLACEHOLDER.findall(d["ja"])) - set(pattern.groupindex)
        if missing:
            p.add(f"{at}.ja", f"names {', '.join(sorted(missing))}, which en does not capture")
            continue
        detail = Detail(pattern, d["ja"].strip())
        try:
            said = detail.render(d["example"])
        except (ValueError, KeyError, IndexError) as exc:  # a lone { or } in the sentence
            p.add(f"{at}.ja", f"is not a sentence with {{name}} places: {exc}; write {{{{ for {{")
            continue
        if said is None:
            p.add(f"{at}.example", "is not read by en (the pattern must match it whole)")
            continue
        out.append(detail)
    return tuple(out)


def _text(raw: Any, key: str, p: Problems) -> Text | None:
    if not p.keys(raw, key, LANGS, LANGS):
        return None
    ok = True
    for lang in LANGS:
        value = raw[lang]
        if not isinstance(value, str) or not value.strip():
            p.add(
                f"{key}.{lang}", f"{value!r:.60} is not a text; every text is needed in ja and en"
            )
            ok = False
    return Text(raw["ja"].strip(), raw["en"].strip()) if ok else None


# ------------------------------------------------------------------------------ explain


class UnknownFindingId(UserError):
    """``sfa-migrate explain`` was given an id the catalogue does not know."""


def explain(
    rule_id: str | None,
    *,
    lang: str | None = None,
    rules: str | os.PathLike[str] | None = None,
) -> str:
    """The text ``sfa-migrate explain`` prints: one id's meaning and fix (in ``lang``, else in
    both languages), or, without an id, every id with its title.

    An id that is not listed is looked up among the stage rules of rules/stages.yaml (a rule a
    team added there is explained by the ``stages.*`` family with its own message); anything
    else raises :class:`UnknownFindingId` naming the closest ids.
    """
    cat = load_catalogue(rules)
    langs: tuple[str, ...] = (lang,) if lang in LANGS else LANGS
    if not rule_id:
        return _listing(cat, langs)
    rule_id = rule_id.strip()
    e = cat.entries.get(rule_id)
    if e is None:
        stage_rules = stage_rule_titles(rules)
        e = cat.entry(rule_id, stage_rules) if rule_id in stage_rules else None
    if e is None:
        close = cat.suggest(rule_id)
        if close:
            others = f" (or {', '.join(close[1:])})" if close[1:] else ""
            hint = f"; did you mean {close[0]}?{others}"
        else:
            hint = "; `sfa-migrate explain` lists every id"
        raise UnknownFindingId(f"'{rule_id}' is not a finding id{hint}")
    out = [e.id]
    for lg in langs:
        sev_w, theme_w, meaning_w, fix_w = _WORDS[lg]
        out += [
            "",
            f"  {e.title.get(lg)}",
            f"  {sev_w}: {_SEVERITY[lg][e.severity]} · {theme_w}: {cat.theme_title(e.theme, lg)}",
            f"  {meaning_w}: {e.meaning.get(lg)}",
            f"  {fix_w}: {e.fix.get(lg)}",
        ]
    return "\n".join(out)


_WORDS = {"ja": ("重要度", "テーマ", "意味", "対処"), "en": ("severity", "theme", "meaning", "fix")}
_SEVERITY = {
    "ja": {"error": "エラー", "warning": "警告", "info": "情報"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}


def stage_rule_titles(rules: str | os.PathLike[str] | None = None) -> dict[str, Text]:
    """The messages of the stage rules (requirements) of rules/stages.yaml, by id."""
    from .stages import load_stage_model  # the stage model owns stages.yaml

    model = load_stage_model(rules)
    return {
        r.id: Text(r.message.ja or r.message.en, r.message.en or r.message.ja)
        for r in model.requirements
    }


def _listing(cat: Catalogue, langs: Iterable[str]) -> str:
    langs = tuple(langs)
    rows = sorted(cat.entries.values(), key=lambda e: (cat.theme_order(e.theme), e.id))
    width = max((len(e.id) for e in [*rows, *cat.families]), default=0)
    out: list[str] = []
    theme = None
    for e in [*rows, *cat.families]:
        if e.theme != theme:
            theme = e.theme
            out += [*([""] if out else []), " / ".join(cat.theme_title(theme, lg) for lg in langs)]
        titles = " / ".join(e.title.get(lg) for lg in langs)
        out.append(f"  {e.id:<{width}}  {e.severity:<7}  {titles}")
    return "\n".join(out)
