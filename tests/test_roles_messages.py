"""The kit's key messages and "origin, transit or destination?" verdicts, and the flow map's
labels, on GENERATED flows (made-up numbers, labelled as such): what each rule says, and that
nothing stronger than the data is written."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from traffickstats.briefing import Report, messages, roles
from traffickstats.flows import flow_map, from_observations
from traffickstats.flows.charts import _POSITIONS, place_labels

SOURCE = "generated_glotip_test"  # GENERATED: not real data


def obs(rows):
    """GENERATED detected-victims rows: (destination, citizenship or None, year, value or "<5")."""
    out = []
    for geo, cit, year, v in rows:
        cens = v == "<5"
        out.append({"indicator": "trafficking_victims_detected", "measure": "detected_count", "basis": None,
                    "geo": geo, "geo_scheme": "iso3", "citizenship": cit, "period_start": str(year),
                    "period_end": str(year), "year_start": year, "year_end": year, "period_kind": "annual",
                    "sex": "total", "age": "total", "form": "total", "qualifier": None,
                    "value": math.nan if cens else float(v), "unit": "persons",
                    "lower": 1.0 if cens else math.nan, "upper": 4.0 if cens else math.nan, "censored": cens,
                    "base": None, "evidence": "primary", "source_id": SOURCE, "fact_id": None, "note": None})
    return pd.DataFrame(out)


@pytest.fixture()
def report():
    r = Report.open("test", lang="en")
    yield r
    r.close()


def test_foreign_share_is_computed_only_where_the_breakdown_is_whole():
    rows = obs([("DZA", None, 2019, 72), ("DZA", "DZA", 2019, 50), ("DZA", "NER", 2019, 20), ("DZA", "MLI", 2019, "<5"),
                ("DZA", None, 2020, 90), ("DZA", "DZA", 2020, 30), ("DZA", "NER", 2020, 10)])
    flows = from_observations(rows)
    share = roles.foreign_share(flows, rows[rows["citizenship"].isna()], "DZA").set_index("year")
    y19 = share.loc[2019]
    assert y19["complete"] and (y19["foreign_lower"], y19["foreign_upper"]) == (21, 24)
    assert math.isnan(y19["share"])  # a "<5" inside: a range, never a midpoint
    assert y19["share_lower"] == pytest.approx(100 * 21 / 71) and y19["share_upper"] == pytest.approx(100 * 24 / 74)
    y20 = share.loc[2020]  # 30 + 10 of 90 published: no share of a partial breakdown
    assert not y20["complete"] and math.isnan(y20["share_lower"])


def test_verdicts_are_worded_by_the_strength_of_the_evidence(report):
    # DZA has no bundled figure by citizenship: the GENERATED flows alone decide
    strong = from_observations(obs([("DZA", "NER", 2018, 12), ("DZA", "NER", 2019, 9),
                                    ("ESP", "DZA", 2018, 7), ("ITA", "DZA", 2019, 15)]))
    v = {x.role: x for x in roles.verdicts(report, "DZA", strong)}
    assert [x.role for x in roles.verdicts(report, "DZA", strong)] == ["origin", "transit", "destination"]
    assert v["destination"].strength == "supported" and v["destination"].text.startswith("supported by victims of 1")
    assert v["origin"].strength == "supported" and "2 other country" in v["origin"].text
    assert v["transit"].strength == "unverifiable" and "not their route" in v["transit"].text

    weak = from_observations(obs([("DZA", "NER", 2018, "<5"), ("DZA", "MLI", 2019, "<5"), ("ITA", "DZA", 2019, 15)]))
    v = {x.role: x for x in roles.verdicts(report, "DZA", weak)}
    assert v["destination"].strength == "suggested" and "only as \"<5\" cells" in v["destination"].text
    assert v["origin"].strength == "suggested" and "single published figure" in v["origin"].text

    none = from_observations(obs([("DZA", "DZA", 2019, 40)]))
    v = {x.role: x for x in roles.verdicts(report, "DZA", none)}
    assert v["destination"].strength == v["origin"].strength == "unverifiable"
    assert v["destination"].text.startswith("not verifiable from published data")


def test_a_primary_national_figure_on_foreign_victims_supports_destination(report):
    # Tunisia: IOM's published caseload of Ivorian victims (primary) is in the bundled data
    v = {x.role: x for x in roles.verdicts(report, "TUN", from_observations(obs([("TUN", "TUN", 2016, 84)])))}
    assert v["destination"].strength == "supported" and "TUN-" in v["destination"].text


def test_a_message_needs_rows_and_every_figure(report):
    assert messages.sourced(report, "msg.cb.national", None, country="x", value="1", period="2020") is None
    rows = report.bundled.query("fact_id == 'TUN-09' and measure == 'detected_count'")
    assert messages.sourced(report, "msg.cb.national", rows, country="Tunisia", value=None, period="2021") is None
    from traffickstats.charts.labels import period_label, value_label

    m = messages.sourced(report, "msg.cb.national", rows, country="Tunisia",
                         value=value_label(rows.iloc[0], "en"), period=period_label(rows.iloc[0], "en"))
    assert "about 1,100 detected victims (2021)" in m.text  # the qualifier travels with the number
    assert m.refs == ("TUN-09",) and m.sources == (rows["source_id"].iloc[0],)
    data = obs([("TUN", None, 2019, 10), ("TUN", None, 2020, 12)])
    ref = messages.reference(report, data)
    assert ref == (f"{SOURCE} (Tunisia, 2019-2020)",)


def test_key_messages_show_at_most_five_with_their_sources(report, monkeypatch):
    shown = []
    monkeypatch.setattr(messages.page, "show_html", lambda markup, **kw: shown.append(markup))
    rows = report.bundled.query("fact_id == 'TUN-09' and measure == 'detected_count'")
    said = [messages.sourced(report, "msg.cb.national", rows, country="Tunisia", value=str(i), period="2021")
            for i in range(7)] + [None]
    assert messages.show(report, said) is None  # nothing left as a cell's result
    assert shown[0].count("<li>") == 5 and "Key messages" in shown[0]
    assert "ref. TUN-09" in shown[0] and rows["source_id"].iloc[0] in report.shown
    messages.show(report, [None, None])
    assert len(shown) == 1  # nothing to say: no section


def test_map_labels_never_overlap():
    pts = [(100, 100), (104, 101), (108, 99), (300, 200), (303, 202), (10, 10)]
    texts = ["Belgium", "Luxembourg", "Netherlands", "Tunisia", "Malta", "Iceland"]
    pos = place_labels(pts, texts, 860, 460)
    assert pos[0] is not None and pos[3] is not None
    assert None in pos[:3]  # three names on three near points cannot all fit
    from traffickstats.charts.textfit import text_width

    boxes = []
    for (x, y), text, p in zip(pts, texts, pos):
        if p is None:
            continue
        w, h = text_width(text, 13), 13 * 1.3
        dx, dy = dict(_POSITIONS)[p](w, h)
        boxes.append((x + dx, y + dy, x + dx + w, y + dy + h))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_flow_map_has_direction_width_legend_and_says_which_names_it_left_off():
    rows = obs([("FRA", "CHN", 2016, 205), ("FRA", "ROU", 2016, 101), ("BEL", "MAR", 2016, 19),
                ("CHE", "THA", 2016, 32), ("LUX", "BEL", 2016, "<5"), ("NLD", "BEL", 2016, 8)])
    catalog = [{"source_id": SOURCE, "publisher": "Test fixture", "title": "Generated flows (not real data)",
                "year": 2024, "evidence": "primary"}]
    fig = flow_map(from_observations(rows), "en", catalog=catalog)
    arrows = [t for t in fig.data if t.marker and t.marker.symbol and "arrow" in t.marker.symbol]
    assert len(arrows) == 6 and all(t.marker.angleref == "previous" for t in arrows)
    legend = [t.name for t in fig.data if t.showlegend]
    assert {"France", "Belgium", "Switzerland"} <= set(legend) and any("victims" in n for n in legend)
    labels = fig.layout.meta["traffickstats"]["labels"]
    missing = [name for name, position in labels.items() if position is None]
    footer = " ".join(str(a.text) for a in fig.layout.annotations)
    for name in missing:  # a name left off the map is listed under it
        assert name in footer
    assert "Arrowheads point from the victims" in footer
