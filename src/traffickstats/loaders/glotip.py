"""UNODC GLOTIP workbook (``data_glotip.xlsx``) -> canonical observations.

The Global Report on Trafficking in Persons database is one long sheet: row 1 "UNODC",
row 2 the release date (dd/mm/yyyy, text), row 3 the header, then one count per row
(Iso3_code, Country, Region, Subregion, Indicator, Dimension, Category, Sex, Age, Year,
Unit of measurement, txtVALUE, Source). Load / normalise / validate:

1. parse the sheet once with python-calamine (format detection hands its parsed sheet over,
   :mod:`.workbook`), cells as text;
2. factorise each column and decide each *distinct* value once (look-up tables, the names
   resolution, number parsing), then index the decisions by the codes: no per-row Python;
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
  ``unknown``, ``stateless``. Category strings are resolved by
  :func:`traffickstats.geo.resolve_labels`: first the user's names file (``names=``,
  ``--names FILE``), then the reviewed mapping shipped for GLOTIP (``glotip_names.csv``:
  every string of the 2023-05-30 release, misspellings and Spanish/French names included;
  groups of countries, former states, ethnic groups, questionnaire text and counts mixed
  into names are "not a country" and rejected with the mapping's note), then the geography
  tables (names, official names and demonyms in English, French, Spanish and Arabic, so
  "Moroccan", "MARRUECOS" and "VENEZOLANA" of a newer release resolve; a warning says
  which labels were read this way). A label none of them knows ("Filippino") is rejected
  with ``geo.UNRESOLVED`` in its reason and a warning with ranked suggestions; fuzzy
  matching never accepts it: map it in a names file (``traffickstats data harmonize``).
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
* Plausibility (:mod:`.plausible`): a value that reads as a questionnaire code and year
  ("6,112,019" in a "Nationals" row: Q6.1.1 + 2019), a count of persons above the country's
  bundled population, or any count above 1,000,000 is rejected with its reason.
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
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import geo
from ..errors import DataFileError, NumberParseError
from ..geo.namesfile import Names, read_names
from ..numbers import parse_number
from ..schema import conform
from . import plausible, workbook
from .result import REJECT_COLUMNS, WARNING_COLUMNS, LoadResult

__all__ = ["load_glotip", "HEADER", "DEFAULT_URL", "AGGREGATE_CODES", "read_release_date", "reviewed_names"]

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
_YEAR = re.compile(r"\d{4}(\.0+)?")
REVIEWED_NAMES = Path(__file__).with_name("glotip_names.csv")

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
R_CITIZENSHIP = geo.UNRESOLVED
R_SEX = "unknown sex"
R_AGE = "unknown age group"
R_YEAR = "year is not a year between 1900 and 2100"
R_UNIT = "unit of measurement is not Counts"
R_VALUE = "value is not a count"
R_DUP = "duplicate key: the label telling these rows apart was lost"
R_DUP_HARMONISED = "duplicate key after harmonising category names"


@cache
def reviewed_names() -> Names:
    """The reviewed GLOTIP category mapping shipped with the package (``glotip_names.csv``)."""
    return read_names(REVIEWED_NAMES, kind="reviewed GLOTIP names file")


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


def _read_sheet(path: Path) -> list[list]:
    """All rows of the first sheet (parsed once: taken from format detection when it parsed it)."""
    sheet = workbook.take(path)
    if sheet is None:
        try:
            with open(path, "rb") as fh:
                magic = fh.read(8)
        except FileNotFoundError:
            raise DataFileError(path, "file not found") from None
        except OSError as exc:
            raise DataFileError(path, f"cannot open: {exc.strerror or exc}") from None
        if not magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise DataFileError(path, "not an Excel workbook (GLOTIP is published as data_glotip.xlsx)")
        try:
            sheet = workbook.first_sheet(path)[1]
        except Exception as exc:  # calamine raises its own types for zip / xml damage
            raise DataFileError(path, f"cannot read the workbook ({type(exc).__name__}: {exc})") from None
    try:
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise DataFileError(path, f"cannot read the workbook ({type(exc).__name__}: {exc})") from None
    if len(rows) < 3 or str(rows[0][0] if rows[0] else "").strip().upper() != "UNODC":
        raise DataFileError(path, "not a GLOTIP workbook: cell A1 should say UNODC", row=1, column="A")
    header = [_text(h) for h in rows[2]]
    missing = [h for h in HEADER if h not in header]
    if missing:
        raise DataFileError(path, f"not a GLOTIP workbook: header row lacks {', '.join(missing)}", row=3)
    return rows


def _text(cell) -> str:
    """A cell as stripped text: 2019.0 -> "2019", a date -> ISO text, empty -> ""."""
    if isinstance(cell, str):
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime) and cell.time() == datetime.min.time():
        return cell.date().isoformat()
    return str(cell).strip()


class _Column:
    """One column factorised: ``codes`` (row -> distinct index) and ``uniq`` (distinct stripped texts)."""

    def __init__(self, cells: tuple):
        codes, raw = pd.factorize(np.asarray(cells, dtype=object), use_na_sentinel=False)
        texts = [_text(c) for c in raw]
        # stripping may merge distinct raw cells ("Tunisia " / "Tunisia"): factorise again
        merged, self.uniq = pd.factorize(np.asarray(texts, dtype=object), use_na_sentinel=False)
        self.codes = merged[codes]
        self.uniq = list(self.uniq)

    def take(self, keep: np.ndarray) -> None:
        self.codes = self.codes[keep]

    def lut(self, fn, dtype=object) -> np.ndarray:
        """``fn`` of each distinct text, indexed by row."""
        return np.asarray([fn(u) for u in self.uniq], dtype=dtype)[self.codes]

    def values(self) -> np.ndarray:
        return np.asarray(self.uniq, dtype=object)[self.codes]

    def equals(self, text: str) -> np.ndarray:
        try:
            return self.codes == self.uniq.index(text)
        except ValueError:
            return np.zeros(len(self.codes), dtype=bool)


def _parse_count(text: str):
    """(value, lower, upper, censored, reason): reason is None when the text is a count."""
    try:
        p = parse_number(text, locale="en")
    except NumberParseError as exc:
        return (np.nan, np.nan, np.nan, False, str(exc))
    if p.unit is not None or p.currency is not None:
        return (np.nan, np.nan, np.nan, False, f"{text!r} is not a plain count")
    if p.censored:
        if p.lower is None or p.upper is None:
            return (np.nan, np.nan, np.nan, False, f"{text!r}: censored count without two bounds")
        return (np.nan, float(p.lower), float(p.upper), True, None)
    if p.value is None or p.value < 0 or p.value != int(p.value):
        return (np.nan, np.nan, np.nan, False, f"{text!r} is not a whole non-negative count")
    return (float(p.value), np.nan, np.nan, False, None)


def _as_names(names) -> Names | None:
    if names is None or isinstance(names, Names):
        return names
    return read_names(names)


def load_glotip(path, names=None) -> LoadResult:
    """Read a UNODC GLOTIP workbook into a :class:`LoadResult` (see the module docstring).

    ``names``: a reviewed names file (path or :class:`~traffickstats.geo.namesfile.Names`)
    deciding category labels before the shipped mapping and the geography tables.
    Raises :class:`DataFileError` when the file is missing, not a workbook, damaged, or not
    laid out as GLOTIP (A1 "UNODC", header on row 3).
    """
    path = Path(path)
    names = _as_names(names)
    rows_raw = _read_sheet(path)
    a2 = rows_raw[1][0] if rows_raw[1] else None
    version = read_release_date(a2)
    header = [_text(h) for h in rows_raw[2]]
    body = rows_raw[3:]
    columns = list(zip(*body)) if body else [() for _ in header]
    del rows_raw
    c = {h: _Column(columns[header.index(h)]) for h in HEADER}
    del columns, body
    # wholly blank lines are not data rows
    blank = np.ones(len(c["Iso3_code"].codes), dtype=bool)
    for col in c.values():
        blank &= col.lut(lambda u: u == "", bool)
    keep = ~blank
    rows = np.flatnonzero(keep) + _FIRST_DATA_ROW  # spreadsheet row numbers
    for col in c.values():
        col.take(keep)
    n = len(rows)

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
        rv = c[column].values() if raw_values is None else np.asarray(raw_values, dtype=object)
        rraw[mask] = rv[mask]

    if version is None:
        warn_rows.append({"row": 2, "column": "A", "raw_value": _text(a2),
                          "warning": "release date in A2 is not a dd/mm/yyyy date: source_version unknown"})

    # -- geography -----------------------------------------------------------------------
    iso = c["Iso3_code"]
    codes = geo.country_codes()  # ISO3 codes only: the name tables are not needed here

    def iso_fault(code: str):
        if code in AGGREGATE_CODES:
            target = AGGREGATE_CODES[code]
            return (R_AGG + ": " + target) if isinstance(target, str) else None
        if code == "":
            return R_NOISO
        return None if code in codes else R_ISO

    iso_reason = iso.lut(iso_fault)
    agg = iso_reason != None  # noqa: E711
    is_agg = np.asarray([u in AGGREGATE_CODES for u in iso.uniq], dtype=bool)[iso.codes]
    reject(is_agg & agg, "Iso3_code", iso_reason)
    noiso = iso.equals("")
    reject(noiso, "Iso3_code", R_NOISO, raw_values=c["Country"].lut(lambda u: "Country: " + u))
    reject(~is_agg & ~noiso & agg, "Iso3_code", R_ISO)
    geo_code = iso.values()
    geo_scheme = np.full(n, "iso3", dtype=object)
    for code, target in AGGREGATE_CODES.items():
        if not isinstance(target, str):
            hit = iso.equals(code)
            geo_scheme[hit], geo_code[hit] = target

    # -- indicator / dimension / category --------------------------------------------------
    ind_names = list(INDICATORS)
    ind_idx = c["Indicator"].lut(lambda u: ind_names.index(u) if u in INDICATORS else -1, np.int64)
    reject(ind_idx < 0, "Indicator", R_INDICATOR)
    dim = c["Dimension"].lut(DIMENSIONS.get)
    reject(dim == None, "Dimension", R_DIMENSION)  # noqa: E711
    cat = c["Category"]
    qcode = cat.lut(lambda u: bool(_QUESTIONNAIRE_CODE.match(u)), bool)
    reject(qcode, "Category", R_QCODE)
    is_total, is_form = dim == "total", dim == "form"
    is_cit = (dim == "citizenship") | (dim == "repatriation")
    reject(is_total & ~cat.equals("Total"), "Category", R_CATEGORY_DIM)
    form = np.full(n, "total", dtype=object)
    form_lut = cat.lut(FORMS.get)
    form[is_form] = form_lut[is_form]
    reject(is_form & (form == None), "Category", R_CATEGORY_DIM)  # noqa: E711

    # citizenship: resolve each distinct label of the breakdown rows once
    cit_rows = is_cit & ~qcode
    used = np.zeros(len(cat.uniq), dtype=bool)
    used[cat.codes[cit_rows]] = True
    labels = [u for u, hit in zip(cat.uniq, used) if hit]
    res = geo.resolve_labels(labels, names=names, reviewed=reviewed_names(), field_="citizenship")
    cit_code = np.asarray([res.code.get(u) if hit else None for u, hit in zip(cat.uniq, used)], dtype=object)
    cit_why = np.asarray([("citizenship: " + res.reason[u]) if hit and u in res.reason else ""
                          for u, hit in zip(cat.uniq, used)], dtype=object)
    citizenship = np.full(n, None, dtype=object)
    citizenship[is_cit] = cit_code[cat.codes][is_cit]
    why = cit_why[cat.codes]
    reject(is_cit & (why != ""), "Category", why)
    first_row, count = {}, {}
    if labels:
        order = np.flatnonzero(cit_rows)
        by_code = pd.Series(order).groupby(cat.codes[order])
        first_row = {cat.uniq[k]: int(rows[v]) for k, v in by_code.first().items()}
        count = {cat.uniq[k]: int(v) for k, v in by_code.size().items()}
    for label in labels:
        via = res.via.get(label, "")
        if via.startswith("lookup"):
            warn_rows.append({"row": first_row[label], "column": "Category", "raw_value": label,
                              "warning": f"category not in the reviewed mapping; resolved to {res.code[label]} by "
                                         f"the geography tables ({via.removeprefix('lookup: ')})"})
    warn_rows += res.review_warnings("Category", first_row, names, labels)
    unresolved = res.unresolved_records("Category", first_row, count)

    # -- sex / age / year / unit -----------------------------------------------------------
    sex = c["Sex"].lut(SEXES.get)
    reject(sex == None, "Sex", R_SEX)  # noqa: E711
    age = c["Age"].lut(AGES.get)
    reject(age == None, "Age", R_AGE)  # noqa: E711
    year = c["Year"].lut(lambda u: float(u) if _YEAR.fullmatch(u) and 1900 <= float(u) <= 2100 else np.nan, float)
    reject(np.isnan(year), "Year", R_YEAR)
    reject(~c["Unit of measurement"].equals("Counts"), "Unit of measurement", R_UNIT)

    # -- values: parse each distinct string once -------------------------------------------
    val = c["txtVALUE"]
    parsed = [_parse_count(u) for u in val.uniq]
    value, lower, upper = (np.asarray([p[i] for p in parsed], dtype=float)[val.codes] for i in range(3))
    censored = np.asarray([p[3] for p in parsed], dtype=bool)[val.codes]
    reject(np.asarray([p[4] is not None for p in parsed], dtype=bool)[val.codes], "txtVALUE", R_VALUE)

    # -- damaged text: warn, keep ----------------------------------------------------------
    for column in ("Country", "Category"):
        col = c[column]
        damaged = col.lut(lambda u: bool(_DAMAGED.search(u)), bool)
        texts = col.uniq
        for i in np.flatnonzero(damaged):
            warn_rows.append({"row": int(rows[i]), "column": column, "raw_value": texts[col.codes[i]],
                              "warning": "damaged text (replacement character / mis-decoded UTF-8 in the source)"})

    # -- duplicate keys (rule in the module docstring) ---------------------------------------
    def duplicates(key: dict[str, np.ndarray], why_text: str):
        alive = reason == None  # noqa: E711
        kf = pd.DataFrame({k: v[alive] for k, v in key.items()})
        dup = kf.duplicated(keep=False).to_numpy()
        if not dup.any():
            return
        idx = np.flatnonzero(alive)[dup]
        groups = kf[dup].groupby(list(kf.columns), sort=False, dropna=False).indices
        vals_all, cats_all = val.values(), cat.values()
        for members in groups.values():
            pos = idx[members]
            vals = vals_all[pos]
            warn_rows.append({
                "row": int(rows[pos[0]]), "column": "key",
                "raw_value": "; ".join(f"row {rows[p]}: {cats_all[p]} = {v}" for p, v in zip(pos, vals)),
                "warning": f"{why_text} ({len(pos)} rows, values {'equal' if len(set(vals)) == 1 else 'differ'}): all rejected"})
        mask = np.zeros(n, dtype=bool)
        mask[idx] = True
        reject(mask, "txtVALUE", why_text)

    duplicates({k: c[k].codes for k in ("Iso3_code", "Indicator", "Dimension", "Category", "Sex", "Age", "Year")}, R_DUP)
    is_rep = dim == "repatriation"
    cit_key = pd.factorize(pd.Series(citizenship, dtype=object).fillna("").to_numpy(dtype=object))[0]
    geo_key = pd.factorize(geo_code)[0]
    form_key = pd.factorize(pd.Series(form, dtype=object).fillna("").to_numpy(dtype=object))[0]
    duplicates({"ind": c["Indicator"].codes, "rep": is_rep, "geo": geo_key, "cit": cit_key,
                "sex": c["Sex"].codes, "age": c["Age"].codes, "form": form_key, "year": year}, R_DUP_HARMONISED)

    # -- plausibility (after the duplicate rule: a repeated key is rejected as such) ---------
    meta_lut = [INDICATORS[k] for k in ind_names]
    persons = np.asarray([m[2] == "persons" for m in meta_lut] + [True], dtype=bool)[ind_idx]
    implausible = plausible.implausible(value, year, geo_code, persons)
    reject(implausible != None, "txtVALUE", implausible)  # noqa: E711

    # -- observations ------------------------------------------------------------------------
    ok = reason == None  # noqa: E711
    ind_ok = ind_idx[ok]
    rep_ok = is_rep[ok]
    lut = meta_lut + [_REPATRIATED]

    def meta(i: int) -> np.ndarray:
        arr = np.asarray([m[i] for m in lut], dtype=object)
        return arr[np.where(rep_ok, len(lut) - 1, ind_ok)]

    y = pd.array(year[ok], dtype="Int64")
    source_id = f"unodc_glotip_{version}" if version else "unodc_glotip"
    obs = pd.DataFrame({
        "indicator": meta(0), "measure": meta(1), "basis": None,
        "geo": geo_code[ok], "geo_scheme": geo_scheme[ok], "citizenship": citizenship[ok],
        "period_start": y, "period_end": y, "period_kind": "annual",
        "sex": sex[ok], "age": age[ok], "form": form[ok],
        "value": value[ok], "unit": meta(2),
        "lower": lower[ok], "upper": upper[ok], "censored": censored[ok],
        "evidence": "primary", "source_id": source_id, "fact_id": None, "note": meta(3),
    })
    obs = conform(obs)
    records = obs.assign(row=rows[ok], raw_category=cat.values()[ok])

    rej_mask = ~ok
    rejects = pd.DataFrame({"row": rows[rej_mask], "column": rcol[rej_mask],
                            "raw_value": rraw[rej_mask], "reason": reason[rej_mask]},
                           columns=REJECT_COLUMNS).astype(object)
    warn = pd.DataFrame(warn_rows, columns=WARNING_COLUMNS).astype(object)
    source = dict(SOURCE, source_id=source_id, version=version,
                  year=int(version[:4]) if version else None)
    return LoadResult(path=path, format="glotip", rows_read=n, observations=obs, rejects=rejects,
                      warnings=warn, source_version=version, source=source, records=records,
                      unresolved=unresolved)
