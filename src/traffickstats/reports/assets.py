"""The offline assets a report needs: plotly.js (from the installed plotly) and the map topojson.

By default a pack holds ONE shared copy of each under ``<pack>/assets/`` and every report
points at it with a relative ``src``; a self-contained report inlines them instead.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..paths import package_resource
from . import atomic

TOPOJSON_NAME = "world_110m.js"


@functools.cache
def plotly_version() -> str:
    """The plotly.js version bundled with the installed plotly (e.g. ``4.1.1``)."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def plotly_js_source() -> Path:
    """The minified plotly.js shipped inside the plotly Python package."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_js_name() -> str:
    return f"plotly-{plotly_version()}.min.js"


def topojson_source() -> Path | None:
    """The map data script (sets ``window.PlotlyGeoAssets``) if the package ships it yet."""
    path = package_resource("assets", "topojson", TOPOJSON_NAME)
    return path if path.is_file() else None


def install(assets_dir: Path) -> dict[str, Path]:
    """Copy the shared assets into ``assets_dir`` (once: an existing same-size copy is kept).

    Returns ``{"plotly": path, "topojson": path}`` (topojson only when available).
    """
    assets_dir = Path(assets_dir)
    wanted = {"plotly": (plotly_js_source(), assets_dir / plotly_js_name())}
    topo = topojson_source()
    if topo is not None:
        wanted["topojson"] = (topo, assets_dir / "topojson" / TOPOJSON_NAME)
    out = {}
    for key, (src, dest) in wanted.items():
        if not (dest.is_file() and dest.stat().st_size == src.stat().st_size):
            atomic.copy_file(src, dest)
        out[key] = dest
    return out
