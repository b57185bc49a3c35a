"""A fork server for Jupyter kernels: import once, fork one fresh kernel per report.

Starting an ipykernel and importing pandas, plotly and the package into it is nearly all of a
report's time. The fork server is one process that imports those modules once; each kernel is
a fork of it (copy-on-write, milliseconds), runs one notebook and exits. Nothing a report does
reaches the server or another kernel: the server never runs notebook code, and every kernel
starts from the server's state, never from an earlier kernel's.

What the server imports, with the kernels' environment (fixed by the first launch; a launch
with another environment is refused, and the caller starts that kernel the ordinary way):

- ``ipykernel.kernelapp`` and the modules it is started with (``--preload``);
- what earlier kernels imported while they ran (each kernel reports it when it exits), if it
  comes from the standard library or the installed packages (not from a notebook's folder) and
  is not an IPython integration whose import looks at the running shell (:data:`NEVER_PRELOAD`).

It refuses to fork once a preloaded module's file has changed on disk (a cold kernel would see
the change), once a preload started a thread (forking it would be unsafe), and for a notebook
folder holding a file that would shadow a preloaded module.

Protocol (Unix SEQPACKET sockets, one JSON message each; Linux only):

- the server inherits ``ctl``, one end of a socket pair its creator keeps: when the creator
  exits or closes it, the server kills every kernel it forked and exits;
- it accepts on a listening socket its creator bound (clients never race its start), one
  connection per kernel: ``{"argv", "cwd", "env"}`` is answered ``{"pid"}`` or ``{"error"}``,
  then ``{"exit": returncode}`` when the kernel ends. A client that closes its connection
  while the kernel lives gets the kernel's process group killed;
- kernels run in their own session, like jupyter_client's launcher starts them, and are
  killed if the server dies (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import gc
import importlib
import importlib.util
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import traceback
import warnings

#: Imported before the first kernel unless ``TRAFFICKSTATS_KERNEL_PRELOAD`` says otherwise.
DEFAULT_PRELOAD = ("pandas", "plotly.graph_objects", "plotly.io")
#: The kernel itself: always preloaded.
KERNEL_MODULE = "ipykernel.kernelapp"
#: Modules (and their submodules) never imported by the server: their import looks at the
#: running IPython shell or at variables ipykernel sets when it starts (matplotlib reads
#: MPLBACKEND), which the server has not got. If a preload imports one of them anyway, the
#: server stops forking and kernels start the ordinary way.
NEVER_PRELOAD = frozenset({
    "ipykernel_launcher", "ipywidgets", "widgetsnbextension", "matplotlib", "matplotlib_inline",
    "tqdm.auto", "tqdm.autonotebook", "tqdm.notebook", "pytest", "_pytest",
})
#: Entry-point group of warm-ups: ``module:function`` run once the preloads imported ``module``.
WARMUP_GROUP = "traffickstats.kernel_warmup"
#: Variables that differ between kernels of one worker without changing what imports do.
PER_KERNEL_ENV = frozenset({"JPY_PARENT_PID", "JPY_SESSION_NAME"})
_MAX_MESSAGE = 1 << 20
_PR_SET_PDEATHSIG, _PR_SET_NAME = 1, 15


class ForkServerError(RuntimeError):
    """The fork server did not start a kernel (the caller starts it the ordinary way)."""


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "SOCK_SEQPACKET") and hasattr(os, "fork")


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent (thread) ends."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _set_process_name(name: bytes) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_NAME, ctypes.c_char_p(name[:15]), 0, 0, 0)


def _send(sock: socket.socket, **message) -> None:
    with contextlib.suppress(OSError):
        sock.send(json.dumps(message).encode())


def _kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(pid, sig)
    except OSError:  # not yet its own group leader, or gone
        with contextlib.suppress(OSError):
            os.kill(pid, sig)


def _never_preload(name: str) -> bool:
    return name.startswith("__") or any(name == m or name.startswith(m + ".") for m in NEVER_PRELOAD)


def _kernel_args(argv: list[str]) -> list[str]:
    """The arguments after ``-m ipykernel_launcher`` in a kernel command."""
    return argv[argv.index("-m") + 2:]


# --- the server process -----------------------------------------------------------------

class _Server:
    def __init__(self, listener: socket.socket, ctl: socket.socket, prefix: list[str], preload: list[str]):
        self.pid = os.getpid()
        self.listener, self.ctl, self.prefix = listener, ctl, prefix
        self.pending = [KERNEL_MODULE, *preload]  # imported before the next fork
        self.failed: set[str] = set()
        self.env: dict[str, str] | None = None  # the kernels' environment, fixed by the first launch
        self.env_added: dict[str, str] = {}  # what imports added to it
        self.files: dict[str, int] = {}  # preloaded module file (or data a warm-up read) -> mtime_ns
        self.warmed: set[str] = set()  # warm-up entry points already run
        self.refusal: str | None = None  # a new server would do (changed code)
        self.unsafe: str | None = None  # a new server would not: kernels start the ordinary way
        self.kernels: dict[int, socket.socket] = {}  # pid -> its client's connection
        self.reports: set[socket.socket] = set()  # module lists kernels send when they exit
        paths = sysconfig.get_paths()
        self.stdlib = tuple(os.path.join(paths[k], "") for k in ("stdlib", "platstdlib"))
        self.site = tuple(os.path.join(paths[k], "") for k in ("purelib", "platlib"))
        self.roots = tuple(sorted({os.path.join(p, "") for p in sys.path if os.path.isabs(p) and os.path.isdir(p)}))
        self.sel = selectors.DefaultSelector()
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        self.wake_w = wake_w
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the pack; we end with our creator
        self.sel.register(listener, selectors.EVENT_READ, self.accept)
        self.sel.register(ctl, selectors.EVENT_READ, self.creator_gone)
        self.sel.register(self.wake_r, selectors.EVENT_READ, self.reap)
        self.running = True

    def run(self) -> None:
        try:
            while self.running:
                for key, _ in self.sel.select():
                    key.data(key.fileobj)
        finally:
            for pid in list(self.kernels):
                _kill_group(pid)
            for pid in list(self.kernels):  # gone before the server is
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)

    # events
    def creator_gone(self, ctl) -> None:
        with contextlib.suppress(OSError):
            if ctl.recv(16):
                return
        self.running = False

    def accept(self, listener) -> None:
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            self.sel.register(conn, selectors.EVENT_READ, self.request)

    def request(self, conn) -> None:
        try:
            data = conn.recv(_MAX_MESSAGE)
        except OSError:
            data = b""
        pid = next((p for p, c in self.kernels.items() if c is conn), None)
        if not data:  # the client went away: its kernel goes too
            self.sel.unregister(conn)
            conn.close()
            if pid is not None:
                del self.kernels[pid]
                _kill_group(pid)
            return
        if pid is None:
            try:
                self.launch(conn, json.loads(data))
            except Exception as exc:  # noqa: BLE001 - one bad request must not end the server
                _send(conn, error=f"fork server: {type(exc).__name__}: {exc}", retire=True)

    def reap(self, _fd) -> None:
        with contextlib.suppress(OSError):
            os.read(self.wake_r, 4096)
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.kernels.pop(pid, None)
            if conn is not None:
                _send(conn, exit=os.waitstatus_to_exitcode(status))
                self.sel.unregister(conn)
                conn.close()

    def learn(self, sock) -> None:
        with contextlib.suppress(OSError, ValueError):
            data = sock.recv(_MAX_MESSAGE)
            self.pending += [m for m in json.loads(data) if m not in sys.modules] if data else []
        self.sel.unregister(sock)
        self.reports.discard(sock)
        sock.close()

    # launching
    def launch(self, conn, msg: dict) -> None:
        argv, cwd, env = list(msg["argv"]), str(msg["cwd"]), dict(msg["env"])
        if argv[:len(self.prefix)] != self.prefix or "-m" not in argv:
            return _send(conn, error=f"fork server runs {self.prefix}, not {argv[:len(self.prefix)]}", retire=True)
        if self.env is None:
            self.env = env
            os.environ.clear()
            os.environ.update(env)
        elif _comparable(env) != _comparable(self.env):
            changed = sorted(k for k in set(env) ^ set(self.env) | {k for k in env if self.env.get(k) != env[k]}
                             if k not in PER_KERNEL_ENV)
            return _send(conn, error=f"kernel environment differs from the fork server's ({', '.join(changed[:5])})",
                         retire=True)
        self.preload()
        if self.unsafe:
            return _send(conn, error=self.unsafe, retire=True, restart=False)
        refusal = self.refusal or self.stale()
        if refusal:
            return _send(conn, error=refusal, retire=True)
        shadow = self.shadowed(cwd)
        if shadow:
            return _send(conn, error=shadow, retire=False)
        gc.freeze()  # kernels' collections leave the server's objects (and their pages) alone
        report_r, report_w = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        report_w.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _MAX_MESSAGE)
        base = frozenset(sys.modules)
        pid = os.fork()
        if pid == 0:  # the kernel
            report_r.close()
            self.become_kernel(argv, cwd, env, report_w, base)
        report_w.close()
        self.kernels[pid] = conn
        self.reports.add(report_r)
        self.sel.register(report_r, selectors.EVENT_READ, self.learn)
        _send(conn, pid=pid)

    def preload(self) -> None:
        if not self.pending:
            return
        names, self.pending = self.pending, []
        before = dict(os.environ)
        with warnings.catch_warnings(), open(os.devnull, "w") as sink, \
                contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            warnings.simplefilter("ignore")
            for name in names:
                if name in sys.modules or name in self.failed or _never_preload(name):
                    continue
                try:
                    importlib.import_module(name)
                except BaseException:  # noqa: BLE001 - a module that cannot load here loads in the kernel
                    self.failed.add(name)
            self.warm_up()
        self.env_added.update({k: v for k, v in os.environ.items() if before.get(k) != v})
        if threading.active_count() > 1:
            names = ", ".join(t.name for t in threading.enumerate() if t is not threading.main_thread())
            self.unsafe = f"preloaded modules started threads ({names}): forking is not safe"
        pulled = sorted(n for n in sys.modules if _never_preload(n) and not n.startswith("__"))
        if pulled:
            self.unsafe = f"preloaded modules imported {', '.join(pulled[:3])}, which must be imported in the kernel"
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if isinstance(path, str) and path not in self.files and not self.in_stdlib(path):
                with contextlib.suppress(OSError):
                    self.files[path] = os.stat(path).st_mtime_ns

    def warm_up(self) -> None:
        """Run the warm-ups installed packages declare (entry points :data:`WARMUP_GROUP`) whose
        module the preloads imported: library code that computes what every kernel would compute
        the same way at its start (the briefing kit's bundled observations), so kernels fork with
        it in memory. A warm-up returns the data files it read: like module files, a change on
        disk stops this server from forking. One that fails is left to the kernels."""
        from importlib.metadata import entry_points

        for ep in entry_points(group=WARMUP_GROUP):
            if ep.value in self.warmed or ep.module not in sys.modules:
                continue
            self.warmed.add(ep.value)
            try:
                files = ep.load()() or ()
            except BaseException:  # noqa: BLE001 - the kernels compute it themselves
                continue
            for path in files:
                with contextlib.suppress(OSError, TypeError):
                    self.files.setdefault(os.fspath(path), os.stat(path).st_mtime_ns)

    def stale(self) -> str | None:
        for path, mtime in self.files.items():
            try:
                changed = os.stat(path).st_mtime_ns != mtime
            except OSError:
                changed = True
            if changed:
                self.refusal = f"{path} changed since the fork server imported it"
                return self.refusal
        return None

    def shadowed(self, cwd: str) -> str | None:
        """A notebook folder file that a cold kernel would import instead of a preloaded module."""
        try:
            entries = os.listdir(cwd)
        except OSError:
            return None
        for entry in entries:
            name = entry[:-3] if entry.endswith(".py") else entry
            module = sys.modules.get(name)
            path = getattr(module, "__file__", None) if module else None
            if module is not None and not (isinstance(path, str) and self.in_stdlib(path)):
                return f"{os.path.join(cwd, entry)} would shadow the preloaded module {name!r}"
        return None

    def in_stdlib(self, path: str) -> bool:
        """Standard library files come before the notebook folder on sys.path and never change."""
        return path.startswith(self.stdlib) and not path.startswith(self.site)

    # in the child
    def become_kernel(self, argv, cwd, env, report, base) -> None:
        code = 1
        try:
            os.setsid()  # its own process group, like jupyter_client's launcher
            die_with_parent(signal.SIGKILL)
            if os.getppid() != self.pid:
                os._exit(1)
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for key in list(self.sel.get_map().values()):  # every socket and pipe of the server
                with contextlib.suppress(OSError):
                    key.fileobj.close() if isinstance(key.fileobj, socket.socket) else os.close(key.fileobj)
            self.sel.close()
            os.close(self.wake_w)
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update({**env, **self.env_added, "JPY_PARENT_PID": str(self.pid)})
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.close(devnull)
            if "numpy.random" in sys.modules:  # its global state was seeded once, in the server
                sys.modules["numpy.random"].seed()
            _set_process_name(b"ipykernel")
            launcher = importlib.util.find_spec("ipykernel_launcher")
            # ipykernel read JPY_PARENT_PID when the server imported it: say who the parent is now
            sys.argv = [launcher.origin if launcher else "ipykernel_launcher", *_kernel_args(argv),
                        f"--IPKernelApp.parent_handle={self.pid}"]
            from ipykernel.kernelapp import launch_new_instance

            launch_new_instance()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:  # noqa: BLE001 - report it the way a kernel process would
            traceback.print_exc()
        finally:
            with contextlib.suppress(BaseException):
                report.send(json.dumps(self.learnable(base)).encode())
            with contextlib.suppress(BaseException):
                _stop_publishers()
            with contextlib.suppress(BaseException):
                atexit._run_exitfuncs()
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(BaseException):
                    stream.flush()
            os._exit(code)

    def learnable(self, base: frozenset) -> list[str]:
        names = []
        for name, module in list(sys.modules.items()):
            path = getattr(module, "__file__", None)
            if (name not in base and not _never_preload(name) and isinstance(path, str)
                    and path.startswith(self.roots)):
                names.append(name)
        return names


def _stop_publishers() -> None:
    """Stop the kernel's control and shell-channel threads before its exit functions run.

    ipykernel 7.4 stops its IOPub thread from an exit function registered after
    ``IPKernelApp.close`` (so run before it), and only ``close`` stops the control thread.
    When the shutdown request is still being handled on the control thread at that moment,
    the handler's last flush, or its "idle" status, goes to the stopped IOPub thread and
    waits for ever: the kernel does not exit, and jupyter_client sends SIGTERM after half its
    ``shutdown_wait_time``, 2.5 s lost by the report (seen on about one report in 24 of a
    pack; py-spy: the main thread in ``close`` joining the control thread, that thread in
    ``OutStream.flush`` or an IOPub ``send``). Stopped first, the threads that publish through
    IOPub end their message while it still runs; ``close`` then finds them stopped.
    """
    if "ipykernel.kernelapp" not in sys.modules:
        return
    from ipykernel.kernelapp import IPKernelApp

    if not IPKernelApp.initialized():
        return
    app = IPKernelApp.instance()
    for name in ("control_thread", "shell_channel_thread"):
        thread = getattr(app, name, None)
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.stop()
            thread.join(SHUTDOWN_JOIN)


#: Seconds a kernel waits for its control or shell-channel thread to stop when it exits
#: (``close`` then joins them for good, as ipykernel does).
SHUTDOWN_JOIN = 5.0


def _comparable(env: dict) -> dict:
    return {k: v for k, v in env.items() if k not in PER_KERNEL_ENV}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="fork server for Jupyter kernels (started by traffickstats)")
    p.add_argument("--listen-fd", type=int, required=True)
    p.add_argument("--ctl-fd", type=int, required=True)
    p.add_argument("--prefix", required=True, help="the kernel command's interpreter part, JSON")
    p.add_argument("--preload", default="", help="modules to import, comma-separated")
    args = p.parse_args(argv)
    # like ipykernel_launcher: the working directory is not an import location
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]
    _set_process_name(b"ts-forkserver")
    listener = socket.socket(fileno=args.listen_fd)
    ctl = socket.socket(fileno=args.ctl_fd)
    preload = [m for m in args.preload.split(",") if m]
    _Server(listener, ctl, json.loads(args.prefix), preload).run()
    sys.stdout.flush()
    os._exit(0)  # skip tearing down everything that was imported


# --- the client side --------------------------------------------------------------------

class ForkedKernel:
    """A kernel forked by a fork server, with the part of ``subprocess.Popen`` jupyter_client uses."""

    stdin = stdout = stderr = None

    def __init__(self, conn: socket.socket, pid: int, on_exit=None):
        self.pid, self.returncode = pid, None
        self._conn, self._on_exit = conn, on_exit

    def _read(self, timeout: float | None) -> None:
        if self._conn is None:
            return
        self._conn.settimeout(timeout)
        try:
            data = self._conn.recv(4096)
        except (BlockingIOError, TimeoutError):
            return
        except OSError:
            data = b""
        # no message: the server is gone, and its kernels were killed with it
        self.returncode = json.loads(data).get("exit", 1) if data else -signal.SIGKILL
        self.close()

    def poll(self) -> int | None:
        self._read(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        self._read(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:  # never signal a pid the server has already reaped
            _kill_group(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def close(self) -> None:
        """Forget the kernel; if it still runs, the server kills it."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            if self._on_exit:
                self._on_exit()


class ForkServer:
    """A handle on a fork server: the one this process started, or one shared by another process."""

    def __init__(self, address: str, prefix: list[str], process: subprocess.Popen | None = None,
                 ctl: socket.socket | None = None, folder: str | None = None):
        self.address, self.prefix = address, list(prefix)
        self.process, self._ctl, self._folder = process, ctl, folder
        self.refused: str | None = None  # why the server stopped starting kernels for us
        self.restartable = True  # whether a new server could start them
        self.running = 0  # kernels started and not yet ended
        self._lock = threading.Lock()

    @classmethod
    def start(cls, prefix: list[str], preload=()) -> ForkServer:
        """Start a server running ``prefix + ["-m", __name__]`` that lives as long as this handle."""
        folder = tempfile.mkdtemp(prefix="ts-fork-")  # private (0700): only this user connects
        address = os.path.join(folder, "server")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ctl, ctl_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            listener.bind(address)
            listener.listen(64)
            process = subprocess.Popen(
                [*prefix, "-m", __name__, "--listen-fd", str(listener.fileno()), "--ctl-fd",
                 str(ctl_child.fileno()), "--prefix", json.dumps(list(prefix)), "--preload", ",".join(preload)],
                pass_fds=(listener.fileno(), ctl_child.fileno()), stdin=subprocess.DEVNULL, cwd=folder,
                process_group=0,  # Ctrl-C at the terminal is for the pack, not for us (we end with it)
            )
        except BaseException:
            ctl.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        finally:
            listener.close()
            ctl_child.close()
        return cls(address, prefix, process, ctl, folder)

    @property
    def usable(self) -> bool:
        return self.refused is None and (self.process is None or self.process.poll() is None)

    def launch(self, argv: list[str], cwd: str, env: dict[str, str], timeout: float = 120) -> ForkedKernel:
        """Fork a kernel running ``argv`` in ``cwd`` with ``env``; ForkServerError if refused."""
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            conn.settimeout(timeout)  # the first launch waits for the preloads
            conn.connect(self.address)
            conn.send(json.dumps({"argv": list(argv), "cwd": str(cwd), "env": dict(env)}).encode())
            reply = json.loads(conn.recv(_MAX_MESSAGE) or b'{"error": "fork server closed the connection"}')
        except (OSError, ValueError) as exc:
            conn.close()
            self.refused = f"fork server unreachable: {exc}"
            raise ForkServerError(self.refused) from exc
        if "pid" not in reply:
            conn.close()
            message = str(reply.get("error", reply))
            if reply.get("retire", True):  # this server will not fork for us again
                self.refused, self.restartable = message, bool(reply.get("restart", True))
            raise ForkServerError(message)
        with self._lock:
            self.running += 1
        return ForkedKernel(conn, int(reply["pid"]), on_exit=self._ended)

    def _ended(self) -> None:
        with self._lock:
            self.running -= 1

    def close(self, timeout: float = 10) -> None:
        """End the server (it kills any kernel still running) and remove its folder."""
        if self._ctl is not None:
            self._ctl.close()
            self._ctl = None
        if self.process is not None:
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)


if __name__ == "__main__":
    main()
