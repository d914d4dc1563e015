"""find_duplicates: companies, then contacts inside companies, then deals inside companies.

In: the normalized records frame (docs/architecture.md, "After normalize"), rules/dedupe.yaml,
optional review decisions and optional exports of the target SFA. Out: a
:class:`DedupeResult` ("After dedupe"): the records with ``company_id``, ``contact_id``,
``deal_id``, ``_status`` and ``_merged_into``; one row per company, contact and deal with
survivorship applied; the review queue; every merged or reviewed pair with its evidence; and
the findings. The input frame is never modified.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import findings as F
from ..clock import step
from ..normalize.readings import clear_caches
from ..output import collector_paused
from ..schema import EXTRA_PREFIX, ROW_KEY, Schema, load_schema
from . import backends, explain
from .decisions import normalize_decisions
from .engine import at_review_only_level, link
from .entities import (
    EntityRecords,
    EntityRun,
    company_records,
    contact_records,
    deal_records,
    exact_existing_pairs,
    existing_accounts,
    find_column,
    text_column,
)
from .ids import cell_texts, row_digests, stable_ids
from .ids import digest as digest_of
from .line_items import fold_line_items
from .reading_links import reading_decisions
from .revisions import revision_numbers
from .settings import (
    Comparison,
    DedupeSettings,
    EntitySettings,
    Level,
    load_settings,
    load_stage_level,
    load_stage_order,
    load_stage_status,
)
from .survivorship import (
    REVISION_COLUMN,
    alternates,
    closed_first,
    effective_date,
    empty_mask,
    funnel_behind,
    id_codes,
    join_groups,
    primary_script,
    recency_rank,
    stage_guard,
    survive,
)

# columns each entity keeps beyond the schema fields of that entity (when the records have them)
DERIVED = {
    "company": ["company_key", "company_legal_form", "website_domain"],
    "contact": ["email_domain"],
    "deal": ["_stage_inferred", "_lead_status"],
}
# the name of an entity that keeps the primary script; its other spellings become alternates
NAME_FIELD = {"company": "company_name", "contact": "contact_name"}
PREFIX = {"companies": "C-", "contacts": "P-", "deals": "D-"}
ID_COLUMN = {"companies": "company_id", "contacts": "contact_id", "deals": "deal_id"}
KEY_PREFIXES = {
    "companies": ("company:", "sfa:account:"),
    "contacts": ("contact:",),
    "deals": ("deal:",),
}


@dataclass
class DedupeResult:
    """What dedupe hands to the next stages (see docs/architecture.md, "After dedupe")."""

    records: pd.DataFrame
    companies: pd.DataFrame
    contacts: pd.DataFrame
    deals: pd.DataFrame
    review: pd.DataFrame
    findings: pd.DataFrame
    pairs: pd.DataFrame  # every merged, reviewed or decided pair with its evidence
    # per export of the target SFA (accounts): how many of its records were matched to a
    # tracker record, sent to review, or left alone (the run summary says them)
    existing: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)


# the collector paused: the stage makes millions of tuples, lists and dicts (records, readings,
# pairs) that live to its end, so CPython's full collections (a dozen at 100k rows, each over
# every tracked object of the run) found nothing to free and took ~10% of the stage
@collector_paused()
def find_duplicates(
    records: pd.DataFrame,
    *,
    rules_dir: str | os.PathLike[str] | None = None,
    decisions: pd.DataFrame | None = None,
    existing: Mapping[str, pd.DataFrame] | None = None,
    engine: str = "default",
) -> DedupeResult:
    """Find the same company, contact and deal across all trackers and merge them.

    ``engine``: ``default`` or ``duckdb`` (blocking and pair scoring as SQL; the same answer).
    """
    backends.check(engine)
    settings = load_settings(rules_dir)
    schema = load_schema(rules_dir)
    index = records.index  # the records keep their index; positions are used inside
    records = records.reset_index(drop=True)
    info = explain.row_info(records)
    # the quote revision each row is (版 2, Q-2026-031-3): where no date orders two rows of a
    # deal, the later revision is the more recent row (recency_rank, stage_guard)
    work = _working_copy(
        records, info, {REVISION_COLUMN: revision_numbers(records, settings.deals.revisions)}
    )
    stage_order = load_stage_order(rules_dir)
    status_of = load_stage_status(rules_dir)
    effective = effective_date(work)  # recency and the stage guard both need it
    # the content of a row is digested twice (recency's tie-break: every field; exact copies:
    # the canonical fields), from one set of the fields' cells as texts
    fields = [c for c in work.columns if not str(c).startswith("_")]
    texts = cell_texts(work, fields)
    rank = recency_rank(
        work,
        content=row_digests(texts, fields, len(work)),
        stage_order=stage_order,
        effective=effective,
    )
    given, bad = _decisions(settings, decisions)
    unit, unit_digest = _exact_units(records, rank, settings.exact_duplicate_ignore, texts)
    del texts
    # an order's line items (J-0601: IoTセンサー, ゲートウェイ) are one deal of their sum; after
    # the exact copies are found (line items are no copies of each other)
    work, line_found = fold_line_items(work, settings.deals.line_items, info)

    # companies, then contacts inside companies, then deals inside companies
    ext = existing_accounts(existing, settings)
    step("companies")
    crecs = company_records(work, settings, ext)
    crules = _with_existing_id(settings.companies) if ext is not None else settings.companies
    tracker = (crecs.frame["existing_id"] == "").to_numpy()
    readings = reading_decisions(crecs.frame)
    # a reading link at a review_only level (フィリップス・ジャパン / Philips N.V.) is a review;
    # its names read alike, so a level a reading lifts (names alike in no other way) holds none
    if len(readings):
        held = at_review_only_level(
            crecs.frame, crules.link, "_key", readings, agreed=("reading", "reading_pair")
        )
        readings.loc[held & (readings["decision"] == "same").to_numpy(), "decision"] = "review"
    exact = pd.concat([exact_existing_pairs(work, crecs), readings], ignore_index=True)
    if len(exact):  # a person's decision on the same pair wins
        decided = set(zip(given["left_key"], given["right_key"]))
        decided |= {(b, a) for a, b in decided}
        exact = exact[
            [(a, b) not in decided for a, b in zip(exact["left_key"], exact["right_key"])]
        ]
    companies = _run(
        "companies",
        crules,
        crecs,
        pd.concat([exact, given], ignore_index=True),
        valid=tracker,
        engine=engine,
    )
    step("contacts")
    contacts = _run(
        "contacts",
        settings.contacts,
        contact_records(work, companies.row_ids, settings),
        given,
        engine=engine,
    )
    step("deals")
    deals = _run(
        "deals",
        settings.deals,
        deal_records(
            work, unit, unit_digest, companies.row_ids, contacts.row_ids, rank, settings, status_of
        ),
        given,
        engine=engine,
    )
    # a deal keeps the values of its closed row (won, lost) over a later open snapshot, and of
    # its pipeline rows (opportunity on) over a lead-funnel row dated by its created day alone
    deal_rank = closed_first(
        work,
        funnel_behind(work, rank, deals.row_ids, load_stage_level(rules_dir), status_of),
        status_of,
    )
    runs = (companies, contacts, deals)
    # every name is read by now (companies' readings, deal words): what reading them cached is
    # let go, its memory used by the pairs and findings below (GBs at 1M rows)
    clear_caches()

    found: list[pd.DataFrame] = [
        line_found,
        explain.exact_duplicate_findings(info, unit),
        explain.same_name_findings(companies, rank, info),
        explain.decision_findings(bad, sorted({k for r in runs for k in r.linkage.unknown_keys})),
    ]
    existing_of = (
        pd.Series(crecs.frame["existing_id"].to_numpy(), index=companies.record_ids)
        .groupby(level=0)
        .max()
    )
    # each run is cut down to what is read after its pairs are made (its ids and keys): its
    # entity records and the engine's scored pairs with their levels and evidence are let go
    # (GBs at 1M rows) before the next run's pairs and findings are made
    todo, done = [companies, contacts, deals], []
    del companies, contacts, deals, runs, crecs
    review_parts, pair_parts = [], []
    step("evidence and findings")
    while todo:
        run = todo.pop(0)
        first_row = explain.first_rows(run.recs.record_of_row, rank, len(run.recs.frame))
        labels = explain.label(run, work, first_row)
        pairs = explain.pairs_frame(run, labels, first_row, info, run.rules.link.thresholds.match)
        run = _ids_only(run)
        found += [
            *explain.run_findings(
                run,
                pairs,
                labels,
                first_row,
                info,
                explain.lead_records(
                    run.recs.record_of_row,
                    deal_rank if run.name == "deals" else rank,
                    run.record_ids,
                ),
            ),
            explain.block_findings(run),
        ]
        if not pairs.empty:
            pair_parts.append(pairs.drop(columns=["_left", "_right", "_leads"]))
            doubt = pairs[pairs["status"].isin(["review", "split"])]
            review_parts.append(
                doubt.drop(columns=["_left", "_right", "_leads", "status"]).assign(decision="")
            )
        done.append(run)
    del labels, pairs, first_row, run
    companies, contacts, deals = done
    runs = (companies, contacts, deals)
    existing_counts = (
        {"accounts": _existing_counts(companies, review_parts)} if ext is not None else {}
    )

    out = records.copy(deep=False)  # copy-on-write: the new columns leave the input alone
    out.index = index
    for run in runs:
        out[ID_COLUMN[run.name]] = run.row_ids
    # each row's entity ids as their sorted codes, the ids factorised once per run and record
    codes = {run.name: _id_codes(run) for run in runs}
    status, merged_into = _statuses(
        runs, np.where(deals.row_ids != "", deal_rank, rank), info, codes
    )
    out["_status"] = status
    out["_merged_into"] = merged_into

    step("the records each cluster keeps")
    frames = _entity_frames(
        runs, work, records, schema, settings, rank, info, found, deal_rank, codes
    )
    guard = stage_guard(
        work,
        deals.row_ids,
        rank,
        deal_rank,
        status_of,
        stage_order,
        effective=effective,
        codes=codes["deals"],
    )
    found.append(explain.conflict_findings(deals, guard, info))
    frames["companies"].insert(
        1, "existing_id", frames["companies"]["company_id"].map(existing_of).fillna("").to_numpy()
    )
    tracker_names = _keep_existing_names(frames["companies"], ext)
    domains = _mail_domains(companies.row_ids, work, settings.free_mail_domains).to_dict()
    frames["companies"]["mail_domain"] = np.array(
        [domains.get(c, "") for c in frames["companies"]["company_id"].tolist()], dtype=object
    )
    found.append(explain.existing_match_findings(frames["companies"], tracker_names))
    if existing and existing.get("contacts") is not None and len(frames["contacts"]):
        frames["contacts"].insert(
            1,
            "existing_id",
            _existing_contact_ids(existing["contacts"], frames["contacts"], settings),
        )

    # what matching held (entity records, the engine's pairs and levels, the working copy) is
    # not returned: let it go before the pairs and findings are joined, the stage's peak
    del runs, companies, contacts, deals, work, info, guard
    review = (
        pd.concat(review_parts, ignore_index=True)[explain.REVIEW_COLUMNS]
        if review_parts
        else pd.DataFrame(columns=explain.REVIEW_COLUMNS)
    )
    pairs_all = (
        pd.concat(pair_parts, ignore_index=True)
        if pair_parts
        else pd.DataFrame(columns=explain.PAIR_COLUMNS)
    )
    del review_parts, pair_parts
    return DedupeResult(
        out,
        frames["companies"],
        frames["contacts"],
        frames["deals"],
        review.sort_values(["entity", "probability"], ascending=[True, False], ignore_index=True),
        F.concat(_drained(found)),
        pairs_all,
        existing_counts,
    )


def _keep_existing_names(companies: pd.DataFrame, ext: pd.DataFrame | None) -> pd.Series:
    """A company matched to an account of the SFA (``--existing``) keeps the account's name as
    the SFA writes it: the import updates the account, and the trackers' spelling (株式会社サクラ
    商事 for サクラ商事(株)) would rename it (u19). The trackers' spelling joins the alternates.
    Returns the names the trackers gave, by row of ``companies`` (changed in place)."""
    before = companies["company_name"].copy() if "company_name" in companies else pd.Series()
    if ext is None or "existing_name" not in ext or "company_name" not in companies:
        return before
    sfa = pd.Series(ext["existing_name"].to_numpy(), index=ext["existing_id"].to_numpy())
    named = companies["existing_id"].map(sfa[sfa != ""]).fillna("")
    renamed = (named != "") & (named != companies["company_name"])
    if not renamed.any():
        return before
    if "company_name_alternates" in companies:
        alt = (
            companies["company_name_alternates"]
            .astype(object)
            .where(companies["company_name_alternates"].notna(), "")
        )
        add = before[renamed]
        alt[renamed] = [
            "; ".join(sorted({*filter(None, str(a).split("; ")), str(n)} - {str(sn)}))
            for a, n, sn in zip(alt[renamed], add, named[renamed])
        ]
        companies["company_name_alternates"] = alt.to_numpy(dtype=object)
    names = companies["company_name"].astype(object).to_numpy(copy=True)
    names[renamed.to_numpy()] = named[renamed].to_numpy(dtype=object)
    companies["company_name"] = names
    return before


def _mail_domains(
    company_of_row: np.ndarray, work: pd.DataFrame, free_mail: frozenset[str]
) -> pd.Series:
    """Per company id, the e-mail domain of its own people (the most frequent of its rows' that
    is no free mail domain; ties to the first in order): the company's domain where no website
    gives one (HubSpot deduplicates companies on it). A domain two companies share (a group's
    common one) is left out: HubSpot would make the two one company."""
    if "email_domain" not in work.columns:
        return pd.Series(dtype=object)
    rows = pd.DataFrame(
        {"c": company_of_row, "d": text_column(work, "email_domain").str.lower().to_numpy()}
    )
    rows = rows[(rows["c"] != "") & (rows["d"] != "") & ~rows["d"].isin(free_mail)]
    if rows.empty:
        return pd.Series(dtype=object)
    counts = rows.groupby(["c", "d"], sort=True).size().reset_index(name="n")
    best = counts.sort_values(["c", "n", "d"], ascending=[True, False, True]).drop_duplicates("c")
    shared = best["d"].duplicated(keep=False)
    return best[~shared].set_index("c")["d"]


def _drained(parts: list[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The parts in order, each let go of by the list as it is handed on: the findings are
    made plain texts part by part (:func:`migrate.findings.concat`), so the Arrow texts of a
    part are freed once its copy is made, not after every part is copied."""
    parts.reverse()
    while parts:
        yield parts.pop()


def _working_copy(
    records: pd.DataFrame, info: pd.DataFrame, added: Mapping[str, np.ndarray]
) -> pd.DataFrame:
    """The records with text columns as plain Python objects: every step reads them often;
    with the row keys and the ``added`` columns.

    Only columns of a pandas string dtype are converted (object columns already hold Python
    objects), all at once: a sheet with thousands of columns is not rebuilt column by column,
    and the new columns come in one join (an insert each into a frame of thousands of blocks
    is what pandas warns of as fragmentation).
    """
    strings = {
        c: object
        for c, d in zip(records.columns, records.dtypes)
        if d != np.dtype(object) and pd.api.types.is_string_dtype(d)
    }
    # a new frame either way; copy-on-write keeps the records' own cells apart from it
    work = records.astype(strings) if strings else records.copy(deep=False)
    new = pd.DataFrame({ROW_KEY: info["key"].to_numpy(dtype=object), **added}, index=work.index)
    return pd.concat([work, new], axis=1)


def _decisions(
    settings: DedupeSettings, decisions: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The decisions of the rules file, then the ones passed in (they win); and the unreadable."""
    from_rules = pd.DataFrame(
        [(d.left, d.right, d.decision) for d in settings.decisions],
        columns=["left_key", "right_key", "decision"],
    )
    frames = [from_rules] if decisions is None else [from_rules, decisions]
    return normalize_decisions(pd.concat(frames, ignore_index=True), dict(settings.review_words))


def _exact_units(
    records: pd.DataFrame,
    rank: np.ndarray,
    ignore: tuple[str, ...],
    texts: Mapping[str, list[list[str]]],
) -> tuple[np.ndarray, np.ndarray]:
    """For every row, the position of the row it is an exact copy of (itself when none), and
    the digest of the content the copies share.

    Copies are rows with the same value in every canonical field (a row pasted twice): they
    are one record, and of a set of copies the most recent one stands for all. Which copy that
    is does not matter (they are equal), so nothing else depends on the order of the rows. A
    row with no value at all is a unit of its own. ``texts``: the :func:`cell_texts` of (at
    least) the canonical fields.
    """
    cols = [
        c
        for c in records.columns
        if not str(c).startswith("_") and not str(c).startswith("extra:") and c not in ignore
    ]
    n = len(records)
    digest = row_digests(texts, cols, n)
    if not cols or n == 0:
        return np.arange(n), digest
    # a row with no value has the digest of empty cells; only the rows with that digest are
    # tested cell by cell (a row with a value has another text, so another digest or none)
    blank = digest == digest_of("\x1f".join([""] * len(cols)), 16)
    if blank.any():
        maybe = np.flatnonzero(blank)
        some = records.iloc[maybe]
        for c in cols:
            blank[maybe] &= empty_mask(some[c])
    h = pd.factorize(pd.Series(digest, dtype=object))[0]
    order = np.lexsort((rank, h))
    first = pd.Series(order).groupby(h[order], sort=False).transform("first").to_numpy()
    unit = np.empty(n, dtype=np.int64)
    unit[order] = first
    unit[blank] = np.flatnonzero(blank)
    return unit, digest


def _run(
    name: str,
    rules: EntitySettings,
    recs: EntityRecords,
    decisions: pd.DataFrame,
    valid: np.ndarray | None = None,
    engine: str = "default",
) -> EntityRun:
    """Match one entity's records and give every record and source row its entity id."""
    prefixes = KEY_PREFIXES[name]
    mine = decisions["left_key"].str.startswith(prefixes) & decisions["right_key"].str.startswith(
        prefixes
    )
    linkage = link(
        recs.frame, rules.link, decisions=decisions[mine], key_column="_key", engine=engine
    )
    record_ids = stable_ids(linkage.labels, recs.frame["_key"], PREFIX[name], valid)
    row_ids = np.full(len(recs.record_of_row), "", dtype=object)
    has = recs.record_of_row >= 0
    row_ids[has] = record_ids[recs.record_of_row[has]]
    return EntityRun(name, rules, recs, linkage, record_ids, row_ids)


def _ids_only(run: EntityRun) -> EntityRun:
    """The run with its ids, names and record keys only (``_key`` and ``existing_id``, copied
    out of the records' blocks): no other record column, no scored pairs."""
    frame = run.recs.frame
    kept = {
        c: pd.Series(frame[c].to_numpy(dtype=object, copy=True), index=frame.index, dtype=object)
        for c in ("_key", "existing_id")
        if c in frame
    }
    recs = EntityRecords(pd.DataFrame(kept, index=frame.index), run.recs.record_of_row)
    linkage = dataclasses.replace(run.linkage, pairs=pd.DataFrame())
    return dataclasses.replace(run, recs=recs, linkage=linkage)


def _id_codes(run: EntityRun) -> tuple[np.ndarray, np.ndarray]:
    """:func:`id_codes` of the run's rows, the ids factorised per record, not per row."""
    rec_code, names = id_codes(run.record_ids)
    of_row = run.recs.record_of_row
    code = np.full(len(of_row), -1, dtype=np.int64)
    has = of_row >= 0
    code[has] = rec_code[of_row[has]]
    return code, names


def _existing_counts(companies: EntityRun, review_parts: list[pd.DataFrame]) -> dict[str, int]:
    """Accounts of the SFA export matched to a tracker company, reviewed, or left alone."""
    frame = companies.recs.frame
    is_ext = (frame["existing_id"] != "").to_numpy()
    ids = companies.record_ids
    with_tracker = set(ids[~is_ext])
    matched = is_ext & np.isin(ids, list(with_tracker))
    keys = frame["_key"].to_numpy(dtype=object)
    in_review: set[str] = set()
    for part in review_parts:
        mine = part[part["entity"] == "companies"]
        in_review |= set(mine["left_key"]) | set(mine["right_key"])
    reviewed = is_ext & ~matched & np.isin(keys, list(in_review))
    return {
        "matched": int(matched.sum()),
        "reviewed": int(reviewed.sum()),
        "left_alone": int((is_ext & ~matched & ~reviewed).sum()),
    }


def _with_existing_id(rules: EntitySettings) -> EntitySettings:
    """Two accounts already in the SFA are never merged with each other."""
    guard = Comparison("existing_id", "existing_id", (Level("exact"),), else_never=True)
    link_ = dataclasses.replace(rules.link, comparisons=(*rules.link.comparisons, guard))
    return dataclasses.replace(rules, link=link_)


def _statuses(
    runs: tuple[EntityRun, ...],
    rank: np.ndarray,
    info: pd.DataFrame,
    codes: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``exported`` for the most recent row of each deal (of each contact, company or row when
    the row has no deal), ``merged`` for the others, and the row key each merged into."""
    companies, contacts, deals = runs
    n = len(rank)
    # the group of a row as one number: its kind (deal, contact, company, the row alone) and
    # the code of its id; only which rows go together counts, not how groups are ordered
    kind = np.select(
        [deals.row_ids != "", contacts.row_ids != "", companies.row_ids != ""], [0, 1, 2], 3
    )
    within = np.arange(n)
    size = n + 1
    for k, run in enumerate((deals, contacts, companies)):
        mine = kind == k
        if codes is None:
            within[mine] = pd.factorize(run.row_ids[mine])[0]
        else:  # the ids' codes (-1 exactly where the id is '')
            within[mine] = codes[run.name][0][mine]
            size = max(size, len(codes[run.name][1]) + 1)
    group = kind.astype(np.int64) * size + within
    order = np.lexsort((rank, group))
    survivor = np.empty(n, dtype=np.int64)
    survivor[order] = (
        pd.Series(order).groupby(group[order], sort=False).transform("first").to_numpy()
    )
    is_survivor = survivor == np.arange(n)
    status = np.where(is_survivor, "exported", "merged")
    return status, np.where(is_survivor, "", info["key"].to_numpy()[survivor])


def _entity_frames(
    runs: tuple[EntityRun, ...],
    work: pd.DataFrame,
    records: pd.DataFrame,
    schema: Schema,
    settings: DedupeSettings,
    rank: np.ndarray,
    info: pd.DataFrame,
    found: list[pd.DataFrame],
    deal_rank: np.ndarray | None = None,
    codes: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict[str, pd.DataFrame]:
    """One row per company, contact and deal, survivorship applied; conflicts into ``found``.
    ``codes``: each run's :func:`id_codes` per row, when already known."""
    codes = {run.name: _id_codes(run) for run in runs} if codes is None else codes
    companies, contacts, _ = runs
    script = primary_script(work, tuple(NAME_FIELD.values()), settings.name_script)
    links = {
        "companies": {},
        "contacts": {"company_id": companies.row_ids},
        "deals": {"company_id": companies.row_ids, "contact_id": contacts.row_ids},
    }
    out = {}
    for run in runs:
        entity = {"companies": "company", "contacts": "contact", "deals": "deal"}[run.name]
        rules = settings.entity(run.name)
        fields = [
            *(f.name for f in schema.fields if f.entity == entity),
            *rules.fields,
            *(f for f in DERIVED[entity] if f in records),
        ]
        if entity == "deal":  # a row is a deal: its unmapped columns go with it (generic export)
            fields += [c for c in records.columns if str(c).startswith(EXTRA_PREFIX)]
        order = deal_rank if entity == "deal" and deal_rank is not None else rank
        frame, conflicts = _entity_frame(
            run,
            work,
            fields,
            rules,
            order,
            info,
            links[run.name],
            settings.legal_forms,
            script,
            codes[run.name],
        )
        name = NAME_FIELD.get(entity)
        if name and name in frame and rules.strategy(name) in ("primary_name", "person_name"):
            # the other spellings of a merged name (Epsilon Corporation beside 株式会社エプシロン)
            kept = frame.set_index(ID_COLUMN[run.name])[name]
            alt = alternates(work, run.row_ids, name, kept, codes[run.name])
            frame.insert(
                frame.columns.get_loc(name) + 1, f"{name}_alternates", alt.to_numpy(dtype=object)
            )
        found.append(explain.conflict_findings(run, conflicts, info))
        out[run.name] = frame
    return out


def _entity_frame(
    run: EntityRun,
    records: pd.DataFrame,
    fields: list[str],
    rules: EntitySettings,
    rank: np.ndarray,
    info: pd.DataFrame,
    extra: dict[str, np.ndarray],
    legal_forms: tuple[str, ...] = (),
    name_script: str = "ja",
    codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    row_ids = run.row_ids
    if codes is None:
        codes = id_codes(row_ids)
    code = codes[0]
    work = records.copy(deep=False)
    for k, v in extra.items():
        work[k] = pd.Series(v, index=records.index, dtype=object)
    result = survive(
        work,
        pd.Series(row_ids, index=records.index),
        [*fields, *extra],
        rules,
        rank,
        legal_forms=legal_forms,
        name_script=name_script,
        codes=codes,
    )
    ent = result.entities  # the survivors' frame is the result's own: no copy of its cells
    ent.insert(0, ID_COLUMN[run.name], ent.index.astype(str))
    has = np.flatnonzero(code >= 0)
    by_recency = has[np.argsort(rank[has], kind="stable")]
    # per id code (the entities' order: both sorted by id), each entity's rows' keys joined
    joined = join_groups(code[by_recency], info["key"].to_numpy(dtype=object)[by_recency], ";")
    ent["_row_keys"] = joined.to_numpy(dtype=object)
    sv = result.survivor.reindex(ent.index).to_numpy()
    ent["_source_file"] = info["file"].to_numpy()[sv]
    ent["_source_sheet"] = info["sheet"].to_numpy()[sv]
    ent["_source_row"] = info["row"].to_numpy()[sv]
    return ent.reset_index(drop=True), result.conflicts


def _existing_contact_ids(
    existing: pd.DataFrame, contacts: pd.DataFrame, settings: DedupeSettings
) -> np.ndarray:
    """SFA contact id per contact, matched on e-mail (an exact, person-level key)."""
    spec = dict(settings.existing).get("contacts")
    if spec is None or "email" not in contacts:
        return np.full(len(contacts), "", dtype=object)
    id_col = find_column(existing, spec.id_columns)
    email_col = find_column(existing, dict(spec.columns).get("email", ()))
    if id_col is None or email_col is None:
        return np.full(len(contacts), "", dtype=object)
    table = pd.Series(
        text_column(existing, id_col).to_numpy(),
        index=text_column(existing, email_col).str.lower().to_numpy(),
    )
    table = table[(table.index != "") & ~table.index.duplicated()]
    return contacts["email"].astype(str).str.lower().map(table).fillna("").to_numpy(dtype=object)
