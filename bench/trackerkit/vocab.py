"""Vocabularies as data: the words a tracker generator draws from, read from vocab/*.yaml.

A vocabulary file holds the names, header words, stage words and habit weights of one
generator (or one team of it) and says what it is (`kind: trackerkit.vocabulary`,
`version: 1`). `load(name)` returns its body as plain lists and dicts, in file order:
the generators draw from them with a seeded random generator, so the order of every list
and mapping is part of the data (reorder one and the generated files change).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"
KIND = "trackerkit.vocabulary"


def load(name: str, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """Read vocab/<name>.yaml and return everything but its kind and version.

    keys: the top-level keys the caller reads; a missing or an unknown one is an error
    that names the file and both lists (a typo must not fall back to nothing).
    """
    path = VOCAB_DIR / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("kind") != KIND or data.get("version") != 1:
        raise ValueError(f"{path}: expected 'kind: {KIND}' and 'version: 1' at the top")
    body = {k: v for k, v in data.items() if k not in ("kind", "version")}
    if keys is not None:
        missing, unknown = set(keys) - set(body), set(body) - set(keys)
        if missing or unknown:
            raise ValueError(
                f"{path}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}"
                f" (allowed: {', '.join(keys)})"
            )
    return body


def dump(data: dict[str, Any], comment: str = "") -> str:
    """A vocabulary as YAML text (leaf lists inline), for writing a new file from Python data."""
    head = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    body = yaml.safe_dump(
        {"kind": KIND, "version": 1, **data},
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=100,
    )
    return head + body
