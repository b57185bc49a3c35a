"""A user's table checked in chunks (``data validate``) and loaded compactly (categoricals).

Every table here is GENERATED inside the test (tmp_path), none is real data: made-up counts
for real places, with bad cells, exact copies and conflicting copies placed so that they
fall in different chunks of 7 rows.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pandas.testing as pdt
import pytest
import yaml

from traffickstats import cli, disclosure, guard
from traffickstats.loaders import check, load, usercsv
from traffickstats.loaders.commands import write_rejects
from traffickstats.loaders.usercsv import CATEGORICAL, R_CONFLICT, R_DUPLICATE, check_csv, load_csv
from traffickstats.schema import conform, plain

MAPPING = {
    "columns": {"Pays": "geo", "Année": "period_start", "Victimes": "value", "Sexe": "sex",
                "Nationalité": "citizenship", "Note": "note"},
    "constants": {"indicator": "trafficking_victims_detected", "measure": "detected_count", "unit": "persons",
                  "source_id": "generated_test", "evidence": "primary"},
    "values": {"sex": {"Femmes": "female", "Hommes": "male"}},
    "locale": "fr",
}
HEADER = ["Pays", "Année", "Victimes", "Sexe", "Nationalité", "Note"]
PLACES = ["Tunisie", "Maroc", "Algérie", "Liban", "France", "Belgique"]


def _rows() -> list[list[str]]:
    """About 60 GENERATED data rows (spreadsheet rows 2..): distinct observations, with bad
    cells, copies and conflicts spread over chunks of 7."""
    rows = []
    for i in range(48):  # distinct: place x year x sex; every 5th has a citizenship, every 7th is censored
        rows.append([PLACES[i % 6], str(2000 + i // 12), "<5" if i % 7 == 3 else str(10 + i),
                     ("Femmes", "Hommes")[(i // 6) % 2], "Maroc" if i % 5 == 0 else "", f"note {i % 3}"])
    rows += [
        list(rows[0]),                                             # exact copy of row 2, chunks away
        list(rows[3]),                                             # exact copy of a censored row
        [*rows[10][:2], "999", *rows[10][3:]],                     # conflicts with row 12
        list(rows[20]), list(rows[20]),                            # two more copies of row 22
        ["Atlantide", "2001", "4", "Femmes", "", ""],              # unknown country
        ["Tunisie", "2001", "douze", "Femmes", "", ""],            # not a number
        ["Tunisie", "2001", "-3", "Hommes", "", ""],               # negative
        ["Tunisie", "2001"],                                       # ragged
        ["Maroc", "2003", "1 234 567 890", "Femmes", "", ""],      # more persons than Morocco
        [*rows[5][:4], "", "=cmd|' /C calc'!A0"],                  # rows[5] but no citizenship: a new key
        ["Liban", "2003", "environ 30", "Femmes", "Maroc", ""],    # approximately
        ["Liban", "2003", "30", "Femmes", "Maroc", ""],            # same key as the row above, other figure
    ]
    return rows


@pytest.fixture
def generated(tmp_path):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(_rows())
    path = tmp_path / "generated_chunks.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    mapping = tmp_path / "generated_chunks.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    return path, mapping


WHOLE = 10**6  # one chunk for the whole file


def test_the_generated_file_spans_several_chunks_and_has_every_kind_of_reject(generated):
    whole = load_csv(*generated, chunk=WHOLE)
    assert whole.rows_read == len(_rows()) > 7 * 8
    reasons = set(whole.rejects["reason"])
    assert {R_DUPLICATE, R_CONFLICT, "row has 2 cells, the header has 6", "unknown country 'Atlantide'"} <= reasons
    dup = whole.rejects[whole.rejects["reason"] == R_DUPLICATE]
    assert dup["row"].tolist() == [50, 51, 53, 54]  # copies of rows 2, 5, 22 (twice), the first kept
    conflict = whole.rejects[whole.rejects["reason"] == R_CONFLICT]
    assert conflict["row"].tolist() == [12, 52, 61, 62] and conflict["raw_value"].tolist() == ["<5", "999",
                                                                                                "environ 30", "30"]
    # censored: rows 5, 12, ..., 47 but row 12 (conflicting); the copy of row 5 is not counted twice
    assert whole.censored == sum(1 for i in range(48) if i % 7 == 3) - 1


@pytest.mark.parametrize("chunk", [1, 7, 13, WHOLE])
def test_checking_in_chunks_gives_what_loading_the_whole_file_gives(generated, chunk, tmp_path):
    whole = load_csv(*generated, chunk=WHOLE)
    checked = check_csv(*generated, chunk=chunk)
    assert checked.observations is None and checked.records is None
    assert checked.summary() == whole.summary()
    assert (checked.accepted, checked.rejected, checked.censored) == (whole.accepted, whole.rejected, whole.censored)
    pdt.assert_frame_equal(checked.rejects, whole.rejects)  # rows, columns, raw values, reasons, in row order
    assert checked.rejects_by_reason() == whole.rejects_by_reason()
    assert checked.unresolved == whole.unresolved
    pdt.assert_frame_equal(checked.warnings, whole.warnings)
    a, b = write_rejects(checked, tmp_path / "a.csv"), write_rejects(whole, tmp_path / "b.csv")
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("chunk", [1, 7, 13])
def test_loading_in_chunks_gives_the_same_tables(generated, chunk):
    whole = load_csv(*generated, chunk=WHOLE)
    chunked = load_csv(*generated, chunk=chunk)
    pdt.assert_frame_equal(chunked.records, whole.records)
    pdt.assert_frame_equal(chunked.observations, whole.observations)
    pdt.assert_frame_equal(chunked.rejects, whole.rejects)
    assert chunked.summary() == whole.summary()


def test_data_validate_checks_in_chunks_and_reports_what_load_reports(generated, tmp_path, capsys, monkeypatch):
    path, mapping = generated
    whole = load(path, mapping=mapping)
    monkeypatch.setattr(usercsv, "CHUNK", 7)
    assert check(path, mapping=mapping).observations is None  # the command's path keeps no table
    out = tmp_path / "rejects.csv"
    assert cli.main(["data", "validate", str(path), "--mapping", str(mapping), "--json", "--rejects", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary.pop("rejects_file") == str(out)
    assert summary == json.loads(json.dumps(whole.summary(), default=str))
    assert out.read_bytes() == write_rejects(whole, tmp_path / "whole.csv").read_bytes()


def test_loaded_table_holds_labels_as_categoricals_with_the_schema_values(generated):
    res = load_csv(*generated, chunk=7)
    obs, rec = res.observations, res.records
    for c in CATEGORICAL:
        assert isinstance(obs[c].dtype, pd.CategoricalDtype), c
    as_schema = plain(obs)
    # the same table conform() gives: the documented dtypes (str, Int64 years, float values, bool)
    pdt.assert_frame_equal(as_schema, conform(as_schema))
    assert plain(rec).drop(columns="row").equals(as_schema)
    tun = as_schema[(as_schema["geo"] == "TUN") & (as_schema["period_start"] == "2000")]
    assert tun[["sex", "value", "citizenship", "note"]].values.tolist()[0] == ["female", 10.0, "MAR", "note 0"]
    assert tun[["sex", "value"]].values.tolist()[1] == ["male", 16.0] and pd.isna(tun["citizenship"].iloc[1])
    liban = as_schema[(as_schema["geo"] == "LBN") & (as_schema["period_start"] == "2000")]
    assert pd.isna(liban["value"].iloc[0]) and liban[["lower", "upper"]].values.tolist()[0] == [1.0, 4.0]  # "<5"
    assert as_schema.loc[as_schema["note"].str.startswith("=", na=False), "note"].tolist() == ["=cmd|' /C calc'!A0"]


def test_categorical_tables_work_with_the_guard_and_disclosure(generated):
    """Totals and suppression write new labels ("total", "TUN+MAR", a note): they take a loaded
    table as it comes."""
    obs = load_csv(*generated).observations
    part = obs[(obs["period_start"] == "2001") & (obs["sex"] == "female") & obs["citizenship"].isna()]
    total = guard.total(part[part["geo"].isin(["TUN", "MAR"])])
    assert total["geo"].tolist() == ["TUN+MAR"] or total["geo"].tolist() == ["MAR+TUN"]
    assert total["value"].tolist() == [part.loc[part["geo"].isin(["TUN", "MAR"]), "value"].sum()]
    shown = disclosure.protect(obs, threshold=20)  # counts below 20 hidden: new notes in a categorical column
    small = (obs["value"] < 20).to_numpy()
    assert small.any() and shown.loc[small, "value"].isna().all()
    assert shown.loc[small, "note"].str.startswith("suppressed").all()


@pytest.mark.parametrize("budget", [None, 41 * 5])
def test_a_file_of_copies_and_signed_zeros_is_judged_the_same_in_chunks(tmp_path, monkeypatch, budget):
    """Every GENERATED observation three times (some with another figure, "-0" beside "0",
    censored copies): checking in chunks of 4 rejects exactly the rows loading whole rejects,
    also when the repeated rows are judged in several passes (a budget of 5 rows' identities)."""
    if budget:
        monkeypatch.setattr(usercsv, "_IDENTITY_BUDGET", budget)
    rows = []
    for i in range(12):
        row = [PLACES[i % 6], str(2010 + i // 6), "<5" if i % 4 == 0 else str(i), "Femmes", "", ""]
        rows += [row, list(row), [*row[:2], str(100 + i) if i % 3 == 0 else row[2], *row[3:]]]
    rows += [["Tunisie", "2020", "0", "Hommes", "", ""], ["Tunisie", "2020", "-0", "Hommes", "", ""]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows([HEADER, *rows])
    path = tmp_path / "generated_copies.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    mapping = tmp_path / "generated_copies.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    whole = load_csv(path, mapping, chunk=WHOLE)
    assert whole.rejects_by_reason()[R_CONFLICT] == 4 * 3 and whole.rejects_by_reason()[R_DUPLICATE] == 8 * 2 + 1
    for chunk in (1, 4, WHOLE):
        checked = check_csv(path, mapping, chunk=chunk)
        assert checked.summary() == whole.summary()
        pdt.assert_frame_equal(checked.rejects, whole.rejects)
        pdt.assert_frame_equal(load_csv(path, mapping, chunk=chunk).records, whole.records)
