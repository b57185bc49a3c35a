"""Reference periods as precise as the source gives them: a year (``2017``), a month
(``2017-07``) or a day (``2017-07-15``).

A count from January to July 2017 is ``period_start="2017-01"``, ``period_end="2017-07"``:
it is written « janv.–juil. 2017 », never « 2017 », and never compared with a whole year.
Labels of months and days come from babel's CLDR interval formats in the report language;
spans of whole years keep the catalogue's own wording (``fmt.period_span``).
"""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

__all__ = ["bounds", "precision", "is_whole_years", "is_partial", "label", "words", "overlap"]


def _text(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value))
    return str(value).strip()


def precision(value) -> str:
    """``"year"``, ``"month"`` or ``"day"`` for one period bound."""
    n = len(_text(value))
    return "year" if n == 4 else "month" if n == 7 else "day"


def _first_day(value) -> dt.date:
    t = _text(value)
    y, m, d = int(t[:4]), int(t[5:7] or 1) if len(t) >= 7 else 1, int(t[8:10]) if len(t) >= 10 else 1
    return dt.date(y, m, d)


def _last_day(value) -> dt.date:
    t = _text(value)
    y = int(t[:4])
    if len(t) == 4:
        return dt.date(y, 12, 31)
    m = int(t[5:7])
    if len(t) == 7:
        return dt.date(y, m, calendar.monthrange(y, m)[1])
    return dt.date(y, m, int(t[8:10]))


def bounds(start, end) -> tuple[dt.date, dt.date]:
    """The first and last day a period covers: ("2017-01", "2017-07") -> 2017-01-01, 2017-07-31."""
    return _first_day(start), _last_day(end)


def is_whole_years(start, end) -> bool:
    """True when the period is made of whole calendar years (1 January to 31 December)."""
    first, last = bounds(start, end)
    return (first.month, first.day) == (1, 1) and (last.month, last.day) == (12, 31)


def is_partial(row) -> bool:
    """True for a row whose period covers part of a year (a count over some months or days).

    A stock at a point in time given to the day (a population on 1 July) is not partial: it
    describes one day, not a part of a year's flow.
    """
    if row.get("period_kind") == "point_in_time":
        return False
    return not is_whole_years(row["period_start"], row["period_end"])


def overlap(a: tuple, b: tuple) -> bool:
    """Whether two periods ``(start, end)`` share at least one day."""
    a0, a1 = bounds(*a)
    b0, b1 = bounds(*b)
    return a0 <= b1 and b0 <= a1


def _year_span(start: int, end: int, lang: str) -> str:
    from .i18n import _

    return str(start) if start == end else _("fmt.period_span", lang, start=start, end=end)


def label(start, end, lang: str) -> str:
    """The period in the report language: "2017", "2002–2011", « janv.–juil. 2017 »,
    "Jan – Jul 2017", « 3 août 2016 »."""
    from babel.dates import format_interval, format_skeleton

    from .formatting import babel_locale

    if pd.isna(start) if not isinstance(start, str) else not start:
        return ""
    end = start if (end is None or (not isinstance(end, str) and pd.isna(end))) else end
    if is_whole_years(start, end):
        return _year_span(int(_text(start)[:4]), int(_text(end)[:4]), lang)
    first, last = bounds(start, end)
    skeleton = "yMMMd" if "day" in (precision(start), precision(end)) else "yMMM"
    loc = babel_locale(lang)
    if first == last or (skeleton == "yMMM" and (first.year, first.month) == (last.year, last.month)):
        return format_skeleton(skeleton, first, locale=loc)
    return format_interval(first, last, skeleton, locale=loc)


def words(start, end) -> str:
    """The period in plain English for messages: "2017", "2002–2011", "2017-01 to 2017-07"."""
    s, e = _text(start), _text(end)
    if is_whole_years(s, e):
        return s[:4] if s[:4] == e[:4] else f"{s[:4]}–{e[:4]}"
    return s if s == e else f"{s} to {e}"
