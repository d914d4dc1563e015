"""HTML building blocks of report.html: tables, badges, tiles, "not available" notes.

In: the report dict and a language, held by :class:`Page`; out: HTML fragments. Every text
is escaped here, so the section views pass raw values and never build markup by hand
around user data.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ..catalogue import Catalogue, load_catalogue, reason_detail, rule_in
from .text import money, t, where

SEVERITY_COLORS = {"error": "#d93025", "warning": "#e37400", "info": "#1a73e8"}
STATUS_COLORS = {"open": "#1a73e8", "won": "#188038", "lost": "#9aa0a6"}
ROW_COLORS = {
    "exported": "#188038",
    "merged": "#1a73e8",
    "rejected": "#d93025",
    "skipped": "#9aa0a6",
}


def e(x: Any) -> str:
    """Escaped text ("" for None)."""
    return escape("" if x is None else str(x))


# where a capped list of the page is whole: the findings (quality.xlsx marks their cells), the
# rows an import refused, the pairs to decide
FINDINGS_FILES = "findings.csv, quality.xlsx"
REJECTS_FILE = "rejects.csv"
REVIEW_FILE = "review.xlsx"


@dataclass(frozen=True)
class Cell:
    """A table cell with its own class/style (the default cell is a plain string of HTML)."""

    html: str
    cls: str = ""
    style: str = ""


class Page:
    """Rendering helpers bound to one report and one language."""

    def __init__(
        self, report: dict[str, Any], lang: str, catalogue: Catalogue | None = None
    ) -> None:
        self.r = report
        self.lang = lang
        self.cat = catalogue or load_catalogue()
        self.linked: dict[str, None] = {}  # finding ids linked on the page, for the glossary

    def rule(self, rule_id: str) -> str:
        """A finding id as a link to its explanation in the glossary at the end of the page."""
        if not rule_id:
            return ""
        self.linked.setdefault(rule_id, None)
        return (
            f'<a class="rid" href="#{e(anchor(rule_id))}"><code class="nw">{e(rule_id)}</code></a>'
        )

    def rule_title(self, rule_id: str) -> str:
        """The catalogue's title of a finding id in the page's language (escaped)."""
        return e(self.cat.title(rule_id, self.lang))

    def finding(self, rule_id: str) -> str:
        """Title and linked id: what a reader needs to recognise a finding."""
        return f"<b>{self.rule_title(rule_id)}</b> {self.rule(rule_id)}"

    def reason(self, reason: str) -> str:
        """A rejection or skip reason: the catalogue's title in the page's language with a link,
        then the reason's specifics as written (values are never re-worded)."""
        rule = rule_in(reason)
        if not rule or self.cat.entry(rule) is None:
            return e(reason)
        detail = self.cat.message(rule, reason_detail(reason), self.lang)
        extra = f'<br><span class="ex">{e(detail)}</span>' if detail and detail != rule else ""
        return self.finding(rule) + extra

    def reason_label(self, code: str) -> str:
        """A skip reason code (row.subtotal, sheet.pivot) as its title (plain text)."""
        return self.cat.title(code, self.lang)

    def t(self, key: str, **kw: Any) -> str:
        """Escaped text of a key."""
        return e(t(key, self.lang, **kw))

    def label(self, pair: dict[str, str] | None) -> str:
        pair = pair or {}
        return pair.get(self.lang) or pair.get("en") or pair.get("ja") or ""

    def stage_label(self, key: str) -> str:
        for s in (self.r.get("funnel") or {}).get("stages", []):
            if s["key"] == key:
                return self.label(s.get("label"))
        return key or t("f.no-stage", self.lang)

    def na(self, reason: str = "") -> str:
        text = t("na", self.lang)
        if reason:
            text += " — " + t("na." + reason, self.lang)
        return f'<p class="na">{e(text)}</p>'

    def none(self) -> str:
        return f'<p class="note">{self.t("none-found")}</p>'

    def table(
        self,
        head: list[str],
        rows: list[list[Any]],
        *,
        nums: set[int] | frozenset[int] = frozenset(),
        total: list[Any] | None = None,
        row_cls: list[str] | None = None,
        cls: str = "",
    ) -> str:
        """A table; ``head`` and cells are HTML; cells may be :class:`Cell`; columns in ``nums`` align right."""

        def td(i: int, c: Any, tag: str = "td") -> str:
            cls = "n" if i in nums else ""
            style = ""
            if isinstance(c, Cell):
                cls = f"{cls} {c.cls}".strip()
                style = f' style="{e(c.style)}"' if c.style else ""
                c = c.html
            cls_attr = f' class="{cls}"' if cls else ""
            return f"<{tag}{cls_attr}{style}>{c}</{tag}>"

        th = "".join(td(i, h, "th") for i, h in enumerate(head))
        body = []
        for k, row in enumerate(rows):
            rc = row_cls[k] if row_cls and k < len(row_cls) and row_cls[k] else ""
            attr = f' class="{rc}"' if rc else ""
            body.append(f"<tr{attr}>" + "".join(td(i, c) for i, c in enumerate(row)) + "</tr>")
        if total:
            body.append(
                '<tr class="total">' + "".join(td(i, c) for i, c in enumerate(total)) + "</tr>"
            )
        table_cls = f' class="{e(cls)}"' if cls else ""
        return (
            f'<div class="scroll"><table{table_cls}><thead><tr>{th}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    def badge(self, status: str, text: str | None = None) -> str:
        return f'<span class="badge b-{e(status)}">{e(text if text is not None else status)}</span>'

    def sev(self, severity: str) -> str:
        return self.badge(severity, t(severity, self.lang))

    def where(self, item: dict[str, Any], column: str = "") -> str:
        return e(where(item, self.lang, column))

    def examples(self, items: list[dict[str, Any]], count: int = 0, more_in: str = "") -> str:
        """Where the examples are; with ``count`` above their number, how many more and where."""
        lines = [self.where(x) for x in items]
        if more_in and count > len(items):
            lines.append(self.more_text(count - len(items), more_in))
        return '<span class="ex">' + "<br>".join(lines) + "</span>"

    def more_text(self, n: int, more_in: str) -> str:
        """'and N more (all in FILE)': what a capped list leaves out and where to find it all."""
        from .text import num

        return e(self.t("more-in", n=num(n), where=more_in))

    def more(self, count: int, shown: int, more_in: str) -> str:
        """A note under a capped table: how many rows it leaves out and where they all are."""
        n = int(count) - int(shown)
        return f'<p class="note">{self.more_text(n, more_in)}</p>' if n > 0 else ""

    def source(self, file: str, sheet: str) -> str:
        return f"{file} › {sheet}" if sheet else file

    def tile(self, key: str, value: str, sub: str = "") -> str:
        s = f'<div class="s">{sub}</div>' if sub else ""
        return f'<div class="tile"><div class="k">{key}</div><div class="v">{value}</div>{s}</div>'

    def money(self, x: float | None) -> str:
        return e(money(x, (self.r.get("funnel") or {}).get("currency", "JPY")))

    def code(self, x: Any) -> str:
        return f"<code>{e(x)}</code>"


def anchor(rule_id: str) -> str:
    """The id of a finding's entry in the glossary of report.html."""
    return "g-" + rule_id


def flag(n: int) -> str:
    """A count, red when not zero."""
    from .text import num

    return f'<span class="bad">{num(n)}</span>' if n else num(n)


def check(ok: bool) -> str:
    return '<span class="ok">✓</span>' if ok else '<span class="bad">✗</span>'
