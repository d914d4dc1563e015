"""Generate the hold-out workbooks that measure header and column detection.

Nine trackers whose conventions differ from sample_data/: other header words real teams
use (引合先, ご担当者様, 見込み確度, Est. Close, Opp Owner, Deal Value (USD)...), header
rows anywhere from 1 to 25, title and approval blocks, a two-row header, a table that
starts in column C, report footers, and columns whose header says nothing but whose
content does (連絡先 full of e-mail addresses, an unnamed column of mobile numbers).

The headers here were written from real trackers, NOT from rules/columns.yaml: this set
measures that synonym list, so never tune it on these files.

Writes bench/holdout/data/* and bench/holdout/truth.json (same shape as
sample_data/truth/layout.json: file -> sheet -> kind, header_row, data_rows, columns).
Deterministic: fixed seed, fixed dates, fixed zip timestamps. The names, the header words
and the words and numbers of the cells are data (bench/trackerkit/vocab/holdout.yaml);
what stays here is each file's layout. Sheets and writers are trackerkit's.

    .venv/bin/python bench/holdout/generate.py [OUT_DIR]
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trackerkit import vocab  # noqa: E402
from trackerkit.sheet import Fmt, Formula, Sheet, layout_entry  # noqa: E402
from trackerkit.writers import repack_zip, write_rows, write_sheets  # noqa: E402

HERE = Path(__file__).resolve().parent
SEED = 7340
FIXED_TIME = datetime(2026, 2, 27, 17, 30, 0)
ZIP_TIME = (2026, 2, 27, 17, 30, 0)
BASE = date(2026, 2, 27)

V = vocab.load(
    "holdout",
    keys=["surnames", "given", "co_first", "co_second", "en_companies", "en_people"]
    + ["products_ja", "products_en", "areas", "legal_forms", "titles_ja", "titles_en"]
    + ["columns", "values"],
)
SURNAMES, GIVEN, CO_FIRST, CO_SECOND = V["surnames"], V["given"], V["co_first"], V["co_second"]
EN_COMPANIES, EN_PEOPLE, AREAS = V["en_companies"], V["en_people"], V["areas"]
PRODUCTS_JA, PRODUCTS_EN = V["products_ja"], V["products_en"]
COLUMNS = V["columns"]  # file builder -> [[header, field], ...]
VALUES = V["values"]  # file builder -> the words and numbers its cells are drawn from


@dataclass
class Person:
    last: str
    first: str
    kana: str
    email: str
    phone: str
    mobile: str
    title: str

    @property
    def name(self) -> str:
        return f"{self.last} {self.first}"


@dataclass
class Org:
    name: str
    kana: str
    industry: str
    domain: str
    address: str
    postal: str
    phone: str
    people: list[Person] = field(default_factory=list)

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}/"


# --------------------------------------------------------------------------- people and companies


class World:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.orgs: list[Org] = []
        self.en_orgs: list[Org] = []
        rng = self.rng
        pairs = [(a, b) for a in CO_FIRST for b in CO_SECOND]
        rng.shuffle(pairs)
        for a, b in pairs[:45]:
            area, addr, postal = rng.choice(AREAS)
            legal = rng.choice(V["legal_forms"])
            if b[0] == "病院":
                legal = "医療法人"
            name = f"{legal}{a[0]}{b[0]}" if rng.random() < 0.6 else f"{a[0]}{b[0]}{legal}"
            org = Org(
                name=name,
                kana=a[1] + b[1],
                industry=b[3],
                domain=f"{a[2].lower()}-{b[2].lower()}.jp",
                address=f"{addr}{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                postal=f"{postal}{rng.randint(10, 99)}",
                phone=self.phone(area),
            )
            for _ in range(rng.randint(1, 3)):
                s, g = rng.choice(SURNAMES), rng.choice(GIVEN)
                org.people.append(
                    Person(
                        last=s[0],
                        first=g[0],
                        kana=f"{s[1]} {g[1]}",
                        email=f"{g[2].lower()}.{s[2].lower()}@{org.domain}",
                        phone=self.phone(area) if rng.random() < 0.5 else org.phone,
                        mobile=self.mobile(),
                        title=rng.choice(V["titles_ja"]),
                    )
                )
            self.orgs.append(org)
        for en in EN_COMPANIES:
            domain = en.lower().replace(" ", "") + ".com"
            org = Org(
                name=rng.choice([f"{en} Inc.", f"{en} Ltd.", f"{en} Japan K.K.", en]),
                kana="",
                industry="",
                domain=domain,
                address="",
                postal="",
                phone=self.phone("03"),
            )
            for _ in range(rng.randint(1, 2)):
                fn, ln = rng.choice(EN_PEOPLE)
                org.people.append(
                    Person(
                        last=ln,
                        first=fn,
                        kana="",
                        email=f"{fn[0].lower()}{ln.lower().replace(chr(39), '')}@{domain}",
                        phone=self.phone("03"),
                        mobile=self.mobile(),
                        title=rng.choice(V["titles_en"]),
                    )
                )
            self.en_orgs.append(org)

    def phone(self, area: str) -> str:
        r = self.rng
        if len(area) == 2:
            return f"{area}-{r.randint(3000, 6999)}-{r.randint(0, 9999):04d}"
        return f"{area}-{r.randint(200, 999)}-{r.randint(0, 9999):04d}"

    def mobile(self) -> str:
        r = self.rng
        return f"{r.choice(['090', '080', '070'])}-{r.randint(1000, 9999)}-{r.randint(0, 9999):04d}"

    def day(self, lo: int, hi: int) -> date:
        return BASE + timedelta(days=self.rng.randint(lo, hi))


# --------------------------------------------------------------------------- the nine files


def inquiry_ledger(w: World) -> list[Sheet]:
    """営業1課_引合管理表.xlsx: a form-like title block with approval boxes, header on row 8, 千円."""
    v = VALUES["inquiry_ledger"]
    rng = w.rng
    s = Sheet("引合管理")
    spec = COLUMNS["inquiry_ledger"]
    s.add(["引 合 管 理 表"] + [None] * 10 + ["課長", "部長", "本部長"])  # approval boxes
    s.merges.append((1, 0, 1, 8, "引 合 管 理 表"))
    s.add(["営業本部 営業1課"] + [None] * 10 + ["印"] + [None] * 2)
    s.add([f"作成日：{BASE.year}年{BASE.month}月{BASE.day}日"] + [None] * 13)
    s.add(["作成者：原田"])
    s.add([])
    s.add(
        [
            "【記入要領】金額は千円単位（税抜）。確度は0〜100で入力。ステータスは「引合」「見積中」「受注」「失注」"
        ]
    )
    s.add([])
    s.header(spec)
    for i in range(46):
        org = rng.choice(w.orgs)
        p = rng.choice(org.people)
        amt_k = rng.choice(v["amount"])
        st = rng.choice(v["stage"])
        s.record(
            {
                "record_id": f"H-{2601 + i}",
                "created_at": w.day(-120, -5),
                "company_name": org.name,
                "department": rng.choice(v["department"]),
                "contact_name": f"{p.name} 様",
                "phone": p.phone,
                "mobile_phone": p.mobile if rng.random() < 0.5 else None,
                "email": p.email,
                "deal_name": f"{rng.choice(PRODUCTS_JA)}のご提案",
                "amount": Fmt(amt_k, "#,##0"),
                "close_date": w.day(5, 150),
                "probability": v["probability"][st],
                "stage": st,
                "owner": rng.choice(v["owner"]),
                "notes": rng.choice(v["notes"]),
            }
        )
        if i in (14, 31):
            s.add([])
    amounts = [s.rows[r - 1][9].value for r in s.data_rows]
    s.add([None, None, "計"] + [None] * 6 + [Formula(f"=SUM(J9:J{s.next_row - 1})", sum(amounts))])
    s.notes = "form title block with approval boxes (課長/部長/本部長) rows 1-7, header row 8, amounts in 千円, a 計 row"
    return [s]


def opportunity_export(w: World) -> list[Sheet]:
    """Opportunity_Export_Q1.xlsx: a CRM report export, header row 1, report footer below."""
    v = VALUES["opportunity_export"]
    rng = w.rng
    s = Sheet("Opportunities", date_format="m/d/yyyy")
    spec = COLUMNS["opportunity_export"]
    s.header(spec)
    for _ in range(58):
        org = rng.choice(w.en_orgs + w.orgs[:10])
        p = rng.choice(org.people)
        st = rng.choice(v["stage"])
        s.record(
            {
                "record_id": f"006Q{rng.randrange(16**10):010X}",
                "company_name": org.name,
                "deal_name": f"{org.name.split(' ')[0]} - {rng.choice(PRODUCTS_EN)}",
                "contact_name": f"{p.first} {p.last}",
                "contact_title": p.title or None,
                "email": p.email,
                "phone": "+81 " + p.phone[1:].replace("-", " "),
                "amount": Fmt(rng.choice(v["amount"]), "$#,##0"),
                "stage": st,
                "probability": Fmt(
                    v["probability"][st],
                    "0%",
                ),
                "close_date": w.day(-30, 120),
                "owner": rng.choice(v["owner"]),
                "lead_source": rng.choice(v["lead_source"]),
                "lead_score": rng.randint(5, 99),
                "industry": org.industry or rng.choice(v["industry"]),
                "address": org.address or None,
                "postal_code": org.postal or None,
                "website": org.website,
                "created_at": w.day(-200, -40),
                "updated_at": Fmt(
                    datetime.combine(w.day(-30, 0), datetime.min.time())
                    + timedelta(hours=rng.randint(8, 19)),
                    "m/d/yyyy h:mm AM/PM",
                ),
                "next_action": rng.choice(v["next_action"]),
            }
        )
    s.add([])
    s.add(["Grand Totals (58 records)"])
    s.add([])
    s.add(["Confidential Information - Do Not Distribute"])
    s.add([f"Generated By: Jordan Blake {BASE.month}/{BASE.day}/{BASE.year} 5:12 PM"])
    s.add(["Sample CRM, Inc."])
    s.notes = (
        "CRM report export: header row 1, footer rows (Grand Totals, Confidential, Generated By)"
    )
    return [s]


def agency_deals(w: World) -> list[Sheet]:
    """代理店経由案件_2026.xlsx: title row 1, group row 3 over field row 4, 連絡先 holds e-mails."""
    v = VALUES["agency_deals"]
    rng = w.rng
    s = Sheet("代理店案件")
    spec = COLUMNS["agency_deals"]
    s.add(["2026年度 代理店経由 案件一覧（パートナー：株式会社九州ビジネスサポート）"])
    s.add([])
    groups = v["groups"]
    row = [None] * len(spec)
    for label, c0, c1 in groups:
        row[c0] = label
        if c1 > c0:
            s.merges.append((3, c0, 3, c1, label))
    s.add(row)
    s.group_row = 3
    s.header(spec)
    for i in range(40):
        org = rng.choice(w.orgs)
        p = rng.choice(org.people)
        month = w.day(20, 200)
        s.record(
            {
                "record_id": f"P26-{i + 1:03d}",
                "company_name": org.name,
                "industry": org.industry,
                "address": org.address,
                "postal_code": org.postal,
                "contact_name": p.name,
                "contact_name_kana": p.kana,
                "email": p.email,
                "phone": p.phone,
                "product": rng.choice(PRODUCTS_JA),
                "amount": Fmt(rng.choice(v["amount"]), "¥#,##0"),
                "probability": rng.choice(v["probability"]),
                "stage": rng.choice(v["stage"]),
                "close_date": f"{month.year}年{month.month}月",
                "owner": rng.choice(v["owner"]),
                "created_at": w.day(-90, 0),
            }
        )
    s.notes = "title row 1, group row 3 (merged お客様情報 / ご担当者 / 案件情報 / 当社), field row 4; 連絡先 is all e-mail addresses; 完了予定月 is a month"
    return [s]


def expo_cards(w: World) -> tuple[list[str], list[list[str]], dict[str, str | None]]:
    """展示会名刺リスト.csv: business-card scans from a trade show, cp932."""
    v = VALUES["expo_cards"]
    rng = w.rng
    spec = COLUMNS["expo_cards"]
    rows = []
    for _ in range(64):
        org = rng.choice(w.orgs)
        p = rng.choice(org.people)
        visit = date(2026, 2, rng.choice(v["visit_day"]))
        rows.append(
            [
                org.name, rng.choice(v["department"]), p.title, p.name,
                "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in p.kana), p.email, p.phone,
                p.mobile if rng.random() < 0.6 else "", "〒" + org.postal, org.address,
                rng.choice(PRODUCTS_JA), f"{visit.year}/{visit.month}/{visit.day}",
                rng.choice(v["検討時期"]),
                rng.choice(v["notes"]),
            ]
        )  # fmt: skip
    return [h for h, _ in spec], rows, dict(spec)


def pipeline_csv(w: World) -> tuple[list[str], list[list[str]], dict[str, str | None]]:
    """customer_pipeline_v3_FINAL.csv: terse snake_case headers, semicolons, UTF-8 without BOM."""
    v = VALUES["pipeline_csv"]
    rng = w.rng
    spec = COLUMNS["pipeline_csv"]
    rows = []
    for _ in range(52):
        org = rng.choice(w.en_orgs + w.orgs)
        p = rng.choice(org.people)
        cur = "USD" if org in w.en_orgs else "JPY"
        amt = rng.choice(v["amount_usd"]) if cur == "USD" else rng.choice(v["amount_jpy"])
        close = w.day(0, 180)
        touch = w.day(-40, 0)
        rows.append(
            [
                org.name, f"{rng.choice(PRODUCTS_EN)} ({org.name.split(' ')[0]})", f"{p.first} {p.last}" if cur == "USD" else p.name,
                p.email, p.phone.replace("-", ""), str(amt), cur, rng.choice(v["stage"]),
                str(rng.choice(v["probability"])), close.isoformat(), rng.choice(v["owner"]),
                rng.choice(v["lead_source"]), touch.isoformat(), rng.choice(v["notes"]),
            ]
        )  # fmt: skip
    return [h for h, _ in spec], rows, dict(spec)


def kyushu_list(w: World) -> list[Sheet]:
    """九州_案件一覧.xlsx: a KPI summary block above the list, header on row 25, ◎○△× forecast marks."""
    v = VALUES["kyushu_list"]
    rng = w.rng
    s = Sheet("案件一覧")
    s.add(["九州営業所 案件一覧"])
    s.add([])
    s.add(["■ 月別目標・実績（千円）"])
    s.add(["月", "目標", "実績", "達成率"])
    for m in range(4, 13):
        target = rng.choice(v["target"])
        actual = int(target * rng.uniform(0.6, 1.2))
        s.add([f"{m}月", target, actual, Fmt(actual / target, "0%")])
    for m in range(1, 4):
        target = 12000
        actual = int(target * rng.uniform(0.5, 1.1))
        s.add([f"{m}月", target, actual, Fmt(actual / target, "0%")])
    s.add(["合計", 120000, 111000, Fmt(0.925, "0%")])
    s.add([])
    s.add(["※見込：◎ 受注確実 ○ 可能性高 △ 五分五分 × 可能性低"])
    s.add([])
    s.add(["■ 案件明細"])
    while s.next_row < 25:
        s.add([])
    spec = COLUMNS["kyushu_list"]
    s.header(spec)
    for i in range(38):
        org = rng.choice(w.orgs)
        p = rng.choice(org.people)
        s.record(
            {
                "record_id": i + 1,
                "company_name": org.name,
                "contact_name": p.last + rng.choice(v["honorific"]),
                "phone": p.phone,
                "email": p.email if rng.random() < 0.8 else None,
                "deal_name": rng.choice(PRODUCTS_JA) + rng.choice(v["deal_suffix"]),
                "amount": Fmt(rng.choice(v["amount"]), "#,##0"),
                "stage": rng.choice(v["stage"]),
                "probability": rng.choice(v["probability"]),
                "close_date": w.day(0, 150),
                "owner": rng.choice(v["owner"]),
                "updated_at": w.day(-30, 0),
                "next_action": rng.choice(v["next_action"]),
                "next_action_date": w.day(1, 30) if rng.random() < 0.6 else None,
            }
        )
    s.notes = (
        "a month-by-month KPI table (its own header on row 4) above the real list; header row 25"
    )
    return [s]


def partner_tsv(w: World) -> tuple[list[str], list[list[str]], dict[str, str | None]]:
    """partner_deal_registrations.tsv: UTF-16 tab-separated, an unnamed column of mobile numbers."""
    v = VALUES["partner_tsv"]
    rng = w.rng
    spec = COLUMNS["partner_tsv"]
    rows = []
    for i in range(44):
        org = rng.choice(w.orgs + w.en_orgs)
        p = rng.choice(org.people)
        dec = w.day(10, 200)
        reg = w.day(-100, -1)
        rows.append(
            [
                f"DR-{5100 + i}", org.name, f"{p.first} {p.last}" if org in w.en_orgs else p.name, p.email, p.phone,
                p.mobile, f"{rng.choice(PRODUCTS_EN)} for {org.name}", f"{rng.choice(v['amount'])}M",
                "JPY", rng.choice(v["stage"]),
                rng.choice(v["probability"]), dec.strftime("%d/%m/%Y"), rng.choice(v["Partner Rep"]),
                reg.strftime("%d/%m/%Y"), rng.choice(v["notes"]),
            ]
        )  # fmt: skip
    return [h for h, _ in spec], rows, dict(spec)


def visit_reports(w: World) -> list[Sheet]:
    """営業日報_集計.xlsx: the table starts at column C, header on row 6; chart and master sheets."""
    v = VALUES["visit_reports"]
    rng = w.rng
    s = Sheet("日報集計", first_col=2)
    s.add(["営業日報 集計（2026年1月〜2月）"])
    s.add(["集計者：菅原"])
    s.add([])
    s.add(["期間", "2026/1/5〜2026/2/27"])
    s.add([])
    spec = COLUMNS["visit_reports"]
    s.header(spec)
    for _ in range(55):
        org = rng.choice(w.orgs)
        p = rng.choice(org.people)
        decide = w.day(30, 240)
        s.record(
            {
                "updated_at": w.day(-53, 0),
                "company_name": org.name,
                "contact_name": p.name,
                "email": p.email if rng.random() < 0.7 else None,
                "目的": rng.choice(v["目的"]),
                "stage": rng.choice(v["stage"]),
                "amount": rng.choice(v["amount"]),
                "close_date": f"{decide.year}年{decide.month}月頃",
                "notes": rng.choice(v["notes"]) or None,
                "owner": rng.choice(v["owner"]),
            }
        )
    s.notes = "table starts in column C; title and period rows above; header row 6"
    chart = Sheet(
        "グラフ", kind="skipped", reason="chart source: visits per rep per week, not records"
    )
    chart.add(["週", "菅原", "武田", "平野"])
    for wk in range(1, 9):
        chart.add([f"W{wk}", rng.randint(2, 9), rng.randint(2, 9), rng.randint(2, 9)])
    master = Sheet(
        "マスタ", kind="skipped", reason="picklists (目的, 商談フェーズ), not records", hidden=True
    )
    master.add(["目的", "商談フェーズ"])
    for a, b in zip(
        ["定期訪問", "新規提案", "見積説明", "クレーム対応", "契約更新"],
        ["情報収集", "ニーズ把握", "提案", "条件調整", "受注"],
        strict=True,
    ):
        master.add([a, b])
    return [s, chart, master]


def key_accounts(w: World) -> list[Sheet]:
    """KEY_ACCOUNTS_FY26.xlsx: a banner row, header row 2, "Forecast Category" is not the stage, "Info" holds URLs."""
    v = VALUES["key_accounts"]
    rng = w.rng
    s = Sheet("Key Accounts", date_format="yyyy-mm-dd")
    s.add(["CONFIDENTIAL - Key Accounts FY26 (owner: Enterprise Sales)"])
    spec = COLUMNS["key_accounts"]
    s.header(spec)
    for _ in range(30):
        org = rng.choice(w.orgs)
        p = rng.choice(org.people)
        s.record(
            {
                "company_name": org.name,
                "company_name_kana": org.kana,
                "contact_last_name": p.last,
                "contact_first_name": p.first,
                "contact_title": p.title or None,
                "email": p.email,
                "phone": p.phone,
                "mobile_phone": p.mobile,
                "deal_name": f"{rng.choice(PRODUCTS_EN)} - enterprise rollout",
                "amount": Fmt(rng.choice(v["amount"]), "#,##0"),
                "Forecast Category": rng.choice(v["Forecast Category"]),
                "stage": rng.choice(v["stage"]),
                "close_date": w.day(30, 300),
                "owner": rng.choice(v["owner"]),
                "next_action": rng.choice(v["next_action"]),
                "next_action_date": w.day(1, 40),
                "postal_code": org.postal,
                "website": org.website,
            }
        )
    s.notes = "banner row 1, header row 2; Forecast Category is a forecast bucket, not the stage; Info holds web sites"
    return [s]


# --------------------------------------------------------------------------- writers


def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    """Plain cells (no fonts, no frozen panes), fixed document time and zip timestamps."""
    properties = {"created": FIXED_TIME, "author": "sfa-migrate holdout"}
    options = {"strings_to_numbers": False, "strings_to_urls": False}
    write_sheets(path, sheets, properties, options=options)
    repack_zip(path, ZIP_TIME)


def main(argv: list[str] | None = None) -> int:
    """Write the hold-out files and truth.json."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else HERE
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    w = World(SEED)
    truth: dict[str, Any] = {}
    workbooks = [
        ("営業1課_引合管理表.xlsx", inquiry_ledger(w)),
        ("Opportunity_Export_Q1.xlsx", opportunity_export(w)),
        ("代理店経由案件_2026.xlsx", agency_deals(w)),
        ("九州_案件一覧.xlsx", kyushu_list(w)),
        ("営業日報_集計.xlsx", visit_reports(w)),
        ("KEY_ACCOUNTS_FY26.xlsx", key_accounts(w)),
    ]
    for name, sheets in workbooks:
        write_xlsx(data / name, sheets)
        truth[name] = {s.name: layout_entry(s) for s in sheets}
    texts = [
        ("展示会名刺リスト.csv", expo_cards(w), "cp932", ","),
        ("customer_pipeline_v3_FINAL.csv", pipeline_csv(w), "utf-8", ";"),
        ("partner_deal_registrations.tsv", partner_tsv(w), "utf-16", "\t"),
    ]
    for name, (header, rows, columns), encoding, delimiter in texts:
        write_rows(data / name, [header, *rows], encoding, delimiter)
        truth[name] = {
            "": {
                "kind": "table",
                "header_row": 1,
                "data_rows": list(range(2, len(rows) + 2)),
                "columns": columns,
                "encoding": encoding,
                "delimiter": delimiter,
            }
        }
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for name, sheets in truth.items():
        n = sum(len(s["data_rows"]) for s in sheets.values())
        print(f"wrote {name}: {n} data rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
