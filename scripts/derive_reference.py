"""Rebuild data/reference/local_authorities.csv from the mySociety files it is derived from.

    .venv/bin/python scripts/derive_reference.py [PATH TO corpus/reference]

Reads (never copies) mySociety's uk_local_authority_names_and_codes files (CC BY 4.0; the
population figures are ONS mid-2020 estimates, Open Government Licence v3) and writes one
row per local authority district (current, and those abolished since 2019 so older
boundary files still find their names): GSS code, register code, name, nation, other
names, population (mid-2020) and the citation."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "real" / "corpus" / "reference"
TARGET = ROOT / "data" / "reference" / "local_authorities.csv"
DISTRICT_TYPES = {"NMD", "UA", "MD", "LBO", "WPA", "SCO", "NID", "CC"}
SOURCE = (
    "mySociety uk_local_authority_names_and_codes (commit 67ef8b1), uk_local_authorities_current.csv "
    "and 04_la_area_pop.csv; population: ONS mid-2020 estimates"
)
LICENCE = "CC BY 4.0 (mySociety); ONS data under the Open Government Licence v3"


def derive(source: Path = DEFAULT_SOURCE) -> list[dict]:
    with open(source / "mysociety_la_area_pop2020.csv", newline="", encoding="utf-8") as handle:
        population = {r["local-authority-code"]: r["pop-2020"] for r in csv.DictReader(handle)}
    with open(source / "mysociety_uk_local_authorities_current.csv", newline="", encoding="utf-8") as handle:
        authorities = list(csv.DictReader(handle))
    rows = []
    for record in authorities:
        if record["local-authority-type"] not in DISTRICT_TYPES or not record["gss-code"]:
            continue
        names = {n.strip() for n in record["alt-names"].split(",") if n.strip()}
        names.discard(record["nice-name"])
        people = population.get(record["local-authority-code"]) or ""
        rows.append({
            "gss_code": record["gss-code"],
            "register_code": record["local-authority-code"],
            "name": record["nice-name"],
            "nation": record["nation"],
            "end_date": record["end-date"],
            "other_names": "; ".join(sorted(n for n in names if n.lower() != record["nice-name"].lower())),
            "population_2020": str(int(float(people))) if people and not record["end-date"] else "",
            "source": SOURCE,
            "licence": LICENCE,
        })
    return sorted(rows, key=lambda r: r["gss_code"])


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    rows = derive(source)
    with open(TARGET, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} local authorities to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
