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
# The conference's nine participants side by side, as published (no figure is estimated here).

# %% tags=["parameters"]
lang = "fr"  # report language: fr, en or ar
glotip = ""  # path of a UNODC GLOTIP release (xlsx), empty: bundled data only
ctdc = ""  # path of a CTDC file, empty: not used
gsi = ""  # path of the Walk Free GSI 2023 CSV, empty: not used

# %%
from traffickstats.reports import briefing as b

b.title(b.report_title("mediterranean_brief", lang))
b.paragraph(b.t("brief.med.intro", lang))
obs = b.observations(lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi)
med = b.order_by_participants(b.totals(b.select(obs, geo=list(b.PARTICIPANTS), geo_scheme="iso3")))
shores = b.totals(b.select(obs, geo_scheme="mediterranean"))

# %%
b.section(b.t("section.participants", lang))
if len(med):
    detected = b.common_year(b.select(med, indicator="trafficking_victims_detected", measure="detected_count"))
    if detected["geo"].nunique() > 1:
        b.chart("ranked_bar", detected, lang)
    b.table(med, lang)
else:
    b.gap(b.t("gap.no_data", lang, place=", ".join(b.country_name(c, lang) for c in b.PARTICIPANTS)))
if len(shores):
    b.table(shores, lang)

# %%
b.sources(b.select(obs, geo=list(med["geo"]) + list(shores["geo"])), lang)
