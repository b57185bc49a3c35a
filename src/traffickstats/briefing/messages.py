"""Key messages: a few sentences that open a report, each computed from rows on the page.

A notebook decides which messages it says; this module only makes each one honest:

- :func:`sourced` fills a catalogue sentence with figures already written from the rows
  (``display_value``: qualifier and small-count rule, « environ 1 100 », « moins de 5 ») and
  keeps the rows' sources and references (facts.md ``fact_id``, or the dataset and what was
  selected from it). With no rows, or a missing figure, it returns None: a message the data
  cannot support is not written.
- :func:`show` writes « Messages clés » / "Key messages" / «الرسائل الرئيسية» with at most five
  messages, each followed by its source and reference, and records the sources as shown; the
  output's metadata carries them too (``{"traffickstats": {"key_messages": [{"text", "sources",
  "refs"}]}}``, read by the render engine's ``reports.outline``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import page
from .report import Report

__all__ = ["Message", "sourced", "show", "reference", "MAX_MESSAGES"]

MAX_MESSAGES = 5


@dataclass(frozen=True)
class Message:
    """One sentence of the key messages, with what it rests on."""

    text: str
    sources: tuple[str, ...]  # source ids of the rows quoted
    refs: tuple[str, ...]  # fact ids, or "dataset: place, years" references


def reference(report: Report, rows: pd.DataFrame) -> tuple[str, ...]:
    """Each row's facts.md id; for rows of a loaded dataset (no fact id), one reference per
    source: its id, the places and the years selected ("unodc_glotip_2023-05-30 : Tunisie, 2020")."""
    refs = list(dict.fromkeys(rows["fact_id"].dropna().astype(str))) if "fact_id" in rows else []
    data = rows[rows["fact_id"].isna()] if "fact_id" in rows else rows
    for sid, g in data.groupby("source_id", sort=False):
        schemes = g["geo_scheme"] if "geo_scheme" in g else pd.Series("iso3", index=g.index)
        places = [report.name(p, s) for p, s in dict.fromkeys(zip(g["geo"], schemes))]
        spans = [g[c] for c in ("year_start", "year_end") if c in g]
        years = sorted({int(y) for y in pd.concat(spans).dropna()}) if spans else []
        span = (str(years[0]) if len(years) == 1 else report.t("fmt.period_span", start=years[0], end=years[-1])
                ) if years else ""
        where = report.t("fmt.comma").join(places[:4]) + ("…" if len(places) > 4 else "")
        refs.append(report.t("msg.dataset_ref", source=sid, places=where, years=span))
    return tuple(refs)


def sourced(report: Report, key: str, rows: pd.DataFrame | None, **fmt) -> Message | None:
    """The catalogue sentence ``key`` with ``fmt``, resting on ``rows``; None when ``rows`` is
    empty or any figure in ``fmt`` is None (the data cannot support the sentence)."""
    if rows is None or len(rows) == 0 or any(v is None for v in fmt.values()):
        return None
    sources = tuple(dict.fromkeys(rows["source_id"].dropna().astype(str)))
    return Message(report.t(key, **fmt), sources, reference(report, rows))


def show(report: Report, messages) -> None:
    """The « Messages clés » section: the first :data:`MAX_MESSAGES` messages that could be
    written, each with its sources and references (nothing when none could be)."""
    kept = [m for m in messages if m is not None][:MAX_MESSAGES]
    if not kept:
        return
    esc = page.esc
    items, plain, told = [], [], []
    for m in kept:
        told.append({"text": m.text, "sources": [report.cite(s) for s in m.sources], "refs": list(m.refs)})
        cites = report.t("fmt.list_sep").join(report.cite(s) for s in m.sources)
        ref = report.t("msg.ref", refs=report.t("fmt.comma").join(m.refs))
        items.append(f'<li><p>{esc(m.text)}</p><p class="ts-note ts-msg-source">{esc(report.t("msg.source", sources=cites))}'
                     f" · {esc(ref)}</p></li>")
        plain.append(f"{m.text} ({cites}; {ref})")
        report.keep(pd.DataFrame({"source_id": list(m.sources)}))
    heading = report.t("section.key_messages")
    # the engine reads them from the output's metadata (reports.outline): the index's one-line
    # summary, the deck's key messages slide
    page.show_html(f'<section class="ts-key-messages"><h2>{esc(heading)}</h2><ol>{"".join(items)}</ol></section>',
                   plain=heading + "\n" + "\n".join(plain), metadata={"traffickstats": {"key_messages": told}})
