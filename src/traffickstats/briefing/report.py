"""The report a briefing notebook builds: its language, its observations, the dataset files it
read (each with a typed :class:`SourceRecord`), and every source shown, cited at the end.

A notebook opens one report in its first cell::

    report = Report.open("country_brief", lang=lang, country=country, glotip=glotip)
    obs, t = report.obs, report.t

and then selects rows in plain sight (``obs.query(...)``, ``report.dataset("glotip")``) and
leaves each chart as its cell's result. While the report is open, every traffickstats chart the
notebook displays is recorded (its sources), so ``blocks.sources(report)`` cites all of them.
State lives on the report object, one per kernel, never in module globals.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .. import charts
from ..disclosure import protect, resolve_threshold
from ..geo import place_name
from ..i18n import _, has
from ..reference import bundled as bundled_data
from ..reference import citation, observations
from ..schema import empty_observations
from .sources import SourceRecord

#: The dataset parameters a briefing notebook may take: a file path each, empty for none.
DATASETS = ("glotip", "ctdc", "gsi")


def _opened(given: tuple[tuple[str, str], ...], names: str = "") -> tuple[pd.DataFrame, dict, dict]:
    """``(obs, records, rejected)`` of a report: the bundled observations, the GLOTIP extract
    unless a release is given, the dataset files given, protected together."""
    from ..loaders import load
    from ..loaders.snapshot import extract_record, load_extract

    frames, records, rejected = [observations()], {}, {}
    for name, path in given:
        if path:  # read as the format its parameter names: a wrong file gets that loader's message
            result = load(path, format=name, names=names or None)
            rejected[name] = result.rejected
        elif name == "glotip":
            result = load_extract()
            rejected[name] = extract_record()["release_rows"]["rejected"]
        else:
            continue
        frames.append(result.observations)
        record = SourceRecord.from_dict(result.source, release=result.source_version)
        records[name] = replace(record, file=str(result.path), bundled=not path, rows=result.rows_read)
    frames = [f for f in frames if len(f)]
    obs = pd.concat(frames, ignore_index=True) if frames else empty_observations()
    # small counts hidden once for the whole report, so that a total shown in one cell and
    # its parts in another cannot give a hidden count back (secondary suppression)
    return protect(obs), records, rejected


@functools.lru_cache(maxsize=2)
def _bundled(threshold: int) -> tuple[pd.DataFrame, dict, dict]:
    """:func:`_opened` with no dataset file, for one disclosure threshold (callers copy it)."""
    return _opened(tuple((name, "") for name in DATASETS))


bundled_data.on_clear(_bundled.cache_clear)


def warm() -> list[Path]:
    """Compute, ahead of any notebook, what every report opens the same way (the bundled
    observations and GLOTIP extract, protected) and the lookups every report goes through
    (:func:`_warm_lookups`), and return the data files they read.

    The render engine's fork server calls it (entry point ``traffickstats.kernel_warmup``)
    before forking kernels, so each kernel starts with it in memory (copy-on-write) instead
    of reading and validating the files again; a kernel started any other way computes it on
    its first ``Report.open`` or first lookup, with the same result.
    """
    from ..paths import data_dir, notebooks_dir, package_resource

    _bundled(resolve_threshold(None))
    _warm_lookups()
    notebooks = notebooks_dir()
    package_data = {p for p in package_resource().rglob("*")  # catalogs, region and name tables
                    if p.is_file() and p.suffix not in (".py", ".pyc") and notebooks not in p.parents}
    return sorted(package_data | {p for p in data_dir().rglob("*") if p.is_file()})


def _warm_lookups() -> None:
    """Fill the per-process caches every report reads on its first use, through their public
    functions: the country name tables (names from coco, CLDR and the vendored labels: 0.25
    CPU-s to build), region memberships, map centroids, the sources catalogue, and for each
    language its messages and its babel locale data (loaded on first use of the locale).
    Measured on the 24 reports of the fr/en pack, each in a kernel forked after this: 2.5
    CPU-s less in all (25.4 against 22.9 CPU-s of notebook code)."""
    from datetime import date

    from babel.dates import format_date

    from .. import formatting
    from ..flows.charts import centroids
    from ..geo import names, regions
    from ..i18n import LANGS, catalog

    names.country_table()
    for scheme in regions.schemes():
        regions.members(scheme)
    centroids()
    for lang in LANGS:
        catalog(lang)
        names.country_name("TUN", lang)
        formatting.format_number(1234.5, lang, 1)
        formatting.format_compact(20_900_000, lang)
        formatting.format_percent(0.25, lang)
        format_date(date(2020, 1, 31), format="long", locale=formatting.babel_locale(lang))


@dataclass
class Report:
    """What every cell of a briefing needs: language, observations and where they came from."""

    notebook: str
    lang: str
    obs: pd.DataFrame
    datasets: dict[str, SourceRecord] = field(default_factory=dict)  # parameter -> loaded release
    rejected: dict[str, int] = field(default_factory=dict)  # parameter -> rows the loader refused
    shown: list[str] = field(default_factory=list)  # source ids, in order of first display
    _unsubscribe: object = field(default=None, repr=False)

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, notebook: str, *, lang: str, names: str = "", **datasets: str) -> Report:
        """Bundled observations plus the dataset files given (``glotip=path``; empty: not given),
        loaded with the reviewed names file ``names`` when one is given (``pack --names``), and
        protected against small counts (:func:`traffickstats.disclosure.protect`) before any
        cell sees them: every count of 1 to 4 people reads "moins de 5", whatever its source.

        ``glotip`` empty reads the GLOTIP extract shipped with traffickstats
        (:mod:`traffickstats.loaders.snapshot`, release 2023-05-30 as bundled); a release
        given replaces it for this report. An unreadable file raises its loader's error: the
        report fails visibly rather than quietly falling back to bundled data.
        """
        unknown = set(datasets) - set(DATASETS)
        if unknown:
            raise TypeError(f"Report.open: unknown dataset(s) {', '.join(sorted(unknown))}; "
                            f"known: {', '.join(DATASETS)}")
        given = tuple((name, datasets.get(name) or "") for name in DATASETS)
        if any(path for _, path in given):
            obs, records, rejected = _opened(given, names)
        else:  # the bundled data only: the same for every report, computed once per process
            obs, records, rejected = _bundled(resolve_threshold(None))
            obs, records, rejected = obs.copy(), dict(records), dict(rejected)
        report = cls(notebook, lang, obs, records, rejected)
        report._unsubscribe = charts.on_display(report._record_figure)
        return report

    def close(self) -> None:
        """Stop recording displayed charts (a notebook that opens a second report calls this)."""
        if callable(self._unsubscribe):
            self._unsubscribe()
            self._unsubscribe = None

    # --- words and names -----------------------------------------------------------------

    def t(self, key: str, **fmt) -> str:
        """The catalogue text ``key`` in the report's language."""
        return _(key, self.lang, **fmt)

    def has_text(self, key: str) -> bool:
        return has(key, self.lang)

    def name(self, code: str, scheme: str | None = "iso3") -> str:
        """A place's display name in the report's language (country, region or group)."""
        return place_name(code, scheme, self.lang)

    # --- data ----------------------------------------------------------------------------

    @property
    def bundled(self) -> pd.DataFrame:
        """The bundled reference rows (every one with its facts.md id)."""
        loaded = [r.source_id for r in self.datasets.values()]
        return self.obs[~self.obs["source_id"].isin(loaded)]

    def dataset(self, name: str) -> pd.DataFrame:
        """Rows of one loaded dataset (``glotip``, ``ctdc``, ``gsi``); empty when not given."""
        record = self.datasets.get(name)
        if record is None:
            return self.obs.iloc[0:0]
        return self.obs[self.obs["source_id"] == record.source_id]

    @property
    def catalog(self) -> list[dict] | None:
        """Source records of the loaded datasets, for chart footnotes (``catalog=``)."""
        return [r.as_catalog() for r in self.datasets.values()] or None

    # --- provenance ----------------------------------------------------------------------

    def cite(self, source_id: str) -> str:
        """One source cited in the report language, without the "Source :" prefix."""
        from ..charts.labels import source_citation

        return source_citation(source_id, self.lang, catalog=self.catalog)

    def keep(self, frame) -> pd.DataFrame:
        """Record the sources of rows shown in a table or text; returns the rows unchanged."""
        if frame is not None and len(frame):
            for sid in dict.fromkeys(frame["source_id"].dropna().astype(str)):
                if sid not in self.shown:
                    self.shown.append(sid)
        return frame

    def _record_figure(self, fig) -> None:
        for sid in charts.meta(fig).get("sources", []):
            if sid not in self.shown:
                self.shown.append(sid)

    def shown_sources(self) -> pd.DataFrame:
        """One row per source shown so far (``source_id``), for :func:`blocks.sources`."""
        return pd.DataFrame({"source_id": self.shown})

    def citation(self, source_id: str) -> str:
        """A full citation line ("Source : BIT (2012), ...") in the report language."""
        return citation(source_id, self.lang, catalog=self.catalog)
