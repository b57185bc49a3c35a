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
# # Country brief / Note pays
#
# One country: profile, legal framework, the national figures as published (each with its
# source); with `glotip` the detected victims and justice figures reported to UNODC (small
# counts protected); with `gsi` the Walk Free modelled estimate, labelled as such; with `ctdc`
# the CTDC records; then the data gaps, said plainly.
#
# Each section: a note for you (removed from the page), then cells that select their rows in
# plain sight and leave the chart as the cell's result.

# %% tags=["parameters"]
country = "TUN"  # [country] ISO3 code or a name in French, English or Arabic ("Maroc", "المغرب")
lang = "fr"  # [lang] report language: fr, en or ar
glotip = ""  # [path] a UNODC GLOTIP release (xlsx); empty: bundled data only
ctdc = ""  # [path] a CTDC file; empty: not used
gsi = ""  # [path] a Walk Free GSI file (2023 table or 2018 workbook); empty: not used
names = ""  # [path] reviewed names file for the datasets' country labels (data harmonize); empty: none

# %%
import re

import pandas as pd

from traffickstats import charts, geo
from traffickstats.briefing import Report, blocks, page
from traffickstats.briefing.select import facts, headlines, matching, totals
from traffickstats.charts.labels import value_label
from traffickstats.disclosure import protect
from traffickstats.geo import PARTICIPANTS
from traffickstats.i18n import label

report = Report.open("country_brief", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names)
obs, t, cite = report.bundled, report.t, report.catalog
name = report.name(country)

page.title(t("report.country_brief", country=name))
page.paragraph(t("intro.country_brief"))
blocks.datasets_used(report)

# %% [markdown] tags=["remove-cell"]
# ## Profile
# Name, latest UN WPP 2024 population (with its source) and the regions the country belongs to
# in each scheme the data use.

# %%
page.section(t("cb.profile.heading"))
pop = blocks.latest_population(country)
items = [t("cb.profile.name", name=name, code=country)]
if pop is not None:
    items.append(t("cb.profile.population", value=blocks.exact_number(pop["value"], lang),
                   year=int(pop["year_start"]), source=report.cite(pop["source_id"])))
    report.keep(pop.to_frame().T)
else:
    items.append(t("gap.unverified", what=t("what.population", country=name)))
for scheme, levels in (("mediterranean", [None]), ("ilo2012", [None]), ("ilo5", [None]),
                       ("unodc", ["subregion", "region"]), ("eu", ["eu27"]), ("coe", ["membership"])):
    # the finest level that places the country; a membership set by rule is said to be one
    level, region = next(((lv, r) for lv in levels for r in geo.region_of([country], scheme, level=lv, strict=False)
                          if r), (None, None))
    if region:
        key = "cb.profile.region_by_rule" if geo.by_rule(country, scheme, level=level) else "cb.profile.region"
        items.append(t(key, scheme=t(f"scheme.{scheme}"), region=geo.region_name(scheme, region, lang)))
page.bullets(items)

# %% [markdown] tags=["remove-cell"]
# ## Legal framework
# Treaties, laws and institutions from the bundled legal-status rows; the Council of Europe
# Convention status first (Tunisia is invited to, not a Party to, CETS 197).

# %%
page.section(t("cb.legal.heading"))
legal = blocks.legal_rows()
status, cets_sources = blocks.cets_status(report, country, legal)
page.paragraph(t("cb.legal.cets", country=name, status=status))
report.keep(pd.DataFrame({"source_id": cets_sources}))
mine = legal.query("geo == @country")
if mine.empty:
    blocks.gap_unverified(report, "what.legal", country=name)
else:
    def reference(r):  # a US TIP tier is a proper name, kept as published; laws give their number
        if r["instrument"] == "us_tip_tier":
            tier = re.match(r"(Tier [0-9][^;(]*)", r["detail"] or "")
            return tier.group(1).strip() if tier else "—"
        return blocks.law_reference(r["detail"], lang) or "—"

    page.table([t(k) for k in ("col.instrument", "col.event", "col.date", "col.reference", "col.source")],
               [[t(f"instrument.{r['instrument']}"), t(f"event.{r['event']}"), blocks.fmt_date(r["date"], lang),
                 reference(r), report.cite(r["source_id"])] for _i, r in mine.iterrows()])
    report.keep(mine)
if country == "TUN":
    page.note(t("cets.tunisia_press"))

# %% [markdown] tags=["remove-cell"]
# ## National figures
# The country's published counts as bundled. Headline cards: the latest *comparable* national
# figure of victims and of cases (`select.headline`: a whole year, the usual population, no
# breakdown; never a part of a year or a subset such as one event's potential victims), with
# its qualifier and period; a figure published as both victims and cases is one card. Then
# the national series as a line where it has three years or more, and every row with its source.

# %%
page.section(t("section.national"), t("nat.lead"))
national = blocks.national_rows(report, country)
if national.empty:
    blocks.gap_unverified(report, "what.national_counts", country=name)
elif report.has_text(f"nat.{country}.caveat"):
    page.paragraph(t(f"nat.{country}.caveat"))
cards = headlines(national, [("trafficking_victims_detected", "detected_count"), ("trafficking_cases", "case_count")])
for card in cards:
    charts.show(charts.headline(card, lang=lang, catalog=cite))
if len(national) and not cards:
    page.note(t("cb.headline.none", country=name))

# %%
SERIES = {"TUN": ("TUN-01", "nat.TUN.series_title"), "MAR": ("MAR-02", "nat.MAR.series_title"),
          "LBN": ("LBN-01", "nat.LBN.series_title")}
series = facts(national, SERIES[country][0]) if country in SERIES else national.iloc[0:0]
if series["year_start"].nunique() >= 3:
    charts.show(charts.time_series(series, lang=lang, title=t(SERIES[country][1], country=name), catalog=cite))
if len(national):
    blocks.national_table(report, national)

# %% [markdown] tags=["remove-cell"]
# ## Detected victims reported to UNODC (GLOTIP; only with `glotip`)
# The country's rows of the release after small-count protection: trend, latest year by sex,
# age and form, citizenships, and the criminal-justice chain.

# %%
glotip_rows = protect(report.dataset("glotip").query("geo == @country"))
detected = glotip_rows.query("indicator == 'trafficking_victims_detected' and measure == 'detected_count'")
plain = detected[detected["citizenship"].isna()]
trend = totals(plain)
if "glotip" not in report.datasets:
    page.note(t("cb.glotip.hint"))
elif detected.empty:
    page.section(t("glotip.heading"), t("glotip.lead"))
    blocks.gap_unverified(report, "what.glotip_country", country=name)
else:
    page.section(t("glotip.heading"), t("glotip.lead"))
    charts.show(charts.time_series(trend, lang=lang, title=t("glotip.trend_title", country=name), catalog=cite))

# %%
year = int((trend if len(trend) else plain)["year_end"].max()) if len(plain) else None
for by, others, key in (("sex", dict(age="total", form="total"), "glotip.sex_title"),
                        ("age", dict(sex="total", form="total"), "glotip.age_title"),
                        ("form", dict(sex="total", age="total"), "glotip.form_title")):
    parts = matching(plain.query("year_end == @year"), **others).query(f"{by} != 'total'") if year else plain
    if len(parts):
        charts.show(charts.ranked_bar(parts, by=by, lang=lang, title=t(key, country=name, year=year), catalog=cite))

# %%
by_citizenship = detected[detected["citizenship"].notna()]
by_citizenship = matching(by_citizenship, sex="total", age="total", form="total")
if len(by_citizenship):
    cyear = int(by_citizenship["year_end"].max())
    cit = by_citizenship.query("year_end == @cyear").sort_values("value", ascending=False, na_position="last")
    page.subsection(t("glotip.citizenship_title", country=name, year=cyear))
    page.table([t("col.citizenship"), t("col.value")],
               [[report.name(r["citizenship"], None), value_label(r, lang)] for _i, r in cit.iterrows()],
               numeric=(1,))
    report.keep(cit)

# %%
justice = totals(glotip_rows.query("measure == 'justice_count'"))
if "glotip" in report.datasets and justice.empty:
    blocks.gap_unverified(report, "what.justice", country=name)
elif len(justice):
    page.subsection(t("glotip.justice_title", country=name))
    steps = [i for i in ("persons_suspected", "persons_prosecuted", "persons_convicted") if i in set(justice["indicator"])]
    table = []
    for y in sorted(set(justice["year_end"].astype(int))):
        cells = [justice.query("indicator == @i and year_end == @y") for i in steps]
        table.append([str(y)] + [value_label(c.iloc[0], lang) if len(c) else "—" for c in cells])
    page.table([t("col.year")] + [label("indicator", i, lang) for i in steps], table,
               numeric=tuple(range(1, len(steps) + 1)))
    report.keep(justice)
    page.note(t("glotip.justice_note"))
if "glotip" in report.datasets:
    blocks.disclosure_note(report)

# %% [markdown] tags=["remove-cell"]
# ## Walk Free Global Slavery Index (only with `gsi`)
# The modelled prevalence and number of people in modern slavery: estimates, not counts.

# %%
gsi_rows = totals(report.dataset("gsi").query("geo == @country and indicator == 'modern_slavery'"))
if "gsi" in report.datasets:
    page.section(t("gsi.heading"), t("gsi.lead"))
    for measure in ("rate", "estimate_stock"):
        card = gsi_rows.query("measure == @measure").head(1)
        if len(card):
            charts.show(charts.headline(card, lang=lang, catalog=cite))
    if gsi_rows.empty:
        blocks.gap_unverified(report, "what.gsi", places=name)
    page.bullets([t("gsi.caveat"), t("pitfall.series")])

# %% [markdown] tags=["remove-cell"]
# ## CTDC records (only with `ctdc`)
# Victim case records of the Counter Trafficking Data Collaborative for this country (protected):
# records in the CTDC dataset, not victims detected in the country.

# %%
ctdc_rows = protect(report.dataset("ctdc").query("geo == @country"))
if "ctdc" in report.datasets:
    page.section(t("ctdc.heading"), t("ctdc.lead"))
    if ctdc_rows.empty:
        page.gap(t("ctdc.none", country=name))
    else:
        ctdc_totals = totals(ctdc_rows)
        blocks.national_table(report, ctdc_totals.sort_values("year_start") if len(ctdc_totals) else ctdc_rows)

# %% [markdown] tags=["remove-cell"]
# ## Gaps and sources
# What is missing for this country, said plainly; then every source cited above.

# %%
page.section(t("section.gaps"))
[shore] = geo.region_of([country], "mediterranean", strict=False)
missing = []
if national.empty:
    missing.append(("what.national_counts", {"country": name}))
if country == "SRB":
    missing.append(("what.srb_ratification", {}))
if country == "TUN":
    missing += [("what.inltp", {}), ("what.inltp_reports", {})]
if shore in ("south_shore", "east_shore"):  # the UNODC regional profile they would fall under
    missing.append(("what.glotip_name", {}))
for key, fmt in missing:
    blocks.gap_unverified(report, key, **fmt)
if country not in PARTICIPANTS:
    page.note(t("cb.not_participant", country=name))

# %%
blocks.sources(report)
