"""Column mapping by values: a column's values decide where its header says nothing (issue 13),
contradict a loose header match, and every decision carries its evidence."""

from __future__ import annotations

import pandas as pd
import pytest

from migrate.columns import map_columns, profile_column
from migrate.schema import load_schema


def _map(columns: dict[str, list], known: frozenset[str] = frozenset()):
    headers = list(columns)
    n = max(len(v) for v in columns.values())
    frame = pd.DataFrame(
        {i: [*v, *[None] * (n - len(v))] for i, v in enumerate(columns.values())}, dtype=object
    )
    letters = [chr(65 + i) for i in range(len(headers))]
    return {m.header: m for m in map_columns(headers, letters, frame, load_schema(), None, known)}


VALUE_KINDS = [
    ("e-mails", ["a@x.co.jp", "b@y.com", "c@z.jp", "d@w.co.jp"], "email"),
    ("phones", ["03-1234-5678", "06-2345-6789", "045-123-4567", "090-1111-2222"], "phone"),
    (
        "companies-by-legal-form",
        ["株式会社山田", "佐藤工業(株)", "Acme Co., Ltd.", "㈱鈴木"],
        "company_name",
    ),
    ("amounts", ["¥1,200,000", "¥300,000", "¥45,000", "¥8,000"], "amount"),
    ("percentages", ["10%", "50%", "80%", "20%"], "probability"),
    ("web-addresses", ["https://a.co.jp", "www.b.com", "c.jp", "https://d.io"], "website"),
    (
        "people-distinct",
        ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 次郎", "田中 三郎", "伊藤 四郎"],
        "contact_name",
    ),
    (
        "people-repeated-are-owners",
        ["山田 太郎", "佐藤 花子", "山田 太郎", "佐藤 花子", "山田 太郎", "佐藤 花子", "山田 太郎"],
        "owner",
    ),
    ("people-with-honorific", ["山本様", "青木様", "岡本様", "石井様"], "contact_name"),
    ("people-latin", ["Takumi Ishii", "Mary Jones", "John Smith", "Ken Tanaka"], "contact_name"),
]


@pytest.mark.parametrize(("kind", "values", "field"), VALUE_KINDS, ids=[k[0] for k in VALUE_KINDS])
def test_a_column_no_header_word_maps_is_mapped_by_its_values(kind, values, field):
    m = _map({"列X": values})["列X"]
    assert m.field == field
    assert m.method == "sniff"
    assert 0 < m.confidence <= 0.9
    assert m.evidence.startswith("values: ")


def test_names_that_recur_in_other_sources_make_a_company_column():
    names = ["ニッチツ", "パレスホテル", "三菱商事", "無名商店", "どこか堂", "ほか屋"]
    known = frozenset({"ニッチツ", "パレスホテル", "三菱商事"})
    assert _map({"発行体名": names})["発行体名"].field is None
    m = _map({"発行体名": names}, known)["発行体名"]
    assert m.field == "company_name"
    assert "another source" in m.evidence


def test_values_that_cannot_be_the_field_overrule_a_loose_header_match():
    m = _map({"規模感": ["大", "中", "小", "大", "中"]})["規模感"]
    assert m.field is None, "規模 is an amount synonym, but no value is a number"
    assert "not amount" in m.evidence


def test_an_exact_header_is_not_overruled_by_text_values():
    assert _map({"金額": ["未定", "調整中", "TBD", "未定"]})["金額"].field == "amount"


def test_a_fax_column_of_numbers_is_the_fax_not_a_phone():
    # a fax field of its own since the seventeenth session (f17e); before, it stayed unmapped
    m = _map({"FAX番号": ["03-1234-5678", "06-2345-6789", "045-123-4567"]})["FAX番号"]
    assert m.field == "fax"


def test_inspect_json_says_method_confidence_and_evidence():
    got = _map({"会社名": ["株式会社山田", "佐藤工業(株)", "㈱鈴木"]})["会社名"].to_json()
    assert got["field"] == "company_name"
    assert got["method"] == "exact"
    assert got["confidence"] == 1.0
    assert "synonym" in got["evidence"] and "legal form" in got["evidence"]


def test_profile_counts_each_kind_once_per_value():
    p = profile_column(["a@x.jp", "03-1234-5678", None, "", "株式会社山田"])
    assert p.n == 3
    assert p.shares["email"] == pytest.approx(1 / 3)
    assert p.shares["company"] == pytest.approx(1 / 3)


def test_a_date_column_is_no_name_column_whatever_word_its_header_holds():
    # 商談実施 holds 商談 (a deal-name word): its values, dates, say it is the day it happened
    # (商談化日 is now a synonym of created_at, the day a lead became a deal)
    days = ["2025-10-01", "2025-11-15", "2025/12/3", "2026-01-20", "2025-09-30"]
    m = _map(
        {
            "会社名": ["株式会社A", "株式会社B", "株式会社C", "株式会社D", "株式会社E"],
            "商談実施": days,
        }
    )
    assert m["商談実施"].field is None
    assert "dates" in m["商談実施"].evidence


def _is_person_by_every_rule(value: str, people) -> bool:
    """The person test asked rule by rule, every honorific and every surname (what the
    quick pre-checks of ``_is_person`` must never change)."""
    import re

    from migrate.columns import values as v

    s = value.strip()
    for suf in people.suffixes:
        if suf and s.endswith(suf) and 1 <= len(s) - len(suf) <= 8 and not s[: -len(suf)].isdigit():
            return True
    for pre in people.prefixes:
        if pre and s.startswith(pre + " ") and s[len(pre) + 1 :].strip()[:1].isupper():
            return True
    if v._LATIN_NAME.match(s):
        return not any(w.casefold() in people.not_names for w in re.split(r"[ ,.]+", s))
    if v._KANJI_NAME.match(s) or v._KANA_NAME.match(s):
        return True
    return bool(v._KANJI_PLAIN.match(s)) and any(s.startswith(n) for n in people.surnames)


def test_the_person_test_asks_each_honorific_and_surname_as_before():
    import random

    from migrate.columns import values as v

    people = v._people(None)
    assert people.suffixes and people.prefixes and people.surnames
    rnd = random.Random(14)
    surnames = sorted(people.surnames)
    pieces = [*surnames[:200], *people.suffixes, *people.prefixes, "山", "田", "太郎", "12", " ",
              "Taro", "Yamada", "Sales", "Mr.", "様", "ー", "タロウ", "　", "Inc."]  # fmt: skip
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 4))) for _ in range(20_000)]
    texts += [f"{p} {n}" for p in people.prefixes for n in ("Yamada", "yamada", "")]
    texts += [f"{n}{s}" for n in surnames[:50] for s in people.suffixes]
    texts += [n + "一" for n in surnames] + surnames
    got = [v._is_person(t, people) for t in texts]
    assert got == [_is_person_by_every_rule(t, people) for t in texts]
    assert 0.1 < sum(got) / len(got) < 0.9  # both answers are asked


def test_header_answers_are_kept_per_text_and_bounded(monkeypatch):
    from migrate.columns import header as h

    schema = load_schema()
    idx = h._index(schema, None)
    text = "担当者メールアドレス"
    asked = h._match_header(text, schema, idx)  # worked out, not kept
    assert asked[0] == "email"
    assert h.match_header(text, schema) == asked and idx.answers[text] == asked
    assert h.match_header(text, schema) is idx.answers[text]  # the second time: the kept answer
    monkeypatch.setattr(h, "_ANSWERS_KEPT", 3)
    for text in ("会社名", "電話番号", "受注確度", "金額"):
        h.match_header(text, schema)
    assert len(idx.answers) <= 3
