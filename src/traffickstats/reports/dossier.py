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


def page(nb, info: html.PageInfo) -> str:
    """The print page (HTML string, plotly.js inlined: it is printed from a temporary file)."""
    return html.export(nb, info, self_contained=True, medium="print")


def write_pdf(executed, pdf: Path, info: html.PageInfo | None = None, *, chromium: str | None = None,
              printer=None) -> Path:
    """Print the executed report ``executed`` (a notebook node or an .ipynb path) to the A4
    PDF ``pdf`` (written atomically). Raises ExportError when Chromium is missing or fails.

    ``printer``: a :class:`.printpdf.Printer` (one browser kept for many PDFs, as the pack's
    export pass does); by default a browser is started for this PDF."""
    import nbformat

    from .printpdf import print_pdf

    nb = nbformat.read(str(executed), as_version=4) if isinstance(executed, (str, Path)) else executed
    info = info or info_from(nb)
    pdf = Path(pdf)
    with tempfile.TemporaryDirectory(prefix="ts-print-") as work:
        source = Path(work) / f"{pdf.stem}.html"
        source.write_text(page(nb, info), encoding="utf-8")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        if printer is not None:
            printer.print_pdf(source, pdf)
        else:
            print_pdf(source, pdf, chromium=chromium)
    return pdf
