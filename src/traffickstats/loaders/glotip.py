"""UNODC GLOTIP workbook (``data_glotip.xlsx``) -> canonical observations.

The Global Report on Trafficking in Persons database is one long sheet: row 1 "UNODC",
row 2 the release date (dd/mm/yyyy, text), row 3 the header, then one count per row
(Iso3_code, Country, Region, Subregion, Indicator, Dimension, Category, Sex, Age, Year,
Unit of measurement, txtVALUE, Source). Load / normalise / validate:

1. read the whole sheet once with python-calamine (text cells, no NA guessing);
2. map each column's *unique* values through the tables below and ``glotip_categories.csv``,
   then map the column (no per-row Python loop);
3. reject, with row / column / raw value / reason, every row that cannot be read exactly.

Reading rules (they decide what a figure *is*):

* ``txtVALUE`` goes through :func:`traffickstats.numbers.parse_number` with ``locale="en"``
  (UNODC groups thousands with a comma: "1,192" is 1192). "<5" is a censored count: value
  empty, ``lower=1``, ``upper=4``, ``censored=True`` - never 0, never missing.
* Indicators: Detected trafficking victims -> ``trafficking_victims_detected``; Persons
  prosecuted / convicted -> ``persons_prosecuted`` / ``persons_convicted``; Persons brought
  into formal contact (with the police / criminal justice system) -> ``persons_suspected``;
  Offences of trafficking in persons -> ``trafficking_offences`` (``case_count``, unit
  ``cases``: offences recorded, not persons).
* Dimension "by citizenship": ``geo`` is the country that detected (or prosecuted /
  convicted) the persons, ``citizenship`` the ISO3 of their citizenship, or ``nationals``
  ("Nationals", "Ciudadanos de su país", "own country"), ``foreign``, ``eu_other``,
  ``unknown``, ``stateless``. Category strings are read through the reviewed table
  ``glotip_categories.csv`` (every string of the 2023-05-30 release, misspellings and
  Spanish/French names included); groups of countries, former states, ethnic groups,
  questionnaire text and counts mixed into names are rejected with the table's reason.
* Dimension "by country of repatriation" -> indicator ``victims_repatriated`` (measure
  ``detected_count``): ``geo`` = reporting country, ``citizenship`` = the Category, i.e.
  the *country of repatriation* as UNODC labels it ("Abroad" -> ``foreign``). The file
  does not state the direction: Nigeria lists Libya, Lebanon, Oman (its nationals brought
  back from there), so flow tables must not read these rows as origin -> destination.
  The ``note`` column says so on every such row.
* Rows whose Iso3_code is a regional aggregate (CAR, CAS, EEU, MCA, MCN, SAF, SAM,
  "Aruba/Curacao") are rejected: the file documents neither their names nor their
  composition (SAM's 2017 total, 2,702, is not the sum of the South American countries,
  2,570), so none can be equated with a ``unodc`` region code. ``AGGREGATE_CODES`` maps a
  code to a region once that is verified. Rows without Iso3_code (Sark) are rejected.
* Damaged text (U+FFFD replacement characters or UTF-8 read as Latin-1, "TÃ¼rkiye") is
  reported in ``warnings``; the row is kept when the table reads it unambiguously.
* Duplicate keys. (Iso3_code, Indicator, Dimension, Category, Sex, Age, Year) should be
  unique. In this release repeated keys are breakdowns whose distinguishing label was lost
  (ALB 2017 "Other forms of exploitation" appears 5 times: <5, 27, <5, 5, 20; BOL 2017
  female victims 62 and 43). No row of such a key can be taken as *the* figure, and adding
  them would guess what they are, so **every row of a duplicated key is rejected**, even when
  the values are equal (two "<5" may be two different sub-forms), and each duplicated key is
  listed once in ``warnings`` with its rows and values. The same rule applies after
  harmonisation, when two Category strings of one key name the same citizenship
  ("Tunisia" and "tunisie" for the same country, sex, age and year).
* The key of an observation is (indicator, geo, citizenship, period, sex, age, form):
  the loader guarantees it is unique.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .. import geo
from ..errors import DataFileError, NumberParseError
from ..numbers import parse_number
from ..schema import conform
from .result import REJECT_COLUMNS, WARNING_COLUMNS, LoadResult

__all__ = ["load_glotip", "HEADER", "DEFAULT_URL", "AGGREGATE_CODES", "read_release_date"]

DEFAULT_URL = "https://dataunodc.un.org/sites/dataunodc.un.org/files/data_glotip.xlsx"

HEADER = ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category",
          "Sex", "Age", "Year", "Unit of measurement", "txtVALUE", "Source"]
_FIRST_DATA_ROW = 4  # spreadsheet row of the first data row (1: UNODC, 2: date, 3: header)

#: Indicator -> (indicator, measure, unit, note)
INDICATORS: dict[str, tuple[str, str, str, str | None]] = {
    "Detected trafficking victims": ("trafficking_victims_detected", "detected_count", "persons", None),
    "Persons prosecuted": ("persons_prosecuted", "justice_count", "persons", None),
    "Persons convicted": ("persons_convicted", "justice_count", "persons", None),
    "Persons brought into formal contact": (
        "persons_suspected", "justice_count", "persons",
        "UNODC: persons brought into formal contact with the police and/or criminal justice system"),
    "Offences of trafficking in persons": (
        "trafficking_offences", "case_count", "cases",
        "UNODC: offences of trafficking in persons recorded (offences, not persons)"),
}
_REPATRIATED = ("victims_repatriated", "detected_count", "persons",
                "UNODC 'by country of repatriation': citizenship holds the country of repatriation "
                "as labelled by the reporting country (geo); the file does not state the direction")
DIMENSIONS = {"Total": "total", "by form of exploitation": "form",
              "by citizenship": "citizenship", "by country of repatriation": "repatriation"}
FORMS = {"Sexual exploitation": "sexual_exploitation", "Forced labour": "forced_labour",
         "Other forms of exploitation": "other"}
SEXES = {"Total": "total", "Female": "female", "Male": "male", "Other": "other", "Unknown": "unknown"}
AGES = {"Total": "total", "18 years or over": "adult", "0 to 17 years": "child", "Unknown": "unknown"}

#: Non-ISO Iso3_code values -> (geo_scheme, geo) when the region is verified, else the reason.
AGGREGATE_CODES: dict[str, tuple[str, str] | str] = {
    code: "regional aggregate of undocumented composition (no unodc region code)"
    for code in ("CAR", "CAS", "EEU", "MCA", "MCN", "SAF", "SAM")
}
AGGREGATE_CODES["Aruba/Curacao"] = "two territories reported together (Aruba, Curaçao)"

_QUESTIONNAIRE_CODE = re.compile(r"^Q\d+(\.\d+)*[_ ]", re.IGNORECASE)
_DAMAGED = re.compile("\ufffd|Ã.|Â.")
_CATEGORY_TABLE = Path(__file__).with_name("glotip_categories.csv")

SOURCE = {
    "publisher": "UNODC", "publisher_fr": "ONUDC",
    "title": "Global Report on Trafficking in Persons: GLOTIP database",
    "title_fr": "Rapport mondial sur la traite des personnes : base de données GLOTIP",
    "url": DEFAULT_URL, "location": "data_glotip.xlsx, sheet 1 (long format, txtVALUE)",
    "reported_by": None,
    "terms": "UNODC data portal terms; attribute 'UNODC, Global Report on Trafficking in Persons / GLOTIP database'",
    "evidence": "primary",
}

# reasons (stable strings: `data validate --json` counts rejects by reason)
R_AGG = "Iso3_code is not one country"
R_NOISO = "Iso3_code is empty (no country code)"
R_ISO = "Iso3_code is not an ISO 3166 alpha-3 code"
R_INDICATOR = "unknown indicator"
R_DIMENSION = "unknown dimension"
R_CATEGORY_DIM = "category does not belong to the dimension"
R_QCODE = "category is a questionnaire code, not a breakdown value"
R_CITIZENSHIP = "citizenship category not recognised"
R_SEX = "unknown sex"
R_AGE = "unknown age group"
R_YEAR = "year is not a year between 1900 and 2100"
R_UNIT = "unit of measurement is not Counts"
R_VALUE = "value is not a count"
R_DUP = "duplicate key: the label telling these rows apart was lost"
R_DUP_HARMONISED = "duplicate key after harmonising category names"


def _category_table() -> pd.DataFrame:
    return pd.read_csv(_CATEGORY_TABLE, comment="#", dtype=str, keep_default_na=False)


def read_release_date(cell: object) -> str | None:
    """ISO date of the release stamp in A2 ("30/05/2023" text or a date cell); None if unreadable."""
    if isinstance(cell, (datetime, date, pd.Timestamp)):
        return pd.Timestamp(cell).date().isoformat()
    text = str(cell or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _read_sheet(path: Path) -> pd.DataFrame:
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except FileNotFoundError:
        raise DataFileError(path, "file not found") from None
    if not magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise DataFileError(path, "not an Excel workbook (GLOTIP is published as data_glotip.xlsx)")
    try:
        raw = pd.read_excel(path, sheet_name=0, header=None, engine="calamine", dtype=str,
                            keep_default_na=False, na_filter=False)
    except FileNotFoundError:
        raise DataFileError(path, "file not found") from None
    except Exception as exc:  # calamine raises its own types for zip / xml damage
        raise DataFileError(path, f"cannot read the workbook ({type(exc).__name__}: {exc})") from None
    if len(raw) < 3 or str(raw.iat[0, 0]).strip().upper() != "UNODC":
        raise DataFileError(path, "not a GLOTIP workbook: cell A1 should say UNODC", row=1, column="A")
    header = [str(h).strip() for h in raw.iloc[2].tolist()]
    missing = [h for h in HEADER if h not in header]
    if missing:
        raise DataFileError(path, f"not a GLOTIP workbook: header row lacks {', '.join(missing)}", row=3)
    return raw


def _strip(col: pd.Series) -> pd.Series:
    """Strip surrounding blanks, looking at each distinct value once (most columns need nothing)."""
    uniq = pd.unique(col)
    stripped = [u.strip() for u in uniq]
    if all(a == b for a, b in zip(uniq, stripped)):
        return col
    return col.map(dict(zip(uniq, stripped)))


def _map_unique(s: pd.Series, fn) -> pd.Series:
    """Apply ``fn`` to each distinct value once, then map the column (country_converter's trick)."""
    uniq = pd.unique(s)
    return s.map(dict(zip(uniq, (fn(u) for u in uniq))))


def _parse_count(text: str):
    """(value, lower, upper, censored) or a reason string when the text is not a count."""
    try:
        p = parse_number(text, locale="en")
    except NumberParseError as exc:
        return str(exc)
    if p.unit is not None or p.currency is not None:
        return f"{text!r} is not a plain count"
    if p.censored:
        if p.lower is None or p.upper is None:
            return f"{text!r}: censored count without two bounds"
        return (np.nan, float(p.lower), float(p.upper), True)
    if p.value is None or p.value < 0 or p.value != int(p.value):
        return f"{text!r} is not a whole non-negative count"
    return (float(p.value), np.nan, np.nan, False)


def load_glotip(path) -> LoadResult:
    """Read a UNODC GLOTIP workbook into a :class:`LoadResult` (see the module docstring).

    Raises :class:`DataFileError` when the file is missing, not a workbook, damaged, or not
    laid out as GLOTIP (A1 "UNODC", header on row 3).
    """
    path = Path(path)
    raw = _read_sheet(path)
    version = read_release_date(raw.iat[1, 0])
    header = [str(h).strip() for h in raw.iloc[2].tolist()]
    df = raw.iloc[3:].copy()
    df.columns = header
    df = df[HEADER]
    df = df.apply(_strip)
    df = df[(df != "").any(axis=1)]  # wholly blank lines are not data rows
    rows = df.index.to_numpy() + 1  # spreadsheet row numbers (index 0 is row 1)
    n = len(df)

    reason = np.full(n, None, dtype=object)
    rcol = np.full(n, None, dtype=object)
    rraw = np.full(n, None, dtype=object)
    warn_rows: list[dict] = []

    def reject(mask, column: str, why, raw_values=None):
        """First fault wins: a row is rejected once, with the first reason found."""
        mask = np.asarray(mask, dtype=bool) & (reason == None)  # noqa: E711
        if not mask.any():
            return
        reason[mask] = why if isinstance(why, str) else np.asarray(why, dtype=object)[mask]
        rcol[mask] = column
        rv = df[column].to_numpy(dtype=object) if raw_values is None else np.asarray(raw_values, dtype=object)
        rraw[mask] = rv[mask]

    if version is None:
        warn_rows.append({"row": 2, "column": "A", "raw_value": str(raw.iat[1, 0]),
                          "warning": "release date in A2 is not a dd/mm/yyyy date: source_version unknown"})

    # -- geography -----------------------------------------------------------------------
    iso = df["Iso3_code"]
    agg = iso.isin(list(AGGREGATE_CODES))
    agg_reason = iso.map(lambda c: AGGREGATE_CODES.get(c) if isinstance(AGGREGATE_CODES.get(c), str) else None)
    reject(agg & agg_reason.notna(), "Iso3_code", R_AGG + ": " + agg_reason.fillna(""))
    reject(iso == "", "Iso3_code", R_NOISO, raw_values=("Country: " + df["Country"]).to_numpy())
    geo_code = iso.copy()
    geo_scheme = pd.Series("iso3", index=df.index, dtype=object)
    for code, target in AGGREGATE_CODES.items():
        if not isinstance(target, str):
            hit = iso == code
            geo_scheme[hit], geo_code[hit] = target
    plain = ~agg & (iso != "")
    uniq = sorted(set(iso[plain]))
    known = dict(zip(uniq, geo.to_iso3(uniq, strict=False, warn=False)))
    reject(plain & iso.map(lambda c: known.get(c) != c), "Iso3_code", R_ISO)

    # -- indicator / dimension / category --------------------------------------------------
    ind = df["Indicator"].map(INDICATORS)
    reject(ind.isna(), "Indicator", R_INDICATOR)
    dim = df["Dimension"].map(DIMENSIONS)
    reject(dim.isna(), "Dimension", R_DIMENSION)
    cat = df["Category"]
    qcode = cat.str.match(_QUESTIONNAIRE_CODE)
    reject(qcode, "Category", R_QCODE)
    is_total, is_form = dim == "total", dim == "form"
    is_cit = dim.isin(["citizenship", "repatriation"])
    reject(is_total & (cat != "Total"), "Category", R_CATEGORY_DIM)
    form = pd.Series("total", index=df.index, dtype=object)
    form[is_form] = cat[is_form].map(FORMS)
    reject(is_form & form.isna(), "Category", R_CATEGORY_DIM)

    table = _category_table().set_index("category")
    cit_map = table["citizenship"].to_dict()
    cit_reason = table["reject_reason"].to_dict()
    unseen = sorted(set(cat[is_cit & ~qcode]) - set(cit_map))
    if unseen:  # a newer release: fall back on the geography module, and say so
        found = geo.to_iso3(unseen, strict=False, warn=False)
        for name, iso3 in zip(unseen, found):
            cit_map[name] = iso3 or ""
            cit_reason[name] = "" if iso3 else R_CITIZENSHIP
        for name, iso3 in zip(unseen, found):
            first = int(rows[np.flatnonzero((is_cit & (cat == name)).to_numpy())[0]])
            warn_rows.append({"row": first, "column": "Category", "raw_value": name,
                              "warning": f"category not in the reviewed table; geography lookup gave {iso3 or 'nothing'}"})
    citizenship = pd.Series(None, index=df.index, dtype=object)
    citizenship[is_cit] = cat[is_cit].map(cit_map)
    why = cat.map(lambda c: cit_reason.get(c) or "")
    reject(is_cit & (why != ""), "Category", ("citizenship: " + why).to_numpy())

    # -- sex / age / year / unit -----------------------------------------------------------
    sex = df["Sex"].map(SEXES)
    reject(sex.isna(), "Sex", R_SEX)
    age = df["Age"].map(AGES)
    reject(age.isna(), "Age", R_AGE)
    year = pd.to_numeric(df["Year"].where(df["Year"].str.fullmatch(r"\d{4}(\.0+)?")), errors="coerce")
    reject(year.isna() | (year < 1900) | (year > 2100), "Year", R_YEAR)
    reject(df["Unit of measurement"] != "Counts", "Unit of measurement", R_UNIT)

    # -- values: parse each distinct string once -------------------------------------------
    parsed = _map_unique(df["txtVALUE"], _parse_count)
    bad_value = parsed.map(lambda p: isinstance(p, str))
    reject(bad_value, "txtVALUE", R_VALUE)

    # -- damaged text: warn, keep ----------------------------------------------------------
    for column in ("Country", "Category"):
        damaged = df[column].str.contains(_DAMAGED)
        for i in np.flatnonzero(damaged.to_numpy()):
            warn_rows.append({"row": int(rows[i]), "column": column, "raw_value": df[column].iat[i],
                              "warning": "damaged text (replacement character / mis-decoded UTF-8 in the source)"})

    # -- duplicate keys (rule in the module docstring) ---------------------------------------
    def duplicates(key_frame: pd.DataFrame, why_text: str):
        alive = reason == None  # noqa: E711
        kf = key_frame[alive]
        dup = kf.duplicated(keep=False).to_numpy()
        if not dup.any():
            return
        idx = np.flatnonzero(alive)[dup]
        groups = key_frame.iloc[idx].groupby(list(key_frame.columns), sort=False, dropna=False).indices
        for members in groups.values():
            pos = idx[members]
            vals = df["txtVALUE"].to_numpy()[pos]
            cats = df["Category"].to_numpy()[pos]
            warn_rows.append({
                "row": int(rows[pos[0]]), "column": "key",
                "raw_value": "; ".join(f"row {rows[p]}: {c} = {v}" for p, c, v in zip(pos, cats, vals)),
                "warning": f"{why_text} ({len(pos)} rows, values {'equal' if len(set(vals)) == 1 else 'differ'}): all rejected"})
        mask = np.zeros(n, dtype=bool)
        mask[idx] = True
        reject(mask, "txtVALUE", why_text)

    duplicates(df[["Iso3_code", "Indicator", "Dimension", "Category", "Sex", "Age", "Year"]], R_DUP)
    is_rep = dim == "repatriation"
    canon = pd.DataFrame({"ind": df["Indicator"], "rep": is_rep, "geo": geo_code,
                          "cit": citizenship.fillna(""), "sex": sex, "age": age, "form": form, "year": year})
    duplicates(canon, R_DUP_HARMONISED)

    # -- observations ------------------------------------------------------------------------
    ok = (reason == None)  # noqa: E711
    okdf = df[ok]
    meta = ind[ok].where(~is_rep[ok], pd.Series([_REPATRIATED] * int(ok.sum()), index=okdf.index))
    vals = parsed[ok]
    y = year[ok].astype("Int64")
    source_id = f"unodc_glotip_{version}" if version else "unodc_glotip"
    obs = pd.DataFrame({
        "indicator": meta.str[0], "measure": meta.str[1], "basis": None,
        "geo": geo_code[ok], "geo_scheme": geo_scheme[ok], "citizenship": citizenship[ok],
        "period_start": y, "period_end": y, "period_kind": "annual",
        "sex": sex[ok], "age": age[ok], "form": form[ok],
        "value": vals.str[0].astype(float), "unit": meta.str[2],
        "lower": vals.str[1].astype(float), "upper": vals.str[2].astype(float),
        "censored": vals.str[3].astype(bool),
        "evidence": "primary", "source_id": source_id, "fact_id": None, "note": meta.str[3],
    })
    obs = conform(obs) if len(obs) else conform(obs.astype({"censored": bool}))
    records = obs.assign(row=rows[ok], raw_category=okdf["Category"].to_numpy())

    rej_mask = ~ok
    rejects = pd.DataFrame({"row": rows[rej_mask], "column": rcol[rej_mask],
                            "raw_value": rraw[rej_mask], "reason": reason[rej_mask]},
                           columns=REJECT_COLUMNS).astype(object)
    warn = pd.DataFrame(warn_rows, columns=WARNING_COLUMNS).astype(object)
    source = dict(SOURCE, source_id=source_id, version=version,
                  year=int(version[:4]) if version else None)
    return LoadResult(path=path, format="glotip", rows_read=n, observations=obs, rejects=rejects,
                      warnings=warn, source_version=version, source=source, records=records)

