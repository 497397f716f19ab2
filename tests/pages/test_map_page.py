"""The spend map page (AppTest): the one-line prompt before boundaries are imported, the
map after, geography and area chosen from the URL, and totals that match the spend table."""

from __future__ import annotations

from models import geography, store
from models.importers import ImportOptions, Source, import_sources
from tests.pages.conftest import chart_specs, metrics, run_page


def test_before_boundaries_the_page_says_what_to_import(db_path):
    app = run_page("map.py")
    assert not app.exception
    prompt = " ".join(i.value for i in app.info)
    assert "No former borough (before 2009) boundaries yet" in prompt
    assert geography.ONS_WARDS in prompt and "python -m models import" in prompt
    assert metrics(app)["Spend in this view"] == "£3,103,486.94"  # the spend explorer's total
    assert not app.get("vega_lite_chart")


def test_map_table_and_chosen_area_from_the_url(db_path, shared_data):
    wards = shared_data / "real" / "corpus" / "reference" / "cheshire_east_E06000049_wards.geojson"
    with store.opened(db_path) as db:
        (result,) = import_sources(db, [Source.from_path(wards)], ImportOptions())
    assert result.status == "imported"
    app = run_page("map.py", {"map.geo": "Former borough (before 2009)", "map.area": "Congleton"})
    assert not app.exception
    (spec,) = chart_specs(app)
    # the title wraps (it was cut at 390 px: "Spend by former borough (before 2009), wh...")
    assert spec["title"]["text"] == ["Spend by former borough (before 2009),", "where the benefit lands"]
    shown = metrics(app)
    assert shown["Spend in this view"] == "£3,103,486.94"
    assert shown["Not on the map"] == "£2,241,289.94"  # Cheshire County Council: county-wide
    assert "Congleton: 5 records, £261,860.00." in [m.value for m in app.markdown]
    captions = " ".join(c.value for c in app.caption)
    assert "Map of spend by former borough (before 2009)" in captions and "Highest: Macclesfield (£309,870.00)" in captions

    # Per head by former borough: the borough's spend over the sum of its wards' ONS mid-2020
    # populations (data/reference/ward_population.csv): Macclesfield £309,870.00 / 158,852 people
    # = 195.07p, shown as £1.95; Congleton £261,860.00 / 99,170 = 264.05p, shown as £2.64.
    app = run_page("map.py", {"map.geo": "Former borough (before 2009)", "map.measure": "Spend per head"})
    assert not app.exception
    assert not [i.value for i in app.info if "Per head needs" in i.value]
    (table,) = [d.value for d in app.dataframe if "Population (mid-2020)" in d.value.columns]
    table = table.set_index("Area")
    assert table.loc["Macclesfield", "Population (mid-2020)"] == "158,852"
    assert table.loc["Macclesfield", "Spend per head (£)"] == "£1.95"
    assert table.loc["Congleton", "Population (mid-2020)"] == "99,170"
    assert table.loc["Congleton", "Spend per head (£)"] == "£2.64"
    # county-wide spend has no population: the cell says so (never 'None'); money leads
    assert table.loc["Cheshire East-wide (county-wide)", "Spend per head (£)"] == "no population held"
    assert table.loc["Cheshire East-wide (county-wide)", "Population (mid-2020)"] == ""
    assert list(table.columns[:2]) == ["Spend (£)", "Spend per head (£)"]
    captions = " ".join(c.value for c in app.caption)
    assert "Map of spend per head by former borough (before 2009)" in captions
    assert "Per head divides by ONS mid-2020 populations" in captions

    app = run_page("map.py", {"map.geo": "Ward"})
    assert not app.exception
    assert metrics(app)["On the map (ward)"] == "£0.00"  # the 2008/09 table has no ward-level spend


def test_the_largest_thousand_differences_are_listed_and_the_rest_said(db_path):
    """1,001 grants, each to a charity based in one English district for the benefit of the
    next (by GSS code, wrapping round), 100p x 1 ... 100p x 1,001: the page lists the 1,000
    largest, Charity 1000's £1,001.00 first, and says how many there are in all."""
    english = sorted(r["gss_code"] for r in geography.local_authorities() if r["nation"] == "England" and not r["end_date"])
    with store.opened(db_path) as db, store.transaction(db):
        db["spend"].insert_all({
            "uid": f"pairs|{i}", "financial_year": "2024/25", "date": "2024-06-01", "body_type": "local_government",
            "authority": "Cheshire East Council", "district": "Cheshire East", "department": "", "funding_type": "grant",
            "amount_pence": 100 * (i + 1), "recipient": f"Charity {i:04d}", "third_sector": 1,
            "recipient_area_code": english[i % len(english)], "beneficiary_code": english[(i + 1) % len(english)],
            "source": "test", "loaded_at": "2026-12-03T07:00:00+00:00"} for i in range(1_001))
    app = run_page("map.py", {"map.geo": "Local authority"})
    assert not app.exception
    (listed,) = [d.value for d in app.dataframe if "Where based" in d.value.columns]
    assert len(listed) == 1_000
    assert (listed.iloc[0]["Recipient"], listed.iloc[0]["Amount (£)"]) == ("Charity 1000", 1_001.00)
    assert (listed.iloc[-1]["Recipient"], listed.iloc[-1]["Amount (£)"]) == ("Charity 0001", 2.00)
    assert "The 1,000 largest of 1,001 are listed; the downloads hold every one." in [c.value for c in app.caption]
