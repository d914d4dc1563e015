"""The trend over runs: one metric's value run after run, from the history, for the report.

In: a history file (or its runs) and metric ids; out: plain data (:func:`trend_data`) the
report can draw, and an SVG snippet (:func:`trend_svg`) drawn with the report's chart helpers
(``migrate.report.charts``: one horizontal bar per run). Runs are in the order they were
checked; each is labelled with its sequence number and reference date, never the wall clock.
"""

from __future__ import annotations

import os
from typing import Any

from .history import History, Run
from .metrics import OVERALL, info

DEFAULT_METRICS = (
    "required.amount",
    "required.close_date",
    "stages.unknown-share",
    "rows.rejected-share",
)


def trend_data(
    runs: list[Run] | str | os.PathLike[str],
    metrics: tuple[str, ...] = DEFAULT_METRICS,
    *,
    file: str = "",
    sheet: str = "",
    last: int = 12,
) -> dict[str, Any]:
    """``{runs: [{seq, as_of, status}], series: [{metric, better, unit, values: [...]}]}``.

    ``runs`` is the history (its path) or its runs; ``file``/``sheet`` pick one source
    (default: overall); ``last`` keeps the latest runs. A value is None where a run did not
    have the metric.
    """
    if not isinstance(runs, list):
        runs = History(runs).runs() if os.path.exists(runs) else []
    runs = runs[-last:] if last else runs
    series = []
    for metric in metrics:
        values: list[float | None] = []
        for run in runs:
            found = [
                m.value for m in run.metrics if (m.id, m.file, m.sheet) == (metric, file, sheet)
            ]
            values.append(found[0] if found else None)
        mi = info(metric)
        series.append({"metric": metric, "better": mi.better, "unit": mi.unit, "values": values})
    return {
        "available": bool(runs),
        "source": {"file": file, "sheet": sheet} if (file, sheet) != OVERALL else None,
        "runs": [{"seq": r.seq, "as_of": r.as_of, "status": r.status} for r in runs],
        "series": series,
    }


def trend_svg(data: dict[str, Any], metric: str, *, width: int = 520) -> str:
    """One metric over the runs as bars (``migrate.report.charts.hbars``); "" without runs."""
    from ..report import charts

    series = next((s for s in data["series"] if s["metric"] == metric), None)
    if series is None or not data["runs"]:
        return ""
    share = series["unit"] == "share"
    bars = []
    for run, value in zip(data["runs"], series["values"], strict=True):
        label = f"#{run['seq']} {run['as_of'] or ''}".strip()
        v = float(value or 0.0)
        shown = "-" if value is None else (f"{v * 100:.1f}%" if share else f"{v:g}")
        colour = "#d93025" if run["status"] == "fail" else "#1a73e8"
        bars.append(
            charts.Bar(label=label, value=v * 100 if share else v, text=shown, color=colour)
        )
    return charts.hbars(bars, width=width, title=metric, max_value=100 if share else None)


__all__ = ["DEFAULT_METRICS", "trend_data", "trend_svg"]
