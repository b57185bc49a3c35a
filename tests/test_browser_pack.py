"""A rendered pack as the audience sees it: opened from file:// in headless system Chromium,
with every non-file request aborted and recorded.

One reduced pack is rendered per session (``pack_fixtures.rendered_pack``): the French global
overview, Mediterranean brief and flows report, the Tunisia brief in fr / en / ar, and a
generated map report of published bundled figures. Figures checked below (49.6 million in
modern slavery, 1,100 victims detected in Tunisia in 2021) are the bundled, published ones.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import nbformat
import pytest

pytest_plugins = ["pack_fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
REPORTS = ["fr/global_overview.html", "fr/mediterranean_brief.html", "fr/flows.html",
           "fr/country_brief-TUN.html", "en/country_brief-TUN.html", "ar/country_brief-TUN.html",
           "fr/map_check.html"]

# per plot: drawn svg, its height, its traces and its non-empty annotation texts
PLOT_STATE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => ({
    svg: g.querySelectorAll('.main-svg').length,
    height: g.getBoundingClientRect().height,
    traces: (g._fullData || []).length,
    annotations: Array.from(g.querySelectorAll('.annotation-text')).filter(a => a.textContent.trim()).length,
    plot_area: g._fullLayout ? Math.round(g._fullLayout._size.h) : 0,
    kind: ((g._fullLayout || {}).meta || {}).traffickstats ? g._fullLayout.meta.traffickstats.kind : null,
}))"""


def executed_charts(pack, output: str) -> int:
    """Charts the executed notebook displayed (plotly outputs), counted independently of the page."""
    entry = pack.entry(output)
    nb = nbformat.read(pack.out / entry["executed"], as_version=4)
    return sum(1 for c in nb.cells for o in c.get("outputs", []) if PLOTLY_MIME in o.get("data", {}))


def wait_for_charts(rec, n: int) -> None:
    if n:
        rec.page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n}", timeout=30000)
    rec.page.wait_for_load_state("load")


def visible_text(rec) -> str:
    return rec.page.inner_text("body")


def test_pack_rendered_every_report(rendered_pack):
    assert sorted(rendered_pack.outputs) == sorted(REPORTS)
    failed = {r["output"]: r["error"] for r in rendered_pack.manifest["reports"] if r["status"] != "ok"}
    assert failed == {}
    assert (rendered_pack.out / "index.html").is_file()


@pytest.mark.parametrize("output", REPORTS)
def test_report_opens_offline_and_draws_every_chart(rendered_pack, open_offline, output):
    expected = executed_charts(rendered_pack, output)
    assert expected == len(rendered_pack.entry(output)["figures"])  # the manifest agrees
    rec = open_offline(rendered_pack.out / output)
    wait_for_charts(rec, expected)
    rec.page.wait_for_timeout(300)  # late errors (e.g. a map's topojson fetch) surface here
    plots = rec.page.evaluate(PLOT_STATE)
    assert rec.problems() == {}
    assert len(plots) == expected, plots
    for plot in plots:  # never an empty frame on the projector
        assert plot["svg"] >= 1 and plot["height"] > 100, plot
        assert plot["traces"] >= 1 or plot["annotations"] >= 2, plot
    # a chart with data marks needs room to draw them: the footnote margins must not eat the plot
    squeezed = [p for p in plots if p["traces"] and p["plot_area"] < 120]
    assert squeezed == [], f"plot area collapsed (px) by title/footnote margins: {squeezed}"
    # scripts come from the pack's own assets folder only
    srcs = rec.page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert all(s.startswith("file://") and "/assets/" in s for s in srcs), srcs


def test_regional_and_country_reports_have_charts(rendered_pack):
    """Guards the test above against passing vacuously on chart-less pages."""
    for output in ("fr/global_overview.html", "fr/country_brief-TUN.html", "fr/map_check.html"):
        assert executed_charts(rendered_pack, output) >= 1, output


def test_index_opens_offline_and_links_to_every_report(rendered_pack, open_offline):
    hrefs = []
    for page in ("index.html", "index.en.html", "index.ar.html"):  # one per language
        rec = open_offline(rendered_pack.out / page)
        assert rec.problems() == {}
        hrefs += rec.page.eval_on_selector_all(".card h2 a[href$='.html']",
                                              "els => els.map(e => e.getAttribute('href'))")
    assert sorted(hrefs) == sorted(REPORTS)
    for href in hrefs:
        assert (rendered_pack.out / href).is_file(), href
    rec = open_offline(rendered_pack.out / "index.html")
    # following a link opens the report, still offline
    with rec.page.expect_navigation():
        rec.page.click("a[href='fr/country_brief-TUN.html']")
    assert rec.page.url.endswith("/fr/country_brief-TUN.html")
    assert rec.problems() == {}


def test_maps_draw_land_offline(rendered_pack, open_offline):
    """A geo subplot must draw the world from the shipped topojson, not fetch it (file:// cannot)."""
    rec = open_offline(rendered_pack.out / "fr/map_check.html")
    wait_for_charts(rec, 1)
    rec.page.wait_for_timeout(500)
    geo = rec.page.evaluate("""() => Array.from(document.querySelectorAll('.geo')).map(g => ({
        land: Array.from(g.querySelectorAll('.layer.land path')).map(p => (p.getAttribute('d') || '').length),
        countries: g.querySelectorAll('.choroplethlocation').length}))""")
    assert geo, "no geo subplot on the map report"
    for g in geo:
        assert g["land"] and max(g["land"]) > 1000, g  # land outlines drawn
        assert g["countries"] >= 2, g
    assert rec.problems() == {}


def test_french_and_english_number_formatting(rendered_pack, open_offline):
    fr_global = visible_text(open_offline(rendered_pack.out / "fr/global_overview.html"))
    assert re.search(r"49,6[\u00a0\u202f ]millions", fr_global), "modern slavery 2021 (49.6 million), fr"
    fr_tun = visible_text(open_offline(rendered_pack.out / "fr/country_brief-TUN.html"))
    en_tun = visible_text(open_offline(rendered_pack.out / "en/country_brief-TUN.html"))
    # 1,100 victims detected in Tunisia in 2021 (INLTP): a no-break (narrow) space groups in French
    assert re.search(r"\b1[\u00a0\u202f]100\b", fr_tun)
    assert re.search(r"\b1,100\b", en_tun) and not re.search(r"\b1[\u00a0\u202f]100\b", en_tun)


def test_arabic_report_is_right_to_left(rendered_pack, open_offline):
    rec = open_offline(rendered_pack.out / "ar/country_brief-TUN.html")
    page = rec.page
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "ar"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert re.search(r"[\u0600-\u06ff]", visible_text(rec))  # Arabic text, not a French fallback page
    assert rec.problems() == {}


def test_data_table_toggle_and_csv_download(rendered_pack, open_offline, tmp_path):
    output = "fr/country_brief-TUN.html"
    rec = open_offline(rendered_pack.out / output, accept_downloads=True)
    page = rec.page
    wait_for_charts(rec, executed_charts(rendered_pack, output))
    figure = page.locator("figure.ts-chart").first
    table = figure.locator("details table")
    assert not table.is_visible()
    figure.locator("details summary").click()
    assert table.is_visible()
    shown = table.locator("tbody tr").count()
    assert shown >= 1
    with page.expect_download() as info:
        figure.locator(".ts-download a").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    path = Path(tmp_path / download.suggested_filename)
    download.save_as(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:  # the file's own CRLF line ends
        text = fh.read()
    rows = list(csv.DictReader(io.StringIO(text)))
    from traffickstats.schema import COLUMNS

    assert list(rows[0].keys()) == COLUMNS
    assert len(rows) == shown
    # the CSV holds exactly what the executed notebook drew in that chart
    nb = nbformat.read(rendered_pack.out / rendered_pack.entry(output)["executed"], as_version=4)
    first = next(o for c in nb.cells for o in c.get("outputs", []) if PLOTLY_MIME in o.get("data", {}))
    assert text == first["data"][PLOTLY_MIME]["layout"]["meta"]["traffickstats"]["csv"]
    assert {r["geo"] for r in rows} == {"TUN"} and all(r["source_id"] for r in rows)
    assert rec.problems() == {}
