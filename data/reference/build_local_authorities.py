"""Build local_authority_identifiers.csv, the list of UK local authorities the importers use to
recognise a council (by org-id, GSS code, old ONS code or name), from the register files
in ../shared/data/real/corpus/reference/:

- mysociety_uk_local_authorities_current.csv (mySociety, "UK local authority names and
  codes": register codes, names, alternative names, GSS codes, former GSS codes, SNAC codes)
- mysociety_lookup_gss_to_registry.csv (present and former GSS codes -> register code)
- openregister_local-authority-eng.tsv (GOV.UK register: official names, start/end dates)

Run: python data/reference/build_local_authorities.py ../shared/data/real/corpus/reference
The output is deterministic (sorted by register code)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# org-id.guide prefixes for local authorities, by nation.
ORG_ID_PREFIX = {"England": "GB-LAE", "Scotland": "GB-LAS", "Wales": "GB-PLA", "Northern Ireland": "GB-LANI"}
COLUMNS = [
    "register_code", "org_id", "name", "official_name", "gss_code", "former_gss_codes", "snac", "nation",
    "type", "type_name", "start_date", "end_date", "replaced_by", "alt_names",
]


def build(folder: Path) -> list[dict]:
    with open(folder / "mysociety_uk_local_authorities_current.csv", encoding="utf-8-sig", newline="") as handle:
        authorities = list(csv.DictReader(handle))
    former: dict[str, set[str]] = {}
    with open(folder / "mysociety_lookup_gss_to_registry.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            former.setdefault(row["local-authority-code"], set()).add(row["gss-code"])
    official: dict[str, dict] = {}
    with open(folder / "openregister_local-authority-eng.tsv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            official[row["local-authority-eng"]] = row
    rows = []
    for a in authorities:
        code = a["local-authority-code"]
        register = official.get(code, {})
        gss = a["gss-code"]
        olds = set(filter(None, a["former-gss-codes"].replace(";", ",").split(","))) | former.get(code, set())
        olds.discard(gss)
        names_text = a["alt-names"]
        for whole in (a["nice-name"], a["official-name"]):  # names that hold commas themselves
            if whole and "," in whole:
                names_text = names_text.replace(whole, "").replace(whole.lower(), "")
        alt = [n.strip() for n in names_text.split(",") if n.strip()]
        rows.append({
            "register_code": code,
            "org_id": f"{ORG_ID_PREFIX[a['nation']]}-{code}",
            "name": a["nice-name"],
            "official_name": a["official-name"] or register.get("official-name", ""),
            "gss_code": gss,
            "former_gss_codes": ";".join(sorted(olds)),
            "snac": a["snac"],
            "nation": a["nation"],
            "type": a["local-authority-type"],
            "type_name": a["local-authority-type-name"],
            "start_date": a["start-date"] or register.get("start-date", ""),
            "end_date": a["end-date"] or register.get("end-date", ""),
            "replaced_by": a["replaced-by"],
            "alt_names": "|".join(dict.fromkeys(alt)),
        })
    return sorted(rows, key=lambda r: r["register_code"])


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "../shared/data/real/corpus/reference")
    out = Path(__file__).resolve().parent / "local_authority_identifiers.csv"
    rows = build(folder)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} local authorities written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
