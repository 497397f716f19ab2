"""Generators of national-scale data for the benchmarks (fictional, reproducible)."""

from __future__ import annotations

import random

from models import store

AUTHORITIES = [f"Authority {i:03d}" for i in range(150)]
DEPARTMENTS = ["Adult Social Care", "Children's Services", "Communities", "Environment", "Housing",
               "Public Health", "Leisure", "Corporate", "Highways", "Education", "- Unconfirmed -"]
DISTRICTS = ["Congleton", "Crewe and Nantwich", "Macclesfield", "Cheshire East-wide"]
YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2008, 2026)]


def spend_rows(count: int, seed: int = 2008):
    """``count`` fictional spend rows with realistic spread over years, bodies and departments."""
    rng = random.Random(seed)
    loaded_at = store.now_iso()
    for index in range(count):
        body = rng.choices(["local_government", "health", "other_funder"], weights=[70, 15, 15])[0]
        yield {
            "uid": f"bench|{index}",
            "financial_year": rng.choice(YEARS),
            "body_type": body,
            "authority": rng.choice(AUTHORITIES),
            "district": rng.choice(DISTRICTS),
            "department": rng.choice(DEPARTMENTS),
            "funding_type": rng.choice(["contract", "grant"]),
            "amount_pence": rng.randint(50_000, 5_000_000),
            "recipient": f"Organisation {rng.randint(1, 20_000)}",
            "third_sector": 1 if rng.random() < 0.6 else 0,
            "source": "benchmark (fictional)",
            "loaded_at": loaded_at,
        }
