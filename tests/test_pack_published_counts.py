"""The default pack, rendered for real in French, English and Arabic with slide images, print
PDFs and decks, publishes no count of 1 to 4 people or cases anywhere: HTML text and tables
(report pages, each chart's own page, the index), the Plotly JSON of every chart (what the PNG
slides are rendered from), the CSV downloads embedded in the pages, the text of every PDF
(``pdftotext``, Debian poppler-utils) and of every deck (slides and speaker notes). Also checks that what
the rule writes instead ("moins de 5") and what makes a number true (qualifier, base, partial
period) reached the published files. About six minutes on two cores.
"""

from __future__ import annotations

import re
import shutil
import urllib.parse
from html import unescape

import pandas as pd
import pytest
from published_counts import leaks_in_pack, pdf_text

from traffickstats import cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: `make system-deps` installs Debian's poppler-utils")
    out = tmp_path_factory.mktemp("published") / "pack"
    status = cli.main(["pack", "--out", str(out), "--lang", "fr,en,ar", "--formats", "html,png,pdf,pptx"])
    assert status == 0, (out / "manifest.json").read_text(encoding="utf-8")
    return out


def test_no_published_count_below_5_in_any_output(pack):
    leaks, seen = leaks_in_pack(pack)
    assert leaks == [], "\n".join(leaks[:20])
    # the search looked at every kind of output of the 36 reports (12 per language)
    assert seen["html"] == seen["ipynb"] == seen["pdf"] == seen["pptx"] == 36 and seen["index"] == 3
    assert seen["figures"] > 50 and seen["png"] > 50 and seen["chart_pages"] > 50


def test_the_algeria_brief_says_fewer_than_5_in_each_language_and_format(pack):
    for lang, words in (("fr", "moins de 5"), ("en", "fewer than 5"), ("ar", "أقل من 5")):
        html = (pack / lang / "country_brief-DZA.html").read_text(encoding="utf-8")
        assert words in unescape(html)
        text = re.sub(r"[\u2066-\u2069\u200e\u200f\u202a-\u202e]", "", pdf_text(pack / lang / "country_brief-DZA.pdf"))
        assert words in text  # pdftotext marks Arabic runs with bidi embeddings: removed first


def test_csv_downloads_carry_qualifier_and_base_and_the_pages_show_them(pack):
    html = (pack / "fr" / "country_brief-TUN.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="data:text/csv;charset=utf-8,([^"]*)"', html)
    assert hrefs
    import io

    for href in hrefs:
        rows = pd.read_csv(io.StringIO(urllib.parse.unquote(unescape(href)).lstrip("\ufeff")))
        assert {"qualifier", "base"} <= set(rows.columns)
    text = unescape(html).replace("\u202f", " ")
    assert "environ 1 100" in text and "par règle, non vérifié" in text
    overview = unescape((pack / "en" / "global_overview.html").read_text(encoding="utf-8"))
    assert "Base (100%): people in forced labour worldwide, 2002–2011" in overview
