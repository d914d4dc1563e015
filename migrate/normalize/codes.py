"""Customer codes: a row that names its company only by the team's code for it (取引先コード,
得意先コード, Customer Code) gets the company of that code from the rest of the run.

A relational workbook keeps its customers once, on a 顧客マスタ sheet (code, name, address,
phone), and its deals on another sheet that names the customer by the code alone (a VLOOKUP'd
name filled on some rows, #N/A or empty on others). After the company names are normalised:

* a code whose named rows all name one company (the same match key, or keys alike: a typo, a
  name written with and without a branch; names in different scripts, 山田製作所 beside an ERP's
  ヤマダセイサクショ, are not told apart here) gives that name to its rows without one
  (``normalize.company-from-code``, summarised like a mapping); dedupe then joins them to the
  master's company by name, as any two rows of one company;
* a code whose named rows name companies that are not alike gives no name
  (``normalize.company-code-conflict``, one finding per code naming the companies and rows);
* a code no row names a company for leaves its rows without a company, each reported
  (``normalize.company-code-unknown``; one finding per sheet when the run holds no customer
  master at all): a deal without a company is then handled as before.

Codes compare after text cleaning (full-width digits are half-width, spaces dropped) in upper
case; leading zeros count unless normalize.yaml ``companies.code_leading_zeros`` is ``ignore``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..columnar import map_values
from .base import Issue, Outcome, is_missing, reformat
from .collect import Collector
from .config import NormalizeRules, load_rules
from .text import clean_text, is_placeholder

CODE = "company_code"
_KANA_ONLY = re.compile(r"[\u3040-\u30ff\uff66-\uff9f・ー]+")
_LATIN = re.compile(r"[a-z]")
_SPACES = re.compile(r"\s+")


def code_key(value: object, *, ignore_leading_zeros: bool = False) -> str:
    """The form two codes are compared in: cleaned, no spaces, upper case (ｃ００１ -> C001);
    an all-digit code without its leading zeros only when asked (00123 -> 123)."""
    key = _SPACES.sub("", clean_text(value)).upper()
    if ignore_leading_zeros and key.isdigit():
        key = key.lstrip("0") or "0"
    return key


def _script(key: str) -> str:
    if _KANA_ONLY.fullmatch(key):
        return "kana"
    return "latin" if _LATIN.search(key) and key.isascii() else "ja"


def _alike(a: str, b: str) -> bool:
    """Two company keys of one code that may be one company: equal, one inside the other, close
    in letters, or written in different scripts (a reading is not compared here)."""
    if a == b or a in b or b in a or _script(a) != _script(b):
        return True
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) >= 85


def _company_columns(out: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's company name, match key and legal form, cleaned ('' where none)."""

    def cleaned(column: str) -> np.ndarray:  # each distinct text once
        return map_values(out[column], clean_text).to_numpy(dtype=object)

    names = cleaned("company_name")
    ckeys = cleaned("company_key") if "company_key" in out else names
    forms = (
        cleaned("company_legal_form")
        if "company_legal_form" in out
        else np.full(len(out), "", dtype=object)
    )
    return names, ckeys, forms


def join_company_codes(out: pd.DataFrame, col: Collector, rules: NormalizeRules) -> None:
    """Fill the company of the rows that have only a code (in place; see the module)."""
    if CODE not in out.columns or "company_name" not in out.columns:
        return
    ignore = rules.companies.code_ignores_leading_zeros
    raw = out[CODE].to_numpy(dtype=object)
    keys = np.array([code_key(v, ignore_leading_zeros=ignore) for v in raw], dtype=object)
    if not (keys != "").any():
        return
    names, ckeys, forms = _company_columns(out)
    named: dict[str, dict[str, list[int]]] = {}  # code -> company key -> row positions
    for pos in np.flatnonzero((keys != "") & (ckeys != "")):
        named.setdefault(keys[pos], {}).setdefault(ckeys[pos], []).append(int(pos))
    lacking = np.flatnonzero((keys != "") & (names == ""))
    name_of: dict[str, tuple[str, str, str, int]] = {}  # code -> name, key, form, example row
    for code, by_key in sorted(named.items()):
        groups = _groups(list(by_key))
        if len(groups) > 1:
            _conflict(col, code, groups, by_key, names)
            continue
        rows = [p for k in by_key for p in by_key[k]]
        counts: dict[str, int] = {}
        for p in rows:
            counts[names[p]] = counts.get(names[p], 0) + 1
        # the name most rows give, then the longest, then the first in code-point order: the
        # same whatever the order of the rows
        best = min(counts, key=lambda n: (-counts[n], -len(n), n))
        example = min(p for p in rows if names[p] == best)
        name_of[code] = (best, ckeys[example], forms[example], example)
    fill = [int(p) for p in lacking if keys[p] in name_of]
    if fill:
        _fill(out, col, fill, keys, raw, name_of)
    unknown = [int(p) for p in lacking if keys[p] not in named]
    if unknown and named:
        _unknown(col, unknown, keys, raw, named)
    elif unknown:
        _no_master(col, unknown, raw)


# ------------------------------------------------------------------ 法人番号

_NUMBER_MARKS = re.compile(r"[\s\-‐‑–—−ー―.,]")


def corporate_check_digit(base: str) -> int:
    """The National Tax Agency's check digit of a 法人番号 from its other twelve digits (the
    会社法人等番号 of a registered company): 9 - (sum of each digit times 1 or 2, the
    lowest digit times 1, then alternating) mod 9."""
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(base)))
    return 9 - total % 9


def normalize_corporate_number(value: object, rules: NormalizeRules | None = None) -> Outcome[str]:
    """One 法人番号 cell as its thirteen digits: an Excel number, full-width digits, hyphens
    and an invoice registration number's T (T8000020132063) read; a 会社法人等番号 of twelve
    digits gains its check digit; a number whose check digit is wrong is kept with a warning
    (a typo: the number is still compared as written)."""
    if is_missing(value):
        return Outcome("")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    cleaned = clean_text(value)
    if is_placeholder(cleaned, (rules or load_rules()).placeholders):
        from .companies import placeholder_issue

        return Outcome("", (placeholder_issue(cleaned),))
    text = _NUMBER_MARKS.sub("", cleaned)
    if not text:
        return Outcome("")
    digits = text[1:] if text[:1] in ("T", "t") else text
    if not digits.isdigit() or len(digits) not in (12, 13):
        return Outcome(
            "",
            (),
            Issue("normalize.invalid-corporate-number", f"'{text}' is not a 法人番号 of 13 digits"),
        )
    if len(digits) == 12:
        number = f"{corporate_check_digit(digits)}{digits}"
        msg = f"'{digits}' is a 会社法人等番号: its 法人番号 is {number} (check digit added)"
        return Outcome(
            number, (Issue("normalize.corporate-number-from-registry-number", msg, number),)
        )
    if int(digits[0]) != corporate_check_digit(digits[1:]):
        msg = (
            f"the check digit of 法人番号 '{digits}' is wrong (its other digits give "
            f"{corporate_check_digit(digits[1:])}): kept as written"
        )
        return Outcome(
            digits,
            (Issue("normalize.corporate-number-check-digit", msg, digits, "warning", "kept"),),
        )
    return Outcome(
        digits, (reformat("normalize.corporate-number", digits),) if digits != str(value) else ()
    )


# a short plain number is a row counter (No. 1, 2, 3), not an id shared by two sheets
_COUNTER = re.compile(r"\d{1,5}")


def join_record_ids(out: pd.DataFrame, col: Collector) -> None:
    """A detail sheet that names its deal only by the tracker's own id (案件ID | 金額 | 更新日
    beside a 案件一覧 of 案件ID | 会社名 | 案件名) gets the company of that id's rows in the same
    file (in place), so that duplicates joins its rows to that deal by the id
    (``normalize.company-from-record-id``). Ids of another file are another numbering; an id
    whose rows name companies that are not alike gives none."""
    if "record_id" not in out.columns or "company_name" not in out.columns:
        return
    # each distinct id cleaned once (a tracker repeats its ids on every snapshot row)
    ids = map_values(out["record_id"], lambda v: _SPACES.sub("", clean_text(v))).to_numpy(
        dtype=object
    )
    usable = map_values(pd.Series(ids), lambda i: bool(i) and not _COUNTER.fullmatch(i)).to_numpy(
        dtype=bool
    )
    if not usable.any():
        return
    files = out["_source_file"].astype(str).to_numpy(dtype=object)
    keys = np.where(usable, files + "\x1f" + ids, "")
    names, ckeys, forms = _company_columns(out)
    lacking = np.flatnonzero(usable & (names == ""))
    if not len(lacking):
        return
    wanted = set(keys[lacking])
    named: dict[str, dict[str, list[int]]] = {}
    for pos in np.flatnonzero(usable & (ckeys != "")):
        if keys[pos] in wanted:
            named.setdefault(keys[pos], {}).setdefault(ckeys[pos], []).append(int(pos))
    name_of: dict[str, tuple[str, str, str, int]] = {}
    for key, by_key in sorted(named.items()):
        if len(_groups(list(by_key))) > 1:
            continue  # one id, two companies: not the tracker's own numbering
        rows = sorted(p for k in by_key for p in by_key[k])
        name_of[key] = (names[rows[0]], ckeys[rows[0]], forms[rows[0]], rows[0])
    fill = [int(p) for p in lacking if keys[p] in name_of]
    if fill:
        raw = out["record_id"].to_numpy(dtype=object)
        _fill(out, col, fill, keys, raw, name_of, "normalize.company-from-record-id", "record id")


def _groups(keys: Sequence[str]) -> list[list[str]]:
    """Company keys of one code grouped by :func:`_alike` (chained: a ~ b ~ c is one)."""
    groups: list[list[str]] = []
    for k in sorted(keys):
        joined = [g for g in groups if any(_alike(k, o) for o in g)]
        merged = [k, *(o for g in joined for o in g)]
        groups = [g for g in groups if g not in joined] + [sorted(merged)]
    return sorted(groups)


def _where(col: Collector, pos: int) -> str:
    sheet = col.sheet[pos]
    return f"{col.file[pos]}{' › ' + sheet if sheet else ''} row {col.row[pos]}"


def _fill(
    out: pd.DataFrame,
    col: Collector,
    fill: list[int],
    keys: np.ndarray,
    raw: np.ndarray,
    name_of: dict[str, tuple[str, str, str, int]],
    rule: str = "normalize.company-from-code",
    by: str = "code",
) -> None:
    columns = {"company_name": 0, "company_key": 1, "company_legal_form": 2}
    for column, at in columns.items():
        if column not in out.columns:
            out[column] = pd.Series("", index=out.index, dtype=object)
        values = out[column].to_numpy(dtype=object).copy()
        for p in fill:
            values[p] = name_of[keys[p]][at]
        out[column] = pd.Series(values, index=out.index, dtype=object)
    issues = []
    for p in fill:
        name, _, _, example = name_of[keys[p]]
        issues.append(
            Issue(
                rule,
                f"the row names its company only by its {by} {clean_text(raw[p])!r}: "
                f"{name!r} taken from {_where(col, example)}",
                name,
                action="changed",
                level="mapping",
            )
        )
    col.rows("company_name", fill, issues, [clean_text(raw[p]) for p in fill], [""] * len(fill))


def _conflict(
    col: Collector,
    code: str,
    groups: list[list[str]],
    by_key: dict[str, list[int]],
    names: np.ndarray,
) -> None:
    firsts = sorted(min(p for k in g for p in by_key[k]) for g in groups)
    listed = "; ".join(f"{names[p]!r} ({_where(col, p)})" for p in firsts)
    at = firsts[1]
    issue = Issue(
        "normalize.company-code-conflict",
        f"code {code!r} names {len(groups)} different companies: {listed}; rows with the code "
        "alone get no company name",
        severity="warning",
        action="none",
    )
    col.rows(CODE, [at], [issue], [code], [code])


def _unknown(
    col: Collector,
    unknown: list[int],
    keys: np.ndarray,
    raw: np.ndarray,
    named: dict[str, dict[str, list[int]]],
) -> None:
    by_digits = {
        k.lstrip("0") or "0": k for k in sorted(named, reverse=True) if k.isdigit()
    }  # 123 -> 00123: the first in code-point order
    issues = []
    for p in unknown:
        code = keys[p]
        near = by_digits.get(code.lstrip("0") or "0") if code.isdigit() else None
        hint = (
            f" ({near!r} is known: the codes differ only in their leading zeros)"
            if near and near != code
            else ""
        )
        issues.append(
            Issue(
                "normalize.company-code-unknown",
                f"no row of the run names the company of code {clean_text(raw[p])!r}, so the "
                f"row has no company{hint}: read the customer master holding the code with it, "
                "or type the company name into the row",
                severity="warning",
                action="kept",
            )
        )
    originals = [clean_text(raw[p]) for p in unknown]
    col.rows(CODE, unknown, issues, originals, originals)


def _no_master(col: Collector, unknown: list[int], raw: np.ndarray) -> None:
    """No row of the run names the company of any code (a code column, no customer master):
    one finding per sheet with the count and the first row, not one per row."""
    gcodes, labels = col.groups()
    first: dict[int, list[int]] = {}
    for p in unknown:
        first.setdefault(int(gcodes[p]), []).append(p)
    for g, rows in sorted(first.items()):
        file, sheet = labels[g]
        p = rows[0]
        issue = Issue(
            "normalize.company-code-unknown",
            f"{len(rows)} row(s) name their company only by a code (e.g. "
            f"{clean_text(raw[p])!r}, row {col.row[p]}) and no sheet of the run gives the "
            "company of any code: read the customer master with them, or type the company "
            "names into the rows",
            clean_text(raw[p]),
            severity="warning",
            action="kept",
        )
        col.sheet_level(CODE, file, sheet, issue, clean_text(raw[p]))


__all__ = [
    "code_key",
    "corporate_check_digit",
    "join_company_codes",
    "normalize_corporate_number",
]
