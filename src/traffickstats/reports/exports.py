"""The pack's export pass: slides, thumbnails, decks and PDFs made while the reports still render.

A pack renders its reports in worker processes. Each worker also does the export's Python
work for its report (:func:`prepare`: the charts laid out for slides, thumbnail and deck, and
the print page), so that work runs side by side in the workers instead of taking turns under
the pack process's one interpreter lock. Each finished report is then handed to the export
lanes of the pack's process (:class:`ExportPass`):

- two picture threads, through ONE long-lived kaleido server (``charts.export.Exporter``),
  write the slide of every chart (``<lang>/images/<report>/<chart>.png``, ``-slide2x.png``,
  ``.svg``), the index's thumbnail (``<lang>/thumbs/<report>.png``) and the PowerPoint deck
  (``<lang>/<report>.pptx``, :mod:`.deck`); one thread's browser calls alternate with the
  other's Python work (scaling slides down, writing the deck);
- one print thread prints the A4 PDF through ONE long-lived Chromium (``printpdf.Printer``).

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
#: Reports whose pictures are made at once: while one waits for the browser, the other lays
#: its charts out again and scales its slides down (Python work that held the single
#: export thread between two pictures; the browser's calls still take turns).
PICTURE_THREADS = 2


class ExportCache:
    """``{file relative to the pack: key}`` of the pictures and decks written, read and saved
    in the pack folder; counts the files it let be reused and the files recorded. Shared by
    the picture threads (a lock guards it); :meth:`counting` gives one report its own counts."""

    def __init__(self, out: Path):
        self.out = Path(out)
        try:
            data = json.loads((self.out / CACHE).read_text(encoding="utf-8"))
            self._keys = {str(k): str(v) for k, v in data.get("files", {}).items()}
        except (OSError, ValueError, AttributeError):
            self._keys = {}
        self.reused = self.rendered = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys)

    def _rel(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.out).as_posix()

    def fresh(self, path: Path, key: str) -> bool:
        """True when ``path`` exists and was written from the same key: keep it."""
        with self._lock:
            ok = self._keys.get(self._rel(path)) == key
        ok = ok and Path(path).is_file()
        with self._lock:
            self.reused += ok
        return ok

    def record(self, path: Path, key: str) -> None:
        with self._lock:
            self._keys[self._rel(path)] = key
            self.rendered += 1

    def counting(self) -> "_Counted":
        """This cache, counting apart the files one report reuses and renders."""
        return _Counted(self)

    def save(self) -> None:
        """Write the cache (atomically), forgetting files that are gone."""
        with self._lock:
            keys = sorted(self._keys.items())
            keep = {k: v for k, v in keys if (self.out / k).is_file()}
            atomic.write_text(self.out / CACHE, json.dumps({"files": keep}, indent=1))


class _Counted:
    """One report's view of the shared :class:`ExportCache`: its own ``reused`` / ``rendered``."""

    def __init__(self, cache: ExportCache):
        self._cache, self.reused, self.rendered = cache, 0, 0

    def fresh(self, path: Path, key: str) -> bool:
        ok = self._cache.fresh(path, key)
        self.reused += ok
        return ok

    def record(self, path: Path, key: str) -> None:
        self._cache.record(path, key)
        self.rendered += 1


def wanted(formats) -> bool:
    """Whether these pack formats ask the export pass for anything."""
    return any(f in formats for f in (*IMAGE_FORMATS, "pptx"))


def prepare(nb, formats, info, assets: Path | None = None) -> dict:
    """What the export pass needs of a report that only Python computes, made where the
    report was rendered (a pack's worker process) rather than in the pack's one process,
    where this work took turns with everything else under one interpreter lock: its charts
    laid out for slides (which the deck shows too) and the thumbnail (``charts.restyle``), and its print page
    (:func:`.dossier.page`; scripts from the pack's ``assets`` folder, else inlined).

    Plain dicts and a string, for any executor to ship back; :func:`media` and the print lane
    take them (``prepared``) and fall back to computing them when one is missing.
    """
    from ..charts.restyle import SLIDE, THUMB, restyled_json
    from . import dossier

    figs = figures.extract(nb)
    got: dict = {}
    if figs and any(f in formats for f in (*IMAGE_FORMATS, "pptx")):  # a deck shows the slides
        got["slides"] = [(name, restyled_json(fig, SLIDE)) for name, fig in figs]  # for_slide
    if figs and "png" in formats:
        got["thumbnail"] = restyled_json(figs[0][1], THUMB, footnote=False)  # for_thumbnail
    if "pdf" in formats:
        got["print_figures"] = []
        got["print_page"] = dossier.page(nb, info, assets, pictures=got["print_figures"])
    return got


def media(entry: dict, nb, out: Path, formats, exporter, cache: ExportCache | None = None,
          prepared: dict | None = None) -> dict:
    """One report's slides, thumbnail and deck; returns ``{"outputs", "warnings", "thumbnail"}``
    to add to its manifest entry (each failure is a warning, never an exception).
    ``prepared``: its charts laid out already (:func:`prepare`)."""
    from ..charts.export import output_name
    from . import deck

    html_path = out / next(o for o in entry["outputs"] if o.endswith(".html"))
    got = {"outputs": [], "warnings": [], "thumbnail": None}
    prepared = prepared or {}

    def failed(what: str, exc: Exception) -> None:
        got["warnings"].append(f"{what} export failed for {html_path.name}: {type(exc).__name__}: {exc}")

    figs = figures.extract(nb)
    slides = prepared.get("slides")
    if slides is not None and [name for name, _ in slides] != [name for name, _ in figs]:
        slides = None  # not this notebook's charts: lay them out here
    image_formats = [f for f in formats if f in IMAGE_FORMATS]
    slide_pngs: dict[str, Path] = {}  # chart name -> its 1920x1080 slide, written or kept
    if image_formats and figs:
        folder = html_path.parent / "images" / html_path.stem
        try:
            written = figures.export(dict(slides or figs), folder, image_formats, exporter=exporter, cache=cache,
                                     laid_out=slides is not None)
        except Exception as exc:  # noqa: BLE001 - images are optional; the HTML stands
            failed("/".join(image_formats), exc)
        else:
            keep = {Path(p).name for p in written}
            if "png" in image_formats:
                for name, _fig in figs:
                    png = folder / f"{output_name(name)}.png"
                    if png.name in keep:
                        slide_pngs[name] = png
            for stale in folder.iterdir():  # charts the report no longer draws
                if stale.is_file() and stale.name not in keep:
                    stale.unlink()
            got["outputs"] += [Path(p).relative_to(out).as_posix() for p in written]
    if "png" in formats and figs:
        try:
            thumb_fig = prepared.get("thumbnail")
            thumb = figures.thumbnail(thumb_fig or figs[0][1], html_path.parent / "thumbs" / f"{html_path.stem}.png",
                                      exporter=exporter, cache=cache, laid_out=thumb_fig is not None)
            got["thumbnail"] = thumb.relative_to(out).as_posix()
            got["outputs"].append(got["thumbnail"])
        except Exception as exc:  # noqa: BLE001
            failed("thumbnail", exc)
    if "pptx" in formats:
        try:
            shown = [slide_pngs.get(name) for name, _fig in figs]
            path = deck.build(nb, html_path.with_suffix(".pptx"), title=entry.get("title"), exporter=exporter,
                              cache=cache, figures=[fig for _name, fig in slides] if slides is not None else None,
                              slide_pictures=shown if shown and all(shown) else None)
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

    @property
    def bundles(self) -> bool:
        return self.start().bundles

    def pictures(self, *args, **kw):
        return self.start().pictures(*args, **kw)

    def close(self) -> None:
        with self._lock:
            if self._exporter is not None:
                self._exporter.close()
                self._exporter = None


class _Lane:
    """``threads`` threads and their queue: the reports handed to it, each done by one thread."""

    def __init__(self, name: str, work: Callable[[dict], None], threads: int = 1):
        self._work, self._queue = work, queue.Queue()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, name=f"traffickstats-{name}-{i}", daemon=True)
                         for i in range(max(1, threads))]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def put(self, entry: dict) -> None:
        self._queue.put(entry)

    def _end(self, timeout: float | None) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def finish(self) -> None:
        self._end(None)

    def stop(self, timeout: float) -> None:
        self._stop.set()
        self._end(timeout)

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
            self._lanes.append(_Lane("pictures", self._pictures, PICTURE_THREADS))
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
            if entry["exports_pending"] is None:
                entry.pop("_prepared", None)  # every lane has used it
            entry["outputs"] = sorted([*entry["outputs"], *outputs], key=_rank)
            entry["warnings"] = [*entry["warnings"], *warnings]
            entry.update(fields)
            self.problems += [w for w in warnings if w not in self.problems]
        self._on_done(entry)

    def _pictures(self, entry: dict) -> None:
        import nbformat

        cache, t0 = self._cache.counting(), time.perf_counter()
        if self._browser.error is not None:
            got = {"outputs": [], "thumbnail": None, "warnings": [self._skipped(self._browser.error)]}
        else:
            try:
                nb = nbformat.read(self.out / entry["executed"], as_version=4)
                prepared = entry.get("_prepared") or {}
                got = media(entry, nb, self.out, self.formats, self._browser, cache,
                            {k: prepared.get(k) for k in ("slides", "thumbnail")})
            except Exception as exc:  # noqa: BLE001 - never a lost page
                got = {"outputs": [], "thumbnail": None,
                       "warnings": [f"export failed for {entry['output']}: {type(exc).__name__}: {exc}"]}
            if self._browser.error is not None:  # no Chromium: one line, not one per file
                got["warnings"] = [self._skipped(self._browser.error)]
        try:
            self._cache.save()
        except TraffickstatsError:
            pass  # a full disk: the pictures stand, the next run makes them again
        extra = {"thumbnail": got["thumbnail"]} if got["thumbnail"] else {}
        self._add(entry, got["outputs"], got["warnings"], **extra, exports={
            "rendered": cache.rendered, "reused": cache.reused,
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
            prepared = entry.get("_prepared") or {}
            source = prepared.get("print_page")
            if source and prepared.get("print_figures"):
                source = self._pictures_in(source, prepared["print_figures"])
            nb = None if source else nbformat.read(self.out / entry["executed"], as_version=4)
            dossier.write_pdf(nb, pdf, _page_info(entry), printer=self._printer, source=source)
        except (TraffickstatsError, OSError) as exc:  # a warning, the HTML stands
            self._add(entry, [], [f"pdf: {exc}"])
            return
        self._add(entry, [pdf.relative_to(self.out).as_posix()], [],
                  printed={"seconds": round(time.perf_counter() - t0, 3), "finished": _now()})

    def _pictures_in(self, source: str, figures_: list[dict]) -> str | None:
        """The print page with its charts drawn by the export server; None (the page is then
        made again with plotly.js drawing them) when there is no server or a chart fails."""
        from . import dossier

        try:
            return dossier.with_pictures(source, figures_, self._browser)
        except TraffickstatsError:
            return None

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
