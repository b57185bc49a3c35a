"""The four real briefing notebooks execute top to bottom.

With the defaults in French: rendered as the pack renders them for one country
(`traffickstats pack --countries TUN --lang fr`), whose parameters equal each notebook's
defaults (checked first). With the real GLOTIP release when the loaders exist.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

from traffickstats import cli
from traffickstats.reports import pack, parameters
from traffickstats.reports.runner import prepare, render

NOTEBOOKS = ("global_overview", "mediterranean_brief", "country_brief", "flows")



def test_defaults_are_french_and_tunisia():
    for name in NOTEBOOKS:
        with tempfile.TemporaryDirectory() as work:
            _, ipynb, _, _ = prepare(name, {}, Path(work))
            declared = parameters.declared_parameters(ipynb)
        assert declared["lang"].default == '"fr"', name
        assert all(declared[k].default == '""' for k in ("glotip", "ctdc", "gsi")), name
        if name == "country_brief":
            assert declared["country"].default == '"TUN"'


@pytest.fixture(scope="module")
def pack_fr(tmp_path_factory, chromium):
    """The four reports in French from bundled data, rendered once (HTML + PDF) for this module."""
    out = tmp_path_factory.mktemp("pack_fr")
    status = cli.main(["pack", "--out", str(out), "--countries", "TUN", "--lang", "fr",
                       "--formats", "html,pdf", "--jobs", "2"])
    return status, out


@pytest.mark.slow
def test_every_notebook_renders_in_french_from_bundled_data(pack_fr):
    status, tmp_path = pack_fr
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    errors = {r["output"]: r["error"] for r in manifest["reports"] if r["status"] != "ok"}
    assert status == 0, errors
    assert sorted(r["output"] for r in manifest["reports"]) == [
        "fr/country_brief-TUN.html", "fr/flows.html", "fr/global_overview.html", "fr/mediterranean_brief.html"]
    for r in manifest["reports"]:
        html = (tmp_path / r["output"]).read_text(encoding="utf-8")
        assert 'lang="fr"' in html and re.search(r"<(script|link)[^>]*(src|href)=\"(https?:)?//", html) is None
        assert "Traceback" not in html
        pdf = r["output"].replace(".html", ".pdf")
        assert (tmp_path / pdf).read_bytes()[:5] == b"%PDF-" and pdf in r["outputs"]
    brief = (tmp_path / "fr" / "country_brief-TUN.html").read_text(encoding="utf-8")
    assert "Tunisie" in brief
    if "Plotly.newPlot" in brief:  # charts present: plotly.js from the one shared asset
        assert re.findall(r"<script[^>]*src=\"([^\"]+)\"", brief) == [
            f"../assets/plotly-{pack.assets.plotly_version()}.min.js",
            "../assets/topojson/world_110m.js"]
    # budget: the 24-report pack must stay <= 15 MB; these 4 reports share the one plotly.js
    html_bytes = sum((tmp_path / r["output"]).stat().st_size for r in manifest["reports"])
    assets_bytes = sum(p.stat().st_size for p in (tmp_path / "assets").rglob("*") if p.is_file())
    assert assets_bytes + html_bytes / 4 * 24 <= 15 * 1024 * 1024


@pytest.mark.slow
def test_country_brief_with_the_real_glotip_release(tmp_path, glotip_path):
    try:
        from traffickstats.loaders import load  # noqa: F401
    except ImportError:
        pytest.skip("traffickstats.loaders.load is not available yet (another engineer's module)")
    res = render("country_brief", {"country": "TUN", "lang": "fr", "glotip": str(glotip_path)},
                 tmp_path / "tun.html")
    assert res.ok, res.error
    html = (tmp_path / "tun.html").read_text(encoding="utf-8")
    assert "Tunisie" in html and "lecteur de jeux de données n'est pas encore disponible" not in html


# --- content of the rendered reports --------------------------------------------------------

def _visible(html: str) -> str:
    """The text a reader sees (page text and chart alt texts): scripts, data: URLs and tags removed,
    entities and spaces normalised."""
    import html as html_mod

    labels = " ".join(re.findall(r'aria-label="([^"]*)"', html))  # chart alt texts hold the titles
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    html = re.sub(r"<style\b.*?</style>", " ", html, flags=re.S)
    html = re.sub(r'\b(href|src|aria-label)="[^"]*"', " ", html)
    text = html_mod.unescape(re.sub(r"<[^>]+>", " ", html) + " " + labels)
    return re.sub(r"[\u00a0\u202f\s]+", " ", text)


#: Vocabulary codes that must never reach the page as such (they all have locale labels).
RAW_CODES = ("place_of_origin", "construction_manufacturing_mining_utilities", "domestic_work",
             "economic_exploitation", "sale_of_infants", "trafficking_offences", "victims_repatriated",
             "ctdc_victim_records", "trafficking_victims_detected", "estimate_stock", "detected_count",
             "illegal_profits", "modern_slavery", "north_shore", "south_shore", "cse_europe_cis",
             "developed_eu", "not_party", "coe_cets197", "national_law", "us_tip_tier")


@pytest.mark.slow
def test_french_global_overview_puts_the_21_million_in_context(pack_fr):
    _, out = pack_fr
    html = (out / "fr" / "global_overview.html").read_text(encoding="utf-8")
    text = _visible(html)
    assert "20,9 millions" in text  # babel's French format of the bundled 20900000
    assert "BIT (2012), Estimation mondiale du travail forcé" in text
    assert "2002-2011" in text and "n'est pas un décompte de victimes" in text
    assert "prélèvement d'organes" in text  # the scope note ILO12-13
    for figure in ("49,6 millions", "27,6 millions", "22 millions", "150 Md $US", "236 Md $US", "69 627"):
        assert figure in text, figure
    assert html.count('class="ts-chart ts-side_by_side"') == 1  # estimates vs detected, own axes
    assert html.count('class="ts-chart ts-headline"') == 3 and html.count('class="ts-chart ts-stacked_shares"') == 4
    assert "Troisième activité illégale la plus lucrative" in text and "aucune des sources" in text
    assert text.index("Messages clés") < text.index("Les « 21 millions » en contexte")
    assert "réf. ILO12-01" in text and "réf. GLOTIP24-01" in text  # each message with its fact id
    assert "Aucune donnée publiée vérifiée pour" in text and "lacune signalée, non comblée" in text
    assert "Asie-Pacifique" in text and "pour 1 000 habitants" in text  # regions, counts and rates
    assert not [c for c in RAW_CODES if c in text]


@pytest.mark.slow
def test_french_tunisia_brief_says_tunisia_is_not_a_party(pack_fr):
    _, out = pack_fr
    html = (out / "fr" / "country_brief-TUN.html").read_text(encoding="utf-8")
    text = _visible(html)
    assert "Invitée à adhérer (2018), pas Partie" in text
    assert "ne figure pas parmi les Parties" in text
    assert "n° 2016-61" in text and "3 août 2016" in text  # law number, babel-formatted date
    assert "12 277 109" in text and "Perspectives de la population mondiale 2024" in text
    assert "Rive sud" in text and "affaires de traite recensées par l'INLTP" in text
    assert "chiffres de l'INLTP (Tunisie) pour 2022, 2023 et 2024" in text  # the gap, said plainly
    assert not [c for c in RAW_CODES if c in text]
    # key messages first, GLOTIP from the bundled extract, and the roles section
    headings = re.findall(r"<h2[^>]*>([^<]*)</h2>", html)
    assert headings[:2] == ["Messages clés", "Profil"], headings
    assert "Pays d&#x27;origine, de transit ou de destination ?" in headings or \
        "Pays d'origine, de transit ou de destination ?" in headings, headings
    assert "version du 30 mai 2023 : extrait fourni avec traffickstats" in text
    assert "181 victimes détectées déclarées à l'ONUDC pour 2020" in text  # GLOTIP, TUN 2020 total
    assert "Pays de transit : non vérifiable à partir des données publiées" in text


@pytest.mark.slow
def test_french_mediterranean_brief_and_flows(pack_fr):
    _, out = pack_fr
    med = _visible((out / "fr" / "mediterranean_brief.html").read_text(encoding="utf-8"))
    for name in ("Tunisie", "Maroc", "Algérie", "Égypte", "Liban", "France", "Serbie", "Belgique", "Suisse"):
        assert name in med
    assert "Non Partie" in med and "Partie (ratification : 27 avril 2009)" in med
    assert "Victimes de la traite enregistrées dans l'UE" in med and "10 793" in med
    assert "nombres nationaux de victimes de ce pays (France)" in med
    flows_html = (out / "fr" / "flows.html").read_text(encoding="utf-8")
    flows = _visible(flows_html)
    assert "Flux : Méditerranée" in flows or "Flux :" in flows
    assert "des parts, pas des effectifs" in flows and "79,2 %" in flows
    # flows by default, from the bundled extract: Sankey, map, corridors, why a flow is missing
    assert '"type":"sankey"' in flows_html.replace(" ", "") and "scattergeo" in flows_html
    assert "Principaux corridors, 2016" in flows and "Pas de flux pour 2016 : Maroc" in flows
    assert "Pays d'origine, de transit ou de destination ?" in med and "Rive sud" in med
    for text in (med, flows):
        assert not [c for c in RAW_CODES if c in text]
        assert text.index("Messages clés") < text.index("Sources")


@pytest.fixture(scope="module")
def pack_datasets_ar(tmp_path_factory, shared_data):
    """The four reports in Arabic with the real GLOTIP, GSI and CTDC files."""
    out = tmp_path_factory.mktemp("pack_ar")
    files = {"glotip": shared_data / "unodc_glotip" / "data_glotip_2023-05-30.xlsx",
             "gsi": shared_data / "walkfree_gsi" / "Global_Slavery_Index_2023.csv",
             "ctdc": shared_data / "ctdc" / "ctdc_global_dataset_excerpt.csv"}
    for f in files.values():
        if not f.is_file():
            pytest.skip(f"{f} is absent")
    argv = ["pack", "--out", str(out), "--countries", "TUN", "--lang", "ar", "--formats", "html", "--jobs", "2"]
    for k, f in files.items():
        argv += [f"--{k}", str(f)]
    return cli.main(argv), out


@pytest.mark.slow
def test_every_notebook_renders_in_arabic_with_the_real_datasets(pack_datasets_ar):
    status, out = pack_datasets_ar
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert status == 0, {r["output"]: r["error"] for r in manifest["reports"] if r["status"] != "ok"}
    pages = {p.stem: (p.read_text(encoding="utf-8")) for p in (out / "ar").glob("*.html")}
    assert set(pages) == {"global_overview", "mediterranean_brief", "country_brief-TUN", "flows"}
    for html in pages.values():
        assert 'dir="rtl"' in html and "Traceback" not in html
        assert "الرسائل الرئيسية" in _visible(html)  # key messages
    brief = _visible(pages["country_brief-TUN"])
    assert "ليست طرفًا" in brief  # Tunisia: not a Party
    assert "الضحايا المكتشفون المبلَّغ عنهم للمكتب" in brief  # the GLOTIP detected-victims chart
    assert "أقل من 5" in brief  # small counts shown as "fewer than 5"
    assert "Walk Free" in brief and "ليست ضحايا جرى إحصاؤهم" in brief  # GSI, labelled an estimate
    flows = pages["flows"]
    assert '"type":"sankey"' in flows.replace(" ", "") and "scattergeo" in flows
    assert "طرق البحر الأبيض المتوسط" in _visible(flows)  # the Mediterranean routes table


@pytest.mark.slow
def test_executed_cells_that_show_a_chart_select_and_draw_it_in_the_cell(pack_fr):
    """In the executed notebooks of the pack, >= 80 % of the cells that show a chart also select
    its rows and call the chart function in the cell itself (what an analyst sees and edits)."""
    import nbformat

    _, out = pack_fr
    draw = re.compile(r"\b(?:charts\.\w+|sankey|flow_map)\(")
    select = re.compile(r"\.query\(|\bfacts\(|\bmatching\(|\btotals\(|\blatest\(|\bcommon_year\(|"
                        r"report\.dataset\(|blocks\.(?:flow_rows|flows_in|national_rows)\(")
    showing, readable = 0, 0
    for path in sorted((out / "fr").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or not any(
                    "application/vnd.plotly.v1+json" in o.get("data", {}) for o in cell.get("outputs", [])):
                continue
            showing += 1
            readable += bool(draw.search(cell.source) and select.search(cell.source))
    assert showing >= 15 and readable / showing >= 0.8, (readable, showing)

