"""E-mail addresses: extracted, lower-cased and validated.

In: one raw e-mail cell ("Yamada Taro <Taro.Yamada@Example.co.jp>", "mailto:x@y.jp",
"taro＠example．co．jp", "a@x.jp; b@x.jp", "taro[at]example.com"). Out: the first valid address
in lower case (or "" with a finding when there is none), other addresses of the cell recorded
in a finding, and :func:`email_domain` for the part after the @. Validation checks the shape
only (local part, dotted domain, alphabetic TLD, no consecutive dots); it never looks up DNS.
"""

from __future__ import annotations

import re

from .base import Issue, Outcome, reformat
from .config import NormalizeRules, load_rules
from .text import clean_text, is_placeholder

RULE = "normalize.email"
# Candidates: anything around an @ up to a separator; checked strictly afterwards.
_CANDIDATE_RE = re.compile(r"[^\s<>()\[\]{}\"',;/、，；:：]+@[^\s<>()\[\]{}\"',;/、，；:：]+")
_OBFUSCATED_RE = (
    (
        re.compile(
            r"\s*[\[(<{]\s*at\s*[\])>}]\s*|\s+at\s+(?=[\w.-]+\s*(?:[\[(<{]\s*dot\s*[\])>}]|\.))",
            re.I,
        ),
        "@",
    ),
    (re.compile(r"\s*[\[(<{]\s*dot\s*[\])>}]\s*", re.I), "."),
)
_LOCAL_RE = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD_RE = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})$")
_TRAILING = ".,;:!?)]}>'\"。、"


def normalize_email(value: object, rules: NormalizeRules | None = None) -> Outcome[str]:
    """The first valid e-mail address in a cell, lower case ("" and a failure when none); of
    several, the first that is not a shared mailbox's (rules/normalize.yaml ``emails``)."""
    text = clean_text(value)  # NFKC: ＠ -> @, ．-> .
    if not text:
        return Outcome("")
    if is_placeholder(text, (rules or load_rules()).placeholders):
        from .companies import placeholder_issue

        return Outcome("", (placeholder_issue(text),))
    s = re.sub(r"(?i)mailto:", " ", text)
    if "@" not in s:
        for pattern, repl in _OBFUSCATED_RE:
            s = pattern.sub(repl, s)
    s = s.replace("\u3002", ".").replace("\uff0e", ".")
    found = [c.strip(_TRAILING).lstrip(".") for c in _CANDIDATE_RE.findall(s)]
    found = [c.lower() for c in found if c]
    valid = [c for c in found if is_valid_email(c)]
    if not valid and s.count("@") == 1 and re.search(r"\s@|@\s", s):
        # a space typed beside the @ (taro @alpha.co.jp): the one address the cell holds
        joined = normalize_email(re.sub(r"\s*@\s*", "@", s), rules)
        if joined.value and not joined.issues:
            return Outcome(joined.value, (reformat(RULE, joined.value),))
        return joined
    if not valid:
        why = "has no @" if "@" not in s else "is not a valid e-mail address"
        return Outcome("", (), Issue("normalize.invalid-email", f"'{text}' {why}"))
    role = (rules or load_rules()).emails.role_locals
    # a person's address before a shared mailbox's (info@; kubo@: kubo@ is the contact's)
    first = next((c for c in valid if c.split("@", 1)[0] not in role), valid[0])
    rest = list(dict.fromkeys(c for c in found if c != first))
    issues: list[Issue] = []
    if rest:
        issues.append(
            Issue(
                "normalize.multiple-emails",
                f"several addresses in one cell; kept {first}, not {', '.join(rest)}",
                first,
                "warning",
            )
        )
    elif first != text:
        issues.append(reformat(RULE, first))
    return Outcome(first, tuple(issues))


def is_valid_email(address: str) -> bool:
    """Shape check of a lower-case address: local@label.label.tld."""
    if address.count("@") != 1 or len(address) > 254:
        return False
    local, domain = address.split("@")
    if not local or len(local) > 64 or ".." in address or not _LOCAL_RE.match(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        return False
    return bool(_TLD_RE.match(labels[-1]))


def email_domain(address: str) -> str:
    """The domain of a normalised address ("" when there is none)."""
    return address.rsplit("@", 1)[1] if "@" in address else ""
