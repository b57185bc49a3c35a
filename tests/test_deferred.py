"""``traffickstats.deferred``: jsonschema's optional IRI checker (``rfc3987_syntax``, installed
with jupyter) is not imported until an IRI is checked, and then checks as before.

Run in fresh interpreters: the test session has long imported both modules."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

installed = pytest.mark.skipif(importlib.util.find_spec("rfc3987_syntax") is None,
                               reason="rfc3987_syntax is not installed here (JupyterLab brings it): "
                                      "the GENERATED stand-in package below tests the mechanism")


def _run(code: str, env: dict | None = None) -> dict:
    import os

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_generated_slow_package_is_imported_only_when_an_iri_is_checked(tmp_path):
    """A GENERATED package named rfc3987_syntax, first on the path, notes when it is imported:
    not by importing traffickstats and nbformat, but by the first IRI jsonschema checks, whose
    answer is the package's."""
    pkg = tmp_path / "rfc3987_syntax"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "import pathlib\n"
        f"pathlib.Path({str(tmp_path / 'imported')!r}).write_text('yes')\n"
        "def is_valid_syntax(term, value):\n    return term == 'iri' and ' ' not in value\n", encoding="utf-8")
    got = _run("import json, pathlib, sys, traffickstats, nbformat, jsonschema\n"
               f"marker = pathlib.Path({str(tmp_path / 'imported')!r})\n"
               "before = marker.exists()\n"
               "fc = jsonschema.FormatChecker()\n"
               "answers = [fc.conforms('http://a.example/x', 'iri'), fc.conforms('http://a b', 'iri')]\n"
               "print(json.dumps({'before': before, 'after': marker.exists(), 'answers': answers,"
               " 'kind': type(sys.modules['rfc3987_syntax']).__name__}))",
               env={"PYTHONPATH": str(tmp_path)})
    assert got == {"before": False, "after": True, "answers": [True, False], "kind": "module"}


@installed
def test_importing_nbformat_does_not_load_the_iri_grammars():
    got = _run("import sys, json, traffickstats, nbformat, papermill\n"
               "m = sys.modules.get('rfc3987_syntax')\n"
               "print(json.dumps({'kind': type(m).__name__, 'lark': 'lark' in sys.modules,"
               " 'spec': getattr(m.__spec__, 'name', None)}))")
    assert got == {"kind": "_StandIn", "lark": False, "spec": "rfc3987_syntax"}


@installed
def test_iri_checks_give_the_real_module_answers():
    code = ("import sys, json{pre}\nimport jsonschema\nfc = jsonschema.FormatChecker()\n"
            "iris = ['http://example.org/victimes-détectées', 'http://exa mple.org', 'urn:isbn:978', '//x y']\n"
            "print(json.dumps({{'answers': [fc.conforms(i, 'iri') for i in iris],"
            " 'real': type(sys.modules['rfc3987_syntax']).__name__}}))")
    deferred = _run(code.format(pre=", traffickstats"))
    plain = _run(code.format(pre=""))
    assert deferred["answers"] == plain["answers"]
    assert deferred["answers"][:2] == [True, False]
    assert deferred["real"] == "module"  # the first check imported the real module in its place


@installed
def test_installing_twice_or_after_the_import_changes_nothing():
    got = _run("import sys, json, rfc3987_syntax, traffickstats\n"
               "from traffickstats import deferred\ndeferred.install(); deferred.install()\n"
               "print(json.dumps({'same': sys.modules['rfc3987_syntax'] is rfc3987_syntax}))")
    assert got == {"same": True}
