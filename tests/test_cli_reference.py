"""`traffickstats data show`, `sources` and `explain`, through cli.main and the console script."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from traffickstats.cli import main
from traffickstats.reference import observations, sources
from traffickstats.schema import COLUMNS


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- data show ------------------------------------------------------------------------------


def test_show_csv_has_every_column_and_row(capsys):
    code, out, _ = run(capsys, "data", "show", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0].keys()) == COLUMNS
    assert len(rows) == len(observations())
    ilo = [r for r in rows if r["fact_id"] == "ILO12-01"]
    assert ilo[0]["value"] == "20900000.0" and ilo[0]["period_start"] == "2002"


def test_show_json_filters_and_nulls(capsys):
    code, out, _ = run(capsys, "data", "show", "--format", "json",
                       "--indicator", "forced_labour", "--geo", "ilo2012:africa")
    assert code == 0
    data = json.loads(out)
    assert {d["fact_id"] for d in data} == {"ILO12-15", "ILO12-21"}
    first = data[0]
    assert list(first) == COLUMNS
    assert first["basis"] is None or isinstance(first["basis"], str)
    assert first["citizenship"] is None and first["lower"] is None   # NaN / <NA> -> null
    assert first["censored"] is False


def test_show_repeated_filters_and_fact(capsys):
    code, out, _ = run(capsys, "data", "show", "--format", "json", "--fact", "ILO12-01", "--fact", "GEMS22-02")
    assert code == 0
    assert sorted(d["value"] for d in json.loads(out)) == [20_900_000, 27_600_000]


def test_show_table_is_readable(capsys):
    code, out, _ = run(capsys, "data", "show", "--fact", "ILO12-01")
    assert code == 0
    assert "ILO12-01" in out and "forced_labour" in out and "ilo2012_summary_page" in out


def test_unknown_filter_exits_non_zero_with_one_line(capsys):
    code, out, err = run(capsys, "data", "show", "--indicator", "forced_labor")
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "forced_labor" in err and "forced_labour" in err


def test_unknown_source_in_sources_verb(capsys):
    code, _, err = run(capsys, "sources", "ilo2021_nothing")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "ilo2021_nothing" in err


def test_show_csv_carries_qualifier_base_and_month_periods(capsys):
    code, out, _ = run(capsys, "data", "show", "--format", "csv",
                       "--fact", "GLOTIP-EGY-01", "--fact", "GLOTIP09-01", "--fact", "TUN-10")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"qualifier", "base", "period_start", "period_end", "year_start", "year_end"} <= set(rows[0])
    egy = [r for r in rows if r["fact_id"] == "GLOTIP-EGY-01" and r["value"] == "23.0"][0]
    assert (egy["period_start"], egy["period_end"], egy["period_kind"]) == ("2017-01", "2017-07", "part_year")
    assert (egy["year_start"], egy["year_end"]) == ("2017", "2017")
    glotip = [r for r in rows if r["fact_id"] == "GLOTIP09-01"][0]
    assert glotip["qualifier"] == "at_least" and glotip["lower"] == "22000.0" and glotip["base"] == ""
    civ = [r for r in rows if r["fact_id"] == "TUN-10" and r["citizenship"] == "CIV"][0]
    assert civ["base"] == "foreign victims detected by the INLTP in Tunisia, 2021" and civ["qualifier"] == ""


def test_show_json_carries_qualifier_and_base(capsys):
    code, out, _ = run(capsys, "data", "show", "--format", "json", "--fact", "EU-16", "--fact", "POP-MAR-1")
    assert code == 0
    data = {(d["fact_id"], d["geo"]): d for d in json.loads(out)}
    bel = data[("EU-16", "BEL")]
    assert (bel["qualifier"], bel["value"], bel["lower"], bel["upper"]) == ("more_than", 80, 80, None)
    assert bel["base"] == "registered victims in Belgium, 2023" and bel["censored"] is False
    mar = data[("POP-MAR-1", "MAR")]
    assert (mar["period_start"], mar["qualifier"], mar["base"]) == ("2023-07-01", None, None)


def test_show_table_writes_the_qualifier_with_the_value_and_the_period_label(capsys):
    code, out, _ = run(capsys, "data", "show", "--fact", "GLOTIP-EGY-01", "--fact", "TUN-09")
    assert code == 0
    assert "Jan\u2009–\u2009Jul 2017" in out and "(part_year)" in out   # the cell may wrap
    assert "about 1,100" in out
    assert "victims detected" in out                           # the base column (cells may wrap)


# --- sources ------------------------------------------------------------------------------


def test_sources_json_carries_citations(capsys):
    code, out, _ = run(capsys, "sources", "--format", "json", "ilo2012_summary_page", "bbc_2014_profits")
    assert code == 0
    data = {d["source_id"]: d for d in json.loads(out)}
    assert data["ilo2012_summary_page"]["citation_fr"] == "Source : BIT (2012), Estimation mondiale du travail forcé"
    assert data["bbc_2014_profits"]["citation_en"].endswith("as reported by BBC News")
    assert data["bbc_2014_profits"]["url"] == "https://www.bbc.com/news/world-europe-27480896"


def test_sources_csv_lists_all(capsys):
    code, out, _ = run(capsys, "sources", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(sources())
    assert {"source_id", "citation_fr", "citation_en", "reported_by", "evidence"} <= set(rows[0])


# --- explain --------------------------------------------------------------------------------


def test_explain_21_millions_in_french(capsys):
    code, out, _ = run(capsys, "explain", "21 millions")
    assert code == 0
    assert "ILO12-01" in out
    assert "2002-2011" in out                                     # the reference period
    assert "à un moment donné" in out                             # a stock, not a yearly count
    assert "travail forcé" in out
    assert "pas un décompte de victimes de la traite" in out
    assert "BIT (2012), Estimation mondiale du travail forcé" in out
    assert "WCMS_181953" in out                                   # the URL
    assert "prélèvement d'organes" in out                         # the ILO12-13 scope note


def test_explain_json_in_english(capsys):
    code, out, _ = run(capsys, "explain", "21 millions", "--json", "--lang", "en")
    assert code == 0
    data = json.loads(out)
    [m] = data["matches"]
    assert m["fact_id"] == "ILO12-01" and m["value"] == 20_900_000
    assert (m["period_start"], m["period_end"], m["period_kind"]) == ("2002", "2011", "point_in_time")
    assert (m["year_start"], m["year_end"]) == (2002, 2011)
    assert m["indicator"] == "forced_labour" and m["measure"] == "estimate_stock"
    assert m["evidence"] == "primary" and m["url"].startswith("http://www.ilo.org/")
    assert any("not a count of trafficking victims" in p for p in m["pitfalls"])
    assert any("removal of organs" in n for n in m["notes"])
    assert data["readings"][0]["tolerance"] == 500_000


@pytest.mark.parametrize("query, fact", [
    ("20,9 millions", "ILO12-01"),
    ("US$150 billion", "ILO14-01"),
    ("150 milliards de dollars", "ILO14-01"),
    ("49.6 million", "GEMS22-01"),
    ("50 million", "GEMS22-01"),          # press rounding of 49.6 m
    ("ILO12-05", "ILO12-05"),
])
def test_explain_finds_quoted_figures(capsys, query, fact):
    code, out, _ = run(capsys, "explain", query, "--json")
    assert code == 0
    facts = [m["fact_id"] for m in json.loads(out)["matches"]]
    assert facts[0] == fact


def test_explain_respects_the_rounding_of_the_quote(capsys):
    # "20,9 millions" is 20.85..20.95 million: it must not pick 21 million-ish neighbours
    code, out, _ = run(capsys, "explain", "20,9 millions", "--json")
    assert [m["fact_id"] for m in json.loads(out)["matches"]] == ["ILO12-01"]
    # money only matches money
    code, out, _ = run(capsys, "explain", "US$150 billion", "--json")
    assert {m["unit"] for m in json.loads(out)["matches"]} == {"usd"}


def test_explain_secondary_figure_says_as_reported_by(capsys):
    code, out, _ = run(capsys, "explain", "US$236 billion", "--lang", "en")
    assert code == 0 and "ILO24-01" in out and "as reported by The Daily Star" in out


def test_explain_note_only_fact(capsys):
    code, out, _ = run(capsys, "explain", "ILO12-13", "--lang", "en")
    assert code == 0 and "removal of organs" in out


def test_explain_errors_are_one_line(capsys):
    for query in ("123456789 millions", "not a number", "ILO12-29"):
        code, out, err = run(capsys, "explain", query)
        assert code != 0, query
        assert len(err.strip().splitlines()) == 1, err


def test_explain_says_the_qualifier_the_partial_period_and_the_base(capsys):
    code, out, _ = run(capsys, "explain", "TUN-09")
    assert code == 0
    assert "TUN-09 — environ 1\u202f100 personnes" in out
    assert "Base (100 %) : victimes détectées par l'INLTP en Tunisie, 2021 (environ 1\u202f100)" in out
    assert "Le même chiffre a aussi été publié comme « affaires de traite » (TUN-01)" in out
    code, out, _ = run(capsys, "explain", "GLOTIP-EGY-01")
    assert "Période : janv.–juil. 2017, sur une partie de l'année" in out
    assert "ne pas le comparer à une année entière" in out
    code, out, _ = run(capsys, "explain", "GLOTIP09-01", "--lang", "en")
    assert "GLOTIP09-01 — at least 22,000 persons" in out


def test_explain_json_carries_base_and_relabelling(capsys):
    code, out, _ = run(capsys, "explain", "TUN-01", "--json", "--lang", "en")
    assert code == 0
    matches = {m["value"]: m for m in json.loads(out)["matches"]}
    assert matches[1313]["also_published_as"] == [{"fact_id": "TUN-05", "indicator": "trafficking_victims_detected",
                                                   "indicator_label": "detected victims of trafficking"}]
    assert matches[742]["also_published_as"] == []
    code, out, _ = run(capsys, "explain", "MAR-07", "--json", "--lang", "en")
    [m] = json.loads(out)["matches"]
    assert m["indicator"] == "potential_victims_al_haouz_earthquake"
    assert any(p.startswith("A subset") for p in m["pitfalls"])
    code, out, _ = run(capsys, "explain", "ILO24-05", "--json", "--lang", "en")
    share = [m for m in json.loads(out)["matches"] if m["value"] == 73][0]
    assert share["figure"] == "more than 73%" and share["base"].startswith("illegal profits")
    code, out, _ = run(capsys, "explain", "ILO24-05", "--json", "--lang", "fr")
    share = [m for m in json.loads(out)["matches"] if m["value"] == 73][0]
    assert share["base"].startswith("illegal profits") and share["base_text"].startswith("profits illégaux")


# --- the installed console script ---------------------------------------------------------


def test_console_script_explain():
    exe = Path(sys.executable).with_name("traffickstats")
    if not exe.exists():
        found = shutil.which("traffickstats")
        if found is None:
            pytest.fail("the traffickstats console script is not installed (pip install -e .)")
        exe = Path(found)
    done = subprocess.run([str(exe), "explain", "21 millions", "--json"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["matches"][0]["fact_id"] == "ILO12-01"
    bad = subprocess.run([str(exe), "data", "show", "--fact", "XYZ-99"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.startswith("traffickstats: error:") and len(bad.stderr.strip().splitlines()) == 1
