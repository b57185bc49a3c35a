"""The user's own CSV or Excel table, read through a small YAML mapping into observations.

A ministry, an NGO or a journalist brings a table; the mapping says which column is which
schema field, what is constant for the whole file, how local labels translate, and how to
read numbers. Example (``victimes.yaml``)::

    columns:                # file column -> schema field (traffickstats.schema.COLUMNS)
      Pays: geo             # names in French, English or Arabic, or ISO codes
      Année: period_start   # a year, "2016-2018", "3 août 2016", "janvier 2021", 2016-08-03
      Victimes: value       # "1 234", "1,5", "<5" (censored), read with `locale`
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

Every cell that cannot be used rejects its row with row, column, raw value and reason
(e.g. "'1,192' is ambiguous: pass locale: fr or en in the mapping"). Text from the file
(names, notes, categories) is kept verbatim, markup included: escaping is the renderer's
job, and nothing here evaluates it.

The parts live by idea: :mod:`.mapping` reads and checks the mapping, :mod:`.tablefile`
reads the file (encoding, separator, sheet), :mod:`.dates` reads periods and
:mod:`.cells` says what a cell is; this module turns rows into observations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.errors

from .. import geo
from ..errors import AmbiguousNumberError, DataFileError, NumberParseError
from ..numbers import parse_number
from ..schema import COLUMNS, COUNT_MEASURES, conform
from .cells import cell_text, fold, is_empty
from .dates import parse_period
from .mapping import CHOICES, DEFAULTS, REQUIRED, SNAKE, YEARS, Mapping, read_mapping
from .result import REJECT_COLUMNS, WARNING_COLUMNS, LoadResult
from .tablefile import EXCEL_SUFFIXES, read_table

__all__ = ["load_csv", "read_mapping", "parse_period", "UserFileResult", "REQUIRED", "EXCEL_SUFFIXES"]

_CITIZENSHIP_TOKENS = {"nationals", "foreign", "eu_other", "non_eu", "unknown", "total"}
_COUNT_MEASURES = {*COUNT_MEASURES, "population"}
_COUNT_UNITS = {"persons", "cases", "notifications"}


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


class _Reject(Exception):
    """One unusable cell: the message is the reject reason."""


class _RowReject(Exception):
    """One unusable row: the column, raw cell and reason that go to ``rejects``."""

    def __init__(self, column, raw, reason):
        super().__init__(reason)
        self.column, self.raw, self.reason = column, raw, reason


def _number(cell, locale):
    """ParsedNumber-like (value, lower, upper, censored, unit) from a cell."""
    if isinstance(cell, bool):
        raise _Reject(f"{cell!r} is not a number")
    if isinstance(cell, (int, float)):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise _Reject(f"{cell!r} is not a number")
        return float(cell), None, None, False, None
    text = str(cell)
    try:
        p = parse_number(text, locale=locale)
    except AmbiguousNumberError:
        raise _Reject(f"{text.strip()!r} is ambiguous: pass locale: fr or en in the mapping") from None
    except NumberParseError as exc:
        raise _Reject(f"not a number: {exc}") from None
    except (ValueError, ArithmeticError, OverflowError) as exc:  # defensive: any odd text is one bad cell
        raise _Reject(f"{text.strip()!r} is not a number ({exc})") from None
    return p.value, p.lower, p.upper, p.censored, p.unit


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


def load_csv(path, mapping, names=None) -> UserFileResult:
    """Read a user's CSV/Excel file through ``mapping`` (a YAML path or a dict).

    ``records``: accepted rows as canonical columns plus ``row`` (spreadsheet row number), so
    every data row is either in ``records`` or in ``rejects``. Raises ``DataFileError`` for a
    file or mapping that cannot be used at all.
    """
    path = Path(path)
    m = read_mapping(mapping)
    table, encoding, sep, sheet = read_table(path, m.sheet)
    # the header is the first non-empty row; row numbers are 1-based spreadsheet rows
    start = next((i for i, r in enumerate(table) if any(not is_empty(c) for c in r)), None)
    if start is None:
        raise DataFileError(path, "the file has no header row")
    header = table[start]
    index = _header_index(header, m, path)
    width = len(header)
    while width and is_empty(header[width - 1]):  # trailing empty header cells (Excel)
        width -= 1

    rows, rejects, n_data = [], [], 0
    for i in range(start + 1, len(table)):
        cells, rownum = table[i], i + 1
        if not cells or all(is_empty(c) for c in cells):
            continue  # a blank line is not a row
        n_data += 1
        # extra cells are tolerated only when empty (trailing separators, Excel's used range)
        if len(cells) < width or (len(cells) > width and not all(is_empty(c) for c in cells[width:])):
            rejects.append((rownum, None, _preview(cells, sep),
                            f"row has {len(cells)} cells, the header has {width}"))
            continue
        try:
            rows.append((rownum, _row(cells, index, m)))
        except _RowReject as exc:
            rejects.append((rownum, exc.column, exc.raw, exc.reason))

    names = geo.read_names(names) if names is not None and not isinstance(names, geo.Names) else names
    warns: list[dict] = []
    unresolved: list[dict] = []
    rows = _places(rows, rejects, m, names, warns, unresolved)
    records, obs = _validate(rows, rejects)
    source = m.source_record()
    return UserFileResult(
        path=path, format="csv", rows_read=n_data,
        observations=obs, rejects=pd.DataFrame(rejects, columns=REJECT_COLUMNS).astype(object).sort_values(
            "row", kind="stable").reset_index(drop=True),
        source_version=None, source=source, records=records, encoding=encoding,
        warnings=pd.DataFrame(warns, columns=WARNING_COLUMNS).astype(object), unresolved=unresolved,
        separator={"\t": "tab"}.get(sep, sep), sheet=sheet,
    )


def _preview(cells, sep) -> str:
    return (sep or ";").join("" if is_empty(c) else str(c) for c in cells)[:200]


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
            raise _RowReject(col, None if is_empty(cell) else str(cell), str(exc)) from None
    for field, default in DEFAULTS.items():
        if out.get(field) is None:
            out[field] = default
    if isinstance(out.get("period_start"), tuple):
        start, end = out["period_start"]
        out["period_start"] = start
        if out.get("period_end") is None:
            out["period_end"] = end
    if isinstance(out.get("period_end"), tuple):
        out["period_end"] = out["period_end"][1]
    if out.get("period_end") is None:
        out["period_end"] = out["period_start"]
    if out["period_start"] != out["period_end"] and "period_kind" not in m.constants \
            and "period_kind" not in column_of:
        out["period_kind"] = "multi_year"
    number = out.pop("value")
    raw_value = str(cells[index["value"]]) if "value" in index else str(number)
    if not isinstance(number, tuple):  # a constant value (unusual but allowed)
        number = _number(number, m.locale) if isinstance(number, str) else (float(number), None, None, False, None)
    value, lower, upper, censored, unit = number
    if unit and unit != out.get("unit"):
        col = column_of.get("value", "value")
        raise _RowReject(col, raw_value, f"the value is written in {unit} but the unit is {out.get('unit')!r}")
    if (value is not None and out.get("measure") in _COUNT_MEASURES and out.get("unit") in _COUNT_UNITS
            and not float(value).is_integer()):
        # "1,192" read with locale fr is 1.192 persons: a count is whole, so the locale is wrong
        raise _RowReject(column_of.get("value", "value"), raw_value, f"{value:g} {out.get('unit')} is not a whole "
                         "number: check the locale (fr: 1,5 = 1.5; en: 1,192 = 1192)")
    out["value"], out["censored"] = value, censored
    for bound, parsed in (("lower", lower), ("upper", upper)):
        if out.get(bound) is None:
            out[bound] = parsed
        elif isinstance(out[bound], tuple):
            out[bound] = out[bound][0]
    return out


def _cell(field: str, cell, m: Mapping):
    if is_empty(cell):
        if field in ("value", "geo", "period_start", "indicator", "measure", "unit", "source_id", "evidence"):
            raise _Reject(f"{field} is empty")
        return None
    if field == "value":
        return _number(cell, m.locale)
    if field in ("lower", "upper"):
        value, lower, upper, _c, _u = _number(cell, m.locale)
        if value is None:
            raise _Reject(f"a {field} bound must be a number, not a range")
        return value, lower, upper
    if field in YEARS:
        try:
            return parse_period(m.lookup(field, cell_text(cell)) if isinstance(cell, str) else cell, m.locale)
        except ValueError as exc:
            raise _Reject(str(exc)) from None
    if field == "censored":
        key = fold(m.lookup(field, cell_text(cell)))
        if key in ("true", "1", "yes", "oui", "vrai", "x"):
            return True
        if key in ("false", "0", "no", "non", "faux"):
            return False
        raise _Reject(f"{cell_text(cell)!r} is not true/false")
    text = m.lookup(field, cell_text(cell))
    if field in CHOICES and text not in CHOICES[field]:
        raise _Reject(f"{text!r} is not one of {', '.join(CHOICES[field])}: add it under "
                      f"'values: {field}:' in the mapping")
    if field == "indicator" and not SNAKE.match(text):
        raise _Reject(f"{text!r}: an indicator is a snake_case word")
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


def _validate(rows: list[tuple[int, dict]], rejects: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Schema-check accepted rows; rows failing a check move to rejects with the check's message."""
    frame = pd.DataFrame([r for _, r in rows]) if rows else pd.DataFrame(columns=COLUMNS)
    frame.index = [n for n, _ in rows]
    for _ in range(3):  # a failing row is removed, the rest re-checked
        try:
            obs = conform(frame.reset_index(drop=True)) if len(frame) else conform(pd.DataFrame(columns=COLUMNS))
        except pandera.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            positions = cases["index"].dropna().astype(int).unique() if "index" in cases else []
            if not len(positions):
                raise
            rownums = frame.index[positions]
            for pos, rownum in zip(positions, rownums):
                hits = cases[cases["index"] == pos]
                col = hits["column"].iloc[0] if "column" in hits else None
                check = hits["check"].iloc[0]
                rejects.append((int(rownum), None if col is None or col != col else str(col),
                                None if hits["failure_case"].iloc[0] is None else str(hits["failure_case"].iloc[0]),
                                f"fails the observation schema: {check}"))
            frame = frame.drop(index=rownums)
            continue
        records = obs.copy()
        records.insert(0, "row", list(frame.index))
        return records, obs
    raise DataFileError("<observations>", "rows keep failing the observation schema")

