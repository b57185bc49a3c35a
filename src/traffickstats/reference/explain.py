"""Find the bundled observations behind a figure as people quote it ("21 millions").

A quoted figure is usually rounded: "21 millions" stands for anything from 20.5 to 21.5
million, so the match tolerance is half the rounding step of the quote (``precision`` of
the parsed number). This module only finds and classifies; ``commands.py`` puts it in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import AmbiguousNumberError, TraffickstatsError
from ..schema import COUNT_MEASURES
from .bundled import FACT_ID_RE, SUBSET_INDICATORS, notes, observations

MONEY_UNITS = ("usd", "usd_per_victim")
#: Series whose notes also concern another series (2024 profits are compared with 2014).
RELATED_SERIES = {"ILO24": ("ILO14",), "ILO14": ("ILO14",)}
REGION_SCHEMES = ("ilo2012", "ilo5", "unodc", "walkfree2016", "mediterranean", "eu", "coe")


class NoMatchError(TraffickstatsError, LookupError):
    """No bundled figure matches the query."""


@dataclass
class Reading:
    """One reading of the query: the number in base units and the tolerance used."""

    value: float | None
    lower: float | None
    upper: float | None
    unit: str | None
    tolerance: float
    locale: str | None = None


@dataclass
class Explanation:
    query: str
    kind: str  # "figure" or "fact"
    readings: list[Reading] = field(default_factory=list)
    matches: pd.DataFrame = field(default_factory=pd.DataFrame)


def series_of(fact_id) -> str | None:
    """'ILO12-01' -> 'ILO12'; 'POP-TUN-1' -> 'POP-TUN'."""
    if not isinstance(fact_id, str) or "-" not in fact_id:
        return None
    return fact_id.rsplit("-", 1)[0]


def _readings(query: str) -> list[Reading]:
    from ..numbers import parse_number

    try:
        parsed = [(parse_number(query), None)]
    except AmbiguousNumberError:
        # '1,100' is 1.1 in French and 1100 in English: look for both, say which matched.
        parsed = [(parse_number(query, locale=loc), loc) for loc in ("fr", "en")]
    out = []
    for p, loc in parsed:
        unit = p.unit or ("usd" if p.currency == "USD" else None)
        # half a rounding step of the quote: "21 millions" stands for 20.5..21.5 million
        out.append(Reading(p.value, p.lower, p.upper, unit, p.precision / 2, loc))
    return out


def _unit_mask(obs: pd.DataFrame, unit: str | None) -> pd.Series:
    if unit is None:  # a bare count: never a money amount
        return ~obs["unit"].isin(MONEY_UNITS)
    if unit == "usd":
        return obs["unit"].isin(MONEY_UNITS)
    return obs["unit"] == unit


def _value_mask(obs: pd.DataFrame, r: Reading) -> pd.Series:
    if r.value is not None:
        noise = 1e-9 * max(abs(r.value), 1.0)  # float representation of decimals
        return (obs["value"] - r.value).abs() <= r.tolerance + noise
    lo = r.lower if r.lower is not None else float("-inf")
    hi = r.upper if r.upper is not None else float("inf")
    return obs["value"].between(lo, hi)


def find(query: str) -> Explanation:
    """The bundled observations a quoted figure or a fact id refers to.

    Raises ``NumberParseError`` for text that is not a figure and ``NoMatchError`` when
    nothing bundled matches.
    """
    q = query.strip()
    obs = observations()
    if FACT_ID_RE.match(q) or FACT_ID_RE.match(q.upper()):
        known = set(obs["fact_id"].dropna()) | set(notes()["fact_id"].dropna())
        fid = q if q in known else q.upper()
        if fid not in known:
            raise NoMatchError(f"fact {q!r} is not bundled (unverified, derived, or not a facts.md id)")
        out = obs[obs["fact_id"] == fid].copy()
        out["reading"] = None
        return Explanation(query=fid, kind="fact", matches=out.reset_index(drop=True))
    readings = _readings(q)
    frames = []
    for r in readings:
        hit = obs[_value_mask(obs, r) & _unit_mask(obs, r.unit)].copy()
        hit["reading"] = r.locale
        frames.append(hit)
    matches = pd.concat(frames) if frames else obs.iloc[0:0]
    if matches.empty:
        raise NoMatchError(f"no bundled figure matches {q!r} (tolerance: the rounding of the quote)")
    matches["_gap"] = (matches["value"] - readings[0].value).abs() if readings[0].value is not None else 0
    # primary evidence first, then the closest value, then facts.md order
    matches["_prim"] = matches["evidence"] != "primary"
    matches = matches.sort_values(["_prim", "_gap"], kind="stable").drop(columns=["_gap", "_prim"])
    return Explanation(query=q, kind="figure", readings=readings, matches=matches.reset_index(drop=True))


def related_notes(row: pd.Series) -> pd.DataFrame:
    """Notes of the same fact, of its series (ILO12-13 scope note for every ILO 2012 figure),
    and series-less notes on the same topic (population denominators)."""
    n = notes()
    series = series_of(row["fact_id"])
    wanted = {series, *RELATED_SERIES.get(series, ())} - {None}
    by_series = n["fact_id"].map(series_of).isin(wanted)
    general = n["fact_id"].isna() & (row["indicator"] == "population") & (n["topic"] == "denominator")
    return n[(n["fact_id"] == row["fact_id"]) | by_series | general]


def pitfall_keys(row: pd.Series) -> list[str]:
    """Which general warnings apply to this observation (texts live in commands.WORDS)."""
    keys = []
    measure, basis = row["measure"], row.get("basis")
    stock = measure == "estimate_stock" or basis == "estimate_stock"
    if stock:
        keys.append("stock_vs_detected")
    if row["indicator"] == "forced_labour":
        keys.append("forced_labour_not_trafficking")
        if stock:
            keys.append("series_not_comparable")
    if row["indicator"] in ("modern_slavery", "forced_marriage"):
        keys.append("modern_slavery")
    if measure == "money_estimate" or basis == "money_estimate":
        keys.append("profits")
    if measure in COUNT_MEASURES or basis in COUNT_MEASURES:
        keys.append("detected_not_prevalence")
    if row["indicator"] in SUBSET_INDICATORS:
        keys.append("subset")
    if row.get("period_kind") == "part_year":
        keys.append("part_year")
    if measure == "share":
        keys.append("share_base")
    if measure == "change":
        keys.append("change_as_published")
    if row["indicator"] == "population":
        keys.append("denominators")
    if row["geo_scheme"] in REGION_SCHEMES:
        keys.append("region_schemes")
    if row["evidence"] == "secondary":
        keys.append("secondary")
    return keys
