"""Sales reps (the ``owner`` field): names normalised like person names, mapped to SFA users.

In: owner cells (山田, 山田太郎, 山田 太郎さん, Yamada, yamada@our-company.co.jp) and the optional
rules/owners.yaml (``kind: owners``, ``owners: {name: e-mail}``). Out: the normalised ``owner``
and ``owner_email`` ("" when the rep is not in the mapping; a rep written as an e-mail address
is their own mapping). :func:`distinct_owners` lists every rep with their row and file counts,
the list a user turns into rules/owners.yaml.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from ..rules import load_rule_file, rule_path
from .base import Issue, distinct, settle, take
from .collect import Collector
from .config import NormalizeRules, load_rules
from .emails import is_valid_email, normalize_email
from .people import normalize_person, person_key
from .text import clean_text


def owner_key(name: str, rules: NormalizeRules | None = None) -> str:
    """Comparison form of a rep's name: honorifics, spaces, dots and case ignored."""
    text = clean_text(name)
    if "@" in text:
        return text.casefold()
    return person_key(normalize_person(text, rules, split=False).value.display or text)


def normalize_owner_column(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, field: str, owners: dict[str, str]
) -> None:
    """Normalise the owner column of ``out`` in place and add ``owner_email``."""
    codes, uniques = distinct(out[field])
    rule = rules.rule("owner")
    names: list[str] = []
    emails: list[str] = []
    issues: list[tuple[Issue, ...]] = []
    for u in uniques:
        text = clean_text(u)
        if "@" in text and is_valid_email(text.casefold()):
            names.append(text.casefold())
            emails.append(text.casefold())
            issues.append(())
            continue
        o = normalize_person(u, rules, split=False)
        found: tuple[Issue, ...] = o.issues
        name = o.value.display
        if o.failure:
            name, fail = settle(o.failure, rule.on_error, rule.severity, text, "")
            found = (*found, fail)
        email = owners.get(person_key(name), "") if name else ""
        if name and owners and not email:
            msg = f"sales rep '{name}' is not in rules/owners.yaml; no SFA user e-mail"
            found = (
                *found,
                Issue("normalize.owner-unmapped", msg, name, "info", "none", "mapping"),
            )
        names.append(name)
        emails.append(email)
        issues.append(found)
    col.coded(field, codes, issues, uniques, names)
    out[field] = pd.Series(take(names, codes), index=out.index, dtype=object)
    out["owner_email"] = pd.Series(take(emails, codes), index=out.index, dtype=object)


def distinct_owners(
    records: pd.DataFrame, rules_dir: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Every sales rep once: owner, rows, files, owner_email (most rows first)."""
    cols = ["owner", "rows", "files", "owner_email"]
    if "owner" not in records or not len(records):
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "rows" else "object") for c in cols}
        )
    codes, uniques = distinct(records["owner"])
    mapping = load_owners(rules_dir)
    rules = load_rules(rules_dir)
    names = [
        clean_text(u).casefold()
        if "@" in clean_text(u)
        else normalize_person(u, rules, split=False).value.display
        for u in uniques
    ]
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
    path = rule_path("owners.yaml", rules_dir).resolve()
    if not path.is_file():
        return {}
    return dict(_load_owners(str(path), path.stat().st_mtime_ns, load_rules(rules_dir)))


@lru_cache(maxsize=8)
def _load_owners(path: str, _mtime: int, rules: NormalizeRules) -> tuple[tuple[str, str], ...]:
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
