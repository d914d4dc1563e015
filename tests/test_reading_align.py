"""Aligned readings (migrate/normalize/reading_align.py): the pairing rule and the fallbacks
without the readings extra. The vocabulary cases are YAML (tests/cases/readings/aligned.yaml)."""

from __future__ import annotations

import dataclasses

import pytest

from migrate.bundle import load_rules_bundle
from migrate.normalize import reading_align
from migrate.normalize.reading_align import Aligner, spelled_letters
from migrate.normalize.readings import Reader


def _aligner(engine: str = "auto") -> Aligner:
    bundle = load_rules_bundle()
    rules = dataclasses.replace(bundle.readings, engine=engine)  # type: ignore[arg-type]
    return Aligner(Reader(rules, bundle.legal_form_spellings))


def test_letters_spelled_in_katakana() -> None:
    assert spelled_letters("シイエムシイ") == ("cmc",)
    assert spelled_letters("ディーディーエス") == ("dds",)
    assert spelled_letters("サイボウズ") == ()  # a word, not letters


def test_a_pair_is_taken_only_when_it_is_each_names_clear_best() -> None:
    """Two Japanese names that align equally well on one English name pair neither."""
    a = _aligner()
    ja = [["株式会社ミツチ"], ["ミツチ株式会社"], ["株式会社ニッチツ"]]
    en = [["Mitsuchi Corporation"], ["NITCHITSU Co., Ltd."]]
    assert a.pairs(ja, en) == [(2, 1)]
    assert a.pairs(ja[1:], en) == [(0, 0), (1, 1)]
    assert a.pairs(ja, en, done_l={2}) == []  # the paired names are left out, ties stay ties


def test_the_cheaper_alignment_wins() -> None:
    """A spelling beats a sound: シイエムシイ is CMC by its letters, SMS only by its sound."""
    a = _aligner()
    assert a.cost("株式会社シイエム・シイ", "CMC CORPORATION") < a.cost(
        "株式会社シイエム・シイ", "SMS CO.,LTD"
    )
    assert a.pairs([["株式会社シイエム・シイ"]], [["SMS CO.,LTD"], ["CMC CORPORATION"]]) == [(0, 1)]


def test_without_the_readings_extra_kana_still_aligns_and_kanji_is_no_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No fugashi, no pykakasi: katakana is read by the built-in table, a kanji name has no
    words (matched as before, by other evidence), and nothing raises."""
    monkeypatch.setattr(reading_align, "_tagger", lambda: None)
    monkeypatch.setattr(reading_align, "_kanwa", lambda: None)
    reading_align._kanji_readings.cache_clear()
    reading_align._kanwa_forms.cache_clear()
    a = _aligner("kana")
    assert a.aligns("株式会社ミツチ", "Mitsuchi Corporation")
    assert a.aligns("ファナック株式会社", "FANUC CORPORATION")
    assert a.ja_tokens("三菱商事株式会社") == ()
    assert a.pairs([["三菱商事株式会社"]], [["Mitsubishi Corporation"]]) == []
    reading_align._kanji_readings.cache_clear()
    reading_align._kanwa_forms.cache_clear()


def test_a_costly_alignment_is_only_a_review_pair() -> None:
    """オーベクス and OBIC align only as far-apart sounds: no pair, a review pair when asked;
    a cheap alignment stays a pair."""
    pytest.importorskip("cutlet")
    a = _aligner()
    ja = [["オーベクス株式会社"], ["株式会社ミツチ"]]
    en = [["OBIC Co.,Ltd."], ["Mitsuchi Corporation"]]
    assert a.cost(ja[0][0], en[0][0]) > reading_align.SURE_COST
    review: list[tuple[int, int]] = []
    assert a.pairs(ja, en, review=review) == [(1, 1)]
    assert review == [(0, 0)]
    assert a.pairs(ja, en) == [(1, 1)]


def test_reading_links_send_a_costly_alignment_to_review() -> None:
    """In dedupe the costly pair is a shared reading (review), never a pair token."""
    pytest.importorskip("cutlet")
    import numpy as np
    import pandas as pd

    from migrate.dedupe.reading_links import reading_links

    bundle = load_rules_bundle()
    names = pd.Series(["オーベクス株式会社", "OBIC Co.,Ltd.", "オーベクス株式会社"], dtype=object)
    pair, shared = reading_links(
        names, np.array([0, 1, 0]), 2, bundle.readings, bundle.legal_form_spellings
    )
    assert pair == [(), ()]
    assert [t.split(" ", 1)[0] for t in shared[0]] == ["j:aligned"]
    assert [t.split(" ", 1)[0] for t in shared[1]] == ["l:aligned"]


def test_a_names_reading_does_not_depend_on_the_hash_seed() -> None:
    """Legal forms of one length are tried in a fixed order: a set's order follows the
    process's hash seed, and a name wrapped in two forms was read two ways from run to run."""
    import subprocess
    import sys

    script = (
        "import dataclasses\n"
        "from migrate.bundle import load_rules_bundle\n"
        "from migrate.normalize.readings import Reader\n"
        "b = load_rules_bundle()\n"
        "r = Reader(dataclasses.replace(b.readings, engine='auto'), b.legal_form_spellings)\n"
        "print(r._ja_forms, r._en_forms)\n"
        "print(r.readings('ダイコク電機株式会社 Corporation'))\n"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**__import__("os").environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "1", "2", "3", "4", "5")
    }
    assert len(seen) == 1


def test_a_names_plain_sound_translates_no_word() -> None:
    from migrate.normalize.readings import reader_for

    reader = reader_for()
    assert reader.keys("株式会社山田製作所") == ("yamadamanufacturing",)
    assert reader.plain_keys("株式会社山田製作所") == ("yamadaseisakusho",)
    assert reader.plain_keys("ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞｾｲｻｸｼｮ") == ("yamadaseisakusho",)
    assert reader.plain_keys("鈴木工業株式会社") == reader.plain_keys("ｽｽﾞｷｺｳｷﾞｮｳ(ｶﾌﾞ)")
    assert reader.plain_keys("Mitsubishi Corporation") == ()


@pytest.mark.parametrize(
    "words",
    [
        ("inter",),
        ("parco",),
        ("capcom",),
        ("aderans",),
        ("xebio",),
        ("ringer",),
        ("gecoss", "japan"),
        ("schmitz", "chemical", "thermo"),
        ("phillips", "quick", "exchange"),
        ("aaa",),
    ],
)
def test_english_frames_are_each_chain_of_rules_applied_in_full(words: tuple[str, ...]) -> None:
    """The frames share the first substitutions of the three chains; each frame is still its
    whole chain applied to the text, with and without a final s."""
    text = "".join(words).replace("tz", "ts")
    text = "z" + text[1:] if text.startswith("x") else text
    expected = set()
    for whole in (text, text + "s"):
        for rules in reading_align._ENGLISH_RULES:
            heard = whole
            for pattern, repl in rules:
                heard = pattern.sub(repl, heard)
            expected.add(reading_align._one_nasal(heard))
    assert reading_align._frame(words) == frozenset(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Mitsubishi Corporation",
        "A&B Holdings, K.K. (Japan)",
        "okamori kagaku 61",
        "NEC",
        "".join(map(chr, range(128))),
        "Ōbayashi Ｃｏｒｐ",  # not ASCII: the NFKC path
    ],
)
def test_latin_words_are_those_of_the_nfkc_form_without_macrons(text: str) -> None:
    """An ASCII text (every engine's romaji) skips NFKC and the macron table: it is its own
    NFKC form and holds no macron, so its words are the same."""
    from migrate.normalize.readings import _LATIN, _MACRONS, _latin_words, _nfkc

    slow = _nfkc(text).lower().translate(_MACRONS).replace("&", " and ")
    assert _latin_words(text) == _LATIN.findall(slow)


def test_unique_pairs_are_the_keys_held_once_on_each_side() -> None:
    """Only the keys both sides hold are filed; a key's letters in brackets (a dictionary word
    in a sound key) do not count towards the shortest."""
    from migrate.normalize.readings import _unique_pairs

    left = [("abc",), ("abc", "xyz"), ("[kk]mn",), ("q",), ("only",)]
    right = [("xyz",), ("abc",), ("[kk]mn", "zz"), ("q",)]
    assert _unique_pairs(left, right, set(), set(), 1) == [(1, 0), (2, 2), (3, 3)]
    assert _unique_pairs(left, right, set(), set(), 3) == [(1, 0)]
    assert _unique_pairs(left, right, {1}, set(), 1) == [(2, 2), (3, 3)]
    assert _unique_pairs(left, right, set(), {3}, 1) == [(1, 0), (2, 2)]


def test_a_names_variants_are_its_single_readings() -> None:
    """variants reads a Japanese name's plan once for every engine: the same readings as each
    engine's single reading (the cached ``_words``), in order, distinct."""
    from migrate.normalize.readings import reader_for

    reader = reader_for()
    for name in (
        "株式会社山田製作所",
        "ダイナムジャパンホールディングス株式会社",
        "ＫＩホールディングス",
        "株式会社岡森化学61",
        " 三菱商事 ",
        "Mitsubishi Corporation",
        "",
    ):
        single = (reader._words(name, v) for v in range(len(reader.engines)))
        assert reader.variants(name) == tuple(dict.fromkeys(w for w in single if w))
