"""Every CSV the package writes, made safe to open in a spreadsheet (CSV / formula injection).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel and LibreOffice as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, ``-2+3``): a
hostile file's raw value copied into ``--rejects``, a place name in a chart download, or a
note in ``data show --format csv`` would run when the CSV is opened. Following the OWASP
rule (https://owasp.org/www-community/attacks/CSV_Injection), such cells are written with a
leading apostrophe (``'=1+1``): the spreadsheet shows the text, the rest of the value is kept
as it was.

What is and is not changed:

* only **text** cells (``str``) are defused, and column names the same way;
* numbers stored as numbers (int / float / bool columns, or a number in an object column)
  are written as numbers: a genuinely negative value such as -3.5 stays ``-3.5``, which a
  spreadsheet reads as a number, not a formula;
* a negative number that arrived as **text** (the raw cell "-3" in a rejects file) is text
  and gets the apostrophe: ``'-3`` shows the reviewer exactly what the file said;
* lines end with CRLF (RFC 4180), so that a cell holding a carriage return is quoted.

Used by ``data validate --rejects``, ``data show --format csv``, ``sources --format csv``
and the CSV download of every chart (``charts._base.finish``, ``flows.charts``).
"""

from __future__ import annotations

import csv

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "defuse_cell", "undefuse_cell", "defuse", "to_csv", "writer"]

#: Leading characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Line end (RFC 4180): with CRLF as the terminator, Python's csv module also quotes a cell
#: holding a lone carriage return, which a "\n" terminator would leave bare (and break the row).
LINE_END = "\r\n"


def defuse_cell(value):
    """``'`` + ``value`` for a text cell starting with a formula character; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def undefuse_cell(text: str) -> str:
    """The value a defused cell stands for, when the package reads back a file it wrote
    (``'=1+1`` -> ``=1+1``); any other text as is."""
    if isinstance(text, str) and text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def defuse(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) are defused; numeric columns untouched."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            continue
        hits = [isinstance(v, str) and v.startswith(FORMULA_PREFIXES) for v in s]
        if any(hits):
            out[col] = [("'" + v) if hit else v for v, hit in zip(s.astype(object), hits)]
    out.columns = [defuse_cell(c) for c in out.columns]
    return out


def to_csv(df: pd.DataFrame, path_or_buf=None, **kwargs):
    """``df.to_csv`` after :func:`defuse` (``index=False`` and CRLF line ends unless given);
    returns the text when ``path_or_buf`` is None, like pandas."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", LINE_END)
    return defuse(df).to_csv(path_or_buf, **kwargs)


class _Writer:
    """``csv.writer`` whose rows are defused cell by cell (for rows streamed from a file)."""

    def __init__(self, fh, **kwargs):
        kwargs.setdefault("lineterminator", LINE_END)
        self._w = csv.writer(fh, **kwargs)

    def writerow(self, row) -> None:
        self._w.writerow([defuse_cell(v) for v in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh, **kwargs) -> _Writer:
    """A ``csv.writer`` on ``fh`` that defuses every text cell it writes."""
    return _Writer(fh, **kwargs)
