"""The bundled reference data: hand-built observations, sources and notes from facts.md.

Every figure in ``data/observations/*.csv`` was copied by hand from a VERIFIED row of
``shared/reference/facts.md`` and points to a ``data/sources/*.csv`` record, so any chart
can say where its numbers come from (``footnote``). Files are read once, validated with
the canonical schema and cached; callers get copies, so nobody can edit the cache.
"""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

import pandas as pd
import pandera.errors

from ..errors import DataFileError, TraffickstatsError
from ..paths import data_dir
from ..schema import STORED_COLUMNS, Source, conform

#: Row ids of facts.md: ILO12-01, GEMS22-15, GLOTIP-DZA-01, TUN-L1, TUN-04b, POP-TUN-1, POP-WLD, EU-07.
FACT_ID_RE = re.compile(r"^[A-Z]+[0-9]{0,2}(-[A-Z]{2,3})?-[A-Z0-9]+[a-z]?$")

SOURCE_COLUMNS = list(Source.to_schema().columns)
NOTE_COLUMNS = ["fact_id", "topic", "text_en", "text_fr", "source_id"]

#: The default population denominator: UN World Population Prospects 2024 (source ids
#: start with this prefix). Other revisions/publishers are bundled only to show the spread.
DEFAULT_POPULATION_PREFIX = "wpp2024_"


#: Counts of a subset, not of the usual population (all victims a country's authorities
#: detected): one event, one agency's cases or one organisation's caseload, potential victims,
#: victims whose profile was reported. Never a country's headline, never summed with
#: ``trafficking_victims_detected`` (data/README.md).
SUBSET_INDICATORS = (
    "potential_victims_al_haouz_earthquake", "victims_in_isf_investigations",
    "victims_detected_with_sex_age", "iom_victims_assisted", "ngo_victims_identified",
)


class UnknownReferenceError(TraffickstatsError, LookupError):
    """A filter value (indicator, source id, fact id) that the bundled data does not hold."""


# --- reading ------------------------------------------------------------------------------


def _read_csv(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read one bundled CSV as text; the header must be exactly ``columns`` when given."""
    try:
        # keep_default_na=False + na_values=[""]: only empty cells are missing ("NA" is Namibia).
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(path, f"cannot read as UTF-8 CSV: {exc}") from exc
    if columns is not None and list(df.columns) != columns:
        raise DataFileError(
            path, f"header must be exactly {','.join(columns)}; found {','.join(map(str, df.columns))}"
        )
    return df


def _schema_error(path: Path, exc: pandera.errors.SchemaErrors) -> DataFileError:
    """First failure of a lazy validation as a file/row/column error (row as a spreadsheet shows it)."""
    cases = exc.failure_cases
    first = cases.iloc[0]
    idx = first.get("index")
    row = int(idx) + 2 if pd.notna(idx) else None  # +1 header, +1 one-based
    column = first.get("column") if pd.notna(first.get("column")) else None
    reason = f"{first.get('check')} failed on value {first.get('failure_case')!r}"
    if len(cases) > 1:
        reason += f" (and {len(cases) - 1} more failures)"
    return DataFileError(path, reason, row=row, column=column)


def _observation_files() -> list[Path]:
    return sorted((data_dir() / "observations").glob("*.csv"))


def _source_files() -> list[Path]:
    return sorted((data_dir() / "sources").glob("*.csv"))


@functools.lru_cache(maxsize=1)
def _load_observations() -> pd.DataFrame:
    frames = []
    for path in _observation_files():
        raw = _read_csv(path, STORED_COLUMNS)
        raw["censored"] = raw["censored"].map({"True": True, "False": False, "true": True,
                                               "false": False, None: False})
        bad = raw["censored"].isna()
        if bad.any():
            row = int(raw.index[bad][0]) + 2
            raise DataFileError(path, "censored must be True or False", row=row, column="censored")
        try:
            frames.append(conform(raw))
        except pandera.errors.SchemaErrors as exc:
            raise _schema_error(path, exc) from exc
    if not frames:
        raise DataFileError(data_dir() / "observations", "no bundled observation files found")
    obs = pd.concat(frames, ignore_index=True)
    _check_integrity(obs, _load_sources())
    return obs


@functools.lru_cache(maxsize=1)
def _load_sources() -> pd.DataFrame:
    frames, seen = [], {}
    for path in _source_files():
        raw = _read_csv(path, SOURCE_COLUMNS)
        for i, sid in enumerate(raw["source_id"]):
            if sid in seen:
                raise DataFileError(path, f"duplicate source_id {sid!r} (also in {seen[sid]})",
                                    row=i + 2, column="source_id")
            seen[sid] = path.name
        try:
            frames.append(Source.validate(raw, lazy=True))
        except pandera.errors.SchemaErrors as exc:
            raise _schema_error(path, exc) from exc
    if not frames:
        raise DataFileError(data_dir() / "sources", "no bundled source files found")
    return pd.concat(frames, ignore_index=True)[SOURCE_COLUMNS]


@functools.lru_cache(maxsize=1)
def _load_notes() -> pd.DataFrame:
    paths = [data_dir() / "notes.csv", *sorted((data_dir() / "notes").glob("*.csv"))]
    frames = [_read_csv(p, NOTE_COLUMNS) for p in paths if p.is_file()]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in NOTE_COLUMNS})
    return pd.concat(frames, ignore_index=True)


def integrity_problems(obs: pd.DataFrame, sources_df: pd.DataFrame) -> list[str]:
    """Every observation names a known source, and fact ids look like facts.md ids."""
    problems = []
    known = set(sources_df["source_id"])
    for sid in sorted(set(obs["source_id"]) - known):
        n = int((obs["source_id"] == sid).sum())
        problems.append(f"source_id {sid!r} ({n} observations) is not in data/sources/*.csv")
    for fid in sorted(set(obs["fact_id"].dropna())):
        if not FACT_ID_RE.match(fid):
            problems.append(f"fact_id {fid!r} does not look like a facts.md row id")
    return problems


def _check_integrity(obs: pd.DataFrame, sources_df: pd.DataFrame) -> None:
    problems = integrity_problems(obs, sources_df)
    if problems:
        raise DataFileError(data_dir(), "; ".join(problems))


#: Caches elsewhere computed from the bundled data (``on_clear`` adds one), forgotten with it.
_DEPENDENT_CACHES: list = []


def on_clear(forget) -> None:
    """Call ``forget()`` (e.g. a cached function's ``cache_clear``) whenever :func:`clear_cache` runs."""
    _DEPENDENT_CACHES.append(forget)


def clear_cache() -> None:
    """Forget the cached files (tests that point ``data_dir`` elsewhere, or after editing data)."""
    _load_observations.cache_clear()
    _load_sources.cache_clear()
    _load_notes.cache_clear()
    _records_by_id.cache_clear()
    for forget in _DEPENDENT_CACHES:
        forget()


# --- filtering ----------------------------------------------------------------------------


def _as_list(value) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _check_known(kind: str, wanted: list[str], known: set[str]) -> None:
    unknown = [w for w in wanted if w not in known]
    if unknown:
        hints = []
        for u in unknown:
            close = difflib.get_close_matches(u, sorted(known), n=3)
            hints.append(f"{u!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        raise UnknownReferenceError(
            f"unknown {kind} in the bundled data: {'; '.join(hints)}"
        )


def _resolve_geo(wanted: list[str], known: set[str]) -> list[str]:
    """Codes as given when bundled; otherwise country names through traffickstats.geo.to_iso3."""
    direct = [w for w in wanted if w in known or w.upper() in known]
    rest = [w for w in wanted if w not in direct]
    codes = [w if w in known else w.upper() for w in direct]
    if rest:
        from ..geo import to_iso3

        codes += list(to_iso3(rest))  # raises UnknownGeographyError itself
    return codes


def observations(indicator=None, geo=None, source=None, fact=None) -> pd.DataFrame:
    """All bundled observations (canonical schema), optionally filtered.

    Each filter takes a string or a list of strings. ``geo`` takes codes (``TUN``, ``WLD``,
    ``africa``) or country names (``"Tunisie"``, resolved by ``traffickstats.geo.to_iso3``).
    A value the bundled data does not hold raises an error naming it (a typo must not
    look like "no data").
    """
    obs = _load_observations()
    mask = pd.Series(True, index=obs.index)
    for kind, col, wanted in (("indicator", "indicator", indicator), ("source_id", "source_id", source),
                              ("fact_id", "fact_id", fact)):
        wanted = _as_list(wanted)
        if wanted is not None:
            _check_known(kind, wanted, set(obs[col].dropna()))
            mask &= obs[col].isin(wanted)
    geos = _as_list(geo)
    if geos is not None:
        # "ilo5:africa" picks one scheme; a bare "africa" matches it in every scheme.
        scoped = [g.split(":", 1) for g in geos if ":" in g]
        plain = [g for g in geos if ":" not in g]
        pairs = set(zip(obs["geo_scheme"], obs["geo"]))
        _check_known("geography", [f"{s}:{g}" for s, g in scoped], {f"{s}:{g}" for s, g in pairs})
        geo_mask = pd.Series(False, index=obs.index)
        for scheme, code in scoped:
            geo_mask |= (obs["geo_scheme"] == scheme) & (obs["geo"] == code)
        if plain:
            geo_mask |= obs["geo"].isin(_resolve_geo(plain, set(obs["geo"])))
        mask &= geo_mask
    return obs[mask].reset_index(drop=True).copy()


def sources(source_id=None) -> pd.DataFrame:
    """The citable sources (``schema.Source`` columns), optionally only the given ids."""
    src = _load_sources()
    wanted = _as_list(source_id)
    if wanted is not None:
        _check_known("source_id", wanted, set(src["source_id"]))
        src = src[src["source_id"].isin(wanted)]
    return src.reset_index(drop=True).copy()


def notes(fact=None) -> pd.DataFrame:
    """Qualitative notes (scope, reference period, caveats): what a figure does NOT measure."""
    n = _load_notes()
    wanted = _as_list(fact)
    if wanted is not None:
        n = n[n["fact_id"].isin(wanted)]
    return n.reset_index(drop=True).copy()


def legal_status() -> pd.DataFrame:
    """Treaty / legal status table (``data/legal_status.csv``, written with facts.md section 6).

    Returns an empty frame when the file is not there yet.
    """
    path = data_dir() / "legal_status.csv"
    if not path.is_file():
        return pd.DataFrame()
    return _read_csv(path)


def population(geo=None, year=None, prefix: str = DEFAULT_POPULATION_PREFIX) -> pd.DataFrame:
    """Population denominators from one revision only (default: UN WPP 2024).

    Mixing revisions changes rates (pitfall 9), so this never falls back to another source.
    """
    obs = observations(indicator="population", geo=geo)
    obs = obs[obs["source_id"].str.startswith(prefix)]
    if year is not None:
        obs = obs[obs["year_start"] == int(year)]
    return obs.reset_index(drop=True)


# --- citations ----------------------------------------------------------------------------

_CITE = {
    "fr": {"one": "Source : ", "many": "Sources : ", "sep": " ; ", "via": ", tel que rapporté par "},
    "en": {"one": "Source: ", "many": "Sources: ", "sep": "; ", "via": ", as reported by "},
    # Arabic: the words around a citation are Arabic (« المصدر: », the Arabic comma, « كما
    # أوردته »); publishers and titles stay in their original language (what a reader looks
    # up), each set apart with FSI ... PDI so a Latin title keeps its own order inside the
    # right-to-left line (parentheses and years included).
    "ar": {"one": "المصدر: ", "many": "المصادر: ", "sep": "؛ ", "via": "، كما أوردته ", "comma": "، "},
}
#: First-strong isolate: a run of another script laid out in its own direction (Unicode bidi).
FSI, PDI = "\u2068", "\u2069"


def _cite_record(rec: dict, lang: str) -> str:
    """'BIT (2012), Estimation mondiale du travail forcé[, tel que rapporté par X]' without prefix."""
    if lang not in _CITE:
        raise UnknownReferenceError(f"unknown language {lang!r}: use 'fr', 'en' or 'ar'")
    fr = lang == "fr"
    publisher = (rec.get("publisher_fr") if fr else None) or rec["publisher"]
    publisher = _short_publisher(publisher, fr)
    title = (rec.get("title_fr") if fr else None) or rec["title"]
    # a loaded dataset may carry no publication year (CTDC): cite it without one, never guess
    year = rec.get("year")
    who = f"{publisher} ({int(year)})" if year is not None and not pd.isna(year) else publisher
    outlet = rec.get("reported_by") if rec.get("evidence") == "secondary" else None
    if lang == "ar":
        text = f"{FSI}{who}{PDI}{_CITE['ar']['comma']}{FSI}{title}{PDI}"
        return text + (_CITE["ar"]["via"] + f"{FSI}{outlet}{PDI}" if outlet else "")
    text = f"{who}, {title}"
    if outlet:
        text += _CITE[lang]["via"] + outlet
    return text


def _short_publisher(publisher: str, fr: bool) -> str:
    """'International Labour Organization (ILO)' -> 'ILO' in footnotes; keeps other names whole."""
    m = re.fullmatch(r"(.+?) \(([^()]+)\)", publisher)
    return m.group(2) if m and not fr else publisher


def _record(source_id: str, catalog=None) -> dict:
    """The source record of ``source_id``: a loaded dataset's record (``catalog``) first, then
    the bundled sources (looked up in an index built once: charts cite on every draw)."""
    extra_ids: set = set()
    if catalog is not None:
        # a loaded dataset's Source record(s): a DataFrame, one dict (LoadResult.source) or a list
        extra = catalog if isinstance(catalog, pd.DataFrame) else pd.DataFrame(
            [catalog] if isinstance(catalog, dict) else list(catalog))
        if len(extra) and "source_id" in extra:
            extra_ids = set(extra["source_id"])
            hit = extra[extra["source_id"] == source_id]
            if not hit.empty:
                rec = hit.iloc[0].to_dict()
                return {k: _none_if_missing(rec.get(k)) for k in SOURCE_COLUMNS}
    known = _records_by_id()
    if source_id not in known:
        _check_known("source_id", [source_id], set(known) | extra_ids)
    return dict(known[source_id])


def _none_if_missing(v):
    return None if (not isinstance(v, str) and pd.isna(v)) else v


@functools.lru_cache(maxsize=1)
def _records_by_id() -> dict[str, dict]:
    """``{source_id: record}`` of the bundled sources (the first row of an id, as a lookup would)."""
    out: dict[str, dict] = {}
    for rec in _load_sources().to_dict("records"):
        out.setdefault(rec["source_id"], {k: _none_if_missing(v) for k, v in rec.items()})
    return out


def citation(source_id: str, lang: str = "fr", catalog=None) -> str:
    """One citation line: 'Source : BIT (2012), Estimation mondiale du travail forcé'.

    Secondary evidence adds 'tel que rapporté par <outlet>' / 'as reported by <outlet>'.
    ``catalog`` adds Source records of loaded datasets (DataFrame, dict or list of dicts).
    """
    return _CITE.get(lang, _CITE["en"])["one"] + _cite_record(_record(source_id, catalog), lang)


def footnote(obs: pd.DataFrame, lang: str = "fr", catalog=None) -> str:
    """The distinct citations behind a set of observations, in order of first appearance.

    Used under every chart; identical citations (several pages of one publication cited the
    same way) are printed once.
    """
    if lang not in _CITE:
        raise UnknownReferenceError(f"unknown language {lang!r}: use 'fr', 'en' or 'ar'")
    cites: list[str] = []
    for sid in dict.fromkeys(obs["source_id"].dropna()):
        c = _cite_record(_record(sid, catalog), lang)
        if c not in cites:
            cites.append(c)
    if not cites:
        return ""
    words = _CITE[lang]
    return (words["one"] if len(cites) == 1 else words["many"]) + words["sep"].join(cites)
