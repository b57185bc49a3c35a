"""Periods in a user's table: a year, a range of years, or a date written in French,
English or Arabic ("3 août 2016", "janvier 2021", "August 3, 2016", "03/08/2016").

A period is kept as precise as the file gives it (ISO 8601 text, the schema's
``period_start`` / ``period_end``): "2016" is a year, "janvier 2021" the month "2021-01",
"3 août 2016" the day "2016-08-03". Dates are checked to exist first: "31/02/2016" is
refused, not read as 2016. A numeric date whose day and month could be swapped
("03/08/2016") needs the mapping's ``locale`` (fr: day first; en: month first) unless only
one reading is a real date ("25/12/2016").
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .cells import fold

__all__ = ["parse_period", "is_whole_years"]


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Month names and abbreviations in French, English and Arabic, from Babel's CLDR data."""
    from babel.dates import get_month_names

    out: dict[str, int] = {}
    for loc in ("fr", "en", "ar"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for num, name in get_month_names(width, context, locale=loc).items():
                    out[fold(name)] = num
    out.update({"fevr": 2, "sept": 9, "juil": 7})  # common French short forms
    return out


_Y = r"(\d{4})"
_RANGE = re.compile(rf"^{_Y}\s*[-\u2013\u2014/]\s*{_Y}$")
_ISO = re.compile(rf"^{_Y}-(\d{{1,2}})(?:-(\d{{1,2}}))?(?:[T ][\d:.]+)?$")
_NUMERIC_DATE = re.compile(rf"^(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-]{_Y}$")
_DAY_MONTH_YEAR = re.compile(rf"^(?:(?:le\s+)?(\d{{1,2}})(?:er|st|nd|rd|th)?\s+)?([^\d\s,]+)\s*,?\s+{_Y}$", re.I)
_MONTH_DAY_YEAR = re.compile(rf"^([^\d\s,]+)\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+{_Y}$", re.I)


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def parse_period(cell, locale: str | None = None) -> tuple[str, str]:
    """(start, end) as ISO text from a year, a range or a date; raises ValueError with a reason.

    Accepts 2016 -> ("2016", "2016"), "2016-2018" -> ("2016", "2018"), "2016-08" and
    "janvier 2021" -> ("2021-01", "2021-01"), "2016-08-03", "03/08/2016" (day first with
    ``locale`` "fr", month first with "en"), "3 août 2016", "1er janvier 2021",
    "August 3, 2016" and Excel dates -> the day.
    """
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    if isinstance(cell, dt.date):
        return _checked(cell.isoformat(), cell.isoformat(), cell)
    if isinstance(cell, bool):
        raise ValueError("not a year or a date")
    if isinstance(cell, (int, float)):
        if float(cell).is_integer():
            return _checked(str(int(cell)), str(int(cell)), cell)
        raise ValueError("not a year")
    text = " ".join(str(cell).split())
    if re.fullmatch(r"\d{4}", text):
        return _checked(text, text, text)
    if m := _RANGE.match(text):
        return _checked(m[1], m[2], text)
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3] or 1)
        if _valid_date(y, mo, d):
            iso = f"{y:04d}-{mo:02d}" + (f"-{d:02d}" if m[3] else "")
            return _checked(iso, iso, text)
        raise ValueError("not a valid date")
    if m := _NUMERIC_DATE.match(text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        orders = [(b, a)] if locale and str(locale).startswith("fr") else [(a, b)] if locale else [(b, a), (a, b)]
        valid = {f"{y:04d}-{mo:02d}-{d:02d}" for mo, d in orders if _valid_date(y, mo, d)}
        if len(valid) > 1:
            raise ValueError("ambiguous date (day and month could be swapped): pass locale: fr or en in the mapping")
        if valid:
            iso = valid.pop()
            return _checked(iso, iso, text)
        raise ValueError("not a valid date")
    for rx, day_group, month_group in ((_DAY_MONTH_YEAR, 1, 2), (_MONTH_DAY_YEAR, 2, 1)):
        if m := rx.match(text):
            month = _months().get(fold(m[month_group]))
            if month is None:
                raise ValueError("not a month name (French, English or Arabic)")
            y = int(m[3])
            if m[day_group] and not _valid_date(y, month, int(m[day_group])):
                raise ValueError("not a valid date")
            iso = f"{y:04d}-{month:02d}" + (f"-{int(m[day_group]):02d}" if m[day_group] else "")
            return _checked(iso, iso, text)
    raise ValueError("not a year or a date (e.g. 2016, 2016-2018, 3 août 2016, janvier 2021)")


def _checked(start: str, end: str, raw) -> tuple[str, str]:
    if not (1900 <= int(start[:4]) <= 2100 and 1900 <= int(end[:4]) <= 2100):
        raise ValueError("years must be between 1900 and 2100")
    if end < start:
        raise ValueError("the period ends before it starts")
    return start, end


def is_whole_years(start: str, end: str) -> bool:
    """True when both bounds are years ("2016"), not months or days."""
    return len(start) == 4 and len(end) == 4
