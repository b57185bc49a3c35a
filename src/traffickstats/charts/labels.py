"""How charts, tables and pages write a row: its place, period (a part of a year as such),
value (with its qualifier and the disclosure rule), what 100 % of a share is (its base, in
the reader's language), what it measures, and its sources. One module, public, so tables and
notebooks write figures exactly as the charts do.
"""

from __future__ import annotations

import re

import pandas as pd

from .. import periods
from ..bases import translate
from ..i18n import _, label
from ..schema import COMPUTED_NOTE


def geo_label(geo: str, scheme: str, lang: str) -> str:
    """Display name of a place (:func:`traffickstats.geo.place_name`)."""
    from ..geo import place_name

    return place_name(geo, scheme, lang)


def period_label(row, lang: str) -> str:
    """The period as charts and tables write it: "2017", "2017-2019", « janv.–juil. 2017 »,
    « à un moment donné (2021) »."""
    span = periods.label(row["period_start"], row["period_end"], lang)
    if row.get("period_kind") == "point_in_time":
        return _("fmt.point_in_time", lang, span=span)
    return span


def value_label(row, lang: str) -> str:
    """The figure as the chart writes it: the value; a small count as "moins de 5"; a cell
    hidden to protect another as "masqué"; another published range as a range.

    One rule for charts, tables and static exports: :func:`traffickstats.disclosure.display_value`.
    """
    from ..disclosure import display_value

    return display_value(row, lang)


def base_text(row, lang: str) -> str:
    """What 100 % of a share is, in ``lang`` ("victimes étrangères détectées par l'INLTP en
    Tunisie, 2021"); "" for a row without a base. Untranslated bases stay in English, marked."""
    return translate(row.get("base"), lang)


def base_label(row, lang: str) -> str:
    """« Base (100 %) : victimes étrangères … » for a share, "" otherwise: a share of a
    subgroup is never shown as if it were a share of the whole."""
    from ..formatting import format_percent

    text = base_text(row, lang)
    return _("fmt.base", lang, pct=format_percent(100, lang), base=text) if text else ""


def hover_lines(name: str, row, lang: str) -> list[str]:
    """What a chart's hover box says about one row: the name and the value as written
    everywhere ("environ 1 100", "moins de 5"), its period ("janv.–juil. 2017") and, for a
    share, its base. Plain text: the chart escapes it."""
    lines = [_("fmt.item", lang, name=name, value=value_label(row, lang)), period_label(row, lang)]
    base = base_label(row, lang)
    if base:
        lines.append(base)
    return [line for line in lines if line]


def is_computed(obs: pd.DataFrame) -> pd.Series:
    """Rows computed by traffickstats (a sum, a share, a rate): never called "published"."""
    if "note" not in obs.columns:
        return pd.Series(False, index=obs.index)
    return obs["note"].astype(object).where(obs["note"].notna(), "").astype(str).str.contains(COMPUTED_NOTE,
                                                                                               regex=False)


def quoted(text: str, lang: str) -> str:
    """« texte » (fr), «نص» (ar), "text" (en)."""
    return {"fr": f"« {text} »", "ar": f"«{text}»"}.get(lang, f"\"{text}\"")


def same_figure_note(row, lang: str, *, labels_only: bool = False) -> str:
    """« Le même chiffre a aussi été publié comme « cas de traite » (TUN-01). » for a row
    whose note marks it as one figure published under two labels (``reference.repeats``), or
    that :func:`traffickstats.reference.show_once` kept for its twins (``also_published_as``);
    "" for any other row. Pages show such a figure once, and say so with this
    (``labels_only``: just « « cas de traite » (TUN-01) »)."""
    from ..reference.repeats import SAME_FIGURE

    note = row.get("note")
    twins = [(m["indicator"], m["fact"]) for m in SAME_FIGURE.finditer(note)] if isinstance(note, str) else []
    also = row.get("also_published_as")
    twins += [tuple(t) for t in (also if isinstance(also, (list, tuple)) else []) if tuple(t) not in twins]
    if not twins:
        return ""
    labels = _("fmt.list_sep", lang).join(f"{quoted(label('indicator', ind, lang), lang)} ({fact})"
                                          for ind, fact in twins)
    return labels if labels_only else _("note.same_figure", lang, labels=labels)


def series_label(row, lang: str) -> str:
    """Indicator label, plus the non-total breakdowns (sex, age, form) of a row."""
    parts = [label("indicator", row["indicator"], lang)]
    for col in ("form", "sex", "age"):
        v = row.get(col)
        if isinstance(v, str) and v and v != "total":
            parts.append(label(col, v, lang))
    if row.get("measure") in ("rate", "share", "change"):
        parts.append(label("measure", row["measure"], lang))
    return _("fmt.comma", lang).join(parts)


_PREFIX = re.compile(r"^\s*(Sources?\s*:|المصدر:|المصادر:)\s*")


def footnote_text(obs: pd.DataFrame, lang: str, catalog=None) -> str:
    """Citations of the observations via ``traffickstats.reference.footnote``, in ``lang``:
    Arabic citations have Arabic words around the publishers and titles, which stay in their
    original language."""
    from ..reference import footnote

    return footnote(obs, lang, catalog=catalog)


def source_citation(source_id: str, lang: str, catalog=None) -> str:
    """One source as the data table shows it, without the "Source :" prefix."""
    from ..reference import citation

    text = citation(source_id, lang, catalog=catalog)
    return _PREFIX.sub("", text)
