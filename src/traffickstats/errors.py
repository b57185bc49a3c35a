"""Every error the package raises on purpose derives from TraffickstatsError.

The CLI prints ``str(error)`` on one line and exits non-zero, so messages say what went
wrong, where (file, row, column when known) and what to do instead.
"""

from __future__ import annotations


class TraffickstatsError(Exception):
    """Base class: a user-facing error with a one-line message."""


class NumberParseError(TraffickstatsError, ValueError):
    """A number string could not be read.

    ``reason`` says why without quoting the text ("no number found"), so that loaders can
    group rejected cells by reason and keep the raw text in its own column.
    """

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason or message


class AmbiguousNumberError(NumberParseError):
    """A number string reads differently in French and English (e.g. '1,192'): give a locale."""


class UnknownGeographyError(TraffickstatsError, LookupError):
    """Names or codes that match no country or region; lists them with close suggestions."""

    def __init__(self, message: str, unknown: list[str] | None = None,
                 suggestions: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.unknown = list(unknown or [])
        self.suggestions = dict(suggestions or {})


class IncomparableError(TraffickstatsError, TypeError):
    """Arithmetic or ranking across figures that measure different things."""


class DataFileError(TraffickstatsError):
    """A file cannot be read at all (missing, empty, truncated, unknown format, not text)."""

    def __init__(self, path, reason: str, row: int | None = None, column: str | None = None):
        self.path, self.reason, self.row, self.column = str(path), reason, row, column
        where = self.path
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")


class ParameterError(TraffickstatsError, ValueError):
    """A notebook parameter is unknown, mistyped or unsafe."""


class ExportError(TraffickstatsError, RuntimeError):
    """A static export could not run (e.g. no Chromium installed)."""


class OutputError(TraffickstatsError, OSError):
    """A file or folder could not be written: read-only, full disk, permission, a file where a
    folder is needed. The message names the path and says why in words, on one line."""

    def __init__(self, path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{self.path}: {reason}")

    @classmethod
    def from_os(cls, exc: OSError, path=None, doing: str = "cannot write") -> "OutputError":
        """The one-line error for an OSError raised while writing ``path`` (default: the
        path the error names)."""
        if isinstance(exc, OutputError):
            return exc
        where = getattr(exc, "filename", None) or path or "?"
        return cls(where, f"{doing}: {os_reason(exc)}")


#: What an errno means for someone writing reports, in words (strerror is kept beside it).
_OS_REASONS = {
    "ENOSPC": "no space left on the disk",
    "EDQUOT": "disk quota exceeded",
    "EROFS": "the file system is read-only",
    "EACCES": "permission denied",
    "EPERM": "operation not permitted",
    "EEXIST": "a file is in the way",
    "ENOTDIR": "a part of the path is a file, not a folder",
    "EISDIR": "is a folder, not a file",
    "ENOENT": "no such file or folder",
    "ENAMETOOLONG": "the name is too long",
    "EMFILE": "too many open files",
}


def os_reason(exc: OSError) -> str:
    """``"no space left on the disk"`` for ENOSPC, etc.; else the system's own words."""
    import errno

    name = errno.errorcode.get(getattr(exc, "errno", None) or 0)
    return _OS_REASONS.get(name) or (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)
