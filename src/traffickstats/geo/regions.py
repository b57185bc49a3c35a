"""Region schemes as data: which countries make up ILO, UNODC, M49, EU, CoE... regions.

Each scheme is ``traffickstats/regions/<scheme>.csv`` (iso3, region, basis) and its regions are
described in ``regions/schemes.csv`` (scheme, region, level, parent, name_en/fr/ar, note).
``basis`` says how sure a membership is; SOURCES.md lists the tokens. A scheme may have
several *levels* (UNODC regions and subregions, EU27 and EU28, CoE membership and the CETS 197
treaty); inside one level a country belongs to at most one region, so sums stay sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pandas as pd

from ..errors import ParameterError, UnknownGeographyError
from ..paths import package_resource
from ._text import name_key
from .names import LANGS, _tables


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(package_resource("regions", name), comment="#", dtype=str,
                       keep_default_na=False)


@cache
def scheme_table() -> pd.DataFrame:
    """``regions/schemes.csv``: one row per region of every scheme."""
    return _read("schemes.csv")


@cache
def _members(scheme: str) -> pd.DataFrame:
    table = scheme_table()
    regions = table[table["scheme"] == scheme]
    df = _read(f"{scheme}.csv")
    undeclared = sorted(set(df["region"]) - set(regions["region"]))
    if undeclared:  # a typo in a CSV must not create a silent new region
        raise UnknownGeographyError(f"regions/{scheme}.csv uses regions missing from "
                                    f"schemes.csv: {', '.join(undeclared)}", unknown=undeclared)
    return df.merge(regions[["region", "level"]], on="region", how="left")


def schemes() -> list[str]:
    """Names of the region schemes, in ``schemes.csv`` order."""
    return list(dict.fromkeys(scheme_table()["scheme"]))


def _check_scheme(scheme: str) -> None:
    if scheme not in schemes():
        raise UnknownGeographyError(f"unknown region scheme {scheme!r}; known: {', '.join(schemes())}",
                                    unknown=[scheme])


def levels(scheme: str) -> list[str]:
    """Levels of a scheme; the first is the default (e.g. unodc: region, subregion)."""
    _check_scheme(scheme)
    t = scheme_table()
    return list(dict.fromkeys(t.loc[t["scheme"] == scheme, "level"]))


def _level(scheme: str, level: str | None) -> str:
    known = levels(scheme)
    if level is None:
        return known[0]
    if level not in known:
        raise ParameterError(f"scheme {scheme!r} has levels {', '.join(known)}, not {level!r}")
    return level


def members(scheme: str, region: str | None = None, *, level: str | None = None) -> pd.DataFrame:
    """Countries of a scheme (or of one region): iso3, region, level, basis, country (English).

    ``level`` filters when given; with ``region`` the region's own level is used.
    """
    _check_scheme(scheme)
    df = _members(scheme)
    if region is not None:
        if region not in set(scheme_table().query("scheme == @scheme")["region"]):
            raise UnknownGeographyError(f"scheme {scheme!r} has no region {region!r}",
                                        unknown=[region])
        df = df[df["region"] == region]
    elif level is not None:
        df = df[df["level"] == _level(scheme, level)]
    out = df.assign(scheme=scheme,
                    country=df["iso3"].map(_tables().countries["name_en"]))
    return out[["scheme", "level", "region", "iso3", "country", "basis"]].reset_index(drop=True)


def region_of(codes: Iterable[str], scheme: str, *, level: str | None = None,
              strict: bool = True) -> list[str | None]:
    """Region code of each ISO3 code in ``scheme`` (at ``level``, default the first).

    A known country outside the scheme (Tunisia in ``eu``) gives None. A code that is not an
    ISO3 code of a known country raises :class:`UnknownGeographyError` when ``strict``
    (all such codes listed), else gives None.
    """
    lv = _level(scheme, level)
    df = _members(scheme)
    lookup = dict(zip(df.loc[df["level"] == lv, "iso3"], df.loc[df["level"] == lv, "region"]))
    codes = [None if c is None else str(c).strip().upper() for c in codes]
    known = _tables().countries.index
    bad = sorted({str(c) for c in codes if c not in known})
    if bad and strict:
        raise UnknownGeographyError(f"{len(bad)} codes are not ISO3 codes of a known country: "
                                    f"{', '.join(map(repr, bad))}", unknown=bad)
    return [lookup.get(c) for c in codes]


#: ``basis`` of a membership placed by the rule in ``regions/_generate.py`` and not checked
#: against the publisher's own country list (SOURCES.md). Pages never state it as fact: they
#: say "by rule, not verified" (message ``note.by_rule``) or leave it out.
RULE_UNVERIFIED = "rule_unverified"


def membership_basis(codes: Iterable[str], scheme: str, *, level: str | None = None) -> list[str | None]:
    """How sure each country's place in ``scheme`` (at ``level``, default the first) is: its
    ``basis`` token (``facts_5``, ``gsi2023_region``, ``rule_unverified``...; SOURCES.md), None
    for a known country outside the scheme. Unknown codes raise as in :func:`region_of`."""
    lv = _level(scheme, level)
    region_of(codes, scheme, level=lv)  # same validation and errors
    df = _members(scheme)
    lookup = dict(zip(df.loc[df["level"] == lv, "iso3"], df.loc[df["level"] == lv, "basis"]))
    return [lookup.get(None if c is None else str(c).strip().upper()) for c in codes]


def by_rule(code: str, scheme: str, *, level: str | None = None) -> bool:
    """True when ``code``'s region in ``scheme`` was set by rule and not verified against the
    publisher's list (Tunisia in ILO 2012 "Africa", Lebanon in UNODC "North Africa and the
    Middle East"): a page must not state that membership as fact."""
    return membership_basis([code], scheme, level=level)[0] == RULE_UNVERIFIED


def region_name(scheme: str, region: str, lang: str = "fr") -> str:
    """Display name of a region code in fr / en / ar."""
    if lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    _check_scheme(scheme)
    t = scheme_table()
    row = t[(t["scheme"] == scheme) & (t["region"] == region)]
    if row.empty:
        raise UnknownGeographyError(f"scheme {scheme!r} has no region {region!r}", unknown=[region])
    return row.iloc[0][f"name_{lang}"]


# --- GLOTIP's own region labels -------------------------------------------------------------

@cache
def _region_labels() -> dict[str, str]:
    """name key -> unodc code ('' when the label is a region but not a unodc one)."""
    labels = {name_key(r.label): r.unodc for r in _read("glotip_labels.csv").itertuples()}
    t = scheme_table()
    for r in t[t["scheme"] == "unodc"].itertuples():  # the scheme's own names and codes
        for text in (r.region, r.name_en, r.name_fr):
            labels[name_key(text)] = r.region
    return labels


def unodc_region_code(name: str) -> str | None:
    """The ``unodc`` region code a GLOTIP region/subregion label names, or None.

    None also for labels that are regions but not UNODC ones (GLOTIP's Region/Subregion columns
    hold M49 groupings such as "Northern Africa"); use :func:`is_region_name` to tell a region
    from a country. See ``regions/glotip_labels.csv``.
    """
    return _region_labels().get(name_key(name)) or None


def is_region_name(name: str) -> bool:
    """True for a known region label (GLOTIP labels, aggregate codes, scheme names/codes)."""
    key = name_key(name)
    if key in _region_labels():
        return True
    t = scheme_table()
    return any(key == name_key(v) for col in ("region", "name_en", "name_fr", "name_ar")
               for v in t[col])
