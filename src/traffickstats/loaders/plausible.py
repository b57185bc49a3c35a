"""Is a count believable as read? Ceilings for counts of persons and cases in one place and year.

A count that parses cleanly can still be a misplaced cell. The rules, applied on columns:

* **Questionnaire code and year.** UNODC's questionnaire numbers its items (Q6.1.1) and a
  code pasted with the year into a value cell reads as a large count: "6,112,019" is
  Q6.1.1 + 2019. A value of 100,000 or more whose last four digits are the row's year is
  rejected as such. (The largest count in the GLOTIP release of 2023-05-30 is 25,844, India's
  persons prosecuted in 2006; 100,000 is about four times that.)
* **Population.** A country cannot detect, prosecute or convict more persons in a year than it
  has inhabitants. For the conference participants the bundled UN WPP 2024 populations
  (``data/observations/population.csv``, the largest year bundled) are the ceiling.
* **Generous ceiling.** For every other country, and for counts of cases (offences), the
  ceiling is :data:`CEILING` = 1,000,000 in one country and year: about 40 times the largest
  count published in the 2023-05-30 release, far below any country's population that could
  publish such a count. A count above it is rejected, never capped or kept.

Each rule gives a stable reject reason (no raw value inside: the reject's ``raw_value``
column holds it).

The rules above judge GLOTIP's counts (one country, one year, published by UNODC). The other
loaders (your own CSV/Excel, GSI, population) hold estimates, regions and multi-year totals
too, so :func:`check` applies rules that hold for any figure, one value at a time:

* **Not negative.** Every measure except ``change`` (a change can be a fall): counts,
  estimates, money, populations, rates, shares and their bounds are never below zero.
* **Population of the place.** A count of persons, cases or notifications (``detected_count``,
  ``registered_count``, ``case_count``, ``justice_count``) and a modelled number of people
  (``estimate_stock``) never exceed the population of the place: the bundled UN WPP 2024
  population for the conference participants, otherwise :data:`WORLD_CEILING`. A population
  is capped by :data:`WORLD_CEILING` too.
* **Rates and shares.** A rate never exceeds its base (1,000 per 1,000; 100,000 per 100,000;
  a million per million); a share or a rate in percent never exceeds 100 %.

:data:`WORLD_CEILING` is 10 billion persons: more than everyone alive (the world's population
is about 8 billion in the 2020s), so it only catches values impossible anywhere, such as a
code or a phone number read as a count.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
import pandas as pd

__all__ = ["CEILING", "CODE_FLOOR", "R_CODE", "R_POPULATION", "R_CEILING", "population_ceilings", "implausible",
           "check", "check_frame", "WORLD_CEILING", "COUNT_UNITS", "RATE_BASES", "place_ceiling"]

CEILING = 1_000_000
CODE_FLOOR = 100_000
R_CODE = "value reads as a questionnaire code and year (Q6.1.1 + 2019 -> 6,112,019), not a count"
R_POPULATION = "count exceeds the country's population (UN WPP 2024, bundled)"
R_CEILING = f"count above the plausibility ceiling ({CEILING:,} in one country and year)"


@cache
def population_ceilings() -> dict[str, float]:
    """ISO3 -> the largest bundled UN WPP 2024 population of that country."""
    from ..paths import data_dir
    from ..reference.bundled import DEFAULT_POPULATION_PREFIX

    pop = pd.read_csv(data_dir() / "observations" / "population.csv",
                      usecols=["indicator", "geo", "geo_scheme", "value", "source_id"])
    pop = pop[(pop["indicator"] == "population") & (pop["geo_scheme"] == "iso3")
              & pop["source_id"].str.startswith(DEFAULT_POPULATION_PREFIX)]
    return pop.groupby("geo")["value"].max().astype(float).to_dict()


def implausible(value: np.ndarray, year: np.ndarray, geo: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """Reject reason (object array, None where plausible) for each count.

    ``value``: float counts (NaN for censored or missing: never judged here); ``year``: the
    row's year (float, NaN unknown); ``geo``: ISO3 of the counting country; ``persons``: True
    where the count is of persons (the population ceiling applies), False for cases.
    """
    value = np.asarray(value, dtype=float)
    year = np.asarray(year, dtype=float)
    out = np.full(len(value), None, dtype=object)
    with np.errstate(invalid="ignore"):
        known = ~np.isnan(value)
        code = known & ~np.isnan(year) & (value >= CODE_FLOOR) & (np.mod(value, 10_000) == year)
        pops = pd.Series(geo, dtype=object).map(population_ceilings()).to_numpy(dtype=float)
        above_pop = known & np.asarray(persons, dtype=bool) & ~np.isnan(pops) & (value > pops)
        above = known & (value > CEILING)
    out[above] = R_CEILING
    out[above_pop] = R_POPULATION
    out[code] = R_CODE
    return out


# --- any figure, one value at a time (user CSV, GSI, population) ------------------------------

#: Persons: above everyone alive, anywhere (about 8 billion people in the 2020s).
WORLD_CEILING = 10_000_000_000
#: Measures that count people or cases, or model their number: capped by the population of the place.
PEOPLE_MEASURES = ("detected_count", "registered_count", "case_count", "justice_count", "estimate_stock")
#: Units of counts.
COUNT_UNITS = ("persons", "cases", "notifications")
#: Rate units and the largest value each can take (everyone).
RATE_BASES = {"per_1000": 1_000, "per_100000": 100_000, "per_million": 1_000_000}


def place_ceiling(geo, geo_scheme) -> tuple[float, str]:
    """(ceiling, what it is) for counts in a place: its bundled population, else the world ceiling."""
    if geo_scheme == "iso3" and isinstance(geo, str):
        pop = population_ceilings().get(geo)
        if pop:
            return pop, f"the population of {geo} ({pop:,.0f}, UN WPP 2024)"
    return float(WORLD_CEILING), f"{WORLD_CEILING:,} (more than the world's population)"


def _number(v) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


@lru_cache(maxsize=4096)
def check(measure, unit, geo, geo_scheme, value, lower=None, upper=None) -> str | None:
    """The reason a figure is implausible for its measure and unit, or None when it is possible."""
    numbers = [n for n in (_number(value), _number(lower), _number(upper)) if n is not None]
    if not numbers:
        return None
    if measure != "change" and min(numbers) < 0:
        what = f"a {measure.replace('_', ' ')}" if isinstance(measure, str) else "a value"
        return f"negative: {what} cannot be below zero"
    top = max(numbers)
    if measure in PEOPLE_MEASURES and unit in COUNT_UNITS:
        ceiling, what = place_ceiling(geo, geo_scheme)
        if top > ceiling:
            return f"more {unit} than {what}: not a plausible count"
    elif measure == "population" and top > WORLD_CEILING:
        return f"a population above {WORLD_CEILING:,} (more than the world's population)"
    elif unit in RATE_BASES and measure != "change" and top > RATE_BASES[unit]:
        return f"a rate above {RATE_BASES[unit]:,} per {RATE_BASES[unit]:,} (more than everyone)"
    elif unit == "percent" and measure in ("share", "rate") and top > 100:
        return "a share or rate above 100 %"
    return None


def check_frame(df: pd.DataFrame) -> pd.Series:
    """:func:`check` for every row of a canonical table (each distinct figure checked once):
    the reason, or None, aligned with ``df.index``."""
    cols = ["measure", "unit", "geo", "geo_scheme", "value", "lower", "upper"]
    if not len(df):
        return pd.Series([], index=df.index, dtype=object)
    frame = df.reindex(columns=cols).astype(object)
    frame = frame.where(frame.notna(), None)
    return pd.Series([check(*k) for k in frame.itertuples(index=False, name=None)], index=df.index, dtype=object)
