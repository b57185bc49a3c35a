"""Files that cannot be read: one line on stderr naming the file and the reason, exit status 1.

Every damaged file is generated in tmp_path (the truncated workbook is the real GLOTIP
release cut in half)."""

from __future__ import annotations

import json

import pytest

from traffickstats.cli import main


def _fails(capsys, path, *extra):
    status = main(["data", "validate", str(path), *extra])
    err = capsys.readouterr().err.strip()
    assert status != 0
    assert len(err.splitlines()) == 1, err
    assert err.startswith("traffickstats: error: ") and str(path) in err
    return err


def test_missing_file(capsys, tmp_path):
    assert "file not found" in _fails(capsys, tmp_path / "nowhere.xlsx")


def test_missing_file_with_explicit_format(capsys, tmp_path):
    assert "file not found" in _fails(capsys, tmp_path / "nowhere.csv", "--format", "population")


def test_empty_file(capsys, tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    assert "the file is empty" in _fails(capsys, p)


def test_binary_junk(capsys, tmp_path):
    p = tmp_path / "junk.csv"
    p.write_bytes(bytes(range(256)) * 40)
    assert "binary" in _fails(capsys, p)


def test_truncated_workbook(capsys, tmp_path, glotip_path):
    p = tmp_path / "data_glotip.xlsx"
    p.write_bytes(glotip_path.read_bytes()[: glotip_path.stat().st_size // 2])
    assert "truncated or corrupt workbook" in _fails(capsys, p)


def test_truncated_workbook_explicit_format(capsys, tmp_path, glotip_path):
    p = tmp_path / "cut.xlsx"
    p.write_bytes(glotip_path.read_bytes()[:100_000])
    assert "cannot read the workbook" in _fails(capsys, p, "--format", "glotip")


def test_wrong_separator(capsys, tmp_path):
    p = tmp_path / "population.csv"
    p.write_text("Country Name;Country Code;Year;Value\nTunisia;TUN;2020;11974057\n", encoding="utf-8")
    err = _fails(capsys, p)
    assert "separated by ';'" in err and "row 1" in err


def test_not_a_table(capsys, tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("Trafficking statistics\nsee the annex\n", encoding="utf-8")
    assert "unknown format" in _fails(capsys, p)


def test_generic_table_needs_a_mapping(capsys, tmp_path):
    p = tmp_path / "victimes.csv"
    p.write_text("Pays;Année;Victimes\nTunisie;2021;1 100\n", encoding="utf-8")
    assert "--mapping" in _fails(capsys, p)


def test_wrong_explicit_format(capsys, tmp_path):
    p = tmp_path / "population.csv"
    p.write_text("Country Name,Country Code,Year,Value\nTunisia,TUN,2020,11974057\n", encoding="utf-8")
    assert "not an Excel workbook" in _fails(capsys, p, "--format", "glotip")


def test_ragged_row_is_rejected_with_its_line(capsys, tmp_path):
    """A ragged row (an unquoted comma in a name) is kept aside with its line number; the rest is read."""
    p = tmp_path / "population.csv"
    p.write_text("Country Name,Country Code,Year,Value\n"
                 "Tunisia,TUN,2020,11974057\n"
                 "Korea, Rep.,KOR,2020,51836239\n"
                 "Morocco,MAR,2020,36688772\n", encoding="utf-8")
    rejects = tmp_path / "out" / "rejects.csv"
    status = main(["data", "validate", str(p), "--json", "--rejects", str(rejects)])
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    assert (out["rows_read"], out["accepted"], out["rejected"]) == (3, 2, 1)
    text = rejects.read_text(encoding="utf-8").splitlines()
    assert text[0] == "row,column,raw_value,reason"
    assert text[1].startswith("3,,") and "ragged row: 5 cells, the header has 4" in text[1]
    assert not list(rejects.parent.glob(".*part"))  # the temp file was renamed, not left behind


def test_validate_human_summary(capsys, glotip_path):
    assert main(["data", "validate", str(glotip_path)]) == 0
    out = capsys.readouterr().out
    assert "46,556" in out and "2023-05-30" in out


def test_validate_json_fields(capsys, glotip_path):
    assert main(["data", "validate", str(glotip_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"rows_read", "accepted", "rejected", "censored", "format", "source_version"} <= set(out)
    assert out["format"] == "glotip" and out["rows_read"] == out["accepted"] + out["rejected"]
