"""A finished chart laid out again for another medium: a slide, a deck picture, the print
dossier, the index's thumbnail.

A slide is not the web chart resized. Read from the back of a room, a 1920x1080 slide needs
a title of 40 px or more that states the finding, body and tick text of 24 px or more and a
source line of 20 px or more that is never cut; a web chart scaled up keeps its 18 px ticks
and 14 px footnote. :func:`restyle` takes the figure a chart function made (its metadata
keeps the title, the finding, the footnote, the notes and the layout choices, see
``_base.finish``) and lays it out again with the medium's :class:`~.style.Typography`:

- every text is set to the medium's sizes (never below ``least``), distances and marks
  (markers, lines, error bars, Sankey nodes) grow with them;
- category names are wrapped again to the slide's width, value-axis ticks thinned again;
- the title is the chart's finding (« Asie-Pacifique en tête : 11,7 millions ») with the
  chart's own title under it; the footnote is wrapped to the full width, whole;
- margins are computed again from these texts (``_base.lay_out``), so the plot takes the
  rest of the slide;
- a headline card becomes a slide of its own: the number as large as the slide allows, its
  qualifier inside it (« environ 1 100 »), what it counts and one line of context.

Nothing here changes a figure's data: the values, hover texts and tables stay those the
chart function wrote, protected small counts included.
"""

from __future__ import annotations

import copy
import html

import plotly.graph_objects as go

from ..errors import TraffickstatsError
from . import layout
from ._base import _axes, esc, lay_out
from .style import BASE_FONT_SIZE, MUTED, PRINT, SLIDE, THUMB, Typography
from .textfit import LINE_HEIGHT, text_width, wrap_px

__all__ = ["DECK", "PRINT", "SLIDE", "THUMB", "restyle", "for_deck", "for_print", "for_slide",
           "for_thumbnail"]

#: The picture of a deck slide: the slide's width, less the title band and the footer that
#: PowerPoint draws as text (13.33 x 5.9 in on a 13.33 x 7.5 in slide).
DECK = Typography("deck", SLIDE.width, SLIDE.base, SLIDE.title, SLIDE.footnote, 40, height=850,
                  least=SLIDE.least, subtitle=SLIDE.subtitle)
#: The smallest a slide's footnote may become when the sources are long (never cut instead).
FOOTNOTE_FLOOR = 20
#: A footnote taller than this share of a fixed-height figure is set at ``FOOTNOTE_FLOOR``.
FOOTNOTE_SHARE = 0.2


def _meta(fig: go.Figure) -> dict | None:
    m = fig.layout.meta
    return copy.deepcopy(m["traffickstats"]) if isinstance(m, dict) and isinstance(m.get("traffickstats"), dict) else None


def _size(font, default: float = BASE_FONT_SIZE) -> float:
    return float(font.size) if font is not None and font.size else float(default)


def _grow(value, k: float):
    return None if value is None else value * k


def _fonts(fig: go.Figure, t: Typography) -> None:
    """Every drawn text at the medium's sizes; distances and marks scaled with them."""
    k = t.scale
    fig.update_layout(font=dict(size=t.base), legend=dict(font=dict(size=t.base)),
                      hoverlabel=dict(font=dict(size=t.base)))
    for letter in ("x", "y"):
        for name in _axes(fig, letter):
            ax = fig.layout[name]
            ax.tickfont.size = t.base
            ax.title.font.size = t.base
            ax.title.standoff = _grow(ax.title.standoff if ax.title.standoff is not None else 12, k)
            ax.ticklen = _grow(ax.ticklen if ax.ticklen is not None else 5, k)
            if ax.ticklabelstandoff:
                ax.ticklabelstandoff = int(ax.ticklabelstandoff * k)
    for trace in fig.data:
        if "textfont" in trace:
            trace.textfont.size = max(t.least, _size(trace.textfont) * k)
        if "colorbar" in trace:
            trace.colorbar.tickfont.size = t.base
            trace.colorbar.title.font.size = t.base
            trace.colorbar.thickness = (trace.colorbar.thickness or 30) * k
        if trace.type in ("scatter", "scattergeo") and trace.marker is not None:
            if isinstance(trace.marker.size, (int, float)):
                trace.marker.size = trace.marker.size * k
            if trace.line is not None and trace.line.width:
                trace.line.width = trace.line.width * k
        for err in ("error_x", "error_y"):
            bar = getattr(trace, err, None) if err in trace else None
            if bar is not None and bar.visible:
                bar.thickness = (bar.thickness or 2) * k
                bar.width = (bar.width if bar.width is not None else 4) * k
        if trace.type == "sankey":
            trace.node.pad = (trace.node.pad or 15) * k
            trace.node.thickness = (trace.node.thickness or 20) * k
    for ann in fig.layout.annotations:
        if ann.name == layout.FOOTNOTE_NAME:
            continue
        ann.font.size = max(t.least, _size(ann.font) * k)
        ann.yshift, ann.xshift = _grow(ann.yshift, k), _grow(ann.xshift, k)
        if ann.borderpad:
            ann.borderpad = ann.borderpad * k
    for shape in fig.layout.shapes:
        if shape.line is not None and shape.line.width:
            shape.line.width = shape.line.width * k


def _categories(fig: go.Figure, t: Typography) -> None:
    """Category names wrapped again at the medium's size (the web wrapped them for 18 px)."""
    for letter in ("x", "y"):
        for name in _axes(fig, letter):
            ax = fig.layout[name]
            vals = list(ax.tickvals or [])
            if ax.tickmode == "array" and vals and all(isinstance(v, str) for v in vals):
                ax.ticktext = [layout.wrap_label(html.unescape(v), t) for v in vals]


def _title(fig: go.Figure, m: dict, t: Typography, show: bool) -> int:
    """Set the title block (the finding, the chart's own title under it); return its height."""
    if not show:
        fig.update_layout(title=dict(text=""))
        return t.edge
    finding = m.get("finding") if t.subtitle else None
    main = finding or m.get("title") or ""
    lines = layout.title_lines(main, t)
    sub = wrap_px(m.get("title") or "", t.width - 2 * t.edge, t.subtitle) if finding else []
    text = "<br>".join(f"<b>{esc(line)}</b>" for line in lines)
    if sub:
        text += "<br>" + "<br>".join(f'<span style="font-size:{t.subtitle}px;color:{MUTED}">{esc(line)}</span>'
                                     for line in sub)
    n = len(lines) + len(sub)
    fig.update_layout(title=dict(text=text, font=dict(size=t.title),
                                 pad=dict(t=layout.title_pad(n, t), l=t.edge, r=t.edge)))
    # plotly.js spaces every line of a title by the title's font size, whatever a span sets
    return int(layout.title_pad(n, t) + n * t.title * LINE_HEIGHT + layout.GAP * t.scale)


def _footnote(m: dict, t: Typography, show: bool) -> tuple[list[str], float]:
    """The footnote's lines (sources, then the notes), whole, and their size."""
    if not show:
        return [], t.footnote
    paragraphs = [m.get("footnote")] + list(m.get("notes") or [])
    size = t.footnote
    lines = layout.footnote_lines(paragraphs, t, size)
    if t.height and len(lines) * size * LINE_HEIGHT > FOOTNOTE_SHARE * t.height and size > FOOTNOTE_FLOOR:
        size = FOOTNOTE_FLOOR  # long sources: smaller, never cut
        lines = layout.footnote_lines(paragraphs, t, size)
    return lines, size


def restyle(fig, t: Typography, *, title: bool = True, footnote: bool = True) -> go.Figure:
    """A copy of ``fig`` laid out for the medium ``t`` (see the module docstring).

    ``title`` / ``footnote``: draw them (a deck slide has both as editable text instead).
    A figure without traffickstats metadata is only given the medium's size.
    """
    if isinstance(fig, dict):
        fig = go.Figure(fig, skip_invalid=True)  # a new figure already: no second copy
    elif isinstance(fig, go.Figure):
        fig = go.Figure(fig)
    else:
        raise TraffickstatsError(f"restyle: expected a plotly Figure, got {type(fig).__name__}")
    m = _meta(fig)
    if m is None:
        if t.height:
            fig.update_layout(width=t.width, height=t.height)
        return fig
    rtl = m.get("dir") == "rtl"
    if m.get("kind") == "headline" and isinstance(m.get("headline"), dict):
        return _headline(fig, m, t, show_title=title, show_footnote=footnote, rtl=rtl)
    _fonts(fig, t)
    _categories(fig, t)
    head = _title(fig, m, t, title)
    lines, size = _footnote(m, t, footnote)
    lay_out(fig, t, m.get("layout") or {}, title_height=head, footnote=lines, rtl=rtl, footnote_size=size)
    if not t.height:
        fig.update_layout(width=t.width)
    m["medium"] = t.name
    fig.update_layout(meta={"traffickstats": m})
    return fig


def _headline(fig: go.Figure, m: dict, t: Typography, *, show_title: bool, show_footnote: bool,
              rtl: bool) -> go.Figure:
    """The number filling the slide: the value (with its qualifier), what it counts, one line
    of context (period, base, range), spread over the space between title and footnote."""
    card = m["headline"]
    inner = t.width - 2 * t.edge
    value = str(card.get("value") or "")
    label_size = t.title if t.height else t.base * 1.4
    context_size = int(t.title * 0.9) if t.height else t.base
    stack = [(line, size, "#0072B2", True) for size, lines in [_value_lines(value, inner, t)] for line in lines]
    what = str(card.get("label") or "")
    if what != m.get("title") or not show_title:  # said once: the title often is the label
        stack += [(line, label_size, None, False) for line in wrap_px(what, inner, label_size)]
    context = " · ".join(str(c) for c in card.get("context") or [] if c)
    stack += [(line, context_size, MUTED, False) for line in wrap_px(context, inner, context_size) if line]
    fig.layout.annotations = []
    head = _title(fig, {**m, "finding": None}, t, show_title)
    lines, size = _footnote(m, t, show_footnote)
    foot = (layout.footnote_height(len(lines), t, size) + layout.GAP * t.scale) if lines else 0
    needed = sum(s * LINE_HEIGHT for _t, s, _c, _b in stack)
    area = (t.height - head - foot - t.edge) if t.height else needed + 2 * t.title
    gap = max((area - needed) / (len(stack) + 1), 0)
    y = gap
    for text, s, colour, bold in stack:
        fig.add_annotation(text=f"<b>{esc(text)}</b>" if bold else esc(text), x=0.5, y=1, xref="paper",
                           yref="paper", yanchor="top", yshift=-y, showarrow=False,
                           font=dict(size=s, color=colour) if colour else dict(size=s))
        y += s * LINE_HEIGHT + gap
    fig.update_layout(font=dict(size=t.base))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    hints = {"axis_space": 0, "top_space": 0, "plot_height": area / t.scale}  # lay_out scales hints
    lay_out(fig, t, hints, title_height=head, footnote=lines, rtl=rtl, footnote_size=size)
    if not t.height:
        fig.update_layout(width=t.width)
    m["medium"] = t.name
    fig.update_layout(meta={"traffickstats": m})
    return fig


#: The height share of a headline number drawn on two lines (its qualifier above it).
VALUE_TWO_LINES = 0.5


def _value_lines(value: str, inner: float, t: Typography) -> tuple[int, list[str]]:
    """The headline number's size and lines: as large as the width allows. A qualified
    figure ("au moins 22 000", "environ 1 100", "fewer than 5") puts its qualifier on a line
    above the figure, both large; a figure is never split from its unit ("20,9 millions"),
    and numbers keep their no-break spaces."""
    height = t.height or 4 * t.title * 1.6

    def fit(text: str) -> float:
        return inner / max(text_width(text, 1.0, bold=True), 1.0)

    one = int(min(fit(value), height * 0.26, 7 * t.title))
    words = value.strip().split(" ")
    qualified = len(words) >= 2 and any(c.isdigit() for c in words[-1]) and any(c.isalpha() for c in words[0])
    if not qualified:
        return one, [value]
    lines = [" ".join(words[:-1]), words[-1]]
    return int(min(height * VALUE_TWO_LINES / (2 * LINE_HEIGHT), *(fit(x) for x in lines))), lines


def for_slide(fig, **kw) -> go.Figure:
    """The 1920x1080 slide of a chart (title = its finding, sizes for projection)."""
    return restyle(fig, SLIDE, **kw)


def for_deck(fig) -> go.Figure:
    """A deck slide's picture: the slide without its title and footnote, which the deck
    writes as text (the title placeholder and the footer)."""
    return restyle(fig, DECK, title=False, footnote=False)


def for_print(fig) -> go.Figure:
    """The chart as the A4 print dossier draws it: the page's text width, print sizes,
    title and footnote whole."""
    return restyle(fig, PRINT)


def for_thumbnail(fig) -> go.Figure:
    """The index's preview: large text on a small picture, no footnote."""
    return restyle(fig, THUMB, footnote=False)
