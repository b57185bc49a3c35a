"""Deferred imports: a dependency of a dependency whose import cost buys nothing here.

``jsonschema``, which nbformat (hence papermill, every pack worker and the plan check) imports,
imports ``rfc3987_syntax`` as it loads whenever that package is installed, and JupyterLab
installs it (``make lab``: jupyter-events requires ``jsonschema[format-nongpl]``). Importing it
compiles some forty lark grammars: about 1.1 s in every process that reads a notebook, for the
``"iri"`` format check that no notebook schema uses. Without it installed, nothing is done.

:func:`install` puts a stand-in module in its place. The stand-in has the module's real spec;
its ``is_valid_syntax`` (the one name jsonschema takes) and any other attribute import the real
module on first use, so behaviour is unchanged and only the cost moves to the first IRI checked.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

#: Modules loaded on first use rather than when imported.
DEFERRED = ("rfc3987_syntax",)


def _real(name: str) -> types.ModuleType:
    """Import the real module in place of its stand-in (kept if the import fails)."""
    module = sys.modules.get(name)
    if isinstance(module, _StandIn):
        del sys.modules[name]
        try:
            return importlib.import_module(name)
        except BaseException:
            sys.modules[name] = module
            raise
    return importlib.import_module(name)


class _StandIn(types.ModuleType):
    """A module that imports the real one at its first attribute read."""

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return getattr(_real(self.__name__), attr)


def _is_valid_syntax(*args, **kwargs):
    return _real("rfc3987_syntax").is_valid_syntax(*args, **kwargs)


def install() -> None:
    """Stand in for each module of :data:`DEFERRED` that is installed and not yet imported."""
    for name in DEFERRED:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:  # not installed: jsonschema's own ImportError path applies
            continue
        stand_in = _StandIn(name, "stand-in until first use (traffickstats.deferred)")
        stand_in.__spec__ = spec
        stand_in.__file__ = spec.origin
        stand_in.is_valid_syntax = _is_valid_syntax
        sys.modules[name] = stand_in
