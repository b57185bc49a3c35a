"""Walk Free Global Slavery Index 2023: country estimates of modern slavery (modelled, not counts).

The file is the CSV cut of Walk Free's "GSI 2023 summary data" sheet: one row per country,
names only (no codes), padded header names (``'  Country '``), numbers as text with
thousands commas and padding (``"  38,928,000 "``), and ``-`` or an empty cell where Walk
Free published no figure.

What the figures are:

* ``Estimated number of people in modern slavery`` -> indicator ``modern_slavery``, measure
  ``estimate_stock`` (persons on any given day), reference year 2021 (GSI 2023 is built on
  the Global Estimates of Modern Slavery 2022, whose reference year is 2021);
* ``Estimated prevalence ... per 1,000 population`` -> the same indicator, measure ``rate``,
  unit ``per_1000``, basis ``estimate_stock``;
* ``Population`` -> indicator ``population``: Walk Free's denominator, which equals the UN
  World Population Prospects 2019 estimates for 1 July 2020 rounded to thousands (checked
  against WPP2019 F01 for Afghanistan, India, China, Tunisia, France, Viet Nam), hence 2020.

Gaps are kept visible: a country row with at least one figure is accepted and every missing
field is listed in ``warnings``; a row with no figure at all is rejected with the reason
"no estimate published". Names go to ISO3 through :func:`traffickstats.geo.to_iso3`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import geo
from ..errors import DataFileError, NumberParseError
from ..numbers import parse_number
from ..schema import conform, empty_observations
from .result import REJECT_COLUMNS, WARNING_COLUMNS, LoadResult

__all__ = ["load_gsi", "looks_like_gsi", "SOURCE", "REGIONS"]

SOURCE_ID = "walkfree_gsi_2023"
SOURCE = {
    "source_id": SOURCE_ID,
    "publisher": "Walk Free",
    "publisher_fr": "Walk Free",
    "title": "Global Slavery Index 2023",
    "title_fr": "Indice mondial de l'esclavage 2023",
    "year": 2023,
    "url": "https://www.walkfree.org/global-slavery-index/",
    "location": "GSI 2023 summary data (country estimates)",
    "reported_by": None,
    "terms": "Attribution: Walk Free (2023) Global Slavery Index",
    "evidence": "primary",
}
REFERENCE_YEAR = 2021  # GEMS 2022 reference year
POPULATION_YEAR = 2020  # WPP 2019 estimate used as the denominator

#: GSI region labels -> ``ilo5`` scheme codes (the five ILO / Walk Free regions)
REGIONS = {
    "africa": "africa", "americas": "americas", "arab states": "arab_states",
    "asia and the pacific": "asia_pacific", "europe and central asia": "europe_central_asia",
}

_NOTE_STOCK = ("Modelled estimate (Walk Free, GSI 2023, from the Global Estimates of Modern Slavery "
               "2022): people in modern slavery on any given day in 2021, rounded to thousands by Walk "
               "Free. Not a count of identified victims.")
_NOTE_RATE = ("Modelled prevalence per 1,000 population (Walk Free, GSI 2023): estimated people in "
              "modern slavery on any given day in 2021 per 1,000 inhabitants.")
_NOTE_POP = ("Walk Free's denominator for the GSI 2023 prevalence (equals UN WPP 2019 estimates for "
             "1 July 2020, rounded to thousands); not an official population series.")
_MISSING = {"", "-", "\u2013", "\u2014", ".."}


def _norm(name: str) -> str:
    return " ".join(str(name).replace("\ufeff", "").split()).lower()


def _columns(header: list[str]) -> dict[str, str | None]:
    """Role -> original header name (``None`` when absent)."""
    roles: dict[str, str | None] = dict.fromkeys(("country", "population", "region", "rate", "stock"))
    for h in header:
        n = _norm(h)
        if n == "country":
            roles["country"] = h
        elif n == "population":
            roles["population"] = h
        elif n == "region":
            roles["region"] = h
        elif "prevalence" in n and "modern slavery" in n:
            roles["rate"] = h
        elif "number" in n and "modern slavery" in n:
            roles["stock"] = h
    return roles


def looks_like_gsi(header: list[str]) -> bool:
    """True when a header row is the GSI summary sheet (used by ``detect``)."""
    roles = _columns(header)
    return roles["country"] is not None and (roles["rate"] is not None or roles["stock"] is not None)


def load_gsi(path, names=None) -> LoadResult:
    """Load the GSI 2023 summary CSV into modern_slavery / population observations.

    ``records``: one row per accepted country (``row``, ``name``, ``iso3``, ``region``
    (ilo5 code or None)). Raises ``DataFileError`` when the file cannot be read or lacks the
    Country and estimate columns.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig",
                          skip_blank_lines=True)
    except FileNotFoundError as exc:
        raise DataFileError(path, "no such file") from exc
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise DataFileError(path, f"cannot read as a UTF-8 CSV: {exc}") from exc
    roles = _columns(list(raw.columns))
    missing = [r for r in ("country", "rate", "stock") if roles[r] is None]
    if missing:
        raise DataFileError(path, "not the GSI 2023 summary table: no column for " + ", ".join(missing)
                            + f" (columns: {', '.join(c.strip() for c in raw.columns)})")

    labels = raw[roles["country"]].str.strip()
    distinct = sorted(set(labels) - {""})
    names = geo.read_names(names) if names is not None and not isinstance(names, geo.Names) else names
    resolved = geo.resolve_labels(distinct, names=names, field_="geo")  # names file, then the tables
    iso = resolved.code

    figures = [("stock", roles["stock"]), ("rate", roles["rate"]), ("population", roles["population"])]
    rejects, warns, obs, records = [], [], [], []
    for i, rec in enumerate(raw.to_dict("records")):
        row = i + 2  # spreadsheet row: the header is row 1
        name = labels.iloc[i]
        if not name:
            rejects.append((row, roles["country"].strip(), rec[roles["country"]], "country name missing"))
            continue
        if iso.get(name) is None:  # suggestions: in the warnings (review_warnings below)
            rejects.append((row, roles["country"].strip(), name,
                            "unknown country name" if name in resolved.unresolved else resolved.reason[name]))
            continue
        values, gaps, bad = {}, [], []
        for role, col in figures:
            if col is None:
                continue
            text = rec[col]
            if text.strip() in _MISSING:
                gaps.append((col.strip(), text))
                continue
            try:
                values[role] = parse_number(text, locale="en").value
            except NumberParseError as exc:
                bad.append((row, col.strip(), text, f"not a number: {exc}"))
        if bad:
            rejects.extend(bad)
            continue
        if not values:
            rejects.append((row, None, name, "no estimate published"))
            continue
        warns.extend((row, col, text, "no figure published (cell is "
                      + (repr(text.strip()) if text.strip() else "empty") + ")") for col, text in gaps)
        region = REGIONS.get(_norm(rec[roles["region"]])) if roles["region"] else None
        records.append({"row": row, "name": name, "iso3": iso[name], "region": region})
        obs.extend(_observations(iso[name], values))

    column = roles["country"].strip()
    first = labels.reset_index(drop=True).drop_duplicates()
    first_row = {name: int(i) + 2 for i, name in first.items()}
    warns.extend(tuple(w.values()) for w in resolved.review_warnings(column, first_row, names, distinct))
    frame = conform(pd.DataFrame(obs)) if obs else conform(empty_observations())
    return LoadResult(
        path=path, format="gsi", rows_read=len(raw), observations=frame,
        rejects=pd.DataFrame(rejects, columns=REJECT_COLUMNS).astype(object),
        warnings=pd.DataFrame(warns, columns=WARNING_COLUMNS).astype(object),
        source_version="GSI 2023", source=dict(SOURCE),
        records=pd.DataFrame(records, columns=["row", "name", "iso3", "region"]),
        unresolved=resolved.unresolved_records(column, first_row, labels.value_counts().to_dict()),
    )


def _observations(iso3: str, values: dict[str, float]) -> list[dict]:
    base = {"geo": iso3, "geo_scheme": "iso3", "sex": "total", "age": "total", "form": "total",
            "censored": False, "evidence": "primary", "source_id": SOURCE_ID}
    est = dict(base, indicator="modern_slavery", period_start=REFERENCE_YEAR, period_end=REFERENCE_YEAR,
               period_kind="point_in_time")
    out = []
    if "stock" in values:
        out.append(dict(est, measure="estimate_stock", unit="persons", value=values["stock"], note=_NOTE_STOCK))
    if "rate" in values:
        out.append(dict(est, measure="rate", basis="estimate_stock", unit="per_1000", value=values["rate"],
                        note=_NOTE_RATE))
    if "population" in values:
        out.append(dict(base, indicator="population", measure="population", unit="persons",
                        value=values["population"], period_start=POPULATION_YEAR, period_end=POPULATION_YEAR,
                        period_kind="point_in_time", note=_NOTE_POP))
    return out
