"""The pack's index, the charts' own pages (embedded in an iframe) and the Arabic report,
opened from file:// in headless system Chromium with the network blocked.

Accessibility is checked with axe-core (the npm package, installed by ``make install-test``
into ``.cache/axe-core``, a test-only folder never committed: 640 KB of minified code under
the MPL-2.0 is too much to vendor for a test). The pack is the session's reduced pack
(``pack_fixtures.rendered_pack``: fr regional reports, the Tunisia brief in fr / en / ar).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest_plugins = ["pack_fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / ".cache" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
INDEX_PAGES = {"fr": "index.html", "en": "index.en.html", "ar": "index.ar.html"}
TUN = "fr/country_brief-TUN.html"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE.relative_to(REPO)}: `make install-test` installs it "
                    "(npm install --prefix .cache/axe-core axe-core)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, source: str) -> list[dict]:
    page.add_script_tag(content=source)
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result["violations"]]


@pytest.mark.parametrize("lang", list(INDEX_PAGES))
def test_index_page_is_axe_clean_and_in_its_language(rendered_pack, open_offline, axe_source, lang):
    rec = open_offline(rendered_pack.out / INDEX_PAGES[lang])
    page = rec.page
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    assert axe_violations(page, axe_source) == []
    assert rec.problems() == {}


def test_index_switches_language(rendered_pack, open_offline):
    rec = open_offline(rendered_pack.out / "index.html")
    page = rec.page
    links = page.eval_on_selector_all("nav.langs a", "els => els.map(e => [e.textContent, e.getAttribute('href')])")
    assert links == [["Français", "index.html"], ["English", "index.en.html"], ["العربية", "index.ar.html"]]
    with page.expect_navigation():
        page.click("nav.langs a[hreflang=ar]")
    assert page.url.endswith("/index.ar.html") and page.evaluate("document.documentElement.dir") == "rtl"
    assert page.eval_on_selector_all(".card", "els => els.map(e => e.lang)") == ["ar"]
    assert rec.problems() == {}


def test_index_cards_say_what_a_reader_needs_and_no_internal_ids(rendered_pack, open_offline):
    rec = open_offline(rendered_pack.out / "index.html")
    text = rec.page.inner_text("body")
    for noise in ("country=", "country_brief", "'TUN'", ".py", "lang=", "⚠"):
        assert noise not in text, noise
    titles = rec.page.eval_on_selector_all(".card h2", "els => els.map(e => e.textContent)")
    entries = [e for e in rendered_pack.manifest["reports"] if e["lang"] == "fr"]
    assert sorted(titles) == sorted(e["title"] for e in entries)
    for e in entries:  # the one-line summary is the report's first key message, when it has one
        if e.get("summary"):
            assert e["summary"] in text


def test_index_is_usable_at_phone_width(rendered_pack, open_offline):
    rec = open_offline(rendered_pack.out / "index.html", viewport={"width": 360, "height": 740})
    state = rec.page.evaluate("""() => ({
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        cards: Array.from(document.querySelectorAll('.card')).map(c => {
            const b = c.getBoundingClientRect(); return [Math.round(b.left), Math.round(b.right)]; }),
        targets: Array.from(document.querySelectorAll('nav.langs a')).map(a => a.getBoundingClientRect().height),
    })""")
    assert state["overflow"] <= 0
    assert len({left for left, _r in state["cards"]}) == 1  # one column
    assert all(right <= 360 for _l, right in state["cards"])
    assert min(state["targets"]) >= 44  # touch targets


def embed_snippets(rendered_pack, open_offline, output=TUN) -> list[str]:
    rec = open_offline(rendered_pack.out / output)
    return rec.page.eval_on_selector_all("details.ts-embed textarea", "els => els.map(e => e.value)")


def test_every_chart_has_its_own_page_and_an_embed_code(rendered_pack, open_offline):
    entry = rendered_pack.entry(TUN)
    pages = sorted(o for o in entry["outputs"] if "/charts/" in o)
    assert len(pages) == len(entry["figures"]) >= 1
    snippets = embed_snippets(rendered_pack, open_offline)
    assert len(snippets) == len(pages)
    for snippet, page in zip(snippets, sorted(pages, key=lambda p: entry["figures"].index(Path(p).stem))):
        src = re.search(r'src="([^"]+)"', snippet).group(1)
        assert (rendered_pack.out / "fr" / src).resolve() == (rendered_pack.out / page).resolve()
        assert snippet.startswith("<iframe ") and 'loading="lazy"' in snippet


def test_embed_code_works_in_an_iframe_offline(rendered_pack, open_offline):
    snippet = embed_snippets(rendered_pack, open_offline)[0]
    host = rendered_pack.out / "fr" / "host_page_test.html"  # a page beside the report, as on an intranet
    host.write_text(f"<!DOCTYPE html><html lang=en><title>host</title><body><h1>Host</h1>{snippet}</body></html>",
                    encoding="utf-8")
    try:
        rec = open_offline(host)
        frame = rec.page.frame_locator("iframe")
        frame.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30000)
        assert frame.locator(".ts-footnote").count() == 1
        href = frame.locator(".ts-download a").get_attribute("href")
        assert href.startswith("data:text/csv")
        assert rec.problems() == {}
    finally:
        host.unlink()


def test_embed_page_fits_a_phone_and_copy_button_copies(rendered_pack, open_offline, browser):
    entry = rendered_pack.entry(TUN)
    page_path = rendered_pack.out / next(o for o in entry["outputs"] if "/charts/" in o)
    rec = open_offline(page_path, viewport={"width": 360, "height": 700})
    rec.page.wait_for_selector(".js-plotly-plot .main-svg")
    width = rec.page.evaluate("document.querySelector('figure.ts-chart').getBoundingClientRect().right")
    assert width <= 362  # zoomed out whole, nothing cut
    report = open_offline(rendered_pack.out / TUN)
    button = report.page.locator("details.ts-embed").first
    button.locator("summary").click()
    button.locator("button").click()
    assert button.locator("button").inner_text() == "Copié"
    assert report.problems() == {}


def test_arabic_report_charts_keep_their_footnotes_whole(rendered_pack, open_offline):
    output = "ar/country_brief-TUN.html"
    rec = open_offline(rendered_pack.out / output)
    n = len(rendered_pack.entry(output)["figures"])
    rec.page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n}")
    boxes = rec.page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => {
        const svg = g.querySelector('.main-svg').getBoundingClientRect();
        const notes = Array.from(g.querySelectorAll('.annotation-text')).map(t => t.getBoundingClientRect());
        const foot = notes[notes.length - 1];
        return {svg_left: svg.left, svg_right: svg.right, left: foot.left, right: foot.right};
    })""")
    assert boxes and rec.page.evaluate("document.documentElement.dir") == "rtl"
    for b in boxes:
        assert b["left"] >= b["svg_left"] - 1 and b["right"] <= b["svg_right"] + 1, json.dumps(b)


def test_single_report_is_self_contained_by_default_and_draws_alone(tmp_path, open_offline, monkeypatch):
    """An e-mail attachment: the page alone, copied away from everything, still draws its charts."""
    import shutil

    from traffickstats import cli

    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", "country_brief", "-p", "country", "Tunisie", "-p", "lang", "ar"]) == 0
    page = tmp_path / "country_brief-TUN.ar.html"
    assert sorted(p.name for p in tmp_path.iterdir()) == [page.name, page.with_suffix(".ipynb").name]  # no assets/
    alone = tmp_path / "mail" / "attachment.html"
    alone.parent.mkdir()
    shutil.copy(page, alone)
    assert alone.stat().st_size <= 6 * 1024 * 1024
    html = alone.read_text(encoding="utf-8")
    assert re.search(r"<script[^>]*\ssrc=", html) is None
    rec = open_offline(alone)
    n = html.count("Plotly.newPlot(")
    assert n >= 1
    rec.page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n}",
                               timeout=30000)
    assert rec.problems() == {}
