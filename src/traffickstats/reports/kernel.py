"""The kernel managers reports run with: IPC sockets, warm forked kernels, a quiet shutdown.

- **IPC sockets, not TCP ports.** A kernel on TCP listens on five localhost ports and, with
  ipykernel 7, prints a warning about unencrypted transport for every report. Unix-domain
  sockets in a private temporary folder open no port, say nothing, and are removed with the
  folder after the run (even when a kernel dies without cleaning up).
- **Warm kernels** (:class:`WarmKernelManager`, the one papermill gets). Each report still gets
  a fresh kernel process, used once, but it is forked from a fork server that has already
  imported ipykernel, pandas, plotly, the notebooks' own imports and whatever earlier kernels
  imported (:mod:`.forkserver`), so neither the start-up nor the imports are paid per report.
  The pack starts one server for its workers (:func:`start_server`, :func:`use_server`); any
  other process starts its own on its first kernel. Kernels of another interpreter or another
  language, a server that refuses (changed environment or code on disk: a new server is
  started for the next kernel; a preload that started a thread or pulled in a module that must
  be imported in the kernel, such as matplotlib: none is, in this process), platforms other
  than Linux, and ``TRAFFICKSTATS_KERNELS=cold`` get a kernel started the ordinary way.
  ``TRAFFICKSTATS_KERNEL_PRELOAD`` (comma-separated modules) replaces :data:`DEFAULT_PRELOAD`.
- **No interrupt at shutdown.** jupyter_client sends SIGINT before every shutdown request. A
  report's kernel is shut down right after papermill's last ``kernel_info`` reply, often
  while the kernel is still inside that handler, where SIGINT raises KeyboardInterrupt and
  ipykernel logs "KeyboardInterrupt caught in kernel." on the terminal. The managers here ask
  the kernel to shut down without the SIGINT; one stuck in a cell (a timeout) gets SIGTERM,
  then SIGKILL, after jupyter_client's usual wait.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import json
import os
import pathlib
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type, default

from . import forkserver
from .forkserver import DEFAULT_PRELOAD, ForkedKernel, ForkServer, ForkServerError, die_with_parent  # noqa: F401


class ReadyKernelClient(AsyncKernelClient):
    """``AsyncKernelClient`` whose ``wait_for_ready`` ends when the kernel is ready.

    jupyter_client's version ends with 0.2 s of silence on IOPub, on every report's path.
    This one ends on the first IOPub message about the ``kernel_info`` request the kernel
    answered (its status), which shows IOPub is connected; later messages about it, and those
    of earlier attempts, belong to other requests than the notebook's, which nbclient ignores.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            reply = await self._next(self.shell_channel, 1.0, lambda m: m["msg_type"] == "kernel_info_reply")
            if reply is not None:
                request = reply["parent_header"].get("msg_id")
                seen = await self._next(self.iopub_channel, 0.2, lambda m: m["parent_header"].get("msg_id") == request)
                if seen is not None:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    wait_for_ready = _async_wait_for_ready

    @staticmethod
    async def _next(channel, within: float, wanted):
        """The first message on ``channel`` that is ``wanted``, within ``within`` seconds, or None."""
        end = time.monotonic() + within
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await channel.get_msg(timeout=left)
            except Empty:
                return None
            if wanted(msg):
                return msg
        return None


class IPCKernelManager(AsyncKernelManager):
    """``AsyncKernelManager`` whose default transport is ``ipc``, one socket prefix per kernel.

    jupyter_client names IPC sockets after the connection file, or ``kernel-ipc`` in the
    working directory when there is none yet: parallel reports would then share sockets
    (and fail with "Invalid Signature"). Each kernel gets its own prefix in ``socket_dir``.
    """

    #: Folder for the sockets; set per render by :func:`socket_folder`.
    socket_dir: str | None = None
    _quiet_shutdown = False
    client_class = DottedObjectName(f"{__name__}.ReadyKernelClient")
    client_factory = Type(klass=f"{__name__}.ReadyKernelClient")

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        folder = type(self).socket_dir or tempfile.gettempdir()
        # short: a Unix socket path must stay under ~100 characters
        return os.path.join(folder, f"k{uuid.uuid4().hex[:12]}")

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        """jupyter_client's shutdown without its opening SIGINT (see the module docstring)."""
        self._quiet_shutdown = True
        try:
            await super()._async_shutdown_kernel(now=now, restart=restart)
        finally:
            self._quiet_shutdown = False

    shutdown_kernel = _async_shutdown_kernel

    async def _async_interrupt_kernel(self) -> None:
        if not self._quiet_shutdown:
            await super()._async_interrupt_kernel()

    async def _async_finish_shutdown(self, waittime=None, pollinterval: float = 0.01, restart: bool = False) -> None:
        # poll for the kernel's exit every 10 ms, not 100: it is on every report's path
        await super()._async_finish_shutdown(waittime=waittime, pollinterval=pollinterval, restart=restart)


class ForkProvisioner(LocalProvisioner):
    """Starts the kernel by asking a fork server; falls back to a normal launch if it refuses."""

    server: ForkServer | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            process = self.server.launch(cmd, cwd, kwargs.get("env") or dict(os.environ))
        except ForkServerError as exc:
            self.log.info("starting the kernel the ordinary way: %s", exc)
            return await super().launch_kernel(cmd, **kwargs)
        # no pgid: signals go through the handle, which never signals a reaped pid
        self.process, self.pid, self.pgid = process, process.pid, None
        self.cwd = kwargs.get("cwd", pathlib.Path.cwd())
        return self.connection_info

    async def cleanup(self, restart: bool = False) -> None:
        if isinstance(self.process, ForkedKernel):
            self.process.close()  # a kernel still running is killed by its server
        await super().cleanup(restart=restart)


class WarmKernelManager(IPCKernelManager):
    """``IPCKernelManager`` whose kernels are forked from a warm fork server when they can be."""

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            server = _server_for(self.kernel_spec.argv if self.kernel_spec else [])
            if server is not None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
                self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
                self.provisioner.server = server
        return await super()._async_pre_start_kernel(**kw)


@contextlib.contextmanager
def socket_folder() -> Iterator[str]:
    """A private folder for the kernel sockets of one render, removed afterwards."""
    folder = tempfile.mkdtemp(prefix="ts-kernel-")
    previous, IPCKernelManager.socket_dir = IPCKernelManager.socket_dir, folder
    try:
        yield folder
    finally:
        IPCKernelManager.socket_dir = previous
        shutil.rmtree(folder, ignore_errors=True)


# --- which fork server ------------------------------------------------------------------

def warm() -> bool:
    """Whether kernels are forked from a warm server here (Linux, not ``TRAFFICKSTATS_KERNELS=cold``)."""
    return os.environ.get("TRAFFICKSTATS_KERNELS", "warm").strip().lower() != "cold" and forkserver.supported()


def fork_prefix(argv: list[str]) -> list[str] | None:
    """``[python, *flags]`` of a kernel command running this Python's ipykernel, else None."""
    if "-m" not in argv:
        return None
    i = argv.index("-m")
    if i == 0 or i + 1 >= len(argv) or argv[i + 1] not in ("ipykernel_launcher", "ipykernel"):
        return None
    exe = shutil.which(argv[0]) or argv[0]
    try:  # the same interpreter of the same environment (bin/python and bin/python3 both fit)
        same = os.path.samefile(exe, sys.executable) and \
            os.path.dirname(os.path.abspath(exe)) == os.path.dirname(os.path.abspath(sys.executable))
    except OSError:
        same = False
    return list(argv[:i]) if same else None


def preload_modules(notebooks: Iterable[str | os.PathLike] = ()) -> list[str]:
    """What a new fork server imports: the default list (or the environment's) and the notebooks' imports."""
    configured = os.environ.get("TRAFFICKSTATS_KERNEL_PRELOAD")
    base = DEFAULT_PRELOAD if configured is None else [m.strip() for m in configured.split(",") if m.strip()]
    return list(dict.fromkeys([*base, *notebook_imports(notebooks)]))


def notebook_imports(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Modules imported anywhere in the notebooks' code (.py percent or .ipynb), in order.

    ``from a.b import c`` gives ``a.b`` and ``a.b.c`` (c may be a submodule; if it is not,
    the server's import of it fails and is skipped). Relative imports are left out.
    """
    found: list[str] = []
    for path in dict.fromkeys(pathlib.Path(p) for p in paths):
        try:
            if path.suffix == ".ipynb":
                cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
                sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                           for c in cells if c.get("cell_type") == "code"]
            else:  # a percent-format script is Python throughout: markdown cells are comments
                sources = [path.read_text(encoding="utf-8")]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        for source in sources:
            source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found += [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found += [node.module, *(f"{node.module}.{a.name}" for a in node.names if a.name != "*")]
    return list(dict.fromkeys(found))


def start_server(kernel_name: str = "python3", notebooks: Iterable[str | os.PathLike] = ()) -> ForkServer | None:
    """Start a fork server for kernels named ``kernel_name`` (None when they cannot be forked).

    For a pack's workers: pass ``(server.address, server.prefix)`` to :func:`use_server` in each,
    and ``server.close()`` once they are done (that ends every kernel it started).
    """
    if not warm():
        return None
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        prefix = fork_prefix(KernelSpecManager().get_kernel_spec(kernel_name).argv)
        return ForkServer.start(prefix, preload_modules(notebooks)) if prefix else None
    except (NoSuchKernel, OSError):  # kernels then start the ordinary way
        return None


_lock = threading.Lock()
_shared: ForkServer | None = None
_own: dict[tuple, ForkServer] = {}
_retired: list[ForkServer] = []
_cold: set[tuple] = set()  # interpreters whose modules cannot be preloaded safely here


def use_server(address: str, prefix: list[str]) -> None:
    """Fork this process's kernels from the server at ``address`` (started by :func:`start_server`)."""
    global _shared
    with _lock:
        _shared = ForkServer(address, prefix)


def _server_for(argv: list[str]) -> ForkServer | None:
    if not warm():
        return None
    prefix = fork_prefix(argv)
    if prefix is None:
        return None
    key = tuple(prefix)
    with _lock:
        for server in [s for s in _retired if not s.running]:
            _retired.remove(server)
            server.close()
        _cold.update(tuple(s.prefix) for s in (_shared, *_own.values()) if s is not None and not s.restartable)
        if key in _cold:
            return None
        if _shared is not None and _shared.prefix == prefix and _shared.usable:
            return _shared
        server = _own.get(key)
        if server is not None and not server.usable:
            _retired.append(_own.pop(key))  # closed once its kernels have ended
            server = None
        if server is None:
            try:
                server = _own[key] = ForkServer.start(prefix, preload_modules())
            except OSError:
                return None
        return server


@atexit.register
def _close_servers() -> None:
    for server in [*_own.values(), *_retired]:
        server.close()
    _own.clear()
    _retired.clear()


#: What papermill/nbclient receive as ``kernel_manager_class``.
KERNEL_MANAGER = f"{__name__}.WarmKernelManager"
