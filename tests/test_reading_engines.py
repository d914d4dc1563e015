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
