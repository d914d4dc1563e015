"""Finding input files and deciding what they are, before any reader touches them.

Paths in, ``SourceFile`` objects out (path, display name, format), or an
:class:`InputFileError` per file that cannot be read, with a message that says what to do.
The format is decided from the bytes, never from the name: a zip is an .xlsx/.xlsm/.xlsb/.ods
by its parts, an OLE2 file is an .xls (or an encrypted workbook), an HTML page or an XML
Spreadsheet 2003 is what web systems export as "Excel", and text is CSV/TSV. So a renamed file
is read as what it is (:func:`extension_mismatch` words the finding that says so), and a
picture named ``.xlsx`` is refused clearly. Zip-based workbooks are checked against
decompression bombs before a reader opens them.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InputFileError

Format = Literal["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "html", "xml"]
SPREADSHEET_EXTS = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".tsv", ".txt"}
TEXT_EXTS = {".csv", ".tsv", ".txt"}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SPREADSHEET_ML = b"urn:schemas-microsoft-com:office:spreadsheet"

# What each extension promises; a file whose bytes are something else gets a finding.
EXT_FORMAT: dict[str, Format] = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsm",
    ".xlsb": "xlsb",
    ".xls": "xls",
    ".ods": "ods",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
}
# How a format is named in messages, and the extension it is read as.
FORMAT_LABEL: dict[str, tuple[str, str]] = {
    "xlsx": ("an Excel workbook (.xlsx)", ".xlsx"),
    "xlsm": ("a macro-enabled Excel workbook (.xlsm)", ".xlsm"),
    "xlsb": ("an Excel binary workbook (.xlsb)", ".xlsb"),
    "xls": ("an Excel 97-2003 workbook (.xls)", ".xls"),
    "ods": ("an OpenDocument spreadsheet (.ods)", ".ods"),
    "csv": ("text", ".csv"),
    "html": ('an HTML page (a web system\'s "Excel" export)', ".html"),
    "xml": ("an Excel 2003 XML spreadsheet", ".xml"),
}
# Files that are plainly something else: named in the refusal instead of "binary data".
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG picture"),
    (b"\xff\xd8\xff", "a JPEG picture"),
    (b"GIF87a", "a GIF picture"),
    (b"GIF89a", "a GIF picture"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"{\\rtf", "an RTF document"),
)
# C0 control bytes that never occur in text (tab, LF, CR, FF and ESC of ISO-2022-JP excepted)
CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32), 127])

PASSWORD_HINT = (
    "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
    "Password, clear it), save, and run again"
)


@dataclass(frozen=True)
class SourceFile:
    """One input file: where it is, the name shown in outputs, and its format."""

    path: Path
    name: str
    format: Format
    order: int


@dataclass(frozen=True)
class Limits:
    max_uncompressed_bytes: int = 2 * 1024**3
    max_compression_ratio: float = 200.0
    max_csv_bytes: int = 4 * 1024**3
    # a sheet wider than far_gap_cols whose box (first to last cell holding a value) is larger
    # than this many cells is looked at cell by cell (see ingest/extent.py), as is one with a
    # run of more than far_gap_rows rows without a value
    sparse_min_cells: int = 100_000
    # cells beyond more than this many empty rows or columns from the table, when at most
    # max_stray_cells, are stray cells: left out, each named by a finding
    far_gap_rows: int = 1000
    far_gap_cols: int = 100
    max_stray_cells: int = 20
    # a sheet whose box stays larger than this is refused (calamine holds every cell of it)
    max_sheet_cells: int = 100_000_000


def expand_paths(
    paths: list[str], same: list[tuple[Path, Path]] | None = None
) -> tuple[list[Path], list[InputFileError]]:
    """Expand directories into the supported files directly inside them, all of them in one
    order whatever the order they were given in (by name, then by path): ``run b.xlsx a.xlsx``
    gives the same outputs as ``run a.xlsx b.xlsx``, ties between sources included.

    Lock files Excel leaves behind (``~$name.xlsx``) and hidden files are ignored. A file named
    twice (the same path, or a link to a file already named) is read once; ``same`` gets each
    (name left out, name read) pair whose names differ.
    """
    found: list[Path] = []
    problems: list[InputFileError] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            # only the files directly inside: sub-folders (archives, truth files) are not inputs
            inside = sorted(
                q
                for q in p.iterdir()
                if q.is_file()
                and q.suffix.lower() in SPREADSHEET_EXTS
                and not q.name.startswith(("~$", "."))
            )
            if not inside:
                problems.append(
                    InputFileError(
                        str(p),
                        "directory holds no spreadsheet files",
                        hint="supported: .xlsx .xlsm .xlsb .xls .ods .csv .tsv .txt",
                        code="ingest.empty-directory",
                    )
                )
            found.extend(inside)
        elif p.is_file():
            found.append(p)
        else:
            problems.append(
                InputFileError(
                    str(p),
                    "no such file or directory",
                    hint="check the path (quote names with spaces)",
                    code="ingest.missing-file",
                )
            )
    # the same file named twice is read once
    unique: list[Path] = []
    seen: dict[Path, Path] = {}
    for p in found:
        rp = p.resolve()
        if rp not in seen:
            seen[rp] = p
            unique.append(p)
        elif same is not None and os.path.abspath(p) != os.path.abspath(seen[rp]):
            same.append((p, seen[rp]))
    unique.sort(key=lambda p: (p.name, str(p.resolve())))
    return unique, problems


def display_names(paths: list[Path]) -> list[str]:
    """Names shown in outputs: the base name, or a longer tail where base names clash."""
    names = [p.name for p in paths]
    for i, p in enumerate(paths):
        if names.count(p.name) > 1:
            parts = p.resolve().parts
            names[i] = "/".join(parts[-2:])
    return names


def detect_format(path: Path, limits: Limits) -> Format:
    """Decide the format from the file's bytes; raise InputFileError when it cannot be read.

    The name does not decide: an .xlsx saved as .xls, an .xls or .ods named .xlsx, CSV/TSV
    text or an HTML/XML "Excel" export under an Excel name are all read as what they are.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(65536)
    except PermissionError:
        raise InputFileError(
            str(path),
            "permission denied",
            hint="make the file readable and run again",
            code="ingest.unreadable-file",
        ) from None
    except OSError as exc:
        raise InputFileError(
            str(path),
            f"cannot be opened ({exc.strerror})",
            hint="check the file and run again",
            code="ingest.unreadable-file",
        ) from None
    ext = path.suffix.lower()
    if size == 0:
        raise InputFileError(
            str(path),
            "the file is empty (0 bytes)",
            hint="export it again from its source",
            code="ingest.empty-file",
        )
    if head.startswith(OLE2_MAGIC):
        return _ole2_format(path)
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path, limits)
    for magic, what in SIGNATURES:
        if head.startswith(magic):
            raise InputFileError(
                str(path),
                f"is {what}, not a spreadsheet",
                hint="remove it from the inputs, or export the data as .xlsx or CSV",
                code="ingest.not-a-spreadsheet",
            )
    if ext not in SPREADSHEET_EXTS:
        raise InputFileError(
            str(path),
            f"unsupported file type '{ext or '(none)'}'",
            hint="supported: .xlsx .xlsm .xlsb .xls .ods .csv .tsv .txt",
            code="ingest.not-a-spreadsheet",
        )
    if size > limits.max_csv_bytes:  # every format left is text, read whole into memory
        raise InputFileError(
            str(path),
            f"is {size / 1024**3:.1f} GiB, above the {limits.max_csv_bytes / 1024**3:.0f} GiB limit",
            hint="split the file, or raise limits.max_csv_bytes in rules/ingest.yaml",
            code="ingest.too-large",
        )
    markup = _markup_format(path, head, ext)
    if markup is not None:
        return markup
    if ext in TEXT_EXTS:
        _check_text(path, head)
        return "csv"
    # An Excel name on bytes that are neither zip, OLE2 nor markup: CSV/TSV text saved as
    # .xls/.xlsx (a web system's "Excel" download, or a renamed file) reads as text.
    if _looks_like_text(head):
        return "csv"
    raise InputFileError(
        str(path),
        f"is not a spreadsheet: its bytes are neither an Excel workbook nor text, "
        f"whatever its {ext} name says",
        hint="open it in Excel and save it as .xlsx, or remove it from the inputs",
        code="ingest.not-a-spreadsheet",
    )


def extension_mismatch(path: Path, fmt: Format, detail: str = "") -> str:
    """The finding's sentence when the bytes are not what the extension says ("" when they are).

    ``detail`` says more about text (its encoding and delimiter), found while reading it.
    """
    ext = path.suffix.lower()
    if EXT_FORMAT.get(ext) == fmt:
        return ""
    what, read_as = FORMAT_LABEL[fmt]
    if detail:
        what = f"{what} ({detail})"
    said = f"the file is {what} saved with " + (f"the extension {ext}" if ext else "no extension")
    if fmt == "html":
        return f"{said}; its tables were read as the page displays them"
    if fmt == "xml":
        return f"{said}, and was read as one"
    if fmt == "csv":
        return f"{said}, and was read as CSV"
    # Excel refuses, or warns about, a workbook whose name says another format
    return f"{said}, and was read as {read_as} (rename it to {read_as} so Excel opens it cleanly)"


def _markup_format(path: Path, head: bytes, ext: str) -> Format | None:
    """An HTML page or an XML Spreadsheet 2003 (what web systems save as "Excel"), else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "replace")
    else:
        text = head.decode("latin-1")
    start = text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    if not start.startswith("<"):
        return None
    lower = text.lower()
    if start.startswith("<?xml") or "<?mso-application" in lower[:1024]:
        if SPREADSHEET_ML.decode() in lower or 'progid="excel.sheet"' in lower:
            return "xml"
        if "<html" in lower:
            return "html"  # XHTML
        raise InputFileError(
            str(path),
            "is an XML file, but not an Excel XML spreadsheet",
            hint="open it in Excel and save it as .xlsx, or remove it from the inputs",
            code="ingest.not-a-spreadsheet",
        )
    tags = ("<!doctype html", "<html", "<head", "<body", "<meta", "<table", "<title", "<!--")
    # under an Excel name a table anywhere makes it a "Web page" export; under a text name only
    # a page that begins like one (a CSV's first cell may begin with "<")
    if start.startswith(tags) or (ext not in TEXT_EXTS and "<table" in lower):
        return "html"
    return None


def _looks_like_text(sample: bytes) -> bool:
    """True for text in any encoding the CSV reader knows (UTF-8, cp932, UTF-16, ...)."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a BOM has NULs by design
    if len(sample) >= 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) > len(sample) // 3 and min(even, odd) == 0:
            return True  # UTF-16 without a BOM: NUL on every other byte of ASCII
    if b"\x00" in sample:
        return False
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return controls <= len(sample) // 1000


def _check_text(path: Path, sample: bytes) -> None:
    """A .csv/.tsv/.txt name: lenient (stray NULs happen in exports), binary is refused."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with a BOM has NULs by design
    if b"\x00" in sample and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without BOM is mostly NUL on alternate bytes; let the CSV reader try it
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) > len(sample) // 3:
            return
        raise InputFileError(
            str(path),
            "is binary data, not a text/CSV file",
            hint="export the data as CSV (UTF-8) or .xlsx",
            code="ingest.not-a-spreadsheet",
        )


def _ole2_format(path: Path) -> Format:
    """OLE2 container: a legacy .xls, or an encrypted OOXML workbook (any extension)."""
    import msoffcrypto  # heavy import, only here

    try:
        with path.open("rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            encrypted = office.is_encrypted()
            kind = type(office).__name__
    except Exception:
        # Not something msoffcrypto knows: let the .xls reader decide.
        return "xls"
    if encrypted:
        raise InputFileError(
            str(path),
            "is password-protected (encrypted); it cannot be read without the password",
            hint=PASSWORD_HINT,
            code="ingest.encrypted",
        )
    if kind == "OOXMLFile":  # an unencrypted OOXML in an OLE2 wrapper is not something Excel writes
        raise InputFileError(
            str(path),
            "is an Office container that is not a workbook",
            hint="open it in Excel and save it as .xlsx",
            code="ingest.not-a-spreadsheet",
        )
    if kind not in {"Xls97File", "OLE2File", "OfficeFile"} and not kind.startswith("Xls"):
        raise InputFileError(
            str(path),
            "is an Office document (Word/PowerPoint?) but not an Excel workbook",
            hint="remove it from the inputs",
            code="ingest.not-a-spreadsheet",
        )
    return "xls"


def _zip_format(path: Path, limits: Limits) -> Format:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputFileError(
            str(path),
            "is damaged (the zip container is truncated or corrupt)",
            hint="open it in Excel (it may offer to repair it) and save a new copy",
            code="ingest.corrupt",
        ) from None
    with zf:
        try:
            infos = zf.infolist()
        except Exception:
            raise InputFileError(
                str(path),
                "is damaged (its zip directory cannot be read)",
                hint="open it in Excel and save a new copy",
                code="ingest.corrupt",
            ) from None
        names = {i.filename for i in infos}
        check_zip_bomb(path, infos, limits)
        if "mimetype" in names:
            mime = zf.read("mimetype").decode("ascii", "replace").strip()
            if mime == "application/vnd.oasis.opendocument.spreadsheet":
                return "ods"
            raise InputFileError(
                str(path),
                f"is an OpenDocument file of type '{mime}', not a spreadsheet",
                hint="remove it from the inputs",
                code="ingest.not-a-spreadsheet",
            )
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "xl/workbook.xml" in names:
            ct = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            return "xlsm" if b"macroEnabled" in ct else "xlsx"
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            raise InputFileError(
                str(path),
                "is a Word/PowerPoint document, not a workbook",
                hint="remove it from the inputs",
                code="ingest.not-a-spreadsheet",
            )
        raise InputFileError(
            str(path),
            "is a zip archive but not an Excel workbook",
            hint="unzip it and pass the workbooks inside",
            code="ingest.not-a-spreadsheet",
        )


def check_zip_bomb(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a workbook whose parts would expand beyond the limits (declared sizes)."""
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise InputFileError(
            str(path),
            f"would expand to {total / 1024**2:,.0f} MiB in memory (limit {limits.max_uncompressed_bytes / 1024**2:,.0f} MiB): "
            "refused as a possible decompression bomb",
            hint="if the file is genuine, raise limits.max_uncompressed_bytes in rules/ingest.yaml",
            code="ingest.decompression-bomb",
        )
    for i in infos:
        if (
            i.file_size > 16 * 1024**2
            and i.compress_size
            and i.file_size / i.compress_size > limits.max_compression_ratio
        ):
            raise InputFileError(
                str(path),
                f"part {i.filename} is compressed {i.file_size / i.compress_size:,.0f}:1 "
                f"(limit {limits.max_compression_ratio:,.0f}:1): refused as a possible decompression bomb",
                hint="if the file is genuine, raise limits.max_compression_ratio in rules/ingest.yaml",
                code="ingest.decompression-bomb",
            )


def file_size(path: Path) -> int:
    return os.stat(path).st_size
