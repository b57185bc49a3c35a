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
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.errors
import yaml

from .. import geo
from ..errors import AmbiguousNumberError, DataFileError, NumberParseError
from ..numbers import parse_number
from ..schema import COLUMNS, EVIDENCE, MEASURES, PERIOD_KINDS, SEXES, Source, conform
from .result import REJECT_COLUMNS, LoadResult

__all__ = ["load_csv", "read_mapping", "parse_period", "UserFileResult", "REQUIRED", "EXCEL_SUFFIXES"]

REQUIRED = ("indicator", "measure", "unit", "geo", "period_start", "value", "source_id", "evidence")
DEFAULTS = {"geo_scheme": "iso3", "period_kind": "annual", "sex": "total", "age": "total", "form": "total"}
MAPPING_KEYS = {"columns", "constants", "values", "locale", "sheet", "source"}
SOURCE_KEYS = {"publisher", "publisher_fr", "title", "title_fr", "year", "url", "location",
               "reported_by", "terms"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
_NUMERIC = ("value", "lower", "upper")
_YEARS = ("period_start", "period_end")
_CHOICES = {"measure": MEASURES, "period_kind": PERIOD_KINDS, "sex": SEXES, "evidence": EVIDENCE}
_CITIZENSHIP_TOKENS = {"nationals", "foreign", "eu_other", "non_eu", "unknown", "total"}
_COUNT_MEASURES = {"detected_count", "registered_count", "case_count", "justice_count", "population"}
_COUNT_UNITS = {"persons", "cases", "notifications"}
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


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


# --- the mapping ----------------------------------------------------------------------------

@dataclass
class Mapping:
    """A validated mapping (see the module docstring)."""

    name: str
    columns: dict[str, str]
    constants: dict[str, object]
    values: dict[str, dict[str, str]]
    locale: str | None
    sheet: str | int | None
    source: dict | None


def _mapping_error(name: str, key: str, reason: str) -> DataFileError:
    return DataFileError(name, f"mapping key {key!r}: {reason}")


def read_mapping(mapping) -> Mapping:
    """Load and check a mapping given as a YAML file path or an already-parsed dict."""
    if isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, dict):
        name, data = "<mapping>", mapping
    else:
        name = str(mapping)
        try:
            text = Path(mapping).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise DataFileError(name, f"cannot read the mapping: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise DataFileError(name, "the mapping is not UTF-8 text") from exc
        try:
            data = yaml.safe_load(text)  # safe_load: a mapping never constructs objects
        except yaml.YAMLError as exc:
            raise DataFileError(name, "not valid YAML: " + " ".join(str(exc).split())) from exc
    if not isinstance(data, dict):
        raise DataFileError(name, "the mapping must be a YAML dictionary with at least a 'columns' key")
    unknown = set(map(str, data)) - MAPPING_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise _mapping_error(name, key, f"unknown key (expected: {', '.join(sorted(MAPPING_KEYS))})")

    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise _mapping_error(name, "columns", "required: a dictionary 'file column: schema field'")
    fields = set(COLUMNS)
    seen: dict[str, str] = {}
    for col, field in columns.items():
        if not isinstance(field, str) or field not in fields:
            raise _mapping_error(name, f"columns.{col}", f"{field!r} is not a schema field "
                                 f"(one of: {', '.join(COLUMNS)})")
        if field in seen:
            raise _mapping_error(name, f"columns.{col}", f"field {field!r} is already given by column {seen[field]!r}")
        seen[field] = str(col)

    constants = data.get("constants") or {}
    if not isinstance(constants, dict):
        raise _mapping_error(name, "constants", "must be a dictionary 'schema field: value'")
    for field, value in constants.items():
        key = f"constants.{field}"
        if field not in fields:
            raise _mapping_error(name, key, f"{field!r} is not a schema field (one of: {', '.join(COLUMNS)})")
        if field in seen:
            raise _mapping_error(name, key, f"{field!r} is also given by column {seen[field]!r}: keep one")
        if field in _CHOICES and value not in _CHOICES[field]:
            raise _mapping_error(name, key, f"{value!r} is not one of {', '.join(_CHOICES[field])}")
        if field == "indicator" and not (isinstance(value, str) and _SNAKE.match(value)):
            raise _mapping_error(name, key, f"{value!r}: an indicator is a snake_case word")
        if field in _YEARS and not (isinstance(value, int) and 1900 <= value <= 2100):
            raise _mapping_error(name, key, f"{value!r}: a year between 1900 and 2100")

    missing = [f for f in REQUIRED if f not in seen and f not in constants]
    if missing:
        raise _mapping_error(name, missing[0], "required field is neither in 'columns' nor in 'constants'"
                             + (f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""))

    values = data.get("values") or {}
    if not isinstance(values, dict):
        raise _mapping_error(name, "values", "must be a dictionary 'field: {label: value}'")
    for field, table in values.items():
        if field not in fields:
            raise _mapping_error(name, f"values.{field}", f"{field!r} is not a schema field")
        if not isinstance(table, dict):
            raise _mapping_error(name, f"values.{field}", "must be a dictionary 'label: value'")
        if field in _CHOICES:
            for label, target in table.items():
                if target not in _CHOICES[field]:
                    raise _mapping_error(name, f"values.{field}.{label}",
                                         f"{target!r} is not one of {', '.join(_CHOICES[field])}")

    locale = data.get("locale")
    if locale is not None:
        try:
            parse_number("1", locale=str(locale))
        except NumberParseError as exc:
            raise _mapping_error(name, "locale", str(exc)) from exc
        locale = str(locale)

    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, (str, int)):
        raise _mapping_error(name, "sheet", "a sheet name or a 0-based index")

    source = data.get("source")
    if source is not None:
        if not isinstance(source, dict):
            raise _mapping_error(name, "source", "must be a dictionary (publisher, title, year, url, ...)")
        extra = set(map(str, source)) - SOURCE_KEYS
        if extra:
            raise _mapping_error(name, f"source.{sorted(extra)[0]}", f"unknown key (expected: "
                                 f"{', '.join(sorted(SOURCE_KEYS))})")
        for key in ("publisher", "title", "year"):
            if source.get(key) in (None, ""):
                raise _mapping_error(name, f"source.{key}", "required in a source block")
        if "source_id" not in constants:
            raise _mapping_error(name, "constants.source_id", "a source block describes one source: "
                                 "give its id as a constant")
    return Mapping(name=name, columns={str(k): v for k, v in columns.items()}, constants=dict(constants),
                   values={f: {str(k): str(v) for k, v in t.items()} for f, t in values.items()},
                   locale=locale, sheet=sheet, source=dict(source) if source else None)


# --- reading the table ------------------------------------------------------------------------

def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding name): BOMs first, then strict UTF-8, then cp1252, then Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DataFileError(path, f"starts with a UTF-8 mark but byte {exc.start} is not UTF-8") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataFileError(path, "starts with a UTF-16 mark but is not UTF-16 text") from exc
    if b"\x00" in data:
        raise DataFileError(path, "not a text file (NUL bytes): save it as CSV, or give an .xlsx file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _separator(text: str) -> str:
    """The separator splitting the header into most cells, provided data rows agree with it."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", (-1, -1)
    for sep in (";", "\t", ","):
        rows = list(csv.reader(lines, delimiter=sep))
        width = len(rows[0])
        agree = sum(len(r) == width for r in rows[1:]) / max(len(rows) - 1, 1)
        score = (agree >= 0.8 and width > 1, width)
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_text(path: Path) -> tuple[list[list], str, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(path, f"cannot open: {exc.strerror or exc}") from exc
    text, encoding = _decode(path, data)
    if not text.strip():
        raise DataFileError(path, "the file is empty")
    sep = _separator(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise DataFileError(path, f"not readable as CSV: {exc}") from exc
    return rows, encoding, sep


def _read_excel(path: Path, sheet) -> tuple[list[list], str]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
        if sheet is None:
            sheet = 0
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise DataFileError(path, f"no sheet number {sheet} (sheets: {', '.join(names)})")
            ws = wb.get_sheet_by_index(sheet)
        else:
            if sheet not in names:
                raise DataFileError(path, f"no sheet {sheet!r} (sheets: {', '.join(names)})")
            ws = wb.get_sheet_by_name(sheet)
        rows = ws.to_python(skip_empty_area=False)  # keep spreadsheet row numbers
    except DataFileError:
        raise
    except Exception as exc:  # calamine raises its own zoo (CalamineError, ZipError, XmlError, ...)
        raise DataFileError(path, f"cannot read as a spreadsheet: {exc}") from exc
    return [list(r) for r in rows], ws.name


# --- cells ------------------------------------------------------------------------------------

def _is_empty(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and cell != cell)


def _text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _fold(s: str) -> str:
    """Case- and accent-insensitive key ("Août" == "aout")."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c)).strip().rstrip(".")


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Month names and abbreviations in French, English and Arabic, from Babel's CLDR data."""
    from babel.dates import get_month_names

    out: dict[str, int] = {}
    for loc in ("fr", "en", "ar"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for num, name in get_month_names(width, context, locale=loc).items():
                    out[_fold(name)] = num
    out.update({"fevr": 2, "sept": 9, "juil": 7})  # common French short forms
    return out


_Y = r"(\d{4})"
_RANGE = re.compile(rf"^{_Y}\s*[-\u2013\u2014/]\s*{_Y}$")
_ISO = re.compile(rf"^{_Y}-(\d{{1,2}})(?:-(\d{{1,2}}))?(?:[T ][\d:.]+)?$")
_NUMERIC_DATE = re.compile(rf"^(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-]{_Y}$")
_DAY_MONTH_YEAR = re.compile(rf"^(?:(?:le\s+)?(\d{{1,2}})(?:er|st|nd|rd|th)?\s+)?([^\d\s,]+)\s*,?\s+{_Y}$", re.I)
_MONTH_DAY_YEAR = re.compile(rf"^([^\d\s,]+)\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+{_Y}$", re.I)


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def parse_period(cell, locale: str | None = None) -> tuple[int, int]:
    """(first year, last year) from a year, a range or a date; raises ValueError with a reason.

    Accepts 2016, "2016", "2016-2018", "2016-08-03", "03/08/2016" (day first unless
    ``locale`` is "en"), "3 août 2016", "1er janvier 2021", "janvier 2021", "August 3, 2016",
    Excel dates. Periods are years, so only the year is kept, after checking the date exists.
    """
    if isinstance(cell, (dt.date, dt.datetime)):
        return cell.year, cell.year
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not a year or a date")
    if isinstance(cell, (int, float)):
        if float(cell).is_integer():
            return _checked(int(cell), int(cell), cell)
        raise ValueError(f"{cell!r} is not a year")
    text = " ".join(str(cell).split())
    if re.fullmatch(r"\d{4}", text):
        return _checked(int(text), int(text), text)
    if m := _RANGE.match(text):
        return _checked(int(m[1]), int(m[2]), text)
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3] or 1)
        if _valid_date(y, mo, d):
            return _checked(y, y, text)
        raise ValueError(f"{text!r} is not a valid date")
    if m := _NUMERIC_DATE.match(text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        orders = [(b, a)] if locale and str(locale).startswith("fr") else [(a, b)] if locale else [(b, a), (a, b)]
        if any(_valid_date(y, mo, d) for mo, d in orders):
            return _checked(y, y, text)
        raise ValueError(f"{text!r} is not a valid date")
    for rx, day_group, month_group in ((_DAY_MONTH_YEAR, 1, 2), (_MONTH_DAY_YEAR, 2, 1)):
        if m := rx.match(text):
            month = _months().get(_fold(m[month_group]))
            if month is None:
                raise ValueError(f"{text!r}: {m[month_group]!r} is not a month name (French, English or Arabic)")
            y = int(m[3])
            if m[day_group] and not _valid_date(y, month, int(m[day_group])):
                raise ValueError(f"{text!r} is not a valid date")
            return _checked(y, y, text)
    raise ValueError(f"{text!r} is not a year or a date (e.g. 2016, 2016-2018, 3 août 2016, janvier 2021)")


def _checked(start: int, end: int, raw) -> tuple[int, int]:
    if not (1900 <= start <= 2100 and 1900 <= end <= 2100):
        raise ValueError(f"{raw!r}: years must be between 1900 and 2100")
    if end < start:
        raise ValueError(f"{raw!r}: the period ends before it starts")
    return start, end


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
    names = [_text(h) if not _is_empty(h) else "" for h in header]
    exact = {n: i for i, n in enumerate(names)}
    folded: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        folded.setdefault(_fold(" ".join(n.split())), []).append(i)
    out = {}
    for col, field in mapping.columns.items():
        if names.count(col) > 1:
            raise DataFileError(path, f"column {col!r} (mapping {mapping.name}) appears "
                                f"{names.count(col)} times in the header", row=1, column=col)
        if col in exact:
            out[field] = exact[col]
            continue
        hits = folded.get(_fold(" ".join(col.split())), [])
        if len(hits) != 1:
            raise DataFileError(path, f"the mapping {mapping.name} names column {col!r} (key "
                                f"columns.{col}) but the header has "
                                + ("it several times" if hits else f"no such column (columns: {', '.join(names)})"),
                                row=1)
        out[field] = hits[0]
    return out


def load_csv(path, mapping) -> UserFileResult:
    """Read a user's CSV/Excel file through ``mapping`` (a YAML path or a dict).

    ``records``: accepted rows as canonical columns plus ``row`` (spreadsheet row number), so
    every data row is either in ``records`` or in ``rejects``. Raises ``DataFileError`` for a
    file or mapping that cannot be used at all.
    """
    path = Path(path)
    m = read_mapping(mapping)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        if not path.is_file():
            raise DataFileError(path, "no such file")
        table, sheet = _read_excel(path, m.sheet)
        encoding = sep = None
    else:
        table, encoding, sep = _read_text(path)
        sheet = None
    # the header is the first non-empty row; row numbers are 1-based spreadsheet rows
    start = next((i for i, r in enumerate(table) if any(not _is_empty(c) for c in r)), None)
    if start is None:
        raise DataFileError(path, "the file has no header row")
    header = table[start]
    index = _header_index(header, m, path)
    width = len(header)
    while width and _is_empty(header[width - 1]):  # trailing empty header cells (Excel)
        width -= 1

    rows, rejects, n_data = [], [], 0
    for i in range(start + 1, len(table)):
        cells, rownum = table[i], i + 1
        if not cells or all(_is_empty(c) for c in cells):
            continue  # a blank line is not a row
        n_data += 1
        # extra cells are tolerated only when empty (trailing separators, Excel's used range)
        if len(cells) < width or (len(cells) > width and not all(_is_empty(c) for c in cells[width:])):
            rejects.append((rownum, None, _preview(cells, sep),
                            f"row has {len(cells)} cells, the header has {width}"))
            continue
        try:
            rows.append((rownum, _row(cells, index, m)))
        except _RowReject as exc:
            rejects.append((rownum, exc.column, exc.raw, exc.reason))

    rows = _places(rows, rejects, m)
    records, obs = _validate(rows, rejects)
    source = _source_record(m)
    return UserFileResult(
        path=path, format="csv", rows_read=n_data,
        observations=obs, rejects=pd.DataFrame(rejects, columns=REJECT_COLUMNS).astype(object).sort_values(
            "row", kind="stable").reset_index(drop=True),
        source_version=None, source=source, records=records, encoding=encoding,
        separator={"\t": "tab"}.get(sep, sep), sheet=sheet,
    )


class _RowReject(Exception):
    def __init__(self, column, raw, reason):
        super().__init__(reason)
        self.column, self.raw, self.reason = column, raw, reason


def _preview(cells, sep) -> str:
    return (sep or ";").join("" if _is_empty(c) else str(c) for c in cells)[:200]


def _lookup(m: Mapping, field: str, text: str) -> str:
    table = m.values.get(field)
    if not table:
        return text
    if text in table:
        return table[text]
    folded = {_fold(k): v for k, v in table.items()}
    return folded.get(_fold(text), text)


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
            raise _RowReject(col, None if _is_empty(cell) else str(cell), str(exc)) from None
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
    if _is_empty(cell):
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
    if field in _YEARS:
        try:
            return parse_period(_lookup(m, field, _text(cell)) if isinstance(cell, str) else cell, m.locale)
        except ValueError as exc:
            raise _Reject(str(exc)) from None
    if field == "censored":
        key = _fold(_lookup(m, field, _text(cell)))
        if key in ("true", "1", "yes", "oui", "vrai", "x"):
            return True
        if key in ("false", "0", "no", "non", "faux"):
            return False
        raise _Reject(f"{_text(cell)!r} is not true/false")
    text = _lookup(m, field, _text(cell))
    if field in _CHOICES and text not in _CHOICES[field]:
        raise _Reject(f"{text!r} is not one of {', '.join(_CHOICES[field])}: add it under "
                      f"'values: {field}:' in the mapping")
    if field == "indicator" and not _SNAKE.match(text):
        raise _Reject(f"{text!r}: an indicator is a snake_case word")
    return text


def _places(rows: list[tuple[int, dict]], rejects: list, m: Mapping) -> list[tuple[int, dict]]:
    """Convert geo / citizenship names to ISO3 (distinct names once); unknown names reject the row."""
    column_of = {f: c for c, f in m.columns.items()}
    names = set()
    for _, r in rows:
        if r["geo_scheme"] == "iso3":
            names.add(r["geo"])
        if r.get("citizenship") and r["citizenship"] not in _CITIZENSHIP_TOKENS:
            names.add(r["citizenship"])
    distinct = sorted(names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", geo.UnknownGeographyWarning)
        iso = dict(zip(distinct, geo.to_iso3(distinct, strict=False))) if distinct else {}
    kept = []
    for rownum, r in rows:
        bad = None
        for field in ("geo", "citizenship"):
            name = r.get(field)
            if field == "geo" and r["geo_scheme"] != "iso3":
                continue
            if not name or (field == "citizenship" and name in _CITIZENSHIP_TOKENS):
                continue
            if iso.get(name) is None:
                hint = geo.suggestions(name)
                bad = (rownum, column_of.get(field, field), name, f"unknown country {name!r}"
                       + (f" (did you mean {' / '.join(hint)}?)" if hint else ""))
                break
            r[field] = iso[name]
        if bad:
            rejects.append(bad)
        else:
            kept.append((rownum, r))
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


def _source_record(m: Mapping) -> dict:
    if not m.source:
        return {}
    rec = {k: None for k in Source.to_schema().columns}
    rec.update(m.source)
    rec["source_id"] = m.constants["source_id"]
    rec["evidence"] = m.constants.get("evidence", "primary")
    return rec
