"""Blocking: candidate pairs from a union of cheap keys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from migrate.dedupe.blocking import candidate_pairs, part_keys
from migrate.dedupe.settings import BlockingRule, KeyPart


def _pairs(
    frame: pd.DataFrame, *rules: BlockingRule, max_block_size: int = 1000
) -> set[tuple[int, int]]:
    c = candidate_pairs(frame, rules, max_block_size)
    return set(zip(c.left.tolist(), c.right.tolist()))


@pytest.mark.parametrize(
    ("part", "value", "keys"),
    [
        pytest.param(KeyPart("x"), "山田電気", {"山田電気"}, id="value"),
        pytest.param(KeyPart("x", "prefix", 3), "山田電気", {"山田電"}, id="prefix"),
        pytest.param(KeyPart("x", "suffix", 2), "山田電気", {"電気"}, id="suffix"),
        pytest.param(KeyPart("x", "tokens"), "acme labs inc", {"acme", "labs", "inc"}, id="tokens"),
        pytest.param(
            KeyPart("x", "sorted_tokens"), "yamada taro", {"taro yamada"}, id="sorted-tokens"
        ),
        pytest.param(KeyPart("x", "first_token"), "acme labs", {"acme"}, id="first-token"),
        pytest.param(KeyPart("x", "last_token"), "acme labs", {"labs"}, id="last-token"),
        pytest.param(KeyPart("x", "digits"), "03-1234-5678", {"0312345678"}, id="digits"),
        pytest.param(
            KeyPart("x"), ("a.co.jp", "b.co.jp"), {"a.co.jp", "b.co.jp"}, id="multi-valued"
        ),
        pytest.param(KeyPart("x"), "", set(), id="empty"),
    ],
)
def test_key_parts(part: KeyPart, value: object, keys: set[str]) -> None:
    out = part_keys(pd.Series([value], dtype=object), part)
    assert set(out["key"]) == keys


def test_union_of_keys_and_rule_mask() -> None:
    frame = pd.DataFrame(
        {
            "name": ["山田電気", "山田電気", "ヤマダ電気", "積水化学"],
            "phone": ["+8131", "", "+8131", ""],
        }
    )
    c = candidate_pairs(
        frame, (BlockingRule((KeyPart("name"),)), BlockingRule((KeyPart("phone"),)))
    )
    got = {(a, b): int(m) for a, b, m in zip(c.left, c.right, c.rules)}
    assert got == {(0, 1): 0b01, (0, 2): 0b10}


def test_multi_part_key_needs_every_part() -> None:
    frame = pd.DataFrame(
        {"company": ["C1", "C1", "C2", "C1"], "name": ["taro", "taro", "taro", ""]}
    )
    assert _pairs(frame, BlockingRule((KeyPart("company"), KeyPart("name")))) == {(0, 1)}


def test_large_blocks_are_skipped_and_reported() -> None:
    frame = pd.DataFrame({"city": ["tokyo"] * 6 + ["osaka"] * 2})
    c = candidate_pairs(frame, (BlockingRule((KeyPart("city"),)),), max_block_size=5)
    assert set(zip(c.left.tolist(), c.right.tolist())) == {(6, 7)}
    assert c.skipped_blocks == [("city", "tokyo", 6)]


def test_distinct_keys_give_no_pairs_so_cost_follows_the_blocks() -> None:
    n = 20_000
    frame = pd.DataFrame({"k": [f"key{i}" for i in range(n)]})
    assert len(candidate_pairs(frame, (BlockingRule((KeyPart("k"),)),))) == 0
    frame["k"] = [f"key{i // 4}" for i in range(n)]  # blocks of four: 6 pairs each
    assert len(candidate_pairs(frame, (BlockingRule((KeyPart("k"),)),))) == 6 * n // 4


def test_missing_column_gives_no_pairs() -> None:
    frame = pd.DataFrame({"a": ["x", "x"]})
    c = candidate_pairs(frame, (BlockingRule((KeyPart("nope"),)), BlockingRule((KeyPart("a"),))))
    assert np.array_equal(c.rules, [0b10])


def test_a_key_with_its_own_largest_block_leaves_larger_blocks_out_unreported():
    """{key: [people], max_block_size: 4}: a name at five companies makes no pairs and no
    dedupe.block-too-large entry, while a name at two still pairs them."""
    frame = pd.DataFrame({"k": ["a", "a", "b", "b", "b", "b", "b"]})
    capped = BlockingRule((KeyPart("k"),), max_block=4)
    c = candidate_pairs(frame, (capped,))
    assert {(int(a), int(b)) for a, b in zip(c.left, c.right)} == {(0, 1)}
    assert not c.skipped_blocks
    assert len(candidate_pairs(frame, (BlockingRule((KeyPart("k"),)),))) == 1 + 10


def test_the_yaml_form_of_a_key_with_its_own_largest_block(tmp_path):
    from migrate.dedupe.settings import load_settings

    people = [r for r in load_settings().companies.link.blocking if r.label == "people"]
    assert len(people) == 1 and people[0].max_block == 4
