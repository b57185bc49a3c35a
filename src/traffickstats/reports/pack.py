"""A pack: every report of a plan, per language, rendered in parallel, failure-isolated.

The plan is data (:mod:`.plan`; by default the conference plan shipped beside the notebooks:
24 reports, fr + en). Reports are written as ``<out>/<lang>/<name>.html`` beside ONE shared
copy of plotly.js in ``<out>/assets/``, with ``index.html`` and ``manifest.json``. This
module knows no briefing content: titles come from the rendered pages themselves.

Robustness:

- every report's parameters are checked (and resolved: "Maroc" -> "MAR") before any kernel
  starts; a bad plan fails as a whole, with one message naming the report and parameter;
- each report runs in its own worker process (and its kernel in its own process, forked
  fresh from the pack's warm fork server, see ``kernel``); one failure is recorded (manifest,
  index, ``<name>.failed.ipynb``) and the others go on; workers, the fork server and its
  kernels end with the pack, even when it is killed;
- every file is written under a temporary name and renamed (``atomic``), and the manifest
  is rewritten after each report, so an interrupted run loses only the reports in flight;
- a report whose inputs (notebook source, dataset files, bundled data), parameters,
  formats and package version are unchanged, and whose outputs exist, is skipped.

Exports: slides, thumbnails, decks and print PDFs are made in the pack's own process by
:mod:`.exports` (one kaleido server, one Chromium for print), each report as soon as it is
rendered, while the workers render the others; unchanged pictures are kept.

Parallelism: any ``concurrent.futures.Executor`` works. The default is a process pool of
``jobs`` workers whose initializer imports papermill/nbconvert once per worker. To render
across machines, pass a dask executor (the output folder must be on a shared filesystem
and traffickstats installed on every worker)::

    from distributed import Client
    with Client("tcp://scheduler:8786") as client:
        render_pack("reports", executor=client.get_executor())
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..checksum import sha256_file
from ..errors import OutputError, ParameterError, TraffickstatsError
from ..paths import data_dir
from .. import atomic
from . import assets, index
from .plan import Plan, ReportSpec, expand, read_plan

FORMATS = ("html", "png", "svg", "pdf", "pptx")
#: What ``traffickstats pack`` writes by default: pages, slide pictures, print PDFs, decks.
DEFAULT_FORMATS = ("html", "png", "pdf", "pptx")
#: Dataset parameters the pack passes to every notebook that declares them (names: the reviewed
#: names file the datasets are loaded with; hashed with them, so a changed file re-renders).
DATASETS = ("glotip", "ctdc", "gsi", "names")
MANIFEST = "manifest.json"


@dataclass
class PackResult:
    out: Path
    reports: list[dict]
    manifest: Path
    index: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.reports if r["status"] != "ok"]

    @property
    def ok(self) -> bool:
        return not self.failed


# --- plan ---------------------------------------------------------------------------------

def parse_countries(value: str | None) -> tuple[str, ...] | None:
    """``all`` (None: the plan's own list) or a comma list of ISO3 codes."""
    if not value or value.strip().lower() == "all":
        return None
    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    bad = [c for c in codes if len(c) != 3 or not c.isalpha()]
    if not bad:
        from ..geo import to_iso3

        # unknown codes raise UnknownGeographyError listing them with suggestions
        bad = [c for c, k in zip(codes, to_iso3(list(codes))) if k != c]
    if bad:
        from ..errors import UnknownGeographyError

        raise UnknownGeographyError(f"--countries expects ISO3 codes or 'all', got: {', '.join(bad)}", unknown=bad)
    return codes


class _Declarations:
    """Each notebook's declared parameters, read once (converting and inspecting costs ~0.2 s)."""

    def __init__(self, kernel: str):
        self.kernel, self._cache = kernel, {}

    def __call__(self, notebook: str):
        from . import parameters
        from .runner import load_notebook, resolve_notebook

        src = resolve_notebook(notebook)
        if src not in self._cache:
            import nbformat

            with tempfile.TemporaryDirectory(prefix="ts-plan-") as work:
                ipynb = Path(work) / f"{src.stem}.ipynb"
                nbformat.write(load_notebook(src), ipynb)
                self._cache[src] = (parameters.declared_parameters(ipynb), ipynb.name)
        return self._cache[src][0]

    def names(self, notebook: str) -> set[str]:
        return set(self(notebook))


def plan_reports(plan: Plan | str | Path | None = None, *, langs=None, countries=None,
                 datasets: dict | None = None, kernel: str = "python3") -> list[ReportSpec]:
    """The reports of a plan with their parameters checked and resolved, before anything runs.

    Raises ParameterError naming the report and the parameter at fault.
    """
    from ..i18n import LANGS
    from . import parameters
    from .runner import resolve_notebook

    plan = plan if isinstance(plan, Plan) else read_plan(plan)
    langs = tuple(langs) if langs else None
    bad = [lang for lang in (langs or plan.languages) if lang not in LANGS]
    if bad:  # a language is also a folder name: never let "../x" through
        raise ParameterError(f"--lang: unknown language(s) {', '.join(map(repr, bad))}; "
                             f"available: {', '.join(LANGS)}")
    declared = _Declarations(kernel)
    specs = expand(plan, langs=langs, each={"country": list(countries)} if countries else None,
                   shared={k: str(v) for k, v in (datasets or {}).items() if v}, declares=declared.names)
    out = []
    for spec in specs:
        decl = declared(spec.notebook)
        resolved = parameters.check(spec.parameters, decl, f"{resolve_notebook(spec.notebook).name} ({spec.output})")
        out.append(ReportSpec(spec.notebook, resolved, spec.output, spec.title))
    return out


def _checked(specs: list[ReportSpec], kernel: str) -> list[ReportSpec]:
    """Explicit report specs, their parameters checked and resolved like a plan's."""
    from . import parameters
    from .runner import resolve_notebook

    declared = _Declarations(kernel)
    return [ReportSpec(s.notebook, parameters.check(s.parameters, declared(s.notebook),
                                                    f"{resolve_notebook(s.notebook).name} ({s.output})"),
                       s.output, s.title) for s in specs]


def _refuse_bootstrapping() -> None:
    """A script that calls render_pack at its top level, without ``if __name__ ==
    "__main__":``, is run again by every worker process as it starts (the "spawn" start
    method imports the main script), which would start a pack inside each worker."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise TraffickstatsError(_MAIN_GUARD)


_MAIN_GUARD = ("render_pack was started while a worker process was starting: the script that calls it "
               "runs again in every worker. Put the call under `if __name__ == \"__main__\":` (see the "
               "README, 'Rendering from a script').")


def parse_formats(value: str | None) -> tuple[str, ...]:
    fmts = tuple(f.strip().lower() for f in (value or "html").split(",") if f.strip())
    bad = [f for f in fmts if f not in FORMATS]
    if bad:
        raise TraffickstatsError(f"--formats: unknown {', '.join(bad)} (choose from {', '.join(FORMATS)})")
    return ("html",) + tuple(f for f in fmts if f != "html")  # HTML is what the others derive from


# --- inputs and up-to-date check --------------------------------------------------------


def sha256_folder(folder: Path) -> str:
    """One hash over every file's relative path and content (sorted): the bundled data."""
    h = hashlib.sha256()
    folder = Path(folder)
    if folder.is_dir():
        for p in sorted(q for q in folder.rglob("*") if q.is_file() and "__pycache__" not in q.parts):
            h.update(p.relative_to(folder).as_posix().encode() + b"\0")
            h.update(sha256_file(p).encode())
    return h.hexdigest()


def _inputs(spec: ReportSpec, notebook_hashes: dict, dataset_hashes: dict, bundled: str) -> dict:
    return {
        "notebook": notebook_hashes[spec.notebook],
        "datasets": {k: dataset_hashes[v] for k, v in spec.parameters.items() if k in DATASETS and v},
        "bundled_data": bundled,
    }


def _key(spec: ReportSpec, inputs: dict, formats, self_contained: bool) -> str:
    blob = json.dumps({"inputs": inputs, "parameters": spec.parameters, "formats": list(formats),
                       "self_contained": self_contained, "version": __version__}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _up_to_date(prev: dict | None, key: str, out: Path) -> bool:
    return bool(prev and prev.get("status") == "ok" and prev.get("key") == key and prev.get("outputs")
                and not prev.get("exports_pending")
                and all((out / o).is_file() for o in prev["outputs"]))


# --- one report (runs in a worker process) ----------------------------------------------

def _warm_worker(fork_server: tuple | None = None) -> None:
    """Process-pool initializer: die with the pack, fork kernels from the pack's fork server,
    and pay papermill/nbconvert/jupytext imports once per worker."""
    from .kernel import die_with_parent, use_server

    die_with_parent()
    # Ctrl-C is the pack's to handle: a worker would print a traceback and lose its report's
    # temporary files. It was blocked while the pack started this process (see _sigint_held)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if fork_server:
        use_server(*fork_server)
    os.environ.setdefault("TRAFFICKSTATS_NO_PROGRESS", "1")
    import jupytext  # noqa: F401
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


def render_task(task: dict) -> dict:
    """Render one report (its page and its charts' embed pages); return its manifest entry
    (paths relative to the pack) and, as ``page``, what its print PDF says about it. Slides,
    decks and PDFs are made in the pack's process (:mod:`.exports`), as reports finish.

    A top-level function taking and returning plain dicts, so any executor (process pool,
    dask) can ship it. Never raises for a report's own failure.
    """
    from . import exports, runner

    out = Path(task["out"])
    html_path = out / task["output"]
    warnings: list[str] = []
    embeds = None if task["self_contained"] else f"charts/{html_path.stem}"
    try:
        res = runner.render(
            task["notebook"], task["parameters"], html_path,
            self_contained=task["self_contained"], assets_dir=out / "assets",
            kernel=task["kernel"], title=task["title"], embeds=embeds,
        )
    except (TraffickstatsError, OSError) as exc:  # bad parameters, a folder that cannot be written
        error = str(exc) if isinstance(exc, TraffickstatsError) else str(OutputError.from_os(exc, html_path))
        return {"status": "failed", "error": error, "outputs": [], "seconds": 0.0, "run_id": None,
                "executed": None, "warnings": warnings, "figures": []}
    outputs = [p.relative_to(out).as_posix() for p in res.outputs]
    figs, summary = [], None
    if res.ok and res.executed:
        import nbformat

        from . import outline

        nb = nbformat.read(res.executed, as_version=4)
        report = outline.read(nb)
        figs, summary = [name for name, _ in report.charts], report.summary
        if embeds is not None:
            outputs += _embed_pages(nb, html_path.parent / embeds, out)
    info = runner.page_info(res)  # for the print PDF, made by the pack's export pass (.exports)
    page = {**dataclasses.asdict(info), "rendered": info.rendered.isoformat()}
    prepared = None
    if res.ok and res.executed and (exports.wanted(task["formats"]) or "pdf" in task["formats"]):
        try:  # the export pass's Python work, done here: workers run side by side
            prepared = exports.prepare(nb, task["formats"], info, None if task["self_contained"] else out / "assets")
        except Exception:  # noqa: BLE001 - the export pass then does it itself (and reports any error)
            prepared = None
    return {
        "status": res.status, "error": res.error, "outputs": outputs, "seconds": res.seconds,
        "run_id": res.run_id, "title": res.title or task["title"], "summary": summary,
        "executed": res.executed.relative_to(out).as_posix() if res.executed else None,
        "warnings": warnings, "figures": figs, "notebook_path": str(res.notebook), "page": page,
        "prepared": prepared,
    }


def _embed_pages(nb, folder: Path, out: Path) -> list[str]:
    """Each chart's own page (:mod:`.embed`), beside the report."""
    from . import embed

    return [p.relative_to(out).as_posix() for p in embed.write_pages(nb, folder, out / "assets")]


# --- output paths ---------------------------------------------------------------------------

def _check_output(out: Path, output: str) -> None:
    """A report's output path must be relative and stay inside the pack folder."""
    text = str(output)
    if (not text or "\x00" in text or "\\" in text or Path(text).is_absolute()
            or not (out / text).resolve().is_relative_to(out) or (out / text).resolve() == out):
        raise ParameterError(f"report output {text!r} must be a relative path inside {out}")


# --- progress ---------------------------------------------------------------------------

class _Progress:
    """A rich progress bar on stderr: reports rendered, then a second line for the reports
    exported (slides, thumbnails, decks) as they are handed to the export pass; done/total,
    last report, elapsed. Off when not a TTY. Safe to call from the export thread."""

    def __init__(self, total: int, enabled: bool | None = None, *, exports: bool = False):
        if enabled is None:
            enabled = sys.stderr.isatty() and os.environ.get("TRAFFICKSTATS_NO_PROGRESS") != "1"
        self._bar = self._exports = None
        if enabled and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("[bold]{task.fields[what]:<6}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.description}"),
                                 console=Console(stderr=True), transient=False)
            self._task = self._bar.add_task("", total=total, what="pack")
            if exports:
                self._exports = self._bar.add_task("", total=0, what="export")
            self._bar.start()

    def advance(self, label: str, ok: bool = True) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=("" if ok else "[red]FAILED ") + label)

    def queued(self) -> None:
        """One more report for the export line."""
        if self._bar is not None and self._exports is not None:
            self._bar.update(self._exports, total=self._bar.tasks[self._exports].total + 1)

    def exported(self, label: str, ok: bool = True) -> None:
        if self._bar is not None and self._exports is not None:
            self._bar.update(self._exports, advance=1, description=("" if ok else "[yellow]warnings ") + label)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


# --- the pack -----------------------------------------------------------------------------

def default_jobs(formats, cores: int | None = None) -> int:
    """Worker processes when ``jobs`` is not given: one per core, and one more for a pack of
    HTML only. A worker waits while its kernel runs the notebook, and the kernel waits while
    its worker writes the page, so one worker per core left the cores idle about a quarter of
    the time (36.8 CPU-s in 24.6 s on 2 cores, the 24-report pack); a third worker fills those
    gaps (median 21.9 s against 22.7 s, five alternated runs each, 2026-11-30). A pack that
    exports (png, svg, pdf, pptx) fills them with its export pass, and a third worker there
    only added contention (58.9 s against 57.1 s)."""
    from .exports import wanted

    cores = cores or os.cpu_count() or 1
    return cores if wanted(formats) or "pdf" in formats else cores + 1


def render_pack(
    out: Path | str = "reports",
    *,
    plan: Plan | str | Path | None = None,
    reports: list[ReportSpec] | None = None,
    langs=None,
    countries=None,
    datasets: dict[str, str] | None = None,
    formats=DEFAULT_FORMATS,
    jobs: int | None = None,
    self_contained: bool = False,
    force: bool = False,
    executor: cf.Executor | None = None,
    kernel: str = "python3",
    progress: bool | None = None,
) -> PackResult:
    """Render every report of a plan into ``out``; return entries and the written paths.

    - ``plan``: a :class:`~.plan.Plan` or a plan file (default: the shipped conference plan);
      ``langs`` replaces its languages, ``countries`` the values of its ``country`` lists;
      ``reports``: explicit specs instead of a plan (checked the same way)
    - ``datasets``: ``{"glotip": path, "ctdc": path, "gsi": path}`` passed to every notebook
      that declares the parameter
    - ``formats``: html always (with each chart's own page to embed); png/svg: the slides
      (``charts.restyle``) and the index's thumbnails, via ``charts.export``; pdf: the print
      dossier via Chromium; pptx: a deck per report (:mod:`.deck`); all made by the export
      pass (:mod:`.exports`) as reports finish. A missing module or browser is a warning in
      the manifest, never a lost HTML report.
    - ``executor``: any ``concurrent.futures.Executor`` (e.g. ``client.get_executor()`` of a
      dask ``distributed.Client``); default a process pool of ``jobs`` (:func:`default_jobs`).
    """
    _refuse_bootstrapping()
    t0 = time.perf_counter()
    out = Path(out).resolve()
    datasets = {k: str(Path(v).resolve()) for k, v in (datasets or {}).items() if v}
    for name, path in datasets.items():
        if not Path(path).is_file():
            from ..errors import DataFileError

            raise DataFileError(path, f"--{name}: no such file")
    formats = parse_formats(",".join(formats)) if not isinstance(formats, str) else parse_formats(formats)
    if jobs is not None and jobs < 1:
        raise ParameterError(f"--jobs must be 1 or more, got {jobs}")
    earlier = _read_manifest(out)
    early = None  # the fork server, started while the plan is checked (see below)
    try:
        if reports is not None:
            checked_plan = None
            specs = _checked(list(reports), kernel)
        else:
            plan = plan if isinstance(plan, Plan) else read_plan(plan)
            known = None if force else earlier.get("plan")
            key = _plan_key(plan, langs, countries, datasets, kernel)
            if executor is None and not (known and known.get("key") == key) and _may_write(out):
                # a plan to check (about 0.8 s) means reports to render: the fork server imports
                # the kernels' modules meanwhile. It starts no kernel; it is closed on any error.
                early = _start_server(kernel, {entry.notebook for entry in plan.reports})
            checked_plan = _checked_plan(plan, langs, countries, datasets, kernel, known, key=key)
            specs = [ReportSpec(**r) for r in checked_plan["reports"]]
        atomic.check_folder(out)  # a file in the way, read-only, no permission: one line, nothing run
        for spec in specs:
            _check_output(out, spec.output)
        jobs = jobs or default_jobs(formats)
        if not self_contained:
            assets.install(out / "assets")  # once, before workers start: no copy races

        from .runner import resolve_notebook

        notebook_hashes = {s.notebook: sha256_file(resolve_notebook(s.notebook)) for s in specs}
        dataset_hashes = {p: sha256_file(Path(p)) for s in specs for k, p in s.parameters.items() if k in DATASETS and p}
        bundled = sha256_folder(data_dir())
        checked = _check_datasets(specs, dataset_hashes, earlier.get("datasets") or {})
    except BaseException:
        if early is not None:
            early.close()
        raise
    previous = {e.get("output"): e for e in earlier.get("reports", [])}
    created = datetime.now(timezone.utc)

    entries: dict[str, dict] = {}
    tasks = []
    for spec in specs:
        inputs = _inputs(spec, notebook_hashes, dataset_hashes, bundled)
        key = _key(spec, inputs, formats, self_contained)
        base = {"name": Path(spec.output).stem, "output": spec.output, "notebook": str(resolve_notebook(spec.notebook)),
                "parameters": spec.parameters, "lang": spec.lang, "title": spec.title, "inputs": inputs,
                "key": key, "package_version": __version__, "formats": list(formats)}
        prev = previous.get(spec.output)
        if not force and _up_to_date(prev, key, out):
            entries[spec.output] = {**prev, **base, "up_to_date": True}
            continue
        entries[spec.output] = {**base, "status": "pending"}
        tasks.append({"out": str(out), "output": spec.output, "notebook": spec.notebook,
                      "parameters": spec.parameters, "title": spec.title, "formats": list(formats),
                      "self_contained": self_contained, "kernel": kernel})
    # reports of earlier runs that this run does not cover stay listed while their files exist
    kept = {o: e for o, e in previous.items() if o and o not in entries and _up_to_date(e, e.get("key"), out)}
    state = {"interrupted": False, "unsaved": None}

    def manifest(pack_warnings=()) -> dict:
        listed = []
        for output, e in entries.items():
            if e.get("status") != "pending":
                listed.append({k: v for k, v in e.items()
                               if not k.startswith("_") and not (k == "exports_pending" and not v)})
            elif _up_to_date(previous.get(output), (previous.get(output) or {}).get("key"), out):
                listed.append(previous[output])  # not rendered again (yet): its earlier files stand
            elif state["interrupted"]:
                listed.append({**e, "status": "interrupted", "error": "the pack was interrupted before this "
                               "report was rendered", "outputs": [], "warnings": [], "figures": []})
        return {"created": created.isoformat(timespec="seconds"), "package_version": __version__,
                **({"plan": checked_plan} if checked_plan else {}), "datasets": checked, "jobs": jobs, "seconds": round(time.perf_counter() - t0, 3), "warnings": list(pack_warnings),
                **({"interrupted": True} if state["interrupted"] else {}),
                "reports": [*listed, *kept.values()]}

    lock = threading.Lock()  # the entries: the export thread adds its files to them

    def save_progress() -> None:
        """The manifest after each report and each report's exports: best effort (a full disk
        fails the reports, which say so; the final manifest is written once their temporary
        files are gone)."""
        with lock:
            text = json.dumps(manifest(), indent=2, ensure_ascii=False)
            try:
                atomic.write_text(out / MANIFEST, text)
            except OutputError as exc:
                state["unsaved"] = str(exc)

    from .exports import ExportPass, wanted

    bar = _Progress(len(tasks), progress, exports=wanted(formats) or "pdf" in formats)

    def exported(entry: dict) -> None:
        bar.exported(entry["output"], not entry["warnings"])
        save_progress()

    # slides, thumbnails and decks: one thread in this process, fed as each report finishes
    exports = ExportPass(out, formats, lock=lock, on_done=exported)
    own_pool = server = None
    pool_pids: set[int] = set()
    pack_warnings: list[str] = []
    try:
        if early is not None and not (tasks and executor is None):
            early.close()  # nothing to render after all
        elif tasks and executor is None:  # one warm fork server for every worker's kernels
            server = early or _start_server(kernel, {t["notebook"] for t in tasks})
            own_pool = cf.ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_warm_worker,
                                              initargs=((server.address, server.prefix) if server else None,),
                                              mp_context=multiprocessing.get_context("spawn"))
        pool = executor or own_pool
        if tasks and exports.lanes:
            exports.start()
        broken = 0
        with _sigint_held():  # workers start with Ctrl-C blocked, then ignore it (_warm_worker)
            futures = {pool.submit(render_task, t): t["output"] for t in tasks}
            pool_pids = set(getattr(own_pool, "_processes", None) or ())
        for fut in cf.as_completed(futures):
            output = futures[fut]
            try:
                done = fut.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails one report, not the pack
                broken += isinstance(exc, cf.process.BrokenProcessPool)
                done = {"status": "failed", "error": f"worker crashed: {type(exc).__name__}: {exc}",
                        "outputs": [], "seconds": 0.0, "run_id": None, "executed": None,
                        "warnings": [], "figures": []}
            entry = entries[output]
            with lock:
                done["_page"] = done.pop("page", None)
                done["_prepared"] = done.pop("prepared", None)
                entry.update({k: v for k, v in done.items() if k != "notebook_path"}, up_to_date=False,
                             rendered=datetime.now(timezone.utc).isoformat(timespec="milliseconds"))
            bar.advance(output, entry["status"] == "ok")
            save_progress()
            with lock:  # until its exports are made, a report is not up to date (an interrupted pack)
                entry["exports_pending"] = exports.put(entry) or None
            for _ in range(entry["exports_pending"] or 0):
                bar.queued()
        script = getattr(sys.modules["__main__"], "__file__", None)
        if tasks and broken == len(tasks) and script and own_pool is not None:
            # every worker died before rendering anything: the classic cause is a script without
            # the main guard, which each spawned worker runs again as it starts
            raise TraffickstatsError(f"every worker process died as it started. If {Path(script).name} calls "
                                     "render_pack at its top level, put the call under "
                                     "`if __name__ == \"__main__\":` (worker processes import the script).")
        pack_warnings = exports.finish()
    except KeyboardInterrupt:
        state["interrupted"] = True
        bar.close()
        _stop_workers(own_pool, executor, locals().get("futures", {}))
        exports.stop()
    finally:
        exports.stop()  # no-op once finished; after an error, the browser closes with the pack
        bar.close()
        if own_pool is not None:
            own_pool.shutdown(wait=not state["interrupted"], cancel_futures=True)
        if server is not None:
            server.close()
        # workers killed mid-write (Ctrl-C, or one that crashed) leave their temporary files
        atomic.sweep(out, pool_pids)

    for e in entries.values():  # earlier thumbnails stay valid for skipped reports
        e.setdefault("thumbnail", None)
    with lock:
        data = manifest(pack_warnings)
    atomic.write_text(out / MANIFEST, json.dumps(data, indent=2, ensure_ascii=False))
    index.write(out, data["reports"], created=created)
    if state["interrupted"]:
        done = sum(1 for e in entries.values() if e.get("status") not in ("pending", None) and not e.get("up_to_date"))
        earlier = sum(1 for r in data["reports"] if r.get("output") in entries
                      and entries[r["output"]].get("status") == "pending" and r.get("status") == "ok")
        raise PackInterrupted(f"{done} of {len(tasks)} reports rendered"
                              + (f", {earlier} others keep their earlier files" if earlier else "")
                              + f"; manifest and index written in {out}")
    return PackResult(out=out, reports=data["reports"], manifest=out / MANIFEST, index=out / "index.html",
                      warnings=pack_warnings)


class PackInterrupted(KeyboardInterrupt):
    """Ctrl-C during a pack, once it has stopped its workers and written its manifest and
    index; the message says how many reports were rendered."""


@contextlib.contextmanager
def _sigint_held():
    """Ctrl-C held back (blocked, not lost) while the pack starts worker processes: they
    inherit the blocked signal, so none is interrupted before it can ignore Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a Ctrl-C pressed meanwhile arrives now


def _stop_workers(own_pool, executor, futures) -> None:
    """After Ctrl-C: cancel what has not started and kill our own workers at once (their
    kernels end with the fork server; their temporary files are swept). Reports running on
    a foreign executor (dask) are cancelled if it can."""
    for fut in futures:
        fut.cancel()
    if own_pool is not None:
        for process in list((getattr(own_pool, "_processes", None) or {}).values()):
            with contextlib.suppress(OSError, ValueError):
                process.kill()


def _may_write(folder: Path) -> bool:
    """Whether ``folder`` (or, if it does not exist yet, its nearest existing parent) looks
    writable: a pack that is bound to fail on its output folder starts no process first."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def _start_server(kernel: str, notebooks):
    """The pack's fork server (``kernel.start_server``) for these notebooks, or None."""
    from .kernel import start_server
    from .runner import resolve_notebook

    return start_server(kernel, notebooks={resolve_notebook(n) for n in notebooks})


def _plan_key(plan: Plan, langs, countries, datasets: dict, kernel: str) -> str:
    """What a checked plan depends on, hashed (see :func:`_checked_plan`)."""
    from .runner import resolve_notebook

    notebooks = sorted({str(resolve_notebook(entry.notebook)) for entry in plan.reports})
    return hashlib.sha256(json.dumps({
        "languages": list(plan.languages), "reports": [dataclasses.asdict(e) for e in plan.reports],
        "langs": list(langs) if langs else None, "countries": list(countries) if countries else None,
        "datasets": datasets, "kernel": kernel, "version": __version__,
        "notebooks": {n: sha256_file(Path(n)) for n in notebooks},
    }, sort_keys=True, default=str).encode()).hexdigest()


def _checked_plan(plan: Plan, langs, countries, datasets: dict, kernel: str, known: dict | None,
                  key: str | None = None) -> dict:
    """``{"key", "reports"}``: the plan's reports, checked and resolved (:func:`plan_reports`).

    The check reads every notebook's parameters cell and resolves country names, which costs
    more than a rerun with nothing to do; so the result is kept in the manifest under a key
    made of everything it depends on (the plan, the options, the notebooks' contents, the
    package version) and reused while the key is unchanged (``--force`` checks again)."""
    key = key or _plan_key(plan, langs, countries, datasets, kernel)
    if known and known.get("key") == key and isinstance(known.get("reports"), list):
        return known
    specs = plan_reports(plan, langs=langs, countries=countries, datasets=datasets, kernel=kernel)
    return {"key": key, "reports": [dataclasses.asdict(s) for s in specs]}


def _check_datasets(specs: list[ReportSpec], hashes: dict[str, str], known: dict) -> dict:
    """Each dataset parameter (``glotip``, ``ctdc``, ``gsi``) names a file of its format,
    checked before any kernel starts (a wrong file would fail every report, each with the
    loader's hint for ``data validate``). The format found is recorded in the manifest with
    the file's hash, so a rerun does not parse the workbook again. Returns that record."""
    from ..errors import DataFileError
    from ..loaders.detect import detect_format

    what = {"glotip": "a UNODC GLOTIP workbook", "ctdc": "a CTDC case-data file",
            "gsi": "a Walk Free GSI table (2023) or data workbook (2018)",
            "population": "a population table", "csv": "a table of another kind"}
    record = {}
    for spec in specs:
        for name, path in spec.parameters.items():
            if name not in ("glotip", "ctdc", "gsi") or not path or path in record:
                continue
            sha = hashes.get(path)
            seen = known.get(path) or {}
            found = seen.get("format") if sha and seen.get("sha256") == sha else detect_format(Path(path))
            if found != name:
                raise DataFileError(path, f"the {name} dataset (--{name}) expects {what[name]}, but this file reads as {what[found]}; "
                                          "pack takes UNODC GLOTIP (--glotip), CTDC (--ctdc) and Walk Free GSI "
                                          "(--gsi) files as published")
            record[path] = {"sha256": sha, "format": found}
    return record
