"""Check notebook parameters against the notebook's ``parameters`` cell BEFORE anything runs.

papermill only warns about unknown names and never checks types, and it injects values by
printing them as Python source: a value of an unexpected type would be written with
``str()``, i.e. as code. So here:

- names must be declared in the ``parameters`` cell (else a close-match suggestion);
- values must be plain literals (str, int, float, bool, None, or lists of them);
- a value's type must match the default's type (or the annotation) in the cell;
- the cell papermill would inject is parsed back with ``ast.literal_eval`` per assignment
  and must give back exactly the values passed (nothing in it is ever executed here).
"""

from __future__ import annotations

import ast
import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import yamlfile
from ..errors import ParameterError

_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Declared:
    """One parameter as the notebook's ``parameters`` cell declares it."""

    name: str
    type: str | None  # "str", "int", "float", "bool", "list" or None (any literal)
    default: str  # the default as written in the cell (source text)
    help: str = ""
    optional: bool = False  # None is accepted (default None or Optional[...] annotation)


def _type_of_default(default_src: str) -> tuple[str | None, bool]:
    try:
        value = ast.literal_eval(default_src)
    except (ValueError, SyntaxError):
        return None, False  # an expression: accept any literal
    if value is None:
        return None, True
    return type(value).__name__ if type(value).__name__ in {"str", "int", "float", "bool", "list"} else None, False


def _type_of_annotation(annotation: str) -> tuple[str | None, bool]:
    ann = annotation.replace(" ", "")
    optional = ann.startswith(("Optional[", "typing.Optional[")) or "|None" in ann or "None|" in ann
    core = ann.split("[", 1)[1].rstrip("]") if ann.startswith(("Optional[", "typing.Optional[")) else ann
    core = core.replace("|None", "").replace("None|", "")
    base = core.split("[", 1)[0].lower()
    return (base if base in {"str", "int", "float", "bool", "list"} else None), optional


def declared_parameters(ipynb_path: Path) -> dict[str, Declared]:
    """The parameters of an .ipynb file, read with ``papermill.inspect_notebook``."""
    import papermill

    found = dict(papermill.inspect_notebook(str(ipynb_path)))
    # papermill's line regex skips some valid lines (e.g. an "=" in a comment): complete
    # its list from the cell's syntax tree so a declared name is never reported unknown
    for name, default in _assigned(ipynb_path).items():
        found.setdefault(name, {"name": name, "inferred_type_name": "None", "default": default, "help": ""})
    out = {}
    for name, p in found.items():
        default = str(p.get("default") or "")
        typ, optional = _type_of_default(default)
        annotation = p.get("inferred_type_name")
        if annotation and annotation != "None":
            ann_type, ann_optional = _type_of_annotation(annotation)
            typ, optional = ann_type or typ, optional or ann_optional
        out[name] = Declared(name, typ, default, p.get("help") or "", optional)
    return out


def _assigned(ipynb_path: Path) -> dict[str, str]:
    """``{name: default source}`` of the top-level assignments in the ``parameters`` cell."""
    import nbformat

    nb = nbformat.read(str(ipynb_path), as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        return {}
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return {}
    out = {}
    for stmt in tree.body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else (
            stmt.target if isinstance(stmt, ast.AnnAssign) and stmt.value is not None else None)
        if isinstance(target, ast.Name):
            out[target.id] = ast.get_source_segment(cell.source, stmt.value) or ""
    return out


def is_literal(value: Any) -> bool:
    """True for exact str/int/float/bool/None (finite floats) and lists of them.

    Exact types only: a subclass could change how papermill prints it into the notebook.
    """
    if type(value) in _SCALARS:
        return not (type(value) is float and not math.isfinite(value))
    if type(value) is list:
        return all(is_literal(v) for v in value)
    return False


def _matches(value: Any, decl: Declared) -> bool:
    if value is None:
        return decl.optional or decl.type is None
    if decl.type is None:
        return True
    kind = type(value)
    if decl.type == "float":
        return kind in (int, float)  # an int is a fine float; a bool is not
    return kind.__name__ == decl.type


def check(params: dict[str, Any], declared: dict[str, Declared], notebook: str) -> dict[str, Any]:
    """Validate ``params`` against ``declared``; raise ParameterError naming every problem."""
    problems = []
    for name, value in params.items():
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=3, cutoff=0.6)
            hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
            known = ", ".join(sorted(declared)) or "none"
            problems.append(f"unknown parameter {name!r}{hint}; the notebook declares: {known}")
            continue
        if not is_literal(value):
            problems.append(
                f"parameter {name!r}: {type(value).__name__} is not a plain literal "
                "(str, int, float, bool, None or a list of them); refusing to inject it"
            )
            continue
        decl = declared[name]
        if not _matches(value, decl):
            problems.append(
                f"parameter {name!r} expects {decl.type}{' or None' if decl.optional else ''} "
                f"(default {decl.default}), got {type(value).__name__} {value!r}"
            )
    if problems:
        raise ParameterError(f"{notebook}: " + "; ".join(problems))
    return dict(params)


def verify_injection(ipynb_path: Path, params: dict[str, Any], kernel_name: str, notebook: str) -> str:
    """Build the cell papermill will inject and prove it only assigns the given literals.

    Returns the injected source. Parsing uses ``ast``; nothing is evaluated but literals.
    """
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    if not params:
        return ""
    nb = load_notebook_node(str(ipynb_path))  # papermill's own reading (it adds cell tags)
    injected_nb = parameterize_notebook(nb, params, kernel_name=kernel_name, language="python")
    cells = [c for c in injected_nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    source = cells[0].source if cells else ""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{notebook}: injected parameters do not parse: {exc}") from None
    seen = {}
    for stmt in tree.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            raise ParameterError(f"{notebook}: injected parameters hold a statement that is not an assignment")
        try:
            seen[stmt.targets[0].id] = ast.literal_eval(stmt.value)
        except (ValueError, SyntaxError):
            raise ParameterError(
                f"{notebook}: parameter {stmt.targets[0].id!r} would be injected as code, not a literal"
            ) from None
    if seen != params:
        raise ParameterError(f"{notebook}: injected parameters differ from those given: {seen!r}")
    return source


def parse_cli(items: list[str]) -> dict[str, Any]:
    """``["country=TUN", "year=2020"]`` -> ``{"country": "TUN", "year": 2020}``.

    Values are read as YAML scalars, like ``papermill -y``; an empty value is the empty
    string. Quote to force a string: ``-p code='"0123"'``.
    """
    out = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ParameterError(f"parameter {item!r}: expected KEY=VALUE with KEY a Python name")
        if raw.strip() == "":
            out[name] = ""
            continue
        try:
            value = yamlfile.load_text(raw)  # safe, and no aliases: a -p value cannot explode
        except yaml.YAMLError as exc:
            raise ParameterError(f"parameter {name!r}: cannot read {raw!r} as a YAML value: {exc}") from None
        # YAML dates and mappings are not notebook literals: keep what the user typed as text
        out[name] = value if is_literal(value) else raw
    return out
