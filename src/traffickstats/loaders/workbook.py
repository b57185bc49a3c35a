"""The first worksheet of a workbook, parsed once per load.

Parsing a sheet (python-calamine) is most of the cost of reading a GLOTIP release. Format
detection needs the first rows and the GLOTIP loader needs all of them, so detection hands
the parsed sheet over instead of letting the loader parse the file a second time: a one-slot
hand-over keyed by the file's path, size and modification time (a file changed in between is
parsed again), taken by the first reader.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["first_sheet", "hand_over", "take"]

_LOCK = threading.Lock()
_SLOT: dict = {}


def _key(path: Path) -> tuple:
    st = os.stat(path)
    return (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)


def first_sheet(path):
    """(sheet names, first worksheet) of a workbook, parsed by python-calamine.

    Raises calamine's own errors for damaged files: callers turn them into ``DataFileError``.
    """
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return book.sheet_names, book.get_sheet_by_index(0)


def hand_over(path, sheet) -> None:
    """Keep ``sheet`` for the next :func:`take` of the same, unchanged file (one slot)."""
    with _LOCK:
        _SLOT.clear()
        _SLOT[_key(path)] = sheet


def take(path):
    """The sheet handed over for this unchanged file, or None; the slot is emptied."""
    with _LOCK:
        if not _SLOT:
            return None
        try:
            key = _key(path)
        except OSError:
            return None
        sheet = _SLOT.pop(key, None)
        _SLOT.clear()
        return sheet
