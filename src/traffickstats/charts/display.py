"""Charts into notebooks and reports: one mimebundle, two renderings.

- ``application/vnd.plotly.v1+json`` for JupyterLab (interactive, plotly's own renderer);
- ``text/html`` for the exported report: an accessible ``<figure>`` holding the chart div,
  its footnote and notes, a data table and a CSV download link.

The HTML never loads plotly.js itself: the report page loads it once in its head (global
``window.Plotly``; no CDN, no require.js). Every text that came from data is escaped:
``html.escape`` for HTML, and plotly's serialiser already writes ``<``, ``>`` and ``/`` as
``\\u003c``, ``\\u003e``, ``\\u002f`` inside the inline script (checked again here, so a source
title cannot close the script tag).
"""

from __future__ import annotations

import hashlib
import html
import json
import urllib.parse
from collections.abc import Callable

import plotly.graph_objects as go

from ..errors import TraffickstatsError
from ..i18n import _, text_direction
from .bidi import bidi_isolate, is_rtl
from .config import figure_config

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def meta(fig: go.Figure | dict) -> dict:
    """The ``traffickstats`` metadata a chart function stored on the figure (or its dict)."""
    m = (fig.get("layout") or {}).get("meta") if isinstance(fig, dict) else fig.layout.meta
    if not isinstance(m, dict) or "traffickstats" not in m:
        raise TraffickstatsError("figure has no traffickstats metadata: build it with traffickstats.charts")
    return m["traffickstats"]


def _div_id(fig: go.Figure, name: str) -> str:
    # Stable across runs (reproducible reports) yet distinct for two charts with one title.
    digest = hashlib.sha1(fig.to_json().encode("utf-8")).hexdigest()[:10]
    return f"ts-{name}-{digest}"


def _script_safe(chart_html: str) -> str:
    """Refuse chart HTML in which a data string could end the inline script early."""
    body = chart_html.split("<script", 1)[-1].split(">", 1)[-1].rsplit("</script>", 1)[0]
    if "</" in body or "<!--" in body or "<script" in body.lower():
        raise TraffickstatsError("unsafe text inside the chart script: plotly did not escape it")
    return chart_html


def chart_div(fig: go.Figure, lang: str | None = None, *, static: bool = False) -> str:
    """The plotly div + inline ``Plotly.newPlot`` call, without plotly.js itself.

    ``static``: a picture for print (no mode bar, no hover, the figure's own width).
    """
    m = meta(fig)
    height = fig.layout.height or 520
    if is_rtl(fig.to_dict()):  # Arabic lines mixing numbers/Latin read right to left
        fig = go.Figure(bidi_isolate(fig.to_dict()), skip_invalid=True)
    config = figure_config(lang or m["lang"], m["name"])
    width = "100%"
    if static:
        config.update(staticPlot=True, displayModeBar=False, responsive=False)
        width = f"{fig.layout.width}px" if fig.layout.width else "100%"
    out = fig.to_html(
        full_html=False, include_plotlyjs=False, include_mathjax=False, config=config,
        div_id=_div_id(fig, m["name"]), default_width=width, default_height=f"{height}px",
    )
    return _script_safe(out)


def _table_html(table: dict) -> str:
    e = html.escape
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in table["columns"])
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in table["rows"])
    return f'<table class="ts-data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def csv_href(csv_text: str) -> str:
    """A ``data:`` URL of the CSV; the BOM lets spreadsheet programs read accents as UTF-8."""
    return "data:text/csv;charset=utf-8," + urllib.parse.quote("\ufeff" + csv_text, safe="")


def html_block(fig: go.Figure, lang: str | None = None) -> str:
    """The chart as an accessible HTML ``<figure>``: chart, footnote, notes, data table, CSV link."""
    m = meta(fig)
    lang = lang or m["lang"]
    e = html.escape
    notes = "".join(f'<p class="ts-note">{e(n)}</p>' for n in m["notes"])
    return (
        f'<figure class="ts-chart ts-{e(m["kind"])}" role="group" aria-label="{e(m["alt"])}" '
        f'lang="{e(lang)}" dir="{text_direction(lang)}" id="fig-{e(m["name"])}">'
        f"{chart_div(fig, lang)}"
        f"<figcaption>"
        f'<p class="ts-footnote">{e(m["footnote"])}</p>{notes}'
        f"<details><summary>{e(_('show_data_table', lang))}</summary>{_table_html(m['table'])}</details>"
        f'<p class="ts-download"><a download="{e(m["name"])}.csv" href="{e(csv_href(m["csv"]))}">'
        f"{e(_('download_csv', lang))}</a></p>"
        f"</figcaption></figure>"
    )


#: Chart kinds whose values are not all written on the chart: the print dossier lists them.
PRINT_TABLE_KINDS = {"time_series", "sankey"}
#: A longer data table is left out of print (the chart and the CSV of the web page have it).
PRINT_TABLE_ROWS = 30


def print_block(fig: go.Figure | dict, lang: str | None = None, *, picture: str | None = None) -> str:
    """The chart as the A4 print dossier shows it: laid out again for the page
    (``charts.restyle.for_print``: the text column's width, print sizes, title and footnote
    whole, inside the picture), drawn static; no toggle, no download link, no mode bar. The
    data table is printed open where the chart does not write its values, else left out.

    ``picture``: markup to put in place of the chart's plotly.js div (a pack puts a marker
    there, then the chart's SVG drawn by its export server: ``reports.dossier``); the caller
    lays the figure out with ``for_print`` itself for that picture, and ``fig`` may then be
    the figure's dict (only its metadata is read)."""
    from .restyle import for_print

    m = meta(fig)
    lang = lang or m["lang"]
    e = html.escape
    table = ""
    if m["kind"] in PRINT_TABLE_KINDS and 0 < len(m["table"]["rows"]) <= PRINT_TABLE_ROWS:
        table = _table_html(m["table"])
    return (
        f'<figure class="ts-chart ts-print-chart ts-{e(m["kind"])}" role="group" aria-label="{e(m["alt"])}" '
        f'lang="{e(lang)}" dir="{text_direction(lang)}">'
        f'{chart_div(for_print(fig), lang, static=True) if picture is None else picture}{table}</figure>'
    )


def mimebundle(fig: go.Figure, lang: str | None = None) -> tuple[dict, dict]:
    """(data, metadata) of the display bundle: plotly JSON for JupyterLab, HTML for reports."""
    m = meta(fig)
    lang = lang or m["lang"]
    spec = json.loads(fig.to_json())
    spec["config"] = figure_config(lang, m["name"])
    data = {PLOTLY_MIME: spec, "text/html": html_block(fig, lang),
            "text/plain": f"<{m['kind']}: {m['title']}>"}
    return data, {"traffickstats": {"alt": m["alt"], "name": m["name"]}}


def show(fig: go.Figure, lang: str | None = None) -> None:
    """Display the chart in a notebook (both renderings; the front end picks one)."""
    from IPython.display import display

    for callback in list(_LISTENERS):
        callback(fig)
    data, metadata = mimebundle(fig, lang)
    display(data, raw=True, metadata=metadata)


# --- a chart as a cell's result ---------------------------------------------------------

#: Callbacks told of every traffickstats chart displayed (a report records its sources).
_LISTENERS: list = []


def on_display(callback) -> Callable[[], None]:
    """Call ``callback(fig)`` whenever a traffickstats chart is displayed in this kernel,
    whether by :func:`show` or as a cell's result; returns the function that unsubscribes.

    Registers, once, an IPython display formatter for plotly figures, so a chart left as a
    cell's result is displayed with its footnote, data table and CSV link like :func:`show`.
    """
    _register_ipython()
    _LISTENERS.append(callback)

    def unsubscribe() -> None:
        if callback in _LISTENERS:
            _LISTENERS.remove(callback)

    return unsubscribe


def _ipython_display(fig) -> bool:
    """IPython's display hook for plotly figures (plotly's own ``_ipython_display_`` would
    bypass every formatter): ours get our bundle, others plotly's own display."""
    m = fig.layout.meta
    if not (isinstance(m, dict) and "traffickstats" in m):
        fig._ipython_display_()
        return True
    show(fig)
    return True


def _register_ipython() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing is displayed, nothing to record
        return
    ip = get_ipython()
    if ip is not None:
        ip.display_formatter.ipython_display_formatter.for_type(go.Figure, _ipython_display)
