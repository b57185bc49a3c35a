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
# One country: key messages, profile, legal framework, the national figures as published (each
# with its source), the detected victims and justice figures reported to UNODC (GLOTIP: the
# extract shipped with traffickstats, or the release passed as `glotip`; small counts
# protected), the Eurostat figures that apply (north) or "origin, transit or destination?"
# (south and east); with `gsi` the Walk Free modelled estimate, labelled as such; with `ctdc`
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
from traffickstats.bases import translate
from traffickstats.briefing import Report, blocks, messages, page, roles
from traffickstats.briefing.select import facts, headline, headlines, latest, matching, totals
from traffickstats.charts.labels import period_label, value_label
from traffickstats.disclosure import protect
from traffickstats.flows import format_total, to_observations
from traffickstats.geo import PARTICIPANTS
from traffickstats.i18n import label

report = Report.open("country_brief", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names)
obs, t, cite = report.bundled, report.t, report.catalog
name = report.name(country)

page.title(t("report.country_brief", country=name))
page.paragraph(t("intro.country_brief"))
blocks.datasets_used(report)

# %% [markdown] tags=["remove-cell"]
# ## Key messages
# Three to five sentences computed from rows shown further down: the latest national count as
# published, the GLOTIP detected victims (latest and first year: detection, not prevalence),
# the main form of exploitation, the roles (south and east) or the justice figures, and the
# Council of Europe Convention status. A sentence the data cannot support is not written.

# %%
[shore] = geo.region_of([country], "mediterranean", strict=False)
glotip_rows = protect(report.dataset("glotip").query("geo == @country"))
detected = glotip_rows.query("indicator == 'trafficking_victims_detected' and measure == 'detected_count'")
trend = totals(detected[detected["citizenship"].isna()]).sort_values("year_end")
flows = blocks.flow_rows(report, "glotip")
said = []
national_victims = protect(headline(blocks.national_rows(report, country), "trafficking_victims_detected",
                                     "detected_count"))  # the headline card's figure (select.headline)
if len(national_victims):
    r = national_victims.iloc[0]
    said.append(messages.sourced(report, "msg.cb.national", national_victims.head(1), country=name,
                                 value=value_label(r, lang), period=period_label(r, lang)))
if len(trend) >= 2:  # from the first year with an exact figure, when there is one
    last = trend.iloc[-1]
    first = trend[~trend["censored"]].iloc[0] if (~trend["censored"]).sum() >= 2 else trend.iloc[0]
    said.append(messages.sourced(report, "msg.cb.glotip_trend", trend.loc[[first.name, last.name]], country=name,
                                 year=int(last["year_end"]), value=value_label(last, lang),
                                 first_year=int(first["year_end"]), first_value=value_label(first, lang)))
elif len(trend):
    said.append(messages.sourced(report, "msg.cb.glotip_latest", trend, country=name,
                                 year=int(trend["year_end"].iloc[-1]), value=value_label(trend.iloc[-1], lang)))
if len(trend):
    y = int(trend["year_end"].iloc[-1])
    forms = matching(detected[detected["citizenship"].isna()].query("year_end == @y"), sex="total", age="total")
    forms = forms.query("form != 'total'")
    main = forms[~forms["censored"]].sort_values("value").tail(1)
    others = forms.drop(main.index)
    runner_up = others["value"].fillna(others["upper"]).max() if len(others) else 0
    if len(main) and main["value"].iloc[0] > runner_up:  # one form clearly ahead
        said.append(messages.sourced(report, "msg.cb.form", pd.concat([main, trend.tail(1)]), year=y,
                                     form=label("form", main["form"].iloc[0], lang), value=value_label(main.iloc[0], lang),
                                     total=value_label(trend.iloc[-1], lang)))
if shore in roles.SHORES:
    verdict = {v.role: v for v in roles.verdicts(report, country, flows)}
    mine = flows.query("destination == @country or origin == @country")
    said.append(messages.sourced(report, "msg.cb.roles", to_observations(mine) if len(mine) else None, country=name,
                                 **{role: t(f"roles.strength.{verdict[role].strength}") for role in roles.ROLES}))
else:
    justice = totals(glotip_rows.query("measure == 'justice_count' and indicator == 'persons_convicted'"))
    if len(justice):
        j = justice.sort_values("year_end").iloc[-1]
        said.append(messages.sourced(report, "msg.cb.convicted", justice.loc[[j.name]], country=name,
                                     year=int(j["year_end"]), value=value_label(j, lang)))
legal = blocks.legal_rows()
status, _cets = blocks.cets_status(report, country, legal)
said.append(messages.sourced(report, "msg.cb.cets", legal.query("geo == @country and instrument == 'coe_cets197'"),
                             country=name, status=status))
messages.show(report, said)

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
# ## Detected victims reported to UNODC (GLOTIP)
# The country's rows of the release (the bundled extract unless `glotip` is given) after
# small-count protection: trend (detection, not prevalence), latest year by sex, age and form,
# citizenships, and the criminal-justice chain.

# %%
glotip_rows = protect(report.dataset("glotip").query("geo == @country"))
detected = glotip_rows.query("indicator == 'trafficking_victims_detected' and measure == 'detected_count'")
plain = detected[detected["citizenship"].isna()]
trend = totals(plain)
page.section(t("glotip.heading"), t("glotip.lead"))
if detected.empty:
    blocks.gap_unverified(report, "what.glotip_country", country=name)
elif len(trend) >= 2:
    charts.show(charts.time_series(trend, lang=lang, title=t("glotip.trend_title", country=name), catalog=cite))
    page.note(t("glotip.detection_note"))

# %%
year = int((trend if len(trend) else plain)["year_end"].max()) if len(plain) else None
for by, others, key in (("sex", dict(age="total", form="total"), "glotip.sex_title"),
                        ("age", dict(sex="total", form="total"), "glotip.age_title"),
                        ("form", dict(sex="total", age="total"), "glotip.form_title")):
    parts = matching(plain.query("year_end == @year"), **others).query(f"{by} != 'total'") if year else plain
    if len(parts) and (~parts["censored"]).any():
        charts.show(charts.ranked_bar(parts, by=by, lang=lang, title=t(key, country=name, year=year), catalog=cite))
    elif len(parts):  # every part published as "<5" (or hidden): a chart of ranges says nothing, words do
        page.note(t(key, country=name, year=year) + t("fmt.colon") + t("fmt.list_sep").join(
            t("fmt.item", name=label(by, r[by], lang), value=value_label(r, lang)) for _i, r in parts.iterrows())
            + t("glotip.all_small"))
        report.keep(parts)

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
    first_row = {key: rows.iloc[0] for key, rows in
                 justice.groupby([justice["indicator"], justice["year_end"].astype(int)], sort=False)}
    table = []
    for y in sorted(set(justice["year_end"].astype(int))):
        cells = [first_row.get((i, y)) for i in steps]
        table.append([str(y)] + [value_label(c, lang) if c is not None else "—" for c in cells])
    page.table([t("col.year")] + [label("indicator", i, lang) for i in steps], table,
               numeric=tuple(range(1, len(steps) + 1)))
    report.keep(justice)
    page.note(t("glotip.justice_note"))
blocks.disclosure_note(report)

# %% [markdown] tags=["remove-cell"]
# ## Eurostat (France, Belgium, Switzerland, Serbia)
# The bundled Eurostat rows of the country, then the EU-27 figures that include it (EU
# members); for a country outside the EU, said plainly: no bundled Eurostat figure applies.

# %%
eurostat = obs[obs["fact_id"].fillna("").str.startswith("EU-")]
own = eurostat.query("geo == @country")
[eu27] = geo.region_of([country], "eu", level="eu27", strict=False)
if shore not in roles.SHORES:
    page.section(t("cb.eurostat.heading"), t("cb.eurostat.lead"))
    if len(own):
        blocks.national_table(report, own)
    if eu27:
        eu = totals(eurostat.query("geo == 'EU27' and measure == 'registered_count' and period_kind == 'annual'"))
        eu = latest(eu, by=("indicator",))
        page.paragraph(t("cb.eurostat.eu_member", country=name))
        blocks.national_table(report, eu)
    elif own.empty:
        page.gap(t("cb.eurostat.not_member", country=name))

# %% [markdown] tags=["remove-cell"]
# ## Origin, transit or destination? (south and east)
# From the GLOTIP flows (victims by citizenship and country of detection): the share of
# foreign victims among those detected here, year by year (computed by traffickstats, with
# bounds when cells are "<5"; not computed when the breakdown covers only part of the total),
# the citizenships detected here, where the country's nationals are detected abroad, the
# national figures with their base, and a verdict per role worded by the strength of the
# evidence (rules: `traffickstats.briefing.roles`).

# %%
if shore in roles.SHORES:
    page.section(t("roles.heading"), t("roles.lead", country=name))
    share = roles.foreign_share(flows, trend, country)

    def bounded(prefix, r):
        return format_total(r[f"{prefix}_value"], r[f"{prefix}_lower"], r[f"{prefix}_upper"], lang, r[f"{prefix}_cells"])

    page.subsection(t("roles.share.heading", country=name))
    page.table([t(k) for k in ("col.year", "roles.col.total", "roles.col.nationals", "roles.col.foreign",
                               "roles.col.unknown", "roles.col.share")],
               [[str(r["year"]), value_label(r["total_row"], lang) if r["total_row"] is not None else "—",
                 bounded("nationals", r), bounded("foreign", r), bounded("unknown", r), roles.share_text(report, r)]
                for _i, r in share.iterrows()], numeric=(1, 2, 3, 4, 5))
    page.note(t("roles.share.note", country=name) if len(share) else t("roles.share.none", country=name))

# %%
def latest_text(latest):
    """The latest year's flow, with its range when cells were published as "<5"."""
    value = format_total(latest["value"], latest["lower"], latest["upper"], lang, latest["censored_cells"])
    return t("roles.latest", value=value, year=int(latest["year_end"]))


if shore in roles.SHORES:
    cits = roles.citizenships_detected(flows, country)
    page.subsection(t("roles.citizenships.heading", country=name))
    if cits.empty:
        page.gap(t("roles.reason.no_foreign", country=name))
    else:
        page.table([t("col.citizenship"), t("roles.col.years"), t("roles.col.latest")],
                   [[report.name(r["origin"], r["origin_scheme"]), roles.years_text(r["years"], lang),
                     latest_text(r["latest"])]
                    for _i, r in cits.head(12).iterrows()], numeric=(2,))
    abroad = roles.detected_abroad(flows, country)
    page.subsection(t("roles.abroad.heading", country=name))
    if abroad.empty:
        page.gap(t("roles.reason.no_abroad", country=name))
    else:
        page.table([t("flows.col.destination"), t("roles.col.years"), t("roles.col.latest")],
                   [[report.name(r["destination"]), roles.years_text(r["years"], lang),
                     latest_text(r["latest"])]
                    for _i, r in abroad.head(12).iterrows()], numeric=(2,))
    report.keep(to_observations(flows.query("destination == @country or origin == @country")))

# %%
if shore in roles.SHORES:
    by_cit = roles.national_rows(report, country)
    page.subsection(t("roles.national.heading", country=name))
    if by_cit.empty:
        blocks.gap_unverified(report, "what.national_citizenship", country=name)
    else:
        page.table([t(k) for k in ("col.indicator", "col.period", "col.citizenship", "col.value", "col.base",
                                   "col.source")],
                   [[label("indicator", r["indicator"], lang), period_label(r, lang), report.name(r["citizenship"], None),
                     value_label(r, lang), translate(r["base"], lang), report.cite(r["source_id"])]
                    for _i, r in by_cit.iterrows()], numeric=(3,))
        report.keep(by_cit)
    page.subsection(t("roles.verdict.heading"))
    page.bullets([t(f"roles.role.{v.role}") + t("fmt.colon") + v.text for v in roles.verdicts(report, country, flows)])
    page.note(t("roles.rules"))

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
