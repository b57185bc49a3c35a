"""Charts of an executed notebook, for static export (PNG/SVG) and the pack's thumbnails.

A chart shown with ``traffickstats.charts.show`` carries its figure JSON
(``application/vnd.plotly.v1+json``) and a name in ``metadata["traffickstats"]["name"]``.
The images themselves are made by ``traffickstats.charts.export.export_figures`` (one
kaleido server per call) when that module exists; until then the pack says so in its
manifest and still writes the HTML.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "chart"


def extract(nb) -> list[tuple[str, dict]]:
    """``[(name, figure_dict), ...]`` in display order; unnamed charts are ``chart<n>``."""
    found, seen = [], set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            fig = out.get("data", {}).get(PLOTLY_MIME)
            if not fig:
                continue
            meta = out.get("metadata", {})
            ts = meta.get("traffickstats") or meta.get(PLOTLY_MIME, {}).get("traffickstats") or {}
            name = _slug(str(ts.get("name") or f"chart{len(found) + 1}"))
            while name in seen:  # the same chart function used twice
                name += "_"
            seen.add(name)
            found.append((name, dict(fig)))
    return found


def exporter():
    """``traffickstats.charts.export.export_figures`` or None while it does not exist."""
    try:
        module = importlib.import_module("traffickstats.charts.export")
    except ModuleNotFoundError as exc:
        if exc.name in ("traffickstats.charts", "traffickstats.charts.export"):
            return None
        raise
    return getattr(module, "export_figures", None)


def export(figures: dict[str, dict], out_dir: Path, formats: list[str]) -> list[Path]:
    """Write ``{name: figure}`` into ``out_dir`` (``<name>.png``, ``<name>-slide2x.png``,
    ``<name>.svg``, ``<name>.pdf``); return every file written.

    Raises LookupError when the export module is not available yet.
    """
    export_figures = exporter()
    if export_figures is None:
        raise LookupError("traffickstats.charts.export is not available: static images skipped")
    import plotly.graph_objects as go

    figs = {name: go.Figure(fig) for name, fig in figures.items()}
    return list(export_figures(figs, Path(out_dir), list(formats)))
