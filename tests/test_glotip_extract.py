"""The GLOTIP extract shipped in data/glotip: rebuilt from the official release, it gives the
same bytes; read back, its rows are the release's rows; the report uses it by default."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from traffickstats import cli
from traffickstats.errors import DataFileError
from traffickstats.geo import members
from traffickstats.loaders.snapshot import (EXTRACT_FILE, SIDECAR_FILE, extract_dir, extract_record,
                                            load_extract)

PARTICIPANTS = ["TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE"]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory, glotip_path):
    """`traffickstats data snapshot glotip` run on the shared copy of the 2023-05-30 release."""
    if not glotip_path.is_file():
        pytest.skip(f"{glotip_path} is absent")
    out = tmp_path_factory.mktemp("snapshot")
    assert cli.main(["data", "snapshot", "glotip", str(glotip_path), "--out", str(out)]) == 0
    return out


def test_the_shipped_extract_is_what_the_release_gives(rebuilt):
    shipped = extract_dir()
    assert (rebuilt / EXTRACT_FILE).read_bytes() == (shipped / EXTRACT_FILE).read_bytes(), (
        "data/glotip/glotip_extract.csv differs from a rebuild: run "
        "`traffickstats data snapshot glotip ../shared/data/unodc_glotip/data_glotip_2023-05-30.xlsx`")
    new, old = (json.loads((d / SIDECAR_FILE).read_text(encoding="utf-8")) for d in (rebuilt, shipped))
    assert new.pop("built_with")["loader"] == old.pop("built_with")["loader"]  # the version may move on
    assert new == old


def test_the_sidecar_says_where_the_extract_comes_from(glotip_path, glotip_release):
    side = extract_record()
    data = glotip_path.read_bytes()
    assert side["original"] == {"file": glotip_path.name, "sha256": hashlib.sha256(data).hexdigest(),
                                "size": len(data)}
    assert side["release"] == "2023-05-30" == glotip_release.source_version
    assert side["source_id"] == "unodc_glotip_2023-05-30"
    assert "UNODC" in side["citation"] and "2023-05-30" in side["citation"] and side["terms"]
    assert side["release_rows"] == {"read": glotip_release.rows_read, "accepted": glotip_release.accepted,
                                    "rejected": glotip_release.rejected}
    assert side["rows"] == len(load_extract().observations)
    assert side["built_with"]["package"] == "traffickstats" and side["built_with"]["version"]
    size = (extract_dir() / EXTRACT_FILE).stat().st_size
    assert 100_000 < size < 1_000_000  # hundreds of KB, not MB


def test_extract_rows_are_the_release_rows_as_the_loader_reads_them(glotip_release):
    extract = load_extract()
    rec = glotip_release.records.set_index("row")
    mine = extract.records.set_index("row")
    cols = ["indicator", "measure", "geo", "geo_scheme", "citizenship", "period_start", "period_end", "period_kind",
            "sex", "age", "form", "value", "unit", "lower", "upper", "censored", "evidence", "source_id", "note"]
    pd.testing.assert_frame_equal(rec.loc[mine.index, cols], mine[cols], check_dtype=False)
    # the selection: every row of a participant, and the routes' destinations by citizenship
    dest = set()
    for scheme, region in (("m49", "northern_africa"), ("m49", "southern_europe"), ("m49", "western_europe"),
                           ("mediterranean", "north_shore")):
        dest |= set(members(scheme, region)["iso3"])
    wanted = rec[rec["geo"].isin(PARTICIPANTS) | rec["citizenship"].isin(PARTICIPANTS)
                 | (rec["geo"].isin(dest) & rec["citizenship"].notna()
                    & (rec["indicator"] == "trafficking_victims_detected"))]
    assert set(mine.index) == set(wanted.index)
    assert {"TUN", "BEL"} <= set(mine["geo"])
    assert len(mine[mine["geo"] == "BEL"]) == len(rec[rec["geo"] == "BEL"])  # every Belgian row


def test_a_damaged_extract_fails_with_file_row_and_column(tmp_path):
    for name in (EXTRACT_FILE, SIDECAR_FILE):
        (tmp_path / name).write_bytes((extract_dir() / name).read_bytes())
    lines = (tmp_path / EXTRACT_FILE).read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    cells[-1] = "about 12"
    lines[5] = ",".join(cells)
    (tmp_path / EXTRACT_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_extract(tmp_path)
    assert err.value.row == 6 and err.value.column == "value" and "about 12" in str(err.value)
    (tmp_path / SIDECAR_FILE).unlink()
    with pytest.raises(DataFileError, match="sidecar is missing"):
        load_extract(tmp_path)


def test_snapshot_refuses_a_file_that_is_not_a_release(tmp_path, capsys):
    bad = tmp_path / "data_glotip.xlsx"
    bad.write_text("Iso3_code,Year\nTUN,2020\n", encoding="utf-8")
    assert cli.main(["data", "snapshot", "glotip", str(bad), "--out", str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(bad) in err and "not an Excel workbook" in err
    assert not (tmp_path / "out" / EXTRACT_FILE).exists()


def test_a_report_reads_the_extract_unless_a_release_is_given():
    from traffickstats.briefing import Report
    from traffickstats.paths import shared_data_dir

    report = Report.open("test", lang="fr")
    try:
        rec = report.datasets["glotip"]
        assert rec.bundled and rec.release == "2023-05-30" and rec.source_id == "unodc_glotip_2023-05-30"
        rows = report.dataset("glotip")
        assert len(rows) == extract_record()["rows"] and rows["fact_id"].isna().all()
        assert not report.bundled["source_id"].eq(rec.source_id).any()  # kept apart from facts.md rows
    finally:
        report.close()
    shared = shared_data_dir()
    glotip_path = shared / "unodc_glotip" / "data_glotip_2023-05-30.xlsx" if shared else None
    if glotip_path is not None and glotip_path.is_file():  # with the release: the file replaces the extract
        given = Report.open("test", lang="fr", glotip=str(glotip_path))
        try:
            assert not given.datasets["glotip"].bundled and len(given.dataset("glotip")) > 40_000
        finally:
            given.close()


def test_a_fetched_release_replaces_the_extract_for_the_run(tmp_path, monkeypatch, capsys):
    """`traffickstats data fetch glotip` leaves a release in the cache: `report` and `pack` pass it
    to the notebooks (said on stderr); a --glotip given on the command line wins."""
    import json as _json

    from traffickstats.reports.commands import with_cached_datasets

    monkeypatch.setenv("TRAFFICKSTATS_CACHE", str(tmp_path))
    assert with_cached_datasets({"glotip": "", "gsi": ""}) == {"glotip": "", "gsi": ""}  # nothing fetched
    release = tmp_path / "glotip" / "data_glotip.xlsx"
    release.parent.mkdir()
    release.write_bytes(b"GENERATED stand-in for a fetched release")
    record = {"sha256": hashlib.sha256(release.read_bytes()).hexdigest(), "source_version": "2024-12-01"}
    (tmp_path / "glotip" / "data_glotip.xlsx.json").write_text(_json.dumps(record), encoding="utf-8")
    assert with_cached_datasets({"glotip": "", "names": ""}) == {"glotip": str(release), "names": ""}
    assert "cached glotip release 2024-12-01" in capsys.readouterr().err
    assert with_cached_datasets({"glotip": "mine.xlsx"}) == {"glotip": "mine.xlsx"}
    release.write_bytes(b"changed after the fetch")  # checksum no longer matches: not used
    assert with_cached_datasets({"glotip": ""}) == {"glotip": ""}
