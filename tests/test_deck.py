"""PowerPoint decks (``reports.deck``), re-read with python-pptx; the slow test renders the
real pictures and converts a deck to PDF with LibreOffice Impress (Debian's
libreoffice-impress-nogui, which ``make test`` installs).

Reports are the shipped notebooks run in-process on bundled data, with the key messages they
write (``briefing.messages``, read through the metadata convention of ``reports.outline``);
some tests put GENERATED messages in their place or leave them out, and the quick tests use
GENERATED PNGs as pictures.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from inprocess import as_notebook, png_bytes, run

from traffickstats.reports import deck, outline

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

MESSAGES = {"traffickstats": {"key_messages": [  # GENERATED, in the convention's shape
    {"text": "Premier message clé, sourcé.", "sources": ["BIT (2012), Estimation mondiale du travail forcé"],
     "refs": ["ILO12-01"]},
    {"text": "Deuxième message, sans référence."},
    "Troisième message écrit comme une simple chaîne.",
]}}


def said_messages(output) -> bool:
    return "key_messages" in (output["metadata"].get("traffickstats") or {})


def executed(notebook: str, messages: dict | None = None, **params):
    """The notebook run in-process; ``messages``: GENERATED key messages in place of its own."""
    shown = run(notebook, **params)
    extra = []
    if messages is not None:
        shown.outputs = [o for o in shown.outputs if not said_messages(o)]
        extra = [{"data": {"text/plain": "messages"}, "metadata": messages}] if messages else []
    return as_notebook(shown, params, extra)


@pytest.fixture(scope="module")
def overview(tmp_path_factory):
    nb = executed("global_overview", lang="fr")  # its own key messages (briefing.messages)
    report = outline.read(nb)
    path = deck.write(deck.content(report, [png_bytes(1920, 850)] * len(report.charts), day=date(2026, 11, 30)),
                      tmp_path_factory.mktemp("deck") / "global_overview.pptx")
    return report, path


def reread(path):
    from pptx import Presentation

    return Presentation(str(path))


def shape(slide, name):
    return next((s for s in slide.shapes if s.name == name), None)


def notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def test_deck_is_16_9_with_title_messages_and_one_slide_per_chart(overview):
    report, path = overview
    prs = reread(path)
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    slides = list(prs.slides)
    assert slides[0].shapes.title.text == report.title == "Vue d'ensemble mondiale"
    assert "30 novembre 2026" in shape(slides[0], "Date").text_frame.text
    said = [sl for sl in slides if sl.shapes.title.text == "Messages clés"]
    assert 1 <= len(said) <= 2 and len(slides) == 1 + len(said) + len(report.charts)
    assert len(report.messages) >= 3  # the notebook writes its key messages (briefing.messages)
    body = [p.text for sl in said for p in shape(sl, "Key messages").text_frame.paragraphs]
    assert body == [m.text for m in report.messages]
    text = " ".join(notes(sl) for sl in said)
    for m in report.messages:
        assert all(c in text for c in m.sources) and all(r in text for r in m.refs)


def test_chart_slide_has_its_finding_picture_source_footer_and_notes(overview):
    report, path = overview
    slides = [sl for sl in reread(path).slides if shape(sl, "Chart") is not None]
    assert len(slides) == len(report.charts)
    for slide, (_name, fig) in zip(slides, report.charts):
        m = outline.chart_meta(fig)
        assert slide.shapes.title.text == (m["finding"] or m["title"])
        assert shape(slide, "Chart") is not None and shape(slide, "Chart").shape_type == 13  # a picture
        assert shape(slide, "Source").text_frame.text == m["footnote"]
        text = notes(slide)
        for line in [m["title"], *m["notes"], *m["citations"], m["alt"]]:
            assert line in text, line
        # the picture sits between title and footer, inside the slide
        pic, foot = shape(slide, "Chart"), shape(slide, "Source")
        assert pic.top >= slide.shapes.title.top + slide.shapes.title.height - 10
        assert pic.top + pic.height <= foot.top and foot.top + foot.height <= reread(overview[1]).slide_height


def test_text_is_in_the_report_language_and_font(overview):
    _report, path = overview
    slide = next(sl for sl in reread(path).slides if shape(sl, "Chart") is not None)
    runs = [r for s in slide.shapes if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs]
    assert runs
    for r in runs:
        rpr = r._r.find(f"{A}rPr")
        assert rpr.get("lang") == "fr-FR" and r.font.name == "Noto Sans"
        assert rpr.find(f"{A}cs").get("typeface") == "Noto Sans Arabic"


def test_arabic_deck_reads_right_to_left(tmp_path):
    nb = executed("country_brief", lang="ar", country="TUN")
    report = outline.read(nb)
    path = deck.write(deck.content(report, [png_bytes()] * len(report.charts)), tmp_path / "ar.pptx")
    prs = reread(path)
    paragraphs = [p for sl in prs.slides for s in sl.shapes if s.has_text_frame for p in s.text_frame.paragraphs
                  if p.text]
    assert paragraphs
    for p in paragraphs:
        assert p._p.find(f"{A}pPr").get("rtl") == "1"
        assert all(r._r.find(f"{A}rPr").get("lang") == "ar-TN" for r in p.runs)
    assert list(prs.slides)[0].shapes.title.text == report.title and "تونس" in report.title


def test_a_report_without_key_messages_still_gives_a_valid_deck(tmp_path):
    nb = executed("flows", {}, lang="en")  # its key messages output left out
    report = outline.read(nb)
    assert report.messages == []
    path = deck.write(deck.content(report, [png_bytes()] * len(report.charts)), tmp_path / "flows.pptx")
    prs = reread(path)
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[0] == report.title and len(titles) == 1 + (1 if report.messages else 0) + len(report.charts)


def test_outline_reads_the_convention_and_ignores_what_is_not_it():
    shown = run("global_overview", lang="en")
    shown.outputs = [o for o in shown.outputs if not said_messages(o)]
    nb = as_notebook(shown, {"lang": "en"}, [
        {"data": {"text/plain": "x"}, "metadata": {"traffickstats": {"key_messages": [
            {"text": "kept", "sources": "one source", "refs": ["R-1", 3]}, {"text": ""}, {"no": "text"}, 7, "also kept"]}}},
        {"data": {"text/plain": "x"}, "metadata": {"traffickstats": {"key_messages": "not a list"}}},
    ])
    report = outline.read(nb)
    assert [(m.text, m.sources, m.refs) for m in report.messages] == [
        ("kept", ("one source",), ("R-1", "3")), ("also kept", (), ())]
    assert report.summary == "kept" and report.lang == "en" and report.title == "Global overview"
    assert report.sources  # the sources block's citations (blocks.sources writes them)


@pytest.mark.slow
@pytest.mark.browser
def test_deck_with_real_pictures_converts_to_pdf_in_libreoffice(tmp_path, chromium):
    nb = executed("global_overview", MESSAGES, lang="fr")  # GENERATED messages in place of its own
    path = deck.build(nb, tmp_path / "global_overview.pptx")
    prs = reread(path)
    pictures = [s for sl in prs.slides for s in sl.shapes if s.name == "Chart"]
    assert pictures and all(p.image.size == (1920, 1080) for p in pictures)  # the slides, cropped
    assert all(0.05 < p.crop_top < 0.4 and 0.02 < p.crop_bottom < 0.4 for p in pictures)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice Impress is not installed (make test installs libreoffice-impress-nogui): "
                    "the deck was re-read with python-pptx only")
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "global_overview.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert f"Pages:{' ' * 10}{len(prs.slides)}" in pages or f"Pages: {len(prs.slides)}" in " ".join(pages.split())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Messages clés" in text and "Premier message clé" in text
    assert "Source : BIT (2012), Estimation mondiale du travail forcé" in " ".join(text.split())


def test_a_slide_picture_is_cropped_to_its_chart_and_keeps_its_shape(tmp_path):
    """A deck shows the chart's 1920x1080 slide without its title and footnote bands (the deck
    slide says them as text): PowerPoint crops the picture; the shape has the shape of what is
    left, so nothing is stretched."""
    report = outline.Outline(lang="fr", title="Rapport", charts=[("c", {"layout": {"meta": {"traffickstats": {
        "title": "Victimes détectées", "footnote": "Source : ONUDC (2024)"}}}})])
    crop = (160 / 1080, 120 / 1080)
    path = deck.write(deck.content(report, [png_bytes(1920, 1080)], crops=[crop]), tmp_path / "d.pptx")
    pic = next(s for sl in reread(path).slides for s in sl.shapes if s.name == "Chart")
    assert abs(pic.crop_top - crop[0]) < 1e-4 and abs(pic.crop_bottom - crop[1]) < 1e-4  # 1/100,000ths
    assert abs(pic.width / pic.height - 1920 / (1080 - 160 - 120)) < 0.01
    fig = {"layout": {"height": 1080, "meta": {"traffickstats": {"bands": {"top": 160, "bottom": 120}}}}}
    assert deck.crop(fig) == crop and deck.crop({"layout": {}}) == (0.0, 0.0)


def test_deck_files_are_written_atomically(tmp_path, overview):
    report, _path = overview
    target = tmp_path / "x.pptx"
    target.write_bytes(b"old")
    deck.write(deck.content(report, [png_bytes()] * len(report.charts)), target)
    assert target.read_bytes()[:2] == b"PK" and not list(tmp_path.glob("*.tmp"))
    assert Path(target).stat().st_size > 10_000
