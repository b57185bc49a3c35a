"""The plotly.js config every briefing chart is drawn with: offline, no cloud, slide-sized images.

Checked against plotly.js 4.1.1 (``plotly/package_data/plotly.min.js``): its config still has
``showSendToCloud`` and it defaults to *true* (with ``plotlyServerURL`` pointing at
cloud.plotly.com), so it is switched off and the ``sendChartToCloud`` mode-bar button removed.
``showLink`` / ``showEditInChartStudio`` no longer exist in 4.x (plotly.py warns on unknown
keys), so they are not set. ``topojsonURL`` defaults to cdn.plot.ly: it is pointed at a
relative folder so a page that forgot its map data never reaches the network; report pages
provide the map as ``window.PlotlyGeoAssets.topojson["world_110m"]`` (flows engineer's asset).
plotly.js locale files are not shipped with plotly.py; instead ``figure_config(lang)`` passes an
inline ``locales`` entry built from babel (months, days, separators), which needs no download.
"""

from __future__ import annotations

import copy

from ..formatting import babel_locale, plotly_separators
from .style import SLIDE_HEIGHT, SLIDE_WIDTH

#: Mode-bar buttons that share, upload or only make sense for exploratory work.
REMOVED_BUTTONS = ["sendChartToCloud", "lasso2d", "select2d"]

FIGURE_CONFIG: dict = {
    "displaylogo": False,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": list(REMOVED_BUTTONS),
    "typesetMath": False,
    "responsive": True,
    "topojsonURL": "topojson/",
    "toImageButtonOptions": {
        "format": "png", "width": SLIDE_WIDTH, "height": SLIDE_HEIGHT, "scale": 1,
        "filename": "traffickstats-chart",
    },
}


def _plotly_locale(lang: str) -> dict:
    """A plotly.js locale object (format part) written from CLDR via babel."""
    loc = babel_locale(lang)
    seps = plotly_separators(lang)
    months = loc.months["format"]
    days = loc.days["format"]
    # plotly.js wants Sunday first; babel numbers days Monday=0.
    order = [6, 0, 1, 2, 3, 4, 5]
    return {
        "format": {
            "decimal": seps[0], "thousands": seps[1],
            "months": [months["wide"][i] for i in range(1, 13)],
            "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
            "days": [days["wide"][i] for i in order],
            "shortDays": [days["abbreviated"][i] for i in order],
        },
        "dictionary": {},
    }


def figure_config(lang: str | None = None, name: str | None = None) -> dict:
    """``FIGURE_CONFIG`` for one chart: its download file name and, for fr/ar, a plotly.js locale."""
    cfg = copy.deepcopy(FIGURE_CONFIG)
    if name:
        cfg["toImageButtonOptions"]["filename"] = name
    if lang and lang != "en":
        cfg["locale"] = lang
        cfg["locales"] = {lang: _plotly_locale(lang)}
    return cfg
