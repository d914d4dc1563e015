"""Person links inside one company: a surname written alone, a name written in another script.

In: the contact rows (full name, last and first name as the normaliser left them), the contact
record each row belongs to and each record's company. Out: per record four tuples of link
values, compared like any other column (migrate/rules/dedupe.yaml, contacts):

- ``person_surname``: ``s:<surname>``, a surname written alone (岡本様 in a forecast sheet,
  様 already stripped) and the one full-name contact of the same company with that surname
  (岡本 大輔): evidence of medium strength.
- ``person_reading``: ``r:<reading>``, a romanised name (Takumi Ishii, ISHII Takumi) and the
  one kanji or kana name of the same company that reads the same (石井 拓海): as strong as
  one name written twice in one script.
- ``person_surname_review``: ``s?:<surname>``, the same link when the two records give
  different phone numbers (no number in common): worth a person's look, never a merge on its
  own. A different e-mail is weighed by the e-mail comparison itself.
- ``person_reading_review``: ``r?:<reading>``, a romanised name that reads like two or more
  different Japanese names of its company: review at most.

A link is made only when it is unique on both sides: one surname-only record with that surname
in the company and one person among its full names (two 岡本 of one company: no link, the
pair stays apart). Readings come from :func:`migrate.normalize.people.name_reading` (cutlet);
without it a Japanese name has no reading and the cross-script links are simply absent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from ..normalize.people import name_reading
from . import keys as K
from .compare import JAPANESE

# the contact columns person_links makes, in the order it returns them
PERSON_LINKS = (
    "person_surname",
    "person_surname_review",
    "person_reading",
    "person_reading_review",
)
Links = tuple[pd.Series, pd.Series, pd.Series, pd.Series]


def _reading(last: str, first: str, full: str, read: Callable[[str], str]) -> str:
    """Sorted folded words of a name's reading ('' when a part cannot be read)."""
    if last or first:
        parts = [read(p) for p in (last, first) if p]
        if not all(parts):
            return ""
        words = " ".join(parts).split()
    else:
        words = read(full).split()
    return " ".join(sorted(words))


class _Written(NamedTuple):
    """What :func:`person_links` reads of one written name (full name, last and first name)."""

    kind: Literal["alone", "ja", "latin", "skip"]  # skip: one Latin word, which part unknown
    surname: str  # its surname as a key (a surname alone, a Japanese full name)
    reading: str  # the surname alone's reading, else the name's sorted reading words
    key: str  # the whole name as a key


def _written(name: str, ln: str, fn: str, read: Callable[[str], str]) -> _Written:
    """A written name read as :func:`person_links` files it."""
    japanese = bool(JAPANESE.search(name))
    words = K.person_words(name).split()
    key = K.person_key(name)
    if japanese and not fn and len(words) == 1:  # a surname written alone
        return _Written("alone", key, read(name), key)
    if len(words) < 2 and not (ln and fn):
        return _Written("skip", "", "", key)
    if japanese:
        return _Written("ja", K.person_key(ln or words[0]), _reading(ln, fn, name, read), key)
    return _Written("latin", "", " ".join(sorted(read(name).split())), key)


def person_links(
    record_of_row: np.ndarray,
    rec_company: np.ndarray,
    full: pd.Series,
    last: pd.Series,
    first: pd.Series,
    read: Callable[[str], str] = name_reading,
    reach: pd.DataFrame | None = None,
) -> Links:
    """The ``person_surname``, ``person_reading`` and their ``_review`` tuples of every record.

    ``reach``: per record, columns whose values (a string or a tuple of them) reach one person
    (phone, mobile_phone). A surname alone and a full name that both give one and share none
    are only worth a review (``s?:``).
    """
    n_rec = len(rec_company)
    # asked of the few records a surname links, so each record's values are read on demand
    cells = [] if reach is None else [reach[c].to_numpy(dtype=object) for c in reach.columns]

    def values(x: object) -> frozenset[str]:
        return frozenset(v for v in (x if isinstance(x, tuple) else (x,)) if v)

    def disagree(a: int, b: int) -> bool:
        for col in cells:
            va, vb = values(col[a]), values(col[b])
            if va and vb and not (va & vb):
                return True
        return False

    frame = pd.DataFrame(
        {
            "rec": record_of_row,
            "full": full.to_numpy(dtype=object),
            "last": last.to_numpy(dtype=object),
            "first": first.to_numpy(dtype=object),
        }
    )
    frame = frame[(frame["rec"] >= 0) & (frame["full"] != "")].drop_duplicates()
    # per company: surname-only records by surname, full-name records by surname, by reading
    alone: dict[tuple[str, str], set[int]] = defaultdict(set)
    alone_reading: dict[tuple[str, str], str] = {}
    by_surname: dict[tuple[str, str], set[int]] = defaultdict(set)
    latin_words: dict[int, set[str]] = defaultdict(set)
    identity: dict[int, str] = {}
    ja_by_reading: dict[tuple[str, str], set[str]] = defaultdict(set)
    recs_by_reading: dict[tuple[str, str], set[int]] = defaultdict(set)
    latin_by_reading: dict[tuple[str, str], set[int]] = defaultdict(set)
    # a tracker writes one person on many rows (records of several companies too): each distinct
    # written name is read once, its records then filed by dictionary lookups alone
    rows = [frame[c].tolist() for c in frame.columns]
    written = {w: _written(*w, read) for w in set(zip(rows[1], rows[2], rows[3]))}
    company_of = [str(c) for c in rec_company.tolist()]
    for rec, name, ln, fn in zip(*rows):
        kind, surname, reading, key = written[(name, ln, fn)]
        if kind == "skip":
            continue
        company = company_of[rec]
        if kind == "alone":
            alone[(company, surname)].add(rec)
            alone_reading[(company, surname)] = reading
            continue
        if kind == "ja":
            by_surname[(company, surname)].add(rec)
            if reading:
                ja_by_reading[(company, reading)].add(key)
        else:
            latin_words[rec].update(reading.split())
            if reading:
                latin_by_reading[(company, reading)].add(rec)
        if reading:
            recs_by_reading[(company, reading)].add(rec)
            # a record written in kanji and in romaji is one person under the kanji reading
            if kind == "ja" or rec not in identity:
                identity[rec] = reading
        else:
            identity.setdefault(rec, key)

    # only the records with a link hold a set (a few of the company's records)
    link: dict[int, set[str]] = defaultdict(set)
    same: dict[int, set[str]] = defaultdict(set)
    doubt: dict[int, set[str]] = defaultdict(set)
    maybe: dict[int, set[str]] = defaultdict(set)
    latin_of_company: dict[str, set[int]] = defaultdict(set)
    for rec in latin_words:
        latin_of_company[str(rec_company[rec])].add(rec)
    for (company, surname), recs in alone.items():
        if len(recs) != 1:
            continue
        fulls = set(by_surname.get((company, surname), set()))
        said = alone_reading[(company, surname)]
        if said:  # 橋本 (alone) and Osamu Hashimoto: the surname is one of the words read
            fulls |= {r for r in latin_of_company[company] if said in latin_words[r]}
        people = {identity.get(r, str(r)) for r in fulls}
        if len(people) == 1:
            (one,) = recs
            apart = any(disagree(one, r) for r in fulls)
            for r in recs | fulls:
                (doubt if apart else link)[r].add(f"s?:{surname}" if apart else f"s:{surname}")
    for (company, reading), latin in latin_by_reading.items():
        japanese_names = ja_by_reading.get((company, reading), set())
        if not japanese_names:
            continue
        target = same if len(japanese_names) == 1 else maybe
        tag = "r:" if len(japanese_names) == 1 else "r?:"
        for r in recs_by_reading[(company, reading)] | latin:
            target[r].add(tag + reading)
    return (
        _tuples(link, n_rec),
        _tuples(doubt, n_rec),
        _tuples(same, n_rec),
        _tuples(maybe, n_rec),
    )


def _tuples(found: dict[int, set[str]], n_rec: int) -> pd.Series:
    """Per record, its link values sorted (() for a record without one)."""
    out: list[tuple[str, ...]] = [()] * n_rec
    for rec, values in found.items():
        out[rec] = tuple(sorted(values))
    return pd.Series(out, dtype=object)
