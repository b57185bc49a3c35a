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
# # Mediterranean brief / Note Méditerranée
# The nine participants on both shores: population, Council of Europe convention status, national
# and EU figures with their sources, and flows between the shores. Nothing is estimated here.

# %% tags=["parameters"]
lang = "fr"  # report language: fr, en or ar
glotip = ""  # path of a UNODC GLOTIP release (xlsx), empty: bundled data only
ctdc = ""  # path of a CTDC file, empty: not used
gsi = ""  # path of the Walk Free GSI 2023 CSV, empty: not used
names = ""  # reviewed names file for the datasets' country labels (data harmonize), empty: none

# %%
from traffickstats.reports import sections as s

brief = s.start("mediterranean_brief", lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names)

# %%
s.participants_table(brief)

# %%
s.national_figures(brief)

# %%
s.eu_figures(brief)

# %%
s.glotip_participants(brief)

# %%
s.gsi_estimates(brief)

# %%
s.published_flows(brief)

# %%
s.dataset_flows(brief, "glotip")

# %%
s.pitfalls(brief, ["national", "stock_vs_detected", "regions", "population", "shares", "source_quality"])

# %%
s.gaps(brief, ["national_counts_europe", "inltp", "glotip_name", "wpp"])

# %%
s.sources(brief)
