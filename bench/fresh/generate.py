#!/usr/bin/env python3
"""Generate six fresh, realistic sales-tracker files and their ground truth.

Deterministic: every file uses its own random.Random seeded from SEED.
Written without looking at the tool's rules, tests, sample data or holdout.

Each team is a vocabulary-and-habits file (bench/trackerkit/vocab/fresh/<team>.yaml:
header words, stage words, owners, how often each value is written which way); this
script lays the six files out and renders the cells with trackerkit.

Usage:  python bench/fresh/generate.py [OUT_DIR]   -> writes bench/fresh/data/*
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import sys
from decimal import Decimal

import xlsxwriter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from trackerkit import vocab  # noqa: E402
from trackerkit.dates import iso, serial, wareki  # noqa: E402
from trackerkit.draw import Habits  # noqa: E402
from trackerkit.render import (  # noqa: E402
    SKIP,
    Cell,
    Company,
    Names,
    Person,
    foreign_phone,
    jp_phone,
    make_deals,
    make_email,
    r_company,
    r_contact,
    r_date,
    r_email,
    r_phone,
    r_stage,
)
from trackerkit.text import num_str, zen, zen_digits  # noqa: E402
from trackerkit.truth import CellTruth, Col, cols_of  # noqa: E402
from trackerkit.writers import XlsBook, XlsxBook, write_rows  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data")
SEED = 20251124
CREATED = dt.datetime(2025, 11, 14, 9, 0, 0)  # xlsx document time: fixed, never the clock

FIELDS = [
    "company_name",
    "contact_name",
    "email",
    "phone",
    "amount",
    "close_date",
    "created_at",
    "updated_at",
    "stage",
    "probability",
    "owner",
]

POOLS = vocab.load("fresh/pools")
NAMES = Names(POOLS)
EN_COMPANIES, EU_COMPANIES, EU_LAST = POOLS["en_companies"], POOLS["eu_companies"], POOLS["eu_last"]
AREA_TOKYO, AREA_KANSAI, AREA_ALL = POOLS["area_tokyo"], POOLS["area_kansai"], POOLS["area_all"]
MOBILE = POOLS["mobile"]
TRUTH = CellTruth()


def team(name: str) -> dict:
    """A team's vocabulary and habits (trackerkit/vocab/fresh/<name>.yaml)."""
    return vocab.load(f"fresh/{name}")


def deals_of(rng, n, pool, person_fn, start, end, as_of, amount_fn, stage_dist=None):
    """make_deals with this benchmark's stage mix and probabilities."""
    return make_deals(
        rng,
        n,
        pool,
        person_fn,
        start,
        end,
        as_of,
        amount_fn,
        stage_dist or POOLS["stage_dist"],
        POOLS["stage_prob"],
    )


def en_companies(rows):
    """English-named companies from [[name, abbreviations, domain, country], ...]."""
    return [Company("en", c, abbrevs=a, domain=d, country=ct) for c, a, d, ct in rows]


def closed_keeps_date(d, k, vague, instead):
    """Won and lost deals have a real close date: a 'TBD' or vague habit becomes `instead`."""
    return instead if d.stage in ("won", "lost") and k in vague else k


def cell_value(v):
    return v[0] if isinstance(v, tuple) else v


# ---------------------------------------------------------------------------
# File A: Tokyo enterprise team (xlsx)
# ---------------------------------------------------------------------------
def build_a():
    t = team("tokyo")
    fname, sheet = t["file"], t["sheet"]
    rng = random.Random(SEED + 1)
    habit = Habits(rng, t["habits"])
    comps = NAMES.jp_companies(rng, 40)
    pool = comps * 3 + en_companies(EN_COMPANIES[:5])
    as_of = dt.date(2025, 11, 14)

    def person_fn(c):
        return NAMES.jp_person(rng) if c.kind == "jp" else NAMES.w_person(rng)

    def amount_fn(d):
        man = rng.choice(
            [
                rng.randint(3, 60) * 10,
                rng.randint(50, 900),
                rng.randint(10, 400) * 10,
                rng.randint(100, 3000),
            ]
        )
        if rng.random() < 0.08:
            man += 0.5
        return Decimal(str(man)) * 10000

    deals = deals_of(
        rng, 320, pool, person_fn, dt.date(2025, 4, 1), dt.date(2025, 11, 10), as_of, amount_fn
    )
    deals.sort(key=lambda d: d.created)
    owners = [Person("jp", f, g) for f, g in t["owners"]]
    products, st = t["products"], t["stage"]
    phones = {}

    def amount_a(d):
        man = d.amount / 10000
        e = num_str(d.amount)
        k = habit("amount")
        if k == "num":
            return float(man) if man != int(man) else int(man), e
        if k == "fw":
            return zen_digits(num_str(man)), e
        if k == "man":
            return num_str(man) + "万", e
        if k == "comma":
            return f"{int(man):,}" + (".5" if man != int(man) else ""), e
        if k == "mitei":
            return "未定", ""
        if k == "tbd":
            return "TBD", ""
        if k == "approx":
            return "約" + num_str(man), SKIP
        lo = int(man)
        return f"{lo}〜{lo + rng.choice([50, 100, 200])}", SKIP

    def prob_a(d):
        k = habit("probability")
        if k == "pct":
            return Cell(d.prob / 100, pct_fmt), str(d.prob)
        if k == "str":
            return f"{d.prob}%", str(d.prob)
        if k == "fw":
            return zen_digits(f"{d.prob}") + "％", str(d.prob)
        if k == "int":
            return d.prob, str(d.prob)
        return "A" if d.prob >= 70 else "B" if d.prob >= 40 else "C", SKIP

    cols = cols_of(t["columns"])
    book = XlsxBook(os.path.join(OUT, fname), CREATED, "sales")
    ws = book.wb.add_worksheet(sheet)
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)
    title_f = book.fmt({"bold": True, "font_size": 14})
    ws.merge_range(0, 0, 0, len(cols) - 1, t["title"], title_f)
    ws.write_string(1, 0, t["subtitle"])
    hdr_f = {"bold": True, "bg_color": "#DDEBF7", "border": 1}
    header_row = 3  # zero-based -> Excel row 4
    for i, c in enumerate(cols):
        ws.write_string(header_row, i, c.header, book.fmt(hdr_f))
    ws.freeze_panes(header_row + 1, 3)
    date_fmt = {"num_format": "yyyy/m/d"}
    pct_fmt = {"num_format": "0%"}
    r = header_row + 1
    blank_after = {140, 141, 260}
    first_data = r
    tot = 0
    stage_labels = []
    for idx, d in enumerate(deals, 1):
        c = d.company
        p = d.person
        company = r_company(rng, c, habit("company"))
        k = habit("contact")
        if p.kind == "w" and k not in ("clean", "sama", "pad"):
            k = rng.choice(["mr", "sama", "comma"])
        contact = r_contact(rng, p, k, house_sep=" ")
        addr = make_email(rng, p, c)
        k = habit("email")
        email = r_email(rng, addr, k, p) if rng.random() > 0.04 else (None, SKIP)
        ph = phones.setdefault(c.canon, jp_phone(rng, AREA_TOKYO if c.kind == "jp" else AREA_ALL))
        if rng.random() < 0.15:
            ph = jp_phone(rng, MOBILE)
        phone = r_phone(rng, ph, habit("phone"))
        amount = amount_a(d)
        k = closed_keeps_date(d, habit("close_date"), ("tbd_jp", "vague_jp"), "wareki_dot")
        close = r_date(rng, d.close, k)
        created = r_date(rng, d.created, habit("created_at"))
        updated = r_date(rng, d.updated, habit("updated_at"))
        stage = r_stage(rng, d.stage, st["words"], st["house_p"], st["hold"], st["hold_p"])
        prob = prob_a(d)
        ow = rng.choice(owners)
        k = habit("owner")
        owner = (ow.family, SKIP) if k == "fam" else r_contact(rng, ow, k, house_sep="")
        name = f"{c.base or c.canon.split()[0]} {rng.choice(products)}"
        note = rng.choice(t["memo"])
        vals = [
            (idx, SKIP),
            (name, SKIP),
            company,
            (rng.choice(t["depts"]), SKIP),
            contact,
            email,
            phone,
            (rng.choice(products), SKIP),
            amount,
            close,
            created,
            updated,
            stage,
            prob,
            owner,
            (note, SKIP),
        ]
        if isinstance(amount[0], (int, float)):
            tot += amount[0]
        stage_labels.append(stage[0])
        book.write_row(ws, r, vals, date_fmt=date_fmt)
        TRUTH.record(fname, sheet, r + 1, cols, vals)
        r += 1
        if idx in blank_after:
            r += 1  # stray blank row inside the list
    last_data = r - 1
    r += 1
    ws.write_string(r, 1, "合計", book.fmt({"bold": True}))
    amt_col = 8
    colL = xlsxwriter.utility.xl_col_to_name(amt_col)
    ws.write_formula(
        r,
        amt_col,
        f"=SUM({colL}{first_data + 1}:{colL}{last_data + 1})",
        book.fmt({"bold": True, "num_format": "#,##0"}),
        tot,
    )
    for i, note in enumerate(t["notes"]):
        ws.write_string(r + 2 + i, 0, note)
    ws.autofilter(header_row, 0, last_data, len(cols) - 1)

    ws2 = book.wb.add_worksheet("集計")
    ws2.write_string(0, 0, "フェーズ別件数", title_f)
    for i, lab in enumerate(t["summary_labels"]):
        ws2.write_string(i + 2, 0, lab)
        ws2.write_formula(
            i + 2,
            1,
            f'=COUNTIF({sheet}!M:M,"{lab}*")',
            None,
            sum(1 for x in stage_labels if isinstance(x, str) and x.startswith(lab)),
        )
    ws3 = book.wb.add_worksheet("マスタ")
    ws3.write_string(0, 0, "担当営業")
    for i, o in enumerate(owners):
        ws3.write_string(i + 1, 0, o.canon)
    ws3.write_string(0, 2, "フェーズ")
    for i, lab in enumerate(t["master_labels"]):
        ws3.write_string(i + 1, 2, lab)
    book.close()
    return fname, {sheet: len(deals)}


# ---------------------------------------------------------------------------
# File B: Osaka branch, legacy .xls (xlwt)
# ---------------------------------------------------------------------------
def build_b():
    t = team("osaka")
    fname = t["file"]
    rng = random.Random(SEED + 2)
    habit = Habits(rng, t["habits"])
    comps = NAMES.jp_companies(rng, 38)
    as_of = dt.date(2025, 11, 10)
    owners = [Person("jp", f, g) for f, g in t["owners"]]
    st, yomi_map = t["stage"], t["yomi"]

    def amount_fn(d):
        sen = rng.choice(
            [rng.randint(5, 90) * 100, rng.randint(300, 9000), rng.randint(10, 300) * 50]
        )
        return Decimal(sen) * 1000

    def yomi_for(d):
        if d.stage == "won":
            return None
        if d.stage == "lost":
            return "D"
        if d.prob >= 70:
            return "A"
        if d.prob >= 40:
            return "B"
        if d.prob >= 20:
            return "C"
        return "D"

    book = XlsBook()

    def company_b(c):
        return r_company(rng, c, habit("company"), abbr_pool=t["abbr_pool"])

    def contact_b(p):
        k = habit("contact")
        if k == "sama_sp":
            return f"{p.family} {p.given} 様", p.canon
        return r_contact(rng, p, k, house_sep=" ")

    def amount_b(d):
        sen = d.amount / 1000
        e = num_str(d.amount)
        k = habit("amount")
        if k == "num":
            return int(sen), e
        if k == "comma":
            return f"{int(sen):,}", e
        if k == "fw":
            return zen(f"{int(sen):,}"), e
        if k == "dash":
            return rng.choice(["－", "-"]), ""
        if k == "mitei":
            return "未定", ""
        return f"{int(sen):,}千円", e

    def yomi_b(d):
        y = yomi_for(d)
        if y is None:
            return rng.choice(["", "受注"]), SKIP
        k = habit("probability")
        v = yomi_map[y]
        if k == "letter":
            return y, str(v)
        if k == "paren":
            return f"{y}({v}%)", str(v)
        if k == "fw":
            return zen(y), str(v)
        if k == "lower":
            return y.lower(), str(v)
        return f"{v}%", str(v)

    def owner_b(o):
        k = habit("owner")
        if k == "sep":
            return f"{o.family} {o.given}", o.canon
        if k == "fam":
            return o.family, SKIP
        return r_contact(rng, o, k, house_sep=" ")

    counts = {}
    # ---- sheet 1: current deals, a section row per month of registration
    deals = deals_of(
        rng,
        180,
        comps * 2,
        lambda c: NAMES.jp_person(rng),
        dt.date(2025, 4, 1),
        dt.date(2025, 11, 5),
        as_of,
        amount_fn,
    )
    deals.sort(key=lambda d: d.created)
    phones = {c.canon: jp_phone(rng, AREA_KANSAI) for c in comps}
    cols = cols_of(t["columns"])
    sname = t["sheet"]
    ws = book.wb.add_sheet(sname)
    for i, w in enumerate(t["widths"]):
        ws.col(i).width = 256 * w
    ws.write(0, 0, t["title"], book.title)
    ws.write(1, 0, t["legend"])
    for i, c in enumerate(cols):
        ws.write(2, i, c.header, book.header)
    r = 3
    cur_month = None
    for d in deals:
        if (d.created.year, d.created.month) != cur_month:
            cur_month = (d.created.year, d.created.month)
            ws.write(r, 0, f"【{d.created.year}年{d.created.month}月登録分】", book.section)
            r += 1
        c, p = d.company, d.person
        ph = phones[c.canon] if rng.random() > 0.2 else jp_phone(rng, MOBILE)
        addr = make_email(rng, p, c, free_share=0.08)
        email = (None, SKIP) if rng.random() < 0.2 else r_email(rng, addr, habit("email"), p)
        k = closed_keeps_date(d, habit("close_date"), ("tbd_jp", "vague_jp"), "wareki_dot")
        close = r_date(rng, d.close, k)
        created = r_date(rng, d.created, habit("created_at"))
        updated = r_date(rng, d.updated, habit("updated_at"))
        stage = r_stage(rng, d.stage, st["words"], st["house_p"], st["hold"], st["hold_p"])
        vals = [
            company_b(c),
            contact_b(p),
            r_phone(rng, ph, habit("phone")),
            email,
            amount_b(d),
            close,
            created,
            updated,
            stage,
            yomi_b(d),
            owner_b(rng.choice(owners)),
            (rng.choice(t["memo"]), SKIP),
        ]
        book.write_row(ws, r, vals, amount_col=4)
        TRUTH.record(fname, sname, r + 1, cols, vals)
        r += 1
    for i, note in enumerate(t["notes"]):
        ws.write(r + 1 + i, 0, note)
    counts[sname] = len(deals)

    # ---- sheet 2: past deals H30-R1, no title, dates mostly in 和暦
    sname2 = t["past_sheet"]
    ws2 = book.wb.add_sheet(sname2)
    deals2 = deals_of(
        rng,
        70,
        comps,
        lambda c: NAMES.jp_person(rng),
        dt.date(2018, 6, 1),
        dt.date(2019, 9, 30),
        dt.date(2019, 12, 27),
        amount_fn,
        stage_dist={"won": 55, "lost": 45},
    )
    deals2.sort(key=lambda d: d.created)
    cols2 = cols_of(t["past_columns"])
    for i, c in enumerate(cols2):
        ws2.write(0, i, c.header, book.header)
    for i, w in enumerate(t["past_widths"]):
        ws2.col(i).width = 256 * w
    r = 1
    for d in deals2:
        c, p = d.company, d.person
        ph = phones[c.canon]
        close = r_date(rng, d.close, habit("past_close_date"))
        created = r_date(rng, d.created, habit("past_created_at"))
        stage = r_stage(rng, d.stage, st["words"], st["past_house_p"])
        vals = [
            company_b(c),
            contact_b(p),
            r_phone(rng, ph, habit("phone")),
            amount_b(d),
            close,
            created,
            stage,
            ("", SKIP),
            owner_b(rng.choice(owners)),
        ]
        book.write_row(ws2, r, vals, amount_col=3)
        TRUTH.record(fname, sname2, r + 1, cols2, vals)
        r += 1
    counts[sname2] = len(deals2)
    book.save(os.path.join(OUT, fname))
    return fname, counts


# ---------------------------------------------------------------------------
# File C: English-speaking APAC team (xlsx, CRM export + manual edits)
# ---------------------------------------------------------------------------
def build_c():
    t = team("apac")
    fname, sheet = t["file"], t["sheet"]
    rng = random.Random(SEED + 3)
    habit = Habits(rng, t["habits"])
    jp = NAMES.jp_companies(rng, 30, tlds=(".co.jp", ".co.jp", ".jp", ".com"))
    pool = jp + en_companies(EN_COMPANIES)
    as_of = dt.date(2025, 11, 14)
    owners = [Person("w", f, g, female=fe) for f, g, fe in t["owners"]]
    cur_of, st = t["currency"], t["stage"]

    def person_fn(c):
        if c.kind == "jp":
            return NAMES.jp_person(rng) if rng.random() < 0.55 else NAMES.romaji_person(rng)
        return NAMES.w_person(rng)

    def amount_fn(d):
        if d.company.kind == "jp":
            return Decimal(rng.choice([rng.randint(5, 300) * 100000, rng.randint(10, 900) * 10000]))
        return Decimal(rng.choice([rng.randint(5, 250) * 1000, rng.randint(10, 500) * 500]))

    deals = deals_of(
        rng, 280, pool, person_fn, dt.date(2025, 1, 6), dt.date(2025, 11, 7), as_of, amount_fn
    )
    deals.sort(key=lambda d: d.close)

    def company_c(c):
        k = habit("company")
        if c.kind == "en" and k in ("abbr",) and not c.abbrevs:
            k = "pad"
        if c.kind == "en" and k in ("noform", "space"):
            k = "pad"
        if c.kind == "jp" and k == "dblspace":
            k = "space"
        return r_company(rng, c, k)

    def phone_c(c):
        if c.kind == "jp":
            ph = phones.setdefault(c.canon, jp_phone(rng, AREA_ALL))
            if rng.random() < 0.15:
                ph = jp_phone(rng, MOBILE)
            k = habit("phone_jp")
            return (rng.choice(["n/a", "-", "TBC"]), "") if k == "none" else r_phone(rng, ph, k)
        ph = phones.setdefault(c.canon, foreign_phone(rng, c.country))
        return r_phone(rng, ph, habit("phone_foreign"))

    def amount_c(amt, cur):
        k = habit("amount")
        e = num_str(amt)
        sym = t["symbol"][cur]
        if k == "num":
            return Cell(int(amt), {"num_format": "#,##0"}), e
        if k == "sym":
            return f"{sym}{int(amt):,}", e
        if k == "short":
            if cur == "JPY" and amt >= 1000000 and amt % 100000 == 0:
                return rng.choice(["", "¥"]) + num_str(amt / 1000000) + "M", e
            if cur != "JPY" and amt % 100 == 0:
                return sym + num_str(amt / 1000) + rng.choice(["k", "K"]), e
            return f"{int(amt):,}", e
        if k == "code":
            return rng.choice([(f"{cur} {int(amt):,}", e), (f"{int(amt):,} {cur}", e)])
        if k == "tbd":
            return rng.choice(["TBD", "tbd", "TBC"]), ""
        return f"~{int(amt):,}", SKIP

    def prob_c(d):
        k = habit("probability")
        if k == "pct":
            return Cell(d.prob / 100, pct), str(d.prob)
        if k == "str":
            return f"{d.prob}%", str(d.prob)
        if k == "int":
            return d.prob, str(d.prob)
        return f"{d.prob} %", str(d.prob)

    cols = cols_of(t["columns"])
    book = XlsxBook(os.path.join(OUT, fname), CREATED, "sales")
    ws = book.wb.add_worksheet(sheet)
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)
        ws.write_string(
            0, i, c.header, book.fmt({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF"})
        )
    ws.freeze_panes(1, 0)
    date_fmt = {"num_format": "m/d/yyyy"}
    dtime_fmt = {"num_format": "m/d/yyyy h:mm"}
    pct = {"num_format": "0%"}
    phones = {}
    amount_cells = []
    r = 1
    for i, d in enumerate(deals):
        c, p = d.company, d.person
        cur = cur_of[c.country]
        company = company_c(c)
        if p.kind == "jp":
            contact = r_contact(rng, p, habit("contact_jp"), house_sep="")
        else:
            contact = r_contact(rng, p, habit("contact_en"))
        addr = make_email(rng, p, c, free_share=0.02)
        email = r_email(rng, addr, habit("email"), p)
        phone = phone_c(c)
        amount = amount_c(d.amount, cur)
        k = closed_keeps_date(d, habit("close_date"), ("tbd_en", "vague_en"), "mdy")
        close = r_date(rng, d.close, k)
        created = r_date(rng, d.created, habit("created_at"))
        k = habit("updated_at")
        updated = r_date(rng, d.updated, k, t=d.updated_time)
        if k == "cell_time":
            updated = (Cell(updated[0], dtime_fmt), updated[1])
        amount_cells.append(amount[0])
        stage = r_stage(rng, d.stage, st["words"], st["house_p"], st["hold"], st["hold_p"])
        prob = prob_c(d)
        ow = rng.choice(owners)
        k = habit("owner")
        if ow.family == "O'Neil" and k == "lower":
            k = "pad"
        owner = r_contact(rng, ow, k)
        oname = f"{(c.base or c.canon.split()[0])} - " + rng.choice(t["deal_words"])
        vals = [
            (f"OPP-{25000 + i * 7 + rng.randint(0, 6)}", SKIP),
            (oname, SKIP),
            company,
            contact,
            email,
            phone,
            amount,
            (cur, SKIP),
            close,
            created,
            updated,
            stage,
            prob,
            owner,
            ("JP" if c.kind == "jp" else c.country, SKIP),
            (rng.choice(t["next_step"]), SKIP),
        ]
        book.write_row(ws, r, vals, date_fmt=date_fmt)
        TRUTH.record(fname, sheet, r + 1, cols, vals)
        r += 1
    r += 1
    ws.write_string(r, 5, "Total (JPY rows only)", book.fmt({"bold": True}))
    jpy_total = sum(
        int(d.amount)
        for d, v in zip(deals, amount_cells)
        if isinstance(v, Cell) and cur_of[d.company.country] == "JPY"
    )
    ws.write_formula(
        r,
        6,
        f'=SUMIF(H2:H{r - 1},"JPY",G2:G{r - 1})',
        book.fmt({"bold": True, "num_format": "#,##0"}),
        jpy_total,
    )
    for i, note in enumerate(t["notes"]):
        ws.write_string(r + 2 + i, 0, note)
    ws.autofilter(0, 0, r - 2, len(cols) - 1)
    ws2 = book.wb.add_worksheet("Lookups")
    ws2.write_string(0, 0, "Deal Status")
    ws2.write_string(0, 1, "Meaning")
    for j, (k, v) in enumerate(t["lookups"]):
        ws2.write_string(j + 1, 0, k)
        ws2.write_string(j + 1, 1, v)
    book.close()
    return fname, {sheet: len(deals)}


# ---------------------------------------------------------------------------
# File D: EU partner team, UTF-8 BOM, ';' delimited, day-first dates
# ---------------------------------------------------------------------------
def fmt_eu(n: Decimal, decimals=2, thou="."):
    q = f"{n:,.{decimals}f}"  # 12,500.00
    return q.replace(",", "\x00").replace(".", ",").replace("\x00", thou)


def build_d():
    t = team("eu")
    fname = t["file"]
    rng = random.Random(SEED + 4)
    habit = Habits(rng, t["habits"])
    eu = [Company("en", n, domain=d, country=ct) for n, d, ct in EU_COMPANIES]
    jp_en = [Company("en", n, domain=d, country="JP") for n, d in t["jp_en_companies"]]
    uk = en_companies(
        c for c in EN_COMPANIES if c[3] == "UK" or c[0] in ("Acme Corporation", "Initech Inc.")
    )
    pool = eu * 3 + jp_en + uk
    as_of = dt.date(2025, 11, 14)
    owners = [Person("w", f, g, female=fe) for f, g, fe in t["owners"]]
    cur_of, st = t["currency"], t["stage"]

    def person_fn(c):
        if c.country == "JP":
            return NAMES.romaji_person(rng)
        return NAMES.w_person(rng, EU_LAST if c.country not in ("UK", "US") else None)

    def amount_fn(d):
        base = rng.choice(
            [rng.randint(2, 400) * 250, rng.randint(1000, 90000), rng.randint(5, 150) * 1000]
        )
        if d.company.country == "JP":
            return Decimal(base) * 100
        if rng.random() < 0.2:
            return Decimal(base) + Decimal(rng.choice(["0.50", "0.90", "0.25", "0.99"]))
        return Decimal(base)

    deals = deals_of(
        rng, 170, pool, person_fn, dt.date(2025, 1, 8), dt.date(2025, 11, 10), as_of, amount_fn
    )
    deals.sort(key=lambda d: d.created)
    cols = cols_of(t["columns"])
    header = [c.header for c in cols]
    phones = {}

    def phone_d(c):
        ph = phones.setdefault(
            c.canon,
            foreign_phone(rng, c.country) if c.country != "JP" else jp_phone(rng, AREA_TOKYO),
        )
        k = habit("phone")
        if ph.cc == "81" and k in ("intl_00", "national", "none"):
            k = "intl_hyphen"
        if k == "intl_zero" and not ph.trunk_drop:
            k = "intl_00"
        phone = r_phone(rng, ph, k)
        if k == "national":
            # Country column says where the number is: a careful human adds the code
            phone = (" ".join(ph.groups), ph.e164)
        return phone

    def amount_d(amt, cur):
        e = num_str(amt)
        if cur == "EUR":
            k = habit("amount_eur")
            if k == "house":
                return fmt_eu(amt) + " €", e
            if k == "pre":
                return "€ " + fmt_eu(amt), e
            if k == "nodec" and amt == int(amt) and amt >= 1000000:
                return fmt_eu(amt, 0) + " €", e  # 1.250.000 € (two dots: unambiguous)
            if k == "nodec" and amt == int(amt):
                return fmt_eu(amt, 0) + " EUR", SKIP  # 8.400 EUR: skip, one dot could be misread
            if k == "space":
                return fmt_eu(amt, 2, thou=" ") + " EUR", e
            if k == "plain" and amt == int(amt):
                return str(int(amt)), e
            if k == "tbd":
                return rng.choice(["tbd", "TBD", "-"]), ""
            return fmt_eu(amt) + " €", e
        if cur == "CHF":
            if amt == int(amt):
                return f"CHF {int(amt):,}".replace(",", "'") + (
                    ".–" if rng.random() < 0.3 else ""
                ), e
            return f"CHF {amt:,.2f}".replace(",", "'"), e
        if cur in ("GBP", "USD"):
            return f"{t['symbol'][cur]}{amt:,.2f}", e
        return f"¥{int(amt):,}", e

    recs = []
    for i, d in enumerate(deals):
        c, p = d.company, d.person
        cur = cur_of[c.country]
        k = habit("company")
        if k == "abbr" and not c.abbrevs:
            k = "pad"
        company = r_company(rng, c, k)
        k = habit("contact")
        if k == "herr" and c.country not in ("DE", "CH"):
            k = "mr"
        contact = r_contact(rng, p, k)
        addr = make_email(rng, p, c, free_share=0.02)
        email = r_email(rng, addr, habit("email"), p)
        phone = phone_d(c)
        amount = amount_d(d.amount, cur)
        # dates: day-first house
        k = closed_keeps_date(d, habit("close_date"), ("tbd_en",), "dmy")
        close = r_date(rng, d.close, k)
        created = r_date(rng, d.created, habit("created_at"))
        k = habit("updated_at")
        if k == "dmy0_t":
            updated = (
                d.updated.strftime("%d/%m/%Y")
                + f" {d.updated_time.hour:02d}:{d.updated_time.minute:02d}",
                iso(d.updated),
            )
        else:
            updated = r_date(rng, d.updated, k)
        stage = r_stage(rng, d.stage, st["words"], st["house_p"], st["hold"], st["hold_p"])
        k = habit("probability")
        prob = ({"pct": f"{d.prob}%", "sp": f"{d.prob} %"}.get(k, str(d.prob)), str(d.prob))
        ow = rng.choice(owners)
        owner = r_contact(rng, ow, habit("owner"))
        vals = [
            (f"EU-{2025}-{i + 101:04d}", SKIP),
            company,
            contact,
            email,
            phone,
            amount,
            (cur, SKIP),
            close,
            created,
            updated,
            stage,
            prob,
            owner,
            (c.country, SKIP),
            (rng.choice(t["comment"]), SKIP),
        ]
        recs.append(vals)
    # layout: blank line after deal 90, totals + notes at bottom
    out_rows = [header]
    for i, vals in enumerate(recs):
        out_rows.append([cell_value(v) for v in vals])
        TRUTH.record(fname, "", len(out_rows), cols, vals)
        if i == 89:
            out_rows.append([""] * len(header))
    out_rows.append([""] * len(header))
    total = sum((d.amount for d in deals if cur_of[d.company.country] == "EUR"), Decimal(0))
    out_rows.append(["TOTAL EUR", "", "", "", "", fmt_eu(total) + " €"] + [""] * (len(header) - 6))
    out_rows.append([t["note"], *[""] * (len(header) - 1)])
    write_rows(os.path.join(OUT, fname), out_rows, t["encoding"], t["delimiter"])
    return fname, {"": len(deals)}


# ---------------------------------------------------------------------------
# File E: Kansai dealer network, legacy system CSV export in Shift_JIS (cp932)
# ---------------------------------------------------------------------------
def build_e():
    t = team("kansai")
    fname = t["file"]
    rng = random.Random(SEED + 5)
    habit = Habits(rng, t["habits"])
    comps = NAMES.jp_companies(rng, 48)
    as_of = dt.date(2025, 11, 13)
    owners = [Person("jp", f, g) for f, g in t["owners"]]
    st = t["stage"]

    def amount_fn(d):
        v = rng.choice(
            [
                rng.randint(5, 500) * 10000,
                rng.randint(50, 3000) * 1000,
                rng.randint(1, 30) * 1000000,
                rng.randint(1, 40) * 10000000
                if rng.random() < 0.3
                else rng.randint(30, 200) * 10000,
            ]
        )
        return Decimal(v)

    deals = deals_of(
        rng,
        380,
        comps * 2,
        lambda c: NAMES.jp_person(rng),
        dt.date(2024, 10, 1),
        dt.date(2025, 11, 10),
        as_of,
        amount_fn,
    )
    deals.sort(key=lambda d: (d.created, d.created_time))
    cols = cols_of(t["columns"])
    header = [c.header for c in cols]
    phones = {c.canon: jp_phone(rng, AREA_KANSAI + [["052", 3, 4]]) for c in comps}

    def amount_e(amt):
        e = num_str(amt)
        k = habit("amount")
        yen_sign = "￥" if rng.random() < 0.7 else "\\"  # half-width yen is byte 0x5C in Shift_JIS
        if k == "plain":
            return str(int(amt)), e
        if k == "man" and amt % 10000 == 0:
            return num_str(amt / 10000) + "万", e
        if k == "man_en" and amt % 10000 == 0:
            return num_str(amt / 10000) + "万円", e
        if k == "oku" and amt >= 100000000 and amt % 1000000 == 0:
            if amt % 100000000 != 0 and amt % 10000 == 0 and rng.random() < 0.5:
                return f"{int(amt // 100000000)}億{num_str((amt % 100000000) / 10000)}万円", e
            return num_str(amt / 100000000) + "億", e
        if k == "en":
            return f"{int(amt):,}円", e
        if k == "fw":
            return "￥" + zen(f"{int(amt):,}"), e
        if k == "mitei":
            return rng.choice(["未定", "要見積", "TBD", "別途見積"]), ""
        if k == "approx":
            return f"約{num_str(amt / 10000)}万", SKIP
        return f"{yen_sign}{int(amt):,}", e  # yen, and man/oku where the amount does not fit

    def created_e(d):
        ct = d.created_time
        k = habit("created_at")
        if k == "house":
            return d.created.strftime("%Y/%m/%d ") + ct.strftime("%H:%M:%S"), iso(d.created)
        if k == "iso_t":
            return d.created.strftime("%Y-%m-%dT") + ct.strftime("%H:%M:%S"), iso(d.created)
        if k == "wareki":
            return wareki(d.created, "dot") + " " + ct.strftime("%H:%M"), iso(d.created)
        return d.created.strftime("%Y/%m/%d"), iso(d.created)

    def updated_e(d):
        k = habit("updated_at")
        if k == "house":
            return d.updated.strftime("%Y/%m/%d ") + d.updated_time.strftime("%H:%M"), iso(
                d.updated
            )
        if k == "serial":
            return str(serial(d.updated)), iso(d.updated)
        return f"{d.updated.year}/{d.updated.month}/{d.updated.day}", iso(d.updated)

    recs = []
    for i, d in enumerate(deals):
        c, p = d.company, d.person
        company = r_company(rng, c, habit("company"), abbr_pool=t["abbr_pool"])
        contact = r_contact(rng, p, habit("contact"), house_sep="\u3000")
        ph = phones[c.canon] if rng.random() > 0.18 else jp_phone(rng, MOBILE)
        k = habit("phone")
        if k == "keitai" and ph.groups[0] not in ("090", "080", "070"):
            k = "hyphen"
        phone = r_phone(rng, ph, k)
        addr = make_email(rng, p, c, free_share=0.06)
        k = habit("email")
        email = r_email(rng, addr, k, p) if rng.random() > 0.06 else (None, SKIP)
        amount = amount_e(d.amount)
        k = closed_keeps_date(d, habit("close_date"), ("tbd_jp", "vague_jp"), "kanji")
        close = r_date(rng, d.close, k)
        created = created_e(d)
        updated = updated_e(d)
        stage = r_stage(rng, d.stage, st["words"], st["house_p"], st["hold"], st["hold_p"])
        k = habit("probability")
        prob = {
            "plain": (str(d.prob), str(d.prob)),
            "fw": (zen_digits(str(d.prob)), str(d.prob)),
            "pct": (f"{d.prob}%", str(d.prob)),
            "blank": ("", SKIP),
        }[k]
        ow = rng.choice(owners)
        k = habit("owner")
        owner = (ow.family, SKIP) if k == "fam" else r_contact(rng, ow, k, house_sep="\u3000")
        vals = [
            (f"D{240000 + i * 3 + rng.randint(1, 2):07d}", SKIP),
            company,
            contact,
            phone,
            email,
            amount,
            close,
            created,
            updated,
            stage,
            prob,
            owner,
            (rng.choice(t["memo"]), SKIP),
        ]
        recs.append(vals)
    out_rows = [header]
    for vals in recs:
        out_rows.append([cell_value(v) for v in vals])
        TRUTH.record(fname, "", len(out_rows), cols, vals)
    out_rows.append([f"＊＊＊ 出力件数：{len(recs)}件 ＊＊＊"] + [""] * (len(header) - 1))
    write_rows(os.path.join(OUT, fname), out_rows, t["encoding"], quoting=csv.QUOTE_ALL)
    return fname, {"": len(deals)}


# ---------------------------------------------------------------------------
# File F: SaaS inside-sales team (xlsx, two header rows, serial update stamps)
# ---------------------------------------------------------------------------
def build_f():
    t = team("inside")
    fname = t["file"]
    rng = random.Random(SEED + 6)
    habit = Habits(rng, t["habits"])
    jp = NAMES.jp_companies(rng, 45)
    pool = jp * 2 + en_companies(EN_COMPANIES[:8])
    as_of = dt.date(2025, 11, 14)
    owners = [Person("jp", f, g) if f != "Lee" else Person("w", f, g) for f, g in t["owners"]]
    st = t["stage"]

    def person_fn(c):
        return NAMES.jp_person(rng) if c.kind == "jp" else NAMES.w_person(rng)

    def amount_fn(d):
        seats = rng.choice([10, 20, 30, 50, 80, 100, 150, 200, 300, 500])
        unit = rng.choice([1200, 1500, 2000, 2500, 3000])
        return Decimal(seats * unit * 12)

    book = XlsxBook(os.path.join(OUT, fname), CREATED, "sales")
    counts = {}
    yen = {"num_format": "¥#,##0"}
    pct = {"num_format": "0%"}

    def amount_f(amt):
        e = num_str(amt)
        k = habit("amount")
        if k == "man" and amt % 10000 == 0:
            return num_str(amt / 10000) + "万", e
        if k == "man":
            return num_str(amt / 10000) + "万円", e
        if k == "yen":
            return f"¥{int(amt):,}", e
        if k == "sen" and amt % 1000 == 0:
            return f"{int(amt / 1000):,}千円", e
        if k == "tbd":
            return rng.choice(["TBD", "未定", "見積中"]), ""
        return Cell(int(amt), yen), e  # num, and sen where it does not fit

    def owner_f(ow):
        if ow.kind != "jp":
            return r_contact(rng, ow, habit("owner_en"))
        k = habit("owner_jp")
        if k == "slack":
            return "@" + t["slack"][ow.family], SKIP
        return r_contact(rng, ow, k)

    def row_cells(d):
        c, p = d.company, d.person
        k = habit("company")
        if c.kind == "en" and k in ("noform", "space", "fw"):
            k = "abbr" if c.abbrevs else "pad"
        company = r_company(rng, c, k, abbr_pool=t["abbr_pool"])
        contact = r_contact(rng, p, habit("contact_jp" if p.kind == "jp" else "contact_en"))
        addr = make_email(rng, p, c, free_share=0.03)
        email = r_email(rng, addr, habit("email"), p)
        ph = jp_phone(rng, AREA_TOKYO + MOBILE * 2)
        phone = r_phone(rng, ph, habit("phone"))
        amount = amount_f(d.amount)
        k = closed_keeps_date(d, habit("close_date"), ("tbd_jp", "vague_jp"), "ymd_slash")
        close = r_date(rng, d.close, k)
        created = r_date(rng, d.created, "cell_time", t=d.created_time)
        created = (Cell(created[0], {"num_format": "yyyy-mm-dd hh:mm"}), created[1])
        updated = r_date(rng, d.updated, habit("updated_at"))
        stage = r_stage(rng, d.stage, st["words"], st["house_p"], st["hold"], st["hold_p"])
        k = habit("probability")
        prob = {
            "pct": (Cell(d.prob / 100, pct), str(d.prob)),
            "str": (f"{d.prob}%", str(d.prob)),
            "int": (d.prob, str(d.prob)),
        }[k]
        owner = owner_f(rng.choice(owners))
        return company, contact, email, phone, amount, close, created, updated, stage, prob, owner

    # ---- Pipeline sheet: two header rows (JP + EN)
    deals = deals_of(
        rng,
        220,
        pool,
        person_fn,
        dt.date(2025, 5, 1),
        dt.date(2025, 11, 12),
        as_of,
        amount_fn,
        stage_dist=t["pipeline_stage_dist"],
    )
    deals.sort(key=lambda d: (d.created, d.created_time), reverse=True)
    spec = t["pipeline_columns"]
    cols = [Col(jp_h, f) for jp_h, _, f in spec]
    ws = book.wb.add_worksheet("Pipeline")
    for i, w in enumerate(t["pipeline_widths"]):
        ws.set_column(i, i, w)
    h1 = book.fmt({"bold": True, "bg_color": "#FCE4D6"})
    h2 = book.fmt({"italic": True, "font_color": "#7F7F7F", "bg_color": "#FCE4D6"})
    for i, (jp_h, en_h, _) in enumerate(spec):
        ws.write_string(0, i, jp_h, h1)
        ws.write_string(1, i, en_h, h2)
    ws.freeze_panes(2, 1)
    r = 2
    for d in deals:
        cells = row_cells(d)
        src = rng.choice(t["sources"])
        memo = rng.choice(t["memo"])
        vals = list(cells) + [(src, SKIP), (memo, SKIP)]
        book.write_row(ws, r, vals, date_fmt={"num_format": "yyyy-mm-dd"})
        TRUTH.record(fname, "Pipeline", r + 1, cols, vals)
        r += 1
    counts["Pipeline"] = len(deals)
    ws.autofilter(1, 0, r - 1, len(spec) - 1)

    # ---- Archive 2024: single header, different column order, closed deals only
    deals2 = deals_of(
        rng,
        80,
        pool,
        person_fn,
        dt.date(2024, 1, 9),
        dt.date(2024, 11, 30),
        dt.date(2024, 12, 27),
        amount_fn,
        stage_dist={"won": 55, "lost": 45},
    )
    deals2.sort(key=lambda d: d.close)
    cols2 = cols_of(t["archive_columns"])
    ws2 = book.wb.add_worksheet("Archive 2024")
    for i, c in enumerate(cols2):
        ws2.write_string(0, i, c.header, h1)
    r = 1
    for d in deals2:
        company, contact, email, phone, amount, close, created, updated, stage, prob, owner = (
            row_cells(d)
        )
        vals = [stage, company, contact, email, phone, amount, close, created, updated, prob, owner]
        book.write_row(ws2, r, vals, date_fmt={"num_format": "yyyy-mm-dd"})
        TRUTH.record(fname, "Archive 2024", r + 1, cols2, vals)
        r += 1
    counts["Archive 2024"] = len(deals2)
    ws3 = book.wb.add_worksheet("README")
    for i, line in enumerate(t["readme"]):
        ws3.write_string(i, 0, line)
    book.close()
    return fname, counts


# ---------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    global OUT
    args = sys.argv[1:] if argv is None else argv
    if args:
        OUT = args[0]
    os.makedirs(OUT, exist_ok=True)
    TRUTH.rows.clear()
    TRUTH.stats.clear()
    results = [build_a(), build_b(), build_c(), build_d(), build_e(), build_f()]
    with open(os.path.join(OUT, "truth_values.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "sheet", "row", "field", "raw", "expected"])
        for row in TRUTH.rows:
            w.writerow(row)
    print("files:")
    for fname, counts in results:
        print(
            f"  {fname}: " + ", ".join(f"{k or '(csv)'}={v}" for k, v in counts.items()),
            "total",
            sum(counts.values()),
        )
    print("truth cells:", len(TRUTH.rows))
    per = {}
    for row in TRUTH.rows:
        per[row[3]] = per.get(row[3], 0) + 1
    for fld in FIELDS:
        print(f"  {fld}: {per.get(fld, 0)}")


if __name__ == "__main__":
    main()
