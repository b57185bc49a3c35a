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
