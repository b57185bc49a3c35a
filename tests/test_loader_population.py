"""Population loader: World Bank long CSV (real), World Bank wide bulk layout (generated here from
the long file's real values), UN WPP 2019 workbook (real)."""

from __future__ import annotations

import csv
from decimal import Decimal

import pandas as pd
import pytest

from traffickstats.loaders.detect import detect_format
from traffickstats.loaders.population import WB_AGGREGATES, load_population, population_layout


@pytest.fixture(scope="module")
def wb_path(shared_data):
    return shared_data / "population" / "worldbank_SP.POP.TOTL_long_datasets-population.csv"


@pytest.fixture(scope="module")
def wpp_path(shared_data):
    return shared_data / "population" / "WPP2019_POP_F01_1_TOTAL_POPULATION_BOTH_SEXES.xlsx"


@pytest.fixture(scope="module")
def wb_rows(wb_path) -> list[dict]:
    with open(wb_path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def wb(wb_path):
    return load_population(wb_path)


def _value(obs, geo, year):
    hit = obs[(obs.geo == geo) & (obs.year_start == year)]
    assert len(hit) == 1, (geo, year, hit)
    return hit["value"].iloc[0]


def test_wb_long_counts(wb, wb_rows):
    assert wb.format == "population"
    assert wb.rows_read == len(wb_rows) == 17_195  # SOURCE.md: 17,195 rows
    chi = [r for r in wb_rows if r["Country Code"] == "CHI"]
    assert wb.rejected == len(chi) == 65
    assert set(wb.rejects["reason"]) == {"Channel Islands: World Bank code with no ISO 3166 alpha-3 code"}
    assert len(wb.observations) == wb.accepted


def test_wb_long_tunisia_2020_equals_raw_row(wb, wb_rows):
    raw = [r for r in wb_rows if r["Country Code"] == "TUN" and r["Year"] == "2020"]
    assert len(raw) == 1
    assert _value(wb.observations, "TUN", 2020) == int(raw[0]["Value"])


def test_wb_aggregates_kept_apart(wb, wb_rows):
    obs = wb.observations
    assert set(obs.loc[obs.geo_scheme == "iso3", "geo"]).isdisjoint(WB_AGGREGATES)
    assert set(obs.loc[obs.geo == "WLD", "geo_scheme"]) == {"world"}
    assert set(obs.loc[obs.geo == "EUU", "geo_scheme"]) == {"wb_aggregate"}
    codes_in_file = {r["Country Code"] for r in wb_rows}
    assert (codes_in_file & set(WB_AGGREGATES)) == set(obs.loc[obs.geo_scheme != "iso3", "geo"])
    assert (obs.geo == "NAM").sum() == sum(r["Country Code"] == "NAM" for r in wb_rows)
    assert set(obs["period_kind"]) == {"point_in_time"} and set(obs["unit"]) == {"persons"}


def _write_wide(path, wb_rows, codes, years):
    """The World Bank bulk-download layout, GENERATED from the long file's real values:
    BOM, 4 preamble lines, header on line 5, a trailing comma on every line, empty = missing."""
    by = {(r["Country Code"], r["Year"]): r for r in wb_rows}
    names = {r["Country Code"]: r["Country Name"] for r in wb_rows}
    lines = ['"Data Source","World Development Indicators",', "",
             '"Last Updated Date","2025-07-01",', "",
             ",".join(f'"{c}"' for c in ["Country Name", "Country Code", "Indicator Name", "Indicator Code",
                                          *map(str, years)]) + ","]
    for code in codes:
        cells = [names[code], code, "Population, total", "SP.POP.TOTL"]
        cells += [by[(code, str(y))]["Value"] if (code, str(y)) in by else "" for y in years]
        lines.append(",".join(f'"{c}"' for c in cells) + ",")
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_wb_wide_generated_layout(tmp_path, wb, wb_rows):
    years = list(range(1960, 2025))
    codes = ["TUN", "NAM", "WLD", "EUU", "CHI", "XKX"]
    path = _write_wide(tmp_path / "API_SP.POP.TOTL_DS2_en_csv_v2.csv", wb_rows, codes, years)
    assert population_layout(path) == "wb_wide" and detect_format(path) == "population"
    r = load_population(path)
    assert r.rows_read == len(codes) and r.rejected == 1  # CHI
    assert r.source_version == "2025-07-01"
    long = wb.observations
    for code in ["TUN", "NAM", "WLD", "EUU", "XKX"]:
        for year in (1960, 2000, 2020, 2024):
            if any(x["Country Code"] == code and x["Year"] == str(year) for x in wb_rows):
                assert _value(r.observations, code, year) == _value(long, code, year)
    # empty cells (years with no figure) give no observation
    n_raw = sum(1 for x in wb_rows if x["Country Code"] in codes and x["Country Code"] != "CHI")
    assert len(r.observations) == n_raw


def test_wb_wide_bad_cell_rejects_its_row(tmp_path, wb_rows):
    path = _write_wide(tmp_path / "wide.csv", wb_rows, ["TUN", "MAR"], [2019, 2020])
    text = path.read_text(encoding="utf-8-sig").replace(
        next(x["Value"] for x in wb_rows if x["Country Code"] == "MAR" and x["Year"] == "2020"), "12 millions?")
    path.write_text(text, encoding="utf-8")
    r = load_population(path)
    assert r.rows_read == 2 and r.rejected == 1
    rej = r.rejects.iloc[0]
    assert rej["row"] == 7 and rej["column"] == "2020" and rej["raw_value"] == "12 millions?"
    assert set(r.observations["geo"]) == {"TUN"}


@pytest.fixture(scope="module")
def wpp(wpp_path):
    return load_population(wpp_path)


def test_wpp_tunisia_2020_equals_raw_cell_in_persons(wpp, wpp_path):
    raw = pd.read_excel(wpp_path, sheet_name="ESTIMATES", header=16, engine="calamine", dtype=str,
                        keep_default_na=False)
    cell = raw.loc[raw["Country code"] == "788", "2020"]
    assert cell.tolist() == ["11818.618"]  # thousands
    assert _value(wpp.observations, "TUN", 2020) == int(Decimal(cell.iloc[0]) * 1000) == 11_818_618
    assert wpp.source_version == "WPP2019"


def test_wpp_countries_and_aggregates(wpp, wpp_path):
    raw = pd.read_excel(wpp_path, sheet_name="ESTIMATES", header=16, engine="calamine", dtype=str,
                        keep_default_na=False)
    countries = raw[raw["Type"] == "Country/Area"]
    assert len(countries) == 235  # SOURCE.md
    obs = wpp.observations
    iso = obs[(obs.geo_scheme == "iso3") & (obs.year_start == 2020)]
    assert len(iso) == 234  # 235 minus Channel Islands (M49 830, no ISO3): rejected
    assert wpp.rejects["raw_value"].tolist() == ["830"]
    assert set(obs.loc[obs.geo == "WLD", "geo_scheme"]) == {"world"}
    assert _value(obs, "WLD", 1950) == 2_536_431_018
    assert set(obs.loc[obs.geo_scheme == "m49", "geo"]) >= {"903", "1503"}  # Africa, high-income
    labels = raw[raw["Type"] == "Label/Separator"]
    assert wpp.rows_read == len(raw) - len(labels)
    assert not obs["value"].isna().any()


def test_impossible_populations_are_rejected(tmp_path):
    """GENERATED long World Bank table: a negative population, one above 10 billion, and a
    place-year given twice; every reason names no value (the value is in raw_value)."""
    p = tmp_path / "generated_population.csv"
    p.write_text("Country Name,Country Code,Year,Value\n"
                 "Tunisia,TUN,2020,-5\n"                      # row 2
                 "Tunisia,TUN,2021,1234567890123\n"           # row 3
                 "Morocco,MAR,2020,100\n"                     # row 4
                 "Morocco,MAR,2020,100\n"                     # row 5: the same place-year again
                 "Algeria,DZA,2020,4000\n", encoding="utf-8")  # row 6: fine
    r = load_population(p)
    rej = r.rejects.set_index("row")
    assert (rej.loc[2, "column"], rej.loc[2, "raw_value"]) == ("Value", "-5")
    assert rej.loc[2, "reason"] == "not a population figure: negative: a population cannot be below zero"
    assert rej.loc[3, "raw_value"] == "1234567890123" and "above 10,000,000,000" in rej.loc[3, "reason"]
    assert set(rej.loc[[4, 5], "reason"]) == {"place and year given twice in the file"}
    assert r.observations["geo"].tolist() == ["DZA"]
    assert r.summary()["rejects_by_reason"]["place and year given twice in the file"] == 2
