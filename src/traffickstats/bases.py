"""What 100 % of a share is, in the reader's language.

The data keep a share's ``base`` in English words ("foreign victims detected by the INLTP in
Tunisia, 2021"): that is what facts.md quotes, and what the CSV downloads carry. Pages in
French and Arabic translate it through one reviewable table, ``locales/bases.csv`` (columns
``en``, ``fr``, ``ar``; keyed by the exact English text, numbers written the language's way).
A base missing from the table is never dropped: it is shown in English, marked as such
(« … (en anglais) »), and :func:`untranslated` lists it for the translator.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from .i18n import LANGS, _
from .paths import package_resource

__all__ = ["TABLE", "translate", "translations", "untranslated"]

#: The translation table shipped with the package.
TABLE = package_resource("locales", "bases.csv")

#: A space between digit groups ("1 100"): written with the narrow no-break space babel uses
#: for French, so a number never breaks across two lines.
_GROUP_SPACE = re.compile(r"(?<=\d) (?=\d{3}\b)")


@functools.cache
def translations() -> pd.DataFrame:
    """The table, indexed by the English base (columns ``fr``, ``ar``)."""
    table = pd.read_csv(TABLE, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in ("en", *LANGS) if c not in table.columns]
    if missing:
        raise ValueError(f"{TABLE}: missing column(s) {', '.join(missing)}")
    dup = table["en"][table["en"].duplicated()]
    if len(dup):
        raise ValueError(f"{TABLE}: base listed twice: {dup.iloc[0]!r}")
    table["fr"] = table["fr"].str.replace(_GROUP_SPACE, "\u202f", regex=True)
    return table.set_index("en")


def _text(base) -> str:
    return base.strip() if isinstance(base, str) else ""


def translate(base, lang: str) -> str:
    """``base`` in ``lang``: the table's translation, the English text itself for ``en``,
    or the English text marked "(in English)" when the table has none; "" for no base."""
    text = _text(base)
    if not text or lang == "en":
        return text
    table = translations()
    if text in table.index and table.at[text, lang]:
        return table.at[text, lang]
    return _("base.untranslated", lang, base=text)


def untranslated(bases, lang: str) -> list[str]:
    """The bases among ``bases`` the table does not translate into ``lang`` (in order, once)."""
    if lang == "en":
        return []
    table = translations()
    out = []
    for base in dict.fromkeys(_text(b) for b in bases):
        if base and not (base in table.index and table.at[base, lang]):
            out.append(base)
    return out
