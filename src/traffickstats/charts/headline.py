"""The headline card: one figure, large, in the reader's number format, with what the source
said around it ("environ 1 100", "au moins 63", "plus de 80 %"), its period (a part of a year
as such: « janv.–juil. 2017 »), the base of a share, and its source."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from ..errors import TraffickstatsError
from ..formatting import format_range
from ..i18n import _
from ._base import check_obs, esc, finish
from .labels import base_label, geo_label, period_label, series_label, value_label
from .style import MUTED


#: Font size of the figure itself and line height (as a multiple of the font size).
VALUE_SIZE, LINE_HEIGHT = 84, 1.35
#: Characters per label line at 26 px, so a long label wraps instead of leaving the card.
LABEL_WIDTH = 48


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [text]


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

    # Lines are stacked from the top of the plot area in pixels (yshift), not at fractions of
    # its height: the footnote's margin shrinks the plot area, and paper fractions then made
    # the big value overlap its label. The figure height is set from the stacked lines below.
    lines = [(value, VALUE_SIZE, "#0072B2")]
    lines += [(part, 26, None) for part in _wrap(f"{what} · {where}", LABEL_WIDTH)]
    lines.append((when, 20, MUTED))
    lines += [(part, 20, MUTED) for part in _wrap(base_label(row, lang), LABEL_WIDTH + 16) if part]
    if not row["censored"] and pd.notna(row["lower"]) and pd.notna(row["upper"]):
        lines.append((format_range(row["lower"], row["upper"], lang, unit=row["unit"]), 20, MUTED))
    fig = go.Figure()
    offset = 0.0
    for text, size, color in lines:
        fig.add_annotation(text=esc(text), x=0.5, y=1, xref="paper", yref="paper", showarrow=False,
                           yanchor="top", yshift=-offset,
                           font=dict(size=size, color=color) if color else dict(size=size))
        offset += size * LINE_HEIGHT
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    alt = _("alt.headline", lang, label=what, value=value, geo=where, period=when)
    fig = finish(fig, obs, lang=lang, kind="headline", title=title, alt=alt, note=note,
                 catalog=catalog, axis_space=10, base_notes=False)
    # plot area = the stacked lines (+ a little air); margins = the template's top and the
    # footnote's bottom as finish() computed it, so nothing is squeezed into anything else.
    margin = fig.layout.margin
    fig.update_layout(height=int((margin.t or 90) + offset + 24 + (margin.b or 0)))
    # what a slide of this card shows (charts.restyle): the value, what it counts, the context
    n_label = 1 + sum(1 for text, size, _c in lines[1:] if size == 26)
    ts = dict(fig.layout.meta["traffickstats"])
    ts["headline"] = {"value": value, "label": f"{what} · {where}",
                      "context": [text for text, _s, _c in lines[n_label:]]}
    fig.update_layout(meta={"traffickstats": ts})
    return fig
