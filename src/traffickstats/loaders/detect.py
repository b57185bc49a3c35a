"""Which loader reads a file: decided from its content, never from its name.

``detect_format(path)`` returns one of ``glotip``, ``ctdc``, ``gsi``, ``population`` or
``csv`` (any other table: it needs a YAML ``--mapping``). A file that cannot be a dataset
raises :class:`~traffickstats.errors.DataFileError` with the reason: missing, a folder, empty,
binary junk (not text and not a workbook), a truncated or corrupt workbook (zip error), or
text that is not a table.

Workbooks (zip ``PK`` or legacy OLE2 signature) are opened with calamine: GLOTIP says
"UNODC" in A1 and has its header on row 3; a UN WPP workbook has an ESTIMATES sheet; a
Walk Free GSI workbook (2023 or 2018 data) has a GSI country header in its first rows. Text
is decoded (UTF-8 / UTF-16 with BOM, else cp1252) and its first lines are split with the
separator that splits the header most; the header is then offered to each loader's own
``looks_like_*`` test (CTDC and GSI live with their loaders).
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path


from ..errors import DataFileError, ParameterError

__all__ = ["detect_format", "FORMATS", "read_head"]

FORMATS = ("glotip", "ctdc", "gsi", "population", "csv")
#: Files above this size are refused before reading (2 GiB; a GLOTIP release is ~2.3 MB and a
#: full CTDC file ~100 MB): a mistaken path to a disk image never fills the memory.
MAX_BYTES = 2 * 1024**3
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SEPARATORS = (",", ";", "\t", "|")
#: Sheets of a workbook looked at for a GSI header (a data workbook has a handful).
_SHEETS_LOOKED_AT = 8


def max_bytes() -> int:
    """The largest file a loader reads: ``$TRAFFICKSTATS_MAX_BYTES``, else :data:`MAX_BYTES`."""
    env = os.environ.get("TRAFFICKSTATS_MAX_BYTES")
    if env:
        try:
            return int(env)
        except ValueError:
            raise ParameterError(f"TRAFFICKSTATS_MAX_BYTES must be a number of bytes, not {env!r}") from None
    return MAX_BYTES


def read_head(path: Path, size: int = 64 * 1024) -> bytes:
    """First bytes of a file, with the file-level errors (missing, folder, empty, too large,
    unreadable)."""
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, "file not found")
    if path.is_dir():
        raise DataFileError(path, "is a folder, not a data file")
    limit = max_bytes()
    if path.stat().st_size > limit:  # refused before anything is read into memory
        raise DataFileError(path, f"file too large ({path.stat().st_size:,} bytes; the limit is {limit:,}: "
                                  "set TRAFFICKSTATS_MAX_BYTES to read it anyway)")
    try:
        with open(path, "rb") as fh:
            head = fh.read(size)
    except OSError as exc:
        raise DataFileError(path, f"cannot open: {exc.strerror or exc}") from None
    if not head.strip():
        raise DataFileError(path, "the file is empty")
    return head


def _decode(head: bytes) -> str | None:
    """Text of the first bytes, or None when they are not text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="strict" if len(head) % 2 == 0 else "ignore")
        except UnicodeDecodeError:
            return None
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a multi-byte character cut by the read size
            text = head[: exc.start].decode("utf-8-sig")
        else:
            text = head.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return None if controls > max(2, len(text) // 100) else text


def _workbook_format(path: Path, head: bytes, keep_sheet: bool = False) -> str:
    if head.startswith(_ZIP):
        try:
            # the central directory sits at the end: a cut download fails here. (Members are
            # not CRC-checked: that would inflate the whole file; the loader reports damage.)
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise DataFileError(path, f"truncated or corrupt workbook (zip error: {exc})") from None
        if not any(n.startswith("xl/") for n in names) and "content.xml" not in names:
            raise DataFileError(path, "a zip archive, not an Excel or OpenDocument workbook")
    from . import workbook

    try:
        sheet_names, sheet = workbook.first_sheet(path)
        first = sheet.to_python(skip_empty_area=False, nrows=3)
    except Exception as exc:  # calamine's own error types for damaged xml / records
        raise DataFileError(path, f"corrupt workbook ({type(exc).__name__}: {exc})") from None
    from .glotip import HEADER

    if (len(first) >= 3 and str(first[0][0] if first[0] else "").strip().upper() == "UNODC"
            and [str(c).strip() for c in first[2][: len(HEADER)]] == HEADER):
        if keep_sheet:
            workbook.hand_over(path, sheet)  # parsed once: the GLOTIP loader takes it
        return "glotip"
    from .population import population_layout

    if "ESTIMATES" in sheet_names and population_layout(path) == "wpp":
        return "population"
    if _gsi_workbook(path, sheet_names, sheet):
        return "gsi"
    return "csv"


def _gsi_workbook(path: Path, sheet_names: list[str], first) -> bool:
    """A Walk Free GSI data workbook (any edition: the loader names those it reads): one of
    its first sheets (known GSI sheet names first) has a GSI header (Country + prevalence or
    number in modern slavery) in its first rows."""
    from python_calamine import CalamineWorkbook

    from .gsi import WORKBOOK_SHEETS, looks_like_gsi

    names = [n for n in WORKBOOK_SHEETS if n in sheet_names] + list(sheet_names[:_SHEETS_LOOKED_AT])
    book = None
    for name in dict.fromkeys(names):
        try:
            if name == sheet_names[0]:
                ws = first
            else:
                book = book or CalamineWorkbook.from_path(str(path))
                ws = book.get_sheet_by_name(name)
            top = ws.to_python(skip_empty_area=False, nrows=15)
        except Exception:  # noqa: BLE001 (an unreadable sheet is simply not a GSI sheet)
            continue
        if any(looks_like_gsi([str(c) for c in row]) for row in top):
            return True
    return False


def _split(line: str) -> tuple[str, list[str]]:
    sep = max(_SEPARATORS, key=line.count)
    return sep, next(csv.reader(io.StringIO(line), delimiter=sep), [])


def _looks_like(module: str, func: str, header: list[str]) -> bool:
    """Ask a loader's own header test (a broken loader fails loudly, never silently unclaimed)."""
    import importlib

    return bool(getattr(importlib.import_module(f"traffickstats.loaders.{module}"), func)(header))


def _text_format(path: Path, text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()][:12]
    if not lines:
        raise DataFileError(path, "the file is empty (blank lines only)")
    from .population import WB_LONG_HEADER, population_layout

    layout = population_layout(path)
    if layout is not None:
        return "population"
    for line in lines[:10]:
        sep, header = _split(line)
        cells = [c.strip().strip("\ufeff") for c in header]
        if _looks_like("ctdc", "looks_like_ctdc", cells):
            return "ctdc"
        if _looks_like("gsi", "looks_like_gsi", cells):
            return "gsi"
        if cells == WB_LONG_HEADER and sep != ",":
            raise DataFileError(path, f"World Bank population table separated by {sep!r}: "
                                      "the published file uses ',' (re-save it as comma-separated)", row=1)
    sep, header = _split(lines[0])
    if len(header) < 2:
        raise DataFileError(path, "unknown format: not a table (no separator in the first line) "
                                  "and not a GLOTIP, CTDC, GSI or population file")
    return "csv"


def detect_format(path, *, keep_sheet: bool = False) -> str:
    """``glotip`` | ``ctdc`` | ``gsi`` | ``population`` | ``csv``, from the file's content.

    ``keep_sheet``: hand a GLOTIP workbook's parsed sheet over to the loader that reads it next
    (:mod:`.workbook`; ``load`` does this, so the file is parsed once).

    Raises :class:`DataFileError` for a missing or empty file, binary junk, a truncated or
    corrupt workbook, or text that is no table.
    """
    path = Path(path)
    head = read_head(path)
    if head.startswith(_ZIP) or head.startswith(_OLE2):
        return _workbook_format(path, head, keep_sheet)
    text = _decode(head)
    if text is None:
        raise DataFileError(path, "not a text file or a workbook (binary content)")
    return _text_format(path, text)
