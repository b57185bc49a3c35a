"""What makes a number true reaches every display path, in fr, en and ar: its qualifier
("environ 1 100"), a partial period as such, the base of a share (translated, or visibly in
English), "computed here" for computed figures, "by rule" for unverified region memberships,
one figure published under two labels shown once, and the headline choice of a brief.

Real figures come from the bundled data (TUN-09 "1100 victimes environ", TUN-10 shares of
foreign victims, GLOTIP-EGY-01 January-July 2017, MAR-07, LBN-01); rows built here are
GENERATED (made-up values, source "generated_truth_test").
"""

from __future__ import annotations

import functools
import io
import re

import pandas as pd
import pytest
from generated import generated_source  # GENERATED source record
from inprocess import run, visible

from traffickstats import bases, charts, guard
from traffickstats.briefing import Report, blocks, page
from traffickstats.briefing.select import comparable, headline, headlines
from traffickstats.charts.labels import base_label, hover_lines, period_label, value_label
from traffickstats.flows import published_flows
from traffickstats.i18n import _
from traffickstats.reference import observations
from traffickstats.schema import conform

GEN = "generated_truth_test"
CAT = generated_source(GEN)
LANGS = ("fr", "en", "ar")


def meta(fig):
    return fig.layout.meta["traffickstats"]


@functools.cache
def brief(country: str, lang: str):
    """The country brief run in process once per country and language for this module."""
    return run("country_brief", lang=lang, country=country)


def count(value, year=2021, **kw):
    """GENERATED: a national detected-victims count of Tunisia (made-up value)."""
    row = dict(indicator="trafficking_victims_detected", measure="detected_count", geo="TUN", geo_scheme="iso3",
               period_start=year, period_end=year, period_kind="annual", sex="total", age="total", form="total",
               value=float(value), unit="persons", evidence="primary", source_id=GEN)
    row.update(kw)
    return row


# --- bases: the translation table ------------------------------------------------------------

def _numbers(text: str, lang: str) -> list[str]:
    """The numbers of a text, separators removed, decimal marks as '.' (fr writes 20,9 and 1 100)."""
    if lang == "fr":
        text = re.sub(r"(?<=\d)[\u202f\u00a0 ](?=\d{3}\b)", "", text).replace(",", ".")
    else:
        text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return sorted(re.findall(r"\d+(?:\.\d+)?", text))


def test_every_bundled_base_is_translated_with_the_same_numbers():
    used = set(observations()["base"].dropna())
    table = bases.translations()
    assert used == set(table.index), "bases.csv must list exactly the bases the data use"
    for lang in ("fr", "ar"):
        assert bases.untranslated(used, lang) == []
        for en, text in table[lang].items():
            assert _numbers(text, lang) == _numbers(en, "en"), (lang, en, text)


def test_an_untranslated_base_shows_in_english_marked_never_dropped():
    base = "victims in a generated test base, 2099"  # GENERATED
    assert bases.translate(base, "fr") == f"{base} (en anglais)"
    assert bases.translate(base, "ar").startswith(base) and "بالإنجليزية" in bases.translate(base, "ar")
    assert bases.translate(base, "en") == base and bases.untranslated([base], "fr") == [base]
    row = pd.Series(count(30, measure="share", unit="percent", basis="detected_count", base=base))
    assert base in base_label(row, "fr")


# --- a share is shown with its base, everywhere -----------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_a_share_of_foreign_victims_is_never_shown_as_a_share_of_all(lang):
    row = observations(fact="TUN-10")
    row = row[row["base"].fillna("").str.startswith("foreign")]
    assert len(row) == 1
    base = bases.translate(row["base"].iloc[0], lang)
    card = charts.headline(row, lang=lang)
    lines = " ".join(a.text for a in card.layout.annotations)
    assert base.split(",")[0][:25] in lines  # on the card itself
    bar = charts.ranked_bar(observations(fact="TUN-10").query("measure == 'share' and indicator == "
                                                               "'trafficking_victims_detected'"), by="citizenship",
                            lang=lang)
    m = meta(bar)
    assert _("col.base", lang) in m["table"]["columns"] and base in [c for r in m["table"]["rows"] for c in r]
    assert any(base in n for n in m["notes"])  # under the chart
    assert any(base in h for t in bar.data for h in (t.hovertext or ()))  # in the hover box
    csv = pd.read_csv(io.StringIO(m["csv"]))
    assert {"qualifier", "base"} <= set(csv.columns) and csv["base"].notna().all()


def test_the_published_flow_shares_table_has_a_translated_base_column(monkeypatch):
    shown = []
    monkeypatch.setattr(page, "show_html", lambda markup, **kw: shown.append(markup))
    report = Report.open("test", lang="fr")
    try:
        blocks.published_flows_table(report, ["TUN"])
    finally:
        report.close()
    table = next(s for s in shown if "<table" in s)
    assert "Base (100 %)" in table.replace("\u202f", " ").replace("\u00a0", " ")
    assert "victimes étrangères détectées par l&#x27;INLTP en Tunisie" in table
    assert published_flows("fr")["base"].notna().all()


# --- qualifiers and partial periods ----------------------------------------------------------

@pytest.mark.parametrize("lang, about", [("fr", "environ 1\u202f100"), ("en", "about 1,100"), ("ar", "حوالي 1,100")])
def test_about_1100_stays_about_on_the_card_the_table_the_hover_and_the_alt_text(lang, about):
    row = observations(fact="TUN-09").query("measure == 'detected_count' and sex == 'total'")
    card = charts.headline(row, lang=lang)
    assert card.layout.annotations[0].text == about
    assert about in meta(card)["alt"] and meta(card)["table"]["rows"][0][3] == about
    series = charts.time_series(pd.concat([row, conform(pd.DataFrame([count(134, 2016, source_id=row["source_id"].iloc[0])]))]),
                                lang=lang)
    assert any(about in h for h in series.data[0].hovertext)
    csv = pd.read_csv(io.StringIO(meta(card)["csv"]))
    assert csv["qualifier"].tolist() == ["approximately"]


@pytest.mark.parametrize("lang, months", [("fr", "janv."), ("en", "Jan"), ("ar", "يناير")])
def test_a_january_to_july_count_is_never_labelled_as_the_year(lang, months):
    egy = observations(fact="GLOTIP-EGY-01").query("period_kind == 'part_year' and form == 'total'")
    assert len(egy) == 1
    label = period_label(egy.iloc[0], lang)
    assert months in label and label != "2017"
    card = charts.headline(egy, lang=lang)
    assert label in [a.text for a in card.layout.annotations]
    assert any(label in n for n in meta(card)["notes"])  # "part of the year only"
    series = charts.time_series(egy, lang=lang)
    assert list(series.layout.xaxis.ticktext) == [label]  # the axis does not say 2017
    assert label in series.data[0].hovertext[0]


def test_hover_lines_say_value_period_and_base():
    row = pd.Series(count(64, measure="share", unit="percent", basis="detected_count",
                          base="foreign victims detected by the INLTP in Tunisia, 2021", qualifier="more_than"))
    lines = hover_lines("Tunisie", row, "fr")
    assert lines[0].startswith("Tunisie") and "plus de 64" in lines[0]
    assert lines[1] == "2021" and "victimes étrangères" in lines[2]


# --- computed, not published -----------------------------------------------------------------

def test_a_computed_total_is_labelled_computed_never_a_published_range():
    parts = conform(pd.DataFrame([count(30, sex="female"), count(12, sex="male")]))
    total = guard.total(parts)
    fig = charts.ranked_bar(pd.concat([total.assign(geo="MAR"), conform(pd.DataFrame([count(50)]))]),
                            lang="fr", catalog=CAT)
    assert _("note.computed", "fr") in meta(fig)["notes"]
    plain = charts.ranked_bar(conform(pd.DataFrame([count(50)])), lang="fr", catalog=CAT)
    assert _("note.computed", "fr") not in meta(plain)["notes"]


def test_published_never_describes_a_range_we_made():
    for lang in LANGS:
        assert "publi" not in _("range_protected", lang).lower()
        assert "منشور" not in _("range_protected", lang)


# --- region memberships by rule ----------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_a_membership_set_by_rule_is_never_stated_as_fact_in_the_profile(lang):
    shown = brief("TUN", lang)
    page_text = visible(shown.html)
    by_rule = _("cb.profile.region_by_rule", lang, scheme="", region="").strip(" :")
    assert by_rule.split("(")[-1].rstrip(")") in page_text  # "par règle, non vérifié ..."
    if lang == "fr":
        fra = visible(run("country_brief", lang=lang, country="FRA").html)
        assert by_rule.split("(")[-1].rstrip(")") not in fra  # France's ILO 2012 region is facts.md's own


def test_a_sankey_names_the_countries_it_placed_by_rule():
    from traffickstats.flows import from_observations, sankey

    obs = conform(pd.DataFrame([count(40, geo="ITA", citizenship="TUN", period_start=2020, period_end=2020),
                                count(60, geo="ITA", citizenship="NGA", period_start=2020, period_end=2020)]))
    fig = sankey(from_observations(obs), "en", scheme="unodc", level="region", catalog=CAT)
    notes = " ".join(meta(fig)["notes"])
    assert "Tunisia" in notes and "by rule" in notes and "computed here" in notes


# --- one figure, two labels ---------------------------------------------------------------------

def test_inltp_1313_is_one_row_of_the_national_table_with_the_relabelling_said(monkeypatch):
    shown = []
    monkeypatch.setattr(page, "show_html", lambda markup, **kw: shown.append(markup))
    report = Report.open("test", lang="fr")
    try:
        blocks.national_table(report, blocks.national_rows(report, "TUN"))
    finally:
        report.close()
    html = "".join(shown)
    assert html.count("1\u202f313") == 2  # once in the table, once in the note that says it was relabelled
    assert "aussi été publié comme « affaires de traite » (TUN-01)" in html


# --- the headline choice -----------------------------------------------------------------------

def test_the_headline_is_the_latest_comparable_figure_not_the_latest_row():
    obs = conform(pd.DataFrame([
        count(120, 2020),
        count(60, 2021, evidence="secondary"), count(61, 2021),                  # primary wins within a year
        count(300, 2022, sex="female"),                                          # a breakdown
        count(40, 2023, period_start="2023-01", period_end="2023-07", period_kind="part_year"),
        count(34, 2023, indicator="potential_victims_al_haouz_earthquake"),      # a subset
        count(900, 2024, geo="MED", geo_scheme="mediterranean"),                 # not national
        count(80, 2023, note="Sum of 2 parts (sex: female, male) computed by traffickstats, not published."),
        count(500, 2019, period_start=2017, period_end=2019, period_kind="multi_year"),
    ]))
    pick = headline(obs, "trafficking_victims_detected", "detected_count")
    assert pick["value"].tolist() == [61.0] and pick["evidence"].tolist() == ["primary"]
    assert len(comparable(obs)) == 3
    assert headline(obs.iloc[3:], "trafficking_victims_detected").empty  # nothing comparable: no card


def test_briefs_headlines_on_the_bundled_data():
    report = Report.open("test", lang="fr")
    try:
        def cards(iso3):
            return headlines(blocks.national_rows(report, iso3), [("trafficking_victims_detected", "detected_count"),
                                                                   ("trafficking_cases", "case_count")])
        mar = cards("MAR")
        assert "MAR-07" not in [c["fact_id"].iloc[0] for c in mar]  # potential victims of one earthquake
        assert all(c["period_kind"].iloc[0] == "annual" for c in mar)
        assert cards("DZA") == []  # only a breakdown and a two-year figure: no headline, never "1"
        tun = cards("TUN")
        assert [c["fact_id"].iloc[0] for c in tun] == ["TUN-09"]  # 1,100 victims = 1,100 cases: one card
        assert tun[0]["qualifier"].iloc[0] == "approximately"
        assert tun[0]["also_published_as"].iloc[0] == [("trafficking_cases", "TUN-01")]
        lbn = cards("LBN")
        assert value_label(lbn[0].iloc[0], "fr") == "au moins 70"
    finally:
        report.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_country_brief_shows_its_headline_with_qualifier_period_and_relabelling(lang):
    shown = brief("TUN", lang)
    cards = [f for f in shown.figures if f["layout"]["meta"]["traffickstats"]["kind"] == "headline"]
    assert len(cards) == 1
    texts = [a["text"] for a in cards[0]["layout"]["annotations"]]
    assert texts[0] == {"fr": "environ 1\u202f100", "en": "about 1,100", "ar": "حوالي 1,100"}[lang]
    assert "2021" in texts
    assert "TUN-01" in " ".join(cards[0]["layout"]["meta"]["traffickstats"]["notes"])
    dza = brief("DZA", lang)
    assert "headline" not in dza.kinds()
    assert _("cb.headline.none", lang, country=dza.namespace["name"]) in visible(dza.html)
