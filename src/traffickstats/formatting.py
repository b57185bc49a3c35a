"""Numbers as a French, English or Arabic reader expects them, for text and for charts.

Everything goes through babel (CLDR data): separators, compact forms ("20,9 millions",
"1,2 Md $US"), percent signs and their spacing. Nothing here hand-writes a thousands
separator, so the text of a chart, its axis ticks and its data table always agree.

Arabic: we use babel's ``ar`` locale (Modern Standard Arabic, CLDR default numbering
system ``latn``): Latin digits, "." decimal and "," thousands, e.g. "20.9 مليون". Latin
digits keep the figures identical across the fr/en/ar versions of a slide; ``ar_TN`` /
``ar_MA`` / ``ar_DZ`` would write "20,9" while ``ar_EG`` / ``ar_LB`` readers expect "20.9",
so the pan-Arab ``ar`` is the neutral choice. Change ``BABEL_LOCALES`` to switch.

Display rounding only: the compact forms round to ``decimals`` (1 by default) for reading;
the exact value stays in the data table and the CSV download.
"""

from __future__ import annotations

import copy
import math
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel import numbers as bn

from .i18n import LANGS

#: Our language codes -> babel locale identifiers (see module docstring for ``ar``).
BABEL_LOCALES: dict[str, str] = {"fr": "fr", "en": "en", "ar": "ar"}  # one per i18n.LANGS

#: Below this magnitude ``format_compact`` writes the full number ("600 000", not "600 mille").
COMPACT_FROM = 1_000_000


def babel_locale(lang: str) -> Locale:
    """The babel ``Locale`` for one of our language codes; unknown codes raise ValueError."""
    try:
        return _locale(BABEL_LOCALES[lang])
    except KeyError:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGS)}") from None


@lru_cache(maxsize=None)
def _locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


def _dec(x) -> Decimal:
    # Through str() so 0.55 stays 0.55 and does not become 0.55000000000000004...
    return Decimal(str(float(x))) if not isinstance(x, Decimal) else x


def _check(x) -> float:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        raise ValueError("cannot format a missing value: show the censored range or 'n/a' instead")
    return float(x)


def _with_decimals(pattern, decimals: int | None):
    """A copy of a babel NumberPattern showing exactly ``decimals`` fraction digits."""
    if decimals is None:
        return pattern
    pat = copy.copy(pattern)
    pat.frac_prec = (decimals, decimals)
    return pat


def format_number(x, lang: str, decimals: int | None = None) -> str:
    """A plain number with the locale's separators: ``1 234 567`` (fr, narrow nbsp), ``1,234,567``.

    ``decimals=None`` keeps every significant decimal of the value (no rounding);
    an integer rounds to exactly that many fraction digits.
    """
    _check(x)
    loc = babel_locale(lang)
    if decimals is None:
        return bn.format_decimal(_dec(x), locale=loc, decimal_quantization=False)
    pat = _with_decimals(loc.decimal_formats[None], decimals)
    return pat.apply(_dec(x), loc)


def format_compact(x, lang: str, short: bool = False, decimals: int = 1,
                   full_below: float = COMPACT_FROM) -> str:
    """Large numbers in words: "20,9 millions" / "20.9 million"; short: "20,9 M" / "20.9M".

    French billions are "milliards" / "Md" (never the SI "G"). Values below one million
    are written in full ("600 000") because "600 mille" reads oddly in a briefing; axis
    ticks pass ``full_below=0`` so one axis never mixes "500 000" and "1 M".
    """
    x = _check(x)
    if abs(x) < full_below:
        return format_number(x, lang, decimals=0 if float(x).is_integer() else None)
    return bn.format_compact_decimal(
        _dec(x), format_type="short" if short else "long",
        locale=babel_locale(lang), fraction_digits=decimals,
    )


def format_money(x, currency: str, lang: str, compact: bool = False, decimals: int = 1) -> str:
    """A money amount as babel writes it: "150 Md $US" (fr, compact), "$150B", "$21,800.00"."""
    x = _check(x)
    loc = babel_locale(lang)
    if compact and abs(x) >= COMPACT_FROM:
        return bn.format_compact_currency(_dec(x), currency, locale=loc, fraction_digits=decimals)
    return bn.format_currency(_dec(x), currency, locale=loc)


def format_percent(x, lang: str, decimals: int | None = None) -> str:
    """A share given in percent units (55 means 55 %): "55 %" (fr, nbsp), "55%" (en), "55%" (ar)."""
    _check(x)
    loc = babel_locale(lang)
    frac = _dec(x) / 100
    if decimals is None:
        return bn.format_percent(frac, locale=loc, decimal_quantization=False)
    return _with_decimals(loc.percent_formats[None], decimals).apply(frac, loc)


def format_value(x, unit: str, lang: str, compact: bool = True) -> str:
    """A value in its unit, the way charts label it (percent sign, currency, words for millions)."""
    if unit == "percent":
        return format_percent(x, lang)
    if unit in ("usd", "usd_per_victim"):
        return format_money(x, "USD", lang, compact=compact)
    if compact:
        return format_compact(x, lang)
    return format_number(x, lang)


def format_range(lower, upper, lang: str, unit: str | None = None, compact: bool = True) -> str:
    """A published interval: "de 12,5 millions à 27,8 millions" / "12.5 million to 27.8 million"."""
    from .i18n import _

    fmt = (lambda v: format_value(v, unit, lang, compact)) if unit else (lambda v: format_number(v, lang))
    return _("fmt.range", lang, lower=fmt(lower), upper=fmt(upper))


def qualified(text: str, qualifier, lang: str) -> str:
    """A formatted figure with what the source said around it: "environ 1 100", "au moins 63",
    "more than 80 %", « أكثر من 80 ٪ »; the text unchanged when the figure is exact."""
    from .i18n import _

    if not isinstance(qualifier, str) or not qualifier:
        return text
    return _(f"qualifier.{qualifier}", lang, value=text)


def format_censored(upper_bound, lang: str) -> str:
    """A censored count as published: "moins de 5" / "fewer than 5" / "أقل من 5".

    ``upper_bound`` is the published, exclusive bound ("<5" -> 5), not the schema's
    inclusive ``upper`` (4).
    """
    from .i18n import _

    return _("fmt.fewer_than", lang, n=format_number(upper_bound, lang))


def plotly_separators(lang: str) -> str:
    """plotly's ``layout.separators``: decimal mark then thousands mark, from babel.

    fr -> ",\\u202f" (comma, narrow no-break space), en -> ".,", ar -> ".,".
    """
    loc = babel_locale(lang)
    return bn.get_decimal_symbol(loc) + bn.get_group_symbol(loc)


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values (1, 2, 2.5, 5 x 10^k steps) covering ``lo``..``hi``."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)  # bars start at zero
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, k = [], 0
    while start + k * step <= hi + step * 1e-9:
        ticks.append(round(start + k * step, 12))
        k += 1
    if ticks[-1] < hi:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def axis_tickformat(lang: str, values=None, unit: str | None = None, n: int = 5) -> dict:
    """Axis properties so ticks read in the language and never show plotly's SI "G".

    Without values: a d3 format with locale separators (``layout.separators`` supplies the
    marks) and ``exponentformat="none"``. With values: explicit ``tickvals`` / ``ticktext``
    written by babel ("50 Md", "1,5 M", "20 %"), which also suits static exports.
    """
    base = {"exponentformat": "none", "separatethousands": True, "tickformat": ",~f"}
    if values is None:
        return base
    # finite values only: a cell hidden to protect another has an open (infinite) upper bound
    vals = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not vals:
        return base
    ticks = nice_ticks(min(vals), max(vals), n)
    big = max(abs(t) for t in ticks) >= COMPACT_FROM

    def label(t: float) -> str:
        if t == 0:
            return format_number(0, lang)
        if unit == "percent":
            return format_percent(t, lang)
        if unit in ("usd", "usd_per_victim") and big:
            return format_money(t, "USD", lang, compact=True)
        if big:
            return format_compact(t, lang, short=True, full_below=0)
        return format_number(t, lang)

    return {**base, "tickmode": "array", "tickvals": ticks, "ticktext": [label(t) for t in ticks]}
