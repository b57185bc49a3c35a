"""Charts of an executed notebook, for static export (PNG/SVG) and the pack's thumbnails.

A displayed chart carries its figure JSON (``application/vnd.plotly.v1+json``) and a name in
``metadata["traffickstats"]["name"]`` (or in the figure's own ``layout.meta``). The images
are made by ``traffickstats.charts.export.export_figures`` (one kaleido server per call).
"""

from __future__ import annotations

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
            ts = (meta.get("traffickstats") or meta.get(PLOTLY_MIME, {}).get("traffickstats")
                  or ((fig.get("layout") or {}).get("meta") or {}).get("traffickstats") or {})
            name = _slug(str(ts.get("name") or f"chart{len(found) + 1}"))
            while name in seen:  # the same chart function used twice
                name += "_"
            seen.add(name)
            found.append((name, dict(fig)))
    return found


def export(figures: dict[str, dict], out_dir: Path, formats: list[str]) -> list[Path]:
    """Write ``{name: figure}`` into ``out_dir`` (``<name>.png``, ``<name>-slide2x.png``,
    ``<name>.svg``, ``<name>.pdf``); return every file written."""
    import plotly.graph_objects as go

    from ..charts.export import export_figures

    figs = {name: go.Figure(fig) for name, fig in figures.items()}
    return list(export_figures(figs, Path(out_dir), list(formats)))
