"""SHA-256 of a file, the one checksum the package records (fetched releases, the bundled
GLOTIP extract's original, a pack's inputs)."""

from __future__ import annotations

import hashlib
import os


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of the file at ``path``, read in blocks (any size)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
