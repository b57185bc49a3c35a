"""Side by side: the one allowed display of figures that measure different things.

An ILO estimate of people in forced labour "at any given time" and the number of victims
UNODC's member states detected in a year are not two sizes of one thing. They may stand
next to each other, each in its own labelled panel on its own axis, under a visible
"different measures, not comparable" banner, never on one shared axis.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..formatting import axis_tickformat
from ..i18n import _, label
from ._base import (check_obs, esc, finish, geo_label, items_text, period_label, series_label,
                    value_label)
from .style import INK, OKABE_ITO, RANGE_FILL, pattern

PANEL_KEY = ["indicator", "measure", "basis", "unit", "period_kind"]


def _panel_title(row, lang: str) -> str:
    return "<br>".join(esc(t) for t in (
        series_label(row, lang)[:1].upper() + series_label(row, lang)[1:],
        label("measure", row["measure"], lang),
        period_label(row, lang),
    ))


def side_by_side(obs: pd.DataFrame, lang: str = "fr", title: str | None = None,
                 note: str | None = None, catalog=None) -> go.Figure:
    """One panel per measure (indicator, measure, basis, unit, period kind), each on its own axis."""
    obs = check_obs(obs, "side_by_side")
    keyed = obs.assign(_panel=obs[PANEL_KEY].astype("object").where(obs[PANEL_KEY].notna(), "")
                       .astype(str).agg("|".join, axis=1))
    panels = list(dict.fromkeys(keyed["_panel"]))
    fig = make_subplots(rows=1, cols=len(panels), horizontal_spacing=0.12 if len(panels) > 1 else 0.0,
                        subplot_titles=[_panel_title(keyed[keyed["_panel"] == p].iloc[0], lang) for p in panels])
    pairs = []
    for i, p in enumerate(panels, start=1):
        part = keyed[keyed["_panel"] == p]
        names = [geo_label(r["geo"], r["geo_scheme"], lang) for _i, r in part.iterrows()]
        if len(set(names)) < len(names):  # same place twice: add the breakdown to tell bars apart
            names = [n + _("fmt.comma", lang) + series_label(r, lang) for n, (_i, r) in zip(names, part.iterrows())]
        labels = [value_label(r, lang) for _i, r in part.iterrows()]
        cens = (part["censored"] | part["value"].isna()).tolist()
        base = [r["lower"] if c else 0 for c, (_i, r) in zip(cens, part.iterrows())]
        height = [(r["upper"] - r["lower"]) if c else r["value"] for c, (_i, r) in zip(cens, part.iterrows())]
        colour = OKABE_ITO[(i - 1) % len(OKABE_ITO)]
        fig.add_trace(go.Bar(
            x=[esc(n) for n in names], y=height, base=base, text=[esc(t) for t in labels],
            textposition="outside", cliponaxis=False, showlegend=False, hoverinfo="text",
            hovertext=[f"{esc(n)}: {esc(t)}" for n, t in zip(names, labels)],
            marker=dict(color=[RANGE_FILL if c else colour for c in cens],
                        pattern=pattern(i - 1)),
        ), row=1, col=i)
        unit = part["unit"].iloc[0]
        vals = pd.concat([part["value"], part["upper"]]).dropna().tolist()
        fig.update_yaxes(**axis_tickformat(lang, vals, unit=unit), row=1, col=i,
                         title=dict(text=esc(label("unit", unit, lang))))
        fig.update_xaxes(showgrid=False, row=1, col=i)
        what = series_label(part.iloc[0], lang)
        pairs += [(f"{what} ({n})", t) for n, t in zip(names, labels)]
    # The banner: not a footnote, a label the audience sees from the back of the room.
    fig.add_annotation(
        text=f"<b>⚠ {esc(_('not_comparable', lang))}</b>", xref="paper", yref="paper", x=0.5, y=1.0,
        yshift=95, xanchor="center", yanchor="bottom", showarrow=False, bordercolor=INK, borderwidth=2,
        borderpad=6, bgcolor="#fff8e1", font=dict(size=20),
    )
    for k in range(1, len(panels)):  # a rule between panels
        dom = fig.layout[f"xaxis{k + 1}"].domain
        # just right of the left panel: the next panel's value labels sit left of its domain
        x = fig.layout["xaxis" if k == 1 else f"xaxis{k}"].domain[1] + 0.015
        fig.add_shape(type="line", xref="paper", yref="paper", x0=x, x1=x, y0=0, y1=1,
                      line=dict(color=INK, width=2, dash="dot"))
    fig.update_layout(margin=dict(t=220))
    if title is None:
        title = _("not_comparable", lang)
    alt = _("alt.side_by_side", lang, title=title, items=items_text(pairs, lang, limit=12))
    return finish(fig, obs, lang=lang, kind="side_by_side", title=title, alt=alt, note=note,
                  catalog=catalog, height=640)
