"""The one command-line interface, ``traffickstats``.

Verbs (names and JSON/CSV fields are stable: users script against them):

  traffickstats data show      bundled observations (table / csv / json)
  traffickstats data validate  read a dataset, report accepted / rejected rows
  traffickstats data harmonize list a dataset's unresolved country labels, write a names file
  traffickstats data fetch     download an official release into the user cache
  traffickstats sources        the citations behind the bundled data
  traffickstats explain        where a figure ("21 millions") comes from and what it measures
  traffickstats report         render one briefing notebook to HTML or PDF
  traffickstats pack           render the whole conference pack (or any plan)

Each verb's work lives in the module named for its idea; this file only parses arguments
and turns a TraffickstatsError into one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import TraffickstatsError


def _handler(dotted: str):
    """Lazy import so `traffickstats sources` does not pay for plotly or papermill."""
    module, func = dotted.rsplit(":", 1)

    def run(args):
        return getattr(importlib.import_module(module), func)(args)

    return run


class _LazyEpilogParser(argparse.ArgumentParser):
    """A parser whose epilog is built only when help is shown (the schema import costs ~1 s,
    which every other command would otherwise pay)."""

    epilog_factory = None

    def format_help(self) -> str:
        if self.epilog is None and self.epilog_factory is not None:
            self.epilog = self.epilog_factory()
        return super().format_help()


def _schema_epilog() -> str:
    from .schema import field_docs

    lines = ["columns of the observation schema:"]
    for name, title, desc in field_docs():
        lines.append(f"  {name:13} {title}: {desc}")
    return "\n".join(lines)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _parameter_options(parser: argparse.ArgumentParser) -> None:
    """papermill's parameter options: -p KEY VALUE (or KEY=VALUE), -r, -f, -y."""
    parser.add_argument("-p", "--parameter", action="append", nargs="+", default=[], metavar="KEY VALUE",
                        help="notebook parameter: -p country MAR or -p country=MAR (repeatable); "
                             "values read as YAML scalars")
    parser.add_argument("-r", "--raw", action="append", nargs=2, default=[], metavar=("KEY", "VALUE"),
                        help="notebook parameter taken as a raw string (repeatable)")
    parser.add_argument("-f", "--parameters-file", action="append", default=[], metavar="FILE",
                        help="YAML file of parameters")
    parser.add_argument("-y", "--parameters-yaml", action="append", default=[], metavar="YAML",
                        help="parameters as a YAML string, e.g. '{country: MAR, lang: en}'")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="traffickstats",
        description="Sourced, comparable human-trafficking statistics and offline briefing reports.",
    )
    from . import __version__

    p.add_argument("--version", action="version", version=f"traffickstats {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    # -- data ------------------------------------------------------------------------
    data = sub.add_parser("data", help="bundled observations and datasets")
    dsub = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True,
                               parser_class=_LazyEpilogParser)

    show = dsub.add_parser(
        "show", help="print the bundled observations",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show.epilog_factory = _schema_epilog
    show.add_argument("--indicator", action="append", help="keep this indicator (repeatable)")
    show.add_argument("--geo", action="append", help="keep this geography: ISO3, name or region code")
    show.add_argument("--source", action="append", help="keep this source_id (repeatable)")
    show.add_argument("--fact", action="append", help="keep this fact_id (repeatable)")
    show.add_argument("--format", choices=["table", "csv", "json"], default="table")
    show.set_defaults(func=_handler("traffickstats.reference.commands:show"))

    val = dsub.add_parser("validate", help="read a dataset and report what was accepted and rejected")
    val.add_argument("path")
    val.add_argument("--format", default="auto",
                     choices=["auto", "glotip", "ctdc", "gsi", "population", "csv"])
    val.add_argument("--mapping", help="YAML mapping for a user CSV/Excel file")
    val.add_argument("--names", help="reviewed names file (CSV: label,iso3,reviewer,date,...) deciding "
                                     "country and citizenship labels; see `data harmonize`")
    val.add_argument("--rejects", help="write the rejected rows (CSV) to this file")
    val.add_argument("--json", action="store_true", help="print one JSON object")
    val.set_defaults(func=_handler("traffickstats.loaders.commands:validate"))

    har = dsub.add_parser(
        "harmonize", help="list a dataset's unresolved country / citizenship labels with suggestions "
                          "and write them to a names file for review",
        description="Lists the country and citizenship labels that no names file, shipped mapping or "
                    "geography table resolves, with ranked suggestions. With --out, adds them as pending "
                    "lines (iso3 empty) to a names file: fill iso3 (an ISO3 code or 'not a country'), "
                    "reviewer and date, then pass the file with --names to data validate or pack. An "
                    "existing --out file is the starting mapping; its lines are kept. Suggestions are "
                    "never applied by themselves.")
    har.add_argument("path")
    har.add_argument("--format", default="auto",
                     choices=["auto", "glotip", "ctdc", "gsi", "population", "csv"])
    har.add_argument("--mapping", help="YAML mapping for a user CSV/Excel file")
    har.add_argument("--names", help="names file to apply (default: the --out file when it exists)")
    har.add_argument("--out", help="names file to write (pending lines added, existing lines kept)")
    har.add_argument("--json", action="store_true", help="print one JSON object")
    har.set_defaults(func=_handler("traffickstats.loaders.harmonize:run"))

    fetch = dsub.add_parser("fetch", help="download an official release into the user cache")
    fetch.add_argument("dataset", choices=["glotip", "gsi", "population"])
    fetch.add_argument("--url", help="download from this address instead of the publisher's")
    fetch.add_argument("--json", action="store_true", help="print the cache record as JSON")
    fetch.set_defaults(func=_handler("traffickstats.loaders.commands:fetch"))

    snap = dsub.add_parser(
        "snapshot", help="derive the bundled extract from an official release",
        description="Read an official release with its loader and write the extract the pack ships "
        "(rows of the nine participants, plus what the flows need) and a JSON sidecar (release date, "
        "SHA-256 and size of the original file, citation and terms, row count). The same release "
        "always gives the same bytes.")
    snap.add_argument("dataset", choices=["glotip"])
    snap.add_argument("path", help="the release (data_glotip.xlsx)")
    snap.add_argument("--out", help="folder to write into (default: the bundled data/glotip)")
    snap.add_argument("--json", action="store_true", help="print the sidecar as JSON")
    snap.set_defaults(func=_handler("traffickstats.loaders.commands:snapshot"))

    # -- sources / explain -----------------------------------------------------------
    src = sub.add_parser("sources", help="print the citations behind the bundled data")
    src.add_argument("source_id", nargs="*", help="only these sources")
    src.add_argument("--format", choices=["table", "csv", "json"], default="table")
    src.set_defaults(func=_handler("traffickstats.reference.commands:sources"))

    exp = sub.add_parser("explain", help='where does a figure come from? e.g. explain "21 millions"')
    exp.add_argument("query", help='a figure as quoted ("21 millions", "US$150 billion") or a fact id')
    exp.add_argument("--lang", default="fr", choices=["fr", "en"])
    exp.add_argument("--json", action="store_true")
    exp.set_defaults(func=_handler("traffickstats.reference.commands:explain"))

    # -- reports ---------------------------------------------------------------------
    rep = sub.add_parser(
        "report", help="render one briefing notebook to HTML (or PDF)",
        description="Render one notebook. Parameters the papermill way: -p KEY VALUE (or "
        "-p KEY=VALUE), -r KEY VALUE (a raw string), -f params.yaml, -y 'YAML'; each is checked "
        "against the notebook's parameters cell before anything runs.")
    rep.add_argument("notebook", help="notebook name (e.g. country_brief) or path (.py / .ipynb)")
    _parameter_options(rep)
    rep.add_argument("--out", help="output file (.html or .pdf); default: <notebook>-<values>.<lang>.html "
                                   "in the current folder")
    assets_opt = rep.add_mutually_exclusive_group()
    assets_opt.add_argument("--shared-assets", action="store_true",
                            help="load plotly.js and map data from an assets/ folder beside the page "
                                 "(the pack's layout) instead of inlining them")
    assets_opt.add_argument("--self-contained", action="store_true",
                            help="inline plotly.js and map data (the default; kept for scripts)")
    rep.set_defaults(func=_handler("traffickstats.reports.commands:report"))

    ch = sub.add_parser(
        "chart", help="one chart of the bundled data (PNG/SVG slide or an HTML page)",
        description="Render one chart of the bundled observations: fact ids (ILO12-01 or "
        "ILO12-01,GLOTIP09-01) or a query of column=value terms (indicator=forced_labour "
        "geo_scheme=ilo2012 measure=estimate_stock; year=2021). The chart kind follows the rows.")
    ch.add_argument("query", help="fact id(s) or column=value terms")
    ch.add_argument("--format", choices=["png", "svg", "html"], default="png")
    ch.add_argument("--lang", choices=["fr", "en", "ar"], default="fr")
    ch.add_argument("--out", help="output file (default: <chart name>.<format> in the current folder)")
    ch.set_defaults(func=_handler("traffickstats.reports.commands:chart"))

    pack = sub.add_parser(
        "pack", help="render the conference pack (or any plan)",
        description="Render every report of a plan (default: the shipped conference plan) into "
        "one folder with an index and a manifest.")
    pack.add_argument("--out", default="reports")
    pack.add_argument("--plan", help="a plan file (YAML: languages, reports); default: the conference plan")
    pack.add_argument("--notebook", help="add one report to the plan (a notebook name or path); "
                                         "its parameters with -p/-r/-f/-y")
    _parameter_options(pack)
    pack.add_argument("--lang", default=None, help="languages, e.g. fr,en,ar (default: the plan's)")
    pack.add_argument("--countries", default="all", help="all or ISO3,ISO3,... (the plan's country lists)")
    pack.add_argument("--glotip")
    pack.add_argument("--ctdc")
    pack.add_argument("--gsi")
    pack.add_argument("--names", help="reviewed names file applied when the datasets are loaded")
    pack.add_argument("--formats", default="html,png,pdf,pptx",
                      help="any of html,png,svg,pdf,pptx (default: html,png,pdf,pptx)")
    pack.add_argument("--jobs", type=_positive_int, default=None, help="worker processes (default: cores, one more for --formats html)")
    pack.add_argument("--self-contained", action="store_true")
    pack.add_argument("--force", action="store_true", help="re-render even up-to-date reports")
    pack.set_defaults(func=_handler("traffickstats.reports.commands:pack"))
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.func(args)
    except TraffickstatsError as exc:
        # one line, whatever a library put in the message (YAML and pandera errors span lines)
        print("traffickstats: error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 1
    except BrokenPipeError:  # `traffickstats data show | head`
        return 0
    except OSError as exc:  # a file the command reads or writes: one line naming it, no traceback
        from .errors import os_reason

        where = getattr(exc, "filename", None)
        print("traffickstats: error: " + " ".join((f"{where}: " if where else "") .split() + os_reason(exc).split()),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:  # Ctrl-C: the command cleaned up on its way out (and may say what is left)
        note = " ".join(str(exc).split())
        print(f"traffickstats: interrupted{': ' + note if note else ''}", file=sys.stderr)
        return 130
    return int(status or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
