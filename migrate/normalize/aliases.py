"""One name per sales rep within a run: spellings, spacing and short forms of a rep unified.

In: the distinct owner names of a run once normalised (:mod:`.owners`), with the number of rows
each is written on and whether its capitals were guessed (tom becker -> Tom Becker). Out: for
every name the name the run uses for that rep, and why:

- the same name written another way is one rep: 中村由美 / 中村 由美 (shown with one half-width
  space when any spelling has one, else as written), Tom Becker / TOM BECKER (a spelling written
  with its capitals wins over one whose capitals were guessed), R. Brooks / R Brooks, and a
  Latin name in both orders (Brooks Ryan / Ryan Brooks: the order written on most rows);
  ties between spellings are broken by the spellings themselves, never by which came first;
- a surname alone, a given name alone or initials (中村, 由美, Brooks, Ryan, R. Brooks, Ryan B.)
  stand for a full name only when exactly one full name of the run fits them; when several fit,
  the short form stays as written and is reported as ambiguous (:data:`AMBIGUOUS`).

Pure functions over distinct names: no rows, no findings; :mod:`.owners` reports them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .config import PeopleRules
from .people import person_key
from .text import is_cjk

ALIAS = "normalize.owner-alias"
AMBIGUOUS = "normalize.owner-alias-ambiguous"
_INITIAL_RE = re.compile(r"^[^\W\d_]\.?$")


def _is_initial(token: str) -> bool:
    """R. / R: one Latin letter (a one-kanji name such as 森 is a name, not an initial)."""
    return bool(_INITIAL_RE.match(token)) and not is_cjk(token)


@dataclass(frozen=True, slots=True)
class Alias:
    """What one distinct name becomes: ``name`` (itself when unchanged) and why."""

    name: str
    reason: str = ""  # "" when unchanged
    candidates: tuple[str, ...] = ()  # the full names a short form could be (ambiguous)


@dataclass(frozen=True, slots=True)
class _Full:
    display: str
    last: str
    first: str
    cjk: bool


def unify_names(
    names: Sequence[str],
    rows: Sequence[int],
    guessed_case: Sequence[bool],
    rules: PeopleRules,
) -> list[Alias]:
    """For every distinct name (``names[i]`` on ``rows[i]`` rows) what the run calls that rep.

    ``guessed_case[i]`` says the capitals of ``names[i]`` were guessed from an all lower or
    upper case cell. Empty names and e-mail addresses are left alone.
    """
    out = [Alias(n) for n in names]
    groups: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        if n and "@" not in n:
            groups.setdefault(person_key(n), []).append(i)
    # 1. spellings of one name
    rep: dict[str, str] = {}
    for key, members in groups.items():
        best = _spelling(names, rows, guessed_case, members)
        rep[key] = best
        for i in members:
            if names[i] != best:
                out[i] = Alias(best, _why_spelling(names[i], best))
    # 2. one Latin name in both orders (Brooks Ryan / Ryan Brooks): the order on most rows
    total = {key: sum(rows[i] for i in members) for key, members in groups.items()}
    orders: dict[tuple[str, ...], list[str]] = {}
    for key, name in rep.items():
        words = name.replace(",", " ").casefold().split()
        if not is_cjk(name) and len(words) >= 2 and not any(_is_initial(w) for w in words):
            orders.setdefault(tuple(sorted(words)), []).append(key)
    for keys in orders.values():
        if len(keys) < 2:
            continue
        main = max(keys, key=lambda k: (total[k], rep[k]))  # a tie by the name, not its place
        for key in keys:
            if key != main:
                for i in groups[key]:
                    out[i] = Alias(rep[main], "the same name written in the other order")
                rep[key] = rep[main]
    # 3. short forms of a full name
    fulls = {key: _full(name, rules) for key, name in rep.items()}
    known = [f for f in fulls.values() if f is not None]
    for key, members in groups.items():
        if fulls[key] is not None:
            continue
        short = rep[key]
        fits = sorted({f.display for f in known if _fits(short, f)})
        if len(fits) == 1:
            target = fits[0]
            why = f"the only full name in the run that '{short}' fits"
            for i in members:
                out[i] = Alias(target, why)
        elif len(fits) > 1:
            for i in members:
                out[i] = Alias(out[i].name, "", tuple(fits))
    return out


def _spelling(
    names: Sequence[str], rows: Sequence[int], guessed: Sequence[bool], members: list[int]
) -> str:
    """The spelling a group of one name is shown in."""
    if len(members) == 1:
        return names[members[0]]
    if any(is_cjk(names[i]) for i in members):
        spaced = [i for i in members if " " in names[i]]
        pool = spaced or members
    else:
        written = [i for i in members if not guessed[i]]  # capitals as the user wrote them
        pool = written or members
        spaced = [i for i in pool if " " in names[i]]
        pool = spaced or pool
    # most rows first; a tie goes by the spelling itself, not by which row came first, so a
    # re-sorted tracker keeps its names (of two, the one with lower-case letters: Tom Becker)
    return names[max(pool, key=lambda i: (rows[i], names[i]))]


def _why_spelling(name: str, best: str) -> str:
    if name.replace(" ", "") == best.replace(" ", ""):
        return "the same name written with other spacing"
    if name.casefold() == best.casefold():
        return "the same name written in other capitals"
    return "the same name written another way"


def _full(name: str, rules: PeopleRules) -> _Full | None:
    """The last and first name of a full name; None for a surname, given name or initials."""
    if is_cjk(name):
        tokens = name.split()
        if len(tokens) == 2:
            return _Full(name, tokens[0], tokens[1], True)
        if len(tokens) == 1:
            split = _split_cjk(name, rules)
            return _Full(name, *split, True) if split else None
        return None
    if "," in name:
        last, _, first = (p.strip() for p in name.partition(","))
        tokens = [*first.split(), *last.split()] if last and first else []
        last_token = last
    else:
        tokens = name.split()
        last_token = tokens[-1] if tokens else ""
    if len(tokens) < 2 or any(_is_initial(t) for t in tokens):
        return None
    return _Full(name, last_token, tokens[0], False)


def _split_cjk(name: str, rules: PeopleRules) -> tuple[str, str] | None:
    """山田太郎 -> (山田, 太郎) with the common-surname list (longest surname first)."""
    if name in rules.surnames:
        return None
    for n in range(min(rules.max_surname, len(name) - 1), 0, -1):
        head, tail = name[:n], name[n:]
        if head in rules.surnames and 1 <= len(tail) <= 4:
            return head, tail
    return None


def _fits(short: str, full: _Full) -> bool:
    """中村 / 由美 / Brooks / Ryan / R. Brooks / Ryan B. / Brooks R. fit 中村 由美 / Ryan Brooks."""
    if is_cjk(short) != full.cjk:
        return False
    tokens = short.replace(",", " ").split()
    if len(tokens) == 1:
        t = tokens[0].casefold()
        return not _is_initial(t) and t in (full.last.casefold(), full.first.casefold())
    if len(tokens) != 2 or full.cjk or not any(_is_initial(t) for t in tokens):
        return False
    a, b = tokens
    return (_part(a, full.first) and _part(b, full.last)) or (
        _part(a, full.last) and _part(b, full.first)
    )


def _part(token: str, word: str) -> bool:
    """A token stands for a word: the word itself or its initial (R. / R for Ryan)."""
    t, w = token.casefold(), word.casefold()
    if _is_initial(t):
        return w.startswith(t.rstrip("."))
    return t == w
