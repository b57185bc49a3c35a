"""CLI targets: ``traffickstats report`` and ``traffickstats pack`` (parsing lives in cli.py)."""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path

from ..errors import OutputError, ParameterError
from . import parameters as params_mod


def _given(args) -> dict:
    """Every parameter of the command line: ``-f``, ``-y``, ``-p``, ``-r`` (papermill's order)."""
    return params_mod.collect(p=args.parameter, r=getattr(args, "raw", None),
                              f=getattr(args, "parameters_file", None), y=getattr(args, "parameters_yaml", None))


def default_output(notebook: Path, resolved: dict, declared: dict) -> Path:
    """``country_brief-MAR.fr.html``: the notebook, the values given (paths left out), the
    language; a second country does not overwrite the first."""
    lang = resolved.get("lang")
    if lang is None and "lang" in declared:
        lang = declared["lang"].default_value
    parts = [notebook.stem]
    for name, value in resolved.items():
        if name == "lang" or declared.get(name) is None or declared[name].kind == "path" or value in ("", None):
            continue
        parts.append(re.sub(r"[^A-Za-z0-9_.-]+", "_", str(value)).strip("_") or "x")
    return Path.cwd() / ("-".join(parts) + (f".{lang}" if lang else "") + ".html")


def with_cached_datasets(datasets: dict) -> dict:
    """Empty dataset parameters filled with the release ``traffickstats data fetch`` cached (its
    checksum still matching), each said on stderr; what the user passed always wins."""
    from ..loaders.fetch import DATASETS as FETCHABLE
    from ..loaders.fetch import cache_record, cached_dataset

    out = dict(datasets)
    for name, value in datasets.items():
        if value or name not in FETCHABLE:
            continue
        path = cached_dataset(name)
        if path is not None:
            out[name] = str(path)
            version = (cache_record(name) or {}).get("source_version") or "unknown"
            print(f"traffickstats: using the cached {name} release {version} ({path}); "
                  f"pass --{name} to use another file", file=sys.stderr)
    return out


def report(args) -> int:
    """``traffickstats report NOTEBOOK [-p KEY VALUE ...] [-f FILE] [-y YAML] [--out FILE]``.

    Parameters are checked and resolved before any kernel starts (nothing is written when
    they are refused). Prints the written path; a failed run prints its error and where the
    executed notebook was kept, and exits 1. ``--out x.pdf`` writes the print PDF.
    """
    from .runner import checked_parameters, render, render_pdf, resolve_notebook

    src = resolve_notebook(args.notebook)
    resolved, declared = checked_parameters(src, _given(args))
    cached = with_cached_datasets({k: resolved.get(k) or "" for k in ("glotip", "gsi") if k in declared})
    resolved.update({k: v for k, v in cached.items() if v})
    out = Path(args.out) if args.out else default_output(src, resolved, declared)
    if out.is_dir():
        raise OutputError(out, "is a folder; give a file name ending in .html or .pdf")
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise ParameterError(f"--out {out}: the file name must end in .html or .pdf")
    self_contained = not args.shared_assets
    if out.suffix.lower() == ".pdf":
        result = render_pdf(src, resolved, out)
    else:
        result = render(src, resolved, out, self_contained=self_contained)
    if not result.ok:
        print(f"traffickstats: report failed: {result.error}", file=sys.stderr)
        if result.executed:
            print(f"traffickstats: executed notebook kept for debugging: {result.executed}", file=sys.stderr)
        return 1
    print(result.outputs[0])
    return 0


def pack(args) -> int:
    """``traffickstats pack``: render a plan's reports; exit 1 if any report failed."""
    from .pack import parse_countries, parse_formats, render_pack
    from .plan import read_plan

    plan = read_plan(args.plan)
    extra = _given(args)
    if args.notebook:
        plan = plan.add(args.notebook, extra)
    elif extra:
        raise ParameterError("-p/-r/-f/-y parameters go with --notebook (the plan gives each report its own)")
    langs = tuple(lang.strip() for lang in args.lang.split(",") if lang.strip()) if args.lang else None
    # SIGTERM (a CI timeout, `kill`) stops the pack as Ctrl-C does: workers ended, manifest written
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    result = render_pack(
        args.out,
        plan=plan,
        langs=langs,
        countries=parse_countries(args.countries),
        datasets=with_cached_datasets({"glotip": args.glotip, "ctdc": args.ctdc, "gsi": args.gsi,
                                       "names": getattr(args, "names", None)}),
        formats=parse_formats(args.formats),
        jobs=args.jobs,
        self_contained=args.self_contained,
        force=args.force,
    )
    skipped = sum(1 for r in result.reports if r.get("up_to_date"))
    ok = sum(1 for r in result.reports if r["status"] == "ok")
    print(f"{ok}/{len(result.reports)} reports ok ({skipped} up to date), index: {result.index}")
    for warning in result.warnings:
        print(f"traffickstats: warning: {warning}", file=sys.stderr)
    for r in result.failed:
        print(f"traffickstats: FAILED {r['output']}: {r['error']}", file=sys.stderr)
    return 1 if result.failed else 0


CHART_FORMATS = ("png", "svg", "html")


def chart(args) -> int:
    """``traffickstats chart FACT_OR_QUERY --format png|svg|html [--lang] [--out]``: one chart
    of the bundled data (the kind chosen from the rows, ``charts.pick``). PNG and SVG are
    the 1920x1080 slide (``charts.restyle``); HTML is the chart's own page, self-contained."""
    from .. import atomic
    from ..charts.pick import chart as pick_chart

    fmt = args.format
    fig = pick_chart(args.query, lang=args.lang)
    name = fig.layout.meta["traffickstats"]["name"]
    out = Path(args.out) if args.out else Path.cwd() / f"{name}.{fmt}"
    if out.suffix.lower() != f".{fmt}":
        raise ParameterError(f"--out {out}: with --format {fmt} the file name must end in .{fmt}")
    if fmt == "html":
        from .embed import page

        atomic.write_text(out, page(fig.to_dict()))
    else:
        from ..charts.export import SIZES, export_figures
        from ..charts.restyle import for_slide

        written = export_figures({out.stem: for_slide(fig)}, out.parent, [fmt], sizes=SIZES[:1])
        if written[0].resolve() != out.resolve():  # a name export_figures had to sanitise
            written[0].replace(out)
    print(out)
    return 0
