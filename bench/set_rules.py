"""Per-benchmark rules: each data set's columns mapped onto the engine's link settings.

The same engine code as the CRM merge reads these dicts (same shape as one entity block of
rules/dedupe.yaml): blocking keys, comparisons with levels, thresholds. Nothing here is
tuned to one set's truth: the Febrl sets share one dict, thresholds are the defaults.
"""

from __future__ import annotations

from typing import Any

NAME = ["exact", {"jaro_winkler": 0.92}, {"jaro_winkler": 0.85}, {"jaro_winkler": 0.7}]
STREET = ["exact", {"jaro_winkler": 0.9}, {"token_set_ratio": 0.8}, {"jaro_winkler": 0.75}]
CODE = ["exact", {"damerau_levenshtein": 1}, {"damerau_levenshtein": 2}]


def febrl(with_ids: bool) -> dict[str, Any]:
    blocking: list[Any] = [
        ["given_name"],
        ["surname"],
        ["postcode"],
        [{"column": "given_name", "prefix": 3}, {"column": "surname", "prefix": 3}],
        [{"column": "address_1", "sorted_tokens": True}],
        ["suburb", "street_number"],
        ["street_number", {"column": "address_1", "prefix": 4}],
        [{"column": "address_2", "sorted_tokens": True}],
        ["suburb", {"column": "given_name", "prefix": 1}],
    ]
    comparisons: list[dict[str, Any]] = [
        {
            "column": "given_name",
            "levels": [*NAME[:1], {"cross": "surname"}, *NAME[1:]],
            "tf_adjust": True,
        },
        {
            "column": "surname",
            "levels": [*NAME[:1], {"cross": "given_name"}, *NAME[1:]],
            "tf_adjust": True,
        },
        {
            "column": "street_number",
            "levels": ["exact", {"damerau_levenshtein": 1}],
            "tf_adjust": True,
        },
        {"column": "address_1", "levels": [*STREET[:1], {"cross": "address_2"}, *STREET[1:]]},
        {"column": "address_2", "levels": [*STREET[:1], {"cross": "address_1"}, *STREET[1:]]},
        {
            "column": "suburb",
            "levels": ["exact", {"jaro_winkler": 0.9}, {"jaro_winkler": 0.8}],
            "tf_adjust": True,
        },
        {"column": "postcode", "levels": CODE, "tf_adjust": True},
        {"column": "state", "levels": ["exact"]},
    ]
    if with_ids:
        blocking += [["date_of_birth"], ["soc_sec_id"]]
        comparisons += [
            {"column": "date_of_birth", "levels": CODE},
            {"column": "soc_sec_id", "levels": CODE},
        ]
    return {"blocking": blocking, "comparisons": comparisons}


def patstat() -> dict[str, Any]:
    return {
        "blocking": [
            ["name_key"],
            [{"column": "name", "first_token": True}],
            [{"column": "name_key", "prefix": 5}],
            [{"column": "name", "sorted_tokens": True}],
        ],
        "max_block_size": 2000,
        "comparisons": [
            {
                "column": "name_key",
                "levels": ["exact", {"ratio": 0.92}, {"ratio": 0.85}, {"ratio": 0.7}],
                "tf_adjust": True,
            },
            {
                "column": "name",
                "levels": [
                    {"token_set_ratio": 0.95},
                    {"token_set_ratio": 0.8},
                    {"token_sort_ratio": 0.6},
                ],
            },
        ],
    }


def chicago() -> dict[str, Any]:
    return {
        "blocking": [
            ["name"],
            ["address"],
            ["phone"],
            [{"column": "name", "sorted_tokens": True}],
            [{"column": "address", "prefix": 6}],
            [{"column": "name", "first_token": True}, "zip"],
        ],
        "comparisons": [
            {
                "column": "name",
                "levels": [
                    "exact",
                    {"token_set_ratio": 0.95},
                    {"token_set_ratio": 0.8},
                    {"ratio": 0.6},
                ],
                "tf_adjust": True,
            },
            {
                "column": "address",
                "levels": ["exact", {"token_set_ratio": 0.95}, {"ratio": 0.85}, {"ratio": 0.7}],
                "tf_adjust": True,
            },
            {"column": "zip", "levels": ["exact"]},
            {"column": "phone", "levels": ["exact", {"damerau_levenshtein": 1}]},
        ],
    }


def for_dataset(name: str) -> dict[str, Any]:
    if name.startswith("febrl"):
        return febrl("names" not in name)
    return {"patstat": patstat, "chicago": chicago}[name]()
