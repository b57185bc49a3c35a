"""Dataset loaders: each turns one publisher's file into canonical observations + rejects.

``load(path)`` detects the format from the file's content and dispatches:

=============  ==========================================  =====================================
format         loader                                      file
=============  ==========================================  =====================================
glotip         :func:`.glotip.load_glotip`                 UNODC GLOTIP ``data_glotip.xlsx``
ctdc           :func:`.ctdc.load_ctdc`                     CTDC case-level CSV (both schemas)
gsi            :func:`.gsi.load_gsi`                       Walk Free Global Slavery Index CSV
population     :func:`.population.load_population`         World Bank SP.POP.TOTL, UN WPP
csv            :func:`.usercsv.load_csv` (needs mapping)   any other CSV / Excel table + YAML
=============  ==========================================  =====================================

Every loader returns a :class:`LoadResult` with ``rows_read == accepted + rejected``.
``check(path)`` gives the same counts, rejects and review for ``data validate``; a generic
table is then checked in chunks without keeping its observation table (bounded memory).
Loaders are imported lazily so ``import traffickstats.loaders`` stays cheap.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import DataFileError, ParameterError
from .detect import FORMATS, detect_format, read_head

__all__ = ["load", "check", "detect_format", "FORMATS", "LoadResult", "REJECT_COLUMNS", "WARNING_COLUMNS",
           "load_glotip", "load_population", "load_ctdc", "load_gsi", "load_csv", "LOADERS"]

#: format -> "module:function" of its loader
LOADERS = {
    "glotip": "traffickstats.loaders.glotip:load_glotip",
    "ctdc": "traffickstats.loaders.ctdc:load_ctdc",
    "gsi": "traffickstats.loaders.gsi:load_gsi",
    "population": "traffickstats.loaders.population:load_population",
    "csv": "traffickstats.loaders.usercsv:load_csv",
}


def _loader(fmt: str):
    module, func = LOADERS[fmt].split(":")
    return getattr(importlib.import_module(module), func)


def load(path, format: str = "auto", mapping=None, names=None) -> LoadResult:  # noqa: A002 (CLI flag name)
    """Read ``path`` with the loader for ``format`` (``auto``: detected from the content).

    ``mapping`` (a YAML path or dict) is required for ``csv`` and only accepted there.
    ``names`` (a reviewed names file, path or :class:`traffickstats.geo.Names`) decides country
    and citizenship labels before the geography tables, for every format (``--names FILE``;
    ``traffickstats data harmonize`` writes one).
    Raises :class:`DataFileError` when the file cannot be read at all.
    """
    path, fmt, names = _dispatch(path, format, mapping, names)
    if fmt == "csv":
        return _loader("csv")(path, mapping, names=names)
    return _loader(fmt)(path, names=names)


def check(path, format: str = "auto", mapping=None, names=None) -> LoadResult:  # noqa: A002
    """What ``traffickstats data validate`` reports: :func:`load`'s counts, rejects and review.
    A generic table (``csv``) is checked in chunks without keeping its observation table
    (:func:`.usercsv.check_csv`: bounded memory, ``observations`` is None); the published
    formats are loaded."""
    path, fmt, names = _dispatch(path, format, mapping, names)
    if fmt == "csv":
        from .usercsv import check_csv

        return check_csv(path, mapping, names=names)
    return _loader(fmt)(path, names=names)


def _dispatch(path, format, mapping, names):  # noqa: A002
    """(path, format, names file) after the checks every format shares."""
    from ..geo.namesfile import Names, read_names  # here: `import traffickstats.loaders` stays cheap

    path = Path(path)
    if names is not None and not isinstance(names, Names):
        names = read_names(names)  # a bad names file fails before the dataset is read
    if format not in ("auto", *FORMATS):
        raise ParameterError(f"unknown format {format!r}: use auto, {', '.join(FORMATS)}")
    if format == "auto":
        fmt = detect_format(path, keep_sheet=True)
    else:
        read_head(path)  # the same one-line errors (missing, folder, empty) for every format
        fmt = format
    if fmt == "csv" and mapping is None:
        raise DataFileError(path, "not a GLOTIP, CTDC, GSI or population file: a generic table "
                                  "needs a YAML mapping (--mapping FILE)")
    if fmt != "csv" and mapping is not None:
        raise ParameterError(f"--mapping applies to generic tables only, not to format {fmt!r}")
    return path, fmt, names


def __getattr__(name: str):
    """Lazy re-exports: ``from traffickstats.loaders import load_glotip``."""
    by_func = {target.split(":")[1]: fmt for fmt, target in LOADERS.items()}
    if name in by_func:
        return _loader(by_func[name])
    if name in ("LoadResult", "REJECT_COLUMNS", "WARNING_COLUMNS"):  # pandas: only when asked for
        from . import result

        return getattr(result, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
