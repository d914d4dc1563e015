"""Generate the messy sample deal trackers of sample_data/ and their ground truth.

Writes the trackers three sales teams really keep (a Japanese East tracker in 万円 with a
title block, subtotals and a pasted block; an English West pipeline with a two-row header;
a Kansai list with every phone, e-mail and amount shape), an old CRM export in Shift_JIS
and a marketing lead export in UTF-8 with BOM. The same companies, contacts and deals
appear across files typed differently. The truth goes to sample_data/truth/:

- entities.csv: for every data row, the company, contact and deal entity it belongs to;
- layout.json: per file and sheet, its kind, header row, data rows and header -> field;
- values.csv: raw cell -> expected canonical value, to measure normalisation accuracy.

Deterministic: a fixed seed, fixed "as of" dates (never today's), fixed document
properties and zip timestamps. Run it twice and every file is byte-identical.

    .venv/bin/python sample_data/generate.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from trackerkit import vocab  # noqa: E402
from trackerkit.dates import reiwa  # noqa: E402
from trackerkit.draw import pick  # noqa: E402
from trackerkit.sheet import Fmt, Formula, Sheet, column_index, layout_entry, raw_text  # noqa: E402
from trackerkit.text import hankaku_kana, num_text, zen  # noqa: E402
from trackerkit.writers import repack_zip, write_rows, write_sheets  # noqa: E402

HERE = Path(__file__).resolve().parent
SEED = 20260327
AS_OF = date(2026, 3, 27)  # the day the trackers were last touched
CRM_AS_OF = date(2025, 12, 19)  # the day the old CRM was exported
FY_START = date(2025, 4, 1)
FIXED_TIME = datetime(2026, 3, 27, 18, 0, 0)
ZIP_TIME = (2026, 3, 27, 18, 0, 0)

# --------------------------------------------------------------------------- vocabulary

# The names, places and products all five trackers share, and each tracker's header words,
# stage words and messy-cell habits, are data (bench/trackerkit/vocab/sample/*.yaml).
WORLD = vocab.load(
    "sample/world",
    keys=["surnames", "given_names", "foreign_names", "name_first", "name_second"]
    + ["special_companies", "foreign_companies", "places", "departments", "titles_ja"]
    + ["titles_en", "products", "next_actions_ja", "next_actions_en", "lost_reasons"]
    + ["lead_sources_ja", "lead_sources_en", "reps"],
)
TRACKERS = vocab.load(
    "sample/trackers",
    keys=["stage_order", "open_stages", "files", "headers", "west_groups", "stages"]
    + ["west_prob", "rank_percent", "east_notes", "kansai_memo", "ma_sources", "shapes"],
)
SURNAMES, GIVEN_NAMES, FOREIGN_NAMES = (
    WORLD["surnames"],
    WORLD["given_names"],
    WORLD["foreign_names"],
)
NAME_FIRST, NAME_SECOND, PLACES = WORLD["name_first"], WORLD["name_second"], WORLD["places"]
SPECIAL_COMPANIES, FOREIGN_COMPANIES = WORLD["special_companies"], WORLD["foreign_companies"]
DEPARTMENTS, TITLES_JA, TITLES_EN = WORLD["departments"], WORLD["titles_ja"], WORLD["titles_en"]
PRODUCTS, LOST_REASONS = WORLD["products"], WORLD["lost_reasons"]
NEXT_ACTIONS_JA, NEXT_ACTIONS_EN = WORLD["next_actions_ja"], WORLD["next_actions_en"]
LEAD_SOURCES_JA, LEAD_SOURCES_EN = WORLD["lead_sources_ja"], WORLD["lead_sources_en"]
STAGE_ORDER, OPEN_STAGES = TRACKERS["stage_order"], TRACKERS["open_stages"]
FILES, HEADERS, STAGES = TRACKERS["files"], TRACKERS["headers"], TRACKERS["stages"]
SHAPES = TRACKERS["shapes"]  # {cell kind: {shape: weight}}: how often each messy shape appears


@dataclass
class Rep:
    last: str
    first: str
    kana: str
    last_rom: str
    first_rom: str
    team: str
    ext: str

    @property
    def name(self) -> str:
        return f"{self.last} {self.first}"

    @property
    def email(self) -> str:
        return f"{self.first_rom[0].lower()}.{self.last_rom.lower()}@hoshizora-sol.co.jp"


REPS = [Rep(*rep) for rep in WORLD["reps"]]
TEAM_REPS = {
    "east": REPS[0:5],
    "kansai": REPS[5:8],
    "west": REPS[8:11],
}

# --------------------------------------------------------------------------- entities


@dataclass
class Company:
    id: str
    base: str
    kana: str
    romaji: str
    legal: str
    legal_first: bool
    industry: str
    domain: str
    region: str
    en_name: str
    address: str = ""
    postal: str = ""
    phone: str = ""
    foreign: bool = False
    kansai_branch: bool = False
    lead_only: bool = False
    contacts: list[Contact] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The official Japanese name (the expected clean display name)."""
        return f"{self.legal}{self.base}" if self.legal_first else f"{self.base}{self.legal}"

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}/"


@dataclass
class Contact:
    id: str
    company: Company
    last: str
    first: str
    last_kana: str
    first_kana: str
    last_rom: str
    first_rom: str
    title: str
    dept: str
    email: str
    phone: str
    mobile: str
    foreign: bool = False

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}" if self.foreign else f"{self.last} {self.first}"

    @property
    def kana(self) -> str:
        return f"{self.last_kana} {self.first_kana}"

    @property
    def romaji(self) -> str:
        return f"{self.first_rom} {self.last_rom}"


@dataclass
class Snapshot:
    stage: str
    close: date
    amount: int
    updated: datetime
    probability: int


@dataclass
class Deal:
    id: str
    company: Company
    contact: Contact | None
    product: tuple[str, str, int, int]
    name_ja: str
    name_en: str
    amount: int
    currency: str
    stage: str
    close: date
    created: date
    updated: datetime
    owner: Rep
    team: str
    lead_source: int
    next_action: int
    next_date: date | None
    lost_reason: str
    also: list[str] = field(default_factory=list)
    crm: Snapshot | None = None
    historical: bool = False


# --------------------------------------------------------------------------- text helpers


def e164(national: str) -> str:
    digits = "".join(c for c in national if c.isdigit())
    return "+81" + digits[1:]


def man(amount: float) -> str:
    """Yen -> 万 as typed: 1200000 -> '120', 1525000 -> '152.5'."""
    return num_text(round(amount / 10000, 4))


# --------------------------------------------------------------------------- the universe


class Universe:
    """All companies, contacts, deals and leads, drawn from one seeded random generator."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.companies: list[Company] = []
        self.contacts: list[Contact] = []
        self.deals: list[Deal] = []
        self._phones: set[str] = set()
        self._emails: set[str] = set()
        self._make_companies()
        self._make_contacts()
        self._make_deals()

    # companies ---------------------------------------------------------------
    def _place(self, region: str) -> tuple[str, str, str]:
        rng = self.rng
        pref, city, town, postal, area, _ = rng.choice([p for p in PLACES if p[5] == region])
        chome = f"{rng.randint(1, 5)}-{rng.randint(1, 20)}-{rng.randint(1, 30)}"
        address = f"{pref}{city}{town}{chome}"
        if rng.random() < 0.4:
            address += (
                f" {rng.choice(['第一', '第二', 'センター', 'スクエア'])}ビル{rng.randint(2, 15)}F"
            )
        return address, f"{postal}{rng.randint(10, 99)}", self._phone(area)

    def _phone(self, area: str) -> str:
        rng = self.rng
        while True:
            if len(area) == 2:
                p = f"{area}-{rng.randint(3000, 6999)}-{rng.randint(0, 9999):04d}"
            elif len(area) == 3:
                p = f"{area}-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
            else:
                p = f"{area}-{rng.randint(20, 99)}-{rng.randint(0, 9999):04d}"
            if p not in self._phones:
                self._phones.add(p)
                return p

    def _mobile(self) -> str:
        rng = self.rng
        while True:
            p = f"{rng.choice(['090', '080', '070'])}-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}"
            if p not in self._phones:
                self._phones.add(p)
                return p

    def _add_company(self, **kw: Any) -> Company:
        co = Company(id=f"CO{len(self.companies) + 1:03d}", **kw)
        region = "east" if co.region == "foreign" else co.region
        co.address, co.postal, co.phone = self._place(region)
        if self.rng.random() < 0.12:
            co.phone = f"0120-{self.rng.randint(100, 999)}-{self.rng.randint(100, 999)}"
        self.companies.append(co)
        return co

    def _make_companies(self) -> None:
        rng = self.rng
        for base, kana, rom, legal, first, industry, domain, region, en in SPECIAL_COMPANIES:
            self._add_company(
                base=base,
                kana=kana,
                romaji=rom,
                legal=legal,
                legal_first=first,
                industry=industry,
                domain=domain,
                region=region,
                en_name=en,
            )
        for en, kana, legal, domain in FOREIGN_COMPANIES:
            self._add_company(
                base=kana,
                kana=kana,
                romaji=en,
                legal="株式会社" if legal == "K.K." else "合同会社",
                legal_first=False,
                industry=rng.choice(["情報通信業", "医薬品", "物流", "製造業", "小売業"]),
                domain=domain,
                region="foreign",
                en_name=f"{en} {legal}",
                foreign=True,
            )
        used = {c.base for c in self.companies}
        pairs = [(a, b) for a in NAME_FIRST for b in NAME_SECOND]
        rng.shuffle(pairs)
        made = 0
        for first, second in pairs:
            base = first[0] + second[0]
            if base in used or made >= 58:
                continue
            used.add(base)
            made += 1
            region = "east" if made % 5 in (0, 1, 2) else "kansai"
            legal, legal_first = pick(
                rng,
                [
                    (("株式会社", True), 50),
                    (("株式会社", False), 38),
                    (("有限会社", False), 7),
                    (("合同会社", False), 5),
                ],
            )
            rom = f"{first[2]} {second[2]}"
            domain = f"{first[2].lower()}-{second[2].lower().replace(' ', '')}.co.jp"
            suffix = {"株式会社": "Co., Ltd.", "有限会社": "Ltd.", "合同会社": "LLC"}[legal]
            co = self._add_company(
                base=base,
                kana=first[1] + second[1],
                romaji=rom,
                legal=legal,
                legal_first=legal_first,
                industry=second[3],
                domain=domain,
                region=region,
                en_name=f"{first[2]} {second[4]} {suffix}",
            )
            co.lead_only = made > 46  # the last dozen only show up as marketing leads
        east = [c for c in self.companies if c.region == "east" and not c.lead_only]
        for co in rng.sample(east, 7):
            co.kansai_branch = True  # HQ in Tokyo, a branch the Kansai team also sells to

    # contacts ----------------------------------------------------------------
    def _email(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        n = 2
        while email in self._emails:
            email = f"{local}{n}@{domain}"
            n += 1
        self._emails.add(email)
        return email

    def _make_contacts(self) -> None:
        rng = self.rng
        for co in self.companies:
            n = pick(rng, [(1, 3), (2, 4), (3, 3), (4, 1)])
            pattern = rng.randrange(5)
            for _ in range(n):
                if co.foreign and rng.random() < 0.6:
                    first, last = rng.choice(FOREIGN_NAMES)
                    ct = Contact(
                        id="",
                        company=co,
                        last=last,
                        first=first,
                        last_kana="",
                        first_kana="",
                        last_rom=last,
                        first_rom=first,
                        title=rng.choice(TITLES_EN),
                        dept="",
                        email="",
                        phone="",
                        mobile="",
                        foreign=True,
                    )
                else:
                    sn, gn = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
                    ct = Contact(
                        id="",
                        company=co,
                        last=sn[0],
                        first=gn[0],
                        last_kana=sn[1],
                        first_kana=gn[1],
                        last_rom=sn[2],
                        first_rom=gn[2],
                        title=rng.choice(TITLES_JA),
                        dept=rng.choice(DEPARTMENTS),
                        email="",
                        phone="",
                        mobile="",
                    )
                f, last = ct.first_rom.lower(), ct.last_rom.lower()
                local = [f"{f}.{last}", f"{f[0]}.{last}", last, f"{last}-{f[0]}", f"{last}.{f}"][
                    pattern
                ]
                ct.email = self._email(local, co.domain)
                area = co.phone.split("-")[0] if not co.phone.startswith("0120") else "03"
                ct.phone = self._phone(area) if rng.random() < 0.5 else co.phone
                ct.mobile = self._mobile() if rng.random() < 0.55 else ""
                ct.id = f"CT{len(self.contacts) + 1:04d}"
                co.contacts.append(ct)
                self.contacts.append(ct)

    # deals -------------------------------------------------------------------
    def _amount(self, product: tuple[str, str, int, int]) -> int:
        rng = self.rng
        lo, hi = product[2], product[3]
        x = lo * (hi / lo) ** rng.random()
        step = (
            5000
            if x < 2_000_000 and rng.random() < 0.3
            else 10_000
            if x < 20_000_000
            else 1_000_000
        )
        return max(step, int(round(x / step)) * step)

    def _final_stage(self, close: date) -> str:
        if close < AS_OF:
            return pick(
                self.rng,
                [("won", 55), ("lost", 28), ("closing", 10), ("proposal", 5), ("opportunity", 2)],
            )
        return pick(
            self.rng,
            [("opportunity", 30), ("proposal", 30), ("closing", 25), ("won", 8), ("lost", 7)],
        )

    def _deal(self, co: Company, team: str, close: date, stage: str | None = None) -> Deal:
        rng = self.rng
        product = rng.choice(PRODUCTS)
        contact = rng.choice(co.contacts) if co.contacts and rng.random() < 0.9 else None
        stage = stage or self._final_stage(close)
        created = close - timedelta(days=rng.randint(35, 220))
        last_touch = min(AS_OF, close + timedelta(days=rng.randint(0, 10)))
        upd_day = created + timedelta(days=rng.randint(0, max(0, (last_touch - created).days)))
        updated = datetime(
            upd_day.year,
            upd_day.month,
            upd_day.day,
            rng.randint(8, 20),
            rng.randint(0, 59),
            rng.randint(0, 59),
        )
        short = co.base
        kind = rng.randrange(4)
        name_ja = [
            f"{short} {product[0]} 導入",
            f"{product[0]} 追加ライセンス（{rng.choice([10, 20, 50, 100])}名）",
            f"{product[0]} 更新 {close.year}",
            f"{short}様 {product[0]} 導入支援",
        ][kind]
        name_en = [
            f"{co.romaji} - {product[1]} rollout",
            f"{product[1]} add-on licenses",
            f"{product[1]} renewal {close.year}",
            f"{product[1]} implementation",
        ][kind]
        amount = self._amount(product)
        if team == "kansai" and product is PRODUCTS[-1]:  # Kansai's big data-platform accounts
            amount = rng.choice([80, 120, 150, 230, 300]) * 1_000_000
        currency = "JPY"
        if team == "west" and co.foreign and rng.random() < 0.22:
            currency = "USD"
            amount = int(round(amount / 150 / 500)) * 500 or 5000
        next_date = None
        if stage in OPEN_STAGES and rng.random() < 0.75:
            next_date = AS_OF + timedelta(days=rng.randint(-20, 45))
        deal = Deal(
            id=f"DL{len(self.deals) + 1:04d}",
            company=co,
            contact=contact,
            product=product,
            name_ja=name_ja,
            name_en=name_en,
            amount=amount,
            currency=currency,
            stage=stage,
            close=close,
            created=created,
            updated=updated,
            owner=rng.choice(TEAM_REPS[team]),
            team=team,
            lead_source=rng.randrange(6),
            next_action=rng.randrange(9),
            next_date=next_date,
            lost_reason=rng.choice(LOST_REASONS) if stage == "lost" and rng.random() < 0.7 else "",
        )
        self.deals.append(deal)
        return deal

    def _close_date(self, start: date, end: date) -> date:
        d = start + timedelta(days=self.rng.randint(0, (end - start).days))
        if self.rng.random() < 0.45:  # many teams plan on month ends
            nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
            d = nxt - timedelta(days=1)
        return d

    def _make_deals(self) -> None:
        rng = self.rng
        active = [c for c in self.companies if not c.lead_only and c.contacts]
        pools = {
            "east": [c for c in active if c.region == "east"]
            + [c for c in active if c.foreign][:4],
            "kansai": [c for c in active if c.region == "kansai" or c.kansai_branch],
            "west": [c for c in active if c.foreign] * 3
            + rng.sample([c for c in active if not c.foreign], 8),
        }
        counts = {"east": 175, "kansai": 140, "west": 125}
        for team in ("east", "kansai", "west"):
            for _ in range(counts[team]):
                co = rng.choice(pools[team])
                self._deal(co, team, self._close_date(date(2025, 10, 1), date(2026, 9, 30)))
        # historical deals (closed in FY2025 first half): only in the old CRM and the Kansai results
        for team, n in (("east", 30), ("kansai", 44), ("west", 12)):
            for _ in range(n):
                co = rng.choice(pools[team])
                close = self._close_date(date(2025, 4, 1), date(2025, 9, 30))
                deal = self._deal(co, team, close, pick(rng, [("won", 65), ("lost", 35)]))
                deal.historical = True
        current = [d for d in self.deals if not d.historical]
        # joint deals: the East team co-sells with Kansai (branch accounts) and with West (global accounts)
        kansai_joint = [d for d in current if d.team == "east" and d.company.kansai_branch]
        for d in rng.sample(kansai_joint, min(9, len(kansai_joint))):
            d.also.append("kansai")
        west_joint = [
            d for d in current if d.team == "west" and d.company.foreign and d.currency == "JPY"
        ]
        for d in rng.sample(west_joint, 8):
            d.also.append("east")
        # the old CRM export holds a snapshot of every deal that existed then
        for d in self.deals:
            if d.created <= CRM_AS_OF - timedelta(days=7) and (d.historical or rng.random() < 0.75):
                d.crm = self._snapshot(d)

    def _snapshot(self, d: Deal) -> Snapshot:
        rng = self.rng
        if d.stage in ("won", "lost") and d.close <= CRM_AS_OF:
            stage, close = d.stage, d.close
        else:
            top = (
                STAGE_ORDER.index(d.stage)
                if d.stage in OPEN_STAGES
                else STAGE_ORDER.index("closing")
            )
            stage = STAGE_ORDER[rng.randint(STAGE_ORDER.index("sql"), top)]
            close = d.close - timedelta(days=rng.choice([0, 0, 0, 14, 30, 45, 61]))
        amount = d.amount
        if stage != d.stage and rng.random() < 0.35:
            amount = max(10000, int(round(d.amount * rng.uniform(0.75, 1.25) / 10000)) * 10000)
        upd = min(
            CRM_AS_OF,
            max(
                d.created,
                d.close
                if stage in ("won", "lost")
                else d.created + timedelta(days=rng.randint(3, 120)),
            ),
        )
        updated = datetime(
            upd.year, upd.month, upd.day, rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59)
        )
        prob = {"sql": 10, "opportunity": 20, "proposal": 50, "closing": 80, "won": 100, "lost": 0}[
            stage
        ]
        return Snapshot(stage, close, amount, updated, prob)


# --------------------------------------------------------------------------- messy cell shapes


def date_ja(
    rng: random.Random, d: date | None, weights: list[tuple[str, float]] | None = None
) -> tuple[Any, str | None]:
    """A Japanese tracker's date cell and its expected ISO value (None: do not score it)."""
    if d is None:
        return None, None
    style = pick(
        rng,
        weights or SHAPES["date_ja"],
    )
    iso = d.isoformat()
    if style == "cell":
        return d, iso
    if style == "wareki_cell":
        return Fmt(d, '[$-411]ggge"年"m"月"d"日"'), iso
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}", iso
    if style == "pad":
        return f"{d.year}/{d.month:02d}/{d.day:02d}", iso
    if style == "r_dot":
        return f"R{reiwa(d)}.{d.month}.{d.day}", iso
    if style == "reiwa":
        return f"令和{reiwa(d)}年{d.month}月{d.day}日", iso
    if style == "fw":
        return zen(f"{d.year}/{d.month}/{d.day}"), iso
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}", iso
    if style == "kanji":
        return f"{d.year}年{d.month}月{d.day}日", iso
    if style == "serial":  # pasted as values: the serial number lost its date format
        return (d - date(1899, 12, 30)).days, iso
    if style == "month_end":  # no year: ambiguous, not scored
        return f"{d.month}月末", None
    return rng.choice(["未定", "調整中", "TBD"]), ""


def date_us(rng: random.Random, d: date | None) -> tuple[Any, str | None]:
    """A US-style tracker's date cell (month first) and its expected ISO value."""
    if d is None:
        return None, None
    style = pick(rng, SHAPES["date_us"])
    iso = d.isoformat()
    if style == "cell":
        return d, iso
    if style == "us":
        return f"{d.month}/{d.day}/{d.year}", iso
    if style == "mon":
        return d.strftime("%b ") + f"{d.day}, {d.year}", iso
    if style == "iso":
        return iso, iso
    if style == "dmy":
        return f"{d.day}-{d.strftime('%b')}-{d.year}", iso
    if style == "us2":
        return f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}", iso
    return rng.choice(["TBD", "Q3?", "tbd"]), ""


def phone_cell(rng: random.Random, national: str, mobile: bool = False) -> tuple[Any, str]:
    """A phone number in one of the shapes people type; expected E.164."""
    if not national:
        return None, ""
    exp = e164(national)
    a, b, c = national.split("-")
    style = pick(
        rng, SHAPES["phone"] if mobile else {**SHAPES["phone"], **SHAPES["phone_landline"]}
    )
    digits = a + b + c
    if style == "hyphen":
        return national, exp
    if style == "plain":
        return digits, exp
    if style == "paren_area":
        return f"({a}){b}-{c}", exp
    if style == "paren_mid":
        return f"{a}({b}){c}", exp
    if style == "fw":
        return zen(national).replace("－", "−"), exp
    if style == "fw_choon":  # the katakana long-vowel mark typed as a hyphen
        return zen(digits[: len(a)]) + "ー" + zen(b) + "ー" + zen(c), exp
    if style == "e164_space":
        return f"+81 {a[1:]} {b} {c}", exp
    if style == "e164_hyphen":
        return f"+81-{a[1:]}-{b}-{c}", exp
    if style == "number":  # typed into a number cell: the leading 0 is gone
        return int(digits), exp
    if style == "tel":
        return f"TEL:{national}", exp
    if style == "dot":
        return f"{a}.{b}.{c}", exp
    if style == "daihyo":
        return f"{national}（代表）" if rng.random() < 0.6 else f"{national}(代表)", exp
    if style == "ext":
        return f"{national} 内線{rng.randint(100, 899)}", exp
    return f"{national} ext.{rng.randint(10, 99)}", exp


def email_cell(
    rng: random.Random, ct: Contact, weights: list[tuple[str, float]] | None = None
) -> tuple[Any, str]:
    """An e-mail cell in the shapes people paste; expected the lower-case (first) address."""
    email = ct.email
    style = pick(
        rng,
        weights or SHAPES["email"],
    )
    if style == "plain":
        return email, email
    if style == "upper":
        return f" {email.upper()} ", email
    if style == "angle":  # pasted from a mail client: display name and mixed case
        local, domain = email.split("@")
        return f"{ct.name} <{local.title()}@{domain}>", email
    if style == "mailto":
        return f"mailto:{email}", email
    if style == "fw_at":
        return email.replace("@", "＠"), email
    if style == "two":
        other = f"{ct.last_rom.lower()}{rng.randint(1, 99)}@gmail.com"
        sep = rng.choice(["; ", ", ", " / ", "\n"])
        return f"{email}{sep}{other}", email
    if style == "fw_all":
        return zen(email), email
    return f"{email}　", email


def company_ja(
    rng: random.Random, co: Company, weights: list[tuple[str, float]] | None = None
) -> tuple[str, str | None]:
    """A Japanese company cell; expected the official name when a legal form is typed, else None."""
    if co.foreign:
        style = pick(rng, [("kana", 50), ("latin", 30), ("upper", 10), ("bare", 10)])
        latin = co.romaji
        if style == "kana":
            return co.name, co.name
        if style == "latin":
            return latin + co.legal, None
        if style == "upper":
            return zen(latin.upper()) if rng.random() < 0.5 else latin.upper(), None
        return co.base, None
    style = pick(
        rng,
        weights or SHAPES["company"],
    )
    abbrev = {"株式会社": "株", "有限会社": "有", "合同会社": "同"}[co.legal]
    if style == "official":
        return co.name, co.name
    if style == "kabu_paren":
        return (f"({abbrev}){co.base}" if co.legal_first else f"{co.base}({abbrev})"), co.name
    if style == "kabu_circle":
        circle = {"株": "㈱", "有": "㈲", "同": "(同)"}[abbrev]
        return (f"{circle}{co.base}" if co.legal_first else f"{co.base}{circle}"), co.name
    if style == "kabu_fw":
        return (f"（{abbrev}）{co.base}" if co.legal_first else f"{co.base}（{abbrev}）"), co.name
    if style == "bare":
        return co.base, co.base
    if style == "spaced":
        return (f"{co.legal} {co.base}" if co.legal_first else f"{co.base} {co.legal}"), co.name
    if style == "branch":
        return f"{co.name} {rng.choice(['大阪支店', '関西支社', '本社', '東京本社'])}", None
    # half-width kana as bank transfers spell it: ｶ)ﾔﾏﾀﾞﾃﾞﾝｷ / ﾔﾏﾀﾞﾃﾞﾝｷ(ｶ
    kana = hankaku_kana(co.kana)
    mark = {"株": "ｶ", "有": "ﾕ", "同": "ﾄﾞ"}[abbrev]
    return (f"{mark}){kana}" if co.legal_first else f"{kana}({mark}"), None


def contact_ja(rng: random.Random, ct: Contact | None) -> str | None:
    if ct is None:
        return None
    if ct.foreign:
        return pick(rng, [(ct.name, 70), (f"{ct.last} {ct.first}", 15), (ct.name.upper(), 15)])
    honor = rng.choice(["様", " 様", "さん"])
    return pick(
        rng,
        [
            (f"{ct.last} {ct.first}", 40),
            (f"{ct.last}{ct.first}", 25),
            (f"{ct.last}\u3000{ct.first}", 12),
            (f"{ct.last} {ct.first}{honor}", 8),
            (f"{ct.last}{ct.title or '様'}", 8),
            (ct.last, 7),
        ],
    )


def contact_en(rng: random.Random, ct: Contact | None) -> str | None:
    if ct is None:
        return None
    if ct.foreign:
        return pick(rng, [(ct.name, 80), (f"{ct.last}, {ct.first}", 20)])
    return pick(
        rng,
        [
            (ct.romaji, 50),
            (f"{ct.last_rom.upper()} {ct.first_rom}", 15),
            (f"{ct.last_rom}, {ct.first_rom}", 15),
            (f"{ct.last} {ct.first}", 15),
            (f"{ct.first_rom[0]}. {ct.last_rom}", 5),
        ],
    )


def owner_ja(rng: random.Random, rep: Rep) -> str:
    return pick(
        rng,
        [(rep.last, 45), (rep.name, 30), (f"{rep.last}{rep.first}", 20), (rep.last_rom.lower(), 5)],
    )


def prob_rank(stage: str) -> str:
    return {"opportunity": "C", "proposal": "B", "closing": "A", "won": "A", "lost": "C"}.get(
        stage, ""
    )


def stage_cell(rng: random.Random, team: dict[str, Any], stage: str) -> tuple[str, str]:
    """A team's word for a stage; now and then a word that says nothing about it (expected "")."""
    if rng.random() < 0.03:
        return rng.choice(team["unknown"]), ""
    return pick(rng, team["words"][stage]), stage


# --------------------------------------------------------------------------- East tracker


def east_record(
    rng: random.Random, d: Deal, no: int, stage: str | None = None
) -> tuple[dict[str, Any], list[tuple[str, Any, Any]]]:
    """One East row: amounts in 万円 (some typed in yen by mistake), 和暦 and typed dates."""
    ct = d.contact
    stage = stage or d.stage
    co_cell, co_exp = company_ja(rng, d.company)
    email, email_exp = email_cell(rng, ct) if ct and rng.random() < 0.85 else (None, "")
    phone, phone_exp = (
        phone_cell(rng, ct.phone if ct else d.company.phone) if rng.random() < 0.8 else (None, "")
    )
    # amount in 万円; some people type yen into the 万円 column
    r = rng.random()
    if d.stage == "opportunity" and r < 0.2:
        amount, amount_exp = rng.choice([None, "未定", "TBD"]), ""
    elif r < 0.06 and d.amount >= 1_000_000:
        amount, amount_exp = d.amount, d.amount  # yen typed by mistake: 1200000 in a 万円 column
    elif r < 0.10:
        amount, amount_exp = (
            f"{float(man(d.amount)):,.0f}"
            if float(man(d.amount)) >= 1000
            else man(d.amount) + "万",
            d.amount,
        )
    elif r < 0.13:
        amount, amount_exp = zen(man(d.amount)), d.amount
    elif r < 0.15:
        amount, amount_exp = f"約{man(d.amount)}", d.amount
    else:
        v = float(man(d.amount))
        amount, amount_exp = (int(v) if v.is_integer() else v), d.amount
    rank = prob_rank(stage)
    rank_cell: Any = rank
    if rank and rng.random() < 0.08:
        rank_cell = zen(rank)
    elif rank and rng.random() < 0.05:
        rank_cell = rank.lower()
    elif rng.random() < 0.1:
        rank_cell = None
    st, st_exp = stage_cell(rng, STAGES["east"], stage)
    close, close_exp = date_ja(rng, d.close)
    nxt, nxt_exp = date_ja(rng, d.next_date, SHAPES["next_date"])
    record = {
        "record_id": no,
        "company_name": co_cell,
        "department": (ct.dept if ct and rng.random() < 0.7 else None),
        "contact_name": contact_ja(rng, ct),
        "email": email,
        "phone": phone,
        "deal_name": d.name_ja,
        "product": d.product[0] if rng.random() < 0.9 else d.product[0].replace(" ", ""),
        "amount": amount,
        "stage": st,
        "probability": rank_cell,
        "close_date": close,
        "owner": owner_ja(rng, d.owner),
        "next_action": NEXT_ACTIONS_JA[d.next_action] if d.next_date else None,
        "next_action_date": nxt,
        "created_at": d.created,
        "notes": rng.choice(TRACKERS["east_notes"]) or None,
    }
    expected = [
        ("company_name", co_cell, co_exp),
        ("email", email, email_exp),
        ("phone", phone, phone_exp),
        ("amount", amount, num_text(amount_exp) if amount_exp != "" else ""),
        ("stage", st, st_exp),
        (
            "probability",
            rank_cell,
            TRACKERS["rank_percent"].get(
                unicodedata.normalize("NFKC", str(rank_cell or "")).upper(), ""
            ),
        ),
        ("close_date", close, close_exp),
        ("next_action_date", nxt, nxt_exp),
    ]
    return record, [e for e in expected if e[2] is not None]


def build_east(u: Universe, rng: random.Random) -> list[Sheet]:
    deals = [d for d in u.deals if not d.historical and (d.team == "east" or "east" in d.also)]
    deals.sort(key=lambda d: (d.close, d.id))
    suzuki = REPS[1]
    # 鈴木's deals were kept in her own sheet until February, then pasted in as a block
    pasted = [d for d in deals if d.owner is suzuki and d.close >= date(2026, 1, 1)][:18]
    pasted_ids = {d.id for d in pasted}
    # four of her deals had already been entered by 佐藤 before the paste: same deal, two rows
    double = [d for d in pasted if d.stage in OPEN_STAGES + ["won"]][:4]
    main = [d for d in deals if d.id not in pasted_ids or d in double]

    s = Sheet(name="案件一覧", date_format="yyyy/m/d")
    ncol = len(HEADERS["east"])
    s.add(["東日本営業部 案件管理表（FY2025下期〜FY2026上期）"])
    s.merges.append((1, 0, 1, ncol - 1, "東日本営業部 案件管理表（FY2025下期〜FY2026上期）"))
    s.add([f"最終更新：{AS_OF.year}/{AS_OF.month}/{AS_OF.day}（佐藤）"])
    s.add(
        ["※金額は税抜・万円単位で入力。確度はA/B/C（「設定」シート参照）。受注・失注は月末に締め。"]
    )
    s.blank()
    s.set_header([h for h, _ in HEADERS["east"]], [f for _, f in HEADERS["east"]])
    amount_col = s.column_letter("amount")
    amount_idx = s.index("amount")

    no = 0
    quarters = [
        ("2025年10〜12月", date(2025, 10, 1), date(2025, 12, 31)),
        ("2026年1〜3月", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026年4〜6月", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026年7〜9月", date(2026, 7, 1), date(2026, 9, 30)),
    ]
    subtotal_rows: list[int] = []
    first_data = s.next_row

    def numeric_sum(r0: int, r1: int) -> float:
        """What Excel's SUBTOTAL(9, ...) caches: numbers only, nested SUBTOTAL formulas skipped."""
        total = 0.0
        for r in range(r0, r1 + 1):
            row = s.rows[r - 1]
            v = row[amount_idx] if len(row) > amount_idx else None
            if isinstance(v, Fmt):
                v = v.value
            if isinstance(v, int | float) and not isinstance(v, bool):
                total += v
        return total

    hidden_done = 0
    for qi, (label, q0, q1) in enumerate(quarters):
        block_start = s.next_row
        for d in [d for d in main if q0 <= d.close <= q1]:
            no += 1
            # 佐藤's row for a deal 鈴木 also tracked was never updated: an earlier stage
            earlier = (
                OPEN_STAGES[max(0, OPEN_STAGES.index(d.stage) - 1)]
                if d.stage in OPEN_STAGES
                else "closing"
            )
            rec, exp = east_record(rng, d, no, stage=earlier if d in double else None)
            row = s.record(rec, (d.company.id, d.contact.id if d.contact else "", d.id), exp)
            if d.stage == "lost" and hidden_done < 3 and rng.random() < 0.3:
                s.hidden_rows.append(row)  # someone hid a few lost deals instead of deleting them
                hidden_done += 1
            if rng.random() < 0.015:  # an accidental copy of the row just above
                s.record(rec, (d.company.id, d.contact.id if d.contact else "", d.id), exp)
            if rng.random() < 0.02:
                s.blank()
        block_end = s.next_row - 1
        r = s.add(
            [None, f"小計（{label}）"]
            + [None] * (amount_idx - 2)
            + [
                Formula(
                    f"=SUBTOTAL(9,{amount_col}{block_start}:{amount_col}{block_end})",
                    numeric_sum(block_start, block_end),
                    "#,##0",
                )
            ]
        )
        subtotal_rows.append(r)
        s.bold_rows.append(r)
        if qi == 1:
            s.blank()
            s.add(["※ 以下、鈴木さんの管理表から貼り付け（2/10）。重複は後で確認。"])
            r = s.add(list(s.headers))  # the pasted block brought its header row along
            s.repeated_headers.append(r)
            s.bold_rows.append(r)
            pasted_start = s.next_row
            # her sheet had its own numbering: No. values collide with the main block
            for pno, d in enumerate(pasted, start=1):
                rec, exp = east_record(rng, d, pno)
                s.record(rec, (d.company.id, d.contact.id if d.contact else "", d.id), exp)
            # her own subtotal, typed by hand before the last deal was added: a plain number
            typed = numeric_sum(pasted_start, s.next_row - 2)
            s.add([None, "小計（鈴木分）"] + [None] * (amount_idx - 2) + [Fmt(typed, "#,##0")])
            s.blank()
    s.blank()
    last_data = s.next_row - 1
    total = numeric_sum(first_data, last_data)
    r = s.add(
        [None, "合計"]
        + [None] * (amount_idx - 2)
        + [
            Formula(
                f"=SUBTOTAL(9,{amount_col}{first_data}:{amount_col}{last_data})", total, "#,##0"
            )
        ]
    )
    s.bold_rows.append(r)
    s.add(["※ 確度Aは今月・来月の受注見込み。ヨミ会議（毎週月曜）で更新。"])
    s.widths = [5, 26, 14, 14, 30, 16, 34, 18, 11, 10, 6, 12, 10, 16, 12, 11, 20]
    s.validations.append((s.index("stage"), "=設定!$A$2:$A$8"))
    s.notes = "title block rows 1-4 (merged title A1), header row 5, quarter 小計 rows (SUBTOTAL formulas with cached values), a pasted block with its own header and No. numbering, hidden lost-deal rows, 合計 and ※ rows"

    master = Sheet(
        name="担当者マスタ",
        kind="skipped",
        reason="rep master: the sales reps (names, e-mails, teams), not deal records",
    )
    master.add(["氏名", "ふりがな", "メール", "所属", "内線", "在籍"])
    for rep in REPS:
        master.add(
            [
                rep.name if rep.kana else f"{rep.first} {rep.last}",
                rep.kana,
                rep.email,
                rep.team,
                rep.ext,
                "○",
            ]
        )
    master.add(
        [
            "山本 修",
            "やまもと おさむ",
            "o.yamamoto@hoshizora-sol.co.jp",
            "東日本営業部",
            "2199",
            "退職（2025/12）",
        ]
    )

    settings = Sheet(
        name="設定",
        kind="skipped",
        reason="picklists for the tracker's drop-downs, not deal records",
    )
    settings.add(["ステージ", None, "確度", "意味", None, "商品"])
    stage_list = ["商談中", "提案済み", "見積提示", "稟議中", "受注", "失注", "見送り"]
    ranks = [
        ("A", "80%（今月・来月受注見込み）"),
        ("B", "50%（提案済み・前向き）"),
        ("C", "20%（情報収集段階）"),
    ]
    for i in range(max(len(stage_list), len(PRODUCTS))):
        row: list[Any] = [stage_list[i] if i < len(stage_list) else None, None]
        row += list(ranks[i]) if i < len(ranks) else [None, None]
        row += [None, PRODUCTS[i][0] if i < len(PRODUCTS) else None]
        settings.add(row)

    work = Sheet(
        name="作業用",
        kind="skipped",
        reason="hidden scratch sheet: a VLOOKUP helper, not records",
        hidden=True,
    )
    work.add(["担当", "件数"])
    owner_idx = s.index("owner")
    owners = [str(row[owner_idx]) for row in s.rows if len(row) > owner_idx and row[owner_idx]]
    for rep in TEAM_REPS["east"]:
        n = sum(1 for o in owners if rep.last in o)
        work.add([rep.last, Formula(f'=COUNTIF(案件一覧!M:M,"*{rep.last}*")', n)])
    return [s, master, settings, work]


# --------------------------------------------------------------------------- West pipeline


def title_en(ct: Contact | None) -> str | None:
    if ct is None or not ct.title:
        return None
    if ct.foreign:
        return ct.title
    return {
        "部長": "General Manager",
        "課長": "Manager",
        "係長": "Assistant Manager",
        "主任": "Senior Associate",
        "マネージャー": "Manager",
        "取締役": "Director",
        "室長": "Head of Office",
        "担当": "Staff",
    }.get(ct.title, ct.title)


def fiscal_qtr(d: date) -> str:
    fy = d.year + 1 if d.month >= 4 else d.year
    q = ((d.month - 4) % 12) // 3 + 1
    return f"FY{fy % 100:02d} Q{q}"


def west_company(rng: random.Random, co: Company) -> str:
    if co.foreign:
        base, legal = co.en_name.rsplit(" ", 1)
        return pick(
            rng,
            [
                (co.en_name, 45),
                (base, 30),
                (f"{base} {legal.replace('.', '')}", 10),
                (base.upper(), 5),
                (f"{base}, {legal}", 10),
            ],
        )
    return pick(rng, [(co.en_name, 60), (co.romaji, 25), (co.name, 15)])


def build_west(u: Universe, rng: random.Random) -> list[Sheet]:
    deals = [d for d in u.deals if not d.historical and d.team == "west"]
    deals.sort(key=lambda d: (d.close, d.id))
    s = Sheet(name="Pipeline", date_format="m/d/yyyy")
    headers = [h for h, _ in HEADERS["west"]]
    fields = [f for _, f in HEADERS["west"]]
    s.add(["West Region Sales Pipeline - FY2026"])
    s.add(
        [
            f"Owner: West Sales Ops | Amounts in JPY unless marked $ / USD | Snapshot {AS_OF.month}/{AS_OF.day}/{AS_OF.year}"
        ]
    )
    s.blank()
    group = [None] * len(headers)
    for label, h0, h1 in TRACKERS["west_groups"]:
        c0, c1 = (column_index(headers, fields, h) for h in (h0, h1))
        group[c0] = label
        s.merges.append((4, c0, 4, c1, label))
    s.add(group)
    s.group_row = 4
    s.bold_rows.append(4)
    s.set_header(headers, fields)
    amount_col = s.column_letter("amount")
    first = s.next_row
    numeric_total = 0.0
    for d in deals:
        ct = d.contact
        r = rng.random()
        amount_exp: Any = d.amount
        cur_exp = d.currency
        if d.currency == "USD":
            amount = pick(
                rng, [(f"${d.amount:,}", 60), (f"USD {d.amount:,}", 25), (f"US${d.amount:,}", 15)]
            )
        elif r < 0.5:
            amount = Fmt(d.amount, "#,##0")
            numeric_total += d.amount
        elif r < 0.62:
            amount = f"¥{d.amount:,}"
        elif r < 0.74 and d.amount % 100_000 == 0:
            amount = f"{d.amount / 1_000_000:g}M"
        elif r < 0.84 and d.amount % 1000 == 0:
            amount = f"{d.amount // 1000:,}k"
        elif r < 0.9:
            amount = f"JPY {d.amount:,}"
        elif r < 0.94 and d.stage == "opportunity":
            amount, amount_exp, cur_exp = "TBD", "", ""
        else:
            amount = f"{d.amount:,}"
        st, st_exp = stage_cell(rng, STAGES["west"], d.stage)
        pr = TRACKERS["west_prob"][d.stage]
        prob: Any = pick(rng, [(Fmt(pr / 100, "0%"), 50), (f"{pr}%", 30), (pr, 15), (f"{pr} %", 5)])
        close, close_exp = date_us(rng, d.close)
        email, email_exp = email_cell(rng, ct, SHAPES["west_email"]) if ct else (None, "")
        phone, phone_exp = phone_cell(rng, ct.phone) if ct and rng.random() < 0.75 else (None, "")
        created = d.created
        modified = d.updated
        rec = {
            "record_id": f"W-{int(d.id[2:]):05d}",
            "company_name": west_company(rng, d.company),
            "contact_name": contact_en(rng, ct),
            "contact_title": title_en(ct),
            "email": email,
            "phone": phone,
            "deal_name": d.name_en,
            "product": d.product[1],
            "amount": amount,
            "stage": st,
            "probability": prob,
            "close_date": close,
            "Fiscal Qtr": fiscal_qtr(d.close),
            "owner": pick(
                rng,
                [
                    (f"{d.owner.first_rom} {d.owner.last_rom}", 70),
                    (d.owner.first_rom, 20),
                    (f"{d.owner.first_rom[0]}. {d.owner.last_rom}", 10),
                ],
            ),
            "lead_source": LEAD_SOURCES_EN[d.lead_source % len(LEAD_SOURCES_EN)],
            "next_action": NEXT_ACTIONS_EN[d.next_action % len(NEXT_ACTIONS_EN)]
            if d.next_date
            else None,
            "created_at": created,
            "updated_at": Fmt(modified, "m/d/yyyy h:mm"),
            "notes": rng.choice(
                [
                    "",
                    "",
                    "",
                    "Budget confirmed",
                    "Champion left company",
                    "Competing with incumbent",
                    "Needs JP-language support",
                    "Global deal - coordinate with Tokyo",
                ]
            )
            or None,
        }
        s.record(
            rec,
            (d.company.id, ct.id if ct else "", d.id),
            [
                ("amount", amount, num_text(amount_exp) if amount_exp != "" else ""),
                ("currency", amount if cur_exp == "USD" else None, cur_exp),
                ("stage", st, st_exp),
                ("probability", prob, pr),
                ("close_date", close, close_exp),
                ("email", email, email_exp),
                ("phone", phone, phone_exp),
                ("updated_at", rec["updated_at"], modified.date().isoformat()),
            ],
        )
        if rng.random() < 0.015:
            s.blank()
    last = s.next_row - 1
    s.blank()
    r = s.add(
        [None, "Total"]
        + [None] * (s.index("amount") - 2)
        + [Formula(f"=SUM({amount_col}{first}:{amount_col}{last})", numeric_total, "#,##0")]
    )
    s.bold_rows.append(r)
    s.add(
        [
            None,
            "# of Opps",
            None,
            None,
            None,
            None,
            None,
            None,
            Formula(f"=COUNTA(A{first}:A{last})", len(deals)),
        ]
    )
    s.widths = [9, 28, 20, 18, 30, 16, 36, 22, 14, 18, 8, 12, 10, 16, 16, 22, 11, 16, 30]
    s.notes = "title rows 1-2, group row 4 (merged Customer / Deal / Owner & Activity) above the field row 5, Total and # of Opps rows with formulas"

    summary = Sheet(
        name="Summary",
        kind="skipped",
        reason="pivot-style summary (stage x quarter, formulas), not deal records",
        date_format="m/d/yyyy",
    )
    summary.add(["Pipeline by Stage"])
    summary.add(["Stage", "# Opps", "Amount (JPY)", "Weighted"])
    for key, label in [
        ("opportunity", "Qualification"),
        ("proposal", "Proposal Sent"),
        ("closing", "Negotiation/Review"),
        ("won", "Closed Won"),
        ("lost", "Closed Lost"),
    ]:
        ds = [d for d in deals if d.stage == key and d.currency == "JPY"]
        amt = sum(d.amount for d in ds)
        summary.add(
            [
                label,
                Formula(f'=COUNTIF(Pipeline!J:J,"{label}")', len(ds)),
                Fmt(amt, "#,##0"),
                Fmt(amt * TRACKERS["west_prob"][key] / 100, "#,##0"),
            ]
        )
    summary.add(
        [
            "Grand Total",
            len([d for d in deals if d.currency == "JPY"]),
            Fmt(sum(d.amount for d in deals if d.currency == "JPY"), "#,##0"),
        ]
    )
    summary.blank()
    summary.add(["By Owner", "FY26 Q1", "FY26 Q2", "FY26 Q3", "FY26 Q4"])
    for rep in TEAM_REPS["west"]:
        row: list[Any] = [f"{rep.first_rom} {rep.last_rom}"]
        for q in ("FY26 Q1", "FY26 Q2", "FY26 Q3", "FY26 Q4"):
            row.append(
                Fmt(
                    sum(
                        d.amount
                        for d in deals
                        if d.owner is rep and fiscal_qtr(d.close) == q and d.currency == "JPY"
                    ),
                    "#,##0",
                )
            )
        summary.add(row)

    lists = Sheet(
        name="Lists",
        kind="skipped",
        reason="hidden picklists (stage, lead source, product), not records",
        hidden=True,
    )
    lists.add(["Stage", "Lead Source", "Product Line"])
    stages = [
        "Qualification",
        "Needs Analysis",
        "Proposal Sent",
        "Negotiation/Review",
        "Closed Won",
        "Closed Lost",
    ]
    for i in range(max(len(stages), len(LEAD_SOURCES_EN), len(PRODUCTS))):
        lists.add(
            [
                stages[i] if i < len(stages) else None,
                LEAD_SOURCES_EN[i] if i < len(LEAD_SOURCES_EN) else None,
                PRODUCTS[i][1] if i < len(PRODUCTS) else None,
            ]
        )
    s.validations.append((s.index("stage"), "=Lists!$A$2:$A$7"))
    return [s, summary, lists]


# --------------------------------------------------------------------------- Kansai list


def amount_kansai(rng: random.Random, amount: int) -> tuple[Any, str]:
    """Every amount shape the Kansai team types; expected plain yen."""
    exp = str(amount)
    big = amount >= 100_000_000
    style = pick(
        rng, {**SHAPES["amount_kansai"], **SHAPES["amount_oku"]} if big else SHAPES["amount_kansai"]
    )
    if style == "number":
        return Fmt(amount, "#,##0"), exp
    if style == "yen":
        return f"¥{amount:,}", exp
    if style == "fw_yen":
        return f"￥{amount:,}", exp
    if style == "man":
        return f"{man(amount)}万", exp
    if style == "man_en":
        return f"{man(amount)}万円", exp
    if style == "sen":
        return f"{amount // 1000:,}千円" if amount % 1000 == 0 else f"{amount:,}円", exp
    if style == "en":
        return f"{amount:,}円", exp
    if style == "approx":
        return f"約{man(amount)}万", exp
    if style == "fw_man":
        return zen(man(amount)) + "万円", exp
    if style == "oku":
        return f"{amount / 100_000_000:g}億", exp
    if style == "oku_man":
        oku, rest = divmod(amount, 100_000_000)
        return (f"{oku}億{rest // 10000}万" if rest else f"{oku}億円"), exp
    return rng.choice(["未定", "要確認", "-"]), ""


def kana_variant(rng: random.Random, co: Company) -> str | None:
    if rng.random() < 0.15:
        return None
    kana = co.kana
    legal = {
        "株式会社": "カブシキガイシャ",
        "有限会社": "ユウゲンガイシャ",
        "合同会社": "ゴウドウガイシャ",
    }[co.legal]
    with_legal = f"{legal}{kana}" if co.legal_first else f"{kana}{legal}"
    return pick(rng, [(kana, 60), (hankaku_kana(kana), 20), (with_legal, 20)])


def build_kansai(u: Universe, rng: random.Random) -> list[Sheet]:
    deals = [d for d in u.deals if not d.historical and (d.team == "kansai" or "kansai" in d.also)]
    deals.sort(key=lambda d: (d.created, d.id))
    s = Sheet(name="商談リスト", date_format="yyyy/mm/dd")
    s.add(
        [
            f"関西チーム 商談リスト（{AS_OF.year}年{AS_OF.month}月末時点）",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "※フェーズは毎週金曜更新",
        ]
    )
    s.set_header([h for h, _ in HEADERS["kansai"]], [f for _, f in HEADERS["kansai"]])
    co_col = s.column_letter("company_name")
    reentered = {d.id for d in rng.sample([d for d in deals if d.stage in OPEN_STAGES], 3)}
    rows_for: list[tuple[Deal, str]] = [(d, "") for d in deals]
    # three deals were registered a second time later on (new 管理番号, later phase)
    for d in [d for d in deals if d.id in reentered]:
        rows_for.append((d, "again"))
    for seq, (d, mode) in enumerate(rows_for, start=1):
        ct = d.contact
        co = d.company
        stage = d.stage
        if mode == "again" and stage != "closing":
            stage = "closing"
        elif "kansai" in d.also and stage in OPEN_STAGES and rng.random() < 0.6:
            stage = OPEN_STAGES[
                max(0, OPEN_STAGES.index(stage) - 1)
            ]  # Kansai's copy lags behind Tokyo's
        co_cell, co_exp = company_ja(
            rng,
            co,
            SHAPES["kansai_company"],
        )
        email, email_exp = (
            email_cell(
                rng,
                ct,
                SHAPES["kansai_email"],
            )
            if ct
            else (None, "")
        )
        phone, phone_exp = phone_cell(rng, ct.phone if ct else co.phone)
        mob, mob_exp = phone_cell(rng, ct.mobile, mobile=True) if ct and ct.mobile else (None, "")
        amount, amount_exp = amount_kansai(rng, d.amount)
        st, st_exp = stage_cell(rng, STAGES["kansai"], stage)
        close, close_exp = date_ja(
            rng,
            d.close,
            SHAPES["kansai_date"],
        )
        rec = {
            "record_id": f"K{d.created.year % 100:02d}-{seq:04d}",
            "created_at": d.created + timedelta(days=30 if mode == "again" else 0),
            "company_name": co_cell,
            "company_name_kana": kana_variant(rng, co),
            "department": ct.dept if ct else None,
            "contact_name": contact_ja(rng, ct),
            "contact_name_kana": (
                pick(
                    rng,
                    [
                        (ct.kana, 60),
                        (ct.kana.replace(" ", ""), 25),
                        (hankaku_kana(ct.kana), 15),
                    ],
                )
                if ct and not ct.foreign and rng.random() < 0.8
                else None
            ),
            "contact_title": (ct.title or None) if ct else None,
            "phone": phone,
            "mobile_phone": mob,
            "email": email,
            "deal_name": d.name_ja,
            "amount": amount,
            "stage": st,
            "close_date": close,
            "owner": pick(rng, [(d.owner.last, 60), (d.owner.name, 40)])
            if d.owner.team == "関西チーム"
            else pick(rng, [(f"{d.owner.last}（東京）", 50), (d.owner.name, 50)]),
            "lead_source": LEAD_SOURCES_JA[d.lead_source],
            "lost_reason": (d.lost_reason or None) if stage == "lost" else None,
            "industry": co.industry,
            "postal_code": pick(
                rng, [(co.postal, 60), (f"〒{co.postal}", 25), (co.postal.replace("-", ""), 15)]
            ),
            "address": co.address,
            "website": pick(
                rng, [(co.website, 50), (f"www.{co.domain}", 30), (f"http://{co.domain}", 20)]
            ),
            "notes": rng.choice(TRACKERS["kansai_memo"]) or None,
            "重複チェック": None,
        }
        row = s.record(
            rec,
            (co.id, ct.id if ct else "", d.id),
            [
                ("company_name", co_cell, co_exp),
                ("email", email, email_exp),
                ("phone", phone, phone_exp),
                ("mobile_phone", mob, mob_exp),
                ("amount", amount, amount_exp),
                ("stage", st, st_exp),
                ("close_date", close, close_exp),
            ],
        )
        s.rows[row - 1][s.index("重複チェック")] = Formula(
            f'=IF(COUNTIF(${co_col}:${co_col},{co_col}{row})>1,"重複?","")', ""
        )
        if rng.random() < 0.02:
            s.blank()
    # fill the duplicate-check formula's cached values now that every company cell is known
    idx = s.index("company_name")
    counts: dict[str, int] = {}
    for r in s.data_rows:
        counts[s.rows[r - 1][idx]] = counts.get(s.rows[r - 1][idx], 0) + 1
    chk = s.index("重複チェック")
    for r in s.data_rows:
        f = s.rows[r - 1][chk]
        s.rows[r - 1][chk] = Formula(f.formula, "重複?" if counts[s.rows[r - 1][idx]] > 1 else "")
    s.blank()
    s.add(["※ 金額は税抜。億・万表記可（入力ルール統一予定）"])
    s.widths = [
        10,
        11,
        26,
        22,
        14,
        14,
        18,
        10,
        16,
        15,
        30,
        34,
        14,
        11,
        12,
        10,
        10,
        12,
        10,
        10,
        36,
        26,
        20,
        8,
    ]
    s.notes = "title row 1 (not merged), header row 2, amounts as 円/万/千円/億, phones and e-mails in every shape, a formula helper column, 3 deals registered twice"

    # FY2025 results: every won Kansai deal closed in FY2025, no stage column (all won)
    won = [
        d
        for d in u.deals
        if d.team == "kansai" and d.stage == "won" and FY_START <= d.close <= AS_OF
    ]
    won.sort(key=lambda d: (d.close, d.id))
    r2 = Sheet(name="2025年度実績", date_format="yyyy/m/d")
    r2.set_header(
        [h for h, _ in HEADERS["kansai_results"]], [f for _, f in HEADERS["kansai_results"]]
    )
    for i, d in enumerate(won, start=1):
        ct = d.contact
        co_cell, co_exp = company_ja(rng, d.company, SHAPES["results_company"])
        email, email_exp = email_cell(rng, ct, SHAPES["results_email"]) if ct else (None, "")
        r2.record(
            {
                "record_id": f"J25-{i:03d}",
                "company_name": co_cell,
                "contact_name": contact_ja(rng, ct),
                "email": email,
                "deal_name": d.name_ja,
                "amount": Fmt(d.amount, "#,##0"),
                "close_date": d.close,
                "owner": d.owner.last,
                "notes": rng.choice(["", "", "", "新規", "リピート", "分割計上"]) or None,
            },
            (d.company.id, ct.id if ct else "", d.id),
            [("company_name", co_cell, co_exp), ("email", email, email_exp)],
        )
    last = r2.next_row - 1
    total = sum(d.amount for d in won)
    r2.add([None, None, None, None, "合計", Formula(f"=SUM(F2:F{last})", total, "#,##0")])
    r2.bold_rows.append(r2.next_row - 1)
    r2.notes = "header row 1, all rows are won deals (no stage column), 合計 row with SUM formula"

    memo = Sheet(name="メモ", kind="skipped", reason="free-text meeting notes, not records")
    for line in [
        "2026/3/6 ヨミ会議メモ",
        "・積水化学工業さんと積水化成品工業さんは別会社なので注意（担当も別）",
        "・山田電機（大阪）は東京の山田電気とは無関係",
        "・大和興業：東京の大和興業さんとは別法人",
        "・4月から新CRMへ移行予定。このリストが正本。",
    ]:
        memo.add([line])
    return [s, r2, memo]


# --------------------------------------------------------------------------- old CRM export


def build_crm(u: Universe, rng: random.Random) -> Sheet:
    s = Sheet(name="", date_format="")
    s.set_header([h for h, _ in HEADERS["crm"]], [f for _, f in HEADERS["crm"]])
    snaps = [d for d in u.deals if d.crm]
    snaps.sort(key=lambda d: (d.created, d.id))
    dup = {d.id for d in rng.sample(snaps, 3)}  # entered twice in the old CRM
    entries = [(d, False) for d in snaps] + [(d, True) for d in snaps if d.id in dup]
    for d, again in entries:
        snap = d.crm
        assert snap is not None
        co, ct = d.company, d.contact
        if co.foreign:
            co_cell, co_exp = co.name, co.name
        else:
            co_cell, co_exp = company_ja(
                rng,
                co,
                SHAPES["crm_company"],
            )
        st, st_exp = stage_cell(rng, STAGES["crm"], snap.stage)
        created = datetime(
            d.created.year,
            d.created.month,
            d.created.day,
            rng.randint(9, 19),
            rng.randint(0, 59),
            0,
        )
        close = f"{snap.close.year}/{snap.close.month:02d}/{snap.close.day:02d}"
        updated = snap.updated.strftime("%Y/%m/%d %H:%M:%S")
        amount = (
            ""
            if snap.stage == "sql" and rng.random() < 0.5
            else str(snap.amount if d.currency == "JPY" else snap.amount * 150)
        )
        phone = (ct.phone if ct else co.phone) if rng.random() < 0.85 else ""
        owner = d.owner.name if d.owner.kana else f"{d.owner.first} {d.owner.last}"
        rec = {
            "record_id": f"OPP-{d.created.year}-{int(d.id[2:]) + (5000 if again else 0):05d}",
            "取引先ID": f"ACC-{int(co.id[2:]):05d}",
            "company_name": co_cell,
            "contact_name": (ct.name if ct else ""),
            "email": ct.email if ct and rng.random() < 0.9 else "",
            "phone": phone,
            "deal_name": d.name_ja,
            "amount": amount,
            "stage": st,
            "probability": str(snap.probability),
            "close_date": close,
            "owner": owner,
            "lead_source": LEAD_SOURCES_JA[d.lead_source],
            "created_at": created.strftime("%Y/%m/%d %H:%M"),
            "updated_at": updated,
        }
        s.record(
            rec,
            (co.id, ct.id if ct else "", d.id),
            [
                ("company_name", co_cell, co_exp),
                ("stage", st, st_exp),
                ("close_date", close, snap.close.isoformat()),
                ("updated_at", updated, snap.updated.date().isoformat()),
                ("phone", phone, e164(phone) if phone else ""),
            ],
        )
    s.notes = "cp932, CRLF; snapshots of deals as of 2025-12-19 (earlier stages, older amounts and close dates), 3 deals entered twice with different 商談ID, half-width kana company names"
    return s


# --------------------------------------------------------------------------- marketing leads


def build_ma(u: Universe, rng: random.Random) -> Sheet:
    s = Sheet(name="", date_format="")
    s.set_header([h for h, _ in HEADERS["ma"]], [f for _, f in HEADERS["ma"]])
    known = [c for c in u.contacts if not c.foreign and not c.company.lead_only]
    lead_only = [c for c in u.contacts if c.company.lead_only]
    people = rng.sample(known, 38) + lead_only
    # a few people come twice (two events or two downloads)
    people += rng.sample(people, 6)
    rng.shuffle(people)
    for i, ct in enumerate(people, start=1):
        co = ct.company
        day = date(2026, 1, 13) + timedelta(days=rng.randint(0, 70))
        stamp = f"{day.isoformat()}T{rng.randint(9, 18):02d}:{rng.randint(0, 59):02d}:00+09:00"
        score = rng.randint(0, 100)
        status = (
            "lead"
            if score < 30
            else "mql"
            if score < 60
            else "sql"
            if score < 85
            else "opportunity"
        )
        st, st_exp = stage_cell(rng, STAGES["ma"], status)
        if st == "対象外":
            st_exp = "lost"
        email, email_exp = email_cell(rng, ct, SHAPES["ma_email"])
        phone, phone_exp = phone_cell(rng, ct.phone)
        co_cell, co_exp = company_ja(rng, co, SHAPES["ma_company"])
        rec = {
            "record_id": f"L-{260000 + i}",
            "created_at": stamp,
            "company_name": co_cell,
            "department": ct.dept,
            "contact_title": ct.title,
            "contact_last_name": ct.last,
            "contact_first_name": ct.first,
            "contact_name_kana": ct.kana if rng.random() < 0.7 else "",
            "email": email,
            "phone": phone if not isinstance(phone, int) else str(phone),
            "lead_source": rng.choice(TRACKERS["ma_sources"]),
            "lead_score": str(score),
            "stage": st,
            "industry": co.industry if rng.random() < 0.6 else "",
            "website": co.website if rng.random() < 0.5 else "",
            "notes": rng.choice(
                [
                    "",
                    "",
                    "",
                    "ブース来場",
                    "資料DL後に架電希望",
                    "既存顧客の別部署",
                    "競合製品を利用中",
                ]
            ),
        }
        s.record(
            rec,
            (co.id, ct.id, ""),
            [
                ("company_name", co_cell, co_exp),
                ("created_at", stamp, day.isoformat()),
                ("email", email, email_exp),
                ("phone", rec["phone"], phone_exp),
                ("stage", st, st_exp),
            ],
        )
    s.notes = "UTF-8 with BOM, CRLF; marketing leads (no deals): contacts that also appear in the deal trackers plus leads at companies found nowhere else; ISO timestamps with +09:00"
    return s


# --------------------------------------------------------------------------- writers


def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    """Meiryo UI 10pt, bold header rows, bold merged titles, frozen panes; fixed times."""
    properties = {
        "created": FIXED_TIME,
        "author": "sfa-migrate sample data",
        "company": "ホシゾラ・ソリューションズ",
    }
    font = {"font_name": "Meiryo UI", "font_size": 10}
    write_sheets(path, sheets, properties, base_format=font, title_merges=True, freeze=True)
    repack_zip(path, ZIP_TIME)


def write_csv(path: Path, sheet: Sheet, encoding: str) -> None:
    rows = [["" if v is None else raw_text(v) for v in row] for row in sheet.rows]
    write_rows(path, rows, encoding)


# --------------------------------------------------------------------------- truth


def main(argv: list[str] | None = None) -> int:
    """Write the sample trackers and their truth files."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else HERE
    (out / "truth").mkdir(parents=True, exist_ok=True)
    u = Universe()
    files: list[tuple[str, list[Sheet], dict[str, Any]]] = []

    east = build_east(u, random.Random(SEED + 1))
    west = build_west(u, random.Random(SEED + 2))
    kansai = build_kansai(u, random.Random(SEED + 3))
    crm = build_crm(u, random.Random(SEED + 4))
    ma = build_ma(u, random.Random(SEED + 5))
    for name, sheets in ((FILES["east"], east), (FILES["west"], west), (FILES["kansai"], kansai)):
        write_xlsx(out / name, sheets)
        files.append((name, sheets, {}))
    write_csv(out / FILES["crm"], crm, "cp932")
    files.append((FILES["crm"], [crm], {"encoding": "cp932", "delimiter": ","}))
    write_csv(out / FILES["ma"], ma, "utf-8-sig")
    files.append((FILES["ma"], [ma], {"encoding": "utf-8-sig", "delimiter": ","}))

    layout: dict[str, Any] = {}
    entity_rows: list[list[Any]] = []
    value_rows: list[list[Any]] = []
    for name, sheets, extra in files:
        layout[name] = {}
        for sheet in sheets:
            layout[name][sheet.name] = layout_entry(sheet, extra, header_cells=True)
            for row, co, ct, dl in sheet.entities:
                entity_rows.append([name, sheet.name, row, co, ct, dl])
            for row, fname, raw, exp in sheet.values:
                value_rows.append([name, sheet.name, row, fname, raw, exp])

    def write_table(path: Path, header: list[str], rows: list[list[Any]]) -> None:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")

    write_table(
        out / "truth" / "entities.csv",
        [
            "source_file",
            "source_sheet",
            "source_row",
            "company_entity",
            "contact_entity",
            "deal_entity",
        ],
        entity_rows,
    )
    write_table(
        out / "truth" / "values.csv",
        ["source_file", "source_sheet", "source_row", "field", "raw", "expected"],
        value_rows,
    )
    (out / "truth" / "layout.json").write_text(
        json.dumps(layout, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )

    for name, sheets, _ in files:
        n = sum(len(s.data_rows) for s in sheets)
        print(
            f"wrote {name}: {n} data rows in {sum(1 for s in sheets if s.kind == 'table')} table sheet(s)"
        )
    deals = {r[5] for r in entity_rows if r[5]}
    print(
        f"truth: {len(entity_rows)} rows, {len({r[3] for r in entity_rows})} companies, {len({r[4] for r in entity_rows if r[4]})} contacts, {len(deals)} deals; {len(value_rows)} scored cells"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
