"""Geography: golden files of awkward names, region schemes as data, aggregation, crosswalks."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from traffickstats import geo
from traffickstats.errors import IncomparableError, UnknownGeographyError
from traffickstats.geo.names import _tables
from traffickstats.schema import conform

DATA = Path(__file__).with_name("data")


def _tsv(name: str) -> pd.DataFrame:
    # keep_default_na=False: "NA" is Namibia and "" must stay an empty string
    return pd.read_csv(DATA / name, sep="\t", comment="#", dtype=str, keep_default_na=False)


NAMES = _tsv("geo_names.tsv")
REFUSE = _tsv("geo_refuse.tsv")


# --- names -> ISO3 ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,lang,iso3", list(NAMES.itertuples(index=False, name=None)))
def test_awkward_names_resolve(text, lang, iso3):
    assert geo.to_iso3([text]) == [iso3], f"{text!r} ({lang})"


def test_many_names_at_once_keep_order_and_duplicates():
    values = NAMES["input"].tolist() * 3
    assert geo.to_iso3(values) == NAMES["iso3"].tolist() * 3


@pytest.mark.parametrize("text,suggestion", list(REFUSE.itertuples(index=False, name=None)))
def test_refused_strings_are_unknown(text, suggestion):
    with pytest.raises(UnknownGeographyError) as err:
        geo.to_iso3([text])
    assert err.value.unknown == [text]
    if suggestion:
        assert any(s.endswith(f"({suggestion})") for s in err.value.suggestions[text]), \
            err.value.suggestions


def test_strict_lists_all_unknowns_at_once():
    with pytest.raises(UnknownGeographyError) as err:
        geo.to_iso3(["Tunisie", "Europe", "xyz", "Maroc", "Europe"])
    assert err.value.unknown == ["Europe", "xyz"]
    assert "2 unknown" in str(err.value)


def test_non_strict_returns_none_and_warns():
    with pytest.warns(geo.UnknownGeographyWarning, match="Nationals"):
        out = geo.to_iso3(pd.Series(["Liban", "Nationals", None, pd.NA], dtype="string"),
                          strict=False)
    assert out == ["LBN", None, None, None]
    with pytest.raises(UnknownGeographyError, match="missing value"):
        geo.to_iso3(["Liban", float("nan")])


def test_single_string_is_refused_not_iterated():
    with pytest.raises(Exception, match="list"):
        geo.to_iso3("Tunisia")


def test_iso2_rules():
    assert geo.iso2_to_iso3(["NA", "TN", "fr", "UK", "EL", "XK"]) == \
        ["NAM", "TUN", "FRA", "GBR", "GRC", "XKX"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", geo.UnknownGeographyWarning)
        assert geo.iso2_to_iso3(["00", "ZZ", "-99", "", None], strict=False) == [None] * 5
    with pytest.raises(UnknownGeographyError) as err:
        geo.iso2_to_iso3(["TN", "ZZ", "QQ"])
    assert err.value.unknown == ["ZZ", "QQ"]
    assert "unknown' code ZZ" in str(err.value)


def test_m49_both_ways():
    assert geo.m49("TUN") == 788
    assert geo.iso3_from_m49("788") == geo.iso3_from_m49(788) == "TUN"
    assert geo.m49("XKX") is None  # the UN has no M49 code for Kosovo
    with pytest.raises(UnknownGeographyError):
        geo.iso3_from_m49("999")


def test_country_names_three_languages():
    assert geo.country_names(geo.PARTICIPANTS, "fr") == [
        "Tunisie", "Maroc", "Algérie", "Égypte", "Liban", "France", "Serbie", "Belgique", "Suisse"]
    assert geo.country_name("TUN", "ar") == "تونس"
    assert geo.country_name("LBN", "en") == "Lebanon"
    with pytest.raises(UnknownGeographyError):
        geo.country_name("ZZZ")
    with pytest.raises(Exception, match="lang"):
        geo.country_name("TUN", "de")


def test_every_displayed_name_reads_back():
    """Round trip: each name we print converts back to its own code (no ambiguous key)."""
    table = geo.country_table()
    for lang in ("fr", "en", "ar"):
        names = [geo.country_name(c, lang) for c in table.index]
        assert geo.to_iso3(names) == list(table.index), lang


def test_aliases_point_to_known_countries_and_are_used():
    al = geo.aliases()
    assert set(al["iso3"]) <= set(geo.country_table().index)
    assert (al["note"].str.len() > 0).all()


# --- real datasets ---------------------------------------------------------------------------

def _alias_keys() -> set[str]:
    return {geo.name_key(a) for a in geo.aliases()["alias"]}


def test_walkfree_gsi2023_names_all_resolve(shared_data):
    path = shared_data / "walkfree_gsi" / "Global_Slavery_Index_2023.csv"
    gsi = pd.read_csv(path, dtype=str, keep_default_na=False)
    names = gsi["  Country "].str.strip().tolist()  # the header is padded in this release
    codes = geo.to_iso3(names)
    assert len(set(codes)) == len(names) == 180
    used = sorted(n for n in names if geo.name_key(n) in _alias_keys())
    assert used == ["Cape Verde"]  # the one GSI name that needed names.csv


def test_glotip_country_names_match_their_iso3(glotip_path):
    g = pd.read_excel(glotip_path, engine="calamine", header=2, dtype=str,
                      usecols=["Iso3_code", "Country", "Region", "Subregion"]).drop_duplicates()
    countries = g.dropna(subset=["Country"])
    # Sark (Channel Islands) has no ISO 3166 alpha-3 code; GLOTIP leaves its Iso3_code empty too.
    assert countries.loc[countries["Iso3_code"].isna(), "Country"].tolist() == ["Sark"]
    coded = countries.dropna(subset=["Iso3_code"])
    assert geo.to_iso3(coded["Country"]) == coded["Iso3_code"].tolist()
    with pytest.warns(geo.UnknownGeographyWarning):
        assert geo.to_iso3(["Sark"], strict=False) == [None]
    # regional aggregates: recognised as regions, refused as countries
    aggregates = g.loc[g["Country"].isna(), "Iso3_code"].dropna().tolist()
    assert sorted(aggregates) == ["Aruba/Curacao", "CAR", "CAS", "EEU", "MCA", "MCN", "SAF", "SAM"]
    with pytest.warns(geo.UnknownGeographyWarning):
        assert geo.to_iso3(aggregates, strict=False) == [None] * len(aggregates)
    labels = set(g["Region"].dropna()) | set(g["Subregion"].dropna()) | (set(aggregates) - {"Aruba/Curacao"})
    assert all(geo.is_region_name(x) for x in labels), [x for x in labels if not geo.is_region_name(x)]
    assert geo.unodc_region_code("Sub-Saharan Africa") == "sub_saharan_africa"
    assert geo.unodc_region_code("Northern Africa") is None  # M49, not UNODC's grouping
    assert geo.unodc_region_code("CAR") is None  # undocumented aggregate code
    assert geo.unodc_region_code("North Africa and the Middle East") == "north_africa_middle_east"
    assert geo.unodc_region_code("Afrique du Nord et Moyen-Orient") == "north_africa_middle_east"


# --- region schemes --------------------------------------------------------------------------

EXPECTED = {  # participants' regions in the agreed order TUN MAR DZA EGY LBN FRA SRB BEL CHE
    ("world", None): ["WLD"] * 9,
    ("m49", "subregion"): ["northern_africa"] * 4 + ["western_asia", "western_europe",
                                                     "southern_europe", "western_europe",
                                                     "western_europe"],
    ("m49", "region"): ["africa"] * 4 + ["asia"] + ["europe"] * 4,
    ("ilo2012", None): ["africa"] * 4 + ["middle_east", "developed_eu", "cse_europe_cis",
                                         "developed_eu", "developed_eu"],
    ("ilo5", None): ["africa"] * 4 + ["arab_states"] + ["europe_central_asia"] * 4,
    ("unodc", None): ["north_africa_middle_east"] * 5 + ["western_southern_europe",
                                                        "central_southeastern_europe",
                                                        "western_southern_europe",
                                                        "western_southern_europe"],
    ("unodc", "subregion"): [None] * 6 + ["south_eastern_europe", None, None],
    ("eu", "eu27"): [None] * 5 + ["EU27", None, "EU27", None],
    ("eu", "eu28"): [None] * 5 + ["EU28", None, "EU28", None],
    ("coe", "membership"): [None] * 5 + ["coe_members"] * 4,
    ("coe", "cets197"): [None] * 5 + ["cets197_parties"] * 4,
    ("mediterranean", None): ["south_shore"] * 4 + ["east_shore", "north_shore"]
    + ["europe_participants"] * 3,
    ("walkfree2016", None): ["middle_east_north_africa"] * 5 + [None] * 4,
}


def test_participants_in_every_scheme():
    assert geo.PARTICIPANTS == ("TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE")
    # "label" levels name report groupings that have no membership list (e.g. GLOTIP 2014's
    # "Africa and the Middle East"): nothing to place a participant in.
    covered = {(s, lv) for s in geo.schemes() for lv in geo.levels(s) if lv != "label"}
    assert covered == {(s, lv or geo.levels(s)[0]) for s, lv in EXPECTED}
    for (scheme, level), expected in EXPECTED.items():
        assert geo.region_of(geo.PARTICIPANTS, scheme, level=level) == expected, (scheme, level)


def test_scheme_files_are_consistent():
    table = geo.scheme_table()
    assert not table.duplicated(["scheme", "region"]).any()
    assert (table[["name_en", "name_fr", "name_ar"]] != "").all().all()
    countries = set(geo.country_table().index)
    for scheme in geo.schemes():
        m = geo.members(scheme)
        assert set(m["iso3"]) <= countries, scheme
        assert (m["basis"] != "").all(), scheme
        assert not m.duplicated(["level", "iso3"]).any(), f"{scheme}: a country twice in one level"
        for r in table[(table.scheme == scheme) & (table.parent != "")].itertuples():
            parents = set(geo.region_of(geo.members(scheme, r.region)["iso3"], scheme))
            assert parents == {r.parent}, (scheme, r.region)


def test_known_sizes():
    def size(scheme, region):
        return len(geo.members(scheme, region))
    assert size("eu", "EU27") == 27 and size("eu", "EU28") == 28
    assert size("coe", "coe_members") == 46 and size("coe", "cets197_parties") == 48
    assert "RUS" not in set(geo.members("coe", "coe_members")["iso3"])
    assert set(geo.members("coe", "cets197_parties")["iso3"]) - \
        set(geo.members("coe", "coe_members")["iso3"]) == {"BLR", "ISR"}
    assert set(geo.members("ilo5", "arab_states")["iso3"]) == {
        "BHR", "IRQ", "JOR", "KWT", "LBN", "OMN", "QAT", "SAU", "SYR", "ARE", "YEM", "PSE"}
    assert set(geo.members("mediterranean", "south_shore")["iso3"]) == {
        "MAR", "DZA", "TUN", "LBY", "EGY"}


def test_ilo5_agrees_with_walkfree_gsi2023_regions(shared_data):
    gsi = pd.read_csv(shared_data / "walkfree_gsi" / "Global_Slavery_Index_2023.csv", dtype=str,
                      keep_default_na=False)
    codes = geo.to_iso3(gsi["  Country "].str.strip())
    names = {"Africa": "africa", "Americas": "americas", "Arab States": "arab_states",
             "Asia and the Pacific": "asia_pacific", "Europe and Central Asia": "europe_central_asia"}
    assert geo.region_of(codes, "ilo5") == [names[r] for r in gsi["Region"]]


def test_region_names_and_errors():
    assert geo.region_name("ilo5", "arab_states", "fr") == "États arabes"
    assert geo.region_name("m49", "northern_africa", "fr") == "Afrique septentrionale"
    with pytest.raises(UnknownGeographyError, match="no region"):
        geo.region_name("ilo5", "middle_east")
    with pytest.raises(UnknownGeographyError, match="unknown region scheme"):
        geo.region_of(["TUN"], "ilo2005")
    with pytest.raises(UnknownGeographyError, match="'TUNISIA'"):
        geo.region_of(["TUN", "Tunisia"], "ilo5")
    assert geo.region_of(["TUN", "Tunisia"], "ilo5", strict=False) == ["africa", None]


def test_membership_basis_says_what_is_set_by_rule():
    # facts.md places the four European participants in ILO 2012 regions; North Africa and
    # Lebanon are placed by rule (SOURCES.md): a page must say so, not state it as fact
    assert geo.membership_basis(["TUN", "LBN", "FRA", "SRB"], "ilo2012") == [
        geo.RULE_UNVERIFIED, geo.RULE_UNVERIFIED, "facts_5", "facts_5"]
    assert geo.by_rule("TUN", "ilo2012") and not geo.by_rule("TUN", "ilo5")
    assert geo.by_rule("SRB", "unodc", level="subregion") and not geo.by_rule("SRB", "unodc")
    assert geo.membership_basis(["TUN"], "eu") == [None]          # outside the scheme: no basis
    by_rule = geo.members("unodc", level="region")
    by_rule = set(by_rule.loc[by_rule["basis"] == geo.RULE_UNVERIFIED, "iso3"])
    assert {c for c in by_rule if geo.by_rule(c, "unodc")} == by_rule
    with pytest.raises(UnknownGeographyError, match="'XXX'"):
        geo.membership_basis(["XXX"], "ilo5")


# --- aggregate -------------------------------------------------------------------------------

def _obs(rows):
    base = dict(indicator="trafficking_victims_detected", measure="detected_count",
                geo_scheme="iso3", period_start=2020, period_end=2020, period_kind="annual",
                unit="persons", evidence="primary", source_id="test_generated",
                form="total", censored=False)
    df = pd.DataFrame([{**base, **r} for r in rows])
    return conform(df)


def test_aggregate_conserves_totals_and_lists_outsiders():
    # generated input: the nine participants plus Kosovo, an EU aggregate row and Antarctica
    rows = [dict(geo=c, value=float(10 * (i + 1))) for i, c in enumerate(geo.PARTICIPANTS)]
    rows += [dict(geo="XKX", value=7.0), dict(geo="ATA", value=3.0),
             dict(geo="EU27", geo_scheme="eu", value=1000.0)]
    obs = _obs(rows)
    for scheme in geo.schemes():
        res = geo.aggregate(obs, scheme)
        assert res.regions["value"].sum() + res.outside["value"].sum() == obs["value"].sum(), scheme
        assert len(res.outside) + res.regions["countries_reporting"].sum() == len(obs)
        assert "EU27" in set(res.outside["geo"])
    res = geo.aggregate(obs, "ilo5")
    got = dict(zip(res.regions["geo"], res.regions["value"]))
    assert got == {"africa": 100.0, "arab_states": 50.0, "europe_central_asia": 60 + 70 + 80 + 90 + 7.0}
    assert set(res.outside["geo"]) == {"ATA", "EU27"}
    assert (res.regions["countries_in_region"] >= res.regions["countries_reporting"]).all()
    conform(res.regions)  # regions rows are canonical observations


def test_aggregate_bounds_and_censored_cells():
    obs = _obs([dict(geo="TUN", value=10.0, lower=8.0, upper=12.0),
                dict(geo="MAR", value=20.0, lower=15.0, upper=30.0),
                dict(geo="DZA", value=None, lower=1.0, upper=4.0, censored=True),
                dict(geo="EGY", value=5.0, form="forced_labour")])
    res = geo.aggregate(obs, "ilo5")
    total = res.regions[res.regions["form"] == "total"].iloc[0]
    assert pd.isna(total["value"])  # one "<5" cell: the sum is not known exactly
    assert (total["lower"], total["upper"], total["censored"]) == (24.0, 46.0, True)
    labour = res.regions[res.regions["form"] == "forced_labour"].iloc[0]
    assert labour["value"] == 5.0 and not labour["censored"]
    two = geo.aggregate(obs[obs["geo"] != "DZA"], "ilo5").regions
    assert two.loc[two["form"] == "total", ["value", "lower", "upper"]].iloc[0].tolist() == [30.0, 23.0, 42.0]


def test_aggregate_exact_values_bound_themselves_next_to_a_censored_cell():
    obs = _obs([dict(geo="TUN", value=10.0), dict(geo="DZA", value=None, lower=1.0, upper=4.0,
                                                  censored=True)])
    row = geo.aggregate(obs, "ilo5").regions.iloc[0]
    assert pd.isna(row["value"]) and (row["lower"], row["upper"]) == (11.0, 14.0)
    without = geo.aggregate(obs[obs["geo"] == "TUN"], "ilo5").regions.iloc[0]
    assert without["value"] == 10.0 and pd.isna(without["lower"])  # no bounds invented


def test_aggregate_refuses_rates():
    obs = _obs([dict(geo="TUN", measure="rate", unit="per_1000", basis="estimate_stock", value=2.0)])
    with pytest.raises(IncomparableError, match="rate"):
        geo.aggregate(obs, "ilo5")


# --- crosswalk -------------------------------------------------------------------------------

def test_crosswalk_whole_region():
    t = geo.crosswalk(["arab_states"], "ilo5", "unodc")
    assert t[["to_region", "countries_shared", "from_members", "to_members"]].values.tolist() == \
        [["north_africa_middle_east", 12, 12, 20]]


def test_crosswalk_refuses_split_and_says_where():
    with pytest.raises(IncomparableError) as err:
        geo.crosswalk(["africa"], "ilo5", "unodc")
    assert "north_africa_middle_east <- DZA,EGY,ESH,LBY,MAR,SDN,TUN" in str(err.value)
    t = geo.crosswalk(["africa"], "ilo5", "unodc", allow_split=True)
    assert t["countries_shared"].sum() == t["from_members"].iloc[0] == len(geo.members("ilo5", "africa"))


def test_crosswalk_to_partial_scheme_shows_countries_without_region():
    t = geo.crosswalk(["north_shore"], "mediterranean", "eu", allow_split=True)
    outside = t[t["to_region"] == ""]["countries"].iloc[0].split(",")
    assert outside == ["ALB", "BIH", "MCO", "MNE"]


# --- vendored labels (world-countries, i18n-nationality) ---------------------------------------

LABELS = Path(geo.names.__file__).with_name("vendor")


def test_vendored_table_records_its_sources_and_licences():
    head = (LABELS / "country_labels.tsv").read_text(encoding="utf-8").splitlines()[:3]
    versions = dict(line.split(" ", 1) for line in (LABELS / "VERSION").read_text().splitlines())
    assert f"world-countries {versions['world-countries']}" in head[0] and "ODbL" in head[0]
    assert f"i18n-nationality {versions['i18n-nationality']}" in head[1]
    assert "Open Database License" in (LABELS / "LICENSE-world-countries.md").read_text(encoding="utf-8")
    assert "MIT License" in (LABELS / "LICENSE-i18n-nationality").read_text(encoding="utf-8")
    table = geo.vendored_labels()
    assert set(table["lang"]) == {"", "en", "fr", "es", "ar"}
    assert set(table["kind"]) == {"common", "official", "alt", "demonym_m", "demonym_f"}
    assert set(table["independent"]) <= {"0", "1", ""}
    # every country of the vendored table maps to a country the package knows (joined on ISO2)
    assert set(table["iso2"]) <= set(geo.country_table()["iso2"].dropna())
    # the build rule: no alternative spelling of three characters or fewer ("CAR" stays refused)
    alts = table[table["kind"] == "alt"]["label"]
    assert (alts.str.strip().str.len() > 3).all()


def test_vendored_tier_never_overrides_the_reviewed_tier():
    """A name the reviewed sources know keeps its reviewed meaning (names.csv, coco, CLDR)."""
    t = _tables()
    for alias in geo.aliases().itertuples():
        assert t.by_key[geo.name_key(alias.alias)] == alias.iso3
    assert geo.to_iso3(["Congo", "Palestine", "Turkey"]) == ["COG", "PSE", "TUR"]


def test_shared_demonyms_are_refused_or_read_as_the_state():
    # a demonym two states share is ambiguous; a state and its dependency: the state's citizenship
    for label, isos in (("Congolese", {"COD", "COG"}), ("Dominicans", {"DOM", "DMA"})):
        with pytest.raises(UnknownGeographyError, match="ambiguous"):
            geo.to_iso3([label])
        assert {s[0] for s in geo.ranked_suggestions(label)[:2]} == isos
    assert geo.to_iso3(["Dutch", "French", "American", "Norwegian"]) == ["NLD", "FRA", "USA", "NOR"]


@pytest.mark.parametrize("word,lang,expected", [
    ("Moroccan", "en", {"Moroccan", "Moroccans"}),
    ("Chinese", "en", {"Chinese"}),
    ("British", "en", {"British"}),
    ("Marocain", "fr", {"Marocain", "Marocains"}),
    ("Français", "fr", {"Français"}),
    ("Venezolano", "es", {"Venezolano", "Venezolanos", "Venezolana", "Venezolanas"}),
    ("Francés", "es", {"Francés", "Franceses", "Francesa", "Francesas"}),
    ("Alemán", "es", {"Alemán", "Alemanes", "Alemana", "Alemanas"}),
    ("Marroquí", "es", {"Marroquí", "Marroquíes", "Marroquís"}),
    ("Canadiense", "es", {"Canadiense", "Canadienses"}),
])
def test_demonym_forms(word, lang, expected):
    from traffickstats.geo.demonyms import forms

    assert forms(word, lang) == expected


def test_ranked_suggestions_for_misspellings():
    for label, iso3 in (("Filippino", "PHL"), ("Ghanean", "GHA"), ("Uzbecki", "UZB"), ("Swedesh", "SWE")):
        ranked = geo.ranked_suggestions(label)
        assert ranked[0][0] == iso3, ranked
        assert 0.6 <= ranked[0][2] <= 1
        assert [r[2] for r in ranked] == sorted((r[2] for r in ranked), reverse=True) or ranked[0][2] == 1.0
    assert geo.ranked_suggestions("") == [] and geo.ranked_suggestions(None) == []
