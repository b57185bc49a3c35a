"""Slides as exported (the pack's own function, ``reports.figures.export``): font sizes read
from the SVG files, then the SVGs opened in headless Chromium to check that no text leaves
the slide (the Arabic footnote used to be cut at the left edge) and that no slide is more
than half empty.

Charts from bundled, published rows (fact ids) in fr, en and ar; the map uses GENERATED
counts (``generated.py``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from test_restyle import chart_set

from traffickstats.reports import figures

pytest_plugins = ["pack_fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SVG = "{http://www.w3.org/2000/svg}"
SIZE = re.compile(r"font-size:\s*([\d.]+)px")
ISOLATES = re.compile("[\u2066-\u2069]")  # bidi isolates: layout marks, not words


@pytest.fixture(scope="module")
def slides(tmp_path_factory, chromium):
    out = tmp_path_factory.mktemp("slides")
    made = {}
    for lang in ("fr", "en", "ar"):
        figs = {name: fig.to_dict() for name, fig in chart_set(lang).items()}
        for path in figures.export(figs, out / lang, ["svg"]):
            made[(lang, path.stem)] = (path, figs[path.stem])
    return made


def text_sizes(svg_path) -> list[tuple[str, str, float]]:
    """(class of the text element, its text, the size of each of its runs) for every text."""
    root = ET.parse(svg_path).getroot()
    found = []
    for el in root.iter(f"{SVG}text"):
        text = " ".join(el.itertext()).strip()
        if not text:
            continue
        base = SIZE.search(el.get("style", ""))
        sizes = [float(base.group(1))] if base else []
        sizes += [float(m.group(1)) for t in el.iter(f"{SVG}tspan") for m in [SIZE.search(t.get("style", ""))] if m]
        for size in sizes:
            found.append((el.get("class", ""), text, size))
    return found


def test_svg_text_sizes_follow_the_projection_rules(slides):
    for (lang, name), (path, fig) in slides.items():
        meta = fig["layout"]["meta"]["traffickstats"]
        sizes = text_sizes(path)
        titles = [s for cls, _t, s in sizes if "gtitle" in cls]
        assert titles and max(titles) >= 40, (lang, name)
        foot_words = set(ISOLATES.sub("", " ".join([meta["footnote"], *meta["notes"]])).split())
        for cls, text, size in sizes:
            if size >= 24:
                continue
            # only the footnote (sources and caveats) may be smaller, never below 20 px
            assert size >= 20 and "annotation" in cls and set(ISOLATES.sub("", text).split()) <= foot_words, \
                (lang, name, cls, text[:60], size)


JS_BOXES = """() => {
  const svg = document.querySelector('svg');
  const inside = [], cut = [];
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const b = t.getBoundingClientRect();
    const box = {text: t.textContent.slice(0, 50), left: b.left, right: b.right, top: b.top, bottom: b.bottom};
    (b.left >= -1 && b.right <= 1921 && b.top >= -1 && b.bottom <= 1081 ? inside : cut).push(box);
  }
  // rows of the slide where something is drawn (text or marks), the white paper excepted
  const rows = new Uint8Array(1080);
  for (const el of svg.querySelectorAll('text, path, rect, image')) {
    const b = el.getBoundingClientRect();
    if (b.width * b.height > 0.9 * 1920 * 1080 || b.width === 0 || b.height === 0) continue;
    if (el.tagName !== 'text' && getComputedStyle(el).fill === 'none' && getComputedStyle(el).stroke === 'none') continue;
    if (el.tagName === 'text' && !el.textContent.trim()) continue;
    for (let y = Math.max(0, Math.floor(b.top)); y < Math.min(1080, Math.ceil(b.bottom)); y++) rows[y] = 1;
  }
  return {cut, covered: rows.reduce((a, b) => a + b, 0) / 1080};
}"""


def test_no_text_leaves_the_slide_and_no_slide_is_half_empty(slides, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        for (lang, name), (path, _fig) in slides.items():
            page.goto(path.resolve().as_uri())
            state = page.evaluate(JS_BOXES)
            assert state["cut"] == [], (lang, name, state["cut"][:3])
            assert state["covered"] >= 0.5, (lang, name, state["covered"])
    finally:
        page.close()


def test_arabic_slide_reads_right_to_left(slides, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        path, _fig = slides[("ar", "regions")]
        page.goto(path.resolve().as_uri())
        boxes = page.evaluate("""() => Array.from(document.querySelectorAll('text.gtitle, text.annotation-text'))
            .filter(t => t.textContent.trim()).map(t => { const b = t.getBoundingClientRect();
              return {cls: t.getAttribute('class'), right: b.right, left: b.left}; })""")
        title = next(b for b in boxes if "gtitle" in b["cls"])
        assert 1920 - title["right"] < 80  # hung from the right edge
        foot = boxes[-1]
        assert 1920 - foot["right"] < 80 and foot["left"] >= 0
    finally:
        page.close()
