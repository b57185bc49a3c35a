"""Walk Free GSI 2023 loader on the real CSV (180 rows), plus GENERATED variants in tmp_path."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from traffickstats.errors import DataFileError
from traffickstats.loaders.gsi import load_gsi, looks_like_gsi

PARTICIPANTS = ["TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE"]


@pytest.fixture(scope="module")
def gsi_path(shared_data) -> Path:
    return shared_data / "walkfree_gsi" / "Global_Slavery_Index_2023.csv"


@pytest.fixture(scope="module")
def gsi(gsi_path):
    return load_gsi(gsi_path)


def _raw_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def test_exact_counts(gsi):
    s = gsi.summary()
    assert (s["rows_read"], s["accepted"], s["rejected"]) == (180, 177, 3)
    # the 3 rows without any figure (population "-" and no estimate)
    assert sorted(gsi.rejects["raw_value"]) == ["Cape Verde", "Liechtenstein", "Palau"]
    assert set(gsi.rejects["reason"]) == {"no estimate published"}
    # 17 countries with population only + Kosovo without population = 18 rows with warnings
    assert gsi.warnings["row"].nunique() == 18
    assert len(gsi.warnings) == 17 * 2 + 1
    obs = gsi.observations
    counts = obs.groupby(["indicator", "measure"]).size().to_dict()
    assert counts == {("modern_slavery", "estimate_stock"): 160, ("modern_slavery", "rate"): 160,
                      ("population", "population"): 176}
    assert len(gsi.records) == 177 and gsi.records["iso3"].is_unique


def test_names_to_iso3(gsi):
    rec = gsi.records.set_index("name")
    assert rec.loc["Türkiye", "iso3"] == "TUR"
    assert rec.loc["Côte d'Ivoire", "iso3"] == "CIV"
    assert rec.loc["Lao PDR", "iso3"] == "LAO"
    assert rec.loc["North Korea", "iso3"] == "PRK"
    assert rec.loc["Tunisia", "region"] == "africa"
    assert rec.loc["Lebanon", "region"] == "arab_states"
    assert set(PARTICIPANTS) <= set(gsi.observations["geo"])


def test_tunisia_equals_the_raw_row(gsi, gsi_path):
    header, rows = _raw_rows(gsi_path)
    raw = dict(zip([h.strip() for h in header], next(r for r in rows if r[0].strip() == "Tunisia")))

    def plain(text: str) -> float:  # independent reading: strip padding and thousands commas
        return float(text.strip().replace(",", ""))

    obs = gsi.observations[gsi.observations["geo"] == "TUN"].set_index("measure")
    assert obs.loc["estimate_stock", "value"] == plain(raw["Estimated number of people in modern slavery"]) == 27000
    assert obs.loc["rate", "value"] == plain(raw["Estimated prevalence of modern slavery per 1,000 population"]) == 2.3
    assert obs.loc["population", "value"] == plain(raw["Population"]) == 11_819_000
    assert obs.loc["rate", "unit"] == "per_1000" and obs.loc["rate", "basis"] == "estimate_stock"
    assert obs.loc["estimate_stock", "year_start"] == 2021
    assert obs.loc["estimate_stock", "period_kind"] == "point_in_time"
    assert obs.loc["population", "year_start"] == 2020
    assert "denominator" in obs.loc["population", "note"]
    assert "Modelled estimate" in obs.loc["estimate_stock", "note"]
    assert set(obs["source_id"]) == {"walkfree_gsi_2023"} and gsi.source["publisher"] == "Walk Free"


def test_missing_fields_are_warnings_not_zeros(gsi):
    kosovo = gsi.observations[gsi.observations["geo"] == "XKX"]
    assert set(kosovo["measure"]) == {"estimate_stock", "rate"}  # no invented population
    w = gsi.warnings
    antigua = w[w["row"] == 6]  # Antigua and Barbuda: population only
    assert len(antigua) == 2 and all("no figure published" in x for x in antigua["warning"])
    assert (gsi.observations["value"] > 0).all()


def test_header_detection(gsi_path):
    header, _ = _raw_rows(gsi_path)
    assert looks_like_gsi(header)
    assert looks_like_gsi([h.strip() for h in header])
    assert not looks_like_gsi(["yearOfRegistration", "citizenship", "CountryOfExploitation"])


def test_generated_variant_bad_cells_and_unknown_names(tmp_path):
    # GENERATED: unpadded header (as in another public copy) and three made-up bad rows
    p = tmp_path / "generated_gsi.csv"
    p.write_text(
        "Country,Population,Region,\"Estimated prevalence of modern slavery per 1,000 population\","
        "Estimated number of people in modern slavery\n"
        "Tunisia,\"  11,819,000 \",Africa,2.3,\"27,000\"\n"
        "Atlantis,\"1,000\",Africa,1.0,\"1,000\"\n"
        "Morocco,\"  36,911,000 \",Africa,two,\"85,000\"\n"
        ",\"5,000\",Africa,1.0,\"5,000\"\n",
        encoding="utf-8",
    )
    res = load_gsi(p)
    assert (res.rows_read, res.accepted, res.rejected) == (4, 1, 3)
    rej = res.rejects.set_index("row")
    assert "unknown country name" in rej.loc[3, "reason"]
    assert rej.loc[4, "column"].startswith("Estimated prevalence") and rej.loc[4, "raw_value"] == "two"
    assert rej.loc[5, "reason"] == "country name missing"


def test_not_gsi_is_a_clear_error(tmp_path):
    p = tmp_path / "generated_other.csv"
    p.write_text("Pays,Valeur\nTunisie,1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not a GSI country table.*supported editions: Walk Free GSI 2023"):
        load_gsi(p)
    with pytest.raises(DataFileError, match="no such file"):
        load_gsi(tmp_path / "absent.csv")


# --- editions: GSI 2018 workbook read, older layouts refused (GENERATED workbooks) -----------

RATE_2018 = "Est. prevalence of population in modern slavery (victims per 1,000 population)"
HEADER_2018 = ["Country ", "Region", "Population", RATE_2018, "Est. number of people in modern slavery",
               "Factor one Governance issues", "Total"]


def _workbook(path: Path, sheet: str, header: list, rows: list) -> Path:
    """GENERATED workbook: a 'read me' first sheet, then ``sheet`` with two title rows above
    ``header`` (the header is on row 3, as in Walk Free's 2018 data workbook); made-up values."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Read me"
    wb.active["A1"] = "GENERATED test workbook: the layout of a Walk Free GSI file, values made up"
    ws = wb.create_sheet(sheet)
    ws.append(["GENERATED: Global Slavery Index layout (made-up values)"])
    ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_gsi_2018_workbook_is_read_as_its_own_edition(tmp_path):
    from traffickstats.loaders import detect_format, load

    p = _workbook(tmp_path / "generated_gsi_2018.xlsx", "Global prev, vuln, govt table", HEADER_2018, [
        ["Tunisia", "Africa", 11_000_000, 1.5, 16_000, 40.1, 50],       # row 4
        ["Morocco", "Africa", 35_000_000, 2.0, 70_000, 41.2, 45],       # row 5
        ["Lebanon", "Arab States", 6_000_000, 2000, 12_000, 1, 1],      # row 6: 2,000 per 1,000
        ["Algeria", "Africa", 40_000_000, 1.0, 50_000_000, 1, 1],       # row 7: more than its population
        ["Morocco", "Africa", 35_000_000, 2.0, 70_000, 41.2, 45],       # row 8: copy of row 5
    ])
    assert detect_format(p) == "gsi"  # from the content, not the name
    res = load(p)
    assert res.source_version == "GSI 2018" and res.source["source_id"] == "walkfree_gsi_2018"
    assert (res.rows_read, res.accepted, res.rejected) == (5, 2, 3)
    obs = res.observations.set_index(["geo", "measure"])
    assert obs.loc[("TUN", "estimate_stock"), "value"] == 16_000 and obs.loc[("TUN", "rate"), "value"] == 1.5
    assert set(res.observations["year_start"]) == {2016}  # GEMS 2017: any given day in 2016
    assert "population" not in set(res.observations["indicator"])  # the 2018 denominator is not guessed
    assert "not comparable with GSI 2023" in obs.loc[("TUN", "estimate_stock"), "note"]
    rej = res.rejects.set_index("row")
    assert (rej.loc[6, "column"], rej.loc[6, "raw_value"]) == (RATE_2018, "2000")
    assert rej.loc[6, "reason"] == "a rate above 1,000 per 1,000 (more than everyone)"
    assert rej.loc[7, "column"] == "Est. number of people in modern slavery" and rej.loc[7, "raw_value"] == "50000000"
    assert rej.loc[8, "reason"].startswith("duplicate row")


def test_older_or_unknown_gsi_layouts_are_refused_naming_the_supported_editions(tmp_path, capsys):
    from traffickstats.cli import main

    p = _workbook(tmp_path / "generated_gsi_2016.xlsx", "GSI 2016", [
        "Country", "Region", "Population", "Estimated proportion of population in modern slavery",
        "Estimated number in modern slavery"], [["Tunisia", "MENA", 11_000_000, 0.1, 11_000]])
    assert main(["data", "validate", str(p)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(p) in err
    assert "supported editions: Walk Free GSI 2023" in err and "GSI 2018" in err
    assert "UTF-8" not in err and "--mapping" not in err
    q = _workbook(tmp_path / "generated_gsi_other.xlsx", "Data", [
        "Country", "Population", "Estimated prevalence of modern slavery per 100 population",
        "Estimated number of people in modern slavery"], [["Tunisia", 11_000_000, 0.2, 11_000]])
    with pytest.raises(DataFileError, match="edition this loader does not read.*supported editions"):
        load_gsi(q)


def test_gsi_2023_duplicates_and_implausible_rows(tmp_path):
    """GENERATED 2023-layout CSV: one country written twice with different figures, and a
    stock above the population on its own row."""
    p = tmp_path / "generated_gsi_dup.csv"
    p.write_text(
        "Country,Population,Region,\"Estimated prevalence of modern slavery per 1,000 population\","
        "Estimated number of people in modern slavery\n"
        "Turkey,\"1,000,000\",Europe and Central Asia,2.0,\"2,000\"\n"
        "Türkiye,\"1,000,000\",Europe and Central Asia,3.0,\"3,000\"\n"
        "Tunisia,\"1,000\",Africa,2.0,\"5,000\"\n"
        "Morocco,\"1,000,000\",Africa,-1.0,\"1,000\"\n"
        "France,\"1,000,000\",Europe and Central Asia,1.0,\"1,000\"\n",
        encoding="utf-8",
    )
    res = load_gsi(p)
    rej = res.rejects.set_index("row")
    assert rej.loc[2, "reason"].startswith("conflicting rows") and rej.loc[3, "reason"].startswith("conflicting")
    assert rej.loc[4, "raw_value"] == "5,000" and "population given on the same row" in rej.loc[4, "reason"]
    assert rej.loc[5, "raw_value"] == "-1.0" and rej.loc[5, "reason"].startswith("negative")
    assert res.records["iso3"].tolist() == ["FRA"]
