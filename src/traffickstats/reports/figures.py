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


def named_outputs(nb) -> list[tuple[str, dict]]:
    """``[(name, output), ...]``: every output that draws a chart, with the chart's file name
    (unique in the report), in display order; unnamed charts are ``chart<n>``."""
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
            found.append((name, out))
    return found


def extract(nb) -> list[tuple[str, dict]]:
    """``[(name, figure_dict), ...]`` in display order (names as :func:`named_outputs`)."""
    return [(name, dict(out["data"][PLOTLY_MIME])) for name, out in named_outputs(nb)]


def export(figures: dict[str, dict], out_dir: Path, formats: list[str], *, exporter=None, cache=None,
           laid_out: bool = False) -> list[Path]:
    """Write the slide of each ``{name: figure}`` into ``out_dir`` (``<name>.png``,
    ``<name>-slide2x.png``, ``<name>.svg``, ``<name>.pdf``); return every file written.

    A slide is the chart laid out again for projection (``charts.restyle.for_slide``: its
    finding as title, 24 px text and more, the source whole), not the web chart resized.
    ``exporter``: a started ``charts.export.Exporter`` (default: the one open, else a new one);
    ``cache``: unchanged slides are kept, not rendered again (``charts.export.export_figures``).
    ``laid_out``: the figures are slides already (``for_slide`` run where the report rendered).
    """
    from ..charts.export import export_figures
    from ..charts.restyle import for_slide

    figs = dict(figures) if laid_out else {name: for_slide(fig) for name, fig in figures.items()}
    return list(export_figures(figs, Path(out_dir), list(formats), exporter=exporter, cache=cache))


#: The index's preview of a report (``charts.restyle.THUMB``), one PNG per report.
THUMB_SIZE = ("thumb", 800, 450, 1)


def thumbnail(figure: dict, path: Path, *, exporter=None, cache=None, laid_out: bool = False) -> Path:
    """The preview of a report in the pack's index: its first chart with large text on a
    small picture (``charts.restyle.for_thumbnail``; already, when ``laid_out``), as ``path`` (PNG)."""
    from ..charts.export import export_figures
    from ..charts.restyle import for_thumbnail

    path = Path(path)
    written = export_figures({path.stem: figure if laid_out else for_thumbnail(figure)}, path.parent, ["png"], sizes=[THUMB_SIZE],
                             exporter=exporter, cache=cache)
    return Path(written[0])
