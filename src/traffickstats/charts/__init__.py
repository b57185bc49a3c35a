"""Briefing charts, plotly-express style: one function per kind, the same arguments everywhere.

Every function takes ``obs`` (canonical observations), ``lang`` ("fr", "en", "ar"), ``title``,
``note`` (an extra caveat) and ``catalog`` (Source records of loaded datasets, for footnotes),
and returns a ``plotly.graph_objects.Figure`` whose ``layout.meta["traffickstats"]`` holds
its sources, footnote, alt text, kind and the secondary / estimate flags. ``show`` puts a
chart in a notebook (a chart left as a cell's result is displayed the same way once a report
or :func:`on_display` registered the formatter); ``html_block`` gives the HTML a report embeds.
"""

from .bars import ranked_bar
from .compare import side_by_side
from .config import FIGURE_CONFIG, figure_config
from .display import html_block, meta, mimebundle, on_display, show
from .headline import headline
from .maps import choropleth
from .series import time_series
from .shares import stacked_shares
from .style import TEMPLATE_NAME, register

__all__ = [
    "FIGURE_CONFIG", "TEMPLATE_NAME", "choropleth", "figure_config", "headline", "html_block",
    "meta", "mimebundle", "on_display", "ranked_bar", "register", "show", "side_by_side", "stacked_shares", "time_series",
]
