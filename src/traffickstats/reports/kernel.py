"""The kernel manager reports run with: local IPC sockets instead of TCP ports.

A kernel on TCP listens on five localhost ports and, with ipykernel 7, prints a warning about
unencrypted transport to the terminal for every report. Unix-domain sockets in the Jupyter
runtime folder are private to the user, open no port and say nothing.
"""

from __future__ import annotations

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class IPCKernelManager(AsyncKernelManager):
    """``AsyncKernelManager`` whose default transport is ``ipc``."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"


#: What papermill/nbclient receive as ``kernel_manager_class``.
KERNEL_MANAGER = f"{__name__}.IPCKernelManager"
