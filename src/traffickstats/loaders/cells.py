"""What a cell of a user's table is: empty or not, its text, and its comparison key.

Cells come from ``csv`` (strings) or calamine (str, int, float, bool, dates), so an empty
cell may be ``None``, blank text or NaN, and a whole number read from Excel arrives as 2016.0.
"""

from __future__ import annotations

import unicodedata


def is_empty(cell) -> bool:
    """True for None, blank text and NaN (an Excel cell with nothing in it)."""
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and cell != cell)


def cell_text(cell) -> str:
    """The cell as stripped text; a whole float from Excel loses its ".0" (2016.0 -> "2016")."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def fold(s: str) -> str:
    """Case- and accent-insensitive key ("Août" == "aout"); a trailing "." is dropped ("janv.")."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c)).strip().rstrip(".")
