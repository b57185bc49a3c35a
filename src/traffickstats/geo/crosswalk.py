"""Region -> region correspondences, derived from membership, never assumed.

``crosswalk(["arab_states"], "ilo5", "unodc")`` says which UNODC regions the Arab States'
countries fall in, with counts. A source region whose countries land in several target regions
cannot be relabelled as one of them: that is refused unless ``allow_split=True``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..errors import IncomparableError, UnknownGeographyError
from .regions import _level, _members, scheme_table

COLUMNS = ["from_scheme", "from_region", "to_scheme", "to_region", "countries_shared",
           "from_members", "to_members", "countries"]


def crosswalk(codes: Iterable[str], from_scheme: str, to_scheme: str, *,
              allow_split: bool = False, from_level: str | None = None,
              to_level: str | None = None) -> pd.DataFrame:
    """Many-to-many table between regions of two schemes, one row per (from, to) pair.

    Columns: from_scheme, from_region, to_scheme, to_region (empty when the countries have no
    region in ``to_scheme``), countries_shared, from_members, to_members, countries (ISO3 list).
    Raises :class:`IncomparableError` naming which countries go where when a region splits and
    ``allow_split`` is False.
    """
    codes = list(dict.fromkeys(codes))
    src = _members(from_scheme)
    dst = _members(to_scheme)
    declared = set(scheme_table().query("scheme == @from_scheme")["region"])
    unknown = [c for c in codes if c not in declared]
    if unknown:
        raise UnknownGeographyError(f"scheme {from_scheme!r} has no region "
                                    f"{', '.join(map(repr, unknown))}", unknown=unknown)
    to_lv = _level(to_scheme, to_level)
    dst = dst[dst["level"] == to_lv]
    if from_level is not None:
        src = src[src["level"] == _level(from_scheme, from_level)]
    src = src[src["region"].isin(codes)]
    pairs = src.merge(dst[["iso3", "region"]], on="iso3", how="left", suffixes=("_from", "_to"))
    pairs["region_to"] = pairs["region_to"].fillna("")
    table = (pairs.groupby(["region_from", "region_to"], sort=True)["iso3"]
             .agg(lambda s: ",".join(sorted(s))).rename("countries").reset_index())
    table["countries_shared"] = table["countries"].str.count(",") + 1
    table["from_members"] = table["region_from"].map(src.groupby("region")["iso3"].nunique())
    table["to_members"] = table["region_to"].map(dst.groupby("region")["iso3"].nunique())
    table["to_members"] = table["to_members"].astype("Int64")
    table = table.rename(columns={"region_from": "from_region", "region_to": "to_region"})
    table["from_scheme"], table["to_scheme"] = from_scheme, to_scheme

    split = table.groupby("from_region").filter(lambda g: len(g) > 1)
    if len(split) and not allow_split:
        where = "; ".join(
            f"{fr}: " + ", ".join(f"{r.to_region or '(none)'} <- {r.countries}"
                                  for r in g.itertuples())
            for fr, g in split.groupby("from_region"))
        raise IncomparableError(f"{from_scheme} regions split across {to_scheme} regions "
                                f"(pass allow_split=True to get the table): {where}")
    return table[COLUMNS]
