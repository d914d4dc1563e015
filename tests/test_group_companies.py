"""One group's companies share a mail domain (u27 item 1): two names that start alike and go on
differently (東邦システムズ / 東邦物流 / 東邦ホールディングス, Vantage Logistics / Vantage Realty
Partners) are at most a review pair however many addresses share the domain; a DBA starting
otherwise still merges by its domain, and one company under two spellings by its e-mail or
people (rules/dedupe.yaml companies: name level same_start)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from migrate import pipeline
from migrate.dedupe.compare import _same_start

TODAY = dt.date(2026, 1, 15)


def _run(tmp_path: Path, text: str, currency: str | None = None) -> tuple[pd.DataFrame, object]:
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    kw = {"currency": currency} if currency else {}
    res = pipeline.run([str(path)], target="salesforce", out=tmp_path / "o", as_of=TODAY, **kw)
    accounts = pd.read_csv(tmp_path / "o" / "Account.csv", dtype=str, keep_default_na=False)
    return accounts, res


def test_same_start_needs_more_latin_letters_than_kanji():
    strings = np.array(
        [
            "東邦システムズ",
            "東邦物流",
            "東邦",
            "vantagelogistics",
            "vanguardrealty",
            "vantagerealty",
        ]
    )
    ua, ub = np.array([0, 0, 3, 3]), np.array([1, 2, 4, 5])
    # 東邦 alone is held by the other (a branch or the legal form cut): not this level
    assert _same_start(strings, ua, ub, (2, 5)).tolist() == [True, False, False, True]


def test_group_companies_at_one_domain_are_review_pairs_not_one_account(tmp_path):
    accounts, res = _run(
        tmp_path,
        "会社名,案件名,担当者,メール,フェーズ,金額,受注予定日\n"
        "東邦ホールディングス株式会社,連結会計,橋本 剛 様,hashimoto@toho-group.co.jp,提案,30000000,2027/06/30\n"
        "東邦システムズ株式会社,クラウド移行,石川 学 様,ishikawa@toho-group.co.jp,受注,11000000,2026/12/25\n"
        "東邦物流株式会社,倉庫管理,中島 亮 様,nakajima@toho-group.co.jp,見積,6000000,2027/03/31\n",
    )
    assert len(accounts) == 3
    review = res.findings[res.findings["rule"] == "dedupe.probable-duplicate"]
    assert len(review) == 3


def test_english_group_companies_too(tmp_path):
    accounts, _ = _run(
        tmp_path,
        "Company,Deal,Contact,Email,Stage,Amount,Close Date\n"
        "Vantage Holdings Inc.,Consolidation,Ana Park,apark@vantagegroup.com,Proposal,300000,2027-06-30\n"
        "Vantage Logistics LLC,Fleet telematics,Ben Cho,bcho@vantagegroup.com,Closed Won,110000,2026-11-25\n"
        "Northfield Medical Center,Rostering,Dan Eng,deng@northfieldhealth.org,Proposal,45000,2027-02-28\n"
        "Northfield Home Care Ltd.,Visits,Eve Foss,efoss@northfieldhealth.org,Proposal,20000,2027-05-31\n",
        currency="USD",
    )
    assert len(accounts) == 4


def test_a_dba_still_merges_by_its_domain_and_one_company_by_its_people(tmp_path):
    accounts, _ = _run(
        tmp_path,
        "Company,Deal,Contact,Email,Stage,Amount,Close Date\n"
        '"Blue Harbor Holdings, LLC",Lease,Sam Reed,sam@harborcoffee.com,Proposal,10000,2027-01-31\n'
        "Harbor Coffee Roasters,POS integration,Lee Wong,lee@harborcoffee.com,Proposal,12500,2027-01-31\n"
        "Fujimi Engineering Co.,MES,Ken Mori,k.mori@fujimi.co.jp,Proposal,50000,2027-03-31\n"
        "Fujimi Giken,MES support,Ken Mori,k.mori@fujimi.co.jp,Proposal,8000,2027-04-30\n",
        currency="USD",
    )
    assert len(accounts) == 2
