"""The origin -> destination table: one row per (origin, destination, period, indicator, source).

A *flow* here is a count of victims whose citizenship is ``origin`` and who were detected (or
exploited) in ``destination``. Citizenship is a proxy for origin, not a route: a Nigerian
detected in Italy may have lived years in Libya. Columns (``FLOW_COLUMNS``):

=====================  ===================================================================
origin                 ISO3 of the victims' citizenship, a region code, or a group token
                       (``foreign``: another country, not stated; ``eu_other``, ``non_eu``;
                       ``stateless``; ``unknown``)
origin_scheme          ``iso3``, a region scheme of :mod:`traffickstats.geo` (``unodc``...),
                       or ``group`` for the tokens above
destination            country of detection / exploitation (ISO3), or a region code
destination_scheme     as origin_scheme
qualifier              what the source said around the count ("about", "at least"; see the
                       observation schema), empty for an exact count; a sum carries the
                       qualifier of its parts (:func:`traffickstats.guard.sum_qualifier`)
value                  the count; **NaN when any censored cell is inside it**
lower, upper           always set: an exact count is its own bounds, a "<5" cell is 1..4,
                       a sum carries the sums of the bounds
censored               True when a censored cell is inside the figure
censored_cells         how many censored source cells are inside it
year_start/_end        calendar years (Int64); period_kind ``annual`` / ``multi_year``
indicator, measure,    as in the observation schema (counts only: ``detected_count``,
unit                   ``registered_count``; never shares)
source_id, evidence    provenance, as in the observation schema
domestic               True when origin == destination (victims detected in their own country;
                       GLOTIP's "Nationals" becomes origin = destination)
note                   caveats carried from the source row
=====================  ===================================================================

**Censored cells in sums.** A sum is exact only if every part is exact. Three "<5" cells sum
to value NaN, lower 3, upper 12 (never 0, never 7.5); 100 + "<5" + "<5" + "<5" is value NaN,
lower 103, upper 112, and is displayed "between 103 and 112" (:func:`format_total`). A lone
"<5" is displayed as published: "fewer than 5".

Builders: :func:`from_observations`, :func:`from_glotip`, :func:`from_ctdc`.
GLOTIP "by country of repatriation" rows are **not** flows (:func:`repatriations`).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..errors import IncomparableError, ParameterError, TraffickstatsError
from ..formatting import format_number
from ..i18n import _
from ..schema import CITIZENSHIP_GROUPS, QUALIFIERS, with_years

__all__ = [
    "FLOW_COLUMNS", "FLOW_MEASURES", "GROUP_TOKENS", "FlowTable", "validate", "from_observations",
    "from_glotip", "from_ctdc", "repatriations", "to_observations", "sum_flows", "total",
    "format_total", "empty_flows", "set_aside", "SET_ASIDE_COLUMNS", "protect_flows",
]

FLOW_COLUMNS = [
    "origin", "origin_scheme", "destination", "destination_scheme",
    "qualifier", "value", "lower", "upper", "censored", "censored_cells",
    "year_start", "year_end", "period_kind", "indicator", "measure", "unit",
    "source_id", "evidence", "domestic", "note",
]
#: Measures that count persons and so can be flows (shares go to ``published_flows``).
FLOW_MEASURES = ("detected_count", "registered_count")
#: Indicators that carry a citizenship but are not victim flows.
NOT_FLOWS = {
    "victims_repatriated": "GLOTIP 'by country of repatriation': the direction is not stated "
                           "(see flows.repatriations)",
    "persons_convicted": "citizenship of convicted offenders, not of victims",
    "persons_prosecuted": "citizenship of offenders, not of victims",
    "persons_suspected": "citizenship of offenders, not of victims",
}
#: Citizenship tokens that are neither a country nor a region (origin_scheme ``group``);
#: "nationals" becomes origin = destination instead.
GROUP_TOKENS = {k: v for k, v in CITIZENSHIP_GROUPS.items() if k != "nationals"}
#: Group tokens that say the victim crossed a border though the country is not stated.
CROSS_BORDER_GROUPS = {"foreign", "eu_other", "non_eu", "other_region"}
#: Group tokens with no origin information at all.
UNKNOWN_GROUPS = {"unknown", "stateless"}

_KEY = ["origin", "origin_scheme", "destination", "destination_scheme", "year_start",
        "year_end", "indicator", "source_id"]


class FlowTable(pa.DataFrameModel):
    """An origin -> destination table (see the module docstring)."""

    origin: Series[str] = pa.Field(title="Origin", description="ISO3 of citizenship, region code or group token")
    origin_scheme: Series[str] = pa.Field(title="Origin scheme", description="iso3, a region scheme, or group")
    destination: Series[str] = pa.Field(title="Destination", description="country of detection (ISO3) or region")
    destination_scheme: Series[str] = pa.Field(title="Destination scheme", description="iso3, a region scheme, or group")
    qualifier: Series[str] = pa.Field(nullable=True, isin=list(QUALIFIERS), title="Qualifier",
                                      description="about, at least...: empty for an exact count")
    value: Series[float] = pa.Field(nullable=True, ge=0, title="Value", description="count; NaN when censored parts")
    lower: Series[float] = pa.Field(ge=0, title="Lower bound", description="always set")
    upper: Series[float] = pa.Field(ge=0, title="Upper bound", description="always set")
    censored: Series[bool] = pa.Field(title="Censored", description="a censored cell is inside")
    censored_cells: Series[pd.Int64Dtype] = pa.Field(ge=0, title="Censored cells", description="how many")
    year_start: Series[pd.Int64Dtype] = pa.Field(ge=1900, le=2100, title="Period start")
    year_end: Series[pd.Int64Dtype] = pa.Field(ge=1900, le=2100, title="Period end")
    period_kind: Series[str] = pa.Field(isin=["annual", "multi_year"], title="Period kind")
    indicator: Series[str] = pa.Field(title="Indicator")
    measure: Series[str] = pa.Field(isin=list(FLOW_MEASURES), title="Measure", description="counts only")
    unit: Series[str] = pa.Field(title="Unit")
    source_id: Series[str] = pa.Field(title="Source")
    evidence: Series[str] = pa.Field(title="Evidence")
    domestic: Series[bool] = pa.Field(title="Domestic", description="origin == destination")
    note: Series[str] = pa.Field(nullable=True, title="Note")

    @pa.dataframe_check(error="lower <= value <= upper, and an exact value is its own bounds")
    def _bounds(cls, df: pd.DataFrame) -> Series[bool]:
        exact = df["value"].notna()
        ok = df["lower"] <= df["upper"]
        return ok & (~exact | ((df["lower"] <= df["value"]) & (df["value"] <= df["upper"])))

    @pa.dataframe_check(error="value is missing exactly when a censored cell is inside")
    def _censored_value(cls, df: pd.DataFrame) -> Series[bool]:
        return df["value"].isna() == df["censored"]

    @pa.dataframe_check(error="one row per origin, destination, period, indicator and source")
    def _unique(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df.duplicated(_KEY + (["domestic"] if "domestic" in df else []), keep=False)

    class Config:
        strict = "filter"
        coerce = True
        ordered = False


def empty_flows() -> pd.DataFrame:
    """A flow table with no rows (all columns, right dtypes)."""
    return validate(pd.DataFrame({c: pd.Series(dtype=object) for c in FLOW_COLUMNS}).astype(
        {"value": float, "lower": float, "upper": float, "censored": bool, "domestic": bool}))


def validate(flows: pd.DataFrame) -> pd.DataFrame:
    """Check a flow table against :class:`FlowTable` (all failures at once) and order its columns."""
    if not isinstance(flows, pd.DataFrame):
        raise ParameterError(f"expected a flow table (DataFrame), got {type(flows).__name__}")
    if "qualifier" not in flows.columns:  # tables built before flows carried qualifiers: all exact
        flows = flows.assign(qualifier=None)
    missing = [c for c in FLOW_COLUMNS if c not in flows.columns]
    if missing:
        raise ParameterError(f"not a flow table: missing column(s) {', '.join(missing)} "
                             "(build it with traffickstats.flows.from_observations / from_glotip)")
    attrs = dict(flows.attrs)
    table = flows[FLOW_COLUMNS]
    key = _fingerprint(table)
    with _PASSED_LOCK:
        passed = key is not None and key in _PASSED
        if passed:
            _PASSED.move_to_end(key)
    if passed:  # the very content of a table that passed: the same answer
        out = table.reset_index(drop=True)
    else:
        out = FlowTable.validate(table, lazy=True).reset_index(drop=True)
        key = _fingerprint(out)
        if key is not None:
            with _PASSED_LOCK:
                _PASSED[key] = None
                while len(_PASSED) > _PASSED_MAX:
                    _PASSED.popitem(last=False)
    out.attrs.update(attrs)
    return out


#: Fingerprints of the flow tables :func:`validate` returned (LRU). An analysis step validates
#: its input, so a report's flow table went through pandera once per step, ~20 ms each
#: whatever its size (22 times in the Mediterranean brief); a table whose columns, dtypes,
#: index and every value are those of a table that passed is not checked again (~2 ms to hash).
_PASSED: OrderedDict[str, None] = OrderedDict()
_PASSED_MAX = 512
_PASSED_LOCK = threading.Lock()


def _fingerprint(table: pd.DataFrame) -> str | None:
    """A digest of a table's columns, dtypes, index and values (None: cannot hash them)."""
    try:
        rows = pd.util.hash_pandas_object(table, index=True).to_numpy()
    except (TypeError, ValueError):  # an unhashable cell (a list...): pandera says what is wrong
        return None
    digest = hashlib.blake2b(repr([(str(c), str(t)) for c, t in table.dtypes.items()]).encode(), digest_size=20)
    digest.update(rows.tobytes())
    return digest.hexdigest()


# --- building ----------------------------------------------------------------------------

def _scheme_of(code: str, scheme: str) -> str:
    if code in GROUP_TOKENS:
        return "group"
    return scheme


def from_observations(obs: pd.DataFrame, *, indicator: str | None = None, sex: str = "total",
                      age: str = "total", form: str = "total", year: int | None = None,
                      sources=None) -> pd.DataFrame:
    """The flow table of canonical observations that carry a ``citizenship``.

    Kept: count measures (``FLOW_MEASURES``) with ``citizenship`` set, of the given ``sex``,
    ``age`` and ``form`` (default the totals) and ``year`` (default every year). Indicators that
    carry a citizenship but are not victim flows (``NOT_FLOWS``: repatriations, offenders) are
    left out, and so are rows without citizenship (country totals). Shares by citizenship are
    refused with :class:`IncomparableError` (they belong in ``published_flows``).

    GLOTIP's ``nationals`` becomes origin = destination (``domestic``); a country that reports
    both "Nationals" and its own country for one year has both rows set aside (the same
    victims twice, or two different groups: the file cannot say): they are listed with the
    reason in ``flows.attrs["set_aside"]`` (see :func:`set_aside`), never silently dropped.
    """
    if not isinstance(obs, pd.DataFrame):
        raise ParameterError(f"expected observations (a DataFrame), got {type(obs).__name__}")
    need = ["indicator", "measure", "geo", "geo_scheme", "citizenship", "period_start",
            "period_end", "value", "unit", "source_id"]
    missing = [c for c in need if c not in obs.columns]
    if missing:
        raise ParameterError(f"observations lack column(s) {', '.join(missing)}")
    df = with_years(obs[obs["citizenship"].notna()]).copy()
    for col, default in (("sex", "total"), ("age", "total"), ("form", "total"), ("lower", np.nan),
                         ("upper", np.nan), ("censored", False), ("evidence", "primary"),
                         ("period_kind", "annual"), ("note", None), ("qualifier", None)):
        if col not in df.columns:
            df[col] = default
    df = df[~df["indicator"].isin(list(NOT_FLOWS))]
    shares = df[~df["measure"].isin(FLOW_MEASURES)]
    if len(shares):
        r = shares.iloc[0]
        raise IncomparableError(
            f"{len(shares)} observation(s) by citizenship are not counts of persons (e.g. "
            f"{r['indicator']} {r['measure']} in {r['geo']} {r['year_start']}): a flow table adds "
            "counts; show report shares with traffickstats.flows.published_flows instead")
    df = df[(df["sex"] == sex) & (df["age"] == age) & (df["form"] == form)]
    if indicator is not None:
        df = df[df["indicator"] == indicator]
    if year is not None:
        df = df[(df["year_start"] == year) & (df["year_end"] == year)]
    if df.empty:
        out = empty_flows()
        out.attrs["set_aside"] = ()
    else:
        out = _flows_from(df)
    if sources is not None:
        out.attrs["sources"] = sources
    return out


def _flows_from(df: pd.DataFrame) -> pd.DataFrame:
    censored = df["censored"].fillna(False).astype(bool)
    bad = df[~censored & df["value"].isna()]
    if len(bad):
        raise TraffickstatsError(f"{len(bad)} flow row(s) have neither a value nor censored bounds "
                                 f"(first: {bad.iloc[0]['geo']} <- {bad.iloc[0]['citizenship']})")
    published = ~censored & (df["lower"].notna() | df["upper"].notna())
    if published.any():
        r = df[published].iloc[0]
        raise IncomparableError(
            f"flow counts must be exact or censored cells; {r['geo']} <- {r['citizenship']} "
            f"{r['year_start']} has a value with published bounds (an estimate interval), "
            "which cannot be summed as bounds")
    dest = df["geo"].astype(str)
    cit = df["citizenship"].astype(str)
    nationals = cit == "nationals"
    origin = cit.where(~nationals, dest)
    countries = _countries()
    origin_scheme = pd.Series([_scheme_of(c, "iso3" if c in countries else "?") for c in origin],
                              index=df.index, dtype=object)
    region_like = origin_scheme == "?"  # neither a country nor a group: a region code
    if region_like.any():
        origin_scheme[region_like] = _region_scheme(origin[region_like])
    dest_scheme = df["geo_scheme"].astype(str).where(~dest.isin(list(GROUP_TOKENS)), "group")
    note = df["note"].astype(object).where(df["note"].notna(), None)
    note = note.where(~nationals, note.map(lambda n: "; ".join(
        x for x in (n, "origin reported as 'Nationals' of the country of detection") if x)))
    out = pd.DataFrame({
        "origin": origin, "origin_scheme": origin_scheme,
        "destination": dest, "destination_scheme": dest_scheme,
        "qualifier": df["qualifier"].astype(object).where(df["qualifier"].notna(), None),
        "value": df["value"].astype(float),
        "lower": df["lower"].astype(float).where(censored, df["value"].astype(float)),
        "upper": df["upper"].astype(float).where(censored, df["value"].astype(float)),
        "censored": censored, "censored_cells": censored.astype(int),
        "year_start": df["year_start"], "year_end": df["year_end"],
        "period_kind": df["period_kind"], "indicator": df["indicator"], "measure": df["measure"],
        "unit": df["unit"], "source_id": df["source_id"], "evidence": df["evidence"],
        "domestic": (origin == dest) & (origin_scheme == dest_scheme), "note": note,
    })
    dup = out.duplicated(_KEY, keep=False)
    aside = out[dup].assign(
        origin_reported=cit[dup.to_numpy()].to_numpy(),
        reason="the country reported both 'Nationals' and its own country for this year: the same "
               "victims twice or two groups, the file cannot say; neither row is used")
    out = validate(out[~dup].sort_values(_KEY).reset_index(drop=True))
    # records, not a DataFrame: pandas compares attrs when it merges or concatenates frames
    aside = aside[SET_ASIDE_COLUMNS].astype(object)
    out.attrs["set_aside"] = tuple(aside.where(aside.notna(), None).to_dict("records"))
    return out


SET_ASIDE_COLUMNS = ["destination", "origin", "origin_reported", "year_start", "year_end",
                     "indicator", "value", "lower", "upper", "censored", "source_id", "reason"]


def set_aside(flows: pd.DataFrame) -> pd.DataFrame:
    """Rows a builder could not turn into flows, with the reason (empty when none)."""
    return pd.DataFrame(list(flows.attrs.get("set_aside", ())), columns=SET_ASIDE_COLUMNS)


def _countries() -> set[str]:
    from ..geo import country_table

    return set(country_table().index)


def _region_scheme(codes: pd.Series) -> list[str]:
    """The scheme that defines each region code (the first in schemes.csv order)."""
    from ..geo import scheme_table

    t = scheme_table()
    first = dict(zip(t["region"][::-1], t["scheme"][::-1]))  # reversed: the first listing wins
    unknown = sorted({c for c in codes if c not in first})
    if unknown:
        raise TraffickstatsError(f"citizenship value(s) {', '.join(unknown)} are neither ISO3 codes, "
                                 f"region codes nor known groups ({', '.join(GROUP_TOKENS)})")
    return [first[c] for c in codes]


def _load(path_or_result, loader):
    from ..loaders.result import LoadResult

    if isinstance(path_or_result, LoadResult):
        return path_or_result
    if isinstance(path_or_result, (str, Path)):
        return loader(path_or_result)
    raise ParameterError(f"expected a file path or a LoadResult, got {type(path_or_result).__name__}")


def from_glotip(path_or_result, year: int | None = None, *,
                indicator: str = "trafficking_victims_detected") -> pd.DataFrame:
    """Flows of detected victims from a GLOTIP workbook (path) or its :class:`LoadResult`.

    Rows "by citizenship": destination = the reporting country (where the victims were
    detected), origin = their citizenship. Rows the loader rejected stay in its ``rejects``;
    the Source record travels in ``flows.attrs["sources"]`` for chart footnotes.
    """
    from ..loaders.glotip import load_glotip

    res = _load(path_or_result, load_glotip)
    return from_observations(res.observations, indicator=indicator, year=year, sources=res.source)


def from_ctdc(path_or_result, year: int | None = None) -> pd.DataFrame:
    """Flows of CTDC victim records (citizenship -> country of exploitation), all sexes/ages/forms.

    These count records in the CTDC collection, not victims detected in a country. Records with
    unknown citizenship keep origin ``unknown``; unknown country of exploitation gives
    destination ``unknown`` (scheme ``group``).
    """
    from ..loaders.ctdc import load_ctdc

    res = _load(path_or_result, load_ctdc)
    return from_observations(res.observations, indicator="ctdc_victim_records", year=year,
                             sources=res.source)


#: Columns of :func:`repatriations`.
REPATRIATION_COLUMNS = ["reporting_country", "repatriation_country", "direction", "value", "lower",
                        "upper", "censored", "year_start", "year_end", "indicator",
                        "source_id", "note"]


def repatriations(path_or_result, year: int | None = None) -> pd.DataFrame:
    """GLOTIP "by country of repatriation" rows, kept apart from flows.

    ``reporting_country`` = the country that filled in the questionnaire; ``repatriation_country``
    = the Category as it labelled it ("Abroad" -> ``foreign``). **Direction: not stated.** The
    same column holds countries that sent victims home (Aruba lists Ukraine: Ukrainian victims
    returned to Ukraine) and countries victims were brought back *from* (Nigeria lists Libya,
    Lebanon, Oman: Nigerians returned from there), so ``direction`` is ``"unstated"`` on every
    row and these rows never enter an origin -> destination table or a Sankey.
    """
    from ..loaders.glotip import load_glotip

    res = _load(path_or_result, load_glotip)
    o = res.observations
    o = o[o["indicator"] == "victims_repatriated"]
    if year is not None:
        o = o[o["year_start"] == year]
    out = pd.DataFrame({
        "reporting_country": o["geo"], "repatriation_country": o["citizenship"],
        "direction": "unstated", "value": o["value"], "lower": o["lower"], "upper": o["upper"],
        "censored": o["censored"], "year_start": o["year_start"], "year_end": o["year_end"],
        "indicator": o["indicator"], "source_id": o["source_id"], "note": o["note"],
    }, columns=REPATRIATION_COLUMNS)
    return out.reset_index(drop=True)


def to_observations(flows: pd.DataFrame) -> pd.DataFrame:
    """The flow table as canonical observations (geo = destination, citizenship = origin).

    Used for footnotes and CSV downloads; exact counts lose their redundant bounds again.
    """
    f = validate(flows)
    obs = pd.DataFrame({
        "indicator": f["indicator"], "measure": f["measure"], "basis": None,
        "geo": f["destination"], "geo_scheme": f["destination_scheme"], "citizenship": f["origin"],
        "period_start": f["year_start"].astype(str), "period_end": f["year_end"].astype(str),
        "year_start": f["year_start"], "year_end": f["year_end"],
        "period_kind": f["period_kind"], "sex": "total", "age": "total", "form": "total",
        "qualifier": f["qualifier"], "value": f["value"], "unit": f["unit"],
        "lower": f["lower"].where(f["censored"]), "upper": f["upper"].where(f["censored"]),
        "censored": f["censored"], "evidence": f["evidence"], "source_id": f["source_id"],
        "fact_id": None, "note": f["note"],
    })
    return obs


# --- sums that keep their bounds ------------------------------------------------------------

def sum_flows(flows: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Sum ``value``, ``lower``, ``upper`` and ``censored_cells`` over groups ``by``.

    ``value`` of a group is NaN as soon as one part is censored (its bounds still add up);
    ``censored`` is True when any part is. Groups keep every ``by`` value (NaN included).
    """
    by = list(by)
    cols = ["qualifier", "value", "lower", "upper", "censored", "censored_cells", "rows"]
    if flows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in by + cols})
    g = flows.groupby(by, dropna=False, sort=True)
    out = g[["lower", "upper"]].sum()
    out["value"] = g["value"].sum(min_count=1).where(~g["censored"].any())
    out["censored"] = g["censored"].any()
    out["censored_cells"] = g["censored_cells"].sum().astype("Int64")
    out["rows"] = g.size()
    if "qualifier" in flows.columns and flows["qualifier"].notna().any():
        from ..guard import sum_qualifier

        out["qualifier"] = g["qualifier"].agg(sum_qualifier)  # "about 30" + 12 is about 42
    else:
        out["qualifier"] = None
    return out.reset_index()[by + cols]


def total(flows: pd.DataFrame) -> dict:
    """The sum of a flow table: ``{"value", "lower", "upper", "censored", "censored_cells"}``."""
    if flows.empty:
        return {"value": 0.0, "lower": 0.0, "upper": 0.0, "censored": False, "censored_cells": 0}
    cens = bool(flows["censored"].any())
    return {"value": math.nan if cens else float(flows["value"].sum()),
            "lower": float(flows["lower"].sum()), "upper": float(flows["upper"].sum()),
            "censored": cens, "censored_cells": int(flows["censored_cells"].sum())}


def protect_flows(flows: pd.DataFrame, threshold: int | None = None) -> pd.DataFrame:
    """A copy of a flow table in which every exact count of 1 to ``threshold`` - 1 is a
    censored cell "<5" (value NaN, bounds 1..threshold - 1, one more censored cell), as
    :func:`traffickstats.disclosure.protect` does for observations: the flow charts and
    tables call it, so a flow of 3 victims is never drawn, labelled or downloaded as 3."""
    from ..disclosure import PRIMARY_NOTE, resolve_threshold

    threshold = resolve_threshold(threshold)
    f = validate(flows)
    small = f["value"].notna() & (f["value"] > 0) & (f["value"] < threshold)
    if not small.any():
        return f
    f = f.copy()
    f.loc[small, "value"] = np.nan
    f.loc[small, "lower"] = 1.0
    f.loc[small, "upper"] = float(threshold - 1)
    f.loc[small, "censored"] = True
    f.loc[small, "censored_cells"] = f.loc[small, "censored_cells"] + 1
    f.loc[small, "qualifier"] = None
    f.loc[small, "note"] = PRIMARY_NOTE.format(n=threshold)
    return validate(f)


def format_total(value, lower, upper, lang: str, censored_cells: int | None = None,
                 qualifier=None) -> str:
    """A count as the reader should see it.

    - exact: "1 234" (fr) / "1,234" (en), with the source's qualifier ("environ 1 234");
    - one censored cell alone (lower 1): as published, "moins de 5" / "fewer than 5";
    - a sum with censored parts: "entre 103 et 112" / "between 103 and 112" (never a midpoint).
    """
    if value is not None and not (isinstance(value, float) and math.isnan(value)) and not pd.isna(value):
        from ..formatting import qualified

        return qualified(format_number(value, lang), qualifier, lang)
    if lower is None or upper is None or pd.isna(lower) or pd.isna(upper):
        raise ParameterError("a censored figure needs both bounds to be displayed")
    if censored_cells == 1 and float(lower) == 1.0:
        return _("fmt.fewer_than", lang, n=format_number(float(upper) + 1, lang))
    return _("flows.between", lang, lower=format_number(lower, lang), upper=format_number(upper, lang))
