"""CLI targets of ``traffickstats data validate`` and ``traffickstats data fetch``.

``validate`` reads a dataset with :func:`traffickstats.loaders.check` (a generic table in
chunks, in bounded memory; the other formats with their loader) and reports what was
accepted and rejected: one JSON object with ``--json`` (the fields of
:meth:`LoadResult.summary`, names stable), else a short table. ``--rejects FILE`` writes the
rejected rows as CSV (temp file + rename, so a half-written file never appears; streamed
from the loader's reject log, text cells defused against spreadsheet formula injection). Exit 0
whenever the file was read, even with rejects; a file that cannot be read raises
``DataFileError`` and the CLI prints it on one line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import atomic, csvsafe

__all__ = ["validate", "fetch", "snapshot", "write_rejects"]


def write_rejects(rejects, path) -> Path:
    """Write rejects (a LoadResult's, streamed from its log, or a rejects table) as UTF-8 CSV,
    atomically (temp file in the same folder, then rename), with formula-leading text cells
    defused (:mod:`traffickstats.csvsafe`: a raw value "=HYPERLINK(...)" is written '=HYPERLINK(...))."""
    from .result import REJECT_COLUMNS, LoadResult

    rows = rejects.iter_rejects() if isinstance(rejects, LoadResult) else \
        rejects[REJECT_COLUMNS].itertuples(index=False, name=None)
    with atomic.replacing(Path(path)) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            out = csvsafe.writer(fh)
            out.writerow(REJECT_COLUMNS)
            for row in rows:
                out.writerow(["" if v is None or (isinstance(v, float) and v != v) else v for v in row])
    return Path(path)


def _print_summary(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{summary['path']} ({summary['format']}, version {summary['source_version'] or 'unknown'})",
                  show_header=False, title_justify="left")
    for key in ("rows_read", "accepted", "rejected", "censored", "observations", "warnings"):
        table.add_row(key.replace("_", " "), f"{summary[key]:,}")
    for reason, n in list(summary["rejects_by_reason"].items())[:10]:
        table.add_row(f"  rejected: {reason}", f"{n:,}")
    Console(soft_wrap=False).print(table)


def validate(args) -> int:
    """``traffickstats data validate PATH [--format F] [--mapping FILE] [--names FILE] [--rejects FILE] [--json]``."""
    from . import check

    result = check(args.path, format=args.format, mapping=args.mapping, names=getattr(args, "names", None))
    summary = result.summary()
    if args.rejects:
        summary["rejects_file"] = str(write_rejects(result, args.rejects))
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, default=str))
    else:
        _print_summary(summary)
        if result.unresolved:
            print(f"{len(result.unresolved)} country labels not recognised (their rows are rejected): "
                  f"`traffickstats data harmonize {args.path} --out names.csv` lists them with suggestions")
        if args.rejects:
            print(f"rejected rows written to {summary['rejects_file']}")
    return 0


def fetch(args) -> int:
    """``traffickstats data fetch glotip|gsi|population [--url URL] [--json]``."""
    from .fetch import fetch_dataset

    record = fetch_dataset(args.dataset, url=args.url)
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        print(f"{record['dataset']}: {record['size']:,} bytes from {record['url']}\n"
              f"  saved to {record['path']} (sha256 {record['sha256'][:16]}…, version "
              f"{record['source_version'] or 'unknown'}; {record['accepted']:,} rows accepted, "
              f"{record['rejected']:,} rejected)", file=sys.stdout)
    return 0


def snapshot(args) -> int:
    """``traffickstats data snapshot glotip PATH [--out FOLDER] [--json]``."""
    from .snapshot import write_extract

    sidecar = write_extract(args.path, args.out)
    if args.json:
        print(json.dumps(sidecar, ensure_ascii=False))
    else:
        out = Path(args.out) if args.out else None
        from .snapshot import extract_dir

        folder = out or extract_dir()
        print(f"{sidecar['dataset']} release {sidecar['release'] or 'unknown'}: {sidecar['rows']:,} rows of "
              f"{sidecar['release_rows']['accepted']:,} accepted ({sidecar['release_rows']['rejected']:,} "
              f"rejected by the loader)\n  written to {folder / sidecar['file']} and {sidecar['file'][:-4]}.json "
              f"(original sha256 {sidecar['original']['sha256'][:16]}…)")
    return 0
