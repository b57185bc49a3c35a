"""Normalisation: display scales, shares of a total, rates per population, sum checks.

Everything here keeps provenance: a computed share or rate names its numerator's source
(``source_id``) and its denominator's (``note``); nothing is rounded (formatting is the
chart's job) and no row disappears: a rate without a population stays in the result
with a missing value and is listed in ``RatesResult.missing``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from . import guard
from .errors import IncomparableError, ParameterError
from .numbers import ParsedNumber, parse_number, scale_of
from .schema import COLUMNS, COMPUTED_NOTE, COUNT_MEASURES

__all__ = [
    "rescale", "convert_rate_unit", "shares", "rates", "RatesResult", "MissingDenominatorWarning",
    "check_sum", "SumCheck", "rounding_step", "RATE_UNITS",
]

#: Rate units and their denominators.
RATE_UNITS: dict[str, int] = {"per_1000": 1_000, "per_100000": 100_000, "per_million": 1_000_000}
_PER_UNIT = {v: k for k, v in RATE_UNITS.items()}
#: Measures that can be the numerator of a rate (quantities of people or cases).
_NUMERATORS = {"estimate_stock", *COUNT_MEASURES}


class MissingDenominatorWarning(UserWarning):
    """Some rates could not be computed: no population for that place and year."""


# --- scales ---------------------------------------------------------------------------


def rescale(obs: pd.DataFrame, unit_scale: float | str) -> pd.DataFrame:
    """A display copy with value/lower/upper divided by ``unit_scale`` (1e6 or "millions").

    Adds a ``scale`` column so the copy cannot be mistaken for base units; the canonical
    frame itself always stays in base units.
    """
    scale = scale_of(unit_scale) if isinstance(unit_scale, str) else float(unit_scale)
    if not scale > 0:
        raise ParameterError(f"unit_scale must be positive, got {unit_scale!r}")
    out = obs.copy()
    for col in ("value", "lower", "upper"):
        if col in out.columns:
            out[col] = out[col].astype("float64") / scale
    out["scale"] = scale
    return out


def convert_rate_unit(obs: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Rates re-expressed in another rate unit (3.4 per_1000 -> 340 per_100000)."""
    if unit not in RATE_UNITS:
        raise ParameterError(f"unknown rate unit {unit!r}: use one of {', '.join(RATE_UNITS)}")
    bad = obs[~obs["unit"].isin(list(RATE_UNITS))]
    if len(bad):
        raise IncomparableError(f"convert_rate_unit needs rates; row {bad.index[0]} has unit {bad['unit'].iloc[0]!r}")
    out = obs.copy()
    factor = out["unit"].map(lambda u: RATE_UNITS[unit] / RATE_UNITS[u]).astype("float64")
    for col in ("value", "lower", "upper"):
        if col in out.columns:
            out[col] = out[col].astype("float64") * factor
    out["unit"] = unit
    return out


# --- shares ---------------------------------------------------------------------------


def shares(obs: pd.DataFrame, total: pd.DataFrame | pd.Series | None = None, by: str = "geo") -> pd.DataFrame:
    """Each part as a percentage of a total (measure ``share``, unit ``percent``, 55 for 55 %).

    ``obs`` holds disjoint parts along the breakdown ``by`` (geo, sex, age, form,
    citizenship). ``total`` is the published total (one observation); without it, the
    parts' own sum (through the guard) is the base. Parts and total go through
    ``guard.require_comparable(..., "share")``: same indicator, measure, unit, period and
    publication. The note says the base.
    """
    parts = guard._frame(obs)
    if by not in guard.BREAKDOWNS:
        raise ParameterError(f"by must be one of {', '.join(guard.BREAKDOWNS)}, got {by!r}")
    varying = guard._varying(parts)
    if len(parts) > 1 and varying not in ([by], []):
        raise IncomparableError(f"shares by {by!r}: the parts also differ in {', '.join(v for v in varying if v != by)}; "
                                "filter to one breakdown first.")
    if total is None:
        base = guard.total(parts)
        base_desc = f"the sum of the {len(parts)} parts shown"
    else:
        base = guard._frame(total)
        if len(base) != 1:
            raise ParameterError(f"total must be one observation, got {len(base)} rows")
        both = pd.concat([parts, base], ignore_index=True)
        guard.require_comparable(both.drop(columns=[by]).assign(**{by: "x"}), "share")  # kind, period, source
        if by != "geo" and (guard._key(base, by) != "total").any():
            raise IncomparableError(f"the total row must have {by} = 'total', not {base[by].iloc[0]!r}")
        if by == "geo" and (base["geo_scheme"].iloc[0] == parts["geo_scheme"]).all() and len(parts) > 0 \
                and base["geo"].iloc[0] in set(parts["geo"]):
            raise IncomparableError(f"the total {base['geo'].iloc[0]!r} is one of the parts")
        base_desc = f"{guard.source_label(base['source_id'].iloc[0])} total of {base['value'].iloc[0]:,.0f} {base['unit'].iloc[0]}"
    base_value = float(base["value"].iloc[0])
    if not base_value or math.isnan(base_value):
        raise ParameterError("the total is zero or missing: shares are undefined")
    out = parts[[c for c in COLUMNS if c in parts.columns]].copy()
    out["basis"] = parts["measure"]
    out["measure"] = "share"
    for col in ("value", "lower", "upper"):
        out[col] = parts[col].astype("float64") * 100.0 / base_value
    out["unit"] = "percent"
    out["fact_id"] = None
    out["base"] = base_desc  # what 100 % is: a share is never shown without it
    out["note"] = f"Share of {base_desc}; {COMPUTED_NOTE}."
    return out.reset_index(drop=True)


# --- rates ----------------------------------------------------------------------------


@dataclass
class RatesResult:
    """Rates (one row per numerator, value missing where no denominator) and the rows without one.

    Unpacks as ``rates, missing = normalise.rates(...)``.
    """

    rates: pd.DataFrame
    missing: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __iter__(self):
        return iter((self.rates, self.missing))

    @property
    def report(self) -> str:
        if not len(self.missing):
            return "every rate has a population denominator"
        lines = [f"{len(self.missing)} rate(s) without a population denominator:"]
        lines += [f"  {r.geo} ({r.geo_scheme}) {r.period_end}: {r.reason}" for r in self.missing.itertuples()]
        return "\n".join(lines)


def _population_table(population: pd.DataFrame) -> pd.DataFrame:
    pop = guard._frame(population)
    bad = pop[(pop["indicator"] != "population") | (pop["measure"] != "population")]
    if len(bad):
        raise IncomparableError(f"population rows must be indicator/measure 'population'; row {bad.index[0]} is "
                                f"{bad['indicator'].iloc[0]}/{bad['measure'].iloc[0]}")
    pop = pop[pop["value"].notna()].copy()
    pop["year"] = pop["year_end"].astype(int)
    keys = ["geo_scheme", "geo", "sex", "age", "year"]
    # Two rows for one place and year: fine when they agree, refused when they differ.
    dup = pop.groupby(keys)["value"].nunique()
    if (dup > 1).any():
        k = dup[dup > 1].index[0]
        raise IncomparableError(f"two different population figures for {k[1]} {k[4]} "
                                f"({', '.join(pop.set_index(keys).loc[k, 'source_id'].astype(str))}): "
                                "pass one revision only (e.g. reference.population()).")
    return pop.drop_duplicates(keys)


def _year_ranges(years) -> str:
    """2020, 2021, 2023, 2024 -> '2020–2021, 2023–2024' (short lists in reports)."""
    ys = sorted(set(int(y) for y in years))
    spans, start = [], ys[0]
    for prev, y in zip(ys, ys[1:] + [None], strict=False):
        if y is None or y != prev + 1:
            spans.append(str(start) if start == prev else f"{start}–{prev}")
            start = y
    return ", ".join(spans)


def rates(obs: pd.DataFrame, population: pd.DataFrame, per: int = 100_000,
          nearest_year: bool = False) -> RatesResult:
    """Counts or stocks per ``per`` inhabitants (1 000, 100 000 or 1 000 000).

    Numerators join population observations on geo scheme, geo, sex, age and year (the
    numerator's ``period_end``). With ``nearest_year=True`` the closest population year
    is used (ties: the earlier year) and the note says so ("population of 2023 used for
    2021"). A numerator without a denominator keeps a missing rate, is listed in
    ``RatesResult.missing`` with the reason, and a MissingDenominatorWarning is issued.
    Result rows: measure ``rate``, ``basis`` = the numerator's measure, the numerator's
    ``source_id``; the note names the population source and year.
    """
    if per not in _PER_UNIT:
        raise ParameterError(f"per must be 1000, 100000 or 1000000, got {per!r}")
    num = guard._frame(obs)
    bad = num[~num["measure"].isin(list(_NUMERATORS))]
    if len(bad):
        r = bad.iloc[0]
        raise IncomparableError(f"Cannot compute a rate of a {r['measure']!r} ({guard.describe(r)}): a rate "
                                f"divides a number of people or cases ({', '.join(sorted(_NUMERATORS))}).")
    multi = num[num["period_kind"] == "multi_year"]
    if len(multi):
        raise IncomparableError(f"Cannot compute a yearly rate of a multi-year total ({guard.describe(multi.iloc[0])}): "
                                "divide annual counts instead.")
    pop = _population_table(population)
    out = num[[c for c in COLUMNS if c in num.columns]].copy()
    out["basis"] = num["measure"]
    out["measure"] = "rate"
    out["unit"] = _PER_UNIT[per]
    out["fact_id"] = None
    label = f"{per:,}".replace(",", " ")
    # Choose one population row per distinct (place, sex, age, year) of the numerators,
    # then map back: vectorised, so a GLOTIP-sized table stays fast.
    keys = ["geo_scheme", "geo", "sex", "age"]
    want = num[keys].astype(str).assign(year=num["year_end"].astype(int)).drop_duplicates()
    cand = want.merge(pop[keys + ["year", "value", "source_id"]].astype({k: str for k in keys}),
                      on=keys, how="left", suffixes=("", "_pop"))
    cand = cand[cand["year_pop"].notna()].copy()
    cand["dist"] = (cand["year_pop"] - cand["year"]).abs()
    if not nearest_year:
        cand = cand[cand["dist"] == 0]
    chosen = cand.sort_values(["dist", "year_pop"]).drop_duplicates(keys + ["year"])
    available = (pop.astype({k: str for k in keys}).groupby(keys)["year"]
                 .apply(_year_ranges).rename("available").reset_index())
    joined = (num[keys].astype(str).assign(year=num["year_end"].astype(int).to_numpy())
              .merge(chosen[keys + ["year", "year_pop", "value", "source_id"]], on=keys + ["year"], how="left")
              .merge(available, on=keys, how="left"))
    # left joins on unique right-hand keys: one joined row per numerator, in order
    found = joined["year_pop"].notna().to_numpy()
    p = joined["value"].to_numpy(dtype="float64")
    for col in ("value", "lower", "upper"):
        out[col] = num[col].astype("float64").to_numpy() / p * per  # NaN where no denominator
    pop_label = {sid: guard.source_label(sid) for sid in joined["source_id"].dropna().unique()}
    notes, missing_rows = [], []
    for i, r in enumerate(joined.itertuples(index=False)):
        if found[i]:
            note = (f"Per {label} inhabitants; population: {pop_label[r.source_id]} ({r.source_id}), "
                    f"{int(r.year_pop)}")
            if int(r.year_pop) != r.year:
                note += f"; population of {int(r.year_pop)} used for {r.year}"
            notes.append(f"{note}; {COMPUTED_NOTE}.")
            continue
        reason = f"no population for {r.geo} ({r.sex}, {r.age}) in {r.year}"
        if isinstance(r.available, str) and not nearest_year:
            reason += f"; years available: {r.available} (nearest_year=True uses the closest)"
        missing_rows.append({"row": i, "geo": r.geo, "geo_scheme": r.geo_scheme, "sex": r.sex, "age": r.age,
                             "period_end": r.year, "source_id": num["source_id"].iloc[i], "reason": reason})
        notes.append(f"Rate per {label} inhabitants not computed: {reason}.")
    out["note"] = notes
    missing = pd.DataFrame(missing_rows, columns=["row", "geo", "geo_scheme", "sex", "age", "period_end",
                                                  "source_id", "reason"])
    if len(missing):
        warnings.warn(f"{len(missing)} rate(s) left missing: no population denominator "
                      f"({'; '.join(missing['reason'].head(3))}{' ...' if len(missing) > 3 else ''})",
                      MissingDenominatorWarning, stacklevel=2)
    return RatesResult(rates=out.reset_index(drop=True), missing=missing)


# --- sum checks -----------------------------------------------------------------------


def rounding_step(value: float) -> float:
    """The rounding step a published base-unit value implies (20 900 000 -> 100 000).

    A value is taken to be known to its last non-zero digit: the largest power of ten
    that divides it (trailing zeros are read as rounding). Decimals count too (74.1 ->
    0.1). A whole number ending in a non-zero digit (1313) is an exact count: step 0.
    Zero gives 0. Pass ``tolerance`` to ``check_sum`` when this reading is wrong.
    """
    if value == 0 or not math.isfinite(value):
        return 0.0
    exponent = Decimal(repr(abs(float(value)))).normalize().as_tuple().exponent
    return 0.0 if exponent == 0 else float(Decimal(1).scaleb(exponent))


@dataclass(frozen=True)
class SumCheck:
    """Do the parts add up to the total within the source's rounding?"""

    ok: bool
    parts_sum: float
    total: float
    difference: float
    tolerance: float
    parts: tuple[float, ...]
    label: str = "parts"
    scale: float = 1.0
    decimals: int = 0

    def _fmt(self, v: float, signed: bool = False, extra: int = 0) -> str:
        s = f"{v / self.scale:{'+' if signed else ''},.{self.decimals + extra}f}"
        # a tolerance of half a step needs one more digit; drop it when it is a zero
        if extra and s.endswith("0"):
            s = s[:-1]
        return s.rstrip(".")

    def __str__(self) -> str:
        word = {1e12: " trillion", 1e9: " billion", 1e6: " million", 1e3: " thousand"}.get(self.scale, "")
        parts = " + ".join(self._fmt(p) for p in self.parts)
        head = f"{self.label}: {parts} = {self._fmt(self.parts_sum)}{word}"
        if self.difference == 0:
            return f"{head} = total {self._fmt(self.total)}{word}: OK"
        diff = f"difference {self._fmt(self.difference, signed=True)}{word}, tolerance ±{self._fmt(self.tolerance, extra=1)}{word}"
        if self.ok:
            return f"{head} ≈ total {self._fmt(self.total)}{word}: OK within rounding ({diff})"
        return f"{head} ≠ total {self._fmt(self.total)}{word}: NOT OK ({diff})"


def _as_number(x, locale: str | None) -> tuple[float, float]:
    """(base value, rounding step) of a part given as text, ParsedNumber or number."""
    if isinstance(x, str):
        x = parse_number(x, locale)
    if isinstance(x, ParsedNumber):
        if x.value is None:
            raise ParameterError(f"{x.raw!r} is censored: a sum check needs values")
        # "600 000" published to the unit is still rounded to 100 000: take the coarser step
        step = max(x.precision if x.decimals or x.scale > 1 else 0.0, rounding_step(x.value))
        return x.value, step
    v = float(x)
    return v, rounding_step(v)


def check_sum(parts, total, tolerance: float | None = None, label: str | None = None,
              locale: str | None = None) -> SumCheck:
    """Check that ``parts`` add up to ``total`` within the rounding of the published figures.

    ``parts``: observations (a DataFrame, checked by the guard as a sum of disjoint
    parts) or a list of numbers / strings ("11.7 million") / ParsedNumber; ``total``: one
    observation, number or string. The default tolerance is half a rounding step per
    published figure, parts and total (six parts rounded to 0.1 million and a total
    rounded to 0.1 million may be off by 7 x 0.05 million); pass ``tolerance`` (base
    units) to override.
    """
    if isinstance(parts, pd.DataFrame):
        guard.require_comparable(parts, "add")
        if isinstance(total, (pd.DataFrame, pd.Series)):
            tot = guard._frame(total)
            both = pd.concat([parts, tot], ignore_index=True)
            for col in ("indicator", "measure", "unit", "period_kind"):
                if guard._key(both, col).nunique() > 1:
                    guard.require_comparable(both.iloc[[0, len(both) - 1]], "difference")
            total = float(tot["value"].iloc[0])
        values = [float(v) for v in parts["value"]]
        if any(math.isnan(v) for v in values):
            raise ParameterError("a sum check needs values: some parts are censored")
        pairs = [(v, rounding_step(v)) for v in values]
        label = label or f"{guard.source_label(parts['source_id'].iloc[0])} {parts['indicator'].iloc[0].replace('_', ' ')}"
    else:
        pairs = [_as_number(p, locale) for p in parts]
        label = label or "parts"
    if not pairs:
        raise ParameterError("check_sum needs at least one part")
    total_value, total_step = _as_number(total, locale)
    parts_sum = float(sum(Decimal(repr(v)) for v, _ in pairs))
    difference = float(Decimal(repr(parts_sum)) - Decimal(repr(total_value)))
    if tolerance is None:
        tolerance = float(sum(Decimal(repr(s)) / 2 for _, s in pairs) + Decimal(repr(total_step)) / 2)
    scale = next((s for s in (1e12, 1e9, 1e6, 1e3) if abs(total_value) >= s and s >= 1e6), 1.0)
    finest = min([s for _, s in pairs if s > 0] + ([total_step] if total_step > 0 else []) or [1.0])
    decimals = max(0, -int(math.floor(math.log10(finest / scale) + 1e-9)))
    return SumCheck(ok=abs(difference) <= tolerance + 1e-9 * max(1.0, abs(total_value)),
                    parts_sum=parts_sum, total=total_value, difference=difference,
                    tolerance=float(tolerance), parts=tuple(v for v, _ in pairs), label=label,
                    scale=scale, decimals=min(decimals, 6))
