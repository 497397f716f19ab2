"""Rebuild data/reference/ward_population.csv: the population of each of Cheshire East's 52
wards, from the ONS mid-2020 ward-level estimates.

    .venv/bin/python scripts/derive_ward_population.py [PATH TO THE SOURCE CSV]

Source (read, never copied): ONS, "Ward-level mid-year population estimates
(experimental)", mid-2020 on December 2021 wards (SAPE23DT8a), Open Government Licence v3,
as published in GOV.UK Notify's repository, alphagov/notifications-admin (MIT; the data
are ONS's), file ``app/broadcast_areas/source_files/Mid-2020_Persons_England_Wales_(2021_wards).csv``
at commit b4467975b730639c26a6391f1e49296a6bceb7b7 (removed from the repository in a later
commit). Each row is a ward code, then persons by single year of age 0 to 89 and "90"
(90 and over), then an empty column. A ward's population is the sum of those 91 counts.

Without a path, the file is read from a local git copy of that repository
(``/work/.mirror/alphagov+notifications-admin/repo``) at that commit. The script checks
that every ward of data/reference/ward_former_borough.csv is there (the December 2021 ward
codes are the same as the 2013 codes the table uses) and that the 52 wards add up to
Cheshire East's mid-2020 estimate in local_authorities.csv (386,667), then writes one row
per ward: code, name, population, year, source, licence."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"
TARGET = REFERENCE / "ward_population.csv"
REPOSITORY = "https://github.com/alphagov/notifications-admin"
COMMIT = "b4467975b730639c26a6391f1e49296a6bceb7b7"
PATH = "app/broadcast_areas/source_files/Mid-2020_Persons_England_Wales_(2021_wards).csv"
MIRROR = Path("/work/.mirror/alphagov+notifications-admin/repo")
YEAR = "mid-2020"
SOURCE = (
    "ONS ward-level mid-year population estimates (experimental), mid-2020 on 2021 wards (SAPE23DT8a), "
    f"all ages = sum of single years 0 to 90+; via {REPOSITORY} ({PATH}, commit {COMMIT[:7]})"
)
LICENCE = "Open Government Licence v3 (ONS)"
AGES = [str(age) for age in range(91)]  # "90" is 90 and over
CHESHIRE_EAST = "E06000049"


def read_source(path: Path | None) -> str:
    if path is not None:
        return path.read_text(encoding="utf-8-sig")
    return subprocess.run(
        ["git", "-C", str(MIRROR), "show", f"{COMMIT}:{PATH}"], check=True, capture_output=True, text=True
    ).stdout


def derive(text: str) -> list[dict]:
    rows = csv.reader(io.StringIO(text))
    header = next(rows)
    if header[0] != "ward" or header[1:92] != AGES:
        raise SystemExit(f"Unexpected columns in the source: {header[:3]} ... {header[88:]}")
    counts = {}
    for row in rows:
        if not row:
            continue
        if any(cell.strip() for cell in row[92:]):
            raise SystemExit(f"Unexpected values after age 90+ for {row[0]}: {row[92:]}")
        counts[row[0]] = sum(int(cell) for cell in row[1:92])
    with open(REFERENCE / "ward_former_borough.csv", newline="", encoding="utf-8") as handle:
        wards = list(csv.DictReader(handle))
    missing = [w["ward_code"] for w in wards if w["ward_code"] not in counts]
    if missing:
        raise SystemExit(f"Wards not in the source: {missing}")
    result = [
        {"ward_code": w["ward_code"], "ward_name": w["ward_name"], "population": str(counts[w["ward_code"]]),
         "year": YEAR, "source": SOURCE, "licence": LICENCE}
        for w in sorted(wards, key=lambda w: w["ward_code"])
    ]
    with open(REFERENCE / "local_authorities.csv", newline="", encoding="utf-8") as handle:
        district = next(r for r in csv.DictReader(handle) if r["gss_code"] == CHESHIRE_EAST)
    total = sum(int(r["population"]) for r in result)
    if total != int(district["population_2020"]):
        raise SystemExit(f"The wards add up to {total:,}, not Cheshire East's {int(district['population_2020']):,}")
    return result


def main(argv: list[str]) -> int:
    rows = derive(read_source(Path(argv[1]) if len(argv) > 1 else None))
    with open(TARGET, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"Wrote {len(rows)} wards ({sum(int(r['population']) for r in rows):,} people) to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
