"""What facts.md says around a figure: the qualifier ("about", "at least", "plus de"...), the
months and days of its period, the subgroup a share is taken of, and words that mark a subset
of victims (potential victims, one agency's cases, victims with a reported profile).

``tests/test_reference_data.py`` reads each bundled row's facts.md row with these helpers, so
a row that drops or invents what the source says around its number fails with its fact id.
The word lists follow ``schema.QUALIFIERS``. "An estimated N" is not a qualifier: the
measure (``estimate_stock``, ``money_estimate``) already says the figure is modelled.
"""

from __future__ import annotations

import re

from .facts import number_tokens

__all__ = ["QUALIFIER_WORDS", "SUBSET_WORDS", "month_mentions", "qualifiers_of", "subgroup_marks",
           "subset_words"]

#: Words just before a number that qualify it, by schema qualifier (lower case).
QUALIFIER_WORDS: dict[str, tuple[str, ...]] = {
    "approximately": ("about", "around", "some", "nearly", "almost", "roughly", "approximately",
                      "close to", "circa", "près de", "pres de", "presque", "quelque", "environ",
                      "autour de", "حوالي", "حوالى", "نحو", "قرابة", "ما يقارب", "~", "≈"),
    "at_least": ("at least", "no fewer than", "no less than", "au moins", "au minimum", "على الأقل"),
    "more_than": ("more than", "over", "above", "in excess of", "upwards of", "plus de", "أكثر من", ">"),
    "at_most": ("at most", "up to", "no more than", "as many as", "jusqu'à", "n'a pas dépassé", "≤"),
    "less_than": ("less than", "fewer than", "under", "below", "moins de", "أقل من", "<"),
}
#: Words just after a number (and its noun) that make it approximate: "1100 victimes environ".
_TRAILING_APPROX = re.compile(r"^\s*(?:%|per ?cent|pour cent)?\s*(?:[^\s\d]+\s+)?(?:environ|تقريبا)(?:\W|$)")
#: Currency signs, signs and brackets between a qualifier and its number: "over US $64", "(~48%".
_FILLER = re.compile(r"(?:[\s(+\-–$€]|\bus\b|\busd\b)+$")
_SYMBOLS = {"~", "≈", ">", "<", "≤"}

#: Words of a facts.md row that mark a count of a subset, not of the usual population.
SUBSET_WORDS = re.compile(
    r"potential|potentiel|presumed|présum|profiles|gender and age reported|sex and age of|involving|"
    r"earthquake|séisme|\bIOM\b|\bOIM\b|\bNGO\b|\bONG\b|caseload|\boperation\b|\bopération\b", re.I)

#: Wording around a share that names the subgroup it is taken of -> a word its base must hold
#: (``None``: "of them", "of which"...: the base must differ from the whole population's).
#: Before the number (since the previous one): "(of which the majority -71%-", "girls: 72%".
_SUBGROUP_BEFORE: list[tuple[re.Pattern, str | None]] = [
    (re.compile(r"\bof (?:which|whom)\b", re.I), None),
    (re.compile(r"\bgirl victims\b|\bgirls:", re.I), "girls"),
    (re.compile(r"\bboys:", re.I), "boys"),
    (re.compile(r"\bwomen:", re.I), "women"),
]
#: Just after the number: "64% of them", "97% of sex trafficking victims".
_SUBGROUP_AFTER: list[tuple[re.Pattern, str | None]] = [
    (re.compile(r"^\W*(?:%|per ?cent|pour cent)?\s*of (?:them|it)\b", re.I), None),
    (re.compile(r"^\W*(?:%|per ?cent)?\s*of detected boys\b", re.I), "boys"),
    (re.compile(r"^\W*(?:%|per ?cent)?\s*of girl victims\b", re.I), "girls"),
    (re.compile(r"^\W*(?:%|per ?cent)?\s*of women victims\b", re.I), "women"),
    (re.compile(r"^\W*(?:%|per ?cent)?\s*of (?:sex trafficking victims|victims in the commercial sex industry)\b",
                re.I), "sex"),
    (re.compile(r"^\W*(?:%|per ?cent)?\s*of forced labou?r victims\b", re.I), "forced labour"),
    (re.compile(r"^\W*(?:%|per ?cent)?\s*in other sectors\b", re.I), "other sectors"),
    (re.compile(r"^\W*(?:%|per ?cent)?\s*of victims of forced marriages?\b", re.I), "forced marriage"),
]
#: Anywhere in the row: shares of victims with a known form of exploitation (Eurostat).
_KNOWN_FORM = re.compile(r"\bknown form\b", re.I)

_CELLS = ("quote", "figure", "breakdown")


def _qualifier_before(prefix: str) -> str | None:
    """The qualifier whose word ends ``prefix`` (the longest word wins: "no more than")."""
    text = _FILLER.sub("", prefix.replace("\u00a0", " ").replace("\u202f", " ").lower())
    best, size = None, 0
    for qualifier, words in QUALIFIER_WORDS.items():
        for w in words:
            hit = text.endswith(w) if w in _SYMBOLS else re.search(r"(?:^|[^\w'])" + re.escape(w) + r"$", text)
            if hit and len(w) > size:
                best, size = qualifier, len(w)
    return best


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))


def _occurrences(row, value: float):
    """``(cell, prefix, suffix)`` for each place the facts row writes ``value`` in digits:
    the text since the previous number, and up to the next one."""
    for cell in _CELLS:
        text = row[cell]
        tokens = list(number_tokens(text, row["unit"]))
        for i, (start, end, values) in enumerate(tokens):
            if any(_same(value, v) for v in values):
                prev_end = tokens[i - 1][1] if i else 0
                next_start = tokens[i + 1][0] if i + 1 < len(tokens) else len(text)
                yield cell, text[prev_end:start], text[end:next_start]


def qualifiers_of(row, value: float) -> set[str | None] | None:
    """The qualifiers facts.md gives ``value`` (``None`` in the set: written with no qualifier).

    The quote is read first; the figure / breakdown cells only when the quote does not write
    the value in digits. ``None`` (not a set) when no cell writes it in digits ("one adult
    woman", "la moitié"): the wording cannot be checked.
    """
    found: dict[str, set] = {}
    for cell, prefix, suffix in _occurrences(row, abs(value)):
        q = _qualifier_before(prefix) or ("approximately" if _TRAILING_APPROX.match(suffix) else None)
        found.setdefault("quote" if cell == "quote" else "other", set()).add(q)
    return found.get("quote", found.get("other"))


def subgroup_marks(row, value: float) -> set[str | None]:
    """Words the base of a share of ``value`` must hold, from the wording around it in the
    facts row (``None``: "of them" / "of which", a subgroup the wording does not name)."""
    marks: set[str | None] = set()
    for _cell, prefix, suffix in _occurrences(row, abs(value)):
        marks |= {need for rx, need in _SUBGROUP_BEFORE if rx.search(prefix)}
        marks |= {need for rx, need in _SUBGROUP_AFTER if rx.search(suffix)}
    if any(_KNOWN_FORM.search(row[c]) for c in _CELLS):
        marks.add("known form")
    return marks


def subset_words(row) -> list[str]:
    """Words of the facts row (figure, unit, period, breakdown, quote) that mark a subset."""
    text = " ".join(row[c] for c in ("figure", "unit", "period", "breakdown", "quote"))
    return sorted({m.group(0) for m in SUBSET_WORDS.finditer(text)})


_MONTHS = {
    "January": 1, "Jan": 1, "February": 2, "Feb": 2, "March": 3, "Mar": 3, "April": 4, "Apr": 4,
    "May": 5, "June": 6, "Jun": 6, "July": 7, "Jul": 7, "August": 8, "Aug": 8, "September": 9,
    "Sept": 9, "Sep": 9, "October": 10, "Oct": 10, "November": 11, "Nov": 11, "December": 12,
    "Dec": 12, "janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
}
_MONTH = re.compile(
    r"(?:(?P<day1>\d{1,2})\s+)?\b(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
    r"(?:\s+(?P<day2>\d{1,2})(?!\d))?(?:,?\s+(?P<year>\d{4}))?")
_RANGE = re.compile(r"^\s*(?:to|–|-|—|à|au)\s*$")


def month_mentions(text: str) -> list[tuple[int | None, int, int | None]]:
    """``(year, month, day)`` of each month named in ``text``; year or day None when not given.

    "January to July 2017" and "Jan–Jul 2017" give the year to both months; "1 July 2023",
    "July 1" and "Nov 2017" are read as written. English names must be capitalised (the verb
    "may" is no month).
    """
    found = [(m, int(m.group("year")) if m.group("year") else None) for m in _MONTH.finditer(text)]
    out = []
    for i, (m, year) in enumerate(found):
        if year is None and i + 1 < len(found):
            nxt, nxt_year = found[i + 1]
            if _RANGE.match(text[m.end():nxt.start()]):
                year = nxt_year
        day = m.group("day1") or m.group("day2")
        out.append((year, _MONTHS[m.group("month")], int(day) if day else None))
    return out
