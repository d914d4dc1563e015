"""Writing an output directory atomically, and CSV/JSON the same way every time.

Everything for one run is written into a temporary sibling directory first and swapped into
place at the end, so a crash never leaves a half-written ``--out`` directory: the user sees
either the previous complete run or the new one. CSV and JSON are written deterministically
(fixed column order, ``\\n`` line endings, UTF-8, sorted keys where order is not meaningful),
so the same inputs give byte-identical files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a fresh temporary directory; on success it replaces ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_csv(
    frame: pd.DataFrame, path: Path, *, bom: bool = False, encoding: str = "utf-8"
) -> None:
    """CSV with every value as text as it stands, RFC 4180 quoting, LF line endings."""
    enc = "utf-8-sig" if bom and encoding == "utf-8" else encoding
    frame.to_csv(path, index=False, encoding=enc, lineterminator="\n", na_rep="")


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
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    os.replace(tmp, path)
