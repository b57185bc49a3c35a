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
# # Country brief / Note pays
# One country: profile, legal framework, national figures with sources; with `glotip` the
# GLOTIP release's detected victims and justice figures (small counts protected); with `gsi` the
# Walk Free modelled estimate, labelled as such; and the data gaps.

# %% tags=["parameters"]
country = "TUN"  # ISO 3166 alpha-3 code
lang = "fr"  # report language: fr, en or ar
glotip = ""  # path of a UNODC GLOTIP release (xlsx), empty: bundled data only
ctdc = ""  # path of a CTDC file, empty: not used
gsi = ""  # path of the Walk Free GSI 2023 CSV, empty: not used
names = ""  # reviewed names file for the datasets' country labels (data harmonize), empty: none

# %%
from traffickstats.reports import sections as s

brief = s.start("country_brief", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names, country=country)

# %%
s.profile(brief)

# %%
s.legal_framework(brief)

# %%
s.national_figures(brief, cards=True)

# %%
s.glotip_country(brief)

# %%
s.gsi_estimates(brief)

# %%
s.ctdc_records(brief)

# %%
s.country_gaps(brief)

# %%
s.sources(brief)
