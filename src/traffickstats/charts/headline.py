"""The headline card: one figure, large, in the reader's number format, with its period and source."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..errors import TraffickstatsError
from ..formatting import format_range
from ..i18n import _
from ._base import check_obs, esc, finish, geo_label, period_label, series_label, value_label
from .style import MUTED


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def headline(obs: pd.DataFrame, lang: str = "fr", title: str | None = None,
             note: str | None = None, catalog=None) -> go.Figure:
    """A headline card for exactly one observation ("20,9 millions", its label, period, footnote).

    Several rows are refused: a card shows one figure, the caller picks which.
    """
    obs = check_obs(obs, "headline")
    if len(obs) != 1:
        raise TraffickstatsError(f"headline: expected exactly one observation, got {len(obs)}; "
                                 "filter to the figure to show (e.g. by fact_id)")
    row = obs.iloc[0]
    value = value_label(row, lang)
    what = _cap(series_label(row, lang))
    where = geo_label(row["geo"], row["geo_scheme"], lang)
    when = period_label(row, lang)
    title = title or f"{what} · {where}"

    fig = go.Figure()
    lines = [
        (value, 96, 0.70, "#0072B2"),
        (f"{what} · {where}", 26, 0.40, None),
        (when, 20, 0.25, MUTED),
    ]
    if not row["censored"] and pd.notna(row["lower"]) and pd.notna(row["upper"]):
        lines.append((format_range(row["lower"], row["upper"], lang, unit=row["unit"]), 20, 0.12, MUTED))
    for text, size, y, color in lines:
        fig.add_annotation(text=esc(text), x=0.5, y=y, xref="paper", yref="paper", showarrow=False,
                           yanchor="middle",
                           font=dict(size=size, color=color) if color else dict(size=size))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    alt = _("alt.headline", lang, label=what, value=value, geo=where, period=when)
    return finish(fig, obs, lang=lang, kind="headline", title=title, alt=alt, note=note,
                  catalog=catalog, axis_space=10, height=480)
