"""« Pays d'origine, de transit ou de destination ? »: what the published data can say.

For one country, from the GLOTIP flow table (victims by citizenship and country of detection,
after small-count protection) and the bundled national figures:

- :func:`foreign_share`: per year with a citizenship breakdown, the victims detected in the
  country who are foreign, nationals or of unknown citizenship (bounds for "<5" cells), the
  total detected, and the share of foreign victims among those of stated citizenship,
  **computed by traffickstats** (a range when cells are censored; not computed when the
  breakdown covers only part of the total);
- :func:`citizenships_detected`: the foreign citizenships detected in the country, with the
  years each was reported and its latest figure;
- :func:`detected_abroad`: the countries whose rows report the country's nationals as victims;
- :func:`national_rows`: the bundled national figures by citizenship (with their ``base``);
- :func:`verdicts`: one verdict per role, worded by the strength of the evidence.

**Rules of the verdicts** (the page states them, :data:`RULES`). A *published figure* is an
exact count (not a "<5" cell) or a bundled national figure (facts.md, ``fact_id``).

- Destination: *supported* when foreign victims were detected in the country in at least two
  years with a published figure of 5 or more, or a bundled national figure gives foreign
  victims from a primary source; *suggested* when foreign victims appear only as "<5" cells,
  in one year only, or only in secondary sources; *not verifiable* without any.
- Origin: the same test on the country's nationals detected **abroad** (other countries' rows):
  at least two published figures of 5 or more (country-years) make it *supported*.
- Transit: detection data record the country of detection and the victims' citizenship, not
  the route; no verified published figure on transit exists in the bundled data, so transit is
  *not verifiable from published data*, whatever the other roles say.

Detection measures what authorities found, not how much trafficking there is: a rise can be
more detection. Nothing here says "published" of a share it computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..flows import total
from ..flows.table import CROSS_BORDER_GROUPS, UNKNOWN_GROUPS
from .report import Report

__all__ = ["ROLES", "STRENGTHS", "Verdict", "foreign_share", "citizenships_detected", "detected_abroad",
           "national_rows", "verdicts", "share_text", "years_text", "SHORES"]

ROLES = ("origin", "transit", "destination")
STRENGTHS = ("supported", "suggested", "unverifiable")
#: Shores whose countries get the section (the southern and eastern participants).
SHORES = ("south_shore", "east_shore")
#: A published figure at or above this is evidence on its own (smaller counts are "<5").
EVIDENCE_MIN = 5
#: Victim indicators whose national rows by citizenship speak to a role.
VICTIM_INDICATORS = ("trafficking_victims_detected", "victims_registered", "trafficking_notifications",
                     "iom_victims_assisted")


@dataclass
class Verdict:
    """One role of one country: how strong the evidence is, and the words for it."""

    role: str  # origin | transit | destination
    strength: str  # supported | suggested | unverifiable
    text: str  # the verdict sentence in the report language
    sources: list[str] = field(default_factory=list)  # source ids the verdict rests on


def _exact(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a published figure of :data:`EVIDENCE_MIN` or more (not a censored cell)."""
    return frame[~frame["censored"] & (frame["value"] >= EVIDENCE_MIN)]


def _foreign(flows: pd.DataFrame) -> pd.Series:
    return ~flows["domestic"] & ~flows["origin"].isin(list(UNKNOWN_GROUPS)) & (
        (flows["origin_scheme"] == "iso3") | flows["origin"].isin(list(CROSS_BORDER_GROUPS)))


def foreign_share(flows: pd.DataFrame, detected: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Per year: ``total`` (the country's detected-victims total row, or NaN), the sums of the
    citizenship rows (``foreign``, ``nationals``, ``unknown``, each ``_value``/``_lower``/
    ``_upper``/``_cells``), ``complete`` (the rows add up to the total, within their bounds)
    and the share of foreign victims among those of stated citizenship (``share``,
    ``share_lower``, ``share_upper``, percent; NaN when the breakdown is incomplete)."""
    mine = flows[(flows["destination"] == iso3) & (flows["year_start"] == flows["year_end"])]
    tot = detected[(detected["geo"] == iso3) & detected["citizenship"].isna()]
    rows = []
    for year, g in mine.groupby("year_end", sort=True):
        parts = {"foreign": g[_foreign(g)], "nationals": g[g["domestic"]],
                 "unknown": g[g["origin"].isin(list(UNKNOWN_GROUPS))]}
        r = {"year": int(year)}
        for name, part in parts.items():
            s = total(part)
            r.update({f"{name}_value": s["value"], f"{name}_lower": s["lower"], f"{name}_upper": s["upper"],
                      f"{name}_cells": s["censored_cells"]})
        t = tot[tot["year_end"] == year]
        r["total"] = float(t["value"].iloc[0]) if len(t) and not bool(t["censored"].iloc[0]) else math.nan
        r["total_row"] = t.iloc[0] if len(t) else None
        lo, hi = total(g)["lower"], total(g)["upper"]
        r["complete"] = bool(not math.isnan(r["total"]) and lo <= r["total"] <= hi)
        f = (r["foreign_value"], r["foreign_lower"], r["foreign_upper"])
        n = (r["nationals_value"], r["nationals_lower"], r["nationals_upper"])
        share = (math.nan, math.nan, math.nan)
        if r["complete"] and (f[2] + n[2]) > 0:
            from ..flows.analysis import _share_bounds

            share = _share_bounds(f, n)
        r["share"], r["share_lower"], r["share_upper"] = share
        rows.append(r)
    return pd.DataFrame(rows)


def citizenships_detected(flows: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Foreign citizenships detected in ``iso3``: ``origin``, ``years`` (sorted list), the
    latest year's flow row (``latest``), and ``exact_years`` (years with a published figure >= 5)."""
    mine = flows[(flows["destination"] == iso3)]
    mine = mine[_foreign(mine)]
    out = []
    for origin, g in mine.groupby("origin", sort=False):
        g = g.sort_values("year_end")
        out.append({"origin": origin, "origin_scheme": g["origin_scheme"].iloc[-1],
                    "years": [int(y) for y in g["year_end"]], "latest": g.iloc[-1],
                    "exact_years": [int(y) for y in _exact(g)["year_end"]]})
    out.sort(key=lambda r: (-(r["latest"]["lower"]), -r["latest"]["year_end"], r["origin"]))
    return pd.DataFrame(out, columns=["origin", "origin_scheme", "years", "latest", "exact_years"])


def detected_abroad(flows: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Countries whose rows report ``iso3``'s nationals as victims: ``destination``, ``years``,
    ``latest`` (the latest flow row), ``exact_years``."""
    mine = flows[(flows["origin"] == iso3) & ~flows["domestic"]]
    out = []
    for dest, g in mine.groupby("destination", sort=False):
        g = g.sort_values("year_end")
        out.append({"destination": dest, "years": [int(y) for y in g["year_end"]], "latest": g.iloc[-1],
                    "exact_years": [int(y) for y in _exact(g)["year_end"]]})
    out.sort(key=lambda r: (-(r["latest"]["lower"]), -r["latest"]["year_end"], r["destination"]))
    return pd.DataFrame(out, columns=["destination", "years", "latest", "exact_years"])


def national_rows(report: Report, iso3: str) -> pd.DataFrame:
    """The bundled national figures on victims by citizenship for ``iso3`` (shares carry their
    ``base``), as published, each with its fact id."""
    b = report.bundled
    rows = b[(b["geo"] == iso3) & (b["geo_scheme"] == "iso3") & b["citizenship"].notna()
             & b["indicator"].isin(list(VICTIM_INDICATORS))]
    return rows.sort_values(["year_start", "year_end", "indicator"], kind="stable")


def share_text(report: Report, row) -> str:
    """A row of :func:`foreign_share` as the page writes its share: "39 %", "entre 57 % et
    65 %" (censored cells), or "non calculée" (partial breakdown)."""
    from .blocks import percent

    lo, hi = row["share_lower"], row["share_upper"]
    if pd.isna(lo):
        return report.t("roles.share.not_computed")
    value = row["share"] if pd.notna(row["share"]) else (lo if lo == hi else None)
    if value is not None:
        return report.t("roles.share.value", value=percent(value, report.lang))
    return report.t("roles.share.range", lower=percent(lo, report.lang), upper=percent(hi, report.lang))


def years_text(years, lang: str) -> str:
    """2012 / 2012-2016 (consecutive) / 2008, 2012 et 2016."""
    from ..i18n import _

    years = sorted(set(int(y) for y in years))
    if not years:
        return ""
    if len(years) == 1:
        return str(years[0])
    if years == list(range(years[0], years[-1] + 1)):
        return _("fmt.period_span", lang, start=years[0], end=years[-1])
    return _("fmt.comma", lang).join(map(str, years[:-1])) + _("fmt.and", lang) + str(years[-1])


def verdicts(report: Report, iso3: str, flows: pd.DataFrame) -> list[Verdict]:
    """Origin, transit and destination for ``iso3``, in that order (rules: module docstring)."""
    t, name = report.t, report.name(iso3)
    glotip = [r.source_id for k, r in report.datasets.items() if k == "glotip"]
    cite = report.cite(glotip[0]) if glotip else ""
    national = national_rows(report, iso3)
    nat_foreign = national[~national["citizenship"].isin(["nationals", "unknown", iso3])]
    out = []

    # destination
    cits = citizenships_detected(flows, iso3)
    exact_years = sorted({y for ys in cits["exact_years"] for y in ys})
    all_years = sorted({y for ys in cits["years"] for y in ys})
    primary = nat_foreign[nat_foreign["evidence"] == "primary"]
    facts = ", ".join(dict.fromkeys(nat_foreign["fact_id"].dropna()))
    pieces = []
    if all_years:
        pieces.append(t("roles.ev.foreign_detected", n=len(cits), country=name,
                        years=years_text(all_years, report.lang), source=cite))
    if len(nat_foreign):
        pieces.append(t("roles.ev.national", facts=facts))
    evidence = t("fmt.list_sep").join(pieces)
    if len(exact_years) >= 2 or len(primary):
        strength, text = "supported", t("roles.supported", evidence=evidence)
    elif all_years or len(nat_foreign):
        if not exact_years and all_years and not len(nat_foreign):
            limit = t("roles.limit.censored_only")
        elif len(exact_years) == 1 and not len(nat_foreign):
            limit = t("roles.limit.one_year", year=exact_years[0])
        else:
            limit = t("roles.limit.secondary")
        strength, text = "suggested", t("roles.suggested", evidence=evidence, limit=limit)
    else:
        strength, text = "unverifiable", t("roles.unverifiable", reason=t("roles.reason.no_foreign", country=name))
    out_dest = Verdict("destination", strength, text,
                       (glotip if all_years else []) + list(dict.fromkeys(nat_foreign["source_id"])))

    # origin
    abroad = detected_abroad(flows, iso3)
    exact = sum(len(ys) for ys in abroad["exact_years"])
    years = sorted({y for ys in abroad["years"] for y in ys})
    if len(abroad):
        evidence = t("roles.ev.abroad", n=len(abroad), country=name, years=years_text(years, report.lang),
                     source=cite)
    if exact >= 2:
        strength, text = "supported", t("roles.supported", evidence=evidence)
    elif len(abroad):
        limit = t("roles.limit.censored_only") if exact == 0 else t("roles.limit.one_figure")
        strength, text = "suggested", t("roles.suggested", evidence=evidence, limit=limit)
    else:
        strength, text = "unverifiable", t("roles.unverifiable", reason=t("roles.reason.no_abroad", country=name))
    out.append(Verdict("origin", strength, text, glotip if len(abroad) else []))

    # transit: never measured by detection data
    out.append(Verdict("transit", "unverifiable", t("roles.unverifiable", reason=t("roles.reason.transit"))))
    out.append(out_dest)
    return out
