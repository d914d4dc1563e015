"""Phone numbers to E.164 with phonenumbers (default region from rules/normalize.yaml).

In: one raw phone cell in any common shape (03-1234-5678, (03)1234-5678, ０３−１２３４−５６７８,
03（1234）5678, +81-(0)3-1234-5678, 090-1234-5678, 0120-123-456, "03-1234-5678(代表)",
"03-1234-5678 内線123", 03-1234-5678(内)381, +1 212 555 1234, 0049 89 590 2024) or an Excel number that lost its leading zero
(312345678). Out: the E.164 form (+81312345678) or "" with a finding; an extension is dropped
from the number and reported; a restored leading zero is reported; a second number in the cell
is reported. :func:`format_national` gives the national display form back (03-1234-5678).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .base import Issue, Outcome, is_missing, reformat
from .config import NormalizeRules, PhoneRules, load_rules
from .text import clean_text, is_placeholder

if TYPE_CHECKING:
    import pandas as pd

RULE = "normalize.phone"
_DASHES = str.maketrans({c: "-" for c in "ー―‐‑–—−－ｰ"})
_NOTE_RE = re.compile(r"[(\[【<][^\d()\[\]【】<>]*[)\]】>]")
_CANDIDATE_RE = re.compile(r"\+?[\d(][\d\s\-().]{4,}\d")
# a number labelled as a fax (FAX 03-..., Fax: ..., ファックス ...), label and all
_FAX_RE = re.compile(
    r"(?<![a-z])(?:fax|ｆａｘ|ファックス|ファクス|ﾌｧｯｸｽ)\s*(?:番号)?\s*[:：.]?\s*\+?[\d(][\d\s\-().]{4,}\d",
    re.IGNORECASE,
)
_SEPARATORS_RE = re.compile(r"\s*(?:[/,;、\n]|\bor\b|または|及び|および)\s*")
#: E.164: a + and at most 15 digits, the first not 0. phonenumbers calls some longer German
#: numbers valid (+49 and 14-15 more digits) that no importer takes: they are invalid here too,
#: so a number kept in a phone field always passes the export's phone check
#: (migrate/export/values.py PHONE_RE, the same pattern).
E164_RE = re.compile(r"^\+[1-9][0-9]{3,14}$")


@lru_cache(maxsize=8)
def _extension_re(rules: PhoneRules) -> re.Pattern[str]:
    words = sorted(rules.extension_markers, key=len, reverse=True)
    # A bare "x" only counts right after a digit or a space ("5678x123", "5678 x 123").
    alt = "|".join(re.escape(w) if w.casefold() != "x" else r"(?<=[\d\s])x" for w in words)
    # 内線123, (内線123), (内)381, (内線)381, 内:381, ext. 12, x12
    return re.compile(
        rf"[(\[]?\s*(?:{alt})\s*[)\]]?\s*[:.]?\s*(?P<ext>\d{{1,6}})\s*[)\]]?\s*$", re.I
    )


def normalize_phone(value: object, rules: NormalizeRules | None = None) -> Outcome[str]:
    """One phone cell to E.164 ("" and a failure when it is not a valid number)."""
    rules = rules or load_rules()
    pr = rules.phones
    if is_missing(value):
        return Outcome("")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_number(value, pr)
    text = clean_text(value)
    if not text:
        return Outcome("")
    if is_placeholder(text, rules.placeholders):
        from .companies import placeholder_issue

        return Outcome("", (placeholder_issue(text),))
    if text.isdigit() and not text.startswith("0"):  # a number typed or pasted without its 0
        return _from_number(int(text), pr)
    issues: list[Issue] = []
    s = text.translate(_DASHES)
    faxes = [m.group().strip() for m in _FAX_RE.finditer(s)]
    if faxes:  # TEL 03-3333-4444 / FAX 03-3333-4445: a fax number is no phone to call
        s = _FAX_RE.sub(" ", s).strip(" /,;、")
        if not _CANDIDATE_RE.search(s):
            why = f"'{text}' is a fax number, not a phone: left empty"
            return Outcome("", (Issue("normalize.fax-not-phone", why),))
        issues.append(
            Issue("normalize.fax-not-phone", f"dropped the fax number ({', '.join(faxes)})")
        )
    numbers: list[str] = []
    for piece in _SEPARATORS_RE.split(s):
        piece = piece.strip()
        if not piece:
            continue
        ext = _extension_re(pr).search(piece)
        extension = ext["ext"] if ext else ""
        if ext:
            piece = piece[: ext.start()]
        piece = _NOTE_RE.sub(" ", piece)
        for cand in _CANDIDATE_RE.findall(piece):
            found = _parse(cand, pr)
            if found is None and " " in cand.strip():
                parts = [_parse(p, pr) for p in cand.split()]
                if all(parts):
                    numbers += [p[0] for p in parts if p]
                    continue
            if found is None:
                numbers.append("!" + cand.strip())
                continue
            number, parsed_ext, verified = found
            numbers.append(number)
            if not verified and len(numbers) == 1:
                issues.append(_unverified(number))
            if (parsed_ext or extension) and len(numbers) == 1:
                issues.append(
                    Issue(
                        "normalize.phone-extension",
                        f"extension {parsed_ext or extension} dropped from the number",
                        number,
                    )
                )
    valid = [n for n in numbers if not n.startswith("!")]
    if not valid:
        return Outcome(
            "", (), Issue("normalize.invalid-phone", f"'{text}' is not a valid phone number")
        )
    first = valid[0]
    rest = [n.lstrip("!") for n in dict.fromkeys(numbers) if n != first]
    if rest:
        issues.append(
            Issue(
                "normalize.multiple-phones",
                f"several numbers in one cell; kept {first}, not {', '.join(rest)}",
                first,
                "warning",
            )
        )
    if not issues and first != text:
        issues.append(reformat(RULE, first))
    return Outcome(first, tuple(issues))


@lru_cache(maxsize=8)
def _mobile_res(rules: PhoneRules) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """A labelled mobile number (携帯 090-..., Mobile: +81 90 ...) and an unlabelled number of
    the mobile prefixes (090-..., +81 90-...)."""
    labelled = None
    if rules.mobile_labels:
        words = "|".join(re.escape(w) for w in sorted(rules.mobile_labels, key=len, reverse=True))
        labelled = re.compile(
            rf"[(\[【（]?(?<![a-z])(?:{words})(?![a-z])[)\]】]?\s*[:：.]?\s*"
            r"(?P<number>\+?[\d(][\d\s\-().]{4,}\d)\s*[)\]】）]?",
            re.IGNORECASE,
        )
    prefixes = "|".join(re.escape(p) for p in rules.mobile_number_prefixes)
    bare = re.compile(rf"^(?:\+81[\s-]?|0)(?:{prefixes})\D?\d") if prefixes else None
    return labelled, bare


def split_mobile(value: object, rules: NormalizeRules | None = None) -> tuple[str, str] | None:
    """A phone cell holding a landline and a mobile number ("03-1234-5678 / 携帯 090-1111-2222",
    "03-1234-5678、090-1111-2222"): (the cell without the mobile, the mobile number as written);
    None for a cell of one number, or where the mobile is the only or the first number."""
    if is_missing(value) or not isinstance(value, str):
        return None
    rules = rules or load_rules()
    labelled, bare = _mobile_res(rules.phones)
    text = clean_text(value).translate(_DASHES)
    found = labelled.search(text) if labelled is not None else None
    if found is not None:
        rest = (text[: found.start()] + " " + text[found.end() :]).strip(" /,;、\n")
        if _CANDIDATE_RE.search(rest):
            return rest, found["number"].strip()
        return None
    if bare is None:
        return None
    pieces = [p.strip() for p in _SEPARATORS_RE.split(text) if p.strip()]
    if len(pieces) != 2 or bare.match(pieces[0]) or not bare.match(pieces[1]):
        return None
    if not _CANDIDATE_RE.fullmatch(pieces[1]) or not _CANDIDATE_RE.search(pieces[0]):
        return None
    return pieces[0], pieces[1]


def countries_from_run(
    originals: list[object],
    values: list[str],
    issues: list[tuple[Issue, ...]],
    sheets: list[set[int]],
) -> None:
    """National numbers of another country, told by the same number written with its code.

    020 7947 9753 reads as a Japanese number (+812079479753) under the default region (and 0711
    863 4593 as none), but when the same sheet writes +44 20 7947 9753 elsewhere in the column
    (and never +81 20 7947 9753), it is that London number: the value becomes the number written
    with the country code, with a ``normalize.phone-country-from-run`` finding. Revises
    ``values``/``issues`` (one entry per distinct cell, which occurs in the source sheets
    ``sheets[i]``) in place; nothing changes without such a number in the sheet.
    """

    # (sheet, national digits) -> E.164 numbers written with a country code
    written_with_code: dict[tuple[int, str], set[str]] = {}
    for original, value, where in zip(originals, values, sheets):
        if not value or not _written_with_code(original):
            continue
        code = _country_code(value)
        if code is None:
            continue
        national = value[1 + len(code) :]
        for g in where:
            written_with_code.setdefault((g, national), set()).add(value)
    if not any(not v.startswith("+81") for vs in written_with_code.values() for v in vs):
        return
    for i, (original, value) in enumerate(zip(originals, values)):
        if _written_with_code(original) or not (value.startswith("+81") or not value):
            continue
        found: set[str] = set()
        every_sheet = bool(sheets[i])
        for g in sheets[i]:  # the same cell in a sheet without the evidence: no change
            here = set().union(
                *(written_with_code.get((g, d), set()) for d in _national_digits(original, value))
            )
            every_sheet = every_sheet and bool(here)
            found |= here
        if not every_sheet or len(found) != 1 or any(v.startswith("+81") for v in found):
            continue
        number = found.pop()
        values[i] = number
        was = f"as a Japanese number it would be {value}" if value else "not a Japanese number"
        message = (
            f"read as {number}: the same number is written with its country code elsewhere in "
            f"this column ({was})"
        )
        kept = tuple(
            Issue(x.rule, x.message, number if x.value == value else x.value, x.severity)
            for x in issues[i]
            if x.rule not in (RULE, "normalize.invalid-phone", "normalize.phone-unverified")
            and x.action != "blanked"
        )
        issues[i] = (*kept, Issue("normalize.phone-country-from-run", message, number))


def _national_digits(original: object, value: str) -> tuple[str, ...]:
    """The digits a national number is written with, with and without its trunk 0."""
    if value:
        return (value[3:], "0" + value[3:])
    text = clean_text(original) if isinstance(original, str) else ""
    if not re.fullmatch(r"0[\d\s\-().]{6,}", text.translate(_DASHES)):
        return ()
    digits = re.sub(r"\D", "", text)
    return (digits, digits[1:])


def _written_with_code(original: object) -> bool:
    """+49 ..., 0049 ..., 010-1-... (Japan's international prefix): a number with its code."""
    if not isinstance(original, str):
        return False
    text = clean_text(original)
    hit = re.search(r"[+\d]", text)
    if not hit:
        return False
    rest = text[hit.start() :]
    return rest.startswith(("+", "00", "010"))


def format_national(e164: str, region: str = "JP") -> str:
    """Display form of an E.164 number: national for the home region, else international."""
    import phonenumbers as pn

    if not e164:
        return ""
    try:
        n = pn.parse(e164, region)
    except pn.NumberParseException:
        return e164
    home = pn.region_code_for_number(n) == region
    fmt = pn.PhoneNumberFormat.NATIONAL if home else pn.PhoneNumberFormat.INTERNATIONAL
    return str(pn.format_number(n, fmt))


def _country_code(e164: str) -> str | None:
    """The country calling code that starts an E.164 number (+44..., +1..., +852...).

    Codes are prefix-free (no code starts another), so the first of 1, 2 or 3 digits that is a
    code is the one: the same answer as parsing the number, without parsing it.
    """
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    for size in (1, 2, 3):
        code = e164[1 : 1 + size]
        if code.isdigit() and int(code) in COUNTRY_CODE_TO_REGION_CODE:
            return code
    return None


def _parse(candidate: str, pr: PhoneRules) -> tuple[str, str, bool] | None:
    """(E.164, extension, in phonenumbers' numbering plan) of a usable number, else None."""
    import phonenumbers as pn

    try:
        n = pn.parse(candidate.strip(), pr.default_region)
    except pn.NumberParseException:
        return None
    e164 = str(pn.format_number(n, pn.PhoneNumberFormat.E164))
    if pn.is_valid_number(n) and E164_RE.match(e164):
        return e164, n.extension or "", True
    international = _international_00(candidate)
    if international:
        return international, "", True
    if not E164_RE.match(e164):
        return None
    if pr.accept_unlisted and n.country_code == 81 and _japanese_shape(str(n.national_number), pr):
        return e164, n.extension or "", False
    return None


def _international_00(candidate: str) -> str:
    """0049 89 ..., 00420 ..., 0044 ...: the international prefix 00 of most countries.

    Not the Japanese one (010), so phonenumbers reads it as a national number; it is taken as
    +<country code> only when the rest is a valid number of that country. No Japanese number
    starts with 00.
    """
    import phonenumbers as pn

    digits = re.sub(r"[\s\-().]", "", candidate)
    if not (digits.startswith("00") and digits[2:3].isdigit() and digits[2] != "0"):
        return ""
    try:
        n = pn.parse("+" + digits[2:], None)
    except pn.NumberParseException:
        return ""
    e164 = str(pn.format_number(n, pn.PhoneNumberFormat.E164))
    return e164 if pn.is_valid_number(n) and E164_RE.match(e164) else ""


def _japanese_shape(national: str, pr: PhoneRules) -> bool:
    """A Japanese number without its trunk 0: 9 digits (landline, 0120) or 10 (090/080/070/050)."""
    if len(set(national[-8:])) == 1:  # 03-0000-0000, 090-1111-1111: placeholders, not numbers
        return False
    if len(national) == 9:  # never 10...: dialled with its 0 that is 010, the international prefix
        return national[0] != "0" and not national.startswith("10")
    return len(national) == 10 and national[:2] in pr.mobile_prefixes


def _unverified(number: str) -> Issue:
    return Issue(
        "normalize.phone-unverified",
        "a Japanese number of the right shape whose area code phonenumbers does not list; kept",
        number,
    )


def _from_number(value: float, pr: PhoneRules) -> Outcome[str]:
    """An Excel number cell: the leading zero is gone, restore it when the digit count is certain."""
    if value != value or value < 0 or not float(value).is_integer():
        return Outcome(
            "", (), Issue("normalize.invalid-phone", f"'{value}' is not a valid phone number")
        )
    digits = str(int(value))
    if len(digits) > 15:  # also beyond what a number cell keeps exactly (15 digits)
        return Outcome(
            "",
            (),
            Issue(
                "normalize.invalid-phone",
                f"'{digits}' has {len(digits)} digits; a phone number has at most 15",
            ),
        )
    restored = _restore_zero(digits, pr)
    if restored:
        return Outcome(restored, (_zero_issue(digits, restored),))
    found = _parse(("+" if len(digits) > 11 else "") + digits, pr)
    if found:
        return Outcome(found[0], (reformat(RULE, found[0]) if found[2] else _unverified(found[0]),))
    return Outcome(
        "", (), Issue("normalize.invalid-phone", f"'{digits}' is not a valid phone number")
    )


def _restore_zero(digits: str, pr: PhoneRules) -> str:
    # 9 digits: a 10-digit landline or free-dial number (03-xxxx-xxxx, 0120-xxx-xxx);
    # 10 digits starting 90/80/70/50: an 11-digit mobile or IP-phone number.
    if pr.default_region != "JP":
        return ""
    if len(digits) == 9 or (len(digits) == 10 and digits[:2] in pr.mobile_prefixes):
        found = _parse("0" + digits, pr)
        return found[0] if found else ""
    return ""


def _zero_issue(digits: str, number: str) -> Issue:
    return Issue(
        "normalize.phone-leading-zero-restored",
        f"restored the leading 0 lost in '{digits}'",
        number,
    )


def valid_in(text: str, region: str) -> bool:
    """``text`` is a valid phone number when read in ``region`` ((217) 789-2000 in US)."""
    import phonenumbers as pn

    try:
        return bool(pn.is_valid_number(pn.parse(str(text).strip(), region)))
    except pn.NumberParseException:
        return False


def country_hint(findings: pd.DataFrame, records: pd.DataFrame | None, pr: PhoneRules) -> str:
    """The run summary's ``--country`` hint: a phone column most of whose filled cells are no
    valid number of the default region but are of one region of ``hint_regions`` (US numbers
    blanked under JP); '' otherwise. One hint, for the column with the most such numbers."""
    if findings is None or findings.empty or "rule" not in findings:
        return ""
    bad = findings[findings["rule"] == "normalize.invalid-phone"]
    if bad.empty or not pr.hint_regions:
        return ""
    best: tuple[int, str, str, str, int] | None = None
    keys = ["file", "sheet", "column", "field"]
    for (file, sheet, column, field), group in bad.groupby(keys, sort=True):
        originals = [str(v) for v in group["original"] if str(v).strip()]
        if not originals:
            continue
        kept = 0
        if records is not None and field in records and "_source_file" in records:
            mine = records[
                (records["_source_file"].astype(str) == str(file))
                & (records["_source_sheet"].astype(str) == str(sheet))
            ][field]
            kept = int((mine.notna() & (mine.astype(str).str.strip() != "")).sum())
        total = kept + len(originals)
        for region in pr.hint_regions:
            if region == pr.default_region:
                continue
            n = sum(valid_in(v, region) for v in originals)
            if n and n / total >= pr.hint_min_share:
                if best is None or n > best[0]:
                    best = (n, region, str(file), str(column), total)
                break
    if best is None:
        return ""
    n, region, file, column, total = best
    return (
        f"hint: {n} of {total} phone numbers of {file} (column '{column}') are no valid "
        f"{pr.default_region} numbers but are valid {region} ones, and were left empty: if the "
        f"numbers are {region} ones, run again with --country {region}"
    )
