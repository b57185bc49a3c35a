"""Every bundled figure against its row in shared/reference/facts.md, and the data files' rules.

Data-driven over ALL bundled files (ILO / GEMS / population and the GLOTIP / national /
Eurostat files), so a figure typed wrong, taken from an unverified row or attributed to the
wrong kind of evidence fails here with its fact id.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from traffickstats.errors import DataFileError, UnknownGeographyError
from traffickstats.reference import bundled
from traffickstats.reference.bundled import (
    FACT_ID_RE,
    UnknownReferenceError,
    citation,
    footnote,
    integrity_problems,
    legal_status,
    notes,
    observations,
    population,
    sources,
)
from traffickstats.reference.facts import parse_facts, values_in_row
from traffickstats.schema import STORED_COLUMNS

PARTICIPANTS = ["TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE"]

#: Verified facts.md rows that are deliberately NOT bundled (neither as observations nor as
#: notes / legal status), with the reason. A row listed here that becomes bundled fails the
#: test, so the list cannot go stale.
EXCLUDED = {
    # section 4 (part B): qualitative wording, no exact figure to store
    "GLOTIP14-03": "'nearly one third' children: a ratio phrase, not a published percentage",
    "GLOTIP18-06": "qualitative ranking ('forced labour = most detected form'), no number",
    "GLOTIP18-07": "'more than half' / 'less than one in ten': ratio phrases, not figures",
}

#: Which facts.md sections each observation file may draw on.
FILE_SECTIONS = {
    "ilo2012": {1}, "ilo_profits": {2}, "gems": {3}, "population": {8},
    "glotip_reports": {4}, "national": {4, 5}, "eurostat": {7},
}


@pytest.fixture(scope="module")
def facts(facts_path) -> pd.DataFrame:
    return parse_facts(facts_path).set_index("id")


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    return observations()


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))


# --- the facts table itself ------------------------------------------------------------------


def test_facts_table_reads_every_row(facts):
    # facts.md section 11 states 236 rows: 99 V-P (incl. mixed), 125 V-S, 12 U.
    assert len(facts) == 236
    codes = facts["status_code"].value_counts().to_dict()
    assert codes.get("V-S") == 125
    assert codes.get("V-P", 0) + codes.get("V-P/V-S", 0) == 99
    assert codes.get("U") == 12
    assert "?" not in codes


def test_values_in_row_reads_scales_and_both_decimal_marks(facts):
    assert 20_900_000 in values_in_row(facts.loc["ILO12-01"])
    assert 150e9 in values_in_row(facts.loc["ILO14-01"])          # unit column "US$ billion"
    assert 12_277_109 in values_in_row(facts.loc["POP-TUN-1"])    # "12.277.109" in the quote
    assert 3.4 in values_in_row(facts.loc["ILO12-22"])            # "3,4 por 1.000"
    assert 20_800_000 not in values_in_row(facts.loc["ILO12-01"])


# --- every bundled observation against its row ------------------------------------------------


def fact_problems(obs: pd.DataFrame, facts: pd.DataFrame, src: pd.DataFrame) -> list[str]:
    """Each observation against its facts.md row: id, status, evidence, value in the text."""
    src = src.set_index("source_id")
    problems = []
    for _, row in obs.iterrows():
        fid = row["fact_id"]
        where = f"{fid} ({row['source_id']}, value {row['value']})"
        if not isinstance(fid, str) or fid not in facts.index:
            problems.append(f"{where}: no such facts.md row")
            continue
        fact = facts.loc[fid]
        status = fact["status_code"]
        if status not in ("V-P", "V-S", "V-P/V-S"):
            problems.append(f"{where}: status {fact['status']!r} must never be bundled")
            continue
        if status == "V-S" and row["evidence"] != "secondary":
            problems.append(f"{where}: row is V-S only, evidence must be secondary")
        if status == "V-P" and row["evidence"] != "primary":
            problems.append(f"{where}: row is V-P only, evidence must be primary")
        if src.loc[row["source_id"], "evidence"] != row["evidence"]:
            problems.append(f"{where}: evidence differs from its source record")
        if pd.notna(row["value"]):
            value = abs(row["value"]) if row["measure"] == "change" else row["value"]  # "fell by 11%" -> -11
            if not any(_same(value, v) for v in values_in_row(fact)):
                problems.append(f"{where}: value not found in the row's figure/quote")
        elif not row["censored"]:
            problems.append(f"{where}: empty value without censoring")
    return problems


def test_every_observation_is_in_its_fact_row(obs, facts):
    problems = fact_problems(obs, facts, sources())
    assert not problems, "\n".join(problems)


def test_fact_check_catches_typos_and_unverified_rows(obs, facts):
    bad = obs[obs["fact_id"].isin(["ILO12-01", "ILO14-02", "GEMS22-02"])].copy().reset_index(drop=True)
    bad.loc[bad["fact_id"] == "ILO12-01", "value"] = 20_800_000      # typo
    bad.loc[bad["fact_id"] == "ILO14-02", "evidence"] = "primary"     # V-S row claimed primary
    bad.loc[bad["fact_id"] == "GEMS22-02", "fact_id"] = "GEMS17-19"   # an unverified (U) row
    problems = "\n".join(fact_problems(bad, facts, sources()))
    assert "ILO12-01" in problems and "value not found" in problems
    assert "ILO14-02" in problems and "must be secondary" in problems
    assert "GEMS17-19" in problems and "must never be bundled" in problems


def test_observation_files_draw_on_their_own_sections(facts):
    for path in sorted((bundled.data_dir() / "observations").glob("*.csv")):
        df = pd.read_csv(path, dtype=str)
        assert list(df.columns) == STORED_COLUMNS, path.name
        allowed = FILE_SECTIONS.get(path.stem)
        if allowed is None:
            continue  # a new file: only the generic checks apply
        sections = set(facts.loc[df["fact_id"].dropna(), "section"].astype(int))
        assert sections <= allowed, f"{path.name} uses sections {sections - allowed}"


def test_every_verified_row_is_bundled_or_excluded(obs, facts):
    ls = legal_status()
    bundled_ids = set(obs["fact_id"].dropna()) | set(notes()["fact_id"].dropna())
    if "fact_id" in ls.columns:
        bundled_ids |= set(ls["fact_id"].dropna())
    verified = facts[facts["status_code"].str.startswith("V")]
    present_files = {p.stem for p in (bundled.data_dir() / "observations").glob("*.csv")}
    # sections 4-7 are checked once part B's files exist
    sections = {1, 2, 3, 8} | ({4, 5, 6, 7} if {"glotip_reports", "national", "eurostat"} <= present_files else set())
    missing = [fid for fid, r in verified.iterrows()
               if r["section"] in sections and fid not in bundled_ids and fid not in EXCLUDED]
    assert not missing, f"verified rows neither bundled nor excluded: {missing}"
    stale = sorted(set(EXCLUDED) & bundled_ids)
    assert not stale, f"excluded rows that are now bundled: {stale}"
    unknown = sorted(set(EXCLUDED) - set(verified.index))
    assert not unknown, f"exclusions that are not verified facts.md rows: {unknown}"


def test_unverified_rows_of_my_sections_are_not_bundled(obs):
    for fid in ("ILO12-29", "ILO12-30", "ILO14-10", "ILO14-11", "ILO14-12", "ILO14-13",
                "GEMS17-19", "GEMS22-23"):
        assert fid not in set(obs["fact_id"]), fid


# --- arithmetic that the published figures must satisfy ---------------------------------------


def _one(obs, **kw) -> float:
    sel = obs
    for k, v in kw.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, kw
    return float(sel["value"].iloc[0])


def test_ilo2012_regions_add_up_to_the_global_total(obs):
    ilo = obs[obs["fact_id"].str.startswith("ILO12-", na=False)]
    regions = ilo[(ilo["geo_scheme"] == "ilo2012") & (ilo["measure"] == "estimate_stock")]
    assert sorted(regions["geo"]) == sorted(["asia_pacific", "africa", "latin_america_caribbean",
                                             "cse_europe_cis", "developed_eu", "middle_east"])
    total = _one(ilo, fact_id="ILO12-01")
    assert regions["value"].sum() == total == 20_900_000          # 11.7+3.7+1.8+1.6+1.5+0.6
    shares = ilo[(ilo["geo_scheme"] == "ilo2012") & (ilo["measure"] == "share")]
    assert shares["value"].sum() == 100


def test_ilo2012_breakdowns_add_up(obs):
    ilo = obs[obs["fact_id"].str.startswith("ILO12-", na=False) & (obs["measure"] == "estimate_stock")
              & (obs["geo"] == "WLD")]
    total = _one(ilo, fact_id="ILO12-01")
    assert _one(ilo, sex="female") + _one(ilo, sex="male") == total
    assert _one(ilo, age="adult") + _one(ilo, age="child") == total
    private = _one(ilo, form="private_economy")
    assert private + _one(ilo, form="state_imposed") == total
    assert _one(ilo, form="sexual_exploitation") + _one(ilo, form="forced_labour") == private
    assert _one(ilo, form="moved") + _one(ilo, form="place_of_origin") == total


def test_profits_2024_regions_add_up(obs):
    p = obs[(obs["fact_id"] == "ILO24-04")]
    assert p["value"].sum() == _one(obs, fact_id="ILO24-01") == 236e9


def test_gems2022_forced_labour_regions_round_to_the_total(obs):
    # published regional parts sum to 27.5 m vs 27.6 m (facts.md: rounding) — stored as published
    regions = obs[obs["fact_id"] == "GEMS22-15"]["value"].sum()
    total = _one(obs, fact_id="GEMS22-02")
    assert regions == 27_500_000 and abs(total - regions) <= 100_000


# --- rows the reports need ---------------------------------------------------------------


def test_rows_needed_by_reports_exist(obs):
    assert _one(obs, fact_id="ILO12-01") == 20_900_000
    assert _one(obs, fact_id="GEMS22-02") == 27_600_000
    assert _one(obs, fact_id="ILO14-01") == 150e9
    wpp = population()
    assert set(wpp["source_id"].str.startswith("wpp2024_")) == {True}
    assert set(PARTICIPANTS) <= set(wpp["geo"])


def test_population_defaults_to_wpp2024_only():
    wpp = population(geo="TUN", year=2021)
    assert wpp["value"].tolist() == [12_048_622]
    alt = observations(indicator="population", geo="TUN")
    assert "prb_2024_population" in set(alt["source_id"])        # bundled, but not the default
    assert "prb_2024_population" not in set(population(geo="TUN")["source_id"])


# --- sources, notes, citations -------------------------------------------------------------


def test_integrity_sources_and_fact_ids(obs):
    assert integrity_problems(obs, sources()) == []
    assert obs["fact_id"].dropna().map(lambda f: bool(FACT_ID_RE.match(f))).all()
    src = sources()
    assert src["source_id"].is_unique
    secondary = src[src["evidence"] == "secondary"]
    # a secondary source without an outlet could not be cited "as reported by"
    no_outlet = secondary[secondary["reported_by"].isna()]["source_id"].tolist()
    assert set(no_outlet) <= {"prb_2024_population"}, no_outlet  # PRB's own page, status V-S in facts.md


def test_integrity_check_reports_unknown_sources_and_bad_ids(obs):
    bad = obs.head(2).copy()
    bad.loc[0, "source_id"] = "no_such_source"
    bad.loc[1, "fact_id"] = "ilo 12/01"
    problems = integrity_problems(bad, sources())
    assert any("no_such_source" in p for p in problems)
    assert any("ilo 12/01" in p for p in problems)


def test_notes_are_bilingual_and_sourced():
    n = notes()
    known = set(sources()["source_id"])
    assert n["source_id"].isin(known).all()
    assert n["text_en"].notna().all() and n["text_fr"].notna().all()
    assert n["fact_id"].dropna().map(lambda f: bool(FACT_ID_RE.match(f))).all()
    scope = notes(fact="ILO12-13")["text_en"].iloc[0]
    assert "removal of organs" in scope and "forced marriage" in scope
    assert "2002 to 2011" in notes(fact="ILO12-03")["text_en"].iloc[0]


def test_citations_in_french_and_english():
    assert citation("ilo2012_summary_page", "fr") == "Source : BIT (2012), Estimation mondiale du travail forcé"
    assert citation("ilo2012_summary_page", "en") == "Source: ILO (2012), ILO 2012 Global Estimate of Forced Labour"
    assert citation("bbc_2014_profits", "en").endswith(
        "Profits and Poverty: The economics of forced labour, as reported by BBC News")
    assert citation("bbc_2014_profits", "fr").endswith(", tel que rapporté par BBC News")
    with pytest.raises(UnknownReferenceError, match="bbc_2014_profit"):
        citation("bbc_2014_profit")


def test_footnote_joins_distinct_citations(obs):
    one = footnote(observations(source="ilo2012_stats_page"), "fr")
    assert one == "Source : BIT (2012), Estimation mondiale du travail forcé"
    # two pages cited the same way are printed once
    assert footnote(observations(source=["ilo2012_stats_page", "ilo_brasilia_pt"]), "fr") == one
    many = footnote(observations(fact=["ILO14-01", "ILO14-05"]), "en")
    assert many.startswith("Sources: ILO (2014)") and "; " in many and "as reported by BBC News" in many
    assert footnote(obs.iloc[0:0], "en") == ""


# --- filters --------------------------------------------------------------------------------


def test_filters_accept_strings_and_lists(obs):
    assert set(observations(indicator="forced_labour")["indicator"]) == {"forced_labour"}
    both = observations(indicator=["forced_labour", "modern_slavery"], fact=["ILO12-01", "GEMS22-01"])
    assert sorted(both["fact_id"]) == ["GEMS22-01", "ILO12-01"]
    assert set(observations(geo="ilo5:africa")["geo_scheme"]) == {"ilo5"}
    assert set(observations(geo="africa")["geo_scheme"]) == {"ilo5", "ilo2012"}
    # the cache hands out copies
    first = observations()
    first.loc[0, "value"] = -1
    assert observations()["value"].iloc[0] != -1


def test_unknown_filter_values_raise_with_suggestions():
    with pytest.raises(UnknownReferenceError, match="did you mean forced_labour"):
        observations(indicator="forced_labor")
    with pytest.raises(UnknownReferenceError, match="ILO12-0"):
        observations(fact="ILO12-99")


def test_geo_accepts_country_names():
    pytest.importorskip("traffickstats.geo")
    by_name = observations(indicator="population", geo="Tunisie")
    assert set(by_name["geo"]) == {"TUN"}
    with pytest.raises(UnknownGeographyError):
        observations(geo="Atlantis")


# --- bad bundled files give clear errors ------------------------------------------------------


@pytest.fixture()
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ that a test may break (generated from the real bundled files)."""
    dst = tmp_path / "data"
    shutil.copytree(bundled.data_dir(), dst)
    monkeypatch.setattr(bundled, "data_dir", lambda: dst)
    bundled.clear_cache()
    yield dst
    monkeypatch.undo()
    bundled.clear_cache()


def test_bad_cell_names_file_row_and_column(data_copy):
    path = data_copy / "observations" / "ilo2012.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("estimate_stock", "estimated_stock", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        observations()
    assert err.value.path.endswith("ilo2012.csv") and err.value.row == 4 and err.value.column == "measure"


def test_wrong_header_and_duplicate_source_are_errors(data_copy):
    src = data_copy / "sources" / "gems.csv"
    extra = data_copy / "sources" / "zz_duplicate.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    extra.write_text(lines[0] + "\n" + lines[1] + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="duplicate source_id 'gems2017_namati'"):
        sources()
    extra.unlink()
    bundled.clear_cache()
    obs_path = data_copy / "observations" / "gems.csv"
    text = obs_path.read_text(encoding="utf-8")
    obs_path.write_text(text.replace("indicator,measure", "indicator,measures", 1), encoding="utf-8")
    with pytest.raises(DataFileError, match="header must be exactly"):
        observations()


def test_observation_with_unknown_source_is_an_error(data_copy):
    path = data_copy / "observations" / "population.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("wpp2024_danso_bel", "wpp2024_danso_belgium"), encoding="utf-8")
    with pytest.raises(DataFileError, match="wpp2024_danso_belgium"):
        observations()


def test_citation_of_a_loaded_dataset_source():
    # a Source record as a loader returns it (LoadResult.source); generated here
    rec = {"source_id": "unodc_glotip_2023", "publisher": "United Nations Office on Drugs and Crime (UNODC)",
           "publisher_fr": "ONUDC", "title": "GLOTIP dataset", "title_fr": None, "year": 2023,
           "url": None, "location": None, "reported_by": None, "terms": None, "evidence": "primary"}
    assert citation("unodc_glotip_2023", "en", catalog=rec) == "Source: UNODC (2023), GLOTIP dataset"
    assert citation("unodc_glotip_2023", "fr", catalog=[rec]) == "Source : ONUDC (2023), GLOTIP dataset"
