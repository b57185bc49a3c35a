"""Geography: country names and codes, region schemes as data, aggregation and crosswalks.

- :mod:`.names`: ``to_iso3``, ``iso2_to_iso3``, ``country_name``, ``m49`` ...
- :mod:`.resolve`: ``resolve_labels``, one resolution of a dataset's labels for every loader
  (reviewed names file, shipped mapping, then the tables); ``UNRESOLVED``
- :mod:`.namesfile`: reviewed names files (``read_names``, ``write_names``)
- :mod:`.regions`: region schemes read from ``traffickstats/regions/*.csv``
- :mod:`.aggregate`: country rows summed into the regions of a scheme (totals conserved)
- :mod:`.crosswalk`: region -> region tables where membership allows
- :mod:`.labels`: ``place_name``, one display name for a country, region or citizenship group
"""

from __future__ import annotations

from ._text import name_key
from .aggregate import ADDITIVE_MEASURES, Aggregation, aggregate
from .crosswalk import crosswalk
from .labels import place_name
from .names import (
    REFUSED_CODES,
    UnknownGeographyWarning,
    aliases,
    country_codes,
    country_name,
    country_names,
    country_table,
    exact_iso3,
    iso2_to_iso3,
    iso3_from_m49,
    m49,
    ranked_suggestions,
    suggestions,
    to_iso3,
    vendored_labels,
)
from .namesfile import NOT_A_COUNTRY, Names, read_names, write_names
from .resolve import UNRESOLVED, Resolution, resolve_labels
from .regions import (
    RULE_UNVERIFIED,
    by_rule,
    is_region_name,
    levels,
    members,
    membership_basis,
    region_name,
    region_of,
    scheme_table,
    schemes,
    unodc_region_code,
)

#: The nine conference participants, in the agreed order.
PARTICIPANTS = ("TUN", "MAR", "DZA", "EGY", "LBN", "FRA", "SRB", "BEL", "CHE")

__all__ = [
    "ADDITIVE_MEASURES", "Aggregation", "aggregate", "by_rule", "crosswalk", "is_region_name", "levels",
    "members", "membership_basis", "region_name", "region_of", "RULE_UNVERIFIED", "scheme_table", "schemes",
    "unodc_region_code", "PARTICIPANTS", "REFUSED_CODES", "place_name", "UnknownGeographyWarning", "aliases",
    "country_name", "country_names", "country_table", "exact_iso3", "iso2_to_iso3", "iso3_from_m49", "m49", "name_key",
    "suggestions", "to_iso3", "ranked_suggestions", "country_codes", "vendored_labels",
    "NOT_A_COUNTRY", "Names", "read_names", "write_names", "UNRESOLVED", "Resolution", "resolve_labels",
]
