# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# # Global overview / Vue d'ensemble mondiale
#
# The "21 millions de victimes selon le BIT" in context: what the ILO 2012 estimate measures,
# its regions and profile, the later ILO / Walk Free / IOM estimates beside it (not a trend),
# the ILO profit estimates, and victims *detected* by authorities as a different measure.
#
# Each section below: a markdown note for you (removed from the page), then one cell that
# selects its rows in plain sight and leaves the chart as the cell's result, so you can change
# the selection or the chart and re-run. The page's words come from the message catalogue
# (`t(...)`) in the report language. Every figure is a bundled row, picked by its facts.md id.

# %% tags=["parameters"]
lang = "fr"  # [lang] report language: fr, en or ar
glotip = ""  # [path] a UNODC GLOTIP release (xlsx); empty: bundled data only
ctdc = ""  # [path] a CTDC file; empty: not used
gsi = ""  # [path] a Walk Free GSI file (2023 table or 2018 workbook); empty: not used
names = ""  # [path] reviewed names file for the datasets' country labels (data harmonize); empty: none

# %%
import pandas as pd

from traffickstats import charts
from traffickstats.briefing import Report, blocks, messages, page
from traffickstats.briefing.select import common_year, facts, matching
from traffickstats.charts.labels import period_label, value_label
from traffickstats.geo import PARTICIPANTS
from traffickstats.i18n import label

report = Report.open("global_overview", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names)
obs, t, cite = report.bundled, report.t, report.catalog

page.title(t("report.global_overview"))
page.paragraph(t("intro.global_overview"))
blocks.datasets_used(report)

# %% [markdown] tags=["remove-cell"]
# ## Key messages
# Four sentences, each from the facts.md rows charted below (ILO12-01, GEMS22-01/02,
# GLOTIP24-01, ILO24-01): what the "21 millions" is, the latest estimates, the count of detected
# victims (another measure) and the profit estimate. A missing row means no sentence.

# %%
ilo = facts(obs, "ILO12-01", measure="estimate_stock")
gems = facts(obs, "GEMS22-01", "GEMS22-02", measure="estimate_stock", form="total", sex="total", age="total")
detected_world = facts(obs, "GLOTIP24-01", measure="detected_count")
profits = facts(obs, "ILO24-01", measure="money_estimate", form="total")
said = [
    messages.sourced(report, "msg.go.ilo2012", ilo, value=value_label(ilo.iloc[0], lang) if len(ilo) else None,
                     period=period_label(ilo.iloc[0], lang) if len(ilo) else None),
    messages.sourced(report, "msg.go.gems2022", gems if len(gems) == 2 else None,
                     ms=value_label(gems.iloc[0], lang) if len(gems) == 2 else None,
                     fl=value_label(gems.iloc[1], lang) if len(gems) == 2 else None,
                     year=int(gems["year_end"].iloc[0]) if len(gems) else None),
    messages.sourced(report, "msg.go.detected", detected_world,
                     value=value_label(detected_world.iloc[0], lang) if len(detected_world) else None,
                     year=int(detected_world["year_end"].iloc[0]) if len(detected_world) else None),
    messages.sourced(report, "msg.go.profits", profits, value=value_label(profits.iloc[0], lang) if len(profits) else None,
                     year=int(profits["year_end"].iloc[0]) if len(profits) else None),
]
messages.show(report, said)

# %% [markdown] tags=["remove-cell"]
# ## The "21 millions": ILO 2012 (fact ILO12-01)
# A modelled stock of people in forced labour *at any given point in time* over 2002-2011, not a
# count of trafficking victims. The card below is the published figure; the bullets say what it
# does and does not measure (scope note ILO12-13).

# %%
page.section(t("go.ilo2012.heading"), t("go.ilo2012.lead"))
card = facts(obs, "ILO12-01", measure="estimate_stock")
charts.headline(card, lang=lang, title=t("go.ilo2012.card_title"), catalog=cite)

# %%
page.bullets([t(k) for k in ("go.ilo2012.measures", "go.ilo2012.period", "go.ilo2012.scope",
                             "go.ilo2012.conservative", "go.ilo2012.rounding")])
rate = report.keep(facts(obs, "ILO12-02"))  # "around three out of every 1,000"
page.paragraph(t("go.ilo2012.rate", rate=value_label(rate.iloc[0], lang)))

# %% [markdown] tags=["remove-cell"]
# ### By region: ILO 2012's own six regions
# Counts and prevalence per 1,000 inhabitants, as published on the ILO statistics page. The
# regions are the ILO 2012 scheme (not UN M49): `traffickstats.geo.members("ilo2012", ...)`.

# %%
page.subsection(t("go.regions.heading"))
regions = obs.query("indicator == 'forced_labour' and geo_scheme == 'ilo2012' "
                    "and sex == 'total' and age == 'total' and form == 'total'")
charts.ranked_bar(regions.query("measure == 'estimate_stock'"), lang=lang,
                  title=t("go.regions.count_title"), catalog=cite)

# %%
charts.ranked_bar(regions.query("measure == 'rate'"), lang=lang, title=t("go.regions.rate_title"), catalog=cite)

# %%
page.note(t("go.regions.scheme"))

# %% [markdown] tags=["remove-cell"]
# ### Profile: by form, sex, age and movement
# Published shares of the 20.9 million (each a separate breakdown: they are never added across).

# %%
page.subsection(t("go.profile.heading"))
shares = obs.query("indicator == 'forced_labour' and measure == 'share' and geo == 'WLD' "
                   "and year_start == 2002 and year_end == 2011")
by_form = facts(shares, "ILO12-10", "ILO12-11", "ILO12-12")
charts.stacked_shares(by_form, by="form", lang=lang, title=t("go.profile.form_title"), catalog=cite)

# %%
# the caveat goes under the chart as page text: inside the figure it would be clipped
page.note(t("go.profile.form_note"))

# %%
by_sex = facts(shares, "ILO12-05", "ILO12-06")
charts.stacked_shares(by_sex, by="sex", lang=lang, title=t("go.profile.sex_title"), catalog=cite)

# %%
by_age = facts(shares, "ILO12-07", "ILO12-08")
charts.stacked_shares(by_age, by="age", lang=lang, title=t("go.profile.age_title"), catalog=cite)

# %%
moved = facts(shares, "ILO12-26", "ILO12-27")
charts.stacked_shares(moved, by="form", lang=lang, title=t("go.profile.moved_title"), catalog=cite)

# %%
page.note(t("go.profile.moved_note"))

# %% [markdown] tags=["remove-cell"]
# ## Later estimates beside it (GEMS 2017, GEMS 2022)
# Different definitions and methods: shown side by side with their definitions, never as a series.

# %%
page.section(t("go.later.heading"), t("go.later.lead"))
picks = [("pub.ilo2012", "ILO12-01"), ("pub.gems2017", "GEMS17-01"), ("pub.gems2017", "GEMS17-02"),
         ("pub.gems2017", "GEMS17-03"), ("pub.gems2022", "GEMS22-01"), ("pub.gems2022", "GEMS22-02"),
         ("pub.gems2022", "GEMS22-03")]
later = [(pub, facts(obs, fid, measure="estimate_stock", form="total", sex="total", age="total").head(1))
         for pub, fid in picks]
page.table([t(k) for k in ("col.publication", "col.indicator", "col.definition", "col.period", "col.value",
                           "col.source")],
           [[t(pub), label("indicator", r["indicator"], lang), t(f"def.{r['indicator']}"),
             period_label(r, lang), value_label(r, lang), report.cite(r["source_id"])]
            for pub, rows in later for _i, r in report.keep(rows).iterrows()])

# %%
change_ms = report.keep(facts(obs, "GEMS22-06", measure="change"))
change_fl = report.keep(facts(obs, "GEMS22-07", measure="change"))
page.bullets([
    t("go.later.definitions"), t("go.later.periods"),
    t("go.later.publisher_change", ms=value_label(change_ms.iloc[0], lang),
      fl=value_label(change_fl.query("unit == 'persons'").iloc[0], lang),
      pct=value_label(change_fl.query("unit == 'percent'").iloc[0], lang)),
    t("go.later.not_series"),
])

# %% [markdown] tags=["remove-cell"]
# ## Profits (ILO 2014 and 2024)
# Annual illegal profits, modelled: US$150 billion (2014 report) and US$236 billion (2024 report,
# for 2021). Two editions, two methods. "Third most lucrative illegal activity" has no source.

# %%
page.section(t("go.profits.heading"), t("go.profits.lead"))
charts.headline(facts(obs, "ILO14-01", measure="money_estimate", form="total"), lang=lang,
                title=t("go.profits.card_ILO14-01"), catalog=cite)

# %%
charts.headline(facts(obs, "ILO24-01", measure="money_estimate", form="total"), lang=lang,
                title=t("go.profits.card_ILO24-01"), catalog=cite)

# %%
change = report.keep(facts(obs, "ILO24-02", measure="change", unit="usd"))
page.bullets([t("go.profits.measures"), t("go.profits.change", change=value_label(change.iloc[0], lang))])

# %%
profit_regions = obs.query("indicator == 'illegal_profits' and measure == 'money_estimate' "
                           "and geo_scheme == 'ilo5' and year_start == 2021 and form == 'total'")
charts.ranked_bar(profit_regions, lang=lang, title=t("go.profits.regions_title"), catalog=cite)

# %%
profit_forms = facts(obs, "ILO14-03", "ILO14-05", "ILO14-06", "ILO14-07", measure="money_estimate")
charts.ranked_bar(profit_forms, by="form", lang=lang, title=t("go.profits.forms_title"), catalog=cite)

# %%
page.note(t("go.profits.forms_note"))
blocks.gap_unverified(report, "what.profits2014_regions")
page.gap(t("go.profits.third"))

# %% [markdown] tags=["remove-cell"]
# ## Detected victims: a different measure
# UNODC's victims detected by authorities (GLOTIP 2024) beside the GEMS 2022 forced-labour
# estimate: each on its own axis, labelled as not comparable (the guard refuses to add them).

# %%
page.section(t("go.detected.heading"), t("go.detected.lead"))
pair = matching(obs, measure=["estimate_stock", "detected_count"])
pair = pd.concat([facts(pair, "GEMS22-02", form="total", sex="total"), facts(pair, "GLOTIP24-01")])
charts.side_by_side(pair, lang=lang, title=t("go.detected.title"), catalog=cite)

# %%
page.bullets([t("go.detected.rates"), t("go.detected.never")])
page.note(t("go.detected.glotip_file"))

# %% [markdown] tags=["remove-cell"]
# ## Walk Free Global Slavery Index (only with `gsi`)
# Modelled prevalence of modern slavery per country; an estimate, labelled so.

# %%
gsi_rates = report.dataset("gsi").query("indicator == 'modern_slavery' and measure == 'rate' "
                                        "and geo in @PARTICIPANTS")
if len(gsi_rates):
    page.section(t("gsi.heading"), t("gsi.lead"))
    charts.show(charts.ranked_bar(common_year(gsi_rates), lang=lang, title=t("gsi.rate_title"),
                                  catalog=cite))
    page.bullets([t("gsi.caveat"), t("pitfall.series")])

# %% [markdown] tags=["remove-cell"]
# ## Pitfalls, gaps and sources

# %%
blocks.pitfalls(report, ["stock_vs_detected", "periods", "concepts", "series", "regions", "rounding",
                         "per_victim"])
blocks.gaps(report, ["ilo2012_ci", "gems_regions", "glotip_global"])
blocks.sources(report)
