"""Read a figure as people write it ("Près de 21 millions", "US$150 billion", "<5", "74,1 %").

Slides and press copy figures in French, English or Arabic, with every kind of digit
grouping. ``parse_number`` turns one such string into a :class:`ParsedNumber` in base
units (persons, not millions; USD, not billions) and keeps what the wording said about
the figure: an approximation ("près de"), a bound ("<5" is a censored cell), a currency,
a percentage or a rate ("3,4 pour 1 000").

Reading rules (documented because they decide what a figure *is*):

* Separators. Several groups ("12,200,431", "600 000", "1'000") are thousands groups. A
  single separator followed by anything but exactly three digits is a decimal mark
  ("20,9", "4.5"). A single "," or "." followed by exactly three digits reads
  differently in English and French ("1,192" is 1192 in English and 1.192 in French;
  "1.192" the reverse): without a ``locale`` this raises
  :class:`~traffickstats.errors.AmbiguousNumberError`; with one, the locale's decimal
  symbol (from Babel's CLDR data) decides and the other mark groups thousands. Three
  zeros ("600,000", "1.000") are read as a thousands group: no source publishes three
  zero decimals.
* "billion". English "billion" is 10^9; French "billion" is 10^12 (a French thousand
  millions is a *milliard*). ``locale="fr"`` reads "billion(s)" as 10^12; ``"en"`` and
  ``None`` read it as 10^9, except that with ``locale=None`` a "billion" in otherwise
  French wording ("2,5 billions d'euros") is ambiguous and raises.
* Censored values. Counts are whole numbers and a published count is never zero when a
  source suppresses small cells, so "<5" means 1..4 (``lower=1, upper=4``), "≤ 3" means
  1..3 and ">100" means at least 101 (``upper=None``). For percentages, rates and money
  the bound is kept as written ("<0,5 %" -> ``upper=0.5``). A censored value has
  ``value=None``: the source did not give one. "plus de"/"more than"/"over" are read as
  ">" for the same reason: the source only published a bound.
* Approximations ("près de", "environ", "about", "some", "nearly", "~", "حوالي") are
  stripped and kept in ``qualifier`` (``approx`` is then True): the value stays the
  number as written. "at least"/"au moins" also keep the value and set ``lower`` to it;
  "up to"/"jusqu'à" set ``upper``.
* What a loader stores. :meth:`ParsedNumber.as_reported` turns the wording into the
  schema's fields: ``qualifier`` approximately / at_least / more_than / at_most / less_than
  with the number as written as the value ("plus de 100" is 100 ``more_than``, not a
  censored 101+), except "<5" / "moins de 5" in a count, which stays a censored cell (1..4).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .errors import AmbiguousNumberError, NumberParseError

__all__ = [
    "ParsedNumber", "parse_number", "to_base_units", "scale_of", "SCALE_WORDS",
    "FRENCH_SCALE_WORDS", "APPROX_MARKERS",
]

# --- vocabularies ---------------------------------------------------------------------

#: Scale words and abbreviations -> multiplier, in their English (and locale=None) reading.
#: French words are listed too (they mean the same in both languages), except "billion",
#: whose French meaning is in FRENCH_SCALE_WORDS.
SCALE_WORDS: dict[str, float] = {
    # thousand
    "thousand": 1e3, "thousands": 1e3, "k": 1e3, "mille": 1e3, "milliers": 1e3, "millier": 1e3,
    "ألف": 1e3, "آلاف": 1e3, "الف": 1e3,
    # million
    "million": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "mio": 1e6, "mio.": 1e6,
    "مليون": 1e6, "ملايين": 1e6,
    # thousand million
    "billion": 1e9, "billions": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9,
    "milliard": 1e9, "milliards": 1e9, "md": 1e9, "mds": 1e9, "mrd": 1e9, "mrds": 1e9, "mrd.": 1e9,
    "md.": 1e9, "mds.": 1e9,
    "مليار": 1e9, "مليارات": 1e9,
    # million million (English)
    "trillion": 1e12, "trillions": 1e12, "tn": 1e12,
}

#: Words whose French meaning differs: un billion = 10^12 (10^9 is "un milliard").
FRENCH_SCALE_WORDS: dict[str, float] = {"billion": 1e12, "billions": 1e12}

#: Leading words that say the figure is approximate: stripped, reported in ``qualifier``.
APPROX_MARKERS = (
    "près de", "pres de", "environ", "quelque", "presque", "approximativement", "autour de",
    "aux alentours de", "plus ou moins", "un peu moins de", "un peu plus de", "estimé à", "estimée à",
    "approximately", "approx.", "approx", "about", "around", "some", "nearly", "almost",
    "roughly", "circa", "ca.", "an estimated", "estimated", "close to", "just under", "just over",
    "حوالي", "حوالى", "نحو", "قرابة", "ما يقارب", "تقريبا",
    "~", "≈", "±",
)
#: Leading words that set a bound while the value is kept ("at least 5" still says 5).
_BOUND_QUALIFIERS = {"at least": "lower", "au moins": "lower", "no less than": "lower",
                     "au minimum": "lower", "up to": "upper", "jusqu'à": "upper",
                     "jusqu'a": "upper", "as many as": "upper", "على الأقل": "lower"}
#: Leading comparators: the source published only a bound (censored value).
_COMPARATORS = {
    "<=": "<=", "≤": "<=", "=<": "<=", "<": "<", ">=": ">=", "≥": ">=", "=>": ">=", ">": ">",
    "moins de": "<", "less than": "<", "fewer than": "<", "under": "<", "below": "<",
    "inférieur à": "<", "inferieur a": "<", "أقل من": "<",
    "plus de": ">", "more than": ">", "over": ">", "above": ">", "in excess of": ">",
    "upwards of": ">", "supérieur à": ">", "superieur a": ">", "أكثر من": ">",
}

#: Comparator -> the schema's qualifier code (``schema.QUALIFIERS``).
_COMPARATOR_CODES = {">": "more_than", ">=": "at_least", "<": "less_than", "<=": "at_most"}
LOWER_BOUND_CODES = ("more_than", "at_least")

_CURRENCIES = [  # (pattern, ISO code); longest first
    (r"us ?\$|usd|\$ ?us|dollars? (?:us|américains?|americains?|des états-unis)|us dollars?|dollars?|\$", "USD"),
    (r"€|eur|euros?", "EUR"),
    (r"chf|francs? suisses?", "CHF"),
]
_UNIT_OF_CURRENCY = {"USD": "usd", "EUR": "eur", "CHF": "chf"}

_PER_DENOMINATORS = [  # (pattern, unit)
    (r"100 ?000|100,000|100\.000|100'000|100k|cent mille|hundred thousand", "per_100000"),
    (r"(?:1 |one |un )?million|1 ?000 ?000|1,000,000|1\.000\.000|mn|m", "per_million"),
    (r"1 ?000|1,000|1\.000|1'000|mille|thousand|(?:one )?thousand", "per_1000"),
]
_PEOPLE = r"(?:inhabitants|habitants|people|persons|personnes|population|individus|individuals|residents|résidents|victims|victimes|habitantes|السكان|نسمة)"
_ARABIC_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_ARABIC_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_CHAR_MAP = {
    **_ARABIC_DIGITS,
    ord("٫"): ",", ord("٬"): " ",      # Arabic decimal and thousands separators
    ord("٪"): "%", ord("\u2212"): "-",  # Arabic percent, minus sign
    ord("\u2019"): "'", ord("\u02bc"): "'",
    ord("\u200e"): None, ord("\u200f"): None, ord("\u061c"): None,  # direction marks
    ord("\u00a0"): " ", ord("\u202f"): " ", ord("\u2009"): " ", ord("\u2007"): " ",
}
_FRENCH_CUES = re.compile(r"(?:^|\s)(?:de|pour|par|environ|près|pres|quelque)(?:\s|$)|d'")


@dataclass(frozen=True)
class ParsedNumber:
    """One figure read from text, in base units.

    ``value`` is None only for a censored figure (then ``lower``/``upper`` say what is
    known). ``scale`` is the multiplier the text used (1, 1e3, 1e6, 1e9, 1e12) and
    ``decimals`` how many decimals were published before scaling: together they give
    the rounding step of the figure (``precision``), used by consistency checks.
    ``comparator`` (``<``, ``<=``, ``>``, ``>=``) is the comparison a censored figure was
    written with and ``written`` the number after it ("plus de 100": ``>`` and 100, while
    ``lower`` is 101 for a count); :meth:`as_reported` turns them into schema fields.
    """

    value: float | None
    unit: str | None
    scale: float
    censored: bool
    lower: float | None
    upper: float | None
    currency: str | None
    raw: str
    qualifier: str | None = None
    decimals: int = 0
    comparator: str | None = None
    written: float | None = None

    @property
    def approx(self) -> bool:
        """True when the text said the figure is approximate ("près de", "about", "~")."""
        return self.qualifier is not None and self.qualifier not in _BOUND_QUALIFIERS

    @property
    def qualifier_code(self) -> str | None:
        """What the wording says, as the schema's ``qualifier`` code (``schema.QUALIFIERS``).

        "plus de" / "more than" / ">" -> more_than; "≥" / "au moins" / "at least" -> at_least;
        "moins de" / "<" -> less_than; "≤" / "jusqu'à" / "up to" -> at_most; "environ" /
        "près de" / "about" / "~" -> approximately; None for a figure written as exact. A
        comparator wins over an approximation word ("environ plus de 100" -> more_than).
        """
        if self.comparator is not None:
            return _COMPARATOR_CODES[self.comparator]
        if self.qualifier is None:
            return None
        sides = {side for words, side in _BOUND_QUALIFIERS.items() if words in self.qualifier}
        if "lower" in sides:
            return "at_least"
        if "upper" in sides:
            return "at_most"
        return "approximately"

    def as_reported(self, *, count: bool) -> dict:
        """The schema fields ``value``, ``lower``, ``upper``, ``censored``, ``qualifier`` for
        this figure, keeping what the source said:

        * "environ 30" -> value 30, qualifier approximately;
        * "plus de 100" -> value 100, qualifier more_than, lower 100 (the schema's rule: the
          bound of a more_than figure is its value); "au moins 63" -> at_least, lower 63;
          "jusqu'à 40" -> at_most, upper 40; "<0,5 %" (not a count) -> less_than, upper 0.5;
        * "<5", "≤ 3" or "moins de 5" for a **count** (``count=True``) stay censored cells
          (value empty, bounds 1..4 or 1..3, no qualifier): that is how sources suppress small
          counts, and a count below a bound is never zero.
        """
        code = self.qualifier_code
        if self.comparator is None:
            return {"value": self.value, "lower": self.lower, "upper": self.upper, "censored": False,
                    "qualifier": code}
        if count and self.comparator in ("<", "<=") and self.lower is not None and self.upper is not None:
            return {"value": None, "lower": self.lower, "upper": self.upper, "censored": True, "qualifier": None}
        low = self.written if code in LOWER_BOUND_CODES else None
        high = self.written if code not in LOWER_BOUND_CODES else None
        return {"value": self.written, "lower": low, "upper": high, "censored": False, "qualifier": code}

    @property
    def precision(self) -> float:
        """Rounding step in base units: "20,9 millions" -> 100 000."""
        return float(Decimal(1).scaleb(-self.decimals) * Decimal(repr(self.scale)))


def to_base_units(value: float | int | str | Decimal, scale: float) -> float:
    """``value * scale`` computed in decimal so 4.1 million is 4100000.0, not 4099999.9999999995."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(value if isinstance(value, str) else repr(value))
        return float(d * Decimal(repr(float(scale))))
    except (InvalidOperation, ValueError) as exc:
        raise NumberParseError(f"cannot scale {value!r} by {scale!r}") from exc


def scale_of(word: str, locale: str | None = None) -> float:
    """Multiplier of a scale word ("millions" -> 1e6); French "billion" is 1e12 with locale fr."""
    w = word.strip().lower()
    if _language(locale) == "fr" and w in FRENCH_SCALE_WORDS:
        return FRENCH_SCALE_WORDS[w]
    try:
        return SCALE_WORDS[w]
    except KeyError:
        raise NumberParseError(f"unknown scale word {word!r}") from None


# --- parsing --------------------------------------------------------------------------


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _word_end(pattern: str) -> re.Pattern:
    # A word must end at a boundary; symbols ("~", "<", "$") need none.
    return re.compile(rf"(?:{pattern})(?:(?<=\W)|(?=\W|$))")


_QUALIFIER_RE = _word_end(_alternation(APPROX_MARKERS + tuple(_BOUND_QUALIFIERS)))
_COMPARATOR_RE = _word_end(_alternation(_COMPARATORS))
_CURRENCY_RE = [(_word_end(p), code) for p, code in _CURRENCIES]
_NUMBER_RE = re.compile(r"\d(?:[\d.,' ]*\d)?")
_SCALE_RE = _word_end(_alternation(SCALE_WORDS))
_PERCENT_RE = _word_end(r"%|pour ?cent|per ?cent|percent|بالمائة|بالمئة|في المائة")
_PERMILLE_RE = re.compile(r"‰")
_PER_RE = [
    (_word_end(rf"(?:per|pour|par|for every|sur|in|/|لكل)\s*(?:{p})(?:\s+(?:d'|de |of )?{_PEOPLE})?"), unit)
    for p, unit in _PER_DENOMINATORS
]
#: Rate units after a number, tried in this order: percent, per mille, "per 100,000" ...
_RATE_UNITS = [(_PERCENT_RE, "percent"), (_PERMILLE_RE, "per_1000"), *_PER_RE]
_PER_VICTIM_RE = _word_end(r"(?:per|par|pour|/)\s*(?:victim|victime|person|personne)")
_NOUN_RE = _word_end(rf"(?:(?:de |d'|of )?{_PEOPLE}|(?:de |d')?(?:victimes?|personnes?)|people)")


@lru_cache(maxsize=64)
def _language(locale: str | None) -> str | None:
    if locale is None:
        return None
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(str(locale).replace("-", "_")).language
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise NumberParseError(f"unknown locale {locale!r}: use 'fr', 'en' or a locale such as 'fr_TN'") from exc


@lru_cache(maxsize=64)
def _decimal_mark(locale: str) -> str:
    """The locale's decimal mark as ',' or '.' (from CLDR through Babel)."""
    from babel.numbers import get_decimal_symbol

    _language(locale)  # validates
    sym = get_decimal_symbol(str(locale).replace("-", "_"))
    return "," if sym in (",", "٫") else "."


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP).lower()
    return re.sub(r"\s+", " ", s).strip()


def _valid_groups(groups: list[str]) -> bool:
    """Thousands groups: a first group of 1-3 digits (not starting a number with 0), then 3-digit groups."""
    first, rest = groups[0], groups[1:]
    return (1 <= len(first) <= 3 and not (first.startswith("0") and len(first) > 1 or first == "0")
            and all(len(g) == 3 and g.isdigit() for g in rest) and first.isdigit())


def _read_digits(core: str, raw: str, locale: str | None) -> tuple[Decimal, int]:
    """Digits with separators -> (Decimal, number of published decimals). See module docstring."""
    bad = NumberParseError(f"{raw!r}: {core!r} is not a well-formed number (digit groups do not match)",
                           "not a well-formed number (digit groups do not match)")

    def group_then_decimal(int_part: str, group_marks: str, frac: str | None) -> tuple[Decimal, int]:
        groups = re.split(f"[{re.escape(group_marks)}]", int_part) if group_marks else [int_part]
        if len(groups) > 1 and not _valid_groups(groups):
            raise bad
        digits = "".join(groups)
        if frac is not None and not frac.isdigit():
            raise bad
        return Decimal(digits + ("." + frac if frac else "")), len(frac or "")

    marks = [c for c in core if not c.isdigit()]
    if not marks:
        return Decimal(core), 0
    if " " in marks or "'" in marks:
        # Space / apostrophe group thousands; at most one trailing ',' or '.' is the decimal mark.
        decimals = [m for m in marks if m in ",."]
        if len(decimals) > 1 or (decimals and core.rfind(decimals[0]) < max(core.rfind(" "), core.rfind("'"))):
            raise bad
        if decimals:
            int_part, frac = core.rsplit(decimals[0], 1)
        else:
            int_part, frac = core, None
        if int_part.count(" ") and int_part.count("'"):
            raise bad
        return group_then_decimal(int_part, " '", frac)
    if "," in marks and "." in marks:
        dec = core[max(core.rfind(","), core.rfind("."))]
        grp = "." if dec == "," else ","
        int_part, frac = core.rsplit(dec, 1)
        if dec in int_part:
            raise bad
        return group_then_decimal(int_part, grp, frac)
    mark = marks[0]
    if len(marks) > 1:  # one kind of mark, several times: thousands groups
        return group_then_decimal(core, mark, None)
    int_part, frac = core.split(mark)
    grouping_possible = len(frac) == 3 and _valid_groups([int_part, frac])
    if grouping_possible and frac == "000":
        # "600,000" / "1.000": a decimal reading would publish three zero decimals, which
        # no statistical source does; read the mark as a thousands separator.
        return group_then_decimal(core, mark, None)
    if not grouping_possible:
        return group_then_decimal(int_part, "", frac)
    if locale is None:
        as_group, as_decimal = str(int(int_part + frac)), f"{int_part}.{frac}"
        if mark == ",":
            readings = (f"in English it reads {as_group} (the comma groups thousands), "
                        f"in French {as_decimal} (the comma is the decimal mark)")
        else:
            readings = (f"in English it reads {as_decimal} (the dot is the decimal mark), "
                        f"in French {as_group} (the dot groups thousands)")
        raise AmbiguousNumberError(f"{raw!r} is ambiguous: {readings}; "
                                   'pass locale="fr" or locale="en" to say which',
                                   "ambiguous: reads differently in French and English")
    if mark == _decimal_mark(locale):
        return group_then_decimal(int_part, "", frac)
    return group_then_decimal(core, mark, None)


def _consume(patterns, s: str):
    for item in patterns:
        rx, tag = item if isinstance(item, tuple) else (item, None)
        m = rx.match(s)
        if m:
            return m.group(0), tag, s[m.end():].lstrip()
    return None, None, s


def parse_number(text: str, locale: str | None = None) -> ParsedNumber:
    """Read one figure written in French, English or Arabic into base units.

    ``locale`` ("fr", "en", "fr_TN", ...) resolves separators that read differently in
    French and English ("1,192") and the meaning of "billion"; ``None`` accepts only
    what is unambiguous. Raises :class:`NumberParseError` (with the text quoted) for
    anything that is not a figure, and :class:`AmbiguousNumberError` when the locale
    is needed. See the module docstring for the reading rules.
    """
    if not isinstance(text, str):
        raise NumberParseError(f"{text!r}: expected text, got {type(text).__name__}")
    lang = _language(locale)
    s = _normalise(text)
    if not s:
        raise NumberParseError(f"{text!r}: empty text is not a number", "empty text is not a number")

    qualifiers: list[str] = []
    comparator: str | None = None
    currency: str | None = None
    sign = 1
    # Prefix: qualifiers, comparator, currency and sign, in any order, each at most once.
    while s and not s[0].isdigit():
        word, _, rest = _consume([_QUALIFIER_RE], s)
        if word:
            qualifiers.append(word)
            s = rest
            continue
        if comparator is None:
            word, _, rest = _consume([_COMPARATOR_RE], s)
            if word:
                comparator, s = _COMPARATORS[word], rest
                continue
        if currency is None:
            word, code, rest = _consume(_CURRENCY_RE, s)
            if word:
                currency, s = code, rest
                continue
        if s[0] in "+-" and sign == 1 and len(s) > 1:
            sign, s = (-1 if s[0] == "-" else 1), s[1:].lstrip()
            continue
        raise NumberParseError(f"{text!r}: no number found (cannot read {s!r})", "no number found")

    m = _NUMBER_RE.match(s)
    if not m:
        raise NumberParseError(f"{text!r}: no number found", "no number found")
    core = m.group(0).rstrip(" ")
    rest = s[len(core):].lstrip()
    number, decimals = _read_digits(core, text, locale)

    # Suffix: scale, currency, percent, rate denominator, noun, in any order, each once.
    scale, unit, seen = 1.0, None, set()
    while rest:
        if "scale" not in seen:
            word, _, after = _consume([_SCALE_RE], rest)
            if word:
                if word in FRENCH_SCALE_WORDS:
                    decimal_comma = decimals > 0 and "," in core and "." not in core
                    if lang is None and (decimal_comma or _FRENCH_CUES.search(s + " " + " ".join(qualifiers))):
                        raise AmbiguousNumberError(
                            f"{text!r} is ambiguous: English 'billion' is 10^9 but French 'billion' is "
                            "10^12 (a French 10^9 is 'milliard'); pass locale=\"fr\" or locale=\"en\"",
                            "ambiguous: 'billion' is 10^9 in English and 10^12 in French")
                scale = scale_of(word, locale)
                seen.add("scale")
                rest = after
                continue
        if currency is None:
            word, code, after = _consume(
                [(re.compile(r"(?:de |d'|of )?" + rx.pattern), c) for rx, c in _CURRENCY_RE], rest)
            if word:
                currency, rest = code, after
                continue
        if "unit" not in seen:
            word, rate_unit, after = _consume(_RATE_UNITS, rest)
            if word:
                unit, rest = rate_unit, after
                seen.add("unit")
                continue
            if currency is not None:
                word, _, after = _consume([_PER_VICTIM_RE], rest)
                if word:
                    unit, rest = f"{_UNIT_OF_CURRENCY[currency]}_per_victim", after
                    seen.add("unit")
                    continue
        if "noun" not in seen:
            word, _, after = _consume([_NOUN_RE], rest)
            if word:
                seen.add("noun")
                rest = after
                continue
        raise NumberParseError(f"{text!r}: cannot read {rest!r} after the number",
                               "text after the number that is not a scale, unit or currency")

    if currency is not None and unit is None:
        unit = _UNIT_OF_CURRENCY[currency]
    elif currency is not None and unit in ("percent", "per_1000", "per_100000", "per_million"):
        raise NumberParseError(f"{text!r}: a currency and a {unit} at once is not a figure this package reads",
                               f"a currency and a {unit} at once")

    base = sign * to_base_units(number, scale)
    if not math.isfinite(base):
        raise NumberParseError(f"{text!r}: the number is too large to represent", "too large to represent")
    lower = upper = None
    value: float | None = base
    qualifier = " ".join(qualifiers) if qualifiers else None
    for q in qualifiers:
        side = _BOUND_QUALIFIERS.get(q)
        if side == "lower":
            lower = base
        elif side == "upper":
            upper = base
    censored = comparator is not None
    if censored:
        value = None
        is_count = unit is None and base == int(base)
        if comparator in ("<", "<="):
            upper = base - 1 if (comparator == "<" and is_count) else base
            lower = 1.0 if is_count and upper >= 1 else None
            if is_count and upper < 1:
                raise NumberParseError(f"{text!r}: a count below {base:g} cannot be a positive number",
                                       "a count below 1 cannot be a positive number")
        else:
            lower = base + 1 if (comparator == ">" and is_count) else base
    return ParsedNumber(value=value, unit=unit, scale=scale, censored=censored, lower=lower,
                        upper=upper, currency=currency, raw=text, qualifier=qualifier, decimals=decimals,
                        comparator=comparator, written=base if censored else None)
