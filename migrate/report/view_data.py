"""report.html sections about the data: "Can we import?" and "Data quality".

In: a :class:`~migrate.report.widgets.Page` (the report dict and the language); out: the
HTML of each section. Figures come from the ``import`` and ``quality`` sections of the
report dict only.
"""

from __future__ import annotations

from typing import Any

from . import charts
from .text import field_label, num, t
from .widgets import (
    FINDINGS_FILES,
    REJECTS_FILE,
    SEVERITY_COLORS,
    Cell,
    Page,
    check,
    e,
    flag,
)

SHOWN_ROWS = 20  # longer lists are cut on the page; report.json has them whole
MAIN_RULES = 4  # errors and warnings named per theme in the overview


def import_section(p: Page) -> str:
    """Can we import? Rows per sheet, failed files, validation, rejections."""
    imp = p.r["import"]
    out = [f'<section id="import"><h2>{p.t("s.import")}</h2><p class="note">{p.t("imp.intro")}</p>']
    head = [
        p.t("file"),
        p.t("sheet"),
        p.t("in"),
        p.t("exported"),
        p.t("merged"),
        p.t("rejected"),
        p.t("skipped"),
        p.t("blank"),
        p.t("balanced"),
    ]
    rows = []
    for s in imp["sheets"]:
        why = ", ".join(f"{p.reason_label(k)} {n}" for k, n in s["skipped_reasons"].items())
        # a text file has no sheets; a web page saved as .xls (its one table) none either
        text_file = str(s.get("file", "")).lower().endswith((".csv", ".tsv", ".txt"))
        sheet = e(s["sheet"]) or p.t("csv" if text_file else "one-table")
        if s["kind"] == "skipped":
            sheet += f' <span class="ex">({e(p.reason_label(s["reason"]))})</span>'
            if s.get("rows_not_read"):
                note = p.t("imp.not-read").format(n=num(s["rows_not_read"]))
                sheet += f'<br><span class="ex">{note}</span>'
        skipped = num(s["skipped"]) + (
            f'<br><span class="ex">{e(why)}</span>' if why and s["kind"] != "skipped" else ""
        )
        rows.append(
            [
                e(s["file"]),
                sheet,
                num(s["in"]),
                num(s["exported"]),
                num(s["merged"]),
                flag(s["rejected"]),
                skipped,
                num(s["blank"]),
                check(s["balanced"]),
            ]
        )
    tot = imp["totals"]
    total = [
        p.t("total"),
        "",
        num(tot["in"]),
        num(tot["exported"]),
        num(tot["merged"]),
        flag(tot["rejected"]),
        num(tot["skipped"]),
        num(tot["blank"]),
        check(tot["balanced"]),
    ]
    out.append(p.table(head, rows, nums={2, 3, 4, 5, 6, 7}, total=total))
    if imp["skipped_reasons"]:
        out.append(
            f'<p class="note">{p.t("imp.skipped-why")}: '
            + ", ".join(
                f"{e(p.reason_label(k))} {num(n)}" for k, n in imp["skipped_reasons"].items()
            )
            + "</p>"
        )

    out.append(f"<h3>{p.t('imp.failed')}</h3>")
    if imp["failed_files"]:
        out.append(
            p.table(
                [p.t("file"), p.t("message"), p.t("hint")],
                [
                    [
                        e(f["file"]),
                        f'{p.finding(f["code"])}<br><span class="ex">{e(f["error"])}</span>',
                        e(_hint(p, f["code"], f["hint"])),
                    ]
                    for f in imp["failed_files"]
                ],
            )
        )
    else:
        out.append(p.none())

    out.append(f"<h3>{p.t('imp.validation')}</h3>")
    val = imp["validation"]
    if not val["available"]:
        out.append(p.na())
    else:
        rows = [
            [
                e(f["file"]),
                num(f["expectations"]),
                num(f["passed"]),
                flag(f["failed"]),
                num(f["rows_in"]),
                num(f["rows_out"]),
                flag(f["rejected"]),
                p.badge(f["status"], t("val." + f["status"], p.lang)),
                "<br>".join(_failure(p, x) for x in _rejecting_first(f["failures"])),
            ]
            for f in val["files"]
        ]
        out.append(
            p.table(
                [
                    p.t("file"),
                    p.t("expectations"),
                    p.t("passed"),
                    p.t("failed"),
                    p.t("in"),
                    p.t("rows_out"),
                    p.t("rejected"),
                    p.t("status"),
                    p.t("rule"),
                ],
                rows,
                nums={1, 2, 3, 4, 5, 6},
            )
        )

    missing = [m for m in imp.get("missing_required", []) if m.get("deals")]
    if missing:
        out.append(f"<h3>{p.t('imp.missing-required')}</h3>")
        out.append(
            p.table(
                [p.t("file"), p.t("column"), p.t("count"), p.t("rows"), p.t("imp.policy")],
                [
                    [
                        e(m["file"]),
                        e(m["column"]),
                        num(m["deals"]),
                        num(m["rows"]),
                        f"<code>{e(m['policy'])}</code>",
                    ]
                    for m in missing
                ],
                nums={2, 3},
            )
        )
        for m in missing:  # the fix of an empty formula cell is Excel, not a policy
            if m.get("from_formulas"):
                note = p.t(
                    "imp.missing-required-formulas", n=m["from_formulas"], column=m["column"]
                )
                out.append(f'<p class="note">{note}</p>')
        out.append(f'<p class="note">{p.t("imp.missing-required-note")}</p>')

    out.append(f"<h3>{p.t('imp.rejections')}</h3>")
    rej = imp["rejections"]
    if rej["reasons"]:
        out.append(
            p.table(
                [p.t("reason"), p.t("count"), p.t("examples")],
                [
                    [
                        p.reason(r["reason"]),
                        num(r["count"]),
                        p.examples(r["examples"], r["count"], REJECTS_FILE),
                    ]
                    for r in rej["reasons"]
                ],
                nums={1},
            )
        )
    else:
        out.append(p.none())
    if rej.get("checks"):
        out.append(f"<h3>{p.t('imp.checks')}</h3>")
        out.append(
            p.table(
                [p.t("rule"), p.t("count"), p.t("examples")],
                [
                    [
                        p.finding(c["rule"]),
                        num(c["count"]),
                        '<span class="ex">'
                        + "<br>".join(
                            f"{e(x['file'])} {e(x['external_id'])} · {e(x['column'])} {p.code(x['value'])} "
                            f"— {e(p.cat.message(c['rule'], x['reason'], p.lang))}"
                            for x in c["examples"]
                        )
                        + (
                            "<br>" + p.more_text(c["count"] - len(c["examples"]), FINDINGS_FILES)
                            if c["count"] > len(c["examples"])
                            else ""
                        )
                        + "</span>",
                    ]
                    for c in rej["checks"]
                ],
                nums={1},
            )
        )
    out.append("</section>")
    return "".join(out)


def quality_section(p: Page) -> str:
    """Data quality: completeness by source and owner, findings, unknown stages, headers."""
    q = p.r["quality"]
    out = [
        f'<section id="quality"><h2>{p.t("s.quality")}</h2>',
        _completeness(p, q),
        _owners(p, q),
        _findings(p, q),
    ]
    out.append(f"<h3>{p.t('q.unknown-stages')}</h3>")
    if q["unknown_stages"]:
        out.append(
            p.table(
                [p.t("q.word"), p.t("rows"), p.t("examples")],
                [
                    [
                        p.code(w["word"]),
                        num(w["rows"]),
                        p.examples(w["examples"], w["rows"], FINDINGS_FILES),
                    ]
                    for w in q["unknown_stages"]
                ],
                nums={1},
            )
        )
    else:
        out.append(p.none())
    out.append(f"<h3>{p.t('q.unmapped')}</h3>")
    if q["unmapped_headers"]:
        out.append(
            p.table(
                [p.t("file"), p.t("sheet"), p.t("column"), p.t("q.header")],
                [
                    [e(u["file"]), e(u["sheet"]), e(u["column"]), p.code(u["header"])]
                    for u in q["unmapped_headers"]
                ],
            )
        )
    else:
        out.append(p.none())
    if q["doubtful_mappings"]:
        out.append(f"<h3>{p.t('q.doubtful')}</h3>")
        out.append(
            p.table(
                [
                    p.t("file"),
                    p.t("sheet"),
                    p.t("column"),
                    p.t("q.header"),
                    p.t("field"),
                    p.t("q.method"),
                    p.t("q.confidence"),
                ],
                [
                    [
                        e(d["file"]),
                        e(d["sheet"]),
                        e(d["column"]),
                        p.code(d["header"]),
                        e(field_label(d["field"], p.lang)),
                        e(d["method"])
                        + (f'<br><span class="ex">{e(d["note"])}</span>' if d["note"] else ""),
                        f"{d['confidence']:.2f}",
                    ]
                    for d in q["doubtful_mappings"]
                ],
                nums={6},
            )
        )
    out.append("</section>")
    return "".join(out)


def _completeness(p: Page, q: dict[str, Any]) -> str:
    fields = q["fields"]
    comp = q["completeness"]
    out = [f'<h3>{p.t("q.completeness")}</h3><p class="note">{p.t("q.completeness-note")}</p>']
    if not fields or not comp["by_source"]:
        return "".join(out) + p.na()
    all_rows = t("q.all", p.lang)
    rows = [all_rows] + [p.source(s["file"], s["sheet"]) for s in comp["by_source"]]
    notes = [f"{all_rows}: {num(comp['rows'])} {t('rows', p.lang)}"] + [
        f"{p.source(s['file'], s['sheet'])}: {num(s['rows'])} {t('rows', p.lang)}"
        for s in comp["by_source"]
    ]
    values = [[comp["overall"][f]["share"] for f in fields]]
    values += [[s["fields"][f] for f in fields] for s in comp["by_source"]]
    out.append(
        charts.heatmap(
            rows,
            [field_label(f, p.lang) for f in fields],
            values,
            title=t("q.completeness", p.lang),
            row_notes=notes,
        )
    )
    return "".join(out)


def _owners(p: Page, q: dict[str, Any]) -> str:
    own = q["by_owner"]
    out = [f"<h3>{p.t('q.owner')}</h3>"]
    if not own["available"]:
        return "".join(out) + f'<p class="na">{p.t("q.owner-none")}</p>'
    fields = [
        f
        for f in q["fields"]
        if f != "owner" and any(o["fields"].get(f) is not None for o in own["owners"])
    ]
    rows = []
    for o in own["owners"]:
        name = e(o["owner"]) or p.t("no-owner")
        cells: list[Any] = [Cell(name, "", "white-space:nowrap"), num(o["rows"])]
        for f in fields:
            v = o["fields"].get(f)
            cells.append(
                Cell(
                    "—" if v is None else f"{v * 100:.0f}%",
                    "heat",
                    f"background:{charts.heat_color(v)}",
                )
            )
        rows.append(cells)
    out.append(
        p.table(
            [p.t("owner"), p.t("rows")] + [e(field_label(f, p.lang)) for f in fields],
            rows,
            nums={1},
        )
    )
    if own["omitted"]:
        out.append(f'<p class="note">{p.t("q.owner-omitted", n=own["omitted"])}</p>')
    return "".join(out)


def _findings(p: Page, q: dict[str, Any]) -> str:
    """Findings grouped by theme, the most important theme first: an overview to read in a
    minute, then per theme its errors and warnings with examples; info findings (a record of
    what was done) folded away. Each id links to its explanation in the glossary."""
    fnd = q["findings"]
    out = [f"<h3>{p.t('q.findings')}</h3>"]
    if not fnd["by_rule"]:
        return "".join(out) + p.none()
    rules = {r["rule"]: r for r in fnd["by_rule"]}
    themes = fnd.get("by_theme") or _themes_of(p, fnd["by_rule"])
    out.append(f'<p class="note">{p.t("q.findings-note")}</p>')
    bars = []
    for th in themes:  # where the errors and warnings are; info is a record of what was done
        sev = th["by_severity"]
        worst = "error" if sev["error"] else "warning" if sev["warning"] else "info"
        bars.append(
            charts.Bar(
                p.cat.theme_title(th["theme"], p.lang),
                sev["error"] + sev["warning"],
                " · ".join(f"{t(s, p.lang)} {num(sev[s])}" for s in ("error", "warning") if sev[s])
                or "—",
                SEVERITY_COLORS[worst],
            )
        )
    out.append(charts.hbars(bars, title=t("q.findings-chart", p.lang)))
    overview = []
    for th in themes:
        sev = th["by_severity"]
        main = [r for r in th["rules"] if rules[r]["severity"] != "info"][:MAIN_RULES]
        more = len([r for r in th["rules"] if rules[r]["severity"] != "info"]) - len(main)
        overview.append(
            [
                f'<a href="#{e(_theme_anchor(th["theme"]))}">{e(p.cat.theme_title(th["theme"], p.lang))}</a>',
                flag(sev["error"]),
                num(sev["warning"]),
                num(sev["info"]),
                "<br>".join(
                    f"{p.sev(rules[r]['severity'])} {p.rule_title(r)} "
                    f'<span class="ex">{num(rules[r]["count"])}</span>'
                    for r in main
                )
                + (f'<br><span class="ex">{p.t("q.more-rules", n=more)}</span>' if more else ""),
            ]
        )
    out.append(
        p.table(
            [p.t("q.theme"), p.t("error"), p.t("warning"), p.t("info"), p.t("q.main")],
            overview,
            nums={1, 2, 3},
        )
    )
    head = [p.t("severity"), p.t("finding"), p.t("count"), p.t("q.detail")]
    for th in themes:
        sev = th["by_severity"]
        counts = " · ".join(
            f"{p.t(s)} {num(sev[s])}" for s in ("error", "warning", "info") if sev[s]
        )
        out.append(
            f'<h4 id="{e(_theme_anchor(th["theme"]))}">{e(p.cat.theme_title(th["theme"], p.lang))}'
            f' <span class="ex">{counts}</span></h4>'
        )
        shown = [rules[r] for r in th["rules"] if rules[r]["severity"] != "info"]
        folded = [rules[r] for r in th["rules"] if rules[r]["severity"] == "info"]
        if shown:
            out.append(p.table(head, [_finding_row(p, r) for r in shown], nums={2}, cls="findings"))
        if folded:
            table = p.table(head, [_finding_row(p, r) for r in folded], nums={2}, cls="findings")
            summary = p.t("q.info-rules", n=len(folded), m=num(sum(r["count"] for r in folded)))
            out.append(
                f'<details class="info"><summary>{summary}</summary>{table}</details>'
                if shown
                else f'<p class="note">{summary}</p>{table}'
            )
    out.append(f"<h3>{p.t('q.by-source')}</h3>")
    out.append(
        p.table(
            [p.t("file"), p.t("sheet"), p.t("error"), p.t("warning"), p.t("info"), p.t("total")],
            [
                [
                    e(s["file"]),
                    e(s["sheet"]),
                    flag(s["error"]),
                    num(s["warning"]),
                    num(s["info"]),
                    num(s["total"]),
                ]
                for s in fnd["by_source"]
            ],
            nums={2, 3, 4, 5},
        )
    )
    if fnd["by_column"]:
        out.append(f"<h3>{p.t('q.by-column')}</h3>")
        out.append(
            p.table(
                [p.t("file"), p.t("sheet"), p.t("column"), p.t("field"), p.t("count")],
                [
                    [
                        e(c["file"]),
                        e(c["sheet"]),
                        e(c["column"]),
                        e(field_label(c["field"], p.lang)),
                        num(c["count"]),
                    ]
                    for c in fnd["by_column"][:SHOWN_ROWS]
                ],
                nums={4},
            )
        )
        if len(fnd["by_column"]) > SHOWN_ROWS:
            out.append(
                f'<p class="note">{p.t("more-in-json", n=len(fnd["by_column"]) - SHOWN_ROWS)}</p>'
            )
    return "".join(out)


def _hint(p: Page, code: str, own: str) -> str:
    """What to do about a file that could not be read: the reader's own hint names the file's
    case exactly (in English); a Japanese page gives the catalogue's fix instead."""
    entry = p.cat.entry(code)
    return entry.fix.get(p.lang) if entry is not None and (p.lang == "ja" or not own) else own


def _finding_row(p: Page, r: dict[str, Any]) -> list[str]:
    msg = p.cat.message(r["rule"], r["examples"][0]["message"], p.lang) if r["examples"] else ""
    ex = "".join(f"<li>{_example(p, x)}</li>" for x in r["examples"])
    if r["count"] > len(r["examples"]):
        ex += f"<li>{p.more_text(r['count'] - len(r['examples']), FINDINGS_FILES)}</li>"
    return [
        p.sev(r["severity"]),
        p.finding(r["rule"]),
        num(r["count"]),
        f'{e(msg)}<ul class="ex">{ex}</ul>',
    ]


def _theme_anchor(theme: str) -> str:
    return "t-" + theme


def _themes_of(p: Page, by_rule: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Themes of a report.json written before ``by_theme`` existed (rules in their order)."""
    out: dict[str, dict[str, Any]] = {}
    for r in by_rule:
        key = r.get("theme") or p.cat.theme_of(r["rule"])
        th = out.setdefault(
            key, {"theme": key, "by_severity": {"error": 0, "warning": 0, "info": 0}, "rules": []}
        )
        for s, n in r["by_severity"].items():
            th["by_severity"][s] = th["by_severity"].get(s, 0) + n
        th["rules"].append(r["rule"])
    return list(out.values())


def _example(p: Page, x: dict[str, Any]) -> str:
    loc = p.where(x, x.get("column", ""))
    if x.get("original") or x.get("value"):
        after = p.code(x["value"]) if x.get("value") else f"<i>{p.t('empty')}</i>"
        return f'{loc} {p.code(x["original"])} <span class="arrow">→</span> {after}'
    return loc


def _rejecting_first(failures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The failures that rejected rows before those only reported, so "rows rejected" reads
    beside the rule that rejected them (u23: a report-only rule was read as the cause)."""
    return sorted(failures, key=lambda x: x.get("action") != "reject")


def _failure(p: Page, x: dict[str, Any]) -> str:
    """One failed check: its rule, the column, the rows, and "(reported only)" when it rejected
    nothing."""
    only = f" ({p.t('val.reported')})" if x.get("action") == "report" else ""
    return f"{p.finding(x['rule'])}{_checked_column(x['expectation'])} {num(x['rows'])}{only}"


def _checked_column(expectation: str) -> str:
    """' (CloseDate)' from 'expect_column_values_to_not_be_null(CloseDate)', else ''."""
    inner = expectation.partition("(")[2].rstrip(")")
    # a hidden working column (_any:..., _num:...) means nothing to a reader
    return f" ({e(inner)})" if inner and not inner.startswith("_") else ""
