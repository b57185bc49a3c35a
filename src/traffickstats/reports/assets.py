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
    plotly_dest = assets_dir / plotly_js_name()
    if not _same_size(plotly_dest, plotly_js_source().stat().st_size):  # 4.6 MB: not read for nothing
        atomic.copy_file(plotly_js_source(), plotly_dest)
    topo_dest, topo = assets_dir / TOPOJSON_REL, topojson_script().encode("utf-8")
    if not _same_size(topo_dest, len(topo)):
        atomic.write_bytes(topo_dest, topo)
    return {"plotly": plotly_dest, "topojson": topo_dest}


def _same_size(path: Path, size: int) -> bool:
    try:
        return path.is_file() and path.stat().st_size == size
    except OSError:
        return False
