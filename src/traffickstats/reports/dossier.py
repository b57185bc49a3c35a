"""The print dossier: an executed report as an A4 PDF.

Not the screen page printed: the page is exported again for print (``html.export(...,
medium="print")``):

- a cover with the report's title, the date and the sources it cites (:mod:`.outline`);
- every chart laid out again for the page's text column (``charts.restyle.for_print``): its
  title and footnote wrapped to the page and whole, drawn static; the data table printed open
  where the chart does not write its values (time series, Sankey), else left out;
- no screen controls (data-table toggles, CSV links, embed codes, the mode bar);
- a heading kept with the chart or table after it, page numbers at the foot of each page.

Chromium prints it (:func:`.printpdf.print_pdf`, or the pack's long-lived
:class:`.printpdf.Printer`). :func:`write_pdf` takes an executed notebook and writes one PDF:
the pack's export pass and ``traffickstats report --out x.pdf`` call it the same way.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from . import html


def info_from(nb, **overrides) -> html.PageInfo:
    """The page's self-description from an executed notebook (papermill's parameters)."""
    params = ((nb.get("metadata") or {}).get("papermill") or {}).get("parameters") or {}
    fields = {"lang": str(params.get("lang") or "fr"), "title": html.page_title(nb) or "",
              "parameters": dict(params)}
    fields.update({k: v for k, v in overrides.items() if v is not None})
    return html.PageInfo(**fields)


def page(nb, info: html.PageInfo, assets: Path | None = None, *, pictures: list | None = None) -> str:
    """The print page (HTML string; it is printed from a temporary file): plotly.js inlined,
    or loaded from the shared ``assets`` folder of a pack (by its file URL; the PDF is the same).

    ``pictures``: a list that receives each chart laid out for print; the page then holds a
    marker in place of each chart and no plotly.js, and :func:`with_pictures` puts the
    charts' SVG there (what a pack does: its export server draws them)."""
    if assets is None:
        return html.export(nb, info, self_contained=True, medium="print", pictures=pictures)
    return html.export(nb, info, assets_href=Path(assets).resolve().as_uri(), medium="print", pictures=pictures)


def with_pictures(source: str, figures: list[dict], exporter) -> str:
    """The print page ``source`` (made by :func:`page` with ``pictures``) with each chart's
    SVG, drawn by ``exporter`` (a started ``charts.export.Exporter``) in one call, in place of
    its marker. The same plotly.js draws the same SVG as in the page itself, but once per
    chart in an export tab that keeps plotly.js loaded, instead of the print tab loading and
    running plotly.js for every page (measured: 1.2 CPU-s of Chromium a dossier against 0.3
    without its charts)."""
    if not figures:
        return source
    svgs = exporter.images([(fig, "svg", int(fig["layout"].get("width") or 700),
                             int(fig["layout"].get("height") or 520), 1) for fig in figures])
    for n, svg in enumerate(svgs):
        text = svg.decode("utf-8")
        if text.startswith("<?xml"):
            text = text.split("?>", 1)[1]
        source = source.replace(html.picture_marker(n), f'<div class="ts-print-picture">{text.strip()}</div>', 1)
    return source


def write_pdf(executed, pdf: Path, info: html.PageInfo | None = None, *, chromium: str | None = None,
              printer=None, source: str | None = None) -> Path:
    """Print the executed report ``executed`` (a notebook node or an .ipynb path) to the A4
    PDF ``pdf`` (written atomically). Raises ExportError when Chromium is missing or fails.

    ``printer``: a :class:`.printpdf.Printer` (one browser kept for many PDFs, as the pack's
    export pass does); by default a browser is started for this PDF. ``source``: the print
    page already made (:func:`page`, as a pack's worker does); ``executed`` is then not read."""
    import nbformat

    from .printpdf import print_pdf

    if source is None:
        nb = nbformat.read(str(executed), as_version=4) if isinstance(executed, (str, Path)) else executed
        source = page(nb, info or info_from(nb))
    pdf = Path(pdf)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    if printer is not None:  # the page as the tab's document when it loads nothing, else from a file
        printer.print_source(source, pdf, name=f"{pdf.stem}.html")
        return pdf
    with tempfile.TemporaryDirectory(prefix="ts-print-") as work:
        html_file = Path(work) / f"{pdf.stem}.html"
        html_file.write_text(source, encoding="utf-8")
        print_pdf(html_file, pdf, chromium=chromium)
    return pdf
