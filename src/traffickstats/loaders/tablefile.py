"""A user's table file as rows of cells: CSV text or a spreadsheet, read as it is.

Text: UTF-8, UTF-8 with BOM and UTF-16 with BOM are recognised; anything else that is not
valid UTF-8 is read as cp1252 (Windows Latin-1, what Excel writes for French), and the
encoding used is returned so the summary can say so. The separator (``;``, ``,`` or tab) is
chosen from the first lines: ``csv.Sniffer`` is not used because decimal commas ("1,5") fool
it. Spreadsheets (``.xlsx``/``.xlsm``/``.xls``/``.xlsb``/``.ods``) are read with calamine,
empty rows kept so that row numbers stay the spreadsheet's.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import DataFileError

__all__ = ["EXCEL_SUFFIXES", "read_table", "read_text", "read_excel"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def read_table(path: Path, sheet=None) -> tuple[list[list], str | None, str | None, str | None]:
    """(rows of cells, encoding, separator, sheet name): the encoding and separator for a text
    file, the sheet name for a spreadsheet (``sheet``: a name or a 0-based index, default the
    first); the others are None."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        if not path.is_file():
            raise DataFileError(path, "no such file")
        rows, name = read_excel(path, sheet)
        return rows, None, None, name
    rows, encoding, sep = read_text(path)
    return rows, encoding, sep, None


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding name): BOMs first, then strict UTF-8, then cp1252, then Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DataFileError(path, f"starts with a UTF-8 mark but byte {exc.start} is not UTF-8") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataFileError(path, "starts with a UTF-16 mark but is not UTF-16 text") from exc
    if b"\x00" in data:
        raise DataFileError(path, "not a text file (NUL bytes): save it as CSV, or give an .xlsx file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _separator(text: str) -> str:
    """The separator splitting the header into most cells, provided data rows agree with it."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", (-1, -1)
    for sep in (";", "\t", ","):
        rows = list(csv.reader(lines, delimiter=sep))
        width = len(rows[0])
        agree = sum(len(r) == width for r in rows[1:]) / max(len(rows) - 1, 1)
        score = (agree >= 0.8 and width > 1, width)
        if score > best_score:
            best, best_score = sep, score
    return best


def read_text(path: Path) -> tuple[list[list], str, str]:
    """(rows of text cells, encoding, separator) of a CSV / TSV file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(path, f"cannot open: {exc.strerror or exc}") from exc
    text, encoding = _decode(path, data)
    if not text.strip():
        raise DataFileError(path, "the file is empty")
    sep = _separator(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise DataFileError(path, f"not readable as CSV: {exc}") from exc
    return rows, encoding, sep


def read_excel(path: Path, sheet) -> tuple[list[list], str]:
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
        rows = ws.to_python(skip_empty_area=False)  # keep spreadsheet row numbers
    except DataFileError:
        raise
    except Exception as exc:  # calamine raises its own zoo (CalamineError, ZipError, XmlError, ...)
        raise DataFileError(path, f"cannot read as a spreadsheet: {exc}") from exc
    return [list(r) for r in rows], ws.name
