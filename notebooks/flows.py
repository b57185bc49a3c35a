# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# # Flows / Flux
# Detected victims by citizenship or origin, for one country (`country`) or the participants (`region`).

# %% tags=["parameters"]
region = "mediterranean"  # mediterranean: the nine participants
country = ""  # ISO3 code, when set: flows to and from this country only
lang = "fr"  # report language: fr, en or ar
glotip = ""  # path of a UNODC GLOTIP release (xlsx), empty: bundled data only
ctdc = ""  # path of a CTDC file, empty: not used
gsi = ""  # path of the Walk Free GSI 2023 CSV, empty: not used

# %%
from traffickstats.reports import briefing as b

places = [country] if country else list(b.PARTICIPANTS)
place = b.country_name(country, lang) if country else region
b.title(b.report_title("flows", lang, country=country, region=region))
b.paragraph(b.t("brief.flows.intro", lang))
obs = b.observations(lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi)
flows = obs[obs["citizenship"].notna() & (obs["geo"].isin(places) | obs["citizenship"].isin(places))]

# %%
if len(flows):
    b.table(b.order_by_participants(flows), lang,
            columns=("indicator", "geo", "citizenship", "period", "value", "unit", "source_id"))
else:
    b.gap(b.t("gap.no_flows", lang, place=place))

# %%
b.sources(flows, lang)
