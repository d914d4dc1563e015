"""Survivorship: which value a merged entity keeps, field by field.

In: the source rows of every entity (an entity id per row), the fields to keep and the entity's
rules (a strategy per field). Out: one row per entity, the position of its surviving row (the
most recent one) and the conflicts found (two different non-empty values of a field where the
rules ask to be told).

Strategies: ``most_recent`` (the value of the most recently updated row that has one:
``updated_at`` (for a row without one, the latest date its sheet was worked on, the date its
name carries or else the date its workbook was last saved), then the later file/sheet, then the later ``created_at``, then the stage further along the funnel, then the
row's content), ``most_complete`` (from the
row with the most filled fields), ``most_frequent``, ``display_name`` (most frequent, but a
name with kanji before a kana reading such as ｶ)ｻﾝｷｮｳｾｲｺｳ), ``primary_name`` (display_name in
the primary script), ``person_name`` (primary_name, but a surname written alone gives way to
the full name it is a word of: 岡本 大輔 over 岡本), ``source_priority`` (files in the order
listed in the rules, glob patterns), ``longest``, ``concatenate`` (every distinct value, most
recent first, one per line: notes) and ``work_email`` (most_recent among the addresses of a
company's own domain, before those of a free mail domain: a person merged from a business card
and an event list keeps tanaka@sakura.co.jp over tanaka.i@gmail.com), ``earliest`` (the value
of the least recent row that has one, most_recent's order turned round: a lead source is the
first touch) and ``highest`` (the largest number: a lead score).

Every tie is broken by content (a digest of the row's values), never by where a row stands: a
re-sorted tracker keeps the same surviving values. Only rows equal in every value are left in
sheet order, and those are interchangeable.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..columnar import as_texts, empty_cells
from .compare import JAPANESE
from .ids import content_digests, factorize_sorted
from .settings import EntitySettings


def empty_mask(values: pd.Series) -> np.ndarray:
    """True where a cell holds nothing: None, NaN or '' (the normaliser has trimmed text)."""
    if isinstance(values.dtype, pd.StringDtype):  # Arrow's own tests, no Python text per cell
        blank = (values == "").to_numpy(dtype=bool, na_value=False)
        return values.isna().to_numpy(dtype=bool) | blank
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        return empty_cells(values.to_numpy(dtype=object))
    return values.isna().to_numpy(dtype=bool, copy=True)


def empty_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`empty_mask` of every column at once (a wide frame in one pass)."""
    return frame.isna() | frame.astype(object).eq("")


def recency_rank(
    rows: pd.DataFrame,
    content: np.ndarray | None = None,
    stage_order: Mapping[str, int] | None = None,
    effective: pd.Series | None = None,
) -> np.ndarray:
    """0 for the most recent row: latest :func:`effective_date` first ('' counts as oldest),
    then the later quote revision (``_revision``: 版 2 before 版 1), then the later
    ``updated_at`` (rows of one sheet), then the later ``created_at``, then the stage further along the funnel (``stage_order``:
    stage key -> order; a deal listed twice in undated sheets has moved on, not back), then the
    later file/sheet among the inputs (``_source_order``), then the row's content (``content``:
    a digest per row, by default of every field that does not start with ``_``), and only for
    rows equal in all of that the lower row of the sheet. ``effective``: the rows'
    :func:`effective_date` when already known.

    The row's position decides nothing that its content could: re-sorting a tracker leaves
    every rank between different rows as it was.
    """
    upd = effective_date(rows) if effective is None else effective
    order = pd.to_numeric(
        rows.get("_source_order", pd.Series(0, index=rows.index)), errors="coerce"
    ).fillna(-1)
    srow = pd.to_numeric(
        rows.get("_source_row", pd.Series(0, index=rows.index)), errors="coerce"
    ).fillna(-1)
    if content is None:
        content = content_digests(rows, [c for c in rows.columns if not str(c).startswith("_")])
    progress = np.zeros(len(rows))
    if stage_order and "stage" in rows:
        progress = (
            rows["stage"].astype(object).map(dict(stage_order)).fillna(0).to_numpy(dtype=float)
        )
    # the position of a file among the inputs says nothing about how recent it is: it only
    # breaks ties the dates and the stage order leave
    keys = np.lexsort(
        (
            -srow.to_numpy(float),
            factorize_sorted(pd.Series(content, dtype=object))[0],
            -order.to_numpy(float),
            -progress,
            -factorize_sorted(_dates(rows, "created_at"))[0],
            -factorize_sorted(_dates(rows, "updated_at"))[0],
            # a quote's later revision (版 2 after 版 1) is the later row of one sheet
            -_revisions(rows),
            -factorize_sorted(upd.astype(str))[0],
        )
    )
    rank = np.empty(len(rows), dtype=np.int64)
    rank[keys] = np.arange(len(rows))
    return rank


def _dates(rows: pd.DataFrame, name: str) -> pd.Series:
    if name not in rows:
        return pd.Series("", index=rows.index, dtype=object)
    col = rows[name].astype(object)
    return col.where(~empty_mask(rows[name]), "").astype(str)


# the number of the quote revision a row is (0: nothing says; migrate/dedupe/revisions.py): a
# bookkeeping column the merge fills before ranking rows
REVISION_COLUMN = "_revision"


def _revisions(rows: pd.DataFrame) -> np.ndarray:
    if REVISION_COLUMN not in rows:
        return np.zeros(len(rows))
    return pd.to_numeric(rows[REVISION_COLUMN], errors="coerce").fillna(0).to_numpy(dtype=float)


# the date the row's workbook was last saved (its document properties, ISO; '' when unknown):
# a bookkeeping column the pipeline fills from ingest's files (migrate/ingest/props.py)
SAVED_COLUMN = "_source_saved"
# the day the title block above the row's table says its sheet is of (最終更新：2026/1/20; ISO,
# '' when it says none), from ingest (migrate/ingest/layout/stated.py)
STATED_COLUMN = "_sheet_stated"


def effective_date(rows: pd.DataFrame) -> pd.Series:
    """How recent each row is: the day its values were last known true.

    That is the date its sheet's name says it is of (:func:`sheet_dates`) or its own
    ``updated_at``, whichever is later: a CRM report of 2025-09-30 holds each deal as it stood
    that day, however long ago the deal was last edited, so a snapshot taken later is the newer
    one even when the row of an earlier export was edited more recently (its stage was not
    moved on since). The day a workbook was saved alone does not count here: opening an old
    workbook and saving it again changes it. For a row without an ``updated_at``: the latest
    ``updated_at``/``created_at`` anyone typed into its sheet, or the date its sheet is of
    (name or saved day), whichever is later. Rows of one sheet, equal here, are then ordered by
    their own ``updated_at`` (:func:`recency_rank`).

    A tracker without an update column is not older than last year's CRM export: its rows are
    as current as the newest row anyone added to it, and no older than the day it was saved. A
    date in the name says when the data was taken, so it is the sheet's own date: a snapshot
    (``商談レポート_20250930.xlsx``) opened and saved again later holds the data of its name.
    """
    upd = _dates(rows, "updated_at").str.slice(0, 10)
    blank = pd.Series("", index=rows.index, dtype=object)
    # the sheet of each row as a number: no text of file and sheet joined per row to group by
    sheet, _ = _distinct_rows(
        [as_texts(rows.get(c, blank)) for c in ("_source_file", "_source_sheet")]
    )
    named = sheet_dates(rows)
    seen = pd.concat([upd, _dates(rows, "created_at").str.slice(0, 10), named], axis=1).max(axis=1)
    latest = seen.groupby(sheet).transform("max").fillna("")
    # a row with its own update date: that date, or the date its sheet's name says when later
    # (not the saved date alone: opening an old workbook and saving it again changes that)
    own = pd.concat([upd, sheet_dates(rows, named_only=True)], axis=1).max(axis=1).fillna("")
    return own.where(upd != "", latest)


_NAME_DATES = (
    # 20250930, 2025-09-30, 2025_09_30, 2025.9.30, 2025年9月30日
    re.compile(
        r"(?<!\d)(20\d\d)[-_./年]?(0[1-9]|1[0-2]|[1-9](?=\D))[-_./月]?([0-3]?\d)(?:日)?(?!\d)"
    ),
    # 2026年1月, 2026-01, 202601 (a month's sheet: as of its first day; 2025年12月末: its last)
    re.compile(r"(?<!\d)(20\d\d)[-_./年]?(0[1-9]|1[0-2]|[1-9](?=月))(?:月)?(?!\d)(末)?"),
)


@lru_cache(maxsize=4096)
def source_date(file: str, sheet: str = "") -> str:
    """The date a file or sheet name says it was taken (``商談レポート_20250930.xlsx``,
    ``ヨミ表_2026年1月``: the first of that month), ISO, or ''. The sheet's own date wins."""
    return _name_date(file, sheet)[0]


# a sheet of one fiscal year or half (2025年度, 2025年度上期, FY2025, R7上期, 令和7年度): as of the
# period's last day (the fiscal year from April, as a Japanese company's), the day the workbook
# was saved when that is earlier (the current year's sheet). Sheet names only: a file named
# Pipeline_FY2026 is the team's tracker of that year, not a snapshot of its end
_FISCAL_RE = re.compile(
    r"^(?:(?:FY|fy)\s*(20\d\d|\d\d)|(20\d\d)\s*年度|(?:令和|R)\s*(\d{1,2})\s*(?:年度?)?)\s*"
    r"(上期|上半期|下期|下半期|実績|見込|計画|予算)?$"
)


def fiscal_period(sheet: str) -> tuple[str, str]:
    """The first and last day of the fiscal period a sheet name is of (('', '') when it names
    none): 2025年度 2025-04-01..2026-03-31, R7上期 2025-04-01..2025-09-30."""
    import datetime as dt

    m = _FISCAL_RE.match(unicodedata.normalize("NFKC", sheet).strip())
    if not m:
        return "", ""
    fy, year, reiwa, half = m.groups()
    y = int(fy) + (2000 if len(fy) == 2 else 0) if fy else int(year) if year else 2018 + int(reiwa)
    if half in ("上期", "上半期"):
        return dt.date(y, 4, 1).isoformat(), dt.date(y, 9, 30).isoformat()
    if half in ("下期", "下半期"):
        return dt.date(y, 10, 1).isoformat(), dt.date(y + 1, 3, 31).isoformat()
    return dt.date(y, 4, 1).isoformat(), dt.date(y + 1, 3, 31).isoformat()


@lru_cache(maxsize=4096)
def _name_date(file: str, sheet: str = "") -> tuple[str, bool]:
    """:func:`source_date` and whether the name gives only a month (``ヨミ表_2026年1月``)."""
    import datetime as dt
    from pathlib import PurePath

    for text in (sheet, PurePath(file).stem if file else ""):
        for k, pattern in enumerate(_NAME_DATES):
            for m in pattern.finditer(unicodedata.normalize("NFKC", text)):
                y, mo = int(m.group(1)), int(m.group(2))
                day = m.group(3) or "1"
                if day == "末":
                    return (
                        dt.date(y + mo // 12, mo % 12 + 1, 1) - dt.timedelta(days=1)
                    ).isoformat(), False
                try:
                    d = int(day)
                    return dt.date(y, mo, d).isoformat(), k == 1
                except ValueError:
                    continue
    return "", False


_MONTH_ONLY = re.compile(r"^(1[0-2]|0?[1-9])\s*月\s*(?:分|度|実績|見込)?$")
_MONTH_NAMES = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}


@lru_cache(maxsize=4096)
def _month_only(sheet: str) -> int:
    """The month a sheet named by its month alone is of (5月, 6月分, Jun, June), else 0."""
    text = unicodedata.normalize("NFKC", sheet).strip()
    m = _MONTH_ONLY.match(text)
    if m:
        return int(m.group(1))
    return _MONTH_NAMES.get(text.lower().rstrip("."), 0)


def sheet_dates(rows: pd.DataFrame, named_only: bool = False) -> pd.Series:
    """Per row, the date its sheet is of: the day its title block states (最終更新：2026/1/20,
    the team's own word for its rows), else the date its file or sheet name carries, else the
    day its workbook was last saved ('' when none; with ``named_only`` not the saved day). A name
    that gives only a month (``ヨミ表_2026年1月``) is of the saved day when the workbook was
    saved in that month (the January sheet saved on the 20th holds the 20th's figures), else
    of the month's first day."""
    blank = pd.Series("", index=rows.index, dtype=object)
    files = as_texts(rows.get("_source_file", blank))
    sheets = as_texts(rows.get("_source_sheet", blank))
    saved = _dates(rows, SAVED_COLUMN).str.slice(0, 10).to_numpy(dtype=object)
    stated = _dates(rows, STATED_COLUMN).str.slice(0, 10).to_numpy(dtype=object)
    # the rows of a sheet share its file, name, stated and saved day: each distinct four read once
    code, first = _distinct_rows([files, sheets, saved, stated])
    dates = [
        stated[i] or _sheet_date(files[i], sheets[i], saved[i], named_only) for i in first.tolist()
    ]
    return pd.Series(np.asarray(dates, dtype=object)[code], index=rows.index, dtype=object)


def _distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code among the distinct rows of ``columns`` (in order of first appearance)
    and the first position of each distinct row."""
    code = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        c, uniques = pd.factorize(col, use_na_sentinel=False)
        code = pd.factorize(code * max(len(uniques), 1) + c)[0]
    return code, np.unique(code, return_index=True)[1]


def _sheet_date(file: str, sheet: str, saved: str, named_only: bool) -> str:
    """:func:`sheet_dates` of one sheet: its file, its name and the day it was saved."""
    named, month_only = _name_date(file, sheet)
    if not named and saved:
        # a month's sheet without its year (5月, Jun): the last such month up to the day
        # the workbook was saved (the 6月 sheet of a workbook saved in December is June's)
        month = _month_only(sheet)
        if month:
            year = int(saved[:4]) - (month > int(saved[5:7]))
            named, month_only = f"{year:04d}-{month:02d}-01", True
    if not named:
        period_end = fiscal_period(sheet)[1]
        if period_end:  # a fiscal year's sheet: as of its end, or of the saved day before
            return min(period_end, saved) if saved else period_end
        return "" if named_only else saved
    if month_only and saved[:7] == named[:7]:
        return max(saved, named)
    return named


def script_of(value: object) -> str:
    """``ja`` for a value written with kana or kanji, else ``latin``."""
    return "ja" if JAPANESE.search(str(value)) else "latin"


def primary_script(rows: pd.DataFrame, fields: tuple[str, ...], setting: str = "auto") -> str:
    """The script names keep: the setting, or with ``auto`` the one most source files write
    their names in (a tie goes to Japanese)."""
    if setting != "auto":
        return setting
    votes = {"ja": 0, "latin": 0}
    files = rows.get("_source_file", pd.Series("", index=rows.index)).astype(str)
    for f in fields:
        if f not in rows:
            continue
        ok = ~empty_mask(rows[f])
        # each distinct name's script once: a tracker writes its companies on every deal row
        code, distinct = pd.factorize(rows[f].to_numpy(dtype=object)[ok])
        scripts = np.fromiter(map(script_of, distinct), object, len(distinct))
        df = pd.DataFrame({"file": files[ok], "s": scripts[code]})
        for _, g in df.groupby("file"):
            votes[g["s"].mode().sort_values().iloc[0]] += 1
    return "latin" if votes["latin"] > votes["ja"] else "ja"


def alternates(
    rows: pd.DataFrame,
    entity_ids: np.ndarray,
    field: str,
    kept: pd.Series,
    codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.Series:
    """Per entity, the other spellings of ``field`` its rows hold (``; ``-joined, sorted).
    ``codes``: the ids as :func:`id_codes` gives them, when already known."""
    if field not in rows:
        return pd.Series("", index=kept.index, dtype=object)
    code, gs = id_codes(entity_ids) if codes is None else codes
    ok = (code >= 0) & ~empty_mask(rows[field])
    # ids and spellings as their sorted codes: the distinct (id, spelling) pairs in that order
    # by one sort of integers (no frame of texts to compare, deduplicate and sort)
    gcode = code[ok]
    v = as_texts(rows[field])[ok]
    other = v != as_texts(kept.reindex(gs))[gcode]
    vcode, vs = factorize_sorted(v[other])
    pair = np.unique(gcode[other].astype(np.int64) * max(len(vs), 1) + vcode)
    joined = join_groups(
        pair // max(len(vs), 1), np.asarray(vs, dtype=object)[pair % max(len(vs), 1)], "; "
    )
    joined.index = pd.Index(gs[joined.index.to_numpy(dtype=np.int64)], dtype=object)
    joined.name = "v"
    return joined.reindex(kept.index).fillna("").astype(object)


_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=8)
def _kanji_forms(legal_forms: tuple[str, ...]) -> re.Pattern[str] | None:
    """The legal forms written in kanji (株式会社, 一般社団法人 ...), longest first, as one pattern."""
    forms = sorted({f for f in legal_forms if _KANJI.search(f)}, key=lambda f: (-len(f), f))
    return re.compile("|".join(map(re.escape, forms))) if forms else None


@lru_cache(maxsize=16)
def words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of ``words`` (legal forms: 株式会社, GmbH, Ltd.; a partner's words) as one pattern, a
    Latin one as a whole word (Co. is no part of Coffee nor of nextlink.co.jp), a Japanese one
    anywhere; None for no words."""
    forms = sorted({f for f in words if f.strip()}, key=lambda f: (-len(f), f))
    if not forms:
        return None
    return re.compile(
        "|".join(
            rf"(?<![A-Za-z]){re.escape(f)}(?![A-Za-z])" if f[:1].isascii() else re.escape(f)
            for f in forms
        ),
        re.IGNORECASE,
    )


def _without_form(stats: pd.DataFrame, legal_forms: tuple[str, ...]) -> np.ndarray:
    """1 for a spelling without a legal form when another spelling of its entity has one
    (ネクサス beside 株式会社ネクサス, Nordwind Logistik beside Nordwind Logistik GmbH): the
    shorter spelling never wins over the legal name."""
    forms = words_pattern(legal_forms)
    if forms is None or not len(stats):
        return np.zeros(len(stats), dtype=np.int64)
    codes, distinct = pd.factorize(stats["v"].to_numpy(dtype=object))
    has = np.array([bool(forms.search(str(x))) for x in distinct.tolist()], dtype=bool)[codes]
    some = pd.Series(has).groupby(stats["g"].to_numpy()).transform("any").to_numpy(dtype=bool)
    return (some & ~has).astype(np.int64)


def _kana_only(value: str, legal_forms: tuple[str, ...] = ()) -> int:
    """0 for a name with kanji in it (its legal form aside), else 1.

    A CRM that keeps bank-style readings (ｶ)ｻﾝｷｮｳｾｲｺｳ, normalised to 株式会社サンキョウセイコウ)
    repeats them on every row; the kanji name 株式会社三協精工 is the official one. Between
    Latin and kana names (Globex Japan K.K. / グローベックスジャパン株式会社) frequency decides.
    """
    forms = _kanji_forms(legal_forms)
    return 0 if _KANJI.search(forms.sub("", value) if forms else value) else 1


def join_groups(groups: np.ndarray, values: np.ndarray, sep: str) -> pd.Series:
    """Values joined per group, in the given order (groups need not be sorted). Integer
    groups (the ids' sorted codes, :func:`id_codes`) are their own codes."""
    if isinstance(groups, np.ndarray) and groups.dtype.kind in "iu":
        codes, g = groups, groups
    else:
        # sorted codes of the groups: a sort of the distinct ids, then of integers (an argsort
        # of the ids themselves compares Python strings row by row)
        g = np.asarray(groups, dtype=object)
        codes, _ = factorize_sorted(g)
    order = np.argsort(codes, kind="stable")
    g = g[order]
    v = np.asarray(values, dtype=object)[order].tolist()
    if not len(g):
        return pd.Series(dtype=object)
    c = codes[order]
    starts = np.r_[0, np.flatnonzero(c[1:] != c[:-1]) + 1]
    ends = np.r_[starts[1:], len(g)]
    joined = [sep.join(v[a:b]) for a, b in zip(starts.tolist(), ends.tolist())]
    index = pd.Index(g[starts]) if g.dtype.kind in "iu" else pd.Index(g[starts], dtype=object)
    return pd.Series(joined, index=index, dtype=object)


def id_codes(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's entity id as its sorted code (-1 where the row has none, '') and the
    distinct ids in that order: the codes order rows as the ids themselves do, so the steps
    that group or order rows by entity do it on integers, the texts factorised once."""
    ids = np.asarray(ids, dtype=object)
    code = np.full(len(ids), -1, dtype=np.int64)
    has = ids != ""
    c, names = factorize_sorted(ids[has])
    code[has] = c
    return code, np.asarray(names, dtype=object)


def _first_filled(
    columns: list[np.ndarray], order: np.ndarray, groups: np.ndarray, rows_of: Collection[int] = ()
) -> tuple[list[np.ndarray], dict[int, np.ndarray], np.ndarray]:
    """Per column, each group's first value that is not empty ('' when none); for the columns
    ``rows_of`` names, the row (a position in ``order``) each came from (``len(order)`` when
    none); and the first row of each group. ``order`` lists the rows with the rows of a group
    adjacent, in order of preference; ``groups`` is the group of each of them (in that order).

    A column at a time, on the column as it stands: each cell is tested once and only the
    kept cells are taken, no matrix of every cell in the preferred order (each one a
    reference to count, twice, among objects spread over the heap). A column each, not a
    (groups x columns) matrix: the frame made of them copies them anyway, and for the deals
    of a million rows such a matrix is 0.4 GB of references and 0.4 GB of row numbers.
    """
    n = len(order)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if n else order[:0]
    kept = [np.full(len(starts), "", dtype=object) for _ in columns]
    rows = {j: np.full(len(starts), n, dtype=np.int64) for j in rows_of}
    if n == 0:
        return kept, rows, starts.astype(np.int64)
    at = np.arange(n)
    for j, values in enumerate(columns):
        empty = empty_cells(values)
        first = np.minimum.reduceat(np.where(empty[order], n, at), starts)
        found = first < n
        kept[j][found] = values[order[first[found]]]
        if j in rows:
            rows[j] = first
    return kept, rows, starts


# fields that name a person: two values are two people only when written in one script and
# neither is the other shortened (a rep in full in one tracker, by surname in another, or in
# romaji by the West team: no evidence of another person)
PERSON_FIELDS = frozenset({"owner"})


def _other_person(values: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Per pair, True when ``values[i]`` and ``kept[i]`` name two people (see PERSON_FIELDS)."""
    from ..normalize.people import person_key

    keys: dict[str, tuple[str, bool]] = {}

    def key(text: str) -> tuple[str, bool]:
        got = keys.get(text)
        if got is None:
            got = keys[text] = (person_key(text), bool(JAPANESE.search(text)))
        return got

    out = np.zeros(len(values), dtype=bool)
    for i, (a, b) in enumerate(zip(values.tolist(), kept.tolist())):
        (ka, ja_a), (kb, ja_b) = key(a), key(b)
        out[i] = bool(ka and kb) and ja_a == ja_b and ka not in kb and kb not in ka
    return out


@dataclass
class Survived:
    entities: pd.DataFrame  # one row per entity id (sorted), the kept values
    survivor: pd.Series  # entity id -> position of the surviving (most recent) row
    conflicts: pd.DataFrame  # position, field, value, kept, kept_position


def _first(sorted_groups: pd.Series, values: pd.Series) -> pd.Series:
    vals = values.where(~empty_mask(values), None)
    return vals.groupby(sorted_groups.to_numpy(), sort=False).first()


def _part_of_another(stats: pd.DataFrame) -> np.ndarray:
    """True for a one-word spelling that is a word of another spelling of its entity (岡本 of
    岡本 大輔, Ishii of Takumi Ishii): the shorter form of a name (``stats``: columns g, v)."""
    out = np.zeros(len(stats), dtype=bool)
    several = stats["g"].duplicated(keep=False).to_numpy()
    if not several.any():
        return out
    sub = stats[several]
    group = sub["g"].astype(str).to_numpy(dtype=object) + "\x1f"
    words = sub["v"].str.split()
    count = words.str.len().to_numpy()
    multi = words[count > 1]
    # (entity, word) of every word of a spelling of several words, then the one-word spellings
    longer = np.repeat(group[count > 1], count[count > 1]) + multi.explode().to_numpy()
    one = count == 1
    single = pd.Index(group[one] + words[one].str[0].to_numpy(), dtype=object)
    out[np.flatnonzero(several)[one]] = single.isin(longer)
    return out


def _spelling_stats(g: np.ndarray, v: np.ndarray, raw: np.ndarray, r: np.ndarray) -> pd.DataFrame:
    """Per (entity, spelling), in order of first appearance: how many rows hold it (``n``),
    its best rank (``r``) and its first raw value (``raw``): columns g, v, n, r, raw."""
    gc = pd.factorize(g)[0].astype(np.int64)
    vc, vu = pd.factorize(v)
    code, _ = pd.factorize(gc * max(len(vu), 1) + vc)
    k = int(code.max()) + 1 if len(code) else 0
    first = np.full(k, len(code), dtype=np.int64)
    first[code[::-1]] = np.arange(len(code))[::-1]
    best = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, code, np.asarray(r, dtype=np.int64))
    # the texts stay Python objects: they are read back as such (no Arrow copy made and undone)
    return pd.DataFrame(
        {
            "g": g[first],
            "v": pd.Series(v[first], dtype=object),
            "n": np.bincount(code, minlength=k).astype(np.int64),
            "r": best,
            "raw": pd.Series(raw[first], dtype=object),
        }
    )


def _most_frequent(
    strategy: str,
    g: np.ndarray,
    v: np.ndarray,
    raw: np.ndarray,
    r: np.ndarray,
    legal_forms: tuple[str, ...],
    name_script: str,
    master: np.ndarray | None = None,
    former: frozenset[str] = frozenset(),
) -> pd.Series:
    """Per entity, the raw value of the spelling a name strategy keeps (``most_frequent``,
    ``display_name``, ``primary_name``, ``person_name``): the best tier (a customer master's
    spelling, the primary script first, kanji before a kana reading, one with a legal form
    before one without, a full name before a surname alone), then the most rows, then the
    most recent row. Each distinct spelling is judged once. ``master``: per row, whether it is
    a customer master's (its spelling is the official name, u27); ``former``: the former names
    rows give (旧社名), compacted: such a spelling comes last (the current name is exported)."""
    stats = _spelling_stats(g, v, raw, r)
    sv = stats["v"].to_numpy(dtype=object)
    tier = np.zeros(len(stats), dtype=np.int64)
    if strategy in ("primary_name", "display_name") and len(stats):
        if master is not None and master.any():
            # a spelling some master row holds: tier 0, the others after every other tier
            official = set(zip(np.asarray(g)[master].tolist(), np.asarray(v)[master].tolist()))
            held = np.fromiter(
                (pair in official for pair in zip(stats["g"].tolist(), sv.tolist())),
                bool,
                len(stats),
            )
            tier += 16 * (~held).astype(np.int64)
        # after the script and kanji tiers below: 栄光産業 beats エイコウサンギョウ有限会社 (a kana
        # reading with its form), 株式会社ネクサス beats ネクサス
        tier += _without_form(stats, legal_forms)
        if former:
            old = np.array([_compact(x) in former for x in sv.tolist()], dtype=np.int64)
            tier += 32 * old
    if strategy != "most_frequent" and len(stats):
        codes, distinct = pd.factorize(sv)
        names = distinct.tolist()
        tier += 2 * np.array([_kana_only(x, legal_forms) for x in names], dtype=np.int64)[codes]
        if strategy in ("primary_name", "person_name"):  # the primary script first
            other = np.array([script_of(x) != name_script for x in names], dtype=np.int64)
            tier += 4 * other[codes]
    part = (
        _part_of_another(stats).astype(np.int64)
        if strategy == "person_name"
        else np.zeros(len(stats), dtype=np.int64)
    )
    gcode = stats["g"].to_numpy()
    order = np.lexsort((stats["r"].to_numpy(), -stats["n"].to_numpy(), part, tier, gcode))
    head = order[np.r_[True, gcode[order][1:] != gcode[order][:-1]]] if len(order) else order
    return pd.Series(
        stats["raw"].to_numpy()[head], index=pd.Index(gcode[head], name="g"), name="raw"
    )


#: a customer master's row: a code or 法人番号 of the company and nothing of a deal
MASTER_IDS = ("company_code", "corporate_number")
DEAL_FIELDS = ("deal_name", "amount", "stage", "close_date")


def _compact(value: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).casefold()


def _former_names(rows: pd.DataFrame) -> frozenset[str]:
    """The former names (rules/columns.yaml former_name) the rows give, compacted."""
    if "former_name" not in rows:
        return frozenset()
    cells = rows["former_name"].to_numpy(dtype=object)[~empty_mask(rows["former_name"])]
    return frozenset(_compact(x) for x in pd.unique(cells))


def _master_rows(rows: pd.DataFrame) -> np.ndarray:
    """Per row, whether it is a customer master's (a code or 法人番号, no deal on it)."""
    ids = np.zeros(len(rows), dtype=bool)
    for f in MASTER_IDS:
        if f in rows:
            ids |= ~empty_mask(rows[f])
    for f in DEAL_FIELDS:
        if f in rows:
            ids &= empty_mask(rows[f])
    return ids


def _free_mail(values: pd.Series, domains: frozenset[str]) -> np.ndarray:
    """1 where the cell is an address (or a bare domain) of a free mail domain, per distinct
    value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    flags = np.array(
        [str(u).rsplit("@", 1)[-1].strip().lower() in domains for u in uniques], dtype=np.int8
    )
    out = np.zeros(len(values), dtype=np.int8)
    ok = codes >= 0
    out[ok] = flags[codes[ok]]
    return out


def survive(
    rows: pd.DataFrame,
    entity_ids: pd.Series,
    fields: list[str],
    rules: EntitySettings,
    rank: np.ndarray,
    legal_forms: tuple[str, ...] | None = None,
    name_script: str = "ja",
    codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> Survived:
    """Apply the survivorship rules of one entity to its rows.

    ``legal_forms`` (every spelling; those of the active rules when None) are set aside when a
    display name is judged kanji or kana; ``name_script`` (ja | latin) is the script a
    ``primary_name`` keeps when the entity has a spelling in it. ``codes``: the ids as
    :func:`id_codes` gives them, when already known.

    Inside, an entity is its id's sorted code (groups, sorts and lookups on integers, in the
    order of the ids); the ids themselves label the result only."""
    if legal_forms is None:
        from .settings import load_settings

        legal_forms = load_settings().legal_forms
    code_all, names = codes if codes is not None else id_codes(entity_ids.to_numpy(dtype=object))
    pos = np.flatnonzero(code_all >= 0)
    icode = code_all[pos]
    present = list(dict.fromkeys(f for f in fields if f in rows.columns))
    # the rows of an entity, of the columns read below only: a take of every column copies a
    # sheet's other columns too (at a million rows, GBs of references)
    read = {*present, "_source_file"}
    if "company_name" in present:  # whether a row is a customer master's reads its deal fields
        read |= {*MASTER_IDS, *DEAL_FIELDS}
    sub = rows.iloc[pos, [j for j, c in enumerate(rows.columns) if c in read]]
    r = rank[pos]
    base_order = np.lexsort((r, icode))
    groups_sorted = icode[base_order]
    heads = (
        np.flatnonzero(np.r_[True, groups_sorted[1:] != groups_sorted[:-1]]) if len(pos) else pos
    )
    survivor = pd.Series(pos[base_order[heads]], index=pd.Index(groups_sorted[heads]))

    # orders shared by several fields, computed once
    strategy_of = {f: rules.strategy(f) for f in present}
    strategies = set(strategy_of.values())
    orders: dict[str, np.ndarray] = {"most_recent": base_order}
    if "earliest" in strategies:  # the first touch: the least recent row first
        orders["earliest"] = np.lexsort((-r, icode))
    if "most_complete" in strategies:
        completeness = (~empty_frame(sub[present])).sum(axis=1).to_numpy()
        orders["most_complete"] = np.lexsort((r, -completeness, icode))
    if "source_priority" in strategies:
        files = (
            sub["_source_file"].astype(str).to_numpy()
            if "_source_file" in sub
            else np.array([""] * len(sub))
        )
        prio = np.full(len(sub), len(rules.source_priority))
        for i, pattern in reversed(list(enumerate(rules.source_priority))):
            prio[np.fromiter((fnmatch.fnmatch(x, pattern) for x in files), bool, len(files))] = i
        orders["source_priority"] = np.lexsort((r, prio, icode))

    if "work_email" in strategies:
        work = [f for f in present if strategy_of[f] == "work_email"]
        free = np.zeros(len(sub), dtype=np.int8)
        for f in work:  # a row is free mail when an address (or a domain) of it is
            free |= _free_mail(sub[f], rules.free_mail_domains)
        orders["work_email"] = np.lexsort((r, free, icode))
    leaders = {g[0] for g in rules.together}
    kept_row: dict[str, pd.Series] = {}  # leader field -> entity id -> local row it came from
    parts: list[pd.DataFrame] = []
    dtypes = sub.dtypes
    is_text = {f: dtypes[f] == np.dtype(object) for f in present}
    # text fields kept by an order: all of them in one pass over the cells per order, so a
    # sheet's thousands of unmapped columns cost what their cells cost
    for strategy, o in orders.items():
        fs = [f for f in present if strategy_of[f] == strategy and is_text[f]]
        if fs:
            # column by column: a list of columns is a slow take
            cells = [sub[f].to_numpy(dtype=object) for f in fs]
            led = {fs.index(f): f for f in leaders.intersection(fs)}
            kept_cells, first, starts = _first_filled(cells, o, icode[o], led)
            del cells
            groups = pd.Index(icode[o][starts])
            parts.append(pd.DataFrame(dict(zip(fs, kept_cells)), index=groups, dtype=object))
            del kept_cells
            for j, f in led.items():
                ok = first[j] < len(o)
                kept_row[f] = pd.Series(o[first[j][ok]], index=groups[ok])
    for f in present:
        strategy = strategy_of[f]
        if strategy in orders and is_text[f]:
            continue  # done above
        col = sub[f].reset_index(drop=True)
        if strategy in orders:
            o = orders[strategy]
            kept = _first(pd.Series(icode[o]), col.iloc[o].reset_index(drop=True))
            if f in leaders:
                filled = ~empty_mask(col.iloc[o])
                kept_row[f] = pd.Series(o[filled]).groupby(icode[o][filled], sort=False).first()
        elif strategy == "highest":  # the largest number, the most recent row among equals
            num = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            o = np.lexsort((r, -np.nan_to_num(num, nan=-np.inf), icode))
            kept = _first(pd.Series(icode[o]), col.iloc[o].reset_index(drop=True))
        elif strategy == "longest":
            lens = col.map(lambda v: len(str(v)) if v is not None and v == v else 0).to_numpy()
            o = np.lexsort((r, -lens, icode))
            kept = _first(pd.Series(icode[o]), col.iloc[o].reset_index(drop=True))
        elif strategy in ("most_frequent", "display_name", "primary_name", "person_name"):
            ok = ~empty_mask(col)
            kept = _most_frequent(
                strategy,
                icode[ok],
                as_texts(col[ok]),
                col[ok].to_numpy(),
                r[ok],
                legal_forms,
                name_script,
                _master_rows(sub)[ok] if f == "company_name" else None,
                _former_names(sub) if f == "company_name" else frozenset(),
            )
        else:  # concatenate
            ok = ~empty_mask(col)
            df = pd.DataFrame(
                {
                    "g": icode[ok],
                    "v": pd.Series(as_texts(col[ok]), dtype=object),
                    "r": r[ok],
                }
            )
            df = df.sort_values(["g", "r"]).drop_duplicates(["g", "v"])
            kept = join_groups(df["g"].to_numpy(), df["v"].to_numpy(dtype=object), "\n")
        if not pd.api.types.is_numeric_dtype(dtypes[f]) or pd.api.types.is_bool_dtype(dtypes[f]):
            kept = kept.astype(object).where(kept.notna(), "")  # text: '' where nothing survived
        parts.append(kept.rename(f).to_frame())
    wanted = list(dict.fromkeys(fields))
    kept_of: dict[str, pd.Series] = {}
    for p in parts:  # on the survivors' own index object: the frame below aligns nothing
        p = (
            p.set_axis(survivor.index)
            if p.index.equals(survivor.index)
            else p.reindex(survivor.index)
        )
        kept_of.update((c, p[c]) for c in p.columns)
    out = pd.DataFrame(
        {
            f: kept_of[f] if f in kept_of else pd.Series("", index=survivor.index, dtype=object)
            for f in wanted
        },
        index=survivor.index,
    )
    del parts, kept_of  # their cells are the frame's now
    for leader, *followers in rules.together:
        rows_of = kept_row.get(leader)
        if rows_of is None or rows_of.empty:
            continue
        for f in followers:
            if f in sub.columns and f in out.columns:
                values = sub[f].reset_index(drop=True).iloc[rows_of.to_numpy()].to_numpy()
                out.loc[rows_of.index, f] = values
    out = out.sort_index()

    conflict_parts = []
    for f in rules.conflicts:
        if f not in sub.columns or f not in out.columns:
            continue
        col = sub[f].reset_index(drop=True)
        ok = ~empty_mask(col)
        df = pd.DataFrame(
            {
                "g": icode[ok],
                "v": as_texts(col[ok]),
                "raw": col[ok].to_numpy(),
                "pos": pos[ok],
            }
        )
        multi = df.groupby("g")["v"].transform("nunique") > 1
        df = df[multi]
        if df.empty:
            continue
        kept_val = as_texts(out[f].reindex(df["g"]))
        differs = df["v"].to_numpy() != kept_val
        if f in PERSON_FIELDS:
            differs &= _other_person(df["v"].to_numpy(dtype=object), kept_val)
        # the row the kept value came from (the most recent row holding it), which is not the
        # entity's surviving row when that row leaves the field empty
        holds = df.assign(r=r[ok][multi.to_numpy()])[~differs].sort_values(["g", "r"])
        source = holds.drop_duplicates("g").set_index("g")["pos"]
        df = df[differs]
        at = source.reindex(df["g"]).to_numpy(dtype=float)
        fallback = survivor.reindex(df["g"]).to_numpy(dtype=float)
        kept_at = np.where(np.isnan(at), fallback, at).astype(np.int64)
        conflict_parts.append(
            pd.DataFrame(
                {
                    "position": df["pos"].to_numpy(),
                    "entity": names[df["g"].to_numpy()],
                    "field": f,
                    "value": df["raw"].to_numpy(),
                    "kept": out[f].reindex(df["g"]).to_numpy(),
                    "kept_position": kept_at,
                }
            )
        )
    conflicts = (
        pd.concat(conflict_parts, ignore_index=True)
        if conflict_parts
        else pd.DataFrame(columns=["position", "entity", "field", "value", "kept", "kept_position"])
    )
    # the entities by their ids (sorted: the codes are in the ids' order)
    index = pd.Index(names[out.index.to_numpy()])
    return Survived(out.set_axis(index), survivor.set_axis(index), conflicts)


def closed_first(rows: pd.DataFrame, rank: np.ndarray, status_of: Mapping[str, str]) -> np.ndarray:
    """``rank`` with every row at a closed stage (won, lost) before every open one.

    A team that marked a deal won (受注, ¥12M) knows something an older or copied snapshot at
    Negotiation does not: the closed row's stage, amount and close date survive, whatever the
    dates say (a reopened deal is a new deal). :func:`stage_guard` reports where this overrode
    recency.
    """
    closed = closed_rows(rows, status_of)
    keys = np.lexsort((rank, ~closed))
    out = np.empty(len(rank), dtype=np.int64)
    out[keys] = np.arange(len(rank))
    return out


def funnel_behind(
    rows: pd.DataFrame,
    rank: np.ndarray,
    entity_ids: np.ndarray,
    level_of: Mapping[str, str],
    status_of: Mapping[str, str],
    codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """``rank`` with, inside each deal that has a row at an open deal stage (opportunity and
    later, rules/stages.yaml ``level: deal``), every row at a lead-funnel stage (``level:
    person``: lead, MQL, SQL) that no date of its own says is newer after the others.

    An inside-sales handoff sheet's row (SQL, its 初回商談日 read as the created date) beside the
    same deal in a tracker at 提案 without update dates is the deal as it stood when it was
    handed over, not a later snapshot: the tracker's stage, amount and close date survive. A
    funnel row's own ``updated_at`` or its sheet name's date still makes it the newer one (a
    deal really sent back is then reported, :func:`stage_guard`).
    """
    if "stage" not in rows or not len(rows):
        return rank
    stage = rows["stage"].astype(object)
    level = stage.map(dict(level_of)).fillna("").to_numpy(dtype=object)
    open_ = (stage.map(dict(status_of)).fillna("") == "open").to_numpy(dtype=bool)
    funnel = open_ & (level == "person")
    if not funnel.any():
        return rank
    pipeline = open_ & (level == "deal")
    dated = (_dates(rows, "updated_at") != "").to_numpy(dtype=bool) | (
        sheet_dates(rows, named_only=True) != ""
    ).to_numpy(dtype=bool)
    code, _ = id_codes(entity_ids) if codes is None else codes
    has_pipeline = np.zeros(int(code.max()) + 2 if len(code) else 1, dtype=bool)
    has_pipeline[code[pipeline & (code >= 0)]] = True
    behind = funnel & ~dated & (code >= 0) & has_pipeline[np.where(code >= 0, code, -1)]
    if not behind.any():
        return rank
    keys = np.lexsort((rank, behind))
    out = np.empty(len(rank), dtype=np.int64)
    out[keys] = np.arange(len(rank))
    return out


def closed_rows(rows: pd.DataFrame, status_of: Mapping[str, str]) -> np.ndarray:
    """Per row, True at a closed stage (won or lost)."""
    if "stage" not in rows:
        return np.zeros(len(rows), dtype=bool)
    status = rows["stage"].astype(object).map(dict(status_of)).fillna("")
    return status.isin(["won", "lost"]).to_numpy(dtype=bool)


GUARDED = ("stage", "amount", "close_date")


def _heads(values: np.ndarray, groups: np.ndarray) -> pd.Series:
    """The first value of each run of equal groups (groups sorted), indexed by group."""
    heads = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    return pd.Series(values[heads], index=pd.Index(groups[heads]))


def stage_guard(
    rows: pd.DataFrame,
    entity_ids: np.ndarray,
    rank: np.ndarray,
    kept_rank: np.ndarray,
    status_of: Mapping[str, str],
    stage_order: Mapping[str, int],
    effective: pd.Series | None = None,
    codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Where survivorship of merged deals needs a person's eye: one row per finding with
    ``rule``, ``position`` (the row whose value was not kept), ``entity``, ``field``,
    ``value``, ``kept`` and ``kept_position``.

    - ``dedupe.closed-stage-kept``: the most recent row is open, an older one closed; the
      closed stage was kept (:func:`closed_first`).
    - ``dedupe.stage-went-back``: the stage kept (open) is earlier in the funnel than the open
      stage another row of the deal holds (a later snapshot at Qualification beside 提案): the
      deal is said to have gone back, with both stages.
    - ``dedupe.unordered-conflict``: two rows disagree on stage, amount or close date and no
      evidence orders them (same :func:`effective_date`, same ``created_at``, same quote
      revision, same stage order): the kept value is the later input's, which is no evidence at all.

    ``effective``: the rows' :func:`effective_date` when already known; ``codes``: the ids as
    :func:`id_codes` gives them, when already known.
    """
    columns = ["rule", "position", "entity", "field", "value", "kept", "kept_position"]
    # the ids' sorted codes order rows as the ids themselves do, without a text per row
    code, names = id_codes(entity_ids) if codes is None else codes
    has = np.flatnonzero(code >= 0)
    if not len(has):
        return pd.DataFrame(columns=columns)
    g = names[code[has]]

    def first_by(r: np.ndarray) -> pd.Series:  # per id code, its first row by r
        o = np.lexsort((r[has], code[has]))
        return _heads(has[o], code[has][o])

    first_recent, first_kept = first_by(rank), first_by(kept_rank)
    stage = rows["stage"].astype(object).to_numpy() if "stage" in rows else np.full(len(rows), "")
    out: list[dict[str, object]] = []
    moved = first_recent[first_recent != first_kept.reindex(first_recent.index)]
    closed = closed_rows(rows, status_of)
    for c, p in moved.items():
        k, entity = int(first_kept.loc[c]), names[c]
        if not closed[k] or closed[p]:
            continue  # a lead-funnel row put behind (funnel_behind), not a closed stage kept
        out.append(
            {"rule": "dedupe.closed-stage-kept", "position": int(p), "entity": entity,
             "field": "stage", "value": stage[p], "kept": stage[k], "kept_position": k}
        )  # fmt: skip
    upd = (effective_date(rows) if effective is None else effective).to_numpy(dtype=object)
    own = _dates(rows, "updated_at").to_numpy(dtype=object)
    created = _dates(rows, "created_at").to_numpy(dtype=object)
    revision = _revisions(rows)
    progress = (
        rows["stage"].astype(object).map(dict(stage_order)).fillna(0).to_numpy(dtype=float)
        if "stage" in rows
        else np.zeros(len(rows))
    )
    if "stage" in rows:
        out += _went_back(rows, code, has, kept_rank, status_of, progress, names)
    for f in GUARDED:
        if f not in rows:
            continue
        col = rows[f]
        empty = empty_mask(col)
        # the row each deal's value of this field came from: its most recent row that has one
        # (the surviving row may leave the field empty, a lead row without an amount)
        filled = has[~empty[has]]
        if not len(filled):
            continue
        o = filled[np.lexsort((kept_rank[filled], code[filled]))]
        # per id code, its first row (-1: no row with a value), looked up by each row's code
        oc = code[o]
        heads = np.flatnonzero(np.r_[True, oc[1:] != oc[:-1]])
        source = np.full(max(len(g), len(names)), -1, dtype=np.int64)
        source[oc[heads]] = o[heads]
        kept_of = source[code[has]]
        ok = kept_of >= 0
        src = np.where(ok, kept_of, 0)
        tied = ok & (upd[has] == upd[src]) & (own[has] == own[src])
        tied &= (created[has] == created[src]) & (revision[has] == revision[src])
        tied &= (progress[has] == progress[src]) & (has != src)
        vals = col.astype(object).to_numpy()
        # only the tied rows' values are compared, as texts (a float column's texts: 0.05 s
        # per 100k rows)
        differ = tied & ~empty[has]
        differ[differ] = as_texts(col.iloc[has[differ]]) != as_texts(col.iloc[src[differ]])
        for p, k, entity in zip(has[differ], src[differ], g[differ]):
            out.append(
                {"rule": "dedupe.unordered-conflict", "position": int(p), "entity": entity,
                 "field": f, "value": vals[p], "kept": vals[k], "kept_position": int(k)}
            )  # fmt: skip
    return pd.DataFrame(out, columns=columns)


def _went_back(
    rows: pd.DataFrame,
    code: np.ndarray,
    has: np.ndarray,
    kept_rank: np.ndarray,
    status_of: Mapping[str, str],
    progress: np.ndarray,
    names: np.ndarray,
) -> list[dict[str, object]]:
    """``dedupe.stage-went-back`` of :func:`stage_guard`: per row at an open stage further
    along than the open stage its deal kept, one finding with both stages."""
    stage = rows["stage"].astype(object)
    open_ = (stage.map(dict(status_of)).fillna("") == "open").to_numpy(dtype=bool)
    filled = has[~empty_mask(rows["stage"])[has]]
    if not len(filled):
        return []
    o = filled[np.lexsort((kept_rank[filled], code[filled]))]
    oc = code[o]
    heads = np.flatnonzero(np.r_[True, oc[1:] != oc[:-1]])
    source = np.full(len(names), -1, dtype=np.int64)
    source[oc[heads]] = o[heads]
    kept_at = source[code[has]]
    ok = kept_at >= 0
    src = np.where(ok, kept_at, 0)
    back = ok & open_[has] & open_[src] & (progress[has] > progress[src])
    values = stage.to_numpy()
    return [
        {"rule": "dedupe.stage-went-back", "position": int(p), "entity": names[code[p]],
         "field": "stage", "value": values[p], "kept": values[k], "kept_position": int(k)}
        for p, k in zip(has[back].tolist(), src[back].tolist())
    ]  # fmt: skip
