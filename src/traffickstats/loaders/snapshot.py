"""The bundled GLOTIP extract: derived, reproducibly, from an official UNODC release.

``traffickstats data snapshot glotip PATH [--out data/glotip]`` reads a release with the
GLOTIP loader (:func:`.glotip.load_glotip`: same rules, same rejects) and keeps the rows the
conference reports need:

* every row where a participant (:data:`traffickstats.geo.PARTICIPANTS`) is the detecting
  (reporting) country or the citizenship;
* for the Mediterranean routes (:data:`traffickstats.flows.MEDITERRANEAN_ROUTES`), the
  detected victims by citizenship of every country of a route's destination region, so a
  route's sum and its "destinations reporting" count are those of the full release.

Two files are written atomically into the folder:

``glotip_extract.csv``
    one accepted row of the release per line, in the release's order: ``row`` (its
    spreadsheet row in the release), ``indicator``, ``geo``, ``citizenship``, ``year``,
    ``sex``, ``age``, ``form`` (the observation schema's vocabulary) and ``value`` as
    published (a whole number, or ``<5`` for a censored count). The columns that do not vary
    (``geo_scheme``, ``period_kind``, ``evidence``, ``source_id``) and those fixed by the
    indicator (``measure``, ``unit``, ``note``) are in the sidecar, not repeated on each line.
``glotip_extract.json``
    the sidecar: release date, the original file's name, SHA-256 and size, the UNODC
    citation and terms, the selection rule, the loader and package version, the release's
    rows read / accepted / rejected and the extract's row count.

Nothing is computed, rounded or filled in: a line is an accepted row of the release. The same
release always gives the same bytes (``tests/test_glotip_extract.py`` rebuilds the shipped
extract from the shared copy of the 2023-05-30 release and compares). :func:`load_extract`
reads it back as a :class:`~.result.LoadResult`, like any loaded dataset.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__, atomic
from ..checksum import sha256_file
from ..errors import DataFileError
from ..paths import data_dir
from ..schema import conform
from .result import LoadResult

__all__ = ["EXTRACT_FILE", "SIDECAR_FILE", "COLUMNS", "build_extract", "write_extract", "load_extract",
           "extract_dir", "extract_record"]

EXTRACT_FILE = "glotip_extract.csv"
SIDECAR_FILE = "glotip_extract.json"
COLUMNS = ["row", "indicator", "geo", "citizenship", "year", "sex", "age", "form", "value"]
#: Columns of the observation schema that hold one value for every GLOTIP row.
CONSTANTS = {"geo_scheme": "iso3", "period_kind": "annual", "evidence": "primary"}

SELECTION = ("every accepted row where a participant ({participants}) is the detecting country or the "
             "citizenship; plus, for the Mediterranean routes, the detected victims by citizenship of every "
             "country of the routes' destination regions ({regions})")


def extract_dir() -> Path:
    """The folder of the bundled extract (``data/glotip``)."""
    return data_dir() / "glotip"


def _route_destinations() -> tuple[set[str], list[str]]:
    from ..flows import MEDITERRANEAN_ROUTES
    from ..geo import members

    dest, names = set(), []
    for r in MEDITERRANEAN_ROUTES:
        dest |= set(members(r.destination_scheme, r.destination_region)["iso3"])
        names.append(f"{r.destination_scheme}:{r.destination_region}")
    return dest, list(dict.fromkeys(names))


def _selected(obs: pd.DataFrame) -> tuple[np.ndarray, str]:
    """(mask of rows kept, the rule in words)."""
    from ..geo import PARTICIPANTS

    participants = list(PARTICIPANTS)
    dest, regions = _route_destinations()
    part = obs["geo"].isin(participants) | obs["citizenship"].isin(participants)
    routes = (obs["geo"].isin(dest) & obs["citizenship"].notna()
              & obs["indicator"].eq("trafficking_victims_detected"))
    rule = SELECTION.format(participants=", ".join(participants), regions=", ".join(regions))
    return (part | routes).to_numpy(), rule


def _published(obs: pd.DataFrame) -> pd.Series:
    """The value as published: a whole number, or "<N" for a count censored as 1..N-1."""
    censored = obs["censored"].to_numpy(dtype=bool)
    bad = censored & ~(obs["lower"].eq(1) & obs["upper"].notna()).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataFileError("GLOTIP release", "a censored count is not '<N' (lower bound 1)",
                            row=int(obs["row"].iat[i]), column="txtVALUE")
    text = obs["value"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    upper = obs["upper"].map(lambda v: "" if pd.isna(v) else f"<{int(v) + 1}")
    return text.where(~censored, upper)


def build_extract(result: LoadResult) -> tuple[pd.DataFrame, dict]:
    """The extract's table and its sidecar from a loaded release (``load_glotip(path)``)."""
    if result.format != "glotip" or result.records is None:
        raise DataFileError(result.path, "not a GLOTIP release read by traffickstats.loaders.glotip")
    rec = result.records
    mask, rule = _selected(rec)
    kept = rec[mask]
    table = pd.DataFrame({
        "row": kept["row"].astype(int).to_numpy(),
        "indicator": kept["indicator"].to_numpy(), "geo": kept["geo"].to_numpy(),
        "citizenship": kept["citizenship"].to_numpy(), "year": kept["year_start"].astype(int).to_numpy(),
        "sex": kept["sex"].to_numpy(), "age": kept["age"].to_numpy(), "form": kept["form"].to_numpy(),
        "value": _published(kept).to_numpy(),
    }).sort_values("row", kind="stable").reset_index(drop=True)
    geo_schemes = set(kept["geo_scheme"])
    if geo_schemes - {"iso3"}:
        raise DataFileError(result.path, f"unexpected geo_scheme {sorted(geo_schemes)} in the selected rows")
    indicators = {}
    for ind, g in rec.groupby("indicator", sort=True):
        first = g.iloc[0]
        indicators[ind] = {"measure": first["measure"], "unit": first["unit"],
                           "note": None if pd.isna(first["note"]) else first["note"]}
    source = result.source
    version = result.source_version
    sidecar = {
        "dataset": "glotip",
        "release": version,
        "source_id": source.get("source_id"),
        "publisher": source.get("publisher"),
        "publisher_fr": source.get("publisher_fr"),
        "title": source.get("title"),
        "title_fr": source.get("title_fr"),
        "url": source.get("url"),
        "citation": (f"{source.get('publisher')}, {source.get('title')}, release of {version} "
                     f"({Path(source.get('url') or 'data_glotip.xlsx').name})"),
        "terms": source.get("terms"),
        "original": {"file": Path(result.path).name, "sha256": sha256_file(Path(result.path)),
                     "size": Path(result.path).stat().st_size},
        "release_rows": {"read": result.rows_read, "accepted": result.accepted, "rejected": result.rejected},
        "selection": rule,
        "rows": int(len(table)),
        "file": EXTRACT_FILE,
        "columns": COLUMNS,
        "constants": dict(CONSTANTS, source_id=source.get("source_id")),
        "indicators": {k: indicators[k] for k in sorted(set(table["indicator"]))},
        "built_with": {"package": "traffickstats", "version": __version__,
                       "loader": "traffickstats.loaders.glotip.load_glotip"},
    }
    return table, sidecar


def _csv_bytes(table: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def _json_bytes(sidecar: dict) -> bytes:
    return (json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_extract(path, out=None) -> dict:
    """Load the release at ``path``, write the extract and its sidecar into ``out``
    (default :func:`extract_dir`), atomically; return the sidecar."""
    from .glotip import load_glotip

    result = load_glotip(path)
    table, sidecar = build_extract(result)
    out = Path(out) if out is not None else extract_dir()
    out.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(out / EXTRACT_FILE, _csv_bytes(table))
    atomic.write_bytes(out / SIDECAR_FILE, _json_bytes(sidecar))
    return sidecar


def extract_record(folder=None) -> dict | None:
    """The sidecar of the extract in ``folder`` (default: the bundled one), or None if absent."""
    path = Path(folder if folder is not None else extract_dir()) / SIDECAR_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise DataFileError(path, f"sidecar is not valid JSON ({exc})") from None


def load_extract(folder=None) -> LoadResult:
    """The extract as a :class:`LoadResult`: canonical observations of the release's rows
    (``records`` keeps each row's number in the release), its source and release date.

    Raises :class:`DataFileError` when the extract or its sidecar is missing or damaged.
    """
    folder = Path(folder if folder is not None else extract_dir())
    sidecar = extract_record(folder)
    if sidecar is None:
        raise DataFileError(folder / SIDECAR_FILE, "the bundled GLOTIP extract's sidecar is missing "
                            "(rebuild it: traffickstats data snapshot glotip PATH)")
    path = folder / sidecar.get("file", EXTRACT_FILE)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DataFileError(path, "the bundled GLOTIP extract is missing "
                            "(rebuild it: traffickstats data snapshot glotip PATH)") from None
    if list(table.columns) != COLUMNS:
        raise DataFileError(path, f"header should be {','.join(COLUMNS)}", row=1)
    if len(table) != sidecar.get("rows"):
        raise DataFileError(path, f"{len(table)} rows, the sidecar says {sidecar.get('rows')}")
    indicators = sidecar["indicators"]
    unknown = sorted(set(table["indicator"]) - set(indicators))
    if unknown:
        line = int(table.index[table["indicator"] == unknown[0]][0]) + 2
        raise DataFileError(path, f"indicator {unknown[0]!r} is not described in the sidecar", row=line,
                            column="indicator")
    value = table["value"]
    censored = value.str.startswith("<")
    number = pd.to_numeric(value.where(~censored).replace("", np.nan), errors="coerce")
    bound = pd.to_numeric(value.where(censored).str[1:], errors="coerce")
    bad = (~censored & number.isna()) | (censored & bound.isna())
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(path, f"value {value.iat[line]!r} is not a count or '<N'", row=line + 2, column="value")
    meta = table["indicator"].map(indicators)
    year = table["year"]
    const = sidecar["constants"]
    obs = pd.DataFrame({
        "indicator": table["indicator"], "measure": meta.str["measure"], "basis": None,
        "geo": table["geo"], "geo_scheme": const["geo_scheme"],
        "citizenship": table["citizenship"].replace("", None),
        "period_start": year, "period_end": year, "period_kind": const["period_kind"],
        "sex": table["sex"], "age": table["age"], "form": table["form"],
        "value": number.where(~censored).astype(float), "unit": meta.str["unit"],
        "lower": np.where(censored, 1.0, np.nan), "upper": (bound - 1).where(censored).astype(float),
        "censored": censored.to_numpy(dtype=bool),
        "evidence": const["evidence"], "source_id": const["source_id"], "fact_id": None,
        "note": meta.str["note"],
    })
    obs = conform(obs)
    source = {"source_id": sidecar["source_id"], "publisher": sidecar["publisher"],
              "publisher_fr": sidecar.get("publisher_fr"), "title": sidecar["title"],
              "title_fr": sidecar.get("title_fr"), "url": sidecar["url"], "terms": sidecar["terms"],
              "location": f"traffickstats extract of data_glotip.xlsx ({sidecar['original']['file']}, "
                          f"sha256 {sidecar['original']['sha256'][:12]}…)",
              "evidence": "primary", "version": sidecar["release"],
              "year": int(sidecar["release"][:4]) if sidecar.get("release") else None}
    records = obs.assign(row=table["row"].astype(int).to_numpy())
    return LoadResult(path=path, format="glotip_extract", rows_read=len(table), observations=obs,
                      source_version=sidecar.get("release"), source=source, records=records)
