"""Flow sections: the bundled report figures on flows (shares, never mixed with a flow
table), and the Sankey, map, corridor table and Mediterranean routes drawn from a loaded
GLOTIP or CTDC file after small-count protection.
"""

from __future__ import annotations

import pandas as pd

from .. import briefing as b
from .brief import Brief, default_places, protected


def published_flows(brief: Brief) -> None:
    """The bundled report figures on flows: shares, not counts, never mixed with a flow table."""
    from ...flows import published_flows as published

    table = published(brief.lang)
    places = set(default_places(brief))
    if brief.country:
        table = table[table["destination"].isin(places) | table["origin"].isin(places)]
    else:
        table = table[table["destination"].isin(places | {"EU27", "WLD"})]
    b.section(brief.t("flows.published.heading"), table.attrs.get("caption", ""))
    if table.empty:
        b.gap(brief.t("gap.no_flows", place=", ".join(brief.name(p) for p in sorted(places))))
        return
    rows = [[r["destination_name"], r["origin_name"], r["period"], r["indicator_name"], r["share_text"],
             brief.cite(r["source_id"])] for _i, r in table.iterrows()]
    b.rows_table([brief.t(k) for k in ("flows.col.destination", "flows.col.origin", "col.period",
                                       "col.indicator", "flows.col.share", "col.source")], rows, numeric=(4,))
    brief.keep(table)
    b.note(brief.t("flows.published.bases"))


def _flow_table(brief: Brief, name: str):
    """(flows of the dataset after protection, indicator) or (None, None) when not given."""
    from ...flows import from_observations

    if not brief.datasets.get(name):
        return None, None
    indicator = "ctdc_victim_records" if name == "ctdc" else "trafficking_victims_detected"
    rows = protected(brief, name)
    rows = rows[rows["citizenship"].notna() & (rows["indicator"] == indicator)]
    source = next((s for s in (b.loaded_sources() or []) if s.get("source_id") == brief.datasets[name]), None)
    return from_observations(rows, indicator=indicator, sources=source), indicator


def _best_year(flows: pd.DataFrame, places: list[str]) -> int | None:
    """The year in which the most of ``places`` reported flows (the latest on a tie)."""
    touch = flows[flows["destination"].isin(places) | flows["origin"].isin(places)]
    touch = touch[touch["year_start"] == touch["year_end"]]
    if touch.empty:
        return None
    counts = touch.groupby("year_end").apply(
        lambda g: len(set(g["destination"]) & set(places)) * 1000 + len(g), include_groups=False)
    return int(counts[counts == counts.max()].index.max())


def _bounded(lower: float, upper: float, lang: str) -> str:
    """A sum known only by its bounds; equal bounds are an exact figure."""
    from ...flows import format_total

    return format_total(lower if lower == upper else None, lower, upper, lang)


def dataset_flows(brief: Brief, name: str) -> None:
    """Sankey, map, corridor table and Mediterranean routes from a GLOTIP or CTDC file."""
    from ...charts import show  # looked up at call time: tests capture it
    from ...errors import TraffickstatsError
    from ...flows import corridor_table, flow_map, format_total, routes, sankey, set_aside, to_observations

    flows, _indicator = _flow_table(brief, name)
    if flows is None:
        return
    b.section(brief.t(f"flows.{name}.heading"), brief.t(f"flows.{name}.lead"))
    places = default_places(brief)
    year = _best_year(flows, places)
    if year is None:
        b.gap(brief.t("gap.no_flows", place=", ".join(brief.name(p) for p in places)))
        return
    one = flows[(flows["year_start"] == year) & (flows["year_end"] == year)]
    sources_ = one["source_id"].unique()
    one = one[one["source_id"] == sources_[0]]
    mine = one[one["destination"].isin(places) | one["origin"].isin(places)]
    mine.attrs.update(flows.attrs)
    brief.keep(to_observations(mine))
    scheme = "unodc"
    # titles kept to one line (multi-line plotly titles are clipped at the top of the figure)
    for draw in (lambda: sankey(mine, brief.lang, scheme=scheme, title=brief.t("flows.sankey_title", year=year)),
                 lambda: flow_map(mine, brief.lang, n=25, title=brief.t("flows.map_title", year=year))):
        try:
            show(draw())
        except TraffickstatsError:  # e.g. no corridor with both ends on the map: said, not hidden
            b.note(brief.t("flows.not_drawn"))
    try:
        b.show_html(corridor_table(mine, brief.lang, n=15, include_domestic=False))
    except TraffickstatsError:
        b.gap(brief.t("gap.no_flows", place=", ".join(brief.name(p) for p in places)))
    if not brief.country:
        r = routes(one)
        if len(r):
            b.subsection(brief.t("flows.routes.heading", year=year))
            rows = [[brief.t(f"route.{x['route']}"),
                     format_total(x["value"], x["lower"], x["upper"], brief.lang, int(x["censored_cells"])),
                     brief.t("flows.routes.reporting", n=int(x["destinations_reporting"]),
                             of=int(x["destinations_in_region"])),
                     _bounded(x["unplaced_lower"], x["unplaced_upper"], brief.lang)] for _i, x in r.iterrows()]
            b.rows_table([brief.t(k) for k in ("flows.col.route", "flows.col.victims", "flows.col.reporting",
                                               "flows.col.unplaced")], rows, numeric=(1,))
            b.note(brief.t("flows.routes.note"))
    aside = set_aside(flows)
    if len(aside):
        b.note(brief.t("flows.set_aside", count=len(aside)))
    b.note(b.t("note.disclosure", brief.lang, n=5))
