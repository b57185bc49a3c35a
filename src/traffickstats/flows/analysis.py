"""Arithmetic on flow tables: regions, domestic / cross-border shares, corridors, routes.

Every sum goes through :func:`~traffickstats.flows.table.sum_flows`, so censored "<5" cells
keep their bounds (value unknown, lower and upper summed). Functions that add or rank rows
across the table (``shares``, ``top_corridors``, ``routes``) refuse tables that mix
indicators, periods or sources with :class:`IncomparableError`; ``aggregate``, ``inflow``,
``outflow`` and ``route`` keep those columns as group keys, so nothing of two years is ever
added together. (``traffickstats.guard`` is not used for these checks: its "add" rule refuses
parts that differ along two breakdowns at once, which every origin -> destination table does
by construction; the rule applied here is the part of it that fits: one indicator, measure,
unit, period and source.)

Region codes added by :func:`aggregate` for rows that no region contains (never dropped):
``other`` (a country or region outside the scheme's regions), ``foreign`` (cross-border, the
country not stated), ``unknown`` (citizenship unknown or stateless). Their scheme is ``group``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..errors import IncomparableError, ParameterError
from ..geo import members, region_of, scheme_table
from ..geo.regions import _level
from .table import (CROSS_BORDER_GROUPS, FLOW_COLUMNS, UNKNOWN_GROUPS, sum_flows, validate)

__all__ = ["OTHER", "FOREIGN", "UNKNOWN", "aggregate", "shares", "top_corridors", "inflow",
           "outflow", "route", "routes", "Route", "MEDITERRANEAN_ROUTES", "require_one"]

OTHER, FOREIGN, UNKNOWN = "other", "foreign", "unknown"
#: Columns that must hold one value before rows are added or ranked together.
ONE_OF = ("indicator", "measure", "unit", "year_start", "year_end", "period_kind", "source_id")
_GROUP_KEYS = ["year_start", "year_end", "period_kind", "indicator", "measure", "unit",
               "source_id", "evidence"]


def require_one(flows: pd.DataFrame, what: str) -> None:
    """Raise :class:`IncomparableError` unless the rows share indicator, period and source."""
    differ = {c: sorted(map(str, flows[c].dropna().unique())) for c in ONE_OF
              if flows[c].nunique(dropna=False) > 1}
    if differ:
        detail = "; ".join(f"{c}: {', '.join(v[:5])}" for c, v in differ.items())
        raise IncomparableError(
            f"{what}: the table mixes {detail}. Adding or ranking figures of different years, "
            "indicators or sources gives a number that means nothing: filter one year and one "
            "indicator first (e.g. flows[flows.year_start == 2018])")


# --- placing both ends in a region scheme ----------------------------------------------------

def place(codes: pd.Series, code_schemes: pd.Series, scheme: str, level: str | None = None) -> pd.Series:
    """Region of ``scheme`` for each code (ISO3, a region code of ``scheme`` or a group token).

    Codes no region contains become ``other``; cross-border tokens ``foreign``; unknown
    citizenship and stateless ``unknown``.
    """
    lv = _level(scheme, level)  # the scheme's default level, or an error naming the known ones
    t = scheme_table()
    own = set(t.loc[(t["scheme"] == scheme) & (t["level"] == lv), "region"])
    codes = codes.astype(str)
    out = pd.Series(OTHER, index=codes.index, dtype=object)
    iso = (code_schemes == "iso3").to_numpy()
    if iso.any():
        uniq = sorted(set(codes[iso]))
        found = dict(zip(uniq, region_of(uniq, scheme, level=lv, strict=False)))
        out[iso] = codes[iso].map(lambda c: found.get(c) or OTHER)
    same = ((code_schemes == scheme) & codes.isin(own)).to_numpy()
    out[same] = codes[same]
    group = (code_schemes == "group").to_numpy()
    out[group & codes.isin(list(CROSS_BORDER_GROUPS)).to_numpy()] = FOREIGN
    out[group & codes.isin(list(UNKNOWN_GROUPS)).to_numpy()] = UNKNOWN
    out[group & codes.isin([OTHER]).to_numpy()] = OTHER
    out[group & codes.isin([FOREIGN]).to_numpy()] = FOREIGN
    return out


def aggregate(flows: pd.DataFrame, scheme: str, level: str | None = None, keep=()) -> pd.DataFrame:
    """Both ends of every flow summed into the regions of ``scheme`` (a flow table again).

    Totals and bounds are conserved: ``aggregate(f, s)[["lower", "upper"]].sum()`` equals
    ``f[["lower", "upper"]].sum()``, and so does ``value`` when nothing is censored. Domestic
    and cross-border flows between the same two regions stay separate rows (``domestic``).
    Rows whose ends no region contains go to ``other`` / ``foreign`` / ``unknown``.
    ``keep``: ISO3 codes that stay countries at both ends (e.g. the participants), the
    others going to their regions.
    """
    f = validate(flows)
    keep = set(keep)

    def ends(code, code_scheme):
        region = place(f[code], f[code_scheme], scheme, level)
        kept = (f[code_scheme] == "iso3") & f[code].isin(keep)
        return region.where(~kept, f[code])

    f = f.assign(origin=ends("origin", "origin_scheme"), destination=ends("destination", "destination_scheme"))
    special = {OTHER, FOREIGN, UNKNOWN}
    keys = ["origin", "destination", "domestic"] + _GROUP_KEYS
    out = sum_flows(f, keys)
    if out.empty:
        return validate(f.iloc[0:0])

    def scheme_of(c):
        return "group" if c in special else "iso3" if c in keep else scheme

    out["origin_scheme"] = out["origin"].map(scheme_of)
    out["destination_scheme"] = out["destination"].map(scheme_of)
    out["note"] = None
    res = validate(out[FLOW_COLUMNS])
    res.attrs.update({k: v for k, v in flows.attrs.items() if k == "sources"})
    return res


# --- shares -------------------------------------------------------------------------------

#: Leaf categories of :func:`shares` and the reported categories built from them.
_LEAVES = ("domestic", "intra_regional", "inter_regional", "cross_border_unplaced")
_REPORTED = {
    "domestic": ("domestic",),
    "cross_border": ("intra_regional", "inter_regional", "cross_border_unplaced"),
    "intra_regional": ("intra_regional",),
    "inter_regional": ("inter_regional",),
    "cross_border_unplaced": ("cross_border_unplaced",),
}


def classify(flows: pd.DataFrame, scheme: str = "unodc", level: str | None = None) -> pd.Series:
    """Category of each flow row: domestic, intra_regional, inter_regional,
    cross_border_unplaced (cross-border, a region end not known) or unknown_origin."""
    o = place(flows["origin"], flows["origin_scheme"], scheme, level)
    d = place(flows["destination"], flows["destination_scheme"], scheme, level)
    placed = ~o.isin([OTHER, FOREIGN, UNKNOWN]) & ~d.isin([OTHER, FOREIGN, UNKNOWN])
    cat = pd.Series("cross_border_unplaced", index=flows.index, dtype=object)
    cat[placed & (o == d)] = "intra_regional"
    cat[placed & (o != d)] = "inter_regional"
    cat[flows["domestic"].to_numpy()] = "domestic"
    unknown = (flows["origin_scheme"] == "group") & flows["origin"].isin(list(UNKNOWN_GROUPS))
    cat[unknown.to_numpy()] = "unknown_origin"
    return cat


def _share_bounds(part: tuple, rest: tuple) -> tuple[float, float, float]:
    """(share, lower, upper) in percent of part / (part + rest), each a (value, lo, hi) triple."""
    (pv, pl, pu), (rv, rl, ru) = part, rest
    def pct(a, b):
        return math.nan if (a + b) == 0 else 100.0 * a / (a + b)
    value = pct(pv, rv) if not (math.isnan(pv) or math.isnan(rv)) else math.nan
    return value, pct(pl, ru), pct(pu, rl)


def shares(flows: pd.DataFrame, scheme: str = "unodc", level: str | None = None) -> pd.DataFrame:
    """Domestic vs cross-border (intra-regional, inter-regional, region unknown) shares.

    ``share`` of ``domestic`` + ``cross_border`` = 100 % of the victims whose origin is known
    (base ``known_origin``); ``intra_regional`` + ``inter_regional`` + ``cross_border_unplaced``
    = ``cross_border``. ``unknown_origin`` (citizenship unknown or stateless) is reported
    separately as a share of all victims (base ``all``). With censored cells, ``share`` is NaN
    and ``share_lower`` / ``share_upper`` are the extreme shares the bounds allow.
    """
    f = validate(flows)
    if f.empty:
        raise ParameterError("shares: the flow table is empty")
    require_one(f, "shares")
    cats = classify(f, scheme, level)
    sums = {}
    for c in list(_LEAVES) + ["unknown_origin"]:
        part = f[cats == c]
        cens = bool(part["censored"].any())
        sums[c] = (math.nan if cens else float(part["value"].sum()),
                   float(part["lower"].sum()), float(part["upper"].sum()), cens)

    def combine(leaves):
        vals = [sums[x] for x in leaves]
        cens = any(v[3] for v in vals)
        return (math.nan if cens else sum(v[0] for v in vals), sum(v[1] for v in vals),
                sum(v[2] for v in vals), cens)

    rows = []
    for name, leaves in _REPORTED.items():
        part = combine(leaves)
        rest = combine([x for x in _LEAVES if x not in leaves])
        s, lo, hi = _share_bounds(part[:3], rest[:3])
        rows.append({"category": name, "base": "known_origin", "value": part[0], "lower": part[1],
                     "upper": part[2], "censored": part[3], "share": s, "share_lower": lo,
                     "share_upper": hi})
    part, rest = sums["unknown_origin"], combine(_LEAVES)
    s, lo, hi = _share_bounds(part[:3], rest[:3])
    rows.append({"category": "unknown_origin", "base": "all", "value": part[0], "lower": part[1],
                 "upper": part[2], "censored": part[3], "share": s, "share_lower": lo, "share_upper": hi})
    out = pd.DataFrame(rows)
    for c in ("year_start", "year_end", "indicator", "source_id"):
        out[c] = f[c].iloc[0]
    out["scheme"] = scheme
    return out


# --- corridors, inflows, outflows ----------------------------------------------------------

def top_corridors(flows: pd.DataFrame, n: int = 10, include_domestic: bool = False) -> pd.DataFrame:
    """The ``n`` largest country (or region) -> country flows of one period, indicator, source.

    Ranked by the lower bound, then the upper bound (a "<5" cell never outranks what it might
    be below). ``order_certain`` is False where the next row's upper bound exceeds this row's
    lower bound (the order of the two is not known). Flows whose origin is a group (foreign,
    unknown) are not corridors and are left out, as are domestic flows unless asked.
    """
    f = validate(flows)
    if f.empty:
        return f.assign(rank=pd.Series(dtype="Int64"), order_certain=pd.Series(dtype=bool))
    require_one(f, "top_corridors")
    keep = (f["origin_scheme"] != "group") & (f["destination_scheme"] != "group")
    if not include_domestic:
        keep &= ~f["domestic"]
    f = f[keep].sort_values(["lower", "upper", "origin", "destination"],
                            ascending=[False, False, True, True]).reset_index(drop=True)
    nxt_upper = f["upper"].shift(-1)
    f["order_certain"] = (nxt_upper.isna() | (f["lower"] >= nxt_upper)).astype(bool)
    f["rank"] = pd.array(range(1, len(f) + 1), dtype="Int64")
    out = f.head(int(n)).reset_index(drop=True)
    out.attrs.update({k: v for k, v in flows.attrs.items() if k == "sources"})
    return out


def _parts(f: pd.DataFrame, by: list[str], name: str) -> pd.DataFrame:
    s = sum_flows(f, by) if len(f) else pd.DataFrame(columns=by + ["value", "lower", "upper"])
    return s[by + ["value", "lower", "upper"]].rename(
        columns={"value": name, "lower": f"{name}_lower", "upper": f"{name}_upper"})


def inflow(flows: pd.DataFrame) -> pd.DataFrame:
    """Victims detected in each destination, per period, indicator and source.

    Columns ``total``, ``domestic``, ``cross_border`` (incl. "foreign, country not stated") and
    ``unknown_origin``, each with ``_lower`` / ``_upper`` bounds (value NaN when censored parts;
    a part with no row is 0), and ``origins`` (distinct origin countries or regions).
    """
    f = validate(flows)
    by = ["destination", "destination_scheme"] + _GROUP_KEYS
    unknown = (f["origin_scheme"] == "group") & f["origin"].isin(list(UNKNOWN_GROUPS))
    out = _parts(f, by, "total")
    for name, mask in (("domestic", f["domestic"]), ("cross_border", ~f["domestic"] & ~unknown),
                       ("unknown_origin", unknown)):
        out = out.merge(_parts(f[mask], by, name), on=by, how="left")
        absent = out[f"{name}_upper"].isna()  # no row of this part: a true 0
        for c in (name, f"{name}_lower", f"{name}_upper"):
            out[c] = out[c].astype(float).mask(absent, 0.0)
    origins = (f[f["origin_scheme"] != "group"].groupby(by, dropna=False)["origin"].nunique()
               .rename("origins").reset_index())
    out = out.merge(origins, on=by, how="left")
    out["origins"] = out["origins"].fillna(0).astype(int)
    return out.drop(columns="evidence")


def outflow(flows: pd.DataFrame, include_domestic: bool = False) -> pd.DataFrame:
    """Victims of each citizenship detected abroad (cross-border flows by origin), per period.

    Group origins (foreign, unknown) are not countries and are left out. ``destinations`` =
    distinct destinations that reported victims of this citizenship.
    """
    f = validate(flows)
    f = f[f["origin_scheme"] != "group"]
    if not include_domestic:
        f = f[~f["domestic"]]
    by = ["origin", "origin_scheme"] + _GROUP_KEYS
    out = sum_flows(f, by)
    dests = f.groupby(by, dropna=False)["destination"].nunique().rename("destinations").reset_index()
    out = out.merge(dests, on=by, how="left") if len(out) else out.assign(destinations=0)
    return out.drop(columns=["evidence", "rows"])


# --- Mediterranean routes ---------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    """From the countries of one region to those of another (each in its own scheme)."""

    name: str
    origin_scheme: str
    origin_region: str
    destination_scheme: str
    destination_region: str


#: The routes of the conference's framing (south shore: source, transit, destination).
MEDITERRANEAN_ROUTES: tuple[Route, ...] = (
    Route("northern_africa_to_southern_europe", "m49", "northern_africa", "m49", "southern_europe"),
    Route("northern_africa_to_western_europe", "m49", "northern_africa", "m49", "western_europe"),
    Route("sub_saharan_africa_to_northern_africa", "unodc", "sub_saharan_africa", "m49", "northern_africa"),
    Route("sub_saharan_africa_to_southern_europe", "unodc", "sub_saharan_africa", "m49", "southern_europe"),
    Route("south_shore_to_north_shore", "mediterranean", "south_shore", "mediterranean", "north_shore"),
    Route("east_shore_to_north_shore", "mediterranean", "east_shore", "mediterranean", "north_shore"),
)

ROUTE_COLUMNS = ["route", "origin_scheme", "origin_region", "destination_scheme",
                 "destination_region", "year_start", "year_end", "indicator", "source_id",
                 "qualifier", "value", "lower", "upper", "censored", "censored_cells", "corridors",
                 "destinations_reporting", "destinations_in_region", "unplaced_lower",
                 "unplaced_upper"]


def _iso3_of(scheme: str, region: str) -> set[str]:
    return set(members(scheme, region)["iso3"])


def route(flows: pd.DataFrame, origin_region: str, destination_region: str, scheme: str = "m49",
          *, destination_scheme: str | None = None, include_domestic: bool = False,
          name: str | None = None) -> pd.DataFrame:
    """Victims whose citizenship is in ``origin_region`` detected in ``destination_region``.

    One row per period, indicator and source in which at least one destination country of the
    region reported flows (``destinations_reporting`` of ``destinations_in_region``): a region
    that reported nothing gets no row, never a 0. ``unplaced_lower``/``_upper``: victims detected
    in the destination region whose citizenship is not stated or unknown (some of them may
    belong to the route). ``destination_scheme`` defaults to ``scheme``.
    """
    f = validate(flows)
    dscheme = destination_scheme or scheme
    o_set, d_set = _iso3_of(scheme, origin_region), _iso3_of(dscheme, destination_region)
    in_dest = (((f["destination_scheme"] == "iso3") & f["destination"].isin(d_set))
               | ((f["destination_scheme"] == dscheme) & (f["destination"] == destination_region)))
    from_origin = (((f["origin_scheme"] == "iso3") & f["origin"].isin(o_set))
                   | ((f["origin_scheme"] == scheme) & (f["origin"] == origin_region)))
    keys = ["year_start", "year_end", "indicator", "source_id"]
    reporting = f[in_dest].groupby(keys)["destination"].nunique().rename("destinations_reporting")
    on_route = f[in_dest & from_origin & (include_domestic | ~f["domestic"])]
    sums = sum_flows(on_route, keys).set_index(keys) if len(on_route) else None
    unplaced = f[in_dest & (f["origin_scheme"] == "group")]
    un = unplaced.groupby(keys)[["lower", "upper"]].sum() if len(unplaced) else None
    rows = []
    for key, n_rep in reporting.items():
        r = dict(zip(keys, key))
        if sums is not None and key in sums.index:
            s = sums.loc[key]
            r.update(qualifier=s["qualifier"] if isinstance(s["qualifier"], str) else None,
                     value=s["value"], lower=s["lower"], upper=s["upper"], censored=bool(s["censored"]),
                     censored_cells=int(s["censored_cells"]), corridors=int(s["rows"]))
        else:  # the region reported flows, none from the origin region: a real 0
            r.update(qualifier=None, value=0.0, lower=0.0, upper=0.0, censored=False, censored_cells=0,
                     corridors=0)
        r["destinations_reporting"] = int(n_rep)
        r["unplaced_lower"] = float(un.loc[key, "lower"]) if un is not None and key in un.index else 0.0
        r["unplaced_upper"] = float(un.loc[key, "upper"]) if un is not None and key in un.index else 0.0
        rows.append(r)
    out = pd.DataFrame(rows, columns=[c for c in ROUTE_COLUMNS])
    out["route"] = name or f"{origin_region}_to_{destination_region}"
    out["origin_scheme"], out["origin_region"] = scheme, origin_region
    out["destination_scheme"], out["destination_region"] = dscheme, destination_region
    out["destinations_in_region"] = len(d_set)
    return out[ROUTE_COLUMNS].sort_values(keys).reset_index(drop=True)


def routes(flows: pd.DataFrame, which=MEDITERRANEAN_ROUTES) -> pd.DataFrame:
    """:func:`route` for each :class:`Route` (default the Mediterranean ones), one table."""
    parts = [route(flows, r.origin_region, r.destination_region, r.origin_scheme,
                   destination_scheme=r.destination_scheme, name=r.name) for r in which]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ROUTE_COLUMNS)
