"""Static chart images (PNG for slides, SVG, PDF for print) with kaleido 1.x and the system Chromium.

Why it is built this way:

- **One browser per run.** kaleido 1.x drives a headless Chromium. Starting one costs
  ~2.5 s; rendering in a warm one 0.05-0.15 s. :class:`Exporter` starts kaleido's persistent
  sync server once (``kaleido.start_sync_server``) and every image goes through it
  (``kaleido.calc_fig_sync``); :func:`export_figures` uses one Exporter for all charts.
- **The system Chromium.** Debian's ``chromium`` package, never a browser download:
  ``BROWSER_PATH`` when set (the variable choreographer itself reads), else ``chromium`` /
  ``chromium-browser`` on ``PATH``; the path is passed to kaleido explicitly so
  choreographer never prefers a copy fetched by ``kaleido_get_chrome``. Without one,
  :class:`~traffickstats.errors.ExportError` says ``apt-get install chromium``; the pack
  catches it and still writes its HTML.
- **Nothing from the network.** kaleido's default page loads MathJax from a CDN and draws
  maps from ``cdn.plot.ly`` topojson. Our page (kaleido ``PageGenerator``) loads the
  plotly.js bundled with plotly.py (``plotly/package_data/plotly.min.js``, a file URL),
  no MathJax (``mathjax=False``; charts never typeset LaTeX, ``FIGURE_CONFIG`` has
  ``typesetMath: False``), and the shipped world map registered as
  ``window.PlotlyGeoAssets.topojson["world_110m"]`` (``traffickstats.assets``), which
  plotly.js reads before it would try any URL. Belt and braces: the browser is started
  with ``--proxy-server`` pointing at a closed local port (:data:`OFFLINE_PROXY`), so any
  request that still tried to leave (an image URL in a figure, Chromium's own update and
  time pings) fails at once instead of waiting on DNS. The tests swap in a recording
  proxy to show that rendering charts requests nothing.
- **Arabic.** The house template's font family is ``"Noto Sans", "Noto Sans Arabic", ...``
  (Debian ``fonts-noto-core``): Chromium falls back glyph by glyph to Noto Sans Arabic and
  shapes it. plotly.js writes SVG ``<text>`` whose base direction is left-to-right, so a
  line that mixes Arabic with digits or Latin ("20.9 مليون", "المصدر: ILO (2012)") would be
  laid out in the wrong order (measured in Chromium with ``getStartPositionOfChar``). For
  figures whose metadata says ``dir="rtl"`` every line of text that contains Arabic is
  wrapped in Unicode isolates RLI ... PDI (:func:`bidi_isolate`), which makes each line a
  right-to-left paragraph. Arabic charts are also mirrored by ``charts.style.apply_direction``.
- **Atomic files.** Each image is rendered to bytes, written to a temporary name in the
  target folder and renamed (``traffickstats.atomic``): an interrupted export never leaves half a
  PNG in place of a good one.
- **Safe names.** File names come from chart names; a name with a path separator or
  ``..`` is refused (:class:`ExportError`), other characters outside ``[A-Za-z0-9._-]``
  become ``_``.

Unchanged images are not rendered again: :func:`export_figures` takes an ``cache`` (any
object with ``fresh(path, key)`` and ``record(path, key)``, e.g. the pack's
``reports.exports.ExportCache``) and skips a file whose :func:`image_key` (a hash of the
figure JSON sent to the browser, the format, the size and the plotly/kaleido/traffickstats
versions) is the one recorded for it.

Files: raster formats once per size (``sizes``): the first size is ``<name>.png`` (what the
pack links), the others ``<name>-<size>.png`` (``slide2x``: 3840x2160 pixels, same layout
at scale 2). SVG and PDF are vector: once, at the first size's layout dimensions.

One layout per chart (:meth:`Exporter.pictures`): the export page carries a script of ours
(``bundle.js``) that lays a chart out once with plotly.js and draws its SVG and every PNG
scale from that one SVG: the largest with plotly.js's own ``svgToImg`` (the same bytes as
kaleido's PNG), a size with the same layout at half that scale (the 1920x1080 slide of the
3840x2160 one) by halving that picture on a canvas (each pixel the mean of a 2x2 block: the
same layout, supersampled, drawn once). Measured on 27 slides, 0.23 CPU-s a chart against
0.34 when the SVG and the 2x were two layouts and Python (Pillow) decoded the 2x picture to
reduce it; the 1x PNG is Chromium's encoding, about 1.4 times the bytes of Pillow's (RGBA,
fast deflate; 290 against 210 KiB a slide). When the page draws no bundles (a kaleido release
that renamed what the script wraps: probed when the server starts) every picture is drawn by
a call of its own and the 1x is reduced from the 2x with Pillow (:func:`_write_scaled_down`).

Our server's tabs draw many pictures per page load (:func:`_reuse_tabs`): kaleido reloads its
page after every picture, which was most of a picture's cost. The pictures come back through
choreographer's DevTools pipe, read in linear time (:mod:`.devtools_pipe`).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import ExportError, TraffickstatsError
from . import devtools_pipe
from .bidi import bidi_isolate, is_rtl
from .style import SLIDE_HEIGHT, SLIDE_WIDTH

__all__ = ["DEBIAN_PACKAGE", "FORMATS", "SIZES", "Exporter", "bidi_isolate", "export_figures",
           "find_chromium", "image_key", "output_name"]

#: The Debian package that provides the browser kaleido drives.
DEBIAN_PACKAGE = "chromium"
INSTALL_HINT = f"install Debian's `{DEBIAN_PACKAGE}` package (apt-get install {DEBIAN_PACKAGE})"
BROWSER_ENV = "BROWSER_PATH"
BROWSER_NAMES = ("chromium", "chromium-browser")

#: A closed local port: with it as proxy no request of the export browser leaves the machine.
OFFLINE_PROXY = "http://127.0.0.1:9"

RASTER = ("png",)
VECTOR = ("svg", "pdf")
FORMATS = RASTER + VECTOR

#: (size name, layout width, layout height, scale): slides at 1920x1080 and at twice the pixels.
SIZES: tuple[tuple[str, int, int, float], ...] = (
    ("slide", SLIDE_WIDTH, SLIDE_HEIGHT, 1),
    ("slide2x", SLIDE_WIDTH, SLIDE_HEIGHT, 2),
)

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 120

# kaleido's sync server is a process-wide singleton: nested Exporters share it.
_server_lock = threading.RLock()
_server_users = 0
_server_config: tuple | None = None  # (browser, timeout, options) the running server was started with
_server_folder: tempfile.TemporaryDirectory | None = None  # its page assets, removed with the server
_render_lock = threading.Lock()  # kaleido's call queue is not safe for concurrent callers
_server_bundles = False  # the running server's page draws bundles (probed when it starts)

#: Pictures a kaleido tab draws before its page is loaded again (see :func:`_reuse_tabs`): a
#: bound against a slow leak, not a need. Measured over 27 slides drawn again and again on two
#: tabs (a slide bundle and an SVG each): the largest renderer stayed at 255-320 MB over 810
#: pictures without a reload, and Chromium spent 94-96 ms a picture against 107 with a reload
#: every 25 (the page's plotly.js parsed and compiled again each time).
RENDERS_PER_RELOAD = 250


# --- the browser ------------------------------------------------------------------------

def find_chromium(path: str | os.PathLike | None = None) -> str:
    """The Chromium executable to drive: ``path``, else ``$BROWSER_PATH``, else PATH.

    Raises ExportError naming the Debian package when there is none (or the given / env
    path is not an executable file).
    """
    if path is None:
        path = os.environ.get(BROWSER_ENV) or None
        origin = f"{BROWSER_ENV}={path!r}"
    else:
        origin = f"browser path {str(path)!r}"
    if path is not None:
        p = Path(path)
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
        raise ExportError(f"static export needs Chromium, but {origin} is not an executable file: "
                          f"{INSTALL_HINT}, or point {BROWSER_ENV} at a Chromium executable")
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ExportError(f"static export needs Chromium and none was found on PATH "
                      f"(looked for {', '.join(BROWSER_NAMES)}): {INSTALL_HINT}; "
                      "the HTML reports do not need it")


#: The page's script that draws several pictures of a chart from one layout (:meth:`Exporter.bundles`).
BUNDLE_JS = Path(__file__).with_name("bundle.js")
#: The key of a figure dict that asks the page for a bundle instead of one picture.
BUNDLE_KEY = "traffickstats_bundle"


def _page_generator(folder: Path) -> Path:
    """kaleido's page: local plotly.js, no MathJax, the world map preloaded (no URL fetched),
    our bundle script (``bundle.js``), written as ``folder/index.html`` (our server's tabs are
    known by it: :func:`_reuse_tabs`)."""
    from kaleido import PageGenerator

    from ..assets import TOPOJSON_NAME, plotly_js_path, topojson_script

    plotly_js = plotly_js_path()
    if not plotly_js.is_file():
        raise ExportError(f"plotly.js is missing from the plotly package ({plotly_js}): "
                          "reinstall plotly; static export never loads it from a CDN")
    topo = folder / f"{TOPOJSON_NAME}.js"
    topo.write_text(topojson_script(), encoding="utf-8")
    index = folder / "index.html"
    page = PageGenerator(plotly=plotly_js.as_uri(), mathjax=False, others=[topo.as_uri(), BUNDLE_JS.as_uri()])
    index.write_text(page.generate_index(), encoding="utf-8")
    return index


def _reuse_tabs() -> bool:
    """Let our export server's tabs draw many pictures per page load.

    kaleido 1.x loads its page again after every picture it draws (``Page.reload`` in
    ``Kaleido._return_kaleido_tab``): plotly.js is parsed and compiled each time, about
    0.2 CPU-s, most of the cost of a picture (measured on 13 slides: 3.9 CPU-s of Chromium
    for the 2x PNGs with a reload each, 1.5 without; 2.9 against 0.25 for SVG; kaleido issue
    #400). Its script purges the chart it drew, and the pictures are the same byte for byte
    either way (``tests/test_export.py``). So tabs of a server started by :class:`Exporter`
    (its page is ``index.html`` in the server's folder) are loaded again only every
    :data:`RENDERS_PER_RELOAD` pictures, and after any picture that failed or timed out;
    kaleido's other servers keep its behaviour. Returns False (kaleido unchanged) when this
    kaleido lacks the methods it wraps.
    """
    try:
        from kaleido._kaleido_tab._tab import _KaleidoTab
        from kaleido.kaleido import Kaleido
    except ImportError:
        return False
    if getattr(Kaleido._return_kaleido_tab, "traffickstats", False):
        return True
    reload_each, calc_fig = Kaleido._return_kaleido_tab, getattr(_KaleidoTab, "_calc_fig", None)
    if calc_fig is None or not hasattr(_KaleidoTab, "reload"):
        return False

    async def _calc_fig_noting_failures(self, *args, **kwargs):
        try:
            return await calc_fig(self, *args, **kwargs)
        except BaseException:  # an error or kaleido's timeout: the page is loaded again
            self._traffickstats_dirty = True
            raise

    async def _return_kaleido_tab(self, tab):
        folder = _server_folder
        ours = folder is not None and str(getattr(self, "_index", "")) == (Path(folder.name) / "index.html").as_uri()
        if not ours:
            return await reload_each(self, tab)
        tab._traffickstats_uses = getattr(tab, "_traffickstats_uses", 0) + 1
        if getattr(tab, "_traffickstats_dirty", False) or tab._traffickstats_uses >= RENDERS_PER_RELOAD:
            await tab.reload()
            tab._traffickstats_uses, tab._traffickstats_dirty = 0, False
        await self.tabs_ready.put(tab)

    _return_kaleido_tab.traffickstats = True
    _calc_fig_noting_failures.__wrapped__ = calc_fig
    _return_kaleido_tab.__wrapped__ = reload_each
    _KaleidoTab._calc_fig = _calc_fig_noting_failures
    Kaleido._return_kaleido_tab = _return_kaleido_tab
    return True


class Exporter:
    """One persistent Chromium (kaleido sync server) for many images.

    >>> with Exporter() as ex:                                  # doctest: +SKIP
    ...     ex.write(fig, "out/victims.png", width=1920, height=1080, scale=1)

    ``browser_path`` overrides ``$BROWSER_PATH`` / PATH; ``timeout`` is seconds per image;
    ``browser_options`` go to choreographer's Chromium (``proxy_server`` defaults to
    :data:`OFFLINE_PROXY`; the tests pass a recording proxy). ``timings`` lists
    ``(path, seconds)`` for every image written.
    """

    def __init__(self, browser_path: str | os.PathLike | None = None, *, timeout: float = 90, tabs: int = 1,
                 **browser_options):
        self.browser_path = browser_path
        self.timeout = timeout
        self.tabs = max(1, int(tabs))
        self.browser_options = {"proxy_server": OFFLINE_PROXY, **browser_options}
        self.timings: list[tuple[Path, float]] = []
        self.startup_seconds: float | None = None
        self._open = False

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> "Exporter":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> "Exporter":
        """Start (or join) the export server and render a probe image, so a broken browser
        fails here with a clear message rather than on the first chart."""
        global _server_users, _server_config, _server_folder, _server_bundles
        if self._open:
            return self
        import kaleido

        chromium = find_chromium(self.browser_path)
        config = (chromium, self.timeout, self.tabs, tuple(sorted(self.browser_options.items())))
        t0 = time.perf_counter()
        with _server_lock:
            server = kaleido._global_server  # noqa: SLF001 - the singleton start_sync_server uses
            if server.is_running() and _server_users == 0:
                raise ExportError("a kaleido sync server started outside traffickstats is already "
                                  "running in this process; call kaleido.stop_sync_server() first")
            if _server_users and config != _server_config:
                raise ExportError("an Exporter with other browser settings is already open in this "
                                  "process (kaleido runs one export server): close it first or reuse it")
            starting = _server_users == 0
            if starting:
                folder = tempfile.TemporaryDirectory(prefix="traffickstats-export-")
                try:
                    page = _page_generator(Path(folder.name))
                except BaseException:
                    folder.cleanup()
                    raise
                _server_config, _server_folder = config, folder
                _reuse_tabs()
                devtools_pipe.install()
                kaleido.start_sync_server(n=self.tabs, path=chromium, page_generator=page, timeout=self.timeout,
                                          silence_warnings=True, **self.browser_options)
                _server_bundles = False
            _server_users += 1
            self._open = True
        try:
            self._render({"data": [], "layout": {}}, "png", 10, 10, 1, what="probe image")
        except ExportError as exc:
            self.close()
            raise ExportError(f"Chromium at {chromium} did not render a probe image: {exc}. "
                              f"Check the browser works, or {INSTALL_HINT}") from exc
        if starting:
            _server_bundles = self._probe_bundles()
        self.startup_seconds = time.perf_counter() - t0
        return self

    def _probe_bundles(self) -> bool:
        """Whether this server's page draws bundles (``bundle.js`` installed over kaleido's
        render): a small bundle must come back whole. False (pictures one by one) when a
        kaleido release changed what the script wraps."""
        try:
            got = self._bundle_calls([({"data": [], "layout": {}}, 8, 6, True, (2, 1))])[0]
        except ExportError:
            return False
        return not isinstance(got, Exception) and {"svg", 2.0, 1.0} <= set(got) and got["svg"].lstrip().startswith(b"<svg")

    @property
    def bundles(self) -> bool:
        """True when :meth:`pictures` draws a chart's pictures from one layout (our page's
        ``bundle.js``); else each picture is a call of its own."""
        return self._open and _server_bundles

    def close(self) -> None:
        """Stop the server when the last Exporter using it closes; remove its page folder."""
        global _server_users, _server_config, _server_folder
        if not self._open:
            return
        import kaleido

        with _server_lock:
            _server_users -= 1
            self._open = False
            if _server_users == 0:
                kaleido.stop_sync_server(silence_warnings=True)
                _server_config = None
                if _server_folder is not None:
                    _server_folder.cleanup()
                    _server_folder = None

    # -- rendering -------------------------------------------------------------------------
    def _watched(self, call, what: str, seconds: float):
        """``call()`` in a thread, watching that the server thread stays alive (kaleido would
        otherwise wait forever on a dead browser) and that it ends within ``seconds``."""
        import kaleido

        if not self._open:
            raise ExportError("Exporter is not started: use `with Exporter() as ex:`")
        server = kaleido._global_server  # noqa: SLF001
        box: dict = {}

        def run():
            try:
                box["value"] = call()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller below
                box["error"] = exc

        with _render_lock:
            worker = threading.Thread(target=run, name="traffickstats-export", daemon=True)
            worker.start()
            deadline = time.monotonic() + seconds + 15
            while worker.is_alive():
                worker.join(0.05)
                thread = getattr(server, "_thread", None)
                if worker.is_alive() and thread is not None and not thread.is_alive():
                    raise ExportError(f"{what}: the Chromium export server stopped "
                                      "(browser crashed or could not start)")
                if worker.is_alive() and time.monotonic() > deadline:
                    raise ExportError(f"{what}: no image after {seconds:.0f} s")
        if "error" in box:
            exc = box["error"]
            raise ExportError(f"{what}: {type(exc).__name__}: {exc}") from exc
        return box.get("value")

    def _render(self, fig, fmt: str, width: int, height: int, scale: float, what: str) -> bytes:
        """Bytes of one image via the server."""
        import kaleido

        data = self._watched(lambda: kaleido.calc_fig_sync(
            fig, opts={"format": fmt, "width": width, "height": height, "scale": scale}), what, self.timeout)
        if not data:
            raise ExportError(f"{what}: the browser returned an empty image")
        return data

    def write_many(self, items) -> tuple[list[Path], list[str]]:
        """Render many images in ONE call to the server, which spreads them over its ``tabs``
        (and saves the round trip per image); each written atomically. ``items``:
        ``(fig, path, format, width, height, scale)``. Returns ``(written, failures)``."""
        return self._write_sent([(_figure_dict(fig), path, _check_format(fmt), width, height, scale)
                                 for fig, path, fmt, width, height, scale in items])

    def _write_sent(self, items, record: bool = True) -> tuple[list[Path], list[str]]:
        """:meth:`write_many` of figures already as the browser receives them (``_figure_dict``);
        ``record``: list the files in :attr:`timings`."""
        import kaleido

        from ..atomic import temp_name

        items = list(items)
        if not items:
            return [], []
        temps = [temp_name(Path(path)) for _fig, path, *_ in items]
        specs = [{"fig": fig, "path": str(tmp),
                  "opts": {"format": fmt, "width": width, "height": height, "scale": scale}}
                 for (fig, _path, fmt, width, height, scale), tmp in zip(items, temps)]
        t0 = time.perf_counter()
        try:
            errors = self._watched(lambda: kaleido._global_server.call_function(  # noqa: SLF001
                "write_fig_from_object", specs, cancel_on_error=False),
                f"{len(items)} images", self.timeout * -(-len(items) // self.tabs)) or ()
        except BaseException:
            for tmp in temps:
                tmp.unlink(missing_ok=True)
            raise
        seconds = (time.perf_counter() - t0) / len(items)
        written, failed = [], [f"{type(e).__name__}: {e}" for e in errors]
        for (_fig, path, *_rest), tmp in zip(items, temps):
            if tmp.is_file() and tmp.stat().st_size:
                try:
                    os.chmod(tmp, 0o644)  # as traffickstats.atomic: mkstemp made it 0600
                    os.replace(tmp, path)
                except OSError as exc:
                    tmp.unlink(missing_ok=True)
                    failed.append(f"{Path(path).name}: cannot write: {exc.strerror or exc}")
                    continue
                written.append(Path(path))
                if record:
                    self.timings.append((Path(path), seconds))
            else:
                tmp.unlink(missing_ok=True)
                if not errors:
                    failed.append(f"{Path(path).name}: the browser returned an empty image")
        return written, failed

    def images(self, items) -> list[bytes]:
        """The bytes of many images (``(fig, format, width, height, scale)``) in one call
        (:meth:`write_many`); raises ExportError if any fails."""
        items = list(items)
        with tempfile.TemporaryDirectory(prefix="traffickstats-images-") as work:
            paths = [Path(work) / f"{i}.{fmt}" for i, (_fig, fmt, *_r) in enumerate(items)]
            written, failed = self.write_many([(fig, p, fmt, w, h, s) for (fig, fmt, w, h, s), p in zip(items, paths)])
            if failed or len(written) != len(items):
                raise ExportError(f"{len(items) - len(written)} of {len(items)} image(s) failed: "
                                  + "; ".join(failed[:5]))
            return [p.read_bytes() for p in paths]

    def pictures(self, items) -> list[dict]:
        """Several pictures of each chart from ONE plotly.js layout (``bundle.js``), in one
        call spread over the server's tabs. ``items``: ``(fig, width, height, svg, scales)``;
        for each, ``{"svg": bytes, scale: PNG bytes, ...}`` (``"svg"`` when asked), or the
        :class:`ExportError` that chart met (the others are still drawn).

        The largest scale is plotly.js's own PNG of the chart, the bytes :meth:`image` gives
        for it. A smaller scale whose ratio to it is a power of two is that picture halved on
        a canvas (each pixel the mean of a 2x2 block: the same layout, supersampled); any
        other is drawn from the chart's SVG. Drawing a slide's SVG, 2x and 1x pictures this
        way costs one layout instead of two and no decoding of the 2x picture in Python
        (measured on 27 slides: 0.23 against 0.34 CPU-s a chart).

        Raises ExportError when this server's page draws no bundles (:attr:`bundles`) or
        the server itself fails.
        """
        if not self.bundles:
            raise ExportError("this export server draws one picture per call (no bundle.js in its page)")
        return self._bundle_calls(items)

    def _bundle_calls(self, items) -> list:
        import base64
        import json

        items = list(items)
        if not items:
            return []
        with tempfile.TemporaryDirectory(prefix="traffickstats-bundle-") as work:
            paths = [Path(work) / f"{i}.json" for i in range(len(items))]
            sent = []
            for (fig, width, height, svg, scales), path in zip(items, paths):
                fig = dict(_figure_dict(fig))
                fig[BUNDLE_KEY] = {"svg": bool(svg), "png": sorted({float(x) for x in scales}, reverse=True)}
                sent.append((fig, path, "svg", int(width), int(height), 1))
            written, failed = self._write_sent(sent, record=False)
            done = set(written)
            missing = [path for path in paths if path not in done]
            # kaleido gives the errors in the order of the pictures that failed
            whys = (dict(zip(missing, failed)) if len(failed) == len(missing)
                    else dict.fromkeys(missing, "; ".join(failed[:3]) or "the browser returned nothing"))
            results: list = []
            for (fig, _w, _h, svg, scales), path in zip(items, paths):
                if path not in done:
                    results.append(ExportError(whys[path]))
                    continue
                try:
                    got = json.loads(path.read_bytes())
                    pics = {float(x): base64.b64decode(got[f"png{_js_number(float(x))}"], validate=True)
                            for x in set(scales)}
                    if svg:
                        pics["svg"] = got["svg"].encode("utf-8")
                except (ValueError, KeyError, TypeError, AttributeError) as exc:
                    results.append(ExportError(f"the browser's bundle could not be read: {type(exc).__name__}: {exc}"))
                    continue
                empty = [x for x, data in pics.items() if x != "svg" and not data.startswith(b"\x89PNG")]
                if empty:  # a canvas Chromium could not allocate gives "data:,"
                    results.append(ExportError(f"the browser returned no PNG at scale {_js_number(empty[0])}"))
                    continue
                results.append(pics)
            return results

    def image(self, fig, format: str = "png", width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT,
              scale: float = 1) -> bytes:
        """The image of ``fig`` (a Figure or its dict) as bytes."""
        fmt = _check_format(format)
        return self._render(_figure_dict(fig), fmt, width, height, scale, what=f"{fmt} image")

    def write(self, fig, path, format: str | None = None, width: int = SLIDE_WIDTH,
              height: int = SLIDE_HEIGHT, scale: float = 1) -> Path:
        """Render ``fig`` and write it atomically to ``path`` (format from the suffix if not given)."""
        from ..atomic import write_bytes

        path = Path(path)
        fmt = _check_format(format or path.suffix.lstrip(".") or "png")
        t0 = time.perf_counter()
        data = self._render(_figure_dict(fig), fmt, width, height, scale, what=str(path))
        write_bytes(path, data)
        self.timings.append((path, time.perf_counter() - t0))
        return path


# --- many charts --------------------------------------------------------------------------

def _js_number(x: float) -> str:
    """A number as JavaScript writes it (``String(2)`` is "2", ``String(1.5)`` "1.5")."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _check_format(fmt: str) -> str:
    fmt = str(fmt).lower()
    if fmt not in FORMATS:
        raise ExportError(f"unsupported static format {fmt!r}: use one of {', '.join(FORMATS)}")
    return fmt


def _figure_dict(fig) -> dict:
    """The figure as plotly.js receives it; right-to-left figures get their text isolated."""
    if hasattr(fig, "to_dict"):
        fig = fig.to_dict()
    if not isinstance(fig, Mapping) or "data" not in fig:
        raise ExportError(f"not a plotly figure (got {type(fig).__name__}): "
                          "pass a plotly.graph_objects.Figure or its dict")
    fig = dict(fig)
    return bidi_isolate(fig) if is_rtl(fig) else fig


def image_key(fig, fmt: str, width: int, height: int, scale: float) -> str:
    """What an image depends on, hashed: the figure JSON as the browser receives it (right-to-left
    text isolated), format, size, and the versions of plotly.js (plotly.py), kaleido and
    traffickstats. Equal keys: the same picture, which need not be rendered again."""
    return _key_of(_figure_dict(fig), fmt, width, height, scale)


def _key_of(sent: dict, fmt: str, width: int, height: int, scale: float) -> str:
    """:func:`image_key` of a figure already as the browser receives it (``_figure_dict``)."""
    import hashlib
    import json

    from plotly.utils import PlotlyJSONEncoder

    blob = json.dumps({"figure": sent, "format": fmt, "size": [int(width), int(height), float(scale)],
                       "versions": _versions()}, sort_keys=True, cls=PlotlyJSONEncoder)
    return hashlib.sha256(blob.encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _versions() -> list:
    """The releases a picture depends on: plotly (its plotly.js), kaleido, traffickstats. Read
    once: ``importlib.metadata.version`` reads the installed packages' metadata at each call
    (about 1 ms, for each of the ~500 pictures a pack keys)."""
    from importlib.metadata import PackageNotFoundError, version

    import plotly

    from .. import __version__

    try:
        kaleido_version = version("kaleido")
    except PackageNotFoundError:
        kaleido_version = None
    return [plotly.__version__, kaleido_version, __version__]


def output_name(name) -> str:
    """A file-name stem for a chart name: refuses paths ("../x", "a/b"), replaces other
    characters outside ``[A-Za-z0-9._-]`` with ``_``."""
    text = str(name) if name is not None else ""
    if not text.strip():
        raise ExportError("a chart name is empty: give every chart a name for its files")
    if "/" in text or "\\" in text or "\x00" in text or ".." in text:
        raise ExportError(f"chart name {text!r} refused: a name must not contain '/', '\\' or '..' "
                          "(files are written only inside the output folder)")
    stem = _SAFE.sub("_", text).strip("._") or "chart"
    return stem[:_MAX_NAME]


def _named(figures) -> list[tuple[str, object]]:
    items = list(figures.items()) if isinstance(figures, Mapping) else list(figures)
    out, seen = [], set()
    for i, item in enumerate(items):
        try:
            name, fig = item
        except (TypeError, ValueError):
            raise ExportError(f"figure #{i + 1}: expected (name, figure) pairs or a dict "
                              f"{{name: figure}}, got {type(item).__name__}") from None
        stem = output_name(name)
        base, n = stem, 2
        while stem.lower() in seen:  # two charts with the same title: keep both
            stem, n = f"{base}-{n}", n + 1
        seen.add(stem.lower())
        out.append((stem, fig))
    return out


def _check_sizes(sizes) -> list[tuple[str, int, int, float]]:
    checked = []
    for s in sizes:
        try:
            name, width, height, scale = s
        except (TypeError, ValueError):
            raise ExportError(f"size {s!r}: expected (name, width, height, scale)") from None
        if not (int(width) > 0 and int(height) > 0 and float(scale) > 0):
            raise ExportError(f"size {s!r}: width, height and scale must be positive")
        checked.append((output_name(name), int(width), int(height), float(scale)))
    if not checked:
        raise ExportError("no image size given")
    return checked


def _derived_from(paths: list[Path], sizes, width: int, height: int, scale: float) -> tuple[Path, int] | None:
    """``(path, factor)`` when this raster size is the same layout as a larger one at an integer
    multiple of its scale (``slide`` from ``slide2x``): it is scaled down from that picture
    instead of being rendered again. None: render it."""
    best = max(((p, s) for p, (_n, w, h, s) in zip(paths, sizes) if (w, h) == (width, height)),
               key=lambda item: item[1])
    factor = best[1] / scale
    if best[1] <= scale or factor != int(factor):
        return None
    return best[0], int(factor)


def _write_scaled_down(source: Path, factor: int, path: Path) -> Path:
    """``path``: the PNG ``source`` reduced by an integer ``factor`` (each pixel the mean of a
    factor x factor block: the same layout, drawn at a higher resolution and averaged down).
    An opaque picture (every slide: white paper) is written as RGB: 13 % less time, a PNG a
    tenth smaller, the same pixels."""
    import io

    from PIL import Image

    from ..atomic import write_bytes

    try:
        with Image.open(source) as big:
            big.load()
            if big.mode == "RGBA" and big.getchannel("A").getextrema() == (255, 255):
                big = big.convert("RGB")  # opaque: the same pixels, without premultiplying alpha
            small = big.reduce(factor)
    except (OSError, ValueError) as exc:
        raise ExportError(f"{path.name}: cannot scale down {source.name}: {exc}") from None
    buf = io.BytesIO()
    small.save(buf, "PNG", compress_level=3)
    write_bytes(path, buf.getvalue())
    return path


#: The formats a bundle draws (:meth:`Exporter.pictures`); PDF goes one by one.
_BUNDLED = ("png", "svg")


def _draw_bundles(ex, todo: list, jobs: list) -> tuple[list[Path], list[str]]:
    """Write the ``todo`` jobs (PNG and SVG, as planned by :func:`export_figures`) with one
    bundle per chart and layout size (:meth:`Exporter.pictures`): its SVG and every raster
    scale from one layout. A size planned as scaled down from a larger one is drawn from
    that larger picture in the browser, which is therefore drawn too (written only if it is
    in ``todo``). Returns ``(written, failures)``."""
    from ..atomic import write_bytes

    scale_of = {job[0]: job[6] for job in jobs}
    groups: dict[tuple, dict] = {}
    for path, stem, fig, fmt, width, height, scale, source in todo:
        group = groups.setdefault((stem, width, height), {"fig": fig, "svg": None, "scales": set(), "png": []})
        if fmt == "svg":
            group["svg"] = path
        else:
            group["png"].append((path, scale))
            group["scales"].add(scale)
            if source is not None:  # halved from the larger picture, which is drawn too
                group["scales"].add(scale_of[source[0]])
    order = list(groups)
    t0 = time.perf_counter()
    results = ex.pictures([(groups[k]["fig"], k[1], k[2], groups[k]["svg"] is not None,
                            sorted(groups[k]["scales"])) for k in order])
    seconds = (time.perf_counter() - t0) / max(len(todo), 1)
    written, failed = [], []
    for k, got in zip(order, results):
        group = groups[k]
        files = ([(group["svg"], "svg")] if group["svg"] is not None else []) + group["png"]
        if isinstance(got, Exception):
            failed += [f"{path.name}: {got}" for path, _ in files]
            continue
        for path, what in files:
            try:
                written.append(write_bytes(path, got[what]))
            except TraffickstatsError as exc:  # OutputError: the file named, the reason given
                failed.append(str(exc))
    timings = getattr(ex, "timings", None)  # an Exporter lists every file it drew
    if isinstance(timings, list):
        timings += [(path, seconds) for path in written]
    return written, failed


def _joining_exporter() -> Exporter | None:
    """An Exporter with the settings of the server already open in this process, if any."""
    with _server_lock:
        if not _server_users or _server_config is None:
            return None
        browser, timeout, tabs, options = _server_config
        return Exporter(browser, timeout=timeout, tabs=tabs, **dict(options))


def export_figures(figures: Iterable[tuple[str, object]] | Mapping[str, object], out_dir,
                   formats=("png", "svg", "pdf"), sizes=SIZES, *,
                   exporter: Exporter | None = None, cache=None) -> list[Path]:
    """Write every chart as ``out_dir/<name>.<fmt>`` (plus ``<name>-<size>.png`` for extra
    sizes) through ONE browser; return the files written, in order.

    ``figures``: ``{name: figure}`` or ``[(name, figure), ...]``; names become file names
    (see :func:`output_name`). ``exporter``: a started :class:`Exporter` to use; by default
    the one already open in this process (``with Exporter(): ...`` around a whole run), else
    a new one for this call.
    Raises ExportError before starting a browser for bad names / formats / sizes, and when
    Chromium is missing. ``cache``: skip files whose :func:`image_key` it holds (they are
    listed as written; see the module's docstring); the browser starts only when some image
    must be rendered. A chart that fails to render does not stop the others: the error
    raised at the end lists the failures, and its ``written`` attribute the files written.
    """
    fmts = list(dict.fromkeys(_check_format(f) for f in formats))
    size_list = _check_sizes(sizes)
    named = _named(figures)
    out = Path(out_dir)
    if not named or not fmts:
        return []
    out.mkdir(parents=True, exist_ok=True)

    jobs = []  # (path, stem, figure, format, width, height, scale, source): source = (path, factor) or None
    for stem, fig in named:
        first = size_list[0]
        for fmt in fmts:
            if fmt in RASTER:
                paths = [out / f"{stem}{'' if i == 0 else '-' + size}.{fmt}" for i, (size, *_r) in enumerate(size_list)]
                for path, (_size, width, height, scale) in zip(paths, size_list):
                    jobs.append((path, stem, fig, fmt, width, height, scale,
                                 _derived_from(paths, size_list, width, height, scale)))
            else:
                jobs.append((out / f"{stem}.{fmt}", stem, fig, fmt, first[1], first[2], 1, None))
    jobs_order = {job[0]: i for i, job in enumerate(jobs)}
    jobs.sort(key=lambda job: job[7] is not None)  # the largest pictures first, then those scaled down from them

    written, failed = [], []
    dicts: dict[str, dict] = {}
    keys: dict[Path, str] = {}
    if cache is not None:
        todo = []
        for job in jobs:
            path, stem, fig, fmt, width, height, scale, _source = job
            if stem not in dicts:
                dicts[stem] = _figure_dict(fig)
            keys[path] = _key_of(dicts[stem], fmt, width, height, scale)
            if cache.fresh(path, keys[path]):
                written.append(path)
            else:
                todo.append(job)
        if not todo:
            return sorted(written, key=jobs_order.__getitem__)
    else:
        todo = jobs
    own = exporter is None and any(job[7] is None for job in todo)
    ex = exporter or _joining_exporter() or Exporter()
    if own:
        ex.start()
    try:
        if any(job[7] is None for job in todo) and getattr(ex, "bundles", False):
            bundled = [job for job in todo if job[3] in _BUNDLED]
            done, failures = _draw_bundles(ex, bundled, jobs)
            written += done
            failed += failures
            if cache is not None:
                for path in done:
                    cache.record(path, keys[path])
            todo = [job for job in todo if job[3] not in _BUNDLED]
        rendered = [job for job in todo if job[7] is None]
        if rendered:  # one call for all: the server spreads them over its tabs
            done, failures = ex.write_many([(fig, path, fmt, width, height, scale)
                                            for path, _stem, fig, fmt, width, height, scale, _s in rendered])
            written += done
            failed += failures
            if cache is not None:
                for path in done:
                    cache.record(path, keys[path])
        for path, stem, fig, fmt, width, height, scale, source in todo:
            if source is None:
                continue
            try:
                written.append(_write_scaled_down(source[0], source[1], path))
                if cache is not None:
                    cache.record(path, keys[path])
            except ExportError as exc:
                failed.append(f"{path.name}: {exc}")
    finally:
        if own:
            ex.close()
    written.sort(key=jobs_order.__getitem__)
    if failed:
        err = ExportError(f"{len(failed)} of {len(jobs)} image(s) failed: " + "; ".join(failed[:5])
                          + (" ..." if len(failed) > 5 else ""))
        err.written = written
        raise err
    return written
