"""Render one briefing notebook: check parameters, execute with papermill, export offline HTML.

``render()`` is the unit the pack runs in parallel. It never leaves a half-written file:
the executed notebook and the HTML are written under temporary names and renamed. A failed
run keeps its executed notebook as ``<name>.failed.ipynb`` and leaves any previous HTML
untouched; parameter problems raise ``ParameterError`` before any kernel starts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParameterError, TraffickstatsError  # noqa: F401 - ParameterError re-exported
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
    or not a plain literal. Execution and export errors give ``status="failed"``.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out = Path(out).resolve()
    executed = Path(executed).resolve() if executed else out.with_suffix(".ipynb")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ts-render-") as work:
        src, ipynb, _, params = prepare(notebook, dict(parameters or {}), Path(work), kernel)
        out.parent.mkdir(parents=True, exist_ok=True)  # only once the parameters are accepted
        result = RenderResult(notebook=src, parameters=params, status="failed", title=title)
        # papermill fills {pm[run_uuid]} in the output path: the file name carries the run id
        run_dir = Path(tempfile.mkdtemp(prefix=f".{out.stem}.", dir=out.parent))
        template = str(run_dir).replace("{", "{{").replace("}", "}}") + "/{pm[run_uuid]}.ipynb"
        nb_out, error = None, None
        try:
            with _kernel_env(PLOTLY_RENDERER="plotly_mimetype"), socket_folder():
                nb_out = papermill.execute_notebook(
                    str(ipynb), template, parameters=params or None,
                    kernel_name=kernel, language="python",
                    progress_bar=False, log_output=False, cwd=str(src.parent),
                    start_timeout=start_timeout, execution_timeout=timeout,
                    kernel_manager_class=KERNEL_MANAGER,
                )
        except (PapermillExecutionError, Exception) as exc:  # noqa: BLE001 - isolate any failure
            error = _describe(exc)
        written = sorted(run_dir.glob("*.ipynb"))
        result.run_id = written[0].stem if written else None
        try:
            if nb_out is not None:
                try:
                    page = html.export(nb_out, html.PageInfo(
                        lang=str(params.get("lang", "fr")), title=title or src.stem,
                        notebook=src.name, parameters=params, run_id=result.run_id or "",
                    ), self_contained=self_contained, assets_href=_assets_href(out, assets_dir, self_contained),
                        embeds=embeds)
                    result.title = html.page_title(nb_out) or title
                except Exception as exc:  # noqa: BLE001 - a broken template or output must not stop a pack
                    error = f"HTML export failed: {_describe(exc)}"
            if error is None:
                if written:
                    os.replace(written[0], executed)
                    result.executed = executed
                atomic.write_text(out, page)
                failed_path(out).unlink(missing_ok=True)
                result.status, result.outputs = "ok", [out]
            else:
                result.error = error
                if written:
                    os.replace(written[0], failed_path(out))
                    result.executed = failed_path(out)
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
    result.seconds = round(time.perf_counter() - t0, 3)
    return result


def render_pdf(notebook: str | os.PathLike, parameters: dict[str, Any] | None, out: Path, **kw) -> RenderResult:
    """Render the report and print its A4 dossier (:mod:`.dossier`: cover, charts laid out
    for the page, page numbers) to ``out``.

    The executed notebook is kept beside ``out`` on failure only, like :func:`render`.
    """
    from . import dossier

    out = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="ts-pdf-") as work:
        page = Path(work) / f"{out.stem}.html"
        result = render(notebook, parameters, page, self_contained=True, **kw)
        if not result.ok:
            if result.executed:
                kept = failed_path(out)
                out.parent.mkdir(parents=True, exist_ok=True)
                os.replace(result.executed, kept)
                result.executed = kept
            return result
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            dossier.write_pdf(result.executed, out, page_info(result))
        except TraffickstatsError as exc:
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
