"""Loading rule files (rules/*.yaml): business rules as data.

Every rule file says what it is (``kind:``, ``version:``). A loader reads the whole file,
collects every problem through :class:`Problems` and raises one :class:`RuleFileError` whose
lines each name the key path, the bad value and the allowed values. Unknown keys are errors.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import RuleFileError

#: The rules shipped with the project; ``--rules DIR`` or $SFA_MIGRATE_RULES override it.
DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def rules_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The directory rule files are read from."""
    if override:
        return Path(override)
    env = os.environ.get("SFA_MIGRATE_RULES")
    return Path(env) if env else DEFAULT_RULES_DIR


class Problems:
    """Collects problems found in one rule file; raise them all at once with :meth:`raise_if_any`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        self.items: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.items.append(f"{key}: {message}" if key else message)

    def keys(
        self, obj: Any, key: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> bool:
        """Check that ``obj`` is a mapping with only ``allowed`` keys and all ``required`` ones."""
        if not isinstance(obj, Mapping):
            self.add(key, f"expected a mapping, got {type(obj).__name__} {obj!r:.60}")
            return False
        allowed = list(allowed)
        ok = True
        for k in obj:
            if k not in allowed:
                self.add(
                    f"{key}.{k}" if key else str(k), f"unknown key; allowed: {', '.join(allowed)}"
                )
                ok = False
        for k in required:
            if k not in obj:
                self.add(key or "(top)", f"missing required key '{k}'")
                ok = False
        return ok

    def type(self, value: Any, key: str, types: type | tuple[type, ...], what: str) -> bool:
        if (
            not isinstance(value, types)
            or isinstance(value, bool)
            and bool not in (types if isinstance(types, tuple) else (types,))
        ):
            self.add(key, f"{value!r:.60} is not {what}")
            return False
        return True

    def choice(self, value: Any, key: str, allowed: Iterable[Any]) -> bool:
        allowed = list(allowed)
        if value not in allowed:
            self.add(
                key, f"{value!r:.60} is not allowed; allowed values: {', '.join(map(str, allowed))}"
            )
            return False
        return True

    def string_list(self, value: Any, key: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(key, f"expected a list of strings, got {type(value).__name__}")
            return []
        out = []
        for i, v in enumerate(value):
            if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                out.append(str(v))
            else:
                self.add(f"{key}[{i}]", f"{v!r:.60} is not a string")
        return out

    def raise_if_any(self) -> None:
        if self.items:
            raise RuleFileError(self.path, self.items)


def read_yaml(path: str | os.PathLike[str]) -> Any:
    """Parse one YAML file; a syntax error becomes a RuleFileError naming the line."""
    p = Path(path)
    if not p.is_file():
        raise RuleFileError(str(p), ["file not found"])
    try:
        with p.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(str(p), [f"{where}YAML syntax error: {problem}"]) from None
    except UnicodeDecodeError:
        raise RuleFileError(str(p), ["not UTF-8 text; save the file as UTF-8"]) from None


def load_rule_file(
    path: str | os.PathLike[str], kind: str, versions: Iterable[int] = (1,)
) -> tuple[dict[str, Any], Problems]:
    """Read a rule file and check its ``kind``/``version`` header.

    Returns the document and a :class:`Problems` the caller keeps filling while it checks the
    body; the caller ends with ``problems.raise_if_any()``.
    """
    doc = read_yaml(path)
    problems = Problems(path)
    if not isinstance(doc, dict):
        problems.add("", "expected a YAML mapping at the top level")
        problems.raise_if_any()
    if doc.get("kind") != kind:
        problems.add("kind", f"{doc.get('kind')!r} is not allowed; expected '{kind}'")
    if doc.get("version") not in tuple(versions):
        problems.add(
            "version",
            f"{doc.get('version')!r} is not allowed; allowed values: {', '.join(map(str, versions))}",
        )
    return doc, problems


def rule_path(name: str, override: str | os.PathLike[str] | None = None) -> Path:
    """Path of ``rules/<name>`` under the active rules directory."""
    return rules_dir(override) / name
