"""Check notebook parameters against the notebook's ``parameters`` cell BEFORE anything runs.

papermill only warns about unknown names and never checks types, and it injects values by
printing them as Python source: a value of an unexpected type would be written with
``str()``, i.e. as code. So here:

- names must be declared in the ``parameters`` cell (else a close-match suggestion);
- values must be plain literals (str, int, float, bool, None, or lists of them);
- a value's type must match the default's type (or the annotation) in the cell;
- a parameter whose comment starts with a kind in brackets is resolved by that kind
  (:data:`KINDS`): ``country = "TUN"  # [country] ...`` takes "Maroc", "Morocco" or "المغرب"
  and injects "MAR"; ``[lang]``, ``[path]`` and ``[one of: a, b]`` likewise;
- the cell papermill would inject is parsed back with ``ast.literal_eval`` per assignment
  and must give back exactly the values passed (nothing in it is ever executed here).

Values come the papermill way: ``-p key value`` (or ``-p key=value``), ``-r key value`` (raw
string), ``-f params.yaml`` and ``-y 'yaml'`` (:func:`collect`).
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import safeyaml
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
    kind: str | None = None  # "country", "lang", "path", "one of" (the comment's [kind])
    choices: tuple[str, ...] = ()  # for "one of"

    @property
    def default_value(self) -> Any:
        try:
            return ast.literal_eval(self.default)
        except (ValueError, SyntaxError):
            return None


_KIND = re.compile(r"^\s*\[(?P<kind>[a-z ]+?)\s*(?::\s*(?P<arg>[^\]]*))?\]\s*")


def _kind_of(help_text: str) -> tuple[str | None, tuple[str, ...], str]:
    """``"[one of: a, b] what it is"`` -> ("one of", ("a", "b"), "what it is")."""
    m = _KIND.match(help_text or "")
    if not m:
        return None, (), help_text or ""
    choices = tuple(c.strip() for c in (m["arg"] or "").split(",") if c.strip())
    return m["kind"], choices, help_text[m.end():]


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
        kind, choices, help_text = _kind_of(p.get("help") or "")
        out[name] = Declared(name, typ, default, help_text, optional, kind, choices)
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
    """Validate ``params`` against ``declared`` and resolve their kinds; return the values to
    inject (``{"country": "MAR"}`` for "Maroc"). Raise ParameterError naming every problem."""
    problems = []
    resolved = dict(params)
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
            continue
        if decl.kind is not None:
            try:
                resolved[name] = resolve_kind(decl, value)
            except ValueError as exc:
                problems.append(f"parameter {name!r}: {exc}")
    if problems:
        raise ParameterError(f"{notebook}: " + "; ".join(problems))
    return resolved


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


# --- kinds: what a parameter's value means -------------------------------------------------

def _country(decl: Declared, value: Any) -> str:
    """An ISO3 code from any name or code the geo module knows, in fr, en or ar."""
    from ..geo import exact_iso3, suggestions

    if value == "" and decl.default_value == "":
        return ""  # the notebook's own "none" (e.g. flows of every participant)
    iso3 = exact_iso3(value)
    if iso3 is None:
        close = suggestions(value)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ValueError(f"{value!r} is not a country the package knows (ISO3 code, or a name in "
                         f"French, English or Arabic){hint}")
    return iso3


def _lang(decl: Declared, value: Any) -> str:
    from ..i18n import LANGS

    if value not in LANGS:
        raise ValueError(f"{value!r} is not a report language; choose from {', '.join(LANGS)}")
    return value


def _path(decl: Declared, value: Any) -> str:
    """An existing file, as an absolute path (the kernel runs in the notebook's folder);
    empty when the notebook's default is empty."""
    if value == "":
        return ""
    path = Path(str(value)).expanduser()
    if not path.is_file():
        raise ValueError(f"no such file: {value}")
    return str(path.resolve())


def _one_of(decl: Declared, value: Any) -> Any:
    if str(value) not in decl.choices:
        close = difflib.get_close_matches(str(value), list(decl.choices), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"{value!r} is not one of {', '.join(decl.choices)}{hint}")
    return value


#: Kinds a parameter can declare in its comment, ``name = default  # [kind] help``.
KINDS = {"country": _country, "lang": _lang, "path": _path, "one of": _one_of}


def resolve_kind(decl: Declared, value: Any) -> Any:
    """The value to inject for a parameter of a declared kind; ValueError saying why not."""
    resolver = KINDS.get(decl.kind or "")
    if resolver is None:
        raise ValueError(f"unknown kind [{decl.kind}] in the notebook (known: {', '.join(KINDS)})")
    return resolver(decl, value)


# --- values from the command line, the papermill way ----------------------------------------

def _scalar(name: str, raw: str) -> Any:
    """A value read as a YAML scalar, like papermill (``2020`` is an int, ``"0123"`` a string)."""
    if raw.strip() == "":
        return ""
    try:
        value = safeyaml.load(raw, f"parameter {name!r}")  # no aliases: a value cannot explode
    except (yaml.YAMLError, ValueError) as exc:
        raise ParameterError(f"parameter {name!r}: cannot read {raw!r} as a YAML value: {exc}") from None
    # YAML dates and mappings are not notebook literals: keep what the user typed as text
    return value if is_literal(value) else raw


def _pairs(items, what: str) -> list[tuple[str, str]]:
    """``[["country", "MAR"], ["lang=fr"]]`` (argparse groups) -> [("country", "MAR"), ("lang", "fr")]."""
    out = []
    for group in items or []:
        group = [group] if isinstance(group, str) else list(group)
        if len(group) == 1 and "=" in group[0]:
            name, _sep, raw = group[0].partition("=")
        elif len(group) == 2:
            name, raw = group
        else:
            raise ParameterError(f"{what} {' '.join(group)!r}: expected KEY VALUE or KEY=VALUE")
        name = name.strip()
        if not name.isidentifier():
            raise ParameterError(f"{what} {name!r}: KEY must be a Python name")
        out.append((name, raw))
    return out


def parse_cli(items) -> dict[str, Any]:
    """``-p`` values: ``["country=TUN", ["year", "2020"]]`` -> ``{"country": "TUN", "year": 2020}``.

    Values are read as YAML scalars, like papermill's ``-p``; an empty value is the empty
    string. Quote to force a string: ``-p code '"0123"'``.
    """
    return {name: _scalar(name, raw) for name, raw in _pairs(items, "parameter")}


def _mapping(data: Any, where: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ParameterError(f"{where}: expected a mapping of parameter names to values")
    return {k: (v if is_literal(v) else str(v)) for k, v in data.items()}


def read_file(path) -> dict[str, Any]:
    """``-f params.yaml``: a YAML mapping of parameter names to values (papermill's format)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read the parameters file: {exc.strerror or exc}") from None
    try:
        return _mapping(safeyaml.load(text, str(path)), str(path))
    except (yaml.YAMLError, ValueError) as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from None


def collect(*, p=None, r=None, f=None, y=None) -> dict[str, Any]:
    """All parameters given on a command line, in papermill's order of precedence: the file
    (``-f``), then the YAML string (``-y``), then ``-p`` values, then raw ``-r`` strings."""
    out: dict[str, Any] = {}
    for path in f or []:
        out.update(read_file(path))
    for text in y or []:
        try:
            out.update(_mapping(safeyaml.load(text, "-y"), "-y"))
        except (yaml.YAMLError, ValueError) as exc:
            raise ParameterError(f"-y: not valid YAML: {exc}") from None
    out.update(parse_cli(p))
    out.update({name: raw for name, raw in _pairs(r, "raw parameter")})
    return out
