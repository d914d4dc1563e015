"""review.xlsx in the run's language: its headers, choices and the words of its cells.

The review sheets are read back with ``--decisions``, so what a person reads is translated
and what the tool reads is not: a Japanese sheet's headers (判断, 左のキー ...) are read as
their keys (:func:`column_keys`), its choices (同じ / 別, a stage's label) are words the
decision readers already take (rules/dedupe.yaml ``review_words``, a stage's words), and the
content keys (``company:大和興業 ...``) stay as they are. An English sheet is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: the review sheets' column headers in Japanese (the English header is the key itself)
HEADERS_JA: dict[str, str] = {
    "decision": "判断",
    "entity": "種類",
    "left_key": "左のキー",
    "right_key": "右のキー",
    "probability": "同一の確率",
    "left": "左の記録",
    "right": "右の記録",
    "evidence": "根拠",
    "left_row": "左の行",
    "right_row": "右の行",
    "word": "言葉",
    "rows": "行数",
    "files": "ファイル",
    "read_as": "読んだステージ",
    "how": "状態",
    "suggested": "候補",
    "message": "説明",
}
_KEY_OF = {v: k for k, v in HEADERS_JA.items()}

ENTITIES_JA = {"companies": "会社", "contacts": "担当者", "deals": "案件", "leads": "リード"}
DECISIONS_JA = {"same": "同じ", "different": "別"}
HOW_JA = {
    "unknown": "不明な言葉",
    "ambiguous": "複数のステージにある言葉",
    "guess": "推測",
    "typo": "表記ゆれ",
    "decided": "判断済み",
}

# the comparisons of rules/dedupe.yaml by name (a name not here is shown as written)
_COMPARISONS_JA = {
    "name": "名前",
    "company": "会社",
    "contact": "担当者",
    "people": "人",
    "people_reading": "人の読み",
    "person_reading": "読み",
    "person_reading_review": "読み",
    "person_surname": "姓",
    "person_surname_review": "姓",
    "reading": "読み",
    "reading_pair": "読み",
    "deal_name": "案件名",
    "deals": "案件",
    "amount": "金額",
    "close_date": "受注予定日",
    "created": "作成日",
    "owner": "営業担当",
    "product": "商材",
    "record_id": "ID",
    "sheet": "シート",
    "kind": "案件の種類",
    "year": "年度",
    "reopened": "再開",
    "domain": "ドメイン",
    "email": "メール",
    "phone": "電話",
    "mobile": "携帯",
    "address": "住所",
    "postal_code": "郵便番号",
    "japan_entity": "日本法人",
    "_namespace": "シート",
}
_TESTS_JA = {
    "ratio": "類似度",
    "partial_ratio": "部分一致",
    "token_sort_ratio": "語順を除いた類似度",
    "token_set_ratio": "語の類似度",
    "jaro_winkler": "類似度",
    "jaro": "類似度",
    "word_share": "共通の語",
    "levenshtein": "編集距離",
    "damerau_levenshtein": "編集距離",
    "abs_diff": "差",
}
_PART = re.compile(r"(?P<name>\S+) (?P<level>.+) \((?P<w>never|[+-]\d+(?:\.\d+)?)\)")
_DECIDES = re.compile(r" \(a person decides(?: unless (?P<unless>.+))?\)$")


def header(column: str, lang: str) -> str:
    """The header a review sheet shows for ``column`` in ``lang``."""
    return HEADERS_JA.get(column, column) if lang == "ja" else column


def column_keys(cells: Sequence[object]) -> list[str]:
    """A header row read back as column keys, whichever language it was written in."""
    out = []
    for c in cells:
        text = str(c).strip() if c is not None else ""
        out.append(_KEY_OF.get(text, text))
    return out


def place(row_key: str, lang: str) -> str:
    """A source row's key (``file|sheet|row``) as a person reads it in ``lang``."""
    from .report.text import where

    parts = str(row_key).rsplit("|", 2)
    if lang != "ja" or len(parts) != 3 or not parts[2].isdigit():
        return row_key
    file, sheet, row = parts
    return where({"file": file, "sheet": sheet, "row": int(row)}, "ja")


def evidence(text: str, lang: str) -> str:
    """A pair's evidence (``name exact (+7.6); domain different (-2.3)``) in ``lang``."""
    if lang != "ja" or not text:
        return text
    parts = str(text).split("; ")
    if not all(_PART.fullmatch(p) for p in parts):
        return text  # not a pair's evidence (a stage word's, say): as written
    return "；".join(_part(p) for p in parts)


def _part(part: str) -> str:
    hit = _PART.fullmatch(part)
    assert hit is not None  # evidence() reads only parts that match
    weight = "不可" if hit["w"] == "never" else hit["w"]
    return f"{_name(hit['name'])} {_level(hit['level'])}（{weight}）"


def _name(name: str) -> str:
    return _COMPARISONS_JA.get(name, name)


def _level(label: str) -> str:
    decides = _DECIDES.search(label)
    tail = ""
    if decides is not None:
        label = label[: decides.start()]
        tail = "、人が判断"
        if decides["unless"]:
            lifted = decides["unless"]
            lifted = re.sub(r"both hold (\S+)", lambda m: f"両方に{_names(m[1])}がある", lifted)
            lifted = re.sub(r"(\S+) agree", lambda m: f"{_names(m[1])}が一致", lifted)
            tail += f"（{lifted.replace(' or ', 'か、')}場合を除く）"
    return _test(label) + tail


def _names(joined: str) -> str:
    return "・".join(_name(n) for n in joined.split("/"))


def _test(label: str) -> str:
    if label == "exact":
        return "一致"
    if label == "different":
        return "不一致"
    if label == "unlike":
        return "似ていない"
    if label == "few or no words shared":
        return "共通の語がほとんどない"
    if label == "one matches, the other not":
        return "片方だけ一致"
    if label == "differs, same id prefix":
        return "不一致（ID の頭は同じ）"
    if label == "differs, same domain":
        return "不一致（ドメインは同じ）"
    same = re.fullmatch(r"differs, same (\S+)", label)
    if same:
        return f"不一致（{_name(same[1])}は同じ）"
    swapped = re.fullmatch(r"swapped with (\S+)", label)
    if swapped:
        return f"{_name(swapped[1])}と入れ替わり"
    after = re.fullmatch(r"after the other's (\S+)", label)
    if after:
        return f"相手の{_name(after[1])}より後"
    test = re.fullmatch(r"(\w+)(>=|<=)([\d.]+)", label)
    if test:
        name, op, arg = test.groups()
        if name == "days":
            return f"{arg} 日以内"
        if name == "rel_diff":
            return f"差 {float(arg) * 100:g}% 以内"
        if name == "word_share":
            return f"共通の語 {float(arg) * 100:g}% 以上"
        return f"{_TESTS_JA.get(name, name)} {'≥' if op == '>=' else '≤'} {arg}"
    return label
