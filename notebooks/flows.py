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
# # Flows / Flux
#
# Victims detected, by citizenship (origin) and country of detection (destination): Sankey, map
# and corridor table, for the participants (`region`) or one country (`country`). Citizenship
# is a proxy for origin, not a route. By default the flows come from the GLOTIP extract shipped
# with traffickstats (release 2023-05-30); `glotip` passes another release. The published report
# shares follow, each with its base.
#
# Each section: a note for you (removed from the page), then cells that select their rows and
# leave the chart as the cell's result.

# %% tags=["parameters"]
region = "mediterranean"  # [one of: mediterranean] the nine participants of both shores
country = ""  # [country] flows to and from this country only (ISO3 or a name); empty: the region
lang = "fr"  # [lang] report language: fr, en or ar
glotip = ""  # [path] a UNODC GLOTIP release (xlsx); empty: bundled data only
ctdc = ""  # [path] a CTDC file; empty: not used
gsi = ""  # [path] a Walk Free GSI file (2023 table or 2018 workbook); empty: not used
names = ""  # [path] reviewed names file for the datasets' country labels (data harmonize); empty: none

# %%
from traffickstats import charts
from traffickstats.bases import translate
from traffickstats.briefing import Report, blocks, messages, page
from traffickstats.flows import corridor_table, flow_map, format_total, published_flows, sankey, to_observations, total
from traffickstats.geo import PARTICIPANTS

report = Report.open("flows", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names)
t = report.t
places = [country] if country else list(PARTICIPANTS)
place = report.name(country) if country else t(f"region.{region}")

page.title(t("report.flows", place=place))
page.paragraph(t("intro.flows"))
blocks.datasets_used(report)

# %% [markdown] tags=["remove-cell"]
# ## Key messages
# Sentences computed from the flow table below and the published shares: the best-reported
# year, the largest corridor into a participant, the participants' nationals detected abroad,
# and one published share with its base. A sentence the data cannot support is not written.

# %%
flows = blocks.flow_rows(report, "glotip")
year = blocks.best_flow_year(flows, places)
said = []
if year is not None:
    in_year = flows.query("year_start == @year and year_end == @year")
    into = in_year[in_year["destination"].isin(places)]
    reporting = sorted(set(into["destination"]))
    if not country:
        said.append(messages.sourced(report, "msg.flows.coverage", to_observations(into), year=year,
                                     k=len(reporting), n=len(places)))
    cross = into[~into["domestic"] & (into["origin_scheme"] == "iso3")].sort_values("lower", ascending=False)
    if len(cross) and not cross["censored"].iloc[0]:
        top = cross.head(1)
        said.append(messages.sourced(report, "msg.flows.corridor", to_observations(top), year=year,
                                     origin=report.name(top["origin"].iloc[0]),
                                     destination=report.name(top["destination"].iloc[0]),
                                     value=format_total(top["value"].iloc[0], None, None, lang)))
    abroad = in_year[in_year["origin"].isin(places) & ~in_year["domestic"]]
    if len(abroad):
        s = total(abroad)
        said.append(messages.sourced(report, "msg.flows.abroad_country" if country else "msg.flows.abroad",
                                     to_observations(abroad), year=year, k=abroad["origin"].nunique(),
                                     m=abroad["destination"].nunique(), country=place,
                                     value=format_total(s["value"], s["lower"], s["upper"], lang, s["censored_cells"])))
shares = published_flows(lang).query("destination in @places").sort_values("share", ascending=False)
if len(shares):
    top_share = shares.iloc[0]
    said.append(messages.sourced(report, "msg.flows.published", report.bundled.query("fact_id == @top_share.fact_id"),
                                 share=top_share["share_text"], origin=top_share["origin_name"],
                                 destination=top_share["destination_name"], period=top_share["period"],
                                 base=translate(top_share["base"], lang)))
messages.show(report, said)

# %% [markdown] tags=["remove-cell"]
# ## Detected victims by citizenship (UNODC GLOTIP)
# The year in which the most of `places` reported flows; small counts protected before anything
# is drawn ("<5" cells are ranges: three of them are "3 to 12", never 0). Below the charts, why
# a participant has no flow that year (no breakdown by citizenship published for it).

# %%
if year is not None:
    one, mine = blocks.flows_in(report, flows, year, places)
    page.section(t("flows.glotip.heading"), t("flows.glotip.lead"))
    charts.show(sankey(mine, lang, scheme="unodc", keep=places, title=t("flows.sankey_countries_title", year=year)))
    charts.show(flow_map(mine, lang, n=25, title=t("flows.map_title", year=year)))
    page.show_html(corridor_table(mine, lang, n=15, include_domestic=False))
else:
    page.gap(t("gap.no_flows", place=", ".join(report.name(p) for p in places)))

# %%
if year is not None:
    missing = []
    for p in places:
        years = sorted(set(flows.query("destination == @p")["year_end"].astype(int)))
        if year not in years:
            latest = max(years) if years else None
            missing.append(t("flows.missing.item", country=report.name(p),
                             latest=t("flows.missing.latest", year=latest) if latest else t("flows.missing.never")))
    if missing:
        page.note(t("flows.missing", year=year, items=t("fmt.list_sep").join(missing)))
    if not country:
        blocks.routes_table(report, one, year)
    blocks.set_aside_note(report, flows)
    blocks.disclosure_note(report)

# %% [markdown] tags=["remove-cell"]
# ## CTDC records (only with `ctdc`)
# Citizenship -> country of exploitation in the CTDC case records: assistance records, not
# victims detected in a country.

# %%
ctdc_flows = blocks.flow_rows(report, "ctdc")
ctdc_year = blocks.best_flow_year(ctdc_flows, places)
if ctdc_year is not None:
    _one, ctdc_mine = blocks.flows_in(report, ctdc_flows, ctdc_year, places)
    page.section(t("flows.ctdc.heading"), t("flows.ctdc.lead"))
    charts.show(sankey(ctdc_mine, lang, scheme="unodc", title=t("flows.sankey_title", year=ctdc_year)))
    page.show_html(corridor_table(ctdc_mine, lang, n=15, include_domestic=False))
    blocks.disclosure_note(report)

# %% [markdown] tags=["remove-cell"]
# ## Published shares
# Report figures on flows are shares, not counts: never mixed with the flow table above.

# %%
blocks.published_flows_table(report, places if country else [*places, "EU27", "WLD"])

# %% [markdown] tags=["remove-cell"]
# ## Pitfalls and sources

# %%
blocks.pitfalls(report, ["proxy", "shares", "regions"])
blocks.sources(report)
