"""Unseen trackers: five files as other teams keep them, with the truth of every row.

    .venv/bin/python bench/unseen/generate.py --seed 1 --out bench/unseen/data/seed1
    .venv/bin/python bench/unseen/generate.py --seed 2 --out /tmp/unseen2 --deals 110

What goes in: a seed, the size (``--deals``), the registered names of
``../shared/benchmarks/names_ja_en/edinet_names_dev.csv``. What comes out, in ``--out``:

* ``旧SFDC_商談レポート_20250930.xlsx`` an old Salesforce opportunity report, Japanese labels
  (商談名, 取引先名, フェーズ, 確度(%), 金額, 完了予定日), title lines and the report footer; the
  earliest snapshot of many deals.
* ``第二営業部_ヨミ表_2026年1月.xlsx`` a department ヨミ表: 得意先 in short form, 万円, A-D ranks
  explained on a second sheet, status words (アポ確定, 見積提出済, 内示, 発注書受領, ロスト, 〜中,
  〜待ち), close dates as people write them (2026/3/末, 3月末, 来月, 2月上旬, 今期中), sections
  per rep with plain-value subtotals; the latest snapshot.
* ``us_team_pipeline_2026-01-15.csv`` an English team's CRM-style export (sales_agent,
  engage_date, deal_stage, close_value, forecast), HubSpot default stages and slang (Verbal,
  Commit, POC, Contract Sent, Disqualified), amounts as 12.5M / ¥8,400,000, dates as Q3, next
  month, end of Mar.
* ``IS_リード管理_2025下期.xlsx`` an inside-sales lead list (商談化, MQL判定済, ナーチャリング ...).
* ``東証上場銘柄一覧_2025年12月末.xlsx`` an exchange listing (銘柄名: names without the legal form).
* ``truth/rows.csv`` one row per non-blank source row: file, sheet, row (as Excel shows it, CSV
  line with the header on 1), kind, is_data, company/contact/deal entity, the row's own stage
  (and the other defensible stages), close date (and the window an approximate one allows),
  amount in JPY, the raw stage word.
* ``truth/deals.csv`` one row per deal: the values that should survive (those of its latest
  snapshot) and where that snapshot is.
* ``truth/meta.json`` seed, snapshot dates, counts.

Snapshots of one deal share its deal entity: an earlier stage, a rounded or earlier amount, an
earlier close date, another wording of its name. Deals of one company with the same or a similar
name (a renewal, the same product for two departments, two rows alike in one sheet) are
different entities; a row pasted twice is the same one.

Deterministic: one ``random.Random(seed)``, fixed workbook dates and zip timestamps.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import vocab  # noqa: E402
from vocab import Word  # noqa: E402

NAMES = HERE.parents[2] / "shared" / "benchmarks" / "names_ja_en" / "edinet_names_dev.csv"
if not NAMES.exists():  # the repository checked out elsewhere
    NAMES = Path("/work/shared/benchmarks/names_ja_en/edinet_names_dev.csv")

D = dt.date
T_SF = D(2025, 9, 30)  # old CRM report
T_IS = D(2025, 12, 26)  # lead list
T_EN = D(2026, 1, 15)  # English team export
T_KT = D(2025, 12, 1)  # kintone export
T_B = D(2026, 1, 20)  # ヨミ表, the latest
T_LIST = D(2025, 12, 30)

F_SF = "旧SFDC_商談レポート_20250930.xlsx"
F_B = "第二営業部_ヨミ表_2026年1月.xlsx"
F_EN = "us_team_pipeline_2026-01-15.csv"
F_IS = "IS_リード管理_2025下期.xlsx"
F_KT = "kintone_案件管理_20251201.csv"
F_LIST = "東証上場銘柄一覧_2025年12月末.xlsx"

SURNAMES = [
    ("山本", "Yamamoto"), ("中村", "Nakamura"), ("小林", "Kobayashi"), ("加藤", "Kato"),
    ("吉田", "Yoshida"), ("山田", "Yamada"), ("佐々木", "Sasaki"), ("山口", "Yamaguchi"),
    ("松本", "Matsumoto"), ("井上", "Inoue"), ("木村", "Kimura"), ("林", "Hayashi"),
    ("斎藤", "Saito"), ("清水", "Shimizu"), ("山崎", "Yamazaki"), ("森", "Mori"),
    ("池田", "Ikeda"), ("橋本", "Hashimoto"), ("阿部", "Abe"), ("石川", "Ishikawa"),
    ("前田", "Maeda"), ("藤田", "Fujita"), ("小川", "Ogawa"), ("岡田", "Okada"),
    ("後藤", "Goto"), ("長谷川", "Hasegawa"), ("村上", "Murakami"), ("近藤", "Kondo"),
    ("石井", "Ishii"), ("坂本", "Sakamoto"), ("遠藤", "Endo"), ("青木", "Aoki"),
    ("藤井", "Fujii"), ("西村", "Nishimura"), ("福田", "Fukuda"), ("太田", "Ota"),
    ("三浦", "Miura"), ("藤原", "Fujiwara"), ("岡本", "Okamoto"), ("松田", "Matsuda"),
]  # fmt: skip
GIVEN = [
    ("大輔", "Daisuke"), ("誠", "Makoto"), ("健太", "Kenta"), ("直樹", "Naoki"),
    ("拓海", "Takumi"), ("亮", "Ryo"), ("浩二", "Koji"), ("隆", "Takashi"), ("修", "Osamu"),
    ("和也", "Kazuya"), ("恵", "Megumi"), ("陽子", "Yoko"), ("真由美", "Mayumi"),
    ("智子", "Tomoko"), ("理恵", "Rie"), ("麻衣", "Mai"), ("香織", "Kaori"), ("由美", "Yumi"),
    ("彩花", "Ayaka"), ("沙織", "Saori"), ("裕子", "Yuko"), ("美穂", "Miho"), ("慎也", "Shinya"),
    ("哲也", "Tetsuya"), ("聡", "Satoshi"), ("剛", "Tsuyoshi"), ("翔太", "Shota"),
    ("悠", "Yu"), ("千尋", "Chihiro"), ("航", "Wataru"),
]  # fmt: skip
DEPTS = [
    ("人事部", "HR"), ("経理部", "Finance"), ("情報システム部", "IT"), ("物流部", "Logistics"),
    ("製造部", "Manufacturing"), ("経営企画部", "Corporate Planning"), ("営業本部", "Sales"),
    ("管理本部", "Administration"),
]  # fmt: skip
TITLES = ["部長", "課長", "主任", "係長", "マネージャー", "", "担当"]
PRODUCTS = [
    ("倉庫管理システム", "WMS", "Warehouse Management System"),
    ("電子契約サービス", "電子契約", "e-Contract Service"),
    ("需要予測AI", "需要予測", "Demand Forecasting AI"),
    ("設備保全IoT", "予知保全", "Predictive Maintenance IoT"),
    ("社内ヘルプデスクBot", "ヘルプデスクBot", "Helpdesk Chatbot"),
    ("帳票電子化ソリューション", "帳票電子化", "Document Digitization"),
    ("人事評価クラウド", "人事評価", "HR Evaluation Cloud"),
    ("セキュリティ診断", "脆弱性診断", "Security Assessment"),
    ("データ基盤構築", "データ基盤", "Data Platform Build"),
    ("BIダッシュボード", "BI", "BI Dashboards"),
]
KINDS = [("新規導入", "導入", "new"), ("追加ライセンス", "ライセンス追加", "add-on"),
         ("全社展開", "全社展開", "rollout"), ("更新", "更新", "renewal")]  # fmt: skip
REPS_JA = ["佐藤 健一", "鈴木 美咲", "高橋 翔", "田中 由紀", "伊藤 大輔"]
REPS_EN = ["Emily Carter", "Ryo Nakamura", "David Lin", "Aya Kobayashi"]
REPS_IS = ["小野寺 奈々", "加賀 拓也", "真田 玲"]
SOURCES_IS = ["Webフォーム", "展示会", "セミナー", "資料DL", "紹介", "テレアポ", "広告"]


@dataclass
class Company:
    code: str
    legal: str
    short: str
    en: str
    industry: str
    domain: str
    phone: str
    ticker: str = ""
    contacts: list = field(default_factory=list)


@dataclass
class Person:
    pid: str
    company: Company
    sur: tuple[str, str]
    given: tuple[str, str]
    dept: tuple[str, str]
    title: str
    email: str
    phone: str


@dataclass
class Snap:
    file: str
    when: dt.date
    stage: str
    word: Word
    amount: int | None
    close: dt.date | None
    close_text: object = None  # what the cell holds (date or text)
    lo: dt.date | None = None
    hi: dt.date | None = None
    amount_text: object = None
    name: str = ""
    updated: dt.date | None = None


@dataclass
class Deal:
    did: str
    company: Company
    contact: Person
    product: tuple[str, str, str]
    kind: tuple[str, str, str]
    dept_tag: tuple[str, str] | None
    owner_ja: str
    owner_en: str
    team: str
    created: dt.date
    fy: str = ""
    snaps: list[Snap] = field(default_factory=list)
    twin: bool = False  # one of two rows alike in one sheet that are different deals


# ---------------------------------------------------------------- universe


def legal_name(raw: str) -> str:
    return re.sub(r"[\s\u3000]+", "", raw)


def short_name(legal: str) -> str:
    return legal.replace("株式会社", "") or legal


def abbreviated(legal: str, rng: random.Random) -> str:
    mark = rng.choice(["(株)", "㈱", "（株）"])
    if legal.startswith("株式会社"):
        return mark + legal[4:]
    if legal.endswith("株式会社"):
        return legal[:-4] + mark
    return legal


def domain_of(en: str, used: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", en.lower()) if w not in ("the", "co", "ltd")]
    base = (words[0] if words else "corp")[:12]
    if len(base) < 4 and len(words) > 1:
        base += words[1][:8]
    name, n = base, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name + ".co.jp"


def read_names() -> list[dict[str, str]]:
    with open(NAMES, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # a company whose legal form is not 株式会社 keeps its name as is; all are kept
    return [r for r in rows if r["name_ja"] and r["name_en"]]


def make_companies(rng: random.Random, n: int) -> list[Company]:
    rows = rng.sample(read_names(), n)
    used: set[str] = set()
    out = []
    for r in rows:
        legal = legal_name(r["name_ja"])
        area = rng.choice(["03", "06", "052", "045", "092", "011"])
        if len(area) == 2:
            phone = f"{area}-{rng.randint(3000, 6999)}-{rng.randint(0, 9999):04d}"
        else:
            phone = f"{area}-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
        out.append(
            Company(
                code=r["edinet_code"],
                legal=legal,
                short=short_name(legal),
                en=r["name_en"].strip(),
                industry=r["industry"],
                domain=domain_of(r["name_en"], used),
                phone=phone,
            )
        )
    return out


def make_person(rng: random.Random, company: Company, n: int) -> Person:
    while True:
        sur, given = rng.choice(SURNAMES), rng.choice(GIVEN)
        if all((p.sur, p.given) != (sur, given) for p in company.contacts):
            break
    email = f"{given[1][0]}.{sur[1]}@{company.domain}".lower()
    if rng.random() < 0.3:
        email = f"{sur[1]}.{given[1]}@{company.domain}".lower()
    head = company.phone.rsplit("-", 1)[0]
    phone = (
        f"{head}-{rng.randint(0, 9999):04d}"
        if rng.random() < 0.6
        else (f"090-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}")
    )
    p = Person(
        f"P{n:04d}", company, sur, given, rng.choice(DEPTS), rng.choice(TITLES), email, phone
    )
    company.contacts.append(p)
    return p


def pick(rng: random.Random, words: list[Word]) -> Word:
    return rng.choices(words, weights=[w.weight for w in words])[0]


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def month_end(y: int, m: int) -> dt.date:
    nxt = D(y + (m == 12), m % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


# ---------------------------------------------------------------- deals and snapshots

ORDER = {s: i for i, s in enumerate(vocab.STAGES)}


def amount_of(rng: random.Random) -> int:
    base = rng.choice([30, 50, 80, 120, 180, 250, 400, 650, 900, 1500, 2400, 4000])
    yen = int(base * rng.uniform(0.7, 1.4) * 10_000)
    step = 10_000 if rng.random() < 0.8 else 1_000
    return max(step, round(yen / step) * step)


def earlier_amount(rng: random.Random, amount: int) -> int:
    r = rng.random()
    if r < 0.4:  # rounded
        step = 1_000_000 if amount >= 3_000_000 else 100_000
        return max(step, round(amount / step) * step)
    if r < 0.8:  # an earlier estimate
        return max(100_000, round(amount * rng.uniform(0.75, 1.2) / 100_000) * 100_000)
    return amount


def earlier_open_stage(rng: random.Random, final: str) -> str:
    if final in ("opportunity", "proposal", "closing"):
        choices = [s for s in vocab.OPEN_DEAL_STAGES if ORDER[s] <= ORDER[final]]
    else:
        choices = list(vocab.OPEN_DEAL_STAGES)
    return rng.choice(choices)


def final_stage(rng: random.Random) -> str:
    return rng.choices(
        ["opportunity", "proposal", "closing", "won", "lost", ""],
        weights=[20, 25, 20, 18, 12, 5],
    )[0]


class World:
    def __init__(self, seed: int, n_deals: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        rng = self.rng
        n_companies = max(12, int(n_deals * 0.45))
        self.companies = make_companies(rng, n_companies + max(20, n_deals))
        self.active = self.companies[:n_companies]
        self.others = self.companies[n_companies:]
        self.persons: list[Person] = []
        for c in self.active:
            for _ in range(rng.choice([1, 1, 2, 2, 3])):
                self.persons.append(make_person(rng, c, len(self.persons) + 1))
        self.deals: list[Deal] = []
        for _ in range(n_deals):
            self._deal()
        self._families()

    # one deal with its snapshots
    def new_deal(self, company: Company, **kw) -> Deal:
        rng = self.rng
        team = kw.pop("team", "en" if rng.random() < 0.4 else "ja")
        d = Deal(
            did=f"DL{len(self.deals) + 1:04d}",
            company=company,
            contact=kw.pop("contact", None) or rng.choice(company.contacts),
            product=kw.pop("product", None) or rng.choice(PRODUCTS),
            kind=kw.pop("kind", None) or rng.choice(KINDS),
            dept_tag=kw.pop("dept_tag", None),
            owner_ja=rng.choice(REPS_JA),
            owner_en=rng.choice(REPS_EN),
            team=team,
            created=kw.pop("created", None) or rand_date(rng, D(2025, 2, 1), D(2026, 1, 10)),
            fy=kw.pop("fy", ""),
        )
        self.deals.append(d)
        return d

    def _deal(self, company: Company | None = None, **kw) -> Deal:
        rng = self.rng
        d = self.new_deal(company or rng.choice(self.active), **kw)
        amount = amount_of(rng)
        files = self._files(d)
        final = final_stage(rng)
        if files == [F_SF]:  # closed before the old CRM was left
            final = rng.choice(["won", "won", "lost"])
        self._snapshots(d, files, final, amount)
        return d

    def _files(self, d: Deal) -> list[str]:
        rng = self.rng
        kt = [F_KT] if d.created <= D(2025, 11, 20) and rng.random() < 0.4 else []
        if d.created <= D(2025, 9, 20):
            if rng.random() < 0.3:
                return [F_SF]
            if d.team == "ja":
                return [F_SF, *kt, F_B]
            return [F_SF, F_EN, F_B] if rng.random() < 0.3 else [F_SF, F_EN]
        if d.team == "ja":
            if kt:  # a team that kept the deal in kintone, then in the ヨミ表 (or not any more)
                return [F_KT, F_B] if rng.random() < 0.8 else [F_KT]
            return [F_B]
        return [F_EN, F_B] if rng.random() < 0.25 else [F_EN]

    def _snapshots(self, d: Deal, files: list[str], final: str, amount: int) -> None:
        rng = self.rng
        when = {F_SF: T_SF, F_KT: T_KT, F_EN: T_EN, F_B: T_B}
        last = files[-1]
        stages = {}
        for f in files[:-1]:
            stages[f] = earlier_open_stage(rng, final)
        if files == [F_SF]:
            stages[F_SF] = final
        else:
            stages[last] = final
        # earlier snapshots never ahead of later ones
        seq = [stages[f] for f in files]
        for i in range(1, len(seq)):
            if seq[i] in vocab.OPEN_DEAL_STAGES and ORDER.get(seq[i - 1], 0) > ORDER[seq[i]]:
                seq[i - 1] = seq[i]
        # the deal closed before the old report: every snapshot says so
        closed_early = final in ("won", "lost") and rng.random() < 0.25 and F_SF in files
        if closed_early:
            seq = [final] * len(files)
        close_final = self._close(d, final, when[last], closed_early)
        for i, f in enumerate(files):
            latest = f == last
            stage = seq[i]
            amt = amount if latest or closed_early else earlier_amount(rng, amount)
            if latest or closed_early or stage in ("won", "lost"):
                close = close_final
            else:
                slip = dt.timedelta(days=rng.randint(15, 100))
                base = close_final or (when[f] + dt.timedelta(days=60))
                close = max(when[f] + dt.timedelta(days=5), base - slip)
            d.snaps.append(
                Snap(
                    file=f, when=when[f], stage=stage, word=Word("", ""), amount=amt, close=close
                )  # fmt: skip
            )

    def _close(self, d: Deal, stage: str, when: dt.date, early: bool) -> dt.date | None:
        rng = self.rng
        if stage in ("won", "lost"):
            hi = T_SF - dt.timedelta(days=3) if early else when - dt.timedelta(days=2)
            lo = min(hi, max(d.created + dt.timedelta(days=20), hi - dt.timedelta(days=150)))
            return rand_date(rng, lo, hi)
        return rand_date(rng, when + dt.timedelta(days=10), when + dt.timedelta(days=240))

    def _families(self) -> None:
        """Deals that look alike and are not the same: departments, renewals, twin rows."""
        rng = self.rng
        base = [d for d in self.deals if d.snaps[-1].file in (F_B, F_EN)]
        rng.shuffle(base)
        k = max(2, len(self.deals) // 12)
        for d in base[:k]:  # the same product for two departments
            depts = rng.sample(DEPTS, 2)
            d.dept_tag = depts[0]
            other = [p for p in d.company.contacts if p is not d.contact]
            contact = other[0] if other else make_person(rng, d.company, len(self.persons) + 1)
            if not other:
                self.persons.append(contact)
            self._deal(d.company, product=d.product, kind=d.kind, dept_tag=depts[1],
                       contact=contact, team=d.team, created=d.created)  # fmt: skip
        in_b = [d for d in base[k:] if d.snaps[-1].file == F_B]
        for d in in_b[: max(1, k // 2)]:  # two rows alike in one sheet, told apart by values
            twin = self.new_deal(d.company, product=d.product, kind=d.kind, team="ja",
                                 contact=d.contact)  # fmt: skip
            amount = amount_of(rng)
            stage = rng.choice(["opportunity", "proposal", "closing"])
            self._snapshots(twin, [F_B], stage, amount)
            twin.twin = d.twin = True
        for c in rng.sample(self.active, max(2, len(self.active) // 8)):  # renewals
            prod = ("年間保守契約", "年間保守", "Annual Maintenance")
            kind = ("", "", "renewal")
            old = self.new_deal(c, product=prod, kind=kind, team="ja", fy="FY2025",
                                created=rand_date(rng, D(2025, 2, 1), D(2025, 4, 20)))  # fmt: skip
            amount = amount_of(rng)
            self._snapshots(old, [F_SF, F_B] if rng.random() < 0.5 else [F_SF], "won", amount)
            new = self.new_deal(c, product=prod, kind=kind, team="ja", fy="FY2026",
                                contact=old.contact, created=rand_date(rng, D(2025, 11, 1),
                                                                       D(2026, 1, 10)))  # fmt: skip
            self._snapshots(new, [F_B], rng.choice(["proposal", "closing"]),
                            round(amount * rng.uniform(1.0, 1.1) / 10_000) * 10_000)  # fmt: skip


# ---------------------------------------------------------------- names as each team writes them


def deal_name(d: Deal, f: str, rng: random.Random) -> str:
    pj, alias, pen = d.product
    kj, kalias, ken = d.kind
    if d.fy:
        if f == F_SF:
            return f"{d.company.short}_{pj}_{d.fy}"
        return f"{alias if rng.random() < 0.5 else pj} {d.fy.replace('FY', '')}年度"
    dept = d.dept_tag
    if f == F_SF:
        s = f"{d.company.short}_{pj}_{kj}"
        return s + (f"（{dept[0]}）" if dept else "")
    if f == F_KT:
        s = f"【{d.company.short}】{pj}{kj}"
        return s + (f"（{dept[0]}）" if dept else "")
    if f == F_B:
        p = alias if rng.random() < 0.4 else pj
        s = f"{p} {kalias}" if rng.random() < 0.5 else f"{p}{kj}"
        return s + (f"（{dept[0]}）" if dept else "")
    short_en = re.sub(r",?\s*(Co\.?,?\s*Ltd\.?|Corporation|Inc\.?|CO\.,\s*LTD\.|Ltd\.)$", "",
                      d.company.en, flags=re.I).strip()  # fmt: skip
    s = f"{short_en} - {pen} ({ken})"
    return s + (f" - {dept[1]}" if dept else "")


def company_as(c: Company, f: str, rng: random.Random) -> str:
    r = rng.random()
    if f == F_SF:
        return c.legal
    if f == F_B:
        return c.short if r < 0.6 else (abbreviated(c.legal, rng) if r < 0.85 else c.legal)
    if f == F_EN:
        if r < 0.6:
            return c.en
        if r < 0.85:
            return c.en.title().replace("Co.,Ltd.", "Co., Ltd.")
        return re.sub(r",?\s*(CO\.,?\s*LTD\.?|Co\.,?\s*Ltd\.?)$", "", c.en).strip()
    if f in (F_IS, F_KT):
        return c.legal if r < 0.75 else abbreviated(c.legal, rng)
    return c.short


def person_ja(p: Person, rng: random.Random, honorific: bool = True) -> str:
    r = rng.random()
    if honorific and r < 0.25:
        return f"{p.sur[0]}様"
    if honorific and r < 0.4:
        return f"{p.sur[0]} {p.given[0]} 様"
    return f"{p.sur[0]} {p.given[0]}" if rng.random() < 0.8 else f"{p.sur[0]}\u3000{p.given[0]}"


# ---------------------------------------------------------------- cells written the way people talk


def b_close(s: Snap, rng: random.Random) -> None:
    """ヨミ表 受注予定: a date cell, or words read against the sheet's date (2026-01-20)."""
    d = s.close
    s.close_text, s.lo, s.hi = d, d, d
    if d is None or s.stage in ("won", "lost"):
        return
    r = rng.random()
    y, m = d.year, d.month
    if r < 0.45:
        return
    if r < 0.60:
        s.close = month_end(y, m)
        s.close_text, s.lo, s.hi = f"{y}/{m}/末", s.close, s.close
    elif r < 0.70 and (y, m) <= (2026, 12):
        s.close = month_end(y, m)
        s.close_text, s.lo, s.hi = f"{m}月末", s.close, s.close
    elif r < 0.75:
        s.close = month_end(2026, 2)
        s.close_text, s.lo, s.hi = "来月", D(2026, 2, 1), s.close
    elif r < 0.88 and (y, m) <= (2026, 12):
        part, lo_day, hi_day = rng.choice([("上旬", 1, 10), ("中旬", 11, 20), ("下旬", 21, 0)])
        hi = month_end(y, m) if hi_day == 0 else D(y, m, hi_day)
        s.close, s.lo, s.hi = hi, D(y, m, lo_day), hi
        s.close_text = f"{m}月{part}"
    elif r < 0.93:
        s.close = D(2026, 3, 31)
        s.close_text, s.lo, s.hi = "今期中", T_B, s.close
    else:
        s.close, s.close_text, s.lo, s.hi = None, "未定", None, None


def en_close(s: Snap, rng: random.Random) -> None:
    d = s.close
    s.close_text, s.lo, s.hi = (d.isoformat() if d else ""), d, d
    if d is None:
        return
    r = rng.random()
    if r < 0.5 or s.stage in ("won", "lost"):
        if r < 0.25:
            s.close_text = f"{d.month}/{d.day}/{d.year}"
        return
    if r < 0.62:
        s.close = D(2026, 9, 30)
        s.close_text, s.lo, s.hi = "Q3", D(2026, 7, 1), D(2026, 12, 31)
    elif r < 0.72:
        s.close = month_end(2026, 2)
        s.close_text, s.lo, s.hi = "next month", D(2026, 2, 1), s.close
    elif r < 0.85:
        s.close = D(2026, 3, 31)
        s.close_text, s.lo, s.hi = "end of Mar", s.close, s.close
    elif r < 0.93:
        s.close_text = d.strftime("%b %d, %Y")
    else:
        s.close, s.close_text, s.lo, s.hi = None, "TBD", None, None


def b_amount(s: Snap, rng: random.Random) -> None:
    a = s.amount
    man = a / 10_000
    man_s = f"{man:,.1f}".rstrip("0").rstrip(".")
    r = rng.random()
    if r < 0.7:
        s.amount_text = int(man) if man == int(man) else round(man, 1)
    elif r < 0.8:
        s.amount_text = man_s
    elif r < 0.9 and man == int(man):
        s.amount_text = f"{int(man)}万"
    elif r < 0.95:
        s.amount_text = f"{man_s}万円"
    else:
        s.amount, s.amount_text = None, "未定"


def en_amount(s: Snap, rng: random.Random) -> None:
    a = s.amount
    r = rng.random()
    if r < 0.45:
        s.amount_text = str(a)
    elif r < 0.65:
        s.amount_text = f"¥{a:,}"
    elif r < 0.8 and a % 100_000 == 0:
        s.amount_text = f"{a / 1_000_000:g}M"
    elif r < 0.9 and a % 100_000 == 0:
        s.amount_text = f"JPY {a / 1_000_000:g}M"
    elif r < 0.96:
        s.amount_text = f"{a:,}"
    else:
        s.amount, s.amount_text = None, ""


# ---------------------------------------------------------------- writing


class Truth:
    COLUMNS = ["file", "sheet", "row", "kind", "is_data", "company_entity", "contact_entity",
               "deal_entity", "linked_deal", "stage", "stage_alt", "stage_word", "close_date",
               "close_lo", "close_hi", "close_raw", "amount"]  # fmt: skip

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, file: str, sheet: str, row: int, kind: str, **kw) -> None:
        rec = {c: "" for c in self.COLUMNS}
        rec.update(file=file, sheet=sheet, row=row, kind=kind,
                   is_data=int(kind in ("deal", "lead", "company")))  # fmt: skip
        for k, v in kw.items():
            rec[k] = "" if v is None else (v.isoformat() if isinstance(v, dt.date) else v)
        self.rows.append(rec)

    def snap(self, file: str, sheet: str, row: int, d: Deal, s: Snap) -> None:
        self.add(file, sheet, row, "deal", company_entity=d.company.code,
                 contact_entity=d.contact.pid, deal_entity=d.did, stage=s.stage,
                 stage_alt="|".join(s.word.alt), stage_word=s.word.text, close_date=s.close,
                 close_lo=s.lo, close_hi=s.hi, amount=s.amount,
                 close_raw=s.close_text if isinstance(s.close_text, str) else "(date cell)")  # fmt: skip


def save_xlsx(wb, path: Path, when: dt.date) -> None:
    """Save with fixed document dates and zip timestamps, so a rerun gives the same bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    stamp = f"{when.isoformat()}T09:00:00Z"
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:created[^>]*>)[^<]*", rf"\g<1>{stamp}", text)
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", rf"\g<1>{stamp}", text)
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(
                info.filename, date_time=(when.year, when.month, when.day, 9, 0, 0)
            )
            zi.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(zi, data)


def new_book():
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "sales-ops"
    wb.properties.lastModifiedBy = "sales-ops"
    return wb


def write_sfdc(w: World, out: Path, truth: Truth) -> None:
    rng = w.rng
    wb = new_book()
    ws = wb.active
    ws.title = "商談レポート"
    sheet = ws.title
    ws["A1"] = "商談パイプライン（全商談）"
    truth.add(F_SF, sheet, 1, "title")
    ws["A2"] = "作成者: システム管理者　作成日時: 2025/09/30 18:05　フィルタ: すべての商談"
    truth.add(F_SF, sheet, 2, "title")
    header = ["商談名", "取引先名", "取引先責任者", "フェーズ", "確度(%)", "金額", "完了予定日",
              "商談 所有者", "作成日", "最終更新日", "次のステップ"]  # fmt: skip
    ws.append([])
    ws.append(header)
    truth.add(F_SF, sheet, 4, "header")
    steps = ["", "", "見積再提出", "決裁者同席の打合せ", "デモ日程調整", "価格回答待ち", ""]
    items = [(d, s) for d in w.deals for s in d.snaps if s.file == F_SF]
    items.sort(key=lambda t: (t[1].close or D(2100, 1, 1), t[0].did))
    total = 0
    for d, s in items:
        word, prob = rng.choice([(wd, p) for wd, p in vocab.SFDC_JA if wd.stage == s.stage])
        s.word = word
        s.lo = s.hi = s.close
        upd = rand_date(rng, max(d.created, T_SF - dt.timedelta(days=120)), T_SF)
        ws.append([deal_name(d, F_SF, rng), company_as(d.company, F_SF, rng),
                   f"{d.contact.sur[0]} {d.contact.given[0]}", word.text, prob, s.amount,
                   s.close, d.owner_ja, d.created, upd, rng.choice(steps) or None])  # fmt: skip
        r = ws.max_row
        ws.cell(r, 6).number_format = '"¥"#,##0'
        for c in (7, 9, 10):
            ws.cell(r, c).number_format = "yyyy/mm/dd"
        total += s.amount or 0
        truth.snap(F_SF, sheet, r, d, s)
    ws.append([])
    ws.append(["合計", None, None, None, None, total])
    ws.cell(ws.max_row, 6).number_format = '"¥"#,##0'
    truth.add(F_SF, sheet, ws.max_row, "total")
    ws.append([])
    ws.append(["機密情報 - 配布禁止"])
    truth.add(F_SF, sheet, ws.max_row, "note")
    ws.append(["Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."])
    truth.add(F_SF, sheet, ws.max_row, "note")
    save_xlsx(wb, out / F_SF, T_SF)


def write_yomi(w: World, out: Path, truth: Truth) -> None:
    rng = w.rng
    wb = new_book()
    ws = wb.active
    ws.title = "ヨミ表"
    sheet = ws.title
    ws["A1"] = "第二営業部 ヨミ表（2026年1月度）"
    truth.add(F_B, sheet, 1, "title")
    ws["A2"] = "最終更新：2026/1/20　金額単位：万円（税抜）"
    truth.add(F_B, sheet, 2, "title")
    ws.append([])
    ws.append(headers(w.seed, F_B, ["No.", "得意先", "部署", "ご担当者", "案件名", "商材",
               "見込金額(万円)", "ヨミ", "状況", "受注予定", "担当営業", "最終更新日", "備考"]))  # fmt: skip
    truth.add(F_B, sheet, 4, "header")
    notes = ["", "", "", "前回見積より減額", "来期予算化待ち", "部長決裁済", "競合2社",
             "リプレース案件", "要再見積", "先方担当異動"]  # fmt: skip
    items = [(d, s) for d in w.deals for s in d.snaps if s.file == F_B]
    by_rep: dict[str, list] = {}
    for d, s in items:
        by_rep.setdefault(d.owner_ja if d.team == "ja" else rng.choice(REPS_JA), []).append((d, s))
    n = 0
    grand = 0.0
    latest_set = False
    for rep in sorted(by_rep):
        ws.append([None, f"■ {rep}"])
        truth.add(F_B, sheet, ws.max_row, "section")
        sub = 0.0
        rows = sorted(by_rep[rep], key=lambda t: (t[1].close or D(2100, 1, 1), t[0].did))
        for d, s in rows:
            fam = vocab.YOMI[s.stage]
            s.word = pick(rng, fam)
            b_close(s, rng)
            b_amount(s, rng)
            upd = T_B if not latest_set else rand_date(rng, D(2025, 12, 1), T_B)
            latest_set = True
            n += 1
            rank = vocab.YOMI_RANK[s.stage] or ("済" if s.stage == "won" else "-")
            values = [n, company_as(d.company, F_B, rng),
                      (d.dept_tag or d.contact.dept)[0] if d.dept_tag or rng.random() < 0.7 else None,
                      person_ja(d.contact, rng), deal_name(d, F_B, rng), d.product[0],
                      s.amount_text, rank, s.word.text, s.close_text, rep, upd,
                      rng.choice(notes) or None]  # fmt: skip
            copies = 2 if rng.random() < 0.04 else 1  # a row pasted twice
            for _ in range(copies):
                ws.append(values)
                r = ws.max_row
                for c in (10, 12):
                    if isinstance(ws.cell(r, c).value, dt.date):
                        ws.cell(r, c).number_format = "yyyy/m/d"
                truth.snap(F_B, sheet, r, d, s)
                if isinstance(s.amount, int):
                    sub += s.amount / 10_000
        ws.append([None, "小計", None, None, None, None, round(sub, 1)])
        truth.add(F_B, sheet, ws.max_row, "subtotal")
        grand += sub
    ws.append([None, "合計", None, None, None, None, round(grand, 1)])
    truth.add(F_B, sheet, ws.max_row, "total")
    ws.append([])
    for text in ["※金額は税抜・万円単位。未定は見積前。", "※ヨミは「確度基準」シート参照。"]:
        ws.append([text])
        truth.add(F_B, sheet, ws.max_row, "note")
    legend = wb.create_sheet("確度基準")
    legend.append(["ヨミ", "定義", "確度(%)"])
    for row in vocab.YOMI_LEGEND:
        legend.append(list(row))
    save_xlsx(wb, out / F_B, T_B)


def write_english(w: World, out: Path, truth: Truth) -> None:
    rng = w.rng
    items = [(d, s) for d in w.deals for s in d.snaps if s.file == F_EN]
    items.sort(key=lambda t: (t[0].created, t[0].did))
    lines = [headers(w.seed, F_EN, ["opportunity_id", "account", "opportunity", "contact", "contact_email",
              "sales_agent", "engage_date", "close_date", "deal_stage", "forecast",
              "close_value", "last_activity", "notes"])]  # fmt: skip
    notes = ["", "", "", "champion left", "security review", "legal redlines", "budget Q2"]
    for i, (d, s) in enumerate(items):
        s.word = pick(rng, vocab.ENGLISH[s.stage])
        en_close(s, rng)
        en_amount(s, rng)
        c = d.contact
        contact = f"{c.given[1]} {c.sur[1]}" if rng.random() < 0.8 else f"{c.sur[1]}, {c.given[1]}"
        last = rand_date(rng, max(d.created, D(2025, 11, 1)), T_EN)
        lines.append([f"OPP-{10200 + i * 7}", company_as(d.company, F_EN, rng),
                      deal_name(d, F_EN, rng), contact, c.email, d.owner_en,
                      d.created.isoformat(), s.close_text, s.word.text,
                      rng.choice(vocab.FORECAST[s.stage]), s.amount_text, last.isoformat(),
                      rng.choice(notes)])  # fmt: skip
        truth.snap(F_EN, "", len(lines), d, s)
    with open(out / F_EN, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(lines)


def write_kintone(w: World, out: Path, truth: Truth) -> None:
    """kintone 案件管理 export: cp932, every field quoted, 見込み時期 as a month, ranks A-C."""
    rng = w.rng
    items = [(d, s) for d in w.deals for s in d.snaps if s.file == F_KT]
    items.sort(key=lambda t: (t[0].created, t[0].did))
    lines = [["レコード番号", "顧客名", "部署名", "担当者名", "案件名", "製品名", "金額", "確度",
              "見込み時期", "ステータス", "営業担当", "作成日時", "更新日時", "更新者"]]  # fmt: skip
    for i, (d, s) in enumerate(items):
        s.word = pick(rng, vocab.KINTONE[s.stage])
        if s.close is not None and s.stage not in ("won", "lost"):
            y, m = s.close.year, s.close.month
            s.close, s.lo, s.hi = month_end(y, m), D(y, m, 1), month_end(y, m)
            s.close_text = f"{y}-{m:02d}" if rng.random() < 0.6 else f"{y}年{m}月"
        else:
            s.lo = s.hi = s.close
            s.close_text = s.close.isoformat() if s.close else ""
        made = dt.datetime.combine(d.created, dt.time(rng.randint(9, 19), rng.randint(0, 59)))
        upd = dt.datetime.combine(rand_date(rng, max(d.created, D(2025, 10, 1)), T_KT),
                                  dt.time(rng.randint(9, 19), rng.randint(0, 59)))  # fmt: skip
        rep = d.owner_ja
        lines.append([str(101 + i * 3), company_as(d.company, F_KT, rng), (d.dept_tag or d.contact.dept)[0],
                      f"{d.contact.sur[0]} {d.contact.given[0]}", deal_name(d, F_KT, rng),
                      d.product[0], "" if s.amount is None else str(s.amount),
                      vocab.KINTONE_RANK[s.stage], s.close_text, s.word.text, rep,
                      made.strftime("%Y-%m-%d %H:%M"), upd.strftime("%Y-%m-%d %H:%M"), rep])  # fmt: skip
        truth.snap(F_KT, "", len(lines), d, s)
    with open(out / F_KT, "w", encoding="cp932", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(lines)


def write_leads(w: World, out: Path, truth: Truth) -> None:
    rng = w.rng
    wb = new_book()
    ws = wb.active
    ws.title = "リード一覧"
    sheet = ws.title
    ws["A1"] = "インサイドセールス リード管理（2025年下期）"
    truth.add(F_IS, sheet, 1, "title")
    ws.append(headers(w.seed, F_IS, ["No", "法人名", "部署名", "役職", "氏名", "メールアドレス",
               "電話番号", "流入経路", "初回接触日", "IS担当", "ステータス", "商談化日", "メモ"]))  # fmt: skip
    truth.add(F_IS, sheet, 2, "header")
    deal_of = {}
    for d in w.deals:
        if d.snaps[-1].file == F_B and d.created > D(2025, 7, 1):
            deal_of.setdefault(d.contact.pid, d)
    n_leads = int(len(w.deals) * 0.8)
    people = []
    known = [p for p in w.persons if p.pid in deal_of]
    people += rng.sample(known, min(len(known), n_leads // 3))
    while len(people) < n_leads:
        c = rng.choice(w.active + w.others[: len(w.others) // 2])
        p = make_person(rng, c, len(w.persons) + 1)
        w.persons.append(p)
        people.append(p)
    rng.shuffle(people)
    memos = ["", "", "", "予算は来期", "競合比較中", "決裁者不明", "資料のみ希望"]
    for i, p in enumerate(people, 1):
        linked = deal_of.get(p.pid)
        if linked is not None:
            word = next(x for x in vocab.LEAD_STATUS if x.text == "商談化")
        else:
            word = (
                pick(rng, [x for x in vocab.LEAD_STATUS if x.text != "商談化"])
                if (rng.random() < 0.85)
                else next(x for x in vocab.LEAD_STATUS if x.text == "商談化")
            )
        first = rand_date(rng, D(2025, 7, 1), D(2025, 12, 20))
        conv = rand_date(rng, first, T_IS) if word.text == "商談化" else None
        name = f"{p.sur[0]} {p.given[0]}" if rng.random() < 0.85 else f"{p.sur[0]}{p.given[0]}"
        ws.append([i, company_as(p.company, F_IS, rng), p.dept[0], p.title or None, name,
                   p.email, p.phone, rng.choice(SOURCES_IS), first, rng.choice(REPS_IS),
                   word.text, conv, rng.choice(memos) or None])  # fmt: skip
        r = ws.max_row
        for c in (9, 12):
            ws.cell(r, c).number_format = "yyyy/m/d"
        truth.add(F_IS, sheet, r, "lead", company_entity=p.company.code,
                  contact_entity=p.pid, linked_deal=linked.did if linked else "",
                  stage=word.stage, stage_alt="|".join(word.alt), stage_word=word.text)  # fmt: skip
    defs = wb.create_sheet("ステータス定義")
    defs.append(["ステータス", "意味"])
    for text, meaning in [("新規", "未接触"), ("不通", "3回架電で不通"), ("MQL判定済", "スコア基準到達"),
                          ("アポ確定", "FS初回訪問の日程確定"), ("商談化", "FSへ引き渡し済"),
                          ("対象外", "ターゲット外・競合"), ("ナーチャリング", "MAで育成")]:  # fmt: skip
        defs.append([text, meaning])
    save_xlsx(wb, out / F_IS, T_IS)


def write_listing(w: World, out: Path, truth: Truth) -> None:
    rng = w.rng
    wb = new_book()
    ws = wb.active
    ws.title = "Sheet1"
    sheet = ws.title
    ws.append(["日付", "コード", "銘柄名", "市場・商品区分", "33業種コード", "33業種区分",
               "17業種コード", "17業種区分", "規模コード", "規模区分"])  # fmt: skip
    truth.add(F_LIST, sheet, 1, "header")
    codes = rng.sample(range(1300, 9990), len(w.companies))
    listed = sorted(zip(codes, w.companies), key=lambda t: t[0])
    sectors: dict[str, int] = {}
    for code, c in listed:
        c.ticker = str(code)
        sec = sectors.setdefault(c.industry, 50 + 50 * len(sectors))
        market = rng.choices(["プライム（内国株式）", "スタンダード（内国株式）", "グロース（内国株式）"],
                             weights=[5, 4, 1])[0]  # fmt: skip
        size = rng.choice(
            [("4", "TOPIX Small 1"), ("6", "TOPIX Small 2"), ("7", "TOPIX Mid400"), ("-", "-")]
        )
        ws.append(
            [20251230, c.ticker, c.short, market, sec, c.industry, "-", "-", size[0], size[1]]
        )
        truth.add(F_LIST, sheet, ws.max_row, "company", company_entity=c.code)
    save_xlsx(wb, out / F_LIST, T_LIST)


def write_truth(w: World, out: Path, truth: Truth, seed: int) -> None:
    tdir = out / "truth"
    tdir.mkdir(parents=True, exist_ok=True)
    with open(tdir / "rows.csv", "w", encoding="utf-8", newline="") as fh:
        wr = csv.DictWriter(fh, Truth.COLUMNS, lineterminator="\n")
        wr.writeheader()
        wr.writerows(truth.rows)
    where = {}
    for r in truth.rows:
        if r["kind"] == "deal":
            where.setdefault((r["deal_entity"], r["file"]), (r["file"], r["sheet"], r["row"]))
    deals = []
    for d in w.deals:
        s = d.snaps[-1]
        f, sh, row = where[(d.did, s.file)]
        deals.append({
            "deal_entity": d.did, "company_entity": d.company.code, "file": f, "sheet": sh,
            "row": row, "snapshots": len(d.snaps), "stage": s.stage,
            "stage_alt": "|".join(s.word.alt), "stage_word": s.word.text,
            "close_date": s.close.isoformat() if s.close else "",
            "close_lo": s.lo.isoformat() if s.lo else "",
            "close_hi": s.hi.isoformat() if s.hi else "",
            "amount": "" if s.amount is None else s.amount,
            "family": "renewal"
            if d.fy
            else ("department" if d.dept_tag else ("twin" if d.twin else "")),
        })  # fmt: skip
    with open(tdir / "deals.csv", "w", encoding="utf-8", newline="") as fh:
        wr = csv.DictWriter(fh, list(deals[0]), lineterminator="\n")
        wr.writeheader()
        wr.writerows(deals)
    kinds: dict[str, int] = {}
    for r in truth.rows:
        kinds[f"{r['file']}:{r['kind']}"] = kinds.get(f"{r['file']}:{r['kind']}", 0) + 1
    meta = {
        "seed": seed,
        "reference_date": T_B.isoformat(),
        "snapshots": {
            F_SF: T_SF.isoformat(),
            F_KT: T_KT.isoformat(),
            F_IS: T_IS.isoformat(),
            F_EN: T_EN.isoformat(),
            F_B: T_B.isoformat(),
            F_LIST: T_LIST.isoformat(),
        },  # fmt: skip
        "deals": len(w.deals),
        "deals_with_snapshots": sum(len(d.snaps) > 1 for d in w.deals),
        "rows": kinds,
    }
    (tdir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    columns = {
        f: {
            sh: {header_of(w.seed, f, h): v for h, v in cols.items()} for sh, cols in sheets.items()
        }
        for f, sheets in COLUMNS.items()
    }
    (tdir / "columns.json").write_text(json.dumps(columns, ensure_ascii=False, indent=1) + "\n")


# Header words that differ between teams: seed 1 writes the first, seed 2 the second, ...
# so the hold-out seed also tests headers the tuning seed never showed.
HEADER_ALTS = {
    F_EN: {
        "account": ["account", "customer", "company"],
        "sales_agent": ["sales_agent", "rep", "AE"],
        "engage_date": ["engage_date", "first contact", "first_contact_date"],
    },
    F_B: {"得意先": ["得意先", "社名", "顧客名"], "担当営業": ["担当営業", "営業担当者", "営業"]},
    F_IS: {
        "法人名": ["法人名", "会社名", "社名"],
        "初回接触日": ["初回接触日", "初回コンタクト日", "リード獲得日"],
    },
}


def header_of(seed: int, file: str, default: str) -> str:
    alts = HEADER_ALTS.get(file, {}).get(default)
    return alts[(seed - 1) % len(alts)] if alts else default


def headers(seed: int, file: str, defaults: list[str]) -> list[str]:
    return [header_of(seed, file, h) for h in defaults]


# What each header means, judged by a person reading the sheet ("*" = either way is fine).
COLUMNS = {
    F_SF: {"商談レポート": {
        "商談名": "deal_name", "取引先名": "company_name", "取引先責任者": "contact_name",
        "フェーズ": "stage", "確度(%)": "probability", "金額": "amount", "完了予定日": "close_date",
        "商談 所有者": "owner", "作成日": "created_at", "最終更新日": "updated_at",
        "次のステップ": "next_action"}},
    F_B: {"ヨミ表": {
        "No.": "*", "得意先": "company_name", "部署": "department", "ご担当者": "contact_name",
        "案件名": "deal_name", "商材": "product", "見込金額(万円)": "amount", "ヨミ": "probability",
        "状況": "stage", "受注予定": "close_date", "担当営業": "owner", "最終更新日": "updated_at",
        "備考": "notes"}},
    F_EN: {"": {
        "opportunity_id": "record_id", "account": "company_name", "opportunity": "deal_name",
        "contact": "contact_name", "contact_email": "email", "sales_agent": "owner",
        "engage_date": "created_at", "close_date": "close_date", "deal_stage": "stage",
        "forecast": "*", "close_value": "amount", "last_activity": "updated_at", "notes": "notes"}},
    F_KT: {"": {
        "レコード番号": "record_id", "顧客名": "company_name", "部署名": "department",
        "担当者名": "contact_name", "案件名": "deal_name", "製品名": "product", "金額": "amount",
        "確度": "probability", "見込み時期": "close_date", "ステータス": "stage",
        "営業担当": "owner", "作成日時": "created_at", "更新日時": "updated_at", "更新者": "*"}},
    F_IS: {"リード一覧": {
        "No": "*", "法人名": "company_name", "部署名": "department", "役職": "contact_title",
        "氏名": "contact_name", "メールアドレス": "email", "電話番号": "phone",
        "流入経路": "lead_source", "初回接触日": "created_at", "IS担当": "owner",
        "ステータス": "stage", "商談化日": "*", "メモ": "notes"}},
    F_LIST: {"Sheet1": {
        "日付": "*", "コード": "*", "銘柄名": "company_name", "市場・商品区分": "*",
        "33業種コード": "*", "33業種区分": "*", "17業種コード": "*", "17業種区分": "*",
        "規模コード": "*", "規模区分": "*"}},
}  # fmt: skip


def generate(seed: int, out: Path, deals: int = 110) -> Path:
    """Write the trackers and their truth into ``out``; returns ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    w = World(seed, deals)
    truth = Truth()
    write_sfdc(w, out, truth)
    write_kintone(w, out, truth)
    write_english(w, out, truth)
    write_yomi(w, out, truth)
    write_leads(w, out, truth)
    write_listing(w, out, truth)
    write_truth(w, out, truth, seed)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--deals", type=int, default=110, help="deals before look-alike families")
    args = ap.parse_args(argv)
    generate(args.seed, args.out, args.deals)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
