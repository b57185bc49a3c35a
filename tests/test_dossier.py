"""The A4 print dossier (``reports.dossier``), read back with pdftotext (Debian poppler-utils):
a cover with title, date and sources; no screen controls; chart titles and footnotes whole;
page numbers; far fewer pages than the screen page printed (17 for the global overview).

Reports are the shipped notebooks on bundled data, run in-process (and once through the
``traffickstats report --out x.pdf`` command with a real kernel).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timezone

import pytest
from inprocess import as_notebook, run

from traffickstats import cli
from traffickstats.reports import dossier, outline
from traffickstats.reports.html import PageInfo

pytest_plugins = ["pack_fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREEN_CONTROLS = {
    "fr": ("Afficher le tableau de données", "Télécharger les données", "Copier le code", "Intégrer ce graphique"),
    "ar": ("عرض جدول البيانات", "تنزيل البيانات", "نسخ رمز التضمين"),
}


def pdftotext(pdf, first=None, last=None) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: `make test` installs Debian's poppler-utils")
    args = ["pdftotext", "-layout"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def flat(text: str) -> str:
    return " ".join(re.sub("[\u2066-\u2069]", "", text).split())


def arabic_words_in(phrase: str, text: str) -> list[str]:
    """Words of ``phrase`` missing from PDF ``text``. pdftotext gives Arabic in visual pieces
    (embedding marks, diacritics apart, lam-alef split): compare letters only, words without
    a lam-alef, in the text with every space and mark removed."""
    def letters(x: str) -> str:
        return re.sub(r"[\u064B-\u0652\u0670\u200e\u200f\u202a-\u202e\u2066-\u2069\s\W]", "", x)

    haystack = letters(text)
    words = [letters(w) for w in phrase.split()]
    return [w for w in words if len(w) >= 3 and not re.search("ل[اأإآ]", w) and w not in haystack]


@pytest.fixture(scope="module")
def printed(tmp_path_factory, chromium):
    out = tmp_path_factory.mktemp("dossier")
    made = {}
    for notebook, params in (("global_overview", {"lang": "fr"}), ("country_brief", {"lang": "ar", "country": "TUN"})):
        nb = as_notebook(run(notebook, **params), params)
        info = PageInfo(lang=params["lang"], title=outline.read(nb).title, notebook=f"{notebook}.py",
                        parameters=params, rendered=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))
        pdf = dossier.write_pdf(nb, out / f"{notebook}-{params['lang']}.pdf", info)
        made[params["lang"]] = (nb, pdf)
    return made


def test_cover_has_title_date_and_sources(printed):
    nb, pdf = printed["fr"]
    cover = flat(pdftotext(pdf, 1, 1))
    report = outline.read(nb)
    assert cover.startswith("Vue d'ensemble mondiale 30 novembre 2026 Sources")
    assert report.citations()[0] in cover
    assert "1 /" not in cover  # no page number on the cover


def test_no_screen_controls_and_page_numbers(printed):
    for lang, (_nb, pdf) in printed.items():
        text = pdftotext(pdf)
        for control in SCREEN_CONTROLS[lang]:
            assert control not in text, (lang, control)
        n = pages(pdf)
        foot = flat(pdftotext(pdf, 2, 2)).replace(" ", "")
        assert f"2/{n}" in foot or (lang == "ar" and f"{n}/2" in foot), (lang, foot[-40:])


def test_chart_titles_and_footnotes_are_whole(printed):
    for lang, (nb, pdf) in printed.items():
        text = flat(pdftotext(pdf).replace("\f", " "))
        for _name, fig in outline.read(nb).charts:
            m = outline.chart_meta(fig)
            if lang == "ar":
                assert arabic_words_in(m["title"], text) == [], m["title"]
                latin = set(re.findall(r"[A-Za-z]{3,}", m["footnote"]))  # titles keep their language
                assert latin and latin <= set(re.findall(r"[A-Za-z]{3,}", text)), m["footnote"][:80]
                assert arabic_words_in(m["footnote"], text) == [], m["footnote"][:80]
            else:
                assert flat(m["title"]) in text, (lang, m["title"])
                assert flat(m["footnote"]) in text, (lang, m["footnote"][:80])


def test_the_global_overview_no_longer_prints_17_mostly_blank_pages(printed):
    _nb, pdf = printed["fr"]
    assert pages(pdf) <= 12


def test_arabic_dossier_has_arabic_words_around_the_sources(printed):
    nb, pdf = printed["ar"]
    text = flat(pdftotext(pdf))
    assert arabic_words_in(outline.read(nb).title, text) == []
    assert arabic_words_in("المصادر", text) == []
    assert "Source:" not in text and "Sources:" not in text


def test_report_command_writes_the_dossier(tmp_path, capsys):
    out = tmp_path / "overview.pdf"
    status = cli.main(["report", "global_overview", "-p", "lang", "en", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    cover = flat(pdftotext(out, 1, 1))
    assert cover.startswith("Global overview") and "Sources" in cover
    assert not list(tmp_path.glob("*.ipynb")) and not list(tmp_path.glob("*.html"))


def _page_pixels(pdf, folder, prefix) -> list[bytes]:
    """Every page drawn at 40 dpi by pdftoppm (poppler-utils), as raw pixels."""
    subprocess.run(["pdftoppm", "-r", "40", str(pdf), str(folder / prefix)], check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{prefix}-*.ppm"))]


def test_one_long_lived_browser_prints_the_same_dossiers(printed, tmp_path):
    """The pack prints every PDF through ONE Chromium (DevTools Page.printToPDF) instead of a
    browser per PDF: same pages, same words (page numbers in the margin), same pixels."""
    from traffickstats.reports.printpdf import Printer

    with Printer() as printer:
        again = {lang: dossier.write_pdf(nb, tmp_path / f"again-{lang}.pdf", _info(nb, lang), printer=printer)
                 for lang, (nb, _pdf) in printed.items()}
        assert printer._browser is not None  # one browser, kept for both
        assert printer.tabs_opened == 1  # and one tab: the Arabic page replaced the French one
    for lang, (_nb, pdf) in printed.items():
        assert pages(again[lang]) == pages(pdf) > 1
        assert pdftotext(again[lang]) == pdftotext(pdf)
        assert _page_pixels(again[lang], tmp_path, f"b-{lang}") == _page_pixels(pdf, tmp_path, f"a-{lang}")


def test_a_page_that_hangs_takes_its_tab_with_it_and_the_next_page_prints(tmp_path):
    """The printer reuses its tab from page to page, except after a failure: a page whose
    script never ends times out, and the next page prints in a new tab, whole."""
    from traffickstats.errors import ExportError
    from traffickstats.reports.printpdf import Printer

    hung, fine = tmp_path / "hung.html", tmp_path / "fine.html"
    hung.write_text("<!doctype html><title>x</title><p>avant<script>while (true) {}</script>", encoding="utf-8")
    fine.write_text("<!doctype html><html lang='fr'><title>y</title><p>Victimes détectées en 2020</p>",
                    encoding="utf-8")
    with Printer(timeout=8) as printer:
        printer.print_pdf(fine, tmp_path / "first.pdf")
        with pytest.raises(ExportError, match="within 8 s"):
            printer.print_pdf(hung, tmp_path / "hung.pdf")
        printer.print_pdf(fine, tmp_path / "after.pdf")
        assert printer.tabs_opened == 2
    assert not (tmp_path / "hung.pdf").exists()
    assert "Victimes détectées en 2020" in pdftotext(tmp_path / "after.pdf")
    assert pdftotext(tmp_path / "after.pdf") == pdftotext(tmp_path / "first.pdf")


def _info(nb, lang):
    """The PageInfo the ``printed`` fixture gave this notebook."""
    params = {"lang": lang} if lang == "fr" else {"lang": "ar", "country": "TUN"}
    notebook = "global_overview" if lang == "fr" else "country_brief"
    return PageInfo(lang=lang, title=outline.read(nb).title, notebook=f"{notebook}.py", parameters=params,
                    rendered=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))
