"""Writing an output directory safely, and CSV/JSON the same way every time.

The user's folders are theirs. A run writes only its own files and never removes anything it
did not write: like pip's ``RECORD``, every run leaves a manifest (``.sfa-migrate-manifest.json``)
listing the files it wrote, and the next run replaces or removes only what that manifest lists.
An existing folder that holds other files and no manifest is refused unless ``--force``; even then
a file of the user's that has the name of one of ours is not replaced. Input files inside the
output folder are never touched.

Every output is first written into a staging folder inside ``--out`` and moved into place only
when all of them are complete, so a run that is killed while it works leaves the previous
complete output as it was. The move itself is short and journalled: the staging folder is
marked complete before the first file moves, and a later run that finds a complete staging
folder finishes the move before it does anything else; an incomplete one (a run killed while
writing) is deleted. The folder itself is never removed, so there is no moment without it.

CSV and JSON are written deterministically (fixed column order, ``\\n`` line endings, UTF-8,
sorted keys where order is not meaningful), so the same inputs give byte-identical files.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import hashlib
import io
import json
import operator
import os
import re
import shutil
import struct
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from .errors import UserError

MANIFEST = ".sfa-migrate-manifest.json"
CRASH_LOG = "sfa-migrate-error.log"
_STAGING_PREFIX = ".sfa-migrate-tmp-"
_COMPLETE = ".complete"
# what a run of the first version (before manifests) wrote; a folder holding only these and a
# report.json of ours is taken as an earlier run's output
_LEGACY_NAMES = frozenset(
    {
        "records.csv", "crosswalk.csv", "findings.csv", "report.json", "report.html",
        "quality.xlsx", "review.xlsx", "rejects.csv", "import.xlsx", "Account.csv",
        "Contact.csv", "Opportunity.csv", "Lead.csv", "OpportunityContactRole.csv",
        "companies.csv", "contacts.csv", "deals.csv",
    }
)  # fmt: skip


class OutputFolder:
    """The ``--out`` folder of one run: checked before the work, written at the end.

    ``prepare`` refuses what is not ours to write into (one :class:`UserError` line), finishes
    or removes what a killed run left behind, and creates the folder. ``staging`` yields the
    folder the run writes into; on success its files replace the previous run's.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        force: bool = False,
        inputs: Iterable[str] = (),
        names: Iterable[str] | None = None,
    ) -> None:
        self.path = Path(path)
        self.force = force
        self.inputs = {_resolved(p) for p in inputs}
        # every name this run could write (see output_names); checked before the work
        self.names = sorted(set(names) if names is not None else RUN_NAMES)
        self.previous: set[str] = set()
        self.created = False

    def prepare(self) -> None:
        """Check that the run may write here, recover from a killed run, create the folder."""
        try:
            self._prepare()
        except OSError as exc:
            raise UserError(
                f"--out {self.path}: cannot write there ({exc.strerror or exc})",
                hint="choose a folder you can write to, or fix its permissions",
            ) from None

    def _prepare(self) -> None:
        p = self.path
        if p.exists() and not p.is_dir():
            raise UserError(
                f"--out {p}: is a file, not a folder", hint="name a folder for the outputs"
            )
        _clean_legacy_siblings(p)
        if p.is_dir():
            _recover(p)
            self.previous = _read_manifest(p)
            theirs = sorted(
                e.name
                for e in _entries(p)
                if e.name not in self.previous and e.name not in (MANIFEST, CRASH_LOG)
            )
            if theirs and not (self.previous or _is_legacy(p, theirs)) and not self.force:
                shown = ", ".join(theirs[:3]) + (
                    f" and {len(theirs) - 3} more" if len(theirs) > 3 else ""
                )
                raise UserError(
                    f"--out {p}: the folder exists and holds files this tool did not write ({shown})",
                    hint="name a new or empty folder, or add --force to write beside them "
                    "(nothing of yours is replaced or removed)",
                )
            if _is_legacy(p, theirs) and not self.previous:
                self.previous = set(theirs)
            # a file of the user's that has the name of one of ours is never replaced: all of
            # them named now, before the work, not one per run at its end
            clash = [n for n in self.names if n not in self.previous and (p / n).exists()]
            if clash:
                raise UserError(
                    f"--out {p}: "
                    + (
                        "a file of yours has the name of an output of this run"
                        if len(clash) == 1
                        else f"{len(clash)} files of yours have the names of outputs of this run"
                    )
                    + f" and would not be replaced: {', '.join(clash)}",
                    hint="move or rename them, or write the outputs into another folder "
                    "(nothing was run)",
                )
        self.created = not p.exists()
        p.mkdir(parents=True, exist_ok=True)
        probe = p / f"{_STAGING_PREFIX}probe-{uuid.uuid4().hex[:8]}"
        probe.mkdir()  # a read-only folder fails here, before any work is done
        probe.rmdir()

    def discard(self) -> None:
        """A run that writes nothing leaves no empty folder it created itself."""
        if self.created:
            with contextlib.suppress(OSError):
                self.path.rmdir()

    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """Yield an empty folder to write into; on success, move its files into place."""
        tmp = self.path / f"{_STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        tmp.mkdir()
        try:
            yield tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        names = sorted(e.name for e in tmp.iterdir() if e.name != MANIFEST)
        clash = [n for n in names if _resolved(self.path / n) in self.inputs]
        if clash:
            shutil.rmtree(tmp, ignore_errors=True)
            raise UserError(
                f"--out {self.path}: the output {clash[0]} would replace an input file of this run",
                hint="write the outputs into another folder",
            )
        # a file of the user's that happens to have one of our names is never replaced
        theirs = [n for n in names if n not in self.previous and (self.path / n).exists()]
        if theirs:
            shutil.rmtree(tmp, ignore_errors=True)
            raise UserError(
                f"--out {self.path}: {theirs[0]} exists and was not written by this tool; "
                "it is not replaced",
                hint="move or rename it, or write the outputs into another folder",
            )
        write_json(_manifest(tmp, names, self.previous - set(names)), tmp / MANIFEST)
        (tmp / _COMPLETE).touch()
        _commit(tmp, self.path)


# what every run writes, whatever its target (review.xlsx when there is something to review)
RUN_NAMES = frozenset(
    {"records.csv", "crosswalk.csv", "findings.csv", "report.json", "report.html", "quality.xlsx",
     "review.xlsx"}
)  # fmt: skip


def output_names(target: Any = None) -> list[str]:
    """Every name a run could write into ``--out``: the reports, and with a target profile its
    import files, rejects.csv and its workbook."""
    names = set(RUN_NAMES)
    if target is not None:
        names |= {f.name for f in target.files} | {"rejects.csv"}
        if target.output.workbook:
            names.add(target.output.workbook)
    return sorted(names)


def _resolved(p: str | os.PathLike[str]) -> str:
    return str(Path(p).resolve())


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as it:
        return [e for e in it if not e.name.startswith(_STAGING_PREFIX)]


def _is_legacy(folder: Path, names: list[str]) -> bool:
    """An output folder of a version that wrote no manifest: only our names, our report.json."""
    if not names or not set(names) <= _LEGACY_NAMES or "report.json" not in names:
        return False
    try:
        doc = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and (doc.get("tool") or {}).get("name") == "sfa-migrate"


def _read_manifest(folder: Path) -> set[str]:
    try:
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {f["name"] for f in doc["files"] if _plain_name(f["name"])}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _plain_name(name: object) -> bool:
    """A manifest entry must be a plain file name in the folder, never a path out of it."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
    )


def _manifest(tmp: Path, names: list[str], stale: set[str]) -> dict[str, Any]:
    files = []
    for n in names:
        data = (tmp / n).read_bytes()
        files.append({"name": n, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return {"tool": "sfa-migrate", "manifest_version": 1, "files": files, "remove": sorted(stale)}


def _commit(tmp: Path, target: Path) -> None:
    """Move a complete staging folder's files into ``target`` (also used to finish a killed move).

    Each file is replaced with one ``os.replace``; files of the previous run that this one did
    not write are removed; the manifest moves last, then the staging folder goes.
    """
    doc = json.loads((tmp / MANIFEST).read_text(encoding="utf-8"))
    for f in doc["files"]:
        src = tmp / f["name"]
        if _plain_name(f["name"]) and src.exists():
            os.replace(src, target / f["name"])
    for name in doc.get("remove", []):
        if _plain_name(name):
            with contextlib.suppress(FileNotFoundError):
                (target / name).unlink()
    crash = target / CRASH_LOG
    if crash.exists() and crash.read_text(encoding="utf-8", errors="replace").startswith(
        CRASH_LOG_HEADER
    ):
        crash.unlink()
    os.replace(tmp / MANIFEST, target / MANIFEST)
    shutil.rmtree(tmp, ignore_errors=True)


def _recover(folder: Path) -> None:
    """Finish the move of a run killed while moving; delete what a run killed earlier left."""
    for e in os.scandir(folder):
        if e.name.startswith(_STAGING_PREFIX) and e.is_dir(follow_symlinks=False):
            tmp = Path(e.path)
            if (tmp / _COMPLETE).exists() and (tmp / MANIFEST).exists():
                _commit(tmp, folder)
            else:
                shutil.rmtree(tmp, ignore_errors=True)


def _clean_legacy_siblings(target: Path) -> None:
    """Temporary folders the first version left beside ``--out`` when it was killed."""
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        return
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(tmp|old)-[0-9a-f]{{8}}$")
    with contextlib.suppress(OSError):
        for e in os.scandir(parent):
            if pattern.match(e.name) and e.is_dir(follow_symlinks=False):
                shutil.rmtree(e.path, ignore_errors=True)


CRASH_LOG_HEADER = "sfa-migrate internal error\n"


def write_crash_log(folder: Path | None, text: str) -> Path:
    """Write a traceback where the user can find it: the output folder, else the temp folder."""
    import tempfile

    for where in ([folder] if folder is not None else []) + [Path(tempfile.gettempdir())]:
        try:
            where.mkdir(parents=True, exist_ok=True)
            path = where / CRASH_LOG
            path.write_text(CRASH_LOG_HEADER + text, encoding="utf-8")
            return path
        except OSError:
            continue
    raise OSError("no folder to write the error log into")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the block runs (a decorator too).

    A full collection traverses every tracked object of the run (about 650k at 100k rows,
    ~0.35 CPU s each), and CPython starts one whenever the objects that survived the young
    collections grew by a quarter: the report and the writers, which make hundreds of
    thousands of rows, cells and texts, started three or four of them at 100k. Paused, what
    the block allocates stays in the youngest generation; on leaving, one collection of that
    generation frees the reference cycles the block left (the rest of the heap is not
    traversed), so none of its garbage outlives it. Nested blocks and a collector already
    off are left as they are."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.collect(0)
        gc.enable()


@collector_paused()
def write_csv(
    frame: pd.DataFrame,
    path: Path,
    *,
    bom: bool = False,
    encoding: str = "utf-8",
    neutralise: bool = True,
) -> None:
    """CSV with every value as text as it stands, RFC 4180 quoting, LF line endings.

    Formula payloads are neutralised (see :func:`is_formula_payload`): every CSV the tool writes
    is opened in Excel by someone. The import files pass ``neutralise=False``: the export
    already neutralised their text columns, with a finding per cell, and left typed ones alone.
    """
    enc = "utf-8-sig" if bom and encoding == "utf-8" else encoding
    if neutralise:
        frame = neutralise_frame(frame)
    fields = _csv_columns(frame)
    if fields is None:  # a column of another kind: pandas writes it
        frame.to_csv(path, index=False, encoding=enc, lineterminator="\n", na_rep="")
        return
    with open(path, "w", encoding=enc, newline="") as fh:
        fh.write(",".join(fields[0]) + "\n")
        for start in range(0, len(frame), _CSV_BLOCK):
            cells = [c[start : start + _CSV_BLOCK].tolist() for c in fields[1]]
            fh.write("\n".join(map(",".join, zip(*cells))) + "\n")


_QUOTED = '"{}"'
#: rows joined into text at a time (a few MB: the same memory reused, bounded for any size)
_CSV_BLOCK = 2_000


def _csv_columns(frame: pd.DataFrame) -> tuple[list[str], list[np.ndarray]] | None:
    """The header's fields and each column's fields as ``frame.to_csv(index=False,
    lineterminator="\\n", na_rep="")`` writes them (None when a column is not one of the kinds
    it handles: texts with missing values, integers, booleans).

    The bytes are pandas': a missing value (its ``isna``) is "", anything else its ``str()``;
    a field is quoted as the csv module quotes it (:func:`_csv_quoted`). pandas hands every
    cell to the csv module one by one; here a column is its texts at once (a column without
    a character that needs quoting, most of them, is taken as it is) and rows are joined."""
    labels = list(frame.columns)
    if not labels or isinstance(frame.columns, pd.MultiIndex):
        return None
    if not all(isinstance(c, str) for c in labels):
        return None
    columns = []
    for i in range(len(labels)):
        texts = _csv_texts(frame.iloc[:, i])
        if texts is None:
            return None
        columns.append(texts)
    specials = _csv_specials()
    if specials is None:
        return None
    head = _csv_quoted(labels, specials)
    if len(columns) == 1:  # the csv module quotes a row that is one empty field
        head = [h or '""' for h in head]
        columns[0] = np.where(columns[0] == "", '""', columns[0]).astype(object)
    return head, columns


def _csv_texts(column: pd.Series) -> np.ndarray | None:
    """One column's CSV fields (object array of str), or None for a column of another kind."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":  # never quoted, never missing
        return np.array([str(x) for x in column.tolist()], dtype=object)
    if not (pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype)):
        return None
    cells = column.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=False) != "string":  # some missing, or not texts
        cells = cells.copy()
        cells[pd.isna(cells)] = ""
        if pd.api.types.infer_dtype(cells, skipna=False) != "string":
            return None
    texts = cells.tolist()
    specials = _csv_specials()
    if specials is None:
        return None
    quoted = []
    for start in range(0, len(texts), _CSV_BLOCK):
        # a block's texts joined: the characters to quote are looked for in one text
        block = texts[start : start + _CSV_BLOCK]
        joined = "\x00".join(block)
        found = [ch for ch in specials if ch in joined]
        if not found:
            continue
        hit = np.zeros(len(block), dtype=bool)
        for ch in found:
            hit |= np.fromiter(map(operator.contains, block, repeat(ch)), bool, len(block))
        quoted.append(start + np.flatnonzero(hit))
    if quoted:
        at = np.concatenate(quoted)
        cells = np.array(cells, dtype=object)  # a copy: the frame's own array is left alone
        cells[at] = [_QUOTED.format(s.replace('"', '""')) for s in cells[at].tolist()]
    return cells


def _csv_quoted(texts: list[str], specials: str) -> list[str]:
    """Each text as the csv module writes it as a field (QUOTE_MINIMAL, quotes doubled)."""
    return [
        _QUOTED.format(s.replace('"', '""')) if any(ch in s for ch in specials) else s
        for s in texts
    ]


@functools.cache
def _csv_specials() -> str | None:
    """The characters that make the csv module quote a field, as pandas' writer is set up
    (``,`` delimiter, ``"`` quote, ``\\n`` line terminator): asked of this Python's csv
    module once (the delimiter, the quote and the line terminator's characters). None when
    it quotes by some other rule than a character anywhere in the field (then pandas
    writes)."""

    def written(*fields: str) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(fields)
        return buf.getvalue()

    if written("") != '""\n' or written("", "") != ",\n":
        return None
    found = []
    for code in range(128):
        c = chr(code)
        quoted = {written(f"a{c}b", "c")[0], written(f"{c}a", "c")[0], written(f"a{c}", "c")[0]}
        if quoted == {'"'}:
            found.append(c)
        elif '"' in quoted:  # quoted in one place and not another
            return None
    return "".join(found)


def write_json(data: Any, path: Path) -> None:
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n",
        encoding="utf-8",
    )


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def make_reproducible(path: Path) -> None:
    """Rewrite an .xlsx so the same content gives the same bytes.

    Writers stamp the save time into docProps/core.xml and into every zip entry; both are
    replaced by fixed values (entries keep their order and compression).
    """
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as src, open(path, "rb") as raw, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            if info.filename == "docProps/core.xml" or not _copy_compressed(raw, info, fixed, dst):
                data = src.read(info.filename)
                if info.filename == "docProps/core.xml":
                    data = _CORE_DATES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", data)
                dst.writestr(fixed, data)
    os.replace(tmp, path)


def _copy_compressed(raw: BinaryIO, info: zipfile.ZipInfo, fixed: zipfile.ZipInfo, dst) -> bool:
    """Write an entry's compressed bytes as they are, under the ``fixed`` header.

    The entry's content does not change, and both workbook writers deflate at zlib's default
    level as ``writestr`` does, so the bytes are those ``writestr`` would write, without
    inflating and deflating again (the largest part of a big workbook's rewrite). The same
    steps as ``ZipFile.writestr`` with a header carrying the sizes and CRC from the start;
    False (the caller writes it with writestr) for an encrypted or Zip64 entry, or where this
    Python's zipfile lacks what it uses.
    """
    big = max(info.file_size, info.compress_size, info.header_offset) >= zipfile.ZIP64_LIMIT
    if info.flag_bits & 0x1 or big or info.compress_type not in _COPYABLE:
        return False
    if not all(hasattr(dst, a) for a in ("fp", "filelist", "NameToInfo", "start_dir")):
        return False
    raw.seek(info.header_offset)
    local = raw.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        return False
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    payload = raw.read(info.compress_size)
    if len(payload) != info.compress_size:
        return False
    fixed.file_size, fixed.compress_size, fixed.CRC = info.file_size, info.compress_size, info.CRC
    dst.fp.seek(dst.start_dir)
    fixed.header_offset = dst.fp.tell()
    dst.fp.write(fixed.FileHeader(False))
    dst.fp.write(payload)
    dst.filelist.append(fixed)
    dst.NameToInfo[fixed.filename] = fixed
    dst.start_dir = dst.fp.tell()
    dst._didModify = True
    return True


_COPYABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


# ---------------------------------------------------------------------------- formulas in CSVs
# A spreadsheet runs a cell as a formula when it starts with = + - @ (or a tab or CR before
# one). Only what is a payload gets a leading ': a plain number (-5, +1.5%), a phone (+81...)
# and a handle-like name (@cosme) arrive as themselves.
_ALWAYS = ("=", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?%?$")
_PHONE = re.compile(r"^\+\d[\d\s().\-]{5,}$")
_HANDLE = re.compile(r"^@[\w.\-]+$")


def is_formula_payload(value: str) -> bool:
    """Whether a spreadsheet opening this cell would run it as a formula."""
    if not value:
        return False
    if value.startswith(_ALWAYS):
        return True
    first = value[0]
    if first in "+-":
        return not (_PLAIN_NUMBER.match(value) or _PHONE.match(value))
    if first == "@":
        return not _HANDLE.match(value)
    return False


def neutralise(value: str) -> str:
    """Prefix ``'`` to a text a spreadsheet would run as a formula."""
    return "'" + value if is_formula_payload(value) else value


#: the first characters a formula payload can start with (see :func:`is_formula_payload`)
_PAYLOAD_FIRST = np.array(["=", "\t", "\r", "+", "-", "@"])


def payload_mask(column: pd.Series) -> pd.Series:
    """Which cells of a column are formula payloads.

    Only a cell whose text starts with one of :data:`_PAYLOAD_FIRST` can be one: the first
    characters of the whole column are taken in numpy (a cell's text is its ``str()``), and
    each distinct value of those few cells is tested once (hashing every distinct value of
    every column was most of writing records.csv and findings.csv)."""
    from .columnar import by_value

    def payload(v: object) -> bool:
        if isinstance(v, str):
            return is_formula_payload(v)
        return not pd.isna(v) and is_formula_payload(str(v))  # type: ignore[call-overload]

    marks = np.zeros(len(column), dtype=bool)
    maybe = _may_be_payloads(column)
    if maybe.any():
        marks[maybe] = by_value(column[maybe], payload)
    return pd.Series(marks, index=column.index, dtype=bool)


def _may_be_payloads(column: pd.Series) -> np.ndarray:
    """Which cells start with one of :data:`_PAYLOAD_FIRST`; a text column of pandas' Arrow
    string dtype in Arrow (its missing cells, whose ``str()`` is "nan", start with none),
    anything else by the first character of each cell's ``str()`` in numpy."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        first = pc.utf8_slice_codeunits(pa.array(column.array), 0, 1)
        hit = pc.is_in(first, value_set=pa.array(_PAYLOAD_FIRST.tolist()))
        return np.asarray(hit.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return np.isin(_first_characters(column.to_numpy(dtype=object)), _PAYLOAD_FIRST)


def _first_characters(cells: np.ndarray) -> np.ndarray:
    """The first character of each cell's ``str()`` ("" for an empty text), in numpy; a
    column holding sequences (a tuple cell), which numpy will not take as text, cell by cell."""
    try:
        return cells.astype("U1")
    except ValueError:
        return np.array([str(v)[:1] for v in cells.tolist()], dtype="U1")


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell that is a formula payload, prefixed with ``'`` (numbers untouched)."""
    out = None
    for col in frame.columns:
        if not (
            pd.api.types.is_object_dtype(frame[col]) or pd.api.types.is_string_dtype(frame[col])
        ):
            continue
        hit = payload_mask(frame[col])
        if hit.any():
            out = frame.copy() if out is None else out
            out[col] = out[col].astype(object)
            out.loc[hit, col] = "'" + out.loc[hit, col].astype(str)
    return frame if out is None else out
