"""Small-count protection on every display path: charts (labels, hover, table, CSV, drawn
values), flow charts and tables, page tables, the headline card, the briefings themselves, and
the search that the slow tier runs over a whole pack (tests/published_counts.py).

Rows built here are GENERATED (made-up values, source "generated_protection_test"), except
GLOTIP-DZA-01, the bundled UNODC figure "1" for Algeria that the rule must hide.
"""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from generated import generated_source  # GENERATED source record
from inprocess import run
from published_counts import (bare_small_count, leaks_in_csv, leaks_in_figure, leaks_in_html,
                              leaks_in_table, leaks_in_text)

from traffickstats import charts
from traffickstats.briefing import page
from traffickstats.charts.labels import value_label
from traffickstats.disclosure import display_value, protect, small_count
from traffickstats.flows import corridor_table, flow_map, from_observations, protect_flows, sankey
from traffickstats.reference import observations
from traffickstats.schema import conform

GEN = "generated_protection_test"
CAT = generated_source(GEN)


def count(geo, value, **kw):
    """GENERATED: a detected-victims count of 2021 (made-up value)."""
    row = dict(indicator="trafficking_victims_detected", measure="detected_count", geo=geo, geo_scheme="iso3",
               period_start=2021, period_end=2021, period_kind="annual", sex="total", age="total", form="total",
               value=float(value), unit="persons", evidence="primary", source_id=GEN)
    row.update(kw)
    return row


def frame(*rows):
    return conform(pd.DataFrame(list(rows)))


def meta(fig):
    return fig.layout.meta["traffickstats"]


# --- the detector finds what it must, and only that ---------------------------------------

def test_the_detector_finds_small_counts_and_ignores_years_rates_and_ranks():
    assert bare_small_count("3") and bare_small_count("environ 3") and bare_small_count("at least 2")
    assert bare_small_count("\u2067حوالي 4\u2069")
    for fine in ("5", "moins de 5", "fewer than 5", "12", "3 %", "2,5", "1 000", "2021", "—"):
        assert not bare_small_count(fine), fine
    assert leaks_in_text("adultes 2014 1 personnes source primaire")
    assert leaks_in_text("مصدر أشخاص 1 2014")
    assert leaks_in_text("Trafficking in Persons 2016 detected victims of 2014 3 persons primary")
    assert not leaks_in_text("4 pour 1 000 habitants ; Tier 2 Watch List ; 1 000 personnes ; 2014 5 persons")
    assert leaks_in_table(["Pays", "Valeur", "Unité"], [["Algérie", "1", "personnes"]])
    assert not leaks_in_table(["Région", "Valeur", "Unité"], [["Afrique", "4", "pour 1 000 habitants"]])
    assert not leaks_in_table(["Rang", "Origine", "Victimes détectées"], [["1", "Nigéria", "12"]])
    csv = "indicator,measure,value,censored,note\nx,detected_count,3,False,\nx,detected_count,,True,\n"
    assert len(leaks_in_csv(csv)) == 1
    assert leaks_in_csv("indicator,measure,value,censored,note\nx,case_count,52,False,3 in the previous year\n")
    assert not leaks_in_csv("indicator,measure,value,censored,note\nx,rate,3,False,\n")
    html = ('<table><thead><tr><th>Indicateur</th><th>Valeur</th></tr></thead><tbody><tr><td>v</td>'
            '<td class="ts-num">2</td></tr></tbody></table>')
    assert leaks_in_html(html)


def test_an_unprotected_figure_is_caught_in_every_part():
    """A figure built by hand around the chart functions (GENERATED values) leaks everywhere."""
    fig = {"data": [{"type": "bar", "orientation": "h", "x": [3, 40], "text": ["3", "40"],
                     "hovertext": ["Algérie: 3", "Tunisie: 40"]}],
           "layout": {"annotations": [{"text": "3"}], "meta": {"traffickstats": {
               "kind": "ranked_bar", "title": "t",
               "csv": "indicator,measure,value,censored\nx,detected_count,3,False\nx,detected_count,40,False\n",
               "table": {"columns": ["Géographie", "Valeur"], "rows": [["Algérie", "3"], ["Tunisie", "40"]]}}}}}
    found = " ".join(leaks_in_figure(fig))
    for part in ("CSV row", "table row", "annotation", "bar text", "bar hovertext", "bar drawn at 3"):
        assert part in found, part


# --- the rule itself ------------------------------------------------------------------------

def test_the_bundled_one_for_algeria_is_never_written_as_1():
    dza = observations(fact="GLOTIP-DZA-01")
    raw = dza[dza["value"] == 1].iloc[0]
    assert small_count(raw)
    assert display_value(raw, "fr") == "moins de 5" and value_label(raw, "en") == "fewer than 5"
    assert display_value(raw, "ar") == "أقل من 5"  # even a row selected around protect()
    hidden = protect(dza)
    row = hidden[hidden["sex"] == "female"].iloc[0]
    assert math.isnan(row["value"]) and row["note"] == "suppressed (<5)"  # "one adult woman" is gone


def test_a_small_count_qualified_at_least_is_hidden_not_called_fewer_than_5():
    out = protect(frame(count("TUN", 3, qualifier="at_least"), count("MAR", 40)))
    tun = out.set_index("geo").loc["TUN"]
    assert tun["censored"] and tun["upper"] == math.inf and pd.isna(tun["qualifier"])
    assert display_value(tun, "fr").startswith("masqué")  # "au moins 3" may be 300


def test_protect_twice_changes_nothing():
    obs = frame(count("TUN", 2, sex="female"), count("TUN", 30, sex="male"), count("TUN", 32))
    once = protect(obs)
    pd.testing.assert_frame_equal(protect(once), once)


# --- charts protect their rows themselves -------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_every_chart_kind_protects_without_the_caller_calling_protect(lang):
    obs = frame(count("TUN", 3), count("MAR", 40), count("DZA", 12), count("LBN", 0))
    figs = [charts.ranked_bar(obs, lang=lang, catalog=CAT), charts.choropleth(obs, lang=lang, catalog=CAT),
            charts.headline(obs[obs["geo"] == "TUN"], lang=lang, catalog=CAT),
            charts.time_series(frame(count("TUN", 3), count("TUN", 40, period_start=2022, period_end=2022)),
                               lang=lang, catalog=CAT),
            charts.side_by_side(obs, lang=lang, catalog=CAT)]
    for fig in figs:
        spec = fig.to_plotly_json()
        assert leaks_in_figure(spec) == [], meta(fig)["kind"]
        rows = pd.read_csv(io.StringIO(meta(fig)["csv"]))
        tun = rows[(rows["geo"] == "TUN") & (rows["period_start"] == 2021)]
        assert tun["value"].isna().all() and tun["censored"].all()
    bar = charts.ranked_bar(obs, lang=lang, catalog=CAT)
    assert "3" not in [str(v) for v in bar.data[0].x]
    assert any(t.startswith({"fr": "moins de 5", "en": "fewer than 5", "ar": "أقل من 5"}[lang])
               for t in bar.data[1].text)


def test_a_range_the_source_published_and_a_count_hidden_here_are_named_differently():
    published = frame(count("TUN", 40), dict(count("MAR", 0), value=float("nan"), censored=True, lower=1.0,
                                             upper=4.0))
    fig = charts.ranked_bar(published, lang="en", catalog=CAT)
    assert fig.data[1].name == "published range"
    assert "Values published only as a range" in " ".join(meta(fig)["notes"])
    ours = charts.ranked_bar(frame(count("TUN", 40), count("MAR", 2)), lang="en", catalog=CAT)
    assert ours.data[1].name == "hidden or range (small-count protection)"
    notes = " ".join(meta(ours)["notes"])
    assert "suppressed" in notes and "published only as a range" not in notes


# --- flows ----------------------------------------------------------------------------------

def _flows(cells):
    """GENERATED flows into Italy and Spain of 2020: (destination, citizenship, value)."""
    obs = frame(*[count(d, v, citizenship=c, period_start=2020, period_end=2020) for d, c, v in cells])
    return from_observations(obs)


def test_flow_charts_and_tables_hide_a_flow_of_3():
    f = _flows([("ITA", "NGA", 3), ("ITA", "TUN", 120), ("ESP", "MAR", 45), ("ESP", "NGA", 8)])
    assert protect_flows(f)["censored"].sum() == 1
    for fig, said in ((sankey(f, "fr", scheme="unodc", catalog=CAT), "entre 9 et 12"),  # (1 to 4) + 8
                      (flow_map(f, "fr", catalog=CAT), "moins de 5")):
        assert leaks_in_figure(fig.to_plotly_json()) == []
        assert said in str(fig.to_plotly_json()["data"])
    table = corridor_table(f, "en", catalog=CAT)
    assert leaks_in_html(table) == [] and "fewer than 5" in table


def test_a_flow_csv_carries_qualifier_and_base_columns():
    f = _flows([("ITA", "NGA", 30), ("ITA", "TUN", 120)])
    f.loc[0, "qualifier"] = "approximately"  # GENERATED: "about 30"
    fig = sankey(f, "fr", scheme="unodc", catalog=CAT)
    csv = pd.read_csv(io.StringIO(meta(fig)["csv"]))
    assert {"qualifier", "base"} <= set(csv.columns)
    assert "environ" in str(fig.to_plotly_json()["data"][0]["link"]["customdata"])  # about 30 + 120: about 150


# --- page tables ------------------------------------------------------------------------------

def test_page_observations_protect_their_rows(monkeypatch):
    shown = []
    monkeypatch.setattr(page, "show_html", lambda markup, **kw: shown.append(markup))
    page.observations(frame(count("TUN", 2), count("MAR", 40)), "fr", catalog=CAT)
    assert leaks_in_html(shown[0]) == [] and "moins de 5" in shown[0]


# --- the briefings, in process, in three languages --------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_algeria_and_mediterranean_briefs_publish_no_count_below_5(lang):
    for name, params in (("country_brief", {"country": "DZA"}), ("mediterranean_brief", {})):
        shown = run(name, lang=lang, **params)
        assert leaks_in_html(shown.html, name) == []
        for fig in shown.figures:
            assert leaks_in_figure(fig, name) == []
    assert {"fr": "moins de 5", "en": "fewer than 5", "ar": "أقل من 5"}[lang] in shown.html
