"""map_columns: every column of one table mapped, one column per field.

Headers and a sample of each column's values in, one :class:`ColumnMatch` per column out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace

import pandas as pd

from ..findings import Severity
from ..headers import header_key, header_key_bare
from ..schema import Schema
from .header import (
    _Index,
    _index,
    amount_period,
    holds_word,
    match_header,
    unit_hints,
    unit_price,
)
from .model import ColumnMatch
from .values import (
    _EMAIL,
    KIND_TEXT,
    SNIFF_FIELD,
    ValueProfile,
    _mostly_mobile,
    profile_column,
)


def map_columns(
    headers: Sequence[str],
    letters: Sequence[str],
    values: pd.DataFrame,
    schema: Schema,
    rules_dir: str | None = None,
    known_companies: frozenset[str] = frozenset(),
    deal_sheet: bool = False,
) -> list[ColumnMatch]:
    """Map every column of one table: headers plus the data values (columns aligned to headers).

    ``known_companies``: company keys read in other sources (a column of names that recur
    there is a company column whatever its header says). ``deal_sheet``: the file or sheet
    name says it lists deals (:func:`migrate.schema.names_deals`)."""
    idx = _index(schema, rules_dir)
    sample = values.head(500)
    cands: list[ColumnMatch] = []
    for i, header in enumerate(headers):
        col_vals = list(sample.iloc[:, i].tolist()) if i < sample.shape[1] else []
        cands.append(
            _judge(i, letters[i], header, col_vals, schema, idx, rules_dir, known_companies)
        )
    return _assign(cands, idx, sample, rules_dir, deal_sheet, schema)


def _judge(
    i: int,
    letter: str,
    header: str,
    col_vals: list[object],
    schema: Schema,
    idx: _Index,
    rules_dir: str | None,
    known_companies: frozenset[str],
) -> ColumnMatch:
    """One column alone: what its header says, what its values are, and which wins, with why."""
    unit, currency = unit_hints(header, schema) if header else (1.0, "")
    field, conf, method = match_header(header, schema, rules_dir) if header else (None, 0.0, "none")
    said = f"header: {_METHOD_TEXT.get(method, method)}" if field else ""
    profile = profile_column(col_vals, rules_dir, known_companies)
    enough = profile.n >= schema.sniff_min_values
    kind, share = profile.best() if enough else (None, 0.0)
    seen = _values_text(kind, share, profile.n) if kind else ""
    evidence = "; ".join(x for x in (said, seen) if x)

    def match(f: str | None, c: float, m: str, note: str = "", ev: str = evidence) -> ColumnMatch:
        return ColumnMatch(i, letter, header, f, c, m, unit, currency, note, ev)

    if method == "unmapped":
        return match(
            None, conf, method, "no canonical field holds this column", _METHOD_TEXT[method]
        )
    if method == "length":
        return match(None, conf, method, "a length of time, not a date", _METHOD_TEXT[method])
    if field == "deal_type":
        # 区分 and Type name many classes (法人/個人, an account's Customer/Prospect): a column
        # is the deal's type only when most of its values are deal types (columns.yaml)
        typed = _deal_type_share(col_vals, schema)
        if typed < 0.5:
            said_not = f"only {typed:.0%} of values are deal types (columns.yaml deal_types)"
            note = f"the header suggests deal_type, but {said_not}"
            return match(None, 0.0, "none", note, f"{evidence}; {said_not}, so not deal_type")
    strong = kind is not None and share >= schema.sniff_min_share
    # an owner column of e-mail addresses (Opportunity Owner: k.sato@our-company.com) names our
    # reps by their SFA login: the owner, not the customer's e-mail (whose domain would make one
    # company of every account those reps hold)
    reps_by_mail = field == "owner" and kind == "email" and method != "ambiguous"
    if field is not None and strong and kind in ("email", "phone", "url") and not reps_by_mail:
        sniffed = SNIFF_FIELD[kind]
        if idx.types.get(field) != idx.types.get(sniffed) and field != "mobile_phone":
            note = f"header suggests {field}, values are {KIND_TEXT[kind]}"
            return match(sniffed, round(0.9 * share, 3), "sniff", note)
    if field is not None and method not in ("exact", "ambiguous") and enough:
        ftype = idx.types.get(field, "")
        numbers = _numbers_not_names(ftype, method, profile)
        if numbers:
            note = f"the header suggests {field}, but {numbers}"
            return match(None, 0.0, "none", note, f"{evidence}; {numbers}, so not {field}")
        against = _contradicts(ftype, profile)
        if against:
            # a header word that also names a field (規模区分: 規模 is an amount synonym) does
            # not outweigh values that cannot be that field
            evidence = f"{evidence}; {against}, so not {field}"
            note = f"the header suggests {field}, but {against}"
            return _from_values(match, kind, share, profile, schema, evidence, note)
    if field is not None:
        return match(field, conf, method)
    return _from_values(match, kind, share, profile, schema, evidence, "")


def _deal_type_share(values: list[object], schema: Schema) -> float:
    """The share of a column's non-empty values that are deal types (新規, Renewal ...)."""
    texts = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if not texts:
        return 0.0
    return sum(bool(schema.deal_type_of(t)) for t in texts) / len(texts)


def _from_values(
    match: Callable[..., ColumnMatch],
    kind: str | None,
    share: float,
    profile: ValueProfile,
    schema: Schema,
    evidence: str,
    note: str,
) -> ColumnMatch:
    """A column no header word maps: its values decide, when most of them are one kind."""
    needed = schema.sniff_min_share
    if kind == "known-company":
        # a list holds many names no other source has: a third that recur is a company list
        needed = min(needed, _KNOWN_COMPANY_SHARE)
    elif profile.shares.get("known-company", 0) >= _KNOWN_COMPANY_SHARE and kind in (
        "person",
        "company",
    ):
        kind, share = (
            "known-company",
            profile.shares["known-company"] + profile.shares.get("company", 0),
        )
    if kind in SNIFF_FIELD and share >= needed:
        field = SNIFF_FIELD[kind]
        if kind == "person" and profile.repeats:
            field = "owner"
            evidence += f" ({profile.distinct} names repeated over {profile.n} rows: our reps)"
        text = note or f"{share:.0%} of values are {KIND_TEXT[kind]}"
        return match(field, round(0.9 * min(share, 1.0), 3), "sniff", text, evidence)
    if kind == "date" and share >= schema.sniff_min_share:
        return match(
            None, 0.0, "none", "values are dates but the header does not say which date", evidence
        )
    return match(None, 0.0, "none", note, evidence)


# a company list shares a third of its names with the trackers: enough to call it one
_KNOWN_COMPANY_SHARE = 0.3


def _contradicts(ftype: str, profile: ValueProfile) -> str:
    """Why the values cannot be of the field's type ("" when they can): an amount column
    without numbers, a phone column without phone numbers."""
    if ftype == "amount":
        numeric = profile.shares.get("number", 0) + profile.shares.get("amount", 0)
        if numeric < 0.2:
            return f"only {numeric:.0%} of values are numbers"
    if ftype == "phone" and profile.shares.get("phone", 0) + profile.shares.get("number", 0) < 0.2:
        return "almost no value is a phone number"
    if ftype in ("text", "company", "person") and profile.shares.get("date", 0) >= 0.8:
        # 商談化日 holds 商談 (a deal-name word), but its values are the day it happened
        return f"{profile.shares['date']:.0%} of values are dates"
    return ""


def _numbers_not_names(ftype: str, method: str, profile: ValueProfile) -> str:
    """Why a column whose header names a company or a person, or holds a text field's word
    inside a longer header, holds no such thing ("" when it may): its values are numbers.
    "Partner Discount %" holds Partner, but a partner is not 15%; nor are its values a
    probability, so the column stays unmapped (kept as an extra) rather than taken by what
    its values look like."""
    numbers = sum(profile.shares.get(k, 0) for k in ("number", "amount", "probability"))
    names = ftype in ("company", "person") or (ftype == "text" and method == "contains")
    if names and numbers >= 0.8:
        return f"{numbers:.0%} of values are numbers, not names"
    return ""


_METHOD_TEXT = {
    "exact": "a synonym of rules/columns.yaml",
    "contains": "holds a synonym of rules/columns.yaml",
    "fuzzy": "close to a synonym (fuzzy)",
    "abbreviation": "a short form of a synonym",
    "keyword": "holds keywords of rules/columns.yaml",
    "ambiguous": "a header that can mean two fields",
    "unmapped": "a column no canonical field holds (columns.yaml unmapped)",
    "length": "a length of time (columns.yaml lengths), never a date",
}


def _values_text(kind: str, share: float, n: int) -> str:
    return f"values: {share:.0%} of {n} are {KIND_TEXT.get(kind, kind)}"


def _assign(
    cands: list[ColumnMatch],
    idx: _Index,
    sample: pd.DataFrame,
    rules_dir: str | None = None,
    deal_sheet: bool = False,
    schema: Schema | None = None,
) -> list[ColumnMatch]:
    """One column per field: the most confident claim wins; ambiguous headers take what is left."""
    out = list(cands)
    taken: dict[str, int] = {}
    order = sorted(
        range(len(cands)), key=lambda i: (cands[i].method == "ambiguous", -cands[i].confidence, i)
    )
    quote_no = next((c for c in cands if c.field == "record_id"), None)
    contract = next((c for c in cands if _contract_column(c.header, idx)), None)
    over: list[int] = []  # the amount columns that gave way by amount_gives_way
    for i in order:
        c = cands[i]
        if c.field is None:
            continue
        if (
            c.field == "updated_at"
            and contract is not None
            and header_key_bare(c.header) in idx.renewal_dates
        ):
            # u26: 更新日 beside 契約開始日 / 契約終了日 is when the contract renews (a day ahead),
            # not the row's last update: it made "today" 2028
            out[i] = replace(
                c,
                field=None,
                confidence=0.0,
                note=f"a renewal date beside the contract's column {contract.column} "
                f"('{contract.header}'), not the last update",
            )
            continue
        if c.field == "amount" and quote_no is not None and header_key(c.header) in idx.revisions:
            # Rev beside Quote #: the quote's revision (1, 2, 3), not its revenue
            out[i] = replace(
                c,
                field=None,
                confidence=0.0,
                note=f"the revision of the quote number in column {quote_no.column} "
                f"('{quote_no.header}'), not revenue",
            )
            continue
        if c.field in ("owner", "contact_name") and _FORMER.match(
            unicodedata.normalize("NFKC", c.header).strip()
        ):
            # 旧担当, 前任者, Former Owner: who held the deal before, not who holds it now
            out[i] = replace(c, field=None, confidence=0.0, note="a former one: kept as extra")
            continue
        if c.method == "ambiguous":
            options = (
                idx.ambiguous.get(header_key(c.header))
                or idx.ambiguous.get(header_key_bare(c.header))
                or (c.field,)
            )
            values = sample.iloc[:, i].tolist() if i < sample.shape[1] else []
            held = taken.get("owner")
            # the column held as the owner gives way to this one, with why:
            # 担当者 beside 作成者 (kintone's creator, an audit column): the person in charge is
            # the owner, whoever typed the record in; Close's user_email beside user_name: a
            # column headed as our user, of e-mails (their logins, what the import's owner
            # needs), over names found by values only
            gives_way = ""
            if "owner" in options and held is not None:
                if header_key(out[held].header) in _RECORDERS and _repeating(values):
                    gives_way = (
                        f"who entered the record; column {c.column} ('{c.header}') is the owner"
                    )
                elif out[held].method == "sniff" and _mostly_emails(values):
                    gives_way = (
                        f"our reps' names; column {c.column} ('{c.header}') holds their e-mails"
                    )
            if gives_way and held is not None:
                out[held] = replace(out[held], field=None, confidence=0.0, note=gives_way)
                del taken["owner"]
                free = ["owner"]
            else:
                free = [f for f in options if f not in taken]
            if "deal_name" in free:
                # Name beside Company and Contact columns and a stage or amount, or beside a
                # company and a stage or amount in a file named for deals: the deal's name (an
                # Airtable, Copper or monday.com deals export); otherwise a person's or
                # company's name, as before
                dealish = bool(_DEAL_EVIDENCE & taken.keys())
                if dealish and (free == ["deal_name"] or (deal_sheet and "company_name" in taken)):
                    free = ["deal_name"]
                else:
                    free.remove("deal_name")
            if not free:
                out[i] = replace(
                    c, field=None, confidence=0.0, note=f"{' / '.join(options)} already mapped"
                )
                continue
            choice = (
                free[0]
                if len(free) == 1
                else resolve_by_values(
                    free,
                    values,
                    taken=taken,
                    customer_honorifics=idx.customer_honorifics,
                    rep_companies=idx.rep_min_companies,
                    companies=(
                        sample.iloc[:, taken["company_name"]].tolist()
                        if "company_name" in taken and taken["company_name"] < sample.shape[1]
                        else None
                    ),
                )
            )
            out[i] = replace(
                c,
                field=choice,
                confidence=0.9,
                note=f"'{c.header}' can mean {' or '.join(options)}",
            )
            taken[choice] = i
            continue
        if (
            c.field == "phone"
            and "phone" in taken
            and "mobile_phone" not in taken
            and "mobile_phone" in idx.types
            and _mostly_mobile(sample.iloc[:, i].tolist() if i < sample.shape[1] else [], rules_dir)
        ):
            other = out[taken["phone"]]
            out[i] = replace(
                c,
                field="mobile_phone",
                note=f"a second phone column of mobile numbers (column {other.column} is the phone)",
            )
            taken["mobile_phone"] = i
            continue
        if c.field == "probability" and "probability" in taken:
            j = taken["probability"]
            mine = sample.iloc[:, i].tolist() if i < sample.shape[1] else []
            theirs = sample.iloc[:, j].tolist() if j < sample.shape[1] else []
            if _percent_share(mine) >= 0.6 and _percent_share(theirs) <= 0.2:
                # ヨミ (A/B/C, ◎○△) beside 確度 (90%, 30): the percentages are the probability
                other = out[j]
                out[j] = replace(
                    other,
                    field=None,
                    confidence=0.0,
                    note=f"{RANK_BESIDE_PERCENT} {c.column} ('{c.header}'), whose values are "
                    "percentages: that column is the probability; its stage words give the "
                    "stage, its ranks the probability where that column is blank",
                )
                out[i] = c
                taken["probability"] = i
                continue
        if c.field == "amount" and "amount" in taken:
            j = taken["amount"]
            mine, word = _amount_tier(c.header, idx)
            theirs, their_word = _amount_tier(out[j].header, idx)
            if mine != theirs:
                over.append(i if mine > theirs else j)
                # the price we sell at wins over a price before discount, with tax or the
                # partner's (税抜 over 税込, 値引後 over 値引前, anything over 仕切): the header's
                # meaning, not which column comes first
                loser, winner, w = (j, i, their_word) if mine < theirs else (i, j, word)
                kept = c if winner == i else out[j]
                out[loser] = replace(
                    out[loser],
                    field=None,
                    confidence=0.0,
                    note=f"{_GIVES_WAY.get(w, 'a price the deal is not sold at')} ('{w}'): "
                    f"column {kept.column} ('{kept.header}') is the deal's amount",
                )
                if winner == i:
                    out[i] = c
                    taken["amount"] = i
                continue
            if _per_unit(out[j].header, idx) and not _per_unit(c.header, idx):
                # Qty | Price | Amount: the price per unit gives way to the deal's total
                out[j] = replace(
                    out[j],
                    field=None,
                    confidence=0.0,
                    note=f"a price per unit beside column {c.column} ('{c.header}'), the "
                    "deal's total: that column is the amount",
                )
                out[i] = c
                taken["amount"] = i
                continue
        if c.field in taken:
            other = out[taken[c.field]]
            out[i] = replace(
                c,
                field=None,
                confidence=0.0,
                note=f"{_also(c.field)} which column {other.column} ('{other.header}') holds",
            )
            continue
        taken[c.field] = i
    if over and "amount" in taken:
        # the reason, on the column read (inspect, report.html): which it was chosen over
        won = out[taken["amount"]]
        same = [k for k, m in enumerate(out) if also_named(m, "amount")]
        for k in same:  # MRR beside 月額, which gave way to TCV: TCV holds the amount now
            out[k] = replace(
                out[k], note=f"{_also('amount')} which column {won.column} ('{won.header}') holds"
            )
        for k in over:  # 月額 gave way to ARR, which gave way to TCV: TCV is the amount
            head = out[k].note.rsplit(": column ", 1)[0]
            out[k] = replace(
                out[k], note=f"{head}: column {won.column} ('{won.header}') is the deal's amount"
            )
        others = ", ".join(f"'{out[k].header}'" for k in sorted({*over, *same}))
        out[taken["amount"]] = replace(
            won,
            note=f"{AMOUNT_CHOSEN} '{won.header}' over {others} (rules/columns.yaml "
            "amount_gives_way: a contract's total over a year's over a month's; before tax; "
            "after discount)",
        )
    return _company_list(out, taken, idx, schema) if schema is not None else out


def _company_list(
    out: list[ColumnMatch], taken: dict[str, int], idx: _Index, schema: Schema
) -> list[ColumnMatch]:
    """A list of companies (a company column, no column of deals: columns.yaml company_list):
    its amount is the company's annual revenue, and its phone the company's where no column
    holds a person either (an account master's 売上高 and TEL, u27)."""
    if not schema.company_list_moves or not ({"company_name", "company_code"} & taken.keys()):
        return out
    if set(schema.company_list_deal_fields) & taken.keys():
        return out
    people = bool(set(schema.company_list_people_fields) & taken.keys())
    for field, to in schema.company_list_moves:
        i = taken.get(field)
        if i is None or to in taken or (people and idx.types.get(field) == "phone"):
            continue
        if field == "amount" and not _names_revenue(out[i].header, schema):
            continue
        out[i] = replace(
            out[i],
            field=to,
            note=f"a list of companies (no column of deals{'' if people else ' or people'}): "
            f"the company's {to}, not {field}",
        )
        taken[to] = taken.pop(field)
    return out


def _names_revenue(header: str, schema: Schema) -> bool:
    """The header holds a word of columns.yaml company_list.revenue_words (売上高, Revenue)."""
    text = unicodedata.normalize("NFKC", str(header)).casefold()
    return any(
        unicodedata.normalize("NFKC", w).casefold() in text
        for w in schema.company_list_revenue_words
    )


#: the note's start of the amount column chosen among several by amount_gives_way
AMOUNT_CHOSEN = "amount from"


def amount_said(
    matches: Sequence[ColumnMatch], schema: Schema
) -> list[tuple[str, Severity, str, str]]:
    """What to say of the column a sheet's deal amount is read from, as (rule, severity,
    message, header): chosen among several money columns (``ingest.amount-column-chosen``), a
    fee per month or year (``normalize.amount-per-period``), a price per unit with no total
    beside it (``ingest.amount-unit-price``). The parts of a total are never added up."""
    held = next((m for m in matches if m.field == "amount"), None)
    if held is None:
        return []
    said: list[tuple[str, Severity, str, str]] = []
    if held.note.startswith(AMOUNT_CHOSEN):
        said.append(("ingest.amount-column-chosen", "info", held.note, held.header))
    period = amount_period(held.header, schema)
    where = f"column {held.column} '{held.header}'"
    if period:
        said.append(
            (
                "normalize.amount-per-period",
                "warning",
                f"{where} read as the deal's amount is a fee per {period}: each deal's amount "
                f"is one {period}'s fee, not the contract's total (not computed from the "
                "sheet's other columns)",
                held.header,
            )
        )
    if unit_price(held.header, schema):
        # 単価（年額） for 500 IDs: one ID's price for a year, both said
        said.append(
            (
                "ingest.amount-unit-price",
                "warning",
                f"{where} read as the deal's amount is a price per unit and no total column is "
                "there: each deal's amount is one unit's price (not multiplied by a quantity)",
                held.header,
            )
        )
    return said


#: columns that make a sheet a list of deals: an ambiguous Name beside them may be the deal's name
_DEAL_EVIDENCE = frozenset({"stage", "amount", "close_date", "probability"})

_FORMER = re.compile(r"(?i)^(?:旧|前|元|former\b|previous\b|old\b|ex-)")

#: headers of who typed a record in (an audit column of kintone and CRMs): the owner only
#: where no column says who is in charge
_RECORDERS = frozenset(
    header_key(h)
    for h in (
        "作成者",
        "入力者",
        "記入者",
        "登録者",
        "作成者名",
        "Created By",
        "CreatedBy",
        "作成者(担当)",
    )
)

_PERCENT_RE = re.compile(r"^\d{1,3}(?:\.\d+)?\s*[%％]?$|^0?\.\d+$")


def _percent_share(values: list) -> float:
    """The share of filled values that are percentages or plain numbers up to 100 (90%, 30,
    0.4), against ranks (A, ◎, 高)."""
    filled = [v for v in values if v is not None and str(v).strip()]
    if not filled:
        return 0.0
    hits = 0
    for v in filled:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            hits += 0 <= v <= 100
            continue
        text = unicodedata.normalize("NFKC", str(v)).strip()
        if _PERCENT_RE.match(text):
            hits += float(text.rstrip("%％ ")) <= 100
    return hits / len(filled)


def _repeating(values: list) -> bool:
    """A few names that recur (our reps), not a name per row (the customer's people)."""
    vals = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return len(vals) >= 3 and len(set(vals)) <= 0.6 * len(vals)


def _mostly_emails(values: list) -> bool:
    """Most filled values are e-mail addresses."""
    vals = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return bool(vals) and sum(1 for v in vals if _EMAIL.match(v)) >= 0.8 * len(vals)


def resolve_by_values(
    options: list[str],
    values: list,
    default: str | None = None,
    taken: dict[str, int] | None = None,
    customer_honorifics: Sequence[str] = (),
    companies: list | None = None,
    rep_companies: int = 3,
) -> str:
    """Our own reps repeat down a column; the customer's contact people mostly do not, and they
    are written with an honorific of ``customer_honorifics`` (佐藤 一郎 様: more than half of
    the names so written is a contact column however they repeat). A name beside
    ``rep_companies`` of the sheet's ``companies`` or more, on most rows, is our rep's (a customer's person works for one
    of them), however few the rows. Too few names to tell (under 6): ``default``, else the
    first option. A bare 予定日 is a
    deal's close date on a sheet of deals (one with an amount or a stage column); on a list
    of people (a lead list: no amount, no stage) it is the next planned contact."""
    if "close_date" in options and "next_action_date" in options and taken is not None:
        deals = "amount" in taken or "stage" in taken
        return "close_date" if deals else "next_action_date"
    vals = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if "owner" in options and "contact_name" in options and customer_honorifics and vals:
        polite = sum(1 for v in vals if v.endswith(tuple(customer_honorifics)))
        if polite > len(vals) / 2:
            return "contact_name"
    # one person beside several customers (加藤 on the rows of three companies): a customer's
    # contact works for one of them, so it is our rep however few the rows (u26)
    people = "owner" in options and "contact_name" in options
    if people and companies is not None and _across_companies(values, companies, rep_companies):
        return "owner"
    if "owner" in options and "contact_name" in options and len(vals) >= 6:
        distinct = len(set(vals)) / len(vals)
        return "owner" if distinct <= 0.5 else "contact_name"
    return default or options[0]


def _across_companies(values: list, companies: list, least: int) -> bool:
    """Most named rows (3 at least) hold a name that stands beside ``least`` companies or more."""
    seen: dict[str, set[str]] = {}
    pairs = []
    for v, c in zip(values, companies):
        name = str(v).strip() if v is not None else ""
        company = str(c).strip() if c is not None else ""
        if name and company and name.casefold() != "nan" and company.casefold() != "nan":
            seen.setdefault(name, set()).add(company)
            pairs.append(name)
    if len(pairs) < 3:
        return False
    spanning = sum(1 for name in pairs if len(seen[name]) >= least)
    return spanning > len(pairs) / 2


def _also(field: str) -> str:
    return f"also looks like {field},"


def _amount_tier(header: str, idx: _Index) -> tuple[tuple[int, ...], str]:
    """How far an amount header is from the price the deal is sold at: the tiers of columns.yaml
    ``amount_gives_way`` whose words it holds, 1-based and worst first (() when none: best;
    月額（税込）: (3, 1)), compared as tuples; with the word of the worst tier."""
    held: list[tuple[int, str]] = []
    for n, tier in enumerate(idx.amount_tiers):
        word = next((w for w in tier if holds_word(header, w)), None)
        if word is not None:
            held.append((n + 1, word))
    held.sort(reverse=True)
    return tuple(n for n, _ in held), (held[0][1] if held else "")


#: why a column of ``amount_gives_way`` is no deal amount, by its word (header keys)
_GIVES_WAY = {
    "acv": "a year's value",
    "arr": "a year's value",
    "年額": "a year's value",
    "年間": "a year's value",
    "annual": "a year's value",
    "yearly": "a year's value",
    "mrr": "a month's value",
    "月額": "a month's value",
    "月間": "a month's value",
    "monthly": "a month's value",
    "仕切": "the partner's price",
    "仕切り": "the partner's price",
    "税込": "a price with tax",
    "値引前": "a price before discount",
    "割引前": "a price before discount",
    "定価": "a list price",
    "標準価格": "a list price",
    "listprice": "a list price",
}


def _contract_column(header: str, idx: _Index) -> bool:
    """The header names a contract's own column (columns.yaml ``contract_columns``: 契約開始日,
    契約終了日, Contract End, 契約月数)."""
    key = header_key(header) if header else ""
    return bool(key) and any(w in key for w in idx.contract_columns)


def _per_unit(header: str, idx: _Index) -> bool:
    """The header names a price per unit (columns.yaml ``per_unit``: Price, 単価, Price (USD))."""
    return bool(header) and (
        header_key(header) in idx.per_unit or header_key_bare(header) in idx.per_unit
    )


#: the note's start of a rank column (ヨミ) beside a column of percentages (確度)
RANK_BESIDE_PERCENT = "a rank beside column"


def is_rank_beside_percent(match: ColumnMatch) -> bool:
    """A rank column (ヨミ) left unmapped for a column of percentages beside it (確度): still read
    for its stage words and for the blanks of the percentages (schema ``PROBABILITY_RANK``)."""
    return match.field is None and match.note.startswith(RANK_BESIDE_PERCENT)


def also_named(match: ColumnMatch, field: str) -> bool:
    """A column left unmapped because it names ``field`` too, which an earlier column holds:
    the candidates when a later step chooses another column for the field (the actual over
    the plan, the visible over the hidden, the customer's over a partner's)."""
    return match.field is None and match.note.startswith(_also(field))
