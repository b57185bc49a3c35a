"""``reports.exports.prepare``: the export pass's Python work done in the pack's worker
(charts laid out for slides, thumbnail and deck; the print page) gives the same pictures and
page as the export pass computing them itself, and the pass falls back when it is missing.

Reports are the shipped notebooks run in-process on bundled data (``inprocess``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from inprocess import as_notebook, run

from traffickstats.charts.export import image_key
from traffickstats.charts.restyle import DECK, SLIDE, THUMB, for_deck, for_slide, for_thumbnail
from traffickstats.reports import deck, dossier, exports, figures
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
    assert [image_key(f, "png", DECK.width, DECK.height, 1) for f in got["deck"]] == [
        image_key(for_deck(fig), "png", DECK.width, DECK.height, 1) for _, fig in charts]
    assert got["print_page"] == dossier.page(nb, info)  # inlined plotly.js: no pack folder given


def test_prepared_print_page_loads_the_packs_scripts_by_file_url(report, tmp_path):
    nb, info = report
    page = exports.prepare(nb, ["html", "pdf"], info, assets=tmp_path / "assets")["print_page"]
    inline = dossier.page(nb, info)
    assert f'src="{(tmp_path / "assets").resolve().as_uri()}/' in page
    assert len(page) < len(inline) / 10  # plotly.js (4.8 MB) is no longer in the page
    assert "Plotly.newPlot" in page


def test_only_what_the_formats_ask_for_is_prepared(report):
    nb, info = report
    assert set(exports.prepare(nb, ["html", "pdf"], info)) == {"print_page"}
    assert set(exports.prepare(nb, ["html", "svg"], info)) == {"slides"}
    assert set(exports.prepare(nb, ["html", "pptx"], info)) == {"deck"}
    assert exports.prepare(nb, ["html"], info) == {}


def test_deck_key_is_the_same_with_prepared_figures(report):
    nb, info = report
    from traffickstats.reports import outline

    rep = outline.read(nb)
    content = deck.content(rep, [b""] * len(rep.charts), title="Maroc")
    prepared = exports.prepare(nb, ["pptx"], info)["deck"]
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

    def scaled_down(source, factor, path):  # no real PNG to reduce here
        Path(path).write_bytes(b"1x")
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
