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
# # Global overview / Vue d'ensemble mondiale
# The "21 millions" in context: ILO 2012 by region, form, sex and age; what it measures; the later
# GEMS estimates; ILO profits; UNODC detected victims as a different measure. Each cell calls one
# function of `traffickstats.reports.sections`; the visible text is in the report language.

# %% tags=["parameters"]
lang = "fr"  # report language: fr, en or ar
glotip = ""  # path of a UNODC GLOTIP release (xlsx), empty: bundled data only
ctdc = ""  # path of a CTDC file, empty: not used
gsi = ""  # path of the Walk Free GSI 2023 CSV, empty: not used
names = ""  # reviewed names file for the datasets' country labels (data harmonize), empty: none

# %%
from traffickstats.reports import sections as s

brief = s.start("global_overview", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names)

# %%
s.ilo2012(brief)

# %%
s.ilo2012_regions(brief)

# %%
s.ilo2012_profile(brief)

# %%
s.later_estimates(brief)

# %%
s.profits(brief)

# %%
s.detected_vs_estimated(brief)

# %%
s.gsi_estimates(brief)

# %%
s.pitfalls(brief, ["stock_vs_detected", "periods", "concepts", "series", "regions", "rounding", "per_victim"])

# %%
s.gaps(brief, ["ilo2012_ci", "gems_regions", "glotip_global"])

# %%
s.sources(brief)
