"""The normalize stage: every canonical field of the records frame to its canonical value.

In: the records frame after ingest + columns (raw values, object dtype; bookkeeping columns
``_source_file``, ``_source_sheet``, ``_source_row``), the unit and currency each source
column's header announces (:class:`migrate.amounts.ColumnUnits`), rules/normalize.yaml,
rules/columns.yaml (field types), rules/stages.yaml (stage words) and the optional
rules/owners.yaml. Out: a new frame with the same index and row order whose fields
hold canonical values (see docs/architecture.md, "After normalize"), plus the derived columns
``company_key``, ``company_legal_form``, ``email_domain``, ``website_domain``, ``owner_email``,
``_stage_inferred``, ``_reject`` and ``_reject_reason``, and a findings frame. The input frame
is never modified.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ..amounts import ColumnUnits
from ..columnar import group_codes
from ..schema import PROBABILITY_RANK, flags, is_blank, load_schema
from .addresses import address_parts
from .base import Issue, Outcome, distinct, settle, take
from .codes import join_company_codes, join_record_ids, normalize_corporate_number
from .collect import Collector
from .companies import (
    former_name,
    is_legal_form,
    names_company_by_form,
    normalize_company,
    split_note,
)
from .config import NormalizeRules, load_rules
from .date_columns import normalize_date_columns
from .emails import email_domain, normalize_email
from .money import normalize_money
from .owners import load_owners, normalize_owner_column
from .people import address_alone, address_in_name, normalize_person
from .phones import countries_from_run, normalize_phone, split_mobile
from .probability import normalize_number, normalize_probability, parse_probability
from .stage_words import (
    StageVocabulary,
    assume_lead_status,
    lead_list_statuses,
    load_stage_vocabulary,
    match_stage,
    normalize_stage_column,
    stage_codes,
)
from .text import clean_text
from .web import normalize_postal_code, normalize_website, website_domain

T = TypeVar("T")

REJECT = "_reject"
REJECT_REASON = "_reject_reason"
STAGE_INFERRED = "_stage_inferred"
STAGE_FROM_PROBABILITY = "_stage_from_probability"  # the stage word stood in the probability column
_CONTACT = ("contact_name", "contact_last_name", "contact_first_name")
#: the company's former name (rules/columns.yaml former_name: 旧社名, Former Name)
FORMER = "former_name"


def normalize_records(
    records: pd.DataFrame,
    *,
    rules_dir: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
    units: ColumnUnits | None = None,
    stage_vocabulary: StageVocabulary | None = None,
    rank_legends: Mapping[str, Mapping[str, float]] | None = None,
    saved: tuple[dt.date, str] | None = None,
    stage_legends: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (normalized records, findings frame).

    ``units`` is the column metadata of the sources (:func:`migrate.ingest.column_units`): a
    bare 12 under 金額（万円） is 120000, an amount under Amount (USD) is in dollars. Without it
    no header announces a unit or a currency.

    ``stage_vocabulary`` replaces the rules' stage words (a run replaying a person's stage-word
    decisions, :func:`migrate.stage_review.vocabulary_with_decisions`); ``rank_legends`` maps a
    source file to its own rank legend (a 確度基準 sheet, :func:`.probability.rank_legend`), read
    before the rules' ranks for that file's probability cells; ``stage_legends`` a source file
    to its stage legend (a ステージ定義 sheet's codes and words, :func:`.stage_words.stage_legend`),
    so that its stage cell 3 reads as the legend's word. ``saved`` (the latest date a
    workbook was last saved, and its name) is the reference date when ``today`` is None and the
    data has no updated/created date.

    ``today`` is the reference date of the future-date checks and of years nothing else in a
    row or sheet gives; when None it is derived from the data (the latest updated_at/created_at
    once read, see :mod:`.date_columns`), never from the clock: the same records always give the
    same output.
    """
    rules = load_rules(rules_dir)
    schema = load_schema(rules_dir)
    # the input's columns shared, not copied: every step replaces a column whole (or writes
    # into a copy of it, _set_cells); the Collector reads the originals from ``records``
    out = records.copy(deep=False)
    col = Collector(records, rules)
    _fill_from_spare_columns(out, col, rules, schema)
    _lead_source_from_name(out, col, rules)
    kinds: dict[str, str] = {}
    for f in schema.fields:
        if f.name in out.columns:
            kinds[f.name] = rules.kind_of(f.name, f.type)
    for name in out.columns:
        if isinstance(name, str) and name not in kinds and not name.startswith("_"):
            kinds[name] = "text"  # extra:<header> and unknown columns: text cleaning only
    by_kind: dict[str, list[str]] = {}
    for name, kind in kinds.items():
        by_kind.setdefault(kind, []).append(name)

    cleaned = {
        name: _text(out, col, name, multiline=kind == "multiline-text")
        for kind in ("text", "multiline-text")
        for name in by_kind.get(kind, [])
    }
    # the cleaned columns replace the old ones in one go: a sheet with thousands of unmapped
    # columns would otherwise be split into thousands of blocks, one per column set
    if cleaned:
        columns = list(out.columns)
        out = pd.concat(
            [out.drop(columns=list(cleaned)), pd.DataFrame(cleaned, index=out.index)], axis=1
        )[columns]
    _deal_types(out, col, schema)
    if address_parts(out, col):  # a postal code at the head of the address, no column of it
        kinds["postal_code"] = rules.kind_of("postal_code", "text")
        by_kind.setdefault(kinds["postal_code"], []).append("postal_code")
    _latest_of_updates(out, col, [n for k in UPDATED_KINDS for n in by_kind.get(k, [])])
    _company_from_deal_name(out, col, rules)
    _note_out_of_company(out, col, rules)
    _person_out_of_company(out, col, rules)
    for name in by_kind.get("company", []):
        _company(out, col, rules, name)
    _partner_without_account(out, col)
    # a deal sheet naming its customer only by the code of a 顧客マスタ sheet (取引先コード)
    join_company_codes(out, col, rules)
    # a detail sheet naming its deal only by the tracker's own id (案件ID | 金額)
    join_record_ids(out, col)
    _emails_from_names(out, by_kind)
    _emails_from_phones(out, col, by_kind)
    _mobiles_from_phones(out, col, rules, by_kind)
    _people(out, col, rules, by_kind.get("person", []))
    for name in by_kind.get("owner", []):
        normalize_owner_column(out, col, rules, name, load_owners(rules_dir))
    for name in by_kind.get("email", []):
        values = _simple(out, col, rules, name, "email", lambda v: normalize_email(v, rules))
        out[_derived(name, "domain")] = _series(out, [email_domain(v) for v in values])
    for name in by_kind.get("phone", []):
        _simple(
            out, col, rules, name, "phone", lambda v: normalize_phone(v, rules), countries_from_run
        )
    for name in by_kind.get("website", []):
        values = _simple(out, col, rules, name, "website", lambda v: normalize_website(v, rules))
        out[_derived(name, "domain")] = _series(out, [website_domain(v) for v in values])
    for name in by_kind.get("corporate-number", []):
        _simple(
            out,
            col,
            rules,
            name,
            "corporate-number",
            lambda v: normalize_corporate_number(v, rules),
        )
    for name in by_kind.get("postal-code", []):
        _simple(out, col, rules, name, "postal-code", lambda v: normalize_postal_code(v, rules))
    normalize_money(out, col, rules, by_kind.get("amount", []), units)
    vocab = stage_vocabulary or load_stage_vocabulary(rules_dir)
    moved = PROBABILITY_RANK in out.columns and _rank_beside_percent(out, col, rules, vocab)
    if moved and "stage" not in by_kind.get("stage", []):
        by_kind.setdefault("stage", []).append("stage")
    for name in by_kind.get("probability", []):
        # 受注 among ◎○△ in a ヨミ column: the row's stage when it has none, not a bad probability
        if _stage_words_to_stage(out, col, rules, name, vocab) and "stage" not in by_kind.get(
            "stage", []
        ):
            by_kind.setdefault("stage", []).append("stage")
    # a lead list's status words before its other columns: its rows are people, and a rank
    # beside them (Rating: Hot, Warm, Cold) rates a lead, it is no deal's probability
    unknown_leads = (
        lead_list_statuses(out, col, rules, vocab) if "stage" in by_kind.get("stage", []) else None
    )
    for name in by_kind.get("probability", []):
        normalize_probability(out, col, rules, name, legends_by_file=rank_legends)
    for name in by_kind.get("number", []):
        normalize_number(out, col, rules, name)
        _number_unit(out, col, name, units)
    if by_kind.get("stage"):
        for name in by_kind["stage"]:
            stage_codes(out, col, name, stage_legends or {}, vocab, rules)
            normalize_stage_column(out, col, rules, name, vocab)
            if name == "stage" and unknown_leads is not None:
                assume_lead_status(out, col, unknown_leads, vocab)
    _churn_not_won(out, col, schema, rules_dir)
    # dates after the stage: an open deal's close date looks ahead (3月末 written in January
    # is this March, 9月末 next September), a won or lost one's does not
    normalize_date_columns(
        out, col, rules, by_kind.get("date", []), today, _open_rows(out, rules_dir), saved
    )
    _ensure_derived(out)
    _mark_rejects(out, col)
    return out, col.frame()


# ----------------------------------------------------------------------------- per kind


def _number_unit(out: pd.DataFrame, col: Collector, field: str, units: ColumnUnits | None) -> None:
    """A number column whose header announces a unit (売上高（百万円）, 従業員数（千人）): its bare
    numbers times the unit, as an amount's are."""
    if units is None or not len(out):
        return
    codes_by_source, sources = col.groups()
    mult = units.per_row(sources, codes_by_source, field)[0]
    if (mult != 1).any():
        out[field] = out[field].astype("float64") * mult


def _stage_words_to_stage(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, field: str, vocab: StageVocabulary
) -> bool:
    """Move the stage words of a probability column (受注, 失注 written where the ranks ◎○△
    go) into the stage of rows whose own stage cell is empty; True when any moved.

    A word that reads as a probability or a rank stays; a row with a stage of its own keeps it
    (its probability cell then fails as before)."""
    pos = _stage_word_rows(out, out[field], rules, vocab)
    if not len(pos):
        return False
    words = _move_to_stage(out, out[field], pos)
    probability = out[field].to_numpy(dtype=object).copy()
    probability[pos] = None
    out[field] = pd.Series(probability, index=out.index, dtype=object)
    col.rows(
        field,
        pos,
        [
            Issue(
                "normalize.stage-word-in-probability",
                f"'{w}' is a stage word, not a probability: read as the row's stage",
                action="blanked",
            )
            for w in words
        ],
        [str(w) for w in words],
        [""] * len(pos),
    )
    return True


def _rank_beside_percent(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, vocab: StageVocabulary
) -> bool:
    """A rank column (ヨミ) left unmapped beside a column of percentages (確度, the probability):
    its stage words (受注, 失注) are the stage of rows whose own stage cell is empty, and its
    ranks (A, ◎) the probability of rows whose percentage is blank. True when a stage moved.

    Before, the whole column was dropped: 失注 beside 0% left a lost deal without a stage."""
    ranks = out[PROBABILITY_RANK]
    pos = _stage_word_rows(out, ranks, rules, vocab)
    if len(pos):
        words = _move_to_stage(out, ranks, pos)
        col.rows(
            "stage",
            pos,
            [
                Issue(
                    "normalize.stage-word-in-probability",
                    f"'{w}' in the rank column beside the probability is a stage word: read as "
                    "the row's stage",
                )
                for w in words
            ],
            [str(w) for w in words],
            [str(w) for w in words],
        )
    if "probability" in out.columns:
        rank = ranks.to_numpy(dtype=object)
        probability = out["probability"].to_numpy(dtype=object)
        word = np.zeros(len(out), dtype=bool)
        word[pos] = True
        fill = _blank_rows(out["probability"]) & ~_blank_rows(ranks) & ~word
        if fill.any():
            probability = probability.copy()
            probability[fill] = rank[fill]
            out["probability"] = pd.Series(probability, index=out.index, dtype=object)
    return bool(len(pos))


def _stage_word_rows(
    out: pd.DataFrame, cells: pd.Series, rules: NormalizeRules, vocab: StageVocabulary
) -> np.ndarray:
    """The positions of rows whose cell is a stage word (not a probability or a rank) and whose
    own stage cell is empty."""
    codes, uniques = distinct(cells)
    is_word = np.array(
        [
            isinstance(u, str)
            and parse_probability(u, rules).failure is not None
            and match_stage(u, vocab, rules).failure is None
            and match_stage(u, vocab, rules).value != ""
            for u in uniques
        ],
        dtype=bool,
    )
    if not is_word.any():
        return np.empty(0, dtype=np.int64)
    moved = is_word[codes] if len(codes) else np.zeros(0, dtype=bool)
    if "stage" in out.columns:
        moved &= _blank_rows(out["stage"])
    return np.flatnonzero(moved)


def _move_to_stage(out: pd.DataFrame, cells: pd.Series, pos: np.ndarray) -> np.ndarray:
    """Write the cells at ``pos`` into the stage and flag the rows: the sheet still has no stage
    column of its own (stage inference asks: sheet_lacks). The words moved."""
    if "stage" not in out.columns:
        out["stage"] = pd.Series(None, index=out.index, dtype=object)
    words = cells.to_numpy(dtype=object)[pos]
    stage = out["stage"].to_numpy(dtype=object).copy()
    stage[pos] = words
    out["stage"] = pd.Series(stage, index=out.index, dtype=object)
    moved_flag = (
        out[STAGE_FROM_PROBABILITY].to_numpy(dtype=bool).copy()
        if STAGE_FROM_PROBABILITY in out.columns
        else np.zeros(len(out), dtype=bool)
    )
    moved_flag[pos] = True
    out[STAGE_FROM_PROBABILITY] = moved_flag
    return words


def _deal_types(out: pd.DataFrame, col: Collector, schema: Any) -> None:
    """A deal-type cell (区分 新規, Type Renewal) as its canonical type (columns.yaml deal_types:
    new, renewal, upsell, downgrade, churn, existing); a value no type lists is left empty with
    a warning naming it (normalize.unknown-deal-type): no target is given a type it may not
    know, and the source cell says what the row was."""
    if "deal_type" not in out.columns:
        return
    codes, uniques = distinct(out["deal_type"])
    raw = [("" if is_blank(v) else str(v).strip()) for v in uniques]
    typed = np.array([schema.deal_type_of(v) if v else "" for v in raw], dtype=object)
    column = pd.Series(typed[codes] if len(typed) else [], index=out.index, dtype=object)
    out["deal_type"] = column
    unknown = np.array([bool(v) and not t for v, t in zip(raw, typed)], dtype=bool)
    if not unknown.any():
        return
    pos = np.flatnonzero(unknown[codes])
    values = [raw[c] for c in codes[pos].tolist()]
    issues = [
        Issue(
            "normalize.unknown-deal-type",
            f"deal type '{v}' is none of rules/columns.yaml deal_types; left empty",
            v,
            severity="warning",
            action="blanked",
        )
        for v in values
    ]
    col.rows("deal_type", pos, issues, values, [""] * len(pos))


def _churn_not_won(
    out: pd.DataFrame, col: Collector, schema: Any, rules_dir: str | os.PathLike[str] | None
) -> None:
    """A churn or a downgrade (columns.yaml deal_types_not_won) at a won stage (区分 解約, 状況
    完了) is no won deal: the customer ended or cut the contract. Its stage becomes the first
    lost stage of rules/stages.yaml, and a negative amount its lost value (-30000 -> 30000),
    with a warning naming it (normalize.churn-not-won). At an open or lost stage the row keeps
    its stage; its negative amount is the value lost all the same."""
    if "deal_type" not in out.columns or not schema.deal_types_not_won:
        return
    churn = out["deal_type"].isin(set(schema.deal_types_not_won)).to_numpy(dtype=bool)
    if not churn.any():
        return
    from ..bundle import load_rules_bundle

    model = load_rules_bundle(rules_dir).stages
    won_keys, lost_keys = set(model.keys_where(status="won")), model.keys_where(status="lost")
    amount = (
        pd.to_numeric(out["amount"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if "amount" in out.columns
        else np.full(len(out), np.nan)
    )
    negative = churn & (amount < 0)
    if negative.any():
        pos = np.flatnonzero(negative)
        _set_cells(out, "amount", pos, -amount[pos])
    if "stage" not in out.columns or not lost_keys:
        return
    stage = out["stage"].to_numpy(dtype=object)
    won = churn & np.isin(stage, list(won_keys))
    pos = np.flatnonzero(won)
    if not len(pos):
        return
    lost = lost_keys[0]
    types = out["deal_type"].to_numpy(dtype=object)
    issues = []
    for i in pos.tolist():
        lost_value = f"; its amount {-amount[i]:,.0f} is the value lost" if negative[i] else ""
        issues.append(
            Issue(
                "normalize.churn-not-won",
                f"a {types[i]} at the won stage '{stage[i]}' is no won deal: the customer ended "
                f"or cut the contract; stage set to '{lost}'{lost_value}",
                str(stage[i]),
                severity="warning",
            )
        )
    _set_cells(out, "stage", pos, lost)
    col.rows("stage", pos, issues, [str(stage[i]) for i in pos.tolist()], [lost] * len(pos))


def _open_rows(out: pd.DataFrame, rules_dir: str | os.PathLike[str] | None) -> np.ndarray:
    """Rows whose deal is not closed: the stage is no won or lost stage of rules/stages.yaml."""
    if "stage" not in out.columns:
        return np.ones(len(out), dtype=bool)
    from ..bundle import load_rules_bundle

    model = load_rules_bundle(rules_dir).stages
    closed = set(model.keys_where(status="won")) | set(model.keys_where(status="lost"))
    return ~out["stage"].isin(closed).to_numpy(dtype=bool)


#: The kinds of field whose cell may record its own update (50%→80%, 12/20→1/31, 田中→佐藤)
UPDATED_KINDS = ("probability", "amount", "number", "date", "stage", "owner", "person")
_ARROW = re.compile(r"\s*(?:→|⇒|➡|⇨|⟶|->|=>|>>|＞＞)\s*")


def _latest_of_updates(out: pd.DataFrame, col: Collector, names: list[str]) -> None:
    """A typed cell that records its own update (確度 50%→80%, 受注予定 2026/12/20→2027/1/31, an
    owner handed over 田中→佐藤): the value after the last arrow, with a finding per cell
    (``normalize.latest-of-update``); what came before it is the cell's history."""
    for name in names:
        codes, uniques = distinct(out[name])
        values: list[Any] = list(uniques)
        issues: list[tuple[Issue, ...]] = [() for _ in uniques]
        for i, u in enumerate(uniques):
            if not isinstance(u, str) or not _ARROW.search(u):
                continue
            parts = [p for p in _ARROW.split(u) if p.strip()]
            if len(parts) < 2:  # an arrow and one value (→80%): nothing earlier to drop
                continue
            values[i] = parts[-1].strip()
            message = (
                f"'{u}' records an update: read its latest value '{values[i]}', "
                "after the last arrow"
            )
            issues[i] = (Issue("normalize.latest-of-update", message, value=values[i]),)
        if any(issues):
            col.coded(name, codes, issues, uniques, values)
            out[name] = _series(out, take(values, codes))


def _text(out: pd.DataFrame, col: Collector, name: str, *, multiline: bool) -> pd.Series:
    """Text fields, extra:<header> columns and unknown columns: cleaning only, counted per sheet.

    Returns the cleaned column (the caller sets all of them at once)."""
    codes, uniques = distinct(out[name])
    cleaned = [clean_text(u, multiline=multiline) for u in uniques]
    changed = np.array(
        [isinstance(u, str) and c != u for u, c in zip(uniques, cleaned)], dtype=bool
    )
    col.text_cleaned(name, codes, changed, uniques, cleaned)
    return _series(out, take(cleaned, codes))


def _simple(
    out: pd.DataFrame,
    col: Collector,
    rules: NormalizeRules,
    name: str,
    kind: str,
    fn: Callable[[Any], Outcome[str]],
    settle_column: Callable[..., None] | None = None,
) -> np.ndarray:
    """A field whose normaliser needs nothing but the value; returns the per-row values.

    ``settle_column(uniques, values, issues, sheets)`` may revise values and issues from the
    column's other values (in place) before they are reported; ``sheets[i]`` is the set of
    source file+sheet codes the distinct value ``uniques[i]`` occurs in.
    """
    codes, uniques = distinct(out[name])
    rule = rules.rule(kind)
    values, issues = [], []
    changed = np.zeros(len(uniques), dtype=bool)
    for i, u in enumerate(uniques):
        o = fn(u)
        if o.failure:
            value, fail = settle(o.failure, rule.on_error, rule.severity, clean_text(u), "")
            values.append(value)
            issues.append((*o.issues, fail))
        else:
            values.append(o.value)
            issues.append(o.issues)
            changed[i] = not o.issues and isinstance(u, str) and o.value != u
    if settle_column is not None:
        sheets: list[set[int]] = [set() for _ in uniques]
        for c, g in set(zip(codes.tolist(), col.groups()[0].tolist())):
            sheets[c].add(g)
        settle_column(uniques, values, issues, sheets)
        changed &= np.array([not its for its in issues], dtype=bool)
    originals = uniques
    col.coded(name, codes, issues, originals, values)
    col.text_cleaned(name, codes, changed, originals, values)
    result = take(values, codes)
    out[name] = _series(out, result)
    return result


def _company(out: pd.DataFrame, col: Collector, rules: NormalizeRules, name: str) -> None:
    codes, uniques = distinct(out[name])
    rule = rules.rule("company")
    display, key, form, branch, issues = [], [], [], [], []
    for u in uniques:
        o = normalize_company(u, rules)
        if o.failure:
            value, fail = settle(o.failure, rule.on_error, rule.severity, clean_text(u), "")
            display.append(value)
            key.append("")
            form.append("")
            branch.append("")
            issues.append((*o.issues, fail))
        else:
            display.append(o.value.display)
            key.append(o.value.key)
            form.append(o.value.legal_form)
            branch.append(o.value.branch)
            issues.append(o.issues)
    col.coded(name, codes, issues, uniques, display)
    col.text_cleaned(name, codes, _cleaned_only(uniques, display, issues), uniques, display)
    out[name] = _series(out, take(display, codes))
    out[_derived(name, "key")] = _series(out, take(key, codes))
    out[_derived(name, "legal_form")] = _series(out, take(form, codes))
    if name == "company_name" and any(branch):
        _branch_to_department(out, take(branch, codes))


def _branch_to_department(out: pd.DataFrame, branch: Any) -> None:
    """The branch or department cut from the company cell ((株)大和精工 大阪支店, 宮城県 保健福祉部)
    is where the row's contact works: it fills the row's empty department (Salesforce
    Contact.Department). Not the account's Site: rows of the head office and of its branches
    are one account (normalize.company-branch-removed names what was cut)."""
    cut = np.asarray(branch, dtype=object)
    if "department" not in out.columns:
        out["department"] = pd.Series(None, index=out.index, dtype=object)
    empty = np.array([not clean_text(v) for v in out["department"].to_numpy(dtype=object)])
    fill = np.flatnonzero(empty & (cut != ""))
    if len(fill):
        _set_cells(out, "department", fill, cut[fill])


def _fill_from_spare_columns(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, schema: Any
) -> None:
    """A field's empty cells (rules/normalize.yaml spare_columns) from a second column of the
    sheet whose header is an exact synonym of it, kept as extra because the first took the field:
    受注予定時期 (2026年度上期) beside an empty 受注予定日, TEL直通 beside an empty TEL会社."""
    from ..columns import match_header
    from ..schema import EXTRA_PREFIX

    wanted = [n for n in rules.spare_columns if n in out.columns]
    if not wanted:
        return
    for extra in [c for c in out.columns if str(c).startswith(EXTRA_PREFIX)]:
        header = str(extra)[len(EXTRA_PREFIX) :]
        name, confidence, method = match_header(header, schema)
        if name not in wanted or method != "exact" or confidence < 1.0:
            continue
        empty = out[name].map(is_blank).to_numpy(dtype=bool)
        spare = ~out[extra].map(is_blank).to_numpy(dtype=bool)
        pos = np.flatnonzero(empty & spare)
        if not len(pos):
            continue
        values = out[extra].iloc[pos]
        _set_cells(out, name, pos, values.to_numpy())
        texts = [clean_text(v) for v in values]
        msg = f"{name} was empty; taken from column '{header}' of the same row"
        issues = [Issue("normalize.filled-from-spare-column", msg, t) for t in texts]
        col.rows(name, pos, issues, [""] * len(pos), texts)


def _lead_source_from_name(out: pd.DataFrame, col: Collector, rules: NormalizeRules) -> None:
    """A blank lead_source from the words of its sheet's or file's name (rules/normalize.yaml
    ``lead_source_from_name``): the rows of 展示会リード_JapanITWeek秋2026.xlsx came from a
    trade show. Only where the sheet has a lead source column or none at all: a row keeps a
    source its own cell gives."""
    from pathlib import PurePath

    if not rules.lead_source_from_name or "_source_file" not in out.columns:
        return
    source = out["lead_source"] if "lead_source" in out.columns else None
    blank = (
        flags(source, is_blank).to_numpy(dtype=bool)
        if source is not None
        else np.ones(len(out), dtype=bool)
    )
    if not blank.any():
        return
    sheets = out.get("_source_sheet", pd.Series("", index=out.index)).astype(str).to_numpy()
    files = out["_source_file"].astype(str).to_numpy()

    def source_of(name: str) -> str:
        text = unicodedata.normalize("NFKC", name).lower()
        words = set(re.split(r"[^0-9a-z]+", text))
        joined = " ".join(w for w in words if w)
        for word, src in rules.lead_source_from_name:
            w = unicodedata.normalize("NFKC", word).lower()
            if (w in text) if not w.isascii() else (w in words or f" {w} " in f" {joined} "):
                return src
        return ""

    # asked once per sheet with a blank source (each row's sheet and file as a number)
    sheet = group_codes(sheets, files)
    _, first = np.unique(sheet, return_index=True)
    named = np.full(len(first), "", dtype=object)
    for code in np.unique(sheet[blank]).tolist():
        at = first[code]
        named[code] = source_of(sheets[at]) or source_of(PurePath(files[at]).stem)
    found = named[sheet]
    pos = np.flatnonzero(blank & (found != ""))
    if not len(pos):
        return
    if "lead_source" not in out.columns:
        out["lead_source"] = ""
    _set_cells(out, "lead_source", pos, found[pos])
    issues = [
        Issue(
            "normalize.lead-source-from-name",
            f"lead source was empty; '{found[i]}' taken from the name of the sheet or file",
            str(found[i]),
        )
        for i in pos.tolist()
    ]
    col.rows("lead_source", pos, issues, [""] * len(pos), [str(found[i]) for i in pos.tolist()])


def _company_from_deal_name(out: pd.DataFrame, col: Collector, rules: NormalizeRules) -> None:
    """A row with no company whose deal name opens with a company named with its legal form
    (株式会社山田製作所 基幹システム更新, 中村建設(株) タブレット導入): that is its company, with a
    finding (normalize.company-from-deal-name). A small tracker keeps no customer column and
    writes the customer into 案件名; without a legal form a leading word is no evidence."""
    if "deal_name" not in out.columns:
        return
    empty = _without_company(out)
    pos = np.flatnonzero(empty & ~_blank_rows(out["deal_name"]))
    if not len(pos):
        return
    codes, uniques = distinct(out["deal_name"].iloc[pos])
    companies = []
    for name in uniques:
        hit = _FIRST_WORD_RE.match(unicodedata.normalize("NFKC", clean_text(name)))
        word = hit["word"] if hit else ""
        companies.append(word if word and names_company_by_form(word, rules) else "")
    names = take(companies, codes)
    took = pos[names != ""]
    values = names[names != ""]
    if not len(took):
        return
    if "company_name" not in out.columns:
        out["company_name"] = pd.Series(None, index=out.index, dtype=object)
    _set_cells(out, "company_name", took, values)
    issues = [
        Issue(
            "normalize.company-from-deal-name",
            f"no company on the row; its deal name opens with the company '{v}' (a legal form): "
            "read as its company",
            v,
        )
        for v in values
    ]
    col.rows("company_name", took, issues, [""] * len(took), [str(v) for v in values])


def _partner_without_account(out: pd.DataFrame, col: Collector) -> None:
    """A deal naming the party it is sold through (``partner``) and no end customer has no
    account: a warning per row (normalize.deal-without-account), never silently exported
    without one. The partner is not taken for the customer (u25)."""
    if "partner" not in out.columns:
        return
    empty = _without_company(out)
    pos = np.flatnonzero(empty & ~_blank_rows(out["partner"]))
    if not len(pos):
        return
    partners = [clean_text(v) for v in out["partner"].iloc[pos].tolist()]
    issues = [
        Issue(
            "normalize.deal-without-account",
            f"no end customer on the row, only the partner '{p}': the deal has no account "
            "(the partner is not taken for the customer)",
            "",
            "warning",
            "kept",
        )
        for p in partners
    ]
    col.rows("company_name", pos, issues, [""] * len(pos), [""] * len(pos))


@lru_cache(maxsize=8)
def _person_in_company_re(honorifics: tuple[str, ...]) -> re.Pattern[str]:
    """A person written after the company in its cell, with one of a person's ``honorifics``
    (rules people.honorific_suffixes in Japanese; 御中 addresses an organisation, not a person):
    サクラ商事 山田様, 北斗フーズ 営業部 藤原 様."""
    kept = [h for h in honorifics if h != "御中" and not h.isascii()]  # not San: Latin names
    alt = "|".join(re.escape(h) for h in sorted(kept, key=len, reverse=True))
    return re.compile(
        r"^(?P<company>\S.*?\S)[\s\u3000]+"
        r"(?P<person>[^\s\u3000]{1,6}(?:[\s\u3000][^\s\u3000]{1,6})?)"
        rf"[\s\u3000]*(?:{alt})$"
    )


COMPANY_NOTE = "normalize.company-note-moved"


def _per_distinct_text(
    values: pd.Series, read: Callable[[str], T | None]
) -> tuple[dict[str, T], np.ndarray]:
    """What ``read`` finds in each distinct text of ``values`` (read once each), and the
    positions of the rows whose text it found something in."""
    found: dict[str, T] = {}
    for v in pd.unique(values.to_numpy(dtype=object)):
        if isinstance(v, str) and (hit := read(v)) is not None:
            found[v] = hit
    if not found:
        return found, np.empty(0, dtype=np.int64)
    return found, np.flatnonzero(values.isin(list(found)).to_numpy(dtype=bool))


def _note_out_of_company(out: pd.DataFrame, col: Collector, rules: NormalizeRules) -> None:
    """A note written after the company's name in its cell (桜井電機株式会社（※2024年に…統合、
    旧社名…）: 268 characters, the account rejected by the SFA's name length and every deal and
    contact under it): the name is what comes before; the note moves to the row's extra column
    ``companies.note_column`` of rules/normalize.yaml (after a note the row already holds
    there), with a finding (:func:`migrate.normalize.companies.split_note` says what a note is).
    """
    co = rules.companies
    if "company_name" not in out.columns or not co.note_column:
        return
    values = out["company_name"]
    found, pos = _per_distinct_text(values, lambda v: split_note(v, co))
    if not found:
        return
    names = [found[values.iat[p]][0] for p in pos]
    notes = [found[values.iat[p]][1] for p in pos]
    _set_cells(out, "company_name", pos, names)
    # a former name (（旧：青葉電子工業株式会社）, (formerly ...)): the row's former_name, not a note
    formers = [former_name(n, co) for n in notes]
    if any(formers):
        if FORMER not in out.columns:
            out[FORMER] = pd.Series(None, index=out.index, dtype=object)
        had = [clean_text(x) for x in out[FORMER].iloc[pos]]
        at = [i for i, (f, h) in enumerate(zip(formers, had)) if f and not h]
        if at:
            _set_cells(out, FORMER, pos[at], np.asarray([formers[i] for i in at], dtype=object))
            col.rows(
                "company_name",
                pos[at],
                [
                    Issue(
                        "normalize.company-former-name",
                        f"the company cell names its former name: the company is '{names[i]}'; "
                        f"'{formers[i]}' is its former name",
                        names[i],
                    )
                    for i in at
                ],
                [str(values.iat[pos[i]]) for i in at],
                [names[i] for i in at],
            )
        keep = np.array([not f for f in formers], dtype=bool)
        pos = pos[keep]
        names = [n for n, k in zip(names, keep) if k]
        notes = [n for n, k in zip(notes, keep) if k]
        if not len(pos):
            return
    column = f"extra:{co.note_column}"
    if column not in out.columns:
        out[column] = pd.Series(None, index=out.index, dtype=object)
    before = [clean_text(x) for x in out[column].iloc[pos]]
    joined = [f"{b}\n{n}" if b and n not in b else (b or n) for b, n in zip(before, notes)]
    _set_cells(out, column, pos, np.asarray(joined, dtype=object))
    issues = [
        Issue(
            COMPANY_NOTE,
            f"the company cell holds a note after the name ({len(n)} characters): the company "
            f"is '{c}'; the note is in the column '{co.note_column}'",
            c,
        )
        for c, n in zip(names, notes)
    ]
    col.rows("company_name", pos, issues, [str(values.iat[p]) for p in pos], names)


def _person_out_of_company(out: pd.DataFrame, col: Collector, rules: NormalizeRules) -> None:
    """A company cell that ends with a person and an honorific (サクラ商事 山田様: a short list's
    one cell for both): the company is what comes before; the person fills the row's empty
    contact name (normalize.person-in-company-cell). Without the honorific nothing is split
    (a company name may end with a word that is a surname: 山田 is no person in 株式会社 山田)."""
    if "company_name" not in out.columns:
        return
    values = out["company_name"]
    pattern = _person_in_company_re(rules.people.honorific_suffixes)

    def person_in(v: str) -> tuple[str, str, str] | None:
        hit = pattern.match(clean_text(v))
        # not 株式会社 青葉 様 (the company itself, a space after its legal form)
        if hit is None or is_legal_form(hit["company"], rules):
            return None
        *department, person = hit["person"].split()  # 営業部 藤原
        return hit["company"].strip(), person, " ".join(department)

    found, pos = _per_distinct_text(values, person_in)
    if not found:
        return
    companies = [found[values.iat[p]][0] for p in pos]
    people = [found[values.iat[p]][1] for p in pos]
    _set_cells(out, "company_name", pos, companies)
    if "contact_name" not in out.columns:
        out["contact_name"] = pd.Series(None, index=out.index, dtype=object)
    blank = _blank_rows(out["contact_name"].iloc[pos])
    _set_cells(out, "contact_name", pos[blank], np.asarray(people, dtype=object)[blank])
    departments = np.asarray([found[values.iat[p]][2] for p in pos], dtype=object)
    if (departments != "").any():
        if "department" not in out.columns:
            out["department"] = pd.Series(None, index=out.index, dtype=object)
        free = _blank_rows(out["department"].iloc[pos])
        given = blank & free & (departments != "")
        _set_cells(out, "department", pos[given], departments[given])
    issues = [
        Issue(
            "normalize.person-in-company-cell",
            f"the company cell ends with a person ('{p}' with an honorific): the company is "
            f"'{c}'" + ("; the person is the row's contact" if b else ""),
            c,
        )
        for c, p, b in zip(companies, people, blank)
    ]
    col.rows("company_name", pos, issues, [""] * len(pos), companies)


def _without_company(out: pd.DataFrame) -> np.ndarray:
    """Which rows name no company (all of them when no column holds one)."""
    if "company_name" not in out.columns:
        return np.ones(len(out), dtype=bool)
    return _blank_rows(out["company_name"])


def _blank_rows(values: pd.Series) -> np.ndarray:
    """Which rows are blank (:func:`is_blank`), each distinct value judged once."""
    codes, uniques = distinct(values)
    return np.array([is_blank(u) for u in uniques], dtype=bool)[codes]


# a deal name's first word, then a space or a separator (【株式会社青葉】倉庫管理 too)
_FIRST_WORD_RE = re.compile(
    r"^[【\[]?(?P<word>[^\s_/／:：【】\[\]]{2,40}?)[】\]]?(?:[\s_/／:：・\-－]+|(?<=[】\]]))(?=\S)"
)


def _emails_from_names(out: pd.DataFrame, by_kind: dict[str, list[str]]) -> None:
    """The e-mail address written beside a contact's name (Ms. Lee <lee@nitto.jp>), or alone in
    the name cell (gavin@hooli.xyz), becomes the row's e-mail where the row has none; a name
    loses the address beside it (normalize.email-in-name), an address alone stays the name."""
    if "contact_name" not in out.columns:
        return
    codes, uniques = distinct(out["contact_name"])
    found = [address_in_name(u) or address_alone(u) for u in uniques]
    if not any(found):
        return
    address = take(found, codes)
    if "email" not in out.columns:
        out["email"] = pd.Series(None, index=out.index, dtype=object)
        by_kind.setdefault("email", []).append("email")
    email = out["email"].to_numpy(dtype=object).copy()
    fill = (address != "") & _blank_rows(out["email"])
    if fill.any():
        email[fill] = address[fill]
        out["email"] = pd.Series(email, index=out.index, dtype=object)


def _emails_from_phones(out: pd.DataFrame, col: Collector, by_kind: dict[str, list[str]]) -> None:
    """An e-mail address alone in a phone column (a 連絡先 column of numbers and addresses): the
    row's e-mail where it has none, and no phone (normalize.email-in-phone); before, it was a
    phone that failed and was blanked."""
    for name in by_kind.get("phone", []):
        codes, uniques = distinct(out[name])
        found = [address_alone(u) for u in uniques]
        if not any(found):
            continue
        address = take(found, codes)
        pos = np.flatnonzero(address != "")
        if "email" not in out.columns:
            out["email"] = pd.Series(None, index=out.index, dtype=object)
            by_kind.setdefault("email", []).append("email")
        free = _blank_rows(out["email"].iloc[pos])
        _set_cells(out, "email", pos[free], address[pos][free])
        originals = [str(v) for v in address[pos]]
        _set_cells(out, name, pos, np.full(len(pos), None, dtype=object))
        issues = [
            Issue(
                "normalize.email-in-phone",
                f"'{a}' is an e-mail address, not a phone: "
                + ("moved to the row's e-mail" if f else "the row has its e-mail already"),
                a if f else "",
            )
            for a, f in zip(originals, free)
        ]
        col.rows(name, pos, issues, originals, [""] * len(pos))


def _mobiles_from_phones(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, by_kind: dict[str, list[str]]
) -> None:
    """A mobile number beside the landline in the phone cell (03-1234-5678 / 携帯 090-1111-2222):
    the row's mobile phone where it has none, the landline the phone (normalize.mobile-in-phone);
    before, the mobile was dropped as a second number. A row with a mobile phone of its own
    keeps its cell as it was (a second number, reported)."""
    if "phone" not in by_kind.get("phone", []):
        return
    codes, uniques = distinct(out["phone"])
    found = [split_mobile(u, rules) for u in uniques]
    if not any(found):
        return
    rest = take([f[0] if f else "" for f in found], codes)
    mobile = take([f[1] if f else "" for f in found], codes)
    pos = np.flatnonzero(mobile != "")
    if "mobile_phone" not in out.columns:
        out["mobile_phone"] = pd.Series(None, index=out.index, dtype=object)
        by_kind["phone"].append("mobile_phone")
    pos = pos[_blank_rows(out["mobile_phone"].iloc[pos])]
    if not len(pos):
        return
    originals = [str(v) for v in out["phone"].to_numpy(dtype=object)[pos]]
    _set_cells(out, "mobile_phone", pos, mobile[pos])
    _set_cells(out, "phone", pos, rest[pos])
    issues = [
        Issue(
            "normalize.mobile-in-phone",
            f"'{m}' in the phone cell is a mobile number: moved to the row's mobile phone",
            r,
        )
        for m, r in zip(mobile[pos], rest[pos])
    ]
    col.rows("phone", pos, issues, originals, [str(r) for r in rest[pos]])


def _people(out: pd.DataFrame, col: Collector, rules: NormalizeRules, names: list[str]) -> None:
    """contact_name with its last/first parts; other person fields get the display name only."""
    for name in names:
        if name in _CONTACT:
            continue
        _simple(out, col, rules, name, "person", lambda v: _display_only(v, rules))
    if not any(n in out.columns for n in _CONTACT):
        return
    n = len(out)
    full = (
        _person_parts(out, col, rules, "contact_name", split=True)
        if "contact_name" in out
        else None
    )
    last = (
        _person_parts(out, col, rules, "contact_last_name", split=False)
        if "contact_last_name" in out
        else None
    )
    first = (
        _person_parts(out, col, rules, "contact_first_name", split=False)
        if "contact_first_name" in out
        else None
    )
    empty = np.full(n, "", dtype=object)
    display = full[0] if full else empty
    name_last, name_first = (full[1], full[2]) if full else (empty, empty)
    part_last = last[0] if last else empty
    part_first = first[0] if first else empty
    has_parts = (part_last != "") | (part_first != "")
    # Separate last/first columns in the source win over a split of the full name.
    out_last = np.where(has_parts, part_last, name_last)
    out_first = np.where(has_parts, part_first, name_first)
    build = np.flatnonzero((display == "") & has_parts)
    display = display.copy()
    for p in build:
        lp, fp = part_last[p], part_first[p]
        japanese = any(not ch.isascii() for ch in lp + fp)
        display[p] = " ".join(x for x in ((lp, fp) if japanese else (fp, lp)) if x)
    out["contact_name"] = _series(out, display)
    out["contact_last_name"] = _series(out, out_last)
    out["contact_first_name"] = _series(out, out_first)
    if full:
        _moved_out_of_name(out, col, "department", full[3])
        _moved_out_of_name(out, col, "contact_title", full[4])


def _set_cells(out: pd.DataFrame, name: str, pos: np.ndarray, values: Any) -> None:
    """``out[name]`` at the row positions ``pos`` set to ``values``, in a copy of the column:
    ``out`` shares its columns with the input frame, which stays as it was."""
    column = out[name].copy()
    column.iloc[pos] = values
    out[name] = column


def _moved_out_of_name(out: pd.DataFrame, col: Collector, name: str, taken: np.ndarray) -> None:
    """The department or job title written in the name cell (総務課 課長／山崎太郎) fills the
    row's own department / contact_title where that is empty; it never stays in the name."""
    if name not in out.columns:
        return
    own = out[name].map(is_blank).to_numpy(dtype=bool)
    pos = np.flatnonzero(own & (taken != ""))
    if not len(pos):
        return
    values = taken[pos]
    _set_cells(out, name, pos, values)
    what = "department" if name == "department" else "job title"
    issues = [
        Issue(
            "normalize.name-part-moved",
            f"the {what} '{v}' written in the contact's name cell moved to {name}",
            str(v),
        )
        for v in values
    ]
    col.rows(name, pos, issues, [""] * len(pos), [str(v) for v in values])


def _display_only(value: object, rules: NormalizeRules) -> Outcome[str]:
    o = normalize_person(value, rules, split=False)
    return Outcome(o.value.display, o.issues, o.failure)


def _person_parts(
    out: pd.DataFrame, col: Collector, rules: NormalizeRules, name: str, *, split: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row: display name, last, first, and the department and title the cell also held."""
    codes, uniques = distinct(out[name])
    rule = rules.rule("person")
    display, last, first, issues = [], [], [], []
    department, title = [], []
    for u in uniques:
        o = normalize_person(u, rules, split=split)
        department.append(o.value.department)
        title.append(o.value.title)
        if o.failure:
            value, fail = settle(o.failure, rule.on_error, rule.severity, clean_text(u), "")
            display.append(value)
            last.append(value)
            first.append("")
            issues.append((*o.issues, fail))
        else:
            display.append(o.value.display)
            last.append(o.value.last)
            first.append(o.value.first)
            issues.append(
                o.issues
                if split
                else tuple(i for i in o.issues if i.rule != "normalize.name-unsplit")
            )
    col.coded(name, codes, issues, uniques, display)
    col.text_cleaned(name, codes, _cleaned_only(uniques, display, issues), uniques, display)
    return (
        take(display, codes),
        take(last, codes),
        take(first, codes),
        take(department, codes),
        take(title, codes),
    )


def _cleaned_only(
    uniques: list[Any], values: list[str], issues: list[tuple[Any, ...]]
) -> np.ndarray:
    """Distinct text values changed by nothing but text cleaning (no issue reports them)."""
    return np.array(
        [isinstance(u, str) and not its and v != u for u, v, its in zip(uniques, values, issues)],
        dtype=bool,
    )


# ----------------------------------------------------------------------------- frame helpers


def _derived(name: str, what: str) -> str:
    """company_name -> company_key / company_legal_form; email -> email_domain."""
    base = name.removesuffix("_name")
    return f"{base}_{what}"


def _series(out: pd.DataFrame, values: Any) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object), index=out.index, dtype=object)


#: columns normalising derives from the cells of a row (never cells of the row itself)
DERIVED = (
    "company_key",
    "company_legal_form",
    "contact_last_name",
    "contact_first_name",
    "email_domain",
    "website_domain",
    "owner_email",
)


def _ensure_derived(out: pd.DataFrame) -> None:
    for name in DERIVED:
        if name not in out.columns:
            out[name] = _series(out, np.full(len(out), "", dtype=object))
    if "currency" not in out.columns:
        out["currency"] = _series(out, np.full(len(out), "", dtype=object))
    if STAGE_INFERRED not in out.columns:
        # Inference from probability etc. is the stages stage's business; nothing is inferred here.
        out[STAGE_INFERRED] = pd.Series(False, index=out.index, dtype=bool)


def _mark_rejects(out: pd.DataFrame, col: Collector) -> None:
    reasons = col.reasons()
    if REJECT in out.columns:  # an earlier stage may already have rejected rows
        before = out[REJECT].fillna(False).astype(bool).to_numpy()
        old = (
            out[REJECT_REASON].fillna("").astype(str).to_numpy()
            if REJECT_REASON in out
            else np.full(len(out), "")
        )
        reasons = np.array(
            ["; ".join(x for x in (a, b) if x) for a, b in zip(old, reasons)], dtype=object
        )
        rejected = before | col.rejected
    else:
        rejected = col.rejected
    out[REJECT] = pd.Series(rejected, index=out.index, dtype=bool)
    out[REJECT_REASON] = _series(out, reasons)
