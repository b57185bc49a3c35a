"""Locale number formatting: goldens checked against babel's own output and a few literal ones.

The literal goldens below were read from babel 2.19 (CLDR 47) output and typed with explicit
escapes so the exact spaces are visible: U+00A0 no-break space, U+202F narrow no-break space.
"""

from __future__ import annotations

import math

import pytest
from babel import numbers as bn
from hypothesis import given
from hypothesis import strategies as st

from traffickstats.formatting import (
    axis_tickformat, babel_locale, format_censored, format_compact, format_money, format_number,
    format_percent, format_range, format_value, nice_ticks, plotly_separators,
)

NBSP, NNBSP = "\u00a0", "\u202f"


# --- literal goldens (verified by hand against babel's output) ------------------------------

@pytest.mark.parametrize("call, expected", [
    (lambda: format_compact(20_900_000, "fr"), "20,9 millions"),
    (lambda: format_compact(20_900_000, "en"), "20.9 million"),
    (lambda: format_compact(20_900_000, "fr", short=True), f"20,9{NBSP}M"),
    (lambda: format_compact(20_900_000, "en", short=True), "20.9M"),
    (lambda: format_compact(150_000_000_000, "fr"), "150 milliards"),
    (lambda: format_compact(150_000_000_000, "fr", short=True), f"150{NBSP}Md"),
    (lambda: format_compact(20_900_000, "ar"), "20.9 مليون"),
    (lambda: format_money(1.2e9, "USD", "fr", compact=True), f"1,2{NBSP}Md{NBSP}$US"),
    (lambda: format_money(1.2e9, "USD", "en", compact=True), "$1.2B"),
    (lambda: format_percent(55, "fr"), f"55{NBSP}%"),
    (lambda: format_percent(55, "en"), "55%"),
    (lambda: format_percent(55, "ar"), "55%"),
    (lambda: format_percent(43.8, "fr"), f"43,8{NBSP}%"),
    (lambda: format_number(1_234_567, "fr"), f"1{NNBSP}234{NNBSP}567"),
    (lambda: format_number(1_234_567, "en"), "1,234,567"),
    (lambda: format_number(1_234_567.5, "ar"), "1,234,567.5"),
    (lambda: format_censored(5, "fr"), "moins de 5"),
    (lambda: format_censored(5, "en"), "fewer than 5"),
    (lambda: format_censored(5, "ar"), "أقل من 5"),
])
def test_literal_goldens(call, expected):
    assert call() == expected


def test_french_billions_are_milliards_never_g():
    for short in (False, True):
        text = format_compact(236e9, "fr", short=short)
        assert "G" not in text and ("Md" in text or "milliards" in text)


# --- equal to babel's output (not hand-typed) -----------------------------------------------

@pytest.mark.parametrize("lang, loc", [("fr", "fr"), ("en", "en"), ("ar", "ar")])
def test_matches_babel(lang, loc):
    assert format_compact(20.9e6, lang) == bn.format_compact_decimal(
        20.9e6, format_type="long", locale=loc, fraction_digits=1)
    assert format_compact(20.9e6, lang, short=True) == bn.format_compact_decimal(
        20.9e6, format_type="short", locale=loc, fraction_digits=1)
    assert format_money(1.2e9, "USD", lang, compact=True) == bn.format_compact_currency(
        1.2e9, "USD", locale=loc, fraction_digits=1)
    assert format_percent(55, lang) == bn.format_percent(0.55, locale=loc)
    assert format_number(1234567.891, lang) == bn.format_decimal(1234567.891, locale=loc)


def test_arabic_uses_latin_digits_and_the_ar_locale():
    assert str(babel_locale("ar")) == "ar"
    text = format_number(1_234_567.5, "ar")
    assert all(not ("\u0660" <= ch <= "\u0669") for ch in text)  # no Arabic-Indic digits


def test_decimals_round_for_display_only():
    assert format_number(1234.5678, "fr", decimals=2) == f"1{NNBSP}234,57"
    assert format_number(1234.5678, "en") == "1,234.5678"  # None keeps every decimal
    assert format_percent(43.8, "fr", decimals=0) == f"44{NBSP}%"


def test_small_values_are_written_in_full():
    assert format_compact(600_000, "fr") == f"600{NNBSP}000"
    assert format_compact(-2_500_000, "fr") == "-2,5 millions"


def test_range_and_values():
    assert format_range(1, 4, "fr") == "de 1 à 4"
    assert format_range(1, 4, "en") == "1 to 4"
    assert format_range(12.5e6, 27.8e6, "fr", unit="persons") == "de 12,5 millions à 27,8 millions"
    assert format_value(150e9, "usd", "fr") == bn.format_compact_currency(150e9, "USD", locale="fr",
                                                                           fraction_digits=1)
    assert format_value(55, "percent", "fr") == f"55{NBSP}%"


def test_missing_values_are_refused():
    with pytest.raises(ValueError):
        format_number(float("nan"), "fr")
    with pytest.raises(ValueError):
        format_compact(None, "en")
    with pytest.raises(ValueError, match="unsupported language"):
        format_number(1, "de")


def test_plotly_separators_come_from_babel():
    assert plotly_separators("fr") == "," + NNBSP
    assert plotly_separators("en") == ".,"
    assert plotly_separators("ar") == ".,"
    for lang in ("fr", "en", "ar"):
        assert len(plotly_separators(lang)) == 2
        assert plotly_separators(lang) == bn.get_decimal_symbol(lang) + bn.get_group_symbol(lang)


def test_axis_ticks_never_show_si_suffix_for_billions():
    ax = axis_tickformat("fr", [0, 150e9], unit="usd")
    assert ax["exponentformat"] == "none"
    assert ax["tickvals"] == [0, 50e9, 100e9, 150e9]
    assert ax["ticktext"][1] == format_money(50e9, "USD", "fr", compact=True)
    assert not any("G" in t for t in ax["ticktext"])
    plain = axis_tickformat("fr", [0, 4e9])
    assert all("Md" in t for t in plain["ticktext"][1:])
    assert axis_tickformat("fr")["exponentformat"] == "none"  # no values: still no SI suffix
    pct = axis_tickformat("fr", [0, 55], unit="percent")
    assert pct["ticktext"][-1] == format_percent(60, "fr")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
       st.floats(min_value=1, max_value=1e12, allow_nan=False))
def test_nice_ticks_cover_the_range(lo, span):
    hi = lo + span
    ticks = nice_ticks(lo, hi)
    assert ticks == sorted(ticks)
    assert ticks[0] <= min(lo, 0) + 1e-9 * abs(span) and ticks[-1] >= max(hi, 0) - 1e-9 * abs(span)
    assert 2 <= len(ticks) <= 12
    assert all(math.isfinite(t) for t in ticks)
