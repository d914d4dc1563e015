"""Sales reps (the ``owner`` field): names normalised like person names, mapped to SFA users.

In: owner cells (山田, 山田太郎, 山田 太郎さん, Yamada, tom becker, Becker, Tom,
yamada@our-company.co.jp) and the optional rules/owners.yaml (``kind: owners``, ``owners: {name:
e-mail}``). Out: the normalised ``owner``, one name per rep within the run (spellings, spacing
and short forms unified, see :mod:`.aliases`), and ``owner_email`` ("" when the rep is not in
the mapping; a rep written as an e-mail address is their own mapping). :func:`distinct_owners` lists every rep with their row and file counts,
the list a user turns into rules/owners.yaml.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..rules import load_rule_file
from .aliases import ALIAS, AMBIGUOUS, unify_names
from .base import Issue, Outcome, distinct, settle, take
from .collect import Collector
from .config import NormalizeRules, load_rules
from .emails import is_valid_email, normalize_email
from .people import CASE, PersonName, normalize_person, person_key
from .text import clean_text


def owner_key(name: str, rules: NormalizeRules | None = None) -> str:
    """Comparison form of a rep's name: honorifics, spaces, dots and case ignored."""
    text = clean_text(name)
    if "@" in text:
        return text.casefold()
    # to a fixed point: cleaning can uncover what a first pass kept ('0(株)・' drops the ・,
    # then the (株)); a key must be its own key
    key = text
    for _ in range(3):
        again = person_key(normalize_person(key, rules, split=False).value.display or key)
        if again == key:
            break
        key = again
    return key


def owner_name(value: object, rules: NormalizeRules) -> tuple[str, Outcome[PersonName] | None]:
    """(name, outcome) of one owner cell: an e-mail address as is (outcome None), else a name."""
    text = clean_text(value)
    if "@" in text and is_valid_email(text.casefold()):
        return text.casefold(), None
    o = normalize_person(value, rules, split=False, fix_upper=True)
    return o.value.display, o


def normalize_owner_column(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, field: str, owners: dict[str, str]
) -> None:
    """Normalise the owner column of ``out`` in place and add ``owner_email``.

    Every cell is normalised like a person name, then the run's names are unified per rep
    (:mod:`.aliases`): spellings of one name, and a surname, given name or initials that fit
    exactly one full name. Each such mapping is one ``normalize.owner-alias`` finding per
    distinct name, with its row count.
    """
    codes, uniques = distinct(out[field])
    rule = rules.rule("owner")
    names: list[str] = []
    issues: list[tuple[Issue, ...]] = []
    for u in uniques:
        name, o = owner_name(u, rules)
        found: tuple[Issue, ...] = ()
        if o is not None:
            found = o.issues
            if o.failure:
                name, fail = settle(o.failure, rule.on_error, rule.severity, clean_text(u), "")
                found = (*found, fail)
        names.append(name)
        issues.append(found)
    counts = (
        np.bincount(codes, minlength=len(uniques)) if len(codes) else np.zeros(len(uniques), int)
    )
    final = _unify(out, col, rules, field, codes, uniques, names, issues, counts)
    emails: list[str] = []
    for i, name in enumerate(final):
        if "@" in name:
            emails.append(name)
            continue
        email = (
            (owners.get(person_key(name)) or owners.get(person_key(names[i]), "")) if name else ""
        )
        if name and owners and not email:
            msg = f"sales rep '{name}' is not in rules/owners.yaml; no SFA user e-mail"
            issues[i] = (
                *issues[i],
                Issue("normalize.owner-unmapped", msg, name, "info", "none", "mapping"),
            )
        emails.append(email)
    col.coded(field, codes, issues, uniques, final)
    cleaned = [isinstance(u, str) and f != u and f == clean_text(u) for u, f in zip(uniques, final)]
    col.text_cleaned(field, codes, np.array(cleaned, dtype=bool), uniques, final)
    out[field] = pd.Series(take(final, codes), index=out.index, dtype=object)
    out["owner_email"] = pd.Series(take(emails, codes), index=out.index, dtype=object)


def _unify(
    out: pd.DataFrame,
    col: Collector,
    rules: NormalizeRules,
    field: str,
    codes: np.ndarray,
    uniques: list[object],
    names: list[str],
    issues: list[tuple[Issue, ...]],
    counts: np.ndarray,
) -> list[str]:
    """The run's name per distinct cell; reports each alias once per distinct name."""
    distinct_names: dict[str, int] = {}
    for name in names:
        distinct_names.setdefault(name, len(distinct_names))
    rows = [0] * len(distinct_names)
    guessed = [True] * len(distinct_names)
    first = [len(codes)] * len(distinct_names)
    firsts = _first_positions(codes, len(uniques))
    for i, name in enumerate(names):
        j = distinct_names[name]
        rows[j] += int(counts[i])
        guessed[j] = guessed[j] and any(x.rule == CASE for x in issues[i])
        first[j] = min(first[j], firsts[i])
    aliases = unify_names(list(distinct_names), rows, guessed, rules.people)
    for name, j in distinct_names.items():
        alias = aliases[j]
        if not name or first[j] >= len(codes):
            continue
        file, sheet = str(col.file[first[j]]), str(col.sheet[first[j]])
        if alias.reason and rules.mappings == "cell":  # the full audit trail: per cell
            msg = f"sales rep '{name}' read as '{alias.name}' ({alias.reason})"
            for i, n in enumerate(names):
                if n == name:
                    issues[i] = (*issues[i], Issue(ALIAS, msg, alias.name, level="mapping"))
        elif alias.reason:
            msg = (
                f"sales rep '{name}' read as '{alias.name}' ({alias.reason}), "
                f"used in {rows[j]} row(s)"
            )
            col.sheet_level(field, file, sheet, Issue(ALIAS, msg, alias.name), name)
        elif alias.candidates:
            listed = ", ".join(f"'{c}'" for c in alias.candidates)
            msg = (
                f"sales rep '{name}' could be {listed}; left as written, used in "
                f"{rows[j]} row(s): write the full name or map it in rules/owners.yaml"
            )
            col.sheet_level(field, file, sheet, Issue(AMBIGUOUS, msg, name, action="kept"), name)
    return [aliases[distinct_names[name]].name for name in names]


def _first_positions(codes: np.ndarray, n: int) -> list[int]:
    """The first row position of every code (len(codes) for a code no row has)."""
    firsts = [len(codes)] * n
    if len(codes):
        values, index = np.unique(codes, return_index=True)
        for v, i in zip(values.tolist(), index.tolist()):
            firsts[v] = i
    return firsts


def distinct_owners(
    records: pd.DataFrame, rules_dir: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Every sales rep once: owner, rows, files, owner_email (most rows first).

    Run on normalised records (the owner column as :func:`normalize_owner_column` left it);
    raw owner cells are normalised and unified the same way first.
    """
    cols = ["owner", "rows", "files", "owner_email"]
    if "owner" not in records or not len(records):
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "rows" else "object") for c in cols}
        )
    codes, uniques = distinct(records["owner"])
    mapping = load_owners(rules_dir)
    rules = load_rules(rules_dir)
    names = [owner_name(u, rules)[0] for u in uniques]
    counts = np.bincount(codes, minlength=len(uniques)) if len(codes) else np.zeros(0, int)
    per_name: dict[str, int] = {}
    for name, n in zip(names, counts):
        per_name[name] = per_name.get(name, 0) + int(n)
    listed = list(per_name)
    aliases = unify_names(
        listed, [per_name[n] for n in listed], [False] * len(listed), rules.people
    )
    final = {n: a.name for n, a in zip(listed, aliases)}
    names = [final[n] for n in names]
    frame = pd.DataFrame(
        {
            "owner": take(names, codes),
            "file": records["_source_file"].astype(str).to_numpy()
            if "_source_file" in records
            else "",
        }
    )
    frame = frame[frame["owner"] != ""]
    grouped = frame.groupby("owner", sort=False)
    out = (
        pd.DataFrame(
            {
                "rows": grouped.size(),
                "files": grouped["file"].agg(lambda s: "; ".join(dict.fromkeys(s))),
            }
        )
        .rename_axis("owner")
        .reset_index()
    )
    out["owner"] = out["owner"].astype(object)
    out["owner_email"] = np.array(
        [o if "@" in o else mapping.get(person_key(o), "") for o in out["owner"]], dtype=object
    )
    return out.sort_values(["rows", "owner"], ascending=[False, True], ignore_index=True)[cols]


# ----------------------------------------------------------------------------- owners.yaml


def load_owners(rules_dir: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The owner-name key -> SFA user e-mail mapping of rules/owners.yaml ({} when there is none)."""
    from ..bundle import load_rules_bundle

    return dict(load_rules_bundle(rules_dir).owners)


def parse_owners(path: str, rules: NormalizeRules) -> tuple[tuple[str, str], ...]:
    """Read and check one owners.yaml (the rules bundle calls this once per file)."""
    doc, p = load_rule_file(path, "owners")
    p.keys(doc, "", ["kind", "version", "owners"])
    raw = doc.get("owners") or {}
    out: dict[str, str] = {}
    if not isinstance(raw, Mapping):
        p.add("owners", f"expected a mapping of name: e-mail, got {type(raw).__name__}")
        raw = {}
    seen: dict[str, str] = {}
    for name, email in raw.items():
        at = f"owners.{name}"
        key = owner_key(str(name), rules)
        if key in seen and seen[key] != str(name):
            p.add(
                at,
                f"'{name}' is the same person as '{seen[key]}' once spaces and honorifics are ignored",
            )
        seen[key] = str(name)
        result = normalize_email(email, rules)
        if result.failure or not result.value:
            p.add(at, f"{email!r:.60} is not a valid e-mail address")
            continue
        out[key] = result.value
    p.raise_if_any()
    return tuple(out.items())
