"""Rebuild ``src/traffickstats/geo/vendor/country_labels.tsv`` from the npm packages it derives from.

    python tools/build_country_labels.py                     # runs `npm pack` in a temp folder
    python tools/build_country_labels.py --tarball world-countries-5.1.0.tgz \
                                         --tarball i18n-nationality-1.4.0.tgz

Sources (pinned; change the versions here, rebuild, review the diff, run tests/test_geo.py):

* ``world-countries`` (mledoze/countries, ODbL 1.0): per country the English common and
  official names, French / Spanish / Arabic translations (common and official), alternative
  spellings, and English and French demonyms (masculine and feminine).
* ``i18n-nationality`` (MIT): Spanish demonyms (masculine singular). Entries with a
  parenthesis ("Francés (Polinesia Francesa)") qualify a shared word for a dependent
  territory and are left out; ``EXCLUDED`` lists the entries checked and found wrong.

Rules applied here, so that the table stays a plain derivation of the packages:

* countries are keyed by ISO 3166 alpha-2 (``cca2``): world-countries writes Kosovo's alpha-3
  as "UNK", traffickstats (country_converter) as "XKX"; the geo module maps alpha-2 to its own
  alpha-3;
* alternative spellings of 3 characters or fewer are codes or abbreviations ("CF", "UAE",
  "DRC") and are left out: codes go through the code lookups, and a three-letter word such as
  "CAR" must never become a country by accident;
* ``independent`` (1 / 0, empty where the package leaves it open) is world-countries' flag:
  a demonym shared by a state and its dependent territories ("Dutch": Netherlands and
  Bonaire; "French": France and the French Southern Territories) names the state's
  citizenship, and the geo module reads it so;
* nothing is inflected here: plural and feminine forms are derived by rule in
  ``traffickstats.geo.demonyms`` when the table is read.

The output is sorted and deterministic; its first lines record the package versions and the
SHA-256 of each tarball.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "traffickstats" / "geo" / "vendor"
PACKAGES = {"world-countries": "5.1.0", "i18n-nationality": "1.4.0"}
LANGS = {"eng": "en", "fra": "fr", "spa": "es", "ara": "ar"}
#: i18n-nationality Spanish entries checked and left out, with the reason.
EXCLUDED = {
    "BV": "'Islandés' is Icelandic (IS), not Bouvet Island",
    "BQ": "'Caribeño' means Caribbean, not a demonym of Bonaire, Sint Eustatius and Saba",
    "CX": "'Navideño' means 'of Christmas', not a demonym in use for Christmas Island",
}


def _npm_pack(name: str, version: str, folder: Path) -> Path:
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=folder, check=True,
                         capture_output=True, text=True)
    return folder / out.stdout.strip().splitlines()[-1]


def _member(tgz: Path, suffix: str) -> bytes:
    with tarfile.open(tgz) as tar:
        for m in tar.getmembers():
            if m.name.endswith(suffix):
                return tar.extractfile(m).read()
    raise SystemExit(f"{tgz}: no member ending in {suffix}")


def _package_json(tgz: Path) -> dict:
    return json.loads(_member(tgz, "package/package.json"))


def _independent(tgz: Path) -> dict[str, str]:
    flag = {True: "1", False: "0"}
    return {c["cca2"]: flag.get(c.get("independent"), "")
            for c in json.loads(_member(tgz, "package/countries.json"))}


def world_countries_rows(tgz: Path) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for c in json.loads(_member(tgz, "package/countries.json")):
        iso2 = c["cca2"]
        name = c["name"]
        rows.append((iso2, "en", "common", name["common"], "world-countries"))
        rows.append((iso2, "en", "official", name["official"], "world-countries"))
        for code, lang in LANGS.items():
            t = c.get("translations", {}).get(code)
            if t:
                rows.append((iso2, lang, "common", t["common"], "world-countries"))
                rows.append((iso2, lang, "official", t["official"], "world-countries"))
            d = c.get("demonyms", {}).get(code)
            if d:
                rows.append((iso2, lang, "demonym_m", d["m"], "world-countries"))
                rows.append((iso2, lang, "demonym_f", d["f"], "world-countries"))
        for alt in c.get("altSpellings", []):
            if len(alt.strip()) > 3:
                rows.append((iso2, "", "alt", alt, "world-countries"))
    return rows


def nationality_rows(tgz: Path) -> list[tuple[str, str, str, str, str]]:
    es = json.loads(_member(tgz, "package/langs/es.json"))["nationalities"]
    return [(iso2, "es", "demonym_m", label.strip(), "i18n-nationality")
            for iso2, label in es.items()
            if iso2 not in EXCLUDED and "(" not in label and label.strip()]


def build(wc: Path, nat: Path) -> None:
    independent = _independent(wc)
    rows = sorted({(*r, independent.get(r[0], "")) for r in world_countries_rows(wc) + nationality_rows(nat)
                   if r[3].strip()})
    buf = io.StringIO()
    wcv, natv = _package_json(wc)["version"], _package_json(nat)["version"]
    buf.write(f"# Derived from the npm packages world-countries {wcv} (ODbL 1.0, LICENSE-world-countries.md; "
              f"sha256 {hashlib.sha256(wc.read_bytes()).hexdigest()})\n")
    buf.write(f"# and i18n-nationality {natv} (MIT, LICENSE-i18n-nationality; Spanish demonyms only; "
              f"sha256 {hashlib.sha256(nat.read_bytes()).hexdigest()}).\n")
    buf.write("# Rebuilt by tools/build_country_labels.py; do not edit by hand. This table is a derivative "
              "database of world-countries, under the ODbL 1.0.\n")
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["iso2", "lang", "kind", "label", "source", "independent"])
    w.writerows(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "country_labels.tsv").write_text(buf.getvalue(), encoding="utf-8")
    (OUT / "LICENSE-world-countries.md").write_bytes(_member(wc, "package/LICENSE"))
    (OUT / "LICENSE-i18n-nationality").write_bytes(_member(nat, "package/LICENSE"))
    (OUT / "VERSION").write_text(f"world-countries {wcv}\ni18n-nationality {natv}\n", encoding="utf-8")
    print(f"{len(rows)} labels written to {OUT / 'country_labels.tsv'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tarball", action="append", default=[], type=Path,
                    help="an npm tarball already fetched (world-countries-*.tgz, i18n-nationality-*.tgz)")
    args = ap.parse_args(argv)
    given = {p.name.rsplit("-", 1)[0]: p for p in args.tarball}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: given.get(name) or _npm_pack(name, version, Path(tmp))
                 for name, version in PACKAGES.items()}
        for name, version in PACKAGES.items():
            got = _package_json(paths[name])["version"]
            if got != version:
                print(f"warning: {paths[name]} is {name} {got}, pinned {version}", file=sys.stderr)
        build(paths["world-countries"], paths["i18n-nationality"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
