"""CLI targets: ``traffickstats report`` and ``traffickstats pack`` (parsing lives in cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import parameters as params_mod


def report(args) -> int:
    """``traffickstats report NOTEBOOK [-p key=value ...] [--out FILE] [--self-contained]``.

    Prints the HTML path on stdout; a failed run prints its error and where the executed
    notebook was kept, and exits 1. Bad parameters fail before any kernel starts.
    """
    from .runner import render, resolve_notebook

    src = resolve_notebook(args.notebook)
    params = params_mod.parse_cli(args.parameter)
    out = Path(args.out) if args.out else Path.cwd() / f"{src.stem}.html"
    result = render(src, params, out, self_contained=args.self_contained)
    if not result.ok:
        print(f"traffickstats: report failed: {result.error}", file=sys.stderr)
        if result.executed:
            print(f"traffickstats: executed notebook kept for debugging: {result.executed}", file=sys.stderr)
        return 1
    print(result.outputs[0])
    return 0


def pack(args) -> int:
    """``traffickstats pack``: render the conference pack; exit 1 if any report failed."""
    from .pack import parse_countries, parse_formats, render_pack

    langs = tuple(lang.strip() for lang in args.lang.split(",") if lang.strip())
    result = render_pack(
        args.out,
        langs=langs,
        countries=parse_countries(args.countries),
        datasets={"glotip": args.glotip, "ctdc": args.ctdc, "gsi": args.gsi,
                  "names": getattr(args, "names", None)},
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
