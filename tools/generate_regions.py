"""Maintainer tool: regenerate the rule-derived region CSVs of ``src/traffickstats/regions/``.

Not shipped with the package: the committed CSVs are the data. Run it after upgrading
country_converter or changing a rule below, then review the diff:

    .venv/bin/python tools/generate_regions.py [path/to/Global_Slavery_Index_2023.csv]

Every row gets a ``basis`` token saying how sure it is (see SOURCES.md). Rules are written
as explicit lists so a reviewer can check them against a publisher's annex line by line.
Hand-written schemes (mediterranean, walkfree2016) are not generated.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from traffickstats.geo.names import _coco_path, name_key, to_iso3

HERE = Path(__file__).resolve().parent.parent / "src" / "traffickstats" / "regions"

#: The 12 Middle-East members of the ILO Arab States region, as listed in the project brief.
ARAB_STATES = ["BHR", "IRQ", "JOR", "KWT", "LBN", "OMN", "QAT", "SAU", "SYR", "ARE", "YEM", "PSE"]
#: Western Asia outside the Arab States: ILO counts them in Europe and Central Asia.
WESTERN_ASIA_EUROPEAN = ["TUR", "ISR", "CYP", "ARM", "AZE", "GEO"]
#: ILO 2012 "Developed Economies and EU" outside the EU of 2012 (EU27_2007: before Croatia).
ILO2012_DEVELOPED_NON_EU = ["USA", "CAN", "BMU", "GRL", "SPM", "JPN", "AUS", "NZL", "NOR", "ISL",
                            "CHE", "LIE", "MCO", "SMR", "AND", "VAT", "ISR", "FRO", "GIB",
                            "GGY", "JEY", "IMN", "ALA", "SJM"]
CIS = ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR", "UZB"]
#: UNODC GLOTIP Europe split (facts.md section 5 for FRA/BEL/CHE/SRB; the rest from the rule).
UNODC_WS_EUROPE = ["AND", "AUT", "BEL", "CYP", "DNK", "FIN", "FRA", "DEU", "GRC", "ISL", "IRL",
                   "ITA", "LIE", "LUX", "MLT", "MCO", "NLD", "NOR", "PRT", "SMR", "ESP", "SWE",
                   "CHE", "TUR", "GBR", "VAT", "FRO", "GIB", "GGY", "JEY", "IMN", "ALA", "SJM"]
UNODC_CENTRAL_EUROPE = ["CZE", "EST", "HUN", "LVA", "LTU", "POL", "SVK", "SVN"]
UNODC_SOUTH_EASTERN_EUROPE = ["ALB", "BIH", "BGR", "HRV", "MNE", "MKD", "ROU", "SRB", "XKX"]
UNODC_NAME_WESTERN_ASIA = ARAB_STATES + ["ISR"]
UNODC_SUBREGIONS = ("central_europe", "south_eastern_europe")

#: Memberships stated in ../shared/reference/facts.md section 5 (participants).
FACTS_5 = {
    "ilo2012": {"SRB": "cse_europe_cis", "FRA": "developed_eu", "BEL": "developed_eu",
                "CHE": "developed_eu"},
    "ilo5": {"TUN": "africa", "MAR": "africa", "DZA": "africa", "EGY": "africa",
             "LBN": "arab_states", "FRA": "europe_central_asia", "BEL": "europe_central_asia",
             "CHE": "europe_central_asia", "SRB": "europe_central_asia"},
    "unodc": {"FRA": "western_southern_europe", "BEL": "western_southern_europe",
              "CHE": "western_southern_europe", "SRB": "central_southeastern_europe"},
}

GSI_REGIONS = {"Africa": "africa", "Americas": "americas", "Arab States": "arab_states",
               "Asia and the Pacific": "asia_pacific",
               "Europe and Central Asia": "europe_central_asia"}


def snake(text: str) -> str:
    return name_key(text).replace(" ", "_")


def coco() -> pd.DataFrame:
    d = pd.read_csv(_coco_path(), sep="\t", dtype=str, keep_default_na=False)
    return d[(d["obsolete"] == "")].set_index("ISO3")


def _ilo5(r) -> str | None:
    iso3, cont, sub = r.Index, r.continent, r.UNregion
    if iso3 in ARAB_STATES:
        return "arab_states"
    if cont == "Africa":
        return "africa"
    if cont == "America" and sub != "":
        return "americas"
    if cont == "Europe" or sub == "Central Asia" or iso3 in WESTERN_ASIA_EUROPEAN:
        return "europe_central_asia"
    if cont in ("Asia", "Oceania"):
        return "asia_pacific"
    return None  # Antarctic territories


def _ilo2012(r, eu2012: set[str]) -> str | None:
    iso3, cont, sub = r.Index, r.continent, r.UNregion
    if iso3 in eu2012 or iso3 in ILO2012_DEVELOPED_NON_EU:
        return "developed_eu"
    if iso3 in ARAB_STATES:
        return "middle_east"
    if cont == "Europe" or iso3 in CIS or iso3 == "TUR":
        return "cse_europe_cis"
    if cont == "Africa":
        return "africa"  # North Africa here: ILO practice, NOT verified against the 2012 annex
    if cont == "America":
        return "latin_america_caribbean"
    if cont in ("Asia", "Oceania"):
        return "asia_pacific"
    return None


def _unodc(r) -> list[tuple[str, str]]:
    iso3, cont, sub = r.Index, r.continent, r.UNregion
    if iso3 in UNODC_WS_EUROPE:
        return [("western_southern_europe", "region")]
    if iso3 in UNODC_CENTRAL_EUROPE:
        return [("central_southeastern_europe", "region"), ("central_europe", "subregion")]
    if iso3 in UNODC_SOUTH_EASTERN_EUROPE:
        return [("central_southeastern_europe", "region"), ("south_eastern_europe", "subregion")]
    if iso3 in CIS:
        return [("eastern_europe_central_asia", "region")]
    if sub == "Northern Africa" or iso3 in UNODC_NAME_WESTERN_ASIA:
        return [("north_africa_middle_east", "region")]
    if cont == "Africa":
        return [("sub_saharan_africa", "region")]
    if sub in ("Eastern Asia", "South-eastern Asia") or cont == "Oceania":
        return [("east_asia_pacific", "region")]
    if sub == "Southern Asia":
        return [("south_asia", "region")]
    if sub in ("Northern America", "Central America", "Caribbean"):
        return [("north_central_america_caribbean", "region")]
    if sub == "South America" and cont == "America":
        return [("south_america", "region")]
    return []


def build(gsi_csv: Path | None = None) -> dict[str, pd.DataFrame]:
    d = coco()
    out: dict[str, list[dict]] = {k: [] for k in
                                  ("world", "m49", "eu", "coe", "ilo5", "ilo2012", "unodc")}
    eu2012 = set(d.index[d["EU27_2007"] != ""])
    gsi = _gsi_regions(gsi_csv) if gsi_csv else {}
    t = pd.read_csv(HERE / "schemes.csv", dtype=str, keep_default_na=False)
    t = t[(t["scheme"] == "m49") & (t["level"] == "subregion")]
    m49_parent = dict(zip(t["region"], t["parent"]))
    for r in d.itertuples():
        iso3 = r.Index
        out["world"].append(dict(iso3=iso3, region="WLD", level="world", basis="coco_table"))
        if r.UNregion and r.UNregion != "Antarctica":  # not an M49 sub-region
            out["m49"].append(dict(iso3=iso3, region=snake(r.UNregion), level="subregion",
                                   basis="coco_UNregion"))
        if snake(r.UNregion) in m49_parent:  # M49 region = parent of the sub-region
            out["m49"].append(dict(iso3=iso3, region=m49_parent[snake(r.UNregion)], level="region",
                                   basis="coco_UNregion"))
        elif r.continent:  # Antarctica: no M49 sub-region
            out["m49"].append(dict(iso3=iso3, region=snake(r.continent), level="region",
                                   basis="coco_continent"))
        if r.EU27:
            out["eu"].append(dict(iso3=iso3, region="EU27", level="eu27", basis="coco_EU27"))
        if r.EU28:
            out["eu"].append(dict(iso3=iso3, region="EU28", level="eu28", basis="coco_EU28"))
        if r.CoE:
            out["coe"].append(dict(iso3=iso3, region="coe_members", level="membership",
                                   basis="coco_CoE"))
            out["coe"].append(dict(iso3=iso3, region="cets197_parties", level="cets197",
                                   basis="facts_COE-03"))
        region = _ilo5(r)
        if region:
            basis = _basis("ilo5", iso3, region)
            if iso3 in gsi:
                if gsi[iso3] != region:
                    raise SystemExit(f"ilo5 rule puts {iso3} in {region}, GSI 2023 in {gsi[iso3]}")
                basis = "gsi2023_region" if basis == "rule_unverified" else basis
            out["ilo5"].append(dict(iso3=iso3, region=region, level="region", basis=basis))
        region = _ilo2012(r, eu2012)
        if region:
            out["ilo2012"].append(dict(iso3=iso3, region=region, level="region",
                                       basis=_basis("ilo2012", iso3, region)))
        for region, level in _unodc(r):
            out["unodc"].append(dict(iso3=iso3, region=region, level=level,
                                     basis=_basis("unodc", iso3, region)))
    for iso3 in ("BLR", "ISR"):  # the two non-member Parties to CETS 197 (facts.md COE-03)
        out["coe"].append(dict(iso3=iso3, region="cets197_parties", level="cets197",
                               basis="facts_COE-03"))
    return {k: pd.DataFrame(v).sort_values(["region", "iso3"]) for k, v in out.items()}


def _basis(scheme: str, iso3: str, region: str) -> str:
    stated = FACTS_5.get(scheme, {}).get(iso3)
    if stated is None or (scheme == "unodc" and region in UNODC_SUBREGIONS):
        return "rule_unverified"  # facts.md names UNODC regions, not the subregions
    if stated != region:
        raise SystemExit(f"{scheme}: rule puts {iso3} in {region}, facts.md says {stated}")
    return "facts_5"


def _gsi_regions(path: Path) -> dict[str, str]:
    gsi = pd.read_csv(path, dtype=str, keep_default_na=False)
    gsi.columns = [c.strip() for c in gsi.columns]
    codes = to_iso3(gsi["Country"].str.strip())
    return {c: GSI_REGIONS[reg.strip()] for c, reg in zip(codes, gsi["Region"])}


def main(argv: list[str]) -> None:
    gsi = Path(argv[0]) if argv else None
    for scheme, df in build(gsi).items():
        df[["iso3", "region", "basis"]].to_csv(HERE / f"{scheme}.csv", index=False)
        print(f"{scheme}.csv: {len(df)} rows")


if __name__ == "__main__":
    main(sys.argv[1:])
