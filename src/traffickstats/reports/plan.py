"""A pack's plan as data: which notebooks to render, with which parameters, in which languages.

The conference plan ships beside the notebooks (``notebooks/conference.yaml``); a user's plan
has the same shape::

    languages: [fr, en]
    reports:
      - notebook: global_overview            # a name in notebooks/ or a path (.py / .ipynb)
      - notebook: flows
        parameters: {region: mediterranean}
      - notebook: country_brief
        each: {country: [TUN, MAR]}          # one report per value
      - notebook: ./my_analysis.py           # a path: relative to the plan file
        output: my_analysis                  # optional file name (without language or suffix)

Each report is rendered once per language when its notebook declares a ``lang`` parameter,
into ``<lang>/<name>.html`` where ``name`` is the notebook's stem and the ``each`` values
(``country_brief-TUN``); a notebook without ``lang`` is rendered once, into ``<name>.html``.
This module knows no briefing: only notebooks, parameters and file names.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import safeyaml
from ..errors import ParameterError
from ..paths import notebooks_dir

#: The plan the CLI renders when none is given.
DEFAULT_PLAN = "conference.yaml"

_PLAN_KEYS = {"title", "languages", "reports"}
_REPORT_KEYS = {"notebook", "parameters", "each", "output"}


@dataclass(frozen=True)
class ReportSpec:
    """One report to render: a notebook (name or path), its parameters, its output path."""

    notebook: str
    parameters: dict = field(default_factory=dict)
    output: str = ""  # relative to the pack folder, e.g. "fr/country_brief-TUN.html"
    title: str = ""

    @property
    def lang(self) -> str | None:
        lang = self.parameters.get("lang")
        return str(lang) if lang else None


@dataclass(frozen=True)
class PlanEntry:
    notebook: str
    parameters: dict = field(default_factory=dict)
    each: dict = field(default_factory=dict)
    output: str | None = None


@dataclass(frozen=True)
class Plan:
    """A parsed plan: its languages and entries (each maybe expanding to several reports)."""

    languages: tuple[str, ...]
    reports: tuple[PlanEntry, ...]
    path: Path | None = None

    def add(self, notebook: str, parameters: dict | None = None) -> Plan:
        """This plan plus one report (``pack --notebook my.py -p key value``)."""
        entry = PlanEntry(str(notebook), dict(parameters or {}))
        return Plan(self.languages, self.reports + (entry,), self.path)


def default_plan_path() -> Path:
    return notebooks_dir() / DEFAULT_PLAN


def _fail(path, message: str) -> ParameterError:
    return ParameterError(f"{path}: {message}")


def read_plan(path: str | Path | None = None) -> Plan:
    """Read and check a plan file (default: the shipped conference plan)."""
    path = Path(path) if path else default_plan_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(path, f"cannot read the plan: {exc.strerror or exc}") from None
    try:
        data = safeyaml.load(text, str(path))
    except (yaml.YAMLError, ValueError) as exc:
        raise _fail(path, f"not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict) or not isinstance(data.get("reports"), list) or not data["reports"]:
        raise _fail(path, "a plan is a mapping with a non-empty 'reports' list")
    unknown = set(data) - _PLAN_KEYS
    if unknown:
        raise _fail(path, f"unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                          f"(expected: {', '.join(sorted(_PLAN_KEYS))})")
    languages = data.get("languages") or ["fr"]
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise _fail(path, "'languages' is a list such as [fr, en, ar]")
    entries = []
    for i, item in enumerate(data["reports"], start=1):
        where = f"reports[{i}]"
        if isinstance(item, str):
            item = {"notebook": item}
        if not isinstance(item, dict) or not isinstance(item.get("notebook"), str):
            raise _fail(path, f"{where}: each report needs a 'notebook' (a name or a path)")
        unknown = set(item) - _REPORT_KEYS
        if unknown:
            raise _fail(path, f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                              f"(expected: {', '.join(sorted(_REPORT_KEYS))})")
        params, each = item.get("parameters") or {}, item.get("each") or {}
        if not isinstance(params, dict) or not isinstance(each, dict):
            raise _fail(path, f"{where}: 'parameters' and 'each' are mappings")
        for name, values in each.items():
            if not isinstance(values, list) or not values:
                raise _fail(path, f"{where}: each.{name} is a non-empty list of values")
        notebook = item["notebook"]
        if ("/" in notebook or notebook.endswith((".py", ".ipynb"))) and not Path(notebook).is_absolute():
            notebook = str((path.parent / notebook).resolve())
        output = item.get("output")
        if output is not None and (not isinstance(output, str) or not re.fullmatch(r"[\w.-]+", output)):
            raise _fail(path, f"{where}: output is a plain file name (letters, digits, - _ .)")
        entries.append(PlanEntry(notebook, dict(params), dict(each), output))
    return Plan(tuple(languages), tuple(entries), path)


def _slug(value) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(value)).strip("_") or "x"


def expand(plan: Plan, *, langs=None, each: dict | None = None, shared: dict | None = None,
           declares=None) -> list[ReportSpec]:
    """The reports of ``plan``: ``langs`` replaces the plan's languages; ``each`` replaces
    the values of an ``each`` parameter (``{"country": [...]}`` from ``--countries``);
    ``shared`` parameters (datasets) go to every notebook that declares them.

    ``declares(notebook) -> set of parameter names`` tells which parameters a notebook takes.
    """
    langs = tuple(langs) if langs else plan.languages
    per_lang, once = [], []  # (notebook, name, parameters)
    for entry in plan.reports:
        names = declares(entry.notebook)
        base = dict(entry.parameters)
        base.update({k: v for k, v in (shared or {}).items() if k in names and v and k not in base})
        axes = {k: list((each or {}).get(k, v)) for k, v in entry.each.items()}
        stem = entry.output or Path(entry.notebook).stem
        for combo in itertools.product(*axes.values()) if axes else [()]:
            report = (entry.notebook, "-".join([stem, *(_slug(v) for v in combo)]), {**base, **dict(zip(axes, combo))})
            (per_lang if "lang" in names else once).append(report)
    specs = [ReportSpec(nb, {**params, "lang": lang}, f"{lang}/{name}.html")
             for lang in langs for nb, name, params in per_lang]
    specs += [ReportSpec(nb, params, f"{name}.html") for nb, name, params in once]
    seen = {}
    for s in specs:
        if s.output in seen:
            raise ParameterError(f"two reports of the plan write {s.output} ({seen[s.output]} and {s.notebook}): "
                                 "give one an 'output' name")
        seen[s.output] = s.notebook
    return specs
