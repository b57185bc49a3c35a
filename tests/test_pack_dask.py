"""The pack renders through any concurrent.futures.Executor: here a local dask cluster.

The same call with ``Client("tcp://scheduler:8786").get_executor()`` renders across machines
(shared output folder, traffickstats installed on every worker).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from traffickstats.reports.pack import ReportSpec, render_pack

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (extra: dask)")

HELLO = str(Path(__file__).parent / "notebooks" / "hello.py")

pytestmark = pytest.mark.slow


def _pack_on_cluster(out, formats: str):
    """The fixture notebook in fr and en, rendered by a two-process LocalCluster; returns the
    pack's result and the workers' process ids."""
    specs = [ReportSpec(HELLO, {"lang": lang, "name": f"dask {lang}"}, f"{lang}/hello.html", lang)
             for lang in ("fr", "en")]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as cluster, \
            distributed.Client(cluster) as client:
        result = render_pack(out, reports=specs, formats=formats, jobs=2,
                             executor=client.get_executor(), progress=False)
        worker_pids = set(client.run(lambda: __import__("os").getpid()).values())
    return result, worker_pids


def test_pack_on_a_local_dask_cluster(tmp_path):
    result, worker_pids = _pack_on_cluster(tmp_path, "html")
    assert result.ok, [r["error"] for r in result.failed]
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(r["output"] for r in manifest["reports"]) == ["en/hello.html", "fr/hello.html"]
    assert len({r["run_id"] for r in manifest["reports"]}) == 2
    for lang in ("fr", "en"):
        html = (tmp_path / lang / "hello.html").read_text(encoding="utf-8")
        assert f'lang="{lang}"' in html and f"Fixture dask {lang}" in html
    assert len(worker_pids) == 2


@pytest.mark.browser
def test_exports_of_reports_rendered_on_dask_are_made_by_the_pack(tmp_path):
    """Slides, thumbnails and PDFs come from the pack's own export pass, whatever executor
    rendered the pages: the dask workers only render."""
    result, _ = _pack_on_cluster(tmp_path, "html,png,pdf")
    assert result.ok and not result.warnings, result.warnings
    for entry in result.reports:
        lang = entry["lang"]
        assert {f"{lang}/hello.pdf", f"{lang}/thumbs/hello.png", f"{lang}/images/hello/fixture_bar.png",
                f"{lang}/images/hello/fixture_bar-slide2x.png"} <= set(entry["outputs"])
        assert (tmp_path / lang / "hello.pdf").read_bytes()[:5] == b"%PDF-"
        assert entry["exports"]["rendered"] == 5  # files made: 2 charts x 2 sizes + the thumbnail
