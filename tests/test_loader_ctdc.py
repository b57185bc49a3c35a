"""CTDC loader: the real excerpt (26 verbatim rows), then GENERATED variants written in tmp_path.

Generated variants are derived inside the tests from the real rows (separator changed, -99
blanked, codes replaced, rows repeated) or written from scratch in the 2024 layout; each one
says so in its file name (``generated_*``).
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from traffickstats.errors import DataFileError
from traffickstats.loaders.ctdc import ctdc_schema, load_ctdc, looks_like_ctdc

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def excerpt(shared_data) -> Path:
    return shared_data / "ctdc" / "ctdc_global_dataset_excerpt.csv"


@pytest.fixture(scope="module")
def real(excerpt):
    return load_ctdc(excerpt)


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path: Path, header, body, sep=",", preamble: str | None = None) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        if preamble:
            fh.write(preamble + "\n")
        w = csv.writer(fh, delimiter=sep, lineterminator="\n")
        w.writerow(header)
        w.writerows(body)
    return path


def _total(obs: pd.DataFrame, **where) -> float:
    sel = obs[(obs["sex"] == "total") & (obs["age"] == "total") & (obs["form"] == "total")]
    for k, v in where.items():
        sel = sel[sel[k].isna()] if v is None else sel[sel[k] == v]
    return float(sel["value"].sum())


# --- the real excerpt ------------------------------------------------------------------------

def test_real_excerpt_every_row_is_a_victim(real):
    assert real.format == "ctdc" and real.source_version == "legacy"
    assert (real.rows_read, real.accepted, real.rejected) == (26, 26, 0)
    assert len(real.records) == 26
    assert real.records["row"].tolist() == list(range(2, 28))  # spreadsheet rows, header = row 1
    # country totals (citizenship empty) add up to every record
    assert _total(real.observations, citizenship=None) == 26


def test_real_excerpt_codes_and_missing_values(real):
    rec = real.records.set_index("row")
    assert rec.loc[2, "citizenship"] == "COL"           # CO -> ISO3
    assert rec.loc[2, "exploitation"] == "unknown"      # -99 -> unknown, kept
    assert rec.loc[16, "citizenship"] == "unknown"      # 00 (Polaris: unknown country) -> unknown
    assert rec.loc[16, "exploitation"] == "USA"
    assert rec.loc[12, "age"] == "unknown"              # ageBroad -99
    assert rec.loc[2, "age"] == "18-20"                 # 18--20 band
    assert rec.loc[11, ["sex", "age", "majority"]].tolist() == ["male", "9-17", "child"]
    assert pd.isna(rec.loc[2, "forced_marriage"])       # flag -99 -> missing, not False
    assert rec.loc[3, "forced_labour"] is False or rec.loc[3, "forced_labour"] == False  # noqa: E712
    assert rec.loc[12, "other"] == True  # noqa: E712  (2016 PH: isOtherExploit 1)
    assert int(rec["year"].min()) == 2002 and int(rec["year"].max()) == 2019


def test_real_excerpt_counts(real):
    obs = real.observations
    assert set(obs["indicator"]) == {"ctdc_victim_records"}
    assert set(obs["measure"]) == {"detected_count"} and set(obs["unit"]) == {"persons"}
    # six 2017 hotline records, US exploitation, unknown citizenship, all sexual exploitation
    assert _total(obs, geo="USA", year_start=2017, citizenship="unknown") == 6
    sx = obs[(obs.geo == "USA") & (obs.year_start == 2017) & (obs.form == "sexual_exploitation")]
    assert sx["value"].sum() == 6
    # the 2018 hotline boys: 2 in forced labour (citizenship 00), 2 in sexual exploitation (US)
    fl = obs[(obs.year_start == 2018) & (obs.form == "forced_labour")]
    assert fl[["citizenship", "sex", "age", "value"]].values.tolist() == [["unknown", "male", "9-17", 2.0]]
    # 2009: every flag -99 -> the 6 records count under form "unknown", none under a real form
    y09 = obs[obs.year_start == 2009]
    assert y09[y09.form == "unknown"]["value"].sum() == 6
    assert set(y09["form"]) == {"total", "unknown"}
    # origin -> destination pairs for the flows: Ukraine -> Ukraine 5 records in 2009
    pair = obs[(obs.geo == "UKR") & (obs.citizenship == "UKR") & (obs.sex == "total")]
    assert pair["value"].tolist() == [5.0]


def test_header_detection(excerpt):
    header, _ = _rows(excerpt)
    assert looks_like_ctdc(header) and ctdc_schema(header) == "legacy"
    assert looks_like_ctdc([f"  {h.upper()} " for h in header])
    assert ctdc_schema(["yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
                        "traffickMonths", "meansThreats", "isForcedLabour"]) == "synthetic2024"
    assert not looks_like_ctdc(["Country", "Population", "Region"])
    assert not looks_like_ctdc([])


# --- generated variants of the real rows -------------------------------------------------------

@pytest.mark.parametrize("sep", [";", "\t"])
def test_generated_other_separators_read_the_same(real, excerpt, tmp_path, sep):
    header, body = _rows(excerpt)
    res = load_ctdc(_write(tmp_path / "generated_sep.csv", header, body, sep=sep))
    assert res.rows_read == 26 and res.rejected == 0
    pd.testing.assert_frame_equal(res.records, real.records)
    pd.testing.assert_frame_equal(res.observations, real.observations)


def test_generated_empty_cells_for_missing(real, excerpt, tmp_path):
    header, body = _rows(excerpt)
    blank = [["" if c == "-99" else c for c in r] for r in body]
    res = load_ctdc(_write(tmp_path / "generated_blank_missing.csv", header, blank))
    assert res.source_version == "legacy" and res.rejected == 0
    pd.testing.assert_frame_equal(res.records, real.records)


def test_generated_namibia_zero_band_lists_and_duplicates(excerpt, tmp_path):
    header, body = _rows(excerpt)
    col = {h: i for i, h in enumerate(header)}
    row = list(body[0])  # a real 2002 row, then edited: NA citizenship, 0--8 band, ; list
    row[col["citizenship"]] = "NA"
    row[col["CountryOfExploitation"]] = "ZZ"
    row[col["ageBroad"]] = "0--8"
    for flag in ("isForcedLabour", "isSexualExploit"):
        row[col[flag]] = "-99"
    row[col["typeOfExploitConcatenated"]] = "sexual Exploitation;FORCED LABOUR"
    res = load_ctdc(_write(tmp_path / "generated_edge_codes.csv", header, [row] * 3))
    assert res.rows_read == 3 and res.accepted == 3          # identical rows are 3 victims
    rec = res.records
    assert rec["citizenship"].tolist() == ["NAM"] * 3          # NA is Namibia, not missing
    assert rec["exploitation"].tolist() == ["unknown"] * 3     # ZZ -> unknown, kept
    assert rec["age"].tolist() == ["0-8"] * 3
    assert rec["forced_labour"].all() and rec["sexual_exploitation"].all()  # from the ; list
    obs = res.observations
    assert _total(obs, citizenship="NAM") == 3
    assert set(obs[obs.citizenship == "NAM"]["form"]) == {"total", "sexual_exploitation", "forced_labour"}


def test_generated_garbage_rows_are_rejected_with_reasons(excerpt, tmp_path):
    header, body = _rows(excerpt)
    col = {h: i for i, h in enumerate(header)}
    bad_year, bad_code, bad_gender = list(body[0]), list(body[1]), list(body[2])
    bad_year[col["yearOfRegistration"]] = "20x9"
    bad_code[col["citizenship"]] = "Q1"
    bad_gender[col["gender"]] = "Femme??"
    ragged = list(body[3]) + ["surplus"]
    rows = [body[4], bad_year, bad_code, bad_gender, ragged, body[5], []]
    res = load_ctdc(_write(tmp_path / "generated_garbage.csv", header, rows))
    assert res.rows_read == 7 and res.accepted == 2 and res.rejected == 5
    assert res.rows_read == res.accepted + res.rejected
    by_row = res.rejects.set_index("row")
    assert by_row.loc[3, "column"] == "yearOfRegistration" and by_row.loc[3, "raw_value"] == "20x9"
    assert by_row.loc[4, "column"] == "citizenship" and "ISO 3166" in by_row.loc[4, "reason"]
    assert by_row.loc[5, "column"] == "gender"
    assert "64 cells" in by_row.loc[6, "reason"]
    assert "missing" in by_row.loc[8, "reason"]  # blank line: no year
    assert sorted(res.records["row"]) == [2, 7]


def test_generated_terms_line_above_header(real, excerpt, tmp_path):
    header, body = _rows(excerpt)
    p = _write(tmp_path / "generated_terms.csv", header, body,
               preamble="By using this data you agree to the Terms of Use: https://www.ctdatacollaborative.org/terms-use")
    res = load_ctdc(p)
    assert res.accepted == 26
    assert res.records["row"].iloc[0] == 3  # terms line is row 1, header row 2


def test_generated_2024_synthetic_layout(tmp_path):
    header = ["yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
              "traffickMonths", "meansThreats", "isForcedLabour", "isSexualExploit", "isOtherExploit"]
    rows = [  # GENERATED rows in the v2024 codebook's coding: alpha-3, empty = missing, flags 1/empty
        ["2021", "Woman", "18\u201420", "TUN", "FRA", "0\u201412 (0-1 yr)", "1", "", "1", ""],
        ["2021", "Man", "48+", "EGY", "", "", "", "1", "", ""],
        ["2022", "Trans/Transgender/NonConforming", "", "", "LBN", "", "", "", "", ""],
        ["2022", "", "9--17", "MAR", "BEL", "", "", "1", "1", ""],
    ]
    res = load_ctdc(_write(tmp_path / "generated_synthetic2024.csv", header, rows))
    assert res.source_version == "synthetic2024" and res.accepted == 4
    rec = res.records
    assert rec["sex"].tolist() == ["female", "male", "other", "unknown"]
    assert rec["age"].tolist() == ["18-20", "48+", "unknown", "9-17"]
    assert rec["citizenship"].tolist() == ["TUN", "EGY", "unknown", "MAR"]
    assert rec["exploitation"].tolist() == ["FRA", "unknown", "LBN", "BEL"]
    # a recorded form makes the other empty flags 0 (codebook section 6); no form -> all missing
    assert rec.loc[0, "forced_labour"] == False and rec.loc[0, "sexual_exploitation"] == True  # noqa: E712
    assert rec.loc[2, ["forced_labour", "sexual_exploitation", "other"]].isna().all()
    obs = res.observations
    assert _total(obs, geo="FRA", citizenship="TUN") == 1
    assert "synthetic" in obs["note"].iloc[0]


def test_not_ctdc_is_a_clear_error(tmp_path):
    p = tmp_path / "generated_other.csv"
    p.write_text("Country,Population\nTunisia,1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not a CTDC case file"):
        load_ctdc(p)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(DataFileError, match="empty"):
        load_ctdc(tmp_path / "empty.csv")


# --- speed: 250,000 generated rows -------------------------------------------------------------

@pytest.mark.slow
def test_generated_250k_rows_fast_and_small(excerpt, tmp_path):
    spec = importlib.util.spec_from_file_location("make_ctdc", REPO / "benchmarks" / "make_ctdc.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    path = mod.make_ctdc(tmp_path / "generated_ctdc_SYNTHETIC.csv", n_rows=250_000, seed=1, excerpt=excerpt)
    size = path.stat().st_size
    # fresh process: time the load and measure peak RSS above the imports' baseline. CPU time,
    # not wall time: the machine is shared, and waiting for a core is not the loader's cost.
    code = (
        "import resource, sys, time\n"
        "from traffickstats.loaders.ctdc import load_ctdc\n"
        "load_ctdc(sys.argv[2])\n"  # warm-up on the tiny real file: lazy imports, pandera schema
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024\n"
        "best = 1e9\n"
        "for _ in range(2):\n"
        "    t = time.process_time(); r = load_ctdc(sys.argv[1]); best = min(best, time.process_time() - t)\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024\n"
        "print(best, peak - base, r.rows_read, r.accepted)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path), str(excerpt)],
                         capture_output=True, text=True, check=True).stdout.split()
    seconds, extra, rows, accepted = float(out[0]), float(out[1]), int(out[2]), int(out[3])
    assert rows == accepted == 250_000
    assert seconds <= 2.0, f"load_ctdc took {seconds:.2f} s of CPU for 250,000 rows"
    assert extra <= 5 * size, f"peak memory grew by {extra / size:.1f} x the file size"
