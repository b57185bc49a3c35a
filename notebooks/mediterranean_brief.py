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
# # Mediterranean brief / Note Méditerranée
#
# The nine participants on both shores: population, Council of Europe Convention (CETS 197)
# status, national and EU figures with their sources, the detected victims reported to UNODC
# (GLOTIP: the extract shipped with traffickstats, or the release passed as `glotip`), "origin,
# transit or destination?" for the five southern and eastern countries side by side, and flows
# between the shores. Nothing is estimated here: a missing figure is said to be missing.
#
# Each section: a note for you (removed from the page), then cells that select their rows in
# plain sight and leave the chart as the cell's result. Page words come from the catalogue
# (`t(...)`), in the report language.

# %% tags=["parameters"]
lang = "fr"  # [lang] report language: fr, en or ar
glotip = ""  # [path] a UNODC GLOTIP release (xlsx); empty: bundled data only
ctdc = ""  # [path] a CTDC file; empty: not used
gsi = ""  # [path] a Walk Free GSI file (2023 table or 2018 workbook); empty: not used
names = ""  # [path] reviewed names file for the datasets' country labels (data harmonize); empty: none

# %%
import pandas as pd

from traffickstats import charts, geo
from traffickstats.briefing import Report, blocks, messages, page, roles
from traffickstats.briefing.select import common_year, facts, latest, totals
from traffickstats.charts.labels import value_label
from traffickstats.disclosure import protect
from traffickstats.flows import corridor_table, flow_map, sankey, to_observations
from traffickstats.geo import PARTICIPANTS

report = Report.open("mediterranean_brief", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names)
obs, t, cite = report.bundled, report.t, report.catalog

page.title(t("report.mediterranean_brief"))
page.paragraph(t("intro.mediterranean_brief"))
blocks.datasets_used(report)

# %% [markdown] tags=["remove-cell"]
# ## Key messages
# Sentences computed from rows shown below: the participants' detected victims reported to
# UNODC for the year most of them report, the roles of the five southern and eastern countries,
# the EU's latest registered victims, and who is a Party to the Council of Europe Convention.
# A sentence the data cannot support is not written.

# %%
shores = dict(zip(PARTICIPANTS, geo.region_of(list(PARTICIPANTS), "mediterranean", strict=False)))
south_east = [c for c in PARTICIPANTS if shores.get(c) in roles.SHORES]
flows = blocks.flow_rows(report, "glotip")
detected = common_year(totals(protect(report.dataset("glotip").query(
    "indicator == 'trafficking_victims_detected' and measure == 'detected_count' and geo in @PARTICIPANTS"))))
said = []
if detected["geo"].nunique() > 1:
    top = detected[~detected["censored"]].sort_values("value").tail(1)
    said.append(messages.sourced(report, "msg.med.glotip", detected, year=int(detected["year_end"].iloc[0]),
                                 k=detected["geo"].nunique(), n=len(PARTICIPANTS), country=report.name(top["geo"].iloc[0]),
                                 value=value_label(top.iloc[0], lang)))
verdicts = {c: {v.role: v for v in roles.verdicts(report, c, flows)} for c in south_east}


def supported(role):
    names = [report.name(c) for c in south_east if verdicts[c][role].strength == "supported"]
    return t("fmt.comma").join(names) if names else t("msg.none")


used = flows.query("destination in @south_east or origin in @south_east")
said.append(messages.sourced(report, "msg.med.roles", to_observations(used) if len(used) else None,
                             destination=supported("destination"), origin=supported("origin"), n=len(south_east)))
eu_latest = latest(totals(report.bundled.query("geo == 'EU27' and indicator == 'victims_registered' "
                                               "and measure == 'registered_count' and period_kind == 'annual'")))
if len(eu_latest):
    said.append(messages.sourced(report, "msg.med.eu", eu_latest.head(1), value=value_label(eu_latest.iloc[0], lang),
                                 year=int(eu_latest["year_end"].iloc[0])))
cets = blocks.legal_rows().query("geo in @PARTICIPANTS and instrument == 'coe_cets197' and event in ['party', 'not_party']")
parties = [c for c in PARTICIPANTS if "party" in set(cets.query("geo == @c")["event"])]
others = [report.name(c) for c in PARTICIPANTS if c not in parties]
said.append(messages.sourced(report, "msg.med.cets", cets, k=len(parties), n=len(PARTICIPANTS),
                             others=t("fmt.comma").join(others) if others else t("msg.none")))
messages.show(report, said)

# %% [markdown] tags=["remove-cell"]
# ## The nine participants
# Shore (the `mediterranean` region scheme), latest UN WPP 2024 population, CETS 197 status and
# the national anti-trafficking law, from the bundled legal-status rows.

# %%
page.section(t("med.participants.heading"), t("med.participants.lead"))
legal = blocks.legal_rows()
rows = []
for iso3 in PARTICIPANTS:
    pop = blocks.latest_population(iso3)
    status, cets_sources = blocks.cets_status(report, iso3, legal)
    law = legal.query("geo == @iso3 and instrument == 'national_law'").head(1)
    law_text = "—" if law.empty else t("law.ref", ref=blocks.law_reference(law["detail"].iloc[0], lang) or "—",
                                       date=blocks.fmt_date(law["date"].iloc[0], lang))
    rows.append([report.name(iso3),
                 geo.region_name("mediterranean", shores[iso3], lang) if shores.get(iso3) else "—",
                 blocks.exact_number(pop["value"], lang) if pop is not None else t("no_data"),
                 str(int(pop["year_start"])) if pop is not None else "", status, law_text])
    report.keep(pd.DataFrame({"source_id": [*cets_sources, *law["source_id"],
                                            *([pop["source_id"]] if pop is not None else [])]}))
page.table([t(k) for k in ("col.country", "col.shore", "col.population", "col.year", "col.cets197",
                           "col.national_law")], rows, numeric=(2,))
page.note(t("med.participants.population_note"))
page.note(t("cets.tunisia_press"))

# %% [markdown] tags=["remove-cell"]
# ## National figures, country by country
# Each country's published counts as bundled (cases, victims and notifications kept apart). Where
# a national series has three or more years it is drawn as a line.

# %%
SERIES = {"TUN": ("TUN-01", "nat.TUN.series_title"), "MAR": ("MAR-02", "nat.MAR.series_title"),
          "LBN": ("LBN-01", "nat.LBN.series_title")}
page.section(t("section.national"), t("nat.lead"))
for iso3 in PARTICIPANTS:
    page.subsection(report.name(iso3))
    national = blocks.national_rows(report, iso3)
    if national.empty:
        blocks.gap_unverified(report, "what.national_counts", country=report.name(iso3))
        continue
    if report.has_text(f"nat.{iso3}.caveat"):
        page.paragraph(t(f"nat.{iso3}.caveat"))
    if iso3 in SERIES:
        series = facts(national, SERIES[iso3][0])
        if series["year_start"].nunique() >= 3:
            charts.show(charts.time_series(series, lang=lang, title=t(SERIES[iso3][1], country=report.name(iso3)),
                                           catalog=cite))
    blocks.national_table(report, national)

# %% [markdown] tags=["remove-cell"]
# ## European Union (Eurostat)
# EU-27 registered victims over the years, and the criminal-justice counts.

# %%
page.section(t("med.eu.heading"), t("med.eu.lead"))
eu = totals(obs.query("geo == 'EU27' and geo_scheme == 'eu'"))
eu_victims = latest(eu.query("indicator == 'victims_registered' and measure == 'registered_count' "
                             "and period_kind == 'annual'"), by=("year_start",)).sort_values("year_start")
charts.time_series(eu_victims, lang=lang, title=t("med.eu.victims_title"), catalog=cite)

# %%
blocks.national_table(report, eu.query("measure == 'justice_count'").sort_values(["indicator", "year_start"]))
page.note(t("pitfall.shares"))

# %% [markdown] tags=["remove-cell"]
# ## Detected victims reported to UNODC (GLOTIP)
# One common year, the participants that reported it; small counts protected. Detection, not
# prevalence: the ranking says who detected and reported more, not where trafficking is larger.

# %%
detected = totals(protect(report.dataset("glotip").query(
    "indicator == 'trafficking_victims_detected' and measure == 'detected_count' and geo in @PARTICIPANTS")))
detected = common_year(detected)
page.section(t("glotip.heading"), t("glotip.lead"))
if detected["geo"].nunique() > 1:
    year = int(detected["year_end"].iloc[0])
    charts.show(charts.ranked_bar(detected, lang=lang, title=t("glotip.participants_title", year=year),
                                  catalog=cite))
    missing = [report.name(c) for c in PARTICIPANTS if c not in set(detected["geo"])]
    if missing:
        page.note(t("glotip.not_reported", year=year, places=", ".join(missing)))
    page.note(t("glotip.detection_note"))
else:
    blocks.gap_unverified(report, "glotip.participants_title", year="")
blocks.disclosure_note(report)

# %% [markdown] tags=["remove-cell"]
# ## Origin, transit or destination? The five southern and eastern countries
# The verdicts of each country brief side by side (rules: `traffickstats.briefing.roles`), with
# the latest share of foreign victims that traffickstats could compute from the GLOTIP rows.

# %%
page.section(t("roles.heading"), t("med.roles.lead"))
all_detected = totals(protect(report.dataset("glotip").query("indicator == 'trafficking_victims_detected'")))
table = []
for c in south_east:
    share = roles.foreign_share(flows, all_detected, c)
    computed = share.dropna(subset=["share_lower"]).tail(1)
    if len(computed):
        share_text = t("roles.latest", value=roles.share_text(report, computed.iloc[0]), year=int(computed["year"].iloc[0]))
    else:
        share_text = t("roles.share.not_computed")
    table.append([report.name(c)] + [t(f"roles.strength.{verdicts[c][role].strength}") for role in roles.ROLES]
                 + [share_text])
page.table([t(k) for k in ("col.country", "roles.role.origin", "roles.role.transit", "roles.role.destination",
                           "roles.col.share")], table)
report.keep(to_observations(used) if len(used) else None)
page.note(t("roles.share.note_short"))
page.note(t("roles.rules"))

# %% [markdown] tags=["remove-cell"]
# ## Walk Free Global Slavery Index (only with `gsi`)
# Modelled prevalence per 1,000 inhabitants: an estimate, labelled so; never a count.

# %%
gsi_rates = report.dataset("gsi").query("indicator == 'modern_slavery' and measure == 'rate' "
                                        "and geo in @PARTICIPANTS")
if "gsi" in report.datasets:
    page.section(t("gsi.heading"), t("gsi.lead"))
    if gsi_rates["geo"].nunique() > 1:
        charts.show(charts.ranked_bar(common_year(gsi_rates), lang=lang, title=t("gsi.rate_title"), catalog=cite))
    page.bullets([t("gsi.caveat"), t("pitfall.series")])

# %% [markdown] tags=["remove-cell"]
# ## Flows
# First the published shares (each with its base: what 100 % is), then the flows of detected
# victims by citizenship for the best-reported year: Sankey, map, corridor table and the
# Mediterranean routes. Censored "<5" cells stay ranges in every sum.

# %%
blocks.published_flows_table(report, [*PARTICIPANTS, "EU27", "WLD"])

# %%
flows = blocks.flow_rows(report, "glotip")
year = blocks.best_flow_year(flows, PARTICIPANTS)
if year is not None:
    one, mine = blocks.flows_in(report, flows, year, PARTICIPANTS)
    page.section(t("flows.glotip.heading"), t("flows.glotip.lead"))
    charts.show(sankey(mine, lang, scheme="unodc", keep=PARTICIPANTS,
                       title=t("flows.sankey_countries_title", year=year)))
    charts.show(flow_map(mine, lang, n=25, title=t("flows.map_title", year=year)))
    page.show_html(corridor_table(mine, lang, n=15, include_domestic=False))
    blocks.routes_table(report, one, year)
    blocks.set_aside_note(report, flows)
    blocks.disclosure_note(report)
else:
    page.gap(t("gap.no_flows", place=", ".join(report.name(p) for p in PARTICIPANTS)))

# %% [markdown] tags=["remove-cell"]
# ## Pitfalls, gaps and sources

# %%
blocks.pitfalls(report, ["national", "stock_vs_detected", "regions", "population", "shares", "source_quality"])
blocks.gaps(report, ["national_counts_europe", "inltp", "glotip_name", "wpp"])
blocks.sources(report)
