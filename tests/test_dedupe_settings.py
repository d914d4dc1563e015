"""rules/dedupe.yaml and link settings: loaded whole, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from migrate.dedupe import link_settings, load_settings
from migrate.errors import RuleFileError
from migrate.rules import DEFAULT_RULES_DIR


def test_shipped_rules_load() -> None:
    s = load_settings()
    assert s.companies.link.thresholds.match > s.companies.link.thresholds.review
    assert "gmail.com" in s.free_mail_domains and "docomo.ne.jp" in s.free_mail_domains
    assert {c.name for c in s.deals.link.comparisons} >= {
        "record_id",
        "deal_name",
        "amount",
        "close_date",
        "product",
    }
    assert s.deals.strategy("notes") == "concatenate"
    assert s.deals.strategy("stage") == "most_recent"


def _write(tmp_path: Path, doc: dict) -> Path:
    for name in ("columns.yaml", "stages.yaml", "normalize.yaml"):  # legal forms: normalize
        src = DEFAULT_RULES_DIR / name
        (tmp_path / name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "dedupe.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    doc = yaml.safe_load((DEFAULT_RULES_DIR / "dedupe.yaml").read_text(encoding="utf-8"))
    doc["companies"]["colour"] = "blue"  # unknown key
    doc["contacts"]["comparisons"][1]["levels"] = [{"ratio": 1.7}]  # out of range
    doc["deals"]["comparisons"][3]["levels"] = [
        {"rel_diff": 0.1},
        {"days": 3},
    ]  # a date test on numbers
    doc["deals"]["survivorship"]["fields"]["stage"] = "newest"  # unknown strategy
    doc["version"] = 2
    with pytest.raises(RuleFileError) as err:
        load_settings(_write(tmp_path, doc))
    text = "\n".join(err.value.problems)
    assert len(err.value.problems) == 5, text
    assert "companies.colour: unknown key" in text
    assert "contacts.comparisons[1].levels[0].ratio: 1.7 is out of range" in text
    assert "deals.comparisons[3].levels[1]: test 'days' does not apply to number values" in text
    assert "deals.survivorship.fields.stage: 'newest' is not allowed" in text
    assert "version" in text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            {"blocking": [], "comparisons": [{"column": "a", "levels": ["exact"]}]},
            "blocking: expected a non-empty list",
            id="no-blocking",
        ),
        pytest.param(
            {"blocking": [["a"]], "comparisons": [{"column": "a", "levels": ["fuzzy"]}]},
            "'fuzzy' is not allowed",
            id="unknown-level",
        ),
        pytest.param(
            {
                "blocking": [[{"column": "a", "prefix": 0}]],
                "comparisons": [{"column": "a", "levels": ["exact"]}],
            },
            "not a positive number",
            id="bad-prefix",
        ),
        pytest.param(
            {
                "blocking": [["a"]],
                "comparisons": [{"column": "a", "levels": [{"ratio": 0.9, "jaro": 0.9}]}],
            },
            "exactly one test",
            id="two-tests",
        ),
        pytest.param(
            {
                "blocking": [["a"]],
                "comparisons": [{"column": "a", "levels": ["exact"]}],
                "thresholds": {"match": 0.5, "review": 0.8},
            },
            "above thresholds.match",
            id="review-above-match",
        ),
    ],
)
def test_link_settings_problems(raw: dict, message: str) -> None:
    with pytest.raises(RuleFileError) as err:
        link_settings(raw, "bench:test")
    assert message in str(err.value)


def test_link_settings_from_dict() -> None:
    s = link_settings(
        {
            "blocking": [["surname"], [{"column": "given", "prefix": 2}, "postcode"]],
            "comparisons": [
                {
                    "column": "surname",
                    "levels": ["exact", {"jaro_winkler": 0.9}],
                    "tf_adjust": True,
                },
                {"column": "dob", "levels": ["exact", {"days": 31}]},
            ],
            "model": {"random_pairs": 5000},
        }
    )
    assert [r.label for r in s.blocking] == ["surname", "prefix(given,2) & postcode"]
    assert s.comparisons[1].kind == "date"
    assert s.comparisons[0].level_label(1) == "jaro_winkler>=0.9"
    assert s.model.random_pairs == 5000


def test_level_priors_cannot_add_up_to_more_than_one() -> None:
    raw = {
        "blocking": [["a"]],
        "comparisons": [
            {"column": "a", "levels": [{"exact": True, "u": 0.7}, {"ratio": 0.9, "u": 0.5}]}
        ],
    }
    with pytest.raises(RuleFileError, match="the u priors add up to 1.2"):
        link_settings(raw)


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        pytest.param(
            {"primary": "kanji"}, "names.primary: 'kanji' is not allowed", id="bad-script"
        ),
        pytest.param({"primary": "ja", "order": 1}, "names.order: unknown key", id="unknown-key"),
    ],
)
def test_the_names_setting_is_checked(tmp_path: Path, names: dict, problem: str) -> None:
    doc = yaml.safe_load((DEFAULT_RULES_DIR / "dedupe.yaml").read_text(encoding="utf-8"))
    doc["names"] = names
    with pytest.raises(RuleFileError) as err:
        load_settings(_write(tmp_path, doc))
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_names_keep_the_script_most_sources_use_by_default(tmp_path: Path) -> None:
    assert load_settings().name_script == "auto"
    doc = yaml.safe_load((DEFAULT_RULES_DIR / "dedupe.yaml").read_text(encoding="utf-8"))
    doc["names"] = {"primary": "latin"}
    assert load_settings(_write(tmp_path, doc)).name_script == "latin"


def test_deal_kinds_and_cross_script_options_are_checked(tmp_path: Path) -> None:
    doc = yaml.safe_load((DEFAULT_RULES_DIR / "dedupe.yaml").read_text(encoding="utf-8"))
    doc["deals"]["kinds"]["renewal"].append("新規導入")  # also a 'new' word
    doc["deals"]["kinds"]["upgrade"] = []
    reading = next(c for c in doc["deals"]["comparisons"] if c["name"] == "reading")
    reading["same_script_only"] = True  # excludes cross_script_of
    kind = next(c for c in doc["deals"]["comparisons"] if c["name"] == "kind")
    kind["when_differs"] = 3
    with pytest.raises(RuleFileError) as err:
        load_settings(_write(tmp_path, doc))
    text = "\n".join(err.value.problems)
    assert len(err.value.problems) == 4, text
    assert "deals.kinds.renewal: '新規導入' is also listed under 'new'" in text
    assert "deals.kinds.upgrade: expected a non-empty list of words" in text
    assert "same_script_only and cross_script_of exclude each other" in text
    assert "when_differs" in text


def test_shipped_deal_kinds() -> None:
    kinds = dict(load_settings().deals.kinds)
    assert {"new", "renewal", "add_on", "rollout"} <= set(kinds)
    assert "更新" in kinds["renewal"] and "renewal" in kinds["renewal"]


def test_distinct_words_are_checked() -> None:
    base = {"blocking": [["a"]]}
    s = link_settings(
        {**base, "comparisons": [{"column": "a", "levels": ["exact"], "distinct_words": ["HD"]}]}
    )
    assert s.comparisons[0].distinct_words == ("HD",)
    for words, message in (
        ("HD", "expected a list of strings"),
        ([""], "an empty word is not allowed"),
    ):
        raw = {"column": "a", "levels": ["exact"], "distinct_words": words}
        with pytest.raises(RuleFileError) as err:
            link_settings({**base, "comparisons": [raw]}, "bench:test")
        assert message in str(err.value)
    with pytest.raises(RuleFileError) as err:
        link_settings(
            {
                **base,
                "comparisons": [{"column": "a", "levels": [{"days": 3}], "distinct_words": ["x"]}],
            },
            "bench:test",
        )
    assert "applies to text values, not date" in str(err.value)


def test_after_is_a_date_test_naming_another_column() -> None:
    base = {"blocking": [["a"]]}
    s = link_settings(
        {**base, "comparisons": [{"column": "a", "levels": [{"after": "b", "never": True}]}]}
    )
    comp = s.comparisons[0]
    assert comp.kind == "date" and comp.columns == frozenset({"a", "b"})
    assert comp.levels[0].never and comp.level_label(0) == "after the other's b"
    for level, message in (
        ({"after": 3}, "3 is not a column name"),
        ({"after": "b", "ratio": 0.9}, "exactly one test"),
    ):
        with pytest.raises(RuleFileError) as err:
            link_settings({**base, "comparisons": [{"column": "a", "levels": [level]}]})
        assert message in str(err.value)
    with pytest.raises(RuleFileError) as err:  # not on text
        link_settings(
            {**base, "comparisons": [{"column": "a", "kind": "text", "levels": [{"after": "b"}]}]}
        )
    assert "test 'after' does not apply to text values" in str(err.value)


def test_shipped_deals_tell_a_reopened_deal_by_its_dates() -> None:
    comp = next(c for c in load_settings().deals.link.comparisons if c.name == "reopened")
    assert comp.levels[0].test == "after" and comp.levels[0].never and comp.agreement_only


def test_learn_m_is_a_flag_and_the_sheet_policy_is_not_learned() -> None:
    base = {"blocking": [["a"]]}
    comp = {"column": "a", "levels": ["exact"]}
    assert link_settings({**base, "comparisons": [comp]}).comparisons[0].learn_m
    off = link_settings({**base, "comparisons": [{**comp, "learn_m": False}]})
    assert not off.comparisons[0].learn_m
    with pytest.raises(RuleFileError) as err:
        link_settings({**base, "comparisons": [{**comp, "learn_m": "no"}]})
    assert "learn_m: 'no' is not allowed" in str(err.value)
    shipped = {c.name: c for c in load_settings().deals.link.comparisons}
    assert not shipped["sheet"].learn_m and not shipped["record_id"].learn_m
    assert shipped["amount"].learn_m


def test_one_matches_takes_a_regular_expression_and_review_only_a_flag() -> None:
    base = {"blocking": [["a"]]}
    level = {"one_matches": "japan$", "review_only": True}
    comp = link_settings({**base, "comparisons": [{"column": "a", "levels": [level]}]}).comparisons[
        0
    ]
    assert comp.kind == "text" and comp.levels[0].review_only
    listed = {"one_matches": "japan$", "review_only": ["domain", "phone"]}
    ids = [{"name": n, "column": n, "levels": ["exact"]} for n in ("domain", "phone")]
    comp = link_settings(
        {**base, "comparisons": [{"column": "a", "levels": [listed]}, *ids]}
    ).comparisons[0]
    assert comp.levels[0].review_only and comp.levels[0].review_unless == ("domain", "phone")
    shipped = next(
        c for c in load_settings().companies.link.comparisons if c.name == "japan_entity"
    )
    assert shipped.levels[0].review_unless == ("domain", "phone", "email", "corporate_number")
    with pytest.raises(RuleFileError) as err:  # a name that is no comparison: said, not ignored
        link_settings(
            {
                **base,
                "comparisons": [{"column": "a", "levels": [{**listed, "review_only": ["dom"]}]}],
            }
        )
    assert "'dom' is no comparison of this block" in str(err.value)
    for bad, message in (
        ({"one_matches": "(japan"}, "is not a regular expression"),
        ({"one_matches": "x", "review_only": "yes"}, "review_only: 'yes' is not allowed"),
    ):
        with pytest.raises(RuleFileError) as err:
            link_settings({**base, "comparisons": [{"column": "a", "levels": [bad]}]})
        assert message in str(err.value)
