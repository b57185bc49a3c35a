"""Bundled reference data, part B: legal status of the nine participants and the
GLOTIP / national / Eurostat observation files built by hand from facts.md.

Checks the files as a user would read them (plain pandas), against the schema and
against facts.md (every fact_id must be a VERIFIED row there).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from traffickstats import schema
from traffickstats.paths import data_dir

PARTICIPANTS = ["TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE"]
CETS_PARTIES = {"FRA", "SRB", "BEL", "CHE"}
OBS_FILES = ["glotip_reports.csv", "national.csv", "eurostat.csv"]
SOURCE_FILES = ["glotip_reports.csv", "national.csv", "eurostat.csv", "coe.csv"]
LEGAL_COLUMNS = ["fact_id", "source_id", "geo", "instrument", "event", "date", "detail", "evidence", "note"]
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
ISO_DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


def _read(path) -> pd.DataFrame:
    # Every cell as text; an empty cell is missing (never the string "nan").
    return pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)


def _observations(name: str) -> pd.DataFrame:
    df = _read(data_dir() / "observations" / name)
    assert list(df.columns) == schema.STORED_COLUMNS, f"{name}: header must be schema.STORED_COLUMNS in order"
    for c in ("value", "lower", "upper"):
        df[c] = pd.to_numeric(df[c], errors="raise")
    df = schema.with_years(df)
    bad = set(df["censored"]) - {"True", "False"}
    assert not bad, f"{name}: censored is True or False (data/README.md), got {bad}"
    df["censored"] = df["censored"].eq("True")
    return df


@pytest.fixture(scope="module")
def legal() -> pd.DataFrame:
    df = _read(data_dir() / "legal_status.csv")
    assert list(df.columns) == LEGAL_COLUMNS
    return df


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    frames = [_read(data_dir() / "sources" / n).assign(_file=n) for n in SOURCE_FILES]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    return pd.concat([_observations(n).assign(_file=n) for n in OBS_FILES], ignore_index=True)


@pytest.fixture(scope="module")
def fact_status(facts_path) -> dict[str, str]:
    """id -> status cell of every table row of facts.md."""
    status = {}
    for line in facts_path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| id ") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"[A-Z][A-Za-z0-9-]*", cells[0]):
            status[cells[0]] = cells[-1]
    assert len(status) > 200, "facts.md table rows not found: has its layout changed?"
    return status


def _verified(status: str) -> bool:
    return status.startswith("V-P") or status.startswith("V-S")


# --- legal_status.csv ---------------------------------------------------------------


def test_legal_fact_ids_are_verified_rows_of_facts(legal, fact_status):
    missing = sorted(set(legal["fact_id"]) - set(fact_status))
    assert not missing, f"fact_id not in facts.md: {missing}"
    unverified = {f: fact_status[f] for f in legal["fact_id"] if not _verified(fact_status[f])}
    assert not unverified, f"only V-P / V-S rows may be bundled: {unverified}"


def test_tunisia_is_invited_not_a_party_to_cets197(legal):
    tun = legal[(legal["geo"] == "TUN") & (legal["instrument"] == "coe_cets197")]
    events = set(tun["event"])
    assert {"invited", "not_party"} <= events
    assert not events & {"party", "ratified", "acceded", "entry_into_force", "signed"}, events
    assert set(tun["fact_id"]) == {"COE-09"}
    # the Lanzarote accession is a different treaty and stays on its own instrument
    lanzarote = legal[(legal["geo"] == "TUN") & (legal["fact_id"] == "COE-14")]
    assert set(lanzarote["instrument"]) == {"coe_lanzarote"}


def test_every_participant_has_a_cets197_status(legal):
    cets = legal[legal["instrument"] == "coe_cets197"]
    for geo in PARTICIPANTS:
        events = set(cets.loc[cets["geo"] == geo, "event"])
        expected = "party" if geo in CETS_PARTIES else "not_party"
        assert expected in events, f"{geo}: no {expected!r} row for coe_cets197"
        other = "not_party" if expected == "party" else "party"
        assert other not in events, f"{geo}: both party and not_party"


def test_serbia_ratification_date_is_a_stated_gap(legal):
    row = legal[(legal["geo"] == "SRB") & (legal["event"] == "ratified")]
    assert len(row) == 1
    assert row["date"].isna().all()
    assert "GAP" in row["note"].iloc[0]


def test_dates_are_iso_and_valid(legal):
    for d in legal["date"].dropna():
        assert ISO_DATE.match(d), d
        if len(d) == 10:
            date.fromisoformat(d)  # raises on 2009-02-30 and the like
        assert 1990 <= int(d[:4]) <= date.today().year, d


def test_legal_vocabularies_and_sources(legal, sources):
    for col in ("instrument", "event"):
        assert legal[col].map(lambda v: bool(SNAKE.match(v))).all(), legal[col].unique()
    assert legal["evidence"].isin(list(schema.EVIDENCE)).all()
    assert legal["detail"].notna().all()
    unknown = set(legal["source_id"]) - set(sources["source_id"])
    assert not unknown, f"source_id not in data/sources: {unknown}"


# --- sources ------------------------------------------------------------------------


def test_sources_validate_and_ids_are_unique(sources):
    dup = sources.loc[sources["source_id"].duplicated(), "source_id"].tolist()
    assert not dup, f"source_id defined twice: {dup}"
    for name, frame in sources.groupby("_file"):
        frame = frame.drop(columns="_file").assign(year=lambda d: pd.to_numeric(d["year"]).astype("Int64"))
        schema.Source.validate(frame, lazy=True)
    secondary = sources[sources["evidence"] == "secondary"]
    assert secondary["reported_by"].notna().all(), "secondary sources must name the outlet in reported_by"


# --- observations -------------------------------------------------------------------


@pytest.mark.parametrize("name", OBS_FILES)
def test_observation_file_conforms_to_schema(name):
    out = schema.conform(_observations(name))
    assert len(out) > 0


def test_observation_fact_ids_are_verified_rows_of_facts(observations, fact_status):
    assert observations["fact_id"].notna().all()
    missing = sorted(set(observations["fact_id"]) - set(fact_status))
    assert not missing, f"fact_id not in facts.md: {missing}"
    unverified = sorted({f for f in observations["fact_id"] if not _verified(fact_status[f])})
    assert not unverified, f"only V-P / V-S rows may be bundled: {unverified}"


def test_evidence_never_claims_more_than_facts_or_source(observations, legal, sources, fact_status):
    source_evidence = sources.set_index("source_id")["evidence"]
    for frame in (observations, legal):
        # an observation is only as good as the page it was seen on
        assert (frame["evidence"] == frame["source_id"].map(source_evidence)).all()
        primary_on_secondary_row = sorted({
            f for f, ev in zip(frame["fact_id"], frame["evidence"])
            if ev == "primary" and "V-P" not in fact_status[f]
        })
        assert not primary_on_secondary_row, f"primary evidence on a V-S row: {primary_on_secondary_row}"


def test_every_observation_source_exists(observations, sources):
    unknown = set(observations["source_id"]) - set(sources["source_id"])
    assert not unknown, f"source_id not in data/sources: {unknown}"


def test_units_follow_the_indicator(observations):
    counts = observations[~observations["measure"].isin(["share", "rate", "change"])]
    expected = {"trafficking_cases": "cases", "trafficking_notifications": "notifications",
                "trafficking_complaints": "complaints", "trafficking_victims_detected": "persons",
                "victims_registered": "persons", "iom_victims_assisted": "persons",
                "persons_suspected": "persons", "persons_prosecuted": "persons", "persons_convicted": "persons"}
    for indicator, unit in expected.items():
        units = set(counts.loc[counts["indicator"] == indicator, "unit"])
        assert units <= {unit}, f"{indicator}: units {units}"
    shares = observations[observations["measure"] == "share"]
    assert (shares["unit"] == "percent").all() and shares["basis"].notna().all()
    assert shares["value"].dropna().between(0, 100).all()


def test_inltp_cases_victims_and_notifications_stay_apart(observations):
    """Tunisia 2021: ~1,100 'cases' / 'victims' and 653-654 notifications are different counts."""
    tun21 = observations[(observations["geo"] == "TUN") & (observations["year_start"] == 2021)
                         & observations["measure"].isin(["case_count", "detected_count"])
                         & (observations["sex"] == "total") & (observations["form"] == "total")]
    by_indicator = tun21.groupby("indicator")["value"].apply(set).to_dict()
    assert by_indicator["trafficking_cases"] == {1100}
    assert by_indicator["trafficking_victims_detected"] == {1100}
    assert by_indicator["trafficking_notifications"] == {653, 654}
    # IOM caseload is its own series, never mixed into the national ones
    iom = observations[observations["indicator"] == "iom_victims_assisted"]
    assert set(iom["source_id"]).isdisjoint(set(tun21["source_id"]))


def test_no_duplicate_observations(observations):
    key = ["indicator", "measure", "geo", "geo_scheme", "citizenship", "period_start", "period_end",
           "sex", "age", "form", "unit", "source_id"]
    dup = observations[observations.duplicated(subset=key, keep=False)]
    assert dup.empty, dup[key + ["fact_id"]].to_string()


def test_glotip_edition_is_the_source_and_data_year_the_period(observations, sources):
    """GLOTIP figures describe data about two years older than the edition."""
    glotip = observations[observations["_file"] == "glotip_reports.csv"]
    edition = glotip["source_id"].map(sources.set_index("source_id")["year"]).astype(int)
    assert (glotip["year_end"] < edition).all()
    world22 = glotip[(glotip["fact_id"] == "GLOTIP24-01")]
    assert world22[["year_start", "year_end", "value"]].values.tolist() == [[2022, 2022, 69627]]
