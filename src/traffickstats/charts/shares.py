"""Stacked shares: the parts of one total (forms of exploitation, sex, age) as one 100 % bar."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..errors import IncomparableError, TraffickstatsError
from ..formatting import axis_tickformat, format_percent
from ..i18n import _, label
from ._base import check_obs, comparable_or_raise, esc, finish, guard_check, items_text, unique_by
from .labels import geo_label, hover_lines, period_label, series_label, value_label
from .layout import category_ticks
from .style import OKABE_ITO, pattern

#: Published shares are rounded: 56 + 29 + 15.8 = 100.8 is one total, 190 is overlapping parts.
ROUNDING_TOLERANCE = 1.5


def _group_label(row, group_cols, lang: str) -> str:
    text = geo_label(row["geo"], row["geo_scheme"], lang) + _("fmt.comma", lang) + period_label(row, lang)
    extra = [label(c, row[c], lang) for c in group_cols if c in ("sex", "age", "form") and row[c] != "total"]
    return _("fmt.comma", lang).join([text] + extra)


def stacked_shares(obs: pd.DataFrame, lang: str = "fr", title: str | None = None, by: str = "form",
                   note: str | None = None, catalog=None) -> go.Figure:
    """One horizontal stacked bar per place and period, split by ``by`` (form, sex or age).

    Only the parts are drawn (rows where ``by`` is "total" are refused) and shares of one
    total must not add up to more than 100 %: overlapping parts (e.g. "private economy" and
    "sexual exploitation", which it contains) raise IncomparableError. A remainder below
    100 % stays blank: nothing is invented to fill it.
    """
    obs = check_obs(obs, "stacked_shares")
    comparable_or_raise(obs, "stacked_shares")
    if (obs[by] == "total").any():
        raise TraffickstatsError(f"stacked_shares: rows with {by} == 'total' are the whole, not a part; "
                                 "pass only the parts (show the total with headline)")
    if obs["censored"].any() or obs["value"].isna().any():
        raise TraffickstatsError("stacked_shares: censored parts cannot be stacked (their size is unknown); "
                                 "use ranked_bar, which shows them as ranges")
    group_cols = ["geo", "geo_scheme", "period_start", "period_end"] + \
        [c for c in ("sex", "age", "form") if c != by]
    unique_by(obs, group_cols + [by], "stacked_shares")
    for _key, part in obs.groupby(group_cols, dropna=False, sort=False):
        guard_check(part, "add", "stacked_shares")  # nested forms, overlaps, two publications
    unit = obs["unit"].iloc[0]
    is_share = obs["measure"].iloc[0] == "share"
    if is_share:
        sums = obs.groupby(group_cols, dropna=False)["value"].sum()
        over = sums[sums > 100 + ROUNDING_TOLERANCE]
        if len(over):
            raise IncomparableError(
                f"stacked_shares: shares add up to {format_percent(float(over.iloc[0]), 'en')} "
                "for one bar: the parts overlap (one contains another); choose non-overlapping parts")

    groups = list(dict.fromkeys(_group_label(r, group_cols, lang) for _i, r in obs.iterrows()))
    obs = obs.assign(_group=[_group_label(r, group_cols, lang) for _i, r in obs.iterrows()])
    categories = list(dict.fromkeys(obs[by]))
    fig = go.Figure()
    pairs = []
    for i, cat in enumerate(categories):
        part = obs[obs[by] == cat]
        name = label(by, cat, lang)
        vals = [value_label(r, lang) for _i, r in part.iterrows()]
        pairs += [(f"{name} ({g})" if len(groups) > 1 else name, v) for g, v in zip(part["_group"], vals)]
        fig.add_trace(go.Bar(
            orientation="h", y=[esc(g) for g in part["_group"]], x=part["value"].tolist(), name=esc(name),
            # Value inside the part; the legend (colour + pattern) names it.
            text=[esc(v) for v in vals], textposition="inside", insidetextanchor="middle",
            textfont=dict(color="black"),
            marker=dict(color=OKABE_ITO[i % len(OKABE_ITO)], pattern=pattern(i)),
            hoverinfo="text", hovertext=["<br>".join(esc(line) for line in hover_lines(name, r, lang))
                                         for _i, r in part.iterrows()],
        ))
    ticks = axis_tickformat(lang, [0, 100] if is_share else obs.groupby("_group")["value"].sum().tolist(),
                            unit=unit)
    fig.update_xaxes(**ticks, title=dict(text=esc(label("unit", unit, lang))))
    fig.update_yaxes(categoryorder="array", categoryarray=[esc(g) for g in groups], autorange="reversed",
                     showgrid=False, **category_ticks([esc(g) for g in groups]))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=1.02, yanchor="bottom",
                                                   traceorder="normal"))
    if title is None:
        first = obs.iloc[0].copy()
        first[by] = "total"  # the title names the whole; the bars name the parts
        what = series_label(first, lang)
        title = what[:1].upper() + what[1:]
    alt = _("alt.stacked_shares", lang, title=title, items=items_text(pairs, lang, limit=12))
    finding = None
    if len(groups) == 1 and len(obs) >= 2:  # one bar: its largest part
        top = obs.loc[obs["value"].idxmax()]
        finding = _("finding.largest_part", lang, name=label(by, top[by], lang), value=value_label(top, lang))
    return finish(fig, obs.drop(columns="_group"), lang=lang, kind="stacked_shares", title=title, alt=alt,
                  note=note, catalog=catalog, horizontal_bars=True, plot_height=100 + 110 * len(groups),
                  finding=finding)
