"""How charts, tables and pages write a row: its place, period, value (with its qualifier and
the disclosure rule), what it measures, and its sources. One module, public, so tables and
notebooks write figures exactly as the charts do.
"""

from __future__ import annotations

import re

import pandas as pd

from .. import periods
from ..i18n import _, label


def geo_label(geo: str, scheme: str, lang: str) -> str:
    """Display name of a place (:func:`traffickstats.geo.place_name`)."""
    from ..geo import place_name

    return place_name(geo, scheme, lang)


def period_label(row, lang: str) -> str:
    """The period as charts and tables write it: "2017", "2017-2019", « janv.–juil. 2017 »,
    « à un moment donné (2021) »."""
    span = periods.label(row["period_start"], row["period_end"], lang)
    if row.get("period_kind") == "point_in_time":
        return _("fmt.point_in_time", lang, span=span)
    return span


def value_label(row, lang: str) -> str:
    """The figure as the chart writes it: the value; a small count as "moins de 5"; a cell
    hidden to protect another as "masqué"; another published range as a range.

    One rule for charts, tables and static exports: :func:`traffickstats.disclosure.display_value`.
    """
    from ..disclosure import display_value

    return display_value(row, lang)


def series_label(row, lang: str) -> str:
    """Indicator label, plus the non-total breakdowns (sex, age, form) of a row."""
    parts = [label("indicator", row["indicator"], lang)]
    for col in ("form", "sex", "age"):
        v = row.get(col)
        if isinstance(v, str) and v and v != "total":
            parts.append(label(col, v, lang))
    if row.get("measure") in ("rate", "share", "change"):
        parts.append(label("measure", row["measure"], lang))
    return _("fmt.comma", lang).join(parts)


_PREFIX = re.compile(r"^\s*(Sources?\s*:|المصدر:|المصادر:)\s*")


def footnote_text(obs: pd.DataFrame, lang: str, catalog=None) -> str:
    """Citations of the observations via ``traffickstats.reference.footnote``, in ``lang``:
    Arabic citations have Arabic words around the publishers and titles, which stay in their
    original language."""
    from ..reference import footnote

    return footnote(obs, lang, catalog=catalog)


def source_citation(source_id: str, lang: str, catalog=None) -> str:
    """One source as the data table shows it, without the "Source :" prefix."""
    from ..reference import citation

    text = citation(source_id, lang, catalog=catalog)
    return _PREFIX.sub("", text)
