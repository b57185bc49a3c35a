"""``traffickstats.deferred``: jsonschema's optional IRI checker (``rfc3987_syntax``, installed
with jupyter) is not imported until an IRI is checked, and then checks as before.

Run in fresh interpreters: the test session has long imported both modules."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("rfc3987_syntax") is None,
                                reason="rfc3987_syntax is not installed here: there is nothing to defer")


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_nbformat_does_not_load_the_iri_grammars():
    got = _run("import sys, json, traffickstats, nbformat, papermill\n"
               "m = sys.modules.get('rfc3987_syntax')\n"
               "print(json.dumps({'kind': type(m).__name__, 'lark': 'lark' in sys.modules,"
               " 'spec': getattr(m.__spec__, 'name', None)}))")
    assert got == {"kind": "_StandIn", "lark": False, "spec": "rfc3987_syntax"}


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


def test_installing_twice_or_after_the_import_changes_nothing():
    got = _run("import sys, json, rfc3987_syntax, traffickstats\n"
               "from traffickstats import deferred\ndeferred.install(); deferred.install()\n"
               "print(json.dumps({'same': sys.modules['rfc3987_syntax'] is rfc3987_syntax}))")
    assert got == {"same": True}
