"""The pack: manifest, index, failure isolation, up-to-date skips, self-contained files.

Most tests use the tiny fixture notebooks in tests/notebooks/ (hand-written test input);
one renders the real notebooks for a single country and language.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from traffickstats import cli
from traffickstats.reports import pack
from traffickstats.reports.pack import ReportSpec, render_pack

HERE = Path(__file__).parent
HELLO = str(HERE / "notebooks" / "hello.py")
BOOM = str(HERE / "notebooks" / "boom.py")



def write_plan(folder: Path, *reports: str, languages=("fr", "en")) -> Path:
    """A user's plan file (YAML), written for the test."""
    path = folder / "plan.yaml"
    path.write_text("languages: [" + ", ".join(languages) + "]\nreports:\n" + "".join(reports), encoding="utf-8")
    return path


def test_default_plan_is_36_reports_in_three_languages_with_agreed_names():
    specs = pack.plan_reports()
    assert len(specs) == 36
    names = [s.output for s in specs]
    assert "fr/country_brief-TUN.html" in names and "en/country_brief-CHE.html" in names
    assert names[3:12] == [f"fr/country_brief-{c}.html" for c in
                           ("TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE")]
    assert {s.parameters["lang"] for s in specs} == {"fr", "en", "ar"}
    assert "ar/country_brief-TUN.html" in names and "ar/flows.html" in names
    only = pack.plan_reports(langs=("ar",), countries=("MAR",), datasets={"glotip": HELLO})
    assert [s.output for s in only] == ["ar/global_overview.html", "ar/mediterranean_brief.html", "ar/flows.html",
                                        "ar/country_brief-MAR.html"]
    assert all(s.parameters["glotip"] == HELLO for s in only)  # datasets reach notebooks that take them


def test_a_plan_with_a_bad_parameter_is_refused_before_anything_runs(tmp_path):
    plan = write_plan(tmp_path, f"  - notebook: {HELLO}\n    parameters: {{cuont: 3}}\n")
    status = cli.main(["pack", "--plan", str(plan), "--out", str(tmp_path / "out")])
    assert status == 1 and not (tmp_path / "out").exists()
    bad = write_plan(tmp_path, "  - notebok: hello\n")
    with pytest.raises(Exception, match=r"reports\[1\]: each report needs a 'notebook'"):
        pack.plan_reports(bad)


def test_a_dataset_of_the_wrong_kind_is_refused_before_anything_runs_without_a_mapping_hint(tmp_path, capsys):
    """pack has no --mapping: a generic table given as --gsi (or as a plan's gsi parameter) is
    refused in one line naming the file and the formats pack reads, before any kernel."""
    table = tmp_path / "victims.csv"  # GENERATED: a generic table, not a Walk Free file
    table.write_text("Pays;Année;Victimes\nTunisie;2021;12\n", encoding="utf-8")
    out = tmp_path / "out"
    status = cli.main(["pack", "--out", str(out), "--countries", "TUN", "--lang", "fr", "--formats", "html",
                       "--gsi", str(table)])
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1 and "--mapping" not in err, err
    assert err.startswith(f"traffickstats: error: {table}: the gsi dataset (--gsi) expects a Walk Free GSI")
    assert "reads as a table of another kind" in err
    assert not (out / "fr").exists()  # nothing rendered
    plan = write_plan(tmp_path, "  - notebook: country_brief\n    parameters: {country: TUN, gsi: " + str(table) + "}\n",
                      languages=("fr",))
    assert cli.main(["pack", "--plan", str(plan), "--out", str(out), "--formats", "html"]) == 1
    err = capsys.readouterr().err
    assert "the gsi dataset (--gsi) expects" in err and "--mapping" not in err


def test_a_notebook_reads_a_dataset_as_the_format_its_parameter_names(tmp_path):
    """Inside a kernel too (a report run by hand): the loader of that format words the refusal."""
    from traffickstats.briefing import Report
    from traffickstats.errors import DataFileError

    table = tmp_path / "victims.csv"  # GENERATED: a generic table
    table.write_text("Pays;Année;Victimes\nTunisie;2021;12\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        Report.open("test", lang="fr", gsi=str(table))
    assert "not a GSI country table" in str(err.value) and "--mapping" not in str(err.value)


@pytest.fixture(scope="module")
def failing_pack(tmp_path_factory):
    """`traffickstats pack --plan` on a user's plan: one good and one failing notebook (run 3 times)."""
    out = tmp_path_factory.mktemp("pack")
    plan = write_plan(out.parent, f"  - notebook: {HELLO}\n    parameters: {{name: 'Tunis & <Sfax>'}}\n",
                      f"  - notebook: {BOOM}\n")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRAFFICKSTATS_NO_PROGRESS", "1")
    argv = ["pack", "--plan", str(plan), "--out", str(out), "--formats", "html,png", "--jobs", "2"]
    try:
        status = cli.main(argv)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        mtime = (out / "fr" / "hello.html").stat().st_mtime_ns
        status2 = cli.main(argv)
        manifest2 = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        mtime2 = (out / "fr" / "hello.html").stat().st_mtime_ns
        status3 = cli.main(argv + ["--force"])
        manifest3 = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    finally:
        mp.undo()
    return {"out": out, "status": (status, status2, status3), "manifests": (manifest, manifest2, manifest3),
            "mtimes": (mtime, mtime2)}


def _by_output(manifest):
    return {r["output"]: r for r in manifest["reports"]}


@pytest.mark.slow
def test_one_failure_does_not_stop_the_others_and_exit_is_nonzero(failing_pack):
    assert failing_pack["status"][0] == 1
    reports = _by_output(failing_pack["manifests"][0])
    assert reports["fr/hello.html"]["status"] == "ok"
    boom = reports["en/boom.html"]
    assert boom["status"] == "failed"
    assert boom["error"].startswith("RuntimeError: deliberate failure <script>")
    assert boom["outputs"] == []
    assert boom["executed"] == "en/boom.failed.ipynb" and (failing_pack["out"] / boom["executed"]).is_file()
    assert not (failing_pack["out"] / "en" / "boom.html").exists()


def test_default_jobs_one_per_core_and_one_more_for_html_only(monkeypatch):
    """An HTML-only pack runs a worker more than the cores (workers wait on their kernels);
    a pack that exports does not (its export pass fills those gaps)."""
    from traffickstats.reports.pack import default_jobs, parse_formats

    assert default_jobs(parse_formats("html"), cores=2) == 3
    for formats in ("html,png", "html,pdf", "html,pptx", "html,svg", "html,png,pdf,pptx"):
        assert default_jobs(parse_formats(formats), cores=2) == 2, formats
    monkeypatch.setattr("os.cpu_count", lambda: None)  # unknown core count: one worker (and one more)
    assert default_jobs(parse_formats("html")) == 2 and default_jobs(parse_formats("html,pdf")) == 1


@pytest.mark.slow
def test_manifest_fields(failing_pack):
    from traffickstats import __version__

    m = failing_pack["manifests"][0]
    assert m["package_version"] == __version__ and m["jobs"] == 2 and re.match(r"\d{4}-\d\d-\d\dT", m["created"])
    ok = _by_output(m)["fr/hello.html"]
    for key in ("notebook", "parameters", "outputs", "status", "error", "seconds", "inputs",
                "package_version", "run_id"):
        assert key in ok, key
    assert ok["notebook"] == str(Path(HELLO).resolve())
    assert ok["parameters"] == {"lang": "fr", "name": "Tunis & <Sfax>"}
    assert ok["outputs"][0] == "fr/hello.html" and ok["error"] is None and ok["seconds"] > 0
    assert re.fullmatch(r"[0-9a-f-]{36}", ok["run_id"])
    assert ok["inputs"]["notebook"] == pack.sha256_file(Path(HELLO))
    assert re.fullmatch(r"[0-9a-f]{64}", ok["inputs"]["bundled_data"])
    # png asked for: no export module yet, or images written; either way said in the manifest
    assert ok["figures"] == ["fixture_bar", "chart2"]
    if ok.get("thumbnail") is None:
        assert any("png" in w for w in ok["warnings"]) and ok["outputs"] == ["fr/hello.html"]
    else:  # one slide per named chart and a thumbnail of the first chart for the index
        assert ok["outputs"][1:] == ["fr/images/hello/fixture_bar.png", "fr/images/hello/fixture_bar-slide2x.png",
                                     "fr/images/hello/chart2.png", "fr/images/hello/chart2-slide2x.png",
                                     "fr/thumbs/hello.png"]
        assert ok["thumbnail"] == "fr/thumbs/hello.png"
        assert all((failing_pack["out"] / o).read_bytes()[:4] == b"\x89PNG" for o in ok["outputs"][1:])


@pytest.mark.slow
def test_index_links_and_escaping(failing_pack):
    html = (failing_pack["out"] / "index.html").read_text(encoding="utf-8")
    en = (failing_pack["out"] / "index.en.html").read_text(encoding="utf-8")
    # one page per language, each with the switch to the other
    assert '<html lang="fr" dir="ltr">' in html and "Dossier de la conférence" in html
    assert '<html lang="en" dir="ltr">' in en and "Conference pack" in en
    assert 'href="index.en.html"' in html and 'href="index.html"' in en
    assert 'href="fr/hello.html"' in html and "en/boom" not in html
    assert "Fixture Tunis &amp; &lt;Sfax&gt;" in html and "<Sfax>" not in html
    # no internal ids or parameters on the cards
    assert "name=&#x27;" not in html and "hello.py" not in html
    # the failing report is listed with its error, escaped; the failed notebook is linked
    assert "deliberate failure &lt;script&gt;alert(1)&lt;/script&gt;" in en
    assert "<script>alert(1)" not in en
    assert 'href="en/boom.failed.ipynb"' in en
    for page in (html, en):
        assert re.search(r"<script", page) is None


@pytest.mark.slow
def test_rerun_skips_up_to_date_and_force_rerenders(failing_pack):
    s1, s2, s3 = failing_pack["status"]
    m1, m2, m3 = (_by_output(m) for m in failing_pack["manifests"])
    assert s2 == 1  # the failed one is retried (and fails again)
    assert m2["fr/hello.html"]["up_to_date"] is True
    assert m2["fr/hello.html"]["run_id"] == m1["fr/hello.html"]["run_id"]
    assert failing_pack["mtimes"][0] == failing_pack["mtimes"][1]
    assert m2["en/boom.html"]["up_to_date"] is False and m2["en/boom.html"]["status"] == "failed"
    assert m3["fr/hello.html"]["up_to_date"] is False
    assert m3["fr/hello.html"]["run_id"] != m1["fr/hello.html"]["run_id"]


@pytest.mark.slow
def test_changed_parameters_make_a_report_stale(tmp_path):
    spec = ReportSpec(HELLO, {"lang": "fr", "chart": False}, "fr/hello.html", "x")
    first = render_pack(tmp_path, reports=[spec], formats="html", jobs=1, progress=False)
    again = render_pack(tmp_path, reports=[spec], formats="html", jobs=1, progress=False)
    changed = render_pack(tmp_path, reports=[ReportSpec(HELLO, {"lang": "en", "chart": False}, "fr/hello.html", "x")],
                          formats="html", jobs=1, progress=False)
    assert first.ok and again.reports[0]["up_to_date"] and not changed.reports[0]["up_to_date"]
    entry = changed.reports[0]
    assert pack._up_to_date(entry, entry["key"], tmp_path)
    # the output file's existence is part of being up to date
    (tmp_path / "fr" / "hello.html").unlink()
    assert not pack._up_to_date(entry, entry["key"], tmp_path)


@pytest.mark.slow
def test_self_contained_pack_writes_single_files(tmp_path):
    res = render_pack(tmp_path, reports=[ReportSpec(HELLO, {"lang": "fr"}, "fr/hello.html", "x")],
                      formats="html", jobs=1, self_contained=True, progress=False)
    assert res.ok
    html = (tmp_path / "fr" / "hello.html").read_text(encoding="utf-8")
    assert re.search(r"<(script|link)[^>]*(src|href)=", html) is None
    assert "Plotly.newPlot" in html and not (tmp_path / "assets").exists()
    assert 'lang="fr"' in html and 'dir="ltr"' in html
    assert (tmp_path / "fr" / "hello.html").stat().st_size <= 6 * 1024 * 1024


@pytest.mark.slow
def test_a_users_notebook_joins_the_plan_from_the_command_line(tmp_path):
    plan = write_plan(tmp_path, f"  - notebook: {HELLO}\n    parameters: {{name: plan}}\n", languages=("fr",))
    out = tmp_path / "out"
    status = cli.main(["pack", "--plan", str(plan), "--notebook", str(Path(HELLO).with_name("fault_slow.py")),
                       "-p", "name", "ajout", "-p", "seconds=0", "--out", str(out), "--formats", "html", "--jobs", "1"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert status == 0, manifest
    by = _by_output(manifest)
    assert set(by) == {"fr/hello.html", "fr/fault_slow.html"}
    assert by["fr/fault_slow.html"]["parameters"] == {"name": "ajout", "seconds": 0, "lang": "fr"}
    assert "Fixture ajout" in (out / "fr" / "fault_slow.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_render_pack_from_a_script_without_the_main_guard_says_so(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "make_pack.py"
    script.write_text(
        "from traffickstats.reports.pack import ReportSpec, render_pack\n"
        f"render_pack({str(tmp_path / 'out')!r}, reports=[ReportSpec({HELLO!r}, {{'lang': 'fr'}}, 'fr/a.html'),"
        f" ReportSpec({HELLO!r}, {{'lang': 'en'}}, 'en/a.html')], formats='html', jobs=2, progress=False)\n",
        encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode != 0
    assert 'if __name__ == "__main__":' in proc.stderr and "make_pack.py" in proc.stderr


RERUN = """
import sys
from traffickstats import cli
status = cli.main(sys.argv[1:])
heavy = sorted(m for m in ("pandas", "jupytext", "papermill", "nbformat", "traffickstats.geo") if m in sys.modules)
print("IMPORTED", ",".join(heavy))
sys.exit(status)
"""


@pytest.mark.slow
def test_a_rerun_with_nothing_to_do_reuses_the_checked_plan(tmp_path):
    """The plan check (parameters cells, country names) is kept in the manifest under a key of
    everything it depends on: a rerun with nothing to do imports neither pandas nor the
    notebook machinery; a changed notebook or --force checks again."""
    import shutil
    import subprocess
    import sys

    notebook = tmp_path / "mine.py"
    shutil.copy(HELLO, notebook)
    plan = write_plan(tmp_path, f"  - notebook: {notebook}\n    parameters: {{name: Sfax}}\n", languages=("fr",))
    out = tmp_path / "out"

    def pack_run(*extra):
        res = subprocess.run([sys.executable, "-c", RERUN, "pack", "--plan", str(plan), "--out", str(out),
                              "--formats", "html", *extra], capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stderr[-3000:]
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return res.stdout.split("IMPORTED ")[1].strip(), manifest

    _, first = pack_run()
    imported, again = pack_run()
    assert imported == "" and again["plan"] == first["plan"]  # nothing heavy: the check was reused
    assert again["reports"][0]["up_to_date"] and again["plan"]["reports"][0]["parameters"]["name"] == "Sfax"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace('name = "monde"', 'name = "world"'),
                        encoding="utf-8")
    imported, changed = pack_run()
    assert "papermill" in imported and changed["plan"]["key"] != first["plan"]["key"]
    assert not changed["reports"][0]["up_to_date"]
    imported, forced = pack_run("--force")
    assert "papermill" in imported and forced["plan"]["key"] == changed["plan"]["key"]


@pytest.mark.slow
@pytest.mark.browser
def test_a_forced_rerun_keeps_the_unchanged_pictures_and_deck(tmp_path):
    """``--force`` renders the report again, but its charts are the same: the slides, the
    thumbnail and the deck are kept (same inode, same mtime), the manifest counts them reused."""
    spec = ReportSpec(HELLO, {"lang": "fr", "name": "Tunis"}, "fr/hello.html", "x")
    first = render_pack(tmp_path, reports=[spec], formats="html,png,pptx", jobs=1, progress=False)
    assert first.ok and first.reports[0]["exports"]["reused"] == 0
    media = [o for o in first.reports[0]["outputs"] if o.endswith((".png", ".pptx"))]
    assert len(media) == 6 and first.reports[0]["exports"]["rendered"] == 6  # 2 charts x 2 sizes, thumb, deck
    stamps = {o: ((tmp_path / o).stat().st_ino, (tmp_path / o).stat().st_mtime_ns) for o in media}
    again = render_pack(tmp_path, reports=[spec], formats="html,png,pptx", jobs=1, progress=False, force=True)
    entry = again.reports[0]
    assert entry["run_id"] != first.reports[0]["run_id"]  # the page was rendered again
    assert entry["exports"]["rendered"] == 0 and entry["exports"]["reused"] == 6
    assert {o: ((tmp_path / o).stat().st_ino, (tmp_path / o).stat().st_mtime_ns) for o in media} == stamps
    assert sorted(o for o in entry["outputs"] if o.endswith((".png", ".pptx"))) == sorted(media)
    # another name: the report's title changes, its charts do not: only the deck (title slide) is made again
    changed = render_pack(tmp_path, reports=[ReportSpec(HELLO, {"lang": "fr", "name": "Sfax"}, "fr/hello.html", "x")],
                          formats="html,png,pptx", jobs=1, progress=False)
    made = {o for o in media if ((tmp_path / o).stat().st_ino, (tmp_path / o).stat().st_mtime_ns) != stamps[o]}
    assert made == {"fr/hello.pptx"} and changed.reports[0]["exports"] == {**changed.reports[0]["exports"],
                                                                          "rendered": 1, "reused": 5}


@pytest.mark.slow
@pytest.mark.browser
def test_a_report_whose_exports_did_not_finish_is_made_again(tmp_path):
    """A pack stopped while a report's exports were queued leaves ``exports_pending`` on it in
    the manifest (written after each report): the next run does not take it as up to date."""
    spec = ReportSpec(HELLO, {"lang": "fr", "name": "Tunis"}, "fr/hello.html", "x")
    first = render_pack(tmp_path, reports=[spec], formats="html,png", jobs=1, progress=False)
    assert first.ok and "exports_pending" not in first.reports[0]
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    manifest["reports"][0]["exports_pending"] = 1  # as the pack wrote it before the pictures were made
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    again = render_pack(tmp_path, reports=[spec], formats="html,png", jobs=1, progress=False)
    assert again.reports[0]["up_to_date"] is False and again.reports[0]["run_id"] != first.reports[0]["run_id"]
    assert "fr/thumbs/hello.png" in again.reports[0]["outputs"]
