"""Static export: 20 charts through ONE Chromium, slide-sized PNG / SVG / PDF, atomic files,
safe names, offline rendering, right-to-left Arabic and a clear error without Chromium.

Charts are built from the bundled reference data; the map and the Arabic bar use GENERATED
counts (made-up values, source "generated_export_test") because the bundled data has no
detected-victims row for each participant.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import socketserver
import struct
import subprocess
import sys
import textwrap
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from generated import generated_counts, generated_source  # GENERATED inputs

from traffickstats import charts
from traffickstats.charts import export
from traffickstats.charts.export import Exporter, bidi_isolate, export_figures, output_name
from traffickstats.errors import ExportError
from traffickstats.reference import observations

#: Hosts a chart page would reach if it used kaleido's defaults (CDN plotly.js, MathJax, maps).
CONTENT_HOSTS = ("plot.ly", "cdnjs", "mathjax", "jsdelivr", "unpkg", "fonts.g")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG signature and IHDR chunk (no image library needed)."""
    head = Path(path).read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    return struct.unpack(">II", head[16:24])


def twenty_charts() -> dict:
    obs = observations()

    def facts(*ids, **eq):
        out = obs[obs["fact_id"].isin(ids)]
        for col, v in eq.items():
            out = out[out[col] == v]
        assert len(out), ids
        return out

    figs = {}
    for lang in ("fr", "en", "ar"):
        figs[f"headline-{lang}"] = charts.headline(facts("ILO12-01"), lang)
        figs[f"regions-{lang}"] = charts.ranked_bar(facts(*[f"ILO12-{i}" for i in range(20, 26)]), lang)
        figs[f"shares-{lang}"] = charts.stacked_shares(
            facts("ILO12-10", "ILO12-11", "ILO12-12", measure="share"), lang)
        figs[f"tunisia-{lang}"] = charts.time_series(facts("TUN-01"), lang)
        figs[f"map-{lang}"] = charts.choropleth(generated_counts(source_id="generated_export_test"), lang,
                                                catalog=generated_source("generated_export_test"))
        figs[f"compare-{lang}"] = charts.side_by_side(facts("ILO12-01", "TUN-05"), lang)
    figs["profits-fr"] = charts.ranked_bar(facts("ILO14-08", "ILO14-09"), "fr")
    figs["profits-en"] = charts.ranked_bar(facts("ILO14-08", "ILO14-09"), "en")
    assert len(figs) == 20
    return figs


# --- a recording proxy: every request the export browser makes arrives here -------------------

class _Recorder(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode("latin-1").strip()
        self.server.seen.append(line)
        self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.fixture(scope="module")
def proxy():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def ex(chromium, proxy):
    """One export server for the whole module, its traffic going to the recording proxy."""
    with Exporter(chromium, proxy_server=f"http://127.0.0.1:{proxy.server_address[1]}") as exporter:
        yield exporter


@pytest.fixture(scope="module")
def exported(ex, tmp_path_factory):
    import kaleido

    out = tmp_path_factory.mktemp("export")
    starts = []
    original = kaleido.start_sync_server
    kaleido.start_sync_server = lambda *a, **k: (starts.append(1), original(*a, **k))
    try:
        figs = twenty_charts()
        before = len(ex.timings)
        t0 = time.perf_counter()
        paths = export_figures(figs, out, formats=["png"], sizes=export.SIZES[:1])  # joins `ex`
        seconds = time.perf_counter() - t0
        timings = ex.timings[before:]
        # every format and size, for three of them (a map, an Arabic chart, a headline)
        full = {k: figs[k] for k in ("headline-fr", "map-fr", "regions-ar")}
        full_paths = export_figures(full, out / "full", exporter=ex)
    finally:
        kaleido.start_sync_server = original
    return {"figs": figs, "paths": paths, "out": out, "seconds": seconds, "starts": starts,
            "timings": timings, "full": full, "full_paths": full_paths}


# --- many charts, one browser -------------------------------------------------------------------

@pytest.mark.browser
def test_twenty_charts_in_one_server_session(exported, ex):
    assert exported["starts"] == []  # no new browser: every image went through the open server
    per_chart = exported["seconds"] / 20
    print(f"\nexport: 20 charts (PNG 1920x1080) in {exported['seconds']:.1f} s = {per_chart:.2f} s per "
          f"chart through one server (started once in {ex.startup_seconds:.1f} s)")
    for path, s in exported["timings"]:
        print(f"  {path.name:28} {s:.3f} s")
    assert len(exported["paths"]) == 20 and all(p.is_file() for p in exported["paths"])
    for name in exported["figs"]:
        assert png_size(exported["out"] / f"{name}.png") == (1920, 1080)
    # warm images: well below a cold browser start (~2.5 s each); generous for a busy machine
    assert per_chart < 1.5


@pytest.mark.browser
def test_png_sizes_svg_and_pdf(exported):
    out = exported["out"] / "full"
    assert len(exported["full_paths"]) == 3 * 4
    for name in exported["full"]:
        assert png_size(out / f"{name}.png") == (1920, 1080)
        assert png_size(out / f"{name}-slide2x.png") == (3840, 2160)
        root = ET.parse(out / f"{name}.svg").getroot()
        assert root.tag.endswith("svg") and root.get("width") == "1920" and root.get("height") == "1080"
        assert (out / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
    # nothing but the finished files: no temporary names left behind
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in exported["full_paths"])


@pytest.mark.browser
def test_pack_calling_convention(ex, tmp_path):
    """``reports.figures.export`` passes ``{name: figure dict}``, a folder and ``["png", "svg"]``
    and gets back every file written (the 2x slide PNG too), all present."""
    from traffickstats.reports import figures

    fig = charts.headline(observations(fact="ILO12-01"), "fr")
    written = figures.export({"chart1": fig.to_dict()}, tmp_path, ["png", "svg"])
    assert [p.name for p in written] == ["chart1.png", "chart1-slide2x.png", "chart1.svg"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)


@pytest.mark.browser
def test_the_1x_slide_scaled_down_from_the_2x_picture_looks_like_a_1x_render(exported, ex):
    """The 1920x1080 slide is not rendered again: it is the 3840x2160 picture reduced 2:1
    (each pixel the mean of a 2x2 block). It must look like what Chromium draws at 1x: the
    same layout (no shifted text or bars), differing only in anti-aliasing at the edges."""
    from PIL import Image, ImageChops, ImageStat

    out = exported["out"] / "full"
    for name in ("headline-fr", "map-fr", "regions-ar"):
        derived = Image.open(out / f"{name}.png").convert("RGB")
        native = Image.open(io.BytesIO(ex.image(exported["full"][name], "png", 1920, 1080, 1))).convert("RGB")
        assert derived.size == native.size == (1920, 1080)
        diff = ImageChops.difference(derived, native).convert("L")
        assert max(ImageStat.Stat(diff).mean) < 1.0, name  # of 255 (measured 0.13; 1.7 for a 3-pixel shift)
        # pixels that differ clearly (a glyph or a bar moved) are a tiny fraction of the picture
        clearly = sum(diff.point(lambda v: 255 if v > 96 else 0).histogram()[255:])
        assert clearly < 0.002 * 1920 * 1080, (name, clearly)  # measured 336 of 2 million; 16,862 shifted


def _without_ids(svg: bytes) -> bytes:
    """An SVG with plotly.js's random names made the same in every drawing: the figure's id
    (``defs-49b840``, ``clip49b840xyplot``), every element id (gradients have their own) and a
    colour bar's classes (``cbcea7de``, ``ycbcea7detick``)."""
    import re

    uid = re.search(rb'id="defs-([0-9a-f]+)"', svg).group(1)
    ids = list(dict.fromkeys(re.findall(rb'id="([^"]+)"', svg)))
    for n, name in sorted(enumerate(ids), key=lambda item: -len(item[1])):
        svg = svg.replace(name, b"id%d" % n)
    return re.sub(rb"cb[0-9a-f]{6}(?=tick|title| )", b"cb", svg.replace(uid, b"uid"))


@pytest.mark.browser
def test_a_bundle_draws_the_same_pictures_from_one_layout(exported, ex):
    """``Exporter.pictures``: one layout per chart gives the SVG and the 2x PNG that kaleido
    gives one call each (the PNG byte for byte), the 1x as the 2x reduced 2:1 (each pixel the
    mean of a 2x2 block, rounding apart), and a scale that is not a halving drawn from the SVG
    (byte for byte kaleido's). A chart that fails is an error in its place; the others are drawn.
    The page keeps its canvases from one bundle to the next: the second and third charts are
    drawn on the canvases the first left, and are still kaleido's bytes."""
    import numpy as np
    from PIL import Image

    assert ex.bundles
    figs = exported["figs"]
    names = ("map-fr", "regions-ar", "headline-fr")
    broken = {"data": [None], "layout": {}}  # plotly.js fails on it
    got = ex.pictures([(figs[n], 1920, 1080, True, (2, 1)) for n in names] + [(broken, 640, 360, True, (1,))]
                      + [(figs["tunisia-en"], 960, 540, False, (3, 1))])
    assert isinstance(got[3], ExportError) and "Cannot read properties of null" in str(got[3])
    for name, pics in zip(names, got):
        assert set(pics) == {"svg", 2.0, 1.0}
        assert pics[2.0] == ex.image(figs[name], "png", 1920, 1080, 2), name
        assert _without_ids(pics["svg"]) == _without_ids(ex.image(figs[name], "svg", 1920, 1080, 1)), name
        big = np.asarray(Image.open(io.BytesIO(pics[2.0])).convert("RGB"), dtype=float)
        mean = big.reshape(1080, 2, 1920, 2, 3).mean(axis=(1, 3))
        small = np.asarray(Image.open(io.BytesIO(pics[1.0])).convert("RGB"), dtype=float)
        assert small.shape == (1080, 1920, 3) and np.abs(small - mean).max() <= 1, name
    assert set(got[4]) == {3.0, 1.0}
    assert got[4][1.0] == ex.image(figs["tunisia-en"], "png", 960, 540, 1)
    assert got[4][3.0] == ex.image(figs["tunisia-en"], "png", 960, 540, 3)


@pytest.mark.browser
def test_a_page_without_bundles_draws_picture_by_picture(tmp_path):
    """When the export page draws no bundles (here: an empty ``bundle.js``, as if a kaleido
    release renamed what it wraps) every file is still written: each picture a call of its
    own, the 1x slide the 2x reduced by Pillow (RGB, the same pixels as the RGBA reduction)."""
    empty = tmp_path / "bundle.js"
    empty.write_text("/* nothing */", encoding="utf-8")
    script = textwrap.dedent("""
        import json, sys
        from pathlib import Path
        from traffickstats.charts import export
        export.BUNDLE_JS = Path(sys.argv[2])
        with export.Exporter() as ex:
            bundles = ex.bundles
            written = export.export_figures({"x": {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}],
                                                   "layout": {}}}, sys.argv[1], ["png", "svg"], exporter=ex)
        print(json.dumps({"bundles": bundles, "written": [Path(p).name for p in written]}))
    """)
    res = subprocess.run([sys.executable, "-c", script, str(tmp_path / "out"), str(empty)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got == {"bundles": False, "written": ["x.png", "x-slide2x.png", "x.svg"]}
    from PIL import Image, ImageChops

    small, big = Image.open(tmp_path / "out" / "x.png"), Image.open(tmp_path / "out" / "x-slide2x.png")
    assert small.mode == "RGB" and small.size == (1920, 1080)
    assert ImageChops.difference(small, big.reduce(2).convert("RGB")).getbbox() is None


class _Cache(dict):
    """The smallest cache ``export_figures`` takes (the pack's is ``reports.exports.ExportCache``)."""

    def fresh(self, path, key):
        return self.get(path) == key and path.is_file()

    def record(self, path, key):
        self[path] = key


@pytest.mark.browser
def test_unchanged_images_are_not_rendered_again(ex, tmp_path):
    figs = {"headline": charts.headline(observations(fact="ILO12-01"), "fr"),
            "regions": charts.ranked_bar(observations()[observations()["fact_id"].isin(
                [f"ILO12-{i}" for i in range(20, 26)])], "fr")}
    cache = _Cache()
    first = export_figures(figs, tmp_path, ["png", "svg"], exporter=ex, cache=cache)
    stamps = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in first}
    assert len(cache) == len(first) == 6
    renders = len(ex.timings)
    again = export_figures(figs, tmp_path, ["png", "svg"], exporter=ex, cache=cache)
    assert again == first and len(ex.timings) == renders  # nothing sent to the browser
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in again} == stamps
    # one chart changed: only its files are made again
    figs["headline"].update_layout(title_text="another title")
    export_figures(figs, tmp_path, ["png", "svg"], exporter=ex, cache=cache)
    remade = {p.name for p in first if (p.stat().st_ino, p.stat().st_mtime_ns) != stamps[p]}
    assert remade == {"headline.png", "headline-slide2x.png", "headline.svg"}
    # a file deleted by hand is made again, whatever the cache says
    (tmp_path / "regions.svg").unlink()
    export_figures(figs, tmp_path, ["png", "svg"], exporter=ex, cache=cache)
    assert (tmp_path / "regions.svg").is_file()


@pytest.mark.browser
def test_a_tab_draws_many_pictures_as_a_freshly_loaded_page_would(ex, exported, monkeypatch):
    """kaleido loads its page again after every picture; our server's tabs only every
    RENDERS_PER_RELOAD pictures. A chart drawn by a tab that drew others before it is the same
    PNG, byte for byte, as the one a freshly loaded page draws (a map, Arabic, a headline)."""
    from kaleido._kaleido_tab._tab import _KaleidoTab

    reloads = []
    real_reload = _KaleidoTab.reload

    async def counted(self):
        reloads.append(1)
        return await real_reload(self)

    monkeypatch.setattr(_KaleidoTab, "reload", counted)
    figs = exported["figs"]
    names = ["map-fr", "regions-ar", "headline-en", "tunisia-fr", "shares-ar"]
    items = [(figs[n], "png", 960, 540, 1) for n in names]
    reused = ex.images(items[::-1] + items)  # each drawn again after the others
    assert len(reloads) <= 2 * len(items) // export.RENDERS_PER_RELOAD + ex.tabs

    monkeypatch.setattr(export, "RENDERS_PER_RELOAD", 1)
    ex.images(items[:ex.tabs])  # every tab is loaded again after this
    reloads.clear()
    fresh = ex.images(items)
    assert len(reloads) == len(items)
    assert fresh == reused[len(items):] == reused[:len(items)][::-1]


@pytest.mark.browser
def test_nothing_is_fetched_from_the_network(exported, proxy, chromium):
    """All charts (maps included) were rendered through the recording proxy: no request for
    plotly.js, MathJax or map data. kaleido's default page, through the same proxy, does ask
    (so the check can fail); Chromium's own update / time pings are not chart content."""
    content = [r for r in proxy.seen if any(h in r for h in CONTENT_HOSTS)]
    assert content == [], content
    import kaleido

    fig = exported["figs"]["map-fr"]
    proxy.seen.clear()
    opts = {"format": "png", "width": 400, "height": 300}
    kopts = {"path": chromium, "proxy_server": f"http://127.0.0.1:{proxy.server_address[1]}"}
    with pytest.raises(Exception, match="topojson"):  # its own browser, kaleido's default page
        asyncio.run(kaleido.calc_fig(fig, opts, kopts=kopts))
    assert any("cdnjs.cloudflare.com" in r for r in proxy.seen), proxy.seen  # MathJax from a CDN
    assert any("cdn.plot.ly" in r for r in proxy.seen), proxy.seen  # the world map from a CDN


# --- Arabic ---------------------------------------------------------------------------------------

@pytest.mark.browser
def test_arabic_chart_exports_right_to_left(ex, tmp_path, chromium):
    from playwright.sync_api import sync_playwright

    fig = charts.headline(observations(fact="ILO12-01"), "ar")
    written = export_figures({"headline-ar": fig}, tmp_path, ["png", "svg"], exporter=ex)
    assert [p.name for p in written] == ["headline-ar.png", "headline-ar-slide2x.png", "headline-ar.svg"]
    png, svg = written[0], written[2]
    assert png_size(png) == (1920, 1080)
    text = svg.read_text(encoding="utf-8")
    assert "Noto Sans Arabic" in text and "مليون" in text
    # Measure where Chromium lays out each character of "20.9 مليون" in the exported SVG:
    # right to left, the number (read first) stands to the right of the word.
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page()
        page.goto(svg.as_uri())
        xs = page.evaluate("""() => {
            const t = [...document.querySelectorAll('text')].find(e => e.textContent.includes('مليون'));
            const s = t.textContent, out = {};
            for (let i = 0; i < s.length; i++) out[s[i]] = t.getStartPositionOfChar(i).x;
            return out; }""")
        browser.close()
    assert xs["2"] > xs["م"], xs


def test_bidi_isolate_wraps_arabic_lines_only():
    fig = {"data": [{"type": "bar", "text": ["20.9 مليون", "12"], "locations": ["TUN"]}],
           "layout": {"title": {"text": "<b>عنوان</b><br>Source: ILO"}, "meta": {"traffickstats": {"alt": "نص"}}}}
    out = bidi_isolate(fig)
    assert out["data"][0]["text"] == ["\u206720.9 مليون\u2069", "12"]
    assert out["layout"]["title"]["text"] == "\u2067<b>عنوان</b>\u2069<br>Source: ILO"
    assert out["layout"]["meta"] == fig["layout"]["meta"]  # metadata keeps plain text
    assert bidi_isolate(out) == out  # never wrapped twice


# --- files: atomic, safe names ----------------------------------------------------------------------

@pytest.mark.browser
def test_write_is_atomic(ex, tmp_path, monkeypatch):
    fig = charts.headline(observations(fact="ILO12-01"), "en")
    target = tmp_path / "chart.png"
    target.write_bytes(b"previous good image")
    renames = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (renames.append((Path(src), Path(dst))),
                                                         real_replace(src, dst))[1])
    ex.write(fig, target)
    [(src, dst)] = renames
    assert dst == target and src.parent == target.parent and src.name.startswith(".chart.png.")
    assert png_size(target) == (1920, 1080) and not src.exists()

    # a render that fails leaves the previous file in place and no temporary file behind
    import kaleido

    def broken(*a, **k):
        raise RuntimeError("renderer crashed")

    target.write_bytes(b"previous good image")
    monkeypatch.setattr(kaleido, "calc_fig_sync", broken)
    with pytest.raises(ExportError, match="renderer crashed"):
        ex.write(fig, target)
    assert target.read_bytes() == b"previous good image"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


def test_file_names_are_sanitised_and_traversal_refused(tmp_path):
    for bad in ("../x", "a/b", "..", "a\\b", "", "   "):
        with pytest.raises(ExportError):
            export_figures({bad: {"data": []}}, tmp_path, ["png"])
    assert list(tmp_path.iterdir()) == []  # refused before anything was written
    assert output_name("Victimes détectées (2022)") == "Victimes_d_tect_es_2022"
    assert output_name("country_brief-TUN-chart1") == "country_brief-TUN-chart1"
    assert export._named([("chart", 1), ("chart", 2)]) == [("chart", 1), ("chart-2", 2)]
    with pytest.raises(ExportError, match="format"):
        export_figures({"x": {"data": []}}, tmp_path, ["gif"])


@pytest.mark.browser
def test_exporter_refuses_other_settings_while_open(ex):
    with pytest.raises(ExportError, match="already open"):
        Exporter(ex.browser_path, timeout=5).start()


# --- no Chromium -------------------------------------------------------------------------------------

@pytest.mark.browser
def test_missing_chromium_names_the_debian_package(tmp_path):
    script = textwrap.dedent("""
        import json, sys
        from traffickstats.charts.export import export_figures
        from traffickstats.errors import ExportError
        try:
            export_figures({"x": {"data": [], "layout": {}}}, sys.argv[1], ["png"])
        except ExportError as exc:
            print(json.dumps(str(exc)))
    """)
    bin_dir = Path(sys.executable).parent
    cases = {
        "BROWSER_PATH to a missing file": ({"BROWSER_PATH": str(tmp_path / "no-such-chromium"),
                                            "PATH": os.environ.get("PATH", "")}, "not an executable file"),
        "no chromium on PATH": ({"PATH": str(bin_dir)}, "none was found on PATH"),  # venv bin only
        # an executable that is not a browser: the server dies, and we say so instead of hanging
        "not a browser": ({"BROWSER_PATH": "/bin/true", "PATH": os.environ.get("PATH", "")}, "did not render"),
    }
    for label, (env_extra, expected) in cases.items():
        env = {k: v for k, v in os.environ.items() if k not in ("BROWSER_PATH", "PATH")}
        env.update(env_extra)
        res = subprocess.run([sys.executable, "-c", script, str(tmp_path / "out")], env=env,
                             capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr
        message = json.loads(res.stdout.strip().splitlines()[-1])
        assert "apt-get install chromium" in message and expected in message, (label, message)
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_scaling_down_keeps_transparency_and_writes_opaque_pictures_as_rgb(tmp_path):
    """GENERATED pictures: an opaque one (a slide) is written as RGB with the same pixels as the
    RGBA reduction; one with transparent pixels keeps its alpha."""
    from PIL import Image, ImageChops

    opaque = Image.new("RGBA", (8, 4), (255, 255, 255, 255))
    opaque.paste((0, 114, 178, 255), (0, 0, 4, 4))
    clear = opaque.copy()
    clear.paste((0, 0, 0, 0), (4, 0, 8, 4))
    for name, img in (("opaque", opaque), ("clear", clear)):
        img.save(tmp_path / f"{name}-2x.png")
        export._write_scaled_down(tmp_path / f"{name}-2x.png", 2, tmp_path / f"{name}.png")
    small = Image.open(tmp_path / "opaque.png")
    assert small.mode == "RGB" and small.size == (4, 2)
    assert ImageChops.difference(small, opaque.reduce(2).convert("RGB")).getbbox() is None
    kept = Image.open(tmp_path / "clear.png")
    assert kept.mode == "RGBA" and kept.getpixel((3, 1))[3] == 0 and kept.getpixel((0, 0)) == (0, 114, 178, 255)
