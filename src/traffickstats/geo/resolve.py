"""One resolution of a dataset's country or citizenship labels, used by every loader.

For each distinct label, in this order:

1. the user's names file (``--names FILE``, :mod:`.namesfile`): a reviewed decision wins;
2. the reviewed mapping shipped for the dataset (GLOTIP: ``loaders/glotip_names.csv``);
3. the geography tables (:func:`traffickstats.geo.to_iso3`: codes, names, official names
   and demonyms in English, French, Spanish and Arabic);
4. otherwise the label is *unresolved*: its rows are rejected with :data:`UNRESOLVED` in the
   reason, and a warning gives ranked suggestions. A suggestion is never taken as an answer:
   ``traffickstats data harmonize`` lists the unresolved labels and writes them to a names
   file for a person to decide.

Loaders keep the row-level work (which rows, which reason prefix); this module works on
distinct labels only, so it costs the same for 100 rows or a million.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .namesfile import NOT_A_COUNTRY, TOKENS, Names
from .names import _codes, _lookup, _missing, _tables, ranked_suggestions
from ._text import name_key

__all__ = ["UNRESOLVED", "Resolution", "resolve_labels"]

#: Reject reasons of unresolved labels contain this text (``data harmonize`` looks for it).
UNRESOLVED = "country name not recognised"


@dataclass
class Resolution:
    """label -> code (ISO3 or a citizenship token) or None with a reason, and how it was decided."""

    code: dict = field(default_factory=dict)
    reason: dict = field(default_factory=dict)
    via: dict = field(default_factory=dict)       # label -> "names file" | "reviewed mapping" | "lookup ..."
    unresolved: list = field(default_factory=list)

    def suggestion_warning(self, label) -> str:
        """The warning text for an unresolved label: ranked suggestions and what to do."""
        sugg = ranked_suggestions(label)
        text = f"{UNRESOLVED}"
        if sugg:
            text += "; did you mean " + " / ".join(f"{name} ({iso3})" for iso3, name, _ in sugg) + "?"
        return text + " A suggestion is never applied by itself: map the label in a names file " \
                      "(traffickstats data harmonize FILE --out names.csv, then --names names.csv)"


    def unresolved_records(self, column: str, first_row: dict, count: dict) -> list[dict]:
        """One record per unresolved label (``LoadResult.unresolved``, read by ``data harmonize``)."""
        return [{"column": column, "label": label, "rows": int(count.get(label, 0)),
                 "first_row": first_row.get(label)} for label in self.unresolved]

    def review_warnings(self, column: str, first_row: dict, names: Names | None, labels) -> list[dict]:
        """Warnings (WARNING_COLUMNS dicts): suggestions for each unresolved label, and, both
        ways, the names file's lines this dataset does not use and its pending lines."""
        out = [{"row": first_row.get(label), "column": column, "raw_value": label,
                "warning": self.suggestion_warning(label)} for label in self.unresolved]
        if names is not None:
            out += [{"row": None, "column": "names file", "raw_value": e.label,
                     "warning": f"names file line {e.row}: mapping {e.label!r} -> {e.iso3} is not used by "
                                "this dataset"} for e in names.unused(labels)]
            out += [{"row": None, "column": "names file", "raw_value": label,
                     "warning": "names file: pending line (iso3 empty) has no effect until reviewed"}
                    for label in names.pending]
        return out


def _decide(entry, field_: str, source: str) -> tuple[str | None, str]:
    if entry.iso3 == NOT_A_COUNTRY:
        if source == "reviewed mapping" and entry.note:
            return None, entry.note  # the shipped review's own reason ("former state ...")
        return None, f"not a country ({source}" + (f": {entry.note})" if entry.note else ")")
    if entry.iso3 in TOKENS and field_ != "citizenship":
        return None, f"{entry.iso3!r} is a citizenship, not a place ({source})"
    return entry.iso3, ""


def resolve_labels(labels: Iterable, *, names: Names | None = None, reviewed: Names | None = None,
                   field_: str = "geo") -> Resolution:
    """Resolve distinct labels (see the module docstring). ``field_`` is ``geo`` or ``citizenship``."""
    res = Resolution()
    for label in dict.fromkeys(labels):  # distinct, in first-seen order
        for source, table in (("names file", names), ("reviewed mapping", reviewed)):
            entry = table.get(label) if table is not None and not _missing(label) else None
            if entry is not None:
                res.code[label], why = _decide(entry, field_, source)
                if why:
                    res.reason[label] = why
                res.via[label] = source
                break
        else:
            iso3, why = _lookup(label)
            res.code[label] = iso3
            if iso3 is None:
                res.reason[label] = f"{UNRESOLVED} ({why})" if why and why != "no country matches" else UNRESOLVED
                if not _missing(label) and name_key(label):
                    res.unresolved.append(label)
            elif str(label).strip().upper() in _codes().iso3 or len(str(label).strip()) <= 3:
                res.via[label] = "lookup: code"
            else:
                res.via[label] = "lookup: " + _tables().via.get(name_key(label), "reviewed name tables")
    return res
