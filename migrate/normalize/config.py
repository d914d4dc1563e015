"""Loading rules/normalize.yaml (and the optional rules/owners.yaml) into frozen rule objects.

In: the rules directory. Out: a :class:`NormalizeRules` holding every word list, threshold and
on-error policy the normalisers use. The whole file is checked before anything runs: unknown
keys, wrong types and values outside their allowed set are collected and raised as one
RuleFileError whose lines name the key path, the bad value and the allowed values.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..findings import SEVERITIES, Severity
from ..rules import Problems, load_rule_file
from .base import POLICIES, Policy
from .text import clean_text, fold, placeholder_set

#: Normaliser kinds; the normaliser id is ``normalize.<kind>``.
KINDS: tuple[str, ...] = (
    *("text", "multiline-text", "company", "person", "owner", "email", "phone", "website"),
    *("postal-code", "date", "amount", "currency", "probability", "number", "stage"),
    "corporate-number",
)
#: Kinds whose canonical value is a number: a raw value cannot be kept there.
NUMERIC_KINDS = ("amount", "probability", "number")
#: Kinds whose value must be one of a closed set: a raw value cannot be kept there either.
CLOSED_KINDS = ("stage", "currency")
REPORTING = ("cell", "summary", "none")
ORDERS = ("month-first", "day-first")
RANGE_POLICIES = ("lower", "upper", "mid")


@dataclass(frozen=True)
class NormalizerRule:
    """On-error policy of one normaliser."""

    id: str
    on_error: Policy
    severity: Severity


@dataclass(frozen=True)
class LegalForm:
    """One legal form: the spelling used in display names and the spellings recognised."""

    form: str
    variants: tuple[str, ...]
    latin: bool


@dataclass(frozen=True)
class CompanyRules:
    legal_forms: tuple[LegalForm, ...]
    key_only_words: tuple[str, ...]
    honorifics: tuple[str, ...]
    cut_from: tuple[str, ...]
    leading: tuple[str, ...]
    branch_words: tuple[str, ...]
    key_folds: tuple[tuple[str, str], ...]
    # customer codes (取引先コード): True when 00123 and 123 are one code
    code_ignores_leading_zeros: bool = False
    # a note after the name in the company cell (桜井電機株式会社（※…旧社名…）): a bracketed tail
    # opening with one of these marks (or holding ※), or one longer than note_min_chars, moves
    # to the row's extra column note_column; the name is kept
    note_marks: tuple[str, ...] = ()
    former_marks: tuple[str, ...] = ()
    note_min_chars: int = 0
    note_column: str = ""
    # a company cell that says "a private person" (個人, 個人事業主, Individual): no company
    private_persons: tuple[str, ...] = ()
    # words that open a company cell naming a trade name (屋号：あおぞら整骨院): dropped, the
    # trade name is the company's name
    trade_name_marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeopleRules:
    honorific_suffixes: tuple[str, ...]
    honorific_prefixes: tuple[str, ...]
    titles: tuple[str, ...]
    name_suffixes: tuple[str, ...]
    name_particles: frozenset[str]  # folded: van, von, de ... (kept lower case inside a name)
    surnames: frozenset[str]
    max_surname: int
    # folded: Sales, Pipeline, Team ... a Latin value holding one is no person's name
    not_name_words: frozenset[str] = frozenset()
    # ご担当者, 各位: who a letter is for, not a name (a contact cell of only such a word)
    addressee_words: frozenset[str] = frozenset()
    # Western given names in katakana (ジョン): a katakana name starting with one is given-first
    foreign_given_kana: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PhoneRules:
    default_region: str
    extension_markers: tuple[str, ...]
    mobile_prefixes: tuple[str, ...]
    accept_unlisted: bool
    # what a Japanese mobile number starts with after its trunk 0 (090, 080, 070): a second
    # phone column of such numbers is the mobile phone
    mobile_number_prefixes: tuple[str, ...] = ()
    # words labelling a mobile number inside a phone cell (03-... / 携帯 090-...): that number
    # is the row's mobile phone
    mobile_labels: tuple[str, ...] = ()
    # the regions whose numbers a run's invalid ones are tried as, for the run summary's
    # --country hint, and the share of a column's numbers that must fail as the default region
    # and read as one of them
    hint_regions: tuple[str, ...] = ()
    hint_min_share: float = 0.5


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date


@dataclass(frozen=True)
class DateRules:
    min_year: int
    max_year: int
    ambiguous_order: str
    month_only: str
    fiscal_start: int
    fiscal_named_by: str
    quarters: str
    serial_min: float
    serial_max: float
    not_after_today: tuple[str, ...]
    future_facing: tuple[str, ...]
    eras: tuple[Era, ...]
    # an updated/created date more than this many days after the day its sheet states or its
    # workbook was saved does not set the reference date (a renewal or a plan, not an update)
    ahead_of_own_date_days: int = 31
    # word -> where in the month it puts a date: a day, or "end" (3月上旬 -> 10, 3月末 -> end)
    month_parts: tuple[tuple[str, str | int], ...] = ()
    # word -> (unit, offset) counted from the reference date: 来月 -> (month, 1), 今期 ->
    # (fiscal-year, 0); longest word first
    relative_periods: tuple[tuple[str, str, int], ...] = ()
    # where 03/04/2026 is March 4th: with --country of another, ambiguous_order is day-first
    month_first_countries: tuple[str, ...] = ()
    # weekday words written after a date (2027/03/31 水曜, 3/31 Wed): the Japanese day kanji
    # (水: after a date with 曜/曜日 or in brackets) and the English names and abbreviations
    weekday_kanji: tuple[str, ...] = ()
    weekday_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class AmountRules:
    default_currency: str
    range: str
    units: tuple[tuple[str, Decimal], ...]  # longest word first
    currencies: tuple[tuple[str, str], ...]  # longest token first
    approximate_words: tuple[str, ...]
    note_words: tuple[str, ...]
    period_words: tuple[tuple[str, str], ...]  # billing-period word -> month | year
    zero_decimal: frozenset[str]  # currencies without a minor unit (JPY): no decimals
    decimal_point: frozenset[str]  # currencies never written with a decimal comma (GBP, USD)
    suspect_min_values: int
    suspect_spread: float
    certain_min_ratio: float


@dataclass(frozen=True)
class ProbabilityRules:
    range: str
    ranks: tuple[tuple[str, float], ...]
    strip_words: tuple[str, ...]


@dataclass(frozen=True)
class EmailRules:
    """E-mail addresses (see rules/normalize.yaml ``emails``)."""

    # the local parts of a shared mailbox (info@, sales@, 営業部 toiawase@): of several addresses
    # in one cell, a person's is kept before one of these
    role_locals: frozenset[str] = frozenset()


@dataclass(frozen=True)
class StageRules:
    """Typo tolerance of stage-word matching (see rules/normalize.yaml ``stages``)."""

    typo_min_ratio: float  # Latin words: rapidfuzz ratio 0-100
    typo_min_latin: int  # Latin words: at least this many letters (word and candidate)
    typo_min_cjk: int  # Japanese words: at least this many characters (word and candidate)
    typo_max_cjk_edits: int  # Japanese words: at most this many edits (Levenshtein)
    typo_blockers: tuple[str, ...]  # compared as stage-word keys
    ambiguous: frozenset[str]  # stage-word keys of words said at several stages


@dataclass(frozen=True)
class NormalizeRules:
    """Everything rules/normalize.yaml says."""

    path: str
    reformats: str
    mappings: str
    text_cleaned: str
    types: tuple[tuple[str, str], ...]
    fields: tuple[tuple[str, str], ...]
    normalizers: tuple[NormalizerRule, ...]
    placeholders: frozenset[str]
    spare_columns: tuple[str, ...]
    companies: CompanyRules
    people: PeopleRules
    phones: PhoneRules
    dates: DateRules
    amounts: AmountRules
    probability: ProbabilityRules
    stages: StageRules
    emails: EmailRules = EmailRules()
    # a word of a file or sheet name -> the lead source its rows' blank lead_source take
    # (展示会リード_JapanITWeek.xlsx: 展示会), in the order listed
    lead_source_from_name: tuple[tuple[str, str], ...] = ()

    def rule(self, kind: str) -> NormalizerRule:
        """The on-error policy of ``normalize.<kind>``."""
        nid = f"normalize.{kind}"
        for r in self.normalizers:
            if r.id == nid:
                return r
        return NormalizerRule(nid, "blank", "warning")

    def kind_of(self, field: str, field_type: str) -> str:
        """The normaliser kind for a canonical field of the given type."""
        return dict(self.fields).get(field) or dict(self.types).get(field_type, "text")


#: The keys each section of the file may have (anything else is an error).
_KEYS = {
    "": "kind version findings types fields normalizers placeholders spare_columns "
    "lead_source_from_name companies "
    "people phones emails "
    "dates amounts probability stages",
    "findings": "reformats mappings text_cleaned",
    "companies": "legal_forms key_only_words honorifics cut_from leading branch_words key_folds "
    "code_leading_zeros note_marks former_marks note_min_chars note_column private_persons "
    "trade_name_marks",
    "people": "honorific_suffixes honorific_prefixes titles name_suffixes name_particles surnames "
    "not_name_words addressee_words foreign_given_kana",
    "phones": "default_region extension_markers leading_zero_mobile_prefixes "
    "mobile_number_prefixes mobile_labels accept_unlisted_japanese_numbers hint_regions "
    "hint_min_share",
    "dates": "min_year max_year ambiguous_order month_only month_parts fiscal_year_start_month "
    "fiscal_year_named_by quarters excel_serial not_after_today future_facing eras "
    "ahead_of_own_date_days "
    "relative_periods month_first_countries weekday_kanji weekday_names",
    "amounts": "default_currency range units currencies approximate_words note_words period_words "
    "zero_decimal_currencies decimal_point_currencies unit_suspect",
    "amounts.unit_suspect": "min_values spread certain_min_ratio",
    "probability": "range ranks strip_words",
    "emails": "role_locals",
    "stages": "typo_min_ratio typo_min_latin_letters typo_min_cjk_chars typo_max_cjk_edits "
    "typo_blockers ambiguous_words",
}


def load_rules(rules_dir: str | os.PathLike[str] | None = None) -> NormalizeRules:
    """The normalise rules of rules/normalize.yaml (a view on the rules bundle)."""
    from ..bundle import load_rules_bundle

    return load_rules_bundle(rules_dir).normalize


def parse_normalize_rules(path: str) -> NormalizeRules:
    """Read and fully check one normalize.yaml (the rules bundle calls this once per file)."""
    doc, p = load_rule_file(path, "normalize")
    p.keys(doc, "", _KEYS[""].split(), ["normalizers"])
    g = _Getter(p)
    findings = g.section(doc, "findings", _KEYS["findings"].split())
    types = g.section(doc, "types", None)
    fields = g.section(doc, "fields", None)
    for key, mapping in (("types", types), ("fields", fields)):
        for name, kind in mapping.items():
            p.choice(kind, f"{key}.{name}", KINDS)
    normalizers = []
    raw_norm = g.section(doc, "normalizers", None)
    for nid, spec in raw_norm.items():
        at = f"normalizers.{nid}"
        kind = str(nid).removeprefix("normalize.")
        if not p.choice(kind, f"{at} (id)", KINDS) or not p.keys(
            spec, at, ["on_error", "severity"]
        ):
            continue
        allowed = [x for x in POLICIES if x != "keep" or kind not in NUMERIC_KINDS + CLOSED_KINDS]
        on_error = spec.get("on_error", "blank")
        severity = spec.get("severity", "warning")
        if p.choice(on_error, f"{at}.on_error", allowed) & p.choice(
            severity, f"{at}.severity", SEVERITIES
        ):
            normalizers.append(NormalizerRule(str(nid), on_error, severity))
    co = g.section(doc, "companies", _KEYS["companies"].split())
    forms = []
    for i, spec in enumerate(co.get("legal_forms") or []):
        at = f"companies.legal_forms[{i}]"
        if p.keys(spec, at, ["form", "variants"], ["form", "variants"]):
            variants = tuple(
                clean_text(v) for v in p.string_list(spec["variants"], f"{at}.variants")
            )
            form = clean_text(spec["form"])
            forms.append(LegalForm(form, variants, form.isascii()))
    folds = g.section(co, "key_folds", None, at="companies.key_folds")
    people = g.section(doc, "people", _KEYS["people"].split())
    surnames = frozenset(clean_text(s) for s in g.words(people, "surnames", "people"))
    phones = g.section(doc, "phones", _KEYS["phones"].split())
    dates = g.section(doc, "dates", _KEYS["dates"].split())
    amounts = g.section(doc, "amounts", _KEYS["amounts"].split())
    suspect = g.section(
        amounts, "unit_suspect", _KEYS["amounts.unit_suspect"].split(), at="amounts.unit_suspect"
    )
    prob = g.section(doc, "probability", _KEYS["probability"].split())
    stages = g.section(doc, "stages", _KEYS["stages"].split())
    emails = g.section(doc, "emails", _KEYS["emails"].split())
    rules = NormalizeRules(
        path=path,
        reformats=g.choice(findings, "reformats", REPORTING, "summary", "findings"),
        mappings=g.choice(findings, "mappings", REPORTING, "summary", "findings"),
        text_cleaned=g.choice(findings, "text_cleaned", REPORTING, "summary", "findings"),
        types=tuple((str(k), str(v)) for k, v in types.items()),
        fields=tuple((str(k), str(v)) for k, v in fields.items()),
        normalizers=tuple(normalizers),
        placeholders=placeholder_set(p.string_list(doc.get("placeholders"), "placeholders")),
        spare_columns=tuple(p.string_list(doc.get("spare_columns"), "spare_columns")),
        lead_source_from_name=_name_sources(doc.get("lead_source_from_name"), p),
        companies=CompanyRules(
            legal_forms=tuple(forms),
            key_only_words=g.words(co, "key_only_words", "companies"),
            honorifics=g.words(co, "honorifics", "companies"),
            cut_from=g.words(co, "cut_from", "companies"),
            leading=g.words(co, "leading", "companies"),
            branch_words=g.words(co, "branch_words", "companies"),
            key_folds=tuple((clean_text(k), clean_text(v)) for k, v in folds.items()),
            code_ignores_leading_zeros=g.choice(
                co, "code_leading_zeros", ("keep", "ignore"), "keep", "companies"
            )
            == "ignore",
            note_marks=g.words(co, "note_marks", "companies"),
            former_marks=g.words(co, "former_marks", "companies"),
            note_min_chars=int(g.number(co, "note_min_chars", 0, "companies", 0, 10000)),
            note_column=g.text(co, "note_column", "", "companies"),
            private_persons=g.words(co, "private_persons", "companies"),
            trade_name_marks=g.words(co, "trade_name_marks", "companies"),
        ),
        people=PeopleRules(
            honorific_suffixes=g.words(people, "honorific_suffixes", "people"),
            honorific_prefixes=g.words(people, "honorific_prefixes", "people"),
            titles=tuple(sorted(g.words(people, "titles", "people"), key=len, reverse=True)),
            name_suffixes=g.words(people, "name_suffixes", "people"),
            name_particles=frozenset(
                w.casefold() for w in g.words(people, "name_particles", "people")
            ),
            surnames=surnames,
            max_surname=max(map(len, surnames), default=0),
            not_name_words=frozenset(
                w.casefold() for w in g.words(people, "not_name_words", "people")
            ),
            addressee_words=frozenset(g.words(people, "addressee_words", "people")),
            foreign_given_kana=frozenset(
                clean_text(w) for w in g.words(people, "foreign_given_kana", "people")
            ),
        ),
        phones=PhoneRules(
            default_region=g.text(phones, "default_region", "JP", "phones").upper(),
            extension_markers=g.words(phones, "extension_markers", "phones"),
            mobile_prefixes=g.words(phones, "leading_zero_mobile_prefixes", "phones"),
            accept_unlisted=g.flag(phones, "accept_unlisted_japanese_numbers", True, "phones"),
            mobile_number_prefixes=g.words(phones, "mobile_number_prefixes", "phones"),
            mobile_labels=g.words(phones, "mobile_labels", "phones"),
            hint_regions=tuple(r.upper() for r in g.words(phones, "hint_regions", "phones")),
            hint_min_share=g.number(phones, "hint_min_share", 0.5, "phones", 0.0, 1.0),
        ),
        dates=_dates(g, p, dates),
        amounts=_amounts(g, p, amounts, suspect),
        probability=ProbabilityRules(
            range=g.choice(prob, "range", RANGE_POLICIES, "mid", "probability"),
            ranks=tuple(
                (fold(str(k)), float(v))
                for k, v in g.section(prob, "ranks", None, at="probability.ranks").items()
                if p.type(v, f"probability.ranks.{k}", (int, float), "a number 0-100")
            ),
            strip_words=tuple(fold(w) for w in g.words(prob, "strip_words", "probability")),
        ),
        emails=EmailRules(
            role_locals=frozenset(w.lower() for w in g.words(emails, "role_locals", "emails"))
        ),
        stages=StageRules(
            typo_min_ratio=g.number(stages, "typo_min_ratio", 90, "stages", 0, 100),
            typo_min_latin=int(g.number(stages, "typo_min_latin_letters", 6, "stages", 1, 50)),
            typo_min_cjk=int(g.number(stages, "typo_min_cjk_chars", 3, "stages", 1, 50)),
            typo_max_cjk_edits=int(g.number(stages, "typo_max_cjk_edits", 1, "stages", 0, 5)),
            typo_blockers=tuple(
                dict.fromkeys(
                    k
                    for k in (stage_word_key(w) for w in g.words(stages, "typo_blockers", "stages"))
                    if k
                )
            ),
            ambiguous=frozenset(
                k
                for k in (stage_word_key(w) for w in g.words(stages, "ambiguous_words", "stages"))
                if k
            ),
        ),
    )
    p.raise_if_any()
    return rules


def stage_word_key(text: str) -> str:
    """Comparison key of a stage word: NFKC, case-folded, no spaces, punctuation or symbols.

    済み and 済 ("done", with and without its okurigana) are one word: 訪問済み = 訪問済. A word
    of symbols alone (○, △, ×, 🔥🔥) keeps its symbols, so it can be listed and decided too.
    """
    t = unicodedata.normalize("NFKC", text).casefold()
    key = "".join(ch for ch in t if unicodedata.category(ch)[0] not in "PZSC")
    if not key:
        key = "".join(ch for ch in t if unicodedata.category(ch)[0] not in "ZC")
    return key.replace("済み", "済")


def _dates(g: _Getter, p: Problems, d: Mapping[str, Any]) -> DateRules:
    eras = []
    for i, spec in enumerate(d.get("eras") or []):
        at = f"dates.eras[{i}]"
        if p.keys(spec, at, ["name", "letter", "start"], ["name", "letter", "start"]) and p.type(
            spec["start"], f"{at}.start", dt.date, "a date (YYYY-MM-DD)"
        ):
            eras.append(Era(str(spec["name"]), str(spec["letter"]).upper(), spec["start"]))
    serial = d.get("excel_serial", [20000, 80000])
    if not (
        isinstance(serial, list)
        and len(serial) == 2
        and all(isinstance(x, (int, float)) for x in serial)
    ):
        p.add("dates.excel_serial", f"{serial!r:.60} is not a pair of numbers [low, high]")
        serial = [20000, 80000]
    return DateRules(
        min_year=int(g.number(d, "min_year", 1990, "dates", 1000, 9999)),
        max_year=int(g.number(d, "max_year", 2100, "dates", 1000, 9999)),
        ambiguous_order=g.choice(d, "ambiguous_order", ORDERS, "month-first", "dates"),
        month_first_countries=tuple(
            w.upper() for w in g.words(d, "month_first_countries", "dates")
        ),
        weekday_kanji=g.words(d, "weekday_kanji", "dates"),
        weekday_names=tuple(w.casefold() for w in g.words(d, "weekday_names", "dates")),
        month_only=g.choice(d, "month_only", ("end", "start"), "end", "dates"),
        fiscal_start=int(g.number(d, "fiscal_year_start_month", 4, "dates", 1, 12)),
        fiscal_named_by=g.choice(d, "fiscal_year_named_by", ("start", "end"), "start", "dates"),
        quarters=g.choice(d, "quarters", ("fiscal", "calendar"), "fiscal", "dates"),
        serial_min=float(serial[0]),
        serial_max=float(serial[1]),
        not_after_today=g.words(d, "not_after_today", "dates"),
        future_facing=(
            g.words(d, "future_facing", "dates")
            if "future_facing" in d
            else ("close_date", "next_action_date")
        ),
        eras=tuple(eras),
        ahead_of_own_date_days=int(g.number(d, "ahead_of_own_date_days", 31, "dates", 0, 3660)),
        month_parts=_month_parts(p, d.get("month_parts")),
        relative_periods=_relative_periods(p, d.get("relative_periods") or {}),
    )


RELATIVE_UNITS = ("month", "quarter", "half", "fiscal-year", "year")
_RELATIVE = re.compile(r"^(?P<unit>[a-z-]+?)\s*(?:(?P<sign>[+-])\s*(?P<n>\d{1,2}))?$")


def _relative_periods(p: Problems, raw: Any) -> tuple[tuple[str, str, int], ...]:
    """来月: month+1, 今期: fiscal-year, this quarter: quarter -> (word, unit, offset)."""
    if not isinstance(raw, Mapping):
        p.add("dates.relative_periods", "expected a mapping of word: unit[+n|-n]")
        return ()
    out = []
    for word, spec in raw.items():
        at = f"dates.relative_periods.{word}"
        text = clean_text(str(word)).casefold()
        hit = _RELATIVE.match(str(spec).strip()) if isinstance(spec, str) else None
        if not text:
            p.add(at, f"{word!r:.60} is not a word")
        elif hit is None or hit["unit"] not in RELATIVE_UNITS:
            allowed = ", ".join(f"{u}, {u}+1, {u}-1" for u in RELATIVE_UNITS)
            p.add(at, f"{spec!r:.60} is not allowed; allowed values: {allowed} (any offset)")
        else:
            n = int(hit["n"] or 0) * (-1 if hit["sign"] == "-" else 1)
            out.append((text, hit["unit"], n))
    return tuple(sorted(out, key=lambda t: (-len(t[0]), t[0])))


def _month_parts(p: Problems, raw: Any) -> tuple[tuple[str, str | int], ...]:
    if not isinstance(raw, Mapping):
        p.add("dates.month_parts", "expected a mapping of word: day of the month (1-31) or end")
        return ()
    out: list[tuple[str, str | int]] = []
    for word, day in raw.items():
        at = f"dates.month_parts.{word}"
        text = clean_text(str(word)).casefold()
        if not text or text != str(word).strip().casefold():
            p.add(at, f"{word!r:.60} is not a word")
        elif day == "end" or (
            isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 31
        ):
            out.append((text, day))
        else:
            p.add(at, f"{day!r:.60} is not allowed; allowed values: a day 1 to 31, end")
    return tuple(sorted(out, key=lambda kv: (-len(kv[0]), kv[0])))


def _amounts(g: _Getter, p: Problems, a: Mapping[str, Any], s: Mapping[str, Any]) -> AmountRules:
    units = []
    for k, v in g.section(a, "units", None, at="amounts.units").items():
        try:
            units.append((clean_text(str(k)), Decimal(str(v))))
        except InvalidOperation:
            p.add(f"amounts.units.{k}", f"{v!r:.60} is not a number")
    currencies = []
    for k, v in g.section(a, "currencies", None, at="amounts.currencies").items():
        if p.type(v, f"amounts.currencies.{k}", str, "a currency code") and not (
            len(v) == 3 and v.isalpha() and v.isupper()
        ):
            p.add(f"amounts.currencies.{k}", f"{v!r} is not an ISO 4217 code (three capitals)")
        currencies.append((clean_text(str(k)), str(v)))
    default = g.text(a, "default_currency", "JPY", "amounts")
    if not (len(default) == 3 and default.isalpha() and default.isupper()):
        p.add("amounts.default_currency", f"{default!r} is not an ISO 4217 code (three capitals)")
    return AmountRules(
        default_currency=default,
        range=g.choice(a, "range", RANGE_POLICIES, "mid", "amounts"),
        units=tuple(sorted(units, key=lambda kv: -len(kv[0]))),
        currencies=tuple(sorted(currencies, key=lambda kv: -len(kv[0]))),
        approximate_words=tuple(
            sorted(g.words(a, "approximate_words", "amounts"), key=len, reverse=True)
        ),
        note_words=tuple(sorted(g.words(a, "note_words", "amounts"), key=len, reverse=True)),
        period_words=_period_words(g, p, a),
        zero_decimal=frozenset(w.upper() for w in g.words(a, "zero_decimal_currencies", "amounts"))
        if "zero_decimal_currencies" in a
        else frozenset({"JPY", "KRW"}),
        decimal_point=frozenset(
            w.upper() for w in g.words(a, "decimal_point_currencies", "amounts")
        ),
        suspect_min_values=int(g.number(s, "min_values", 5, "amounts.unit_suspect", 2, 10**6)),
        suspect_spread=g.number(s, "spread", 10, "amounts.unit_suspect", 1, 10**6),
        certain_min_ratio=g.number(s, "certain_min_ratio", 0.1, "amounts.unit_suspect", 0, 10**6),
    )


PERIODS = ("month", "year")


def _period_words(g: _Getter, p: Problems, a: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """amounts.period_words: {month: [/月, 月額 ...], year: [...]} as (word, period) pairs."""
    section = g.section(a, "period_words", list(PERIODS), at="amounts.period_words")
    return tuple(
        (w, period)
        for period in PERIODS
        for w in g.words(section, period, "amounts.period_words")
        if period in section
    )


def _name_sources(raw: Any, p: Problems) -> tuple[tuple[str, str], ...]:
    """lead_source_from_name: {lead source: [words of a file or sheet name]} as (word, source)
    pairs, in the order listed."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        p.add("lead_source_from_name", "expected a mapping of lead source: [name words]")
        return ()
    return tuple(
        (w, str(source))
        for source, words in raw.items()
        for w in p.string_list(words, f"lead_source_from_name.{source}")
    )


class _Getter:
    """Typed reads from a YAML mapping that record problems instead of failing."""

    def __init__(self, problems: Problems) -> None:
        self.p = problems

    def section(
        self, doc: Any, key: str, allowed: list[str] | None, *, at: str = ""
    ) -> dict[str, Any]:
        at = at or key
        value = doc.get(key) if isinstance(doc, Mapping) else None
        if value is None:
            return {}
        if allowed is None:
            if not isinstance(value, Mapping):
                self.p.add(at, f"expected a mapping, got {type(value).__name__}")
                return {}
            return dict(value)
        self.p.keys(value, at, allowed)  # unknown keys are reported; the known ones still checked
        return dict(value) if isinstance(value, Mapping) else {}

    def words(self, doc: Mapping[str, Any], key: str, at: str) -> tuple[str, ...]:
        return tuple(
            w for w in (clean_text(v) for v in self.p.string_list(doc.get(key), f"{at}.{key}")) if w
        )

    def choice(
        self, doc: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str, at: str
    ) -> str:
        value = doc.get(key, default)
        return str(value) if self.p.choice(value, f"{at}.{key}", allowed) else default

    def flag(self, doc: Mapping[str, Any], key: str, default: bool, at: str) -> bool:
        value = doc.get(key, default)
        return bool(value) if self.p.type(value, f"{at}.{key}", bool, "true or false") else default

    def text(self, doc: Mapping[str, Any], key: str, default: str, at: str) -> str:
        value = doc.get(key, default)
        return str(value) if self.p.type(value, f"{at}.{key}", str, "a text") else default

    def number(
        self, doc: Mapping[str, Any], key: str, default: float, at: str, low: float, high: float
    ) -> float:
        value = doc.get(key, default)
        if not self.p.type(value, f"{at}.{key}", (int, float), "a number"):
            return float(default)
        if not low <= value <= high:
            self.p.add(
                f"{at}.{key}", f"{value!r} is out of range; allowed values: {low:g} to {high:g}"
            )
            return float(default)
        return float(value)
