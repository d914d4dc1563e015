"""Entity records: the rows of the trackers regrouped as companies, contacts and deals.

In: the normalized records frame (one row per source row) plus what is known so far (the
company id of each row before contacts are built, and so on). Out: for each entity a frame the
engine matches, one row per *record*, and the record each source row belongs to.

- A company record gathers every row with the same company match key: its name key, and as
  tuples every domain (website, company e-mail; free-mail domains left out), phone, e-mail,
  address, postal code and katakana reading seen with it. Rows with the same match key are the
  same company (the normaliser removed legal forms: 株式会社山田電気 = (株)山田電気 = 山田電気);
  different keys merge only on evidence. An existing SFA account is a record of its own.
- A contact record is one e-mail (or, without one, one name) inside one company cluster.
- A deal record is one row (rows pasted twice count once).
Every record has a content key (``company:<key>``, ``contact:<e-mail>``, ``deal:<key>|id:<id>``)
that ids and review decisions are tied to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import infer_dtype

from . import keys as K
from . import revisions as R
from .engine import Linkage
from .ids import factorize_sorted, unique_keys
from .persons import PERSON_LINKS, person_links
from .reading_links import reading_links
from .settings import DedupeSettings, EntitySettings, ExistingSource
from .survivorship import closed_rows, empty_mask, fiscal_period


def text_column(records: pd.DataFrame, name: str) -> pd.Series:
    """A column as clean text ('' for missing cells or a missing column)."""
    if name not in records.columns:
        return pd.Series("", index=records.index, dtype=object)
    col = records[name]
    values = col.to_numpy(dtype=object, copy=True)
    values[empty_mask(col)] = ""
    out = pd.Series(values, index=records.index, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) != "string":
        out = out.map(lambda v: v if isinstance(v, str) else K.id_value(v))
    return out


def present(records: pd.DataFrame, fields: tuple[str, ...]) -> np.ndarray:
    """Rows where at least one of ``fields`` holds a value."""
    mask = np.zeros(len(records), dtype=bool)
    for f in fields:
        if f in records.columns:
            mask |= ~empty_mask(records[f])
    return mask


@dataclass
class EntityRecords:
    """Records of one entity for the engine, and the record of every source row (-1: none)."""

    frame: pd.DataFrame  # one row per record; ``_key`` is the content key
    record_of_row: np.ndarray


def _gather(record_of_row: np.ndarray, values: pd.Series, n_records: int) -> pd.Series:
    """Per record, the tuple of distinct non-empty values of its rows (sorted, so the tuple
    does not depend on the order of the rows)."""
    vals = values.to_numpy(dtype=object)
    ok = (record_of_row >= 0) & ~empty_mask(values)
    rec, v = record_of_row[ok].astype(np.int64), vals[ok]
    code, distinct = pd.factorize(v)
    texts = np.asarray(distinct, dtype=object)
    by_text = _text_order(texts)
    if by_text is not None:
        # each value is its distinct text: the (record, text) pairs as one number each, in
        # order by one sort of integers (no array of texts made and compared per row)
        rank = np.empty(len(texts), dtype=np.int64)
        rank[by_text] = np.arange(len(texts))
        size = max(len(texts), 1)
        pair = np.sort(rec * size + rank[code])
        pair = pair[np.r_[True, pair[1:] != pair[:-1]]] if len(pair) else pair
        rec, v = pair // size, texts[by_text][pair % size].tolist()
    else:
        pair = rec * max(len(distinct), 1) + code
        first = np.sort(np.unique(pair, return_index=True)[1])  # each (record, value) once
        rec, v = rec[first], v[first]
        text = np.array([str(x) for x in v.tolist()], dtype=str)
        order = np.lexsort((text, rec))
        rec, v = rec[order], v[order].tolist()
    out: list[tuple[object, ...]] = [()] * n_records
    if len(rec):
        starts = np.r_[0, np.flatnonzero(rec[1:] != rec[:-1]) + 1]
        ends = np.r_[starts[1:], len(rec)]
        for r, a, b in zip(rec[starts].tolist(), starts.tolist(), ends.tolist()):
            out[r] = tuple(v[a:b])
    return pd.Series(out, dtype=object)


def _text_order(texts: np.ndarray) -> np.ndarray | None:
    """The order of distinct texts as numpy's text arrays sort them (code points, Arrow's sort
    in C), or None when they are not all text or that order is not Python's: numpy drops a
    text's trailing NUL characters, and Arrow holds no lone surrogate."""
    if not len(texts):
        return np.zeros(0, dtype=np.int64)
    if infer_dtype(texts, skipna=False) != "string" or "\x00" in "".join(texts.tolist()):
        return None
    try:
        order = pc.sort_indices(pa.array(texts, type=pa.large_string())).to_numpy()
    except (pa.ArrowException, UnicodeError):
        return None
    return order.astype(np.int64, copy=False)


def _map_unique(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """Apply a text function once per distinct value."""
    cells = values.to_numpy(dtype=object)
    if pd.isna(cells).any():  # NaN and None as keys: pandas' own lookup
        uniq = pd.unique(cells)
        table = {u: fn(u) for u in uniq}
        return values.map(table).astype(object)
    code, distinct = pd.factorize(cells)
    made = np.fromiter(map(fn, distinct.tolist()), object, len(distinct))
    return pd.Series(made[code], index=values.index, name=values.name, dtype=object)


def _split_same_name(
    key: pd.Series,
    has: np.ndarray,
    domains: pd.DataFrame,
    ids: pd.DataFrame,
    sheet: pd.Series | None = None,
) -> pd.Series:
    """The record each row of a company match key belongs to: the key itself, or ``key@domain``.

    Rows with one key are one company, unless the key gathers rows that share no identifier
    at all and use different company domains (two unrelated 大和興業, Tokyo and Osaka): then each
    group of rows linked by a domain, phone or e-mail becomes a record of its own, named by its
    smallest domain; rows linked to no domain stay on the plain key, one record per source
    sheet. The engine decides whether the parts are one company after all.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    group = key.where(pd.Series(has, index=key.index), "")
    dom = domains[(domains["value"] != "") & has[domains["row"].to_numpy()]]
    per_key = pd.DataFrame(
        {"key": group.to_numpy()[dom["row"].to_numpy()], "domain": dom["value"].to_numpy()}
    )
    many = per_key.drop_duplicates().groupby("key").size()
    split_keys = set(many[many >= 2].index) - {""}
    if not split_keys:
        return group
    rows = np.flatnonzero(group.isin(split_keys).to_numpy())
    links = ids[np.isin(ids["row"].to_numpy(), rows) & (ids["value"] != "")]
    # bipartite graph rows - identifiers (identifiers of one key only)
    ident = (
        group.to_numpy()[links["row"].to_numpy()]
        + "\x1f"
        + links["kind"].to_numpy()
        + ":"
        + links["value"].to_numpy()
    )
    ident_code, _ = pd.factorize(pd.Series(ident, dtype=object))
    n_rows = len(key)
    graph = coo_matrix(
        (np.ones(len(ident_code), dtype=np.int8), (links["row"].to_numpy(), n_rows + ident_code)),
        shape=(n_rows + int(ident_code.max(initial=-1)) + 1,) * 2,
    )
    _, comp = connected_components(graph, directed=False)
    dom_rows = dom[np.isin(dom["row"].to_numpy(), rows)]
    first_domain = (
        pd.Series(dom_rows["value"].to_numpy()).groupby(comp[dom_rows["row"].to_numpy()]).min()
    )
    named = comp[rows]
    suffix = pd.Series(named).map(first_domain)
    out = group.copy()
    has_domain = suffix.notna().to_numpy()
    out.iloc[rows[has_domain]] = (
        group.iloc[rows[has_domain]].to_numpy() + "@" + suffix[has_domain].to_numpy()
    )
    if sheet is not None:
        # a row of a name two companies share, linked to neither: one record per sheet (a team's
        # tracker has one 大和興業), so two such rows of different trackers are not glued
        # together before the engine has weighed them (" #": match keys hold no spaces)
        loose = rows[~has_domain]
        out.iloc[loose] = group.iloc[loose].to_numpy() + " #" + sheet.iloc[loose].to_numpy()
    return out


def company_records(
    records: pd.DataFrame, settings: DedupeSettings, existing: pd.DataFrame | None
) -> EntityRecords:
    """Company records: one per company match key (see :func:`_split_same_name`), plus one per
    existing SFA account."""
    rules = settings.companies
    has = present(records, rules.present_if)
    key = text_column(records, "company_key")
    name = text_column(records, "company_name")
    missing_key = has & (key == "").to_numpy() & (name != "").to_numpy()
    if missing_key.any():  # the normaliser left no key: fall back to a simple one
        key[missing_key] = name[missing_key].map(lambda s: K.company_key(s, settings.legal_forms))
    has &= (key != "").to_numpy()
    email = text_column(records, "email").str.lower()
    email_domain = text_column(records, "email_domain").str.lower()
    if "email_domain" not in records.columns:
        email_domain = email.str.split("@").str[-1].where(email.str.contains("@"), "")
    company_mail = email_domain.where(~email_domain.isin(settings.free_mail_domains), "")
    website = text_column(records, "website_domain").str.lower()
    # the company's own phone (代表電話, an account master's TEL) where a row has one, else its
    # contact's: either is the company's number as dedupe compares it
    own_phone = text_column(records, "company_phone")
    phone = own_phone.where(own_phone != "", text_column(records, "phone"))
    n = len(records)
    pos = np.arange(n)
    # the values stay Python texts (object Series; pandas 3 would copy an array of texts into
    # Arrow): they are compared and taken back as objects
    domains = pd.DataFrame(
        {
            "row": np.r_[pos, pos],
            "value": pd.concat([website, company_mail], ignore_index=True),
        }
    )
    ids = pd.DataFrame(
        {
            "row": np.r_[pos, pos, pos],
            "kind": pd.Series(np.repeat(["domain", "phone", "email"], n), dtype=object),
            "value": pd.concat(
                [website.where(website != "", company_mail), phone, email], ignore_index=True
            ),
        }
    )
    sheet = text_column(records, "_source_file") + "|" + text_column(records, "_source_sheet")
    group = _split_same_name(key, has, domains, ids, sheet)
    corporate = text_column(records, "corporate_number")
    codes_of_row = _company_codes(records)
    # a customer master's row (no deal on it) with a phone and an address of its own: two
    # such rows of one name on one sheet that differ in both are two places (伊達市役所 of 北海道
    # and of 福島県), as two codes are
    master = ~present(records, ("deal_name", "amount", "stage", "close_date"))
    address = text_column(records, "address")
    place = (phone + "|" + address).where(
        master & (phone != "").to_numpy() & (address != "").to_numpy(), ""
    )
    group, own_code = _split_strong_ids(group, corporate, codes_of_row, place, sheet)
    codes, uniques = factorize_sorted(group.where(pd.Series(has, index=group.index), None))
    record_of_row = np.where(has, codes, -1).astype(np.int64)
    n_rec = len(uniques)
    rec_key = (
        pd.Series(np.asarray(uniques, dtype=object))
        .str.split("@")
        .str[0]
        .str.split(" #")
        .str[0]
        .str.split(" =")
        .str[0]
    )
    kana_forms = settings.kana_legal_forms

    def reading(col: pd.Series) -> pd.Series:
        return _map_unique(col, lambda s: K.kana_reading(s, kana_forms))

    readings = pd.concat(
        [reading(text_column(records, "company_name_kana")), reading(name), reading(key)],
        ignore_index=True,
    )
    frame = pd.DataFrame(
        {
            "company_key": rec_key.astype(object),
            "domain": _gather(np.r_[record_of_row, record_of_row], domains["value"], n_rec),
            "phone": _gather(record_of_row, phone, n_rec),
            "email": _gather(record_of_row, email, n_rec),
            "address": _gather(record_of_row, full_address(records), n_rec),
            "postal_code": _gather(
                record_of_row,
                text_column(records, "postal_code").str.replace("-", "", regex=False),
                n_rec,
            ),
            "reading": _gather(np.r_[record_of_row, record_of_row, record_of_row], readings, n_rec),
            "people": _gather(record_of_row, _people(records), n_rec),
            "people_reading": _gather(record_of_row, _people_readings(records), n_rec),
            "deals": _gather(record_of_row, _deal_fingerprints(records), n_rec),
            # the team's own code of the customer (取引先コード): same code, same company
            "code": _gather(record_of_row, codes_of_row, n_rec),
            # the 法人番号 (one number, one legal entity) and the customer code of a record split
            # off its name by it (two codes of one name on one sheet: two customers)
            "corporate_number": _gather(record_of_row, corporate, n_rec),
            "own_code": _gather(record_of_row, own_code, n_rec),
            "existing_id": "",
        }
    )
    # a renamed company: the key of its former name (旧社名, （旧：…） in the name cell), else its
    # own key; compared with the other records' keys (dedupe.yaml former_name)
    former = _gather(
        record_of_row,
        _map_unique(
            text_column(records, "former_name"), lambda s: K.company_key(s, settings.legal_forms)
        ),
        n_rec,
    )
    frame["known_as"] = [
        f[0] if f else k for f, k in zip(former.tolist(), frame["company_key"].tolist())
    ]
    frame["reading_pair"], frame["reading_shared"] = reading_links(
        name, record_of_row, n_rec, settings.readings, settings.legal_forms
    )
    frame["_key"] = "company:" + pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if existing is not None and len(existing):
        frame = pd.concat([frame, existing], ignore_index=True)
    return EntityRecords(frame, record_of_row)


def full_address(records: pd.DataFrame) -> pd.Series:
    """Per row, the whole address as dedupe's "address exact" compares it: the prefecture and
    city of a split address (都道府県, 市区町村) before its street (番地), '' where the row has
    no street. A prefecture or city alone is no address: two companies in 東京都 are not one
    (u27: a 顧客マスタ's 都道府県 column merged 北陸電工 and 北陸電子)."""
    street = text_column(records, "address")
    if not (street != "").any():
        return street
    state = text_column(records, "state")
    city = text_column(records, "city")
    whole = [
        "".join(
            part
            for part in (st if not a.startswith(st) else "", c if c not in a else "", a)
            if part
        )
        if a
        else ""
        for st, c, a in zip(state, city, street)
    ]
    return pd.Series(whole, index=records.index, dtype=object)


def _split_strong_ids(
    group: pd.Series, corporate: pd.Series, codes: pd.Series, place: pd.Series, sheet: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Rows of one record that carry different strong ids become one record per id, named
    ``<record> =<id>``: two 法人番号 under one name (府中市役所 of 東京都 and of 広島県) anywhere in
    the run, else two customer codes under one name on one sheet (a master's C0101 and C0102;
    codes of two sheets may be two numberings of one customer). Rows without the id stay on
    the record (the engine weighs them); a master's rows of one name on one sheet whose
    phones and addresses both differ (``place``: phone|address) split the same way. Also, per
    row, the code or place a record was split by ('' for the others): two records split by
    different codes are never one (dedupe.yaml own_code)."""
    out = group.copy()
    own = pd.Series("", index=group.index, dtype=object)
    named = (group != "").to_numpy()
    for ids, per in ((corporate, None), (codes, sheet), (place, sheet)):
        held = named & (ids != "").to_numpy() & (own == "").to_numpy()
        if not held.any():
            continue
        scope = out if per is None else out + "\x1f" + per
        table = pd.DataFrame({"g": scope.to_numpy()[held], "id": ids.to_numpy()[held]})
        if ids is place:  # both the phone and the address differ
            table = table.assign(
                tel=table["id"].str.split("|").str[0], addr=table["id"].str.split("|").str[1]
            )
            per_group = table.groupby("g")[["tel", "addr"]].nunique().min(axis=1)
        else:
            per_group = table.drop_duplicates().groupby("g").size()
        many = set(per_group[per_group >= 2].index)
        if not many:
            continue
        rows = held & scope.isin(many).to_numpy()
        out[rows] = out[rows] + " =" + ids[rows]
        if per is not None:
            own[rows] = ids[rows]
    return out, own


def _company_codes(records: pd.DataFrame) -> pd.Series:
    """Per row, its customer code as compared (full-width half-width, no spaces, upper case)."""
    from ..normalize.codes import code_key

    return _map_unique(text_column(records, "company_code"), code_key)


def _people(records: pd.DataFrame) -> pd.Series:
    """Per row, its contact's name as a key (full name, else surname and given name)."""
    full = text_column(records, "contact_name")
    joined = (
        text_column(records, "contact_last_name") + " " + text_column(records, "contact_first_name")
    ).str.strip()
    return _map_unique(full.where(full != "", joined), K.person_key)


def _people_readings(records: pd.DataFrame) -> pd.Series:
    """Per row, the reading of its contact's full name (sorted romanised words: 遠藤 大輔 and
    Daisuke Endo are both 'daisuke endo'), '' for a name of one word (a surname alone is too
    common to say which company it is) or one that cannot be read. Readings are only compared
    between companies written in two scripts (dedupe ``cross_script_of``): without company
    names in both scripts nothing is read. Each distinct name is read once, by its parts like
    the contacts' own links (migrate/dedupe/persons.py), so the reader's cache serves both."""
    from ..normalize.people import name_reading
    from .compare import JAPANESE
    from .persons import _reading

    blank = pd.Series("", index=records.index, dtype=object)
    companies = pd.unique(text_column(records, "company_name").to_numpy(dtype=object))
    ja = [bool(JAPANESE.search(c)) for c in companies if c]
    if not (any(ja) and not all(ja)):
        return blank
    full = text_column(records, "contact_name")
    last = text_column(records, "contact_last_name")
    first = text_column(records, "contact_first_name")
    name = last + "\x1f" + first + "\x1f" + full

    def read(value: str) -> str:
        if not value:
            return ""
        ln, fn, whole = value.split("\x1f", 2)
        words = _reading(ln, fn, whole, name_reading)
        return words if len(words.split()) >= 2 else ""

    return _map_unique(name.where((full != "") | (last != "") | (first != ""), ""), read)


def _deal_fingerprints(records: pd.DataFrame) -> pd.Series:
    """Per row, its deal as name|amount|close date ('' unless all three are there): two
    spellings of one company that list the very same deal are one company (a typo'd name)."""
    name = _map_unique(text_column(records, "deal_name"), K.compact)
    amount = text_column(records, "amount")
    close = text_column(records, "close_date")
    full = (name != "") & (amount != "") & (close != "")
    return (name + "|" + amount + "|" + close).where(full, "")


def _header_key(header: object) -> str:
    """A header as an SFA export may spell it: 取引先 ID, Account_ID, account id are one."""
    return re.sub(r"[\s_\-.]+", "", unicodedata.normalize("NFKC", str(header))).casefold()


def find_column(frame: pd.DataFrame, headers: tuple[str, ...]) -> str | None:
    """The column of ``frame`` headed by one of ``headers`` (the first found, in their order),
    spaces, underscores, hyphens, dots, case and width aside."""
    keyed = {_header_key(c): c for c in reversed(frame.columns)}
    for h in headers:
        if (found := keyed.get(_header_key(h))) is not None:
            return str(found)
    return None


def existing_problem(kind: str, frame: pd.DataFrame, settings: DedupeSettings) -> str:
    """Why an SFA export given as ``kind`` (accounts, contacts) cannot be used ("" when it can):
    no column of record ids, or, for contacts, none of e-mails (what they are matched on)."""
    spec = dict(settings.existing).get(kind)
    if spec is None:
        return ""
    needs = [("record ids", spec.id_columns)]
    if kind == "contacts":
        needs.append(("e-mail addresses", dict(spec.columns).get("email", ())))
    for what, headers in needs:
        if find_column(frame, headers) is None:
            held = ", ".join(str(c) for c in frame.columns[:8]) or "none"
            return (
                f"no column of {what}: its headers are {held}; expected one of "
                f"{', '.join(headers)} (rules/dedupe.yaml existing.{kind})"
            )
    return ""


def existing_accounts(
    existing: Mapping[str, pd.DataFrame] | None, settings: DedupeSettings
) -> pd.DataFrame | None:
    """Company records for the accounts already in the target SFA (``existing['accounts']``)."""
    if not existing or existing.get("accounts") is None:
        return None
    df = existing["accounts"]
    spec = dict(settings.existing).get("accounts") or ExistingSource(
        ("Id",), (("company_name", ("Name",)),)
    )
    cols = {canon: find_column(df, headers) for canon, headers in spec.columns}
    id_col = find_column(df, spec.id_columns)
    if id_col is None or not len(df):
        return None

    def col(canon: str) -> pd.Series:
        c = cols.get(canon)
        return text_column(df, c) if c else pd.Series("", index=df.index, dtype=object)

    ids = text_column(df, id_col)
    keyed = col("company_key")
    name_key = col("company_name").map(lambda s: K.company_key(s, settings.legal_forms))
    company_key = keyed.where(keyed != "", name_key)
    one = lambda s: (s,) if s else ()  # noqa: E731
    out = pd.DataFrame(
        {
            "company_key": company_key.to_numpy(),
            "domain": col("website").map(K.domain).map(one).to_numpy(),
            "phone": col("phone").map(K.phone).map(one).to_numpy(),
            "email": [()] * len(df),
            "address": col("address").map(one).to_numpy(),
            "postal_code": col("postal_code").str.replace("-", "", regex=False).map(one).to_numpy(),
            "reading": col("company_name_kana")
            .map(lambda s: K.kana_reading(s, settings.kana_legal_forms))
            .map(one)
            .to_numpy(),
            "people": [()] * len(df),
            "deals": [()] * len(df),
            "corporate_number": [()] * len(df),
            "own_code": [()] * len(df),
            "known_as": company_key.to_numpy(),
            "reading_pair": [()] * len(df),
            "reading_shared": [()] * len(df),
            "existing_id": ids.to_numpy(),
            # the account's name as the SFA writes it: a matched company keeps it
            "existing_name": col("company_name").to_numpy(),
        }
    )
    out["_key"] = "sfa:account:" + out["existing_id"]
    out["legal_name"] = col("company_name").map(K.compact).to_numpy()
    return (
        out[(out["existing_id"] != "") & (out["company_key"] != "")]
        .drop_duplicates("existing_id")
        .reset_index(drop=True)
    )


def exact_existing_pairs(records: pd.DataFrame, recs: EntityRecords) -> pd.DataFrame:
    """Decisions between an SFA account and the tracker companies of the same legal name.

    The name is compared whole, legal form included (株式会社ミドリ物産 is not ミドリ物産株式会社),
    without case, spaces or punctuation. A name of one account and one tracker record is
    ``same``; a name several accounts or several tracker companies share (two 大和興業, Tokyo
    and Osaka) is ``review``: the engine weighs it and a person sees it. A name only similar is
    weighed like any other pair (it reaches review on the name alone).
    """
    columns = ["left_key", "right_key", "decision"]
    frame = recs.frame
    if "legal_name" not in frame or not (frame["existing_id"] != "").any():
        return pd.DataFrame(columns=columns)
    ext = frame[frame["existing_id"] != ""]
    ext = ext[ext["legal_name"].astype(str) != ""]
    ok = recs.record_of_row >= 0
    names = _map_unique(text_column(records, "company_name"), K.compact)
    rows = pd.DataFrame({"name": names.to_numpy()[ok], "rec": recs.record_of_row[ok]})
    rows = rows[rows["name"] != ""].drop_duplicates()
    pairs = ext.merge(rows, left_on="legal_name", right_on="name")
    unique = (pairs.groupby("legal_name")["_key"].transform("nunique") == 1) & (
        pairs.groupby("legal_name")["rec"].transform("nunique") == 1
    )
    pairs["decision"] = np.where(unique.to_numpy(), "same", "review")
    # the same name with another legal form, or the form elsewhere (アクメ商事株式会社 /
    # 株式会社アクメ商事): only similar, a person decides
    tracker = frame[frame["existing_id"] == ""].reset_index()[["index", "company_key"]]
    similar = ext.merge(tracker.rename(columns={"index": "rec"}), on="company_key")
    similar = similar[similar["company_key"].astype(str) != ""].assign(decision="review")
    both = pd.concat(
        [pairs[["rec", "_key", "decision"]], similar[["rec", "_key", "decision"]]],
        ignore_index=True,
    ).drop_duplicates(["rec", "_key"])
    if both.empty:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        {
            "left_key": frame["_key"].to_numpy()[both["rec"].to_numpy(dtype=np.int64)],
            "right_key": both["_key"].to_numpy(),
            "decision": both["decision"].to_numpy(),
        },
        columns=columns,
    )


def contact_records(
    records: pd.DataFrame, company_id: np.ndarray, settings: DedupeSettings
) -> EntityRecords:
    """Contact records: one per e-mail (else per name) within one company cluster."""
    rules = settings.contacts
    full = text_column(records, "contact_name")
    last, first = (
        text_column(records, "contact_last_name"),
        text_column(records, "contact_first_name"),
    )
    joined = (last + " " + first).str.strip()
    full = full.where(full != "", joined)
    email = text_column(records, "email").str.lower()
    name_key = _map_unique(full, K.person_key)
    # the words sorted as well, so "Taro Yamada" and "Yamada Taro" share a key
    sorted_key = _map_unique(full, lambda s: "".join(sorted(K.person_words(s).split())))
    has = present(records, rules.present_if) & ((email != "") | (name_key != "")).to_numpy()
    company = pd.Series(company_id, index=records.index, dtype=object)
    group = company + "\x1f" + email.where(email != "", "name:" + name_key)
    codes, uniques = factorize_sorted(group.where(has, None))
    record_of_row = np.where(has, codes, -1).astype(np.int64)
    n_rec = len(uniques)
    first_row = pd.Series(np.arange(len(records)))[has].groupby(record_of_row[has]).first()
    rec_company = company.iloc[first_row.to_numpy()].to_numpy()
    rec_email = email.iloc[first_row.to_numpy()].to_numpy()
    company_key = text_column(records, "company_key")
    ckey = (
        pd.DataFrame({"rec": record_of_row[has], "k": company_key[has].to_numpy()})
        .groupby("rec")["k"]
        .min()
        .reindex(range(n_rec))
        .fillna("")
    )
    rec_name = pd.Series(name_key.iloc[first_row.to_numpy()].to_numpy())
    content = np.where(
        rec_email != "",
        "contact:" + pd.Series(rec_email),
        "contact:" + ckey.to_numpy() + "|" + rec_name,
    )
    frame = pd.DataFrame(
        {
            "company_id": rec_company,
            "email": rec_email,
            "contact_name": _gather(record_of_row, _map_unique(full, K.person_words), n_rec),
            "name_key": _gather(
                np.r_[record_of_row, record_of_row],
                pd.concat([name_key, sorted_key], ignore_index=True),
                n_rec,
            ),
            "contact_last_name": _gather(record_of_row, _map_unique(last, K.person_key), n_rec),
            "contact_first_name": _gather(record_of_row, _map_unique(first, K.person_key), n_rec),
            "phone": _gather(record_of_row, text_column(records, "phone"), n_rec),
            "mobile_phone": _gather(record_of_row, text_column(records, "mobile_phone"), n_rec),
        }
    )
    # 岡本 (様) and 岡本 大輔, Takumi Ishii and 石井 拓海 of one company (migrate/dedupe/persons.py)
    links = person_links(
        record_of_row, rec_company, full, last, first, reach=frame[["phone", "mobile_phone"]]
    )
    for name, values in zip(PERSON_LINKS, links):
        frame[name] = values
    frame["_key"] = unique_keys(
        pd.Series(content, dtype=object), pd.Series(rec_company, dtype=object)
    ).to_numpy()
    return EntityRecords(frame, record_of_row)


def deal_records(
    records: pd.DataFrame,
    unit: np.ndarray,
    unit_digest: np.ndarray,
    company_id: np.ndarray,
    contact_id: np.ndarray,
    rank: np.ndarray,
    settings: DedupeSettings,
    status_of: Mapping[str, str] | None = None,
) -> EntityRecords:
    """Deal records: one per row carrying a deal (exact duplicate rows count once).

    ``status_of`` (stage key -> won / lost / open) gives the records the dates rules/dedupe.yaml
    compares to tell the next deal from a snapshot (:func:`_deal_dates`).

    ``unit`` is the position of the row each row is a copy of, ``unit_digest`` the digest of
    the content copies share. A record's content key is ``deal:<company>|id:<record id>``, else
    ``|name:<deal name>``, else ``|row:<content digest>``; two records with one key (the same
    deal name twice in a company) are told apart by their content digests. Records are in the
    order of their keys, so nothing depends on where the rows stand.
    """
    rules = settings.deals
    has = present(records, rules.present_if)
    codes, uniques = factorize_sorted(pd.Series(unit).where(has, None))
    record_of_row = np.where(has, codes, -1).astype(np.int64)
    # the values of each record come from its most recent row (all rows of a unit are equal)
    pos = np.flatnonzero(has)
    order = pos[np.lexsort((rank[pos], record_of_row[pos]))]
    first = pd.Series(order).groupby(record_of_row[order], sort=True).first().to_numpy()

    company_key = text_column(records, "company_key")
    record_id = _qualified_ids(text_column(records, "record_id"), records)
    raw_name = text_column(records, "deal_name")
    deal_name = _map_unique(raw_name, K.person_words)
    # a revision mark (第2版, Rev.3, 再見積) is not part of the deal's name: two revisions of one
    # quote would otherwise name two numbered phases (distinct_numbers)
    unmarked = R.strip_marks(raw_name, rules.revisions)
    core, product = _deal_terms(records, unmarked, company_id, rules.generic_names)
    digest = pd.Series(np.asarray(unit_digest, dtype=object)[first], dtype=object)
    rid = record_id.to_numpy(dtype=object)[first]
    dname = deal_name.to_numpy(dtype=object)[first]
    ckey = pd.Series(company_key.to_numpy(dtype=object)[first], dtype=object)
    content = np.where(
        rid != "",
        "deal:" + ckey + "|id:" + pd.Series(rid, dtype=object),
        np.where(
            dname != "",
            "deal:" + ckey + "|name:" + pd.Series(dname, dtype=object).str.replace(" ", ""),
            "deal:" + ckey + "|row:" + digest,
        ),
    )
    key = unique_keys(pd.Series(content, dtype=object), digest)
    # records in the order of their content keys: the engine's tie-breaks follow content (the
    # keys are distinct: Arrow's sort in C gives numpy's order of the texts, without a
    # fixed-width copy of every key)
    by_key = _text_order(key.to_numpy(dtype=object))
    if by_key is None:
        by_key = np.argsort(key.to_numpy(dtype=str), kind="stable")
    renumber = np.empty(len(by_key), dtype=np.int64)
    renumber[by_key] = np.arange(len(by_key))
    record_of_row[has] = renumber[record_of_row[has]]
    first = first[by_key]

    def at(col: pd.Series) -> np.ndarray:
        return col.to_numpy(dtype=object)[first]

    file_sheet = text_column(records, "_source_file") + "|" + text_column(records, "_source_sheet")
    amount = (
        pd.to_numeric(records["amount"], errors="coerce")
        if "amount" in records
        else pd.Series(np.nan, index=records.index)
    )
    frame = pd.DataFrame(
        {
            "company_id": company_id[first],
            "contact_id": contact_id[first],
            "record_id": at(record_id),
            "deal_name": at(deal_name),
            "amount": amount.to_numpy(dtype=float, na_value=np.nan)[first],
            "close_date": at(text_column(records, "close_date")),
            "owner": at(_map_unique(text_column(records, "owner"), K.person_key)),
            "deal_core": at(core),
            "product": at(product),
            "_namespace": at(file_sheet),
        }
    )
    # the id without a quote revision's suffix (Q-2026-031-2 -> Q-2026-031): the revision
    # comparison (rules/dedupe.yaml) takes two ids that extend one base id for one deal
    frame["record_base"] = at(R.base_ids(record_id, rules.revisions))
    # one deal (name, amount and close date) listed twice in one sheet (a registration sheet:
    # two partners registering one end user's deal): '' where one of them is missing
    parts = [frame[c].to_numpy(dtype=object) for c in ("_namespace", "deal_core", "close_date")]
    parts.insert(2, _amount_texts(frame["amount"].to_numpy(dtype=float)))
    full = np.flatnonzero(np.logical_and.reduce([p != "" for p in parts]))
    sheet_deal = np.full(len(frame), "", dtype=object)
    sheet_deal[full] = list(map("|".join, zip(*(p[full].tolist() for p in parts))))
    frame["sheet_deal"] = sheet_deal
    # '1' where the deal name has a revision mark (複合機リース（再見積）): its core names the
    # deal it revises (rules/dedupe.yaml, the revised_name comparison)
    frame["revised"] = at(pd.Series(np.where(unmarked != raw_name, "1", ""), dtype=object))
    # deals of a tracker that names no customer (the company only inside 案件名): blocked by
    # their name among themselves (rules/dedupe.yaml), as no company brings them together
    companies = pd.Series(frame["company_id"], dtype=object)
    none = (companies.isna() | (companies == "")).to_numpy(dtype=bool)
    frame["_no_company"] = np.where(none, "1", "").astype(object)
    frame["_key"] = key.to_numpy(dtype=object)[by_key]
    kind, year, reading = _deal_words(records, raw_name, company_id, settings)
    frame["deal_kind"], frame["deal_year"], frame["deal_reading"] = at(kind), at(year), at(reading)
    opened, closed_on = _deal_dates(records, status_of or {})
    frame["_opened_on"], frame["_closed_on"] = at(opened), at(closed_on)
    # the day the deal was opened as a tracker wrote it (作成日, Created Date, engage_date)
    frame["created_on"] = at(text_column(records, "created_at").str.slice(0, 10))
    # the type a tracker's own column gives (区分 新規/更新, Type: new, renewal ...)
    frame["deal_type"] = at(text_column(records, "deal_type"))
    return EntityRecords(frame, record_of_row)


def _amount_texts(amounts: np.ndarray) -> np.ndarray:
    """Each amount with two decimals ('' when missing), formatted once per distinct amount
    (a deal's amount repeats over its snapshots; by bit pattern, so -0.0 stays '-0.00')."""
    out = np.full(len(amounts), "", dtype=object)
    has = np.flatnonzero(~np.isnan(amounts))
    code, distinct = pd.factorize(amounts[has].view(np.int64))
    texts = [f"{v:.2f}" for v in np.asarray(distinct, dtype=np.int64).view(np.float64).tolist()]
    out[has] = np.asarray(texts, dtype=object)[code]
    return out


def _deal_dates(records: pd.DataFrame, status_of: Mapping[str, str]) -> tuple[pd.Series, pd.Series]:
    """Per row, when its deal was opened (created_at; without one, the start of the fiscal
    period its sheet is of: 2025年度, R7上期) and, at a closed stage (won, lost), its close date
    (ISO days, '' when unknown or open). A deal opened after another deal of its company was
    won or lost is the next deal (a reopened deal, the next order), not a later snapshot of
    the closed one."""
    closed = closed_rows(records, status_of)
    created = text_column(records, "created_at").str.slice(0, 10)
    sheets = text_column(records, "_source_sheet")
    starts = {sh: fiscal_period(sh)[0] for sh in set(sheets.tolist())}
    period = sheets.map(starts).where(~closed, "")
    opened = created.where(created != "", period)
    closed_on = text_column(records, "close_date").str.slice(0, 10).where(closed, "")
    return opened, closed_on


def _deal_words(
    records: pd.DataFrame, raw_name: pd.Series, company_id: np.ndarray, settings: DedupeSettings
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per row, the kind, year and reading of its deal name (migrate/dedupe/deal_words.py)."""
    from . import deal_words as W
    from .compare import JAPANESE as K_JAPANESE

    kinds = settings.deals.kinds
    company = pd.Series(company_id, index=records.index, dtype=object)
    reader = W.reader(settings.readings, tuple(settings.legal_forms))
    if reader is None:
        reading = pd.Series("", index=records.index, dtype=object)
    else:
        names = pd.concat(
            [
                pd.DataFrame({"c": company, "name": text_column(records, c)})
                for c in ("company_name", "company_key")
            ]
        )
        # only names of a company that has deal names in both scripts are ever compared by
        # reading (cross_script_of): the others are not read at all
        ja = raw_name.map(lambda n: bool(K_JAPANESE.search(n)), na_action="ignore")
        scripts = pd.DataFrame({"c": company, "ja": ja})[raw_name != ""]
        both = scripts.groupby("c")["ja"].nunique()
        has = (raw_name != "") & company.isin(set(both.index[both > 1]))
        reading = pd.Series("", index=records.index, dtype=object)
        reading[has] = W.deal_readings(
            raw_name[has], company[has], names[names["c"].isin(set(company[has]))], kinds, reader
        )
    return W.deal_kinds(raw_name, kinds), W.deal_years(raw_name, settings.deals.years), reading


def _qualified_ids(record_id: pd.Series, records: pd.DataFrame) -> pd.Series:
    """Record ids, a short plain number qualified by its sheet (``No.`` 14 of a ヨミ表 is a row
    counter: it says nothing about row 14 of another team's sheet). Ids with letters (OPP-10361,
    006...) or long numbers (a CRM's record id) stay as they are."""
    short = record_id.str.fullmatch(r"\d{1,5}").fillna(False).to_numpy(dtype=bool)
    if not short.any():
        return record_id
    sheet = text_column(records, "_source_file") + "|" + text_column(records, "_source_sheet")
    return record_id.where(~short, sheet + "#" + record_id)


def _deal_terms(
    records: pd.DataFrame,
    raw_name: pd.Series,
    company_id: np.ndarray,
    generic: tuple[str, ...] = (),
) -> tuple[pd.Series, pd.Series]:
    """Per row, the deal name without its company's names (compact), and the product: the
    product column, else the longest product another row names that the deal name contains
    (``SOMPO_倉庫管理システム_新規導入`` names 倉庫管理システム).

    A name that is only its company's names and a ``generic`` word (Pipedrive's default title
    'Mirai Tech deal', 山田商事 案件) names no deal: its core is empty, so two such names are
    no evidence that two deals are one."""
    nothing = {K.compact(w) for w in generic} | {""}
    company = pd.Series(company_id, index=records.index, dtype=object)
    # each company's distinct name forms (two letters or more), longest first, then in text
    # order: by codes and one sort, not a frame deduplicated and a sort per company
    ccode, cs = pd.factorize(np.tile(np.asarray(company_id, dtype=object), 3))
    found = np.concatenate(
        [
            _map_unique(text_column(records, c), K.compact).to_numpy(dtype=object)
            for c in ("company_key", "company_name", "company_name_kana")
        ]
    )
    fcode, fs = pd.factorize(found)
    distinct = np.asarray(fs, dtype=object)
    length = np.fromiter(map(len, distinct.tolist()), np.int64, len(distinct))
    named = (np.asarray(cs, dtype=object) != "")[ccode] & (length[fcode] >= 2)
    pair = np.unique(ccode[named].astype(np.int64) * len(distinct) + fcode[named])
    pc, pf = pair // max(len(distinct), 1), pair % max(len(distinct), 1)
    rank = factorize_sorted(distinct)[0]
    order = np.lexsort((rank[pf], -length[pf], pc))
    pc, pf = pc[order], pf[order]
    heads = np.flatnonzero(np.r_[True, pc[1:] != pc[:-1]]) if len(pc) else pc
    ends = [*heads[1:].tolist(), len(pc)]
    form_texts = distinct[pf].tolist()
    company_of = np.asarray(cs, dtype=object)[pc[heads]].tolist()
    forms_of = {c: tuple(form_texts[a:b]) for c, a, b in zip(company_of, heads.tolist(), ends)}
    name_c = _map_unique(raw_name, K.compact)
    # each distinct (company, name) once, the rows taking theirs by code
    rc, rcs = pd.factorize(company.to_numpy(dtype=object), use_na_sentinel=False)
    nc, ncs = pd.factorize(name_c.to_numpy(dtype=object), use_na_sentinel=False)
    size = max(len(ncs), 1)
    of_row, pair = pd.factorize(rc.astype(np.int64) * size + nc)
    cores = []
    for c, n in zip(rcs[pair // size].tolist(), ncs[pair % size].tolist()):
        out = n
        for f in forms_of.get(c, ()):
            if f in out and len(out) > len(f):
                out = out.replace(f, "")
        cores.append("" if out in nothing else out)
    core = pd.Series(np.asarray(cores, dtype=object)[of_row], index=records.index, dtype=object)
    product = _map_unique(text_column(records, "product"), K.person_words)
    # each distinct product once, in the order of its last row: the product a compact form
    # keeps is the one of the last row holding that form, as when every row was visited
    last_first = pd.unique(product.to_numpy(dtype=object)[::-1])
    forms_of_product = ((K.compact(p), p) for p in last_first[::-1].tolist())
    known = sorted(
        {f: p for f, p in forms_of_product if len(f) >= 2}.items(),
        key=lambda kv: (-len(kv[0]), kv[0]),
    )
    if known:

        def named(n: str) -> str:
            return next((p for k, p in known if k in n), "")

        inferred = _map_unique(name_c, named)
        product = product.where(product != "", inferred)
    return core, product


@dataclass
class EntityRun:
    """One entity's matching: its records, the engine's answer and the ids."""

    name: str  # companies | contacts | deals
    rules: EntitySettings
    recs: EntityRecords
    linkage: Linkage
    record_ids: np.ndarray  # id per record
    row_ids: np.ndarray  # id per source row ('' where none)
