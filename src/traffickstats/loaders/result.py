"""What every loader returns: canonical observations and the rows it could not use.

Invariant: ``rows_read == accepted + rejected``. A rejected row keeps its row number,
the column at fault, the raw value and the reason, so nothing is lost silently.

A reason says *why* in words that are the same for every row with that problem ("not a
number: no number found", "a count cannot be negative"); the offending text is in
``raw_value``, so :meth:`LoadResult.summary` can count rejects by reason. A loader that
reads very large files writes its rejects to a :class:`RejectLog` (a temporary file plus
counters) instead of holding one Python object per rejected row; ``result.rejects`` reads
the log into a table only when asked, and ``data validate --rejects`` streams it to disk.
"""

from __future__ import annotations

import csv
import heapq
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REJECT_COLUMNS = ["row", "column", "raw_value", "reason"]
WARNING_COLUMNS = ["row", "column", "raw_value", "warning"]

__all__ = ["REJECT_COLUMNS", "WARNING_COLUMNS", "LoadResult", "RejectLog", "reason_key",
           "empty_rejects", "empty_warnings"]


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in REJECT_COLUMNS})


def empty_warnings() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in WARNING_COLUMNS})


def reason_key(reason, raw) -> str:
    """The reason as counted in ``rejects_by_reason``: a raw value quoted inside it (as some
    messages still do, e.g. "unknown country 'Atlantide'") is replaced by "…", so rows with
    the same problem group together whatever their text."""
    reason = "" if reason is None else str(reason)
    if isinstance(raw, str) and raw and ("'" in reason or '"' in reason):
        reason = reason.replace(repr(raw), "…").replace(repr(raw.strip()), "…")
    return reason


class RejectLog:
    """Rejected rows appended as they are found: temporary CSV files (deleted with the log),
    one bit per row number (to count distinct rejected rows), and the count per reason.

    ``append((row, column, raw_value, reason))`` takes the same tuples (or dicts) the
    loaders put in lists. Lines are written to a run (a temporary file) while their row
    numbers increase; a lower row number (a check that runs after the pass, such as
    duplicates) starts a new run, and reading merges the runs back in row order, so nothing
    is held in memory per rejected row.
    """

    MAX_RUNS = 32  # beyond this, out-of-order lines are kept in memory (never reached by the loaders)

    def __init__(self):
        self._runs: list = []
        self._writer = None
        self._seen = bytearray()  # bit n set: row n has a reject line
        self._distinct = self._lines = 0
        self._late: list[tuple] = []
        self._last = None
        self.by_reason: Counter = Counter()

    def append(self, item) -> None:
        if isinstance(item, dict):
            item = tuple(item.get(c) for c in REJECT_COLUMNS)
        row, column, raw, reason = item
        row = int(row)
        raw = None if raw is None else str(raw)
        column = None if column is None else str(column)
        self._count(row)
        self.by_reason[reason_key(reason, raw)] += 1
        if self._last is None or row < self._last:
            if len(self._runs) >= self.MAX_RUNS:
                self._late.append((row, column, raw, reason))
                return
            fh = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")
            self._runs.append(fh)
            self._writer = csv.writer(fh)
        self._last = row
        self._writer.writerow([row, _out(column), _out(raw), reason])

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    def _count(self, row: int) -> None:
        byte, mask = row >> 3, 1 << (row & 7)
        if byte >= len(self._seen):
            self._seen.extend(bytes(byte + 1 - len(self._seen) + len(self._seen) // 2))  # amortised growth
        if not self._seen[byte] & mask:
            self._seen[byte] |= mask
            self._distinct += 1
        self._lines += 1

    def __len__(self) -> int:
        """Reject lines (a row may have several)."""
        return self._lines

    @property
    def rejected(self) -> int:
        """Distinct rejected rows."""
        return self._distinct

    def _read_run(self, fh):
        end = fh.tell()
        fh.seek(0)
        try:
            for r in csv.reader(fh):
                yield int(r[0]), _in(r[1]), _in(r[2]), r[3]
        finally:
            fh.seek(end)

    def __iter__(self):
        """(row, column, raw_value, reason) in row order (stable within a run)."""
        runs = [self._read_run(fh) for fh in self._runs]
        if self._late:
            runs.append(iter(sorted(self._late, key=lambda t: t[0])))
        yield from heapq.merge(*runs, key=lambda t: t[0])

    def __reduce__(self):  # a temporary file does not pickle: carry the lines
        return _rebuild, (list(self),)

    def frame(self) -> pd.DataFrame:
        """The log as a rejects table (REJECT_COLUMNS, object dtype, sorted by row)."""
        if not len(self):
            return empty_rejects()
        return pd.DataFrame(list(self), columns=REJECT_COLUMNS).astype(object)


def _out(v):
    return "" if v is None else v


def _in(v):
    """An empty cell is read back as None (no column / no raw value)."""
    return v or None


def _rebuild(items) -> RejectLog:
    log = RejectLog()
    log.extend(items)
    return log


class _Rejects:
    """``LoadResult.rejects``: set to a table or a :class:`RejectLog`; read, always a table
    (a log is read into one the first time, and kept for counting and streaming)."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return None  # the dataclass default: no rejects
        table = obj.__dict__.get("_rejects_table")
        if table is None:
            log = obj.__dict__.get("reject_log")
            table = log.frame() if log is not None else empty_rejects()
            obj.__dict__["_rejects_table"] = table
        return table

    def __set__(self, obj, value):
        if value is None:
            value = empty_rejects()
        if isinstance(value, RejectLog):
            obj.__dict__["reject_log"], obj.__dict__["_rejects_table"] = value, None
        else:
            obj.__dict__["reject_log"], obj.__dict__["_rejects_table"] = None, value


@dataclass
class LoadResult:
    """Canonical observations plus one reject line per input row that could not be used.

    - ``observations``: canonical schema (``traffickstats.schema.COLUMNS``)
    - ``rejects``: one line per rejected input row: row (1-based as a spreadsheet shows it),
      column, raw_value, reason (a loader may pass a :class:`RejectLog`; ``reject_log`` then
      keeps it for counting and streaming without building the table)
    - ``warnings``: rows kept but flagged (damaged text, duplicates resolved by rule, ...)
    - ``records``: optional row-level normalised table (e.g. CTDC victims) for further analysis
    - ``source``: a Source record (see ``schema.Source``) describing the file's publisher/version
    """

    path: Path
    format: str
    rows_read: int
    observations: pd.DataFrame
    rejects: pd.DataFrame = _Rejects()
    warnings: pd.DataFrame = field(default_factory=empty_warnings)
    source_version: str | None = None
    source: dict = field(default_factory=dict)
    records: pd.DataFrame | None = None
    #: country / citizenship labels no names file or table resolved: column, label, rows,
    #: first_row (``traffickstats data harmonize`` lists them with suggestions)
    unresolved: list[dict] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        log = self.__dict__.get("reject_log")
        if log is not None:
            return log.rejected
        return int(self.rejects["row"].nunique()) if len(self.rejects) else 0

    @property
    def accepted(self) -> int:
        return self.rows_read - self.rejected

    @property
    def observation_count(self) -> int:
        """Rows of ``observations`` (a result that does not keep the table gives the count)."""
        return int(len(self.observations))

    @property
    def censored(self) -> int:
        obs = self.observations
        return int(obs["censored"].sum()) if "censored" in obs and len(obs) else 0

    def rejects_by_reason(self) -> dict[str, int]:
        """Rejected lines per reason (see :func:`reason_key`), most frequent first."""
        log = self.__dict__.get("reject_log")
        if log is not None:
            counts = log.by_reason
        else:
            rej = self.rejects
            counts = Counter(reason_key(r, v) for r, v in zip(rej["reason"], rej["raw_value"])) if len(rej) else {}
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def iter_rejects(self):
        """(row, column, raw_value, reason) tuples in row order, without building a table for a log."""
        log = self.__dict__.get("reject_log")
        if log is not None:
            yield from log
            return
        yield from self.rejects[REJECT_COLUMNS].itertuples(index=False, name=None)

    def summary(self) -> dict:
        """The fields `traffickstats data validate --json` prints (names are stable)."""
        return {
            "path": str(self.path),
            "format": self.format,
            "source_version": self.source_version,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "censored": self.censored,
            "observations": self.observation_count,
            "warnings": int(len(self.warnings)),
            "unresolved_labels": len(self.unresolved),
            "rejects_by_reason": self.rejects_by_reason(),
        }
