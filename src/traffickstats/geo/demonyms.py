"""Inflected forms of a demonym: what a data file writes for "the Moroccans" or "venezolana".

The vendored table (``vendor/country_labels.tsv``) holds demonyms as the packages give them:
English and French masculine and feminine singular, Spanish masculine singular. Files write
them in the plural ("Angolans", "Guatemaltecos") and, in Spanish, in the feminine
("VENEZOLANA", "COLOMBIANA"). :func:`forms` derives those forms by the regular rules below.
An irregular or wrong form costs nothing: it is only a key that no real label meets, and a
form that another country also produces becomes ambiguous and is refused (never guessed).

* English: plural adds "s", except after -s, -sh, -ch and -ese ("Swiss", "British",
  "Dutch", "Chinese" stay as they are).
* French: plural adds "s", except after -s, -x and -z ("Français").
* Spanish: feminine -o -> -a, -és -> -esa, -án -> -ana (others are common-gender:
  "Canadiense", "Marroquí", "Belga"); plural adds "s" after a vowel, "es" after a consonant
  or a stressed -í ("Marroquíes").
"""

from __future__ import annotations

__all__ = ["forms"]


def _en(word: str) -> set[str]:
    w = word.casefold()
    return set() if w.endswith(("s", "sh", "ch", "ese")) else {word + "s"}


def _fr(word: str) -> set[str]:
    return set() if word.casefold().endswith(("s", "x", "z")) else {word + "s"}


def _es_feminine(word: str) -> str | None:
    w = word.casefold()
    if w.endswith("o"):
        return word[:-1] + "a"
    if w.endswith(("és", "es")) and len(w) > 3:
        return word[:-2] + "esa"
    if w.endswith(("án", "an")) and len(w) > 3:
        return word[:-2] + "ana"
    return None


def _es_plural(word: str) -> set[str]:
    w = word.casefold()
    if w.endswith(("és", "es")) and len(w) > 3:
        return {word[:-2] + "eses"}
    if w.endswith(("án", "an")) and len(w) > 3:
        return {word[:-2] + "anes"}
    if w.endswith("í"):
        return {word + "es", word + "s"}
    if w[-1:] in "aeiou":
        return {word + "s"}
    return {word + "es"}


def forms(word: str, lang: str) -> set[str]:
    """The demonym itself plus its regular plural (and, in Spanish, feminine) forms."""
    word = word.strip()
    out = {word}
    if not word:
        return out
    if lang == "en":
        out |= _en(word)
    elif lang == "fr":
        out |= _fr(word)
    elif lang == "es":
        fem = _es_feminine(word)
        for w in {word, fem} - {None}:
            out.add(w)
            out |= _es_plural(w)
    return out
