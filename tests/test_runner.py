"""The runner: parameters checked before anything runs, offline HTML, atomic writes.

Executes the tiny fixture notebooks in tests/notebooks/ (hand-written test input).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest

from traffickstats import cli
from traffickstats.errors import ParameterError
from traffickstats.reports import parameters
from traffickstats.reports.assets import plotly_version
from traffickstats.reports.runner import render

HERE = Path(__file__).parent
HELLO = HERE / "notebooks" / "hello.py"
REAL_NOTEBOOKS = HERE.parent / "notebooks"

EXTERNAL_SRC = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


def external_sources(html: str) -> list[str]:
    return EXTERNAL_SRC.findall(html)


# --- parameters: refused before any kernel starts -----------------------------------------

def test_unknown_parameter_is_refused_with_a_suggestion(tmp_path):
    t0 = time.perf_counter()
    with pytest.raises(ParameterError, match=r"unknown parameter 'cuont' \(did you mean 'count'\?\)"):
        render(HELLO, {"cuont": 3}, tmp_path / "out.html")
    assert time.perf_counter() - t0 < 15  # no kernel was started
    assert not any(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("params, message", [
    ({"count": "3"}, r"'count' expects int .*got str '3'"),
    ({"name": 5}, r"'name' expects str .*got int 5"),
    ({"fail": 1}, r"'fail' expects bool"),
    ({"count": True}, r"'count' expects int .*got bool"),
    ({"items": "a"}, r"'items' expects list"),
])
def test_type_mismatch_is_refused(tmp_path, params, message):
    with pytest.raises(ParameterError, match=message):
        render(HELLO, params, tmp_path / "out.html")
    assert not (tmp_path / "out.html").exists()


class Sneaky(str):
    """A str subclass could print itself differently: exact types only."""


@pytest.mark.parametrize("value", [object(), ("a",), {"a": 1}, Sneaky("x"), float("nan"), b"bytes"])
def test_non_literal_values_are_refused(tmp_path, value):
    with pytest.raises(ParameterError, match="not a plain literal"):
        render(HELLO, {"name": value}, tmp_path / "out.html")


def test_declared_types_accept_int_for_float_and_lists_of_literals(tmp_path):
    from traffickstats.reports.runner import prepare

    _, ipynb, _, _ = prepare(HELLO, {"ratio": 1, "items": ["x", 2, None]}, tmp_path)
    declared = parameters.declared_parameters(ipynb)
    assert {n: d.type for n, d in declared.items()} == {
        "lang": "str", "name": "str", "count": "int", "ratio": "float", "items": "list",
        "chart": "bool", "fail": "bool"}


def test_code_in_a_string_is_injected_as_a_string_only(tmp_path):
    from traffickstats.reports.runner import prepare

    evil = 'x"\nimport os; os.system("echo pwned")\n__import__(\'os\')'
    _, ipynb, _, _ = prepare(HELLO, {"name": evil}, tmp_path)
    source = parameters.verify_injection(ipynb, {"name": evil}, "python3", "hello.py")
    import ast

    tree = ast.parse(source)
    assert [type(s).__name__ for s in tree.body] == ["Assign"]
    assert ast.literal_eval(tree.body[0].value) == evil


def test_injection_check_rejects_what_papermill_would_write_as_code(tmp_path):
    # papermill writes a non-finite float as float('nan'): a call, not a literal
    from traffickstats.reports.runner import prepare

    _, ipynb, _, _ = prepare(HELLO, {}, tmp_path)
    with pytest.raises(ParameterError, match="injected as code"):
        parameters.verify_injection(ipynb, {"ratio": float("inf")}, "python3", "hello.py")


def test_cli_values_are_yaml_scalars():
    assert parameters.parse_cli(["country=TUN", "count=3", "ratio=0.5", "flag=true", "empty=",
                                 "items=[a, 1]", "quoted='3'", "date=2023-05-30"]) == {
        "country": "TUN", "count": 3, "ratio": 0.5, "flag": True, "empty": "",
        "items": ["a", 1], "quoted": "3", "date": "2023-05-30"}
    with pytest.raises(ParameterError, match="KEY=VALUE"):
        parameters.parse_cli(["novalue"])


def test_papermill_styles_of_giving_parameters(tmp_path):
    """-p KEY VALUE and -p KEY=VALUE, -r raw strings, -f a YAML file, -y a YAML string; later wins."""
    f = tmp_path / "params.yaml"
    f.write_text("name: fichier\ncount: 1\nratio: 0.25\n", encoding="utf-8")
    got = parameters.collect(p=[["count", "3"], ["items=[x, 2]"]], r=[["name", "007"]], f=[str(f)],
                             y=["{ratio: 0.75, chart: false}"])
    assert got == {"name": "007", "count": 3, "ratio": 0.75, "items": ["x", 2], "chart": False}
    with pytest.raises(ParameterError, match="KEY VALUE or KEY=VALUE"):
        parameters.collect(p=[["count", "3", "extra"]])
    aliases = tmp_path / "bomb.yaml"
    aliases.write_text("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="aliases"):
        parameters.collect(f=[str(aliases)])


def _declared(name: str):
    from traffickstats.reports.runner import checked_parameters

    return checked_parameters(name, {})[1]


@pytest.mark.parametrize("given", ["Maroc", "Morocco", "المغرب", "MAR", "mar", "MA"])
def test_country_parameter_takes_any_name_the_geo_module_knows(given):
    from traffickstats.reports.runner import checked_parameters

    resolved, _ = checked_parameters("country_brief", {"country": given})
    assert resolved["country"] == "MAR"


def test_misspelt_country_and_language_are_refused_with_suggestions():
    from traffickstats.reports.runner import checked_parameters

    with pytest.raises(ParameterError, match=r"'Marocco' is not a country .*did you mean .*\(MAR\)"):
        checked_parameters("country_brief", {"country": "Marocco"})
    with pytest.raises(ParameterError, match=r"'de' is not a report language; choose from fr, en, ar"):
        checked_parameters("country_brief", {"lang": "de"})
    with pytest.raises(ParameterError, match=r"'europe' is not one of mediterranean"):
        checked_parameters("flows", {"region": "europe"})
    with pytest.raises(ParameterError, match="no such file"):
        checked_parameters("flows", {"glotip": "/nonexistent/data_glotip.xlsx"})
    declared = _declared("country_brief")
    assert (declared["country"].kind, declared["lang"].kind, declared["glotip"].kind) == ("country", "lang", "path")


def test_cli_refusal_starts_nothing_and_leaves_no_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status = cli.main(["report", "country_brief", "-p", "country", "Marocco"])
    err = capsys.readouterr().err
    assert status == 1 and err.startswith("traffickstats: error:") and len(err.strip().splitlines()) == 1
    assert "did you mean" in err and "(MAR)" in err
    assert list(tmp_path.iterdir()) == []


def test_default_output_name_carries_the_parameters(tmp_path, monkeypatch):
    from traffickstats.reports.commands import default_output
    from traffickstats.reports.runner import checked_parameters, resolve_notebook

    monkeypatch.chdir(tmp_path)
    resolved, declared = checked_parameters("country_brief", {"country": "Maroc", "glotip": __file__})
    assert default_output(resolve_notebook("country_brief"), resolved, declared) == tmp_path / "country_brief-MAR.fr.html"
    resolved, declared = checked_parameters("country_brief", {"country": "Égypte", "lang": "ar"})
    assert default_output(resolve_notebook("country_brief"), resolved, declared).name == "country_brief-EGY.ar.html"
    resolved, declared = checked_parameters("global_overview", {})
    assert default_output(resolve_notebook("global_overview"), resolved, declared).name == "global_overview.fr.html"


def test_real_notebooks_declare_the_common_parameters():
    """papermill's line parser misses some lines; the declared set must still be complete."""
    import tempfile

    from traffickstats.reports.runner import prepare

    expected = {"lang": "str", "glotip": "str", "ctdc": "str", "gsi": "str", "names": "str"}
    extra = {"country_brief": {"country": "str"}, "flows": {"country": "str", "region": "str"}}
    for name in ("global_overview", "mediterranean_brief", "country_brief", "flows"):
        with tempfile.TemporaryDirectory() as work:
            _, ipynb, _, _ = prepare(name, {}, Path(work))
            declared = {n: d.type for n, d in parameters.declared_parameters(ipynb).items()}
        assert declared == {**expected, **extra.get(name, {})}, name


# --- rendering (executes the fixture notebook) --------------------------------------------

@pytest.fixture(scope="module")
def arabic_report(tmp_path_factory):
    """Rendered through the CLI: `traffickstats report hello.py -p ... --out ...`."""
    out = tmp_path_factory.mktemp("ar") / "hello-ar.html"
    status = cli.main(["report", str(HELLO), "-p", "lang=ar", "-p", "name=Tunis <b>&", "--out", str(out),
                       "--shared-assets"])
    assert status == 0
    return out


@pytest.mark.slow
def test_html_is_offline_rtl_and_without_code(arabic_report):
    html = arabic_report.read_text(encoding="utf-8")
    assert re.search(r'<html[^>]*\bdir="rtl"', html) and re.search(r'<html[^>]*\blang="ar"', html)
    assert external_sources(html) == []
    low = html.lower()
    for banned in ("require.js", "require.min.js", "mathjax", "cdn.", "cdnjs"):
        assert banned not in low, banned
    # code cells are not shown: neither their source nor editor markup nor prompts
    assert "briefing.title(" not in html and "jp-InputArea-editor" not in html and "In&nbsp;[" not in html
    # author notes (remove-cell) do not reach the page; stderr does not either
    assert "Fixture notebook for tests" not in html and "a warning on stderr" not in html
    assert "a line on stdout" in html
    # the parameter value came from the user: escaped in the page and its <title>
    assert "Tunis &lt;b&gt;&amp;" in html and "<b>&" not in html
    assert "<title>Fixture Tunis &lt;b&gt;&amp;</title>" in html


@pytest.mark.slow
def test_charts_and_plotly_loaded_once_from_the_shared_asset(arabic_report):
    html = arabic_report.read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
    # plotly.js once, then the offline map data; both shared files exist beside the report
    assert scripts == [f"assets/plotly-{plotly_version()}.min.js", "assets/topojson/world_110m.js"]
    assert all((arabic_report.parent / s).is_file() for s in scripts)
    # the mimebundle chart (text/html) and the bare fig.show() (plotly JSON only) both drawn
    assert html.count('class="plotly-graph-div"') == 2
    assert 'id="ts-fixture-chart"' in html
    assert html.count("Plotly.newPlot") == 2


@pytest.mark.slow
def test_footer_carries_parameters_run_id_version_and_date(arabic_report):
    html = arabic_report.read_text(encoding="utf-8")
    executed = nbformat.read(arabic_report.with_suffix(".ipynb"), as_version=4)
    run_id = Path(executed.metadata.papermill.output_path).stem
    assert re.fullmatch(r"[0-9a-f-]{36}", run_id)
    footer = html.split('<footer class="ts-footer">', 1)[1]
    assert run_id in footer
    assert "lang = &#x27;ar&#x27;" in footer or "lang = &#39;ar&#39;" in footer or "lang = 'ar'" in footer
    from traffickstats import __version__

    assert __version__ in footer and re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT", footer)
    assert executed.metadata.papermill.parameters == {"lang": "ar", "name": "Tunis <b>&"}


@pytest.mark.slow
def test_a_failed_run_leaves_the_previous_page_intact(tmp_path):
    out = tmp_path / "page.html"
    first = render(HELLO, {"lang": "fr"}, out)
    assert first.ok and first.outputs == [out.resolve()]
    before = out.read_bytes()
    second = render(HELLO, {"lang": "fr", "fail": True}, out)
    assert second.status == "failed"
    assert "ValueError: fixture failure <b>monde</b>" in second.error
    assert out.read_bytes() == before
    assert second.executed == out.resolve().with_name("page.failed.ipynb") and second.executed.is_file()
    assert second.run_id and second.run_id != first.run_id
    # no temporary files left behind
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    # a later success removes the stale failure notebook
    third = render(HELLO, {"lang": "fr"}, out)
    assert third.ok and not second.executed.exists()


def test_cli_report_refuses_bad_parameters(tmp_path, capsys):
    status = cli.main(["report", str(HELLO), "-p", "count=three", "--out", str(tmp_path / "x.html")])
    assert status == 1
    assert "'count' expects int" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_the_render_engine_imports_no_briefing_content():
    import subprocess
    import sys

    code = ("import sys, traffickstats.reports.pack, traffickstats.reports.commands; "
            "print(sorted(m for m in sys.modules if m.startswith('traffickstats.briefing')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

