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
# Corridors, Sankey and map of detected victims by citizenship, for one country (`country`) or the
# participants (`region`), from GLOTIP / CTDC when given; otherwise the published report shares.

# %% tags=["parameters"]
region = "mediterranean"  # mediterranean: the nine participants
country = ""  # ISO3 code, when set: flows to and from this country only
lang = "fr"  # report language: fr, en or ar
glotip = ""  # path of a UNODC GLOTIP release (xlsx), empty: bundled data only
ctdc = ""  # path of a CTDC file, empty: not used
gsi = ""  # path of the Walk Free GSI 2023 CSV, empty: not used
names = ""  # reviewed names file for the datasets' country labels (data harmonize), empty: none

# %%
from traffickstats.reports import sections as s

brief = s.start("flows", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names, country=country, region=region)

# %%
s.dataset_flows(brief, "glotip")

# %%
s.dataset_flows(brief, "ctdc")

# %%
s.published_flows(brief)

# %%
s.pitfalls(brief, ["proxy", "shares", "regions"])

# %%
s.sources(brief)
