"""Treaties, laws and institutions from the bundled legal status rows: a country's legal
framework section, and the CETS 197 status and law reference the participants table uses.

Law numbers and US TIP tiers are read from a row's published detail, never made up: when a
detail names no number, the cell says "—".
"""

from __future__ import annotations

import re

import pandas as pd

from .. import briefing as b
from .brief import Brief, fmt_date

_LEGAL_COLUMNS = ["fact_id", "source_id", "geo", "instrument", "event", "date", "detail", "evidence", "note"]


def legal_rows() -> pd.DataFrame:
    """The bundled legal status rows; an empty frame with the columns when there are none."""
    from ...reference import legal_status

    legal = legal_status()
    if legal.empty:
        return pd.DataFrame(columns=_LEGAL_COLUMNS)
    return legal


def law_reference(detail: str, lang: str) -> str:
    """The law or decree number in a legal-status detail, written the ``lang`` way:
    "Law No. 64 of 2010" -> "n° 64" (fr) / "No. 64" (en) / "رقم 64" (ar); "2016-61" likewise."""
    if not isinstance(detail, str):
        return ""
    m = re.search(r"(?:n°|No\.)\s*(\d+(?:-\d+)?)|\b(\d{2,4}-\d{2,3})\b", detail)
    return b.t("law.number", lang, num=m.group(1) or m.group(2)) if m else ""


def _rating(detail: str) -> str:
    """The US TIP tier named in a detail ("Tier 2 Watch List"), a proper name kept as published."""
    m = re.match(r"(Tier [0-9][^;(]*)", detail or "")
    return m.group(1).strip() if m else ""


def cets_status(brief: Brief, iso3: str, legal: pd.DataFrame) -> tuple[str, list[str]]:
    """(status text, source ids) of CETS 197 for one country, from the legal status rows."""
    rows = legal[(legal["geo"] == iso3) & (legal["instrument"] == "coe_cets197")]
    events = set(rows["event"])
    invited = rows[rows["event"] == "invited"]
    if "party" in events:
        key = "cets.party"
    elif "not_party" in events and len(invited):
        return (brief.t("cets.invited_not_party", year=fmt_date(invited.iloc[0]["date"], brief.lang)),
                list(rows["source_id"]))
    elif "not_party" in events:
        key = "cets.not_party"
    else:
        return brief.t("cets.unknown"), []
    force = rows[rows["event"].isin(["entry_into_force", "ratified"]) & rows["date"].notna()]
    text = brief.t(key)
    if len(force):
        f = force.iloc[-1]  # the file lists ratification before entry into force
        text += brief.t("cets.since", event=brief.t(f"event.{f['event']}"), date=fmt_date(f["date"], brief.lang))
    return text, list(rows["source_id"])


def legal_framework(brief: Brief) -> None:
    """One country's treaties, laws and institutions (legal status rows), with the CETS 197 status."""
    b.section(brief.t("cb.legal.heading"))
    legal = legal_rows()
    mine = legal[legal["geo"] == brief.country]
    status, sids = cets_status(brief, brief.country, legal)
    b.paragraph(brief.t("cb.legal.cets", country=brief.name(brief.country), status=status))
    brief.keep(pd.DataFrame({"source_id": sids}))
    if mine.empty:
        b.gap(brief.t("gap.unverified", what=brief.t("what.legal", country=brief.name(brief.country))))
        return
    rows = []
    for _i, r in mine.iterrows():
        ref = _rating(r["detail"]) if r["instrument"] == "us_tip_tier" else law_reference(r["detail"], brief.lang)
        rows.append([brief.t(f"instrument.{r['instrument']}"), brief.t(f"event.{r['event']}"),
                     fmt_date(r["date"], brief.lang), ref or "—", brief.cite(r["source_id"])])
    b.rows_table([brief.t(k) for k in ("col.instrument", "col.event", "col.date", "col.reference",
                                       "col.source")], rows)
    brief.keep(mine[["source_id"]])
    if brief.country == "TUN":
        b.note(brief.t("cets.tunisia_press"))
