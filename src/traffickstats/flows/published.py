"""Flows as the reports published them: shares by citizenship or region of origin, never counts.

When no dataset is supplied a briefing can still tell the flow story from the bundled figures
(``traffickstats.reference``): GLOTIP 2016's shares of detected victims by region of origin
(GLOTIP16-05) and domestic vs cross-border (GLOTIP16-02), Tunisia's nationality shares
(TUN-04b, TUN-10), IOM Tunisia's Ivorian share (TUN-14), Eurostat's EU / non-EU citizens...
These are *percentages of different bases* (all detected victims in the world, notifications
received in Tunisia, IOM's caseload, foreign victims only): they are listed, labelled "report
figures: shares, not counts", and never added to, or drawn with, the counts of a flow table.
"""

from __future__ import annotations

import pandas as pd

from .. import periods
from ..formatting import format_percent, format_range, qualified
from ..i18n import _, label
from .charts import place_name

__all__ = ["published_flows", "PUBLISHED_COLUMNS", "VICTIM_INDICATORS"]

#: Indicators whose shares by citizenship describe victims (offenders' citizenship is not a flow).
VICTIM_INDICATORS = ("trafficking_victims_detected", "victims_registered", "trafficking_notifications",
                     "iom_victims_assisted")

PUBLISHED_COLUMNS = ["figure_kind", "fact_id", "destination", "destination_scheme", "destination_name",
                     "origin", "origin_name", "period_start", "period_end", "period", "indicator",
                     "indicator_name", "share", "share_lower", "share_upper", "share_text", "base",
                     "evidence", "source_id", "citation"]


def _origin_name(code: str, lang: str) -> str:
    from .. import geo

    if code == "nationals":
        return _("flows.nationals", lang)
    if code in ("foreign", "eu_other", "non_eu", "other_region", "other_africa", "other", "unknown"):
        key = f"flows.region.{code}"
        from ..i18n import has

        if has(key):
            return _(key, lang)
        return code
    if len(code) == 3 and code.isupper():
        return place_name(code, "iso3", lang)
    t = geo.scheme_table()
    hit = t[t["region"] == code]
    return place_name(code, hit["scheme"].iloc[0], lang) if len(hit) else code


def published_flows(lang: str = "fr", fact=None) -> pd.DataFrame:
    """The bundled report figures that describe flows, as a labelled table of shares.

    One row per published share by citizenship / region of origin (``figure_kind`` = "share"),
    with the place of detection, the origin, the period, the share as published (``share_text``:
    "79,2 %", « plus de 80 % » or a range), the ``base`` it is a share of (the row's ``base``,
    in English) and the citation in
    ``lang``. ``fact`` filters fact ids (e.g. ``["TUN-04b", "TUN-10"]``). The table's
    ``attrs["caption"]`` is "Chiffres de rapports : des parts, pas des effectifs".
    """
    from ..reference import citation, observations

    obs = observations(fact=fact) if fact is not None else observations()
    obs = obs[obs["citizenship"].notna() & (obs["measure"] == "share")
              & obs["indicator"].isin(VICTIM_INDICATORS)].reset_index(drop=True)
    rows = []
    cite_lang = lang if lang in ("fr", "en") else "en"
    for _i, r in obs.iterrows():
        s, e = int(r["year_start"]), int(r["year_end"])
        if pd.notna(r["value"]):
            text = qualified(format_percent(r["value"], lang), r["qualifier"], lang)  # "plus de 80 %"
        else:
            text = format_range(r["lower"], r["upper"], lang, unit="percent")
        rows.append({
            "figure_kind": "share", "fact_id": r["fact_id"], "destination": r["geo"],
            "destination_scheme": r["geo_scheme"],
            "destination_name": place_name(r["geo"], r["geo_scheme"], lang) if r["geo_scheme"] != "world"
            else _geo_world(lang),
            "origin": r["citizenship"], "origin_name": _origin_name(r["citizenship"], lang),
            "period_start": s, "period_end": e,
            "period": periods.label(r["period_start"], r["period_end"], lang),
            "indicator": r["indicator"], "indicator_name": label("indicator", r["indicator"], lang),
            "share": r["value"], "share_lower": r["lower"], "share_upper": r["upper"],
            "share_text": text, "base": r["base"] if isinstance(r["base"], str) else r["note"], "evidence": r["evidence"],
            "source_id": r["source_id"], "citation": citation(r["source_id"], cite_lang),
        })
    out = pd.DataFrame(rows, columns=PUBLISHED_COLUMNS)
    out.attrs["caption"] = _("flows.published.caption", lang)
    return out


def _geo_world(lang: str) -> str:
    return place_name("WLD", "world", lang)
