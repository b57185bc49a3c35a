"""Reading Chromium's DevTools pipe in linear time (choreographer 1.4).

Both browsers of an export (kaleido's server for the pictures, ``reports.printpdf`` for the
print dossier) talk to Chromium through choreographer's :class:`~choreographer.channels.pipe.Pipe`.
Its ``read_jsons`` in choreographer 1.4 reads a message in 10,000-byte steps, each one
appended with ``bytes +=`` (the whole message copied again at every step: a slide's pictures
come back as one message of about 1 MB, so about 100 copies of up to 1 MB each), and it
formats the whole message with ``repr`` for a debug log line, whatever the log level. Over the
default pack that was about 3 seconds of our process's CPU, under its one interpreter lock
(py-spy, 2026-11-30), for nothing the pictures need.

:func:`install` replaces that method, for choreographer 1.4 only, with :func:`read_jsons`:
the same messages from the same pipe, read in steps of up to 1 MiB into a ``bytearray``
(appending is amortised linear) and logged by size. It also stops on end of file inside a
message (the browser gone), where the original would loop for ever. Any other choreographer
release keeps its own method: a release that fixed the reader, or changed the class, is not
second-guessed.

Long texts in the messages read (a picture in base64, a printed PDF) are handed on as
:class:`LongText`, a ``str`` whose ``repr`` is its length: kaleido 1.5 logs every answer
with an f-string (``f"Result of function call: {result}"`` in ``_KaleidoTab._calc_fig``),
formatted whatever the log level, about 4 ms for a slide's ~1 MB answer, under the
interpreter lock. The text itself is unchanged (``str`` in every other respect).
"""

from __future__ import annotations

import os
import threading
import time
import warnings

__all__ = ["LongText", "install", "installed", "read_jsons"]

#: The choreographer releases whose ``Pipe.read_jsons`` this replaces (checked on install).
VERSIONS = ("1.4.",)
#: Bytes asked of the pipe per read (a Linux pipe holds 64 KiB unless enlarged).
CHUNK = 1 << 20

#: Texts of at least this many characters in a message become :class:`LongText`.
LONG = 4096

_lock = threading.Lock()


class LongText(str):
    """A long text of a DevTools message: a ``str`` whose ``repr`` is its length, so that a
    log line formatting the whole message does not copy and escape a megabyte."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self):,} characters>"


def _quiet(value):
    """``value`` (a decoded message) with every text of :data:`LONG` characters or more as a
    :class:`LongText`; dicts and lists changed in place."""
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _quiet(item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _quiet(item)
    elif type(value) is str and len(value) >= LONG:  # a LongText already is one
        return LongText(value)
    return value


def read_jsons(self, *, blocking: bool = True):
    """``Pipe.read_jsons`` of choreographer 1.4, read in linear time (see the module docstring).

    Returns ``(messages, time.perf_counter())`` like the original; raises choreographer's
    ``ChannelClosedError`` when the pipe is closed or the browser said goodbye.
    """
    from choreographer.channels import _wire as wire
    from choreographer.channels._errors import (
        BlockWarning,
        ChannelClosedError,
        JSONError,
    )
    from choreographer.channels.pipe import _logger, _with_block

    jsons: list = []
    if not self.is_ready():
        raise ChannelClosedError("The communication channel was either never opened or closed. "
                                 "Was .open() or .close() called?")
    if not _with_block and not blocking:
        warnings.warn("Windows python version < 3.12 does not support non-blocking",
                      BlockWarning)
    fd = self._read_from_browser
    try:
        if _with_block:
            os.set_blocking(fd, blocking)
    except OSError as e:
        self.close()
        raise ChannelClosedError from e
    raw: bytearray | None = None
    reads = 1
    try:
        first = os.read(fd, CHUNK)
        if not first or first == b"{bye}\n":
            self.close()
            raise ChannelClosedError
        raw = bytearray(first)
        if raw[-1] != 0 and _with_block:
            os.set_blocking(fd, True)
        while raw[-1] != 0:  # a message ends with a NUL byte
            more = os.read(fd, CHUNK)
            reads += 1
            if not more:  # end of file inside a message: the browser is gone
                self.close()
                raise ChannelClosedError
            raw += more
    except BlockingIOError:
        return jsons, time.perf_counter()
    except ChannelClosedError:  # an OSError too: not a read that failed half-way
        raise
    except OSError as e:
        self.close()
        if not raw:
            raise ChannelClosedError from e
    finally:
        _logger.debug(f"Total loops: {reads}, Final size: {len(raw) if raw else 0}.")
    if raw is None:
        return jsons, time.perf_counter()
    for message in raw.decode("utf-8").split("\0"):
        if message:
            try:
                jsons.append(_quiet(wire.deserialize(message)))
            except JSONError:
                _logger.exception("JSONError decoding message. Ignoring")
            except:  # as the original: logged, then raised
                _logger.exception("Error in trying to decode JSON off our read.")
                raise
    return jsons, time.perf_counter()


read_jsons.traffickstats = True


def installed() -> bool:
    """Whether choreographer's pipe reads with :func:`read_jsons`."""
    try:
        from choreographer.channels.pipe import Pipe
    except ImportError:
        return False
    return getattr(Pipe.read_jsons, "traffickstats", False)


def install() -> bool:
    """Put :func:`read_jsons` in place of choreographer 1.4's ``Pipe.read_jsons``; True when
    it is (now or already) in place, False when this choreographer is not one it replaces."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        from choreographer.channels.pipe import Pipe
        release = version("choreographer")
    except (ImportError, PackageNotFoundError):
        return False
    with _lock:
        if installed():
            return True
        if not release.startswith(VERSIONS) or not hasattr(Pipe, "read_jsons"):
            return False
        read_jsons.__wrapped__ = Pipe.read_jsons
        Pipe.read_jsons = read_jsons
        return True
