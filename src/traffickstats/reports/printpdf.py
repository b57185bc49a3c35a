"""Print a rendered briefing to an A4 PDF with the system's headless Chromium.

The page's own print stylesheet sets A4 and hides buttons; Chromium's header and footer
(date, file URL) are turned off. Nothing here touches the network: background networking,
component updates and sync are disabled and the page loads its scripts from local files.

:func:`print_pdf` starts a browser for one page; :class:`Printer` keeps one browser for many
(the pack's export pass).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import subprocess
import tempfile
import threading
from pathlib import Path

from .. import atomic
from ..charts.export import find_chromium
from ..errors import ExportError


def print_pdf(html_path: Path, pdf_path: Path, *, chromium: str | None = None, timeout: float = 120) -> Path:
    """Write ``pdf_path`` (atomically) from the HTML file ``html_path``; return it.

    Raises ExportError when Chromium is missing (naming the Debian package) or fails.
    """
    # one rule for every browser use: the given path, else $BROWSER_PATH, else PATH
    # (ExportError naming the Debian package when there is none)
    browser = find_chromium(chromium)
    html_path = Path(html_path).resolve()
    with tempfile.TemporaryDirectory(prefix="ts-chromium-") as profile, atomic.replacing(Path(pdf_path)) as tmp:
        cmd = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=10000", "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}", html_path.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ExportError(f"Chromium did not finish printing {html_path.name} within {timeout:.0f} s") from None
        except OSError as exc:
            raise ExportError(f"cannot start Chromium ({browser}): {exc}") from None
        if proc.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            raise ExportError(
                f"Chromium could not print {html_path.name} (exit {proc.returncode}): {' | '.join(tail)}"
            )
    return Path(pdf_path)


class Printer:
    """ONE headless Chromium, started once, that prints many pages: what a pack uses instead
    of a browser process per PDF (starting one costs ~1 s; a page printed in a warm one
    ~1.3 s instead of ~2.5 s, measured on the conference reports).

    It is driven over the DevTools protocol with ``choreographer`` (kaleido's own browser
    driver): each page is opened in the printer's tab, printed with ``Page.printToPDF`` once
    it has loaded and laid out (fonts ready, two animation frames), and the next page replaces
    it in the same tab. One tab for every page, not a fresh one each: a new tab starts a new
    renderer process, 0.2 CPU-s of Chromium a PDF (measured on the conference dossiers, 0.75
    against 0.55 CPU-s a PDF), and the PDFs are the same (tests/test_dossier.py). A page that
    fails or times out takes its tab with it: the next page opens a new one. The print
    options are those of ``chromium --headless --print-to-pdf --no-pdf-header-footer``
    (:func:`print_pdf`): the page's own ``@page`` size and margins (A4, page numbers in the
    bottom margin), backgrounds printed, Chromium's header and footer off; the PDFs are the
    same (text and pixels, checked in tests/test_dossier.py). Nothing from the network: the
    browser's proxy is a closed local port (``charts.export.OFFLINE_PROXY``).

    :meth:`print_source` prints a page given as text. A page that loads nothing
    (:func:`self_contained`: no script, no stylesheet, image or frame to fetch; the pack's
    print pages with their charts as SVG) is set as the tab's document
    (``Page.setDocumentContent``) instead of being written to a file and navigated to: no
    navigation, about 60 ms less of Chromium a PDF (75 against 23 ms to have the page, 29
    against 17 to lay it out; measured on 6 dossiers), the same PDF (text and pixels,
    tests/test_export_prepare.py). Any other page is printed from a file, as :meth:`print_pdf`.

    >>> with Printer() as printer:                              # doctest: +SKIP
    ...     printer.print_pdf("a.html", "a.pdf")

    Thread-safe (one page at a time); raises ExportError like :func:`print_pdf`.
    """

    def __init__(self, chromium: str | None = None, *, timeout: float = 120):
        self.chromium, self.timeout = chromium, timeout
        self._loop = self._thread = self._browser = self._tab = self._frame = None
        self.tabs_opened = 0  # tabs this printer opened (one unless a page failed)
        self._lock = threading.Lock()

    def __enter__(self) -> "Printer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> "Printer":
        if self._loop is None:
            browser = find_chromium(self.chromium)  # ExportError naming the Debian package
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="traffickstats-print", daemon=True)
            self._thread.start()
            try:
                self._call(self._open(browser), "start Chromium")
            except BaseException:
                self.close()
                raise
        return self

    def _call(self, coro, what: str):
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(self.timeout)
        except TimeoutError:
            future.cancel()
            raise ExportError(f"Chromium did not {what} within {self.timeout:.0f} s") from None
        except ExportError:
            raise
        except Exception as exc:  # noqa: BLE001 - choreographer's errors, the browser gone
            raise ExportError(f"Chromium could not {what}: {type(exc).__name__}: {exc}") from None

    async def _open(self, path: str) -> None:
        import choreographer

        from ..charts import devtools_pipe
        from ..charts.export import OFFLINE_PROXY

        devtools_pipe.install()  # choreographer 1.4 reads a long answer in quadratic time

        self._browser = choreographer.Browser(path=path, headless=True, proxy_server=OFFLINE_PROXY)
        await self._browser.open()

    async def _print(self, url: str | None = None, html: str | None = None) -> bytes:
        """The PDF of the page at ``url``, or of the page ``html`` set as the tab's document."""
        tab = self._tab
        try:
            if tab is None:
                tab = await self._browser.create_tab("about:blank")
                self.tabs_opened += 1
                _check(await tab.send_command("Page.enable"), "open a tab")
                self._tab, self._frame = tab, None
            if html is None:
                loaded = tab.subscribe_once("Page.loadEventFired")
                _check(await tab.send_command("Page.navigate", params={"url": url}), "open the page")
                await loaded
            else:
                if self._frame is None:
                    tree = _check(await tab.send_command("Page.getFrameTree"), "open a tab")
                    self._frame = tree["result"]["frameTree"]["frame"]["id"]
                _check(await tab.send_command("Page.setDocumentContent",
                                              params={"frameId": self._frame, "html": html}), "open the page")
            _check(await tab.send_command("Runtime.evaluate", params={
                "expression": LAID_OUT, "awaitPromise": True}), "lay the page out")
            answer = _check(await tab.send_command("Page.printToPDF", params=PRINT_OPTIONS), "print")
            return base64.b64decode(answer["result"]["data"])
        except BaseException:  # an error, or the timeout cancelling us: never reuse this tab
            self._tab = self._frame = None
            if tab is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self._browser.close_tab(tab.target_id), 10)
            raise

    def print_pdf(self, html_path: Path, pdf_path: Path) -> Path:
        """Write ``pdf_path`` (atomically) from the HTML file ``html_path``; return it."""
        html_path = Path(html_path).resolve()
        return self._write(pdf_path, html_path.name, url=html_path.as_uri())

    def print_source(self, source: str, pdf_path: Path, *, name: str = "page.html") -> Path:
        """Write ``pdf_path`` (atomically) from the page ``source`` (HTML text); return it.
        A :func:`self_contained` page becomes the tab's document; any other is written to a
        file and printed from it (its links to local files then read as they would from a
        temporary folder). ``name``: the page's name in errors."""
        if self_contained(source):
            return self._write(pdf_path, name, html=source)
        with tempfile.TemporaryDirectory(prefix="ts-print-") as work:
            html_file = Path(work) / name
            html_file.write_text(source, encoding="utf-8")
            return self.print_pdf(html_file, pdf_path)

    def _write(self, pdf_path: Path, name: str, **page) -> Path:
        with self._lock:
            self.start()
            data = self._call(self._print(**page), f"print {name}")
        if not data.startswith(b"%PDF"):
            raise ExportError(f"Chromium printed {name} as something that is not a PDF")
        atomic.write_bytes(Path(pdf_path), data)
        return Path(pdf_path)

    def close(self) -> None:
        """Close the browser (its profile folder goes with it) and the loop's thread."""
        loop, self._loop = self._loop, None
        if loop is None:
            return
        if self._browser is not None:
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._browser.close(), loop).result(30)
            self._browser = self._tab = self._frame = None
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(30)
        with contextlib.suppress(RuntimeError):
            loop.close()


#: ``Page.printToPDF`` options equal to the ``--print-to-pdf --no-pdf-header-footer`` command line.
PRINT_OPTIONS = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}

#: Resolved once the page has loaded and laid out: its load event (a page set as the tab's
#: document has one too), its fonts, then two animation frames.
LAID_OUT = ("new Promise(r => document.readyState === 'complete' ? r() : addEventListener('load', () => r(), "
            "{once: true})).then(() => document.fonts.ready).then(() => new Promise(r => "
            "requestAnimationFrame(() => requestAnimationFrame(r))))")

#: What makes a page load something: a script, a stylesheet, a frame, a base URL, or a URL
#: other than ``data:`` or a ``#fragment`` of the page in ``src``, ``srcset``, ``poster``, an
#: object's ``data``, an SVG image's ``href`` or a CSS ``url()`` / ``@import``.
_LOADS = re.compile(
    r"<\s*(?:script|link|iframe|frame|object|embed|base)\b"
    r"|\b(?:src|srcset|poster|data)\s*=\s*(?![\"']?(?:data:|#))"
    r"|<\s*(?:image|feImage)\b[^>]*?\bhref\s*=\s*(?![\"']?(?:data:|#))"
    r"|url\(\s*(?![\"']?(?:data:|#))|@import", re.IGNORECASE)


def self_contained(source: str) -> bool:
    """Whether the page ``source`` loads nothing (no script, stylesheet, frame, nor any URL
    other than ``data:``), so that it prints the same without a file or a base URL.
    Links (``<a href>``) load nothing and are allowed."""
    return _LOADS.search(source) is None


def _check(answer: dict, what: str) -> dict:
    if "error" in answer:
        raise ExportError(f"Chromium could not {what}: {answer['error'].get('message', answer['error'])}")
    if (answer.get("result") or {}).get("exceptionDetails"):
        raise ExportError(f"Chromium could not {what}: {answer['result']['exceptionDetails'].get('text')}")
    return answer
