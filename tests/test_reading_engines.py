"""A reading engine that is installed but cannot start (MeCab cannot open its dictionary when
memory is short, a broken install) makes the run read Japanese names with the next engine and
say so in one line, not stop with a bug report."""

from __future__ import annotations

import logging

import pytest

from migrate.normalize import readings


@pytest.fixture
def fresh_engines():
    readings._engine.cache_clear()
    yield
    readings._engine.cache_clear()


def test_cutlet_that_cannot_start_gives_way_to_pykakasi_with_a_warning(
    fresh_engines, monkeypatch, caplog
):
    cutlet = pytest.importorskip("cutlet")
    pytest.importorskip("pykakasi")

    def broken(*args, **kwargs):
        raise RuntimeError("\nFailed initializing MeCab. Please see the README:\n\n    https://x")

    monkeypatch.setattr(cutlet, "Cutlet", broken)
    with caplog.at_level(logging.WARNING, logger="sfa_migrate"):
        engines = readings._engine("auto")
    assert len(engines) == 1  # pykakasi's alone
    assert engines[0]("トヨタ") == "toyota"
    [record] = caplog.records
    assert record.getMessage().startswith(
        "warning: the cutlet reading engine could not start (RuntimeError: Failed initializing "
        "MeCab. Please see the README); Japanese company names are read with pykakasi instead"
    )


def test_no_engine_that_starts_leaves_the_kana_table(fresh_engines, monkeypatch, caplog):
    pykakasi = pytest.importorskip("pykakasi")

    def broken():
        raise MemoryError

    monkeypatch.setattr(pykakasi, "kakasi", broken)
    with caplog.at_level(logging.WARNING, logger="sfa_migrate"):
        engines = readings._engine("pykakasi")
    assert engines == (readings.kana_romaji,)
    assert "read with its built-in kana table instead" in caplog.records[0].getMessage()


def test_the_quicker_pykakasi_converts_as_pykakasi_does():
    """_quicker_kakasi replaces pykakasi's kanji lookup and widens its cache: every conversion
    (words, their kana, every romanisation) stays pykakasi's own, on company names, okurigana
    (取り扱い: the reading depends on the kana that follows), old kanji forms (髙) and variation
    selectors, and on random mixes of kanji and kana."""
    import random

    pykakasi = pytest.importorskip("pykakasi")
    stock, quick = pykakasi.kakasi(), pykakasi.kakasi()
    readings._quicker_kakasi(quick)
    kanji = [chr(c) for c in range(0x4E00, 0x9FFF)]
    rnd = random.Random(3)
    names = [
        "山田製作所",
        "日本電信電話株式会社",
        "取り扱い",
        "申し込み書",
        "書き込み",
        "髙島屋",
        "葛\U000e0100飾区役所",
        "神\ufe00社",
        "𠮷野家",
        "アイ・ケイ・ケイホールディングス",
        "その他金融業",
    ] + [
        "".join(
            rnd.choice(kanji + list("あいうのにきくしアイウー")) for _ in range(rnd.randint(1, 8))
        )
        for _ in range(3000)
    ]
    assert [quick.convert(n) for n in names] == [stock.convert(n) for n in names]
    assert quick._kakasi._jconv.convert is not type(quick._kakasi._jconv).convert  # replaced


def _names_to_read() -> list[str]:
    """Company names for the engines' equivalence tests: EDINET's filers in kanji and in kana
    (../shared/benchmarks, when the checkout has it), a few hard cases and random mixes of
    kanji, kana, katakana words, Latin letters and digits (seeded)."""
    import csv
    import random
    from pathlib import Path

    names = [
        "山田製作所",
        "日本電信電話株式会社",
        "取り扱い",
        "髙島屋",
        "𠮷野家",
        "アイ・ケイ・ケイホールディングス",
        "ＮＴＴデータ",
        "サカタのタネ",
        "ヤマダセイサクショ",
        "ｶ)ﾐﾂﾁ",
        "三井住友フィナンシャルグループ",
        "キッコーマン",
        "がっこう",
        "はっぴょう会",
        "ア'ス",
        "東京都千代田区1-2-3",
    ]
    shared = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "names_ja_en"
    edinet = shared / "edinet_names_dev.csv"
    if edinet.exists():
        with edinet.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                names += [row["name_ja"], row["name_kana"]]
    rnd = random.Random(5)
    parts = [chr(c) for c in range(0x4E00, 0x9FFF, 7)]
    parts += list("あいうのにきっくしゃアイウーッャ々") + ["システム", "物産", "ABC", "12", "・"]
    names += ["".join(rnd.choice(parts) for _ in range(rnd.randint(1, 8))) for _ in range(3000)]
    return names


def test_the_quicker_cutlet_romanises_as_cutlet_does():
    """readings._cutlet_engines romanises each distinct word (MeCab node) once and reads a text
    without English spellings once for both romanisations: every name reads as stock cutlet
    reads it, both ways (unidic's English for loanwords, or Hepburn), the first time a word is
    met and from the caches, whichever way a text is asked for first."""
    cutlet = pytest.importorskip("cutlet")
    names = _names_to_read()
    stock = cutlet.Cutlet("hepburn"), cutlet.Cutlet("hepburn")
    stock[1].use_foreign_spelling = False
    expected = [[katsu.romaji(n, capitalize=False) for n in names] for katsu in stock]
    english, hepburn = readings._cutlet_engines()
    assert [(english(n), hepburn(n)) for n in names] == list(zip(*expected))
    assert [hepburn(n) for n in names] == expected[1]  # not read the English way first
    assert [(english(n), english(n)) for n in names] == list(zip(*expected[:1], *expected[:1]))
    readings.clear_caches()
    assert not readings._WORD_ROMAJI and not readings._READ_ALIKE
