"""Write files atomically: a temporary name in the same directory, then ``os.replace``.

An interrupted run (Ctrl-C, a killed worker, a full disk) therefore never leaves a
half-written report in place of a good one: readers see the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


def temp_name(path: Path) -> Path:
    """A fresh, hidden temporary path beside ``path`` (same filesystem, so rename is atomic)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, on error it is removed."""
    path = Path(path)
    tmp = temp_name(path)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; reports are meant to be shared and read
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


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


def copy_file(src: Path, dest: Path) -> Path:
    """Atomically copy ``src`` to ``dest`` (used for the shared plotly.js and map assets)."""
    return write_bytes(dest, Path(src).read_bytes())
