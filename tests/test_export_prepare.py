"""``reports.exports.prepare``: the export pass's Python work done in the pack's worker
(charts laid out for slides, thumbnail and deck; the print page) gives the same pictures and
page as the export pass computing them itself, and the pass falls back when it is missing.

Reports are the shipped notebooks run in-process on bundled data (``inprocess``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from inprocess import as_notebook, run

from traffickstats.charts.export import image_key
from traffickstats.charts.restyle import SLIDE, THUMB, for_print, for_slide, for_thumbnail
from traffickstats.reports import deck, dossier, exports, figures, html
from traffickstats.reports.html import PageInfo

FORMATS = ["html", "png", "pdf", "pptx"]


@pytest.fixture(scope="module")
def report():
    params = {"country": "MAR", "lang": "fr"}
    nb = as_notebook(run("country_brief", **params), params)
    info = PageInfo(lang="fr", title="Maroc", notebook="country_brief.py", parameters=params, run_id="r-1")
    return nb, info


def test_prepared_figures_are_the_pictures_the_export_pass_would_draw(report):
    nb, info = report
    got = exports.prepare(nb, FORMATS, info)
    charts = figures.extract(nb)
    assert len(charts) >= 3
    assert [name for name, _ in got["slides"]] == [name for name, _ in charts]
    for (_, prepared), (_, fig) in zip(got["slides"], charts):
        assert isinstance(prepared, dict)
        assert image_key(prepared, "png", SLIDE.width, SLIDE.height, 2) == image_key(
            for_slide(fig), "png", SLIDE.width, SLIDE.height, 2)
    assert image_key(got["thumbnail"], "png", THUMB.width, THUMB.height, 1) == image_key(
        for_thumbnail(charts[0][1]), "png", THUMB.width, THUMB.height, 1)
    assert [image_key(f, "svg", 700, 520, 1) for f in got["print_figures"]] == [
        image_key(for_print(fig), "svg", 700, 520, 1) for _, fig in charts]
    page = got["print_page"]
    assert [n for n in range(len(charts)) if html.picture_marker(n) in page] == list(range(len(charts)))
    # the charts come as pictures: plotly.js is neither inlined nor loaded
    assert "Plotly.newPlot" not in page and "<script src" not in page and len(page) < 200_000


def test_a_print_page_loads_the_packs_scripts_by_file_url(report, tmp_path):
    nb, info = report
    page = dossier.page(nb, info, tmp_path / "assets")
    inline = dossier.page(nb, info)
    assert f'src="{(tmp_path / "assets").resolve().as_uri()}/' in page
    assert len(page) < len(inline) / 10  # plotly.js (4.8 MB) is no longer in the page
    assert "Plotly.newPlot" in page


class _SVGs:
    """Stands in for the export server: a GENERATED SVG per figure, as kaleido returns it."""

    def __init__(self):
        self.asked = []

    def images(self, items):
        self.asked += items
        return [f'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}">'
                f'<text>chart {i}</text></svg>'.encode() for i, (_fig, _fmt, w, h, _s) in enumerate(items)]


def test_with_pictures_puts_each_charts_svg_in_its_place(report):
    nb, info = report
    figs: list = []
    page = dossier.page(nb, info, pictures=figs)
    server = _SVGs()
    done = dossier.with_pictures(page, figs, server)
    assert [(fmt, w, h) for _fig, fmt, w, h, _s in server.asked] == [
        ("svg", f["layout"]["width"], f["layout"]["height"]) for f in figs]
    assert "ts-print-picture-" not in done and "<?xml" not in done
    positions = [done.index(f"<text>chart {n}</text>") for n in range(len(figs))]
    assert positions == sorted(positions)  # in the order of the report
    assert done.count('<div class="ts-print-picture"><svg') == len(figs)


def test_only_what_the_formats_ask_for_is_prepared(report):
    nb, info = report
    assert set(exports.prepare(nb, ["html", "pdf"], info)) == {"print_page", "print_figures"}
    assert set(exports.prepare(nb, ["html", "svg"], info)) == {"slides"}
    assert set(exports.prepare(nb, ["html", "pptx"], info)) == {"slides"}  # a deck shows the slides
    assert exports.prepare(nb, ["html"], info) == {}


def test_deck_key_is_the_same_with_prepared_figures(report):
    nb, info = report
    from traffickstats.reports import outline

    rep = outline.read(nb)
    content = deck.content(rep, [b""] * len(rep.charts), title="Maroc")
    prepared = [fig for _name, fig in exports.prepare(nb, ["pptx"], info)["slides"]]
    assert deck.key(content, rep.charts, prepared) == deck.key(content, rep.charts)


class _Recording:
    """An exporter that records what it was asked to draw (no browser: quick tier)."""

    def __init__(self):
        self.keys = []

    def write_many(self, items):
        written = []
        for fig, path, fmt, width, height, scale in items:
            self.keys.append((Path(path).name, image_key(fig, fmt, width, height, scale)))
            Path(path).write_bytes(b"\x89PNG\r\n\x1a\n")
            written.append(Path(path))
        return written, []

    def images(self, items):
        self.keys += [("deck", image_key(fig, fmt, w, h, s)) for fig, fmt, w, h, s in items]
        from inprocess import png_bytes

        return [png_bytes(w, h) for _fig, _fmt, w, h, _s in items]


def test_media_draws_the_same_pictures_with_or_without_prepared_figures(report, tmp_path, monkeypatch):
    nb, info = report
    import traffickstats.charts.export as export

    def scaled_down(source, factor, path):  # no real PNG to reduce here: a GENERATED one
        from inprocess import png_bytes

        Path(path).write_bytes(png_bytes(1920, 1080))
        return Path(path)

    monkeypatch.setattr(export, "_write_scaled_down", scaled_down)
    asked = {}
    for label, prepared in (("lane", None), ("worker", exports.prepare(nb, FORMATS, info))):
        out = tmp_path / label
        (out / "fr").mkdir(parents=True)
        recorder = _Recording()
        entry = {"outputs": ["fr/country_brief-MAR.html"], "title": "Maroc"}
        got = exports.media(entry, nb, out, FORMATS, recorder, None, prepared)
        assert not got["warnings"], got["warnings"]
        asked[label] = (recorder.keys, sorted(got["outputs"]))
    assert asked["lane"] == asked["worker"]
    assert any(name.endswith("-slide2x.png") for name, _ in asked["worker"][0])
    assert not [k for k in asked["worker"][0] if k[0] == "deck"]  # the deck shows the slides drawn
    assert any(o.endswith(".pptx") for o in asked["worker"][1])


@pytest.mark.browser
def test_a_dossier_with_pictures_prints_as_the_plotly_page_does(report, tmp_path, chromium):
    """The same words, the same number of pages, charts drawn (not blank): the PDF printed with
    the export server's SVGs and the one whose page runs plotly.js itself."""
    import re
    import subprocess

    from traffickstats.charts.export import Exporter
    from traffickstats.reports.printpdf import Printer

    nb, info = report

    def words(pdf):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        return sorted(re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "", text).replace("\f", " ").split())

    def pages(pdf):
        info_ = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", info_).group(1))

    with Printer(chromium) as printer, Exporter(chromium) as ex:
        dossier.write_pdf(nb, tmp_path / "plotly.pdf", info, printer=printer)
        figs: list = []
        page = dossier.with_pictures(dossier.page(nb, info, pictures=figs), figs, ex)
        dossier.write_pdf(None, tmp_path / "pictures.pdf", info, printer=printer, source=page)
    assert words(tmp_path / "pictures.pdf") == words(tmp_path / "plotly.pdf")
    assert pages(tmp_path / "pictures.pdf") == pages(tmp_path / "plotly.pdf")
    svg_text = [w for f in figs for w in re.sub(r"<[^>]+>", " ", str(f["layout"]["title"]["text"])).split()
                if len(w) > 3]
    assert svg_text and all(w in words(tmp_path / "pictures.pdf") for w in svg_text)  # titles drawn in the SVGs


@pytest.mark.browser
def test_a_page_that_loads_nothing_prints_as_the_tabs_document_the_same_pdf(report, tmp_path, chromium):
    """The pack's print page (charts as SVG, no script) is set as the printer tab's document
    instead of being navigated to from a file: the same PDF, page by page in pixels and in
    words; the page that runs plotly.js loads scripts, so it still prints from a file."""
    import subprocess

    from traffickstats.charts.export import Exporter
    from traffickstats.reports import printpdf
    from traffickstats.reports.printpdf import Printer

    nb, info = report
    with Exporter(chromium) as ex:
        figs: list = []
        page = dossier.with_pictures(dossier.page(nb, info, pictures=figs), figs, ex)
    assert printpdf.self_contained(page)
    assert not printpdf.self_contained(dossier.page(nb, info))  # plotly.js draws its charts
    source = tmp_path / "page.html"
    source.write_text(page, encoding="utf-8")

    original = Printer._print
    with Printer(chromium) as printer:
        printer.print_pdf(source, tmp_path / "file.pdf")
        sent = []
        Printer._print = lambda self, url=None, html=None: (sent.append(html is not None), original(self, url, html))[1]
        try:
            printer.print_source(page, tmp_path / "document.pdf")
            printer.print_source("<!doctype html><script>document.title = 'x'</script><p>y", tmp_path / "script.pdf")
        finally:
            Printer._print = original
        assert printer.tabs_opened == 1
    assert sent == [True, False]  # the page with a script went through a file

    def text(pdf):
        return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    def pixels(pdf, prefix):
        subprocess.run(["pdftoppm", "-r", "40", str(pdf), str(tmp_path / prefix)], check=True)
        return [p.read_bytes() for p in sorted(tmp_path.glob(f"{prefix}-*.ppm"))]

    assert text(tmp_path / "document.pdf") == text(tmp_path / "file.pdf") and "Sources" in text(tmp_path / "file.pdf")
    assert pixels(tmp_path / "document.pdf", "d") == pixels(tmp_path / "file.pdf", "f") != []
    assert "y" in text(tmp_path / "script.pdf")
