"""Charts as inline SVG, drawn in Python: horizontal bars, a stacked bar and a heat-map.

In: labels and numbers; out: an ``<svg>`` string to paste into report.html. No fonts are
embedded: text is SVG ``<text>`` with a font-family list that has a Japanese font on every
common system, and the browser picks one. Widths of labels are estimated (a full-width
character is one em, others about 0.6 em) so long Japanese labels are cut with "…" instead
of running into the bars.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "'Hiragino Sans','Hiragino Kaku Gothic ProN','Noto Sans CJK JP','Noto Sans JP','Yu Gothic','Meiryo',sans-serif"
FONT_SIZE = 12
TEXT = "#202124"
MUTED = "#5f6368"
GRID = "#e0e0e0"


@dataclass(frozen=True)
class Bar:
    """One bar: label at the left, value drawn, text at the bar's end."""

    label: str
    value: float
    text: str
    color: str = "#1a73e8"
    note: str = ""  # tooltip


def text_width(s: str, size: float = FONT_SIZE) -> float:
    """Estimated width in px of ``s`` at font size ``size``."""
    w = 0.0
    for ch in s:
        w += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6
    return w * size


def fit(s: str, width: float, size: float = FONT_SIZE) -> str:
    """``s`` cut with an ellipsis so that it fits ``width`` px."""
    if text_width(s, size) <= width:
        return s
    out = ""
    for ch in s:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def _svg(width: float, height: float, body: str, title: str) -> str:
    # no xmlns: inline SVG in HTML does not need it, and the page then holds no URL at all
    return (
        f'<svg class="chart" role="img" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" font-family="{escape(FONT)}" '
        f'font-size="{FONT_SIZE}" fill="{TEXT}"><title>{escape(title)}</title>{body}</svg>'
    )


def hbars(
    bars: Sequence[Bar],
    *,
    title: str,
    width: int = 760,
    bar_h: int = 22,
    gap: int = 6,
    label_w: int | None = None,
    max_value: float | None = None,
) -> str:
    """Horizontal bars, one per row, longest = full width."""
    if not bars:
        return ""
    label_w = label_w or int(min(300, max(80, max(text_width(b.label) for b in bars) + 24)))
    text_w = int(max(60, max(text_width(b.text) for b in bars) + 10))
    plot_w = max(80, width - label_w - text_w)
    top = max((b.value for b in bars), default=0) if max_value is None else max_value
    top = top or 1
    h = len(bars) * (bar_h + gap) + gap
    parts = []
    for i, b in enumerate(bars):
        y = gap + i * (bar_h + gap)
        w = max(0.0, plot_w * b.value / top)
        if b.value > 0:
            w = max(w, 2.0)
        tip = f"<title>{escape(b.note or b.label + ': ' + b.text)}</title>"
        parts.append(
            f'<g>{tip}<text x="{label_w - 8}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end">{escape(fit(b.label, label_w - 12))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{plot_w:.1f}" height="{bar_h}" fill="#f1f3f4"/>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{b.color}" rx="2"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h / 2 + 4:.1f}" fill="{MUTED}">{escape(b.text)}</text></g>'
        )
    return _svg(width, h, "".join(parts), title)


def stacked(
    parts: Sequence[tuple[str, float, str]], *, title: str, width: int = 760, height: int = 30
) -> str:
    """One bar split into coloured parts (label, value, colour), with a legend below."""
    total = sum(v for _, v, _ in parts) or 1
    x = 0.0
    body = []
    for label, value, color in parts:
        w = width * value / total
        if w <= 0:
            continue
        body.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{color}">'
            f"<title>{escape(label)}: {value:,.0f}</title></rect>"
        )
        x += w
    lx = 0.0
    ly = height + 18
    for label, value, color in parts:
        item = f"{label} {value:,.0f}"
        iw = text_width(item) + 30
        if lx + iw > width:
            lx, ly = 0.0, ly + 18
        body.append(
            f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{color}"/>'
            f'<text x="{lx + 16:.1f}" y="{ly}">{escape(item)}</text>'
        )
        lx += iw
    return _svg(width, ly + 8, "".join(body), title)


def heat_color(share: float | None) -> str:
    """Red (0) -> amber (0.5) -> green (1); grey for "no column"."""
    if share is None:
        return "#f1f3f4"
    s = max(0.0, min(1.0, share))
    stops = [
        (0.0, (234, 67, 53)),
        (0.5, (251, 188, 4)),
        (0.8, (205, 220, 57)),
        (1.0, (52, 168, 83)),
    ]
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if s <= p1:
            k = (s - p0) / (p1 - p0) if p1 > p0 else 0
            rgb = [round(a + (b - a) * k) for a, b in zip(c0, c1)]
            # lighten for readability of the text on top
            rgb = [round(c + (255 - c) * 0.45) for c in rgb]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#9ad1a6"


def heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    title: str,
    cell_w: int = 46,
    cell_h: int = 24,
    label_w: int | None = None,
    row_notes: Sequence[str] | None = None,
) -> str:
    """A grid of shares: rows x columns, each cell coloured and labelled with its percentage."""
    if not rows or not cols:
        return ""
    label_w = label_w or int(min(300, max(90, max(text_width(r) for r in rows) + 14)))
    head_h = int(min(130, max(text_width(c) for c in cols) * 0.72 + 24))
    # the rotated column labels lean right: leave room for the last one
    width = label_w + cell_w * len(cols) + int(head_h * 0.8)
    height = head_h + cell_h * len(rows) + 4
    body = []
    for j, c in enumerate(cols):
        x = label_w + j * cell_w + cell_w / 2
        body.append(
            f'<text transform="translate({x + 4:.1f},{head_h - 6}) rotate(-45)" '
            f'font-size="11">{escape(fit(c, 150, 11))}</text>'
        )
    for i, r in enumerate(rows):
        y = head_h + i * cell_h
        note = f"<title>{escape(row_notes[i])}</title>" if row_notes else ""
        body.append(
            f'<text x="{label_w - 8}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="end">{note}'
            f"{escape(fit(r, label_w - 12))}</text>"
        )
        for j, _ in enumerate(cols):
            v = values[i][j]
            x = label_w + j * cell_w
            label = "—" if v is None else f"{v * 100:.0f}"
            tip = f"{r} / {cols[j]}: " + ("—" if v is None else f"{v * 100:.1f}%")
            body.append(
                f'<g><title>{escape(tip)}</title><rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{heat_color(v)}"/><text x="{x + (cell_w - 2) / 2:.1f}" y="{y + cell_h / 2 + 3:.1f}" '
                f'text-anchor="middle" font-size="11" fill="{MUTED if v is None else TEXT}">{label}</text></g>'
            )
    return _svg(width, height, "".join(body), title)
