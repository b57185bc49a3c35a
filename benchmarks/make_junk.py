"""Write CLEARLY GENERATED tables for the user-CSV memory benchmark, with their YAML mapping.

* ``junk``: a valid header (Pays;Année;Victimes;Sexe) followed by lines of random characters
  (letters, digits, ``=``, ``+``, ``-``, ``@``, separators), 1 to 5 cells each: every row is
  rejected, so the run measures the reject path (the case that peaked at 12x the file size).
* ``rows``: well-formed rows with made-up numbers (place x sex x age band x day of 1900-2099,
  so no two rows are the same observation up to 13 million rows, about 450 MB): every row is
  accepted, so the run measures the observation table.

Nothing here is data; never commit the output.

    python benchmarks/make_junk.py junk|rows PATH SIZE_MB
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import yaml

HEADER = "Pays;Année;Victimes;Sexe\n"
MAPPING = {
    "columns": {"Pays": "geo", "Année": "period_start", "Victimes": "value", "Sexe": "sex"},
    "constants": {"indicator": "generated_benchmark_count", "measure": "detected_count", "unit": "persons",
                  "source_id": "generated_benchmark", "evidence": "primary"},
    "values": {"sex": {"Femmes": "female", "Hommes": "male"}},
    "locale": "fr",
}
#: the valid rows have an age band too (more distinct observations than places x days x sexes)
ROWS_HEADER = "Pays;Année;Victimes;Sexe;Âge\n"
ROWS_MAPPING = {**MAPPING, "columns": {**MAPPING["columns"], "Âge": "age"}}
_JUNK = "abcdefghijklmnopqrstuvwxyzéèàçABCDEFXYZ0123456789 ,.-=+@<>"
_PLACES = ["Tunisie", "Maroc", "Algérie", "Liban", "France", "Belgique", "Suisse", "Serbie", "Égypte"]
_AGES = [f"{a}-{a + 9}" for a in range(0, 100, 10)]
_DAYS = (dt.date(2100, 1, 1) - dt.date(1900, 1, 1)).days  # the schema's years end at 2100


def write_mapping(path, rows: bool = False) -> Path:
    """The mapping of the junk table, or with ``rows`` of the valid rows."""
    path = Path(path)
    path.write_text(yaml.safe_dump(ROWS_MAPPING if rows else MAPPING, allow_unicode=True), encoding="utf-8")
    return path


def make_junk(path, size: int, seed: int = 0) -> Path:
    """About ``size`` bytes: the header, then lines of random junk."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        n = 0
        while n < size:
            cells = rng.choice([4, 4, 4, 3, 5, 1])
            line = ";".join("".join(rng.choices(_JUNK, k=rng.randint(1, 20))) for _ in range(cells)) + "\n"
            fh.write(line)
            n += len(line.encode())
    return Path(path)


def make_rows(path, size: int, seed: int = 0) -> Path:
    """About ``size`` bytes of well-formed, distinct rows with made-up counts."""
    rng = random.Random(seed)
    day0 = dt.date(1900, 1, 1)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(ROWS_HEADER)
        n = i = 0
        while n < size:
            day = day0 + dt.timedelta(days=(i // 180) % _DAYS)
            line = (f"{_PLACES[i % 9]};{day.isoformat()};{rng.randint(0, 999)};{('Femmes', 'Hommes')[(i // 9) % 2]};"
                    f"{_AGES[(i // 18) % 10]}\n")
            fh.write(line)
            n += len(line.encode())
            i += 1
    return Path(path)


if __name__ == "__main__":
    kind, out, mb = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
    (make_junk if kind == "junk" else make_rows)(out, int(mb * 1e6))
    write_mapping(out.with_suffix(".yaml"), rows=kind == "rows")
    print(out, out.stat().st_size)
