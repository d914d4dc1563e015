"""Renderers: one value written the way a team writes it, with what a careful reader takes from it.

Every `r_*` function takes a clean value (a company, a person, an address, a phone, a date,
a stage) and the name of a mess (`abbr`, `onchu`, `sama`, `fw`, `lostzero`, `wareki_dot`,
`tbd_jp`...) and returns `(cell, expected)`: the cell as typed (a string, a number, a date)
and the canonical value a reader should recover, `""` when the cell says "none", or `SKIP`
when a human could not tell either (the cell is then left out of the truth).
The entities themselves (`Company`, `Person`, `Phone`, `Deal`) are made here too, from the
name pools of a vocabulary (`Names`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .dates import MON, MONTH, WD, as_dt, iso, serial, wareki
from .draw import pick
from .text import ascii_fold, hankaku_kana, zen, zen_digits

SKIP = None  # expected value meaning "do not put this cell in truth"


class Cell:
    """A typed cell value with an optional explicit number format key."""

    __slots__ = ("v", "fmt")

    def __init__(self, v, fmt=None):
        self.v = v
        self.fmt = fmt


def raw_of(v) -> str:
    """The cell as text the way a reader hands it over (dates with their time, floats exact)."""
    if isinstance(v, Cell):
        v = v.v
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d 00:00:00")
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f"{v:.15g}"
    return str(v)


class Phone:
    """A phone number as national groups (03, 1234, 5678) with its country code and E.164."""

    def __init__(self, cc: str, groups: tuple, trunk_drop=True):
        self.cc = cc
        self.groups = groups  # national groups, first may carry trunk '0'
        self.trunk_drop = trunk_drop
        nat = "".join(groups)
        self.national = nat
        if trunk_drop and nat.startswith("0"):
            self.e164 = "+" + cc + nat[1:]
        else:
            self.e164 = "+" + cc + nat

    def intl_groups(self):
        """The groups as dialled from abroad (trunk 0 dropped)."""
        g = list(self.groups)
        if self.trunk_drop and g[0].startswith("0"):
            g[0] = g[0][1:]
        return g


def rand_digits(rng, n, first_nonzero=True):
    """n random digits as text, the first one not 0 unless asked."""
    s = str(rng.randint(1 if first_nonzero else 0, 9))
    return s + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def jp_phone(rng, pool):
    """A Japanese number from a pool of [area code, middle digits, last digits]."""
    area, a, b = rng.choice(pool)
    return Phone("81", (area, rand_digits(rng, a), rand_digits(rng, b, False)))


def foreign_phone(rng, country):
    """A number of the country (US, UK, SG, AU, DE, FR, IT, NL, CH, CZ, SE) in its own grouping."""

    def d(n, nz=False):
        return rand_digits(rng, n, nz)

    if country == "US":
        return Phone(
            "1",
            (rng.choice(["415", "212", "646", "312", "206", "617"]), "555", "01" + d(2)),
            trunk_drop=False,
        )
    if country == "UK":
        return Phone("44", ("020", "79" + d(2), d(4)))
    if country == "SG":
        return Phone("65", ("6" + d(3, True), d(4)), trunk_drop=False)
    if country == "AU":
        return Phone("61", ("02", "9" + d(3), d(4)))
    if country == "DE":
        return Phone("49", (rng.choice(["030", "089", "040", "069", "0711"]), d(3, True), d(4)))
    if country == "FR":
        return Phone("33", ("01", d(2), d(2), d(2), d(2)))
    if country == "IT":
        return Phone("39", ("02", d(4, True), d(4)), trunk_drop=False)
    if country == "NL":
        return Phone("31", ("020", d(3, True), d(4)))
    if country == "CH":
        return Phone("41", ("044", d(3, True), d(2), d(2)))
    if country == "CZ":
        return Phone("420", (d(3, True), d(3), d(3)), trunk_drop=False)
    if country == "SE":
        return Phone("46", ("08", d(3, True), d(2), d(2)))
    raise ValueError(country)


class Company:
    """A company: Japanese (legal form before or after the base name) or English-named."""

    def __init__(
        self, kind, canon, base=None, form=None, pos=None, domain=None, abbrevs=(), country="JP"
    ):
        self.kind = kind  # 'jp' or 'en'
        self.canon = canon
        self.base = base
        self.form = form
        self.pos = pos
        self.domain = domain
        self.abbrevs = list(abbrevs)
        self.country = country


class Person:
    """A person: Japanese in kanji (family name first) or western (given name first)."""

    def __init__(self, kind, family, given, fam_r=None, giv_r=None, female=False):
        self.kind = kind  # 'jp' (kanji) or 'w' (western)
        self.family = family
        self.given = given
        self.fam_r = fam_r
        self.giv_r = giv_r
        self.female = female

    @property
    def canon(self):
        """The name as it should be read: 山田太郎, John Smith."""
        if self.kind == "jp":
            return self.family + self.given
        return f"{self.given} {self.family}"


class Names:
    """People and companies drawn from the name pools of a vocabulary.

    pools: jp_bases [[name, domain stem]], jp_family / jp_given [[kanji, romaji]],
    female_given [kanji], w_first_m / w_first_f / w_last [name].
    """

    def __init__(self, pools: dict[str, Any]) -> None:
        self.jp_bases = pools["jp_bases"]
        self.jp_family = pools["jp_family"]
        self.jp_given = pools["jp_given"]
        self.female_given = set(pools["female_given"])
        self.w_first_m = pools["w_first_m"]
        self.w_first_f = pools["w_first_f"]
        self.w_last = pools["w_last"]

    def jp_companies(self, rng, n, tlds=(".co.jp",) * 5 + (".jp", ".com")):
        """n Japanese companies: 株式会社 before or after the name, now and then 有限/合同会社."""
        bases = rng.sample(self.jp_bases, n)
        out = []
        for base, rom in bases:
            f = pick(rng, {"kk_pre": 55, "kk_suf": 30, "yk": 7, "gk": 8})
            if f == "kk_pre":
                form, pos = "株式会社", "pre"
            elif f == "kk_suf":
                form, pos = "株式会社", "suf"
            elif f == "yk":
                form, pos = "有限会社", "pre" if rng.random() < 0.7 else "suf"
            else:
                form, pos = "合同会社", "pre" if rng.random() < 0.6 else "suf"
            canon = form + base if pos == "pre" else base + form
            out.append(Company("jp", canon, base, form, pos, rom + rng.choice(tlds)))
        return out

    def jp_person(self, rng):
        """A Japanese person in kanji."""
        f, fr = rng.choice(self.jp_family)
        g, gr = rng.choice(self.jp_given)
        return Person("jp", f, g, fr, gr, g in self.female_given)

    def romaji_person(self, rng):
        """A Japanese person written in romaji, given name first (already canonical)."""
        f, fr = rng.choice(self.jp_family)
        g, gr = rng.choice(self.jp_given)
        return Person("w", fr.capitalize(), gr.capitalize(), fr, gr, g in self.female_given)

    def w_person(self, rng, last_pool=None):
        """A western person; last names from last_pool (default w_last)."""
        female = rng.random() < 0.45
        first = rng.choice(self.w_first_f if female else self.w_first_m)
        last = rng.choice(last_pool or self.w_last)
        return Person("w", last, first, last.lower(), first.lower(), female)


def make_email(rng, person, company, free_share=0.05):
    """A person's address at the company domain in a common local-part pattern, or free mail."""
    if person.kind == "jp" or person.fam_r:
        fr = ascii_fold(person.fam_r or person.family)
        gr = ascii_fold(person.giv_r or person.given)
    else:
        fr, gr = ascii_fold(person.family), ascii_fold(person.given)
    local = pick(
        rng,
        {
            f"{gr}.{fr}": 45,
            f"{fr}": 12,
            f"{gr[0]}-{fr}": 15,
            f"{fr}.{gr}": 10,
            f"{gr[0]}.{fr}": 10,
            f"{fr}_{gr}": 8,
        },
    )
    if rng.random() < free_share:
        return f"{gr}{fr}{rng.randint(1, 99)}@" + rng.choice(
            ["gmail.com", "yahoo.co.jp", "outlook.jp"]
        )
    return f"{local}@{company.domain}"


ABBR = {
    "株式会社": ["(株)", "（株）", "㈱"],
    "有限会社": ["(有)", "（有）", "㈲"],
    "合同会社": ["(同)", "（同）"],
}


def r_company(rng, c: Company, kind: str, abbr_pool=None):
    """A company cell: clean, ㈱/(株) abbreviated, spaced, 御中/様, padded, full-width, no legal form..."""
    canon = c.canon
    if c.kind == "en":
        if kind == "abbr" and c.abbrevs:
            return rng.choice(c.abbrevs), canon
        if kind in ("onchu", "sama"):
            return canon + rng.choice([" 御中", "　御中", " 様"]), canon
        if kind == "pad":
            return rng.choice([" " + canon, canon + " ", canon + "  ", " " + canon + " "]), canon
        if kind == "dblspace" and " " in canon:
            i = canon.index(" ")
            return canon[:i] + "  " + canon[i + 1 :], canon
        return canon, canon
    form, base, pos = c.form, c.base, c.pos
    if kind == "clean":
        return canon, canon
    if kind in ("abbr", "abbr_space"):
        a = rng.choice(abbr_pool) if (abbr_pool and form == "株式会社") else rng.choice(ABBR[form])
        sp = rng.choice([" ", "\u3000"]) if kind == "abbr_space" else ""
        return (a + sp + base if pos == "pre" else base + sp + a), canon
    if kind == "space":
        sp = rng.choice([" ", "\u3000"])
        return (form + sp + base if pos == "pre" else base + sp + form), canon
    if kind == "onchu":
        inner = canon
        if rng.random() < 0.35:
            a = rng.choice(ABBR[form])
            inner = a + base if pos == "pre" else base + a
        return inner + rng.choice([" 御中", "　御中", "御中"]), canon
    if kind == "sama":
        return canon + rng.choice([" 様", "様"]), canon
    if kind == "pad":
        return rng.choice([" " + canon, canon + " ", canon + "\u3000", "\u3000" + canon]), canon
    if kind == "fw":
        if any(ord(ch) < 128 for ch in base):
            return zen(canon), canon
        return canon, canon
    if kind == "hwkana":
        if any("\u30a0" <= ch <= "\u30ff" for ch in base):
            a = "㈱" if form == "株式会社" else rng.choice(ABBR[form])
            hb = hankaku_kana(base)
            return (a + hb if pos == "pre" else hb + a), canon
        return canon, canon
    if kind == "noform":
        return base, SKIP
    if kind == "branch":
        return canon + rng.choice([" 大阪支店", " 本社", "（東京本社）"]), SKIP
    raise ValueError(kind)


TITLES_JP = ["（部長）", "(課長)", "（主任）", "(マネージャー)", "（代表）"]


def r_contact(rng, p: Person, kind: str, house_sep=""):
    """A contact cell: with or without a space, 様/さん, a title, "Last, First", Mr./Herr, case..."""
    canon = p.canon
    if p.kind == "jp":
        if kind == "clean":
            return p.family + house_sep + p.given, canon
        if kind == "sep":
            return p.family + rng.choice([" ", "\u3000", "  "]) + p.given, canon
        if kind == "nosep":
            return canon, canon
        if kind == "sama":
            return (
                p.family + house_sep + p.given + rng.choice(["様", " 様", "　様", "さん", " 殿"]),
                canon,
            )
        if kind == "famsama":
            return p.family + rng.choice(["様", " 様", "さん"]), p.family
        if kind == "title":
            return p.family + house_sep + p.given + rng.choice(TITLES_JP), canon
        if kind == "pad":
            return rng.choice([" ", "\u3000", ""]) + p.family + house_sep + p.given + rng.choice(
                [" ", "  ", "\u3000"]
            ), canon
        if kind == "kana":
            return "ヤマダ", SKIP
        raise ValueError(kind)
    simple = p.family.isalpha() and p.family[0].isupper() and p.family[1:].islower()
    if kind == "clean":
        return canon, canon
    if kind == "comma":
        return f"{p.family}, {p.given}", canon
    if kind == "mr":
        t = rng.choice(["Ms.", "Ms"] if p.female else ["Mr.", "Mr"])
        return f"{t} {canon}", canon
    if kind == "lower" and simple:
        return canon.lower(), canon
    if kind == "upper" and simple:
        return canon.upper(), canon
    if kind == "sama":
        return canon + rng.choice([" 様", "様", " さん"]), canon
    if kind == "pad":
        return rng.choice([" " + canon, canon + " ", canon + "  "]), canon
    if kind == "herr":
        t = "Frau" if p.female else "Herr"
        return f"{t} {canon}", canon
    if kind == "firstonly":
        return p.given, SKIP
    return canon, canon


def r_email(rng, addr: str, kind: str, person: Person | None = None):
    """An e-mail cell: upper case, display name <addr>, mailto:, full-width ＠, none, broken, two..."""
    if kind == "clean":
        return addr, addr
    if kind == "upper":
        if rng.random() < 0.5:
            return addr.upper(), addr
        loc, dom = addr.split("@")
        loc = ".".join(x.capitalize() for x in loc.split("."))
        dom = ".".join(x.capitalize() if i == 0 else x for i, x in enumerate(dom.split(".")))
        return f"{loc}@{dom}", addr
    if kind == "angle":
        disp = person.canon if person else addr.split("@")[0]
        if person and person.kind == "jp":
            disp = person.family + rng.choice(["", " "]) + person.given
        if rng.random() < 0.3:
            disp = f'"{disp}"'
        return f"{disp} <{addr}>", addr
    if kind == "mailto":
        return "mailto:" + addr, addr
    if kind == "fw_at":
        return addr.replace("@", "＠"), addr
    if kind == "fw_all":
        return zen(addr), addr
    if kind == "pad":
        return rng.choice([addr + " ", " " + addr, addr + "  ", addr + "\u3000"]), addr
    if kind == "none":
        return rng.choice(["なし", "-", "不明", "N/A", "n/a", "―", "未取得"]), ""
    if kind == "none_en":
        return rng.choice(["n/a", "N/A", "-", "none", "unknown"]), ""
    if kind == "broken":
        loc, dom = addr.split("@")
        v = rng.choice([loc + "@", loc + "@" + dom.split(".")[0], loc + " " + dom])
        # "name domain" (missing @) could be repaired by a human -> not in truth
        return v, (SKIP if " " in v else "")
    if kind == "two":
        loc, dom = addr.split("@")
        other = rng.choice(["info", "sales", "eigyo", "soumu"]) + "@" + dom
        return addr + rng.choice(["; ", ", ", " / ", " ; "]) + other, SKIP
    raise ValueError(kind)


def r_phone(rng, ph: Phone, kind: str):
    """Render a phone; value may be int (number cell)."""
    g = list(ph.groups)
    e = ph.e164
    if ph.cc == "81":
        a, b, c = g
        if kind == "hyphen":
            return f"{a}-{b}-{c}", e
        if kind == "paren_area":
            return f"({a}){b}-{c}", e
        if kind == "paren_mid":
            return f"{a}({b}){c}", e
        if kind == "fw":
            dash = rng.choice(["－", "－", "ー", "‐"])
            return zen_digits(f"{a}{dash}{b}{dash}{c}"), e
        if kind == "intl_space":
            return f"+81 {a[1:]} {b} {c}", e
        if kind == "intl_hyphen":
            return rng.choice([f"+81-{a[1:]}-{b}-{c}", f"+81 {a[1:]}-{b}-{c}"]), e
        if kind == "intl_zero":
            return f"+81 (0){a[1:]}-{b}-{c}", e
        if kind == "nodash":
            return f"{a}{b}{c}", e
        if kind == "lostzero":
            if a == "0120":
                return f"{a}{b}{c}", e
            return int(f"{a}{b}{c}"), e
        if kind == "lostzero_str":
            return f"{a[1:]}{b}{c}", e
        if kind == "ext":
            ext = str(rng.randint(10, 999))
            return rng.choice(
                [
                    f"{a}-{b}-{c} 内線{ext}",
                    f"{a}-{b}-{c}（内線：{ext}）",
                    f"{a}-{b}-{c} ext.{ext}",
                    f"{a}-{b}-{c}(内){ext}",
                    f"{a}-{b}-{c} 内線 {ext}",
                ]
            ), e
        if kind == "dot":
            return f"{a}.{b}.{c}", e
        if kind == "space":
            return f"{a} {b} {c}", e
        if kind == "telpref":
            return rng.choice(
                [f"TEL:{a}-{b}-{c}", f"TEL {a}-{b}-{c}", f"Tel.{a}-{b}-{c}", f"電話：{a}-{b}-{c}"]
            ), e
        if kind == "daihyo":
            return f"{a}-{b}-{c}" + rng.choice(["（代）", "(代表)", " 代表"]), e
        if kind == "keitai":
            return rng.choice(["携帯 ", "携帯:", "携帯："]) + f"{a}-{b}-{c}", e
        if kind == "none":
            return rng.choice(["なし", "-", "非公開", "未確認", "―"]), ""
        if kind == "two":
            return f"{a}-{b}-{c} / 090-{rand_digits(rng, 4)}-{rand_digits(rng, 4, False)}", SKIP
        if kind == "intl_compact":
            return f"+81{a[1:]}{b}{c}", e
        raise ValueError(kind)
    # foreign numbers
    ig = ph.intl_groups()
    if kind in ("hyphen", "intl_space"):
        return f"+{ph.cc} " + " ".join(ig), e
    if kind == "intl_hyphen":
        return f"+{ph.cc}-" + "-".join(ig), e
    if kind == "intl_dash_mix":
        return f"+{ph.cc} {ig[0]}-" + "-".join(ig[1:]), e
    if kind == "intl_zero" and ph.trunk_drop:
        return f"+{ph.cc} (0){ig[0]} " + " ".join(ig[1:]), e
    if kind == "intl_00":
        return f"00{ph.cc} " + " ".join(ig), e
    if kind == "us_paren" and ph.cc == "1":
        return f"+1 ({g[0]}) {g[1]}-{g[2]}", e
    if kind == "ext":
        return f"+{ph.cc} " + " ".join(ig) + rng.choice([" ext. 204", " x31", " ext 12"]), e
    if kind == "national":
        return " ".join(g), SKIP  # country must be inferred -> handled by caller
    if kind == "intl_compact":
        return f"+{ph.cc}" + "".join(ig), e
    if kind == "none":
        return rng.choice(["n/a", "-", "—"]), ""
    return f"+{ph.cc} " + " ".join(ig), e


def r_date(rng, d: dt.date, kind: str, t: dt.time | None = None):
    """Render date; returns (value, expected). value may be datetime/int/float."""
    e = iso(d)
    if kind == "cell":
        return as_dt(d), e
    if kind == "cell_time":
        t = t or dt.time(rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59))
        return dt.datetime.combine(d, t), e
    if kind == "serial":
        return serial(d), e
    if kind == "serial_frac":
        return round(serial(d) + rng.randint(1, 1439) / 1440.0, 6), e
    if kind == "ymd_slash":
        return f"{d.year}/{d.month}/{d.day}", e
    if kind == "ymd_slash0":
        return d.strftime("%Y/%m/%d"), e
    if kind == "ymd_dash":
        return e, e
    if kind == "ymd_dot":
        return f"{d.year}.{d.month}.{d.day}", e
    if kind == "kanji":
        return f"{d.year}年{d.month}月{d.day}日", e
    if kind == "weekday":
        return f"{d.year}/{d.month}/{d.day}({WD[d.weekday()]})", e
    if kind == "fw":
        return zen_digits(f"{d.year}／{d.month}／{d.day}"), e
    if kind.startswith("wareki_"):
        return wareki(d, kind[7:]), e
    if kind == "dt_str":
        return d.strftime("%Y/%m/%d") + f" {rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}", e
    if kind == "dt_str_s":
        return d.strftime(
            "%Y/%m/%d"
        ) + f" {rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}", e
    if kind == "dt_iso_t":
        return d.strftime(
            "%Y-%m-%d"
        ) + f"T{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}", e
    if kind == "mdy":
        return f"{d.month}/{d.day}/{d.year}", e
    if kind == "mdy0":
        return d.strftime("%m/%d/%Y"), e
    if kind == "mon_d_y":
        return f"{MON[d.month - 1]} {d.day}, {d.year}", e
    if kind == "month_d_y":
        return f"{MONTH[d.month - 1]} {d.day}, {d.year}", e
    if kind == "dmy0":
        return d.strftime("%d/%m/%Y"), e
    if kind == "dmy":
        return f"{d.day}/{d.month}/{d.year}", e
    if kind == "dmy_dot":
        return d.strftime("%d.%m.%Y"), e
    if kind == "dmy_yy":
        return d.strftime("%d/%m/%y"), e
    if kind == "d_mon_y":
        return f"{d.day} {MON[d.month - 1]} {d.year}", e
    if kind == "tbd_jp":
        return rng.choice(["未定", "未定", "-", "調整中", "TBD"]), ""
    if kind == "tbd_en":
        return rng.choice(["TBD", "tbd", "-", "N/A"]), ""
    if kind == "vague_jp":
        return rng.choice(
            [f"{d.month}月末", f"{d.month}月中", f"{d.month}月中旬", f"{d.year}年度内"]
        ), SKIP
    if kind == "vague_en":
        q = (d.month - 1) // 3 + 1
        return rng.choice(
            [f"Q{q} {d.year}", f"end of {MON[d.month - 1]}", f"{MON[d.month - 1]} {d.year}"]
        ), SKIP
    raise ValueError(kind)


UNCLEAR_STAGE = {"Nurture"}  # could be read as "lead" or as "cannot tell": left out of truth


def r_stage(rng, stage, vocab, house_p, hold_labels=(), hold_p=0.0):
    """vocab: canonical -> list of labels, first is the house label.
    hold labels (保留, On Hold, ...) say nothing about the stage -> expected ""."""
    if hold_labels and rng.random() < hold_p:
        lab = rng.choice(hold_labels)
        return lab, (SKIP if lab in UNCLEAR_STAGE else "")
    labels = vocab[stage]
    if rng.random() < house_p or len(labels) == 1:
        return labels[0], stage
    return rng.choice(labels[1:]), stage


class Deal:
    """A deal's true values; make_deals sets the attributes."""


def make_deals(
    rng,
    n,
    companies,
    person_fn,
    created_from,
    created_to,
    as_of,
    amount_fn,
    stage_dist,
    stage_prob,
    close_span=(20, 200),
):
    """n deals: company, person, created/close/updated dates, stage, probability, amount.

    stage_dist: stage -> weight; stage_prob: stage -> the probabilities a rep gives it.
    Won and lost deals close before as_of, open ones after it.
    """
    deals = []
    span = (created_to - created_from).days
    for _ in range(n):
        d = Deal()
        d.company = rng.choice(companies)
        d.person = person_fn(d.company)
        d.created = created_from + dt.timedelta(days=rng.randint(0, span))
        d.stage = pick(rng, stage_dist)
        if d.stage in ("won", "lost"):
            d.close = d.created + dt.timedelta(days=rng.randint(close_span[0], close_span[1] // 2))
            if d.close > as_of:
                d.close = as_of - dt.timedelta(days=rng.randint(0, 20))
                if d.close < d.created:
                    d.close = d.created + dt.timedelta(days=1)
        else:
            d.close = d.created + dt.timedelta(days=rng.randint(*close_span))
            if d.close <= as_of:
                d.close = as_of + dt.timedelta(days=rng.randint(10, 150))
        last = min(as_of, max(d.created, d.close if d.stage in ("won", "lost") else as_of))
        d.updated = d.created + dt.timedelta(days=rng.randint(0, max(0, (last - d.created).days)))
        d.prob = rng.choice(stage_prob[d.stage])
        d.amount = amount_fn(d)
        d.created_time = dt.time(rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59))
        d.updated_time = dt.time(rng.randint(8, 21), rng.randint(0, 59), rng.randint(0, 59))
        deals.append(d)
    return deals
