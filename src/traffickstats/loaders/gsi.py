"""Walk Free Global Slavery Index: country estimates of modern slavery (modelled, not counts).

Two editions are read; anything else is refused with a message naming them (:data:`SUPPORTED`):

* **GSI 2023**: Walk Free's "GSI 2023 summary data" table, as the CSV cut that circulates
  (one row per country, names only, padded header names such as ``'  Country '``, numbers
  as text with thousands commas and padding ``"  38,928,000 "``, ``-`` or an empty cell where
  Walk Free published no figure), or as that sheet of the 2023 data workbook;
* **GSI 2018**: the sheet "Global prev, vuln, govt table" of the 2018 data workbook (title
  rows, then the header on row 3: ``Country``, ``Region``, ``Population``, "Est. prevalence
  of population in modern slavery (victims per 1,000 population)", "Est. number of people in
  modern slavery", then vulnerability and government-response scores, which are not read).

The edition is told from the content (sheet and header wording), never from the file name.

What the figures are:

* the estimated number of people in modern slavery -> indicator ``modern_slavery``, measure
  ``estimate_stock`` (persons on any given day): reference year **2021** for GSI 2023 (built
  on the Global Estimates of Modern Slavery 2022) and **2016** for GSI 2018 (built on the
  Global Estimates 2017, "on any given day in 2016", fact GEMS17-01);
* the estimated prevalence per 1,000 population -> the same indicator, measure ``rate``,
  unit ``per_1000``, basis ``estimate_stock``;
* ``Population`` (GSI 2023 only) -> indicator ``population``: Walk Free's denominator, which
  equals the UN World Population Prospects 2019 estimates for 1 July 2020 rounded to
  thousands (checked against WPP2019 F01 for Afghanistan, India, China, Tunisia, France,
  Viet Nam), hence 2020. The 2018 workbook's population column is not read: the workbook
  does not say which year or revision it is, and a denominator is never guessed.

Gaps are kept visible: a country row with at least one figure is accepted and every missing
field is listed in ``warnings``; a row with no figure at all is rejected with the reason
"no estimate published". Names go to ISO3 through :func:`traffickstats.geo.to_iso3`.

Plausibility (:mod:`.plausible`): a negative figure, a prevalence above 1,000 per 1,000,
or an estimated number above the population given on the same row (else above the
bundled population of the country, else 10 billion) rejects the row, naming the column and
its text. A country given on two rows is never counted twice: identical rows keep the
first and reject the others ("duplicate row"); rows with different figures are all
rejected ("conflicting rows").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import geo
from ..errors import DataFileError, NumberParseError
from ..numbers import parse_number
from ..schema import conform, empty_observations
from . import plausible
from .cells import cell_text, is_empty
from .result import REJECT_COLUMNS, WARNING_COLUMNS, LoadResult

__all__ = ["load_gsi", "looks_like_gsi", "gsi_edition", "SOURCE", "SOURCES", "REGIONS", "SUPPORTED",
           "WORKBOOK_SHEETS"]

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
SOURCE_2018 = {
    "source_id": "walkfree_gsi_2018",
    "publisher": "Walk Free Foundation",
    "publisher_fr": "Walk Free Foundation",
    "title": "Global Slavery Index 2018",
    "title_fr": "Indice mondial de l'esclavage 2018",
    "year": 2018,
    "url": "https://www.globalslaveryindex.org/2018/",
    "location": "GSI 2018 data workbook, sheet 'Global prev, vuln, govt table'",
    "reported_by": None,
    "terms": "Attribution: Walk Free Foundation (2018) Global Slavery Index",
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


@dataclass(frozen=True)
class Edition:
    """What one GSI edition's figures are: source, reference year, notes."""

    name: str
    source: dict
    reference_year: int
    population_year: int | None  # None: the population column is not read
    note_stock: str
    note_rate: str
    note_population: str | None = None


SOURCES = {
    "GSI 2023": Edition("GSI 2023", SOURCE, REFERENCE_YEAR, POPULATION_YEAR, _NOTE_STOCK, _NOTE_RATE, _NOTE_POP),
    "GSI 2018": Edition(
        "GSI 2018", SOURCE_2018, 2016, None,
        "Modelled estimate (Walk Free, GSI 2018, from the Global Estimates of Modern Slavery 2017): people "
        "in modern slavery on any given day in 2016. Not a count of identified victims; not comparable "
        "with GSI 2023 (different data and model).",
        "Modelled prevalence per 1,000 population (Walk Free, GSI 2018): estimated people in modern "
        "slavery on any given day in 2016 per 1,000 inhabitants. Not comparable with GSI 2023."),
}
#: The editions this loader reads, as error messages name them.
SUPPORTED = ("Walk Free GSI 2023 (the 'GSI 2023 summary data' table, as CSV or in the 2023 data "
             "workbook) and GSI 2018 (sheet 'Global prev, vuln, govt table' of the 2018 data workbook)")
#: Workbook sheets looked at first (any sheet with a GSI header in its first rows is read).
WORKBOOK_SHEETS = ("GSI 2023 summary data", "Global prev, vuln, govt table")
_HEADER_ROWS = 15  # a workbook's header is within its first rows (title rows above it)


def _norm(name) -> str:
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
    """True when a header row is a GSI country table (used by ``detect``)."""
    roles = _columns([h for h in header if isinstance(h, str)])
    return roles["country"] is not None and (roles["rate"] is not None or roles["stock"] is not None)


def gsi_edition(header: list[str]) -> str | None:
    """``"GSI 2023"``, ``"GSI 2018"`` or None (a GSI-like header of another edition), from the
    wording of the prevalence column: 2023 "Estimated prevalence of modern slavery per 1,000
    population"; 2018 "Est. prevalence of population in modern slavery (victims per 1,000
    population)"."""
    rate = _columns([h for h in header if isinstance(h, str)])["rate"]
    if rate is None:
        return None
    n = _norm(rate)
    if n == "estimated prevalence of modern slavery per 1,000 population":
        return "GSI 2023"
    if n.startswith("est. prevalence") and "victims per 1,000 population" in n:
        return "GSI 2018"
    return None


# --- reading ---------------------------------------------------------------------------------

def _read(path: Path) -> tuple[list[str], list[list[str]], int]:
    """(header, rows of text cells, spreadsheet row number of the first data row)."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except FileNotFoundError as exc:
        raise DataFileError(path, "no such file") from exc
    except OSError as exc:
        raise DataFileError(path, f"cannot open: {exc.strerror or exc}") from exc
    if magic.startswith(b"PK\x03\x04") or magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_workbook(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig",
                          skip_blank_lines=True)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise DataFileError(path, f"cannot read as a UTF-8 CSV: {exc}") from exc
    return list(raw.columns), raw.to_numpy().tolist(), 2


def _read_workbook(path: Path) -> tuple[list[str], list[list[str]], int]:
    """The first sheet (preferred names first) whose first rows hold a GSI header."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
        order = [n for n in WORKBOOK_SHEETS if n in names] + [n for n in names if n not in WORKBOOK_SHEETS]
        for name in order:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for i, cells in enumerate(rows[:_HEADER_ROWS]):
                header = [cell_text(c) if not is_empty(c) else "" for c in cells]
                if looks_like_gsi(header):
                    body = [[cell_text(c) if not is_empty(c) else "" for c in r] for r in rows[i + 1:]]
                    body = [r + [""] * (len(header) - len(r)) for r in body]
                    return header, body, i + 2
    except DataFileError:
        raise
    except Exception as exc:  # calamine's own errors for damaged workbooks
        raise DataFileError(path, f"cannot read the workbook ({type(exc).__name__}: {exc})") from None
    raise DataFileError(path, f"no GSI country table in this workbook (sheets: {', '.join(names)}); "
                              f"supported editions: {SUPPORTED}")


def load_gsi(path, names=None) -> LoadResult:
    """Load a GSI country table (see the module docstring) into modern_slavery / population observations.

    ``records``: one row per accepted country (``row``, ``name``, ``iso3``, ``region``
    (ilo5 code or None)). ``names``: a names file (path or ``geo.Names``) read before the
    geography tables. Raises ``DataFileError`` when the file cannot be read, lacks the Country
    and estimate columns, or is an edition this loader does not read.
    """
    path = Path(path)
    header, body, first_row = _read(path)
    roles = _columns(list(header))
    missing = [r for r in ("country", "rate", "stock") if roles[r] is None]
    if missing:
        raise DataFileError(path, "not a GSI country table: no column for " + ", ".join(missing)
                            + f" (columns: {', '.join(str(c).strip() for c in header)}); supported "
                            f"editions: {SUPPORTED}")
    edition_name = gsi_edition(list(header))
    if edition_name is None:
        raise DataFileError(path, f"a GSI table of an edition this loader does not read (prevalence column "
                                  f"{str(roles['rate']).strip()!r}); supported editions: {SUPPORTED}")
    edition = SOURCES[edition_name]
    raw = pd.DataFrame(body, columns=list(header), dtype=object).fillna("").astype(str)
    raw = raw[~(raw.apply(lambda r: "".join(r).strip(), axis=1) == "")] if len(raw) else raw
    row_of = [first_row + int(k) for k in raw.index]  # spreadsheet rows (blank rows skipped)
    raw = raw.reset_index(drop=True)

    labels = raw[roles["country"]].str.strip()
    distinct = sorted(set(labels) - {""})
    names = geo.read_names(names) if names is not None and not isinstance(names, geo.Names) else names
    resolved = geo.resolve_labels(distinct, names=names, field_="geo")  # names file, then the tables
    iso = resolved.code

    figures = [("stock", roles["stock"]), ("rate", roles["rate"])]
    if edition.population_year is not None:
        figures.append(("population", roles["population"]))
    rejects, warns, kept = [], [], []
    for i, rec in enumerate(raw.to_dict("records")):
        row = row_of[i]
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
                p = parse_number(text, locale="en")
            except NumberParseError as exc:
                bad.append((row, col.strip(), text, f"not a number: {exc.reason}"))
                continue
            if p.censored or p.value is None:
                bad.append((row, col.strip(), text, "a bound where Walk Free publishes a figure"))
                continue
            values[role] = (p.value, col.strip(), text)
        bad = bad or _implausible(row, iso[name], values)
        if bad:
            rejects.append(bad[0])
            continue
        if not values:
            rejects.append((row, None, name, "no estimate published"))
            continue
        region = REGIONS.get(_norm(rec[roles["region"]])) if roles["region"] else None
        kept.append({"row": row, "name": name, "iso3": iso[name], "region": region,
                     "values": {k: v[0] for k, v in values.items()}, "gaps": gaps,
                     "column": roles["country"].strip()})
    kept = _once_per_country(kept, rejects)
    obs, records = [], []
    for k in kept:
        warns.extend((k["row"], col, text, "no figure published (cell is "
                      + (repr(text.strip()) if text.strip() else "empty") + ")") for col, text in k["gaps"])
        records.append({"row": k["row"], "name": k["name"], "iso3": k["iso3"], "region": k["region"]})
        obs.extend(_observations(k["iso3"], k["values"], edition))

    column = roles["country"].strip()
    first = {}
    for i, name in enumerate(labels):
        first.setdefault(name, row_of[i])
    warns.extend(tuple(w.values()) for w in resolved.review_warnings(column, first, names, distinct))
    frame = conform(pd.DataFrame(obs)) if obs else conform(empty_observations())
    rej = pd.DataFrame(rejects, columns=REJECT_COLUMNS).astype(object)
    return LoadResult(
        path=path, format="gsi", rows_read=len(raw), observations=frame,
        rejects=rej.sort_values("row", kind="stable").reset_index(drop=True),
        warnings=pd.DataFrame(warns, columns=WARNING_COLUMNS).astype(object),
        source_version=edition.name, source=dict(edition.source),
        records=pd.DataFrame(records, columns=["row", "name", "iso3", "region"]),
        unresolved=resolved.unresolved_records(column, first, labels.value_counts().to_dict()),
    )


def _implausible(row: int, iso3: str, values: dict) -> list[tuple]:
    """A reject line for the first figure that cannot be true (see the module docstring)."""
    measure = {"stock": ("estimate_stock", "persons"), "rate": ("rate", "per_1000"),
               "population": ("population", "persons")}
    for role, (value, col, text) in values.items():
        reason = plausible.check(*measure[role], iso3, "iso3", value)
        if reason:
            return [(row, col, text, reason)]
    if "stock" in values and "population" in values and values["stock"][0] > values["population"][0]:
        _, col, text = values["stock"]
        return [(row, col, text, "more people in modern slavery than the population given on the same row")]
    return []


R_DUPLICATE = "duplicate row: the same country and figures as an earlier row (the first is kept)"
R_CONFLICT = "conflicting rows: the same country with different figures (all rejected)"


def _once_per_country(kept: list[dict], rejects: list) -> list[dict]:
    """Never count a country twice ("Turkey" and "Türkiye" are one country)."""
    by_iso: dict[str, list[dict]] = {}
    for k in kept:
        by_iso.setdefault(k["iso3"], []).append(k)
    out = []
    for k in kept:
        group = by_iso[k["iso3"]]
        if len(group) == 1:
            out.append(k)
        elif all(g["values"] == group[0]["values"] for g in group):
            if k is group[0]:
                out.append(k)
            else:
                rejects.append((k["row"], k["column"], k["name"], R_DUPLICATE))
        else:
            rejects.append((k["row"], k["column"], k["name"], R_CONFLICT))
    return out


def _observations(iso3: str, values: dict[str, float], edition: Edition) -> list[dict]:
    base = {"geo": iso3, "geo_scheme": "iso3", "sex": "total", "age": "total", "form": "total",
            "censored": False, "evidence": "primary", "source_id": edition.source["source_id"]}
    year = edition.reference_year
    est = dict(base, indicator="modern_slavery", period_start=year, period_end=year, period_kind="point_in_time")
    out = []
    if "stock" in values:
        out.append(dict(est, measure="estimate_stock", unit="persons", value=values["stock"], note=edition.note_stock))
    if "rate" in values:
        out.append(dict(est, measure="rate", basis="estimate_stock", unit="per_1000", value=values["rate"],
                        note=edition.note_rate))
    if "population" in values and edition.population_year is not None:
        out.append(dict(base, indicator="population", measure="population", unit="persons",
                        value=values["population"], period_start=edition.population_year,
                        period_end=edition.population_year, period_kind="point_in_time",
                        note=edition.note_population))
    return out
