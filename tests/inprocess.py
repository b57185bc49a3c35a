"""Run a briefing notebook in this process (an IPython shell, no kernel) and keep what it shows.

The quick test tier checks the notebooks' logic this way in a fraction of a second per
report; the slow tier renders them with real kernels. Parameters are injected after the
``parameters`` cell, as papermill does.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from dataclasses import dataclass, field

from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell

from traffickstats.reports.runner import load_notebook


@dataclass
class Shown:
    """Everything a notebook displayed, in order."""

    outputs: list[dict] = field(default_factory=list)  # each {"data": ..., "metadata": ...}
    namespace: dict = field(default_factory=dict)

    @property
    def html(self) -> str:
        return "".join(o["data"].get("text/html", "") for o in self.outputs)

    @property
    def figures(self) -> list[dict]:
        """The traffickstats charts shown: their figure JSON (with ``layout.meta``)."""
        return [o["data"]["application/vnd.plotly.v1+json"] for o in self.outputs
                if "application/vnd.plotly.v1+json" in o["data"]]

    def kinds(self) -> list[str]:
        return [f["layout"]["meta"]["traffickstats"]["kind"] for f in self.figures]


class _Recorder(DisplayPublisher):
    def __init__(self, shown: Shown):
        super().__init__()
        self.shown = shown

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        self.shown.outputs.append({"data": data, "metadata": metadata or {}})


_RUNS: dict[tuple, Shown] = {}


def run(notebook: str, **params) -> Shown:
    """Execute ``notebook`` (name or path) top to bottom with ``params``; raise on any error.

    A run is kept for the test session: tests read what a notebook showed, never change it,
    so the same notebook with the same parameters runs once."""
    key = (str(notebook), tuple(sorted((k, repr(v)) for k, v in params.items())))
    if key not in _RUNS:
        _RUNS[key] = _run(notebook, **params)
    return _RUNS[key]


def _run(notebook: str, **params) -> Shown:
    # An IPython shell puts its own module in sys.modules["__main__"] (no __spec__): a later
    # test that starts worker processes (spawn, dask) would fail to prepare them. Put it back.
    main = sys.modules["__main__"]
    try:
        return _run_in_shell(notebook, **params)
    finally:
        sys.modules["__main__"] = main


def _run_in_shell(notebook: str, **params) -> Shown:
    nb = load_notebook_path(notebook)
    shell = InteractiveShell.instance()
    shown = Shown()
    shell.display_pub = _Recorder(shown)
    shell.reset(new_session=False)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source
        if "parameters" in cell.metadata.get("tags", []):
            source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
        with contextlib.redirect_stdout(io.StringIO()):  # the shell's "Out[n]:" prompts
            result = shell.run_cell(source, store_history=False)
        if not result.success:
            err = result.error_in_exec or result.error_before_exec
            raise AssertionError(f"{notebook}: cell failed: {type(err).__name__}: {err}\n{source}")
    shown.namespace = dict(shell.user_ns)
    report = shell.user_ns.get("report")
    if report is not None and hasattr(report, "close"):
        report.close()
    return shown


def load_notebook_path(notebook):
    from traffickstats.reports.runner import resolve_notebook

    return load_notebook(resolve_notebook(notebook))


def visible(html: str) -> str:
    """The words a reader sees in HTML (tags, scripts and data: URLs removed, alt texts kept)."""
    import html as html_mod

    labels = " ".join(re.findall(r'aria-label="([^"]*)"', html))
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    html = re.sub(r"<style\b.*?</style>", " ", html, flags=re.S)
    html = re.sub(r'\b(href|src|aria-label)="[^"]*"', " ", html)
    text = html_mod.unescape(re.sub(r"<[^>]+>", " ", html) + " " + labels)
    return re.sub(r"[\u00a0\u202f\s]+", " ", text)


def as_notebook(shown: Shown, parameters: dict | None = None, extra_outputs=()):
    """The outputs of an in-process run as an executed notebook node (one code cell), with
    papermill's parameters in its metadata, as the engine reads executed reports."""
    import nbformat

    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data=o["data"], metadata=o["metadata"])
                    for o in [*extra_outputs, *shown.outputs]]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["papermill"] = {"parameters": dict(parameters or {})}
    return nb


def png_bytes(width: int = 4, height: int = 2) -> bytes:
    """A GENERATED white PNG of the given size (stands in for a rendered picture)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
