"""Shares, rates, sum checks and display scales.

Populations and ILO 2012 figures are the bundled reference data (copied from facts.md);
numerators of rates are GENERATED here (``make()``, source ids ``generated_*``): arbitrary
test inputs, not published figures.
"""

from __future__ import annotations

import pandas as pd
import pytest

from traffickstats import normalise, reference
from traffickstats.errors import IncomparableError, ParameterError
from traffickstats.normalise import MissingDenominatorWarning, check_sum, rates, rounding_step, shares
from traffickstats.schema import conform


def make(rows: list[dict]) -> pd.DataFrame:
    """GENERATED canonical observations (detected victims by default)."""
    base = dict(indicator="trafficking_victims_detected", measure="detected_count", geo="TUN",
                geo_scheme="iso3", period_start=2021, period_end=2021, period_kind="annual",
                value=100.0, unit="persons", evidence="primary", source_id="generated_counts")
    return conform(pd.DataFrame([{**base, **r} for r in rows]))


@pytest.fixture(scope="module")
def bundled():
    return reference.observations()


@pytest.fixture(scope="module")
def regions(bundled):
    return bundled[(bundled["geo_scheme"] == "ilo2012") & (bundled["measure"] == "estimate_stock")]


@pytest.fixture(scope="module")
def world(bundled):
    return bundled[(bundled["fact_id"] == "ILO12-01") & (bundled["measure"] == "estimate_stock")]


@pytest.fixture(scope="module")
def population():
    pop = reference.population()
    assert len(pop), "bundled population denominators are missing"
    return pop


def pop_value(pop, geo, year):
    return float(pop[(pop["geo"] == geo) & (pop["year_end"] == year)]["value"].iloc[0])


# --- check_sum ------------------------------------------------------------------------

def test_check_sum_ilo_2012_regions(regions, world):
    c = check_sum(regions, world, label="ILO 2012 regions")
    assert c.ok and c.difference == 0 and c.parts_sum == c.total == 20_900_000
    assert c.tolerance == pytest.approx(7 * 50_000)  # six parts + total, each rounded to 0.1 million
    assert str(c) == ("ILO 2012 regions: 11.7 + 3.7 + 1.8 + 1.6 + 1.5 + 0.6 = 20.9 million "
                      "= total 20.9 million: OK")


def test_check_sum_gems_2022_within_rounding_reports_difference():
    c = check_sum(["15.1 million", "4.1 million", "3.8 million", "3.6 million", "0.9 million"],
                  "27.6 million", label="GEMS 2022 forced-labour regions")
    assert c.ok
    assert c.parts_sum == 27_500_000 and c.difference == -100_000
    assert c.tolerance == pytest.approx(300_000)
    assert "27.5 million ≈ total 27.6 million: OK within rounding (difference -0.1 million" in str(c)


def test_check_sum_fails_on_double_counted_forms():
    # ILO 2012: private economy 18.7 m already contains 4.5 m sexual + 14.2 m labour exploitation
    c = check_sum(["18.7 million", "4.5 million", "14.2 million", "2.2 million"], "20.9 million",
                  label="ILO 2012 forms")
    assert not c.ok and c.difference == pytest.approx(18_700_000)
    assert "NOT OK" in str(c) and "≠ total 20.9 million" in str(c)


def test_check_sum_explicit_tolerance_and_exact_counts():
    assert not check_sum([5, 3], 9).ok  # exact counts: no rounding to hide behind
    assert check_sum([5, 3], 9, tolerance=1).ok
    assert check_sum(["4,0", "3"], "7", locale="fr").ok


def test_check_sum_refuses_incomparable_parts(world):
    detected = make([dict(geo="WLD", geo_scheme="world")])
    with pytest.raises(IncomparableError):
        check_sum(pd.concat([world, detected], ignore_index=True), 1)
    with pytest.raises(IncomparableError):
        check_sum(world, detected)


def test_rounding_step():
    assert rounding_step(20_900_000) == 100_000
    assert rounding_step(600_000) == 100_000
    assert rounding_step(74.1) == pytest.approx(0.1)
    assert rounding_step(1313) == 0
    assert rounding_step(0) == 0


# --- shares ---------------------------------------------------------------------------

def test_shares_of_published_total(regions, world):
    out = shares(regions, total=world, by="geo")
    asia = out[out["geo"] == "asia_pacific"].iloc[0]
    assert asia["value"] == pytest.approx(11.7 / 20.9 * 100)
    assert (asia["measure"], asia["unit"], asia["basis"]) == ("share", "percent", "estimate_stock")
    assert asia["source_id"] == "ilo2012_stats_page" and "20,900,000" in asia["note"]
    assert out["value"].sum() == pytest.approx(100)
    conform(out)


def test_shares_without_total_use_the_sum_of_parts(bundled):
    sexes = bundled[bundled["fact_id"].isin(["ILO12-05", "ILO12-06"]) & (bundled["measure"] == "estimate_stock")]
    out = shares(sexes, by="sex")
    assert out.set_index("sex")["value"].to_dict() == pytest.approx({"female": 11.4 / 20.9 * 100,
                                                                      "male": 9.5 / 20.9 * 100})


def test_shares_refuse_a_total_of_another_measure(regions):
    detected_total = make([dict(geo="WLD", geo_scheme="world", period_start=2011, period_end=2011)])
    with pytest.raises(IncomparableError, match="estimate_stock"):
        shares(regions, total=detected_total)


def test_shares_refuse_parts_on_two_breakdowns(bundled):
    mixed = bundled[bundled["fact_id"].isin(["ILO12-05", "ILO12-08"]) & (bundled["measure"] == "estimate_stock")]
    with pytest.raises(IncomparableError, match="also differ"):
        shares(mixed, by="sex")


# --- rates ----------------------------------------------------------------------------

def test_rates_join_population_by_geo_and_year(population):
    num = make([dict(geo="TUN", value=1000.0), dict(geo="BEL", period_start=2023, period_end=2023, value=500.0)])
    with_rates, missing = rates(num, population, per=100_000)
    assert len(missing) == 0
    tun = with_rates.iloc[0]
    assert tun["value"] == pytest.approx(1000 / pop_value(population, "TUN", 2021) * 100_000)
    assert (tun["measure"], tun["unit"], tun["basis"], tun["source_id"]) == (
        "rate", "per_100000", "detected_count", "generated_counts")
    assert "wpp2024_danso_tun" in tun["note"] and "2021" in tun["note"]
    conform(with_rates)


@pytest.mark.parametrize("per,unit", [(1_000, "per_1000"), (1_000_000, "per_million")])
def test_rate_units(population, per, unit):
    out = rates(make([dict(value=1000.0)]), population, per=per).rates
    assert out["unit"].iloc[0] == unit
    assert out["value"].iloc[0] == pytest.approx(1000 / pop_value(population, "TUN", 2021) * per)


def test_missing_denominator_is_kept_and_reported(population):
    num = make([dict(geo="TUN"), dict(geo="FRA", period_start=2023, period_end=2023)])
    with pytest.warns(MissingDenominatorWarning, match="FRA"):
        result = rates(num, population)
    assert len(result.rates) == 2  # nothing dropped
    fra = result.rates[result.rates["geo"] == "FRA"].iloc[0]
    assert pd.isna(fra["value"]) and "not computed" in fra["note"]
    assert result.missing[["geo", "period_end"]].values.tolist() == [["FRA", 2023]]
    assert "years available: 2024" in result.report


def test_missing_report_lists_available_years_as_ranges(population):
    with pytest.warns(MissingDenominatorWarning):
        result = rates(make([dict(geo="TUN", period_start=2022, period_end=2022)]), population)
    assert "years available: 2020–2021, 2023–2024" in result.missing["reason"].iloc[0]


def test_nearest_year_uses_and_records_the_closest_population(population):
    num = make([dict(geo="FRA", period_start=2023, period_end=2023, value=100.0),
                dict(geo="TUN", period_start=2022, period_end=2022, value=100.0)])
    result = rates(num, population, nearest_year=True)
    assert len(result.missing) == 0
    fra, tun = result.rates.iloc[0], result.rates.iloc[1]
    assert "population of 2024 used for 2023" in fra["note"]
    assert fra["value"] == pytest.approx(100 / pop_value(population, "FRA", 2024) * 100_000)
    assert "population of 2021 used for 2022" in tun["note"]  # 2021 and 2023 tie: the earlier year


def test_rate_needs_matching_sex(population):
    with pytest.warns(MissingDenominatorWarning):
        result = rates(make([dict(sex="female")]), population)
    assert len(result.missing) == 1 and pd.isna(result.rates["value"].iloc[0])


def test_censored_numerator_gives_censored_rate_bounds(population):
    out = rates(make([dict(value=None, censored=True, lower=1.0, upper=4.0)]), population).rates
    p = pop_value(population, "TUN", 2021)
    assert pd.isna(out["value"].iloc[0]) and out["censored"].iloc[0]
    assert out["upper"].iloc[0] == pytest.approx(4 / p * 100_000)


def test_rates_refuse_bad_numerators_and_denominators(population, bundled):
    share = bundled[bundled["measure"] == "share"].head(1)
    with pytest.raises(IncomparableError, match="a rate divides"):
        rates(share, population)
    with pytest.raises(IncomparableError, match="multi-year"):
        rates(make([dict(period_kind="multi_year", period_start=2019, period_end=2021)]), population)
    with pytest.raises(ParameterError):
        rates(make([{}]), population, per=500)
    clash = pd.concat([population, population.iloc[[1]].assign(value=1.0, source_id="generated_other")])
    with pytest.raises(IncomparableError, match="two different population figures"):
        rates(make([{}]), clash)
    with pytest.raises(IncomparableError, match="population"):
        rates(make([{}]), make([{}]))


# --- scales ---------------------------------------------------------------------------

def test_rescale_for_display(world):
    out = normalise.rescale(world, "millions")
    assert out["value"].iloc[0] == pytest.approx(20.9) and out["scale"].iloc[0] == 1e6
    assert world["value"].iloc[0] == 20_900_000  # the canonical frame is untouched
    assert normalise.rescale(world, 1e3)["value"].iloc[0] == pytest.approx(20_900)
    with pytest.raises(ParameterError):
        normalise.rescale(world, 0)


def test_convert_rate_unit(bundled):
    r = bundled[(bundled["fact_id"] == "ILO12-22") & (bundled["measure"] == "rate")]  # 3.4 per 1,000
    out = normalise.convert_rate_unit(r, "per_100000")
    assert out["value"].iloc[0] == pytest.approx(340) and out["unit"].iloc[0] == "per_100000"
    with pytest.raises(IncomparableError):
        normalise.convert_rate_unit(bundled.head(1), "per_1000")
