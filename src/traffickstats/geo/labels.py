"""One display name for any place code a table can hold: a country (ISO3), a region of a
scheme, the world or the EU, or a citizenship group ("nationals", "foreign", ...).

Charts, tables, flows and pages all write places through :func:`place_name`, so a place is
named the same way everywhere. An unknown code comes back as itself: visible, never dropped.
"""

from __future__ import annotations

from ..errors import TraffickstatsError
from ..i18n import label
from ..schema import CITIZENSHIP_GROUPS

#: CLDR names these in every language (babel ``territories``).
_BABEL_REGIONS = {"WLD": "001", "EU27": "EU", "EU28": "EU"}
#: Flow tables' own buckets besides the citizenship groups.
_FLOW_GROUPS = {"other", "other_africa"}


def place_name(code, scheme: str | None, lang: str) -> str:
    """Display name of ``code`` in ``scheme`` ("iso3", a region scheme, "world", "group") in
    ``lang``: "Tunisie", "Afrique du Nord", "Monde", "ressortissants du pays"."""
    from .names import country_name
    from .regions import region_name

    if code is None or code != code:  # missing
        return ""
    code = str(code)
    if code == "nationals":
        return label("flows", "nationals", lang)
    if scheme == "group" or code in CITIZENSHIP_GROUPS or code in _FLOW_GROUPS:
        return label("flows.region", "unknown" if code == "stateless" else code, lang)
    if scheme in (None, "iso3") and len(code) == 3:
        try:
            return country_name(code, lang)
        except TraffickstatsError:
            return code
    if scheme not in (None, "iso3"):
        try:
            return region_name(scheme, code, lang)
        except (TraffickstatsError, LookupError):
            pass
    if code in _BABEL_REGIONS:
        from ..formatting import babel_locale

        return babel_locale(lang).territories.get(_BABEL_REGIONS[code], code)
    return code
