"""The typed record of where a dataset file came from, carried on the report object.

A loaded release (UNODC GLOTIP, Walk Free GSI, CTDC) is cited under every chart drawn from
it; the record says which release the page used (publisher, title, year, address, release
date, evidence). Bundled figures are cited from the sources catalogue (``data/sources``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class SourceRecord:
    """One citable source: who published what, when, where it was read, and how sure we are."""

    source_id: str
    publisher: str
    title: str
    year: int | None = None
    url: str | None = None
    release: str | None = None  # the release / version the file states (e.g. "2023-05-30")
    evidence: str = "primary"
    location: str | None = None
    terms: str | None = None
    publisher_fr: str | None = None
    title_fr: str | None = None
    reported_by: str | None = None
    file: str | None = None  # the file read (a path given, or the bundled extract)
    bundled: bool = False  # True: the extract shipped with traffickstats, not a file given
    rows: int | None = None  # rows of the file read (the extract: its rows, not the release's)

    @classmethod
    def from_dict(cls, record: dict, release: str | None = None) -> SourceRecord:
        """From a loader's ``source`` dict (``schema.Source`` columns); unknown keys ignored."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in record.items() if k in names}
        if release is not None:
            values.setdefault("release", release)
        year = values.get("year")
        values["year"] = int(year) if year not in (None, "") and str(year).isdigit() else None
        return cls(**values)

    def as_catalog(self) -> dict:
        """The dict ``reference.citation`` / chart footnotes accept as a catalogue record."""
        return {k: v for k, v in asdict(self).items() if k not in ("release", "file", "bundled", "rows")}
