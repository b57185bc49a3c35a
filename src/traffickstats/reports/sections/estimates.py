"""Global overview sections: the ILO 2012 "21 millions", the later ILO/Walk Free/IOM (GEMS)
estimates beside it, the ILO profit estimates, and detected victims beside the estimate.

Modelled estimates are labelled as estimates by the charts; each figure is a bundled row
picked by its facts.md id, shown as published.
"""

from __future__ import annotations

import pandas as pd

from ...disclosure import display_value
from .. import briefing as b
from .brief import Brief, facts


def ilo2012(brief: Brief) -> None:
    """The "21 millions": the ILO 2012 card and what it measures / does not measure."""
    b.section(brief.t("go.ilo2012.heading"), brief.t("go.ilo2012.lead"))
    card = facts(brief.bundled, "ILO12-01", measure="estimate_stock")
    if not brief.chart("headline", card, title=brief.t("go.ilo2012.card_title")):
        b.gap(brief.t("gap.unverified", what=brief.t("what.ilo2012")))
    b.bullets([brief.t(k) for k in ("go.ilo2012.measures", "go.ilo2012.period", "go.ilo2012.scope",
                                     "go.ilo2012.conservative", "go.ilo2012.rounding")])
    rate = facts(brief.bundled, "ILO12-02")
    if len(rate):
        b.paragraph(brief.t("go.ilo2012.rate", rate=display_value(rate.iloc[0], brief.lang)))
        brief.keep(rate)


def ilo2012_regions(brief: Brief) -> None:
    """ILO 2012 by region: count and prevalence per 1,000 (two charts)."""
    b.subsection(brief.t("go.regions.heading"))
    base = b.select(brief.bundled, indicator="forced_labour", geo_scheme="ilo2012", sex="total",
                    age="total", form="total")
    counts = b.select(base, measure="estimate_stock")
    rates = b.select(base, measure="rate")
    if not brief.chart("ranked_bar", counts, title=brief.t("go.regions.count_title")):
        b.gap(brief.t("gap.unverified", what=brief.t("what.ilo2012_regions")))
    if not brief.chart("ranked_bar", rates, title=brief.t("go.regions.rate_title")):
        b.gap(brief.t("gap.unverified", what=brief.t("what.ilo2012_rates")))
    b.note(brief.t("go.regions.scheme"))


def ilo2012_profile(brief: Brief) -> None:
    """ILO 2012 by form, by sex, by age and by movement (published shares of the 20.9 million)."""
    b.subsection(brief.t("go.profile.heading"))
    shares = b.select(brief.bundled, indicator="forced_labour", measure="share", geo="WLD",
                      year_start=2002, year_end=2011)
    views = [
        ("form", facts(shares, "ILO12-10", "ILO12-11", "ILO12-12"), "go.profile.form_title", "go.profile.form_note"),
        ("sex", facts(shares, "ILO12-05", "ILO12-06"), "go.profile.sex_title", None),
        ("age", facts(shares, "ILO12-07", "ILO12-08"), "go.profile.age_title", None),
        ("form", facts(shares, "ILO12-26", "ILO12-27"), "go.profile.moved_title", "go.profile.moved_note"),
    ]
    for by, rows, title, note in views:
        # the caveat goes under the chart as page text: inside the figure it is clipped where
        # long category labels push the plot area right
        if not brief.chart("stacked_shares", rows, by=by, title=brief.t(title)):
            b.gap(brief.t("gap.unverified", what=brief.t(title)))
        elif note:
            b.note(brief.t(note))


def later_estimates(brief: Brief) -> None:
    """ILO 2012, GEMS 2017 and GEMS 2022 side by side with their definitions (not a series)."""
    b.section(brief.t("go.later.heading"), brief.t("go.later.lead"))
    rows = []
    picks = [("pub.ilo2012", "ILO12-01"), ("pub.gems2017", "GEMS17-01"), ("pub.gems2017", "GEMS17-02"),
             ("pub.gems2017", "GEMS17-03"), ("pub.gems2022", "GEMS22-01"), ("pub.gems2022", "GEMS22-02"),
             ("pub.gems2022", "GEMS22-03")]
    shown = []
    for pub, fid in picks:
        r = facts(brief.bundled, fid, measure="estimate_stock", form="total", sex="total", age="total")
        if r.empty:
            continue
        row = r.iloc[0]
        shown.append(r.iloc[[0]])
        rows.append([brief.t(pub), b.label("indicator", row["indicator"], brief.lang),
                     brief.t(f"def.{row['indicator']}"),
                     b.period_text(row, brief.lang), display_value(row, brief.lang), brief.cite(row["source_id"])])
    cols = [brief.t(k) for k in ("col.publication", "col.indicator", "col.definition", "col.period",
                                 "col.value", "col.source")]
    if rows:
        b.rows_table(cols, rows)
        brief.keep(pd.concat(shown))
    change_ms = facts(brief.bundled, "GEMS22-06", measure="change")
    change_fl = facts(brief.bundled, "GEMS22-07", measure="change")
    items = [brief.t("go.later.definitions"), brief.t("go.later.periods")]
    if len(change_ms) and len(change_fl):
        fl_abs = change_fl[change_fl["unit"] == "persons"]
        fl_pct = change_fl[change_fl["unit"] == "percent"]
        if len(fl_abs) and len(fl_pct):
            items.append(brief.t("go.later.publisher_change",
                                 ms=display_value(change_ms.iloc[0], brief.lang),
                                 fl=display_value(fl_abs.iloc[0], brief.lang),
                                 pct=display_value(fl_pct.iloc[0], brief.lang)))
            brief.keep(pd.concat([change_ms, change_fl]))
    items.append(brief.t("go.later.not_series"))
    b.bullets(items)


def profits(brief: Brief) -> None:
    """ILO profits 2014 (US$150 bn) and 2024 (US$236 bn for 2021), and what is not sourced."""
    b.section(brief.t("go.profits.heading"), brief.t("go.profits.lead"))
    for fid in ("ILO14-01", "ILO24-01"):
        card = facts(brief.bundled, fid, measure="money_estimate", form="total")
        if not brief.chart("headline", card, title=brief.t(f"go.profits.card_{fid}")):
            b.gap(brief.t("gap.unverified", what=brief.t(f"go.profits.card_{fid}")))
    items = [brief.t("go.profits.measures")]
    change = facts(brief.bundled, "ILO24-02", measure="change", unit="usd")
    if len(change):
        items.append(brief.t("go.profits.change", change=display_value(change.iloc[0], brief.lang)))
        brief.keep(change)
    b.bullets(items)
    regions = b.select(brief.bundled, indicator="illegal_profits", measure="money_estimate",
                       geo_scheme="ilo5", year_start=2021, form="total")
    brief.chart("ranked_bar", regions, title=brief.t("go.profits.regions_title"))
    forms = facts(brief.bundled, "ILO14-03", "ILO14-05", "ILO14-06", "ILO14-07", measure="money_estimate")
    if brief.chart("ranked_bar", forms, by="form", title=brief.t("go.profits.forms_title")):
        b.note(brief.t("go.profits.forms_note"))
    b.gap(brief.t("gap.unverified", what=brief.t("what.profits2014_regions")))
    b.gap(brief.t("go.profits.third"))


def detected_vs_estimated(brief: Brief) -> None:
    """UNODC detected victims beside the ILO/GEMS estimate: a different measure, own axis."""
    b.section(brief.t("go.detected.heading"), brief.t("go.detected.lead"))
    pair = pd.concat([facts(brief.bundled, "GEMS22-02", measure="estimate_stock", form="total", sex="total"),
                      facts(brief.bundled, "GLOTIP24-01", measure="detected_count")])
    if pair["measure"].nunique() == 2:
        brief.chart("side_by_side", pair, title=brief.t("go.detected.title"))
    else:
        b.gap(brief.t("gap.unverified", what=brief.t("go.detected.title")))
    b.bullets([brief.t("go.detected.rates"), brief.t("go.detected.never")])
    if brief.datasets.get("glotip"):
        b.note(brief.t("go.detected.glotip_file"))
