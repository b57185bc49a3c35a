"""The pack's export pass: slides, thumbnails and decks made while the reports still render.

A pack renders its reports in worker processes; each finished report is handed to ONE export
thread in the pack's process (:class:`ExportPass`), which reads its executed notebook and
writes, through ONE long-lived kaleido server (``charts.export.Exporter``):

- the slide of every chart (``<lang>/images/<report>/<chart>.png``, ``-slide2x.png``, ``.svg``);
- the index's thumbnail of the report (``<lang>/thumbs/<report>.png``);
- the PowerPoint deck (``<lang>/<report>.pptx``, :mod:`.deck`).

So exports overlap with the reports still rendering instead of waiting for the last one.

Unchanged pictures are not made again: every image and deck written is recorded in
``<pack>/.export-cache.json`` under a key of what it depends on (the figure JSON the browser
receives, format and size, versions: ``charts.export.image_key``; a deck's words and its
pictures' keys: ``deck.key``). A report rendered again (``--force``, a changed notebook) whose
figures did not change keeps its files; the manifest counts, per report, the files rendered and
the files reused (``exports``).

Failure isolation: an export that fails is a warning on its report (manifest, index), never a
lost page; no Chromium at all is one warning for the pack. :meth:`ExportPass.stop` (Ctrl-C)
abandons the reports not yet exported and closes the browser.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .. import atomic
from ..errors import TraffickstatsError
from . import figures

CACHE = ".export-cache.json"
#: Tabs of the kaleido server: two pictures drawn at once (measured under load on 2 cores:
#: 0.45 s a 3840x2160 slide in batches over two tabs, 0.50 s over one, 0.66 s one call each).
TABS = 2
IMAGE_FORMATS = ("png", "svg")


class ExportCache:
    """``{file relative to the pack: key}`` of the pictures and decks written, read and saved
    in the pack folder; counts the files it let be reused and the files recorded."""

    def __init__(self, out: Path):
        self.out = Path(out)
        try:
            data = json.loads((self.out / CACHE).read_text(encoding="utf-8"))
            self._keys = {str(k): str(v) for k, v in data.get("files", {}).items()}
        except (OSError, ValueError, AttributeError):
            self._keys = {}
        self.reused = self.rendered = 0

    def __len__(self) -> int:
        return len(self._keys)

    def _rel(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.out).as_posix()

    def fresh(self, path: Path, key: str) -> bool:
        """True when ``path`` exists and was written from the same key: keep it."""
        ok = self._keys.get(self._rel(path)) == key and Path(path).is_file()
        self.reused += ok
        return ok

    def record(self, path: Path, key: str) -> None:
        self._keys[self._rel(path)] = key
        self.rendered += 1

    def save(self) -> None:
        """Write the cache (atomically), forgetting files that are gone."""
        keep = {k: v for k, v in sorted(self._keys.items()) if (self.out / k).is_file()}
        atomic.write_text(self.out / CACHE, json.dumps({"files": keep}, indent=1))


def wanted(formats) -> bool:
    """Whether these pack formats ask the export pass for anything."""
    return any(f in formats for f in (*IMAGE_FORMATS, "pptx"))


def media(entry: dict, nb, out: Path, formats, exporter, cache: ExportCache | None = None) -> dict:
    """One report's slides, thumbnail and deck; returns ``{"outputs", "warnings", "thumbnail"}``
    to add to its manifest entry (each failure is a warning, never an exception)."""
    from . import deck

    html_path = out / next(o for o in entry["outputs"] if o.endswith(".html"))
    got = {"outputs": [], "warnings": [], "thumbnail": None}

    def failed(what: str, exc: Exception) -> None:
        got["warnings"].append(f"{what} export failed for {html_path.name}: {type(exc).__name__}: {exc}")

    figs = figures.extract(nb)
    image_formats = [f for f in formats if f in IMAGE_FORMATS]
    if image_formats and figs:
        folder = html_path.parent / "images" / html_path.stem
        try:
            written = figures.export(dict(figs), folder, image_formats, exporter=exporter, cache=cache)
        except Exception as exc:  # noqa: BLE001 - images are optional; the HTML stands
            failed("/".join(image_formats), exc)
        else:
            keep = {Path(p).name for p in written}
            for stale in folder.iterdir():  # charts the report no longer draws
                if stale.is_file() and stale.name not in keep:
                    stale.unlink()
            got["outputs"] += [Path(p).relative_to(out).as_posix() for p in written]
    if "png" in formats and figs:
        try:
            thumb = figures.thumbnail(figs[0][1], html_path.parent / "thumbs" / f"{html_path.stem}.png",
                                      exporter=exporter, cache=cache)
            got["thumbnail"] = thumb.relative_to(out).as_posix()
            got["outputs"].append(got["thumbnail"])
        except Exception as exc:  # noqa: BLE001
            failed("thumbnail", exc)
    if "pptx" in formats:
        try:
            path = deck.build(nb, html_path.with_suffix(".pptx"), title=entry.get("title"), exporter=exporter,
                              cache=cache)
            got["outputs"].append(path.relative_to(out).as_posix())
        except Exception as exc:  # noqa: BLE001
            failed("pptx", exc)
    return got


class _Browser:
    """The export server, started at the first picture that must be rendered (a rerun whose
    pictures are all unchanged starts no browser) or ahead with :meth:`start`."""

    def __init__(self):
        self._exporter = None
        self._lock = threading.Lock()
        self.error: TraffickstatsError | None = None

    def start(self):
        with self._lock:
            if self._exporter is None and self.error is None:
                from ..charts.export import Exporter

                try:
                    self._exporter = Exporter(tabs=TABS).start()
                except TraffickstatsError as exc:
                    self.error = exc
            if self.error is not None:
                raise self.error
            return self._exporter

    def write(self, *args, **kw):
        return self.start().write(*args, **kw)

    def image(self, *args, **kw):
        return self.start().image(*args, **kw)

    def write_many(self, *args, **kw):
        return self.start().write_many(*args, **kw)

    def images(self, *args, **kw):
        return self.start().images(*args, **kw)

    def close(self) -> None:
        with self._lock:
            if self._exporter is not None:
                self._exporter.close()
                self._exporter = None


class _Lane:
    """One thread and its queue: the reports handed to it, done one after the other."""

    def __init__(self, name: str, work: Callable[[dict], None]):
        self._work, self._queue = work, queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"traffickstats-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, entry: dict) -> None:
        self._queue.put(entry)

    def finish(self) -> None:
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join()

    def stop(self, timeout: float) -> None:
        self._stop.set()
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is None or self._stop.is_set():
                return
            self._work(entry)


#: The order of a report's files in its manifest entry, whichever lane wrote them first.
def _rank(output: str) -> int:
    path = Path(output)
    if path.suffix == ".html" and "charts" not in path.parts:
        return 0
    return (1 if "charts" in path.parts else 2 if path.suffix == ".pdf" else 3 if "images" in path.parts
            else 4 if "thumbs" in path.parts else 5)


class ExportPass:
    """Two threads that export each report handed to :meth:`put` while the pack goes on: one
    for the pictures (slides, thumbnail, deck) through one kaleido server, one for the print
    PDF through one Chromium (``printpdf.Printer``), so a slow deck does not hold a PDF back.

    ``lock`` guards the manifest entries (the pack saves its manifest under it);
    ``on_done(entry)`` is called (under no lock) after each lane added its files to an entry.
    """

    def __init__(self, out: Path, formats, *, lock: threading.Lock, on_done: Callable[[dict], None]):
        self.out, self.formats = Path(out), list(formats)
        self.problems: list[str] = []
        self._lock, self._on_done = lock, on_done
        self._lanes: list[_Lane] = []
        self._started = False
        if wanted(self.formats):
            self._lanes.append(_Lane("pictures", self._pictures))
        if "pdf" in self.formats:
            self._lanes.append(_Lane("print", self._pdf))
        self._cache = ExportCache(self.out)
        self._browser = _Browser()
        self._printer = None

    @property
    def lanes(self) -> int:
        """How many export jobs one report makes (0: nothing to export, HTML only)."""
        return len(self._lanes)

    def needs(self, entry: dict) -> bool:
        return bool(self._lanes and entry.get("status") == "ok" and entry.get("executed")
                    and not entry.get("up_to_date"))

    def start(self) -> "ExportPass":
        """Start the lanes; a new pack folder starts its kaleido server ahead of the first report."""
        self._started = True
        for lane in self._lanes:
            lane.start()
        if wanted(self.formats) and not len(self._cache):
            threading.Thread(target=self._warm_up, name="traffickstats-export-start", daemon=True).start()
        return self

    def _warm_up(self) -> None:
        with contextlib.suppress(TraffickstatsError):
            self._browser.start()

    def put(self, entry: dict) -> int:
        """Queue a finished report; the number of export jobs it makes (0: failed, HTML only)."""
        if not self.needs(entry):
            return 0
        for lane in self._lanes:
            lane.put(entry)
        return len(self._lanes)

    def finish(self) -> list[str]:
        """Wait until every queued report is exported; the pack-wide problems."""
        try:
            for lane in self._lanes:
                lane.finish()
        finally:
            self._close()
        return self.problems

    def stop(self, timeout: float = 30) -> None:
        """Abandon the reports not exported yet (Ctrl-C); the ones in hand finish their file."""
        for lane in self._lanes:
            lane.stop(timeout)
        self._close()

    def _close(self) -> None:
        self._browser.close()
        if self._printer is not None:
            self._printer.close()
            self._printer = None

    # -- the lanes' work -----------------------------------------------------------------
    def _add(self, entry: dict, outputs: list[str], warnings: list[str], **fields) -> None:
        with self._lock:
            entry["exports_pending"] = (entry.get("exports_pending") or 1) - 1 or None
            entry["outputs"] = sorted([*entry["outputs"], *outputs], key=_rank)
            entry["warnings"] = [*entry["warnings"], *warnings]
            entry.update(fields)
            self.problems += [w for w in warnings if w not in self.problems]
        self._on_done(entry)

    def _pictures(self, entry: dict) -> None:
        import nbformat

        cache, before, t0 = self._cache, (self._cache.rendered, self._cache.reused), time.perf_counter()
        if self._browser.error is not None:
            got = {"outputs": [], "thumbnail": None, "warnings": [self._skipped(self._browser.error)]}
        else:
            try:
                nb = nbformat.read(self.out / entry["executed"], as_version=4)
                got = media(entry, nb, self.out, self.formats, self._browser, cache)
            except Exception as exc:  # noqa: BLE001 - never a lost page
                got = {"outputs": [], "thumbnail": None,
                       "warnings": [f"export failed for {entry['output']}: {type(exc).__name__}: {exc}"]}
            if self._browser.error is not None:  # no Chromium: one line, not one per file
                got["warnings"] = [self._skipped(self._browser.error)]
        try:
            cache.save()
        except TraffickstatsError:
            pass  # a full disk: the pictures stand, the next run makes them again
        extra = {"thumbnail": got["thumbnail"]} if got["thumbnail"] else {}
        self._add(entry, got["outputs"], got["warnings"], **extra, exports={
            "rendered": cache.rendered - before[0], "reused": cache.reused - before[1],
            "seconds": round(time.perf_counter() - t0, 3), "finished": _now()})

    def _pdf(self, entry: dict) -> None:
        import nbformat

        from . import dossier
        from .printpdf import Printer

        pdf = (self.out / entry["output"]).with_suffix(".pdf")
        t0 = time.perf_counter()
        try:
            if self._printer is None:
                self._printer = Printer()
            nb = nbformat.read(self.out / entry["executed"], as_version=4)
            dossier.write_pdf(nb, pdf, _page_info(entry), printer=self._printer)
        except (TraffickstatsError, OSError) as exc:  # a warning, the HTML stands
            self._add(entry, [], [f"pdf: {exc}"])
            return
        self._add(entry, [pdf.relative_to(self.out).as_posix()], [],
                  printed={"seconds": round(time.perf_counter() - t0, 3), "finished": _now()})

    def _skipped(self, exc: Exception) -> str:
        kinds = [f for f in self.formats if f in IMAGE_FORMATS] + (["pptx"] if "pptx" in self.formats else [])
        return f"{'/'.join(kinds)} export skipped: {exc}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _page_info(entry: dict):
    """The print page's self-description, as the worker's render gave it (``page`` of its
    result, kept in the entry as ``_page``: not written to the manifest)."""
    from .html import PageInfo

    page = dict(entry.get("_page") or {})
    if page.get("rendered"):
        page["rendered"] = datetime.fromisoformat(page["rendered"])
    return PageInfo(**{k: v for k, v in page.items() if k in PageInfo.__dataclass_fields__})
