"""Population denominators: World Bank SP.POP.TOTL (long or wide CSV) and UN WPP workbooks.

Three layouts, told apart by content (:func:`population_layout`):

* ``wb_long`` - the tidy CSV of the datasets/population package (Country Name, Country Code,
  Year, Value), integer persons;
* ``wb_wide`` - the World Bank bulk download ``API_SP.POP.TOTL_DS2_*.csv``: byte-order mark,
  four preamble lines ("Data Source", "Last Updated Date"), then Country Name, Country Code,
  Indicator Name, Indicator Code, one column per year, and a trailing comma on every line;
* ``wpp`` - UN World Population Prospects ``WPP20xx_POP_F01_1_TOTAL_POPULATION_BOTH_SEXES.xlsx``,
  sheet ESTIMATES: header row under a title block, values in THOUSANDS of persons, "..." for
  not applicable, places identified by UN M49 numeric code, aggregates in the same table.

Every value becomes an observation ``population`` (measure ``population``, unit ``persons``,
``period_kind`` ``point_in_time``: mid-year / 1 July population). Countries get
``geo_scheme`` ``iso3``; aggregates are never mixed with them: the world is ``world``/``WLD``,
other World Bank aggregates (regions, income groups, EUU, ...) ``wb_aggregate`` with the
World Bank code, other WPP aggregates ``m49`` with the UN code (income and development groups
carry WPP's own codes, 1500-1840). The World Bank's Channel Islands (CHI) has no ISO 3166
code: its rows are rejected with that reason rather than filed under a made-up code.

A row is one line of the file (one country-year in the long layout, one place in the wide
layouts). Empty cells and "..." mean "no figure" and give no observation; any other cell that
is not a number of persons rejects its row (row, column = the year, raw value, reason), and
so does a negative population or one above 10 billion (:mod:`.plausible`). A place and
year given on two rows are both rejected (keeping both would double a denominator; the file
does not say which is right).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import geo
from ..errors import DataFileError, NumberParseError, UnknownGeographyError
from ..numbers import parse_number, to_base_units
from ..schema import conform
from . import plausible
from .result import REJECT_COLUMNS, WARNING_COLUMNS, LoadResult

__all__ = ["load_population", "population_layout", "WB_AGGREGATES", "WB_LONG_HEADER", "DEFAULT_URL"]

#: Where `data fetch population` downloads from: the datasets/population ("core" data package)
#: long CSV of SP.POP.TOTL, the file in shared/data (the World Bank's own bulk download is a zip).
DEFAULT_URL = "https://raw.githubusercontent.com/datasets/population/main/data/population.csv"

WB_LONG_HEADER = ["Country Name", "Country Code", "Year", "Value"]
WB_WIDE_FIXED = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
_YEAR = re.compile(r"^(19|20)\d\d$")

#: World Bank aggregate codes (regions, income and lending groups, demographic dividend groups).
WB_AGGREGATES: dict[str, str] = {
    "AFE": "Africa Eastern and Southern", "AFW": "Africa Western and Central", "ARB": "Arab World",
    "CEB": "Central Europe and the Baltics", "CSS": "Caribbean small states",
    "EAP": "East Asia & Pacific (excluding high income)", "EAR": "Early-demographic dividend",
    "EAS": "East Asia & Pacific", "ECA": "Europe & Central Asia (excluding high income)",
    "ECS": "Europe & Central Asia", "EMU": "Euro area", "EUU": "European Union",
    "FCS": "Fragile and conflict affected situations", "HIC": "High income",
    "HPC": "Heavily indebted poor countries (HIPC)", "IBD": "IBRD only", "IBT": "IDA & IBRD total",
    "IDA": "IDA total", "IDB": "IDA blend", "IDX": "IDA only",
    "LAC": "Latin America & Caribbean (excluding high income)", "LCN": "Latin America & Caribbean",
    "LDC": "Least developed countries: UN classification", "LIC": "Low income",
    "LMC": "Lower middle income", "LMY": "Low & middle income", "LTE": "Late-demographic dividend",
    "MEA": "Middle East, North Africa, Afghanistan & Pakistan", "MIC": "Middle income",
    "MNA": "Middle East, North Africa, Afghanistan & Pakistan (excluding high income)",
    "NAC": "North America", "OED": "OECD members", "OSS": "Other small states",
    "PRE": "Pre-demographic dividend", "PSS": "Pacific island small states",
    "PST": "Post-demographic dividend", "SAS": "South Asia",
    "SSA": "Sub-Saharan Africa (excluding high income)", "SSF": "Sub-Saharan Africa",
    "SST": "Small states", "TEA": "East Asia & Pacific (IDA & IBRD countries)",
    "TEC": "Europe & Central Asia (IDA & IBRD countries)",
    "TLA": "Latin America & the Caribbean (IDA & IBRD countries)",
    "TMN": "Middle East, North Africa, Afghanistan & Pakistan (IDA & IBRD)",
    "TSA": "South Asia (IDA & IBRD)", "TSS": "Sub-Saharan Africa (IDA & IBRD countries)",
    "UMC": "Upper middle income", "WLD": "World", "INX": "Not classified",
}
#: World Bank codes of territories with no ISO 3166 code: rejected with this reason.
WB_NO_ISO = {"CHI": "Channel Islands: World Bank code with no ISO 3166 alpha-3 code"}

WB_SOURCE = {
    "publisher": "World Bank", "publisher_fr": "Banque mondiale",
    "title": "World Development Indicators: Population, total (SP.POP.TOTL)",
    "title_fr": "Indicateurs du développement dans le monde : population totale (SP.POP.TOTL)",
    "url": "https://data.worldbank.org/indicator/SP.POP.TOTL", "location": "SP.POP.TOTL",
    "reported_by": None, "terms": "World Bank data: CC BY 4.0", "evidence": "primary",
}
WPP_SOURCE = {
    "publisher": "UN DESA Population Division", "publisher_fr": "Division de la population du DAES (ONU)",
    "title": "World Population Prospects: total population, both sexes (POP/1-1), estimates",
    "title_fr": "Perspectives de la population mondiale : population totale, estimations",
    "url": "https://population.un.org/wpp/", "location": "sheet ESTIMATES (thousands, 1 July)",
    "reported_by": None, "terms": "CC BY 3.0 IGO", "evidence": "primary",
}

R_GEO = "country code is neither an ISO 3166 alpha-3 code nor a World Bank aggregate"
R_M49 = "M49 code of a country/area with no ISO3 code"
R_YEAR = "year is not a year between 1900 and 2100"
R_VALUE = "not a population figure"
R_DUP = "place and year given twice in the file"


# --- layout ----------------------------------------------------------------------------------

def _head_text(path: Path, size: int = 64 * 1024) -> str:
    with open(path, "rb") as fh:
        return fh.read(size).decode("utf-8-sig", errors="replace")


def _csv_rows(text: str, n: int = 8) -> list[list[str]]:
    return [r for r in csv.reader(io.StringIO("\n".join(text.splitlines()[:n])))]


def population_layout(path) -> str | None:
    """``wb_long``, ``wb_wide``, ``wpp`` or None, from the file's content (not its name)."""
    path = Path(path)
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic.startswith(b"PK"):
        try:
            sheets = pd.ExcelFile(path, engine="calamine").sheet_names
        except Exception:
            return None
        if "ESTIMATES" not in sheets:
            return None
        top = pd.read_excel(path, sheet_name="ESTIMATES", header=None, engine="calamine", dtype=str,
                            keep_default_na=False, nrows=25)
        text = " ".join(top.to_numpy().ravel().tolist())
        return "wpp" if "World Population Prospects" in text and "Country code" in text else None
    rows = _csv_rows(_head_text(path))
    if not rows:
        return None
    if [c.strip() for c in rows[0]] == WB_LONG_HEADER:
        return "wb_long"
    for r in rows:
        cells = [c.strip() for c in r]
        if cells[:4] == WB_WIDE_FIXED and any(_YEAR.match(c) for c in cells[4:]):
            return "wb_wide"
    return None


# --- values ----------------------------------------------------------------------------------

def _number(text: str, scale: float = 1.0):
    """float persons, None for "no figure" ("", "..", "..."), or a reason string (the same words
    for every cell with that problem: the cell itself goes to ``raw_value``)."""
    t = text.strip()
    if t in ("", "..", "...", "\u2026"):
        return None
    try:
        p = parse_number(t, locale="en")
    except NumberParseError as exc:
        return exc.reason
    if p.censored or p.value is None or p.unit is not None:
        return "a bound or a rate, not a number of persons"
    value = p.value if scale == 1 else to_base_units(p.value, scale)  # decimal: 11818.618 k -> 11818618
    return plausible.check("population", "persons", None, None, value) or value


def _values(cells: pd.Series, scale: float = 1.0) -> pd.Series:
    """Parse each distinct string once, then map the column."""
    uniq = pd.unique(cells)
    return cells.map(dict(zip(uniq, (_number(u, scale) for u in uniq))))


def _wb_geo(codes: pd.Series, names=None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(geo, geo_scheme, reject reason or None) for World Bank country codes (a reviewed names
    file, ``names``, decides first for the codes it lists)."""
    uniq = sorted(set(codes))
    iso = dict(zip(uniq, geo.to_iso3(uniq, strict=False, warn=False)))
    table = {}
    for c in uniq:
        decided = names.get(c) if names is not None else None
        if decided is not None:
            table[c] = (decided.iso3, "iso3", None) if decided.is_country else (None, None, f"{R_GEO} (names file)")
        elif c == "WLD":
            table[c] = ("WLD", "world", None)
        elif c in WB_AGGREGATES:
            table[c] = (c, "wb_aggregate", None)
        elif c in WB_NO_ISO:
            table[c] = (None, None, WB_NO_ISO[c])
        elif iso.get(c) == c:
            table[c] = (c, "iso3", None)
        else:
            table[c] = (None, None, R_GEO)
    t = codes.map(table)
    return t.str[0], t.str[1], t.str[2]


# --- readers ---------------------------------------------------------------------------------

def _read_csv(path: Path, skip: int) -> tuple[pd.DataFrame, np.ndarray, list[dict]]:
    """(table, csv line number of each row, rejects for ragged rows) after ``skip`` lines.

    A row whose cell count differs from the header's (typically a name with an unquoted
    comma, "Korea, Rep.") would shift every later column: it is rejected with its line
    number, and the rest of the file is read.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            for _ in range(skip):
                next(reader, None)
            header = [h.strip() for h in next(reader, [])]
            records, lines, rejects = [], [], []
            for cells in reader:
                if not cells or not any(c.strip() for c in cells):
                    continue  # blank line
                if len(cells) != len(header):
                    rejects.append({"row": reader.line_num, "column": None,
                                    "raw_value": ",".join(cells)[:200],
                                    "reason": f"ragged row: {len(cells)} cells, the header has {len(header)}"})
                    continue
                records.append(cells)
                lines.append(reader.line_num)
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise DataFileError(path, f"cannot read the CSV: {exc}") from None
    df = pd.DataFrame(records, columns=header, dtype=object).astype(str)
    return df, np.asarray(lines, dtype=int), rejects


def _long(path: Path, names=None):
    df, rows, ragged = _read_csv(path, 0)
    g, scheme, why = _wb_geo(df["Country Code"].str.strip(), names)
    year = pd.to_numeric(df["Year"].where(df["Year"].str.strip().str.fullmatch(r"\d{4}")), errors="coerce")
    val = _values(df["Value"])
    frame = pd.DataFrame({"row": rows, "geo": g, "geo_scheme": scheme, "year": year, "value": val,
                          "raw_value": df["Value"], "geo_reason": why, "raw_geo": df["Country Code"],
                          "raw_year": df["Year"], "year_col": "Value"})
    return frame, ragged, None


def _wide_preamble(path: Path) -> tuple[int, str | None]:
    """(lines before the header, "Last Updated Date" value)."""
    rows = _csv_rows(_head_text(path), 12)
    updated = None
    for i, r in enumerate(rows):
        cells = [c.strip() for c in r]
        if cells[:1] == ["Last Updated Date"] and len(cells) > 1:
            updated = cells[1] or None
        if cells[:4] == WB_WIDE_FIXED:
            return i, updated
    raise DataFileError(path, "World Bank wide CSV without a 'Country Name, Country Code, ...' header")


def _wide(path: Path, names=None):
    skip, updated = _wide_preamble(path)
    df, lines, ragged = _read_csv(path, skip)
    df = df.loc[:, [c for c in df.columns if c]]  # the trailing comma makes an unnamed last column
    codes = set(df["Indicator Code"].str.strip())
    if codes - {"SP.POP.TOTL"}:
        raise DataFileError(path, f"not a population file: indicator {', '.join(sorted(codes))}, "
                                  "expected SP.POP.TOTL")
    years = [c for c in df.columns if _YEAR.match(c.strip())]
    df["_row"] = lines
    long = df.melt(id_vars=["_row", "Country Code"], value_vars=years, var_name="year", value_name="raw")
    g, scheme, why = _wb_geo(long["Country Code"].str.strip(), names)
    frame = pd.DataFrame({"row": long["_row"], "geo": g, "geo_scheme": scheme,
                          "year": pd.to_numeric(long["year"]), "value": _values(long["raw"]),
                          "raw_value": long["raw"], "geo_reason": why, "raw_geo": long["Country Code"],
                          "raw_year": long["year"], "year_col": long["year"]})
    return frame, ragged, updated


def _wpp(path: Path):
    try:
        raw = pd.read_excel(path, sheet_name="ESTIMATES", header=None, engine="calamine", dtype=str,
                            keep_default_na=False)
    except Exception as exc:
        raise DataFileError(path, f"cannot read the WPP workbook ({type(exc).__name__}: {exc})") from None
    head = raw.index[raw.iloc[:, 4].str.strip().eq("Country code")]
    if not len(head):
        raise DataFileError(path, "WPP sheet ESTIMATES has no 'Country code' header row")
    h = int(head[0])
    title = " ".join(raw.iloc[:h].to_numpy().ravel().tolist())
    m = re.search(r"World Population Prospects (\d{4})", title)
    version = f"WPP{m.group(1)}" if m else None
    df = raw.iloc[h + 1:].copy()
    df.columns = [str(c).strip() for c in raw.iloc[h]]
    df["_row"] = df.index + 1
    df = df[df["Type"].str.strip() != "Label/Separator"]  # headings inside the table, no data
    years = [c for c in df.columns if _YEAR.match(c)]
    # places: Country/Area -> ISO3 through M49, World -> WLD, other aggregates keep the UN code
    places = df[["Country code", "Type"]].drop_duplicates()
    table = {}
    for code, kind in places.itertuples(index=False):
        code = code.strip()
        if kind == "World":
            table[code] = ("WLD", "world", None)
        elif kind == "Country/Area":
            try:
                table[code] = (geo.iso3_from_m49(code), "iso3", None)
            except UnknownGeographyError:
                table[code] = (None, None, R_M49)
        else:
            table[code] = (code, "m49", None)
    long = df.melt(id_vars=["_row", "Country code"], value_vars=years, var_name="year", value_name="raw")
    t = long["Country code"].str.strip().map(table)
    frame = pd.DataFrame({"row": long["_row"], "geo": t.str[0], "geo_scheme": t.str[1],
                          "year": pd.to_numeric(long["year"]), "value": _values(long["raw"], 1000.0),
                          "raw_value": long["raw"], "geo_reason": t.str[2], "raw_geo": long["Country code"],
                          "raw_year": long["year"], "year_col": long["year"]})
    return frame, [], version


def load_population(path, names=None) -> LoadResult:
    """Read a population table (see the module docstring) into a :class:`LoadResult`.

    ``names``: a reviewed names file deciding World Bank country codes before the tables."""
    path = Path(path)
    names = geo.read_names(names) if names is not None and not isinstance(names, geo.Names) else names
    if not path.is_file():
        raise DataFileError(path, "file not found")
    layout = population_layout(path)
    if layout is None:
        raise DataFileError(path, "not a population table: expected World Bank SP.POP.TOTL "
                                  "(long or wide CSV) or a UN WPP total-population workbook")
    reader = {"wb_long": _long, "wb_wide": _wide, "wpp": _wpp}[layout]
    frame, ragged, version = reader(path, names) if layout != "wpp" else reader(path)
    rows_read = int(frame["row"].nunique()) + len(ragged)

    # one reject line per bad row: geography first, then year, then value
    frame["reason"] = frame["geo_reason"]
    frame["column"] = np.where(frame["reason"].notna(), "Country Code" if layout != "wpp" else "Country code", None)
    frame["raw"] = frame["raw_geo"].where(frame["reason"].notna())
    bad_year = frame["reason"].isna() & (frame["year"].isna() | ~frame["year"].between(1900, 2100))
    frame.loc[bad_year, ["reason", "column", "raw"]] = [R_YEAR, "Year", None]
    frame.loc[bad_year, "raw"] = frame.loc[bad_year, "raw_year"]
    bad_val = frame["reason"].isna() & frame["value"].map(lambda v: isinstance(v, str))
    frame.loc[bad_val, "reason"] = R_VALUE + ": " + frame.loc[bad_val, "value"].astype(str)
    frame.loc[bad_val, "column"] = frame.loc[bad_val, "year_col"]
    frame.loc[bad_val, "raw"] = frame.loc[bad_val, "raw_value"]

    # a place-year given twice: both rows rejected (keeping both would double a denominator)
    usable = frame["reason"].isna() & frame["value"].notna()
    twice = usable & frame[usable].duplicated(["geo", "geo_scheme", "year"], keep=False).reindex(
        frame.index, fill_value=False)
    frame.loc[twice, ["reason", "column"]] = [R_DUP, "Year"]
    frame.loc[twice, "raw"] = frame.loc[twice, "raw_geo"] + " " + frame.loc[twice, "raw_year"].astype(str)

    bad = frame[frame["reason"].notna()]
    rejects = (bad.drop_duplicates("row")[["row", "column", "raw", "reason"]]
               .rename(columns={"raw": "raw_value"}).reset_index(drop=True))
    rejects = pd.concat([pd.DataFrame(ragged, columns=REJECT_COLUMNS), rejects], ignore_index=True)
    rejects = pd.DataFrame(rejects, columns=REJECT_COLUMNS).sort_values("row").reset_index(drop=True).astype(object)
    good = frame[~frame["row"].isin(set(bad["row"])) & frame["value"].notna()]

    source = dict(WPP_SOURCE if layout == "wpp" else WB_SOURCE)
    note = ("UN WPP estimates: population as of 1 July, published in thousands"
            if layout == "wpp" else "World Bank SP.POP.TOTL: mid-year de facto population")
    source_id = "un_wpp_" + (version or "unknown").lower().removeprefix("wpp") if layout == "wpp" else "worldbank_sp_pop_totl"
    y = good["year"].astype("Int64")
    obs = pd.DataFrame({
        "indicator": "population", "measure": "population", "basis": None,
        "geo": good["geo"], "geo_scheme": good["geo_scheme"], "citizenship": None,
        "period_start": y, "period_end": y, "period_kind": "point_in_time",
        "sex": "total", "age": "total", "form": "total",
        "value": good["value"].astype(float), "unit": "persons",
        "lower": np.nan, "upper": np.nan, "censored": False,
        "evidence": "primary", "source_id": source_id, "fact_id": None, "note": note,
    })
    obs = conform(obs)
    warn = pd.DataFrame(columns=WARNING_COLUMNS).astype(object)
    return LoadResult(path=path, format="population", rows_read=rows_read, observations=obs,
                      rejects=rejects, warnings=warn, source_version=version,
                      source=dict(source, source_id=source_id, version=version, layout=layout))
