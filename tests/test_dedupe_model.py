"""The Fellegi-Sunter model and the generic engine: weights learned from data, not a flat average."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from migrate.dedupe import link, link_settings
from migrate.dedupe.compare import prepare
from migrate.dedupe.model import estimate_u, random_sample
from migrate.dedupe.settings import Comparison, Level, ModelSettings


def _people(n: int, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """n people, a third of them twice with a typo; city is shared by many (weak evidence)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    first = ["".join(rng.choice(letters, 8)) for _ in range(n)]
    city = [f"city{rng.integers(0, 5)}" for _ in range(n)]
    phone = [f"0{rng.integers(10**8, 10**9)}" for _ in range(n)]
    rows, truth = [], []
    for i in range(n):
        rows.append((first[i], city[i], phone[i]))
        truth.append(i)
        if i % 3 == 0:
            typo = first[i][:-1] + ("x" if first[i][-1] != "x" else "y")
            rows.append((typo, city[i], phone[i] if i % 2 else ""))
            truth.append(i)
    return pd.DataFrame(rows, columns=["name", "city", "phone"]), np.array(truth)


SETTINGS = {
    "blocking": [[{"column": "name", "prefix": 5}], ["phone"], ["city"]],
    "max_block_size": 2000,
    "comparisons": [
        {"column": "name", "levels": ["exact", {"jaro_winkler": 0.9}]},
        {"column": "city", "levels": ["exact"]},
        {"column": "phone", "levels": ["exact"]},
    ],
}


def test_em_learns_which_fields_matter() -> None:
    frame, truth = _people(600)
    result = link(frame, link_settings(SETTINGS))
    w = {c.name: ws for c, ws in zip(result.model.comparisons, result.model.weights())}
    # agreeing on a city shared by a fifth of everyone says little; on a phone number, a lot
    assert w["phone"][0] > w["city"][0] + 5
    assert w["name"][1] > 0  # a near-identical name is evidence for a match
    assert w["name"][-1] < 0 and w["phone"][-1] < 0
    pred = pd.Series(result.labels).groupby(truth).nunique()
    assert (pred == 1).mean() > 0.98  # duplicates found
    assert pd.Series(truth).groupby(result.labels).nunique().max() == 1  # nothing merged wrongly


def test_u_comes_from_random_pairs_and_exact_counts() -> None:
    frame = pd.DataFrame({"city": ["a"] * 50 + ["b"] * 50})
    comp = Comparison("city", "city", (Level("exact"),))
    prep = prepare(frame, (comp,))
    u = estimate_u(prep, random_sample(prep, len(frame), ModelSettings()))
    # two random records share a city with probability 2 * C(50,2) / C(100,2)
    assert abs(u[0][0] - 2 * 50 * 49 / (100 * 99)) < 1e-9


def test_u_priors_decide_on_tiny_data() -> None:
    frame = pd.DataFrame({"phone": ["1", "1", "2", "3"]})
    comp = Comparison("phone", "phone", (Level("exact", u=0.0001),))
    prep = prepare(frame, (comp,))
    u = estimate_u(prep, random_sample(prep, 4, ModelSettings()), strength=2000.0)
    assert u[0][0] < 0.001  # the data (1 of 6 pairs agree) would say 0.17


def test_never_level_is_a_hard_non_match() -> None:
    frame = pd.DataFrame(
        {"name": ["基幹システム更改", "基幹システム更改"], "product": ["クラウド", "オンプレ"]}
    )
    settings = link_settings(
        {
            "blocking": [["name"]],
            "comparisons": [
                {"column": "name", "levels": ["exact"]},
                {"column": "product", "levels": ["exact"], "else_never": True},
            ],
        }
    )
    result = link(frame, settings)
    assert result.labels[0] != result.labels[1]
    assert result.pairs.empty or (result.pairs["probability"] < 1e-6).all()


def test_decisions_override_the_model() -> None:
    frame = pd.DataFrame({"key": ["a", "b", "c"], "name": ["山田電気", "ヤマダ電気", "山田電気"]})
    settings = link_settings(
        {"blocking": [["name"]], "comparisons": [{"column": "name", "levels": ["exact"]}]}
    )
    decisions = pd.DataFrame(
        {"left_key": ["a", "a"], "right_key": ["b", "c"], "decision": ["same", "different"]}
    )
    result = link(frame, settings, decisions=decisions, key_column="key")
    assert result.labels[0] == result.labels[1] != result.labels[2]
    assert set(result.pairs["decision"]) == {"same", "different"}
    unknown = link(
        frame,
        settings,
        decisions=pd.DataFrame({"left_key": ["a"], "right_key": ["zzz"], "decision": ["same"]}),
        key_column="key",
    )
    assert unknown.unknown_keys == ["zzz"]


def test_evidence_names_fields_levels_and_weights() -> None:
    frame, _ = _people(120)
    result = link(frame, link_settings(SETTINGS))
    line = result.pairs["evidence"].iloc[0]
    assert "name " in line and "(" in line and ";" in line


def test_learn_m_false_keeps_the_m_priors_as_given() -> None:
    frame, _ = _people(600)
    base = {**SETTINGS, "comparisons": [*SETTINGS["comparisons"][:1], SETTINGS["comparisons"][2]]}
    city = {"column": "city", "levels": [{"exact": True, "m": 0.2}], "else_m": 0.8}
    learned = link(frame, link_settings({**base, "comparisons": [*base["comparisons"], city]}))
    kept = link(
        frame,
        link_settings({**base, "comparisons": [*base["comparisons"], {**city, "learn_m": False}]}),
    )
    # every duplicate shares its city: EM learns m ~ 1 for the agreement, unless told not to
    assert learned.model.m[2][0] > 0.9
    assert kept.model.m[2].tolist() == [0.2, 0.8]
    assert kept.model.trained == [True, True, False]  # the others are still learned


def test_a_review_only_level_weighs_nothing_and_holds_a_pair_at_review() -> None:
    frame = pd.DataFrame(
        {"name": ["acme", "acme", "acme japan", "bolt", "bolt"], "city": ["x", "x", "x", "y", "z"]}
    )
    settings = link_settings(
        {
            "blocking": [["city"], [{"column": "name", "prefix": 4}]],
            "comparisons": [
                {"column": "name", "levels": [{"exact": True, "m": 0.9, "u": 0.01},
                                              {"partial_ratio": 1.0, "m": 0.09, "u": 0.02}]},
                {"column": "city", "levels": [{"exact": True, "m": 0.9, "u": 0.05}]},
                {"name": "japan", "column": "name",
                 "levels": [{"one_matches": "japan$", "review_only": True}],
                 "agreement_only": True},
            ],
            "model": {"train": False},
            "thresholds": {"match": 0.5, "review": 0.01},
        }
    )  # fmt: skip
    result = link(frame, settings)
    assert result.labels[0] == result.labels[1] != result.labels[2]
    held = result.pairs[(result.pairs["left"] == 1) & (result.pairs["right"] == 2)]
    assert len(held) == 1 and held["probability"].iloc[0] < 0.5
    assert "japan one matches, the other not (a person decides) (+0.0)" in held["evidence"].iloc[0]


def test_a_review_only_level_is_lifted_by_a_value_both_records_hold() -> None:
    """review_only: {agree: [...], given: [...]}: a pair at the level is held at review unless
    it agrees exactly on an `agree` comparison, or both records hold a value of a `given` one
    (near or far: that comparison weighs it). u19: two deals of one customer, names in two
    scripts sharing no word, one without an amount, merged on company, contact and 3/31."""
    frame = pd.DataFrame(
        {
            "company": ["c1"] * 6,
            "name": ["a", "b", "c", "d", "e", "f"],
            "amount": [None, 100.0, 100.0, 100.0, 100.0, 500.0],
            "pid": [None, None, "p3", "p3", None, None],
        }
    )
    settings = link_settings(
        {
            "blocking": [["company"]],
            "comparisons": [
                {"column": "company", "levels": [{"exact": True, "m": 0.9, "u": 0.5}]},
                {"name": "held", "column": "name",
                 "levels": [{"exact": True, "m": 0.9, "u": 0.01},
                            {"ratio": 0.0, "review_only": {"agree": ["pid"], "given": ["amount"]}}]},
                {"name": "amount", "column": "amount",
                 "levels": [{"exact": True, "m": 0.9, "u": 0.05}], "else_m": 0.1},
                {"name": "pid", "column": "pid", "levels": [{"exact": True, "m": 0.99, "u": 0.001}],
                 "else_m": 0.01},
            ],
            "model": {"train": False, "match_prior": 0.5},
            "thresholds": {"match": 0.5, "review": 0.01},
        }
    )  # fmt: skip
    result = link(frame, settings)
    pairs = result.pairs.set_index(["left", "right"])["probability"]
    assert pairs[(0, 1)] < 0.5  # one amount missing, no agreement on pid: held at review
    assert pairs[(2, 3)] > 0.5  # same pid: lifted
    assert pairs[(1, 4)] > 0.5  # both hold an amount (equal): lifted, the amount weighs
    assert result.labels[2] == result.labels[3]
    assert result.labels[0] != result.labels[1]
    held = result.pairs[(result.pairs["left"] == 0) & (result.pairs["right"] == 1)]
    assert "(a person decides unless pid agree or both hold amount)" in held["evidence"].iloc[0]


def test_a_review_only_mapping_is_checked() -> None:
    from migrate.rules import RuleFileError

    bad = {
        "blocking": [["name"]],
        "comparisons": [
            {"column": "name", "levels": [{"exact": True, "review_only": {"given": ["nope"]}}]}
        ],
    }
    with pytest.raises(RuleFileError, match="'nope' is no comparison"):
        link_settings(bad)
    bad["comparisons"][0]["levels"][0]["review_only"] = {"when": ["name"]}
    with pytest.raises(RuleFileError, match="when"):
        link_settings(bad)
