"""The :class:`Brief` every section receives, :func:`start` that makes it, and the few
helpers the sections share (picking facts, writing dates, protecting loaded counts).

A brief carries the report language, the observations (bundled + the dataset files given)
and the rows shown so far, so that :func:`~.closing.sources` cites everything at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .. import briefing as b


@dataclass
class Brief:
    """What every section needs: the language, the observations and where they came from."""

    notebook: str
    lang: str
    obs: pd.DataFrame
    datasets: dict[str, str] = field(default_factory=dict)  # parameter -> source_id
    country: str = ""
    region: str = ""
    shown: list[pd.DataFrame] = field(default_factory=list)

    def t(self, key: str, **fmt) -> str:
        return b.t(key, self.lang, **fmt)

    @property
    def bundled(self) -> pd.DataFrame:
        return self.obs[~self.obs["source_id"].isin(list(self.datasets.values()))]

    def dataset(self, name: str) -> pd.DataFrame:
        """Rows of one loaded dataset (``glotip``, ``ctdc``, ``gsi``); empty when not given."""
        sid = self.datasets.get(name)
        return self.obs[self.obs["source_id"] == sid] if sid else self.obs.iloc[0:0]

    def name(self, iso3: str) -> str:
        return b.country_name(iso3, self.lang)

    def cite(self, source_id: str) -> str:
        """One source cited in the report language (a table's "source" cell)."""
        return b.source_text(source_id, self.lang)

    def keep(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Remember rows shown, for the sources section; returns them unchanged."""
        if frame is not None and len(frame):
            self.shown.append(frame[["source_id"]])
        return frame

    def chart(self, kind: str, obs: pd.DataFrame, **kw) -> bool:
        """``briefing.chart`` (footnoted chart) that also records its sources."""
        drawn = b.chart(kind, obs, self.lang, **kw)
        if drawn:
            self.keep(obs)
        return drawn


def start(notebook: str, *, lang: str, glotip: str = "", ctdc: str = "", gsi: str = "",
          country: str = "", region: str = "", names: str = "") -> Brief:
    """Title, introduction and the observations (bundled + the dataset files given)."""
    b.DATASETS.clear()  # one report per kernel; a second start() must not cite the first's files
    b._LOADED_SOURCES.clear()
    b.title(b.report_title(notebook, lang, country=country, region=region))
    b.paragraph(b.t(f"intro.{notebook}", lang))
    obs = b.observations(lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi, names=names)
    brief = Brief(notebook, lang, obs, dict(b.DATASETS), country=country.upper() if country else "",
                  region=region)
    if brief.datasets:
        items = [b.source_text(sid, lang) for sid in brief.datasets.values()]
        b.note(brief.t("datasets.loaded", items=" ; ".join(items) if lang == "fr" else "; ".join(items)))
    return brief


def facts(obs: pd.DataFrame, *ids: str, **where) -> pd.DataFrame:
    """Rows of the given facts.md ids (and column filters), in the order given."""
    rows = b.select(obs[obs["fact_id"].isin(ids)], **where)
    order = {f: i for i, f in enumerate(ids)}
    return rows.assign(_o=rows["fact_id"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")


def fmt_date(text, lang: str) -> str:
    """'2016-08-03' -> '3 août 2016' (babel); a year stays a year; empty -> '—'."""
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        return "—"
    text = str(text).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        from babel.dates import format_date

        return format_date(pd.Timestamp(text).date(), format="long", locale=lang)
    return text


def protected(brief: Brief, name: str, geo=None) -> pd.DataFrame:
    """A loaded dataset's rows (optionally for some places) after small-count protection."""
    from ...disclosure import protect

    rows = brief.dataset(name)
    if geo is not None:
        rows = rows[rows["geo"].isin([geo] if isinstance(geo, str) else list(geo))]
    return protect(rows) if len(rows) else rows


def default_places(brief: Brief) -> list[str]:
    """The brief's country, or the nine participants when the report is not about one country."""
    return [brief.country] if brief.country else list(b.PARTICIPANTS)
