"""Write files atomically: a temporary name in the same directory, then ``os.replace``.

An interrupted run (Ctrl-C, a killed worker, a full disk) therefore never leaves a
half-written report in place of a good one: readers see the old file or the new one.

- A failed write (a full disk, an error while producing the content) removes its temporary
  file, so nothing partial is left.
- Temporary names carry the writer's process id (``.<name>.<pid>.<random>.tmp``): a process
  killed while writing (SIGKILL leaves no time to clean up) leaves a temporary file that its
  parent removes with :func:`sweep`, knowing which processes it has killed.
- :func:`check_folder` tells, before any work, whether a folder can hold the outputs.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Iterator

from .errors import OutputError, os_reason


def temp_name(path: Path) -> Path:
    """A fresh, hidden temporary path beside ``path`` (same filesystem, so rename is atomic)."""
    path = Path(path)
    make_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # name the folder, not the temporary file that was never made
        raise OutputError(path.parent, f"cannot write in this folder: {os_reason(exc)}") from None
    os.close(fd)
    return Path(tmp)


def make_folder(folder: Path) -> Path:
    """``mkdir -p`` with a one-line :class:`OutputError` (a file in the way, read-only, ...)."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # exist_ok covers folders only: something else has the name
        in_the_way = next((p for p in [folder, *folder.parents] if p.exists() and not p.is_dir()), folder)
        raise OutputError(in_the_way, "is a file, not a folder") from None
    except NotADirectoryError:
        in_the_way = next((p for p in folder.parents if p.exists() and not p.is_dir()), folder)
        raise OutputError(in_the_way, "is a file, not a folder") from None
    except OSError as exc:
        raise OutputError.from_os(exc, folder, "cannot create the folder") from None
    return folder


def check_folder(folder: Path) -> Path:
    """Create ``folder`` if needed and check that a file can be written in it (a probe file,
    removed at once). Raises :class:`OutputError` naming the folder and the reason."""
    folder = make_folder(folder)
    tmp = temp_name(folder / "write-check")
    tmp.unlink(missing_ok=True)
    return folder


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, on error it is removed.

    An OSError while writing or renaming (a full disk) becomes an :class:`OutputError` naming
    ``path``; any other error is raised as it is. Either way the temporary file is gone.
    """
    with replacing_all([path]) as [tmp]:
        yield tmp


@contextlib.contextmanager
def replacing_all(paths: Iterable[Path]) -> Iterator[list[Path]]:
    """:func:`replacing` for several files that belong together (a page and its executed
    notebook): every file is written first, and only then are all renamed into place, so a
    full disk half-way leaves the earlier set whole."""
    paths = [Path(p) for p in paths]
    tmps: list[Path] = []
    try:
        for path in paths:
            tmps.append(temp_name(path))
        try:
            yield tmps
        except OutputError:
            raise
        except OSError as exc:  # named after the file being written, not its temporary name
            raise OutputError(paths[_which(exc, tmps)], f"cannot write: {os_reason(exc)}") from None
        for path, tmp in zip(paths, tmps):
            try:
                os.chmod(tmp, 0o644)  # mkstemp creates 0600; reports are meant to be shared and read
                os.replace(tmp, path)
            except OSError as exc:
                raise OutputError(path, f"cannot write: {os_reason(exc)}") from None
    finally:
        for tmp in tmps:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def _which(exc: OSError, tmps: list[Path]) -> int:
    """Index of the temporary file an OSError is about (0 when it does not say)."""
    name = getattr(exc, "filename", None)
    for i, tmp in enumerate(tmps):
        if name and Path(name) == tmp:
            return i
    return 0


def write_text(path: Path, text: str) -> Path:
    """Atomically write UTF-8 text."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: Path, data: bytes) -> Path:
    """Atomically write bytes."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_all(contents: Mapping[Path, str | bytes]) -> list[Path]:
    """Atomically write several files that belong together (see :func:`replacing_all`)."""
    paths = list(contents)
    with replacing_all(paths) as tmps:
        for path, tmp in zip(paths, tmps):
            data = contents[path]
            if isinstance(data, str):
                tmp.write_text(data, encoding="utf-8")
            else:
                tmp.write_bytes(data)
    return [Path(p) for p in paths]


def copy_file(src: Path, dest: Path) -> Path:
    """Atomically copy ``src`` to ``dest`` (used for the shared plotly.js and map assets)."""
    return write_bytes(dest, Path(src).read_bytes())


_TEMP = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")


def sweep(folder: Path, pids: Iterable[int]) -> list[Path]:
    """Remove the temporary files under ``folder`` left by the processes ``pids`` (killed while
    writing); return them. Temporary files of other processes are left alone."""
    pids = {int(p) for p in pids}
    removed = []
    if not pids or not Path(folder).is_dir():
        return removed
    for path in Path(folder).rglob(".*.tmp"):
        m = _TEMP.match(path.name)
        if m and int(m.group(1)) in pids:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed
