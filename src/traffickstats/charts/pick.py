"""One chart from the command line: ``traffickstats chart FACT_OR_QUERY``.

The rows are the bundled observations chosen by fact ids (``ILO12-01``, or several:
``ILO12-01,GLOTIP09-01``) or by a query of ``column=value`` terms (``indicator=forced_labour
geo_scheme=ilo2012 measure=estimate_stock``; a value may be a comma list; ``year=2021``
keeps rows whose period ends that year; ``fact`` and ``source`` are short for ``fact_id`` and
``source_id``). No expression is evaluated: a term is a column name and literal values.

A breakdown (sex, age, form) the query does not name keeps its totals when the rows have
them. The chart kind follows the rows:

- one row: the headline card;
- rows measuring different things (indicator, measure, basis, unit, period kind): side by side;
- the parts of one total (one place and period, one breakdown): stacked shares;
- one place (or a few) over several periods: a time series;
- several places, one period: ranked bars.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import TraffickstatsError
from ..schema import COLUMNS

BREAKDOWNS = ("sex", "age", "form")
ALIASES = {"fact": "fact_id", "source": "source_id"}
_FACT = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
#: More places than this over several periods is not one readable time series.
MAX_LINES = 6


def parse(query: str) -> dict[str, list[str]]:
    """``{column: [values]}`` from fact ids or ``column=value`` terms (see module docstring)."""
    text = " ".join(str(query).replace("&", " ").split())
    if not text:
        raise TraffickstatsError("chart: give fact ids (ILO12-01) or column=value terms "
                                 "(indicator=forced_labour geo_scheme=ilo2012)")
    if "=" not in text:
        facts = [f.strip() for f in text.replace(" ", ",").split(",") if f.strip()]
        bad = [f for f in facts if not _FACT.match(f)]
        if bad:
            raise TraffickstatsError(f"chart: {', '.join(map(repr, bad))} is not a fact id (such as ILO12-01); "
                                     "a query is column=value terms")
        return {"fact_id": facts}
    terms: dict[str, list[str]] = {}
    for term in text.split(" "):
        key, sep, value = term.partition("=")
        key = ALIASES.get(key.strip(), key.strip())
        if not sep or not value.strip():
            raise TraffickstatsError(f"chart: term {term!r} is not column=value")
        if key not in COLUMNS and key != "year":
            raise TraffickstatsError(f"chart: unknown column {key!r} in {term!r} "
                                     f"(columns: {', '.join(COLUMNS)}, year)")
        terms.setdefault(key, []).extend(v.strip() for v in value.split(",") if v.strip())
    return terms


def select(query: str) -> pd.DataFrame:
    """The bundled rows a query names (an error when none match)."""
    from ..reference import observations

    terms = parse(query)
    obs = observations(fact=terms.pop("fact_id", None), source=terms.pop("source_id", None),
                       indicator=terms.pop("indicator", None), geo=terms.pop("geo", None))
    years = terms.pop("year", None)
    if years:
        try:
            wanted = {int(y) for y in years}
        except ValueError:
            raise TraffickstatsError(f"chart: year must be a number, got {', '.join(years)}") from None
        obs = obs[obs["year_end"].isin(wanted)]
    for col, values in terms.items():
        obs = obs[obs[col].astype(str).isin(values)]
    for col in BREAKDOWNS:  # totals unless the query asks for the parts
        if col not in terms and (obs[col] == "total").any() and (obs[col] != "total").any():
            obs = obs[obs[col] == "total"]
    if obs.empty:
        raise TraffickstatsError(f"chart: no bundled observation matches {query!r} "
                                 "(see `traffickstats data show`)")
    return obs.reset_index(drop=True)


def _differs(obs: pd.DataFrame, cols) -> bool:
    return any(obs[c].astype(str).nunique() > 1 for c in cols if c in obs)


def kind_for(obs: pd.DataFrame) -> str:
    """The chart kind for these rows (see module docstring)."""
    from ._base import COMPARABLE_ON

    if len(obs) == 1:
        return "headline"
    if _differs(obs, COMPARABLE_ON):
        panels = obs.groupby([obs[c].astype(str) for c in COMPARABLE_ON], sort=False)
        if all(not part.duplicated(["geo", "geo_scheme"]).any() for _k, part in panels):
            return "side_by_side"
        differ = [c for c in COMPARABLE_ON if obs[c].astype(str).nunique() > 1]
        raise TraffickstatsError(f"chart: the rows measure different things ({', '.join(differ)}) over several "
                                 f"periods; choose one, e.g. {differ[0]}={obs[differ[0]].astype(str).iloc[0]}")
    periods = obs[["period_start", "period_end"]].astype(str).drop_duplicates()
    places = obs[["geo", "geo_scheme"]].drop_duplicates()
    parts = [c for c in BREAKDOWNS if (obs[c] != "total").any()]
    if len(places) == 1 and len(periods) == 1 and len(parts) == 1:
        return f"stacked_shares:{parts[0]}"
    if len(periods) > 1 and len(places) <= MAX_LINES:
        return "time_series"
    if len(periods) == 1:
        return "ranked_bar"
    raise TraffickstatsError(f"chart: {len(places)} places over {len(periods)} periods is no single readable "
                             "chart; narrow the query (a year=, a geo=, or fewer facts)")


def chart(query: str, lang: str = "fr"):
    """The figure for a query (the kind chosen by :func:`kind_for`)."""
    from . import headline, ranked_bar, side_by_side, stacked_shares, time_series

    obs = select(query)
    kind = kind_for(obs)
    if kind == "headline":
        return headline(obs, lang=lang)
    if kind == "side_by_side":
        return side_by_side(obs, lang=lang)
    if kind.startswith("stacked_shares"):
        return stacked_shares(obs, lang=lang, by=kind.split(":", 1)[1])
    if kind == "time_series":
        return time_series(obs, lang=lang)
    return ranked_bar(obs, lang=lang)
