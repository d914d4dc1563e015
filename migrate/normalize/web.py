"""Websites and postal codes.

In: website cells (www.example.co.jp, HTTP://Example.com/, ｈｔｔｐｓ：／／example.jp/about/,
"example.com / example.jp") and postal-code cells (〒100-0001, 1000001, 100ー0001, the Excel
number 600001 that lost its leading zero). Out: the website as a URL with a scheme, lower-case
host and no trailing slash, plus :func:`website_domain` (host without ``www.``); the postal code
as ``NNN-NNNN``. A value that is no URL/postal code is a finding and follows the on-error policy.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from .base import Issue, Outcome, is_missing, reformat
from .config import NormalizeRules, load_rules
from .text import clean_text, is_placeholder

_LABEL_RE = re.compile(r"^(?!-)[a-z0-9\u00a1-\uffff-]{1,63}(?<!-)$")
_TLD_RE = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59}|[\u00a1-\uffff]{2,63})$")
_SPLIT_RE = re.compile(r"\s*(?:[\s,;、]|\s/\s)\s*")
_DASHES = str.maketrans({c: "-" for c in "ー―‐‑–—−－ｰ"})


def normalize_website(value: object, rules: NormalizeRules | None = None) -> Outcome[str]:
    """One website cell as a URL with scheme and lower-case host ("" and a failure when invalid)."""
    text = clean_text(value)
    if not text:
        return Outcome("")
    if is_placeholder(text, (rules or load_rules()).placeholders):
        from .companies import placeholder_issue

        return Outcome("", (placeholder_issue(text),))
    parts = [p for p in _SPLIT_RE.split(text) if p]
    urls = [u for u in (_url(p) for p in parts) if u]
    if not urls:
        why = "looks like an e-mail address" if "@" in text else "is not a website address"
        return Outcome("", (), Issue("normalize.invalid-website", f"'{text}' {why}"))
    first = urls[0]
    issues: list[Issue] = []
    rest = [u for u in dict.fromkeys(urls) if u != first]
    if rest:
        msg = f"several websites in one cell; kept {first}, not {', '.join(rest)}"
        issues.append(Issue("normalize.multiple-websites", msg, first, "warning"))
    elif first != text:
        issues.append(reformat("normalize.website", first))
    return Outcome(first, tuple(issues))


def website_domain(url: str) -> str:
    """The host of a normalised URL without ``www.`` ("" when there is none)."""
    if not url:
        return ""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def _url(text: str) -> str:
    s = text.strip("<>()[]\"'.,")
    if "@" in s and "/" not in s:
        return ""
    s = re.sub(r"^(https?)//", r"\1://", s, flags=re.I)
    if not re.match(r"^[a-z][a-z0-9+.-]*://", s, re.I):
        s = "https://" + s
    try:
        parts = urlsplit(s)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not _valid_host(host):
        return ""
    netloc = host + (f":{port}" if port else "")
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def _valid_host(host: str) -> bool:
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        return False
    return bool(_TLD_RE.match(labels[-1]))


def normalize_postal_code(value: object, rules: NormalizeRules | None = None) -> Outcome[str]:
    """One Japanese postal-code cell as ``NNN-NNNN`` (a failure when it is not one)."""
    if is_missing(value):
        return Outcome("")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or not float(value).is_integer() or value < 0:
            return Outcome("", (), _invalid_postal(str(value)))
        digits = str(int(value))
        if len(digits) == 6:  # an Excel number: 0600001 became 600001
            code = f"0{digits[:2]}-{digits[2:]}"
            msg = f"restored the leading 0 lost in '{digits}'"
            return Outcome(code, (Issue("normalize.postal-code-leading-zero-restored", msg, code),))
        if len(digits) == 7:
            code = f"{digits[:3]}-{digits[3:]}"
            return Outcome(code, (reformat("normalize.postal-code", code),))
        return Outcome("", (), _invalid_postal(digits))
    text = clean_text(value)
    if not text:
        return Outcome("")
    if is_placeholder(text, (rules or load_rules()).placeholders):
        from .companies import placeholder_issue

        return Outcome("", (placeholder_issue(text),))
    if text.isdigit() and len(text) == 6:  # a re-saved CSV keeps the Excel number's lost zero
        return normalize_postal_code(int(text), rules)
    s = re.sub(
        r"^(?:〒|郵便番号|zip|postal code)\s*[:：]?\s*", "", text.translate(_DASHES), flags=re.I
    )
    hit = re.fullmatch(r"(\d{3})\s*-?\s*(\d{4})", s)
    if hit:
        code = f"{hit[1]}-{hit[2]}"
        return Outcome(code, (reformat("normalize.postal-code", code),) if code != text else ())
    return Outcome("", (), _invalid_postal(text))


def _invalid_postal(text: str) -> Issue:
    return Issue(
        "normalize.invalid-postal-code", f"'{text}' is not a Japanese postal code (NNN-NNNN)"
    )
