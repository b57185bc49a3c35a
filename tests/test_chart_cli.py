"""``traffickstats chart FACT_OR_QUERY``: rows chosen by fact ids or column=value terms (never
an evaluated expression), a chart kind that follows the rows, and the slide / page written.

Every row is a bundled, published figure picked by fact id or by its columns.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest

from traffickstats import charts, cli
from traffickstats.charts import pick
from traffickstats.errors import TraffickstatsError


@pytest.mark.parametrize("query, kind", [
    ("ILO12-01", "headline"),
    ("ILO12-01,GLOTIP09-01", "side_by_side"),
    ("indicator=forced_labour geo_scheme=ilo2012 measure=estimate_stock", "ranked_bar"),
    ("fact=ILO12-10,ILO12-11,ILO12-12 measure=share", "stacked_shares:form"),
    ("geo=TUN indicator=trafficking_victims_detected measure=detected_count", "time_series"),
])
def test_the_kind_follows_the_rows(query, kind):
    assert pick.kind_for(pick.select(query)) == kind


def test_breakdowns_keep_their_totals_unless_asked():
    rows = pick.select("indicator=forced_labour geo_scheme=ilo2012 measure=estimate_stock")
    assert set(rows["sex"]) == {"total"} and set(rows["form"]) == {"total"} and len(rows) == 6
    parts = pick.select("fact=ILO12-10,ILO12-11,ILO12-12 measure=share")
    assert "total" not in set(parts["form"])


@pytest.mark.parametrize("query, words", [
    ("__import__('os').system('x')", "not a fact id"),
    ("indicator=forced_labour; import os", "not column=value"),
    ("nope=1", "unknown column 'nope'"),
    ("year=twenty", "year must be a number"),
    ("", "give fact ids"),
    ("geo=TUN indicator=trafficking_victims_detected", "measure different things"),
    ("indicator=forced_labour geo_scheme=ilo2012 measure=estimate_stock year=1999", "no bundled observation"),
])
def test_bad_queries_are_refused_in_one_line(query, words):
    with pytest.raises(TraffickstatsError) as err:
        pick.chart(query)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_cli_refuses_an_out_name_of_another_format(tmp_path, capsys):
    assert cli.main(["chart", "ILO12-01", "--format", "svg", "--out", str(tmp_path / "x.png")]) != 0
    assert "must end in .svg" in capsys.readouterr().err and not list(tmp_path.iterdir())


def test_cli_writes_the_chart_page_self_contained(tmp_path, capsys):
    out = tmp_path / "ilo.html"
    assert cli.main(["chart", "ILO12-01", "--format", "html", "--lang", "ar", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page and "Plotly.newPlot" in page and "<script src=" not in page
    assert capsys.readouterr().out.strip() == str(out)


@pytest.mark.browser
@pytest.mark.slow
def test_cli_writes_the_slide_as_png_and_svg(tmp_path, chromium, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["chart", "indicator=forced_labour geo_scheme=ilo2012 measure=estimate_stock",
                     "--format", "png"]) == 0
    fig = pick.chart("indicator=forced_labour geo_scheme=ilo2012 measure=estimate_stock")
    png = tmp_path / f"{charts.meta(fig)['name']}.png"
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (1920, 1080)
    assert cli.main(["chart", "GLOTIP09-01", "--format", "svg", "--lang", "en", "--out", "glotip.svg"]) == 0
    text = " ".join(ET.parse(tmp_path / "glotip.svg").getroot().itertext())
    assert "at least" in text and "22,000" in text  # the qualifier stays with the number
