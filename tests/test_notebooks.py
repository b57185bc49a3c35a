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

pytestmark = pytest.mark.slow


def test_defaults_are_french_and_tunisia():
    for name in NOTEBOOKS:
        with tempfile.TemporaryDirectory() as work:
            _, ipynb, _ = prepare(name, {}, Path(work))
            declared = parameters.declared_parameters(ipynb)
        assert declared["lang"].default == '"fr"', name
        assert all(declared[k].default == '""' for k in ("glotip", "ctdc", "gsi")), name
        if name == "country_brief":
            assert declared["country"].default == '"TUN"'


def test_every_notebook_renders_in_french_from_bundled_data(tmp_path, chromium):
    status = cli.main(["pack", "--out", str(tmp_path), "--countries", "TUN", "--lang", "fr",
                       "--formats", "html,pdf", "--jobs", "2"])
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
