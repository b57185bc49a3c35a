"""The comparability guard: what it refuses (with why and what instead) and what it allows.

Rows come from the bundled reference data (facts.md, via ``reference.observations()``)
or are GENERATED here by ``make()`` with source ids starting with ``generated_``; the
generated values are arbitrary test inputs, not published figures.
"""

from __future__ import annotations

import pandas as pd
import pytest

from traffickstats import guard, reference
from traffickstats.errors import IncomparableError, ParameterError
from traffickstats.schema import conform


def make(rows: list[dict]) -> pd.DataFrame:
    """GENERATED canonical observations (defaults below; tests override what matters)."""
    base = dict(indicator="trafficking_victims_detected", measure="detected_count", geo="TUN",
                geo_scheme="iso3", period_start=2018, period_end=2018, period_kind="annual",
                value=100.0, unit="persons", evidence="primary", source_id="generated_series_a")
    return conform(pd.DataFrame([{**base, **r} for r in rows]))


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return reference.observations()


def facts(obs: pd.DataFrame, *ids: str, measure: str = "estimate_stock") -> pd.DataFrame:
    out = obs[obs["fact_id"].isin(ids) & (obs["measure"] == measure)]
    assert len(out) == len(ids), f"bundled data lacks {ids}"
    return out


@pytest.fixture(scope="module")
def ilo_world(bundled):
    return facts(bundled, "ILO12-01")


@pytest.fixture(scope="module")
def unodc_detected():
    # GENERATED stand-in for a UNODC detected-victims total for 2018 (value arbitrary).
    return make([dict(geo="WLD", geo_scheme="world", value=50_000.0, source_id="generated_unodc_glotip")])


# --- refusals ---------------------------------------------------------------------------

def test_ilo_estimate_plus_unodc_detected_is_refused_with_why_and_instead(ilo_world, unodc_detected):
    both = pd.concat([ilo_world, unodc_detected], ignore_index=True)
    with pytest.raises(IncomparableError) as info:
        guard.total(both)
    msg = str(info.value)
    assert msg.startswith("Cannot add 'estimate_stock' (ILO 2012 forced labour: modelled number of people "
                          "in forced labour on any given day, 2002–2011) and 'detected_count'")
    assert "victims identified by authorities in 2018" in msg
    assert "an estimate of a stock and a count of detected victims measure different things" in msg
    assert "side_by_side" in msg


def test_every_operation_refuses_different_measures(ilo_world, unodc_detected):
    both = pd.concat([ilo_world, unodc_detected], ignore_index=True)
    for op in ("add", "difference", "ratio", "rank"):
        with pytest.raises(IncomparableError, match="estimate_stock.*detected_count"):
            guard.require_comparable(both, op)
    with pytest.raises(IncomparableError):
        guard.difference(ilo_world, unodc_detected)
    with pytest.raises(IncomparableError):
        guard.rank(both)


def test_victims_count_and_cases_count_refused():
    df = make([dict(), dict(indicator="trafficking_cases", measure="case_count", unit="cases")])
    with pytest.raises(IncomparableError, match="one case can involve several victims"):
        guard.total(df)


def test_different_indicators_same_measure_refused():
    df = make([dict(indicator="trafficking_cases", measure="case_count", unit="cases"),
               dict(indicator="trafficking_notifications", measure="case_count", unit="cases")])
    with pytest.raises(IncomparableError, match="different indicators"):
        guard.total(df)


def test_forced_labour_and_modern_slavery_refused():
    df = make([dict(indicator="forced_labour", measure="estimate_stock", geo="WLD", geo_scheme="world",
                    period_kind="point_in_time", period_start=2021, period_end=2021, value=27.6e6),
               dict(indicator="modern_slavery", measure="estimate_stock", geo="WLD", geo_scheme="world",
                    period_kind="point_in_time", period_start=2021, period_end=2021, value=49.6e6)])
    with pytest.raises(IncomparableError, match="forced labour is already inside it"):
        guard.total(df)
    with pytest.raises(IncomparableError):
        guard.ratio(df.iloc[[0]], df.iloc[[1]])


def test_different_rate_units_refused_with_conversion_hint():
    df = make([dict(measure="rate", basis="detected_count", unit="per_1000", value=0.1),
               dict(measure="rate", basis="detected_count", unit="per_100000", value=9.0, geo="MAR")])
    with pytest.raises(IncomparableError, match="convert_rate_unit"):
        guard.rank(df)


def test_different_bases_refused():
    df = make([dict(measure="share", basis="detected_count", unit="percent", value=55.0, sex="female"),
               dict(measure="share", basis="estimate_stock", unit="percent", value=45.0, sex="male")])
    with pytest.raises(IncomparableError, match="different bases"):
        guard.total(df)


def test_different_period_kinds_refused():
    df = make([dict(), dict(period_kind="multi_year", period_start=2019, period_end=2021)])
    with pytest.raises(IncomparableError, match="'annual' figure and a 'multi_year' figure"):
        guard.total(df)


def test_stocks_are_never_summed_over_time():
    df = make([dict(indicator="forced_labour", measure="estimate_stock", period_kind="point_in_time",
                    period_start=y, period_end=y, value=v) for y, v in ((2016, 1e6), (2021, 2e6))])
    with pytest.raises(IncomparableError, match="stocks are never summed over time"):
        guard.total(df)


def test_overlapping_periods_of_counts_refused():
    df = make([dict(period_kind="multi_year", period_start=2015, period_end=2017),
               dict(period_kind="multi_year", period_start=2017, period_end=2019)])
    with pytest.raises(IncomparableError, match="overlapping periods 2015–2017 and 2017–2019"):
        guard.total(df)


def test_two_methodologies_refused(ilo_world):
    # GENERATED second methodology for the same indicator, place and kind of period.
    gems = make([dict(indicator="forced_labour", measure="estimate_stock", geo="WLD", geo_scheme="world",
                      period_kind="point_in_time", period_start=2016, period_end=2016, value=24.9e6,
                      source_id="generated_gems2017")])
    with pytest.raises(IncomparableError, match="two methodologies") as info:
        guard.total(pd.concat([ilo_world, gems], ignore_index=True))
    assert "'ILO 2012'" in str(info.value) and "generated_gems2017" in str(info.value)
    with pytest.raises(IncomparableError, match="two methodologies"):
        guard.difference(gems, ilo_world)


def test_same_period_different_sources_refused():
    df = make([dict(source_id="generated_series_a"), dict(source_id="generated_series_b", geo="MAR")])
    with pytest.raises(IncomparableError, match="two methodologies"):
        guard.total(df)


def test_mixed_region_schemes_refused():
    df = make([dict(geo="africa", geo_scheme="ilo2012"), dict(geo="arab_states", geo_scheme="ilo5")])
    with pytest.raises(IncomparableError, match="regions of different schemes"):
        guard.total(df)


def test_world_total_with_its_regions_refused(bundled, ilo_world):
    regions = bundled[(bundled["geo_scheme"] == "ilo2012") & (bundled["measure"] == "estimate_stock")]
    with pytest.raises(IncomparableError, match="schemes"):
        guard.total(pd.concat([ilo_world, regions], ignore_index=True))


def test_total_row_with_its_parts_refused(bundled, ilo_world):
    female = facts(bundled, "ILO12-05")
    with pytest.raises(IncomparableError, match="'sex = total' row"):
        guard.total(pd.concat([ilo_world, female], ignore_index=True))


def test_two_breakdowns_at_once_refused(bundled):
    # women & girls (sex) + children (age) both contain girls
    with pytest.raises(IncomparableError, match="differ in sex and age"):
        guard.total(facts(bundled, "ILO12-05", "ILO12-08"))


def test_nested_forms_refused(bundled):
    # private economy (18.7 m) already contains forced sexual exploitation (4.5 m)
    with pytest.raises(IncomparableError, match="private_economy already contains"):
        guard.total(facts(bundled, "ILO12-09", "ILO12-10"))


def test_same_figure_twice_refused(bundled):
    # ILO14-01 (US$150 billion) and ILO14-02 (US$150.2 billion) report one figure twice
    profits = facts(bundled, "ILO14-01", "ILO14-02", measure="money_estimate")
    with pytest.raises(IncomparableError, match="counted twice|count it twice"):
        guard.total(profits)


def test_rates_not_added_across_places(bundled):
    rates = bundled[(bundled["geo_scheme"] == "ilo2012") & (bundled["measure"] == "rate")]
    with pytest.raises(IncomparableError, match="each rate has its own population"):
        guard.total(rates)


def test_unknown_operation_and_empty_input():
    with pytest.raises(ParameterError, match="unknown operation"):
        guard.require_comparable(make([{}]), "multiply")
    with pytest.raises(ParameterError, match="no observations"):
        guard.require_comparable(make([{}]).iloc[0:0], "add")


def test_censored_difference_refused():
    df = make([dict(value=None, censored=True, lower=1.0, upper=4.0), dict(geo="MAR", value=20.0)])
    with pytest.raises(IncomparableError, match="between 1.0 and 4.0"):
        guard.difference(df.iloc[[0]], df.iloc[[1]])


# --- allowed ---------------------------------------------------------------------------

def test_ilo_2012_regions_add_up_to_the_world_figure(bundled, ilo_world):
    regions = bundled[(bundled["geo_scheme"] == "ilo2012") & (bundled["measure"] == "estimate_stock")]
    assert len(regions) == 6
    out = guard.total(regions)
    assert out["value"].iloc[0] == ilo_world["value"].iloc[0] == 20_900_000
    assert out["geo_scheme"].iloc[0] == "ilo2012" and out["period_kind"].iloc[0] == "point_in_time"
    assert "not published" in out["note"].iloc[0] and pd.isna(out["fact_id"].iloc[0])
    conform(out)  # still a canonical observation


def test_sexes_and_top_level_forms_add_up(bundled):
    assert guard.total(facts(bundled, "ILO12-05", "ILO12-06"))["value"].iloc[0] == 20_900_000
    by_form = guard.total(facts(bundled, "ILO12-09", "ILO12-12"))  # private economy + state-imposed
    assert by_form["value"].iloc[0] == 20_900_000 and by_form["form"].iloc[0] == "total"


def test_annual_counts_over_years_become_multi_year():
    df = make([dict(period_start=y, period_end=y, value=v) for y, v in ((2017, 10.0), (2018, 20.0), (2019, 5.0))])
    out = guard.total(df)
    assert out["value"].iloc[0] == 35.0
    assert (out["period_start"].iloc[0], out["period_end"].iloc[0], out["period_kind"].iloc[0]) == ("2017", "2019", "multi_year")
    assert (out["year_start"].iloc[0], out["year_end"].iloc[0]) == (2017, 2019)
    conform(out)


def test_components_add_up_to_parent_indicator():
    common = dict(measure="estimate_stock", geo="WLD", geo_scheme="world", period_kind="point_in_time",
                  period_start=2021, period_end=2021)
    df = make([dict(indicator="forced_labour", value=27.6e6, **common),
               dict(indicator="forced_marriage", value=22e6, **common)])
    out = guard.total(df)
    assert out["indicator"].iloc[0] == "modern_slavery" and out["value"].iloc[0] == pytest.approx(49.6e6)


def test_censored_parts_sum_as_bounds():
    df = make([dict(geo="TUN", value=None, censored=True, lower=1.0, upper=4.0), dict(geo="MAR", value=10.0)])
    out = guard.total(df)
    assert out["censored"].iloc[0] and pd.isna(out["value"].iloc[0])
    assert (out["lower"].iloc[0], out["upper"].iloc[0]) == (11.0, 14.0)
    conform(out)


def test_rank_same_measure_across_geographies(bundled):
    rates = bundled[(bundled["geo_scheme"] == "ilo2012") & (bundled["measure"] == "rate")]
    ranked = guard.rank(rates)
    assert list(ranked["geo"].head(2)) == ["cse_europe_cis", "africa"]  # 4.2 and 4.0 per 1,000
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert ranked["geo"].iloc[-1] == "developed_eu"


def test_rank_refuses_mixed_periods_and_duplicates():
    with pytest.raises(IncomparableError, match="differ in period"):
        guard.rank(make([dict(geo="TUN"), dict(geo="MAR", period_start=2019, period_end=2019)]))
    with pytest.raises(IncomparableError, match="appears twice"):
        guard.rank(make([dict(geo="TUN"), dict(geo="TUN", value=5.0)]))


def test_rank_leaves_censored_unranked():
    ranked = guard.rank(make([dict(geo="TUN", value=None, censored=True, lower=1.0, upper=4.0),
                              dict(geo="MAR", value=30.0), dict(geo="EGY", value=50.0)]))
    assert ranked["geo"].tolist() == ["EGY", "MAR", "TUN"]
    assert ranked["rank"].iloc[0] == 1 and pd.isna(ranked["rank"].iloc[2])
    assert "censored" in ranked["rank_note"].iloc[2]


def test_difference_and_ratio_like_for_like():
    df = make([dict(period_start=2019, period_end=2019, value=150.0), dict(value=100.0)])
    d = guard.difference(df.iloc[[0]], df.iloc[[1]])
    assert d.value == 50.0 and d.unit == "persons" and "2019 minus 2018" in d.note
    r = guard.ratio(df.iloc[[0]], df.iloc[[1]])
    assert r.value == 1.5 and r.unit == "ratio"


def test_ratio_across_measures_needs_an_acknowledged_caveat(ilo_world, unodc_detected):
    with pytest.raises(IncomparableError, match="acknowledge="):
        guard.ratio(unodc_detected, ilo_world)
    with pytest.raises(ParameterError):
        guard.ratio(unodc_detected, ilo_world, acknowledge="  ")
    r = guard.ratio(unodc_detected, ilo_world, acknowledge="identification probability unknown")
    assert r.value == pytest.approx(50_000 / 20_900_000)
    assert "identification probability unknown" in r.note


def test_side_by_side_is_always_allowed_and_says_why(ilo_world, unodc_detected):
    out = guard.side_by_side(pd.concat([ilo_world, unodc_detected], ignore_index=True))
    assert len(out) == 2
    assert set(out["comparison_note"]) == {"different measures: shown side by side, not comparable"}
    assert out["label"].iloc[0].startswith("ILO 2012 forced labour")
    same = guard.side_by_side(make([dict(geo="TUN"), dict(geo="MAR")]))
    assert same["comparison_note"].iloc[0].endswith("comparable")


def test_accessor(bundled):
    regions = bundled[(bundled["geo_scheme"] == "ilo2012") & (bundled["measure"] == "estimate_stock")]
    assert regions.ts.total()["value"].iloc[0] == 20_900_000
    with pytest.raises(IncomparableError):
        bundled.ts.total()
