"""Briefing charts: every kind builds, is sourced and labelled, reads in its language, and
its HTML is safe. Real figures come from the bundled reference data; rows marked GENERATED
below are made up inside this file for shapes the bundled data lacks (a map of the nine
participants, a censored cell, a hostile source title) and cite a generated source record.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
import warnings

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from generated import generated_counts, generated_source  # GENERATED inputs

from traffickstats import charts
from traffickstats.charts import style
from traffickstats.charts.config import FIGURE_CONFIG, figure_config
from traffickstats.charts.display import PLOTLY_MIME, chart_div, csv_href, mimebundle
from traffickstats.errors import IncomparableError, TraffickstatsError
from traffickstats.formatting import format_compact, format_money, format_percent, plotly_separators
from traffickstats.reference import observations

PARTICIPANTS = ["TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE"]
XSS = "</script><script>alert(1)</script>"


def meta(fig):
    return fig.layout.meta["traffickstats"]


@pytest.fixture(scope="module")
def bundled():
    return observations()


def facts(obs, *ids, **eq):
    out = obs[obs["fact_id"].isin(ids)]
    for col, v in eq.items():
        out = out[out[col] == v]
    assert len(out), f"bundled data lacks {ids} {eq}"
    return out


# --- every chart kind ---------------------------------------------------------------------

def _all_kinds(bundled):
    gen = generated_counts()
    cat = generated_source()
    return {
        "headline": charts.headline(facts(bundled, "ILO12-01"), "fr"),
        "ranked_bar": charts.ranked_bar(facts(bundled, *[f"ILO12-{i}" for i in range(20, 26)]), "fr"),
        "stacked_shares": charts.stacked_shares(
            facts(bundled, "ILO12-10", "ILO12-11", "ILO12-12", measure="share"), "fr"),
        "time_series": charts.time_series(facts(bundled, "TUN-01"), "fr"),
        "choropleth": charts.choropleth(gen, "fr", catalog=cat),
        "side_by_side": charts.side_by_side(facts(bundled, "ILO12-01", "TUN-05"), "fr"),
    }


@pytest.fixture(scope="module")
def kinds(bundled):
    return _all_kinds(bundled)


def test_every_kind_is_titled_sourced_described(kinds):
    for kind, fig in kinds.items():
        assert isinstance(fig, go.Figure)
        m = meta(fig)
        assert m["kind"] == kind
        assert fig.layout.title.text and m["title"]
        assert m["footnote"].startswith(("Source :", "Sources :")), (kind, m["footnote"])
        assert m["sources"] and all(isinstance(s, str) for s in m["sources"])
        assert len(m["alt"]) > 20 and m["alt"].endswith(".")
        assert isinstance(m["secondary"], bool) and isinstance(m["estimate"], bool)
        assert fig.layout.template.layout.font.family == style.FONT_FAMILY  # house template applied
        # the footnote is drawn on the figure itself (slides, static exports), escaped
        assert any("Source" in (a.text or "") for a in fig.layout.annotations)


def test_french_separators_and_values(kinds, bundled):
    for fig in kinds.values():
        assert fig.layout.separators == plotly_separators("fr") == ",\u202f"
    assert "20,9 millions" in meta(kinds["headline"])["alt"]
    assert "BIT (2012)" in meta(kinds["headline"])["footnote"]
    card = [a.text for a in kinds["headline"].layout.annotations]
    assert format_compact(20.9e6, "fr") in card


def test_estimate_and_secondary_notes(kinds):
    assert meta(kinds["headline"])["estimate"] is True
    assert any("Estimation modélisée" in n for n in meta(kinds["headline"])["notes"])
    ts = meta(kinds["time_series"])  # TUN-01 is seen only in the press (V-S)
    assert ts["secondary"] is True and ts["estimate"] is False
    assert "tel que rapporté par" in ts["footnote"]
    assert any("source secondaire" in n for n in ts["notes"])


def test_no_si_suffix_for_billions_in_french(bundled):
    obs = facts(bundled, "ILO14-08", "ILO14-09")  # illegal profits of two ILO 2012 regions, US$ bn
    fig = charts.ranked_bar(obs, "fr")
    ax = fig.layout.xaxis
    assert ax.exponentformat == "none" and ax.tickmode == "array"
    assert not any("G" in t for t in ax.ticktext)
    assert format_money(20e9, "USD", "fr", compact=True) in ax.ticktext  # "20 Md $US"
    assert all(t.text is None or "G" not in t.text for t in fig.data)
    assert [t for t in fig.data[0].text] == [format_money(51.8e9, "USD", "fr", compact=True),
                                             format_money(46.9e9, "USD", "fr", compact=True)]


def test_ranked_bar_ranks_and_refuses_incomparable(bundled):
    fig = charts.ranked_bar(facts(bundled, *[f"ILO12-{i}" for i in range(20, 26)]), "en")
    assert list(fig.data[0].x) == sorted(fig.data[0].x, reverse=True)
    assert fig.data[0].y[0] == "Central and South-Eastern Europe (non-EU) and CIS"
    with pytest.raises(IncomparableError):  # an ILO estimate and detected victims
        charts.ranked_bar(facts(bundled, "ILO12-01", "TUN-05"), "fr")
    with pytest.raises(IncomparableError):  # two indicators of one place
        charts.ranked_bar(facts(bundled, "GEMS17-01", "GEMS17-02"), "fr")


def test_ranked_bar_shows_censored_cells_as_ranges():
    obs = generated_counts([7, 3, 12, 1, 1, 1, 1, 1, 1]).iloc[:3].copy()  # GENERATED
    obs.loc[1, ["value", "lower", "upper", "censored"]] = [float("nan"), 1.0, 4.0, True]
    fig = charts.ranked_bar(obs, "fr", catalog=generated_source())
    ranges = [t for t in fig.data if t.base is not None]
    assert len(ranges) == 1 and list(ranges[0].base) == [1.0] and list(ranges[0].x) == [3.0]
    assert ranges[0].text == ("moins de 5",)  # a small count reads as published, never "1 to 4"
    assert ranges[0].marker.pattern.shape == "/"  # not colour alone
    assert list(fig.data[0].x) == [12.0, 7.0]  # known values ranked, the censored one after
    assert any("intervalle" in n for n in meta(fig)["notes"])


def test_stacked_shares_refuses_overlapping_parts(bundled):
    # private economy (90 %) contains sexual exploitation (22 %): not parts of one total
    with pytest.raises(IncomparableError):
        charts.stacked_shares(facts(bundled, "ILO12-09", "ILO12-10", measure="share"), "fr")
    with pytest.raises(TraffickstatsError, match="total"):
        charts.stacked_shares(facts(bundled, "EU-10", measure="share").assign(form="total").iloc[:1], "fr")


def test_stacked_shares_print_safe(kinds):
    fig = kinds["stacked_shares"]
    shapes = [t.marker.pattern.shape for t in fig.data]
    assert len(set(shapes)) == len(shapes)  # each part has its own pattern
    assert [t.x[0] for t in fig.data] == [22.0, 68.0, 10.0]
    assert format_percent(22, "fr") in fig.data[0].text[0]  # direct labels


def test_time_series_labels_lines_directly(kinds):
    fig = kinds["time_series"]
    tr = fig.data[0]
    assert list(tr.x) == [2017, 2018, 2019, 2020, 2021]
    assert tr.text[-1] == "Tunisie" and set(tr.text[:-1]) == {""}


def test_choropleth_is_offline(kinds):
    fig = kinds["choropleth"]
    geo = fig.layout.geo
    assert geo.scope == "world" and geo.resolution == 110 and geo.projection.type
    blob = json.dumps(fig.to_plotly_json(), default=str)
    assert "http" not in blob.replace("http://www.w3.org", "")
    assert list(fig.data[0].locations) == PARTICIPANTS
    assert fig.data[-1].type == "scattergeo" and fig.data[-1].text[0] == "100"
    with pytest.raises(TraffickstatsError, match="iso3"):
        charts.choropleth(observations(fact="ILO12-15"), "fr")


def test_side_by_side_labels_different_measures(kinds):
    fig = kinds["side_by_side"]
    texts = " ".join(a.text or "" for a in fig.layout.annotations)
    assert "Mesures différentes : chiffres non comparables" in texts
    assert fig.layout.yaxis2 is not None and fig.layout.xaxis2.domain[0] > fig.layout.xaxis.domain[1]
    assert [t.y[0] for t in fig.data] == [20.9e6, 1313.0]  # each on its own axis


def test_headline_needs_one_row(bundled):
    with pytest.raises(TraffickstatsError, match="exactly one"):
        charts.headline(facts(bundled, "ILO12-01", "ILO12-05"), "fr")


def test_empty_or_non_canonical_input_is_refused():
    with pytest.raises(TraffickstatsError, match="no observations"):
        charts.ranked_bar(generated_counts().iloc[:0], "fr")
    with pytest.raises(TraffickstatsError, match="canonical column"):
        charts.ranked_bar(pd.DataFrame({"geo": ["TUN"], "value": [1.0]}), "fr")


# --- languages ------------------------------------------------------------------------------

def test_english_and_arabic(bundled):
    obs = facts(bundled, *[f"ILO12-{i}" for i in range(20, 26)])
    en = charts.ranked_bar(obs, "en")
    assert en.layout.separators == ".," and meta(en)["footnote"].startswith("Source: ILO (2012)")
    ar = charts.ranked_bar(obs, "ar")
    m = meta(ar)
    assert m["dir"] == "rtl" and m["footnote"].startswith("المصدر")
    assert ar.layout.title.x > 0.9 and ar.layout.title.xanchor == "right"
    assert ar.layout.yaxis.side == "right" and ar.layout.xaxis.autorange == "reversed"
    assert "أفريقيا" in m["alt"]
    assert 'dir="rtl"' in charts.html_block(ar) and 'lang="ar"' in charts.html_block(ar)


# --- house style and config ------------------------------------------------------------------

def test_template_is_registered_and_legible():
    assert "traffickstats" in pio.templates
    t = pio.templates["traffickstats"].layout
    assert t.font.size >= 16 and "Noto Sans Arabic" in t.font.family
    assert t.paper_bgcolor == "white" and t.plot_bgcolor == "white"
    assert list(t.colorway) == style.OKABE_ITO
    assert pio.templates.default != "traffickstats"  # plotly's global default is left alone


def test_config_has_no_cloud_or_share_button():
    assert FIGURE_CONFIG["displaylogo"] is False
    assert FIGURE_CONFIG["showSendToCloud"] is False  # plotly.js 4.1.1 defaults it to true
    assert "sendChartToCloud" in FIGURE_CONFIG["modeBarButtonsToRemove"]
    assert FIGURE_CONFIG["typesetMath"] is False and FIGURE_CONFIG["responsive"] is True
    opts = FIGURE_CONFIG["toImageButtonOptions"]
    assert (opts["width"], opts["height"]) == (1920, 1080)
    assert not re.search(r"https?:", json.dumps(FIGURE_CONFIG))
    fr = figure_config("fr", "x")
    assert fr["locale"] == "fr" and fr["locales"]["fr"]["format"]["months"][0] == "janvier"
    assert fr["locales"]["fr"]["format"]["thousands"] == "\u202f"


def test_config_keys_are_plotly_js_4_keys(kinds):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # plotly.py warns on config keys plotly.js does not know
        out = chart_div(kinds["headline"], "ar")
    assert "cloud.plotly" not in out and "plot.ly" not in out and "cdn" not in out.lower()
    assert '"displaylogo": false' in out and '"showSendToCloud": false' in out


# --- HTML block and notebook display ----------------------------------------------------------

def test_html_block_structure(kinds):
    fig = kinds["ranked_bar"]
    out = charts.html_block(fig)
    m = meta(fig)
    assert out.startswith('<figure class="ts-chart')
    assert 'role="group"' in out and 'aria-label="' in out
    assert "Plotly.newPlot" in out and "<script src" not in out and "require" not in out
    assert "<figcaption>" in out and "BIT (2012)" in out
    assert "<details><summary>Afficher le tableau de données</summary>" in out
    assert f'download="{m["name"]}.csv"' in out and "Télécharger les données (CSV)" in out
    assert "Afrique" in out and "4,2" in out


def test_csv_download_holds_the_observations(bundled):
    obs = facts(bundled, *[f"ILO12-{i}" for i in range(20, 26)])
    out = charts.html_block(charts.ranked_bar(obs, "fr"))
    href = re.search(r'href="(data:text/csv;charset=utf-8,[^"]+)"', out).group(1)
    text = urllib.parse.unquote(href.split(",", 1)[1].replace("&amp;", "&"))
    assert text.startswith("\ufeff")
    back = pd.read_csv(io.StringIO(text[1:]))
    assert sorted(back["value"]) == sorted(obs["value"])
    assert set(back["fact_id"]) == set(obs["fact_id"])


def test_hostile_text_is_escaped_everywhere():
    cat = generated_source(title=f"Rapport {XSS} & co")  # GENERATED hostile source title
    obs = generated_counts()
    obs["note"] = XSS
    for kind in ("ranked_bar", "choropleth"):
        fig = getattr(charts, kind)(obs, "fr", title=f"Titre {XSS}", note=f"Note {XSS}", catalog=cat)
        out = charts.html_block(fig)
        assert "<script>alert" not in out and "</script><script>" not in out
        assert out.count("<script") == 1  # only plotly's own inline call
        assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in out  # caption, escaped
        assert "\\u003c\\u002fscript\\u003e" in out  # inside the plotly JSON
        data, _md = mimebundle(fig)
        assert "<script>alert" not in data["text/html"]
        # plotly strings are escaped too: plotly.js must not read them as markup
        assert "&lt;script&gt;" in fig.layout.title.text


def test_show_displays_both_renderings(kinds, monkeypatch):
    seen = {}

    def fake_display(obj, raw=False, metadata=None):
        seen.update(obj=obj, raw=raw, metadata=metadata)

    monkeypatch.setattr("IPython.display.display", fake_display)
    charts.show(kinds["time_series"])
    assert seen["raw"] is True
    assert set(seen["obj"]) >= {PLOTLY_MIME, "text/html"}
    assert seen["obj"][PLOTLY_MIME]["config"]["displaylogo"] is False
    assert seen["obj"][PLOTLY_MIME]["layout"]["meta"]["traffickstats"]["kind"] == "time_series"
    md = seen["metadata"]["traffickstats"]
    assert md["name"] == meta(kinds["time_series"])["name"] and md["alt"] == meta(kinds["time_series"])["alt"]


def test_csv_href_is_a_data_url():
    assert csv_href("a,b\n1,é\n").startswith("data:text/csv;charset=utf-8,%EF%BB%BFa%2Cb")


# --- in a real browser (system Chromium, no network) ------------------------------------------

@pytest.mark.browser
def test_charts_render_offline_in_chromium(kinds, chromium, tmp_path):
    """The HTML blocks draw in Chromium with plotly.js loaded once, no request leaves the page,
    French ticks show no SI "G", and a hostile title never runs."""
    from playwright.sync_api import sync_playwright

    from traffickstats.reports import assets

    plotly_js = assets.plotly_js_source().read_text(encoding="utf-8")
    cat = generated_source(title=f"Rapport {XSS}")
    blocks = [charts.html_block(f) for k, f in kinds.items() if k != "choropleth"]
    blocks.append(charts.html_block(charts.ranked_bar(
        generated_counts([2.5e9, 150e9, 1e9, 4e9, 5e9, 6e9, 7e9, 8e9, 9e9]), "fr",
        title=f"Titre {XSS}", catalog=cat)))
    blocks.append(f"<script>{assets.topojson_script()}</script>")  # the map data, offline
    blocks.append(charts.html_block(kinds["choropleth"]))
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
                    f"<script>{plotly_js}</script></head><body>{''.join(blocks)}</body></html>",
                    encoding="utf-8")
    errors, requests, dialogs = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        pg = browser.new_page()
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.goto(page.as_uri())
        pg.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length >= "
                             f"{len([b for b in blocks if 'Plotly.newPlot' in b])}", timeout=20000)
        ticks = pg.eval_on_selector_all(".xtick text, .ytick text", "els => els.map(e => e.textContent)")
        titles = pg.eval_on_selector_all(".gtitle", "els => els.map(e => e.textContent)")
        browser.close()
    assert not errors, errors
    assert not requests, requests
    assert not dialogs, dialogs
    assert ticks and not any(re.search(r"\dG\b", t) for t in ticks), ticks
    assert any("Md" in t for t in ticks)
    assert f"Titre {XSS}" in titles  # shown as text, not run


# --- layout: long titles, long labels, long footnotes (fr, ar) ---------------------------------

LONG_TITLE = {  # two lines at the report width in both languages
    "fr": "Victimes de la traite détectées dans les pays participants de la conférence de Tunis, "
          "selon les autorités nationales",
    "ar": "ضحايا الاتجار بالبشر المكتشفون في البلدان المشاركة في مؤتمر تونس، حسب السلطات الوطنية "
          "والمنظمات الدولية",
}


def generated_sources():
    """GENERATED: three Source records with long titles, for a three-citation footnote."""
    return pd.concat([
        generated_source(),
        generated_source("generated_second", "Second generated source (not real data): trafficking in persons "
                                             "in the Mediterranean region, detected victims by citizenship"),
        generated_source("generated_third", "Third generated source (not real data): prosecutions and "
                                            "convictions by form of exploitation, sex and age, 2018-2022"),
    ], ignore_index=True)


def long_label_rows(bundled):
    """GENERATED values on the six ILO 2012 regions (real codes, so real long names such as
    "Europe centrale et du Sud-Est (hors UE) et CEI"); values and sources are made up."""
    obs = facts(bundled, *[f"ILO12-{i}" for i in range(20, 26)]).copy().reset_index(drop=True)
    obs["value"] = [6.0, 5.0, 4.0, 3.0, 2.0, 1.0]
    obs[["lower", "upper"]] = float("nan")
    obs["source_id"] = ["generated_test_source", "generated_second", "generated_third"] * 2
    obs["fact_id"], obs["note"], obs["evidence"], obs["basis"] = None, None, "primary", None
    return obs


def money_rows():
    """GENERATED: made-up yearly sums in US$ for the nine participants (a money axis)."""
    obs = generated_counts([2.5e9, 150e9, 1e9, 4e9, 5e9, 6e9, 7e9, 8e9, 9e9])
    return obs.assign(unit="usd", measure="money_estimate", indicator="forced_labour_profits")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_long_title_wraps_and_the_top_margin_holds_it(bundled, lang):
    from traffickstats.charts import layout
    from traffickstats.charts.textfit import text_width

    fig = charts.ranked_bar(long_label_rows(bundled), lang, title=LONG_TITLE[lang], catalog=generated_sources())
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) == 2  # wrapped, not one line running off a 880 px report column
    assert all(text_width(li, style.TITLE_FONT_SIZE, bold=True) <= style.REPORT_WIDTH - 2 * style.EDGE
               for li in lines)
    hung = fig.layout.template.layout.title  # from the figure's top edge, not a fraction of it
    assert (hung.yanchor, hung.yref, hung.y) == ("top", "container", 1)
    assert fig.layout.margin.t >= layout.title_height(2) > layout.title_height(1)
    one = charts.ranked_bar(long_label_rows(bundled), lang, title="Court", catalog=generated_sources())
    assert fig.layout.margin.t > one.layout.margin.t  # the second line gets its room


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_footnote_is_anchored_to_the_figure_edge_and_wrapped(bundled, lang):
    from traffickstats.charts.textfit import text_width

    fig = charts.ranked_bar(long_label_rows(bundled), lang, catalog=generated_sources())
    foot = [a for a in fig.layout.annotations if a.name == "ts-footnote"]
    assert len(foot) == 1
    a, m = foot[0], fig.layout.margin
    if lang == "ar":  # hung from the right edge, whatever the right margin holds
        assert (a.x, a.xanchor, a.xshift) == (1, "right", m.r - style.EDGE)
    else:
        assert (a.x, a.xanchor, a.xshift) == (0, "left", -(m.l - style.EDGE))
    assert m.l > 150 if lang == "fr" else m.r > 150  # long region names pushed the plot sideways
    lines = a.text.split("<br>")
    assert len(lines) >= 3  # three long citations cannot fit one line
    assert all(text_width(li, style.FOOTNOTE_FONT_SIZE) <= style.REPORT_WIDTH - 2 * style.EDGE for li in lines)
    assert m.b >= -a.yshift + len(lines) * style.FOOTNOTE_FONT_SIZE * 1.3  # reserved below the axis


def test_money_axis_has_few_flat_babel_ticks():
    from traffickstats.charts.textfit import text_width

    fig = charts.ranked_bar(money_rows(), "fr", catalog=generated_source())
    ax = fig.layout.xaxis
    assert ax.tickangle == 0 and fig.layout.template.layout.xaxis.title.standoff == style.TITLE_STANDOFF
    assert 2 <= len(ax.ticktext) <= 4 and not any("G" in t for t in ax.ticktext)
    assert all(t == "0" or "Md" in t for t in ax.ticktext)
    # evenly spaced, and neighbours fit the plot width at the report size side by side
    steps = {b - a for a, b in zip(ax.tickvals, ax.tickvals[1:])}
    assert len(steps) == 1
    plot = style.REPORT_WIDTH - fig.layout.margin.l - fig.layout.margin.r
    assert max(text_width(t, style.BASE_FONT_SIZE) for t in ax.ticktext) < plot / (len(ax.tickvals) - 1)


def test_category_labels_wrap_but_data_keep_full_names(bundled):
    fig = charts.ranked_bar(long_label_rows(bundled), "fr", catalog=generated_sources())
    name = "Europe centrale et du Sud-Est (hors UE) et CEI"
    assert name in fig.data[0].y
    shown = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext))
    assert "<br>" in shown[name] and shown[name].replace("<br>", " ") == name


def test_text_width_and_wrap():
    from traffickstats.charts.textfit import text_width, wrap_px

    assert text_width("WWW", 18) > text_width("iii", 18) > 0
    assert text_width("<b>abc</b>", 18, bold=True) == text_width("abc", 18, bold=True)
    assert text_width("a<br>abcdef", 18) == text_width("abcdef", 18)
    lines = wrap_px("Source : " + "x" * 300 + " fin", 200, 14)  # an unbreakable URL-like word
    assert all(text_width(li, 14) <= 200 for li in lines) and lines[-1].endswith("fin")
    assert "".join(lines).replace("Source :", "") == "x" * 300 + "fin"


def test_wrap_keeps_a_number_with_its_unit():
    """A French figure's no-break spaces ("20,9\u00a0millions", "1\u202f100") are not places
    to break a line, and they stay no-break spaces in the lines."""
    from traffickstats.charts.textfit import text_width, wrap_px

    text = "Victimes estimées : 20,9\u00a0millions dont 1\u202f100 enfants en 2012"
    narrow = text_width("20,9\u00a0millions", 20) + 5
    lines = wrap_px(text, narrow, 20)
    assert "20,9\u00a0millions" in lines and "1\u202f100" in " ".join(lines)
    assert all(text_width(li, 20) <= narrow for li in lines)
    assert " ".join(lines) == text
    # markup and entities take the other path: the same lines for the same drawn text
    assert wrap_px("R&amp;D " + text, narrow, 20)[1:] == lines


_BOXES_JS = r"""
([divId, footIndex]) => {
  const div = document.getElementById(divId);
  const svg = div.querySelector('.main-svg').getBoundingClientRect();
  const rel = (e, kind) => { const r = e.getBoundingClientRect();
    return {kind, text: e.textContent, x0: r.left - svg.left, y0: r.top - svg.top,
            x1: r.right - svg.left, y1: r.bottom - svg.top}; };
  const all = (sel, kind) => Array.from(div.querySelectorAll(sel)).map(e => rel(e, kind))
                                  .filter(b => b.x1 - b.x0 > 0 && b.text.trim());
  const foot = div.querySelector(`.annotation[data-index="${footIndex}"] .annotation-text-g`);
  return {w: svg.width, h: svg.height, lines: div.querySelectorAll('.gtitle .line').length,
          boxes: [...all('.gtitle', 'title'), rel(foot, 'footnote'), ...all('.xtick text', 'xtick'),
                  ...all('.ytick text', 'ytick'), ...all('.xtitle', 'xtitle'), ...all('.ytitle', 'ytitle'),
                  ...all('.legend', 'legend')]};
}
"""


def _overlaps(boxes):
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["kind"] == b["kind"] and a["kind"] in ("ytick", "xtick"):
                if a["kind"] == "ytick":
                    continue  # stacked category labels: their boxes include line spacing
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if dx > 1 and dy > 1:
                out.append((a["kind"], a["text"][:30], b["kind"], b["text"][:30]))
    return out


@pytest.mark.browser
def test_layout_boxes_do_not_overlap_in_chromium(bundled, chromium, tmp_path):
    """Long two-line title, long category labels, three-citation footnote and a money axis, in
    fr and ar, drawn by plotly.js in Chromium at the report width (the HTML block in a 960 px
    body column: an 880 px figure) and at the slide size (1920x1080, as static export lays it
    out): title, footnote, tick labels and axis titles lie inside the SVG and never on top of
    one another, and the footnote starts at the figure's edge."""
    from playwright.sync_api import sync_playwright

    from traffickstats.charts.bidi import bidi_isolate
    from traffickstats.reports import assets

    cases = []
    for lang in ("fr", "ar"):
        cases.append((f"bars-{lang}", charts.ranked_bar(long_label_rows(bundled), lang, title=LONG_TITLE[lang],
                                                        catalog=generated_sources())))
        cases.append((f"money-{lang}", charts.ranked_bar(money_rows(), lang, title=LONG_TITLE[lang],
                                                         catalog=generated_source())))
    blocks, slides = [], []
    for key, fig in cases:
        # the report column: briefing.css body max-width 60rem, the <figure> indented 40 px each side
        blocks.append(f'<div style="width:960px" id="wrap-{key}">{charts.html_block(fig)}</div>')
        spec = fig.to_dict()
        spec["layout"].update(width=1920, height=1080)
        spec = bidi_isolate(spec) if key.endswith("ar") else spec
        slides.append(f'<div id="slide-{key}"></div><script>Plotly.newPlot("slide-{key}", '
                      f'{json.dumps(spec["data"])}, {json.dumps(spec["layout"])}, {{"staticPlot": true}});</script>')
    page = tmp_path / "layout.html"
    page.write_text("<!doctype html><html><head><meta charset='utf-8'><script>"
                    f"{assets.plotly_js_source().read_text(encoding='utf-8')}</script></head><body>"
                    f"{''.join(blocks)}{''.join(slides)}</body></html>", encoding="utf-8")
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 2000, "height": 1200})
        pg.goto(page.as_uri())
        pg.wait_for_function(f"document.querySelectorAll('.main-svg .gtitle').length >= {2 * len(cases)}",
                             timeout=20000)
        for key, fig in cases:
            foot = next(i for i, a in enumerate(fig.layout.annotations) if a.name == "ts-footnote")
            div_id = pg.eval_on_selector(f"#wrap-{key} .plotly-graph-div", "e => e.id")
            results[f"report-{key}"] = pg.evaluate(_BOXES_JS, [div_id, foot])
            results[f"slide-{key}"] = pg.evaluate(_BOXES_JS, [f"slide-{key}", foot])
        browser.close()
    for case, r in results.items():
        assert r["lines"] == 2, (case, "the long title should draw on two lines")
        kinds = {b["kind"] for b in r["boxes"]}
        assert {"title", "footnote", "xtick", "ytick", "xtitle"} <= kinds, (case, kinds)
        for b in r["boxes"]:
            inside = b["x0"] >= -0.5 and b["y0"] >= -0.5 and b["x1"] <= r["w"] + 0.5 and b["y1"] <= r["h"] + 0.5
            assert inside, (case, b["kind"], b["text"][:40], [round(b[k]) for k in ("x0", "y0", "x1", "y1")],
                            (r["w"], r["h"]))
        assert not _overlaps(r["boxes"]), (case, _overlaps(r["boxes"]))
        foot = next(b for b in r["boxes"] if b["kind"] == "footnote")
        edge = r["w"] - foot["x1"] if case.endswith("ar") else foot["x0"]
        assert edge < style.EDGE + 8, (case, "footnote should start at the figure's edge", edge)


def test_time_series_with_a_cell_hidden_by_disclosure_control():
    """A year hidden to protect another cell has an open upper bound (infinity): the series
    still draws, its axis stays finite, and the hidden year reads "masqué", never a number."""
    obs = generated_counts([120, 3, 40, 55, 60, 70, 80, 90, 100]).iloc[:4].copy()  # GENERATED
    obs["geo"] = "TUN"
    obs["period_start"] = obs["period_end"] = pd.array([2017, 2018, 2019, 2020], dtype="Int64")
    obs.loc[1, ["value", "lower", "upper", "censored", "note"]] = [float("nan"), 5.0, float("inf"), True,
                                                                  "suppressed to protect another cell"]
    fig = charts.time_series(obs, "fr", catalog=generated_source())
    ticks = list(fig.layout.yaxis.tickvals)
    assert ticks and all(np.isfinite(ticks)) and max(ticks) >= 120
    assert "masqué" in meta(fig)["csv"] or "masqué" in str(meta(fig)["table"])
