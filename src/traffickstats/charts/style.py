"""The "traffickstats" plotly template: legible on a projector, safe in print and for colour-blind readers.

- Base font 18 px (titles 26 px), sized for a 1920x1080 slide viewed from the back of a room.
- Okabe-Ito palette (safe for the common colour-vision deficiencies); black first for the
  single-series case so a lone bar prints dark on a grey-scale printer.
- White paper and plot, dark outlines on bars, and pattern fills (``PATTERNS``) so that parts
  of a stack never depend on colour alone; charts also label values directly.
- Fonts: Noto Sans then Noto Sans Arabic (Arabic glyphs), DejaVu Sans, then the system sans.
- ``apply_direction`` mirrors a figure for Arabic (title, legend, value axis, bar direction).
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "traffickstats"

FONT_FAMILY = '"Noto Sans", "Noto Sans Arabic", "DejaVu Sans", sans-serif'
BASE_FONT_SIZE = 18
TITLE_FONT_SIZE = 26
INK = "#1a1a1a"
GRID = "#d9d9d9"
MUTED = "#595959"  # footnotes: still 7:1 contrast on white

#: Okabe & Ito (2008) colour-blind-safe palette, blue first (reads well alone), black last.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: Fill patterns paired with the palette so print and colour-blind readers can tell parts apart.
PATTERNS = ["", "/", ".", "x", "\\", "-", "|", "+"]
#: Marker symbols for line series, for the same reason.
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "triangle-down", "star"]
#: Sequential colour scale for maps (cividis is designed for colour-vision deficiencies).
SEQUENTIAL = "cividis_r"
#: Fill of censored / range-only values (with a hatch pattern where the trace supports it).
RANGE_FILL = "#bdbdbd"


def pattern(i: int | None = None, shape: str | None = None, ink: str = "white") -> dict:
    """A bar fill pattern drawn *over* the bar colour (plotly's default "replace" mode would
    drop the colour): light hatching keeps dark labels legible and survives grey-scale print."""
    shape = shape if shape is not None else PATTERNS[(i or 0) % len(PATTERNS)]
    return dict(shape=shape, fillmode="overlay", fgcolor=ink, fgopacity=0.7, solidity=0.2)

SLIDE_WIDTH, SLIDE_HEIGHT = 1920, 1080
#: The narrowest width a chart is laid out for: the report column (briefing.css ``max-width:
#: 60rem`` = 960 px, less the ``<figure>`` element's 40 px indents: 880 px, with some room to
#: spare). Titles and footnotes are wrapped to it, so they also fit the wider slide.
REPORT_WIDTH = 860
#: Space kept free between the figure's edge and any text (title, footnote).
EDGE = 20
FOOTNOTE_FONT_SIZE = 14
#: Distance between tick labels and axis title, in px (``title.standoff``), both axes.
TITLE_STANDOFF = 12
TICK_LENGTH = 5


@dataclass(frozen=True)
class Typography:
    """Text sizes and the width a chart is laid out for, in one medium.

    ``WEB`` is what chart functions lay a figure out with (the report column); ``SLIDE``,
    ``PRINT`` and ``THUMB`` are the media ``charts.restyle`` lays the same figure out again for.
    ``least`` is the smallest size any drawn text may have in that medium (body, ticks,
    labels); the footnote alone may go down to ``footnote``.
    """

    name: str
    width: int  # px the figure is laid out (and its texts wrapped) for
    base: int  # body, ticks, legend, axis titles
    title: int
    footnote: int
    edge: int = EDGE  # free space between the figure's edge and any text
    height: int | None = None  # a fixed figure height (slides), else from the content
    least: int = 0  # smallest drawn text
    subtitle: int = 0  # the chart's own title under a slide's finding

    @property
    def scale(self) -> float:
        """How much larger than the web layout pixel distances are drawn (fonts, gaps, markers)."""
        return self.base / BASE_FONT_SIZE


#: The report page (what chart functions produce).
WEB = Typography("web", REPORT_WIDTH, BASE_FONT_SIZE, TITLE_FONT_SIZE, FOOTNOTE_FONT_SIZE, EDGE)
#: A 1920x1080 slide read from the back of a room: a title of 44 px (about 22 pt on a 13.33-inch
#: slide), body and ticks 26 px, the source 22 px.
SLIDE = Typography("slide", SLIDE_WIDTH, 26, 44, 22, 48, height=SLIDE_HEIGHT, least=24, subtitle=30)
#: A chart in the A4 print dossier: the page's text column (210 mm less 2 x 14 mm of margin,
#: 182 mm = 688 CSS px), body 12 px (9 pt), source 10 px.
PRINT = Typography("print", 680, 12, 16, 10, 6, least=10)
#: The index's preview of a report: 800x450, drawn at about a third of that in a card.
THUMB = Typography("thumb", 800, 26, 36, 18, 24, height=450, least=24)


def _template() -> go.layout.Template:
    axis = dict(
        showgrid=True, gridcolor=GRID, zeroline=True, zerolinecolor=INK, linecolor=INK,
        showline=True, ticks="outside", tickcolor=INK, ticklen=TICK_LENGTH, automargin=True,
        title=dict(font=dict(size=BASE_FONT_SIZE), standoff=TITLE_STANDOFF), tickfont=dict(size=BASE_FONT_SIZE),
    )
    t = go.layout.Template()
    t.layout = go.Layout(
        font=dict(family=FONT_FAMILY, size=BASE_FONT_SIZE, color=INK),
        # Title against the whole figure (not the plot area, which long labels push right),
        # hung from its top edge so a second line grows downwards into the top margin that
        # ``_base.finish`` reserves for it (a fractional y clipped two-line titles).
        title=dict(font=dict(size=TITLE_FONT_SIZE), x=0, xanchor="left", xref="container",
                   y=1, yanchor="top", yref="container", pad=dict(t=EDGE, l=EDGE, r=EDGE)),
        paper_bgcolor="white", plot_bgcolor="white",
        colorway=OKABE_ITO,
        xaxis=axis, yaxis=axis,
        legend=dict(font=dict(size=BASE_FONT_SIZE), bgcolor="rgba(255,255,255,0.9)"),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=BASE_FONT_SIZE)),
        margin=dict(l=20, r=20, t=90, b=20),
        bargap=0.25,
        geo=dict(bgcolor="white", showframe=False, landcolor="#f2f2f2",
                 countrycolor="#ffffff", coastlinecolor=MUTED),
    )
    t.data.bar = [go.Bar(marker=dict(line=dict(color=INK, width=1)), textfont=dict(size=BASE_FONT_SIZE))]
    t.data.scatter = [go.Scatter(line=dict(width=3), marker=dict(size=10))]
    t.data.choropleth = [go.Choropleth(marker=dict(line=dict(color="white", width=0.5)))]
    return t


def register() -> str:
    """Register the template under ``"traffickstats"`` (idempotent) and return its name.

    Charts name it explicitly; plotly's global default is left alone.
    """
    if TEMPLATE_NAME not in pio.templates:
        pio.templates[TEMPLATE_NAME] = _template()
    return TEMPLATE_NAME


def apply_direction(fig: go.Figure, rtl: bool, horizontal_bars: bool = False) -> go.Figure:
    """Mirror a figure for right-to-left reading (Arabic): title and legend on the right,
    the category axis on the right, colour scales on the left, horizontal bars growing leftwards."""
    if not rtl:
        return fig
    fig.update_layout(
        title=dict(x=1, xanchor="right"),
        legend=dict(x=1, xanchor="right"),
    )
    fig.update_yaxes(side="right")
    for trace in fig.data:  # colour scales move to the left, the side the reader ends on
        if "colorbar" in trace and trace.showscale is not False:
            trace.colorbar.update(x=-0.02, xanchor="right")
    if horizontal_bars:
        fig.update_xaxes(autorange="reversed")
    return fig


register()
