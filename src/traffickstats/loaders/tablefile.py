"""A user's table file as a stream of rows of cells: CSV text or a spreadsheet, read as it is.

Text: UTF-8, UTF-8 with BOM and UTF-16 with BOM are recognised; anything else that is not
valid UTF-8 is read as cp1252 (Windows Latin-1, what Excel writes for French), and the
encoding used is returned so the summary can say so. The separator (``;``, ``,`` or tab) is
chosen from the first lines: ``csv.Sniffer`` is not used because decimal commas ("1,5") fool
it. Spreadsheets (``.xlsx``/``.xlsm``/``.xls``/``.xlsb``/``.ods``) are read with calamine,
empty rows kept so that row numbers stay the spreadsheet's.

Text files are never held whole in memory: the encoding is decided in one streaming pass
(1 MiB blocks through an incremental decoder), then rows are read one at a time by
``csv.reader`` (a cell longer than 128 KiB, e.g. a binary file with no line breaks, stops
the read with a one-line error). Row numbers are CSV records, 1-based, as a spreadsheet
numbers them.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataFileError

__all__ = ["EXCEL_SUFFIXES", "Table", "open_table", "read_table", "text_encoding"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
_BLOCK = 1 << 20


@dataclass
class Table:
    """Rows of a table file: ``rows`` yields (1-based row number, list of cells) once."""

    rows: Iterator[tuple[int, list]]
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None


def open_table(path: Path, sheet=None) -> Table:
    """The rows of a text table or of one sheet of a workbook (``sheet``: a name or a 0-based
    index, default the first), with how they were read."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        if not path.is_file():
            raise DataFileError(path, "no such file")
        rows, name = _excel_rows(path, sheet)
        return Table(rows, sheet=name)
    encoding = text_encoding(path)
    sep = _separator(_head(path, encoding))
    return Table(_text_rows(path, encoding, sep), encoding=encoding, separator=sep)


def read_table(path: Path, sheet=None) -> tuple[list[list], str | None, str | None, str | None]:
    """(all rows of cells, encoding, separator, sheet name): :func:`open_table` read whole
    (for small files and tests; loaders iterate :attr:`Table.rows`)."""
    t = open_table(path, sheet)
    return [cells for _, cells in t.rows], t.encoding, t.separator, t.sheet


# --- text ---------------------------------------------------------------------------------

def text_encoding(path: Path) -> str:
    """The encoding a text table is read with, decided from the whole file in one streaming
    pass: BOMs first, then strict UTF-8, then cp1252, then Latin-1. Raises ``DataFileError``
    for a file that cannot be opened, is empty, holds NUL bytes (binary), or has a BOM its
    content contradicts."""
    try:
        with open(path, "rb") as fh:
            first = fh.read(4)
    except OSError as exc:
        raise DataFileError(path, f"cannot open: {exc.strerror or exc}") from exc
    if first.startswith(b"\xef\xbb\xbf"):
        return _scan(path, "utf-8-sig", bom_error="starts with a UTF-8 mark but byte {pos} is not UTF-8")
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _scan(path, "utf-16", bom_error="starts with a UTF-16 mark but is not UTF-16 text")
    for encoding in ("utf-8", "cp1252"):
        try:
            return _scan(path, encoding)
        except UnicodeDecodeError:
            continue
    return _scan(path, "latin-1")


def _scan(path: Path, encoding: str, bom_error: str | None = None) -> str:
    """Decode the whole file block by block (nothing kept); raise UnicodeDecodeError (or
    DataFileError for a BOM file) when it is not ``encoding``."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    seen_text, pos = False, 0
    try:
        with open(path, "rb") as fh:
            while True:
                block = fh.read(_BLOCK)
                final = not block
                if not encoding.startswith("utf-16") and b"\x00" in block:
                    raise DataFileError(path, "not a text file (NUL bytes): save it as CSV, or give an .xlsx file")
                try:
                    text = decoder.decode(block, final=final)
                except UnicodeDecodeError as exc:
                    if bom_error:
                        raise DataFileError(path, bom_error.format(pos=pos + max(exc.start, 0))) from exc
                    raise
                seen_text = seen_text or bool(text.strip())
                pos += len(block)
                if final:
                    break
    except OSError as exc:
        raise DataFileError(path, f"cannot open: {exc.strerror or exc}") from exc
    if not seen_text:
        raise DataFileError(path, "the file is empty")
    return encoding


def _head(path: Path, encoding: str, size: int = 64 * 1024) -> str:
    with open(path, encoding=encoding, newline="", errors="replace") as fh:
        return fh.read(size)


def _separator(text: str) -> str:
    """The separator splitting the header into most cells, provided data rows agree with it."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", (-1, -1)
    for sep in (";", "\t", ","):
        try:
            rows = list(csv.reader(lines, delimiter=sep))
        except csv.Error:
            continue
        width = len(rows[0])
        agree = sum(len(r) == width for r in rows[1:]) / max(len(rows) - 1, 1)
        score = (agree >= 0.8 and width > 1, width)
        if score > best_score:
            best, best_score = sep, score
    return best


def _text_rows(path: Path, encoding: str, sep: str) -> Iterator[tuple[int, list]]:
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        n = 0
        try:
            for n, cells in enumerate(reader, 1):  # noqa: B007 (n is the row of a csv.Error)
                yield n, cells
        except csv.Error as exc:
            raise DataFileError(path, f"not readable as CSV: {exc}", row=n + 1) from None


# --- spreadsheets ---------------------------------------------------------------------------

def _excel_rows(path: Path, sheet) -> tuple[Iterator[tuple[int, list]], str]:
    """(rows of typed cells, sheet name) of one sheet of a workbook."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
        if sheet is None:
            sheet = 0
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise DataFileError(path, f"no sheet number {sheet} (sheets: {', '.join(names)})")
            ws = wb.get_sheet_by_index(sheet)
        else:
            if sheet not in names:
                raise DataFileError(path, f"no sheet {sheet!r} (sheets: {', '.join(names)})")
            ws = wb.get_sheet_by_name(sheet)
        rows = ws.iter_rows()
    except DataFileError:
        raise
    except Exception as exc:  # calamine raises its own zoo (CalamineError, ZipError, XmlError, ...)
        raise DataFileError(path, f"cannot read as a spreadsheet: {exc}") from exc
    pad = [""] * (ws.start[1] if ws.start else 0)  # iter_rows starts at the used range's first column

    def numbered():
        for i, cells in enumerate(rows, 1):
            yield i, pad + list(cells)

    return numbered(), ws.name
