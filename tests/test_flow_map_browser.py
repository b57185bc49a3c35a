"""A flow map and a choropleth open from file:// in headless Chromium with no network at all.

The page loads plotly.js and the world topojson with ``<script src>`` from the folder written by
``traffickstats.assets.write_assets``; every request that is not a file:// URL is aborted and
recorded. The test fails on any such request, any console error, or a map without land.
"""

from __future__ import annotations

import html

import pytest

from traffickstats import assets
from traffickstats.charts.display import chart_div
from traffickstats.charts.maps import choropleth
from traffickstats.flows import flow_map, from_glotip
from traffickstats.loaders import load_glotip

pytestmark = pytest.mark.browser

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def page_file(glotip_path, tmp_path_factory):
    res = load_glotip(glotip_path)
    flows = from_glotip(res, 2018)
    obs = res.observations
    totals = obs[(obs["indicator"] == "trafficking_victims_detected") & obs["citizenship"].isna()
                 & (obs["sex"] == "total") & (obs["age"] == "total") & (obs["form"] == "total")
                 & (obs["year_start"] == 2018)
                 & obs["geo"].isin(["TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE"])]
    figs = [flow_map(flows, "fr", n=20), choropleth(totals, "fr", catalog=res.source)]
    out = tmp_path_factory.mktemp("flowmap")
    written = assets.write_assets(out / "assets")
    rel = {k: p.relative_to(out).as_posix() for k, p in written.items()}
    body = "\n".join(chart_div(f, "fr") for f in figs)
    page = out / "map.html"
    page.write_text(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape('carte')}</title>"
        f'<script src="{rel["plotly"]}"></script><script src="{rel["topojson"]}"></script>'
        f"</head><body>{body}</body></html>", encoding="utf-8")
    return page


def test_maps_draw_offline_from_file_url(page_file, chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    blocked, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            context = browser.new_context()

            def guard(route):
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", guard)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            page.wait_for_function("document.querySelectorAll('.geo').length >= 2", timeout=30_000)
            page.wait_for_timeout(500)
            counts = page.evaluate("""() => {
                const nonEmpty = sel => [...document.querySelectorAll(sel)]
                    .filter(p => (p.getAttribute('d') || '').length > 10).length;
                return {
                    geos: document.querySelectorAll('.geo').length,
                    land: nonEmpty('.geo path.land, .geo .land path, path.js-land'),
                    countries: nonEmpty('.geo .countries path, .geo path.countries'),
                    choropleth: nonEmpty('.geo .choroplethlocation'),
                    lines: nonEmpty('.geo .scattergeo path.js-line'),
                    landLength: Math.min(...[...document.querySelectorAll('.geo path.land, .geo .land path, path.js-land')]
                        .map(p => (p.getAttribute('d') || '').length)),
                    assets: !!(window.PlotlyGeoAssets && window.PlotlyGeoAssets.topojson.world_110m),
                };
            }""")
            page.set_viewport_size({"width": 1400, "height": 1400})
            page.screenshot(path=str(page_file.with_suffix(".png")), full_page=True)
        finally:
            browser.close()
    assert blocked == [], f"requests left the machine: {blocked}"
    assert errors == [], f"console errors: {errors}"
    assert counts["assets"] and counts["geos"] == 2
    assert counts["land"] >= 2, counts  # the land layer of both maps
    assert counts["choropleth"] >= 9, counts  # the nine participants shaded
    assert counts["lines"] >= 10, counts  # flow lines drawn
    assert counts["landLength"] > 5000, counts  # real coastlines, not an empty outline
