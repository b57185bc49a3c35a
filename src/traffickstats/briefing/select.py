"""Choosing published rows for a page: by fact id, totals only, the latest of a series, the
year most places report, a brief's headline figure. Each returns rows as published; nothing
here computes a figure.
"""

from __future__ import annotations

import pandas as pd

from ..periods import is_whole_years
from ..reference import SUBSET_INDICATORS, same_figure_groups


def facts(obs: pd.DataFrame, *ids: str, **where) -> pd.DataFrame:
    """Rows of the given facts.md ids (and column filters), in the order given."""
    rows = matching(obs[obs["fact_id"].isin(ids)], **where)
    order = {f: i for i, f in enumerate(ids)}
    return rows.assign(_o=rows["fact_id"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")


def matching(obs: pd.DataFrame, **where) -> pd.DataFrame:
    """Rows whose columns equal (or, for a list/tuple/set, are in) the given values."""
    mask = pd.Series(True, index=obs.index)
    for col, value in where.items():
        if value is None:
            continue
        mask &= obs[col].isin(list(value)) if isinstance(value, (list, tuple, set)) else obs[col].eq(value)
    return obs[mask]


def totals(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows not broken down by sex, age, form or citizenship (the headline figures)."""
    out = matching(obs, sex="total", age="total", form="total")
    return out[out["citizenship"].isna()] if "citizenship" in out else out


def latest(obs: pd.DataFrame, by=("indicator", "measure", "unit")) -> pd.DataFrame:
    """Per group, the one most recent published row (primary evidence preferred)."""
    if len(obs) == 0:
        return obs
    ordered = obs.assign(_ev=obs["evidence"].ne("primary")).sort_values(
        ["year_end", "year_start", "_ev"], ascending=[False, False, True], kind="stable").drop(columns="_ev")
    return ordered.groupby(list(by), sort=False, dropna=False).head(1)


def common_year(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows of the single whole year that the most places report (one row per place): a
    ranking compares like with like."""
    annual = obs[obs["period_kind"].isin(["annual", "point_in_time"]) & (obs["year_start"] == obs["year_end"])]
    if len(annual) == 0:
        return annual
    counts = annual.groupby("year_end")["geo"].nunique()
    year = counts[counts == counts.max()].index.max()
    return latest(annual[annual["year_end"] == year], by=("geo",))


def comparable(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows that can stand for a country in a headline: a national figure (ISO3 place), of
    one whole calendar year (``annual``, January to December: never ``part_year`` nor a span
    of years), of the usual population (never a subset indicator such as the potential
    victims of one earthquake or one agency's caseload: ``reference.SUBSET_INDICATORS``),
    not broken down (sex, age, form, citizenship) and as published (nothing computed)."""
    from ..charts.labels import is_computed

    if len(obs) == 0:
        return obs
    rows = totals(obs[obs["geo_scheme"].eq("iso3") & obs["period_kind"].eq("annual")
                      & ~obs["indicator"].isin(SUBSET_INDICATORS)])
    rows = rows[rows["year_start"] == rows["year_end"]]
    whole = [is_whole_years(s, e) for s, e in zip(rows["period_start"], rows["period_end"])]
    rows = rows[pd.Series(whole, index=rows.index, dtype=bool)] if len(rows) else rows
    return rows[~is_computed(rows)]


def headline(obs: pd.DataFrame, indicator: str, measure: str | None = None) -> pd.DataFrame:
    """The one row a brief puts in its headline card for ``indicator`` (and ``measure``): the
    latest :func:`comparable` figure, primary evidence preferred within a year; empty when
    the country has none (say so; never promote a part of a year or a subset instead).
    The row keeps its qualifier and period, so the card reads « environ 1 100 · 2021 »."""
    rows = comparable(matching(obs, indicator=indicator, measure=measure))
    return latest(rows, by=("indicator",)).head(1)


def headlines(obs: pd.DataFrame, wanted) -> list[pd.DataFrame]:
    """:func:`headline` for each ``(indicator, measure)`` of ``wanted``, in order, leaving out a
    figure already chosen under another label (INLTP's 1,100 of 2021 is « victimes » and
    « cas »: one card). Each row carries ``also_published_as`` (``(indicator, fact_id)``
    pairs of its twins in ``obs``), so the card can say the figure was relabelled."""
    groups = same_figure_groups(obs) if len(obs) else pd.Series(dtype="Int64")
    chosen, seen = [], set()
    for indicator, measure in wanted:
        row = headline(obs, indicator, measure)
        if row.empty:
            continue
        g = groups.get(row.index[0], pd.NA)
        if pd.notna(g) and g in seen:
            continue
        twins = [] if pd.isna(g) else [(obs.at[i, "indicator"], obs.at[i, "fact_id"])
                                         for i in groups.index[groups.eq(g).fillna(False)] if i != row.index[0]]
        if pd.notna(g):
            seen.add(g)
        chosen.append(row.assign(also_published_as=[twins]))
    return chosen
