"""Contacts written differently across trackers: a surname alone (岡本様), a romanised name.

The link (migrate/dedupe/persons.py) is made only when it is unique in the company on both
sides; it merges when nothing disagrees and sends the pair to review when an e-mail differs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_dedupe_merge import YAMADA, _background
from test_dedupe_support import frame

from migrate.dedupe import DedupeResult, find_duplicates
from migrate.dedupe.persons import person_links
from migrate.normalize.people import _romaniser, fold_romaji, name_reading

NONE = ((), (), (), ())
needs_reader = pytest.mark.skipif(_romaniser() is None, reason="cutlet not installed")


def _person(name: str, last: str = "", first: str = "", **kw: Any) -> dict[str, Any]:
    return {
        **YAMADA,
        "contact_name": name,
        "contact_last_name": last or name,
        "contact_first_name": first,
        **kw,
    }


def _ids(result: DedupeResult) -> list[str]:
    return result.records["contact_id"].tolist()


def _contact_pairs(result: DedupeResult) -> pd.DataFrame:
    return result.pairs[result.pairs["entity"] == "contacts"]


# ----------------------------------------------------------------------------- readings


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yūko Ōno", "Yuuko Ohno"),
        ("Satoshi Endoh", "SATOSHI ENDOU"),
        ("Homma", "Honma"),
        ("Shin'ya", "Shinya"),
    ],
)
def test_romanisations_of_one_sound_fold_to_one_spelling(a: str, b: str) -> None:
    assert fold_romaji(a) == fold_romaji(b)


def test_different_names_do_not_fold_together() -> None:
    assert fold_romaji("Ishii") != fold_romaji("Ishi")
    assert fold_romaji("Yuki") != fold_romaji("Yuka")


@needs_reader
def test_a_japanese_name_reads_as_its_romanisation() -> None:
    assert name_reading("石井 拓海") == "ishii takumi"
    assert name_reading("遠藤") == name_reading("Endo") == "endo"
    assert name_reading("オカモト") == name_reading("岡本")


def test_without_cutlet_kana_is_read_and_kanji_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    import migrate.normalize.people as people

    monkeypatch.setattr(people, "_romaniser", lambda: None)
    people.name_reading.cache_clear()
    try:
        assert people.name_reading("ｵｵﾉ ﾕｳｺ") == "ono yuko"
        assert people.name_reading("大野 裕子") == ""
    finally:
        people.name_reading.cache_clear()


def test_latin_names_need_no_dictionary() -> None:
    assert name_reading("ISHII Takumi") == "ishii takumi"
    assert name_reading("") == ""


# ----------------------------------------------------------------------------- links


def _links(people: list[tuple[str, str, str]], companies: list[str] | None = None) -> list[Any]:
    """(full, last, first) per record, one row each; all in company C unless given."""
    n = len(people)
    links = person_links(
        np.arange(n),
        np.array(companies or ["C"] * n, dtype=object),
        pd.Series([p[0] for p in people]),
        pd.Series([p[1] for p in people]),
        pd.Series([p[2] for p in people]),
        read=lambda s: fold_romaji(
            {
                "石井": "ishii",
                "拓海": "takumi",
                "卓巳": "takumi",
                "岡本": "okamoto",
                "大輔": "daisuke",
            }.get(s, s if s.isascii() else "")
        ),
    )
    return list(zip(*links))


def test_surname_alone_links_to_the_one_full_name_with_it() -> None:
    out = _links(
        [("岡本", "岡本", ""), ("岡本 大輔", "岡本", "大輔"), ("石井 拓海", "石井", "拓海")]
    )
    assert out[0][0] == out[1][0] == ("s:岡本",)
    assert out[2] == NONE


def test_surname_shared_by_two_people_links_nobody() -> None:
    out = _links(
        [("岡本", "岡本", ""), ("岡本 大輔", "岡本", "大輔"), ("岡本 由美", "岡本", "由美")]
    )
    assert all(o == NONE for o in out)


def test_surname_alone_in_another_company_links_nobody() -> None:
    out = _links([("岡本", "岡本", ""), ("岡本 大輔", "岡本", "大輔")], companies=["C", "D"])
    assert out == [NONE, NONE]


def test_surname_alone_with_another_mobile_is_only_worth_a_review() -> None:
    people = [("岡本", "岡本", ""), ("岡本 大輔", "岡本", "大輔")]
    reach = pd.DataFrame({"mobile_phone": [("+819011112222",), ("+819033334444",)]})
    links = person_links(
        np.arange(2),
        np.array(["C", "C"], dtype=object),
        *(pd.Series([p[i] for p in people]) for i in range(3)),
        read=lambda s: "",
        reach=reach,
    )
    assert list(zip(*links)) == [((), ("s?:岡本",), (), ())] * 2


def test_one_name_on_many_records_is_read_once_and_linked_per_company() -> None:
    """A tracker writes one person on many rows: the name is read once, each company's records
    are still linked on their own (C and D each hold a surname alone and its full name)."""
    people = [("岡本", "岡本", ""), ("岡本 大輔", "岡本", "大輔")] * 2
    asked: list[str] = []

    def read(s: str) -> str:
        asked.append(s)
        return {"岡本": "okamoto", "大輔": "daisuke"}.get(s, "")

    links = person_links(
        np.array([0, 1, 2, 3, 0, 1]),
        np.array(["C", "C", "D", "D"], dtype=object),
        *(pd.Series([p[i] for p in people + people[:2]]) for i in range(3)),
        read=read,
    )
    assert list(zip(*links)) == [(("s:岡本",), (), (), ())] * 4
    # 岡本 as the surname alone, then the full name's parts
    assert sorted(asked) == ["大輔", "岡本", "岡本"]


def test_romanised_name_links_to_kanji_in_either_order() -> None:
    out = _links(
        [
            ("石井 拓海", "石井", "拓海"),
            ("Takumi Ishii", "Ishii", "Takumi"),
            ("ISHII Takumi", "", ""),
        ]
    )
    assert out[0] == out[1] == out[2] == ((), (), ("r:ishii takumi",), ())


def test_romanised_name_reading_like_two_kanji_names_is_only_a_maybe() -> None:
    out = _links(
        [("石井 拓海", "石井", "拓海"), ("石井 卓巳", "石井", "卓巳"), ("Takumi Ishii", "", "")]
    )
    assert out[0] == out[1] == out[2] == ((), (), (), ("r?:ishii takumi",))


def test_no_reading_no_cross_script_link() -> None:
    n = 2
    links = person_links(
        np.arange(n),
        np.array(["C", "C"], dtype=object),
        pd.Series(["石井 拓海", "Takumi Ishii"]),
        pd.Series(["石井", "Ishii"]),
        pd.Series(["拓海", "Takumi"]),
        read=lambda s: name_reading(s) if not any(ord(c) > 0x3000 for c in s) else "",
    )
    assert all(list(values) == [(), ()] for values in links)


# ----------------------------------------------------------------------------- find_duplicates


def test_surname_from_a_forecast_sheet_merges_into_the_full_name() -> None:
    rows = [
        _person("岡本 大輔", "岡本", "大輔", email="d.okamoto@yamada-denki.co.jp"),
        _person("岡本", _file="ヨミ表.xlsx"),
        _person("岡本", _file="ヨミ表.xlsx", _row=9),
    ]
    result = find_duplicates(frame(rows + _background()))
    ids = _ids(result)
    assert ids[0] == ids[1] == ids[2]
    contact = result.contacts.set_index("contact_id").loc[ids[0]]
    assert contact["contact_name"] == "岡本 大輔"  # the fuller name survives, though rarer


def test_two_people_with_the_surname_keep_the_surname_alone_apart() -> None:
    rows = [
        _person("岡本 大輔", "岡本", "大輔", email="d.okamoto@yamada-denki.co.jp"),
        _person("岡本 由美", "岡本", "由美", email="y.okamoto@yamada-denki.co.jp"),
        _person("岡本", _file="ヨミ表.xlsx"),
    ]
    result = find_duplicates(frame(rows + _background()))
    ids = _ids(result)
    assert len(set(ids[:3])) == 3
    assert "merged" not in set(_contact_pairs(result)["status"])


def test_surname_alone_with_a_different_email_goes_to_review() -> None:
    rows = [
        _person("岡本 大輔", "岡本", "大輔", email="d.okamoto@yamada-denki.co.jp"),
        _person("岡本", email="okamoto.k@yamada-denki.co.jp", _file="ヨミ表.xlsx"),
    ]
    result = find_duplicates(frame(rows + _background()))
    ids = _ids(result)
    assert ids[0] != ids[1]
    assert (result.review["entity"] == "contacts").sum() == 1


def test_surname_alone_with_another_mobile_goes_to_review() -> None:
    rows = [
        _person("岡本 大輔", "岡本", "大輔", mobile_phone="+819011112222"),
        _person("岡本", mobile_phone="+819033334444", _file="ヨミ表.xlsx"),
    ]
    result = find_duplicates(frame(rows + _background()))
    ids = _ids(result)
    assert ids[0] != ids[1]
    assert (result.review["entity"] == "contacts").sum() == 1


@needs_reader
def test_romanised_name_merges_with_the_kanji_name_of_its_company() -> None:
    rows = [
        _person("石井 拓海", "石井", "拓海"),
        _person("Takumi Ishii", "Ishii", "Takumi", _file="us_pipeline.csv", _sheet=""),
        _person("ISHII Takumi", "Ishii", "Takumi", _file="crm.csv", _sheet=""),
        _person("石井 花子", "石井", "花子"),
    ]
    result = find_duplicates(frame(rows + _background()))
    ids = _ids(result)
    assert ids[0] == ids[1] == ids[2] != ids[3]
    contact = result.contacts.set_index("contact_id").loc[ids[0]]
    assert contact["contact_name"] == "石井 拓海"


@needs_reader
def test_romanised_name_with_a_different_email_goes_to_review() -> None:
    rows = [
        _person("石井 拓海", "石井", "拓海", email="ishii@yamada-denki.co.jp"),
        _person(
            "Takumi Ishii",
            "Ishii",
            "Takumi",
            email="t.ishii@yamada-denki.co.jp",
            _file="us_pipeline.csv",
            _sheet="",
        ),
    ]
    result = find_duplicates(frame(rows + _background()))
    ids = _ids(result)
    assert ids[0] != ids[1]
    assert (result.review["entity"] == "contacts").sum() == 1


def _two_scripts(en_contact: str) -> DedupeResult:
    """One company in Japanese (with its contact 遠藤 大輔 and e-mail domain) and in an English
    translation no reading links (医学生物学研究所 / MEDICAL&BIOLOGICAL LABORATORIES)."""
    ja = {"company_name": "株式会社医学生物学研究所", "company_key": "医学生物学研究所"}
    en = {
        "company_name": "MEDICAL&BIOLOGICAL LABORATORIES",
        "company_key": "MEDICAL&BIOLOGICAL LABORATORIES",
    }
    rows = [
        {**ja, "contact_name": "遠藤 大輔", "contact_last_name": "遠藤",
         "contact_first_name": "大輔", "email": "d.endo@mbl.co.jp", "_file": "ja.xlsx"},
        {**ja, "contact_name": "福田 由美", "contact_last_name": "福田",
         "contact_first_name": "由美", "email": "y.fukuda@mbl.co.jp", "_file": "ja.xlsx"},
        {**en, "contact_name": en_contact, "email": "x@mbl.co.jp", "_file": "us.csv"},
    ]  # fmt: skip
    return find_duplicates(frame(rows + _background()))


@needs_reader
def test_a_company_in_two_scripts_with_one_domain_and_one_person_is_one_company() -> None:
    # the English export's contact reads as the Japanese one (Daisuke Endo / 遠藤 大輔)
    ids = _two_scripts("Daisuke Endo").records["company_id"].tolist()
    assert ids[0] == ids[1] == ids[2]


def test_a_shared_domain_alone_does_not_merge_two_scripts() -> None:
    # nothing but the e-mail domain: another person, a name no reading links
    ids = _two_scripts("Kenji Mori").records["company_id"].tolist()
    assert ids[0] == ids[1] != ids[2]
