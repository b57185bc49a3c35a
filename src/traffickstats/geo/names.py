"""Country names and codes: ISO2 / ISO3 / M49 / English, French and Arabic names -> ISO3.

The lookup tables are built once (lazily), in two tiers.

Reviewed tier:

1. country_converter's classification table ``country_data.tsv`` (names, regexes, codes),
   read directly with ``keep_default_na=False`` so Namibia's ISO2 code "NA" stays a code
   (``coco.CountryConverter()`` itself fails under pandas 3: it reads "NA" as missing);
2. babel's CLDR territory names for ``en``, ``fr``, ``es`` and ``ar``;
3. ``regions/names.csv``: aliases neither knows (Kosovo under UNSCR 1244, French long forms,
   former names), each with a note. It wins over the other two.

Vendored tier (``vendor/country_labels.tsv``, rebuilt by ``tools/build_country_labels.py``
from the npm packages world-countries, ODbL, and i18n-nationality, MIT): common and official
names in English, French, Spanish and Arabic, alternative spellings, and demonyms (English and
French from world-countries, Spanish from i18n-nationality) with their regular plural and
feminine forms (:mod:`.demonyms`): "Moroccan", "Marocaines", "VENEZOLANA", "Estados Unidos".
A key of this tier is used only where the reviewed tier has none; a key that two countries
share ("Congolese", "Dominicano") is ambiguous and refused.

Matching order for one input: refused sentinel codes -> M49 number -> ISO2 -> ISO3 -> exact name
key (see :func:`name_key`) -> country_converter's regular expressions (only when exactly one
matches, and never for a list such as "Sudan and South Sudan"). Anything else is *unknown*:
listed with suggestions, never dropped and never guessed. Suggestions are never accepted by
themselves: a misspelling ("Filippino") resolves only through a reviewed names file
(:mod:`.namesfile`, ``traffickstats data harmonize``).
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from ..i18n import LANGS
from ..errors import ParameterError, UnknownGeographyError
from ..paths import package_resource
from ._text import name_key
from .demonyms import forms

#: Languages whose CLDR territory names are read (display names exist for LANGS only).
NAME_LANGS = ("fr", "en", "es", "ar")

#: Codes that mean "no country" in the datasets we read; refused with this reason, by rule.
#: ("NA" is Namibia, never missing.)
REFUSED_CODES: dict[str, str] = {
    "": "empty",
    "00": "placeholder code 00",
    "ZZ": "ISO 3166 user-assigned 'unknown' code ZZ",
    "XX": "user-assigned 'unknown' code XX",
    "XXX": "user-assigned 'unknown' code XXX",
    "-99": "missing-value sentinel -99",
    "-": "dash (missing)",
    "..": "dots (missing)",
    "N/A": "not available",
    "NAN": "missing value written as text",
    "NONE": "missing value written as text",
    "NULL": "missing value written as text",
}

# A list of places ("Sudan and South Sudan", "Aruba/Curacao") is never one country.
_LIST_MARK = re.compile(r"[&/+;]|\b(and|et|y|und)\b")
_M49 = re.compile(r"^\d{1,3}(\.0+)?$")


class UnknownGeographyWarning(UserWarning):
    """Non-strict conversion met names or codes it returned as None."""


@dataclass(frozen=True)
class _Tables:
    countries: pd.DataFrame          # index iso3: iso2, m49, name_en, name_official, name_fr, name_ar
    by_iso2: dict[str, str]
    by_num: dict[int, str]
    by_key: dict[str, str]           # unambiguous name key -> iso3
    ambiguous: dict[str, frozenset]  # name key -> several iso3
    regexes: tuple[tuple[re.Pattern, str], ...]
    shown: dict[str, str]            # name key -> "Name (ISO3)" for suggestions
    via: dict[str, str]              # name key -> where the name comes from (vendored tier)


def _coco_path() -> Path:
    import country_converter

    return Path(country_converter.__file__).with_name("country_data.tsv")


def _iso2_codes(cell: str) -> list[str]:
    """country_data.tsv stores GB and GR as regexes ("^GB$|^UK$"): first code is ISO, rest aliases."""
    return re.findall(r"[A-Z]{2}", cell) if "^" in cell else ([cell] if cell else [])


def aliases() -> pd.DataFrame:
    """The committed alias table ``regions/names.csv`` (alias, iso3, note)."""
    return pd.read_csv(package_resource("regions", "names.csv"), comment="#", dtype=str,
                       keep_default_na=False)


@dataclass(frozen=True)
class _Codes:
    iso3: frozenset[str]
    by_iso2: dict[str, str]
    by_num: dict[int, str]


@cache
def _coco() -> pd.DataFrame:
    raw = pd.read_csv(_coco_path(), sep="\t", dtype=str, keep_default_na=False)
    return raw[raw["obsolete"] == ""]  # Soviet Union, Netherlands Antilles...: not current places


@cache
def _codes() -> _Codes:
    """Codes only (ISO3, ISO2, numeric): what a file of codes needs, without the name tables."""
    by_iso2: dict[str, str] = {}
    by_num: dict[int, str] = {}
    for iso3, iso2, isonum, uncode in _coco()[["ISO3", "ISO2", "ISOnumeric", "UNcode"]].itertuples(index=False):
        for code in _iso2_codes(iso2):
            by_iso2[code] = iso3
        for num in (isonum, uncode):
            if num:
                by_num.setdefault(int(num), iso3)
    return _Codes(frozenset(_coco()["ISO3"]), by_iso2, by_num)


def country_codes() -> frozenset[str]:
    """ISO3 codes of the current countries and territories (index of :func:`country_table`)."""
    return _codes().iso3


@cache
def _tables() -> _Tables:
    import babel

    raw = _coco()
    cldr = {lang: babel.Locale.parse(lang).territories for lang in NAME_LANGS}

    by_iso2: dict[str, str] = {}
    by_num: dict[int, str] = {}
    rows, regexes = [], []
    for r in raw.itertuples(index=False):
        iso2s = _iso2_codes(r.ISO2)
        for code in iso2s:
            by_iso2[code] = r.ISO3
        for num in (r.ISOnumeric, r.UNcode):
            if num:
                by_num.setdefault(int(num), r.ISO3)
        iso2 = iso2s[0] if iso2s else ""
        rows.append({
            "iso3": r.ISO3, "iso2": iso2 or None,
            "m49": int(r.UNcode) if r.UNcode else None,
            "name_en": r.name_short, "name_official": r.name_official,
            "name_fr": cldr["fr"].get(iso2), "name_ar": cldr["ar"].get(iso2),
            "name_en_cldr": cldr["en"].get(iso2), "name_es_cldr": cldr["es"].get(iso2),
        })
        regexes.append((re.compile(r.regex, re.IGNORECASE), r.ISO3))
    countries = pd.DataFrame(rows).set_index("iso3")
    countries["m49"] = countries["m49"].astype("Int64")

    candidates: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    for iso3, row in countries.iterrows():
        for col in ("name_en", "name_official", "name_en_cldr", "name_fr", "name_ar", "name_es_cldr"):
            name = row[col]
            if isinstance(name, str) and name:
                key = name_key(name)
                candidates.setdefault(key, set()).add(iso3)
                shown.setdefault(key, f"{name} ({iso3})")
    by_key = {k: next(iter(v)) for k, v in candidates.items() if len(v) == 1}
    ambiguous = {k: frozenset(v) for k, v in candidates.items() if len(v) > 1}
    for a in aliases().itertuples(index=False):  # reviewed aliases win
        key = name_key(a.alias)
        by_key[key] = a.iso3
        ambiguous.pop(key, None)
        shown[key] = f"{a.alias} ({a.iso3})"
    via: dict[str, str] = {}
    _add_vendored(by_iso2, by_key, ambiguous, shown, via)
    return _Tables(countries, by_iso2, by_num, by_key, ambiguous, tuple(regexes), shown, via)


def vendored_labels() -> pd.DataFrame:
    """The vendored label table (iso2, lang, kind, label, source, independent); see ``vendor/VERSION``."""
    return pd.read_csv(Path(__file__).with_name("vendor") / "country_labels.tsv", sep="\t", comment="#",
                       dtype=str, keep_default_na=False)


def _add_vendored(by_iso2, by_key, ambiguous, shown, via) -> None:
    """Second tier: keys the reviewed tier lacks; a key two countries share becomes ambiguous."""
    candidates: dict[str, set[str]] = {}
    first: dict[str, tuple[str, str]] = {}
    states: set[str] = set()   # independent states
    demonym_keys: set[str] = set()
    for iso2, lang, kind, label, source, independent in vendored_labels().itertuples(index=False, name=None):
        iso3 = by_iso2.get(iso2)
        if iso3 is None:
            continue
        if independent == "1":
            states.add(iso3)
        words = forms(label, lang) if kind.startswith("demonym") else {label}
        what = f"{source} {lang} {'demonym' if kind.startswith('demonym') else 'name'}".replace("  ", " ")
        for word in words:
            key = name_key(word)
            if not key or key in by_key or key in ambiguous:
                continue
            candidates.setdefault(key, set()).add(iso3)
            first.setdefault(key, (word, what))
            if kind.startswith("demonym"):
                demonym_keys.add(key)
    for key, isos in candidates.items():
        if len(isos) > 1 and key in demonym_keys and len(isos & states) == 1:
            isos = isos & states  # "Dutch": the Netherlands' citizenship, not Bonaire's
        if len(isos) == 1:
            iso3 = next(iter(isos))
            by_key[key] = iso3
            word, what = first[key]
            shown[key] = f"{word} ({iso3})"
            via[key] = f"{what} {word!r}"
        else:
            ambiguous[key] = frozenset(isos)


def country_table() -> pd.DataFrame:
    """One row per current country/territory (index iso3): iso2, m49, name_en, name_fr, name_ar."""
    return _tables().countries.drop(columns=["name_en_cldr", "name_es_cldr"]).copy()


# --- one value ---------------------------------------------------------------------------

def _missing(value: object) -> bool:
    """None, NaN, pd.NA, NaT: a missing cell, whatever produced it."""
    return value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                             and bool(pd.isna(value)))


def _lookup(value: object, regex: bool = True) -> tuple[str | None, str]:
    """(iso3, "") when recognised, else (None, reason); ``regex=False``: codes and known
    names only, no country_converter pattern ("Marocco" is not taken for "Maroc").
    Codes never build the name tables."""
    if _missing(value):
        return None, "missing value"
    text = str(value).strip()
    upper = text.upper()
    if upper in REFUSED_CODES:
        return None, REFUSED_CODES[upper]
    c = _codes()
    if _M49.match(text):
        iso3 = c.by_num.get(int(float(text)))
        return (iso3, "") if iso3 else (None, f"no country has M49/ISO numeric code {text}")
    if len(text) == 2 and upper in c.by_iso2:
        return c.by_iso2[upper], ""
    if len(text) == 3 and upper in c.iso3:
        return upper, ""
    t = _tables()
    key = name_key(text)
    if key in t.by_key:
        return t.by_key[key], ""
    if key in t.ambiguous:
        return None, "ambiguous: " + ", ".join(sorted(t.ambiguous[key]))
    if not key:
        return None, "no letters or digits"
    return _regex_lookup(text, key) if regex else (None, "not a known name or code")


def exact_iso3(value: object) -> str | None:
    """ISO3 of an ISO2/ISO3/M49 code or a known name (CLDR, country_converter's names, reviewed
    aliases, then the vendored names and demonyms in en, fr, es and ar), without pattern matching: for values a person types, where a
    misspelling must be refused with suggestions rather than matched by a pattern."""
    return _lookup(value, regex=False)[0]


def _regex_lookup(text: str, key: str) -> tuple[str | None, str]:
    t = _tables()
    plain = text.translate(str.maketrans("\u2019\u2018", "''"))
    hits = {iso3 for rx, iso3 in t.regexes if rx.search(plain) or rx.search(key)}
    if len(hits) > 1:
        return None, "matches several countries: " + ", ".join(sorted(hits))
    if not hits:
        return None, "no country matches"
    iso3 = hits.pop()
    if _LIST_MARK.search(key):
        # "Sudan and South Sudan": the regex sees one country, the text names two.
        others = {t.by_key[g] for g in _ngrams(key) if t.by_key.get(g, iso3) != iso3}
        if others:
            return None, "names several places: " + ", ".join(sorted(others | {iso3}))
    return iso3, ""


def _ngrams(key: str, longest: int = 6) -> set[str]:
    words = key.split()
    return {" ".join(words[i:j]) for i in range(len(words))
            for j in range(i + 1, min(len(words), i + longest) + 1)}


def ranked_suggestions(value: object, n: int = 5) -> list[tuple[str, str, float]]:
    """Up to ``n`` (iso3, known name, score 0-1) close to ``value``, best first, one per country.

    An ambiguous name lists each country it may mean first ("Congolese": COD, COG); then names
    found inside a list of places ("Sudan and South Sudan"); then names whose
    key is close (difflib ratio >= 0.6 on :func:`name_key`). For review only: a suggestion is
    never used as an answer.
    """
    t = _tables()
    key = "" if _missing(value) else name_key(value)
    if not key:
        return []
    parts = sorted((g for g in _ngrams(key) if g in t.by_key and g != key), key=len, reverse=True)
    close = difflib.get_close_matches(key, list(t.shown), n=4 * n + 8, cutoff=0.6)
    out: list[tuple[str, str, float]] = []
    seen: set[str] = set()
    for iso3 in sorted(t.ambiguous.get(key, ())):  # "Congolese": every country it may mean
        seen.add(iso3)
        out.append((iso3, f"{country_name(iso3, 'en')}: {value}", 1.0))
    for k in parts + close:
        iso3 = t.by_key.get(k)
        if iso3 and iso3 not in seen:
            seen.add(iso3)
            name = t.shown[k].rsplit(" (", 1)[0]
            out.append((iso3, name, round(difflib.SequenceMatcher(None, key, k).ratio(), 2)))
    return out[:n]


def suggestions(value: object, n: int = 3) -> list[str]:
    """Up to ``n`` close known names ("Name (ISO3)"), for error messages."""
    return [f"{name} ({iso3})" for iso3, name, _ in ranked_suggestions(value, n)]


# --- many values -------------------------------------------------------------------------

def _describe(unknown: dict[object, str]) -> tuple[str, dict[str, list[str]]]:
    sugg = {str(v): suggestions(v) for v in unknown}
    parts = []
    for v, reason in unknown.items():
        s = f"{str(v)!r} ({reason}"
        if sugg[str(v)]:
            s += "; did you mean " + " / ".join(sugg[str(v)]) + "?"
        parts.append(s + ")")
    return "; ".join(parts), sugg


def _convert(values: Iterable[object], lookup, what: str, strict: bool, warn: bool = True) -> list[str | None]:
    values = list(values)
    # country_converter's trick: convert each distinct value once, then map.
    done: dict[object, tuple[str | None, str]] = {}
    for v in values:
        k = _hashable(v)
        if k not in done:
            done[k] = lookup(v)
    unknown = {k: reason for k, (iso3, reason) in done.items() if iso3 is None}
    if unknown and (strict or warn):  # suggestions cost a fuzzy search: only when they are shown
        listing, sugg = _describe(unknown)
        msg = f"{len(unknown)} unknown {what}: {listing}"
        if strict:
            raise UnknownGeographyError(msg, unknown=[str(k) for k in unknown], suggestions=sugg)
        warnings.warn(msg + " -> returned as None", UnknownGeographyWarning, stacklevel=3)
    return [done[_hashable(v)][0] for v in values]


def _hashable(v: object) -> object:
    if _missing(v):
        return None  # every missing value is one key
    return v if isinstance(v, (str, int, float)) else str(v)


def to_iso3(names: Iterable[object], *, strict: bool = True, warn: bool = True) -> list[str | None]:
    """ISO3 codes for names (English, French, Arabic), ISO2, ISO3 or M49 codes.

    Unknowns: with ``strict`` raise :class:`UnknownGeographyError` listing all of them at once
    with up to three suggestions each; otherwise return None for them and warn
    (:class:`UnknownGeographyWarning`) with the same list. ``warn=False`` is for callers that
    account for every None themselves (loaders turn them into rejects with a reason).
    """
    if isinstance(names, str):
        raise ParameterError("to_iso3 takes a list of names; wrap a single name: to_iso3([name])")
    return _convert(names, _lookup, "geographies", strict, warn)


def _lookup_iso2(value: object) -> tuple[str | None, str]:
    if _missing(value):
        return None, "missing value"
    code = str(value).strip().upper()
    if code in REFUSED_CODES:
        return None, REFUSED_CODES[code]
    iso3 = _codes().by_iso2.get(code)
    return (iso3, "") if iso3 else (None, "not an ISO 3166 alpha-2 code")


def iso2_to_iso3(codes: Iterable[object], *, strict: bool = True, warn: bool = True) -> list[str | None]:
    """ISO3 for ISO 3166 alpha-2 codes. "NA" is Namibia; EL and UK (EU usage) are Greece and
    the United Kingdom; 00, ZZ, -99 and empty are unknown by rule (see ``REFUSED_CODES``).
    ``strict`` and ``warn`` as for :func:`to_iso3`."""
    if isinstance(codes, str):
        raise ParameterError("iso2_to_iso3 takes a list of codes; wrap a single code: [code]")
    return _convert(codes, _lookup_iso2, "ISO2 codes", strict, warn)


# --- names and numeric codes out ---------------------------------------------------------

def _row(iso3: str) -> pd.Series:
    t = _tables()
    code = str(iso3).strip().upper()
    if code not in t.countries.index:
        raise UnknownGeographyError(f"{iso3!r} is not an ISO3 code of a current country",
                                    unknown=[str(iso3)],
                                    suggestions={str(iso3): suggestions(iso3)})
    return t.countries.loc[code]


def country_name(iso3: str, lang: str = "fr") -> str:
    """Short display name: CLDR (babel) for fr/ar, country_converter's short name for en.

    Falls back to the English short name when CLDR has no name for a territory.
    """
    if lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    row = _row(iso3)
    name = row[f"name_{lang}"]
    return name if isinstance(name, str) and name else row["name_en"]


def country_names(codes: Iterable[str], lang: str = "fr") -> list[str]:
    """:func:`country_name` for each code."""
    return [country_name(c, lang) for c in codes]


def m49(iso3: str) -> int | None:
    """UN M49 numeric code, or None where the UN has none (Kosovo, Taiwan)."""
    value = _row(iso3)["m49"]
    return None if pd.isna(value) else int(value)


def iso3_from_m49(code: int | str) -> str:
    """ISO3 of an M49 / ISO 3166 numeric code ("788", "004", 4)."""
    iso3, reason = _lookup(str(code)) if _M49.match(str(code).strip()) else (None, "not a numeric code")
    if iso3 is None:
        raise UnknownGeographyError(f"M49 code {code!r}: {reason}", unknown=[str(code)])
    return iso3
