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
# is a proxy for origin, not a route. The published report shares follow, each with its base.
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
from traffickstats.briefing import Report, blocks, page
from traffickstats.flows import corridor_table, flow_map, sankey
from traffickstats.geo import PARTICIPANTS

report = Report.open("flows", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names)
t = report.t
places = [country] if country else list(PARTICIPANTS)
place = report.name(country) if country else t(f"region.{region}")

page.title(t("report.flows", place=place))
page.paragraph(t("intro.flows"))
blocks.datasets_used(report)

# %% [markdown] tags=["remove-cell"]
# ## Detected victims by citizenship (UNODC GLOTIP)
# The year in which the most of `places` reported flows; small counts protected before anything
# is drawn ("<5" cells are ranges: three of them are "3 to 12", never 0).

# %%
flows = blocks.flow_rows(report, "glotip")
year = blocks.best_flow_year(flows, places)
if year is not None:
    one, mine = blocks.flows_in(report, flows, year, places)
    page.section(t("flows.glotip.heading"), t("flows.glotip.lead"))
    charts.show(sankey(mine, lang, scheme="unodc", title=t("flows.sankey_title", year=year)))
    charts.show(flow_map(mine, lang, n=25, title=t("flows.map_title", year=year)))
    page.show_html(corridor_table(mine, lang, n=15, include_domestic=False))
    if not country:
        blocks.routes_table(report, one, year)
    blocks.set_aside_note(report, flows)
    blocks.disclosure_note(report)
elif "glotip" in report.datasets:
    page.gap(t("gap.no_flows", place=", ".join(report.name(p) for p in places)))

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
