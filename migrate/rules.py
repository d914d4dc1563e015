"""Loading rule files (rules/*.yaml): business rules as data.

Every rule file says what it is (``kind:``, ``version:``). A loader reads the whole file,
collects every problem through :class:`Problems` and raises one :class:`RuleFileError` whose
lines each name the key path, the bad value and the allowed values. Unknown keys are errors.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import RuleFileError

#: The rules shipped inside the package (the checkout's top-level ``rules/`` links here);
#: ``--rules DIR`` or $SFA_MIGRATE_RULES override them, ``sfa-migrate rules init DIR`` copies them.
DEFAULT_RULES_DIR = Path(__file__).resolve().parent / "rules"


#: A config file in the working directory: ``kind: config``, ``version: 1``, ``rules: DIR``
#: (relative to the file).
CONFIG_FILE = "sfa-migrate.yaml"
_CONFIG_KEYS = ("kind", "version", "rules")


def rules_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The directory rule files are read from: ``--rules``, $SFA_MIGRATE_RULES,
    ``rules:`` in ./sfa-migrate.yaml, else the rules shipped with the package."""
    if override:
        return Path(override)
    env = os.environ.get("SFA_MIGRATE_RULES")
    if env:
        return Path(env)
    configured = _configured_rules(Path.cwd() / CONFIG_FILE)
    return configured or DEFAULT_RULES_DIR


def _configured_rules(path: Path) -> Path | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_config(str(path), stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _read_config(path: str, _mtime: int) -> Path | None:
    doc, p = load_rule_file(path, "config")
    p.keys(doc, "", _CONFIG_KEYS)
    value = doc.get("rules") if isinstance(doc, Mapping) else None
    if value is not None and not isinstance(value, str):
        p.add("rules", f"{value!r:.60} is not a folder name")
    p.raise_if_any()
    if not value:
        return None
    folder = (Path(path).parent / value).resolve()
    if not folder.is_dir():
        raise RuleFileError(path, [f"rules: {value!r} is not a folder"])
    return folder


def copy_default_rules(target: str | os.PathLike[str], *, force: bool = False) -> list[Path]:
    """Copy the shipped rule files into ``target`` (an editable copy); return what was written."""
    from .errors import UserError

    target = Path(target)
    sources = sorted(p for p in DEFAULT_RULES_DIR.rglob("*.yaml"))
    clash = [p.relative_to(DEFAULT_RULES_DIR) for p in sources]
    clash = [r for r in clash if (target / r).exists()]
    if clash and not force:
        raise UserError(
            f"{target}: {clash[0]} exists already ({len(clash)} rule file(s) would be replaced)",
            hint="choose another folder, or add --force to overwrite them",
        )
    written = []
    for src in sources:
        dst = target / src.relative_to(DEFAULT_RULES_DIR)
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src.read_bytes())
        except OSError as exc:
            raise UserError(
                f"{dst}: cannot write ({exc.strerror or exc})",
                hint="choose a folder you can write to",
            ) from None
        written.append(dst)
    return written


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
