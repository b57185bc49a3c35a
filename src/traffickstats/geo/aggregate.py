"""Sum country rows into the regions of a scheme, conserving totals and keeping the rest.

Only additive measures are summed (counts, stocks, money, population); rates and shares are
refused because their sum means nothing. A row whose country has no region in the scheme
is returned in ``outside`` with the reason, never dropped, so
``regions[value].sum() + outside[value].sum() == input[value].sum()``.

A region total covers only the countries that reported: ``countries_reporting`` and
``countries_in_region`` travel with every row so a chart can say "5 of 19 countries".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..errors import IncomparableError, ParameterError
from .regions import _level, _members

#: Measures whose values add up across countries.
ADDITIVE_MEASURES = ("estimate_stock", "detected_count", "registered_count", "case_count",
                     "justice_count", "money_estimate", "population", "coverage")

#: Canonical columns that identify one figure apart from its place (used as default ``by``).
DEFAULT_BY = ("indicator", "measure", "basis", "citizenship", "period_start", "period_end",
              "period_kind", "sex", "age", "form", "unit", "evidence", "source_id")


@dataclass
class Aggregation:
    """Result of :func:`aggregate`.

    - ``regions``: one row per region and ``by`` group: ``geo`` = region code, ``geo_scheme`` =
      scheme, summed value columns, ``censored``, ``countries_reporting``,
      ``countries_in_region``, ``countries`` (comma-separated ISO3 that contributed)
    - ``outside``: the input rows that no region of the scheme contains, with ``reason``
    """

    regions: pd.DataFrame
    outside: pd.DataFrame


def aggregate(df: pd.DataFrame, scheme: str, geo_col: str = "geo",
              value_cols: Sequence[str] = ("value", "lower", "upper"),
              by: Sequence[str] | None = None, *, level: str | None = None) -> Aggregation:
    """Sum country rows of ``df`` into the regions of ``scheme`` (at ``level``).

    A group's value is missing when any contributing value is missing (a censored "<5" cell):
    its bounds are then the sums of the bounds, with exact values standing in as their own
    bounds. Bounds are summed as published; they are not confidence intervals of the sum.
    """
    lv = _level(scheme, level)
    value_cols = [c for c in value_cols if c in df.columns]
    if not value_cols:
        raise ParameterError(f"none of the value columns are in the table: {list(value_cols)}")
    if "measure" in df.columns:
        bad = sorted(set(df["measure"].dropna()) - set(ADDITIVE_MEASURES))
        if bad:
            raise IncomparableError(f"cannot sum {', '.join(bad)} across countries; aggregate "
                                    "the underlying counts and recompute the rate or share")
    by = [c for c in (DEFAULT_BY if by is None else by) if c in df.columns and c != geo_col]

    mem = _members(scheme)
    mem = mem[mem["level"] == lv]
    region = df[geo_col].map(dict(zip(mem["iso3"], mem["region"])))
    reason = pd.Series(f"not in any {scheme} {lv}", index=df.index, dtype=object)
    if "geo_scheme" in df.columns:  # only countries are summed, never regions again
        not_country = df["geo_scheme"] != "iso3"
        region = region.mask(not_country)
        reason = reason.mask(not_country, "geo_scheme is not iso3")
    inside = region.notna()
    outside = df[~inside].assign(reason=reason[~inside]).reset_index(drop=True)

    work = df[inside].assign(_region=region[inside])
    censored = work["censored"].fillna(False).astype(bool) if "censored" in work else None
    if censored is not None and {"value", "lower", "upper"} <= set(work.columns):
        # inside a group with a censored cell, an exact value is its own lower and upper bound
        group_has_censored = censored.groupby([work[c] for c in by] + [work["_region"]],
                                              dropna=False).transform("any") if by else \
            censored.groupby(work["_region"]).transform("any")
        exact = group_has_censored & ~censored & work["value"].notna()
        work["lower"] = work["lower"].mask(exact & work["lower"].isna(), work["value"])
        work["upper"] = work["upper"].mask(exact & work["upper"].isna(), work["value"])
    keys = by + ["_region"]
    grouped = work.groupby(keys, dropna=False, sort=True)
    sums = grouped[value_cols].sum(min_count=1)
    any_missing = grouped[value_cols].agg(lambda s: s.isna().any())
    sums = sums.mask(any_missing.astype(bool))
    sums["countries_reporting"] = grouped[geo_col].nunique()
    sums["countries"] = grouped[geo_col].agg(lambda s: ",".join(sorted(set(s))))
    if censored is not None:
        sums["censored"] = grouped["censored"].agg(lambda s: bool(s.fillna(False).any()))
    out = sums.reset_index().rename(columns={"_region": geo_col})
    out["geo_scheme"] = scheme
    sizes = mem.groupby("region")["iso3"].nunique()
    out["countries_in_region"] = out[geo_col].map(sizes).astype("Int64")
    return Aggregation(regions=out, outside=outside)
