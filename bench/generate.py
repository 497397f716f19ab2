"""National-shaped benchmark data (fictional, reproducible from a seed).

Shaped like the national 360Giving data and council spend files rather than like one county:

- about 300 funders: 150 councils (local government), 30 NHS bodies (health) and 120 trusts,
  foundations and lottery distributors (other funders); how many grants each makes follows a
  Zipf law (a few national funders make most of them, most funders make a few hundred);
- every current English local authority district (295, from data/reference/local_authorities.csv)
  as a place, chosen in proportion to its population by national funders, while a council
  funds its own district (and some spend is council-wide, filed as '<council>-wide', as the
  framework files Cheshire County Council's spend);
- councils have departments, other funders mostly none; grants dominate except in council and
  NHS spend; amounts are log-normal (median about £5,000, from £100 to £5 million); years grow
  from 2008/09 to 2025/26; recipients follow a Zipf law over 170,000 organisations;
- places as 360Giving publishes them (``places``): a grant to a district names that district as
  its beneficiary location (GSS code and name); the recipient's own area code is the grant's
  district for 70% of such grants, else the organisation's home district (by population), and
  is not published for a quarter of grants (as many funders leave it out).

``grants(count)`` gives columns (numpy arrays) that both the spend-table loader
(``spend_rows``) and the 360Giving CSV writer (bench.bench_import) use, so every benchmark
runs on the same shape."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
COUNCIL_DEPARTMENTS = ["Adult Social Care", "Children's Services", "Communities", "Environment", "Housing",
                       "Public Health", "Leisure and Culture", "Corporate", "- Unconfirmed -"]
NHS_DEPARTMENTS = ["Commissioning", "Primary Care", "Mental Health", ""]
YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2008, 2026)]
ORGANISATIONS = 170_000
# Which shape of rows ``spend_rows`` gives: part of the benchmarks' database file names, so a
# database built by an older generator is never reused. 2: place codes added (3 Dec 2026).
SHAPE = 2


@dataclass(frozen=True)
class Funder:
    name: str
    org_id: str
    body_type: str
    home: int            # index of its home district (-1: national)
    departments: tuple[str, ...]
    contract_share: float
    third_sector_share: float


@lru_cache(maxsize=1)
def districts() -> tuple[list[str], list[str], np.ndarray]:
    """(names, GSS codes, population weights) of current English districts."""
    names, codes, people = [], [], []
    with open(ROOT / "data" / "reference" / "local_authorities.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["nation"] == "England" and not row["end_date"] and row["population_2020"]:
                names.append(row["name"])
                codes.append(row["gss_code"])
                people.append(int(row["population_2020"]))
    weights = np.array(people, dtype=float)
    return names, codes, weights / weights.sum()


@lru_cache(maxsize=1)
def funders(seed: int = 2008) -> tuple[list[Funder], np.ndarray]:
    """The funders and the share of all grants each makes (Zipf, exponent 1.1)."""
    rng = np.random.default_rng(seed)
    names, codes, _ = districts()
    homes = rng.choice(len(names), size=150, replace=False)
    result = []
    for i, home in enumerate(homes):
        result.append(Funder(f"{names[home]} Council (fictional)", f"GB-LAE-B{i:03d}", "local_government", int(home),
                             tuple(COUNCIL_DEPARTMENTS), 0.55, 0.5))
    for i in range(30):
        home = int(rng.integers(len(names)))
        result.append(Funder(f"NHS {names[home]} ICB (fictional)", f"GB-NHS-B{i:02d}", "health", home,
                             tuple(NHS_DEPARTMENTS), 0.7, 0.8))
    for i in range(120):
        national = i < 25
        home = -1 if national else int(rng.integers(len(names)))
        label = "Trust" if national else f"{names[home]} Community Foundation"
        result.append(Funder(f"Bench {label} {i:03d} (fictional)", f"GB-CHC-9{i:05d}", "other_funder", home,
                             ("",), 0.05, 0.95))
    order = rng.permutation(len(result))
    weights = 1.0 / np.arange(1, len(result) + 1) ** 1.1
    shares = np.empty(len(result))
    shares[order] = weights / weights.sum()
    return result, shares


def grants(count: int, seed: int = 360) -> dict[str, np.ndarray]:
    """``count`` fictional grants as columns: funder (index), district (index, or -1 for
    the funder's area-wide line), department, year, funding_type, amount_pence, recipient
    (index), third_sector (0/1), day (days after 1 April of the year)."""
    rng = np.random.default_rng(seed)
    funder_list, shares = funders()
    names, _, people = districts()
    funder = rng.choice(len(funder_list), size=count, p=shares)
    home = np.array([f.home for f in funder_list])[funder]
    national = home < 0
    # Councils and NHS bodies: own district 80%, area-wide 10%, a neighbour-ish district 10%;
    # local foundations their own district 90%; national funders by population.
    place_roll = rng.random(count)
    anywhere = rng.choice(len(names), size=count, p=people)
    district = np.where(national, anywhere, home)
    is_public = np.array([f.body_type != "other_funder" for f in funder_list])[funder]
    district = np.where(is_public & (place_roll >= 0.8) & (place_roll < 0.9), -1, district)
    district = np.where(~national & (place_roll >= 0.9), anywhere, district)
    department = np.empty(count, dtype=object)
    for index, f in enumerate(funder_list):
        chosen = funder == index
        department[chosen] = np.array(f.departments, dtype=object)[rng.integers(len(f.departments), size=int(chosen.sum()))]
    year_weights = np.linspace(1.0, 3.0, len(YEARS))
    year = rng.choice(len(YEARS), size=count, p=year_weights / year_weights.sum())
    contract_share = np.array([f.contract_share for f in funder_list])[funder]
    third_share = np.array([f.third_sector_share for f in funder_list])[funder]
    amount = np.clip(np.round(rng.lognormal(np.log(500_000), 1.3, size=count)), 10_000, 500_000_000).astype(np.int64)
    recipient_weights = 1.0 / np.arange(1, ORGANISATIONS + 1) ** 0.9
    return {
        "funder": funder,
        "district": district,
        "department": department,
        "year": year,
        "funding_type": np.where(rng.random(count) < contract_share, "contract", "grant"),
        "amount_pence": amount,
        "recipient": rng.choice(ORGANISATIONS, size=count, p=recipient_weights / recipient_weights.sum()),
        "third_sector": (rng.random(count) < third_share).astype(int),
        "day": rng.integers(365, size=count),
    }


def places(columns: dict[str, np.ndarray], seed: int = 361) -> tuple[np.ndarray, np.ndarray]:
    """(beneficiary district, recipient's district) per grant of ``grants``' ``columns``, as
    indexes into ``districts()`` (-1: none published). A stream of its own, so that
    ``grants``' columns stay as they were."""
    rng = np.random.default_rng(seed)
    _, _, people = districts()
    count = len(columns["district"])
    home = rng.choice(len(people), size=ORGANISATIONS, p=people)[columns["recipient"]]
    beneficiary = columns["district"]
    based = np.where((beneficiary >= 0) & (rng.random(count) < 0.7), beneficiary, home)
    based = np.where(rng.random(count) < 0.25, -1, based)
    return beneficiary, based


def district_name(funder: Funder, district: int) -> str:
    """The district a grant is filed under: a district's name, or '<funder's area>-wide'."""
    names, _, _ = districts()
    if district >= 0:
        return names[district]
    return f"{names[funder.home]}-wide"


def spend_rows(count: int, seed: int = 360, loaded_at: str = "2026-01-01T00:00:00+00:00"):
    """``count`` rows for the spend table, national-shaped (see the module's docstring)."""
    columns = grants(count, seed)
    funder_list, _ = funders()
    names, codes, _ = districts()
    beneficiary, based = places(columns)
    for index in range(count):
        funder = funder_list[columns["funder"][index]]
        benefit, home = int(beneficiary[index]), int(based[index])
        yield {
            "uid": f"bench|{index}",
            "financial_year": YEARS[columns["year"][index]],
            "body_type": funder.body_type,
            "authority": funder.name,
            "authority_id": funder.org_id,
            "district": district_name(funder, int(columns["district"][index])),
            "department": columns["department"][index],
            "funding_type": str(columns["funding_type"][index]),
            "amount_pence": int(columns["amount_pence"][index]),
            "recipient": f"Bench Organisation {columns['recipient'][index]:06d} (fictional)",
            "third_sector": int(columns["third_sector"][index]),
            "beneficiary_code": codes[benefit] if benefit >= 0 else None,
            "beneficiary_location": names[benefit] if benefit >= 0 else None,
            "recipient_area_code": codes[home] if home >= 0 else None,
            "source": "benchmark (fictional)",
            "loaded_at": loaded_at,
        }


def spend_database(path: Path, rows: int) -> float:
    """A fresh, seeded database at ``path`` with ``rows`` national-shaped spend rows added
    in one transaction (``executemany``; the summary tables summed once at the end, as
    models.spend.bulk_totals does for any bulk writer). Returns the seconds the load took."""
    import time

    from models import spend, store
    from models.database import init_database

    init_database(path)
    start = time.perf_counter()
    generated = spend_rows(rows)
    first = next(generated)
    columns = list(first)
    sql = f"INSERT INTO spend ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    with store.opened(path) as db:
        with store.transaction(db), spend.bulk_totals(db):
            db.conn.execute(sql, tuple(first.values()))
            db.conn.executemany(sql, (tuple(r.values()) for r in generated))
        db.execute("ANALYZE")
    return time.perf_counter() - start
