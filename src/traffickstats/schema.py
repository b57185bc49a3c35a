"""The canonical observation schema: one row is one published or loaded figure.

The field descriptions below *are* the data dictionary: ``traffickstats data show --help``
and the README print them. Vocabularies are listed once here and checked by the schema.
"""

from __future__ import annotations

import math

import numpy as np
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

#: Measures that count persons or cases in a period: they add up over disjoint parts and
#: periods, and they count identifiable people (disclosure control protects them).
COUNT_MEASURES = ("detected_count", "registered_count", "case_count", "justice_count")

#: Citizenship values that are neither a country nor a region: who the victims are, in groups.
CITIZENSHIP_GROUPS: dict[str, str] = {
    "nationals": "citizens of the country that detected them (domestic)",
    "foreign": "another country, not stated (cross-border)",
    "eu_other": "another EU country, not stated (cross-border)",
    "non_eu": "a non-EU country, not stated (cross-border)",
    "other_region": "another region, not stated (cross-border)",
    "stateless": "stateless persons (no citizenship: origin unknown)",
    "unknown": "citizenship not recorded",
}

#: Period kinds: never add or compare values of different kinds.
PERIOD_KINDS: dict[str, str] = {
    "point_in_time": "a stock on any given day within the reference period",
    "annual": "a count or amount over one calendar year",
    "part_year": "a count or amount over part of one calendar year (e.g. January to July 2017): "
                 "never shown or compared as the whole year",
    "multi_year": "a total over several years (period_start..period_end)",
}

#: What the source says around a number ("about 1,100", "at least 63", "more than 80 %").
#: Empty for a figure given as exact. Bounds agree: at_least / more_than set ``lower`` to the
#: value and leave ``upper`` empty; at_most / less_than the reverse.
QUALIFIERS: dict[str, str] = {
    "approximately": "about, around, some, nearly, environ, près de, ~ (a rounded or approximate figure)",
    "at_least": "at least, au moins, no fewer than (the value is a lower bound)",
    "more_than": "more than, over, plus de, > (the true figure is above the value)",
    "at_most": "at most, up to, jusqu'à (the value is an upper bound)",
    "less_than": "less than, under, moins de, < (the true figure is below the value)",
}
LOWER_BOUND_QUALIFIERS = ("at_least", "more_than")
#: What the note of a figure computed by traffickstats (a sum, a share, a rate) says: such a
#: figure is never called "published" on a page (``charts`` add ``note.computed``).
COMPUTED_NOTE = "computed by traffickstats, not published"
UPPER_BOUND_QUALIFIERS = ("at_most", "less_than")

#: A period bound as precise as the source gives it: a year, a month or a day (ISO 8601).
PERIOD_RE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"

SEXES = ("total", "female", "male", "other", "unknown")
EVIDENCE = {
    "primary": "figure seen in the issuing organisation's own publication or a verbatim copy (V-P)",
    "secondary": "figure seen only as reported by press / NGO / third parties (V-S): cite as 'as reported by'",
}

#: Columns a data file holds (bundled CSVs, a user's canonical CSV), in order.
STORED_COLUMNS = [
    "indicator", "measure", "basis", "geo", "geo_scheme", "citizenship",
    "period_start", "period_end", "period_kind",
    "sex", "age", "form",
    "qualifier", "value", "unit", "lower", "upper", "censored", "base",
    "evidence", "source_id", "fact_id", "note",
]
#: Derived by :func:`conform` from the period bounds, for filtering and arithmetic on years.
YEAR_COLUMNS = ["year_start", "year_end"]
#: Column order of the canonical table: the stored columns plus the derived years.
COLUMNS = STORED_COLUMNS[:9] + YEAR_COLUMNS + STORED_COLUMNS[9:]


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
        description="For breakdowns by citizenship or origin: ISO3, a region code, or a group ("
        + ", ".join(f"'{k}'" for k in CITIZENSHIP_GROUPS) + "). Empty otherwise.",
    )
    period_start: Series[str] = pa.Field(
        str_matches=PERIOD_RE, title="Period start",
        description="Start of the reference period as precise as the source gives it: a year "
        "(2017), a month (2017-01) or a day (2017-01-15).",
    )
    period_end: Series[str] = pa.Field(
        str_matches=PERIOD_RE, title="Period end",
        description="End of the reference period, same precision rules (2017-07 for a count "
        "from January to July 2017; equal to period_start for one year).",
    )
    year_start: Series[pd.Int64Dtype] = pa.Field(
        ge=1900, le=2100, title="First year",
        description="Calendar year of period_start (derived; for filtering and arithmetic).",
    )
    year_end: Series[pd.Int64Dtype] = pa.Field(
        ge=1900, le=2100, title="Last year",
        description="Calendar year of period_end (derived; for filtering and arithmetic).",
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
    qualifier: Series[str] = pa.Field(
        nullable=True, isin=list(QUALIFIERS), title="Qualifier",
        description="What the source says around the number: " + "; ".join(
            f"{k}: {v}" for k, v in QUALIFIERS.items()) + ". Empty for a figure given as exact.",
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
    base: Series[str] = pa.Field(
        nullable=True, title="Base of a share",
        description="For a share: what 100 % is, in English words (e.g. 'foreign victims detected "
        "in Tunisia, 2021'); pages translate it. A share of a subgroup is never a share of the whole.",
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
        # "2017" < "2017-07" < "2017-07-15" < "2018": ISO text sorts like time, so the end's
        # last day is its text padded with the highest month/day
        start = df["period_start"].astype(str)
        end = df["period_end"].astype(str).str.pad(10, side="right", fillchar="~")
        return end >= start

    @pa.dataframe_check(error="a qualifier's bound must agree with it (at_least / more_than: "
                        "lower = value, no upper; at_most / less_than: upper = value, no lower)")
    def _qualifier_bounds(cls, df: pd.DataFrame) -> Series[bool]:
        q = df["qualifier"]
        low = q.isin(LOWER_BOUND_QUALIFIERS)
        high = q.isin(UPPER_BOUND_QUALIFIERS)
        ok_low = ~low | (df["upper"].isna() & (df["lower"].isna() | (df["lower"] == df["value"])))
        ok_high = ~high | (df["lower"].isna() & (df["upper"].isna() | (df["upper"] == df["value"])))
        return ok_low & ok_high

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
    for c in YEAR_COLUMNS:
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
                "qualifier": None, "base": None,
                "lower": float("nan"), "upper": float("nan"), "censored": False,
                "sex": "total", "age": "total", "form": "total"}
    for col, default in defaults.items():
        if col not in df.columns:
            df[col] = default
    df["censored"] = df["censored"].fillna(False).astype(bool)
    for col in ("period_start", "period_end"):
        df[col] = period_text(df[col])
    df["year_start"], df["year_end"] = period_year(df["period_start"]), period_year(df["period_end"])
    df = _bounds_from_qualifier(df)
    df = df[COLUMNS + [c for c in df.columns if c not in COLUMNS]]
    out = Observation.validate(df, lazy=True)
    return out[COLUMNS].reset_index(drop=True)


def plain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its categorical columns as the dtype of their labels (``str``), e.g. the
    tables of :func:`traffickstats.loaders.usercsv.load_csv`, which hold repeated labels as
    categoricals: code that writes new labels into a column (a total's "total" or "TUN+MAR")
    calls this first. ``df`` itself when it has none."""
    cats = {c: df[c].cat.categories.dtype for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)}
    return df.astype(cats) if cats else df


def period_text(col: pd.Series) -> pd.Series:
    """Period bounds as ISO text: 2017 / 2017.0 -> "2017"; "2017-07" and "2017-07-15" kept.

    Loaders that only know years may give integers; anything else is left as text for the
    schema's check to report with its row.
    """
    def one(v):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            return str(int(v)) if float(v).is_integer() else str(v)
        return str(v).strip()

    col = col.astype("object")
    uniq = col.drop_duplicates()
    return col.map(dict(zip(uniq, map(one, uniq))))


def with_years(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with ``year_start``/``year_end`` derived from the period bounds when it lacks
    them (a frame built by hand rather than through :func:`conform`)."""
    if all(c in df.columns for c in YEAR_COLUMNS) or not {"period_start", "period_end"} <= set(df.columns):
        return df
    df = df.copy()
    df["year_start"] = period_year(period_text(df["period_start"]))
    df["year_end"] = period_year(period_text(df["period_end"]))
    return df


def period_year(col: pd.Series) -> pd.Series:
    """The calendar year of ISO period text ("2017-07" -> 2017); missing when unreadable."""
    col = col.astype("object")
    uniq = col.drop_duplicates()
    years = {v: int(v[:4]) if isinstance(v, str) and v[:4].isdigit() else None for v in uniq}
    return col.map(years).astype("Int64")


def _bounds_from_qualifier(df: pd.DataFrame) -> pd.DataFrame:
    """A bound the qualifier implies and the row left empty: "at least 63" has lower = 63."""
    q = df["qualifier"]
    low = q.isin(LOWER_BOUND_QUALIFIERS) & df["lower"].isna() & df["value"].notna()
    high = q.isin(UPPER_BOUND_QUALIFIERS) & df["upper"].isna() & df["value"].notna()
    if low.any() or high.any():
        df = df.copy()
        df["lower"] = df["lower"].astype("float64").mask(low, df["value"])
        df["upper"] = df["upper"].astype("float64").mask(high, df["value"])
    return df


def field_docs() -> list[tuple[str, str, str]]:
    """(column, title, description) for every schema column, in order."""
    schema = Observation.to_schema()
    rows = []
    for name in COLUMNS:
        col = schema.columns[name]
        rows.append((name, col.title or name, col.description or ""))
    return rows
