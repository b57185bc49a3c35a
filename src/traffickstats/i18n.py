"""Labels in French, English and Arabic, read from the message catalogs in ``locales/``.

Labels live in data (``locales/{fr,en,ar}.json``), not in code, so a translator edits one
JSON file. ``_`` looks a key up in the requested language, then in English, then returns
the key itself, so a missing translation shows up as readable English, never as a crash.
Region names are not here: they ship with the geography scheme files.
"""

from __future__ import annotations

import json
from functools import lru_cache

from .paths import package_resource

LANGS = ("fr", "en", "ar")
FALLBACK = "en"
_RTL = {"ar"}


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """The message catalog of one language (key -> text); unknown languages raise ValueError."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGS)}")
    path = package_resource("locales", f"{lang}.json")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _(key: str, lang: str, **fmt) -> str:
    """The text for ``key`` in ``lang`` (fallback en, then the key), formatted with ``fmt``.

    ``_("fmt.fewer_than", "fr", n="5")`` -> "moins de 5".
    """
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(FALLBACK).get(key, key)
    return text.format(**fmt) if fmt else text


def has(key: str, lang: str = FALLBACK) -> bool:
    """Whether the catalog of ``lang`` defines ``key``."""
    return key in catalog(lang)


def label(kind: str, code, lang: str) -> str:
    """A vocabulary label: ``label("form", "sexual_exploitation", "fr")`` -> "exploitation sexuelle".

    Unknown codes come back as the code itself, so new tokens stay visible rather than vanish.
    """
    if code is None:
        return ""
    key = f"{kind}.{code}"
    return _(key, lang) if has(key) or has(key, lang) else str(code)


def text_direction(lang: str) -> str:
    """"rtl" for Arabic, "ltr" otherwise (HTML ``dir`` and chart layout)."""
    return "rtl" if lang in _RTL else "ltr"
