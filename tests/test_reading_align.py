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
