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
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

__all__ = ["CEILING", "CODE_FLOOR", "R_CODE", "R_POPULATION", "R_CEILING", "population_ceilings", "implausible"]

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
