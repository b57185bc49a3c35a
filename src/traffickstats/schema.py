"""The canonical observation schema: one row is one published or loaded figure.

The field descriptions below *are* the data dictionary: ``traffickstats data show --help``
and the README print them. Vocabularies are listed once here and checked by the schema.
"""

from __future__ import annotations

from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

# --- vocabularies -----------------------------------------------------------------------

#: What kind of quantity a value is. The comparability guard refuses arithmetic across these.
MEASURES: dict[str, str] = {
    "estimate_stock": "modelled number of people in the situation at any given point in time",
    "detected_count": "people identified / detected by authorities or agencies in a period",
    "registered_count": "people registered (e.g. Eurostat registered victims) in a period",
    "case_count": "cases, notifications or complaints counted by an authority (not persons)",
    "justice_count": "persons suspected, prosecuted or convicted in a period",
    "money_estimate": "modelled money amount (e.g. annual illegal profits)",
    "population": "resident population (denominator)",
    "rate": "a quantity per 1,000 / 100,000 / million inhabitants; see `basis`",
    "share": "a percentage of a total; see `basis` and `note` for the base",
    "change": "a change between two periods (absolute or percent); see `basis`",
    "coverage": "a count describing the data collection itself (countries, surveys)",
}

#: Period kinds: never add or compare values of different kinds.
PERIOD_KINDS: dict[str, str] = {
    "point_in_time": "a stock on any given day within the reference period",
    "annual": "a count or amount over one calendar year",
    "multi_year": "a total over several years (period_start..period_end)",
}

SEXES = ("total", "female", "male", "other", "unknown")
EVIDENCE = {
    "primary": "figure seen in the issuing organisation's own publication or a verbatim copy (V-P)",
    "secondary": "figure seen only as reported by press / NGO / third parties (V-S): cite as 'as reported by'",
}

#: Column order of the canonical table.
COLUMNS = [
    "indicator", "measure", "basis", "geo", "geo_scheme", "citizenship",
    "period_start", "period_end", "period_kind",
    "sex", "age", "form",
    "value", "unit", "lower", "upper", "censored",
    "evidence", "source_id", "fact_id", "note",
]


class Observation(pa.DataFrameModel):
    """One row per statistic, in base units, with its provenance."""

    indicator: Series[str] = pa.Field(
        title="Indicator",
        description="What was measured, in the field's words: forced_labour, modern_slavery, "
        "forced_marriage, trafficking_victims_detected, victims_registered, trafficking_cases, "
        "persons_suspected, persons_prosecuted, persons_convicted, illegal_profits, population, ...",
        str_matches=r"^[a-z][a-z0-9_]*$",
    )
    measure: Series[str] = pa.Field(
        title="Measure",
        description="Kind of quantity: " + ", ".join(MEASURES) + ". Different measures are never added.",
        isin=list(MEASURES),
    )
    basis: Series[str] = pa.Field(
        nullable=True,
        title="Basis",
        description="For rate / share / change: the measure of the underlying quantity "
        "(e.g. a prevalence per 1,000 of an estimate_stock).",
    )
    geo: Series[str] = pa.Field(
        title="Geography",
        description="Code of the place: ISO 3166 alpha-3 (TUN), an M49 code, or a region code "
        "of a named scheme (e.g. ilo2012:africa, WLD for the world).",
    )
    geo_scheme: Series[str] = pa.Field(
        title="Geography scheme",
        description="Scheme of `geo`: iso3, m49, world, or a region scheme name "
        "(ilo2012, ilo5, unodc, eu, walkfree2016, mediterranean, ...).",
    )
    citizenship: Series[str] = pa.Field(
        nullable=True,
        title="Citizenship / origin",
        description="For breakdowns by citizenship or origin: ISO3, a region code, 'nationals', "
        "'foreign', 'eu_other', 'non_eu'. Empty otherwise.",
    )
    period_start: Series[pd.Int64Dtype] = pa.Field(
        ge=1900, le=2100, title="Period start (year)",
        description="First year of the reference period.",
    )
    period_end: Series[pd.Int64Dtype] = pa.Field(
        ge=1900, le=2100, title="Period end (year)",
        description="Last year of the reference period (equal to period_start for one year).",
    )
    period_kind: Series[str] = pa.Field(
        isin=list(PERIOD_KINDS), title="Period kind",
        description="; ".join(f"{k}: {v}" for k, v in PERIOD_KINDS.items()),
    )
    sex: Series[str] = pa.Field(
        isin=list(SEXES), title="Sex", description="total, female, male, other or unknown."
    )
    age: Series[str] = pa.Field(
        title="Age", description="total, adult, child, unknown, or a band such as '0-8', '18-20'."
    )
    form: Series[str] = pa.Field(
        title="Form of exploitation / breakdown",
        description="total, sexual_exploitation, forced_labour, forced_criminality, begging, "
        "forced_marriage, organ_removal, state_imposed, private_economy, other, unknown, ...",
    )
    value: Series[float] = pa.Field(
        nullable=True, title="Value",
        description="The figure in base units (persons, not millions; USD, not billions; "
        "percent for shares). Empty only for a censored cell whose bounds are known.",
    )
    unit: Series[str] = pa.Field(
        title="Unit",
        description="persons, cases, usd, usd_per_victim, percent, per_1000, per_100000, "
        "per_million, countries, surveys, ratio.",
    )
    lower: Series[float] = pa.Field(
        nullable=True, title="Lower bound",
        description="Lower bound when published, or of a censored value ('<5' -> 1).",
    )
    upper: Series[float] = pa.Field(
        nullable=True, title="Upper bound",
        description="Upper bound when published, or of a censored value ('<5' -> 4).",
    )
    censored: Series[bool] = pa.Field(
        title="Censored", description="True when the source gave only a range such as '<5'."
    )
    evidence: Series[str] = pa.Field(
        isin=list(EVIDENCE), title="Evidence",
        description="; ".join(f"{k}: {v}" for k, v in EVIDENCE.items()),
    )
    source_id: Series[str] = pa.Field(
        title="Source", description="Key into the sources catalogue (data/sources/*.csv, or a loaded dataset's source record)."
    )
    fact_id: Series[str] = pa.Field(
        nullable=True, title="Fact",
        description="Row id in shared/reference/facts.md for bundled figures; empty for loaded datasets.",
    )
    note: Series[str] = pa.Field(
        nullable=True, title="Note", description="Scope, base of a share, caveats, in English."
    )

    @pa.dataframe_check(error="period_end must not be before period_start")
    def _period_order(cls, df: pd.DataFrame) -> Series[bool]:
        return df["period_end"] >= df["period_start"]

    @pa.dataframe_check(error="lower <= value <= upper when given")
    def _bounds(cls, df: pd.DataFrame) -> Series[bool]:
        lo_ok = df["lower"].isna() | df["value"].isna() | (df["lower"] <= df["value"])
        hi_ok = df["upper"].isna() | df["value"].isna() | (df["value"] <= df["upper"])
        return lo_ok & hi_ok

    @pa.dataframe_check(error="a missing value needs censored bounds")
    def _value_or_bounds(cls, df: pd.DataFrame) -> Series[bool]:
        return df["value"].notna() | (df["censored"] & df["lower"].notna() & df["upper"].notna())

    class Config:
        strict = "filter"
        coerce = True
        ordered = False


class Source(pa.DataFrameModel):
    """One citable source: a publication at one address and location."""

    source_id: Series[str] = pa.Field(unique=True, title="Source id", description="Stable key.")
    publisher: Series[str] = pa.Field(title="Publisher", description="Issuing organisation (English).")
    publisher_fr: Series[str] = pa.Field(nullable=True, title="Publisher (fr)", description="e.g. BIT, ONUDC, OIT.")
    title: Series[str] = pa.Field(title="Title", description="Publication title (English).")
    title_fr: Series[str] = pa.Field(nullable=True, title="Title (fr)", description="French title when one exists.")
    year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1900, le=2100, title="Year",
        description="Publication year; empty only for a loaded release that does not state it "
        "(never guessed; the citation then has no year).",
    )
    url: Series[str] = pa.Field(nullable=True, title="URL", description="Address where the figure was seen.")
    location: Series[str] = pa.Field(nullable=True, title="Location", description="Table, page or section.")
    reported_by: Series[str] = pa.Field(
        nullable=True, title="Reported by",
        description="For secondary evidence: the press / NGO outlet in which the figure was seen.",
    )
    terms: Series[str] = pa.Field(nullable=True, title="Terms", description="Licence / terms of use.")
    evidence: Series[str] = pa.Field(isin=list(EVIDENCE), title="Evidence", description="primary or secondary.")

    class Config:
        strict = "filter"
        coerce = True


def empty_observations() -> pd.DataFrame:
    """An empty frame with the canonical columns and dtypes."""
    df = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    for c in ("period_start", "period_end"):
        df[c] = df[c].astype("Int64")
    for c in ("value", "lower", "upper"):
        df[c] = df[c].astype("float64")
    df["censored"] = df["censored"].astype(bool)
    return df


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Add missing optional columns with defaults, order columns, and validate lazily.

    Raises ``pandera.errors.SchemaErrors`` listing every failure at once.
    """
    df = df.copy()
    defaults = {"basis": None, "citizenship": None, "note": None, "fact_id": None,
                "lower": float("nan"), "upper": float("nan"), "censored": False,
                "sex": "total", "age": "total", "form": "total"}
    for col, default in defaults.items():
        if col not in df.columns:
            df[col] = default
    df["censored"] = df["censored"].fillna(False).astype(bool)
    df = df[COLUMNS + [c for c in df.columns if c not in COLUMNS]]
    out = Observation.validate(df, lazy=True)
    return out[COLUMNS].reset_index(drop=True)


def field_docs() -> list[tuple[str, str, str]]:
    """(column, title, description) for every schema column, in order."""
    schema = Observation.to_schema()
    rows = []
    for name in COLUMNS:
        col = schema.columns[name]
        rows.append((name, col.title or name, col.description or ""))
    return rows
