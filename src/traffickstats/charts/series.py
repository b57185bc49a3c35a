"""Time series: one comparable figure over the years, one line per place (or breakdown)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..formatting import axis_tickformat
from ..i18n import _, label, text_direction
from ..periods import is_partial
from ._base import check_obs, comparable_or_raise, esc, finish, range_name, unique_by
from .labels import geo_label, hover_lines, period_label, series_label, value_label
from .style import BASE_FONT_SIZE, EDGE, INK, OKABE_ITO, SYMBOLS
from .textfit import text_width


def _name(row, color: str, lang: str) -> str:
    return geo_label(row["geo"], row["geo_scheme"], lang) if color == "geo" else label(color, row[color], lang)


def time_series(obs: pd.DataFrame, lang: str = "fr", title: str | None = None, color: str = "geo",
                note: str | None = None, catalog=None) -> go.Figure:
    """Lines over ``year_end``, one per ``color`` value, labelled at their last point.

    Bounds are whiskers; a censored year is a dashed vertical range, not a point (its value is
    unknown). Rows measuring different things raise IncomparableError.
    """
    obs = check_obs(obs, "time_series")
    comparable_or_raise(obs, "time_series")
    unique_by(obs, [color, "period_start", "period_end"], "time_series")
    obs = obs.sort_values([color, "year_end"], kind="stable").reset_index(drop=True)
    unit = obs["unit"].iloc[0]
    fig = go.Figure()
    pairs = []
    for i, (key, part) in enumerate(obs.groupby(color, sort=False)):
        name = _name(part.iloc[0], color, lang)
        colour, symbol = OKABE_ITO[i % len(OKABE_ITO)], SYMBOLS[i % len(SYMBOLS)]
        known = part[part["value"].notna() & ~part["censored"]]
        labels = [value_label(r, lang) for _i, r in known.iterrows()]
        if len(known):
            fig.add_trace(go.Scatter(
                x=known["year_end"].astype(int).tolist(), y=known["value"].tolist(), name=esc(name),
                mode="lines+markers+text", line=dict(color=colour), marker=dict(symbol=symbol, color=colour),
                # Direct label at the last point, so print and colour-blind readers need no legend.
                text=[""] * (len(known) - 1) + [esc(name)], textposition="middle right",
                hoverinfo="text", hovertext=["<br>".join(esc(line) for line in hover_lines(name, r, lang))
                                             for _i, r in known.iterrows()],
                error_y=dict(type="data", visible=bool(known["upper"].notna().any()), color=colour,
                             array=(known["upper"] - known["value"]).tolist(),
                             arrayminus=(known["value"] - known["lower"]).tolist()),
                cliponaxis=False,
            ))
            first, last = known.iloc[0], known.iloc[-1]
            pairs.append((name, _("alt.series_item", lang, name=name, first=labels[0], last=labels[-1],
                                  start=int(first["year_end"]), end=int(last["year_end"]))))
        cens = part[part["censored"] | part["value"].isna()]
        if len(cens):
            xs, ys, texts = [], [], []
            for _i, r in cens.iterrows():
                if not (np.isfinite(r["lower"]) and np.isfinite(r["upper"])):
                    continue  # a cell hidden to protect another: no range to draw (table says "masqué")
                xs += [int(r["year_end"]), int(r["year_end"]), None]
                ys += [r["lower"], r["upper"], None]
                t = "<br>".join(esc(line) for line in hover_lines(name, r, lang))
                texts += [t, t, ""]
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", line=dict(color=colour, dash="dot", width=4),
                name=esc(f"{name} ({range_name(part, lang)})"), hoverinfo="text", hovertext=texts,
            ))
    values = pd.concat([obs["value"], obs["upper"], obs["lower"]]).dropna().tolist()  # finite ones used
    fig.update_yaxes(**axis_tickformat(lang, values, unit=unit), rangemode="tozero",
                     title=dict(text=esc(label("unit", unit, lang))))
    years = obs["year_end"].astype(int)
    fig.update_xaxes(tickformat="d", dtick=1 if years.max() - years.min() <= 12 else None, showgrid=False,
                     linecolor=INK)
    partial = {int(r["year_end"]): period_label(r, lang) for _i, r in obs.iterrows() if is_partial(r)}
    if partial:  # a part of a year is never labelled as the year
        ticks = sorted(set(years))
        fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=[esc(partial.get(y, str(y))) for y in ticks])
    # the direct labels hang right of the last points: the right margin holds the longest;
    # in Arabic the value axis moves to that side too, so its ticks stand off past the labels
    names = [esc(_name(part.iloc[0], color, lang)) for _k, part in obs.groupby(color, sort=False)]
    end_labels = int(max(text_width(n, BASE_FONT_SIZE) for n in names)) + 16
    if text_direction(lang) == "rtl":
        fig.update_yaxes(ticklabelstandoff=end_labels)
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                      margin=dict(r=max(60, EDGE + end_labels)))
    if title is None:
        what = series_label(obs.iloc[0], lang)
        title = what[:1].upper() + what[1:]
    alt = _("alt.time_series", lang, title=title, items=_("fmt.list_sep", lang).join(p[1] for p in pairs))
    finding = None
    known = obs[obs["value"].notna() & ~obs["censored"]]
    if obs[color].nunique() == 1 and len(known):  # one line: its latest figure, not a trend
        last = known.iloc[-1]
        finding = _("finding.latest", lang, name=_name(last, color, lang), value=value_label(last, lang),
                    period=period_label(last, lang))
    return finish(fig, obs, lang=lang, kind="time_series", title=title, alt=alt, note=note,
                  catalog=catalog, plot_height=400, finding=finding)

