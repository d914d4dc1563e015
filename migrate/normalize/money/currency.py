"""Currency cells and the currency column: 円, USD, $, ドル to an ISO code."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..base import Issue, Outcome, distinct, reformat, settle, take
from ..collect import Collector
from ..config import NormalizeRules, load_rules
from ..text import clean_text, fold, is_placeholder
from .cells import _matchers


def currency_code(value: object, rules: NormalizeRules | None = None) -> Outcome[str]:
    """A currency cell (円, USD, $, ドル) as an ISO code ("" when empty, a failure when unknown)."""
    rules = rules or load_rules()
    text = clean_text(value)
    if not text or is_placeholder(text, rules.placeholders):
        return Outcome("")
    code = _matchers(rules.amounts).codes.get(fold(text))
    if code is None and len(text) == 3 and text.isalpha():
        code = text.upper() if text.upper() in {c for _, c in rules.amounts.currencies} else None
    if code is None:
        return Outcome(
            "", (), Issue("normalize.unknown-currency", f"'{text}' is not a known currency")
        )
    return Outcome(code, (reformat("normalize.currency", code),) if code != text else ())


def _currency_column(out: pd.DataFrame, col: Collector, rules: NormalizeRules) -> np.ndarray:
    if "currency" not in out:
        return np.full(len(out), "", dtype=object)
    codes, uniques = distinct(out["currency"])
    rule = rules.rule("currency")
    values: list[str] = []
    issues: list[tuple[Issue, ...]] = []
    for u in uniques:
        o = currency_code(u, rules)
        if o.failure:
            v, issue = settle(o.failure, rule.on_error, rule.severity, "", "")
            values.append(v)
            issues.append((issue,))
        else:
            values.append(o.value)
            issues.append(o.issues)
    col.coded("currency", codes, issues, uniques, values)
    return take(values, codes)
