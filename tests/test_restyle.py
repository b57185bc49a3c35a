"""Charts laid out again for a slide, a deck picture, the print dossier and a thumbnail
(``charts.restyle``), checked on the figures themselves (no browser: the exported SVGs are
checked in test_slides_browser.py).

Charts are built from bundled, published rows picked by fact id; the map uses GENERATED
counts (``generated.py``) because no bundled count exists for each participant, and the Sankey
and flow map GENERATED flows (``test_flows._generated``).
"""

from __future__ import annotations

import html
import re

import plotly.graph_objects as go
import pytest
from generated import generated_counts, generated_source  # GENERATED inputs

from traffickstats import charts
from traffickstats.charts import layout
from traffickstats.charts.restyle import for_print, for_slide, for_thumbnail
from traffickstats.charts.style import PRINT, SLIDE
from traffickstats.reference import observations

LANGS = ("fr", "en", "ar")


def facts(*ids, **eq):
    obs = observations(fact=list(ids))
    for col, v in eq.items():
        obs = obs[obs[col] == v]
    assert len(obs), ids
    return obs


def generated_flows():
    """GENERATED citizenship -> country-of-detection counts (one "<5" cell), as in test_flows."""
    from test_flows import _generated

    from traffickstats.flows import from_observations

    return from_observations(_generated([("TUN", "CIV", "100"), ("TUN", "MAR", "<5"), ("ITA", "TUN", "40"),
                                         ("FRA", "MAR", "60"), ("ESP", "MAR", "80"), ("FRA", "DZA", "30"),
                                         ("ITA", "EGY", "25")]))


def chart_set(lang: str) -> dict[str, go.Figure]:
    from traffickstats.flows import flow_map, sankey

    flows, cite = generated_flows(), generated_source("generated")
    return {
        "sankey": sankey(flows, lang, catalog=cite),
        "flow_map": flow_map(flows, lang, catalog=cite),
        "headline": charts.headline(facts("ILO12-01"), lang),
        "qualified": charts.headline(facts("GLOTIP09-01"), lang),  # "at least 22,000"
        "regions": charts.ranked_bar(facts(*[f"ILO12-{i}" for i in range(20, 26)]), lang),
        "shares": charts.stacked_shares(facts("ILO12-10", "ILO12-11", "ILO12-12", measure="share"), lang),
        "series": charts.time_series(facts("TUN-01"), lang),
        "compare": charts.side_by_side(facts("ILO12-01", "TUN-05"), lang),
        "map": charts.choropleth(generated_counts(source_id="generated_restyle_test"), lang,
                                 catalog=generated_source("generated_restyle_test")),
    }


@pytest.fixture(scope="module", params=LANGS)
def figures(request):
    return request.param, chart_set(request.param)


def texts(fig: go.Figure) -> list[tuple[str, float]]:
    """(where, font size) of every text the figure draws, the footnote and title apart."""
    lay = fig.layout
    out = [("font", lay.font.size), ("legend", lay.legend.font.size)]
    for name in [k for k in lay.to_plotly_json() if re.fullmatch(r"[xy]axis\d*", k)]:
        ax = lay[name]
        if ax.visible is not False:
            out += [(f"{name}.ticks", ax.tickfont.size)]
            if ax.title.text:
                out += [(f"{name}.title", ax.title.font.size)]
    for i, t in enumerate(fig.data):
        if "textfont" in t and (getattr(t, "text", None) is not None):
            out.append((f"trace{i}.text", t.textfont.size))
        if "colorbar" in t and t.showscale is not False and t.type == "choropleth":
            out.append((f"trace{i}.colorbar", t.colorbar.tickfont.size))
    for a in lay.annotations:
        if a.name != layout.FOOTNOTE_NAME and a.text:
            out.append((f"annotation {a.text[:30]!r}", a.font.size))
    return out


def footnote(fig: go.Figure):
    return next((a for a in fig.layout.annotations if a.name == layout.FOOTNOTE_NAME), None)


def words(text: str) -> list[str]:
    """The words drawn, bidi isolates (layout marks, closed and reopened at line breaks) aside."""
    return re.sub("[\u2066-\u2069]", "", html.unescape(re.sub(r"<br>", " ", text))).split()


def test_slide_sizes_meet_the_projection_rules(figures):
    lang, figs = figures
    for name, fig in figs.items():
        s = for_slide(fig)
        assert (s.layout.width, s.layout.height) == (1920, 1080), name
        assert s.layout.title.font.size >= 40, name
        small = [(w, size) for w, size in texts(s) if size is not None and size < 24]
        assert small == [], (lang, name, small)
        note = footnote(s)
        assert note is not None and note.font.size >= 20, name


def test_slide_footnote_is_whole_and_anchored_on_the_reading_side(figures):
    lang, figs = figures
    for name, fig in figs.items():
        m = charts.meta(fig)
        s = for_slide(fig)
        note = footnote(s)
        assert words(note.text) == words(" ".join([m["footnote"], *m["notes"]])), (lang, name)
        assert (note.xanchor == "right") is (lang == "ar"), name
        if lang == "ar":
            assert s.layout.title.x == 1 and s.layout.title.xanchor == "right", name


def test_slide_title_states_the_finding_over_the_chart_title(figures):
    lang, figs = figures
    top = for_slide(figs["regions"])
    finding = charts.meta(figs["regions"])["finding"]
    assert finding and finding.split()[0] in top.layout.title.text  # "Asie-Pacifique en tête : ..."
    assert html.escape(charts.meta(figs["regions"])["title"].split()[0]) in top.layout.title.text
    latest = charts.meta(figs["series"])["finding"]
    assert latest and "2021" in latest  # the latest figure of the one line, not a trend
    assert charts.meta(figs["compare"])["finding"] is None  # different measures: no "finding"


def test_slide_plot_takes_the_room_the_text_leaves(figures):
    lang, figs = figures
    for name, fig in figs.items():
        if name in ("headline", "qualified"):
            continue
        s = for_slide(fig)
        m = s.layout.margin
        assert 1080 - m.t - m.b >= 0.4 * 1080, (lang, name, m.t, m.b)


def test_headline_slide_fills_the_slide_with_number_qualifier_and_context(figures):
    lang, figs = figures
    s = for_slide(figs["qualified"])
    card = charts.meta(figs["qualified"])["headline"]
    anns = [a for a in s.layout.annotations if a.name != layout.FOOTNOTE_NAME]
    value = [a for a in anns if a.text.startswith("<b>")]
    # the qualifier on its own line above the figure, both large
    qualifier = {"fr": "au moins", "en": "at least", "ar": "ما لا يقل عن"}[lang]
    assert [html.unescape(re.sub("<[^>]+>", "", a.text)) for a in value] == [qualifier, card["value"][len(qualifier):].strip()]
    assert min(a.font.size for a in value) >= 150
    # the stack is spread over the slide: the last line ends in the lower half of the plot area
    plot_h = 1080 - s.layout.margin.t - s.layout.margin.b
    last = anns[-1]
    assert -last.yshift + last.font.size > plot_h / 2
    assert any(card["context"][0] in html.unescape(a.text) for a in anns[1:])


def test_restyle_never_changes_the_data(figures):
    _lang, figs = figures
    for name, fig in figs.items():
        for restyled in (for_slide(fig), for_print(fig), for_thumbnail(fig)):
            for before, after in zip(fig.data, restyled.data):
                for attr in ("x", "y", "z", "base", "locations", "hovertext"):
                    if attr in before:
                        assert getattr(before, attr) == getattr(after, attr), (name, attr)
            assert charts.meta(restyled)["csv"] == charts.meta(fig)["csv"]


def test_slide_bands_hold_the_title_and_the_footnote_and_nothing_else(figures):
    """A deck crops the slide picture to what lies between its bands: the title block above,
    the footnote below; the plot and its axes, legend and labels lie between them."""
    _lang, figs = figures
    for name, fig in figs.items():
        s = for_slide(fig)
        bands, margin, height = charts.meta(s)["bands"], s.layout.margin, s.layout.height
        assert bands["top"] > 0 and bands["bottom"] > 0, name
        assert bands["top"] + bands["bottom"] < 0.5 * height, name  # the chart keeps most of the slide
        assert margin.t >= bands["top"] and margin.b >= bands["bottom"], name  # the plot area between
        foot = footnote(s)
        assert foot.yanchor == "top" and foot.y == 0  # hung below the plot, axis_space under it
        assert height - margin.b - foot.yshift >= height - bands["bottom"] - 1, name
        assert charts.meta(for_slide(fig, title=False, footnote=False))["bands"] == {"top": 0, "bottom": 0}
        assert "bands" not in charts.meta(for_print(fig))  # a page of no fixed height


def test_print_chart_fits_the_a4_text_column_with_title_and_footnote(figures):
    _lang, figs = figures
    for name, fig in figs.items():
        p = for_print(fig)
        assert p.layout.width == PRINT.width, name
        lines = layout.title_lines(charts.meta(fig)["title"], PRINT)
        assert len(re.findall("<b>", p.layout.title.text)) == len(lines), name
        assert words(footnote(p).text) == words(" ".join([charts.meta(fig)["footnote"], *charts.meta(fig)["notes"]]))
        assert min(size for _w, size in texts(p) if size) >= PRINT.least, name


def test_a_plain_plotly_figure_is_only_resized():
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    s = for_slide(fig)
    assert (s.layout.width, s.layout.height) == (SLIDE.width, SLIDE.height) and s.data[0].y == (3, 4)


def test_a_chart_read_from_a_notebook_restyles_as_the_figure_does(figures):
    """A pack's worker restyles the JSON of a chart as an executed notebook holds it (nbformat's
    NotebookNode, which copies any dict set into it): the same slide, deck picture and print
    chart as from the go.Figure the chart function returned."""
    import json

    import nbformat

    _lang, figs = figures
    for name, fig in figs.items():
        node = nbformat.from_dict({"fig": json.loads(fig.to_json())})["fig"]
        for medium in (for_slide, for_print, for_thumbnail):
            from_node, from_fig = json.loads(medium(node).to_json()), json.loads(medium(fig).to_json())
            assert from_node == from_fig, (name, medium.__name__)
            assert from_node["layout"]["font"]["size"] >= 10, (name, medium.__name__)


def test_restyled_json_is_the_restyled_figure_with_its_template_carried_over(figures):
    import json

    from traffickstats.charts.restyle import PRINT, SLIDE, restyled_json

    _lang, figs = figures
    for name, fig in figs.items():
        for t, medium in ((SLIDE, for_slide), (PRINT, for_print)):
            got = restyled_json(fig, t)
            assert got["layout"]["template"] == fig.to_dict()["layout"]["template"], name
            assert json.dumps(got, sort_keys=True, default=str) == json.dumps(
                medium(fig).to_dict(), sort_keys=True, default=str), (name, t.name)
