"""The user's own CSV or Excel table, read through a small YAML mapping into observations.

A ministry, an NGO or a journalist brings a table; the mapping says which column is which
schema field, what is constant for the whole file, how local labels translate, and how to
read numbers. Example (``victimes.yaml``)::

    columns:                # file column -> schema field (traffickstats.schema.COLUMNS)
      Pays: geo             # names in French, English or Arabic, or ISO codes
      Année: period_start   # a year, "2016-2018", "3 août 2016", "janvier 2021", 2016-08-03
      Victimes: value       # "1 234", "1,5", "<5" (censored), "environ 30", read with `locale`
      Sexe: sex
    constants:              # the same for every row
      indicator: trafficking_victims_detected
      measure: detected_count
      unit: persons
      source_id: inltp_2021
      evidence: primary
    values:                 # local labels -> vocabulary, per field
      sex: {Femmes: female, Hommes: male}
    locale: fr              # fr or en: decides "1,192" (1.192 or 1192); omit if unambiguous
    sheet: Feuil1           # Excel only: sheet name or 0-based index (default: the first)
    source:                 # optional: becomes the source record (schema.Source)
      publisher: Instance nationale de lutte contre la traite des personnes
      title: Rapport annuel 2021
      year: 2022
      url: https://example.org/rapport-2021.pdf

Required, from ``columns`` or ``constants``: indicator, measure, unit, geo, period_start,
value, source_id, evidence. Defaults: ``geo_scheme: iso3`` (then ``geo`` and
``citizenship`` are converted with :func:`traffickstats.geo.to_iso3`), ``period_end`` =
``period_start`` (or the end of a "2016-2018" range), ``period_kind: annual``, sex / age /
form ``total``. A mapping problem (unknown key or field, missing required field, a column
the file lacks) raises ``DataFileError`` naming the mapping file and the key.

Reading: UTF-8, UTF-8 with BOM and UTF-16 with BOM are recognised; anything else that is
not valid UTF-8 is read as cp1252 (Windows Latin-1, what Excel writes for French) and the
summary says so (``encoding``). The separator (``;``, ``,`` or tab) is chosen from the header
line (``separator`` in the summary): ``csv.Sniffer`` is not used because decimal commas
("1,5") fool it. ``.xlsx``/``.xlsm``/``.xls``/``.ods`` files are read with calamine.

Periods keep the precision the file gives ("janvier 2021" is the month 2021-01, a date is
its day); a month or a day with no ``period_kind`` in the mapping is ``part_year`` (a count
over part of a year) or, for a population or a modelled stock, ``point_in_time``.

Values keep what the file says around the number (``numbers.ParsedNumber.as_reported``):
"environ 30" is 30 ``approximately``, "plus de 100" is 100 ``more_than``, "au moins 63" is
63 ``at_least``, "jusqu'à 40" is 40 ``at_most``; "<5" or "moins de 5" in a count is a
censored cell (1 to 4, no value), as sources write suppressed small counts.

Every cell that cannot be used rejects its row with row, column, raw value and reason
(e.g. row 4, column "Victimes", raw value "1,192", reason "ambiguous number: pass locale:
fr or en in the mapping"). Reasons are the same words for every row with the problem, so
``rejects_by_reason`` groups them. Then, per the plausibility rules of
:mod:`.plausible`: a negative figure, or a count above the population of its place (or
10 billion), is rejected with the value's column and raw text.

Duplicates are never summed. Rows that give the same observation (every schema field but
the figure, the note and the evidence) are reported in ``rejects``: when they also give
the same figure, the first is kept and each later copy is rejected ("duplicate row"), since
keeping both would double a total; when their figures differ, every row of that
observation is rejected ("conflicting rows"), since the file does not say which is right.

Large files are streamed: rows are read one at a time (``csv.reader``, which keeps the row
numbers, the encodings and the ragged rows above), converted and checked in chunks of
:data:`CHUNK` rows, and rejected rows go to a :class:`~.result.RejectLog` (a temporary
file). :func:`check_csv` (``traffickstats data validate``) keeps nothing of an accepted
chunk but its counts and a 64-bit hash of each row's observation key: rows whose hash
repeats are read again and judged as above, so its memory does not grow with the table
(16 bytes an accepted row for the hashes). :func:`load_csv` returns the table, its text
columns (:data:`CATEGORICAL`) as pandas categoricals, one small code per row: compare and
filter them as text (``obs["geo"] == "TUN"``); :func:`traffickstats.schema.plain` gives the
schema's ``str`` columns back, and the guard and disclosure control call it before writing
new labels.

Text from the file (names, notes, categories) is kept verbatim, markup included: escaping is
the renderer's job, and nothing here evaluates it.

The parts live by idea: :mod:`.mapping` reads and checks the mapping, :mod:`.tablefile`
reads the file (encoding, separator, sheet), :mod:`.dates` reads periods and
:mod:`.cells` says what a cell is; this module turns rows into observations.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
from pandas.api.types import union_categoricals

from .. import geo
from ..errors import AmbiguousNumberError, DataFileError, NumberParseError
from ..numbers import parse_number
from ..schema import COLUMNS, COUNT_MEASURES, conform
from . import plausible
from .cells import cell_text, fold, is_empty
from .dates import is_whole_years, parse_period
from .mapping import CHOICES, DEFAULTS, REQUIRED, SNAKE, YEARS, Mapping, read_mapping
from .result import WARNING_COLUMNS, LoadResult, RejectLog
from .tablefile import EXCEL_SUFFIXES, open_table

__all__ = ["load_csv", "check_csv", "read_mapping", "parse_period", "UserFileResult", "UserFileCheck",
           "REQUIRED", "EXCEL_SUFFIXES", "CHUNK", "OBSERVATION_KEY", "CATEGORICAL"]

_CITIZENSHIP_TOKENS = {"nationals", "foreign", "eu_other", "non_eu", "unknown", "total"}
_COUNT_MEASURES = {*COUNT_MEASURES, "population"}
_COUNT_UNITS = {"persons", "cases", "notifications"}
#: Rows converted, checked against the schema and released together (10,000: about 20 MB in flight).
CHUNK = 10_000
#: Rejected rows held before they are written to the log when no accepted row waits for checks.
_REJECTS_HELD = 1_000
#: What makes two rows the same observation (everything but the figure, note and evidence).
OBSERVATION_KEY = ["indicator", "measure", "basis", "geo", "geo_scheme", "citizenship", "period_start",
                   "period_end", "period_kind", "sex", "age", "form", "unit", "base", "source_id"]
_FIGURE = ["value", "lower", "upper", "censored", "qualifier"]
#: Text columns held as categoricals in ``load_csv``'s tables (labels repeat down a file).
CATEGORICAL = ["indicator", "measure", "basis", "geo", "geo_scheme", "citizenship", "period_start", "period_end",
               "period_kind", "sex", "age", "form", "qualifier", "unit", "base", "evidence", "source_id", "fact_id",
               "note"]
R_DUPLICATE = "duplicate row: the same observation and figure as an earlier row (the first is kept)"
R_CONFLICT = ("conflicting rows: the same observation with different figures (all rejected: the file "
              "does not say which is right)")


@dataclass
class UserFileResult(LoadResult):
    """A LoadResult that also says how the file was read (encoding, separator, sheet)."""

    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None

    def summary(self) -> dict:
        out = super().summary()
        out.update(encoding=self.encoding, separator=self.separator, sheet=self.sheet)
        return out


@dataclass
class UserFileCheck(UserFileResult):
    """What :func:`check_csv` returns: a UserFileResult without the tables (``observations`` and
    ``records`` are None), with the number of observations and of censored ones."""

    n_observations: int = 0
    n_censored: int = 0

    @property
    def observation_count(self) -> int:
        return self.n_observations

    @property
    def censored(self) -> int:
        return self.n_censored


class _Reject(Exception):
    """One unusable cell: the message is the reject reason."""


class _RowReject(Exception):
    """One unusable row: the column, raw cell and reason that go to ``rejects``."""

    def __init__(self, column, raw, reason):
        super().__init__(reason)
        self.column, self.raw, self.reason = column, raw, reason


def _number(cell, locale):
    """A ParsedNumber (text) or a float (a number cell from Excel)."""
    if isinstance(cell, bool):
        raise _Reject("not a number")
    if isinstance(cell, (int, float)):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise _Reject("not a number")
        return float(cell)
    parsed = _parsed_number(str(cell), locale)
    if isinstance(parsed, str):
        raise _Reject(parsed)
    return parsed


@lru_cache(maxsize=4096)
def _parsed_number(text: str, locale):
    """parse_number, or the reject reason (a str): the same texts recur down a column."""
    try:
        return parse_number(text, locale=locale)
    except AmbiguousNumberError:
        return "ambiguous number: pass locale: fr or en in the mapping"
    except NumberParseError as exc:
        return f"not a number: {exc.reason}"
    except (ValueError, ArithmeticError, OverflowError):  # defensive: any odd text is one bad cell
        return "not a number"


@lru_cache(maxsize=4096)
def _period_of(cell, locale):
    """parse_period, or the reject reason (a str)."""
    try:
        return parse_period(cell, locale)
    except ValueError as exc:
        return str(exc)


def _figure(number, count: bool) -> dict:
    """value / lower / upper / censored / qualifier / unit of a parsed cell."""
    if isinstance(number, float):
        return {"value": number, "lower": None, "upper": None, "censored": False, "qualifier": None, "unit": None}
    return {**number.as_reported(count=count), "unit": number.unit}


# --- load -------------------------------------------------------------------------------------

def _header_index(header: list, mapping: Mapping, path: Path) -> dict[str, int]:
    """Field -> column index; matching is exact, then case/accent/space-insensitive."""
    names = [cell_text(h) if not is_empty(h) else "" for h in header]
    exact = {n: i for i, n in enumerate(names)}
    folded: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        folded.setdefault(fold(" ".join(n.split())), []).append(i)
    out = {}
    for col, field in mapping.columns.items():
        if names.count(col) > 1:
            raise DataFileError(path, f"column {col!r} (mapping {mapping.name}) appears "
                                f"{names.count(col)} times in the header", row=1, column=col)
        if col in exact:
            out[field] = exact[col]
            continue
        hits = folded.get(fold(" ".join(col.split())), [])
        if len(hits) != 1:
            raise DataFileError(path, f"the mapping {mapping.name} names column {col!r} (key "
                                f"columns.{col}) but the header has "
                                + ("it several times" if hits else f"no such column (columns: {', '.join(names)})"),
                                row=1)
        out[field] = hits[0]
    return out


def load_csv(path, mapping, names=None, chunk: int | None = None) -> UserFileResult:
    """Read a user's CSV/Excel file through ``mapping`` (a YAML path or a dict).

    ``records``: accepted rows as canonical columns plus ``row`` (spreadsheet row number), so
    every data row is either in ``records`` or in ``rejects``. Columns of repeated labels
    (:data:`CATEGORICAL`) are pandas categoricals (see the module docstring). ``chunk``: rows
    converted and checked together (default :data:`CHUNK`). Raises ``DataFileError`` for a
    file or mapping that cannot be used at all.
    """
    p = _Pass(path, mapping, names, chunk)
    runs, keys = [], _Keys()
    for records in p.chunks():
        keys.add(records)
        runs.append((1, _compact(records)))
        while len(runs) > 1 and runs[-1][0] == runs[-2][0]:  # merged as a binary counter counts:
            (n, a), (_, b) = runs.pop(-2), runs.pop()       # few large tables, not one per chunk
            runs.append((2 * n, _concat([a, b])))
    records = _concat([t for _, t in runs]) if runs else _compact(_empty_records())
    twice, _ = keys.repeated()
    del keys
    if len(twice):
        candidates = records[records["row"].isin(twice)]  # categoricals of one table: compared by code
        records = records.drop(index=_duplicates(candidates, p.m, p.log))
    obs = records.drop(columns=["row", "_raw"]).reset_index(drop=True)
    records = records.drop(columns=["_raw"]).reset_index(drop=True)
    return p.result(UserFileResult, observations=obs, records=records)


def check_csv(path, mapping, names=None, chunk: int | None = None) -> UserFileCheck:
    """What ``traffickstats data validate`` needs from a user's file, in bounded memory: the
    counts, the rejects (streamed to a :class:`~.result.RejectLog`), the label review and the
    duplicates, the same as :func:`load_csv` gives, without keeping the observation table.

    Each chunk of accepted rows is counted and reduced to a 64-bit hash of its observation key
    and its row number (16 bytes a row). Only when some hash repeats, those rows are read
    again, chunk by chunk, down to 128-bit hashes of their key and figure (the rules of the
    module docstring applied to hashes: two different keys or figures share them with a
    chance of about 1 in 10^38), and a last read takes the raw value of each rejected copy.
    """
    p = _Pass(path, mapping, names, chunk)
    keys, accepted, censored = _Keys(), 0, 0
    for records in p.chunks():
        keys.add(records)
        accepted += len(records)
        censored += int(records["censored"].sum())
    twice, hashes = keys.repeated()  # in row order
    del keys
    if len(twice):
        # the repeated rows judged in as many passes as keep their identities under the budget,
        # each pass taking the keys of one share of the hashes (a key is never split)
        passes = -(-len(twice) * _Identities.ROW_BYTES // _IDENTITY_BUDGET)
        again, found = None, []
        for i in range(passes):
            again = _Pass(path, mapping, p.names, chunk)  # its rejects and review were counted already
            ids = _Identities()
            for records in again.chunks(only=twice[hashes % np.uint64(passes) == i] if passes > 1 else twice):
                ids.add(records)
            found.append(_judge(ids.take()))
            del ids
        del hashes
        gone = np.concatenate([g for g, _, _ in found])
        conflict = np.concatenate([c for _, c, _ in found])
        back = np.argsort(gone, kind="stable")
        gone, conflict = gone[back], conflict[back]
        accepted -= len(gone)
        censored -= sum(n for _, _, n in found)
        column = next((c for c, f in p.m.columns.items() if f == "value"), "constants.value")
        p.log.extend((row, column, raw, R_CONFLICT if c else R_DUPLICATE)
                     for (row, raw), c in zip(again.raw_values(gone), conflict.tolist()))
    return p.result(UserFileCheck, observations=None, records=None, n_observations=accepted,
                    n_censored=censored)


_SECOND_KEY = "traffickstats-k2"  # pandas hashes with a 16-byte key: a second one for 128 bits


#: Bytes of row identities held at once when judging repeated rows (more: more passes).
_IDENTITY_BUDGET = 48 << 20


class _Identities:
    """(row, key hash x2, figure hash x2, censored) of accepted records, 128-bit identities, in
    growing buffers."""

    ROW_BYTES = 41

    def __init__(self):
        self.buffers = [array("q"), array("Q"), array("Q"), array("Q"), array("Q"), array("b")]

    def add(self, records: pd.DataFrame) -> None:
        figure = records[_FIGURE].copy()
        for c in ("value", "lower", "upper"):  # NaN as one value, -0.0 as 0.0 (as pandas compares them)
            figure[c] = figure[c].fillna(np.inf) + 0.0
        key, h = records[OBSERVATION_KEY], pd.util.hash_pandas_object
        parts = (records["row"].to_numpy(dtype="int64"), h(key, index=False).to_numpy(),
                 h(key, index=False, hash_key=_SECOND_KEY).to_numpy(), h(figure, index=False).to_numpy(),
                 h(figure, index=False, hash_key=_SECOND_KEY).to_numpy(), records["censored"].to_numpy(dtype="int8"))
        for buf, part in zip(self.buffers, parts):
            buf.frombytes(part.tobytes())

    def take(self) -> list[np.ndarray]:
        """The identities as arrays (row, k1, k2, f1, f2, censored); the object lets go of them."""
        buffers, self.buffers = self.buffers, []
        return [np.frombuffer(b, dtype=d) for b, d in zip(buffers, ("int64", "uint64", "uint64", "uint64",
                                                                     "uint64", "int8"))]


def _judge(ids: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, int]:
    """(rejected rows in row order, whether each is a conflict, how many were censored): the
    rules of :func:`_duplicates` on identities (row, k1, k2, f1, f2, censored), with arrays
    rather than tables; ``ids`` is emptied, each array reordered then released in turn."""
    order = np.lexsort((ids[0], ids[2], ids[1]))  # by key (k1, k2), then row: the first of a key is its first row
    row, k1, k2, f1, f2, censored = (ids.pop(0) for _ in range(6))
    row, k1, k2 = row[order], k1[order], k2[order]
    start = np.ones(len(row), dtype=bool)
    start[1:] = (k1[1:] != k1[:-1]) | (k2[1:] != k2[:-1])
    del k1, k2
    first = np.flatnonzero(start)
    group = np.cumsum(start) - 1
    f1 = f1[order]
    differs = f1 != f1[first][group]
    del f1
    f2 = f2[order]
    differs |= f2 != f2[first][group]
    del f2
    censored = censored[order]
    del order
    several = np.diff(np.append(first, len(row))) > 1
    conflict = (np.logical_or.reduceat(differs, first) & several)[group] if len(first) else differs
    gone = conflict | (~start & several[group])
    del group, start, differs
    row, conflict = row[gone], conflict[gone]
    back = np.argsort(row, kind="stable")
    return row[back], conflict[back], int(censored[gone].sum())


class _Pass:
    """One read of a user's file: rows converted and checked chunk by chunk, rejects to ``log``,
    label review to ``review``."""

    def __init__(self, path, mapping, names, chunk):
        self.path = Path(path)
        self.m = read_mapping(mapping)
        self.names = geo.read_names(names) if names is not None and not isinstance(names, geo.Names) else names
        self.chunk = chunk or CHUNK
        self.log, self.review, self.n_data, self.table = RejectLog(), [], 0, None

    def _open(self):
        """(rows after the header, field -> column index, header width)."""
        path, m = self.path, self.m
        table = self.table = open_table(path, m.sheet)
        rows = iter(table.rows)
        # the header is the first non-empty row; row numbers are 1-based spreadsheet rows
        header = next((cells for _, cells in rows if any(not is_empty(c) for c in cells)), None)
        if header is None:
            raise DataFileError(path, "the file has no header row")
        index = _header_index(header, m, path)
        width = len(header)
        while width and is_empty(header[width - 1]):  # trailing empty header cells (Excel)
            width -= 1
        return rows, index, width

    def raw_values(self, wanted: np.ndarray):
        """(row, raw value text) of the rows ``wanted`` (increasing row numbers)."""
        rows, index, _ = self._open()
        j = 0
        for rownum, cells in rows:
            while j < len(wanted) and wanted[j] < rownum:
                j += 1
            if j == len(wanted):
                return
            if wanted[j] == rownum:
                yield rownum, _raw_of(cells, index, "value")

    def chunks(self, only: np.ndarray | None = None):
        """Accepted records (``row`` first, ``_raw`` last) of each chunk; ``only``: the row
        numbers to convert, increasing (the others are counted and skipped)."""
        m = self.m
        rows, index, width = self._open()
        table, j = self.table, 0
        batch: list[tuple[int, dict]] = []   # accepted so far in this chunk
        raws: dict[int, list] = {}           # their cells, to name the raw value of a later reject
        pending: list[tuple] = []            # this chunk's rejects, written in row order at the flush
        blank = _blank_text if table.encoding else _blank_cells
        for rownum, cells in rows:
            if blank(cells):
                continue  # a blank line is not a row
            self.n_data += 1
            if only is not None:
                while j < len(only) and only[j] < rownum:
                    j += 1
                if j == len(only) or only[j] != rownum:
                    continue
            # extra cells are tolerated only when empty (trailing separators, Excel's used range)
            if len(cells) < width or (len(cells) > width and not blank(cells[width:])):
                pending.append((rownum, None, _preview(cells, table.separator),
                                f"row has {len(cells)} cells, the header has {width}"))
            else:
                try:
                    batch.append((rownum, _row(cells, index, m)))
                    raws[rownum] = cells
                except _RowReject as exc:
                    pending.append((rownum, exc.column, exc.raw, exc.reason))
            if len(batch) >= self.chunk or len(pending) >= (self.chunk if batch else _REJECTS_HELD):
                records = _flush(batch, raws, pending, m, index, self.log, self.names, self.review)
                batch, raws, pending = [], {}, []
                if records is not None:
                    yield records
        records = _flush(batch, raws, pending, m, index, self.log, self.names, self.review)
        if records is not None:
            yield records
        if not self.review:  # no row reached the places: the names file is still reviewed against the file
            self.review.append(([], []))
            _places([], [], m, self.names, *self.review[0])

    def result(self, cls, **fields):
        warns, unresolved = _merge_review(self.review)
        table = self.table
        return cls(path=self.path, format="csv", rows_read=self.n_data, rejects=self.log, source_version=None,
                   source=self.m.source_record(), encoding=table.encoding,
                   warnings=pd.DataFrame(warns, columns=WARNING_COLUMNS).astype(object), unresolved=unresolved,
                   separator={"\t": "tab"}.get(table.separator, table.separator), sheet=table.sheet, **fields)


class _Keys:
    """A 64-bit hash of each accepted row's observation key, with its row number: 16 bytes a
    row in two growing buffers (``array`` grows in place, no list of chunks to join)."""

    def __init__(self):
        self.hashes, self.rows = array("Q"), array("q")

    def add(self, records: pd.DataFrame) -> None:
        """Equal keys give equal hashes, in any chunk (the records of every chunk have the same dtypes)."""
        self.hashes.frombytes(pd.util.hash_pandas_object(records[OBSERVATION_KEY], index=False).to_numpy().tobytes())
        self.rows.frombytes(records["row"].to_numpy(dtype="int64").tobytes())

    def repeated(self) -> tuple[np.ndarray, np.ndarray]:
        """(row numbers, increasing, whose hash appears more than once; their hashes), found by
        sorting a copy of the hashes: no hash table per row."""
        hashes = np.frombuffer(self.hashes, dtype=np.uint64)
        ordered = np.sort(hashes)
        same = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        del ordered
        if not len(same):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
        mask = same[np.searchsorted(same, hashes).clip(max=len(same) - 1)] == hashes  # np.isin sorts a copy of both
        return np.frombuffer(self.rows, dtype=np.int64)[mask], hashes[mask]


def _compact(records: pd.DataFrame) -> pd.DataFrame:
    """Columns of repeated labels as categoricals (one small code per row instead of a pointer)."""
    return records.astype({c: "category" for c in CATEGORICAL + ["_raw"]})


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks as one table, column by column (each chunk's column freed once copied), with the
    categories of every chunk (sorted, as ``astype("category")`` sorts them)."""
    columns = list(parts[0].columns)
    out = {}
    for c in columns:
        pieces = [p.pop(c) for p in parts]
        if isinstance(pieces[0].dtype, pd.CategoricalDtype):
            out[c] = pd.Series(union_categoricals(pieces, sort_categories=True))
        else:
            out[c] = pd.concat(pieces, ignore_index=True)
        del pieces
    return pd.DataFrame(out, copy=False)


def _flush(batch, raws, pending, m: Mapping, index, log: RejectLog, names, review: list) -> pd.DataFrame | None:
    """Convert places, check plausibility and the schema for one chunk; its rejects go to the log
    in row order and its label review to ``review``; returns its accepted records (or None)."""
    kept = []
    if batch:
        warns, unresolved = [], []
        kept = _places(batch, pending, m, names, warns, unresolved)
        review.append((warns, unresolved))
    kept = _plausible(kept, raws, pending, m, index)
    records = _validate(kept, raws, pending, m, index) if kept else None
    pending.sort(key=lambda t: t[0])
    log.extend(pending)
    return records if records is not None and len(records) else None


def _merge_review(review: list[tuple[list, list]]) -> tuple[list[dict], list[dict]]:
    """The label review of every chunk as one for the file: an unresolved label once (rows
    added up, its first row), a warning once (its first row), and a names-file line reported
    as unused only when no chunk used it."""
    if len(review) == 1:
        return review[0]
    labels: dict[tuple, dict] = {}
    for _, unresolved in review:
        for rec in unresolved:
            key = (rec["column"], rec["label"])
            if key in labels:
                labels[key]["rows"] += rec["rows"]
                labels[key]["first_row"] = min(labels[key]["first_row"], rec["first_row"])
            else:
                labels[key] = dict(rec)
    warns: dict[tuple, dict] = {}
    seen: dict[tuple, int] = {}
    for chunk_warns, _ in review:
        for w in chunk_warns:
            key = (w["column"], w["raw_value"], w["warning"])
            seen[key] = seen.get(key, 0) + 1
            if key not in warns or (w["row"] is not None and (warns[key]["row"] is None or w["row"] < warns[key]["row"])):
                warns[key] = dict(w)
    unused_somewhere = [k for k in warns if k[0] == "names file" and "is not used by this dataset" in k[2]]
    for key in unused_somewhere:
        if seen[key] < len(review):  # another chunk used it
            del warns[key]
    return list(warns.values()), list(labels.values())


def _empty_records() -> pd.DataFrame:
    obs = conform(pd.DataFrame(columns=COLUMNS))
    obs.insert(0, "row", pd.Series(dtype="int64"))
    obs["_raw"] = pd.Series(dtype=object)
    return obs


def _blank_text(cells: list[str]) -> bool:
    """No cell holds anything but spaces (cells of a text file are strings)."""
    return not "".join(cells).strip()


def _blank_cells(cells: list) -> bool:
    return all(is_empty(c) for c in cells)


def _preview(cells, sep, limit: int = 200) -> str:
    """The row as the file wrote it, cut to ``limit`` characters (the raw value of a ragged row)."""
    out, size = [], 0
    for c in cells:
        text = "" if is_empty(c) else str(c)
        out.append(text)
        size += len(text) + 1
        if size > limit:
            break
    return (sep or ";").join(out)[:limit]


def _raw_of(cells, index, field):
    j = index.get(field)
    if j is None or j >= len(cells) or is_empty(cells[j]):
        return None
    return cell_text(cells[j])


def _row(cells: list, index: dict[str, int], m: Mapping) -> dict:
    """One data row -> canonical fields (geo still raw); raises _RowReject on the first bad cell."""
    out: dict[str, object] = {f: v for f, v in m.constants.items()}
    column_of = {f: c for c, f in m.columns.items()}
    for field, j in index.items():
        cell = cells[j] if j < len(cells) else None
        col = column_of[field]
        try:
            out[field] = _cell(field, cell, m)
        except _Reject as exc:
            raise _RowReject(col, None if is_empty(cell) else cell_text(cell), str(exc)) from None
    for field, default in DEFAULTS.items():
        if out.get(field) is None:
            out[field] = default
    _period(out, m, column_of)
    number = out.pop("value")
    value_col = column_of.get("value", "constants.value")
    raw_value = _raw_of(cells, index, "value") if "value" in index else str(number)
    if not isinstance(number, float) and not hasattr(number, "as_reported"):  # a constant value
        try:
            number = _number(number, m.locale)
        except _Reject as exc:
            raise _RowReject(value_col, raw_value, str(exc)) from None
    count = out.get("measure") in _COUNT_MEASURES and out.get("unit") in _COUNT_UNITS
    fig = _figure(number, count)
    unit = fig.pop("unit")
    if unit and unit != out.get("unit"):
        raise _RowReject(value_col, raw_value, f"the value is written in {unit} but the unit is {out.get('unit')!r}")
    if count and fig["value"] is not None and not float(fig["value"]).is_integer():
        # "1,192" read with locale fr is 1.192 persons: a count is whole, so the locale is wrong
        raise _RowReject(value_col, raw_value, f"not a whole number of {out.get('unit')}: check the locale "
                         "(fr: 1,5 = 1.5; en: 1,192 = 1192)")
    for key in ("qualifier", "censored"):  # a column or constant saying so wins over the wording
        if out.get(key) is None:
            out[key] = fig[key]
    out["value"] = fig["value"]
    for bound in ("lower", "upper"):
        if out.get(bound) is None:
            out[bound] = fig[bound]
        elif isinstance(out[bound], tuple):
            out[bound] = out[bound][0]
    return out


def _period(out: dict, m: Mapping, column_of: dict) -> None:
    """period_start / period_end as ISO text and, unless the mapping says, the period kind."""
    if isinstance(out.get("period_start"), tuple):
        start, end = out["period_start"]
        out["period_start"] = start
        if out.get("period_end") is None:
            out["period_end"] = end
    if isinstance(out.get("period_end"), tuple):
        out["period_end"] = out["period_end"][1]
    if out.get("period_end") is None:
        out["period_end"] = out["period_start"]
    if "period_kind" in m.constants or "period_kind" in column_of:
        return
    start, end = str(out["period_start"]), str(out["period_end"])
    if start[:4] != end[:4]:
        out["period_kind"] = "multi_year"
    elif not is_whole_years(start, end):
        stock = out.get("measure") in ("population", "estimate_stock")
        out["period_kind"] = "point_in_time" if stock else "part_year"


def _cell(field: str, cell, m: Mapping):
    if is_empty(cell):
        if field in ("value", "geo", "period_start", "indicator", "measure", "unit", "source_id", "evidence"):
            raise _Reject(f"{field} is empty")
        return None
    if field == "value":
        return _number(cell, m.locale)
    if field in ("lower", "upper"):
        number = _number(cell, m.locale)
        if not isinstance(number, float):
            if number.censored or number.value is None:
                raise _Reject(f"a {field} bound must be a number, not a range")
            number = number.value
        return number, None, None
    if field in YEARS:
        period = _period_of(m.lookup(field, cell_text(cell)) if isinstance(cell, str) else cell, m.locale)
        if isinstance(period, str):
            raise _Reject(period)
        return period
    if field == "censored":
        key = fold(m.lookup(field, cell_text(cell)))
        if key in ("true", "1", "yes", "oui", "vrai", "x"):
            return True
        if key in ("false", "0", "no", "non", "faux"):
            return False
        raise _Reject("not true/false (oui/non, 1/0, true/false)")
    text = m.lookup(field, cell_text(cell))
    if field in CHOICES and text not in CHOICES[field]:
        raise _Reject(f"not one of {', '.join(CHOICES[field])}: add it under 'values: {field}:' in the mapping")
    if field == "indicator" and not SNAKE.match(text):
        raise _Reject("an indicator is a snake_case word")
    return text


def _places(rows: list[tuple[int, dict]], rejects: list, m: Mapping, names=None, warns=None,
            unresolved=None) -> list[tuple[int, dict]]:
    """Convert geo / citizenship names to ISO3 (distinct names once, through the names file
    first: :func:`traffickstats.geo.resolve_labels`); unknown names reject the row."""
    column_of = {f: c for c, f in m.columns.items()}
    labels = set()
    for _, r in rows:
        if r["geo_scheme"] == "iso3":
            labels.add(r["geo"])
        if r.get("citizenship") and r["citizenship"] not in _CITIZENSHIP_TOKENS:
            labels.add(r["citizenship"])
    distinct = sorted(labels)
    resolved = {f: geo.resolve_labels(distinct, names=names, field_=f) for f in ("geo", "citizenship")}
    first_row: dict = {}
    count: dict = {}
    kept = []
    for rownum, r in rows:
        bad = None
        for field in ("geo", "citizenship"):
            name = r.get(field)
            if field == "geo" and r["geo_scheme"] != "iso3":
                continue
            if not name or (field == "citizenship" and name in _CITIZENSHIP_TOKENS):
                continue
            first_row.setdefault((field, name), rownum)
            count[(field, name)] = count.get((field, name), 0) + 1
            res = resolved[field]
            if res.code.get(name) is None:  # suggestions: in the warnings
                bad = (rownum, column_of.get(field, field), name, f"unknown country {name!r}"
                       if name in res.unresolved else res.reason[name])
                break
            r[field] = res.code[name]
        if bad:
            rejects.append(bad)
        else:
            kept.append((rownum, r))
    if warns is not None:
        for field in ("geo", "citizenship"):
            res, column = resolved[field], column_of.get(field, field)
            seen = [n for (f, n) in first_row if f == field]
            res.unresolved = [n for n in res.unresolved if (field, n) in first_row]
            rows_of = {n: first_row[(field, n)] for n in seen}
            warns.extend(res.review_warnings(column, rows_of, names if field == "geo" else None, distinct))
            unresolved.extend(res.unresolved_records(column, rows_of, {n: count[(field, n)] for n in seen}))
    return kept


def _plausible(rows: list[tuple[int, dict]], raws: dict, rejects: list, m: Mapping, index) -> list:
    """Rows whose figure is possible for what it measures (see :mod:`.plausible`); the others
    are rejected with the column and raw text of the value (or bound) at fault."""
    column_of = {f: c for c, f in m.columns.items()}
    kept = []
    for rownum, r in rows:
        reason = plausible.check(r.get("measure"), r.get("unit"), r.get("geo"), r.get("geo_scheme"),
                                    r.get("value"), r.get("lower"), r.get("upper"))
        if reason is None:
            kept.append((rownum, r))
            continue
        field = next((f for f in ("value", "lower", "upper") if f in index and _alone_implausible(r, f)), "value")
        rejects.append((rownum, column_of.get(field, f"constants.{field}"), _raw_of(raws[rownum], index, field),
                        reason))
    return kept


def _alone_implausible(r: dict, field: str) -> bool:
    """Whether ``field`` (value, lower or upper) is implausible on its own."""
    figure = {"value": None, "lower": None, "upper": None, field: r.get(field)}
    return plausible.check(r.get("measure"), r.get("unit"), r.get("geo"), r.get("geo_scheme"),
                              figure["value"], figure["lower"], figure["upper"]) is not None


def _validate(rows: list[tuple[int, dict]], raws: dict, rejects: list, m: Mapping, index) -> pd.DataFrame:
    """Schema-check accepted rows; rows failing a check move to rejects with the file column
    and raw cell at fault (the value's, for a check across columns). Returns the records
    (``row`` first, ``_raw`` = the raw value text last)."""
    column_of = {f: c for c, f in m.columns.items()}
    frame = pd.DataFrame([r for _, r in rows])
    frame.index = [n for n, _ in rows]
    for _ in range(3):  # a failing row is removed, the rest re-checked
        try:
            obs = conform(frame.reset_index(drop=True))
        except pandera.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            positions = cases["index"].dropna().astype(int).unique() if "index" in cases else []
            if not len(positions):
                raise
            rownums = frame.index[positions]
            for pos, rownum in zip(positions, rownums):
                hits = cases[cases["index"] == pos]
                col = hits["column"].iloc[0] if "column" in hits else None
                field = str(col) if isinstance(col, str) and col in column_of else "value"
                check = hits["check"].iloc[0]
                rejects.append((int(rownum), column_of.get(field, f"constants.{field}"),
                                _raw_of(raws[int(rownum)], index, field), f"fails the observation schema: {check}"))
            frame = frame.drop(index=rownums)
            if not len(frame):
                return _empty_records()
            continue
        records = obs.copy(deep=False)
        records.insert(0, "row", list(frame.index))
        records["_raw"] = [_raw_of(raws[n], index, "value") for n in frame.index]
        return records
    raise DataFileError("<observations>", "rows keep failing the observation schema")


def _duplicates(records: pd.DataFrame, m: Mapping, log: RejectLog) -> pd.Index:
    """Reject later copies of a repeated observation (same figure) and every row of an
    observation given with different figures (see the module docstring); returns the index
    of the rejected records."""
    if len(records) < 2:
        return records.index[:0]
    same_key = records.duplicated(OBSERVATION_KEY, keep=False)
    if not same_key.any():
        return records.index[:0]
    dup = records[same_key]
    ids = pd.DataFrame({"key": dup.groupby(OBSERVATION_KEY, dropna=False, sort=False).ngroup(),
                        "figure": dup.groupby(_FIGURE, dropna=False, sort=False).ngroup()})
    conflict = ids.groupby("key")["figure"].transform("nunique") > 1
    later_copy = dup.duplicated(OBSERVATION_KEY + _FIGURE, keep="first") & ~conflict
    drop = dup.index[conflict | later_copy]
    column = next((c for c, f in m.columns.items() if f == "value"), "constants.value")
    gone = records.loc[drop, ["row", "_raw"]]
    reasons = conflict.loc[drop].map({True: R_CONFLICT, False: R_DUPLICATE})
    log.extend(zip(gone["row"].tolist(), [column] * len(gone), gone["_raw"].tolist(), reasons.tolist()))
    return drop
