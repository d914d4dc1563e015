"""The canonical schema: the fields every tracker is mapped onto, read from rules/columns.yaml.

Also names the bookkeeping columns every stage can rely on. Canonical columns are snake_case;
bookkeeping columns start with ``_``. SFA field names never appear here, only in the target
profiles under rules/targets/.
"""

from __future__ import annotations

import functools
import math
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .headers import header_key
from .rules import Problems, did_you_mean, load_rule_file

Entity = Literal["company", "contact", "deal"]
FieldType = Literal[
    "id",
    "text",
    "company",
    "person",
    "email",
    "phone",
    "url",
    "date",
    "amount",
    "probability",
    "stage",
    "currency",
    "number",
]
ENTITIES: tuple[str, ...] = ("company", "contact", "deal")
FIELD_TYPES: tuple[str, ...] = FieldType.__args__  # type: ignore[attr-defined]

# Bookkeeping columns present on every record frame (one row per source data row).
SOURCE_FILE = "_source_file"  # file name as given (basename)
SOURCE_SHEET = "_source_sheet"  # sheet name; "" for CSV/TSV
SOURCE_ROW = "_source_row"  # Excel row number as the user sees it (CSV: line number, header = 1)
ROW_KEY = "_row_key"  # stable key "file|sheet|row": survives re-runs, used by decisions
SOURCE_ORDER = "_source_order"  # position of the file in the inputs (0-based), then the sheet
EXTRA_PREFIX = "extra:"  # unmapped source columns are kept as "extra:<header>"
# the marks of a row's format ("strike grey", "fill:FFFF00"), only where a sheet has them
ROW_MARKS = "_row_marks"
# a table without a stage column: the headers of its close-date and amount columns, one
# "field<TAB>header" a line (受注日, 受注金額 say its rows are won deals; rules/stages.yaml
# evidence), only where a sheet has them
SHEET_HEADERS = "_sheet_headers"
# the comment on a row's empty stage cell, "cell<TAB>text" (F4<TAB>受注（12/10 注文書受領）), only
# where a sheet has such comments: the stage inference reads a stage word from it
STAGE_COMMENT = "_stage_comment"
# the cells of a rank column (ヨミ: A/B/C, ◎○△, 受注, 失注) left unmapped because a column of
# percentages beside it (確度) is the probability, only where a sheet has one: its stage words
# give the row's stage and its ranks the probability where the percentage is blank
PROBABILITY_RANK = "_probability_rank"


def row_mark_words(mark: str) -> str:
    """A row mark in words: ``struck through``, ``filled grey``, ``filled #FFFF00``."""
    if mark == "strike":
        return "struck through"
    colour = mark.split(":", 1)[-1]
    return f"filled {colour if colour == 'grey' or colour.startswith('theme') else '#' + colour}"


BOOKKEEPING = [
    SOURCE_FILE,
    SOURCE_SHEET,
    SOURCE_ROW,
    ROW_KEY,
    SOURCE_ORDER,
]


@dataclass(frozen=True)
class Field:
    """One canonical field."""

    name: str
    entity: Entity
    type: FieldType
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class KeywordRule:
    """A header holding any of ``any`` (and, when given, any of ``with``) is this field."""

    field: str
    any: tuple[str, ...]
    with_: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    """All canonical fields plus the matching settings, unit hints and header vocabulary
    (ambiguous headers, abbreviations, keywords) from columns.yaml."""

    fields: tuple[Field, ...]
    fuzzy_min: float
    sniff_min_share: float
    sniff_min_values: int
    multipliers: tuple[tuple[str, float], ...]
    currencies: tuple[tuple[str, str], ...]
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = ()  # header -> candidate fields
    abbreviations: tuple[tuple[str, str], ...] = ()  # short form -> word
    keywords: tuple[KeywordRule, ...] = ()
    # header words no canonical field takes (FAX, 契約終了日): such a column stays unmapped
    unmapped: tuple[str, ...] = ()
    # words that make a header a code or class of what it names (顧客区分, 規模コード)
    qualifiers: tuple[str, ...] = ()
    # words of a file or sheet name that make it a list of deals (Deals, Pipeline, 案件)
    deal_sheet_words: tuple[str, ...] = ()
    # headers of a price per unit (Price, 単価): beside another amount column (Amount, Total)
    # it gives way, the other is the deal's amount
    per_unit: tuple[str, ...] = ()
    # honorifics one writes after a customer's name, never a colleague's (様, 殿): a column of
    # people mostly so written is the customer's contact, not the rep in charge
    customer_honorifics: tuple[str, ...] = ()
    # the values that say a person opted out of e-mail (columns.yaml email_opt_out_values):
    # words: in either column; marks_out: under an opt-out column (配信停止 ○); marks_refused:
    # under a consent column (メルマガ配信 ×)
    opt_out_words: tuple[str, ...] = ()
    opt_out_yes: tuple[str, ...] = ()
    opt_out_no: tuple[str, ...] = ()
    # words that make an amount column a price the deal is not sold at, in tiers (columns.yaml
    # amount_gives_way): beside a column of a better tier (none of the words is best) it gives
    # way (税込 beside 税抜, 値引前 beside 値引後; 仕切, the partner's price, beside any)
    amount_gives_way: tuple[tuple[str, ...], ...] = ()
    # headers of a quote's revision (Rev): beside a quote number, no revenue
    revisions: tuple[str, ...] = ()
    # the values of a deal-type column: canonical type -> its words (columns.yaml deal_types)
    deal_types: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # deal types a won stage does not make a won deal (churn, downgrade)
    deal_types_not_won: tuple[str, ...] = ()
    # a sheet of companies (columns.yaml company_list): a company column, no column of deals
    # (deal_fields) and, for a move of a person's field, none of people (people_fields); there a
    # field of ``moves`` is read as the company's (Revenue -> annual_revenue, TEL -> company_phone)
    company_list_deal_fields: tuple[str, ...] = ()
    company_list_people_fields: tuple[str, ...] = ()
    company_list_moves: tuple[tuple[str, str], ...] = ()
    # the words a company list's money header must hold to be its revenue (売上, Revenue): a bare
    # 金額 beside an activity log's rows is no company's revenue
    company_list_revenue_words: tuple[str, ...] = ()
    # header words of a length of time (期間, 月数, Term): such a header is never a date field
    lengths: tuple[str, ...] = ()
    # header words of a contract's own columns (契約開始, Contract End): beside one, a header of
    # ``renewal_dates`` (更新日) is the contract's renewal date, not the row's last update
    contract_columns: tuple[str, ...] = ()
    renewal_dates: tuple[str, ...] = ()
    # the period an amount header states (月額, MRR -> month; 年額 -> year)
    amount_periods: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # a name beside this many companies on most rows of a 担当者 column is our rep's
    rep_min_companies: int = 3
    # words that make a header a price per unit for certain (単価, Unit, Per)
    unit_price_words: tuple[str, ...] = ()

    def deal_type_of(self, value: object) -> str:
        """The canonical deal type a cell says ('' when none of deal_types lists it)."""
        return _deal_type_table(self.deal_types).get(header_key(str(value)), "")

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@functools.lru_cache(maxsize=8)
def _deal_type_table(types: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    return {header_key(w): kind for kind, words in types for w in words}


def row_key(file: str, sheet: str, row: int) -> str:
    """The stable key of one source row."""
    return f"{file}|{sheet}|{row}"


def parse_schema(path: str) -> Schema:
    """Read and fully check one columns.yaml (the rules bundle calls this once per file)."""
    doc, problems = load_rule_file(path, "columns")
    problems.keys(
        doc,
        "",
        [
            "kind",
            "version",
            "matching",
            "units",
            "ambiguous",
            "abbreviations",
            "keywords",
            "unmapped",
            "qualifiers",
            "deal_sheet_words",
            "per_unit",
            "customer_honorifics",
            "email_opt_out_values",
            "amount_gives_way",
            "revisions",
            "deal_types",
            "deal_types_not_won",
            "company_list",
            "lengths",
            "contract_columns",
            "renewal_dates",
            "amount_periods",
            "unit_price_words",
            "fields",
        ],
        ["fields"],
    )
    matching = doc.get("matching") or {}
    problems.keys(
        matching,
        "matching",
        ["fuzzy_min", "sniff_min_share", "sniff_min_values", "rep_min_companies"],
    )
    units = doc.get("units") or {}
    problems.keys(units, "units", ["multipliers", "currencies"])
    fields: list[Field] = []
    seen: dict[str, str] = {}
    raw_fields = doc.get("fields") or {}
    if problems.keys(
        raw_fields, "fields", list(raw_fields) if isinstance(raw_fields, dict) else []
    ):
        for name, spec in raw_fields.items():
            key = f"fields.{name}"
            problems.keys(
                spec,
                key,
                ["entity", "type", "synonyms", "description"],
                ["entity", "type", "synonyms"],
            )
            if not isinstance(spec, dict) or not {"entity", "type", "synonyms"} <= set(spec):
                continue
            problems.choice(spec["entity"], f"{key}.entity", ENTITIES)
            problems.choice(spec["type"], f"{key}.type", FIELD_TYPES)
            syns = problems.string_list(spec["synonyms"], f"{key}.synonyms")
            for s in syns:
                k = header_key(s)
                if k in seen and seen[k] != name:
                    problems.add(f"{key}.synonyms", f"'{s}' is also listed under '{seen[k]}'")
                seen[k] = name
            fields.append(Field(name, spec["entity"], spec["type"], tuple(syns)))
    mult = []
    for k, v in (units.get("multipliers") or {}).items():
        if problems.type(v, f"units.multipliers.{k}", (int, float), "a number"):
            mult.append((str(k), float(v)))
    cur = []
    for k, v in (units.get("currencies") or {}).items():
        if problems.type(v, f"units.currencies.{k}", str, "a currency code"):
            cur.append((str(k), v))
    names = [f.name for f in fields]
    ambiguous = _ambiguous(doc.get("ambiguous"), names, problems)
    abbreviations = _abbreviations(doc.get("abbreviations"), problems)
    keywords = _keywords(doc.get("keywords"), names, problems)
    unmapped = tuple(problems.string_list(doc.get("unmapped"), "unmapped"))
    qualifiers = tuple(problems.string_list(doc.get("qualifiers"), "qualifiers"))
    deal_sheet_words = tuple(problems.string_list(doc.get("deal_sheet_words"), "deal_sheet_words"))
    per_unit = tuple(problems.string_list(doc.get("per_unit"), "per_unit"))
    customer_honorifics = tuple(
        problems.string_list(doc.get("customer_honorifics"), "customer_honorifics")
    )
    opt = doc.get("email_opt_out_values") or {}
    problems.keys(opt, "email_opt_out_values", ["words", "marks_out", "marks_refused"])
    opt_lists = {
        k: tuple(problems.string_list(opt.get(k) or [], f"email_opt_out_values.{k}"))
        for k in ("words", "marks_out", "marks_refused")
    } if isinstance(opt, dict) else {"words": (), "marks_out": (), "marks_refused": ()}  # fmt: skip
    raw_tiers = doc.get("amount_gives_way") or []
    tiers: list[tuple[str, ...]] = []
    if problems.type(raw_tiers, "amount_gives_way", list, "a list of lists of words"):
        for n, tier in enumerate(raw_tiers):
            tiers.append(tuple(problems.string_list(tier, f"amount_gives_way[{n}]")))
    revisions = tuple(problems.string_list(doc.get("revisions"), "revisions"))
    deal_types: list[tuple[str, tuple[str, ...]]] = []
    raw_types = doc.get("deal_types") or {}
    if problems.type(raw_types, "deal_types", dict, "a mapping of type: [words]"):
        seen_word: dict[str, str] = {}
        for kind, words in raw_types.items():
            listed = problems.string_list(words, f"deal_types.{kind}")
            for w in listed:
                k = header_key(w)
                if seen_word.get(k, str(kind)) != str(kind):
                    problems.add(
                        f"deal_types.{kind}", f"'{w}' is also listed under '{seen_word[k]}'"
                    )
                seen_word.setdefault(k, str(kind))
            deal_types.append((str(kind), tuple(listed)))
    not_won = tuple(problems.string_list(doc.get("deal_types_not_won"), "deal_types_not_won"))
    for t in not_won:
        if t not in dict(deal_types):
            problems.add("deal_types_not_won", f"'{t}' is no type of deal_types")
    company_list = doc.get("company_list") or {}
    moves: list[tuple[str, str]] = []
    list_deals: tuple[str, ...] = ()
    list_people: tuple[str, ...] = ()
    revenue_words: tuple[str, ...] = ()
    if problems.type(company_list, "company_list", dict, "a mapping"):
        problems.keys(
            company_list, "company_list", ["deal_fields", "people_fields", "moves", "revenue_words"]
        )
        revenue_words = tuple(
            problems.string_list(company_list.get("revenue_words"), "company_list.revenue_words")
        )
        list_deals = _field_names(
            company_list.get("deal_fields") or [], "company_list.deal_fields", names, problems
        )
        list_people = _field_names(
            company_list.get("people_fields") or [], "company_list.people_fields", names, problems
        )
        raw_moves = company_list.get("moves") or {}
        if problems.type(raw_moves, "company_list.moves", dict, "a mapping field -> field"):
            for k, v in raw_moves.items():
                key = f"company_list.moves.{k}"
                if str(k) not in names:
                    problems.add(key, f"'{k}' is not a field")
                elif problems.type(v, key, str, "a field name") and v not in names:
                    problems.add(key, f"'{v}' is not a field")
                else:
                    moves.append((str(k), str(v)))
    lengths = tuple(problems.string_list(doc.get("lengths"), "lengths"))
    contract_columns = tuple(problems.string_list(doc.get("contract_columns"), "contract_columns"))
    renewal_dates = tuple(problems.string_list(doc.get("renewal_dates"), "renewal_dates"))
    unit_price_words = tuple(problems.string_list(doc.get("unit_price_words"), "unit_price_words"))
    raw_periods = doc.get("amount_periods") or {}
    periods: list[tuple[str, tuple[str, ...]]] = []
    if problems.type(raw_periods, "amount_periods", dict, "a mapping month/year -> words"):
        problems.keys(raw_periods, "amount_periods", ["month", "year"])
        for period, words in raw_periods.items():
            periods.append(
                (str(period), tuple(problems.string_list(words, f"amount_periods.{period}")))
            )
    problems.raise_if_any()
    # longest fragments first so 万円 wins over 円 and 百万 over 万
    mult.sort(key=lambda kv: -len(kv[0]))
    cur.sort(key=lambda kv: -len(kv[0]))
    return Schema(
        fields=tuple(fields),
        fuzzy_min=float(matching.get("fuzzy_min", 0.86)),
        sniff_min_share=float(matching.get("sniff_min_share", 0.8)),
        sniff_min_values=int(matching.get("sniff_min_values", 3)),
        rep_min_companies=int(matching.get("rep_min_companies", 3)),
        multipliers=tuple(mult),
        currencies=tuple(cur),
        ambiguous=ambiguous,
        abbreviations=abbreviations,
        keywords=keywords,
        unmapped=unmapped,
        qualifiers=qualifiers,
        deal_sheet_words=deal_sheet_words,
        per_unit=per_unit,
        customer_honorifics=customer_honorifics,
        deal_types=tuple(deal_types),
        deal_types_not_won=not_won,
        opt_out_words=opt_lists["words"],
        opt_out_yes=opt_lists["marks_out"],
        opt_out_no=opt_lists["marks_refused"],
        amount_gives_way=tuple(tiers),
        revisions=revisions,
        company_list_deal_fields=list_deals,
        company_list_people_fields=list_people,
        company_list_moves=tuple(moves),
        company_list_revenue_words=revenue_words,
        lengths=lengths,
        contract_columns=contract_columns,
        renewal_dates=renewal_dates,
        amount_periods=tuple(periods),
        unit_price_words=unit_price_words,
    )


def _field_names(value: Any, key: str, names: list[str], problems: Problems) -> tuple[str, ...]:
    """A list of canonical field names; each unknown one is a problem with a suggestion."""
    out = []
    for v in problems.string_list(value, key):
        if v in names:
            out.append(v)
        else:
            problems.add(
                key, f"{v!r} is not a field{did_you_mean(v, names)}; fields: {', '.join(names)}"
            )
    return tuple(out)


def _ambiguous(
    raw: Any, names: list[str], problems: Problems
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.add("ambiguous", "expected a mapping of header: [field, field, ...]")
        return ()
    out = []
    for header, fields in raw.items():
        key = f"ambiguous.{header}"
        if not isinstance(fields, list) or len(fields) < 2:
            problems.add(key, f"{fields!r:.60} is not a list of two or more fields")
            continue
        out.append((str(header), _field_names(fields, key, names, problems)))
    return tuple(out)


def _abbreviations(raw: Any, problems: Problems) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.add("abbreviations", "expected a mapping of short form: word")
        return ()
    out = []
    for short, word in raw.items():
        if problems.type(word, f"abbreviations.{short}", (str, int, float), "a word"):
            out.append((str(short), str(word)))
    return tuple(out)


def _keywords(raw: Any, names: list[str], problems: Problems) -> tuple[KeywordRule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add("keywords", "expected a list of {field, any, with}")
        return ()
    out = []
    for i, rule in enumerate(raw):
        key = f"keywords[{i}]"
        if not problems.keys(rule, key, ["field", "any", "with"], ["field", "any"]):
            continue
        field = rule["field"]
        if field not in names:
            problems.add(
                f"{key}.field",
                f"{field!r} is not a field{did_you_mean(field, names)}; fields: {', '.join(names)}",
            )
            continue
        any_ = problems.string_list(rule["any"], f"{key}.any")
        if not any_:
            problems.add(f"{key}.any", "expected at least one word")
        with_ = problems.string_list(rule.get("with"), f"{key}.with")
        out.append(KeywordRule(str(field), tuple(any_), tuple(with_)))
    return tuple(out)


def names_deals(name: str, schema: Schema) -> bool:
    """A file or sheet name holds a word of columns.yaml ``deal_sheet_words`` (Latin ones as
    whole words: airtable_Deals-Grid view, monday_Sales_Pipeline; others anywhere: 案件一覧)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    words = set(re.findall(r"[a-z]+", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).casefold()))
    for w in schema.deal_sheet_words:
        key = unicodedata.normalize("NFKC", w).casefold()
        if (key in words) if key.isascii() else (key in text):
            return True
    return False


def load_schema(rules: str | os.PathLike[str] | None = None) -> Schema:
    """The canonical schema of rules/columns.yaml (a view on the rules bundle)."""
    from .bundle import load_rules_bundle

    return load_rules_bundle(rules).schema


def is_blank(value: object) -> bool:
    """True for None, NaN/NaT, pd.NA and strings that are empty after trimming: an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return False


def cell_text(value: object) -> str:
    """A cell as text: "" when it is blank (:func:`is_blank`), else ``str(value)``."""
    return "" if is_blank(value) else str(value)


def flags(series: pd.Series, test: Callable[[Any], object]) -> pd.Series:
    """``test`` of every value as a boolean Series on the same index.

    ``Series.map`` keeps the input's dtype when the series is empty: with pandas 3 an empty
    ``str`` series maps to an empty ``str`` series, whose ``sum()`` is ``''`` and which cannot
    be combined with ``&``. Masks are therefore built here, always as ``bool``.

    ``test`` runs once per distinct value (:func:`migrate.columnar.by_value`: trackers repeat
    their values; True and 1 stay apart, missing values are asked once per kind).
    """
    from .columnar import by_value

    marks = by_value(series, lambda v: bool(test(v)))
    return pd.Series(np.array(marks, dtype=bool), index=series.index, dtype=bool)
