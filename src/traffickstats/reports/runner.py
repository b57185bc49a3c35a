"""Render one briefing notebook: check parameters, execute with papermill, export offline HTML.

``render()`` is the unit the pack runs in parallel. It never leaves a half-written file:
papermill executes the notebook in memory (no save after each cell), then the executed
notebook and the HTML are written together under temporary names and renamed. A failed run
(a cell error, a dead kernel, a full disk) keeps the notebook as far as it ran as
``<name>.failed.ipynb`` and leaves any previous HTML untouched; parameter problems raise
``ParameterError`` and an output folder that cannot be written raises ``OutputError``, both
before any kernel starts.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OutputError, ParameterError, TraffickstatsError  # noqa: F401 - ParameterError re-exported
from ..paths import notebooks_dir
from .. import atomic
from . import assets, html, parameters
from .kernel import KERNEL_MANAGER, socket_folder

NOTEBOOK_SUFFIXES = (".py", ".ipynb")


@dataclass
class RenderResult:
    """What one render produced. ``status`` is ``"ok"`` or ``"failed"``."""

    notebook: Path
    parameters: dict[str, Any]
    status: str
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    executed: Path | None = None  # the executed .ipynb (``.failed.ipynb`` on failure)
    run_id: str | None = None  # papermill's run uuid (``pm.run_uuid``)
    title: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["notebook"] = str(self.notebook)
        d["outputs"] = [str(p) for p in self.outputs]
        d["executed"] = str(self.executed) if self.executed else None
        return d


def resolve_notebook(notebook: str | os.PathLike) -> Path:
    """A notebook name in ``notebooks/`` (``country_brief``) or a path to a .py/.ipynb file."""
    path = Path(notebook)
    if path.is_file():
        return path.resolve()
    folder = notebooks_dir()
    for candidate in [folder / path.name, *(folder / f"{path.name}{s}" for s in NOTEBOOK_SUFFIXES)]:
        if candidate.is_file():
            return candidate.resolve()
    known = sorted(p.stem for p in folder.glob("*.py")) if folder.is_dir() else []
    raise TraffickstatsError(
        f"notebook {str(notebook)!r} not found as a file nor in {folder} (known: {', '.join(known) or 'none'})"
    )


def load_notebook(path: Path):
    """Read a jupytext .py (percent format) or an .ipynb into a notebook node."""
    import jupytext

    try:
        nb = jupytext.read(path)
    except Exception as exc:  # jupytext raises several kinds for unreadable sources
        raise TraffickstatsError(f"{path}: cannot read notebook: {exc}") from exc
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


def prepare(notebook: str | os.PathLike, params: dict[str, Any], workdir: Path, kernel: str = "python3"):
    """Resolve, convert to .ipynb in ``workdir`` and check ``params``: nothing runs here.

    Returns ``(source_path, ipynb_path, nb, resolved)``; ``resolved`` are the values to inject
    (kinds resolved: "Maroc" -> "MAR"). Raises ParameterError on any bad parameter.
    """
    import nbformat

    src = resolve_notebook(notebook)
    nb = load_notebook(src)
    ipynb = Path(workdir) / f"{src.stem}.ipynb"
    nbformat.write(nb, ipynb)
    declared = parameters.declared_parameters(ipynb)
    resolved = parameters.check(params, declared, src.name)
    parameters.verify_injection(ipynb, resolved, kernel, src.name)
    return src, ipynb, nb, resolved


def checked_parameters(notebook: str | os.PathLike, params: dict[str, Any]) -> tuple[dict, dict]:
    """``(resolved values, declared parameters)`` of a notebook, checked; nothing is written."""
    import nbformat

    src = resolve_notebook(notebook)
    with tempfile.TemporaryDirectory(prefix="ts-check-") as work:
        ipynb = Path(work) / f"{src.stem}.ipynb"
        nbformat.write(load_notebook(src), ipynb)
        declared = parameters.declared_parameters(ipynb)
    return parameters.check(params, declared, src.name), declared


@contextlib.contextmanager
def _kernel_env(**env: str):
    """Environment for the kernel process (inherited at start-up), restored afterwards.

    PLOTLY_RENDERER=plotly_mimetype: a bare ``fig.show()`` emits the figure JSON (which the
    exporter turns into a div) instead of plotly's require.js renderer with plotly.js inlined.
    """
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _describe(exc: BaseException) -> str:
    """One line for the manifest / index: papermill's cell error, or the exception."""
    ename = getattr(exc, "ename", None)
    if ename:
        cell = getattr(exc, "exec_count", None)
        where = f" (cell [{cell}])" if cell is not None else ""
        return f"{ename}: {getattr(exc, 'evalue', '')}{where}"
    return f"{type(exc).__name__}: {exc}".strip()


def failed_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.failed.ipynb")


class _Engine:
    """papermill's nbclient engine, holding on to the notebook it executes.

    papermill is asked not to save the notebook at all (saving after every cell costs about a
    fifth of a report's CPU time, and a save on a full disk leaves a truncated file): the
    runner writes the executed notebook itself, atomically, once. When the kernel dies
    mid-run papermill raises without returning the notebook; the one held here, executed up
    to the failing cell, is then kept as ``<name>.failed.ipynb``.
    """

    local = threading.local()

    @classmethod
    def register(cls) -> str:
        from papermill.engines import NBClientEngine, papermill_engines

        if cls.NAME not in papermill_engines._engines:  # noqa: SLF001 - papermill has no lookup
            class Keeping(NBClientEngine):
                @classmethod
                def execute_notebook(klass, nb, kernel_name, **kw):
                    cls.local.nb = nb  # executed in place: holds the outputs so far
                    return super().execute_notebook(nb, kernel_name, **kw)

            papermill_engines.register(cls.NAME, Keeping)
        return cls.NAME

    NAME = "traffickstats"


def _execute(ipynb: Path, params: dict, *, kernel: str, cwd: Path, start_timeout: int, timeout: int):
    """``(executed notebook or None, error or None)``: papermill run in memory, never saved."""
    import papermill

    _Engine.local.nb = None
    try:
        with _kernel_env(PLOTLY_RENDERER="plotly_mimetype"), socket_folder():
            nb = papermill.execute_notebook(
                str(ipynb), None, parameters=params or None, engine_name=_Engine.register(),
                kernel_name=kernel, language="python", progress_bar=False, log_output=False,
                cwd=str(cwd), start_timeout=start_timeout, execution_timeout=timeout,
                kernel_manager_class=KERNEL_MANAGER, request_save_on_cell_execute=False,
            )
        return nb, None
    except Exception as exc:  # noqa: BLE001 - isolate any failure (cell error, dead kernel, timeout)
        return _Engine.local.nb, _describe(exc)
    finally:
        _Engine.local.nb = None


def _notebook_text(nb, run_id: str) -> str:
    import nbformat

    nb.metadata.setdefault("traffickstats", {})["run_id"] = run_id
    return nbformat.writes(nb)


def render(
    notebook: str | os.PathLike,
    parameters: dict[str, Any] | None,
    out: Path,
    *,
    self_contained: bool = False,
    assets_dir: Path | None = None,
    kernel: str = "python3",
    executed: Path | None = None,
    title: str | None = None,
    timeout: int = 600,
    start_timeout: int = 120,
    embeds: str | None = None,
) -> RenderResult:
    """Execute ``notebook`` with ``parameters`` and write the offline HTML page ``out``.

    - ``assets_dir``: shared assets folder (default ``out.parent / "assets"``); ignored
      when ``self_contained`` (plotly.js and map data inlined in the page).
    - ``executed``: where to keep the executed notebook (default ``out`` with ``.ipynb``);
      on failure it is kept as ``<stem>.failed.ipynb`` instead and ``out`` is left untouched.
    - ``kernel``: the Jupyter kernel name, explicit (papermill would otherwise trust the
      notebook's metadata).
    - ``embeds``: the folder (relative to ``out``) where the pack writes each chart's own
      page; each chart then offers its "copy embed code" (:mod:`.embed`).

    Raises ParameterError before running anything when a parameter is unknown, mistyped
    or not a plain literal, and OutputError when ``out``'s folder cannot be written (before
    any kernel starts). Execution and export errors give ``status="failed"``; so does a
    write that fails (a full disk), which leaves no partial file and the earlier page whole.
    """
    out = Path(out).resolve()
    executed = Path(executed).resolve() if executed else out.with_suffix(".ipynb")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ts-render-") as work:
        src, ipynb, _, params = prepare(notebook, dict(parameters or {}), Path(work), kernel)
        if out.is_dir():
            raise OutputError(out, "is a folder; give a file name ending in .html")
        atomic.check_folder(out.parent)  # only once the parameters are accepted
        result = RenderResult(notebook=src, parameters=params, status="failed", title=title,
                              run_id=str(uuid.uuid4()))
        nb_out, error = _execute(ipynb, params, kernel=kernel, cwd=src.parent,
                                 start_timeout=start_timeout, timeout=timeout)
        if nb_out is not None and error is None:
            try:
                page = html.export(nb_out, html.PageInfo(
                    lang=str(params.get("lang", "fr")), title=title or src.stem,
                    notebook=src.name, parameters=params, run_id=result.run_id,
                ), self_contained=self_contained, assets_href=_assets_href(out, assets_dir, self_contained),
                    embeds=embeds)
                result.title = html.page_title(nb_out) or title
            except OutputError as exc:  # the shared assets could not be installed
                error = str(exc)
            except Exception as exc:  # noqa: BLE001 - a broken template or output must not stop a pack
                error = f"HTML export failed: {_describe(exc)}"
        if error is None:
            try:
                atomic.write_all({executed: _notebook_text(nb_out, result.run_id), out: page})
            except OutputError as exc:
                error = str(exc)
            else:
                failed_path(out).unlink(missing_ok=True)
                result.status, result.outputs, result.executed = "ok", [out], executed
        if error is not None:
            result.error = error
            if nb_out is not None:
                try:  # the notebook as far as it ran, for debugging; whole or not at all
                    atomic.write_text(failed_path(out), _notebook_text(nb_out, result.run_id))
                    result.executed = failed_path(out)
                except OutputError as exc:
                    result.error = f"{error}; its executed notebook could not be kept either ({exc.reason})"
    result.seconds = round(time.perf_counter() - t0, 3)
    return result


def render_pdf(notebook: str | os.PathLike, parameters: dict[str, Any] | None, out: Path, **kw) -> RenderResult:
    """Render the report and print its A4 dossier (:mod:`.dossier`: cover, charts laid out
    for the page, page numbers) to ``out``.

    The executed notebook is kept beside ``out`` on failure only, like :func:`render`.
    """
    from . import dossier

    out = Path(out).resolve()
    if out.is_dir():
        raise OutputError(out, "is a folder; give a file name ending in .pdf")
    atomic.check_folder(out.parent)
    with tempfile.TemporaryDirectory(prefix="ts-pdf-") as work:
        page = Path(work) / f"{out.stem}.html"
        result = render(notebook, parameters, page, self_contained=True, **kw)
        if not result.ok:
            if result.executed:
                kept = failed_path(out)
                try:
                    atomic.copy_file(result.executed, kept)
                    result.executed = kept
                except OutputError as exc:
                    result.error, result.executed = f"{result.error}; the executed notebook could not be kept ({exc})", None
            return result
        try:
            dossier.write_pdf(result.executed, out, page_info(result))
        except (TraffickstatsError, OSError) as exc:
            if isinstance(exc, OSError):
                exc = OutputError.from_os(exc, out)
            result.status, result.error, result.outputs = "failed", f"PDF: {exc}", []
            return result
    result.outputs, result.executed = [out], None
    return result


def page_info(result: RenderResult) -> html.PageInfo:
    """What a rendered report's pages say about it (language, title, provenance)."""
    return html.PageInfo(lang=str(result.parameters.get("lang", "fr")), title=result.title or "",
                         notebook=Path(result.notebook).name, parameters=dict(result.parameters),
                         run_id=result.run_id or "")


def _assets_href(out: Path, assets_dir: Path | None, self_contained: bool) -> str:
    """Install the shared assets (unless self-contained) and return their href from ``out``."""
    if self_contained:
        return ""
    assets_dir = Path(assets_dir) if assets_dir else out.parent / "assets"
    assets.install(assets_dir)
    return html.relative_href(assets_dir, out.parent)


__all__ = ["RenderResult", "page_info", "render", "render_pdf", "resolve_notebook", "load_notebook", "prepare",
           "checked_parameters", "ParameterError"]
