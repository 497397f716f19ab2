"""Test data and checks shared by more than one test file (and by bench/): import them from
here, never from another test module. Fixtures live in the conftest.py files."""

from __future__ import annotations

from models import spend

# ---------------------------------------------------------------- spend summaries (migration 100)


def stored_totals(db, table: str) -> dict:
    """{key: (pence, records)} of one summary table."""
    columns = sorted(dict(spend.SUMMARIES)[table])
    rows = db.execute(f"SELECT {', '.join(columns)}, amount_pence, records FROM {table}").fetchall()
    return {tuple(r[:-2]): (r[-2], r[-1]) for r in rows}


def recomputed_totals(db, table: str) -> dict:
    columns = sorted(dict(spend.SUMMARIES)[table])
    rows = db.execute(
        f"SELECT {', '.join(columns)}, SUM(amount_pence), COUNT(*) FROM spend GROUP BY {', '.join(columns)}"
    ).fetchall()
    return {tuple(r[:-2]): (r[-2], r[-1]) for r in rows}


def assert_summaries_exact(db) -> None:
    for table, _ in spend.SUMMARIES:
        assert stored_totals(db, table) == recomputed_totals(db, table), table


def row(uid: str, pence: int, district: str = "Congleton", third_sector: int = 1, **extra) -> dict:
    return {"uid": uid, "financial_year": "2009/10", "body_type": "local_government",
            "authority": "Congleton Borough Council", "district": district, "department": "Revenues",
            "funding_type": "grant", "amount_pence": pence, "third_sector": third_sector,
            "source": "test", "loaded_at": "2026-01-01T00:00:00+00:00", **extra}


# ---------------------------------------------------------------- grants on the map (geography)

# Fictional grants written for these tests (360Giving flat form). Cheshire East Council
# (GB-LAE-CHE) funds them, so they are local government spend, in 2024/25.
GRANTS_HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,"
    "Recipient Org:Location:0:Geographic Code,Beneficiary Location:0:Name,Beneficiary Location:0:Geographic Code,"
    "Funding Org:Identifier,Funding Org:Name"
)
GRANTS = [
    # id, amount, recipient area code, beneficiary name, beneficiary code
    ("360G-test-1", "1000.10", "E05008620", "Alderley Edge", "E05008610"),  # based in Crewe Central, benefit in Alderley Edge
    ("360G-test-2", "250.25", "E05008620", "Crewe Central", "E05008620"),   # both Crewe Central
    ("360G-test-3", "99.99", "", "Congleton", ""),                          # known only by former borough
    ("360G-test-4", "500.00", "", "Cheshire East", "E06000049"),            # the whole council area
    ("360G-test-5", "40.00", "", "Trafford", "E08000009"),                  # outside Cheshire East
]


# ---------------------------------------------------------------- provider matching

# Service specifications written as a commissioner would, each labelled by hand with the
# kinds of organisation that could deliver it (the demonstration directory's service
# kinds: see models/demo_directory.py). A match is relevant when its kind is listed.
LABELLED_SPECIFICATIONS = [
    ("Emergency food provision for households in financial crisis, accepting referrals from GPs and social workers.", {"foodbank"}),
    ("Free and confidential debt advice, including help with benefit claims and tribunal appeals.", {"debt_advice"}),
    ("Open-access youth work on weekday evenings and detached work with teenagers in parks.", {"youth"}),
    ("Funded early education places and stay-and-play sessions for under fives and their parents.", {"early_years"}),
    ("A befriending service visiting older people who live alone, with a luncheon club.", {"older_people"}),
    ("Breaks, support groups and advice for unpaid carers, including a young carers project.", {"carers"}),
    ("Counselling and peer support groups for adults with anxiety and depression.", {"mental_health"}),
    ("Day opportunities and supported employment for adults with learning disabilities.", {"disability"}),
    ("Refuge accommodation and independent domestic violence advisers for women and children fleeing abuse.", {"domestic_abuse"}),
    ("Tenancy sustainment and emergency accommodation to prevent homelessness.", {"housing"}),
    ("Community drug and alcohol recovery support, including harm reduction and peer-led recovery meetings.", {"substance"}),
    ("Help for unemployed adults into work: CV writing, digital skills training and work placements.", {"employment", "education"}),
    ("Practical conservation volunteering: tree planting, litter picks and looking after parks and woodland.", {"environment"}),
    ("Community arts workshops, theatre productions and a local heritage archive.", {"arts"}),
    ("Coaching and junior teams to get more children playing sport, plus walking football.", {"sport"}),
    ("Support for voluntary groups: funding advice, trustee governance training and representing the sector.", {"cvs", "volunteer_centre"}),
    ("Recruiting, training and placing volunteers with local organisations; a volunteer skills register.", {"volunteer_centre", "cvs"}),
    ("Door-to-door community transport and a volunteer car scheme for hospital appointments.", {"transport"}),
    ("A dementia café and peer support for people living with long-term conditions and their carers.", {"health_condition"}),
    ("English classes for speakers of other languages and advice for refugees and migrant workers.", {"bme"}),
    ("Rescuing and rehoming abandoned cats and dogs and low-cost neutering.", {"animals"}),
    ("Street pastors in the town centre at night and restorative justice to reduce anti-social behaviour.", {"community_safety"}),
    ("Adult literacy and numeracy classes and volunteer reading helpers in primary schools.", {"education"}),
    ("A community-owned shop and furniture reuse enterprise reinvesting profits locally.", {"social_enterprise"}),
]
