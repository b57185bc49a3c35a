"""What the briefing notebooks call: titles, sections, escaped tables, data gaps, charts.

The notebooks stay thin (parameters, then a handful of calls); the logic lives here so it is
tested and reviewed as code. Everything shown is HTML-escaped: text that comes from data
(names, notes, source ids) never reaches the page as markup. Modules written by other
engineers (``reference``, ``charts``, ``loaders``, ``i18n``) are imported lazily and their
absence is said plainly on the page instead of failing the report.
"""

from __future__ import annotations

import html as _html
import importlib
import math
from typing import Any

import pandas as pd

from . import texts

#: The conference's participants, in the agreed order.
PARTICIPANTS = ("TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE")

TABLE_COLUMNS = ("indicator", "geo", "period", "sex", "age", "form", "value", "unit", "source_id")

esc = _html.escape


def t(key: str, lang: str, **fmt) -> str:
    """The report text ``key`` in ``lang`` (see ``reports.texts``)."""
    return texts.text(key, lang, **fmt)


def _optional(module: str):
    """Another engineer's module, or None while it does not exist yet."""
    try:
        return importlib.import_module(f"traffickstats.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"traffickstats.{module}":
            return None
        raise  # a module that exists but fails to import is a bug to see, not a gap


# --- display ------------------------------------------------------------------------------

def show_html(markup: str, *, metadata: dict | None = None, plain: str | None = None) -> None:
    """Display ready-made (already escaped) HTML as a notebook output."""
    from IPython.display import display

    bundle = {"text/html": markup, "text/plain": plain if plain is not None else markup}
    display(bundle, raw=True, metadata=metadata or {})


def title(text: str) -> None:
    """The page's <h1>; also announced in the output metadata so the exporter uses it as <title>."""
    show_html(f"<h1>{esc(text)}</h1>", metadata={"traffickstats": {"title": text}}, plain=text)


def section(heading: str, text: str | None = None) -> None:
    """An <h2> heading with an optional paragraph."""
    para = f"\n<p>{esc(text)}</p>" if text else ""
    show_html(f"<h2>{esc(heading)}</h2>{para}", plain=heading)


def paragraph(text: str) -> None:
    show_html(f"<p>{esc(text)}</p>", plain=text)


def gap(text: str) -> None:
    """Say plainly that data is missing (never fill the hole with a guess)."""
    show_html(f'<p class="ts-gap" role="note">{esc(text)}</p>', plain=text)


def note(text: str) -> None:
    show_html(f'<p class="ts-note">{esc(text)}</p>', plain=text)


def subsection(heading: str) -> None:
    """An <h3> heading inside a section."""
    show_html(f"<h3>{esc(heading)}</h3>", plain=heading)


def bullets(items) -> None:
    """An escaped bullet list (empty items are left out)."""
    items = [i for i in items if i]
    if items:
        show_html("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>", plain="\n".join(items))


def rows_table(columns, rows, *, numeric=(), caption: str | None = None) -> None:
    """An escaped HTML table of ready-formatted cells; ``numeric``: column indexes aligned as numbers."""
    if not rows:
        return
    head = "".join(f'<th scope="col">{esc(str(c))}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="ts-num">{esc(str(v))}</td>' if i in numeric else f"<td>{esc(str(v))}</td>"
                         for i, v in enumerate(row)) + "</tr>" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    plain = "\n".join(" | ".join(map(str, r)) for r in [list(columns)] + [list(r) for r in rows])
    show_html(f'<table class="ts-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>',
              plain=plain)


# --- names and numbers --------------------------------------------------------------------

def country_name(iso3: str, lang: str) -> str:
    """The country's display name in ``lang`` (``geo.names``); the code itself if unknown."""
    geo = _optional("geo")
    if geo is None or not isinstance(iso3, str):
        return str(iso3)
    from ..errors import TraffickstatsError
    from ..geo.names import country_name as _name

    try:
        return _name(iso3, lang)
    except TraffickstatsError:
        return iso3


def label(kind: str, code: Any, lang: str) -> str:
    """A vocabulary label (indicator, form, unit, ...) via ``i18n.label``; else the code."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return ""
    i18n = _optional("i18n")
    try:
        return i18n.label(kind, code, lang) if i18n is not None else str(code)
    except ValueError:  # a language the catalogue does not know
        return str(code)


def place_name(geo: str, scheme: str | None, lang: str) -> str:
    return country_name(geo, lang) if scheme in (None, "iso3") and len(str(geo)) == 3 else str(geo)


def format_number(value: float, lang: str) -> str:
    """A figure as published, grouped the ``lang`` way (no rounding beyond the data's own);
    empty for a missing value."""
    from ..formatting import format_number as _format

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _format(value, lang)


def format_value(row: pd.Series, lang: str) -> str:
    """Value with its published bounds; a cell without a value is written by the disclosure
    rule ("moins de 5", "masqué", or a published range), the same as under the charts."""
    val, lo, hi = row.get("value"), row.get("lower"), row.get("upper")
    has = lambda x: x is not None and not pd.isna(x)  # noqa: E731
    if not has(val):
        from ..disclosure import display_value

        return display_value(row, lang) if has(lo) or has(hi) else ""
    text = format_number(val, lang)
    if has(lo) and has(hi) and not bool(row.get("censored", False)):
        text += f" ({format_number(lo, lang)}–{format_number(hi, lang)})"
    return text


def period_text(row: pd.Series, lang: str) -> str:
    """The period as the charts write it ("2017-2019", "à un moment donné (2021)")."""
    from ..charts._base import period_label

    return period_label(row, lang)


def source_text(source_id: str, lang: str) -> str:
    """One source cited in ``lang`` (English citation in Arabic, as the chart footnotes do)."""
    from ..charts._base import source_citation

    return source_citation(source_id, lang, catalog=loaded_sources())


def has_text(key: str, lang: str) -> bool:
    """Whether a report text exists for ``key`` (optional paragraphs)."""
    return texts.text(key, lang) != key


# --- tables -------------------------------------------------------------------------------

def html_table(obs: pd.DataFrame, lang: str, *, columns=TABLE_COLUMNS, max_rows: int = 60) -> str:
    """An escaped HTML table of canonical observations (labels in ``lang``)."""
    if obs is None or len(obs) == 0:
        return ""
    head = "".join(f"<th>{esc(t('col.' + c.replace('source_id', 'source'), lang))}</th>" for c in columns)
    rows = []
    for _, row in obs.head(max_rows).iterrows():
        cells = []
        for c in columns:
            if c == "period":
                cells.append(f"<td>{esc(period_text(row, lang))}</td>")
            elif c == "value":
                cells.append(f'<td class="ts-num">{esc(format_value(row, lang))}</td>')
            elif c == "geo":
                cells.append(f"<td>{esc(place_name(row.get('geo'), row.get('geo_scheme'), lang))}</td>")
            elif c in ("indicator", "sex", "age", "form", "unit", "measure"):
                cells.append(f"<td>{esc(label(c, row.get(c), lang))}</td>")
            else:
                v = row.get(c)
                cells.append(f"<td>{esc('' if v is None or pd.isna(v) else str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = len(obs) - max_rows
    tail = f'<p class="ts-note">{esc(t("table.more_rows", lang, count=more))}</p>' if more > 0 else ""
    return f'<table class="ts-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{tail}'


def table(obs: pd.DataFrame, lang: str, **kw) -> None:
    """Display observations as an escaped table (nothing when empty: say so with ``gap``)."""
    markup = html_table(obs, lang, **kw)
    if markup:
        show_html(markup, plain=obs.to_string(max_rows=20))


# --- data ---------------------------------------------------------------------------------

def _empty() -> pd.DataFrame:
    from ..schema import empty_observations

    return empty_observations()


#: Source records of the datasets loaded by ``observations()`` in this kernel: footnotes and
#: charts cite them beside the bundled catalogue (one notebook runs per kernel).
_LOADED_SOURCES: list[dict] = []
#: Which parameter (glotip, ctdc, gsi) loaded which source id, in this kernel.
DATASETS: dict[str, str] = {}


def loaded_sources() -> list[dict] | None:
    """The Source records of loaded datasets (None when only bundled data is used)."""
    return list(_LOADED_SOURCES) or None


def observations(*, lang: str = "fr", glotip: str = "", ctdc: str = "", gsi: str = "",
                 names: str = "") -> pd.DataFrame:
    """Bundled observations plus those of the dataset files given (empty path = not given);
    ``names``: a reviewed names file applied when they are loaded.

    Missing modules are shown as gaps; an unreadable dataset file raises its loader's error,
    so the report fails visibly rather than silently falling back to bundled data.
    """
    frames = []
    reference = _optional("reference")
    if reference is None:
        gap(t("gap.no_reference", lang))
    else:
        frames.append(reference.observations())
    given = {name: p for name, p in (("glotip", glotip), ("ctdc", ctdc), ("gsi", gsi)) if p}
    if given:
        loaders = _optional("loaders")
        load = getattr(loaders, "load", None) if loaders is not None else None
        for name, path in given.items():
            if load is None:
                gap(t("gap.loader_missing", lang, path=path))
                continue
            result = load(path, names=names or None)
            frames.append(result.observations)
            if getattr(result, "source", None):
                _LOADED_SOURCES.append(dict(result.source))
                DATASETS[name] = dict(result.source)["source_id"]
            if getattr(result, "rejected", 0):
                note(t("gap.rejects", lang, count=result.rejected))
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else _empty()


def select(obs: pd.DataFrame, **where) -> pd.DataFrame:
    """Rows whose columns equal (or, for a list/tuple, are in) the given values."""
    mask = pd.Series(True, index=obs.index)
    for col, value in where.items():
        if value is None:
            continue
        mask &= obs[col].isin(list(value)) if isinstance(value, (list, tuple, set)) else obs[col].eq(value)
    return obs[mask]


def totals(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows not broken down by sex, age or form (the headline figures)."""
    return select(obs, sex="total", age="total", form="total")


def order_by_participants(obs: pd.DataFrame) -> pd.DataFrame:
    """Sort rows in the participants' agreed order, then indicator and period."""
    rank = {g: i for i, g in enumerate(PARTICIPANTS)}
    key = obs["geo"].map(rank).fillna(len(rank))
    return obs.assign(_k=key).sort_values(["_k", "indicator", "year_start"]).drop(columns="_k")


def _preferred_order(obs: pd.DataFrame) -> pd.DataFrame:
    """Most recent period first, primary evidence before secondary, then bundled order."""
    return obs.assign(_ev=obs["evidence"].ne("primary")).sort_values(
        ["year_end", "year_start", "_ev"], ascending=[False, False, True], kind="stable").drop(columns="_ev")


def latest(obs: pd.DataFrame, by=("indicator", "measure", "unit")) -> pd.DataFrame:
    """Per group, the one most recent published row (primary evidence preferred).

    A choice among published rows, never a computed figure.
    """
    if len(obs) == 0:
        return obs
    return _preferred_order(obs).groupby(list(by), sort=False, dropna=False).head(1)


def common_year(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows of the single-year period that the most places report (one row per place).

    A ranking compares like with like: one indicator, one measure, one year.
    """
    annual = obs[obs["period_kind"].isin(["annual", "point_in_time"]) & (obs["year_start"] == obs["year_end"])]
    if len(annual) == 0:
        return annual
    counts = annual.groupby("year_end")["geo"].nunique()
    year = counts[counts == counts.max()].index.max()
    return latest(annual[annual["year_end"] == year], by=("geo",))


def headlines(obs: pd.DataFrame, lang: str, indicators: list[tuple[str, str]]) -> int:
    """One headline card per ``(indicator, measure)`` that has data; returns how many were drawn."""
    drawn = 0
    for indicator, measure in indicators:
        rows = latest(select(totals(obs), indicator=indicator, measure=measure))
        for _, row in rows.iterrows():
            drawn += chart("headline", rows.loc[[row.name]], lang)
    return drawn


def chart(name: str, obs: pd.DataFrame, lang: str, **kw) -> bool:
    """Draw ``traffickstats.charts.<name>(obs, lang=lang, ...)`` if the charts module exists.

    Returns False (and draws nothing) when there is no data or no charts module yet.
    """
    charts = _optional("charts")
    if charts is None or obs is None or len(obs) == 0 or not hasattr(charts, name):
        return False
    kw.setdefault("catalog", loaded_sources())
    fig = getattr(charts, name)(obs, lang=lang, **kw)
    charts.show(fig)
    return True


def sources(obs: pd.DataFrame, lang: str) -> None:
    """The citations behind ``obs``: ``reference.footnote`` when available, else the source ids."""
    if obs is None or len(obs) == 0:
        return
    reference = _optional("reference")
    footnote = getattr(reference, "footnote", None) if reference is not None else None
    text = footnote(obs, lang, catalog=loaded_sources()) if footnote else ", ".join(sorted(obs["source_id"].dropna().astype(str).unique()))
    show_html(f'<h2>{esc(t("section.sources", lang))}</h2><p class="ts-sources">{esc(str(text))}</p>', plain=str(text))


def report_title(notebook: str, lang: str, **params) -> str:
    """The human title of a report (used as page <h1> and in the pack's index)."""
    country = params.get("country") or ""
    region = str(params.get("region") or "")
    place = country_name(country, lang) if country else (
        t(f"region.{region}", lang) if region and has_text(f"region.{region}", lang) else region)
    return t(f"report.{notebook}", lang, country=place, place=place)
