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
from ..i18n import _, label, text_direction
from ._base import check_obs, esc, finish, items_text
from .labels import geo_label, hover_lines, period_label, series_label, value_label
from .style import BASE_FONT_SIZE, INK, OKABE_ITO, RANGE_FILL, REPORT_WIDTH, pattern
from .textfit import LINE_HEIGHT, line_count, wrap_px

PANEL_KEY = ["indicator", "measure", "basis", "unit", "period_kind"]
SPACING = 0.12  # between panels, as a fraction of the plot width
#: Font size plotly gives subplot titles; the banner's height (20 px bold text, padding, border).
PANEL_TITLE_SIZE, BANNER_HEIGHT = 16, 46


def _panel_title(row, lang: str, width: float) -> str:
    """Indicator, measure and period, each wrapped to the panel's width."""
    what = series_label(row, lang)
    parts = (what[:1].upper() + what[1:], label("measure", row["measure"], lang), period_label(row, lang))
    return "<br>".join(esc(line) for t in parts for line in wrap_px(t, width, PANEL_TITLE_SIZE))


def side_by_side(obs: pd.DataFrame, lang: str = "fr", title: str | None = None,
                 note: str | None = None, catalog=None) -> go.Figure:
    """One panel per measure (indicator, measure, basis, unit, period kind), each on its own axis."""
    obs = check_obs(obs, "side_by_side")
    keyed = obs.assign(_panel=obs[PANEL_KEY].astype("object").where(obs[PANEL_KEY].notna(), "")
                       .astype(str).agg("|".join, axis=1))
    panels = list(dict.fromkeys(keyed["_panel"]))
    spacing = SPACING if len(panels) > 1 else 0.0
    # a panel's width at the report width (less the outer value axis' labels): panel titles and
    # bar names wrap to it instead of running into the next panel or tilting into the axis
    panel_px = (REPORT_WIDTH - 240) * (1 - spacing * (len(panels) - 1)) / len(panels)
    titles = [_panel_title(keyed[keyed["_panel"] == p].iloc[0], lang, panel_px) for p in panels]
    fig = make_subplots(rows=1, cols=len(panels), horizontal_spacing=spacing, subplot_titles=titles)
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
        slot = max(80.0, panel_px / len(names) - 12)
        fig.add_trace(go.Bar(
            x=["<br>".join(esc(line) for line in wrap_px(n, slot, BASE_FONT_SIZE)) for n in names],
            y=height, base=base, text=[esc(t) for t in labels],
            textposition="outside", cliponaxis=False, showlegend=False, hoverinfo="text",
            hovertext=["<br>".join(esc(line) for line in hover_lines(n, r, lang))
                       for n, (_i, r) in zip(names, part.iterrows())],
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
    # The banner: not a footnote, a label the audience sees from the back of the room; it
    # stands above the tallest panel title (subplot titles sit on the panels' top edge).
    banner_shift = int(max(line_count(t) for t in titles) * PANEL_TITLE_SIZE * LINE_HEIGHT) + 20
    fig.add_annotation(
        text=f"<b>⚠ {esc(_('not_comparable', lang))}</b>", xref="paper", yref="paper", x=0.5, y=1.0,
        yshift=banner_shift, xanchor="center", yanchor="bottom", showarrow=False, bordercolor=INK, borderwidth=2,
        borderpad=6, bgcolor="#fff8e1", font=dict(size=20),
    )
    rtl = text_direction(lang) == "rtl"
    for k in range(1, len(panels)):  # a rule between panels
        # beside the panel whose value labels do NOT fill the gap: labels sit left of each
        # panel (right of it in Arabic, where the value axes are mirrored)
        x = (fig.layout[f"xaxis{k + 1}"].domain[0] - 0.015 if rtl
             else fig.layout["xaxis" if k == 1 else f"xaxis{k}"].domain[1] + 0.015)
        fig.add_shape(type="line", xref="paper", yref="paper", x0=x, x1=x, y0=0, y1=1,
                      line=dict(color=INK, width=2, dash="dot"))
    if title is None:
        title = _("not_comparable", lang)
    alt = _("alt.side_by_side", lang, title=title, items=items_text(pairs, lang, limit=12))
    return finish(fig, obs, lang=lang, kind="side_by_side", title=title, alt=alt, note=note,
                  catalog=catalog, plot_height=360, top_space=banner_shift + BANNER_HEIGHT)
