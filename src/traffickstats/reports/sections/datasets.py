"""Sections drawn from the dataset files given to a report: UNODC GLOTIP (detected victims,
citizenship, justice), Walk Free GSI (modelled prevalence, labelled as an estimate) and CTDC
victim records. Counts go through ``disclosure.protect`` before anything is drawn; a section
whose file was not given says nothing (or, for GLOTIP in a country brief, how to add it).
"""

from __future__ import annotations

import pandas as pd

from ...disclosure import display_value
from .. import briefing as b
from .brief import Brief, default_places, protected
from .national import national_table


def glotip_participants(brief: Brief) -> None:
    """Detected victims reported to UNODC by the participants, one common year (GLOTIP file)."""
    if not brief.datasets.get("glotip"):
        return
    b.section(brief.t("glotip.heading"), brief.t("glotip.lead"))
    rows = protected(brief, "glotip", b.PARTICIPANTS)
    det = b.totals(b.select(rows, indicator="trafficking_victims_detected", measure="detected_count"))
    det = b.common_year(det[det["citizenship"].isna()])
    if det["geo"].nunique() > 1:
        brief.chart("ranked_bar", det, title=brief.t("glotip.participants_title",
                                                        year=int(det["year_end"].iloc[0])))
        missing = [brief.name(c) for c in b.PARTICIPANTS if c not in set(det["geo"])]
        if missing:
            b.note(brief.t("glotip.not_reported", year=int(det["year_end"].iloc[0]), places=", ".join(missing)))
    else:
        b.gap(brief.t("gap.unverified", what=brief.t("glotip.participants_title", year="")))
    b.note(b.t("note.disclosure", brief.lang, n=5))


def glotip_country(brief: Brief) -> None:
    """One country's GLOTIP rows: trend, sex, age, form, citizenship, justice (protected)."""
    if not brief.datasets.get("glotip"):
        b.note(brief.t("cb.glotip.hint"))
        return
    name = brief.name(brief.country)
    b.section(brief.t("glotip.heading"), brief.t("glotip.lead"))
    rows = protected(brief, "glotip", brief.country)
    det = b.select(rows, indicator="trafficking_victims_detected", measure="detected_count")
    if det.empty:
        b.gap(brief.t("gap.unverified", what=brief.t("what.glotip_country", country=name)))
        return
    plain = det[det["citizenship"].isna()]
    trend = b.totals(plain)
    brief.chart("time_series", trend, title=brief.t("glotip.trend_title", country=name))
    year = int(trend["year_end"].max()) if len(trend) else int(plain["year_end"].max())
    latest = plain[plain["year_end"] == year]
    for by, where, key in (("sex", dict(age="total", form="total"), "glotip.sex_title"),
                           ("age", dict(sex="total", form="total"), "glotip.age_title"),
                           ("form", dict(sex="total", age="total"), "glotip.form_title")):
        parts = b.select(latest, **where)
        parts = parts[parts[by] != "total"]
        if len(parts):
            brief.chart("ranked_bar", parts, by=by, title=brief.t(key, country=name, year=year))
    by_cit = b.totals(det[det["citizenship"].notna()])
    if len(by_cit):
        cyear = int(by_cit["year_end"].max())
        cit = by_cit[by_cit["year_end"] == cyear]
        cit = cit.assign(_k=cit["value"].fillna(-1)).sort_values("_k", ascending=False).drop(columns="_k")
        b.subsection(brief.t("glotip.citizenship_title", country=name, year=cyear))
        b.rows_table([brief.t("col.citizenship"), brief.t("col.value")],
                     [[_citizenship_name(c, brief.lang), display_value(r, brief.lang)] for c, (_i, r)
                      in zip(cit["citizenship"], cit.iterrows())], numeric=(1,))
        brief.keep(cit)
    justice_table(brief, rows)
    b.note(b.t("note.disclosure", brief.lang, n=5))


def _citizenship_name(code: str, lang: str) -> str:
    from ...flows import place_name

    if code == "nationals":
        return b.t("flows.nationals", lang)
    return place_name(code, "iso3" if len(code) == 3 and code.isupper() else "group", lang)


def justice_table(brief: Brief, rows: pd.DataFrame) -> None:
    """Suspected / prosecuted / convicted persons by year (totals only, protected values)."""
    j = b.totals(b.select(rows, measure="justice_count"))
    j = j[j["citizenship"].isna()]
    if j.empty:
        b.gap(brief.t("gap.unverified", what=brief.t("what.justice", country=brief.name(brief.country))))
        return
    b.subsection(brief.t("glotip.justice_title", country=brief.name(brief.country)))
    inds = [i for i in ("persons_suspected", "persons_prosecuted", "persons_convicted") if i in set(j["indicator"])]
    out = []
    for year in sorted(set(j["year_end"].astype(int))):
        line = [str(year)]
        for ind in inds:
            hit = j[(j["indicator"] == ind) & (j["year_end"] == year)]
            line.append(display_value(hit.iloc[0], brief.lang) if len(hit) else "—")
        out.append(line)
    b.rows_table([brief.t("col.year")] + [b.label("indicator", i, brief.lang) for i in inds], out,
                 numeric=tuple(range(1, len(inds) + 1)))
    brief.keep(j)
    b.note(brief.t("glotip.justice_note"))


def gsi_estimates(brief: Brief, places=None) -> None:
    """Walk Free GSI 2023 modelled prevalence: an estimate, labelled so (when ``gsi`` is given)."""
    if not brief.datasets.get("gsi"):
        return
    places = list(places or default_places(brief))
    b.section(brief.t("gsi.heading"), brief.t("gsi.lead"))
    rows = b.totals(brief.dataset("gsi"))
    rows = rows[rows["geo"].isin(places) & (rows["indicator"] == "modern_slavery")]
    if rows.empty:
        b.gap(brief.t("gap.unverified", what=brief.t("what.gsi", places=", ".join(brief.name(p) for p in places))))
        return
    rates = rows[rows["measure"] == "rate"]
    if len(places) == 1:
        for measure in ("rate", "estimate_stock"):
            brief.chart("headline", rows[rows["measure"] == measure].head(1))
    elif rates["geo"].nunique() > 1:
        brief.chart("ranked_bar", b.common_year(rates), title=brief.t("gsi.rate_title"))
    missing = [brief.name(p) for p in places if p not in set(rates["geo"])]
    if missing:
        b.gap(brief.t("gap.unverified", what=brief.t("what.gsi", places=", ".join(missing))))
    b.bullets([brief.t("gsi.caveat"), brief.t("pitfall.series")])


def ctdc_records(brief: Brief) -> None:
    """CTDC victim records for the country (protected), when a CTDC file is given."""
    if not brief.datasets.get("ctdc"):
        return
    b.section(brief.t("ctdc.heading"), brief.t("ctdc.lead"))
    rows = protected(brief, "ctdc", brief.country)
    if rows.empty:
        b.gap(brief.t("ctdc.none", country=brief.name(brief.country)))
        return
    totals = b.totals(rows)
    national_table(brief, totals.sort_values("year_start") if len(totals) else rows)
