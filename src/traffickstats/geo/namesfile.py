"""Reviewed names files: what a dataset's country and citizenship labels mean, decided by a person.

A names file is a UTF-8 CSV, one label a line (the model is OWID's ``etl harmonize``: the
mapping is committed beside the dataset and reviewed like code)::

    label,iso3,reviewer,date,note,suggestions
    Filippino,PHL,A. Analyst,2026-11-30,misspelling of Filipino,PHL Filipino (0.94)
    Africa others,not a country,A. Analyst,2026-11-30,group of several countries,
    Ghanean,,,,,GHA Ghanaian (0.80); GHA Ghana (0.71)

* ``label``: the text as the dataset writes it; matched case-, accent- and
  punctuation-insensitively (:func:`traffickstats.geo.name_key`), so "FILIPPINO" is the same label;
* ``iso3``: the ISO3 code of a current country, ``not a country``, or, for citizenship columns,
  one of the schema's tokens (``nationals``, ``foreign``, ``eu_other``, ``non_eu``,
  ``unknown``, ``stateless``). Empty: *pending* - written by ``traffickstats data harmonize``
  and not yet reviewed; a pending line changes nothing;
* ``reviewer`` and ``date`` (YYYY-MM-DD): who decided, and when. A decided line without them is
  an error: a mapping takes effect only once someone has put their name to it;
* ``note`` (optional): why; for ``not a country`` it becomes the reject reason;
* ``suggestions`` (optional): what ``harmonize`` proposed, for the reviewer; never read as a decision.

Cells starting with ``=``, ``+``, ``-``, ``@`` (a spreadsheet would run them as formulas) are
written with a leading ``'`` and read back without it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..csvsafe import defuse_cell, undefuse_cell
from ..errors import DataFileError
from ._text import name_key

__all__ = ["NOT_A_COUNTRY", "TOKENS", "COLUMNS", "NameEntry", "Names", "read_names", "read_lines",
           "write_names", "MAX_BYTES"]

NOT_A_COUNTRY = "not a country"
#: Citizenship values that are not countries (the schema's vocabulary).
TOKENS = ("nationals", "foreign", "eu_other", "non_eu", "unknown", "stateless")
COLUMNS = ["label", "iso3", "reviewer", "date", "note", "suggestions"]
REQUIRED = ("label", "iso3", "reviewer", "date")
#: A names file is a short hand-made table: anything larger is refused before reading.
MAX_BYTES = 5 * 1024 * 1024
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class NameEntry:
    """One decided line of a names file."""

    label: str
    iso3: str          # ISO3, NOT_A_COUNTRY or a token
    reviewer: str
    date: str
    note: str = ""
    row: int = 0       # line in the file (header = 1)

    @property
    def is_country(self) -> bool:
        return self.iso3 != NOT_A_COUNTRY and self.iso3 not in TOKENS


@dataclass
class Names:
    """A names file read and checked: decided entries by label key, and pending labels."""

    path: Path | None
    entries: dict[str, NameEntry] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)

    def get(self, label: object) -> NameEntry | None:
        return self.entries.get(name_key(label)) if label is not None else None

    def unused(self, labels) -> list[NameEntry]:
        """Decided entries that match none of ``labels`` (the dataset's labels)."""
        seen = {name_key(x) for x in labels if x is not None}
        return [e for k, e in self.entries.items() if k not in seen]

    def __len__(self) -> int:
        return len(self.entries)


def _defuse(cell: object) -> str:
    return defuse_cell("" if cell is None else str(cell))


def read_names(path, *, kind: str = "names file") -> Names:
    """Read and check a names file; :class:`DataFileError` names the file, line and column at fault."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataFileError(path, f"{kind} too large ({size:,} bytes; at most {MAX_BYTES:,})")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(path, f"{kind} not found") from None
    except IsADirectoryError:
        raise DataFileError(path, f"{kind} is a folder, not a CSV file") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"{kind} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise DataFileError(path, f"cannot read the {kind}: {exc.strerror or exc}") from None
    try:
        return _parse(path, text, kind)
    except csv.Error as exc:
        raise DataFileError(path, f"{kind} is not a readable CSV ({exc})") from None


def _parse(path: Path, text: str, kind: str) -> Names:
    from .names import country_codes

    reader = csv.reader(io.StringIO(text))
    header: list[str] = []
    for cells in reader:  # comment lines ("# ...") may precede the header
        if cells and not cells[0].startswith("#"):
            header = [h.strip() for h in cells]
            break
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataFileError(path, f"not a {kind}: the header lacks {', '.join(missing)} "
                                  f"(expected {','.join(COLUMNS)})", row=reader.line_num or 1)
    col = {c: header.index(c) for c in header}
    countries = country_codes()
    out = Names(path)
    for cells in reader:
        row = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        get = {c: undefuse_cell(cells[j].strip()) if j < len(cells) else "" for c, j in col.items()}
        label, code = get["label"], get["iso3"]
        if not code:
            out.pending.append(label)
            continue
        value = code if code in TOKENS or code.lower() == NOT_A_COUNTRY else code.upper()
        if value.lower() == NOT_A_COUNTRY:
            value = NOT_A_COUNTRY
        elif value not in TOKENS and value not in countries:
            raise DataFileError(path, f"{code!r} is not the ISO3 code of a current country, "
                                      f"{NOT_A_COUNTRY!r} or one of {', '.join(TOKENS)}", row=row, column="iso3")
        for c in ("reviewer", "date"):
            if not get[c]:
                raise DataFileError(path, f"{label!r} -> {value}: no {c}; a mapping takes effect only once "
                                          "reviewed (fill reviewer and date)", row=row, column=c)
        if not _DATE.match(get["date"]):
            raise DataFileError(path, f"date {get['date']!r} is not YYYY-MM-DD", row=row, column="date")
        try:
            date.fromisoformat(get["date"])
        except ValueError:
            raise DataFileError(path, f"date {get['date']!r} is not a calendar date", row=row, column="date") from None
        entry = NameEntry(label, value, get["reviewer"], get["date"], get.get("note", ""), row)
        key = name_key(label)
        prev = out.entries.get(key)
        if prev is not None and prev.iso3 != entry.iso3:
            raise DataFileError(path, f"{label!r} -> {entry.iso3} contradicts line {prev.row} "
                                      f"({prev.label!r} -> {prev.iso3}): one label, one meaning",
                                row=row, column="label")
        out.entries.setdefault(key, entry)
    return out


def read_lines(path) -> tuple[list[str], list[dict]]:
    """(comment lines before the header, every line as a dict of :data:`COLUMNS`), unchecked:
    what ``data harmonize`` keeps when it adds lines to an existing file (check it with
    :func:`read_names` first)."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    comments = []
    reader = csv.reader(io.StringIO(text))
    header: list[str] = []
    for cells in reader:
        if cells and cells[0].startswith("#"):
            comments.append(",".join(cells))
            continue
        header = [h.strip() for h in cells]
        break
    rows = []
    for cells in reader:
        if any(c.strip() for c in cells):
            rows.append({c: undefuse_cell(cells[j]) if j < len(cells) else "" for j, c in enumerate(header)
                         if c in COLUMNS})
    return comments, rows


def write_names(path, rows: list[dict], comments: list[str] = ()) -> Path:
    """Write names-file lines (dicts with :data:`COLUMNS` keys) atomically, cells defused."""
    from .. import atomic

    buf = io.StringIO()
    for line in comments:
        buf.write(line.rstrip("\n") + "\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([_defuse(r.get(c, "")) for c in COLUMNS])
    path = Path(path)
    with atomic.replacing(path) as tmp:
        Path(tmp).write_text(buf.getvalue(), encoding="utf-8")
    return path
