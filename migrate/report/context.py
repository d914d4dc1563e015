"""What every report section reads: the run's result, the rules, the stage model and "today".

In: a ``RunResult`` (tables, problems, records, findings, crosswalk, report and, when the
stages exist, ``dedupe`` and ``export``), the report rules and the stage model. Out: a
:class:`Context` with the frames looked up once, the record statuses, the resolved stage of
every record and the reference date. ``today`` is the given date, else the run's as-of date
(:func:`migrate.asof.as_of_date`: the latest plausible ``updated_at``/``created_at``, so the
same inputs always give the same report), else None (then every age-based figure says "not available").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from ..asof import as_of_date
from ..lead_lists import lead_not_deal
from ..schema import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from . import values as v
from .settings import ReportRules, StageView

TodaySource = Literal["given", "data", "stated", "saved", "none"]
STATUS = "_status"


@dataclass
class Context:
    """The run as the report sections see it."""

    result: Any
    rules: ReportRules
    model: StageView
    records: pd.DataFrame
    findings: pd.DataFrame
    crosswalk: pd.DataFrame
    tables: list[Any]
    today: dt.date | None
    today_source: TodaySource
    stale_days: int
    mask: bool
    stages: pd.Series  # resolved stage key per record ("" unknown/missing)
    status: pd.Series  # exported | merged | rejected per record
    # True for the rows of lead lists that are no deal (a lead, MQL, SQL or a lead closed
    # without a deal: 見送り, Unqualified): the deal figures (win rate, 失注, the checklist's
    # 案件 items) leave them out; a converted lead (商談化) counts as the deal it is
    leads: pd.Series | None = None
    # the columns worked out per record that several sections read, each made once
    _columns: dict[tuple[str, str], pd.Series] = field(default_factory=dict, init=False, repr=False)

    @property
    def deals(self) -> pd.Series:
        """True for the records that are deals (or tracker lines), not rows of lead lists."""
        if self.leads is None:
            return pd.Series(True, index=self.records.index)
        return ~self.leads

    @property
    def dedupe(self) -> Any:
        return getattr(self.result, "dedupe", None)

    @property
    def export(self) -> Any:
        return getattr(self.result, "export", None)

    @property
    def report(self) -> dict[str, Any]:
        return getattr(self.result, "report", None) or {}

    def texts(self, name: str) -> pd.Series:
        """Each record's ``name`` as text (:func:`.values.per_value` of :func:`.values.text`),
        made once per run: the ids are read by the duplicates and the funnel sections."""
        return self._column("texts", name, lambda c: v.per_value(c, v.text))

    def filled(self, name: str) -> pd.Series:
        """True where the record's ``name`` is not blank, made once per run: completeness,
        the funnel's lead sources and the checklist read the same fields."""
        return self._column("filled", name, v.filled)

    def _column(self, kind: str, name: str, make: Any) -> pd.Series:
        made = self._columns.get((kind, name))
        if made is None:
            made = self._columns[(kind, name)] = make(v.column(self.records, name))
        return made

    def show(self, value: object, field: str = "") -> str:
        """A value as text for examples, masked when --mask-pii is on."""
        t = v.text(value)
        return str(v.mask_value(t, field)) if self.mask else t

    def where(self, file: object, sheet: object, row: object) -> dict[str, Any]:
        return {"file": v.text(file), "sheet": v.text(sheet), "row": int(v.to_number(row) or 0)}

    def mapped(self, file: str, sheet: str) -> set[str]:
        """Canonical fields the sheet has a column for."""
        for t in self.tables:
            if t.file == file and t.sheet == sheet:
                return {c.field for c in t.columns if c.field}
        return set()


def build_context(
    result: Any,
    rules: ReportRules,
    model: StageView,
    *,
    today: dt.date | None,
    stale_days: int | None,
    mask: bool,
    today_source: str | None = None,
) -> Context:
    """Look everything up once; decide the reference date.

    ``today_source`` says where a given ``today`` came from (the run context's as-of source:
    given, data, saved:<file>, none); without it a given date counts as given."""
    records = getattr(result, "records", None)
    if records is None:
        records = pd.DataFrame()
    records = records.reset_index(drop=True)
    for c in (SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW):
        if c not in records.columns:
            records[c] = pd.Series([""] * len(records), dtype=object) if c != SOURCE_ROW else 0
    findings = getattr(result, "findings", None)
    if findings is None:
        from .. import findings as fnd

        findings = fnd.empty()
    crosswalk = getattr(result, "crosswalk", None)
    if crosswalk is None:
        crosswalk = pd.DataFrame(
            columns=["source_file", "source_sheet", "source_row", "status", "reason"]
        )
    status = v.per_value(v.column(records, STATUS), lambda s: v.text(s) or "exported")
    stages = v.per_value(v.column(records, "stage"), model.resolve)
    source: TodaySource = "given"
    if today_source is not None:
        source = today_source.split(":", 1)[0]  # type: ignore[assignment]
    elif today is None:
        # the run's own reference date, else the same rule on these records (migrate.asof)
        today = getattr(result, "as_of", None)
        run_source = str(getattr(result, "as_of_source", "") or "")
        if today is None:
            today = as_of_date(records)
            run_source = "data" if today is not None else "none"
        source = run_source.split(":", 1)[0] or "data"  # type: ignore[assignment]
    return Context(
        result=result,
        rules=rules,
        model=model,
        records=records,
        findings=findings,
        crosswalk=crosswalk,
        tables=list(getattr(result, "tables", []) or []),
        today=today,
        today_source=source,
        stale_days=int(stale_days or rules.stale_days),
        mask=mask,
        stages=stages,
        status=status,
        leads=lead_not_deal(records),
    )
