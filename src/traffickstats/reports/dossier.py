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


def page(nb, info: html.PageInfo, assets: Path | None = None) -> str:
    """The print page (HTML string; it is printed from a temporary file): plotly.js inlined,
    or loaded from the shared ``assets`` folder of a pack (by its file URL; the PDF is the same)."""
    if assets is None:
        return html.export(nb, info, self_contained=True, medium="print")
    return html.export(nb, info, assets_href=Path(assets).resolve().as_uri(), medium="print")


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
    with tempfile.TemporaryDirectory(prefix="ts-print-") as work:
        html_file = Path(work) / f"{pdf.stem}.html"
        html_file.write_text(source, encoding="utf-8")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        if printer is not None:
            printer.print_pdf(html_file, pdf)
        else:
            print_pdf(html_file, pdf, chromium=chromium)
    return pdf
