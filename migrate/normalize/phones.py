"""Phone numbers to E.164 with phonenumbers (default region from rules/normalize.yaml).

In: one raw phone cell in any common shape (03-1234-5678, (03)1234-5678, ０３−１２３４−５６７８,
03（1234）5678, +81-(0)3-1234-5678, 090-1234-5678, 0120-123-456, "03-1234-5678(代表)",
"03-1234-5678 内線123", +1 212 555 1234) or an Excel number that lost its leading zero
(312345678). Out: the E.164 form (+81312345678) or "" with a finding; an extension is dropped
from the number and reported; a restored leading zero is reported; a second number in the cell
is reported. :func:`format_national` gives the national display form back (03-1234-5678).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .base import Issue, Outcome, is_missing, reformat
from .config import NormalizeRules, PhoneRules, load_rules
from .text import clean_text, is_placeholder

RULE = "normalize.phone"
_DASHES = str.maketrans({c: "-" for c in "ー―‐‑–—−－ｰ"})
_NOTE_RE = re.compile(r"[(\[【<][^\d()\[\]【】<>]*[)\]】>]")
_CANDIDATE_RE = re.compile(r"\+?[\d(][\d\s\-().]{4,}\d")
_SEPARATORS_RE = re.compile(r"\s*(?:[/,;、\n]|\bor\b|または|及び|および)\s*")


@lru_cache(maxsize=8)
def _extension_re(rules: PhoneRules) -> re.Pattern[str]:
    words = sorted(rules.extension_markers, key=len, reverse=True)
    # A bare "x" only counts right after a digit or a space ("5678x123", "5678 x 123").
    alt = "|".join(re.escape(w) if w.casefold() != "x" else r"(?<=[\d\s])x" for w in words)
    return re.compile(rf"[(\[]?\s*(?:{alt})\s*[:.]?\s*(?P<ext>\d{{1,6}})\s*[)\]]?\s*$", re.I)


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


def _parse(candidate: str, pr: PhoneRules) -> tuple[str, str, bool] | None:
    """(E.164, extension, in phonenumbers' numbering plan) of a usable number, else None."""
    import phonenumbers as pn

    try:
        n = pn.parse(candidate.strip(), pr.default_region)
    except pn.NumberParseException:
        return None
    e164 = str(pn.format_number(n, pn.PhoneNumberFormat.E164))
    if pn.is_valid_number(n):
        return e164, n.extension or "", True
    if pr.accept_unlisted and n.country_code == 81 and _japanese_shape(str(n.national_number), pr):
        return e164, n.extension or "", False
    return None


def _japanese_shape(national: str, pr: PhoneRules) -> bool:
    """A Japanese number without its trunk 0: 9 digits (landline, 0120) or 10 (090/080/070/050)."""
    if len(set(national[-8:])) == 1:  # 03-0000-0000, 090-1111-1111: placeholders, not numbers
        return False
    if len(national) == 9:
        return national[0] != "0"
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
