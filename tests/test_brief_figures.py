"""The GLOTIP figures the default pages show, checked against the release as published.

For each participant, the country brief (run in-process with its defaults: the bundled
extract) shows the detected-victims totals by year, the latest year's forms and citizenships
of the raw release rows (read with pandas alone; "<5" stays a censored cell, never a number);
the flows report's sums by country are the sums of the raw rows, censored cells as bounds
(three "<5" are 3 to 12). No count under 5 reaches a page exactly.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from inprocess import run, visible

#: Nine briefs and the flows report run against the raw release: the slow tier.
pytestmark = pytest.mark.slow
from traffickstats.disclosure import PROTECTED_MEASURES
from traffickstats.formatting import format_number
from traffickstats.i18n import _

esc = __import__("html").escape

PARTICIPANTS = ["TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE"]
DETECTED = "Detected trafficking victims"


def _raw_value(text: str) -> tuple[float, float]:
    """(lower, upper) of a published cell: "<5" is 1..4, "1,192" is 1192..1192."""
    if text.strip() == "<5":
        return 1.0, 4.0
    v = float(text.replace(",", ""))
    return v, v


def _selected(raw, iso3, dimension, **where):
    out = raw[(raw["Iso3_code"] == iso3) & (raw["Indicator"] == DETECTED) & (raw["Dimension"] == dimension)]
    for col, value in where.items():
        out = out[out[col] == value]
    return out


def _chart_rows(shown, kind: str, title_part: str) -> pd.DataFrame:
    for fig in shown.figures:
        ts = fig["layout"]["meta"]["traffickstats"]
        if ts["kind"] == kind and title_part in ts["title"]:
            return pd.read_csv(io.StringIO(ts["csv"]))
    raise AssertionError(f"no {kind} chart titled ...{title_part}...")


def _secondary(row) -> bool:
    """A cell hidden to protect a "<5" beside it (disclosure.protect): shown as a range."""
    return isinstance(row.get("note"), str) and row["note"].startswith("suppressed (secondary")


def _same(chart_row, raw_text: str) -> bool:
    """The page shows the published cell: the number, the "<5" as 1..4, or (secondary
    suppression) a hidden cell whose bounds hold the published number."""
    lo, hi = _raw_value(raw_text)
    if lo != hi:  # published "<5": a censored cell 1..4, no value
        return bool(chart_row["censored"]) and pd.isna(chart_row["value"]) and chart_row["upper"] == hi
    if _secondary(chart_row):
        return pd.isna(chart_row["value"]) and chart_row["lower"] <= lo <= chart_row["upper"]
    return not bool(chart_row["censored"]) and chart_row["value"] == lo


@pytest.fixture(scope="module")
def briefs():
    return {c: run("country_brief", lang="en", country=c) for c in PARTICIPANTS}


@pytest.mark.parametrize("iso3", PARTICIPANTS)
def test_country_brief_glotip_figures_are_the_release_rows(iso3, briefs, glotip_raw):
    shown = briefs[iso3]
    ns = shown.namespace
    page = visible(shown.html)
    # totals by year (Dimension Total, Category Total, both sexes, all ages)
    raw = _selected(glotip_raw, iso3, "Total", Category="Total", Sex="Total", Age="Total")
    assert len(raw), f"{iso3}: no total row in the release"
    trend = ns["trend"].set_index(ns["trend"]["year_end"].astype(int))
    assert sorted(trend.index) == sorted(raw["Year"].astype(int)), iso3
    for _i, r in raw.iterrows():
        assert _same(trend.loc[int(r["Year"])], r["txtVALUE"]), (iso3, r["Year"], r["txtVALUE"])
    if len(raw) >= 2:  # the trend chart draws those rows
        chart = _chart_rows(shown, "time_series", "detected victims reported to UNODC").set_index("year_end")
        for _i, r in raw.iterrows():
            assert _same(chart.loc[int(r["Year"])], r["txtVALUE"]), (iso3, r["Year"])
    latest = raw.loc[raw["Year"].astype(int).idxmax()]
    lo, hi = _raw_value(latest["txtVALUE"])
    shown_latest = format_number(lo, "en") if lo == hi else "fewer than 5"
    assert f"{shown_latest} detected victims reported to UNODC for {latest['Year']}" in page, iso3  # key message

    # forms of the latest year (both sexes, all ages)
    year = str(int(trend.index.max()))
    forms = _selected(glotip_raw, iso3, "by form of exploitation", Sex="Total", Age="Total", Year=year)
    title = f"detected victims by form of exploitation, {year}"
    if len(forms) and title not in page:
        raise AssertionError(f"{iso3}: the forms of {year} are not on the page")
    drawn = any(title in f["layout"]["meta"]["traffickstats"]["title"] for f in shown.figures)
    if len(forms) and not drawn:  # no part to draw: each said as published ("<5"), no chart of ranges
        assert "no published figure of 5 or more: no chart" in page, iso3
        if not all(v.strip() == "<5" for v in forms["txtVALUE"]):  # a figure hidden beside a "<5" (total - parts)
            assert _("disclosure.suppressed", "en") in page, (iso3, list(forms["txtVALUE"]))
    elif len(forms):
        chart = _chart_rows(shown, "ranked_bar", title)
        assert len(chart) == len(forms), iso3
        names = {"Sexual exploitation": "sexual_exploitation", "Forced labour": "forced_labour",
                 "Other forms of exploitation": "other"}
        by_form = chart.set_index("form")
        for _i, r in forms.iterrows():
            assert _same(by_form.loc[names[r["Category"]]], r["txtVALUE"]), (iso3, r["Category"])

    # citizenships of the latest year that has them
    cits = _selected(glotip_raw, iso3, "by citizenship", Sex="Total", Age="Total")
    if len(cits):
        cyear = cits["Year"].astype(int).max()
        mine = cits[cits["Year"].astype(int) == cyear]
        table = ns["cit"]
        assert len(table) == len(mine), iso3
        published = sorted(_raw_value(v) for v in mine["txtVALUE"])
        shown_cells = sorted((r["value"], r["value"]) if not r["censored"] else (r["lower"], r["upper"])
                             for _i, r in table.iterrows() if not _secondary(r))
        hidden = [r for _i, r in table.iterrows() if _secondary(r)]
        for r in hidden:  # hidden to protect a "<5" cell: the published number lies within its bounds
            match = next(p for p in published if p[0] == p[1] and r["lower"] <= p[0] <= r["upper"])
            published.remove(match)
        assert shown_cells == published, iso3


@pytest.mark.parametrize("iso3", PARTICIPANTS)
def test_no_glotip_count_under_5_appears_exactly(iso3, briefs):
    """The GLOTIP charts, the key messages and every table from the GLOTIP section on (the
    bundled national figures above it are issue 11's: protection on every display path)."""
    shown = briefs[iso3]
    glotip_id = shown.namespace["report"].datasets["glotip"].source_id
    figures = [f for f in shown.figures if glotip_id in f["layout"]["meta"]["traffickstats"]["sources"]]
    assert figures, iso3
    for fig in figures:
        rows = pd.read_csv(io.StringIO(fig["layout"]["meta"]["traffickstats"]["csv"]))
        counts = rows[rows["measure"].isin(PROTECTED_MEASURES)]
        small = counts[counts["value"].notna() & (counts["value"] > 0) & (counts["value"] < 5)]
        assert small.empty, (iso3, fig["layout"]["meta"]["traffickstats"]["title"], small)
    html = shown.html
    messages = re.search(r'<section class="ts-key-messages">.*?</section>', html, flags=re.S).group(0)
    glotip_on = html[html.index(esc(_("glotip.heading", "en"))):]
    for part in (messages, glotip_on):
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", part)
        assert not [c for c in cells if re.fullmatch(r"[1-4]", c.strip())], iso3
    assert not re.search(r"(?<![\d,.])[1-4] (?:detected )?victims", visible(messages)), iso3


def _bounds_hold(flows, bounds, what):
    """The flows' sum is the raw rows' sum ("<5" as 1..4); a cell hidden by secondary
    suppression (to protect a "<5" beside a published total) widens it, never narrows it."""
    lo, hi = sum(b[0] for b in bounds), sum(b[1] for b in bounds)
    hidden = flows["note"].fillna("").str.contains("suppressed (secondary", regex=False)
    if hidden.any():
        assert flows["lower"].sum() <= lo and flows["upper"].sum() >= hi, what
    else:
        assert (flows["lower"].sum(), flows["upper"].sum()) == (lo, hi), what
        assert flows["censored_cells"].sum() == sum(a != b for a, b in bounds), what


@pytest.fixture(scope="module")
def flows_page():
    return run("flows", lang="fr")


def test_flows_sums_are_the_release_rows_with_censored_cells_as_bounds(flows_page, glotip_raw, glotip_release):
    ns = flows_page.namespace
    year, mine = ns["year"], ns["mine"]
    assert year == 2016  # the year most participants published victims by citizenship
    checked = 0
    for iso3 in PARTICIPANTS:  # victims detected in each participant, by citizenship
        raw = _selected(glotip_raw, iso3, "by citizenship", Sex="Total", Age="Total", Year=str(year))
        into = mine[mine["destination"] == iso3]
        if raw.empty:
            assert into.empty, iso3
            continue
        bounds = [_raw_value(v) for v in raw["txtVALUE"]]
        _bounds_hold(into, bounds, iso3)
        checked += 1
    assert checked >= 7
    rec = glotip_release.records  # the participants' nationals detected abroad (names read by the loader)
    for iso3 in PARTICIPANTS:
        abroad = rec[(rec["citizenship"] == iso3) & (rec["geo"] != iso3) & (rec["year_start"] == year)
                     & (rec["indicator"] == "trafficking_victims_detected") & (rec["sex"] == "total")
                     & (rec["age"] == "total") & (rec["form"] == "total")]
        raw = glotip_raw[glotip_raw["row"].isin(set(abroad["row"]))]
        out = mine[(mine["origin"] == iso3) & ~mine["domestic"]]
        _bounds_hold(out, [_raw_value(v) for v in raw["txtVALUE"]], iso3)
    page = visible(flows_page.html)
    assert "Messages clés" in page and "Pas de flux pour 2016" in page and "Maroc (aucune ventilation" in page
    kinds = flows_page.kinds()
    assert "sankey" in kinds and "flow_map" in kinds
    for table in re.findall(r'<table class="ts-corridors".*?</table>', flows_page.html, flags=re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1].split("</tbody>")[0], flags=re.S):
            rank, *cells = re.findall(r"<td>([^<]*)</td>", row)  # the rank is not a count
            assert not [c for c in cells if re.fullmatch(r"[1-4]", c.strip())], row
    cells = re.findall(r'<td class="ts-num">([^<]*)</td>', flows_page.html)
    assert not [c for c in cells if re.fullmatch(r"[1-4]", c.strip())]


@pytest.mark.parametrize("iso3", PARTICIPANTS)
def test_no_brief_is_empty_and_each_opens_with_key_messages(iso3, briefs):
    html = briefs[iso3].html
    headings = re.findall(r"<h2>([^<]*)</h2>", html)
    assert headings[0] == "Key messages", (iso3, headings[:3])
    items = re.search(r'<section class="ts-key-messages">.*?</section>', html, flags=re.S).group(0)
    assert 3 <= items.count("<li>") <= 5 and items.count("ts-msg-source") == items.count("<li>"), iso3
    for h in (_("glotip.heading", "en"), "Legal framework", "Gaps"):
        assert esc(h) in headings, (iso3, h)
    south_east = iso3 in ("TUN", "MAR", "DZA", "EGY", "LBN")
    assert ("Origin, transit or destination?" in headings) == south_east, iso3
    assert ("Eurostat figures" in headings) == (not south_east), iso3
    if south_east:
        page = visible(html)
        for role in ("Country of origin: ", "Country of transit: not verifiable from published data",
                     "Country of destination: "):
            assert role in page, (iso3, role)
        assert "computed by traffickstats" in page and "not the extent of trafficking" in page


@pytest.mark.parametrize("iso3", ["TUN", "MAR", "DZA", "EGY", "LBN"])
def test_roles_table_never_lets_a_total_give_back_a_small_cell(iso3, briefs):
    """Total minus the shown parts must not recover a "<5" cell (EGY 2018: 152 detected, 151
    nationals, one "<5" foreign cell: the nationals are hidden, not shown as 151)."""
    share = briefs[iso3].namespace["share"]
    for _i, r in share.iterrows():
        if pd.isna(r["total"]):
            continue
        parts = [(r[f"{p}_value"], r[f"{p}_cells"]) for p in ("foreign", "nationals", "unknown")]
        small = [p for p in parts if pd.isna(p[0])]
        exact = [p for p in parts if pd.notna(p[0])]
        assert not (len(small) == 1 and small[0][1] == 1 and r["total"] - sum(v for v, _c in exact) < 5), (iso3, r["year"])
