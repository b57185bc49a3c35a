"""Search published outputs for a count of 1 to 4 people or cases (the disclosure rule's target).

Used by the quick tier (in-process notebooks, generated input) and by the slow all-outputs test
(a rendered pack: HTML text, Plotly JSON of the executed notebooks, from which the slide PNG/SVG
images are made, the CSV downloads embedded as ``data:`` URLs, and the PDF text through
``pdftotext``). Each ``leaks_in_*`` returns readable findings; an empty list means none.

What counts as a published small count:

- a value written alone, possibly with a qualifier ("1", "environ 3", "at least 2"), in a place
  where values are written: a numeric table cell, the value column of a data table, a headline
  card's figure, a hover or label text "name: value";
- a small integer next to a count word in running text ("1 personnes", "3 victims",
  "2 حالات"), which is how a table row or a card reads once a PDF is turned into text;
- in a CSV: a count row (detected, registered, case or justice count; a flow) whose value is
  1 to 4 and not censored, or whose note says such a number;
- in a figure: a bar, marker or map value of 1 to 4 drawn for a count (ranges are drawn with a
  ``base`` or as dotted lines and are the "fewer than 5" of the rule, not a count).

Years, percentages, decimals, ranks, law numbers and "1 000" are not counts and are not flagged.
"""

from __future__ import annotations

import html as html_mod
import io
import json
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pandas as pd

from traffickstats.disclosure import PROTECTED_MEASURES
from traffickstats.i18n import _, catalog

THRESHOLD = 5
SMALL = r"[1-4]"

#: Count words after (or, in Arabic, around) a number in running text.
COUNT_WORDS = {
    "fr": r"personnes?|victimes?|cas|affaires?|signalements?|plaintes?|dossiers?|enregistrements?|femmes?|hommes?|"
          r"enfants?|filles?|garçons?",
    "en": r"persons?|people|victims?|cases?|notifications?|complaints?|records?|women|woman|men|man|children|child|"
          r"girls?|boys?",
    "ar": r"أشخاص|شخص|ضحايا|ضحية|حالات|حالة|قضايا|قضية|إشعارات|شكاوى|سجلات|نساء|رجال|أطفال",
}


def _qualifier_words(lang: str) -> list[str]:
    words = []
    for key in ("approximately", "at_least", "more_than", "at_most", "less_than"):
        words.append(catalog(lang)[f"qualifier.{key}"].replace("{value}", "").strip())
    return words


def _strip(text: str) -> str:
    text = html_mod.unescape(re.sub(r"<[^>]+>", " ", str(text)))
    text = re.sub(r"[\u2066-\u2069\u200e\u200f\u202a-\u202e]", "", text)  # bidi isolates and marks
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def bare_small_count(text: str) -> bool:
    """Whether a value text is a count of 1 to 4 written out: "3", "environ 3", "at least 2"."""
    t = _strip(text)
    for lang in ("fr", "en", "ar"):
        for q in _qualifier_words(lang):
            if q and t.startswith(q + " "):
                t = t[len(q):].strip()
            elif q and t.endswith(" " + q):  # Arabic word order after bidi clean-up
                t = t[: -len(q)].strip()
    return re.fullmatch(SMALL, t) is not None


def leaks_in_text(text: str, where: str = "") -> list[str]:
    """Small integers beside a count word in running text (any of fr, en, ar)."""
    t = _strip(text)
    found = []
    for lang, words in COUNT_WORDS.items():
        pats = [rf"(?<![\d.,:/\-–])\b({SMALL})\s+(?:{words})\b"]
        if lang == "ar":
            pats.append(rf"(?:{words})\s+({SMALL})(?![\d.,%])\b")
        for pat in pats:
            for m in re.finditer(pat, t):
                found.append(f"{where}: {t[max(0, m.start() - 60):m.end() + 20]!r}")
    return found


def _value_headers() -> set[str]:
    keys = ("col.value", "flows.col.victims")
    return {_strip(_(k, lang)) for k in keys for lang in ("fr", "en", "ar")}


#: Units that do not count people or cases (a rate of 4 per 1,000 is not a small count).
NOT_COUNT_UNITS = ("per_1000", "per_100000", "per_million", "percent", "usd", "usd_per_victim", "ratio",
                   "countries", "nationalities", "surveys", "flows")


def _not_count_labels() -> set[str]:
    return {_strip(_(f"unit.{u}", lang)) for u in NOT_COUNT_UNITS for lang in ("fr", "en", "ar")}


def leaks_in_table(columns, rows, where: str = "", numeric=None) -> list[str]:
    """Value cells (columns headed "Valeur" / "Value" / "Victims detected"..., or the cells
    marked numeric) that are a bare small count, in rows whose unit counts people or cases."""
    heads = [_strip(c) for c in columns]
    idx = {i for i, h in enumerate(heads) if h in _value_headers()}
    not_counts = _not_count_labels()
    out = []
    for n, row in enumerate(rows):
        cells = [_strip(c) for c in row]
        if not_counts & set(cells):
            continue
        check = idx | set((numeric or {}).get(n, ()))
        if any(i < len(cells) and bare_small_count(cells[i]) for i in check):
            out.append(f"{where}: table row {cells}")
    return out


def leaks_in_csv(text: str, where: str = "") -> list[str]:
    """Count rows of a chart's CSV download (observations or flows) with a value of 1 to 4."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return []
    df = pd.read_csv(io.StringIO(text), dtype={"note": str}, keep_default_na=False, na_values=[""])
    if "value" not in df.columns:
        return []
    values = pd.to_numeric(df["value"], errors="coerce")
    if "measure" in df.columns:
        counts = df["measure"].isin(PROTECTED_MEASURES)
    else:
        counts = pd.Series(True, index=df.index)  # a flow table: every row counts people
    censored = df["censored"].astype(str).str.lower().eq("true") if "censored" in df.columns else False
    small = counts & values.gt(0) & values.lt(THRESHOLD) & ~censored
    out = [f"{where}: CSV row {df.loc[i].dropna().to_dict()}" for i in df.index[small]]
    if "note" in df.columns:
        for i in df.index[counts]:
            note = df.at[i, "note"]
            if isinstance(note, str) and re.search(rf"(?<![\d.,\-–/])\b{SMALL}\b(?![\d.,%–-])", note):
                out.append(f"{where}: CSV note of a count row {note!r}")
    return out


def _texts(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _texts(v)


def _numbers(obj):
    for v in obj if isinstance(obj, (list, tuple)) else []:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            yield float(v)


def leaks_in_figure(fig: dict, where: str = "") -> list[str]:
    """A chart as Plotly JSON with its ``layout.meta["traffickstats"]``: CSV, data table, card
    figure and annotations, hover and label texts, and the drawn values of count charts."""
    meta = ((fig.get("layout") or {}).get("meta") or {}).get("traffickstats") or {}
    name = f"{where} [{meta.get('kind', '?')}: {meta.get('title', '')}]"
    out = leaks_in_csv(meta.get("csv", ""), name)
    table = meta.get("table") or {}
    out += leaks_in_table(table.get("columns", []), table.get("rows", []), name)
    is_count = False
    try:
        rows = pd.read_csv(io.StringIO(meta.get("csv", "").lstrip("\ufeff")))
        is_count = "measure" not in rows or rows["measure"].isin(PROTECTED_MEASURES).any()
    except (pd.errors.EmptyDataError, ValueError):
        pass
    for a in (fig.get("layout") or {}).get("annotations") if is_count else []:
        text = a.get("text", "")
        for line in re.split(r"<br\s*/?>", text):
            if bare_small_count(line):
                out.append(f"{name}: annotation {text!r}")
    for trace in fig.get("data") or []:
        if not is_count:
            continue
        for key in ("text", "hovertext", "customdata"):
            for s in _texts(trace.get(key)):
                for line in re.split(r"<br\s*/?>", s):
                    parts = re.split(r"\s*[:：]\s*", _strip(line))
                    if len(parts) > 1 and bare_small_count(parts[-1]) or bare_small_count(line):
                        out.append(f"{name}: {trace.get('type', 'trace')} {key} {s!r}")
        kind = trace.get("type")
        drawn = []
        if kind == "bar" and trace.get("base") is None:
            drawn = trace.get("x" if trace.get("orientation") == "h" else "y")
        elif kind == "scatter" and "markers" in (trace.get("mode") or ""):
            drawn = trace.get("y")
        elif kind == "choropleth" and trace.get("showscale", True) is not False:
            drawn = trace.get("z")
        for v in _numbers(drawn):
            if 0 < v < THRESHOLD:
                out.append(f"{name}: {kind} drawn at {v:g}")
    return out


def leaks_in_html(page: str, where: str = "") -> list[str]:
    """An HTML page: numeric cells, value columns of its tables, its CSV downloads and its text."""
    out = []
    for table in re.findall(r"<table\b.*?</table>", page, flags=re.S):
        heads = re.findall(r"<th\b[^>]*>(.*?)</th>", table, flags=re.S)
        rows = [re.findall(r"<td\b([^>]*)>(.*?)</td>", tr, flags=re.S)
                for tr in re.findall(r"<tr\b.*?</tr>", table, flags=re.S)]
        rows = [r for r in rows if r]
        numeric = {n: [i for i, (attrs, _c) in enumerate(r) if "ts-num" in attrs] for n, r in enumerate(rows)}
        out += leaks_in_table(heads, [[c for _a, c in r] for r in rows], where, numeric)
    for href in re.findall(r'href="(data:text/csv[^"]*)"', page):
        data = urllib.parse.unquote(html_mod.unescape(href).split(",", 1)[1])
        out += leaks_in_csv(data, f"{where} (CSV download)")
    text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", page, flags=re.S)
    text = re.sub(r'\b(?:href|src)="[^"]*"', " ", text)
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', page))
    out += leaks_in_text(text + " " + labels, where)
    return out


def leaks_in_notebook(path: Path, where: str | None = None) -> list[str]:
    """Every chart an executed notebook displayed (what the static images are rendered from)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            fig = (o.get("data") or {}).get("application/vnd.plotly.v1+json")
            if fig:
                out += leaks_in_figure(fig, where or path.name)
    return out


#: A dossier's page footer, alone on its line: "3 / 10" (read "10 / 3" in an Arabic page,
#: between the bidi embeddings pdftotext writes).
PAGE_FOOTER = re.compile(r"^[\s\f\u200e\u200f\u202a-\u202e\u2066-\u2069]*\d+ / \d+[\u200e\u200f\u202a-\u202e\u2066-\u2069]*[ \t]*$",
                         re.M)


def pdf_text(path: Path) -> str:
    """The text of a PDF by Debian's ``pdftotext`` (poppler-utils), table rows kept on a line,
    without the page-number footers: once lines are joined, "3 / 10" followed by the next page's
    first words ("3 / 10 ... قضايا الاتجار") would read as a count of 3 cases."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise RuntimeError("pdftotext is missing: install Debian's poppler-utils (make system-deps does)")
    text = subprocess.run([exe, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return PAGE_FOOTER.sub("", text)


def pptx_text(path: Path) -> str:
    """Every text of a PowerPoint deck: its slides' shapes and its speaker notes (python-pptx)."""
    from pptx import Presentation

    parts = []
    for slide in Presentation(str(path)).slides:
        parts += [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def leaks_in_pack(folder: Path) -> tuple[list[str], dict[str, int]]:
    """Every output of a rendered pack searched; returns (findings, how many files of each kind):
    report pages, each chart's own page, the index pages, executed notebooks (and their
    figures), PDFs, decks (slides and speaker notes) and PNGs."""
    folder = Path(folder)
    out, seen = [], {"html": 0, "chart_pages": 0, "index": 0, "ipynb": 0, "figures": 0, "pdf": 0, "png": 0,
                     "pptx": 0}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.suffix == ".html":
            kind = ("index" if path.parent == folder and path.name.startswith("index")
                    else "chart_pages" if "charts" in path.relative_to(folder).parts else "html")
            seen[kind] += 1
            out += leaks_in_html(path.read_text(encoding="utf-8"), rel)
        elif path.suffix == ".pptx":
            seen["pptx"] += 1
            out += leaks_in_text(pptx_text(path), rel)
        elif path.suffix == ".ipynb":
            seen["ipynb"] += 1
            nb = json.loads(path.read_text(encoding="utf-8"))
            seen["figures"] += sum(1 for c in nb.get("cells", []) for o in c.get("outputs", [])
                                   if "application/vnd.plotly.v1+json" in (o.get("data") or {}))
            out += leaks_in_notebook(path, rel)
        elif path.suffix == ".pdf":
            seen["pdf"] += 1
            out += leaks_in_text(pdf_text(path), rel)
        elif path.suffix == ".png":
            seen["png"] += 1
    return out, seen
