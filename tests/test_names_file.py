"""Reviewed names files (geo.namesfile), label resolution (geo.resolve) and `data harmonize`.

Every file here is GENERATED inside the test (tmp_path): made-up labels, no real data.
"""

from __future__ import annotations

import json

import pytest

from traffickstats import cli, geo
from traffickstats.errors import DataFileError
from traffickstats.geo.namesfile import read_lines, read_names, write_names
from traffickstats.loaders import load
from traffickstats.loaders.glotip import REVIEWED_NAMES, reviewed_names

HEADER = "label,iso3,reviewer,date,note,suggestions\n"


def _names(tmp_path, body: str, name="generated_names.csv"):
    p = tmp_path / name
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_read_decided_pending_tokens_and_keys(tmp_path):
    p = _names(tmp_path, "Filippino,phl,A. Reviewer,2026-11-30,misspelt,\n"
                         "Africa others,Not a country,A. Reviewer,2026-11-30,group,\n"
                         "Nacionales,nationals,A. Reviewer,2026-11-30,,\n"
                         "Ghanean,,,,,GHA Ghanaian (0.86)\n"
                         "\n")
    n = read_names(p)
    assert n.get("FILIPPINO").iso3 == "PHL" and n.get("filippino").row == 2  # key match, line number
    assert n.get("africa OTHERS").iso3 == geo.NOT_A_COUNTRY and not n.get("Africa others").is_country
    assert n.get("Nacionales").iso3 == "nationals"
    assert n.get("Ghanean") is None and n.pending == ["Ghanean"]
    assert [e.label for e in n.unused(["Filippino", "Nacionales"])] == ["Africa others"]


@pytest.mark.parametrize("body,row,column,words", [
    ("Filippino,PHX,A,2026-11-30,,\n", 2, "iso3", "not the ISO3 code"),
    ("Filippino,PHL,,2026-11-30,,\n", 2, "reviewer", "only once reviewed"),
    ("Filippino,PHL,A,,,\n", 2, "date", "only once reviewed"),
    ("Filippino,PHL,A,30/11/2026,,\n", 2, "date", "YYYY-MM-DD"),
    ("Filippino,PHL,A,2026-02-30,,\n", 2, "date", "not a calendar date"),
    ("Filippino,PHL,A,2026-11-30,,\nFILIPPINO,ESP,A,2026-11-30,,\n", 3, "label", "one label, one meaning"),
])
def test_bad_lines_are_one_line_errors_naming_row_and_column(tmp_path, body, row, column, words):
    p = _names(tmp_path, body)
    with pytest.raises(DataFileError) as err:
        read_names(p)
    assert (err.value.row, err.value.column) == (row, column) and words in str(err.value)
    assert str(p) in str(err.value) and "\n" not in str(err.value)


def test_file_level_errors(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        read_names(tmp_path / "absent.csv")
    with pytest.raises(DataFileError, match="folder"):
        read_names(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,code\nX,Y\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="header lacks label, iso3, reviewer, date"):
        read_names(bad)
    bad.write_bytes(HEADER.encode() + b"\xff\xfe,PHL,A,2026-11-30\n")
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_names(bad)
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "x,,,,,\n" * 1_000_000, encoding="utf-8")
    with pytest.raises(DataFileError, match="too large"):
        read_names(big)


def test_formula_cells_are_defused_and_read_back(tmp_path):
    p = tmp_path / "out.csv"
    write_names(p, [{"label": "=HYPERLINK(\"x\")", "iso3": "", "reviewer": "", "date": "",
                     "note": "@SUM(1)", "suggestions": "-1"}])
    text = p.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM" in text and "\n'=" not in text.replace(",'", "")
    _, lines = read_lines(p)
    assert lines[0]["label"] == "=HYPERLINK(\"x\")" and lines[0]["note"] == "@SUM(1)"


def test_shipped_glotip_mapping_keeps_every_2023_decision():
    """The migrated review (formerly glotip_categories.csv): 433 strings, one decision each."""
    n = reviewed_names()
    lines = read_lines(REVIEWED_NAMES)[1]
    assert len(lines) == 433 and all(x["reviewer"] and x["date"] for x in lines)
    assert n.get("GUINEA ECUATORIAL").iso3 == "GNQ"
    assert n.get("Former Czechoslovakia").iso3 == geo.NOT_A_COUNTRY
    assert n.get("Netherlands (own country)").iso3 == "nationals"
    assert n.get("Abroad").iso3 == "foreign" and n.get("EU-28 others").iso3 == "eu_other"
    assert n.get("").note == "empty category in a breakdown"


def test_resolution_order_names_file_then_reviewed_then_tables(tmp_path):
    names = read_names(_names(tmp_path, "Maroc,ESP,A,2026-11-30,deliberately wrong for the test,\n"
                                        "Marrueco,MAR,A,2026-11-30,,\n"
                                        "Abroad,not a country,A,2026-11-30,overrides the shipped mapping,\n"))
    res = geo.resolve_labels(["Maroc", "Marrueco", "Moroccan", "Abroad", "Nationals", "Uzbecki"],
                             names=names, reviewed=reviewed_names(), field_="citizenship")
    assert res.code == {"Maroc": "ESP", "Marrueco": "MAR", "Moroccan": "MAR", "Abroad": None,
                        "Nationals": "nationals", "Uzbecki": None}
    assert res.via["Maroc"] == "names file" and res.via["Nationals"] == "reviewed mapping"
    assert res.via["Moroccan"].startswith("lookup")
    assert res.unresolved == ["Uzbecki"] and res.reason["Uzbecki"] == geo.UNRESOLVED
    # a citizenship token is no place: refused for a geo column
    geo_res = geo.resolve_labels(["Nationals"], reviewed=reviewed_names(), field_="geo")
    assert geo_res.code["Nationals"] is None and "citizenship, not a place" in geo_res.reason["Nationals"]


def test_gsi_and_user_csv_take_the_names_file(tmp_path):
    # GENERATED GSI-shaped file with one misspelt and one demonym-free unknown name
    gsi = tmp_path / "generated_gsi.csv"
    gsi.write_text("Country,Population,Region,\"Estimated prevalence of modern slavery per 1,000 population\","
                   "Estimated number of people in modern slavery\n"
                   "Tunisie,\"11,819,000\",Africa,2.3,\"27,000\"\n"
                   "Marrocco,\"36,911,000\",Africa,2.4,\"85,000\"\n", encoding="utf-8")
    r = load(gsi)
    assert r.rejected == 1 and r.unresolved[0]["label"] == "Marrocco" and r.unresolved[0]["first_row"] == 3
    assert "(MAR)" in r.warnings.loc[r.warnings["raw_value"] == "Marrocco", "warning"].iloc[0]
    names = _names(tmp_path, "Marrocco,MAR,A. Reviewer,2026-11-30,misspelt,\n")
    r = load(gsi, names=names)
    assert r.rejected == 0 and sorted(r.observations["geo"].unique()) == ["MAR", "TUN"]
    from traffickstats.briefing import Report  # what a report notebook calls with `names`

    report = Report.open("global_overview", lang="fr", gsi=str(gsi), names=str(names))
    report.close()
    assert set(report.dataset("gsi")["geo"]) == {"MAR", "TUN"} and report.rejected["gsi"] == 0
    assert report.datasets["glotip"].bundled  # no release given: the bundled GLOTIP extract
    # user CSV: the same file decides "Marrocco" in the geo column
    data = tmp_path / "generated.csv"
    data.write_text("Pays;Année;Victimes\nMarrocco;2021;12\nTunisie;2021;7\n", encoding="utf-8")
    mapping = tmp_path / "generated_mapping.yaml"
    mapping.write_text("columns: {Pays: geo, Année: period_start, Victimes: value}\n"
                       "constants: {indicator: trafficking_victims_detected, measure: detected_count, "
                       "unit: persons, source_id: generated_test, evidence: primary}\nlocale: fr\n", encoding="utf-8")
    r = load(data, mapping=mapping)
    assert r.rejected == 1 and r.unresolved[0]["column"] == "Pays"
    r = load(data, mapping=mapping, names=names)
    assert r.rejected == 0 and sorted(r.observations["geo"]) == ["MAR", "TUN"]


def test_harmonize_cli_lists_and_keeps_existing_lines(tmp_path, capsys):
    gsi = tmp_path / "generated_gsi.csv"
    gsi.write_text("Country,Estimated number of people in modern slavery,"
                   "\"Estimated prevalence of modern slavery per 1,000 population\"\n"
                   "Filippino,\"1,000\",1.0\nGhanean,\"1,000\",1.0\nTunisia,\"1,000\",1.0\n", encoding="utf-8")
    out = tmp_path / "names.csv"
    out.write_text("# my reviewed names\n" + HEADER + "Filippino,PHL,A. Reviewer,2026-11-30,,\n"
                   "Old label,ESP,A. Reviewer,2026-11-30,,\n", encoding="utf-8")
    assert cli.main(["data", "harmonize", str(gsi), "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [u["label"] for u in report["unresolved"]] == ["Ghanean"]
    assert report["unresolved"][0]["suggestions"][0]["iso3"] == "GHA"
    assert report["unused"] == ["Old label"] and report["added"] == 1
    comments, lines = read_lines(out)
    assert comments == ["# my reviewed names"]
    assert [x["label"] for x in lines] == ["Filippino", "Old label", "Ghanean"]
    assert lines[2]["iso3"] == "" and lines[2]["suggestions"].startswith("GHA")
    # running it again adds nothing and prints the table
    assert cli.main(["data", "harmonize", str(gsi), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Ghanean" in text and "0 pending lines added" in text and "1 pending lines" in text


def test_bad_names_file_on_the_command_line_is_one_line(tmp_path, capsys):
    gsi = tmp_path / "generated_gsi.csv"
    gsi.write_text("Country,Estimated number of people in modern slavery\nTunisia,\"1,000\"\n", encoding="utf-8")
    bad = _names(tmp_path, "Tunisia,TNX,A,2026-11-30,,\n")
    assert cli.main(["data", "validate", str(gsi), "--names", str(bad)]) != 0
    err = capsys.readouterr().err
    assert "row 2" in err and "'iso3'" in err and "Traceback" not in err


def test_pack_passes_the_names_file_to_every_report(tmp_path):
    """`pack --names FILE`: a parameter of every report whose notebook declares it, checked
    (a path that exists) before anything runs, and hashed with the datasets."""
    from traffickstats.reports import pack

    names = _names(tmp_path, "Marrocco,MAR,A. Reviewer,2026-11-30,,\n")
    glotip = tmp_path / "generated.xlsx"
    glotip.write_bytes(b"PK")  # only its existence is checked here
    specs = pack.plan_reports(None, langs=("fr",), countries=("TUN",),
                              datasets={"glotip": str(glotip), "names": str(names)})
    assert specs and {str(s.parameters["names"]) for s in specs} == {str(names)}
    assert "names" in pack.DATASETS  # hashed with the datasets: a changed names file re-renders
    args = cli.build_parser().parse_args(["pack", "--names", str(names)])
    assert args.names == str(names)
