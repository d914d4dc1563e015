"""The engines compared in the benchmark: this project's dedupe engine and Splink (DuckDB).

Both get the same cleaned columns. Splink gets a settings object in the style of its own Febrl
examples: blocking rules close to ours, the comparison library's name / Jaro-Winkler /
Damerau-Levenshtein comparisons with term-frequency adjustment where it helps, the prior from
deterministic rules, u from random sampling (1e7 pairs), m from EM sessions on two blocking
rules, then connected-components clustering at the same match threshold as our engine.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from datasets import Dataset  # type: ignore[import-not-found]

THRESHOLD = 0.9  # match probability both engines cluster at


@dataclass
class Run:
    labels: np.ndarray
    seconds: float


def run_ours(ds: Dataset, rules: dict[str, Any]) -> Run:
    # the engine imports these lazily; import them before timing, as Splink's are imported
    import rapidfuzz.process  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401

    from migrate.dedupe import link, link_settings

    settings = link_settings(rules, f"bench:{ds.name}")
    frame = ds.records[list(ds.columns)]
    t = time.perf_counter()
    result = link(frame, settings)
    return Run(result.labels, time.perf_counter() - t)


def _splink_spec(ds: Dataset) -> dict[str, Any]:
    import splink.comparison_library as cl
    from splink import block_on

    if ds.name.startswith("febrl"):
        with_ids = "names" not in ds.name
        comparisons = [
            # one comparison over both name columns, with a level for swapped names
            cl.ForenameSurnameComparison("given_name", "surname"),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.75]),
            cl.JaroWinklerAtThresholds("address_2", [0.9, 0.75]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
            cl.ExactMatch("state"),
        ]
        # the same blocking keys our engine uses, where SQL can say them
        blocking = [
            block_on("given_name"),
            block_on("surname"),
            block_on("postcode"),
            block_on("substr(given_name,1,3)", "substr(surname,1,3)"),
            block_on("address_1"),
            block_on("suburb", "street_number"),
            block_on("street_number", "substr(address_1,1,4)"),
            block_on("address_2"),
            block_on("suburb", "substr(given_name,1,1)"),
            "l.given_name = r.surname and l.surname = r.given_name",
        ]
        deterministic = [block_on("given_name", "surname", "postcode")]
        em = [block_on("postcode"), block_on("surname")]
        if with_ids:
            comparisons += [
                cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            ]
            blocking += [block_on("date_of_birth"), block_on("soc_sec_id")]
            deterministic = [
                block_on("soc_sec_id"),
                block_on("given_name", "surname", "date_of_birth"),
            ]
            em = [block_on("date_of_birth"), block_on("postcode")]
        return {
            "comparisons": comparisons,
            "blocking": blocking,
            "deterministic": deterministic,
            "em": em,
            "recall": 0.8,
        }
    if ds.name == "patstat":
        return {
            "comparisons": [
                cl.JaroWinklerAtThresholds("name_key", [0.95, 0.88, 0.7]).configure(
                    term_frequency_adjustments=True
                ),
                cl.JaccardAtThresholds("name", [0.9, 0.7, 0.5]),
            ],
            # narrower than ours: with our four keys Splink scored lower (0.75 vs 0.76)
            "blocking": [
                block_on("name_key"),
                block_on("substr(name_key,1,5)"),
                block_on("substr(name,1,4)"),
            ],
            "deterministic": [block_on("name_key")],
            "em": [block_on("substr(name_key,1,5)"), block_on("substr(name,1,4)")],
            "recall": 0.6,
        }
    if ds.name == "chicago":
        return {
            "comparisons": [
                cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.7]).configure(
                    term_frequency_adjustments=True
                ),
                cl.JaroWinklerAtThresholds("address", [0.95, 0.88, 0.7]).configure(
                    term_frequency_adjustments=True
                ),
                cl.ExactMatch("zip"),
                cl.DamerauLevenshteinAtThresholds("phone", [1]),
            ],
            "blocking": [
                block_on("name"),
                block_on("address"),
                block_on("phone"),
                block_on("array_to_string(list_sort(string_split(name, ' ')), ' ')"),
                block_on("substr(address,1,6)"),
                block_on("split_part(name, ' ', 1)", "zip"),
            ],
            "deterministic": [block_on("name", "address")],
            "em": [block_on("address"), block_on("phone"), block_on("name")],
            "recall": 0.7,
        }
    raise KeyError(ds.name)


def run_splink(ds: Dataset) -> Run:
    from splink import DuckDBAPI, Linker, SettingsCreator

    logging.getLogger("splink").setLevel(logging.ERROR)
    spec = _splink_spec(ds)
    frame = ds.records[list(ds.columns)].replace("", None).copy()
    frame.insert(0, "unique_id", np.arange(len(frame)))
    t = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=spec["blocking"],
        comparisons=spec["comparisons"],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        spec["deterministic"], recall=spec["recall"]
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in spec["em"]:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    out = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    seconds = time.perf_counter() - t
    found = pd.Series(out["cluster_id"].astype(str).to_numpy(), index=out["unique_id"].to_numpy())
    labels = found.reindex(np.arange(len(frame))).astype(object).to_numpy()
    for i in np.flatnonzero(pd.isna(labels)):
        labels[i] = f"single-{i}"
    return Run(labels, seconds)
