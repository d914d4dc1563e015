#!/usr/bin/env python3
"""Generate six fresh, realistic sales-tracker files and their ground truth.

Deterministic: every file uses its own random.Random seeded from SEED.
Written without looking at the tool's rules, tests, sample data or holdout.

Usage:  python bench/fresh/generate.py        -> writes bench/fresh/data/*
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import unicodedata
from decimal import Decimal

import xlsxwriter
import xlwt

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data")
SEED = 20251124
SKIP = None  # expected value meaning "do not put this cell in truth"

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

# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------
_FW = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_FW[" "] = "\u3000"


def zen(s: str) -> str:
    """ASCII -> full-width (digits, letters, punctuation, space)."""
    return "".join(_FW.get(ch, ch) for ch in s)


def zen_digits(s: str) -> str:
    return "".join(_FW[ch] if ch.isdigit() else ch for ch in s)


_H2Z: dict[str, str] = {}
for _cp in range(0xFF61, 0xFFA0):
    _h = chr(_cp)
    _H2Z.setdefault(unicodedata.normalize("NFKC", _h), _h)
for _cp in range(0xFF66, 0xFF9E):
    for _mark in ("\uff9e", "\uff9f"):
        _z = unicodedata.normalize("NFKC", chr(_cp) + _mark)
        if len(_z) == 1:
            _H2Z.setdefault(_z, chr(_cp) + _mark)


def hankaku_kana(s: str) -> str:
    return "".join(_H2Z.get(ch, ch) if "\u30a0" <= ch <= "\u30ff" else ch for ch in s)


def pick(rng: random.Random, weighted: dict):
    keys = list(weighted)
    return rng.choices(keys, weights=[weighted[k] for k in keys], k=1)[0]


def num_str(d) -> str:
    """Canonical plain number: no separators, no trailing .0"""
    d = Decimal(str(d))
    if d == d.to_integral_value():
        return str(int(d))
    s = format(d.normalize(), "f")
    return s


def iso(d: dt.date) -> str:
    return d.strftime("%Y-%m-%d")


def serial(d: dt.date) -> int:
    return (d - dt.date(1899, 12, 30)).days


def as_dt(d: dt.date, h=0, m=0, s=0) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, h, m, s)


MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WD = "月火水木金土日"


def wareki(d: dt.date, style: str) -> str:
    if d >= dt.date(2019, 5, 1):
        era, kan, y = "R", "令和", d.year - 2018
    else:
        era, kan, y = "H", "平成", d.year - 1988
    if style == "dot":
        return f"{era}{y}.{d.month}.{d.day}"
    if style == "dot0":
        return f"{era}{y:02d}.{d.month:02d}.{d.day:02d}"
    if style == "slash":
        return f"{era}{y}/{d.month}/{d.day}"
    if style == "kanji":
        return f"{kan}{'元' if y == 1 else y}年{d.month}月{d.day}日"
    raise ValueError(style)


class Cell:
    """A typed cell value with an optional explicit number format key."""

    __slots__ = ("v", "fmt")

    def __init__(self, v, fmt=None):
        self.v = v
        self.fmt = fmt


def raw_of(v) -> str:
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


# ---------------------------------------------------------------------------
# entity pools (all invented)
# ---------------------------------------------------------------------------
JP_BASES = [
    ("山田電気", "yamada-denki"),
    ("青葉工業", "aoba-kogyo"),
    ("東洋システム", "toyo-sys"),
    ("北斗物流", "hokuto-logi"),
    ("みなと食品", "minato-foods"),
    ("さくら建設", "sakura-kensetsu"),
    ("日本精密", "nihon-seimitsu"),
    ("大和ソリューションズ", "yamato-sol"),
    ("光陽商事", "koyo-shoji"),
    ("丸山製作所", "maruyama-ss"),
    ("中央印刷", "chuo-print"),
    ("関西メディカル", "kansai-medical"),
    ("富士見不動産", "fujimi-re"),
    ("アルファテック", "alphatech"),
    ("ネクストリンク", "nextlink"),
    ("ひまわり薬品", "himawari-pharma"),
    ("三ツ星フーズ", "mitsuboshi-foods"),
    ("朝日エンジニアリング", "asahi-eng"),
    ("緑川化学", "midorikawa-chem"),
    ("ブルーオーシャン", "blueocean"),
    ("新星電子", "shinsei-denshi"),
    ("松風堂", "shofudo"),
    ("岡田鉄工所", "okada-tekko"),
    ("白鷺ホテル", "shirasagi-hotel"),
    ("ミライ教育", "mirai-edu"),
    ("杉本商店", "sugimoto-shoten"),
    ("カワセミデザイン", "kawasemi-design"),
    ("TKプランニング", "tk-planning"),
    ("ABC商事", "abc-shoji"),
    ("エムズファクトリー", "ms-factory"),
    ("秋山運輸", "akiyama-unyu"),
    ("浜松精機", "hamamatsu-seiki"),
    ("グリーンフィールド", "greenfield"),
    ("東邦ケミカル", "toho-chemical"),
    ("はやぶさネット", "hayabusa-net"),
    ("北海道デイリー", "hokkaido-dairy"),
    ("九州ロジテック", "kyushu-logitech"),
    ("瀬戸内マリン", "setouchi-marine"),
    ("京都織物", "kyoto-orimono"),
    ("名古屋パーツ", "nagoya-parts"),
    ("横浜テクノ", "yokohama-techno"),
    ("神戸珈琲", "kobe-coffee"),
    ("仙台フードサービス", "sendai-fs"),
    ("ソラノ", "sorano"),
    ("リバーサイド企画", "riverside-kikaku"),
    ("高橋木材", "takahashi-mokuzai"),
    ("アイティブリッジ", "itbridge"),
    ("コスモ電機", "cosmo-denki"),
    ("大東倉庫", "daito-soko"),
    ("西日本ファーマ", "nishinihon-pharma"),
    ("KSKホールディングス", "ksk-hd"),
    ("若葉保育サービス", "wakaba-hoiku"),
    ("桜井酒造", "sakurai-shuzo"),
    ("ユニバーサル技研", "universal-giken"),
    ("播磨製鋼", "harima-seiko"),
    ("みずほ園芸", "mizuho-engei"),
    ("ＮＥＸＵＳ", None),  # NEXUS: intentionally dropped below
]
JP_BASES = [b for b in JP_BASES if b[1]]

JP_FAMILY = [
    ("佐藤", "sato"),
    ("鈴木", "suzuki"),
    ("高橋", "takahashi"),
    ("田中", "tanaka"),
    ("伊藤", "ito"),
    ("渡辺", "watanabe"),
    ("山本", "yamamoto"),
    ("中村", "nakamura"),
    ("小林", "kobayashi"),
    ("加藤", "kato"),
    ("吉田", "yoshida"),
    ("山口", "yamaguchi"),
    ("松本", "matsumoto"),
    ("井上", "inoue"),
    ("木村", "kimura"),
    ("林", "hayashi"),
    ("清水", "shimizu"),
    ("山崎", "yamazaki"),
    ("森", "mori"),
    ("池田", "ikeda"),
    ("橋本", "hashimoto"),
    ("阿部", "abe"),
    ("石川", "ishikawa"),
    ("前田", "maeda"),
    ("藤田", "fujita"),
    ("小川", "ogawa"),
    ("岡田", "okada"),
    ("後藤", "goto"),
    ("長谷川", "hasegawa"),
    ("村上", "murakami"),
    ("近藤", "kondo"),
    ("坂本", "sakamoto"),
    ("遠藤", "endo"),
    ("青木", "aoki"),
    ("西村", "nishimura"),
    ("福田", "fukuda"),
    ("太田", "ota"),
    ("三浦", "miura"),
    ("藤原", "fujiwara"),
    ("岡本", "okamoto"),
    ("山田", "yamada"),
    ("大野", "ono"),
    ("平野", "hirano"),
    ("宮崎", "miyazaki"),
]
JP_GIVEN = [
    ("太郎", "taro"),
    ("健一", "kenichi"),
    ("大輔", "daisuke"),
    ("翔太", "shota"),
    ("拓也", "takuya"),
    ("直樹", "naoki"),
    ("誠", "makoto"),
    ("浩二", "koji"),
    ("隆", "takashi"),
    ("裕子", "yuko"),
    ("美咲", "misaki"),
    ("陽子", "yoko"),
    ("恵", "megumi"),
    ("彩", "aya"),
    ("真由美", "mayumi"),
    ("さくら", "sakura"),
    ("智子", "tomoko"),
    ("由美", "yumi"),
    ("亮", "ryo"),
    ("健太", "kenta"),
    ("和也", "kazuya"),
    ("明美", "akemi"),
    ("洋平", "yohei"),
    ("舞", "mai"),
    ("愛", "ai"),
    ("蓮", "ren"),
    ("悠斗", "yuto"),
    ("聡", "satoshi"),
    ("千尋", "chihiro"),
]
FEMALE_GIVEN = {
    "裕子",
    "美咲",
    "陽子",
    "恵",
    "彩",
    "真由美",
    "さくら",
    "智子",
    "由美",
    "明美",
    "舞",
    "愛",
    "千尋",
}

W_FIRST_M = [
    "John",
    "Michael",
    "David",
    "James",
    "Thomas",
    "Daniel",
    "Robert",
    "Lukas",
    "Pierre",
    "Hans",
    "Marco",
    "Peter",
    "Kevin",
    "Oliver",
]
W_FIRST_F = [
    "Emily",
    "Sarah",
    "Laura",
    "Anna",
    "Sophie",
    "Olivia",
    "Marie",
    "Giulia",
    "Claire",
    "Jessica",
    "Hannah",
    "Chloe",
    "Rachel",
    "Nina",
]
W_LAST = [
    "Smith",
    "Johnson",
    "Brown",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
    "Anderson",
    "Moore",
    "Martin",
    "Clark",
    "Walker",
    "Hughes",
    "Baker",
    "Turner",
    "Parker",
    "Evans",
    "Collins",
]
EU_LAST = [
    "Müller",
    "Schmidt",
    "Fischer",
    "Weber",
    "Wagner",
    "Becker",
    "Dubois",
    "Bernard",
    "Moreau",
    "Rossi",
    "Bianchi",
    "Ferrari",
    "de Vries",
    "Jansen",
    "Novak",
    "Keller",
    "Huber",
    "Lefèvre",
    "García",
    "Lindqvist",
]

# English / foreign company canonical names with abbreviations that map unambiguously
EN_COMPANIES = [
    ("Acme Corporation", ["Acme Corp.", "Acme Corp"], "acme.com", "US"),
    ("Globex Corporation", ["Globex Corp."], "globex.com", "US"),
    ("Pinecrest Corporation", ["Pinecrest Corp."], "pinecrest.com", "US"),
    ("Helix Robotics Corporation", ["Helix Robotics Corp."], "helixrobotics.com", "US"),
    ("Initech Inc.", [], "initech.com", "US"),
    ("Bluewater Analytics Inc.", [], "bluewater-analytics.com", "US"),
    ("Brightpath Learning Inc.", [], "brightpath.io", "US"),
    ("Summit Ridge Partners LLC", [], "summitridge.com", "US"),
    ("Lumen Data Ltd.", [], "lumendata.co.uk", "UK"),
    ("Harbour & Finch Ltd.", [], "harbourfinch.co.uk", "UK"),
    ("Oakleaf Consulting Ltd.", [], "oakleaf.co.uk", "UK"),
    ("Merlion Logistics Pte. Ltd.", [], "merlionlog.sg", "SG"),
    ("Raffles Digital Pte. Ltd.", [], "rafflesdigital.sg", "SG"),
    ("Southern Cross Mining Pty Ltd", [], "southerncross.com.au", "AU"),
    ("Koala Software Pty Ltd", [], "koalasoft.com.au", "AU"),
]
EU_COMPANIES = [
    ("Müller Maschinenbau GmbH", "mueller-maschinenbau.de", "DE"),
    ("Schneider Logistik GmbH", "schneider-logistik.de", "DE"),
    ("Becker & Sohn GmbH", "becker-sohn.de", "DE"),
    ("Nordlicht Software AG", "nordlicht.de", "DE"),
    ("Hansa Medizintechnik GmbH", "hansa-med.de", "DE"),
    ("Lefèvre Industries SAS", "lefevre-industries.fr", "FR"),
    ("Dupont Conseil SARL", "dupont-conseil.fr", "FR"),
    ("Atelier Moreau SAS", "atelier-moreau.fr", "FR"),
    ("Rossi Componenti S.r.l.", "rossicomponenti.it", "IT"),
    ("Bianchi Automazione S.p.A.", "bianchi-automazione.it", "IT"),
    ("Van Dijk Trading B.V.", "vandijk-trading.nl", "NL"),
    ("Jansen Food Systems B.V.", "jansenfood.nl", "NL"),
    ("Alpenblick Hotels AG", "alpenblick.ch", "CH"),
    ("Keller Präzision AG", "keller-praezision.ch", "CH"),
    ("Novak Engineering s.r.o.", "novak-eng.cz", "CZ"),
    ("Lindqvist Design AB", "lindqvist.se", "SE"),
]

# JP area code pools (area, len(mid), len(last))
AREA_TOKYO = [("03", 4, 4)] * 6 + [("045", 3, 4), ("048", 3, 4), ("042", 3, 4), ("044", 3, 4)]
AREA_KANSAI = [("06", 4, 4)] * 5 + [("075", 3, 4), ("078", 3, 4), ("072", 3, 4), ("077", 5, 4)]
AREA_ALL = (
    AREA_TOKYO
    + AREA_KANSAI
    + [("052", 3, 4), ("011", 3, 4), ("092", 3, 4), ("022", 3, 4), ("053", 4, 4), ("082", 3, 4)]
)
# 077 with 5-digit mid is wrong; fix 077 (Otsu) to 077-5xx-xxxx
AREA_KANSAI[-1] = ("077", 3, 4)
MOBILE = [("090", 4, 4), ("080", 4, 4), ("070", 4, 4)]


class Phone:
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
        g = list(self.groups)
        if self.trunk_drop and g[0].startswith("0"):
            g[0] = g[0][1:]
        return g


def rand_digits(rng, n, first_nonzero=True):
    s = str(rng.randint(1 if first_nonzero else 0, 9))
    return s + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def jp_phone(rng, pool):
    area, a, b = rng.choice(pool)
    return Phone("81", (area, rand_digits(rng, a), rand_digits(rng, b, False)))


def foreign_phone(rng, country):
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


# ---------------------------------------------------------------------------
# companies / people
# ---------------------------------------------------------------------------
class Company:
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


def make_jp_companies(rng, n, tlds=(".co.jp",) * 5 + (".jp", ".com")):
    bases = rng.sample(JP_BASES, n)
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


class Person:
    def __init__(self, kind, family, given, fam_r=None, giv_r=None, female=False):
        self.kind = kind  # 'jp' (kanji) or 'w' (western)
        self.family = family
        self.given = given
        self.fam_r = fam_r
        self.giv_r = giv_r
        self.female = female

    @property
    def canon(self):
        if self.kind == "jp":
            return self.family + self.given
        return f"{self.given} {self.family}"


def jp_person(rng):
    f, fr = rng.choice(JP_FAMILY)
    g, gr = rng.choice(JP_GIVEN)
    return Person("jp", f, g, fr, gr, g in FEMALE_GIVEN)


def romaji_person(rng):
    """Japanese person written in romaji, given name first (already canonical)."""
    f, fr = rng.choice(JP_FAMILY)
    g, gr = rng.choice(JP_GIVEN)
    return Person("w", fr.capitalize(), gr.capitalize(), fr, gr, g in FEMALE_GIVEN)


def w_person(rng, last_pool=W_LAST):
    female = rng.random() < 0.45
    first = rng.choice(W_FIRST_F if female else W_FIRST_M)
    last = rng.choice(last_pool)
    return Person("w", last, first, last.lower(), first.lower(), female)


def ascii_fold(s):
    s = s.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if ord(ch) < 128).replace(" ", "").replace("'", "").lower()


def make_email(rng, person, company, free_share=0.05):
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


# ---------------------------------------------------------------------------
# renderers: each returns (value, expected) where expected SKIP = not in truth
# ---------------------------------------------------------------------------
ABBR = {
    "株式会社": ["(株)", "（株）", "㈱"],
    "有限会社": ["(有)", "（有）", "㈲"],
    "合同会社": ["(同)", "（同）"],
}


def r_company(rng, c: Company, kind: str, abbr_pool=None):
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


# stage probability defaults
STAGE_PROB = {
    "lead": [5, 10],
    "mql": [10, 10, 20],
    "sql": [20, 20, 30],
    "opportunity": [30, 30, 40],
    "proposal": [40, 50, 50, 60],
    "closing": [60, 70, 80, 80, 90],
    "won": [100],
    "lost": [0],
}
STAGE_DIST = {
    "lead": 10,
    "mql": 8,
    "sql": 8,
    "opportunity": 15,
    "proposal": 15,
    "closing": 12,
    "won": 17,
    "lost": 15,
}


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
    pass


def make_deals(
    rng,
    n,
    companies,
    person_fn,
    created_from,
    created_to,
    as_of,
    amount_fn,
    stage_dist=None,
    close_span=(20, 200),
):
    deals = []
    span = (created_to - created_from).days
    for _ in range(n):
        d = Deal()
        d.company = rng.choice(companies)
        d.person = person_fn(d.company)
        d.created = created_from + dt.timedelta(days=rng.randint(0, span))
        d.stage = pick(rng, stage_dist or STAGE_DIST)
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
        d.prob = rng.choice(STAGE_PROB[d.stage])
        d.amount = amount_fn(d)
        d.created_time = dt.time(rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59))
        d.updated_time = dt.time(rng.randint(8, 21), rng.randint(0, 59), rng.randint(0, 59))
        deals.append(d)
    return deals


# ---------------------------------------------------------------------------
# truth collection & writers
# ---------------------------------------------------------------------------
TRUTH: list[tuple] = []
STATS: dict = {}


class Col:
    def __init__(self, header, field=None, width=12):
        self.header = header
        self.field = field
        self.width = width


def record(fname, sheet, rownum, cols, vals):
    """vals: list aligned with cols of (value, expected) or value."""
    for col, v in zip(cols, vals):
        if col.field is None:
            continue
        value, exp = v
        if value is None or (isinstance(value, str) and value == ""):
            continue
        if exp is SKIP:
            STATS.setdefault(fname, {}).setdefault("skipped", 0)
            STATS[fname]["skipped"] += 1
            continue
        TRUTH.append((fname, sheet, rownum, col.field, raw_of(value), exp))


def cell_value(v):
    if isinstance(v, tuple):
        return v[0]
    return v


class XlsxBook:
    def __init__(self, path):
        self.wb = xlsxwriter.Workbook(
            path,
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        # fixed metadata so that re-running gives byte-identical files
        self.wb.set_properties({"created": dt.datetime(2025, 11, 14, 9, 0, 0), "author": "sales"})
        self.fmt_cache = {}

    def fmt(self, spec):
        if spec is None:
            return None
        key = tuple(sorted(spec.items()))
        if key not in self.fmt_cache:
            self.fmt_cache[key] = self.wb.add_format(spec)
        return self.fmt_cache[key]

    def write(self, ws, r, c, v, default_fmt=None, date_fmt=None, num_fmt=None):
        """r,c zero-based."""
        if isinstance(v, Cell):
            fmt = self.fmt(v.fmt) if isinstance(v.fmt, dict) else None
            v = v.v
        else:
            fmt = None
        if v is None or v == "":
            if default_fmt:
                ws.write_blank(r, c, None, self.fmt(default_fmt))
            return
        if isinstance(v, (dt.datetime, dt.date)):
            ws.write_datetime(r, c, v, fmt or self.fmt(date_fmt or {"num_format": "yyyy/m/d"}))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            ws.write_number(r, c, v, fmt or self.fmt(num_fmt))
        else:
            ws.write_string(r, c, str(v), fmt or self.fmt(default_fmt))

    def close(self):
        self.wb.close()


# ---------------------------------------------------------------------------
# File A: Tokyo enterprise team (xlsx)
# ---------------------------------------------------------------------------
OWNERS_A = [
    ("田中", "健二"),
    ("佐々木", "美穂"),
    ("高田", "翔"),
    ("上野", "真理子"),
    ("大森", "拓海"),
    ("石井", "智也"),
]


def build_a():
    fname = "tokyo_enterprise_FY2025.xlsx"
    rng = random.Random(SEED + 1)
    comps = make_jp_companies(rng, 40)
    en = [Company("en", c, abbrevs=a, domain=d, country=ct) for c, a, d, ct in EN_COMPANIES[:5]]
    pool = comps * 3 + en
    as_of = dt.date(2025, 11, 14)

    def person_fn(c):
        return jp_person(rng) if c.kind == "jp" else w_person(rng)

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

    deals = make_deals(
        rng, 320, pool, person_fn, dt.date(2025, 4, 1), dt.date(2025, 11, 10), as_of, amount_fn
    )
    deals.sort(key=lambda d: d.created)
    owners = [Person("jp", f, g) for f, g in OWNERS_A]
    phones = {}
    products = [
        "勤怠管理SaaS",
        "会計クラウド",
        "ネットワーク保守",
        "PC入替",
        "複合機リース",
        "セキュリティ診断",
        "RPA導入支援",
        "Web会議システム",
    ]
    depts = [
        "情報システム部",
        "総務部",
        "経営企画室",
        "営業本部",
        "管理部",
        "DX推進室",
        "人事部",
        "",
    ]
    vocab = {
        "lead": ["1_リード", "リード", "1.リード"],
        "mql": ["2_MQL", "MQL", "２_MQL"],
        "sql": ["3_SQL", "SQL", "3_SQL "],
        "opportunity": ["4_商談", "商談中", "4_商談（初回訪問済）", "４_商談"],
        "proposal": ["5_提案", "提案済", "５_提案", "5_提案 "],
        "closing": ["6_見積", "見積提出済", "6_見積（交渉中）", "６_見積"],
        "won": ["7_受注", "受注", "7_受注 ", "受注済"],
        "lost": ["9_失注", "失注", "9_失注(競合)", "失注（予算）", "9_失注（時期見送り）"],
    }

    cols = [
        Col("No.", None, 5),
        Col("案件名", None, 28),
        Col("会社名", "company_name", 26),
        Col("部署", None, 14),
        Col("ご担当者", "contact_name", 14),
        Col("メールアドレス", "email", 30),
        Col("TEL", "phone", 16),
        Col("商材", None, 16),
        Col("金額（万円）", "amount", 11),
        Col("受注予定日", "close_date", 12),
        Col("登録日", "created_at", 11),
        Col("更新日", "updated_at", 11),
        Col("フェーズ", "stage", 14),
        Col("確度", "probability", 7),
        Col("担当営業", "owner", 11),
        Col("備考", None, 30),
    ]

    book = XlsxBook(os.path.join(OUT, fname))
    ws = book.wb.add_worksheet("案件一覧")
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)
    title_f = book.fmt({"bold": True, "font_size": 14})
    ws.merge_range(0, 0, 0, len(cols) - 1, "2025年度 案件管理表（東京営業部 第1グループ）", title_f)
    ws.write_string(1, 0, "最終更新：2025/11/14　管理者：営業企画　※金額は万円・税抜")
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
        # company
        k = (
            "clean"
            if rng.random() > 0.18
            else pick(
                rng,
                {
                    "abbr": 32,
                    "abbr_space": 8,
                    "space": 14,
                    "onchu": 18,
                    "pad": 10,
                    "fw": 6,
                    "noform": 6,
                    "sama": 6,
                },
            )
        )
        company = r_company(rng, c, k)
        # contact
        k = (
            "clean"
            if rng.random() > 0.15
            else pick(
                rng, {"sama": 35, "famsama": 15, "title": 15, "sep": 10, "nosep": 15, "pad": 10}
            )
        )
        if p.kind == "w" and k not in ("clean", "sama", "pad"):
            k = rng.choice(["mr", "sama", "comma"])
        contact = r_contact(rng, p, k, house_sep=" ")
        # email
        addr = make_email(rng, p, c)
        k = (
            "clean"
            if rng.random() > 0.15
            else pick(
                rng,
                {
                    "upper": 25,
                    "angle": 20,
                    "fw_at": 15,
                    "pad": 15,
                    "none": 12,
                    "two": 6,
                    "broken": 4,
                    "mailto": 3,
                },
            )
        )
        email = r_email(rng, addr, k, p) if rng.random() > 0.04 else (None, SKIP)
        # phone
        ph = phones.setdefault(c.canon, jp_phone(rng, AREA_TOKYO if c.kind == "jp" else AREA_ALL))
        if rng.random() < 0.15:
            ph = jp_phone(rng, MOBILE)
        k = (
            "hyphen"
            if rng.random() > 0.2
            else pick(
                rng,
                {
                    "paren_area": 14,
                    "fw": 14,
                    "intl_space": 8,
                    "nodash": 14,
                    "lostzero": 14,
                    "ext": 16,
                    "paren_mid": 5,
                    "none": 6,
                    "two": 4,
                    "daihyo": 5,
                },
            )
        )
        phone = r_phone(rng, ph, k)
        # amount (万円)
        man = d.amount / 10000
        exp_amt = num_str(d.amount)
        k = (
            "num"
            if rng.random() > 0.15
            else pick(
                rng,
                {"fw": 20, "man": 22, "comma": 14, "mitei": 20, "approx": 10, "range": 6, "tbd": 8},
            )
        )
        if k == "num":
            amount = (float(man) if man != int(man) else int(man), exp_amt)
        elif k == "fw":
            amount = (zen_digits(num_str(man)), exp_amt)
        elif k == "man":
            amount = (num_str(man) + "万", exp_amt)
        elif k == "comma":
            amount = (f"{int(man):,}" + (".5" if man != int(man) else ""), exp_amt)
        elif k == "mitei":
            amount = ("未定", "")
        elif k == "tbd":
            amount = ("TBD", "")
        elif k == "approx":
            amount = ("約" + num_str(man), SKIP)
        else:
            lo = int(man)
            amount = (f"{lo}〜{lo + rng.choice([50, 100, 200])}", SKIP)
        # close date
        k = (
            "cell"
            if rng.random() > 0.22
            else pick(
                rng,
                {
                    "wareki_dot": 25,
                    "wareki_kanji": 12,
                    "ymd_slash": 18,
                    "ymd_dot": 8,
                    "tbd_jp": 22,
                    "vague_jp": 15,
                },
            )
        )
        if d.stage in ("won", "lost") and k in ("tbd_jp", "vague_jp"):
            k = "wareki_dot"
        close = r_date(rng, d.close, k)
        k = (
            "cell"
            if rng.random() > 0.08
            else pick(rng, {"ymd_slash": 50, "wareki_dot": 30, "kanji": 20})
        )
        created = r_date(rng, d.created, k)
        k = (
            "cell"
            if rng.random() > 0.12
            else pick(rng, {"serial": 45, "ymd_slash": 30, "wareki_dot": 25})
        )
        updated = r_date(rng, d.updated, k)
        # stage
        stage = r_stage(
            rng, d.stage, vocab, house_p=0.85, hold_labels=("保留", "8_保留", "様子見"), hold_p=0.03
        )
        # probability
        k = "pct" if rng.random() > 0.15 else pick(rng, {"str": 40, "fw": 20, "int": 25, "abc": 15})
        if k == "pct":
            prob = (Cell(d.prob / 100, pct_fmt), str(d.prob))
        elif k == "str":
            prob = (f"{d.prob}%", str(d.prob))
        elif k == "fw":
            prob = (zen_digits(f"{d.prob}") + "％", str(d.prob))
        elif k == "int":
            prob = (d.prob, str(d.prob))
        else:
            prob = ("A" if d.prob >= 70 else "B" if d.prob >= 40 else "C", SKIP)
        # owner
        ow = rng.choice(owners)
        k = "nosep" if rng.random() > 0.12 else pick(rng, {"sep": 60, "pad": 25, "fam": 15})
        owner = (ow.family, SKIP) if k == "fam" else r_contact(rng, ow, k, house_sep="")
        name = f"{c.base or c.canon.split()[0]} {rng.choice(products)}"
        note = rng.choice(
            [
                "",
                "",
                "",
                "",
                "決裁者は部長",
                "来期予算で検討",
                "競合：A社",
                "要再訪",
                "Web問合せ経由",
                "展示会リード",
                "見積再提出予定",
            ]
        )
        vals = [
            (idx, SKIP),
            (name, SKIP),
            company,
            (rng.choice(depts), SKIP),
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
        for ci, v in enumerate(vals):
            book.write(ws, r, ci, v[0], date_fmt=date_fmt)
        record(fname, "案件一覧", r + 1, cols, vals)
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
    ws.write_string(r + 2, 0, "※ 確度は担当営業の主観。A/B/Cで書いている行は旧フォーマットの名残。")
    ws.write_string(r + 3, 0, "※ 失注案件は月末に「失注」シートへ移動予定（未対応）。")
    ws.write_string(r + 4, 0, "※ 金額は万円単位、税抜。")
    ws.autofilter(header_row, 0, last_data, len(cols) - 1)

    ws2 = book.wb.add_worksheet("集計")
    ws2.write_string(0, 0, "フェーズ別件数", title_f)
    for i, lab in enumerate(
        ["1_リード", "2_MQL", "3_SQL", "4_商談", "5_提案", "6_見積", "7_受注", "9_失注"]
    ):
        ws2.write_string(i + 2, 0, lab)
        ws2.write_formula(
            i + 2,
            1,
            f'=COUNTIF(案件一覧!M:M,"{lab}*")',
            None,
            sum(1 for x in stage_labels if isinstance(x, str) and x.startswith(lab)),
        )
    ws3 = book.wb.add_worksheet("マスタ")
    ws3.write_string(0, 0, "担当営業")
    for i, o in enumerate(owners):
        ws3.write_string(i + 1, 0, o.canon)
    ws3.write_string(0, 2, "フェーズ")
    for i, lab in enumerate(
        ["1_リード", "2_MQL", "3_SQL", "4_商談", "5_提案", "6_見積", "7_受注", "8_保留", "9_失注"]
    ):
        ws3.write_string(i + 1, 2, lab)
    book.close()
    return fname, {"案件一覧": len(deals)}


# ---------------------------------------------------------------------------
# File B: Osaka branch, legacy .xls (xlwt)
# ---------------------------------------------------------------------------
OWNERS_B = [("中川", "大介"), ("西田", "由紀"), ("北村", "隆之"), ("松井", "恵美"), ("堀", "浩")]


def build_b():
    fname = "osaka_branch_anken.xls"
    rng = random.Random(SEED + 2)
    comps = make_jp_companies(rng, 38)
    as_of = dt.date(2025, 11, 10)
    owners = [Person("jp", f, g) for f, g in OWNERS_B]

    def amount_fn(d):
        sen = rng.choice(
            [rng.randint(5, 90) * 100, rng.randint(300, 9000), rng.randint(10, 300) * 50]
        )
        return Decimal(sen) * 1000

    vocab = {
        "lead": ["新規リード", "リード"],
        "mql": ["MQL"],
        "sql": ["SQL", "SQL(IS確認済)"],
        "opportunity": ["初回訪問済", "ヒアリング済", "初回訪問済み", "商談中"],
        "proposal": ["提案中", "提案済", "提案書提出済"],
        "closing": ["見積提出済", "条件交渉中", "見積提出", "最終見積済"],
        "won": ["受注済", "契約締結", "受注", "受注済み"],
        "lost": ["失注", "失注(他社)", "失注（予算凍結）", "失注（価格）", "失注・他社決定"],
    }
    yomi_map = {"A": 80, "B": 50, "C": 20, "D": 5}

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

    wb = xlwt.Workbook(encoding="utf-8")
    st_date = xlwt.easyxf(num_format_str="yyyy/mm/dd")
    st_num = xlwt.easyxf(num_format_str="#,##0")
    st_hdr = xlwt.easyxf(
        "font: bold on; pattern: pattern solid, fore_colour light_yellow; borders: bottom thin"
    )
    st_title = xlwt.easyxf("font: bold on, height 280")
    st_sect = xlwt.easyxf("font: bold on; pattern: pattern solid, fore_colour gray25")

    def xw(ws, r, c, v, amount_col=False):
        if isinstance(v, Cell):
            v = v.v
        if v is None or v == "":
            return
        if isinstance(v, (dt.datetime, dt.date)):
            ws.write(r, c, v, st_date)
        elif isinstance(v, (int, float)):
            ws.write(r, c, v, st_num if amount_col else xlwt.Style.default_style)
        else:
            ws.write(r, c, v)

    def company_b(c):
        # house habit: abbreviated form (株)/㈱ most of the time
        k = pick(rng, {"abbr": 55, "clean": 27, "onchu": 7, "space": 4, "noform": 4, "pad": 3})
        return r_company(rng, c, k, abbr_pool=["(株)", "(株)", "㈱", "（株）"])

    def contact_b(p):
        k = pick(rng, {"sama_sp": 48, "nosep": 22, "famsama": 15, "sep": 8, "title": 4, "pad": 3})
        if k == "sama_sp":
            return f"{p.family} {p.given} 様", p.canon
        return r_contact(rng, p, k, house_sep=" ")

    def phone_b(ph):
        k = (
            "hyphen"
            if rng.random() > 0.22
            else pick(
                rng,
                {
                    "lostzero": 25,
                    "paren_area": 15,
                    "nodash": 15,
                    "daihyo": 12,
                    "ext": 12,
                    "fw": 10,
                    "none": 6,
                    "two": 5,
                },
            )
        )
        return r_phone(rng, ph, k)

    def amount_b(d):
        sen = d.amount / 1000
        e = num_str(d.amount)
        k = (
            "num"
            if rng.random() > 0.15
            else pick(rng, {"comma": 35, "fw": 20, "dash": 15, "mitei": 15, "sen": 15})
        )
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
        k = (
            "letter"
            if rng.random() > 0.15
            else pick(rng, {"paren": 40, "fw": 25, "lower": 15, "pct": 20})
        )
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
        k = "sep" if rng.random() > 0.12 else pick(rng, {"nosep": 60, "pad": 25, "fam": 15})
        if k == "sep":
            return f"{o.family} {o.given}", o.canon
        if k == "fam":
            return o.family, SKIP
        return r_contact(rng, o, k, house_sep=" ")

    counts = {}
    # ---- sheet 1: current deals
    deals = make_deals(
        rng,
        180,
        comps * 2,
        lambda c: jp_person(rng),
        dt.date(2025, 4, 1),
        dt.date(2025, 11, 5),
        as_of,
        amount_fn,
    )
    deals.sort(key=lambda d: d.created)
    phones = {c.canon: jp_phone(rng, AREA_KANSAI) for c in comps}
    cols = [
        Col("顧客名", "company_name"),
        Col("ご担当", "contact_name"),
        Col("TEL", "phone"),
        Col("E-mail", "email"),
        Col("見込額(千円)", "amount"),
        Col("契約予定", "close_date"),
        Col("作成日", "created_at"),
        Col("最終更新", "updated_at"),
        Col("進捗", "stage"),
        Col("ヨミ", "probability"),
        Col("営業", "owner"),
        Col("メモ"),
    ]
    sname = "案件管理"
    ws = wb.add_sheet(sname)
    for i, w in enumerate([24, 16, 16, 28, 12, 12, 12, 12, 14, 6, 12, 30]):
        ws.col(i).width = 256 * w
    ws.write(0, 0, "大阪支店　案件進捗表（2025年度上期〜）", st_title)
    ws.write(1, 0, "ヨミ基準：A=80%　B=50%　C=20%　D=5%　（受注済はヨミ空欄）")
    for i, c in enumerate(cols):
        ws.write(2, i, c.header, st_hdr)
    r = 3
    cur_month = None
    for d in deals:
        if (d.created.year, d.created.month) != cur_month:
            cur_month = (d.created.year, d.created.month)
            ws.write(r, 0, f"【{d.created.year}年{d.created.month}月登録分】", st_sect)
            r += 1
        c, p = d.company, d.person
        ph = phones[c.canon] if rng.random() > 0.2 else jp_phone(rng, MOBILE)
        addr = make_email(rng, p, c, free_share=0.08)
        if rng.random() < 0.2:
            email = (None, SKIP)
        else:
            k = (
                "clean"
                if rng.random() > 0.15
                else pick(
                    rng, {"mailto": 25, "upper": 20, "pad": 20, "none": 20, "angle": 10, "two": 5}
                )
            )
            email = r_email(rng, addr, k, p)
        k = (
            "cell"
            if rng.random() > 0.2
            else pick(
                rng,
                {"wareki_dot": 30, "wareki_kanji": 15, "tbd_jp": 25, "vague_jp": 15, "serial": 15},
            )
        )
        if d.stage in ("won", "lost") and k in ("tbd_jp", "vague_jp"):
            k = "wareki_dot"
        close = r_date(rng, d.close, k)
        k = "cell" if rng.random() > 0.1 else pick(rng, {"serial": 70, "ymd_slash": 30})
        created = r_date(rng, d.created, k)
        k = (
            "cell"
            if rng.random() > 0.15
            else pick(rng, {"serial": 55, "wareki_dot": 25, "ymd_slash0": 20})
        )
        updated = r_date(rng, d.updated, k)
        stage = r_stage(
            rng,
            d.stage,
            vocab,
            house_p=0.7,
            hold_labels=("保留", "検討中（先方）", "様子見"),
            hold_p=0.05,
        )
        vals = [
            company_b(c),
            contact_b(p),
            phone_b(ph),
            email,
            amount_b(d),
            close,
            created,
            updated,
            stage,
            yomi_b(d),
            owner_b(rng.choice(owners)),
            (
                rng.choice(
                    [
                        "",
                        "",
                        "",
                        "社長決裁",
                        "年明けに再提案",
                        "相見積あり",
                        "紹介案件",
                        "既存顧客・追加",
                    ]
                ),
                SKIP,
            ),
        ]
        for ci, v in enumerate(vals):
            xw(ws, r, ci, v[0], amount_col=(ci == 4))
        record(fname, sname, r + 1, cols, vals)
        r += 1
    ws.write(r + 1, 0, "※見込額は千円単位（税別）")
    ws.write(r + 2, 0, "※月次会議前に更新すること")
    counts[sname] = len(deals)

    # ---- sheet 2: past deals H30-R1
    sname2 = "過去案件(H30〜R1)"
    ws2 = wb.add_sheet(sname2)
    deals2 = make_deals(
        rng,
        70,
        comps,
        lambda c: jp_person(rng),
        dt.date(2018, 6, 1),
        dt.date(2019, 9, 30),
        dt.date(2019, 12, 27),
        amount_fn,
        stage_dist={"won": 55, "lost": 45},
    )
    deals2.sort(key=lambda d: d.created)
    cols2 = [
        Col("顧客名", "company_name"),
        Col("担当者", "contact_name"),
        Col("TEL", "phone"),
        Col("見込額(千円)", "amount"),
        Col("契約日", "close_date"),
        Col("作成日", "created_at"),
        Col("進捗", "stage"),
        Col("ヨミ"),
        Col("営業", "owner"),
    ]
    for i, c in enumerate(cols2):
        ws2.write(0, i, c.header, st_hdr)
    for i, w in enumerate([24, 16, 16, 12, 12, 12, 14, 6, 12]):
        ws2.col(i).width = 256 * w
    r = 1
    for d in deals2:
        c, p = d.company, d.person
        ph = phones[c.canon]
        k = pick(rng, {"wareki_dot": 45, "cell": 30, "wareki_kanji": 15, "wareki_dot0": 10})
        close = r_date(rng, d.close, k)
        k = pick(rng, {"wareki_dot": 40, "cell": 50, "wareki_kanji": 10})
        created = r_date(rng, d.created, k)
        stage = r_stage(rng, d.stage, vocab, house_p=0.6)
        vals = [
            company_b(c),
            contact_b(p),
            phone_b(ph),
            amount_b(d),
            close,
            created,
            stage,
            ("", SKIP),
            owner_b(rng.choice(owners)),
        ]
        for ci, v in enumerate(vals):
            xw(ws2, r, ci, v[0], amount_col=(ci == 3))
        record(fname, sname2, r + 1, cols2, vals)
        r += 1
    counts[sname2] = len(deals2)
    wb.save(os.path.join(OUT, fname))
    return fname, counts


# ---------------------------------------------------------------------------
# File C: English-speaking APAC team (xlsx, CRM export + manual edits)
# ---------------------------------------------------------------------------
OWNERS_C = [
    ("Chen", "Emily", True),
    ("Sato", "Kenji", False),
    ("Nair", "Priya", True),
    ("Becker", "Tom", False),
    ("Mori", "Yuki", True),
    ("O'Neil", "Sean", False),
]


def build_c():
    fname = "APAC_pipeline_export.xlsx"
    rng = random.Random(SEED + 3)
    jp = make_jp_companies(rng, 30, tlds=(".co.jp", ".co.jp", ".jp", ".com"))
    en = [Company("en", c, abbrevs=a, domain=d, country=ct) for c, a, d, ct in EN_COMPANIES]
    pool = jp + en
    as_of = dt.date(2025, 11, 14)
    owners = [Person("w", f, g, female=fe) for f, g, fe in OWNERS_C]
    cur_of = {"US": "USD", "UK": "GBP", "SG": "SGD", "AU": "AUD", "JP": "JPY"}

    def person_fn(c):
        if c.kind == "jp":
            return jp_person(rng) if rng.random() < 0.55 else romaji_person(rng)
        return w_person(rng)

    def amount_fn(d):
        if d.company.kind == "jp":
            return Decimal(rng.choice([rng.randint(5, 300) * 100000, rng.randint(10, 900) * 10000]))
        return Decimal(rng.choice([rng.randint(5, 250) * 1000, rng.randint(10, 500) * 500]))

    deals = make_deals(
        rng, 280, pool, person_fn, dt.date(2025, 1, 6), dt.date(2025, 11, 7), as_of, amount_fn
    )
    deals.sort(key=lambda d: d.close)
    vocab = {
        "lead": ["New Lead", "Lead", "Prospect"],
        "mql": ["MQL", "Marketing Qualified"],
        "sql": ["Sales Qualified", "SQL"],
        "opportunity": ["Discovery Done", "Discovery call done", "First Meeting Held"],
        "proposal": ["Proposal Sent", "Proposal", "Proposal sent"],
        "closing": ["Negotiation", "Quote Sent", "Verbal commit", "Negotiation/Review"],
        "won": ["Closed - Won", "Closed Won", "closed won", "Won"],
        "lost": ["Closed - Lost", "Closed Lost", "Lost - competitor", "closed lost"],
    }
    cols = [
        Col("Opportunity ID", None, 14),
        Col("Opportunity Name", None, 30),
        Col("Account Name", "company_name", 30),
        Col("Primary Contact", "contact_name", 20),
        Col("Contact Email", "email", 32),
        Col("Phone", "phone", 20),
        Col("Amount", "amount", 14),
        Col("Currency", None, 8),
        Col("Close Date", "close_date", 12),
        Col("Created Date", "created_at", 12),
        Col("Last Modified", "updated_at", 16),
        Col("Deal Status", "stage", 16),
        Col("Win Probability", "probability", 10),
        Col("Account Exec", "owner", 14),
        Col("Region", None, 8),
        Col("Next Step", None, 30),
    ]
    book = XlsxBook(os.path.join(OUT, fname))
    ws = book.wb.add_worksheet("Pipeline")
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
        # company
        k = (
            "clean"
            if rng.random() > 0.16
            else pick(
                rng, {"abbr": 40, "pad": 20, "dblspace": 10, "onchu": 10, "noform": 8, "space": 12}
            )
        )
        if c.kind == "en" and k in ("abbr",) and not c.abbrevs:
            k = "pad"
        if c.kind == "en" and k in ("noform", "space"):
            k = "pad"
        if c.kind == "jp" and k == "dblspace":
            k = "space"
        company = r_company(rng, c, k)
        # contact
        if p.kind == "jp":
            k = "nosep" if rng.random() > 0.15 else pick(rng, {"sep": 45, "sama": 35, "pad": 20})
            contact = r_contact(rng, p, k, house_sep="")
        else:
            k = (
                "clean"
                if rng.random() > 0.16
                else pick(rng, {"comma": 35, "mr": 25, "lower": 15, "pad": 15, "firstonly": 10})
            )
            contact = r_contact(rng, p, k)
        addr = make_email(rng, p, c, free_share=0.02)
        k = (
            "clean"
            if rng.random() > 0.16
            else pick(
                rng,
                {
                    "angle": 30,
                    "upper": 25,
                    "mailto": 10,
                    "pad": 10,
                    "none_en": 12,
                    "two": 8,
                    "broken": 5,
                },
            )
        )
        email = r_email(rng, addr, k, p)
        # phone
        if c.kind == "jp":
            ph = phones.setdefault(c.canon, jp_phone(rng, AREA_ALL))
            if rng.random() < 0.15:
                ph = jp_phone(rng, MOBILE)
            k = (
                "intl_hyphen"
                if rng.random() > 0.2
                else pick(
                    rng,
                    {
                        "hyphen": 35,
                        "intl_zero": 15,
                        "ext": 15,
                        "intl_compact": 10,
                        "paren_area": 10,
                        "none": 10,
                        "intl_space": 5,
                    },
                )
            )
            phone = (rng.choice(["n/a", "-", "TBC"]), "") if k == "none" else r_phone(rng, ph, k)
        else:
            ph = phones.setdefault(c.canon, foreign_phone(rng, c.country))
            k = (
                "hyphen"
                if rng.random() > 0.2
                else pick(
                    rng,
                    {
                        "intl_zero": 25,
                        "ext": 20,
                        "us_paren": 20,
                        "intl_compact": 15,
                        "national": 20,
                    },
                )
            )
            phone = r_phone(rng, ph, k)
        # amount
        k = (
            "num"
            if rng.random() > 0.18
            else pick(rng, {"sym": 35, "short": 25, "code": 20, "tbd": 12, "tilde": 8})
        )
        amt = d.amount
        e = num_str(amt)
        sym = {"JPY": "¥", "USD": "$", "GBP": "£", "SGD": "S$", "AUD": "A$"}[cur]
        if k == "num":
            amount = (Cell(int(amt), {"num_format": "#,##0"}), e)
        elif k == "sym":
            amount = (f"{sym}{int(amt):,}", e)
        elif k == "short":
            if cur == "JPY" and amt >= 1000000 and amt % 100000 == 0:
                amount = (rng.choice(["", "¥"]) + num_str(amt / 1000000) + "M", e)
            elif cur != "JPY" and amt % 100 == 0:
                amount = (sym + num_str(amt / 1000) + rng.choice(["k", "K"]), e)
            else:
                amount = (f"{int(amt):,}", e)
        elif k == "code":
            amount = rng.choice([(f"{cur} {int(amt):,}", e), (f"{int(amt):,} {cur}", e)])
        elif k == "tbd":
            amount = (rng.choice(["TBD", "tbd", "TBC"]), "")
        else:
            amount = (f"~{int(amt):,}", SKIP)
        # dates
        k = (
            "cell"
            if rng.random() > 0.2
            else pick(
                rng,
                {
                    "mdy": 30,
                    "mon_d_y": 20,
                    "month_d_y": 8,
                    "ymd_dash": 15,
                    "cell_time": 7,
                    "tbd_en": 10,
                    "vague_en": 10,
                },
            )
        )
        if d.stage in ("won", "lost") and k in ("tbd_en", "vague_en"):
            k = "mdy"
        close = r_date(rng, d.close, k)
        k = "cell" if rng.random() > 0.08 else pick(rng, {"mdy": 50, "ymd_dash": 50})
        created = r_date(rng, d.created, k)
        k = (
            "cell_time"
            if rng.random() > 0.1
            else pick(rng, {"mdy": 40, "mon_d_y": 30, "serial_frac": 30})
        )
        updated = r_date(rng, d.updated, k, t=d.updated_time)
        if k == "cell_time":
            updated = (Cell(updated[0], dtime_fmt), updated[1])
        amount_cells.append(amount[0])
        stage = r_stage(
            rng,
            d.stage,
            vocab,
            house_p=0.8,
            hold_labels=("On Hold", "Stalled", "Nurture"),
            hold_p=0.04,
        )
        k = "pct" if rng.random() > 0.15 else pick(rng, {"str": 45, "int": 35, "str_sp": 20})
        if k == "pct":
            prob = (Cell(d.prob / 100, pct), str(d.prob))
        elif k == "str":
            prob = (f"{d.prob}%", str(d.prob))
        elif k == "int":
            prob = (d.prob, str(d.prob))
        else:
            prob = (f"{d.prob} %", str(d.prob))
        ow = rng.choice(owners)
        k = "clean" if rng.random() > 0.12 else pick(rng, {"comma": 40, "lower": 30, "pad": 30})
        if ow.family == "O'Neil" and k == "lower":
            k = "pad"
        owner = r_contact(rng, ow, k)
        oname = f"{(c.base or c.canon.split()[0])} - " + rng.choice(
            ["Platform", "Renewal FY26", "Expansion", "Pilot", "Enterprise licence", "Add-on seats"]
        )
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
            (
                rng.choice(
                    [
                        "",
                        "Send revised quote",
                        "Exec sponsor meeting",
                        "Legal review",
                        "Security questionnaire",
                        "Wait for budget",
                        "",
                    ]
                ),
                SKIP,
            ),
        ]
        for ci, v in enumerate(vals):
            book.write(ws, r, ci, v[0], date_fmt=date_fmt)
        record(fname, "Pipeline", r + 1, cols, vals)
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
    ws.write_string(
        r + 2, 0, "Exported from CRM 11/14/2025 9:02 AM, then edited manually by the team."
    )
    ws.write_string(r + 3, 0, "Note: amounts are in the deal currency (see Currency column).")
    ws.autofilter(0, 0, r - 2, len(cols) - 1)
    ws2 = book.wb.add_worksheet("Lookups")
    ws2.write_string(0, 0, "Deal Status")
    ws2.write_string(0, 1, "Meaning")
    for j, (k, v) in enumerate(
        [
            ("New Lead", "Contact captured"),
            ("MQL", "Marketing qualified"),
            ("Sales Qualified", "Qualified by SDR"),
            ("Discovery Done", "First meeting held"),
            ("Proposal Sent", "Proposal presented"),
            ("Negotiation", "Quote out, negotiating"),
            ("Closed - Won", "Signed"),
            ("Closed - Lost", "Lost"),
        ]
    ):
        ws2.write_string(j + 1, 0, k)
        ws2.write_string(j + 1, 1, v)
    book.close()
    return fname, {"Pipeline": len(deals)}


# ---------------------------------------------------------------------------
# File D: EU partner team, UTF-8 BOM, ';' delimited, day-first dates
# ---------------------------------------------------------------------------
OWNERS_D = [
    ("Wagner", "Julia", True),
    ("Bianchi", "Marco", False),
    ("Laurent", "Sophie", True),
    ("Watanabe", "Kenji", False),
    ("Hoffmann", "Lena", True),
]


def fmt_eu(n: Decimal, decimals=2, thou="."):
    q = f"{n:,.{decimals}f}"  # 12,500.00
    return q.replace(",", "\x00").replace(".", ",").replace("\x00", thou)


def build_d():
    fname = "eu_partner_deals.csv"
    rng = random.Random(SEED + 4)
    eu = [Company("en", n, domain=d, country=ct) for n, d, ct in EU_COMPANIES]
    jp_en = [
        Company("en", n, domain=d, country="JP")
        for n, d in [
            ("Yamada Denki Co., Ltd.", "yamada-denki.co.jp"),
            ("Toyo System Co., Ltd.", "toyo-sys.co.jp"),
            ("Hokuto Logistics Corporation", "hokuto-logi.co.jp"),
        ]
    ]
    uk = [
        Company("en", c, abbrevs=a, domain=dm, country=ct)
        for c, a, dm, ct in EN_COMPANIES
        if ct == "UK" or c in ("Acme Corporation", "Initech Inc.")
    ]
    pool = eu * 3 + jp_en + uk
    as_of = dt.date(2025, 11, 14)
    owners = [Person("w", f, g, female=fe) for f, g, fe in OWNERS_D]
    cur_of = {
        "DE": "EUR",
        "FR": "EUR",
        "IT": "EUR",
        "NL": "EUR",
        "CZ": "EUR",
        "SE": "EUR",
        "CH": "CHF",
        "UK": "GBP",
        "US": "USD",
        "JP": "JPY",
    }

    def person_fn(c):
        if c.country == "JP":
            return romaji_person(rng)
        return w_person(rng, EU_LAST if c.country not in ("UK", "US") else W_LAST)

    def amount_fn(d):
        base = rng.choice(
            [rng.randint(2, 400) * 250, rng.randint(1000, 90000), rng.randint(5, 150) * 1000]
        )
        if d.company.country == "JP":
            return Decimal(base) * 100
        if rng.random() < 0.2:
            return Decimal(base) + Decimal(rng.choice(["0.50", "0.90", "0.25", "0.99"]))
        return Decimal(base)

    deals = make_deals(
        rng, 170, pool, person_fn, dt.date(2025, 1, 8), dt.date(2025, 11, 10), as_of, amount_fn
    )
    deals.sort(key=lambda d: d.created)
    vocab = {
        "lead": ["Lead", "New lead", "Lead (inbound)"],
        "mql": ["MQL", "Marketing Qualified Lead"],
        "sql": ["SQL", "Sales Qualified Lead"],
        "opportunity": ["Meeting held", "Discovery meeting done", "Demo done"],
        "proposal": ["Proposal", "Proposal presented", "Proposal sent"],
        "closing": ["Quotation sent", "Negotiation", "Offer sent / negotiating"],
        "won": ["Won", "Won / Gewonnen", "Closed won", "Signed"],
        "lost": ["Lost", "Lost (price)", "Lost - competitor", "Lost / Verloren"],
    }
    header = [
        "Deal ID",
        "Partner / Customer",
        "Contact person",
        "E-mail",
        "Telephone",
        "Deal value",
        "Currency",
        "Expected signing",
        "Created on",
        "Last update",
        "Status",
        "Probability",
        "Deal owner",
        "Country",
        "Comment",
    ]
    fields = [
        None,
        "company_name",
        "contact_name",
        "email",
        "phone",
        "amount",
        None,
        "close_date",
        "created_at",
        "updated_at",
        "stage",
        "probability",
        "owner",
        None,
        None,
    ]
    cols = [Col(h, f) for h, f in zip(header, fields)]
    phones = {}
    recs = []
    for i, d in enumerate(deals):
        c, p = d.company, d.person
        cur = cur_of[c.country]
        k = "clean" if rng.random() > 0.12 else pick(rng, {"pad": 50, "dblspace": 30, "abbr": 20})
        if k == "abbr" and not c.abbrevs:
            k = "pad"
        company = r_company(rng, c, k)
        k = (
            "clean"
            if rng.random() > 0.15
            else pick(rng, {"comma": 40, "mr": 15, "herr": 15, "pad": 20, "firstonly": 10})
        )
        if k == "herr" and c.country not in ("DE", "CH"):
            k = "mr"
        contact = r_contact(rng, p, k)
        addr = make_email(rng, p, c, free_share=0.02)
        k = (
            "clean"
            if rng.random() > 0.14
            else pick(rng, {"upper": 35, "angle": 25, "pad": 15, "none_en": 15, "two": 10})
        )
        email = r_email(rng, addr, k, p)
        ph = phones.setdefault(
            c.canon,
            foreign_phone(rng, c.country) if c.country != "JP" else jp_phone(rng, AREA_TOKYO),
        )
        k = (
            "intl_space"
            if rng.random() > 0.2
            else pick(
                rng, {"intl_zero": 30, "intl_00": 25, "intl_hyphen": 15, "national": 20, "none": 10}
            )
        )
        if ph.cc == "81" and k in ("intl_00", "national", "none"):
            k = "intl_hyphen"
        if k == "intl_zero" and not ph.trunk_drop:
            k = "intl_00"
        phone = r_phone(rng, ph, k)
        if k == "national":
            # Country column says where the number is: a careful human adds the code
            phone = (" ".join(ph.groups), ph.e164)
        # amount
        amt = d.amount
        e = num_str(amt)
        sym = {"EUR": "€", "CHF": "CHF", "GBP": "£", "USD": "$", "JPY": "¥"}[cur]
        if cur == "EUR":
            k = (
                "house"
                if rng.random() > 0.2
                else pick(rng, {"pre": 30, "nodec": 25, "space": 15, "plain": 15, "tbd": 15})
            )
            if k == "house":
                amount = (fmt_eu(amt) + " €", e)
            elif k == "pre":
                amount = ("€ " + fmt_eu(amt), e)
            elif k == "nodec" and amt == int(amt) and amt >= 1000000:
                amount = (fmt_eu(amt, 0) + " €", e)  # 1.250.000 € (two dots: unambiguous)
            elif k == "nodec" and amt == int(amt):
                amount = (
                    fmt_eu(amt, 0) + " EUR",
                    SKIP,
                )  # 8.400 EUR: skip, one dot could be misread
            elif k == "space":
                amount = (fmt_eu(amt, 2, thou=" ") + " EUR", e)
            elif k == "plain" and amt == int(amt):
                amount = (str(int(amt)), e)
            elif k == "tbd":
                amount = (rng.choice(["tbd", "TBD", "-"]), "")
            else:
                amount = (fmt_eu(amt) + " €", e)
        elif cur == "CHF":
            amount = (
                (f"CHF {int(amt):,}".replace(",", "'") + (".–" if rng.random() < 0.3 else ""), e)
                if amt == int(amt)
                else (f"CHF {amt:,.2f}".replace(",", "'"), e)
            )
        elif cur in ("GBP", "USD"):
            amount = (f"{sym}{amt:,.2f}", e)
        else:
            amount = (f"¥{int(amt):,}", e)
        # dates: day-first house
        k = (
            "dmy0"
            if rng.random() > 0.25
            else pick(
                rng,
                {
                    "dmy": 40,
                    "dmy_dot": 15,
                    "ymd_dash": 10,
                    "d_mon_y": 10,
                    "dmy_yy": 10,
                    "tbd_en": 15,
                },
            )
        )
        if d.stage in ("won", "lost") and k == "tbd_en":
            k = "dmy"
        close = r_date(rng, d.close, k)
        k = "dmy0" if rng.random() > 0.15 else pick(rng, {"dmy": 60, "dmy_dot": 25, "ymd_dash": 15})
        created = r_date(rng, d.created, k)
        k = "dmy0_t" if rng.random() > 0.15 else pick(rng, {"dmy": 60, "dmy_dot": 40})
        if k == "dmy0_t":
            updated = (
                d.updated.strftime("%d/%m/%Y")
                + f" {d.updated_time.hour:02d}:{d.updated_time.minute:02d}",
                iso(d.updated),
            )
        else:
            updated = r_date(rng, d.updated, k)
        stage = r_stage(
            rng, d.stage, vocab, house_p=0.75, hold_labels=("On hold", "Parked"), hold_p=0.04
        )
        k = "pct" if rng.random() > 0.15 else pick(rng, {"sp": 50, "int": 50})
        prob = (
            (f"{d.prob}%", str(d.prob))
            if k == "pct"
            else ((f"{d.prob} %", str(d.prob)) if k == "sp" else (str(d.prob), str(d.prob)))
        )
        ow = rng.choice(owners)
        k = "clean" if rng.random() > 0.1 else pick(rng, {"comma": 60, "pad": 40})
        owner = r_contact(rng, ow, k)
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
            (
                rng.choice(
                    [
                        "",
                        "",
                        "",
                        "via distributor",
                        "framework agreement",
                        "needs CE docs",
                        "renewal",
                        "price list 2026",
                    ]
                ),
                SKIP,
            ),
        ]
        recs.append(vals)
    # layout: blank line after deal 90, totals + notes at bottom
    out_rows = [header]
    for i, vals in enumerate(recs):
        out_rows.append([cell_value(v) for v in vals])
        record(fname, "", len(out_rows), cols, vals)
        if i == 89:
            out_rows.append([""] * len(header))
    out_rows.append([""] * len(header))
    total = sum((d.amount for d in deals if cur_of[d.company.country] == "EUR"), Decimal(0))
    out_rows.append(["TOTAL EUR", "", "", "", "", fmt_eu(total) + " €"] + [""] * (len(header) - 6))
    out_rows.append(["Note: values excl. VAT; dates are DD/MM/YYYY.", *[""] * (len(header) - 1)])
    with open(os.path.join(OUT, fname), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        for row in out_rows:
            w.writerow(["" if v is None else v for v in row])
    return fname, {"": len(deals)}


# ---------------------------------------------------------------------------
# File E: Kansai dealer network, legacy system CSV export in Shift_JIS (cp932)
# ---------------------------------------------------------------------------
OWNERS_E = [
    ("藤井", "修"),
    ("今村", "沙織"),
    ("川口", "誠司"),
    ("杉山", "亜希子"),
    ("原田", "光"),
    ("野口", "大樹"),
    ("久保", "彩花"),
]


def build_e():
    fname = "kansai_dealer_export_sjis.csv"
    rng = random.Random(SEED + 5)
    comps = make_jp_companies(rng, 48)
    as_of = dt.date(2025, 11, 13)
    owners = [Person("jp", f, g) for f, g in OWNERS_E]

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

    deals = make_deals(
        rng,
        380,
        comps * 2,
        lambda c: jp_person(rng),
        dt.date(2024, 10, 1),
        dt.date(2025, 11, 10),
        as_of,
        amount_fn,
    )
    deals.sort(key=lambda d: (d.created, d.created_time))
    vocab = {
        "lead": ["リード獲得", "リード"],
        "mql": ["MQL", "ＭＱＬ"],
        "sql": ["SQL", "ＳＱＬ"],
        "opportunity": ["商談化", "ヒアリング完了", "初回商談済"],
        "proposal": ["提案書提出", "提案済み", "提案中"],
        "closing": ["見積提出", "価格交渉", "見積提出済", "見積提示・交渉中"],
        "won": ["受注", "受注済", "成約"],
        "lost": ["失注", "失注(競合)", "失注 ( 時期尚早 )", "失注（他社決定）"],
    }
    header = [
        "管理番号",
        "取引先名",
        "取引先担当者",
        "電話番号",
        "メールアドレス",
        "金額",
        "受注予定日",
        "登録日時",
        "更新日時",
        "ステータス",
        "確度(%)",
        "営業担当者",
        "備考",
    ]
    fields = [
        None,
        "company_name",
        "contact_name",
        "phone",
        "email",
        "amount",
        "close_date",
        "created_at",
        "updated_at",
        "stage",
        "probability",
        "owner",
        None,
    ]
    cols = [Col(h, f) for h, f in zip(header, fields)]
    phones = {c.canon: jp_phone(rng, AREA_KANSAI + [("052", 3, 4)]) for c in comps}
    recs = []
    for i, d in enumerate(deals):
        c, p = d.company, d.person
        k = (
            "clean"
            if rng.random() > 0.2
            else pick(
                rng,
                {
                    "abbr": 35,
                    "space": 15,
                    "hwkana": 12,
                    "onchu": 15,
                    "fw": 6,
                    "pad": 7,
                    "noform": 5,
                    "branch": 5,
                },
            )
        )
        company = r_company(rng, c, k, abbr_pool=["㈱", "㈱", "(株)", "（株）"])
        k = (
            "clean"
            if rng.random() > 0.15
            else pick(rng, {"sama": 40, "nosep": 20, "famsama": 15, "title": 10, "pad": 15})
        )
        contact = r_contact(rng, p, k, house_sep="\u3000")
        ph = phones[c.canon] if rng.random() > 0.18 else jp_phone(rng, MOBILE)
        k = (
            "hyphen"
            if rng.random() > 0.25
            else pick(
                rng,
                {
                    "fw": 18,
                    "paren_area": 12,
                    "telpref": 10,
                    "daihyo": 8,
                    "keitai": 6,
                    "ext": 12,
                    "nodash": 10,
                    "lostzero_str": 6,
                    "intl_hyphen": 5,
                    "space": 4,
                    "none": 5,
                    "two": 4,
                },
            )
        )
        if k == "keitai" and ph.groups[0] not in ("090", "080", "070"):
            k = "hyphen"
        phone = r_phone(rng, ph, k)
        addr = make_email(rng, p, c, free_share=0.06)
        k = (
            "clean"
            if rng.random() > 0.18
            else pick(
                rng,
                {
                    "fw_at": 25,
                    "fw_all": 10,
                    "angle": 15,
                    "pad": 15,
                    "upper": 10,
                    "none": 15,
                    "two": 6,
                    "broken": 4,
                },
            )
        )
        email = r_email(rng, addr, k, p) if rng.random() > 0.06 else (None, SKIP)
        amt = d.amount
        e = num_str(amt)
        k = pick(
            rng,
            {
                "yen": 40,
                "plain": 25,
                "man": 10,
                "en": 8,
                "oku": 4,
                "fw": 4,
                "mitei": 5,
                "approx": 2,
                "man_en": 2,
            },
        )
        yen_sign = "￥" if rng.random() < 0.7 else "\\"  # half-width yen is byte 0x5C in Shift_JIS
        if k == "yen":
            amount = (f"{yen_sign}{int(amt):,}", e)
        elif k == "plain":
            amount = (str(int(amt)), e)
        elif k == "man" and amt % 10000 == 0:
            amount = (num_str(amt / 10000) + "万", e)
        elif k == "man_en" and amt % 10000 == 0:
            amount = (num_str(amt / 10000) + "万円", e)
        elif k == "oku" and amt >= 100000000 and amt % 1000000 == 0:
            oku = amt / 100000000
            if (
                amt >= 100000000
                and amt % 100000000 != 0
                and amt % 10000 == 0
                and rng.random() < 0.5
            ):
                amount = (f"{int(amt // 100000000)}億{num_str((amt % 100000000) / 10000)}万円", e)
            else:
                amount = (num_str(oku) + "億", e)
        elif k == "en":
            amount = (f"{int(amt):,}円", e)
        elif k == "fw":
            amount = ("￥" + zen(f"{int(amt):,}"), e)
        elif k == "mitei":
            amount = (rng.choice(["未定", "要見積", "TBD", "別途見積"]), "")
        elif k == "approx":
            amount = (f"約{num_str(amt / 10000)}万", SKIP)
        else:
            amount = (f"{yen_sign}{int(amt):,}", e)
        k = (
            "ymd_slash0"
            if rng.random() > 0.3
            else pick(
                rng,
                {
                    "wareki_dot": 18,
                    "wareki_kanji": 14,
                    "kanji": 14,
                    "fw": 10,
                    "weekday": 10,
                    "ymd_slash": 10,
                    "tbd_jp": 16,
                    "vague_jp": 8,
                },
            )
        )
        if d.stage in ("won", "lost") and k in ("tbd_jp", "vague_jp"):
            k = "kanji"
        close = r_date(rng, d.close, k)
        ct = d.created_time
        k = (
            "house"
            if rng.random() > 0.1
            else pick(rng, {"iso_t": 40, "wareki": 30, "date_only": 30})
        )
        if k == "house":
            created = (d.created.strftime("%Y/%m/%d ") + ct.strftime("%H:%M:%S"), iso(d.created))
        elif k == "iso_t":
            created = (d.created.strftime("%Y-%m-%dT") + ct.strftime("%H:%M:%S"), iso(d.created))
        elif k == "wareki":
            created = (wareki(d.created, "dot") + " " + ct.strftime("%H:%M"), iso(d.created))
        else:
            created = (d.created.strftime("%Y/%m/%d"), iso(d.created))
        k = "house" if rng.random() > 0.1 else pick(rng, {"serial": 40, "date_only": 60})
        if k == "house":
            updated = (
                d.updated.strftime("%Y/%m/%d ") + d.updated_time.strftime("%H:%M"),
                iso(d.updated),
            )
        elif k == "serial":
            updated = (str(serial(d.updated)), iso(d.updated))
        else:
            updated = (f"{d.updated.year}/{d.updated.month}/{d.updated.day}", iso(d.updated))
        stage = r_stage(
            rng, d.stage, vocab, house_p=0.75, hold_labels=("保留", "様子見", "検討中"), hold_p=0.05
        )
        k = "plain" if rng.random() > 0.15 else pick(rng, {"fw": 45, "pct": 45, "blank": 10})
        prob = {
            "plain": (str(d.prob), str(d.prob)),
            "fw": (zen_digits(str(d.prob)), str(d.prob)),
            "pct": (f"{d.prob}%", str(d.prob)),
            "blank": ("", SKIP),
        }[k]
        ow = rng.choice(owners)
        k = (
            "clean"
            if rng.random() > 0.12
            else pick(rng, {"nosep": 50, "sep": 20, "pad": 20, "fam": 10})
        )
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
            (
                rng.choice(
                    [
                        "",
                        "",
                        "",
                        "",
                        "代理店経由",
                        "既存顧客",
                        "展示会",
                        "要フォロー",
                        "紹介（㈱大東倉庫様）",
                    ]
                ),
                SKIP,
            ),
        ]
        recs.append(vals)
    out_rows = [header]
    for vals in recs:
        out_rows.append([cell_value(v) for v in vals])
        record(fname, "", len(out_rows), cols, vals)
    out_rows.append([f"＊＊＊ 出力件数：{len(recs)}件 ＊＊＊"] + [""] * (len(header) - 1))
    with open(os.path.join(OUT, fname), "w", encoding="cp932", newline="") as f:
        w = csv.writer(f, delimiter=",", lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        for row in out_rows:
            w.writerow(["" if v is None else v for v in row])
    return fname, {"": len(deals)}


# ---------------------------------------------------------------------------
# File F: SaaS inside-sales team (xlsx, two header rows, serial update stamps)
# ---------------------------------------------------------------------------
OWNERS_F = [("田中", "健二"), ("小野寺", "葵"), ("長尾", "悠"), ("菅原", "理沙"), ("Lee", "Daniel")]


def build_f():
    fname = "inside_sales_pipeline.xlsx"
    rng = random.Random(SEED + 6)
    jp = make_jp_companies(rng, 45)
    en = [Company("en", c, abbrevs=a, domain=d, country=ct) for c, a, d, ct in EN_COMPANIES[:8]]
    pool = jp * 2 + en
    as_of = dt.date(2025, 11, 14)
    owners = [Person("jp", f, g) if f != "Lee" else Person("w", f, g) for f, g in OWNERS_F]

    def person_fn(c):
        return jp_person(rng) if c.kind == "jp" else w_person(rng)

    def amount_fn(d):
        seats = rng.choice([10, 20, 30, 50, 80, 100, 150, 200, 300, 500])
        unit = rng.choice([1200, 1500, 2000, 2500, 3000])
        return Decimal(seats * unit * 12)

    vocab = {
        "lead": ["Lead", "リード"],
        "mql": ["MQL"],
        "sql": ["SQL", "SQL（IS確認済）"],
        "opportunity": ["商談化", "Demo済", "初回商談済"],
        "proposal": ["提案中", "提案", "Proposal"],
        "closing": ["見積送付", "稟議中", "見積送付済"],
        "won": ["Closed Won", "受注", "Won"],
        "lost": ["Closed Lost", "失注", "Lost"],
    }
    book = XlsxBook(os.path.join(OUT, fname))
    counts = {}
    yen = {"num_format": "¥#,##0"}
    pct = {"num_format": "0%"}

    def row_cells(d, archive=False):
        c, p = d.company, d.person
        k = (
            "clean"
            if rng.random() > 0.15
            else pick(rng, {"abbr": 45, "space": 15, "pad": 15, "noform": 10, "fw": 5, "onchu": 10})
        )
        if c.kind == "en" and k in ("noform", "space", "fw"):
            k = "abbr" if c.abbrevs else "pad"
        company = r_company(rng, c, k, abbr_pool=["（株）", "(株)", "㈱"])
        if p.kind == "jp":
            k = (
                "nosep"
                if rng.random() > 0.15
                else pick(rng, {"sep": 40, "famsama": 30, "sama": 20, "pad": 10})
            )
            contact = r_contact(rng, p, k)
        else:
            k = "clean" if rng.random() > 0.15 else pick(rng, {"comma": 40, "mr": 30, "sama": 30})
            contact = r_contact(rng, p, k)
        addr = make_email(rng, p, c, free_share=0.03)
        k = (
            "clean"
            if rng.random() > 0.13
            else pick(rng, {"upper": 35, "mailto": 25, "pad": 25, "none": 15})
        )
        email = r_email(rng, addr, k, p)
        ph = jp_phone(rng, AREA_TOKYO + MOBILE * 2)
        k = (
            "hyphen"
            if rng.random() > 0.18
            else pick(
                rng,
                {
                    "intl_hyphen": 20,
                    "intl_zero": 10,
                    "lostzero": 25,
                    "nodash": 25,
                    "ext": 10,
                    "fw": 10,
                },
            )
        )
        phone = r_phone(rng, ph, k)
        amt = d.amount
        e = num_str(amt)
        k = (
            "num"
            if rng.random() > 0.14
            else pick(rng, {"man": 35, "yen": 25, "sen": 20, "tbd": 20})
        )
        if k == "num":
            amount = (Cell(int(amt), yen), e)
        elif k == "man" and amt % 10000 == 0:
            amount = (num_str(amt / 10000) + "万", e)
        elif k == "man":
            amount = (num_str(amt / 10000) + "万円", e)
        elif k == "yen":
            amount = (f"¥{int(amt):,}", e)
        elif k == "sen" and amt % 1000 == 0:
            amount = (f"{int(amt / 1000):,}千円", e)
        elif k == "tbd":
            amount = (rng.choice(["TBD", "未定", "見積中"]), "")
        else:
            amount = (Cell(int(amt), yen), e)
        k = (
            "cell"
            if rng.random() > 0.18
            else pick(rng, {"ymd_slash": 40, "tbd_jp": 30, "vague_jp": 20, "ymd_dash": 10})
        )
        if d.stage in ("won", "lost") and k in ("tbd_jp", "vague_jp"):
            k = "ymd_slash"
        close = r_date(rng, d.close, k)
        created = r_date(rng, d.created, "cell_time", t=d.created_time)
        created = (Cell(created[0], {"num_format": "yyyy-mm-dd hh:mm"}), created[1])
        k = "serial_frac" if rng.random() > 0.1 else pick(rng, {"dt_iso_t": 50, "dt_str_s": 50})
        updated = r_date(rng, d.updated, k)
        stage = r_stage(
            rng, d.stage, vocab, house_p=0.8, hold_labels=("Nurture", "保留"), hold_p=0.04
        )
        k = "pct" if rng.random() > 0.15 else pick(rng, {"str": 60, "int": 40})
        prob = {
            "pct": (Cell(d.prob / 100, pct), str(d.prob)),
            "str": (f"{d.prob}%", str(d.prob)),
            "int": (d.prob, str(d.prob)),
        }[k]
        ow = rng.choice(owners)
        if ow.kind == "jp":
            k = "nosep" if rng.random() > 0.15 else pick(rng, {"sep": 50, "pad": 20, "slack": 30})
            owner = (
                (
                    "@"
                    + {"田中": "tanaka", "小野寺": "onodera", "長尾": "nagao", "菅原": "sugawara"}[
                        ow.family
                    ],
                    SKIP,
                )
                if k == "slack"
                else r_contact(rng, ow, k)
            )
        else:
            k = "clean" if rng.random() > 0.15 else pick(rng, {"comma": 50, "pad": 50})
            owner = r_contact(rng, ow, k)
        return company, contact, email, phone, amount, close, created, updated, stage, prob, owner

    # ---- Pipeline sheet: two header rows (JP + EN)
    deals = make_deals(
        rng,
        220,
        pool,
        person_fn,
        dt.date(2025, 5, 1),
        dt.date(2025, 11, 12),
        as_of,
        amount_fn,
        stage_dist={
            "lead": 14,
            "mql": 12,
            "sql": 12,
            "opportunity": 17,
            "proposal": 14,
            "closing": 11,
            "won": 10,
            "lost": 10,
        },
    )
    deals.sort(key=lambda d: (d.created, d.created_time), reverse=True)
    jp_h = [
        "会社名",
        "担当者",
        "メール",
        "電話番号",
        "ACV(円)",
        "クローズ予定",
        "作成日時",
        "更新日時",
        "ステージ",
        "受注確度",
        "オーナー",
        "流入元",
        "メモ",
    ]
    en_h = [
        "Company",
        "Contact",
        "Email",
        "Phone",
        "ACV (JPY)",
        "Close Date",
        "Created At",
        "Updated At",
        "Stage",
        "Probability",
        "Owner",
        "Lead Source",
        "Memo",
    ]
    fields = [
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
        None,
        None,
    ]
    cols = [Col(h, f) for h, f in zip(jp_h, fields)]
    ws = book.wb.add_worksheet("Pipeline")
    for i, w in enumerate([28, 14, 30, 16, 12, 12, 16, 12, 12, 8, 12, 14, 30]):
        ws.set_column(i, i, w)
    h1 = book.fmt({"bold": True, "bg_color": "#FCE4D6"})
    h2 = book.fmt({"italic": True, "font_color": "#7F7F7F", "bg_color": "#FCE4D6"})
    for i in range(len(jp_h)):
        ws.write_string(0, i, jp_h[i], h1)
        ws.write_string(1, i, en_h[i], h2)
    ws.freeze_panes(2, 1)
    r = 2
    for d in deals:
        cells = row_cells(d)
        src = rng.choice(
            ["Web問い合わせ", "ウェビナー", "展示会", "紹介", "アウトバウンド", "資料DL", "Partner"]
        )
        memo = rng.choice(
            [
                "",
                "",
                "",
                "決裁者同席済み",
                "トライアル中",
                "競合: X社",
                "次回デモ 来週",
                "予算確保済",
            ]
        )
        vals = list(cells) + [(src, SKIP), (memo, SKIP)]
        for ci, v in enumerate(vals):
            book.write(ws, r, ci, v[0], date_fmt={"num_format": "yyyy-mm-dd"})
        record(fname, "Pipeline", r + 1, cols, vals)
        r += 1
    counts["Pipeline"] = len(deals)
    ws.autofilter(1, 0, r - 1, len(jp_h) - 1)

    # ---- Archive 2024: single header, different column order, closed deals only
    deals2 = make_deals(
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
    hdr2 = [
        "Stage",
        "会社名",
        "担当者",
        "Email",
        "TEL",
        "ACV",
        "受注/失注日",
        "作成日",
        "最終更新",
        "確度",
        "担当",
    ]
    f2 = [
        "stage",
        "company_name",
        "contact_name",
        "email",
        "phone",
        "amount",
        "close_date",
        "created_at",
        "updated_at",
        "probability",
        "owner",
    ]
    cols2 = [Col(h, f) for h, f in zip(hdr2, f2)]
    ws2 = book.wb.add_worksheet("Archive 2024")
    for i, h in enumerate(hdr2):
        ws2.write_string(0, i, h, h1)
    r = 1
    for d in deals2:
        company, contact, email, phone, amount, close, created, updated, stage, prob, owner = (
            row_cells(d, True)
        )
        vals = [stage, company, contact, email, phone, amount, close, created, updated, prob, owner]
        for ci, v in enumerate(vals):
            book.write(ws2, r, ci, v[0], date_fmt={"num_format": "yyyy-mm-dd"})
        record(fname, "Archive 2024", r + 1, cols2, vals)
        r += 1
    counts["Archive 2024"] = len(deals2)
    ws3 = book.wb.add_worksheet("README")
    for i, t in enumerate(
        [
            "このブックはHubSpotからのエクスポートを手で加工したもの。",
            "更新日時はエクスポート時にシリアル値になってしまっている（要修正）。",
            "ACVは年額・税抜・円。",
            "Archive 2024 は2024年にクローズした案件のみ。",
        ]
    ):
        ws3.write_string(i, 0, t)
    book.close()
    return fname, counts


# ---------------------------------------------------------------------------
def main():
    os.makedirs(OUT, exist_ok=True)
    TRUTH.clear()
    STATS.clear()
    results = [build_a(), build_b(), build_c(), build_d(), build_e(), build_f()]
    with open(os.path.join(OUT, "truth_values.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "sheet", "row", "field", "raw", "expected"])
        for t in TRUTH:
            w.writerow(t)
    print("files:")
    for fname, counts in results:
        print(
            f"  {fname}: " + ", ".join(f"{k or '(csv)'}={v}" for k, v in counts.items()),
            "total",
            sum(counts.values()),
        )
    print("truth cells:", len(TRUTH))
    per = {}
    for t in TRUTH:
        per[t[3]] = per.get(t[3], 0) + 1
    for fld in FIELDS:
        print(f"  {fld}: {per.get(fld, 0)}")


if __name__ == "__main__":
    main()
