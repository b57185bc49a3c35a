"""Can this value be what it says it measures? The checks every loader runs before accepting a row.

A file can hold numbers that parse and still cannot be true: "-3" victims, "1 234 567 890 123"
persons in one country, a prevalence of 2,000 per 1,000. Each rule below rejects the row with a
reason that is the same for every row with that problem (the value itself is in ``raw_value``):

* **Not negative.** Every measure except ``change`` (a change between two periods can be a
  fall): counts, estimates, money, populations, rates, shares and bounds are never below zero.
* **Counts are whole.** Persons, cases and notifications counted by an authority or a
  dataset are whole numbers (checked by the loaders that read free text, with a hint about
  the decimal mark).
* **Ceilings.** A count of persons, cases or notifications (``detected_count``,
  ``registered_count``, ``case_count``, ``justice_count``) and a modelled number of people
  (``estimate_stock``) can never exceed the population of the place: for the nine conference
  countries the largest UN WPP 2024 population bundled (``reference.population()``), for any
  other place or region :data:`WORLD_CEILING`. A population itself is capped by
  :data:`WORLD_CEILING`. Rates cannot exceed their base (1,000 per 1,000; 100,000 per
  100,000; a million per million) and a share cannot exceed 100 %.

:data:`WORLD_CEILING` is 10 billion persons: more than everyone alive (the world's population
is about 8 billion in the 2020s), so it only catches values that are impossible anywhere,
such as a questionnaire code or a phone number read as a count.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

__all__ = ["check", "check_frame", "WORLD_CEILING", "COUNT_MEASURES", "COUNT_UNITS", "RATE_BASES",
           "population_ceiling"]

#: Persons: above everyone alive, anywhere (about 8 billion people in the 2020s).
WORLD_CEILING = 10_000_000_000
#: Measures that count people or cases (capped by the population of the place).
COUNT_MEASURES = ("detected_count", "registered_count", "case_count", "justice_count", "estimate_stock")
#: Units of counts.
COUNT_UNITS = ("persons", "cases", "notifications")
#: Rate units and the largest value each can take (everyone).
RATE_BASES = {"per_1000": 1_000, "per_100000": 100_000, "per_million": 1_000_000}


@lru_cache(maxsize=1)
def _bundled_populations() -> dict[str, tuple[float, int]]:
    """ISO3 -> (largest bundled UN WPP 2024 population, its year)."""
    from ..reference import population

    pop = population()
    out: dict[str, tuple[float, int]] = {}
    for geo, value, year in zip(pop["geo"], pop["value"], pop["year_start"]):
        if geo not in out or value > out[geo][0]:
            out[geo] = (float(value), int(year))
    return out


def population_ceiling(geo, geo_scheme) -> tuple[float, str]:
    """(ceiling, what it is) for counts of a place: its bundled population, else the world ceiling."""
    if geo_scheme == "iso3" and isinstance(geo, str):
        known = _bundled_populations().get(geo)
        if known:
            return known[0], f"the population of {geo} ({known[0]:,.0f}, UN WPP 2024, {known[1]})"
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
    if measure in COUNT_MEASURES and unit in COUNT_UNITS:
        ceiling, what = population_ceiling(geo, geo_scheme)
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
    keys = list(frame.itertuples(index=False, name=None))
    cache: dict = {}
    out = []
    for k in keys:
        if k not in cache:
            cache[k] = check(*k)
        out.append(cache[k])
    return pd.Series(out, index=df.index, dtype=object)
