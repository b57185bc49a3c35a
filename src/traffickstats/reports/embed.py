"""Each chart on a page of its own, to embed in an intranet page or a conference site.

A pack writes, beside each report, ``<lang>/charts/<report>/<chart>.html``: the chart alone
(its footnote, notes, data table and CSV download, as on the report), responsive, offline,
loading the pack's shared plotly.js and map data by relative path. It works opened directly
or in an ``<iframe>`` from the pack folder or a copy of it on an intranet. The report page
offers, under each chart, its "copy embed code" (an ``<iframe>`` snippet pointing at the
chart's page, relative to the report).

Every text from data is escaped: the snippet is HTML-escaped once to be valid HTML when
pasted, and again where the report shows it as text. The "copy" button is wired by one
script of the report page (``html._COPY_SCRIPT``), never by inline handlers.
"""

from __future__ import annotations

import html
from pathlib import Path

from .. import atomic
from ..i18n import _, text_direction

PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: Room under the chart for its footnote, notes and links, in the iframe's height.
CAPTION_PX = 180
#: The width charts are laid out for: narrower windows zoom the chart out (text stays whole).
LAYOUT_PX = 880


def is_briefing_chart(fig: dict) -> bool:
    meta = (fig.get("layout") or {}).get("meta")
    return isinstance(meta, dict) and isinstance(meta.get("traffickstats"), dict)


def _figure(fig: dict):
    import plotly.graph_objects as go

    return go.Figure(fig, skip_invalid=True)


def print_html(fig: dict, picture: str | None = None) -> str:
    """The chart as the print dossier draws it (``charts.display.print_block``; ``picture``:
    markup in place of the plotly.js div, which needs only the chart's metadata: no plotly
    figure is built for it)."""
    from ..charts.display import print_block

    return print_block(_figure(fig) if picture is None else fig, picture=picture)


def iframe(fig: dict, src: str) -> str:
    """The ``<iframe>`` snippet that shows the chart page ``src``."""
    meta = fig["layout"]["meta"]["traffickstats"]
    height = int((fig["layout"].get("height") or 520) + CAPTION_PX)
    e = html.escape
    return (f'<iframe src="{e(src)}" title="{e(str(meta.get("title") or ""))}" width="100%" '
            f'height="{height}" style="border:0" loading="lazy"></iframe>')


def embed_code(fig: dict, name: str, folder: str) -> str:
    """The "copy embed code" block under a chart of the report page."""
    lang = fig["layout"]["meta"]["traffickstats"].get("lang") or "fr"
    e = html.escape
    snippet = iframe(fig, f"{folder.rstrip('/')}/{name}.html")
    return (f'<details class="ts-embed ts-no-print" lang="{e(lang)}" dir="{text_direction(lang)}">'
            f'<summary>{e(_("embed.summary", lang))}</summary>'
            f'<p class="ts-note">{e(_("embed.how", lang))} '
            f'<a href="{e(folder.rstrip("/") + "/" + name + ".html")}">{e(_("embed.open", lang))}</a></p>'
            f'<textarea readonly rows="3" aria-label="{e(_("embed.summary", lang))}">{e(snippet)}</textarea>'
            f'<button type="button" data-ts-copy data-ts-done="{e(_("embed.copied", lang))}">'
            f'{e(_("embed.copy", lang))}</button></details>')


_PAGE_CSS = """
html{font-family:"Noto Sans","Noto Sans Arabic","DejaVu Sans",Arial,sans-serif;color:#1b1b1b}
body{margin:0;padding:.5rem}
figure.ts-chart{margin:0;zoom:var(--ts-zoom,1)}
.js-plotly-plot,.plotly,#js-plotly-tester{direction:ltr}
.ts-footnote,.ts-note{color:#595959;font-size:.88rem}
table{border-collapse:collapse;font-size:.9rem} th,td{border-bottom:1px solid #d0d0d0;padding:.25rem .5rem;text-align:start}
a{color:#0b5394}
"""
#: Below the layout width the chart is zoomed out as a whole, so its wrapped title and
#: footnote stay whole instead of being cut by a narrower plot.
_ZOOM = (f"(function(){{function fit(){{var w=document.documentElement.clientWidth;"
         f"document.documentElement.style.setProperty('--ts-zoom',String(Math.min(1,w/{LAYOUT_PX})));}}"
         f"fit();window.addEventListener('resize',fit);}})();")


def page(fig: dict, *, assets_href: str | None = None) -> str:
    """The chart's own page (a string): the chart block, plotly.js and the map data from
    ``assets_href`` (the pack's shared assets), or inlined when it is None (one file)."""
    from ..charts.display import html_block
    from . import assets

    meta = fig["layout"]["meta"]["traffickstats"]
    lang = str(meta.get("lang") or "fr")
    e = html.escape
    if assets_href is None:
        scripts = (f"<script>{assets.plotly_js_source().read_text(encoding='utf-8')}</script>\n"
                   f"<script>{assets.topojson_script()}</script>\n")
    else:
        base = e(assets_href.rstrip("/"))
        scripts = (f'<script src="{base}/{e(assets.plotly_js_name())}" charset="utf-8"></script>\n'
                   f'<script src="{base}/{e(assets.TOPOJSON_REL)}" charset="utf-8"></script>\n')
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(lang)}" dir="{text_direction(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(str(meta.get('title') or ''))}</title>\n<style>{_PAGE_CSS}</style>\n"
        f"{scripts}<script>{_ZOOM}</script>\n</head>\n"
        f'<body class="ts-embed-page">\n<main>{html_block(_figure(fig), lang)}</main>\n</body>\n</html>\n'
    )


def write_pages(nb, folder: Path, assets_dir: Path) -> list[Path]:
    """Write the page of every chart of an executed notebook into ``folder`` (removing pages
    of charts the report no longer draws); return the files written."""
    from . import figures
    from .html import relative_href

    folder = Path(folder)
    charts = [(name, out["data"][PLOTLY_MIME]) for name, out in figures.named_outputs(nb)
              if is_briefing_chart(out["data"][PLOTLY_MIME])]
    written = []
    if charts:
        folder.mkdir(parents=True, exist_ok=True)
        href = relative_href(assets_dir, folder)
        for name, fig in charts:
            path = folder / f"{name}.html"
            atomic.write_text(path, page(fig, assets_href=href))
            written.append(path)
    if folder.is_dir():
        keep = {p.name for p in written}
        for stale in folder.glob("*.html"):
            if stale.name not in keep:
                stale.unlink()
    return written
