"""The participants: the nine-country table (shore, population, CETS 197, national law),
one country's profile, and what is missing for a country, said plainly.
"""

from __future__ import annotations

import pandas as pd

from .. import briefing as b
from .brief import Brief, fmt_date
from .legal import cets_status, law_reference, legal_rows
from .national import national_rows

#: The four European participants: no national victim counts are bundled for them.
EUROPE = ("FRA", "SRB", "BEL", "CHE")
SOUTH = ("TUN", "MAR", "DZA", "EGY", "LBN")


def _latest_population(iso3: str) -> pd.Series | None:
    """The country's most recent bundled population row (UN WPP), or None."""
    from ...reference import population

    pop = population(geo=iso3)
    if pop.empty:
        return None
    return pop.sort_values("year_start").iloc[-1]


def participants_table(brief: Brief) -> None:
    """The nine participants: shore, population (UN WPP 2024), CETS 197 status, national law."""
    from ... import geo

    b.section(brief.t("med.participants.heading"), brief.t("med.participants.lead"))
    legal = legal_rows()
    rows, cited = [], []
    shores = dict(zip(b.PARTICIPANTS, geo.region_of(list(b.PARTICIPANTS), "mediterranean", strict=False)))
    for iso3 in b.PARTICIPANTS:
        pop = _latest_population(iso3)
        status, sids = cets_status(brief, iso3, legal)
        law = legal[(legal["geo"] == iso3) & (legal["instrument"] == "national_law")]
        law_text = "—"
        if len(law):
            r = law.iloc[0]
            law_text = brief.t("law.ref", ref=law_reference(r["detail"], brief.lang) or "—",
                               date=fmt_date(r["date"], brief.lang))
            sids.append(r["source_id"])
        shore = shores.get(iso3)
        rows.append([
            brief.name(iso3),
            geo.region_name("mediterranean", shore, brief.lang) if shore else "—",
            # an exact population as published (no compacting: 12 277 109)
            b.format_number(pop["value"], brief.lang) if pop is not None else brief.t("no_data"),
            str(int(pop["year_start"])) if pop is not None else "",
            status, law_text,
        ])
        if pop is not None:
            cited.append(pop["source_id"])
        cited += sids
    b.rows_table([brief.t(k) for k in ("col.country", "col.shore", "col.population", "col.year",
                                       "col.cets197", "col.national_law")], rows, numeric=(2,))
    brief.keep(pd.DataFrame({"source_id": cited}))
    b.note(brief.t("med.participants.population_note"))
    b.note(brief.t("cets.tunisia_press"))


def profile(brief: Brief) -> None:
    """Name, population with its source, region memberships."""
    from ... import geo

    b.section(brief.t("cb.profile.heading"))
    iso3 = brief.country
    items = [brief.t("cb.profile.name", name=brief.name(iso3), code=iso3)]
    pop = _latest_population(iso3)
    if pop is not None:
        items.append(brief.t("cb.profile.population", value=b.format_number(pop["value"], brief.lang),
                             year=int(pop["year_start"]), source=brief.cite(pop["source_id"])))
        brief.keep(pd.DataFrame({"source_id": [pop["source_id"]]}))
    else:
        items.append(brief.t("gap.unverified", what=brief.t("what.population", country=brief.name(iso3))))
    for scheme, level_list in (("mediterranean", [None]), ("ilo2012", [None]), ("ilo5", [None]),
                               ("unodc", ["subregion", "region"]), ("eu", ["eu27"]), ("coe", ["membership"])):
        region = None
        for level in level_list:  # the finest level that places the country
            region = region or geo.region_of([iso3], scheme, level=level, strict=False)[0]
        if region:
            items.append(brief.t("cb.profile.region", scheme=brief.t(f"scheme.{scheme}"),
                                 region=geo.region_name(scheme, region, brief.lang)))
    b.bullets(items)


def country_gaps(brief: Brief) -> None:
    """What is missing for this country, said plainly."""
    b.section(brief.t("section.gaps"))
    iso3, name = brief.country, brief.name(brief.country)
    keys = []
    if iso3 in EUROPE:
        keys.append(("what.national_counts", {"country": name}))
    if iso3 == "SRB":
        keys.append(("what.srb_ratification", {}))
    if iso3 == "TUN":
        keys += [("what.inltp", {}), ("what.inltp_reports", {})]
    if iso3 in SOUTH:
        keys.append(("what.glotip_name", {}))
    if not keys and national_rows(brief, iso3).empty:
        keys.append(("what.national_counts", {"country": name}))
    for key, fmt in keys:
        b.gap(brief.t("gap.unverified", what=brief.t(key, **fmt)))
    if iso3 not in b.PARTICIPANTS:
        b.note(brief.t("cb.not_participant", country=name))
