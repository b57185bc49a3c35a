"""The offline assets a report page loads: plotly.js and the world map data.

The files themselves are defined once in :mod:`traffickstats.assets`; this module says how a
report uses them. By default a pack holds ONE shared copy under ``<pack>/assets/`` and every
report points at it with a relative ``src``; a self-contained report inlines the same texts.
"""

from __future__ import annotations

import functools
from pathlib import Path

from .. import assets as _assets
from .. import atomic

#: Relative paths of the shared files inside an assets folder.
TOPOJSON_REL = f"topojson/{_assets.TOPOJSON_NAME}.js"

plotly_js_source = _assets.plotly_js_path
plotly_js_name = _assets.plotly_js_name


@functools.cache
def plotly_version() -> str:
    """The plotly.js version bundled with the installed plotly (e.g. ``4.1.1``)."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def topojson_script() -> str:
    """The map-data script (sets ``window.PlotlyGeoAssets``) for ``geo`` charts."""
    return _assets.topojson_script()


def install(assets_dir: Path) -> dict[str, Path]:
    """Write the shared assets into ``assets_dir`` atomically (identical files are kept).

    Returns ``{"plotly": path, "topojson": path}``. Safe to call from parallel workers: each
    writer uses its own temporary name before the rename.
    """
    assets_dir = Path(assets_dir)
    wanted = {
        "plotly": (assets_dir / plotly_js_name(), lambda: plotly_js_source().read_bytes()),
        "topojson": (assets_dir / TOPOJSON_REL, lambda: topojson_script().encode("utf-8")),
    }
    out = {}
    for key, (dest, content) in wanted.items():
        data = content()
        if not (dest.is_file() and dest.stat().st_size == len(data)):
            atomic.write_bytes(dest, data)
        out[key] = dest
    return out
