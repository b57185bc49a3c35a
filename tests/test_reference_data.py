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
from traffickstats.reference.repeats import repeat_problems, same_figure_groups, show_once
from traffickstats.reference.wording import month_mentions, qualifiers_of, subgroup_marks, subset_words
from traffickstats import periods
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


# --- what the source says around each number ------------------------------------------------


def _q(v):
    return v if isinstance(v, str) and v else None


def qualifier_problems(obs: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    """Each row's qualifier against the words facts.md writes just around its number: "at
    least 22,000" must be at_least, "some 43,000" / "1100 victimes environ" / "~34%" approximately,
    "more than 73 percent" more_than; a number written with no such word must have none."""
    problems = []
    for _, row in obs.iterrows():
        if pd.isna(row["value"]):
            continue
        said = qualifiers_of(facts.loc[row["fact_id"]], row["value"])
        have = _q(row["qualifier"])
        where = f"{row['fact_id']} ({row['indicator']}, value {row['value']:g})"
        if said is None:
            if have:
                problems.append(f"{where}: qualifier {have!r}, but facts.md does not write the number in digits")
        elif have not in said:
            words = ", ".join(sorted(q or "no qualifier" for q in said))
            problems.append(f"{where}: qualifier {have or 'none'!r}, but facts.md writes it with {words}")
    return problems


def _month_of(bound: str, year, month: int, day) -> bool:
    return (len(bound) >= 7 and int(bound[5:7]) == month and (year is None or int(bound[:4]) == year)
            and (day is None or (len(bound) == 10 and int(bound[8:10]) == day)))


def period_problems(obs: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    """Periods as precise as facts.md: a month it names ("January to July 2017", "Nov 2017",
    "1 July 2023") is in the period of every row it covers; no row has a month or day facts.md
    does not name; a part of one year is ``part_year``, and ``part_year`` is part of one year."""
    problems = []
    for fid, rows in obs.groupby("fact_id"):
        fact = facts.loc[fid]
        said = month_mentions(" ".join(fact[c] for c in ("figure", "unit", "period", "breakdown", "quote")))
        for _, r in rows.iterrows():
            where = f"{fid} ({r['indicator']}, value {r['value']:g}, {r['period_start']}..{r['period_end']})"
            bounds = (r["period_start"], r["period_end"])
            for year, month, day in said:
                if year is not None and not r["year_start"] <= year <= r["year_end"]:
                    continue
                if not any(_month_of(b, year, month, day) for b in bounds):
                    when = "-".join(str(x) for x in (year, month, day) if x is not None)
                    problems.append(f"{where}: facts.md gives the month ({when}); the period must say it")
            for b in bounds:
                if len(b) > 4 and not any(_month_of(b, y, m, d if len(b) == 10 else None) for y, m, d in said):
                    problems.append(f"{where}: {b} is more precise than anything facts.md says")
                if len(b) == 10 and not any(d is not None and _month_of(b, y, m, d) for y, m, d in said):
                    problems.append(f"{where}: {b} names a day facts.md does not give")
            one_year = r["year_start"] == r["year_end"]
            whole = periods.is_whole_years(*bounds)
            if one_year and not whole and r["period_kind"] not in ("part_year", "point_in_time"):
                problems.append(f"{where}: part of one year must be period_kind part_year, not {r['period_kind']}")
            if r["period_kind"] == "part_year" and (whole or not one_year):
                problems.append(f"{where}: part_year must cover part of one calendar year")
    return problems


def base_problems(obs: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    """Every share says what 100 % is, with its period; a share facts.md gives of a subgroup
    ("64% of them", "97% of sex trafficking victims", "of which 96%", "victims with known form")
    has a base naming that subgroup, never the whole population's base."""
    problems = []
    shares = obs[obs["measure"] == "share"]
    for fid, rows in shares.groupby("fact_id"):
        fact = facts.loc[fid]
        marks = {i: (subgroup_marks(fact, r["value"]) if pd.notna(r["value"]) else set())
                 for i, r in rows.iterrows()}
        whole = rows.loc[[i for i, m in marks.items() if not m], "base"].dropna().mode()
        for i, r in rows.iterrows():
            base = r["base"]
            where = f"{fid} ({r['indicator']}, {r['value']:g} %)"
            if not isinstance(base, str) or not base.strip():
                problems.append(f"{where}: a share without a base (what 100 % is)")
                continue
            if str(r["year_start"]) not in base:
                problems.append(f"{where}: base {base!r} does not name the period ({r['year_start']})")
            for need in marks[i]:
                if need is None and len(whole) and base == whole.iloc[0]:
                    problems.append(f"{where}: facts.md gives a share of a subgroup ('of them', 'of which'); "
                                    f"base {base!r} is the whole population's")
                elif need is not None and need not in base.lower():
                    problems.append(f"{where}: facts.md gives a share of {need!r}; base {base!r} does not say so")
    return problems


def subset_problems(obs: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    """A count whose facts.md row is of a subset (potential victims, one event, agency or
    organisation, victims with a reported profile) is never ``trafficking_victims_detected``."""
    counts = obs[(obs["indicator"] == "trafficking_victims_detected") & (obs["measure"] == "detected_count")]
    problems = []
    for _, r in counts.iterrows():
        words = subset_words(facts.loc[r["fact_id"]])
        if words:
            problems.append(f"{r['fact_id']} (value {r['value']:g}): facts.md says {', '.join(words)}: "
                            "a subset, give it its own indicator")
    return problems


def test_qualifiers_follow_the_quotes(obs, facts):
    problems = qualifier_problems(obs, facts)
    assert not problems, "\n".join(problems)
    q = obs.set_index(["fact_id", "value"])["qualifier"]
    assert q[("GLOTIP09-01", 22_000)] == "at_least"          # "at least 22,000"
    assert q[("GLOTIP12-01", 43_000)] == "approximately"     # "some 43,000"
    assert q[("ILO12-02", 3)] == "approximately"             # "around three out of every 1,000"
    assert q[("TUN-09", 1_100)] == "approximately"           # "1100 victimes environ"
    assert q[("ILO24-05", 73)] == "more_than"                # "more than 73 percent"
    assert q[("GLOTIP20-04", 50)] == "less_than"             # "less than 50 per cent"
    assert pd.isna(q[("ILO14-03", 99e9)])                    # "almost two thirds ... US$ 99 billion"
    assert pd.isna(q[("TUN-01", 1_100)])                     # the same 1,100 as a count of cases, exact


def test_periods_are_as_precise_as_the_source(obs, facts):
    problems = period_problems(obs, facts)
    assert not problems, "\n".join(problems)
    egy = obs[(obs["fact_id"] == "GLOTIP-EGY-01") & (obs["value"] == 23)].iloc[0]
    assert (egy["period_start"], egy["period_end"], egy["period_kind"]) == ("2017-01", "2017-07", "part_year")
    assert periods.label(egy["period_start"], egy["period_end"], "fr") == "janv.–juil. 2017"
    mar = obs[obs["fact_id"] == "POP-MAR-1"].iloc[0]
    assert (mar["period_start"], mar["period_kind"]) == ("2023-07-01", "point_in_time")


def test_every_share_has_its_base(obs, facts):
    problems = base_problems(obs, facts)
    assert not problems, "\n".join(problems)
    civ = obs[(obs["fact_id"] == "TUN-10") & (obs["citizenship"] == "CIV")].iloc[0]
    assert civ["base"] == "foreign victims detected by the INLTP in Tunisia, 2021"


def test_subsets_are_their_own_indicators(obs, facts):
    problems = subset_problems(obs, facts)
    assert not problems, "\n".join(problems)
    from traffickstats.reference import SUBSET_INDICATORS

    assert _one(obs, fact_id="MAR-07") == 34
    assert obs.loc[obs["fact_id"] == "MAR-07", "indicator"].tolist() == ["potential_victims_al_haouz_earthquake"]
    bundled_subsets = set(obs["indicator"]) & set(SUBSET_INDICATORS)
    assert bundled_subsets == set(SUBSET_INDICATORS)   # each listed subset is in the data, none stale
    # no fact gives both a subset count and a count of all detected victims: a headline picks
    # from trafficking_victims_detected and meets no subset there
    subset_facts = set(obs.loc[obs["indicator"].isin(SUBSET_INDICATORS), "fact_id"])
    detected = obs[(obs["indicator"] == "trafficking_victims_detected") & (obs["measure"] == "detected_count")]
    assert not subset_facts & set(detected["fact_id"])


def test_same_figure_under_two_labels_is_marked_and_shown_once(obs):
    assert repeat_problems(obs) == []
    groups = same_figure_groups(obs)
    marked = obs[groups.notna()]
    pairs = {tuple(sorted(g["indicator"])) + (g["value"].iloc[0],) for _g, g in marked.groupby(groups[groups.notna()])}
    assert ("trafficking_cases", "trafficking_victims_detected", 1313.0) in pairs
    assert ("trafficking_cases", "trafficking_victims_detected", 1100.0) in pairs
    once = show_once(obs)
    assert len(once) == len(obs) - len(pairs)
    tun = once[(once["geo"] == "TUN") & (once["year_start"] == 2019) & (once["value"] == 1313)]
    assert len(tun) == 1 and len(tun["also_published_as"].iloc[0]) == 1


def test_wording_checks_catch_a_row_that_drops_or_invents_what_the_source_says(obs, facts):
    """The checks above must fail on wrong rows: each mutation is caught with its fact id."""
    bad = obs.copy()
    bad.loc[bad["fact_id"] == "GLOTIP09-01", "qualifier"] = None                  # drops "at least"
    bad.loc[(bad["fact_id"] == "ILO12-01"), "qualifier"] = "approximately"         # invents "about"
    egy = (bad["fact_id"] == "GLOTIP-EGY-01") & (bad["value"] == 23)
    bad.loc[egy, ["period_start", "period_end", "period_kind"]] = ["2017", "2017", "annual"]  # the whole year
    bad.loc[bad["fact_id"] == "MAR-07", "period_start"] = "2023-09"                # a month facts.md does not give
    civ = (bad["fact_id"] == "TUN-10") & (bad["citizenship"] == "CIV")
    bad.loc[civ, "base"] = "victims detected by the INLTP in Tunisia, 2021 (2021 national report)"  # the whole
    bad.loc[(bad["fact_id"] == "EU-10") & (bad["measure"] == "share"), "base"] = "registered victims in the EU-27, 2023"
    bad.loc[(bad["fact_id"] == "GLOTIP24-05"), "base"] = None
    bad.loc[bad["fact_id"] == "MAR-07", "indicator"] = "trafficking_victims_detected"
    bad.loc[(bad["fact_id"] == "TUN-05"), "note"] = "no marker"
    q = "\n".join(qualifier_problems(bad, facts))
    assert "GLOTIP09-01" in q and "'none'" in q and "at_least" in q
    assert "ILO12-01" in q and "'approximately'" in q
    p = "\n".join(period_problems(bad, facts))
    assert "GLOTIP-EGY-01" in p and "MAR-07" in p and "2023-09" in p
    b = "\n".join(base_problems(bad, facts))
    assert "TUN-10" in b and "EU-10" in b and "known form" in b and "GLOTIP24-05" in b
    assert "MAR-07" in "\n".join(subset_problems(bad, facts))
    assert any("TUN-01" in x or "TUN-05" in x for x in repeat_problems(bad))


def test_wording_reader():
    assert month_mentions("from January to July 2017") == [(2017, 1, None), (2017, 7, None)]
    assert month_mentions("23 (Jan–Jul 2017)") == [(2017, 1, None), (2017, 7, None)]
    assert month_mentions("37,712,505 (1 July 2023)") == [(2023, 7, 1)]
    assert month_mentions("persons, 1 July") == [(None, 7, 1)]
    assert month_mentions("as it may be in 2017") == []          # the verb is no month
    row = {"figure": "~34%", "breakdown": "", "quote": "no more than 5 cases; over US $64 billion; "
           "1100 victimes environ", "unit": ""}
    assert qualifiers_of(row, 34) == {"approximately"}          # from the figure: not in the quote
    assert qualifiers_of(row, 5) == {"at_most"}                 # "no more than", not "more than"
    assert qualifiers_of(row, 64) == {"more_than"}
    assert qualifiers_of(row, 1100) == {"approximately"}
    assert qualifiers_of(row, 7) is None


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
