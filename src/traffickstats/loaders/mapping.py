"""The YAML mapping that says how to read a user's table: read it and check it whole.

The format (``columns``, ``constants``, ``values``, ``locale``, ``sheet``, ``source``) is
shown by example in :mod:`traffickstats.loaders.usercsv`. Everything that can be checked
without the table is checked here, before the file is opened: unknown keys, fields that are
not schema fields, a field given twice, a required field given nowhere, a constant or a
label outside its vocabulary, a locale ``numbers`` does not know. Each problem raises
``DataFileError`` naming the mapping file and the key (``constants.measure``).

The YAML is read by :mod:`traffickstats.safeyaml`: safe (no objects), aliases refused (a
"billion laughs" file fails at its first alias), at most 1 MB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .. import safeyaml
from ..errors import DataFileError, NumberParseError
from ..numbers import parse_number
from ..schema import STORED_COLUMNS as COLUMNS, EVIDENCE, MEASURES, PERIOD_KINDS, QUALIFIERS, SEXES, Source
from .cells import fold

__all__ = ["Mapping", "read_mapping", "REQUIRED", "DEFAULTS", "CHOICES"]

REQUIRED = ("indicator", "measure", "unit", "geo", "period_start", "value", "source_id", "evidence")
DEFAULTS = {"geo_scheme": "iso3", "period_kind": "annual", "sex": "total", "age": "total", "form": "total"}
MAPPING_KEYS = {"columns", "constants", "values", "locale", "sheet", "source"}
SOURCE_KEYS = {"publisher", "publisher_fr", "title", "title_fr", "year", "url", "location",
               "reported_by", "terms"}
#: Fields whose values must come from a schema vocabulary.
CHOICES = {"measure": MEASURES, "period_kind": PERIOD_KINDS, "sex": SEXES, "evidence": EVIDENCE,
           "qualifier": QUALIFIERS}
#: Fields holding a year (a constant must be one; a cell may be a range or a date).
YEARS = ("period_start", "period_end")
#: What an indicator name looks like.
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class Mapping:
    """A validated mapping (see :mod:`traffickstats.loaders.usercsv` for the format)."""

    name: str
    columns: dict[str, str]
    constants: dict[str, object]
    values: dict[str, dict[str, str]]
    locale: str | None
    sheet: str | int | None
    source: dict | None

    def lookup(self, field: str, text: str) -> str:
        """A local label translated through ``values`` (exact, then case/accent-insensitive);
        text with no entry is returned unchanged, for the vocabulary check to judge."""
        table = self.values.get(field)
        if not table:
            return text
        if text in table:
            return table[text]
        folded = {fold(k): v for k, v in table.items()}
        return folded.get(fold(text), text)

    def source_record(self) -> dict:
        """The ``source`` block as a ``schema.Source`` record; {} when the mapping has none."""
        if not self.source:
            return {}
        rec = {k: None for k in Source.to_schema().columns}
        rec.update(self.source)
        rec["source_id"] = self.constants["source_id"]
        rec["evidence"] = self.constants.get("evidence", "primary")
        return rec


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
            # safe (never constructs objects), no aliases (no "billion laughs"), 1 MB at most
            data = safeyaml.read(mapping, "the mapping")
        except IsADirectoryError as exc:
            raise DataFileError(name, "the mapping is a folder, not a YAML file") from exc
        except OSError as exc:
            raise DataFileError(name, f"cannot read the mapping: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise DataFileError(name, "the mapping is not UTF-8 text") from exc
        except yaml.YAMLError as exc:
            raise DataFileError(name, "not valid YAML: " + " ".join(str(exc).split())) from exc
        except ValueError as exc:  # larger than safeyaml.MAX_BYTES
            raise DataFileError(name, str(exc)) from exc
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
        if field in CHOICES and value not in CHOICES[field]:
            raise _mapping_error(name, key, f"{value!r} is not one of {', '.join(CHOICES[field])}")
        if field == "indicator" and not (isinstance(value, str) and SNAKE.match(value)):
            raise _mapping_error(name, key, f"{value!r}: an indicator is a snake_case word")
        if field in YEARS and not (isinstance(value, int) and 1900 <= value <= 2100):
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
        if field in CHOICES:
            for label, target in table.items():
                if target not in CHOICES[field]:
                    raise _mapping_error(name, f"values.{field}.{label}",
                                         f"{target!r} is not one of {', '.join(CHOICES[field])}")

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
