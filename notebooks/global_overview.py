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
# Rendered by `traffickstats report global_overview` or `traffickstats pack`; the visible text comes
# from `traffickstats.reports.briefing` in the report language.

# %% tags=["parameters"]
lang = "fr"  # report language: fr, en or ar
glotip = ""  # path of a UNODC GLOTIP release (xlsx), empty: bundled data only
ctdc = ""  # path of a CTDC file, empty: not used
gsi = ""  # path of the Walk Free GSI 2023 CSV, empty: not used

# %%
from traffickstats.reports import briefing as b

b.title(b.report_title("global_overview", lang))
b.paragraph(b.t("brief.global.intro", lang))
obs = b.observations(lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi)
world = b.totals(b.select(obs, geo_scheme="world"))

# %%
b.section(b.t("section.headline", lang))
if len(world):
    b.headlines(world, lang, [("modern_slavery", "estimate_stock"), ("forced_labour", "estimate_stock"),
                              ("forced_marriage", "estimate_stock"), ("illegal_profits", "money_estimate"),
                              ("trafficking_victims_detected", "detected_count")])
    b.table(world, lang)
else:
    b.gap(b.t("gap.no_data", lang, place="WLD"))

# %%
b.sources(world, lang)
