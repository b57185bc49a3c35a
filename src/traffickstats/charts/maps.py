"""Choropleth of countries (ISO3), drawn without any network access.

The base map is plotly.js's ``world_110m`` topojson. We set ``layout.geo`` (scope, projection,
resolution) and no URL: the report page provides the topojson as
``window.PlotlyGeoAssets.topojson["world_110m"]`` (asset shipped by the flows module), and
``FIGURE_CONFIG["topojsonURL"]`` is relative so a missing asset never falls back to a CDN.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..errors import TraffickstatsError
from ..formatting import axis_tickformat
from ..i18n import _, label
from ._base import check_obs, comparable_or_raise, esc, finish, guard_check, items_text, range_name, unique_by
from .labels import geo_label, hover_lines, period_label, series_label, value_label
from .style import INK, RANGE_FILL, SEQUENTIAL

TOPOJSON_NAME = "world_110m"  # what plotly.js looks up for scope "world" at resolution 110


def choropleth(obs: pd.DataFrame, lang: str = "fr", title: str | None = None,
               note: str | None = None, catalog=None) -> go.Figure:
    """Countries shaded by one comparable figure, each also labelled with its value (print-safe).

    Censored countries are grey with their published range; regions cannot be mapped
    (``geo_scheme`` must be iso3).
    """
    obs = check_obs(obs, "choropleth")
    not_iso = sorted(set(obs.loc[obs["geo_scheme"] != "iso3", "geo"].astype(str)))
    if not_iso:
        raise TraffickstatsError(f"choropleth: only countries (geo_scheme iso3) can be mapped, not "
                                 f"{', '.join(not_iso[:6])}; use ranked_bar for regions")
    comparable_or_raise(obs, "choropleth")
    unique_by(obs, "geo", "choropleth")
    guard_check(obs, "rank", "choropleth")  # one period and breakdown: a map compares places
    unit = obs["unit"].iloc[0]
    names = [geo_label(g, "iso3", lang) for g in obs["geo"]]
    labels = [value_label(r, lang) for _i, r in obs.iterrows()]
    hover = ["<br>".join(esc(line) for line in hover_lines(n, r, lang)) for n, (_i, r) in zip(names, obs.iterrows())]
    cens = (obs["censored"] | obs["value"].isna()).tolist()

    fig = go.Figure()
    known = [i for i, c in enumerate(cens) if not c]
    if known:
        ticks = axis_tickformat(lang, obs["value"].dropna().tolist(), unit=unit)
        fig.add_trace(go.Choropleth(
            locations=[obs["geo"].iloc[i] for i in known], locationmode="ISO-3",
            z=[obs["value"].iloc[i] for i in known], colorscale=SEQUENTIAL,
            zmin=0, hoverinfo="text", hovertext=[hover[i] for i in known],
            colorbar=dict(title=dict(text=esc(label("unit", unit, lang))),
                          tickvals=ticks.get("tickvals"), ticktext=ticks.get("ticktext"),
                          outlinecolor=INK),
            name=esc(series_label(obs.iloc[0], lang)), showlegend=False,
        ))
    ranges = [i for i, c in enumerate(cens) if c]
    if ranges:
        fig.add_trace(go.Choropleth(
            locations=[obs["geo"].iloc[i] for i in ranges], locationmode="ISO-3",
            z=[1] * len(ranges), colorscale=[[0, RANGE_FILL], [1, RANGE_FILL]], showscale=False,
            hoverinfo="text", hovertext=[hover[i] for i in ranges],
            name=esc(range_name(obs, lang)), showlegend=True,
        ))
    # Values written on the map at each country's centre: the map reads without colour.
    fig.add_trace(go.Scattergeo(
        locations=obs["geo"].tolist(), locationmode="ISO-3", mode="text", text=[esc(v) for v in labels],
        textfont=dict(size=14, color=INK), hoverinfo="skip", showlegend=False,
    ))
    fig.update_layout(geo=dict(
        scope="world", resolution=110, projection=dict(type="natural earth"),
        showcountries=True, showland=True, showframe=False, fitbounds="locations",
    ), legend=dict(orientation="h", y=1.02, yanchor="bottom"))
    if title is None:
        what = series_label(obs.iloc[0], lang)
        periods = set(zip(obs["period_start"], obs["period_end"]))
        title = what[:1].upper() + what[1:] + (_("fmt.comma", lang) + period_label(obs.iloc[0], lang) if len(periods) == 1 else "")
    alt = _("alt.choropleth", lang, title=title, items=items_text(zip(names, labels), lang, limit=12))
    finding = None
    if len(known) >= 2:  # the largest figure mapped (censored countries have none)
        top = max(known, key=lambda i: obs["value"].iloc[i])
        finding = _("finding.top", lang, name=names[top], value=labels[top])
    return finish(fig, obs, lang=lang, kind="choropleth", title=title, alt=alt, note=note,
                  catalog=catalog, axis_space=10, plot_height=460, finding=finding)
