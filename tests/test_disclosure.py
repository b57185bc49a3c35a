"""Small-count protection: thresholds, labels, secondary suppression, derived shares, source
censoring and untouched estimates.

Rows built by ``count``/``share`` below are GENERATED (made-up values, source
"generated_disclosure_test"); the GLOTIP tests read the real UNODC file through the
``glotip_path`` fixture, and the estimate test the bundled ILO figure.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from traffickstats.disclosure import (DEFAULT_THRESHOLD, THRESHOLD_ENV, display_value, protect,
                                      resolve_threshold)
from traffickstats.errors import ParameterError
from traffickstats.schema import conform

GEN = "generated_disclosure_test"


def count(value, form="total", sex="total", measure="detected_count", indicator="trafficking_victims_detected",
          unit="persons", **kw):
    """GENERATED: one count cell of Tunisia 2021 (made-up value)."""
    row = dict(indicator=indicator, measure=measure, geo="TUN", geo_scheme="iso3", period_start=2021,
               period_end=2021, period_kind="annual", sex=sex, age="total", form=form, value=float(value),
               unit=unit, evidence="primary", source_id=GEN)
    row.update(kw)
    return row


def share(value, form, basis="detected_count", **kw):
    """GENERATED: a percent share computed from the count of the same breakdown."""
    return count(value, form=form, measure="share", unit="percent", basis=basis, **kw)


def frame(*rows) -> pd.DataFrame:
    return conform(pd.DataFrame(list(rows)))


def by_form(df, measure="detected_count"):
    return df[df["measure"] == measure].set_index("form")


# --- primary suppression --------------------------------------------------------------------

def test_counts_below_threshold_are_hidden_with_bounds_and_note():
    out = protect(frame(count(3, sex="female"), count(4, sex="male"), count(5, sex="unknown"),
                        count(12, sex="other")), dims=())
    got = out.set_index("sex")
    for sex in ("female", "male"):
        assert math.isnan(got.loc[sex, "value"]) and got.loc[sex, "censored"]
        assert (got.loc[sex, "lower"], got.loc[sex, "upper"]) == (1.0, 4.0)
        assert got.loc[sex, "note"].startswith("suppressed (<5)")
    assert got.loc["unknown", "value"] == 5.0 and not got.loc["unknown", "censored"]  # 5 is not < 5
    assert got.loc["other", "value"] == 12.0
    conform(out)  # still valid canonical observations


def test_threshold_is_configurable_by_argument_and_environment(monkeypatch):
    obs = frame(count(7, sex="female"), count(12, sex="male"))
    assert protect(obs, dims=())["censored"].tolist() == [False, False]
    out = protect(obs, threshold=10, dims=())
    assert out["censored"].tolist() == [True, False] and out["upper"].iloc[0] == 9.0
    assert out["note"].iloc[0].startswith("suppressed (<10)")
    monkeypatch.setenv(THRESHOLD_ENV, "10")
    assert resolve_threshold() == 10 and protect(obs, dims=())["censored"].tolist() == [True, False]
    assert resolve_threshold(3) == 3  # an explicit argument wins over the environment
    monkeypatch.setenv(THRESHOLD_ENV, "five")
    with pytest.raises(ParameterError, match=THRESHOLD_ENV):
        resolve_threshold()
    monkeypatch.delenv(THRESHOLD_ENV)
    assert resolve_threshold() == DEFAULT_THRESHOLD == 5
    for bad in (0, -1, 2.5):
        with pytest.raises(ParameterError):
            protect(obs, threshold=bad)


def test_zero_is_shown_unless_asked():
    obs = frame(count(0, sex="female"), count(3, sex="male"))
    out = protect(obs, dims=())
    assert out["value"].iloc[0] == 0.0 and not out["censored"].iloc[0]
    strict = protect(obs, dims=(), suppress_zero=True)
    assert strict["censored"].tolist() == [True, True]
    assert (strict["lower"].iloc[0], strict["upper"].iloc[0]) == (0.0, 4.0)


def test_labels_in_three_languages():
    out = protect(frame(count(2, sex="female"), count(40, sex="male")), dims=())
    small, big = out.iloc[0], out.iloc[1]
    assert display_value(small, "fr") == "moins de 5"
    assert display_value(small, "en") == "fewer than 5"
    assert display_value(small, "ar") == "أقل من 5"
    assert "2" not in display_value(small, "fr").replace("5", "")  # the exact number never shows
    assert display_value(big, "en") == "40"


def test_original_frame_is_not_modified():
    obs = frame(count(3, sex="female"))
    protect(obs, dims=())
    assert obs["value"].iloc[0] == 3.0 and not obs["censored"].iloc[0]


def test_bad_arguments():
    with pytest.raises(ParameterError, match="nationality"):
        protect(frame(count(3)), dims=("nationality",))
    with pytest.raises(ParameterError, match="value"):
        protect(pd.DataFrame({"measure": ["detected_count"]}))


# --- secondary suppression ------------------------------------------------------------------

def test_total_minus_the_others_cannot_recover_a_small_cell():
    obs = frame(count(163), count(120, "sexual_exploitation"), count(3, "forced_labour"), count(40, "other"))
    out = by_form(protect(obs))
    assert out.loc["forced_labour", "censored"] and math.isnan(out.loc["forced_labour", "value"])
    # 163 - 120 - 40 would give the 3 back: the next smallest part (40) is hidden too
    assert out.loc["other", "censored"] and math.isnan(out.loc["other", "value"])
    assert out.loc["other", "note"].startswith("suppressed (secondary")
    assert (out.loc["other", "lower"], out.loc["other", "upper"]) == (5.0, 163.0)
    assert out.loc["sexual_exploitation", "value"] == 120 and out.loc["total", "value"] == 163
    shown = out.loc[["sexual_exploitation", "forced_labour", "other"], "value"].sum()  # NaN skipped
    assert out.loc["total", "value"] - shown == 43  # only the sum of the two hidden cells is known
    assert display_value(out.loc["other"], "fr") == "masqué (protection des petits effectifs)"
    conform(out.reset_index())


def test_two_small_cells_whose_sum_is_small_need_a_third():
    # 3 + 1 = 4 would be recoverable as total minus the published parts: still fewer than 5
    obs = frame(count(164), count(120, "sexual_exploitation"), count(3, "forced_labour"),
                count(1, "begging"), count(40, "other"))
    out = by_form(protect(obs))
    assert out.loc[["forced_labour", "begging", "other"], "censored"].all()
    assert out.loc["sexual_exploitation", "value"] == 120


def test_without_a_published_total_nothing_else_is_hidden():
    out = by_form(protect(frame(count(120, "sexual_exploitation"), count(3, "forced_labour"), count(40, "other"))))
    assert out["censored"].tolist() == [False, True, False]


def test_hidden_total_when_no_part_can_be_hidden():
    # the only other part is zero: hiding it would protect nothing, so the total is hidden
    out = by_form(protect(frame(count(9), count(3, "forced_labour"), count(0, "other"))))
    assert out.loc["total", "censored"] and math.isinf(out.loc["total", "upper"])
    assert out.loc["other", "value"] == 0


def test_secondary_cells_are_propagated_across_dimensions():
    # 2 x 2 table female/male x sexual_exploitation/forced_labour with margins (GENERATED)
    cells = {("female", "sexual_exploitation"): 2, ("female", "forced_labour"): 30,
             ("male", "sexual_exploitation"): 20, ("male", "forced_labour"): 50}
    rows = [count(v, form=f, sex=s) for (s, f), v in cells.items()]
    rows += [count(32, sex="female"), count(70, sex="male"),
             count(22, form="sexual_exploitation"), count(80, form="forced_labour"), count(102)]
    out = protect(frame(*rows))
    hidden = {(r.sex, r.form) for r in out.itertuples() if r.censored}
    assert ("female", "sexual_exploitation") in hidden
    # no row or column of the table has exactly one hidden cell beside a published total
    for dim, other in (("sex", "form"), ("form", "sex")):
        for key, grp in out.groupby(other):
            parts, total = grp[grp[dim] != "total"], grp[grp[dim] == "total"]
            if len(total) and not total["censored"].iloc[0]:
                assert parts["censored"].sum() != 1, (other, key)


# --- derived figures and source censoring -----------------------------------------------------

def test_shares_from_suppressed_cells_are_suppressed():
    obs = frame(count(163), count(120, "sexual_exploitation"), count(3, "forced_labour"), count(40, "other"),
                share(73.6, "sexual_exploitation"), share(1.8, "forced_labour"), share(24.5, "other"))
    out = protect(obs)
    shares = by_form(out, "share")
    assert shares.loc["forced_labour", "censored"] and math.isnan(shares.loc["forced_labour", "value"])
    assert (shares.loc["forced_labour", "lower"], shares.loc["forced_labour", "upper"]) == (0.0, 100.0)
    assert shares.loc["other", "censored"]  # its count was hidden by the secondary rule
    assert shares.loc["sexual_exploitation", "value"] == 73.6
    assert shares.loc["forced_labour", "note"].startswith("suppressed (computed")
    conform(out)


def test_rates_and_changes_of_hidden_counts_are_suppressed():
    obs = frame(count(3, "forced_labour"), count(40, "other"),
                count(2.1, form="forced_labour", measure="rate", unit="per_100000", basis="detected_count"),
                count(9.0, form="other", measure="rate", unit="per_100000", basis="detected_count"),
                count(50.0, form="forced_labour", measure="change", unit="percent", basis="detected_count",
                      period_start=2020))
    out = protect(obs).set_index(["form", "measure"])
    assert out.loc[("forced_labour", "rate"), "censored"] and out.loc[("forced_labour", "change"), "censored"]
    assert out.loc[("other", "rate"), "value"] == 9.0  # computed from a published count
    conform(out.reset_index())


def test_share_of_a_hidden_total_is_suppressed():
    # female count published, total hidden: female / share would give the total back
    obs = frame(count(9), count(3, "forced_labour"), count(0, "other"),
                share(33.3, "forced_labour", sex="total"))
    out = protect(obs)
    assert out[out["measure"] == "share"]["censored"].all()


def test_estimates_money_and_population_are_untouched(bundled_estimates):
    out = protect(bundled_estimates)
    pd.testing.assert_frame_equal(out.reset_index(drop=True), bundled_estimates.reset_index(drop=True))


@pytest.fixture(scope="module")
def bundled_estimates():
    from traffickstats.reference import observations

    obs = observations()
    keep = obs["measure"].isin(["estimate_stock", "money_estimate", "population", "coverage"]) | (
        obs["measure"].isin(["rate", "share"]) & obs["basis"].isin(["estimate_stock"]))
    out = obs[keep]
    assert len(out) > 20 and (out["value"].dropna() < 5).any()  # small rates are there and stay
    return out


@pytest.fixture(scope="module")
def glotip(glotip_path):
    from traffickstats.loaders.glotip import load_glotip

    return load_glotip(glotip_path).observations


@pytest.fixture(scope="module")
def glotip_protected(glotip):
    return protect(glotip)


def test_glotip_censored_cells_stay_censored(glotip, glotip_protected):
    out = glotip_protected
    src = glotip["censored"].to_numpy()
    assert src.sum() > 1000
    assert out["censored"].to_numpy()[src].all()
    assert (out.loc[src, "lower"].to_numpy() == glotip.loc[src, "lower"].to_numpy()).all()
    assert (out.loc[src, "upper"].to_numpy() == glotip.loc[src, "upper"].to_numpy()).all()
    cell = out[src].iloc[0]
    assert display_value(cell, "fr") == "moins de 5"
    conform(out)


def test_glotip_after_protection_has_no_small_or_recoverable_cells(glotip, glotip_protected):
    out = glotip_protected
    counts = out[out["measure"].isin(["detected_count", "case_count", "justice_count"])]
    shown = counts["value"].dropna()
    assert not ((shown > 0) & (shown < 5)).any()
    # independent, vectorised check of the 1-D rule on the form breakdown
    keys = ["indicator", "measure", "geo", "geo_scheme", "citizenship", "period_start", "period_end",
            "sex", "age", "unit", "source_id"]
    flat = counts.assign(**{c: counts[c].astype(object).where(counts[c].notna(), "").astype(str) for c in keys})
    is_total = flat["form"].eq("total")
    totals = flat[is_total & ~flat["censored"]].groupby(keys)["value"].first()
    parts = flat[~is_total].assign(hidden=lambda d: d["censored"].astype(int))
    agg = parts.groupby(keys).agg(hidden=("hidden", "sum"), shown=("value", "sum"))
    joined = agg.join(totals.rename("total"), how="inner")
    with_hidden = joined[joined["hidden"] > 0]
    assert len(with_hidden) > 100  # GLOTIP publishes totals beside "<5" parts
    assert not (with_hidden["hidden"] == 1).any()
    assert not (with_hidden["total"] - with_hidden["shown"] < 5).any()
    assert out["note"].fillna("").str.startswith("suppressed (secondary").sum() > 0


def test_key_groups_are_those_of_pandas_groupby_on_the_key_frame():
    """The secondary suppression groups cells with integer codes (fast on the few rows a
    chart protects); on GENERATED keys mixing None, NaN, pd.NA, '' and numbers they are the
    groups, numbered alike, that pandas' groupby gives on the string key frame."""
    import numpy as np

    from traffickstats.disclosure import KEY, _group_ids, _key_codes, _key_frame

    rng = np.random.default_rng(7)
    pool = {"str": ["a", "b", "", None, np.nan, pd.NA, "total"], "year": [2019, 2020, None]}
    n = 400
    varied = ("geo", "citizenship", "period_start", "sex")  # the others constant: groups of many rows
    df = pd.DataFrame({c: pd.array(rng.choice(np.array(pool["year"], dtype=object), n), dtype="Int64")
                       if c == "period_start" else rng.choice(np.array(pool["str"], dtype=object), n)
                       if c in varied else ["x"] * n for c in KEY[:-1]})
    # the last key column is absent: it counts as empty everywhere, as in _key_frame
    frame = _key_frame(df, KEY)
    codes = _key_codes(df, KEY)
    for c in KEY:
        assert list(codes[c][1]) == list(frame[c]), c
    for dim in ("sex", "citizenship"):
        cols = [c for c in KEY if c != dim]
        expected = frame.groupby(cols, sort=False, dropna=False).ngroup().to_numpy()
        got = _group_ids([codes[c][0] for c in cols], n)
        assert (got == expected).all(), dim
        sizes = np.bincount(got)
        assert 10 < len(sizes) < n / 4 and sizes.max() > 5  # many groups, of many rows each
