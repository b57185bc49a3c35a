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
