"""Ranked horizontal bars: comparable figures only, bounds as whiskers, censored cells as ranges."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..i18n import _, label
from ..formatting import axis_tickformat
from ._base import check_obs, comparable_or_raise, esc, finish, items_text, range_name, unique_by
from .labels import geo_label, hover_lines, period_label, series_label, value_label
from .layout import category_ticks
from .style import INK, OKABE_ITO, RANGE_FILL, pattern


def _category(row, by: str, lang: str) -> str:
    return geo_label(row["geo"], row["geo_scheme"], lang) if by == "geo" else label(by, row[by], lang)


def _ranked(obs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Rows in rank order, largest first: places through ``traffickstats.guard.rank`` (which
    refuses rows measuring different things); other breakdowns after the same check here."""
    from ..guard import rank

    if by == "geo":  # guard.rank ranks places; other breakdowns sort here
        ranked = rank(obs)  # raises IncomparableError; censored rows come last, unranked
        return ranked.drop(columns=[c for c in ("rank", "rank_note") if c not in obs.columns])
    comparable_or_raise(obs, "ranked_bar")
    # A censored cell ranks by its upper bound: "<5" is never above a published 5.
    key = obs["value"].where(obs["value"].notna(), obs["upper"])
    return obs.assign(_key=key).sort_values("_key", ascending=False, kind="stable").drop(columns="_key") \
        .reset_index(drop=True)


def ranked_bar(obs: pd.DataFrame, lang: str = "fr", title: str | None = None, by: str = "geo",
               note: str | None = None, catalog=None) -> go.Figure:
    """Ranked horizontal bars of one comparable figure per ``by`` category (default: places).

    Raises IncomparableError when the rows measure different things: those go to
    ``side_by_side`` instead.
    """
    obs = check_obs(obs, "ranked_bar")
    obs = _ranked(obs, by)  # first: rows that measure different things are the graver error
    unique_by(obs, by, "ranked_bar")
    names = [esc(_category(r, by, lang)) for _i, r in obs.iterrows()]
    labels = [value_label(r, lang) for _i, r in obs.iterrows()]
    hovers = ["<br>".join(esc(line) for line in hover_lines(n_, r, lang))
              for n_, (_i, r) in zip([_category(r, by, lang) for _i, r in obs.iterrows()], obs.iterrows())]
    unit = obs["unit"].iloc[0]
    cens = obs["censored"] | obs["value"].isna()

    fig = go.Figure()
    shown = obs[~cens]
    if len(shown):
        has_bounds = shown["lower"].notna() | shown["upper"].notna()
        fig.add_trace(go.Bar(
            orientation="h", y=[n for n, c in zip(names, cens) if not c], x=shown["value"].tolist(),
            text=[esc(t) for t, c in zip(labels, cens) if not c], textposition="outside", cliponaxis=False,
            marker=dict(color=OKABE_ITO[0]), hoverinfo="text",
            hovertext=[h for h, c in zip(hovers, cens) if not c],
            name=esc(series_label(obs.iloc[0], lang)), showlegend=False,
            error_x=dict(
                type="data", visible=bool(has_bounds.any()), color=INK, thickness=2, width=6,
                array=[None if math.isnan(u) else u - v for u, v in zip(shown["upper"], shown["value"])],
                arrayminus=[None if math.isnan(lo) else v - lo for lo, v in zip(shown["lower"], shown["value"])],
            ),
        ))
    ranges = obs[cens]
    if len(ranges):
        fig.add_trace(go.Bar(
            orientation="h", y=[n for n, c in zip(names, cens) if c],
            base=ranges["lower"].tolist(), x=(ranges["upper"] - ranges["lower"]).tolist(),
            text=[esc(t) for t, c in zip(labels, cens) if c], textposition="outside", cliponaxis=False,
            marker=dict(color=RANGE_FILL, pattern=pattern(shape="/", ink=INK)),
            hoverinfo="text", hovertext=[h for h, c in zip(hovers, cens) if c],
            name=esc(range_name(obs, lang)), showlegend=True,
        ))
    values = pd.concat([obs["value"], obs["upper"], obs["lower"]]).dropna()
    fig.update_xaxes(**axis_tickformat(lang, values.tolist(), unit=unit),
                     title=dict(text=esc(label("unit", unit, lang))))
    fig.update_yaxes(categoryorder="array", categoryarray=names, autorange="reversed", showgrid=False,
                     **category_ticks(names))
    fig.update_layout(barmode="overlay", legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                      # room beside the longest bar for its value label ("11,7 millions"), either side (rtl);
                      # finish() widens the category side to the longest place name
                      margin=dict(r=150, l=150))

    first = obs.iloc[0]
    if title is None:
        periods = set(zip(obs["period_start"], obs["period_end"]))
        what = series_label(first, lang)
        title = what[:1].upper() + what[1:]
        if len(periods) == 1:
            title += _("fmt.comma", lang) + period_label(first, lang)
    alt = _("alt.ranked_bar", lang, title=title, items=items_text(
        zip([_category(r, by, lang) for _i, r in obs.iterrows()], labels), lang))
    # bars get their own height; title, legend and footnote margins come on top (a long
    # footnote used to squeeze the bars until category labels were dropped)
    plain = [_category(r, by, lang) for _i, r in obs.iterrows()]
    finding = (_("finding.top", lang, name=plain[0], value=labels[0])
               if (~cens).sum() >= 2 and not cens.iloc[0] else None)
    return finish(fig, obs, lang=lang, kind="ranked_bar", title=title, alt=alt, note=note,
                  catalog=catalog, horizontal_bars=True, plot_height=100 + 48 * len(obs), finding=finding)
