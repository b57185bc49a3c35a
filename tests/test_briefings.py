"""The briefing notebooks' logic, run in this process (no kernel): what they select, draw and
say, in three languages, with small counts protected. The slow tier renders them for real."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from inprocess import run, visible
from traffickstats.disclosure import PROTECTED_MEASURES
from traffickstats.i18n import catalog

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_english_overview_formats_numbers_the_english_way():
    shown = run("global_overview", lang="en")
    page = visible(shown.html)
    assert "20.9 million" in page and "ILO (2012)" in page
    assert "no verified published figure" in page.lower()
    assert "20,9" not in page  # no French formatting in the English report
    assert shown.kinds().count("side_by_side") == 1
    pair = next(f for f in shown.figures if f["layout"]["meta"]["traffickstats"]["kind"] == "side_by_side")
    assert len(pair["layout"]["meta"]["traffickstats"]["sources"]) == 2  # the estimate and the count
    sources = visible(shown.html).split("Sources")[-1]
    assert "ILO (2012)" in sources and "UNODC" in sources  # every chart's sources cited at the end


def test_glotip_country_brief_never_shows_an_exact_count_below_5(glotip_path):
    shown = run("country_brief", lang="en", country="TUN", glotip=str(glotip_path))
    report = shown.namespace["report"]
    glotip_id = report.datasets["glotip"].source_id
    glotip_figs = [f for f in shown.figures if glotip_id in f["layout"]["meta"]["traffickstats"]["sources"]]
    assert glotip_figs, "no GLOTIP chart was drawn"
    import io

    import pandas as pd

    for fig in glotip_figs:
        rows = pd.read_csv(io.StringIO(fig["layout"]["meta"]["traffickstats"]["csv"]))
        counts = rows[rows["measure"].isin(PROTECTED_MEASURES)]
        small = counts[counts["value"].notna() & (counts["value"] > 0) & (counts["value"] < 5)]
        assert small.empty, small
    cells = re.findall(r'<td class="ts-num">([^<]*)</td>', shown.html)
    assert cells and not [c for c in cells if re.fullmatch(r"[1-4]", c.strip())]
    assert "fewer than 5" in shown.html


def test_morocco_brief_names_its_country_and_its_national_figures():
    shown = run("country_brief", lang="fr", country="MAR")
    page = visible(shown.html)
    assert "Note pays : Maroc" in page and "(MAR)" in page
    assert "Tunisie" not in page.split("Sources")[0]  # nothing of the default country leaks in


@pytest.mark.parametrize("name", ["global_overview", "mediterranean_brief", "country_brief", "flows"])
def test_every_notebook_runs_in_arabic_with_its_defaults(name):
    shown = run(name, lang="ar")
    assert shown.outputs and "Traceback" not in shown.html
    assert not re.search(r"\b(?:moins de|fewer than)\b", shown.html)  # no French / English leaking


def _cells(path: Path) -> list[str]:
    from traffickstats.reports.runner import load_notebook

    return [c.source for c in load_notebook(path).cells if c.cell_type == "code"]


def test_cells_that_draw_a_chart_select_their_data_and_call_the_chart_function():
    """An analyst sees, in the cell that shows a chart, the rows it selects and the chart call."""
    draw = re.compile(r"\b(?:charts\.(?:headline|ranked_bar|stacked_shares|time_series|side_by_side|choropleth)"
                      r"|sankey|flow_map)\(")
    select = re.compile(r"\.query\(|\bfacts\(|\bmatching\(|\btotals\(|\blatest\(|\bheadlines?\(|\bcommon_year\(|"
                        r"report\.dataset\(|blocks\.(?:flow_rows|flows_in|national_rows)\(|\[\w+\[\"")
    drawing = [c for p in sorted(NOTEBOOKS.glob("*.py")) for c in _cells(p) if draw.search(c)]
    assert len(drawing) >= 20
    readable = [c for c in drawing if select.search(c)]
    assert len(readable) / len(drawing) >= 0.8, [c[:80] for c in drawing if c not in readable]


def test_every_text_key_used_exists_in_the_three_languages():
    src = Path(__file__).resolve().parent.parent / "src" / "traffickstats"
    files = [*NOTEBOOKS.glob("*.py"), *(src / "briefing").glob("*.py")]
    used = set()
    for f in files:
        used |= set(re.findall(r'\bt\("([a-z0-9_.]+)"', f.read_text(encoding="utf-8")))
    assert len(used) > 100
    for lang in ("fr", "en", "ar"):
        missing = sorted(k for k in used if k not in catalog(lang))
        assert not missing, (lang, missing)
    assert set(catalog("fr")) == set(catalog("en")) == set(catalog("ar"))
    labels = ("form.moved", "form.place_of_origin", "form.agriculture", "form.domestic_work",
              "form.construction_manufacturing_mining_utilities", "form.economic_exploitation",
              "form.sale_of_infants", "indicator.trafficking_offences", "indicator.victims_repatriated",
              "indicator.ctdc_victim_records")
    assert all(k in catalog("ar") for k in labels)


def test_notebooks_parse_and_import_no_render_engine():
    for path in NOTEBOOKS.glob("*.py"):
        for cell in _cells(path):
            tree = ast.parse(cell)
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    assert not node.module.startswith("traffickstats.reports"), (path.name, node.module)
