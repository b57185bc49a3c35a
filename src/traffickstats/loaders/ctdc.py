"""CTDC case-level data: one row per victim record -> counts by year, place, citizenship, sex, age, form.

The Counter-Trafficking Data Collaborative (IOM, Polaris and partners) publishes victim
*case records* from counter-trafficking agencies and hotlines. Counting them gives the
number of victims **in the CTDC dataset**, not the number of victims detected in a country:
indicator ``ctdc_victim_records`` (measure ``detected_count``, unit ``persons``).

Two layouts are read, told apart by the header (see ``ctdc_schema``):

* ``legacy`` - the k-anonymised Global Dataset (codebook v6, 2017-2020 releases): ISO
  alpha-2 codes with ``00``/``ZZ`` for an unknown country, ``-99`` for missing in every
  column (or empty cells in re-exports), flags 1/0/-99, age bands written ``0--8``, hotline
  rows saying ``Unknown``/``Not specified``, ``;``-joined *Concatenated lists.
* ``synthetic2024`` - the Global Synthetic Dataset v2024: ISO alpha-3, empty cell = missing,
  flags 1 or empty, gender Man / Woman / Trans/Transgender/NonConforming.

Either may use ``,``, ``;`` or tab as separator. Rows are NEVER de-duplicated: the
k-anonymised file repeats identical rows and each one is a victim.

Load / normalise / validate:

1. read only the needed columns as categoricals (fast, small);
2. recode each column's *unique* values once (codes -> ISO3, labels -> vocabulary), then map
   the integer codes; values that are neither valid nor a known "missing" token are garbage:
   the row is rejected with row, column, raw value and reason;
3. ``records`` = one normalised row per accepted victim; observations = counts grouped by
   year x country of exploitation x citizenship x sex x age x form, plus origin -> destination
   totals (``citizenship`` set, sex/age/form ``total``) and country totals (``citizenship``
   empty). A victim may have several forms, so form counts do not add up to the total;
   ``form="unknown"`` counts victims with no form recorded.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import geo
from ..errors import DataFileError
from ..schema import conform
from .result import LoadResult, REJECT_COLUMNS

__all__ = ["load_ctdc", "looks_like_ctdc", "ctdc_schema", "SOURCE", "FORM_COLUMNS"]

SOURCE_ID = "ctdc"
SOURCE = {
    "source_id": SOURCE_ID,
    "publisher": "Counter-Trafficking Data Collaborative (CTDC: IOM, Polaris and partners)",
    "publisher_fr": "Counter-Trafficking Data Collaborative (CTDC : OIM, Polaris et partenaires)",
    "title": "CTDC victim case records (Global Dataset / Global Synthetic Dataset)",
    "title_fr": None,
    "year": None,  # set from the layout below
    "url": "https://www.ctdatacollaborative.org/",
    "location": None,
    "reported_by": None,
    "terms": "Use per CTDC Terms of Use (https://www.ctdatacollaborative.org/terms-use); attribute CTDC",
    "evidence": "primary",
}

NOTE = ("Victim case records in the CTDC dataset (assistance case files and hotline records of "
        "counter-trafficking agencies), by year of registration; not the number of victims detected "
        "in a country. One record is one victim; a victim may have several forms of exploitation, so "
        "forms do not add up to the total.")

#: Form flag columns (lower-cased header name) -> form token; both layouts.
FORM_COLUMNS = {
    "isforcedlabour": "forced_labour",
    "issexualexploit": "sexual_exploitation",
    "isotherexploit": "other",
    "isforcedmarriage": "forced_marriage",
    "isforcedmilitary": "forced_military",
    "isorganremoval": "organ_removal",
    "isslaveryandpractices": "slavery_and_practices",
}
#: typeOfExploitConcatenated labels (case-folded) -> form: a form listed there counts too.
_CONCAT_FORMS = {
    "sexual exploitation": "sexual_exploitation", "forced labour": "forced_labour",
    "forced labor": "forced_labour", "other": "other", "forced marriage": "forced_marriage",
    "forced military": "forced_military", "organ removal": "organ_removal",
    "slavery and similar practices": "slavery_and_practices",
}
FORMS = list(dict.fromkeys(FORM_COLUMNS.values()))

_LEGACY_MARKERS = {"datasource", "majoritystatus", "meansofcontrolconcatenated",
                   "typeofexploitconcatenated", "meansofcontroldebtbondage", "issexandlabour"}
_SYNTH2024_MARKERS = {"traffickmonths", "meansthreats", "meansabusepsyphysex",
                      "meansdebtbondageearnings", "meansdenybasicneeds"}
_KEY_COLUMNS = {"yearofregistration", "citizenship", "countryofexploitation"}
_WANTED = (_KEY_COLUMNS | {"gender", "agebroad", "majoritystatus", "datasource",
                           "issexandlabour", "typeofexploitconcatenated"} | set(FORM_COLUMNS))

#: Tokens meaning "not known": missing (-99, empty, NULL) or coded unknown (00, ZZ, Unknown).
_MISSING = {"", "-99", "null", "unknown", "not specified", "not known", "00", "zz", "-"}
_SEX = {"female": "female", "woman": "female", "f": "female", "male": "male", "man": "male",
        "m": "male", "transgender/nonconforming": "other", "trans/transgender/nonconforming": "other",
        "transgender": "other", "nonconforming": "other", "other": "other"}
_MAJORITY = {"minor": "child", "adult": "adult"}
_FLAG = {"1": True, "1.0": True, "0": False, "0.0": False, "true": True, "false": False}
_BAND = re.compile(r"^(\d{1,3})\s*[-\u2013\u2014]+\s*(\d{1,3})$")
_PLUS = re.compile(r"^(\d{1,3})\s*\+$")
_BAD = object()  # a value that is neither valid nor a "missing" token


# --- header ------------------------------------------------------------------------------

def _norm(name: str) -> str:
    return str(name).strip().strip("\ufeff").strip('"').strip().lower()


def ctdc_schema(header: list[str]) -> str | None:
    """``"legacy"``, ``"synthetic2024"`` or None (not a CTDC header).

    A header is CTDC when it has yearOfRegistration, citizenship and CountryOfExploitation
    (any case, padded or not). The 2024 synthetic release is told by its merged
    means-of-control / traffickMonths columns, the legacy Global Dataset by Datasource,
    majorityStatus or the *Concatenated columns.
    """
    names = {_norm(h) for h in header}
    if not _KEY_COLUMNS <= names:
        return None
    if names & _SYNTH2024_MARKERS:
        return "synthetic2024"
    if names & _LEGACY_MARKERS:
        return "legacy"
    return "synthetic2024" if "agebroad" in names and "datasource" not in names else "legacy"


def looks_like_ctdc(header: list[str]) -> bool:
    """True when a header row is a CTDC case-level file of either layout (used by ``detect``)."""
    return ctdc_schema(header) is not None


def _sniff(path: Path) -> tuple[int, str, list[str]]:
    """(0-based line of the header, separator, header names) from the file's first lines.

    Some releases put a Terms-of-Use line above the header, so the header is the first line
    naming yearOfRegistration. The separator is the one that splits that line most.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(256 * 1024)
    except OSError as exc:
        raise DataFileError(path, f"cannot open: {exc.strerror or exc}") from exc
    if not head.strip():
        raise DataFileError(path, "the file is empty")
    if b"\x00" in head:
        raise DataFileError(path, "not a text file (NUL bytes): a CTDC file is CSV text")
    lines = head.decode("utf-8-sig", errors="replace").splitlines()
    for i, line in enumerate(lines[:10]):
        if "yearofregistration" in line.lower():
            sep = max([",", ";", "\t"], key=line.count)
            header = next(csv.reader(io.StringIO(line), delimiter=sep))
            if ctdc_schema(header) is None:
                break
            return i, sep, header
    raise DataFileError(path, "not a CTDC case file: no header with yearOfRegistration, citizenship "
                              "and CountryOfExploitation in the first lines")


# --- recoding unique values ----------------------------------------------------------------

def _recode(col: pd.Series, mapping: dict[str, object]) -> tuple[pd.Categorical, np.ndarray]:
    """Map a categorical column through ``mapping`` of its categories (unique values once).

    Returns the recoded categorical and a boolean mask of rows whose value mapped to _BAD.
    """
    cats = list(col.cat.categories)
    targets = [mapping[c] for c in cats]
    good = sorted({t for t in targets if t is not _BAD and t is not pd.NA}, key=str)
    index = {t: i for i, t in enumerate(good)}
    # pd.NA (missing flag) and _BAD both become code -1 (NaN); _BAD is reported by the mask
    lookup = np.array([index.get(t, -1) if t is not _BAD and t is not pd.NA else -1
                       for t in targets] + [-1], dtype=np.int32)
    codes = col.cat.codes.to_numpy()  # -1 (NaN) indexes the appended -1
    new_codes = lookup[codes]
    bad_cat = np.array([t is _BAD for t in targets] + [False])
    return pd.Categorical.from_codes(new_codes, categories=good), bad_cat[codes]


def _key(raw: str) -> str:
    return str(raw).strip().lower()


def _sex(raw: str):
    k = _key(raw)
    return "unknown" if k in _MISSING else _SEX.get(k, _BAD)


def _age(raw: str):
    k = _key(raw)
    if k in _MISSING:
        return "unknown"
    m = _BAND.match(k)
    if m and int(m[1]) <= int(m[2]) <= 120:
        return f"{int(m[1])}-{int(m[2])}"
    m = _PLUS.match(k)
    return f"{int(m[1])}+" if m else _BAD


def _majority(raw: str):
    k = _key(raw)
    return "unknown" if k in _MISSING else _MAJORITY.get(k, _BAD)


def _year(raw: str):
    k = _key(raw)
    try:
        y = float(k)
    except ValueError:
        return _BAD
    return int(y) if y.is_integer() and 1900 <= y <= 2100 else _BAD


def _flag(raw: str):
    k = _key(raw)
    if k in _MISSING:
        return pd.NA
    return _FLAG.get(k, _BAD)


def _countries(raws: list[str], names=None) -> dict[str, object]:
    """ISO alpha-2 / alpha-3 codes -> ISO3; missing tokens -> 'unknown'; anything else -> _BAD.

    A reviewed names file (``names``) decides first, for any cell it lists."""
    out: dict[str, object] = {}
    two, three = [], []
    for raw in raws:
        k = str(raw).strip()
        decided = names.get(k) if names is not None else None
        if decided is not None:
            out[raw] = decided.iso3 if decided.iso3 != geo.NOT_A_COUNTRY else _BAD
        elif k.lower() in _MISSING:
            out[raw] = "unknown"
        elif re.fullmatch(r"[A-Za-z]{2}", k):
            two.append(raw)
        elif re.fullmatch(r"[A-Za-z]{3}", k):
            three.append(raw)
        else:
            out[raw] = _BAD
    for group, convert in ((two, geo.iso2_to_iso3), (three, geo.to_iso3)):
        out.update(_convert_codes(group, convert))
    return out


def _convert_codes(raws: list[str], convert) -> dict[str, object]:
    """Convert distinct codes in one call; codes the converter does not know become _BAD."""
    if not raws:
        return {}
    got = convert([r.strip().upper() for r in raws], strict=False, warn=False)
    return {r: (v if v else _BAD) for r, v in zip(raws, got)}


# --- load ----------------------------------------------------------------------------------

def _read(path: Path, line: int, sep: str, header: list[str]) -> pd.DataFrame:
    """Read the wanted columns as categoricals, one frame row per line after the header."""
    wanted = [h for h in header if _norm(h) in _WANTED]
    try:
        return pd.read_csv(path, sep=sep, skiprows=line, usecols=wanted, dtype="category",
                           keep_default_na=False, na_values=[], skip_blank_lines=False,
                           encoding="utf-8-sig", encoding_errors="replace")
    except (pd.errors.ParserError, UnicodeError, ValueError) as exc:
        raise DataFileError(path, f"cannot read as CSV: {exc}") from exc


def _ragged(path: Path, sep: str, line: int, width: int) -> dict[int, int]:
    """{data row index: cell count} for non-blank rows whose cell count is not ``width``.

    pandas silently drops surplus cells when ``usecols`` is given and pads short rows, so
    cell counts are checked separately: with numpy on 16 MB blocks when the file has no
    quotes (the usual case: fast, little memory), else with the csv module.
    """
    out: dict[int, int] = {}
    sep_byte = ord(sep)
    with open(path, "rb") as fh:
        data_row, carry, quoted = -(line + 1), b"", False
        while True:
            block = fh.read(1 << 24)
            buf = carry + block
            if not block:
                if not buf:
                    break
                buf += b"\n"
            if b'"' in buf:
                quoted = True
                break
            cut = buf.rfind(b"\n") + 1
            carry = buf[cut:]
            arr = np.frombuffer(buf, dtype=np.uint8, count=cut)
            ends = np.flatnonzero(arr == 10)
            starts = np.concatenate(([0], ends[:-1] + 1))
            seps = np.searchsorted(np.flatnonzero(arr == sep_byte), ends)
            cells = np.diff(np.concatenate(([0], seps))) + 1
            blank = (ends - starts) <= (arr[np.maximum(ends - 1, 0)] == 13).astype(np.int64)
            for k in np.flatnonzero((cells != width) & ~blank):
                if data_row + k >= 0:
                    out[int(data_row + k)] = int(cells[k])
            data_row += len(ends)
            if not block:
                break
    if not quoted:
        return out
    out = {}
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        for _ in range(line + 1):
            next(reader, None)
        for i, cells in enumerate(reader):
            if cells and len(cells) != width:
                out[i] = len(cells)
    return out


def load_ctdc(path, names=None) -> LoadResult:
    """Load a CTDC case-level CSV (legacy Global Dataset or 2024 Global Synthetic Dataset).

    ``records``: one row per accepted victim record (``row``, ``year``, ``datasource``,
    ``citizenship``, ``exploitation``, ``sex``, ``age``, ``majority``, one nullable boolean per
    form in ``FORMS``). Observations: see the module docstring. Raises ``DataFileError`` when
    the file cannot be read or is not CTDC.
    """
    path = Path(path)
    line, sep, header = _sniff(path)
    layout = ctdc_schema(header)
    df = _read(path, line, sep, header)
    rows = np.arange(len(df)) + line + 2  # spreadsheet row numbers: the header is row line+1
    rejects = []
    df.columns = [_norm(c) for c in df.columns]
    by_name = set(df.columns)

    n = len(df)
    bad_any = np.zeros(n, dtype=bool)
    for i, cells in _ragged(path, sep, line, len(header)).items():
        if i < n:
            bad_any[i] = True
            rejects.append({"row": int(rows[i]), "column": None, "raw_value": None,
                            "reason": f"row has {cells} cells, the header has {len(header)}"})
    out: dict[str, object] = {"row": rows}

    def take(col: str, mapping: dict, name: str | None, reason: str):
        """Recode one column (unique values once); garbage rows get a reject line each."""
        nonlocal bad_any
        s = df[col]
        cat, bad = _recode(s, mapping)
        if name:
            out[name] = cat
        if bad.any():
            for i in np.flatnonzero(bad):
                rejects.append({"row": int(rows[i]), "column": original[col], "raw_value": s.iloc[i],
                                "reason": reason})  # the raw value has its own column
            bad_any |= bad
        return cat

    original = {_norm(h): h.strip() for h in header}
    cats = lambda c: list(df[c].cat.categories)  # noqa: E731
    take("yearofregistration", {c: _year(c) for c in cats("yearofregistration")}, "year",
         "year of registration is missing or not a year (1900-2100)")
    names = geo.read_names(names) if names is not None and not isinstance(names, geo.Names) else names
    ctry = _countries(sorted(set(cats("citizenship")) | set(cats("countryofexploitation"))), names)
    take("citizenship", ctry, "citizenship", "citizenship is not an ISO 3166 country code")
    take("countryofexploitation", ctry, "exploitation",
         "country of exploitation is not an ISO 3166 country code")
    for col, name, fn, reason in (
        ("gender", "sex", _sex, "gender is not a CTDC gender label"),
        ("agebroad", "age", _age, "age band is not a CTDC age band such as 0--8 or 48+"),
        ("majoritystatus", "majority", _majority, "majority status is not Minor/Adult/Unknown"),
    ):
        if col in by_name:
            take(col, {c: fn(c) for c in cats(col)}, name, reason)
        else:
            out[name] = pd.Categorical(["unknown"] * n)
    out["datasource"] = (df["datasource"].array if "datasource" in by_name
                         else pd.Categorical([None] * n))

    # forms: a flag 1, or the form named in typeOfExploitConcatenated (case varies by source)
    listed: dict[str, np.ndarray] = {}
    if "typeofexploitconcatenated" in by_name:
        s = df["typeofexploitconcatenated"]
        per_cat = [{_CONCAT_FORMS.get(p.strip().lower()) for p in str(c).split(";")} for c in s.cat.categories]
        codes = s.cat.codes.to_numpy()
        for form in FORMS:
            hit = np.array([form in fs for fs in per_cat] + [False])
            listed[form] = hit[codes]
    both = None
    if "issexandlabour" in by_name:
        # isSexAndLabour 1 means both forms (legacy only)
        both = take("issexandlabour", {c: _flag(c) for c in cats("issexandlabour")}, None,
                    "isSexAndLabour is not 1, 0 or -99")
        both = np.asarray(both.astype(object) == True)  # noqa: E712  (NA -> False)
    for col, form in FORM_COLUMNS.items():
        if col in by_name:
            flag = take(col, {c: _flag(c) for c in cats(col)}, form,
                        f"{original[col]} is not 1, 0 or missing (-99 / empty)")
            vals = pd.array(np.asarray(flag.astype(object)), dtype="boolean")
        else:
            vals = pd.array([pd.NA] * n, dtype="boolean")
        extra = listed.get(form, np.zeros(n, dtype=bool))
        if both is not None and form in ("forced_labour", "sexual_exploitation"):
            extra = extra | both
        vals[extra] = True
        out[form] = vals
    if layout == "synthetic2024":
        # 2024 flags are 1 or NULL: when any form is recorded the others are 0 (codebook section 6)
        anyf = np.zeros(n, dtype=bool)
        for form in FORMS:
            anyf |= np.asarray(out[form].fillna(False), dtype=bool)
        for form in FORMS:
            out[form][anyf & np.asarray(out[form].isna())] = False

    records = pd.DataFrame(out)
    records = records.loc[~bad_any].reset_index(drop=True)
    records["year"] = records["year"].astype("Int64")
    obs = _observations(records, layout)
    source = dict(SOURCE, year=2024 if layout == "synthetic2024" else None,
                  title="CTDC Global Synthetic Dataset (2024)" if layout == "synthetic2024"
                  else "CTDC Global Dataset (k-anonymised, -99 coding)")
    rej = pd.DataFrame(rejects, columns=REJECT_COLUMNS).astype(object)
    return LoadResult(path=path, format="ctdc", rows_read=n,
                      observations=obs, rejects=rej, source_version=layout, source=source, records=records)


def _observations(rec: pd.DataFrame, layout: str) -> pd.DataFrame:
    """Counts per year x exploitation x citizenship x sex x age x form, plus pair and country totals."""
    rec = rec.assign(age_key=_age_key(rec))
    key = ["year", "exploitation", "citizenship", "sex", "age_key"]
    parts = []

    def count(frame: pd.DataFrame, by: list[str], form: str) -> pd.DataFrame:
        c = frame.groupby(by, observed=True, sort=False).size().rename("value").reset_index()
        c = c[c["value"] > 0]
        return c.assign(form=form)

    parts.append(count(rec, key, "total"))
    known = np.zeros(len(rec), dtype=bool)
    for form in FORMS:
        mask = np.asarray(rec[form].fillna(False), dtype=bool)
        known |= mask
        if mask.any():
            parts.append(count(rec.loc[mask], key, form))
    if (~known).any():
        parts.append(count(rec.loc[~known], key, "unknown"))
    detail = pd.concat(parts, ignore_index=True)
    pairs = count(rec, ["year", "exploitation", "citizenship"], "total").assign(sex="total", age_key="total")
    totals = count(rec, ["year", "exploitation"], "total").assign(sex="total", age_key="total", citizenship=None)
    obs = pd.concat([detail, pairs, totals], ignore_index=True)
    for c in ("exploitation", "citizenship", "sex", "age_key"):
        obs[c] = obs[c].astype(object)
    obs = pd.DataFrame({
        "indicator": "ctdc_victim_records", "measure": "detected_count", "basis": None,
        "geo": obs["exploitation"], "geo_scheme": "iso3", "citizenship": obs["citizenship"],
        "period_start": obs["year"].astype("Int64"), "period_end": obs["year"].astype("Int64"),
        "period_kind": "annual", "sex": obs["sex"], "age": obs["age_key"], "form": obs["form"],
        "value": obs["value"].astype("float64"), "unit": "persons", "lower": np.nan, "upper": np.nan,
        "censored": False, "evidence": "primary", "source_id": SOURCE_ID, "fact_id": None,
        "note": NOTE + (" Differentially private synthetic records (2024 release)."
                        if layout == "synthetic2024" else " k-anonymised records (k=11)."),
    })
    return conform(obs)


def _age_key(rec: pd.DataFrame) -> pd.Categorical:
    """The age band, or child/adult from majorityStatus when the band is missing, else unknown."""
    age = rec["age"].astype(object)
    maj = rec["majority"].astype(object)
    use_maj = (age == "unknown") & (maj != "unknown")
    return pd.Categorical(np.where(use_maj, maj, age))
