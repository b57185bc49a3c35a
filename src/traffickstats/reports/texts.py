"""The reports' own texts (footer labels, index, headings) in fr / en / ar.

Looked up in ``traffickstats.i18n`` first when that module knows the key (one catalogue for
the whole package), else in ``reports/texts/<lang>.json``. A key missing in Arabic falls
back to French (the conference's first language), then English.
"""

from __future__ import annotations

import functools
import json

from ..paths import package_resource

LANGS = ("fr", "en", "ar")
RTL_LANGS = frozenset({"ar"})


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    path = package_resource("reports", "texts", f"{lang}.json")
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _from_i18n(key: str, lang: str) -> str | None:
    """The shared catalogue's text, or None when the module or the key is absent."""
    try:
        from .. import i18n  # another engineer's module; optional until it lands
    except ImportError:
        return None
    try:
        value = i18n._(key, lang)
    except (TypeError, KeyError, LookupError, ValueError):
        return None
    return value if isinstance(value, str) and value and value != key else None


def text(key: str, lang: str, **fmt) -> str:
    """The text for ``key`` in ``lang``, formatted with ``fmt`` (values are not escaped here)."""
    value = _from_i18n(key, lang)
    if value is None:
        for candidate in (lang, "fr", "en"):
            value = _catalog(candidate).get(key)
            if value is not None:
                break
        else:
            value = key
    return value.format(**fmt) if fmt else value


def direction(lang: str) -> str:
    """``rtl`` for Arabic, ``ltr`` otherwise (the HTML ``dir`` attribute)."""
    return "rtl" if lang in RTL_LANGS else "ltr"
