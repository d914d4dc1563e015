"""dedupe.keys.kana_reading: a name written in kana only has a reading, its legal forms off."""

from __future__ import annotations

import pytest

from migrate.dedupe.keys import kana_reading

KANA_FORMS = ("カブシキガイシャ", "(カ)", "ユウゲンガイシャ")


@pytest.mark.parametrize(
    ("name", "forms", "reading"),
    [
        pytest.param("ｶ)ﾔﾏﾀﾞﾃﾞﾝｷ", KANA_FORMS, "ヤマダデンキ", id="half-width-with-form"),
        pytest.param("やまだ・でんき", KANA_FORMS, "ヤマダデンキ", id="hiragana"),
        pytest.param(
            "ヤマダデンキカブシキガイシャ", KANA_FORMS, "ヤマダデンキ", id="form-at-the-end"
        ),
        pytest.param("山田電機", KANA_FORMS, "", id="kanji"),
        pytest.param("ヤマダ電機", KANA_FORMS, "", id="kana-and-kanji"),
        pytest.param("Yamada Denki", KANA_FORMS, "", id="latin"),
        pytest.param("カブシキガイシャ", KANA_FORMS, "", id="a-form-alone"),
        # a form not in kana can leave a name in kana only once it is taken off
        pytest.param("株式会社ヤマダデンキ", ("株式会社",), "ヤマダデンキ", id="kanji-form"),
        pytest.param("株式会社ヤマダデンキ", KANA_FORMS, "", id="kanji-form-not-listed"),
    ],
)
def test_kana_reading(name: str, forms: tuple[str, ...], reading: str) -> None:
    assert kana_reading(name, forms) == reading
