"""report.html: one self-contained page rendered from the report dict, in Japanese or English.

In: the full report dict (the pipeline's base report plus the sections of
:func:`migrate.report.extend_report`) and a language. Out: HTML text. Every figure on the
page is read from that dict, so report.json holds the same numbers. The page carries its own
CSS, its charts as inline SVG, a Content-Security-Policy that forbids every request
(``default-src 'none'``) and no URL at all: it opens offline and prints on A4.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import OTHER, Catalogue
from . import charts
from .text import money, num, pct, t
from .view_data import import_section, quality_section
from .view_pipeline import (
    checklist_section,
    duplicates_section,
    funnel_section,
    no_stage_note,
)
from .widgets import ROW_COLORS, Page, anchor, e

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'"

CSS = """
:root{--fg:#202124;--muted:#5f6368;--line:#dadce0;--soft:#f8f9fa;--ok:#188038;--warn:#e37400;--bad:#d93025;--info:#1a73e8}
*{box-sizing:border-box}
html{font-family:"Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP","Noto Sans JP","Yu Gothic","Meiryo",system-ui,sans-serif;color:var(--fg);background:#fff;font-size:14px;line-height:1.55}
body{margin:0}
header.top{padding:18px 32px 12px;border-bottom:1px solid var(--line);background:var(--soft)}
header.top h1{margin:0;font-size:24px}
header.top .sub{margin:2px 0 0;color:var(--muted)}
header.top .meta{margin:6px 0 0;color:var(--muted);font-size:13px}
header.top button{float:right;font:inherit;padding:4px 14px;border:1px solid var(--line);border-radius:4px;background:#fff;cursor:pointer}
nav.toc{padding:8px 32px;border-bottom:1px solid var(--line);font-size:13px;position:sticky;top:0;background:#fff;z-index:2}
nav.toc a{margin-right:18px;color:var(--info);text-decoration:none}
main{max-width:1180px;padding:4px 32px 40px}
section{margin-top:28px}
h2{font-size:20px;border-bottom:2px solid var(--fg);padding-bottom:4px;margin:0 0 10px}
h3{font-size:15px;margin:22px 0 6px}
p{margin:6px 0}
.note{color:var(--muted);font-size:12.5px;margin:4px 0 8px}
.na{color:var(--muted);padding:6px 10px;background:var(--soft);border-left:3px solid var(--line);margin:6px 0}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:600;border-top:2px solid var(--fg)}
.scroll{overflow-x:auto;max-width:100%}
.tiles{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.tile{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:170px;flex:1 1 170px;max-width:280px;background:#fff}
.tile .k{font-size:12px;color:var(--muted)}
.tile .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}
.tile .s{font-size:12px;color:var(--muted)}
.verdict{border-radius:6px;padding:10px 16px;margin:8px 0;border:1px solid}
.verdict b{font-size:18px}
.verdict ul{margin:4px 0 0 18px;padding:0}
.verdict.ready{background:#e6f4ea;border-color:var(--ok)}
.verdict.attention{background:#fef7e0;border-color:var(--warn)}
.verdict.blocked{background:#fce8e6;border-color:var(--bad)}
.verdict.audit{background:#f1f3f4;border-color:var(--muted,#80868b)}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff;white-space:nowrap}
.b-error,.b-fail,.b-rejected{background:var(--bad)}
.b-warning,.b-warn,.b-reported{background:var(--warn)}
.b-info{background:var(--info)}
.b-pass,.b-passed{background:var(--ok)}
.b-na{background:#80868b}
.ok{color:var(--ok);font-weight:600}
.bad{color:var(--bad);font-weight:600}
.ex{font-size:12px;color:var(--muted)}
ul.ex{margin:4px 0 0;padding-left:16px}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;background:#f1f3f4;padding:0 3px;border-radius:3px;color:var(--fg);word-break:break-all}
.arrow{color:var(--muted)}
code.nw{white-space:nowrap;word-break:normal}
svg.chart{max-width:100%;height:auto;display:block;margin:6px 0}
.cluster{margin:8px 0 14px}
tr.survivor td{background:#e6f4ea}
td.heat{text-align:center;min-width:46px;font-variant-numeric:tabular-nums}
h4{font-size:14px;margin:18px 0 4px}
[id]{scroll-margin-top:44px}
a.rid{text-decoration:none}
a.rid code{color:var(--info)}
table.findings{width:100%;table-layout:fixed}
table.findings th:nth-child(1){width:70px}
table.findings th:nth-child(2){width:300px}
table.findings th:nth-child(3){width:64px}
details.info{margin:2px 0 8px}
details.info summary{cursor:pointer;color:var(--muted);font-size:13px}
dl.glossary{margin:4px 0 10px}
dl.glossary dt{margin-top:8px}
dl.glossary dd{margin:2px 0 0 16px}
dl.glossary dt:target,h4:target{background:#fef7e0}
dl.rules dt{font-weight:600;margin-top:6px}
dl.rules dd{margin:0 0 0 16px;color:var(--muted)}
footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding:10px 32px}
@media print{
  @page{size:A4;margin:12mm}
  html{font-size:11px}
  nav.toc,header.top button{display:none}
  main{padding:0;max-width:none}
  header.top{padding:0 0 6px;background:none}
  h2,h3{break-after:avoid}
  tr,svg.chart,.tile,.verdict,.cluster{break-inside:avoid}
  .scroll{overflow:visible}
  table{font-size:9.5px}
  th,td{padding:2px 4px}
  th{white-space:normal}
  td.heat{min-width:0}
  td:first-child{white-space:nowrap}
  .ex,code,.badge{font-size:9px}
  th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}
  td.heat,.badge,tr.survivor td,.verdict{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def render_html(report: dict[str, Any], lang: str, catalogue: Catalogue | None = None) -> str:
    """The whole page; finding ids are explained from ``catalogue`` (default: the active
    rules/findings.yaml)."""
    p = Page(report, lang if lang in ("ja", "en") else "en", catalogue)
    body = [
        _header(p),
        _toc(p),
        "<main>",
        _summary(p),
        import_section(p),
        quality_section(p),
        duplicates_section(p),
        funnel_section(p),
        checklist_section(p),
        _trend(p),
        _notes(p),
        _glossary(p),  # last: it explains the ids the sections above linked
        "</main>",
        _footer(p),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{p.lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        # an empty data: icon, so the browser does not look for /favicon.ico
        '<link rel="icon" href="data:,">\n'
        f"<title>{p.t('title')} — sfa-migrate</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _header(p: Page) -> str:
    ctx = p.r.get("context") or {}
    tool = p.r.get("tool") or {}
    src = t("today." + str(ctx.get("today_source", "none")), p.lang)
    files = [f for f in p.r.get("files", []) if f.get("status") == "read"]
    failed = [f for f in p.r.get("files", []) if f.get("status") == "failed"]
    today = e(ctx.get("today") or "—")
    meta = [
        f"{p.t('generated')}: {today}" + (f"（{e(src)}）" if p.lang == "ja" else f" ({e(src)})"),
        f"{p.t('sources')}: {len(files)}"
        + (f" · {p.t('imp.failed')}: {len(failed)}" if failed else ""),
    ]
    if ctx.get("masked"):
        meta.append(p.t("masked"))
    return (
        f'<header class="top"><button type="button" onclick="window.print()">{p.t("print")}</button>'
        f'<h1>{p.t("title")}</h1><p class="sub">{p.t("subtitle")} · {e(tool.get("name", "sfa-migrate"))} '
        f"{e(tool.get('version', ''))} · target: {e(p.r.get('target') or p.t('audit.target'))}</p>"
        f'<p class="meta">{" · ".join(meta)}</p></header>'
    )


def _toc(p: Page) -> str:
    keys = [
        "summary",
        "import",
        "quality",
        "duplicates",
        "funnel",
        "checklist",
        *(["trend"] if (p.r.get("trend") or {}).get("available") else []),
        "notes",
        "glossary",
    ]
    return (
        '<nav class="toc">'
        + "".join(f'<a href="#{k}">{p.t("s." + k)}</a>' for k in keys)
        + "</nav>"
    )


def _trend(p: Page) -> str:
    """The weekly check's metrics run after run (with --history): "" without runs."""
    data = p.r.get("trend") or {}
    if not data.get("available"):
        return ""
    from ..check.trend import trend_svg

    charts = "".join(trend_svg(data, s["metric"]) for s in data.get("series", []))
    return (
        f'<section id="trend"><h2>{p.t("s.trend")}</h2>'
        f'<p class="note">{p.t("trend.intro")}</p>{charts}</section>'
    )


def _summary(p: Page) -> str:
    imp = p.r["import"]
    tot = imp["totals"]
    verdict = imp["verdict"]
    reasons = "".join(f"<li>{p.t('why.' + w)}</li>" for w in verdict["reasons"])
    fs = p.r["quality"]["findings"]["by_severity"]
    fun = p.r["funnel"]
    dup = p.r["duplicates"]
    chk = p.r["checklist"]["summary"]
    cur = fun.get("currency", "JPY")
    tiles = [
        p.tile(
            p.t("in"),
            num(tot["in"]),
            f"{p.t('exported')} {num(tot['exported'])} · {p.t('merged')} "
            f"{num(tot['merged'])} · {p.t('rejected')} {num(tot['rejected'])} · {p.t('skipped')} "
            f"{num(tot['skipped'])}",
        ),
        p.tile(
            f"{p.t('error')} / {p.t('warning')}",
            f'<span class="{"bad" if fs.get("error") else ""}">{num(fs.get("error", 0))}</span> / '
            f"{num(fs.get('warning', 0))}",
            f"{p.t('info')} {num(fs.get('info', 0))}",
        ),
        p.tile(
            p.t("f.weighted"),
            e(money(fun["open"]["weighted_amount"], cur)),
            f"{p.t('f.open')} {num(fun['open']['count'])} · {e(money(fun['open']['amount'], cur))}"
            + no_stage_note(p, fun),
        ),
        p.tile(
            p.t("f.won"),
            e(money(fun["won"]["amount"], cur)),
            f"{p.t('f.win-rate')} {pct(fun['win_rate'])}",
        ),
        p.tile(
            p.t("s.duplicates"),
            num(dup["merged_rows"]) if dup.get("available") else "—",
            p.t("d.merged-rows") if dup.get("available") else p.t("na"),
        ),
        p.tile(
            p.t("s.checklist"),
            f'<span class="ok">{chk["pass"]}</span> / {chk["warn"]} / '
            f'<span class="bad">{chk["fail"]}</span>',
            f"{p.t('c.pass')} / {p.t('c.warn')} / {p.t('c.fail')} · {p.t('c.na')} {chk['na']}",
        ),
    ]
    bar = charts.stacked(
        [(t(k, p.lang), tot[k], ROW_COLORS[k]) for k in ROW_COLORS],
        title=t("imp.intro", p.lang),
        width=1100,
    )
    return (
        f'<section id="summary"><h2>{p.t("s.summary")}</h2>'
        f'<div class="verdict {e(verdict["status"])}"><b>{p.t("verdict." + verdict["status"])}</b>'
        + (f"<ul>{reasons}</ul>" if reasons else "")
        + "</div>"
        + '<div class="tiles">'
        + "".join(tiles)
        + "</div>"
        + bar
        + "</section>"
    )


def _notes(p: Page) -> str:
    ctx = p.r.get("context") or {}
    items = ["n.basis", "n.reached", "n.weighted", "n.today", "n.completeness", "n.fix", "n.rules"]
    out = [f'<section id="notes"><h2>{p.t("s.notes")}</h2><ul>']
    out += [f"<li>{p.t(k)}</li>" for k in items]
    out.append("</ul>")
    stages = (p.r.get("funnel") or {}).get("stages", [])
    if stages:
        out.append(
            f'<h3>{p.t("n.stage-model")} <span class="ex">{e(ctx.get("stage_model", ""))}</span></h3>'
        )
        out.append(
            p.table(
                [
                    "#",
                    p.t("stage"),
                    p.t("status"),
                    p.t("f.default-prob"),
                    p.t("n.definition"),
                    p.t("n.exit"),
                ],
                [
                    [
                        str(s["order"]),
                        e(p.label(s["label"])),
                        p.t("st." + s["status"]),
                        f"{s['probability']:.0f}%",
                        e(p.label(s.get("definition"))),
                        e(p.label(s.get("exit"))),
                    ]
                    for s in stages
                ],
                nums={0, 3},
            )
        )
    out.append("</section>")
    return "".join(out)


def _glossary(p: Page) -> str:
    """What each finding id on the page means and how to fix it, grouped by theme."""
    out = [
        f'<section id="glossary"><h2>{p.t("s.glossary")}</h2><p class="note">{p.t("g.intro")}</p>'
    ]
    if not p.linked:
        return "".join(out) + p.none() + "</section>"
    rank = {"error": 0, "warning": 1, "info": 2}
    # themes in the order of the findings section (most important first), then the catalogue's
    shown = [t["theme"] for t in (p.r.get("quality") or {}).get("findings", {}).get("by_theme", [])]

    def theme_rank(key: str) -> tuple[int, int]:
        return (shown.index(key) if key in shown else len(shown), p.cat.theme_order(key))

    known = [(i, p.cat.entry(i)) for i in p.linked]
    known.sort(
        key=lambda x: (
            theme_rank(x[1].theme if x[1] else OTHER),
            rank.get(x[1].severity, 3) if x[1] else 3,
            x[0],
        )
    )
    theme = None
    for rule_id, entry in known:
        key = entry.theme if entry else OTHER
        if key != theme:
            if theme is not None:
                out.append("</dl>")
            theme = key
            out.append(f'<h3>{e(p.cat.theme_title(key, p.lang))}</h3><dl class="glossary">')
        code = f'<code class="nw">{e(rule_id)}</code>'
        if entry is None:
            out.append(f'<dt id="{e(anchor(rule_id))}">{code}</dt><dd>—</dd>')
            continue
        out.append(
            f'<dt id="{e(anchor(rule_id))}"><b>{e(entry.title.get(p.lang))}</b> '
            f"{p.sev(entry.severity)} {code}</dt>"
            f"<dd>{e(entry.meaning.get(p.lang))}<br><b>{p.t('g.fix')}:</b> "
            f"{e(entry.fix.get(p.lang))}</dd>"
        )
    out.append("</dl></section>")
    return "".join(out)


def _footer(p: Page) -> str:
    tool = p.r.get("tool") or {}
    return f"<footer>{e(tool.get('name', 'sfa-migrate'))} {e(tool.get('version', ''))} · report.json · quality.xlsx</footer>"
