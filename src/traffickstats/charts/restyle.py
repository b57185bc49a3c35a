"""A finished chart laid out again for another medium: a slide (which a deck shows too), the
print dossier, the index's thumbnail.

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
import re

import plotly.graph_objects as go

from ..errors import TraffickstatsError
from . import layout
from ._base import esc, lay_out
from .style import BASE_FONT_SIZE, MUTED, PRINT, SLIDE, THUMB, Typography
from .textfit import LINE_HEIGHT, text_width, wrap_px

__all__ = ["PRINT", "SLIDE", "THUMB", "for_print", "for_slide", "for_thumbnail", "restyle", "restyled_json"]

#: The smallest a slide's footnote may become when the sources are long (never cut instead).
FOOTNOTE_FLOOR = 20
#: A footnote taller than this share of a fixed-height figure is set at ``FOOTNOTE_FLOOR``.
FOOTNOTE_SHARE = 0.2


def _meta(layout_: dict) -> dict | None:
    m = layout_.get("meta")
    return copy.deepcopy(m["traffickstats"]) if isinstance(m, dict) and isinstance(m.get("traffickstats"), dict) else None


# The layout's texts and marks are set on the figure's JSON (plain dicts), before plotly
# builds its objects: the same properties as setting them on a go.Figure, without plotly's
# per-property machinery (which was most of a restyle's CPU). Reading follows plotly's rules:
# an unset property reads None, a trace type either has a property or not (:func:`_has`).

def _node(parent: dict, key: str) -> dict:
    """``parent[key]`` as a dict, made when unset (plotly creates a compound on access)."""
    got = parent.get(key)
    if not isinstance(got, dict):
        got = parent[key] = {"text": got} if key == "title" and isinstance(got, str) else {}
    return got


def _put(obj: dict, key: str, value) -> None:
    """``obj[key] = value``; None unsets it, as plotly does."""
    if value is None:
        obj.pop(key, None)
    else:
        obj[key] = value


_TRACE_PROPS: dict[str, frozenset] = {}


def _has(trace: dict, prop: str) -> bool:
    """Whether the trace's type has ``prop`` (plotly's ``prop in trace``)."""
    kind = trace.get("type") or "scatter"
    props = _TRACE_PROPS.get(kind)
    if props is None:
        props = _TRACE_PROPS[kind] = frozenset(go.Figure(data=[{"type": kind}]).data[0]._valid_props)
    return prop in props


def _size(font: dict | None, default: float = BASE_FONT_SIZE) -> float:
    return float(font["size"]) if font and font.get("size") else float(default)


def _grow(value, k: float):
    return None if value is None else value * k


def _axis_names(layout_: dict, letter: str) -> list[str]:
    """``_base._axes`` of a layout dict: its axes of one direction, at least the first."""
    names = [k for k in layout_ if re.fullmatch(rf"{letter}axis\d*", k)]
    return sorted(names, key=lambda k: int(k[5:] or 1)) or [f"{letter}axis"]


def _fonts(fig: dict, t: Typography) -> None:
    """Every drawn text at the medium's sizes; distances and marks scaled with them."""
    k = t.scale
    lay = _node(fig, "layout")
    for key in ("font", "legend", "hoverlabel"):
        target = _node(lay, key) if key == "font" else _node(_node(lay, key), "font")
        target["size"] = t.base
    for letter in ("x", "y"):
        for name in _axis_names(lay, letter):
            ax = _node(lay, name)
            _node(ax, "tickfont")["size"] = t.base
            title = _node(ax, "title")
            _node(title, "font")["size"] = t.base
            _put(title, "standoff", _grow(title["standoff"] if title.get("standoff") is not None else 12, k))
            _put(ax, "ticklen", _grow(ax["ticklen"] if ax.get("ticklen") is not None else 5, k))
            if ax.get("ticklabelstandoff"):
                ax["ticklabelstandoff"] = int(ax["ticklabelstandoff"] * k)
    for trace in fig.get("data") or []:
        if _has(trace, "textfont"):
            font = _node(trace, "textfont")
            font["size"] = max(t.least, _size(font) * k)
        if _has(trace, "colorbar"):
            bar = _node(trace, "colorbar")
            _node(bar, "tickfont")["size"] = t.base
            _node(_node(bar, "title"), "font")["size"] = t.base
            bar["thickness"] = (bar.get("thickness") or 30) * k
        if trace.get("type", "scatter") in ("scatter", "scattergeo"):
            marker = trace.get("marker") or {}
            if isinstance(marker.get("size"), (int, float)):
                marker["size"] = marker["size"] * k
            line = trace.get("line") or {}
            if line.get("width"):
                line["width"] = line["width"] * k
        for err in ("error_x", "error_y"):
            bar = trace.get(err) if _has(trace, err) else None
            if bar and bar.get("visible"):
                bar["thickness"] = (bar.get("thickness") or 2) * k
                bar["width"] = (bar["width"] if bar.get("width") is not None else 4) * k
        if trace.get("type") == "sankey":
            node = _node(trace, "node")
            node["pad"] = (node.get("pad") or 15) * k
            node["thickness"] = (node.get("thickness") or 20) * k
    for ann in lay.get("annotations") or []:
        if ann.get("name") == layout.FOOTNOTE_NAME:
            continue
        font = _node(ann, "font")
        font["size"] = max(t.least, _size(font) * k)
        yshift, xshift = _grow(ann.get("yshift"), k), _grow(ann.get("xshift"), k)
        _put(ann, "yshift", yshift)
        _put(ann, "xshift", xshift)
        if ann.get("borderpad"):
            ann["borderpad"] = ann["borderpad"] * k
    for shape in lay.get("shapes") or []:
        line = shape.get("line") or {}
        if line.get("width"):
            line["width"] = line["width"] * k


def _categories(fig: dict, t: Typography) -> None:
    """Category names wrapped again at the medium's size (the web wrapped them for 18 px)."""
    lay = _node(fig, "layout")
    for letter in ("x", "y"):
        for name in _axis_names(lay, letter):
            ax = lay.get(name) or {}
            vals = ax.get("tickvals")
            if (ax.get("tickmode") == "array" and isinstance(vals, (list, tuple)) and vals
                    and all(isinstance(v, str) for v in vals)):
                ax["ticktext"] = [layout.wrap_label(html.unescape(v), t) for v in vals]


def _title(m: dict, t: Typography, show: bool) -> tuple[dict, int]:
    """The title block (the finding, the chart's own title under it): the layout's ``title``
    to merge, and its height."""
    if not show:
        return {"text": ""}, t.edge
    finding = m.get("finding") if t.subtitle else None
    main = finding or m.get("title") or ""
    lines = layout.title_lines(main, t)
    sub = wrap_px(m.get("title") or "", t.width - 2 * t.edge, t.subtitle) if finding else []
    text = "<br>".join(f"<b>{esc(line)}</b>" for line in lines)
    if sub:
        text += "<br>" + "<br>".join(f'<span style="font-size:{t.subtitle}px;color:{MUTED}">{esc(line)}</span>'
                                     for line in sub)
    n = len(lines) + len(sub)
    block = {"text": text, "font": {"size": t.title}, "pad": {"t": layout.title_pad(n, t), "l": t.edge, "r": t.edge}}
    # plotly.js spaces every line of a title by the title's font size, whatever a span sets
    return block, int(layout.title_pad(n, t) + n * t.title * LINE_HEIGHT + layout.GAP * t.scale)


def _plain(value):
    """A copy of a figure's JSON in plain dicts and lists (a notebook's ``NotebookNode``
    copies a dict set into it, so a dict set there could not be filled in afterwards)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return copy.deepcopy(value) if not isinstance(value, (str, int, float, bool, type(None))) else value


def _merge(target: dict, update: dict) -> None:
    """``update`` merged into ``target`` (nested dicts merged, other values replaced)."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value) if isinstance(value, dict) else value


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
        fig = _plain(fig)
    elif isinstance(fig, go.Figure):
        fig = fig.to_dict()
    else:
        raise TraffickstatsError(f"restyle: expected a plotly Figure, got {type(fig).__name__}")
    m = _meta(fig.get("layout") or {})
    if m is None:
        out = go.Figure(fig, skip_invalid=True)
        if t.height:
            out.update_layout(width=t.width, height=t.height)
        return out
    rtl = m.get("dir") == "rtl"
    if m.get("kind") == "headline" and isinstance(m.get("headline"), dict):
        return _headline(go.Figure(fig, skip_invalid=True), m, t, show_title=title, show_footnote=footnote, rtl=rtl)
    _fonts(fig, t)
    _categories(fig, t)
    block, head = _title(m, t, title)
    _merge(_node(_node(fig, "layout"), "title"), block)
    out = go.Figure(fig, skip_invalid=True)
    lines, size = _footnote(m, t, footnote)
    lay_out(out, t, m.get("layout") or {}, title_height=head, footnote=lines, rtl=rtl, footnote_size=size)
    if not t.height:
        out.update_layout(width=t.width)
    m["medium"] = t.name
    _bands(m, t, head if title else 0, lines, size)
    out.update_layout(meta={"traffickstats": m})
    return out


def _bands(m: dict, t: Typography, title_height: float, footnote: list[str], size: float) -> None:
    """On a picture of fixed size (a slide), where the chart lies between its title block and
    its footnote: ``m["bands"]`` = the px of the title band at the top and of the footnote band
    at the bottom (``lay_out`` hangs the footnote that high above the edge). A deck shows the
    slide's picture cropped to what lies between (its title and sources are the deck slide's text)."""
    if t.height:
        bottom = layout.footnote_height(len(footnote), t, size) + t.edge if footnote else 0
        m["bands"] = {"top": int(title_height), "bottom": int(bottom)}


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
    block, head = _title({**m, "finding": None}, t, show_title)
    fig.update_layout(title=block)
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
    _bands(m, t, head if show_title else 0, lines, size)
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


def restyled_json(fig, t: Typography, **kw) -> dict:
    """``restyle(fig, t, **kw).to_dict()``, the figure's template carried over as it is: plotly
    does not build and validate it again (a chart's template is the house template, already
    validated when the chart was made; about a quarter of a restyle's CPU). Nothing restyle
    does reads the template."""
    d = _plain(fig) if isinstance(fig, dict) else fig.to_dict() if isinstance(fig, go.Figure) else fig
    layout_ = d.get("layout") if isinstance(d, dict) else None
    template = layout_.pop("template", None) if isinstance(layout_, dict) else None
    if template is not None:
        layout_["template"] = {}  # a template of its own, so plotly does not add its default
    out = restyle(d, t, **kw).to_dict()
    if template is not None:
        out["layout"]["template"] = template
    return out


def for_slide(fig, **kw) -> go.Figure:
    """The 1920x1080 slide of a chart (title = its finding, sizes for projection)."""
    return restyle(fig, SLIDE, **kw)


def for_print(fig) -> go.Figure:
    """The chart as the A4 print dossier draws it: the page's text width, print sizes,
    title and footnote whole."""
    return restyle(fig, PRINT)


def for_thumbnail(fig) -> go.Figure:
    """The index's preview: large text on a small picture, no footnote."""
    return restyle(fig, THUMB, footnote=False)
