"""``traffickstats data harmonize``: list a dataset's unresolved country labels and write them
to a names file for review (the model is OWID's ``etl harmonize``).

1. The dataset is read as ``data validate`` reads it, with the names file given (``--names``,
   or the ``--out`` file when it exists: the committed mapping is the starting point).
2. Every country or citizenship label that neither the names file, the reviewed mapping
   shipped for the dataset nor the geography tables resolve is listed with its column, its
   number of rows, its first row and up to five ranked suggestions (score 0-1).
3. With ``--out FILE`` the labels are added to the names file as *pending* lines (``iso3``
   empty, suggestions filled in): a person writes the ISO3 code or ``not a country``, their
   name and the date, and passes the file to ``data validate`` / ``load`` / ``pack`` with
   ``--names``. Existing lines are kept as they are. Nothing is ever decided here: a
   suggestion, however close, is not an answer.
4. Warnings go both ways: labels of the dataset missing from the mapping (the list), and
   mapping lines this dataset does not use.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..geo import name_key, ranked_suggestions
from ..geo.namesfile import COLUMNS, read_lines, read_names, write_names
from . import load

__all__ = ["harmonize", "run"]


def harmonize(path, *, format: str = "auto", mapping=None, names=None, out=None) -> dict:  # noqa: A002
    """Unresolved labels of ``path`` with suggestions; with ``out``, pending lines added there.

    Returns ``{"unresolved": [...], "unused": [...], "pending": [...], "written": path|None,
    "added": n}``.
    """
    out = Path(out) if out else None
    if names is None and out is not None and out.exists():
        names = out
    names_obj = read_names(names) if names is not None else None
    result = load(path, format=format, mapping=mapping, names=names_obj)
    unresolved = []
    for u in result.unresolved:
        sugg = ranked_suggestions(u["label"], 5)
        unresolved.append({**u, "suggestions": [{"iso3": i, "name": n, "score": s} for i, n, s in sugg]})
    w = result.warnings
    unused = ([] if not len(w) else
              w.loc[(w["column"] == "names file") & w["warning"].str.contains("not used"), "raw_value"].tolist())
    report = {"path": str(path), "format": result.format, "names": str(names) if names else None,
              "unresolved": unresolved, "unused": unused,
              "pending": list(names_obj.pending) if names_obj else [], "written": None, "added": 0}
    if out is not None:
        comments, lines = read_lines(out) if out.exists() else ([], [])
        known = {name_key(x.get("label", "")) for x in lines}
        added = 0
        for u in unresolved:
            if name_key(u["label"]) in known:
                continue
            known.add(name_key(u["label"]))
            lines.append({"label": u["label"], "iso3": "", "reviewer": "", "date": "",
                          "note": f"{result.format} column {u['column']}, {u['rows']} rows, first row {u['first_row']}",
                          "suggestions": "; ".join(f"{s['iso3']} {s['name']} ({s['score']:.2f})"
                                                   for s in u["suggestions"])})
            added += 1
        if not comments:
            comments = ["# traffickstats names file: fill iso3 (ISO3 code or 'not a country'), reviewer and "
                        "date (YYYY-MM-DD) for each pending line; see `traffickstats data harmonize --help`"]
        write_names(out, [{c: x.get(c, "") for c in COLUMNS} for x in lines], comments)
        report.update(written=str(out), added=added)
    return report


def run(args) -> int:
    """CLI target of ``traffickstats data harmonize``."""
    report = harmonize(args.path, format=args.format, mapping=args.mapping, names=args.names, out=args.out)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=False)
    if report["unresolved"]:
        table = Table(title=f"{report['path']} ({report['format']}): {len(report['unresolved'])} unresolved labels",
                      title_justify="left")
        for col in ("label", "column", "rows", "first row", "suggestions (score)"):
            table.add_column(col)
        for u in report["unresolved"]:
            table.add_row(u["label"], u["column"], f"{u['rows']:,}", str(u["first_row"]),
                          "; ".join(f"{s['iso3']} {s['name']} ({s['score']:.2f})" for s in u["suggestions"]) or "—")
        console.print(table)
    else:
        print(f"{report['path']} ({report['format']}): every country label resolves")
    for label in report["unused"]:
        print(f"warning: names file line {label!r} is not used by this dataset")
    if report["pending"]:
        print(f"{len(report['pending'])} pending lines in the names file have no effect until reviewed")
    if report["written"]:
        print(f"{report['added']} pending lines added to {report['written']}: fill iso3, reviewer and date, "
              f"then pass it with --names")
    return 0
