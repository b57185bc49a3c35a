"""Where a chart's texts go: margins reserved for the title, legend, axis labels and footnote.

Every chart is laid out for the narrowest width it is shown at (``style.REPORT_WIDTH``, the
report column) and keeps working at the slide width (1920 x 1080): margins are in pixels,
so a wider figure only gives the plot area more room.

- **Title**: wrapped to the figure width, hung from the top edge; the top margin holds all
  its lines plus whatever the chart draws above the plot (legend row, banner).
- **Footnote** (sources and notes, for slides and static exports): anchored to the figure's
  edge, not the plot area (which long category labels push sideways), wrapped to the figure
  width, below the space the x axis needs for its tick labels and title.
- **Value axes**: explicit babel ticks thinned until they fit side by side without tilting.

Every function takes a :class:`~.style.Typography` (default ``WEB``, the report column): chart
functions lay figures out for the page, and ``charts.restyle`` lays the same figure out again
for a slide, the print dossier or a thumbnail with that medium's sizes.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from .style import MUTED, REPORT_WIDTH, TICK_LENGTH, TITLE_STANDOFF, WEB, Typography
from .textfit import LINE_HEIGHT, line_count, text_width, wrap_px

#: Room between title and what is under it, and between axis labels and footnote.
GAP = 12
#: Height of one row of a horizontal legend (18 px text, symbol, padding).
LEGEND_ROW = 30
#: Space left between two tick labels of a value axis.
TICK_GAP = 28


def _line_px(size: float) -> float:
    return size * LINE_HEIGHT


def title_lines(title: str, t: Typography = WEB, size: float | None = None) -> list[str]:
    """The title in lines that fit the narrowest figure (plain text, not escaped)."""
    return wrap_px(title, t.width - 2 * t.edge, size or t.title, bold=True)


def footnote_lines(paragraphs, t: Typography = WEB, size: float | None = None) -> list[str]:
    """Footnote and notes, each wrapped to the figure width (plain text, not escaped); a
    Latin title isolated inside an Arabic citation and cut by the wrap is closed and opened
    again across the break (``bidi.balance_isolates``)."""
    from .bidi import balance_isolates

    return [line for p in paragraphs if p
            for line in balance_isolates(wrap_px(p, t.width - 2 * t.edge, size or t.footnote))]


#: plotly.js lowers a one-line title by its cap height (0.7 em) so that ``yanchor="top"`` hangs
#: it from its top; a title of several lines does not get that shift and rises 0.7 em above
#: its anchor (measured in Chromium: the first line's top 18 px above the figure at 26 px).
CAP_SHIFT = 0.7


def title_pad(n_lines: int, t: Typography = WEB) -> int:
    """Padding above the title that puts its first line ``t.edge`` px below the figure's top."""
    return int(t.edge + (CAP_SHIFT * t.title if n_lines > 1 else 0))


def title_height(n_lines: int, t: Typography = WEB) -> int:
    """Top margin the title needs: padding, its lines, a gap."""
    return int(title_pad(n_lines, t) + n_lines * _line_px(t.title) + GAP * t.scale)


def _shows_legend(fig: go.Figure) -> bool:
    if fig.layout.showlegend is not None:
        return bool(fig.layout.showlegend)
    flags = [getattr(t, "showlegend", False) for t in fig.data]  # a Sankey has no legend entry
    shown = [t for t, f in zip(fig.data, flags) if f is not False and getattr(t, "name", None)]
    return any(f is True for f in flags) or len(shown) >= 2


def legend_height(fig: go.Figure, width: float, t: Typography = WEB) -> int:
    """Height of a horizontal legend above the plot, by filling its items into rows of ``width``."""
    if not _shows_legend(fig) or fig.layout.legend.orientation != "h":
        return 0
    items = [40 * t.scale + text_width(tr.name, t.base) for tr in fig.data
             if getattr(tr, "showlegend", False) is not False and getattr(tr, "name", None)]
    rows, used = 1, 0.0
    for w in items:
        if used and used + w > width:
            rows, used = rows + 1, 0.0
        used += w
    return int((rows * LEGEND_ROW + GAP) * t.scale)


def _tick_labels(fig: go.Figure, axis: str) -> list[str]:
    """The labels an axis draws: explicit ticktext, its categories, or the traces' values."""
    ax = fig.layout[axis]
    if ax.ticktext:
        return [str(t) for t in ax.ticktext]
    if ax.categoryarray:
        return [str(t) for t in ax.categoryarray]
    letter = axis[0]
    ref = axis.replace("axis", "")
    out = []
    for t in fig.data:
        if (getattr(t, f"{letter}axis", None) or letter) != ref:
            continue
        vals = getattr(t, letter, None)
        if vals is not None:
            out += [str(v) for v in vals if v is not None and isinstance(v, str)]
    return out


def side_space(fig: go.Figure, axis: str = "yaxis", t: Typography = WEB) -> int:
    """Pixels beside the plot for a vertical axis: widest tick label, tick, standoff, title."""
    ax = fig.layout[axis]
    if ax.visible is False:
        return 0
    labels = _tick_labels(fig, axis) or ["0 000 000"]  # numbers plotly formats itself
    space = max(text_width(lab, t.base) for lab in labels) + (TICK_LENGTH + 6) * t.scale
    space += ax.ticklabelstandoff or 0
    if ax.title and ax.title.text:
        space += TITLE_STANDOFF * t.scale + _line_px(t.base)
    return int(space + 4 * t.scale)


def bottom_space(fig: go.Figure, axis: str = "xaxis", t: Typography = WEB) -> int:
    """Pixels under the plot for a horizontal axis: tick labels (all their lines), tick, title."""
    ax = fig.layout[axis]
    if ax.visible is False:
        return 0
    lines = max([line_count(lab) for lab in _tick_labels(fig, axis)] or [1])
    space = (TICK_LENGTH + 4) * t.scale + lines * _line_px(t.base)
    if ax.title and ax.title.text:
        space += TITLE_STANDOFF * t.scale + line_count(ax.title.text) * _line_px(t.base)
    return int(space + 4 * t.scale)


def _data_extent(fig: go.Figure, axis: str) -> float | None:
    """Largest absolute end of the marks drawn on a horizontal axis (bar ends: base + length)."""
    ref = axis.replace("axis", "")
    ends = []
    for t in fig.data:
        if getattr(t, "xaxis", None) not in (ref, None if ref == "x" else ref) or getattr(t, "x", None) is None:
            continue
        bases = t.base if isinstance(t.base, (list, tuple)) else [t.base or 0] * len(t.x)
        ends += [abs(float(v) + float(b or 0)) for v, b in zip(t.x, bases)
                 if isinstance(v, (int, float)) and v == v]
    return max(ends) if ends else None


def thin_ticks(fig: go.Figure, axis: str, length: float, t: Typography = WEB) -> None:
    """Keep every other explicit tick (the first, usually 0, stays) until the labels that the
    axis shows fit side by side in ``length`` px; never tilt them (tilted money labels hit
    the axis title). A tick beyond the data (the axis ends before it) does not count."""
    ax = fig.layout[axis]
    fig.layout[axis].tickangle = 0
    if ax.tickmode != "array" or not ax.tickvals or not ax.ticktext or len(ax.tickvals) < 3:
        return
    vals, texts = list(ax.tickvals), list(ax.ticktext)
    extent = _data_extent(fig, axis)
    while len(vals) > 2:
        shown = [(v, text) for v, text in zip(vals, texts) if extent is None or abs(v) <= extent * 1.02]
        span = max(extent or 0, max(abs(v) for v, _t in shown)) or 1
        step_px = length * abs(vals[1] - vals[0]) / span  # ticks are evenly spaced
        widest = max(text_width(text, t.base) for _v, text in shown)
        need = sum(text_width(text, t.base) + TICK_GAP * t.scale for _v, text in shown)
        if need <= length and widest + TICK_GAP * t.scale <= step_px:
            break
        vals, texts = vals[::2], texts[::2]
    fig.layout[axis].tickvals, fig.layout[axis].ticktext = vals, texts


#: Widest a category label may be before it wraps: a share of the narrowest figure, so the
#: bars keep most of the width ("Europe centrale et du Sud-Est (hors UE) et CEI" takes two lines).
CATEGORY_SHARE = 0.3


def category_ticks(names: list[str], t: Typography = WEB) -> dict:
    """Axis properties that show category names (already escaped) wrapped onto lines of at
    most ``CATEGORY_SHARE`` of the report width; the data keep the full names."""
    # wrap the text as drawn, then escape each line: cutting the escaped form could split an
    # entity ("&g<br>t;") and show markup characters wrongly
    text = [wrap_label(html.unescape(name), t) for name in names]
    return dict(tickmode="array", tickvals=list(names), ticktext=text)


def wrap_label(plain_text: str, t: Typography = WEB) -> str:
    """A category name (plain text) as escaped lines of at most ``CATEGORY_SHARE`` of the
    report width at ``t.base`` (the same share of the text on a slide as on the page)."""
    limit = max(REPORT_WIDTH * CATEGORY_SHARE * t.scale, t.width * 0.2)
    return "<br>".join(html.escape(line, quote=False) for line in wrap_px(plain_text, limit, t.base))


#: The footnote annotation's name, so a restyle finds and replaces it.
FOOTNOTE_NAME = "ts-footnote"


def footnote_annotation(lines_html: list[str], *, rtl: bool, side_margin: int, below: int,
                        t: Typography = WEB, size: float | None = None) -> dict:
    """The footnote as an annotation hung from the figure's bottom-left (right, for Arabic)
    corner of the text area: ``side_margin`` is the margin on the anchoring side, so the
    shift puts the text ``t.edge`` px from the figure's edge whatever the plot area does."""
    shift = side_margin - t.edge
    return dict(
        text="<br>".join(lines_html), xref="paper", yref="paper", x=1 if rtl else 0, y=0,
        xanchor="right" if rtl else "left", yanchor="top", xshift=shift if rtl else -shift,
        yshift=-below, showarrow=False, align="right" if rtl else "left",
        font=dict(size=size or t.footnote, color=MUTED), name=FOOTNOTE_NAME,
    )


def footnote_height(n_lines: int, t: Typography = WEB, size: float | None = None) -> int:
    return int(n_lines * _line_px(size or t.footnote) + 6 * t.scale)
