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
# One participant's published figures; with `glotip` set, the GLOTIP release's rows for it too.

# %% tags=["parameters"]
country = "TUN"  # ISO 3166 alpha-3 code
lang = "fr"  # report language: fr, en or ar
glotip = ""  # path of a UNODC GLOTIP release (xlsx), empty: bundled data only
ctdc = ""  # path of a CTDC file, empty: not used
gsi = ""  # path of the Walk Free GSI 2023 CSV, empty: not used

# %%
from traffickstats.reports import briefing as b

b.title(b.report_title("country_brief", lang, country=country))
b.paragraph(b.t("brief.country.intro", lang))
obs = b.observations(lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi)
mine = b.select(obs, geo=country, geo_scheme="iso3").sort_values(["indicator", "period_start"])
headline = b.totals(mine)

# %%
b.section(b.t("section.figures", lang))
if len(mine):
    b.headlines(mine, lang, [("trafficking_victims_detected", "detected_count"), ("iom_victims_assisted", "detected_count"),
                             ("trafficking_cases", "case_count"), ("persons_convicted", "justice_count")])
    b.table(headline if len(headline) else mine, lang)
else:
    b.gap(b.t("gap.no_data", lang, place=b.country_name(country, lang)))

# %%
b.sources(mine, lang)
