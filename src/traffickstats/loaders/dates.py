"""Periods in a user's table: a year, a range of years, or a date written in French,
English or Arabic ("3 août 2016", "janvier 2021", "August 3, 2016", "03/08/2016").

Observation periods are years, so a date gives its year, but only after checking that the
date exists: "31/02/2016" is refused, not read as 2016.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .cells import fold

__all__ = ["parse_period"]


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


def parse_period(cell, locale: str | None = None) -> tuple[int, int]:
    """(first year, last year) from a year, a range or a date; raises ValueError with a reason.

    Accepts 2016, "2016", "2016-2018", "2016-08-03", "03/08/2016" (day first unless
    ``locale`` is "en"), "3 août 2016", "1er janvier 2021", "janvier 2021", "August 3, 2016",
    Excel dates. Periods are years, so only the year is kept, after checking the date exists.
    """
    if isinstance(cell, (dt.date, dt.datetime)):
        return cell.year, cell.year
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not a year or a date")
    if isinstance(cell, (int, float)):
        if float(cell).is_integer():
            return _checked(int(cell), int(cell), cell)
        raise ValueError(f"{cell!r} is not a year")
    text = " ".join(str(cell).split())
    if re.fullmatch(r"\d{4}", text):
        return _checked(int(text), int(text), text)
    if m := _RANGE.match(text):
        return _checked(int(m[1]), int(m[2]), text)
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3] or 1)
        if _valid_date(y, mo, d):
            return _checked(y, y, text)
        raise ValueError(f"{text!r} is not a valid date")
    if m := _NUMERIC_DATE.match(text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        orders = [(b, a)] if locale and str(locale).startswith("fr") else [(a, b)] if locale else [(b, a), (a, b)]
        if any(_valid_date(y, mo, d) for mo, d in orders):
            return _checked(y, y, text)
        raise ValueError(f"{text!r} is not a valid date")
    for rx, day_group, month_group in ((_DAY_MONTH_YEAR, 1, 2), (_MONTH_DAY_YEAR, 2, 1)):
        if m := rx.match(text):
            month = _months().get(fold(m[month_group]))
            if month is None:
                raise ValueError(f"{text!r}: {m[month_group]!r} is not a month name (French, English or Arabic)")
            y = int(m[3])
            if m[day_group] and not _valid_date(y, month, int(m[day_group])):
                raise ValueError(f"{text!r} is not a valid date")
            return _checked(y, y, text)
    raise ValueError(f"{text!r} is not a year or a date (e.g. 2016, 2016-2018, 3 août 2016, janvier 2021)")


def _checked(start: int, end: int, raw) -> tuple[int, int]:
    if not (1900 <= start <= 2100 and 1900 <= end <= 2100):
        raise ValueError(f"{raw!r}: years must be between 1900 and 2100")
    if end < start:
        raise ValueError(f"{raw!r}: the period ends before it starts")
    return start, end
