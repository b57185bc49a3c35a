"""Read the vetted facts table (shared/reference/facts.md) to cross-check the bundled data.

facts.md is a Markdown document whose tables have nine columns: id, figure, unit,
period / type, breakdown, source, URL, quote, status. This reader keeps every such row with
its section number, classifies the status (V-P / V-S / U / D), and lists the numbers a row
mentions (``values_in_row``) so a test can confirm a bundled value is really there.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from ..errors import DataFileError

FACT_COLUMNS = ["id", "figure", "unit", "period", "breakdown", "source", "url", "quote", "status"]

_SECTION = re.compile(r"^##\s+(\d+)\.")
_ID = re.compile(r"^[A-Z]+[0-9]{0,2}(-[A-Z]{2,3})?-[A-Z0-9]+[a-z]?$")
# 12,200,431 / 12.277.109 / 11 712 893 / 20,9 / 8,083.0 / 4.2 / 600
_NUMBER = re.compile(r"\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")
_SCALE_WORDS = [
    (re.compile(r"^\s*(?:million|millions|mn|m)\b", re.I), 1e6),
    (re.compile(r"^\s*(?:billion|billions|bn|milliards?|b)\b", re.I), 1e9),
    (re.compile(r"^\s*(?:thousand|mille)\b", re.I), 1e3),
]


def parse_facts(path: str | Path) -> pd.DataFrame:
    """One row per facts.md table row with nine cells and an id; columns FACT_COLUMNS + section."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot read facts table: {exc}") from exc
    rows, section = [], None
    for line in text.splitlines():
        m = _SECTION.match(line)
        if m:
            section = int(m.group(1))
            continue
        if not line.startswith("| "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != len(FACT_COLUMNS) or not _ID.match(cells[0]):
            continue
        rows.append(dict(zip(FACT_COLUMNS, cells), section=section))
    if not rows:
        raise DataFileError(path, "no fact rows found (expected nine-column Markdown tables)")
    df = pd.DataFrame(rows)
    df["status_code"] = df["status"].map(status_code)
    return df


def status_code(status: str) -> str:
    """'V-P', 'V-S', 'V-P/V-S' (mixed), 'U' or 'D' from a status cell such as 'V-S (no URL)'."""
    s = status.replace("*", "")
    primary, secondary = "V-P" in s, "V-S" in s
    if primary and secondary:
        return "V-P/V-S"
    if primary:
        return "V-P"
    if secondary:
        return "V-S"
    if s.strip().startswith("U"):
        return "U"
    if s.strip().startswith("D"):
        return "D"
    return "?"


def _readings(token: str) -> set[Decimal]:
    """Both English and French readings of a number token ('20,9' -> 20.9; '1,100' -> 1100 and 1.1)."""
    out = set()
    compact = re.sub(r"[\u00a0\u202f ]", "", token)
    for cand in (
        compact.replace(",", ""),                          # English: comma groups, dot decimal
        compact.replace(".", "").replace(",", "."),        # French / German: dot groups, comma decimal
    ):
        try:
            out.add(Decimal(cand))
        except InvalidOperation:
            pass
    return out


def _unit_scale(unit_text: str) -> float:
    u = unit_text.lower()
    if "billion" in u or "milliard" in u:
        return 1e9
    if "million" in u:
        return 1e6
    return 1.0


def number_tokens(text: str, unit_text: str = ""):
    """Each number written in ``text``: ``(start, end, values)`` where ``values`` holds both
    decimal readings, as written and in base units (scaled by a following word such as
    "million", else by the unit column ``unit_text``, e.g. "US$ billion per year")."""
    unit_scale = _unit_scale(unit_text)
    for m in _NUMBER.finditer(text):
        after = text[m.end():]
        scale = next((s for rx, s in _SCALE_WORDS if rx.match(after)), None)
        values: set[float] = set()
        for number in _readings(m.group(0)):
            values.add(float(number))
            values.add(float(number * Decimal(repr(scale if scale else unit_scale))))
        yield m.start(), m.end(), values


def values_in_row(row) -> set[float]:
    """Every value (in base units) the figure / breakdown / quote cells of a fact row state.

    A number followed by a scale word ("20.9 million", "$173 bn") is scaled by it; a bare
    number is taken both as written and scaled by the unit column ("US$ billion per year").
    """
    found: set[float] = set()
    for cell in ("figure", "breakdown", "quote"):
        for _start, _end, values in number_tokens(row[cell], row["unit"]):
            found |= values
    return found
