"""The kernel manager reports run with: local IPC sockets instead of TCP ports.

A kernel on TCP listens on five localhost ports and, with ipykernel 7, prints a warning about
unencrypted transport to the terminal for every report. Unix-domain sockets in a private
temporary folder open no port, say nothing, and are removed with the folder after the run
(even when a kernel dies without cleaning up).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class IPCKernelManager(AsyncKernelManager):
    """``AsyncKernelManager`` whose default transport is ``ipc``, one socket prefix per kernel.

    jupyter_client names IPC sockets after the connection file, or ``kernel-ipc`` in the
    working directory when there is none yet: parallel reports would then share sockets
    (and fail with "Invalid Signature"). Each kernel gets its own prefix in ``socket_dir``.
    """

    #: Folder for the sockets; set per render by :func:`socket_folder`.
    socket_dir: str | None = None

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        folder = type(self).socket_dir or tempfile.gettempdir()
        # short: a Unix socket path must stay under ~100 characters
        return os.path.join(folder, f"k{uuid.uuid4().hex[:12]}")


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


#: What papermill/nbclient receive as ``kernel_manager_class``.
KERNEL_MANAGER = f"{__name__}.IPCKernelManager"
