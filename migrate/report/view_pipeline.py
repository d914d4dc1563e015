"""report.html sections about the business: "Duplicates", "The pipeline" and the checklist.

In: a :class:`~migrate.report.widgets.Page`; out: the HTML of each section, read from the
``duplicates``, ``funnel`` and ``checklist`` sections of the report dict only.
"""

from __future__ import annotations

from typing import Any

from . import charts
from .text import field_label, num, pct, t
from .widgets import FINDINGS_FILES, REVIEW_FILE, STATUS_COLORS, Page, e, flag


def duplicates_section(p: Page) -> str:
    """How many rows collapsed into how many; largest clusters; conflicts; review pairs."""
    d = p.r["duplicates"]
    out = [f'<section id="duplicates"><h2>{p.t("s.duplicates")}</h2>']
    if not d.get("available"):
        return "".join(out) + p.na("no-dedupe") + "</section>"
    out.append(f'<p class="note">{p.t("d.intro")}</p>')
    out.append(
        p.table(
            [p.t("d.entity"), p.t("d.rows"), p.t("d.entities"), p.t("d.collapsed")],
            [
                [p.t("d." + k), num(x["rows"]), num(x["entities"]), num(x["collapsed"])]
                for k, x in d["entities"].items()
            ],
            nums={1, 2, 3},
        )
    )
    out.append(f'<h3>{p.t("d.clusters")}</h3><p class="note">{p.t("d.clusters-note")}</p>')
    if not d["largest_clusters"]:
        out.append(p.none())
    for c in d["largest_clusters"]:
        head = [e(field_label(f, p.lang)) for f in c["fields"]] + [p.t("rows"), p.t("examples")]
        rows = [
            [_value(p, f, x["values"].get(f, "")) for f in c["fields"]]
            + [
                num(x["rows"]),
                _variant_rows(p, x),
            ]
            for x in c["variants"]
        ]
        caption = p.t("d.cluster-caption", rows=num(c["size"]), variants=num(len(c["variants"])))
        out.append(
            f'<div class="cluster"><b>{p.t("d." + c["entity"])}</b> <code>{e(c["id"])}</code> '
            f'<span class="ex">{caption}</span>'
            + p.table(
                head,
                rows,
                nums={len(c["fields"])},
                row_cls=["survivor" if x["survivor"] else "" for x in c["variants"]],
            )
            + "</div>"
        )
    conf = d["conflicts"]
    out.append(f"<h3>{p.t('d.conflicts')}</h3>")
    if conf["total"]:
        out.append(
            f'<p class="note">{num(conf["total"])} — '
            + ", ".join(
                f"{e(field_label(f, p.lang))} {num(n)}" for f, n in conf["by_field"].items()
            )
            + "</p>"
        )
        out.append(
            p.table(
                [p.t("field"), p.t("d.before-after"), p.t("examples")],
                [
                    [
                        e(field_label(x["field"], p.lang)),
                        f'{_value(p, x["field"], x["original"])} <span class="arrow">→</span> '
                        f"{_value(p, x['field'], x['value'])}",
                        f'<span class="ex">{p.where(x)}</span>',
                    ]
                    for x in conf["examples"]
                ],
            )
        )
    else:
        out.append(p.none())
    rev = d["review"]
    out.append(f"<h3>{p.t('d.review')}</h3>")
    if not rev["available"]:
        out.append(p.na())
    elif not rev["pairs"]:
        out.append(p.none())
    else:
        out.append(f'<p class="note">{p.t("d.pairs")}: {num(rev["pairs"])}</p>')
        out.append(
            p.table(
                [e(c) for c in rev["columns"]],
                [[e(x.get(c, "")) for c in rev["columns"]] for x in rev["examples"]],
            )
        )
        out.append(p.more(rev["pairs"], len(rev["examples"]), REVIEW_FILE))
    out.append("</section>")
    return "".join(out)


def _variant_rows(p: Page, variant: dict[str, Any]) -> str:
    """Where a variant's rows are; the kept row (listed first) is marked."""
    items = [p.where(w) for w in variant["examples"]]
    if variant["survivor"] and items:
        items[0] += f' <span class="ok">({p.t("d.survivor")})</span>'
    return '<span class="ex">' + "<br>".join(items) + "</span>"


def _value(p: Page, field: str, value: str) -> str:
    """A record value for people: stage keys as labels, amounts with separators."""
    if field == "stage" and value:
        return e(p.stage_label(value))
    if field == "amount" and value:
        try:
            return p.money(float(value))
        except ValueError:
            return e(value)
    return e(value)


def no_stage_note(p: Page, f: dict[str, Any]) -> str:
    """' · ステージ不明 4 · ¥19,600,000': the deals and money outside the open figures because
    their stage is not known (empty when every deal has a stage)."""
    if not f.get("no_stage"):
        return ""
    money_ = f" · {p.money(f['no_stage_amount'])}" if f.get("no_stage_amount_count") else ""
    return f" · {p.t('f.no-stage')} {num(f['no_stage'])}{money_}"


def funnel_section(p: Page) -> str:
    """The funnel on the stage model, conversion, ages, movement, stale and overdue deals."""
    f = p.r["funnel"]
    out = [f'<section id="funnel"><h2>{p.t("s.funnel")}</h2><p class="note">{p.t("f.intro")}</p>']
    if not f["available"]:
        return "".join(out) + p.na("no-records") + "</section>"
    tiles = [
        p.tile(
            p.t("f.open"),
            num(f["open"]["count"]),
            p.money(f["open"]["amount"]) + no_stage_note(p, f),
        ),
        p.tile(p.t("f.weighted"), p.money(f["open"]["weighted_amount"]), p.t("f.prob-note")),
        p.tile(
            p.t("f.won"),
            p.money(f["won"]["amount"]),
            f"{p.t('n-deals', n=num(f['won']['count']))} · "
            f"{p.t('f.amount-count')} {pct(f['won']['amount_share'])}",
        ),
        p.tile(
            p.t("f.win-rate"),
            pct(f["win_rate"]),
            f"{p.t('f.win-rate-note')}: {num(f['won']['count'])} / "
            f"{num(f['won']['count'] + f['lost']['count'])}",
        ),
        p.tile(
            p.t("f.lead-source"),
            pct(f["lead_source"]["share"]) if f["lead_source"]["column"] else "—",
            p.t("f.of", a=num(f["lead_source"]["with"]), b=num(f["lead_source"]["records"]))
            if f["lead_source"]["column"]
            else p.t("na.no-column"),
        ),
    ]
    out.append('<div class="tiles">' + "".join(tiles) + "</div>")
    if f["other_currency_rows"]:
        out.append(
            f'<p class="note">{p.t("f.other-currency", n=f["other_currency_rows"], cur=f["currency"])}</p>'
        )

    out.append(f"<h3>{p.t('f.stages')}</h3>")
    bars = [
        charts.Bar(
            f"{s['order']}. {p.label(s['label'])}",
            s["count"],
            f"{num(s['count'])} · {p.money(s['amount']) if s['amount_count'] else '—'}",
            STATUS_COLORS.get(s["status"], "#1a73e8"),
        )
        for s in f["stages"]
    ]
    out.append(charts.hbars(bars, title=t("f.stages", p.lang)))
    rows = [
        [
            e(p.label(s["label"])),
            p.t("st." + s["status"]),
            num(s["count"]),
            p.money(s["amount"]),
            num(s["amount_count"]),
            f"{s['probability']:.0f}%",
        ]
        for s in f["stages"]
    ]
    if f["no_stage"]:
        rows.append(
            [
                p.t("f.no-stage"),
                "",
                flag(f["no_stage"]),
                p.money(f["no_stage_amount"]) if "no_stage_amount" in f else "",
                num(f["no_stage_amount_count"]) if "no_stage_amount_count" in f else "",
                "",
            ]
        )
    out.append(
        p.table(
            [
                p.t("stage"),
                p.t("status"),
                p.t("count"),
                p.t("amount"),
                p.t("f.amount-count"),
                p.t("f.default-prob"),
            ],
            rows,
            nums={2, 3, 4, 5},
            total=[p.t("total"), "", num(f["records"]), "", "", ""],
        )
    )

    out.append(f"<h3>{p.t('f.conversion')}</h3>")
    out.append(
        p.table(
            [p.t("stage"), p.t("f.reached-from"), p.t("f.reached-to"), p.t("f.rate")],
            [
                [
                    f'{e(p.stage_label(c["from"]))} <span class="arrow">→</span> {e(p.stage_label(c["to"]))}',
                    num(c["reached_from"]),
                    num(c["reached_to"]),
                    pct(c["rate"]),
                ]
                for c in f["conversion"]
            ],
            nums={1, 2, 3},
        )
    )
    out.append(_ages(p, f))
    out.append(_movements(p, f))
    out.append(_stale(p, f))
    out.append(_past_close(p, f))
    out.append("</section>")
    return "".join(out)


def _ages(p: Page, f: dict[str, Any]) -> str:
    d = f["dwell"]
    out = [f"<h3>{p.t('f.ages')}</h3>"]
    if not d["available"]:
        return "".join(out) + p.na(d.get("reason", ""))
    shown = [s for s in d["stages"] if s["count"]]
    bars = [
        charts.Bar(
            p.stage_label(s["key"]),
            float(s["median_days"] or 0),
            t("days-unit", p.lang, n=num(s["median_days"])),
            "#8430ce",
        )
        for s in shown
    ]
    out.append(charts.hbars(bars, title=t("f.ages", p.lang)))
    out.append(
        p.table(
            [p.t("stage"), p.t("count"), p.t("f.median"), p.t("f.mean"), p.t("f.max")],
            [
                [e(p.stage_label(s["key"])), num(s["count"])]
                + [p.t("days-unit", n=num(s[k])) for k in ("median_days", "mean_days", "max_days")]
                for s in shown
            ],
            nums={1, 2, 3, 4},
        )
    )
    return "".join(out)


def _movements(p: Page, f: dict[str, Any]) -> str:
    m = f["movements"]
    out = [f"<h3>{p.t('f.movements')}</h3>"]
    if not m["available"]:
        return "".join(out) + p.na(m.get("reason", ""))
    out.append(
        p.table(
            [p.t("stage"), p.t("count"), p.t("f.median-days")],
            [
                [
                    f'{e(p.stage_label(x["from"]))} <span class="arrow">→</span> {e(p.stage_label(x["to"]))}'
                    + (
                        f' <span class="bad">({p.t("f.backwards")})</span>'
                        if x["backwards"]
                        else ""
                    ),
                    num(x["count"]),
                    num(x["median_days"]),
                ]
                for x in m["transitions"]
            ],
            nums={1, 2},
        )
    )
    out.append(
        p.table(
            ["ID", p.t("f.path")],
            [
                [
                    p.code(x["deal_id"]),
                    " → ".join(
                        f'{e(p.stage_label(s["stage"]))} <span class="ex">{e(s["updated_at"])}</span>'
                        for s in x["path"]
                    ),
                ]
                for x in m["examples"]
            ],
        )
    )
    return "".join(out)


def _deal_rows(p: Page, items: list[dict[str, Any]], extra: list[tuple[str, str]]) -> str:
    head = [p.t("file"), p.t("deal"), p.t("owner"), p.t("stage")] + [h for h, _ in extra]
    rows = [
        [
            p.where(x),
            e(x.get("name", "")),
            e(x.get("owner", "")) or p.t("no-owner"),
            e(p.stage_label(x.get("stage", ""))),
        ]
        + [num(x[k]) if isinstance(x[k], int) else e(x[k]) for _, k in extra]
        for x in items
    ]
    return p.table(
        head, rows, nums={4 + i for i, (_, k) in enumerate(extra) if k in ("days", "days_overdue")}
    )


def _stale(p: Page, f: dict[str, Any]) -> str:
    s = f["stale"]
    out = [f"<h3>{p.t('f.stale', n=s['threshold_days'])}</h3>"]
    if not s["available"]:
        return "".join(out) + p.na(s.get("reason", ""))
    out.append(
        f"<p><b>{p.t('f.stale-count', n=num(s['count']), m=num(s['open_with_updated_at']), p=pct(s['share']))}"
        "</b></p>"
    )
    if s["by_owner"]:
        out.append(
            f'<p class="note">{p.t("f.by-owner")}: '
            + ", ".join(f"{e(o) or p.t('no-owner')} {num(n)}" for o, n in s["by_owner"].items())
            + "</p>"
        )
    if s["examples"]:
        out.append(
            _deal_rows(p, s["examples"], [(p.t("f.updated"), "updated_at"), (p.t("days"), "days")])
        )
        out.append(p.more(s["count"], len(s["examples"]), FINDINGS_FILES))
    return "".join(out)


def _past_close(p: Page, f: dict[str, Any]) -> str:
    s = f["past_close"]
    out = [f"<h3>{p.t('f.past-close')}</h3>"]
    if not s["available"]:
        return "".join(out) + p.na(s.get("reason", ""))
    out.append(
        f"<p><b>{p.t('f.past-count', n=num(s['count']), m=num(s['open_with_close_date']), p=pct(s['share']))}"
        "</b></p>"
    )
    if s["examples"]:
        out.append(
            _deal_rows(
                p,
                s["examples"],
                [
                    (e(field_label("close_date", p.lang)), "close_date"),
                    (p.t("f.overdue"), "days_overdue"),
                ],
            )
        )
        out.append(p.more(s["count"], len(s["examples"]), FINDINGS_FILES))
    return "".join(out)


def checklist_section(p: Page) -> str:
    """The operating checklist with status, evidence and thresholds."""
    c = p.r["checklist"]
    stale_days = (p.r.get("context") or {}).get("stale_days", 30)
    rows = []
    for i in c["items"]:
        status = i["status"]
        if i["value"] is None:
            evidence = p.t("na." + (i["na_reason"] or "not-assessable"))
        else:
            evidence = (
                f"<b>{pct(i['value'])}</b> — {p.t('m.' + i['measure'], n=stale_days)} "
                f"({num(i['numerator'])} / {num(i['denominator'])})"
            )
            if i.get("note"):
                evidence += f'<br><span class="ex">{p.t("na." + i["note"])}</span>'
        limits = (
            f"{p.t('c.pass')} ≥ {pct(i['pass_at'])} · {p.t('c.warn')} ≥ {pct(i['warn_at'])}"
            if i["pass_at"] is not None
            else ""
        )
        rows.append(
            [
                p.badge(status, t("c." + status, p.lang)),
                e(p.label(i["title"])),
                evidence,
                f'<span class="ex">{limits}</span>',
            ]
        )
    return (
        f'<section id="checklist"><h2>{p.t("s.checklist")}</h2>'
        + p.table([p.t("status"), p.t("c.item"), p.t("c.evidence"), p.t("c.thresholds")], rows)
        + "</section>"
    )
