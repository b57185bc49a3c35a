"""Published national counts: each country's victims, cases and justice figures as bundled
(cases, victims and notifications kept apart, each with its source), and the Eurostat EU
totals. The table helper also serves the CTDC records section.
"""

from __future__ import annotations

import pandas as pd

from ...disclosure import display_value
from .. import briefing as b
from .brief import Brief, default_places, facts

#: Measures that count persons or cases (what "national figures" tables list).
COUNT_MEASURES = ("detected_count", "registered_count", "case_count", "justice_count")

#: Order of indicators in national tables: victims first, then cases, then the justice chain.
INDICATOR_ORDER = ("trafficking_victims_detected", "victims_registered", "trafficking_cases",
                   "trafficking_notifications", "trafficking_complaints", "iom_victims_assisted",
                   "persons_suspected", "persons_prosecuted", "persons_convicted")

#: Series drawn as a line for a country: (fact id, title key).
SERIES = {"TUN": ("TUN-01", "nat.TUN.series_title"), "MAR": ("MAR-02", "nat.MAR.series_title"),
          "LBN": ("LBN-01", "nat.LBN.series_title")}


def national_rows(brief: Brief, iso3: str) -> pd.DataFrame:
    """Bundled counts for one country, as published: the totals, or (when a country has no
    total) its published breakdowns; victims first, then cases, then the justice chain."""
    rows = b.select(brief.bundled, geo=iso3, geo_scheme="iso3", measure=list(COUNT_MEASURES))
    rows = rows[rows["citizenship"].isna()]
    if len(b.totals(rows)):
        rows = b.totals(rows)
    rank = {ind: i for i, ind in enumerate(INDICATOR_ORDER)}
    return rows.assign(_r=rows["indicator"].map(rank).fillna(len(rank))).sort_values(
        ["_r", "indicator", "year_start", "year_end"], kind="stable").drop(columns="_r")


def national_table(brief: Brief, rows: pd.DataFrame) -> None:
    """Rows as a table: indicator, period, value (protected wording), unit, evidence, source."""
    from ...charts._base import series_label

    out = []
    for _i, r in rows.iterrows():
        out.append([series_label(r, brief.lang), b.period_text(r, brief.lang),
                    display_value(r, brief.lang), b.label("unit", r["unit"], brief.lang),
                    brief.t(f"evidence.{r['evidence']}"), brief.cite(r["source_id"])])
    b.rows_table([brief.t(k) for k in ("col.indicator", "col.period", "col.value", "col.unit",
                                       "col.evidence", "col.source")], out, numeric=(2,))
    brief.keep(rows)


def national_figures(brief: Brief, places=None, *, cards: bool = False) -> None:
    """Each country's published counts with sources (cases, victims, notifications kept apart)."""
    places = list(places or default_places(brief))
    b.section(brief.t("section.national"), brief.t("nat.lead"))
    for iso3 in places:
        if len(places) > 1:
            b.subsection(brief.name(iso3))
        rows = national_rows(brief, iso3)
        if rows.empty:
            b.gap(brief.t("gap.unverified", what=brief.t("what.national_counts", country=brief.name(iso3))))
            continue
        if b.has_text(f"nat.{iso3}.caveat", brief.lang):
            b.paragraph(brief.t(f"nat.{iso3}.caveat"))
        if cards:
            for ind, measure in (("trafficking_victims_detected", "detected_count"),
                                 ("trafficking_cases", "case_count")):
                one = b.latest(b.select(rows, indicator=ind, measure=measure, period_kind="annual"))
                brief.chart("headline", one.head(1))
        if iso3 in SERIES:
            fid, title = SERIES[iso3]
            series = facts(rows, fid)
            if series["year_start"].nunique() >= 3:
                brief.chart("time_series", series, title=brief.t(title, country=brief.name(iso3)))
        national_table(brief, rows)


def eu_figures(brief: Brief) -> None:
    """Eurostat EU totals: registered victims and the criminal-justice counts."""
    b.section(brief.t("med.eu.heading"), brief.t("med.eu.lead"))
    eu = b.totals(b.select(brief.bundled, geo="EU27", geo_scheme="eu"))
    eu = eu[eu["citizenship"].isna()]
    victims = b.select(eu, indicator="victims_registered", measure="registered_count", period_kind="annual")
    victims = b.latest(victims, by=("year_start",)).sort_values("year_start")
    if not brief.chart("time_series", victims, title=brief.t("med.eu.victims_title")):
        b.gap(brief.t("gap.unverified", what=brief.t("med.eu.victims_title")))
    justice = b.select(eu, measure="justice_count")
    if len(justice):
        national_table(brief, justice.sort_values(["indicator", "year_start"]))
    b.note(brief.t("pitfall.shares"))
