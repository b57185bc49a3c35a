"""What every chart kind shares: checking its input, labels, footnote, notes, alt text and metadata.

Every chart protects its rows first (:func:`check_obs` runs :func:`traffickstats.disclosure.protect`):
a count of 1 to 4 people never reaches a bar, a label, a hover box, the data table or the CSV
download, whatever the rows' source (bundled, a loaded file, a computed total).

Text that came from data (titles, source titles, notes, category and place names) is
HTML-escaped before it goes into plotly strings, because plotly.js reads them as a small
HTML dialect (``<b>``, ``<a href>``, ``<br>``) and decodes entities back to the characters
the reader should see. The metadata in ``fig.layout.meta["traffickstats"]`` keeps plain text;
``display.html_block`` escapes it when it writes HTML.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import unicodedata

import pandas as pd
import plotly.graph_objects as go

from .. import csvsafe
from ..errors import IncomparableError, TraffickstatsError
from ..formatting import plotly_separators
from ..i18n import _, label, text_direction
from ..schema import COLUMNS, period_text, with_years
from . import layout
from .labels import (base_label, base_text, footnote_text, geo_label, is_computed,
                     period_label, same_figure_note, series_label, source_citation, value_label)
from .style import TEMPLATE_NAME, WEB, Typography, register

#: Measures that are modelled, not counted: their charts say "estimation modélisée".
ESTIMATE_MEASURES = {"estimate_stock", "money_estimate"}
#: Columns that must agree before values can be drawn on one axis (fallback for guard.rank).
COMPARABLE_ON = ("indicator", "measure", "basis", "unit", "period_kind")


def esc(text) -> str:
    """Escape data text for plotly's HTML-like strings and for HTML (``<``, ``>``, ``&``)."""
    return html.escape("" if text is None else str(text), quote=False)


def check_obs(obs: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The rows to draw, as a fresh frame; refuses empty input or missing canonical columns."""
    if not isinstance(obs, pd.DataFrame):
        raise TraffickstatsError(f"{kind}: obs must be a DataFrame of canonical observations, "
                                 f"not {type(obs).__name__}")
    missing = [c for c in ("indicator", "measure", "geo", "geo_scheme", "period_start", "period_end",
                           "value", "unit", "evidence", "source_id") if c not in obs.columns]
    if missing:
        raise TraffickstatsError(f"{kind}: obs lacks canonical column(s) {', '.join(missing)} "
                                 "(see traffickstats.schema.COLUMNS)")
    if obs.empty:
        raise TraffickstatsError(f"{kind}: no observations to draw (filter returned 0 rows)")
    out = with_years(obs).copy().reset_index(drop=True)
    for col in ("period_start", "period_end"):
        out[col] = period_text(out[col])
    for col, default in (("lower", math.nan), ("upper", math.nan), ("censored", False),
                         ("basis", None), ("period_kind", "annual"), ("note", None), ("qualifier", None), ("base", None),
                         ("sex", "total"), ("age", "total"), ("form", "total")):
        if col not in out.columns:
            out[col] = default
    out["censored"] = out["censored"].fillna(False).astype(bool)
    from ..disclosure import protect

    out = protect(out)  # small counts never reach a chart, its table or its CSV
    bad = out[out["value"].isna() & ~(out["censored"] & out["lower"].notna() & out["upper"].notna())]
    if len(bad):
        raise TraffickstatsError(f"{kind}: row(s) {', '.join(str(i) for i in bad.index[:5])} have no value "
                                 "and no censored bounds: nothing can be drawn for them")
    return out


def _key(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def comparable_or_raise(obs: pd.DataFrame, kind: str, columns=COMPARABLE_ON) -> None:
    """Raise IncomparableError when rows measure different things (different indicator,
    measure, basis, unit or period kind), naming the columns that differ."""
    differ = {c: sorted({_key(v) for v in obs[c]}) for c in columns if c in obs
              and len({_key(v) for v in obs[c]}) > 1}
    if differ:
        detail = "; ".join(f"{c}: {', '.join(v)}" for c, v in differ.items())
        raise IncomparableError(f"{kind}: these observations measure different things ({detail}); "
                                "draw them with charts.side_by_side, not on one axis")


def guard_check(obs: pd.DataFrame, operation: str, kind: str) -> None:
    """``traffickstats.guard.require_comparable``: its messages say why and what to do instead."""
    from ..guard import require_comparable

    require_comparable(obs, operation)


def unique_by(obs: pd.DataFrame, by, kind: str) -> None:
    """One row per category (``by``: a column or a list of columns), or the chart would overplot."""
    cols = [by] if isinstance(by, str) else list(by)
    dup = obs[obs.duplicated(cols, keep=False)]
    if len(dup):
        keys = sorted({" / ".join(str(r[c]) for c in cols) for _i, r in dup.iterrows()})
        raise TraffickstatsError(
            f"{kind}: several rows share the same {' + '.join(cols)} ({', '.join(keys[:6])}); "
            "filter sex / age / form / period / fact so that each mark is one figure")


def is_estimate(obs: pd.DataFrame) -> bool:
    basis = obs["basis"].astype("object").where(obs["basis"].notna(), None)
    return bool(obs["measure"].isin(ESTIMATE_MEASURES).any() or basis.isin(ESTIMATE_MEASURES).any())


def is_secondary(obs: pd.DataFrame) -> bool:
    return bool((obs["evidence"] == "secondary").any())


def range_name(obs: pd.DataFrame, lang: str) -> str:
    """The legend of the bars / lines drawn as ranges: "published range" only when the
    source published every one of them as a range; "hidden or range (small-count
    protection)" as soon as one was hidden here."""
    from ..disclosure import is_suppressed

    cens = obs[obs["censored"] | obs["value"].isna()]
    return _("range_protected" if is_suppressed(cens).any() else "range_only", lang)


def notes_for(obs: pd.DataFrame, lang: str, note: str | None = None, *, bases: bool = True) -> list[str]:
    """The caveats a reader needs under the chart, in the chart's language: estimate,
    secondary source, ranges the source published, counts hidden here, figures computed
    here, parts of a year, what 100 % of each share is (``bases``) and figures also published
    under another label."""
    from ..disclosure import is_suppressed, resolve_threshold
    from ..periods import is_partial

    out = []
    if is_estimate(obs):
        out.append(_("note.estimate", lang))
    if is_secondary(obs):
        out.append(_("note.secondary", lang))
    hidden = is_suppressed(obs)
    if (obs["censored"] & ~hidden).any():
        out.append(_("note.censored", lang))
    if hidden.any():
        out.append(_("note.disclosure", lang, n=resolve_threshold()))
    if is_computed(obs).any():
        out.append(_("note.computed", lang))
    partial = [period_label(r, lang) for _i, r in obs.iterrows() if is_partial(r)]
    if partial:
        out.append(_("note.part_year", lang, periods=_("fmt.list_sep", lang).join(dict.fromkeys(partial))))
    if bases:
        out += list(dict.fromkeys(b for b in (base_label(r, lang) for _i, r in obs.iterrows()) if b))
    for _i, r in obs.iterrows():  # one figure under two labels: said, where it is shown
        twin = same_figure_note(r, lang)
        if twin:
            out.append(twin if len(obs) == 1 else _("fmt.item", lang, name=period_label(r, lang), value=twin))
    if note:
        out.append(str(note))
    return out


# --- the finished figure ----------------------------------------------------------------

def slugify(text: str) -> str:
    """ASCII file-name slug: "Victimes détectées (2020)" -> "victimes-detectees-2020"."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:60] or "chart"


def data_table(obs: pd.DataFrame, lang: str, catalog=None) -> dict:
    """The observations shown, as the data table under the chart lists them (plain text)."""
    cites = {sid: source_citation(sid, lang, catalog) for sid in dict.fromkeys(obs["source_id"])}
    with_base = "base" in obs.columns and obs["base"].notna().any()
    rows = []
    for _i, r in obs.iterrows():
        rows.append([
            geo_label(r["geo"], r["geo_scheme"], lang),
            series_label(r, lang),
            period_label(r, lang),
            value_label(r, lang),
            label("unit", r["unit"], lang),
            *([base_text(r, lang)] if with_base else []),
            cites[r["source_id"]],
        ])
    keys = ("col.geo", "col.indicator", "col.period", "col.value", "col.unit", *(("col.base",) if with_base else ()),
            "col.source")
    return {"columns": [_(k, lang) for k in keys], "rows": rows}


def _axes(fig: go.Figure, letter: str) -> list[str]:
    """Names of the figure's axes of one direction ("xaxis", "xaxis2", ...), at least the first."""
    names = [k for k in fig.layout.to_plotly_json() if re.fullmatch(rf"{letter}axis\d*", k)]
    return sorted(names, key=lambda k: int(k[5:] or 1)) or [f"{letter}axis"]


def _cartesian(fig: go.Figure) -> bool:
    return any(hasattr(t, "xaxis") for t in fig.data) and any(
        fig.layout[a].visible is not False for a in ("xaxis", "yaxis"))


def finish(fig: go.Figure, obs: pd.DataFrame, *, lang: str, kind: str, title: str, alt: str,
           note: str | None = None, catalog=None, horizontal_bars: bool = False,
           axis_space: int | None = None, height: int | None = None, plot_height: int | None = None,
           top_space: int = 0, base_notes: bool = True, finding: str | None = None) -> go.Figure:
    """Apply template, title, locale separators, footnote, notes, direction, margins and metadata.

    Margins come from the texts (``charts.layout``): the top one holds every line of the
    wrapped title, ``top_space`` px the chart draws above its plot (a banner) and the legend;
    the side ones the category labels; the bottom one the x axis (``axis_space`` px when the
    chart knows better, e.g. 10 for a map) and the footnote. ``plot_height`` is the height
    the plot area needs: the figure's height is that plus the margins. ``height`` instead
    fixes the figure's height. ``finding``: one sentence saying what the chart shows, computed
    from its rows (a slide's title).

    These layout choices are kept in the metadata (``layout``) so that ``charts.restyle`` can
    lay the same figure out again for a slide, the print dossier or a thumbnail.
    """
    from .style import apply_direction

    register()
    footnote = footnote_text(obs, lang, catalog)
    notes = notes_for(obs, lang, note, bases=base_notes)
    rtl = text_direction(lang) == "rtl"
    heading = layout.title_lines(title)
    fig.update_layout(
        template=TEMPLATE_NAME,
        title=dict(text="<br>".join(f"<b>{esc(line)}</b>" for line in heading),
                   pad=dict(t=layout.title_pad(len(heading)))),
        separators=plotly_separators(lang),
    )
    apply_direction(fig, rtl, horizontal_bars=horizontal_bars)
    m = fig.layout.margin
    hints = {"margin": {"l": m.l, "r": m.r}, "axis_space": axis_space, "top_space": top_space,
             "plot_height": plot_height, "height": height}
    lay_out(fig, WEB, hints, title_height=layout.title_height(len(heading)),
            footnote=layout.footnote_lines([footnote] + notes), rtl=rtl)
    name = slugify(title)
    if name == "chart" or not re.search("[a-z]", name):  # no Latin letters (Arabic): kind and digest
        name = f"{kind.replace('_', '-')}-{hashlib.sha1(title.encode('utf-8')).hexdigest()[:8]}"
    finding = finding[:1].upper() + finding[1:] if finding else None
    table = data_table(obs, lang, catalog)
    csv = csvsafe.to_csv(obs[[c for c in COLUMNS if c in obs.columns]])  # formula-leading text defused
    sources = list(dict.fromkeys(obs["source_id"].astype(str)))
    fig.update_layout(meta={"traffickstats": {
        "kind": kind, "lang": lang, "dir": "rtl" if rtl else "ltr", "name": name, "title": title,
        "sources": sources, "citations": list(dict.fromkeys(source_citation(s, lang, catalog) for s in sources)),
        "footnote": footnote, "notes": notes, "alt": alt, "finding": finding,
        "secondary": is_secondary(obs), "estimate": is_estimate(obs),
        "table": table, "csv": csv, "layout": hints,
    }})
    return fig


def lay_out(fig: go.Figure, t: Typography, hints: dict, *, title_height: int, footnote: list[str],
            rtl: bool, footnote_size: float | None = None) -> go.Figure:
    """Margins, value-axis ticks and the footnote annotation of ``fig`` for the medium ``t``.

    ``hints`` are the chart function's layout choices at the web size (``finish``): the side
    margins it asked for, ``axis_space``, ``top_space``, ``plot_height`` / ``height``; pixel
    hints are scaled by ``t.scale``. ``footnote``: its lines, plain text (escaped here). A
    fixed ``t.height`` (a slide) wins over the hinted heights.
    """
    k = t.scale
    asked = hints.get("margin") or {}
    left = asked["l"] * k if asked.get("l") is not None else t.edge
    right = asked["r"] * k if asked.get("r") is not None else t.edge
    cartesian = _cartesian(fig)
    if cartesian:  # room for the widest category / tick label of any vertical axis, on its side
        for name in _axes(fig, "y"):
            need = t.edge + layout.side_space(fig, name, t)
            if fig.layout[name].side == "right":
                right = max(right, need)
            else:
                left = max(left, need)
        width = t.width - left - right
        for name in _axes(fig, "x"):
            dom = fig.layout[name].domain or (0, 1)
            layout.thin_ticks(fig, name, width * (dom[1] - dom[0]), t)
    axis_space = hints.get("axis_space")
    axis_space = (axis_space * k if axis_space is not None
                  else (layout.bottom_space(fig, "xaxis", t) if cartesian else 0) + layout.GAP * k)
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != layout.FOOTNOTE_NAME]
    if footnote:
        fig.add_annotation(**layout.footnote_annotation(
            [esc(line) for line in footnote], rtl=rtl, side_margin=int(right if rtl else left),
            below=int(axis_space), t=t, size=footnote_size))
    top = title_height + (hints.get("top_space") or 0) * k + layout.legend_height(fig, t.width - left - right, t)
    bottom = axis_space + (layout.footnote_height(len(footnote), t, footnote_size) if footnote else 0) + t.edge
    fig.update_layout(margin=dict(l=int(left), r=int(right), t=int(top), b=int(bottom)))
    if t.height:
        fig.update_layout(height=t.height, width=t.width)
    elif hints.get("plot_height"):
        fig.update_layout(height=int(top + hints["plot_height"] * k + bottom))
    elif hints.get("height"):
        fig.update_layout(height=int(hints["height"] * k))
    return fig


def items_text(pairs, lang: str, limit: int = 9) -> str:
    """"Tunisie : 1 234 ; Maroc : 567" for alt texts (first ``limit`` items, in order)."""
    shown = [_("fmt.item", lang, name=n, value=v) for n, v in list(pairs)[:limit]]
    return _("fmt.list_sep", lang).join(shown)
