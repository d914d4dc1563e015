"""Reading links: company records of the two scripts whose names read the same.

In: the company name of every row, the record each row went into, and the reading rules
(rules/readings.yaml, on the dedupe settings). Out: two list columns for the company records,
compared like any other evidence (rules/dedupe.yaml):

* ``reading_pair``: a token that one Japanese-named record and one Latin-named record share
  when their readings match and the match is unique on both sides
  (:func:`migrate.normalize.readings.match_readings`: equal, sound, core, aligned word by word
  or close readings);
  三菱商事株式会社 and Mitsubishi Corporation both get ``mitsubishi ~ mitsubishi``;
* ``reading_shared``: a reading that records of both scripts hold but not uniquely (two
  大和興業 and one Daiwa Kogyo), an English name that is the acronym of a Japanese one
  (NEC / 日本電気), or two names that align word by word only at a cost (ヤオコー / YOKOWO:
  katakana heard far from the English letters): medium evidence, that merges with something
  else that agrees and otherwise sends the pair to review.

Both are empty unless the run holds names in both scripts: a run in one script pays nothing.

:func:`reading_decisions` turns them into decisions the engine starts from, as the evidence
rule says: a unique reading pair is the same company unless a domain or a phone on both sides
disagrees (then review); a shared reading is a review pair, which the model still merges when
something else agrees (a domain, a phone, an address, the same people).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..columnar import as_texts, map_values
from ..normalize.readings import match_readings

#: a shared reading held by more records than this says nothing (a common word)
MAX_SHARED = 20
# the columns a pair of tied records is judged by (reading_decisions)
_JUDGED = ("_key", "domain", "phone", "reading_shared")
# a name in kana alone (katakana, hiragana, the long mark, a middle dot), and one with kanji
_KANA_ONLY = re.compile(r"[\u3040-\u30ff\uff66-\uff9f・ー]+")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\uff66-\uff9d]")


def reading_links(
    names: pd.Series, record_of_row: np.ndarray, n_rec: int, rules: Any, legal_forms: Iterable[str]
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Per company record: its ``reading_pair`` tokens and its ``reading_shared`` readings."""
    pair: list[tuple[str, ...]] = [()] * n_rec
    shared: list[tuple[str, ...]] = [()] * n_rec
    if rules is None or n_rec == 0:
        return pair, shared
    from ..normalize.readings import is_japanese

    ok = record_of_row >= 0
    # the names stay Python texts (an object column): pandas 3 would make an Arrow column of
    # them, and every name read, tested and looked up below would be made from it again
    written = pd.Series(as_texts(names)[ok], dtype=object)
    rows = pd.DataFrame({"rec": record_of_row[ok], "name": written})
    rows = rows[written.to_numpy() != ""].drop_duplicates()
    if rows.empty:
        return pair, shared
    script = {n: is_japanese(str(n)) for n in pd.unique(rows["name"])}
    rows["ja"] = rows["name"].map(script).astype(bool)
    if rows["ja"].all() or not rows["ja"].any():
        if rows["ja"].all():
            _kana_links(rows, rules, legal_forms, shared)
        return pair, shared
    reader = _reader(rules, tuple(legal_forms))
    # the keys, cores and sounds of a name are read once per distinct name (a tracker repeats
    # its companies on every deal row), then gathered per record
    rows["read"] = map_values(rows["name"], lambda n: reader.readings(str(n)))
    sides = []
    for ja in (True, False):
        recs, lists, reads = _by_record(rows[rows["ja"] == ja])

        def merged(at: int, reads: list[list[tuple]] = reads) -> list[tuple[str, ...]]:
            return [
                rs[0][at] if len(rs) == 1 else tuple(dict.fromkeys(k for r in rs for k in r[at]))
                for rs in reads
            ]

        sides.append((recs, lists, merged(0), merged(1), merged(2)))
    (lrec, lnames, lkeys, lcores, lsounds), (rrec, rnames, rkeys, rcores, rsounds) = sides
    costly: list[tuple[int, int]] = []  # aligned, but only alike at best: review pairs
    found = match_readings(
        lkeys,
        rkeys,
        left_core=lcores,
        right_core=rcores,
        left_sound=lsounds,
        right_sound=rsounds,
        compatible=lambda i, j: reader.compatible(str(lnames[i][0]), str(rnames[j][0])),
        align=lambda dl, dr: _aligner(reader).pairs(
            [list(map(str, ns)) for ns in lnames],
            [list(map(str, ns)) for ns in rnames],
            dl,
            dr,
            costly,
        ),
    )
    paired: set[int] = set()
    tokens: set[str] = set()
    for i, j, _level in found:
        # one token per pair: it blocks and links the two records and no others (a pair found
        # by alignment may have no key: ＫＩホールディングス / KI Holdings)
        token = f"{_first(lkeys[i], lnames[i])} ~ {_first(rkeys[j], rnames[j])}"
        if token in tokens:
            token += f" #{len(tokens)}"
        tokens.add(token)
        a, b = int(lrec[i]), int(rrec[j])
        pair[a] = (*pair[a], token)
        pair[b] = (*pair[b], token)
        paired.update((a, b))
    # a shared reading is tagged with the script of the record's name (j: / l:): only records
    # of different scripts are paired on it (two 大和興業 are compared by name, not by reading)
    # only a reading both scripts hold is filed (most are held on one side alone)
    both = {k for ks in lkeys for k in ks} & {k for ks in rkeys for k in ks}
    holders: dict[str, set[tuple[str, int]]] = {}
    for tag, recs, keys in (("j", lrec, lkeys), ("l", rrec, rkeys)):
        for rec, ks in zip(recs, keys):
            for k in ks:
                if k in both:
                    holders.setdefault(k, set()).add((tag, int(rec)))
    for k, held in holders.items():
        if len(held) > MAX_SHARED or {r for _, r in held} <= paired:
            continue
        for tag, rec in held:
            shared[rec] = (*shared[rec], f"{tag}:{k}")
    # an English name that is the acronym of a Japanese one (NEC / 日本電気), unique on both
    # sides: medium evidence, a review pair that merges only when something else agrees
    done_l = {i for i, _, _ in found}
    done_r = {j for _, j, _ in found}
    acronyms = _aligner(reader).acronym_pairs(
        [list(map(str, ns)) for ns in lnames], [list(map(str, ns)) for ns in rnames], done_l, done_r
    )
    for n, (i, j) in enumerate(acronyms):
        token = f"acronym {_aligner(reader).acronym(str(rnames[j][0]))} #{n}"
        a, b = int(lrec[i]), int(rrec[j])
        shared[a] = (*shared[a], f"j:{token}")
        shared[b] = (*shared[b], f"l:{token}")
    # names aligned only at a cost (katakana heard far from the English letters): review pairs
    # too, unless a later level paired either record
    for n, (i, j) in enumerate(costly):
        if i in done_l or j in done_r:
            continue
        token = f"aligned {_first(lkeys[i], lnames[i])} ~ {_first(rkeys[j], rnames[j])} #{n}"
        a, b = int(lrec[i]), int(rrec[j])
        shared[a] = (*shared[a], f"j:{token}")
        shared[b] = (*shared[b], f"l:{token}")
    _kana_links(rows[rows["ja"]], rules, legal_forms, shared, paired)
    return pair, shared


def _kana_links(
    rows: pd.DataFrame,
    rules: Any,
    legal_forms: Iterable[str],
    shared: list[tuple[str, ...]],
    paired: set[int] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Kanji names and names written in kana alone that read or sound the same (山田製作所 /
    ヤマダセイサクショ of an ERP's 得意先名ｶﾅ): medium evidence (``reading_shared``, the kanji record
    tagged j:, the kana one l:), since a kanji name's reading is a guess (ヤマダデンキ reads 山田電気
    and 山田電機 alike): it merges with something else that agrees, else the pair is reviewed."""
    forms = sorted({str(f) for f in legal_forms if f}, key=len, reverse=True)

    def bare(name: str) -> str:  # the name without its legal form (株式会社 is kanji)
        for f in forms:
            name = name.replace(f, "")
        return name.replace(" ", "").replace("\u3000", "")

    names = map_values(rows["name"], bare)
    kana = names.map(lambda n: bool(n) and bool(_KANA_ONLY.fullmatch(n)))
    kanji = names.map(lambda n: bool(_KANJI.search(n)))
    # a name of katakana and kanji (ヤマダ電工) is read against the kanji names too: 山田電工
    # sounds the same (u20: the two were not even offered for review)
    mixed = kanji & names.map(lambda n: bool(_KATAKANA.search(n)))
    if not (kana | mixed).any() or not kanji.any():
        return
    reader = _reader(rules, tuple(legal_forms))
    part = rows[kana | kanji].copy()
    if "read" not in part:  # read already when the run holds Latin names too
        part["read"] = map_values(part["name"], lambda n: reader.readings(str(n)))
    left = part[kanji[part.index] & ~mixed[part.index]]
    right = part[(kana | mixed)[part.index]]
    (lrec, lnames, lreads), (rrec, rnames, rreads) = _by_record(left), _by_record(right)
    # a kanji name's reading translates its dictionary words (山田製作所: yamada manufacturing,
    # 鈴木工業: suzuki industry) where the kana name only sounds them (ヤマダセイサクショ): the plain
    # sound of each name is one more key of it (the same evidence: a kanji name's sound is a
    # guess too)
    plain = {n: reader.plain_keys(str(n)) for n in pd.unique(part["name"])}

    def keys_of(names: list[list[Any]], reads: list[list[Any]]) -> list[tuple[str, ...]]:
        return [
            tuple(
                dict.fromkeys([*(k for r in rs for k in r[0]), *(k for n in ns for k in plain[n])])
            )
            for ns, rs in zip(names, reads)
        ]

    lkeys, rkeys = keys_of(lnames, lreads), keys_of(rnames, rreads)
    lcores = [tuple(dict.fromkeys(k for r in rs for k in r[1])) for rs in lreads]
    rcores = [tuple(dict.fromkeys(k for r in rs for k in r[1])) for rs in rreads]
    found = match_readings(
        lkeys,
        rkeys,
        left_core=lcores,
        right_core=rcores,
        levels=("same", "core"),
        compatible=lambda i, j: reader.compatible(str(lnames[i][0]), str(rnames[j][0])),
    )
    for n, (i, j, _level) in enumerate(found):
        a, b = int(lrec[i]), int(rrec[j])
        if a in paired or b in paired or a == b:
            continue
        token = f"kana {_first(lkeys[i], lnames[i])} ~ {_first(rkeys[j], rnames[j])} #{n}"
        shared[a] = (*shared[a], f"j:{token}")
        shared[b] = (*shared[b], f"l:{token}")


def _by_record(rows: pd.DataFrame) -> tuple[np.ndarray, list[list[Any]], list[list[Any]]]:
    """The records of ``rows`` (ascending) with their names and readings in row order (a
    stable sort and one cut per record, not a Python aggregation per group)."""
    rec = rows["rec"].to_numpy()
    order = np.argsort(rec, kind="stable")
    rec = rec[order]
    names = rows["name"].to_numpy(dtype=object)[order].tolist()
    reads = rows["read"].to_numpy(dtype=object)[order].tolist()
    starts = np.flatnonzero(np.r_[True, rec[1:] != rec[:-1]]) if len(rec) else np.array([], int)
    bounds = list(zip(starts.tolist(), [*starts[1:].tolist(), len(rec)]))
    return rec[starts], [names[a:b] for a, b in bounds], [reads[a:b] for a, b in bounds]


def reading_decisions(frame: pd.DataFrame) -> pd.DataFrame:
    """Decisions (left_key, right_key, decision) between the company records that
    :func:`reading_links` tied: ``same``, or ``review`` where the evidence is only medium."""
    columns = ["left_key", "right_key", "decision"]
    if "reading_pair" not in frame or not len(frame):
        return pd.DataFrame(columns=columns)
    tracker = frame[frame["existing_id"].astype(str) == ""] if "existing_id" in frame else frame
    # each record as a plain dict of what a pair is judged by: a pair's two rows taken from
    # the frame (``iloc``) cost a Series each, for the thousands of tied pairs
    records = tracker[[c for c in _JUDGED if c in tracker]].to_dict("records")
    out: list[tuple[str, str, str]] = []
    for column, decision in (("reading_pair", "same"), ("reading_shared", "review")):
        holders: dict[str, list[int]] = {}
        for pos, tokens in zip(range(len(tracker)), tracker[column]):
            for t in tokens or ():
                key = t[2:] if column == "reading_shared" else t
                holders.setdefault(key, []).append(pos)
        for recs in holders.values():
            for x in range(len(recs)):
                for y in range(x + 1, len(recs)):
                    a, b = records[recs[x]], records[recs[y]]
                    if column == "reading_shared" and not _across(a, b):
                        continue
                    d = decision
                    if d == "same" and (_differ(a, b, "domain") or _differ(a, b, "phone")):
                        d = "review"  # the names read alike, their contact details do not
                    out.append((str(a["_key"]), str(b["_key"]), d))
    # a shared code makes a reading pair's review a decision (the code's decision comes first)
    out = _code_decisions(tracker, records, {(a, b) for a, b, _ in out}) + out
    decided = pd.DataFrame(out, columns=columns).drop_duplicates(["left_key", "right_key"])
    return decided.reset_index(drop=True)


def _code_decisions(
    tracker: pd.DataFrame, records: list[dict[str, Any]], linked: set[tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """Records that share a customer code (取引先コード) and whose names the reading pass linked
    (an ERP's ナニワコウギョウ beside 浪速工業: a review pair alone) are the same company, unless
    a domain or a phone on both sides differs (then review). A code whose names are not alike
    is reported by normalize (normalize.company-code-conflict) and decides nothing here.
    ``records``: the tracker's records as :func:`reading_decisions` judges them."""
    if "code" not in tracker:
        return []
    holders: dict[str, list[int]] = {}
    for pos, codes in enumerate(tracker["code"]):
        for c in codes if isinstance(codes, tuple) else ():
            holders.setdefault(c, []).append(pos)
    out: list[tuple[str, str, str]] = []
    for recs in holders.values():
        if len(recs) < 2 or len(recs) > MAX_SHARED:
            continue
        for x in range(len(recs)):
            for y in range(x + 1, len(recs)):
                a, b = records[recs[x]], records[recs[y]]
                ka, kb = str(a["_key"]), str(b["_key"])
                if (ka, kb) not in linked and (kb, ka) not in linked:
                    continue
                differ = _differ(a, b, "domain") or _differ(a, b, "phone")
                out.append((ka, kb, "review" if differ else "same"))
    return out


def _across(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """The two records hold a shared reading from names of different scripts."""
    ta = {t[:2] for t in a.get("reading_shared") or ()}
    tb = {t[:2] for t in b.get("reading_shared") or ()}
    return bool(ta) and bool(tb) and ta != tb


def _differ(a: Mapping[str, Any], b: Mapping[str, Any], column: str) -> bool:
    """Both records hold values in ``column`` and share none."""
    va, vb = set(a.get(column) or ()), set(b.get(column) or ())
    return bool(va) and bool(vb) and not (va & vb)


def _first(keys: tuple[str, ...], names: list[str]) -> str:
    return keys[0] if keys else str(names[0])


@functools.lru_cache(maxsize=4)
def _aligner(reader: Any) -> Any:
    from ..normalize.reading_align import Aligner

    return Aligner(reader)


@functools.lru_cache(maxsize=4)
def _reader(rules: Any, legal_forms: tuple[str, ...]) -> Any:
    from ..normalize.readings import Reader

    return Reader(rules, legal_forms)


__all__ = ["MAX_SHARED", "reading_decisions", "reading_links"]
