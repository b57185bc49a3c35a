"""Export an executed notebook to one offline HTML page, in-process, with the packaged template.

What plain ``jupyter nbconvert`` gets wrong for a conference room without network, and what
this module does instead:

- charts shown with the plotly mimetype only are lost -> a plotly div is rendered for them;
- require.js and MathJax come from CDNs -> the ``briefing`` template loads neither;
- plotly.js is inlined into every page -> one relative ``assets/plotly-<ver>.min.js``
  (or, for a self-contained file, inlined once);
- code cells and prompts are shown -> excluded.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..paths import package_resource
from ..i18n import _, text_direction
from . import assets

PLOTLY_MIME = "application/vnd.plotly.v1+json"
TEMPLATES = package_resource("reports", "templates")


@dataclass
class PageInfo:
    """What the page says about itself: language, title, and the footer's provenance."""

    lang: str = "fr"
    title: str = ""
    notebook: str = ""
    parameters: dict = field(default_factory=dict)
    run_id: str = ""
    rendered: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def _chart_html(fig_json: dict) -> str:
    """A plotly div + inline script for a figure that was displayed without ``text/html``."""
    import plotly.io as pio

    fig = pio.from_json(json.dumps(fig_json), skip_invalid=True)
    div = pio.to_html(fig, include_plotlyjs=False, include_mathjax=False, full_html=False,
                      config={"displaylogo": False, "responsive": True})
    return f'<figure class="ts-chart">{div}</figure>'


def prepare(nb, *, medium: str = "web", embeds: str | None = None, pictures: list | None = None):
    """A copy of ``nb`` ready for export: plotly-only outputs get HTML, JavaScript outputs go.

    ``application/javascript`` outputs (e.g. plotly's own notebook renderer) need require.js
    and a live kernel frontend; they have no place in an offline page.

    ``medium="print"``: each traffickstats chart is drawn for the A4 page
    (``charts.display.print_block``) and the page title's own output is left to the cover.
    ``embeds``: the folder (relative to the page) of the charts' own pages; each chart then
    offers its "copy embed code" (:mod:`.embed`).
    ``pictures`` (print): a list to which each chart laid out for print (a figure dict) is
    appended; the page then holds :func:`picture_marker` ``(n)`` in place of chart ``n``'s
    plotly.js drawing, and loads no plotly.js (see ``reports.dossier``).
    """
    from . import embed, figures

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if medium == "print" and page_title_of(out):
                continue  # the cover shows the title
            kept.append(out)
            if not data:
                continue
            data.pop("application/javascript", None)
            if PLOTLY_MIME in data and "text/html" not in data:
                data["text/html"] = _chart_html(data[PLOTLY_MIME])
        if "outputs" in cell:
            cell["outputs"] = kept
    for name, out in figures.named_outputs(nb):
        fig = out["data"][PLOTLY_MIME]
        if not embed.is_briefing_chart(fig):
            continue
        if medium == "print" and pictures is not None:
            from ..charts.restyle import PRINT, restyled_json

            out["data"]["text/html"] = embed.print_html(fig, picture_marker(len(pictures)))
            pictures.append(restyled_json(fig, PRINT))  # for_print, as the JSON the server draws
            del out["data"][PLOTLY_MIME]  # drawn by the export server: no plotly.js in the page
        elif medium == "print":
            out["data"]["text/html"] = embed.print_html(fig)
        elif embeds is not None:
            out["data"]["text/html"] = _joined(out["data"].get("text/html", "")) + embed.embed_code(fig, name, embeds)
    return nb


def picture_marker(n: int) -> str:
    """The place of print chart ``n``'s picture in a page made with ``pictures``."""
    return f"<!--ts-print-picture-{n}-->"


def _joined(text) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def page_title_of(output) -> str | None:
    meta = (output.get("metadata") or {}).get("traffickstats")
    return str(meta["title"]) if isinstance(meta, dict) and meta.get("title") else None


def _outputs(nb):
    for cell in nb.cells:
        yield from cell.get("outputs", [])


def needs_plotly(nb) -> bool:
    """True when some output draws a plotly chart (so plotly.js must be loaded)."""
    for out in _outputs(nb):
        data = out.get("data", {})
        html = data.get("text/html", "")
        html = "".join(html) if isinstance(html, list) else html
        if PLOTLY_MIME in data or "Plotly.newPlot" in html or "window.Plotly" in html:
            return True
    return False


def page_title(nb) -> str | None:
    """The title a notebook announced with ``briefing.title()`` (output metadata), if any."""
    for out in _outputs(nb):
        title = page_title_of(out)
        if title:
            return title
    return None


@functools.cache
def _css() -> str:
    return (TEMPLATES / "briefing" / "static" / "briefing.css").read_text(encoding="utf-8")


def _scripts(nb, self_contained: bool, assets_href: str) -> list[dict]:
    """The <script> tags of the head: plotly.js once, then the map data (no network needed)."""
    if not needs_plotly(nb):
        return []
    if self_contained:
        return [{"inline": assets.plotly_js_source().read_text(encoding="utf-8")},
                {"inline": assets.topojson_script()}]
    base = assets_href.rstrip("/")
    return [{"src": f"{base}/{assets.plotly_js_name()}"}, {"src": f"{base}/{assets.TOPOJSON_REL}"}]


_local = threading.local()


def _exporter():
    """The page exporter, built once per thread (templates compiled once: a pack worker
    renders many reports) and reused."""
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        exporter = _local.exporter = _new_exporter()
    return exporter


def _new_exporter():
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="briefing",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    # cells tagged "remove-cell" (notes for notebook authors) never reach the page
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove-cell"}), enabled=True)
    return exporter


def export(nb, info: PageInfo, *, self_contained: bool = False, assets_href: str = "assets",
           medium: str = "web", embeds: str | None = None, pictures: list | None = None) -> str:
    """The HTML page for an executed notebook (a string; the caller writes it atomically).

    ``assets_href`` is the relative address of the shared assets folder as seen from the
    page (e.g. ``../assets`` for ``fr/country_brief-TUN.html`` in a pack). ``medium="print"``
    makes the page the print dossier prints (a cover, charts laid out for A4, no screen
    controls); ``embeds``, ``pictures``: see :func:`prepare`.
    """
    cover = _cover(nb, info) if medium == "print" else None
    nb = prepare(nb, medium=medium, embeds=embeds, pictures=pictures)
    lang = info.lang
    labels = {k: _(f"footer.{k}", lang) for k in ("parameters", "run_id", "version", "rendered", "notebook")}
    rendered = info.rendered.astimezone(timezone.utc)
    resources = {
        "metadata": {"name": info.title or info.notebook},
        "ts": {
            "lang": lang,
            "dir": text_direction(lang),
            "title": page_title(nb) or info.title or info.notebook,
            "css": _css(),
            "scripts": _scripts(nb, self_contained, assets_href),
            "notebook": info.notebook,
            "parameters": [(k, repr(v)) for k, v in info.parameters.items()],
            "run_id": info.run_id or "—",
            "version": __version__,
            "rendered": rendered.strftime("%Y-%m-%d %H:%M UTC"),
            "rendered_iso": rendered.isoformat(timespec="seconds"),
            "labels": labels,
            "medium": medium,
            "cover": cover,
            "copy_script": _COPY_SCRIPT if embeds is not None and medium == "web" else "",
        },
    }
    body, _resources = _exporter().from_notebook_node(nb, resources=resources)
    return body


def _cover(nb, info: PageInfo) -> dict:
    """The print dossier's cover: title, date (in the page's language), the sources cited."""
    from babel.dates import format_date

    from ..formatting import babel_locale
    from . import outline

    report = outline.read(nb)
    lang = info.lang
    cites = report.citations()
    more = len(cites) - COVER_SOURCES
    return {
        "title": report.title or info.title or info.notebook,
        "date": format_date(info.rendered.date(), format="long", locale=babel_locale(lang)),
        "sources_heading": _("section.sources", lang),
        "sources": cites[:COVER_SOURCES] if more > 1 else cites,
        "more_sources": _("cover.more_sources", lang, n=more) if more > 1 else "",
        "note": _("cover.generated", lang, version=__version__),
    }


#: Sources listed on the cover; a longer list ends with "and N more" (all are in the report).
COVER_SOURCES = 14


#: Wires the "copy" buttons of embed codes (no inline handlers: every text stays inert).
_COPY_SCRIPT = """
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("button[data-ts-copy]") : null;
  if (!button) { return; }
  var box = button.parentNode.querySelector("textarea");
  box.focus(); box.select();  // selected: Ctrl+C works even where copying is refused
  try { document.execCommand("copy"); } catch (e) { /* the selection stays */ }
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(box.value).catch(function () {}); }
  button.textContent = button.getAttribute("data-ts-done");
});
"""


def relative_href(target_dir: Path, page_dir: Path) -> str:
    """The relative URL of ``target_dir`` seen from a page in ``page_dir`` (always with ``/``)."""
    return Path(os.path.relpath(Path(target_dir).resolve(), Path(page_dir).resolve())).as_posix()
