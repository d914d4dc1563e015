"""Quality thresholds (rules/quality.yaml): which metric may not pass which limit, and how bad that is.

In: the rule file; out: a frozen :class:`QualityRules`. Each threshold names a metric id (see
:mod:`migrate.check.metrics`), exactly one limit (``min``, ``max``: the value itself;
``max_drop``, ``max_rise``: the change since the last run), a severity (``error`` fails the
check, ``warning`` is shown) and a scope (``overall``, or ``source``: every file and sheet on its
own), and optionally ``min_rows``: a share over fewer rows is not judged (3 rows are not a
trend). ``version_marks`` are the marks of a copy or a version a file name may end with (a
weekly copy renamed ``- Copy (2)``, ``_最新版2``, ``_v3``): the check pairs it with the last run's
file of the name without them. The whole file is checked and every problem raised at once, each with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ..rules import Problems, load_rule_file

Kind = Literal["min", "max", "max_drop", "max_rise"]
KINDS: tuple[Kind, ...] = ("min", "max", "max_drop", "max_rise")
Scope = Literal["overall", "source"]
SCOPES: tuple[Scope, ...] = ("overall", "source")
Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")

_TOP_KEYS = ["kind", "version", "thresholds", "version_marks"]
_ITEM_KEYS = ["metric", *KINDS, "scope", "severity", "min_rows", "note"]
_CHECKLIST_RE = re.compile(r"^checklist\.[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Threshold:
    """One limit on one metric."""

    metric: str
    kind: Kind
    limit: float
    scope: Scope = "overall"
    severity: Severity = "error"
    min_rows: int = 0  # judged only where a share counts at least this many rows
    note: str = ""

    @property
    def is_change(self) -> bool:
        """True for a limit on the change since the last run (``max_drop``, ``max_rise``)."""
        return self.kind in ("max_drop", "max_rise")

    def describe(self) -> str:
        """The limit as the table shows it: ``>= 0.9``, ``<= 0``, ``drop <= 0.2``."""
        return {
            "min": f">= {_num(self.limit)}",
            "max": f"<= {_num(self.limit)}",
            "max_drop": f"drop <= {_num(self.limit)}",
            "max_rise": f"rise <= {_num(self.limit)}",
        }[self.kind]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@dataclass(frozen=True)
class QualityRules:
    """Everything rules/quality.yaml says."""

    thresholds: tuple[Threshold, ...] = ()
    path: str = ""
    # marks of a copy or a version at the end of a file name (' - Copy (2)', '_最新版2', '_v3'):
    # regular expressions; a name without them is the same source as last run's
    version_marks: tuple[str, ...] = ()


def known_metric(metric: str, fields: Iterable[str]) -> bool:
    """Whether ``metric`` is an id :func:`migrate.check.metrics.measure` can compute."""
    from .metrics import FAMILIES, METRICS

    if metric in METRICS:
        return True
    family, _, rest = metric.partition(".")
    if family == "checklist":
        return bool(_CHECKLIST_RE.match(metric))
    return f"{family}." in FAMILIES and rest in set(fields)


def parse_quality_rules(path: str, fields: Iterable[str] = ()) -> QualityRules:
    """Read and check one quality.yaml (the rules bundle calls this once per file).

    ``fields`` are the canonical field names (columns.yaml): ``completeness.<field>`` and
    ``required.<field>`` must name one of them.
    """
    from .metrics import FAMILIES, METRICS

    fields = tuple(fields)
    doc, p = load_rule_file(path, "quality")
    p.keys(doc, "", _TOP_KEYS, ["thresholds"])
    raw = doc.get("thresholds")
    items: list[Threshold] = []
    if not isinstance(raw, list):
        p.add("thresholds", f"expected a list of thresholds, got {raw!r:.60}")
    else:
        allowed = ", ".join([*METRICS, *(f"{f}<field>" for f in FAMILIES), "checklist.<id>"])
        seen: set[tuple[str, str, str]] = set()
        for i, spec in enumerate(raw):
            t = _threshold(p, spec, f"thresholds[{i}]", fields, allowed)
            if t is None:
                continue
            key = (t.metric, t.kind, t.scope)
            if key in seen:
                p.add(f"thresholds[{i}]", f"{t.metric} {t.kind} ({t.scope}) is listed twice")
            seen.add(key)
            items.append(t)
    marks = p.string_list(doc.get("version_marks"), "version_marks")
    for i, mark in enumerate(marks):
        try:
            re.compile(mark)
        except re.error as exc:
            p.add(f"version_marks[{i}]", f"{mark!r:.60} is not a regular expression ({exc})")
    p.raise_if_any()
    return QualityRules(thresholds=tuple(items), path=path, version_marks=tuple(marks))


def _threshold(
    p: Problems, spec: Any, at: str, fields: tuple[str, ...], allowed: str
) -> Threshold | None:
    if not p.keys(spec, at, _ITEM_KEYS, ["metric"]):
        return None
    ok = True
    metric = spec["metric"]
    if not isinstance(metric, str) or not known_metric(metric, fields):
        p.add(f"{at}.metric", f"{metric!r:.60} is not a metric; allowed: {allowed}")
        ok = False
    kinds = [k for k in KINDS if k in spec]
    if len(kinds) != 1:
        p.add(at, f"give exactly one limit of {', '.join(KINDS)} (found {len(kinds)})")
        return None
    kind = kinds[0]
    limit = spec[kind]
    from .metrics import COMPARED

    if metric in COMPARED and kind in ("max_drop", "max_rise"):
        p.add(f"{at}.{kind}", f"{metric} is measured against the last run already; use min or max")
        ok = False
    if not p.type(limit, f"{at}.{kind}", (int, float), "a number"):
        ok = False
    elif limit < 0:
        p.add(f"{at}.{kind}", f"{limit!r} is out of range; allowed: 0 or more")
        ok = False
    scope = spec.get("scope", "overall")
    ok &= p.choice(scope, f"{at}.scope", SCOPES)
    severity = spec.get("severity", "error")
    ok &= p.choice(severity, f"{at}.severity", SEVERITIES)
    note = spec.get("note", "")
    ok &= p.type(note, f"{at}.note", str, "a text")
    min_rows = spec.get("min_rows", 0)
    if p.type(min_rows, f"{at}.min_rows", int, "a whole number"):
        if min_rows < 0:
            p.add(f"{at}.min_rows", f"{min_rows!r} is out of range; allowed: 0 or more")
            ok = False
    else:
        ok = False
    if not ok:
        return None
    return Threshold(metric, kind, float(limit), scope, severity, int(min_rows), note)


__all__ = ["KINDS", "QualityRules", "Threshold", "known_metric", "parse_quality_rules"]
