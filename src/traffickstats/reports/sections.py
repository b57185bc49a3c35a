"""The sections of the four briefing notebooks: one function per notebook cell.

A notebook cell calls one function here with the :class:`Brief` made by :func:`start`
(language, observations, loaded datasets, country / region). Each function draws its charts
and tables through ``briefing`` (escaped HTML) and ``charts`` / ``flows`` (sourced footnotes),
and records what it showed so :func:`sources` cites everything at the end.

Rules kept here: every figure shown is a published (bundled) or loaded row, picked by its
fact id or by filters, never computed or rounded out; a missing figure is said with
``briefing.gap`` ("no verified published figure ... gap reported, not filled"); counts from
loaded datasets (GLOTIP, CTDC) go through ``disclosure.protect`` before anything is drawn;
modelled estimates (ILO, GEMS, Walk Free GSI) are labelled as estimates by the charts.
All prose is in ``reports/texts/<lang>.json`` (vocabulary labels in ``locales/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from . import briefing as b

#: Measures that count persons or cases (what "national figures" tables list).
COUNT_MEASURES = ("detected_count", "registered_count", "case_count", "justice_count")
#: The four European participants: no national victim counts are bundled for them.
EUROPE = ("FRA", "SRB", "BEL", "CHE")
SOUTH = ("TUN", "MAR", "DZA", "EGY", "LBN")


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
          country: str = "", region: str = "") -> Brief:
    """Title, introduction and the observations (bundled + the dataset files given)."""
    b.DATASETS.clear()  # one report per kernel; a second start() must not cite the first's files
    b._LOADED_SOURCES.clear()
    b.title(b.report_title(notebook, lang, country=country, region=region))
    b.paragraph(b.t(f"intro.{notebook}", lang))
    obs = b.observations(lang=lang, glotip=glotip, ctdc=ctdc, gsi=gsi)
    brief = Brief(notebook, lang, obs, dict(b.DATASETS), country=country.upper() if country else "",
                  region=region)
    if brief.datasets:
        items = [b.source_text(sid, lang) for sid in brief.datasets.values()]
        b.note(brief.t("datasets.loaded", items=" ; ".join(items) if lang == "fr" else "; ".join(items)))
    return brief


# --- small helpers ------------------------------------------------------------------------

def facts(obs: pd.DataFrame, *ids: str, **where) -> pd.DataFrame:
    """Rows of the given facts.md ids (and column filters), in the order given."""
    rows = b.select(obs[obs["fact_id"].isin(ids)], **where)
    order = {f: i for i, f in enumerate(ids)}
    return rows.assign(_o=rows["fact_id"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")


def _value(row, lang: str) -> str:
    from ..disclosure import display_value

    return display_value(row, lang)


def _exact(value, lang: str) -> str:
    """An exact count or population as published (no compacting: 12 277 109)."""
    return b.format_number(value, lang)


def _cite(brief: Brief, source_id: str) -> str:
    return b.source_text(source_id, brief.lang)


def _fmt_date(text, lang: str) -> str:
    """'2016-08-03' -> '3 août 2016' (babel); a year stays a year; empty -> '—'."""
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        return "—"
    text = str(text).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        from babel.dates import format_date

        return format_date(pd.Timestamp(text).date(), format="long", locale=lang)
    return text


def _law_reference(detail: str, lang: str) -> str:
    """The law or decree number in a legal-status detail, written the ``lang`` way:
    "Law No. 64 of 2010" -> "n° 64" (fr) / "No. 64" (en) / "رقم 64" (ar); "2016-61" likewise."""
    if not isinstance(detail, str):
        return ""
    m = re.search(r"(?:n°|No\.)\s*(\d+(?:-\d+)?)|\b(\d{2,4}-\d{2,3})\b", detail)
    return b.t("law.number", lang, num=m.group(1) or m.group(2)) if m else ""


def _rating(detail: str) -> str:
    """The US TIP tier named in a detail ("Tier 2 Watch List"), a proper name kept as published."""
    m = re.match(r"(Tier [0-9][^;(]*)", detail or "")
    return m.group(1).strip() if m else ""


def _latest_population(brief: Brief, iso3: str) -> pd.Series | None:
    from ..reference import population

    pop = population(geo=iso3)
    if pop.empty:
        return None
    return pop.sort_values("period_start").iloc[-1]


# --- global overview ----------------------------------------------------------------------

def ilo2012(brief: Brief) -> None:
    """The "21 millions": the ILO 2012 card and what it measures / does not measure."""
    b.section(brief.t("go.ilo2012.heading"), brief.t("go.ilo2012.lead"))
    card = facts(brief.bundled, "ILO12-01", measure="estimate_stock")
    if not brief.chart("headline", card, title=brief.t("go.ilo2012.card_title")):
        b.gap(brief.t("gap.unverified", what=brief.t("what.ilo2012")))
    b.bullets([brief.t(k) for k in ("go.ilo2012.measures", "go.ilo2012.period", "go.ilo2012.scope",
                                     "go.ilo2012.conservative", "go.ilo2012.rounding")])
    rate = facts(brief.bundled, "ILO12-02")
    if len(rate):
        b.paragraph(brief.t("go.ilo2012.rate", rate=_value(rate.iloc[0], brief.lang)))
        brief.keep(rate)


def ilo2012_regions(brief: Brief) -> None:
    """ILO 2012 by region: count and prevalence per 1,000 (two charts)."""
    b.subsection(brief.t("go.regions.heading"))
    base = b.select(brief.bundled, indicator="forced_labour", geo_scheme="ilo2012", sex="total",
                    age="total", form="total")
    counts = b.select(base, measure="estimate_stock")
    rates = b.select(base, measure="rate")
    if not brief.chart("ranked_bar", counts, title=brief.t("go.regions.count_title")):
        b.gap(brief.t("gap.unverified", what=brief.t("what.ilo2012_regions")))
    if not brief.chart("ranked_bar", rates, title=brief.t("go.regions.rate_title")):
        b.gap(brief.t("gap.unverified", what=brief.t("what.ilo2012_rates")))
    b.note(brief.t("go.regions.scheme"))


def ilo2012_profile(brief: Brief) -> None:
    """ILO 2012 by form, by sex, by age and by movement (published shares of the 20.9 million)."""
    b.subsection(brief.t("go.profile.heading"))
    shares = b.select(brief.bundled, indicator="forced_labour", measure="share", geo="WLD",
                      period_start=2002, period_end=2011)
    views = [
        ("form", facts(shares, "ILO12-10", "ILO12-11", "ILO12-12"), "go.profile.form_title", "go.profile.form_note"),
        ("sex", facts(shares, "ILO12-05", "ILO12-06"), "go.profile.sex_title", None),
        ("age", facts(shares, "ILO12-07", "ILO12-08"), "go.profile.age_title", None),
        ("form", facts(shares, "ILO12-26", "ILO12-27"), "go.profile.moved_title", "go.profile.moved_note"),
    ]
    for by, rows, title, note in views:
        # the caveat goes under the chart as page text: inside the figure it is clipped where
        # long category labels push the plot area right
        if not brief.chart("stacked_shares", rows, by=by, title=brief.t(title)):
            b.gap(brief.t("gap.unverified", what=brief.t(title)))
        elif note:
            b.note(brief.t(note))


def later_estimates(brief: Brief) -> None:
    """ILO 2012, GEMS 2017 and GEMS 2022 side by side with their definitions (not a series)."""
    b.section(brief.t("go.later.heading"), brief.t("go.later.lead"))
    rows = []
    picks = [("pub.ilo2012", "ILO12-01"), ("pub.gems2017", "GEMS17-01"), ("pub.gems2017", "GEMS17-02"),
             ("pub.gems2017", "GEMS17-03"), ("pub.gems2022", "GEMS22-01"), ("pub.gems2022", "GEMS22-02"),
             ("pub.gems2022", "GEMS22-03")]
    shown = []
    for pub, fid in picks:
        r = facts(brief.bundled, fid, measure="estimate_stock", form="total", sex="total", age="total")
        if r.empty:
            continue
        row = r.iloc[0]
        shown.append(r.iloc[[0]])
        rows.append([brief.t(pub), b.label("indicator", row["indicator"], brief.lang),
                     brief.t(f"def.{row['indicator']}"),
                     b.period_text(row, brief.lang), _value(row, brief.lang), _cite(brief, row["source_id"])])
    cols = [brief.t(k) for k in ("col.publication", "col.indicator", "col.definition", "col.period",
                                 "col.value", "col.source")]
    if rows:
        b.rows_table(cols, rows)
        brief.keep(pd.concat(shown))
    change_ms = facts(brief.bundled, "GEMS22-06", measure="change")
    change_fl = facts(brief.bundled, "GEMS22-07", measure="change")
    items = [brief.t("go.later.definitions"), brief.t("go.later.periods")]
    if len(change_ms) and len(change_fl):
        fl_abs = change_fl[change_fl["unit"] == "persons"]
        fl_pct = change_fl[change_fl["unit"] == "percent"]
        if len(fl_abs) and len(fl_pct):
            items.append(brief.t("go.later.publisher_change",
                                 ms=_value(change_ms.iloc[0], brief.lang),
                                 fl=_value(fl_abs.iloc[0], brief.lang),
                                 pct=_value(fl_pct.iloc[0], brief.lang)))
            brief.keep(pd.concat([change_ms, change_fl]))
    items.append(brief.t("go.later.not_series"))
    b.bullets(items)


def profits(brief: Brief) -> None:
    """ILO profits 2014 (US$150 bn) and 2024 (US$236 bn for 2021), and what is not sourced."""
    b.section(brief.t("go.profits.heading"), brief.t("go.profits.lead"))
    for fid in ("ILO14-01", "ILO24-01"):
        card = facts(brief.bundled, fid, measure="money_estimate", form="total")
        if not brief.chart("headline", card, title=brief.t(f"go.profits.card_{fid}")):
            b.gap(brief.t("gap.unverified", what=brief.t(f"go.profits.card_{fid}")))
    items = [brief.t("go.profits.measures")]
    change = facts(brief.bundled, "ILO24-02", measure="change", unit="usd")
    if len(change):
        items.append(brief.t("go.profits.change", change=_value(change.iloc[0], brief.lang)))
        brief.keep(change)
    b.bullets(items)
    regions = b.select(brief.bundled, indicator="illegal_profits", measure="money_estimate",
                       geo_scheme="ilo5", period_start=2021, form="total")
    brief.chart("ranked_bar", regions, title=brief.t("go.profits.regions_title"))
    forms = facts(brief.bundled, "ILO14-03", "ILO14-05", "ILO14-06", "ILO14-07", measure="money_estimate")
    if brief.chart("ranked_bar", forms, by="form", title=brief.t("go.profits.forms_title")):
        b.note(brief.t("go.profits.forms_note"))
    b.gap(brief.t("gap.unverified", what=brief.t("what.profits2014_regions")))
    b.gap(brief.t("go.profits.third"))


def detected_vs_estimated(brief: Brief) -> None:
    """UNODC detected victims beside the ILO/GEMS estimate: a different measure, own axis."""
    b.section(brief.t("go.detected.heading"), brief.t("go.detected.lead"))
    pair = pd.concat([facts(brief.bundled, "GEMS22-02", measure="estimate_stock", form="total", sex="total"),
                      facts(brief.bundled, "GLOTIP24-01", measure="detected_count")])
    if pair["measure"].nunique() == 2:
        brief.chart("side_by_side", pair, title=brief.t("go.detected.title"))
    else:
        b.gap(brief.t("gap.unverified", what=brief.t("go.detected.title")))
    b.bullets([brief.t("go.detected.rates"), brief.t("go.detected.never")])
    if brief.datasets.get("glotip"):
        b.note(brief.t("go.detected.glotip_file"))


def pitfalls(brief: Brief, keys) -> None:
    """The comparison pitfalls (facts.md section 9) that apply to this report."""
    b.section(brief.t("section.pitfalls"))
    b.bullets([brief.t(f"pitfall.{k}") for k in keys])


def gaps(brief: Brief, keys) -> None:
    """Searched, not found (facts.md section 10): said plainly, never filled."""
    b.section(brief.t("section.gaps"))
    for k in keys:
        b.gap(brief.t("gap.unverified", what=brief.t(f"what.{k}")))


def sources(brief: Brief) -> None:
    """Every source cited above, once."""
    shown = pd.concat(brief.shown, ignore_index=True) if brief.shown else brief.obs.iloc[0:0]
    b.sources(shown, brief.lang)


# --- participants: profile, law, national figures ----------------------------------------

def _cets_status(brief: Brief, iso3: str, legal: pd.DataFrame) -> tuple[str, list[str]]:
    """(status text, source ids) of CETS 197 for one country, from the legal status rows."""
    rows = legal[(legal["geo"] == iso3) & (legal["instrument"] == "coe_cets197")]
    events = set(rows["event"])
    invited = rows[rows["event"] == "invited"]
    if "party" in events:
        key = "cets.party"
    elif "not_party" in events and len(invited):
        return (brief.t("cets.invited_not_party", year=_fmt_date(invited.iloc[0]["date"], brief.lang)),
                list(rows["source_id"]))
    elif "not_party" in events:
        key = "cets.not_party"
    else:
        return brief.t("cets.unknown"), []
    force = rows[rows["event"].isin(["entry_into_force", "ratified"]) & rows["date"].notna()]
    text = brief.t(key)
    if len(force):
        f = force.iloc[-1]  # the file lists ratification before entry into force
        text += brief.t("cets.since", event=brief.t(f"event.{f['event']}"), date=_fmt_date(f["date"], brief.lang))
    return text, list(rows["source_id"])


def _legal():
    from ..reference import legal_status

    legal = legal_status()
    if legal.empty:
        return pd.DataFrame(columns=["fact_id", "source_id", "geo", "instrument", "event", "date", "detail",
                                     "evidence", "note"])
    return legal


def participants_table(brief: Brief) -> None:
    """The nine participants: shore, population (UN WPP 2024), CETS 197 status, national law."""
    from .. import geo

    b.section(brief.t("med.participants.heading"), brief.t("med.participants.lead"))
    legal = _legal()
    rows, cited = [], []
    shores = dict(zip(b.PARTICIPANTS, geo.region_of(list(b.PARTICIPANTS), "mediterranean", strict=False)))
    for iso3 in b.PARTICIPANTS:
        pop = _latest_population(brief, iso3)
        status, sids = _cets_status(brief, iso3, legal)
        law = legal[(legal["geo"] == iso3) & (legal["instrument"] == "national_law")]
        law_text = "—"
        if len(law):
            r = law.iloc[0]
            law_text = brief.t("law.ref", ref=_law_reference(r["detail"], brief.lang) or "—", date=_fmt_date(r["date"], brief.lang))
            sids.append(r["source_id"])
        shore = shores.get(iso3)
        rows.append([
            brief.name(iso3),
            geo.region_name("mediterranean", shore, brief.lang) if shore else "—",
            _exact(pop["value"], brief.lang) if pop is not None else brief.t("no_data"),
            str(int(pop["period_start"])) if pop is not None else "",
            status, law_text,
        ])
        if pop is not None:
            cited.append(pop["source_id"])
        cited += sids
    b.rows_table([brief.t(k) for k in ("col.country", "col.shore", "col.population", "col.year",
                                       "col.cets197", "col.national_law")], rows, numeric=(2,))
    brief.keep(pd.DataFrame({"source_id": cited}))
    b.note(brief.t("med.participants.population_note"))
    b.note(brief.t("cets.tunisia_press"))


def legal_framework(brief: Brief) -> None:
    """One country's treaties, laws and institutions (legal status rows), with the CETS 197 status."""
    b.section(brief.t("cb.legal.heading"))
    legal = _legal()
    mine = legal[legal["geo"] == brief.country]
    status, sids = _cets_status(brief, brief.country, legal)
    b.paragraph(brief.t("cb.legal.cets", country=brief.name(brief.country), status=status))
    brief.keep(pd.DataFrame({"source_id": sids}))
    if mine.empty:
        b.gap(brief.t("gap.unverified", what=brief.t("what.legal", country=brief.name(brief.country))))
        return
    rows = []
    for _i, r in mine.iterrows():
        ref = _rating(r["detail"]) if r["instrument"] == "us_tip_tier" else _law_reference(r["detail"], brief.lang)
        rows.append([brief.t(f"instrument.{r['instrument']}"), brief.t(f"event.{r['event']}"),
                     _fmt_date(r["date"], brief.lang), ref or "—", _cite(brief, r["source_id"])])
    b.rows_table([brief.t(k) for k in ("col.instrument", "col.event", "col.date", "col.reference",
                                       "col.source")], rows)
    brief.keep(mine[["source_id"]])
    if brief.country == "TUN":
        b.note(brief.t("cets.tunisia_press"))


def profile(brief: Brief) -> None:
    """Name, population with its source, region memberships."""
    from .. import geo

    b.section(brief.t("cb.profile.heading"))
    iso3 = brief.country
    items = [brief.t("cb.profile.name", name=brief.name(iso3), code=iso3)]
    pop = _latest_population(brief, iso3)
    if pop is not None:
        items.append(brief.t("cb.profile.population", value=_exact(pop["value"], brief.lang),
                             year=int(pop["period_start"]), source=_cite(brief, pop["source_id"])))
        brief.keep(pd.DataFrame({"source_id": [pop["source_id"]]}))
    else:
        items.append(brief.t("gap.unverified", what=brief.t("what.population", country=brief.name(iso3))))
    for scheme, level_list in (("mediterranean", [None]), ("ilo2012", [None]), ("ilo5", [None]),
                               ("unodc", ["subregion", "region"]), ("eu", ["eu27"]), ("coe", ["membership"])):
        region = None
        for level in level_list:  # the finest level that places the country
            region = region or geo.region_of([iso3], scheme, level=level, strict=False)[0]
        if region:
            items.append(brief.t("cb.profile.region", scheme=brief.t(f"scheme.{scheme}"),
                                 region=geo.region_name(scheme, region, brief.lang)))
    b.bullets(items)


#: Order of indicators in national tables: victims first, then cases, then the justice chain.
INDICATOR_ORDER = ("trafficking_victims_detected", "victims_registered", "trafficking_cases",
                   "trafficking_notifications", "trafficking_complaints", "iom_victims_assisted",
                   "persons_suspected", "persons_prosecuted", "persons_convicted")


def _national(brief: Brief, iso3: str) -> pd.DataFrame:
    """Bundled counts for one country, as published: the totals, or (when a country has no
    total) its published breakdowns; victims first, then cases, then the justice chain."""
    rows = b.select(brief.bundled, geo=iso3, geo_scheme="iso3", measure=list(COUNT_MEASURES))
    rows = rows[rows["citizenship"].isna()]
    if len(b.totals(rows)):
        rows = b.totals(rows)
    rank = {ind: i for i, ind in enumerate(INDICATOR_ORDER)}
    return rows.assign(_r=rows["indicator"].map(rank).fillna(len(rank))).sort_values(
        ["_r", "indicator", "period_start", "period_end"], kind="stable").drop(columns="_r")


def _national_table(brief: Brief, rows: pd.DataFrame) -> None:
    from ..charts._base import series_label

    out = []
    for _i, r in rows.iterrows():
        out.append([series_label(r, brief.lang), b.period_text(r, brief.lang),
                    _value(r, brief.lang), b.label("unit", r["unit"], brief.lang),
                    brief.t(f"evidence.{r['evidence']}"), _cite(brief, r["source_id"])])
    b.rows_table([brief.t(k) for k in ("col.indicator", "col.period", "col.value", "col.unit",
                                       "col.evidence", "col.source")], out, numeric=(2,))
    brief.keep(rows)


#: Series drawn as a line for a country: (fact id, title key).
SERIES = {"TUN": ("TUN-01", "nat.TUN.series_title"), "MAR": ("MAR-02", "nat.MAR.series_title"),
          "LBN": ("LBN-01", "nat.LBN.series_title")}


def national_figures(brief: Brief, places=None, *, cards: bool = False) -> None:
    """Each country's published counts with sources (cases, victims, notifications kept apart)."""
    places = list(places or ([brief.country] if brief.country else b.PARTICIPANTS))
    b.section(brief.t("section.national"), brief.t("nat.lead"))
    for iso3 in places:
        if len(places) > 1:
            b.subsection(brief.name(iso3))
        rows = _national(brief, iso3)
        if rows.empty:
            b.gap(brief.t("gap.unverified", what=brief.t("what.national_counts", country=brief.name(iso3))))
            continue
        if b.has_text(f"nat.{iso3}.caveat", brief.lang):
            b.paragraph(brief.t(f"nat.{iso3}.caveat"))
        if cards:
            for ind, measure in (("trafficking_victims_detected", "detected_count"),
                                 ("trafficking_cases", "case_count")):
                one = b.latest(b.select(rows, indicator=ind, measure=measure, period_kind="annual"))
                brief.chart("headline", one.head(1))
        if iso3 in SERIES:
            fid, title = SERIES[iso3]
            series = facts(rows, fid)
            if series["period_start"].nunique() >= 3:
                brief.chart("time_series", series, title=brief.t(title, country=brief.name(iso3)))
        _national_table(brief, rows)


def eu_figures(brief: Brief) -> None:
    """Eurostat EU totals: registered victims and the criminal-justice counts."""
    b.section(brief.t("med.eu.heading"), brief.t("med.eu.lead"))
    eu = b.totals(b.select(brief.bundled, geo="EU27", geo_scheme="eu"))
    eu = eu[eu["citizenship"].isna()]
    victims = b.select(eu, indicator="victims_registered", measure="registered_count", period_kind="annual")
    victims = b.latest(victims, by=("period_start",)).sort_values("period_start")
    if not brief.chart("time_series", victims, title=brief.t("med.eu.victims_title")):
        b.gap(brief.t("gap.unverified", what=brief.t("med.eu.victims_title")))
    justice = b.select(eu, measure="justice_count")
    if len(justice):
        _national_table(brief, justice.sort_values(["indicator", "period_start"]))
    b.note(brief.t("pitfall.shares"))


# --- loaded datasets ----------------------------------------------------------------------

def _protected(brief: Brief, name: str, geo=None) -> pd.DataFrame:
    """A loaded dataset's rows (optionally for some places) after small-count protection."""
    from ..disclosure import protect

    rows = brief.dataset(name)
    if geo is not None:
        rows = rows[rows["geo"].isin([geo] if isinstance(geo, str) else list(geo))]
    return protect(rows) if len(rows) else rows


def glotip_participants(brief: Brief) -> None:
    """Detected victims reported to UNODC by the participants, one common year (GLOTIP file)."""
    if not brief.datasets.get("glotip"):
        return
    b.section(brief.t("glotip.heading"), brief.t("glotip.lead"))
    rows = _protected(brief, "glotip", b.PARTICIPANTS)
    det = b.totals(b.select(rows, indicator="trafficking_victims_detected", measure="detected_count"))
    det = b.common_year(det[det["citizenship"].isna()])
    if det["geo"].nunique() > 1:
        brief.chart("ranked_bar", det, title=brief.t("glotip.participants_title",
                                                        year=int(det["period_end"].iloc[0])))
        missing = [brief.name(c) for c in b.PARTICIPANTS if c not in set(det["geo"])]
        if missing:
            b.note(brief.t("glotip.not_reported", year=int(det["period_end"].iloc[0]), places=", ".join(missing)))
    else:
        b.gap(brief.t("gap.unverified", what=brief.t("glotip.participants_title", year="")))
    b.note(b.t("note.disclosure", brief.lang, n=5))


def glotip_country(brief: Brief) -> None:
    """One country's GLOTIP rows: trend, sex, age, form, citizenship, justice (protected)."""
    if not brief.datasets.get("glotip"):
        b.note(brief.t("cb.glotip.hint"))
        return
    name = brief.name(brief.country)
    b.section(brief.t("glotip.heading"), brief.t("glotip.lead"))
    rows = _protected(brief, "glotip", brief.country)
    det = b.select(rows, indicator="trafficking_victims_detected", measure="detected_count")
    if det.empty:
        b.gap(brief.t("gap.unverified", what=brief.t("what.glotip_country", country=name)))
        return
    plain = det[det["citizenship"].isna()]
    trend = b.totals(plain)
    brief.chart("time_series", trend, title=brief.t("glotip.trend_title", country=name))
    year = int(trend["period_end"].max()) if len(trend) else int(plain["period_end"].max())
    latest = plain[plain["period_end"] == year]
    for by, where, key in (("sex", dict(age="total", form="total"), "glotip.sex_title"),
                           ("age", dict(sex="total", form="total"), "glotip.age_title"),
                           ("form", dict(sex="total", age="total"), "glotip.form_title")):
        parts = b.select(latest, **where)
        parts = parts[parts[by] != "total"]
        if len(parts):
            brief.chart("ranked_bar", parts, by=by, title=brief.t(key, country=name, year=year))
    by_cit = b.totals(det[det["citizenship"].notna()])
    if len(by_cit):
        cyear = int(by_cit["period_end"].max())
        cit = by_cit[by_cit["period_end"] == cyear]
        cit = cit.assign(_k=cit["value"].fillna(-1)).sort_values("_k", ascending=False).drop(columns="_k")
        b.subsection(brief.t("glotip.citizenship_title", country=name, year=cyear))
        b.rows_table([brief.t("col.citizenship"), brief.t("col.value")],
                     [[_citizenship_name(c, brief.lang), _value(r, brief.lang)] for c, (_i, r)
                      in zip(cit["citizenship"], cit.iterrows())], numeric=(1,))
        brief.keep(cit)
    justice_table(brief, rows)
    b.note(b.t("note.disclosure", brief.lang, n=5))


def _citizenship_name(code: str, lang: str) -> str:
    from ..flows import place_name

    if code == "nationals":
        return b.t("flows.nationals", lang)
    return place_name(code, "iso3" if len(code) == 3 and code.isupper() else "group", lang)


def justice_table(brief: Brief, rows: pd.DataFrame) -> None:
    """Suspected / prosecuted / convicted persons by year (totals only, protected values)."""
    j = b.totals(b.select(rows, measure="justice_count"))
    j = j[j["citizenship"].isna()]
    if j.empty:
        b.gap(brief.t("gap.unverified", what=brief.t("what.justice", country=brief.name(brief.country))))
        return
    b.subsection(brief.t("glotip.justice_title", country=brief.name(brief.country)))
    inds = [i for i in ("persons_suspected", "persons_prosecuted", "persons_convicted") if i in set(j["indicator"])]
    out = []
    for year in sorted(set(j["period_end"].astype(int))):
        line = [str(year)]
        for ind in inds:
            hit = j[(j["indicator"] == ind) & (j["period_end"] == year)]
            line.append(_value(hit.iloc[0], brief.lang) if len(hit) else "—")
        out.append(line)
    b.rows_table([brief.t("col.year")] + [b.label("indicator", i, brief.lang) for i in inds], out,
                 numeric=tuple(range(1, len(inds) + 1)))
    brief.keep(j)
    b.note(brief.t("glotip.justice_note"))


def gsi_estimates(brief: Brief, places=None) -> None:
    """Walk Free GSI 2023 modelled prevalence: an estimate, labelled so (when ``gsi`` is given)."""
    if not brief.datasets.get("gsi"):
        return
    places = list(places or ([brief.country] if brief.country else b.PARTICIPANTS))
    b.section(brief.t("gsi.heading"), brief.t("gsi.lead"))
    rows = b.totals(brief.dataset("gsi"))
    rows = rows[rows["geo"].isin(places) & (rows["indicator"] == "modern_slavery")]
    if rows.empty:
        b.gap(brief.t("gap.unverified", what=brief.t("what.gsi", places=", ".join(brief.name(p) for p in places))))
        return
    rates = rows[rows["measure"] == "rate"]
    if len(places) == 1:
        for measure in ("rate", "estimate_stock"):
            brief.chart("headline", rows[rows["measure"] == measure].head(1))
    elif rates["geo"].nunique() > 1:
        brief.chart("ranked_bar", b.common_year(rates), title=brief.t("gsi.rate_title"))
    missing = [brief.name(p) for p in places if p not in set(rates["geo"])]
    if missing:
        b.gap(brief.t("gap.unverified", what=brief.t("what.gsi", places=", ".join(missing))))
    b.bullets([brief.t("gsi.caveat"), brief.t("pitfall.series")])


def ctdc_records(brief: Brief) -> None:
    """CTDC victim records for the country (protected), when a CTDC file is given."""
    if not brief.datasets.get("ctdc"):
        return
    b.section(brief.t("ctdc.heading"), brief.t("ctdc.lead"))
    rows = _protected(brief, "ctdc", brief.country)
    if rows.empty:
        b.gap(brief.t("ctdc.none", country=brief.name(brief.country)))
        return
    _national_table(brief, b.totals(rows).sort_values("period_start") if len(b.totals(rows)) else rows)


def country_gaps(brief: Brief) -> None:
    """What is missing for this country, said plainly."""
    b.section(brief.t("section.gaps"))
    iso3, name = brief.country, brief.name(brief.country)
    keys = []
    if iso3 in EUROPE:
        keys.append(("what.national_counts", {"country": name}))
    if iso3 == "SRB":
        keys.append(("what.srb_ratification", {}))
    if iso3 == "TUN":
        keys += [("what.inltp", {}), ("what.inltp_reports", {})]
    if iso3 in SOUTH:
        keys.append(("what.glotip_name", {}))
    if not keys and _national(brief, iso3).empty:
        keys.append(("what.national_counts", {"country": name}))
    for key, fmt in keys:
        b.gap(brief.t("gap.unverified", what=brief.t(key, **fmt)))
    if iso3 not in b.PARTICIPANTS:
        b.note(brief.t("cb.not_participant", country=name))


# --- flows --------------------------------------------------------------------------------

def _places(brief: Brief) -> list[str]:
    return [brief.country] if brief.country else list(b.PARTICIPANTS)


def published_flows(brief: Brief) -> None:
    """The bundled report figures on flows: shares, not counts, never mixed with a flow table."""
    from ..flows import published_flows as published

    table = published(brief.lang)
    places = set(_places(brief))
    if brief.country:
        table = table[table["destination"].isin(places) | table["origin"].isin(places)]
    else:
        table = table[table["destination"].isin(places | {"EU27", "WLD"})]
    b.section(brief.t("flows.published.heading"), table.attrs.get("caption", ""))
    if table.empty:
        b.gap(brief.t("gap.no_flows", place=", ".join(brief.name(p) for p in sorted(places))))
        return
    rows = [[r["destination_name"], r["origin_name"], r["period"], r["indicator_name"], r["share_text"],
             _cite(brief, r["source_id"])] for _i, r in table.iterrows()]
    b.rows_table([brief.t(k) for k in ("flows.col.destination", "flows.col.origin", "col.period",
                                       "col.indicator", "flows.col.share", "col.source")], rows, numeric=(4,))
    brief.keep(table)
    b.note(brief.t("flows.published.bases"))


def _flow_table(brief: Brief, name: str):
    """(flows of the dataset after protection, indicator) or (None, None) when not given."""
    from ..flows import from_observations

    if not brief.datasets.get(name):
        return None, None
    indicator = "ctdc_victim_records" if name == "ctdc" else "trafficking_victims_detected"
    rows = _protected(brief, name)
    rows = rows[rows["citizenship"].notna() & (rows["indicator"] == indicator)]
    source = next((s for s in (b.loaded_sources() or []) if s.get("source_id") == brief.datasets[name]), None)
    return from_observations(rows, indicator=indicator, sources=source), indicator


def _best_year(flows: pd.DataFrame, places: list[str]) -> int | None:
    """The year in which the most of ``places`` reported flows (the latest on a tie)."""
    touch = flows[flows["destination"].isin(places) | flows["origin"].isin(places)]
    touch = touch[touch["period_start"] == touch["period_end"]]
    if touch.empty:
        return None
    counts = touch.groupby("period_end").apply(
        lambda g: len(set(g["destination"]) & set(places)) * 1000 + len(g), include_groups=False)
    return int(counts[counts == counts.max()].index.max())


def _bounded(lower: float, upper: float, lang: str) -> str:
    """A sum known only by its bounds; equal bounds are an exact figure."""
    from ..flows import format_total

    return format_total(lower if lower == upper else None, lower, upper, lang)


def dataset_flows(brief: Brief, name: str) -> None:
    """Sankey, map, corridor table and Mediterranean routes from a GLOTIP or CTDC file."""
    from ..charts import show
    from ..errors import TraffickstatsError
    from ..flows import corridor_table, flow_map, format_total, routes, sankey, set_aside, to_observations

    flows, _indicator = _flow_table(brief, name)
    if flows is None:
        return
    b.section(brief.t(f"flows.{name}.heading"), brief.t(f"flows.{name}.lead"))
    places = _places(brief)
    year = _best_year(flows, places)
    if year is None:
        b.gap(brief.t("gap.no_flows", place=", ".join(brief.name(p) for p in places)))
        return
    one = flows[(flows["period_start"] == year) & (flows["period_end"] == year)]
    sources_ = one["source_id"].unique()
    one = one[one["source_id"] == sources_[0]]
    mine = one[one["destination"].isin(places) | one["origin"].isin(places)]
    mine.attrs.update(flows.attrs)
    brief.keep(to_observations(mine))
    scheme = "unodc"
    # titles kept to one line (multi-line plotly titles are clipped at the top of the figure)
    for draw in (lambda: sankey(mine, brief.lang, scheme=scheme, title=brief.t("flows.sankey_title", year=year)),
                 lambda: flow_map(mine, brief.lang, n=25, title=brief.t("flows.map_title", year=year))):
        try:
            show(draw())
        except TraffickstatsError:  # e.g. no corridor with both ends on the map: said, not hidden
            b.note(brief.t("flows.not_drawn"))
    try:
        b.show_html(corridor_table(mine, brief.lang, n=15, include_domestic=False))
    except TraffickstatsError:
        b.gap(brief.t("gap.no_flows", place=", ".join(brief.name(p) for p in places)))
    if not brief.country:
        r = routes(one)
        if len(r):
            b.subsection(brief.t("flows.routes.heading", year=year))
            rows = [[brief.t(f"route.{x['route']}"),
                     format_total(x["value"], x["lower"], x["upper"], brief.lang, int(x["censored_cells"])),
                     brief.t("flows.routes.reporting", n=int(x["destinations_reporting"]),
                             of=int(x["destinations_in_region"])),
                     _bounded(x["unplaced_lower"], x["unplaced_upper"], brief.lang)] for _i, x in r.iterrows()]
            b.rows_table([brief.t(k) for k in ("flows.col.route", "flows.col.victims", "flows.col.reporting",
                                               "flows.col.unplaced")], rows, numeric=(1,))
            b.note(brief.t("flows.routes.note"))
    aside = set_aside(flows)
    if len(aside):
        b.note(brief.t("flows.set_aside", count=len(aside)))
    b.note(b.t("note.disclosure", brief.lang, n=5))
