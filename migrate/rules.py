"""Loading rule files (rules/*.yaml): business rules as data.

Every rule file says what it is (``kind:``, ``version:``). A loader reads the whole file,
collects every problem through :class:`Problems` and raises one :class:`RuleFileError` whose
lines each name the key path, the bad value and the allowed values. Unknown keys are errors.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
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
    """Collects problems found in one rule file; raise them all at once with :meth:`raise_if_any`.

    With the file's ``lines`` (key path -> line, see :func:`read_rule_doc`) each problem also
    carries the line of the key it names, so the error reads ``file:LINE: key: problem``.
    """

    def __init__(
        self, path: str | os.PathLike[str], lines: Mapping[str, int] | None = None
    ) -> None:
        self.path = str(path)
        self.items: list[str] = []
        self.line_of: list[int | None] = []
        self._lines = lines or {}

    def add(self, key: str, message: str) -> None:
        self.items.append(f"{key}: {message}" if key else message)
        self.line_of.append(line_of(self._lines, key))

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
                    f"{key}.{k}" if key else str(k),
                    f"unknown key; allowed: {', '.join(allowed)}",
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
            raise RuleFileError(self.path, self.items, self.line_of)


def did_you_mean(value: object, allowed: Iterable[object]) -> str:
    """`` (did you mean X?)`` when one allowed value is close to ``value`` (a typo), else ""."""
    import difflib

    names = [str(a) for a in allowed]
    close = difflib.get_close_matches(str(value), names, n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""


# ----------------------------------------------------------------------------- reading files


@dataclass(frozen=True, eq=False)
class RuleDoc:
    """One parsed rule file: its data and the line of every key path in it.

    Key paths are written as problems name them: ``fields.owner.synonyms``, ``stages[3].key``.
    The data is shared by every reader of the file (it is read once): treat it as read-only.
    """

    path: str
    data: Any
    lines: Mapping[str, int]


def line_of(lines: Mapping[str, int], key: str) -> int | None:
    """The line of ``key`` (a key path), else of the nearest enclosing key found; None if none."""
    key = key.split(" (", 1)[0]  # "normalizers.x (id)": the key itself
    while key:
        if key in lines:
            return lines[key]
        cut = max(key.rfind("."), key.rfind("["))
        if cut <= 0:
            return lines.get(key)
        key = key[:cut]
    return None


def _key_lines(
    node: yaml.Node, prefix: str, out: dict[str, int], twice: list[tuple[str, int, int]]
) -> None:
    """Fill ``out`` with key path -> 1-based line for every key and list item under ``node``,
    and ``twice`` with (key path, first line, line) of a key written again in one mapping (YAML
    keeps the last one silently, so a rule added twice would hide the first)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for k, v in node.value:
            name = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
            path = f"{prefix}.{name}" if prefix else name
            line = k.start_mark.line + 1
            if name in seen and name not in ("?", "<<"):
                twice.append((path, seen[name], line))
            seen.setdefault(name, line)
            out.setdefault(path, line)
            _key_lines(v, path, out, twice)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = f"{prefix}[{i}]"
            out.setdefault(path, item.start_mark.line + 1)
            _key_lines(item, path, out, twice)


#: libyaml's loader when PyYAML was built with it (eight times faster on the rule files, the
#: same nodes, marks and errors), else the pure-Python one
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(path: str) -> RuleDoc:
    """Read and parse one YAML file (the one place rule files are read from disk)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RuleFileError(path, ["not UTF-8 text; save the file as UTF-8"]) from None
    except OSError as exc:
        raise RuleFileError(path, [f"cannot read ({exc.strerror or exc})"]) from None
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(
            path, [f"{where}YAML syntax error: {problem}"], [mark.line + 1 if mark else None]
        ) from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    twice: list[tuple[str, int, int]] = []
    if node is not None:
        _key_lines(node, "", lines, twice)
    if twice:
        raise RuleFileError(
            path,
            [f"{key}: written twice (also at line {first}); keep one" for key, first, _ in twice],
            [line for _, _, line in twice],
        )
    return RuleDoc(path, data, MappingProxyType(lines))


@functools.lru_cache(maxsize=64)
def _read(path: str, _stamp: tuple[int, int, int]) -> RuleDoc:
    return _parse(path)


def read_rule_doc(path: str | os.PathLike[str]) -> RuleDoc:
    """Parse one rule file, once per content: cached by path, modification time and size."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        st = None
    if st is None or not p.is_file():
        raise RuleFileError(str(p), ["file not found"])
    return _read(str(p), (st.st_mtime_ns, st.st_size, st.st_ino))


def read_yaml(path: str | os.PathLike[str]) -> Any:
    """Parse one YAML file; a syntax error becomes a RuleFileError naming the line."""
    return read_rule_doc(path).data


def load_rule_file(
    path: str | os.PathLike[str], kind: str, versions: Iterable[int] = (1,)
) -> tuple[dict[str, Any], Problems]:
    """Read a rule file and check its ``kind``/``version`` header.

    Returns the document and a :class:`Problems` the caller keeps filling while it checks the
    body; the caller ends with ``problems.raise_if_any()``.
    """
    rule_doc = read_rule_doc(path)
    doc = rule_doc.data
    problems = Problems(path, rule_doc.lines)
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
