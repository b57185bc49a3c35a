"""Download an official release into the user cache, checked before it replaces anything.

``fetch_dataset("glotip")`` downloads the publisher's current file (or ``url=``) with urllib,
streams it to a temporary file beside its final place while computing its SHA-256, reads it
with the dataset's own loader (a page of HTML or a truncated download is refused, and the
previous cached copy stays), then renames it into place and writes a JSON record beside it::

    <cache>/glotip/data_glotip.xlsx
    <cache>/glotip/data_glotip.xlsx.json   {url, sha256, size, downloaded_at, format,
                                            source_version, rows_read, accepted, rejected}

The cache is ``platformdirs.user_cache_dir("traffickstats")``, or ``$TRAFFICKSTATS_CACHE``.
:func:`cached_dataset` gives the report pack the cached file when its checksum still matches.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from .. import atomic
from ..checksum import sha256_file
from ..errors import DataFileError, ParameterError

__all__ = ["DATASETS", "cache_dir", "cached_dataset", "cache_record", "fetch_dataset", "TIMEOUT"]

TIMEOUT = 60  # seconds without data before giving up
_CHUNK = 1 << 16

#: dataset -> default URL (the publisher's address, from shared/data/*/SOURCE.md), file name, format
DATASETS: dict[str, dict[str, str]] = {
    "glotip": {
        "url": "https://dataunodc.un.org/sites/dataunodc.un.org/files/data_glotip.xlsx",  # = glotip.DEFAULT_URL
        "filename": "data_glotip.xlsx", "format": "glotip",
    },
    "gsi": {
        # Walk Free publishes the GSI behind its download page; pass --url for the CSV/xlsx itself.
        "url": "https://www.walkfree.org/global-slavery-index/",
        "filename": "global_slavery_index.csv", "format": "gsi",
    },
    "population": {
        # World Bank SP.POP.TOTL as the datasets/population "core" package publishes it (long CSV).
        "url": "https://raw.githubusercontent.com/datasets/population/main/data/population.csv",  # = population.DEFAULT_URL
        "filename": "population.csv", "format": "population",
    },
}


def cache_dir() -> Path:
    """``$TRAFFICKSTATS_CACHE`` or the platform's user cache folder for traffickstats."""
    env = os.environ.get("TRAFFICKSTATS_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("traffickstats"))


def _spec(name: str) -> dict[str, str]:
    try:
        return DATASETS[name]
    except KeyError:
        raise ParameterError(f"unknown dataset {name!r}: use {', '.join(DATASETS)}") from None


def _target(name: str) -> Path:
    return cache_dir() / name / _spec(name)["filename"]


def cache_record(name: str) -> dict | None:
    """The JSON record of the cached copy of ``name``, or None."""
    rec = _target(name).with_name(_spec(name)["filename"] + ".json")
    try:
        return json.loads(rec.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def cached_dataset(name: str) -> Path | None:
    """Path of the cached copy of ``name`` when it exists and still matches its recorded SHA-256."""
    path = _target(name)
    rec = cache_record(name)
    if rec is None or not path.is_file():
        return None
    return path if sha256_file(path) == rec.get("sha256") else None


def _write_atomic(path: Path, data: bytes) -> None:
    atomic.write_bytes(path, data)


def _download(url: str, dest: Path, timeout: float) -> tuple[str, int]:
    """Stream ``url`` into ``dest``; (sha256, size). Network and HTTP failures -> DataFileError."""
    req = urllib.request.Request(url, headers={"User-Agent": "traffickstats (data fetch)"})
    h, size = hashlib.sha256(), 0
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp, open(dest, "wb") as out:
            for chunk in iter(lambda: resp.read(_CHUNK), b""):
                h.update(chunk)
                out.write(chunk)
                size += len(chunk)
    except urllib.error.HTTPError as exc:
        raise DataFileError(url, f"download failed: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise DataFileError(url, f"download timed out after {timeout:g} s") from None
        raise DataFileError(url, f"cannot reach the server ({reason}): no network, or a wrong address") from None
    except (socket.timeout, TimeoutError):
        raise DataFileError(url, f"download timed out after {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # connection reset mid-body, malformed URL
        raise DataFileError(url, f"download failed: {exc}") from None
    return h.hexdigest(), size


def fetch_dataset(name: str, url: str | None = None, timeout: float = TIMEOUT) -> dict:
    """Download ``name`` (glotip | gsi | population) into the cache; return its record.

    The download is validated with the dataset's loader before it replaces the cached copy;
    a failed or invalid download leaves the cache as it was and raises DataFileError.
    """
    spec = _spec(name)
    url = url or spec["url"]
    target = _target(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".download-", suffix=target.suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        sha, size = _download(url, tmp, timeout)
        from . import load
        from .detect import detect_format

        try:
            found = detect_format(tmp)
            if found != spec["format"]:
                raise DataFileError(url, f"the downloaded file is not a {name} dataset (it reads as {found})")
            result = load(tmp, format=spec["format"])
        except DataFileError as exc:
            raise DataFileError(url, f"downloaded file rejected, cache unchanged: {exc.reason}") from None
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    record = {
        "dataset": name, "url": url, "path": str(target), "sha256": sha, "size": size,
        "downloaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "format": spec["format"], "source_version": result.source_version,
        "rows_read": result.rows_read, "accepted": result.accepted, "rejected": result.rejected,
    }
    _write_atomic(target.with_name(target.name + ".json"),
                  json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8"))
    return record
