"""Choosing published rows for a page: by fact id, totals only, the latest of a series, the
year most places report. Each returns rows as published; nothing here computes a figure.
"""

from __future__ import annotations

import pandas as pd


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
