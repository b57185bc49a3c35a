"""Flow tables on the real GLOTIP release: source rows, bounds, regions, shares, routes, charts."""

from __future__ import annotations

import json
import math
import re
import warnings

import pandas as pd
import pytest

from traffickstats import assets, geo
from traffickstats.errors import IncomparableError
from traffickstats.flows import (aggregate, corridor_table, flow_map, format_total, from_ctdc,
                                 from_glotip, from_observations, inflow, outflow, published_flows,
                                 repatriations, route, routes, sankey, set_aside, shares,
                                 top_corridors, total)
from traffickstats.loaders import load_glotip


@pytest.fixture(scope="module")
def glotip(glotip_path):
    return load_glotip(glotip_path)


@pytest.fixture(scope="module")
def flows(glotip):
    return from_glotip(glotip)


@pytest.fixture(scope="module")
def raw(glotip_path):
    """The sheet read independently of the loader: header on row 3, every cell as text."""
    return pd.read_excel(glotip_path, header=2, dtype=str, engine="calamine",
                         keep_default_na=False, na_filter=False)


def _generated(cells):
    """Clearly generated observations: (destination, citizenship, text) with "<5" censored."""
    rows = []
    for dest, cit, text in cells:
        cens = text == "<5"
        rows.append({"indicator": "trafficking_victims_detected", "measure": "detected_count",
                     "geo": dest, "geo_scheme": "iso3", "citizenship": cit, "period_start": 2020,
                     "period_end": 2020, "value": math.nan if cens else float(text), "unit": "persons",
                     "lower": 1.0 if cens else math.nan, "upper": 4.0 if cens else math.nan,
                     "censored": cens, "source_id": "generated"})
    return pd.DataFrame(rows).astype({"period_start": "Int64", "period_end": "Int64"})


# --- the table equals the source ----------------------------------------------------------------

def test_flows_into_tunisia_equal_the_source_rows(flows, raw):
    year = 2016
    src = raw[(raw["Iso3_code"] == "TUN") & (raw["Indicator"] == "Detected trafficking victims")
              & (raw["Dimension"] == "by citizenship") & (raw["Sex"] == "Total")
              & (raw["Age"] == "Total") & (raw["Year"].str.startswith(str(year)))]
    assert len(src) > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        iso = geo.to_iso3(list(src["Category"]), strict=False)
    expected = {}
    for cat, code, text in zip(src["Category"], iso, src["txtVALUE"]):
        origin = "TUN" if cat.strip().lower() == "nationals" else code
        expected[origin] = (1.0, 4.0, True) if text.strip() == "<5" else (float(text.replace(",", "")),) * 2 + (False,)
    got = flows[(flows["destination"] == "TUN") & (flows["year_start"] == year)]
    assert {r.origin: (r.lower, r.upper, bool(r.censored)) for r in got.itertuples()} == expected
    assert got.loc[got["origin"] == "TUN", "domestic"].all()
    assert not got.loc[got["origin"] != "TUN", "domestic"].any()
    t = total(got)
    assert math.isnan(t["value"])  # censored parts inside: the total is not a number
    assert t["lower"] == sum(v[0] for v in expected.values())
    assert t["upper"] == sum(v[1] for v in expected.values())


def test_nothing_is_dropped(glotip, flows):
    obs = glotip.observations
    eligible = obs[(obs["indicator"] == "trafficking_victims_detected") & obs["citizenship"].notna()]
    aside = set_aside(flows)
    assert len(flows) + len(aside) == len(eligible)
    # the release's Solomon Islands rows report 'Nationals' and 'Solomon Islands' for one year
    assert set(aside["destination"]) == {"SLB"} and aside["reason"].str.contains("Nationals").all()
    # exact totals and bounds survive the conversion
    kept = flows["censored"]
    assert flows.loc[~kept, "value"].sum() + aside.loc[~aside["censored"].astype(bool), "value"].astype(float).sum() \
        == eligible["value"].sum()
    assert int(kept.sum()) + int(aside["censored"].astype(bool).sum()) == int(eligible["censored"].sum())


def test_repatriations_stay_out_of_flows(glotip, flows):
    assert "victims_repatriated" not in set(flows["indicator"])
    rep = repatriations(glotip)
    assert len(rep) == int((glotip.observations["indicator"] == "victims_repatriated").sum())
    assert set(rep["direction"]) == {"unstated"}


# --- bounds travel through every sum -------------------------------------------------------------

def test_three_censored_cells_sum_to_3_to_12(flows):
    groups = flows[flows["censored"]].groupby(["destination", "year_start"]).size()
    dest, year = groups[groups == 3].index[0]
    cells = flows[(flows["destination"] == dest) & (flows["year_start"] == year) & flows["censored"]]
    t = total(cells)
    assert math.isnan(t["value"]) and (t["lower"], t["upper"]) == (3.0, 12.0)
    assert format_total(t["value"], t["lower"], t["upper"], "en", t["censored_cells"]) == "between 3 and 12"


def test_exact_plus_censored_is_a_range_never_a_midpoint():
    f = from_observations(_generated([("TUN", "CIV", "100"), ("TUN", "MAR", "<5"), ("TUN", "DZA", "<5"),
                                      ("TUN", "LBY", "<5")]))
    t = total(f)
    assert math.isnan(t["value"]) and (t["lower"], t["upper"]) == (103.0, 112.0)
    assert format_total(t["value"], t["lower"], t["upper"], "en", t["censored_cells"]) == "between 103 and 112"
    assert format_total(t["value"], t["lower"], t["upper"], "fr", t["censored_cells"]) == "entre 103 et 112"
    lone = f[f["origin"] == "MAR"].iloc[0]
    assert format_total(lone["value"], lone["lower"], lone["upper"], "fr", 1) == "moins de 5"
    # the bounds also survive aggregation to regions and the inflow table
    a = aggregate(f, "unodc")
    assert (a["lower"].sum(), a["upper"].sum()) == (103.0, 112.0) and a["value"].isna().any()
    i = inflow(f).iloc[0]
    assert math.isnan(i["total"]) and (i["total_lower"], i["total_upper"]) == (103.0, 112.0)


# --- regions, shares, routes --------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["unodc", "m49", "mediterranean", "ilo5"])
def test_aggregation_conserves_totals_and_bounds(flows, scheme):
    year = flows[flows["year_start"] == 2018]
    a = aggregate(year, scheme)
    assert a["lower"].sum() == year["lower"].sum()
    assert a["upper"].sum() == year["upper"].sum()
    assert a["censored_cells"].sum() == year["censored_cells"].sum()
    exact_a = a[~a["censored"]]
    assert exact_a["value"].sum() <= year.loc[~year["censored"], "value"].sum()
    # nothing dropped: countries outside the scheme and unstated origins are explicit regions
    assert {"other", "unknown"} <= set(a["origin"]) or {"unknown"} <= set(a["origin"])
    assert set(a.loc[a["origin_scheme"] == "group", "origin"]) <= {"other", "foreign", "unknown"}


def test_shares_add_up_to_100_percent_of_known_origin(flows):
    year = flows[flows["year_start"] == 2018]
    s = shares(year).set_index("category")
    dom, cb = s.loc["domestic"], s.loc["cross_border"]
    assert dom["share_lower"] + cb["share_upper"] == pytest.approx(100)
    assert dom["share_upper"] + cb["share_lower"] == pytest.approx(100)
    for col in ("lower", "upper"):
        parts = s.loc[["intra_regional", "inter_regional", "cross_border_unplaced"], col].sum()
        assert parts == pytest.approx(cb[col])
    assert s.loc["unknown_origin", "base"] == "all" and s.loc["unknown_origin", "lower"] > 0
    # on the exact cells only, the shares themselves add up to 100
    exact = shares(year[~year["censored"]]).set_index("category")
    assert exact.loc["domestic", "share"] + exact.loc["cross_border", "share"] == pytest.approx(100)
    known = year[~year["origin"].isin(["unknown", "stateless"]) & ~year["censored"]]
    assert exact.loc["domestic", "value"] == known.loc[known["domestic"], "value"].sum()


def test_mixing_years_is_refused(flows):
    with pytest.raises(IncomparableError, match="year_start"):
        shares(flows)
    with pytest.raises(IncomparableError):
        top_corridors(flows)
    with pytest.raises(IncomparableError):
        from_observations(pd.DataFrame([{
            "indicator": "trafficking_victims_detected", "measure": "share", "geo": "TUN",
            "geo_scheme": "iso3", "citizenship": "CIV", "period_start": 2018, "period_end": 2018,
            "value": 79.2, "unit": "percent", "source_id": "x"}]))


def test_route_northern_africa_to_southern_europe(flows):
    r = route(flows, "northern_africa", "southern_europe", "m49")
    assert len(r) and (r["destinations_reporting"] > 0).all()
    na = set(geo.members("m49", "northern_africa")["iso3"])
    se = set(geo.members("m49", "southern_europe")["iso3"])
    for row in r.itertuples():
        part = flows[(flows["year_start"] == row.year_start) & flows["origin"].isin(na)
                     & flows["destination"].isin(se)]
        assert (row.lower, row.upper) == (part["lower"].sum(), part["upper"].sum())
        assert row.corridors == len(part)
    y2018 = r[r["year_start"] == 2018].iloc[0]
    assert y2018["lower"] > 0
    allr = routes(flows)
    assert {"northern_africa_to_southern_europe", "sub_saharan_africa_to_northern_africa",
            "south_shore_to_north_shore"} <= set(allr["route"])


def test_corridors_inflow_outflow(flows):
    year = flows[flows["year_start"] == 2018]
    top = top_corridors(year, n=5)
    assert list(top["rank"]) == [1, 2, 3, 4, 5]
    assert top["lower"].is_monotonic_decreasing and not top["domestic"].any()
    i = inflow(year)
    assert i["total_lower"].sum() == year["lower"].sum()
    o = outflow(year)
    cross = year[~year["domestic"] & (year["origin_scheme"] == "iso3")]
    assert o["lower"].sum() == cross["lower"].sum()


# --- charts and published figures ------------------------------------------------------------------

def test_charts_carry_metadata_and_escape(flows):
    year = flows[flows["year_start"] == 2018]
    for lang in ("fr", "en", "ar"):
        fig = sankey(year, lang, scheme="unodc")
        meta = fig.layout.meta["traffickstats"]
        assert meta["kind"] == "sankey" and meta["alt"] and "GLOTIP" in meta["footnote"]
        link = fig.data[0].link
        assert min(link.value) >= 1  # censored links drawn at their lower bound, never 0
    m = flow_map(year, "fr", n=10)
    assert m.layout.meta["traffickstats"]["kind"] == "flow_map"
    assert len(m.layout.meta["traffickstats"]["table"]["rows"]) == 10
    html_table = corridor_table(year, "fr", n=3, title="<script>alert(1)</script>")
    assert "<script>" not in html_table and "&lt;script&gt;" in html_table
    assert html_table.count("<tr>") == 1 + 3 + 1  # head, three corridors, footnote


def test_published_flows_are_shares_not_counts():
    p = published_flows("fr")
    assert set(p["figure_kind"]) == {"share"} and p.attrs["caption"].startswith("Chiffres de rapports")
    assert {"GLOTIP16-02", "GLOTIP16-05", "TUN-04b", "TUN-10", "TUN-14"} <= set(p["fact_id"])
    tun = p[p["fact_id"] == "TUN-04b"]
    assert tun["share"].sum() == pytest.approx(100)
    assert tun.loc[tun["origin"] == "CIV", "share_text"].iloc[0] == "79,2\u00a0%"
    # the published wording and the base of each share travel with it
    bel = p[(p["fact_id"] == "EU-16") & (p["destination"] == "BEL")].iloc[0]
    assert bel["share_text"] == "plus de 80\u00a0%" and bel["base"] == "registered victims in Belgium, 2023"
    civ = p[(p["fact_id"] == "TUN-10") & (p["origin"] == "CIV")].iloc[0]
    assert civ["base"].startswith("foreign victims")   # 64 % of foreign victims, not of all victims


def test_ctdc_excerpt_builds_flows(shared_data):
    path = shared_data / "ctdc" / "ctdc_global_dataset_excerpt.csv"
    from traffickstats.loaders.ctdc import load_ctdc

    res = load_ctdc(path)
    f = from_ctdc(res)
    rec = res.records
    pairs = rec.groupby(["year", "citizenship", "exploitation"], observed=True).size()
    assert len(f) == len(pairs) and f["value"].sum() == len(rec)


# --- offline map assets -----------------------------------------------------------------------------

def test_topojson_script_and_assets(tmp_path):
    script = assets.topojson_script()
    assert script.startswith("window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson:{}};")
    payload = re.search(r'\["world_110m"\] = (\{.*\});\s*$', script, re.S).group(1)
    assert json.loads(payload) == assets.topojson()
    out = assets.write_assets(tmp_path)
    assert out["plotly"].name.startswith("plotly-") and out["plotly"].stat().st_size > 1_000_000
    assert out["topojson"].read_text(encoding="utf-8") == script


# --- validation once per content ----------------------------------------------------------------

def test_a_flow_table_is_checked_once_per_content_and_a_changed_one_again(flows, monkeypatch):
    """Every analysis step validates its input: a table whose content passed is not sent to
    pandera again, and one changed afterwards (in place or a copy) is checked as ever."""
    from traffickstats.flows import table

    calls = []
    real = table.FlowTable.validate
    monkeypatch.setattr(table.FlowTable, "validate", lambda df, **kw: calls.append(len(df)) or real(df, **kw))
    monkeypatch.setattr(table, "_PASSED", type(table._PASSED)())

    first = table.validate(flows)
    again = table.validate(first)
    copy = table.validate(first.copy())
    assert calls == [len(flows)]  # once: the same content three times
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(copy, first)
    assert again is not first and again.attrs == first.attrs

    bad = first.copy()
    bad.loc[bad.index[0], "value"] = -5.0  # a count below zero, set in place after it passed
    with pytest.raises(Exception, match="value"):
        table.validate(bad)
    reordered = first.iloc[::-1]  # the same rows in another order: another table
    table.validate(reordered)
    assert len(calls) == 3
    as_float = first.astype({"year_start": "float64"})  # same numbers, another dtype: checked
    table.validate(as_float)
    assert len(calls) == 4
