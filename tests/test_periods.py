"""Periods at the precision the source gives (year, month, day) and qualifiers in the schema."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.errors
import pytest

from traffickstats import guard, periods
from traffickstats.errors import IncomparableError
from traffickstats.formatting import qualified
from traffickstats.schema import COLUMNS, STORED_COLUMNS, conform


def row(**kw) -> dict:
    base = dict(indicator="trafficking_cases", measure="case_count", geo="EGY", geo_scheme="iso3",
                period_start="2017", period_end="2017", period_kind="annual", value=23.0, unit="cases",
                evidence="secondary", source_id="generated")
    return {**base, **kw}


def test_partial_year_is_written_as_its_months():
    assert periods.label("2017-01", "2017-07", "fr") == "janv.–juil. 2017"
    assert periods.label("2017-01", "2017-07", "en") == "Jan\u2009–\u2009Jul 2017"  # CLDR thin spaces
    assert "2017" in periods.label("2017-01", "2017-07", "ar") and "يوليو" in periods.label("2017-01", "2017-07", "ar")
    assert periods.label("2016-08-03", "2016-08-03", "fr") == "3 août 2016"
    assert periods.label("2017-07", "2017-07", "fr") == "juil. 2017"


def test_whole_years_keep_the_catalogue_span():
    assert periods.label("2017", "2017", "fr") == "2017"
    assert periods.label("2002", "2011", "fr") == "2002-2011"
    assert periods.label("2017-01", "2017-12", "en") == "2017"  # January to December is the year


def test_bounds_and_overlap():
    assert periods.bounds("2017-01", "2017-07") == (dt.date(2017, 1, 1), dt.date(2017, 7, 31))
    assert periods.bounds("2016-02", "2016-02") == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    assert periods.overlap(("2017", "2017"), ("2017-03", "2017-05"))
    assert not periods.overlap(("2017-01", "2017-06"), ("2017-07", "2017-12"))
    assert periods.is_partial(pd.Series(row(period_start="2017-01", period_end="2017-07", period_kind="part_year")))
    assert not periods.is_partial(pd.Series(row()))


def test_conform_keeps_month_precision_and_derives_years():
    obs = conform(pd.DataFrame([row(period_start="2017-01", period_end="2017-07", period_kind="part_year"),
                                row(period_start=2014, period_end=2014)]))
    assert list(obs.columns) == COLUMNS and set(STORED_COLUMNS) < set(COLUMNS)
    assert obs[["period_start", "period_end"]].values.tolist() == [["2017-01", "2017-07"], ["2014", "2014"]]
    assert obs[["year_start", "year_end"]].values.tolist() == [[2017, 2017], [2014, 2014]]


@pytest.mark.parametrize("start,end", [("2017-13", "2017-13"), ("17", "17"), ("2017-07", "2017-01"),
                                       ("2017/07", "2017/07")])
def test_conform_refuses_bad_periods(start, end):
    with pytest.raises(pandera.errors.SchemaErrors):
        conform(pd.DataFrame([row(period_start=start, period_end=end)]))


def test_qualifier_sets_its_bound_and_refuses_a_contrary_one():
    obs = conform(pd.DataFrame([row(qualifier="at_least", value=63.0), row(qualifier="at_most", value=10.0),
                                row(qualifier="approximately", value=1100.0)]))
    assert obs["lower"].tolist()[:1] == [63.0] and pd.isna(obs["upper"].iloc[0])
    assert obs["upper"].iloc[1] == 10.0 and pd.isna(obs["lower"].iloc[1])
    assert obs[["lower", "upper"]].iloc[2].isna().all()
    with pytest.raises(pandera.errors.SchemaErrors):
        conform(pd.DataFrame([row(qualifier="at_least", value=63.0, upper=70.0)]))
    with pytest.raises(pandera.errors.SchemaErrors):
        conform(pd.DataFrame([row(qualifier="roughly", value=63.0)]))


def test_qualified_text_in_three_languages():
    assert qualified("1 100", "approximately", "fr") == "environ 1 100"
    assert qualified("63", "at_least", "en") == "at least 63"
    assert qualified("80 %", "more_than", "fr") == "plus de 80 %"
    assert qualified("80", "more_than", "ar") == "أكثر من 80"
    assert qualified("80", None, "fr") == "80"


def test_guard_adds_disjoint_months_and_refuses_a_month_inside_its_year():
    parts = pd.DataFrame([row(period_start="2017-01", period_end="2017-06", period_kind="part_year", value=10.0),
                          row(period_start="2017-07", period_end="2017-12", period_kind="part_year", value=5.0)])
    out = guard.total(parts)
    assert out[["period_start", "period_end", "period_kind", "value"]].values.tolist() == [
        ["2017-01", "2017-12", "annual", 15.0]]
    overlapping = pd.DataFrame([row(period_start="2017-01", period_end="2017-07", period_kind="part_year"),
                                row(period_start="2017-03", period_end="2017-09", period_kind="part_year")])
    with pytest.raises(IncomparableError, match="overlapping periods 2017-01 to 2017-07 and 2017-03 to 2017-09"):
        guard.total(overlapping)
    with pytest.raises(IncomparableError, match="cover time differently"):
        guard.total(pd.DataFrame([row(), row(period_start="2018-01", period_end="2018-07", period_kind="part_year")]))


def test_guard_sum_keeps_the_weakest_qualifier():
    parts = [row(geo="EGY", value=10.0), row(geo="TUN", value=20.0, qualifier="at_least")]
    out = guard.total(pd.DataFrame(parts))
    assert (out["qualifier"].iloc[0], out["value"].iloc[0], out["lower"].iloc[0]) == ("at_least", 30.0, 30.0)
    out = guard.total(pd.DataFrame([*parts, row(geo="MAR", value=5.0, qualifier="approximately")]))
    assert out["qualifier"].iloc[0] == "approximately"
    with pytest.raises(IncomparableError, match="no bound"):
        guard.total(pd.DataFrame([*parts, row(geo="MAR", value=5.0, qualifier="at_most")]))
