"""Blocks several briefing notebooks share: the datasets used, national figures and legal
status tables, published flow shares, comparison pitfalls, data gaps and the sources.

What one notebook alone shows lives in that notebook. Blocks write tables and words; charts
are made in the notebooks' own cells. Every figure shown is a published (bundled) or loaded
row, never computed or rounded out; a missing figure is said with :func:`gap_unverified`.
Every table here protects its rows first (:func:`traffickstats.disclosure.protect`), writes
values with their qualifier ("environ 1 100"), periods as precise as the source and shares
with their base, and shows a figure published under two labels once, saying so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..disclosure import display_value, protect
from ..formatting import format_number
from ..i18n import label
from ..schema import COUNT_MEASURES
from . import page
from .report import Report
from .select import matching, totals

#: Order of indicators in national tables: victims first, then cases, then the justice chain.
INDICATOR_ORDER = ("trafficking_victims_detected", "victims_registered", "trafficking_cases",
                   "trafficking_notifications", "trafficking_complaints", "iom_victims_assisted",
                   "persons_suspected", "persons_prosecuted", "persons_convicted")


# --- around the data ----------------------------------------------------------------------

def datasets_used(report: Report) -> None:
    """Which dataset files the page read: each release (its date), and whether it is the extract
    shipped with traffickstats or a file given; how many rows their loaders refused."""
    if not report.datasets:
        return
    items = []
    for r in report.datasets.values():
        release = fmt_date(r.release, report.lang) if r.release else report.t("datasets.release_unknown")
        key = "datasets.bundled" if r.bundled else "datasets.file"
        items.append(report.t(key, source=report.cite(r.source_id), release=release,
                              file=Path(r.file).name if r.file else ""))
    page.note(report.t("datasets.loaded", items=report.t("fmt.list_sep").join(items)))
    for name, count in report.rejected.items():
        record = report.datasets.get(name)
        if count and record is not None and record.bundled:
            page.note(report.t("gap.rejects_release", count=count))
        elif count:
            page.note(report.t("gap.rejects", count=count))


def gap_unverified(report: Report, what_key: str, **fmt) -> None:
    """« Aucune donnée publiée vérifiée pour … : lacune signalée, non comblée »."""
    page.gap(report.t("gap.unverified", what=report.t(what_key, **fmt)))


def disclosure_note(report: Report) -> None:
    page.note(report.t("note.disclosure", n=5))


# --- national figures ---------------------------------------------------------------------

def national_rows(report: Report, iso3: str) -> pd.DataFrame:
    """Bundled counts for one country, as published: the totals, or (when a country has no
    total) its published breakdowns; victims first, then cases, then the justice chain."""
    rows = matching(report.bundled, geo=iso3, geo_scheme="iso3", measure=list(COUNT_MEASURES))
    rows = rows[rows["citizenship"].isna()]
    if len(totals(rows)):
        rows = totals(rows)
    rank = {ind: i for i, ind in enumerate(INDICATOR_ORDER)}
    return rows.assign(_r=rows["indicator"].map(rank).fillna(len(rank))).sort_values(
        ["_r", "indicator", "year_start", "year_end"], kind="stable").drop(columns="_r")


def national_table(report: Report, rows: pd.DataFrame) -> None:
    """Rows as a table: indicator, period, value (protected wording, with its qualifier), unit,
    evidence, source; a figure published under two labels (INLTP's 1,313 as « victimes » and
    « cas ») is one row, and a note under the table says it was relabelled."""
    from ..charts.labels import period_label, same_figure_note, series_label
    from ..reference import show_once

    if rows is None or len(rows) == 0:
        return
    rows = show_once(protect(rows))
    out = [[series_label(r, report.lang), period_label(r, report.lang), display_value(r, report.lang),
            label("unit", r["unit"], report.lang), report.t(f"evidence.{r['evidence']}"),
            report.cite(r["source_id"])] for _i, r in rows.iterrows()]
    page.table([report.t(k) for k in ("col.indicator", "col.period", "col.value", "col.unit",
                                      "col.evidence", "col.source")], out, numeric=(2,))
    for _i, r in rows[rows["also_published_as"].map(len) > 0].iterrows():
        page.note(report.t("nat.same_figure", shown=series_label(r, report.lang)[:1].upper()
                           + series_label(r, report.lang)[1:], period=period_label(r, report.lang),
                           value=display_value(r, report.lang),
                           labels=same_figure_note(r, report.lang, labels_only=True)))
    report.keep(rows)


def latest_population(iso3: str) -> pd.Series | None:
    """The country's most recent bundled population row (UN WPP 2024), or None."""
    from ..reference import population

    pop = population(geo=iso3)
    return None if pop.empty else pop.sort_values("year_start").iloc[-1]


# --- legal status -------------------------------------------------------------------------

def legal_rows() -> pd.DataFrame:
    """The bundled legal status rows (treaties, laws, institutions)."""
    from ..reference import legal_status

    return legal_status()


def fmt_date(text, lang: str) -> str:
    """'2016-08-03' -> '3 août 2016' (babel); a year stays a year; empty -> '—'."""
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        return "—"
    text = str(text).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        from babel.dates import format_date

        from ..formatting import babel_locale

        return format_date(pd.Timestamp(text).date(), format="long", locale=babel_locale(lang))
    return text


def law_reference(detail, lang: str) -> str:
    """The law or decree number in a legal-status detail, written the ``lang`` way:
    "Law No. 64 of 2010" -> "n° 64" (fr) / "No. 64" (en) / "رقم 64" (ar); "2016-61" likewise."""
    from ..i18n import _

    if not isinstance(detail, str):
        return ""
    m = re.search(r"(?:n°|No\.)\s*(\d+(?:-\d+)?)|\b(\d{2,4}-\d{2,3})\b", detail)
    return _("law.number", lang, num=m.group(1) or m.group(2)) if m else ""


def cets_status(report: Report, iso3: str, legal: pd.DataFrame) -> tuple[str, list[str]]:
    """(status text, source ids) of the Council of Europe Convention (CETS 197) for one country."""
    rows = legal[(legal["geo"] == iso3) & (legal["instrument"] == "coe_cets197")]
    events = set(rows["event"])
    invited = rows[rows["event"] == "invited"]
    if "party" in events:
        key = "cets.party"
    elif "not_party" in events and len(invited):
        return (report.t("cets.invited_not_party", year=fmt_date(invited.iloc[0]["date"], report.lang)),
                list(rows["source_id"]))
    elif "not_party" in events:
        key = "cets.not_party"
    else:
        return report.t("cets.unknown"), []
    force = rows[rows["event"].isin(["entry_into_force", "ratified"]) & rows["date"].notna()]
    text = report.t(key)
    if len(force):
        f = force.iloc[-1]  # the file lists ratification before entry into force
        text += report.t("cets.since", event=report.t(f"event.{f['event']}"), date=fmt_date(f["date"], report.lang))
    return text, list(rows["source_id"])


# --- flows --------------------------------------------------------------------------------

def published_flows_table(report: Report, places) -> None:
    """The bundled report figures on flows: shares (each with its base), never mixed with a
    flow table of counts."""
    from ..flows import published_flows

    table = published_flows(report.lang)
    places = set(places)
    table = table[table["destination"].isin(places) | table["origin"].isin(places)]
    page.section(report.t("flows.published.heading"), table.attrs.get("caption", ""))
    if table.empty:
        page.gap(report.t("gap.no_flows", place=", ".join(report.name(p) for p in sorted(places))))
        return
    from ..bases import translate

    rows = [[r["destination_name"], r["origin_name"], r["period"], r["indicator_name"], r["share_text"],
             translate(r["base"], report.lang), report.cite(r["source_id"])] for _i, r in table.iterrows()]
    page.table([report.t(k) for k in ("flows.col.destination", "flows.col.origin", "col.period",
                                      "col.indicator", "flows.col.share", "col.base", "col.source")], rows,
               numeric=(4,))
    report.keep(table)
    page.note(report.t("flows.published.bases"))


def best_flow_year(flows: pd.DataFrame, places) -> int | None:
    """The year in which the most of ``places`` reported flows (the latest on a tie)."""
    places = list(places)
    touch = flows[flows["destination"].isin(places) | flows["origin"].isin(places)]
    touch = touch[touch["year_start"] == touch["year_end"]]
    if touch.empty:
        return None
    reporting = touch.groupby("year_end")["destination"].agg(lambda d: len(set(d) & set(places)))
    size = touch.groupby("year_end").size()
    score = reporting * 1000 + size
    return int(score[score == score.max()].index.max())


def flow_rows(report: Report, name: str) -> pd.DataFrame:
    """Origin -> destination table of a loaded GLOTIP or CTDC file after small-count
    protection (empty when the file was not given). The country totals are protected with
    the rows by citizenship, so a published total minus the other parts cannot give back a
    "<5" cell (secondary suppression), then left out of the flow table."""
    from ..disclosure import protect
    from ..flows import empty_flows, from_observations

    if name not in report.datasets:
        return empty_flows()
    indicator = "ctdc_victim_records" if name == "ctdc" else "trafficking_victims_detected"
    rows = report.dataset(name)
    # protected with the country totals in: a total beside its citizenship cells hides a second cell
    rows = protect(rows[rows["indicator"] == indicator])
    rows = rows[rows["citizenship"].notna()]
    return from_observations(rows, indicator=indicator, sources=report.datasets[name].as_catalog())


def flows_in(report: Report, flows: pd.DataFrame, year: int, places) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(one, mine)``: the flow table of one year and one source, and its corridors that start
    or end in ``places`` (recorded as shown)."""
    from ..flows import to_observations

    one = flows[(flows["year_start"] == year) & (flows["year_end"] == year)]
    one = one[one["source_id"] == one["source_id"].iloc[0]]
    mine = one[one["destination"].isin(list(places)) | one["origin"].isin(list(places))]
    mine.attrs.update(flows.attrs)
    report.keep(to_observations(mine))
    return one, mine


def routes_table(report: Report, one: pd.DataFrame, year: int) -> None:
    """The Mediterranean routes of one year's flow table: victims (bounds for censored cells),
    how many destinations reported, and victims whose citizenship places them nowhere."""
    from ..flows import format_total, protect_flows, routes

    by_route = routes(protect_flows(one))
    if by_route.empty:
        return

    def bounded(lower, upper):  # equal bounds are an exact figure
        return format_total(lower if lower == upper else None, lower, upper, report.lang)

    page.subsection(report.t("flows.routes.heading", year=year))
    page.table([report.t(k) for k in ("flows.col.route", "flows.col.victims", "flows.col.reporting",
                                      "flows.col.unplaced")],
               [[report.t(f"route.{r['route']}"),
                 format_total(r["value"], r["lower"], r["upper"], report.lang, int(r["censored_cells"]),
                              qualifier=r["qualifier"] if isinstance(r["qualifier"], str) else None),
                 report.t("flows.routes.reporting", n=int(r["destinations_reporting"]),
                          of=int(r["destinations_in_region"])),
                 bounded(r["unplaced_lower"], r["unplaced_upper"])] for _i, r in by_route.iterrows()],
               numeric=(1,))
    page.note(report.t("flows.routes.note") + " " + report.t("flows.note.computed"))


def set_aside_note(report: Report, flows: pd.DataFrame) -> None:
    """Rows of the file kept out of the flow table (possible duplicates), counted."""
    from ..flows import set_aside

    aside = set_aside(flows)
    if len(aside):
        page.note(report.t("flows.set_aside", count=len(aside)))


# --- closing ------------------------------------------------------------------------------

def pitfalls(report: Report, keys) -> None:
    """The comparison pitfalls (facts.md section 9) that apply to this report."""
    page.section(report.t("section.pitfalls"))
    page.bullets([report.t(f"pitfall.{k}") for k in keys])


def gaps(report: Report, keys) -> None:
    """Searched, not found (facts.md section 10): said plainly, never filled."""
    page.section(report.t("section.gaps"))
    for k in keys:
        gap_unverified(report, f"what.{k}")


def sources(report: Report) -> None:
    """Every source cited above, once, in order of first appearance."""
    from ..charts.labels import footnote_text

    shown = report.shown_sources()
    if shown.empty:
        return
    text = footnote_text(shown, report.lang, catalog=report.catalog)
    cites = list(dict.fromkeys(report.cite(s) for s in shown["source_id"]))
    # the engine reads them (reports.outline): the print cover and the deck list the sources
    page.show_html(f'<h2>{page.esc(report.t("section.sources"))}</h2><p class="ts-sources">{page.esc(text)}</p>',
                   plain=text, metadata={"traffickstats": {"sources": cites}})


def exact_number(value, lang: str) -> str:
    """A figure as published, grouped the ``lang`` way (no compacting: 12 277 109)."""
    return "" if value is None or pd.isna(value) else format_number(value, lang)


def percent(value, lang: str) -> str:
    """A share traffickstats computed, in percent: whole numbers, one decimal below 10 %
    ("39 %", "2,5 %"). Never used for a published share, which is written as published."""
    from ..formatting import format_percent

    decimals = 0 if abs(value) >= 10 or value == 0 else 1
    return format_percent(round(float(value), decimals), lang, decimals=decimals)
