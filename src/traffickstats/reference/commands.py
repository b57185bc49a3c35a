"""CLI targets: ``data show``, ``sources`` and ``explain`` (argument parsing is in cli.py).

All French / English wording of these verbs is in ``WORDS`` below; vocabulary labels
(indicator, measure, unit, ...) come from the shared message catalogs (``i18n.label``).
"""

from __future__ import annotations

import json
import sys

import pandas as pd

from ..i18n import _ as tr
from ..i18n import label
from .. import csvsafe, periods
from ..bases import translate
from ..schema import COLUMNS
from . import bundled
from .explain import find, pitfall_keys, related_notes
from .repeats import same_figure_groups

WORDS: dict[str, dict] = {
    "fr": {
        "header": "« {query} » : {n} chiffre(s) correspondant(s)",
        "header_fact": "Fait {query} : {n} chiffre(s) publié(s)",
        "tolerance": "tolérance : ± {tol} (l'arrondi de la citation)",
        "reading": "lecture {locale}",
        "what": "Ce que c'est",
        "period": "Période",
        "geo": "Zone",
        "breakdown": "Ventilation",
        "source": "Source",
        "url": "Adresse",
        "location": "Emplacement",
        "evidence": "Preuve",
        "note": "Note (en anglais, telle que saisie)",
        "base": "Base (100 %)",
        "same_figure": "Même chiffre",
        "know": "À savoir",
        "no_url": "(pas d'adresse : à vérifier dans la publication d'origine)",
        "no_numbers": "Aucun chiffre n'est regroupé pour ce fait ; notes :",
        "status": {"primary": "V-P, vu dans la publication de l'organisme", "secondary": "V-S, vu seulement dans la presse ou une ONG"},
        "pitfall": {
            "stock_vs_detected": "C'est une ESTIMATION modélisée d'un stock (personnes dans la situation à un moment donné, "
            "à partir d'enquêtes et de modèles), pas un décompte de victimes de la traite identifiées par les autorités. "
            "Ne jamais l'additionner aux victimes détectées ni l'en soustraire (détection : de l'ordre de 1 à 10 pour 100 000 ; "
            "prévalence estimée : 150 à 1 000 pour 100 000).",
            "forced_labour_not_trafficking": "Travail forcé (Convention n° 29 de l'OIT) ≠ traite des personnes : il couvre "
            "l'essentiel de la traite à des fins d'exploitation par le travail et sexuelle, mais exclut la traite aux fins de "
            "prélèvement d'organes et le mariage ou l'adoption forcés ; beaucoup de victimes n'ont jamais été déplacées. "
            "« 21 millions de victimes » désigne le travail forcé, pas « les victimes de la traite ».",
            "series_not_comparable": "BIT 2005 (12,3 M), BIT 2012 (20,9 M, période 2002-2011), estimations mondiales 2017 "
            "(24,9 M) et 2022 (27,6 M) reposent sur des données et des modèles différents : pas une tendance, sauf là où "
            "l'éditeur compare lui-même.",
            "modern_slavery": "Esclavage moderne = travail forcé + mariage forcé : ni un chiffre du travail forcé, ni un "
            "chiffre de la traite.",
            "profits": "Profits illégaux annuels modélisés (pas un chiffre d'affaires), en dollars courants. 150 Md $ (2014) "
            "et 236 Md $ (2021) ne se soustraient pas : la hausse publiée (+64 Md $) repose sur une base 2014 corrigée de "
            "l'inflation. Les montants par victime sont des moyennes sur des victimes modélisées.",
            "detected_not_prevalence": "Décompte administratif : personnes ou affaires identifiées pendant une période ; il "
            "dépend de l'effort de détection et des lois, pas de l'ampleur réelle.",
            "share_base": "Une part dépend de sa base : ne pas la présenter comme une part d'un autre total.",
            "part_year": "Chiffre sur une partie de l'année seulement : ne pas le comparer à une année entière ni "
            "le présenter comme le total de l'année.",
            "subset": "Sous-ensemble (victimes potentielles, une affaire ou un organisme, victimes dont le profil est "
            "connu) : pas le total national des victimes détectées.",
            "change_as_published": "Variation telle que publiée par l'éditeur ; ne pas la recalculer entre éditions.",
            "denominators": "Dénominateur par défaut : Perspectives de la population mondiale 2024 (ONU) pour les neuf "
            "pays ; ne pas mélanger les révisions ou les éditeurs dans un même taux.",
            "region_schemes": "Les découpages régionaux diffèrent : « Moyen-Orient » (BIT 2012), « États arabes » (BIT/Walk "
            "Free) et « Afrique du Nord et Moyen-Orient » (ONUDC) sont trois territoires différents.",
            "secondary": "Chiffre vu seulement dans une source secondaire : citer la publication d'origine « telle que "
            "rapportée par » et vérifier avant impression.",
        },
    },
    "en": {
        "header": "\"{query}\": {n} matching figure(s)",
        "header_fact": "Fact {query}: {n} published figure(s)",
        "tolerance": "tolerance: ± {tol} (the rounding of the quote)",
        "reading": "{locale} reading",
        "what": "What it is",
        "period": "Period",
        "geo": "Geography",
        "breakdown": "Breakdown",
        "source": "Source",
        "url": "URL",
        "location": "Location",
        "evidence": "Evidence",
        "note": "Note",
        "base": "Base (100%)",
        "same_figure": "Same figure",
        "know": "Keep in mind",
        "no_url": "(no URL: re-check in the original publication)",
        "no_numbers": "No figure is bundled for this fact; notes:",
        "status": {"primary": "V-P, seen in the issuing organisation's publication", "secondary": "V-S, seen only in press / NGO reports"},
        "pitfall": {
            "stock_vs_detected": "This is a modelled ESTIMATE of a stock (people in the situation at any given point in "
            "time, from surveys and models), not a count of trafficking victims identified by authorities. Never add it to "
            "or subtract it from detected victims (detection: about 1-10 per 100,000; estimated prevalence: 150-1,000 per "
            "100,000).",
            "forced_labour_not_trafficking": "Forced labour (ILO Convention No. 29) is not the same as trafficking in "
            "persons: it covers most trafficking for labour and sexual exploitation but excludes trafficking for organ "
            "removal and forced marriage/adoption, and many victims never moved. \"21 million victims\" is the forced-labour "
            "figure, not \"trafficking victims\".",
            "series_not_comparable": "ILO 2005 (12.3 m), ILO 2012 (20.9 m, period 2002-2011), GEMS 2017 (24.9 m) and GEMS "
            "2022 (27.6 m) use different data and models: not a trend, except where the publisher compares.",
            "modern_slavery": "Modern slavery = forced labour + forced marriage: neither a forced-labour nor a trafficking "
            "figure.",
            "profits": "Modelled annual illegal profits (not turnover), nominal US$. US$150 bn (2014) and US$236 bn (2021) "
            "must not be subtracted: the published +US$64 bn uses an inflation-adjusted 2014 base. Per-victim amounts are "
            "averages over modelled victims.",
            "detected_not_prevalence": "Administrative count: people or cases identified during a period; it reflects "
            "detection effort and laws, not the true extent.",
            "share_base": "A share depends on its base: never present it as a share of another total.",
            "part_year": "A figure for part of the year only: do not compare it with a whole year or present it as "
            "the year's total.",
            "subset": "A subset (potential victims, one operation or organisation, victims with a known profile): "
            "not the national total of detected victims.",
            "change_as_published": "Change as published by the publisher; do not recompute it across editions.",
            "denominators": "Default denominator: UN World Population Prospects 2024 for all nine countries; never mix "
            "revisions or publishers in one rate.",
            "region_schemes": "Region schemes differ: \"Middle East\" (ILO 2012), \"Arab States\" (ILO/Walk Free) and "
            "\"North Africa and the Middle East\" (UNODC) are three different territories.",
            "secondary": "Figure seen only in a secondary source: cite the original publication \"as reported by\" and "
            "re-check before printing.",
        },
    },
}


# --- helpers ------------------------------------------------------------------------------


def _clean(v):
    """pandas missing values -> None, numpy scalars -> Python (for JSON)."""
    if v is None or (not isinstance(v, (str, list, dict)) and pd.isna(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _print_frame(df: pd.DataFrame, fmt: str, table: pd.DataFrame, title: str) -> None:
    """csv / json carry every column of ``df``; the rich table shows the compact ``table`` view."""
    if fmt == "csv":
        csvsafe.to_csv(df, sys.stdout)  # formula-leading text cells defused (OWASP)
    elif fmt == "json":
        # to_json writes NaN / <NA> as null and keeps every column.
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        from rich.console import Console
        from rich.table import Table

        console = Console()
        if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
            console = Console(width=220)
        out = Table(title=title)
        for c in table.columns:
            out.add_column(c, overflow="fold")
        for row in table.itertuples(index=False):
            out.add_row(*["" if _clean(v) is None else str(_clean(v)) for v in row])
        console.print(out)


def _observation_view(obs: pd.DataFrame) -> pd.DataFrame:
    """The readable columns of `data show`: breakdowns folded into one cell, the value with what
    the source said around it ("about 1,100"), the period as a label ("Jan – Jul 2017")."""
    from ..formatting import qualified

    def breakdown(r):
        return ", ".join(str(r[k]) for k in ("sex", "age", "form", "citizenship")
                         if isinstance(r[k], str) and r[k] != "total") or "total"

    def period(r):
        return periods.label(r["period_start"], r["period_end"], "en") + f" ({r['period_kind']})"

    def value(r):
        if pd.isna(r["value"]):
            return f"{r['lower']:,.12g} to {r['upper']:,.12g}" if r["censored"] else ""
        return qualified(f"{r['value']:,.12g}", r["qualifier"], "en")

    return pd.DataFrame({
        "fact_id": obs["fact_id"],
        "indicator": obs["indicator"],
        "measure": obs["measure"],
        "geo": obs["geo_scheme"] + ":" + obs["geo"],
        "period": obs.apply(period, axis=1) if len(obs) else [],
        "breakdown": obs.apply(breakdown, axis=1) if len(obs) else [],
        "value": obs.apply(value, axis=1) if len(obs) else [],
        "unit": obs["unit"],
        "base": obs["base"].fillna(""),
        "evidence": obs["evidence"],
        "source_id": obs["source_id"],
    })


def geo_label(geo: str, scheme: str, lang: str) -> str:
    """'Tunisie' for TUN, 'Afrique (ilo2012:africa)' for a region code (its scheme said)."""
    from ..geo import place_name

    name = place_name(geo, scheme, lang)
    return name if scheme == "iso3" else f"{name} ({scheme}:{geo})"


def _figure(row, lang: str) -> str:
    """The exact published value with its unit and what the source said around it ("environ
    1 100 personnes", "plus de 73 %"); large values also in words ("20,9 millions")."""
    from ..formatting import format_compact, format_number, format_percent, qualified

    v, unit = row["value"], row["unit"]
    if pd.isna(v):
        return tr("fmt.range", lang, lower=format_number(row["lower"], lang), upper=format_number(row["upper"], lang))
    if unit == "percent":
        return qualified(format_percent(v, lang), row["qualifier"], lang)
    text = qualified(f"{format_number(v, lang)} {label('unit', unit, lang)}", row["qualifier"], lang)
    if abs(v) >= 1e6:
        text += f" ({format_compact(v, lang, decimals=1)})"
    return text


def _period(row, lang: str) -> str:
    span = periods.label(row["period_start"], row["period_end"], lang)
    return f"{span}, {label('period_kind', row['period_kind'], lang)}"


def _quoted(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f"\"{text}\""


# --- verbs --------------------------------------------------------------------------------


def show(args) -> int:
    """`traffickstats data show`: the bundled observations, every schema column in csv/json."""
    obs = bundled.observations(indicator=args.indicator, geo=args.geo, source=args.source, fact=args.fact)
    _print_frame(obs, args.format, _observation_view(obs), f"traffickstats: {len(obs)} observations")
    return 0


def sources(args) -> int:
    """`traffickstats sources`: the citations (French and English) behind the bundled data."""
    src = bundled.sources(args.source_id or None)
    src.insert(1, "citation_fr", [bundled.citation(s, "fr") for s in src["source_id"]])
    src.insert(2, "citation_en", [bundled.citation(s, "en") for s in src["source_id"]])
    _print_frame(src, args.format, src[["source_id", "citation_fr", "evidence", "url"]],
                 f"traffickstats: {len(src)} sources")
    return 0


def _twins(row: pd.Series) -> list[dict]:
    """The same figure bundled under another label ("same figure as TUN-01 trafficking_cases")."""
    every = bundled.observations()
    me = ((every["fact_id"] == row["fact_id"]) & (every["indicator"] == row["indicator"])
          & (every["value"] == row["value"]) & (every["period_start"] == row["period_start"]))
    group = same_figure_groups(every)
    mine = group[me].dropna()
    if mine.empty:
        return []
    others = every[group.eq(mine.iloc[0]).fillna(False) & ~me]
    return [{"fact_id": r["fact_id"], "indicator": r["indicator"]} for _i, r in others.iterrows()]


def explain_record(row: pd.Series, lang: str) -> dict:
    """Everything `explain` says about one observation, as plain data (the --json shape)."""
    src = bundled.sources(row["source_id"]).iloc[0]
    n = related_notes(row)
    twins = _twins(row)
    return {
        "fact_id": _clean(row["fact_id"]),
        "figure": _figure(row, lang),
        **{c: _clean(row[c]) for c in COLUMNS if c not in ("fact_id",)},
        "indicator_label": label("indicator", row["indicator"], lang),
        "measure_label": label("measure", row["measure"], lang),
        "period_label": _period(row, lang),
        "geo_label": geo_label(row["geo"], row["geo_scheme"], lang),
        "citation": bundled.citation(row["source_id"], lang),
        "url": _clean(src["url"]),
        "location": _clean(src["location"]),
        "evidence_label": WORDS[lang]["status"][row["evidence"]],
        "notes": [t for t in n[f"text_{lang}"].tolist() if isinstance(t, str)],
        "pitfalls": [WORDS[lang]["pitfall"][k] for k in pitfall_keys(row)],
        "matched_reading": _clean(row.get("reading")),
        "also_published_as": [{**t, "indicator_label": label("indicator", t["indicator"], lang)} for t in twins],
        "base_text": translate(row["base"], lang),  # the base in ``lang`` (locales/bases.csv)
    }


def explain(args) -> int:
    """`traffickstats explain "21 millions"`: which bundled figure, what it measures, from where."""
    lang = args.lang
    w = WORDS[lang]
    ex = find(args.query)
    records = [explain_record(r, lang) for _, r in ex.matches.iterrows()]
    fact_notes = []
    if ex.kind == "fact" and not records:
        fact_notes = [t for t in bundled.notes(fact=ex.query)[f"text_{lang}"] if isinstance(t, str)]
    if args.json:
        out = {
            "query": ex.query, "kind": ex.kind, "lang": lang,
            "readings": [r.__dict__ for r in ex.readings],
            "matches": records, "notes": fact_notes,
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return 0
    from ..formatting import format_number

    lines = [w["header_fact" if ex.kind == "fact" else "header"].format(query=ex.query, n=len(records))]
    for r in ex.readings:
        extra = f"; {w['reading'].format(locale=r.locale)}" if r.locale else ""
        lines.append(f"  ({w['tolerance'].format(tol=format_number(r.tolerance, lang))}{extra})")
    if fact_notes:
        lines.append(w["no_numbers"])
        lines += [f"  - {t}" for t in fact_notes]
    for rec in records:
        lines.append("")
        lines.append(f"{rec['fact_id']} — {rec['figure']}")
        lines.append(f"  {w['what']} : {rec['indicator_label']} ; {rec['measure_label']}"
                     if lang == "fr" else f"  {w['what']}: {rec['indicator_label']}; {rec['measure_label']}")
        sep = " : " if lang == "fr" else ": "
        lines.append(f"  {w['period']}{sep}{rec['period_label']}")
        lines.append(f"  {w['geo']}{sep}{rec['geo_label']}")
        if rec["base"]:
            lines.append(f"  {w['base']}{sep}{rec['base_text']}")
        parts = [label(k, rec[k], lang) for k in ("sex", "age", "form") if rec[k] not in (None, "total")]
        if parts:
            lines.append(f"  {w['breakdown']}{sep}{', '.join(parts)}")
        lines.append(f"  {rec['citation']}")
        lines.append(f"  {w['url']}{sep}{rec['url'] or w['no_url']}")
        if rec["location"]:
            lines.append(f"  {w['location']}{sep}{rec['location']}")
        lines.append(f"  {w['evidence']}{sep}{rec['evidence_label']}")
        if rec["also_published_as"]:
            labels = tr("fmt.list_sep", lang).join(
                f"{_quoted(t['indicator_label'], lang)} ({t['fact_id']})" for t in rec["also_published_as"])
            lines.append(f"  {w['same_figure']}{sep}{tr('note.same_figure', lang, labels=labels)}")
        if rec["note"]:
            lines.append(f"  {w['note']}{sep}{rec['note']}")
        if rec["notes"] or rec["pitfalls"]:
            lines.append(f"  {w['know']}{sep.rstrip()}")
            lines += [f"   - {t}" for t in rec["notes"] + rec["pitfalls"]]
    print("\n".join(lines))
    return 0
