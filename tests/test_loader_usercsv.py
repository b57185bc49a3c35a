"""User CSV/Excel loader. Every table here is GENERATED inside the test (tmp_path), none is real data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from traffickstats.errors import DataFileError, TraffickstatsError
from traffickstats.loaders.usercsv import load_csv, parse_period, read_mapping

MAPPING = {
    "columns": {"Pays": "geo", "Année": "period_start", "Victimes": "value", "Sexe": "sex", "Note": "note"},
    "constants": {"indicator": "trafficking_victims_detected", "measure": "detected_count", "unit": "persons",
                  "source_id": "generated_test", "evidence": "primary"},
    "values": {"sex": {"Femmes": "female", "Hommes": "male"}},
    "locale": "fr",
}
HEADER = ["Pays", "Année", "Victimes", "Sexe", "Note"]


def _mapping(tmp_path: Path, **changes) -> Path:
    data = {**MAPPING, **changes}
    p = tmp_path / "generated_mapping.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def _csv(tmp_path: Path, rows, sep=";", encoding="utf-8", name="generated.csv", header=HEADER) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    p = tmp_path / name
    p.write_bytes(buf.getvalue().encode(encoding))
    return p


ROWS = [
    ["Tunisie", "2021", "1 234", "Femmes", "<script>alert('x')</script>"],
    ["Maroc", "2020", "87", "Hommes", ""],
    ["Algérie", "2019", "<5", "Femmes", "cellule censurée"],
    ["Égypte", "2018", "12", "Hommes", "« guillemets »"],
]


def _by_geo(res):
    return res.records.set_index("geo")


# --- encodings and separators ---------------------------------------------------------------

@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                ("cp1252", "cp1252")])
def test_encodings(tmp_path, encoding, expected):
    res = load_csv(_csv(tmp_path, ROWS, encoding=encoding), _mapping(tmp_path))
    s = res.summary()
    assert s["encoding"] == expected and s["separator"] == ";"
    assert (s["rows_read"], s["accepted"], s["rejected"]) == (4, 4, 0)
    rec = _by_geo(res)
    assert list(rec.index) == ["TUN", "MAR", "DZA", "EGY"]  # accented names survived decoding
    assert rec.loc["EGY", "note"] == "« guillemets »"
    assert rec.loc["TUN", "value"] == 1234 and rec.loc["MAR", "sex"] == "male"
    # censored "<5": no value, bounds 1..4
    assert rec.loc["DZA", "censored"] and rec.loc["DZA", ["lower", "upper"]].tolist() == [1.0, 4.0]


def test_markup_is_kept_verbatim(tmp_path):
    res = load_csv(_csv(tmp_path, ROWS), _mapping(tmp_path))
    assert res.observations.loc[0, "note"] == "<script>alert('x')</script>"


@pytest.mark.parametrize("sep, name", [(",", ","), ("\t", "tab"), (";", ";")])
def test_separators(tmp_path, sep, name):
    rows = [["Tunisie", "2021", "1,5", "Femmes", "a;b,c"]]  # decimal comma and separators inside a cell
    m = _mapping(tmp_path, constants={**MAPPING["constants"], "measure": "rate", "unit": "per_100000",
                                      "basis": "detected_count"})
    res = load_csv(_csv(tmp_path, rows, sep=sep), m)
    assert res.summary()["separator"] == name
    assert res.records["value"].tolist() == [1.5] and res.records["note"].tolist() == ["a;b,c"]


def test_semicolon_and_decimal_comma_unquoted(tmp_path):
    p = tmp_path / "generated_fr.csv"
    p.write_text("Pays;Année;Taux;Sexe;Note\nFrance;2020;0,8;Femmes;\nBelgique;2020;12,25;Hommes;\n",
                 encoding="utf-8")
    m = _mapping(tmp_path, columns={"Pays": "geo", "Année": "period_start", "Taux": "value", "Sexe": "sex"},
                 constants={**MAPPING["constants"], "measure": "rate", "unit": "per_100000", "basis": "detected_count"})
    res = load_csv(p, m)
    assert res.summary()["separator"] == ";"
    assert res.records[["geo", "value"]].values.tolist() == [["FRA", 0.8], ["BEL", 12.25]]


# --- dates, numbers, rejects ------------------------------------------------------------------

@pytest.mark.parametrize("text, period", [
    ("2016", ("2016", "2016")), ("3 août 2016", ("2016-08-03",) * 2), ("janvier 2021", ("2021-01",) * 2),
    ("1er décembre 2019", ("2019-12-01",) * 2), ("aout 2015", ("2015-08",) * 2), ("Févr. 2014", ("2014-02",) * 2),
    ("August 3, 2016", ("2016-08-03",) * 2), ("2016-08-03", ("2016-08-03",) * 2), ("03/08/2016", ("2016-08-03",) * 2),
    ("2016-08", ("2016-08",) * 2), ("2016-2018", ("2016", "2018")), ("يناير 2020", ("2020-01",) * 2),
    (dt.date(2012, 5, 1), ("2012-05-01",) * 2), (dt.datetime(2012, 5, 1, 10, 30), ("2012-05-01",) * 2),
    (2017.0, ("2017", "2017")),
])
def test_parse_period_keeps_the_precision_given(text, period):
    """A year stays a year, a month a month ("janvier 2021" -> 2021-01), a date its day."""
    assert parse_period(text, "fr") == period


def test_numeric_dates_need_the_locale_when_day_and_month_could_swap():
    assert parse_period("03/08/2016", "en") == ("2016-03-08", "2016-03-08")
    assert parse_period("25/12/2016") == ("2016-12-25", "2016-12-25")  # only one reading exists
    with pytest.raises(ValueError, match="ambiguous date"):
        parse_period("03/08/2016")


@pytest.mark.parametrize("text, reason", [
    ("3 auguste 2016", "not a month name"), ("31 février 2016", "not a valid date"), ("2018-2016", "ends before"),
    ("1850", "between 1900 and 2100"), ("l'an dernier", "not a year or a date"), ("2016-13-01", "not a valid date"),
])
def test_parse_period_refuses(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_period(text, "fr")


def test_french_dates_in_a_file(tmp_path):
    rows = [["Tunisie", "3 août 2016", "5", "Femmes", ""], ["Maroc", "janvier 2021", "6", "Hommes", ""],
            ["Liban", "2015-2017", "7", "Femmes", ""], ["France", "Brumaire 2020", "8", "Femmes", ""],
            ["Algérie", "2019", "9", "Femmes", ""]]
    res = load_csv(_csv(tmp_path, rows), _mapping(tmp_path))
    rec = _by_geo(res)
    assert rec.loc["TUN", ["period_start", "period_end", "year_start"]].tolist() == ["2016-08-03", "2016-08-03", 2016]
    assert rec.loc["MAR", ["period_start", "period_end", "year_start"]].tolist() == ["2021-01", "2021-01", 2021]
    # a month or a day of counts is part of a year, never presented as the whole year
    assert rec.loc["TUN", "period_kind"] == rec.loc["MAR", "period_kind"] == "part_year"
    assert rec.loc["DZA", ["period_start", "period_kind"]].tolist() == ["2019", "annual"]
    assert rec.loc["LBN", ["year_start", "year_end", "period_kind"]].tolist() == [2015, 2017, "multi_year"]
    rej = res.rejects.iloc[0]
    assert (rej["row"], rej["column"], rej["raw_value"]) == (5, "Année", "Brumaire 2020")
    assert rej["reason"] == "not a month name (French, English or Arabic)"


def test_bad_cells_each_give_a_reject_line(tmp_path):
    rows = [
        ["Tunisie", "2021", "1,192", "Femmes", ""],       # 2: ambiguous without locale
        ["Atlantide", "2021", "3", "Femmes", ""],         # 3: unknown country
        ["Maroc", "2021", "beaucoup", "Femmes", ""],      # 4: not a number
        ["Maroc", "2021", "4", "Inconnu·e", ""],          # 5: sex label not mapped
        ["Maroc", "2021", "4", "Femmes", "", "surplus"],  # 6: ragged row
        ["Maroc", "2021"],                                # 7: ragged (short) row
        [],                                               # blank line: not a row
        ["Maroc", "2021", "", "Femmes", ""],              # 9: empty value
        ["Maroc", "2021", "9", "Femmes", "ok"],           # 10: fine
    ]
    m = {**MAPPING}
    m.pop("locale")
    res = load_csv(_csv(tmp_path, rows), m)
    assert (res.rows_read, res.accepted, res.rejected) == (8, 1, 7)
    rej = res.rejects.set_index("row")
    assert rej.loc[2, "reason"] == "ambiguous number: pass locale: fr or en in the mapping"
    assert (rej.loc[2, "column"], rej.loc[2, "raw_value"]) == ("Victimes", "1,192")
    assert rej.loc[3, "column"] == "Pays" and "unknown country 'Atlantide'" in rej.loc[3, "reason"]
    assert (rej.loc[4, "column"], rej.loc[4, "raw_value"]) == ("Victimes", "beaucoup")
    assert rej.loc[4, "reason"] == "not a number: no number found"
    assert (rej.loc[5, "column"], rej.loc[5, "raw_value"]) == ("Sexe", "Inconnu·e")
    assert "values: sex:" in rej.loc[5, "reason"] and "Inconnu" not in rej.loc[5, "reason"]
    assert rej.loc[6, "reason"] == "row has 6 cells, the header has 5"
    assert rej.loc[7, "reason"] == "row has 2 cells, the header has 5"
    assert rej.loc[9, "reason"] == "value is empty"
    assert res.records["row"].tolist() == [10]


def test_locale_fr_makes_a_fractional_count_a_reject(tmp_path):
    res = load_csv(_csv(tmp_path, [["Tunisie", "2021", "1,192", "Femmes", ""]]), _mapping(tmp_path))
    assert "not a whole number" in res.rejects["reason"].iloc[0]
    en = load_csv(_csv(tmp_path, [["Tunisie", "2021", "1,192", "Femmes", ""]]), _mapping(tmp_path, locale="en"))
    assert en.records["value"].tolist() == [1192.0]


def test_source_block_becomes_the_source_record(tmp_path):
    m = _mapping(tmp_path, source={"publisher": "Instance nationale (généré)", "title": "Rapport", "year": 2022,
                                   "url": "https://example.org/r.pdf"})
    res = load_csv(_csv(tmp_path, ROWS), m)
    assert res.source["source_id"] == "generated_test" and res.source["year"] == 2022
    assert res.source["publisher"] == "Instance nationale (généré)"


def test_excel_via_calamine(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Feuil1"
    ws.append(HEADER)
    ws.append(["Tunisie", dt.datetime(2016, 8, 3), 120, "Femmes", "cellule"])
    ws.append(["Maroc", 2019, "1 234", "Hommes", None])
    ws.append(["Atlantide", 2019, 5, "Hommes", None])
    p = tmp_path / "generated.xlsx"
    wb.save(p)
    res = load_csv(p, {**MAPPING, "sheet": "Feuil1"})
    assert res.summary()["sheet"] == "Feuil1" and res.summary()["encoding"] is None
    assert res.records[["row", "geo", "year_start", "value"]].values.tolist() == [
        [2, "TUN", 2016, 120.0], [3, "MAR", 2019, 1234.0]]
    assert res.records["period_start"].tolist() == ["2016-08-03", "2019"]  # an Excel date keeps its day
    assert res.rejects["row"].tolist() == [4]
    with pytest.raises(DataFileError, match="no sheet 'Sheet9'"):
        load_csv(p, {**MAPPING, "sheet": "Sheet9"})


# --- mapping and file errors -------------------------------------------------------------------

@pytest.mark.parametrize("changes, key, words", [
    ({"columns": {**MAPPING["columns"], "Pays": "country"}}, "columns.Pays", "not a schema field"),
    ({"constants": {k: v for k, v in MAPPING["constants"].items() if k != "unit"}}, "unit", "required field"),
    ({"colums": {}}, "colums", "unknown key"),
    ({"constants": {**MAPPING["constants"], "measure": "victims"}}, "constants.measure", "not one of"),
    ({"values": {"sex": {"Femmes": "femme"}}}, "values.sex.Femmes", "not one of"),
    ({"locale": "xx_YY"}, "locale", "unknown locale"),
    ({"source": {"title": "t", "year": 2020}}, "source.publisher", "required"),
])
def test_mapping_errors_name_file_and_key(tmp_path, changes, key, words):
    m = _mapping(tmp_path, **changes)
    with pytest.raises(DataFileError) as err:
        load_csv(_csv(tmp_path, ROWS), m)
    msg = str(err.value)
    assert str(m) in msg and f"'{key}'" in msg and words in msg


def test_mapping_column_absent_from_file(tmp_path):
    m = _mapping(tmp_path, columns={**MAPPING["columns"], "Nombre": "upper"})
    with pytest.raises(DataFileError, match="names column 'Nombre'.*no such column"):
        load_csv(_csv(tmp_path, ROWS), m)


def test_mapping_yaml_is_never_executed(tmp_path):
    p = tmp_path / "generated_evil.yaml"
    p.write_text("columns: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid YAML"):
        read_mapping(p)


def test_file_level_errors(tmp_path):
    m = _mapping(tmp_path)
    with pytest.raises(DataFileError, match="cannot open"):
        load_csv(tmp_path / "absent.csv", m)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(DataFileError, match="empty"):
        load_csv(tmp_path / "empty.csv", m)
    (tmp_path / "binary.csv").write_bytes(b"PK\x03\x04\x00\x00garbage")
    with pytest.raises(DataFileError, match="not a text file"):
        load_csv(tmp_path / "binary.csv", m)
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip")
    with pytest.raises(DataFileError, match="cannot read as a spreadsheet"):
        load_csv(tmp_path / "fake.xlsx", m)


# --- property: any generated table is either read with every row accounted for, or refused ----

_names = st.sampled_from(["Tunisie", "Maroc", "Algérie", "تونس", "France", "Belgique", "Suisse", "Serbie",
                          "Liban", "Égypte", "TUN", "Narnia"])
_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@st.composite
def _number_text(draw):
    x = draw(st.one_of(st.integers(0, 10**9), st.floats(0, 1e7, allow_nan=False, allow_infinity=False)))
    style = draw(st.sampled_from(["plain", "fr", "en", "censored", "junk"]))
    if style == "plain":
        return str(x)
    if style == "fr":
        return f"{x:,.2f}".replace(",", "\u202f").replace(".", ",") if isinstance(x, float) else f"{x:,}".replace(",", " ")
    if style == "en":
        return f"{x:,}"
    if style == "censored":
        return f"<{int(x) % 50 + 1}"
    return draw(_text)


_year = st.one_of(st.integers(1990, 2025).map(str), st.sampled_from(["3 août 2016", "janvier 2021", "2015-2017"]))
_cell = {  # mostly valid cells (so rows get accepted), with awkward ones mixed in
    "Pays": st.one_of(_names, _names, _names, _names, _text),
    "Année": st.one_of(_year, _year, _year, _year, st.integers(1890, 2110).map(str),
                       st.sampled_from(["13/13/2013", "31 février 2016"]), _text),
    "Victimes": st.one_of(st.integers(0, 99_999).map(str), st.integers(0, 999).map(str), _number_text(), st.just("")),
    "Sexe": st.one_of(st.sampled_from(["Femmes", "Hommes", "total"]), st.sampled_from(["Femmes", "Hommes"]),
                      st.just(""), _text),
    "Note": _text,
}


@st.composite
def _tables(draw):
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = [draw(_cell[h]) for h in HEADER]
        cut = draw(st.sampled_from([5] * 8 + [3, 6]))  # sometimes ragged
        rows.append((row + [draw(_text)])[:cut])
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_tables(), sep=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]), locale=st.sampled_from([None, "fr", "en"]))
def test_property_any_table_is_accounted_for(tmp_path, rows, sep, encoding, locale):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    try:
        data = buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buf.getvalue().encode("utf-8")
    p = tmp_path / "generated_property.csv"
    p.write_bytes(data)
    m = {**MAPPING, "locale": locale}
    try:
        res = load_csv(p, m)
    except TraffickstatsError as exc:
        event(f"refused: {type(exc).__name__}")
        return  # a file-level refusal is allowed; any other exception fails the test
    event("read, some rows accepted" if res.accepted else "read, no row accepted")
    # expected data rows: spreadsheet row numbers of the records that hold any non-blank cell
    records = list(csv.reader(io.StringIO(data.decode(res.encoding or "utf-8"), newline=""), delimiter=sep))
    expected = {i + 1 for i, r in enumerate(records) if i > 0 and any(c.strip() for c in r)}
    accepted = set(res.records["row"])
    rejected = set(res.rejects["row"])
    assert res.rows_read == res.accepted + res.rejected == len(expected)
    assert accepted | rejected == expected and not accepted & rejected
    assert len(res.records) == len(res.observations) == res.accepted


# --- a messy French file: qualifiers, implausible values, duplicates (issue 14) ---------------

MESSY = [  # GENERATED rows (made-up figures) in the shapes a tester found
    ["Tunisie", "2021", "-3", "Femmes", ""],                  # 2: negative count
    ["Tunisie", "2020", "45", "Femmes", ""],                  # 3: kept
    ["Tunisie", "2020", "45", "Femmes", ""],                  # 4: exact copy of row 3
    ["Maroc", "2021", "environ 30", "Femmes", ""],            # 5: approximately 30
    ["Maroc", "2020", "plus de 100", "Femmes", ""],           # 6: more than 100
    ["Algérie", "2021", "1 234 567 890 123", "Femmes", ""],   # 7: more persons than Algeria
    ["Algérie", "2020", "au moins 63", "Femmes", ""],         # 8: at least 63
    ["Liban", "2021", "<5", "Hommes", ""],                    # 9: censored 1..4
    ["Liban", "2020", "moins de 5", "Hommes", ""],            # 10: censored 1..4
    ["Égypte", "2021", "12", "Femmes", ""],                   # 11 and 12: the same observation,
    ["Égypte", "2021", "13", "Femmes", ""],                   #     two different figures
]


@pytest.fixture
def messy(tmp_path):
    return load_csv(_csv(tmp_path, MESSY), _mapping(tmp_path))


def test_qualifiers_are_kept_not_dropped(messy):
    rec = messy.records.set_index("row")
    assert rec.loc[5, ["value", "qualifier"]].tolist() == [30.0, "approximately"]
    assert rec.loc[6, ["value", "qualifier", "lower", "censored"]].tolist() == [100.0, "more_than", 100.0, False]
    assert rec.loc[8, ["value", "qualifier", "lower"]].tolist() == [63.0, "at_least", 63.0]
    for row in (9, 10):  # a suppressed small count stays a censored cell: never 0, never a value
        assert pd.isna(rec.loc[row, "value"]) and rec.loc[row, "censored"]
        assert rec.loc[row, ["lower", "upper"]].tolist() == [1.0, 4.0]
    assert pd.isna(rec.loc[3, "qualifier"])  # an exact figure has no qualifier


def test_negative_and_impossible_counts_are_rejected_with_column_and_raw_value(messy):
    rej = messy.rejects.set_index("row")
    assert (rej.loc[2, "column"], rej.loc[2, "raw_value"]) == ("Victimes", "-3")
    assert rej.loc[2, "reason"] == "negative: a detected count cannot be below zero"
    assert (rej.loc[7, "column"], rej.loc[7, "raw_value"]) == ("Victimes", "1 234 567 890 123")
    assert rej.loc[7, "reason"].startswith("more persons than the population of DZA (46,164,219, UN WPP 2024)")


def test_duplicates_are_reported_never_summed(messy):
    rej = messy.rejects.set_index("row")
    assert rej.loc[4, "reason"].startswith("duplicate row") and rej.loc[4, "raw_value"] == "45"
    assert rej.loc[11, "reason"].startswith("conflicting rows") and rej.loc[12, "reason"].startswith("conflicting")
    kept = messy.records
    assert kept["row"].tolist() == [3, 5, 6, 8, 9, 10]
    tunisia_2020 = kept[(kept["geo"] == "TUN") & (kept["period_start"] == "2020")]
    assert tunisia_2020["value"].tolist() == [45.0]  # once, not 90
    assert not (messy.observations["geo"] == "EGY").any()
    s = messy.summary()
    assert (s["rows_read"], s["accepted"], s["rejected"]) == (11, 6, 5)


def test_every_messy_row_is_accounted_for(messy):
    assert set(messy.records["row"]) | set(messy.rejects["row"]) == set(range(2, 13))
    assert not set(messy.records["row"]) & set(messy.rejects["row"])


@pytest.mark.parametrize("constants, raw, reason", [
    ({"measure": "rate", "unit": "per_1000", "basis": "detected_count"}, "1 500", "a rate above 1,000 per 1,000"),
    ({"measure": "share", "unit": "percent", "basis": "detected_count"}, "120", "a share or rate above 100 %"),
    ({"measure": "detected_count", "unit": "persons"}, "20 000 000 000", "more persons than 10,000,000,000"),
])
def test_ceilings_per_indicator(tmp_path, constants, raw, reason):
    """Rates cannot exceed their base, shares 100 %; a count in a place with no bundled
    population is capped by the world ceiling (10 billion)."""
    m = _mapping(tmp_path, constants={**MAPPING["constants"], **constants})
    res = load_csv(_csv(tmp_path, [["Brésil", "2021", raw, "Femmes", ""]]), m)
    assert res.rejects["reason"].iloc[0].startswith(reason) and res.rejects["raw_value"].iloc[0] == raw


def test_a_change_may_be_negative(tmp_path):
    m = _mapping(tmp_path, constants={**MAPPING["constants"], "measure": "change", "unit": "percent",
                                      "basis": "detected_count"})
    res = load_csv(_csv(tmp_path, [["Tunisie", "2021", "-12,5", "Femmes", ""]]), m)
    assert res.records["value"].tolist() == [-12.5]


def test_a_qualifier_column_is_read_through_the_mapping(tmp_path):
    header = ["Pays", "Année", "Victimes", "Sexe", "Note", "Précision"]
    m = _mapping(tmp_path, columns={**MAPPING["columns"], "Précision": "qualifier"},
                 values={**MAPPING["values"], "qualifier": {"env.": "approximately", "au moins": "at_least"}})
    rows = [["Tunisie", "2021", "30", "Femmes", "", "env."], ["Maroc", "2021", "63", "Femmes", "", "au moins"],
            ["Liban", "2021", "7", "Femmes", "", "peut-être"]]
    res = load_csv(_csv(tmp_path, rows, header=header), m)
    assert res.records[["geo", "qualifier"]].values.tolist() == [["TUN", "approximately"], ["MAR", "at_least"]]
    assert pd.isna(res.records["lower"].iloc[0]) and res.records["lower"].iloc[1] == 63.0  # at_least: lower = value
    assert res.rejects[["column", "raw_value"]].values.tolist() == [["Précision", "peut-être"]]


def test_rejects_by_reason_groups_rows_whatever_their_text(tmp_path):
    rows = [["Tunisie", "2021", word, "Femmes", ""] for word in ("beaucoup", "plein", "=1+1", "@SUM(A1)")]
    rows += [["Tunisie", str(y), "-1", "Femmes", ""] for y in (2001, 2002)]
    res = load_csv(_csv(tmp_path, rows), _mapping(tmp_path))
    assert res.summary()["rejects_by_reason"] == {"not a number: no number found": 4,
                                                  "negative: a detected count cannot be below zero": 2}
    assert sorted(res.rejects["raw_value"]) == sorted(["beaucoup", "plein", "=1+1", "@SUM(A1)", "-1", "-1"])


def test_rejects_by_reason_does_not_split_on_quoted_names(tmp_path):
    """Messages that still quote the value (unknown country 'X') are counted under one reason."""
    rows = [["Atlantide", "2021", "3", "Femmes", ""], ["Narnia", "2021", "4", "Femmes", ""]]
    res = load_csv(_csv(tmp_path, rows), _mapping(tmp_path))
    by_reason = res.summary()["rejects_by_reason"]
    assert sum(by_reason.values()) == 2
    assert all("Atlantide" not in k and "Narnia" not in k for k in by_reason)


def test_chunks_do_not_change_the_result(tmp_path, monkeypatch):
    """The same GENERATED file read in chunks of 2 rows and in one chunk: the same records,
    rejects (in row order) and label review (an unknown name counted once, over its rows)."""
    from traffickstats.loaders import usercsv

    rows = [["Tunisie", str(2000 + i), str(i), "Femmes", ""] for i in range(7)]
    rows += [["Atlantide", "2001", "3", "Femmes", ""], ["Tunisie", "2003", "-1", "Femmes", ""],
             ["Atlantide", "2002", "4", "Femmes", ""], ["Tunisie", "2004", "4", "Femmes", ""]]
    path, m = _csv(tmp_path, rows), _mapping(tmp_path)
    whole = load_csv(path, m)
    monkeypatch.setattr(usercsv, "CHUNK", 2)
    monkeypatch.setattr(usercsv, "_REJECTS_HELD", 1)
    chunked = load_csv(path, m)
    assert chunked.records.equals(whole.records)
    assert chunked.rejects.equals(whole.rejects) and chunked.rejects["row"].is_monotonic_increasing
    assert chunked.unresolved == whole.unresolved
    assert [u["rows"] for u in chunked.unresolved] == [2] and chunked.unresolved[0]["first_row"] == 9
    assert chunked.summary() == whole.summary()
