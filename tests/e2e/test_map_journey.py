"""A council member opens the spend map, switches from former boroughs to wards, switches
between where the recipient is based and where the benefit lands, and shares the URL; the
shared link opens the same view. Axe after every step, at 1280 and 390 px.

The journey's database holds the seed, the real Cheshire East ward boundaries (read in
place from ../shared/data) and five fictional grants with ward codes (the same ones as
tests/models/test_geography.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models import store
from models.importers import ImportOptions, Source, import_sources
from tests.conftest import SHARED_DATA
from tests.e2e.conftest import (
    _need_browser,
    assert_accessible,
    metric_locator,
    open_page,
    streamlit_server,
    wait_until_idle,
)
from tests.helpers import GRANTS, GRANTS_HEADER


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, seeded_template):
    from tests.conftest import copy_database

    _need_browser()
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared sample data not found at {SHARED_DATA}")
    folder = tmp_path_factory.mktemp("e2e-map")
    path = copy_database(seeded_template, folder / "dashboard.db")
    grants = folder / "grants.csv"
    grants.write_text("\n".join([GRANTS_HEADER] + [
        f"{gid},Grant {gid},A test grant,GBP,{amount},2024-06-01,GB-CHC-100000{n},Test charity {n},{based},{name},{code},"
        "GB-LAE-CHE,Cheshire East Council"
        for n, (gid, amount, based, name, code) in enumerate(GRANTS)
    ]) + "\n", encoding="utf-8")
    wards = SHARED_DATA / "real" / "corpus" / "reference" / "cheshire_east_E06000049_wards.geojson"
    with store.opened(path) as db:
        results = import_sources(db, [Source.from_path(wards), Source.from_path(grants)], ImportOptions())
    assert [r.status for r in results] == ["imported", "imported"]
    with streamlit_server(path) as url:
        yield url


@pytest.mark.parametrize("width", [1280, 390])
def test_open_map_switch_geography_and_place_then_share(browser, app_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        # 1. Open the map: former boroughs by default, the spend explorer's total (seed £3,103,486.94
        #    + the grants' £1,890.34), Cheshire County Council's spend not spread.
        open_page(page, app_server, "map")
        expect(page.get_by_role("heading", name="Spend map")).to_be_visible()
        expect(metric_locator(page, "Spend in this view")).to_have_text("£3,105,377.28")
        # the three boroughs' £862,197.00 in 2008/09 + grants in Macclesfield, Crewe and Nantwich, Congleton £1,350.34
        expect(metric_locator(page, "On the map (former borough (before 2009))")).to_have_text("£863,547.34")
        expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
        assert_accessible(page)

        # 2. Switch geography to wards: only the two ward-coded grants are on the map.
        page.get_by_role("radiogroup", name="Geography").get_by_text("Ward", exact=True).click()
        wait_until_idle(page)
        expect(page).to_have_url(_containing("map.geo=Ward"))
        expect(metric_locator(page, "On the map (ward)")).to_have_text("£1,250.35")  # 1,000.10 + 250.25
        assert_accessible(page)

        # 3. Where the recipient is based, then where the benefit lands.
        page.get_by_role("radiogroup", name="Place spend").get_by_text("Where the recipient is based").click()
        wait_until_idle(page)
        expect(page).to_have_url(_containing("map.place="))
        expect(page.get_by_text("they differ for 1 (£1,000.10)", exact=False)).to_be_visible()
        assert_accessible(page)
        page.get_by_role("radiogroup", name="Place spend").get_by_text("Where the benefit lands").click()
        wait_until_idle(page)
        expect(metric_locator(page, "On the map (ward)")).to_have_text("£1,250.35")
        page.get_by_role("radiogroup", name="Show").get_by_text("Spend per head").click()
        wait_until_idle(page)
        expect(page).to_have_url(_containing("map.measure="))
        # Per head by ward (ONS mid-2020 ward populations): Alderley Edge £1,000.10 / 4,997 people.
        expect(page.get_by_text("Map of spend per head by ward", exact=False)).to_be_visible()
        expect(page.get_by_text("Highest: Alderley Edge (£0.20 per head)", exact=False)).to_be_visible()
        shared = page.url
        assert_accessible(page)

        # 4. Share the URL: a fresh page opens the same view.
        other = context.new_page()
        open_page(other, app_server, shared.split("/", 3)[3])
        expect(other.get_by_role("radiogroup", name="Geography").get_by_role("radio", name="Ward")).to_be_checked()
        expect(other.get_by_role("radiogroup", name="Show").get_by_role("radio", name="Spend per head")).to_be_checked()
        expect(metric_locator(other, "On the map (ward)")).to_have_text("£1,250.35")
        assert_accessible(other)
    finally:
        context.close()


def _containing(text: str):
    import re

    return re.compile(".*" + re.escape(text).replace("\\ ", "\\+") + ".*")
